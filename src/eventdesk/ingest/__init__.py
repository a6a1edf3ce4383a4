"""Ingest: input paths to :class:`~eventdesk.types.Article` objects, the pipeline's first step.

A PATH is a file or a folder (recursed in sorted order, hidden entries skipped) of ``.txt``,
``.html``/``.htm``, ``.json``/``.jsonl`` feeds and RSS/Atom (``.xml``/``.rss``/``.atom``, or any
file whose content opens a feed); ``-`` is JSON Lines on stdin. See CONTRACT.md for the record
shape and the ids.

Why errors are reported, not raised: a real archive always holds some broken files, and one bad
line must not lose the other hundred thousand. Each problem becomes an :class:`InputError` that
names the file (or ``file:line``) and what to do, handed to ``report``; reading goes on. Without
a ``report`` callback the first problem raises instead, for callers that want all-or-nothing.
A PATH that does not exist is a usage mistake and raises at once, before anything is read.

Every text passes :func:`clean_text` here, so all offsets computed later refer to the stored
text. Heavy libraries (trafilatura, feedparser, charset-normalizer, dateparser) are imported
only when a file needs them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..types import Article
from . import readers
from .dates import DateParseError, folder_date, normalise_published
from .readers import SkippedInput
from .records import MAX_ARTICLE_CHARS, record_to_article
from .text import clean_text, clean_title, normalise_url, stable_id, text_fingerprint

__all__ = [
    "MAX_ARTICLE_CHARS",
    "DateParseError",
    "IngestStats",
    "SkippedInput",
    "clean_text",
    "clean_title",
    "folder_date",
    "normalise_published",
    "normalise_url",
    "read_paths",
    "record_to_article",
    "stable_id",
    "text_fingerprint",
]

_KINDS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",
}
_HINT_TYPES = "eventdesk reads .txt, .html, .json/.jsonl and RSS/Atom XML"


@dataclass(slots=True)
class IngestStats:
    """What one :func:`read_paths` run did, for the CLI's summary line."""

    files: int = 0  # files opened
    articles: int = 0  # articles yielded
    skipped: int = 0  # files, lines, records or entries left out for a reported problem
    warnings: int = 0  # problems reported where the article was kept (e.g. an unreadable date)
    ignored: int = 0  # files in folders whose type eventdesk does not read


class _Sink:
    """Counts problems and passes them on to ``report``, or raises when there is none."""

    def __init__(self, report: Callable[[InputError], None] | None, stats: IngestStats):
        self.report = report
        self.stats = stats

    def __call__(self, err: InputError) -> None:
        if isinstance(err, SkippedInput):
            self.stats.skipped += 1
        else:
            self.stats.warnings += 1
        if self.report is None:
            raise err
        self.report(err)


def read_paths(
    paths: Sequence[str],
    *,
    report: Callable[[InputError], None] | None = None,
    stdin: IO[bytes] | None = None,
    stats: IngestStats | None = None,
) -> Iterator[Article]:
    """The articles in ``paths``, in order; problems go to ``report`` (or raise without it).

    Raises :class:`InputError` at once (before the first article) for a PATH that does not
    exist. ``stdin`` is read for ``-`` (default ``sys.stdin.buffer``); ``stats``, when given,
    is filled in as the iterator is consumed.
    """
    if isinstance(paths, str):  # one path given bare: not a sequence of one-letter paths
        paths = [paths]
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise InputError(
                "does not exist", source=p, hint="check the path; give files or folders of articles"
            )
    sink = _Sink(report, stats if stats is not None else IngestStats())
    return _read_all(paths, sink, stdin)


def _read_all(paths: Sequence[str], sink: _Sink, stdin: IO[bytes] | None) -> Iterator[Article]:
    for p in paths:
        if p == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _guarded(
                lambda s=stream: readers.read_jsonl_stream(s, "<stdin>", sink), sink
            )
            continue
        root = Path(p)
        if root.is_dir():
            for path in readers.walk(root, sink):
                kind = _kind(path, in_folder=True)
                if kind is None:
                    sink.stats.ignored += 1
                    continue
                art_id = path.relative_to(root).as_posix()
                yield from _read_file(path, kind, art_id, sink, folder_date(path, root))
        else:
            kind = _kind(root, in_folder=False)
            yield from _read_file(root, kind, root.name, sink, folder_date(root))


def _kind(path: Path, *, in_folder: bool) -> str | None:
    """The reader for a file: by extension, else by content (a feed), else None.

    A file named directly without any extension is read as text (decoding still refuses binary
    data); one with another extension (``.csv``, ``.pdf``) is reported as unsupported rather
    than read as one long article. Inside a folder such files are ignored and counted, since
    folders of news also hold images and notes.
    """
    kind = _KINDS.get(path.suffix.lower())
    if kind is not None:
        return kind
    if readers.read_file_kind(path) == "feed":
        return "feed"
    if in_folder:
        return None
    return "txt" if not path.suffix else "unsupported"


def _read_file(
    path: Path, kind: str | None, art_id: str, sink: _Sink, day: str | None
) -> Iterator[Article]:
    """One file's articles; ``day`` is its folder's date, used where the file gives none."""
    sink.stats.files += 1

    def articles() -> Iterator[Article]:
        if kind == "txt":
            return readers.read_txt(path, art_id, day)
        if kind == "html":
            return readers.read_html(path, art_id, day)
        if kind == "json":
            return readers.read_json(path, sink, day)
        if kind == "jsonl":
            return readers.read_jsonl(path, sink, day)
        if kind == "feed":
            return readers.read_feed(path, sink, day)
        if kind == "xml":
            if readers.read_file_kind(path) == "feed":
                return readers.read_feed(path, sink, day)
            raise InputError(
                "is XML but not an RSS or Atom feed", source=str(path), hint=_HINT_TYPES
            )
        raise InputError(
            f"is of a type eventdesk does not read ({path.suffix or 'no extension'})",
            source=str(path),
            hint=_HINT_TYPES,
        )

    yield from _guarded(articles, sink)


def _guarded(make: Callable[[], Iterator[Article]], sink: _Sink) -> Iterator[Article]:
    """Run one file's reader; a file-level problem is reported and the next file goes on."""
    try:
        for article in make():
            sink.stats.articles += 1
            yield article
    except InputError as err:
        if sink.report is None:
            raise  # all-or-nothing mode: the first problem ends the run
        sink(err if isinstance(err, SkippedInput) else SkippedInput(err))
