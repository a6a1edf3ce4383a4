"""The pipeline: an ordered list of components, each a callable class over :class:`Document`.

Modelled on spaCy: a component loads its heavy state once in ``__init__`` and does its work in
``__call__(doc) -> doc`` (or ``pipe(docs)`` for batches). It declares what it ``requires`` and what
it ``assigns`` (names of :class:`~eventdesk.types.Document` fields), so the order is checked before
any article is read. Components are registered under versioned names
(``eventdesk.dates.v1``) in :data:`REGISTRY`, filled in one place (:func:`_register_builtins`),
never as an import side effect.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import UsageError
from .types import Article, Document


class Component(Protocol):
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


@dataclass(slots=True)
class Options:
    """Options every stage may read; one typed object instead of keyword lists through layers."""

    ontology: str = "plover"  # plover | acled
    model: str | None = None  # path of a classifier trained with `eventdesk train`
    batch_size: int = 32
    n_process: int = 1
    components: tuple[str, ...] = ()  # empty: the default pipeline for the ontology
    settings: dict[str, Any] = field(default_factory=dict)  # component-specific overrides


# name -> "module:factory"; a factory takes Options and returns a component.
REGISTRY: dict[str, str] = {}


def register(name: str, target: str) -> None:
    """Register a component factory by versioned name (``module:callable``)."""
    REGISTRY[name] = target


def _register_builtins() -> None:
    register("eventdesk.nlp.v1", "eventdesk.nlp:SpacyComponent")
    register("eventdesk.actors.v1", "eventdesk.entities:ActorLinker")
    register("eventdesk.dates.v1", "eventdesk.time:DateComponent")
    register("eventdesk.places.v1", "eventdesk.places:PlaceComponent")
    register("eventdesk.figures.v1", "eventdesk.figures:FigureComponent")
    register("eventdesk.events.v1", "eventdesk.events:EventComponent")
    register("eventdesk.event_location.v1", "eventdesk.places:EventLocator")


_register_builtins()

# The default pipeline, in dependency order.
DEFAULT_PIPELINE: tuple[str, ...] = (
    "eventdesk.nlp.v1",
    "eventdesk.actors.v1",
    "eventdesk.dates.v1",
    "eventdesk.places.v1",
    "eventdesk.figures.v1",
    "eventdesk.events.v1",
    "eventdesk.event_location.v1",
)


def _optional_builtins() -> tuple[str, ...]:
    """Default stages whose module is present in this installation, in pipeline order."""
    import importlib.util

    out = []
    for name in DEFAULT_PIPELINE:
        module = REGISTRY[name].partition(":")[0]
        if importlib.util.find_spec(module) is not None:
            out.append(name)
    return tuple(out)


def create(name: str, options: Options) -> Component:
    try:
        target = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UsageError(f"unknown component {name!r}", hint=f"known: {known}") from None
    module, _, attr = target.partition(":")
    factory: Callable[[Options], Component] = getattr(importlib.import_module(module), attr)
    return factory(options)


class Pipeline:
    """Components in order; checks ``requires``/``assigns`` before anything runs."""

    def __init__(self, components: list[Component]):
        available = {"article"}
        for comp in components:
            missing = [r for r in comp.requires if r not in available]
            if missing:
                raise UsageError(
                    f"component {comp.name} requires {', '.join(missing)}, which no earlier "
                    "component assigns",
                    hint="reorder the pipeline or add the missing stage",
                )
            available.update(comp.assigns)
        self.components = components
        # the first component run in halves (see :meth:`pipe`); len(components) if none
        self._split = next((i for i, c in enumerate(components)
                            if hasattr(c, "begin") and hasattr(c, "end")), len(components))

    @classmethod
    def from_options(cls, options: Options) -> Pipeline:
        names = options.components or _optional_builtins()
        return cls([create(n, options) for n in names])

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def __call__(self, article: Article) -> Document:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Document]:
        """Run every component over ``articles`` in batches; yields documents in input order.

        A component with ``begin(docs) -> state`` and ``end(docs, state) -> docs`` (the events
        stage) is run in two halves: a batch's first half runs before the previous batch's
        second half. Why: ``begin`` hands work to a helper process (the classifier's sentence
        embeddings, :func:`eventdesk.embed.prefetch`), which does it while this process parses
        the next batch. Results are the same; only the order of the work changes.
        """
        pending: tuple[list[Document], Any] | None = None
        for batch in _batches(articles, batch_size):
            started = self._begin(batch)
            if pending is not None:
                yield from self._end(*pending)
            pending = started
        if pending is not None:
            yield from self._end(*pending)

    def _begin(self, docs: list[Document]) -> tuple[list[Document], Any]:
        split = self._split
        for comp in self.components[:split]:
            docs = _run(comp, docs)
        state = self.components[split].begin(docs) if split < len(self.components) else None
        return docs, state

    def _end(self, docs: list[Document], state: Any) -> list[Document]:
        split = self._split
        if split < len(self.components):
            docs = list(self.components[split].end(docs, state))
            for comp in self.components[split + 1:]:
                docs = _run(comp, docs)
        for d in docs:
            d.nlp = None  # the spaCy Doc is transient: free it once all stages have run
        return docs


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for art in articles:
        batch.append(Document(article=art))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(comp: Component, docs: list[Document]) -> list[Document]:
    batch_fn = getattr(comp, "pipe", None)
    return list(batch_fn(docs)) if batch_fn else [comp(d) for d in docs]
