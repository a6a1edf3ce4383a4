"""Datelines and page headers at the head of a line: "BAGHDAD (Reuters) -", and before it, a
wire site's page header "WASHINGTON | Wed Jun 16, 2010 9:13pm EDT".

Why here, in the NLP stage: a dateline is glued to the lead sentence, and the parser reads the
whole as one sentence, so the header's words can become the lead's subject (an event "by"
"WASHINGTON | Wed Jun 16"). The spaCy component in :mod:`eventdesk.nlp` starts a sentence where
the dateline ends, so the lead is parsed on its own; the summariser uses the same pattern to
strip datelines from what it quotes (:mod:`eventdesk.summarize.clean`). One pattern, so the two
agree on what a dateline is.
"""

from __future__ import annotations

import re

from ..time.lexicon import MONTH_ABBR, WEEKDAY_RE

__all__ = ["DATELINE", "dateline_end"]

# A month as datelines write it, short or full ("Jun", "Sept.", "January"): the date grammar's
# abbreviations, and May, which has none.
_MONTH = rf"(?:{MONTH_ABBR}|May)[a-z]*\.?"
# A weekday, short or full ("Wed", "Wednesday,"): the first three letters of the grammar's names.
_WEEKDAY = rf"(?:{'|'.join(d[:3] for d in WEEKDAY_RE.split('|'))})[a-z]*\.?,?"
# "BAGHDAD (Reuters) -", "NEW YORK, Jan 5 (AP) --", "LONDON, Jan 5 -", "(CNN) --",
# "WASHINGTON —", "Kabul, Afghanistan (AP) —". The place is upper case or followed by an agency in
# parentheses; a plain "Officials - " is not a dateline.
_AGENCY = r"\((?:[A-Z][\w.&' ]{0,30}|[A-Z]{2,}[\w.&' ]{0,20})\)"
_PLACE_CAPS = r"[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3}"
_PLACE_ANY = r"[A-Z][\w.'’]+(?:[ -][A-Z][\w.'’]+){0,3}"
_REGION = r"(?:,\s*[A-Z][\w.'’]+(?: [A-Z][\w.'’]+){0,2})?"
_DATEPART = rf"(?:,?\s*{_MONTH}\s+\d{{1,2}}(?:,?\s*\d{{4}})?)?"
_DASH = r"\s*(?:-{1,3}|–|—|:)\s+"
_LINE = (
    rf"{_PLACE_CAPS}{_REGION}{_DATEPART}\s*(?:{_AGENCY})?{_DASH}"  # LONDON, Jan 5 (AP) -
    rf"|{_PLACE_ANY}{_REGION}{_DATEPART}\s*{_AGENCY}{_DASH}"  # Kabul, Afghanistan (AP) -
    rf"|{_AGENCY}{_DASH}"  # (CNN) --
)
# A wire site's page header: the dateline's places, a bar, the day and the clock time
# ("MEXICO CITY/GENEVA | Sat Apr 25, 2009 7:32pm EDT"), then usually the dateline itself.
_HEADER = (
    rf"{_PLACE_CAPS}(?:\s*\\?/\s*{_PLACE_CAPS})*{_DATEPART}\s*\|\s*(?:{_WEEKDAY}\s+)?"
    rf"{_MONTH}\s+\d{{1,2}},?\s*\d{{4}},?\s*"
    rf"(?:\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,5}}\b)?)?\s*"
)
_BODY = rf"(?:{_HEADER}(?:{_LINE})?|{_LINE})"
DATELINE = re.compile(rf"^\s*{_BODY}")  # at the start of a string (a sentence)
_AT = re.compile(rf"[ \t]*{_BODY}")  # at a given offset (a line's start)


def dateline_end(text: str, pos: int = 0) -> int | None:
    """Where the news starts after a dateline (or page header) beginning at ``pos``, or None
    when none begins there, nothing follows it on its line, or what follows starts in lower
    case: a lead starts a sentence, while "NATO - the alliance of 30 nations - said" is an
    acronym and its apposition, not a dateline."""
    m = _AT.match(text, pos)
    if m is None:
        return None
    end = m.end()
    line_end = text.find("\n", end)
    rest = text[end:] if line_end < 0 else text[end:line_end]
    if not rest.strip() or rest.lstrip()[0].islower():
        return None
    return end
