"""Load on the desk's HTTP API while ``eventdesk process`` writes to the same store.

    python bench/load.py                          # 2,000 requests, 16 threads, at most 120 s
    python bench/load.py --requests 300 --threads 8 --articles 16

Starts ``eventdesk serve`` (a child process, loopback, a free port) over a store, starts
``eventdesk process`` on that store (another child: the writer), and sends GET requests from
this process with a thread pool over a fixed mix of routes. Prints requests/s, p50/p99 latency
and the error count; exits 1 on any error (a non-200 answer or a failed connection).

Why separate processes: SQLite's one-writer rule and the WAL journal are what keep readers
answering while a batch commits; only separate processes exercise them as a user would.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "reliability" / "articles.jsonl"

# The routes an analyst's page and scripts hit, weighted by how often.
ROUTES: tuple[str, ...] = (
    "/api",
    "/api/events?limit=50",
    "/api/events?limit=50&type=PROTEST",
    "/api/events?q=troops",
    "/api/articles?limit=50",
    "/api/articles?q=protesters",
    "/api/stories",
    "/api/places?limit=100",
    "/api/events.csv",
    "/api/events.geojson",
    "/",
)


@dataclass
class LoadResult:
    """What a load run measured."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    committed: int = 0  # articles the writers committed while the load ran

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self) -> str:
        rps = self.requests / self.seconds if self.seconds else 0.0
        return (
            f"{self.requests} requests in {self.seconds:.1f}s: {rps:.1f} req/s, "
            f"p50 {self.percentile(0.50) * 1000:.0f} ms, p99 {self.percentile(0.99) * 1000:.0f} ms,"
            f" {self.errors} errors; {self.committed} articles committed meanwhile"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def eventdesk_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "eventdesk", *args]


