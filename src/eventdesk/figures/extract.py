"""Figures in one article: each number phrase with what it counts, read off the dependency parse.

The number phrases come from :func:`.numbers.find_numbers`; this module decides which of them are
figures (not years, dates, times, ages, ordinals, names like "Resolution 2254" or "F-16", labels
like "page 12") and builds ``about``: the counted noun with its modifiers ("US troops"), the places
attached to it ("in Iraq", also through "stationed/housed/deployed in"), the owner when the clause
says so ("The US has 5,200 troops" -> "US troops"), and what happened to the counted people when
the number is the object or passive subject of a verb such as *kill* ("people killed").

It works on :attr:`Document.tokens` (not the transient spaCy Doc), so documents parsed in chunks or
read back from storage work the same.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from ..errors import UsageError
from ..intervals import Intervals
from ..types import Document, Figure, Token
from .about import CASUALTY_PARTICIPLES, unit_for_noun
from .numbers import NumberMatch, find_numbers


def _words(text: str) -> frozenset[str]:
    """A word list written as words (easier to read and extend than a list of quoted strings)."""
    return frozenset(text.split())


COMPONENT = "eventdesk.figures.v1"

# spaCy entity kinds whose numbers are not counts: dates, times, ordinals, measures, and names
# that contain a number ("Resolution 2254", "Route 1", "Boeing 737").
_SKIP_KINDS = _words(
    "DATE TIME ORDINAL QUANTITY EVENT LAW PRODUCT WORK_OF_ART FAC ORG GPE PERSON LOC LANGUAGE"
)
# A number right after one of these words is a label, not a count.
_LABEL_WORDS = _words(
    "page pages p. pp. section sections article chapter paragraph para no. no number resolution "
    "flight route highway room item clause rule version model vol. volume episode season grade "
    "level phase platform gate line unit row exit tel. tel phone ext. box suite apt. apartment "
    "aged age ages ward district precinct division"
)
_AFTER_SKIP = re.compile(
    r"\s*(?:-|\s)?(?:years?|months?|weeks?|days?)[-\s]old\b"  # ages
    r"|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|hrs\b|h\b|GMT|BST|CET)"  # times
    r"|\s+block\s+of\b",  # "the 3000 block of Main Street": an address (US police reports)
    re.IGNORECASE,
)
# Counted nouns that make the number a duration, a measure or a rank rather than a count.
_NOT_COUNTED = _words(
    "year years month months week weeks day days hour hours minute minutes min mins second "
    "seconds decade decades century centuries time times km kilometre kilometres kilometer "
    "kilometers mile miles metre metres meter meters kg kilogram kilograms ton tons tonne "
    "tonnes acre acres hectare hectares degree degrees mph foot feet inch inches percent % per "
    "cent point points am pm a.m. p.m. gmt o'clock ft cm mm lb lbs"
)
_LEFT_DEPS = frozenset({"amod", "compound", "nmod", "poss", "nn"})
_DROP_ADJ = _words("additional more other further extra another total estimated some new fresh")
_NOUN_PREPS = frozenset({"in", "across", "at", "inside", "throughout", "near", "on", "from",
                         "within", "outside"})  # fmt: skip
_ACL_PREPS = _NOUN_PREPS | {"to", "into"}
_PLACE_VERB_LEMMAS = _words(
    "station base deploy house position assign locate serve send garrison host post keep remain"
)
# "The US has 5,200 troops": the subject of these verbs owns the counted things.
_OWN_VERBS = _words("have keep maintain deploy station field contribute commit send run lead")
# Common nouns that can own troops or money ("the coalition has 11,000 troops").
_COLLECTIVE_ACTORS = _words(
    "coalition alliance government army military country state mission force ministry militia "
    "group navy police administration company"
)
# "the two countries", "both sides": a small number after these refers back, it reports nothing.
_ANAPHORIC = _words("the these those both its their his her our")
_TRIM_DEPS = frozenset({"relcl", "acl", "appos", "advcl", "ccomp", "xcomp", "parataxis"})
_UNIT_NOUNS_TROOPS = _words(
    "force forces mission missions contingent contingents army brigade brigades battalion "
    "battalions militia militias unit units regiment regiments"
)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


class _Parse:
    """Index over ``doc.tokens``: children lists and lookup by character offset."""

    def __init__(self, doc: Document):
        self.text = doc.article.text
        self.tokens = doc.tokens
        self.by_i = {t.i: t for t in doc.tokens}
        self.children: dict[int, list[Token]] = defaultdict(list)
        for t in doc.tokens:
            if t.head != t.i:
                self.children[t.head].append(t)
        self._starts = [t.start for t in doc.tokens]

    def covering(self, start: int, end: int) -> list[Token]:
        lo = max(0, bisect.bisect_right(self._starts, start) - 1)
        hi = bisect.bisect_left(self._starts, end, lo)
        return [t for t in self.tokens[lo:hi] if t.end > start]

    def head(self, t: Token) -> Token | None:
        return None if t.head == t.i else self.by_i.get(t.head)

    def kids(self, t: Token, dep: str | None = None) -> list[Token]:
        return [c for c in self.children.get(t.i, []) if dep is None or c.dep == dep]

    def subtree(self, t: Token, trim: frozenset[str] = _TRIM_DEPS) -> list[Token]:
        out = [t]
        for c in self.children.get(t.i, []):
            if c.dep in trim:
                continue
            out.extend(self.subtree(c, trim))
        return out

    def render(self, toks: list[Token]) -> str:
        """Text of ``toks`` in order: contiguous runs as written, gaps as one space."""
        toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
        while toks and toks[0].pos == "PUNCT":
            toks = toks[1:]
        while toks and toks[-1].pos == "PUNCT":
            toks = toks[:-1]
        parts: list[str] = []
        run_start = prev = None
        for t in toks:
            if prev is not None and t.i == prev.i + 1:
                prev = t
                continue
            if run_start is not None and prev is not None:
                parts.append(self.text[run_start.start : prev.end])
            run_start = prev = t
        if run_start is not None and prev is not None:
            parts.append(self.text[run_start.start : prev.end])
        return " ".join(p.strip() for p in parts if p.strip())


def _noun_phrase(p: _Parse, h: Token, exclude: set[int]) -> list[Token]:
    """The counted noun ``h`` with its left modifiers and the places attached to it."""
    toks = [h]
    for c in p.kids(h):
        if c.i in exclude:
            continue
        if c.i < h.i and c.dep in _LEFT_DEPS:
            if c.dep == "amod" and c.lemma.lower() in _DROP_ADJ:
                continue
            toks.extend(t for t in p.subtree(c) if t.i not in exclude and t.tag != "CD")
        elif c.i > h.i and c.dep == "prep" and c.lemma.lower() in _NOUN_PREPS:
            toks.extend(p.subtree(c))
        elif (
            c.i > h.i
            and c.dep == "acl"
            and c.tag in ("VBN", "VBG")
            and c.lemma.lower() in _PLACE_VERB_LEMMAS
        ):
            toks.append(c)
            for g in p.kids(c, "prep"):
                if g.lemma.lower() in _ACL_PREPS:
                    toks.extend(p.subtree(g))
    return [t for t in toks if t.i not in exclude or t.i == h.i]


def _owner(p: _Parse, h: Token, fig_start: int, np: list[Token]) -> list[Token]:
    """The owner named by "X has N troops" when the noun's modifiers name no country or group."""
    if any(t.ent_type in ("GPE", "NORP", "ORG") for t in np if t.i < h.i):
        return []
    verb: Token | None = None
    head = p.head(h)
    if head is not None and h.dep in ("dobj", "attr") and head.lemma.lower() in _OWN_VERBS:
        verb = head
    else:  # the parse may hang the noun elsewhere; the verb right before the figure still owns it
        before = [t for t in p.covering(max(0, fig_start - 40), fig_start) if t.end <= fig_start]
        if before and before[-1].pos in ("VERB", "AUX") and before[-1].lemma.lower() in _OWN_VERBS:
            verb = before[-1]
    if verb is None:
        return []
    subj = next(iter(p.kids(verb, "nsubj")), None)
    if subj is not None and subj.tag in ("WDT", "WP") and verb.dep == "relcl":
        subj = p.head(verb)
    if subj is None or subj.pos not in ("PROPN", "NOUN"):
        return []
    named = subj.pos == "PROPN" or subj.ent_type in ("GPE", "NORP", "ORG")
    if not named and subj.lemma.lower() not in _COLLECTIVE_ACTORS:
        return []  # "a meeting ... which has 11,000 troops": a misattached clause, no owner
    trim = _TRIM_DEPS | {"prep", "cc", "conj", "punct", "det", "predet"}
    return [t for t in p.subtree(subj, trim) if t.tag != "CD"]


