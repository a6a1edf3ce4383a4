"""Linking across articles: one event per real-world event, near-duplicate articles on ingest,
stories, figures reconciled in the store, and the migration that made room for them.

Events are built by hand (no spaCy): linking must only depend on the stored fields.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from eventdesk.link.events import (
    ActorKey,
    EventMention,
    PlaceKey,
    actor_relation,
    evidence,
    link_events,
    names_body,
    place_relation,
)
from eventdesk.store import Store, StoryUpdate, schema
from eventdesk.store import migrations as migrations_mod
from eventdesk.store.query import EventFilter, Reader
from eventdesk.types import Actor, Article, Document, Event, Figure, Place, Size, Span

BAGHDAD = PlaceKey("Baghdad", 98182, 33.34, 44.40, "IRQ", "Baghdad", "city")
AIRPORT = PlaceKey("Baghdad International Airport", 1, 33.26, 44.23, "IRQ", "Baghdad", "point")
IRAQ = PlaceKey("Iraq", 99237, 33.0, 44.0, "IRQ", None, "country")
AIN_AL_ASAD = PlaceKey("Ain al-Asad", 2, 33.80, 42.44, "IRQ", "Anbar", "point")
ERBIL = PlaceKey("Erbil", 95446, 36.19, 44.01, "IRQ", "Erbil", "city")
USA_MIL = ActorKey("US forces", "USAMIL", "USA", "MIL")
IRN_MIL = ActorKey("Qassem Soleimani", "IRNMIL", "IRN", "MIL")


def mention(eid: str, article: str, seq: int, **kw: object) -> EventMention:
    fields: dict[str, object] = {"event": "ASSAULT", "ontology": "plover"}
    fields.update(kw)
    return EventMention(eid, article, (seq, 0), **fields)  # type: ignore[arg-type]


# -- linking rules on hand-built mentions ---------------------------------------------------


def test_a_day_date_merges_with_the_month_holding_it_across_articles() -> None:
    a = mention("a1", "a", 1, actor=USA_MIL, recipient=IRN_MIL, date="2020-01-03",
                date_precision="day", place=BAGHDAD)
    b = mention("b1", "b", 2, actor=USA_MIL, recipient=IRN_MIL, date="2020-01",
                date_precision="month", place=AIRPORT)
    c = mention("c1", "c", 3, recipient=IRN_MIL, date="2020-01-03", date_precision="day",
                place=IRAQ)
    later = mention("d1", "d", 4, actor=USA_MIL, recipient=IRN_MIL, date="2020-02",
                    date_precision="month", place=BAGHDAD)
    links = link_events([later, c, b, a])  # input order does not matter
    assert links == {"a1": "a1", "b1": "a1", "c1": "a1", "d1": "d1"}


def test_two_attacks_the_same_evening_on_two_bases_stay_apart() -> None:
    rockets = ActorKey("rockets")
    a = mention("a1", "a", 1, actor=rockets, date="2020-01-08", date_precision="day",
                place=AIN_AL_ASAD)
    b = mention("b1", "b", 2, actor=rockets, date="2020-01-08", date_precision="day",
                place=ERBIL)
    c = mention("c1", "c", 3, actor=rockets, date="2020-01-08", date_precision="day",
                place=AIN_AL_ASAD)
    # Iraq contains both bases, but complete linkage cannot weld the two through it.
    d = mention("d1", "d", 4, actor=rockets, date="2020-01-08", date_precision="day",
                place=IRAQ)
    links = link_events([a, b, c, d])
    assert links["a1"] == links["c1"] == "a1"
    assert links["b1"] == "b1"
    assert len({links["a1"], links["b1"]}) == 2
    assert links["d1"] in ("a1", "b1")


def test_one_sea_without_a_gazetteer_id_is_one_place_in_two_articles() -> None:
    gulf = PlaceKey("Gulf of Mexico", lat=25.0, lon=-90.0, level="country")
    caribbean = PlaceKey("Caribbean Sea", lat=15.0, lon=-75.0, level="country")
    assert place_relation(gulf, PlaceKey("Gulf of Mexico", lat=25.0, lon=-90.0,
                                         level="country")) == "same"
    assert place_relation(gulf, caribbean) == "apart"
    bp = ActorKey("BP Plc")
    a = mention("a1", "a", 1, actor=bp, date="2010-06-16", date_precision="day", place=gulf)
    b = mention("b1", "b", 2, actor=bp, date="2010-06-16", date_precision="day",
                place=PlaceKey("Gulf of Mexico", lat=25.0, lon=-90.0, level="country"))
    assert link_events([a, b]) == {"a1": "a1", "b1": "a1"}


def test_negated_or_hypothetical_never_merge_with_factual() -> None:
    kw = {"actor": USA_MIL, "recipient": IRN_MIL, "date": "2020-01-03", "date_precision": "day",
          "place": BAGHDAD}
    fact = mention("a1", "a", 1, **kw)
    denial = mention("b1", "b", 2, negated=True, **kw)
    plan = mention("c1", "c", 3, hypothetical=True, **kw)
    assert evidence(fact, denial) is None and evidence(fact, plan) is None
    assert len(set(link_events([fact, denial, plan]).values())) == 3


def test_different_actors_or_types_stay_apart() -> None:
    kw = {"date": "2020-01-03", "date_precision": "day", "place": BAGHDAD}
    us = mention("a1", "a", 1, actor=USA_MIL, **kw)
    iran = mention("b1", "b", 2, actor=ActorKey("IRGC", "IRNMIL", "IRN", "MIL"), **kw)
    us_gov = mention("c1", "c", 3, actor=ActorKey("Pentagon", "USAGOV", "USA", "GOV"), **kw)
    protest = mention("d1", "d", 4, event="PROTEST", actor=USA_MIL, **kw)
    links = link_events([us, iran, us_gov, protest])
    assert len(set(links.values())) == 4


def test_a_meeting_reported_from_either_side_is_one_meeting() -> None:
    """"Svanberg met Obama" and "Obama met Svanberg": a meeting is done with the other side,
    so the two readings agree; an attack reported the other way round is another attack."""
    obama = ActorKey("President Obama", "USAGOV", "USA", "GOV")
    svanberg = ActorKey("Carl-Henric Svanberg", "GBRBUS", "GBR", "BUS")
    kw = {"date": "2010-06-16", "date_precision": "day", "place": BAGHDAD}
    one = mention("a1", "a", 1, event="CONSULT", actor=svanberg, recipient=obama, **kw)
    other = mention("b1", "b", 2, event="CONSULT", actor=obama, recipient=svanberg, **kw)
    assert link_events([one, other])["b1"] == "a1"
    hit = mention("c1", "c", 3, actor=USA_MIL, recipient=IRN_MIL, **kw)
    back = mention("d1", "d", 4, actor=IRN_MIL, recipient=USA_MIL, **kw)
    assert link_events([hit, back])["d1"] == "d1"


def test_one_day_apart_needs_place_and_actors_to_agree() -> None:
    a = mention("a1", "a", 1, actor=USA_MIL, date="2020-01-03", date_precision="day",
                place=BAGHDAD)
    b = mention("b1", "b", 2, actor=USA_MIL, date="2020-01-02", date_precision="day",
                place=AIRPORT)
    unplaced = mention("c1", "c", 3, actor=USA_MIL, date="2020-01-04", date_precision="day")
    links = link_events([a, b, unplaced])
    assert links["b1"] == "a1" and links["c1"] == "c1"


def test_an_undated_repeat_merges_within_its_article_only_with_strong_agreement() -> None:
    first = mention("a1", "a", 1, actor=USA_MIL, recipient=IRN_MIL, date="2020-01-03",
                    date_precision="day", place=BAGHDAD)
    repeat = mention("a2", "a", 1, actor=USA_MIL, recipient=IRN_MIL, place=BAGHDAD)
    weak = mention("a3", "a", 1, actor=USA_MIL)
    elsewhere = mention("b1", "b", 2, actor=USA_MIL, recipient=IRN_MIL, place=BAGHDAD)
    links = link_events([first, repeat, weak, elsewhere])
    assert links["a2"] == "a1"
    assert links["a3"] == "a3" and links["b1"] == "b1"


def test_same_day_with_nothing_else_known_needs_a_shared_story() -> None:
    a = mention("a1", "a", 1, date="2020-01-08", date_precision="day")
    b = mention("b1", "b", 2, date="2020-01-08", date_precision="day")
    assert link_events([a, b]) == {"a1": "a1", "b1": "b1"}
    a_s = mention("a1", "a", 1, date="2020-01-08", date_precision="day", story_id="s1")
    b_s = mention("b1", "b", 2, date="2020-01-08", date_precision="day", story_id="s1")
    assert link_events([a_s, b_s]) == {"a1": "a1", "b1": "a1"}


def test_different_modes_merge_only_with_the_same_actor_and_fitting_dates() -> None:
    irq_gov = ActorKey("Iraqi parliament", "IRQGOV", "IRQ", "GOV")
    kw = {"event": "REQUEST", "place": IRAQ}
    motion = mention("a1", "a", 1, mode="change", actor=irq_gov, date="2020-01",
                     date_precision="month", **kw)
    vote = mention("b1", "b", 2, mode="yield", actor=irq_gov, date="2020-01-05",
                   date_precision="day", **kw)
    assert link_events([motion, vote]) == {"a1": "a1", "b1": "a1"}
    other_actor = mention("c1", "c", 3, mode="yield", actor=ActorKey("lawmakers"),
                          date="2020-01-05", date_precision="day", **kw)
    assert link_events([motion, other_actor])["c1"] == "c1"
    next_month = mention("d1", "d", 4, mode="yield", actor=irq_gov, date="2020-02-05",
                         date_precision="day", **kw)
    assert link_events([motion, next_month])["d1"] == "d1"


def test_one_act_coded_as_two_types_merges_only_with_the_same_actor() -> None:
    coalition = ActorKey("US-led coalition", "IGOCOA", None, "MIL")
    kw = {"place": IRAQ, "date": "2020-01-05", "date_precision": "day"}
    paused = mention("a1", "a", 1, event="RETREAT", actor=coalition, **kw)  # "paused operations"
    suspended = mention("b1", "b", 2, event="SANCTION", mode="discontinue", actor=coalition,
                        **kw)  # "suspended training of Iraqi forces"
    assert link_events([paused, suspended]) == {"a1": "a1", "b1": "a1"}
    nato = ActorKey("NATO", "IGONAT", None, "MIL")
    other = mention("c1", "c", 3, event="SANCTION", mode="discontinue", actor=nato, **kw)
    assert link_events([paused, other])["c1"] == "c1"
    unknown_actor = mention("d1", "d", 4, event="SANCTION", mode="discontinue", **kw)
    assert link_events([paused, unknown_actor])["d1"] == "d1"  # different types: firmer ground
    embargo = mention("e1", "e", 5, event="SANCTION", mode="embargo", actor=coalition, **kw)
    assert link_events([paused, embargo])["e1"] == "e1"  # no act they share
    assert evidence(paused, embargo) is None


def test_a_pending_type_relinks_the_types_it_shares_acts_with(store: Store) -> None:
    a = Article("a", "The coalition paused operations on Sunday.", published="2020-01-05")
    b = Article("b", "The coalition suspended its training of Iraqi forces on Sunday.",
                published="2020-01-05")
    store.add_articles([a, b])
    who = Actor("coalition", code="IGOCOA", sector="MIL")

    def event(art: Article, etype: str, mode: str | None, trigger: str) -> Event:
        return Event(etype, _span(art, art.text), mode=mode, trigger=_span(art, trigger),
                     actor=who, date="2020-01-05", date_precision="day")

    store.save_documents([Document(a, events=[event(a, "RETREAT", None, "paused")])], "k")
    store.link_events()
    store.save_documents([Document(b, events=[event(b, "SANCTION", "discontinue",
                                                    "suspended")])], "k")
    store.link_events()  # only SANCTION is pending; RETREAT is in its block
    assert store.count("events") == 1


def test_an_undated_member_from_another_story_does_not_shut_a_group() -> None:
    kw = {"actor": USA_MIL, "recipient": IRN_MIL, "place": BAGHDAD}
    dated = mention("a1", "a", 1, date="2020-01-03", date_precision="day", story_id="s1", **kw)
    undated = mention("a2", "b", 2, story_id="s1", **kw)  # joins through its story
    other = mention("c1", "c", 3, date="2020-01-03", date_precision="day", story_id="s2", **kw)
    links = link_events([dated, undated, other])
    assert links == {"a1": "a1", "a2": "a1", "c1": "a1"}
    # an undated member still vetoes what it conflicts with: its recipient is Iranian
    bare = mention("a1", "a", 1, date="2020-01-03", date_precision="day", story_id="s1",
                   actor=USA_MIL, place=BAGHDAD)
    iraqi = ActorKey("Iraqi commander", "IRQMIL", "IRQ", "MIL")
    clash = mention("c1", "c", 3, date="2020-01-03", date_precision="day", story_id="s2",
                    actor=USA_MIL, recipient=iraqi, place=BAGHDAD)
    assert link_events([bare, clash])["c1"] == "a1"
    links = link_events([bare, undated, clash])
    assert links["a2"] == "a1" and links["c1"] == "c1"


MUHANDIS = ActorKey("Abu Mahdi al-Muhandis", "IRQMILPMF", "IRQ", "MIL")


def test_a_report_naming_one_of_two_killed_links_through_its_article() -> None:
    # Outlet b: "the drone strike that killed Muhandis and Soleimani" (undated), and "Muhandis
    # was killed in a US airstrike on Friday" (3 January). Outlet a, another story: "the strike
    # of 3 January that killed Soleimani". One strike: b's dated mention names only Muhandis
    # (Iraqi), but its own article says the strike killed Soleimani (Iranian) too.
    both = ActorKey("Muhandis", "IRQMILPMF", "IRQ", "MIL", also=(IRN_MIL,))
    a1 = mention("a1", "a", 1, date="2020-01-03", date_precision="day", story_id="s1",
                 actor=USA_MIL, recipient=IRN_MIL, place=BAGHDAD)
    b1 = mention("b1", "b", 2, story_id="s2", actor=USA_MIL, recipient=both, place=IRAQ)
    b2 = mention("b2", "b", 3, date="2020-01-03", date_precision="day", story_id="s2",
                 actor=USA_MIL, recipient=MUHANDIS, place=IRAQ)
    assert link_events([a1, b1, b2]) == {"a1": "a1", "b1": "a1", "b2": "a1"}
    # The same words in another article are no ground: its Muhandis-only report stays apart
    c2 = mention("c2", "c", 4, date="2020-01-03", date_precision="day", story_id="s3",
                 actor=USA_MIL, recipient=MUHANDIS, place=IRAQ)
    assert link_events([a1, b1, c2])["c2"] == "c2"
    # Parties of one country are not one party: an article's strike on the K1 base (Iraqi)
    # does not take the strike's other dead from a passage about Muhandis
    k1 = mention("b2", "b", 3, date="2020-01-03", date_precision="day", story_id="s2",
                 actor=USA_MIL, recipient=ActorKey("K1 base", "IRQ", "IRQ"), place=IRAQ)
    assert link_events([a1, b1, k1])["b2"] != "a1"


def test_either_side_naming_several_parties_agrees_on_a_shared_one() -> None:
    both = ActorKey("Muhandis", "IRQMILPMF", "IRQ", "MIL", also=(IRN_MIL,))
    assert actor_relation(both, IRN_MIL) == "agree"
    assert actor_relation(IRN_MIL, both) == "agree"
    assert actor_relation(MUHANDIS, IRN_MIL) == "conflict"


COALITION = ActorKey("US-led coalition", "IGOCOA", None, "MIL")
IRQ_MIL = ActorKey("Iraqi forces", "IRQMIL", "IRQ", "MIL")


def _suspension_reports(published: str = "2020-02-12") -> list[EventMention]:
    """The 5 January report (headline, undated, and dated body) and a February story's undated
    recollections of it ("the coalition paused operations", "halted its campaign")."""
    return [
        mention("r1", "early", 1, event="RETREAT", actor=COALITION, recipient=IRQ_MIL,
                place=IRAQ, story_id="s1"),  # an article without a publication date
        mention("r2", "feb", 2, event="RETREAT", mode="ceasefire", actor=COALITION,
                place=IRAQ, story_id="s1", published=published),
        mention("h1", "jan", 3, event="SANCTION", mode="discontinue",
                actor=ActorKey("US", "USA", "USA", None), recipient=IRQ_MIL, place=IRAQ,
                story_id="s2", published="2020-01-05"),  # the headline: "US suspends ..."
        mention("d1", "jan", 3, event="SANCTION", mode="discontinue", actor=COALITION,
                recipient=IRQ_MIL, place=IRAQ, date="2020-01-05", date_precision="day",
                story_id="s2", published="2020-01-05"),
    ]


def test_an_undated_recollection_joins_the_one_dated_event_it_recalls() -> None:
    reports = _suspension_reports()
    links = link_events(reports)
    # the headline and the dated sentence of 5 January are one group first; the February
    # story's group joins it, whatever the order
    assert set(links.values()) == {"r1"}
    assert link_events(list(reversed(reports))) == links


def test_a_recollection_needs_its_article_published_within_the_window() -> None:
    late = _suspension_reports(published="2020-06-01")  # five months on: not "recent weeks"
    assert link_events(late)["r1"] != link_events(late)["d1"]
    undated_article = _suspension_reports(published="")  # no publication date at all
    assert link_events(undated_article)["r1"] != link_events(undated_article)["d1"]


def test_a_recollection_that_fits_two_dated_events_joins_neither() -> None:
    reports = _suspension_reports()
    again = mention("d2", "jan20", 4, event="SANCTION", mode="discontinue", actor=COALITION,
                    recipient=IRQ_MIL, place=IRAQ, date="2020-01-20", date_precision="day",
                    story_id="s3", published="2020-01-20")
    links = link_events([*reports, again])
    assert links["r2"] == "r1" and links["h1"] == links["d1"] != "r1" and links["d2"] == "d2"


def test_a_recollection_by_an_actor_that_stands_for_many_joins_nothing() -> None:
    officials = ActorKey("US officials", "USAGOV", "USA", "GOV")
    dated = mention("d1", "jan", 1, event="SANCTION", mode="discontinue", actor=officials,
                    place=IRAQ, date="2020-01-05", date_precision="day", story_id="s1",
                    published="2020-01-05")
    recalled = mention("r1", "feb", 2, event="SANCTION", mode="discontinue", actor=officials,
                       place=IRAQ, story_id="s2", published="2020-02-12")
    assert link_events([dated, recalled]) == {"d1": "d1", "r1": "r1"}
    # the same pair with a body's code is one event
    coalition = [m.__class__(**{**{f: getattr(m, f) for f in m.__slots__},
                                "actor": COALITION}) for m in (dated, recalled)]
    assert link_events(coalition) == {"d1": "d1", "r1": "d1"}


NATO = ActorKey("NATO", "IGONATO", None, "IGO")
IRQ = ActorKey("Iraq", "IRQ", "IRQ", None)


def _nato_suspensions(**second: object) -> list[EventMention]:
    """Two stories recalling NATO's suspension of training, neither with a date: "NATO
    suspended its training mission" and, in another story, "NATO had previously announced
    that it would suspend the training of Iraqi forces"."""
    fields: dict[str, object] = {"event": "SANCTION", "mode": "discontinue", "actor": NATO,
                                 "recipient": IRQ_MIL, "place": IRAQ, "story_id": "s2",
                                 "published": "2020-01-09"}
    fields.update(second)
    return [
        mention("n1", "feb", 1, event="SANCTION", mode="discontinue", actor=NATO, recipient=IRQ,
                place=IRAQ, story_id="s1", published="2020-02-13"),
        mention("n2", "jan", 2, **fields),
    ]


