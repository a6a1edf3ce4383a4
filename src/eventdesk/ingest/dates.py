"""Publication dates: any common written form to ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``.

Why strict: the publication date anchors every relative date in the article ("yesterday",
"last Tuesday"), so a wrong one silently shifts every event. A value is returned only when the
input fixes the day; a missing time gives a date without time, never midnight; a missing day is
an error, never the first of the month (or today's day, which is what plain ``dateutil`` would
fill in). Times are kept as the publisher wrote them (wall-clock time, offset dropped): the
publisher's local day is the one "yesterday" counts from.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

MIN_YEAR, MAX_YEAR = 1800, 2200

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}

# ISO 8601 / RFC 3339, date with optional time (fraction and offset allowed, then dropped).
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
# Reuters/SGML style "26-FEB-1987 15:01:01.79", often followed by wire-service junk.
_DMY_ABBR = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
)
# Languages dateparser tries for month names. Its default (all ~200 locales) costs about five
# seconds of loading on the first unreadable date; these cover most of the world's news.
DATE_LANGUAGES = (
    "en", "fr", "es", "de", "pt", "it", "nl", "ru", "uk", "pl", "tr", "ar", "fa", "he", "hi",
    "id", "sw", "zh", "ja", "ko",
)  # fmt: skip

_FOLDER_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DateParseError(ValueError):
    """The value does not name a day; the message says why."""


def _valid(y: int, mo: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _fmt(day: date, hh: str | None, mm: str | None, ss: str | None) -> str:
    """The day, with the time when the time is present and valid (else the day alone)."""
    if hh is not None and mm is not None:
        h, m, s = int(hh), int(mm), int(ss or 0)
        if h < 24 and m < 60 and s < 60:
            return f"{day.isoformat()}T{h:02d}:{m:02d}:{s:02d}"
    return day.isoformat()


def _with_dateutil(value: str) -> str | None:
    """dateutil, run with two different defaults: a field that differs was not in the input."""
    from dateutil import parser

    d1 = datetime(2001, 1, 1, 1, 1, 1)
    d2 = datetime(2002, 2, 2, 2, 2, 2)
    try:
        a = parser.parse(value, default=d1)
        b = parser.parse(value, default=d2)
    except (ValueError, OverflowError, TypeError):
        return None
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        raise DateParseError(f"{value!r} does not give a full day (year, month and day)")
    day = _valid(a.year, a.month, a.day)
    if day is None:
        return None
    if (a.hour, a.minute) == (b.hour, b.minute):
        return _fmt(day, str(a.hour), str(a.minute), str(a.second if a.second == b.second else 0))
    return day.isoformat()


def _with_dateparser(value: str) -> str | None:
    """dateparser for other languages' month names; relative forms ("2 days ago") are refused."""
    import dateparser

    settings = {
        "PARSERS": ["custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(
            value,
            languages=list(DATE_LANGUAGES),
            settings=settings,  # type: ignore[arg-type]
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    day = _valid(parsed.year, parsed.month, parsed.day)
    if day is None:
        return None
    # dateparser fills a missing time with 00:00; a stated midnight is rare enough to drop.
    if (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
        return day.isoformat()
    return _fmt(day, str(parsed.hour), str(parsed.minute), str(parsed.second))


def normalise_published(value: str) -> str:
    """``value`` as ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``; raises :class:`DateParseError`.

    Handles ISO 8601 (with fraction and offset), RFC 822 feed dates, the Reuters form
    ``26-FEB-1987 15:01:01.79`` (trailing junk ignored; an impossible time keeps the day), and
    the written forms dateutil/dateparser read ("March 5, 2024", "5 mars 2024").
    """
    text = value.strip()
    if not text:
        raise DateParseError("the date is empty")
    m = _ISO.match(text)
    if m:
        day = _valid(int(m[1]), int(m[2]), int(m[3]))
        if day is None:
            raise DateParseError(f"{value!r} is not a real calendar day")
        return _fmt(day, m[4], m[5], m[6])
    m = _DMY_ABBR.match(text)
    if m and m[2].lower() in _MONTHS:
        day = _valid(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if day is None:
            raise DateParseError(f"{value!r} is not a real calendar day")
        return _fmt(day, m[4], m[5], m[6])
    if len(text) > 100:
        raise DateParseError("the date is too long to be a date")
    out = _with_dateutil(text)
    if out is None:
        out = _with_dateparser(text)
    if out is None:
        raise DateParseError(f"{value!r} is not a date eventdesk can read")
    return out


def folder_date(path: Path, root: Path | None = None) -> str | None:
    """The day named by the nearest folder called ``YYYY-MM-DD`` holding ``path`` (archive layout).

    Only folders that are part of the input count: those from the file up to ``root`` (the
    folder the user gave, itself included), or only the file's own folder when the file was
    given directly. A date-named folder far above the input (``/runs/2024-05-01/...``) says
    nothing about when the articles in it were published.
    """
    path = path.absolute()
    stop = root.absolute() if root is not None else path.parent
    for parent in path.parents:
        m = _FOLDER_DATE.fullmatch(parent.name)
        if m:
            day = _valid(int(m[1]), int(m[2]), int(m[3]))
            if day is not None:
                return day.isoformat()
        if parent == stop:
            break
    return None
