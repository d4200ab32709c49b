"""What worker threads share: GitPython's import, and the garbage collector.

GitPython is imported by one worker thread at a time. Two threads importing it for the
first time at once can fail with Python's `_DeadlockError` (gitdb's modules import each
other); it was seen when the start-up warm-up and the first ahead/behind count ran
together. Every worker that may reach git calls `import_git()` first: a lock and a
dictionary look-up once the import is done.

Reading a plan makes a few objects per item, all long-lived. With the cyclic collector
running meanwhile, each collection walks every object made so far: 100,000 items took
the UI 31 s to show instead of 2.5, and each full collection afterwards 0.5 s
(docs/benchmarks.md). `loading_plan()` pauses the collector while a plan is read; when
the read made many objects (a first read of a big plan, not a reload, which reuses the
items that did not change), they are then frozen (`gc.freeze`) so that collections skip
them. Garbage is collected first, so no dropped cycle is frozen; what freezing keeps
forever is a cycle that is alive then and dropped later (a screen open at that moment),
which is small next to the plan and happens once per big read.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_importing = threading.Lock()


def import_git() -> None:
    with _importing:
        import git  # noqa: F401
        import tomlkit  # noqa: F401


_loading = threading.Lock()


BIG_READ = 50_000  # objects the collector tracks; 10,000 items make about 40,000


@contextlib.contextmanager
def loading_plan() -> Iterator[None]:
    """Around a plan read in a worker: no collections meanwhile; a big read is frozen."""
    with _loading:
        gc.collect()
        made = gc.get_count()[0]
        gc.disable()
        try:
            yield
        finally:
            if gc.get_count()[0] - made > BIG_READ:
                gc.freeze()
            gc.enable()
