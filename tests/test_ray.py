"""The Ray engine on a real local Ray runtime: the same results as the local engine, Parquet
out, JSONL and Parquet in through Ray Data, and the store updated incrementally."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from scale_helpers import FIXTURES, cli, jsonl

pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[ray]')")

from eventdesk.engines.raydata import _ray_readable, read_extract_records


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    res = cli(*args, env=env)
    assert res.returncode == 0, f"eventdesk {' '.join(args)}:\n{res.stderr[-3000:]}"
    return res.stdout + res.stderr


def _comparable(rec: dict) -> dict:
    return {k: rec[k] for k in ("id", "published", "entities", "places", "dates", "figures",
                                "events")}


@pytest.mark.slow
def test_ray_engine_matches_local_engine(tmp_path: Path) -> None:
    feed = str(FIXTURES / "articles.jsonl")
    local = {r["id"]: _comparable(r) for r in jsonl(_run("extract", feed, "-q"))}
    out_dir = tmp_path / "parquet"
    url = f"sqlite:///{tmp_path / 'ray.db'}"
    # A short folder of Ray's own (its socket paths must stay under 108 characters)
    ray_tmp = Path(tempfile.mkdtemp(prefix="edray-", dir="/tmp"))
    try:
        log = _run("run", feed, "--engine", "ray", "--workers", "2", "--batch-size", "2",
                   "--output", str(out_dir), "--db", url, env={"RAY_TMPDIR": str(ray_tmp)})
        # Ray Data read the JSONL and the actors processed it in one runtime, not two
        sessions = [p for p in (ray_tmp / "ray").glob("session_*") if not p.is_symlink()]
        assert len(sessions) == 1, sessions
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)
    assert "processed 8 articles" in log
    ray_recs = {r["id"]: _comparable(r) for r in read_extract_records(str(out_dir))}
    assert set(ray_recs) == set(local)
    for aid, rec in local.items():
        for field in ("events", "places", "figures", "entities", "dates"):
            assert ray_recs[aid][field] == rec[field], f"{aid}: {field} differ"
    assert any(r["events"] for r in local.values()) and any(r["figures"] for r in local.values())

    # The store holds the same as a local run's store.
    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    _run("run", feed, "--db", local_url, "-q")
    for kind in ("events", "figures", "stories"):
        a = jsonl(_run("export", kind, "--db", url, "-q"))
        b = jsonl(_run("export", kind, "--db", local_url, "-q"))
        assert a == b, f"export {kind} differs between the engines"

    # Incremental: a rerun does nothing; a new feed (JSONL through Ray Data) only its articles.
    assert "nothing to process" in _run("process", "--engine", "ray", "--db", url)
    log = _run("run", str(FIXTURES / "more.jsonl"), "--engine", "ray", "--db", url)
    assert "2 new" in log and "processed 2 articles" in log


@pytest.mark.slow
def test_ray_reads_a_parquet_folder(tmp_path: Path) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in (FIXTURES / "more.jsonl").read_text().splitlines()]
    folder = tmp_path / "in"
    folder.mkdir()
    table = pa.table(
        {
            "id": [r["id"] for r in rows],
            "text": [r["text"] for r in rows],
            "title": [r["title"] for r in rows],
            # A real date column, as Parquet exports often have: stored as the contract's text.
            "published": [datetime.date.fromisoformat(r["published"]) for r in rows],
        }
    )
    pq.write_table(table.slice(0, 1), folder / "part-0.parquet")
    pq.write_table(table.slice(1, 1), folder / "part-1.parquet")
    assert _ray_readable(str(folder)) == "parquet"
    url = f"sqlite:///{tmp_path / 'pq.db'}"
    log = _run("run", str(folder), "--engine", "ray", "--workers", "1", "--db", url)
    assert "2 new" in log and "processed 2 articles" in log
    arts = {a["id"]: a for a in jsonl(_run("export", "articles", "--db", url, "-q"))}
    assert set(arts) == {"s9", "s10"}
    assert arts["s9"]["published"] == "2021-07-01"


@pytest.mark.slow
def test_a_broken_jsonl_line_is_skipped_by_name_as_the_local_engine_does(tmp_path: Path) -> None:
    """Ray Data refuses a JSONL file with one broken line whole; the engine then reads it with
    the ordinary reader, which names the line and keeps the others, and nothing stored is
    lost."""
    url = f"sqlite:///{tmp_path / 'b.db'}"
    _run("run", str(FIXTURES / "more.jsonl"), "--engine", "ray", "--db", url, "-q")
    before = jsonl(_run("export", "events", "--db", url, "-q"))
    good = [json.loads(line) for line in (FIXTURES / "articles.jsonl").read_text().splitlines()]
    feed = tmp_path / "broken.jsonl"
    feed.write_text(json.dumps(good[0]) + "\n" + '{"id": "cut", "text": \n'
                    + json.dumps(good[1]) + "\n")
    res = cli("run", str(feed), "--engine", "ray", "--db", url)
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    assert f"{feed}:2: is not valid JSON" in log
    assert "Traceback" not in log  # Ray's trace of the failed read is not shown
    assert "2 new" in log and "1 inputs skipped" in log and "processed 2 articles" in log
    after = jsonl(_run("export", "events", "--db", url, "-q"))
    ids = {e["event_id"] for e in after}
    assert all(e["event_id"] in ids for e in before)


def test_ray_options_need_the_ray_engine(tmp_path: Path) -> None:
    res = cli("process", "--output", str(tmp_path / "x"), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert res.returncode == 2
    assert "--output needs --engine ray" in res.stdout + res.stderr


def test_what_ray_data_reads(tmp_path: Path) -> None:
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "a.jsonl").write_text("{}\n")
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "a.jsonl").write_text("{}\n")
    (tmp_path / "mixed" / "b.txt").write_text("text")
    assert _ray_readable(str(tmp_path / "j")) == "json"
    assert _ray_readable(str(tmp_path / "j" / "a.jsonl")) == "json"
    assert _ray_readable(str(tmp_path / "mixed")) is None  # the ordinary readers take it
    assert _ray_readable("s3://bucket/news/") == "parquet"
    assert _ray_readable("gs://bucket/feed.jsonl") == "json"


def test_a_worker_ships_the_vectors_it_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ray worker embeds each article's story lead and its sentences; shipped with the
    document and remembered by the driver, they are not embedded a second time there (the
    driver, which every worker waits on, only clusters and saves)."""
    import pickle

    import numpy as np

    from eventdesk import embed as embed_mod
    from eventdesk.engines.raydata import PipelineActor, _article_row
    from eventdesk.link.stories import story_text
    from eventdesk.pipeline import Options, _optional_builtins
    from eventdesk.types import Article

    rows = [json.loads(line) for line in (FIXTURES / "articles.jsonl").read_text().splitlines()]
    arts = [Article(id=r["id"], text=r["text"], title=r.get("title"),
                    published=r.get("published")) for r in rows[:3]]
    actor = PipelineActor(Options(), list(_optional_builtins()))
    out = actor({"article": np.array([_article_row(a)["article"] for a in arts])})
    assert len(out["vectors"]) == len(arts) and all(out["vectors"])
    shipped = [pickle.loads(v) for v in out["vectors"]]

    embed_mod.clear_cache()  # the driver is another process: it has none of the worker's
    for rows_of_doc in shipped:
        embed_mod.remember(rows_of_doc)
    model = embed_mod.load_model()
    monkeypatch.setattr(model, "encode", lambda *a, **k: pytest.fail("embedded again"))
    leads = embed_mod.embed([story_text(a.title, a.text) for a in arts])  # the story step's ask
    assert leads.shape == (len(arts), embed_mod.DIM)
    docs = [pickle.loads(b) for b in out["doc"]]
    # each document carries its own lead's vector, and those of the sentences it classified
    for doc, mine in zip(docs, shipped, strict=True):
        assert (embed_mod.precision(), embed_mod.normalise(
            story_text(doc.article.title, doc.article.text))) in mine
        assert {t for _, t in mine} <= {embed_mod.normalise(story_text(
            doc.article.title, doc.article.text))} | {embed_mod.normalise(s.text)
                                                        for s in doc.sentences}
    assert sum(len(m) for m in shipped) > len(arts)  # sentences too, not only the leads
    embed_mod.clear_cache()
