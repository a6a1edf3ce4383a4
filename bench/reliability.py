"""The reliability soak run: thousands of bad inputs, dozens of random SIGKILLs, a full disk.

    python bench/reliability.py                       # >= 10,000 bad inputs, 50 kills, disk full
    python bench/reliability.py --inputs 500 --kills 3 --articles 16   # a quick look
    python bench/reliability.py --inputs 0 --kills 0 --articles 8 --disk-full 20  # 20 full disks

Prints one line per part with its counts and ends with ``failures: N`` (exit 1 when N > 0).
The test suite runs the same harness with small counts (tests/test_fuzz.py,
tests/test_crash.py); docs/RELIABILITY.md says what each part promises.

Why processes and SIGKILL: a crash is not an exception. Only killing a real ``eventdesk
process`` over a real SQLite file shows that each committed batch is whole, that the rerun
resumes, and that the final store equals one never interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "reliability" / "articles.jsonl"
INGEST_FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
EXPORT_KINDS = ("events", "figures", "articles", "stories")
PROCESS_TIMEOUT_S = 900
# The environment of every child; :func:`pin_source` points it at a frozen copy of the code.
CHILD_ENV: dict[str, str] = dict(os.environ)


def pin_source(folder: Path) -> Path:
    """Run every child on a copy of ``src/eventdesk`` taken now.

    Why: a soak takes an hour; if the working tree changes meanwhile (a developer editing a
    stage), a rerun would be compared with a baseline made by other code, and the difference
    would be blamed on the kill.
    """
    dest = folder / "src"
    shutil.copytree(ROOT / "src" / "eventdesk", dest / "eventdesk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    CHILD_ENV["PYTHONPATH"] = os.pathsep.join(
        [str(dest), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return dest


def eventdesk(*args: str, timeout: float = PROCESS_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run the real command in a child process (the installed console script's module)."""
    return subprocess.run(
        [sys.executable, "-m", "eventdesk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=CHILD_ENV,
    )


def integrity(db: Path) -> str:
    """SQLite's own verdict on the file (``ok`` or the first problem)."""
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


# --- stores ----------------------------------------------------------------------------------


def make_template(folder: Path, n_articles: int) -> Path:
    """A store holding the first ``n_articles`` of the corpus, ingested but not processed."""
    feed = folder / "feed.jsonl"
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    if n_articles > len(lines):
        raise SystemExit(f"the corpus has {len(lines)} articles, not {n_articles}")
    feed.write_text("\n".join(lines[:n_articles]) + "\n", encoding="utf-8")
    db = folder / "template.db"
    res = eventdesk("ingest", str(feed), "--db", f"sqlite:///{db}", "--quiet")
    if res.returncode != 0:
        raise RuntimeError(f"ingest of the template failed: {res.stderr}")
    return db


def copy_store(template: Path, dest: Path) -> Path:
    """A fresh copy of a closed store (its WAL folded in when it was closed)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, dest)
    return dest


def exports(db: Path) -> dict[str, list[dict[str, Any]]]:
    """The four exports that define a store's content, from the real ``eventdesk export``
    (a child process, so the code reading the store is the code that wrote it)."""
    out = {}
    for kind in EXPORT_KINDS:
        res = eventdesk("export", kind, "--db", f"sqlite:///{db}", "--quiet", timeout=300)
        if res.returncode != 0:
            raise RuntimeError(f"export {kind} failed: {res.stderr}")
        out[kind] = [json.loads(line) for line in res.stdout.splitlines()]
    return out


def differences(a: dict[str, list[dict]], b: dict[str, list[dict]]) -> list[str]:
    """Where two stores' exports differ; nothing in them is run-dependent (no timestamps are
    exported), so the comparison is exact, order included."""
    out = []
    for kind in EXPORT_KINDS:
        if a[kind] == b[kind]:
            continue
        ka = [json.dumps(r, sort_keys=True) for r in a[kind]]
        kb = [json.dumps(r, sort_keys=True) for r in b[kind]]
        if sorted(ka) == sorted(kb):
            out.append(f"{kind}: same records in another order")
            continue
        only_a, only_b = set(ka) - set(kb), set(kb) - set(ka)
        fields = sorted({
            key
            for ra, rb in zip(a[kind], b[kind], strict=False)
            if ra != rb
            for key in set(ra) | set(rb)
            if ra.get(key) != rb.get(key)
        })
        out.append(
            f"{kind}: {len(a[kind])} vs {len(b[kind])} records, {len(only_a)} only in the first,"
            f" {len(only_b)} only in the second; fields that differ: {', '.join(fields)}"
        )
    return out


def process(db: Path) -> subprocess.CompletedProcess:
    return eventdesk("process", "--db", f"sqlite:///{db}", "--quiet")


def baseline(template: Path, folder: Path) -> tuple[dict[str, list[dict]], float]:
    """The exports of an uninterrupted run, and how long that run took (the kill window)."""
    db = copy_store(template, folder / "baseline.db")
    t0 = time.perf_counter()
    res = process(db)
    seconds = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"the uninterrupted process run failed: {res.stderr}")
    return exports(db), seconds


def kill_trial(
    template: Path, expected: dict[str, list[dict]], window_s: float, rng: random.Random,
    folder: Path,
) -> list[str]:
    """Kill one ``process`` at a random moment, rerun, compare; returns the problems found."""
    db = copy_store(template, folder / "killed.db")
    delay = rng.uniform(0.05, 1.0) * window_s
    child = subprocess.Popen(
        [sys.executable, "-m", "eventdesk", "process", "--db", f"sqlite:///{db}", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=CHILD_ENV,
    )
    try:
        child.wait(timeout=delay)
        killed = False  # it finished first: still a valid trial of the rerun
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed = True
    problems = []
    if (verdict := integrity(db)) != "ok":
        problems.append(f"after kill at {delay:.1f}s: integrity_check says {verdict}")
    res = process(db)
    if res.returncode != 0:
        problems.append(f"rerun after kill at {delay:.1f}s exited {res.returncode}: {res.stderr}")
        return problems
    if (verdict := integrity(db)) != "ok":
        problems.append(f"after the rerun: integrity_check says {verdict}")
    for diff in differences(expected, exports(db)):
        problems.append(f"kill at {delay:.1f}s ({'killed' if killed else 'finished'}): {diff}")
    return problems


# --- a full disk -----------------------------------------------------------------------------


@contextmanager
def small_disk(size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted for the block (needs root); raises PermissionError if not."""
    mnt = Path(tempfile.mkdtemp(prefix="eventdesk-full-"))
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
        capture_output=True, text=True,
    )
    if res.returncode != 0:
        mnt.rmdir()
        raise PermissionError(f"cannot mount a tmpfs: {res.stderr.strip() or res.returncode}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
        mnt.rmdir()


def fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem of ``folder`` until only ``leave`` bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    filler = folder / "filler.bin"
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def extra_feed(folder: Path, n: int) -> Path:
    """``n`` distinct articles (never processed by the disk-full check, only ingested)."""
    path = folder / "more.jsonl"
    rng = random.Random(4)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            words = " ".join(rng.choice(["troops", "aid", "talks", "river", "market", "town",
                                         "council", "harvest", "border", "road"])
                             for _ in range(300))
            fh.write(json.dumps({"id": f"more-{i}", "text": f"Report {i}: {words}."}) + "\n")
    return path


def one_line_error(res: subprocess.CompletedProcess) -> str | None:
    """The error line of a failed command, or why its output breaks the contract."""
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    if "Traceback" in res.stderr:
        return None
    return lines[-1] if lines and lines[-1].startswith("[E0") else None


def disk_full_trial(template: Path, expected: dict[str, list[dict]], folder: Path) -> list[str]:
    """Ingest, then process, into a store on a full tmpfs; free space; rerun; compare."""
    problems: list[str] = []
    more = extra_feed(folder, 400)
    with small_disk("6m") as mnt:
        db = copy_store(template, mnt / "store.db")
        before = exports(db)["articles"]
        filler = fill(mnt, leave=48 * 1024)
        for step, res in (
            ("ingest", eventdesk("ingest", str(more), "--db", f"sqlite:///{db}", "--quiet")),
            ("process", process(db)),
        ):
            line = one_line_error(res)
            if res.returncode != 1 or line is None:
                problems.append(
                    f"{step} on a full disk: exit {res.returncode}, stderr {res.stderr[-500:]!r}"
                )
            if (verdict := integrity(db)) != "ok":
                problems.append(f"{step} on a full disk left integrity_check {verdict}")
            now = exports(db)["articles"]
            if now[: len(before)] != before:
                problems.append(f"{step} on a full disk lost or changed stored articles")
        filler.unlink()
        res = process(db)
        if res.returncode != 0:
            problems.append(f"process after freeing space exited {res.returncode}: {res.stderr}")
        got = exports(db)
        for diff in differences(expected, got):
            problems.append(f"after freeing space: {diff}")
        res = eventdesk("ingest", str(more), "--db", f"sqlite:///{db}", "--quiet")
        if res.returncode != 0:
            problems.append(f"ingest after freeing space exited {res.returncode}: {res.stderr}")
        ids = [a["id"] for a in exports(db)["articles"]]
        if len(ids) != len(set(ids)) or len(ids) != len(before) + 400:
            problems.append(f"after the ingest rerun: {len(ids)} articles, expected "
                            f"{len(before) + 400} distinct")
        if (verdict := integrity(db)) != "ok":
            problems.append(f"after freeing space: integrity_check {verdict}")
    return problems


# --- bad inputs ------------------------------------------------------------------------------

TRICKY = (
    "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u200e\u200f\u061c\x00\x07\x1b\r\u2028\u2029\u0301\u0338\U0001f600\ufffd"
)
EXTENSIONS = [".txt", ".html", ".json", ".jsonl", ".xml", ".rss", ".atom", ""]


def _text(rng: random.Random, n: int) -> str:
    pools = [TRICKY, "abcdefghij ,.<>&;\"'{}[]", "مرحبا שלום Привет 日本語 ", "\n\t "]
    return "".join(rng.choice(rng.choice(pools)) for _ in range(n))


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    makers: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.random() < 0.5,
        lambda: rng.randint(-(10**20), 10**20),
        lambda: rng.uniform(-1e308, 1e308),
        lambda: _text(rng, rng.randrange(40)),
    ]
    if depth < 3:
        makers += [
            lambda: [_json_value(rng, depth + 1) for _ in range(rng.randrange(4))],
            lambda: {_text(rng, 5): _json_value(rng, depth + 1) for _ in range(rng.randrange(4))},
            lambda: {"text": _json_value(rng, depth + 1)},
        ]
    return rng.choice(makers)()


