"""Interval queries answer exactly what a scan of every range would."""

import random

from eventdesk.intervals import Intervals


def _brute(ranges: list[tuple[int, int]], start: int, end: int) -> tuple[list[int], bool]:
    over = [k for k, (s, e) in enumerate(ranges) if s < end and start < e]
    inside = any(s <= start and end <= e for s, e in ranges)
    return over, inside


def test_queries_match_a_full_scan_on_random_ranges() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ranges = []
        for _ in range(rng.randint(0, 30)):
            s = rng.randint(0, 200)
            ranges.append((s, s + rng.choice([0, 1, 2, 5, 9, 40])))
        idx = Intervals(ranges)
        assert len(idx) == len(ranges)
        for _ in range(20):
            a = rng.randint(0, 220)
            b = a + rng.randint(0, 15)
            over, inside = _brute(ranges, a, b)
            assert idx.overlapping(a, b) == over
            assert idx.overlaps(a, b) == bool(over)
            assert idx.contains(a, b) == inside
        for k, r in enumerate(ranges):
            assert idx[k] == r


def test_empty_index_answers_nothing() -> None:
    idx = Intervals([])
    assert idx.overlapping(0, 10) == [] and not idx.overlaps(0, 10) and not idx.contains(3, 4)
