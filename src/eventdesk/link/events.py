"""Event linking: the mentions that report one real-world event become one group.

Five outlets report one strike, and one article may mention it three times; an analyst wants one
event with every passage as its source. Two mentions are *compatible* (may report one event) when
all of these hold:

- **type**: same ontology and event type, modes equal or one unknown; or two codes one act gets
  from different wordings (:data:`SHARED_ACTS`: "suspended training" is a SANCTION, "paused
  operations" a RETREAT), with the same actor;
- **factuality**: both negated or neither, both hypothetical or neither (a denial or a plan is
  never merged with a report that it happened);
- **date**: equal days; a day inside a month- or year-precision date; one day apart only between
  different articles whose places and actors also agree (outlets in other time zones, "last
  night"); an unknown date within one article or story with strong agreement otherwise (two of
  place, actor and recipient), and in another story only as a *recollection*, in a pass after
  every mention is placed (:func:`_recall_pass`): the dated report falls in the
  :data:`BACKGROUND_DAYS` before the undated one's article was published, the actor is the same
  named body and the place agrees, recipients do not conflict, and no other dated event
  qualifies ("the coalition halted its campaign", undated in a February report, is the
  coalition's suspension of 5 January);
- **place**: unknown on either side, the same gazetteer entry or within :data:`NEAR_KM`, or one is
  the country or first-level region containing the other. Two different towns are two events:
  rocket attacks on two bases the same evening stay apart;
- **actors**: actor with actor and recipient with recipient, where both are known: no different
  countries and no different sectors; for acts done with another party (:data:`MUTUAL_TYPES`:
  a meeting, an agreement) also crosswise, as outlets make either side the subject.

Compatibility alone is not enough to merge: unknown fields are compatible with anything, so a
merge also needs *evidence* (:func:`evidence`), some positive agreement: a shared place, actor or
recipient, or the same article or story.

Why complete linkage: a mention joins a group only if it is compatible with *every* member, so a
chain of near-misses (Monday~Tuesday~Wednesday) never welds distinct events together. Mentions
are taken in ingest order and the group keeps its first mention's id, so a group's id is stable
as later articles join it. Blocking: only mentions of one (ontology, type) are compared (types
that share an act, one block), and
within a block only those whose dates can match (an index by day, month and year), so the work
grows with the size of each day's news, not with the square of the archive.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..entities.dictionary import code_names_body, name_key

NEAR_KM = 25.0  # two places this close are one place (a base and the town beside it)
SAME_CENTRE_KM = 1.0  # two regions of one level whose centres lie this close are one region
MIN_EVIDENCE = 1.0  # positive agreement a merge needs (see :func:`evidence`)
# An undated mention is background of its article: what it reports happened at most this long
# before the article was published ("the coalition paused operations" in a report of February
# recalls January). Two months: news recalls the last weeks' events without a date; older ones
# it dates ("last year", "in 2019").
BACKGROUND_DAYS = 60

# Types done with another party rather than to it: either side may be the sentence's subject.
MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# One act, two codes: the type follows the object of the verb, and outlets word one decision
# differently. The coalition that "paused operations and re-positioned troops" (RETREAT) is the
# one that "suspended training" (SANCTION/discontinue) in another report, and one that "withdrew
# from the mission" (SANCTION/withdraw) "pulled out its troops" (RETREAT/withdraw) in another.
# (ontology, type) -> mode -> the act; a mode not listed shares no act (a RETREAT of unknown
# mode comes from the verbs of stopping: "paused", "halted").
SHARED_ACTS: dict[tuple[str, str], dict[str | None, str]] = {
    ("plover", "SANCTION"): {"discontinue": "step back", "withdraw": "step back"},
    ("plover", "RETREAT"): {"ceasefire": "step back", "withdraw": "step back",
                            None: "step back"},
}


def block_types(ontology: str, event: str) -> tuple[str, ...]:
    """The event types linked together with ``event``: itself, and those it shares an act with
    (:data:`SHARED_ACTS`). Sorted, so it doubles as the block's key."""
    if (ontology, event) not in SHARED_ACTS:
        return (event,)
    return tuple(sorted(t for o, t in SHARED_ACTS if o == ontology))


