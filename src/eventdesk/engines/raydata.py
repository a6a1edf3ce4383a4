"""The Ray engine (``--engine ray``): the pipeline's stages in Ray Data actors.

Why this shape: the heavy state of the stages (the spaCy model, the gazetteers, the event
classifier) must be loaded once per worker, not once per batch, so the pipeline runs in a
callable class given to ``map_batches`` (:class:`PipelineActor`), whose ``__init__`` builds
:meth:`Pipeline.from_options` and whose ``__call__`` runs a batch. Actors take a fraction of a CPU
(``cpus_per_worker``, 0.5 by default) so that two of them, and the driver, schedule on a
2-core machine; ``workers`` says how many run.

The driver keeps what must be done in one place: it claims pending articles from the store
(:meth:`Store.claim`), ships them to the actors, collects the documents back in input order and
saves them in batches with their stories (:func:`eventdesk.app.process`), and with ``output``
also writes each document's extract record to a Parquet folder. So the store, incremental
processing and concurrent runs behave exactly as with the local engine.

Workers also embed each article's story lead, and ship with each document the MiniLM vectors
they computed for it (its lead, the sentences the event classifier saw); the driver puts them in
its embedding cache (:func:`eventdesk.embed.remember`), so its story step, timelines and
summaries find them there instead of running the model again: serial work in the one process
every worker waits on is what limits how far more workers help.

Documents cross process boundaries pickled. The transient spaCy ``Doc`` is already dropped by
the pipeline; the token list (the parse, only needed between stages) is dropped too before
shipping: nothing after the pipeline reads it.

``ingest`` reads JSONL and Parquet inputs with Ray Data (``read_json``/``read_parquet``), so a
folder on any filesystem pyarrow supports (``s3://``, ``gs://``, ``hdfs://``, local paths) can be
fed in; other inputs (.txt, .html, feeds) go through the ordinary readers, and so does a local
JSONL file Ray Data refuses whole (a broken line), so its bad lines are named and skipped as with
the local engine.

Locally the engine starts its own Ray runtime bound to the loopback address, without the
dashboard or usage reporting; with ``address`` it joins an existing cluster (whose nodes must
have eventdesk installed).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..app import RunReport, _counts, _reporter, ingest, names_key
from ..console import warn
from ..embed import embed, journal, load_model_soon, normalise, remember
from ..errors import EventdeskError, InputError, ModelError, UsageError
from ..pipeline import Options, Pipeline, _optional_builtins
from ..types import Article, Document

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())



@dataclass
class RayConfig:
    """How the Ray engine runs; every field has a default that works on one small machine."""

    address: str | None = None  # an existing cluster ("ray://host:10001", "auto"); None: local
    workers: int = 2  # pipeline actors
    cpus_per_worker: float = 0.5  # fractional, so actors schedule beside the driver
    num_cpus: int | None = None  # size of a local runtime (default: this machine's cores)
    chunk: int = 10_000  # articles claimed per Ray dataset (actors are started once per chunk)
    save_batch: int = 128  # documents saved per transaction
    output: str | None = None  # a folder (local or a pyarrow filesystem URI) for Parquet


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise UsageError(
            f"the Ray engine needs Ray Data ({exc})",
            hint="pip install 'eventdesk[ray]', or use --engine local",
        ) from exc
    # Ray Data logs every dataset's plan at INFO on stderr; our own output says what ran.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ray


# Inside :func:`session`: whether a runtime was started for it (the session then stops it).
_sessions: list[bool] = []


@contextlib.contextmanager
def session() -> Iterator[None]:
    """One Ray runtime for every step of a command: ``eventdesk run`` reads its input with Ray
    Data and then processes it, and each step starting and stopping its own runtime cost the
    processing step 2-3 s on 2 cores before any article was parsed. Ray still starts only when
    a step needs it; the runtime started inside the block is shut down when it ends."""
    _sessions.append(False)
    try:
        yield
    finally:
        stop(_sessions.pop())


def start(cfg: RayConfig) -> bool:
    """Connect to ``cfg.address`` or start a local runtime; returns whether we started it (and
    so must shut it down). An already initialised Ray (a caller's, or one a :func:`session`
    keeps) is used as it is; inside a session, the session shuts down what this starts."""
    ray = _ray()
    if ray.is_initialized():
        return False
    if _sessions:
        _sessions[-1] = _start(ray, cfg)
        return False
    return _start(ray, cfg)


def _start(ray: Any, cfg: RayConfig) -> bool:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no reporting home
    if cfg.address:
        try:
            ray.init(address=cfg.address, log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise UsageError(
                f"cannot join the Ray cluster at {cfg.address} ({exc})",
                hint="check the address (ray status on the head node), or leave --address out",
            ) from exc
        return True
    ray.init(
        num_cpus=cfg.num_cpus or os.cpu_count() or 2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
        object_store_memory=256 * 1024 * 1024,
    )
    return True


def stop(started: bool) -> None:
    if started:
        _ray().shutdown()


class PipelineActor:
    """A Ray Data actor holding one pipeline: models load in ``__init__``, once per actor."""

    def __init__(self, options: Options, names: Sequence[str]):
        self.options = options
        self.pipeline = Pipeline.from_options(options)
        if self.pipeline.names != list(names):
            # A worker with other stages installed would store results under a wrong key.
            raise UsageError(
                f"a Ray worker built the pipeline {self.pipeline.names}, not {list(names)}",
                hint="install the same eventdesk (and extras) on every node of the cluster",
            )

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        arts = [_article_of(cell) for cell in batch["article"]]
        ids: list[str] = [a.id for a in arts]
        blobs: list[bytes] = []
        vectors: list[bytes] = []
        errors: list[str] = []
        with journal() as embedded:
            try:
                docs: list[Document | str] = list(
                    self.pipeline.pipe(arts, self.options.batch_size))
            except EventdeskError:
                raise
            except Exception:  # one article's stage bug must not fail the batch: isolate it
                docs = []
                for art in arts:
                    try:
                        docs.append(self.pipeline(art))
                    except Exception as exc:
                        docs.append(f"processing failed ({type(exc).__name__}: {exc})")
            _embed_leads([d for d in docs if not isinstance(d, str)])
        for doc in docs:
            if isinstance(doc, str):
                blobs.append(b"")
                vectors.append(b"")
                errors.append(doc)
            else:
                doc.tokens = []  # the parse is for the stages only; don't ship it
                blobs.append(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
                vectors.append(pickle.dumps(_vectors_of(doc, embedded),
                                            protocol=pickle.HIGHEST_PROTOCOL))
                errors.append("")
        return {"id": ids, "doc": blobs, "vectors": vectors, "error": errors}


def _lead(doc: Document) -> str:
    from ..link.stories import story_text

    return story_text(doc.article.title, doc.article.text)


def _embed_leads(docs: list[Document]) -> None:
    """Embed the articles' story leads here, in the worker, as the driver's story step would.

    Why: the driver is one process that every worker waits on; on 2 cores its lead embeddings
    were a quarter of a 2,000-article run. Without the model (no ``embed`` extra) the driver's
    story step decides what to do, as with the local engine.
    """
    if not docs:
        return
    try:
        embed([_lead(d) for d in docs])
    except ModelError as exc:
        log.debug("leads not embedded in the worker: %s", exc)


def _vectors_of(doc: Document, embedded: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """The vectors the worker computed for this document's lead and sentences."""
    texts = {normalise(_lead(doc))} | {normalise(s.text) for s in doc.sentences}
    return {k: v for k, v in embedded.items() if k[1] in texts}


