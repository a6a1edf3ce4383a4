"""Toponym recognition and resolution over a parsed :class:`~eventdesk.types.Document`.

Recognition takes spaCy's GPE/LOC/FAC entities and adds what NER misses by matching runs of
proper nouns against the gazetteer (curated sites match on any tokens: "K1 base" is tagged a noun).
A candidate is dropped when it is a demonym ("Iraqi", "British": people, not places).

Resolution picks, for each mention, the gazetteer entry that best fits the whole article, not the
name alone: a first pass ranks candidates by kind and population; the countries and admin-1
regions so chosen become the article's context; a second pass re-ranks every mention with that
context (a country mentioned boosts candidates in it), explicit containment ("Springfield,
Illinois", "Haditha in Anbar"), a kind hint ("Kirkuk province", "Laurel County") and proximity to
the article's other places. That is what turns Anbar and Nineveh into the Iraqi governorates in an
article about Iraq, where the name alone would give a Turkish village and an Ohio town.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..entities.dictionary import code_names_body
from ..time.lexicon import MONTH_FULL, WEEKDAYS
from ..types import Document, Place, Token
from .gazetteer import ARABIC_CCS, Entry, Gazetteer
from .normalize import fold, key

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entity kinds whose words are not re-read as places by the gazetteer scan unless the match is
# strong (spaCy's small model often tags an unfamiliar place as a person or organisation).
_OTHER_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
_CONNECTORS = frozenset({"al", "el", "ad", "ar", "as", "ash", "an", "ez", "az", "of", "de", "la"})
_HINT_ADMIN = frozenset(
    {"province", "governorate", "state", "region", "oblast", "prefecture", "department"}
)
_KIND_AFTER = re.compile(r"(?i)\s+(province|governorate|oblast|prefecture)\b")
# A border or state line is a region's, not a town's: "the New York border" is the state's
# edge, not New York City's (the span stays the name).
_BORDER_AFTER = re.compile(r"\s+(?:border|state line)\b")
_HINT_COUNTY = frozenset({"county", "parish", "district"})
_MAX_NGRAM = 7  # "Ain al - Asad air base" is six tokens
# Words that are gazetteer names somewhere but, alone, never mean that place in English news.
_GENERIC = frozenset(
    key(w)
    for w in [
        "north",
        "south",
        "east",
        "west",
        "central",
        "centre",
        "center",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "city",
        "county",
        "police",
        "route",
        "highway",
        "interstate",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "defense",
        "defence",
        "earth",  # the planet ("beneath the surface of the Earth"), not a Texas town
        "justice",
        "liberty",
        "independence",
        "union",
        "victory",
        "hope",
        "republic",  # a state's form ("the Islamic Republic"), not Republic, Missouri
        "kingdom",
        "federation",
        "university",
        "college",
        "state",
        "capital",
        "downtown",
        "upper",
        "lower",
        "greater",
        "new",
        "old",
        "great",
        "mount",
        "lake",
        "river",
        "valley",
        "island",
        "park",
        "street",
        "avenue",
        "road",
    ]
)
_DIRECTIONS = re.compile(
    r"(?i)^(north|south|east|west|central|northern|southern|eastern|western|north-?east|"
    r"north-?west|south-?east|south-?west|northeast|northwest|southeast|southwest|upstate|"
    r"downstate|greater|downtown)\s+"
)
# Words after a name that make it a company's: "Harvard Industries Inc", "Cypress Semiconductor",
# "Peabody Holding Co" are no towns of Illinois, California or Massachusetts.
_CORPORATE_WORDS = (
    "inc inc. corp corp. co co. cos cos. plc ltd ltd. llc lp l.p. ag sa nv industries securities "
    "holding holdings semiconductor petroleum resources express airlines bancorp bancshares "
    "financial capital partners associates systems technologies electronics mining motors "
    "chemical chemicals foods stores communications laboratories pharmaceuticals insurance"
)
_CORPORATE = frozenset(key(w) for w in _CORPORATE_WORDS.split())
_FEAST = re.compile(r"['’]s\s+(?:Day|Eve)\b")
# Words after a place name that make the name a modifier of an institution ("Oakland Police"),
# where the place is still named (and gold sets count it).
_INSTITUTION = frozenset(
    key(w)
    for w in [
        "police",
        "fire",
        "sheriff",
        "sheriffs",
        "county",
        "city",
        "department",
        "court",
        "council",
        "school",
        "schools",
        "university",
        "college",
        "hospital",
        "medical",
        "regional",
        "airport",
        "mayor",
        "board",
        "commission",
        "public",
        "library",
        "community",
        "chamber",
        "township",
        "municipal",
        "district",
        "state",
        "police-department",
        "detectives",
        "officers",
        "officials",
        "firefighters",
        "residents",
        "area",
    ]
)
_LEVEL = {
    "country": "country",
    "admin1": "admin1",
    "admin2": "city",
    "city": "city",
    "point": "point",
}
_SPECIFICITY = {"point": 4, "city": 3, "admin1": 2, "country": 1}


@dataclass(slots=True)
class Mention:
    """A toponym found in the text, before and after resolution."""

    start: int
    end: int
    text: str
    source: str  # "ner" | "gazetteer" | "road" (:func:`_roads`)
    lookup: str  # the name looked up (the text less "the", "'s", "province", ...)
    hint: str | None = None  # "admin" | "county": the text said what kind of place it is
    within: list[int] = field(default_factory=list)  # indexes of mentions said to contain it
    candidates: list[tuple[int, bool, bool]] = field(default_factory=list)  # id, alt, fuzzy
    chosen: int | None = None
    score: float = 0.0
    label: str = ""  # the NER label when NER found it
    cue: str | None = None  # what around the name said it is a place (:func:`_place_cue`)


# ---------------------------------------------------------------------------------------------
# Recognition


def _clean(text: str, start: int) -> tuple[int, int, str, str | None]:
    """Trim "the", possessive "'s" and a trailing kind word; returns (start, end, lookup, hint)."""
    end = start + len(text)
    m = re.match(r"(?i)the\s+", text)
    if m:
        start += m.end()
        text = text[m.end() :]
    trail = len(text) - len(text.rstrip(',;:!?"”)'))
    if trail:
        end -= trail
        text = text[: len(text) - trail]
    m = re.search(r"['’]s?$", text)
    if m:
        end -= len(text) - m.start()
        text = text[: m.start()]
    hint = None
    words = text.split()
    if len(words) > 1 and words[-1].lower() in _HINT_ADMIN:
        hint, text = "admin", " ".join(words[:-1])
    elif len(words) > 1 and words[-1].lower() in _HINT_COUNTY:
        hint = "county"  # "Laurel County" is a gazetteer name itself: keep the whole text
    return start, end, text.strip(), hint


def _is_demonym(gaz: Gazetteer, text: str) -> bool:
    k = key(text)
    return k in gaz.demonyms or (k.endswith("s") and k[:-1] in gaz.demonyms) or k in _DEMONYMS


# Demonyms the country data lacks (regions, peoples, adjectival forms news uses).
_DEMONYMS = frozenset(
    key(w)
    for w in [
        "Kurdish",
        "Kurd",
        "Kurds",
        "Arab",
        "Arabs",
        "Arabic",
        "Shia",
        "Shiite",
        "Shiites",
        "Sunni",
        "Sunnis",
        "Yazidi",
        "Persian",
        "Pashtun",
        "Baloch",
        "Turkmen",
        "Assyrian",
        "European",
        "Europeans",
        "African",
        "Africans",
        "Asian",
        "Asians",
        "Western",
        "Westerners",
        "Latin",
        "Hispanic",
        "Palestinians",
        "Palestinian",
        "Israeli",
        "Israelis",
        "Emirati",
        "Emiratis",
        "Saudi",
        "Saudis",
        "Yemeni",
        "Yemenis",
        "Afghan",
        "Afghans",
        "Iraqi",
        "Iraqis",
        "Syrian",
        "Syrians",
        "Iranian",
        "Iranians",
        "American",
        "Americans",
        "British",
        "Briton",
        "Britons",
        "English",
        "Scottish",
        "Welsh",
        "Irish",
        "French",
        "German",
        "Germans",
        "Russian",
        "Russians",
        "Chinese",
        "Japanese",
        "Korean",
        "Koreans",
        "Turkish",
        "Turk",
        "Turks",
        "Canadian",
        "Canadians",
        "Dutch",
        "Spanish",
        "Italian",
        "Italians",
        "Ukrainian",
        "Ukrainians",
        "Egyptian",
        "Egyptians",
        "Jordanian",
        "Jordanians",
        "Lebanese",
        "Qatari",
        "Kuwaiti",
        "Bahraini",
        "Omani",
        "Libyan",
        "Sudanese",
        "Somali",
        "Indian",
        "Indians",
        "Pakistani",
        "Pakistanis",
        "Australian",
        "Australians",
        "Mexican",
        "Mexicans",
        "Cypriot",
        "Cypriots",
        "Greek",
        "Greeks",
        "Polish",
        "Swiss",
        "Swedish",
        "Norwegian",
        "Danish",
        "Finnish",
        "Belgian",
        "Austrian",
        "Hungarian",
        "Czech",
        "Romanian",
        "Bulgarian",
        "Serbian",
        "Croatian",
        "Slovenian",
        "Bosnian",
        "Albanian",
        "Georgian",
        "Armenian",
        "Azerbaijani",
        "Kazakh",
        "Uzbek",
        "Vietnamese",
        "Thai",
        "Filipino",
        "Indonesian",
        "Malaysian",
        "Brazilian",
        "Argentine",
        "Argentinian",
        "Chilean",
        "Colombian",
        "Venezuelan",
        "Cuban",
        "Nigerian",
        "Kenyan",
        "Ethiopian",
        "Ghanaian",
        "Moroccan",
        "Algerian",
        "Tunisian",
    ]
)


def _token_index(doc: Document) -> list[int]:
    return [t.start for t in doc.tokens]


def _tokens_in(doc: Document, starts: list[int], start: int, end: int) -> list[Token]:
    i = bisect.bisect_left(starts, start)
    out = []
    while i < len(doc.tokens) and doc.tokens[i].start < end:
        out.append(doc.tokens[i])
        i += 1
    return out


def recognise(doc: Document, gaz: Gazetteer) -> list[Mention]:
    """Toponym mentions in ``doc`` (needs ``doc.tokens`` and ``doc.entities``), in text order."""
    text = doc.article.text
    mentions: list[Mention] = []
    taken = bytearray(len(text) + 1)

    def add(m: Mention) -> None:
        if not m.lookup or any(taken[m.start : m.end]):
            return
        if _FEAST.match(text, m.end):
            return  # a feast, not a town: "St. Patrick's Day", "St. Valentine's Day"
        if (person[m.start] or key(m.lookup) in name_words) and not _curated(gaz, m.lookup) \
                and not ((m.start, m.end) in person_names and m.cue in _STRONG_CUES):
            return  # (unless NER's whole "person" is a place the words around it show:
            # "Sioux Falls, S.D.", "in Sioux Falls")
        if stateless[m.start] and not _curated(gaz, m.lookup) and not _names_region(gaz, m.lookup):
            return  # "NATO" is the alliance, not the village of Nato ("mission in Iraq" stays)
        if key(m.lookup) in party_names and not _curated(gaz, m.lookup) \
                and not any(_large(gaz, i) for i, _ in gaz.lookup(m.lookup)):
            return  # "Obama" is the president, not the Japanese town; "Congress" the body
        if m.hint is None and _in_county_list(text, m.start, m.end):
            m.hint = "county"  # "in Jackson and Barrow counties"
        after = _KIND_AFTER.match(text, m.end)
        if after and m.hint is None:  # "Anbar province": the span takes the kind word along
            m.end, m.text, m.hint = after.end(), text[m.start : after.end()], "admin"
        elif m.hint is None and _BORDER_AFTER.match(text, m.end):
            m.hint = "admin"
        mentions.append(m)
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)

    # Words inside a multi-word person name ("Qasem Soleimani") are never places, nor are those
    # names' words on their own elsewhere ("Soleimani was killed").
    person = bytearray(len(text) + 1)
    person_names: set[tuple[int, int]] = set()
    name_words: set[str] = set()
    # football clubs NER took for persons or organisations: entity start -> length of the town
    clubs = {ent.span.start: n for ent in doc.entities if ent.kind in ("ORG", "PERSON")
             and (n := _club_town(gaz, ent.span.text)) is not None}
    for ent in doc.entities:
        words = ent.span.text.split()
        if ent.kind == "PERSON" and len(words) > 1 and ent.span.start not in clubs:
            person[ent.span.start : ent.span.end] = b"\x01" * (ent.span.end - ent.span.start)
            person_names.add((ent.span.start, ent.span.end))
            if len(words) <= 3:
                name_words.add(key(words[-1]))  # the surname
    # ... unless NER itself calls the word a place somewhere in the article, and the gazetteer
    # knows it as a country or region (a surname may well also name a village: "Soleimani").
    name_words -= {
        key(e.span.text)
        for e in doc.entities
        if e.kind in PLACE_LABELS
        and _names_region(gaz, e.span.text)
    }

    # Spans the actors stage (when it ran) resolved to an actor of no state: an alliance, a UN
    # body, an armed group. A town inside one is the actor's name, not a place ("NATO" is no
    # village of Nato); a country or region inside one ("NATO mission in Iraq") still is. A
    # sector with no country is no such body: "Lansing police" (COP) leaves Lansing a town.
    stateless = bytearray(len(text) + 1)
    for ent in doc.entities:
        if ent.country is None and code_names_body(ent.code):
            stateless[ent.span.start : ent.span.end] = b"\x01" * (ent.span.end - ent.span.start)

    # Whole names the actors stage (when it ran) resolved to a person or to a state's body:
    # "Obama" (also where NER took it for a place: it names the person the article's persons
    # name), "Congress" (an organisation of the United States). Those words are that party
    # throughout the article, whatever small town the gazetteer also knows by them; a large
    # place keeps its name ("Copenhagen" as an organisation is the Danish government, and
    # still the city where a band was due to play).
    persons = {e.canonical for e in doc.entities if e.kind == "PERSON" and e.canonical}
    party_names = {
        key(_clean(e.span.text, 0)[2]) for e in doc.entities
        if e.canonical and (
            (e.kind in ("PERSON", "GPE") and e.canonical in persons and e.country)
            or (e.kind == "ORG" and e.country and e.sector))
    }
    party_names.discard("")

    other = bytearray(len(text) + 1)
    org_ends: dict[int, int] = {}  # start -> end of multi-word organisation names
    for ent in doc.entities:
        if ent.kind in _OTHER_LABELS:
            other[ent.span.start : ent.span.end] = b"\x01" * (ent.span.end - ent.span.start)
            if ent.kind == "ORG" and " " in ent.span.text.strip():
                lead = re.match(r"(?i)the\s+", ent.span.text)  # "the New Orleans Railways"
                org_ends[ent.span.start + (lead.end() if lead else 0)] = ent.span.end
    toks = doc.tokens

    def scan(curated_only: bool, known: set[str]) -> None:
        i = 0
        while i < len(toks):
            t = toks[i]
            if taken[t.start] or not t.text[:1].isupper():
                i += 1
                continue
            matched = 0
            for n in range(min(_MAX_NGRAM, len(toks) - i), 0, -1):
                span = toks[i : i + n]
                if any(taken[x.start] for x in span):
                    continue
                s, e = span[0].start, span[-1].end
                if "\n" in text[s:e] or not span[-1].text[:1].isalnum():
                    continue
                inside = bool(other[s]) or bool(other[e - 1])
                if curated_only:
                    cs, ce, lookup, hint = _clean(text[s:e], s)
                    if _joined_region(gaz, lookup):
                        # "Trinidad and Tobago", "Newfoundland and Labrador": before NER's
                        # halves are taken as two places
                        add(Mention(cs, ce, text[cs:ce], "gazetteer", lookup, hint))
                        matched = n
                        break
                    if not _curated(gaz, lookup):
                        continue
                    if inside and s >= 2 and other[s - 2] and text[s - 1] == " ":
                        continue  # the middle of a longer name ("North Atlantic Council")
                elif inside and _mid_name(text, other, s) and _supranational(gaz, text[s:e]):
                    continue  # "North Atlantic Council" names a body, not the ocean
                # "Nashville Film Festival": a large city's name heading an organisation's
                org_start = org_ends.get(s, e) > e
                m = _scan_match(gaz, doc, span, text[s:e], inside, known, org_start)
                if m is not None:
                    add(m)
                    matched = n
                    break
            i += matched or 1

    # 0. Curated sites first: "Baghdad airport" is the airport, not Baghdad plus a word.
    scan(curated_only=True, known=set())

    # 1. NER places, split at commas ("Springfield, Illinois" is two places); and a state's
    # official name NER took for an organisation ("the Democratic People's Republic of Korea").
    for ent in doc.entities:
        owned = _possessive_split(gaz, ent.span.text, ent.span.start)
        if owned is not None:
            # "Derry's Altnagelvin Hospital", "Kabul's Wazir Akbar Khan Hospital": the town,
            # and the building in it (which the town then places, :func:`approximate`)
            for (ps, pe), label in zip(owned, ("GPE", "FAC"), strict=True):
                s, e, lookup, hint = _clean(text[ps:pe], ps)
                add(Mention(s, e, text[s:e], "ner", lookup, hint, label=label))
            continue
        if ent.kind in ("ORG", "PERSON", "ACTOR") and _street_or_building(gaz, ent.span.text):
            # NER's "organisation" or "person" named as a street or a building is that place
            s, e, lookup, hint = _clean(ent.span.text, ent.span.start)
            add(Mention(s, e, text[s:e], "ner", lookup, hint, label="FAC"))
            continue
        club = clubs.get(ent.span.start) if ent.kind in ("ORG", "PERSON") else None
        if club is not None:
            # a football club is named after its town: "Bolton Wanderers", "Manchester United"
            s, e, lookup, hint = _clean(ent.span.text[:club], ent.span.start)
            add(Mention(s, e, text[s:e], "ner", lookup, hint, label="GPE"))
            continue
        if ent.kind not in PLACE_LABELS and not (ent.kind == "ORG" and (
                _names_country(gaz, name := _clean(ent.span.text, 0)[2])
                or _names_region(gaz, name))):
            continue  # (a state's official name, a region's: "the Federally Administered ...")
        offset = ent.span.start
        for part in re.finditer(r"[^,;]+", ent.span.text):
            raw = part.group()
            lead = len(raw) - len(raw.lstrip())
            s, e, lookup, hint = _clean(raw.strip(), offset + part.start() + lead)
            if not lookup or _is_demonym(gaz, lookup) or not any(c.isupper() for c in lookup):
                continue
            if key(lookup) in _GENERIC:
                continue
            label = ent.kind if ent.kind in PLACE_LABELS else "GPE"
            if not gaz.lookup(lookup):
                joined = _joined_parts(gaz, text, s, e)
                if joined:  # "Asia-Pacific", "Egypt-US": two places, neither the whole
                    for ps, pe in joined:
                        add(Mention(ps, pe, text[ps:pe], "ner", text[ps:pe], None, label=label))
                    continue
                narrowed = _narrow(gaz, text, s, e)
                if narrowed is not None:
                    s, e, lookup, hint = narrowed
            elif part.end() == len(ent.span.text):
                longer = _widen(gaz, text, s, e)
                if longer is not None:
                    s, e, lookup = longer
            add(Mention(s, e, text[s:e], "ner", lookup, hint, label=label))

    # 2. Numbered roads: "the A417", "the M5 highway", "Highway 1" (no gazetteer has them; set
    # in the town the article puts them in, :func:`eventdesk.places.approximate`).
    for s, e in _roads(text):
        add(Mention(s, e, text[s:e], "road", text[s:e], None, label="FAC"))

    # 2b. A proper name right before a comma and a county or first-level region ("Croft,
    # Yorkshire", "Knockhill, Fife", "Brands Hatch GP, Kent"): the comma and the region say it is
    # a place in that region, where NER, in a list or a calendar, tagged neither.
    # The name goes in as NER's would ("ner": spellings and near misses looked up, as for a
    # name NER tagged), the region as the gazetteer's, with its kind as the hint.
    for (s, e), (rs, re_, hint) in _before_region(gaz, doc):
        add(Mention(s, e, text[s:e], "ner", text[s:e], None, label="GPE"))
        add(Mention(rs, re_, text[rs:re_], "gazetteer", text[rs:re_], hint, label="GPE"))

    # 3. Gazetteer scan over proper-noun runs (and any tokens for curated sites).
    known = {key(m.lookup) for m in mentions if gaz.lookup(m.lookup)}
    scan(curated_only=False, known=known)
    # 4. One sense per article: a name the words around it showed to be a place once ("in
    # Gainesville") is that place where NER called it a person or organisation too.
    more = {key(m.lookup) for m in mentions if m.source == "gazetteer"} - known
    if more:
        scan(curated_only=False, known=known | more)
    mentions.sort(key=lambda m: m.start)
    _link_containment(doc, mentions)
    return mentions


_BEFORE_REGION = re.compile(
    r"(?<![\w'’.-])([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}), ([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)"
    r"(?=[.,;:)]|\n|$)")
# Month and weekday names, in full, as the date grammar knows them: never a place's name.
_NOT_NAMES = frozenset(MONTH_FULL.lower().split("|")) | frozenset(WEEKDAYS)


def _before_region(
    gaz: Gazetteer, doc: Document
) -> list[tuple[tuple[int, int], tuple[int, int, str]]]:
    """(name span, (region span, its kind hint)) of each "<proper name>, <region>" in ``doc``:
    the region a county or first-level region the gazetteer knows by its own name (the hint,
    "county" or "admin", makes it that region and not a town of its name: Kent, England, not
    Kent, Ohio), the name one to three words the parser tags as proper nouns (not "Yesterday,
    Kent police said"), no month or weekday among them."""
    text = doc.article.text
    starts = _token_index(doc)
    out = []
    for m in _BEFORE_REGION.finditer(text):
        kinds = {gaz.kind[i] for i, alt in gaz.lookup_strict(m.group(2)) if not alt}
        if not kinds & {1, 2}:
            continue
        words = _tokens_in(doc, starts, m.start(1), m.end(1))
        if not words or any(t.pos != "PROPN" or key(t.text) in _NOT_NAMES for t in words):
            continue
        hint = "county" if 2 in kinds else "admin"
        out.append(((m.start(1), m.end(1)), (m.start(2), m.end(2), hint)))
    return out


# Last words that make a name a street, building or water: the name before them is not the place
# ("Royal Street", "Carnegie Library", "Neches River"), even when the gazetteer knows it.
_FACILITY_WORDS = (
    "street st st. avenue ave ave. road rd rd. boulevard blvd lane drive square bridge park "
    "church cathedral mosque library university college school academy centre center "
    "hospital stadium arena theatre theater tower mall market station river creek canal "
    "bayou harbor harbour highway parkway plantation farm farms hotel inn museum court "
    "courthouse hall"
)
_FACILITY = frozenset(key(w) for w in _FACILITY_WORDS.split())
# A town named like a facility ("Washington Square") below this size is taken for the facility
# where the article's other places lie in other regions (:func:`_facilities_abroad`).
_FACILITY_TOWN_POP = 50_000


# Last words that make a capitalised name a street (no organisation or person is called
# "... Street"), and those that make it a building, a place where things happen even where the
# name is also an organisation's ("the Central Mental Hospital").
_STREET_WORDS_TEXT = (
    "street st st. avenue ave ave. road rd rd. boulevard blvd blvd. lane drive highway parkway"
)
_STREET_WORDS = frozenset(_STREET_WORDS_TEXT.split())
_BUILDING_WORDS_TEXT = (
    "hospital church cathedral mosque temple synagogue stadium arena racecourse airport station "
    "mall prison jail courthouse museum hotel theatre theater plaza market bridge square school "
    "park"
)
_BUILDING_WORDS = frozenset(_BUILDING_WORDS_TEXT.split())


_POSSESSIVE = re.compile(r"^((?:the\s+)?[A-Z][\w.\- ]*?)['’]s\s+([A-Z].*)$")
# A possessive town this large is the place that holds the building: "Derry's hospital";
# a smaller namesake is more likely a person's or a saint's name ("Martha's", "King's").
_OWNER_POP = 20_000


def _possessive_split(gaz: Gazetteer, text: str, start: int) -> tuple[tuple[int, int], ...] | None:
    """The spans of the town and of the building in NER's one span "<town>'s <building>",
    or None: the gazetteer must not know the whole name, the town must be a country, a region
    or a town of :data:`_OWNER_POP` by its own name, and the building end in a word that
    makes a name a street or a building (:data:`_FACILITY`, :data:`_BUILDING_WORDS`)."""
    m = _POSSESSIVE.match(text.strip())
    if m is None or gaz.lookup(text.strip()):
        return None
    owner, thing = m.group(1), m.group(2).rstrip(',;:!?"”)')
    last = thing.split()[-1].lower() if thing.split() else ""
    if key(last) not in _FACILITY and last not in _BUILDING_WORDS:
        return None
    lookup = _clean(owner, 0)[2]
    if not any(not alt and (gaz.kind[i] in (0, 1) or gaz.population[i] >= _OWNER_POP)
               for i, alt in gaz.lookup_strict(lookup)):
        return None
    lead = len(text) - len(text.lstrip())
    s0 = start + lead
    return ((s0 + m.start(1), s0 + m.end(1)), (s0 + m.start(2), s0 + m.start(2) + len(thing)))


def _street_or_building(gaz: Gazetteer, text: str) -> bool:
    """Whether ``text`` names a street or a building: capitalised words ending in a street
    word ("Royal Street") or a building's ("Holy Redeemer Church", "Meydan Racecourse"). A
    building named after its town or county ("St. Cloud Hospital", "Douglas County Court") is
    left to the scan, which finds the place in it, as GeoNames knows the place and not the
    building."""
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) < 2 or not all(w[:1].isupper() or w[:1].isdigit() for w in words):
        return False
    last = words[-1].lower()
    if last in _STREET_WORDS:
        return True
    return last in _BUILDING_WORDS and not any(
        gaz.kind[i] in (1, 2) or (gaz.kind[i] == 3 and gaz.population[i] >= KNOWN_TOWN_POP)
        for i, _ in gaz.lookup_strict(" ".join(words[:-1])))


