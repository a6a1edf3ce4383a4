"""Event linking across outlets on a multi-outlet story: one event per real event, none merged.

The linking target of issue 5 is about held-back gold: of the real-world events that several
articles report, at least 90% must come out as one event each, and no two distinct real events
may be merged. This script measures the same thing on development data we labelled ourselves:
three days of the BP oil spill story (15-17 June 2010) as five outlets reported it in
../shared/eval/timelines/bpoil_* (86 articles). The gold below is our reading of those articles:
real events that several outlets report, each given as a passage pattern (a sentence about the
event) and the PLOVER types it may be coded as. Several are deliberately alike (the same actor,
the same days, the same place): Obama's visit to the Gulf coast and his meeting with BP's
executives at the White House, Barton's apology to BP and his retraction of it.

For each gold event, an article *reports* it when some exported event of an allowed type has a
source passage of that article matching the pattern (so extraction misses do not count against
linking; the articles whose text has a matching sentence are printed beside it). Figures:

- **linked**: of the gold events reported by two or more articles, the share that come out as
  ONE exported event covering every reporting article (the issue's 90%);
- **fragments**: for each gold event, the number of exported events its reports are spread over;
- **merged**: exported events whose sources hold passages about two different gold events, each
  passage matching one gold pattern only, and the event's type allowed for both (the issue's
  "no two distinct gold events merged"; an AGREE whose passage also names the meeting where it
  was reached is not a merge of the two);

The gold is small (five events, four of them reported by two or more articles) and was written
to measure, not to tune: the fixes it led to are general (a sea named in two articles is one
place). What it shows, read with ``--verbose``, is how far extraction is from what linking needs
on real multi-outlet coverage: one meeting comes out with "he", "chairman" or "Obama" as its
actor, or with the article's most named place (the Gulf of Mexico) where its sentence names
none, and complete linkage, rightly strict, keeps such reports apart.

Usage: python eval/link_stories.py [--shared PATH] [--keep DB] [--verbose]
Exits 1 below a floor (FLOORS), 2 when the data are missing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_seeds import _run  # one way to run the CLI for both linking evals
from story_eval import load  # one way to read Timeline17's folders

OUTLETS = ("bbc", "foxnews", "guardian", "reuters", "washingtonpost")
FIRST_DAY, LAST_DAY = "2010-06-15", "2010-06-17"


@dataclass(frozen=True)
class Gold:
    name: str
    passage: re.Pattern[str]  # a sentence about this event (and about no other gold event)
    types: frozenset[str]  # the PLOVER types it may be coded as


GOLD = (
    Gold(
        "Obama visits the Gulf coast (14-15 June)",
        re.compile(r"(visit|tour|trip)\w* (to |of )?(the )?(Gulf|Mississippi|Alabama|Florida)"
                   r"|Obama[^.]* in (Gulfport|Theodore|Pensacola)", re.I),
        frozenset({"CONSULT"}),
    ),
    Gold(
        "Obama meets BP's executives at the White House (16 June)",
        re.compile(r"(met|meeting|talks|meets?) (with |at )?(the )?(White House|President|Obama)"
                   r"|White House (meeting|talks)|meet(ing|s)? (with )?(President )?(Barack )?"
                   r"Obama", re.I),
        frozenset({"CONSULT"}),
    ),
    Gold(
        "BP agrees to pay $20 billion into a compensation fund (16 June)",
        re.compile(r"\$ ?20 ?(billion|bn)[^.]*(fund|escrow|account|trust)"
                   r"|(agree|agreed|agreement|acquiesced|committed)[^.]*(escrow|fund)", re.I),
        frozenset({"AGREE", "CONCEDE"}),
    ),
    Gold(
        "Barton apologises to BP at the hearing (17 June)",
        re.compile(r"apolog\w* to (BP|Hayward|Tony Hayward|BP CEO)|apology to BP", re.I),
        frozenset({"SUPPORT", "CONCEDE", "COOPERATE"}),
    ),
    Gold(
        "Barton retracts his apology (17 June)",
        re.compile(r"Barton[^.]*(retract|took back|apologi[sz]ed for (his|the|those) "
                   r"(comment|remark|statement|apology))", re.I),
        frozenset({"SUPPORT", "CONCEDE", "RETREAT"}),
    ),
)
# Recorded floors: lowering one is a deliberate, visible change.
# Measured: linked 0/4 before a sea named in two articles became one place, then 1/4 (0.25) with
# merged 0; then readers' signed posts became page furniture (606 -> 470 events, the 136 were
# opinions in a "Have your say" page; 468 in a later run), and runs of one commit read linked 0/4
# or 1/4, merged 1 each time. The merge: a CONSULT of Obama's Gulf visit holds a passage about his
# White House meeting. The flip was Barton's apology to BP: in one run a third report of it
# joined BP's chairman's apology of the day before, whose actor was a Reuters page header
# ("WASHINGTON | Wed Jun 16"). Since a dateline or page header ends a sentence and the embedding
# helper's slices are fixed at arrival (runs are bit-identical), it reads 1/4, merged 1, 468
# events, every run (463 once "the Gulf of Mexico" stopped making actors Mexican).
# Target (issue 5, held-back gold): 0.90 and 0.
FLOORS = {"linked": 0.25, "merged_max": 1}


_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
        "``": '"', "''": '"'}
_PTB_TOKEN = re.compile("|".join(re.escape(k) for k in _PTB))
_SPACE_BEFORE = re.compile(r" (?=[.,;:!?%)\]}]|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b)")
_SPACE_AFTER = re.compile(r"(?<=[(\[{$]) ")


def detokenize(text: str) -> str:
    """Timeline17's texts are tokenised Penn-Treebank style ("-LRB- Reuters -RRB- - BP Plc 's");
    users' feeds are plain text, so the eval gives the pipeline plain text back (quotes become
    straight double quotes; spacing around punctuation as written)."""
    text = _PTB_TOKEN.sub(lambda m: _PTB[m.group(0)], text)
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACE_AFTER.sub("", text)
    return re.sub(r'" (.*?) "', r'"\1"', text)


def feed(shared: Path, out: Path) -> dict[str, str]:
    """Write the window's articles as a JSONL feed; returns article id -> text."""
    texts: dict[str, str] = {}
    folders = {f"bpoil_{outlet}": outlet for outlet in OUTLETS}
    # Timeline17's folders as the story evaluation reads them, in outlet, day and file order
    items = sorted(load(shared / "eval" / "timelines", "folder", None))
    with out.open("w", encoding="utf-8") as fh:
        for aid, day, raw, folder in items:
            if folder not in folders or not FIRST_DAY <= day.isoformat() <= LAST_DAY:
                continue
            texts[aid] = text = detokenize(raw)
            rec = {"id": aid, "text": text, "published": day.isoformat(),
                   "source": folders[folder]}
            fh.write(json.dumps(rec) + "\n")
    return texts


