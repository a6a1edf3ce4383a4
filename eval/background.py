"""Ordinary news for measuring false events: BBC business, entertainment, sport and tech articles.

Shared by ``events_case2021.py --background`` and ``events_plover_gsr.py --background``: both code
the same articles (every fourth of those sections of ``<shared>/corpus/bbc/bbc.jsonl``, so all four
are sampled) and count what comes out, an upper bound on the events a coder invents from news
that reports no political violence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SECTIONS = ("business", "entertainment", "sport", "tech")


def background_articles(shared: Path, n: int) -> list[tuple[dict[str, Any], Any]]:
    """Up to ``n`` (BBC record, :class:`eventdesk.types.Article`) pairs of non-news articles."""
    from eventdesk.types import Article

    path = shared / "corpus" / "bbc" / "bbc.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    picked = [r for r in rows if r.get("category") in SECTIONS][::4][:n]
    return [(r, Article(id=r["id"], text=r["text"], title=r.get("title"))) for r in picked]