# Words that end a football club's name after its town's ("Bolton Wanderers", "Leeds United").
# Not "City", "County", "Palace": "Madison County", "Buckingham Palace" are places themselves.
_CLUB_WORDS = frozenset({
    "albion", "wanderers", "rovers", "united", "athletic", "rangers", "hotspur", "argyle",
    "orient", "fc", "afc",
})


def _club_town(gaz: Gazetteer, text: str) -> int | None:
    """The length of the town's name heading a club's name in ``text`` ("Bolton" of "Bolton
    Wanderers 2-0"), or None: one or two capitalised words the gazetteer knows, by their own
    name, as a town of 1,000 people or more, then a club word. NER takes such names for
    persons, which would hide the town."""
    words = list(re.finditer(r"\S+", text))
    for k in (1, 2):
        if len(words) <= k or words[k].group().lower().rstrip(".,;:") not in _CLUB_WORDS:
            continue
        name = text[: words[k - 1].end()]
        if not all(w.group()[:1].isupper() for w in words[:k]):
            return None
        if any(gaz.kind[i] == 3 and not alt and gaz.population[i] >= KNOWN_TOWN_POP
               for i, alt in gaz.lookup_strict(name)):
            return len(name)
        return None
    return None


def _narrow(
    gaz: Gazetteer, text: str, start: int, end: int
) -> tuple[int, int, str, str | None] | None:
    """The longest run of capitalised words inside ``text[start:end]`` that the gazetteer knows
    ("Alachua County Sheriff" -> "Alachua County", "Northeast Georgia" -> "Georgia")."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    if words and key(text[words[-1][0] : words[-1][1]]) in _FACILITY:
        return None  # "Royal Street" is a street, not Royal City; "Mississippi River" no state
    for n in range(len(words) - 1, 0, -1):
        for a in range(len(words) - n + 1):
            s, e = words[a][0], words[a + n - 1][1]
            piece = text[s:e].rstrip(".,;:")
            if not piece[:1].isupper() or not piece.split()[-1][:1].isupper():
                continue
            cs, ce, lookup, hint = _clean(piece, s)
            if key(lookup) in _GENERIC or (_DIRECTIONS.match(lookup) and n == 1):
                continue
            hits = gaz.lookup(lookup)
            if hits and _DIRECTIONS.match(text[start:end]) and cs > start and not any(
                    gaz.kind[i] in (0, 1) or gaz.population[i] >= _FACILITY_TOWN_POP
                    for i, _ in hits):
                continue  # "West Wing" is no part of the village of Wing; "West Mosul" is Mosul
            if hits:
                return cs, ce, lookup, hint
    return None


_JOINER = re.compile(r"\s*[-–/]\s*")


def _joined_parts(gaz: Gazetteer, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The places of a name made of names joined by hyphens or slashes ("Asia-Pacific",
    "Egypt-US", "DPRK-South Korea", "Chartres/Franklin"), which NER takes as one entity and the
    gazetteer does not know as a whole: every part must be a capitalised name the gazetteer
    knows or a demonym ("Egyptian-US" gives US), else nothing ("Watertown-Mayer Lutheran" is a
    school). Demonyms are left to their own stage."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for sep in [*_JOINER.finditer(text, start, end), None]:
        stop = sep.start() if sep is not None else end
        pieces.append((pos, stop))
        if sep is not None:
            pos = sep.end()
    if len(pieces) < 2:
        return []
    out: list[tuple[int, int]] = []
    for ps, pe in pieces:
        name = text[ps:pe].rstrip(",;:")
        if not name[:1].isupper() or key(name) in _GENERIC:
            return []
        if _is_demonym(gaz, name):
            continue
        if not gaz.lookup(name):
            return []
        out.append((ps, ps + len(name)))
    return out


_NEXT_WORDS = re.compile(r"(?:(?:[ \t]+|-)[A-Z][\w'’.-]*){1,3}")


def _widen(gaz: Gazetteer, text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """A longer gazetteer name that NER's place begins: NER took "U.S." of "U.S. Virgin
    Islands", "Kansas" of "Kansas City" and "Guinea" of "Guinea-Bissau". Up to three
    capitalised words after it (after a space or a hyphen), the longest run the gazetteer knows
    by its own name, exactly spelt (the folded key would read "U.S. Is" at a sentence's start
    as Ossès)."""
    m = _NEXT_WORDS.match(text, end)
    if m is None:
        return None
    ends = [end + w.end() for w in re.finditer(r"\S+", text[end:m.end()])]
    for stop in reversed(ends):
        name = text[start:stop].rstrip(".,;:")
        if any(not alternate for _, alternate in gaz.lookup_strict(name)):
            return start, start + len(name), name
    return None


def _names_country(gaz: Gazetteer, name: str) -> bool:
    """Whether ``name`` is a country's name (its own or an official one the gazetteer keeps)."""
    return bool(name) and any(gaz.kind[i] == 0 for i, _ in gaz.lookup(name))