def _shared_act(a: EventMention, b: EventMention) -> bool:
    """Whether two mentions of different types code one act (:data:`SHARED_ACTS`)."""
    fa = SHARED_ACTS.get((a.ontology, a.event), {}).get(a.mode)
    return fa is not None and fa == SHARED_ACTS.get((b.ontology, b.event), {}).get(b.mode)


@dataclass(slots=True, frozen=True)
class ActorKey:
    """What linking compares of an actor or recipient."""

    text: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    also: tuple[ActorKey, ...] = ()  # other parties in the same role (see :func:`parties`)

    def parties(self) -> tuple[ActorKey, ...]:
        """This party and the others joined to it in the text ("Muhandis and Soleimani")."""
        return (self, *self.also)


@dataclass(slots=True, frozen=True)
class PlaceKey:
    """What linking compares of an event's location."""

    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    level: str | None = None  # point, city, admin1, country

    @property
    def known(self) -> bool:
        return self.geonameid is not None or self.lat is not None or self.country is not None


@dataclass(slots=True, frozen=True)
class EventMention:
    """One stored event row (one article passage) as linking sees it.

    ``order`` is the mention's place in ingest order (article, then rank in the article): groups
    take the id of their earliest mention.
    """

    event_id: str
    article_id: str
    order: tuple[int, int]
    event: str
    ontology: str
    mode: str | None = None
    actor: ActorKey | None = None
    recipient: ActorKey | None = None
    date: str | None = None
    date_precision: str | None = None
    place: PlaceKey | None = None
    negated: bool = False
    hypothetical: bool = False
    story_id: str | None = None
    published: str | None = None  # the article's publication date (ISO), for background


# -- dates ----------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class _When:
    """A date as the interval of days it allows."""

    first: date
    last: date
    precision: str


def _when(value: str | None, precision: str | None) -> _When | None:
    """The days ``value`` covers; None for no date or one that is not a calendar date."""
    if not value:
        return None
    try:
        if len(value) >= 10 and precision in (None, "day"):
            d = date.fromisoformat(value[:10])
            return _When(d, d, "day")
        if len(value) >= 7 and precision in (None, "day", "month"):
            y, m = int(value[:4]), int(value[5:7])
            first = date(y, m, 1)
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return _When(first, nxt - timedelta(days=1), "month")
        y = int(value[:4])
        return _When(date(y, 1, 1), date(y, 12, 31), "year")
    except ValueError:
        return None


def _dates_fit(a: _When, b: _When) -> tuple[bool, bool]:
    """(compatible outright, compatible only if place and actors agree: one day apart)."""
    if a.precision == "day" and b.precision == "day":
        gap = abs((a.first - b.first).days)
        return gap == 0, gap == 1
    if a.precision == b.precision:
        return a.first == b.first, False
    fine, coarse = (a, b) if a.last - a.first < b.last - b.first else (b, a)
    return coarse.first <= fine.first and fine.last <= coarse.last, False


def _published_day(m: EventMention) -> date | None:
    """The day ``m``'s article was published, or None."""
    if not m.published or len(m.published) < 10:
        return None
    try:
        return date.fromisoformat(m.published[:10])
    except ValueError:
        return None


def _background(a: EventMention, b: EventMention) -> bool:
    """Whether one of ``a``, ``b`` is undated and the other's date lies in the
    :data:`BACKGROUND_DAYS` before the undated one's article was published (see
    :data:`BACKGROUND_DAYS`); month precision counts when the whole month could."""
    wa, wb = _when(a.date, a.date_precision), _when(b.date, b.date_precision)
    if (wa is None) == (wb is None):
        return False
    undated, dated = (a, wb) if wa is None else (b, wa)
    day = _published_day(undated)
    if day is None or dated is None or dated.precision == "year":
        return False
    return day - timedelta(days=BACKGROUND_DAYS) <= dated.first and dated.last <= day


