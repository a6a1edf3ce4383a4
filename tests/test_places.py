"""Places: gazetteer, recognition, context resolution, event location.

Sentences here are written for these tests (not taken from any corpus). They need the spaCy
model and the gazetteer (built into the user cache on first use, about a minute), hence ``slow``.
"""

from __future__ import annotations

import pytest

from eventdesk.places import (
    EventLocator,
    PlaceComponent,
    gazetteer,
    is_actor_mention,
    is_demonym_place,
)
from eventdesk.places.locate import names_a_party
from eventdesk.places.normalize import fold, key
from eventdesk.places.resolve import distance_km
from eventdesk.types import Actor, Article, Document, Event, Place

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parse():
    from eventdesk.nlp import SpacyComponent

    nlp, places = SpacyComponent(), PlaceComponent()

    def run(text: str) -> Document:
        return places(nlp(Document(article=Article(id="t", text=text))))

    return run


def _by_text(doc: Document) -> dict[str, Place]:
    return {p.span.text: p for p in doc.places}


def test_normalised_keys_merge_transliterations():
    assert key("Al-Başrah") == "al basrah"
    assert fold("Miqdadiya") == fold("Al Miqdadiyah")
    assert fold("Kirkuk") != fold("Karbala")


def test_gazetteer_loads_fast_and_knows_regions():
    gaz = gazetteer()
    assert len(gaz) > 200_000
    assert gaz.load_seconds < 30  # first use may build; the bench script times a warm load
    kinds = {gaz.entry(i).kind for i, _ in gaz.lookup("Anbar")}
    assert "admin1" in kinds


def test_a_region_whose_towns_crowd_one_end_has_its_gazetteer_point_not_their_middle():
    """Ontario's towns lie in its south: the middle of them is 290 km from GeoNames' point for
    the province, which is what other resolvers and gold data use (curated.csv); a region
    without such a point keeps the middle of its towns (Anbar's)."""
    gaz = gazetteer()

    def region(name: str, cc: str):
        (e,) = [gaz.entry(i) for i, _ in gaz.lookup(name)
                if gaz.entry(i).kind == "admin1" and gaz.entry(i).iso3 == cc]
        return e

    ontario = region("Ontario", "CAN")
    assert distance_km((ontario.lat, ontario.lon), (49.25, -84.50)) < 1
    anbar = region("Anbar", "IRQ")
    assert distance_km((anbar.lat, anbar.lon), (33.4, 42.3)) < 150


def test_equal_scores_go_to_the_region_holding_more_of_the_articles_names(parse):
    text = ("Decatur wants to annex land from its neighbor. Avondale Estates officials object, "
            "and Decatur says the land is unused. Avondale residents met on Monday. Decatur "
            "will ask DeKalb County lawmakers to support the bill. Avondale Estates has asked "
            "Decatur and Avondale to wait.")
    doc = parse(text)
    (county,) = [p for p in doc.places if p.span.text == "DeKalb County"]
    assert county.admin1 == "Georgia"


def test_a_name_before_border_is_the_region(parse):
    doc = parse("The toll road runs 123 miles from the New York border to Boston.")
    (ny,) = [p for p in doc.places if p.span.text == "New York"]
    assert ny.level == "admin1" and ny.admin1 == "New York"


IRAQ = (
    "Gunmen attacked a checkpoint in Miqdadiya on Tuesday, Iraqi police said. Security forces "
    "in Anbar and Nineveh were put on alert, and a rocket hit near Kirkuk. Officials in Basra "
    "said oil exports from Iraq were not affected."
)


def test_iraq_context_resolves_governorates_and_cities(parse):
    places = _by_text(parse(IRAQ))
    anbar, nineveh = places["Anbar"], places["Nineveh"]
    assert (anbar.country, anbar.level) == ("IRQ", "admin1")
    assert (nineveh.country, nineveh.level, nineveh.name) == ("IRQ", "admin1", "Ninawa")
    miq = places["Miqdadiya"]
    assert miq.country == "IRQ" and miq.admin1 == "Diyala"
    assert distance_km((miq.lat, miq.lon), (33.98, 44.94)) < 25
    kirkuk, basra = places["Kirkuk"], places["Basra"]
    assert kirkuk.level == "city" and distance_km((kirkuk.lat, kirkuk.lon), (35.47, 44.39)) < 25
    assert basra.level == "city" and distance_km((basra.lat, basra.lon), (30.51, 47.78)) < 25
    assert places["Iraq"].level == "country" and places["Iraq"].country == "IRQ"


def test_demonyms_are_their_country_marked_as_demonyms_not_places(parse):
    doc = parse("Iraqi and British officers met Kurdish leaders while American diplomats watched "
                "Russians in the French Quarter.")
    dem = {p.span.text: p for p in doc.places if is_demonym_place(p)}
    assert {t: (p.country, p.level) for t, p in dem.items()} == {
        "Iraqi": ("IRQ", "country"), "British": ("GBR", "country"),
        "Kurdish": ("IRQ", "admin1"), "American": ("USA", "country"),
        "Russians": ("RUS", "country"),
    }  # "French" is part of a place's name here
    assert all(p.feature == "demonym" and p.lat is not None for p in dem.values())
    iraq = gazetteer().entry(gazetteer().country_ids["IQ"])
    assert (dem["Iraqi"].lat, dem["Iraqi"].lon) == (iraq.lat, iraq.lon)
    assert [p.span.start for p in doc.places] == sorted(p.span.start for p in doc.places)


def test_demonyms_of_continents_and_regions(parse):
    doc = parse("Asian markets fell as Scottish and Chechen leaders met.")
    dem = {p.span.text: p for p in doc.places if is_demonym_place(p)}
    assert (dem["Asian"].name, dem["Asian"].country) == ("Asia", None)
    assert (dem["Scottish"].admin1, dem["Scottish"].level) == ("Scotland", "admin1")
    assert (dem["Chechen"].country, dem["Chechen"].admin1) == ("RUS", "Chechnya")


def test_a_demonym_is_never_where_an_event_happened(parse):
    doc = parse("Russian hackers attacked the computers of a bank.")
    ev = _event(doc, "attacked")
    EventLocator()(doc)
    assert [p.span.text for p in doc.places] == ["Russian"]
    assert ev.location is None


def test_us_context_with_state(parse):
    doc = parse("The mayor of Springfield, Illinois, opened a new library on Monday.")
    spring = _by_text(doc)["Springfield"]
    assert spring.country == "USA" and spring.admin1 == "Illinois"
    assert distance_km((spring.lat, spring.lon), (39.80, -89.64)) < 25


def test_containment_in_a_region(parse):
    doc = parse("Two soldiers died near Haditha in Anbar province, the army said.")
    places = _by_text(doc)
    assert places["Haditha"].country == "IRQ" and places["Haditha"].admin1 == "Anbar"
    assert places["Anbar province"].level == "admin1"


