"""One input record (a JSON object) to an :class:`~eventdesk.types.Article`.

Why strict on types and lenient on names: a record whose ``text`` is a number or a list is a
broken export, and guessing its text would put made-up content in the store, so it is refused
with a message saying which field to fix. Field names differ between exporters for no reason
that matters (``date`` vs ``published``), so the common aliases are accepted; every field we do
not know is kept verbatim in ``Article.extra`` so nothing the user had is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InputError
from ..types import Article
from .dates import DateParseError, normalise_published
from .text import clean_text, clean_title, stable_id

MAX_ARTICLE_CHARS = 5_000_000

# contract field -> aliases accepted when the contract name is absent (first present wins).
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("body", "content"),
    "title": ("headline",),
    "published": ("date", "published_at", "publish_date", "pubDate", "datetime"),
    "url": ("link",),
    "source": ("sitename", "site"),
}
_STRING_FIELDS = ("title", "source", "url", "language")
_HINT = "each record needs a non-empty string 'text'; see CONTRACT.md for the record shape"


def _take(rec: dict[str, Any], name: str, used: set[str]) -> Any:
    if name in rec:
        used.add(name)
        return rec[name]
    for key in ALIASES.get(name, ()):
        if key in rec:
            used.add(key)
            return rec[key]
    return None


def _type_name(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def record_to_article(
    rec: Any,
    where: str,
    *,
    report: Callable[[InputError], None],
    default_published: str | None = None,
) -> Article:
    """Build the article of one record; raises :class:`InputError` if it must be skipped.

    ``where`` names the record (``path:line``). Problems that do not make the record useless
    (an unreadable date) go to ``report`` and the field is stored as None;
    ``default_published`` (the date of an enclosing ``YYYY-MM-DD`` folder) then applies.
    """
    if not isinstance(rec, dict):
        raise InputError(f"is {_type_name(rec)}, not a JSON object", source=where, hint=_HINT)
    used: set[str] = set()
    raw_text = _take(rec, "text", used)
    if raw_text is None:
        raise InputError("has no 'text' field", source=where, hint=_HINT)
    if not isinstance(raw_text, str):
        raise InputError(
            f"'text' is {_type_name(raw_text)}, not a string", source=where, hint=_HINT
        )
    if len(raw_text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"'text' has {len(raw_text):,} characters, over the {MAX_ARTICLE_CHARS:,} limit",
            source=where,
            hint="split the article or leave it out",
        )
    text = clean_text(raw_text)
    if not text:
        raise InputError("has an empty 'text'", source=where, hint=_HINT)

    fields: dict[str, str | None] = {}
    for name in _STRING_FIELDS:
        value = _take(rec, name, used)
        if value is not None and not isinstance(value, str):
            raise InputError(
                f"'{name}' is {_type_name(value)}, not a string",
                source=where,
                hint=f"give '{name}' as a string or leave it out",
            )
        fields[name] = value
    title = clean_title(fields["title"])
    source = clean_title(fields["source"])
    url = (fields["url"] or "").strip() or None
    language = (fields["language"] or "").strip() or None

    raw_id = rec.get("id")
    used.add("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | type(None)):
        raise InputError(
            f"'id' is {_type_name(raw_id)}, not a string or integer",
            source=where,
            hint="give 'id' as a string, or leave it out for a derived one",
        )
    art_id = str(raw_id).strip() if raw_id is not None else ""
    if not art_id:
        art_id = stable_id(url, text)

    published = None
    raw_published = _take(rec, "published", used)
    if raw_published is not None:
        published = _published(raw_published, where, report)
    if published is None:
        published = default_published

    extra = {k: v for k, v in rec.items() if k not in used}
    return Article(
        id=art_id,
        text=text,
        title=title,
        published=published,
        source=source,
        url=url,
        language=language,
        origin=where,
        extra=extra,
    )


def _published(value: Any, where: str, report: Callable[[InputError], None]) -> str | None:
    """The normalised date, or None after reporting why it could not be read."""
    hint = "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS; it was stored as null"
    if not isinstance(value, str):
        report(
            InputError(
                f"'published' is {_type_name(value)}, not a date string", source=where, hint=hint
            )
        )
        return None
    if not value.strip():
        return None
    try:
        return normalise_published(value)
    except DateParseError as exc:
        report(InputError(f"unreadable publication date: {exc}", source=where, hint=hint))
        return None
