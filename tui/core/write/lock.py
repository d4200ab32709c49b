"""One writer at a time: a plan-wide lock in the git directory.

`git commit --only -- paths` commits whatever is on disk when it runs, so two writers on
one file interleave: one's message over the other's diff, or a saved edit overwritten.
Every write path (CLI, terminal UI, scripts) holds this lock from re-reading the files
to the end of the commit.

It is an operating-system lock on `.git/afi/write.lock` (flock on POSIX, a byte-range
lock on Windows), so a writer that dies, even by kill -9, releases it with its process,
and the file itself stays in place (waiters all lock the same file). The standard
library does this in a few lines; py-filelock would cost 10 ms of import on every write.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.core.errors import AfiError

DEFAULT_TIMEOUT = 10.0  # seconds a writer waits for another before giving up
POLL_SECONDS = 0.02
_HELD: dict[str, int] = {}  # git directory -> the descriptor this process locks it with


class LockTimeout(AfiError):
    """Another writer held the plan for longer than we were willing to wait."""


def lock_paths(git_dir: Path) -> tuple[Path, Path]:
    folder = git_dir / "afi"
    return folder / "write.lock", folder / "write.lock.holder"


@contextmanager
def plan_lock(git_dir: Path, purpose: str = "", timeout: float | None = None) -> Iterator[None]:
    """Hold the plan's write lock for the block; wait up to `timeout` seconds
    ($AFI_LOCK_TIMEOUT, default 10) for another writer, then raise LockTimeout naming it.
    Re-entrant: a block inside another of the same process on the same plan holds it
    already (sync commits its setup under its own lock)."""
    key = str(git_dir.resolve())
    if key in _HELD:
        yield
        return
    from tui.core.git.repo import inherit_lock

    inherit_lock(held_descriptors)  # git run with hold_lock inherits what this holds
    lock_file, holder_file = lock_paths(git_dir)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    wait = timeout if timeout is not None else _timeout_from_env()
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(f"another afi is writing to this plan ({holder(git_dir)}): "
                                  f"waited {wait:g} s; try again when it has finished (a lock "
                                  f"left by a process that died is free at once): {lock_file}")
            time.sleep(POLL_SECONDS)
        _HELD[key] = fd
        try:
            _write_holder(holder_file, purpose)
            yield
        finally:
            del _HELD[key]
            _unlock(fd)
    finally:
        os.close(fd)


def held_descriptors() -> tuple[int, ...]:
    """The lock descriptors this process holds. git commands afi runs under the lock
    inherit them, so the lock stays held until they end even if afi is killed: the next
    afi waits for an orphaned `git commit` instead of undoing what it is committing."""
    return tuple(_HELD.values())


def holder(git_dir: Path) -> str:
    """Who holds (or last held) the lock, as the holder recorded it."""
    try:
        return lock_paths(git_dir)[1].read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"


def is_locked(git_dir: Path) -> bool:
    """True while another process holds the lock (a probe that never waits)."""
    lock_file = lock_paths(git_dir)[0]
    try:
        fd = os.open(lock_file, os.O_RDWR)
    except OSError:
        return False
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _write_holder(path: Path, purpose: str) -> None:
    command = purpose or " ".join(os.path.basename(a) if n == 0 else a
                                  for n, a in enumerate(sys.argv[:4]))
    with contextlib.suppress(OSError):  # naming the holder is a courtesy; the lock matters
        path.write_text(f"pid {os.getpid()} on {_host()}: {command[:120]}, "
                        f"since {time.strftime('%H:%M:%S')}\n", encoding="utf-8",
                        errors="backslashreplace")  # an argument that is not UTF-8


def _timeout_from_env() -> float:
    raw = os.environ.get("AFI_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise AfiError(f"AFI_LOCK_TIMEOUT={raw!r} is not a number of seconds") from None


def _host() -> str:
    """This machine's name, for the lock's note (os.uname: `socket` costs 3 ms to import)."""
    uname = getattr(os, "uname", None)
    return uname().nodename if uname else os.environ.get("COMPUTERNAME", "this machine")