def test_curated_bases(parse):
    doc = parse(
        "Rockets struck the K1 base near Kirkuk and later Ain al-Asad air base in western Iraq."
    )
    found = {p.name: p for p in doc.places}
    k1, asad = found["K-1 Air Base"], found["Ain al-Asad Air Base"]
    assert k1.level == "point" and k1.country == "IRQ" and k1.admin1 == "Kirkuk"
    assert asad.level == "point" and asad.admin1 == "Anbar"


def test_curated_districts_of_the_afghan_border(parse):
    doc = parse("Drone strikes hit South Waziristan as militants fled FATA.")
    sw, fata = _by_text(doc)["South Waziristan"], _by_text(doc)["FATA"]
    assert sw.country == fata.country == "PAK"
    assert abs(sw.lat - 32.3) < 0.5 and abs(sw.lon - 69.7) < 0.5


def test_curated_site_wins_over_the_city_it_is_named_after(parse):
    doc = parse("The convoy was hit on the road to Baghdad airport on Friday.")
    (airport,) = [p for p in doc.places if p.span.text == "Baghdad airport"]
    assert airport.level == "point" and airport.name == "Baghdad International Airport"


def test_curated_landmarks_news_names_as_sites(parse):
    """Rooms of the White House, squares and sites that news names as where things happened,
    which GeoNames' towns lack: each at its own point, not dropped and not a namesake town."""
    doc = parse(
        "Trump met the ministers in the Oval Office. Crowds filled Tiananmen Square, and "
        "police cleared Tahrir Square. A man went to Disneyworld in a T-shirt."
    )
    found = {p.span.text: p for p in doc.places}
    assert found["Oval Office"].name == "White House" and found["Oval Office"].country == "USA"
    square = found["Tiananmen Square"]
    assert square.country == "CHN" and abs(square.lat - 39.91) < 0.05
    assert found["Tahrir Square"].country == "EGY"
    assert found["Disneyworld"].admin1 == "Florida"


def test_one_side_of_a_two_part_country_named_in_full_is_that_country(parse):
    """ "Trinidad" beside "Trinidad and Tobago" is the country's island, not Trinidad,
    Colorado, which "Washington" pulls it towards; without the full name it is left alone."""
    text = ("Dominica thanked Trinidad and Tobago for its help. Trinidad had opposed the motion "
            "in Washington.")
    places = [p for p in parse(text).places if p.span.text == "Trinidad"]
    assert [p.country for p in places] == ["TTO"]
    alone = [p for p in parse("Trinidad had opposed the motion in Washington.").places
             if p.span.text == "Trinidad"]
    assert all(p.name != "Trinidad and Tobago" for p in alone)


def test_a_small_town_heading_a_facility_name_abroad_is_the_facility(parse):
    """ "Carnegie Library" in a New Orleans story is a library there (named after a person),
    not Carnegie, Pennsylvania, a town of 8,000 the scan finds in the name; a large town
    heading a building's name keeps it ("St. Cloud" is a city of 68,000)."""
    doc = parse("Next door, on the corner of Frenchmen Street in New Orleans, was a Carnegie "
                "Library built in 1902. Baton Rouge and Lafayette sent donations.")
    (lib,) = [p for p in doc.places if p.span.text.startswith("Carnegie")]
    assert lib.span.text == "Carnegie Library" and lib.country == "USA"
    assert lib.admin1 != "Pennsylvania" and abs(lib.lat - 29.95) < 0.2


def test_a_lone_village_abroad_is_no_guess_to_keep(parse):
    """A village of a country no other name of the article lies in, among three or more names
    of one other country, is left to the article's towns ("Le Bernardin" is no Austrian
    village of 4,300 in a story of American restaurants)."""
    doc = parse("Chef Jae Jung cooked in New Orleans, Houston and Chicago before Le Bernardin. "
                "She now runs a kitchen in Dallas.")
    assert all(p.country == "USA" for p in doc.places if p.lat is not None), [
        (p.span.text, p.country) for p in doc.places]


def test_a_name_before_a_comma_and_a_region_is_a_place_in_it(parse):
    """A racing calendar ("Knockhill, Fife", "Rockingham, Northamptonshire") that NER leaves
    untagged: each name is a place in the region after it (the English county, not Kent,
    Ohio), never a namesake abroad (Rockingham, North Carolina); a list of children ("Mason,
    Devon and Mia") names no county."""
    doc = parse("2018 calendar. 11/12 August: Rockingham, Northamptonshire. 25/26 August: "
                "Knockhill, Fife. 29/30 September: Brands Hatch GP, Kent.")
    found = {p.span.text: p for p in doc.places}
    for name in ("Rockingham", "Knockhill", "Fife", "Kent"):
        assert found[name].country == "GBR", (name, found[name])
    assert abs(found["Knockhill"].lat - 56.2) < 0.5 and abs(found["Knockhill"].lon + 3.2) < 0.6
    kids = parse("Mason, Devon and Mia were at the cottage with their father.")
    assert not [p for p in kids.places if p.span.text == "Devon"]


def test_speaker_capital_never_becomes_the_fallback_location(parse):
    doc = parse("Baghdad said talks would resume. Negotiators met again on Sunday.")
    ev = _event(doc, "met", "CONSULT")
    EventLocator()(doc)
    assert ev.location is None


def test_spans_match_text_and_levels_are_known(parse):
    doc = parse(IRAQ + " The delegation then flew from Baghdad to Washington and London.")
    assert doc.places
    for p in doc.places:
        assert doc.article.text[p.span.start : p.span.end] == p.span.text
        assert p.level in {"point", "city", "admin1", "country", None}
        assert (p.lat is None) == (p.level is None)


def test_capital_as_speaker_is_an_actor_not_a_location(parse):
    doc = parse("Baghdad said on Monday that militants attacked a market in Tikrit.")
    baghdad = _by_text(doc)["Baghdad"]
    assert is_actor_mention(doc, baghdad)
    tikrit = _by_text(doc)["Tikrit"]
    assert not is_actor_mention(doc, tikrit)
    ev = _event(doc, "attacked")
    EventLocator()(doc)
    assert ev.location is not None and ev.location.span.text == "Tikrit"


def _event(doc: Document, trigger: str, kind: str = "ASSAULT") -> Event:
    text = doc.article.text
    t = text.index(trigger)
    sent = doc.sentence_at(t)
    s = doc.sentences[sent]
    ev = Event(
        event=kind,
        span=doc.span(s.start, s.end, component="test"),
        trigger=doc.span(t, t + len(trigger), component="test"),
    )
    doc.events.append(ev)
    return ev


