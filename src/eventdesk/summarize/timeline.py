"""Dated timelines of a story: which days mattered, and what happened on each, with sources.

The method follows DATEWISE (Gholipour Ghalandari & Ifrim, ACL 2020), which showed that picking
the *dates* first and then summarising each date beats clustering sentences first (CLUST), and
that how often a day is *referred to* is the best single signal of its importance:

1. **Candidate dates** are the days the articles mention (``doc.dates`` with day precision,
   already resolved against the publication date: "on Tuesday" in a Wednesday article is the
   day before) and the days articles were published.
2. **Date ranking.** A day's score is the sum, over articles, of how strongly each article
   refers to it: every sentence that mentions the day adds a weight that decays with the
   sentence's position (leads say what matters) and with the sentence's distance from the query
   when one is given. Each article's contribution is capped, so one article that repeats a date
   ten times counts as one strong vote, not ten (DATEWISE counts references; a cap makes the
   count a count of *sources*). References to days after the article's publication are plans,
   not events, and count half. Articles published on a day add a small vote for it.
   Improvements over DATEWISE: the per-article cap, position and query weights, and when the
   number of dates is not given, a knee in the score curve chooses it instead of a fixed N.
3. **Per-date sentences.** The candidates for a day are the sentences that mention it, plus the
   lead sentences (without any date) of articles published that day. Each is scored by
   centrality among the day's candidates (MiniLM cosine to their weighted centroid, which rewards
   what many reports of that day agree on), plus similarity to the query; sentences carrying a
   factual event from the events stage get a bonus. The best K are taken, skipping any sentence
   too close to one already in the timeline (redundancy across dates).
4. **Sources.** An entry cites every article with a candidate sentence for that day that is
   close to a chosen sentence: the articles that support the entry, not only the one quoted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..nlp.furniture import furniture_start
from ..types import Document, Event, TimelineEntry
from .clean import clean_sentence
from .units import MAX_WORDS, words

if TYPE_CHECKING:
    import numpy

__all__ = ["TimelineItem", "TimelineOptions", "build", "choose_count", "timeline_json"]

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "but", "with", "from",
        "by", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
        "those", "over", "under", "into", "about", "after", "before",
    ]
)


@dataclass(slots=True)
class TimelineItem(TimelineEntry):
    """A :class:`TimelineEntry` that also keeps its sentences apart (``text`` joins them)."""

    sentences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The contract's story-timeline entry (``export stories``): no ``sentences`` key."""
        return {"date": self.date, "text": self.text, "event_ids": list(self.event_ids),
                "sources": list(self.sources)}  # fmt: skip


@dataclass(slots=True, frozen=True)
class TimelineOptions:
    """Weights of date ranking and sentence choice; defaults set on held-out news stories."""

    article_cap: float = 1.5  # most one article can add to one date's score
    position_decay: float = 0.1  # a reference in sentence p weighs 1 / (1 + decay * p)
    future_weight: float = 0.5  # a reference to a day after publication (a plan)
    published_weight: float = 0.2  # vote of an article for its own publication day
    off_query_weight: float = 0.25  # a sentence that shares no word with the query
    window_before: int = 30  # days before the first publication still eligible
    lead_sentences: int = 3  # undated lead sentences that stand for their publication day
    max_candidates: int = 80  # per date, by prior weight: bounds embedding cost
    query_weight: float = 0.3
    event_bonus: float = 0.05
    redundancy: float = 0.8  # cosine above which a sentence repeats one already in the timeline
    support: float = 0.7  # cosine above which another article's sentence supports an entry
    min_words: int = 6
    min_dates: int = 3  # bounds of the automatic number of dates
    max_dates: int = 30


@dataclass(slots=True)
class _Cand:
    doc: int
    article_id: str
    sentence: int
    text: str
    prior: float
    explicit: bool  # mentions the date (rather than being published that day)


def timeline_json(entries: list[TimelineEntry]) -> list[list[object]]:
    """The CONTRACT's ``eventdesk timeline`` value: ``[["YYYY-MM-DD", ["sentence", ...]], ...]``."""
    out: list[list[object]] = []
    for e in entries:
        sentences = list(e.sentences) if isinstance(e, TimelineItem) and e.sentences else [e.text]
        out.append([e.date, sentences])
    return out


