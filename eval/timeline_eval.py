"""Timeline17-style stories: alignment-based ROUGE and date F1 of ``build_timeline`` with tilse.

Each folder of ../shared/eval/timelines holds ``InputDocs/<publication date>/<n>.htm.txt`` (raw
article texts) and ``timelines.jsonl`` (gold timelines ``[[date, [sentence, ...]], ...]``). For
each folder, every article runs through ``eventdesk.nlp.v1`` + ``eventdesk.dates.v1`` (batched
with ``Pipeline.pipe``), and for each gold timeline :func:`eventdesk.summarize.build_timeline`
makes a timeline with as many dates as the gold one and as many sentences per date as the gold
one has on average (rounded), with the folder's topic words as query (:data:`TOPICS`, from the
folder name). Scores, with the ``tilse`` package (Martschat & Markert 2017): alignment-based
ROUGE-1 and ROUGE-2 F1, many-to-one (``evaluate_align_date_content_costs_many_to_one``, the
original ROUGE-1.5.5 Perl scorer, stemmed, stop words removed), and date F1. Means over all
timelines are checked against the recorded floors.

Parsing ~3,000 articles takes a while on a small machine, so the parsed sentences and dates of
each folder are cached (``--cache DIR``, default ``$TMPDIR/eventdesk-timeline-cache``; the
cache key includes the texts' size and modification times). ``--no-cache`` parses afresh.
``--fast`` skips spaCy: sentences are the texts' lines split at sentence ends and dates come
from :func:`eventdesk.time.find_dates` on plain text (cue words instead of the parse), the way a
user without the NLP stage would run it; scores from ``--fast`` are labelled as such.

Usage: python eval/timeline_eval.py [--shared PATH] [--limit N] [--cache DIR | --no-cache] [--fast]
Needs the ``eval`` extra (pip install -e '.[eval]') and Debian's libxml-parser-perl for the Perl
scorer (apt-get update && apt-get install -y libxml-parser-perl). Exits 1 below a floor, 2 when
data, packages or the Perl module are missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

# Recorded floors (issue 6 targets; DATEWISE reached AR-1 0.120, date F1 0.544).
FLOOR_AR1 = 0.10
FLOOR_DATE_F1 = 0.50

# Folder-name prefix -> topic words (what an analyst would type), longest prefix wins.
TOPICS = {
    "bpoil": "bp oil spill",
    "h1n1": "h1n1 swine flu",
    "mj": "michael jackson",
    "haiti": "haiti earthquake",
    "finan": "financial crisis",
    "egyptianprotest": "egypt protest",
    "libyawar": "libya war",
    "syriancrisis": "syria crisis",
    "iraqwar": "iraq war",
    "yemencrisis": "yemen crisis",
}


def topic(folder: str) -> str:
    key = folder.lower().split("_")[0]
    match = max((p for p in TOPICS if key.startswith(p)), key=len, default=None)
    if match is None:
        raise SystemExit(f"{folder}: no topic words for this folder; add its prefix to TOPICS")
    return TOPICS[match]


def check_tools() -> list[str]:
    """What the tilse scorer lacks here, each with the command that installs it."""
    problems = []
    try:
        import tilse  # noqa: F401
    except ImportError:
        problems.append("the tilse package: pip install -e '.[eval]'  (tilse==0.2.1)")
    perl = shutil.which("perl")
    if perl is None:
        problems.append("perl: apt-get update && apt-get install -y perl libxml-parser-perl")
    else:
        probe = subprocess.run([perl, "-MXML::Parser", "-e", "1"], capture_output=True, check=False)
        if probe.returncode != 0:
            problems.append(
                "the Perl module XML::Parser (ROUGE-1.5.5 needs it): "
                "apt-get update && apt-get install -y libxml-parser-perl"
            )
    return problems


def _articles(folder: Path) -> list[Any]:
    from eventdesk.types import Article

    out = []
    root = folder / "InputDocs"
    for day in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(day.iterdir()):
            if f.is_file():
                text = f.read_text(encoding="utf-8", errors="replace")
                if text.strip():
                    out.append(Article(id=f"{day.name}/{f.name}", text=text, published=day.name))
    return out


def _cache_key(folder: Path) -> str:
    h = hashlib.sha1()
    for f in sorted((folder / "InputDocs").rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[`]*[A-Z0-9])")


def plain_docs(folder: Path) -> list[Any]:
    """``--fast``: sentences from lines and sentence ends, dates by the grammar on plain text."""
    from eventdesk.time import find_dates
    from eventdesk.types import Document, Sentence

    docs = []
    for art in _articles(folder):
        sents: list[Sentence] = []
        for m in re.finditer(r"[^\n]+", art.text):
            pos = m.start()
            for piece in _SENT_END.split(m.group()):
                start = art.text.find(piece, pos)
                if piece.strip():
                    sents.append(Sentence(len(sents), start, start + len(piece), piece.strip()))
                pos = start + len(piece)
        doc = Document(article=art, sentences=sents)
        doc.dates = find_dates(art.text, art.published, sents, article_id=art.id)
        docs.append(doc)
    return docs


def parsed_docs(folder: Path, pipeline: Any, cache: Path | None, fast: bool) -> list[Any]:
    """The folder's articles after nlp + dates; tokens and entities dropped (not needed)."""
    if fast:
        return plain_docs(folder)
    target = cache / f"{folder.name}-{_cache_key(folder)}.pkl" if cache else None
    if target is not None and target.is_file():
        with target.open("rb") as fh:
            return pickle.load(fh)
    docs = []
    for doc in pipeline().pipe(_articles(folder), batch_size=32):
        doc.tokens, doc.entities = [], []
        docs.append(doc)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(docs, fh)
        tmp.replace(target)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[1].parent / "shared"
    ap.add_argument("--shared", type=Path, default=default_shared, help="the shared data folder")
    ap.add_argument("--limit", type=int, default=None, help="only the first N folders")
    ap.add_argument("--cache", type=Path, default=None, help="where parsed folders are kept")
    ap.add_argument("--no-cache", action="store_true", help="parse every folder afresh")
    ap.add_argument("--fast", action="store_true", help="no spaCy: plain-text sentences and dates")
    args = ap.parse_args(argv)
    root = args.shared / "eval" / "timelines"
    if not root.is_dir():
        print(f"{root}: timeline eval folder not found (pass --shared PATH)", file=sys.stderr)
        return 2
    problems = check_tools()
    if problems:
        for p in problems:
            print(f"missing: {p}", file=sys.stderr)
        return 2
    cache = None
    if not args.no_cache:
        cache = args.cache or Path(tempfile.gettempdir()) / "eventdesk-timeline-cache"
        print(f"parsed articles cached in {cache}", file=sys.stderr)

    from tilse.data.timelines import GroundTruth, Timeline
    from tilse.evaluation import dates as tilse_dates
    from tilse.evaluation import rouge as tilse_rouge

    from eventdesk.pipeline import Options, Pipeline, create
    from eventdesk.summarize import build_timeline, timeline_json

    def pipeline() -> Pipeline:
        opts = Options()
        return Pipeline([create("eventdesk.nlp.v1", opts), create("eventdesk.dates.v1", opts)])

    evaluator = tilse_rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    folders = sorted(p for p in root.iterdir() if (p / "timelines.jsonl").is_file())
    if args.limit is not None:
        folders = folders[: args.limit]
    rows = []
    print(f"{'folder':24}{'dates':>6}{'K':>3}{'AR1-F':>8}{'AR2-F':>8}{'date-F':>8}{'secs':>7}")
    for folder in folders:
        started = time.time()
        docs = parsed_docs(folder, pipeline, cache, args.fast)
        query = topic(folder.name)
        lines = (folder / "timelines.jsonl").read_text(encoding="utf-8").splitlines()
        for gold_raw in (json.loads(x) for x in lines if x.strip()):
            gold = {date.fromisoformat(d[:10]): sents for d, sents in gold_raw}
            n_dates = len(gold)
            k = max(1, round(sum(len(s) for s in gold.values()) / n_dates))
            entries = build_timeline(docs, dates=n_dates, sentences=k, query=query)
            pred = {date.fromisoformat(d): sents for d, sents in timeline_json(entries)}
            if not pred:
                print(f"{folder.name}: empty timeline", file=sys.stderr)
                rows.append((0.0, 0.0, 0.0))
                continue
            ptl, gtl = Timeline(pred), GroundTruth([Timeline(gold)])
            ar = evaluator.evaluate_align_date_content_costs_many_to_one(ptl, gtl)
            df = tilse_dates.evaluate_dates(ptl, gtl)["f_score"]
            r1, r2 = ar["rouge_1"]["f_score"], ar["rouge_2"]["f_score"]
            rows.append((r1, r2, df))
            secs = time.time() - started
            print(f"{folder.name:24}{n_dates:6d}{k:3d}{r1:8.4f}{r2:8.4f}{df:8.4f}{secs:7.0f}")
            sys.stdout.flush()
    m = len(rows)
    if args.fast:
        print("mode: --fast (plain-text sentences and dates, no spaCy parse)")
    if m == 0:
        print("no gold timelines found", file=sys.stderr)
        return 2
    ar1, ar2, dfm = (sum(r[i] for r in rows) / m for i in range(3))
    print(f"mean over {m} timelines: AR-1 F1 {ar1:.4f}  AR-2 F1 {ar2:.4f}  date F1 {dfm:.4f}")
    print(f"floors: AR-1 F1 >= {FLOOR_AR1}, date F1 >= {FLOOR_DATE_F1}")
    ok = ar1 >= FLOOR_AR1 and dfm >= FLOOR_DATE_F1
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
