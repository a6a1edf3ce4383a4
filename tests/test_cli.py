"""The commands end to end, through the real CLI, a real SQLite store and the real pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventdesk.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_run_twice_stores_once_and_does_no_work_the_second_time(feed: Path, db_url: str) -> None:
    first = invoke("run", str(feed), "--db", db_url)
    assert first.exit_code == 0, first.output
    second = invoke("run", str(feed), "--db", db_url)
    assert second.exit_code == 0, second.output
    assert "0 new, 2 duplicates" in second.output
    assert "nothing to process" in second.output
    out = invoke("export", "articles", "--db", db_url)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["fx-1", "fx-2"]
    assert rows[0]["published"] == "2020-01-06"


def test_process_after_ingest_and_exports_in_every_format(
    feed: Path, db_url: str, tmp_path: Path
) -> None:
    assert invoke("ingest", str(feed), "--db", db_url).exit_code == 0
    res = invoke("process", "--db", db_url)
    assert res.exit_code == 0, res.output
    assert "processed 2 articles" in res.output

    csv_path = tmp_path / "a.csv"
    res = invoke("export", "articles", "-f", "csv", "-o", str(csv_path), "--db", db_url)
    assert res.exit_code == 0, res.output
    assert csv_path.read_text(encoding="utf-8").splitlines()[0].startswith("id,")

    import pyarrow.parquet as pq

    pq_path = tmp_path / "a.parquet"
    res = invoke("export", "articles", "-f", "parquet", "-o", str(pq_path), "--db", db_url)
    assert res.exit_code == 0, res.output
    assert pq.read_table(pq_path).num_rows == 2

    geo = invoke("export", "places", "-f", "geojson", "--db", db_url)
    assert geo.exit_code == 0, geo.output
    assert json.loads(geo.stdout)["type"] == "FeatureCollection"

    events = invoke("export", "events", "--db", db_url)
    assert events.exit_code == 0, events.output
    for line in events.stdout.splitlines():
        rec = json.loads(line)
        assert rec["sources"] and rec["event_id"]


def test_parquet_needs_a_file_and_articles_have_no_geojson(db_url: str) -> None:
    res = invoke("export", "articles", "-f", "parquet", "--db", db_url)
    assert res.exit_code == 2
    assert "-o FILE" in res.output
    res = invoke("export", "articles", "-f", "geojson", "--db", db_url)
    assert res.exit_code == 2


def test_extract_reads_stdin_and_keeps_order(feed: Path) -> None:
    res = invoke("extract", "-", "--quiet", input=feed.read_text(encoding="utf-8"))
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["fx-1", "fx-2"]
    for rec in lines:
        assert set(rec) >= {"id", "published", "entities", "places", "dates", "figures", "events"}
        assert rec["entities"], "spaCy finds named entities in the fixture"
        text = next(a for a in json.loads("[" + ",".join(feed.read_text().splitlines()) + "]")
                    if a["id"] == rec["id"])["text"]
        for ent in rec["entities"]:
            assert text[ent["start"] : ent["end"]] == ent["text"]
        for d in rec["dates"]:
            assert text[d["start"] : d["end"]] == d["text"]


def test_missing_path_and_unreadable_input_exit_2_naming_the_input(
    tmp_path: Path, db_url: str
) -> None:
    res = invoke("run", str(tmp_path / "nope.jsonl"), "--db", db_url)
    assert res.exit_code == 2
    assert "nope.jsonl" in res.output

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = invoke("ingest", str(empty), "--db", db_url)
    assert res.exit_code == 2
    assert "empty.txt" in res.output

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": \n[1,2]\n', encoding="utf-8")
    res = invoke("extract", str(bad))
    assert res.exit_code == 2
    assert "bad.jsonl" in res.output


def test_a_bad_line_is_skipped_and_the_store_keeps_what_it_had(
    feed: Path, tmp_path: Path, db_url: str
) -> None:
    assert invoke("run", str(feed), "--db", db_url).exit_code == 0
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        '{"id": "ok-1", "text": "Police in Lagos arrested five men on Friday."}\n'
        "{not json}\n"
        '{"id": "ok-2", "text": 42}\n',
        encoding="utf-8",
    )
    res = invoke("run", str(mixed), "--db", db_url)
    assert res.exit_code == 0, res.output
    assert "mixed.jsonl:2" in res.output
    out = invoke("export", "articles", "--db", db_url)
    assert [json.loads(x)["id"] for x in out.stdout.splitlines()] == ["fx-1", "fx-2", "ok-1"]


def test_bad_option_value_is_a_usage_error(feed: Path) -> None:
    res = invoke("extract", str(feed), "--ontology", "cameo")
    assert res.exit_code == 2


def test_the_installed_command_exits_with_contract_codes(tmp_path: Path) -> None:
    """Through a real process: stdout carries only data, stderr the one-line reason."""
    proc = subprocess.run(
        [sys.executable, "-m", "eventdesk", "extract", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "missing.txt" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("env_db", [True, False])
def test_db_defaults_to_env_then_working_directory(
    feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env_db: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    if env_db:
        monkeypatch.setenv("EVENTDESK_DB", f"sqlite:///{tmp_path / 'env.db'}")
    else:
        monkeypatch.delenv("EVENTDESK_DB", raising=False)
    assert invoke("ingest", str(feed)).exit_code == 0
    assert (tmp_path / ("env.db" if env_db else "eventdesk.db")).exists()


def test_train_writes_a_model_that_run_accepts(tmp_path: Path, feed: Path, db_url: str) -> None:
    rows = [
        ("Police fired tear gas at protesters in the capital.", "PROTEST_WITH_INTER"),
        ("Riot police dispersed demonstrators with water cannon.", "PROTEST_WITH_INTER"),
        ("Officers beat marchers with batons and arrested dozens.", "PROTEST_WITH_INTER"),
        ("Thousands marched peacefully through the city centre.", "PEACE_PROTEST"),
        ("Students held a peaceful sit-in outside parliament.", "PEACE_PROTEST"),
        ("Teachers rallied in front of the ministry to demand pay.", "PEACE_PROTEST"),
    ]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        "".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows), encoding="utf-8"
    )
    model = tmp_path / "m.npz"
    res = invoke("train", str(labelled), "-o", str(model))
    assert res.exit_code == 0, res.output
    assert model.is_file()
    assert json.loads(res.stdout.splitlines()[0])["n"] == 6
    res = invoke("run", str(feed), "--db", db_url, "--model", str(model), "--ontology", "acled")
    assert res.exit_code == 0, res.output
    missing = invoke("run", str(feed), "--db", db_url, "--model", str(tmp_path / "none.npz"))
    assert missing.exit_code == 2


def test_train_on_a_bad_file_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{broken\n", encoding="utf-8")
    res = invoke("train", str(bad))
    assert res.exit_code == 2
    assert "bad.jsonl" in res.output


STORY = [
    {
        "id": "t-1",
        "published": "2020-03-02",
        "source": "Wire",
        "text": (
            "Floods hit the northern province on Saturday, killing 12 people. Rescue teams "
            "reached the worst-hit villages on Sunday.\n\nThe government said it would send aid."
        ),
    },
    {
        "id": "t-2",
        "published": "2020-03-05",
        "source": "Daily",
        "text": (
            "Aid convoys arrived in the flooded province on Wednesday. Floods hit the northern "
            "province on Saturday, killing 12 people, officials said."
        ),
    },
]


def _story_feed(tmp_path: Path) -> Path:
    path = tmp_path / "story.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in STORY), encoding="utf-8")
    return path


def test_timeline_prints_dated_entries_from_mentioned_dates(tmp_path: Path) -> None:
    res = invoke("timeline", str(_story_feed(tmp_path)), "--dates", "3", "--sentences", "1", "-q")
    assert res.exit_code == 0, res.output
    tl = json.loads(res.stdout)
    assert 1 <= len(tl) <= 3
    days = [d for d, _ in tl]
    assert days == sorted(days)
    assert "2020-02-29" in days  # "on Saturday" in a Monday 2 March article: a mentioned date
    for _, sents in tl:
        assert len(sents) == 1 and isinstance(sents[0], str)


def test_summarize_cites_sources_and_keeps_to_the_length(tmp_path: Path) -> None:
    res = invoke("summarize", str(_story_feed(tmp_path)), "--words", "30", "-q")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)["summary"]
    assert summary
    assert sum(len(s["text"].split()) for s in summary) <= 30
    for s in summary:
        assert set(s["sources"]) <= {"t-1", "t-2"} and s["sources"]


def test_summarize_clusters_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "clusters.jsonl"
    path.write_text(
        json.dumps({"id": "c1", "documents": [STORY[0]["text"], STORY[1]["text"]]}) + "\n"
        + "{not json}\n"
        + json.dumps({"id": "c2", "documents": ["Talks resumed in Geneva on Monday."]}) + "\n",
        encoding="utf-8",
    )
    res = invoke("summarize", str(path), "--words", "25")
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["c1", "c2"]
    assert all(s["sources"] for x in lines for s in x["summary"])
    assert "clusters.jsonl:2" in res.output


def test_run_fills_story_timelines_and_summaries_and_story_prints_them(
    tmp_path: Path, db_url: str
) -> None:
    assert invoke("run", str(_story_feed(tmp_path)), "--db", db_url, "-q").exit_code == 0
    stories = [json.loads(x) for x in invoke("export", "stories", "--db", db_url).stdout.split("\n")
               if x.strip()]
    assert len(stories) == 1
    (st,) = stories
    assert sorted(st["article_ids"]) == ["t-1", "t-2"]
    assert st["timeline"] and st["summary"]
    for entry in st["timeline"]:
        assert entry["date"] and entry["text"] and entry["sources"]
    assert all(s["sources"] for s in st["summary"])
    listing = invoke("story", "--db", db_url)
    assert st["story_id"] in listing.stdout
    shown = invoke("story", st["story_id"], "--db", db_url)
    assert shown.exit_code == 0, shown.output
    assert "Timeline" in shown.stdout and "Summary" in shown.stdout
    assert st["timeline"][0]["date"] in shown.stdout
    assert invoke("story", "no-such-story", "--db", db_url).exit_code == 2