def test_two_undated_recollections_of_one_bodys_act_are_one_event() -> None:
    reports = _nato_suspensions()
    assert link_events(reports) == {"n1": "n1", "n2": "n1"}
    assert link_events(list(reversed(reports))) == {"n1": "n1", "n2": "n1"}


@pytest.mark.parametrize("change", [
    {"recipient": None},  # nothing known of whom it was done to on one side
    {"published": "2020-05-01"},  # more than the background window apart
    {"published": None},  # no publication date to place it
    {"actor": ActorKey("US officials", "USAGOV", "USA", "GOV")},  # no one body acts
    {"place": AIN_AL_ASAD, "recipient": IRQ_MIL},  # one said Iraq, this a base in it: still one
])
def test_undated_recollections_need_one_body_an_agreeing_recipient_and_a_near_day(
        change: dict[str, object]) -> None:
    links = link_events(_nato_suspensions(**change))
    assert links["n2"] == ("n1" if "place" in change else "n2")


def test_an_undated_recollection_that_fits_two_undated_groups_joins_neither() -> None:
    reports = _nato_suspensions()
    # fits n1 (Iraq), not n2 (Iraqi forces: another sector than the government's)
    other = mention("n3", "mar", 3, event="SANCTION", mode="discontinue", actor=NATO,
                    recipient=ActorKey("Iraqi government", "IRQGOV", "IRQ", "GOV"),
                    place=IRAQ, story_id="s3", published="2020-01-20")
    for order in ([*reports, other], [other, *reports]):
        assert link_events(order) == {"n1": "n1", "n2": "n2", "n3": "n3"}


