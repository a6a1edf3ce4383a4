"""Words the date grammar knows: month and weekday names, small number words, cue words.

Kept apart from the patterns so that the grammar reads as structure and this file as vocabulary.
Month and weekday names are matched capitalised only (news style): lower-case "may", "march" and
"august" are ordinary words.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1,
    "february": 2, "feb": 2,
    "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5,
    "june": 6, "jun": 6,
    "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2,
}  # fmt: skip

# Regex alternations built from the tables (longest first so "Sept" wins over "Sep").
MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_ABBR = "Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
WEEKDAY_RE = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
NUMBER_RE = (
    r"\d{1,3}|a\s+couple\s+of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
)

# Verbs whose infinitive complement lies in the future ("is expected to sign on Friday").
FUTURE_GOVERNORS = frozenset(
    {"expect", "plan", "schedule", "set", "due", "intend", "aim", "prepare", "go", "poise"}
)
FUTURE_MODALS = frozenset({"will", "'ll", "shall", "wo", "ll"})

# Words before a bare month or year that make it a date rather than a name or a count.
MONTH_CONTEXT = (
    r"(?:in|since|until|till|by|during|from|through|before|after|between|and|or|of|to|"
    r"early|late|mid|last|next|this|around|throughout)"
)
YEAR_CONTEXT = r"(?:in|since|until|till|during|before|after|between|early|late|mid|fiscal)"


def number_value(word: str) -> int:
    """The integer a number word or digit string stands for ("a couple of" is 2)."""
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    return NUMBER_WORDS[w]


def month_number(name: str) -> int:
    """1-12 for a month name or abbreviation, with or without a trailing period."""
    return MONTHS[name.rstrip(".").lower()]