def _both_background(a: EventMention, b: EventMention) -> bool:
    """Whether ``a`` and ``b`` are both undated, in articles published at most
    :data:`BACKGROUND_DAYS` apart: the background of both may be one event."""
    if _dated(a) or _dated(b):
        return False
    da, db = _published_day(a), _published_day(b)
    return da is not None and db is not None and abs((da - db).days) <= BACKGROUND_DAYS


# -- places and actors ----------------------------------------------------------------------


def _km(a: PlaceKey, b: PlaceKey) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _contains(outer: PlaceKey, inner: PlaceKey) -> bool:
    """Whether ``outer`` is the country or first-level region that ``inner`` lies in."""
    if outer.country is None or outer.country != inner.country:
        return False
    if outer.level == "country":
        return inner.level != "country"
    if outer.level == "admin1":
        region = outer.admin1 or outer.name
        return inner.level in ("city", "point") and region is not None and region == inner.admin1
    return False


def place_relation(a: PlaceKey | None, b: PlaceKey | None) -> str:
    """ "unknown" (either has none), "same", "contains" (one holds the other) or "apart"."""
    if a is None or b is None or not a.known or not b.known:
        return "unknown"
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return "same"
    km = _km(a, b)
    # Near points are one place; a region's centroid near a town says nothing of containment.
    if km is not None and km <= NEAR_KM and not {a.level, b.level} & {"country", "admin1"}:
        return "same"
    # One region or sea without a gazetteer id (a curated "Gulf of Mexico") is the same where
    # its level and centre are: two articles naming it must not count as two places.
    if km is not None and km <= SAME_CENTRE_KM and a.level == b.level:
        return "same"
    if _contains(a, b) or _contains(b, a):
        return "contains"
    if a.geonameid is None and b.geonameid is None and km is None:
        # Only countries known (an unresolved town in each): same country says nothing more.
        return "contains" if a.country == b.country else "apart"
    return "apart"


_RELATION_RANK = {"agree": 3, "compatible": 2, "conflict": 0}


def actor_relation(a: ActorKey | None, b: ActorKey | None) -> str:
    """ "unknown" (either missing), "agree", "conflict" or "compatible" (no identity known).

    Where a side names several parties ("the strike that killed Muhandis and Soleimani"), the
    best relation of any two of them counts: a report naming only Soleimani shares a party with
    it and does not conflict with it.
    """
    if a is None or b is None:
        return "unknown"
    if not (a.also or b.also):
        return _party_relation(a, b)
    return max((_party_relation(x, y) for x in a.parties() for y in b.parties()),
               key=_RELATION_RANK.__getitem__)


def _party_relation(a: ActorKey, b: ActorKey) -> str:
    if a.country and b.country and a.country != b.country:
        return "conflict"
    if a.sector and b.sector and a.sector != b.sector:
        return "conflict"
    if a.code and a.code == b.code:
        return "agree"
    if a.country and a.country == b.country:
        return "agree"
    if name_key(a.text) == name_key(b.text):
        return "agree"  # "BP Plc" and "BP", "the Pentagon" and "Pentagon's"
    if not (a.country or b.country) and _one_person(a.text, b.text):
        return "agree"  # "Svanberg" (or "he", read as him) and "BP chairman Carl-Henric Svanberg"
    return "compatible"


def _one_person(a: str, b: str) -> bool:
    """Whether two names of no known country end in one capitalised surname of more than three
    letters: one person named in full and short. (A country decides for known people.)"""
    sa, sb = _surname(a), _surname(b)
    last = a.replace("’", "'").split()[-1:] or [""]
    return len(sa) > 3 and sa == sb and last[0][:1].isupper()


def names_body(a: ActorKey | None) -> bool:
    """Whether ``a``'s code names one body (NATO: IGONATO, the coalition: IGOCOA, an armed
    group: IRQREBKH) rather than a country and sectors that stand for many (USAGOV is any US
    official, EGYCVL any Egyptian civilian)."""
    return a is not None and code_names_body(a.code, a.country)


