"""Finding number phrases in text and reading their value, unit and qualifier.

Why a regular expression over the text rather than spaCy's CARDINAL/MONEY entities alone: the
entities miss qualifiers ("over"), split currency symbols inconsistently ("£", "20", "m") and
sometimes label a troop count as a DATE; a single pattern gives exact character offsets and one
reading of "5.2 million", "$1.5bn", "two dozen" or "tens of thousands". The parse is used
afterwards (:mod:`.extract`) only to find what the number counts and which numbers to skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import Bound

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "dozen": 12, "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9,
    "trillion": 1e12, "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9,
    "tn": 1e12,
}  # fmt: skip
# "hundreds of": a plural round number says "at least two of these"; the lower bound is what the
# wording guarantees, so the value is that bound and the figure is marked approximate too.
_VAGUE = {
    "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2e3, "millions": 2e6,
    "billions": 2e9, "tens of thousands": 2e4, "hundreds of thousands": 2e5,
    "tens of millions": 2e7, "hundreds of millions": 2e8,
}  # fmt: skip

CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "£": "GBP", "€": "EUR", "a$": "AUD", "c$": "CAD", "₹": "INR",
}  # fmt: skip
CURRENCY_CODES = (
    "USD", "GBP", "EUR", "IQD", "IRR", "SYP", "TRY", "RUB", "UAH", "CNY", "JPY", "INR", "SAR",
    "AED", "ILS", "EGP", "CAD", "AUD", "CHF",
)  # fmt: skip
# Currency words after the number; a bare "dinars"/"rials" names no one currency, so those are
# only read with the country adjective ("Iraqi dinars").
CURRENCY_WORDS = {
    "us dollars": "USD", "dollars": "USD", "pounds sterling": "GBP", "pounds": "GBP",
    "euros": "EUR", "iraqi dinars": "IQD", "iranian rials": "IRR", "syrian pounds": "SYP",
    "turkish lira": "TRY", "roubles": "RUB", "rubles": "RUB", "hryvnias": "UAH",
    "yuan": "CNY", "yen": "JPY", "rupees": "INR",
}  # fmt: skip

_scale_word = r"(?:dozen|hundred|thousand|million|billion|trillion)"
_word_num = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(list(_UNITS)[:9]) + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"|an?(?=\s+" + _scale_word + r"))"
)
_cur_words = "|".join(sorted((re.escape(w) for w in CURRENCY_WORDS), key=len, reverse=True))
_codes = "|".join(CURRENCY_CODES)

NUMBER_RE = re.compile(
    r"(?<![\w.,/\-$£€])"  # not inside a model number ("F-16"), a decimal or a range
    r"(?:(?P<sym>US\$|A\$|C\$|\$|£|€|₹)\s?|(?P<code_pre>(?-i:" + _codes + r"))\s?)?"
    r"(?:"
    r"(?P<vague>(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|scores|hundreds"
    r"|thousands|millions|billions)"
    r"|(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<short>bn|mn|mln|tn|[kmb])(?![\w])|(?:\s+|-)(?P<dscale>" + _scale_word + r"))?"
    r"|(?P<words>" + _word_num + r")(?:\s+(?P<wscale>" + _scale_word + r"))?"
    r")"
    r"(?:\s+(?P<scale2>thousand|million|billion))?"
    r"(?:\s*(?P<pct>%|percent\b|per\s+cent\b)"
    r"|\s+(?P<cur_word>" + _cur_words + r")\b|\s+(?P<code_post>(?-i:" + _codes + r"))\b)?"
    r"(?![\w]|[-/:]\d|\.\d)",
    re.IGNORECASE,
)

_QUALIFIERS: list[tuple[str, bool, Bound | None]] = [
    # (phrase, approximate, bound); longest phrases first so "just over" wins over "over"
    ("more or less", True, None),
    ("an estimated", True, None),
    ("in excess of", False, "lower"),
    ("no fewer than", False, "lower"),
    ("no less than", False, "lower"),
    ("no more than", False, "upper"),
    ("not more than", False, "upper"),
    ("a maximum of", False, "upper"),
    ("a minimum of", False, "lower"),
    ("as many as", False, "upper"),
    ("upwards of", False, "lower"),
    ("just under", True, "upper"),
    ("just over", True, "lower"),
    ("slightly more than", True, "lower"),
    ("slightly less than", True, "upper"),
    ("more than", False, "lower"),
    ("fewer than", False, "upper"),
    ("less than", False, "upper"),
    ("at least", False, "lower"),
    ("at most", False, "upper"),
    ("close to", True, None),
    ("up to", False, "upper"),
    ("approximately", True, None),
    ("estimated", True, None),
    ("roughly", True, None),
    ("around", True, None),
    ("nearly", True, "upper"),
    ("almost", True, "upper"),
    ("approx.", True, None),
    ("circa", True, None),
    ("about", True, None),
    ("some", True, None),
    ("over", False, "lower"),
    ("above", False, "lower"),
    ("under", False, "upper"),
    ("below", False, "upper"),
]
_QUAL_RE = re.compile(
    r"(?<![\w])(?P<q>" + "|".join(re.escape(q) for q, _, _ in _QUALIFIERS) + r")\s+(?:of\s+)?$",
    re.IGNORECASE,
)
_QUAL_INFO = {q: (a, b) for q, a, b in _QUALIFIERS}


@dataclass(slots=True, frozen=True)
class NumberMatch:
    """One number phrase: where it is, what it is worth and how it was qualified."""

    start: int  # of the qualifier when there is one, else of the number
    end: int
    num_start: int  # the number itself, without the qualifier
    value: float
    approximate: bool
    bound: Bound | None
    currency: str | None
    percent: bool
    vague: bool  # "hundreds", "tens of thousands"
    scaled: bool  # written with a scale word ("5.2 million", "$1.5bn")
    decimals: int  # digits after the decimal point as written


def _word_value(words: str) -> float | None:
    w = words.lower().replace("-", " ").split()
    if w in (["a"], ["an"]):
        return 1.0
    total = 0.0
    for part in w:
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return total


def _qualifier(text: str, start: int) -> tuple[int, bool, Bound | None]:
    """The qualifier words right before ``start``: (their start, approximate, bound)."""
    window_start = max(0, start - 30)
    m = _QUAL_RE.search(text, window_start, start)
    if m is None:
        return start, False, None
    approximate, bound = _QUAL_INFO[m.group("q").lower()]
    return m.start("q"), approximate, bound


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number phrase in ``text`` with its value, in text order.

    Bare "a"/"an"/"one" are numbers only with a scale word ("a dozen", "one million"): alone they
    are determiners or pronouns far more often than counts.
    """
    out: list[NumberMatch] = []
    for m in NUMBER_RE.finditer(text):
        g = m.groupdict()
        vague = False
        decimals = 0
        if g["vague"]:
            key = re.sub(r"\s+", " ", g["vague"].lower())
            value = float(_VAGUE[key])
            vague = True
            scale_words: list[str] = []
        elif g["digits"]:
            digits = g["digits"].replace(",", "")
            decimals = len(digits.partition(".")[2])
            value = float(digits)
            scale_words = [s for s in (g["short"], g["dscale"], g["scale2"]) if s]
        else:
            words = g["words"].lower()
            scale_words = [s for s in (g["wscale"], g["scale2"]) if s]
            if words in ("a", "an", "one") and not scale_words:
                continue
            if words in ("a", "an") and g["wscale"] is None:
                continue
            wv = _word_value(words)
            if wv is None:
                continue
            value = wv
        for s in scale_words:
            value *= _SCALES[s.lower()]
        currency = None
        if g["sym"]:
            currency = CURRENCY_SYMBOLS[g["sym"].lower()]
        elif g["code_pre"] or g["code_post"]:
            currency = (g["code_pre"] or g["code_post"]).upper()
        elif g["cur_word"]:
            currency = CURRENCY_WORDS[re.sub(r"\s+", " ", g["cur_word"].lower())]
        if g["short"] and g["short"].lower() in ("m", "b", "k") and currency is None:
            continue  # "20m" without a currency is more often metres or a label than millions
        qstart, approximate, bound = _qualifier(text, m.start())
        if vague:
            approximate, bound = True, "lower"
        out.append(
            NumberMatch(
                start=qstart,
                end=m.end(),
                num_start=m.start(),
                value=value,
                approximate=approximate,
                bound=bound,
                currency=currency,
                percent=bool(g["pct"]),
                vague=vague,
                scaled=bool(scale_words) and g["digits"] is not None,
                decimals=decimals,
            )
        )
    return out


def written_resolution(text: str) -> float:
    """Half a unit of the last written digit of a scaled number ("5.2 million" -> 50,000).

    Why: "5.2 million" is already a rounded figure, so 5,230,000 elsewhere does not contradict it;
    plain integers ("5,200") are taken at their word. Returns 0 when nothing is implied.
    """
    found = find_numbers(text)
    if not found or not found[0].scaled:
        return 0.0
    n = found[0]
    m = NUMBER_RE.search(text, n.num_start)
    if m is None:  # pragma: no cover - find_numbers matched the same pattern
        return 0.0
    scale = 1.0
    for s in (m.group("short"), m.group("dscale"), m.group("scale2")):
        if s:
            scale *= _SCALES[s.lower()]
    return 0.5 * (10.0**-n.decimals) * scale