def bad_input(rng: random.Random, real: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """One generated bad file: (extension, bytes), of one of nine kinds of damage."""
    kind = rng.randrange(9)
    ext = rng.choice(EXTENSIONS)
    if kind == 0:  # random bytes
        return ext, rng.randbytes(rng.randrange(4096))
    if kind == 1:  # a real file cut short and with flipped bytes
        ext, data = rng.choice(real)
        buf = bytearray(data[: rng.randrange(len(data) + 1)])
        for _ in range(rng.randrange(4)):
            if buf:
                buf[rng.randrange(len(buf))] ^= 0xFF
        return ext, bytes(buf)
    if kind == 2:  # JSON records with wrong types, unknown fields, nulls, objects as text
        recs = []
        for _ in range(rng.randrange(1, 5)):
            rec = {k: _json_value(rng) for k in rng.sample(
                ["id", "text", "title", "published", "source", "url", "language", "x"],
                rng.randrange(1, 8))}
            recs.append(rec)
        body = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs)
        if ext == ".json":
            body = json.dumps(recs, ensure_ascii=False)
        return rng.choice([".jsonl", ".json"]), body.encode("utf-8", "surrogatepass")
    if kind == 3:  # zero-width and right-to-left text
        text = _text(rng, rng.randrange(1, 400))
        return ext, text.encode("utf-8", "surrogatepass")
    if kind == 4:  # mixed encodings in one file
        encs = ["utf-8", "latin-1", "cp1252", "utf-16-le", "koi8-r", "shift_jis", "gb18030"]
        return ext, b"\n".join(
            _text(rng, rng.randrange(60)).encode(rng.choice(encs), "replace")
            for _ in range(rng.randrange(1, 5))
        )
    if kind == 5:  # deeply nested markup
        depth = rng.choice([100, 1000, 10_000])
        tag = rng.choice(["div", "b", "x"])
        return rng.choice([".html", ".xml", ".rss"]), (
            f"<html><body>{('<' + tag + '>') * depth}text{('</' + tag + '>') * depth}"
        ).encode()
    if kind == 6:  # a huge single line
        n = rng.choice([10**5, 10**6, 6 * 10**6])
        return rng.choice([".txt", ".jsonl"]), b"a" * n
    if kind == 7:  # a feed with junk entries
        items = "".join(
            f"<item><title>{_text(rng, 20)}</title><pubDate>{_text(rng, 10)}</pubDate></item>"
            for _ in range(rng.randrange(4))
        )
        doc = f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>"
        data = doc.encode("utf-8", "surrogatepass")
        return rng.choice([".xml", ".rss"]), data[: rng.randrange(1, len(data) + 1)]
    # an empty or whitespace-only file
    return ext, rng.choice([b"", b" \n\t", "\ufeff".encode(), b"\n\n\n"])


