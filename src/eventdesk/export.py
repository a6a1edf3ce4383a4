"""Exporters: stored records to JSONL, CSV, Parquet and GeoJSON; events also to ACLED-style
and Kepler.gl-ready CSV.

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
FORMATS = ("jsonl", "csv", "geojson", "parquet", "acled-csv", "kepler-csv")
# Which formats make sense for which records (GeoJSON needs coordinates).
ALLOWED: dict[str, tuple[str, ...]] = {
    "events": ("jsonl", "csv", "parquet", "geojson", "acled-csv", "kepler-csv"),
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


# A spreadsheet reads a cell starting with one of these as a formula (``=HYPERLINK(...)``,
# ``@SUM(...)``, ``+cmd|...``); tab and carriage return can hide such a start.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``.

    Why: article text and titles come from anyone on the web, and analysts open exports in
    Excel or LibreOffice; ``=cmd|' /C calc'!A0`` in a headline must stay text (OWASP's CSV
    injection advice). Numbers are left alone, so ``-3.5`` stays a number; the JSONL, Parquet
    and GeoJSON exports keep the raw text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    return {k: csv_safe(v) for k, v in flatten(record).items()}


def write_csv(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """CSV with the union of columns seen in the first 1,000 rows, in first-seen order.

    Text cells that would start a formula are neutralised (:func:`csv_safe`).
    """
    it = iter(records)
    head: list[dict[str, Any]] = []
    for rec in it:
        head.append(_csv_row(rec))
        if len(head) >= 1000:
            break
    columns: list[str] = []
    for row in head:
        for c in row:
            if c not in columns:
                columns.append(c)
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    # Column names can come from input too (an article's unknown fields become ``extra.*``).
    csv.writer(fh).writerow([csv_safe(c) for c in columns])
    n = 0
    for row in head:
        writer.writerow(row)
        n += 1
    for rec in it:
        writer.writerow(_csv_row(rec))
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


# -- ACLED-style and Kepler.gl CSV (events only) ---------------------------------------------

#: ACLED's column names, in ACLED's order, for the fields an eventdesk event has; the columns
#: after ``fatalities`` are eventdesk's own (ACLED tools ignore columns they do not know).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
    "notes", "fatalities",
    "ontology", "actor1_code", "actor2_code", "injured", "arrested", "confidence", "story_id",
    "article_ids",
)
#: ACLED's event type names for the upper-snake codes eventdesk writes (CONTRACT.md).
ACLED_EVENT_TYPES = {
    "BATTLES": "Battles",
    "EXPLOSIONS_REMOTE_VIOLENCE": "Explosions/Remote violence",
    "VIOLENCE_AGAINST_CIVILIANS": "Violence against civilians",
    "PROTESTS": "Protests",
    "RIOTS": "Riots",
    "STRATEGIC_DEVELOPMENTS": "Strategic developments",
}
#: ACLED's actor-type codes (inter1/inter2) for the agent sectors that fix one: 1 state
#: forces, 2 rebel groups, 7 civilians (labour too: workers are civilians to ACLED), 8
#: external/other forces. Other sectors (opposition, party, business, media, ...) map to no
#: single ACLED type, so the column stays empty.
ACLED_INTER = {"GOV": 1, "MIL": 1, "COP": 1, "JUD": 1, "SPY": 1, "REB": 2, "CVL": 7, "LAB": 7,
               "IGO": 8}
#: ACLED time_precision: 1 the day is known, 3 only the month or year.
ACLED_TIME_PRECISION = {"day": 1, "month": 3, "year": 3}


def _associated(party: dict[str, Any]) -> str | None:
    """ACLED's associated actors: the other parties in the same role, joined with "; " as
    ACLED writes them ("Muhandis" killed with "Soleimani")."""
    names = [p.get("entity_text") for p in party.get("also") or [] if p.get("entity_text")]
    return "; ".join(names) or None


def _acled_name(code: str | None) -> str | None:
    """ACLED's own name for an upper-snake code, from the bundled ontology; other codes (PLOVER
    types and modes) are written as they are."""
    if not code:
        return code
    if code in ACLED_EVENT_TYPES:
        return ACLED_EVENT_TYPES[code]
    from .events.acled import ontology

    sub = ontology().sub_events.get(code)
    return sub.name if sub is not None else code


def _geo_precision(feature: str | None) -> int | None:
    """ACLED geo_precision: 1 a town or point, 2 a district near it, 3 a province or wider.

    A street or building placed at its town (``feature == "approx"``) is coded at the town: 1,
    as ACLED codes an event in a named part of a town."""
    if not feature:
        return None
    if feature.startswith(("PPL", "MIL")) or feature in ("city", "point", "base", "approx"):
        return 1
    if feature in ("ADM2", "ADM3"):
        return 2
    if feature in ("ADM1", "admin1", "country") or feature.startswith("PCL"):
        return 3
    return None


def _country(iso3: str | None) -> tuple[str | None, int | None]:
    """(name, ISO 3166-1 numeric code) of an alpha-3 code, as ACLED's country and iso."""
    if not iso3:
        return None, None
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3, None
    return c.name, int(c.numeric)


