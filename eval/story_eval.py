"""Story clustering on the Timeline17 folders: pair-counting and BCubed F1.

The articles of the five ``bpoil_*`` outlets are one story; each other topic (H1N1, MJ, haiti,
Finan, EgyptianProtest) is another (``--by folder`` makes every folder its own story instead).
Articles stream in publication order (the ``InputDocs/<date>/`` folder) through eventdesk's
incremental clusterer, with MiniLM embeddings of title and lead and, with ``--entities``, the
spaCy named entities of the lead. Prints the scores and exits 1 below the floor.

    python eval/story_eval.py [--shared ../shared] [--limit N] [--entities]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

FLOOR_BCUBED_F1 = 0.90


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i in gold:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = r = 0.0
    for i in gold:
        same = len(by_pred[pred[i]] & by_gold[gold[i]])
        p += same / len(by_pred[pred[i]])
        r += same / len(by_gold[gold[i]])
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pair_f1(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    def pairs(lab: dict[str, str]) -> Counter:
        return Counter(lab.values())

    def n2(c: Counter) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    both = Counter((pred[i], gold[i]) for i in gold)
    tp = n2(both)
    p = tp / n2(pairs(pred)) if n2(pairs(pred)) else 0.0
    r = tp / n2(pairs(gold)) if n2(pairs(gold)) else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load(root: Path, by: str, limit: int | None) -> list[tuple[str, date, str, str]]:
    items = []
    for folder in sorted(root.iterdir()):
        if not (folder / "InputDocs").is_dir():
            continue
        label = folder.name if by == "folder" else folder.name.split("_")[0]
        files = sorted((folder / "InputDocs").glob("*/*.txt"))
        for f in files[:limit] if limit else files:
            day = date.fromisoformat(f.parent.name)
            text = f.read_text(encoding="utf-8", errors="replace")
            items.append((f"{folder.name}/{f.parent.name}/{f.name}", day, text, label))
    items.sort(key=lambda x: (x[1], x[0]))
    return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    ap.add_argument("--by", choices=["topic", "folder"], default="topic")
    ap.add_argument("--limit", type=int, default=None, help="articles per folder")
    ap.add_argument("--entities", action="store_true", help="use spaCy entities too")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--window", type=int, default=None, help="days a story stays a candidate")
    ap.add_argument("--merge", type=float, default=None, help="centroid similarity to merge")
    ap.add_argument("--cache", default=None, help="an .npy file to keep the embeddings in")
    args = ap.parse_args()
    root = Path(args.shared) / "eval" / "timelines"
    if not root.is_dir():
        print(f"{root}: not found (pass --shared PATH)", file=sys.stderr)
        return 2

    from eventdesk.embed import embed
    from eventdesk.link.stories import ClusterSettings, StoryClusterer, StoryItem, story_text

    items = load(root, args.by, args.limit)
    t0 = time.perf_counter()
    texts = [story_text(None, text) for _, _, text, _ in items]
    if args.cache and Path(args.cache).exists():
        vecs = np.load(args.cache)
    else:
        vecs = embed(texts)
        if args.cache:
            np.save(args.cache, vecs)
    ents: list[frozenset[str]] = [frozenset()] * len(items)
    if args.entities:
        from eventdesk.nlp import load_spacy

        nlp = load_spacy()
        ents = [
            frozenset(e.text.lower() for e in d.ents if e.label_ in {"PERSON", "ORG", "GPE", "LOC"})
            for d in nlp.pipe((t[:1500] for t in texts), batch_size=64)
        ]
    settings = ClusterSettings()
    if args.threshold is not None:
        settings.threshold = args.threshold
    if args.merge is not None:
        settings.merge_threshold = args.merge
    if args.window is not None:
        settings.window_days = args.window
    clusterer = StoryClusterer(settings)
    pred = {}
    for (aid, day, _, _), vec, ent in zip(items, vecs, ents, strict=True):
        clusterer.add(StoryItem(aid, vec, ent, day))
    pred = clusterer.assignments()
    secs = time.perf_counter() - t0
    gold = {aid: label for aid, _, _, label in items}
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pair_f1(pred, gold)
    print(f"articles {len(items)}  gold stories {len(set(gold.values()))}  "
          f"predicted stories {len(set(pred.values()))}  ({len(items) / secs:.1f} articles/s)")
    print(f"BCubed P {bp:.4f} R {br:.4f} F1 {bf:.4f}")
    print(f"pair-counting P {pp:.4f} R {pr:.4f} F1 {pf:.4f}")
    sizes = Counter(pred.values()).most_common(8)
    for sid, n in sizes:
        labels = Counter(gold[a] for a in pred if pred[a] == sid).most_common(3)
        print(f"  story {sid}: {n} articles, gold {labels}")
    ok = bf >= FLOOR_BCUBED_F1
    print("PASS" if ok else f"FAIL: BCubed F1 below {FLOOR_BCUBED_F1}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
