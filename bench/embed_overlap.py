"""spaCy and MiniLM at the same time, in two processes: does the embedding helper pay?

    .venv/bin/python bench/embed_overlap.py            # first 500 Reuters-21578 articles
    .venv/bin/python bench/embed_overlap.py --n 300

Why it exists: ``eventdesk.embed_service`` runs MiniLM in a helper process at one thread while
the main process parses with spaCy (one core). This prints, on the same texts: spaCy alone;
MiniLM alone in a helper at one and at two threads; and both at once, the helper at one thread
and then at two. If "both at once" is close to the longer of the two alone, the second core was
idle and the helper uses it; at two threads beside spaCy they contend. MiniLM embeds the
articles' sentences (split at end punctuation, 1,500 at most) at the precision the pipeline
uses (``EVENTDESK_EMBED_PRECISION``). Exit status 0 whatever the figures: this measures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def _helper(texts: list[str], threads: int, go: object, q: object) -> None:
    import torch

    from eventdesk.embed import BATCH_SIZES, _encode, load_model, precision

    model = load_model()
    torch.set_num_threads(threads)
    mode = precision()
    _encode(model, texts[:16], BATCH_SIZES[mode], mode)  # warm up
    q.put("ready")  # type: ignore[attr-defined]
    go.get()  # type: ignore[attr-defined]  # wait for the start
    t = time.perf_counter()
    _encode(model, texts, BATCH_SIZES[mode], mode)
    q.put(time.perf_counter() - t)  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--n", type=int, default=500, help="articles")
    args = ap.parse_args()
    path = args.shared / "corpus" / "reuters21578" / "reuters21578.jsonl"
    if not path.is_file():
        print(f"{path}: not found (pass --shared PATH)", file=sys.stderr)
        return 2
    texts: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = (json.loads(line).get("text") or "").strip()
            if text:
                texts.append(text)
            if len(texts) >= args.n:
                break
    sents = [" ".join(s.split()) for t in texts for s in re.split(r"(?<=[.!?])\s+", t)
             if len(s.strip()) > 20][:1500]

    from eventdesk.nlp import load_spacy

    nlp = load_spacy()
    list(nlp.pipe(texts[:20]))
    t = time.perf_counter()
    list(nlp.pipe(texts, batch_size=32))
    print(f"spaCy alone: {time.perf_counter() - t:6.1f} s for {len(texts)} articles")
    ctx = mp.get_context("spawn")

    def helper(threads: int) -> tuple[object, object, object]:
        go, q = ctx.Queue(), ctx.Queue()
        p = ctx.Process(target=_helper, args=(sents, threads, go, q))
        p.start()
        q.get()
        return p, go, q

    for threads in (1, 2):
        p, go, q = helper(threads)
        go.put("go")
        print(f"MiniLM alone, {threads} thread(s): {q.get():6.1f} s for {len(sents)} sentences")
        p.join()
    for threads in (1, 2):
        p, go, q = helper(threads)
        go.put("go")
        t = time.perf_counter()
        list(nlp.pipe(texts, batch_size=32))
        spacy_s = time.perf_counter() - t
        embed_s = q.get()
        p.join()
        print(f"both at once, helper at {threads} thread(s): spaCy {spacy_s:6.1f} s, MiniLM "
              f"{embed_s:6.1f} s, wall {time.perf_counter() - t:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
