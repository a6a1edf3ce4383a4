"""Bytes to text: bounded reads, binary detection and encoding detection.

Why our own order rather than charset-normalizer alone: on short news texts it guesses badly
(a Latin-1 "São Paulo" comes back as cp1250 "Săo Paulo", cp1252 smart quotes as cp775), and a
wrongly decoded name never matches a dictionary again. So: a BOM decides; then strict UTF-8 (a
non-ASCII text that decodes as UTF-8 is UTF-8 in practice); then an HTML document's declared
charset; then UTF-8 with a few stray bad bytes; then Windows-1252 when the result reads as
Western European text; only then charset-normalizer. Nothing here raises on bad bytes: an
undecodable byte becomes U+FFFD, and input that is not text at all is refused as binary.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from ..errors import InputError

SNIFF_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures of formats people drop into a news folder by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx/.epub)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh91AY&SY", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"PAR1", "Parquet file"),
    (b"ARROW1", "Arrow file"),
    (b"\x00asm", "WebAssembly"),
)

_HINT_TEXT = "give text files: .txt, .html, .json/.jsonl or RSS/Atom XML"


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces, and the mark's length."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def binary_kind(head: bytes) -> str | None:
    """Why ``head`` (the first bytes of a file) is not text, or None if it may be text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if head[:4] == b"RIFF":
        return "RIFF media (WAV/AVI/WebP)"
    if b"\x00" in head and bom_encoding(head) is None:
        return "data with NUL bytes"
    return None


def _bomless_utf16(head: bytes) -> str | None:
    """The codec of UTF-16/32 text saved without a BOM (full of NULs too), else None."""
    from charset_normalizer import from_bytes

    best = from_bytes(head[:4096]).best()
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
        return best.encoding
    return None


def read_limited(stream: BinaryIO, limit: int, source: str) -> bytes:
    """At most ``limit`` bytes; raises if there are more, having read only ``limit + 1``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"is larger than the {limit:,}-byte limit for one article",
            source=source,
            hint="split it into one file per article, or into JSONL with one article a line",
        )
    return data


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# What may appear in Western European text beyond ASCII, decoded as Windows-1252.
_WESTERN_PUNCT = frozenset("€‚ƒ„…†‡ˆ‰‹‘’“”•–—˜™›\u00a0¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (two files glued together, a truncated copy)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if good >= 2 and bad <= good:
        return text
    return None


def _western(data: bytes) -> str | None:
    """``data`` as Windows-1252 when it reads as Western European text (a superset of Latin-1)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = 0
    high = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
        if ord(ch) > 0x7F:
            high += 1
            if not (ch.isalpha() and ord(ch) < 0x250) and ch not in _WESTERN_PUNCT:
                return None
    # In Western text accented letters are sprinkled among ASCII ones; a text that is mostly
    # high bytes is another script (Cyrillic in cp1251 also decodes to "letters" here).
    if letters and high * 3 <= letters:
        return text
    return None


def decode_text(data: bytes, source: str, *, html: bool = False) -> str:
    """Decode the bytes of a text or HTML file; raises :class:`InputError` if it is not text."""
    if not data:
        raise InputError("is empty", source=source, hint="remove it or give it some text")
    bom = bom_encoding(data)
    if bom is not None:
        enc, skip = bom
        return data[skip:].decode(enc, errors="replace")
    kind = binary_kind(data[:SNIFF_BYTES])
    if kind == "data with NUL bytes":
        wide = _bomless_utf16(data[:SNIFF_BYTES])
        if wide is not None:
            text = data.decode(wide, errors="replace")
            if not _too_many_controls(text):
                return text
    if kind is not None:
        raise InputError(f"looks binary ({kind}), not text", source=source, hint=_HINT_TEXT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_non_utf8(data, html=html)
        if text is None:
            raise InputError(
                "looks binary: no text encoding reads it plausibly",
                source=source,
                hint=_HINT_TEXT + "; or re-save it as UTF-8",
            ) from None
    if _too_many_controls(text):
        raise InputError("looks binary (many control characters)", source=source, hint=_HINT_TEXT)
    return text


def _decode_non_utf8(data: bytes, *, html: bool) -> str | None:
    if html:
        declared = _declared_charset(data)
        if declared is not None and declared != "utf-8":
            return data.decode(declared, errors="replace")
    for attempt in (_mostly_utf8, _western):
        text = attempt(data)
        if text is not None:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return data.decode(best.encoding, errors="replace")


def _too_many_controls(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\x7f")
    return controls > max(8, len(sample) // 100)
