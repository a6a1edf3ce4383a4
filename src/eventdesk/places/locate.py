"""Where each event happened: the place attached to its trigger, not merely one in its sentence.

Order of preference, each step only when the one before finds nothing:

1. a place governed by a locative preposition (in, at, near, outside, ...) whose head is the
   event's trigger or lies on the trigger's path to the root (``killed in Miqdadiya``);
2. a place governed by a locative preposition anywhere in the event's sentence;
3. the sentence's most specific place;
4. the article's dominant place (the most often named as a location, finest first).

A place that is the *actor* of the sentence is never the location: a capital as subject of a
speaking verb ("Baghdad said") stands for a government, and a place inside the event's actor or
recipient span names a party, not a site; nor is a place name that qualifies a party ("US
troops", "Iraq's parliament", :func:`names_a_party`). The chosen place is copied with its
span's confidence lowered on the weaker steps, so a user can see how the location was found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..types import Document, Event, Place, Token
from .demonyms import is_demonym_place
from .resolve import specificity

LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "around",
        "across",
        "throughout",
        "into",
        "within",
        "on",
        "off",
        "along",
        "over",
        "towards",
        "toward",
        "onto",
        "from",
        "of",
    }
)
_WEAK_LOCATIVE = frozenset({"from", "of", "on", "over"})
SPEAKING = frozenset(
    [
        "say",
        "tell",
        "announce",
        "claim",
        "deny",
        "accuse",
        "warn",
        "state",
        "insist",
        "confirm",
        "condemn",
        "demand",
        "urge",
        "threaten",
        "reject",
        "respond",
        "call",
        "vow",
        "pledge",
        "agree",
        "sign",
        "decide",
        "order",
        "want",
        "blame",
        "criticize",
        "criticise",
        "welcome",
        "praise",
        "declare",
        "add",
        "note",
        "argue",
        "report",
        "suggest",
        "ask",
        "hope",
        "expect",
        "believe",
        "retaliate",
        "respond",
        "protest",
        "recognize",
        "recognise",
        "insist",
        "refuse",
        "offer",
        "propose",
    ]
)
# Confidence multipliers for how the location was found (steps 1-4 above).
_STEP_CONFIDENCE = (1.0, 0.8, 0.6, 0.4)


def _tokens(doc: Document, start: int, end: int) -> list[Token]:
    """The tokens that start in ``[start, end)``."""
    found = doc.token_range(start, end)
    return doc.tokens[found.start:found.stop]


def _head_token(doc: Document, start: int, end: int) -> Token | None:
    """The token of ``[start, end)`` whose head lies outside it (the span's syntactic head)."""
    toks = _tokens(doc, start, end)
    ids = {t.i for t in toks}
    for t in toks:
        if t.head not in ids or t.head == t.i:
            return t
    return toks[0] if toks else None


def is_actor_mention(doc: Document, place: Place) -> bool:
    """True when the place stands for an actor: subject of a speaking verb ("Baghdad said").

    Needs ``doc.tokens`` (the dependency parse); without them nothing is called an actor.
    """
    if not doc.tokens:
        return False
    head = _head_token(doc, place.span.start, place.span.end)
    if head is None or head.dep not in ("nsubj", "nsubjpass", "agent"):
        return False
    verb = doc.tokens[head.head]
    return verb.lemma.lower() in SPEAKING


def _locative_head(doc: Document, place: Place) -> tuple[Token, Token] | None:
    """(host word, preposition) when a locative preposition attaches the place to a word."""
    head = _head_token(doc, place.span.start, place.span.end)
    # Climb through compounds/appositions/conjuncts to the phrase's head noun.
    seen = 0
    while head is not None and head.dep in ("compound", "appos", "conj", "nmod") and seen < 4:
        head = doc.tokens[head.head]
        seen += 1
    if head is None:
        return None
    if head.dep == "dobj":  # "rockets hit K1 base", "militants stormed Haditha": the target
        verb = doc.tokens[head.head]
        return verb, verb
    if head.dep != "pobj":
        return None
    prep = doc.tokens[head.head]
    if prep.lemma.lower() not in LOCATIVE:
        return None
    return (doc.tokens[prep.head] if prep.head != prep.i else prep), prep


def _path_to_root(doc: Document, tok: Token) -> set[int]:
    out = {tok.i}
    while doc.tokens[tok.i].head != tok.i and len(out) < 50:
        tok = doc.tokens[tok.head]
        out.add(tok.i)
    return out


# Attacks whose target may be a site: "rockets hit the Balad Air Base" is an attack at the base.
ATTACKS = frozenset({"ASSAULT", "BATTLES", "EXPLOSIONS_REMOTE_VIOLENCE",
                     "VIOLENCE_AGAINST_CIVILIANS"})


def _overlaps(place: Place, event: Event) -> bool:
    """Whether ``place`` lies in the event's actor or recipient span (it names a party) --
    except a site or town an attack is aimed at, which is where it happened ("rockets hit
    the Balad Air Base", "fired at the Baghdad Green Zone")."""
    target_site = event.event in ATTACKS and place.level in ("point", "city")
    for actor in (event.actor, None if target_site else event.recipient):
        if (
            actor is not None
            and actor.span is not None
            and (place.span.start < actor.span.end and actor.span.start < place.span.end)
        ):
            return True
    return False


# Nouns a place name can modify and still be where something happened ("Baghdad airport").
PLACE_NOUNS = frozenset({
    "airport", "airbase", "base", "border", "bridge", "camp", "capital", "checkpoint", "church",
    "city", "compound", "consulate", "crossing", "district", "embassy", "field", "headquarters",
    "highway", "hospital", "hotel", "market", "mosque", "neighborhood", "neighbourhood", "port",
    "prison", "province", "region", "road", "school", "square", "station", "street", "town",
    "university", "village", "zone", "area", "coast", "frontier", "outskirts", "suburb",
})
_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "npadvmod", "nmod"})
# Event nouns a town names the place of ("the Baghdad attack", "the Kabul bombing"); a country
# before them ("a US strike") is who did it.
EVENT_NOUNS = frozenset({
    "attack", "bombing", "blast", "explosion", "raid", "strike", "airstrike", "shelling",
    "ambush", "clash", "clashes", "fighting", "battle", "siege", "shooting", "massacre",
    "protest", "protests", "rally", "demonstration", "riot", "riots", "unrest", "violence",
})


