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
from typing import Any

from .errors import AfiError, InvalidValue, NotFound
from .journal import sync_folder
from .tomledit import ItemDocument

OURS, THEIRS = "ours", "theirs"


@dataclass
class Conflict:
    field: str    # as `afi resolve` names it: "owner", "closure.board", "actions.3.text"
    path: tuple[str | int, ...]  # in the merged file (action indexes from 0)
    base: Any
    ours: Any  # the side of the person merging
    theirs: Any


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


def field_name(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p + 1) if isinstance(p, int) else p for p in path)


def field_path(name: str) -> tuple[str | int, ...]:
    return tuple(int(p) - 1 if p.isdigit() else p for p in name.split("."))


# -- the record on disk ---------------------------------------------------------------------
def records_folder(git_dir: Path) -> Path:
    return git_dir / "afi" / "conflicts"


def save(git_dir: Path, record: ConflictRecord) -> None:
    folder = records_folder(git_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.item_id}.json"
    temp = target.with_suffix(".tmp")
    temp.write_text(json.dumps({
        "path": record.path, "merged": record.merged, "merged_side": record.merged_side,
        "ours_author": record.ours_author, "theirs_author": record.theirs_author,
        "conflicts": [{"field": c.field, "path": list(c.path), "base": _encode(c.base),
                       "ours": _encode(c.ours), "theirs": _encode(c.theirs)}
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
                          _decode(c["ours"]), _decode(c["theirs"])) for c in raw["conflicts"]],
                raw.get("ours_author", ""), raw.get("theirs_author", "")))
        except (OSError, ValueError, KeyError, TypeError):
            file.unlink(missing_ok=True)  # torn: git's own conflict state still shows it
    return records


def drop(git_dir: Path, item_id: str) -> None:
    (records_folder(git_dir) / f"{item_id}.json").unlink(missing_ok=True)


def clear(git_dir: Path) -> None:
    folder = records_folder(git_dir)
    for file in folder.glob("*.json") if folder.is_dir() else ():
        file.unlink(missing_ok=True)


# -- markers ----------------------------------------------------------------------------------
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
            ours = _variant(record.merged, [(conflict.path, conflict.ours)])
            theirs = _variant(record.merged, [(conflict.path, conflict.theirs)])
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
        ours = _variant(record.merged, [(c.path, c.ours) for _, _, c in group])
        theirs = _variant(record.merged, [(c.path, c.theirs) for _, _, c in group])
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


def _variant(text: str, values: list[tuple[tuple[str | int, ...], Any]]) -> list[str]:
    """`text` with each (key path, value) set, as lines."""
    document = ItemDocument(text)
    for path, value in values:
        document.set_path(path, value)
    return document.text().splitlines(keepends=True)


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
            value: Any = None) -> ConflictRecord | None:
    """Settle one field of one item: `choice` is OURS, THEIRS, or "value" with `value`.
    Writes the file (markers for what is left, or the merged text when nothing is) and
    returns the record still open, or None when the item is settled (then the caller
    stages the file)."""
    record = next((r for r in load_all(git_dir) if r.item_id.lower() == item_id.lower()), None)
    if record is None:
        raise NotFound(f"no conflict recorded for {item_id}: `afi resolve` with no arguments "
                       "lists what is open")
    conflict = next((c for c in record.conflicts if c.field == field), None)
    if conflict is None:
        fields = ", ".join(c.field for c in record.conflicts)
        raise InvalidValue(f"{item_id} has no conflict in {field!r}: open ones are {fields}")
    chosen = conflict.ours if choice == OURS else conflict.theirs if choice == THEIRS else value
    try:
        document = ItemDocument(record.merged)
        document.set_path(conflict.path, chosen)
        record.merged = document.text()
    except (KeyError, IndexError, TypeError, ValueError) as err:
        raise AfiError(f"{item_id}: cannot set {field} in the merged file ({err}): edit "
                       f"{record.path} by hand, then `git add` it") from None
    record.conflicts.remove(conflict)
    target = root / record.path
    if record.conflicts:
        target.write_text(with_markers(record), encoding="utf-8", newline="")
        save(git_dir, record)
        return record
    target.write_text(record.merged, encoding="utf-8", newline="")
    drop(git_dir, record.item_id)
    return None


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
