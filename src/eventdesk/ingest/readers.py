"""One reader per input format; each yields articles and raises :class:`InputError` per file.

Why bounded reads everywhere: ingest is the one stage that meets arbitrary files. A 200 MB text
dump, a giant JSONL line or a disk image in the news folder must give a clear error after
reading a few bytes, not exhaust memory. Sizes are checked before a file is opened, and every
read asks for at most one byte more than the limit.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import warnings
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..types import Article
from . import records
from .dates import DateParseError, normalise_published
from .decode import SNIFF_BYTES, binary_kind, bom_encoding, decode_text, read_limited
from .text import clean_text, clean_title

Report = Callable[[InputError], None]


def max_text_bytes() -> int:
    """Bytes a text file may have: 4 per character (UTF-8's worst case) of the article limit."""
    return 4 * records.MAX_ARTICLE_CHARS


def max_markup_bytes() -> int:
    """HTML and feed files carry markup besides the text: allow ten bytes per character."""
    return 10 * records.MAX_ARTICLE_CHARS


def max_line_bytes() -> int:
    """A JSONL line: JSON escapes (``\\u00e9``) take up to six bytes per character."""
    return 6 * records.MAX_ARTICLE_CHARS + 64 * 1024


MAX_JSON_BYTES = 64 * 1024 * 1024  # a .json file is parsed whole; bigger ones should be JSONL

_HINT_JSONL = "each line must be one JSON object with a string 'text'; fix or remove the line"


def _too_large(source: str, size: int, limit: int, what: str) -> InputError:
    return InputError(
        f"is {size:,} bytes, over the {limit:,}-byte limit for {what}",
        source=source,
        hint="split it into one file per article, or into JSONL with one article a line",
    )


def read_bytes(path: Path, limit: int, what: str = "one article") -> bytes:
    """The whole file, refused (after a ``stat``, before any read) when over ``limit``."""
    source = str(path)
    try:
        st = path.stat()
        if path.is_file() and st.st_size > limit:
            raise _too_large(source, st.st_size, limit, what)
        with path.open("rb") as f:
            return read_limited(f, limit, source)
    except OSError as exc:
        raise InputError(
            f"cannot be read: {exc.strerror or exc}",
            source=source,
            hint="check it exists and you may read it",
        ) from exc


def _check_text_size(text: str, source: str) -> None:
    if len(text) > records.MAX_ARTICLE_CHARS:
        raise InputError(
            f"has {len(text):,} characters, over the {records.MAX_ARTICLE_CHARS:,} limit",
            source=source,
            hint="split the article or leave it out",
        )


# --- .txt -----------------------------------------------------------------------------------


def read_txt(path: Path, art_id: str, day: str | None) -> Iterator[Article]:
    """A plain-text file is one article; its title is not guessed (first lines may be anything)."""
    source = str(path)
    text = decode_text(read_bytes(path, max_text_bytes()), source)
    _check_text_size(text, source)
    text = clean_text(text)
    if not text:
        raise InputError(
            "has no text (only spaces or invisible characters)",
            source=source,
            hint="remove it or give it some text",
        )
    yield Article(id=art_id, text=text, published=day, origin=source)


# --- .html ----------------------------------------------------------------------------------


def read_html(path: Path, art_id: str, day: str | None) -> Iterator[Article]:
    """The main text of a web page (trafilatura), its title, site, canonical URL and date.

    The date comes from the page's markup only (htmldate without its text-wide search): a date
    mentioned somewhere in the body is not the publication date. Nothing is ever fetched: the
    libraries are given the parsed document, never a URL.
    """
    source = str(path)
    markup = decode_text(read_bytes(path, max_markup_bytes()), source, html=True)
    # lxml refuses str input that carries an XML encoding declaration; it is decoded already.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup, count=1)

    from htmldate import find_date
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(markup)
    if tree is None:
        raise _no_html_text(source)
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = find_date(tree, extensive_search=False, original_date=True)
    doc = bare_extraction(load_html(markup), with_metadata=True, include_comments=False)
    raw = (doc.text or "") if doc is not None else ""
    _check_text_size(raw, source)
    text = clean_text(raw)
    if not text:
        raise _no_html_text(source)
    published = None
    if found:
        try:
            published = normalise_published(found)
        except DateParseError:
            published = None
    yield Article(
        id=art_id,
        text=text,
        title=clean_title(doc.title),
        published=published or day,
        source=clean_title(doc.sitename),
        url=(doc.url or "").strip() or None,
        language=(language or "").strip() or None,
        origin=source,
    )


def _no_html_text(source: str) -> InputError:
    return InputError(
        "has no extractable article text",
        source=source,
        hint="check it is an article page (not an index, a script-only page or an empty "
        "template), or give the text as .txt",
    )


# --- .json / .jsonl -------------------------------------------------------------------------

_LIST_KEYS = ("articles", "items", "data", "records")


def read_json(path: Path, report: Report, day: str | None) -> Iterator[Article]:
    """A list of records, one record, or an object holding the list under a common key."""
    source = str(path)
    data = read_bytes(path, MAX_JSON_BYTES, "a .json file (use .jsonl for big feeds)")
    text = _decode_json_bytes(data, source)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several JSON values: it is JSON Lines named .json
            yield from _records_from_lines(
                _enumerate_text_lines(io.StringIO(text)), source, report, day
            )
            return
        raise InputError(
            f"is not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno}, "
            f"column {exc.colno}",
            source=source,
            hint="fix the JSON, or give one record a line as .jsonl",
        ) from None
    except RecursionError:
        raise InputError(
            "is JSON nested too deeply to be an article feed",
            source=source,
            hint="give a list of article records",
        ) from None
    default_published = day
    if isinstance(obj, dict):
        for key in _LIST_KEYS:
            if isinstance(obj.get(key), list):
                obj = obj[key]
                break
    if isinstance(obj, list):
        if not obj:
            report(
                InputError(
                    "holds an empty list: no articles",
                    source=source,
                    hint="remove it or add records",
                )
            )
        for i, rec in enumerate(obj):
            try:
                yield records.record_to_article(
                    rec, f"{source}[{i}]", report=report, default_published=default_published
                )
            except InputError as err:
                report(SkippedInput(err))
        return
    yield records.record_to_article(obj, source, report=report, default_published=default_published)


def _decode_json_bytes(data: bytes, source: str) -> str:
    if not data.strip():
        raise InputError("is empty", source=source, hint="remove it or give it records")
    bom = bom_encoding(data)
    if bom is not None:
        return data[bom[1] :].decode(bom[0], errors="replace")
    kind = binary_kind(data[:SNIFF_BYTES])
    if kind is not None:
        raise InputError(
            f"looks binary ({kind}), not JSON", source=source, hint="give a UTF-8 JSON file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not valid UTF-8 (byte {exc.start})",
            source=source,
            hint="re-save it as UTF-8, as JSON requires",
        ) from None


class SkippedInput(InputError):
    """A problem that cost an input (a file, line, record or entry), as opposed to a warning.

    ``report`` receives both; a caller that counts what was left out checks for this class
    (an unreadable date is reported as a plain :class:`InputError`, its article kept).
    """

    def __init__(self, err: InputError):
        super().__init__(err.message, source=err.source, hint=err.hint)


def read_jsonl(path: Path, report: Report, day: str | None) -> Iterator[Article]:
    """One record a line, streamed: memory holds one line at a time, whatever the file's size."""
    source = str(path)
    try:
        f = path.open("rb")
    except OSError as exc:
        raise InputError(
            f"cannot be read: {exc.strerror or exc}",
            source=source,
            hint="check it exists and you may read it",
        ) from exc
    with f:
        yield from read_jsonl_stream(f, source, report, day)


def read_jsonl_stream(
    stream: IO[bytes], source: str, report: Report, default_published: str | None = None
) -> Iterator[Article]:
    """Records from a JSONL byte stream (a file or stdin); bad lines are reported and skipped."""
    head = _peek(stream)
    if head is not None:
        bom = bom_encoding(head)
        if bom is not None and bom[0] != "utf-8":
            # UTF-16/32 JSON Lines: the endian codec keeps the BOM, dropped from line one.
            wide = io.TextIOWrapper(stream, encoding=bom[0], errors="replace", newline="")
            try:
                yield from _records_from_lines(
                    _enumerate_text_lines(wide, strip_bom=True), source, report, default_published
                )
            finally:
                wide.detach()  # leave the caller's stream open (it may be stdin)
            return
        if bom is None:
            kind = binary_kind(head)
            if kind is not None:
                raise InputError(
                    f"looks binary ({kind}), not JSON Lines",
                    source=source,
                    hint="give a UTF-8 JSONL file, one JSON object a line",
                )
        if not head:
            raise InputError("is empty", source=source, hint="remove it or give it records")
    yield from _records_from_lines(
        _enumerate_byte_lines(stream, source), source, report, default_published
    )


def _peek(stream: IO[bytes]) -> bytes | None:
    """The first bytes of the stream without consuming them, where the stream allows it."""
    try:
        if stream.seekable():
            pos = stream.tell()
            head = stream.read(SNIFF_BYTES)
            stream.seek(pos)
            return head if isinstance(head, bytes) else None
    except (OSError, ValueError):
        return None
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(SNIFF_BYTES)
        return head[:SNIFF_BYTES] if isinstance(head, bytes) else None
    return None


# A line is (line number, text) or (line number, InputError explaining why it cannot be read).
_Line = tuple[int, "str | InputError"]


def _enumerate_byte_lines(stream: IO[bytes], source: str) -> Iterator[_Line]:
    limit = max_line_bytes()
    lineno = 0
    while True:
        raw: bytes | str = stream.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if isinstance(raw, str):  # a text stream was passed (e.g. sys.stdin): accept it
            raw = raw.encode("utf-8", errors="surrogatepass")
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without holding it
                chunk = stream.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n" if isinstance(chunk, bytes) else "\n"):
                    break
            yield (
                lineno,
                InputError(
                    f"line is over the {limit:,}-byte limit",
                    source=f"{source}:{lineno}",
                    hint="an article may have at most "
                    f"{records.MAX_ARTICLE_CHARS:,} characters; split or remove it",
                ),
            )
            continue
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                lineno,
                InputError(
                    f"is not valid UTF-8 (byte {exc.start} of the line)",
                    source=f"{source}:{lineno}",
                    hint="re-save the file as UTF-8, as JSON Lines requires",
                ),
            )


