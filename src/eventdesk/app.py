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
from typing import IO, Any, Protocol

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
    story_views: int = 0  # stories whose timeline and summary were rebuilt

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
    return names_key(pipeline.names, options)


def names_key(names: Sequence[str], options: Options) -> str:
    """:func:`pipeline_key` from the components' names, for a driver that builds no pipeline
    itself (the Ray runner: its actors hold the models)."""
    model_hash = None
    if options.model:
        with open(options.model, "rb") as fh:
            model_hash = hashlib.sha1(fh.read()).hexdigest()[:12]
    blob = json.dumps(
        {
            "version": __version__,
            "components": list(names),
            "ontology": options.ontology,
            "model": model_hash,
            "settings": options.settings,
        },
        sort_keys=True,
    )
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def resolved_config(pipeline: Pipeline | Sequence[str], options: Options) -> dict[str, Any]:
    """The configuration stored with every run's output."""
    cfg = asdict(options)
    cfg["components"] = list(pipeline.names if isinstance(pipeline, Pipeline) else pipeline)
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


class BatchEngine(Protocol):
    """Where :func:`process` runs the pipeline: in this process or on a Ray cluster.

    ``names`` are the components' names (they make the pipeline key); ``chunk`` how many
    articles to claim at a time; ``run`` turns claimed articles into documents, yielded in
    lists that are each saved (with their stories) in one transaction. An article a stage
    fails on goes into ``failed`` with a line in ``report.problems`` instead of a document.
    """

    names: list[str]
    chunk: int

    def run(
        self, batch: list[Article], failed: set[str], report: RunReport
    ) -> Iterator[list[Document]]: ...


class LocalEngine:
    """The pipeline in this process (``--engine local``)."""

    def __init__(self, options: Options):
        from . import embed_service

        self.options = options
        # MiniLM in a helper process, working while this one parses (two cores or more; it
        # loads its model while spaCy loads here)
        self.helper = embed_service.start()
        self.pipeline = Pipeline.from_options(options)
        self.names = self.pipeline.names
        # The pipeline overlaps a batch's embeddings with the next batch's parse, but only
        # within one claim: the last batch of a claim waits for its own. Claims of 16 batches
        # leave that wait to one batch in 16 (one in 4 cost 8% of a run's time); documents
        # are saved every 4 batches, so a crash loses no more than before. A claim is a
        # multiple of the saved group: a rerun after a crash then groups articles as an
        # uninterrupted run does, and incremental story clustering comes out the same.
        self.save_every = max(options.batch_size * 4, 64)
        self.chunk = self.save_every * 4

    def run(
        self, batch: list[Article], failed: set[str], report: RunReport
    ) -> Iterator[list[Document]]:
        if self.helper is not None:
            from .embed import prefetch
            from .embed_service import LATER
            from .link.stories import story_text

            # the story step embeds these leads once the batch is parsed: start on them now
            prefetch([story_text(a.title, a.text) for a in batch], LATER)
        yield from _run_guarded(self.pipeline, batch, self.options, failed, report,
                                self.save_every)


def process(store: Any, options: Options, engine: BatchEngine | None = None) -> RunReport:
    """Run the pipeline over every stored article not yet processed by this pipeline.

    Results are committed batch by batch, so a crash loses at most the batch in flight and a
    rerun resumes; a rerun with nothing new does no work. An article that makes a stage fail is
    reported and left unprocessed (it is retried on the next run), never half-saved.

    Articles are claimed before they are processed (:meth:`Store.claim`), so two runs at once
    over one store split the work; this run's claims are released when it ends, however it
    ends. ``engine`` runs the pipeline (default: :class:`LocalEngine`, in this process).

    Each batch's new articles join stories (:class:`eventdesk.link.steps.StoryStep`), saved
    with the batch; at the end, the event blocks that changed are relinked
    (:meth:`Store.link_events`), so the export has one event per real-world event.
    """
    from .link.steps import StoryStep
    from .link.views import refresh_story_views
    from .store import claim_token

    report = RunReport()
    engine = engine if engine is not None else LocalEngine(options)
    key = names_key(engine.names, options)
    todo = store.count_pending(key)
    if todo == 0:
        # Only what a stopped run left (links, story views); otherwise two reads.
        report.relinked = store.link_events()
        report.story_views = refresh_story_views(store, store.stories_due_views())
        return report
    run_id = store.record_run("process", resolved_config(engine.names, options))
    failed: set[str] = set()
    t0 = time.perf_counter()
    stories = StoryStep(store)
    touched: set[str] = set()
    saved: list[str] = []
    token = claim_token()
    try:
        with progress("process", total=todo) as bar:
            while True:
                # Our own claims come back until saved or released: skip those that failed.
                claimed = store.claim(key, token, limit=engine.chunk + len(failed))
                batch = [a for a in claimed if a.id not in failed][: engine.chunk]
                if not batch:
                    break
                for docs in engine.run(batch, failed, report):
                    if docs:
                        update = stories.plan(docs)
                        store.save_documents(docs, key, story_update=update)
                        report.stories += len(update.members)
                        touched.update(sid for sid, _ in update.members)
                        touched.update(update.merged.values())
                        saved.extend(d.article.id for d in docs)
                    report.processed += len(docs)
                    bar.advance(len(docs))
                bar.advance(len([a for a in batch if a.id in failed]))
    finally:
        store.release(token)  # failed articles, or a batch in flight when interrupted
    report.relinked = store.link_events()  # the blocks this run (or a stopped one) changed
    # Timelines and summaries of the stories this run added to or re-processed articles of.
    touched.update(store.stories_of(saved).values())
    touched.update(store.stories_due_views())  # and those a stopped run left unbuilt
    report.story_views = refresh_story_views(store, touched)
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
    group: int | None = None,
) -> Iterator[list[Document]]:
    """Run a batch, yielding its documents in lists of ``group`` (all at once: None).

    If a stage raises, the articles not yet done are retried one by one to isolate the article
    at fault; those yielded before it are kept.
    """
    done = 0  # articles whose documents have been yielded or are in ``out``
    out: list[Document] = []
    try:
        for doc in pipeline.pipe(batch, options.batch_size):
            out.append(doc)
            done += 1
            if group is not None and len(out) >= group:
                ready, out = out, []
                yield ready
    except EventdeskError:
        raise
    except Exception:  # a stage bug on one article must not stop a week-long ingest
        for art in batch[done:]:
            try:
                out.append(pipeline(art))
            except Exception as exc:
                failed.add(art.id)
                msg = f"article {art.id!r}: processing failed ({type(exc).__name__}: {exc})"
                report.problems.append(msg)
                warn(msg + "; it stays unprocessed and is retried on the next run")
    if out:
        yield out