def test_event_locator_prefers_the_attached_place(parse):
    doc = parse(
        "Officials in Baghdad said a car bomb exploded in Miqdadiya, killing five people. "
        "Protesters gathered again on Friday."
    )
    bomb = _event(doc, "exploded")
    later = _event(doc, "gathered", "PROTEST")
    EventLocator()(doc)
    assert bomb.location is not None and bomb.location.name == "Al Miqdādīyah"
    assert bomb.location.level == "city"
    # No place in its sentence: the article's dominant place, with lower confidence.
    assert later.location is not None
    assert later.location.span.confidence < bomb.location.span.confidence


def test_event_locator_skips_actor_places_and_keeps_existing(parse):
    doc = parse("Washington announced new sanctions on Tehran.")
    ev = _event(doc, "sanctions", "SANCTION")
    ev.actor = Actor(entity_text="Washington", span=doc.span(0, 10))
    EventLocator()(doc)
    assert ev.location is None or ev.location.span.text != "Washington"
    preset = Place(span=doc.span(0, 10), name="Somewhere", level="city")
    ev2 = _event(doc, "announced", "SANCTION")
    ev2.location = preset
    EventLocator()(doc)
    assert ev2.location is preset


def test_geoparse_rejects_non_text():
    from eventdesk.errors import InputError
    from eventdesk.places import geoparse

    with pytest.raises(InputError):
        geoparse(b"bytes")  # type: ignore[arg-type]


def test_town_ner_calls_a_person_is_a_place_by_its_context(parse):
    doc = parse("A Gainesville man was charged Monday with robbing a convenience store.")
    g = _by_text(doc)["Gainesville"]
    assert (g.country, g.level) == ("USA", "city")
    assert _by_text(parse("The horse was found dead in Pahrump last week."))["Pahrump"].admin1 == (
        "Nevada"
    )


def test_another_spelling_of_a_large_place_after_a_preposition(parse):
    """GeoNames spells it Al Qamishli; NER may call "Qamishli" an organisation. After "in" it is
    the Syrian city; at the head of a company's name it is not a place."""
    doc = parse("Kurdish fighters in Qamishli said the town was calm on Sunday.")
    q = _by_text(doc)["Qamishli"]
    assert (q.country, q.level) == ("SYR", "city")
    assert "Qamishli" not in _by_text(parse("Qamishli Holdings reported higher profits."))


def test_names_in_a_counties_list_are_counties_of_one_state(parse):
    doc = parse(
        "Home sales have slowed in Jackson and Barrow counties, where builders say permits fell."
        " Officials in Athens, Georgia expect a rebound."
    )
    places = _by_text(doc)
    assert places["Jackson"].name == "Jackson County"
    assert places["Barrow"].name == "Barrow County"
    assert places["Jackson"].admin1 == places["Barrow"].admin1 == "Georgia"


def test_state_holding_the_articles_towns_wins(parse):
    doc = parse(
        "Decatur commissioners met with officials from Avondale Estates on Tuesday. "
        "DeKalb County will pay for the new road."
    )
    assert {p.admin1 for p in doc.places} == {"Georgia"}


def test_ocean_inside_an_organisation_name_is_no_place(parse):
    doc = parse("Ministers met at the North Atlantic Council in Brussels on Thursday.")
    assert [p.name for p in doc.places] == ["Brussels"]


def test_street_is_not_narrowed_to_a_town(parse):
    doc = parse("The parade passed along Royal Street in New Orleans.")
    assert all(p.name != "Royal City" for p in doc.places)


def test_a_place_name_qualifying_a_party_is_not_where_it_happened(parse):
    doc = parse("US troops withdrew from the base on Monday. The Iraqi army took over.")
    (us,) = [p for p in doc.places if p.span.text == "US"]
    assert names_a_party(doc, us)
    ev = _event(doc, "withdrew", "RETREAT")
    EventLocator()(doc)
    assert ev.location is None  # "US" says whose troops, not where they withdrew from


def test_a_place_noun_keeps_its_modifier_as_the_place(parse):
    doc = parse("Rockets hit near Baghdad airport on Friday.")
    (airport,) = [p for p in doc.places if "Baghdad" in p.span.text]
    assert not names_a_party(doc, airport)


def test_dominant_place_counts_only_places_named_as_locations(parse):
    doc = parse(
        "The United States said it would keep its troops. The United States wants talks. "
        "Militants attacked a checkpoint in Kirkuk. Officials met again on Sunday."
    )
    met = _event(doc, "met", "CONSULT")
    EventLocator()(doc)
    assert met.location is not None and met.location.span.text == "Kirkuk"


def test_a_stateless_actor_is_no_toponym() -> None:
    """With the actors stage before it, "NATO" is the alliance, never the village of Nato."""
    from eventdesk.pipeline import Options, Pipeline

    text = "NATO defence ministers agreed to expand the NATO mission in Iraq on Wednesday."
    doc = Pipeline.from_options(Options())(Article(id="n", text=text))
    assert [p.span.text for p in doc.places] == ["Iraq"]


@pytest.fixture(scope="module")
def full():
    from eventdesk.pipeline import Options, Pipeline

    pipeline = Pipeline.from_options(Options())
    return lambda text: pipeline(Article(id="f", text=text))


def test_a_person_or_a_states_body_is_no_small_town(full):
    """ "Obama" (the president, also where NER calls him a place) is not the Japanese town, nor
    "Congress" the Arizona one, nor "the Earth" a town in Texas; the same words as a large
    place or a county whose police (a sector, no body of its own) act stay places."""
    doc = full("Obama's fellow Democrats face a fight. Obama, on his fourth visit to the Gulf "
               "Coast, asked Congress to act. Oil spewed four miles beneath the surface of the "
               "Earth. Henrico County Police said the man was held.")
    names = [p.span.text for p in doc.places]
    assert "Obama" not in names and "Congress" not in names and "Earth" not in names
    county = [p for p in doc.places if p.span.text == "Henrico County"]
    assert county and county[0].country == "USA"


def test_a_bare_gulf_is_the_gulf_the_article_names(full):
    doc = full("Oil spewed into the Gulf of Mexico for weeks. Fishing in the Gulf stopped.")
    gulf = [p for p in doc.places if p.span.text == "Gulf"]
    assert gulf and gulf[0].name == "Gulf of Mexico"
    doc = full("Iranian boats harassed a tanker in the Persian Gulf. Tension in the Gulf rose.")
    gulf = [p for p in doc.places if p.span.text == "Gulf"]
    assert gulf and gulf[0].name == "Persian Gulf"


