"""Exporters write what they are given, in each format, without a store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from eventdesk.export import flatten, write_csv, write_geojson, write_jsonl, write_parquet

RECORDS = [
    {
        "event_id": "e1",
        "event": "ASSAULT",
        "actor": {"entity_text": "militants", "country": None, "sector": "REB"},
        "location": {"name": "Kirkuk", "lat": 35.47, "lon": 44.39},
        "sources": [{"article_id": "a1", "start": 0, "end": 10}],
    },
    {
        "event_id": "e2",
        "event": "CONSULT",
        "actor": None,
        "location": None,
        "sources": [],
        "extra_field": "only here",
    },
]


def test_flatten_makes_dotted_columns_and_json_lists() -> None:
    flat = flatten(RECORDS[0])
    assert flat["actor.sector"] == "REB"
    assert flat["location.lat"] == 35.47
    assert json.loads(flat["sources"]) == [{"article_id": "a1", "start": 0, "end": 10}]


def test_jsonl_round_trip() -> None:
    buf = io.StringIO()
    assert write_jsonl(RECORDS, buf) == 2
    assert [json.loads(x) for x in buf.getvalue().splitlines()] == RECORDS


def test_csv_has_the_union_of_columns() -> None:
    buf = io.StringIO()
    assert write_csv(RECORDS, buf) == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[0]["location.name"] == "Kirkuk"
    assert rows[1]["extra_field"] == "only here"


def test_geojson_has_one_point_per_located_record() -> None:
    buf = io.StringIO()
    assert write_geojson(RECORDS, buf) == 1
    fc = json.loads(buf.getvalue())
    assert fc["features"][0]["geometry"] == {"type": "Point", "coordinates": [44.39, 35.47]}
    assert fc["features"][0]["properties"]["event"] == "ASSAULT"


def test_parquet_types_all_null_columns_and_handles_empty(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    assert write_parquet(RECORDS, str(path)) == 2
    table = pq.read_table(path)
    assert table.num_rows == 2
    assert table.column("event").to_pylist() == ["ASSAULT", "CONSULT"]
    assert table.column("extra_field").to_pylist() == [None, "only here"]
    assert str(table.schema.field("location.lat").type) == "double"


def test_parquet_mixed_types_become_text(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "m.parquet"
    write_parquet([{"v": 1}, {"v": 2.5}, {"v": "n/a"}], str(path))
    assert pq.read_table(path).column("v").to_pylist() == ["1", "2.5", "n/a"]
    empty = tmp_path / "empty.parquet"
    assert write_parquet([], str(empty)) == 0
    assert pq.read_table(empty).num_rows == 0


def test_a_street_placed_at_its_town_has_the_towns_acled_precision() -> None:
    from eventdesk.export import acled_row
    from eventdesk.places import APPROX_FEATURE

    rec = {"event": "PROTESTS", "mode": "PEACE_PROTEST", "ontology": "acled",
           "location": {"name": "New Orleans", "lat": 29.95, "lon": -90.07, "country": "USA",
                        "admin1": "Louisiana", "feature": APPROX_FEATURE, "text": "Royal Street"},
           "date": "2020-01-05", "date_precision": "day"}
    assert acled_row(rec)["geo_precision"] == 1


def test_other_parties_are_acleds_associated_actors() -> None:
    from eventdesk.export import acled_row

    rec = {"event": "ASSAULT", "mode": "aerial", "ontology": "plover",
           "actor": {"entity_text": "US", "code": "USA", "country": "USA", "sector": None,
                     "also": []},
           "recipient": {"entity_text": "Muhandis", "code": "IRQMILPMF", "country": "IRQ",
                         "sector": "MIL", "also": [
                             {"entity_text": "Soleimani", "code": "IRNMIL", "country": "IRN",
                              "sector": "MIL"},
                             {"entity_text": "guards", "code": None, "country": None,
                              "sector": None}]},
           "date": "2020-01-03", "date_precision": "day"}
    row = acled_row(rec)
    assert (row["actor2"], row["assoc_actor_2"]) == ("Muhandis", "Soleimani; guards")
    assert row["assoc_actor_1"] is None
