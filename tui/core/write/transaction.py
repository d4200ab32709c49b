"""The write transaction: the one way anything afi does changes a plan.

Every writer (`Change` for the command line, the UI and scripts; `afi commit`; both
importers; `init`; `setup`; `board mark`; `resolve`; the commits `sync` makes) runs

    with transaction(repo, "afi set") as txn:
        ...                       # read the files under the lock, decide what to write
        txn.commit(writes, message)

and nothing else calls the steps below it (tests/test_architecture.py holds to that):

1. the plan's write lock (write_lock.py), held by every git command that changes the
   plan too, so an orphaned git keeps it until it ends;
2. recovery of an interrupted change (commit.recover: journal) or sync (sync_recovery);
3. the repository is ready (no merge or rebase of someone else's, an identity): the
   warnings are kept in `txn.warnings` for the writer to show;
4. validation of what is written (each item file against the plan.toml it will be
   committed with) and of the whole plan where a rule crosses files (a plan.toml that
   changes must leave every item valid: an inspection or board they name removed);
5. the durable write, the commit and its outcome read from HEAD (commit.commit_files).

The message is built by the writer from the field-level difference (messages.py), the
same function `afi check --commits` uses on the result.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.core.errors import InvalidItem, Problem
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import Commit, GitRepo
    from tui.core.model.items import PlanConfig
    from tui.core.write.commit import FileWrite


SYNC_WAIT = 120.0  # seconds a command waits for a running `afi sync` before reading


class Transaction:
    """What a writer may do while it holds the plan: commit files, run git commands that
    change the repository (a rebase, a tag) with the lock passed on to them."""

    def __init__(self, repo: GitRepo):
        self.repo = repo
        self.warnings: list[str] = []

    def commit(self, writes: list[FileWrite], message: str,
               checked: frozenset[Path] | set[Path] = frozenset()) -> Commit:
        """Validate `writes`, then write and commit them as one commit. `checked`: item
        files the writer has already validated under this lock against the plan.toml
        being committed (a bulk edit validates as it replays)."""
        from tui.core.write.commit import commit_files

        validate_writes(writes, checked)
        return commit_files(self.repo, writes, message)


@contextmanager
def transaction(repo: GitRepo, purpose: str = "", ready: bool = True,
                timeout: float | None = None) -> Iterator[Transaction]:
    """Hold the plan for a writer: lock, recovery, readiness (with `ready`)."""
    from tui.core.write.lock import plan_lock

    with plan_lock(repo.git_dir, purpose, timeout=timeout):
        txn = Transaction(repo)
        txn.warnings += recover_all(repo)
        if ready:
            txn.warnings += repo.check_ready()
        yield txn


def repository_ready(repo: GitRepo) -> list[str]:
    """Step 3 alone, for a writer that holds the plan already (sync, between steps)."""
    return repo.check_ready()


def recover_all(repo: GitRepo) -> list[str]:
    """Finish or undo what a writer that died left: afi's own sync first (it may hold a
    rebase), then a journalled change. Lines saying what was done. The lock is held."""
    from tui.core.write.commit import recover
    from tui.core.write.sync_recovery import recover_sync

    notes = []
    if note := recover_sync(repo):
        notes.append(note)
    if note := recover(repo):
        notes.append(note)
    return notes


def recover_interrupted(plan_dir: Path) -> str | None:
    """For every command, reads included: put the plan back into a committed state if a
    writer died in the middle (a journal or an unfinished sync of afi's). Costs a few
    stats when there is nothing to do; leaves it for later while a writer holds the
    lock (it, or a git it started, is still at work)."""
    from tui.core.store.reading import find_git_dir

    git_dir = find_git_dir(plan_dir)
    if git_dir is None or not pending(git_dir) or os.environ.get("AFI_INSIDE_WRITER"):
        return None  # (run by a hook of afi's own git: the writer is at work)
    from tui.core.git.repo import GitRepo
    from tui.core.write.lock import LockTimeout, is_locked, plan_lock
    from tui.core.write.sync_recovery import sync_running

    wait = None
    if is_locked(git_dir):
        if sync_running(git_dir):
            wait = SYNC_WAIT  # a sync at work: the plan is half-rebased until it ends
        elif not _orphaned(git_dir):
            return None  # a writer at work: its journal is its own
        # else the writer died and a git it started still runs: wait for it, then judge
    try:
        with plan_lock(git_dir, "recovering an interrupted change", timeout=wait):
            return "; ".join(recover_all(GitRepo.find(plan_dir))) or None
    except LockTimeout:
        return None  # still at work: the next command looks again


def _orphaned(git_dir: Path) -> bool:
    """The journal's writer is dead (a git it started holds the lock it passed on)."""
    from tui.core.write import journal

    left = journal.read(git_dir)
    if left is None or not left.pid or os.name != "posix":
        return False  # (os.kill on Windows ends a process: never probe there)
    try:
        os.kill(left.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    try:  # killed but not yet reaped (its parent gone too): a zombie is dead
        with open(f"/proc/{left.pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def pending(git_dir: Path) -> bool:
    """A journal, or a sync of afi's that may not have finished, waits to be looked at
    (stats only: `afi list` pays for no import here)."""
    from tui.core.store.reading import journal_path

    journal = journal_path(git_dir)
    return any(path.exists() for path in (journal, journal.with_name("journal.abandoned.json"),
                                          journal.with_name("sync.json")))


# -- validation ---------------------------------------------------------------------------
def validate_writes(writes: list[FileWrite], checked: frozenset[Path] | set[Path]) -> None:
    """Each item file written must pass the rules of the plan.toml it is committed with;
    a plan.toml written must leave every item of the plan valid. InvalidItem otherwise:
    nothing is written."""
    from tui.core.model.validate import check_item
    from tui.core.store.reading import config_from_text, parse_text

    problems: list[Problem] = []
    plan_writes = {w.path.parent: w for w in writes if w.path.name == PLAN_FILE}
    configs: dict[Path, PlanConfig | None] = {}

    def config_of(plan_dir: Path) -> PlanConfig | None:
        if plan_dir not in configs:
            write = plan_writes.get(plan_dir)
            path = plan_dir / PLAN_FILE
            text = write.new if write is not None else _read_or_none(path)
            if text is None:
                configs[plan_dir] = None
            else:
                config, found, readable = config_from_text(path, text)
                if write is not None:
                    problems.extend(found)
                configs[plan_dir] = config if readable else None
        return configs[plan_dir]

    written = {w.path for w in writes}
    for write in writes:
        if write.new is None or write.path in checked or not _is_item(write.path):
            continue
        config = config_of(write.path.parent.parent)
        data, found = parse_text(write.path, write.new)
        problems += found
        if data is not None and config is not None:
            problems += _located(write.path, write.new,
                                 check_item(data, write.path.stem, config))
    for plan_dir, write in plan_writes.items():
        config = config_of(plan_dir)
        if config is None or write.new is None:
            continue
        before = config_from_text(write.path, write.original)[0] \
            if write.original is not None else None
        for path in sorted((plan_dir / ITEMS_DIR).glob("*.toml")):
            if path in written:
                continue
            text = _read_or_none(path)
            data = parse_text(path, text)[0] if text is not None else None
            if text is None or data is None \
                    or (before is not None and check_item(data, path.stem, before)):
                continue  # unreadable, or invalid already: not this change's doing
            problems += [Problem(path, p.line, f"{p.message} (with the new {PLAN_FILE})")
                         for p in _located(path, text, check_item(data, path.stem, config))]
    if problems:
        raise InvalidItem(problems)


def _is_item(path: Path) -> bool:
    return path.parent.name == ITEMS_DIR and path.suffix == ".toml"


def _located(path: Path, text: str, found: list[tuple[tuple[Any, ...], str]]) -> list[Problem]:
    from tui.core.model import locate

    return [Problem(path, locate.line_of(text, key), message) for key, message in found]


def _read_or_none(path: Path) -> str | None:
    from tui.core.store.reading import read_text

    try:
        return read_text(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