def test_a_street_is_placed_at_the_town_the_article_sets_it_in(parse):
    """No gazetteer holds streets; the town the sentence names holds them, at town precision."""
    from eventdesk.places import APPROX_FEATURE

    doc = parse("Protesters in Chicago marched along Michigan Avenue on Saturday before police "
                "closed the Wacker Drive underpass.")
    chicago, avenue = _by_text(doc)["Chicago"], _by_text(doc)["Michigan Avenue"]
    assert (avenue.lat, avenue.lon, avenue.name) == (chicago.lat, chicago.lon, "Chicago")
    assert (avenue.feature, avenue.level, avenue.geonameid) == (APPROX_FEATURE, "city", None)
    assert chicago.feature != APPROX_FEATURE
    # with no town in the article the street keeps no position: a country's centre is no guess
    alone = _by_text(parse("Protesters marched along Michigan Avenue on Saturday."))
    assert alone["Michigan Avenue"].lat is None


def test_a_whole_name_ner_calls_a_person_is_a_place_by_its_state_or_list(parse):
    """ "Sioux Falls, S.D.": the state after it; "from Gloucester and Cheltenham": listed with a
    town. spaCy's small model tags both as persons."""
    listed = _by_text(parse("Cities picked for the pilot include Louisville, Ky., New Haven, "
                            "Conn., Sioux Falls, S.D. and Surprise, Ariz."))
    assert listed["Sioux Falls"].admin1 == "South Dakota"
    roads = _by_text(parse("The roadworks will affect people travelling to Cirencester from "
                           "Gloucester and Cheltenham."))
    assert roads["Cheltenham"].country == "GBR"


def test_a_bare_state_name_is_the_state_not_a_village_named_after_it(parse):
    doc = parse("Decatur police said the suspect, who had moved from Kansas last year, was "
                "arrested in Macon County, Illinois.")
    kansas = _by_text(doc)["Kansas"]
    assert (kansas.level, kansas.admin1) == ("admin1", "Kansas")


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Officials in Newfoundland and Labrador closed the roads.", "Newfoundland and Labrador",
     "CAN"),
    ("She flew from St. Kitts and Nevis to Miami on Monday.", "St. Kitts and Nevis", "KNA"),
])
def test_names_joined_with_and_or_written_st_are_one_place(parse, text, name, country):
    """NER splits "Newfoundland and Labrador" in two; news writes "St." where GeoNames spells
    "Saint"."""
    assert _by_text(parse(text))[name].country == country


def test_a_street_is_not_placed_at_a_town_abroad_the_article_names_once():
    """A surname read as a town in another country must not carry the article's streets there."""
    from eventdesk.places import approximate
    from eventdesk.types import Span

    def place(text: str, start: int, sentence: int = 0, **kw: object) -> Place:
        span = Span("a", sentence, start, start + len(text), text, "t", 0.9)
        return Place(span, **kw)  # type: ignore[arg-type]

    us = {"country": "USA", "admin1": "Louisiana", "level": "city", "feature": "PPL"}
    out = approximate([
        place("Dubreuil", 0, name="Dubreuil", lat=-20.3, lon=57.6, country="MUS", level="city",
              feature="PPL"),
        place("New Orleans", 20, name="New Orleans", lat=29.95, lon=-90.07, **us),
        place("Louisiana", 40, name="Louisiana", lat=31.0, lon=-92.0, country="USA",
              level="admin1", feature="ADM1"),
        place("Frenchmen Street", 90, sentence=1),
    ])
    assert (out[-1].name, out[-1].country) == ("New Orleans", "USA")


def test_an_ocean_or_a_coast_is_not_pinned_on_the_articles_town():
    """A street takes its town's position; "the Gulf Coast" and "the Pacific" do not."""
    from eventdesk.places import approximate
    from eventdesk.types import Span

    def place(text: str, start: int, **kw: object) -> Place:
        span = Span("a", 0, start, start + len(text), text, "t", 0.9)
        return Place(span, **kw)  # type: ignore[arg-type]

    out = approximate([
        place("New Orleans", 0, name="New Orleans", lat=29.95, lon=-90.07, country="USA",
              level="city", feature="PPL"),
        place("Canal Street", 20), place("the Gulf Coast", 40), place("Pacific", 60),
    ])
    assert out[1].name == "New Orleans" and out[1].feature == "approx"
    assert out[2].lat is None and out[3].lat is None


def test_a_street_takes_the_town_of_the_sentence_before_then_the_larger_town():
    """"Police in Miami Beach said ... The hotel on Collins Avenue": the street is in the
    town the sentence before names, even where another town is named as often; with no town
    near it, the larger of two towns named as often (a large town has more streets)."""
    from eventdesk.places import approximate
    from eventdesk.types import Span

    def place(text: str, start: int, sentence: int, **kw: object) -> Place:
        span = Span("a", sentence, start, start + len(text), text, "t", 0.9)
        return Place(span, **kw)  # type: ignore[arg-type]

    def town(text: str, start: int, sentence: int, gid: int, lat: float) -> Place:
        return place(text, start, sentence, name=text, lat=lat, lon=-80.0, country="USA",
                     level="city", feature="PPL", geonameid=gid)

    text = "x" * 400
    out = approximate([
        town("Miami Beach", 0, 0, 1, 25.8), place("Collins Avenue", 40, 1),
        town("Fresno", 100, 2, 2, 36.7), town("Miami Beach", 200, 3, 1, 25.8),
        town("Fresno", 300, 4, 2, 36.7), place("Ocean Drive", 380, 6),
    ], text, {1: 92_000, 2: 500_000})
    assert out[1].name == "Miami Beach" and out[1].feature == "approx"
    assert out[5].name == "Fresno"


def test_a_square_named_like_a_small_town_of_another_state_is_the_square(parse):
    """"Washington Square" is also a town of 13,000 in Pennsylvania; in a story whose places
    lie in Louisiana it is the square, set in the story's town."""
    doc = parse("Lafayette and New Orleans grew along the river in Louisiana. The mayor "
                "opened a market beside Washington Square in New Orleans.")
    square = _by_text(doc)["Washington Square"]
    assert square.admin1 == "Louisiana" and square.feature == "approx"


def test_a_street_ner_took_for_an_organisation_is_a_place(parse):
    """NER reads "Royal Street" as an organisation; no organisation is named "... Street"."""
    doc = parse("Fire crews in Baton Rouge closed Royal Street after the blaze on Monday.")
    street = _by_text(doc)["Royal Street"]
    assert street.name == "Baton Rouge" and street.feature == "approx"


def test_a_building_ner_took_for_an_organisation_is_a_place_in_its_town(parse):
    """"the Holy Redeemer Church" (NER: organisation) is where the firefighters went."""
    doc = parse("Firefighters in Dundalk were called to the Holy Redeemer Church on Monday.")
    church = _by_text(doc)["Holy Redeemer Church"]
    assert church.name == "Dundalk" and church.feature == "approx"


