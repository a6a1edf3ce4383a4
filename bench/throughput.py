"""Throughput benchmark: articles/s and peak memory of bare spaCy, the local engine and the Ray
engine on the first articles (with text) of the Reuters-21578 corpus in ../shared.

    .venv/bin/python bench/throughput.py                     # everything (long: 10,000 too)
    .venv/bin/python bench/throughput.py --sizes 500,2000 --ray-workers 1,2
    .venv/bin/python bench/throughput.py --only ray --repeat 3   # the Ray speed-up, 3 rounds
    .venv/bin/python bench/throughput.py --only stages --n 300   # time per pipeline stage
    .venv/bin/python bench/throughput.py --only long             # one article of 100, 400 KB

What it prints, for N articles (``--n``, default 2,000):
  (a) bare spaCy ``nlp.pipe`` (the same model the pipeline loads) over the same texts;
  (b) ``eventdesk run`` with the local engine (ingest + process into a fresh SQLite store);
  (c) ``eventdesk run --engine ray`` with 1 and 2 workers;
the ratio (b)/(a), how (b)'s time grows over ``--sizes`` (linear: seconds per article
constant), and how one article's time grows with its length (``--long-sizes``: ms per KB
constant). Every run is a subprocess of its own, so model loading and memory are its own:
peak memory is the child's maximum resident set (``getrusage``, what ``/usr/bin/time -v``
reports) and, for runs that start more processes (Ray), the peak of the summed resident set of
the child's whole process tree, sampled every 0.2 s.

Rates are given two ways: over the whole command (model loading, ingest and linking included)
and over the processing step only (what eventdesk itself reports, ``processed N articles in S
s``; for spaCy, ``nlp.pipe`` alone). The machine's load average is printed with each result:
on a shared machine the figures are only comparable at a similar load. One Ray run's rate
varies by up to a tenth from one run to the next on 2 cores (the driver, the actors and Ray's
own processes share them: 77 to 87 s for the same 2-worker run), so ``--repeat N`` runs N
interleaved rounds and the speed-up is the ratio of the median rates, every run printed.

Targets (issue 8): (b) at least half as fast as (a) and >= 15 articles/s on 2 cores, peak
memory under 2.5 GB; Ray with 2 workers >= 1.6x one worker. The exit status is 0 whatever the
figures: this measures, the test suite checks behaviour.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CORPUS = Path("corpus") / "reuters21578" / "reuters21578.jsonl"

SPACY_CHILD = r"""
import importlib, json, sys, time
t0 = time.perf_counter()
nlp = importlib.import_module(sys.argv[2]).load()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
t1 = time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts, batch_size=int(sys.argv[3])))
t2 = time.perf_counter()
print(json.dumps({"n": n, "load_s": t1 - t0, "work_s": t2 - t1}))
"""


@dataclass
class Result:
    label: str
    n: int
    wall_s: float
    work_s: float | None  # the processing step alone, when known
    maxrss_mb: float  # the child's own peak resident set
    tree_mb: float  # peak summed resident set of the child's process tree
    load: tuple[float, float, float]

    def line(self) -> str:
        work = f"{self.n / self.work_s:6.1f}/s processing ({self.work_s:7.1f}s)" if (
            self.work_s
        ) else " " * 32
        return (
            f"{self.label:<34} n={self.n:<6} {self.n / self.wall_s:6.1f}/s whole command "
            f"({self.wall_s:7.1f}s)  {work}  peak {self.maxrss_mb:7.0f} MB process, "
            f"{self.tree_mb:7.0f} MB tree  load {self.load[0]:.1f}"
        )


def prepare(shared: Path, n: int, folder: Path) -> Path:
    """The first ``n`` corpus articles with text, as contract JSONL records."""
    src = shared / CORPUS
    if not src.is_file():
        sys.exit(f"bench: {src} not found; pass --shared PATH (the folder holding corpus/)")
    out = folder / f"reuters-{n}.jsonl"
    if out.exists():
        return out
    written = 0
    with open(src, encoding="utf-8") as fin, open(out, "w", encoding="utf-8") as fout:
        for line in fin:
            rec = json.loads(line)
            if not (rec.get("text") or "").strip():
                continue
            item = {"id": f"reuters-{rec['id']}", "title": rec.get("title"), "text": rec["text"]}
            published = _published(rec.get("date"))
            if published:
                item["published"] = published
            fout.write(json.dumps(item, ensure_ascii=False) + "\n")
            written += 1
            if written >= n:
                break
    if written < n:
        sys.exit(f"bench: only {written} articles with text in {src}, asked for {n}")
    return out


def _published(value: str | None) -> str | None:
    """Reuters' ``26-FEB-1987 15:01:01.79`` as ``1987-02-26T15:01:01``."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip()[:20], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Summed resident set (bytes) of ``pid`` and all its descendants, from /proc."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue  # ended meanwhile
        fields = stat.rsplit(")", 1)[-1].split()
        parent[int(entry.name)] = int(fields[1])
    tree, frontier = {pid}, [pid]
    children: dict[int, list[int]] = {}
    for child, ppid in parent.items():
        children.setdefault(ppid, []).append(child)
    while frontier:
        for c in children.get(frontier.pop(), []):
            if c not in tree:
                tree.add(c)
                frontier.append(c)
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(label: str, n: int, cmd: list[str], env: dict[str, str] | None = None) -> tuple[
    Result, str
]:
    """Run ``cmd``; wall time, the child's peak RSS (wait4) and its tree's peak summed RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"bench: {label} failed ({proc.returncode}):\n{output[-3000:]}")
    maxrss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    res = Result(label, n, wall, None, maxrss_mb, max(peak[0] / 2**20, maxrss_mb),
                 os.getloadavg())
    return res, output


_PROCESSED = re.compile(r"processed (\d+) articles in ([\d.]+)s")
_NEW = re.compile(r"(\d+) new, \d+ duplicates")


def bare_spacy(path: Path, n: int, batch: int) -> Result:
    from eventdesk.nlp import MODEL_PACKAGE  # the model the pipeline's nlp stage loads

    res, out = measure("(a) spaCy nlp.pipe", n,
                       [PYTHON, "-c", SPACY_CHILD, str(path), MODEL_PACKAGE, str(batch)])
    info = json.loads(out.strip().splitlines()[-1])
    res.work_s = info["work_s"]
    return res


def eventdesk_run(path: Path, n: int, work: Path, label: str, *extra: str) -> Result:
    db = work / f"store-{re.sub(r'[^A-Za-z0-9=]+', '_', label).strip('_')}-{n}.db"
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    res, out = measure(label, n, [PYTHON, "-m", "eventdesk", "run", str(path), "--db",
                                  f"sqlite:///{db}", *extra],
                       env={"EVENTDESK_DB": ""})
    m = _PROCESSED.search(out)
    new = _NEW.search(out)
    # The corpus repeats a few articles: duplicates are stored once and never processed.
    if not m or not new or int(m.group(1)) != int(new.group(1)):
        sys.exit(f"bench: {label} did not process its {n} articles:\n{out[-3000:]}")
    res.n = int(m.group(1))
    res.work_s = float(m.group(2))
    return res


def stage_times(path: Path, n: int, batch: int) -> None:
    """Seconds per pipeline stage over ``n`` articles, in this process."""
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.types import Article, Document

    arts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            arts.append(Article(id=r["id"], text=r["text"], title=r.get("title"),
                                published=r.get("published")))
            if len(arts) >= n:
                break
    t0 = time.perf_counter()
    pipeline = Pipeline.from_options(Options(batch_size=batch))
    print(f"stages: pipeline loaded in {time.perf_counter() - t0:.1f}s")
    spent = {c.name: 0.0 for c in pipeline.components}
    for i in range(0, len(arts), batch):
        docs = [Document(article=a) for a in arts[i : i + batch]]
        for comp in pipeline.components:
            t = time.perf_counter()
            fn = getattr(comp, "pipe", None)
            docs = list(fn(docs)) if fn else [comp(d) for d in docs]
            spent[comp.name] += time.perf_counter() - t
    total = sum(spent.values())
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"stages: {name:<32} {s:7.1f}s  {100 * s / total:5.1f}%  {len(arts) / s:8.1f}/s")
    print(f"stages: all {total:.1f}s for {len(arts)} articles = {len(arts) / total:.1f}/s "
          f"(load {os.getloadavg()[0]:.1f})")


def long_article(sizes_kb: list[int]) -> None:
    """Seconds for one article of each size (the bundled example articles, repeated), in this
    process: time per KB must stay flat as an article grows (a stage that compares every name
    or number with every other grows with the square of the length)."""
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.types import Article

    with open(REPO / "examples" / "feed.jsonl", encoding="utf-8") as fh:
        base = "\n\n".join(json.loads(line)["text"] for line in fh if line.strip())
    pipeline = Pipeline.from_options(Options())
    pipeline(Article(id="warm", text=base[:2000]))
    per: list[tuple[int, float]] = []
    for kb in sizes_kb:
        text = (base + "\n\n") * (kb * 1000 // len(base) + 1)
        text = text[: kb * 1000]
        t = time.perf_counter()
        doc = pipeline(Article(id=f"long-{kb}", text=text))
        s = time.perf_counter() - t
        per.append((kb, s))
        print(f"long article {kb} KB: {s:.1f}s, {len(doc.sentences)} sentences, "
              f"{len(doc.places)} places, {len(doc.events)} events", flush=True)
    if per:
        base_rate = per[0][1] / per[0][0]
        print("long article linearity: " + ", ".join(
            f"{kb} KB: {1000 * s / kb:.0f} ms/KB ({s / kb / base_rate:.2f}x)" for kb, s in per))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--n", type=int, default=2000, help="articles for (a), (b), (c)")
    ap.add_argument("--sizes", default="500,2000,10000", help="sizes for the linearity run")
    ap.add_argument("--ray-workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of the Ray runs; the speed-up is the ratio of the median rates")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--long-sizes", default="100,400", help="KB sizes for the long-article run")
    ap.add_argument("--only", choices=["spacy", "local", "ray", "linear", "stages", "long"],
                    action="append", help="run only these parts (repeatable)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    args = ap.parse_args(argv)
    parts = set(args.only or ["spacy", "local", "ray", "linear", "long"])
    work = args.work or Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"bench: {os.cpu_count()} cores, load average {os.getloadavg()}, scratch {work}")
    path = prepare(args.shared, args.n, work)
    bs = str(args.batch_size)
    results: dict[str, Result] = {}
    if "stages" in parts:
        stage_times(path, args.n, args.batch_size)
    if "spacy" in parts:
        results["a"] = bare_spacy(path, args.n, args.batch_size)
        print(results["a"].line(), flush=True)
    if "local" in parts:
        results["b"] = eventdesk_run(path, args.n, work, "(b) eventdesk run --engine local",
                                     "--batch-size", bs)
        print(results["b"].line(), flush=True)
    if "a" in results and "b" in results:
        a, b = results["a"], results["b"]
        assert a.work_s and b.work_s
        print(f"ratio (b)/(a) processing rate: {(b.n / b.work_s) / (a.n / a.work_s):.2f} "
              f"(target >= 0.5); whole command: {(b.n / b.wall_s) / (a.n / a.wall_s):.2f}")
    if "ray" in parts:
        runs: dict[int, list[float]] = {}
        # Rounds interleave the worker counts (1, 2, 1, 2, ...), so a drift in the machine's
        # load over the minutes this takes falls on both alike.
        for _ in range(max(1, args.repeat)):
            for w in [int(x) for x in args.ray_workers.split(",") if x]:
                r = eventdesk_run(path, args.n, work, f"(c) eventdesk run --engine ray w={w}",
                                  "--engine", "ray", "--workers", str(w), "--batch-size", bs)
                print(r.line(), flush=True)
                assert r.work_s
                runs.setdefault(w, []).append(r.n / r.work_s)
        rates = {w: statistics.median(v) for w, v in runs.items()}
        if 1 in rates and 2 in rates:
            each = ""
            if args.repeat > 1:
                each = " (runs: " + "; ".join(
                    f"w={w} " + ", ".join(f"{x:.1f}" for x in v) + "/s" for w, v in runs.items()
                ) + f"; ratios of medians over {args.repeat} rounds)"
            print(f"ray speed-up 2 workers / 1 worker: {rates[2] / rates[1]:.3f} "
                  f"(target >= 1.6){each}")
    if "linear" in parts:
        per: list[tuple[int, float]] = []
        for n in [int(x) for x in args.sizes.split(",") if x]:
            p = prepare(args.shared, n, work)
            r = eventdesk_run(p, n, work, "(b) linearity local", "--batch-size", bs)
            print(r.line(), flush=True)
            assert r.work_s
            per.append((n, r.work_s))
        if per:
            base = per[0][1] / per[0][0]
            print("linearity: " + ", ".join(
                f"n={n}: {s:.1f}s, {1000 * s / n:.1f} ms/article ({s / n / base:.2f}x)"
                for n, s in per))
    if "long" in parts:
        long_article([int(x) for x in args.long_sizes.split(",") if x])
    print(f"bench: done, load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
