"""Benchmark the desk: API latency of every page's requests, and the events table's filter time
on 100,000 events. Prints the figures; targets: each page < 1 s, a filter < 300 ms.

The store: ``--db`` an existing one, or the first ``--limit`` Reuters-21578 articles
(``--shared``/corpus/reuters21578) processed by the real pipeline (``eventdesk run``;
processing all 19k articles takes hours here). Then, unless ``--events 0``, the processed event
rows are REPLICATED (clearly synthetic, ids ``syn-...``) up to ``--events`` real-world events:
each copy shifts the date by whole days and takes another processed row's place and type, so
filters meet realistic variety. The replicated store is a copy; the processed one is kept.

    python bench/web_bench.py --limit 150 --events 100000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def build(shared: Path, limit: int, workdir: Path) -> Path:
    corpus = shared / "corpus" / "reuters21578" / "reuters21578.jsonl"
    if not corpus.exists():
        sys.exit(f"no Reuters corpus at {corpus} (give --shared or --db)")
    feed = workdir / "reuters.jsonl"
    with corpus.open(encoding="utf-8") as src, feed.open("w", encoding="utf-8") as out:
        n = 0
        for line in src:
            rec = json.loads(line)
            if not rec.get("text"):
                continue
            out.write(json.dumps(rec) + "\n")
            n += 1
            if n >= limit:
                break
    db = workdir / "reuters.db"
    t = time.perf_counter()
    exe = Path(sys.executable).with_name("eventdesk")
    subprocess.run([str(exe), "run", str(feed), "--db", f"sqlite:///{db}", "-q"], check=True)
    print(f"processed {n} Reuters articles in {time.perf_counter() - t:.0f} s")
    return db


def replicate(db: Path, target: int) -> int:
    """Copy processed event rows (and their source passages) until ``target`` real-world
    events exist; returns how many are synthetic."""
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute("PRAGMA table_info(events)")]
    rows = con.execute("SELECT * FROM events").fetchall()
    if not rows:
        sys.exit("the store has no events to replicate")
    have = con.execute("SELECT count(*) FROM events WHERE linked_to IS NULL").fetchone()[0]
    src_cols = ["event_id", "article_id", "sequence", "start", "end", "text"]
    sources = {r[0]: r for r in con.execute(
        'SELECT event_id, article_id, sequence, start, "end", text FROM event_sources')}
    i_id, i_date = cols.index("event_id"), cols.index("date")
    i_link = cols.index("linked_to")
    place_cols = [cols.index(c) for c in ("place_name", "latitude", "longitude", "country",
                                           "admin1", "geonameid", "feature", "place_level")]
    type_cols = [cols.index(c) for c in ("event", "mode", "ontology")]
    n, k = 0, 0
    batch, sbatch = [], []
    while have + n < target:
        base = list(rows[k % len(rows)])
        other = rows[(k * 7919 + 13) % len(rows)]
        other2 = rows[(k * 104729 + 7) % len(rows)]
        k += 1
        if base[i_link] is not None or base[i_id] not in sources:
            continue
        new = list(base)
        new[i_id] = f"syn-{n}"
        new[i_link] = None
        for c in place_cols:
            new[c] = other[c]
        for c in type_cols:
            new[c] = other2[c]
        if base[i_date] and len(base[i_date]) == 10:
            d = date.fromisoformat(base[i_date]) + timedelta(days=(n * 37) % 3650 - 1825)
            new[i_date] = d.isoformat()
        batch.append(new)
        s = list(sources[base[i_id]])
        s[0] = new[i_id]
        sbatch.append(s)
        n += 1
        if len(batch) >= 5000:
            _flush(con, cols, src_cols, batch, sbatch)
    _flush(con, cols, src_cols, batch, sbatch)
    con.commit()
    con.close()
    return n


def _flush(con: sqlite3.Connection, cols: list[str], src_cols: list[str], batch: list,
           sbatch: list) -> None:
    if batch:
        q = ",".join("?" * len(cols))
        con.executemany(f"INSERT INTO events ({','.join(map(_quote, cols))}) VALUES ({q})", batch)
        q = ",".join("?" * len(src_cols))
        con.executemany(
            f"INSERT INTO event_sources ({','.join(map(_quote, src_cols))}) VALUES ({q})", sbatch
        )
    batch.clear()
    sbatch.clear()


def _quote(name: str) -> str:
    return f'"{name}"'


def timed(client: object, path: str, params: dict | None = None, runs: int = 5) -> float:
    """Median wall time (ms) of ``runs`` requests, after one warm-up."""
    client.get(path, params=params).raise_for_status()  # type: ignore[attr-defined]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        client.get(path, params=params).raise_for_status()  # type: ignore[attr-defined]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def measure(db: Path) -> bool:
    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "desk"))
    from build import running_server  # the tests' real-server helper

    ok = True
    with running_server(f"sqlite:///{db}") as base, httpx.Client(base_url=base,
                                                                   timeout=60) as c:
        counts = c.get("/api").json()["counts"]
        print(f"store: {json.dumps(counts)}")
        story = c.get("/api/stories", params={"limit": 1}).json()["items"]
        art = c.get("/api/articles", params={"limit": 1}).json()["items"][0]["article_id"]
        top = c.get("/api/events", params={"facets": "event,country"}).json()["facets"]
        etype, country = top["event"][0]["value"], top["country"][0]["value"]
        pages: dict[str, list[tuple[str, dict]]] = {
            "stories list": [("/api/stories", {"limit": 50}), ("/api", {})],
            "events table": [("/api/events", {"limit": 50,
                                              "facets": "event,country,source,mode"})],
            "map": [("/api/events", {"located": "true", "limit": 1000})],
            "article view": [(f"/api/articles/{art}", {})],
            "figures": [("/api/figures", {"limit": 100})],
        }
        if story:
            sid = story[0]["story_id"]
            pages["story page"] = [(f"/api/stories/{sid}", {}),
                                   ("/api/events", {"story": sid, "limit": 1000}),
                                   ("/api/figures", {"story": sid, "limit": 200})]
        print("\npage render (API time for the requests each page makes, median of 5):")
        for name, reqs in pages.items():
            ms = sum(timed(c, p, q) for p, q in reqs)
            flag = "ok" if ms < 1000 else "SLOW"
            ok &= ms < 1000
            print(f"  {name:<14} {ms:8.1f} ms  [{flag}, target < 1000 ms]")
        print(f"\nevents table filters over {counts['events']} events (page + total, median of 5):")
        filters = {
            f"type={etype}": {"type": etype},
            f"country={country}": {"country": country},
            "actor=minister": {"actor": "minister"},
            "date range (one year)": {"date_from": "1987-01-01", "date_to": "1987-12-31"},
            "type+country, sort -date": {"type": etype, "country": country, "sort": "-date"},
            "q=oil": {"q": "oil"},
            "sort by confidence": {"sort": "-confidence"},
        }
        for name, params in filters.items():
            ms = timed(c, "/api/events", {**params, "limit": 50})
            msf = timed(c, "/api/events", {**params, "limit": 50,
                                           "facets": "event,country,source,mode"})
            flag = "ok" if ms < 300 else "SLOW"
            ok &= ms < 300
            print(f"  {name:<28} {ms:8.1f} ms   with 4 facets {msf:8.1f} ms  [{flag}, < 300 ms]")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="an existing SQLite store (skips processing)")
    ap.add_argument("--shared", type=Path,
                    default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--limit", type=int, default=150, help="Reuters articles to process")
    ap.add_argument("--events", type=int, default=100_000,
                    help="replicate events up to this many (0: measure the store as it is)")
    ap.add_argument("--keep", type=Path, help="folder to keep the stores in")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="web-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = args.db or build(args.shared, args.limit, work)
    print("\n== the processed store ==")
    ok = measure(db)
    if args.events:
        big = work / "replicated.db"
        shutil.copy(db, big)
        t = time.perf_counter()
        n = replicate(big, args.events)
        print(f"\n== SYNTHETIC: {n} replicated event rows added (ids syn-*) "
              f"in {time.perf_counter() - t:.0f} s ==")
        ok &= measure(big)
    print("\nall targets met" if ok else "\nsome targets missed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