def test_a_school_the_actors_stage_named_a_party_is_also_a_place_in_its_town():
    """"Douglas High School" is an actor (a school) and the place students walked out of: in
    Parkland, not in a town called Douglas."""
    from eventdesk.entities import ActorLinker
    from eventdesk.nlp import SpacyComponent

    text = ("Students at Marjory Stoneman Douglas High School in Parkland, Florida, walked out "
            "on Wednesday.")
    doc = ActorLinker()(SpacyComponent()(Document(article=Article(id="s", text=text))))
    assert any(e.kind == "ACTOR" and e.span.text.endswith("High School") for e in doc.entities)
    doc = PlaceComponent()(doc)
    school = next(p for p in doc.places if p.span.text.endswith("High School"))
    assert school.name == "Parkland" and school.feature == "approx"
    assert not any(p.name == "Douglas" for p in doc.places)


def test_a_village_the_gazetteer_lacks_is_set_in_the_town_named_beside_it(parse):
    """GeoNames' towns stop at 500 people: "Toomevara" is placed at the town its sentence
    names; a name NER calls a place with no town beside it is still dropped ("Daesh")."""
    got = _by_text(parse("Police in Nenagh said the crash happened outside Toomevara on "
                         "Sunday."))
    assert got["Toomevara"].name == "Nenagh" and got["Toomevara"].feature == "approx"
    assert "Daesh" not in _by_text(parse("Fighters left Daesh territory. They met in Nenagh."))


def test_a_misspelling_names_a_town_people_know_not_a_hamlet(parse):
    """A name NER calls a place that the gazetteer does not know is matched loosely only to a
    town of 1,000 people or more: the surname "Finiels" is not Finzel, Maryland (547 people)."""
    doc = parse("The ship sailed from Baltimore in Maryland to Finiels last week.")
    assert {p.name for p in doc.places} == {"Baltimore", "Maryland"}


def test_a_large_city_heading_an_organisation_after_the_is_a_place(parse):
    """"the New Orleans Railways and Light Company": the city's name is a place, as without
    "the"."""
    doc = parse("Power came from the New Orleans Railways and Light Company in those years.")
    assert any(p.name == "New Orleans" and p.country == "USA" for p in doc.places)


def test_a_football_club_names_its_town_and_a_county_stays_a_county(parse):
    """NER takes "Bolton Wanderers" and "Manchester United" for persons, which hid the towns;
    "Madison County" is the county, not the town of Madison plus a club word."""
    got = _by_text(parse("Manchester United lost to Bolton Wanderers on Saturday."))
    assert got["Manchester"].country == "GBR" and got["Bolton"].country == "GBR"
    assert "Madison" not in _by_text(parse("Deputies in Madison County, Alabama, searched "
                                           "the woods."))


def test_an_organisation_named_as_a_region_is_the_region(parse):
    """NER may call a region with a long official name an organisation."""
    got = _by_text(parse("Pakistan's Federally Administered Tribal Areas remain lawless."))
    assert got["Federally Administered Tribal Areas"].country == "PAK"


def test_arabic_article_dropped_by_the_news_still_resolves(parse):
    """GeoNames writes "Al Qāmishlī"; news writes "Qamishli". Only Arabic-speaking countries'
    entries are found that way: "Paris" gains no "Al Paris"."""
    qam = _by_text(parse("Turkish forces shelled Qamishli on Monday."))["Qamishli"]
    assert qam.country == "SYR" and distance_km((qam.lat, qam.lon), (37.05, 41.23)) < 25
    g = gazetteer()
    assert [g.cc[i] for i, _ in g.lookup_strict("Qamishli")] == ["SY"]


def test_a_name_listed_with_other_towns_is_a_town(parse):
    """NER calls "Qamishli" an organisation; "and other towns" after it says it is a town."""
    doc = parse("A spokesman says the army fired on Qamishli and other towns along the border.")
    assert _by_text(doc)["Qamishli"].country == "SYR"


def test_two_ambiguous_towns_pull_towards_a_state_holding_both(parse):
    """Local news names towns without their state. "Paris" alone is several US towns; with
    "Jackson" beside it, the state that has both (Tennessee) is the better guess than the
    largest namesake (Paris, Texas)."""
    doc = parse("A Paris teenager will dance in the ballet at the civic center in Jackson on "
                "Saturday.")
    got = _by_text(doc)
    assert (got["Paris"].admin1, got["Jackson"].admin1) == ("Tennessee", "Tennessee")
    # a capital by its own name keeps its place whatever namesakes the other names have
    doc = parse("The company, based in Memphis, Tennessee, said it would open hotels in "
                "Amsterdam, Lyon and Lisbon.")
    assert _by_text(doc)["Lisbon"].country == "PRT"


def test_a_numbered_road_is_no_misspelt_town(parse):
    """"Route 5" once fuzzy-matched the town of Rote, Pennsylvania (folded "ruti5" ~ "ruti")."""
    doc = parse("The crash happened on Route 5 near Charles City, Virginia, on Monday.")
    route = _by_text(doc).get("Route 5")
    assert route is None or route.name != "Rote"
    assert route is None or route.admin1 in (None, "Virginia")


def test_the_last_word_of_an_unmarked_name_is_no_town(parse):
    """"Federal Reserve" was Reserve, Louisiana and "Superior Court" Superior, Wisconsin when
    NER left the name unmarked: a single word after a proper noun is the end of a longer name."""
    doc = parse("Suffield Financial Corp said the\nFederal Reserve Board approved its application "
                "to buy a bank.")
    assert "Reserve" not in _by_text(doc)
    doc = parse("A judge on the New Jersey Superior Court for Monmouth County granted the motion.")
    assert "Superior" not in _by_text(doc) and "Monmouth County" in _by_text(doc)
    assert "Jersey" not in _by_text(doc)  # nor is "New Jersey" there the island of Jersey
    doc = parse("The offer is subject to clearances from\nthe staff of the Interstate Commerce "
                "Commission.")
    assert "Commerce" not in _by_text(doc)
    # a place cue still makes a town of it
    assert "Alliance" in _by_text(parse("The mill in Alliance, Ohio, closed on Monday."))


def test_a_namesake_of_a_city_of_millions_needs_more_than_its_region():
    """Ohio has a London, a Greenwich and an Alliance: three names that fit one state must not
    pull England's London there when the article is about Britain (a Reuters by-election report
    did). A town a hundredth the size of a city of millions gets no pull from the region alone."""
    import importlib

    resolve_mod = importlib.import_module("eventdesk.places.resolve")
    g = gazetteer()
    text = "Britain. Alliance. London. Greenwich. Alliance."
    doc = Document(article=Article(id="t", text=text))
    mentions = []
    for name, source in (("Britain", "ner"), ("Alliance", "gazetteer"), ("London", "ner"),
                         ("Greenwich", "ner"), ("Alliance", "gazetteer")):
        s = text.index(name, mentions[-1].end if mentions else 0)
        mentions.append(resolve_mod.Mention(s, s + len(name), name, source, name))
    resolve_mod.resolve(doc, g, mentions)
    london = mentions[2].chosen
    assert (g.cc[london], g.population[london] > 1_000_000) == ("GB", True)


