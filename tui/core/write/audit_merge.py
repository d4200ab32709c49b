"""Checks of pushed commits beyond their messages (`afi check --commits`).

- A merge commit must hold the field-by-field merge of its parents (merge.py, the code
  afi's merge driver runs): a field both parents changed differently may hold any value
  (that is what settling a conflict is), every other field must be as the merge gives it.
  Anything else (an item set `complete` and its due date moved inside a merge) is
  reported with its item and field.
- A commit that moves an item's due date, or reopens a signed-off item, must say why in
  the same commit: a progress update added, as `afi set --reason` writes one.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tui.core.git import revs
from tui.core.store import toml_read
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE
from tui.core.write import messages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import Commit, GitRepo
    from tui.core.model.items import PlanConfig


def merge_problems(repo: GitRepo, plan_dir: Path, commit: Commit) -> list[str]:
    """How a merge commit's plan files differ from the merge of its parents."""
    if len(commit.parents) != 2:
        return [f"a merge of {len(commit.parents)} parents: afi checks merges of two"]
    first, second = commit.parents
    base = revs.merge_base(repo, first, second)
    items_rel = repo.relative(plan_dir / ITEMS_DIR)
    plan_rel = repo.relative(plan_dir / PLAN_FILE)
    paths = sorted({p for parent in commit.parents
                    for p in revs.changed_paths(repo, parent, commit.sha, repo.relative(plan_dir))
                    if p == plan_rel or (PurePosixPath(p).parent.as_posix() == items_rel
                                         and p.endswith(".toml"))})
    texts = {path: [_text(repo, rev, path) if rev else None
                    for rev in (base, first, second, commit.sha)] for path in paths}
    twice = [toml_data(text) for b, o, t, _ in texts.values() if b is None and o and t and o != t
             for text in (o, t)]  # one new id, two items: `afi resolve ... both` renumbers one
    problems = []
    for path, (b, o, t, merged) in texts.items():
        if b is None and o is None and t is None and _renumbered(toml_data(merged), twice):
            continue
        name = PurePosixPath(path).stem if path != plan_rel else PLAN_FILE
        problems += [f"{name}: {note}: made by the merge itself, not by either parent"
                     for note in _beyond_merge(b, o, t, merged)]
    return problems


def _renumbered(data: dict[str, Any] | None, originals: list[dict[str, Any] | None]) -> bool:
    """Is `data` one of `originals` under another id (and number)?"""
    def rest(item: dict[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (item or {}).items() if k not in ("id", "number")}

    return data is not None and any(rest(data) == rest(o) for o in originals if o)


def _beyond_merge(base: str | None, ours: str | None, theirs: str | None,
                  merged: str | None) -> list[str]:
    """The notes (messages.item_notes) from the true merge to what was committed."""
    from tui.core.store.merge import merge_item

    free: list[tuple[Any, ...]] = []  # conflicting paths, settled either way
    if ours == theirs or theirs == base:
        expected = ours
    elif ours == base:
        expected = theirs
    elif ours is None or theirs is None:
        return []  # deleted on one side, edited on the other: either outcome is a choice
    else:
        try:
            result = merge_item(base, ours, theirs)
        except (ValueError, RuntimeError):
            return []  # a parent is not valid TOML: its own commit is reported
        expected, free = result.text, [c.path for c in result.conflicts]
    want, got = toml_data(expected), toml_data(merged)
    if want is None or got is None:
        return [] if want is got else ["deletes the file" if got is None else "adds the file"]
    for path in free:  # a conflict settled: whatever value was chosen
        _copy(path, got, want)
    return messages.item_notes(want, got)


def _copy(path: tuple[Any, ...], source: Any, target: Any) -> None:
    """Set target's value at `path` to source's (removed when source has none)."""
    try:
        for key in path[:-1]:
            source, target = source[key], target[key]
    except (KeyError, IndexError, TypeError):
        return
    last = path[-1]
    try:
        target[last] = source[last]
    except (KeyError, IndexError, TypeError):
        if isinstance(target, dict):
            target.pop(last, None)


def reason_problems(old: dict[str, Any] | None, new: dict[str, Any] | None, config: PlanConfig,
                    item_id: str) -> list[str]:
    """A due date moved or a signed-off item reopened without a progress update in the
    same commit saying why (the rule `afi set --reason` and `afi commit` keep)."""
    if not old or not new:
        return []
    from tui.core.errors import InvalidValue
    from tui.core.write.pending import require_reasons

    logged = _count(new.get("updates")) > _count(old.get("updates"))
    try:
        require_reasons(item_id, old, new, config,
                         given={"due": "", "status": ""} if logged else {},
                         hint="a progress update in the same commit")
    except InvalidValue as err:
        return [str(err).removesuffix("; nothing was written")]
    return []


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _text(repo: GitRepo, rev: str, path: str) -> str | None:
    data = repo.read_blobs([f"{rev}:{path}"]).get(f"{rev}:{path}")
    return None if data is None else data.decode("utf-8", errors="replace")


def toml_data(text: str | None) -> dict[str, Any] | None:
    """A file's TOML as data; None for no file, a marker for a file that does not parse."""
    if text is None:
        return None
    try:
        return toml_read.loads(text)
    except toml_read.TOMLDecodeError:
        return {"(unparseable)": text}
