"""The plain data types every stage takes and returns.

Why plain dataclasses: stages stay independent (each reads and writes these types only), results
serialise to the contract's JSON shapes without hidden state, and the Ray runner can ship them
between processes. Every extracted item carries a :class:`Span` so that any value can be traced to
the article, sentence and characters it came from, and the component that produced it.

Offsets are 0-based, end-exclusive Python string indices into ``Article.text`` as stored.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "year"]
Bound = Literal["lower", "upper"]


@dataclass(slots=True)
class Article:
    """One news article as stored. ``id`` is kept for good (CONTRACT.md)."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"
    source: str | None = None
    url: str | None = None
    language: str | None = None
    origin: str | None = None  # where it was read from: "path" or "path:line"
    extra: dict[str, Any] = field(default_factory=dict)  # unknown input fields, kept verbatim

    @property
    def published_date(self) -> str | None:
        """The publication day (``YYYY-MM-DD``) or None."""
        return self.published[:10] if self.published else None

    def to_record(self) -> dict[str, Any]:
        """The contract's input-record shape (plus origin), e.g. for ``export articles``."""
        rec = {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "url": self.url,
            "language": self.language,
            "text": self.text,
        }
        return rec


@dataclass(slots=True)
class Span:
    """Provenance of an extracted item: where in which article, and who found it."""

    article_id: str
    sentence: int  # sentence index in the article (-1: the title or not in a sentence)
    start: int
    end: int
    text: str
    component: str = ""
    confidence: float = 1.0


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Token:
    """A token with what the parse said of it. Kept small: rules need the dependency tree."""

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent_type: str = ""


@dataclass(slots=True)
class Entity:
    """A named mention (person, organisation, place, group), resolved where possible."""

    span: Span
    kind: str  # spaCy label: PERSON, ORG, GPE, NORP, LOC, FAC, ...
    canonical: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None  # CAMEO/PLOVER agent code: GOV, MIL, REB, ...
    code: str | None = None  # actor code, e.g. "IRQGOV" or "IGONATO"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.span.text,
            "start": self.span.start,
            "end": self.span.end,
            "kind": self.kind,
            "canonical": self.canonical,
            "country": self.country,
            "sector": self.sector,
        }


@dataclass(slots=True)
class DateMention:
    """A temporal expression normalised to an absolute date; ``value`` None if unresolvable."""

    span: Span
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: Precision | None
    relative: bool = False  # resolved against the publication date rather than fixed by the text
    reason: str | None = None  # why value is None, when it is

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.span.text,
            "start": self.span.start,
            "end": self.span.end,
            "value": self.value,
            "precision": self.precision,
        }


@dataclass(slots=True)
class Place:
    """A toponym resolved to a gazetteer entry."""

    span: Span
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO-3
    admin1: str | None = None
    geonameid: int | None = None
    feature: str | None = None  # GeoNames feature code or "country"/"admin1"/"base"/...
    level: str | None = None  # point, city, admin1, country

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.span.text,
            "start": self.span.start,
            "end": self.span.end,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "admin1": self.admin1,
            "geonameid": self.geonameid,
            "feature": self.feature,
        }


@dataclass(slots=True)
class Figure:
    """A quantity in the text with the thing it counts."""

    span: Span
    value: float
    unit: str | None = None  # "people", "USD", "troops", ...
    about: str | None = None  # "US troops in Iraq"
    approximate: bool = False
    bound: Bound | None = None

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "text": self.span.text,
            "start": self.span.start,
            "end": self.span.end,
            "value": value,
            "unit": self.unit,
            "about": self.about,
            "approximate": self.approximate,
            "bound": self.bound,
        }


