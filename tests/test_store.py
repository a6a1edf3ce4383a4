"""The store on real SQLite files: URLs, migrations, de-duplication, atomic saves, resume after
a crash, full-text search and the contract shapes of what it reads back.

Documents are built by hand (no spaCy): the store must not care how results were produced.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventdesk.errors import StoreError
from eventdesk.store import DEFAULT_URL, Store, resolve_url
from eventdesk.store import migrations as migrations_mod
from eventdesk.store.search import search_like
from eventdesk.types import (
    Actor,
    Article,
    DateMention,
    Document,
    Entity,
    Event,
    Figure,
    Place,
    Size,
    Span,
    Story,
    SummarySentence,
    TimelineEntry,
)

TEXT_A = (
    "Rockets struck near the embassy in Baghdad on Monday, killing two guards. "
    "About 5,200 US troops are stationed in Iraq."
)
TEXT_B = "Germany said on Tuesday it would move 30 soldiers from Iraq to Jordan."
TEXT_C = "Officials said 5,000 US troops are stationed in Iraq, fewer than last year."


def art(aid: str, text: str, **kw: object) -> Article:
    return Article(id=aid, text=text, **kw)  # type: ignore[arg-type]


def span(a: Article, phrase: str, sentence: int = 0, component: str = "test") -> Span:
    start = a.text.index(phrase)
    return Span(a.id, sentence, start, start + len(phrase), phrase, component, 0.9)


def doc_a(a: Article) -> Document:
    """A document for TEXT_A with one of everything."""
    baghdad = Place(
        span(a, "Baghdad"),
        name="Baghdad",
        lat=33.34,
        lon=44.4,
        country="IRQ",
        admin1="Baghdad",
        geonameid=98182,
        feature="PPLC",
        level="city",
    )
    sent = span(a, "Rockets struck near the embassy in Baghdad on Monday, killing two guards.")
    return Document(
        article=a,
        entities=[Entity(span(a, "Baghdad"), "GPE", canonical="Baghdad", country="IRQ")],
        dates=[DateMention(span(a, "Monday"), "2020-01-06", "day", relative=True)],
        places=[baghdad],
        figures=[
            Figure(
                span(a, "About 5,200 US troops", sentence=1),
                5200,
                unit="troops",
                about="US troops in Iraq",
                approximate=True,
            )
        ],
        events=[
            Event(
                "ASSAULT",
                sent,
                mode="aerial",
                trigger=span(a, "struck"),
                actor=Actor("Rockets"),
                recipient=Actor("guards", country="USA", sector="MIL"),
                date="2020-01-06",
                date_precision="day",
                location=baghdad,
                size=Size(dead=2),
                confidence=0.81234,
            )
        ],
    )


def doc_b(b: Article) -> Document:
    return Document(
        article=b,
        entities=[Entity(span(b, "Germany"), "GPE", country="DEU", sector="GOV")],
        places=[Place(span(b, "Jordan"), name="Jordan", lat=31.0, lon=36.0, country="JOR")],
        events=[Event("MOBILIZE", span(b, TEXT_B), actor=Actor("Germany", country="DEU"))],
    )


def table_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(db: Path):
    with Store(f"sqlite:///{db}") as s:
        yield s


# -- URLs and opening -----------------------------------------------------------------------


def test_resolve_url_prefers_argument_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EVENTDESK_DB", raising=False)
    assert resolve_url(None) == DEFAULT_URL == "sqlite:///eventdesk.db"
    assert resolve_url("") == DEFAULT_URL
    monkeypatch.setenv("EVENTDESK_DB", "postgresql://u@host/db")
    assert resolve_url(None) == "postgresql://u@host/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    # A bare path is an SQLite file, relative to the working directory as given.
    assert resolve_url("data/x.db") == "sqlite:///data/x.db"
    assert resolve_url("/abs/x.db") == "sqlite:////abs/x.db"


def test_a_bare_relative_path_opens_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EVENTDESK_DB", "env.db")
    with Store() as s:
        assert s.url == "sqlite:///env.db"
        s.add_articles([art("a", TEXT_A)])
    assert table_count(tmp_path / "env.db", "articles") == 1


def test_migrations_are_recorded_and_applied_once(db: Path) -> None:
    Store(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        first = conn.execute("SELECT name, applied_at FROM schema_migrations").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert [n for n, _ in first] == [m.name for m in migrations_mod.MIGRATIONS]
    assert {"articles", "article_duplicates", "entities", "dates", "places", "figures"} <= tables
    assert {"events", "event_sources", "stories", "story_articles", "runs"} <= tables
    with Store(f"sqlite:///{db}") as s:
        s.add_articles([art("a", TEXT_A)])
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, applied_at FROM schema_migrations").fetchall() == first
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cols = {r[1] for r in conn.execute("PRAGMA table_info(places)")}
    assert {"latitude", "longitude"} <= cols


def test_a_new_migration_is_applied_on_open_and_a_failing_one_leaves_no_trace(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(f"sqlite:///{db}").close()
    known = [m.name for m in migrations_mod.MIGRATIONS]

    def half_done(conn) -> None:
        conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN note_id INTEGER")
        conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY)")  # fails: exists

    failing = migrations_mod.Migration("9000_notes", half_done)
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", (*migrations_mod.MIGRATIONS, failing))
    with pytest.raises(StoreError, match="apply migration 9000_notes"):
        Store(f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations")] == known
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchall() == []
        assert "note_id" not in {r[1] for r in conn.execute("PRAGMA table_info(articles)")}

    def whole(conn) -> None:
        conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY)")

    fixed = migrations_mod.Migration("9000_notes", whole)
    base = migrations_mod.MIGRATIONS[: len(known)]
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", (*base, fixed))
    Store(f"sqlite:///{db}").close()
    Store(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations")] == [
            *known,
            "9000_notes",
        ]


def test_a_store_from_a_newer_eventdesk_is_refused(db: Path) -> None:
    Store(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', 'x')")
    with pytest.raises(StoreError, match="schema is newer than this eventdesk; upgrade eventdesk"):
        Store(f"sqlite:///{db}")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not an SQLite database") as err:
        Store(str(junk))
    assert "notes.db" in str(err.value)
    assert junk.read_bytes().startswith(b"these are my notes")  # left untouched


def test_another_programs_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "photos.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(StoreError, match="not made by eventdesk"):
        Store(str(other))
    with sqlite3.connect(other) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert names == ["albums"]


def test_bad_urls_and_missing_folders_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    with pytest.raises(StoreError, match="unknown kind of database"):
        Store("nosuchdb://host/x")
    with pytest.raises(StoreError, match="not a database URL"):
        Store("postgresql://user@host:notaport/db")


def test_a_folder_in_place_of_the_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    with pytest.raises(StoreError, match="cannot open or create"):
        Store(str(tmp_path / "db"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_an_unwritable_folder_is_a_store_error(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot open or create"):
            Store(str(ro / "x.db"))
    finally:
        ro.chmod(0o700)


def test_errors_never_show_a_password() -> None:
    # No driver installed, or no server on port 1: a StoreError either way, password hidden.
    with pytest.raises(StoreError) as err:
        Store("postgresql://analyst:s3cret@127.0.0.1:1/events")
    assert "s3cret" not in str(err.value)
    assert "analyst:***@127.0.0.1" in str(err.value)


# -- adding articles ------------------------------------------------------------------------


def test_adding_the_same_articles_twice_stores_them_once(store: Store) -> None:
    batch = [art("a", TEXT_A, title="Rockets"), art("b", TEXT_B)]
    first = store.add_articles(batch)
    assert (first.new, first.duplicates) == (2, 0)
    second = store.add_articles(batch)
    assert (second.new, second.duplicates) == (0, 2)
    assert second.duplicate_of == [("a", "a"), ("b", "b")]
    assert store.count("articles") == 2
    assert store.count("duplicates") == 0  # a re-read is not a re-post
    assert [a.id for a in store.iter_articles()] == ["a", "b"]
    got = store.get_article("a")
    assert got is not None and got.title == "Rockets" and got.text == TEXT_A
    assert store.get_article("zzz") is None


def test_same_url_or_same_text_is_a_duplicate_linked_to_the_original(
    store: Store, db: Path
) -> None:
    res = store.add_articles(
        [
            art("a", TEXT_A, url="https://News.example/story/1?utm_source=rss", source="Wire"),
            art("a-repost", TEXT_A.upper().replace(",", " ,"), source="Copycat"),
            art("a-link", "Different body text entirely.", url="https://news.example/story/1/"),
            art("b", TEXT_B),
        ]
    )
    assert (res.new, res.duplicates) == (2, 2)
    assert sorted(res.duplicate_of) == [("a-link", "a"), ("a-repost", "a")]
    # Later batches are checked against what is stored.
    res = store.add_articles([art("b-again", TEXT_B + "  ", source="Other")])
    assert res.duplicate_of == [("b-again", "b")]
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, duplicate_of, reason, source FROM article_duplicates ORDER BY id"
        ).fetchall()
    assert rows == [
        ("a-link", "a", "url", None),
        ("a-repost", "a", "text", "Copycat"),
        ("b-again", "b", "text", "Other"),
    ]
    assert [a.id for a in store.iter_articles()] == ["a", "b"]
    assert [a.id for a in store.pending("k")] == ["a", "b"]  # duplicates are never pending


def test_changed_text_under_the_same_id_replaces_it_and_makes_it_pending(store: Store) -> None:
    a = art("a", TEXT_A)
    store.add_articles([a, art("b", TEXT_B)])
    store.save_documents([doc_a(a), doc_b(store.get_article("b"))], "k1")
    assert store.count_pending("k1") == 0
    changed = art("a", TEXT_A + " A third guard was wounded.")
    res = store.add_articles([changed])
    assert (res.new, res.duplicates, res.updated) == (0, 0, 1)
    assert store.get_article("a").text == changed.text
    assert [x.id for x in store.pending("k1")] == ["a"]
    # Its old results stay until it is processed again...
    assert store.count("events") == 2
    store.save_documents([Document(article=changed)], "k1")
    # ...then they are replaced.
    assert store.count("events") == 1
    assert store.count_pending("k1") == 0
    # Search follows the text change.
    assert [h["article_id"] for h in store.search("wounded")] == ["a"]


def test_extra_fields_are_kept_and_a_bad_batch_leaves_earlier_batches_intact(
    store: Store,
) -> None:
    store.add_articles([art("a", TEXT_A, extra={"section": "world", "tags": ["iraq"]})])
    assert store.get_article("a").extra == {"section": "world", "tags": ["iraq"]}
    bad = [art("b", TEXT_B), art("c", TEXT_C, extra={"when": object()})]
    with pytest.raises(StoreError, match=r"'c'.*JSON"):
        store.add_articles(bad, batch_size=10)
    assert [x.id for x in store.iter_articles()] == ["a"]


# -- processing -----------------------------------------------------------------------------


def test_pending_resumes_where_saving_stopped(store: Store) -> None:
    arts = [art(f"n{i}", f"Article number {i} about Basra.") for i in range(5)]
    store.add_articles(arts, batch_size=2)
    assert store.count_pending("k") == 5
    first = store.pending("k", limit=2)
    assert [a.id for a in first] == ["n0", "n1"]
    store.save_documents([Document(article=a) for a in first], "k")
    assert store.count_pending("k") == 3
    assert [a.id for a in store.pending("k")] == ["n2", "n3", "n4"]
    # Another pipeline has processed nothing.
    assert store.count_pending("other-key") == 5
    store.save_documents([Document(article=a) for a in store.pending("k")], "k")
    assert store.pending("k") == []


def test_save_documents_replaces_results_and_keeps_event_ids(store: Store) -> None:
    a = art("a", TEXT_A, source="Wire", published="2020-01-06")
    store.add_articles([a])
    store.save_documents([doc_a(a)], "k")
    ids1 = [e["event_id"] for e in store.iter_events()]
    store.save_documents([doc_a(a)], "k")
    ids2 = [e["event_id"] for e in store.iter_events()]
    assert ids1 == ids2 and len(ids1) == 1
    counts = {k: store.count(k) for k in ("entities", "dates", "places", "figures", "events")}
    assert counts == {"entities": 1, "dates": 1, "places": 1, "figures": 1, "events": 1}
    fewer = doc_a(a)
    fewer.places = []
    fewer.events = []
    store.save_documents([fewer], "k2")
    assert (store.count("places"), store.count("events")) == (0, 0)
    assert table_count_of(store, "event_sources") == 0


def table_count_of(store: Store, table: str) -> int:
    path = store.url.removeprefix("sqlite:///")
    return table_count(Path(path), table)


def test_identical_events_in_one_article_get_distinct_ids(store: Store) -> None:
    a = art("a", TEXT_A)
    store.add_articles([a])
    d = doc_a(a)
    d.events.append(d.events[0])
    store.save_documents([d], "k")
    ids = [e["event_id"] for e in store.iter_events()]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_save_documents_is_all_or_nothing(store: Store, db: Path) -> None:
    a, b, c = art("a", TEXT_A), art("b", TEXT_B), art("c", TEXT_C)
    store.add_articles([a, b, c])
    store.save_documents([doc_a(a)], "k")
    before = list(store.iter_events()), list(store.iter_places())

    good = doc_b(b)
    broken = Document(article=c)
    # A real database rule breaks on the last row of the batch: an impossible span.
    broken.places = [Place(Span("c", 0, 10, 4, "Iraq"), name="Iraq", country="IRQ")]
    resave_a = doc_a(a)
    resave_a.events = []
    with pytest.raises(StoreError, match="nothing of this batch was saved"):
        store.save_documents([resave_a, good, broken], "k")

    assert (list(store.iter_events()), list(store.iter_places())) == before
    assert [x.id for x in store.pending("k")] == ["b", "c"]
    assert {r["article_id"] for r in store.iter_entities()} == {"a"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_figure_without_a_finite_value_is_refused(store: Store) -> None:
    a = art("a", TEXT_A)
    store.add_articles([a])
    d = doc_a(a)
    d.figures[0].value = float("nan")
    with pytest.raises(StoreError, match="no finite value"):
        store.save_documents([d], "k")
    assert store.count("figures") == 0 and store.count_pending("k") == 1


def test_results_for_an_unknown_article_are_refused(store: Store) -> None:
    ghost = art("ghost", TEXT_A)
    with pytest.raises(StoreError, match="'ghost' is not in the store"):
        store.save_documents([doc_a(ghost)], "k")
    assert store.count("events") == 0


def test_results_made_from_a_stale_text_leave_the_article_pending(store: Store) -> None:
    a = art("a", TEXT_A)
    store.add_articles([a])
    store.add_articles([art("a", TEXT_A + " Update: a third guard died.")])
    store.save_documents([doc_a(a)], "k")  # made from the old text
    assert [x.id for x in store.pending("k")] == ["a"]


# -- search ---------------------------------------------------------------------------------


def test_search_finds_words_in_title_and_text_with_a_snippet(store: Store) -> None:
    store.add_articles(
        [
            art("a", TEXT_A, title="Embassy attacked", source="Wire", published="2020-01-06"),
            art("b", TEXT_B, title="Troops move"),
            art("c", TEXT_C),
        ]
    )
    hits = store.search("baghdad embassy")
    assert [h["article_id"] for h in hits] == ["a"]
    assert set(hits[0]) == {"article_id", "title", "published", "source", "snippet"}
    assert "[Baghdad]" in hits[0]["snippet"]
    assert hits[0]["published"] == "2020-01-06"
    assert {h["article_id"] for h in store.search("Iraq")} == {"a", "b", "c"}
    assert [h["article_id"] for h in store.search("troops move")] == ["b"]  # title
    assert len(store.search("Iraq", limit=2)) == 2
    assert store.search("Mosul") == []


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE articles; --",
        '"unbalanced',
        "NEAR(",
        "*",
        "Iraq OR",
        "NOT Iraq",
        "title:Iraq",
        "^Iraq",
        "Iraq*",
        "a AND",
        "_",
        "%",
        "\\",
        "",
        "   ",
        "Iraq\x00Jordan",
    ],
)
def test_hostile_queries_never_fail_and_change_nothing(store: Store, db: Path, query: str) -> None:
    store.add_articles([art("a", TEXT_A), art("b", TEXT_B)])
    hits = store.search(query)
    assert isinstance(hits, list)
    for h in hits:
        assert h["article_id"] in {"a", "b"}
    assert table_count(db, "articles") == 2
    assert len(store.search("Iraq")) == 2


def test_quoted_words_are_searched_as_words(store: Store) -> None:
    store.add_articles([art("a", TEXT_A), art("b", TEXT_B)])
    assert [h["article_id"] for h in store.search('"Jordan"')] == ["b"]
    # NEAR is the word "near", not the FTS operator: only the text holding it matches.
    assert store.search("NEAR(Germany Jordan)") == []
    assert [h["article_id"] for h in store.search("NEAR(embassy Baghdad)")] == ["a"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=30))
def test_any_text_is_a_safe_query(store: Store, query: str) -> None:
    if store.count() == 0:
        store.add_articles([art("a", TEXT_A)])
    assert isinstance(store.search(query), list)
    assert store.count() == 1


def test_the_portable_search_agrees_with_the_index(store: Store) -> None:
    store.add_articles([art("a", TEXT_A), art("b", TEXT_B), art("c", TEXT_C)])
    for q in ("Iraq", "us troops", "Germany Jordan", "'; DROP TABLE articles; --", "100%"):
        fts = {h["article_id"] for h in store.search(q)}
        with store._read("test") as conn:  # the fallback used on other databases
            like = {h["article_id"] for h in search_like(conn, q, 20)}
        assert fts == like, q


def test_the_index_follows_deleted_articles(store: Store, db: Path) -> None:
    store.add_articles([art("a", TEXT_A), art("b", TEXT_B)])
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM articles WHERE id = 'b'")
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    assert store.search("Jordan") == []


# -- records out ----------------------------------------------------------------------------


EVENT_KEYS = {
    "event",
    "mode",
    "ontology",
    "actor",
    "recipient",
    "date",
    "date_precision",
    "location",
    "size",
    "text_info",
    "confidence",
}
PLACE_KEYS = {"text", "start", "end", "name", "lat", "lon", "country", "admin1", "geonameid"}
PLACE_KEYS |= {"feature"}


def test_iter_events_has_the_export_events_shape(store: Store) -> None:
    a = art("a", TEXT_A, source="Wire", published="2020-01-06")
    b = art("b", TEXT_B, source="Daily", published="2020-01-07")
    store.add_articles([a, b])
    da = doc_a(a)
    store.save_documents([da, doc_b(b)], "k")
    recs = list(store.iter_events())
    assert [r["event"] for r in recs] == ["ASSAULT", "MOBILIZE"]
    first = recs[0]
    assert EVENT_KEYS | {"event_id", "story_id", "sources"} <= set(first)
    # Same values as the extract record of the same event, plus the store's fields.
    expected = da.events[0].to_dict()
    assert {k: first[k] for k in expected} == expected
    assert first["location"]["lat"] == 33.34 and first["location"]["country"] == "IRQ"
    assert first["size"] == {"dead": 2, "injured": None, "arrested": None}
    assert first["actor"] == {
        "entity_text": "Rockets",
        "code": None,
        "country": None,
        "sector": None,
        "also": [],
    }
    assert first["story_id"] is None
    src = first["sources"]
    assert src == [
        {
            "article_id": "a",
            "source": "Wire",
            "published": "2020-01-06",
            "sequence": 0,
            "start": 0,
            "end": TEXT_A.index(" About"),
            "text": TEXT_A[: TEXT_A.index(" About")],
        }
    ]
    assert recs[1]["location"] is None and recs[1]["recipient"] is None
    json.dumps(recs)  # plain JSON values only


def test_iter_figures_groups_by_what_is_counted(store: Store) -> None:
    a = art("a", TEXT_A, source="Wire", published="2020-01-06")
    c = art("c", TEXT_C, source="Daily", published="2020-01-08")
    b = art("b", TEXT_B)
    store.add_articles([a, c, b])
    dc = Document(
        article=c,
        figures=[
            Figure(span(c, "5,000 US troops"), 5000, unit="troops", about="U.S. troops in  Iraq")
        ],
    )
    db_ = Document(
        article=b,
        figures=[
            Figure(span(b, "30 soldiers"), 30, unit="soldiers", about="German soldiers"),
            Figure(span(b, "Tuesday"), 1, unit=None, about=None),  # counts nothing nameable
        ],
    )
    store.save_documents([doc_a(a), dc, db_], "k")
    groups = list(store.iter_figures())
    assert len(groups) == 2
    by_about = {g["about"]: g for g in groups}
    troops = by_about["US troops in Iraq"]
    assert set(troops) == {"figure_id", "about", "unit", "values", "discrepancy"}
    assert troops["unit"] == "troops" and troops["discrepancy"] is True
    assert [v["value"] for v in troops["values"]] == [5200, 5000]
    v0 = troops["values"][0]
    assert set(v0) == {
        "value",
        "approximate",
        "bound",
        "article_id",
        "source",
        "published",
        "start",
        "end",
        "text",
    }
    assert (v0["article_id"], v0["source"], v0["approximate"]) == ("a", "Wire", True)
    assert TEXT_A[v0["start"] : v0["end"]] == v0["text"]
    assert by_about["German soldiers"]["discrepancy"] is False
    again = list(store.iter_figures())
    assert [g["figure_id"] for g in again] == [g["figure_id"] for g in groups]


def test_iter_places_entities_dates_carry_article_and_sentence(store: Store) -> None:
    a = art("a", TEXT_A)
    b = art("b", TEXT_B)
    store.add_articles([a, b])
    store.save_documents([doc_b(b), doc_a(a)], "k")  # read back in ingest order
    places_out = list(store.iter_places())
    assert [p["name"] for p in places_out] == ["Baghdad", "Jordan"]
    assert PLACE_KEYS | {"article_id", "sentence"} <= set(places_out[0])
    assert places_out[0]["lat"] == 33.34 and places_out[0]["lon"] == 44.4
    assert places_out[0]["geonameid"] == 98182
    ents = list(store.iter_entities())
    assert [(e["article_id"], e["text"], e["kind"]) for e in ents] == [
        ("a", "Baghdad", "GPE"),
        ("b", "Germany", "GPE"),
    ]
    assert {"canonical", "country", "sector", "sentence"} <= set(ents[0])
    (d,) = store.iter_dates()
    assert d == {
        "text": "Monday",
        "start": TEXT_A.index("Monday"),
        "end": TEXT_A.index("Monday") + 6,
        "value": "2020-01-06",
        "precision": "day",
        "article_id": "a",
        "sentence": 0,
    }


def test_stories_round_trip_and_link_their_events(store: Store) -> None:
    a, b = art("a", TEXT_A), art("b", TEXT_B)
    store.add_articles([a, b])
    store.save_documents([doc_a(a), doc_b(b)], "k")
    assert list(store.iter_stories()) == []
    eid = next(store.iter_events())["event_id"]
    story = Story(
        "s1",
        "Attack in Baghdad",
        article_ids=["a", "b"],
        timeline=[TimelineEntry("2020-01-06", "Rockets struck.", [eid], ["a"])],
        summary=[SummarySentence("Rockets struck near the embassy.", ["a"])],
    )
    store.save_stories([story])
    (rec,) = store.iter_stories()
    assert rec == {
        "story_id": "s1",
        "title": "Attack in Baghdad",
        "article_ids": ["a", "b"],
        "timeline": [
            {"date": "2020-01-06", "text": "Rockets struck.", "event_ids": [eid], "sources": ["a"]}
        ],
        "summary": [{"text": "Rockets struck near the embassy.", "sources": ["a"]}],
    }
    assert [e["story_id"] for e in store.iter_events()] == ["s1", None]
    store.save_stories([])
    assert store.count("stories") == 0
    assert [e["story_id"] for e in store.iter_events()] == [None, None]


def test_iter_articles_streams_in_ingest_order_and_filters_by_id(store: Store) -> None:
    store.add_articles([art(f"x{i:03d}", f"Text number {i}.") for i in range(30)], batch_size=7)
    assert [a.id for a in store.iter_articles(batch=4)] == [f"x{i:03d}" for i in range(30)]
    assert [a.id for a in store.iter_articles(["x020", "x003", "nope", "x003"])] == [
        "x003",
        "x020",
    ]


def test_count_and_runs(store: Store, db: Path) -> None:
    with pytest.raises(Exception, match="cannot count 'bananas'"):
        store.count("bananas")
    run = store.record_run("process", {"ontology": "plover", "model": Path("m.bin")})
    store.finish_run(run, {"processed": 3})
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT command, config_json, counts_json, started_at, finished_at FROM runs"
        ).fetchone()
    assert row[0] == "process"
    assert json.loads(row[1]) == {"ontology": "plover", "model": "m.bin"}
    assert json.loads(row[2]) == {"processed": 3}
    assert row[3] and row[4]
    with pytest.raises(StoreError, match="no run 999"):
        store.finish_run(999, {})


# -- crash safety ---------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    from eventdesk.store import Store
    from eventdesk.types import Article

    BATCH = 200
    body = " ".join(["Shelling was reported near the front line overnight."] * 40)
    with Store(sys.argv[1]) as store:
        n = 0
        while True:
            batch = [Article(id=f"k{n + i:07d}", text=f"{n + i} {body}") for i in range(BATCH)]
            store.add_articles(batch, batch_size=BATCH)
            n += BATCH
            print(n, flush=True)
    """
)


