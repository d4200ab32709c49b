"""Reading the plan for the UI, with no Textual import: the first read starts before
Textual is imported (`EarlyRead`), so the two overlap where either waits on the disk.

Reading a plan makes a few objects per item, all long-lived. With the cyclic collector
running meanwhile, each collection walks every object made so far: 100,000 items took
the UI 31 s to show instead of 2.5, and each full collection afterwards 0.5 s
(docs/benchmarks.md). `loading_plan()` pauses the collector while a plan is read; when
the read made many objects (a first read of a big plan, not a reload, which reuses the
items that did not change), they are then frozen (`gc.freeze`) so that collections skip
them. The young generations are collected first (cheap: what the UI made since the last
collection), so recent garbage is not frozen; what freezing keeps forever is a cycle that
is alive then and dropped later (a screen open at that moment), which is small next to
the plan and happens once per big read. A full collection here would walk the whole plan
on every reload.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

from tui.core.errors import AfiError
from tui.core.plan import Plan, recover_interrupted
from tui.core.store.reading import PLAN_FILE, find_git_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


BIG_READ = 50_000  # objects the collector tracks; 10,000 items make about 40,000

_loading = threading.Lock()


def outside_signature(plan_dir: Path) -> tuple[Any, ...]:
    """plan.toml's stamp and git's FETCH_HEAD's, so that a fetch from another terminal
    updates the ahead/behind count (the item files are compared through the snapshot)."""
    parts: list[tuple[str, int | None, int | None, int | None]] = []
    git_dir = find_git_dir(plan_dir)
    for path in (plan_dir / PLAN_FILE, *([git_dir / "FETCH_HEAD"] if git_dir else [])):
        try:
            stat = path.stat()
            parts.append((path.name, stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns))
        except OSError:
            parts.append((path.name, None, None, None))
    return tuple(parts)


@contextlib.contextmanager
def loading_plan() -> Iterator[None]:
    """Around a plan read: no collections meanwhile; a big read is frozen."""
    with _loading:
        gc.collect(1)
        made = gc.get_count()[0]
        gc.disable()
        try:
            yield
        finally:
            if gc.get_count()[0] - made > BIG_READ:
                gc.freeze()
            gc.enable()


def read_plan(plan_dir: Path, previous: Plan | None) -> tuple[Plan, str | None, tuple[Any, ...]]:
    """The plan read (reusing what `previous` read), a note for the user, and the
    signature of plan.toml and FETCH_HEAD as they were before the read. The first read
    finishes or undoes a change a crash left behind."""
    note = None
    if previous is None:
        try:
            note = recover_interrupted(plan_dir)
        except AfiError as err:
            note = f"could not recover an interrupted change: {err}"
    signature = outside_signature(plan_dir)
    plan = Plan(plan_dir, previous.snapshot if previous is not None else None)
    with loading_plan():
        plan.snapshot  # noqa: B018 - read every file now, in this thread
    return plan, note, signature


class EarlyRead:
    """The first `read_plan`, in a thread started before the UI is built."""

    def __init__(self, plan_dir: Path):
        self._result: tuple[Any, ...] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(plan_dir,), daemon=True,
                                         name="afi-early-read")
        self._thread.start()

    def _run(self, plan_dir: Path) -> None:
        try:
            self._result = read_plan(plan_dir, None)
        except BaseException as err:  # handed to the worker that takes the result
            self._error = err

    def take(self) -> tuple[Plan, str | None, tuple[Any, ...]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
