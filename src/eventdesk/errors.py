"""Errors with stable codes that say what went wrong, where, and what to do next.

The CLI maps :class:`InputError` to exit status 2 and any other :class:`EventdeskError` to 1,
printing the one-line message (CONTRACT.md).
"""

from __future__ import annotations


class EventdeskError(Exception):
    """Base error: ``code`` is stable (E0xx), the message names the input and the remedy."""

    code = "E000"

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None):
        self.message = message
        self.source = source
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.source}: " if self.source else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"[{self.code}] {where}{self.message}{hint}"


class InputError(EventdeskError):
    """The input cannot be read as articles (missing, empty, binary, malformed)."""

    code = "E010"


class UsageError(EventdeskError):
    """The command was called wrongly (bad option value, unknown ontology)."""

    code = "E020"


class StoreError(EventdeskError):
    """The store cannot be opened or written (bad URL, locked, full disk, newer schema)."""

    code = "E030"


class ModelError(EventdeskError):
    """A model package is missing or a model file cannot be loaded."""

    code = "E040"
