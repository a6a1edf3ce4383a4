"""Benchmark the desk: API latency of every page's requests, and the events table's filter time
on 100,000 events. Prints the figures (medians) and PASS/FAIL; targets: each page < 1 s, one
filter of the events table < 300 ms. Not a timed test: timings depend on the machine.

The store: ``--db`` an existing processed one, or the first ``--limit`` Reuters-21578 articles
(``--shared``/corpus/reuters21578) processed by the real pipeline (``eventdesk run``;
processing all 19k articles takes hours here). It is measured as it is; then, unless
``--events 0``, a copy is grown into a SYNTHETIC store (ids ``syn-...``, clearly marked) of
``--articles`` articles and ``--events`` real-world events, each article a copy of a processed
one with all its spans, grouped into stories of realistic sizes (see :func:`synthesize`), and
measured again. The processed store gets no synthetic rows (opening it applies any pending
migration).

    python bench/web_bench.py --db processed.db --articles 10000 --events 100000 --keep DIR
    python bench/web_bench.py --db DIR/synthetic.db --events 0     # measure it again
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


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]


def _insert(con: sqlite3.Connection, table: str, cols: list[str], rows: list[list]) -> None:
    if rows:
        names = ",".join(f'"{c}"' for c in cols)
        marks = ",".join("?" * len(cols))
        con.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        rows.clear()


#: Sizes of synthetic stories, cycled: most stories are a few articles, a few are large (the
#: biggest Reuters-like running stories run to a couple of hundred wire items).
STORY_SIZES = (1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 200)
#: One mention in this many is a further report of an event already listed (linked_to set).
LINK_EVERY = 5


def synthesize(db: Path, n_articles: int, n_events: int) -> dict[str, int]:
    """Grow a processed store into a SYNTHETIC one of ``n_articles`` articles and ``n_events``
    real-world events, so every page is measured at a realistic size.

    Each synthetic article (id ``syn-a…``) copies a processed article that has events: its text
    and every span row (entities, places, dates, figures, sentences), so the article view shows
    as many spans as a real one; its date moves by whole days and its source is one of 40
    synthetic ones. Each gets about ``n_events / n_articles`` events (ids ``syn-e…``) copied
    from its original's mentions (same spans in the same text), whose type and place come from
    other processed mentions so that filters meet variety, plus one further linked report in
    ``LINK_EVERY`` (``linked_to`` a listed event of an earlier article in its story). Articles
    are grouped into synthetic stories of :data:`STORY_SIZES`.
    """
    con = sqlite3.connect(db)
    a_cols = _columns(con, "articles")
    e_cols = _columns(con, "events")
    s_cols = [c for c in _columns(con, "event_sources") if c != "id"]
    by_article: dict[str, list[tuple]] = {}
    for row in con.execute("SELECT * FROM events ORDER BY article_id, rank"):
        by_article.setdefault(row[e_cols.index("article_id")], []).append(row)
    pool = [r for rows in by_article.values() for r in rows]
    if not pool:
        sys.exit("the store has no events to grow a synthetic store from")
    base_articles = con.execute(
        "SELECT * FROM articles WHERE id IN (SELECT article_id FROM events) ORDER BY seq"
    ).fetchall()
    span_tables = [t for t in ("entities", "places", "dates", "figures", "sentences")
                   if _columns(con, t)]
    spans: dict[str, tuple[list[str], dict[str, list[tuple]]]] = {}
    for t in span_tables:
        cols = [c for c in _columns(con, t) if c != "id"]
        grouped: dict[str, list[tuple]] = {}
        names = ",".join(f'"{c}"' for c in cols)
        for row in con.execute(f"SELECT {names} FROM {t}"):
            grouped.setdefault(row[cols.index("article_id")], []).append(row)
        spans[t] = (cols, grouped)
    first_source = {}
    for row in con.execute('SELECT event_id, sequence, start, "end", text FROM event_sources'):
        first_source.setdefault(row[0], row)
    story_row = con.execute("SELECT timeline_json, summary_json FROM stories LIMIT 1").fetchone()
    timeline, summary = story_row if story_row else ("[]", "[]")

    ix = {c: e_cols.index(c) for c in e_cols}
    place_cols = [ix[c] for c in ("place_name", "latitude", "longitude", "country", "admin1",
                                  "geonameid", "feature", "place_level", "location_text",
                                  "location_start", "location_end")]
    type_cols = [ix[c] for c in ("event", "mode", "ontology")]
    a_rows: list[list] = []
    e_rows: list[list] = []
    s_rows: list[list] = []
    span_rows: dict[str, list[list]] = {t: [] for t in span_tables}
    st_rows: list[list] = []
    sa_rows: list[list] = []
    heads = mentions = 0
    story_n = story_left = 0
    story_heads: list[str] = []
    story_id = ""
    for i in range(n_articles):
        if story_left == 0:
            story_id = f"syn-s{story_n:05d}"
            story_left = STORY_SIZES[story_n % len(STORY_SIZES)]
            story_n += 1
            story_heads = []
            st_rows.append([story_id, f"Synthetic story {story_n}", timeline, summary,
                            "2024-01-01T00:00:00+00:00"])
            position = 0
        story_left -= 1
        base = list(base_articles[i % len(base_articles)])
        old_id = base[a_cols.index("id")]
        art_id = f"syn-a{i:06d}"
        shift = timedelta(days=(i * 37) % 3650 - 1825)
        new = dict(zip(a_cols, base, strict=True))
        new.update(seq=None, id=art_id, url=f"https://synthetic.invalid/{i}",
                   url_key=f"synthetic.invalid/{i}", fingerprint=f"syn-{i}",
                   source=f"Synthetic source {i % 40}")
        pub = new.get("published")
        if pub and len(pub) >= 10:
            new["published"] = (date.fromisoformat(pub[:10]) + shift).isoformat()
        a_rows.append([new[c] for c in a_cols])
        for t in span_tables:
            cols, grouped = spans[t]
            for row in grouped.get(old_id, []):
                r = list(row)
                r[cols.index("article_id")] = art_id
                span_rows[t].append(r)
        sa_rows.append([story_id, art_id, position])
        position += 1
        want = n_events // n_articles + (i < n_events % n_articles)
        own = by_article[old_id]
        for j in range(want + want // (LINK_EVERY - 1)):
            src = own[j % len(own)]
            r = list(src)
            k = mentions
            other = pool[(k * 7919 + 13) % len(pool)]
            other2 = pool[(k * 104729 + 7) % len(pool)]
            for c in place_cols:
                r[c] = other[c]
            for c in type_cols:
                r[c] = other2[c]
            eid = f"syn-e{mentions:07d}"
            r[ix["event_id"]], r[ix["article_id"]], r[ix["rank"]] = eid, art_id, j
            r[ix["story_id"]] = story_id
            d = r[ix["date"]]
            if d and len(d) == 10:
                r[ix["date"]] = (date.fromisoformat(d) + shift).isoformat()
            linked = j >= want and story_heads
            r[ix["linked_to"]] = story_heads[(k * 31) % len(story_heads)] if linked else None
            if j >= want and not linked:
                continue  # the story's first article: nothing earlier to report again
            e_rows.append(r)
            passage = first_source.get(src[ix["event_id"]])
            seq_, start, end, text = passage[1:] if passage else (
                r[ix["sequence"]], r[ix["start"]], r[ix["end"]], "")
            s_rows.append([eid, art_id, seq_, start, end, text])
            mentions += 1
            if r[ix["linked_to"]] is None:
                heads += 1
                story_heads.append(eid)
        if len(e_rows) >= 20000 or i == n_articles - 1:
            _insert(con, "stories", ["story_id", "title", "timeline_json", "summary_json",
                                     "updated_at"], st_rows)
            _insert(con, "articles", a_cols, a_rows)
            _insert(con, "story_articles", ["story_id", "article_id", "position"], sa_rows)
            for t in span_tables:
                _insert(con, t, spans[t][0], span_rows[t])
            _insert(con, "events", e_cols, e_rows)
            _insert(con, "event_sources", s_cols, s_rows)
    con.commit()
    con.close()
    return {"articles": n_articles, "stories": story_n, "events": heads, "mentions": mentions}


def timed(client: object, path: str, params: dict | None = None, runs: int = 5) -> float:
    """Median wall time (ms) of ``runs`` requests, after one warm-up."""
    client.get(path, params=params).raise_for_status()  # type: ignore[attr-defined]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        client.get(path, params=params).raise_for_status()  # type: ignore[attr-defined]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


FACETS = "event,country,source,mode"
PAGE_MS = 1000
FILTER_MS = 300


def _verdict(ms: float, target: float) -> str:
    return f"[{'PASS' if ms < target else 'FAIL'}, target < {target:.0f} ms]"


def measure(db: Path, runs: int) -> bool:
    """Time every page's requests and the events table's filters; True when all meet targets.

    A page's time is the sum of the medians of the requests it makes (the page makes them one
    after another). The story page is measured on the store's biggest story and the article
    view on the article with the most events: the worst cases, not typical ones.
    """
    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "desk"))
    from build import running_server  # the tests' real-server helper

    con = sqlite3.connect(db)
    art, n_art_events = con.execute(
        "SELECT article_id, count(*) AS n FROM events GROUP BY article_id "
        "ORDER BY n DESC, article_id LIMIT 1").fetchone()
    story = con.execute(
        "SELECT story_id, count(*) AS n FROM story_articles GROUP BY story_id "
        "ORDER BY n DESC, story_id LIMIT 1").fetchone()
    con.close()
    ok = True
    with running_server(f"sqlite:///{db}") as base, httpx.Client(base_url=base,
                                                                   timeout=120) as c:
        counts = c.get("/api").json()["counts"]
        print(f"store: {json.dumps(counts)}")
        top = c.get("/api/events", params={"facets": "event,country"}).json()["facets"]
        etype, country = top["event"][0]["value"], top["country"][0]["value"]
        pages: dict[str, list[tuple[str, dict]]] = {
            "stories list": [("/api/stories", {"limit": 50}), ("/api", {})],
            "events table": [("/api/events", {"limit": 50}),
                             ("/api/events", {"limit": 0, "facets": FACETS})],
            "map": [("/api/events", {"located": "true", "limit": 1000})],
            f"article view ({n_art_events} mentions)": [(f"/api/articles/{art}", {})],
            "figures": [("/api/figures", {"limit": 100})],
        }
        if story:
            sid, size = story
            pages[f"story page ({size} articles)"] = [
                (f"/api/stories/{sid}", {}),
                ("/api/events", {"story": sid, "limit": 1000}),
                ("/api/figures", {"story": sid, "limit": 200}),
            ]
        print(f"\npage render (sum of the API requests each page makes, median of {runs}):")
        for name, reqs in pages.items():
            ms = sum(timed(c, p, q, runs) for p, q in reqs)
            ok &= ms < PAGE_MS
            print(f"  {name:<32} {ms:8.1f} ms  {_verdict(ms, PAGE_MS)}")
        print(f"\nevents table filters over {counts['events']} events (one page of 50 and the "
              f"total, median of {runs}; facets: a second request, as the page makes it):")
        filters = {
            "no filter": {},
            f"type={etype}": {"type": etype},
            f"country={country}": {"country": country},
            "actor=minister": {"actor": "minister"},
            "date range (one year)": {"date_from": "1987-01-01", "date_to": "1987-12-31"},
            "type+country, sort -date": {"type": etype, "country": country, "sort": "-date"},
            "q=oil": {"q": "oil"},
            "sort by confidence": {"sort": "-confidence"},
            "source": {"source": "Synthetic source 3"},
            "page 100 (offset 4950)": {"offset": 4950},
        }
        for name, params in filters.items():
            ms = timed(c, "/api/events", {**params, "limit": 50}, runs)
            msf = timed(c, "/api/events", {**params, "limit": 0, "facets": FACETS}, runs)
            ok &= ms < FILTER_MS
            print(f"  {name:<28} {ms:8.1f} ms  {_verdict(ms, FILTER_MS)}   "
                  f"4 facets {msf:8.1f} ms  {_verdict(msf, PAGE_MS)}")
            ok &= msf < PAGE_MS
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="an existing processed SQLite store (skips "
                    "processing)")
    ap.add_argument("--shared", type=Path,
                    default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--limit", type=int, default=150, help="Reuters articles to process")
    ap.add_argument("--articles", type=int, default=10_000,
                    help="synthetic articles to grow the store to")
    ap.add_argument("--events", type=int, default=100_000,
                    help="synthetic real-world events (0: measure the processed store only)")
    ap.add_argument("--runs", type=int, default=5, help="timed requests per measurement")
    ap.add_argument("--keep", type=Path, help="folder to keep the stores in")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="web-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = args.db or build(args.shared, args.limit, work)
    print(f"\n== {db} (as given) ==")
    ok = measure(db, args.runs)
    if args.events:
        big = work / "synthetic.db"
        shutil.copy(db, big)
        # Opening it through Store applies any migration the processed store lacks.
        from eventdesk.store import Store

        Store(f"sqlite:///{big}").close()
        t = time.perf_counter()
        made = synthesize(big, args.articles, args.events)
        print(f"\n== SYNTHETIC store: {json.dumps(made)} (ids syn-*, copies of the processed "
              f"rows) built in {time.perf_counter() - t:.0f} s ==")
        ok &= measure(big, args.runs)
    print("\nPASS: all targets met" if ok else "\nFAIL: some targets missed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
