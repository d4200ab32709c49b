"""The write-ahead journal of a change, so that a crash never leaves the plan half-written.

Before afi touches a file it records, in the git directory, which files it will write,
what each held before, a digest of what it will hold, and the commit message. The
journal is removed once the commit is made (or the change is undone). If afi dies in
between (kill -9, power loss), the next afi command finds the journal and puts the plan
back into a committed state: see `commit.recover`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from tui.core.model.record import Record
from tui.core.store.reading import journal_path

VERSION = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# path: relative to the repository root; original: the text before (None: the file did
# not exist); new_digest: sha256 of the bytes afi writes (None: afi deletes the file).
class JournalFile(Record):
    path: str  # relative to the repository root
    original: str | None
    new_digest: str | None


class Journal(Record):
    """head: HEAD when the change started; abandoned: the change failed and was reported
    so: it may be undone, never committed."""

    head: str | None
    message: str
    files: tuple[JournalFile, ...]
    pid: int = 0
    abandoned: bool = False

    def to_json(self) -> str:
        return json.dumps({"version": VERSION, "pid": self.pid, "head": self.head,
                           "message": self.message,
                           "files": [f._asdict() for f in self.files]}, ensure_ascii=True)


def temp_name(path: Path) -> Path:
    """Where a file's new text is written before it is renamed over the file. One name
    per file (only the lock holder writes), so recovery knows every temp file."""
    return path.with_name(f".{path.name}.afi-tmp")


def kept_name(path: Path) -> Path:
    """Where the file as it was is kept (a hard link) until the change is committed."""
    return path.with_name(f".{path.name}.afi-old")


def abandoned_path(git_dir: Path) -> Path:
    return journal_path(git_dir).with_name("journal.abandoned.json")


def write(git_dir: Path, journal: Journal) -> None:
    """Durably record the journal: temp file, fsync, rename, fsync the folder. A temp
    file is never left behind."""
    write_durably(journal_path(git_dir), journal.to_json())


def write_durably(target: Path, text: str, temp: Path | None = None) -> None:
    """`text` into `target` so that a crash leaves the old file or the new one, never
    half of either: a temp file beside it (`temp`, else TARGET.tmp), fsync, rename, the
    folder synced; the temp file goes when the write dies. Line endings are written as
    the text holds them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp or target.with_suffix(".tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    sync_folder(target.parent)


def abandon(git_dir: Path) -> None:
    """Mark the journal's change as failed: a rename (no space needed), after which
    recovery only ever undoes it."""
    with contextlib.suppress(FileNotFoundError):
        os.replace(journal_path(git_dir), abandoned_path(git_dir))
        sync_folder(journal_path(git_dir).parent)


def read(git_dir: Path) -> Journal | None:
    """The journal left by an unfinished change, or None. A journal that cannot be read
    was never completely written (it is renamed into place whole), so no file was
    touched yet: it is dropped."""
    target = journal_path(git_dir)
    abandoned = not target.exists() and abandoned_path(git_dir).exists()
    if abandoned:
        target = abandoned_path(git_dir)
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
        files = tuple(JournalFile(f["path"], f["original"], f["new_digest"])
                      for f in raw["files"])
        return Journal(raw["head"], raw["message"], files, raw.get("pid", 0), abandoned)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        clear(git_dir)
        return None


def exists(git_dir: Path) -> bool:
    return journal_path(git_dir).exists() or abandoned_path(git_dir).exists()


def clear(git_dir: Path) -> None:
    target = journal_path(git_dir)
    for path in (target, target.with_suffix(".tmp"), abandoned_path(git_dir)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def sync_folder(folder: Path) -> None:
    """fsync a folder so a rename in it survives power loss (no-op where unsupported)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
