"""Checking commits after the fact: does each one say what it did?

For every commit touching a plan, the field-level notes are recomputed from the parent's
files and the commit's files (messages.py, the same code that writes them) and compared
with the message: the `AFI-Id:` trailers must name exactly the items changed, and the
per-item lines must match the diff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tui.core.git.repo import Commit, GitRepo
from tui.core.store import toml_read
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE
from tui.core.write import messages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class CommitProblem:
    commit: Commit
    message: str

    def render(self) -> str:
        return f"{self.commit.short} {self.commit.subject[:50]!r}: {self.message}"


def message_problems(repo: GitRepo, plan_dir: Path, commits: Iterable[Commit],
                     known: Iterable[str] = ()) -> list[CommitProblem]:
    """Every way in which a commit's message disagrees with its diff (merges, which
    git describes itself, are checked by `merge_problems` instead). A commit that
    touches no plan file may still not claim to: no `AFI-Id:` trailer, no subject in
    afi's form about an item (`known`: the plan's item ids)."""
    problems = []
    known = list(known)
    for commit in commits:
        if len(commit.parents) > 1:
            continue
        if _plan_files(commit, _prefix(repo, plan_dir)):
            items, others = expected_notes(repo, plan_dir, commit)
        elif commit.afi_ids or messages.subject_claims(commit.subject, known):
            items, others = [], []
        else:
            continue
        problems += [CommitProblem(commit, text) for text in
                     messages.message_problems(commit.message, items, others, known)]
    return problems


def expected_notes(repo: GitRepo, plan_dir: Path, commit: Commit
                   ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """What afi would say a commit changed: (item id, notes) and (plan.toml, notes)."""
    files = _plan_files(commit, _prefix(repo, plan_dir))
    blobs = repo.read_blobs(b for f in files for b in (f.old_blob, f.new_blob))
    items, others = [], []
    for change in files:
        old, new = _data(blobs, change.old_blob), _data(blobs, change.new_blob)
        name = PurePosixPath(change.path).name
        if name == PLAN_FILE:
            others.append((PLAN_FILE, messages.file_notes(old, new)))
        else:
            items.append((PurePosixPath(change.path).stem, messages.item_notes(old, new)))
    return items, others


def _plan_files(commit: Commit, prefix: str) -> list[Any]:
    return [f for f in commit.files if _in_plan(f.path, prefix)]


def _prefix(repo: GitRepo, plan_dir: Path) -> str:
    base = repo.relative(plan_dir)
    return "" if base in ("", ".") else base + "/"


def _in_plan(path: str, prefix: str) -> bool:
    if not path.startswith(prefix):
        return False
    rest = path[len(prefix):]
    return rest == PLAN_FILE or (rest.startswith(f"{ITEMS_DIR}/") and rest.count("/") == 1
                                 and rest.endswith(".toml"))


def _data(blobs: dict[str, bytes], sha: str | None) -> dict[str, Any] | None:
    if sha is None or sha not in blobs:
        return None
    try:
        return toml_read.loads(blobs[sha].decode("utf-8"))
    except (toml_read.TOMLDecodeError, UnicodeDecodeError):
        return {"(unparseable)": sha}
