"""Stories told back: dated timelines and extractive summaries, every sentence citing sources.

- :func:`build_timeline` — the story's key days, each with K sentences saying what happened
  (:mod:`.timeline`, after DATEWISE).
- :func:`summarize` / :func:`summarize_texts` — an extractive summary of at most N words, with
  repeated sentences merged and disagreeing figures stated (:mod:`.summary`).
- :func:`clean_sentence` — datelines, bylines and page furniture removed (:mod:`.clean`).

Both work on documents that have been through the pipeline (at least ``eventdesk.nlp.v1``, and
``eventdesk.dates.v1`` for timelines). The CLI's ``timeline`` and ``summarize`` commands and
``export stories`` are thin shells over these functions.
"""

from __future__ import annotations

from ..errors import InputError, UsageError
from ..types import Article, Document, Event, SummarySentence, TimelineEntry
from .clean import clean_sentence, is_boilerplate
from .summary import SummaryOptions, figure_notes, summarize_docs
from .timeline import TimelineItem, TimelineOptions, build, choose_count, timeline_json

__all__ = [
    "SummaryOptions",
    "TimelineItem",
    "TimelineOptions",
    "build_timeline",
    "choose_count",
    "clean_sentence",
    "figure_notes",
    "is_boilerplate",
    "split_documents",
    "summarize",
    "summarize_texts",
    "timeline_json",
]

DOC_SEPARATOR = "|||||"  # how some Multi-News releases join a cluster's articles in one string


def _check_docs(docs: list[Document], what: str) -> None:
    if not isinstance(docs, list) or not all(isinstance(d, Document) for d in docs):
        raise UsageError(
            f"{what}() takes a list of eventdesk.types.Document",
            hint="run the articles through eventdesk.pipeline.Pipeline first",
        )


def build_timeline(
    docs: list[Document],
    *,
    dates: int | None = None,
    sentences: int = 1,
    query: str | None = None,
    events_by_article: dict[str, list[tuple[str, Event]]] | None = None,
    options: TimelineOptions | None = None,
) -> list[TimelineEntry]:
    """The timeline of ``docs`` as one story, in date order.

    At most ``dates`` entries (None: chosen from the score curve) of at most ``sentences``
    sentences each. Entries are :class:`TimelineItem` (a :class:`TimelineEntry` whose
    ``sentences`` keeps the sentences that ``text`` joins); :func:`timeline_json` gives the
    CLI's output. ``events_by_article`` maps article ids to ``(event_id, event)`` pairs (e.g.
    from the store) so entries can name the events they report.
    """
    _check_docs(docs, "build_timeline")
    items = build(docs, dates=dates, sentences=sentences, query=query,
                  events_by_article=events_by_article, opts=options)  # fmt: skip
    return list(items)


def summarize(
    docs: list[Document], *, words: int = 100, options: SummaryOptions | None = None
) -> list[SummarySentence]:
    """An extractive summary of ``docs`` of at most ``words`` words; every sentence has sources."""
    _check_docs(docs, "summarize")
    return summarize_docs(docs, words, options)


def split_documents(documents: list[str] | str) -> list[str]:
    """A cluster's article texts, whether given as a list or as one ``|||||``-joined string."""
    if isinstance(documents, str):
        documents = [documents]
    out: list[str] = []
    for text in documents:
        if not isinstance(text, str):
            raise InputError(f"a cluster document must be text, got {type(text).__name__}")
        out.extend(p.strip() for p in text.split(DOC_SEPARATOR) if p.strip())
    return out


def summarize_texts(
    documents: list[str],
    *,
    words: int = 100,
    cluster_id: str | None = None,
    options: SummaryOptions | None = None,
) -> list[SummarySentence]:
    """Summarise a cluster of raw article texts (a Multi-News style record).

    The texts run through the NLP stage here. Their ids are ``<cluster_id>/<n>`` (``doc/<n>``
    without a cluster id), n counting from 0 in input order, so sources point at the input.
    """
    from ..nlp import SpacyComponent

    texts = split_documents(documents)
    if not texts:
        raise InputError("the cluster holds no text", source=cluster_id,
                         hint="give at least one non-empty document")  # fmt: skip
    prefix = cluster_id or "doc"
    docs = [Document(article=Article(id=f"{prefix}/{i}", text=t)) for i, t in enumerate(texts)]
    docs = list(SpacyComponent().pipe(docs))
    for d in docs:
        d.nlp = None
    return summarize_docs(docs, words, options)