def _enumerate_text_lines(stream: IO[str], *, strip_bom: bool = False) -> Iterator[_Line]:
    limit = max_line_bytes()
    for lineno, line in enumerate(iter(lambda: stream.readline(limit + 1), ""), start=1):
        if lineno == 1 and strip_bom:
            line = line.removeprefix("\ufeff")
        yield lineno, line


def _records_from_lines(
    lines: Iterator[_Line], source: str, report: Report, default_published: str | None
) -> Iterator[Article]:
    seen = 0
    for lineno, line in lines:
        where = f"{source}:{lineno}"
        if isinstance(line, InputError):
            seen += 1
            report(SkippedInput(line))
            continue
        if not line.strip():
            continue
        seen += 1
        try:
            rec: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            report(
                SkippedInput(
                    InputError(
                        f"is not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}",
                        source=where,
                        hint=_HINT_JSONL,
                    )
                )
            )
            continue
        except RecursionError:
            report(
                SkippedInput(
                    InputError("is JSON nested too deeply", source=where, hint=_HINT_JSONL)
                )
            )
            continue
        try:
            yield records.record_to_article(
                rec, where, report=report, default_published=default_published
            )
        except InputError as err:
            report(SkippedInput(err))
    if not seen:
        report(
            SkippedInput(
                InputError(
                    "has no records (only blank lines)",
                    source=source,
                    hint="remove it or give it records",
                )
            )
        )


