"""Load: the HTTP API answers every request while another process writes to its store.

A small version of bench/load.py (which prints the figures at soak counts): ``eventdesk serve``
runs as a child process on loopback, ``eventdesk ingest`` of 3,000 generated articles commits
batches into the same SQLite store, and this process sends a bounded number of concurrent GET
requests. Every answer must be a 200; requests/s and p99 are printed (``pytest -s``).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parent.parent / "bench" / "load.py"
_spec = importlib.util.spec_from_file_location("eventdesk_bench_load", _BENCH)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    from typer.testing import CliRunner

    from eventdesk.cli import app

    lines = bench.CORPUS.read_text(encoding="utf-8").splitlines()[:30]
    feed = tmp_path / "seed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "load.db"
    res = CliRunner().invoke(app, ["ingest", str(feed), "--db", f"sqlite:///{db}", "--quiet"])
    assert res.exit_code == 0, res.output
    return db


def test_api_under_load_while_ingest_writes(store: Path) -> None:
    result, writers = bench.run_load(store, n_requests=600, threads=8, max_seconds=60,
                                     writers_run=("ingest",))
    print("\n" + result.line())
    assert result.requests >= 50, result.line()  # the bound is time, but it must do real work
    assert result.errors == 0, result.error_samples
    assert writers[0] in (None, 0)  # the writer did not fail (None: stopped at the end)
    assert result.committed > 0, result.line()  # the writer committed while the API answered
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert json.dumps(dict(result.statuses)) == json.dumps({200: result.requests})
