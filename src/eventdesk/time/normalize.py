"""Resolution: a parsed :class:`~eventdesk.time.grammar.Expr` to an absolute date and precision.

The conventions (documented once here, tested in tests/test_dates.py):

* **Anchor**: the article's publication day. Without one, only what the text itself fixes is
  resolved ("5 January 2020", "January 2020", "2019"); everything else gets ``value=None`` and a
  reason. Nothing is ever anchored on today's date.
* **Weekdays**: past tense or no cue: the most recent such day on or before the anchor; a
  weekday equal to the anchor's is the anchor itself (a Monday article's "on Monday" is that
  day). A present tense the parse read ("meets BP on Wednesday", "the meeting on Wednesday"
  in a present-tense clause): the same, unless the coming such day is at most
  :data:`SOON_DAYS` ahead and nearer (a Tuesday article's "Obama's meeting with
  BP on Wednesday" is the next day, not six days back). Future cue: the coming such day,
  again the anchor itself when equal. A "would" clause
  ("said he would meet them on Wednesday"): the nearer of the two (ties go to the past).
  "last Friday" is strictly before the anchor, "next Friday" strictly after it, "this Friday"
  the one in the anchor's week (Monday to Sunday).
* **Month and day without a year**: past tense: the latest occurrence on or before the anchor;
  future: the first on or after it; no cue: whichever is nearer (ties go to the past), which
  amounts to "the past, unless that is more than about six months back". 29 February looks
  back or forward to the nearest leap year.
* **Month without a year** ("in January"): the same rule on months (month precision); "last
  April" is the latest April strictly before the anchor's month, "next March" the first after it.
* **Periods** resolve to an interval of days; the value is the finest of day, month or year
  that holds the whole interval ("last week" in a 2020-01-15 article: 6-12 January, so
  ``2020-01``, month precision). An interval across a year boundary has no value (reason
  given) rather than an invented day. "this week" covers Monday to the anchor in a past-tense
  sentence, the anchor to Sunday in a future one, the whole week otherwise.
* **"N units ago"**: days and weeks to a day ("a week ago": anchor - 7; hedged "about two weeks
  ago" drops to month precision), months to a month, years to a year.
* **Narrative offsets** ("two days earlier", "the next day") count from the latest resolved
  date before them in the same paragraph, no finer than that date ("in March 1989 ... two months
  later" is 1989-05; "a year later" is 1990); with none, from the anchor at lower confidence.
* **Ranges** ("January 3-5", "1918-19"): the start, with the precision of the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..types import Precision
from .grammar import Expr

# "would": a clause in the conditional or the future of a past report ("said he would meet BP's
# executives on Wednesday"): either side of the anchor, so the nearer day wins.
# "present": the parse found the governing verb and it is neither past nor future (a present
# tense, or a date on a noun of a present-tense clause); elsewhere it counts as no cue.
Tense = Literal["past", "future", "would", "present"]
# In a present-tense clause, a weekday this few days ahead (and nearer than the last one) is
# the coming one.
SOON_DAYS = 2

NO_ANCHOR = "no publication date to anchor a relative date"
CROSSES_YEAR = "the period it names spans two years"


@dataclass(slots=True)
class Resolution:
    """What an expression resolved to, with why (when it did not) and how sure we are."""

    value: str | None
    precision: Precision | None
    relative: bool = False
    reason: str | None = None
    confidence: float = 1.0


def _day(d: date, relative: bool, confidence: float) -> Resolution:
    return Resolution(d.isoformat(), "day", relative, None, confidence)


def _month(index: int, relative: bool, confidence: float) -> Resolution:
    """A month given as ``year * 12 + (month - 1)``."""
    y, m = divmod(index, 12)
    return Resolution(f"{y:04d}-{m + 1:02d}", "month", relative, None, confidence)


def _year(y: int, relative: bool, confidence: float) -> Resolution:
    return Resolution(f"{y:04d}", "year", relative, None, confidence)


def interval(a: date, b: date, relative: bool = True, confidence: float = 0.8) -> Resolution:
    """The finest precision holding every day from ``a`` to ``b`` (see module docstring)."""
    if a == b:
        return _day(a, relative, confidence)
    if (a.year, a.month) == (b.year, b.month):
        return _month(a.year * 12 + a.month - 1, relative, confidence)
    if a.year == b.year:
        return _year(a.year, relative, confidence)
    return Resolution(None, None, relative, CROSSES_YEAR, confidence)


def _pick(anchor: int, past: int | None, future: int | None, tense: Tense | None) -> int:
    """Choose between the occurrence on/before and on/after ``anchor`` (all as ordinals).

    With no tense cue the nearer one wins and ties go to the past: news mostly reports what
    has happened.
    """
    if past is None or (future is not None and tense == "future"):
        assert future is not None
        return future
    if future is None or tense == "past":
        return past
    return past if anchor - past <= future - anchor else future


def month_day(anchor: date, month: int, day: int, tense: Tense | None) -> date:
    """The occurrence of ``month``/``day`` that the tense rule picks around ``anchor``."""
    occurrences = []
    for y in range(anchor.year - 4, anchor.year + 5):
        try:
            occurrences.append(date(y, month, day))
        except ValueError:
            continue  # 29 February in a common year
    past = max((d for d in occurrences if d <= anchor), default=None)
    future = min((d for d in occurrences if d >= anchor), default=None)
    chosen = _pick(
        anchor.toordinal(),
        past.toordinal() if past else None,
        future.toordinal() if future else None,
        tense,
    )
    return date.fromordinal(chosen)


def month_index(anchor: date, month: int, tense: Tense | None, rel: str | None) -> int:
    """``year * 12 + month - 1`` of the month named, chosen around the anchor's month."""
    a = anchor.year * 12 + anchor.month - 1
    past = a - ((a - (month - 1)) % 12)  # latest such month <= anchor's month
    future = a + (((month - 1) - a) % 12)  # first such month >= anchor's month
    if rel == "last":
        return past if past < a else past - 12
    if rel == "next":
        return future if future > a else future + 12
    if rel == "this":
        return anchor.year * 12 + month - 1
    return _pick(a, past, future, tense)