def _joined_region(gaz: Gazetteer, name: str) -> bool:
    """Whether ``name`` is a country or first-level region named as two joined with "and"
    ("Bosnia and Herzegovina", "Jammu and Kashmir")."""
    return " and " in name and any(gaz.kind[i] in (0, 1) and not alt
                                   for i, alt in gaz.lookup_strict(name))


def _curated(gaz: Gazetteer, name: str) -> bool:
    """True when ``name`` is one of our curated sites, towns or counties (specific, trusted
    names: "Greater Manchester", which NER often misses)."""
    return any(
        gaz.kind[i] == 4 or (gaz.kind[i] == 3 and gaz.geonameid[i] < 0)
        or (gaz.kind[i] == 2 and gaz.feature[i] == "region")
        for i, _ in gaz.lookup_strict(name)
    )


# A folded or alternate spelling found outside NER's places is trusted only for a place this big.
SPELLING_MIN_POPULATION = 100_000
# A town this size is one people know by name: the smallest a name NER calls a place may be a
# misspelling of, that a football club or a building is named after.
KNOWN_TOWN_POP = 1_000
# What naming a town and the county it lies in adds to each (:func:`_score`).
COUNTY_PAIR = 5.0


def _large(gaz: Gazetteer, i: int) -> bool:
    """Whether entry ``i`` is a country, an admin-1 region or a place of
    :data:`SPELLING_MIN_POPULATION` people: big enough to trust a looser spelling of."""
    return gaz.kind[i] in (0, 1) or gaz.population[i] >= SPELLING_MIN_POPULATION


