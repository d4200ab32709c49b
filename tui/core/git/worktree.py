"""Named git operations on the working tree and the index: uncommitted edits, unmerged
files, what is tracked and staged, and putting files back as HEAD holds them."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from tui.core.git.repo import GitRepo


def dirty_files(repo: GitRepo, *paths: Path | str) -> list[str]:
    """Files under `paths` that differ from HEAD (modified, new, deleted; untracked ones
    named one by one), relative to the repository root: the one "uncommitted edits?"
    check."""
    _, out, _ = repo.run("--literal-pathspecs", "status", "--porcelain=v1", "-z",
                         "--untracked-files=all", "--no-renames", "--",
                         *[repo.relative(p) for p in paths], check=False)
    return [record[3:] for record in out.split("\0") if len(record) > 3]


def unmerged_paths(repo: GitRepo) -> list[str]:
    """Files git left unmerged (a merge or rebase stopped on them)."""
    _, out, _ = repo.run("diff", "--name-only", "--diff-filter=U", "-z", check=False)
    return [p for p in out.split("\0") if p]


def unmerged_stages(repo: GitRepo, path: str) -> dict[int, str]:
    """Stage number (1 base, 2 ours, 3 theirs) -> blob id of an unmerged file."""
    _, out, _ = repo.run("--literal-pathspecs", "ls-files", "-u", "-z", "--", path,
                         check=False)
    stages = {}
    for entry in filter(None, out.split("\0")):
        meta, _, _ = entry.partition("\t")
        _, sha, stage = meta.split()
        stages[int(stage)] = sha
    return stages


def tracked_files(repo: GitRepo, folders: Sequence[str]) -> set[str]:
    """Files git tracks in `folders` (relative; "." the root), relative to the root."""
    _, out, _ = repo.run("--literal-pathspecs", "ls-files", "-z", "--",
                         *[f"{folder}/" if folder != "." else "." for folder in folders],
                         check=False)
    return set(out.split("\0"))


def staged_blobs(repo: GitRepo, folder: str) -> dict[str, str]:
    """Path -> blob id of what the index holds under `folder`."""
    staged = repo.out("--literal-pathspecs", "ls-files", "-s", "-z", "--", folder + "/")
    blobs = {}
    for entry in filter(None, staged.split("\0")):
        meta, _, rel = entry.partition("\t")
        blobs[rel] = meta.split()[1]
    return blobs


def differ_from_index(repo: GitRepo, folder: str) -> set[str]:
    """Files under `folder` whose working copy git's stat check says differs from the
    index."""
    return set(repo.out("--literal-pathspecs", "diff-files", "--name-only", "-z", "--",
                        folder + "/").split("\0"))


def stage(repo: GitRepo, paths: Sequence[str], hold_lock: bool = False) -> None:
    """`git add --all` of `paths` (a deletion is staged too)."""
    repo.run("--literal-pathspecs", "add", "--all", "--", *paths, hold_lock=hold_lock)


def restore_from_head(repo: GitRepo, path: str) -> None:
    """Index and working files under `path` back to HEAD's (under the write lock)."""
    repo.run("--literal-pathspecs", "reset", "--quiet", "HEAD", "--", path, check=False,
             hold_lock=True)
    repo.run("--literal-pathspecs", "checkout", "--", path, check=False, hold_lock=True)


def merge_file(repo: GitRepo, ours: Path, base: Path, theirs: Path) -> tuple[int, bytes]:
    """git's own line merge of three files: (status, merged bytes with markers)."""
    status, out, _ = repo.run("merge-file", "-p", "-L", "ours", "-L", "base", "-L",
                              "theirs", str(ours), str(base), str(theirs), check=False,
                              text=False)
    return status, out
