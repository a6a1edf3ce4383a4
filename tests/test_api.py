"""The desk's HTTP API through the real server (uvicorn on a free loopback port), over a store
saved from fixture documents (tests/fixtures/desk/build.py)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from eventdesk.export import ACLED_COLUMNS, export
from eventdesk.store import Store

_spec = importlib.util.spec_from_file_location(
    "desk_build", Path(__file__).parent / "fixtures" / "desk" / "build.py"
)
assert _spec is not None and _spec.loader is not None
desk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(desk)

HOSTILE = ["' OR 1=1 --", '" OR ""="', "1; DROP TABLE events; --", "%", "_", "\\", "NEAR("]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.db'}"
    info = desk.build(url)
    info["url"] = url
    return info


@pytest.fixture(scope="module")
def client(built: dict[str, Any]) -> Iterator[httpx.Client]:
    with desk.running_server(built["url"]) as base, httpx.Client(base_url=base) as c:
        yield c


def _words(client: httpx.Client, article_id: str) -> set[str]:
    art = client.get(f"/api/articles/{article_id}").json()
    return set(re.findall(r"\w+", f"{art['title']} {art['text']}".lower()))


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [e["event_id"] for e in items]


def test_events_are_the_export_records(client: httpx.Client, built: dict[str, Any]) -> None:
    body = client.get("/api/events").json()
    assert body["total"] == len(built["events"]) == 3
    assert body["items"] == built["events"]  # the same records `export events` writes
    baghdad = next(e for e in body["items"] if e["location"]["name"] == "Baghdad")
    assert {s["article_id"] for s in baghdad["sources"]} == {"wire-1", "daily-1"}


@pytest.mark.parametrize(
    ("params", "places"),
    [
        ({"type": "PROTEST"}, {"Berlin"}),
        ({"country": "IRQ"}, {"Baghdad"}),
        ({"actor": "militants"}, {"Baghdad"}),  # case-insensitive, part of the text
        ({"actor": "AFGMIL"}, {"Kabul"}),  # or exactly the code
        ({"date_from": "2020-01-06", "date_to": "2020-01-07"}, {"Berlin", "Kabul"}),
        ({"date_to": "2020-01"}, {"Baghdad", "Berlin", "Kabul"}),  # a month holds its days
        ({"source": "Fixture Daily"}, {"Baghdad"}),  # a linked report's source counts
        ({"story": "st-baghdad"}, {"Baghdad"}),
        ({"q": "shelled"}, {"Kabul"}),
        ({"q": "guards witness"}, {"Baghdad"}),
        ({"mode": "demonstrate", "country": "DEU"}, {"Berlin"}),
        ({"type": "PROTEST", "country": "IRQ"}, set()),
    ],
)
def test_event_filters(client: httpx.Client, params: dict[str, str], places: set[str]) -> None:
    body = client.get("/api/events", params=params).json()
    assert {e["location"]["name"] for e in body["items"]} == places
    assert body["total"] == len(places)


def test_pagination_walks_every_event_once(client: httpx.Client) -> None:
    seen: list[str] = []
    url: str | None = "/api/events?limit=1&sort=date"
    while url:
        body = client.get(url).json()
        assert body["limit"] == 1 and body["total"] == 3
        seen.extend(_ids(body["items"]))
        url = body["next"]
    assert len(seen) == 3 == len(set(seen))
    dates = [client.get(f"/api/events/{i}").json()["date"] for i in seen]
    assert dates == sorted(dates)


def test_sorting_both_ways_and_bad_keys(client: httpx.Client) -> None:
    up = client.get("/api/events", params={"sort": "date"}).json()["items"]
    down = client.get("/api/events", params={"sort": "-date"}).json()["items"]
    assert [e["date"] for e in up] == sorted(e["date"] for e in up)
    assert _ids(down) == list(reversed(_ids(up)))
    r = client.get("/api/events", params={"sort": "date; DROP TABLE events"})
    assert r.status_code == 400 and "cannot sort by" in r.json()["error"]
    assert client.get("/api/events", params={"limit": 100000}).status_code in (400, 422)


def test_facets_count_the_filtered_events(client: httpx.Client) -> None:
    body = client.get("/api/events", params={"facets": "event,country,source"}).json()
    assert {f["value"]: f["count"] for f in body["facets"]["event"]} == {"ASSAULT": 2,
                                                                       "PROTEST": 1}
    body = client.get("/api/events", params={"type": "ASSAULT", "facets": "country"}).json()
    assert {f["value"] for f in body["facets"]["country"]} == {"IRQ", "AFG"}
    assert client.get("/api/events", params={"facets": "text"}).status_code == 400


def test_data_twins(client: httpx.Client, built: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events.csv").text)))
    assert [r["event_id"] for r in rows] == _ids(built["events"])
    assert "location.lat" in rows[0]
    geo = client.get("/api/events.geojson", params={"type": "PROTEST"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert len(features) == 1 and features[0]["geometry"]["coordinates"] == [13.4105, 52.5244]
    lines = client.get("/api/events.jsonl").text.splitlines()
    assert [json.loads(x) for x in lines] == built["events"]
    acled = list(csv.DictReader(io.StringIO(client.get("/api/events.acled.csv").text)))
    assert tuple(acled[0]) == ACLED_COLUMNS
    kepler = list(csv.DictReader(io.StringIO(client.get("/api/events.kepler.csv").text)))
    assert {r["event_datetime"] for r in kepler} == {
        "2020-01-05T00:00:00", "2020-01-06T00:00:00", "2020-01-07T00:00:00"}
    places = client.get("/api/places.geojson", params={"country": "IRQ"}).json()
    assert len(places["features"]) == 2  # one per report naming Baghdad
    stories = list(csv.DictReader(io.StringIO(client.get("/api/stories.csv").text)))
    assert stories[0]["story_id"] == "st-baghdad"
    assert client.get("/api/events.xml").status_code == 404
    assert client.get("/api/stories.geojson").status_code == 404


def test_acled_row_fields(built: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "acled.csv"
    with Store(built["url"]) as store:
        n = export(store, "events", "acled-csv", str(out), io.StringIO())
    rows = {r["location"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert n == 3
    bag = rows["Baghdad"]
    assert bag["country"] == "Iraq" and bag["iso"] == "368"  # ACLED: name and numeric ISO
    assert bag["event_date"] == "2020-01-05" and bag["year"] == "2020"
    assert bag["time_precision"] == "1" and bag["geo_precision"] == "1"
    assert bag["inter1"] == "2" and bag["interaction"] == "20"  # rebels, no second actor
    assert bag["source"] == "Fixture Wire; Fixture Daily"
    assert bag["fatalities"] in ("2", "5")
    kabul = rows["Kabul"]
    assert kabul["inter1"] == "1" and kabul["fatalities"] == ""  # no toll: empty, never 0


def test_articles_and_spans(client: httpx.Client) -> None:
    body = client.get("/api/articles", params={"sort": "published"}).json()
    assert body["total"] == 4
    assert [a["published"] for a in body["items"]] == sorted(a["published"] for a in body["items"])
    # An id with a slash (a file path) is one path parameter.
    art = client.get("/api/articles/2020-01-07/kabul.txt").json()
    assert art["text"].startswith("Government forces shelled")
    for layer in ("entities", "places", "dates", "events"):
        for span in art[layer]:
            start = span.get("start", span.get("text_info", {}).get("start"))
            end = span.get("end", span.get("text_info", {}).get("end"))
            assert 0 <= start <= end <= len(art["text"])
    assert art["places"][0]["name"] == "Kabul"
    assert art["text"][art["places"][0]["start"] : art["places"][0]["end"]] == "Kabul"
    wire = client.get("/api/articles/wire-1").json()
    assert wire["figures"][0]["figure_id"]  # each figure links to its group
    assert wire["events"][0]["event_id"] == wire["events"][0]["mention_id"]  # group head
    daily = client.get("/api/articles/daily-1").json()
    assert daily["events"][0]["event_id"] == wire["events"][0]["event_id"]  # same event
    assert client.get("/api/articles", params={"q": "witness"}).json()["total"] == 1


def test_stories_and_figures(client: httpx.Client) -> None:
    stories = client.get("/api/stories").json()
    assert stories["total"] == 1
    st = stories["items"][0]
    assert (st["articles"], st["events"], st["first"], st["last"]) == (3, 1, "2020-01-05",
                                                                       "2020-01-07")
    story = client.get("/api/stories/st-baghdad").json()
    assert [t["date"] for t in story["timeline"]] == ["2020-01-05", "2020-01-07"]
    assert story["summary"][0]["sources"] == ["wire-1", "daily-1"]
    figs = client.get("/api/figures", params={"story": "st-baghdad"}).json()["items"]
    assert figs[0]["discrepancy"] is True
    assert sorted(v["value"] for v in figs[0]["values"]) == [2, 5]
    assert client.get("/api/figures", params={"discrepancy": "false"}).json()["total"] == 0


def test_not_found(client: httpx.Client) -> None:
    for path in ("/api/articles/nope", "/api/stories/nope", "/api/events/nope",
                 "/api/nothing", "/static/nope.js"):
        r = client.get(path)
        assert r.status_code == 404, path


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_only_values(
    client: httpx.Client, built: dict[str, Any], value: str
) -> None:
    for name in ("type", "mode", "country", "actor", "source", "story", "q", "date_from"):
        r = client.get("/api/events", params={name: value})
        assert r.status_code == 200, (name, r.text)
        expected = 3 if name == "date_from" and value < "2020" else 0
        if name == "q":  # searched as words: an article holding them all matches
            words = set(re.findall(r"\w+", value.lower()))
            expected = sum(
                bool(words) and any(words <= _words(client, s["article_id"]) for s in ev["sources"])
                for ev in built["events"]
            )
        assert r.json()["total"] == expected, (name, value)
    for path in ("/api/articles", "/api/places", "/api/figures", "/api/stories"):
        assert client.get(path, params={"q": value}).status_code == 200
    assert client.get(f"/api/articles/{value}").status_code == 404
    assert client.get("/api/events").json()["total"] == 3  # nothing was dropped


def test_read_only(client: httpx.Client, built: dict[str, Any]) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        for path in ("/api/events", "/api/articles/wire-1", "/api/stories/st-baghdad"):
            assert client.request(method, path).status_code == 405, (method, path)
    with Store(built["url"]) as store:
        assert store.count("articles") == 4 and store.count("events") == 3


def test_openapi_and_headers(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events.{fmt}", "/api/articles/{article_id}",
                 "/api/stories/{story_id}", "/api/figures", "/api/places"):
        assert path in spec["paths"], path
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    overview = client.get("/api").json()
    assert overview["counts"]["articles"] == 4 and overview["counts"]["stories"] == 1


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from eventdesk.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2
    assert not (tmp_path / "none.db").exists()


def _expected_groups(url: str, match: Any) -> dict[str, Any]:
    """Brute force, independent of the desk's SQL: every mention row, grouped by the event it
    reports; a group matches when any of its mentions does. -> head id -> head row."""
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.row_factory = sqlite3.Row
    rows = list(con.execute("SELECT e.*, a.source AS a_source FROM events e "
                            "JOIN articles a ON a.id = e.article_id"))
    con.close()
    heads = {r["event_id"]: r for r in rows if r["linked_to"] is None}
    hit = {r["linked_to"] or r["event_id"] for r in rows if match(r)}
    return {g: heads[g] for g in hit if g in heads}


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({}, lambda r: True),
        ({"type": "ASSAULT"}, lambda r: r["event"] == "ASSAULT"),
        ({"country": "IRQ"}, lambda r: r["country"] == "IRQ"),
        ({"source": "Fixture Daily"}, lambda r: r["a_source"] == "Fixture Daily"),
        ({"located": "true"}, lambda r: r["latitude"] is not None),
        ({"date_from": "2020-01-06"}, lambda r: (r["date"] or "") >= "2020-01-06"),
        ({"type": "ASSAULT", "source": "Fixture Wire"},
         lambda r: r["event"] == "ASSAULT" and r["a_source"] == "Fixture Wire"),
        ({"type": "NO-SUCH-TYPE"}, lambda r: False),
    ],
)
def test_totals_pages_and_facets_agree_with_brute_force(
    client: httpx.Client, built: dict[str, Any], params: dict[str, str], match: Any
) -> None:
    # The desk counts the groups matching in two parts (heads that match, heads matched
    # through a linked report) and facets them in one GROUP BY: both must equal the plain
    # definition, in every sort order and page size.
    want = _expected_groups(built["url"], match)
    for sort in (None, "-date", "confidence"):
        got: list[str] = []
        url: str | None = "/api/events?" + urlencode({**params, "limit": 1,
                                                      **({"sort": sort} if sort else {})})
        while url:
            body = client.get(url).json()
            assert body["total"] == len(want)
            got.extend(_ids(body["items"]))
            url = body["next"]
        assert sorted(got) == sorted(want)
    body = client.get("/api/events", params={**params, "limit": 0,
                                             "facets": "event,mode,country"}).json()
    assert body["items"] == [] and body["total"] == len(want)
    for name in ("event", "mode", "country"):
        expected: dict[Any, int] = {}
        for head in want.values():
            expected[head[name]] = expected.get(head[name], 0) + 1
        assert {v["value"]: v["count"] for v in body["facets"][name]} == expected


def test_query_indexes_migration_tolerates_and_restores(tmp_path: Path) -> None:
    import sqlite3

    from eventdesk.store.schema import QUERY_INDEXES_EVENTS

    db = tmp_path / "m.db"
    Store(f"sqlite:///{db}").close()  # a fresh store: created with them, migration tolerates
    names = {ix.name for ix in QUERY_INDEXES_EVENTS}
    con = sqlite3.connect(db)

    def present() -> set[str]:
        return {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")}

    assert names <= present()
    for name in names:  # a store from before migration 0005
        con.execute(f"DROP INDEX {name}")
    con.execute("DELETE FROM schema_migrations WHERE name = '0005_query_indexes'")
    con.commit()
    Store(f"sqlite:///{db}").close()
    assert names <= present()
    con.close()