def _article_row(art: Article) -> dict[str, Any]:
    """An article as one JSON text cell: no column is ever all-null (which Arrow and numpy
    would turn into a null or NaN column) and optional fields round-trip exactly."""
    return {
        "article": json.dumps(
            {
                "id": art.id,
                "text": art.text,
                "title": art.title,
                "published": art.published,
                "source": art.source,
                "url": art.url,
                "language": art.language,
                "origin": art.origin,
                "extra": art.extra,
            },
            ensure_ascii=False,
        )
    }


def _article_of(cell: Any) -> Article:
    return Article(**json.loads(str(cell)))


class RayEngine:
    """Runs :func:`eventdesk.app.process` batches on Ray Data (see the module docstring)."""

    def __init__(self, options: Options, cfg: RayConfig | None = None):
        self.options = options
        self.cfg = cfg or RayConfig()
        if self.cfg.workers < 1:
            raise UsageError(f"--workers must be at least 1, not {self.cfg.workers}")
        self.names = list(options.components or _optional_builtins())
        self.chunk = max(1, self.cfg.chunk)
        self._sink = ParquetSink(self.cfg.output, names_key(self.names, options)) if (
            self.cfg.output
        ) else None
        self._started: bool | None = None  # Ray is started on the first batch, if any
        self._loader: threading.Thread | None = None  # MiniLM loading in this process

    def close(self) -> None:
        """Shut down the Ray runtime this engine started (a joined cluster stays up)."""
        if self._loader is not None:
            self._loader.join()
            self._loader = None
        if self._started is not None:
            stop(self._started)
            self._started = None

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self, batch: list[Article], failed: set[str], report: RunReport
    ) -> Iterator[list[Document]]:
        ray = _ray()
        if self._started is None:
            self._started = start(self.cfg)
            # This process's story views need MiniLM once the last document is in (the workers
            # embed everything before that): load it meanwhile, rather than after, while every
            # worker waits for the run to end (5 s on 2 cores).
            self._loader = load_model_soon()
        ctx = ray.data.DataContext.get_current()
        # Results come back in claim (ingest) order, as with the local engine: incremental
        # story clustering depends on the order articles arrive in.
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        rows = [_article_row(a) for a in batch]
        per_actor = max(1, self.options.batch_size)
        blocks = max(1, min(len(rows) // per_actor, self.cfg.workers * 8))
        ds = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            PipelineActor,
            fn_constructor_args=(self.options, self.names),
            batch_size=per_actor,
            batch_format="numpy",
            num_cpus=self.cfg.cpus_per_worker,
            # Up to ``workers`` actors; fewer when the chunk has fewer blocks than that. All
            # start at once: grown one at a time as blocks queue, the second actor began
            # loading its models only after the first had started work.
            compute=ray.data.ActorPoolStrategy(
                min_size=1, max_size=self.cfg.workers,
                initial_size=min(self.cfg.workers, blocks)),
        )
        docs: list[Document] = []
        for out in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for aid, blob, vec, err in zip(out["id"], out["doc"], out["vectors"], out["error"],
                                           strict=True):
                aid, err = str(aid), str(err)
                if err:
                    failed.add(aid)
                    msg = f"article {aid!r}: {err}"
                    report.problems.append(msg)
                    warn(msg + "; it stays unprocessed and is retried on the next run")
                    continue
                docs.append(pickle.loads(bytes(blob)))
                if vec:
                    remember(pickle.loads(bytes(vec)))
                if len(docs) >= self.cfg.save_batch:
                    yield self._emit(docs)
                    docs = []
        if docs:
            yield self._emit(docs)

    def _emit(self, docs: list[Document]) -> list[Document]:
        if self._sink is not None:
            self._sink.write(docs)
        return docs


class ParquetSink:
    """Extract records (CONTRACT.md) as Parquet files in a folder, one file per saved batch.

    The nested lists (entities, places, dates, figures, events) are JSON text columns: their
    records hold nulls and optional keys that would make Arrow schemas differ from file to file,
    and JSON keeps every file readable the same way (``json.loads`` per cell, or a SQL engine's
    JSON functions). ``id`` and ``published`` are plain columns to filter on. File names carry
    the pipeline key and a counter, so a rerun with another pipeline never overwrites these.
    """

    COLUMNS = ("entities", "places", "dates", "figures", "events")

    def __init__(self, output: str, key: str):
        from pyarrow import fs as pafs

        if "://" in output:
            try:
                self.fs, self.root = pafs.FileSystem.from_uri(output)
            except ValueError as exc:  # pyarrow's ArrowInvalid: an unknown scheme or bad URI
                raise UsageError(
                    f"cannot write Parquet to {output!r} ({exc})",
                    hint="give a local folder or a URI pyarrow supports (s3://, gs://, ...)",
                ) from exc
        else:
            self.fs, self.root = pafs.LocalFileSystem(), str(Path(output).resolve())
        self.fs.create_dir(self.root, recursive=True)
        self.prefix = f"extract-{key}-{os.getpid()}"
        self.n = 0

    def write(self, docs: Sequence[Document]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        recs = [d.to_extract_record() for d in docs]
        table = pa.table(
            {
                "id": pa.array([r["id"] for r in recs], pa.string()),
                "published": pa.array([r["published"] for r in recs], pa.string()),
                **{
                    c: pa.array([json.dumps(r[c], ensure_ascii=False) for r in recs], pa.string())
                    for c in self.COLUMNS
                },
            }
        )
        path = f"{self.root.rstrip('/')}/{self.prefix}-{self.n:05d}.parquet"
        pq.write_table(table, path, filesystem=self.fs)
        self.n += 1


def read_extract_records(folder: str) -> list[dict[str, Any]]:
    """The extract records a :class:`ParquetSink` wrote, as ``eventdesk extract`` prints them."""
    import pyarrow.parquet as pq

    table = pq.read_table(folder)
    out = []
    for row in table.to_pylist():
        rec = {"id": row["id"], "published": row["published"]}
        for c in ParquetSink.COLUMNS:
            rec[c] = json.loads(row[c])
        out.append(rec)
    return out


# -- ingest -----------------------------------------------------------------------------------


def _ray_readable(path: str) -> str | None:
    """"parquet" or "json" if Ray Data should read ``path`` (a URI, or a local file or folder
    holding only Parquet or only JSONL files), else None (the ordinary readers take it)."""
    low = path.lower().rstrip("/")
    if "://" in path and not low.startswith("file://"):
        if low.endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz")):
            return "json"
        return "parquet"  # a folder on a remote filesystem: Parquet is the scalable layout
    local = Path(path.removeprefix("file://"))
    files = [local] if local.is_file() else [p for p in local.rglob("*") if p.is_file()]
    files = [p for p in files if not p.name.startswith((".", "_"))]
    if not files:
        return None
    suffixes = {"".join(p.suffixes[-2:]).lower() if p.suffix == ".gz" else p.suffix.lower()
                for p in files}
    if suffixes <= {".parquet"}:
        return "parquet"
    if suffixes <= {".jsonl", ".jsonl.gz"}:
        return "json"
    return None


def ingest_paths(
    paths: Sequence[str], store: Any, cfg: RayConfig, stdin: IO[bytes] | None = None
) -> RunReport:
    """Like :func:`eventdesk.app.ingest`, with JSONL/Parquet inputs read by Ray Data."""
    by_ray = [(p, kind) for p in paths if p != "-" and (kind := _ray_readable(p))]
    others = [p for p in paths if p == "-" or not _ray_readable(p)]
    report = ingest(others, store, stdin=stdin) if others else RunReport()
    if not by_ray:
        return report
    run_id = store.record_run("ingest", {"paths": [p for p, _ in by_ray], "engine": "ray"})
    part = RunReport()
    t0 = time.perf_counter()
    started = start(cfg)
    try:
        _ingest_with_ray(by_ray, store, part)
    finally:
        stop(started)
    part.seconds = time.perf_counter() - t0
    store.finish_run(run_id, _counts(part))
    _add(report, part)
    return report


def _add(report: RunReport, part: RunReport) -> None:
    """Add what ``part`` of an ingest read to ``report``."""
    for name in ("read", "new", "duplicates", "near_duplicates", "skipped", "seconds"):
        setattr(report, name, getattr(report, name) + getattr(part, name))
    report.problems.extend(part.problems)


def _ingest_with_ray(items: list[tuple[str, str]], store: Any, report: RunReport) -> None:
    ray = _ray()
    ray.data.DataContext.get_current().enable_progress_bars = False
    on_problem = _reporter(report)
    near = store.near_duplicate_index()
    # Ray Data logs a failed read's whole trace at ERROR; the failure is handled below (one
    # line naming the input), so its log would only bury that line.
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    for path, kind in items:
        done = RunReport()  # what Ray Data stored of this input
        data_log.setLevel(logging.CRITICAL)
        try:
            _read_with_ray(ray, path, kind, store, near, done, on_problem)
        except (OSError, ValueError) as exc:
            cause = _cause(exc)
            if kind != "json" or ("://" in path and not path.lower().startswith("file://")):
                raise InputError(f"cannot read with Ray Data ({cause})", source=path,
                                 hint="check the path and that it holds JSONL or Parquet "
                                      "files eventdesk can read") from exc
            # A local file Ray Data cannot parse whole (a broken JSON line): the ordinary reader
            # skips and names each bad line, as the local engine does, and keeps the rest.
            note = f"{path}: Ray Data could not read it ({cause}); reading it line by line"
            warn(note)
            report.problems.append(note)
            _fallback(path.removeprefix("file://"), store, report, done)
            continue
        finally:
            data_log.setLevel(level)
        _add(report, done)


def _read_with_ray(ray: Any, path: str, kind: str, store: Any, near: Any, done: RunReport,
                   on_problem: Any) -> None:
    import pyarrow as pa
    from pyarrow import json as pajson

    from ..ingest import SkippedInput
    from ..ingest.records import record_to_article

    schema = pa.schema([(f, pa.string()) for f in ("text", "title", "published", "source",
                                                   "url", "language")])
    if kind == "json":
        opts = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
        ds = ray.data.read_json(path, parse_options=opts, include_paths=True)
    else:
        ds = ray.data.read_parquet(path, include_paths=True)
    row_no = 0
    for table in ds.iter_batches(batch_size=500, batch_format="pyarrow"):
        arts: list[Article] = []
        for rec in table.to_pylist():
            row_no += 1
            where = f"{rec.pop('path', path)}#{row_no}"
            rec = {k: _iso(v) for k, v in rec.items()}
            try:
                arts.append(record_to_article(rec, where, report=on_problem))
            except InputError as err:
                on_problem(SkippedInput(err))
        done.read += len(arts)
        res = store.add_articles(arts, near=near)
        done.new += res.new
        done.duplicates += res.duplicates
        done.near_duplicates += res.near_duplicates


def _fallback(path: str, store: Any, report: RunReport, done: RunReport) -> None:
    """Read ``path`` with the ordinary readers after Ray Data failed part-way: what Ray Data
    had already stored comes back as duplicates of itself, so it is counted as new once."""
    _add(report, ingest([path], store))
    report.new += done.new
    report.duplicates -= done.new


def _cause(exc: BaseException) -> str:
    """The first line of what went wrong underneath Ray's wrapping of ``exc``."""
    inner = getattr(exc, "cause", None) or exc.__cause__ or exc
    text = str(inner).strip().splitlines()
    return f"{type(inner).__name__}: {text[0] if text else ''}".rstrip(": ")


def _iso(value: Any) -> Any:
    """Dates and timestamps from Parquet columns as the contract's text."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value
