"""ACLED sub-event typing on the CASE 2021 dev set (task 2: fine-grained event classification).

Each line of ``case2021_acled_subtypes.dev.jsonl`` is a news snippet with one gold label: one of
the 25 ACLED sub-event types (CASE's codes, which are also eventdesk's ACLED mode codes) or one of
the five extra CASE classes. We code each snippet with ``--ontology acled`` and take the first
(most salient) event's sub-event type, then print weighted and macro F1 over the 25 ACLED types and
over all labels, per-class F1, and exit 1 below the recorded floors.

Two paths, and the script always says which one ran:
- ``component``: the full pipeline (``eventdesk.events.v1`` with ``Options(ontology="acled")``); a
  snippet where it finds no event counts as wrong (predicted ``NONE``);
- ``classify``: :func:`eventdesk.events.acled.classify_acled` on the whole snippet.
``--path auto`` (the default) runs the component when ``eventdesk.events`` provides it, else the
classifier, and prints the choice.

    python eval/events_case2021.py [--shared ../shared] [--path auto|component|classify]
                                   [--background N]

``--background N`` also runs the component on N articles of the BBC corpus's business,
entertainment, sport and tech sections (``<shared>/corpus/bbc``, every fourth article of each, so
all four sections are sampled) and prints how many come out with an ACLED event: almost none of
them report political violence, so the share is an upper bound on what ordinary news gains in
false events. It is printed, not floored (a few are real: a riot at a match, a bomb scare).

The model never sees this file: its training examples are written by us (data/training).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

from eventdesk.events.acled import ontology

# Recorded floors per path, a little under what was measured when they were set (25 ACLED types):
# classify weighted 0.730 / macro 0.705 (1,169 training examples, C=32, n-gram weight 1.0, cue
# weight 0.3; the two dev halves, even and odd lines, gave 0.784 and 0.673); component weighted
# 0.686 / macro 0.662 (was 0.601 / 0.575 before each passage was typed in its article's context
# and an article without a rule-found event typed as a whole: kept when cued, else at 0.6, or
# 0.8 for a strategic development; at 0.6 for those too it gave 0.700 but coded 30 of the
# first 1,000 Reuters business articles as ACLED events). Then --background 400 showed that 63%
# of BBC business/sport/tech/entertainment articles came out with an ACLED event; a NOT_EVENT
# class (185 ordinary-news sentences of ours), the PLOVER-type gate (talk is no ACLED event) and
# a neighbourhood context took that to 1.2% with component 0.688 / 0.669 and classify
# 0.735 / 0.710. Cue patterns from the ACLED codebook's wording for weapons seized or found,
# posts and checkpoints set up, and defections then gave component 0.710 / 0.686 and classify
# 0.743 / 0.715 (those patterns were written after reading this file's errors, so the dev gain
# overstates what held-back data will show). An article without a rule-found ACLED event is then
# typed as a whole at lower confidence (0.4 / 0.4 / 0.6, the no-event class guarding ordinary
# news): component 0.725 / 0.700, background unchanged at 5 of 400. The territory sub-event then
# follows the actor's sector where known (state forces regain, non-state actors overtake; rule
# from ACLED's definitions, prompted by this file's errors): 0.731 / 0.706. ACLED's ranking of a
# demonstration's readings as ontology data (demonstrators' own violence supersedes the cues of
# the force that met them) and wordings of that violence ("clashed with police", "pull down"):
# component 0.750 / 0.723, classify 0.762 / 0.730. A takeover of ground another side left, or
# handed over, as a non-violent transfer (it supersedes the violent readings): 0.756 / 0.732 and
# 0.767 / 0.737. Political arrests (activists, opposition, journalists) cued, and arrests at a
# protest as its intervention (superseding the arrest): 0.763 / 0.739 and 0.773 / 0.744. A
# sentence's main act as its ACLED event (not its first): component 0.767 / 0.743; fighters
# driven out of a place as an assault (PLOVER rules): 0.769 / 0.745. Raise them as models improve.
FLOORS = {
    "classify": {"weighted_f1_acled": 0.74, "macro_f1_acled": 0.71},
    "component": {"weighted_f1_acled": 0.73, "macro_f1_acled": 0.70},
}
DATA = "eval/events/case2021_acled_subtypes.dev.jsonl"


def f1_table(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    """Per-label precision, recall, F1 and support (gold count)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    out = {}
    for lab in labels:
        prec = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 0.0
        rec = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"p": prec, "r": rec, "f1": f1, "support": tp[lab] + fn[lab]}
    return out


def averages(table: dict[str, dict[str, float]]) -> tuple[float, float]:
    """(weighted F1, macro F1) over the labels of ``table`` that occur in the gold data."""
    rows = [v for v in table.values() if v["support"] > 0]
    total = sum(v["support"] for v in rows)
    weighted = sum(v["f1"] * v["support"] for v in rows) / total if total else 0.0
    macro = sum(v["f1"] for v in rows) / len(rows) if rows else 0.0
    return weighted, macro