def test_names_body_tells_a_body_from_a_country_and_sectors() -> None:
    assert names_body(COALITION) and names_body(ActorKey("NATO", "IGONATO", None, "IGO"))
    assert names_body(ActorKey("Kataib Hezbollah", "IRQREBKH", "IRQ", "REB"))
    assert not names_body(ActorKey("US officials", "USAGOV", "USA", "GOV"))
    assert not names_body(ActorKey("police", "USACOPGOV", "USA", "GOV"))
    assert not names_body(ActorKey("Iraq", "IRQ", "IRQ", None))
    assert not names_body(ActorKey("the UN", "IGO", None, "IGO"))
    assert not names_body(ActorKey("someone")) and not names_body(None)


def test_sector_codes_cover_the_actor_dictionarys_sectors() -> None:
    from importlib.resources import files

    from eventdesk.entities.dictionary import SECTORS

    rows = files("eventdesk.data.actors").joinpath("sectors.tsv").read_text().splitlines()
    codes = {r.split("\t")[1] for r in rows[1:] if r and not r.startswith("#")}
    codes -= {"sector", ""}
    assert codes and codes <= SECTORS


# -- the store: one record per real-world event ---------------------------------------------

STRIKE = "A US drone strike killed Qassem Soleimani near Baghdad airport on Friday."
STRIKE_B = "Iran vowed revenge after the US strike in Baghdad that killed Soleimani in January."
OTHER = "Rockets hit the Ain al-Asad base on Wednesday night."


