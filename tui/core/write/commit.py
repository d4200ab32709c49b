"""Writing files and committing them: the lowest step of the write transaction.

Only `transaction.py` calls this module: it holds the plan's write lock and has
validated the change. `commit_files` journals the change, writes the files atomically,
runs `git commit`, and then asks git what happened: the change counts as committed only
if HEAD moved to a commit holding exactly the bytes afi wrote. Otherwise every file that
still holds what afi wrote is put back, and nothing else is touched.

A file someone else changes while afi writes is never overwritten: right before each
file is replaced afi checks it still holds what afi read, and the old file is kept as a
hard link (no disk space needed) until the commit is made, so its content, with any edit
written into it meanwhile, can always be put back. `recover` finishes or undoes a change
whose process died in the middle (journal.py); a change that failed is marked abandoned
first, so it is never committed later.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from tui.core.errors import AfiError, ChangedMeanwhile, GitError, InvalidValue
from tui.core.git import revs, worktree
from tui.core.git.repo import Commit, GitRepo, first_lines
from tui.core.model.record import Record
from tui.core.safe_text import not_utf8
from tui.core.store.reading import link_message
from tui.core.write import journal

_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP,
             getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}


_BOM = b"\xef\xbb\xbf"


class FileWrite(Record):
    """One file of a commit: what it held when read under the lock, and what it is to
    hold (None: deleted). A file that already holds `new` is committed, not written.
    in_head: is it in HEAD already? None: ask git (`git add` what is new)."""

    path: Path
    original: str | None
    new: str | None
    in_head: bool | None = None

    @property
    def new_bytes(self) -> bytes | None:
        return None if self.new is None else self.new.encode("utf-8")


def commit_files(repo: GitRepo, writes: list[FileWrite], message: str) -> Commit:
    """Write and commit `writes` as one commit with `message` (kept verbatim); returns
    the commit as git recorded it. Raises GitError (or ChangedMeanwhile, naming the file
    someone else changed), with every file of afi's put back, when git made no such
    commit. The caller holds the plan lock."""
    head = repo.head_sha()
    relative = {w.path: repo.relative(w.path) for w in writes}
    for write in writes:  # the checks of values refuse these first; no file can hold them
        if not_utf8(write.new or ""):
            raise InvalidValue(f"{relative[write.path]}: a value is not UTF-8 text; nothing "
                               "was written")
    if not_utf8(message):
        raise InvalidValue("the commit message is not UTF-8 text; nothing was written")
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
    kept: dict[Path, tuple[int, int] | None] = {}  # file -> stat of the old file, kept
    with _sigint_deferred() as interrupted:
        try:
            _write_files(to_write, kept)
            written = {id(w) for w in to_write}
            _check_unwritten([w for w in writes if id(w) not in written])
            status, output = repo.commit([w.path for w in writes], message, new_paths=added)
            commit = repo.committed_since(head, {relative[w.path]: w.new_bytes
                                                 for w in writes})
            changed = _changed_meanwhile(writes, to_write, kept)
            if changed is None and commit is None and _own_commit(repo, head, message):
                # git committed, but not the bytes afi wrote: someone wrote a file while
                # git read it.
                changed = next((w.path for w in writes if _current(w.path) != w.new_bytes),
                               writes[0].path)
            # Taken back unless git's commit can no longer be (something committed on
            # top of it): then HEAD stands, and so do the files it holds.
            if changed is not None:
                taken = _take_back(repo, head, _own_commit(repo, head, message),
                                   list(relative.values()))
                if taken or commit is None:
                    raise ChangedMeanwhile(_meanwhile_message(changed))
        except BaseException as error:
            commit = None if isinstance(error, ChangedMeanwhile) else \
                _committed_anyway(repo, head, writes, relative)
            if commit is None:
                _abandon(repo, to_write, added)
                raise
            status, output = 1, ""
        if commit is None:
            _abandon(repo, to_write, added)
            if interrupted:
                raise KeyboardInterrupt
            raise GitError(_refusal(output, status))
        if status != 0:  # git was stopped after it moved HEAD: its index may be stale
            repo.sync_index(list(relative.values()))
        _drop_kept(kept)
        journal.clear(repo.git_dir)
    repo.refresh_commit_graph()
    return commit


def _abandon(repo: GitRepo, written: list[FileWrite], added: list[Path]) -> None:
    """A change that failed: mark its journal abandoned first (a rename, which needs no
    space), so that it is never committed later, then put afi's own writes back."""
    journal.abandon(repo.git_dir)
    _undo(repo, written, added)
    journal.clear(repo.git_dir)


def _check_unwritten(writes: list[FileWrite]) -> None:
    """A file committed as it is (already holding what afi would write) must still hold
    it: someone may have changed it since afi read it."""
    for write in writes:
        if _current(write.path) != write.new_bytes:
            raise ChangedMeanwhile(_meanwhile_message(write.path))


def _changed_meanwhile(writes: list[FileWrite], written: list[FileWrite],
                       kept: dict[Path, tuple[int, int] | None]) -> Path | None:
    """The first file someone else changed while afi wrote and committed: one replaced
    after afi wrote it, or the old file (kept as a link) written into in place."""
    for write in written:
        if write.path in kept and _stat_of(journal.kept_name(write.path)) != kept[write.path]:
            return write.path
    for write in writes:
        if _current(write.path) != write.new_bytes:
            return write.path
    return None