def names_a_party(doc: Document, place: Place) -> bool:
    """True when the place name only qualifies a party or thing: "US troops", "US-led
    coalition", "Iraq's parliament". Such a name says whose, not where; "Baghdad airport"
    (a place noun) and "the Kabul bombing" (a town before an event noun) still say where.
    Needs ``doc.tokens``."""
    if not doc.tokens:
        return False
    head = _head_token(doc, place.span.start, place.span.end)
    if head is None or head.dep not in _MODIFIER_DEPS or head.head == head.i:
        return False
    noun = doc.tokens[head.head].lemma.lower()
    if noun in EVENT_NOUNS and place.level in ("city", "point"):
        return False  # "the Baghdad attack": where
    return noun not in PLACE_NOUNS


def dominant_place(doc: Document, places: list[Place]) -> Place | None:
    """The article's most often named resolved place; ties go to the finer, then the earlier.

    Only places the article names as a location count (after a locative preposition, or as
    what an action is done to): a country the article names as a party ("the United States
    said", "Washington's demand") is who, not where, however often it comes up.
    """
    if doc.tokens:
        places = [p for p in places if _locative_head(doc, p) is not None]
    return _most_named(places)


def _most_named(places: list[Place]) -> Place | None:
    if not places:
        return None
    counts = Counter((p.name, p.country) for p in places)
    return max(places, key=lambda p: (counts[(p.name, p.country)], specificity(p), -p.span.start))


class Locator:
    """Finds where each event of one document happened.

    Why a class: which places may be an event's location (resolved, not an actor, not a party's
    qualifier) and how each attaches to the parse do not depend on the event, so they are
    worked out once per document, not once per event (that grew with events x places).
    """

    def __init__(self, doc: Document):
        self.doc = doc
        self.usable = [p for p in doc.places if p.lat is not None
                       and not is_demonym_place(p) and not is_actor_mention(doc, p)
                       and not names_a_party(doc, p)]
        self.heads = {id(p): _locative_head(doc, p) if doc.tokens else None
                      for p in self.usable}
        self.by_sentence: dict[int, list[Place]] = {}
        for p in self.usable:
            self.by_sentence.setdefault(p.span.sentence, []).append(p)

    def locate(self, event: Event) -> tuple[Place | None, int]:
        """The place ``event`` happened and the step (0-3) that found it; (None, -1) if none."""
        doc = self.doc
        sent = event.span.sentence
        if sent >= 0:
            in_sentence = [p for p in self.by_sentence.get(sent, ()) if not _overlaps(p, event)]
        else:
            in_sentence = []
        if not in_sentence:
            in_sentence = [p for p in self.usable if not _overlaps(p, event)
                           and event.span.start <= p.span.start < event.span.end]
        if in_sentence and doc.tokens:
            anchor = event.trigger or event.span
            trig = _head_token(doc, anchor.start, anchor.end)
            path = _path_to_root(doc, trig) if trig is not None else set()
            attached = []
            for p in in_sentence:
                found = self.heads.get(id(p))
                if found is None:
                    continue
                host, prep = found
                firm = prep.i == host.i or prep.lemma.lower() not in _WEAK_LOCATIVE
                distance = -abs(p.span.start - anchor.start)
                attached.append((host.i in path, firm, specificity(p), distance, p))
            strong = [a for a in attached if a[0]]
            if strong:
                return max(strong, key=lambda a: a[1:4])[4], 0
            if attached:
                return max(attached, key=lambda a: a[1:4])[4], 1
        if in_sentence:
            return max(in_sentence, key=lambda p: (specificity(p), -p.span.start)), 2
        named = [p for p in self.usable if not _overlaps(p, event)
                 and (not doc.tokens or self.heads.get(id(p)) is not None)]
        dom = _most_named(named)
        return (dom, 3) if dom is not None else (None, -1)


def locate(doc: Document, event: Event) -> tuple[Place | None, int]:
    """The place ``event`` happened and the step (0-3) that found it; (None, -1) when none.

    For many events of one document, build one :class:`Locator` and ask it for each.
    """
    return Locator(doc).locate(event)


def located_copy(place: Place, step: int, component: str) -> Place:
    """A copy of ``place`` for an event's location, its confidence lowered by ``step``."""
    span = replace(
        place.span,
        component=component,
        confidence=round(place.span.confidence * _STEP_CONFIDENCE[step], 3),
    )
    return replace(place, span=span)
