"""ACLED coding: the event type and sub-event type of a passage, e.g. ("BATTLES", "ARMED_CLASH").

How: the bundled :class:`~.classifier.TextClassifier` (MiniLM + n-grams, trained on the labelled
examples in ``data/training/acled*.jsonl``) gives a probability per sub-event type; high-precision
cue patterns from the ontology file (``data/ontologies/acled.json``, e.g. "suicide bomber",
"grenade", "tear gas") then add weight to the types they name. Rules win where the wording is
decisive and rare in training data; the classifier decides where the wording is ordinary.
The cue patterns only ever add weight, so two cues that disagree ("protesters threw stones ... tear
gas") are settled by the classifier's probabilities rather than by pattern order.

Codes are the upper-snake-case sub-event codes of CONTRACT.md (ARMED_CLASH, AIR_STRIKE,
PEACE_PROTEST, ...); ACLED's own names ("Air/drone strike") are accepted as aliases wherever
labels are read. The five extra classes of the CASE 2021 task (ORG_CRIME, NATURAL_DISASTER,
MAN_MADE_DISASTER, DIPLO, ATTRIB) are not ACLED categories: their event type is ``NON_ACLED``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ModelError
from .classifier import TextClassifier, bundled

ONTOLOGY_PATH = Path(__file__).resolve().parent.parent / "data" / "ontologies" / "acled.json"
NON_ACLED = "NON_ACLED"
# How much a matching cue pattern adds to a sub-event type's probability before renormalising:
# enough to overturn a classifier that is unsure, not enough to beat a strong contrary reading
# when two patterns fire. Chosen by 5-fold cross-validation on our training data (0.3 beat 0.6
# and 1.0 there): with more training examples the classifier itself learns most cue words.
CUE_WEIGHT = 0.3
# In classify_acled_in_context, the weight of the whole document's reading against a passage's.
CONTEXT_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class SubEventType:
    code: str
    event_type: str
    name: str
    definition: str
    cues: tuple[str, ...]
    overrides: tuple[re.Pattern[str], ...]
    supersedes: tuple[str, ...]  # codes whose cues this type's matching cue cancels
    plover_event: str | None
    plover_mode: str | None


@dataclass(frozen=True, slots=True)
class AcledOntology:
    sub_events: dict[str, SubEventType]
    event_types: dict[str, str]  # code -> definition
    aliases: dict[str, str]  # normalised alias -> code

    def code_for(self, label: str) -> str | None:
        """The sub-event code for a label in any accepted spelling, or None if unknown."""
        return self.aliases.get(_norm(label))

    @property
    def acled_codes(self) -> list[str]:
        """The 25 ACLED sub-event codes (the CASE extras excluded)."""
        return [c for c, s in self.sub_events.items() if s.event_type != NON_ACLED]


def _norm(label: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", label.upper()).strip("_")


@lru_cache(maxsize=1)
def ontology(path: str | None = None) -> AcledOntology:
    """The ACLED ontology from the package's ``acled.json`` (or ``path``), read once."""
    src = Path(path) if path else ONTOLOGY_PATH
    try:
        data: dict[str, Any] = json.loads(src.read_text(encoding="utf-8"))
        subs: dict[str, SubEventType] = {}
        aliases: dict[str, str] = {}
        for s in data["sub_event_types"]:
            plover = s.get("plover") or {}
            sub = SubEventType(
                code=s["code"],
                event_type=s["event_type"],
                name=s["name"],
                definition=s["definition"],
                cues=tuple(s.get("cues", ())),
                overrides=tuple(re.compile(p, re.IGNORECASE) for p in s.get("overrides", ())),
                supersedes=tuple(s.get("supersedes", ())),
                plover_event=plover.get("event"),
                plover_mode=plover.get("mode"),
            )
            subs[sub.code] = sub
            for alias in [sub.code, sub.name, *s.get("aliases", ())]:
                aliases[_norm(alias)] = sub.code
        types = {t["code"]: t["definition"] for t in data["event_types"]}
    except (OSError, json.JSONDecodeError, KeyError, TypeError, re.error) as exc:
        raise ModelError(f"cannot read the ACLED ontology ({exc})", source=str(src),
                         hint="reinstall eventdesk or fix the JSON file") from exc
    unknown = {s.event_type for s in subs.values()} - set(types)
    if unknown:
        raise ModelError(f"sub-event types refer to unknown event types {sorted(unknown)}",
                         source=str(src))
    loose = sorted({c for s in subs.values() for c in s.supersedes} - set(subs))
    if loose:
        raise ModelError(f"'supersedes' names unknown sub-event types {loose}", source=str(src),
                         hint="use the codes of the file's sub_event_types")
    return AcledOntology(sub_events=subs, event_types=types, aliases=aliases)


def cue_matches(text: str) -> list[str]:
    """Sub-event codes whose high-precision override patterns match ``text``.

    A matching type's ``supersedes`` (ontology file) removes the codes it names: ACLED's codebook
    ranks some readings over others when one report fits both. Demonstrators who throw stones or
    clash with the police make a violent demonstration whatever met them, so the tear gas or live
    fire in the same sentence, which describe the response, no longer pull towards a protest with
    intervention or excessive force against protesters.
    """
    onto = ontology()
    found = [code for code, s in onto.sub_events.items()
             if any(p.search(text) for p in s.overrides)]
    dropped = {c for code in found for c in onto.sub_events[code].supersedes}
    return [code for code in found if code not in dropped]


