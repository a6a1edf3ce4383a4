"""The store on a real PostgreSQL server: migrations, every command, search, concurrent writers.

A server is needed: scripts/test.sh installs and starts one and sets ``EVENTDESK_PG_URL``. Without
that variable the tests try the server scripts/test.sh would have started, and are skipped (with
the reason) only when none answers; with the variable set, an unreachable server fails them.
Each test gets a database of its own, dropped afterwards. The concurrency test also runs on
SQLite, whose single writer must give the same guarantees.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from scale_helpers import (
    FIXTURES,
    cli,
    cli_ok,
    fresh_database,
    jsonl,
    many_articles,
    pg_server_url,
    start_worker,
)
from sqlalchemy import create_engine, inspect, text

from eventdesk.store import Store
from eventdesk.store import migrations as migrations_mod
from eventdesk.types import Article, Document, Event

_SERVER, _WHY = pg_server_url()


@pytest.fixture(scope="module")
def server() -> str:
    if _SERVER is None:
        if os.environ.get("EVENTDESK_PG_URL"):
            pytest.fail(f"EVENTDESK_PG_URL is set but unusable: {_WHY}")
        pytest.skip(f"{_WHY}; run scripts/test.sh, or set EVENTDESK_PG_URL")
    return _SERVER


@pytest.fixture
def pg_url(server: str) -> Iterator[str]:
    with fresh_database(server) as url:
        yield url


def test_plain_postgresql_url_uses_psycopg3_and_migrates(pg_url: str) -> None:
    assert pg_url.startswith("postgresql://")
    with Store(pg_url) as store:
        assert store.count("articles") == 0
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
            insp = inspect(conn)
            tables = set(insp.get_table_names())
            article_cols = {c["name"] for c in insp.get_columns("articles")}
    finally:
        engine.dispose()
    assert names == [m.name for m in migrations_mod.MIGRATIONS]
    assert {"articles", "events", "event_sources", "story_articles", "link_pending"} <= tables
    assert {"claim_token", "claim_until", "processed_key"} <= article_cols
    # Opening again applies nothing and keeps what is there.
    with Store(pg_url) as store:
        store.add_articles([Article("x", "A short text about the harbour.")])
    with Store(pg_url) as store:
        assert store.count("articles") == 1


def test_search_falls_back_to_like_on_postgresql(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.add_articles(
            [
                Article("k1", "Police arrested 15 smugglers in Mombasa.", title="Kenya arrests"),
                Article("k2", "Floods displaced thousands in Sylhet.", title="Bangladesh floods"),
                Article("k3", "100% of the 50_000 ballots were counted.", title="Count"),
            ]
        )
        hits = store.search("mombasa SMUGGLERS")
        assert [h["article_id"] for h in hits] == ["k1"]
        assert "[Mombasa]" in hits[0]["snippet"]
        # LIKE wildcards in the query are words, never patterns.
        assert [h["article_id"] for h in store.search("100%")] == ["k3"]
        assert [h["article_id"] for h in store.search("_")] == ["k3"]  # not "any character"
        assert store.search("%") == []  # no words at all
        assert store.search("'; DROP TABLE articles; --") == []
        assert store.count("articles") == 3


def test_search_command_on_postgresql(pg_url: str) -> None:
    cli_ok("ingest", str(FIXTURES / "articles.jsonl"), "--db", pg_url, "--quiet")
    hits = jsonl(cli_ok("search", "Khartoum", "--db", pg_url))
    assert {h["article_id"] for h in hits} == {"s3", "s4"}


@pytest.mark.slow
def test_every_command_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    feed = str(FIXTURES / "articles.jsonl")
    res = cli("run", feed, "--db", pg_url)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "8 new" in res.stdout + res.stderr
    events = jsonl(cli_ok("export", "events", "--db", pg_url))
    figures = jsonl(cli_ok("export", "figures", "--db", pg_url))
    stories = jsonl(cli_ok("export", "stories", "--db", pg_url))
    articles = jsonl(cli_ok("export", "articles", "--db", pg_url))
    assert {a["id"] for a in articles} == {f"s{i}" for i in range(1, 9)}
    assert events and all(e["sources"] for e in events)
    assert {s["article_id"] for e in events for s in e["sources"]} <= {a["id"] for a in articles}
    assert figures and stories
    assert sorted(a for s in stories for a in s["article_ids"]) == sorted(a["id"] for a in articles)
    geo = tmp_path / "places.geojson"
    cli_ok("export", "places", "--format", "geojson", "-o", str(geo), "--db", pg_url)
    assert json.loads(geo.read_text())["type"] == "FeatureCollection"
    pq = tmp_path / "events.parquet"
    cli_ok("export", "events", "--format", "parquet", "-o", str(pq), "--db", pg_url)
    assert pq.stat().st_size > 0
    # A rerun does no work, and the results are the same as on SQLite.
    again = cli("process", "--db", pg_url)
    assert again.returncode == 0 and "nothing to process" in again.stderr
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    cli_ok("run", feed, "--db", sqlite_url, "--quiet")
    lite_events = jsonl(cli_ok("export", "events", "--db", sqlite_url))
    assert _event_keys(lite_events) == _event_keys(events)


def _event_keys(events: list[dict]) -> list[tuple]:
    return sorted(
        (e["event"], e["text_info"]["start"], e["text_info"]["end"], e["date"],
         (e["location"] or {}).get("name"), tuple(s["article_id"] for s in e["sources"]))
        for e in events
    )


def _concurrent_workers(url: str, n_articles: int = 60) -> None:
    """Two worker processes claim and save over one store at once: every article is saved
    exactly once, by one of them, with exactly its one event and figure."""
    key = "k-concurrent"
    with Store(url) as store:
        store.add_articles(many_articles(n_articles))
    workers = [start_worker(url, key, limit=4) for _ in range(2)]
    saved: list[list[str]] = []
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err[-3000:]
        saved.append(json.loads(out))
    a, b = (set(x) for x in saved)
    assert len(saved[0]) == len(a) and len(saved[1]) == len(b), "an article was saved twice"
    assert not a & b, f"both workers processed {sorted(a & b)[:5]}"
    assert a | b == {f"a{i}" for i in range(n_articles)}
    assert a and b, "one worker did all the work: the test did not run them concurrently"
    with Store(url) as store:
        assert store.count_pending(key) == 0
        assert store.count("figures") == n_articles
        assert store.count("events") == n_articles  # none linked: distinct articles
        assert store.claim(key, "someone-else", limit=10) == []


def test_concurrent_writers_postgresql(pg_url: str) -> None:
    _concurrent_workers(pg_url)


def test_concurrent_writers_sqlite(tmp_path: Path) -> None:
    _concurrent_workers(f"sqlite:///{tmp_path / 'c.db'}")


def test_claims_are_exclusive_until_released_or_expired(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'claims.db'}") as store:
        store.add_articles(many_articles(5))
        mine = store.claim("k", "host-a:1:x", limit=3)
        assert [a.id for a in mine] == ["a0", "a1", "a2"]
        # Another token gets only what is left; the owner gets its own claims again.
        assert [a.id for a in store.claim("k", "host-b:1:y", limit=10)] == ["a3", "a4"]
        assert [a.id for a in store.claim("k", "host-a:1:x", limit=10)] == ["a0", "a1", "a2"]
        # Saving releases: a saved article is no longer pending for anyone.
        doc = Document(mine[0], events=[Event("ASSAULT", span=Document(mine[0]).span(0, 4))])
        store.save_documents([doc], "k")
        assert store.release("host-a:1:x") == 2
        assert [a.id for a in store.claim("k", "host-c:1:z", limit=10)] == ["a1", "a2"]
        # An expired lease is free to take over.
        assert store.release("host-b:1:y") == 2 and store.release("host-c:1:z") == 2
        assert len(store.claim("k", "host-d:1:w", limit=10, lease_s=-1)) == 4
        assert [a.id for a in store.claim("k", "host-e:1:v", limit=1)] == ["a1"]


def test_claims_of_a_dead_local_process_are_free_at_once(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    with Store(f"sqlite:///{tmp_path / 'dead.db'}") as store:
        store.add_articles(many_articles(2))
        store.claim("k", f"{socket.gethostname()}:{pid}:abc", limit=10)
        assert [a.id for a in store.claim("k", "other-host:1:x", limit=10)] == ["a0", "a1"]


@pytest.mark.slow
def test_two_process_commands_at_once_postgresql(pg_url: str) -> None:
    """Two real ``eventdesk process`` runs over one PostgreSQL store: nothing twice, nothing
    lost (batch size 1 so that each claims a few articles at a time and both get work)."""
    import subprocess
    import sys

    cli_ok("ingest", str(FIXTURES / "articles.jsonl"), str(FIXTURES / "more.jsonl"),
           "--db", pg_url, "--quiet")
    env = {k: v for k, v in os.environ.items() if k != "EVENTDESK_DB"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "eventdesk", "process", "--db", pg_url, "--batch-size", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
    with Store(pg_url) as store:
        assert store.count("articles") == 10
        assert store.count_pending(_current_key()) == 0
        ids = [a["id"] for a in jsonl(cli_ok("export", "articles", "--db", pg_url))]
    assert sorted(ids) == sorted(f"s{i}" for i in range(1, 11))
    stories = jsonl(cli_ok("export", "stories", "--db", pg_url))
    members = [a for s in stories for a in s["article_ids"]]
    assert sorted(members) == sorted(ids), "an article is in no story, or in two"
    # The stored event mentions are exactly what one pass of the pipeline finds (extract).
    feeds = [str(FIXTURES / "articles.jsonl"), str(FIXTURES / "more.jsonl")]
    expected = sorted((r["id"], e["text_info"]["start"], e["text_info"]["end"], e["event"])
                      for r in jsonl(cli_ok("extract", *feeds, "-q")) for e in r["events"])
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            stored = sorted(tuple(r) for r in conn.execute(
                text('SELECT article_id, start, "end", event FROM events')))
            counts = [json.loads(c) for (c,) in conn.execute(
                text("SELECT counts_json FROM runs WHERE command = 'process'"))]
    finally:
        engine.dispose()
    assert stored == expected, "event mentions stored twice, or lost"
    # Every article was processed once, by one of the two runs.
    # (A run that found nothing pending, the other having finished first, records no run.)
    assert 1 <= len(counts) <= 2 and all(c is not None for c in counts)
    assert sum(c["processed"] for c in counts) == 10


def _current_key() -> str:
    from eventdesk.app import pipeline_key
    from eventdesk.pipeline import Options, Pipeline

    options = Options()
    return pipeline_key(Pipeline.from_options(options), options)
