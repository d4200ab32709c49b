"""GitPython is imported by one worker thread at a time. Two threads importing it for the
first time at once can fail with Python's `_DeadlockError` (gitdb's modules import each
other); it was seen when the start-up warm-up and the first ahead/behind count ran
together. Every worker that may reach git calls `import_git()` first: a lock and a
dictionary look-up once the import is done.

"""

from __future__ import annotations

import threading

_importing = threading.Lock()


def import_git() -> None:
    with _importing:
        from tui.core.git.repo import preload

        preload()
        import tomlkit  # noqa: F401
