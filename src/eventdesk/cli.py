"""The ``eventdesk`` command: a thin shell over :mod:`eventdesk.app` and the store.

Exit status (CONTRACT.md): 0 success, 2 bad usage or unreadable input (one line on stderr naming
the input), 1 anything else.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from . import __version__
from .console import console, say, state
from .errors import EventdeskError, InputError, UsageError

app = typer.Typer(
    name="eventdesk",
    help="Turn news articles into sourced, structured event data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class Ontology(StrEnum):
    plover = "plover"
    acled = "acled"


class Kind(StrEnum):
    events = "events"
    figures = "figures"
    stories = "stories"
    places = "places"
    articles = "articles"


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    parquet = "parquet"
    acled_csv = "acled-csv"
    kepler_csv = "kepler-csv"


class Engine(StrEnum):
    local = "local"
    ray = "ray"


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Store URL (sqlite:///file.db or postgresql://...); default $EVENTDESK_DB "
        "else sqlite:///eventdesk.db."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.")]
OntologyOpt = Annotated[Ontology, typer.Option("--ontology", help="Event ontology.")]
ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", help="Event classifier trained with `eventdesk train`."),
]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="Articles per NLP batch.")]
EngineOpt = Annotated[Engine, typer.Option("--engine", help="Where the pipeline runs.")]
AddressOpt = Annotated[
    str | None,
    typer.Option("--address", help="--engine ray: join this Ray cluster (default: start one "
                 "on this machine)."),
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, help="--engine ray: pipeline actors to run.")
]
OutputDirOpt = Annotated[
    str | None,
    typer.Option("--output", help="--engine ray: also write extract records as Parquet to this "
                 "folder (local or a pyarrow filesystem URI)."),
]

F = TypeVar("F", bound=Callable[..., Any])


def _guard(fn: F) -> F:
    """Turn errors into the contract's exit codes and one-line messages."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (InputError, UsageError) as err:
            console.print(err.line(), markup=False, highlight=False)
            raise typer.Exit(2) from None
        except EventdeskError as err:
            console.print(err.line(), markup=False, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            console.print("interrupted; what was committed is kept, rerun to resume")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `eventdesk export ... | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as err:
            if os.environ.get("EVENTDESK_DEBUG"):
                raise
            console.print(
                f"[E001] {err.filename or ''}: {err.strerror or err}"
                " (check the path, permissions and free disk space)",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _options(ontology: Ontology, model: Path | None, batch_size: int) -> Any:
    from .pipeline import Options

    if model is not None and not model.is_file():
        raise UsageError(f"model file {model} does not exist", hint="train one: eventdesk train")
    return Options(
        ontology=ontology.value, model=str(model) if model else None, batch_size=batch_size
    )


def _open_store(db: str | None) -> Any:
    from .store import Store

    return Store(db)


def _check_paths(paths: list[str]) -> None:
    if not paths:
        raise UsageError("no input given", hint="name files or folders, or - for JSONL on stdin")
    for p in paths:
        if p != "-" and not os.path.exists(p):
            raise InputError("no such file or folder", source=p, hint="check the path")


def _problems_note(report: Any) -> None:
    from .app import SHOWN_PROBLEMS

    hidden = len(report.problems) - SHOWN_PROBLEMS
    if hidden > 0:
        say(f"{len(report.problems)} input problems in all ({hidden} not shown above)")


def _no_articles(report: Any, paths: list[str]) -> None:
    """Exit 2 when nothing at all could be read: the input, not the run, is at fault."""
    if report.read == 0 and report.skipped > 0:
        raise InputError(
            "no readable article in the input",
            source=", ".join(paths),
            hint="see the warnings above for each file or line",
        )


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        print(__version__)
        raise typer.Exit(0)


@app.command()
@_guard
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for JSONL on stdin.")],
    ontology: OntologyOpt = Ontology.plover,
    model: ModelOpt = None,
    db: DbOpt = None,
    batch_size: BatchOpt = 32,
    quiet: QuietOpt = False,
) -> None:
    """Print one JSON line per input article with its entities, places, dates, figures, events.

    Stateless: nothing is read from or written to a store; ``--db`` is accepted (CONTRACT.md)
    so that scripts can pass the same options to every command.
    """
    from .app import extract as run_extract

    state.quiet = quiet
    _check_paths(paths)
    options = _options(ontology, model, batch_size)
    report = run_extract(paths, options, sys.stdout)
    _problems_note(report)
    _no_articles(report, paths)
    say(f"extracted {report.processed} articles ({report.rate(report.processed):.1f}/s)")


@app.command()
@_guard
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for JSONL on stdin.")],
    db: DbOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Store articles (de-duplicated by id, URL and text) without processing them."""
    from .app import ingest as run_ingest

    state.quiet = quiet
    _check_paths(paths)
    with _open_store(db) as store:
        report = run_ingest(paths, store)
        _problems_note(report)
        _no_articles(report, paths)
        say(
            f"ingested {report.read} articles in {report.seconds:.1f}s "
            f"({report.rate(report.read):.0f}/s): {report.new} new, "
            f"{report.duplicates} duplicates, {report.skipped} inputs skipped -> {store.url}"
        )


def _ray_config(engine: Engine, address: str | None, workers: int, output: str | None) -> Any:
    """The Ray engine's settings, or None for the local engine (which takes no Ray option)."""
    if engine is not Engine.ray:
        given = [n for n, v in (("--address", address), ("--output", output)) if v]
        if given:
            raise UsageError(f"{', '.join(given)} needs --engine ray")
        return None
    from .engines.raydata import RayConfig

    return RayConfig(address=address, workers=workers, output=output)


def _ray_session(ray_cfg: Any) -> contextlib.AbstractContextManager[Any]:
    """One Ray runtime for ingest and process (the Ray engine), started when first needed."""
    if ray_cfg is None:
        return contextlib.nullcontext()
    from .engines.raydata import session

    return session()


def _process(store: Any, options: Any, ray_cfg: Any = None) -> Any:
    from .app import process as run_process

    if ray_cfg is not None:
        from .engines.raydata import RayEngine

        with RayEngine(options, ray_cfg) as engine:  # Ray starts only if there is work
            report = run_process(store, options, engine)
    else:
        report = run_process(store, options)
    if report.processed or report.failed:
        say(
            f"processed {report.processed} articles in {report.seconds:.1f}s "
            f"({report.rate(report.processed):.1f}/s)"
            + (f", {report.failed} failed (retried next run)" if report.failed else "")
        )
    else:
        say("nothing to process: every stored article is up to date")
    return report


def _closing(store: Any) -> None:
    counts = {k: store.count(k) for k in ("articles", "events", "places", "figures")}
    say(
        f"store {store.url}: {counts['articles']} articles, {counts['events']} events, "
        f"{counts['places']} places, {counts['figures']} figures"
    )
    db = "" if os.environ.get("EVENTDESK_DB") else f" --db {store.url}"
    say(
        "look at them: "
        f"eventdesk export events{db} | head   ·   "
        f"eventdesk export places --format geojson -o events.geojson{db}   ·   "
        f"eventdesk export articles --format csv -o articles.csv{db}"
    )


@app.command()
@_guard
def process(
    db: DbOpt = None,
    engine: EngineOpt = Engine.local,
    ontology: OntologyOpt = Ontology.plover,
    model: ModelOpt = None,
    batch_size: BatchOpt = 32,
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    output: OutputDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Run the pipeline over stored articles not yet processed; a rerun does no work."""
    state.quiet = quiet
    options = _options(ontology, model, batch_size)
    ray_cfg = _ray_config(engine, address, workers, output)
    with _open_store(db) as store:
        _process(store, options, ray_cfg)
        _closing(store)


@app.command()
@_guard
def run(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for JSONL on stdin.")],
    db: DbOpt = None,
    engine: EngineOpt = Engine.local,
    ontology: OntologyOpt = Ontology.plover,
    model: ModelOpt = None,
    batch_size: BatchOpt = 32,
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    output: OutputDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ingest then process: the main job."""
    from .app import ingest as run_ingest

    state.quiet = quiet
    ray_cfg = _ray_config(engine, address, workers, output)
    # The Ray engine also reads URIs (s3://, gs://, ...) that are no local path.
    if ray_cfg is None or not paths:
        _check_paths(paths)
    elif local_paths := [p for p in paths if "://" not in p]:
        _check_paths(local_paths)
    options = _options(ontology, model, batch_size)
    with _open_store(db) as store, _ray_session(ray_cfg):
        if ray_cfg is not None:
            from .engines.raydata import ingest_paths

            report = ingest_paths(paths, store, ray_cfg)
        else:
            report = run_ingest(paths, store)
        _problems_note(report)
        _no_articles(report, paths)
        say(
            f"ingested {report.read} articles: {report.new} new, {report.duplicates} duplicates,"
            f" {report.skipped} inputs skipped"
        )
        _process(store, options, ray_cfg)
        _closing(store)


@app.command()
@_guard
def export(
    kind: Annotated[Kind, typer.Argument(help="What to export.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.jsonl,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    db: DbOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write stored events, figures, stories, places or articles."""
    from .export import export as run_export

    state.quiet = quiet
    with _open_store(db) as store:
        n = run_export(store, kind.value, fmt.value, output, sys.stdout)
    if output and output != "-":
        say(f"wrote {n} {kind.value} to {output}")


@app.command()
@_guard
def serve(
    db: DbOpt = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Access token every request must carry; required for a "
                     "--host other than loopback (or set $EVENTDESK_TOKEN).",
                     show_default=False),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Open the store in the browser: a read-only web page and HTTP API (see /api/docs).

    On another address than this machine's loopback, open it as
    http://HOST:PORT/?token=TOKEN (the page then keeps the token in a cookie), and call the API
    with ``Authorization: Bearer TOKEN``.
    """
    from .api import serve as run_server
    from .api.auth import resolve_token

    state.quiet = quiet
    resolve_token(host, token)  # refuse before announcing anything
    say(f"eventdesk desk on http://{host}:{port}/ (Ctrl+C to stop)")
    run_server(db, host=host, port=port, token=token)


@app.command()
@_guard
def search(
    query: Annotated[str, typer.Argument(help="Full-text query over article titles and text.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    db: DbOpt = None,
) -> None:
    """Full-text search over stored articles; prints JSON lines."""
    import json

    with _open_store(db) as store:
        for hit in store.search(query, limit=limit):
            print(json.dumps(hit, ensure_ascii=False))


def _stage_docs(paths: list[str], components: tuple[str, ...], batch_size: int = 32) -> list[Any]:
    """Read ``paths`` and run the named stages: the stateless commands' shared front half."""
    from .app import RunReport, read_articles
    from .pipeline import Options, Pipeline, create

    report = RunReport()
    options = Options(batch_size=batch_size)
    pipeline = Pipeline([create(name, options) for name in components])
    docs = list(pipeline.pipe(read_articles(paths, report), batch_size))
    _problems_note(report)
    _no_articles(report, paths)
    if not docs:
        raise InputError("no article in the input", source=", ".join(paths),
                         hint="give files or folders holding articles")
    return docs


@app.command()
@_guard
def timeline(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for JSONL on stdin.")],
    dates: Annotated[
        int | None, typer.Option("--dates", min=1, help="At most this many dates.")
    ] = None,
    sentences: Annotated[
        int, typer.Option("--sentences", min=1, help="Sentences per date.")
    ] = 1,
    query: Annotated[
        str | None, typer.Option("--query", help="The story's topic words.")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Print the timeline of the articles given, as one story: [[date, [sentence, ...]], ...]."""
    import json

    from .summarize import build_timeline, timeline_json

    state.quiet = quiet
    _check_paths(paths)
    docs = _stage_docs(paths, ("eventdesk.nlp.v1", "eventdesk.dates.v1"))
    entries = build_timeline(docs, dates=dates, sentences=sentences, query=query)
    print(json.dumps(timeline_json(entries), ensure_ascii=False))


def _cluster_lines(path: str) -> bool:
    """Whether a JSONL input holds clusters (``"documents": [...]`` lines), not articles."""
    import json

    if path == "-" or not path.endswith((".jsonl", ".json", ".ndjson")) or not os.path.isfile(
        path
    ):
        return False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(rec, dict) and "documents" in rec
    return False


def _summarize_clusters(path: str, words: int) -> int:
    """One JSON line per cluster line of ``path``; bad lines are reported and skipped."""
    import json

    from .console import warn
    from .summarize import summarize_texts

    done = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                docs = rec["documents"]
                cid = rec.get("id", rec.get("cluster_id"))
                cid = None if cid is None else str(cid)
                summary = summarize_texts(docs, words=words, cluster_id=cid)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError, InputError) as exc:
                warn(f"[E010] {path}:{n}: not a cluster line ({exc}); skipped "
                     '(each line needs "documents": [text, ...])')
                continue
            out = {"id": cid, "summary": [{"text": s.text, "sources": s.sources}
                                          for s in summary]}
            print(json.dumps(out, ensure_ascii=False), flush=True)
            done += 1
    return done


@app.command()
@_guard
def summarize(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for JSONL on stdin.")],
    words: Annotated[int, typer.Option("--words", min=1, help="At most this many words.")] = 100,
    quiet: QuietOpt = False,
) -> None:
    """Print an extractive summary of the articles given, every sentence with its sources.

    A JSONL feed whose lines carry ``"documents": [text, ...]`` is a list of clusters: one
    summary line per cluster, with the cluster's ``id``.
    """
    import json

    from .summarize import summarize as summarize_docs

    state.quiet = quiet
    _check_paths(paths)
    if all(_cluster_lines(p) for p in paths):
        done = sum(_summarize_clusters(p, words) for p in paths)
        if done == 0:
            raise InputError("no readable cluster line", source=", ".join(paths),
                             hint='each line needs "documents": [text, ...]')
        return
    docs = _stage_docs(paths, ("eventdesk.nlp.v1", "eventdesk.dates.v1"))
    summary = summarize_docs(docs, words=words)
    out = {"summary": [{"text": s.text, "sources": s.sources} for s in summary]}
    print(json.dumps(out, ensure_ascii=False))


@app.command()
@_guard
def story(
    story_id: Annotated[
        str | None, typer.Argument(help="A story id (omit to list the stories).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Print one story as readable text: its timeline, cited summary and disagreeing figures."""
    from rich.markup import escape

    out = Console(highlight=False, soft_wrap=True)
    with _open_store(db) as store:
        if story_id is None:
            for st in store.iter_stories():
                out.print(f"[bold]{st['story_id']}[/bold]  {escape(st['title'])}  "
                          f"({len(st['article_ids'])} articles)")
            return
        found = next((s for s in store.iter_stories() if s["story_id"] == story_id), None)
        if found is None:
            raise UsageError(f"no story {story_id!r} in {store.url}",
                             hint="list them: eventdesk story")
        articles = {a.id: a for a in store.iter_articles(found["article_ids"])}
        figures = [
            f for f in store.iter_figures()
            if f["discrepancy"] and any(v["article_id"] in articles for v in f["values"])
        ]

    def cite(ids: list[str]) -> str:
        names = [articles[i].source or i if i in articles else i for i in ids]
        return "[dim]\\[" + escape("; ".join(dict.fromkeys(names))) + "][/dim]"

    out.print(f"[bold underline]{escape(found['title'])}[/bold underline]")
    out.print(f"[dim]{found['story_id']} · {len(found['article_ids'])} articles[/dim]\n")
    if found["timeline"]:
        out.print("[bold]Timeline[/bold]")
        for entry in found["timeline"]:
            out.print(f"  [cyan]{entry['date']}[/cyan]  {escape(entry['text'])} "
                      f"{cite(entry['sources'])}")
        out.print()
    if found["summary"]:
        out.print("[bold]Summary[/bold]")
        for sent in found["summary"]:
            out.print(f"  {escape(sent['text'])} {cite(sent['sources'])}")
        out.print()
    if figures:
        out.print("[bold]Figures the sources disagree on[/bold]")
        for fig in figures:
            values = "; ".join(
                f"{'about ' if v['approximate'] else ''}"
                f"{'over ' if v['bound'] == 'lower' else 'up to ' if v['bound'] == 'upper' else ''}"
                f"{v['value']:,} ({v['source'] or v['article_id']})"
                for v in fig["values"]
            )
            out.print(f"  [yellow]![/yellow] {escape(fig['about'] or '')}: {escape(values)}")
        out.print()
    out.print("[bold]Articles[/bold]")
    for aid in found["article_ids"]:
        art = articles.get(aid)
        if art:
            where = " · ".join(x for x in (art.source, aid) if x)
            out.print(f"  {art.published_date or '????-??-??'}  {escape(art.title or aid)} "
                      f"[dim]({escape(where)})[/dim]")


@app.command()
@_guard
def train(
    labelled: Annotated[Path, typer.Argument(help="JSONL ({text, label}) or CSV/TSV, e.g. an "
                                              "ACLED export with notes and sub_event_type.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write.")] = Path(
        "eventdesk-model.npz"
    ),
    text_field: Annotated[str, typer.Option("--text-field", help="Column with the text.")] = "text",
    label_field: Annotated[str, typer.Option("--label-field", help="Column with the label.")] = (
        "label"
    ),
    quiet: QuietOpt = False,
) -> None:
    """Fit the event classifier on your own labelled examples; use it with --model."""
    import json

    from .events.train import train_file

    state.quiet = quiet
    if not labelled.is_file():
        raise InputError("no such file", source=str(labelled), hint="check the path")
    stats = train_file(str(labelled), str(output), text_field=text_field, label_field=label_field)
    print(json.dumps(stats, ensure_ascii=False, default=str))
    say(
        f"trained on {stats.get('n')} examples, {len(stats.get('labels', []))} labels -> {output}; "
        f"use it: eventdesk run PATH --model {output}"
        + (" --ontology acled" if _looks_acled(stats.get("labels", [])) else "")
    )


def _looks_acled(labels: list[str]) -> bool:
    """Whether a trained model's labels are ACLED sub-event types (then --ontology acled)."""
    from .events.acled import ontology

    onto = ontology()
    return bool(labels) and all(onto.code_for(str(lab)) for lab in labels)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
