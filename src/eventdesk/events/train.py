"""``eventdesk train LABELLED -o model.npz``: fit the event classifier on a user's labelled data.

Why: analysts often hold coded data of their own (an ACLED export, a project's hand-coded
sentences). Training our :class:`~.classifier.TextClassifier` on it and passing ``--model`` lets
the pipeline type events the way that project does. Input is JSONL (``{"text", "label"}`` by
default) or CSV/TSV; an ACLED export is recognised by its ``notes`` and ``sub_event_type`` columns.
Every unusable line is reported with its line number, so a user can fix the file in one pass.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import InputError
from .classifier import TextClassifier

log = logging.getLogger(__name__)

# Column names tried, in order, when the default text/label fields are absent (ACLED exports).
TEXT_FALLBACKS = ("text", "notes", "sentence", "snippet")
LABEL_FALLBACKS = ("label", "sub_event_type", "event_type", "class")
MAX_REPORTED = 10
MIN_PER_LABEL_FOR_CV = 3


def _pick(columns: list[str], wanted: str, fallbacks: tuple[str, ...]) -> str | None:
    lower = {c.lower().strip(): c for c in columns}
    for name in (wanted, *fallbacks):
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _read_records(path: Path) -> list[tuple[int, Any]]:
    """(line number, record) pairs; a CSV record's line number is where its row ends."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=str(path),
                         hint="check the path") from exc
    if not raw.strip():
        raise InputError("the file is empty", source=str(path),
                         hint="give labelled examples, one per line")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", source=str(path),
                         hint="save it as UTF-8 JSONL or CSV") from exc
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv") or (suffix not in (".jsonl", ".json", ".ndjson")
                                      and not text.lstrip().startswith("{")):
        delim = "\t" if suffix == ".tsv" else ","
        reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delim)
        rows: list[tuple[int, Any]] = [(reader.line_num, row) for row in reader]
        if reader.fieldnames is None:
            raise InputError("the CSV file has no header row", source=str(path))
        return rows
    out: list[tuple[int, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            out.append((n, exc))
    return out


def load_examples(path: str | os.PathLike[str], *, text_field: str = "text",
                  label_field: str = "label") -> tuple[list[str], list[str]]:
    """Texts and labels of a labelled file; bad lines raise one InputError listing them."""
    p = Path(path)
    records = _read_records(p)
    columns: list[str] = []
    for _, rec in records:
        if isinstance(rec, dict):
            columns = list(rec)
            break
    tf = _pick(columns, text_field, TEXT_FALLBACKS)
    lf = _pick(columns, label_field, LABEL_FALLBACKS)
    if tf is None or lf is None:
        raise InputError(f"no {text_field!r}/{label_field!r} fields (found {columns[:12]})",
                         source=str(p),
                         hint="name them with --text-field/--label-field, or use an ACLED "
                              "export's notes and sub_event_type columns")
    texts: list[str] = []
    labels: list[str] = []
    bad: list[str] = []
    for n, rec in records:
        if isinstance(rec, Exception):
            bad.append(f"line {n}: not JSON ({rec.msg})")
            continue
        if not isinstance(rec, dict):
            bad.append(f"line {n}: not an object")
            continue
        text, label = rec.get(tf), rec.get(lf)
        if not isinstance(text, str) or not text.strip():
            bad.append(f"line {n}: missing or empty {tf!r}")
        elif not isinstance(label, str | int) or not str(label).strip():
            bad.append(f"line {n}: missing or empty {lf!r}")
        else:
            texts.append(text.strip())
            labels.append(str(label).strip())
    if bad:
        more = f" (and {len(bad) - MAX_REPORTED} more)" if len(bad) > MAX_REPORTED else ""
        raise InputError(f"{len(bad)} unusable line(s): " + "; ".join(bad[:MAX_REPORTED]) + more,
                         source=str(p), hint="fix or remove those lines")
    return texts, labels


def _cross_validate(texts: list[str], labels: list[str], folds: int) -> float:
    """Stratified k-fold accuracy, embedding the texts once (the costly part) for all folds."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from ..embed import embed, float32

    y = np.array(labels)
    with float32():  # as fit() embeds: the folds are scored on the vectors models learn from
        emb = embed(texts)
    correct = 0
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=0).split(
            np.zeros(len(y)), y):
        clf = TextClassifier().fit([texts[i] for i in train_idx], [labels[i] for i in train_idx],
                                   embeddings=emb[train_idx])
        pred = clf.predict([texts[i] for i in test_idx], embeddings=emb[test_idx])
        correct += sum(p == labels[i] for (p, _), i in zip(pred, test_idx, strict=True))
    return correct / len(labels)


def train_file(path: str, out: str, *, text_field: str = "text",
               label_field: str = "label") -> dict[str, Any]:
    """Fit a classifier on ``path`` and save it to ``out``; returns statistics of the run.

    The stats hold ``n`` (examples), ``labels`` (label -> count), ``out`` and, when every label
    has at least 3 examples, ``cv_accuracy`` (3- to 5-fold stratified cross-validation).
    """
    texts, labels = load_examples(path, text_field=text_field, label_field=label_field)
    counts = Counter(labels)
    if len(counts) < 2:
        raise InputError(f"need at least 2 distinct labels, found {sorted(counts)}",
                         source=str(path), hint="add examples of other classes")
    stats: dict[str, Any] = {"n": len(texts), "labels": dict(sorted(counts.items())),
                             "out": str(out), "cv_accuracy": None}
    smallest = min(counts.values())
    if smallest >= MIN_PER_LABEL_FOR_CV:
        folds = min(5, smallest)
        stats["cv_accuracy"] = round(_cross_validate(texts, labels, folds), 4)
        stats["cv_folds"] = folds
    clf = TextClassifier().fit(texts, labels)
    clf.save(out)
    log.info("trained on %d examples of %d labels -> %s", len(texts), len(counts), out)
    return stats
