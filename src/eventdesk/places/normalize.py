"""Name keys for gazetteer look-up: one spelling of a place, many ways of writing it.

News transliterates the same Arabic, Persian or Russian name in many ways (Miqdadiya, Al
Miqdadiyah, al-Muqdadiyah). Two keys are kept per name: :func:`key` only removes case, diacritics
and punctuation (what any two careful spellings share), :func:`fold` also drops leading articles,
final "h" after a vowel, doubled letters and a few common transliteration swaps. Look-up tries the
strict key first and the folded key second, so that folding widens recall without overriding an
exact spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[\u2018\u2019\u02bc\u02bb\u02be\u02bf'`´]")
_SEP = re.compile(r"[\s\-‐‑–—_/.,()]+")
_ARTICLES = ("al", "el", "ad", "an", "as", "ar", "at", "az", "ash", "ath", "adh", "the", "le", "la")
_SWAPS = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("q", "k"),
    ("c", "k"),
    ("j", "y"),
    ("w", "v"),
    ("e", "i"),
    ("o", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")
# Generic words naming what kind of region a name is; dropped to get the bare name.
ADMIN_WORDS = frozenset(
    [
        "governorate",
        "province",
        "region",
        "state",
        "oblast",
        "krai",
        "kray",
        "muhafazat",
        "mayorality",
        "of",
        "department",
        "prefecture",
        "district",
        "territory",
        "wilayah",
        "wilayat",
        "vilayeti",
        "ostan",
        "ostan-e",
        "velayat-e",
        "canton",
        "county",
        "parish",
        "municipality",
        "voivodeship",
        "autonomous",
        "republic",
        "emirate",
        "division",
        "estado",
        "provincia",
        "departamento",
        "rayon",
        "raion",
        "okrug",
        "city",
        "capital",
        "special",
        "administrative",
        "area",
        "federal",
    ]
)


@lru_cache(maxsize=1 << 16)
def key(name: str) -> str:
    """Lowercase, no diacritics or punctuation, single spaces: "Al-Başrah" -> "al basrah".

    Cached: recognition asks for the keys of the same few thousand words in every article.
    """
    if name.isascii():
        text = name  # nothing to decompose (most of English news)
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCT.sub("", text.lower())
    return _SEP.sub(" ", text).strip()


@lru_cache(maxsize=1 << 14)
def fold(name: str) -> str:
    """A looser key that merges common transliteration variants (see the module docstring)."""
    words = key(name).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("h") and w[-2] in "aeiou":
            w = w[:-1]
        for a, b in _SWAPS:
            w = w.replace(a, b)
        w = _DOUBLE.sub(r"\1", w)
        out.append(w)
    return "".join(out)


def strip_admin_words(name: str) -> str:
    """``"Basra Governorate"`` -> ``"Basra"``; the name itself when nothing is left."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    kept = [w for w in words if key(w) not in ADMIN_WORDS]
    return " ".join(kept) if kept else name.strip()


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin (possibly accented): usable as an English key."""
    return all(not (c.isalpha() and "LATIN" not in unicodedata.name(c, "")) for c in name)
