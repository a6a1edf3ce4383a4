"""Character ranges of one article, sorted once and searched by binary search.

Why: several stages ask, for each of an article's numbers, dates or names, which entities or
spans overlap or contain it. A scan of every span for every question grows with the square of
the article's length: a 750 KB article took minutes in stages that take a second on a normal
one. Sorting the ranges once and bisecting on their starts keeps each question short.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class Intervals:
    """Half-open ranges ``[start, end)``; queries return the positions of the ranges as given.

    A range overlapping ``[a, b)`` starts before ``b`` and less than the longest range's length
    before ``a``, so only that window of the sorted starts is looked at.
    """

    def __init__(self, ranges: Iterable[tuple[int, int]]):
        given = list(ranges)
        self._given = given
        self._order = sorted(range(len(given)), key=lambda k: given[k])
        self._starts = [given[k][0] for k in self._order]
        self._ends = [given[k][1] for k in self._order]
        self._longest = max((e - s for s, e in given), default=0)

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, k: int) -> tuple[int, int]:
        """The ``k``-th range as given."""
        return self._given[k]

    def overlapping(self, start: int, end: int) -> list[int]:
        """Positions (in the order given) of the ranges that share a character with
        ``[start, end)``, ascending."""
        lo = bisect_right(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return sorted(self._order[n] for n in range(lo, hi) if start < self._ends[n])

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any range shares a character with ``[start, end)``."""
        lo = bisect_right(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return any(start < self._ends[n] for n in range(lo, hi))

    def contains(self, start: int, end: int) -> bool:
        """Whether any range holds all of ``[start, end)``."""
        lo = bisect_left(self._starts, end - self._longest)
        hi = bisect_right(self._starts, start)
        return any(end <= self._ends[n] for n in range(lo, hi))
