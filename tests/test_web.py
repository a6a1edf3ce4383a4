"""The desk's web page in a real browser: Debian's chromium driven by Playwright, against the
real server over a store saved from fixture documents. Screenshots go to a temporary folder
(``EVENTDESK_SCREENSHOTS`` names a folder to keep them)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("EVENTDESK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM} (scripts/test.sh installs Debian's chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

_spec = importlib.util.spec_from_file_location(
    "desk_build", Path(__file__).parent / "fixtures" / "desk" / "build.py"
)
assert _spec is not None and _spec.loader is not None
desk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(desk)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'desk.db'}"
    desk.build(url)
    with desk.running_server(url) as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("EVENTDESK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, base: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    # Nothing may be fetched from anywhere but the desk itself: the page works offline.
    outside: list[str] = []
    pg.route("**/*", lambda r: (r.continue_() if r.request.url.startswith(base)
                                else (outside.append(r.request.url), r.abort())))
    pg.outside = outside
    yield pg
    ctx.close()
    assert not outside, f"the page tried to reach {outside}"


def _shot(page: Any, path: Path, full_page: bool = False) -> None:
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000  # a rendered page, not a blank one


def _open(page: Any, base: str, route: str) -> None:
    page.goto(f"{base}/#{route}")
    page.wait_for_selector("main[data-page]:not([data-page=loading])")
    assert page.get_attribute("main", "data-page") != "error", page.inner_text("main")


def test_story_page_timeline_summary_figures_map(page: Any, base: str, shots: Path) -> None:
    _open(page, base, "/")
    page.click("#stories a")
    page.wait_for_selector("main[data-page=story]")
    assert page.locator("#timeline li").count() == 2
    assert "Militants fired rockets" in page.inner_text("#timeline")
    assert page.locator("#summary sup.cite a").count() == 2
    assert page.locator(".badge.warn").count() == 1  # the disagreeing tolls
    page.wait_for_selector("#story-map .map[data-ready='1']")
    assert page.locator("#story-map path.country").count() > 150
    assert page.locator("#story-map circle.pt").count() == 1  # its one located event
    _shot(page, shots / "story.png", full_page=True)
    assert not page.errors


def test_events_table_filters_sorts_and_links(page: Any, base: str, shots: Path) -> None:
    _open(page, base, "/events")
    rows = page.locator("#events tbody tr")
    assert rows.count() == 3
    page.fill("#filters input[name=type]", "PROTEST")
    page.click("#filters button")
    page.wait_for_selector("#events tbody tr >> nth=0")
    page.wait_for_selector("#events-status:has-text('1 events')")
    assert page.locator("#events tbody tr").count() == 1
    assert page.get_attribute("#events tbody tr", "data-type") == "PROTEST"
    # Facets narrow the same way, and the column headers sort.
    _open(page, base, "/events")
    page.click("#facets li:has-text('IRQ')")
    page.wait_for_selector("#events-status:has-text('1 events')")
    assert "Baghdad" in page.inner_text("#events tbody")
    _open(page, base, "/events?sort=-date")
    dates = page.locator("#events tbody tr td:first-child").all_inner_texts()
    assert dates == sorted(dates, reverse=True)
    # the other parties in a role are shown with it
    assert "Government forces (AFGMIL) with Afghan police (AFGCOP)" in page.inner_text(
        "#events tbody")
    _shot(page, shots / "events.png", full_page=True)
    page.click("#events tbody tr >> nth=-1 >> td:last-child a >> nth=0")
    page.wait_for_selector("main[data-page=article]")
    assert page.locator(".seg.hl").count() >= 1  # the source passage is marked
    assert not page.errors


def test_map_page(page: Any, base: str, shots: Path) -> None:
    _open(page, base, "/map")
    page.wait_for_selector("#events-map .map[data-ready='1']")
    marks = page.locator("#events-map circle.pt").count() + page.locator(
        "#events-map circle.cluster").count()
    assert marks >= 1
    assert page.locator(".legend .sw").count() == 2  # ASSAULT, PROTEST
    _shot(page, shots / "map.png")
    assert not page.errors


def test_article_spans_are_highlighted_and_linked(page: Any, base: str, shots: Path) -> None:
    _open(page, base, "/article/wire-1")
    for layer in ("entity", "place", "date", "figure", "event", "trigger"):
        assert page.locator(f"#article-text .seg.{layer}").count() >= 1, layer
    page.click("#article-text .seg.place >> nth=0")
    details = page.inner_text("#span-details")
    assert "33.3406, 44.4009" in details and "Baghdad" in details
    page.click("#article-text .seg.figure >> nth=0")
    assert "guards killed" in page.inner_text("#span-details")
    _shot(page, shots / "article.png", full_page=True)
    page.click("#span-details a >> nth=0")
    page.wait_for_selector("main[data-page=figures]")
    assert not page.errors


def test_html_in_stored_text_is_shown_as_text(page: Any, base: str, shots: Path) -> None:
    _open(page, base, "/article/xss-1")
    assert page.inner_text("#article-title") == desk.HOSTILE_TITLE
    assert "<script>window.__pwned = 3</script>" in page.inner_text("#article-text")
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    _open(page, base, "/articles")
    assert desk.HOSTILE_TITLE in page.inner_text("#articles")
    assert page.locator("main img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _shot(page, shots / "hostile.png", full_page=True)
    assert not page.errors
