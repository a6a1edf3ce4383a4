"""dateparser as a narrow, checked fallback for spaCy DATE entities our grammar did not read.

Why narrow: dateparser reads durations as points ("three years" -> three years ago), "1918-19"
as 19 January 1918 and "82" as 1982, and costs about a millisecond a call (hundreds on some
inputs). So it only sees entities that name a month and hold a digit ("04:23 23rd Aug",
"the 15th of the month of May 2010"), its answer must agree with the month named, and without a
publication date the answer must not depend on the base date (we parse against two far-apart
bases and keep the result only if both agree). Results are cached per (text, anchor, tense).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from functools import lru_cache

from ..types import Precision
from .lexicon import MONTH_ABBR, MONTH_FULL, month_number
from .normalize import Tense

log = logging.getLogger(__name__)

_MONTH_WORD = re.compile(rf"\b(?:{MONTH_FULL}|{MONTH_ABBR})\b")
_DIGIT = re.compile(r"\d")
_PROBE_BASES = (datetime(2003, 3, 14), datetime(2011, 10, 2))


def eligible(text: str) -> bool:
    """Whether an entity is worth handing to dateparser at all."""
    return bool(_MONTH_WORD.search(text) and _DIGIT.search(text)) and len(text) <= 60


@lru_cache(maxsize=1)
def _parser_class() -> type:
    from dateparser.date import DateDataParser  # heavy: imported on first use only

    return DateDataParser


@lru_cache(maxsize=8192)
def _parse(text: str, base: datetime, prefer: str) -> tuple[str, Precision] | None:
    parser = _parser_class()(
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer},
    )
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    return d.date().isoformat(), "day"


def parse(text: str, anchor: date | None, tense: Tense | None) -> tuple[str, Precision] | None:
    """A checked dateparser reading of ``text``, or None."""
    if not eligible(text):
        return None
    prefer = {"past": "past", "future": "future"}.get(tense or "", "current_period")
    if anchor is not None:
        result = _parse(text, datetime(anchor.year, anchor.month, anchor.day), prefer)
    else:
        results = {_parse(text, base, prefer) for base in _PROBE_BASES}
        result = results.pop() if len(results) == 1 else None
    if result is None or result[1] == "year":
        return None  # a bare year inside such an entity is the grammar's business, not a guess
    named = {month_number(m.group(0)) for m in _MONTH_WORD.finditer(text)}
    if int(result[0][5:7]) not in named:
        log.debug("dateparser read %r as %s, which is not the month it names", text, result[0])
        return None
    return result
