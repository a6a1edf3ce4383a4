"""Routes of the desk: read-only JSON (and CSV, GeoJSON, JSONL) over the store, plus the page.

Why these choices:
- Only GET routes exist, so a POST, PUT or DELETE is refused (405) before any code runs.
- Lists answer ``{"total", "limit", "offset", "items", "next"}``; ``limit`` is at most
  :data:`~eventdesk.store.query.MAX_LIMIT`. The file twins (``.csv``, ``.geojson``, ``.jsonl``,
  ``.acled.csv``, ``.kepler.csv``) hold *every* matching row unless ``limit`` is given: they are
  what the page's download buttons fetch.
- Responses carry a Content-Security-Policy that allows only this origin's scripts, styles and
  data: the page works offline, and text that slipped into HTML could still run nothing.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the route signatures' types at
# run time, and some are defined inside create_app.
import io
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from ..errors import EventdeskError, StoreError, UsageError

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

    from ..store.query import Page

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_DIR = WEB_DIR / "static"

#: The formats of list twins and what each one's body is.
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
    "acled.csv": "text/csv; charset=utf-8",
    "kepler.csv": "text/csv; charset=utf-8",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _check_sqlite_exists(url: str) -> None:
    """``serve`` only reads: an SQLite path that does not exist is a typo, not a new store."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if path not in (None, "", ":memory:") and not Path(str(path)).exists():
        raise UsageError(
            f"no store at {path}",
            hint="give --db the store `eventdesk run` wrote, or run it first",
        )


