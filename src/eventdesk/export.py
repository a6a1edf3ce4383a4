"""Exporters: stored records to JSONL, CSV, Parquet and GeoJSON.

Each exporter is a plain function over an iterator of contract-shaped records (dicts), written
the way a plugin would write one: :data:`EXPORTERS` maps a format name to it. Records stream;
nothing loads the whole table except Parquet, which is written in row groups.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from .errors import UsageError

KINDS = ("events", "figures", "stories", "places", "articles")
FORMATS = ("jsonl", "csv", "geojson", "parquet")
# Which formats make sense for which records (GeoJSON needs coordinates).
ALLOWED: dict[str, tuple[str, ...]] = {
    "events": ("jsonl", "csv", "parquet", "geojson"),
    "figures": ("jsonl", "csv", "parquet"),
    "stories": ("jsonl", "csv", "parquet"),
    "places": ("jsonl", "csv", "parquet", "geojson"),
    "articles": ("jsonl", "csv", "parquet"),
}


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts become dotted columns; lists become JSON text (one row per record)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def write_jsonl(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    n = 0
    for rec in records:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """CSV with the union of columns seen in the first 1,000 rows, in first-seen order."""
    it = iter(records)
    head: list[dict[str, Any]] = []
    for rec in it:
        head.append(flatten(rec))
        if len(head) >= 1000:
            break
    columns: list[str] = []
    for row in head:
        for c in row:
            if c not in columns:
                columns.append(c)
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in head:
        writer.writerow(row)
        n += 1
    for rec in it:
        writer.writerow(flatten(rec))
        n += 1
    return n


def _point(rec: dict[str, Any]) -> tuple[float, float] | None:
    loc = rec.get("location") if "location" in rec else rec
    if not isinstance(loc, dict):
        return None
    lat, lon = loc.get("lat"), loc.get("lon")
    if lat is None or lon is None:
        return None
    return float(lon), float(lat)


def write_geojson(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """A FeatureCollection, one Point per record with coordinates; properties are flattened."""
    fh.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for rec in records:
        pt = _point(rec)
        if pt is None:
            continue
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(pt)},
            "properties": flatten(rec),
        }
        fh.write(("," if n else "") + "\n" + json.dumps(feature, ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n


def write_parquet(records: Iterable[dict[str, Any]], path: str) -> int:
    """Parquet of flattened rows, columns typed from all the data.

    The rows are gathered first: a column first seen late, or an int column that later holds a
    float, must not be dropped or fail half-way through a file. Mixed-type columns become text.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [flatten(rec) for rec in records]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    arrays = []
    for name in columns:
        values = [row.get(name) for row in rows]
        try:
            arr = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array([None if v is None else str(v) for v in values], pa.string())
        if pa.types.is_null(arr.type):
            arr = arr.cast(pa.string())
        arrays.append(arr)
    pq.write_table(pa.table(arrays, names=list(columns)) if columns else pa.table({}), path)
    return len(rows)


TextWriter = Callable[[Iterable[dict[str, Any]], IO[str]], int]
EXPORTERS: dict[str, TextWriter] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "geojson": write_geojson,
}


def records(store: Any, kind: str) -> Iterator[dict[str, Any]]:
    """The stored records of ``kind`` in their contract shape."""
    if kind == "articles":
        for art in store.iter_articles():
            rec = art.to_record()
            rec.update({f"extra.{k}": v for k, v in art.extra.items()} if art.extra else {})
            yield rec
    elif kind == "events":
        yield from store.iter_events()
    elif kind == "figures":
        yield from store.iter_figures()
    elif kind == "stories":
        yield from store.iter_stories()
    elif kind == "places":
        yield from store.iter_places()
    else:
        raise UsageError(f"unknown export {kind!r}", hint=f"choose one of {', '.join(KINDS)}")


def export(store: Any, kind: str, fmt: str, out: str | None, stdout: IO[str]) -> int:
    """Write ``kind`` records as ``fmt`` to ``out`` (a path) or ``stdout``; returns the count."""
    if kind not in ALLOWED:
        raise UsageError(f"unknown export {kind!r}", hint=f"choose one of {', '.join(KINDS)}")
    if fmt not in ALLOWED[kind]:
        raise UsageError(
            f"{kind} cannot be exported as {fmt}",
            hint=f"choose one of {', '.join(ALLOWED[kind])}",
        )
    recs = records(store, kind)
    if kind == "places" and fmt == "geojson":
        # CONTRACT.md: one Point feature per event location, the event's fields as properties.
        recs = store.iter_events()
    if fmt == "parquet":
        if not out or out == "-":
            raise UsageError("Parquet is binary and needs a file", hint="add -o FILE.parquet")
        return write_parquet(recs, out)
    writer = EXPORTERS[fmt]
    if out and out != "-":
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return writer(recs, fh)
    return writer(recs, stdout)