# -- pairs ----------------------------------------------------------------------------------


def evidence(a: EventMention, b: EventMention, *, undated_ok: bool = False,
             recall: bool = False) -> float | None:
    """How strongly ``a`` and ``b`` report one event, or None when they cannot.

    The score counts positive agreement: same place 1 (a containing region 0.5), agreeing actor 1,
    agreeing recipient 1, same article or story 1. A merge needs :data:`MIN_EVIDENCE`.
    An undated mention is judged only within its article or story; elsewhere there is no basis
    and the answer is None, or with ``undated_ok`` 0.0 where nothing else rules the pair out
    (see :func:`_unjudged`). With ``recall`` (the recall pass, :func:`_recall_pass`), an
    undated mention is also judged against a report it may recall (:func:`_recalls`), and
    another wording of one act without the same actor is no ground rather than a veto where
    the pair cannot be judged.
    """
    if a.ontology != b.ontology:
        return None
    cross_type = a.event != b.event
    if cross_type and not _shared_act(a, b):
        return None
    # Modes are the finest and least stable part of a code: one outlet's "voted to end the
    # deal" (REQUEST/yield) is another's "motion calling for the expulsion" (REQUEST/change).
    # Different modes of one type can still be one event, but only on firmer ground: the same
    # actor, and dates that fit exactly where both are known (checked below).
    # Different types that code one act (:data:`SHARED_ACTS`) need the same ground.
    mode_clash = cross_type or bool(a.mode and b.mode and a.mode != b.mode)
    if a.negated != b.negated or a.hypothetical != b.hypothetical:
        return None
    place = place_relation(a.place, b.place)
    actor = actor_relation(a.actor, b.actor)
    recipient = actor_relation(a.recipient, b.recipient)
    if "conflict" in (actor, recipient) and a.event in MUTUAL_TYPES and b.event == a.event:
        # "Svanberg met Obama" and "Obama met Svanberg": a meeting has two sides, and which
        # one an outlet makes the subject says nothing of which meeting it was
        crossed = (actor_relation(a.actor, b.recipient), actor_relation(a.recipient, b.actor))
        if "conflict" not in crossed and "agree" in crossed:
            actor, recipient = crossed
    if place == "apart" or "conflict" in (actor, recipient):
        return None
    same_article = a.article_id == b.article_id
    same_story = a.story_id is not None and a.story_id == b.story_id
    agreeing = (place in ("same", "contains")) + (actor == "agree") + (recipient == "agree")
    wa, wb = _when(a.date, a.date_precision), _when(b.date, b.date_precision)
    if mode_clash and actor != "agree":
        # Another wording of one act needs the same actor to be judged one event; in the
        # recall pass, a pair nothing can judge (undated, apart) is no ground either way.
        return 0.0 if (undated_ok and recall) else None
    if wa is None or wb is None:
        if not (same_article or same_story):
            if not (recall and _recalls(a, b, place, actor, recipient)):
                return 0.0 if undated_ok else None
        elif agreeing < 2:
            return None
    else:
        fits, next_day = _dates_fit(wa, wb)
        if mode_clash and not fits:
            return None
        if not fits:
            actors_agree = actor == "agree" or recipient == "agree"
            if not (next_day and not same_article and place != "unknown" and actors_agree):
                return None
    score = {"same": 1.0, "contains": 0.5}.get(place, 0.0)
    score += (actor == "agree") + (recipient == "agree") + (same_article or same_story)
    return score


def _recalls(a: EventMention, b: EventMention, place: str, actor: str,
             recipient: str) -> bool:
    """Whether an undated ``a`` or ``b`` may recall the other: background
    (:func:`_background`) with firm agreement: the same actor by a code that names one body
    (:func:`names_body`), the same or a containing place, recipients not in conflict (a
    recalled event is often told shorter: "the coalition halted its campaign"). Nothing
    weaker tells a recalled event from a new one: "US officials" (USAGOV) act every day.
    Two undated mentions (:func:`_both_background`) may recall one event too, with the
    recipient known on both sides and agreeing: neither has a date to hold the other to."""
    return (
        (_background(a, b) or (_both_background(a, b) and recipient == "agree"))
        and actor == "agree"
        and a.actor is not None and b.actor is not None
        and names_body(a.actor) and a.actor.code == b.actor.code
        and recipient != "conflict"
        and place in ("same", "contains")
    )