def create_app(db: str | None = None) -> "FastAPI":
    """The desk's ASGI app over the store at ``db`` (default: ``$EVENTDESK_DB`` or
    ``sqlite:///eventdesk.db``); the store stays open for the app's life."""
    from fastapi import FastAPI, Query, Request
    from fastapi.responses import FileResponse, JSONResponse, Response
    from fastapi.staticfiles import StaticFiles

    from ..store import Store, resolve_url
    from ..store.query import ArticleFilter, EventFilter, Reader

    url = resolve_url(db)
    _check_sqlite_exists(url)
    store = Store(url)
    reader = Reader(store)
    lock = threading.Lock()  # the figure groups are computed once, by one request

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="eventdesk",
        summary="Read-only API over an eventdesk store: events, articles, stories, figures, "
        "places.",
        version=_version(),
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.store = store
    app.state.reader = reader

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[..., Any]) -> Any:
        response = await call_next(request)
        if not request.url.path.startswith("/api/docs"):  # Swagger UI loads its own scripts
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(UsageError)
    async def _usage(_: Request, err: UsageError) -> JSONResponse:
        return JSONResponse({"error": err.line()}, status_code=400)

    @app.exception_handler(EventdeskError)
    async def _failure(_: Request, err: EventdeskError) -> JSONResponse:
        return JSONResponse({"error": err.line()}, status_code=500)

    # -- common parameters -------------------------------------------------------------

    Limit = Annotated[int | None, Query(ge=0, description="Rows per page (JSON: default 50).")]
    Offset = Annotated[int, Query(ge=0)]
    Sort = Annotated[str | None, Query(description="A column, `-column` for descending.")]
    Text = Annotated[str | None, Query(max_length=500)]

    def event_filter(
        type: Text = None,
        mode: Text = None,
        ontology: Text = None,
        country: Text = None,
        actor: Text = None,
        date_from: Text = None,
        date_to: Text = None,
        source: Text = None,
        story: Text = None,
        article: Text = None,
        q: Text = None,
        located: bool | None = None,
        id: Annotated[str | None, Query(max_length=500, description="One event's id.")] = None,
    ) -> EventFilter:
        return EventFilter(
            type=type or None, mode=mode or None, ontology=ontology or None,
            country=country or None, actor=actor or None, date_from=date_from or None,
            date_to=date_to or None, source=source or None, story=story or None,
            article=article or None, q=q or None, located=located, event_id=id or None,
        )

    # -- the page ----------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # -- API ---------------------------------------------------------------------------

    @app.get("/api", summary="What the store holds")
    def overview() -> dict[str, Any]:
        return {
            "store": store.url,
            "counts": {k: store.count(k) for k in ("articles", "events", "stories", "places",
                                                   "figures")},
            "lists": ["/api/events", "/api/articles", "/api/stories", "/api/figures",
                      "/api/places"],
        }

    @app.get("/api/events", summary="Real-world events (one per group of linked reports)")
    def events_json(
        request: Request,
        f: Annotated[EventFilter, _depends(event_filter)],
        limit: Limit = None,
        offset: Offset = 0,
        sort: Sort = None,
        facets: Annotated[str | None, Query(description="Comma-separated facet names.")] = None,
    ) -> Response:
        return events_fmt(request, "json", f, limit, offset, sort, facets)

    @app.get("/api/events.{fmt}", summary="Events as json, csv, geojson, jsonl, acled.csv or "
             "kepler.csv")
    def events_fmt(
        request: Request,
        fmt: str,
        f: Annotated[EventFilter, _depends(event_filter)],
        limit: Limit = None,
        offset: Offset = 0,
        sort: Sort = None,
        facets: Annotated[str | None, Query()] = None,
    ) -> Response:
        _check_fmt(fmt, ("json", "csv", "geojson", "jsonl", "acled.csv", "kepler.csv"))
        if fmt == "json":
            page = reader.events(f, limit=50 if limit is None else limit, offset=offset,
                                 sort=sort)
            body = _page_body(request, page)
            if facets:
                names = tuple(n.strip() for n in facets.split(",") if n.strip())
                body["facets"] = reader.event_facets(f, names)
            return JSONResponse(body)
        if limit is not None:
            rows: Iterable[dict[str, Any]] = reader.events(
                f, limit=limit, offset=offset, sort=sort
            ).items
        elif f == EventFilter() and sort is None:
            rows = store.iter_events()  # everything, streamed in ingest order
        else:
            rows = reader.iter_events(f, sort=sort)
        return _file(fmt, rows, "events")

    @app.get("/api/events/{event_id}", summary="One real-world event with all its sources")
    def event_one(event_id: str) -> dict[str, Any]:
        page = reader.events(EventFilter(event_id=event_id), limit=1)
        if not page.items:
            raise _NotFound(f"no event {event_id!r}")
        return page.items[0]

    def article_filter(
        source: Text = None, date_from: Text = None, date_to: Text = None, story: Text = None,
        q: Text = None,
    ) -> ArticleFilter:
        return ArticleFilter(source=source or None, date_from=date_from or None,
                             date_to=date_to or None, story=story or None, q=q or None)

    @app.get("/api/articles", summary="Articles (metadata; the text is on each article)")
    def articles_json(
        request: Request,
        f: Annotated[ArticleFilter, _depends(article_filter)],
        limit: Limit = None, offset: Offset = 0, sort: Sort = None,
    ) -> Response:
        return articles_fmt(request, "json", f, limit, offset, sort)

    @app.get("/api/articles.{fmt}", summary="Articles as json, csv or jsonl")
    def articles_fmt(
        request: Request, fmt: str,
        f: Annotated[ArticleFilter, _depends(article_filter)],
        limit: Limit = None, offset: Offset = 0, sort: Sort = None,
    ) -> Response:
        _check_fmt(fmt, ("json", "csv", "jsonl"))
        if fmt == "json":
            page = reader.articles(f, limit=50 if limit is None else limit, offset=offset,
                                   sort=sort)
            return JSONResponse(_page_body(request, page))
        return _file(fmt, _all_pages(lambda lim, off: reader.articles(f, lim, off, sort),
                                     limit, offset), "articles")

    @app.get("/api/articles/{article_id:path}",
             summary="One article: its text and every span found in it")
    def article_one(article_id: str) -> dict[str, Any]:
        art = reader.article(article_id)
        if art is None:
            raise _NotFound(f"no article {article_id!r}")
        return art

    @app.get("/api/stories", summary="Stories, biggest first")
    def stories_json(
        request: Request, limit: Limit = None, offset: Offset = 0, sort: Sort = None,
        q: Text = None,
    ) -> Response:
        return stories_fmt(request, "json", limit, offset, sort, q)

    @app.get("/api/stories.{fmt}", summary="Stories as json, csv or jsonl")
    def stories_fmt(
        request: Request, fmt: str, limit: Limit = None, offset: Offset = 0, sort: Sort = None,
        q: Text = None,
    ) -> Response:
        _check_fmt(fmt, ("json", "csv", "jsonl"))
        if fmt == "json":
            page = reader.stories(limit=50 if limit is None else limit, offset=offset,
                                  sort=sort, q=q)
            return JSONResponse(_page_body(request, page))
        return _file(fmt, _all_pages(lambda lim, off: reader.stories(lim, off, sort, q),
                                     limit, offset), "stories")

    @app.get("/api/stories/{story_id}",
             summary="One story: timeline, cited summary, its articles")
    def story_one(story_id: str) -> dict[str, Any]:
        st = reader.story(story_id)
        if st is None:
            raise _NotFound(f"no story {story_id!r}")
        return st

    @app.get("/api/figures", summary="Figure groups: every source's value for one quantity")
    def figures_json(
        request: Request, story: Text = None, article: Text = None,
        discrepancy: bool | None = None, q: Text = None, limit: Limit = None,
        offset: Offset = 0,
    ) -> Response:
        return figures_fmt(request, "json", story, article, discrepancy, q, limit, offset)

    @app.get("/api/figures.{fmt}", summary="Figure groups as json, csv or jsonl")
    def figures_fmt(
        request: Request, fmt: str, story: Text = None, article: Text = None,
        discrepancy: bool | None = None, q: Text = None, limit: Limit = None,
        offset: Offset = 0,
    ) -> Response:
        _check_fmt(fmt, ("json", "csv", "jsonl"))

        def page(lim: int, off: int) -> "Page":
            with lock:
                return reader.figures(story, article, discrepancy, q, lim, off)

        if fmt == "json":
            return JSONResponse(_page_body(request, page(50 if limit is None else limit,
                                                         offset)))
        return _file(fmt, _all_pages(page, limit, offset), "figures")

    @app.get("/api/places", summary="Place mentions with coordinates")
    def places_json(
        request: Request, country: Text = None, article: Text = None, story: Text = None,
        q: Text = None, limit: Limit = None, offset: Offset = 0, sort: Sort = None,
    ) -> Response:
        return places_fmt(request, "json", country, article, story, q, limit, offset, sort)

    @app.get("/api/places.{fmt}", summary="Place mentions as json, csv, geojson or jsonl")
    def places_fmt(
        request: Request, fmt: str, country: Text = None, article: Text = None,
        story: Text = None, q: Text = None, limit: Limit = None, offset: Offset = 0,
        sort: Sort = None,
    ) -> Response:
        _check_fmt(fmt, ("json", "csv", "geojson", "jsonl"))

        def page(lim: int, off: int) -> "Page":
            return reader.places(country, article, story, q, lim, off, sort)

        if fmt == "json":
            return JSONResponse(_page_body(request, page(50 if limit is None else limit,
                                                         offset)))
        return _file(fmt, _all_pages(page, limit, offset), "places")

    @app.exception_handler(_NotFound)
    async def _missing(_: Request, err: _NotFound) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=404)

    return app