def test_a_list_of_towns_is_no_chain_of_containment(parse):
    """"Springfield, Sangamon County, Illinois" is one place inside two; "Columbus, Ohio, Dallas,
    Greensboro, N.C." is a list, and Dallas is not a village of North Carolina."""
    doc = parse("Sears will consolidate its distribution under regional management in Columbus, "
                "Ohio, Dallas, Greensboro, N.C., Jacksonville, Fla., and Los Angeles.")
    got = _by_text(doc)
    assert got["Dallas"].admin1 == "Texas" and got["Greensboro"].admin1 == "North Carolina"
    doc = parse("The fair opened in Springfield, Sangamon County, Illinois, on Friday.")
    assert _by_text(doc)["Springfield"].admin1 == "Illinois"


def test_a_name_before_a_company_word_is_a_company(parse):
    """"Harvard Industries Inc", "Federal Express Corp", "Argo Petroleum" were towns of Illinois,
    Argentina and Alabama; a company's name says nothing of where anything happened."""
    doc = parse("Shareholders will vote on its merger into Harvard Industries Inc, and backup "
                "service was granted to Federal Express Corp and Argo Petroleum Corp.")
    assert not {"Harvard", "Federal", "Argo"} & set(_by_text(doc))
    assert _by_text(parse("The plant in Harvard, Illinois, will close."))["Harvard"].admin1 == (
        "Illinois")


def test_a_list_of_countries_is_no_containment(parse):
    """"Mexico, Philippines" in a list of countries was the town of Mexico, Pampanga ("X, Y" as
    X in Y); a country by its own name lies in no other."""
    doc = parse("The trade teams would visit seven countries: Mexico, Philippines, Indonesia, "
                "India, Bangladesh, Senegal and Nigeria.")
    assert _by_text(doc)["Mexico"].country == "MEX"


def test_a_sea_is_a_sea_in_an_american_article(parse):
    """"North Sea" was the hamlet of North Sea, New York, when the article also named New York;
    a name that is foremost a sea is the sea unless the text puts it in a state."""
    doc = parse("The company agreed to sell its working interest in its North Sea properties, "
                "it said in New York.")
    sea = _by_text(doc)["North Sea"]
    assert (sea.country, sea.feature) == (None, "sea") and 50 < sea.lat < 62
    doc = parse("Storms hit Atlantic, Iowa, and Des Moines on Monday.")
    assert _by_text(doc)["Atlantic"].admin1 == "Iowa"


def test_world_regions_are_regions(parse):
    """"Latin America" was Lathen, Germany plus the United States; "South East Asia" a district
    of Botswana plus Asia. World regions are curated places of no country."""
    got = _by_text(parse("Banks are refusing to lend to Latin America and South East Asia."))
    assert (got["Latin America"].country, got["Latin America"].feature) == (None, "region")
    assert got["South East Asia"].name == "Southeast Asia"


def test_the_soviet_union_is_not_a_tajik_town(parse):
    """"the collapse of the Soviet Union" was Sovet, a town in Tajikistan."""
    got = _by_text(parse("Ukraine declared independence after the collapse of the Soviet Union "
                         "in 1991."))
    assert got["Soviet Union"].name == "Soviet Union" and got["Soviet Union"].country is None


def test_frankfurt_is_the_german_city_in_an_american_article(parse):
    """GeoNames lists "Frankfurt" as an alternate name of Frankfort, Kentucky and of Frankfort,
    New York; with New York in the article, "Frankfurt" went to a village of 2,500 there."""
    for text in ("Shares fell in Frankfurt and New York.",
                 "The U.S. company said the bonds will be listed in Frankfurt beginning in May."):
        assert _by_text(parse(text))["Frankfurt"].country == "DEU"
    # the text can still place the American one
    got = _by_text(parse("The distillery in Frankfort, Ky., will close."))
    assert got["Frankfort"].admin1 == "Kentucky"


def test_a_states_official_name_tagged_as_an_organisation_is_a_place(parse):
    """spaCy tags "the Democratic People's Republic of Korea" ORG; it is the country."""
    got = _by_text(parse("The Democratic People's Republic of Korea fired a missile on Monday."))
    assert got["Democratic People's Republic of Korea"].country == "PRK"


def test_a_place_ner_cut_short_is_widened_to_the_gazetteers_name(parse):
    """NER takes "U.S." of "U.S. Virgin Islands"; but "the U.S. Is pressing" (a sentence
    after the abbreviation's full stop) is not a place called "U.S. Is"."""
    got = _by_text(parse("The storm hit the U.S. Virgin Islands on Monday."))
    assert got["U.S. Virgin Islands"].country == "VIR"
    got = _by_text(parse("Tokyo said it would buy more from the U.S. Is pressing for more."))
    assert "U.S. Is" not in got and got["U.S."].country == "USA"


def test_names_joined_by_a_hyphen_are_each_a_place_unless_the_whole_is_one(parse):
    """NER takes "Asia-Pacific" as one entity the gazetteer does not know: it is Asia and the
    Pacific. A joined name the gazetteer knows stays whole (Winston-Salem, Guinea-Bissau, where
    NER took only "Guinea"), and a name with a part that is no place is not split ("the
    Watertown-Mayer team" is no place called Mayer)."""
    got = _by_text(parse("Leaders discussed sustainable development in Asia-Pacific and "
                         "the world."))
    assert got["Asia"].feature == "CONT"
    assert got["Pacific"].feature == "sea" and "Asia-Pacific" not in got
    got = _by_text(parse("Fighting spread to Guinea-Bissau last week. He was born in "
                         "Winston-Salem, North Carolina."))
    assert got["Guinea-Bissau"].country == "GNB" and "Bissau" not in got
    assert got["Winston-Salem"].admin1 == "North Carolina"
    got = _by_text(parse("The Watertown-Mayer Lutheran team won in Minnesota."))
    assert "Mayer" not in got


def test_a_name_the_text_placed_once_is_that_place_throughout(parse):
    """"Parkland, Florida" once, then "Parkland" beside "Washington" (the capital, which could
    also be the state that has another Parkland): every mention is the Florida city."""
    doc = parse("Students from Parkland, Florida, marched in Washington on Saturday. "
                "In Washington, the Parkland students met lawmakers from Washington state. "
                "Back in Parkland, the school reopened.")
    parks = [p for p in doc.places if p.span.text == "Parkland"]
    assert len(parks) == 3 and {p.admin1 for p in parks} == {"Florida"}