# -- groups ---------------------------------------------------------------------------------


class _Block:
    """The mentions of one (ontology, type) placed so far, indexed by what dates can match."""

    def __init__(self) -> None:
        self.by_day: dict[date, list[int]] = defaultdict(list)
        self.by_month: dict[tuple[int, int], list[int]] = defaultdict(list)  # any precision
        self.by_year: dict[int, list[int]] = defaultdict(list)  # any precision
        self.coarse_month: dict[tuple[int, int], list[int]] = defaultdict(list)  # month-precision
        self.coarse_year: dict[int, list[int]] = defaultdict(list)  # year-precision
        self.by_article: dict[str, list[int]] = defaultdict(list)
        self.by_story: dict[str, list[int]] = defaultdict(list)
        self.undated: list[int] = []

    def add(self, i: int, m: EventMention, when: _When | None) -> None:
        self.by_article[m.article_id].append(i)
        if m.story_id:
            self.by_story[m.story_id].append(i)
        if when is None:
            self.undated.append(i)
            return
        self.by_year[when.first.year].append(i)
        if when.precision == "year":
            self.coarse_year[when.first.year].append(i)
            return
        self.by_month[(when.first.year, when.first.month)].append(i)
        if when.precision == "month":
            self.coarse_month[(when.first.year, when.first.month)].append(i)
        else:
            self.by_day[when.first].append(i)

    def candidates(self, m: EventMention, when: _When | None) -> set[int]:
        out: set[int] = set(self.by_article.get(m.article_id, ()))
        if m.story_id:
            out.update(self.by_story.get(m.story_id, ()))
        if when is None:
            return out  # an undated mention links within its article or story (and see
            # _recall_pass)
        y, mo = when.first.year, when.first.month
        out.update(self.coarse_year.get(y, ()))
        if when.precision == "year":
            out.update(self.by_year.get(y, ()))
        elif when.precision == "month":
            out.update(self.by_month.get((y, mo), ()))
        else:
            out.update(self.coarse_month.get((y, mo), ()))
            for delta in (-1, 0, 1):
                out.update(self.by_day.get(when.first + timedelta(days=delta), ()))
        return out


def link_events(mentions: Sequence[EventMention]) -> dict[str, str]:
    """``event_id -> group id`` for every mention; a group's id is its earliest mention's id.

    Deterministic: the same mentions give the same groups, whatever order they are passed in.
    """
    blocks: dict[tuple[str, tuple[str, ...]], list[EventMention]] = defaultdict(list)
    for m in mentions:
        blocks[(m.ontology, block_types(m.ontology, m.event))].append(m)
    out: dict[str, str] = {}
    for key in sorted(blocks):
        out.update(_link_block(sorted(blocks[key], key=lambda m: (m.order, m.event_id))))
    return out


