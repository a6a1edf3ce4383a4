"""The one place user-facing output goes through: messages on stderr and progress bars (rich).

Library code never prints; it logs (with a NullHandler) or raises. Commands use :data:`console`
for messages and :func:`progress` for long loops, so ``--quiet`` and non-terminal output are
handled once, here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.console import Console

console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class _State:
    quiet: bool = False


state = _State()


def say(message: str) -> None:
    """A line for the user on stderr, unless ``--quiet``."""
    if not state.quiet:
        console.print(message)


def warn(message: str) -> None:
    """A problem the run survived (a skipped line or file); shown even with ``--quiet``."""
    console.print(f"[yellow]warning[/yellow] {message}", markup=True, highlight=False)


class _Bar:
    """Counts work done; a live bar when attached to a terminal, nothing otherwise."""

    def __init__(self, progress: Any | None, task: Any | None):
        self._progress = progress
        self._task = task
        self.count = 0

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self._progress is not None:
            self._progress.update(self._task, advance=n)

    def total(self, total: int | None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=total)


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[_Bar]:
    """A progress bar with articles/s; quiet with ``--quiet`` or when stderr is not a terminal."""
    if state.quiet or not sys.stderr.isatty():
        yield _Bar(None, None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=False) as prog:
        task = prog.add_task(label, total=total, rate="")
        bar = _Bar(prog, task)
        orig = bar.advance

        def advance(n: int = 1) -> None:
            orig(n)
            t = prog.tasks[task]
            if t.elapsed:
                prog.update(task, rate=f"{t.completed / t.elapsed:.1f} articles/s")

        bar.advance = advance  # type: ignore[method-assign]
        yield bar