def test_a_killed_writer_leaves_whole_batches_and_a_sound_database(db: Path) -> None:
    Store(f"sqlite:///{db}").close()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, f"sqlite:///{db}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        committed = 0
        deadline = time.monotonic() + 60
        while committed < 1000 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            committed = int(line)
        assert committed >= 1000, "the child did not commit batches"
        time.sleep(0.05)  # most likely mid-batch now
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    with Store(f"sqlite:///{db}") as store:
        n = store.count("articles")
        assert n >= committed and n % 200 == 0
        assert [a.id for a in store.iter_articles()] == [f"k{i:07d}" for i in range(n)]
        assert store.count_pending("k") == n
        hits = store.search("shelling front")
        assert len(hits) == min(n, 20)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_writing_while_reading_in_one_process(store: Store) -> None:
    store.add_articles([art(f"r{i}", f"Report {i} from Mosul.") for i in range(7)])
    for a in store.iter_articles(batch=2):  # a read stays open while each save commits
        store.save_documents([Document(article=a)], "k")
    assert store.count_pending("k") == 0


_WRITER = textwrap.dedent(
    """
    import sys
    from eventdesk.store import Store
    from eventdesk.types import Article

    name = sys.argv[2]
    with Store(sys.argv[1]) as store:
        for b in range(6):
            arts = [Article(id=f"{name}{b}-{i}", text=f"{name} {b} {i} " + "word " * 300)
                    for i in range(100)]
            store.add_articles(arts)
            store.record_run("ingest", {"writer": name})
    """
)


def test_two_processes_writing_at_once_both_succeed(db: Path) -> None:
    Store(f"sqlite:///{db}").close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, f"sqlite:///{db}", name], stderr=subprocess.PIPE
        )
        for name in ("p", "q")
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with Store(f"sqlite:///{db}") as s:
        assert s.count("articles") == 1200
        assert s.count("runs") == 12
