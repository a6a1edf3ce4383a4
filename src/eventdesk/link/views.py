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


def refresh_story_views(
    store: Any,
    story_ids: Iterable[str],
    *,
    articles: int = STORY_ARTICLES,
    words: int = SUMMARY_WORDS,
) -> int:
    """Rebuild and store the timeline and summary of each story; returns how many were built."""
    from ..summarize import build_timeline, summarize

    done = 0
    for sid in sorted(set(story_ids)):
        docs, events_by_article = store.story_documents(sid, limit=articles)
        docs = [d for d in docs if d.sentences]
        if not docs:
            continue
        timeline = build_timeline(docs, events_by_article=events_by_article)
        summary = summarize(docs, words=words)
        store.save_story_views(sid, timeline, summary)
        done += 1
    return done
