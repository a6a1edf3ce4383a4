"""Near-duplicate checks as the store's ingest uses them: signatures, and one batch's check.

Why a separate module from :mod:`.dedup`: the store computes each new article's signature before
it takes the write lock, and checks a whole batch against the stored articles *and* the batch's
own earlier articles without changing the long-lived index until the batch is committed (a batch
that fails must leave no trace in the index either).
"""

from __future__ import annotations

import numpy as np

from .dedup import Match, NearDuplicateIndex, _words, signature


def text_signature(text: str) -> tuple[np.ndarray, int]:
    """The MinHash signature of ``text`` and its number of words (the length rule needs it)."""
    return signature(text), len(_words(text))


class BatchCheck:
    """Checks one batch against ``index`` plus the batch's own accepted articles.

    :meth:`accept` records an article as an original (within the batch only); :meth:`commit`
    adds the accepted ones to ``index`` once the batch is stored.
    """

    def __init__(self, index: NearDuplicateIndex):
        self.index = index
        self._local = NearDuplicateIndex(threshold=index.threshold, num_perm=index.num_perm)
        self._accepted: list[tuple[str, np.ndarray, int]] = []

    def check(self, sig: np.ndarray, n_words: int) -> Match | None:
        """The best original at or above the index's threshold, stored or earlier in the batch."""
        found = [m for m in (self.index.check(sig, n_words), self._local.check(sig, n_words)) if m]
        return max(found, key=lambda m: m.similarity) if found else None

    def accept(self, article_id: str, sig: np.ndarray, n_words: int) -> None:
        self._local.add(article_id, sig, n_words)
        self._accepted.append((article_id, sig, n_words))

    def commit(self) -> None:
        for article_id, sig, n_words in self._accepted:
            self.index.add(article_id, sig, n_words)
        self._accepted.clear()
