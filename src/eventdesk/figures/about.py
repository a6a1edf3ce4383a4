"""Normalising what a figure counts, so that figures from different articles can be compared.

"US troops in Iraq", "American troops stationed in Iraq" and "U.S. forces in Iraq" count the same
thing. :func:`about_key` reduces such a phrase to ``owner modifiers noun [events] [in places]``:
countries (names, demonyms, abbreviations) become ISO 3166-1 alpha-3 codes, the counted noun is
lemmatised and the military nouns (troops, forces, soldiers, personnel, ...) share one name, words
that only describe where within a place ("bases", "the country") are dropped, and capitalised places
that are not countries ("Baghdad") are kept lower-cased.

Countries come from pycountry's names plus a small table of demonyms and common short forms below
(facts, written here). Where the entities stage (``eventdesk.entities``) is installed, its actor
dictionary is asked about capitalised words this table does not know.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    """A word list written as words (easier to read and extend than a list of quoted strings)."""
    return frozenset(text.split())


# Short forms and demonyms -> ISO-3. pycountry supplies the formal and common country names.
_ALIASES: dict[str, str] = {
    "us": "USA", "u.s.": "USA", "u.s": "USA", "usa": "USA", "u.s.a.": "USA", "america": "USA",
    "united states": "USA", "american": "USA", "americans": "USA",
    "uk": "GBR", "u.k.": "GBR", "britain": "GBR", "great britain": "GBR", "british": "GBR",
    "united kingdom": "GBR", "england": "GBR", "english": "GBR", "scotland": "GBR",
    "iraqi": "IRQ", "iraqis": "IRQ", "iranian": "IRN", "iranians": "IRN", "iran": "IRN",
    "syrian": "SYR", "syrians": "SYR", "syria": "SYR", "turkish": "TUR", "turkey": "TUR",
    "türkiye": "TUR", "russian": "RUS", "russians": "RUS", "russia": "RUS", "chinese": "CHN",
    "china": "CHN", "french": "FRA", "german": "DEU", "germans": "DEU", "italian": "ITA",
    "italians": "ITA", "spanish": "ESP", "canadian": "CAN", "canadians": "CAN",
    "australian": "AUS", "australians": "AUS", "israeli": "ISR", "israelis": "ISR",
    "palestinian": "PSE", "palestinians": "PSE", "palestine": "PSE", "saudi": "SAU",
    "saudis": "SAU", "egyptian": "EGY", "jordanian": "JOR", "lebanese": "LBN", "yemeni": "YEM",
    "yemenis": "YEM", "afghan": "AFG", "afghans": "AFG", "pakistani": "PAK", "indian": "IND",
    "ukrainian": "UKR", "ukrainians": "UKR", "japanese": "JPN", "dutch": "NLD", "belgian": "BEL",
    "polish": "POL", "danish": "DNK", "norwegian": "NOR", "swedish": "SWE", "finnish": "FIN",
    "greek": "GRC", "qatari": "QAT", "emirati": "ARE", "uae": "ARE", "kuwaiti": "KWT",
    "bahraini": "BHR", "omani": "OMN", "libyan": "LBY", "tunisian": "TUN", "algerian": "DZA",
    "moroccan": "MAR", "sudanese": "SDN", "ethiopian": "ETH", "somali": "SOM", "kenyan": "KEN",
    "nigerian": "NGA", "malian": "MLI", "mexican": "MEX", "brazilian": "BRA",
    "colombian": "COL", "venezuelan": "VEN", "cuban": "CUB", "hungarian": "HUN",
    "romanian": "ROU", "czech": "CZE", "austrian": "AUT", "swiss": "CHE", "portuguese": "PRT",
    "irish": "IRL", "armenian": "ARM", "azerbaijani": "AZE", "georgian": "GEO",
    "belarusian": "BLR", "serbian": "SRB", "croatian": "HRV", "bosnian": "BIH",
    "albanian": "ALB", "estonian": "EST", "latvian": "LVA", "lithuanian": "LTU",
    "bangladeshi": "BGD", "nepali": "NPL", "burmese": "MMR", "thai": "THA", "vietnamese": "VNM",
    "filipino": "PHL", "indonesian": "IDN", "malaysian": "MYS", "taiwanese": "TWN",
    "north korean": "PRK", "north korea": "PRK", "south korean": "KOR", "south korea": "KOR",
    "south african": "ZAF", "ugandan": "UGA", "rwandan": "RWA", "chadian": "TCD",
    "cameroonian": "CMR", "eritrean": "ERI", "chilean": "CHL", "peruvian": "PER",
    "argentine": "ARG", "argentinian": "ARG", "bolivian": "BOL", "haitian": "HTI",
    "new zealand": "NZL", "sri lankan": "LKA", "kazakh": "KAZ", "uzbek": "UZB",
}  # fmt: skip

# Nouns that count people in uniform; "British personnel" and "British troops" count the same.
MILITARY_NOUNS = _words(
    "troop troops force forces soldier soldiers personnel servicemen servicewomen serviceman "
    "marine marines sailor sailors airman airmen paratrooper paratroopers peacekeeper "
    "peacekeepers commando commandos service-members servicemembers"
)
PEOPLE_NOUNS = _words(
    "people person persons individual individuals civilian civilians resident residents refugee "
    "refugees protester protesters protestor protestors demonstrator demonstrators militant "
    "militants fighter fighters insurgent insurgents rebel rebels child children woman women "
    "man men student students worker workers migrant migrants prisoner prisoners detainee "
    "detainees hostage hostages victim victims casualties official officials employee employees "
    "staff police policemen officer officers member members peshmerga volunteers volunteer "
    "trainers trainer advisers advisors adviser advisor contractors contractor families voters "
    "voter"
)
_IRREGULAR = {
    "people": "people", "personnel": "personnel", "men": "man", "women": "woman",
    "children": "child", "police": "police", "staff": "staff", "policemen": "policeman",
    "airmen": "airman", "servicemen": "serviceman", "peshmerga": "peshmerga",
    "casualties": "casualty", "series": "series", "news": "news",
}  # fmt: skip
_STOP = _words(
    "the a an of and or its their his her our this that these those some all any other own such "
    "additional more further extra another total estimated currently now still also"
)
_PREPS = _words(
    "in across at inside throughout near on from to into within around outside over under along "
    "among between for of with"
)
# Participles that say where people are, not what happened to them.
_PLACE_VERBS = _words(
    "stationed based deployed housed positioned assigned located serving sent garrisoned hosted "
    "posted present"
)
# Participles of what happened to the counted people: kept, "people killed" != "people injured".
CASUALTY_PARTICIPLES = {
    "kill": "killed", "die": "died", "injure": "injured", "wound": "wounded", "hurt": "hurt",
    "arrest": "arrested", "detain": "detained", "abduct": "abducted", "kidnap": "kidnapped",
    "capture": "captured", "execute": "executed", "displace": "displaced", "evacuate": "evacuated",
    "rescue": "rescued", "release": "released", "free": "freed", "shoot": "shot",
    "behead": "beheaded", "missing": "missing", "train": "trained",
    "flee": "fled", "dead": "dead",
}  # fmt: skip
_EVENT_WORDS = frozenset(CASUALTY_PARTICIPLES.values())
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z.'’\-]*[A-Za-z.]|[A-Za-z]|\d[\d,.]*")


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    """Lower-cased country names and aliases -> ISO-3 (pycountry's names plus :data:`_ALIASES`)."""
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name:
                table.setdefault(name.lower(), c.alpha_3)
                # "Iran, Islamic Republic of" is written "Iran" in the news
                head = name.split(",")[0].strip().lower()
                if head and head not in ("korea", "congo", "virgin islands"):
                    table.setdefault(head, c.alpha_3)
    table.update(_ALIASES)
    return table


@lru_cache(maxsize=1)
def _actor_lookup() -> Any:
    """The entities stage's actor dictionary ``lookup`` when that stage can be imported, else None.

    Why optional: the figures stage must not fail for want of another stage; without it, only
    countries the built-in table knows are normalised and other names are kept as written (a
    warning says so once).
    """
    import importlib.util

    if importlib.util.find_spec("eventdesk.entities") is None:
        return None
    try:
        from ..entities.dictionary import actor_dictionary
    except ImportError as exc:
        log.warning(
            "actor dictionary unavailable (%s); figures use the built-in country table", exc
        )
        return None
    return actor_dictionary().lookup


@lru_cache(maxsize=4096)
def country_code(phrase: str) -> str | None:
    """ISO-3 of a country name, demonym or abbreviation ("U.S.", "British"), or None."""
    key = phrase.strip().lower()
    code = _country_table().get(key)
    if code is None and key.endswith("'s"):
        code = _country_table().get(key[:-2])
    if code is None and phrase[:1].isupper() and " " not in phrase.strip():
        lookup = _actor_lookup()
        if lookup is not None:
            info = lookup(phrase)
            # only a name that *is* a country, not an actor or city that belongs to one
            if info is not None and info.kind == "country" and info.country and not info.sector:
                code = info.country
    return code


def lemma(word: str) -> str:
    """A plain English singular ("troops" -> "troop", "casualties" -> "casualty")."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def noun_class(word: str) -> str:
    """The name a counted noun is grouped under: military nouns share "military personnel"."""
    w = word.lower()
    if w in MILITARY_NOUNS:
        return "military personnel"
    return lemma(w)


def unit_for_noun(word: str) -> str:
    """The unit a count of ``word`` carries: "troops", "people" or the noun's own lemma."""
    w = word.lower()
    if w in MILITARY_NOUNS:
        return "troops"
    if w in PEOPLE_NOUNS:
        return "people"
    return lemma(w)


@dataclass(slots=True, frozen=True)
class AboutParts:
    """``about`` taken apart: who owns the counted things, what they are, what happened, where."""

    owner: tuple[str, ...]
    modifiers: tuple[str, ...]
    noun: str
    events: tuple[str, ...]
    places: tuple[str, ...]

    def key(self, *, with_places: bool = True) -> str:
        words = [*self.owner, *self.modifiers, self.noun, *self.events]
        text = " ".join(w for w in words if w)
        if with_places and self.places:
            text += " in " + ",".join(self.places)
        return text


def _words_with_countries(about: str) -> list[tuple[str, str | None]]:
    """Words of ``about``, multi-word country names joined: (word, ISO-3 or None)."""
    words = _WORD_RE.findall(about)
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            phrase = " ".join(words[i : i + n])
            if n > 1 and not phrase[:1].isupper():
                continue
            code = country_code(phrase) if (n > 1 or phrase[:1].isupper()) else None
            if code:
                out.append((phrase, code))
                i += n
                break
        else:
            out.append((words[i], None))
            i += 1
    return out


def about_parts(about: str) -> AboutParts:
    """Take ``about`` apart (see :class:`AboutParts`); the head noun is the last word before the
    first preposition or participle."""
    words = _words_with_countries(about)
    boundary = len(words)
    for idx, (w, code) in enumerate(words):
        lw = w.lower()
        if idx > 0 and code is None and (lw in _PREPS or lw in _PLACE_VERBS or lw in _EVENT_WORDS):
            boundary = idx
            break
    head_idx = boundary - 1
    while head_idx > 0 and (words[head_idx][1] is not None or words[head_idx][0].lower() in _STOP):
        head_idx -= 1  # "troops of the US": the head is not a country
    head = words[head_idx][0] if words else ""
    owner: list[str] = []
    mods: list[str] = []
    for w, code in words[:head_idx]:
        if code:
            owner.append(code)
        elif w.lower() in _STOP or w[:1].isdigit():
            continue
        elif w[:1].isupper():
            owner.append(w.lower().removesuffix("'s").removesuffix("’s"))
        else:
            mods.append(lemma(w))
    events: list[str] = []
    places: list[str] = []
    prep = ""
    for w, code in words[head_idx + 1 :]:
        lw = w.lower()
        if lw in _PREPS:
            prep = lw
        if code and prep == "of":
            owner.append(code)  # "troops of the United States"
        elif code:
            places.append(code)
        elif lw in _EVENT_WORDS:
            events.append(lw)
        elif w[:1].isupper() and lw not in _STOP:
            places.append(lw)
    return AboutParts(
        owner=tuple(dict.fromkeys(owner)),
        modifiers=tuple(mods),
        noun=noun_class(head),
        events=tuple(events),
        places=tuple(sorted(set(places))),
    )


def about_key(about: str) -> str:
    """A normalised key for grouping figures: "US troops in Iraq", "American troops stationed in
    Iraq" and "U.S. forces in Iraq" all give ``"USA military personnel in IRQ"``."""
    return about_parts(about).key()
