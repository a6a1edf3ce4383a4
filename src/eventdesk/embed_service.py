"""A helper process that embeds while this one parses: MiniLM beside spaCy on two cores.

Why: spaCy's parser uses one core; MiniLM, run in the same process between parses, takes both
cores but leaves them idle while spaCy runs. On a two-core machine, embedding in a second process
with one thread while the first parses the next batch costs almost nothing extra
(``bench/embed_overlap.py``, 500 Reuters articles: spaCy alone 13.4 s, MiniLM alone 6.5 s at one
thread and 4.1 s at two; both at once, the helper at one thread, 12.4 s; at two threads they
contend, 16.5 s).

The process is started with ``spawn`` (a fork after torch has started its threads can deadlock)
and owns the model; this process sends it texts and reads vectors back over two pipes, one each
way (:class:`_Outbox`):

- :meth:`EmbedService.prefetch` asks for texts that will be needed soon (the next batch's story
  leads, this batch's classifier sentences) and returns at once; the helper works on them at one
  thread, most urgent first, in slices, so a more urgent request never waits long;
- :meth:`EmbedService.wait` returns the vectors of texts this process needs now; those not yet
  asked for, and those asked for but still queued, are computed first, at two threads (this
  process is only waiting).

:func:`eventdesk.embed.embed` uses the service when one is running (:func:`start`), so callers do
not change; without one, everything is computed in this process as before.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing as mp
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from .errors import ModelError

if TYPE_CHECKING:
    import numpy

log = logging.getLogger(__name__)

URGENT, SOON, LATER = 0, 1, 2  # priorities: needed now, needed after this batch, later still
PROMOTE = -1  # a message, not a priority: these queued texts are needed now
# Texts per step, by priority: a more urgent request waits at most one slice. Story leads
# (LATER) are long, about 40 a second at one thread, so their slices are small: with 64 a
# waiting batch's classifier sentences queued up to 1.5 s behind them.
SLICE = {SOON: 64, LATER: 16}
_POLL_S = 0.5  # how often a wait checks that the helper is still alive


def _serve(conn: Connection, results_conn: Connection, parent: int) -> None:
    """The helper's loop: take requests, embed the most urgent slice, send it back."""
    from . import embed as emb

    os.environ["EVENTDESK_EMBED_HELPER"] = "0"  # the helper embeds itself, never asks another
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "256")
    requests = _Inbox(conn)
    results = _Outbox(results_conn)  # sent by a thread: the next slice never waits on a send
    try:
        model = emb.load_model()
        error = None
    except ModelError as exc:
        model, error = None, (str(exc), exc.hint)
    import torch

    trim = _trimmer()
    backlog: list[list[Any]] = []  # [priority, seq, mode, batch_size, texts, threads]
    seq = 0
    threads = 0
    pool: ThreadPoolExecutor | None = None
    # ``parent`` is the starting process's pid, given rather than read here: a parent killed
    # while this one was still loading the model would otherwise be taken for init
    while True:
        if os.getppid() != parent:
            return  # killed without a word (SIGKILL): no orphan left behind
        try:
            if backlog:
                msg = requests.get_nowait()
            else:
                while True:  # idle: wait, but not past the process that started this one
                    try:
                        msg = requests.get(timeout=_POLL_S * 4)
                        break
                    except queue.Empty:
                        if os.getppid() != parent:
                            return  # killed without a word (SIGKILL): no orphan left behind
            while True:
                if msg is None:
                    return
                seq += 1
                if msg[0] == PROMOTE:
                    _promote(backlog, msg[1], msg[3], seq)
                else:
                    backlog.extend([msg[0], seq, msg[1], msg[2], chunk, _threads(msg[0])]
                                   for chunk in _chunks(msg[0], list(msg[3])))
                msg = requests.get_nowait()
        except queue.Empty:
            pass
        if not backlog:
            continue  # a promotion of texts already sent back, or in flight, leaves nothing
        backlog.sort(key=lambda r: (r[0], r[1]))
        jobs = [backlog.pop(0)]
        if error is not None:
            results.put(("error", jobs[0][2], jobs[0][4], error))
            continue
        if jobs[0][0] == URGENT and jobs[0][5] == 1 and emb._torch_threads() > 1:
            # promoted slices keep one thread each (see _threads); the process waiting on them
            # leaves a core idle, so a second one runs beside the first
            k = next((i for i, r in enumerate(backlog) if r[0] == URGENT and r[5] == 1), None)
            if k is not None:
                jobs.append(backlog.pop(k))
        if jobs[0][5] != threads:
            threads = jobs[0][5]
            torch.set_num_threads(threads)
        if len(jobs) == 1:
            done = [_run_job(model, jobs[0])]
        else:
            if pool is None:
                pool = ThreadPoolExecutor(2, thread_name_prefix="eventdesk-embed")
                model.tokenize = _locked(model.tokenize)  # the tokenizer is not thread-safe
            done = list(pool.map(lambda job: _run_job(model, job), jobs))
        for msg in done:
            results.put(msg)
        trim()


