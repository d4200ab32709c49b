"""Conflicts over a whole item file, which the field-by-field merge cannot settle:

- deleted on one side and changed on the other (git's own modify/delete conflict: the
  merge driver is not run), settled with ours or theirs: the item as changed, or gone;
- the same new id made on both sides for two different items (different titles: one
  item added twice merges field by field), settled with ours, theirs, or both: theirs
  keeps the id and ours takes the next free one of its inspection.

The conflict's field is `item`; its values are each side's text (None: deleted).
"""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import InvalidValue
from tui.core.git import worktree
from tui.core.store.tomledit import ItemDocument
from tui.core.team.conflicts import (
    OURS,
    THEIRS,
    Conflict,
    ConflictRecord,
    _block,
    save,
    title_of,
    write_settled,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import GitRepo

WHOLE_ITEM = "item"  # the field name of such a conflict; its values are the file's text


def deleted_and_changed(repo: GitRepo, items: str, unmerged: list[str],
                        rebasing: bool) -> list[ConflictRecord]:
    """Records of the item files (in folder `items`) git left unmerged itself, with no
    record of the merge driver's: deleted on one side and changed on the other."""
    paths = [p for p in unmerged if p.startswith(items + "/") and p.endswith(".toml")
             and "/" not in p[len(items) + 1:]]
    return [r for p in paths if (r := whole_item_record(repo, p, rebasing)) is not None]


def whole_item_record(repo: GitRepo, path: str, rebasing: bool) -> ConflictRecord | None:
    """The record of an item file git left unmerged because one side deleted it and the
    other changed it (or both added it): each side's text, None where it is deleted.
    git's stage 2 is its "ours", 3 its "theirs"; during a rebase the sides swap."""
    stages = worktree.unmerged_stages(repo, path)
    blobs = repo.read_blobs(stages.values())
    text = {n: blobs[sha].decode("utf-8", errors="replace") if sha in blobs else None
            for n, sha in stages.items()}
    base, git_ours, git_theirs = text.get(1), text.get(2), text.get(3)
    if git_ours is not None and git_theirs is not None:
        return None  # both sides have it: the merge driver's own record
    ours, theirs = (git_theirs, git_ours) if rebasing else (git_ours, git_theirs)
    record = ConflictRecord(path, git_ours or git_theirs or "",
                            THEIRS if rebasing == (git_ours is not None) else OURS,
                            [Conflict(WHOLE_ITEM, (), base, ours, theirs)])
    save(repo.git_dir, record)
    return record


def both_added(git_dir: Path | None, name: str, ours: str, theirs: str, rebasing: bool,
               target: Path) -> bool:
    """For the merge driver: a file both sides added holding two different items (the
    same new id given twice) is recorded as one whole-item conflict and written with
    both texts in markers. False (nothing done) when it is one item added twice."""
    if not different_items(ours, theirs):
        return False
    sides = (theirs, ours) if rebasing else (ours, theirs)
    record = ConflictRecord(name, ours, OURS, [Conflict(WHOLE_ITEM, (), None, *sides)])
    if git_dir is not None:
        save(git_dir, record)
    write_settled(target, whole_markers(*sides))
    return True


def item_problems(plan: Any, text: str,
                  plan_file: bool = False) -> list[tuple[tuple[Any, ...], str]]:
    """An item's text against plan.toml as it is now (merged too, during a sync); with
    `plan_file`, plan.toml's own text against its rules."""
    from tui.core.model.validate import check_item
    from tui.core.store.reading import PLAN_FILE, config_from_text, parse_text

    if plan_file:
        return [((), p.message) for p in config_from_text(plan.dir / PLAN_FILE, text)[1]]

    data, found = parse_text(plan.dir / "item.toml", text)
    if data is None:
        return [((), p.message) for p in found]
    return check_item(data, str(data.get("id", "")), plan.config)


def different_items(ours: str, theirs: str) -> bool:
    """Two texts of one new file that are different items (different titles), not one
    item added twice."""
    return bool(title_of(ours) != title_of(theirs))


def whole_markers(ours: str, theirs: str) -> str:
    """Both sides' texts of a file, in git's markers."""
    return "".join(_block(ours.splitlines(keepends=True), theirs.splitlines(keepends=True)))


def renumbered(plan: Any, text: str, added: list[Path]) -> tuple[Path, str]:
    """An item given the next free id of its inspection (and that number): the file it
    goes to (also appended to `added`) and its text."""
    document = ItemDocument(text)
    data = document.data()
    inspection, old = str(data.get("inspection", "")), str(data.get("id", ""))
    if not inspection or not old.lower().startswith(inspection.lower() + "-") \
            or not old[len(inspection) + 1:].isdigit():
        raise InvalidValue(f"{old} is not numbered as <inspection>-NN: give one of the two "
                           "items another id by hand (rename its file, change its id), then "
                           "`git add` both")
    new = plan.next_id(inspection)
    document.set("id", new)
    if isinstance(data.get("number"), int):
        document.set("number", int(new[len(inspection) + 1:]))
    from tui.core.store.reading import ITEMS_DIR

    added.append(plan.dir / ITEMS_DIR / f"{new}.toml")
    return added[-1], document.text()