def _span(a: Article, phrase: str) -> Span:
    start = a.text.index(phrase)
    return Span(a.id, 0, start, start + len(phrase), phrase, "test", 0.9)


def _place(a: Article, phrase: str, key: PlaceKey) -> Place:
    return Place(_span(a, phrase), name=key.name, lat=key.lat, lon=key.lon, country=key.country,
                 admin1=key.admin1, geonameid=key.geonameid, level=key.level)


def _strike(a: Article, date: str, precision: str, where: str, key: PlaceKey,
            confidence: float = 0.7) -> Event:
    return Event(
        "ASSAULT", _span(a, a.text), mode="aerial", trigger=_span(a, "strike"),
        actor=Actor("US", country="USA", sector="MIL"),
        recipient=Actor("Soleimani", country="IRN", sector="MIL"),
        date=date, date_precision=precision,  # type: ignore[arg-type]
        location=_place(a, where, key), confidence=confidence,
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(f"sqlite:///{tmp_path / 'link.db'}") as s:
        yield s


def _strike_store(store: Store) -> tuple[Article, Article, Article]:
    a = Article("a", STRIKE, source="Wire", published="2020-01-03")
    b = Article("b", STRIKE_B, source="Daily", published="2020-01-10")
    c = Article("c", OTHER, source="Post", published="2020-01-09")
    store.add_articles([a, b, c])
    docs = [
        Document(a, events=[_strike(a, "2020-01-03", "day", "Baghdad airport", AIRPORT, 0.6)]),
        Document(b, events=[_strike(b, "2020-01", "month", "Baghdad", BAGHDAD, 0.9)]),
        Document(c, events=[Event("ASSAULT", _span(c, OTHER), actor=Actor("Rockets"),
                                  date="2020-01-08", date_precision="day",
                                  location=_place(c, "Ain al-Asad", AIN_AL_ASAD))]),
    ]
    store.save_documents(docs, "k")
    store.link_events()
    return a, b, c


def test_export_has_one_event_with_every_articles_source(store: Store) -> None:
    _strike_store(store)
    recs = list(store.iter_events())
    assert len(recs) == 2 and store.count("events") == 2
    strike = recs[0]
    assert [s["article_id"] for s in strike["sources"]] == ["a", "b"]
    assert [s["text"] for s in strike["sources"]] == [STRIKE, STRIKE_B]
    assert strike["sources"][1]["source"] == "Daily"
    # The day-precision mention is the more complete one, though less confident.
    assert (strike["date"], strike["date_precision"]) == ("2020-01-03", "day")
    first_id = strike["event_id"]
    assert [s["article_id"] for s in recs[1]["sources"]] == ["c"]
    assert store.link_events() == 0  # nothing pending: nothing to do
    assert next(iter(store.iter_events()))["event_id"] == first_id


def test_reprocessing_one_article_keeps_the_other_articles_sources(store: Store) -> None:
    a, _, _ = _strike_store(store)
    before = next(store.iter_events())
    # Article a again, same event: the group and its id come back.
    again = Document(a, events=[_strike(a, "2020-01-03", "day", "Baghdad airport", AIRPORT)])
    store.save_documents([again], "k2")
    mid = list(store.iter_events())  # not relinked yet: every mention still shows
    assert sorted(s["article_id"] for r in mid for s in r["sources"]) == ["a", "b", "c"]
    store.link_events()
    after = next(store.iter_events())
    assert after["event_id"] == before["event_id"]
    assert [s["article_id"] for s in after["sources"]] == ["a", "b"]
    # Article a again with no events: b's source stays, as its own event now.
    store.save_documents([Document(a)], "k3")
    store.link_events()
    recs = list(store.iter_events())
    assert sorted(s["article_id"] for r in recs for s in r["sources"]) == ["b", "c"]


def test_a_stopped_run_leaves_its_blocks_to_link(store: Store) -> None:
    a = Article("a", STRIKE, published="2020-01-03")
    b = Article("b", STRIKE_B, published="2020-01-10")
    store.add_articles([a, b])
    store.save_documents([Document(a, events=[_strike(a, "2020-01-03", "day", "Baghdad",
                                                      BAGHDAD)])], "k")
    store.save_documents([Document(b, events=[_strike(b, "2020-01", "month", "Baghdad",
                                                      BAGHDAD)])], "k")
    assert store.count("events") == 2  # not linked yet: nothing is lost meanwhile
    assert store.link_events() == 1  # the pending block, without being told
    assert store.count("events") == 1


# -- near duplicates ------------------------------------------------------------------------

BODY = " ".join(
    f"Paragraph {i}: the coalition said training of Iraqi forces was suspended after rocket "
    f"attacks on bases hosting its troops, and officials would review the mission."
    for i in range(8)
)


def test_a_near_duplicate_is_recorded_linked_and_never_processed(store: Store, db_path) -> None:
    near = store.near_duplicate_index()
    original = Article("orig", "WIRE HEADER\n" + BODY, url="https://a.example/1")
    store.add_articles([original], near=near)
    copy = Article("copy", "Reposted by Daily News. " + BODY + " Share this story.",
                   url="https://b.example/2")
    other = Article("other", "A different report about floods in Basra and rescue teams.")
    # A fresh index, as the next ingest loads it from the store.
    res = store.add_articles([copy, other], near=store.near_duplicate_index())
    assert (res.new, res.duplicates, res.near_duplicates) == (1, 1, 1)
    assert res.duplicate_of == [("copy", "orig")]
    assert [a.id for a in store.pending("k")] == ["orig", "other"]
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT duplicate_of, reason, similarity FROM article_duplicates WHERE id = 'copy'"
        ).fetchone()
        n_sigs = conn.execute("SELECT count(*) FROM article_signatures").fetchone()[0]
    assert row[:2] == ("orig", "near") and 0.7 <= row[2] < 1.0
    assert n_sigs == 2


