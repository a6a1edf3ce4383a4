"""Extractive multi-document summaries with sources, and a sentence where sources disagree.

Method, and why:

1. Candidates are the cleaned sentences of every article (:mod:`.units`), less the headings
   inside articles (:func:`_heading`); sentences repeated across articles (near-identical
   MiniLM embeddings) collapse into one that cites them all.
2. Each candidate is scored by three signals that are each known to matter for news:
   *centrality* (cosine to the cluster's centroid, where every article weighs the same so one
   long article does not define "the story"), *position* (news is written lead first; the
   lead-N baseline is hard to beat for exactly this reason) and *support* (how many articles
   report the sentence: what several sources say is what the story is about). The position
   bonus is scaled by the article's *relevance*, its likeness to the cluster's other articles:
   a page unlike all the others (an unrelated report clustered in, a web archive's crawl notice)
   leads nothing, and its first sentences must earn their place by centrality alone.
3. Sentences are picked by MMR (maximal marginal relevance): the next sentence is the best
   scoring one that is not too close to those already picked, as long as it fits the word budget.
   Beside its score, each pick is rewarded for the *concepts* it adds (content words that two or
   more articles use, weighted by how many do, and not yet in the summary): the summary should
   cover what the cluster's articles share, not say one thing well. Embedding likeness judges a
   sentence whole and misses that a second sentence adds the names and numbers the first lacked;
   counting shared words is the classic coverage objective of multi-document summarisation
   (Gillick and Favre's concept coverage), used here as a bonus, not alone.
   The budget is a hard limit ("at most N words"); after the greedy pass, shorter candidates
   fill what is left so the summary uses the length the reader asked for.
4. Sentences are ordered by publication date, article and position, so the summary reads in the
   order events were reported.
5. Figures: where a picked sentence carries a figure whose group
   (:func:`eventdesk.figures.reconcile`) has a discrepancy, one short generated sentence says
   which source gives which value. It counts against the budget; the lowest-scored picks make
   room for it, and the words so freed are filled again with sentences that need no further
   note (:func:`_refill`). A summary that quietly reports one of two disagreeing numbers
   misinforms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..types import Document, Figure, SummarySentence
from .units import Unit, collect_units, group_duplicates, words

if TYPE_CHECKING:
    import numpy

    from ..figures import FigureGroup

__all__ = ["SummaryOptions", "concepts", "figure_notes", "summarize_docs"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@dataclass(slots=True, frozen=True)
class SummaryOptions:
    """Weights of the sentence score and of MMR.

    Defaults were chosen on 40 Multi-News validation clusters (100-139) by R1 against the gold
    summaries, a small grid over these four values only: position matters most, as in all news.
    ``relevance_power`` was chosen on clusters 0-124 (0, 1, 2, 4: R1 margin over the lead
    +0.0132, +0.0157, +0.0163, +0.0127) and checked on 125-249 (+0.0087 -> +0.0112 with 2).
    The corroboration pair was chosen on clusters 0-124 (weights 0.1-0.4 at floors 0.5-0.8:
    +0.0247 without, +0.0251 to +0.0267 with; 0.25 at 0.7 the middle of the best) and checked
    on 125-249 (+0.0136 -> +0.0149).
    ``coverage_weight`` was chosen on clusters 0-124 (R1 margin over the lead +0.0286 at 0,
    +0.0317 to +0.0327 from 0.15 to 0.35, +0.0296 at 0.4: 0.25 the best, mid-plateau) and
    checked on 125-249 (+0.0174 -> +0.0206); ``eval/multinews_eval.py --coverage-weight W``.
    """

    position_weight: float = 0.6  # weight of 1/sqrt(1 + position) next to centrality
    support_weight: float = 0.15  # weight of (articles carrying the sentence - 1) / articles
    relevance_power: float = 2.0  # position bonus x (article's relevance) ** this; 0: off
    corroboration_weight: float = 0.25  # weight of how closely the other articles say it too
    corroboration_floor: float = 0.7  # cosine below which another article's nearest sentence
    # counts as not saying it at all
    mmr_lambda: float = 0.9  # 1: score only; 0: novelty only
    redundancy: float = 0.7  # never pick a sentence this close to one already picked
    coverage_weight: float = 0.25  # weight of the shared concepts a pick adds (see _select)
    max_per_doc: int | None = None  # candidates from each article's lead; None: all
    min_words: int = 6  # candidates shorter than this are headings or fragments


def _scores(
    units: list[Unit], vecs: numpy.ndarray, support: list[int], n_docs: int, opts: SummaryOptions
) -> list[float]:
    """Centrality + position + support (other articles carrying the sentence) of each unit."""
    import numpy as np

    by_doc: dict[int, list[int]] = {}
    for i, u in enumerate(units):
        by_doc.setdefault(u.doc, []).append(i)
    doc_means = []
    for idx in by_doc.values():
        m = vecs[idx].mean(axis=0)
        doc_means.append(m / (np.linalg.norm(m) or 1.0))
    centroid = np.mean(doc_means, axis=0)
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    central = vecs @ centroid
    relevance = dict(zip(by_doc, _relevance(doc_means, opts.relevance_power), strict=True))
    corroborated = _corroboration(units, vecs, by_doc, opts.corroboration_floor)
    out = []
    for i, u in enumerate(units):
        out.append(
            float(central[i])
            + opts.position_weight * relevance[u.doc] / np.sqrt(1.0 + u.position)
            + opts.support_weight * support[i] / max(1, n_docs - 1)
            + opts.corroboration_weight * float(corroborated[i])
        )
    return out


def _corroboration(
    units: list[Unit], vecs: numpy.ndarray, by_doc: dict[int, list[int]], floor: float
) -> numpy.ndarray:
    """For each unit, how closely the other articles say the same: the mean, over the other
    articles, of the cosine of their nearest sentence, scaled from ``floor`` (0) to 1.

    Why beside ``support``: support counts copies (near-identical sentences), but outlets
    mostly report the same fact in their own words; a paraphrase in three other articles is
    what the story is about as much as a wire copy is. 0 for a single article.
    """
    import numpy as np

    n, docs = len(units), list(by_doc)
    if len(docs) < 2 or n == 0:
        return np.zeros(n, dtype=np.float32)
    # one article's columns at a time: a units x units matrix would not fit for a large input
    nearest = np.stack([(vecs @ vecs[by_doc[d]].T).max(axis=1) for d in docs], axis=1)
    nearest = np.clip((nearest - floor) / (1.0 - floor), 0.0, None)
    for k, d in enumerate(docs):
        nearest[by_doc[d], k] = 0.0  # an article does not corroborate itself
    return nearest.sum(axis=1) / (len(docs) - 1)


def _relevance(doc_means: list[numpy.ndarray], power: float) -> list[float]:
    """Each article's likeness to the others (cosine of its mean sentence vector to the mean
    of the other articles'), over the best such likeness, to ``power``; 1 for every article of
    a cluster of fewer than three (two articles are as like each other as they can be)."""
    import numpy as np

    if power == 0 or len(doc_means) < 3:
        return [1.0] * len(doc_means)
    total = np.sum(doc_means, axis=0)
    sims = []
    for mean in doc_means:
        others = total - mean
        sims.append(max(0.0, float(mean @ others) / (float(np.linalg.norm(others)) or 1.0)))
    best = max(sims) or 1.0
    return [(x / best) ** power for x in sims]


@lru_cache(maxsize=20_000)
def concepts(text: str) -> frozenset[str]:
    """The content words of a sentence, lower-cased: what coverage counts (spaCy's English
    stop words, possessives and one-letter words left out; no stemming, which measured no
    better). From the text alone, as stored story documents keep no tokens."""
    from spacy.lang.en.stop_words import STOP_WORDS

    out = set()
    for m in _WORD.finditer(text):
        w = m.group(0).lower().replace("’", "'").removesuffix("'s")
        if len(w) > 1 and "'" not in w and w not in STOP_WORDS:
            out.add(w)
    return frozenset(out)


def _concept_weights(units: list[Unit], sets: list[frozenset[str]]) -> dict[str, int]:
    """Concept -> how many articles use it, for concepts two or more articles use (a word of
    one article alone is that article's, not the story's)."""
    docs: dict[str, set[int]] = {}
    for u, words_of in zip(units, sets, strict=True):
        for w in words_of:
            docs.setdefault(w, set()).add(u.doc)
    return {w: len(d) for w, d in docs.items() if len(d) >= 2}


def _select(
    units: list[Unit],
    vecs: numpy.ndarray,
    scores: list[float],
    budget: int,
    opts: SummaryOptions,
    start: Sequence[int] = (),
    banned: Collection[int] = (),
) -> list[int]:
    """MMR under a hard word budget, with a bonus for the shared concepts a pick adds; then
    fill the remainder with what still fits. ``start``: picks already made (the budget counts
    them); ``banned``: units never to pick.

    The coverage bonus of a candidate is the weight (:func:`_concept_weights`) of its concepts
    not yet covered, over the largest such weight among the candidates of that step, times
    ``coverage_weight``: a share, so it weighs the same in a story of two articles or sixty.
    """
    import numpy as np

    pool = [i for i, u in enumerate(units) if u.n_words >= opts.min_words and i not in banned]
    chosen: list[int] = list(start)
    used = sum(units[i].n_words for i in chosen)
    max_sim = np.full(len(units), -1.0)
    for i in chosen:
        max_sim = np.maximum(max_sim, vecs @ vecs[i])
    sets = [concepts(u.text) for u in units] if opts.coverage_weight else []
    weight = _concept_weights(units, sets) if sets else {}
    covered: set[str] = set().union(*(sets[i] for i in chosen)) if sets else set()

    def admissible(i: int) -> bool:
        return units[i].n_words <= budget - used and max_sim[i] < opts.redundancy

    while True:
        cands = [i for i in pool if i not in chosen and admissible(i)]
        if not cands:
            break
        gains = [sum(weight.get(w, 0) for w in sets[i] - covered) if weight else 0 for i in cands]
        top = max(gains) or 1
        best, best_val = -1, -np.inf
        for i, gain in zip(cands, gains, strict=True):
            novelty = max(0.0, float(max_sim[i]))
            val = opts.mmr_lambda * scores[i] - (1 - opts.mmr_lambda) * novelty
            val += opts.coverage_weight * gain / top
            if val > best_val:
                best, best_val = i, val
        chosen.append(best)
        used += units[best].n_words
        if sets:
            covered |= sets[best]
        max_sim = np.maximum(max_sim, vecs @ vecs[best])
    return chosen


def _source_label(article_id: str, source: str | None) -> str:
    return source or article_id


def figure_notes(
    docs: list[Document], picked: list[tuple[str, int]]
) -> list[tuple[SummarySentence, FigureGroup]]:
    """One sentence for each disagreeing figure group that a picked sentence draws on.

    ``picked`` holds (article id, sentence index) of the sentences in the summary, including
    those of their duplicates. The sentence lists each distinct value once, with the sources
    that give it, in publication order: "Sources differ on US troops in Iraq: 5,200 (Example
    Wire), approximately 5,000 (Example Daily)."
    """
    return _notes_for(_disagreements(docs), picked)


@dataclass(slots=True, frozen=True)
class _Disagreement:
    """A note for a disagreeing figure group, and the sentences that carry its values."""

    note: SummarySentence
    group: FigureGroup
    sentences: frozenset[tuple[str, int]]


def _disagreements(docs: list[Document]) -> list[_Disagreement]:
    """Every disagreeing figure group of ``docs`` with its note (see :func:`figure_notes`).

    Apart from the choice of notes: a summary asks which notes its picks need several times
    (after selecting, after making room, for each sentence filling the room left), and the
    figures are reconciled once for all of them.
    """
    from ..figures import ArticleMeta, reconcile

    pairs: list[tuple[Figure, ArticleMeta]] = []
    sources: dict[str, str | None] = {}
    for doc in docs:
        meta = ArticleMeta.from_article(doc.article)
        sources[doc.article.id] = doc.article.source
        for fig in _figures(doc):
            pairs.append((fig, meta))
    out = []
    for group in reconcile(pairs):
        if not group.discrepancy:
            continue
        by_value: dict[str, list[str]] = {}
        ids: list[str] = []
        for v in group.values:
            label = _source_label(v.article_id, sources.get(v.article_id))
            names = by_value.setdefault(" ".join(v.text.split()), [])
            if label not in names:
                names.append(label)
            if v.article_id not in ids:
                ids.append(v.article_id)
        parts = [f"{value} ({', '.join(names)})" for value, names in by_value.items()]
        if len(parts) < 2:  # the texts coincide although the values differ: say nothing false
            continue
        text = f"Sources differ on {group.about}: {'; '.join(parts)}."
        carried = frozenset((v.article_id, v.figure.span.sentence) for v in group.values
                            if v.figure is not None)  # fmt: skip
        out.append(_Disagreement(SummarySentence(text=text, sources=ids), group, carried))
    return out


def _notes_for(
    found: list[_Disagreement], picked: Collection[tuple[str, int]]
) -> list[tuple[SummarySentence, FigureGroup]]:
    """The notes of ``found`` whose values some picked sentence carries, in their order."""
    wanted = set(picked)
    return [(d.note, d.group) for d in found if d.sentences & wanted]


def _figures(doc: Document) -> list[Figure]:
    """The document's figures; extracted here when the figures stage has not run on it."""
    if doc.figures or not doc.tokens:
        return list(doc.figures)
    from ..figures import extract_figures

    return extract_figures(doc)


