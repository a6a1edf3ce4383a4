"""Five-class check of PLOVER coding on the ConfliBERT pentacode sentences (used as a dev set).

Each sentence's most salient PLOVER event is mapped to the five classes of the CAMEO "pentaclass"
scheme (0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
conflict); a sentence with no event is class 0. The PLOVER -> class table below is ours, written
from the CAMEO root codes each PLOVER type descends from (CAMEO 03-05 verbal cooperation, 06-08
material cooperation, 09-13 verbal conflict, 14-20 material conflict). Prints macro F1 and
per-class F1; exits 1 below the recorded floor. ``--half even|odd`` scores every other sentence
only (decide on one half, report the other). Usage::

    python eval/events_pentacode.py [--shared PATH] [--limit N] [--half even|odd] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from events_plover_gsr import build_pipeline

REPO = Path(__file__).resolve().parent.parent
# Measured by half (--half even / odd; rules decided on the even half only): macro F1 0.844 /
# 0.821 (0.838 / 0.813 before the aid, fight, setting, force-strengthened, ended-mediation and
# hyphenated-word rules of 2026-12-07); with SANCTION still mapped to class 4 they were
# 0.793 / 0.765. Target 0.75 on held-back data: met.
FLOORS = {"macro_f1": 0.80}

PENTACLASS = {
    "AGREE": 1,  # CAMEO 03 express intent to cooperate
    "CONSULT": 1,  # 04
    "SUPPORT": 1,  # 05 diplomatic cooperation
    "COOPERATE": 2,  # 06 material cooperation
    "AID": 2,  # 07
    "CONCEDE": 2,  # 08 yield
    "RETREAT": 2,  # 08 yield (return, release, withdraw)
    "ACCUSE": 3,  # 09 investigate, 11 disapprove
    "REQUEST": 3,  # 10 demand; appeals (CAMEO 02) are class 0, see request_class
    "REJECT": 3,  # 12
    "THREATEN": 3,  # 13
    "PROTEST": 4,  # 14
    "MOBILIZE": 4,  # 15 exhibit force posture
    # 16 reduce relations: by root code material conflict, but these sentences label cuts in
    # relations (sanctions, suspended aid, expelled diplomats) as verbal conflict: measured on
    # the even half, 25 of the 28 sentences coded SANCTION were class 3 (checked after: 33 of
    # 36 on the odd half)
    "SANCTION": 3,
    "COERCE": 4,  # 17
    "ASSAULT": 4,  # 18-20
}


# PLOVER REQUEST merges CAMEO 02 "appeal" (class 0) and 10 "demand" (class 3); the trigger word
# tells them apart: demands, orders and insistence are 10, calls, urgings and appeals are 02.
DEMAND_WORDS = ("demand", "insist", "order", "press", "ultimat", "requir")


def pentaclass(event: str, trigger: str) -> int:
    """The five-class label of a PLOVER event with its trigger text."""
    if event == "REQUEST":
        return 3 if trigger.lower().startswith(DEMAND_WORDS) else 0
    return PENTACLASS.get(event, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--skip", action="append", default=[], choices=["actors", "dates"])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="score only the sentences at even (or odd) positions")
    args = ap.parse_args(argv)
    path = Path(args.shared) / "eval" / "events" / "conflibert_pentacode.train.tsv"
    if not path.is_file():
        print(f"error: {path} not found (pass --shared PATH)", file=sys.stderr)
        return 2
    rows: list[tuple[str, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        if text.strip() and label.strip().isdigit():
            rows.append((text.strip(), int(label)))
    if args.half:
        rows = rows[(0 if args.half == "even" else 1)::2]
    if args.limit:
        rows = rows[: args.limit]
    from eventdesk.types import Article

    pipe = build_pipeline(skip=tuple(args.skip))
    arts = [Article(id=str(i), text=t) for i, (t, _) in enumerate(rows)]
    gold, pred = [], []
    for (text, label), doc in zip(rows, pipe.pipe(arts), strict=True):
        ev = doc.events[0] if doc.events else None
        p = pentaclass(ev.event, ev.trigger.text if ev.trigger else "") if ev else 0
        gold.append(label)
        pred.append(p)
        if args.verbose and p != label:
            print(f"{label} -> {p} {ev.event if ev else '-':<9} {text[:110]}")
    f1s = {}
    for c in range(5):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1s[c] = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    macro = sum(f1s.values()) / 5
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    print(f"pentacode: {len(rows)} sentences")
    print(f"  accuracy  {acc:.3f}")
    print("  per-class F1 " + " ".join(f"{c}:{f:.3f}" for c, f in f1s.items()))
    floor = FLOORS["macro_f1"]
    print(f"  macro_f1  {macro:.3f}  (floor {floor:.2f}{' FAIL' if macro < floor else ''})")
    return 1 if macro < floor else 0


if __name__ == "__main__":
    sys.exit(main())