def _own_commit(repo: GitRepo, head: str | None, message: str) -> str | None:
    """HEAD, if it is a commit afi just made on `head` with `message`."""
    now = repo.head_sha()
    if now is None or now == head:
        return None
    found = revs.parents_and_message(repo, now)
    if found is None or found[0] != ([head] if head else []):
        return None
    body = found[1]
    return now if body.rstrip("\n") == message.rstrip("\n") else None


def _take_back(repo: GitRepo, head: str | None, sha: str | None, paths: list[str]) -> bool:
    """Undo a commit afi made of files someone else changed meanwhile: HEAD back to
    `head` (the commit is afi's own, made a moment ago, never pushed), index in step.
    False if it cannot be (not afi's commit, or the first of the branch)."""
    if sha is None or head is None or repo.head_sha() != sha:
        return False
    revs.update_ref(repo, "HEAD", head, sha,
                    "afi: a file changed while afi committed; commit taken back")
    repo.sync_index(paths)
    return True


def _meanwhile_message(path: Path) -> str:
    return (f"{path} was changed by someone else while afi was writing: afi put back its "
            "own writes and committed nothing (that edit is kept as it is); running the "
            "command again is safe")


def recover(repo: GitRepo) -> str | None:
    """Finish or undo a change left by a process that died; a line saying what was done,
    or None if there was nothing to do. The caller holds the plan lock."""
    left = journal.read(repo.git_dir)
    if left is None:
        return None
    subject = left.message.split("\n", 1)[0]
    try:
        repo.wait_for_index_lock()  # a git the dead afi started may still be finishing
    except GitError:
        # git may still be committing it: judging now could undo what it then commits.
        return (f"an interrupted change ({subject}) may still be being committed by git "
                f"({repo.git_dir / 'index.lock'} exists): left for the next afi command")
    paths = {f.path: repo.root / f.path for f in left.files}
    try:
        return _recover(repo, left, subject, paths)
    finally:
        _drop_kept(paths.values())


def _recover(repo: GitRepo, left: journal.Journal, subject: str,
             paths: dict[str, Path]) -> str:
    on_disk = {f.path: _current(paths[f.path]) for f in left.files}
    holds_new = {f.path: _digest_or_none(on_disk[f.path]) == f.new_digest for f in left.files}
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
        if repo.head_sha() == left.head and not left.abandoned:
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


def _write_files(writes: list[FileWrite], kept: dict[Path, tuple[int, int] | None]) -> None:
    """Atomic replacement of each file: temp file beside it, then one rename each. One
    `os.sync()` for a batch instead of an fsync per file (a 1,000-item change would spend
    a second in fsync); the journal covers a crash in between. Right before a file is
    replaced it must still hold what afi read (else ChangedMeanwhile); the old file is
    kept as a hard link (`kept`: its stat then) to put back if the change fails."""
    current: Path | None = None  # the file being written: a full disk names none
    try:
        for write in writes:
            if write.new is not None:
                current = write.path
                _write_temp(write.path, write.new, sync=len(writes) == 1)
        current = None
        if len(writes) > 1:
            os.sync()
        for write in writes:
            current = write.path
            _still_as_read(write)
            if write.original is not None:
                kept[write.path] = _keep(write.path)
                _still_as_read(write)  # written between the check and the link?
            if write.new is None:
                write.path.unlink(missing_ok=True)
            else:
                os.replace(journal.temp_name(write.path), write.path)
        folders = {w.path.parent for w in writes}
        for folder in folders:
            current = folder
            journal.sync_folder(folder)
    except OSError as err:
        for write in writes:
            with contextlib.suppress(OSError):
                journal.temp_name(write.path).unlink()
        raise AfiError(f"cannot write {err.filename or current or 'the plan'}: "
                       f"{err.strerror}; afi put back what it had written and committed "
                       "nothing") from None


def _still_as_read(write: FileWrite) -> None:
    """The file still holds, byte for byte, what afi read (and based its change on; a
    byte-order mark the reader took off aside)."""
    current = _current(write.path)
    read = None if write.original is None else write.original.encode("utf-8")
    if current != read and (current is None or read is None or
                            current.removeprefix(_BOM) != read.removeprefix(_BOM)):
        raise ChangedMeanwhile(_meanwhile_message(write.path))


def _keep(path: Path) -> tuple[int, int] | None:
    """Keep the file as it is now under a second name (a hard link: no copy, no space):
    the undo puts it back with one rename. Returns its stat, to notice a write into it."""
    kept = journal.kept_name(path)
    kept.unlink(missing_ok=True)
    try:
        os.link(path, kept)
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
        return None  # a file system without hard links: the undo writes the text back
    return _stat_of(kept)


def _stat_of(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _drop_kept(kept: Iterable[Path]) -> None:
    for path in kept:
        with contextlib.suppress(OSError):
            journal.kept_name(path).unlink()


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
        with contextlib.suppress(OSError):
            journal.kept_name(write.path).unlink()
    repo.unstage_new(added)


def _restore(path: Path, original: str | None) -> None:
    """Put the file back as it was: the kept link when there is one (a rename: it works
    on a full disk, and keeps an edit written into the old file meanwhile), else its
    text."""
    kept = journal.kept_name(path)
    if original is None:
        path.unlink(missing_ok=True)
    elif os.path.lexists(kept):
        os.replace(kept, path)
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
    known = worktree.tracked_files(repo, folders)
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