def _label_codes(model: TextClassifier) -> list[str]:
    """The ontology code of each of the model's labels; unknown labels are a ModelError."""
    onto = ontology()
    codes = [onto.code_for(lab) for lab in model.labels]
    bad = [lab for lab, c in zip(model.labels, codes, strict=True) if c is None]
    if bad:
        raise ModelError(f"the model's labels {bad[:5]} are not ACLED sub-event types",
                         hint="train it on ACLED sub-event types (e.g. an ACLED export's "
                              "sub_event_type column) to use it with --ontology acled")
    return [c for c in codes if c is not None]


def combine(probs: dict[str, float], cues: list[str]) -> tuple[str, float]:
    """Add :data:`CUE_WEIGHT` to each cued code, renormalise, and return the best code and score."""
    scores = dict(probs)
    for code in cues:
        scores[code] = scores.get(code, 0.0) + CUE_WEIGHT
    total = sum(scores.values()) or 1.0
    best = max(scores, key=scores.__getitem__)
    return best, scores[best] / total


def _code_probs(clf: TextClassifier, texts: list[str]) -> list[dict[str, float]]:
    """Each text's probability per ontology code (a user model's labels may alias one code)."""
    codes = _label_codes(clf)
    out: list[dict[str, float]] = []
    for probs in clf.predict_proba(list(texts)):
        by_code: dict[str, float] = {}
        for lab, code in zip(clf.labels, codes, strict=True):
            by_code[code] = by_code.get(code, 0.0) + probs[lab]
        out.append(by_code)
    return out


def classify_acled(texts: list[str],
                   model: TextClassifier | None = None) -> list[tuple[str, str, float]]:
    """(event type, sub-event type, confidence) for each text, in input order.

    ``model`` defaults to the bundled ACLED classifier; a user model (``eventdesk train``) must
    have ACLED sub-event labels in any spelling (``Air/drone strike``, ``AIR_DRONE_STRIKE`` or
    ``AIR_STRIKE``).
    """
    if not texts:
        return []
    clf = model if model is not None else bundled("acled")
    onto = ontology()
    out: list[tuple[str, str, float]] = []
    for text, by_code in zip(texts, _code_probs(clf, list(texts)), strict=True):
        best, conf = combine(by_code, cue_matches(text))
        out.append((onto.sub_events[best].event_type, best, round(conf, 4)))
    return out


def classify_acled_in_context(passages: list[str], context: str | list[str],
                              model: TextClassifier | None = None, *,
                              context_weight: float = CONTEXT_WEIGHT,
                              ) -> list[tuple[str, str, float]]:
    """Like :func:`classify_acled` for passages of one document, each read in that document.

    Why: one sentence often lacks what decides the sub-event type: who the fighters are (a
    government recapture or a rebel one), that the crowd was peaceful before the police fired, that
    the "gas" was a factory leak. Each passage's probabilities are mixed with those of its
    ``context`` with weight ``context_weight``, so the passages of a news item are typed
    consistently with what the item is about; the cue patterns are read in the passage itself,
    where the wording belongs to that event. ``context`` is one text for all passages (a short
    snippet) or one per passage (the passage's neighbourhood in a long article, where the whole
    would pull a drone strike towards whatever the article is mostly about).
    """
    if not passages:
        return []
    if not 0.0 <= context_weight <= 1.0:
        raise ModelError(f"context_weight must be within 0..1, got {context_weight}",
                         hint="0 reads each passage alone, 1 types every passage as the document")
    contexts = [context] * len(passages) if isinstance(context, str) else list(context)
    if len(contexts) != len(passages):
        raise ModelError(f"{len(contexts)} contexts for {len(passages)} passages",
                         hint="pass one context, or one per passage")
    clf = model if model is not None else bundled("acled")
    onto = ontology()
    unique = list(dict.fromkeys(contexts))
    probs = _code_probs(clf, [*passages, *unique])
    ctx_probs = dict(zip(unique, probs[len(passages):], strict=True))
    out: list[tuple[str, str, float]] = []
    for text, ctx, by_code in zip(passages, contexts, probs[: len(passages)], strict=True):
        doc_probs = ctx_probs[ctx]
        mixed = {c: (1.0 - context_weight) * p + context_weight * doc_probs.get(c, 0.0)
                 for c, p in by_code.items()}
        best, conf = combine(mixed, cue_matches(text))
        out.append((onto.sub_events[best].event_type, best, round(conf, 4)))
    return out


def plover_for(code: str) -> tuple[str | None, str | None]:
    """The PLOVER (event, mode) an ACLED sub-event code maps to; (None, None) where none fits."""
    sub = ontology().sub_events.get(code) or ontology().sub_events.get(
        ontology().code_for(code) or "")
    if sub is None:
        raise ModelError(f"unknown ACLED sub-event type {code!r}",
                         hint="see data/ontologies/acled.json for the codes")
    return sub.plover_event, sub.plover_mode