def _names_region(gaz: Gazetteer, name: str) -> bool:
    """Whether ``name`` is, by its own (not an alternate) name, a country or an admin-1 region."""
    return any(not alt and gaz.kind[i] in (0, 1) for i, alt in gaz.lookup_strict(name))


def _scan_match(
    gaz: Gazetteer,
    doc: Document,
    span: list[Token],
    surface: str,
    in_other_entity: bool,
    known: set[str],
    org_start: bool = False,
) -> Mention | None:
    """A mention for ``surface`` when the gazetteer knows it well enough to trust a non-NER hit."""
    s, e, lookup, hint = _clean(surface, span[0].start)
    if not lookup or _is_demonym(gaz, lookup) or key(lookup) in _GENERIC:
        return None
    hits = gaz.lookup_strict(lookup)  # folding is for names NER vouches for, not any capital
    spelled = not hits
    if spelled:
        # ... or for a spelling of a large place after a locative preposition, where NER called
        # it an organisation ("forces in Qamishli": GeoNames spells it Al Qamishli)
        hits = [(i, alt) for i, alt in gaz.lookup(lookup) if _large(gaz, i)]
        if not hits or _place_cue(gaz, doc, span) != "preposition":
            return None
    kinds = {gaz.kind[i] for i, _ in hits}
    nxt = doc.tokens[span[-1].i + 1] if span[-1].i + 1 < len(doc.tokens) else None
    if nxt is not None and key(nxt.text) in _CORPORATE:
        return None  # a company's name: "Harvard Industries", "Federal Express", "Argo Petroleum"
    # Curated sites (points, and towns the packages lack) are specific names: trust any tokens.
    if _curated(gaz, lookup):
        return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint)
    if span[-1].text[:1].islower():
        return None  # "Kirkuk police": only curated names ("K1 base") end in a common noun
    proper = all(
        t.pos == "PROPN"
        or key(t.text) in _CONNECTORS
        or t.text in "-'’.&"
        or (t.text.isupper() and len(t.text) >= 3)
        for t in span
    )
    if not proper:
        return None
    if spelled:  # a large place's spelling after "in"/"near" (checked above)
        return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint)
    if key(lookup) in known:  # NER called this name a place elsewhere in the article
        return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint)
    best_pop = max(
        (gaz.population[i] for i, alt in hits
         if (not alt or _spelling(gaz.names[i], lookup, gaz.cc[i])) and gaz.kind[i] == 3),
        default=0,
    )
    cue = _place_cue(gaz, doc, span)
    if len(lookup) < 4 and not (lookup.isupper() and any(gaz.kind[i] == 0 for i, _ in hits)) \
            and not (cue == "preposition" and best_pop >= 100_000):
        return None  # a short capitalised word is a town only where the text says so: "in Gao"
    sentence_initial = span[0].i == 0 or doc.tokens[span[0].i - 1].text in '.!?\n"“'
    after = doc.article.text[span[-1].end : span[-1].end + 4].lstrip(" ")
    dateline = (
        sentence_initial
        and all(t.text.isupper() or not t.text.isalpha() for t in span)
        and after[:1] in {",", ":", "(", "—", "-", "–"}
    )  # "ALBUQUERQUE, N.M. —", "COLUMBUS --", "BEIRUT:": the place the story was filed from
    if dateline and any(gaz.kind[i] == 3 and gaz.population[i] >= 1000 for i, _ in hits):
        return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint)
    if cue == "counties" and 2 in kinds:
        hint = "county"
    if cue and (best_pop >= 1_000 or hint == "county" or kinds & {0, 1}):
        return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint, cue=cue)
    if sentence_initial and not kinds & {0, 1}:
        return None  # capitals there are weak evidence: insist on a region or country name
    primary_region = any(not alt and gaz.kind[i] in (0, 1) for i, alt in hits)
    prev = doc.tokens[span[0].i - 1] if span[0].i > 0 else None
    if (len(span) == 1 and not primary_region and prev is not None and prev.pos == "PROPN"
            and prev.text[:1].isupper() and prev.text.isalpha()):
        # the last word of a longer name NER did not mark: "Federal Reserve", "Democratic
        # Alliance", "Lake Superior" are no towns of Louisiana or Ohio (a longer place name
        # was tried first, and a cue such as "in" was taken above)
        return None
    if (len(span) == 1 and prev is not None and prev.text[:1].isupper()
            and gaz.lookup_strict(f"{prev.text} {lookup}")):
        return None  # the end of a longer place's name kept out above: "New Jersey" in an
        # organisation's name ("the New Jersey Superior Court") is not the island of Jersey
    institution = nxt is not None and key(nxt.text) in _INSTITUTION
    if in_other_entity:
        ok = (
            (primary_region and len(span) == 1)
            or (hint == "county" and 2 in kinds)
            or (institution and best_pop >= 5_000)
            or (org_start and best_pop >= 100_000)
            # "University of Cincinnati", "the Archdiocese of Baltimore": a city's name ending
            # an organisation's after "of" says where it is
            or (prev is not None and prev.text == "of" and best_pop >= 100_000)
        )
    else:
        ok = primary_region or best_pop >= 20_000 or (hint == "county" and 2 in kinds)
    return Mention(s, e, doc.article.text[s:e], "gazetteer", lookup, hint) if ok else None


# Cues that outweigh NER's "person" for a whole name the gazetteer knows as a place.
_STRONG_CUES = frozenset({"containment", "preposition", "coordination"})
# Prepositions that, right before a capitalised name, make it a place rather than a person:
# "in Pahrump", "to Albuquerque" (but not "according to Jackson").
_CUE_PREPS = frozenset({"in", "near", "outside", "at", "from", "to", "into", "across"})
_NOT_CUE_BEFORE = frozenset(
    {"according", "said", "told", "wrote", "talked", "spoke", "due", "thanks"}
)
# Nouns a town's name modifies when it says where people or things are from ("a Gainesville
# man", "Gainesville residents", "a Gainesville restaurant").
_MODIFIED_WORDS = (
    "man men woman women teen teenager boy girl couple family resident residents native "
    "natives restaurant business businesses home homes church neighborhood neighbourhood "
    "area police mayor officials officers firefighters students voters schools school "
    "hospital airport city county township village town suburb"
)
_MODIFIED = frozenset(_MODIFIED_WORDS.split())
_COUNTY_LIST = re.compile(
    r"(?:\s*,\s*(?:and\s+|or\s+)?[A-Z][\w'.-]*(?:\s[A-Z][\w'.-]*)?"
    r"|\s+(?:and|or|&)\s+[A-Z][\w'.-]*(?:\s[A-Z][\w'.-]*)?)+\s+(?:counties|parishes)\b"
)


