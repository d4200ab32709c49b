"""Writing files and committing them: the one place afi changes a plan on disk.

`commit_files` runs with the plan's write lock held (write_lock.py) and everything
already validated. It journals the change, writes the files atomically, runs `git
commit`, and then asks git what happened: the change counts as committed only if HEAD
moved to a commit holding exactly the bytes afi wrote. Otherwise every file that still
holds what afi wrote is put back, and nothing else is touched. `recover` finishes or
undoes a change whose process died in the middle (journal.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

from . import journal
from .errors import AfiError, GitError
from .gitrepo import Commit, GitRepo, first_lines
from .store import link_message


class FileWrite(namedtuple("FileWrite", "path original new in_head", defaults=(None,))):
    """One file of a commit: what it held when read under the lock, and what it is to
    hold (None: deleted). A file that already holds `new` is committed, not written.
    in_head: is it in HEAD already? None: ask git (`git add` what is new)."""

    __slots__ = ()

    @property
    def new_bytes(self) -> bytes | None:
        return None if self.new is None else self.new.encode("utf-8")


def commit_files(repo: GitRepo, writes: list[FileWrite], message: str) -> Commit:
    """Write and commit `writes` as one commit with `message` (kept verbatim); returns
    the commit as git recorded it. Raises GitError, with every file put back, when git
    made no such commit. The caller holds the plan lock."""
    head = repo.head_sha()
    relative = {w.path: repo.relative(w.path) for w in writes}
    to_write = [w for w in writes if _current(w.path) != w.new_bytes]
    for write in to_write:
        if (refused := link_message(repo.root, write.path)) is not None:
            raise AfiError(f"{refused}; nothing was written")
    _refuse_deleted_in_head(repo, head, [w.path for w in writes
                                         if w.original is None and w.new is not None])
    try:
        journal.write(repo.git_dir, journal.Journal(
            head, message, tuple(journal.JournalFile(
                relative[w.path], w.original,
                None if w.new_bytes is None else journal.digest(w.new_bytes))
                for w in writes), os.getpid()))
    except OSError as err:
        raise AfiError(f"cannot write afi's journal in {repo.git_dir / 'afi'}: "
                       f"{err.strerror}; nothing was written") from None
    # New files need `git add`: those afi creates now certainly, others if git lacks them.
    created = [w.path for w in writes if w.new is not None and w.in_head is False
               and w.original is None]
    known = set(created)  # (a set: a list made importing 10,000 rows quadratic)
    added = created + _untracked(repo, [w.path for w in writes if w.new is not None
                                        and not w.in_head and w.path not in known])
    with _sigint_deferred() as interrupted:
        try:
            _write_files(to_write)
            status, output = repo.commit([w.path for w in writes], message, new_paths=added)
            commit = repo.committed_since(head, {relative[w.path]: w.new_bytes
                                                 for w in writes})
        except BaseException:
            commit = _committed_anyway(repo, head, writes, relative)
            if commit is None:
                _undo(repo, to_write, added)
                journal.clear(repo.git_dir)
                raise
            status, output = 1, ""
        if commit is None:
            _undo(repo, to_write, added)
            journal.clear(repo.git_dir)
            if interrupted:
                raise KeyboardInterrupt
            raise GitError(_refusal(output, status))
        if status != 0:  # git was stopped after it moved HEAD: its index may be stale
            repo.sync_index(list(relative.values()))
        journal.clear(repo.git_dir)
    repo.refresh_commit_graph()
    return commit


def recover(repo: GitRepo) -> str | None:
    """Finish or undo a change left by a process that died; a line saying what was done,
    or None if there was nothing to do. The caller holds the plan lock."""
    left = journal.read(repo.git_dir)
    if left is None:
        return None
    with contextlib.suppress(GitError):
        repo.wait_for_index_lock()  # a git the dead afi started may still be finishing
    paths = {f.path: repo.root / f.path for f in left.files}
    on_disk = {f.path: _current(paths[f.path]) for f in left.files}
    holds_new = {f.path: _digest_or_none(on_disk[f.path]) == f.new_digest for f in left.files}
    subject = left.message.split("\n", 1)[0]
    for f in left.files:
        with contextlib.suppress(OSError):
            journal.temp_name(paths[f.path]).unlink()
    expected = {p: on_disk[p] for p in paths}
    if all(holds_new.values()):
        commit = repo.committed_since(left.head, expected)
        if commit is not None:
            repo.sync_index(list(paths))
            journal.clear(repo.git_dir)
            return (f"an interrupted change ({subject}) had been committed as "
                    f"{commit.short}: nothing to undo")
        if repo.head_sha() == left.head:
            try:
                repo.check_ready()
                status, output = repo.commit(
                    list(paths.values()), left.message,
                    new_paths=_untracked(repo, [paths[f.path] for f in left.files
                                                if f.new_digest is not None]))
                commit = repo.committed_since(left.head, expected)
            except AfiError:
                commit = None
            if commit is not None:
                journal.clear(repo.git_dir)
                return f"finished an interrupted change: [{commit.short}] {subject}"
    restored, left_alone = [], []
    for f in left.files:
        path = paths[f.path]
        if not holds_new[f.path] and on_disk[f.path] is not None and \
                on_disk[f.path] != (f.original or "").encode("utf-8"):
            left_alone.append(f.path)  # changed by someone after the crash: not ours
            continue
        original = None if f.original is None else f.original.encode("utf-8")
        if holds_new[f.path] and _digest_or_none(original) != f.new_digest:
            _restore(path, f.original)  # afi wrote it: put back what was there
            restored.append(f.path)
    repo.unstage_new([paths[f.path] for f in left.files if f.original is None])
    journal.clear(repo.git_dir)
    note = f"undid an interrupted change ({subject}): {len(restored)} file(s) put back"
    if left_alone:
        note += f"; left as they are (changed since): {', '.join(left_alone)}"
    return note


def _committed_anyway(repo: GitRepo, head: str | None, writes: list[FileWrite],
                      relative: dict[Path, str]) -> Commit | None:
    """After an exception: did git commit regardless? (A signal after the ref update.)"""
    try:
        return repo.committed_since(head, {relative[w.path]: w.new_bytes for w in writes})
    except Exception:  # noqa: BLE001 - git unusable: treat as not committed, undo
        return None


def _write_files(writes: list[FileWrite]) -> None:
    """Atomic replacement of each file: temp file beside it, then one rename each. One
    `os.sync()` for a batch instead of an fsync per file (a 1,000-item change would spend
    a second in fsync); the journal covers a crash in between."""
    try:
        for write in writes:
            if write.new is not None:
                _write_temp(write.path, write.new, sync=len(writes) == 1)
        if len(writes) > 1:
            os.sync()
        for write in writes:
            if write.new is None:
                write.path.unlink(missing_ok=True)
            else:
                os.replace(journal.temp_name(write.path), write.path)
        folders = {w.path.parent for w in writes}
        for folder in folders:
            journal.sync_folder(folder)
    except OSError as err:
        for write in writes:
            with contextlib.suppress(OSError):
                journal.temp_name(write.path).unlink()
        raise AfiError(f"cannot write {err.filename or 'a file'}: {err.strerror}") from None


def _write_temp(path: Path, text: str, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = journal.temp_name(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                 mode)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.chmod(temp, mode)


def _undo(repo: GitRepo, written: list[FileWrite], added: list[Path]) -> None:
    """Put back each file that still holds what afi wrote; leave any other alone."""
    for write in written:
        with contextlib.suppress(OSError):
            journal.temp_name(write.path).unlink()
        if _current(write.path) == write.new_bytes:
            _restore(write.path, write.original)
    repo.unstage_new(added)


def _restore(path: Path, original: str | None) -> None:
    if original is None:
        path.unlink(missing_ok=True)
    else:
        _write_temp(path, original, sync=True)
        os.replace(journal.temp_name(path), path)


def _refuse_deleted_in_head(repo: GitRepo, head: str | None, new: list[Path]) -> None:
    """A file afi is to create that is missing on disk but still in HEAD was deleted by
    hand and not committed: writing it would make a commit that changes it, or nothing,
    under a message saying it was created."""
    if not new or head is None:
        return
    held = sorted(repo.files_at(head, new))
    if held:
        names = ", ".join(held[:3]) + (f" (and {len(held) - 3} more)" if len(held) > 3 else "")
        raise AfiError(f"{names}: deleted from the folder but still in git's last commit; "
                       "put it back (`git checkout -- FILE`) or commit the deletion "
                       "(`git rm FILE`), then try again; nothing was written")


def _untracked(repo: GitRepo, paths: list[Path]) -> list[Path]:
    """Those of `paths` git does not track yet (they need `git add` to be committed)."""
    if not paths:
        return []
    # The folders, not the paths, as arguments: `ls-files` takes no pathspec file, and
    # 100,000 paths exceed the system's limit on a command line.
    folders = sorted({repo.relative(p.parent) for p in paths})
    _, out, _ = repo.run("--literal-pathspecs", "ls-files", "-z", "--",
                         *[f"{folder}/" if folder != "." else "." for folder in folders],
                         check=False)
    known = set(out.split("\0"))
    return [p for p in paths if repo.relative(p) not in known]


def _current(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _digest_or_none(data: bytes | None) -> str | None:
    return None if data is None else journal.digest(data)


def _refusal(output: str, status: int) -> str:
    reason = first_lines(output)
    if not reason:
        return f"git did not commit (exit {status}) and said nothing; nothing was written"
    return f"git did not commit: {reason}; nothing was written"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[list[int]]:
    """Hold ctrl+c back while files are written and committed, so an interrupt lands
    before or after the commit, never in the middle (the main thread only: signals are
    delivered there). The list is non-empty if one arrived."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)
