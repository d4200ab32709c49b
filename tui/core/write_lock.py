"""One writer at a time: a plan-wide lock in the git directory.

`git commit --only -- paths` commits whatever is on disk when it runs, so two writers on
one file interleave: one's message over the other's diff, or a saved edit overwritten.
Every write path (CLI, terminal UI, scripts) holds this lock from re-reading the files
to the end of the commit. It is an OS lock (py-filelock: flock on POSIX, LockFileEx on
Windows), so a writer that dies, even by kill -9, releases it with its process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AfiError

DEFAULT_TIMEOUT = 10.0  # seconds a writer waits for another before giving up


class LockTimeout(AfiError):
    """Another writer held the plan for longer than we were willing to wait."""


def lock_paths(git_dir: Path) -> tuple[Path, Path]:
    folder = git_dir / "afi"
    return folder / "write.lock", folder / "write.lock.holder"


@contextmanager
def plan_lock(git_dir: Path, purpose: str = "", timeout: float | None = None) -> Iterator[None]:
    """Hold the plan's write lock for the block; wait up to `timeout` seconds
    ($AFI_LOCK_TIMEOUT, default 10) for another writer, then raise LockTimeout naming it."""
    from filelock import FileLock, Timeout

    lock_file, holder_file = lock_paths(git_dir)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    wait = timeout if timeout is not None else _timeout_from_env()
    lock = FileLock(str(lock_file), thread_local=False, is_singleton=False)
    try:
        lock.acquire(timeout=wait, poll_interval=0.02)
    except Timeout:
        raise LockTimeout(f"another afi is writing to this plan ({holder(git_dir)}): waited "
                          f"{wait:g} s; try again when it has finished (a lock left by a "
                          f"process that died is taken over at once): {lock_file}") from None
    try:
        # The holder is named in a file of its own: filelock truncates the lock file
        # whenever a waiter opens it.
        _write_holder(holder_file, purpose)
        yield
    finally:
        lock.release()


def holder(git_dir: Path) -> str:
    """Who holds (or last held) the lock, as the holder recorded it."""
    try:
        return lock_paths(git_dir)[1].read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"


def is_locked(git_dir: Path) -> bool:
    """True while another process holds the lock (a probe that never waits)."""
    from filelock import FileLock, Timeout

    lock_file = lock_paths(git_dir)[0]
    if not lock_file.exists():
        return False
    lock = FileLock(str(lock_file), thread_local=False, is_singleton=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def _write_holder(path: Path, purpose: str) -> None:
    command = purpose or " ".join(os.path.basename(a) if n == 0 else a
                                  for n, a in enumerate(sys.argv[:4]))
    with contextlib.suppress(OSError):  # naming the holder is a courtesy; the lock matters
        path.write_text(f"pid {os.getpid()} on {socket.gethostname()}: {command[:120]}, "
                        f"since {time.strftime('%H:%M:%S')}\n", encoding="utf-8")


def _timeout_from_env() -> float:
    raw = os.environ.get("AFI_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise AfiError(f"AFI_LOCK_TIMEOUT={raw!r} is not a number of seconds") from None
