"""Story clustering: articles grouped into developing stories, incrementally as they arrive.

An article joins the story it is most like, or starts one. "Like" combines three signals:

- the MiniLM embedding of its title and lead against the story's centroid (what it is about);
- the named entities it shares with the story's most frequent ones (who and where);
- time: only stories active within ``window_days`` of the article's date are candidates.

Why no pairwise comparison: each story keeps a running centroid, so an article is compared with
the active stories only (one matrix-vector product), and the set of active stories is bounded by
the time window. The state serialises (:meth:`StoryClusterer.state` / :meth:`from_state`) so the
store can resume clustering across runs, which keeps it incremental over a stream.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

DIM = 384
TOP_ENTITIES = 25  # a story's most frequent entities, which an article's are compared with


@dataclass(slots=True)
class StoryItem:
    """What clustering needs of one article."""

    article_id: str
    embedding: np.ndarray  # L2-normalised
    entities: frozenset[str] = frozenset()  # canonical entity keys (lower-cased)
    published: date | None = None
    title: str | None = None


@dataclass(slots=True)
class _Story:
    story_id: str
    centroid_sum: np.ndarray
    n: int = 0
    entities: Counter = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    title: str | None = None
    article_ids: list[str] = field(default_factory=list)
    # The unit centroid and the top entities, kept until the story changes: every arriving
    # article is scored against each active story, so recomputing them per article (a norm and
    # a sort of the story's entity counts) was most of the clustering's time.
    _unit: np.ndarray | None = None
    _top: set[str] | None = None

    def changed(self) -> None:
        """Forget what was derived from the sums and counts (call after changing them)."""
        self._unit = None
        self._top = None

    def centroid(self) -> np.ndarray:
        if self._unit is None:
            norm = float(np.linalg.norm(self.centroid_sum))
            self._unit = self.centroid_sum / norm if norm else self.centroid_sum
        return self._unit

    def top_entities(self) -> set[str]:
        if self._top is None:
            self._top = {e for e, _ in self.entities.most_common(TOP_ENTITIES)}
        return self._top


@dataclass(slots=True)
class ClusterSettings:
    threshold: float = 0.38  # combined score needed to join a story
    entity_weight: float = 0.25  # weight of entity overlap in the score
    window_days: int = 21  # a story is a candidate while it had an article this recently
    merge_threshold: float = 0.70  # two stories whose centroids grow this close become one
    max_active: int = 5000  # with no dates, compare with at most this many recent stories


def _story_id(article_id: str) -> str:
    return "s-" + hashlib.sha1(article_id.encode()).hexdigest()[:12]


class StoryClusterer:
    """Online clustering of :class:`StoryItem` into stories."""

    def __init__(self, settings: ClusterSettings | None = None):
        self.settings = settings or ClusterSettings()
        self.stories: dict[str, _Story] = {}
        self._order: list[str] = []  # story ids by last activity (approximate, appended)
        self.merged: dict[str, str] = {}  # story id merged away -> the story it went into

    def _candidates(self, item: StoryItem) -> list[_Story]:
        s = self.settings
        recent = [self.stories[sid] for sid in self._order[-s.max_active :]]
        if item.published is None:
            return recent
        out = []
        for st in recent:
            if st.last is None:
                out.append(st)
                continue
            gap = (item.published - st.last).days
            # Archives arrive out of order: an article may also precede a story's first item.
            lead = (st.first - item.published).days if st.first else 0
            if -s.window_days <= gap <= s.window_days or 0 <= lead <= s.window_days or (
                st.first and st.first <= item.published <= st.last
            ):
                out.append(st)
        return out

    def score(self, item: StoryItem, story: _Story) -> float:
        sim = float(item.embedding @ story.centroid())
        if item.entities:
            top = story.top_entities()
            overlap = len(item.entities & top) / max(1, min(len(item.entities), len(top)))
        else:
            overlap = 0.0
        return sim + self.settings.entity_weight * overlap

    def add(self, item: StoryItem) -> str:
        """Place ``item`` in a story (existing or new) and return the story id."""
        cands = self._candidates(item)
        best, best_score = None, -1.0
        if cands:
            cents = np.stack([c.centroid() for c in cands])
            sims = cents @ item.embedding
            # Entity overlap only for the stories the embedding already finds close.
            for idx in np.argsort(-sims)[:20]:
                sc = self.score(item, cands[int(idx)])
                if sc > best_score:
                    best, best_score = cands[int(idx)], sc
        if best is None or best_score < self.settings.threshold:
            best = _Story(
                story_id=_story_id(item.article_id),
                centroid_sum=np.zeros(item.embedding.shape[0], dtype=np.float32),
                title=item.title,
            )
            self.stories[best.story_id] = best
        else:
            self._order.remove(best.story_id)
        self._join(best, item)
        self._order.append(best.story_id)
        self._merge_close(best, [c for c in cands if c.story_id != best.story_id])
        return self.resolve(best.story_id)

    def resolve(self, story_id: str) -> str:
        """The story a (possibly merged-away) story id now belongs to."""
        while story_id in self.merged:
            story_id = self.merged[story_id]
        return story_id

    def _merge_close(self, story: _Story, others: list[_Story]) -> None:
        """Merge ``story`` with active stories it has grown close to.

        Why: a developing story often starts twice (two outlets' first reports differ, or a
        lull separates its phases); once their centroids converge they are one story. The
        older story keeps its id, so ids stay stable for what users already saw.
        """
        if not others:
            return
        cent = story.centroid()
        sims = np.stack([o.centroid() for o in others]) @ cent
        for idx in np.argsort(-sims):
            if sims[idx] < self.settings.merge_threshold:
                break
            other = others[int(idx)]
            if other.story_id not in self.stories or story.story_id not in self.stories:
                continue
            keep, gone = (other, story) if other.n >= story.n else (story, other)
            keep.centroid_sum = keep.centroid_sum + gone.centroid_sum
            keep.n += gone.n
            keep.entities.update(gone.entities)
            keep.article_ids.extend(gone.article_ids)
            for d in (gone.first, gone.last):
                if d:
                    keep.first = min(keep.first, d) if keep.first else d
                    keep.last = max(keep.last, d) if keep.last else d
            keep.changed()
            del self.stories[gone.story_id]
            self._order.remove(gone.story_id)
            self.merged[gone.story_id] = keep.story_id
            story = keep
            cent = story.centroid()

    def assignments(self) -> dict[str, str]:
        """article id -> story id, for every article placed so far."""
        return {aid: sid for sid, st in self.stories.items() for aid in st.article_ids}

    @staticmethod
    def _join(story: _Story, item: StoryItem) -> None:
        story.centroid_sum = story.centroid_sum + item.embedding.astype(np.float32)
        story.n += 1
        story.entities.update(item.entities)
        story.changed()
        story.article_ids.append(item.article_id)
        if item.published:
            story.first = min(story.first, item.published) if story.first else item.published
            story.last = max(story.last, item.published) if story.last else item.published
        if not story.title and item.title:
            story.title = item.title

    # -- persistence -------------------------------------------------------------------------
    def state(self) -> list[dict[str, Any]]:
        """JSON-able state of every story, oldest activity first."""
        out = []
        for sid in self._order:
            st = self.stories[sid]
            out.append(
                {
                    "story_id": st.story_id,
                    "centroid_sum": st.centroid_sum.astype(np.float32).tobytes(),
                    "n": st.n,
                    "entities": dict(st.entities.most_common(100)),
                    "first": st.first.isoformat() if st.first else None,
                    "last": st.last.isoformat() if st.last else None,
                    "title": st.title,
                    "article_ids": list(st.article_ids),
                }
            )
        return out

    @classmethod
    def from_state(
        cls, rows: list[dict[str, Any]], settings: ClusterSettings | None = None
    ) -> StoryClusterer:
        sc = cls(settings)
        for r in rows:
            st = _Story(
                story_id=r["story_id"],
                centroid_sum=np.frombuffer(r["centroid_sum"], dtype=np.float32).copy(),
                n=r["n"],
                entities=Counter(r.get("entities") or {}),
                first=date.fromisoformat(r["first"]) if r.get("first") else None,
                last=date.fromisoformat(r["last"]) if r.get("last") else None,
                title=r.get("title"),
                article_ids=list(r.get("article_ids") or []),
            )
            sc.stories[st.story_id] = st
            sc._order.append(st.story_id)
        return sc


def story_text(title: str | None, text: str, max_chars: int = 1200) -> str:
    """What is embedded for an article: the title and the lead, where a story shows itself."""
    lead = " ".join(text.split())[:max_chars]
    return f"{title}. {lead}" if title else lead
