"""Named git operations for working with others: fetch and push, rebase or merge onto an
upstream, carry on or abort, and whether one is in progress. Those that change the
plan run under the write lock, which they inherit (`hold_lock`)."""

from __future__ import annotations

from tui.core.git.repo import END_OF_OPTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo

REBASE_DIRS = ("rebase-merge", "rebase-apply")


def in_rebase(repo: GitRepo) -> bool:
    return any((repo.git_dir / d).exists() for d in REBASE_DIRS)


def in_merge(repo: GitRepo) -> bool:
    return (repo.git_dir / "MERGE_HEAD").exists()


def fetch(repo: GitRepo, remote: str) -> tuple[int, str, str]:
    """`git fetch --prune REMOTE`, unchecked, its progress shown on repo.progress_to."""
    return repo.run_showing_progress("fetch", "--prune", END_OF_OPTIONS, remote,
                                     progress_to=repo.progress_to)


def push(repo: GitRepo, remote: str, branch: str, set_upstream: bool) -> tuple[int, str, str]:
    """Push HEAD to `branch` of `remote`, unchecked, its progress shown as fetch's is."""
    return repo.run_showing_progress(
        "push", *(["--set-upstream"] if set_upstream else []), END_OF_OPTIONS, remote,
        f"HEAD:refs/heads/{branch}", progress_to=repo.progress_to)


def start(repo: GitRepo, upstream: str, rebase: bool,
          env: dict[str, str]) -> tuple[int, str, str]:
    """Rebase onto (or merge) `upstream`, unchecked: it may stop on a conflict."""
    if rebase:
        return repo.run("rebase", END_OF_OPTIONS, upstream, env=env, check=False,
                        hold_lock=True)
    return repo.run("merge", "--no-edit", END_OF_OPTIONS, upstream, env=env, check=False,
                    hold_lock=True)


def carry_on(repo: GitRepo, env: dict[str, str]) -> tuple[int, str, str]:
    """Go on with the rebase, or commit the merge, once its conflicts are settled."""
    if in_rebase(repo):
        return repo.run("rebase", "--continue", env=env, check=False, hold_lock=True)
    return repo.run("commit", "--no-edit", env=env, check=False, hold_lock=True)


def abort(repo: GitRepo, rebase: bool) -> None:
    """Give up the rebase (or merge) in progress: the branch as before it."""
    repo.run("rebase" if rebase else "merge", "--abort", check=False, hold_lock=True)
