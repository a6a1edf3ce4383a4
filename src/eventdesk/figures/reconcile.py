"""Figures across articles: one group per thing counted, with a flag where sources disagree.

Qualifier logic (:func:`interval`, :func:`disagree`): each figure stands for the interval of values
its wording allows, and two figures disagree when their intervals do not overlap.

- exact ("5,200"): ``[v, v]``; a scaled decimal ("5.2 million") is already rounded, so it allows
  half a unit of its last written digit (``[5.15M, 5.25M]``).
- approximate ("about", "approximately", "around", "roughly", "some", "an estimated"):
  ``v ± max(3% of v, 1)``. Why 3% and not the ±10% or the rounding of the number's magnitude
  ("approximately 5,000" as 4,500-5,500): a reader takes "approximately 5,000" to mean a number
  that rounds to 5,000 *as the writer knew it*; a source saying 5,200 (4% away) knew a different
  number, which is what an analyst wants to see. Within 3% the sources are only rounding.
- lower bound ("over", "more than", "at least"): ``[v, ∞)``; upper ("under", "up to", "fewer
  than"): ``[0, v]``. With a closeness qualifier ("just over", "nearly", "almost") the closed end
  is loosened by the same 3%. "Hundreds"/"tens of thousands" are read as approximate lower bounds
  (200, 20,000).

So "over 100,000" vs 120,000 agree, 5,200 vs "approximately 5,000" disagree, 5,000 vs 5,000 agree.

A group's ``discrepancy`` (:func:`sources_disagree`) is between *sources*: two articles whose
values cannot both be true. An article that itself gives two disagreeing values for one group
("25 dogs were seized ... 71 dogs in all") is counting several things under one name, so its
values are shown but prove no disagreement; "Sources differ on dogs: 25 (A); 71 (A)" would be
false.

Grouping (:func:`reconcile`): by :func:`~.about.about_key` and unit; a figure that names no place
("5,200 US soldiers") joins the group of the same thing with a place when there is exactly one
such group ("US troops in Iraq"), provided it names an owner or modifier (a bare "4,000 forces"
is too unspecific to join anything). Figures about the same thing published more than
:data:`WINDOW_DAYS` apart are separate groups: troop numbers change, and a 2019 figure does not
contradict a 2021 one.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import UsageError
from ..types import Article, Bound, Figure
from .about import about_parts
from .numbers import written_resolution

APPROX_TOLERANCE = 0.03  # relative slack of "about"/"approximately" (see module docstring)
MIN_TOLERANCE = 1.0  # "about 12" still allows 11 and 13
WINDOW_DAYS = 90  # figures about one thing further apart than this are separate groups


@dataclass(slots=True, frozen=True)
class ArticleMeta:
    """What a figure's group needs to know of the article it came from."""

    article_id: str
    source: str | None = None
    published: str | None = None  # "YYYY-MM-DD[THH:MM:SS]"

    @classmethod
    def from_article(cls, article: Article) -> ArticleMeta:
        return cls(article_id=article.id, source=article.source, published=article.published)


@dataclass(slots=True)
class FigureValue:
    """One article's value in a group (the contract's ``values`` entry)."""

    value: float
    approximate: bool
    bound: Bound | None
    article_id: str
    source: str | None
    published: str | None
    start: int
    end: int
    text: str
    figure: Figure | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "value": value,
            "approximate": self.approximate,
            "bound": self.bound,
            "article_id": self.article_id,
            "source": self.source,
            "published": self.published,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(slots=True)
class FigureGroup:
    """One quantity being counted, with every article's value (``export figures``)."""

    figure_id: str
    about: str
    unit: str | None
    values: list[FigureValue]
    discrepancy: bool
    key: str = ""  # the normalised about_key the group was formed on

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure_id": self.figure_id,
            "about": self.about,
            "unit": self.unit,
            "values": [v.to_dict() for v in self.values],
            "discrepancy": self.discrepancy,
        }


def interval(fig: Figure) -> tuple[float, float]:
    """The values ``fig``'s wording allows, as a closed interval (see the module docstring)."""
    v = float(fig.value)
    slack = written_resolution(fig.span.text) if fig.span is not None else 0.0
    if fig.approximate:
        slack += max(APPROX_TOLERANCE * abs(v), MIN_TOLERANCE)
    if fig.bound == "lower":
        return v - slack, math.inf
    if fig.bound == "upper":
        return min(0.0, v), v + slack
    return v - slack, v + slack


def disagree(a: Figure, b: Figure) -> bool:
    """True when ``a`` and ``b`` cannot both be right: their intervals do not overlap.

    Raises :class:`UsageError` for figures in different units, which are not comparable.
    """
    if a.unit != b.unit:
        raise UsageError(
            f"cannot compare figures in {a.unit!r} and {b.unit!r}",
            hint="compare figures of one group (same about and unit) only",
        )
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    eps = 1e-9 * max(1.0, abs(a.value), abs(b.value))
    return hi_a + eps < lo_b or hi_b + eps < lo_a