def test_gaza_is_in_palestine_and_darfur_in_sudan(parse):
    """"Gaza" alone was Mozambique's Gaza province (a region of 385,000 outscored a city of
    410,000); Darfur was no place at all. The province stays where the text says so."""
    assert _by_text(parse("Israeli jets struck Gaza on Monday."))["Gaza"].country == "PSE"
    assert _by_text(parse("Fighting in Darfur displaced thousands."))["Darfur"].country == "SDN"
    got = _by_text(parse("Gaza, Mozambique, was flooded."))
    assert got["Gaza"].country == "MOZ"


@pytest.mark.parametrize(("name", "iso3"), [
    ("Jenin", "PSE"),  # GeoNames: Janīn; a Polish village has "Jenin" as its own name
    ("Khan Younis", "PSE"),  # Khān Yūnis
    ("Avdiivka", "UKR"),  # Avdiyivka
    ("Gao", "MLI"),  # three letters: a town only where the text says so ("in Gao")
    ("Palmyra", "SYR"),  # Tadmur's English name, not Palmyra, Western Australia
    ("Derna", "LBY"),  # Darnah; Derna, Romania has the name as its own
    ("Shabwa", "YEM"),  # Shabwah governorate
    ("Nagorno-Karabakh", "AZE"), ("Transnistria", "MDA"), ("North Waziristan", "PAK"),
    ("Ghouta", "SYR"),  # curated regions the packages lack
])
def test_conflict_towns_spelt_as_the_news_spells_them(parse, name, iso3):
    got = _by_text(parse(f"Fighting was reported in {name} on Tuesday."))
    assert got[name].country == iso3


def test_another_transliteration_is_a_spelling_only_where_names_are_transliterated():
    from eventdesk.places.resolve import _spelling

    assert _spelling("Janīn", "Jenin", "PS") and _spelling("Avdiyivka", "Avdiivka", "UA")
    assert not _spelling("Centreville", "Centerville", "US")  # two towns in Latin script
    assert not _spelling("Tadmur", "Palmyra", "SY")  # an old name is no spelling


def test_the_site_an_attack_is_aimed_at_is_where_it_happened(parse):
    """"rockets landed near Balad Air Base": the base is the recipient and the place; a
    country attacked or a party's place in a non-violent act stays out (who, not where)."""
    doc = parse("Two rockets hit the Balad Air Base on Saturday.")
    hit = _event(doc, "hit", "ASSAULT")
    start = doc.article.text.index("Balad")
    hit.recipient = Actor(entity_text="Balad Air Base", span=doc.span(start, start + 14))
    EventLocator()(doc)
    assert hit.location is not None and hit.location.name == "Balad Air Base"
    doc = parse("The minister sent a letter to Baghdad on Saturday.")
    sent = _event(doc, "sent", "CONSULT")
    start = doc.article.text.index("Baghdad")
    sent.recipient = Actor(entity_text="Baghdad", span=doc.span(start, start + 7))
    EventLocator()(doc)
    assert sent.location is None or sent.location.name != "Baghdad"


def test_a_state_is_not_a_namesake_town_elsewhere_in_the_country(parse):
    """"Snow fell in Wyoming" was Wyoming, Michigan (a town of 76,000 got the bonus meant for
    a city in the province of its name, "Kirkuk"); Washington the capital stays the city."""
    assert _by_text(parse("Snow fell in Wyoming on Monday."))["Wyoming"].level == "admin1"
    assert _by_text(parse("Voters in Delaware went to the polls."))["Delaware"].level == "admin1"
    got = _by_text(parse("Officials in Washington said the talks failed."))
    assert got["Washington"].admin1 == "District of Columbia"
    assert _by_text(parse("Gunmen attacked a checkpoint in Kirkuk."))["Kirkuk"].level == "city"


def test_us_regions_are_regions_in_american_news(parse):
    """"the West Coast" was New Zealand's West Coast region beside Texas; "the Gulf Coast" a
    province of Papua New Guinea; "New England" a hamlet of North Dakota."""
    got = _by_text(parse("Storms battered the West Coast and Texas, and the Gulf Coast braced."))
    assert got["West Coast"].country == "USA" and got["Gulf Coast"].country == "USA"
    assert _by_text(parse("A heat wave hit New England."))["New England"].level == "admin1"
    got = _by_text(parse("Floods hit Greymouth on the West Coast, New Zealand."))
    assert got["West Coast"].country == "NZL"


def test_a_feast_day_is_no_town(parse):
    doc = parse("Crowds filled Boston on St. Patrick's Day and again on St. Valentine's Day.")
    assert [p.span.text for p in doc.places] == ["Boston"]


def test_town_called_city_competes_with_the_bare_name_by_context(parse):
    """GeoNames has "San Fernando City" only as a name of San Fernando in the Philippines; in
    a Los Angeles story it is San Fernando, California."""
    doc = parse("San Fernando City Councilwoman Ana Ruiz won a seat as Los Angeles officials "
                "counted the last ballots in Los Angeles.")
    sf = _by_text(doc)["San Fernando City"]
    assert (sf.country, sf.admin1) == ("USA", "California")
    doc = parse("Floods hit San Fernando City in Pampanga province on Monday.")
    assert _by_text(doc)["San Fernando City"].country == "PHL"


def test_british_counties_are_places_in_britain(parse):
    """British news names counties, which GeoNames files as admin-2 regions: "Norfolk" after a
    Norfolk village is the English county, not Norfolk, Virginia; "Greater Manchester", which
    NER misses, is found from our list of English counties."""
    doc = parse("The race moves to Snetterton, Norfolk in July and then to Knockhill in "
                "Scotland. Floods hit Greater Manchester on Monday.")
    got = _by_text(doc)
    assert got["Norfolk"].country == "GBR"
    assert distance_km((got["Norfolk"].lat, got["Norfolk"].lon), (52.65, 1.0)) < 60
    assert got["Greater Manchester"].country == "GBR"
    assert distance_km((got["Greater Manchester"].lat, got["Greater Manchester"].lon),
                       (53.48, -2.24)) < 40


def test_a_towns_building_named_with_a_possessive_is_in_that_town(parse):
    """NER takes "Derry's Altnagelvin Hospital" as one name the gazetteer lacks: the town is a
    place of its own, and the hospital is placed in it, not left off the map."""
    doc = parse("A new ward has opened at Derry’s Altnagelvin Hospital this week.")
    got = _by_text(doc)
    assert got["Derry"].country == "GBR" and got["Derry"].level == "city"
    hospital = got["Altnagelvin Hospital"]
    assert (hospital.lat, hospital.lon) == (got["Derry"].lat, got["Derry"].lon)
    # ... even where the article names another country first (its towns, not Derry, would
    # otherwise place the article's streets and buildings)
    doc = parse("Gunmen attacked a market in Kabul, and a clinic at Derry’s Altnagelvin "
                "Hospital closed.")
    got = _by_text(doc)
    assert got["Altnagelvin Hospital"].country == "GBR"
    # a possessive that is no large place's name stays part of the name
    doc = parse("He was taken to Martha's Vineyard Hospital on Sunday.")
    assert "Martha" not in _by_text(doc)