def _query_terms(query: str | None) -> list[str]:
    if not query:
        return []
    return [t for t in _TOKEN.findall(query.lower()) if t not in _STOP and len(t) > 1]


def _matches(text: str, terms: list[str]) -> bool:
    """Any query term as a word prefix ("protest" matches "protesters")."""
    toks = _TOKEN.findall(text.lower())
    return any(t.startswith(q) for q in terms for t in toks)


def _day(value: str | None) -> date | None:
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def choose_count(scores: list[float], lo: int, hi: int) -> int:
    """How many dates to keep when the caller did not say: the knee of the sorted scores.

    The knee (the point farthest below the chord from the first to the last score, "kneedle") is
    where scores stop falling fast: dates before it are clearly more referred to than the rest.
    """
    s = sorted(scores, reverse=True)[: max(hi * 3, 10)]
    if len(s) <= lo:
        return len(s)
    n = len(s)
    first, last = s[0], s[-1]
    best, best_gap = lo, -1.0
    for i, v in enumerate(s):
        chord = first + (last - first) * i / (n - 1)
        gap = chord - v
        if gap > best_gap:
            best, best_gap = i, gap  # the dates before the elbow
    return max(lo, min(hi, best))


def _event_sentences(doc: Document) -> set[int]:
    """Sentences reporting an event that happened (not negated, planned or hearsay)."""
    return {
        e.span.sentence
        for e in doc.events
        if not (e.negated or e.hypothetical or e.reported) and e.span.sentence >= 0
    }


def build(
    docs: list[Document],
    *,
    dates: int | None,
    sentences: int,
    query: str | None,
    events_by_article: dict[str, list[tuple[str, Event]]] | None,
    opts: TimelineOptions | None = None,
) -> list[TimelineItem]:
    """The timeline of ``docs`` (see the module docstring); entries in date order."""
    opts = opts or TimelineOptions()
    if dates is not None and dates < 1:
        raise UsageError(f"--dates must be at least 1, got {dates}", hint="or leave it out")
    if sentences < 1:
        raise UsageError(f"--sentences must be at least 1, got {sentences}")
    terms = _query_terms(query)
    pubs = [d for d in (_day(doc.article.published_date) for doc in docs) if d is not None]
    lo = min(pubs) - timedelta(days=opts.window_before) if pubs else None
    hi = max(pubs) if pubs else None

    score: dict[date, float] = defaultdict(float)
    cands: dict[date, list[_Cand]] = defaultdict(list)
    for k, doc in enumerate(docs):
        pub = _day(doc.article.published_date)
        mentioned: dict[int, set[date]] = defaultdict(set)
        for dm in doc.dates:
            if dm.precision != "day" or dm.span.sentence < 0:
                continue
            d = _day(dm.value)
            if d is None or (lo is not None and d < lo) or (hi is not None and d > hi):
                continue
            mentioned[dm.span.sentence].add(d)
        art_terms = bool(terms) and _matches(doc.article.text[:20000], terms)
        eventful = _event_sentences(doc)
        votes: dict[date, float] = defaultdict(float)
        lead = 0
        cut = furniture_start(doc.article.text)
        for p, s in enumerate(doc.sentences):
            if cut is not None and s.start >= cut:
                break  # the page's comment section
            text = clean_sentence(s.text)
            if text is None or not opts.min_words <= words(text) <= MAX_WORDS:
                continue
            if not terms or _matches(text, terms):
                rel = 1.0
            else:
                rel = opts.off_query_weight if art_terms else opts.off_query_weight**2
            weight = rel / (1.0 + opts.position_decay * p)
            if s.index in eventful:
                weight *= 1.0 + opts.event_bonus * 4
            days = mentioned.get(s.index)
            if days:
                for d in days:
                    w = weight * (opts.future_weight if pub is not None and d > pub else 1.0)
                    votes[d] += w
                    cands[d].append(_Cand(k, doc.article.id, s.index, text, w, True))
            elif pub is not None and lead < opts.lead_sentences:
                cands[pub].append(_Cand(k, doc.article.id, s.index, text, 0.5 * weight, False))
                lead += 1
        for d, v in votes.items():
            score[d] += min(v, opts.article_cap)
        if pub is not None:
            score[pub] += opts.published_weight * (1.0 if not terms or art_terms else 0.25)

    ranked = sorted((d for d in score if cands.get(d)), key=lambda d: (-score[d], d))
    if not ranked:
        return []
    n = dates if dates is not None else choose_count(
        [score[d] for d in ranked], opts.min_dates, opts.max_dates
    )
    chosen_dates = ranked[:n]
    return _summarise_dates(docs, chosen_dates, cands, sentences, query, events_by_article, opts)


