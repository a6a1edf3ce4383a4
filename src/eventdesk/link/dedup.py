"""Near-duplicate articles (syndicated copies, re-posts with another header or footer).

Exact duplicates are caught by the store (same id, URL or text fingerprint). Near duplicates need
set similarity: each article becomes the set of its word 5-shingles, summarised by a MinHash
signature, and a MinHash LSH index (datasketch) finds stored articles whose estimated Jaccard
similarity passes the threshold without comparing every pair. Candidates are then verified on the
signatures themselves, and on length, so that a short item sharing a boilerplate paragraph with a
long one is not called a copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
SHINGLE = 5
SCHEME = "affine32"  # datasketch 2 hashing scheme; stored signatures depend on it
THRESHOLD = 0.7
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(text)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Word k-shingles; a text shorter than k words is one shingle of all its words."""
    words = _words(text)
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature (``num_perm`` uint64 values) of ``text``'s shingles."""
    from datasketch import MinHash

    mh = MinHash(num_perm=num_perm, scheme=SCHEME)
    sh = shingles(text)
    if sh:
        mh.update_batch(list(sh))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


@dataclass(slots=True)
class Match:
    original_id: str
    similarity: float


class NearDuplicateIndex:
    """MinHash LSH over stored articles; ``check`` finds the original a new article copies."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, np.ndarray] = {}
        self._lengths: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def _minhash(self, sig: np.ndarray):  # -> datasketch.LeanMinHash
        from datasketch import LeanMinHash

        return LeanMinHash(seed=1, hashvalues=sig, scheme=SCHEME)

    def add(self, article_id: str, sig: np.ndarray, n_words: int) -> None:
        if article_id in self._sigs:
            return
        self._lsh.insert(article_id, self._minhash(sig))
        self._sigs[article_id] = sig
        self._lengths[article_id] = n_words

    def check(self, sig: np.ndarray, n_words: int) -> Match | None:
        """The best stored match at or above the threshold, or None."""
        best: Match | None = None
        for cand in self._lsh.query(self._minhash(sig)):
            other = self._lengths[cand]
            # A copy with a new header/footer keeps most of the length; a brief that shares one
            # paragraph with a long report does not.
            if min(other, n_words) < 0.5 * max(other, n_words):
                continue
            sim = jaccard(sig, self._sigs[cand])
            if sim >= self.threshold and (best is None or sim > best.similarity):
                best = Match(cand, sim)
        return best

    def check_text(self, article_id: str, text: str) -> tuple[Match | None, np.ndarray, int]:
        """Check ``text``; if it is no near duplicate, add it. Returns (match, signature, words)."""
        sig = signature(text, self.num_perm)
        n = len(_words(text))
        match = self.check(sig, n)
        if match is None:
            self.add(article_id, sig, n)
        return match, sig, n

    def load(self, rows: Iterable[tuple[str, bytes, int]]) -> None:
        """Fill the index from stored ``(article_id, signature bytes, n_words)`` rows."""
        for article_id, blob, n in rows:
            self.add(article_id, np.frombuffer(blob, dtype=np.uint64), n)