def weekday(anchor: date, wd: int, tense: Tense | None, rel: str | None) -> date:
    """The weekday ``wd`` (Monday 0) that the convention picks around ``anchor``."""
    back = (anchor.weekday() - wd) % 7
    fwd = (wd - anchor.weekday()) % 7
    if rel == "last":
        return anchor - timedelta(days=back or 7)
    if rel == "next":
        return anchor + timedelta(days=fwd or 7)
    if rel == "this":  # the one in the anchor's week, Monday to Sunday
        return anchor + timedelta(days=wd - anchor.weekday())
    if tense == "future" or (tense == "would" and 0 < fwd < back) or (
            tense == "present" and 0 < fwd <= SOON_DAYS and fwd < back):
        return anchor + timedelta(days=fwd)
    return anchor - timedelta(days=back)


def _week(anchor: date, shift: int, part: str | None, tense: Tense | None) -> tuple[date, date]:
    mon = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
    sun = mon + timedelta(days=6)
    if shift == 0 and part == "earlier":
        return mon, max(mon, anchor - timedelta(days=1))
    if shift == 0 and part == "later":
        return min(sun, anchor + timedelta(days=1)), sun
    if part in ("early", "earlier"):
        return mon, mon + timedelta(days=2)
    if part in ("late", "later"):
        return mon + timedelta(days=3), sun
    if shift == 0 and tense == "past":
        return mon, anchor
    if shift == 0 and tense == "future":
        return anchor, sun
    return mon, sun


def _weekend(anchor: date, shift: int, tense: Tense | None) -> tuple[date, date]:
    wd = anchor.weekday()
    if shift == 0:
        if tense == "future":
            sat = anchor + timedelta(days=(5 - wd) % 7) if wd != 6 else anchor - timedelta(days=1)
        else:
            sat = anchor - timedelta(days=(wd - 5) % 7)
    elif shift < 0:
        sat = anchor - timedelta(days=(wd - 5) % 7)
        if wd >= 5:  # on a weekend, "last weekend" is the one before
            sat -= timedelta(weeks=1)
    else:
        sat = anchor + timedelta(days=(5 - wd) % 7 or 7)  # the first Saturday after today
    return sat, sat + timedelta(days=1)


_SHIFT = {"last": -1, "next": 1, "this": 0, None: 0}


