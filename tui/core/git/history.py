"""History: which commits touched an item or the plan, and which fields each one changed.

It comes from the history index (history_index.py) when that is current: no git process
at all. Until the index exists (it builds in the background on a long history), git
answers: one `git log --raw` names the blobs before and after each commit, one `git
cat-file --batch` reads them, and the same field comparison is made. Both give the same
entries.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath

from tui.core.git.history_index import (
    UNPARSEABLE,
    CommitInfo,
    HistoryIndex,
    IndexDamaged,
    PathChange,
    changed_fields,
    parse_blob,
)
from tui.core.git.repo import Commit, GitRepo
from tui.core.model.record import Record
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE

HISTORY_BATCH = 200  # commits whose blobs are read in one `git cat-file --batch`

__all__ = ["HistoryEntry", "ItemChange", "changed_fields", "item_history", "plan_history"]


# fields: the changed top-level keys; ("created",) or ("deleted",). (Named tuples, not
# dataclasses: `dataclasses` costs `afi log` 5 ms to import.)
class ItemChange(Record):
    item_id: str
    path: str
    fields: tuple[str, ...]


class HistoryEntry(Record):
    commit: Commit
    changes: tuple[ItemChange, ...]


def item_history(repo: GitRepo, path: Path) -> list[HistoryEntry]:
    """Every commit that touched one item's file, newest first, followed back past the
    commits that renamed it (`git mv`)."""
    index = _index(repo, path.parent.parent)
    try:
        indexed = index.changes_for(path) if index is not None else None
    except IndexDamaged:
        indexed = None
    if indexed is not None:
        return [HistoryEntry(_commit(info), (_item_change(change),))
                for info, change in indexed]
    commits = _walk_following_renames(repo, repo.relative(path))
    names = {repo.relative(path)}
    for commit in commits:  # newest first: each rename adds the name the file had before
        names |= {f.old_path for f in commit.files if f.path in names and f.old_path}
    return _entries(repo, commits, names.__contains__)


def since_commit(repo: GitRepo, since: str) -> str | None:
    """The commit a `--since` (a date, a board, last-board or a revision, as
    boards.find_revision reads it) starts after; None: from the first commit."""
    from tui.core.git.boards import find_revision

    return find_revision(repo, since, start_of_day=True).commit


def commits_since(repo: GitRepo, since: str) -> set[str]:
    """Ids of the commits after `since` (as `since_commit` reads it), up to HEAD."""
    return repo.commits_after(since_commit(repo, since))


def plan_history(repo: GitRepo, plan_dir: Path,
                 since: str | None = None) -> Iterator[HistoryEntry]:
    """Commits touching the plan's items or plan.toml, newest first. From the index when
    it is current; else as git finds them, in batches (a long history starts at once)."""
    after = since_commit(repo, since) if since else None
    only = repo.commits_after(after) if since else None
    index = _index(repo, plan_dir)
    if index is not None and index.refresh():
        try:
            records = list(index.newest_first(only))
        except IndexDamaged:
            records = None
        if records is not None:
            for info, changes in records:
                yield HistoryEntry(_commit(info), tuple(_item_change(c) for c in changes))
            return
    base = repo.relative(plan_dir)
    prefix = "" if base in ("", ".") else base + "/"

    def wanted(path: str) -> bool:
        if path == f"{prefix}{PLAN_FILE}":
            return True
        rest = path[len(prefix):] if path.startswith(prefix) else None
        return rest is not None and rest.startswith(f"{ITEMS_DIR}/") and \
            rest.count("/") == 1 and rest.endswith(".toml")

    commits = repo.iter_log([plan_dir], after=after)
    while batch := list(itertools.islice(commits, HISTORY_BATCH)):
        yield from _entries(repo, batch, wanted)


def _index(repo: GitRepo, plan_dir: Path) -> HistoryIndex | None:
    return None if os.environ.get("AFI_NO_CACHE") else HistoryIndex(repo, plan_dir)


def _commit(info: CommitInfo) -> Commit:
    return Commit(info.sha, info.parents, info.author, info.email,
                  datetime.fromisoformat(info.date), info.subject, info.body)


def _item_change(change: PathChange) -> ItemChange:
    return ItemChange(change.item_id, change.path, change.fields)


def _entries(repo: GitRepo, commits: list[Commit],
             wanted: Callable[[str], bool]) -> list[HistoryEntry]:
    blobs = repo.read_blobs(sha for c in commits for f in c.files if wanted(f.path)
                            for sha in (f.old_blob, f.new_blob))
    entries = []
    for commit in commits:
        changes = []
        for change in commit.files:
            if not wanted(change.path):
                continue
            old = parse_blob(blobs.get(change.old_blob)) if change.old_blob else None
            new = parse_blob(blobs.get(change.new_blob)) if change.new_blob else None
            if UNPARSEABLE in (old, new):
                fields: tuple[str, ...] = (UNPARSEABLE,)
            else:
                fields = changed_fields(old, new)
            changes.append(ItemChange(PurePosixPath(change.path).stem, change.path, fields))
        entries.append(HistoryEntry(commit, tuple(changes)))
    return entries


def _walk_following_renames(repo: GitRepo, path: str) -> list[Commit]:
    """`git log --follow`, done by hand: `--follow` turns off git's changed-path filters
    (0.85 s instead of 0.1 s on 10,000 commits). Walk the path; where its oldest commit
    created it, ask that commit alone whether it was a rename, and go on from its parent
    with the old name."""
    commits: list[Commit] = []
    seen = [path]
    revisions: list[str] = []
    while True:
        batch = list(repo.iter_log([repo.root / path], revisions=revisions))
        commits += batch
        created = batch and any(f.path == path and f.old_blob is None for f in batch[-1].files)
        if not created:
            return commits
        oldest = batch[-1]
        origin = repo.renames_in(oldest.sha, path.rpartition("/")[0] or ".").get(path)
        if origin is None or origin in seen or not oldest.parents:
            return commits
        # Read the renaming commit again with both names, so it shows as a rename.
        commits[-1] = repo.log([repo.root / path, repo.root / origin], commits=[oldest.sha],
                               renames=True)[0]
        seen.append(origin)
        path, revisions = origin, [oldest.parents[0]]