class _Inbox:
    """The helper's requests, read off the pipe between slices, as a queue reads them: the
    parent writes through an :class:`_Outbox`, so a request waiting here never holds the parent
    up. None (stop) once the parent has closed its end or is gone. The helper's results go back
    through an :class:`_Outbox`; those the parent no longer reads (closed: it is exiting) are
    dropped, and nothing waits at exit to write them."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, timeout: float) -> Any:
        try:
            if not self._conn.poll(timeout):
                raise queue.Empty
            return self._conn.recv()
        except (EOFError, OSError):
            return None

    def get_nowait(self) -> Any:
        return self.get(0)


class _Outbox:
    """One way of a pipe, written by a thread of its own: :meth:`put` never blocks.

    Why pipes and not ``multiprocessing.Queue``: a queue's locks are named semaphores that
    multiprocessing's resource tracker (a process of its own, writing to this one's stderr)
    watches; one left registered by an exit on an error (a full disk) was reported after the
    command's one-line error, breaking it. Each pipe here has one reader and one writer, so it
    needs no lock, and the tracker has nothing to report. Why a thread: a pipe holds 64 KB, so a
    write of many texts would wait for the helper to read (while it loads its model, say)
    where this process should go on parsing, and a helper writing a slice's vectors would wait
    for this process to read them where it should embed the next slice (sent in its loop, they
    made ``process`` a tenth slower).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._box: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="eventdesk-embed-send",
                                        daemon=True)
        self._thread.start()

    def put(self, msg: Any) -> None:
        self._box.put(msg)

    def _run(self) -> None:
        while (msg := self._box.get()) is not _CLOSE:
            try:
                self._conn.send(msg)
            except (OSError, ValueError):
                break  # the other end is closed (its process exiting or gone): drop the rest
        self._conn.close()

    def close(self) -> None:
        """Send what is queued, then close the pipe (the helper reads the end of its input).
        A daemon thread: one blocked on a helper that stopped reading is not waited on at
        exit."""
        self._box.put(_CLOSE)


_CLOSE = object()  # an outbox's last message: close the pipe


def _run_job(model: Any, job: list[Any]) -> tuple[Any, ...]:
    """One slice's vectors, or the error that answers its request (the helper goes on)."""
    from . import embed as emb

    try:
        return ("ok", job[2], job[4], emb._encode(model, job[4], job[3], job[2]))
    except Exception as exc:
        return ("error", job[2], job[4], (f"embedding failed: {exc}", None))