def _casualty(p: _Parse, anchor: Token) -> tuple[str, list[Token]] | None:
    """("killed", locative tokens) when ``anchor`` is who a kill/injure/arrest verb acted on."""
    verb = p.head(anchor)
    if verb is None or verb.pos not in ("VERB", "AUX", "ADJ"):
        return None
    lemma = verb.lemma.lower()
    participle = CASUALTY_PARTICIPLES.get(lemma)
    if participle is None:
        return None
    passive_or_object = anchor.dep in ("dobj", "nsubjpass")
    intransitive = anchor.dep == "nsubj" and lemma in ("die", "flee", "dead", "missing")
    if not (passive_or_object or intransitive):
        return None
    places = []
    for g in p.kids(verb, "prep"):
        if g.lemma.lower() in ("in", "at", "near", "across", "inside", "outside"):
            sub = p.subtree(g)
            if any(t.ent_type in ("GPE", "LOC", "FAC") for t in sub):  # a place, not "in skills"
                places.extend(sub)
    return participle, places


def _skip_context(text: str, m: NumberMatch) -> bool:
    """Labels, ages and clock times, read off the words around the number."""
    before = text[max(0, m.num_start - 25) : m.num_start].split()
    if before and before[-1].lower().strip("(") in _LABEL_WORDS:
        return True
    if len(before) >= 2 and " ".join(before[-2:]).lower() in ("age of", "ages of"):
        return True
    return bool(_AFTER_SKIP.match(text, m.end))


