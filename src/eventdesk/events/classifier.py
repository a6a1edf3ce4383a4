"""A small text classifier for event types: MiniLM embeddings plus word n-grams, and a linear model.

Why this design: a few hundred labelled sentences per ontology are all we have (written by us and
kept in ``data/training``), so a large model cannot be fine-tuned; a multinomial logistic
regression over a frozen sentence embedding learns from few examples, trains in seconds on a CPU,
and gives calibrated-enough probabilities for the rules in :mod:`.acled` to combine with. Sparse
word unigram/bigram TF-IDF features are added because the event types hinge on a few decisive
words ("grenade", "tear gas", "landmine") that a sentence embedding can blur.

A trained model is saved as a plain ``.npz`` of numbers and strings (no pickle): it is portable,
safe to load from an untrusted source, and small. Prediction is a matrix product done here with
numpy, so loading a model does not need scikit-learn at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, ModelError

if TYPE_CHECKING:
    import numpy

log = logging.getLogger(__name__)

FORMAT = "eventdesk.textclassifier.v1"
TRAINING_DIR = Path(__file__).resolve().parent.parent / "data" / "training"
_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]|\d+")


def _tokens(text: str) -> list[str]:
    """Lowercased word unigrams and bigrams; digits collapse to ``0`` (counts are not the type)."""
    words = [("0" if w.isdigit() else w) for w in _TOKEN.findall(text.lower())]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


class TextClassifier:
    """Label texts with one of ``labels``; ``fit`` then ``predict``/``predict_proba``, or ``load``.

    ``lexical_weight`` scales the n-gram block against the (unit-length) embedding block; 0 turns
    the n-grams off. ``C`` is the inverse regularisation strength of the logistic regression.
    """

    def __init__(self, *, lexical_weight: float = 0.6, max_ngrams: int = 6000, C: float = 8.0):
        self.labels: list[str] = []
        self.lexical_weight = float(lexical_weight)
        self.max_ngrams = int(max_ngrams)
        self.C = float(C)
        self.vocab: dict[str, int] = {}
        self.idf: numpy.ndarray | None = None
        self.coef: numpy.ndarray | None = None  # (n_labels, n_features)
        self.intercept: numpy.ndarray | None = None  # (n_labels,)
        self.meta: dict[str, Any] = {}

    # -- features -------------------------------------------------------------------------------
    def _fit_vocab(self, texts: list[str]) -> None:
        import numpy as np

        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(_tokens(t)))
        # n-grams seen in at least two examples, most frequent first (ties alphabetically, so the
        # vocabulary, and hence the model, is reproducible).
        kept = sorted((g for g, c in df.items() if c >= 2), key=lambda g: (-df[g], g))
        kept = kept[: self.max_ngrams]
        self.vocab = {g: i for i, g in enumerate(sorted(kept))}
        n = len(texts)
        idf = np.zeros(len(self.vocab), dtype=np.float32)
        for g, i in self.vocab.items():
            idf[i] = math.log((1 + n) / (1 + df[g])) + 1.0
        self.idf = idf

    def _lexical(self, texts: list[str]) -> numpy.ndarray:
        import numpy as np

        out = np.zeros((len(texts), len(self.vocab)), dtype=np.float32)
        if not self.vocab or self.idf is None:
            return out
        for r, t in enumerate(texts):
            counts = Counter(g for g in _tokens(t) if g in self.vocab)
            for g, c in counts.items():
                i = self.vocab[g]
                out[r, i] = (1.0 + math.log(c)) * self.idf[i]
            norm = float(np.linalg.norm(out[r]))
            if norm > 0:
                out[r] /= norm
        return out

    def features(self, texts: list[str],
                 embeddings: numpy.ndarray | None = None) -> numpy.ndarray:
        """The feature matrix: the MiniLM embedding, then the weighted n-gram TF-IDF block.

        ``embeddings`` (rows of :func:`eventdesk.embed.embed` for ``texts``) saves recomputing
        them when the caller already has them, e.g. across cross-validation folds.
        """
        import numpy as np

        from ..embed import embed

        emb = embed(list(texts)) if embeddings is None else np.asarray(embeddings, np.float32)
        if emb.shape[0] != len(texts):
            raise InputError(f"{emb.shape[0]} embeddings for {len(texts)} texts",
                             hint="pass one embedding row per text")
        if self.lexical_weight <= 0:
            return emb
        return np.hstack([emb, self.lexical_weight * self._lexical(list(texts))])

    # -- training and prediction ----------------------------------------------------------------
    def fit(self, texts: list[str], labels: list[str], *,
            embeddings: numpy.ndarray | None = None) -> TextClassifier:
        """Fit on parallel lists of texts and labels (at least two distinct labels)."""
        if len(texts) != len(labels):
            raise InputError(f"{len(texts)} texts but {len(labels)} labels",
                             hint="give one label per text")
        distinct = sorted(set(labels))
        if len(distinct) < 2:
            raise InputError(f"need examples of at least 2 labels, got {distinct}",
                             hint="add labelled examples of other classes")
        if self.lexical_weight > 0:
            self._fit_vocab(list(texts))
        from ..embed import float32

        with float32():  # fitted on float32 vectors: one model for both precisions
            X = self.features(list(texts), embeddings)
        self.labels = distinct
        self.coef, self.intercept = _fit_logreg(X, labels, distinct, self.C)
        self.meta = {
            "n_examples": len(texts),
            "counts": dict(sorted(Counter(labels).items())),
            "embedder": "all-MiniLM-L6-v2",
        }
        if self.coef.shape[1] != X.shape[1]:  # pragma: no cover - internal consistency
            raise ModelError("model width does not match its features")
        log.debug("fitted %d labels on %d examples", len(distinct), len(texts))
        return self

    def _check_fitted(self) -> None:
        if self.coef is None or self.intercept is None or not self.labels:
            raise ModelError("the classifier is not trained", hint="call fit() or load() first")

    def decision(self, X: numpy.ndarray) -> numpy.ndarray:
        """Class probabilities (rows sum to 1) for a feature matrix made by :meth:`features`."""
        import numpy as np

        self._check_fitted()
        assert self.coef is not None and self.intercept is not None
        z = X @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict_proba(self, texts: list[str], *,
                      embeddings: numpy.ndarray | None = None) -> list[dict[str, float]]:
        """For each text, every label's probability."""
        self._check_fitted()
        if not texts:
            return []
        P = self.decision(self.features(list(texts), embeddings))
        return [{lab: float(p) for lab, p in zip(self.labels, row, strict=True)} for row in P]

    def predict(self, texts: list[str], *,
                embeddings: numpy.ndarray | None = None) -> list[tuple[str, float]]:
        """For each text, the most probable label and its probability."""
        out = []
        for probs in self.predict_proba(texts, embeddings=embeddings):
            lab = max(probs, key=probs.__getitem__)
            out.append((lab, probs[lab]))
        return out

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model as a pickle-free ``.npz`` (written to a temp file, then renamed)."""
        import numpy as np

        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        header = {
            "format": FORMAT,
            "lexical_weight": self.lexical_weight,
            "max_ngrams": self.max_ngrams,
            "C": self.C,
            "meta": self.meta,
        }
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez_compressed(
                fh,
                header=np.array(json.dumps(header)),
                labels=np.array(self.labels, dtype=str),
                vocab=np.array(vocab, dtype=str),
                idf=self.idf if self.idf is not None else np.zeros(0, dtype=np.float32),
                coef=self.coef,
                intercept=self.intercept,
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TextClassifier:
        """Read a model written by :meth:`save`; a missing or damaged file is a ModelError."""
        import zipfile

        import numpy as np

        path = Path(path)
        if not path.is_file():
            raise ModelError("model file not found", source=str(path),
                             hint="train one with `eventdesk train LABELLED.jsonl -o model.npz`")
        try:
            with np.load(path, allow_pickle=False) as z:
                header = json.loads(str(z["header"]))
                labels = [str(x) for x in z["labels"]]
                vocab = [str(x) for x in z["vocab"]]
                idf = z["idf"].astype(np.float32)
                coef = z["coef"].astype(np.float32)
                intercept = z["intercept"].astype(np.float32)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile,
                json.JSONDecodeError) as exc:
            raise ModelError(f"not a readable eventdesk model ({exc.__class__.__name__}: {exc})",
                             source=str(path),
                             hint="retrain it with `eventdesk train`") from exc
        if header.get("format") != FORMAT:
            raise ModelError(f"unknown model format {header.get('format')!r}", source=str(path),
                             hint=f"expected {FORMAT}; retrain it with `eventdesk train`")
        lw = float(header.get("lexical_weight", 0.0))
        width = 384 + (len(vocab) if lw > 0 else 0)
        if (coef.shape != (len(labels), width) or intercept.shape != (len(labels),)
                or idf.shape != (len(vocab),) or len(labels) < 2):
            raise ModelError("model arrays have inconsistent shapes", source=str(path),
                             hint="the file is damaged; retrain it with `eventdesk train`")
        clf = cls(lexical_weight=lw, max_ngrams=int(header.get("max_ngrams", len(vocab))),
                  C=float(header.get("C", 1.0)))
        clf.labels = labels
        clf.vocab = {g: i for i, g in enumerate(vocab)}
        clf.idf = idf
        clf.coef = coef
        clf.intercept = intercept
        clf.meta = dict(header.get("meta") or {})
        return clf


def _fit_logreg(X: numpy.ndarray, labels: list[str], classes: list[str],
                C: float) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Multinomial logistic regression; returns (coef, intercept) with one row per class.

    scikit-learn gives a single row for two classes; it is expanded to two rows (``-w/2, +w/2``),
    whose softmax equals the binary sigmoid, so prediction has one code path.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    y = np.array([classes.index(lab) for lab in labels])
    lr = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    lr.fit(X, y)
    coef = lr.coef_.astype(np.float32)
    intercept = lr.intercept_.astype(np.float32)
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return coef, intercept


# -- bundled models -------------------------------------------------------------------------------
def cache_dir() -> Path:
    """Where trained bundled models are kept: ``$EVENTDESK_CACHE``, else the user cache dir."""
    root = os.environ.get("EVENTDESK_CACHE")
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "eventdesk"


def training_files(name: str) -> list[Path]:
    """The package's labelled files for ``name`` (``<name>*.jsonl``), sorted, then the shared
    ``background*.jsonl``: ordinary news labelled ``NONE`` (no event), which every ontology's
    classifier needs to learn that a price war or a team storming to victory is no event."""
    own = sorted(TRAINING_DIR.glob(f"{name}*.jsonl"))
    return own + sorted(TRAINING_DIR.glob("background*.jsonl"))


def read_jsonl_examples(path: Path) -> tuple[list[str], list[str]]:
    """``text``/``label`` pairs of a JSONL file; a bad line is an InputError naming it."""
    texts: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text, label = rec["text"], rec["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"line {n} is not a {{text, label}} JSON object ({exc})",
                                 source=str(path)) from exc
            if not isinstance(text, str) or not isinstance(label, str) or not text.strip():
                raise InputError(f"line {n}: text and label must be non-empty strings",
                                 source=str(path))
            texts.append(text)
            labels.append(label)
    return texts, labels


# Settings of the bundled models where they differ from TextClassifier's defaults, chosen by
# 5-fold cross-validation on the package's own labelled examples (never on an evaluation set).
# ACLED: 30 sub-event types that hinge on decisive words ("recaptured", "tear gas", "defected"),
# so a heavier n-gram block and weaker regularisation: CV weighted F1 0.896 against 0.895 for the
# defaults over 1,169 examples (a tie), and the tie was broken on one half of the CASE 2021 dev
# set (0.784 against 0.725); the other half is kept for reporting.
BUNDLED_SETTINGS: dict[str, dict[str, float]] = {
    "acled": {"C": 32.0, "lexical_weight": 1.0},
}


@lru_cache(maxsize=4)
def bundled(name: str) -> TextClassifier:
    """The classifier for ``name`` ("acled", "plover") trained on the package's labelled examples.

    Trained at first use and cached on disk under a key made of the training data's hash, so an
    edited data file retrains automatically; a cached file that cannot be read is rebuilt.
    """
    files = training_files(name)
    if not files:
        raise ModelError(f"no bundled training data for {name!r}",
                         source=str(TRAINING_DIR), hint=f"expected {name}*.jsonl there")
    settings = BUNDLED_SETTINGS.get(name, {})
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    target = cache_dir() / "models" / f"{name}-{digest.hexdigest()[:16]}.npz"
    if target.is_file():
        try:
            return TextClassifier.load(target)
        except ModelError as exc:
            log.warning("rebuilding the cached %s model: %s", name, exc)
    texts: list[str] = []
    labels: list[str] = []
    for f in files:
        t, lab = read_jsonl_examples(f)
        texts += t
        labels += lab
    log.info("training the bundled %s classifier on %d examples", name, len(texts))
    clf = TextClassifier(**settings).fit(texts, labels)
    try:
        clf.save(target)
    except OSError as exc:  # a read-only home still gets a working (in-memory) model
        log.warning("cannot cache the %s model at %s: %s", name, target, exc)
    return clf
