"""One event per real-world event, and one figure per quantity, on the seed articles.

Runs the whole pipeline (``eventdesk run``) over ../shared/corpus/seeds/feed.jsonl into a
temporary store, exports events and figures, and checks the issue's expectations (the gold below
is our reading of the five seed articles):

- the Soleimani strike (3 Jan 2020) is ONE event (ASSAULT) whose sources include articles 002,
  003, 004;
- the Iraqi parliament's vote to expel foreign troops is ONE event (REQUEST, SANCTION or REJECT)
  with 002, 003, 004;
- the coalition's suspension of training/operations is ONE event (SANCTION or RETREAT) with 001,
  002, 004 (003's "Their activities were suspended" are the NATO trainers', below);
- NATO's decision to expand its training mission (12 Feb 2020) is ONE event (AGREE) with 002
  and 003;
- NATO's suspension of its training mission is ONE event (SANCTION) with 002 ("NATO stopped
  training activities"), 003 ("Their activities were suspended", the NATO trainers') and 004
  ("NATO had previously announced that it would also suspend the training");

An article counts for an event only through one of the event's source passages in that article
that is about the expected event (the passage pattern), and only for an event of an expected
type.
- the US troops in Iraq are ONE figure with at least three values (001, 002, 004) and a
  discrepancy (5,200 vs approximately 5,000).

For each expectation it prints every exported event that has a source passage about it (type,
actor, recipient, date, place, number of sources, article ids), so a failure can be traced to
extraction (a wrong type, actor, date or place in one article) or to linking.

Usage: python eval/link_seeds.py [--shared PATH] [--keep DB]
Exits 1 when an expectation is not met, 2 when the feed is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Expect:
    name: str
    passage: re.Pattern[str]  # a source passage about this event
    articles: frozenset[str]  # the seed articles that report it
    types: frozenset[str]  # the PLOVER types it may be coded as


EXPECTED = (
    Expect(
        "Soleimani strike",
        re.compile(r"Soleimani|Muhandis|drone strike|air ?strike", re.I),
        frozenset({"002", "003", "004"}),
        frozenset({"ASSAULT"}),
    ),
    Expect(
        "Iraqi parliament's vote",
        re.compile(r"(parliament|lawmakers)[^.]*(vote|voted|motion)|vote by the Iraqi parl", re.I),
        frozenset({"002", "003", "004"}),
        frozenset({"REQUEST", "SANCTION", "REJECT"}),
    ),
    Expect(
        "coalition suspends training",
        re.compile(
            r"coalition[^.]*(paused|halted|suspended|suspends)|suspends Iraqi forces training",
            re.I,
        ),
        frozenset({"001", "002", "004"}),
        frozenset({"SANCTION", "RETREAT"}),
    ),
    Expect(
        "NATO agrees to expand its mission",
        re.compile(r"NATO[^.]*agree[sd]? (today |on \w+ )?to expand", re.I),
        frozenset({"002", "003"}),
        frozenset({"AGREE"}),
    ),
    Expect(
        "NATO suspends training",
        re.compile(r"NATO[^.]*(stopped|suspend)|activities were suspended", re.I),
        frozenset({"002", "003", "004"}),
        frozenset({"SANCTION"}),
    ),
)
FIGURE_ARTICLES = frozenset({"001", "002", "004"})
MIN_FIGURE_VALUES = 3


def _run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return proc.stdout


def _describe(ev: dict) -> str:
    actor = ev["actor"] or {}
    recipient = ev["recipient"] or {}
    loc = ev["location"] or {}
    arts = sorted({s["article_id"] for s in ev["sources"]})
    flags = "".join(f" [{k}]" for k in ("negated", "hypothetical") if ev.get(k))
    return (
        f"{ev['event']}/{ev['mode']} actor={actor.get('entity_text')!r}"
        f"({actor.get('country')},{actor.get('sector')}) "
        f"recipient={recipient.get('entity_text')!r}({recipient.get('country')}) "
        f"date={ev['date']} place={loc.get('name')} n_sources={len(ev['sources'])} "
        f"articles={','.join(arts)}{flags}"
    )


def run_seeds(argv: list[str] | None, description: str,
              kinds: tuple[str, ...]) -> dict[str, list[dict]] | None:
    """Parse ``--shared``/``--keep``, run ``eventdesk run`` over the seed feed into a store and
    return its exports of ``kinds`` ("events", "figures"); None when the feed is missing."""
    ap = argparse.ArgumentParser(description=description)
    default_shared = Path(__file__).resolve().parents[1].parent / "shared"
    ap.add_argument("--shared", type=Path, default=default_shared, help="the shared data folder")
    ap.add_argument("--keep", type=Path, help="store to use/keep instead of a temporary one")
    args = ap.parse_args(argv)
    feed = args.shared / "corpus" / "seeds" / "feed.jsonl"
    if not feed.is_file():
        print(f"{feed}: seed feed not found (pass --shared PATH)", file=sys.stderr)
        return None
    exe = [sys.executable, "-m", "eventdesk"]
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{args.keep or Path(tmp) / 'seeds.db'}"
        _run([*exe, "run", str(feed), "--db", db])
        return {kind: [json.loads(x)
                       for x in _run([*exe, "export", kind, "--db", db]).splitlines()]
                for kind in kinds}


def main(argv: list[str] | None = None) -> int:
    exported = run_seeds(argv, __doc__.splitlines()[0], ("events", "figures"))
    if exported is None:
        return 2
    events, figures = exported["events"], exported["figures"]

    failures = 0
    print(f"{len(events)} events exported, {len(figures)} figure groups")
    for exp in EXPECTED:
        about = [ev for ev in events if any(exp.passage.search(s["text"]) for s in ev["sources"])]
        print(f"\n== {exp.name}: expected one event with articles {sorted(exp.articles)}")
        for ev in about:
            print("  " + _describe(ev))
        # an article counts for an event only through a source passage of its own that is about
        # the expected event, and only for an event of an expected type: a merged group that
        # merely quotes the strike in one sentence of the vote does not cover the strike
        def reporting(ev: dict, exp: Expect = exp) -> set[str]:
            if ev["event"] not in exp.types:
                return set()
            return {s["article_id"] for s in ev["sources"] if exp.passage.search(s["text"])}

        covering = [ev for ev in about if exp.articles <= reporting(ev)]
        best = max((len(exp.articles & reporting(ev)) for ev in about), default=0)
        ok = bool(covering)
        failures += not ok
        print(f"  -> {'OK' if ok else 'NOT MET'}: best event covers {best}/{len(exp.articles)}")

    print(f"\n== US troops in Iraq: one figure, >= {MIN_FIGURE_VALUES} values, discrepancy")
    fig_ok = False
    for g in figures:
        arts = {v["article_id"] for v in g["values"]}
        if arts & FIGURE_ARTICLES:
            vals = [
                (v["value"], v["approximate"], v["bound"], v["article_id"]) for v in g["values"]
            ]
            print(f"  {g['about']!r} unit={g['unit']} discrepancy={g['discrepancy']} {vals}")
            if (
                arts >= FIGURE_ARTICLES
                and len(g["values"]) >= MIN_FIGURE_VALUES
                and g["discrepancy"]
            ):
                fig_ok = True
    failures += not fig_ok
    print(f"  -> {'OK' if fig_ok else 'NOT MET'}")
    print(f"\n{len(EXPECTED) + 1 - failures}/{len(EXPECTED) + 1} expectations met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
