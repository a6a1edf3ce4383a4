"""Dates stage: every temporal expression in an article, as an absolute date with its precision.

Recognition is our own grammar (:mod:`.grammar`) checked against spaCy's DATE/TIME entities
when they are there: a bare month ("June") or year ("2019") counts only after a preposition or
inside a DATE entity, and nothing inside a PERSON/ORG/... entity counts ("the March 14
Alliance", "Sunday Times"). DATE entities the grammar did not read go to a checked dateparser
fallback (:mod:`.fallback`) or are dropped: most are durations ("three years"), frequencies
("annual") or ages ("62-year-old"), which are not points in time.

Resolution (:mod:`.normalize`, where the conventions are written down) anchors on the
publication date, with the tense of the governing verb (:mod:`.tense`) choosing between the
last and the coming weekday. Spans cover the expression without its preposition ("on Sunday"
-> "Sunday").

Usable without spaCy: :func:`find_dates` takes plain text (the stateless ``timeline`` command).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..errors import InputError
from ..intervals import Intervals
from ..types import Article, DateMention, Document, Entity, Precision, Sentence, Token
from . import fallback
from .grammar import Expr, parse, scan
from .lexicon import MONTH_CONTEXT, YEAR_CONTEXT
from .normalize import NO_ANCHOR, Resolution, Tense, evaluate
from .tense import TenseReader, cue_tense

if TYPE_CHECKING:
    from ..pipeline import Options

__all__ = ["NO_ANCHOR", "DateComponent", "find_dates", "parse_anchor", "resolve"]

_VETO_KINDS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
_COUNT_KINDS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"})
_DATE_KINDS = frozenset({"DATE", "TIME"})
_ANCHOR = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_MONTH_BEFORE = re.compile(rf"\b{MONTH_CONTEXT}\s+(?:the\s+)?$", re.IGNORECASE)
_YEAR_BEFORE = re.compile(rf"\b{YEAR_CONTEXT}\s+(?:the\s+)?(?:year\s+)?$", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")


def parse_anchor(published: str | None, source: str | None = None) -> date | None:
    """The publication day from ``YYYY-MM-DD[THH:MM:SS]``; None when there is none.

    A malformed value is an input error rather than a silent None: a wrong anchor would shift
    every relative date in the article.
    """
    if published is None or not published.strip():
        return None
    m = _ANCHOR.match(published.strip() + " ")
    try:
        if m is None:
            raise ValueError(published)
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InputError(
            f"publication date {published!r} is not YYYY-MM-DD[THH:MM:SS]",
            source=source,
            hint="fix or drop the article's 'published' field",
        ) from None


def resolve(
    expression: str, anchor: date | None, *, tense: Tense | None = None
) -> tuple[str, Precision] | None:
    """Normalise one temporal expression ("on Sunday", "December 29", "last month").

    Returns ``(value, precision)``, or None when the text is not a single point in time we can
    read, or when it needs an anchor and ``anchor`` is None. ``tense`` is that of the clause the
    expression sits in; None means no cue (see :mod:`eventdesk.time.normalize`).
    """
    expr = parse(expression)
    if expr is None:
        return None
    res = evaluate(expr, anchor, tense)
    if res is None or res.value is None or res.precision is None:
        return None
    return res.value, res.precision


def _sentence_bounds(text: str, sentences: Sequence[Sentence] | None) -> list[tuple[int, int]]:
    if sentences:
        return [(s.start, s.end) for s in sentences]
    bounds, pos = [], 0
    for m in _SENT_END.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    return bounds


class _EntityIndex:
    """spaCy entities grouped the way the context checks use them, built once per article."""

    def __init__(self, entities: Sequence[Entity]):
        def spans(kinds: frozenset[str]) -> Intervals:
            return Intervals((e.span.start, e.span.end) for e in entities if e.kind in kinds)

        self.veto = spans(_VETO_KINDS)
        self.dated = spans(_DATE_KINDS)
        self.counts = spans(_COUNT_KINDS)


# A live blog's entries start with the time of day, without a colon inside: "2017: Is the
# Senate listening?", "2015 GMT: Rockets hit...". Read as years, every entry of a 2010 blog was
# dated 2017 to 2034. A chronology's lines start the same way ("2003: US forces invade"), with
# years up to the article's own: only a time zone, or years after publication, tell a time.
_CLOCK_STAMP = re.compile(r"(?m)^[ \t]*(?P<hhmm>(?:[01]\d|2[0-3])[0-5]\d)(?P<zone>\s*(?:GMT|BST|"
                          r"EST|EDT|CET|CEST|UTC))?\s*:")


def _clock_stamps(text: str, anchor: date | None) -> Intervals:
    """Line-leading times of day: with a time zone, or, two or more of them, numbers that as
    years would lie after the article's publication (a live blog; one alone may be a heading
    about a year to come)."""
    zoned, later = [], []
    for m in _CLOCK_STAMP.finditer(text):
        span = (m.start("hhmm"), m.end("hhmm"))
        if m.group("zone"):
            zoned.append(span)
        elif anchor is not None and int(m.group("hhmm")) > anchor.year:
            later.append(span)
    return Intervals(zoned + (later if len(later) >= 2 else []))


def _keep(expr: Expr, text: str, ents: _EntityIndex | None) -> bool:
    """Context checks: is this match a date here, judging by its neighbours and by NER."""
    if ents is not None and ents.veto.contains(expr.start, expr.end):
        return False
    if not expr.weak:
        return True
    if ents is not None:
        if ents.dated.overlaps(expr.start, expr.end):
            return True
        if expr.kind == "year" and ents.counts.overlaps(expr.start, expr.end):
            return False
    before = text[max(0, expr.start - 30) : expr.start]
    context = _MONTH_BEFORE if expr.kind == "month" else _YEAR_BEFORE
    return context.search(before) is not None


class _Finder:
    """One article's dates: recognition, checks, tense, resolution, in text order."""

    def __init__(
        self,
        text: str,
        anchor: date | None,
        sentences: Sequence[Sentence] | None,
        tokens: Sequence[Token] | None,
        entities: Sequence[Entity] | None,
    ):
        self.text = text
        self.anchor = anchor
        self.sentences = _sentence_bounds(text, sentences)
        self.sent_starts = [s for s, _ in self.sentences]
        self.reader = TenseReader(tokens) if tokens else None
        self.entities = entities
        self.index = _EntityIndex(entities) if entities is not None else None
        self.newlines = [m.start() for m in re.finditer(r"\n", text)]
        self.stamps = _clock_stamps(text, anchor)

    def tense(self, expr: Expr) -> Tense | None:
        if self.reader is not None:
            found, verdict = self.reader.verb_tense(expr.start, expr.end)
            if found:  # the parse has spoken; a cue word elsewhere in the sentence is weaker
                return verdict
        k = bisect_right(self.sent_starts, expr.start) - 1
        if k < 0:
            return None
        s, e = self.sentences[k]
        return cue_tense(self.text[s:e])

    def paragraph(self, offset: int) -> int:
        return bisect_right(self.newlines, offset)

    def expressions(self) -> list[tuple[Expr, Resolution | None]]:
        """Kept grammar matches plus checked fallback readings of leftover DATE entities."""
        exprs = [x for x in scan(self.text) if _keep(x, self.text, self.index)
                 and not self.stamps.overlaps(x.start, x.end)]
        out: list[tuple[Expr, Resolution | None]] = [(x, None) for x in exprs]
        if self.entities:
            # A bare month inside a DATE entity ("May the 5th") may be improved on.
            strong = Intervals((x.start, x.end) for x in exprs
                               if not (x.kind == "month" and x.year is None))
            for ent in self.entities:
                if ent.kind != "DATE" or not fallback.eligible(ent.span.text):
                    continue
                if strong.overlaps(ent.span.start, ent.span.end) or self.stamps.overlaps(
                        ent.span.start, ent.span.end):
                    continue
                probe = Expr(ent.span.start, ent.span.end, "fallback")
                reading = fallback.parse(ent.span.text, self.anchor, self.tense(probe))
                if reading is None:
                    continue
                out = [p for p in out if not (probe.start <= p[0].start and p[0].end <= probe.end)]
                relative = self.anchor is not None
                out.append((probe, Resolution(reading[0], reading[1], relative, None, 0.7)))
        out.sort(key=lambda p: p[0].start)
        return out

    def run(self) -> list[tuple[Expr, Resolution]]:
        results: list[tuple[Expr, Resolution]] = []
        # (paragraph, (value, precision)) of the latest resolved date: what "two days later"
        # counts from.
        last: tuple[int, tuple[str, Precision]] | None = None
        for expr, given in self.expressions():
            para = self.paragraph(expr.start)
            if given is None:
                ref = last[1] if last and last[0] == para else None
                given = evaluate(expr, self.anchor, self.tense(expr), ref)
            if given is None:
                continue
            if given.value is not None and given.precision is not None:
                last = (para, (given.value, given.precision))
            results.append((expr, given))
        return results


