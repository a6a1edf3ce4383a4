"""Named, ordered schema migrations, applied when a store is opened.

Why named migrations from the first version on: a store outlives the code that made it (a
week-long ingest, an archive shared between analysts). Each migration is recorded by name in
``schema_migrations`` when it is applied, in the same transaction as its DDL, so a store is
always at a known point of this list. Opening a store applies the missing ones in order, each in
its own transaction. A store holding a migration this code does not know was written by a newer
eventdesk: it is refused rather than written with an older idea of the schema.

Adding a migration: append a :class:`Migration` with a new name to :data:`MIGRATIONS` (never
rename, reorder or edit an applied one), change :mod:`.schema` to match, and make the function
tolerate a database that already has the change (the first migration creates the tables as
:mod:`.schema` describes them now, so a fresh database already has every later column).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, Table, inspect, select

from ..errors import StoreError
from . import schema, search


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history: a stable ``name`` and the function applying it."""

    name: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    """The version-1 tables and indexes, plus the full-text index where the database has one."""
    schema.metadata.create_all(conn, tables=list(schema.TABLES_V1), checkfirst=True)
    search.create_index(conn)


def _add_column(conn: Connection, table: Table, column: Column[object]) -> None:
    """``ALTER TABLE ... ADD COLUMN`` unless the column is there (a fresh database has it).

    Only nullable columns without a default are added this way: that is what both SQLite and
    PostgreSQL can add to a table holding rows, in any version.
    """
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    if column.name in present:
        return
    quote = conn.dialect.identifier_preparer.quote
    kind = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}")


def _linking(conn: Connection) -> None:
    """Cross-article linking: ``events.linked_to`` (+ index) and ``events.place_level``,
    ``article_duplicates.similarity``, and the ``article_signatures`` and ``story_state``
    tables that near-duplicate detection and story clustering resume from."""
    _add_column(conn, schema.events, schema.events.c.linked_to)
    _add_column(conn, schema.events, schema.events.c.place_level)
    _add_column(conn, schema.article_duplicates, schema.article_duplicates.c.similarity)
    indexes = {ix["name"] for ix in inspect(conn).get_indexes(schema.events.name)}
    for index in schema.events.indexes:
        if index.name == "ix_events_linked_to" and index.name not in indexes:
            index.create(conn)
    schema.metadata.create_all(conn, tables=list(schema.TABLES_V2), checkfirst=True)


def _claims(conn: Connection) -> None:
    """``articles.claim_token``/``claim_until``: concurrent ``process`` runs split the work."""
    _add_column(conn, schema.articles, schema.articles.c.claim_token)
    _add_column(conn, schema.articles, schema.articles.c.claim_until)


def _sentences(conn: Connection) -> None:
    """The ``sentences`` table: sentence boundaries of processed articles (story views)."""
    schema.metadata.create_all(conn, tables=list(schema.TABLES_V4), checkfirst=True)


def _query_indexes(conn: Connection) -> None:
    """Composite indexes for the desk's filtered events table (:data:`schema.
    QUERY_INDEXES_EVENTS`), each created unless present (a fresh database has them)."""
    present = {ix["name"] for ix in inspect(conn).get_indexes(schema.events.name)}
    for index in schema.QUERY_INDEXES_EVENTS:
        if index.name not in present:
            index.create(conn)


def _story_views_due(conn: Connection) -> None:
    """``stories.views_due``: stories whose timeline and summary await a rebuild survive a
    crash between saving a batch and rebuilding them (``process`` rebuilds them next run)."""
    _add_column(conn, schema.stories, schema.stories.c.views_due)


def _co_parties(conn: Connection) -> None:
    """``events.actor_also``/``recipient_also``: the other parties joined to an event's actor
    or recipient in the text ("killed Muhandis and Soleimani"), which linking compares."""
    _add_column(conn, schema.events, schema.events.c.actor_also)
    _add_column(conn, schema.events, schema.events.c.recipient_also)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _initial),
    Migration("0002_linking", _linking),
    Migration("0003_claims", _claims),
    Migration("0004_sentences", _sentences),
    Migration("0005_query_indexes", _query_indexes),
    Migration("0006_story_views_due", _story_views_due),
    Migration("0007_co_parties", _co_parties),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def applied(conn: Connection) -> list[str]:
    """Names recorded in ``schema_migrations`` (empty for a new database)."""
    return [r[0] for r in conn.execute(select(schema.schema_migrations.c.name))]


def check_not_newer(names: list[str], url: str) -> None:
    """Refuse a store that a newer eventdesk has migrated past what this code knows."""
    known = {m.name for m in MIGRATIONS}
    unknown = sorted(set(names) - known)
    if unknown:
        raise StoreError(
            "schema is newer than this eventdesk; upgrade eventdesk",
            source=url,
            hint=f"the store has migration(s) {', '.join(unknown)} that this version lacks",
        )


def pending_migrations(names: list[str]) -> list[Migration]:
    done = set(names)
    return [m for m in MIGRATIONS if m.name not in done]


def apply_one(conn: Connection, migration: Migration) -> bool:
    """Apply ``migration`` inside the caller's transaction unless another process already did
    (the check runs under the write lock, so two processes opening a new store both succeed).
    Returns whether it was applied here."""
    if migration.name in applied(conn):
        return False
    migration.apply(conn)
    conn.execute(schema.schema_migrations.insert().values(name=migration.name, applied_at=_now()))
    return True
