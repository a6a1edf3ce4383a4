"""The store: one narrow interface over a SQL database (SQLite by default, PostgreSQL too).

Everything that keeps articles and results between commands goes through :class:`Store`; no
other module writes SQL. See :mod:`.core` for the operations, :mod:`.schema` for the tables
(plain tables that open unchanged in Datasette), :mod:`.migrations` for how the schema evolves
and :mod:`.search` for full-text search, the one dialect-specific part.

Importing this package imports SQLAlchemy: callers import it lazily (``import eventdesk`` does
not).
"""

from __future__ import annotations

from .core import (
    DEFAULT_URL,
    ENV_VAR,
    AddResult,
    Store,
    StoryUpdate,
    claim_token,
    event_id,
    normalise_about,
    resolve_url,
)

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "AddResult",
    "Store",
    "StoryUpdate",
    "claim_token",
    "event_id",
    "normalise_about",
    "resolve_url",
]
