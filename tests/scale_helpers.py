"""Shared by the scale tests (PostgreSQL, incremental, Ray): a throwaway PostgreSQL database,
the real CLI, and a store-level worker that claims and saves like ``process`` does.

Why a worker that builds its documents by hand: the concurrency tests are about the store's
claims and transactions, which must hold whatever the stages find; loading the models in two
processes would only make them slow. The full pipeline runs in the CLI-level tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "scale"
#: What scripts/test.sh sets up when it starts a server; used when EVENTDESK_PG_URL is unset.
DEFAULT_PG_URL = "postgresql://eventdesk:eventdesk@127.0.0.1:5432/postgres"


def pg_server_url() -> tuple[str | None, str]:
    """(URL of a reachable server's maintenance database, or None; why not)."""
    url = os.environ.get("EVENTDESK_PG_URL") or DEFAULT_PG_URL
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(_plain(url), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        return None, f"no PostgreSQL server at {url} ({str(exc).strip().splitlines()[0]})"
    return url, ""


def _plain(url: str) -> str:
    """A libpq URL (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"eventdesk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_plain(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        _drop_database(server_url, name)


def _drop_database(server_url: str, name: str, tries: int = 40) -> None:
    """Drop the test database, waiting out the server's own processes on it.

    ``WITH (FORCE)`` ends the tests' leftover connections, but a non-superuser may not end an
    autovacuum worker that has just started on the new tables (InsufficientPrivilege); it
    finishes within moments on a database this small, so retry for a few seconds.
    """
    import psycopg

    for attempt in range(tries):
        try:
            with psycopg.connect(_plain(server_url), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == tries - 1:
                raise
            time.sleep(0.25)


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> Any:
    """Run ``eventdesk ARGS`` as a user would (a new process); returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("EVENTDESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "eventdesk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def cli_ok(*args: str, timeout: float = 600) -> str:
    res = cli(*args, timeout=timeout)
    assert res.returncode == 0, f"eventdesk {' '.join(args)} failed:\n{res.stderr[-3000:]}"
    return res.stdout


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# A worker process: claims articles a few at a time and saves one hand-made event and figure
# for each, as ``process`` would; prints the ids it saved as one JSON list.
WORKER = r"""
import json, sys, time
from eventdesk.store import Store, claim_token
from eventdesk.types import Document, Event, Figure

url, key, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
done = []
with Store(url) as store:
    token = claim_token()
    try:
        while True:
            batch = store.claim(key, token, limit=limit)
            if not batch:
                break
            docs = []
            for a in batch:
                d = Document(article=a)
                d.events = [Event(event="ASSAULT", span=d.span(0, 5, "worker"))]
                d.figures = [Figure(span=d.span(0, 5, "worker"), value=3, about="people")]
                docs.append(d)
            time.sleep(0.05)  # let the other worker interleave
            store.save_documents(docs, key)
            done.extend(a.id for a in batch)
    finally:
        store.release(token)
print(json.dumps(done))
"""


def start_worker(url: str, key: str, limit: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, key, str(limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def many_articles(n: int, prefix: str = "a") -> list[Any]:
    """``n`` distinct articles (different words each, so none is a near duplicate)."""
    from eventdesk.types import Article

    words = ["river", "market", "bridge", "harbour", "school", "clinic", "station", "farm"]
    return [
        Article(
            id=f"{prefix}{i}",
            text=f"Report {i}: " + " ".join(f"{words[(i * 7 + j) % 8]}{i}x{j}" for j in range(30)),
            published="2021-01-01",
        )
        for i in range(n)
    ]