def test_near_duplicates_within_one_batch(store: Store) -> None:
    first = Article("x1", "Header one. " + BODY)
    second = Article("x2", "Header two, another outlet. " + BODY)
    res = store.add_articles([first, second], near=store.near_duplicate_index())
    assert (res.new, res.near_duplicates) == (1, 1)
    assert res.duplicate_of == [("x2", "x1")]


@pytest.fixture
def db_path(store: Store) -> Path:
    return Path(store.url.removeprefix("sqlite:///"))


# -- stories --------------------------------------------------------------------------------


@pytest.mark.slow
def test_stories_are_assigned_incrementally_and_stable_on_rerun(store: Store) -> None:
    from eventdesk.link.steps import StoryStep

    arts = [
        Article("s1", STRIKE, title="US strike kills Soleimani", published="2020-01-03"),
        Article("s2", STRIKE_B, title="Iran vows revenge for Soleimani killing",
                published="2020-01-04"),
        Article("f1", "Floods in Basra forced hundreds of families from their homes.",
                title="Basra floods", published="2020-01-04"),
    ]
    store.add_articles(arts)
    docs = [Document(a) for a in arts]
    step = StoryStep(store)
    update = step.plan(docs[:1])
    store.save_documents(docs[:1], "k", story_update=update)
    # The next run starts from the stored state, not from this process's memory.
    step2 = StoryStep(store)
    update2 = step2.plan(docs[1:])
    store.save_documents(docs[1:], "k", story_update=update2)
    stories = {s["story_id"]: s for s in store.iter_stories()}
    by_article = {aid: sid for sid, s in stories.items() for aid in s["article_ids"]}
    assert by_article["s1"] == by_article["s2"] != by_article["f1"]
    assert stories[by_article["s1"]]["title"] == "US strike kills Soleimani"
    # Re-processing clusters nothing again, and the stories stay as they were.
    again = StoryStep(store).plan(docs)
    assert again.members == [] and again.states == []
    store.save_documents(docs, "k2", story_update=again)
    assert {s["story_id"]: s for s in store.iter_stories()} == stories