# --- RSS / Atom -----------------------------------------------------------------------------

_FEED_ROOT = re.compile(
    r"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?(rss|feed|RDF)\b",
    re.DOTALL | re.IGNORECASE,
)


def looks_like_feed(head: bytes) -> bool:
    """Whether the first bytes of a file open an RSS, Atom or RSS 1.0 (RDF) document."""
    bom = bom_encoding(head)
    if bom is not None:
        text = head[bom[1] :].decode(bom[0], errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return _FEED_ROOT.match(text[:8192]) is not None


class _TextOfHtml(HTMLParser):
    """Text of an HTML fragment with block elements on their own lines; never raises."""

    _BLOCK = frozenset(
        {
            "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
            "table", "blockquote", "pre", "section", "article", "header", "footer", "figure",
            "figcaption", "hr", "dd", "dt",
        }
    )  # fmt: skip
    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML content: paragraphs on their own lines, spacing collapsed."""
    parser = _TextOfHtml()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _entry_text(entry: Any) -> str:
    """The fullest body an entry carries: its longest content, else its summary."""
    best, kind = "", "text/html"
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best, kind = value, content.get("type") or "text/html"
    if not best:
        best = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type") or "text/html"
    return best if kind == "text/plain" else html_to_text(best)


def read_feed(path: Path, report: Report, day: str | None) -> Iterator[Article]:
    """One article per RSS/Atom entry; the feed's title is each article's source."""
    source = str(path)
    data = read_bytes(path, max_markup_bytes(), "a feed file")
    if not data.strip():
        raise InputError("is empty", source=source, hint="remove it or give it a feed")
    if bom_encoding(data) is None:
        kind = binary_kind(data[:SNIFF_BYTES])
        if kind is not None:
            raise InputError(
                f"looks binary ({kind}), not a feed",
                source=source,
                hint="give an RSS or Atom XML file",
            )
    import feedparser

    # A stream, never a string: feedparser fetches strings that look like URLs.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except (UnicodeError, LookupError) as exc:
        # feedparser decodes the XML declaration's encoding name itself and raises on a
        # non-ASCII byte there (``encoding="utf-\xc7"``): a damaged file, not a bug of ours.
        raise InputError(
            f"declares an encoding that cannot be read ({type(exc).__name__})",
            source=source,
            hint="fix the encoding in the <?xml ...?> line, or re-save the feed as UTF-8",
        ) from None
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception") if parsed.get("bozo") else None
        raise InputError(
            "is not a readable RSS/Atom feed" + (f": {why}" if why else " (no entries)"),
            source=source,
            hint="check the XML is complete and well formed",
        )
    feed_title = parsed.get("feed", {}).get("title")
    feed_title = clean_title(html_to_text(feed_title)) if feed_title else None
    default_published = day
    for i, entry in enumerate(entries, start=1):
        where = f"{source}#{i}"
        title = entry.get("title")
        if title and (entry.get("title_detail") or {}).get("type") == "text/html":
            title = html_to_text(title)
        text = _entry_text(entry)
        if not clean_text(text):
            report(
                SkippedInput(
                    InputError(
                        "entry has no content or summary text",
                        source=where,
                        hint="eventdesk needs the article body; a headline alone is not read",
                    )
                )
            )
            continue
        rec = {
            "id": entry.get("id") or None,
            "text": text,
            "title": title or None,
            "published": entry.get("published") or entry.get("updated") or entry.get("created"),
            "url": entry.get("link") or None,
            "source": feed_title,
        }
        try:
            yield records.record_to_article(
                rec, where, report=report, default_published=default_published
            )
        except InputError as err:
            report(SkippedInput(err))


def read_file_kind(path: Path) -> str | None:
    """Sniff a file of unknown extension: "feed" when it opens an RSS/Atom document."""
    try:
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError:
        return None
    return "feed" if looks_like_feed(head) else None


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def walk(root: Path, report: Report) -> Iterator[Path]:
    """Files under ``root`` in sorted path order, hidden entries skipped.

    Sorted by full relative path (``b/x.txt`` before ``c.txt``), so the order of articles is the
    order a user sees in a file listing and is the same on every machine. Linked folders are
    followed once; a link back up the tree is not followed again.
    """
    seen: set[str] = set()

    def visit(folder: Path) -> Iterator[Path]:
        real = os.path.realpath(folder)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            report(
                SkippedInput(
                    InputError(
                        f"cannot be listed: {exc.strerror or exc}",
                        source=str(folder),
                        hint="check you may read it",
                    )
                )
            )
            return
        for entry in entries:
            if is_hidden(entry.name):
                continue
            path = Path(entry.path)
            if entry.is_dir():
                yield from visit(path)
            elif entry.is_file():
                yield path

    yield from visit(root)