def _refill(
    found: list[_Disagreement],
    group: Callable[[int], list[Unit]],
    reps: list[Unit],
    vecs: numpy.ndarray,
    scores: list[float],
    words_limit: int,
    opts: SummaryOptions,
    chosen: list[int],
    dropped: list[int],
    notes: list[SummarySentence],
) -> list[int]:
    """Fill the words that making room for the notes left free, with sentences that bring no
    further note (a pick dropped for a note whose own sentence was dropped too left a hole:
    30 words asked, 12 given).

    Why the condition: a new pick carrying another disagreeing figure would need its own note,
    and there is no room for one; such picks are skipped, not the notes.
    """
    budget = words_limit - sum(words(n.text) for n in notes)
    more = _select(reps, vecs, scores, budget, opts, start=chosen, banned=set(dropped))
    said = {n.text for n in notes}
    out = list(chosen)
    for c in more[len(chosen):]:
        picked = {(m.article_id, m.sentence) for k in [*out, c] for m in group(k)}
        if {n.text for n, _ in _notes_for(found, picked)} <= said:
            out.append(c)
    return out


_SENTENCE_END = re.compile(r"[.!?:;\"”’')\]…]\s*$")


def _heading(unit: Unit) -> bool:
    """Whether ``unit`` is a heading inside its article ("The future of the coalition in
    Iraq"): a line after the lead that ends without a sentence's punctuation. Such a line
    names a section; in a summary it reads as a fragment. The article's first line, its
    headline, stays a candidate: it states the news. (Multi-News R1 margin on clusters
    0-124 +0.0327 -> +0.0330, on 125-249 +0.0206 -> +0.0203: kept for the reader, not the
    score.)"""
    return unit.position > 0 and not _SENTENCE_END.search(unit.text)