class _NotFound(Exception):
    """A named thing (event, article, story) is not in the store: a 404."""


def _depends(fn: Callable[..., Any]) -> Any:
    from fastapi import Depends

    return Depends(fn)


def _version() -> str:
    from .. import __version__

    return __version__


def _check_fmt(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise _NotFound(f"no .{fmt} form of this list (there are: {', '.join(allowed)})")


def _page_body(request: "Request", page: "Page") -> dict[str, Any]:
    """A page as JSON, with the URL of the next one (None on the last)."""
    body = page.to_dict()
    nxt = None
    if page.limit and page.offset + len(page.items) < page.total:
        params = dict(request.query_params)
        params["offset"] = str(page.offset + len(page.items))
        params["limit"] = str(page.limit)
        nxt = f"{request.url.path}?{urlencode(params)}"
    body["next"] = nxt
    return body


def _all_pages(
    fetch: Callable[[int, int], "Page"], limit: int | None, offset: int
) -> Iterator[dict[str, Any]]:
    """One page (``limit`` given) or every row from ``offset`` on, a page at a time."""
    from ..store.query import MAX_LIMIT

    if limit is not None:
        yield from fetch(limit, offset).items
        return
    while True:
        page = fetch(MAX_LIMIT, offset)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def _file(fmt: str, rows: Iterable[dict[str, Any]], name: str) -> Any:
    """``rows`` written by the exporter of ``fmt`` (:mod:`eventdesk.export`)."""
    from fastapi.responses import Response

    from ..export import EXPORTERS

    writer = EXPORTERS[{"acled.csv": "acled-csv", "kepler.csv": "kepler-csv"}.get(fmt, fmt)]
    buf = io.StringIO()
    writer(rows, buf)
    headers = {}
    if fmt != "json":
        headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return Response(buf.getvalue(), media_type=MEDIA[fmt], headers=headers)


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None) -> None:
    """Run the desk until interrupted (``eventdesk serve``).

    A host other than loopback needs an access token (``token`` or ``$EVENTDESK_TOKEN``,
    see :mod:`.auth`); it is checked before the store is opened, so a refused start touches
    nothing.
    """
    import uvicorn

    from .auth import protect, resolve_token

    required = resolve_token(host, token)
    app = protect(create_app(db), required)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="choose another --port") from exc
