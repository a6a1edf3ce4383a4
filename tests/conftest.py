"""Shared fixtures. Tests never touch ../shared: the fixtures are written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURE_ARTICLES = [
    {
        "id": "fx-1",
        "source": "Fixture Wire",
        "url": "https://fixture.example/a/1",
        "published": "2020-01-06",
        "title": "Alliance halts training mission",
        "text": (
            "The alliance halted its training mission in Iraq on Sunday, its secretary-general "
            "said on Monday.\n\nAbout 5,200 US troops are stationed in Iraq. Rockets struck "
            "near the embassy in Baghdad, killing two guards."
        ),
    },
    {
        "id": "fx-2",
        "source": "Fixture Daily",
        "published": "2020-01-07",
        "title": "Germany moves soldiers to Jordan",
        "text": (
            "Germany said on Tuesday it would move 30 soldiers from Iraq to Jordan.\n\n"
            "Police arrested 12 protesters in Berlin on Monday."
        ),
    },
]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """A small JSONL feed of two articles."""
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in FIXTURE_ARTICLES), encoding="utf-8")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"