def predict_classify(texts: list[str]) -> list[str]:
    from eventdesk.events.acled import classify_acled

    return [sub for _, sub, _ in classify_acled(texts)]


def predict_component(texts: list[str]) -> list[str]:
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.types import Article

    pipe = Pipeline.from_options(Options(ontology="acled"))
    arts = [Article(id=f"case-{i}", text=t) for i, t in enumerate(texts)]
    return [(doc.events[0].mode or "NONE") if doc.events else "NONE" for doc in pipe.pipe(arts)]


def background_rate(shared: Path, n: int) -> tuple[int, int, list[str]]:
    """(articles with an ACLED event, articles run, what each was) over n BBC non-news articles."""
    from background import background_articles

    from eventdesk.pipeline import Options, Pipeline

    pairs = background_articles(shared, n)
    pipe = Pipeline.from_options(Options(ontology="acled"))
    hits = []
    for (r, _), doc in zip(pairs, pipe.pipe([a for _, a in pairs]), strict=True):
        if doc.events:
            e = doc.events[0]
            hits.append(f"{r['id']} {e.mode}: {r.get('title', '')[:70]}")
    return len(hits), len(pairs), hits


def component_available() -> bool:
    try:
        mod = importlib.import_module("eventdesk.events")
    except ImportError:
        return False
    return hasattr(mod, "EventComponent")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    ap.add_argument("--path", choices=["auto", "component", "classify"], default="auto")
    ap.add_argument("--errors", type=int, default=0, help="print this many misclassified rows")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="score every other snippet only (even or odd lines), as the other "
                         "gold sets' scripts do; the floors hold the whole file")
    ap.add_argument("--background", type=int, default=0,
                    help="also count ACLED events coded in N BBC business/sport/tech/"
                         "entertainment articles")
    args = ap.parse_args(argv)

    data = Path(args.shared) / DATA
    if not data.is_file():
        print(f"missing {data}: pass --shared PATH", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    if args.half:
        rows = rows[(0 if args.half == "even" else 1)::2]
    texts = [r["text"] for r in rows]
    gold = [r["label"] for r in rows]

    path = args.path
    if path == "auto":
        path = "component" if component_available() else "classify"
        why = "EventComponent found" if path == "component" else "no EventComponent yet"
        print(f"path: {path} (auto: {why})")
    else:
        print(f"path: {path}")
    t0 = time.time()
    pred = predict_component(texts) if path == "component" else predict_classify(texts)
    secs = time.time() - t0

    onto = ontology()
    acled = onto.acled_codes
    all_labels = sorted(set(gold) | set(acled) | {c for c in onto.sub_events})
    table = f1_table(gold, pred, all_labels)
    w_acled, m_acled = averages({k: table[k] for k in acled})
    w_all, m_all = averages(table)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)

    print(f"snippets: {len(rows)}  time: {secs:.1f}s  accuracy: {acc:.3f}")
    print(f"{'label':32} {'P':>5} {'R':>5} {'F1':>5} {'n':>4}")
    for lab in all_labels:
        v = table[lab]
        if v["support"] or lab in pred:
            mark = "" if lab in acled else "  (CASE extra)"
            n = int(v["support"])
            print(f"{lab:32} {v['p']:5.2f} {v['r']:5.2f} {v['f1']:5.2f} {n:4d}{mark}")
    print(f"ACLED 25 sub-event types: weighted F1 {w_acled:.3f}  macro F1 {m_acled:.3f}")
    print(f"all labels:               weighted F1 {w_all:.3f}  macro F1 {m_all:.3f}")
    if args.errors:
        shown = 0
        for r, p in zip(rows, pred, strict=True):
            if r["label"] != p and shown < args.errors:
                print(f"  gold {r['label']:<22} pred {p:<22} {r['text'][:110]}")
                shown += 1

    if args.background:
        n_hit, n_run, hits = background_rate(Path(args.shared), args.background)
        print(f"background: {n_hit} of {n_run} BBC business/entertainment/sport/tech articles "
              f"coded with an ACLED event ({n_hit / max(n_run, 1):.1%})")
        for h in hits[: max(args.errors, 10)]:
            print(f"  {h}")

    scores = {"weighted_f1_acled": w_acled, "macro_f1_acled": m_acled}
    floors = FLOORS[path]
    failed = [f"{k} {scores[k]:.3f} < {v}" for k, v in floors.items() if scores[k] < v]
    if failed:
        print("BELOW FLOOR: " + "; ".join(failed))
        return 1
    print(f"floors met ({path}): " + ", ".join(f"{k} >= {v}" for k, v in floors.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
