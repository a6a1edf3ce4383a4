"""The embedding helper process (``eventdesk.embed_service``): a real spawned process with the
real MiniLM model, asked ahead of time and waited on, as ``process`` uses it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from eventdesk import embed as emb
from eventdesk import embed_service
from eventdesk.pipeline import Options, Pipeline
from eventdesk.types import Article

TEXTS = [
    "Rockets landed near Balad Air Base on Saturday.",
    "NATO suspended its training mission in Iraq.",
    "The central bank raised interest rates by half a point.",
    "Protesters marched through the capital on Sunday.",
]


@pytest.fixture
def helper(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EVENTDESK_EMBED_HELPER", "1")
    emb.clear_cache()
    svc = embed_service.start()
    assert svc is not None, "a helper needs two cores; this machine has them"
    yield svc
    embed_service.stop()
    emb.clear_cache()


def test_prefetched_texts_come_back_alike_and_are_not_asked_twice(helper) -> None:
    emb.prefetch(TEXTS)
    deadline = time.monotonic() + 60
    while helper._pending and time.monotonic() < deadline:  # the helper works meanwhile
        time.sleep(0.2)
        helper._drain()
    assert not helper._pending
    asked: list[object] = []
    put = helper._requests.put
    helper._requests.put = lambda msg: (asked.append(msg), put(msg))[1]
    got = emb.embed(TEXTS)
    assert asked == []  # all four came from what was fetched ahead
    embed_service.stop()  # now the same texts in this process
    emb.clear_cache()
    here = emb.embed(TEXTS)
    assert got.shape == here.shape == (4, emb.DIM)
    assert float((got * here).sum(axis=1).min()) > 0.999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)


def test_texts_not_asked_for_ahead_are_computed_on_demand(helper) -> None:
    emb.prefetch(TEXTS[:2])
    got = emb.embed(TEXTS)  # two pending, two never asked: all four come back
    assert got.shape == (4, emb.DIM) and not helper._pending
    assert float(np.abs(got).sum(axis=1).min()) > 0


def test_a_stopped_helper_is_not_waited_on(helper) -> None:
    helper._proc.terminate()
    helper._proc.join(timeout=10)
    assert embed_service.active() is None
    assert emb.embed(TEXTS[:1]).shape == (1, emb.DIM)  # computed here instead


def test_the_helper_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTDESK_EMBED_HELPER", "0")
    embed_service.stop()
    assert embed_service.start() is None and embed_service.active() is None


def test_batches_run_in_halves_give_the_events_of_one_by_one() -> None:
    """The pipeline runs a batch's first half before the previous batch's second half (so the
    helper embeds while the next batch is parsed): the events are those of one article at a
    time, in input order."""
    arts = [Article(id=f"a{i}", text=t) for i, t in enumerate([
        "Rebels attacked the town of Kirkuk on Monday, killing five soldiers.",
        "Iraq and Britain signed a military cooperation agreement in Baghdad.",
        "Police arrested 30 protesters in Cairo on Friday.",
        "The United States imposed new sanctions on Iran on Tuesday.",
        "Turkey withdrew its ambassador from the Netherlands.",
    ])]
    pipe = Pipeline.from_options(Options())
    halves = list(pipe.pipe(arts, batch_size=2))
    assert [d.article.id for d in halves] == [a.id for a in arts]
    for d, a in zip(halves, arts, strict=True):
        alone = pipe(a)
        assert [(e.event, e.mode, e.trigger.text if e.trigger else None) for e in d.events] \
            == [(e.event, e.mode, e.trigger.text if e.trigger else None) for e in alone.events]
        assert d.nlp is None


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped has exited)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return False


@pytest.mark.parametrize("ready", [True, False], ids=["working", "still-loading"])
def test_a_helper_whose_parent_is_killed_exits(tmp_path, ready: bool) -> None:
    """A ``process`` killed outright (SIGKILL, out of memory) leaves no helper behind, whether
    the helper was at work or still loading its model."""
    import os
    import subprocess
    import sys

    work = ("    embed.embed(['the helper answers'])\n"
            "    embed.prefetch(['a text the helper is embedding when its parent dies'] * 3)\n"
            if ready else "")
    script = tmp_path / "parent.py"
    script.write_text(
        "import time\n"
        "from eventdesk import embed, embed_service\n"
        "if __name__ == '__main__':\n"
        "    svc = embed_service.start()\n"
        + work +
        "    print(svc._proc.pid, flush=True)\n"
        "    time.sleep(600)\n", encoding="utf-8")
    env = {**os.environ, "EVENTDESK_EMBED_HELPER": "1"}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env=env)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 60
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _running(child)


def test_promote_makes_the_queued_slices_holding_the_texts_urgent_whole() -> None:
    P = embed_service
    backlog = [[P.LATER, 1, "fp32", 16, ["lead a", "lead b"], 1],
               [P.SOON, 2, "fp32", 16, ["sent x", "lead b2"], 1],
               [P.SOON, 3, "bf16", 32, ["lead a"], 1],
               [P.SOON, 5, "fp32", 16, ["sent y"], 1]]  # fmt: skip
    P._promote(backlog, "fp32", ["lead a", "sent x", "never asked"], seq=4)
    # a slice is never cut and keeps its threads: its other texts come along, so each text is
    # embedded beside the same texts, alike, whenever it is asked for
    assert backlog == [[P.URGENT, 4, "fp32", 16, ["lead a", "lead b"], 1],
                       [P.URGENT, 4, "fp32", 16, ["sent x", "lead b2"], 1],
                       [P.SOON, 3, "bf16", 32, ["lead a"], 1],  # another precision: another text
                       [P.SOON, 5, "fp32", 16, ["sent y"], 1]]  # fmt: skip


def test_requests_are_cut_into_slices_on_arrival() -> None:
    P = embed_service
    texts = [f"t{i}" for i in range(P.SLICE[P.LATER] * 2 + 3)]
    assert P._chunks(P.LATER, texts) == [texts[:16], texts[16:32], texts[32:]]
    assert P._chunks(P.URGENT, texts) == [texts]
    assert P._chunks(P.SOON, texts[:5]) == [texts[:5]]


def test_texts_that_came_back_while_waiting_are_not_asked_again(helper) -> None:
    emb.prefetch(TEXTS)
    deadline = time.monotonic() + 60
    while not helper._results.poll(0) and time.monotonic() < deadline:
        time.sleep(0.1)  # back in the pipe, not yet read: embed() reads them first
    time.sleep(0.5)
    asked: list[object] = []
    put = helper._requests.put
    helper._requests.put = lambda msg: (asked.append(msg), put(msg))[1]
    got = emb.embed(TEXTS)
    assert got.shape == (4, emb.DIM)
    assert not [m for m in asked if m and m[0] == embed_service.URGENT]


def test_vectors_do_not_depend_on_how_fast_the_helper_was(helper) -> None:
    """Two runs of one sequence of requests, one hurried and one where the helper had time:
    bit for bit the same vectors (on bfloat16 matrix units a vector depends on the other texts
    of its forward pass, so the helper's slices must not depend on timing)."""
    many = [f"Report {i}: rockets hit a base near the town of Balad{'.' * (i % 7)}"
            for i in range(80)]
    rest = [f"The council met on day {i} to discuss the mission." for i in range(40)]

    def run(pause: float) -> np.ndarray:
        emb.clear_cache()
        helper._drain()
        emb.prefetch(many, embed_service.LATER)
        emb.prefetch(rest)
        time.sleep(pause)
        return np.vstack([emb.embed(many[50:55] + rest[:3]), emb.embed(many), emb.embed(rest)])

    hurried, patient = run(0.0), run(3.0)
    assert np.array_equal(hurried, patient)


def test_waiting_on_queued_texts_promotes_them_and_a_promotion_of_nothing_is_harmless(
    helper,
) -> None:
    sent: list[tuple] = []
    put = helper._requests.put
    helper._requests.put = lambda msg: (sent.append(msg), put(msg))[1]
    many = [f"Sentence number {i} about a rocket attack on a base." for i in range(300)]
    emb.prefetch(many, embed_service.LATER)
    got = emb.embed(many[-2:])  # queued behind the rest: asked for now, so promoted
    assert got.shape == (2, emb.DIM)
    promoted = [m for m in sent if m and m[0] == embed_service.PROMOTE]
    assert promoted and set(promoted[0][3]) <= set(many[-2:])
    assert emb.embed(many).shape == (300, emb.DIM) and not helper._pending
    # every text is back: the helper finds nothing queued to promote
    put((embed_service.PROMOTE, emb.precision(), 16, many[-2:]))
    time.sleep(1.0)
    assert helper.alive
    assert emb.embed(["A text asked after the empty promotion."]).shape == (1, emb.DIM)


def test_exit_does_not_wait_on_a_helper_that_died_with_requests_unread(tmp_path) -> None:
    """A helper gone (killed, crashed) with megabytes of requests it never read: the pipe is
    full, and Python's exit would wait forever to flush it."""
    import subprocess
    import sys

    script = tmp_path / "parent.py"
    script.write_text(
        "from eventdesk import embed, embed_service\n"
        "if __name__ == '__main__':\n"
        "    svc = embed_service.start()\n"
        "    svc._proc.kill()\n"
        "    svc._proc.join()\n"
        "    svc.prefetch('fp32', 16, [f'text {i} ' + 'x' * 2000 for i in range(2000)])\n"
        "    print('done', flush=True)\n", encoding="utf-8")
    env = {**__import__("os").environ, "EVENTDESK_EMBED_HELPER": "1"}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "done", out.stderr[-2000:]


def test_a_model_loading_ahead_is_waited_for_not_loaded_twice() -> None:
    """The Ray engine's driver loads MiniLM in a thread while its workers run; a caller asking
    meanwhile gets that one model once it is in, not a second copy loaded beside it."""
    emb._load_model.cache_clear()
    loader = emb.load_model_soon()
    model = emb.load_model()  # while the thread loads, or after
    loader.join()
    assert emb.load_model() is model
    assert emb._load_model.cache_info().misses == 1


def test_the_helper_leaves_the_resource_tracker_nothing_to_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The helper's pipes need no named semaphores: multiprocessing's resource tracker, which
    writes to this process's stderr at exit about any left registered, has none to watch (a
    queue's were reported after ``process``'s one-line error on a full disk)."""
    from multiprocessing import resource_tracker

    registered: list[tuple[str, str]] = []
    real = resource_tracker.register
    monkeypatch.setattr(resource_tracker, "register",
                        lambda name, rtype: (registered.append((name, rtype)), real(name, rtype)))
    monkeypatch.setenv("EVENTDESK_EMBED_HELPER", "1")
    emb.clear_cache()
    try:
        assert embed_service.start() is not None
        assert emb.embed(TEXTS[:2]).shape == (2, emb.DIM)
    finally:
        embed_service.stop()
        emb.clear_cache()
    assert registered == []


def test_a_helper_with_vectors_nobody_read_stops_cleanly_when_closed(helper) -> None:
    """Closing while the helper still sends back vectors nobody reads (more than a pipe holds):
    it sees the pipe closed and exits by itself, not terminated after a wait."""
    many = [f"Sentence {i} of a long report about the talks in the capital." for i in range(400)]
    emb.prefetch(many, embed_service.LATER)
    deadline = time.monotonic() + 60
    while not helper._results.poll(0) and time.monotonic() < deadline:
        time.sleep(0.1)  # vectors are coming back, and nobody reads them
    time.sleep(1.0)
    proc = helper._proc
    embed_service.stop()
    assert not proc.is_alive()
    assert proc.exitcode == 0  # it returned; a terminated helper exits with -SIGTERM