def _summarise_dates(
    docs: list[Document],
    chosen_dates: list[date],
    cands: dict[date, list[_Cand]],
    k: int,
    query: str | None,
    events_by_article: dict[str, list[tuple[str, Event]]] | None,
    opts: TimelineOptions,
) -> list[TimelineItem]:
    import numpy as np

    from ..embed import embed

    per_date: dict[date, list[_Cand]] = {}
    texts: dict[str, int] = {}
    for d in chosen_dates:
        best: dict[tuple[int, int], _Cand] = {}
        for c in cands[d]:
            key = (c.doc, c.sentence)
            if key not in best or c.prior > best[key].prior:
                best[key] = c
        pool = sorted(best.values(), key=lambda c: (-c.prior, c.doc, c.sentence))
        per_date[d] = pool[: opts.max_candidates]
        for c in per_date[d]:
            texts.setdefault(c.text, len(texts))
    vecs = embed(list(texts))
    qvec = embed([query])[0] if query else None
    eventful = [_event_sentences(doc) for doc in docs]

    taken: list[numpy.ndarray] = []
    # Dates are summarised best-first, so the strongest date keeps a sentence that two dates share.
    entries: dict[date, TimelineItem] = {}
    for d in chosen_dates:
        pool = per_date[d]
        idx = [texts[c.text] for c in pool]
        pv = vecs[idx]
        prior = np.array([c.prior for c in pool], dtype=np.float32)
        centroid = (pv * prior[:, None]).sum(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        value = pv @ centroid
        if qvec is not None:
            value = value + opts.query_weight * (pv @ qvec)
        value = value + opts.event_bonus * np.array(
            [c.sentence in eventful[c.doc] for c in pool], dtype=np.float32
        ) + 0.02 * np.array([c.explicit for c in pool], dtype=np.float32)
        picked: list[int] = []
        for i in np.argsort(-value, kind="stable"):
            v = pv[i]
            if taken and max(float(t @ v) for t in taken) >= opts.redundancy:
                continue
            if any(pool[i].text == pool[j].text for j in picked):
                continue
            picked.append(int(i))
            taken.append(v)
            if len(picked) >= k:
                break
        if not picked:
            continue
        sources: list[str] = []
        support = pv @ pv[picked].T  # (candidates, picked)
        for i, c in enumerate(pool):
            if (i in picked or float(support[i].max()) >= opts.support) and (
                c.article_id not in sources
            ):
                sources.append(c.article_id)
        event_ids = _event_ids(d, [pool[i] for i in picked], sources, events_by_article)
        chosen_texts = [pool[i].text for i in picked]
        entries[d] = TimelineItem(
            date=d.isoformat(),
            text=" ".join(chosen_texts),
            event_ids=event_ids,
            sources=sources,
            sentences=chosen_texts,
        )
    return [entries[d] for d in sorted(entries)]


def _event_ids(
    day: date,
    picked: list[_Cand],
    sources: list[str],
    events_by_article: dict[str, list[tuple[str, Event]]] | None,
) -> list[str]:
    """Events behind an entry: those in its sentences, and those its sources date to the day."""
    if not events_by_article:
        return []
    in_sentence = {(c.article_id, c.sentence) for c in picked}
    out: list[str] = []
    for aid in sources:
        for eid, ev in events_by_article.get(aid, []):
            here = (aid, ev.span.sentence) in in_sentence
            same_day = ev.date == day.isoformat() and not (ev.negated or ev.hypothetical)
            if (here or same_day) and eid not in out:
                out.append(eid)
    return out

