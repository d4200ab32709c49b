"""The command line's progress bar: Rich's, on standard error, for long work only.

The commands hand the core a TerminalProgress only when standard error is a terminal and
`--quiet` was not given (commands._progress; otherwise the core's do-nothing NO_PROGRESS),
so a pipe, a file or a test's captured output never sees a bar. A stage that ends within
DELAY seconds shows nothing (and imports nothing: Rich is imported by a timer thread only
once a stage has run that long), so fast commands never flash a bar and pay a thread
start at most.
"""

from __future__ import annotations

import os
import threading

from tui.core.progress import Progress

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


def _delay() -> float:
    """Seconds a stage runs before its bar shows: AFI_PROGRESS_DELAY (0: at once), else 1."""
    try:
        return max(0.0, float(os.environ.get("AFI_PROGRESS_DELAY", "1")))
    except ValueError:
        return 1.0


DELAY = _delay()
_SHOWN: list[TerminalProgress] = []


def finish_all() -> None:
    """End every bar (the command is over, however it ended): the terminal gets its
    cursor back before afi exits."""
    for progress in _SHOWN:
        progress.finish()
    _SHOWN.clear()


class TerminalProgress(Progress):
    """A transient Rich bar on stderr, shown once a stage has lasted DELAY seconds."""

    __slots__ = ("_lock", "_what", "_total", "_done", "_timer", "_bar", "_task")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._what, self._done = "", 0
        self._total: int | None = None
        self._timer: threading.Timer | None = None
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        _SHOWN.append(self)

    def start(self, what: str, total: int | None) -> None:
        self.finish()
        with self._lock:
            self._what, self._total, self._done = what, total, 0
        self._timer = threading.Timer(DELAY, self._show)
        self._timer.daemon = True
        if DELAY <= 0:  # AFI_PROGRESS_DELAY=0: at once (demonstrations, tests)
            self._show()
        else:
            self._timer.start()

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        if self._task is not None:
            with self._lock:
                if self._bar is not None:
                    self._bar.update(self._task, completed=self._done)

    def finish(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            if self._bar is not None:
                self._bar.stop()
            self._bar = self._task = None

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        with self._lock:
            if self._timer is None:  # finished while Rich was being imported
                return
            bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                               BarColumn(),
                               MofNCompleteColumn(), TimeRemainingColumn(),
                               console=Console(stderr=True), transient=True,
                               # stdout is the command's data: never drawn on stderr
                               redirect_stdout=False, redirect_stderr=False)
            self._task = bar.add_task(self._what, total=self._total, completed=self._done)
            bar.start()
            self._bar = bar