def _number_root(p: _Parse, toks: list[Token]) -> Token:
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head not in inside or t.head == t.i]
    return roots[-1] if roots else toks[-1]


def _of_object(p: _Parse, toks: list[Token], end: int) -> Token | None:
    """The object of an "of" right after the number ("hundreds of civilians")."""
    for t in toks:
        for c in p.kids(t, "prep"):
            if c.lemma.lower() == "of" and c.start >= end - 3:
                pobj = next(iter(p.kids(c, "pobj")), None)
                if pobj is not None and pobj.pos in ("NOUN", "PROPN"):
                    return pobj
    return None


def _following_object(p: _Parse, end: int, preps: tuple[str, ...]) -> Token | None:
    """The object of a preposition that directly follows the number ("$20m for reconstruction")."""
    t = next((t for t in p.covering(end, min(len(p.text), end + 20)) if t.start >= end), None)
    if t is None:
        return None
    if t.dep == "prep" and t.text.lower() in preps:
        return next(iter(p.kids(t, "pobj")), None)
    return None


def extract_figures(doc: Document) -> list[Figure]:
    """The figures of one parsed article, in text order.

    Raises :class:`UsageError` when the article has text but was not parsed: figures need the
    sentences and tokens of the ``eventdesk.nlp.v1`` stage.
    """
    text = doc.article.text
    if not text.strip():
        return []
    if not doc.tokens:
        raise UsageError(
            f"article {doc.article.id!r} has no tokens; figures need the parse",
            hint="run eventdesk.nlp.v1 before eventdesk.figures.v1",
        )
    p = _Parse(doc)
    skip_spans = [
        (e.span.start, e.span.end, e.kind) for e in doc.entities if e.kind in _SKIP_KINDS
    ] + [(d.span.start, d.span.end, "DATE") for d in doc.dates]
    skip_any = Intervals((s, e) for s, e, _ in skip_spans)
    skip_dated = Intervals((s, e) for s, e, k in skip_spans if k in ("DATE", "TIME"))
    figures: list[Figure] = []
    for m in find_numbers(text):
        # an amount with a currency is money whatever spaCy called it ("1.2 trillion Iraqi
        # dinars" comes out as QUANTITY); only a date or time overrides that
        if (skip_any if m.currency is None else skip_dated).overlaps(m.num_start, m.end):
            continue
        if _skip_context(text, m):
            continue
        fig = _figure(doc, p, m)
        if fig is not None:
            figures.append(fig)
    return figures