def test_an_upper_case_abbreviation_is_no_town_of_those_letters(parse):
    """"WA" is Western Australia (or Washington), never the Ghanaian town of Wa."""
    doc = parse("Wastewater in WA is treated before it reaches the sea near Perth and "
                "Rockingham.")
    wa = _by_text(doc)["WA"]
    assert (wa.name, wa.country) == ("Western Australia", "AUS")


def test_one_foreign_namesake_does_not_take_a_city_name_abroad(parse):
    """One other name of the article read as a small US town is too little to make "Belfast"
    the Maine town of 6,700 rather than the city of 340,000."""
    doc = parse("Police in Belfast said a man from Ainsworth had been charged.")
    assert _by_text(doc)["Belfast"].country == "GBR"


def test_the_cities_of_a_name_are_places(parse):
    """NER calls "Suwon" an organisation; "the cities of" before it says it is a town."""
    doc = parse("Games were postponed in the nearby cities of Suwon and Incheon on Friday.")
    assert _by_text(doc)["Suwon"].country == "KOR"


def test_a_direction_before_a_village_name_is_not_that_village(parse):
    """"the West Wing" is no part of Wing, a village of 2,000 in England; "West Mosul" is
    Mosul, a city the direction only narrows."""
    assert "Wing" not in {p.name for p in parse("Staff in the West Wing met on Monday.").places}
    assert _by_text(parse("Fighting in West Mosul continued."))["Mosul"].country == "IRQ"


def test_a_town_and_its_county_named_together_settle_each_other(parse):
    """Local news names a town and its county without the state: "Richmond" with "Madison
    County" is Richmond, Kentucky (which lies in it), not the larger Richmond, Virginia, nor
    Missouri's (which has a Richmond and a Madison County, but the one not in the other)."""
    doc = parse("Police in Richmond said the crash closed a road in Madison County on Friday.")
    got = _by_text(doc)
    assert (got["Richmond"].admin1, got["Madison County"].admin1) == ("Kentucky", "Kentucky")
    assert _by_text(parse("Police in Richmond said the crash closed a road on Friday."))[
        "Richmond"].admin1 == "Virginia"
    # a town named like its county gains nothing from that county's name: "DeKalb County" in
    # a story of Decatur and Tucker, Georgia does not make "DeKalb" the town in Illinois
    doc = parse("Schools in DeKalb County closed. DeKalb officials said Decatur and Tucker "
                "would reopen.")
    assert _by_text(doc)["DeKalb"].admin1 == "Georgia"


def test_a_states_form_is_no_town_and_the_islamic_republic_is_iran(parse):
    """"the Islamic Republic" is Iran in news, not Republic, Missouri (a state's form left
    when the name is narrowed); New Zealand's two islands are places of their own."""
    got = _by_text(parse("The Islamic Republic has denied the claim."))
    assert got["Islamic Republic"].country == "IRN"
    got = _by_text(parse("Floods cut roads on the North Island and the South Island."))
    assert got["North Island"].country == got["South Island"].country == "NZL"


def test_a_place_the_gazetteer_lacks_takes_the_place_named_right_after_it(parse):
    """"Oulton Park, Cheshire" puts the circuit in Cheshire, whatever town the sentence named
    before it (here Hampshire's, in a list of race dates)."""
    doc = parse("19/20 May: Thruxton, Hampshire. 9/10 June: Oulton Park, Cheshire.")
    got = _by_text(doc)
    assert (got["Oulton Park"].lat, got["Oulton Park"].lon) == (got["Cheshire"].lat,
                                                                 got["Cheshire"].lon)


def test_broadway_is_new_yorks_theatre_district_unless_the_text_says_otherwise(parse):
    """"opens on Broadway" is Manhattan's theatre district, not Broadway, Virginia, a town of
    3,700; "Broadway, Virginia" is still the town."""
    got = _by_text(parse("The show opens on Broadway next month."))["Broadway"]
    assert (got.country, got.admin1) == ("USA", "New York")
    got = _by_text(parse("Police in Broadway, Virginia, said a man was arrested near "
                         "Harrisonburg."))["Broadway"]
    assert got.admin1 == "Virginia"


def test_a_us_states_people_name_the_state(parse):
    """"Ohioans" names Ohio as "Iraqis" names Iraq: a demonym place, never an event's site."""
    got = _by_text(parse("Thousands of Ohioans and Minnesotans lost power on Monday."))
    assert (got["Ohioans"].name, got["Ohioans"].feature) == ("Ohio", "demonym")
    assert got["Minnesotans"].admin1 == "Minnesota"


def test_a_city_after_of_in_a_name_or_a_bearing_is_a_place(parse):
    """"University of Cincinnati" says where the university is, and "60 miles southwest of
    Raleigh" names Raleigh as a place, whatever NER called the words."""
    got = _by_text(parse("Zoz, a 20-year-old University of Cincinnati student, won."))
    assert got["Cincinnati"].admin1 == "Ohio"
    got = _by_text(parse("The town lies about 60 miles southwest of Raleigh in the hills."))
    assert got["Raleigh"].admin1 == "North Carolina"


def test_numbered_roads_are_places_set_in_their_town(parse):
    """"the A417 ... roundabout", "via the A436, A40 and A429", "Interstate 95" are roads no
    gazetteer holds: places set in the town the article puts them in; "M16 rifles" is no
    road."""
    doc = parse("The A417 from the Air Balloon roundabout to Cirencester will close. A "
                "diversion will be in place via the A436, A40 and A429.")
    got = _by_text(doc)
    assert {"A417", "A436", "A40", "A429"} <= set(got)
    assert all(got[r].name == "Cirencester" and got[r].feature == "approx"
               for r in ("A417", "A436", "A40", "A429"))
    assert "M16" not in _by_text(parse("Troops armed with M16 rifles blocked the road to "
                                       "Kirkuk."))
    got = _by_text(parse("A crash closed Interstate 95 near Richmond, Virginia."))
    assert got["Interstate 95"].admin1 == "Virginia"


def test_korea_alone_is_south_korea(parse):
    """"Korea's exports" is South Korea in news, not Koréa, a town in Côte d'Ivoire."""
    assert _by_text(parse("Korea's exports rose in May."))["Korea"].country == "KOR"