@dataclass(slots=True)
class Actor:
    """Who did it or to whom, as coded for an event."""

    entity_text: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    span: Span | None = None
    # Other parties in the same role, joined to this one in the text ("the strike that killed
    # Muhandis and Soleimani": Muhandis is the recipient, Soleimani is also one). Why keep them:
    # another report of the same strike may name only Soleimani, and linking must see that the
    # two reports share a party rather than name different ones.
    also: tuple[Actor, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_text": self.entity_text,
            "code": self.code,
            "country": self.country,
            "sector": self.sector,
            "also": [
                {"entity_text": a.entity_text, "code": a.code, "country": a.country,
                 "sector": a.sector}
                for a in self.also
            ],
        }


@dataclass(slots=True)
class Size:
    dead: int | None = None
    injured: int | None = None
    arrested: int | None = None


@dataclass(slots=True)
class Event:
    """One coded event as found in one article passage."""

    event: str  # PLOVER type or ACLED event type
    span: Span  # the sentence (or clause) reporting it; span.sentence is the sequence
    mode: str | None = None
    ontology: str = "plover"
    trigger: Span | None = None
    actor: Actor | None = None
    recipient: Actor | None = None
    date: str | None = None
    date_precision: Precision | None = None
    location: Place | None = None
    size: Size = field(default_factory=Size)
    confidence: float = 0.5
    # Factuality flags: such events are kept but marked, never passed off as having happened.
    negated: bool = False
    hypothetical: bool = False  # future, plan, conditional, expectation
    reported: bool = False  # attributed claim ("X said Y attacked")
    salience: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "mode": self.mode,
            "ontology": self.ontology,
            "actor": self.actor.to_dict() if self.actor else None,
            "recipient": self.recipient.to_dict() if self.recipient else None,
            "date": self.date,
            "date_precision": self.date_precision,
            "location": self.location.to_dict() if self.location else None,
            "size": asdict(self.size),
            "text_info": {
                "sequence": self.span.sentence,
                "start": self.span.start,
                "end": self.span.end,
            },
            "confidence": round(float(self.confidence), 4),
            "trigger": (
                {"text": self.trigger.text, "start": self.trigger.start, "end": self.trigger.end}
                if self.trigger
                else None
            ),
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "reported": self.reported,
        }


@dataclass(slots=True)
class TimelineEntry:
    date: str
    text: str
    event_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SummarySentence:
    text: str
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Story:
    story_id: str
    title: str
    article_ids: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """An article with everything the stages found in it; what flows through the pipeline.

    ``nlp`` holds the transient spaCy ``Doc`` between stages of one process; it is never stored
    or shipped (stages after ``nlp`` use ``sentences``/``tokens`` or the Doc when present).
    """

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    nlp: Any = None  # spacy.tokens.Doc, transient

    def token_range(self, start: int, end: int) -> range:
        """Positions in ``tokens`` of the tokens that start in ``[start, end)``.

        A binary search (tokens are in text order): stages ask this for every name, place or
        event of an article, and a scan of all tokens each time grows with the square of its
        length.
        """
        lo = bisect_left(self.tokens, start, key=lambda t: t.start)
        return range(lo, bisect_left(self.tokens, end, lo, key=lambda t: t.start))

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` (-1 if none)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s.index
        return -1

    def span(self, start: int, end: int, component: str = "", confidence: float = 1.0) -> Span:
        """A provenance span for ``text[start:end]`` in this article."""
        return Span(
            article_id=self.article.id,
            sentence=self.sentence_at(start),
            start=start,
            end=end,
            text=self.article.text[start:end],
            component=component,
            confidence=confidence,
        )

    def to_extract_record(self) -> dict[str, Any]:
        """The ``eventdesk extract`` output line (CONTRACT.md)."""
        return {
            "id": self.article.id,
            "published": self.article.published,
            "entities": [e.to_dict() for e in self.entities],
            "places": [p.to_dict() for p in self.places],
            "dates": [d.to_dict() for d in self.dates],
            "figures": [f.to_dict() for f in self.figures],
            "events": [e.to_dict() for e in self.events],
        }