def summarize_docs(
    docs: list[Document], words_limit: int, opts: SummaryOptions | None = None
) -> list[SummarySentence]:
    """The summary of ``docs`` in at most ``words_limit`` words (see the module docstring)."""
    from ..embed import embed

    opts = opts or SummaryOptions()
    if words_limit < 1:
        raise UsageError(f"summary length must be at least 1 word, got {words_limit}",
                         hint="pass --words N with N >= 1")  # fmt: skip
    units = [u for u in collect_units(docs, max_per_doc=opts.max_per_doc) if not _heading(u)]
    if not units:
        return []
    vecs = embed([u.text for u in units])
    rep = group_duplicates(units, vecs)
    keep = [i for i in range(len(units)) if rep[i] == i]
    reps = [units[i] for i in keep]
    rvecs = vecs[keep]
    support = [len({u.article_id, *(units[j].article_id for j in u.also)}) - 1 for u in reps]
    scores = _scores(reps, rvecs, support, len(docs), opts)
    # Sentences that are duplicates carry the group's members along for sources and figures.
    chosen = _select(reps, rvecs, scores, words_limit, opts)

    def group(c: int) -> list[Unit]:
        return [reps[c], *(units[j] for j in reps[c].also)]

    picked = {(m.article_id, m.sentence) for c in chosen for m in group(c)}
    found = _disagreements(docs)
    notes = [n for n, _ in _notes_for(found, picked)]
    if notes:
        # Make room for the notes by dropping the lowest-scored picks, then keep the notes whose
        # sentences survived and that fit: a note about a dropped sentence would dangle.
        need = sum(words(n.text) for n in notes)
        used = sum(reps[c].n_words for c in chosen)
        dropped: list[int] = []
        for drop in sorted(chosen, key=lambda c: scores[c]):
            if used + need <= words_limit or len(chosen) == 1:
                break
            chosen.remove(drop)
            dropped.append(drop)
            used -= reps[drop].n_words
        kept = sorted({(m.article_id, m.sentence) for c in chosen for m in group(c)})
        notes = []
        for note, _ in _notes_for(found, kept):
            if used + words(note.text) <= words_limit:
                notes.append(note)
                used += words(note.text)
        chosen = _refill(found, group, reps, rvecs, scores, words_limit, opts, chosen, dropped,
                         notes)
    out: list[tuple[tuple[str, int, int], SummarySentence]] = []
    for c in chosen:
        ids: list[str] = []
        for m in sorted(group(c), key=lambda u: u.order_key):
            if m.article_id not in ids:
                ids.append(m.article_id)
        out.append((reps[c].order_key, SummarySentence(text=reps[c].text, sources=ids)))
    out.sort(key=lambda p: p[0])
    result = [s for _, s in out]
    # A note follows the last summary sentence it qualifies: readers meet the figure first.
    for note in notes:
        last = max((k for k, s in enumerate(result) if set(s.sources) & set(note.sources)),
                   default=len(result) - 1)  # fmt: skip
        result.insert(last + 1, note)
    return result