def _share_parties(ms: list[EventMention]) -> list[EventMention]:
    """Within one article, a mention that names one of another mention's several parties takes
    the others too, where the two may report one event.

    Why: "Muhandis was killed in a US airstrike on Friday" and, later in the same article,
    "the drone strike that killed Muhandis and Soleimani" are one strike; the first names only
    Muhandis (Iraqi), and another outlet's "the strike that killed Soleimani" (Iranian) would
    conflict with it although the article says the strike killed both. The article's own words
    are the evidence: nothing is taken across articles.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(ms):
        by_article[m.article_id].append(i)
    out = list(ms)
    for idx in by_article.values():
        for role in ("actor", "recipient"):
            for n in idx:
                many: ActorKey | None = getattr(ms[n], role)
                if many is None or not many.also:
                    continue
                for i in idx:
                    one: ActorKey | None = getattr(out[i], role)
                    if i == n or one is None or not any(_same_party(one, p)
                                                        for p in many.parties()):
                        continue
                    if evidence(ms[i], ms[n]) is None:
                        continue
                    have = {(p.code, p.country, p.text.casefold()) for p in one.parties()}
                    more = tuple(p for p in many.parties()
                                 if (p.code, p.country, p.text.casefold()) not in have)
                    if more:
                        out[i] = replace(out[i], **{role: replace(one, also=one.also + more)})
    return out


_NAME_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|bin|ibn|abu)[-‐]", re.I)


_POSSESSIVE = re.compile(r"'s?$")


def _surname(text: str) -> str:
    """The last word of a name, without an Arabic article or a possessive: "commander Abu Mahdi
    al-Muhandis" and "Muhandis's" give "muhandis"."""
    words = text.replace("’", "'").split()
    last = words[-1] if words else ""
    last = _POSSESSIVE.sub("", last)
    return _NAME_PREFIX.sub("", last).casefold()


def _same_party(a: ActorKey, b: ActorKey) -> bool:
    """Whether ``a`` and ``b`` name the very same party, not merely one of its country or
    sector ("Iraqi forces" and "Muhandis" are both Iraqi, not one party): the same text, the
    same named body's code (:func:`names_body`), or one person's surname."""
    if name_key(a.text) == name_key(b.text):
        return True
    if a.code and a.code == b.code and names_body(a):
        return True
    sa, sb = _surname(a.text), _surname(b.text)
    return bool(sa) and sa == sb and len(sa) > 3 and a.country == b.country


def _link_block(ms: list[EventMention]) -> dict[str, str]:
    ms = _share_parties(ms)
    index = _Block()
    group_of: list[int] = []  # mention position -> group number
    groups: list[list[int]] = []
    for i, m in enumerate(ms):
        when = _when(m.date, m.date_precision)
        best, best_score = -1, 0.0
        fitting: list[tuple[float, int]] = []
        for g in sorted({group_of[j] for j in index.candidates(m, when)}):
            judged = _judge(ms, [i], groups[g])
            if judged is None:
                continue
            mean = judged[0]
            if mean >= MIN_EVIDENCE:
                fitting.append((-mean, g))
                if mean > best_score:
                    best, best_score = g, mean
        if best < 0:
            best = len(groups)
            groups.append([])
        groups[best].append(i)
        group_of.append(best)
        index.add(i, m, when)
        if when is not None and all(ms[j].article_id == m.article_id for j in groups[best]):
            for _, h in sorted(fitting):
                if h != best and groups[h]:
                    best = _bridge(ms, groups, group_of, best, h)
    _recall_pass(ms, groups, group_of)
    return {m.event_id: ms[groups[group_of[i]][0]].event_id for i, m in enumerate(ms)}


def _bridge(ms: list[EventMention], groups: list[list[int]], group_of: list[int], g: int,
            h: int) -> int:
    """Merge groups ``g`` and ``h`` when the dated mention just added to ``g`` (a group of its
    own article's mentions) fitted ``h`` too and the two groups pass complete linkage together;
    returns the surviving group.

    Why: mentions are placed one by one, so two groups of one event can form before the mention
    that ties them arrives: an outlet's undated "the drone strike that killed Muhandis and
    Soleimani" starts a group of its own article, then its dated "Muhandis was killed in a US
    airstrike on Friday" fits both that group and the other outlets' strike of 3 January. Only
    an article's own group is bridged, by a dated mention: bridging groups that already span
    articles on undated evidence chained a story's loosely alike mentions into one.
    """
    judged = _judge(ms, groups[g], groups[h])
    if judged is None or judged[0] < MIN_EVIDENCE:
        return g
    return _merge(groups, group_of, g, h)


def _merge(groups: list[list[int]], group_of: list[int], g: int, h: int) -> int:
    """Make groups ``g`` and ``h`` one, under the number of the one with the earliest mention
    (a group keeps its first mention's id); returns that number."""
    keep, gone = (g, h) if groups[g][0] < groups[h][0] else (h, g)
    groups[keep] = sorted(groups[keep] + groups[gone])
    for k in groups[gone]:
        group_of[k] = keep
    groups[gone] = []
    return keep


