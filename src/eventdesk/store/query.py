"""Read-only, filtered and paginated queries over the store: what the HTTP API and the web page
show.

Why a module of its own: :class:`~eventdesk.store.Store` streams whole tables in their contract
shape (exports); a desk needs one page of a filtered, sorted selection and its total, fast on a
hundred thousand events. Everything here only reads, and every filter value reaches the database
as a bound parameter: user text never becomes SQL text (column names for sorting come from fixed
tables of allowed keys, never from the request).

Events are real-world events, as in ``export events``: one record per group of linked mentions.
A group matches a filter when any of its mentions does (one article may name the place or the
actor another leaves out); the record shown is built exactly as :meth:`Store.iter_events` builds
it, from the group's most complete mention (a party it leaves unnamed from another), with every
source passage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    column,
    false,
    func,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Join

from ..errors import UsageError
from . import search as fts
from .core import (
    _IN_CHUNK,
    Store,
    _chunks,
    _date_record,
    _entity_record,
    _event_record,
    _event_sources,
    _group_record,
    _place_record,
)
from .schema import (
    articles,
    dates,
    entities,
    events,
    figures,
    places,
    stories,
    story_articles,
)

#: The most rows one page may hold.
MAX_LIMIT = 1000

#: Sort keys the events table accepts -> the head mention's column.
EVENT_SORTS: dict[str, Any] = {
    "date": events.c.date,
    "event": events.c.event,
    "mode": events.c.mode,
    "country": events.c.country,
    "actor": events.c.actor_entity_text,
    "recipient": events.c.recipient_entity_text,
    "place": events.c.place_name,
    "confidence": events.c.confidence,
    "dead": events.c.dead,
    "published": articles.c.published,
    "source": articles.c.source,
}
ARTICLE_SORTS: dict[str, Any] = {
    "published": articles.c.published,
    "title": articles.c.title,
    "source": articles.c.source,
    "id": articles.c.id,
}
PLACE_SORTS: dict[str, Any] = {
    "name": places.c.name,
    "country": places.c.country,
    "article": places.c.article_id,
}
#: Columns the events table can be faceted on (counts per value over the filtered events).
EVENT_FACETS: dict[str, Any] = {
    "event": events.c.event,
    "mode": events.c.mode,
    "country": events.c.country,
    "ontology": events.c.ontology,
    "source": articles.c.source,
}


@dataclass(slots=True)
class EventFilter:
    """What the events table is narrowed to; None means no condition on that field.

    ``actor`` matches the actor's or the recipient's text (case-insensitive, anywhere in it) or
    exactly its code; ``date_from``/``date_to`` compare ISO dates as text (a month or year value
    sorts before the days it holds, so ``date_from=2020-03-01`` leaves out an event dated only
    ``2020``); ``q`` holds words that the reporting article must contain.
    """

    type: str | None = None
    mode: str | None = None
    ontology: str | None = None
    country: str | None = None
    actor: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    story: str | None = None
    article: str | None = None
    event_id: str | None = None
    q: str | None = None
    located: bool | None = None  # True: only events with coordinates


@dataclass(slots=True)
class ArticleFilter:
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    q: str | None = None


@dataclass(slots=True)
class Page:
    """One page of a selection: its items and how many there are in all."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "offset": self.offset,
                "items": self.items}


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or limit > MAX_LIMIT:
        raise UsageError(f"limit must be between 0 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise UsageError(f"offset must be 0 or more, not {offset}")


def _sort_key(sort: str | None, allowed: dict[str, Any]) -> tuple[Any, bool] | None:
    """``sort`` ("date" or "-date") as (column, descending); an unknown key is a usage error."""
    if not sort:
        return None
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in allowed:
        raise UsageError(
            f"cannot sort by {key!r}", hint=f"choose one of {', '.join(sorted(allowed))}"
        )
    return allowed[key], desc


def _ordered(col: Any, desc: bool) -> Any:
    return col.desc().nulls_last() if desc else col.asc().nulls_last()


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(conn: Connection, col: Any, pattern: str) -> ColumnElement[bool]:
    """``col`` matches the escaped LIKE ``pattern``, case-insensitively. On SQLite plain LIKE
    already ignores case (ASCII, as ``lower()`` there does too), so it is used as it is:
    ``lower(col) LIKE lower(?)`` costs a function call per row on every scan."""
    if conn.dialect.name == "sqlite":
        return col.like(pattern, escape="\\")
    return col.ilike(pattern, escape="\\")


def text_match(conn: Connection, q: str) -> ColumnElement[bool]:
    """A condition on ``articles``: the title or text holds every word of ``q``.

    The words go through :mod:`.search` (FTS5 phrases as one bound parameter, or escaped LIKE
    patterns), so operators and quotes in ``q`` are searched as words, never run. No words:
    nothing matches.
    """
    words = fts.query_words(q)
    if not words:
        return false()
    if fts.has_index(conn):
        fts_table = table(fts.FTS_TABLE, column("rowid"))
        hits = (
            select(fts_table.c.rowid)
            .where(text(f"{fts.FTS_TABLE} MATCH :fts_q").bindparams(fts_q=fts.fts_match(words)))
        )
        return articles.c.seq.in_(hits)
    return and_(
        *(
            or_(
                articles.c.title.ilike(_like(w), escape="\\"),
                articles.c.text.ilike(_like(w), escape="\\"),
            )
            for w in words
        )
    )


def _date_range(col: Any, date_from: str | None, date_to: str | None) -> list[Any]:
    conds = []
    if date_from:
        conds.append(col >= date_from)
    if date_to:
        # "2020-03" as an upper bound holds every day of March: compare with what follows it.
        conds.append(col <= date_to + "\uffff")
    return conds


class _LeftFirst(Join):
    """An inner join that SQLite runs with its left side as the outer loop (SQLite's
    ``CROSS JOIN`` is an inner join that fixes the loop order; other databases get a plain
    ``JOIN``: their planners use statistics that SQLite stores lack). Left to itself SQLite
    prefers ``ix_events_linked_to`` (``linked_to IS NULL`` looks like an equality to it) and
    reads every head: in ingest order (``articles`` first) a LIMIT stops the walk after one
    page, and a count through linked mentions (the mentions first) reads only those."""

    inherit_cache = True


@compiles(_LeftFirst, "sqlite")
def _articles_first_sqlite(join: _LeftFirst, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    right = compiler.process(join.right, **kw)
    on = compiler.process(join.onclause, **kw)
    return f"{left} CROSS JOIN {right} ON {on}"


class Reader:
    """Read-only queries over one :class:`Store` (which it does not own or close)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._figures_key: tuple[Any, ...] | None = None
        self._figures: list[dict[str, Any]] = []

    def _conn(self, action: str) -> Any:
        return self.store._read(action)

    # -- events ----------------------------------------------------------------------------

    def _mention_conds(self, conn: Connection, f: EventFilter, c: Any = events.c) -> list[Any]:
        """The conditions ``f`` puts on one mention, over the columns ``c`` (``events.c`` or
        an alias's, when one query looks at a group's head and its mentions apart)."""
        conds: list[Any] = []
        if f.type:
            conds.append(c.event == f.type)
        if f.mode:
            conds.append(c.mode == f.mode)
        if f.ontology:
            conds.append(c.ontology == f.ontology)
        if f.country:
            conds.append(c.country == f.country)
        if f.actor:
            pat = _like(f.actor)
            conds.append(
                or_(
                    _contains(conn, c.actor_entity_text, pat),
                    _contains(conn, c.recipient_entity_text, pat),
                    c.actor_code == f.actor,
                    c.recipient_code == f.actor,
                )
            )
        conds.extend(_date_range(c.date, f.date_from, f.date_to))
        if f.story:
            conds.append(c.story_id == f.story)
        if f.article:
            conds.append(c.article_id == f.article)
        if f.located:
            conds.append(and_(c.latitude.is_not(None), c.longitude.is_not(None)))
        if f.source:
            same_source = select(articles.c.id).where(articles.c.source == f.source)
            conds.append(c.article_id.in_(same_source))
        if f.q:
            conds.append(c.article_id.in_(select(articles.c.id).where(text_match(conn, f.q))))
        return conds

    def _head_where(
        self, conn: Connection, f: EventFilter, by_article: bool = False
    ) -> list[Any]:
        """Conditions on a group's head mention (``linked_to`` NULL) for the groups matching.

        ``by_article``: the heads are read article by article (ingest order), where
        ``linked_to IS NULL`` serves ``ix_events_article_head``. Otherwise "is a head" is
        written so that no index serves it, and SQLite reads the filter columns' indexes
        rather than every head through ``ix_events_linked_to``.
        """
        is_head = (
            events.c.linked_to.is_(None) if by_article
            else func.coalesce(events.c.linked_to, "") == ""
        )
        where: list[Any] = [is_head]
        if f.event_id:
            where.append(events.c.event_id == f.event_id)
        conds = self._mention_conds(conn, f)
        if conds:
            # The head itself matches (indexed columns, the common case), or one of the few
            # mentions linked to it does.
            linked = select(events.c.linked_to).where(events.c.linked_to.is_not(None), *conds)
            where.append(or_(and_(*conds), events.c.event_id.in_(linked)))
        return where

    def _group_parts(self, conn: Connection, f: EventFilter) -> tuple[list[Any], Any, Any]:
        """The groups matching ``f`` as two parts that cannot overlap, each fast to count:
        (conditions on ``events`` for the heads that match themselves, or None when ``f`` puts
        no condition on mentions; the alias ``h`` of the other heads that one of their linked
        mentions makes match, and the select over them, to be given its columns).

        The first part is read inside the composite ``(column, linked_to)`` indexes of
        migration 0005 for the usual filters; the second only reads the linked mentions that
        match (about one mention in five is linked) and their heads by primary key. The former
        single query visited every head with an ``OR ... IN`` and took seconds on 100,000
        events.
        """
        own_conds = self._mention_conds(conn, f)
        # With conditions, "is a head" is written so that no index can serve it: SQLite then
        # reads the filter column's composite index, where ``linked_to`` is at hand, instead
        # of every head through ``ix_events_linked_to``.
        is_head = (
            func.coalesce(events.c.linked_to, "") == "" if own_conds
            else events.c.linked_to.is_(None)
        )
        own = [is_head, *own_conds]
        if f.event_id:
            own.append(events.c.event_id == f.event_id)
        m, h = events.alias("m"), events.alias("h")
        if not own_conds:
            return own, h, None
        # NULL (a condition on a missing value) counts as not matching.
        head_matches = func.coalesce(and_(*self._mention_conds(conn, f, h.c)), false())
        via_link = (
            select()
            .select_from(_LeftFirst(m, h, h.c.event_id == m.c.linked_to))
            .where(
                m.c.linked_to.is_not(None),
                func.coalesce(h.c.linked_to, "") == "",
                *self._mention_conds(conn, f, m.c),
                ~head_matches,
            )
        )
        if f.event_id:
            via_link = via_link.where(h.c.event_id == f.event_id)
        return own, h, via_link

    def count_events(self, conn: Connection, f: EventFilter) -> int:
        """How many real-world events match ``f`` (see :meth:`_group_parts`)."""
        own, h, via_link = self._group_parts(conn, f)
        total = int(conn.execute(select(func.count()).select_from(events).where(*own))
                    .scalar_one())
        if via_link is not None:
            stmt = via_link.add_columns(func.count(h.c.event_id.distinct()))
            total += int(conn.execute(stmt).scalar_one())
        return total

    def _heads(self, where: list[Any], in_ingest_order: bool = False) -> Select[Any]:
        """The group heads matching ``where`` with their article's ``seq``. In ingest order,
        the articles are walked in ``seq`` order and each one's heads read in rank order
        (index ``ix_events_article_head``): a page needs no sort of every match."""
        joined = (_LeftFirst if in_ingest_order else Join)(
            articles, events, articles.c.id == events.c.article_id
        )
        return (
            select(events, articles.c.seq.label("a_seq"))
            .select_from(joined)
            .where(*where)
        )

    def events(
        self, f: EventFilter, limit: int = 50, offset: int = 0, sort: str | None = None
    ) -> Page:
        """One page of the real-world events matching ``f``, in ``sort`` order (default: ingest
        order, each article's events most salient first) and how many match in all."""
        _check_page(limit, offset)
        order = _sort_key(sort, EVENT_SORTS)
        with self._conn("read events") as conn:
            total = self.count_events(conn, f)
            items: list[dict[str, Any]] = []
            if limit and offset < total:
                # Few heads to sort (one story, article or event): their own index is best.
                by_article = order is None and not (f.story or f.article or f.event_id)
                where = self._head_where(conn, f, by_article)
                stmt = self._heads(where, in_ingest_order=by_article)
                if order is not None:
                    stmt = stmt.order_by(_ordered(*order))
                stmt = stmt.order_by(articles.c.seq, events.c.rank).limit(limit).offset(offset)
                heads = list(conn.execute(stmt))
                items = _event_records(conn, heads)
        return Page(total=total, limit=limit, offset=offset, items=items)

    def iter_events(self, f: EventFilter, sort: str | None = None) -> Iterator[dict[str, Any]]:
        """Every event matching ``f`` (for downloads), streamed a page at a time."""
        offset = 0
        while True:
            page = self.events(f, limit=MAX_LIMIT, offset=offset, sort=sort)
            yield from page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return

    def event_facets(
        self, f: EventFilter, names: tuple[str, ...] = tuple(EVENT_FACETS), top: int = 30
    ) -> dict[str, list[dict[str, Any]]]:
        """For each facet: its ``top`` most frequent values over the events matching ``f``
        (counted on each event's first report), most frequent first.

        Why one GROUP BY over every facet column rather than one per facet: each facet has to
        read every matching head, and reading them once and adding the combinations up here
        costs a quarter of four scans (there are never more combinations than heads). It runs
        once per part of :meth:`_group_parts`; the parts never share a head, so their counts add.
        """
        for name in names:
            if name not in EVENT_FACETS:
                raise UsageError(
                    f"no facet {name!r}", hint=f"choose from {', '.join(EVENT_FACETS)}"
                )
        names = tuple(dict.fromkeys(names))
        counts: dict[str, dict[Any, int]] = {name: {} for name in names}
        if not names:
            return {}

        def add(rows: Any) -> None:
            for row in rows:
                k = int(row[-1])
                for name, value in zip(names, row[:-1], strict=True):
                    per = counts[name]
                    per[value] = per.get(value, 0) + k

        with self._conn("count event facets") as conn:
            own, h, via_link = self._group_parts(conn, f)
            source = "source" in names
            cols = [articles.c.source if n == "source" else events.c[n] for n in names]
            base = (events.join(articles, articles.c.id == events.c.article_id) if source
                    else events)
            add(conn.execute(
                select(*cols, func.count()).select_from(base).where(*own).group_by(*cols)
            ))
            if via_link is not None:
                ha = articles.alias("ha")
                hcols = [ha.c.source if n == "source" else h.c[n] for n in names]
                stmt = via_link.add_columns(*hcols, func.count(h.c.event_id.distinct()))
                if source:
                    stmt = stmt.join(ha, ha.c.id == h.c.article_id)
                add(conn.execute(stmt.group_by(*hcols)))
        out: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            ranked = sorted(counts[name].items(),
                            key=lambda vk: (-vk[1], vk[0] is not None, vk[0] or ""))
            out[name] = [{"value": v, "count": k} for v, k in ranked[:top]]
        return out

    # -- articles --------------------------------------------------------------------------

    def articles(
        self, f: ArticleFilter, limit: int = 50, offset: int = 0, sort: str | None = None
    ) -> Page:
        """Article metadata (no text) with how many events each reports, and its story."""
        _check_page(limit, offset)
        order = _sort_key(sort, ARTICLE_SORTS)
        with self._conn("read articles") as conn:
            where: list[Any] = _date_range(articles.c.published, f.date_from, f.date_to)
            if f.source:
                where.append(articles.c.source == f.source)
            if f.story:
                members = select(story_articles.c.article_id).where(
                    story_articles.c.story_id == f.story
                )
                where.append(articles.c.id.in_(members))
            if f.q:
                where.append(text_match(conn, f.q))
            total = int(
                conn.execute(select(func.count()).select_from(articles).where(*where)).scalar_one()
            )
            cols = (articles.c.id, articles.c.title, articles.c.published, articles.c.source,
                    articles.c.url, articles.c.language)
            stmt = select(*cols).where(*where)
            if order is not None:
                stmt = stmt.order_by(_ordered(*order))
            stmt = stmt.order_by(articles.c.seq).limit(limit).offset(offset)
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
            ids = [r["id"] for r in rows]
            n_events: dict[str, int] = {}
            story_of: dict[str, str] = {}
            if ids:
                stmt = (
                    select(events.c.article_id, func.count())
                    .where(events.c.article_id.in_(ids))
                    .group_by(events.c.article_id)
                )
                n_events = {a: int(n) for a, n in conn.execute(stmt)}
                stmt = select(story_articles.c.article_id, story_articles.c.story_id).where(
                    story_articles.c.article_id.in_(ids)
                )
                story_of = {a: s for a, s in conn.execute(stmt)}
        for r in rows:
            r["article_id"] = r.pop("id")
            r["events"] = n_events.get(r["article_id"], 0)
            r["story_id"] = story_of.get(r["article_id"])
        return Page(total=total, limit=limit, offset=offset, items=rows)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """An article with its text and every span found in it: entities, places, dates,
        figures (with the figure group each belongs to) and event mentions (with the
        real-world event each reports). None if there is no such article."""
        with self._conn("read an article") as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                return None

            def rows(tbl: Any) -> list[Any]:
                stmt = select(tbl).where(tbl.c.article_id == article_id).order_by(tbl.c.start)
                return list(conn.execute(stmt))

            ents = [{**_entity_record(r), "component": r.component} for r in rows(entities)]
            plcs = [{**_place_record(r), "level": r.level} for r in rows(places)]
            dts = [_date_record(r) for r in rows(dates)]
            figs = rows(figures)
            evs = rows(events)
            story_ids = list(
                conn.execute(
                    select(story_articles.c.story_id).where(
                        story_articles.c.article_id == article_id
                    )
                ).scalars()
            )
        figure_of = {
            (v["article_id"], v["start"], v["end"]): g["figure_id"]
            for g in self.all_figures()
            for v in g["values"]
        }
        fig_items = [
            {
                "text": r.text, "start": r.start, "end": r.end,
                "value": int(r.value) if float(r.value).is_integer() else r.value,
                "unit": r.unit, "about": r.about, "approximate": bool(r.approximate),
                "bound": r.bound, "sentence": r.sentence,
                "figure_id": figure_of.get((r.article_id, r.start, r.end)),
            }
            for r in figs
        ]
        ev_items = []
        for r in evs:
            rec = _event_record(r, [])
            del rec["sources"]
            rec["mention_id"] = r.event_id
            rec["event_id"] = r.linked_to or r.event_id
            ev_items.append(rec)
        extra = json.loads(row.extra_json) if row.extra_json else {}
        return {
            "article_id": row.id,
            "title": row.title,
            "published": row.published,
            "source": row.source,
            "url": row.url,
            "language": row.language,
            "extra": extra,
            "text": row.text,
            "story_ids": story_ids,
            "entities": ents,
            "places": plcs,
            "dates": dts,
            "figures": fig_items,
            "events": ev_items,
        }

    # -- stories ---------------------------------------------------------------------------

    def stories(
        self, limit: int = 50, offset: int = 0, sort: str | None = None, q: str | None = None
    ) -> Page:
        """Stories with their size, first and last publication date and event count; by
        default the biggest first."""
        _check_page(limit, offset)
        n_art = func.count(story_articles.c.article_id).label("articles")
        first = func.min(articles.c.published).label("first")
        last = func.max(articles.c.published).label("last")
        sorts = {"articles": n_art, "first": first, "last": last, "title": stories.c.title}
        order = _sort_key(sort or "-articles", sorts)
        assert order is not None
        where = [stories.c.title.ilike(_like(q), escape="\\")] if q else []
        with self._conn("read stories") as conn:
            total = int(
                conn.execute(select(func.count()).select_from(stories).where(*where)).scalar_one()
            )
            stmt = (
                select(stories.c.story_id, stories.c.title, stories.c.updated_at, n_art, first,
                       last)
                .select_from(
                    stories.outerjoin(
                        story_articles, story_articles.c.story_id == stories.c.story_id
                    ).outerjoin(articles, articles.c.id == story_articles.c.article_id)
                )
                .where(*where)
                .group_by(stories.c.story_id, stories.c.title, stories.c.updated_at)
                .order_by(_ordered(*order), stories.c.story_id)
                .limit(limit)
                .offset(offset)
            )
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
            ids = [r["story_id"] for r in rows]
            n_events: dict[str, int] = {}
            if ids:
                stmt = (
                    select(events.c.story_id, func.count())
                    .where(events.c.story_id.in_(ids), events.c.linked_to.is_(None))
                    .group_by(events.c.story_id)
                )
                n_events = {s: int(n) for s, n in conn.execute(stmt)}
        for r in rows:
            r["events"] = n_events.get(r["story_id"], 0)
        return Page(total=total, limit=limit, offset=offset, items=rows)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story in the ``export stories`` shape plus its articles' metadata (in story
        order) and its event count. None if there is no such story."""
        with self._conn("read a story") as conn:
            row = conn.execute(select(stories).where(stories.c.story_id == story_id)).first()
            if row is None:
                return None
            stmt = (
                select(articles.c.id, articles.c.title, articles.c.published, articles.c.source,
                       articles.c.url)
                .join(story_articles, story_articles.c.article_id == articles.c.id)
                .where(story_articles.c.story_id == story_id)
                .order_by(story_articles.c.position)
            )
            arts = [
                {"article_id": r.id, "title": r.title, "published": r.published,
                 "source": r.source, "url": r.url}
                for r in conn.execute(stmt)
            ]
            n_events = conn.execute(
                select(func.count()).where(
                    events.c.story_id == story_id, events.c.linked_to.is_(None)
                )
            ).scalar_one()
        return {
            "story_id": row.story_id,
            "title": row.title,
            "updated_at": row.updated_at,
            "article_ids": [a["article_id"] for a in arts],
            "timeline": json.loads(row.timeline_json),
            "summary": json.loads(row.summary_json),
            "articles": arts,
            "events": int(n_events),
        }

    # -- figures and places ----------------------------------------------------------------

    def all_figures(self) -> list[dict[str, Any]]:
        """Every figure group (:meth:`Store.iter_figures`), reconciled once per state of the
        ``figures`` table: grouping needs all of them at once, too slow to redo per request."""
        with self._conn("check figures") as conn:
            stmt = select(func.count(), func.max(figures.c.id), func.sum(figures.c.start))
            key = tuple(conn.execute(stmt).one())
        if key != self._figures_key:
            self._figures = list(self.store.iter_figures())
            self._figures_key = key
        return self._figures

    def figures(
        self,
        story: str | None = None,
        article: str | None = None,
        discrepancy: bool | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Figure groups, those with a discrepancy first, filtered by story (a value from one
        of its articles), article, discrepancy and words of what they count."""
        _check_page(limit, offset)
        groups = self.all_figures()
        if story is not None:
            with self._conn("read story members") as conn:
                members = set(
                    conn.execute(
                        select(story_articles.c.article_id).where(
                            story_articles.c.story_id == story
                        )
                    ).scalars()
                )
            groups = [g for g in groups if any(v["article_id"] in members for v in g["values"])]
        if article is not None:
            groups = [g for g in groups if any(v["article_id"] == article for v in g["values"])]
        if discrepancy is not None:
            groups = [g for g in groups if bool(g["discrepancy"]) == discrepancy]
        if q:
            words = [w.lower() for w in fts.query_words(q)]
            groups = [g for g in groups if all(w in (g["about"] or "").lower() for w in words)]
        groups = sorted(groups, key=lambda g: (not g["discrepancy"], -len(g["values"])))
        return Page(
            total=len(groups), limit=limit, offset=offset, items=groups[offset : offset + limit]
        )

    def places(
        self,
        country: str | None = None,
        article: str | None = None,
        story: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
        sort: str | None = None,
    ) -> Page:
        """Place mentions (the ``extract`` place fields plus ``article_id``, ``sentence``)."""
        _check_page(limit, offset)
        order = _sort_key(sort, PLACE_SORTS)
        where: list[Any] = []
        if country:
            where.append(places.c.country == country)
        if article:
            where.append(places.c.article_id == article)
        if story:
            where.append(
                places.c.article_id.in_(
                    select(story_articles.c.article_id).where(story_articles.c.story_id == story)
                )
            )
        if q:
            where.append(
                or_(places.c.name.ilike(_like(q), escape="\\"),
                    places.c.text.ilike(_like(q), escape="\\"))
            )
        with self._conn("read places") as conn:
            total = int(
                conn.execute(select(func.count()).select_from(places).where(*where)).scalar_one()
            )
            stmt = select(places).where(*where)
            if order is not None:
                stmt = stmt.order_by(_ordered(*order))
            stmt = stmt.order_by(places.c.id).limit(limit).offset(offset)
            items = [_place_record(r) for r in conn.execute(stmt)]
        return Page(total=total, limit=limit, offset=offset, items=items)


def _event_records(conn: Connection, heads: list[Any]) -> list[dict[str, Any]]:
    """Contract-shaped records for these group heads, as :meth:`Store.iter_events` makes
    them: the group's representative mention's fields (parties filled from the others), every
    member's source passages."""
    members: dict[str, list[Any]] = {r.event_id: [r] for r in heads}
    for chunk in _chunks(list(members), _IN_CHUNK):
        more = (
            select(events, articles.c.seq.label("a_seq"))
            .join(articles, articles.c.id == events.c.article_id)
            .where(events.c.linked_to.in_(chunk))
        )
        for r in conn.execute(more):
            members[r.linked_to].append(r)
    ids = [r.event_id for rows in members.values() for r in rows]
    sources = _event_sources(conn, ids)
    out = []
    for head in heads:
        rows = members[head.event_id]
        passages = sorted(
            (src for r in rows for src in sources.get(r.event_id, [])),
            key=lambda src: (src["_seq"], src["start"], src["end"]),
        )
        for src in passages:
            src.pop("_seq", None)
        rec = _group_record(rows, passages)
        rec["event_id"], rec["story_id"] = head.event_id, head.story_id
        out.append(rec)
    return out


@compiles(_LeftFirst)
def _articles_first_default(join: _LeftFirst, compiler: Any, **kw: Any) -> str:
    return str(compiler.visit_join(join, **kw))
