"""Merge conflicts in item files, kept until they are settled (docs/format.md §10).

afi's merge driver (`afi merge-driver`, run by git for `plan/afis/*.toml`) merges field by
field (merge.py). A field both sides changed differently is never decided silently: the
driver leaves the file with git-style markers around just that field's lines (so the
file fails `afi check` and a plain-git user sees both values) and records the conflict in
`.git/afi/conflicts/`, with the merged text holding one side's value. `afi resolve ID FIELD
ours|theirs|VALUE` settles one field; when none is left the file is written whole and
staged, and `afi sync` carries on.

"Ours" is the side of the person merging: during a rebase git passes the upstream commit
as the driver's "ours" and the commit being replayed as "theirs", so the sides swap.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tui.core.errors import AfiError, InvalidValue, NotFound
from tui.core.git import revs
from tui.core.store.tomledit import ItemDocument
from tui.core.write.journal import sync_folder
from tui.core.write.sync_recovery import records_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from tui.core.git.repo import GitRepo

OURS, THEIRS = "ours", "theirs"


@dataclass
class Conflict:
    field: str    # as `afi resolve` names it: "owner", "closure.board", "actions.3.text"
    path: tuple[str | int, ...]  # in the merged file (action indexes from 0)
    base: Any
    ours: Any  # the side of the person merging
    theirs: Any
    ours_by: str = ""    # who set each side's value, and in which commit: "Bob, 602b8e57"
    theirs_by: str = ""


@dataclass
class ConflictRecord:
    path: str     # the item file, relative to the repository root
    merged: str   # the merged text, holding `merged_side`'s value at each conflict
    merged_side: str  # OURS or THEIRS
    conflicts: list[Conflict]
    ours_author: str = ""
    theirs_author: str = ""

    @property
    def item_id(self) -> str:
        return Path(self.path).stem

    def held(self, conflict: Conflict) -> bool:
        """Does the merged text hold a value for this field (the merged side's)?"""
        return (conflict.ours if self.merged_side == OURS else conflict.theirs) is not None


def field_name(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p + 1) if isinstance(p, int) else p for p in path)


def field_path(name: str) -> tuple[str | int, ...]:
    return tuple(int(p) - 1 if p.isdigit() else p for p in name.split("."))


# -- the record on disk ---------------------------------------------------------------------
def save(git_dir: Path, record: ConflictRecord) -> None:
    folder = records_folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.item_id}.json"
    temp = target.with_suffix(".tmp")
    temp.write_text(json.dumps({
        "path": record.path, "merged": record.merged, "merged_side": record.merged_side,
        "ours_author": record.ours_author, "theirs_author": record.theirs_author,
        "conflicts": [{"field": c.field, "path": list(c.path), "base": _encode(c.base),
                       "ours": _encode(c.ours), "theirs": _encode(c.theirs),
                       "ours_by": c.ours_by, "theirs_by": c.theirs_by}
                      for c in record.conflicts]}, ensure_ascii=True), encoding="utf-8")
    os.replace(temp, target)
    sync_folder(folder)


def load_all(git_dir: Path) -> list[ConflictRecord]:
    folder = records_folder(git_dir)
    if not folder.is_dir():
        return []
    records = []
    for file in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            records.append(ConflictRecord(
                raw["path"], raw["merged"], raw["merged_side"],
                [Conflict(c["field"], tuple(c["path"]), _decode(c["base"]),
                          _decode(c["ours"]), _decode(c["theirs"]), c.get("ours_by", ""),
                          c.get("theirs_by", "")) for c in raw["conflicts"]],
                raw.get("ours_author", ""), raw.get("theirs_author", "")))
        except (OSError, ValueError, KeyError, TypeError):
            file.unlink(missing_ok=True)  # torn: git's own conflict state still shows it
    return records


def drop(git_dir: Path, item_id: str) -> None:
    (records_folder(git_dir) / f"{item_id}.json").unlink(missing_ok=True)


