"""The progress bar shows articles/s on a terminal and stays silent otherwise."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path


def _feed(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "text": f"Article {i} reports a vote in Rome."}))
            fh.write("\n")
    return path


def _run_on_pty(args: list[str], cwd: Path) -> str:
    """Run the real command with a pseudo-terminal as stdout/stderr; return what it printed."""
    main, sub = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(args, stdout=sub, stderr=sub, stdin=subprocess.DEVNULL, cwd=cwd,
                            env=env)
    os.close(sub)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_ingest_shows_a_progress_bar_with_rate_on_a_terminal(tmp_path: Path) -> None:
    feed = _feed(tmp_path, 1200)
    out = _run_on_pty(
        [sys.executable, "-m", "eventdesk", "ingest", str(feed), "--db", "sqlite:///t.db"], tmp_path
    )
    assert "ingest" in out
    assert "articles/s" in out
    assert "1200/1200" in out or "1200 new" in out


def test_quiet_and_non_terminal_runs_print_no_bar(tmp_path: Path) -> None:
    feed = _feed(tmp_path, 50)
    out = _run_on_pty(
        [sys.executable, "-m", "eventdesk", "ingest", str(feed), "--db", "sqlite:///q.db", "-q"],
        tmp_path,
    )
    assert "articles/s" not in out
    assert "ingested" not in out
    proc = subprocess.run(
        [sys.executable, "-m", "eventdesk", "ingest", str(feed), "--db", "sqlite:///p.db"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0
    assert "articles/s" not in proc.stderr  # no bar when stderr is a pipe
    assert "ingested 50 articles" in proc.stderr  # the one-line summary still comes
