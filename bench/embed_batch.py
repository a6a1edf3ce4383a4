"""MiniLM embedding speed by batch size, on news sentences and article leads.

    .venv/bin/python bench/embed_batch.py                 # 1,000 sentences, 200 leads
    .venv/bin/python bench/embed_batch.py --sizes 8,16,64

Why it exists: ``eventdesk.embed.BATCH_SIZES`` are chosen from what this prints. The model sorts
its input by length and pads every batch to its longest text, so on a CPU a large batch pays for
padding; too small a batch pays per-call overhead. The texts are the first Reuters-21578
articles with text in ../shared (sentences split at end punctuation; leads are the first 1,200
characters, what story clustering embeds). For each size it prints texts/s and the largest
difference from the vectors of the first size (batching must not change the result), at the
precision the pipeline uses (``EVENTDESK_EMBED_PRECISION``). Exit status 0 whatever the
figures: this measures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from eventdesk.embed import _encode, load_model, precision  # noqa: E402


def texts(shared: Path, n_sentences: int, n_leads: int) -> tuple[list[str], list[str]]:
    path = shared / "corpus" / "reuters21578" / "reuters21578.jsonl"
    sentences: list[str] = []
    leads: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            if not text.strip():
                continue
            if len(leads) < n_leads:
                leads.append(" ".join(text.split())[:1200])
            sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text)
                          if len(s.strip()) > 20]
            if len(sentences) >= n_sentences and len(leads) >= n_leads:
                break
    return sentences[:n_sentences], leads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--sizes", default="64,32,16,8,4")
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--leads", type=int, default=200)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sentences, leads = texts(args.shared, args.sentences, args.leads)
    model = load_model()
    _encode(model, sentences[:32], 16)  # warm up
    print(f"precision {precision()} (EVENTDESK_EMBED_PRECISION=auto|bf16|fp32)")
    for label, batch in (("sentences", sentences), ("leads", leads)):
        ref = None
        for size in sizes:
            t0 = time.perf_counter()
            vecs = _encode(model, batch, size)
            dt = time.perf_counter() - t0
            ref = vecs if ref is None else ref
            diff = float(np.abs(vecs - ref).max())
            print(f"{label:<10} n={len(batch):<5} batch {size:<3} {len(batch) / dt:7.1f}/s "
                  f"({dt:5.2f}s)  max diff {diff:.1e}")


if __name__ == "__main__":
    main()
