"""The store's tables, as SQLAlchemy Core objects: the one description queries are built from.

Why plain tables with plain column types: the database must open unchanged in Datasette and in
any SQL client, and the same code must run on SQLite and PostgreSQL. So: text, integers, floats
and booleans only; timestamps as ISO-8601 text (UTC); free-form dictionaries as JSON text;
place coordinates in ``latitude``/``longitude`` columns (what Datasette's map plugins look for).

Every extracted row carries its provenance: ``article_id``, ``sentence``, the character span
(``start``/``end``, offsets into the stored text) and the ``component`` that produced it, with
its ``confidence``. Spans are checked (``0 <= start <= end``) so a buggy component cannot store
an impossible span.

``articles`` has an integer ``seq`` primary key (ingest order; the rowid the SQLite full-text
index points at, which SQLite keeps stable across VACUUM only for an INTEGER PRIMARY KEY) and
the article's own ``id`` as a unique key that every other table references.

Events are stored as mentions: ``events`` has one row per event as one article passage reports
it, with its one ``event_sources`` row. Cross-article linking (:mod:`eventdesk.link.events`)
writes ``events.linked_to``: the ``event_id`` of the real-world event a mention belongs to (NULL:
the mention is that event's first report, or stands alone). Exports read one record per group.
Why mentions and not merged rows: re-processing one article replaces that article's mentions
only; the groups are recomputed, so no other article's sources are ever lost.

``link_pending`` lists the (ontology, type) blocks to relink. ``article_signatures`` keeps each
stored article's MinHash signature (near-duplicate detection on ingest) and ``story_state`` each
story's running centroid (incremental story clustering), both as binary columns: state the next
run resumes from, never shown as data.

How this relates to :mod:`.migrations`: the first migration creates these tables as they are
here; a later migration that adds a column also adds it here and must tolerate finding it
already present (a fresh database gets it from the first migration).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _article_fk(nullable: bool = False) -> Column[str]:
    """A reference to an article; its rows go when the article goes."""
    return Column(
        "article_id",
        String,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=nullable,
    )


def _span_columns() -> list[Column[object]]:
    """Provenance of an extracted item (:class:`eventdesk.types.Span`)."""
    return [
        Column("sentence", Integer, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("component", String, nullable=False, default=""),
        Column("confidence", Float, nullable=False, default=1.0),
    ]


def _span_check(table: str) -> CheckConstraint:
    return CheckConstraint('"start" >= 0 AND "end" >= "start"', name=f"ck_{table}_span")


schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String, primary_key=True),
    Column("applied_at", String, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("title", Text),
    Column("published", String),
    Column("source", String),
    Column("url", Text),
    Column("url_key", Text),  # normalised URL: the duplicate check's key
    Column("fingerprint", String),  # lenient text fingerprint: the duplicate check's key
    Column("text_sha1", String, nullable=False),  # exact text: what offsets refer to
    Column("language", String),
    Column("origin", Text),
    Column("extra_json", Text),
    Column("text", Text, nullable=False),
    Column("ingested_at", String, nullable=False),
    Column("updated_at", String),  # last time the text changed, if it did
    Column("processed_key", String),
    Column("processed_fingerprint", String),  # text_sha1 of the text that was processed
    Column("processed_at", String),
    # A running ``process`` claims the articles it is working on (migration 0003): another
    # process skips them until the claim is released or its lease runs out.
    Column("claim_token", String),
    Column("claim_until", String),  # ISO-8601 UTC; a claim past it is free to take over
    Index("ix_articles_url_key", "url_key"),
    Index("ix_articles_fingerprint", "fingerprint"),
    Index("ix_articles_published", "published"),
    Index("ix_articles_source", "source"),
)

article_duplicates = Table(
    "article_duplicates",
    metadata,
    Column("id", String, primary_key=True),  # the incoming article's id
    Column(
        "duplicate_of",
        String,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("reason", String, nullable=False),  # "url", "text" or "near"
    Column("title", Text),
    Column("published", String),
    Column("source", String),
    Column("url", Text),
    Column("origin", Text),
    Column("seen_at", String, nullable=False),
    Column("similarity", Float),  # estimated Jaccard similarity, for "near" duplicates
    Index("ix_article_duplicates_duplicate_of", "duplicate_of"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _article_fk(),
    *_span_columns(),
    Column("kind", String, nullable=False),
    Column("canonical", Text),
    Column("country", String),
    Column("sector", String),
    Column("code", String),
    _span_check("entities"),
    Index("ix_entities_article_id", "article_id"),
    Index("ix_entities_kind", "kind"),
    Index("ix_entities_country", "country"),
)

dates = Table(
    "dates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _article_fk(),
    *_span_columns(),
    Column("value", String),
    Column("precision", String),
    Column("relative", Boolean, nullable=False, default=False),
    Column("reason", Text),
    _span_check("dates"),
    Index("ix_dates_article_id", "article_id"),
    Index("ix_dates_value", "value"),
)

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _article_fk(),
    *_span_columns(),
    Column("name", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("country", String),
    Column("admin1", Text),
    Column("geonameid", Integer),
    Column("feature", String),
    Column("level", String),
    _span_check("places"),
    Index("ix_places_article_id", "article_id"),
    Index("ix_places_country", "country"),
)

figures = Table(
    "figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _article_fk(),
    *_span_columns(),
    Column("value", Float, nullable=False),
    Column("unit", String),
    Column("about", Text),
    Column("about_key", Text),  # normalised ``about``: figures with the same key count one thing
    Column("approximate", Boolean, nullable=False, default=False),
    Column("bound", String),
    _span_check("figures"),
    Index("ix_figures_article_id", "article_id"),
    Index("ix_figures_about_key_unit", "about_key", "unit"),
)

#: The events indexes of migration 0005 (``0005_query_indexes``).
QUERY_INDEXES_EVENTS = (
    Index("ix_events_article_head", "article_id", "linked_to", "rank"),
    Index("ix_events_event_head", "event", "linked_to"),
    Index("ix_events_country_head", "country", "linked_to"),
    Index("ix_events_date_head", "date", "linked_to"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String, primary_key=True),
    Column("story_id", String, ForeignKey("stories.story_id", ondelete="SET NULL")),
    # The article (and its rank among that article's events) the event was first stored from:
    # the export's order, and which rows a re-run of that article replaces.
    _article_fk(),
    Column("rank", Integer, nullable=False),
    Column("event", String, nullable=False),
    Column("mode", String),
    Column("ontology", String, nullable=False),
    Column("actor_entity_text", Text),
    Column("actor_code", String),
    Column("actor_country", String),
    Column("actor_sector", String),
    Column("recipient_entity_text", Text),
    Column("recipient_code", String),
    Column("recipient_country", String),
    Column("recipient_sector", String),
    Column("date", String),
    Column("date_precision", String),
    Column("location_text", Text),
    Column("location_start", Integer),
    Column("location_end", Integer),
    Column("place_name", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("country", String),
    Column("admin1", Text),
    Column("geonameid", Integer),
    Column("feature", String),
    Column("place_level", String),  # point, city, admin1, country: what the place contains
    Column("dead", Integer),
    Column("injured", Integer),
    Column("arrested", Integer),
    Column("confidence", Float, nullable=False),
    Column("negated", Boolean, nullable=False, default=False),
    Column("hypothetical", Boolean, nullable=False, default=False),
    Column("reported", Boolean, nullable=False, default=False),
    Column("salience", Float, nullable=False, default=0.0),
    Column("trigger_text", Text),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("sequence", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("component", String, nullable=False, default=""),
    # The event_id of the real-world event this mention reports (NULL: itself). Not a foreign
    # key: groups are recomputed after every run, and a group's first mention may be replaced.
    Column("linked_to", String),
    # Other parties in the actor's and the recipient's role (JSON lists of {entity_text, code,
    # country, sector}; NULL: none): "the strike that killed Muhandis and Soleimani".
    Column("actor_also", Text),
    Column("recipient_also", Text),
    _span_check("events"),
    Index("ix_events_article_id", "article_id"),
    Index("ix_events_event", "event"),
    Index("ix_events_date", "date"),
    Index("ix_events_country", "country"),
    Index("ix_events_story_id", "story_id"),
    Index("ix_events_linked_to", "linked_to"),
    # Migration 0005, for the desk's events table (:mod:`.query`): a group's head is the row
    # with ``linked_to`` NULL, so each filter column is paired with it. An article's heads in
    # rank order give the default (ingest) order a page at a time without sorting them all;
    # the others count the heads of one type, country or date range inside the index.
    *QUERY_INDEXES_EVENTS,
)

event_sources = Table(
    "event_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "event_id",
        String,
        ForeignKey("events.event_id", ondelete="CASCADE"),
        nullable=False,
    ),
    _article_fk(),
    Column("sequence", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    _span_check("event_sources"),
    UniqueConstraint("event_id", "article_id", "start", "end", name="uq_event_sources_passage"),
    Index("ix_event_sources_event_id", "event_id"),
    Index("ix_event_sources_article_id", "article_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("story_id", String, primary_key=True),
    Column("title", Text, nullable=False),
    Column("timeline_json", Text, nullable=False, default="[]"),
    Column("summary_json", Text, nullable=False, default="[]"),
    Column("updated_at", String, nullable=False),
    # Set (to when) a batch changed the story's articles; cleared when its timeline and summary
    # are rebuilt. A run that dies between the two leaves it set, and the next run rebuilds.
    Column("views_due", String),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column(
        "story_id",
        String,
        ForeignKey("stories.story_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "article_id",
        String,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False),
    Index("ix_story_articles_article_id", "article_id"),
)

article_signatures = Table(
    "article_signatures",
    metadata,
    Column(
        "article_id",
        String,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("signature", LargeBinary, nullable=False),  # MinHash values, uint64 little-endian
    Column("n_words", Integer, nullable=False),
)

story_state = Table(
    "story_state",
    metadata,
    Column("story_id", String, primary_key=True),
    Column("centroid", LargeBinary, nullable=False),  # float32 sum of member embeddings
    Column("n", Integer, nullable=False),
    Column("entities_json", Text, nullable=False, default="{}"),  # entity key -> count
    Column("first", String),  # YYYY-MM-DD of its earliest and latest article
    Column("last", String),
    Column("title", Text),
    Column("activity", Integer, nullable=False),  # order of last activity: candidates come last
)

link_pending = Table(
    "link_pending",
    metadata,
    # The (ontology, event type) blocks whose mentions changed since events were last linked:
    # written with the results that changed them, so a run that stops before linking leaves
    # them for the next one.
    Column("ontology", String, primary_key=True),
    Column("event", String, primary_key=True),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("command", String, nullable=False),
    Column("eventdesk", String, nullable=False),  # the version that ran
    Column("started_at", String, nullable=False),
    Column("finished_at", String),
    Column("config_json", Text, nullable=False),
    Column("counts_json", Text),
)

#: The tables of the first migration, in creation order.
TABLES_V1 = (
    articles,
    article_duplicates,
    entities,
    dates,
    places,
    figures,
    stories,
    events,
    event_sources,
    story_articles,
    runs,
)

#: The tables the second migration (``0002_linking``) adds.
TABLES_V2 = (article_signatures, story_state, link_pending)

# Sentence boundaries of each processed article: with the stored dates, figures and events they
# rebuild a story's documents for its timeline and summary without parsing the articles again.
sentences = Table(
    "sentences",
    metadata,
    _article_fk(),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    PrimaryKeyConstraint("article_id", "idx", name="pk_sentences"),
    _span_check("sentences"),
)

#: The tables of migration 0004.
TABLES_V4 = (sentences,)

#: What :meth:`eventdesk.store.Store.count` can count.
COUNTABLE = {
    "articles": articles,
    "duplicates": article_duplicates,
    "entities": entities,
    "dates": dates,
    "places": places,
    "figures": figures,
    "events": events,
    "stories": stories,
    "runs": runs,
}