def test_events_point_at_their_articles_story(store: Store) -> None:
    _, b, c = _strike_store(store)
    up = StoryUpdate(members=[("st1", "a"), ("st1", "b")], titles={"st1": "Soleimani"})
    store.save_documents([Document(c)], "k", story_update=up)
    store.save_documents(
        [Document(b, events=[_strike(b, "2020-01", "month", "Baghdad", BAGHDAD)])], "k"
    )
    store.link_events()
    (rec,) = store.iter_events()
    assert rec["story_id"] == "st1"
    (story,) = store.iter_stories()
    assert story["article_ids"] == ["a", "b"] and story["title"] == "Soleimani"
    with pytest.raises(Exception, match="no title"):
        store.save_documents([Document(c)], "k", story_update=StoryUpdate(members=[("st2", "c")]))


# -- figures --------------------------------------------------------------------------------


def test_figures_export_groups_wordings_and_flags_a_discrepancy(store: Store) -> None:
    texts = {
        "f1": "There are 5,200 US troops in Iraq.",
        "f2": "Washington has 5,200 US soldiers there.",
        "f3": "There are approximately 5,000 US troops in Iraq.",
    }
    arts = [Article(k, v, source=k.upper(), published=f"2020-01-0{i + 3}")
            for i, (k, v) in enumerate(texts.items())]
    store.add_articles(arts)
    docs = []
    for a in arts:
        number = "approximately 5,000" if "approx" in a.text else "5,200"
        about = "US soldiers" if "soldiers" in a.text else "US troops in Iraq"
        docs.append(Document(a, figures=[Figure(_span(a, number), 5000 if "approx" in number
                                                else 5200, unit="troops", about=about,
                                                approximate="approx" in number)]))
    store.save_documents(docs, "k")
    (group,) = store.iter_figures()
    assert [v["value"] for v in group["values"]] == [5200, 5200, 5000]
    assert [v["article_id"] for v in group["values"]] == ["f1", "f2", "f3"]
    assert group["discrepancy"] is True and group["about"] == "US troops in Iraq"


