"""Multi-News clusters: ROUGE-1/2/L F1 of ``summarize_texts`` against the lead baseline.

For each cluster of ../shared/eval/multinews/validation.jsonl (``cluster_id``, ``documents``,
``summary``) the summary is made at the gold summary's length in words (N) and scored with
``rouge-score`` (stemmed ROUGE-1/2/L F1). The lead baseline in the same run is the first N words
of the cluster's articles, in order. Prints per-metric means for both and the R1 margin.

Floors (recorded; lowering one is a deliberate, visible change): the summary's mean R1 must be
at least LEAD_MARGIN above the lead's, and never below it.

Usage: python eval/multinews_eval.py [--shared PATH] [--start N] [--limit N]
Needs the ``eval`` extra (pip install -e '.[eval]'). Exits 1 below a floor, 2 when data or
packages are missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

LEAD_MARGIN = 0.02  # R1 above the lead baseline (issue 6 target)


def lead(documents: list[str], n: int) -> str:
    """The first ``n`` words of the cluster's articles, in order."""
    out: list[str] = []
    for text in documents:
        out.extend(text.split()[: n - len(out)])
        if len(out) >= n:
            break
    return " ".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[1].parent / "shared"
    ap.add_argument("--shared", type=Path, default=default_shared, help="the shared data folder")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clusters")
    ap.add_argument("--start", type=int, default=0,
                    help="skip the first N clusters (with --limit: a slice, e.g. --start 125 for "
                    "the half that choices were not made on)")
    ap.add_argument("--max-per-doc", type=int, default=None,
                    help="candidate sentences from each article's lead (default: all, as the "
                    "desk's stored story summaries)")
    ap.add_argument("--coverage-weight", type=float, default=None,
                    help="weight of the shared concepts a pick adds (default: SummaryOptions'; "
                    "0: off)")
    args = ap.parse_args(argv)
    path = args.shared / "eval" / "multinews" / "validation.jsonl"
    if not path.is_file():
        print(f"{path}: Multi-News validation file not found (pass --shared PATH)", file=sys.stderr)
        return 2
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("rouge-score is missing: pip install -e '.[eval]'", file=sys.stderr)
        return 2

    from eventdesk.summarize import SummaryOptions, split_documents, summarize_texts

    options = SummaryOptions(max_per_doc=args.max_per_doc)
    if args.coverage_weight is not None:
        options = replace(options, coverage_weight=args.coverage_weight)

    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    records = records[max(0, args.start):]
    if args.limit is not None:
        records = records[: args.limit]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    keys = ("rouge1", "rouge2", "rougeL")
    ours = dict.fromkeys(keys, 0.0)
    base = dict.fromkeys(keys, 0.0)
    over_budget = 0
    used_share = 0.0  # words used / words allowed, summed over clusters
    started = time.time()
    for k, rec in enumerate(records, 1):
        gold = rec["summary"]
        n = len(gold.split())
        docs = split_documents(rec["documents"])
        summary = summarize_texts(docs, words=n, cluster_id=rec.get("cluster_id"),
                                  options=options)
        text = " ".join(s.text for s in summary)
        if len(text.split()) > n or any(not s.sources for s in summary):
            over_budget += 1
        used_share += len(text.split()) / n
        s_ours = scorer.score(gold, text)
        s_lead = scorer.score(gold, lead(docs, n))
        for key in keys:
            ours[key] += s_ours[key].fmeasure
            base[key] += s_lead[key].fmeasure
        if k % 25 == 0:
            print(f"  {k}/{len(records)} clusters, {time.time() - started:.0f}s", file=sys.stderr)
    m = len(records)
    print(f"clusters: {m}")
    print(f"{'':10}{'R1':>8}{'R2':>8}{'RL':>8}")
    for name, sc in (("eventdesk", ours), ("lead", base)):
        print(f"{name:10}" + "".join(f"{sc[key] / m:8.4f}" for key in keys))
    margin = (ours["rouge1"] - base["rouge1"]) / m
    print(f"R1 margin over lead: {margin:+.4f} (floor {LEAD_MARGIN:+.4f})")
    print(f"summaries over the word limit or with an unsourced sentence: {over_budget}")
    print(f"words used: {used_share / m:.1%} of the limit on average (the lead uses 100%)")
    ok = margin >= LEAD_MARGIN and over_budget == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