def with_markers(record: ConflictRecord) -> str:
    """The merged text with `<<<<<<< ours` / `=======` / `>>>>>>> theirs` around the lines
    of each conflicting field: each side's lines as that side would write them. Fields
    whose lines overlap or touch (two keys of one inline table) share one block, each
    side holding all of its values."""
    lines = record.merged.splitlines(keepends=True)
    placed: list[tuple[int, int, Conflict]] = []
    tail: list[str] = []
    for conflict in record.conflicts:
        try:
            ours = _variant(record, [(conflict, conflict.ours)])
            theirs = _variant(record, [(conflict, conflict.theirs)])
        except (KeyError, IndexError, TypeError, ValueError):
            tail += _block([f"# {conflict.field} = {_show(conflict.ours)}\n"],
                           [f"# {conflict.field} = {_show(conflict.theirs)}\n"])
            continue
        placed.append((*_changed_span(lines, ours, theirs), conflict))
    groups: list[list[tuple[int, int, Conflict]]] = []
    for span in sorted(placed, key=lambda p: (p[0], p[1])):
        if groups and span[0] <= max(end for _, end, _ in groups[-1]):
            groups[-1].append(span)
        else:
            groups.append([span])
    blocks = []
    for group in groups:
        ours = _variant(record, [(c, c.ours) for _, _, c in group])
        theirs = _variant(record, [(c, c.theirs) for _, _, c in group])
        start, end = _changed_span(lines, ours, theirs)
        blocks.append((start, end, ours[start:len(ours) - (len(lines) - end)],
                       theirs[start:len(theirs) - (len(lines) - end)]))
    for start, end, ours_lines, theirs_lines in sorted(blocks, reverse=True):
        lines[start:end] = _block(ours_lines, theirs_lines)
    text = "".join(lines)
    if tail:
        text = text if text.endswith("\n") else text + "\n"
        text += "".join(tail)
    return text


def _variant(record: ConflictRecord, values: list[tuple[Conflict, Any]]) -> list[str]:
    """The merged text with each conflict's field set to the value given, as lines."""
    document = ItemDocument(record.merged)
    for conflict, value in values:
        _apply(document, conflict, value, record.held(conflict))
    return document.text().splitlines(keepends=True)


def _apply(document: ItemDocument, conflict: Conflict, value: Any, held: bool) -> int:
    """Set the conflict's field in `document` to `value` (None: absent). A whole entry of
    `[[actions]]`, `[[updates]]` or `[[evidence]]` is put in, replaced or taken out at
    its index (`held`: the merged text has it there). Returns how the number of that
    key's entries changed (-1, 0, +1), which moves the indexes of the entries after it."""
    path = conflict.path
    if not (len(path) == 2 and isinstance(path[0], str) and isinstance(path[1], int)):
        document.set_path(path, value)
        return 0
    key, index = str(path[0]), int(path[1])
    entries: list[Any] = list(range(len(document.data().get(key, []))))
    if held:
        entries.pop(index)
    if value is not None:
        entry = ItemDocument("")
        entry.append_table(key, value)
        entries.insert(index, (entry, 0))
    if entries != list(range(len(document.data().get(key, [])))):
        document.arrange_tables(key, entries)
    return (value is not None) - held


def _changed_span(lines: list[str], *variants: list[str]) -> tuple[int, int]:
    """The smallest range of `lines` outside of which every variant is the same."""
    start = min(_common_prefix(lines, v) for v in variants)
    end = max(len(lines) - _common_suffix(lines, v, start) for v in variants)
    return start, max(end, start)


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _common_suffix(a: list[str], b: list[str], floor: int) -> int:
    n = 0
    while n < min(len(a), len(b)) - floor and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _block(ours: list[str], theirs: list[str]) -> list[str]:
    return ["<<<<<<< ours\n", *_ended(ours), "=======\n", *_ended(theirs), ">>>>>>> theirs\n"]


def _ended(lines: list[str]) -> list[str]:
    """Lines that each end with a newline (the file's last line may not)."""
    return [*lines[:-1], lines[-1] if lines[-1].endswith("\n") else lines[-1] + "\n"] \
        if lines else []


