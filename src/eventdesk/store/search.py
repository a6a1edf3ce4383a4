"""Full-text search over article titles and text: the store's one dialect-specific part.

On SQLite an FTS5 index (``articles_fts``) is kept in sync with ``articles`` by triggers on
insert, update and delete. It is an *external-content* table (``content=[articles]``): the text
is stored once, in ``articles``, and Datasette recognises the index and offers search on the
table. Elsewhere (PostgreSQL, or an SQLite built without FTS5) a portable case-insensitive
substring match is used instead.

User query text never reaches SQL or FTS syntax: it is split into words, each word becomes a
quoted FTS phrase (or an escaped LIKE pattern), and the result is passed as a bound parameter.
So ``'; DROP TABLE articles; --``, ``"unbalanced`` or ``NEAR(`` are searched as the words they
contain, and a query with no words at all (``*``) matches nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import Connection, and_, or_, select, text

from .schema import articles

log = logging.getLogger(__name__)

FTS_TABLE = "articles_fts"

# Words as FTS5's unicode61 tokenizer sees them: runs of letters, digits (and marks).
_WORD = re.compile(r"\w+", re.UNICODE)

_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, text, content=[articles], content_rowid=[seq], "
    "tokenize='unicode61 remove_diacritics 2')",
    # Keep the index in step with the table. For an external-content table a row is removed
    # from the index by inserting the special 'delete' command with the row's *old* values.
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.seq, old.title, old.text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF title, text ON articles BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.seq, old.title, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
)


def create_index(conn: Connection) -> None:
    """Create the full-text index where the database supports one (SQLite with FTS5)."""
    if conn.dialect.name != "sqlite":
        return  # the portable LIKE search needs no index
    if not _sqlite_has_fts5(conn):
        log.warning("this SQLite has no FTS5: search will scan article text instead")
        return
    for ddl in _FTS_DDL:
        conn.exec_driver_sql(ddl)
    # Index what is already stored (nothing on a new database; everything on an old one).
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _sqlite_has_fts5(conn: Connection) -> bool:
    opts = {row[0] for row in conn.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in opts


def has_index(conn: Connection) -> bool:
    """Whether this database has the FTS5 index (checked per call: it is one cheap lookup)."""
    if conn.dialect.name != "sqlite":
        return False
    row = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE},
    ).first()
    return row is not None


def query_words(query: str) -> list[str]:
    """The words of a user query; everything else (quotes, operators, punctuation) is dropped."""
    return _WORD.findall(query)


def fts_match(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word: each one a quoted phrase, so no word can
    be read as an operator (``NEAR``, ``AND``, ``NOT``) or a column filter."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search_fts(conn: Connection, query: str, limit: int) -> list[dict[str, Any]]:
    """Best matches first (BM25), with a snippet around the matched words."""
    words = query_words(query)
    if not words:
        return []
    sql = text(
        f"SELECT a.id, a.title, a.published, a.source, "
        f"snippet({FTS_TABLE}, 1, '[', ']', '…', 16) AS snip "
        f"FROM {FTS_TABLE} JOIN articles AS a ON a.seq = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH :match ORDER BY {FTS_TABLE}.rank, a.seq LIMIT :limit"
    )
    rows = conn.execute(sql, {"match": fts_match(words), "limit": limit})
    return [
        {
            "article_id": r.id,
            "title": r.title,
            "published": r.published,
            "source": r.source,
            "snippet": r.snip,
        }
        for r in rows
    ]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_like(conn: Connection, query: str, limit: int) -> list[dict[str, Any]]:
    """The portable search: articles whose title or text holds every word (case-insensitive),
    in ingest order. Slower than an index, but the same answers on every database."""
    words = query_words(query)
    if not words:
        return []
    conds = [
        or_(
            articles.c.title.ilike(_like_pattern(w), escape="\\"),
            articles.c.text.ilike(_like_pattern(w), escape="\\"),
        )
        for w in words
    ]
    stmt = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.published,
            articles.c.source,
            articles.c.text,
        )
        .where(and_(*conds))
        .order_by(articles.c.seq)
        .limit(limit)
    )
    return [
        {
            "article_id": r.id,
            "title": r.title,
            "published": r.published,
            "source": r.source,
            "snippet": snippet(r.text, words),
        }
        for r in conn.execute(stmt)
    ]


def snippet(body: str, words: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``body`` around the first word found, the words marked
    ``[like this]`` as the FTS snippet marks them."""
    low = body.casefold()
    hits = [i for i in (low.find(w.casefold()) for w in words) if i >= 0]
    at = min(hits) if hits else 0
    lo = max(0, at - width // 2)
    hi = min(len(body), lo + width)
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    piece = re.sub(f"({alternatives})", r"[\1]", body[lo:hi], flags=re.IGNORECASE)
    return ("…" if lo > 0 else "") + piece + ("…" if hi < len(body) else "")