def acled_row(rec: dict[str, Any]) -> dict[str, Any]:
    """An ``export events`` record as an ACLED-style row (:data:`ACLED_COLUMNS`).

    Nothing unknown is filled in: ``fatalities`` is empty (not 0) when no death toll was
    reported, ``inter1`` empty when the actor's sector maps to no ACLED actor type.
    ``event_id_cnty`` is eventdesk's stable event id (ACLED's own ids are not ours to mint).
    """
    actor, recipient = rec.get("actor") or {}, rec.get("recipient") or {}
    loc = rec.get("location") or {}
    size = rec.get("size") or {}
    sources = rec.get("sources") or []
    name, numeric = _country(loc.get("country"))
    inter1, inter2 = ACLED_INTER.get(actor.get("sector") or ""), ACLED_INTER.get(
        recipient.get("sector") or ""
    )
    # ACLED's two-digit interaction: both actor types, lower first; one actor alone is "X0".
    interaction = None
    if inter1 is not None:
        interaction = inter1 * 10 if inter2 is None else min(inter1, inter2) * 10 + max(
            inter1, inter2
        )
    date = rec.get("date")
    return {
        "event_id_cnty": rec.get("event_id"),
        "event_date": date,
        "year": int(date[:4]) if date and date[:4].isdigit() else None,
        "time_precision": ACLED_TIME_PRECISION.get(rec.get("date_precision") or ""),
        "event_type": _acled_name(rec.get("event")),
        "sub_event_type": _acled_name(rec.get("mode")),
        "actor1": actor.get("entity_text"),
        "assoc_actor_1": _associated(actor),
        "inter1": inter1,
        "actor2": recipient.get("entity_text"),
        "assoc_actor_2": _associated(recipient),
        "inter2": inter2,
        "interaction": interaction,
        "iso": numeric,
        "country": name,
        "admin1": loc.get("admin1"),
        "location": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "geo_precision": _geo_precision(loc.get("feature")),
        "source": "; ".join(dict.fromkeys(s["source"] for s in sources if s.get("source"))),
        "notes": sources[0]["text"] if sources else None,
        "fatalities": size.get("dead"),
        "ontology": rec.get("ontology"),
        "actor1_code": actor.get("code"),
        "actor2_code": recipient.get("code"),
        "injured": size.get("injured"),
        "arrested": size.get("arrested"),
        "confidence": rec.get("confidence"),
        "story_id": rec.get("story_id"),
        "article_ids": "; ".join(dict.fromkeys(s["article_id"] for s in sources)),
    }


def write_acled_csv(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """Events as an ACLED-style CSV: ACLED's column names where eventdesk has the field."""
    writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    n = 0
    for rec in records:
        writer.writerow(acled_row(rec))
        n += 1
    return n


KEPLER_COLUMNS = (
    "event_id", "event_datetime", "date_precision", "latitude", "longitude", "event", "mode",
    "ontology", "actor", "actor_country", "recipient", "recipient_country", "place", "country",
    "dead", "injured", "arrested", "confidence", "story_id", "sources", "notes",
)


def _datetime(date: str | None) -> str | None:
    """An ISO timestamp Kepler.gl reads as time: the first moment of the day, month or year the
    date names (``date_precision`` says which, in the next column)."""
    if not date:
        return None
    parts = date.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts) + "T00:00:00"


def write_kepler_csv(records: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """Events with coordinates as a CSV that Kepler.gl maps as it is: ``latitude``/``longitude``
    columns and an ``event_datetime`` for its time filter. Events without a place are left out
    (a map cannot show them); the count returned is of rows written."""
    writer = csv.DictWriter(fh, fieldnames=KEPLER_COLUMNS)
    writer.writeheader()
    n = 0
    for rec in records:
        pt = _point(rec)
        if pt is None:
            continue
        actor, recipient = rec.get("actor") or {}, rec.get("recipient") or {}
        loc, size = rec.get("location") or {}, rec.get("size") or {}
        sources = rec.get("sources") or []
        writer.writerow(
            {
                "event_id": rec.get("event_id"),
                "event_datetime": _datetime(rec.get("date")),
                "date_precision": rec.get("date_precision"),
                "latitude": pt[1],
                "longitude": pt[0],
                "event": rec.get("event"),
                "mode": rec.get("mode"),
                "ontology": rec.get("ontology"),
                "actor": actor.get("entity_text"),
                "actor_country": actor.get("country"),
                "recipient": recipient.get("entity_text"),
                "recipient_country": recipient.get("country"),
                "place": loc.get("name"),
                "country": loc.get("country"),
                "dead": size.get("dead"),
                "injured": size.get("injured"),
                "arrested": size.get("arrested"),
                "confidence": rec.get("confidence"),
                "story_id": rec.get("story_id"),
                "sources": len(sources),
                "notes": sources[0]["text"] if sources else None,
            }
        )
        n += 1
    return n


TextWriter = Callable[[Iterable[dict[str, Any]], IO[str]], int]
EXPORTERS: dict[str, TextWriter] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "geojson": write_geojson,
    "acled-csv": write_acled_csv,
    "kepler-csv": write_kepler_csv,
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
