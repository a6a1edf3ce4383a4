"""Actor country and sector accuracy on the PLOVER gold-standard records (plover_gsr.dev.jsonl).

For every gold source/target actor, the actor text is located in its sentence, the sentence runs
through ``eventdesk.nlp.v1`` + ``eventdesk.actors.v1``, and :func:`eventdesk.entities.resolve_actor`
codes the span. Country accuracy: the predicted ISO-3 equals the gold code, or, for gold codes
that are not countries (``IGO``, ``NGO``, ``IMG``), the predicted code starts with it. Sector
accuracy covers gold sectors our scheme has (first three letters; ``CIV`` read as ``CVL``,
``LEG`` as ``GOV``, ``JRN`` as ``MED``); others (``ELI``, ``LAB``, ``REF``, ...) are counted apart.
The dictionary-only line codes the actor text with ``ActorDictionary.lookup`` and no context.

Usage: python eval/actors_gsr.py [--shared PATH] [--errors]
Exits 1 when a score is below its floor (FLOORS), 2 when the data file is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Recorded floors: measured 0.894 country, 0.823 sector on the dev file, minus a margin (the dev
# file is small: one actor is 0.4 points). Lower them only on purpose.
FLOORS = {"country_accuracy": 0.86, "sector_accuracy": 0.78}
SECTOR_ALIASES = {"CIV": "CVL", "LEG": "GOV", "JRN": "MED"}


def _gold_actors(rec: dict) -> list[dict]:
    out = []
    for role in ("source", "target"):
        value = rec.get(role)
        if isinstance(value, list):
            out.extend(a for a in value if isinstance(a, dict) and a.get("actorText"))
    return out


def _locate(text: str, actor: str) -> tuple[int, int] | None:
    i = text.find(actor)
    if i < 0:
        i = text.lower().find(actor.lower())
    return (i, i + len(actor)) if i >= 0 else None


def _country_ok(gold: str, country: str | None, code: str | None, iso3: set[str]) -> bool:
    if gold in iso3:
        return country == gold
    return (code or "").startswith(gold)


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=repo.parent / "shared")
    ap.add_argument("--errors", action="store_true", help="list the actors coded wrongly")
    args = ap.parse_args(argv)
    path = args.shared / "eval" / "events" / "plover_gsr.dev.jsonl"
    if not path.is_file():
        print(f"{path}: not found (give --shared PATH)", file=sys.stderr)
        return 2

    from eventdesk.entities import actor_dictionary, resolve_actor
    from eventdesk.entities.dictionary import SECTORS
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.types import Article

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    pipe = Pipeline.from_options(Options(components=("eventdesk.nlp.v1", "eventdesk.actors.v1")))
    d = actor_dictionary()
    iso3 = set(d.countries)
    articles = [Article(id=r["id"], text=r["text"]) for r in records]
    n = c_ok = c_dict = s_n = s_ok = s_other = unlocated = 0
    errors: list[str] = []
    for rec, doc in zip(records, pipe.pipe(articles), strict=True):
        for gold in _gold_actors(rec):
            where = _locate(rec["text"], gold["actorText"])
            if where is None:
                unlocated += 1
                continue
            n += 1
            actor = resolve_actor(doc, *where, dictionary=d)
            country = actor.country if actor else None
            code = actor.code if actor else None
            sector = actor.sector if actor else None
            ok = _country_ok(gold["code"], country, code, iso3)
            c_ok += ok
            info = d.lookup(gold["actorText"])
            c_dict += _country_ok(gold["code"], info and info.country, info and info.code, iso3)
            gs = (gold.get("sector") or "")[:3].upper()
            gs = SECTOR_ALIASES.get(gs, gs)
            s_good = True
            if gs in SECTORS:
                s_n += 1
                s_good = sector == gs
                s_ok += s_good
            elif gs:
                s_other += 1
            if args.errors and not (ok and s_good):
                errors.append(
                    f"{rec['id']}\t{gold['actorText']!r}\tgold={gold['code']}/{gs or '-'}"
                    f"\tgot={country}/{sector} ({code})"
                )
    scores = {
        "country_accuracy": c_ok / n if n else 0.0,
        "sector_accuracy": s_ok / s_n if s_n else 0.0,
        "dictionary_only_country_accuracy": c_dict / n if n else 0.0,
    }
    for line in errors:
        print(line)
    print(json.dumps({
        "actors": n,
        "unlocated": unlocated,
        "sector_scored": s_n,
        "sector_outside_scheme": s_other,
        **{k: round(v, 4) for k, v in scores.items()},
    }))
    failed = [k for k, floor in FLOORS.items() if scores[k] < floor]
    for k in failed:
        print(f"FAIL {k} {scores[k]:.4f} < floor {FLOORS[k]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
