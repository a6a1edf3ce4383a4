"""A story's timeline and summary, refreshed when its articles change.

Why from stored results: a story grows over many runs, and parsing all its articles again at
every run would cost more than the run itself. The store keeps each processed article's
sentence boundaries, dates, figures and events, which is all :mod:`eventdesk.summarize` needs.
Only the latest ``articles`` of a story are used, so the cost per story stays bounded however
long the story runs; the timeline and summary describe its recent development.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STORY_ARTICLES = 60
SUMMARY_WORDS = 100
VIEW_CHUNK = 16  # stories whose sentences are embedded in one call


def refresh_story_views(
    store: Any,
    story_ids: Iterable[str],
    *,
    articles: int = STORY_ARTICLES,
    words: int = SUMMARY_WORDS,
    chunk: int = VIEW_CHUNK,
) -> int:
    """Rebuild and store the timeline and summary of each story; returns how many were built.

    Stories are read ``chunk`` at a time and their candidate sentences embedded in one call
    before any is built: the summary and the timeline then find every vector in the embedding
    cache. Why: one story at a time, the model ran on a few dozen sentences per call; the 90
    stories of the benchmark's 2,000 Reuters articles took 11.8 s so, 9.6 s in chunks of 16
    (``bench/views.py``).
    """
    from ..embed import embed
    from ..summarize import build_timeline, summarize
    from ..summarize.units import collect_units

    done = 0
    ids = sorted(set(story_ids))
    step = max(1, chunk)
    for at in range(0, len(ids), step):
        batch = []
        for sid in ids[at : at + step]:
            docs, events_by_article = store.story_documents(sid, limit=articles)
            docs = [d for d in docs if d.sentences]
            if docs:
                batch.append((sid, docs, events_by_article))
        texts = list(dict.fromkeys(u.text for _, docs, _ in batch for u in collect_units(docs)))
        if texts:
            embed(texts)
        for sid, docs, events_by_article in batch:
            timeline = build_timeline(docs, events_by_article=events_by_article)
            summary = summarize(docs, words=words)
            store.save_story_views(sid, timeline, summary)
            done += 1
    return done
