"""Demonyms ("Russian", "Iraqis", "Kurdish") as mentions of their country or region, kept apart.

Why emit them at all: a demonym does name a country, and the geoparsing gold standards count it
as a toponym (GeoWebNews types it Non_Literal_Modifier, LGL lists it as any other), so an
analyst filtering an archive by country, or a scorer of recognition, expects "Russian hackers" to
say *Russia* ("Kurdish fighters", the Kurdistan Region; "Asian markets", Asia). Why apart: it
says whose, not where. "Russian hackers attacked a Kyiv bank" did not happen in Russia. So each
comes out as a :class:`Place` at its country's or region's centre with ``feature = "demonym"``
(:data:`DEMONYM_FEATURE`), and nothing that decides where something happened (the event
locator, the town that streets are set in) takes one.
"""

from __future__ import annotations

from ..types import Document, Place
from .gazetteer import Gazetteer

DEMONYM_FEATURE = "demonym"
_MAX_WORDS = 3  # "Papua New Guinean"
# Demonyms of continents, world regions and regions within countries, which the countries table
# does not hold, with the gazetteer name of the place each names (written for eventdesk; the
# people's plurals, "Kurds", "Asians", as the actor dictionary forms them).
REGION_DEMONYMS: dict[str, str] = {
    "Asian": "Asia", "African": "Africa", "European": "Europe",
    "Latin American": "Latin America", "Scandinavian": "Scandinavia",
    "Korean": "South Korea", "English": "England", "Scottish": "Scotland", "Scot": "Scotland",
    "Welsh": "Wales", "Kurdish": "Kurdistan", "Kurd": "Kurdistan", "Dagestani": "Dagestan",
    "Chechen": "Chechnya", "Abkhaz": "Abkhazia", "Abkhazian": "Abkhazia", "Tibetan": "Tibet",
    "Kashmiri": "Kashmir", "Catalan": "Catalonia", "Crimean": "Crimea", "Sicilian": "Sicily",
    "Bavarian": "Bavaria", "Flemish": "Flanders", "Quebecer": "Quebec", "Darfuri": "Darfur",
    "Texan": "Texas", "Californian": "California", "Floridian": "Florida",
    # US states' people, as local news names them (not those that also name a newspaper or a
    # magazine: "The Oklahoman", "The Tennessean", "The New Yorker", "The Oregonian")
    "Ohioan": "Ohio", "Minnesotan": "Minnesota", "Iowan": "Iowa", "Kansan": "Kansas",
    "Arizonan": "Arizona", "Coloradan": "Colorado", "Alaskan": "Alaska", "Hawaiian": "Hawaii",
    "Nevadan": "Nevada", "Michigander": "Michigan", "Kentuckian": "Kentucky",
    "Pennsylvanian": "Pennsylvania", "Missourian": "Missouri", "Arkansan": "Arkansas",
    "Louisianan": "Louisiana", "Mississippian": "Mississippi", "Alabamian": "Alabama",
    "Nebraskan": "Nebraska", "Utahn": "Utah", "Vermonter": "Vermont", "Marylander": "Maryland",
    "Wisconsinite": "Wisconsin", "Illinoisan": "Illinois", "Virginian": "Virginia",
    "West Virginian": "West Virginia", "Idahoan": "Idaho", "Montanan": "Montana",
}
_NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC"})
# Head words of place names that start with a demonym ("French Quarter", "Indian Ocean").
_GEOGRAPHIC = frozenset({
    "quarter", "ocean", "sea", "gulf", "peninsula", "riviera", "alps", "islands", "island",
    "highlands", "plateau", "desert", "coast", "strait", "channel", "basin", "plain", "plains",
})


def is_demonym_place(place: Place) -> bool:
    """Whether ``place`` is a demonym's country or region (see the module docstring), not a
    place the text names."""
    return place.feature == DEMONYM_FEATURE


def demonym_places(doc: Document, gaz: Gazetteer, places: list[Place],
                   component: str) -> list[Place]:
    """Country and region mentions for the capitalised demonyms of ``doc`` that overlap none of
    ``places``.

    Longest match first ("South Korean" before "Korean"); a demonym inside a person's name
    ("Irish Murphy") or a longer place's ("the French Quarter", "the Indian Ocean": NER's place
    entities, resolved or not, or a demonym before a capitalised geographic word NER missed)
    is part of the name, not a country.
    """
    from ..entities.dictionary import country_demonyms

    entries = _demonym_entries(gaz, country_demonyms())
    text = doc.article.text
    # characters already a place's, or inside a multi-word name: one mask, so a long article's
    # thousands of demonyms are not each compared with every place
    taken = bytearray(len(text) + 1)
    for a, b in [(p.span.start, p.span.end) for p in places] + [
            (e.span.start, e.span.end) for e in doc.entities
            if e.kind in _NAME_LABELS and " " in e.span.text.strip()]:
        taken[a:b] = b"\x01" * (b - a)

    toks = doc.tokens
    out: list[Place] = []
    i = 0
    while i < len(toks):
        step = 1
        for n in range(min(_MAX_WORDS, len(toks) - i), 0, -1):
            run = toks[i : i + n]
            s, e = run[0].start, run[-1].end
            surface = text[s:e]
            if not surface[:1].isupper() or "\n" in surface or "  " in surface:
                continue
            entry = entries.get(" ".join(surface.split()).lower())
            if entry is None:
                continue
            nxt = toks[i + n] if i + n < len(toks) else None
            geographic = nxt is not None and nxt.text[:1].isupper() and \
                nxt.text.lower() in _GEOGRAPHIC
            if not any(taken[s:e]) and not geographic:
                c = gaz.entry(entry)
                span = doc.span(s, e, component=component)
                span.confidence = 0.5
                out.append(Place(span=span, name=c.name, lat=c.lat, lon=c.lon,
                                 country=c.iso3 or None,
                                 admin1=c.admin1 if c.kind == "admin1" else None,
                                 geonameid=c.geonameid, feature=DEMONYM_FEATURE,
                                 level="admin1" if c.kind == "admin1" else "country"))
            step = n
            break
        i += step
    return out


_ENTRIES: dict[int, dict[str, int]] = {}


def _demonym_entries(gaz: Gazetteer, countries: dict[str, str]) -> dict[str, int]:
    """Lower-cased demonym -> gazetteer entry: countries from the actors' table, then the
    regions of :data:`REGION_DEMONYMS` (a region's own name, a country or an admin-1 region)."""
    from ..entities.dictionary import people_forms

    cached = _ENTRIES.get(id(gaz))
    if cached is not None:
        return cached
    cc_of = {iso3: cc for cc, iso3 in gaz.iso3.items()}
    out: dict[str, int] = {}
    for dem, iso3 in countries.items():
        cc = cc_of.get(iso3)
        if cc in gaz.country_ids:
            out[dem] = gaz.country_ids[cc]
    for dem, name in REGION_DEMONYMS.items():
        hits = [i for i, alt in gaz.lookup_strict(name) if not alt and gaz.kind[i] in (0, 1)]
        if not hits:
            continue
        for form in (dem, *people_forms(dem)):
            out.setdefault(form.lower(), hits[0])
    _ENTRIES.clear()  # one gazetteer per process; a rebuilt one replaces it
    _ENTRIES[id(gaz)] = out
    return out
