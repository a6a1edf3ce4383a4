"""Event ontologies as data: types, modes, definitions, cue lemmas and context rules.

Why data and not code: an analyst who codes a different scheme (or wants one more cue word) edits
a JSON file instead of the rule engine. The bundled ``plover`` ontology lives in
``eventdesk/data/ontologies/plover.json``; :func:`load_ontology` also accepts a path to a user file
of the same shape. All definitions and cue lists are written for eventdesk.

Shape of a file (every key but ``name`` and ``types`` is optional)::

    {"name": ..., "types": {TYPE: {"definition", "modes": {MODE: definition},
                                   "verbs": {lemma: mode}, "nouns": {lemma: mode}, "examples"}},
     "mode_cues": {TYPE: [[MODE, [lemma, ...]], ...]},        # first match in the sentence wins
     "object_rules": [{"lemmas", "objects", "type", "mode", ...}],  # verb + object -> type
     "phrasal": {"pull out": [TYPE, MODE]},                   # verb + particle ("" = no event)
     "needs_rule": [lemma], "needs_complement": [lemma],      # cues too vague on their own
     "noun_types": {lemma: [[TYPE, MODE, [context lemma, ...]], ...]}}  # nouns needing context
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "data" / "ontologies"


@dataclass(slots=True)
class ObjectRule:
    """A verb whose event type depends on its object ("suspend training" vs "suspend strikes").

    ``type`` empty means "this combination is not an event" (e.g. "release a statement").
    """

    lemmas: frozenset[str]
    objects: frozenset[str]
    type: str
    mode: str = ""
    only_if_no: frozenset[str] = frozenset()  # prepositions that rule this reading out
    only_if_governed: frozenset[str] = frozenset()  # lemmas of a governing word required
    requires_word: frozenset[str] = frozenset()  # one of these lemmas must be in the sentence
    subject: bool = False  # match the subject rather than the object (intransitive readings)
    subject_words: frozenset[str] = frozenset()


@dataclass(slots=True)
class EventType:
    name: str
    definition: str
    modes: dict[str, str] = field(default_factory=dict)
    verbs: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Ontology:
    """A loaded ontology with lookup tables built once."""

    name: str
    types: dict[str, EventType]
    mode_cues: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    object_rules: list[ObjectRule] = field(default_factory=list)
    phrasal: dict[str, tuple[str, str]] = field(default_factory=dict)
    needs_rule: frozenset[str] = frozenset()
    needs_complement: frozenset[str] = frozenset()
    noun_types: dict[str, list[tuple[str, str, frozenset[str]]]] = field(default_factory=dict)
    source: str = ""
    # lemma -> [(type, mode)], in the order the types are listed
    verb_index: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    noun_index: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.types)

    def verb_types(self, lemma: str) -> list[tuple[str, str]]:
        return self.verb_index.get(lemma, [])

    def noun_types_for(self, lemma: str) -> list[tuple[str, str]]:
        return self.noun_index.get(lemma, [])


def _fs(values: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in (values or []))


def _parse(data: dict[str, Any], source: str) -> Ontology:
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict) or not data["types"]:
        raise InputError("an ontology needs a non-empty 'types' object", source=source,
                         hint="see eventdesk/data/ontologies/plover.json for the shape")
    types: dict[str, EventType] = {}
    verb_index: dict[str, list[tuple[str, str]]] = {}
    noun_index: dict[str, list[tuple[str, str]]] = {}
    for name, spec in data["types"].items():
        if not isinstance(spec, dict):
            raise InputError(f"type {name!r} must be an object", source=source)
        et = EventType(
            name=name,
            definition=str(spec.get("definition", "")),
            modes=dict(spec.get("modes") or {}),
            verbs={k.lower(): v or "" for k, v in (spec.get("verbs") or {}).items()},
            nouns={k.lower(): v or "" for k, v in (spec.get("nouns") or {}).items()},
            examples=list(spec.get("examples") or []),
        )
        types[name] = et
        for lemma, mode in et.verbs.items():
            verb_index.setdefault(lemma, []).append((name, mode))
        for lemma, mode in et.nouns.items():
            noun_index.setdefault(lemma, []).append((name, mode))
    rules = []
    for i, r in enumerate(data.get("object_rules") or []):
        rtype = r.get("type", "")
        if rtype and rtype not in types:
            raise InputError(f"object rule {i} names unknown type {rtype!r}", source=source)
        rules.append(ObjectRule(
            lemmas=_fs(r.get("lemmas")), objects=_fs(r.get("objects")), type=rtype,
            mode=r.get("mode") or "", only_if_no=_fs(r.get("only_if_no")),
            only_if_governed=_fs(r.get("only_if_governed")),
            requires_word=_fs(r.get("requires_word")), subject=bool(r.get("subject")),
            subject_words=_fs(r.get("subject_words")),
        ))
    phrasal = {k.lower(): (v[0], v[1] if len(v) > 1 else "")
               for k, v in (data.get("phrasal") or {}).items()}
    for k, (t, _) in phrasal.items():
        if t and t not in types:  # "" lists a non-event reading ("agree with" an opinion)
            raise InputError(f"phrasal cue {k!r} names unknown type {t!r}", source=source)
    noun_types = {
        k.lower(): [(t, m, _fs(ctx)) for t, m, ctx in v]
        for k, v in (data.get("noun_types") or {}).items()
    }
    mode_cues = {t: [(m, _fs(words)) for m, words in v]
                 for t, v in (data.get("mode_cues") or {}).items()}
    return Ontology(
        name=str(data.get("name") or Path(source).stem), types=types, mode_cues=mode_cues,
        object_rules=rules, phrasal=phrasal, needs_rule=_fs(data.get("needs_rule")),
        needs_complement=_fs(data.get("needs_complement")), noun_types=noun_types,
        source=source, verb_index=verb_index, noun_index=noun_index,
    )


@lru_cache(maxsize=8)
def load_ontology(name: str) -> Ontology:
    """The ontology ``name`` (a bundled one such as "plover") or a JSON file at path ``name``."""
    path = Path(name)
    if not (path.suffix == ".json" and path.is_file()):
        path = ONTOLOGY_DIR / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in ONTOLOGY_DIR.glob("*.json")))
        raise UsageError(f"unknown ontology {name!r}",
                         hint=f"bundled: {known}; or give the path of a .json ontology file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the ontology: {exc}", source=str(path),
                         hint="fix the JSON or point to another file") from exc
    return _parse(data, str(path))