# -- migration ------------------------------------------------------------------------------


def test_migration_0002_applies_to_a_store_made_by_0001_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.db"
    first = migrations_mod.MIGRATIONS[:1]
    with monkeypatch.context() as m:
        m.setattr(migrations_mod, "MIGRATIONS", first)
        Store(f"sqlite:///{db}").close()
    # 0001 made today's tables; take back what 0002 adds, as a store from before it was.
    with sqlite3.connect(db) as conn:
        conn.execute("DROP INDEX ix_events_linked_to")
        # Later migrations' indexes name these columns too; they are put back by those steps.
        for index in schema.QUERY_INDEXES_EVENTS:
            conn.execute(f"DROP INDEX IF EXISTS {index.name}")
        for table, column in (("events", "linked_to"), ("events", "place_level"),
                              ("article_duplicates", "similarity")):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("DROP TABLE IF EXISTS article_signatures")
        conn.execute("DROP TABLE IF EXISTS story_state")
        conn.execute("DROP TABLE IF EXISTS link_pending")
        # An article stored before signatures existed.
        conn.execute(
            "INSERT INTO articles (id, text, text_sha1, published, ingested_at) "
            "VALUES ('a', ?, 'x', '2020-01-03', '2020-01-03T00:00:00')",
            (STRIKE,),
        )
    with Store(f"sqlite:///{db}") as s:
        a = s.get_article("a")
        assert a is not None
        s.save_documents([Document(a, events=[_strike(a, "2020-01-03", "day", "Baghdad",
                                                      BAGHDAD)])], "k")
        b = Article("b", STRIKE_B, published="2020-01-10")
        s.add_articles([b], near=s.near_duplicate_index())
        s.save_documents([Document(b, events=[_strike(b, "2020-01", "month", "Baghdad",
                                                      BAGHDAD)])], "k")
        s.link_events(s.event_blocks())
        (rec,) = s.iter_events()
        assert [x["article_id"] for x in rec["sources"]] == ["a", "b"]
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations")]
        cols = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(events)")}
    assert names == [m.name for m in migrations_mod.MIGRATIONS]
    assert {"linked_to", "place_level"} <= cols and "ix_events_linked_to" in indexes
    assert {ix.name for ix in schema.QUERY_INDEXES_EVENTS} <= indexes
    # Opening again changes nothing.
    Store(f"sqlite:///{db}").close()


def test_merged_stories_move_their_articles_and_events(store: Store) -> None:
    _, _, c = _strike_store(store)
    first = StoryUpdate(
        members=[("st1", "a"), ("st2", "b"), ("st2", "c")],
        titles={"st1": "Strike", "st2": "Strike, other outlets"},
    )
    store.save_documents([Document(c)], "k", story_update=first)
    assert len(list(store.iter_stories())) == 2
    # The clusterer later finds st2 grew into st1: one story, st1's id kept, order kept.
    store.save_documents([Document(c)], "k", story_update=StoryUpdate(merged={"st2": "st1"}))
    (story,) = store.iter_stories()
    assert story["story_id"] == "st1"
    assert story["article_ids"] == ["a", "b", "c"]
    assert store.count("stories") == 1
    assert all(e["story_id"] == "st1" for e in store.iter_events())


def test_a_saved_batch_flags_its_stories_until_their_views_are_rebuilt(store: Store) -> None:
    _, _, c = _strike_store(store)
    up = StoryUpdate(members=[("st1", "a"), ("st1", "b")], titles={"st1": "Strike"})
    store.save_documents([Document(c)], "k", story_update=up)
    assert store.stories_due_views() == ["st1"]
    store.save_story_views("st1", [], [])
    assert store.stories_due_views() == []
    # Re-processing an article of no story flags nothing; one of the story's flags it again.
    store.save_documents([Document(c)], "k")
    assert store.stories_due_views() == []
    a = store.get_article("a")
    assert a is not None
    store.save_documents([Document(a)], "k")
    assert store.stories_due_views() == ["st1"]