def _dated(m: EventMention) -> bool:
    return _when(m.date, m.date_precision) is not None


def _recall_pass(ms: list[EventMention], groups: list[list[int]], group_of: list[int]) -> None:
    """Join each group of undated mentions to the one dated event it recalls, if exactly one.

    A later story often recalls an event without its date ("the coalition halted its campaign
    in response", in a report of February) and is clustered apart from the reports of the day
    (5 January: "the coalition has suspended training"). Mentions are placed one by one in
    ingest order, so the recollection cannot be judged there. Afterwards, a group whose
    mentions are all undated joins a group holding a dated report when (1) some mention
    recalls it (:func:`_recalls`: published in the :data:`BACKGROUND_DAYS` after it, the same
    actor by code, the same or a containing place, recipients not in conflict), (2) every
    pair across the two groups allows it (complete linkage, as for one mention) with enough
    evidence on the judged pairs, and (3) no other dated group qualifies: in a long crisis,
    "protesters rallied in Cairo" recalls any of a dozen days and joins none.
    Groups are visited in order of their first mention, so the result is deterministic. The
    dated mentions are indexed by actor code and first day, so a recollection is compared only
    with its own actor's events of the window, however large the archive.
    """
    by_code: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for j, m in enumerate(ms):
        when = _when(m.date, m.date_precision)
        if when is not None and when.precision != "year" and m.actor is not None \
                and names_body(m.actor):
            by_code[m.actor.code or ""].append((when.first, j))
    for rows in by_code.values():
        rows.sort()
    for g in range(len(groups)):
        members = groups[g]
        if not members or any(_dated(ms[i]) for i in members):
            continue
        near = {group_of[j] for m, j in _window(ms, by_code, members, BACKGROUND_DAYS, 0)
                if _background(m, ms[j])}
        passing = []
        for h in sorted(near - {g}):
            if groups[h] and any(_dated(ms[j]) for j in groups[h]):
                score = _recall_score(ms, members, groups[h])
                if score is not None and score >= MIN_EVIDENCE:
                    passing.append(h)
        if len(passing) != 1:
            continue
        _merge(groups, group_of, g, passing[0])
    _undated_pass(ms, groups, group_of)


def _window(ms: list[EventMention], by_code: dict[str, list[tuple[date, int]]],
            members: list[int], before: int, after: int) -> Iterator[tuple[EventMention, int]]:
    """(member, indexed mention) for each of ``members`` whose actor is a named body and whose
    article has a publication day, against the mentions ``by_code`` holds for that body (rows
    of (day, mention), sorted) from ``before`` days before that day to ``after`` days after."""
    for i in members:
        m, day = ms[i], _published_day(ms[i])
        if day is None or m.actor is None or not names_body(m.actor):
            continue
        rows = by_code.get(m.actor.code or "", [])
        lo = bisect.bisect_left(rows, (day - timedelta(days=before), -1))
        hi = bisect.bisect_right(rows, (day + timedelta(days=after), len(ms)))
        for _, j in rows[lo:hi]:
            yield m, j


