"""The linking steps ``process`` runs after each saved batch: stories now, events at the end.

Why here and not in :mod:`eventdesk.app`: these steps need the store, the embedding model and the
clusterer together, and keeping them in one small class lets ``process`` stay a thin loop (and
the Ray runner reuse the same step).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..types import Document

if TYPE_CHECKING:
    from ..store import StoryUpdate
    from .stories import StoryClusterer, StoryItem

#: Entity kinds that say who and where a story is about (plus any entity coded as an actor).
STORY_ENTITY_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_LABEL_CHARS = 100


def story_entities(doc: Document) -> frozenset[str]:
    """The entity keys clustering compares: canonical names lower-cased, else the text."""
    keys = set()
    for e in doc.entities:
        if e.kind in STORY_ENTITY_KINDS or e.code:
            key = (e.canonical or e.span.text).strip().casefold()
            if key:
                keys.add(key)
    return frozenset(keys)


def _published(doc: Document) -> date | None:
    day = doc.article.published_date
    if not day:
        return None
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None  # a malformed stored date places the article in no time window


def story_label(doc: Document) -> str:
    """A story's title: its first article's title, else that article's opening words (a story
    needs a name an analyst can read; the words are the article's own)."""
    if doc.article.title and doc.article.title.strip():
        return doc.article.title.strip()
    lead = " ".join(doc.article.text.split())
    return lead if len(lead) <= _LABEL_CHARS else lead[:_LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def story_label_of(item: StoryItem) -> str:
    return item.title or item.article_id


class StoryStep:
    """Adds newly processed articles to stories, incrementally, and saves what changed.

    The clusterer is loaded from the store's ``story_state`` on first use and kept for the rest
    of the run; articles already in a story (re-processed ones) are not clustered again, only
    their new events pointed at their story.
    """

    def __init__(self, store: Any, embed_batch: int | None = None):
        self.store = store
        self.embed_batch = embed_batch
        self._clusterer: StoryClusterer | None = None
        self.added = 0

    def clusterer(self) -> StoryClusterer:
        if self._clusterer is None:
            from .stories import StoryClusterer

            self._clusterer = StoryClusterer.from_state(self.store.story_state())
        return self._clusterer

    def items(self, docs: Sequence[Document]) -> list[StoryItem]:
        """What clustering needs of ``docs``: their embeddings (one batch), entities, dates."""
        from ..embed import embed
        from .stories import StoryItem, story_text

        texts = [story_text(d.article.title, d.article.text) for d in docs]
        vectors = embed(texts) if self.embed_batch is None else embed(
            texts, batch_size=self.embed_batch)
        return [
            StoryItem(
                article_id=d.article.id,
                embedding=vec,
                entities=story_entities(d),
                published=_published(d),
                title=story_label(d),
            )
            for d, vec in zip(docs, vectors, strict=True)
        ]

    def plan(self, docs: Sequence[Document]) -> StoryUpdate:
        """Place ``docs``' articles that are in no story yet; the update is saved with the
        batch (:meth:`eventdesk.store.Store.save_documents`), so a batch and its stories land
        together or not at all."""
        from ..store import StoryUpdate

        placed = self.store.stories_of(d.article.id for d in docs)
        new = [d for d in docs if d.article.id not in placed]
        update = StoryUpdate()
        if not new:
            return update
        clusterer = self.clusterer()
        merged_before = set(clusterer.merged)
        placed_now: list[tuple[str, StoryItem]] = []
        for item in self.items(new):
            placed_now.append((clusterer.add(item), item))
        # A story may absorb another while this batch is placed (two starts of one story
        # converging): memberships and merges are resolved to the surviving stories.
        update.merged = {
            gone: clusterer.resolve(gone)
            for gone in clusterer.merged
            if gone not in merged_before
        }
        for sid, item in placed_now:
            sid = clusterer.resolve(sid)
            update.members.append((sid, item.article_id))
            if sid not in update.titles:
                update.titles[sid] = clusterer.stories[sid].title or story_label_of(item)
        touched = {sid for sid, _ in update.members} | set(update.merged.values())
        update.states = [row for row in clusterer.state() if row["story_id"] in touched]
        self.added += len(update.members)
        return update
