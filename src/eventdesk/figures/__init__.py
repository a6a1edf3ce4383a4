"""Figures: quantities in the text with what they count, and their reconciliation across articles.

``eventdesk.figures.v1`` (:class:`FigureComponent`) fills ``Document.figures`` for one article:
"approximately 5,000 US troops in Iraq" becomes a :class:`~eventdesk.types.Figure` with value
5000, unit "troops", about "US troops in Iraq", approximate True. :func:`reconcile` then groups
the figures of many articles that count the same thing (:func:`about_key`) and marks a group's
``discrepancy`` where two sources' values cannot both be true given their wording
(:func:`disagree`, :func:`sources_disagree`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..types import Document
from .about import about_key, about_parts, country_code
from .extract import COMPONENT, extract_figures
from .reconcile import (
    ArticleMeta,
    FigureGroup,
    FigureValue,
    disagree,
    interval,
    reconcile,
    sources_disagree,
)

if TYPE_CHECKING:
    from ..pipeline import Options

__all__ = [
    "ArticleMeta",
    "FigureComponent",
    "FigureGroup",
    "FigureValue",
    "about_key",
    "about_parts",
    "country_code",
    "disagree",
    "extract_figures",
    "interval",
    "reconcile",
    "sources_disagree",
]


class FigureComponent:
    """``eventdesk.figures.v1``: fills ``doc.figures`` from the parse and the entities.

    Holds no heavy state: the number patterns are compiled at import and the country table is
    built once on first use.
    """

    name = COMPONENT
    requires: tuple[str, ...] = ("sentences", "tokens", "entities")
    assigns: tuple[str, ...] = ("figures",)

    def __init__(self, options: Options | None = None):
        self.options = options

    def __call__(self, doc: Document) -> Document:
        doc.figures = extract_figures(doc)
        return doc