# -- settling a conflict ------------------------------------------------------------------------
def resolve(root: Path, git_dir: Path, item_id: str, field: str, choice: str,
            value: Any = None,
            check: Callable[[str], list[tuple[tuple[Any, ...], str]]] | None = None,
            renumber: Callable[[str], tuple[Path, str]] | None = None
            ) -> ConflictRecord | None:
    """Settle one field of one item: `choice` is OURS, THEIRS, or "value" with `value`.
    Writes the file (markers for what is left, or the merged text when nothing is) and
    returns the record still open, or None when the item is settled (then the caller
    stages the file). `check` gives the problems of an item's text ((key path, message));
    a settlement that leaves one, outside the fields still open, is refused (InvalidValue)
    and nothing is written."""
    record = next((r for r in load_all(git_dir) if r.item_id.lower() == item_id.lower()), None)
    if record is None:
        raise NotFound(f"no conflict recorded for {item_id}: `afi resolve` with no arguments "
                       "lists what is open")
    conflict = next((c for c in record.conflicts if c.field == field), None)
    if conflict is None:
        fields = ", ".join(c.field for c in record.conflicts)
        raise InvalidValue(f"{item_id} has no conflict in {field!r}: open ones are {fields}")
    chosen = conflict.ours if choice == OURS else conflict.theirs if choice == THEIRS else value
    if conflict.path == ():
        resolve_whole(root, git_dir, record, conflict, choice, chosen, check, renumber)
        return None  # the item is settled
    try:
        document = ItemDocument(record.merged)
        moved = _apply(document, conflict, chosen, record.held(conflict))
        record.merged = document.text()
    except (KeyError, IndexError, TypeError, ValueError) as err:
        raise AfiError(f"{item_id}: cannot set {field} in the merged file ({err}): edit "
                       f"{record.path} by hand, then `git add` it") from None
    record.conflicts.remove(conflict)
    if moved:
        _shift(record, conflict.path, moved)
    open_keys = {c.path[0] for c in record.conflicts}
    problems = [message for key, message in (check(record.merged) if check else [])
                if not key or key[0] not in open_keys]
    if problems:
        raise InvalidValue(f"{record.item_id}: {field} = {_show(chosen)} would leave the "
                           f"item invalid: {'; '.join(problems)}. Settle "
                           f"{field} another way (ours, theirs or a value), or edit "
                           f"{record.path} by hand and `git add` it; nothing was settled")
    target = root / record.path
    if record.conflicts:
        write_settled(target, with_markers(record))
        save(git_dir, record)
        return record
    write_settled(target, record.merged)
    drop(git_dir, record.item_id)
    return None


def _shift(record: ConflictRecord, path: tuple[str | int, ...], moved: int) -> None:
    """An entry put in or taken out at `path`: the entries after it change index."""
    key, index = path[0], int(path[1])
    for c in record.conflicts:
        if len(c.path) >= 2 and c.path[0] == key and isinstance(c.path[1], int) and (
                c.path[1] > index or (moved > 0 and c.path[1] == index)):
            c.path = (key, c.path[1] + moved, *c.path[2:])


# -- naming conflicts ---------------------------------------------------------------------------
def conflict_summary(records: list[ConflictRecord], others: list[str]) -> str:
    parts = [conflict_line(record, c) for record in records for c in record.conflicts]
    parts += [f"{path} (not an item file: resolve it with git, then `git add` it)"
              for path in others]
    return "conflict: " + "; ".join(parts) + "; nothing was pushed"


def conflict_line(record: ConflictRecord, conflict: Conflict) -> str:
    """'PEEL22-02 owner: ours 'Supt Bob' (Bob, 602b8e57), theirs 'Supt Alice' (Alice,
    91962705)': each value with who set it, and in which commit."""
    def shown(value: Any) -> str:
        if conflict.path == ():  # the whole item: deleted on one side, or added on both
            return "deleted" if value is None else "changed" if conflict.base is not None \
                else f"added {_value(title_of(value))}"
        return _value(value)

    return (f"{record.item_id} {conflict.field}: ours {shown(conflict.ours)}"
            f"{_by(conflict.ours_by or record.ours_author)}, theirs "
            f"{shown(conflict.theirs)}{_by(conflict.theirs_by or record.theirs_author)}")


def _value(value: Any) -> str:
    from tui.core.safe_text import visible

    if isinstance(value, dict) and isinstance(value.get("text", value.get("title")), str):
        return f"entry {_value(value.get('text', value.get('title')))}"  # an action, a note
    return "none" if value is None else visible(repr(value) if not isinstance(value, str)
                                                else f"'{value}'")


def _by(author: str) -> str:
    return f" ({author})" if author else ""


# -- who set each side's value -------------------------------------------------------------
def name_authors(repo: GitRepo, record: ConflictRecord, rebasing: bool) -> None:
    """Who set each side's value of each conflicting field, and in which commit: the
    newest commit on that side since the sides parted that gave the field that value
    (else, the side's last commit to the file). During a rebase the commit being
    replayed is ours and HEAD theirs; during a merge HEAD is ours and MERGE_HEAD theirs."""
    ours, theirs = ("REBASE_HEAD", "HEAD") if rebasing else ("HEAD", "MERGE_HEAD")
    base = revs.merge_base(repo, ours, theirs)
    for rev, side in ((ours, "ours"), (theirs, "theirs")):
        history = revs.file_authors(repo, f"{base}..{rev}" if base else rev, record.path)
        if not history:
            continue
        setattr(record, f"{side}_author", history[0][1])
        for conflict in record.conflicts:
            found = field_setter(repo, record.path, history, conflict,
                                 getattr(conflict, side))
            sha, name = found or history[0]
            setattr(conflict, f"{side}_by", f"{name}, {sha[:8]}")


