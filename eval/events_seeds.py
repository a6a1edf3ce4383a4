"""The events an analyst would list from the seed articles, with their types, actors and dates.

Runs the whole pipeline (``eventdesk run``) over ../shared/corpus/seeds/feed.jsonl into a
temporary store, exports events, and checks each event of the list below (our reading of the
five articles: what the event-coding issue names) for one factual exported event that

- has a source passage about it (the passage pattern),
- is of an expected PLOVER type,
- has an actor whose code starts with the expected one (``USA`` for the United States and its
  bodies, ``IGONATO`` for NATO), where the articles name who acted,
- has the expected date (ISO, at least as precise as given), where the articles give one.

Where the articles do not say (who fired the rockets, when NATO stopped its training, the day
of the UK memorandum in an article without a publication date), nothing is checked: coding a
guess would be worse than leaving the field empty. Whether reports in several articles come out
as one event is ``eval/link_seeds.py``'s question, not this one's.

Usage: python eval/events_seeds.py [--shared PATH] [--keep DB]
Exits 1 when an event is not found as expected, 2 when the feed is missing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_seeds import _describe, run_seeds


@dataclass(frozen=True)
class Expect:
    name: str
    passage: re.Pattern[str]  # a source passage about this event
    types: frozenset[str]  # the PLOVER types it may be coded as
    actor: tuple[str, ...] | None  # actor code prefixes, any of them; None: not checked
    date: str | None  # the ISO date (day or month); None: not checked


EXPECTED = (
    Expect("the Soleimani strike", re.compile(r"Soleimani|Muhandis", re.I),
           frozenset({"ASSAULT"}), ("USA",), "2020-01-03"),
    Expect("rockets on the Green Zone", re.compile(r"Green Zone", re.I),
           frozenset({"ASSAULT"}), None, "2020-01-04"),
    Expect("rockets on Balad air base", re.compile(r"Balad", re.I),
           frozenset({"ASSAULT"}), None, "2020-01-04"),
    Expect("the Iraqi parliament's vote",
           re.compile(r"(parliament|lawmakers)[^.]*(vote|voted|motion)", re.I),
           frozenset({"REQUEST", "SANCTION", "REJECT"}), ("IRQ",), "2020-01-05"),
    Expect("the coalition suspends training",
           re.compile(r"coalition[^.]*(paused|halted|suspended|suspends)", re.I),
           frozenset({"SANCTION", "RETREAT"}), ("IGOCOA", "USA"), "2020-01-05"),
    Expect("NATO suspends training",
           re.compile(r"NATO[^.]*(stopped|suspend)|activities were suspended", re.I),
           frozenset({"SANCTION", "RETREAT"}), ("IGONATO",), None),
    Expect("NATO agrees to expand its mission",
           re.compile(r"NATO[^.]*agree[sd]? (today |on \w+ )?to expand", re.I),
           frozenset({"AGREE"}), ("IGONATO",), "2020-02-12"),
    Expect("the UK-Iraq memorandum", re.compile(r"memorandum|MoU", re.I),
           frozenset({"AGREE"}), ("GBR", "IRQ"), None),
)


def _fits(ev: dict, exp: Expect) -> bool:
    if ev["event"] not in exp.types or ev.get("negated") or ev.get("hypothetical"):
        return False
    if not any(exp.passage.search(s["text"]) for s in ev["sources"]):
        return False
    if exp.actor is not None:
        code = (ev["actor"] or {}).get("code") or ""
        if not code.startswith(exp.actor):
            return False
    return exp.date is None or ev["date"] == exp.date


def main(argv: list[str] | None = None) -> int:
    exported = run_seeds(argv, __doc__.splitlines()[0], ("events",))
    if exported is None:
        return 2
    events = exported["events"]

    met = 0
    for exp in EXPECTED:
        want = (f"{'/'.join(sorted(exp.types))}, actor {' or '.join(exp.actor or ('any',))}, "
                f"date {exp.date or 'any'}")
        print(f"== {exp.name}: {want}")
        about = [ev for ev in events if any(exp.passage.search(s["text"]) for s in ev["sources"])]
        for ev in about:
            print(f"  {'*' if _fits(ev, exp) else ' '} {_describe(ev)}")
        ok = any(_fits(ev, exp) for ev in about)
        met += ok
        print(f"  -> {'OK' if ok else 'NOT MET'}")
    print(f"\n{met}/{len(EXPECTED)} seed events coded with the expected type, actor and date")
    return 0 if met == len(EXPECTED) else 1


if __name__ == "__main__":
    sys.exit(main())
