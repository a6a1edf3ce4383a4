"""Candidate sentences shared by timelines and summaries: cleaned, embedded, grouped when equal.

Why one module: both outputs are extractive, both must cite every article that carries a
sentence (not only the one the text was taken from), and both need the same notion of "the same
sentence in two articles" — wire copy reprinted with a different dateline or a changed word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError
from ..nlp.furniture import furniture_start
from ..types import Document
from .clean import clean_sentence

if TYPE_CHECKING:
    import numpy

__all__ = ["MAX_WORDS", "NEAR_DUPLICATE", "Unit", "collect_units", "group_duplicates", "words"]

MAX_WORDS = 70  # longer "sentences" are run-on extraction artefacts (lists, tables, captions)
NEAR_DUPLICATE = 0.9  # cosine of MiniLM embeddings above which two sentences report the same
_WORD = re.compile(r"\S+")


def words(text: str) -> int:
    """Words as a reader counts them (whitespace-separated), which is how limits are stated."""
    return len(_WORD.findall(text))


@dataclass(slots=True)
class Unit:
    """One cleaned sentence of one article, plus the articles that repeat it."""

    doc: int  # index of the document in the input list
    article_id: str
    sentence: int  # sentence index in the article
    position: int  # rank among the article's kept sentences (0 = its lead)
    text: str
    published: str | None
    n_words: int
    also: list[int] = field(default_factory=list)  # indices of duplicate units in other articles

    @property
    def order_key(self) -> tuple[str, int, int]:
        return (self.published or "9999-99-99", self.doc, self.sentence)


def collect_units(docs: list[Document], *, max_per_doc: int | None = None) -> list[Unit]:
    """Every cleaned sentence of ``docs`` in document order (``max_per_doc`` from each lead).

    Raises :class:`InputError` when a document has text but no sentences, i.e. it has not been
    through the NLP stage: summarising it would silently ignore the article.
    """
    units: list[Unit] = []
    for d, doc in enumerate(docs):
        if not doc.sentences and doc.article.text.strip():
            raise InputError(
                "document has no sentences: run the NLP stage (eventdesk.nlp.v1) first",
                source=doc.article.id,
            )
        kept = 0
        seen: set[str] = set()
        cut = furniture_start(doc.article.text)
        for s in doc.sentences:
            if cut is not None and s.start >= cut:
                break  # the page's comment section
            text = clean_sentence(s.text)
            if text is None:
                continue
            n = words(text)
            if n > MAX_WORDS or text in seen:
                continue
            seen.add(text)
            units.append(
                Unit(d, doc.article.id, s.index, kept, text, doc.article.published_date, n)
            )
            kept += 1
            if max_per_doc is not None and kept >= max_per_doc:
                break
    return units


def group_duplicates(units: list[Unit], vecs: numpy.ndarray) -> list[int]:
    """For each unit, the index of its group's representative (itself when unique).

    Two units are one sentence when their embeddings are at least :data:`NEAR_DUPLICATE` alike
    or their lower-cased texts are equal. The representative is the earliest (publication date,
    document, sentence): the first report. Each representative's ``also`` lists the others.
    """
    import numpy as np

    n = len(units)
    rep = list(range(n))
    if n == 0:
        return rep
    order = sorted(range(n), key=lambda i: units[i].order_key)
    reps: list[int] = []
    by_text: dict[str, int] = {}
    for i in order:
        key = units[i].text.lower()
        target = by_text.get(key)
        if target is None and reps:
            row = vecs[reps] @ vecs[i]
            j = int(np.argmax(row))
            if row[j] >= NEAR_DUPLICATE:
                target = reps[j]
        if target is None:
            reps.append(i)
            by_text[key] = i
        else:
            rep[i] = target
            units[target].also.append(i)
    return rep