def _undated_pass(ms: list[EventMention], groups: list[list[int]],
                  group_of: list[int]) -> None:
    """Join two groups of undated mentions from other stories that recall one event, where
    each is the only group that qualifies for the other.

    Why: outlets recall a decision without its date in later reports ("NATO had previously
    announced that it would suspend the training of Iraqi forces", in a story of its own),
    and the story that reported the decision may not have dated it either; with no dated
    report to join (:func:`_recall_pass`), each would stay alone. The ground is the recall
    rules' (:func:`_recalls`: one named body as actor, the same or a containing place) with
    the recipient agreeing too, in articles published at most :data:`BACKGROUND_DAYS` apart.
    Groups are indexed by actor code and publication day, so each is compared only with its
    own actor's groups of the window.
    """
    undated = [g for g in range(len(groups))
               if groups[g] and not any(_dated(ms[i]) for i in groups[g])]
    by_code: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for g in undated:
        for i in groups[g]:
            day = _published_day(ms[i])
            if day is not None and names_body(ms[i].actor):
                by_code[ms[i].actor.code or ""].append((day, i))  # type: ignore[union-attr]
    for rows in by_code.values():
        rows.sort()

    def passing(g: int) -> list[int]:
        # (group_of: the groups as merged so far)
        near = {group_of[j] for _, j in
                _window(ms, by_code, groups[g], BACKGROUND_DAYS, BACKGROUND_DAYS)}
        out = []
        for h in sorted(near - {g}):
            score = _recall_score(ms, groups[g], groups[h])
            if score is not None and score >= MIN_EVIDENCE:
                out.append(h)
        return out

    for g in undated:
        if not groups[g]:
            continue  # merged into an earlier one
        fits = passing(g)
        # each the other's only match: a group that fits two is ambiguous for both
        if len(fits) == 1 and passing(fits[0]) == [g]:
            _merge(groups, group_of, g, fits[0])


def _recall_score(ms: list[EventMention], undated: list[int], dated: list[int]) -> float | None:
    """Mean evidence over the judged pairs across an undated group and a dated one (recall
    rules, :func:`evidence`); None when a pair rules the merge out or no pair is a
    recollection (:func:`_recalls`)."""
    judged = _judge(ms, undated, dated, recall=True)
    if judged is None or not judged[1]:
        return None
    return judged[0]


def _judge(ms: list[EventMention], left: list[int], right: list[int],
           recall: bool = False) -> tuple[float, bool] | None:
    """Complete linkage between two sets of mentions: None when any pair rules them out as one
    event, else (mean evidence over the pairs that can be judged, 0.0 if none; whether a
    judged pair lies across articles and stories). Pairs nothing can judge (:func:`_unjudged`)
    neither veto nor count."""
    total, judged, across = 0.0, 0, False
    for i in left:
        for j in right:
            a, b = ms[i], ms[j]
            unjudged = _unjudged(a, b, recall=recall)
            score = evidence(a, b, undated_ok=unjudged, recall=recall)
            if score is None:
                return None
            if not unjudged:
                total += score
                judged += 1
                across = across or (
                    a.article_id != b.article_id
                    and (a.story_id is None or a.story_id != b.story_id))
    return (total / judged if judged else 0.0), across


def _unjudged(a: EventMention, b: EventMention, recall: bool = False) -> bool:
    """Whether nothing can say if ``a`` and ``b`` are one event: one is undated and they share
    neither article nor story.

    Why it matters: a group is joined only when every member allows it, and a group that took
    in an undated mention from its own story would otherwise shut out every report of the same
    event from another story (another outlet, clustered apart) although its dated members agree.
    Such a member neither vetoes nor counts; conflicts it shows (type, place, actors) still veto.
    In the recall pass (``recall``), a recollection (:func:`_recalls`) is judged.
    """
    if a.article_id == b.article_id or (a.story_id is not None and a.story_id == b.story_id):
        return False
    if _dated(a) and _dated(b):
        return False
    if not (recall and (_background(a, b) or _both_background(a, b))):
        return True
    place = place_relation(a.place, b.place)
    return not _recalls(a, b, place, actor_relation(a.actor, b.actor),
                        actor_relation(a.recipient, b.recipient))


def groups_of(links: dict[str, str]) -> dict[str, list[str]]:
    """Group id -> its mentions' ids (the group's own id first)."""
    out: dict[str, list[str]] = defaultdict(list)
    for eid, gid in links.items():
        out[gid].append(eid)
    for gid, members in out.items():
        members.sort(key=lambda e: e != gid)
    return dict(out)


def blocks_of(mentions: Iterable[EventMention]) -> set[tuple[str, str]]:
    """The (ontology, type) blocks ``mentions`` fall in: what a relink must recompute (with
    every type linked together with theirs)."""
    return {(m.ontology, t) for m in mentions for t in block_types(m.ontology, m.event)}
