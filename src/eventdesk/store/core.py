"""The :class:`Store`: articles in, pipeline results out, over SQLAlchemy Core.

Why one narrow class: the CLI, the HTTP API and the Ray runner all need the same few operations
(add articles, find what still needs processing, save results, read records back), and keeping
SQL behind them lets the database change (SQLite file, PostgreSQL server) without touching any
caller. Only portable Core constructs are used; the dialect-specific parts (SQLite connection
settings, full-text search) are confined to :func:`_sqlite_engine` and :mod:`.search`.

Crash safety: every write is one transaction (a batch of articles, a batch of documents), so a
process killed at any moment leaves whole batches only, and a rerun resumes from
:meth:`Store.pending`. On SQLite the journal is a write-ahead log (readers never block the
writer) and a writer takes the write lock when its transaction begins, so two processes writing
at once wait for each other (up to the busy timeout) instead of failing half-way.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from .. import __version__
from ..errors import StoreError, UsageError
from ..types import (
    Article,
    DateMention,
    Document,
    Event,
    Figure,
    Place,
    Sentence,
    Span,
    Story,
)
from . import migrations, schema
from . import search as fts
from .schema import (
    article_duplicates,
    article_signatures,
    articles,
    dates,
    entities,
    event_sources,
    events,
    figures,
    link_pending,
    places,
    sentences,
    stories,
    story_articles,
    story_state,
)

if TYPE_CHECKING:
    from ..link.dedup import NearDuplicateIndex
    from ..link.events import EventMention
    from ..link.near import BatchCheck

DEFAULT_URL = "sqlite:///eventdesk.db"
ENV_VAR = "EVENTDESK_DB"

#: How long a writer waits for another process's write lock before giving up (seconds).
BUSY_TIMEOUT_S = 30
#: Rows per IN (...) list: far below every database's bound-parameter limit.
_IN_CHUNK = 500
#: Rows fetched per round trip when streaming records out.
_YIELD_PER = 1000
#: The PostgreSQL advisory lock key every write transaction holds (:meth:`Store._write`):
#: "eventdsk" in ASCII, so it is unlikely to meet another application's key in a shared database.
_PG_WRITE_LOCK = 0x6576656E7464736B
#: How long a claim on articles lasts (seconds) unless released earlier (:meth:`Store.claim`).
CLAIM_LEASE_S = 3600
# SHA-1 of the empty string: the fingerprint of a text with no words, which must not make every
# such article a duplicate of the first one.
_EMPTY_FINGERPRINT = hashlib.sha1(b"").hexdigest()


def resolve_url(url: str | None) -> str:
    """The store URL to use: ``url``, else ``$EVENTDESK_DB``, else :data:`DEFAULT_URL`.

    A bare file path (anything without ``://``) means an SQLite file at that path, relative to
    the working directory as given: ``data/x.db`` becomes ``sqlite:///data/x.db``.
    """
    chosen = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in chosen:
        chosen = f"sqlite:///{chosen}"
    return chosen


@dataclass
class AddResult:
    """What :meth:`Store.add_articles` did with its input."""

    new: int = 0
    duplicates: int = 0
    duplicate_of: list[tuple[str, str]] = field(default_factory=list)  # (incoming id, stored id)
    updated: int = 0  # same id, changed text: the text was replaced and is pending again
    near_duplicates: int = 0  # of ``duplicates``: near copies (another header, a footer)

    def merge(self, other: AddResult) -> None:
        self.new += other.new
        self.duplicates += other.duplicates
        self.duplicate_of.extend(other.duplicate_of)
        self.updated += other.updated
        self.near_duplicates += other.near_duplicates


@dataclass
class StoryUpdate:
    """One step of incremental story clustering, saved with the batch it clustered.

    ``states``: the changed stories' clustering state (``StoryClusterer.state()`` rows), in
    order of activity; ``members``: new ``(story_id, article_id)`` memberships, appended to
    their stories in order; ``titles``: the title of each story that is new.
    """

    states: list[dict[str, Any]] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    # Stories the clusterer merged: story id merged away -> the story that absorbed it. Their
    # articles move to the absorbing story; the merged-away story and its state are deleted.
    merged: dict[str, str] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_JOINERS = re.compile(r"[.'’]")


def normalise_about(about: str | None) -> str | None:
    """The grouping key of a figure's ``about``: case, punctuation and spacing ignored.

    Deliberately simple (exact wording after normalisation); reconciling different wordings of
    the same quantity is the figures stage's job, not the store's.
    """
    if not about:
        return None
    # Dots and apostrophes join ("U.S." is "US", "Iraq's" one word); other punctuation splits.
    key = _NON_WORD.sub(" ", _JOINERS.sub("", about.casefold())).strip()
    return key or None


def event_id(article_id: str, ev: Event, ordinal: int = 0) -> str:
    """A stable id for an event found in an article: the same article processed again by the
    same pipeline gives the same ids, so links to events survive re-runs.

    ``ordinal`` separates two events that agree on every keyed field (same passage, type, mode,
    ontology and trigger); it counts them in the order the pipeline listed them.
    """
    trigger = ev.trigger
    parts = [
        article_id,
        str(ev.span.sentence),
        str(ev.span.start),
        str(ev.span.end),
        ev.event,
        ev.mode or "",
        ev.ontology,
        str(trigger.start) if trigger else "",
        str(trigger.end) if trigger else "",
    ]
    if ordinal:
        parts.append(str(ordinal))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _store_error(exc: BaseException, url: str, action: str) -> StoreError:
    """A clear, actionable :class:`StoreError` for a database failure."""
    orig = getattr(exc, "orig", None) or exc
    msg = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = msg.lower()
    if "file is not a database" in low or "file is encrypted" in low:
        return StoreError(
            "this file is not an SQLite database (or it is damaged)",
            source=url,
            hint="point --db at an eventdesk store or at a new file name",
        )
    if "unable to open database file" in low:
        return StoreError(
            "cannot open or create the database file",
            source=url,
            hint="check that its folder exists and is writable",
        )
    if "readonly" in low or "read-only" in low:
        return StoreError(
            f"the database cannot be written ({msg})",
            source=url,
            hint="check the permissions of the file and its folder, or use another --db",
        )
    if "database is locked" in low or "database is busy" in low:
        return StoreError(
            f"another process held the database longer than {BUSY_TIMEOUT_S}s",
            source=url,
            hint="wait for the other eventdesk command to finish, or use another --db",
        )
    if "disk is full" in low or "no space" in low:
        return StoreError("the disk is full", source=url, hint="free some space and rerun")
    if isinstance(exc, IntegrityError):
        return StoreError(
            f"could not {action}: a record broke a database rule ({msg}); nothing of this "
            "batch was saved",
            source=url,
            hint="a pipeline stage produced an impossible value; please report it",
        )
    return StoreError(f"could not {action}: {msg}", source=url)


class Store:
    """An eventdesk database: articles, pipeline results, stories and runs.

    Opening creates the database if needed and applies missing migrations. Use it as a context
    manager (or call :meth:`close`) so connections are released.
    """

    url: str

    def __init__(self, url: str | None = None) -> None:
        resolved = resolve_url(url)
        try:
            parsed = make_url(resolved)
        except (ArgumentError, ValueError) as exc:  # ValueError: e.g. a port that is no number
            raise StoreError(
                f"not a database URL: {resolved!r}",
                hint="use sqlite:///path/to/file.db, a file path, or postgresql://user@host/db",
            ) from exc
        self.url = parsed.render_as_string(hide_password=True)
        self._engine = self._create_engine(parsed)
        try:
            self._migrate()
        except BaseException:
            self._engine.dispose()
            raise

    # -- opening ---------------------------------------------------------------------------

    def _create_engine(self, parsed: Any) -> Engine:
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            return _sqlite_engine(parsed, self.url)
        if parsed.drivername == "postgresql":
            # A plain postgresql:// URL means psycopg 3, the driver of the ``postgres`` extra
            # (SQLAlchemy's own default is psycopg2).
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:
            raise StoreError(
                f"the database driver for {backend!r} is not installed ({exc})",
                source=self.url,
                hint="install it, e.g. pip install 'psycopg[binary]' for PostgreSQL",
            ) from exc
        except ArgumentError as exc:  # includes NoSuchModuleError: an unknown dialect
            raise StoreError(
                f"unknown kind of database {backend!r}",
                source=self.url,
                hint="use sqlite:///path/to/file.db or postgresql://user@host/db",
            ) from exc

    def _migrate(self) -> None:
        """Apply missing migrations, each in its own transaction; refuse a newer schema.

        The common case (an up-to-date store) only reads, so opening a store for an export
        never waits for a running writer.
        """
        with self._read("open the store") as conn:
            insp = inspect(conn)
            if insp.has_table(schema.schema_migrations.name):
                names = migrations.applied(conn)
            else:
                names = []
                # An SQLite file is one application's database: never add our tables to
                # another program's. (A PostgreSQL database is often shared; it may hold more.)
                others = insp.get_table_names() if conn.dialect.name == "sqlite" else []
                if others:
                    raise StoreError(
                        f"this SQLite database was not made by eventdesk (it has tables "
                        f"{', '.join(sorted(others)[:5])})",
                        source=self.url,
                        hint="point --db at an eventdesk store or at a new file name",
                    )
        migrations.check_not_newer(names, self.url)
        for migration in migrations.pending_migrations(names):
            with self._write(f"apply migration {migration.name}") as conn:
                schema.schema_migrations.create(conn, checkfirst=True)
                names = migrations.applied(conn)
                migrations.check_not_newer(names, self.url)
                migrations.apply_one(conn, migration)

    def close(self) -> None:
        """Release every connection (on SQLite this also folds the write-ahead log back in)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise _store_error(exc, self.url, action) from exc

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with self._errors(action), self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        Writers take turns on every database: SQLite's ``BEGIN IMMEDIATE`` takes its write
        lock, and on PostgreSQL a transaction-scoped advisory lock does the same (released at
        commit or rollback, or when a killed client's connection drops). Why one writer on a
        server that could do more: every write here is a short batch (the pipeline runs outside
        any transaction), and read-check-write steps such as duplicate detection, story
        positions and event linking are only correct when no other writer interleaves.
        """
        with self._errors(action), self._engine.connect() as conn:
            conn.execution_options(eventdesk_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_WRITE_LOCK}
                    )
                yield conn

    # -- articles --------------------------------------------------------------------------

    def add_articles(
        self,
        articles_in: Iterable[Article],
        batch_size: int = 500,
        near: NearDuplicateIndex | None = None,
    ) -> AddResult:
        """Store new articles, skipping duplicates; each batch of ``batch_size`` is committed.

        An article is a duplicate when a stored one has the same ``id`` and the same text, the
        same normalised URL, or the same text fingerprint (case, punctuation and spacing
        ignored); with ``near`` (an index of the stored articles' signatures, see
        :meth:`near_duplicate_index`), also when its MinHash signature is close to a stored
        one's (a copy with another header or footer). Duplicates are recorded in
        ``article_duplicates`` with their own metadata, linked to the stored original, and are
        never processed. An article whose ``id`` is stored with a different text replaces that
        text (counted as ``updated``): its old results stay until it is processed again, which
        :meth:`pending` now asks for.

        Every stored article's signature is saved in the same transaction as the article, so
        a later ingest can find copies of it. ``near`` learns a batch's articles only once the
        batch is committed.
        """
        if batch_size < 1:
            raise UsageError(f"batch_size must be at least 1, not {batch_size}")
        total = AddResult()
        for batch in _batched(articles_in, batch_size):
            rows = [_article_row(a) for a in batch]
            # The duplicate keys cost far more than the SQL: work them out before taking the
            # write lock, and not at all for articles already stored with this very text
            # (re-reading a feed is the common case).
            with self._read("check articles") as conn:
                stored = _stored_hashes(conn, [r["id"] for r in rows])
            sigs: dict[int, tuple[Any, int]] = {}
            for i, row in enumerate(rows):
                if stored.get(row["id"]) != row["text_sha1"]:
                    _add_keys(row)
                    sigs[i] = _text_signature(row["text"])
            check = _batch_check(near)
            with self._write("store articles") as conn:
                res = _add_batch(conn, rows, sigs, check)
            if check is not None:
                check.commit()
            total.merge(res)  # counted only once committed
        return total

    def near_duplicate_index(self) -> NearDuplicateIndex:
        """A near-duplicate index holding every stored article's signature (one read)."""
        from ..link.dedup import NearDuplicateIndex

        index = NearDuplicateIndex()
        with self._read("read article signatures") as conn:
            stmt = select(
                article_signatures.c.article_id,
                article_signatures.c.signature,
                article_signatures.c.n_words,
            )
            result = conn.execute(stmt, execution_options={"yield_per": _YIELD_PER})
            index.load((aid, bytes(sig), int(n)) for aid, sig, n in result)
        return index

    def get_article(self, article_id: str) -> Article | None:
        with self._read("read an article") as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        return _article(row) if row is not None else None

    def iter_articles(
        self, ids: Iterable[str] | None = None, batch: int = 1000
    ) -> Iterator[Article]:
        """Stored articles in ingest order, streamed ``batch`` rows at a time.

        With ``ids``, only those (in ingest order too; unknown ids are skipped).
        """
        with self._read("read articles") as conn:
            if ids is None:
                stmt = select(articles).order_by(articles.c.seq)
                result = conn.execute(stmt, execution_options={"yield_per": max(1, batch)})
                for row in result:
                    yield _article(row)
                return
            wanted = list(dict.fromkeys(ids))
            seqs: list[int] = []
            for chunk in _chunks(wanted):
                seqs.extend(
                    conn.execute(select(articles.c.seq).where(articles.c.id.in_(chunk))).scalars()
                )
            seqs.sort()
            for chunk in _chunks(seqs, max(1, min(batch, _IN_CHUNK))):
                stmt = select(articles).where(articles.c.seq.in_(chunk)).order_by(articles.c.seq)
                for row in conn.execute(stmt):
                    yield _article(row)

    def count(self, what: str = "articles") -> int:
        """How many rows of ``what``: articles, duplicates, events (real-world events, one per
        group of linked mentions), places, figures, entities, dates, stories or runs."""
        table = schema.COUNTABLE.get(what)
        if table is None:
            raise UsageError(
                f"cannot count {what!r}", hint=f"choose one of {', '.join(schema.COUNTABLE)}"
            )
        stmt = select(func.count()).select_from(table)
        if what == "events":  # real-world events: one per group of linked mentions
            stmt = stmt.where(events.c.linked_to.is_(None))
        with self._read(f"count {what}") as conn:
            return int(conn.execute(stmt).scalar_one())

    # -- processing ------------------------------------------------------------------------

    @staticmethod
    def _pending_condition(pipeline_key: str) -> Any:
        """Not processed under ``pipeline_key``, or processed from a text that has changed."""
        return or_(
            articles.c.processed_key.is_(None),
            articles.c.processed_key != pipeline_key,
            articles.c.processed_fingerprint.is_(None),
            articles.c.processed_fingerprint != articles.c.text_sha1,
        )

    def pending(self, pipeline_key: str, limit: int = 1000) -> list[Article]:
        """Up to ``limit`` articles (in ingest order) still to process under ``pipeline_key``.

        Duplicates are never stored as articles, so they are never pending.
        """
        stmt = (
            select(articles)
            .where(self._pending_condition(pipeline_key))
            .order_by(articles.c.seq)
            .limit(max(0, limit))
        )
        with self._read("find articles to process") as conn:
            return [_article(r) for r in conn.execute(stmt)]

    def count_pending(self, pipeline_key: str) -> int:
        stmt = (
            select(func.count()).select_from(articles).where(self._pending_condition(pipeline_key))
        )
        with self._read("count articles to process") as conn:
            return int(conn.execute(stmt).scalar_one())

    def claim(
        self,
        pipeline_key: str,
        token: str,
        limit: int = 1000,
        lease_s: float = CLAIM_LEASE_S,
    ) -> list[Article]:
        """Claim up to ``limit`` pending articles (ingest order) for the run named ``token``.

        Why claims: two ``process`` runs over one store (two terminals, two machines, a Ray
        driver beside a cron job) must split the work, not both process and save the same
        article. A claimed article is skipped by every other token until the claim is released
        (:meth:`save_documents` releases what it saves, :meth:`release` the rest) or its lease
        of ``lease_s`` seconds runs out. A claim made by a process of this machine that is no
        longer running is free at once, so a rerun after a crash resumes straight away.
        Articles this token already claims are returned again (unless saved since).

        One write transaction: SQLite's write lock and, on PostgreSQL, the writers' advisory
        lock plus ``FOR UPDATE SKIP LOCKED`` make the check and the claim one step.
        """
        now = datetime.now(UTC)
        until = (now + timedelta(seconds=lease_s)).isoformat(timespec="seconds")
        stamp = now.isoformat(timespec="seconds")
        with self._write("claim articles to process") as conn:
            _free_dead_claims(conn, stamp)
            free = or_(
                articles.c.claim_token.is_(None),
                articles.c.claim_token == token,
                articles.c.claim_until < stamp,
            )
            stmt = (
                select(articles.c.seq)
                .where(self._pending_condition(pipeline_key), free)
                .order_by(articles.c.seq)
                .limit(max(0, limit))
                .with_for_update(skip_locked=True)
            )
            seqs = list(conn.execute(stmt).scalars())
            out: list[Article] = []
            for chunk in _chunks(seqs):
                conn.execute(
                    update(articles)
                    .where(articles.c.seq.in_(chunk))
                    .values(claim_token=token, claim_until=until)
                )
                rows = conn.execute(
                    select(articles).where(articles.c.seq.in_(chunk)).order_by(articles.c.seq)
                )
                out.extend(_article(r) for r in rows)
        return out

    def release(self, token: str) -> int:
        """Release every claim of ``token`` (a run ending, or giving up); returns how many."""
        with self._write("release claimed articles") as conn:
            res = conn.execute(
                update(articles)
                .where(articles.c.claim_token == token)
                .values(claim_token=None, claim_until=None)
            )
            return int(res.rowcount or 0)

    def save_documents(
        self,
        docs: Sequence[Document],
        pipeline_key: str,
        story_update: StoryUpdate | None = None,
    ) -> set[tuple[str, str]]:
        """Replace the stored results of these documents' articles, in ONE transaction.

        For each document: its article's previous entities, dates, places, figures and events
        are deleted, the new ones inserted, and the article marked processed under
        ``pipeline_key`` with the hash of the text the document was made from. Either the whole
        batch lands or none of it. If an article's stored text changed while it was being
        processed, its results are saved but it stays pending (the hashes differ).

        With ``story_update``, the batch's story memberships land in the same transaction (see
        :class:`StoryUpdate`); every new event points at its article's story. The (ontology,
        event type) blocks whose events changed (the old events' and the new ones') are
        recorded in ``link_pending`` for :meth:`link_events`, and returned.
        """
        docs = list(docs)
        if not docs:
            return set()
        ids = [d.article.id for d in docs]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise StoreError(
                f"article {repeated[0]!r} appears twice in one batch of results",
                source=self.url,
                hint="save each article's document once per batch",
            )
        rows = _ResultRows.build(docs)
        now = _now()
        marks = [
            {
                "b_id": d.article.id,
                "b_key": pipeline_key,
                "b_fp": _sha1(d.article.text),
                "b_at": now,
            }
            for d in docs
        ]
        with self._write("save results") as conn:
            known: set[str] = set()
            for chunk in _chunks(ids):
                known.update(
                    conn.execute(select(articles.c.id).where(articles.c.id.in_(chunk))).scalars()
                )
            missing = [i for i in ids if i not in known]
            if missing:
                raise StoreError(
                    f"article {missing[0]!r} is not in the store; nothing of this batch was saved",
                    source=self.url,
                    hint="add articles with add_articles before saving their results",
                )
            touched = {(r["ontology"], r["event"]) for r in rows.events}
            for chunk in _chunks(ids):
                touched |= _delete_results(conn, list(chunk))
            rows.insert(conn)
            if story_update is not None:
                _add_to_stories(conn, story_update, self.url)
            _mark_pending(conn, touched)
            members = [aid for _, aid in story_update.members] if story_update else []
            _point_events_at_stories(conn, [*ids, *members])
            _mark_views_due(conn, [*ids, *members], story_update, now)
            conn.execute(
                update(articles)
                .where(articles.c.id == bindparam("b_id"))
                .values(
                    processed_key=bindparam("b_key"),
                    processed_fingerprint=bindparam("b_fp"),
                    processed_at=bindparam("b_at"),
                    claim_token=None,  # saved: whoever claimed it is done with it
                    claim_until=None,
                ),
                marks,
            )
        return touched

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Articles whose title or text holds every word of ``query``, best first.

        Each hit is ``{article_id, title, published, source, snippet}``. The query is only ever
        words: operators and quotes in it are ignored, never interpreted.
        """
        if limit < 1:
            raise UsageError(f"search limit must be at least 1, not {limit}")
        with self._read("search") as conn:
            if fts.has_index(conn):
                return fts.search_fts(conn, query, limit)
            return fts.search_like(conn, query, limit)

    # -- records out -----------------------------------------------------------------------

    def iter_events(self) -> Iterator[dict[str, Any]]:
        """Real-world events in the ``export events`` shape (CONTRACT.md): one record per group
        of linked mentions (:meth:`link_events`), in the order their first article was ingested,
        each article's events most salient first.

        A record's ``event_id`` is its group's (its earliest mention's id), its fields those of
        the group's most complete mention, with a party it leaves unnamed taken from another
        (:func:`_group_record`), and ``sources`` every mention's passage, across all articles,
        in ingest order.
        """
        stmt = (
            select(events, articles.c.seq.label("a_seq"))
            .join(articles, articles.c.id == events.c.article_id)
            .where(events.c.linked_to.is_(None))
            .order_by(articles.c.seq, events.c.rank)
        )
        with self._read("read events") as conn:
            result = conn.execute(stmt, execution_options={"yield_per": _YIELD_PER})
            for part in result.partitions():
                members: dict[str, list[Row[Any]]] = {r.event_id: [r] for r in part}
                for chunk in _chunks(list(members)):
                    more = (
                        select(events, articles.c.seq.label("a_seq"))
                        .join(articles, articles.c.id == events.c.article_id)
                        .where(events.c.linked_to.in_(chunk))
                    )
                    for r in conn.execute(more):
                        members[r.linked_to].append(r)
                ids = [r.event_id for rows in members.values() for r in rows]
                sources = _event_sources(conn, ids)
                for head in part:
                    rows = members[head.event_id]
                    passages = sorted(
                        (src for r in rows for src in sources.get(r.event_id, [])),
                        key=lambda src: (src["_seq"], src["start"], src["end"]),
                    )
                    for src in passages:
                        del src["_seq"]
                    rec = _group_record(rows, passages)
                    rec["event_id"], rec["story_id"] = head.event_id, head.story_id
                    yield rec

    def link_events(self, blocks: Iterable[tuple[str, str]] | None = None) -> int:
        """Recompute which stored mentions report one real-world event (``events.linked_to``).

        Only the given (ontology, event type) blocks are recomputed, by default those in
        ``link_pending`` (every block whose events changed since they were last linked):
        linking never compares events of other blocks, so the others cannot change. Runs in
        one write transaction that also clears the blocks from ``link_pending``. (Types that
        code one act, :data:`eventdesk.link.events.SHARED_ACTS`, are one block.) Returns how
        many mentions changed group. With nothing pending it only reads.
        """
        from ..link.events import block_types, link_events

        if blocks is None:
            with self._read("read blocks to link") as conn:
                pending = select(link_pending.c.ontology, link_pending.c.event)
                blocks = list(conn.execute(pending))
        # a block holds every type linked together with its own (they share acts)
        wanted = sorted({(o, t) for o, e in blocks for t in block_types(o, e)})
        if not wanted:
            return 0
        with self._write("link events") as conn:
            mentions: list[EventMention] = []
            current: dict[str, str | None] = {}
            base = select(
                events, articles.c.seq.label("a_seq"), articles.c.published.label("a_published")
            ).join(articles, articles.c.id == events.c.article_id)
            stmts = [base.where(events.c.ontology == o, events.c.event == e) for o, e in wanted]
            for stmt in stmts:
                for r in conn.execute(stmt, execution_options={"yield_per": _YIELD_PER}):
                    mentions.append(_mention(r))
                    current[r.event_id] = r.linked_to
            links = link_events(mentions)
            changes = [
                {"b_event": eid, "b_link": None if gid == eid else gid}
                for eid, gid in links.items()
                if current[eid] != (None if gid == eid else gid)
            ]
            if changes:
                conn.execute(
                    update(events)
                    .where(events.c.event_id == bindparam("b_event"))
                    .values(linked_to=bindparam("b_link")),
                    changes,
                )
            for o, e in wanted:
                conn.execute(
                    delete(link_pending).where(
                        link_pending.c.ontology == o, link_pending.c.event == e
                    )
                )
        return len(changes)

    def iter_figures(self) -> Iterator[dict[str, Any]]:
        """Figure groups in the ``export figures`` shape (CONTRACT.md), as
        :func:`eventdesk.figures.reconcile` forms them across all stored articles: one group
        per thing counted (wordings of one quantity reconciled, publication windows kept
        apart), ``discrepancy`` where the sources' values disagree beyond their qualifiers.
        Figures with no ``about`` count nothing nameable and are not exported (they stay in
        the ``figures`` table).

        Grouping needs every figure of a kind at once, so the figures with an ``about`` are
        read into memory (a few small fields each); the groups stream out.
        """
        from ..figures import ArticleMeta, reconcile

        stmt = (
            select(
                figures,
                articles.c.source.label("a_source"),
                articles.c.published.label("a_published"),
            )
            .join(articles, articles.c.id == figures.c.article_id)
            .where(figures.c.about_key.is_not(None))
            .order_by(articles.c.seq, figures.c.start)
        )
        items: list[tuple[Figure, ArticleMeta]] = []
        metas: dict[str, ArticleMeta] = {}
        with self._read("read figures") as conn:
            for r in conn.execute(stmt, execution_options={"yield_per": _YIELD_PER}):
                meta = metas.get(r.article_id)
                if meta is None:
                    meta = ArticleMeta(r.article_id, r.a_source, r.a_published)
                    metas[r.article_id] = meta
                items.append((_figure(r), meta))
        for group in reconcile(items):
            yield group.to_dict()

    def iter_places(self) -> Iterator[dict[str, Any]]:
        """Place mentions: the ``extract`` place fields plus ``article_id`` and ``sentence``."""
        yield from self._iter_mentions(places, _place_record)

    def iter_entities(self) -> Iterator[dict[str, Any]]:
        """Entity mentions: the ``extract`` entity fields (plus ``code``), ``article_id``,
        ``sentence``."""
        yield from self._iter_mentions(entities, _entity_record)

    def iter_dates(self) -> Iterator[dict[str, Any]]:
        """Date mentions: the ``extract`` date fields plus ``article_id`` and ``sentence``."""
        yield from self._iter_mentions(dates, _date_record)

    def _iter_mentions(self, table: Any, make: Any) -> Iterator[dict[str, Any]]:
        stmt = (
            select(table)
            .join(articles, articles.c.id == table.c.article_id)
            .order_by(articles.c.seq, table.c.start, table.c.id)
        )
        with self._read(f"read {table.name}") as conn:
            for row in conn.execute(stmt, execution_options={"yield_per": _YIELD_PER}):
                yield make(row)

    def iter_stories(self) -> Iterator[dict[str, Any]]:
        """Stories in the ``export stories`` shape (CONTRACT.md), by id."""
        with self._read("read stories") as conn:
            result = conn.execute(select(stories).order_by(stories.c.story_id))
            for part in result.partitions(_IN_CHUNK):
                ids = [r.story_id for r in part]
                members: dict[str, list[str]] = {}
                stmt = (
                    select(story_articles.c.story_id, story_articles.c.article_id)
                    .where(story_articles.c.story_id.in_(ids))
                    .order_by(story_articles.c.story_id, story_articles.c.position)
                )
                for sid, aid in conn.execute(stmt):
                    members.setdefault(sid, []).append(aid)
                for row in part:
                    yield {
                        "story_id": row.story_id,
                        "title": row.title,
                        "article_ids": members.get(row.story_id, []),
                        "timeline": json.loads(row.timeline_json),
                        "summary": json.loads(row.summary_json),
                    }

    def save_stories(self, new_stories: Sequence[Story]) -> None:
        """Replace all stories with ``new_stories`` in one transaction, and point each event
        named in a story's timeline at that story (``events.story_id``)."""
        now = _now()
        story_rows = []
        member_rows = []
        event_links = []
        for st in new_stories:
            story_rows.append(
                {
                    "story_id": st.story_id,
                    "title": st.title,
                    "timeline_json": json.dumps(
                        [asdict(t) for t in st.timeline], ensure_ascii=False
                    ),
                    "summary_json": json.dumps([asdict(s) for s in st.summary], ensure_ascii=False),
                    "updated_at": now,
                }
            )
            member_rows.extend(
                {"story_id": st.story_id, "article_id": aid, "position": i}
                for i, aid in enumerate(dict.fromkeys(st.article_ids))
            )
            event_links.extend(
                {"b_event": eid, "b_story": st.story_id} for t in st.timeline for eid in t.event_ids
            )
        with self._write("save stories") as conn:
            conn.execute(update(events).values(story_id=None))
            conn.execute(delete(story_articles))
            conn.execute(delete(stories))
            if story_rows:
                conn.execute(stories.insert(), story_rows)
            if member_rows:
                conn.execute(story_articles.insert(), member_rows)
            if event_links:
                conn.execute(
                    update(events)
                    .where(events.c.event_id == bindparam("b_event"))
                    .values(story_id=bindparam("b_story")),
                    event_links,
                )

    def story_state(self) -> list[dict[str, Any]]:
        """Incremental story clustering's saved state, least recently active story first: the
        rows :meth:`eventdesk.link.stories.StoryClusterer.from_state` resumes from."""
        stmt = select(story_state).order_by(story_state.c.activity, story_state.c.story_id)
        with self._read("read story state") as conn:
            return [
                {
                    "story_id": r.story_id,
                    "centroid_sum": bytes(r.centroid),
                    "n": r.n,
                    "entities": json.loads(r.entities_json),
                    "first": r.first,
                    "last": r.last,
                    "title": r.title,
                }
                for r in conn.execute(stmt)
            ]

    def story_documents(
        self, story_id: str, limit: int = 60
    ) -> tuple[list[Document], dict[str, list[tuple[str, Event]]]]:
        """The latest ``limit`` articles of a story rebuilt as documents from stored results.

        Each document has its sentences, dates, figures and events; with them come, per
        article, the ``(event id, event)`` pairs naming each event by its real-world event id.
        Enough for a timeline and a summary without parsing the articles again (articles
        processed before sentences were stored come back without sentences)."""
        with self._read("read story documents") as conn:
            stmt = (
                select(story_articles.c.article_id)
                .where(story_articles.c.story_id == story_id)
                .order_by(story_articles.c.position.desc())
                .limit(limit)
            )
            ids = list(reversed(list(conn.execute(stmt).scalars())))
            by_article: dict[str, list[tuple[str, Event]]] = {}
            if not ids:
                return [], by_article
            docs = {
                r.id: Document(article=_article(r))
                for r in conn.execute(select(articles).where(articles.c.id.in_(ids)))
            }
            rows = conn.execute(
                select(sentences).where(sentences.c.article_id.in_(ids))
                .order_by(sentences.c.article_id, sentences.c.idx)
            )
            for r in rows:
                doc = docs[r.article_id]
                doc.sentences.append(
                    Sentence(r.idx, r.start, r.end, doc.article.text[r.start : r.end])
                )
            for r in conn.execute(
                select(dates).where(dates.c.article_id.in_(ids)).order_by(dates.c.start)
            ):
                docs[r.article_id].dates.append(
                    DateMention(span=_stored_span(r), value=r.value, precision=r.precision,
                                relative=bool(r.relative), reason=r.reason)
                )
            for r in conn.execute(
                select(figures).where(figures.c.article_id.in_(ids)).order_by(figures.c.start)
            ):
                docs[r.article_id].figures.append(
                    Figure(span=_stored_span(r), value=r.value, unit=r.unit, about=r.about,
                           approximate=bool(r.approximate), bound=r.bound)
                )
            stmt = (
                select(events.c.event_id, events.c.linked_to, events.c.article_id,
                       events.c.event, events.c.mode, events.c.ontology, events.c.date,
                       events.c.date_precision, events.c.sequence, events.c.start,
                       events.c.end, events.c.confidence, events.c.negated,
                       events.c.hypothetical, events.c.reported)
                .where(events.c.article_id.in_(ids))
                .order_by(events.c.article_id, events.c.rank)
            )
            for r in conn.execute(stmt):
                doc = docs[r.article_id]
                span = Span(r.article_id, r.sequence, r.start, r.end,
                            doc.article.text[r.start : r.end])
                ev = Event(event=r.event, span=span, mode=r.mode, ontology=r.ontology,
                           date=r.date, date_precision=r.date_precision,
                           confidence=r.confidence, negated=bool(r.negated),
                           hypothetical=bool(r.hypothetical), reported=bool(r.reported))
                doc.events.append(ev)
                by_article.setdefault(r.article_id, []).append((r.linked_to or r.event_id, ev))
        return [docs[i] for i in ids if i in docs], by_article

    def save_story_views(
        self, story_id: str, timeline: Sequence[Any], summary: Sequence[Any]
    ) -> None:
        """Store a story's timeline and summary (``export stories``), in one transaction."""
        with self._write("save story views") as conn:
            conn.execute(
                update(stories)
                .where(stories.c.story_id == story_id)
                .values(
                    timeline_json=json.dumps([_view_dict(t) for t in timeline],
                                             ensure_ascii=False),
                    summary_json=json.dumps([_view_dict(x) for x in summary],
                                            ensure_ascii=False),
                    updated_at=_now(),
                    views_due=None,
                )
            )

    def stories_due_views(self) -> list[str]:
        """Stories whose articles changed since their timeline and summary were last built
        (a run stopped before rebuilding them leaves them here)."""
        with self._read("read stories due a rebuild") as conn:
            stmt = select(stories.c.story_id).where(stories.c.views_due.is_not(None))
            return sorted(conn.execute(stmt).scalars())

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> the story it is in, for those of ``article_ids`` in one."""
        out: dict[str, str] = {}
        with self._read("read story members") as conn:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                stmt = select(story_articles.c.article_id, story_articles.c.story_id).where(
                    story_articles.c.article_id.in_(chunk)
                )
                out.update({aid: sid for aid, sid in conn.execute(stmt)})
        return out

    def event_blocks(self) -> set[tuple[str, str]]:
        """Every stored (ontology, event type): pass to :meth:`link_events` to relink all."""
        with self._read("read event types") as conn:
            stmt = select(events.c.ontology, events.c.event).distinct()
            return {(o, e) for o, e in conn.execute(stmt)}

    # -- runs ------------------------------------------------------------------------------

    def record_run(self, command: str, config: dict[str, Any]) -> int:
        """Start a row in ``runs`` with the resolved configuration; returns its id."""
        # default=str: a config may hold paths; their text is what a reader needs.
        cfg = json.dumps(config, ensure_ascii=False, sort_keys=True, default=str)
        with self._write("record the run") as conn:
            res = conn.execute(
                schema.runs.insert().values(
                    command=command, eventdesk=__version__, started_at=_now(), config_json=cfg
                )
            )
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, counts: dict[str, Any]) -> None:
        """Close a run's row with what it did."""
        body = json.dumps(counts, ensure_ascii=False, sort_keys=True, default=str)
        with self._write("record the run") as conn:
            res = conn.execute(
                update(schema.runs)
                .where(schema.runs.c.id == run_id)
                .values(finished_at=_now(), counts_json=body)
            )
            if res.rowcount != 1:
                raise StoreError(f"no run {run_id} to finish", source=self.url)


# -- claims ---------------------------------------------------------------------------------


def claim_token() -> str:
    """A token naming this process's claims: host, process id and a random part.

    The host and process id let another run on this machine see that a claim's owner has
    died (:func:`_free_dead_claims`); the random part keeps two runs of one process apart.
    """
    import socket
    import uuid

    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True


def _free_dead_claims(conn: Connection, stamp: str) -> None:
    """Release live-leased claims whose owner was a process of this host that has ended."""
    import socket

    host = socket.gethostname()
    stmt = (
        select(articles.c.claim_token)
        .where(articles.c.claim_token.is_not(None), articles.c.claim_until >= stamp)
        .distinct()
    )
    dead = []
    for token in conn.execute(stmt).scalars():
        owner, _, rest = token.partition(":")
        pid = rest.partition(":")[0]
        if owner == host and pid.isdigit() and not _pid_alive(int(pid)):
            dead.append(token)
    if dead:
        conn.execute(
            update(articles)
            .where(articles.c.claim_token.in_(dead))
            .values(claim_token=None, claim_until=None)
        )


# -- SQLite ---------------------------------------------------------------------------------


def _sqlite_engine(parsed: Any, shown_url: str) -> Engine:
    """An SQLite engine: WAL journal, foreign keys on, busy timeout, transactions we control.

    The ``sqlite3`` module's own transaction handling is switched off (it does not begin a
    transaction before DDL or SELECT) and SQLAlchemy's ``begin`` emits ``BEGIN`` itself:
    ``BEGIN IMMEDIATE`` for writes, so a writer holds the write lock from its first statement
    and cannot fail half-way through a batch because another process wrote in between.
    """
    database = parsed.database
    memory = database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {}
    if memory:
        # One connection for all: each new connection to :memory: would be a new, empty database.
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        folder = Path(database).parent
        if not folder.is_dir():
            raise StoreError(
                f"the folder {str(folder)!r} for the database does not exist",
                source=shown_url,
                hint="create it first, or give another --db",
            )
    engine = create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA foreign_keys = ON")
            if not memory:
                cur.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL is safe against a crashed or killed process (only an OS crash
            # or power cut can lose the last commits) and much faster than FULL.
            cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("eventdesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# -- articles in and out --------------------------------------------------------------------


def _article_row(art: Article) -> dict[str, Any]:
    """The ``articles`` row of an incoming article, without its duplicate keys yet."""
    try:
        extra_json = (
            json.dumps(art.extra, ensure_ascii=False, sort_keys=True) if art.extra else None
        )
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"article {art.id!r}: its extra fields cannot be stored as JSON ({exc})",
            hint="extra fields must be JSON values (text, numbers, lists, objects)",
        ) from exc
    return {
        "id": art.id,
        "title": art.title,
        "published": art.published,
        "source": art.source,
        "url": art.url,
        "text_sha1": _sha1(art.text),
        "language": art.language,
        "origin": art.origin,
        "extra_json": extra_json,
        "text": art.text,
    }


def _add_keys(row: dict[str, Any]) -> None:
    """Fill in an incoming row's duplicate keys: normalised URL and text fingerprint."""
    if "fingerprint" in row:
        return
    from ..ingest import normalise_url, text_fingerprint

    row["url_key"] = (normalise_url(row["url"]) if row["url"] else "") or None
    row["fingerprint"] = text_fingerprint(row["text"])


def _stored_hashes(conn: Connection, ids: list[str]) -> dict[str, str]:
    """id -> text_sha1 of the stored articles among ``ids``."""
    out: dict[str, str] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        stmt = select(articles.c.id, articles.c.text_sha1).where(articles.c.id.in_(chunk))
        out.update({aid: sha for aid, sha in conn.execute(stmt)})
    return out


def _text_signature(text: str) -> tuple[Any, int]:
    from ..link.near import text_signature

    return text_signature(text)


def _batch_check(near: NearDuplicateIndex | None) -> BatchCheck | None:
    if near is None:
        return None
    from ..link.near import BatchCheck

    return BatchCheck(near)


def _signature_row(aid: str, sig: tuple[Any, int]) -> dict[str, Any]:
    values, n_words = sig
    return {"article_id": aid, "signature": values.astype("<u8").tobytes(), "n_words": n_words}


def _add_batch(
    conn: Connection,
    rows: list[dict[str, Any]],
    sigs: dict[int, tuple[Any, int]],
    check: BatchCheck | None = None,
) -> AddResult:
    """Sort one batch into new, updated and duplicate articles and write them (with the
    signatures of the stored ones). ``sigs`` maps a row's position to its signature."""
    res = AddResult()
    now = _now()
    # id -> text_sha1 of what is (or will be) stored; read again under the write lock.
    by_id = _stored_hashes(conn, [r["id"] for r in rows])
    for i, row in enumerate(rows):
        if by_id.get(row["id"]) != row["text_sha1"]:
            _add_keys(row)  # a no-op unless another process wrote since the first look
            if i not in sigs:
                sigs[i] = _text_signature(row["text"])
    keyed = [r for r in rows if "fingerprint" in r]
    url_keys = list({r["url_key"] for r in keyed if r["url_key"]})
    fps = list({r["fingerprint"] for r in keyed if r["fingerprint"] != _EMPTY_FINGERPRINT})

    by_url: dict[str, str] = {}  # url_key -> id of the first stored article with it
    by_fp: dict[str, str] = {}
    for chunk in _chunks(url_keys):
        stmt = (
            select(articles.c.url_key, articles.c.id)
            .where(articles.c.url_key.in_(chunk))
            .order_by(articles.c.seq.desc())
        )
        by_url.update({k: aid for k, aid in conn.execute(stmt)})  # earliest wins
    for chunk in _chunks(fps):
        stmt = (
            select(articles.c.fingerprint, articles.c.id)
            .where(articles.c.fingerprint.in_(chunk))
            .order_by(articles.c.seq.desc())
        )
        by_fp.update({k: aid for k, aid in conn.execute(stmt)})

    inserts: dict[str, dict[str, Any]] = {}  # id -> row, in input order
    updates: dict[str, dict[str, Any]] = {}
    dups: dict[str, dict[str, Any]] = {}
    signature_rows: dict[str, dict[str, Any]] = {}  # id -> its signature's row, latest text
    for i, row in enumerate(rows):
        aid = row["id"]
        if aid in by_id:
            if by_id[aid] == row["text_sha1"]:
                res.duplicates += 1
                res.duplicate_of.append((aid, aid))
                continue
            # Same article, new text: replace it. Its old results stay until re-processed.
            by_id[aid] = row["text_sha1"]
            res.updated += 1
            _add_keys(row)
            if aid in inserts:  # repeated within this batch: store the latest text
                inserts[aid] = {**inserts[aid], **row}
            else:
                updates[aid] = row
            signature_rows[aid] = _signature_row(aid, sigs[i])
            continue
        original = None
        reason = ""
        similarity = None
        if row["url_key"] and row["url_key"] in by_url:
            original, reason = by_url[row["url_key"]], "url"
        elif row["fingerprint"] != _EMPTY_FINGERPRINT and row["fingerprint"] in by_fp:
            original, reason = by_fp[row["fingerprint"]], "text"
        elif check is not None and (match := check.check(*sigs[i])) is not None:
            original, reason, similarity = match.original_id, "near", match.similarity
            res.near_duplicates += 1
        if original is not None:
            res.duplicates += 1
            res.duplicate_of.append((aid, original))
            dups[aid] = {
                "id": aid,
                "duplicate_of": original,
                "reason": reason,
                "title": row["title"],
                "published": row["published"],
                "source": row["source"],
                "url": row["url"],
                "origin": row["origin"],
                "seen_at": now,
                "similarity": similarity,
            }
            continue
        res.new += 1
        inserts[aid] = {**row, "ingested_at": now}
        signature_rows[aid] = _signature_row(aid, sigs[i])
        if check is not None:
            check.accept(aid, *sigs[i])
        by_id[aid] = row["text_sha1"]
        if row["url_key"]:
            by_url.setdefault(row["url_key"], aid)
        if row["fingerprint"] != _EMPTY_FINGERPRINT:
            by_fp.setdefault(row["fingerprint"], aid)

    if inserts:
        conn.execute(articles.insert(), list(inserts.values()))
        # An id once recorded as a duplicate that now arrives as an article of its own.
        for chunk in _chunks(list(inserts)):
            conn.execute(delete(article_duplicates).where(article_duplicates.c.id.in_(chunk)))
    for aid, row in updates.items():
        values = {k: v for k, v in row.items() if k != "id"}
        conn.execute(update(articles).where(articles.c.id == aid).values(**values, updated_at=now))
    if dups:
        for chunk in _chunks(list(dups)):
            conn.execute(delete(article_duplicates).where(article_duplicates.c.id.in_(chunk)))
        conn.execute(article_duplicates.insert(), list(dups.values()))
    if signature_rows:
        for chunk in _chunks(list(signature_rows)):
            conn.execute(
                delete(article_signatures).where(article_signatures.c.article_id.in_(chunk))
            )
        conn.execute(article_signatures.insert(), list(signature_rows.values()))
    return res


def _stored_span(row: Row[Any]) -> Span:
    """The provenance span of a stored mention row."""
    return Span(row.article_id, row.sentence, row.start, row.end, row.text,
                row.component, row.confidence)


def _article(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        text=row.text,
        title=row.title,
        published=row.published,
        source=row.source,
        url=row.url,
        language=row.language,
        origin=row.origin,
        extra=json.loads(row.extra_json) if row.extra_json else {},
    )


# -- results in -----------------------------------------------------------------------------


def _span_values(span: Any) -> dict[str, Any]:
    return {
        "article_id": span.article_id,
        "sentence": span.sentence,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "component": span.component,
        "confidence": float(span.confidence),
    }


def _place_values(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "latitude": place.lat,
        "longitude": place.lon,
        "country": place.country,
        "admin1": place.admin1,
        "geonameid": place.geonameid,
        "feature": place.feature,
    }


@dataclass
class _ResultRows:
    """The rows one batch of documents becomes, built before the transaction opens."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, docs: Sequence[Document]) -> _ResultRows:
        out = cls()
        for doc in docs:
            aid = doc.article.id
            out.sentences.extend(
                {"article_id": aid, "idx": x.index, "start": x.start, "end": x.end}
                for x in doc.sentences
            )
            for e in doc.entities:
                out.entities.append(
                    {
                        **_span_values(e.span),
                        "article_id": aid,
                        "kind": e.kind,
                        "canonical": e.canonical,
                        "country": e.country,
                        "sector": e.sector,
                        "code": e.code,
                    }
                )
            for d in doc.dates:
                out.dates.append(
                    {
                        **_span_values(d.span),
                        "article_id": aid,
                        "value": d.value,
                        "precision": d.precision,
                        "relative": bool(d.relative),
                        "reason": d.reason,
                    }
                )
            for p in doc.places:
                out.places.append(
                    {
                        **_span_values(p.span),
                        "article_id": aid,
                        **_place_values(p),
                        "level": p.level,
                    }
                )
            for f in doc.figures:
                if not math.isfinite(float(f.value)):
                    raise StoreError(
                        f"article {aid!r}: figure {f.span.text!r} has no finite value "
                        f"({f.value}); nothing of this batch was saved",
                        hint="a pipeline stage produced an impossible value; please report it",
                    )
                out.figures.append(
                    {
                        **_span_values(f.span),
                        "article_id": aid,
                        "value": float(f.value),
                        "unit": f.unit,
                        "about": f.about,
                        "about_key": normalise_about(f.about),
                        "approximate": bool(f.approximate),
                        "bound": f.bound,
                    }
                )
            seen: dict[str, int] = {}
            for rank, ev in enumerate(doc.events):
                base = event_id(aid, ev)
                n = seen.get(base, 0)
                seen[base] = n + 1
                eid = base if n == 0 else event_id(aid, ev, n)
                out.events.append(_event_values(eid, aid, rank, ev))
                out.sources.append(
                    {
                        "event_id": eid,
                        "article_id": aid,
                        "sequence": ev.span.sentence,
                        "start": ev.span.start,
                        "end": ev.span.end,
                        "text": ev.span.text,
                    }
                )
        return out

    def insert(self, conn: Connection) -> None:
        for table, rows in (
            (entities, self.entities),
            (dates, self.dates),
            (places, self.places),
            (figures, self.figures),
            (events, self.events),
            (event_sources, self.sources),
            (sentences, self.sentences),
        ):
            if rows:
                conn.execute(table.insert(), rows)


def _actor_values(prefix: str, actor: Any) -> dict[str, Any]:
    also = getattr(actor, "also", ()) if actor else ()
    return {
        f"{prefix}_entity_text": actor.entity_text if actor else None,
        f"{prefix}_code": actor.code if actor else None,
        f"{prefix}_country": actor.country if actor else None,
        f"{prefix}_sector": actor.sector if actor else None,
        f"{prefix}_also": json.dumps(actor.to_dict()["also"]) if also else None,
    }


def _also(row: Row[Any], prefix: str) -> list[dict[str, Any]]:
    """The stored other parties of ``prefix`` (actor, recipient); [] for none or a row stored
    before the column existed."""
    raw = getattr(row, f"{prefix}_also", None)
    if not raw:
        return []
    try:
        parties = json.loads(raw)
    except ValueError:
        return []  # a hand-edited cell: the main party still stands
    return [p for p in parties if isinstance(p, dict) and p.get("entity_text")]


def _event_values(eid: str, aid: str, rank: int, ev: Event) -> dict[str, Any]:
    loc = ev.location
    return {
        "event_id": eid,
        "story_id": None,
        "article_id": aid,
        "rank": rank,
        "event": ev.event,
        "mode": ev.mode,
        "ontology": ev.ontology,
        **_actor_values("actor", ev.actor),
        **_actor_values("recipient", ev.recipient),
        "date": ev.date,
        "date_precision": ev.date_precision,
        "location_text": loc.span.text if loc else None,
        "location_start": loc.span.start if loc else None,
        "location_end": loc.span.end if loc else None,
        "place_name": loc.name if loc else None,
        "latitude": loc.lat if loc else None,
        "longitude": loc.lon if loc else None,
        "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "feature": loc.feature if loc else None,
        "place_level": loc.level if loc else None,
        "dead": ev.size.dead,
        "injured": ev.size.injured,
        "arrested": ev.size.arrested,
        "confidence": float(ev.confidence),
        "negated": bool(ev.negated),
        "hypothetical": bool(ev.hypothetical),
        "reported": bool(ev.reported),
        "salience": float(ev.salience),
        "trigger_text": ev.trigger.text if ev.trigger else None,
        "trigger_start": ev.trigger.start if ev.trigger else None,
        "trigger_end": ev.trigger.end if ev.trigger else None,
        "sequence": ev.span.sentence,
        "start": ev.span.start,
        "end": ev.span.end,
        "component": ev.span.component,
        "linked_to": None,
    }


def _delete_results(conn: Connection, ids: list[str]) -> set[tuple[str, str]]:
    """Remove what earlier runs stored for these articles (within the caller's transaction).

    Events are stored per mention, so only these articles' mentions go; other articles' mentions
    that were linked to one of them stand alone (``linked_to`` NULL) until the next
    :meth:`Store.link_events`, never lost or pointing at nothing. Returns the (ontology, type)
    blocks of the removed events.
    """
    for table in (entities, dates, places, figures, sentences):
        conn.execute(delete(table).where(table.c.article_id.in_(ids)))
    doomed = select(events.c.event_id).where(events.c.article_id.in_(ids))
    touched = {
        (o, e)
        for o, e in conn.execute(
            select(events.c.ontology, events.c.event).where(events.c.article_id.in_(ids)).distinct()
        )
    }
    conn.execute(
        update(events)
        .where(events.c.linked_to.in_(doomed), events.c.article_id.not_in(ids))
        .values(linked_to=None)
    )
    conn.execute(delete(event_sources).where(event_sources.c.article_id.in_(ids)))
    # An event goes with its last source.
    conn.execute(
        delete(events).where(
            events.c.article_id.in_(ids),
            ~exists(select(1).where(event_sources.c.event_id == events.c.event_id)),
        )
    )
    return touched


def _view_dict(item: Any) -> dict[str, Any]:
    """A timeline entry or summary sentence as stored: its own ``to_dict`` where it has one."""
    to_dict = getattr(item, "to_dict", None)
    return to_dict() if callable(to_dict) else asdict(item)


def _mark_views_due(conn: Connection, article_ids: list[str], up: StoryUpdate | None,
                    now: str) -> None:
    """Flag the stories holding ``article_ids`` (and any a merge kept) as due a view rebuild,
    in the batch's own transaction."""
    due: set[str] = set(up.merged.values()) if up is not None else set()
    for chunk in _chunks(list(dict.fromkeys(article_ids))):
        due.update(conn.execute(
            select(story_articles.c.story_id).where(story_articles.c.article_id.in_(chunk))
        ).scalars())
    for chunk in _chunks(sorted(due)):
        conn.execute(update(stories).where(stories.c.story_id.in_(chunk)).values(views_due=now))


def _add_to_stories(conn: Connection, up: StoryUpdate, url: str) -> None:
    """Write one :class:`StoryUpdate`, touching only the stories it changed."""
    now = _now()
    top = conn.execute(select(func.max(story_state.c.activity))).scalar_one()
    base = int(top or 0)
    state_rows = [
        {
            "story_id": st["story_id"],
            "centroid": st["centroid_sum"],
            "n": int(st["n"]),
            "entities_json": json.dumps(st.get("entities") or {}, ensure_ascii=False),
            "first": st.get("first"),
            "last": st.get("last"),
            "title": st.get("title"),
            "activity": base + i + 1,
        }
        for i, st in enumerate(up.states)
    ]
    touched = list(
        dict.fromkeys([*(st["story_id"] for st in up.states), *(sid for sid, _ in up.members)])
    )
    known: set[str] = set()
    sizes: dict[str, int] = {}
    for chunk in _chunks(touched):
        conn.execute(delete(story_state).where(story_state.c.story_id.in_(chunk)))
        known.update(
            conn.execute(select(stories.c.story_id).where(stories.c.story_id.in_(chunk))).scalars()
        )
        stmt = (
            select(story_articles.c.story_id, func.count())
            .where(story_articles.c.story_id.in_(chunk))
            .group_by(story_articles.c.story_id)
        )
        sizes.update({sid: int(n) for sid, n in conn.execute(stmt)})
    if state_rows:
        conn.execute(story_state.insert(), state_rows)
    fresh = [sid for sid in touched if sid not in known]
    untitled = [sid for sid in fresh if not up.titles.get(sid)]
    if untitled:
        raise StoreError(
            f"story {untitled[0]!r} is new but has no title; nothing of this batch was saved",
            source=url,
            hint="give every new story a title in StoryUpdate.titles",
        )
    if fresh:
        conn.execute(
            stories.insert(),
            [
                {
                    "story_id": sid,
                    "title": up.titles[sid],
                    "timeline_json": "[]",
                    "summary_json": "[]",
                    "updated_at": now,
                }
                for sid in fresh
            ],
        )
    for chunk in _chunks(sorted(known)):
        conn.execute(update(stories).where(stories.c.story_id.in_(chunk)).values(updated_at=now))
    moved = _merge_stories(conn, up.merged, sizes)
    member_rows = []
    for sid, aid in up.members:
        member_rows.append({"story_id": sid, "article_id": aid, "position": sizes.get(sid, 0)})
        sizes[sid] = sizes.get(sid, 0) + 1
    if member_rows:
        conn.execute(story_articles.insert(), member_rows)
    if moved:
        _point_events_at_stories(conn, moved)


def _merge_stories(conn: Connection, merged: dict[str, str], sizes: dict[str, int]) -> list[str]:
    """Move the articles of merged-away stories to the stories that absorbed them (appended in
    their old order) and delete the merged-away stories; returns the moved article ids."""
    moved: list[str] = []
    for gone, keep in merged.items():
        if gone == keep:
            continue
        if keep not in sizes:
            stmt = select(func.count()).where(story_articles.c.story_id == keep)
            sizes[keep] = int(conn.execute(stmt).scalar_one())
        stmt = (
            select(story_articles.c.article_id)
            .where(story_articles.c.story_id == gone)
            .order_by(story_articles.c.position)
        )
        aids = list(conn.execute(stmt).scalars())
        conn.execute(delete(story_articles).where(story_articles.c.story_id == gone))
        conn.execute(delete(story_state).where(story_state.c.story_id == gone))
        conn.execute(delete(stories).where(stories.c.story_id == gone))
        rows = []
        for aid in aids:
            rows.append({"story_id": keep, "article_id": aid, "position": sizes[keep]})
            sizes[keep] += 1
        if rows:
            conn.execute(story_articles.insert(), rows)
        moved.extend(aids)
    return moved


def _point_events_at_stories(conn: Connection, article_ids: Sequence[str]) -> None:
    """Set ``events.story_id`` of these articles' events to their article's story (or NULL)."""
    story_of = (
        select(story_articles.c.story_id)
        .where(story_articles.c.article_id == events.c.article_id)
        .order_by(story_articles.c.story_id)
        .limit(1)
        .scalar_subquery()
    )
    for chunk in _chunks(list(dict.fromkeys(article_ids))):
        conn.execute(update(events).where(events.c.article_id.in_(chunk)).values(story_id=story_of))


def _mark_pending(conn: Connection, blocks: set[tuple[str, str]]) -> None:
    """Record ``blocks`` in ``link_pending`` (those already there stay once)."""
    if not blocks:
        return
    have = {(o, e) for o, e in conn.execute(select(link_pending.c.ontology, link_pending.c.event))}
    rows = [{"ontology": o, "event": e} for o, e in sorted(blocks - have)]
    if rows:
        conn.execute(link_pending.insert(), rows)


# -- records out ----------------------------------------------------------------------------


def _event_sources(conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """event id -> its passages; each carries ``_seq`` (its article's ingest order) to sort on."""
    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(event_ids):
        stmt = (
            select(
                event_sources,
                articles.c.seq.label("a_seq"),
                articles.c.source.label("a_source"),
                articles.c.published.label("a_published"),
            )
            .join(articles, articles.c.id == event_sources.c.article_id)
            .where(event_sources.c.event_id.in_(chunk))
            .order_by(articles.c.seq, event_sources.c.start)
        )
        for r in conn.execute(stmt):
            out.setdefault(r.event_id, []).append(
                {
                    "article_id": r.article_id,
                    "source": r.a_source,
                    "published": r.a_published,
                    "sequence": r.sequence,
                    "start": r.start,
                    "end": r.end,
                    "text": r.text,
                    "_seq": r.a_seq,
                }
            )
    return out


def _completeness(row: Row[Any]) -> int:
    """How much of an event a mention says: who, to whom, when (a day counts more), where,
    how many."""
    sizes = (row.dead, row.injured, row.arrested)
    return (
        (row.actor_entity_text is not None)
        + (row.recipient_entity_text is not None)
        + (row.date is not None)
        + (row.date_precision == "day")
        + (row.location_start is not None)
        + (row.place_level in ("point", "city"))
        + any(v is not None for v in sizes)
    )


def _representative_key(r: Row[Any]) -> tuple[bool, int, float, int, int]:
    """Which mention's fields stand for its group (the smallest key): a factual one before a
    negated or hypothetical one, then the most complete, the most confident, the earliest."""
    return (bool(r.negated) or bool(r.hypothetical), -_completeness(r), -float(r.confidence),
            r.a_seq, r.rank)


def _mention(row: Row[Any]) -> EventMention:
    """A stored ``events`` row (joined with its article's ``seq``) as linking sees it."""
    from ..link.events import ActorKey, EventMention, PlaceKey

    def actor(prefix: str) -> ActorKey | None:
        text = getattr(row, f"{prefix}_entity_text")
        if text is None:
            return None
        return ActorKey(
            text=text,
            code=getattr(row, f"{prefix}_code"),
            country=getattr(row, f"{prefix}_country"),
            sector=getattr(row, f"{prefix}_sector"),
            also=tuple(ActorKey(text=p["entity_text"], code=p.get("code"),
                                country=p.get("country"), sector=p.get("sector"))
                       for p in _also(row, prefix)),
        )

    place = None
    if row.location_start is not None:
        place = PlaceKey(
            name=row.place_name,
            geonameid=row.geonameid,
            lat=row.latitude,
            lon=row.longitude,
            country=row.country,
            admin1=row.admin1,
            level=row.place_level or _level_of_feature(row.feature),
        )
    return EventMention(
        event_id=row.event_id,
        article_id=row.article_id,
        order=(int(row.a_seq), int(row.rank)),
        event=row.event,
        ontology=row.ontology,
        mode=row.mode,
        actor=actor("actor"),
        recipient=actor("recipient"),
        date=row.date,
        date_precision=row.date_precision,
        place=place,
        negated=bool(row.negated),
        hypothetical=bool(row.hypothetical),
        story_id=row.story_id,
        published=row.a_published,
    )


def _level_of_feature(feature: str | None) -> str | None:
    """A place's level from its GeoNames feature code, for rows stored before ``place_level``."""
    if not feature:
        return None
    if feature == "country" or feature.startswith("PCL"):
        return "country"
    if feature in ("admin1", "ADM1"):
        return "admin1"
    if feature.startswith("PPL") or feature in ("ADM2", "ADM3", "city"):
        return "city"
    return "point"


def _figure(row: Row[Any]) -> Figure:
    return Figure(
        span=Span(
            article_id=row.article_id,
            sentence=row.sentence,
            start=row.start,
            end=row.end,
            text=row.text,
            component=row.component,
            confidence=float(row.confidence),
        ),
        value=float(row.value),
        unit=row.unit,
        about=row.about,
        approximate=bool(row.approximate),
        bound=row.bound,
    )


def _group_record(rows: list[Row[Any]], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of one real-world event: its representative mention's fields, with a party
    that mention leaves unnamed taken from the next mention that names it.

    Why: outlets name different parts of one event. "The January 3 strike that killed Iranian
    General Qasem Soleimani" is the most complete report of the strike (a day, a city) but says
    nothing of who struck; another article's "killed in a US airstrike" does. Linking already
    refused to join mentions whose parties conflict, so the party one member names is the
    group's. Only parties are filled: a place or date carries a span in its own article. And
    only from a mention of the same day where the representative has one: a vaguer mention
    ("capable of attacking people" in 2020) may have joined the group loosely, within its
    article, and its party would then be a guess stated as fact. The party must be resolved (a
    code): an unresolved one is as likely a parsing slip as a name.
    """
    ordered = sorted(rows, key=_representative_key)
    head = ordered[0]
    rec = _event_record(head, sources)
    day = head.date if head.date_precision == "day" else None
    for prefix, other in (("actor", "recipient"), ("recipient", "actor")):
        if rec[prefix] is not None:
            continue
        taken = (rec[other] or {}).get("code")
        for row in ordered[1:]:
            if row.negated or row.hypothetical:
                break  # factual mentions come first; a hypothetical one names no party of it
            if day is not None and (row.date != day or row.date_precision != "day"):
                continue
            party = _actor_record(row, prefix)
            if party is not None and party["code"] and party["code"] != taken:
                rec[prefix] = party
                break
    return rec


def _actor_record(row: Row[Any], prefix: str) -> dict[str, Any] | None:
    text = getattr(row, f"{prefix}_entity_text")
    if text is None:
        return None
    return {
        "entity_text": text,
        "code": getattr(row, f"{prefix}_code"),
        "country": getattr(row, f"{prefix}_country"),
        "sector": getattr(row, f"{prefix}_sector"),
        "also": _also(row, prefix),
    }


def _event_record(row: Row[Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    location = None
    if row.location_start is not None:
        location = {
            "text": row.location_text,
            "start": row.location_start,
            "end": row.location_end,
            "name": row.place_name,
            "lat": row.latitude,
            "lon": row.longitude,
            "country": row.country,
            "admin1": row.admin1,
            "geonameid": row.geonameid,
            "feature": row.feature,
        }
    trigger = None
    if row.trigger_start is not None:
        trigger = {"text": row.trigger_text, "start": row.trigger_start, "end": row.trigger_end}
    return {
        "event_id": row.event_id,
        "story_id": row.story_id,
        "event": row.event,
        "mode": row.mode,
        "ontology": row.ontology,
        "actor": _actor_record(row, "actor"),
        "recipient": _actor_record(row, "recipient"),
        "date": row.date,
        "date_precision": row.date_precision,
        "location": location,
        "size": {"dead": row.dead, "injured": row.injured, "arrested": row.arrested},
        "text_info": {"sequence": row.sequence, "start": row.start, "end": row.end},
        "confidence": round(float(row.confidence), 4),
        "trigger": trigger,
        "negated": bool(row.negated),
        "hypothetical": bool(row.hypothetical),
        "reported": bool(row.reported),
        "sources": sources,
    }


def _mention_base(row: Row[Any]) -> dict[str, Any]:
    return {"text": row.text, "start": row.start, "end": row.end}


def _mention_where(row: Row[Any]) -> dict[str, Any]:
    return {"article_id": row.article_id, "sentence": row.sentence}


def _place_record(row: Row[Any]) -> dict[str, Any]:
    return {
        **_mention_base(row),
        "name": row.name,
        "lat": row.latitude,
        "lon": row.longitude,
        "country": row.country,
        "admin1": row.admin1,
        "geonameid": row.geonameid,
        "feature": row.feature,
        **_mention_where(row),
    }


def _entity_record(row: Row[Any]) -> dict[str, Any]:
    return {
        **_mention_base(row),
        "kind": row.kind,
        "canonical": row.canonical,
        "country": row.country,
        "sector": row.sector,
        "code": row.code,
        **_mention_where(row),
    }


def _date_record(row: Row[Any]) -> dict[str, Any]:
    return {
        **_mention_base(row),
        "value": row.value,
        "precision": row.precision,
        **_mention_where(row),
    }
