"""``eventdesk.actors.v1``: resolve an article's entities to actors, and any span to an Actor.

Why a rule-based linker: the actor an event needs is usually a named body, a country's agency
("Iraqi security forces") or a short mention of someone named earlier ("Stoltenberg", "the
alliance", "the group"). Those follow from the dictionary, the words around a name ("Iraqi
defence minister Najah al-Shammari") and the order of mentions in the article, and every
decision stays explainable. Nothing is guessed where nothing is known: an unknown person or
organisation keeps ``canonical``/``country``/``sector`` null.

Where a generic agent ("protesters", "the government") or a bare office ("President X") names
no country, the linker takes the country the sentence is about (a single country or capital
named in it as a place), else the country the article names most, and lowers the entity's
span confidence to :data:`CONTEXT_CONFIDENCE` so that the inference is visible.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..intervals import Intervals
from ..types import Actor, Document, Entity, Token
from .dictionary import (
    ActorDictionary,
    ActorInfo,
    Mention,
    Tok,
    _combine_roles,
    _phrase_items,
    actor_dictionary,
    name_key,
    tokenize,
)

if TYPE_CHECKING:
    from ..pipeline import Options

log = logging.getLogger(__name__)

COMPONENT = "eventdesk.actors.v1"
# Words that say a sector noun is not of the country around it: no country is inherited.
FOREIGN_WORDS = frozenset({"foreign", "overseas", "multinational", "international"})
CONTEXT_CONFIDENCE = 0.6  # span confidence of a country taken from context, not from the words
LINK_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her", "his"})  # "his visit": whose it was
PRONOUN_SENTENCES = 2  # how far back a pronoun's nearest named person may be (sentences)
PRONOUN_CONFIDENCE = 0.8  # span confidence of an actor read through a pronoun
# A date or clock time heading a chronology's entry or a live blog's post, glued to the party
# the parse took as subject: "May 28 - Obama", "8.28pm: Hayward".
_STAMP = re.compile(r"(?:[A-Z][a-z]{2,8}\.?\s+)?\d{1,4}(?:[.:]\d{2})?\s*(?:[ap]m)?\s*[-–—:]\s+")
# Water named after a country is no state: "the Gulf of Mexico", "the South China Sea", "the Sea
# of Japan" name no actor, and an article that names them twenty times is not about Mexico (its
# "executives" are not Mexican businessmen).
_WATER = re.compile(r"(?i)\b(?:gulf|sea|ocean|bay|straits?|channel|river|lake|sound|canal)\b")
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "csubj"})
_LEFT_GLUE = frozenset({"of", "and", "for", "the", "s"})
_APPOS = re.compile(r"\s*,\s*(?:(?:the|a|an)\s+)?([^,;:()\"]{2,90}?)\s*(?=,|;|\.(?:\s|$)|\)|$)")


@dataclass(slots=True)
class _Linked:
    """An entity with what the linker learned of it (kept only while linking one article)."""

    entity: Entity
    info: ActorInfo | None = None
    mention: Mention | None = None
    roles: tuple[str, ...] = ()
    from_context: bool = False
    words: tuple[str, ...] = field(default_factory=tuple)  # folded lower-case tokens


class ActorLinker:
    """Fill ``canonical``/``country``/``sector``/``code`` of ``doc.entities`` and add missed actors.

    Settings: ``options.settings["actors_extra"]``, a list of extra actor files or folders.
    """

    name = COMPONENT
    requires: tuple[str, ...] = ("sentences", "entities")
    assigns: tuple[str, ...] = ("entities",)

    def __init__(self, options: Options | None = None):
        extra = ()
        if options is not None:
            extra = tuple(str(p) for p in options.settings.get("actors_extra", ()))
        self.dictionary = actor_dictionary(extra)

    def __call__(self, doc: Document) -> Document:
        link(doc, self.dictionary)
        return doc


# -- linking --------------------------------------------------------------------------------


def link(doc: Document, d: ActorDictionary) -> None:
    """Resolve ``doc.entities`` in place (see :class:`ActorLinker`)."""
    text = doc.article.text
    pos = {t.start: t.pos for t in doc.tokens} or None
    mentions: list[Mention] = []
    for s0, s1 in _sentence_ranges(doc):
        mentions.extend(d.scan(text, s0, s1, pos))
    # the names NER read as people, for the title search before a name to stop at
    people = Intervals((e.span.start, e.span.end) for e in doc.entities if e.kind == "PERSON")
    linked = _merge(doc, [m for m in mentions if m.kind != "role"])
    # pass 1: what each entity says by itself
    for item in linked:
        _resolve_alone(doc, d, item, people)
    dominant = _dominant_country(linked)
    # pass 2: in reading order, short mentions and context
    history: list[_Linked] = []
    companies = _Companies()
    by_sentence: dict[int, list[_Linked]] = {}
    for item in linked:
        by_sentence.setdefault(item.entity.span.sentence, []).append(item)
    for item in linked:
        _resolve_in_context(doc, item, history, by_sentence, dominant, companies)
        _write(item)
        history.append(item)
        companies.add(item)
    doc.entities = [item.entity for item in linked]


def _sentence_ranges(doc: Document) -> list[tuple[int, int]]:
    if doc.sentences:
        return [(s.start, s.end) for s in doc.sentences]
    return [(0, len(doc.article.text))]


def _entity_kind(m: Mention) -> str:
    if m.kind in ("compound", "generic", "anaphor"):
        return "ACTOR"
    info = m.info
    if info is None:
        return "ACTOR"
    if info.kind == "person":
        return "PERSON"
    if info.kind == "country":
        return "NORP" if m.source in ("demonym", "people") else "GPE"
    return "ORG"


def _merge(doc: Document, mentions: list[Mention]) -> list[_Linked]:
    """NER entities plus dictionary mentions, without double-counting the same words.

    A dictionary phrase that contains NER entities of modifier kinds ("Iraqi" in "Iraqi security
    forces") or a shorter NER cut of a known name replaces them; a longer NER entity is kept.
    """
    ner = [_Linked(e) for e in doc.entities]
    spans = Intervals((e.span.start, e.span.end) for e in doc.entities)
    removed: set[int] = set()
    added: list[_Linked] = []
    for m in mentions:
        over = [k for k in spans.overlapping(m.start, m.end) if k not in removed]
        if not over:
            ent = Entity(span=doc.span(m.start, m.end, component=COMPONENT), kind=_entity_kind(m))
            added.append(_Linked(ent, mention=m))
            continue
        inside = all(
            m.start <= ner[k].entity.span.start and ner[k].entity.span.end <= m.end for k in over
        )
        if len(over) == 1:
            e = ner[over[0]].entity
            if e.span.start == m.start and e.span.end == m.end:
                ner[over[0]].mention = m  # same words: the dictionary's reading, NER's label
                continue
            if e.span.start <= m.start and m.end <= e.span.end:
                continue  # NER's entity is the longer one; resolved on its own text
        replaceable = all(
            ner[k].entity.kind != "PERSON" or (m.info is not None and m.info.kind == "person")
            for k in over
        )
        if inside and replaceable:
            kind = (
                ner[over[0]].entity.kind
                if len(over) == 1 and m.kind == "named"
                else (_entity_kind(m))
            )
            removed.update(over)
            ent = Entity(span=doc.span(m.start, m.end, component=COMPONENT), kind=kind)
            added.append(_Linked(ent, mention=m))
    out = [item for k, item in enumerate(ner) if k not in removed] + added
    out.sort(key=lambda it: (it.entity.span.start, -it.entity.span.end))
    for item in out:
        item.words = tuple(t.lower for t in tokenize(item.entity.span.text))
    return out


def _resolve_alone(doc: Document, d: ActorDictionary, item: _Linked, people: Intervals) -> None:
    e = item.entity
    m = item.mention
    if m is not None and m.kind == "anaphor":
        return
    if m is not None and m.info is not None and m.info.kind not in ("person", "country"):
        if e.kind == "PERSON":
            e.kind = "ORG"  # the dictionary knows this name as a body, not a person
    elif e.kind == "PERSON" or (m is not None and m.info is not None and m.info.kind == "person"):
        _resolve_person(doc, d, item, people)
        return
    if m is not None and m.info is not None:
        item.info = m.info
        item.roles = m.role_words or m.info.tags
    elif e.kind in LINK_KINDS or e.kind == "ACTOR":
        item.info = d.lookup(e.span.text)
        if item.info is not None:
            item.roles = item.info.tags
    info = item.info
    if info is None:
        return
    if e.kind in ("GPE", "LOC", "FAC") and info.kind == "country" and _WATER.search(e.span.text):
        item.info = None
        return
    # a capital is its government only where it acts ("Baghdad said"), not where it is a place
    if (
        e.kind in ("GPE", "LOC", "FAC")
        and info.kind == "country"
        and info.sector == "GOV"
        and not _in_actor_position(doc, e.span.start, e.span.end)
    ):
        item.info = ActorInfo(e.span.text, info.country, info.country, None, "country")


def _resolve_person(doc: Document, d: ActorDictionary, item: _Linked, people: Intervals) -> None:
    """A person's actor: the office stated around the name, else the dictionary's entry."""
    e = item.entity
    text = doc.article.text
    known = d.lookup(e.span.text)
    if known is not None and known.kind != "person":
        known = None
    role = _best_role(
        _role_left(doc, d, e.span.start, e.span.end, people),
        _role_appositive(doc, d, e.span.end),
    )
    if role is not None:
        info, words = role
        canonical = known.canonical if known else e.span.text
        item.roles = words
        if info.country is None and info.kind == "generic" and known is not None:
            info = replace(info, country=known.country)
        item.info = ActorInfo(canonical, info.code, info.country, info.sector, "person", words)
        if info.kind in ("igo", "ngo", "armed_group"):
            item.info = replace(item.info, code=info.code)
    elif known is not None:
        item.info = known
        item.roles = known.tags
    _ = text


def _best_role(
    left: tuple[ActorInfo, tuple] | None, right: tuple[ActorInfo, tuple] | None
) -> tuple[ActorInfo, tuple] | None:
    """Combine a title before a name with an appositive after it ("Gen. X, commander of US
    forces"): the one that names a country or body wins; the other fills a missing sector."""
    if left is None or right is None:
        return left or right
    a, b = (right, left) if right[0].country and not left[0].country else (left, right)
    info = a[0]
    if info.sector is None and b[0].sector is not None:
        info = replace(info, sector=b[0].sector)
    return info, a[1] + tuple(w for w in b[1] if w not in a[1])


def _role_left(
    doc: Document, d: ActorDictionary, start: int, end: int, people: Intervals
) -> tuple[ActorInfo, tuple] | None:
    """The office written just before a name ("Iraqi defence minister Najah al-Shammari"), or at
    the head of the name's own span where NER took the title in ("President Todor Zhivkov")."""
    text = doc.article.text
    s0 = _sentence_start(doc, start)
    toks = tokenize(text[s0:end], s0)
    if not toks:
        return None
    known = {t.start for m in d.matches(toks, text, strict_case=False) for t in toks[m.i : m.j]}
    # the title words at the head of the entity itself
    k = next((n for n, t in enumerate(toks) if t.start >= start), len(toks))
    while k < len(toks) and toks[k].start in known:
        k += 1
    i = next((n for n, t in enumerate(toks) if t.start >= start), len(toks))
    while i > 0 and k - i < 8:
        t = toks[i - 1]
        nxt = toks[i] if i < len(toks) else None
        gap = text[t.end : (nxt.start if nxt else start)]
        if not re.fullmatch(r"[\s\-'&]*|\.\s*", gap):
            break
        if gap.strip() == "." and not (len(t.surface) <= 3 and t.surface[:1].isupper()):
            break
        if any(people[n][1] <= start for n in people.overlapping(t.start, t.start + 1)):
            break  # another person's name: "Libyan leader X and Bulgarian President Y"
        if t.start in known or t.surface[:1].isupper() or t.lower in _LEFT_GLUE:
            i -= 1
            continue
        break
    while i < k and toks[i].lower in _LEFT_GLUE:
        i += 1
    return _role_info(d, text, toks[i:k])


def _role_appositive(doc: Document, d: ActorDictionary, end: int) -> tuple[ActorInfo, tuple] | None:
    """The office written after a name: "Ben Wallace, British Defence Secretary, said"."""
    text = doc.article.text
    s1 = _sentence_end(doc, end)
    m = _APPOS.match(text, end, s1)
    if not m:
        return None
    toks = tokenize(m.group(1), m.start(1))
    return _role_info(d, text, toks)


def _role_info(d: ActorDictionary, text: str, toks: list[Tok]) -> tuple[ActorInfo, tuple] | None:
    if not toks:
        return None
    ms = d.matches(toks, text, strict_case=False)
    items = _phrase_items(ms, toks)
    words = _combine_roles(items)
    if not words:
        return None
    info = d._combine(items, toks, text, None)
    if info is None:
        # An office of a body the dictionary does not know ("BP chairman"): no country or
        # sector, but the office itself, so that "the chairman" and "he" can find the person.
        info = ActorInfo("", None, None, None, "generic")
    return info, words


def _sentence_start(doc: Document, offset: int) -> int:
    """The start of the sentence holding the character before ``offset`` (a title split off by
    the sentence splitter, "Gen." | "Smith", stays in reach); where that character lies between
    sentences, the last sentence before ``offset`` (not the article's start: a title search
    from there grew with the article's length for every name)."""
    k = doc.sentence_at(max(0, offset - 1)) if offset else -1
    if k < 0 and offset:
        k = bisect.bisect_left(doc.sentences, offset, key=lambda s: s.start) - 1
    return doc.sentences[k].start if k >= 0 else 0


def _sentence_end(doc: Document, offset: int) -> int:
    k = doc.sentence_at(offset) if offset < len(doc.article.text) else -1
    if k < 0 and offset:
        k = doc.sentence_at(offset - 1)
    return doc.sentences[k].end if k >= 0 else len(doc.article.text)


def _tokens_in(doc: Document, start: int, end: int) -> list[Token]:
    """The tokens wholly inside ``[start, end)``."""
    return [doc.tokens[k] for k in doc.token_range(start, end) if doc.tokens[k].end <= end]


def _in_actor_position(doc: Document, start: int, end: int) -> bool:
    """Whether a mention is a subject, a possessor or the "by" agent in the parse."""
    toks = _tokens_in(doc, start, end)
    if not toks:
        return False
    inside = {t.i for t in toks}
    by_i = {t.i: t for t in doc.tokens[toks[0].i - 3 : toks[-1].i + 3]} if doc.tokens else {}
    for t in toks:
        if t.head in inside and t.head != t.i:
            continue
        if t.dep in _ACTOR_DEPS:
            return True
        head = by_i.get(t.head)
        if t.dep == "pobj" and head is not None and head.dep == "agent":
            return True
    return False


def _dominant_country(linked: list[_Linked]) -> str | None:
    """The country the article names most (countries, capitals, demonyms); ties: first named."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for item in linked:
        info = item.info
        if info is not None and info.kind == "country" and info.country:
            counts[info.country] += 1
            first.setdefault(info.country, item.entity.span.start)
    if not counts:
        return None
    return max(counts, key=lambda c: (counts[c], -first[c]))


def _sentence_country(
    item: _Linked, by_sentence: dict[int, list[_Linked]], dominant: str | None
) -> str | None:
    """The country a sentence is about: the one country named in it as a place, else the
    article's. ``by_sentence`` holds the article's entities by sentence."""
    places = []
    for other in by_sentence.get(item.entity.span.sentence, ()):
        if other is item:
            continue
        info = other.info
        if info is None or info.kind != "country" or not info.country:
            continue
        if other.entity.kind in ("GPE", "LOC") and info.sector is None:
            places.append(info.country)
    distinct = list(dict.fromkeys(places))
    if len(distinct) == 1:
        return distinct[0]
    if dominant in distinct or not distinct:
        return dominant
    return distinct[0]


def _resolve_in_context(
    doc: Document,
    item: _Linked,
    history: list[_Linked],
    by_sentence: dict[int, list[_Linked]],
    dominant: str | None,
    companies: _Companies | None = None,
) -> None:
    m = item.mention
    e = item.entity
    if m is not None and m.kind == "anaphor" and m.target is not None:
        ref = _antecedent(m.target, history)
        if ref is not None and ref.info is not None:
            org = ref.mention.org if ref.mention is not None else None
            if org is not None and m.target[0] in ("tag", "kind"):
                item.info, item.roles = org, org.tags  # "the alliance" is NATO, not "NATO troops"
            else:
                item.info, item.roles = ref.info, ref.roles
                item.from_context = ref.from_context
        return
    if e.kind == "PERSON":
        ref = _earlier_person(item, history)
        if ref is not None and ref.info is not None:
            if item.info is None:
                item.info, item.roles = ref.info, ref.roles
                item.from_context = ref.from_context
            elif item.info.country is None and ref.info.country is not None:
                # "Defense minister X" later in an article where X was named with a country
                sector = item.info.sector or ref.info.sector
                code = ref.info.country + sector if sector else ref.info.code
                item.info = replace(ref.info, sector=sector, code=code)
            else:
                item.info = replace(item.info, canonical=ref.info.canonical)
        elif item.info is None and len(item.words) >= 2:
            return
    if e.kind == "ORG" and item.info is None:
        ref = _acronym_antecedent(e.span.text, history)
        if ref is not None:
            item.info, item.roles = ref.info, ref.roles
    info = item.info
    if info is None or info.country is not None or info.sector is None:
        return
    if info.kind in ("igo", "ngo", "armed_group") or (info.code or "").startswith(
        ("IGO", "NGO", "IMG")
    ):
        return
    if _said_foreign(doc.article.text, e.span.start, item.words):
        return  # "foreign troops" in Iraq are precisely not Iraq's
    if info.sector == "BUS" and info.kind == "generic" and companies is not None:
        named = companies.antecedent(doc.article.text, e)
        if named is not None:
            # "the company", "the oil giant": the company the article is about, by its name
            item.info = replace(info, canonical=named)
            return
    if history and _owned_by_unknown(doc.article.text, e, history[-1]):
        if info.sector == "GOV":
            item.info = replace(info, sector=None, code=None)  # see _unknown_owner
        return
    country = _sentence_country(item, by_sentence, dominant)
    if country:
        code = country + info.sector
        item.info = replace(info, country=country, code=code)
        item.from_context = True


def _said_foreign(text: str, start: int, words: Sequence[str]) -> bool:
    """Whether a phrase (its lower-case ``words``, at ``start`` in ``text``) or the word just
    before it says it is foreign ("foreign troops", "all foreign forces")."""
    before = text[max(0, start - 30) : start].split()
    return bool(FOREIGN_WORDS.intersection(words)) or (
        bool(before) and before[-1].lower() in FOREIGN_WORDS
    )


def _antecedent(target: tuple[str, str], history: list[_Linked]) -> _Linked | None:
    how, value = target
    wanted = set(value.split("|"))
    for prev in reversed(history):
        info = prev.info
        if info is None:
            continue
        org = prev.mention.org if prev.mention is not None else None
        tags = set(info.tags) | set(org.tags if org else ())
        if how == "tag" and (wanted & tags) and info.kind != "person":
            return prev
        if how == "kind" and (info.kind in wanted or (org is not None and org.kind in wanted)):
            return prev
        if (
            how == "role"
            and info.kind == "person"
            and any(v in r.split() or v == r for r in prev.roles for v in wanted)
        ):
            return prev
    return None


def _earlier_person(item: _Linked, history: list[_Linked]) -> _Linked | None:
    """An earlier person with this name, or whose name ends with this one ("Stoltenberg" ->
    "Jens Stoltenberg", "Caggins" -> "Myles B. Caggins III")."""
    words = item.words
    if not words:
        return None
    for prev in reversed(history):
        if prev.entity.kind != "PERSON":
            continue
        pw = prev.words
        if pw == words:
            if prev.info is not None:
                return prev
            continue
        while len(pw) > 1 and pw[-1] in _NAME_SUFFIXES:
            pw = pw[:-1]
        if len(pw) > len(words) and pw[-len(words) :] == words:
            return prev
    return None


def _acronym_antecedent(text: str, history: list[_Linked]) -> _Linked | None:
    """ "RUF" after "Revolutionary United Front": an acronym of an earlier organisation."""
    acro = re.sub(r"[^A-Za-z]", "", text)
    if not (2 <= len(acro) <= 8 and acro.isupper()):
        return None
    for prev in reversed(history):
        if prev.info is None:
            continue
        initials = "".join(
            w[0]
            for w in re.findall(r"[A-Za-z][\w'-]*", prev.entity.span.text)
            if w.lower() not in ("of", "the", "and", "for", "in")
        ).upper()
        if initials == acro:
            return prev
    return None


def _write(item: _Linked) -> None:
    e, info = item.entity, item.info
    if info is None:
        return
    e.canonical = info.canonical
    e.country = info.country
    e.sector = info.sector
    e.code = info.code
    if item.from_context:
        e.span.confidence = min(e.span.confidence, CONTEXT_CONFIDENCE)


# -- spans to actors ------------------------------------------------------------------------


def resolve_actor(
    doc: Document, start: int, end: int, dictionary: ActorDictionary | None = None
) -> Actor | None:
    """The actor named by ``doc.article.text[start:end]`` (e.g. the subject of an event).

    Uses the entities :class:`ActorLinker` resolved (so coreference and stated offices count),
    the dictionary for the words of the span, the parse for a shared head noun ("Hungarian and
    Romanian officials": "Hungarian" -> HUN GOV) and the sentence's or article's country for
    generic agents. Returns None for an empty span or an unresolvable pronoun; an Actor with
    null code/country/sector when the words name someone the dictionary does not know.
    """
    d = dictionary or actor_dictionary()
    text = doc.article.text
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"span {start}:{end} is outside the article ({len(text)} characters)")
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    start, end = start + lead, start + len(raw.rstrip())
    stamp = _STAMP.match(text, start, end)
    if stamp and stamp.end() < end:
        start = stamp.end()  # "May 28 - Obama tours ...": the entry's date is not the actor
    words = tokenize(text[start:end], start)
    if not words:
        return None
    if len(words) == 1 and words[0].lower in _PRONOUNS_PERSON:
        ref = _pronoun_antecedent(doc, start)
        if ref is None:
            return None
        actor = _actor(doc, start, end, ref, PRONOUN_CONFIDENCE)
        actor.entity_text = ref.canonical or ref.span.text  # who "he" is, not "he"
        return actor
    inner = [e for e in doc.entities if e.span.start < end and start < e.span.end]
    content = _content_range(words)
    cover = [
        e
        for e in inner
        if e.span.start <= content[0]
        and e.span.end >= content[1]
        and (e.country or e.sector or e.code)
    ]
    if cover:
        best = min(cover, key=lambda e: e.span.end - e.span.start)
        actor = _actor(doc, start, end, best, best.span.confidence)
        if best.kind == "ACTOR" and best.code == "BUS" and best.canonical and \
                best.canonical.lower() != best.span.text.lower():
            actor.entity_text = best.canonical  # "the company": BP, by name (no code says so)
        if actor.sector is None and best.kind in ("GPE", "LOC", "FAC"):
            # asked as an actor, a capital is its government ("Moscow demanded")
            known = d.lookup(best.span.text)
            if known is not None and known.sector and known.country == actor.country:
                actor.sector, actor.code = known.sector, known.code
        return actor
    described = [e for e in inner if e.kind == "ACTOR" and e.canonical
                 and e.span.start <= content[0] and e.span.end >= content[1]]
    if described:
        # "the chairman" of a body the dictionary does not know, resolved to the person the
        # article named with that office: who it is, though neither country nor sector is known
        actor = _actor(doc, start, end, described[0], described[0].span.confidence)
        actor.entity_text = described[0].canonical or actor.entity_text
        return actor
    info = d.compose(words, text, None, strict_case=False) or d.lookup(text[start:end])
    if info is not None and info.kind == "country" and _WATER.search(text[start:end]):
        info = None  # "a trip to the Gulf of Mexico": a sea, no Mexican party (as in link())
    resolved = [e for e in inner if e.country or e.sector or e.code]
    head = _head_entity(resolved)
    confidence = 1.0
    country = info.country if info else None
    sector = info.sector if info else None
    code = info.code if info else None
    # the words of the span decide unless an entity inside knows more than words can say: a
    # person's stated office or an earlier full name, a resolved "the group", an acronym
    if head is not None and (
        info is None
        or (info.kind == "generic" and head.kind not in ("GPE", "NORP", "LOC"))
        or (head.kind == "PERSON" and info.kind != "person")
    ):
        country = head.country or country
        sector = head.sector or sector
        code = head.code or code
        confidence = head.span.confidence
    if sector is None and country is not None:
        sector = _shared_head_sector(doc, d, start, end)
        if sector and code and len(code) == 3:
            code += sector
    transnational = (info is not None and info.kind in ("igo", "ngo", "armed_group")) or (
        (code or "").startswith(("IGO", "NGO", "IMG"))
    )
    if country is None and not transnational:
        country = _place_country(doc, start, end)
        if country and sector:
            code = country + sector
        elif country:
            code = country
    foreign = _said_foreign(text, start, [w.lower for w in words])
    owned = _unknown_owner(inner, content)
    if owned and country is None and sector == "GOV":
        sector = code = None  # "BP officials": a company's, a party's or a club's office-holders
    if country is None and sector is not None and not transnational and not foreign \
            and not owned:
        country = _context_country(doc, start)
        if country:
            code = country + sector
            confidence = CONTEXT_CONFIDENCE
    return Actor(
        entity_text=text[start:end],
        code=code,
        country=country,
        sector=sector,
        span=doc.span(start, end, component=COMPONENT, confidence=confidence),
    )


_DEFINITE_BEFORE = re.compile(r"\bthe\s+$", re.I)
# The singular company words of data/actors/sectors.tsv (BUS): what "the company" is said with.
_SINGULAR_COMPANY = frozenset({"company", "firm", "corporation", "oil giant", "energy giant",
                               "oil major", "carmaker", "automaker", "drugmaker"})


class _Companies:
    """The organisations named so far in an article that the dictionary does not know, counted,
    for "the company" (or "the firm", "the oil giant") to refer back to: the one named most
    often (ties: the first named), as news names its subject in full first, then "the company".

    Why not the last named: a wire story's credit ("Reuters reported") or a quoted analyst's
    employer ("said an analyst at Barclays") comes between BP and "the company" far more often
    than a second company the article is about. Kept as the article is read (:func:`link`),
    so each reference costs the same however many came before."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.first: dict[str, int] = {}  # key -> the order it was first named in
        self.name: dict[str, str] = {}  # key -> the name as first written ("BP Plc")
        self.best: str | None = None

    def add(self, item: _Linked) -> None:
        e, info = item.entity, item.info
        if e.kind != "ORG" or (info is not None and (info.country or info.code or info.sector)):
            return
        key = name_key(e.span.text)  # "BP Plc" and "BP" are one company
        self.counts[key] = self.counts.get(key, 0) + 1
        self.first.setdefault(key, len(self.first))
        self.name.setdefault(key, e.span.text)
        if self.best is None or (self.counts[key], -self.first[key]) > (
                self.counts[self.best], -self.first[self.best]):
            self.best = key  # (only this key's count changed: the others keep their order)

    def antecedent(self, text: str, e: Entity) -> str | None:
        """The company ``e`` refers to, or None where it is not a definite, singular company
        word or no such organisation was named before it."""
        if self.best is None or e.span.text.lower() not in _SINGULAR_COMPANY or \
                not _DEFINITE_BEFORE.search(text, max(0, e.span.start - 5), e.span.start):
            return None
        return self.name[self.best]


_OWNER_GLUE = re.compile(r"(?:['’]s)?\s+")


def _owned_by_unknown(text: str, e: Entity, before: _Linked) -> bool:
    """Whether ``e`` (people: "executives", "officials") follows, as theirs, an organisation
    the dictionary does not know ("BP's executives", "BP officials"); see :func:`_unknown_owner`."""
    owner = before.entity
    info = before.info
    return (owner.kind == "ORG" and owner.span.end <= e.span.start
            and not (info is not None and (info.country or info.code or info.sector))
            and _OWNER_GLUE.fullmatch(text, owner.span.end, e.span.start) is not None)


def _unknown_owner(inner: list[Entity], content: tuple[int, int]) -> bool:
    """Whether the span's people belong to an organisation the dictionary does not know, named
    at its start ("BP's executives", "BP officials", "Exxon workers"): theirs, not the
    article's country (a BP story set in the Gulf of Mexico does not make BP's staff American),
    nor, for "officials", a government's (a body the dictionary knows keeps its code: "Hamas
    officials")."""
    return any(e.kind == "ORG" and not (e.country or e.code or e.sector)
               and e.span.start == content[0] and e.span.end < content[1] for e in inner)


def _pronoun_antecedent(doc: Document, start: int) -> Entity | None:
    """The person a "he" or "she" at ``start`` refers to: the nearest person named before it in
    its sentence or the :data:`PRONOUN_SENTENCES` before, else the last person the article
    named with a known office or entry.

    Why the nearest: news names someone, then goes on with "he" ("Svanberg announced the moves
    after emerging from the White House, where he and other BP executives met"); the person
    named last is the one meant far more often than not, and resolving to no one leaves the
    analyst an actor called "he". Beyond a few sentences the last person with a known office
    stays the better guess (the article's protagonist, named in full once). The span keeps
    the pronoun and a lowered confidence (:data:`PRONOUN_CONFIDENCE`), so the guess shows.
    """
    people = [e for e in doc.entities if e.kind == "PERSON" and e.span.end <= start]
    if not people:
        return None
    here = doc.sentence_at(start)
    there = doc.sentence_at(people[-1].span.start)
    if here >= 0 and there >= 0 and here - there <= PRONOUN_SENTENCES:
        return people[-1]
    known = [e for e in people if e.canonical]
    return known[-1] if known else None


def _content_range(words: list[Tok]) -> tuple[int, int]:
    """The span's words without leading determiners."""
    i = 0
    while i < len(words) - 1 and words[i].lower in ("the", "a", "an"):
        i += 1
    return words[i].start, words[-1].end


def _head_entity(entities: list[Entity]) -> Entity | None:
    """The entity that heads a span: a person if any, else the rightmost."""
    if not entities:
        return None
    persons = [e for e in entities if e.kind == "PERSON"]
    return persons[-1] if persons else max(entities, key=lambda e: e.span.end)


def _actor(doc: Document, start: int, end: int, e: Entity, confidence: float) -> Actor:
    return Actor(
        entity_text=doc.article.text[start:end],
        code=e.code,
        country=e.country,
        sector=e.sector,
        span=doc.span(start, end, component=COMPONENT, confidence=confidence),
    )


def _shared_head_sector(doc: Document, d: ActorDictionary, start: int, end: int) -> str | None:
    """Sector of the noun a bare demonym modifies, maybe through a coordination:
    "Hungarian and Romanian officials" gives "Hungarian" the sector of "officials"."""
    toks = _tokens_in(doc, start, end)
    if not toks or not doc.tokens:
        return None
    t = toks[-1]
    for _ in range(4):
        if t.dep == "conj":
            t = doc.tokens[t.head]
            continue
        if t.dep in ("amod", "compound", "nmod", "poss"):
            head = doc.tokens[t.head]
            if head.start >= end or head.end <= start:
                info = d.lookup(head.text) or d.lookup(head.lemma)
                if info is not None and info.kind == "generic":
                    return info.sector
        break
    return None


def _place_country(doc: Document, start: int, end: int) -> str | None:
    """The country of a place the places stage resolved inside the span ("villagers in X")."""
    for p in doc.places:
        if p.country and start <= p.span.start and p.span.end <= end:
            return p.country
    return None


def _context_country(doc: Document, offset: int) -> str | None:
    """The country of the sentence holding ``offset`` (a single place-country named in it), else
    the country the article's entities name most."""
    k = doc.sentence_at(offset)
    places: list[str] = []
    counts: Counter[str] = Counter()
    for e in doc.entities:
        if not e.country or e.sector is not None or e.kind not in ("GPE", "LOC", "NORP"):
            continue
        counts[e.country] += 1
        if e.span.sentence == k and e.kind in ("GPE", "LOC"):
            places.append(e.country)
    if not places:
        # the places stage (when it ran) knows towns and regions the dictionary does not
        places = [p.country for p in doc.places if p.country and p.span.sentence == k]
    distinct = list(dict.fromkeys(places))
    if len(distinct) == 1:
        return distinct[0]
    if counts:
        top = counts.most_common(1)[0][0]
        if not distinct or top in distinct:
            return top
    return distinct[0] if distinct else None
