"""Recognition: the temporal expressions of a text as typed :class:`Expr` records, by regex.

Why our own patterns rather than spaCy's DATE entities alone: NER misses or mis-bounds the forms
news uses most ("Jan. 5", "mid-January", "two days earlier", "Sunday night"), tags durations,
ages and frequencies as DATE ("three years", "62-year-old", "annual"), and is unavailable to the
stateless commands. The grammar below parses each expression into its parts once, so the
resolver never re-reads text, and it is fast: a dozen compiled patterns over the article.

Span convention: a span covers the expression itself and its own modifiers ("last Sunday",
"mid-January", "earlier this year", "two days earlier", "a week ago", "the 15th of May"), never
the preposition that introduces it: "on Sunday" gives the span "Sunday", "in 2019" gives "2019".

Some forms are claimed only to be skipped (``kind == "skip"``): decades ("the 1990s"), vague or
bounded counts ("a few days ago", "more than a year ago"), named days that are not weekdays
("Black Friday"). Claiming them stops a shorter pattern from reading a false date out of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .lexicon import (
    MONTH_ABBR,
    MONTH_FULL,
    NUMBER_RE,
    WEEKDAY_RE,
    WEEKDAYS,
    month_number,
    number_value,
)


@dataclass(slots=True)
class Expr:
    """One recognised temporal expression, parsed into the parts the resolver needs.

    ``kind`` is one of: ``date`` (day of a month, year optional), ``month`` (year optional),
    ``year``, ``weekday``, ``dayrel`` (today/yesterday/...: ``n`` days from the anchor),
    ``period`` (this/last/next week|weekend|month|year: ``shift``), ``ago`` (``n`` ``unit`` ago),
    ``narrative`` (``n`` ``unit`` earlier/later than the previous date: signed ``n``),
    ``ambiguous`` (a numeric date whose day/month order is unknown) and ``skip``.
    ``weak`` marks a bare month or year that counts as a date only with context (a preposition
    before it, or a spaCy DATE entity over it).
    """

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    rel: str | None = None  # "last" | "next" | "this" | None
    unit: str | None = None  # day | week | weekend | month | year
    n: int = 0
    part: str | None = None  # early | mid | late | earlier | later
    approx: bool = False
    weak: bool = False
    reason: str | None = None


_MON = rf"(?P<mon>(?:{MONTH_FULL})(?![A-Za-z])|(?:{MONTH_ABBR})(?:\.|(?![A-Za-z])))"
_MON_FULL = rf"(?P<mon>(?:{MONTH_FULL})(?![A-Za-z]))"
_WD = rf"(?P<wd>{WEEKDAY_RE})\b"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = rf"(?P<day>[0-3]?\d){_ORD}(?!\d)(?!,\d{{3}})(?!\s*%)"
_DAY2 = rf"(?:\s*(?:-|–|through)\s*(?P<day2>[0-3]?\d){_ORD}(?![\d:.,]\d))?"
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)(?!\d|s\b|'s\b)"
_YEAR_L = rf"(?<![\w$£€.,/:#-]){_YEAR}"
_PART = (
    r"(?P<part>(?i:early|late|mid-|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of"
    r"|the\s+middle\s+of|end\s+of|beginning\s+of|start\s+of))"
)
_REL = r"(?P<rel>(?i:last|next|this|coming|past))"
_END = r"(?=\s*[,.;:)!?\n]|\s*$)"  # "two days before" only when nothing follows the phrase

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")),
    (
        "mdy",
        # ("late January 4": late on that day, not late in the month)
        re.compile(rf"(?:{_WD}\s*,?\s+(?:the\s+)?)?(?:(?i:early|late)\s+)?{_MON}\s+{_DAY}{_DAY2}"
                   rf"(?:\s*,?\s*{_YEAR})?"),
    ),
    (
        "dmy",
        re.compile(
            rf"(?:{_WD}\s*,?\s+)?(?:the\s+)?(?<![\d.,:/]){_DAY}"
            rf"(?:\s*(?:-|–)\s*(?P<day2>[0-3]?\d){_ORD})?\s+(?:of\s+)?{_MON}(?:\s*,?\s*{_YEAR})?"
        ),
    ),
    ("my", re.compile(rf"(?:{_PART}\s*)?{_MON}(?:\s+of)?\s*,?\s+{_YEAR}")),
    ("month", re.compile(rf"(?:{_REL}\s+)?(?:{_PART}\s*)?{_MON_FULL}")),
    (
        "year",
        re.compile(
            rf"(?:{_PART}\s*)?{_YEAR_L}(?:\s*(?:-|–|/)\s*(?P<y2>\d{{2}}|\d{{4}})(?!\d))?"
            r"(?!\s*(?:%|percent))"
        ),
    ),
    (
        "year_range",
        re.compile(
            rf"(?i:between|from)\s+{_YEAR}\s+(?i:and|to|until|through)\s+(?:1[6-9]|20)\d\d(?!\d)"
        ),
    ),
    ("decade", re.compile(r"(?i:(?:the\s+)?(?:early\s+|late\s+|mid-?)?)(?:1[6-9]|20)\d0'?s\b")),
    (
        "named_day",
        re.compile(
            rf"(?:Good|Black|Ash|Holy|Super|Cyber|Bloody|Maundy)\s+(?:{WEEKDAY_RE})\b"
            r"|(?:Sunday|Monday)\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Tribune|Mail)\b"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"(?:{_REL}\s+)?(?:(?P<part>(?i:early|late))\s+)?{_WD}"
            r"(?:\s+(?:morning|afternoon|evening|night))?"
        ),
    ),
    (
        "dayrel",
        re.compile(
            r"(?:(?P<part>(?i:earlier|later|early|late))\s+)?"
            r"(?P<word>(?i:today|tonight|yesterday|tomorrow|this\s+morning|this\s+afternoon"
            r"|this\s+evening|last\s+night))\b(?:\s+(?:morning|afternoon|evening|night)\b)?"
        ),
    ),
    (
        "period",
        re.compile(
            r"(?<!the\s)(?<!The\s)(?:(?P<part>(?i:earlier|later|early|late))\s+(?:in\s+)?)?"
            r"(?P<rel>(?i:this|last|next))\s+(?P<unit>(?i:week|weekend|month|year))\b"
        ),
    ),
    (
        "period_in",
        re.compile(r"(?P<part>(?i:earlier|later))\s+in\s+the\s+(?P<unit>(?i:week|month|year))\b"),
    ),
    (
        "the_weekend",
        re.compile(r"(?:(?<=\b[Oo]ver\s)|(?<=\b[Aa]t\s)|(?<=\b[Dd]uring\s))the\s+weekend\b"),
    ),
    (
        "vague",
        re.compile(
            r"(?i:(?:more|less|fewer)\s+than\s+(?:" + NUMBER_RE + r")\s+\w+\s+ago"
            r"|(?:a\s+few|several|many|a\s+number\s+of|some|(?:" + NUMBER_RE + r"))\s+"
            r"(?:decades|centuries|generations)\s+ago|(?:a\s+few|several|many)\s+"
            r"(?:days|weeks|months|years)\s+ago|(?:decades|years|months|weeks|days)\s+ago)\b"
        ),
    ),
    (
        "ago",
        re.compile(
            r"(?:(?P<hedge>(?i:about|around|some|nearly|almost|roughly|just|only|barely))\s+)?"
            r"(?P<n>(?i:" + NUMBER_RE + r"))\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+"
            r"(?i:ago)\b"
        ),
    ),
    (
        "narrative",
        re.compile(
            r"(?P<n>(?i:" + NUMBER_RE + r"))\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+"
            r"(?P<dir>(?i:earlier|later|previously|(?:before|after)" + _END + r"))"
        ),
    ),
    (
        "narrative_day",
        re.compile(
            r"(?P<word>(?i:the\s+(?:next|following|previous|preceding)\s+(?:day|morning|evening)"
            r"|the\s+day\s+(?:before|after)" + _END + r"|(?:that|the)\s+same\s+day))\b"
        ),
    ),
    (
        "numeric",
        re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])"),
    ),
    (
        "holiday",
        re.compile(
            rf"(?P<h>Christmas\s+Day|Christmas\s+Eve|New\s+Year['’]s\s+Day|New\s+Year['’]s\s+Eve)"
            rf"(?:\s*,?\s*{_YEAR})?"
        ),
    ),
]

_HOLIDAYS = {"christmas day": (12, 25), "christmas eve": (12, 24)}
_PART_NORMAL = {"mid-": "mid", "mid": "mid", "early": "early", "late": "late"}
_UNIT = {"days": "day", "weeks": "week", "months": "month", "years": "year"}


def _valid(year: int | None, month: int, day: int) -> bool:
    """Whether day/month exist (29 February only where a given year is a leap year)."""
    try:
        date(year if year is not None else 2000, month, day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


def _part(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = " ".join(raw.lower().split())
    if key in _PART_NORMAL:
        return _PART_NORMAL[key]
    if "end" in key:
        return "late"
    if "middle" in key:
        return "mid"
    return "early"  # beginning of / start of


def _rel(raw: str | None) -> str | None:
    if raw is None:
        return None
    r = raw.lower()
    return {"coming": "next", "past": "last"}.get(r, r)


def _build(name: str, m: re.Match[str]) -> Expr | None:
    """Turn one regex match into an :class:`Expr`, or None where the numbers are impossible."""
    s, e = m.span()
    g = m.groupdict()
    if name == "iso":
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        return Expr(s, e, "date", year=y, month=mo, day=d) if _valid(y, mo, d) else None
    if name in ("mdy", "dmy"):
        mo, d = month_number(g["mon"]), int(g["day"])
        y = int(g["year"]) if g.get("year") else None
        if not _valid(y, mo, d):
            return None
        wd = WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
        return Expr(s, e, "date", year=y, month=mo, day=d, weekday=wd)
    if name == "my":
        return Expr(s, e, "month", year=int(g["year"]), month=month_number(g["mon"]),
                    part=_part(g["part"]))  # fmt: skip
    if name == "month":
        rel, part = _rel(g["rel"]), _part(g["part"])
        weak = rel is None and part is None
        return Expr(s, e, "month", month=month_number(g["mon"]), rel=rel, part=part, weak=weak)
    if name == "year_range":
        return Expr(s, e, "year", year=int(g["year"]))
    if name == "year":
        part = _part(g["part"])
        return Expr(s, e, "year", year=int(g["year"]), part=part, weak=part is None)
    if name in ("decade", "named_day", "vague"):
        reason = {
            "decade": "a decade is not a point in time",
            "named_day": "a named day, not a weekday",
            "vague": "a vague or bounded distance in time",
        }[name]
        return Expr(s, e, "skip", reason=reason)
    if name == "weekday":
        return Expr(s, e, "weekday", weekday=WEEKDAYS[g["wd"].lower()], rel=_rel(g["rel"]))
    if name == "dayrel":
        word = " ".join(g["word"].lower().split())
        n = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        return Expr(s, e, "dayrel", n=n)
    if name == "period":
        return Expr(s, e, "period", unit=g["unit"].lower(), rel=_rel(g["rel"]),
                    part=(g["part"] or "").lower() or None)  # fmt: skip
    if name == "period_in":
        return Expr(s, e, "period", unit=g["unit"].lower(), rel="this", part=g["part"].lower())
    if name == "the_weekend":
        return Expr(s, e, "period", unit="weekend", rel="this")
    if name == "ago":
        unit = g["unit"].lower()
        return Expr(s, e, "ago", n=number_value(g["n"]), unit=_UNIT.get(unit, unit),
                    approx=g["hedge"] is not None)  # fmt: skip
    if name == "narrative":
        unit = g["unit"].lower()
        sign = -1 if g["dir"].lower() in ("earlier", "before", "previously") else 1
        return Expr(s, e, "narrative", n=sign * number_value(g["n"]), unit=_UNIT.get(unit, unit))
    if name == "narrative_day":
        word = g["word"].lower()
        n = 0 if "same" in word else (-1 if ("previous" in word or "preceding" in word
                                              or "before" in word) else 1)  # fmt: skip
        return Expr(s, e, "narrative", n=n, unit="day")
    if name == "numeric":
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        options = {(mo, d) for mo, d in ((a, b), (b, a)) if mo <= 12 and _valid(y, mo, d)}
        if len(options) == 1:
            mo, d = options.pop()
            return Expr(s, e, "date", year=y, month=mo, day=d)
        if not options:
            return None
        return Expr(s, e, "ambiguous", reason="numeric date with unknown day/month order")
    if name == "holiday":
        key = " ".join(g["h"].lower().replace("’", "'").split())
        mo, d = _HOLIDAYS.get(key, (1, 1) if key.endswith("day") else (12, 31))
        y = int(g["year"]) if g.get("year") else None
        return Expr(s, e, "date", year=y, month=mo, day=d)
    raise AssertionError(f"pattern {name} has no builder")  # pragma: no cover


# Speed: each pattern above costs about a millisecond per kilobyte when run over a whole text,
# mostly trying its optional prefixes at every position. One pass of this trigger pattern finds
# the words every match must contain; each pattern then runs only in windows around its own
# triggers (a match starts at most _BEFORE characters ahead of its trigger word).
_CASED_TRIGGERS = re.compile(
    r"(?P<num>[0-9]{4}|[0-9]/[0-9])"
    rf"|(?<![A-Za-z])(?:(?P<mon>{MONTH_FULL}|{MONTH_ABBR})"
    r"|(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?P<hol>Christmas|New\s+Year))"
)
# Run on the lower-cased text: much faster than case-insensitive groups.
_LOWER_TRIGGERS = re.compile(
    r"(?<![a-z])(?:(?P<rel>today|tonight|yesterday|tomorrow|morning|afternoon|evening|night)"
    r"|(?P<per>week|month|year)|(?P<ago>ago)|(?P<narr>earlier|later|before|after|previously)"
    r"|(?P<day>day))"
)
_TRIGGERED_BY: dict[str, tuple[str, ...]] = {
    "num": ("iso", "numeric", "year", "year_range", "decade"),
    "mon": ("mdy", "dmy", "my", "month"),
    "wd": ("weekday", "named_day"),
    "rel": ("dayrel", "narrative_day"),
    "per": ("period", "period_in", "the_weekend"),
    "ago": ("vague", "ago"),
    "narr": ("narrative", "narrative_day"),
    "day": ("narrative_day",),
    "hol": ("holiday",),
}
_BEFORE, _AFTER, _SLACK = 45, 5, 80
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """Per pattern name, merged ``[start, end)`` ranges where one of its matches may start."""
    out: dict[str, list[tuple[int, int]]] = {}
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two ("İ"): keep offsets
        lowered = text.translate(_ASCII_LOWER)
    triggers = list(_CASED_TRIGGERS.finditer(text)) + list(_LOWER_TRIGGERS.finditer(lowered))
    triggers.sort(key=lambda m: m.start())
    for m in triggers:
        lo, hi = max(0, m.start() - _BEFORE), m.end() + _AFTER
        for name in _TRIGGERED_BY[m.lastgroup or ""]:
            spans = out.setdefault(name, [])
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
            else:
                spans.append((lo, hi))
    return out


def scan(text: str) -> list[Expr]:
    """Every expression in ``text``, non-overlapping, longest match first, in text order."""
    found: list[Expr] = []
    windows = _windows(text)
    n = len(text)
    for name, pattern in _PATTERNS:
        for lo, hi in windows.get(name, ()):
            pos = lo
            while pos <= hi:
                m = pattern.search(text, pos, min(n, hi + _SLACK))
                if m is None or m.start() > hi:
                    break
                pos = m.end() if m.end() > m.start() else m.start() + 1
                if m.end() == m.start():
                    continue
                expr = _build(name, m)
                if expr is not None:
                    found.append(expr)
    found.sort(key=lambda x: (x.start - x.end, x.start))
    taken: list[Expr] = []
    for cand in found:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    taken.sort(key=lambda x: x.start)
    return taken


_LEAD = re.compile(
    r"^(?:(?:on|in|at|since|by|during|from|until|till|of|for|as\s+of|before|after)\s+)+",
    re.IGNORECASE,
)


def parse(expression: str) -> Expr | None:
    """The single expression that makes up all of ``expression`` (a leading preposition aside).

    Used by :func:`eventdesk.time.resolve`: the caller says this text is a date, so the
    context requirement on bare months and years does not apply.
    """
    text = expression.strip()
    text = text[_LEAD.match(text).end() if _LEAD.match(text) else 0 :]
    text = text.rstrip(" .,;:")
    if not text:
        return None
    exprs = scan(text)
    if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end >= len(text.rstrip(".")):
        return exprs[0]
    return None