def _figure(doc: Document, p: _Parse, m: NumberMatch) -> Figure | None:
    text = p.text
    toks = p.covering(m.num_start, m.end)
    if not toks:
        return None
    inside = {t.i for t in toks}
    root = _number_root(p, toks)
    confidence = 1.0
    noun: Token | None = None
    anchor = root
    strong = re.match(r"-(strong|member|man)\b", text[m.end : m.end + 8])
    head = p.head(root)
    if strong:
        adj = next((t for t in p.covering(m.end, m.end + 8) if t.text.lower() == strong.group(1)),
                   None)  # fmt: skip
        noun = p.head(adj) if adj is not None else None
        if noun is not None and noun.pos not in ("NOUN", "PROPN"):
            noun = None
        anchor = noun or root
        if adj is not None:
            inside = inside | {adj.i}
    elif (
        head is not None
        and head.i not in inside
        and root.dep in ("nummod", "compound", "quantmod", "amod", "nmod", "appos")
        and head.pos in ("NOUN", "PROPN")
        and head.start >= m.end
    ):
        noun = anchor = head
    else:
        noun = _of_object(p, toks, m.end)
    after = next((t for t in p.covering(m.end, m.end + 15) if t.start >= m.end), None)
    measured = after is not None and after.text.lower() in _NOT_COUNTED  # "3 min read"
    if noun is not None and (
        measured or noun.text.lower() in _NOT_COUNTED or noun.lemma.lower() in _NOT_COUNTED
    ):
        if not m.percent:
            return None
        noun = None
    before = text[max(0, m.start - 12) : m.start].split()
    if m.value <= 10 and before and before[-1].lower() in _ANAPHORIC and not m.currency:
        return None
    if (
        _YEAR.match(text[m.num_start : m.end])
        and m.currency is None
        and not m.percent
        and (noun is None or noun.tag != "NNS")
    ):
        return None  # "in 2014", "the 2003 invasion": a year, not a count

    about: str | None = None
    unit: str | None
    exclude = inside | {t.i for t in p.covering(m.start, m.end)}
    if m.currency or m.percent:
        unit = m.currency or "%"
        target = noun
        if target is None or target.text.lower() in ("percent", "%"):
            target = _following_object(p, m.end, ("for", "in", "of", "on"))
        if target is not None:
            about = p.render(_noun_phrase(p, target, exclude)) or None
    elif noun is not None:
        np = _noun_phrase(p, noun, exclude)
        if strong:
            unit = "troops" if noun.text.lower() in _UNIT_NOUNS_TROOPS else "people"
            confidence = 0.7
        else:
            unit = unit_for_noun(noun.text)
        owner = _owner(p, noun, m.start, np)
        casualty = _casualty(p, anchor)
        if casualty is not None:
            np = np + casualty[1]
        about = p.render(np)
        if owner:
            about = f"{p.render(owner)} {about}"
        if casualty is not None:
            participle, places = casualty
            head_text = p.render([t for t in np if t not in places])
            about = f"{head_text} {participle}"
            if places:
                about += f" {p.render(places)}"
            if owner:
                about = f"{p.render(owner)} {about}"
    else:
        casualty = _casualty(p, root)
        if casualty is None:
            return None  # a number that counts nothing we can name is not reported
        participle, places = casualty
        about = f"people {participle}" + (f" {p.render(places)}" if places else "")
        unit = "people"
        confidence = 0.7
    return Figure(
        span=doc.span(m.start, m.end, component=COMPONENT, confidence=confidence),
        value=m.value,
        unit=unit,
        about=about,
        approximate=m.approximate,
        bound=m.bound,
    )