def check_read(path: Path, read_paths: Callable[..., Any]) -> str | None:
    """Read one file; returns why it broke the promise, or None."""
    from eventdesk.errors import InputError

    problems: list[InputError] = []
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    try:
        arts = list(read_paths([str(path)], report=problems.append))
    except TimeoutError:
        return "hang (over 30s)"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    for err in problems:
        if "\n" in err.line() or not err.source:
            return f"problem without a one-line message naming the input: {err.line()!r}"
    for art in arts:
        if not isinstance(art.text, str) or not art.text.strip():
            return f"article {art.id!r} without text"
    return None


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError


def soak_inputs(n: int, n_cli: int, seed: int, folder: Path) -> tuple[int, list[str]]:
    """``n`` bad files through the readers, ``n_cli`` of them also through ``extract`` (CLI,
    in-process) and ``ingest`` into a store holding results; returns (cases, failures)."""
    from typer.testing import CliRunner

    from eventdesk.cli import app
    from eventdesk.ingest import read_paths

    rng = random.Random(seed)
    real = sorted((p.suffix, p.read_bytes()) for p in INGEST_FIXTURES.rglob("*") if p.is_file())
    failures: list[str] = []
    runner = CliRunner()
    store_db = folder / "soak.db"
    seed_feed = folder / "seed.jsonl"  # a few processed articles the junk must not disturb
    seed_feed.write_text(
        "\n".join(CORPUS.read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8"
    )
    res = runner.invoke(app, ["run", str(seed_feed), "--db", f"sqlite:///{store_db}", "--quiet"])
    if res.exit_code != 0:
        return 0, [f"could not set up the soak store: {res.output}"]
    before = _table_snapshot(store_db)
    cases = 0
    for i in range(n):
        ext, data = bad_input(rng, real)
        path = folder / f"bad{i % 50}{ext}"
        path.write_bytes(data)
        cases += 1
        if (why := check_read(path, read_paths)) is not None:
            failures.append(f"read {ext or 'no-ext'} case {i}: {why}")
        if i < n_cli:
            cmd = ["extract", str(path), "--quiet"] if i % 2 else [
                "ingest", str(path), "--db", f"sqlite:///{store_db}", "--quiet"]
            out = runner.invoke(app, cmd)
            if out.exception is not None and not isinstance(out.exception, SystemExit):
                failures.append(f"{cmd[0]} case {i}: {type(out.exception).__name__}")
            elif out.exit_code not in (0, 2) or "Traceback" in out.output:
                failures.append(f"{cmd[0]} case {i}: exit {out.exit_code}: {out.output[-200:]}")
            elif out.exit_code == 2 and str(path) not in out.stderr.strip().splitlines()[-1]:
                failures.append(f"{cmd[0]} case {i}: error does not name the input")
    after = _table_snapshot(store_db)
    if integrity(store_db) != "ok":
        failures.append("the soak store fails integrity_check")
    if [r for r in after["articles"] if r in before["articles"]] != before["articles"]:
        failures.append("stored articles changed during the soak")
    for table in ("events", "figures", "places"):
        if after[table] != before[table]:
            failures.append(f"stored {table} changed during the soak (only ingest ran)")
    return cases, failures


def _table_snapshot(db: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("articles", "events", "figures", "places")}


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inputs", type=int, default=10_000, help="bad inputs through the readers")
    ap.add_argument("--cli-inputs", type=int, default=300,
                    help="of those, how many also go through extract/ingest (CLI, in-process)")
    ap.add_argument("--kills", type=int, default=50, help="random SIGKILLs of process")
    ap.add_argument("--articles", type=int, default=60, help="articles in the killed store")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    ap.add_argument("--disk-full", type=int, default=1, metavar="N",
                    help="full-disk checks to run (a rare failure shows only over many)")
    ap.add_argument("--no-disk-full", action="store_true", help="skip the full-disk check")
    args = ap.parse_args(argv)
    disk_fulls = 0 if args.no_disk_full else args.disk_full
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"seed {seed}", flush=True)
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eventdesk-soak-") as tmp:
        folder = Path(tmp)
        pin_source(folder)
        if args.inputs:
            t0 = time.perf_counter()
            cases, bad = soak_inputs(args.inputs, min(args.cli_inputs, args.inputs), seed, folder)
            failures += bad
            print(f"bad inputs: {cases} cases ({min(args.cli_inputs, cases)} through the CLI), "
                  f"{len(bad)} failures, {time.perf_counter() - t0:.0f}s", flush=True)
        if args.kills or disk_fulls:
            template = make_template(folder, args.articles)
            expected, window = baseline(template, folder)
            print(f"baseline: {args.articles} articles processed in {window:.1f}s; "
                  + ", ".join(f"{len(v)} {k}" for k, v in expected.items()), flush=True)
            bad_kills: list[str] = []
            for k in range(args.kills):
                found = kill_trial(template, expected, window, rng, folder)
                bad_kills += found
                for line in found:
                    print(f"  kill {k + 1}: {line}", flush=True)
            failures += bad_kills
            print(f"kills: {args.kills} SIGKILLs, {len(bad_kills)} failures", flush=True)
            bad_disk: list[str] = []
            try:
                for k in range(disk_fulls):
                    (here := folder / f"disk-{k}").mkdir()
                    found = disk_full_trial(template, expected, here)
                    bad_disk += found
                    for line in found:
                        print(f"  disk full {k + 1}: {line}", flush=True)
            except PermissionError as exc:
                print(f"disk full: skipped ({exc})")
            else:
                if disk_fulls:
                    print(f"disk full: {disk_fulls} checks, {len(bad_disk)} failures", flush=True)
            failures += bad_disk
    for line in failures[:50]:
        print("FAIL", line)
    print(f"failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