def evaluate(
    expr: Expr,
    anchor: date | None,
    tense: Tense | None = None,
    reference: tuple[str, Precision] | None = None,
) -> Resolution | None:
    """Resolve ``expr``; None for expressions that are not points in time (``skip``).

    ``reference`` is the latest resolved ``(value, precision)`` before ``expr`` in its
    paragraph, used by narrative offsets ("two days later").
    """
    kind = expr.kind
    if kind == "skip":
        return None
    if kind == "ambiguous":
        return Resolution(None, None, False, expr.reason, 0.0)
    if kind == "date" and expr.year is not None:
        assert expr.month is not None and expr.day is not None
        return _day(date(expr.year, expr.month, expr.day), False, 1.0)
    if kind == "month" and expr.year is not None:
        assert expr.month is not None
        return _month(expr.year * 12 + expr.month - 1, False, 1.0)
    if kind == "year":
        assert expr.year is not None
        return _year(expr.year, False, 1.0)
    if kind == "narrative":
        return _narrative(expr, anchor, reference)
    if anchor is None:
        return Resolution(None, None, True, NO_ANCHOR, 0.0)
    cue = 0.9 if tense is not None else 0.8
    if kind == "date":
        assert expr.month is not None and expr.day is not None
        return _day(month_day(anchor, expr.month, expr.day, tense), True, cue)
    if kind == "month":
        assert expr.month is not None
        conf = 0.9 if expr.rel is not None else cue
        return _month(month_index(anchor, expr.month, tense, expr.rel), True, conf)
    if kind == "weekday":
        assert expr.weekday is not None
        conf = 0.9 if expr.rel is not None else cue
        return _day(weekday(anchor, expr.weekday, tense, expr.rel), True, conf)
    if kind == "dayrel":
        return _day(anchor + timedelta(days=expr.n), True, 0.95)
    if kind == "period":
        shift = _SHIFT[expr.rel]
        if expr.unit == "week":
            return interval(*_week(anchor, shift, expr.part, tense))
        if expr.unit == "weekend":
            return interval(*_weekend(anchor, shift, tense))
        if expr.unit == "month":
            return _month(anchor.year * 12 + anchor.month - 1 + shift, True, 0.9)
        return _year(anchor.year + shift, True, 0.9)
    if kind == "ago":
        return _shifted(anchor, -expr.n, expr.unit, expr.approx, 0.9)
    raise AssertionError(f"unknown expression kind {kind!r}")  # pragma: no cover


def _shifted(base: date, n: int, unit: str | None, approx: bool, conf: float) -> Resolution:
    """``base`` moved by ``n`` units, at the precision the unit allows."""
    if unit == "day":
        return _day(base + timedelta(days=n), True, conf)
    if unit == "week":
        d = base + timedelta(weeks=n)
        if approx:
            return _month(d.year * 12 + d.month - 1, True, conf)
        return _day(d, True, conf)
    if unit == "month":
        return _month(base.year * 12 + base.month - 1 + n, True, conf)
    return _year(base.year + n, True, conf)


def _reference_interval(value: str, precision: Precision) -> tuple[date, date]:
    """The days a resolved value covers: one day, a calendar month or a calendar year."""
    if precision == "day":
        d = date.fromisoformat(value)
        return d, d
    if precision == "month":
        y, m = int(value[:4]), int(value[5:7])
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return date(y, m, 1), nxt - timedelta(days=1)
    y = int(value[:4])
    return date(y, 1, 1), date(y, 12, 31)


def _narrative(
    expr: Expr, anchor: date | None, reference: tuple[str, Precision] | None
) -> Resolution:
    """ "two days later": from the previous date in the paragraph, no finer than it (a day
    offset from a month covers that month shifted); from the anchor, less surely, when there
    is none."""
    if reference is None:
        if anchor is None:
            return Resolution(None, None, True, NO_ANCHOR, 0.0)
        return _shifted(anchor, expr.n, expr.unit, False, 0.5)
    value, precision = reference
    a, b = _reference_interval(value, precision)
    if expr.unit in ("day", "week"):
        days = timedelta(days=expr.n * (7 if expr.unit == "week" else 1))
        return interval(a + days, b + days, relative=True, confidence=0.8)
    if expr.unit == "month" and precision != "year":
        return _month(a.year * 12 + a.month - 1 + expr.n, True, 0.8)
    return _year(a.year + expr.n, True, 0.8)
