"""Which commits changed each item file: an index in `.git/afi`, so `afi log ID` need not
walk the whole history.

`git log -- FILE` walks every commit. Its changed-path Bloom filters skip most of them,
but about 1% are false positives and each costs a full diff of the items folder: 0.12 s at
10,000 items and 10,000 commits. This index maps every path under the items folder to
the commits that changed it, newest first, and is keyed on HEAD:

- HEAD unchanged: used as it is (no git process at all);
- HEAD moved forward (an afi commit, a pull): the new commits are added from one short
  `git log OLD..HEAD`;
- history rewritten (amend, rebase, reset) or no index yet: rebuilt. A rebuild diffs every
  commit (10 s at 10,000 x 10,000), so when it would be slow it runs in a background
  process at the lowest priority and the caller uses plain `git log -- FILE` meanwhile.

The index only ever lists commits git itself reports for the folder, merges included when
they resolved a file differently from every parent (`-c`), as `git log -- FILE` does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from .cache_files import load_pickle, save_pickle
from .errors import GitError
from .gitrepo import GitRepo

INDEX_VERSION = 2
CATCH_UP_LIMIT = 2_000  # new commits added in the foreground; more goes to the background
FOREGROUND_COST = 2_000_000  # commits x files a rebuild may diff in the foreground (~0.2 s)
STALE_BUILD_SECONDS = 600  # a build lock older than this belonged to a crashed builder


class HistoryIndex:
    """Commits (newest first) per repository-relative path under one folder."""

    def __init__(self, repo: GitRepo, folder: Path):
        self.repo = repo
        self.scope = repo.relative(folder)
        key = hashlib.sha1(self.scope.encode()).hexdigest()[:12]
        self.file = repo.git_dir / "afi" / f"history-{key}.pickle"
        self.lock = self.file.with_suffix(".building")
        self.head: str | None = None
        self.paths: dict[str, list[str]] = {}
        self.renames: dict[str, list[tuple[str, str]]] = {}  # new path -> (commit, old path)
        self.rank: dict[str, int] = {}  # commit -> larger for newer commits

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
        newest_first = sorted(set(commits), key=lambda sha: -self.rank.get(sha, -1))
        return newest_first, names

    def _follow(self, path: str, before: int | None, commits: list[str],
                names: list[str]) -> None:
        """Add `path`'s commits older than rank `before`, then those of the paths it was
        renamed from, each before its rename."""
        if path in names:
            return  # renamed back and forth: each name once
        names.append(path)
        commits += [sha for sha in self.paths.get(path, ())
                    if before is None or self.rank.get(sha, -1) < before]
        for sha, old in self.renames.get(path, ()):
            rank = self.rank.get(sha, -1)
            if before is None or rank < before:
                self._follow(old, rank, commits, names)

    def refresh(self, *, background: bool = True) -> bool:
        """Bring the index up to HEAD if that is quick; True if it is now current."""
        head = self._head()
        if head is None:  # no commits yet
            self.head, self.paths = None, {}
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
        self.head, self.paths, self.renames, self.rank = None, {}, {}, {}
        if head is not None:
            self._add(self._scan(head), head)
        self._save()

    # -- git ----------------------------------------------------------------------------------
    def _head(self) -> str | None:
        try:
            return self.repo.head_sha()
        except GitError:
            return None

    def _divergence(self, old: str, new: str) -> tuple[int, int]:
        """(commits only in old, commits only in new): (0, n) means old is an ancestor."""
        status, out, _ = self.repo.run("rev-list", "--count", "--left-right",
                                       f"{old}...{new}", check=False)
        if status != 0:  # the old head no longer exists
            return 1, 0
        behind, _, ahead = out.strip().partition("\t")
        return int(behind), int(ahead)

    def _rebuild_cost(self, head: str) -> int:
        commits = int(self.repo.out("rev-list", "--count", head).strip() or 0)
        folder = self.repo.root / self.scope
        try:
            files = sum(1 for _ in os.scandir(folder))
        except OSError:
            files = 0
        return commits * max(files, 1)

    def _scan(self, revisions: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
        """(commit, [(changed path, renamed from)]) newest first, for `revisions`."""
        return [(c.sha, [(f.path, f.old_path) for f in c.files])
                for c in self.repo.iter_log([self.repo.root / self.scope],
                                            revisions=[revisions], renames=True)]

    def _add(self, newest_first: list[tuple[str, list[tuple[str, str | None]]]],
             head: str) -> None:
        """Put commits newer than everything indexed so far in front of each path's list."""
        newer: dict[str, list[str]] = {}
        next_rank = max(self.rank.values(), default=-1) + len(newest_first)
        for n, (sha, changes) in enumerate(newest_first):
            self.rank[sha] = next_rank - n
            for path, old_path in changes:
                newer.setdefault(path, []).append(sha)
                if old_path is not None:
                    self.renames.setdefault(path, []).append((sha, old_path))
        for path, shas in newer.items():
            self.paths[path] = shas + self.paths.get(path, [])
        self.head = head

    # -- the file in .git/afi -----------------------------------------------------------------
    def _load(self) -> None:
        stored = load_pickle(self.file)
        if isinstance(stored, dict) and stored.get("version") == INDEX_VERSION \
                and stored.get("scope") == self.scope:
            self.head, self.paths = stored["head"], stored["paths"]
            self.renames, self.rank = stored["renames"], stored["rank"]
        else:  # missing, torn or from another version: rebuilt from git
            self.head, self.paths, self.renames, self.rank = None, {}, {}, {}

    def _save(self) -> None:
        save_pickle(self.file, {"version": INDEX_VERSION, "scope": self.scope,
                                "head": self.head, "paths": self.paths,
                                "renames": self.renames, "rank": self.rank})

    def _start_background_build(self) -> None:
        with contextlib.suppress(OSError):
            if self.lock.exists() and time.time() - self.lock.stat().st_mtime \
                    < STALE_BUILD_SECONDS:
                return  # one is running
            self.lock.parent.mkdir(parents=True, exist_ok=True)
            self.lock.write_text(str(os.getpid()))
            try:
                # A Python process of its own (not a thread): it outlives a command that
                # exits at once, and it lowers its own priority before it starts.
                subprocess.Popen([sys.executable, "-m", "tui.core.history_index",
                                  str(self.repo.root), str(self.repo.root / self.scope)],
                                 cwd=self.repo.root, env=_child_env(), start_new_session=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            except OSError:
                self.lock.unlink()


def _child_env() -> dict[str, str]:
    """The builder imports this package from wherever this process did."""
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}


def build_in_background(root: str, folder: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(19)  # never slow down what the user does meanwhile
    repo = GitRepo.find(Path(root))
    index = HistoryIndex(repo, Path(folder))
    try:
        index.refresh(background=False)
    finally:
        with contextlib.suppress(OSError):
            index.lock.unlink()


if __name__ == "__main__":
    build_in_background(sys.argv[1], sys.argv[2])
