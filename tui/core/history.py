"""History from git: which commits touched an item, and which fields each one changed.

Which commits touched an item comes from the history index (history_index.py), or from
git's own walk until that index exists. One `git log --raw` call names the blobs before
and after each commit; one `git cat-file --batch` reads them all; `tomllib` compares
them field by field.
"""

from __future__ import annotations

import itertools
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .gitrepo import Commit, GitRepo
from .history_index import HistoryIndex
from .store import ITEMS_DIR, PLAN_FILE

HISTORY_BATCH = 200  # commits whose blobs are read in one `git cat-file --batch`


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    path: str
    fields: tuple[str, ...]  # changed top-level keys; ("created",) or ("deleted",)


@dataclass(frozen=True)
class HistoryEntry:
    commit: Commit
    changes: tuple[ItemChange, ...]


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[str, ...]:
    """Top-level keys whose value differs, in the new file's order then removed ones."""
    if old is None and new is None:
        return ()
    if old is None:
        return ("created",)
    if new is None:
        return ("deleted",)
    keys = list(new) + [k for k in old if k not in new]
    return tuple(k for k in keys if old.get(k) != new.get(k))


def _parse(blob: bytes | None) -> dict[str, Any] | None | str:
    if blob is None:
        return None
    try:
        return tomllib.loads(blob.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return "unparseable"


def _entries(repo: GitRepo, commits: list[Commit], wanted) -> list[HistoryEntry]:
    blobs = repo.read_blobs(sha for c in commits for f in c.files if wanted(f.path)
                            for sha in (f.old_blob, f.new_blob))
    entries = []
    for commit in commits:
        changes = []
        for change in commit.files:
            if not wanted(change.path):
                continue
            old = _parse(blobs.get(change.old_blob)) if change.old_blob else None
            new = _parse(blobs.get(change.new_blob)) if change.new_blob else None
            if "unparseable" in (old, new):
                fields: tuple[str, ...] = ("unparseable",)
            else:
                fields = changed_fields(old, new)  # type: ignore[arg-type]
            changes.append(ItemChange(PurePosixPath(change.path).stem, change.path, fields))
        entries.append(HistoryEntry(commit, tuple(changes)))
    return entries


def item_history(repo: GitRepo, path: Path) -> list[HistoryEntry]:
    """Every commit that touched one item's file, newest first, followed back past the
    commits that renamed it (`git mv`)."""
    known = None if os.environ.get("AFI_NO_CACHE") else \
        HistoryIndex(repo, path.parent).commits_for(path)
    if known is None:  # no index yet: git's own walk
        commits = _walk_following_renames(repo, repo.relative(path))
    else:
        shas, names = known
        commits = repo.log([repo.root / name for name in names], commits=shas, renames=True)
    names = {repo.relative(path)}
    for commit in commits:  # newest first: each rename adds the name the file had before
        names |= {f.old_path for f in commit.files if f.path in names and f.old_path}
    return _entries(repo, commits, names.__contains__)


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


def plan_history(repo: GitRepo, plan_dir: Path,
                 since: str | None = None) -> Iterator[HistoryEntry]:
    """Commits touching the plan's items or plan.toml, newest first, yielded as git finds
    them (in batches, one `cat-file` each) so a long history starts printing at once."""
    base = repo.relative(plan_dir)
    prefix = "" if base in ("", ".") else base + "/"

    def wanted(path: str) -> bool:
        if path == f"{prefix}{PLAN_FILE}":
            return True
        rest = path[len(prefix):] if path.startswith(prefix) else None
        return rest is not None and rest.startswith(f"{ITEMS_DIR}/") and \
            rest.count("/") == 1 and rest.endswith(".toml")

    commits = repo.iter_log([plan_dir], since=since)
    while batch := list(itertools.islice(commits, HISTORY_BATCH)):
        yield from _entries(repo, batch, wanted)
