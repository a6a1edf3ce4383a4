"""Crash safety: ``eventdesk process`` killed with SIGKILL, and run on a full disk.

Real child processes over real SQLite files (the harness is bench/reliability.py, which runs
the same checks at soak counts: 50 kills). Each killed run is rerun to completion and its four
exports must equal those of a run that was never interrupted: nothing missing, nothing twice.
Marked slow: every child loads the NLP models.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_BENCH = Path(__file__).resolve().parent.parent / "bench" / "reliability.py"
_spec = importlib.util.spec_from_file_location("eventdesk_bench_reliability", _BENCH)
assert _spec is not None and _spec.loader is not None
rel = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = rel
_spec.loader.exec_module(rel)

N_ARTICLES = 8
N_KILLS = 3


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rel.pin_source(tmp_path_factory.mktemp("src"))  # children run the code as it is now
    return rel.make_template(tmp_path_factory.mktemp("crash"), N_ARTICLES)


@pytest.fixture(scope="module")
def expected(template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, float]:
    exports, seconds = rel.baseline(template, tmp_path_factory.mktemp("baseline"))
    assert len(exports["articles"]) == N_ARTICLES
    assert exports["events"], "the fixture articles must give events to lose"
    return exports, seconds


def test_uninterrupted_runs_agree(template: Path, expected: tuple[dict, float],
                                  tmp_path: Path) -> None:
    """Two clean runs give the same exports: the comparison below is not comparing noise."""
    db = rel.copy_store(template, tmp_path / "again.db")
    assert rel.process(db).returncode == 0
    assert rel.differences(expected[0], rel.exports(db)) == []
    res = rel.process(db)  # a rerun with nothing new does no work and changes nothing
    assert res.returncode == 0
    assert rel.differences(expected[0], rel.exports(db)) == []


@pytest.mark.parametrize("trial", range(N_KILLS))
def test_sigkill_then_rerun_equals_uninterrupted(
    template: Path, expected: tuple[dict, float], tmp_path: Path, trial: int
) -> None:
    exports, window = expected
    # Spread over the run: early (models loading), middle (NLP), late (saving, linking).
    rng = random.Random(1000 + trial)
    problems = rel.kill_trial(template, exports, window, rng, tmp_path)
    assert problems == []


def test_full_disk_gives_a_clear_error_and_loses_nothing(
    template: Path, expected: tuple[dict, float], tmp_path: Path
) -> None:
    try:
        problems = rel.disk_full_trial(template, expected[0], tmp_path)
    except PermissionError as exc:
        pytest.skip(f"no small filesystem to fill: {exc}")
    assert problems == []