def sources_disagree(items: Iterable[tuple[Figure, str]]) -> bool:
    """True when two articles give values for one thing that cannot both be true.

    ``items`` are (figure, article id) pairs of one group. Only articles whose own values agree
    with each other take part (see the module docstring). Linear in the values, however many
    articles a group gathers: some two values disagree exactly when the lowest upper end of
    their intervals lies below the highest lower end, and within an article that agrees with
    itself it never does, so those two come from different articles.
    """
    by_article: dict[str, list[tuple[float, float]]] = defaultdict(list)
    top = 1.0
    for fig, article_id in items:
        by_article[article_id].append(interval(fig))
        top = max(top, abs(float(fig.value)))
    eps = 1e-9 * top

    def split(ivs: list[tuple[float, float]]) -> bool:
        return min(hi for _, hi in ivs) + eps < max(lo for lo, _ in ivs)

    agreeing = [iv for ivs in by_article.values() if not split(ivs) for iv in ivs]
    return bool(agreeing) and split(agreeing)


def _day(meta: ArticleMeta) -> date | None:
    if not meta.published:
        return None
    try:
        return date.fromisoformat(meta.published[:10])
    except ValueError:
        raise UsageError(
            f"article {meta.article_id!r} has an unreadable publication date {meta.published!r}",
            hint="give published as YYYY-MM-DD[THH:MM:SS]",
        ) from None


def _windows(items: list[tuple[Figure, ArticleMeta]]) -> list[list[tuple[Figure, ArticleMeta]]]:
    """Split one key's figures into publication-time windows of at most WINDOW_DAYS each.

    Undated figures join the only window when there is one; with several they cannot be placed
    and form a window of their own.
    """
    dated = sorted(((d, f, m) for f, m in items if (d := _day(m)) is not None), key=lambda x: x[0])
    undated = [(f, m) for f, m in items if _day(m) is None]
    windows: list[list[tuple[Figure, ArticleMeta]]] = []
    first: date | None = None
    for d, f, m in dated:
        if first is None or (d - first).days > WINDOW_DAYS:
            windows.append([])
            first = d
        windows[-1].append((f, m))
    if undated:
        if len(windows) == 1:
            windows[0].extend(undated)
        else:
            windows.append(undated)
    return windows


def _value(f: Figure, m: ArticleMeta) -> FigureValue:
    return FigureValue(
        value=f.value,
        approximate=f.approximate,
        bound=f.bound,
        article_id=m.article_id,
        source=m.source,
        published=m.published,
        start=f.span.start,
        end=f.span.end,
        text=f.span.text,
        figure=f,
    )


def _value_order(fm: tuple[Figure, ArticleMeta]) -> tuple[str, str, int]:
    fig, meta = fm
    return (meta.published or "9999", meta.article_id, fig.span.start)


def _group_about(figs: list[Figure], key: str) -> str:
    """The wording that says exactly what the group counts: among the values whose own key is the
    group's (so it names the place), the most frequent, ties to the shortest."""
    abouts = [f.about for f in figs if f.about]
    exact = [a for a in abouts if about_parts(a).key() == key]
    counts = Counter(exact or abouts)
    return max(counts, key=lambda a: (counts[a], -len(a)))


def reconcile(figures: Iterable[tuple[Figure, ArticleMeta]]) -> list[FigureGroup]:
    """Group figures from many articles by what they count and flag disagreements.

    Figures without ``about`` count nothing nameable and are left out. Groups come ordered by
    their earliest publication date (undated last), values within a group likewise.
    """
    by_key: dict[tuple[str, str | None], list[tuple[Figure, ArticleMeta]]] = defaultdict(list)
    placeless: list[tuple[str, str | None, Figure, ArticleMeta]] = []
    # (key without places, unit) -> the full keys with places that share it
    with_place: dict[tuple[str, str | None], set[tuple[str, str | None]]] = defaultdict(set)
    for fig, meta in figures:
        if not fig.about:
            continue
        parts = about_parts(fig.about)
        if parts.places:
            by_key[(parts.key(), fig.unit)].append((fig, meta))
            with_place[(parts.key(with_places=False), fig.unit)].add((parts.key(), fig.unit))
        elif parts.owner or parts.modifiers:
            placeless.append((parts.key(), fig.unit, fig, meta))
        else:  # bare "forces": too unspecific to join anyone else's count
            by_key[(parts.key(), fig.unit)].append((fig, meta))
    # A figure naming no place joins the one group of the same thing that names one.
    for key, unit, fig, meta in placeless:
        targets = with_place.get((key, unit), set())
        target = next(iter(targets)) if len(targets) == 1 else (key, unit)
        by_key[target].append((fig, meta))

    groups: list[FigureGroup] = []
    for (key, unit), items in by_key.items():
        for window in _windows(items):
            window.sort(key=_value_order)
            figs = [f for f, _ in window]
            first = next((m.published[:10] for _, m in window if m.published), "")
            digest = hashlib.sha1(f"{key}|{unit}|{first}".encode()).hexdigest()[:12]
            groups.append(
                FigureGroup(
                    figure_id=f"fig-{digest}",
                    about=_group_about(figs, key),
                    unit=unit,
                    values=[_value(f, m) for f, m in window],
                    discrepancy=sources_disagree((f, m.article_id) for f, m in window),
                    key=key,
                )
            )
    groups.sort(key=lambda g: (g.values[0].published or "9999", g.key, g.unit or ""))
    return groups
