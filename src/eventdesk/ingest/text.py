"""Text and identity helpers: what is stored as an article's text, and how duplicates are keyed.

Why here, at ingest: every later stage reports character offsets into ``Article.text``, so the
text must be final before any stage sees it. Invisible characters (zero-width spaces, bidi
controls, stray C0/C1 controls) are removed *now*, once, so that an offset never points into
something a reader cannot see and a string match is never broken by a character nobody typed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Characters that separate lines in some convention; they become "\n" rather than vanish, so that
# the words on either side are not glued together.
_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# Characters removed outright: C0/C1 controls except \t and \n (the line breaks above are gone by
# then), invisible format characters (zero-width space, word joiner, BOM, soft hyphen, Mongolian
# vowel separator, invisible math operators, interlinear annotation marks), bidi controls (LRM,
# RLM, ALM, embeddings, overrides and isolates), lone surrogates (JSON allows "\ud800"; they
# cannot be stored as UTF-8) and the non-characters U+FFFE/U+FFFF.
_REMOVE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
    "\u00ad\u180e\u200b\u2060-\u2064\ufeff\ufff9-\ufffb"
    "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)

# Zero-width (non-)joiners carry meaning inside Persian, Indic and emoji sequences, where both
# neighbours are non-ASCII; anywhere else they are invisible junk (often tracking or copy-paste
# residue) and are removed. A run is judged as a whole so that cleaning is idempotent.
_JOINERS = re.compile("[\u200c\u200d]+")

_TRAILING_SPACE = " \t\u00a0\u3000"


def _keep_joiners(m: re.Match[str]) -> str:
    s = m.string
    before = s[m.start() - 1] if m.start() > 0 else ""
    after = s[m.end()] if m.end() < len(s) else ""
    inside_word = before and after and not (before.isspace() or after.isspace())
    if inside_word and not before.isascii() and not after.isascii():
        return m.group(0)
    return ""


def clean_text(text: str) -> str:
    """The text as stored: what every offset in every export refers to.

    ``\\r\\n`` and other line separators become ``\\n``; control characters other than ``\\n``
    and ``\\t`` are removed, as are zero-width and bidi control characters; the result is NFC
    (so "é" typed two ways matches); trailing spaces on each line and blank lines at either end
    are trimmed. Idempotent: ``clean_text(clean_text(t)) == clean_text(t)``.
    """
    # The checks before each step are fast paths: most texts need none of them.
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = _LINE_BREAKS.sub("\n", text)
    text = _REMOVE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINERS.sub(_keep_joiners, text)
        # NFC again: removing a joiner can bring a base letter next to a combining mark.
        text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip(_TRAILING_SPACE) for line in text.split("\n"))
    return text.strip("\n")


def clean_title(title: str | None) -> str | None:
    """A title on one line (feeds often wrap them), cleaned like text; None when nothing is left."""
    if title is None:
        return None
    out = " ".join(clean_text(title).split())
    return out or None


_NON_WORD = re.compile(r"[\W_]+")


def text_fingerprint(text: str) -> str:
    """SHA-1 (hex) of the text with case, width, punctuation and spacing differences ignored.

    Why so lenient: a re-post of the same story (another feed, a copy with curly quotes or
    different line wrapping) must match its original, while a single changed word must not.
    """
    norm = unicodedata.normalize("NFKC", clean_text(text)).casefold()
    norm = _NON_WORD.sub(" ", norm).strip()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


# Query parameters that only say how a reader arrived, never which page it is.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ocid", "ncid", "cmpid",
        "smid", "sr_share", "ref_src", "ref_url", "spm", "share", "s_cid", "at_medium",
        "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "guccounter",
        "guce_referrer", "guce_referrer_sig", "cmp", "ito", "taid",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__twitter_impression", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_EXACT or k.startswith(_TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """The dedup key of a URL: two links to the same page give the same string.

    Lowercases scheme and host, drops the default port, the fragment, tracking parameters
    (``utm_*``, ``fbclid``, ...) and a trailing slash, and sorts the remaining query parameters.
    The path's case is kept (servers treat it as significant). A string that does not parse as
    a URL is returned stripped, as its own key.
    """
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if not parts.netloc:
        # Not an absolute http(s)-style URL (mailto:, urn:, a bare path): only the fragment goes.
        return urlunsplit((scheme, "", parts.path, parts.query, "")).rstrip("/") or url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{host}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((k, v) for k, v in pairs if not _is_tracking(k))
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def stable_id(url: str | None, text: str) -> str:
    """An id for a record that has none, the same every time the same article is read.

    From the normalised URL when there is one (the same page linked with tracking parameters
    gets the same id), else from the text fingerprint (a re-post of the same body gets the same
    id). The prefix says which, so a reader can tell where an id came from.
    """
    key = normalise_url(url) if url else ""
    if key:
        return "u-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return "t-" + text_fingerprint(text)[:16]
