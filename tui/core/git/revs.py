"""Named git operations on commits and revisions: dates, counts, divergence, ancestry,
merge bases, refs and new commits. Every one runs git through GitRepo.run."""

from __future__ import annotations

from datetime import datetime

from tui.core.errors import GitError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo


def commit_date(repo: GitRepo, commit: str) -> datetime | None:
    out = repo.out("log", "-1", "--format=%cI", commit).strip()
    return datetime.fromisoformat(out) if out else None


def last_commit_before(repo: GitRepo, when: str) -> str | None:
    """The last commit on HEAD's line made before `when` (a date git reads), or None."""
    try:
        out = repo.out("rev-list", "-1", f"--before={when}", "HEAD").strip()
    except GitError:
        return None
    return out or None


def divergence(repo: GitRepo, left: str, right: str) -> tuple[int, int]:
    """(commits only in `left`, commits only in `right`): (0, n) means `left` is an
    ancestor of `right`. GitError when git cannot compare them (one does not exist)."""
    out = repo.out("rev-list", "--left-right", "--count", f"{left}...{right}").split()
    return int(out[0]), int(out[1])


def count_commits(repo: GitRepo, rev: str) -> int:
    return int(repo.out("rev-list", "--count", rev).strip() or 0)


def commits_in(repo: GitRepo, rev: str, after: str | None = None) -> set[str]:
    """Ids of the commits reachable from `rev`, but not from `after` when given."""
    return set(repo.out("rev-list", rev, *([f"^{after}"] if after else [])).split())


def merge_base(repo: GitRepo, first: str, second: str) -> str | None:
    status, base, _ = repo.run("merge-base", first, second, check=False)
    return base.strip() or None if status == 0 else None


def is_ancestor(repo: GitRepo, older: str, newer: str) -> bool:
    return repo.run("merge-base", "--is-ancestor", older, newer, check=False)[0] == 0


def parents_and_message(repo: GitRepo, commit: str) -> tuple[list[str], str] | None:
    """A commit's parents and its message as recorded; None if git cannot read it."""
    status, out, _ = repo.run("log", "-1", "--format=%P%x00%B", commit, check=False)
    parents, _, body = out.partition("\0")
    return (parents.split(), body) if status == 0 else None


def update_ref(repo: GitRepo, ref: str, new: str, old: str, reason: str) -> None:
    """Move `ref` to `new` if it still is at `old` (under the write lock it inherits)."""
    repo.run("update-ref", "-m", reason, ref, new, old, hold_lock=True)


def recommit(repo: GitRepo, commit: str, parent: str, message: str,
             author: dict[str, str]) -> str:
    """A new commit of `commit`'s tree on `parent`, with `message` and the author in
    `author` (GIT_AUTHOR_* variables); its id."""
    tree = repo.out("rev-parse", f"{commit}^{{tree}}").strip()
    made: str = repo.run("commit-tree", tree, "-p", parent, "-F", "-", env=author,
                         input=message.encode("utf-8"), hold_lock=True)[1]
    return made.strip()


def current_branch(repo: GitRepo) -> str:
    """The branch HEAD is on ("" when detached)."""
    status, head, _ = repo.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return head.strip() if status == 0 else ""


def describe(repo: GitRepo) -> str | None:
    """`git describe` of the working tree against afi's release tags (v1.2...)."""
    status, out, _ = repo.run("describe", "--always", "--dirty", "--abbrev=8", "--match",
                              "v[0-9]*", check=False)
    return out.strip() if status == 0 and out.strip() else None


def file_authors(repo: GitRepo, revisions: str, path: str) -> list[tuple[str, str]]:
    """(commit id, author name) of each commit in `revisions` that touched `path`,
    newest first."""
    _, out, _ = repo.run("--literal-pathspecs", "log", "--format=%H%x1f%an", "-z",
                         revisions, "--", path, check=False)
    return [(sha, name) for sha, _, name in
            (entry.partition("\x1f") for entry in out.split("\0") if "\x1f" in entry)]


def commits_by(repo: GitRepo, email: str, grep: str, limit: int) -> list[str]:
    """Ids of the newest `limit` non-merge commits on HEAD by author `email` whose message
    holds `grep` (fixed text, any case)."""
    return repo.out("log", "--no-merges", "--fixed-strings", "--regexp-ignore-case",
                    f"--author=<{email}>", f"--grep={grep}", f"-n{limit}",
                    "--format=%H", "HEAD", "--").split()


def changed_paths(repo: GitRepo, old: str, new: str, under: str) -> list[str]:
    """Files under `under` that differ between two commits (no rename detection)."""
    out = repo.out("--literal-pathspecs", "diff-tree", "-r", "-z", "--name-only",
                   "--no-renames", old, new, "--", under or ".")
    return [p for p in out.split("\0") if p]
