"""Figures reconciled across the seed articles (corpus/seeds/feed.jsonl).

Three of the five seed articles give the number of US troops in Iraq (5,200; 5,200 US soldiers;
approximately 5,000). Every article runs through ``eventdesk.nlp.v1`` + ``eventdesk.figures.v1``
and :func:`eventdesk.figures.reconcile` groups the figures. Prints every figure and every group,
then checks that the US troops in Iraq come out as ONE group (key ``USA military personnel in
IRQ``) holding at least MIN_VALUES values from at least MIN_VALUES articles, with ``discrepancy``
set, and that no other group has that key.

Usage: python eval/figures_seeds.py [--shared PATH]
Exits 1 when the check fails, 2 when the feed is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

US_TROOPS_KEY = "USA military personnel in IRQ"
MIN_VALUES = 3  # recorded floor: the three articles that give the number


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[1].parent / "shared"
    ap.add_argument("--shared", type=Path, default=default_shared, help="the shared data folder")
    args = ap.parse_args(argv)
    feed = args.shared / "corpus" / "seeds" / "feed.jsonl"
    if not feed.is_file():
        print(f"{feed}: seed feed not found (pass --shared PATH)", file=sys.stderr)
        return 2

    from eventdesk.figures import ArticleMeta, about_key, reconcile
    from eventdesk.pipeline import Options, Pipeline, create
    from eventdesk.types import Article

    articles = []
    with feed.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                articles.append(
                    Article(
                        id=rec["id"],
                        text=rec["text"],
                        title=rec.get("title"),
                        published=rec.get("published"),
                        source=rec.get("source"),
                    )
                )
    options = Options()
    pipe = Pipeline([create("eventdesk.nlp.v1", options), create("eventdesk.figures.v1", options)])
    pairs = []
    for doc in pipe.pipe(articles):
        for f in doc.figures:
            key = about_key(f.about) if f.about else None
            print(
                f"{doc.article.id}\t{f.span.text!r}\t{f.to_dict()['value']}\t{f.unit}\t"
                f"{f.about!r}\tapprox={f.approximate}\tbound={f.bound}\tkey={key!r}"
            )
            pairs.append((f, ArticleMeta.from_article(doc.article)))

    groups = reconcile(pairs)
    print(f"\n{len(pairs)} figures, {len(groups)} groups")
    for g in groups:
        values = ", ".join(f"{v.article_id}:{v.text!r}" for v in g.values)
        print(f"{g.figure_id}\t{g.key!r}\t{g.unit}\tdiscrepancy={g.discrepancy}\t[{values}]")

    us = [g for g in groups if g.key == US_TROOPS_KEY]
    n_values = len(us[0].values) if len(us) == 1 else 0
    n_articles = len({v.article_id for v in us[0].values}) if len(us) == 1 else 0
    ok = len(us) == 1 and n_articles >= MIN_VALUES and us[0].discrepancy
    print(
        f"\nUS troops in Iraq: groups={len(us)} values={n_values} articles={n_articles} "
        f"discrepancy={us[0].discrepancy if len(us) == 1 else None} -> {'OK' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
