"""A plan's history, indexed in `.git/afi`: which commits changed each file and what each
commit changed, field by field. `afi log`, the board pack's "changes since", original due
dates and the monthly progress read it instead of re-diffing history.

`git log -- FILE` walks every commit. Its changed-path Bloom filters skip most of them,
but about 1% are false positives and each costs a full diff of the items folder: 0.12 s at
10,000 items and 10,000 commits, and a whole-plan log must diff every commit (13 s). This
index keeps, for the plan's items folder and plan.toml, every commit that touched them
(author, date, message) and, per changed file, its changed fields, the old and new values
of the fields boards follow (status, due, owner, lead, area, closure), the progress
updates and evidence it added, and the status after it. It is keyed on HEAD:

- HEAD unchanged: used as it is (no git process at all);
- HEAD moved forward (an afi commit, a pull): the new commits are added from one short
  `git log OLD..HEAD` and the blobs they touched;
- history rewritten (amend, rebase, reset) or no index yet: rebuilt. A rebuild diffs and
  parses every commit (about 10 s at 10,000 x 10,000), so when it would be slow it runs in
  a background process at the lowest priority and the caller asks git meanwhile.

It lists exactly the commits `git log -- <folder> <plan.toml>` reports, merges included
when they resolved a file differently from every parent (`-c`), and records renames
(`git mv`), so an item's history goes on past the commit that renamed its file.

Its files are laid out so that `afi log ID` reads little: meta.pickle (HEAD, the commits
in order, renames), `paths-NN.pickle` (each file's commits, by a crc of its path) and
`<xx>.pickle` (the records of commits whose id starts with xx). Records are stored as
plain tuples and made into CommitInfo and PathChange only when used; a commit with more
than BIG_COMMIT changes (the one that created 10,000 items) keeps them in parts by path
shard, each pickled on its own, so `afi log ID` decodes the part with its file only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from tui.core.errors import GitError
from tui.core.git import revs
from tui.core.git.item_changes import (  # noqa: F401 - the index's records, re-exported
    TRACKED as TRACKED,
)
from tui.core.git.item_changes import (
    UNPARSEABLE as UNPARSEABLE,
)
from tui.core.git.item_changes import (
    CommitInfo as CommitInfo,
)
from tui.core.git.item_changes import (
    PathChange as PathChange,
)
from tui.core.git.item_changes import (
    changed_fields as changed_fields,
)
from tui.core.git.item_changes import (
    parse_blob as parse_blob,
)
from tui.core.git.item_changes import (
    path_change as path_change,
)
from tui.core.git.repo import Commit, GitRepo
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.store.cache_files import load_part, load_pickle, save_pickle
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE

INDEX_VERSION = 7  # raised whenever what is stored changes shape (7: records unpickle in C)
SHARD_CHARS = 2  # commit records are kept in files by the first hex digits of their id
PATH_SHARDS = 64  # each path's commits are kept in one of this many files
BIG_COMMIT = 256  # changes; a bigger commit's are stored in parts by path shard
CATCH_UP_LIMIT = 2_000  # new commits added in the foreground; more goes to the background
FOREGROUND_COST = 2_000_000  # commits x files a rebuild may diff in the foreground (~0.2 s)
STALE_BUILD_SECONDS = 600  # a build lock older than this belonged to a crashed builder
BLOB_BATCH = 500  # commits whose blobs are read in one `git cat-file --batch`


class IndexDamaged(Exception):
    """A record the index names is missing from its files (a torn write): the caller asks
    git instead, and the index is rebuilt next time."""


TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from typing import Any

class HistoryIndex:
    """The indexed history of one plan folder (its items and plan.toml)."""

    progress: Progress = NO_PROGRESS  # told of a long build (set by whoever waits on it)

    def __init__(self, repo: GitRepo, plan_dir: Path):
        self.repo = repo
        self.items = repo.relative(plan_dir / ITEMS_DIR)
        self.plan_file = repo.relative(plan_dir / PLAN_FILE)
        # A name, not a check (the index records its scope): crc32, as zlib is loaded
        # anyway, where hashlib would cost `afi log` 2 ms to import.
        key = f"{zlib.crc32(self.items.encode()):08x}"
        # meta.pickle: HEAD, order, paths, renames; <xx>.pickle: the records of commits
        # whose id starts with xx, so `afi log ID` reads a few small files, not all.
        self.folder = repo.git_dir / "afi" / f"history-{key}"
        self.file = self.folder / "meta.pickle"
        self.lock = self.folder.with_suffix(".building")
        self.head: str | None = None
        self.order: list[str] = []  # commits, oldest first
        self.renames: dict[str, list[tuple[str, str]]] = {}  # new path -> (commit, old path)
        self._paths: dict[int, dict[str, list[str]]] = {}  # shard -> path -> commits, newest first
        # as stored
        self._records: dict[str, tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]] = {}
        self._loaded: set[str] = set()  # shards read
        self._dirty: set[str] = set()  # shards to write
        self._dirty_paths: set[int] = set()
        self._rank: dict[str, int] | None = None

    # -- reading ------------------------------------------------------------------------------
    def commits_for(self, path: Path) -> tuple[list[str], list[str]] | None:
        """Commits that changed `path` (newest first), following renames back, and every
        path the file had; None when the index cannot say yet (then a background build
        has been started and the caller asks git directly)."""
        if not self.refresh():
            return None
        commits: list[str] = []
        names: list[str] = []
        self._follow(self.repo.relative(path), None, commits, names)
        rank = self.rank
        return sorted(set(commits), key=lambda sha: -rank.get(sha, -1)), names

    def changes_for(self, path: Path) -> list[tuple[CommitInfo, PathChange]] | None:
        """Each commit that changed the item at `path` with what it changed, newest first,
        across renames; None while the index is being built."""
        found = self.commits_for(path)
        if found is None:
            return None
        shas, names = found
        wanted = set(names)
        parts = {_path_shard(name) for name in names}
        return [(CommitInfo._make(info), PathChange._make(change)) for sha in shas
                for info, stored in [self._stored(sha)]
                for change in _unpacked(stored, parts) if change[0] in wanted]

    def newest_first(self, only: set[str] | None = None
                     ) -> Iterator[tuple[CommitInfo, tuple[PathChange, ...]]]:
        """Every indexed commit with its changes, newest first (only those in `only`)."""
        for sha in reversed(self.order):
            if only is None or sha in only:
                yield self.record(sha)

    def record(self, sha: str) -> tuple[CommitInfo, tuple[PathChange, ...]]:
        """A commit's metadata and its changes to the plan."""
        info, stored = self._stored(sha)
        return CommitInfo._make(info), tuple(PathChange._make(c) for c in _unpacked(stored))

    def _stored(self, sha: str) -> tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]:
        """A commit's record as stored: plain tuples in CommitInfo and PathChange order."""
        if sha not in self._records:
            shard = sha[:SHARD_CHARS]
            if shard not in self._loaded:
                stored = load_pickle(self.folder / f"{shard}.pickle")
                self._loaded.add(shard)
                if isinstance(stored, dict):
                    for key, value in stored.items():
                        self._records.setdefault(key, value)
            if sha not in self._records:  # a torn or missing shard: rebuild next time
                with contextlib.suppress(OSError):
                    self.file.unlink()
                raise IndexDamaged(f"history index shard {shard} lacks {sha}")
        return self._records[sha]

    @property
    def rank(self) -> dict[str, int]:
        """Commit -> its position, oldest first."""
        if self._rank is None:
            self._rank = {sha: n for n, sha in enumerate(self.order)}
        return self._rank

    def _follow(self, path: str, before: int | None, commits: list[str],
                names: list[str]) -> None:
        """Add `path`'s commits older than rank `before`, then those of the paths it was
        renamed from, each before its rename."""
        if path in names:
            return  # renamed back and forth: each name once
        names.append(path)
        rank = self.rank
        # Only commits the index has in order: a crash may leave newer ones in a path shard.
        commits += [sha for sha in self._paths_shard(path).get(path, ())
                    if sha in rank and (before is None or rank[sha] < before)]
        for sha, old in self.renames.get(path, ()):
            at = rank.get(sha, -1)
            if before is None or at < before:
                self._follow(old, at, commits, names)

    def _paths_shard(self, path: str) -> dict[str, list[str]]:
        """The commits of the paths in `path`'s shard (read on first use)."""
        shard = _path_shard(path)
        found = self._paths.get(shard)
        if found is None:
            found = load_part(self.folder / f"paths-{shard:02d}.pickle"
                              if self.head is not None else None, INDEX_VERSION, "paths")
            self._paths[shard] = found
        return found

    # -- keeping up with HEAD ---------------------------------------------------------------
    def refresh(self, *, background: bool = True) -> bool:
        """Bring the index up to HEAD if that is quick (or always, without `background`);
        True if it is now current."""
        head = self._head()
        if head is None:  # no commits yet
            self._reset(None)
            return True
        self._load()
        if self.head == head:
            return True
        if self.head is not None:
            behind, ahead = self._divergence(self.head, head)
            if behind == 0 and (ahead <= CATCH_UP_LIMIT or not background):
                self._add(self._scan(f"{self.head}..{head}"), head)
                self._save()
                return True
        if not background or self._rebuild_cost(head) <= FOREGROUND_COST:
            self.rebuild(head)
            return True
        self._start_background_build()
        return False

    def rebuild(self, head: str | None = None) -> None:
        head = head or self._head()
        self._reset(None)
        self._paths = {shard: {} for shard in range(PATH_SHARDS)}
        self._dirty_paths = set(range(PATH_SHARDS))  # every shard rewritten, empty or not
        if head is not None:
            self._add(self._scan(head), head)
        self._save()

    def _reset(self, head: str | None) -> None:
        self.head, self.order, self.renames = head, [], {}
        self._records, self._loaded, self._dirty, self._rank = {}, set(), set(), None
        self._paths, self._dirty_paths = {}, set()

    # -- git ----------------------------------------------------------------------------------
    def _head(self) -> str | None:
        try:
            return self.repo.head_sha()
        except GitError:
            return None

    def _divergence(self, old: str, new: str) -> tuple[int, int]:
        """(commits only in old, commits only in new): (0, n) means old is an ancestor."""
        try:
            return revs.divergence(self.repo, old, new)
        except GitError:  # the old head no longer exists
            return 1, 0

    def _rebuild_cost(self, head: str) -> int:
        commits = revs.count_commits(self.repo, head)
        try:
            files = sum(1 for _ in os.scandir(self.repo.root / self.items))
        except OSError:
            files = 0
        return commits * max(files, 1)

    def _scan(self, revisions: str) -> list[Commit]:
        """The commits in `revisions` that touched the plan, newest first."""
        progress = self.progress
        progress.start("Reading history", None)
        try:
            commits = []
            for commit in self.repo.iter_log([self.repo.root / self.items,
                                              self.repo.root / self.plan_file],
                                             revisions=[revisions], renames=True):
                commits.append(commit)
                progress.advance()
            return commits
        finally:
            progress.finish()

    def _in_scope(self, path: str) -> bool:
        if path == self.plan_file:
            return True
        folder, _, name = path.rpartition("/")
        return folder == self.items and name.endswith(".toml")

    def _add(self, newest_first: list[Commit], head: str) -> None:
        """Index commits newer than everything indexed so far: oldest first, so each
        file's previous version is at hand when the next change to it is diffed."""
        latest: dict[str, tuple[str | None, Any]] = {}  # path -> (blob, parsed)
        oldest_first = list(reversed(newest_first))
        self.progress.start("Indexing history", len(oldest_first))
        for start in range(0, len(oldest_first), BLOB_BATCH):
            batch = oldest_first[start:start + BLOB_BATCH]
            blobs = self.repo.read_blobs(
                b for c in batch for f in c.files if self._in_scope(f.path)
                for b in (f.old_blob, f.new_blob)
                if b and latest.get(f.old_path or f.path, (None,))[0] != b)
            for commit in batch:
                self._add_commit(commit, blobs, latest)
            self.progress.advance(len(batch))
        self.progress.finish()
        newer: dict[str, list[str]] = {}
        for commit in newest_first:
            for path, old_path, *_ in self._records[commit.sha][1]:
                newer.setdefault(path, []).append(commit.sha)
                if old_path is not None:
                    self.renames.setdefault(path, []).append((commit.sha, old_path))
        for path, shas in newer.items():
            known = self._paths_shard(path)  # read while self.head is the old HEAD
            added = set(shas)  # (a crash may have left some of them there already)
            known[path] = shas + [sha for sha in known.get(path, ()) if sha not in added]
            self._dirty_paths.add(_path_shard(path))
        self.head, self._rank = head, None

    def _add_commit(self, commit: Commit, blobs: dict[str, bytes],
                    latest: dict[str, tuple[str | None, Any]]) -> None:
        changes = []
        for file in commit.files:
            if not self._in_scope(file.path):
                continue
            old = _parsed(file.old_blob, blobs, latest.get(file.old_path or file.path))
            new = _parsed(file.new_blob, blobs, None)
            if file.old_path is not None:
                latest.pop(file.old_path, None)
            latest[file.path] = (file.new_blob, new)
            changes.append(tuple(path_change(file, old, new)))
        self.order.append(commit.sha)
        self._records[commit.sha] = (
            (commit.sha, commit.parents, commit.author_name, commit.author_email,
             commit.date.isoformat(), commit.subject, commit.body), tuple(changes))
        self._dirty.add(commit.sha[:SHARD_CHARS])

    # -- the file in .git/afi -----------------------------------------------------------------
    def _load(self) -> None:
        stored = load_pickle(self.file)
        self._reset(None)
        if isinstance(stored, dict) and stored.get("version") == INDEX_VERSION \
                and stored.get("scope") == (self.items, self.plan_file):
            self.head, self.order = stored["head"], stored["order"]
            self.renames = stored["renames"]
        # else: missing, torn or from another version: rebuilt from git

    def _save(self) -> None:
        """The touched shards first, then meta.pickle: a reader that sees the new HEAD
        finds every record it names (a crash in between leaves the old HEAD, and the
        shards' extra records, and path shards' commits beyond it, are never used)."""
        for path_shard in sorted(self._dirty_paths):
            save_pickle(self.folder / f"paths-{path_shard:02d}.pickle",
                        {"version": INDEX_VERSION, "paths": self._paths.get(path_shard, {})})
        self._dirty_paths.clear()
        for shard in sorted(self._dirty):
            if shard not in self._loaded:  # keep the records already stored there
                self._loaded.add(shard)
                stored = load_pickle(self.folder / f"{shard}.pickle")
                for key, value in (stored if isinstance(stored, dict) else {}).items():
                    self._records.setdefault(key, value)
            save_pickle(self.folder / f"{shard}.pickle",
                        {sha: (info, _packed(changes))
                         for sha, (info, changes) in self._records.items()
                         if sha[:SHARD_CHARS] == shard})
        self._dirty.clear()
        save_pickle(self.file, {"version": INDEX_VERSION, "scope": (self.items, self.plan_file),
                                "head": self.head, "order": self.order,
                                "renames": self.renames})

    def _start_background_build(self) -> None:
        with contextlib.suppress(OSError):
            if self.lock.exists() and time.time() - self.lock.stat().st_mtime \
                    < STALE_BUILD_SECONDS:
                return  # one is running
            self.lock.parent.mkdir(parents=True, exist_ok=True)
            self.lock.write_text(str(os.getpid()))
            plan_dir = self.repo.root / self.items
            import subprocess

            try:
                # A Python process of its own (not a thread): it outlives a command that
                # exits at once, and it lowers its own priority before it starts.
                subprocess.Popen([sys.executable, "-m", "tui.core.git.history_index",
                                  str(self.repo.root), str(plan_dir.parent)],
                                 cwd=self.repo.root, env=_child_env(), start_new_session=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            except OSError:
                self.lock.unlink()


def _path_shard(path: str) -> int:
    return zlib.crc32(path.encode()) % PATH_SHARDS


def _packed(changes: tuple[Any, ...]) -> tuple[Any, ...] | dict[int, bytes]:
    """A commit's changes as stored: as they are, or, for a big commit, in parts by path
    shard, each a pickle of its changes."""
    if isinstance(changes, dict) or len(changes) <= BIG_COMMIT:
        return changes
    import pickle

    parts: dict[int, list[tuple[Any, ...]]] = {}
    for change in changes:
        parts.setdefault(_path_shard(change[0]), []).append(change)
    return {n: pickle.dumps(tuple(part), protocol=pickle.HIGHEST_PROTOCOL)
            for n, part in parts.items()}


def _unpacked(stored: tuple[Any, ...] | dict[int, bytes],
              parts: set[int] | None = None) -> tuple[Any, ...]:
    """A commit's changes from their stored form (only those in path shards `parts`, if
    given; all in path order, as git lists them, otherwise)."""
    if not isinstance(stored, dict):
        return stored
    import pickle

    found = [change for n, blob in stored.items() if parts is None or n in parts
             for change in pickle.loads(blob)]
    return tuple(sorted(found, key=lambda change: change[0])) if parts is None \
        else tuple(found)


def _parsed(blob: str | None, blobs: dict[str, bytes],
            known: tuple[str | None, Any] | None) -> Any:
    """A blob's data (None: no file; UNPARSEABLE: not TOML)."""
    if blob is None:
        return None
    if known is not None and known[0] == blob:
        return known[1]
    return parse_blob(blobs.get(blob))


def _child_env() -> dict[str, str]:
    """The builder imports this package from wherever this process did."""
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}


def build_in_background(root: str, plan_dir: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(19)  # never slow down what the user does meanwhile
    repo = GitRepo.find(Path(root))
    index = HistoryIndex(repo, Path(plan_dir))
    try:
        index.refresh(background=False)
    finally:
        with contextlib.suppress(OSError):
            index.lock.unlink()


if __name__ == "__main__":
    # Run the importable module, not this `__main__` copy: the index pickles its record
    # types, and they must load as tui.core.git.history_index.* in every other process.
    from tui.core.git import history_index

    history_index.build_in_background(sys.argv[1], sys.argv[2])
