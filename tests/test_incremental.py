"""Incremental processing through the real CLI: only new or changed articles are processed, a
rerun does no work, and stories, event links and figures follow the new articles."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from scale_helpers import FIXTURES, cli, jsonl

pytestmark = pytest.mark.slow  # loads the models in each command


def _run(*args: str) -> str:
    res = cli(*args)
    assert res.returncode == 0, f"eventdesk {' '.join(args)}:\n{res.stderr[-3000:]}"
    return res.stdout + res.stderr


def _processed_at(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, processed_at FROM articles"))


def test_only_new_and_changed_articles_are_processed(tmp_path: Path) -> None:
    db = tmp_path / "inc.db"
    url = f"sqlite:///{db}"
    out = _run("run", str(FIXTURES / "articles.jsonl"), "--db", url)
    assert "processed 8 articles" in out

    # A rerun (process, or run over the same input) does no work.
    assert "nothing to process" in _run("process", "--db", url)
    again = _run("run", str(FIXTURES / "articles.jsonl"), "--db", url)
    assert "0 new, 8 duplicates" in again and "nothing to process" in again
    before = _processed_at(db)

    # New articles: only they are processed; they join stories; their events are linked.
    out = _run("run", str(FIXTURES / "more.jsonl"), "--db", url)
    assert "processed 2 articles" in out
    after = _processed_at(db)
    assert {k: after[k] for k in before} == before, "an old article was processed again"
    assert after["s9"] and after["s10"]
    stories = jsonl(_run("export", "stories", "--db", url, "-q"))
    members = sorted(a for s in stories for a in s["article_ids"])
    assert members == sorted(f"s{i}" for i in range(1, 11))
    events = jsonl(_run("export", "events", "--db", url, "-q"))
    sources = {s["article_id"] for e in events for s in e["sources"]}
    assert {"s9", "s10"} <= sources

    # One article's text changes (same id): only it is processed again, and what is stored
    # for it now comes from the new text.
    changed = tmp_path / "changed.jsonl"
    old = json.loads((FIXTURES / "articles.jsonl").read_text().splitlines()[4])
    assert old["id"] == "s5"
    new_text = old["text"].replace("at least 8 people", "at least 23 people")
    assert new_text != old["text"]
    changed.write_text(json.dumps({**old, "text": new_text}) + "\n", encoding="utf-8")
    before = _processed_at(db)
    out = _run("run", str(changed), "--db", url)
    assert "processed 1 articles" in out
    after = _processed_at(db)
    assert [k for k in after if after[k] != before[k]] == ["s5"]

    figures = jsonl(_run("export", "figures", "--db", url, "-q"))
    s5_values = {v["value"] for f in figures for v in f["values"] if v["article_id"] == "s5"}
    assert 23 in s5_values and 8 not in s5_values
    events = jsonl(_run("export", "events", "--db", url, "-q"))
    s5_passages = [s["text"] for e in events for s in e["sources"] if s["article_id"] == "s5"]
    assert s5_passages and not any("at least 8 people" in t for t in s5_passages)
    # Still one story membership per article, no article lost or doubled.
    stories = jsonl(_run("export", "stories", "--db", url, "-q"))
    assert sorted(a for s in stories for a in s["article_ids"]) == members
    assert "nothing to process" in _run("process", "--db", url)


def test_story_views_a_stopped_run_left_unbuilt_are_built_by_the_next(tmp_path: Path) -> None:
    """A run killed after saving its last batch but before rebuilding story timelines leaves
    those stories flagged; the next `process`, even with nothing new, rebuilds them."""
    db = tmp_path / "views.db"
    url = f"sqlite:///{db}"
    _run("run", str(FIXTURES / "articles.jsonl"), "--db", url)
    built = {s["story_id"]: s for s in jsonl(_run("export", "stories", "--db", url, "-q"))}
    assert any(s["timeline"] for s in built.values())
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stories WHERE views_due IS NOT NULL"
                            ).fetchone() == (0,)
        # What the kill leaves: the batch (and its story memberships) saved, views not rebuilt.
        conn.execute("UPDATE stories SET timeline_json = '[]', summary_json = '[]', "
                     "views_due = '2020-01-01T00:00:00'")
    assert "nothing to process" in _run("process", "--db", url)
    again = {s["story_id"]: s for s in jsonl(_run("export", "stories", "--db", url, "-q"))}
    assert again == built
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stories WHERE views_due IS NOT NULL"
                            ).fetchone() == (0,)


def test_story_views_built_in_chunks_are_those_built_together(tmp_path: Path) -> None:
    """Views are built a chunk of stories at a time, their sentences embedded in one call per
    chunk: a chunk of one story gives the same timelines and summaries as one of all."""
    from eventdesk.link.views import refresh_story_views
    from eventdesk.store import Store

    db = tmp_path / "chunks.db"
    url = f"sqlite:///{db}"
    _run("run", str(FIXTURES / "articles.jsonl"), "--db", url)
    built = {s["story_id"]: s for s in jsonl(_run("export", "stories", "--db", url, "-q"))}
    assert len(built) >= 2 and sum(bool(s["summary"]) for s in built.values()) >= 2
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET timeline_json = '[]', summary_json = '[]'")
    store = Store(url)
    try:
        assert refresh_story_views(store, list(built), chunk=1) == len(built)
    finally:
        store.close()
    again = {s["story_id"]: s for s in jsonl(_run("export", "stories", "--db", url, "-q"))}
    assert again == built