def _locked(fn: Any) -> Any:
    """``fn`` callable from one thread at a time (the fast tokenizer's state is shared)."""
    lock = threading.Lock()

    def call(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return fn(*args, **kwargs)

    return call


def _chunks(priority: int, texts: list[str]) -> list[list[str]]:
    """A request cut, as it arrives, into the slices it will be embedded in (an urgent one is
    one slice). Why fixed at arrival: on CPUs with bfloat16 matrix units a text's vector
    depends, in its fourth decimal, on the other texts of its forward pass, so slices cut as
    timing allowed made two runs of one input differ (a classifier score on a threshold flips);
    slices fixed by the request alone give every run the same vectors."""
    if priority == URGENT:
        return [texts]
    size = SLICE[priority]
    return [texts[k:k + size] for k in range(0, len(texts), size)]


def _threads(priority: int) -> int:
    """Threads for a slice, fixed by the priority it was asked at: two for one this process
    waits on, one for one asked ahead (the other core parses meanwhile). Fixed at arrival, not
    raised when the slice is promoted, because the thread count too changes a vector's last
    decimals on bfloat16 matrix units (see :func:`_chunks`)."""
    from .embed import _torch_threads

    return min(2 if priority == URGENT else 1, _torch_threads())


def _promote(backlog: list[list[Any]], mode: str, texts: list[str], seq: int) -> None:
    """Make the queued slices of ``mode`` holding any of ``texts`` urgent: the process that
    asked for them is now waiting for them. A slice is moved whole, never cut, and keeps its
    thread count (see :func:`_chunks` and :func:`_threads`)."""
    wanted = set(texts)
    for job in backlog:
        if job[0] != URGENT and job[2] == mode and not wanted.isdisjoint(job[4]):
            job[0], job[1] = URGENT, seq


def _trimmer() -> Any:
    """A function giving freed heap memory back to the system (glibc's ``malloc_trim``), or a
    no-op where there is none.

    Why: every batch of texts has its own padded length, so torch allocates buffers (and oneDNN
    compiles kernels, whose cache is capped at 256 in the helper) of ever new sizes; without
    either, the helper reached 2.4 GB over 10,000 articles (``bench/throughput.py --only
    linear``).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        fn = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):
        fn = None
    if fn is None:
        return lambda: None
    return lambda: fn(0)


class EmbedService:
    """This process's side of the helper: what was asked, what came back."""

    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        their_requests, requests = ctx.Pipe(duplex=False)
        self._results, their_results = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_serve, args=(their_requests, their_results, os.getpid()),
                                 name="eventdesk-embed", daemon=True)
        try:
            self._proc.start()
        finally:  # the helper holds its ends now: when it is gone, reads here meet their end
            their_requests.close()
            their_results.close()
        self._requests = _Outbox(requests)
        self._pending: set[tuple[str, str]] = set()  # (mode, text) asked, not yet back
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._proc.is_alive()

    def prefetch(self, mode: str, batch_size: int, texts: list[str], priority: int = SOON,
                 known: Any = None) -> None:
        """Ask for ``texts`` (whitespace-normalised) without waiting; ``known(key)`` tells those
        already in the cache, which are not asked again."""
        with self._lock:
            self._drain()
            todo = []
            for t in dict.fromkeys(texts):
                key = (mode, t)
                if key in self._pending or (known is not None and known(key)):
                    continue
                self._pending.add(key)
                todo.append(t)
            if todo:
                self._requests.put((priority, mode, batch_size, todo))

    def wait(self, mode: str, batch_size: int, texts: list[str],
             store: Any) -> None:
        """Get every one of ``texts`` into ``store(key, row)``: ask for those not yet asked
        (urgently), then read results until none of them is pending."""
        with self._lock:
            asked = {t for t in texts if (mode, t) in self._pending}
            self._drain(store)
            fresh, queued = [], []
            for t in dict.fromkeys(texts):
                if (mode, t) in self._pending:
                    queued.append(t)
                elif t not in asked:  # those that came back just now are stored: not again
                    fresh.append(t)
            if queued:  # asked for earlier at a lower priority: needed now
                self._requests.put((PROMOTE, mode, batch_size, queued))
            if fresh:
                self._pending.update((mode, t) for t in fresh)
                self._requests.put((URGENT, mode, batch_size, fresh))
            needed = {(mode, t) for t in texts}
            while needed & self._pending:
                msg = self._receive(_POLL_S)
                if msg is not None:
                    self._take(msg, store)
                elif not self._proc.is_alive():
                    self._pending.clear()
                    self._abandon()
                    raise ModelError("the embedding helper process stopped",
                                     hint="rerun; set EVENTDESK_EMBED_HELPER=0 to embed "
                                          "in the main process")

    def _receive(self, timeout: float) -> tuple[Any, ...] | None:
        """The next result, or None when none came within ``timeout`` or the helper is gone."""
        try:
            if self._results.poll(timeout):
                return self._results.recv()
        except (EOFError, OSError):  # the helper's end is closed: it has stopped
            if not self._results.closed:
                self._proc.join(timeout=_POLL_S)  # let is_alive() see it too
        return None

    def _drain(self, store: Any = None) -> None:
        """Read whatever results have come back, without waiting."""
        while (msg := self._receive(0)) is not None:
            self._take(msg, store)

    def _take(self, msg: tuple[Any, ...], store: Any) -> None:
        kind, mode, texts, payload = msg
        for t in texts:
            self._pending.discard((mode, t))
        if kind == "error":
            text, hint = payload
            raise ModelError(text, hint=hint)
        rows: numpy.ndarray = payload
        put = store if store is not None else _default_store
        for t, row in zip(texts, rows, strict=True):
            put((mode, t), row)

    def close(self) -> None:
        # Results first: a helper writing vectors nobody will read stops at once, instead of
        # waiting on a full pipe until it is terminated.
        self._results.close()
        self._requests.put(None)
        self._abandon()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout=5)

    def _abandon(self) -> None:
        """Write no more to the helper: close the requests' pipe once what is queued is sent
        (to a helper that is gone, nothing is sent, and exit does not wait on it)."""
        self._requests.close()


def _default_store(key: tuple[str, str], row: Any) -> None:
    from .embed import _store

    _store(key, row)


_service: EmbedService | None = None
_service_lock = threading.Lock()


def start() -> EmbedService | None:
    """Start the helper (once per process) where it can help: two cores or more, and not
    switched off with ``EVENTDESK_EMBED_HELPER=0``; None otherwise."""
    global _service
    if os.environ.get("EVENTDESK_EMBED_HELPER", "1").strip() in ("0", "false", "no", "off"):
        return None
    if (os.cpu_count() or 1) < 2:
        return None
    with _service_lock:
        if _service is None or not _service.alive:
            try:
                _service = EmbedService()
            except (OSError, RuntimeError) as exc:  # no processes here: embed in this one
                log.warning("embedding helper not started (%s); embedding in this process", exc)
                return None
            atexit.register(stop)
        return _service


def active() -> EmbedService | None:
    """The running helper, if any."""
    svc = _service
    return svc if svc is not None and svc.alive else None


def stop() -> None:
    """Stop the helper (at exit, or when a caller is done with it)."""
    global _service
    with _service_lock:
        svc, _service = _service, None
    if svc is not None:
        svc.close()