def _mid_name(text: str, other: bytearray, start: int) -> bool:
    """Whether ``start`` follows another capitalised word of the same non-place entity.

    Inside an organisation's name an ocean or continent is part of the name ("North Atlantic
    Council"), not a place; a country, state or town there still says where the body is ("Spina
    Bifida Association of Western Pennsylvania", "The Washington Post"), so only those
    (:func:`_supranational`) are dropped.
    """
    if start < 2 or not other[start - 2] or text[start - 1] != " ":
        return False
    prev = text[max(0, start - 30) : start - 1].split()
    return bool(prev) and prev[-1][:1].isupper()


def _supranational(gaz: Gazetteer, name: str) -> bool:
    """Whether ``name`` is foremost an ocean, sea or continent: no country or region of a
    country has it as its own name, nor does a city of 100,000 ("Atlantic", not "Texas")."""
    hits = gaz.lookup_strict(name)
    return any(gaz.kind[i] == 0 and not gaz.cc[i] for i, _ in hits) and not any(
        not alt and ((gaz.kind[i] in (0, 1) and gaz.cc[i]) or gaz.population[i] >= 100_000)
        for i, alt in hits
    )


def _in_county_list(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is an item of a list ending "counties" ("Jackson, Barrow and
    Madison counties"): each item is then a county, not the town of that name."""
    if _COUNTY_LIST.match(text, end):
        return True
    return bool(
        re.match(r"\s+(?:counties|parishes)\b", text[end : end + 12])
        and re.search(r"(?:,|\band|\bor|&)\s*$", text[max(0, start - 6) : start])
    )


# A name listed with a class of places is one of them: "Qamishli and other towns", "Hit and
# nearby villages".
_LISTED_WITH_PLACES = re.compile(
    r"\s*,?\s+(?:and|or)\s+(?:other|several|nearby|neighbou?ring|surrounding|many|some)\s+"
    r"(?:towns|cities|villages|districts|provinces|regions|areas|communities|countries)\b",
    re.I)


def _place_cue(gaz: Gazetteer, doc: Document, span: list[Token]) -> str | None:
    """What in the words around ``span`` says it names a place, whatever NER called it.

    spaCy's small model often tags a lone town name as a person or organisation ("Gainesville
    man charged", "in Pahrump"); the surrounding words settle it: a locative preposition before,
    a containing state or country after ("Sioux Falls, S.D."), a noun the name modifies as an
    origin, or a list ending in "counties" ("Jackson and Barrow counties").
    """
    text, toks = doc.article.text, doc.tokens
    first, last = span[0], span[-1]
    nxt = toks[last.i + 1] if last.i + 1 < len(toks) else None
    if nxt is not None and nxt.text in ("'s", "’s"):
        return None  # "in Jackson's speech": a person's possessive is as likely as a town's
    if _in_county_list(text, first.start, last.end):
        return "counties"
    if first.i > 0:
        prev = toks[first.i - 1]
        before = toks[first.i - 2].text.lower() if first.i > 1 else ""
        if prev.text.lower() in _CUE_PREPS and before not in _NOT_CUE_BEFORE:
            return "preposition"
        if prev.text.lower() == "of" and (before in _KIND_NOUNS or before in _BEARINGS):
            # "the nearby cities of Suwon and Incheon", "town of Baiji", "60 miles southwest
            # of Raleigh"
            return "preposition"
    m = re.match(r"\s*,\s*", text[last.end : last.end + 4])
    if m:
        pos = last.end + m.end()
        j = bisect.bisect_left([t.start for t in toks[last.i + 1 : last.i + 4]], pos) + last.i + 1
        for n in (3, 2, 1):
            if j + n > len(toks):
                continue
            piece = text[toks[j].start : toks[j + n - 1].end]
            if piece[:1].isupper() and any(
                gaz.kind[i] in (0, 1) for i, _ in gaz.lookup_strict(piece)
            ):
                return "containment"  # "Sioux Falls, S.D.", "Palencia, Spain"
    if nxt is not None and key(nxt.text) in _MODIFIED and nxt.pos == "NOUN":
        return "modifier"
    if _LISTED_WITH_PLACES.match(text, last.end):
        return "coordination"  # "fired on Qamishli and other towns"
    if first.i > 1 and toks[first.i - 1].text.lower() in ("and", "or", ",", "&"):
        # "from Gloucester and Cheltenham", "Indianapolis, Evansville killings": listed with a
        # name that is a place by itself (a region, or a town of 50,000). Not the name after
        # ("Consumers Energy and Edison", "the Clinton and Bush administrations")
        prev = toks[first.i - 2]
        if prev.text[:1].isupper() and any(
            not alt and (gaz.kind[i] in (0, 1) or gaz.population[i] >= 50_000)
            for i, alt in gaz.lookup_strict(prev.text)
        ):
            return "coordination"
    return None


# A numbered road: "Highway 1", "Route 9", "Interstate 95", "I-95" by themselves; a bare code
# ("A417", "M5", "A1(M)": British roads, and the Syrian motorways) only where
# :func:`_roads` finds a road around it.
_ROAD = re.compile(
    r"\b(?:(?P<named>(?:Highway|Route|Interstate) \d{1,4}|I-\d{1,3})"
    r"|[AMB]\d{1,4}(?:\(M\))?)\b")
# A bare designation is a road only beside a word for one ("the M16" is as likely a rifle):
# "the A417 southbound carriageway", "a diversion via the A436, A40 and A429".
_ROAD_WORDS = re.compile(
    r"(?i)\b(?:roads?|roundabout|junction|carriageway|motorway|highway|bypass|diversion|"
    r"(?:south|north|east|west)bound|traffic|closure|lanes?|exit|route)\b")
_ROAD_LEAD = re.compile(r"(?:\bthe|,|\band|\bor|\bvia|\balong|\bon|\boff)\s+$", re.I)


def _roads(text: str) -> list[tuple[int, int]]:
    """Spans of numbered roads: a designation after "the", "via", "on" or in a list, with a
    word for a road within its sentence's reach (80 characters either side); "Highway 1",
    "Route 9" and "Interstate 95" name roads by themselves."""
    out = []
    for m in _ROAD.finditer(text):
        if m.group("named"):
            out.append(m.span())
            continue
        if not _ROAD_LEAD.search(text, max(0, m.start() - 8), m.start()):
            continue
        window = text[max(0, m.start() - 80) : m.end() + 80]
        if _ROAD_WORDS.search(window):
            out.append(m.span())
    return out


# Nouns that, before "of", say the name after them is a place of that kind.
_KIND_NOUNS_TEXT = (
    "city cities town towns village villages province provinces region regions district "
    "districts state states county counties capital port suburb suburbs governorate "
    "municipality island islands"
)
_KIND_NOUNS = frozenset(_KIND_NOUNS_TEXT.split())
_BEARINGS_TEXT = (
    "north south east west northeast northwest southeast southwest north-east north-west "
    "south-east south-west"
)
_BEARINGS = frozenset(_BEARINGS_TEXT.split())


def _link_containment(doc: Document, mentions: list[Mention]) -> None:
    """Record "X, Y" and "X in Y" (Y a later mention within a few characters) as containment."""
    text = doc.article.text
    for a, m in enumerate(mentions[:-1]):
        nxt = mentions[a + 1]
        gap = text[m.end : nxt.start]
        if re.fullmatch(r"\s*,\s*|\s+in\s+(the\s+)?|\s*,\s+in\s+(the\s+)?", gap):
            m.within.append(a + 1)
            if nxt.hint == "county" and a + 2 < len(mentions) and re.fullmatch(
                r"\s*,\s*", text[nxt.end : mentions[a + 2].start]
            ):
                # "Springfield, Sangamon County, Illinois"; but in a list, "Columbus, Ohio,
                # Dallas, Greensboro, N.C.", Dallas is not in North Carolina
                m.within.append(a + 2)


# ---------------------------------------------------------------------------------------------
# Resolution


@dataclass
class _Context:
    countries: Counter[str] = field(default_factory=Counter)
    admin1: Counter[str] = field(default_factory=Counter)
    points: list[tuple[float, float]] = field(default_factory=list)
    # admin-1 key -> the article's names (other than this mention's) that could lie in it
    regions: dict[str, int] = field(default_factory=dict)
    # admin-1 key -> how many of the article's other names could lie in it (any region)
    support: dict[str, int] = field(default_factory=dict)
    # county id -> how many of the article's names could be it, or a town in it (shared by
    # all names); and those this name itself could be, or hold a town of, to leave out
    counties: Counter[int] = field(default_factory=Counter)
    towns_in: Counter[int] = field(default_factory=Counter)
    own: tuple[set[int], set[int]] = (set(), set())


def _candidates(gaz: Gazetteer, m: Mention, fuzzy_ccs: list[str]) -> list[tuple[int, bool, bool]]:
    """(id, by alternate name, approximate) for each entry the mention may name."""
    short = len(key(m.lookup)) <= 3  # "MoD", "IS": an alternate name this short is a code
    hits = gaz.lookup_strict(m.lookup)
    if not hits and m.hint == "admin":
        hits = gaz.lookup_strict(m.lookup + " Province")
    if hits:
        if not m.within and _supranational(gaz, m.lookup):
            # "North Sea" is the sea, not the hamlet of North Sea, New York, however much of
            # the article is in New York (no country or city of 100,000 has the name); the
            # town only where the text puts it in a state ("Atlantic, Iowa")
            hits = [(i, alt) for i, alt in hits if gaz.kind[i] == 0 and not gaz.cc[i]]
        out = [(i, alt, False) for i, alt in hits if not (alt and short and gaz.kind[i] != 0)]
        if short and m.lookup.isupper():
            # "WA" is an abbreviation (Western Australia, Washington), not the Ghanaian town
            # of Wa: a town answers to capitals only where its own name is written so
            out = [c for c in out if gaz.kind[c[0]] != 3 or gaz.names[c[0]].isupper()]
        words = m.lookup.split()
        if len(words) > 1 and words[-1] == "City":
            # "San Fernando City" may be San Fernando, California, as well as GeoNames' "San
            # Fernando City" of the Philippines: the towns of the bare name compete, trusted as
            # an alternate name is, so only the article's context takes the name to one
            seen = {i for i, _, _ in out}
            out += [(i, True, False) for i, alt in gaz.lookup_strict(" ".join(words[:-1]))
                    if gaz.kind[i] == 3 and not alt and i not in seen]
        return out
    if len(m.lookup) >= 5:
        # NER's places may be any spelling; a scanned name only a large place's (_scan_match)
        folded = [(i, alt, True) for i, alt in gaz.lookup(m.lookup)
                  if m.source == "ner" or _large(gaz, i)]
        if folded:
            return folded
    if m.source != "ner" or len(m.lookup) < 5 or any(ch.isdigit() for ch in m.lookup):
        return []  # a numbered name ("Route 5", "Camp 7") is no misspelt town ("Rote")
    from rapidfuzz import fuzz, process

    f = fold(m.lookup)
    out: list[tuple[int, bool, bool]] = []
    for cc in fuzzy_ccs:
        best = process.extractOne(
            f, gaz.fold_keys_in(cc, f[:1]), scorer=fuzz.ratio, score_cutoff=88
        )
        if best is not None:
            ids = gaz.by_fold[best[0]]
            for h in (ids,) if isinstance(ids, int) else ids:
                i = h >> 1
                # a misspelling names a place people know, not a hamlet: "Finiels" (a
                # surname) is no Finzel, Maryland, of 547 people
                if gaz.cc[i] == cc and (gaz.kind[i] != 3 or gaz.population[i] >= KNOWN_TOWN_POP):
                    out.append((i, bool(h & 1), True))
    return out


def _score(
    gaz: Gazetteer,
    m: Mention,
    cand: tuple[int, bool, bool],
    ctx: _Context | None,
    mentions: list[Mention],
    same_name_city: dict[str, set[str]],
    biggest: int = 0,
    biggest_town: tuple[int, str] = (0, ""),
) -> float:
    i, alt, fuzzy = cand
    if alt and _spelling(gaz.names[i], m.lookup, gaz.cc[i]):
        alt = False  # "Basra" for "Basrah": a spelling of the main name, not an old or foreign one
    kind = gaz.kind[i]
    pop = gaz.population[i]
    cc = gaz.cc[i]
    if kind == 0:
        s = 11.0
    elif kind == 1:
        s = 4.0 + 0.5 * math.log10(pop + 10)
    elif kind == 2:
        s = 3.0
    elif kind == 3:
        s = 1.2 * math.log10(pop + 10)
        own_region = cc in same_name_city and (
            gaz.admin1_code[i] in same_name_city[cc] or pop >= 500_000)
        if own_region and pop >= 20_000:
            # "Kirkuk", "Basra": the city in the province of its name, or a city of half a
            # million ("Washington", the capital), unless the text says "province"; not a
            # smaller namesake elsewhere in the country ("snow fell in Wyoming" is the state,
            # not Wyoming, Michigan; "Delaware" not Delaware, Ohio)
            s += 2.0
        elif cc in same_name_city and pop < 20_000:
            s -= 3.0  # "Kansas" alone is the state, not the village of Kansas, Illinois
        if pop >= 1_000_000 and not alt:
            s += 1.5  # a city of millions by its own name: one namesake in the context won't do
    else:
        s = 8.0
    if alt:
        s -= 2.5 if kind == 3 else 1.5  # towns have many old and foreign names; trust them less
    if fuzzy:
        s -= 1.0
    if m.hint == "admin":
        s += 6.0 if kind == 1 else (-3.0 if kind in (3, 4) else 0.0)
    elif m.hint == "county":
        s += 6.0 if kind == 2 else 0.0
    if ctx is not None:
        total = sum(ctx.countries.values()) or 1
        a1 = f"{cc}.{gaz.admin1_code[i]}"
        # A town a twentieth the size of a city of 100,000 in another country that has its
        # name (Belfast, Maine, beside Belfast) needs two other names in its country, or one in its
        # region ("Paris" beside "Jackson": Tennessee has both): one name elsewhere in the
        # country ("Ainsworth", itself a guess) is too thin to take the name from the city.
        top_pop, top_cc = biggest_town
        dwarfed = (kind == 3 and top_pop >= 100_000 and pop * 20 < top_pop and cc != top_cc
                   and ctx.countries.get(cc, 0) < 2 and not ctx.support.get(a1)
                   and not ctx.admin1.get(a1) and not ctx.regions.get(a1))
        if cc and ctx.countries.get(cc) and not dwarfed:
            s += 1.5 + 2.5 * ctx.countries[cc] / total
        if kind != 0 and gaz.admin1_code[i] and ctx.admin1.get(a1):
            s += 2.0
        # A town a hundredth the size of a city of millions that has its name ("London",
        # Ohio) gets no pull from the region alone: England's London beside "Greenwich" and
        # "Alliance", which Ohio also has, stays in England; "London, Ohio" (containment) or
        # other names placed in Ohio still take it there.
        shadowed = kind == 3 and biggest >= 1_000_000 and pop * 100 < biggest
        if (kind != 0 and gaz.admin1_code[i] and ctx.regions.get(a1, 0) >= 2
                and not shadowed):
            s += 2.5  # the one region that holds most of the article's other names
        elif (kind in (2, 3, 4) and gaz.admin1_code[i] and not ctx.regions
              and not ctx.admin1.get(a1) and ctx.support.get(a1, 0) >= 1
              and pop * 10 >= biggest):
            # some other name of the article could lie in this region, and none says which
            # region the article is about: "Paris" with "Jackson" is Paris, Tennessee more
            # likely than Paris, Texas (a weaker pull than a dominant region's, and none for a
            # namesake a tenth the size of the name's largest place: Lisbon, Maine next to
            # "Amsterdam", which New York also has, is not the Lisbon meant)
            s += 1.0
        county = gaz.county.get(i, -1)
        named = ctx.counties.get(county, 0) > (county in ctx.own[0])  # by another name
        held = ctx.towns_in.get(i, 0) > (i in ctx.own[1])
        if (kind == 3 and named and not _named_after(gaz, county, m.lookup)) \
                or (kind == 2 and not alt and held):
            # a town and the county it lies in, both named ("Richmond" and "Madison County":
            # Kentucky's, where Missouri and Virginia each have one of the two); not a town
            # named like its county (DeKalb, Illinois in DeKalb County: "DeKalb County" in
            # Georgia says nothing of it)
            s += COUNTY_PAIR
        if kind in (2, 3, 4) and ctx.points:
            lat, lon = gaz.lat[i], gaz.lon[i]
            if any(_km(lat, lon, p[0], p[1]) < 150 for p in ctx.points):
                s += 1.0
    # "X, Y" says X lies in Y, but not when both are countries by their own names: "seven
    # countries: Mexico, Philippines, ..." is a list, not the town of Mexico in the Philippines
    country_name = any(gaz.kind[c] == 0 and not a for c, a, _ in m.candidates)
    for w in m.within:
        c = mentions[w].chosen
        if c is None or kind == 0 or alt or gaz.kind[c] not in (0, 1) or gaz.kind[c] >= kind:
            continue  # only a finer place by its own name sits in a country or region
        if country_name and gaz.kind[c] == 0:
            continue
        ck = gaz.kind[c]
        if (ck == 0 and gaz.cc[c] == cc) or (
            ck == 1 and gaz.cc[c] == cc and gaz.admin1_code[c] == gaz.admin1_code[i]
        ):
            s += 8.0
    return s


# What follows a town's everyday name in its full one: "Frankfurt am Main", "Newcastle upon Tyne",
# "Halle (Saale)", "Mülheim an der Ruhr", "Châlons-en-Champagne".
_QUALIFIER = re.compile(
    r"(?i)^(?:\s+(?:am|an der|an|im|in der|ob der|upon|on|sur)\s|\s*\(|"
    r"-(?:am|an|upon|on|sur|en|le|la)-)"
)


_VOWELS = re.compile(r"[aeiouy]|[^a-z]")
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
# Countries whose place names reach English news transliterated from another script (Arabic,
# Persian, Hebrew, Cyrillic, Greek, Georgian, Armenian, Ethiopic, Indic, East Asian), where
# the vowels an outlet writes vary: only there is "Jenin" the same name as "Janīn". In Latin
# scripts, Centerville and Centreville are two towns.
TRANSLITERATED_CCS = ARABIC_CCS | frozenset({
    "IR", "AF", "PK", "IL", "RU", "UA", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ", "MN", "GR",
    "GE", "AM", "ET", "ER", "IN", "BD", "NP", "LK", "MM", "TH", "KH", "LA", "CN", "TW", "JP",
    "KR", "KP",
})


def _spelling(name: str, said: str, cc: str = "") -> bool:
    """Whether ``said`` spells the place's main ``name`` (rather than being an old or foreign
    name of it): equal when folded ("Basra", "Basrah"), the everyday part of a qualified name
    ("Frankfurt" of "Frankfurt am Main"), or another transliteration, the same consonants in
    the same order with other vowels ("Jenin" for Janīn, "Khan Younis" for Khān Yūnis,
    "Avdiivka" for Avdiyivka; at least three consonants, the same first letter), in a country
    whose names are transliterated (:data:`TRANSLITERATED_CCS`).

    Why it matters: an alternate name is trusted less (a town has many old and foreign ones),
    and a transliteration is no such name: "Jenin" went to a village of 1,100 in Poland that
    has the name as its own, rather than the West Bank city of 35,000.
    """
    if fold(name) == fold(said) or _qualified(name, said):
        return True
    if cc not in TRANSLITERATED_CCS:
        return False
    a, b = key(name), key(said)
    # a final "h" after a vowel is a transliteration's too ("Darnah" for Derna, "Shabwah")
    ca, cb = (_VOWELS.sub("", _FINAL_H.sub("", x)) for x in (a, b))
    return len(ca) >= 3 and ca == cb and a[:1] == b[:1]


def _qualified(name: str, said: str) -> bool:
    """Whether ``name`` is ``said`` with a qualifier after it ("Frankfurt am Main" for
    "Frankfurt"): the everyday name of the place, not an old or foreign alternate one, so
    Frankfurt is not Frankfort, Kentucky, where GeoNames also lists "Frankfurt"."""
    return (len(name) > len(said) and name[: len(said)].casefold() == said.casefold()
            and bool(_QUALIFIER.match(name[len(said):])))


def _own_name_first(
    gaz: Gazetteer, m: Mention, candidates: list[tuple[int, bool, bool]]
) -> list[tuple[int, bool, bool]]:
    """``candidates`` for ``m`` less the towns that have its name only as an other spelling
    when a larger town bears it as its own.

    "Frankfurt" is GeoNames' alternate name of Frankfort, Kentucky (and of six more Frankforts)
    and the everyday name of Frankfurt am Main: however American the article, the name means the
    German city, unless the text places it ("Frankfort, Ky."). Alternates that begin with the
    name ("Avondale" for Avondale Estates, Georgia) stay: local news shortens names that way.
    """
    own = max((gaz.population[i] for i, alt, _ in candidates if gaz.kind[i] == 3
               and (not alt or _qualified(gaz.names[i], m.lookup))), default=0)
    if not own or m.within:
        return candidates
    said = key(m.lookup)
    return [c for c in candidates if not (
        c[1] and gaz.kind[c[0]] == 3 and gaz.population[c[0]] < own
        and not key(gaz.names[c[0]]).startswith(said))]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points, in km."""
    return _km(a[0], a[1], b[0], b[1])


def _choose(gaz: Gazetteer, mentions: list[Mention], ctxs: list[_Context | None]) -> None:
    for m, ctx in zip(mentions, ctxs, strict=True):
        if not m.candidates:
            m.chosen = None
            continue
        regions: dict[str, set[str]] = {}  # country -> admin-1 codes of same-named regions
        for i, _, _ in m.candidates:
            if gaz.kind[i] == 1:
                regions.setdefault(gaz.cc[i], set()).add(gaz.admin1_code[i])
        same = {cc: codes for cc, codes in regions.items()
                if any(gaz.kind[i] == 3 and gaz.cc[i] == cc for i, _, _ in m.candidates)}
        biggest = max(gaz.population[i] for i, _, _ in m.candidates)
        town = max(((gaz.population[i], gaz.cc[i]) for i, _, _ in m.candidates
                    if gaz.kind[i] == 3), default=(0, ""))
        scored = [(_score(gaz, m, c, ctx, mentions, same, biggest, town), _tie(gaz, c[0], ctx),
                   c[0]) for c in m.candidates]
        m.score, _, m.chosen = max(scored)


def _tie(gaz: Gazetteer, i: int, ctx: _Context | None) -> tuple[int, int]:
    """What decides between equal scores: more of the article's other names in the entry's
    region, then the larger place. ("DeKalb County" beside five "Decatur" and two "Avondale
    Estates" in Georgia, and five "Avondale" read in Illinois on the way: Georgia's county,
    not the one the gazetteer happens to list last.)"""
    near = ctx.admin1.get(f"{gaz.cc[i]}.{gaz.admin1_code[i]}", 0) if ctx is not None else 0
    return near, gaz.population[i]


def _contexts(
    gaz: Gazetteer, mentions: list[Mention], title_ccs: Counter[str]
) -> dict[str, _Context]:
    """{name key: the article's context for a mention of that name}: every other name's chosen
    entry (its country, admin-1 region and, for finer places, its point).

    Why per name and by subtraction: the context leaves out the mention's own name, so it is
    the same for every mention of one name; worked out as the whole article's counts less that
    name's own, it costs names x places, not mentions x mentions (a long article repeats its
    places thousands of times). Countries keep the order of their first mention outside the
    name, as ties in the most-named countries are broken by it.
    """
    rows: list[tuple[str, str, str | None, tuple[float, float] | None]] = []
    for m in mentions:
        i = m.chosen
        if i is None or not gaz.cc[i]:
            continue  # a continent or sea says nothing of the article's country
        a1 = f"{gaz.cc[i]}.{gaz.admin1_code[i]}" if gaz.kind[i] != 0 and gaz.admin1_code[i] \
            else None
        point = (gaz.lat[i], gaz.lon[i]) if gaz.kind[i] in (2, 3, 4) else None
        rows.append((key(m.lookup), gaz.cc[i], a1, point))
    countries: Counter[str] = Counter()
    admin1: Counter[str] = Counter()
    points: Counter[tuple[float, float]] = Counter()
    own: dict[str, tuple[Counter, Counter, Counter]] = {}
    first: dict[str, list[tuple[int, str]]] = {}  # cc -> first row, first row of another name
    for n, (k, cc, a1, point) in enumerate(rows):
        mine = own.setdefault(k, (Counter(), Counter(), Counter()))
        countries[cc] += 1
        mine[0][cc] += 1
        if a1:
            admin1[a1] += 1
            mine[1][a1] += 1
        if point:
            points[point] += 1
            mine[2][point] += 1
        seen = first.setdefault(cc, [])
        if not seen or (len(seen) == 1 and seen[0][1] != k):
            seen.append((n, k))
    out: dict[str, _Context] = {}
    for m in mentions:
        k = key(m.lookup)
        if k in out:
            continue
        mine = own.get(k, (Counter(), Counter(), Counter()))
        ctx = _Context(countries=Counter(title_ccs))
        order = []
        for cc, seen in first.items():
            at = [n for n, who in seen if who != k]
            if at and countries[cc] - mine[0][cc] > 0:
                order.append((at[0], cc))
        for _, cc in sorted(order):
            ctx.countries[cc] += countries[cc] - mine[0][cc]
        ctx.admin1 = Counter({a: c - mine[1][a] for a, c in admin1.items() if c > mine[1][a]})
        ctx.points = [p for p, c in points.items() if c > mine[2][p]]
        out[k] = ctx
    return out


def _named_after(gaz: Gazetteer, county: int, town: str) -> bool:
    """Whether the county's name is the town's name and a kind word ("DeKalb County")."""
    words = gaz.names[county].split()
    return len(words) > 1 and key(" ".join(words[:-1])) == key(town)


def _county_pairs(gaz: Gazetteer, mentions: list[Mention]) -> dict[str, tuple[set[int], set[int]]]:
    """{name key: (the counties it may name, the counties holding a town it may name)}."""
    out: dict[str, tuple[set[int], set[int]]] = {}
    for m in mentions:
        k = key(m.lookup)
        counties, towns_in = out.setdefault(k, (set(), set()))
        for i, alt, fuzzy in m.candidates:
            if fuzzy:
                continue
            if gaz.kind[i] == 2 and not alt:  # "Washington" alone names no county
                counties.add(i)
            elif gaz.kind[i] == 3 and i in gaz.county:
                towns_in.add(gaz.county[i])
    return out


def _region_votes(gaz: Gazetteer, mentions: list[Mention]) -> dict[str, set[str]]:
    """admin-1 key -> the distinct names of the article that have a plausible entry in it.

    Local news names towns without their state ("Decatur", "Avondale Estates", "DeKalb
    County"); each name alone has a dozen namesakes, but only one state holds them all. A
    candidate votes for its region when it is the region itself, a county, a curated site, or a
    town of 1,000+ by its own name (alternate names and hamlets are too many to mean anything).
    """
    out: dict[str, set[str]] = {}
    for m in mentions:
        k = key(m.lookup)
        for i, alt, fuzzy in m.candidates:
            kind = gaz.kind[i]
            if fuzzy or kind == 0 or not gaz.admin1_code[i]:
                continue
            if kind == 3 and (alt or gaz.population[i] < 1_000):
                continue
            out.setdefault(f"{gaz.cc[i]}.{gaz.admin1_code[i]}", set()).add(k)
    return out


def _dominant_region(names_in: dict[str, set[str]], own: str) -> dict[str, int]:
    """{region: votes} for the region holding strictly more of the other names than any other.

    Only a clear winner counts: a large state has a namesake of almost any town, so votes spread
    over many states say nothing, and a small-town namesake must not outweigh a famous city.
    """
    votes = sorted(((len(ns) - (own in ns), a1) for a1, ns in names_in.items()), reverse=True)
    if not votes or (len(votes) > 1 and votes[1][0] >= votes[0][0]):
        return {}
    return {votes[0][1]: votes[0][0]}


def resolve(doc: Document, gaz: Gazetteer, mentions: list[Mention]) -> None:
    """Choose each mention's gazetteer entry, using the article as context (see module doc)."""
    for m in mentions:
        m.candidates = _own_name_first(gaz, m, _candidates(gaz, m, []))
    _choose(gaz, mentions, [None] * len(mentions))
    names_in = _region_votes(gaz, mentions)
    for _ in range(2):
        by_name = _contexts(gaz, mentions, Counter())
        pairs = _county_pairs(gaz, mentions)
        counties: Counter[int] = Counter(c for named, _ in pairs.values() for c in named)
        towns_in: Counter[int] = Counter(c for _, held in pairs.values() for c in held)
        for name, c in by_name.items():  # one context per name, shared by its mentions
            c.regions = _dominant_region(names_in, name)
            c.support = {a1: len(ns) - (name in ns) for a1, ns in names_in.items()}
            c.counties, c.towns_in = counties, towns_in
            c.own = pairs.get(name, (set(), set()))
        ctxs = [by_name[key(m.lookup)] for m in mentions]
        top = [c.countries.most_common(3) for c in ctxs]
        for m, t in zip(mentions, top, strict=True):
            if not m.candidates:
                m.candidates = _own_name_first(gaz, m,
                                               _candidates(gaz, m, [cc for cc, _ in t]))
        _choose(gaz, mentions, ctxs)
    _one_sense(mentions)
    _outside_container(gaz, mentions)
    _feature_words(gaz, mentions)
    _country_parts(gaz, mentions)
    _facilities_abroad(gaz, mentions, doc.article.text)
    _lone_villages_abroad(gaz, mentions)


def _outside_container(gaz: Gazetteer, mentions: list[Mention]) -> None:
    """A place the text puts in a region or country ("Rockingham, Northamptonshire") is not
    an entry of another country, whatever namesake the gazetteer offered (Rockingham, North
    Carolina, where GeoNames lacks the English village): the mention is left unresolved and
    takes the region it is put in (:func:`eventdesk.places.approximate`)."""
    for m in mentions:
        i = m.chosen
        if i is None or gaz.kind[i] == 0:
            continue
        for j in m.within:
            c = mentions[j].chosen
            if c is not None and gaz.kind[c] in (0, 1, 2) and gaz.cc[c] and gaz.cc[c] != gaz.cc[i]:
                m.chosen = None
                break


def _country_parts(gaz: Gazetteer, mentions: list[Mention]) -> None:
    """A bare name that is one side of a country's "X and Y" name the article names is that
    country: "Trinidad" beside "Trinidad and Tobago" is the island of the country, not
    Trinidad, Colorado, which the article's "Washington" would otherwise pull it to. Only
    where the article names that country in full; alone, "Trinidad" stays a matter of context
    (Cuba has a city of that name too)."""
    parts: dict[str, int] = {}
    for m in mentions:
        i = m.chosen
        if i is None or gaz.kind[i] != 0:
            continue
        for name in (gaz.names[i], m.lookup):
            sides = re.split(r"\s+(?:and|&)\s+", name)
            if len(sides) == 2:
                for side in sides:
                    parts.setdefault(key(side), i)
    if not parts:
        return
    best = {m.chosen: m.score for m in mentions if m.chosen is not None}
    for m in mentions:
        entry = parts.get(key(m.lookup))
        if entry is not None and m.hint is None and m.chosen != entry:
            m.chosen, m.score = entry, best[entry]


def _facilities_abroad(gaz: Gazetteer, mentions: list[Mention], text: str = "") -> None:
    """A street, square or building named like a small town of another state is the
    facility, not the town: "Washington Square" in a New Orleans story whose other places lie
    in Louisiana is the square, not the Pennsylvania town of 13,000; so is a name the scan
    found heading a facility's name in ``text`` ("Carnegie Library", "Cornell University",
    "Loyola University in Los Angeles": Carnegie, Pennsylvania, a town of 8,000, or Loyola,
    California, of 3,000, are not where the article is), the mention then widened to the
    whole name. Only where another region holds more of the article's other names than the
    town's (names, not mentions: a first name read ten times as a Finnish town is one name);
    the mention is left unresolved and set in the article's town
    (:func:`eventdesk.places.approximate`)."""
    names_in = _placed_names(mentions, lambda i: f"{gaz.cc[i]}.{gaz.admin1_code[i]}"
                             if gaz.kind[i] != 0 and gaz.admin1_code[i] else None)
    for m in mentions:
        i = m.chosen
        if i is None or m.hint is not None or gaz.kind[i] != 3 \
                or gaz.population[i] >= _FACILITY_TOWN_POP:
            continue
        named = len(m.lookup.split()) >= 2 and key(m.lookup.split()[-1]) in _FACILITY
        after = None if named or m.source != "gazetteer" else _FACILITY_AFTER.match(text, m.end)
        if not named and after is None:
            continue
        own = key(m.lookup)
        held = {a1: len(ns - {own}) for a1, ns in names_in.items()}
        if held and held.get(f"{gaz.cc[i]}.{gaz.admin1_code[i]}", 0) < max(held.values()):
            m.chosen = None
            if after is not None:
                m.end = after.end()
                m.text = m.lookup = text[m.start:m.end]
                m.label = "FAC"


def _placed_names(mentions: list[Mention], area: Callable[[int], str | None]
                  ) -> dict[str, set[str]]:
    """Area (``area`` of a chosen entry: its admin-1 key, its country) -> the distinct names the
    article placed in it: names, not mentions, so a name read ten times is one vote."""
    out: dict[str, set[str]] = {}
    for m in mentions:
        where = area(m.chosen) if m.chosen is not None else None
        if where is not None:
            out.setdefault(where, set()).add(key(m.lookup))
    return out


LONE_VILLAGE_POP = 5_000  # see _lone_villages_abroad
LONE_VILLAGE_OTHERS = 3


def _lone_villages_abroad(gaz: Gazetteer, mentions: list[Mention]) -> None:
    """A village abroad that nothing else in the article is near is a guess too thin to keep:
    a town of under :data:`LONE_VILLAGE_POP` people in a country where none of the article's
    other names lie, while :data:`LONE_VILLAGE_OTHERS` or more other names lie in one other
    country ("Le Bernardin" in a story of New Orleans and New York is the restaurant, not
    Bernardin, Austria, a village of 4,300). The mention is left unresolved and set in the
    article's town (:func:`eventdesk.places.approximate`), as a building is."""
    countries = _placed_names(mentions, lambda i: gaz.cc[i] or None)
    if not countries:
        return
    for m in mentions:
        i = m.chosen
        if i is None or m.hint is not None or gaz.kind[i] != 3 \
                or gaz.population[i] >= LONE_VILLAGE_POP:
            continue
        own = key(m.lookup)
        if countries.get(gaz.cc[i], set()) - {own}:
            continue
        if max((len(ns - {own}) for cc, ns in countries.items() if cc != gaz.cc[i]),
               default=0) >= LONE_VILLAGE_OTHERS:
            m.chosen = None


# A facility word right after a name ("Carnegie| Library", "Cornell| University").
_FACILITY_AFTER = re.compile(
    r"\s+(?:" + "|".join(sorted((re.escape(w.capitalize()) for w in _FACILITY_WORDS.split()
                                  if w.isalpha()), key=len, reverse=True)) + r")\b")


# Words that name a kind of water or coast: alone ("the Gulf", "the Strait") they stand for the
# one such feature the article names in full.
_FEATURE_WORDS = frozenset({"gulf", "sea", "bay", "strait", "straits", "channel", "lake",
                            "river", "canal", "ocean", "lagoon", "sound", "delta"})


def _feature_words(gaz: Gazetteer, mentions: list[Mention]) -> None:
    """A bare "the Gulf" is the gulf the article names in full ("the Gulf of Mexico", "the
    Persian Gulf"), not whichever place the gazetteer knows as "Gulf" (a county in Florida, a
    province of Papua New Guinea): the full name must be "<word> of ..." or "... <word>" and
    the article must name only one such feature."""
    full: dict[str, set[int]] = {}
    for m in mentions:
        words = key(m.lookup).split()
        if m.chosen is None or len(words) < 2:
            continue
        if len(words) > 2 and words[1] == "of" and words[0] in _FEATURE_WORDS:
            full.setdefault(words[0], set()).add(m.chosen)
        elif words[-1] in _FEATURE_WORDS:
            full.setdefault(words[-1], set()).add(m.chosen)
    if not full:
        return
    best = {m.chosen: m.score for m in mentions if m.chosen is not None}
    for m in mentions:
        entries = full.get(key(m.lookup))
        if entries and len(entries) == 1 and m.hint is None:
            (entry,) = entries
            m.chosen, m.score = entry, best[entry]


def _one_sense(mentions: list[Mention]) -> None:
    """A bare mention of a name takes the place the text put that name in elsewhere.

    "Parkland, Florida" in the lead, then "Parkland" three times further on: the later
    mentions have no words of their own to place them, and the article's other names
    ("Washington", the capital, which could also be the state) may pull them to another
    Parkland. One name in one article is one place, unless the text says otherwise: only
    mentions without a containing place of their own follow, and only when the placed
    mentions of the name agree on one entry.
    """
    placed: dict[str, dict[int, float]] = {}  # name -> {entry: best score of a placed mention}
    for m in mentions:
        if m.within and m.chosen is not None:
            entries = placed.setdefault(key(m.lookup), {})
            entries[m.chosen] = max(m.score, entries.get(m.chosen, m.score))
    for m in mentions:
        if m.within or m.hint is not None:
            continue
        chosen = placed.get(key(m.lookup))
        if chosen and len(chosen) == 1:
            ((entry, score),) = chosen.items()
            if entry != m.chosen and any(i == entry for i, _, _ in m.candidates):
                m.chosen, m.score = entry, score  # as sure as the text that placed it


def keep_unresolved(m: Mention) -> bool:
    """Whether an unresolved mention is still worth reporting as a place.

    A GPE the gazetteer does not know is more likely an NER error ("Daesh", "MoD") than a
    country or city missing from GeoNames; a LOC/FAC (street, river, building) is a real place
    the gazetteer simply does not cover, kept with null coordinates.
    """
    if m.label in ("LOC", "FAC"):
        return True
    words = m.text.split()
    return m.source == "ner" and len(words) > 1 and key(words[-1]) in _FACILITY  # "Royal Street"


def to_place(doc: Document, gaz: Gazetteer, m: Mention, component: str) -> Place:
    """The :class:`Place` for a resolved (or unresolved: coordinates None) mention."""
    span = doc.span(m.start, m.end, component=component)
    if m.chosen is None:
        span.confidence = 0.3
        return Place(span=span)
    e: Entry = gaz.entry(m.chosen)
    span.confidence = round(min(1.0, max(0.3, m.score / 12.0)), 3)
    return Place(
        span=span,
        name=e.name,
        lat=e.lat,
        lon=e.lon,
        country=e.iso3 or None,
        admin1=e.admin1 if e.kind != "country" else None,
        geonameid=e.geonameid,
        feature=e.feature,
        level=_LEVEL[e.kind],
    )


def specificity(place: Place) -> int:
    """Larger for finer places: point 4, city 3, admin1 2, country 1, unresolved 0."""
    return _SPECIFICITY.get(place.level or "", 0)