def test_the_store_links_a_recollection_by_its_articles_publication_date(store: Store) -> None:
    jan = Article("jan", "The US-led coalition suspended training of Iraqi forces on Sunday.",
                  published="2020-01-05")
    feb = Article("feb", "The coalition halted its campaign in response.",
                  published="2020-02-12")
    store.add_articles([jan, feb])
    who = Actor("coalition", code="IGOCOA", sector="MIL")
    iraq = PlaceKey("Iraq", 99237, 33.0, 44.0, "IRQ", None, "country")

    def event(art: Article, etype: str, mode: str | None, trigger: str, date: str | None,
              where: str) -> Event:
        return Event(etype, _span(art, art.text), mode=mode, trigger=_span(art, trigger),
                     actor=who, date=date, date_precision="day" if date else None,
                     location=_place(art, where, iraq))

    feb_doc = Document(feb, events=[event(feb, "RETREAT", "ceasefire", "halted", None,
                                          "campaign")])
    store.save_documents([feb_doc], "k",
                         story_update=StoryUpdate(members=[("s2", "feb")],
                                                  titles={"s2": "Feb"}))
    jan_doc = Document(jan, events=[event(jan, "SANCTION", "discontinue", "suspended",
                                          "2020-01-05", "Iraqi")])
    store.save_documents([jan_doc], "k",
                         story_update=StoryUpdate(members=[("s1", "jan")],
                                                  titles={"s1": "Jan"}))
    store.link_events()
    records = list(store.iter_events())
    assert len(records) == 1
    assert {s["article_id"] for s in records[0]["sources"]} == {"jan", "feb"}
    assert records[0]["date"] == "2020-01-05"


def test_other_parties_are_stored_exported_and_linked_on(store: Store, tmp_path: Path) -> None:
    text = "A US drone strike killed Muhandis and Soleimani in Baghdad."
    a = Article("m", text, published="2020-01-04")
    store.add_articles([a])
    ev = _strike(a, "2020-01-03", "day", "Baghdad", BAGHDAD)
    ev.recipient = Actor("Muhandis", code="IRQMILPMF", country="IRQ", sector="MIL",
                         also=(Actor("Soleimani", code="IRNMIL", country="IRN", sector="MIL"),))
    store.save_documents([Document(a, events=[ev])], "k")
    store.link_events()
    (rec,) = store.iter_events()
    assert rec["recipient"]["also"] == [
        {"entity_text": "Soleimani", "code": "IRNMIL", "country": "IRN", "sector": "MIL"}]
    assert rec["actor"]["also"] == []
    # a cell edited by hand into something that is not JSON: the main party still stands
    with sqlite3.connect(tmp_path / "link.db") as conn:
        conn.execute("UPDATE events SET recipient_also = 'not json'")
    (rec,) = store.iter_events()
    assert rec["recipient"]["entity_text"] == "Muhandis" and rec["recipient"]["also"] == []


def test_migration_0007_adds_the_other_parties_to_an_older_store(tmp_path: Path) -> None:
    db = tmp_path / "old6.db"
    Store(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:  # a store from before 0007: without its columns
        conn.execute("ALTER TABLE events DROP COLUMN actor_also")
        conn.execute("ALTER TABLE events DROP COLUMN recipient_also")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0007_co_parties'")
    with Store(f"sqlite:///{db}") as s:
        a = Article("m", "A US drone strike killed Soleimani in Baghdad.")
        s.add_articles([a])
        s.save_documents([Document(a, events=[_strike(a, "2020-01-03", "day", "Baghdad",
                                                      BAGHDAD)])], "k")
        (rec,) = s.iter_events()
        assert rec["recipient"]["also"] == []
    with sqlite3.connect(db) as conn:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    assert {"actor_also", "recipient_also"} <= cols


def test_a_party_one_report_leaves_out_comes_from_another_same_day_report(store: Store) -> None:
    """The most complete report ("the strike that killed Soleimani", a day and a city) names no
    attacker; the same-day report that does ("a US drone strike") gives the event its actor.
    A party that is not resolved to a code is not lent: it may be a parsing slip."""
    a = Article("a", STRIKE, source="Wire", published="2020-01-03")
    b = Article("b", STRIKE_B, source="Daily", published="2020-01-03")
    store.add_articles([a, b])
    named = _strike(a, "2020-01-03", "day", "Baghdad", BAGHDAD, 0.6)
    named.actor = Actor("US", code="USA", country="USA")
    unnamed = _strike(b, "2020-01-03", "day", "Baghdad", BAGHDAD, 0.9)
    unnamed.actor, unnamed.size = None, Size(dead=1)  # more complete all the same
    store.save_documents([Document(a, events=[named]), Document(b, events=[unnamed])], "k")
    store.link_events()
    (rec,) = list(store.iter_events())
    assert {s["article_id"] for s in rec["sources"]} == {"a", "b"}
    assert rec["confidence"] == 0.9  # the representative is b's report, which names no one
    assert rec["actor"]["entity_text"] == "US" and rec["actor"]["country"] == "USA"
    assert rec["recipient"]["entity_text"] == "Soleimani"
    (shown,) = Reader(store).events(EventFilter()).items  # the API's and web page's record
    assert shown["actor"] == rec["actor"]
    named.actor = Actor("Recognize")  # unresolved: no code
    store.save_documents([Document(a, events=[named])], "k")
    store.link_events()
    (rec,) = list(store.iter_events())
    assert rec["actor"] is None


def test_a_company_named_with_and_without_its_legal_form_is_one_party() -> None:
    """"BP Plc" in one report and "BP" or "BP's" in another are one company; "BP" and
    "BHP" are not."""
    assert actor_relation(ActorKey("BP Plc"), ActorKey("BP")) == "agree"
    assert actor_relation(ActorKey("BP's"), ActorKey("bp plc")) == "agree"
    assert actor_relation(ActorKey("Exxon Mobil Corp."), ActorKey("Exxon Mobil")) == "agree"
    assert actor_relation(ActorKey("BP"), ActorKey("BHP")) == "compatible"