def _describe(ev: dict) -> str:
    actor = ev["actor"] or {}
    recipient = ev["recipient"] or {}
    loc = ev["location"] or {}
    arts = sorted({s["article_id"] for s in ev["sources"]})
    return (f"{ev['event']}/{ev['mode']} actor={actor.get('entity_text')!r} "
            f"recipient={recipient.get('entity_text')!r} date={ev['date']} "
            f"place={loc.get('name')} articles={len(arts)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[1].parent / "shared"
    ap.add_argument("--shared", type=Path, default=default_shared, help="the shared data folder")
    ap.add_argument("--keep", type=Path, help="store to use/keep instead of a temporary one")
    ap.add_argument("--verbose", action="store_true", help="print every event about a gold one")
    args = ap.parse_args(argv)
    if not (args.shared / "eval" / "timelines" / "bpoil_bbc").is_dir():
        print(f"{args.shared}/eval/timelines: not found (pass --shared PATH)", file=sys.stderr)
        return 2
    exe = [sys.executable, "-m", "eventdesk"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        texts = feed(args.shared, path)
        db = f"sqlite:///{args.keep or Path(tmp) / 'link.db'}"
        if not (args.keep and args.keep.exists()):
            _run([*exe, "run", str(path), "--db", db])
        events = [json.loads(x) for x in _run([*exe, "export", "events", "--db", db]).splitlines()]

    def about(text: str) -> list[int]:
        return [k for k, g in enumerate(GOLD) if g.passage.search(text)]

    print(f"{len(texts)} articles ({FIRST_DAY}..{LAST_DAY}, {len(OUTLETS)} outlets), "
          f"{len(events)} events exported")
    multi = linked = 0
    for k, gold in enumerate(GOLD):
        in_text = {a for a, t in texts.items() if gold.passage.search(t)}
        spread: list[tuple[dict, set[str]]] = []
        for ev in events:
            if ev["event"] not in gold.types or ev.get("negated") or ev.get("hypothetical"):
                continue
            arts = {s["article_id"] for s in ev["sources"] if about(s["text"]) == [k]}
            if arts:
                spread.append((ev, arts))
        reporting = set().union(*(a for _, a in spread)) if spread else set()
        best = max((len(a) for _, a in spread), default=0)
        ok = len(reporting) >= 2 and best == len(reporting)
        if len(reporting) >= 2:
            multi += 1
            linked += ok
        print(f"\n== {gold.name}: {len(reporting)} articles report it "
              f"({len(in_text)} have a sentence matching), in {len(spread)} events; "
              f"the largest covers {best}" + (" -> ONE" if ok else ""))
        if args.verbose:
            for ev, arts in sorted(spread, key=lambda p: -len(p[1])):
                print(f"   {len(arts):2d}  {_describe(ev)}")
    merged = []
    for ev in events:
        golds = {g[0] for s in ev["sources"] for g in [about(s["text"])]
                 if len(g) == 1 and ev["event"] in GOLD[g[0]].types}
        if len(golds) >= 2:
            merged.append((ev, sorted(golds)))
    print(f"\nexported events holding passages about two different gold events: {len(merged)}")
    for ev, gs in merged:
        print(f"   {_describe(ev)}: {', '.join(GOLD[g].name for g in gs)}")
    rate = linked / multi if multi else 0.0
    print(f"\nlinked: {linked}/{multi} gold events reported by two or more articles come out "
          f"as one event ({rate:.2f}); merged: {len(merged)}")
    ok = rate >= FLOORS["linked"] and len(merged) <= FLOORS["merged_max"]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
