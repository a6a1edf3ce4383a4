"""The importable operations behind every command: extract, ingest, process, run.

The CLI, the HTTP API and the Ray runner are thin shells over these functions, so behaviour is
defined once. Each takes an :class:`~eventdesk.pipeline.Options` and plain arguments and returns
counts; user output (warnings, progress) goes through :mod:`eventdesk.console`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from . import __version__
from .console import progress, warn
from .errors import EventdeskError, InputError
from .pipeline import Options, Pipeline
from .types import Article, Document


@dataclass
class RunReport:
    """What a command did, for the closing message and the runs table."""

    read: int = 0
    new: int = 0
    duplicates: int = 0  # exact and near duplicates, stored once
    skipped: int = 0  # inputs (files, lines) that could not be read
    processed: int = 0
    failed: int = 0  # articles a stage raised on
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    near_duplicates: int = 0  # of ``duplicates``: copies with another header or footer
    stories: int = 0  # articles placed in stories
    relinked: int = 0  # event mentions whose real-world event changed

    def rate(self, n: int) -> float:
        return n / self.seconds if self.seconds > 0 else 0.0


SHOWN_PROBLEMS = 20


def _reporter(report: RunReport) -> Callable[[InputError], None]:
    from .ingest import SkippedInput

    def on_problem(err: InputError) -> None:
        # A SkippedInput cost an input; a plain InputError is a warning (the article was kept).
        if isinstance(err, SkippedInput):
            report.skipped += 1
        report.problems.append(err.line())
        # The first problems are shown as they come; a feed with thousands of bad lines must not
        # bury the summary (all of them are counted, the first 100 kept in the runs table).
        if len(report.problems) <= SHOWN_PROBLEMS:
            warn(err.line())
        elif len(report.problems) == SHOWN_PROBLEMS + 1:
            warn("more problems follow; only their number is shown at the end")

    return on_problem


def read_articles(
    paths: Sequence[str], report: RunReport, stdin: IO[bytes] | None = None
) -> Iterator[Article]:
    """Articles from ``paths`` (``-`` is JSONL on stdin); problems are reported, not fatal."""
    from .ingest import read_paths

    for art in read_paths(paths, report=_reporter(report), stdin=stdin):
        report.read += 1
        yield art


def pipeline_key(pipeline: Pipeline, options: Options) -> str:
    """Identifies what produced stored results; a change re-processes the articles."""
    model_hash = None
    if options.model:
        with open(options.model, "rb") as fh:
            model_hash = hashlib.sha1(fh.read()).hexdigest()[:12]
    blob = json.dumps(
        {
            "version": __version__,
            "components": pipeline.names,
            "ontology": options.ontology,
            "model": model_hash,
            "settings": options.settings,
        },
        sort_keys=True,
    )
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def resolved_config(pipeline: Pipeline, options: Options) -> dict[str, Any]:
    """The configuration stored with every run's output."""
    cfg = asdict(options)
    cfg["components"] = pipeline.names
    cfg["eventdesk"] = __version__
    return cfg


def extract(
    paths: Sequence[str],
    options: Options,
    out: IO[str],
    stdin: IO[bytes] | None = None,
) -> RunReport:
    """Stateless: one contract JSON line per input article on ``out``, in input order."""
    report = RunReport()
    pipeline = Pipeline.from_options(options)
    t0 = time.perf_counter()
    with progress("extract") as bar:
        for doc in pipeline.pipe(read_articles(paths, report, stdin), options.batch_size):
            out.write(json.dumps(doc.to_extract_record(), ensure_ascii=False) + "\n")
            report.processed += 1
            bar.advance()
    out.flush()
    report.seconds = time.perf_counter() - t0
    return report


def ingest(
    paths: Sequence[str], store: Any, stdin: IO[bytes] | None = None, batch_size: int = 500
) -> RunReport:
    """Read ``paths`` into the store; duplicates (same id, URL or text, or a near copy of a
    stored article's text) are stored once, linked to the original, and never processed."""
    report = RunReport()
    run_id = store.record_run("ingest", {"paths": list(paths)})
    t0 = time.perf_counter()
    near = store.near_duplicate_index()  # once per ingest; it learns each committed batch
    with progress("ingest") as bar:
        batch: list[Article] = []

        def flush() -> None:
            res = store.add_articles(batch, batch_size=batch_size, near=near)
            report.new += res.new
            report.duplicates += res.duplicates
            report.near_duplicates += res.near_duplicates
            bar.advance(len(batch))
            batch.clear()

        for art in read_articles(paths, report, stdin):
            batch.append(art)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    report.seconds = time.perf_counter() - t0
    store.finish_run(run_id, _counts(report))
    return report


def _counts(report: RunReport) -> dict[str, Any]:
    d = asdict(report)
    d["problems"] = d["problems"][:100]
    return d


def process(store: Any, options: Options) -> RunReport:
    """Run the pipeline over every stored article not yet processed by this pipeline.

    Results are committed batch by batch, so a crash loses at most the batch in flight and a
    rerun resumes; a rerun with nothing new does no work. An article that makes a stage fail is
    reported and left unprocessed (it is retried on the next run), never half-saved.

    Each batch's new articles join stories (:class:`eventdesk.link.steps.StoryStep`), saved
    with the batch; at the end, the event blocks that changed are relinked
    (:meth:`Store.link_events`), so the export has one event per real-world event.
    """
    from .link.steps import StoryStep

    report = RunReport()
    pipeline = Pipeline.from_options(options)
    key = pipeline_key(pipeline, options)
    todo = store.count_pending(key)
    if todo == 0:
        report.relinked = store.link_events()  # only what a stopped run left; else one read
        return report
    run_id = store.record_run("process", resolved_config(pipeline, options))
    failed: set[str] = set()
    t0 = time.perf_counter()
    chunk = max(options.batch_size * 4, 64)
    stories = StoryStep(store)
    with progress("process", total=todo) as bar:
        while True:
            batch = [
                a for a in store.pending(key, limit=chunk + len(failed)) if a.id not in failed
            ][:chunk]
            if not batch:
                break
            docs = _run_guarded(pipeline, batch, options, failed, report)
            if docs:
                update = stories.plan(docs)
                store.save_documents(docs, key, story_update=update)
                report.stories += len(update.members)
            report.processed += len(docs)
            bar.advance(len(batch))
    report.relinked = store.link_events()  # the blocks this run (or a stopped one) changed
    report.failed = len(failed)
    report.seconds = time.perf_counter() - t0
    store.finish_run(run_id, _counts(report))
    return report


def _run_guarded(
    pipeline: Pipeline,
    batch: list[Article],
    options: Options,
    failed: set[str],
    report: RunReport,
) -> list[Document]:
    """Run a batch; if a stage raises, retry one by one to isolate the article at fault."""
    try:
        return list(pipeline.pipe(batch, options.batch_size))
    except EventdeskError:
        raise
    except Exception:  # a stage bug on one article must not stop a week-long ingest
        docs: list[Document] = []
        for art in batch:
            try:
                docs.append(pipeline(art))
            except Exception as exc:
                failed.add(art.id)
                msg = f"article {art.id!r}: processing failed ({type(exc).__name__}: {exc})"
                report.problems.append(msg)
                warn(msg + "; it stays unprocessed and is retried on the next run")
        return docs

