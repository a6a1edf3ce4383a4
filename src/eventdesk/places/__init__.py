"""Places: toponyms found, resolved to coordinates, country and admin-1; where each event happened.

Two pipeline components:

- :class:`PlaceComponent` (``eventdesk.places.v1``) fills ``doc.places`` with every toponym in the
  article, resolved against the offline :func:`gazetteer` using the article as context;
- :class:`EventLocator` (``eventdesk.event_location.v1``) gives each event the place it happened.

:func:`geoparse` runs recognition and resolution on plain text, for evaluation and scripts.
``python -m eventdesk.places --bench`` measures the gazetteer's load time and memory.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import InputError
from ..types import Article, Document, Entity, Place
from .demonyms import DEMONYM_FEATURE, demonym_places, is_demonym_place
from .gazetteer import Gazetteer, gazetteer
from .locate import Locator, dominant_place, is_actor_mention, located_copy
from .resolve import Mention, keep_unresolved, recognise, resolve, to_place

if TYPE_CHECKING:
    from ..pipeline import Options

__all__ = [
    "DEMONYM_FEATURE",
    "EventLocator",
    "Gazetteer",
    "PlaceComponent",
    "dominant_place",
    "gazetteer",
    "geoparse",
    "is_actor_mention",
    "is_demonym_place",
]


class PlaceComponent:
    """``eventdesk.places.v1``: every toponym of the article as a resolved :class:`Place`.

    Streets, rivers and buildings (LOC/FAC) the gazetteer cannot resolve are placed at the town
    the article puts them in (:func:`approximate`), at that town's precision and marked
    ``feature="approx"``, or kept with null coordinates where the article names no town. An
    unknown GPE is dropped: it is far more often an NER error than a missing town, unless a
    town named beside it sets it (a village under GeoNames' 500 people). Demonyms
    come out as their country or region with ``feature="demonym"``
    (:mod:`eventdesk.places.demonyms`).
    """

    name = "eventdesk.places.v1"
    requires: tuple[str, ...] = ("sentences", "entities")
    assigns: tuple[str, ...] = ("places",)

    def __init__(self, options: Options | None = None):
        self.gaz = gazetteer()

    def __call__(self, doc: Document) -> Document:
        mentions = recognise(doc, self.gaz)
        resolve(doc, self.gaz, mentions)
        sizes = {self.gaz.geonameid[m.chosen]: self.gaz.population[m.chosen]
                 for m in mentions if m.chosen is not None}
        villages = {m.start for m in mentions
                    if m.chosen is None and not keep_unresolved(m) and _village_like(doc, m)}
        places = approximate([
            to_place(doc, self.gaz, m, self.name)
            for m in mentions
            if m.chosen is not None or keep_unresolved(m) or m.start in villages
        ], doc.article.text, sizes, local_only=villages)
        places = [p for p in places if p.lat is not None or p.span.start not in villages]
        places += demonym_places(doc, self.gaz, places, self.name)
        doc.places = sorted(places, key=lambda p: p.span.start)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for d in docs:
            yield self(d)


APPROX_FEATURE = "approx"  # ``Place.feature`` of a place given its town's position
# Places far larger than a town, which no town stands for: an ocean, a continent, a coast or a
# mountain range named in a local story is not in that story's town ("the Pacific" in a Hanoi
# story was pinned on Hanoi).
_WIDE_LAST_WORDS = frozenset({
    "ocean", "sea", "seas", "coast", "mountains", "range", "desert", "gulf", "peninsula",
    "plateau", "plains", "strait", "straits", "channel", "continent", "basin", "archipelago",
})
_WIDE_NAMES = frozenset({
    "africa", "america", "americas", "antarctica", "arctic", "asia", "atlantic", "balkans",
    "caribbean", "caucasus", "europe", "eurasia", "levant", "mediterranean", "middle east",
    "north america", "oceania", "pacific", "sahara", "sahel", "south america", "appalachians",
    "the west", "west coast", "east coast", "far east", "gulf", "southeast asia", "central asia",
})


def _wide(text: str) -> bool:
    """Whether a place name names something far larger than a town (see _WIDE_NAMES)."""
    words = text.lower().replace("the ", "", 1).split()
    return bool(words) and (" ".join(words) in _WIDE_NAMES or words[-1] in _WIDE_LAST_WORDS)


def _village_like(doc: Document, m: Mention) -> bool:
    """Whether an unresolved name NER calls a place may be a village the gazetteer lacks
    ("Toomevara", Tipperary, 400 people; GeoNames' cities500 stops at 500): capitalised words,
    no acronym, no digits, and no party the actors stage knows by it ("Daesh", "MoD")."""
    words = m.text.split()
    if m.label != "GPE" or m.source != "ner" or len(m.text) < 4 or not words:
        return False
    if any(not w[:1].isupper() or w.isupper() or any(c.isdigit() for c in w) for w in words):
        return False
    return not any(e.span.start < m.end and m.start < e.span.end and (e.code or e.country)
                   for e in doc.entities)


_IN_NEXT = re.compile(r"\s*,\s*")
_OWNED_BY = re.compile(r"['’]s\s")


def approximate(places: list[Place], text: str = "", sizes: dict[int, int] | None = None,
                local_only: set[int] | None = None) -> list[Place]:
    """Give each unresolved place (a street, a building, a river: no gazetteer has them) the
    position of the town the article sets it in, and return ``places``.

    Why: "Royal Street", "the Third Presbyterian Church" in a New Orleans story are in New
    Orleans; an analyst mapping events wants them there at town precision (what ACLED's
    geo-precision 2 means) rather than off the map. The town is the nearest town-level place
    (a city or a point) of the article's main country (the one its places name most) named
    before it in its sentence, else in the sentence before in its paragraph of ``text``
    ("Police in Miami Beach said ... The hotel on Collins Avenue ..."), else the one of those
    the article names most (ties: the larger by ``sizes``, {geonameid: population}, as a large
    town has more streets; then the earlier). With no town in the article the place stays
    without coordinates: a country's centre says nothing about where a street is; nor does an
    ocean, a continent, a coast or a mountain range get a town's position (:func:`_wide`).
    The copy keeps its own text and span; ``name`` is the town's, ``geonameid`` is null and
    ``feature`` is :data:`APPROX_FEATURE`, so nobody takes it for a gazetteer entry. Places
    whose span starts in ``local_only`` (a village the gazetteer lacks) take only a town named
    beside them (their sentence or the one before), never the article's main town.
    """
    towns = [p for p in places if p.lat is not None and p.level in ("city", "point")
             and p.feature != APPROX_FEATURE]
    if not towns or all(p.lat is not None for p in places):
        return places
    # towns by where their span starts and ends: the one the text joins to a place (below),
    # in any country
    starts = {t.span.start: t for t in towns}
    ends = {t.span.end: t for t in towns}
    # Only towns of the country the article names most: a surname read as a town abroad
    # ("Dubreuil", Mauritius, in a New Orleans story) must not carry its streets away.
    countries = Counter(p.country for p in places if p.lat is not None and p.country)
    if countries:
        top = max(countries, key=lambda c: (countries[c], -min(
            p.span.start for p in places if p.country == c)))
        towns = [t for t in towns if t.country == top] or towns
    counts = Counter((p.name, p.country) for p in towns)
    sizes = sizes or {}
    main = max(towns, key=lambda p: (counts[(p.name, p.country)],
                                     sizes.get(p.geonameid or -1, 0), -p.span.start))
    for i, p in enumerate(places):
        if p.lat is not None or _wide(p.span.text):
            continue
        # "Oulton Park, Cheshire", "Derry's Altnagelvin Hospital": the town the text puts it
        # in, right after or before it, whatever country the article names most
        joined = None
        if text:
            nxt = _IN_NEXT.match(text, p.span.end)
            own = _OWNED_BY.search(text, max(0, p.span.start - 4), p.span.start)
            joined = (starts.get(nxt.end()) if nxt else None) or (
                ends.get(own.start()) if own and own.end() == p.span.start else None)
        before = [joined] if joined else [t for t in towns if
                                          t.span.sentence == p.span.sentence >= 0
                                          and t.span.end <= p.span.start]
        if not before and text:
            before = [t for t in towns if t.span.sentence == p.span.sentence - 1 >= 0
                      and "\n" not in text[t.span.end : p.span.start]]
        if not before and local_only and p.span.start in local_only:
            continue  # a village is placed only by a town named beside it
        town = before[-1] if before else main
        places[i] = replace(p, name=town.name, lat=town.lat, lon=town.lon, country=town.country,
                            admin1=town.admin1, geonameid=None, feature=APPROX_FEATURE,
                            level="city")
    return places


class EventLocator:
    """``eventdesk.event_location.v1``: sets ``event.location`` where an event lacks one.

    See :mod:`eventdesk.places.locate` for the order of preference. An event whose article names
    no resolvable place keeps ``location = None``.
    """

    name = "eventdesk.event_location.v1"
    requires: tuple[str, ...] = ("events", "places")
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, options: Options | None = None):
        pass  # no state: the places were resolved by PlaceComponent

    def __call__(self, doc: Document) -> Document:
        locator = Locator(doc)
        for ev in doc.events:
            if ev.location is not None:
                continue
            place, step = locator.locate(ev)
            if place is not None:
                ev.location = located_copy(place, step, self.name)
        return doc


def geoparse(text: str, entities: list[Entity] | None = None) -> list[Place]:
    """Toponyms of ``text``, resolved; runs the spaCy stage for the parse.

    ``entities`` (offsets into ``text``) replace spaCy's own entities when given, e.g. gold or
    another recogniser's spans.
    """
    if not isinstance(text, str):
        raise InputError(
            f"geoparse needs a str, got {type(text).__name__}", hint="pass the article text"
        )
    from ..nlp import SpacyComponent

    doc = SpacyComponent()(Document(article=Article(id="text", text=text)))
    if entities is not None:
        doc.entities = list(entities)
    return PlaceComponent()(doc).places
