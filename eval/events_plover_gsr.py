"""PLOVER event coding against the PLOVER gold-standard sentences (plover_gsr.dev.jsonl).

Runs the real pipeline (spaCy stage, the actors and dates stages where installed, the events
stage) on each sentence and compares the most salient event with the gold record:

- PLOVER type accuracy and macro F1 over the types present in the gold data;
- actor / recipient country accuracy and sector accuracy against the gold source / target
  (a compound gold actor, "Hungarian and Romanian officials", counts as matched by any member).
  As in ``eval/actors_gsr.py``, a gold code that is not a country (``IGO``, ``NGO``, ``IMG``...)
  is matched by a predicted code that starts with it: an IGO acts for no single state, so its
  country is null and its code carries the ``IGO`` prefix.

``--half even|odd`` scores every other sentence only: decide on one half, report the other too,
so the figures say something about held-back data and not only about the sentences tuned on.

Prints the figures and exits 1 when one falls below its recorded floor (FLOORS), so a change that
makes coding worse is visible. Usage::

    python eval/events_plover_gsr.py [--shared PATH] [--limit N] [--half even|odd] [--verbose]
                                     [--background N]

``--background N`` also codes N articles of the BBC corpus's business, entertainment, sport and
tech sections (every fourth of each) and prints how many factual PLOVER events they yield: most
of that is over-generation (cue words in another sense), the GDELT failure analysts complain
about, so lower is better; it is printed, not floored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "eval"))
from actors_gsr import SECTOR_ALIASES  # noqa: E402

# Recorded floors: lowering one is a deliberate, visible change.
# Last measured (whole file): type 0.767, macro F1 0.720, actor country 0.815, recipient country
# 0.567; by half (--half even / odd): type 0.833 / 0.700, actor country 0.864 / 0.767, recipient
# 0.654 / 0.481. Rules were decided on the even half only. The floors are for the whole file
# (a half alone can fall below them: the odd half's actor country does). Targets: type >= 0.70,
# actor country >= 0.80 on held-back data: type met on the odd half, actor country not yet.
# With the classifier's veto of cue words in another sense (CLASSIFIER_VETO 0.6, 0.85 where a
# state or armed actor is named) all of these are unchanged and --background 200 fell from 894
# to 369 factual events (0.6 everywhere: 289, but type 0.758 and actor country 0.807).
# A recipient from the act's own phrase where the parse names none (a party named after the
# trigger in its dependents, not in a clause joined to it, not under a preposition of place or
# time): recipient country 0.567 -> 0.673 (even 0.654 -> 0.712, odd 0.481 -> 0.635; which
# clause dependencies to leave out was chosen looking at both halves, so the odd half is no
# longer untouched for this figure).
# Then PLOVER's own distinctions, decided on the even half: a blockade by civilians is PROTEST,
# by security forces COERCE; what a speaker says another party must or should do is the
# speaker's REQUEST: type 0.767 -> 0.783 (even 0.833 -> 0.867, odd unchanged 0.700), macro F1
# 0.720 -> 0.734, recipient country 0.673 -> 0.683; --background 200: 369 -> 370 events.
# Vowing to use force against a party is a threat made: type 0.783 -> 0.792 (even 0.883, odd
# 0.700), actor country 0.815 -> 0.824 (even 0.881, odd 0.767); background unchanged.
# Allowing another party to act is a CONCEDE by the one who allows: type 0.792 -> 0.800 (even
# 0.900, odd 0.700), recipient country 0.692; actor country back to 0.815 (that sentence's actor
# is now the minister who allowed, whose country the text leaves implicit).
# A country misspelt by one letter ("Ethopia", "Quatar", "Phillippines") is that country, the
# European Community is the EU's predecessor, and people "from" a body are its ("troops from
# Chad"): actor country 0.815 -> 0.840 (even 0.864 unchanged, odd 0.767 -> 0.817), recipient
# country 0.692 -> 0.702. These were found reading the actor errors of the whole file (now
# printed with --verbose), so the odd half is no longer untouched for actor country.
FLOORS = {"type_accuracy": 0.73, "actor_country_accuracy": 0.79}


def build_pipeline(ontology: str = "plover", skip: tuple[str, ...] = ()) -> Any:
    """spaCy + (actors, dates if importable) + events, as the default pipeline would run them."""
    import importlib.util

    from eventdesk.pipeline import Options, Pipeline, create

    opts = Options(ontology=ontology)
    names = ["eventdesk.nlp.v1"]
    for name, module in (("eventdesk.actors.v1", "eventdesk.entities"),
                         ("eventdesk.dates.v1", "eventdesk.time")):
        if name.split(".")[1] not in skip and importlib.util.find_spec(module) is not None:
            names.append(name)
    comps = []
    for n in names:
        try:
            comps.append(create(n, opts))
        except (ImportError, AttributeError) as exc:
            print(f"note: {n} not usable yet ({exc}); running without it", file=sys.stderr)
    from eventdesk.events import EventComponent

    # The events stage requires "dates"; without the dates stage the field stays empty.
    ev = EventComponent(opts)
    if not any("dates" in c.assigns for c in comps):
        ev.requires = tuple(r for r in ev.requires if r != "dates")
    if not any("entities" in c.assigns for c in comps):
        ev.requires = tuple(r for r in ev.requires if r != "entities")
    comps.append(ev)
    return Pipeline(comps)


def _members(field: Any) -> list[dict[str, Any]]:
    if isinstance(field, list):
        return [m for m in field if isinstance(m, dict)]
    if isinstance(field, dict):
        return [field]
    return []


def _country_ok(gold_codes: set[str], pred: Any, iso3: set[str]) -> bool:
    """Whether a predicted actor matches one of the gold codes' first three letters."""
    if pred is None:
        return False
    for g in gold_codes:
        if g in iso3 and pred.country == g:
            return True
        if g not in iso3 and (pred.code or "").startswith(g):
            return True
    return False


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted(set(gold))
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="score only the sentences at even (or odd) positions")
    ap.add_argument("--skip", action="append", default=[], choices=["actors", "dates"],
                    help="leave out an optional stage (e.g. while it is being developed)")
    ap.add_argument("--background", type=int, default=0,
                    help="also count PLOVER events in N BBC business/sport/tech/culture articles")
    args = ap.parse_args(argv)
    path = Path(args.shared) / "eval" / "events" / "plover_gsr.dev.jsonl"
    if not path.is_file():
        print(f"error: {path} not found (pass --shared PATH)", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    if args.half:
        rows = rows[(0 if args.half == "even" else 1)::2]
    if args.limit:
        rows = rows[: args.limit]
    import pycountry

    from eventdesk.types import Article

    iso3 = {c.alpha_3 for c in pycountry.countries}

    pipe = build_pipeline(skip=tuple(args.skip))
    articles = [Article(id=r["id"], text=r["text"].strip()) for r in rows]
    gold_t, pred_t = [], []
    counts: Counter[str] = Counter()
    for r, doc in zip(rows, pipe.pipe(articles), strict=True):
        ev = doc.events[0] if doc.events else None
        gold_t.append(r["event"])
        pred_t.append(ev.event if ev else "NONE")
        for role, gfield, pred in (("actor", r.get("source"), ev.actor if ev else None),
                                   ("recipient", r.get("target"), ev.recipient if ev else None)):
            members = _members(gfield)
            codes = {str(m.get("code") or "")[:3] for m in members if m.get("code")}
            # A gold sector is CAMEO's three letters, sometimes with an ethnic or religious
            # qualifier after them ("CVLkur": Kurdish civilians); "***" marks it unknown. Read
            # as eval/actors_gsr.py reads them (CIV as CVL, LEG as GOV, JRN as MED).
            sectors = {SECTOR_ALIASES.get(m["sector"][:3].upper(), m["sector"][:3].upper())
                       for m in members if m.get("sector") and m["sector"] != "***"}
            if codes:
                counts[f"{role}_country_n"] += 1
                if _country_ok(codes, pred, iso3):
                    counts[f"{role}_country_ok"] += 1
                elif args.verbose and role == "actor":
                    got = f"{pred.entity_text!r} {pred.country or pred.code}" if pred else "none"
                    print(f"  actor {'/'.join(sorted(codes)):>9} -> {got:<30} {r['text'][:90]}")
            if sectors:
                counts[f"{role}_sector_n"] += 1
                if pred is not None and pred.sector in sectors:
                    counts[f"{role}_sector_ok"] += 1
        if args.verbose and (ev is None or ev.event != r["event"]):
            print(f"{r['event']:>9} -> {pred_t[-1]:<9} {r['text'][:110]}")
    n = len(rows)
    scores = {
        "type_accuracy": sum(g == p for g, p in zip(gold_t, pred_t, strict=True)) / max(1, n),
        "type_macro_f1": _macro_f1(gold_t, pred_t),
    }
    for role in ("actor", "recipient"):
        for what in ("country", "sector"):
            d = counts[f"{role}_{what}_n"]
            scores[f"{role}_{what}_accuracy"] = counts[f"{role}_{what}_ok"] / d if d else 0.0
    print(f"plover_gsr: {n} sentences")
    failed = False
    for k, v in scores.items():
        floor = FLOORS.get(k)
        mark = ""
        if floor is not None:
            mark = f"  (floor {floor:.2f}{' FAIL' if v < floor else ''})"
            failed |= v < floor
        print(f"  {k:<28} {v:.3f}{mark}")
    if args.background:
        _background(Path(args.shared), args.background)
    return 1 if failed else 0


def _background(shared: Path, n: int) -> None:
    """Print the factual PLOVER events coded in ``n`` BBC non-news articles, by type."""
    from background import background_articles

    arts = [a for _, a in background_articles(shared, n)]
    pipe = build_pipeline()
    by_type: Counter[str] = Counter()
    with_events = 0
    for doc in pipe.pipe(arts):
        evs = [e for e in doc.events if not (e.negated or e.hypothetical)]
        with_events += bool(evs)
        by_type.update(e.event for e in evs)
    total = sum(by_type.values())
    print(f"background: {total} factual PLOVER events in {len(arts)} BBC business/"
          f"entertainment/sport/tech articles ({total / max(1, len(arts)):.2f} per article; "
          f"{with_events} articles with any)")
    print("  " + ", ".join(f"{t} {c}" for t, c in by_type.most_common()))


if __name__ == "__main__":
    sys.exit(main())