def find_dates(
    text: str,
    published: str | None,
    sentences: list[Sentence] | None = None,
    tokens: list[Token] | None = None,
    *,
    entities: list[Entity] | None = None,
    article_id: str = "",
) -> list[DateMention]:
    """Every date in ``text`` as :class:`DateMention`, anchored on ``published``.

    ``sentences``, ``tokens`` and ``entities`` (from the spaCy stage) sharpen tense and context
    checks but are optional: without them cue words stand in for the parse. Mentions that need
    an anchor get ``value=None`` and a ``reason`` when ``published`` is None.
    """
    doc = Document(
        article=Article(id=article_id, text=text, published=published),
        sentences=list(sentences or []),
        tokens=list(tokens or []),
        entities=list(entities or []),
    )
    return _mentions(doc, entities is not None)


def _mentions(doc: Document, use_entities: bool) -> list[DateMention]:
    anchor = parse_anchor(doc.article.published, source=doc.article.id or None)
    finder = _Finder(
        doc.article.text,
        anchor,
        doc.sentences or None,
        doc.tokens or None,
        doc.entities if use_entities else None,
    )
    out = []
    for expr, res in finder.run():
        span = doc.span(expr.start, expr.end, component=DateComponent.name,
                        confidence=res.confidence)  # fmt: skip
        reason = res.reason if res.value is None else None
        out.append(DateMention(span=span, value=res.value, precision=res.precision,
                               relative=res.relative, reason=reason))  # fmt: skip
    return out


class DateComponent:
    """``eventdesk.dates.v1``: fills ``doc.dates``; no heavy state (dateparser loads lazily)."""

    name = "eventdesk.dates.v1"
    requires: tuple[str, ...] = ("sentences", "tokens", "entities")
    assigns: tuple[str, ...] = ("dates",)

    def __init__(self, options: Options | None = None):
        self.options = options

    def __call__(self, doc: Document) -> Document:
        doc.dates = _mentions(doc, use_entities=True)
        return doc