def field_setter(repo: GitRepo, path: str, history: list[tuple[str, str]],
                 conflict: Conflict, value: Any) -> tuple[str, str] | None:
    """The newest of `history` ((sha, author) of one side's commits to `path`, newest
    first) that gave the conflicting field `value` (or, for None, took it out)."""
    from tui.core.store.merge import _same

    shas = [sha for sha, _ in history]
    texts = repo.read_blobs(n for sha in shas for n in (f"{sha}:{path}", f"{sha}^:{path}"))
    for sha, name in history:
        now = _values_at(texts.get(f"{sha}:{path}"), conflict.path)
        before = _values_at(texts.get(f"{sha}^:{path}"), conflict.path)
        if value is None:
            gone = conflict.base
            if any(_same(v, gone) for v in before) and not any(_same(v, gone) for v in now):
                return sha, name
        elif any(_same(v, value) for v in now) and not any(_same(v, value) for v in before):
            return sha, name
    return None


def _values_at(blob: bytes | None, path: tuple[str | int, ...]) -> list[Any]:
    """The values a file holds at a field's path; at any index of an array of tables
    (each side numbers its actions its own way)."""
    from tui.core.store import toml_read

    if blob is None:
        return []
    try:
        found = [toml_read.loads(blob.decode("utf-8"))]
    except (UnicodeDecodeError, toml_read.TOMLDecodeError):
        return []
    for part in path:
        step = []
        for value in found:
            if isinstance(part, int) and isinstance(value, list):
                step += value
            elif isinstance(part, str) and isinstance(value, dict) and part in value:
                step.append(value[part])
        found = step
    return found


def _show(value: Any) -> str:
    return json.dumps(_encode(value), ensure_ascii=False)


def _encode(value: Any) -> Any:
    """JSON for a TOML value, dates tagged so they come back as dates."""
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


BOTH = "both"


def resolve_whole(root: Path, git_dir: Path, record: ConflictRecord, conflict: Conflict,
                   choice: str, chosen: Any,
                   check: Callable[[str], list[tuple[tuple[Any, ...], str]]] | None,
                   renumber: Callable[[str], tuple[Path, str]] | None) -> None:
    """Keep the item as one side has it, or its deletion; or, for two items given the
    same new id on both sides, `both`: theirs keeps the id, ours takes the next free one."""
    both = conflict.base is None and conflict.ours is not None and conflict.theirs is not None
    if both and choice == "value" and str(chosen).lower() == BOTH and renumber is not None:
        moved_to, moved = renumber(conflict.ours)
        writes = {root / record.path: conflict.theirs, moved_to: moved}
    elif choice in (OURS, THEIRS):
        writes = {root / record.path: chosen}
    else:
        raise InvalidValue(f"{record.item_id} was " + (
            "added on both sides as two items: settle it with ours, theirs or both (theirs "
            "keeps the id, ours takes the next free one)" if both else
            "deleted on one side and changed on the other: settle it with ours or theirs"))
    for target, text in writes.items():
        problems = [message for _, message in check(text)] if text and check else []
        if problems:
            raise InvalidValue(f"{record.item_id}: keeping {choice} would leave "
                               f"{target.stem} invalid: {'; '.join(problems)}. Edit "
                               f"{record.path} by hand and `git add` it; nothing was settled")
    for target, text in writes.items():
        if text is None:
            target.unlink(missing_ok=True)
        else:
            write_settled(target, text)
    drop(git_dir, record.item_id)
    return None


def title_of(text: str) -> Any:
    from tui.core.store import toml_read

    try:
        return toml_read.loads(text).get("title")
    except toml_read.TOMLDecodeError:
        return None


def write_settled(target: Path, text: str) -> None:
    """An item file settled or marked: written durably (temp file, fsync, rename), so a
    kill in the middle leaves the old text or the new, never half a file."""
    from tui.core.write.journal import temp_name, write_durably

    write_durably(target, text, temp_name(target))