def start_server(db: Path, port: int, timeout_s: float = 180) -> subprocess.Popen:
    """``eventdesk serve`` on loopback; returns once it answers ``/api``."""
    import httpx

    proc = subprocess.Popen(
        eventdesk_cmd("serve", "--db", f"sqlite:///{db}", "--port", str(port), "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"eventdesk serve exited {proc.returncode}: {proc.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"eventdesk serve did not answer within {timeout_s:.0f}s")


def load(base: str, n_requests: int, threads: int, max_seconds: float,
         routes: Sequence[str] = ROUTES) -> LoadResult:
    """Send ``n_requests`` GETs (round-robin over ``routes``) from ``threads`` threads, stopping
    early after ``max_seconds``; every answer must be a 200."""
    import httpx

    result = LoadResult()
    deadline = time.monotonic() + max_seconds
    clients = [httpx.Client(base_url=base, timeout=60) for _ in range(threads)]

    def one(i: int) -> tuple[float, int | str]:
        if time.monotonic() > deadline:
            return -1.0, "skipped"
        client = clients[i % threads]
        t0 = time.perf_counter()
        try:
            res = client.get(routes[i % len(routes)])
            res.read()
            status: int | str = res.status_code
        except httpx.HTTPError as exc:
            status = f"{type(exc).__name__}: {exc}"
        return time.perf_counter() - t0, status

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for i, (seconds, status) in enumerate(pool.map(one, range(n_requests))):
            if status == "skipped":
                continue
            result.requests += 1
            result.latencies.append(seconds)
            result.statuses[status] += 1
            if status != 200:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{routes[i % len(routes)]}: {status}")
    result.seconds = time.perf_counter() - t0
    for c in clients:
        c.close()
    return result


def prepare_store(folder: Path, n_articles: int, n_processed: int) -> Path:
    """A store of ``n_articles`` corpus articles, the first ``n_processed`` already processed
    (so the API has events to serve) and the rest left for the concurrent writer."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    db = folder / "load.db"
    first, rest = folder / "first.jsonl", folder / "rest.jsonl"
    first.write_text("\n".join(lines[:n_processed]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(lines[n_processed:n_articles]) + "\n", encoding="utf-8")
    for cmd in (("run", str(first)), ("ingest", str(rest))):
        res = subprocess.run(eventdesk_cmd(*cmd, "--db", f"sqlite:///{db}", "--quiet"),
                             capture_output=True, text=True, timeout=1800)
        if res.returncode != 0:
            raise RuntimeError(f"eventdesk {cmd[0]} failed: {res.stderr}")
    return db


def run_load(db: Path, n_requests: int, threads: int, max_seconds: float,
             writers_run: Sequence[str] = ("process", "ingest"),
             ) -> tuple[LoadResult, list[int | None]]:
    """Serve ``db``, start the writers, load the API; returns the result and the writers' exit
    statuses (None for one still running at the end: it is then stopped)."""
    port = free_port()
    server = start_server(db, port)
    writers: list[subprocess.Popen] = []
    try:
        if writers_run:
            # ``process`` writes results once its models are loaded; ``ingest`` of a generated
            # feed commits a batch every few seconds from the start. Both hold SQLite's write
            # lock while the API reads.
            feed = more_articles(db.parent, 3000)
            commands = {"process": ("process",), "ingest": ("ingest", str(feed))}
            for cmd in (commands[name] for name in writers_run):
                writers.append(subprocess.Popen(
                    eventdesk_cmd(*cmd, "--db", f"sqlite:///{db}", "--quiet"),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                ))
            # Start the load once the writers are writing, so that it overlaps their commits.
            wait_for_commit(db, writers, timeout_s=600)
        before = count_articles(db)
        result = load(f"http://127.0.0.1:{port}", n_requests, threads, max_seconds)
        result.committed = count_articles(db) - before
        statuses = [w.poll() for w in writers]
        return result, statuses
    finally:
        for w in writers:
            if w.poll() is None:
                w.terminate()  # SIGTERM: the store keeps what it committed
                w.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)


def count_articles(db: Path) -> int:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def wait_for_commit(db: Path, writers: list[subprocess.Popen], timeout_s: float) -> None:
    """Return once the store holds more articles than now (or a writer has exited)."""
    start = count_articles(db)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if count_articles(db) > start or any(w.poll() is not None for w in writers):
            return
        time.sleep(0.2)
    raise RuntimeError(f"no writer committed within {timeout_s:.0f}s")


def more_articles(folder: Path, n: int) -> Path:
    """``n`` distinct generated articles for the ingest writer."""
    import random

    rng = random.Random(7)
    words = ["troops", "aid", "talks", "river", "market", "town", "council", "harvest", "border",
             "road", "police", "strike", "court", "port", "bridge", "school"]
    path = folder / "more.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rng.choice(words) for _ in range(120))
            fh.write(json.dumps({"id": f"load-{i}", "text": f"Report {i}. {text}."}) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--articles", type=int, default=60, help="articles in the store")
    ap.add_argument("--processed", type=int, default=None,
                    help="of those, processed before the load (default: half)")
    ap.add_argument("--db", type=Path, default=None,
                    help="use this store (copied first) instead of building one")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eventdesk-load-") as tmp:
        folder = Path(tmp)
        if args.db is not None:
            import shutil

            db = folder / "load.db"
            shutil.copyfile(args.db, db)
        else:
            processed = args.processed if args.processed is not None else args.articles // 2
            db = prepare_store(folder, args.articles, processed)
        result, writer_statuses = run_load(db, args.requests, args.threads, args.max_seconds)
    print(f"load ({args.threads} threads, loopback, 2 writers running): {result.line()}")
    print("statuses: " + json.dumps({str(k): v for k, v in result.statuses.items()}))
    for name, status in zip(("process", "ingest"), writer_statuses, strict=True):
        print(f"writer {name}: " + ("still running at the end (stopped)" if status is None
                                    else f"exited {status}"))
    for sample in result.error_samples:
        print("ERROR", sample)
    if os.environ.get("EVENTDESK_LOAD_JSON"):
        print(json.dumps({"requests": result.requests, "errors": result.errors,
                          "seconds": result.seconds, "p99_ms": result.percentile(0.99) * 1000}))
    return 1 if result.errors or any(s not in (None, 0) for s in writer_statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
