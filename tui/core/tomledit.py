"""Faithful edits of one item file with tomlkit.

Values are changed in place so comments, key order, blank lines, quoting and line
endings survive, and `git diff` shows only the lines that changed. tomlkit is slow to
import and parse, so only the files being changed come through here.
"""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, String, StringType, Table

# Where a key that is not yet in the file goes: after the nearest of these before it.
CANONICAL_ORDER = ("id", "kind", "inspection", "number", "area", "title", "detail", "status",
                   "owner", "lead", "due", "group", "links", "tags")


class ItemDocument:
    """One item file, parsed for editing; `text()` gives it back with the edits."""

    def __init__(self, text: str):
        self.crlf = "\r\n" in text
        self._source = text.replace("\r\n", "\n") if self.crlf else text
        self.doc = tomlkit.parse(self._source)

    # -- scalars and arrays of strings -------------------------------------------------
    def set(self, key: str, value: Any) -> None:
        """Set a top-level value; None removes the key."""
        if value is None:
            if key in self.doc:
                del self.doc[key]
            return
        new = _styled(value, self.doc.item(key) if key in self.doc else None)
        if key in self.doc:
            self.doc[key] = new
            return
        anchor = self._anchor_for(key)
        if anchor is None:
            self.doc.append(key, new)
        else:
            self.doc._insert_after(anchor, key, new)  # public API only appends at the end

    def add_to_array(self, key: str, value: str) -> bool:
        """Append a string to an array (creating it); False if it was already there."""
        if key not in self.doc:
            self.set(key, [value])
            return True
        array = self.doc[key]
        if value in list(array):
            return False
        array.append(value)
        return True

    def remove_from_array(self, key: str, value: str) -> bool:
        if key not in self.doc or value not in list(self.doc[key]):
            return False
        array: Array = self.doc[key]
        del array[list(array).index(value)]
        return True

    # -- arrays of tables ----------------------------------------------------------------
    def set_in_table(self, key: str, index: int, subkey: str, value: Any) -> None:
        """Set `key[index].subkey` (e.g. actions[2].done); None removes it."""
        table = self.doc[key][index]
        if value is None:
            if subkey in table:
                del table[subkey]
        elif subkey in table:
            table[subkey] = _styled(value, table.item(subkey))
        else:
            table.append(subkey, _styled(value, None))

    def append_table(self, key: str, values: dict[str, Any]) -> None:
        """Append a `[[key]]` table, separated from what precedes it by a blank line."""
        if not self._source.endswith("\n"):
            # tomlkit would glue the new header onto the last line (`x = 1[[t]]`).
            self._source += "\n"
            self.doc = tomlkit.parse(self._source)
        table = tomlkit.table()
        for subkey, value in values.items():
            if value is not None:
                table.append(subkey, _styled(value, None))
        table.trivia.indent = "\n"
        if key not in self.doc:
            self.doc.append(key, tomlkit.aot())
        target = self.doc[key]
        if not isinstance(target, AoT):
            raise ValueError(f"'{key}' is not an array of tables")
        target.append(table)

    # -- output --------------------------------------------------------------------------
    def text(self) -> str:
        out = tomlkit.dumps(self.doc)
        return out.replace("\n", "\r\n") if self.crlf else out

    def data(self) -> dict[str, Any]:
        """What stdlib tomllib reads back from `text()` (the check that matters)."""
        return tomllib.loads(self.text())

    def _anchor_for(self, key: str) -> str | None:
        if key not in CANONICAL_ORDER:
            return None
        present = [k for k in self.doc if not isinstance(self.doc.item(k), (Table, AoT))]
        before = CANONICAL_ORDER[: CANONICAL_ORDER.index(key)]
        for candidate in reversed(before):
            if candidate in present:
                # Only a key in the leading block of plain keys can anchor an insertion.
                return candidate
        return None


def _styled(value: Any, old: Any) -> Any:
    """A tomlkit item for `value`, in the style of the value it replaces."""
    if isinstance(value, str):
        multiline = "\n" in value or (isinstance(old, String) and old.type.is_multiline())
        literal = (isinstance(old, String) and old.type in (StringType.SLL, StringType.MLL)
                   and "'" not in value and not any(ord(c) < 32 and c != "\n" for c in value))
        if multiline and literal and "'''" in value:
            literal = False
        return tomlkit.string(value, literal=literal, multiline=multiline)
    if isinstance(value, date):
        return tomlkit.date(value.isoformat())
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        return array
    return tomlkit.item(value)
