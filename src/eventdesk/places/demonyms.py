"""Demonyms ("Russian", "Iraqis", "South Korean") as country mentions, kept apart from places.

Why emit them at all: a demonym does name a country, and the geoparsing gold standards count it
as a toponym (GeoWebNews types it Non_Literal_Modifier, LGL lists it as any other), so an
analyst filtering an archive by country, or a scorer of recognition, expects "Russian hackers" to
say *Russia*. Why apart: it says whose, not where. "Russian hackers attacked a Kyiv bank" did not
happen in Russia. So each comes out as a :class:`Place` at its country's centre with
``feature = "demonym"`` (:data:`DEMONYM_FEATURE`), and nothing that decides where something
happened (the event locator, the town that streets are set in) takes one.
"""

from __future__ import annotations

from ..types import Document, Place
from .gazetteer import Gazetteer

DEMONYM_FEATURE = "demonym"
_MAX_WORDS = 3  # "Papua New Guinean"
_NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC"})
# Head words of place names that start with a demonym ("French Quarter", "Indian Ocean").
_GEOGRAPHIC = frozenset({
    "quarter", "ocean", "sea", "gulf", "peninsula", "riviera", "alps", "islands", "island",
    "highlands", "plateau", "desert", "coast", "strait", "channel", "basin", "plain", "plains",
})


def is_demonym_place(place: Place) -> bool:
    """Whether ``place`` is a demonym's country (see the module docstring), not a place named."""
    return place.feature == DEMONYM_FEATURE


def demonym_places(doc: Document, gaz: Gazetteer, places: list[Place],
                   component: str) -> list[Place]:
    """Country mentions for the capitalised demonyms of ``doc`` that overlap none of ``places``.

    Longest match first ("South Korean" before "Korean"); a demonym inside a person's name
    ("Irish Murphy") or a longer place's ("the French Quarter", "the Indian Ocean": NER's place
    entities, resolved or not, or a demonym before a capitalised geographic word NER missed)
    is part of the name, not a country.
    """
    from ..entities.dictionary import country_demonyms

    table = country_demonyms()
    cc_of = {iso3: cc for cc, iso3 in gaz.iso3.items()}
    text = doc.article.text
    taken = sorted((p.span.start, p.span.end) for p in places)
    names = [(e.span.start, e.span.end) for e in doc.entities
             if e.kind in _NAME_LABELS and " " in e.span.text.strip()]

    def free(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
        return not any(a < e and s < b for a, b in spans)

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
            iso3 = table.get(" ".join(surface.split()).lower())
            cc = cc_of.get(iso3 or "")
            if cc is None or cc not in gaz.country_ids:
                continue
            nxt = toks[i + n] if i + n < len(toks) else None
            geographic = nxt is not None and nxt.text[:1].isupper() and \
                nxt.text.lower() in _GEOGRAPHIC
            if free(s, e, taken) and free(s, e, names) and not geographic:
                c = gaz.entry(gaz.country_ids[cc])
                span = doc.span(s, e, component=component)
                span.confidence = 0.5
                out.append(Place(span=span, name=c.name, lat=c.lat, lon=c.lon, country=c.iso3,
                                 geonameid=c.geonameid, feature=DEMONYM_FEATURE,
                                 level="country"))
            step = n
            break
        i += step
    return out
