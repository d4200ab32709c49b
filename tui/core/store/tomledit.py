"""Faithful edits of one item file.

Values are changed in place so comments, key order, blank lines, quoting, line
endings and a byte-order mark survive, and `git diff` shows only the lines that changed.

Two ways to make an edit, one result:
- A value on a line of its own (`status = "in-progress"  # note`) is rewritten on that
  line directly, and the new text is checked with `tomllib` against the data the edit
  should produce. This needs no tomlkit, which costs ~1 ms a file to parse (a second for
  a 1,000-item bulk change) and ~25 ms to import.
- Anything else (multi-line strings, tables, appended [[actions]], or a direct edit whose
  check fails) goes through tomlkit's layout-preserving document model.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from tui.core.model.schema import FILE_ORDER
from tui.core.store import toml_read

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# Where a key that is not yet in the file goes: after the nearest of these before it.
CANONICAL_ORDER = FILE_ORDER
_HEADER = re.compile(r"^\s*\[")
_BARE_VALUE = re.compile(r"[^\s#]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


class ItemDocument:
    """One item file being edited; `text()` gives it back with the edits."""

    def __init__(self, text: str):
        self.bom = text[:1] == toml_read.BOM  # kept on write: the diff stays one line
        text = text[1:] if self.bom else text
        self.crlf = "\r\n" in text
        self._source = text.replace("\r\n", "\n") if self.crlf else text
        self._doc: Any = None  # tomlkit document, parsed only when an edit needs it
        self._data: dict[str, Any] | None = None

    # -- reading ------------------------------------------------------------------------
    def text(self) -> str:
        text = self._source.replace("\n", "\r\n") if self.crlf else self._source
        return toml_read.BOM + text if self.bom else text

    def data(self) -> dict[str, Any]:
        """What stdlib tomllib reads from the current text (the check that matters)."""
        if self._data is None:
            self._data = toml_read.loads(self._source)
        return self._data

    @property
    def doc(self) -> Any:
        if self._doc is None:
            import tomlkit

            self._doc = tomlkit.parse(self._source)
        return self._doc

    def _from_doc(self) -> None:
        """After a tomlkit edit: the document's text is the new source."""
        import tomlkit

        self._source = tomlkit.dumps(self._doc)
        self._data = None

    # -- scalars and arrays of strings -------------------------------------------------
    def set(self, key: str, value: Any) -> None:
        """Set a top-level value; None removes the key."""
        if self._set_line(key, value):
            return
        doc = self.doc
        if value is None:
            if key in doc:
                del doc[key]
        else:
            new = _styled(value, doc.item(key) if key in doc else None)
            if key in doc:
                doc[key] = new
            elif (anchor := self._anchor_for(key)) is not None:
                _insert_after(doc, anchor, key, new)  # public API only appends at the end
            else:
                doc.append(key, new)
        self._from_doc()

    def add_to_array(self, key: str, value: str) -> bool:
        """Append a string to an array (creating it); False if it was already there."""
        current = list(self.data().get(key, []))
        if value in current:
            return False
        if not self._set_line(key, [*current, value]):
            if key in self.doc:
                self.doc[key].append(value)
                self._from_doc()
            else:
                self.set(key, [value])
        return True

    def remove_from_array(self, key: str, value: str) -> bool:
        current = list(self.data().get(key, []))
        if value not in current:
            return False
        current.remove(value)
        if not self._set_line(key, current):
            array = self.doc[key]
            del array[list(array).index(value)]
            self._from_doc()
        return True

    # -- arrays of tables (always tomlkit) -----------------------------------------------
    def set_path(self, path: tuple[str | int, ...], value: Any) -> None:
        """Set a nested value: ("closure", "board"), ("actions", 2, "done"); None removes it.
        A one-key path is `set`."""
        if len(path) == 1:
            self.set(str(path[0]), value)
            return
        self._end_with_newline()
        container = self.doc
        for part in path[:-1]:
            container = container[part]
        key = path[-1]
        if value is None:
            if key in container:
                del container[key]
        elif key in container:
            container[key] = _styled(value, container.item(key))
        else:
            _append_in_table(container, key, _styled(value, None))
        self._from_doc()

    def add_table_from(self, key: str, other: ItemDocument) -> None:
        """Add top-level table `key` as `other` has it, comments and all, at the end."""
        self._end_with_newline()
        other._end_with_newline()
        table = other.doc.item(key)
        _strip_trailing_blank(table)
        table.trivia.indent = "" if self._source.endswith("\n\n") or not self._source else "\n"
        self.doc.append(key, table)
        self._from_doc()

    def is_table_array(self, key: str) -> bool:
        """Whether top-level `key` is written as `[[key]]` tables."""
        from tomlkit.items import AoT

        return key in self.doc and isinstance(self.doc.item(key), AoT)

    def arrange_tables(self, key: str,
                       entries: Sequence[int | tuple[ItemDocument, int]]) -> None:
        """Rewrite `[[key]]` as `entries`, in that order: an int is one of this file's
        tables, `(other, i)` the i-th `[[key]]` table of another document. Each table keeps
        its text; the blank lines after each of this file's tables stay, so keeping the
        order and adding at the end changes no existing line. No entries removes the key."""
        import tomlkit
        from tomlkit.items import AoT

        self._end_with_newline()
        doc = self.doc
        if key in doc and not isinstance(doc.item(key), AoT):
            raise ValueError(f"'{key}' is not an array of tables")
        old = list(doc.item(key).body) if key in doc else []
        gaps = [_strip_trailing_blank(table) for table in old]
        inner = gaps[0] if len(old) > 1 else "\n"  # the file's own spacing between tables
        tables, after = [], []
        for entry in entries:
            if isinstance(entry, int):
                tables.append(old[entry])
                after.append(gaps[entry] if entry < len(old) - 1 else inner)
            else:
                other, index = entry
                other._end_with_newline()
                table = other.doc[key][index]
                _strip_trailing_blank(table)
                table.trivia.indent = ""
                tables.append(table)
                after.append(inner)
        if not tables:
            if key in doc:
                del doc[key]
            self._from_doc()
            return
        # What separated the array from what follows. A split array (tomlkit#601 joins
        # its parts) may have ended the file: it needs a blank line before the next table.
        if old:
            last_in_file = doc.body[-1][1] is doc.item(key)
            after[-1] = gaps[-1] if last_in_file else gaps[-1] or "\n"
        else:
            after[-1] = ""
        for table, blank in zip(tables, after, strict=True):
            if blank:
                table.value.append(None, tomlkit.ws(blank))
        if key in doc:
            array = doc.item(key)
            del array[:]
        else:
            tables[0].trivia.indent = "\n"
            array = tomlkit.aot()
            doc.append(key, array)
        for table in tables:
            array.append(table)
        self._from_doc()

    def append_table(self, key: str, values: dict[str, Any]) -> None:
        """Append a `[[key]]` table, separated from what precedes it by a blank line."""
        import tomlkit
        from tomlkit.items import AoT

        self._end_with_newline()
        doc = self.doc
        table = tomlkit.table()
        for subkey, value in values.items():
            if value is not None:
                table.append(subkey, _styled(value, None))
        table.trivia.indent = "\n"
        if key not in doc:
            doc.append(key, tomlkit.aot())
        if not isinstance(doc[key], AoT):
            raise ValueError(f"'{key}' is not an array of tables")
        doc[key].append(table)
        self._from_doc()

    # -- the direct, one-line edit -------------------------------------------------------
    def _set_line(self, key: str, value: Any) -> bool:
        """Rewrite, insert or drop the line holding `key`; False if that is not safe."""
        lines = self._source.split("\n")
        top = next((n for n, line in enumerate(lines) if _HEADER.match(line)), len(lines))
        found = [(n, split) for n in range(top) if (split := _split_line(lines[n], key))]
        old = found[0][1] if len(found) == 1 else None
        if len(found) > 1 or (old is None and value is None):
            return False
        if value is None:
            del lines[found[0][0]]
        else:
            rendered = _render(value, old[1] if old else "")
            if rendered is None:
                return False
            if old is not None:
                prefix, _, rest = old
                lines[found[0][0]] = f"{prefix}{rendered}{rest}"
            else:
                anchor = _anchor_line(lines[:top], key)
                if anchor is None:
                    return False
                lines.insert(anchor + 1, f"{key} = {rendered}")
        new_source = "\n".join(lines)
        expected = dict(self.data())
        if value is None:
            expected.pop(key, None)
        else:
            expected[key] = value
        try:
            got = toml_read.loads(new_source)
        except toml_read.TOMLDecodeError:
            return False
        if got != expected:
            return False
        self._source, self._data, self._doc = new_source, got, None
        return True

    def _end_with_newline(self) -> None:
        if not self._source.endswith("\n"):
            # tomlkit would glue a new header onto the last line (`x = 1[[t]]`).
            self._source += "\n"
            self._doc = None
            self._data = None

    def _anchor_for(self, key: str) -> str | None:
        from tomlkit.items import AoT, Table

        if key not in CANONICAL_ORDER:
            return None
        present = [k for k in self.doc if not isinstance(self.doc.item(k), (Table, AoT))]
        for candidate in reversed(CANONICAL_ORDER[: CANONICAL_ORDER.index(key)]):
            if candidate in present:
                return candidate
        return None


def _anchor_line(top_lines: list[str], key: str) -> int | None:
    """The line after which a new `key` goes: its nearest predecessor in canonical order
    that is present on one line. None sends the edit to tomlkit."""
    if key not in CANONICAL_ORDER:
        return None
    for candidate in reversed(CANONICAL_ORDER[: CANONICAL_ORDER.index(key)]):
        for n, line in enumerate(top_lines):
            if line.lstrip().startswith(candidate):
                if _split_line(line, candidate):
                    return n
                if line.lstrip()[len(candidate):].lstrip().startswith("="):
                    return None  # present, but spanning lines
    return None


def _split_line(line: str, key: str) -> tuple[str, str, str] | None:
    """(prefix up to the value, the value's text, what follows) for a one-line `key = v`."""
    stripped = line.lstrip()
    if not stripped.startswith(key):
        return None
    after = stripped[len(key):]
    eq = after.lstrip()
    if not eq.startswith("="):
        return None
    value_start = len(line) - len(eq[1:].lstrip())
    prefix, value = line[:value_start], line[value_start:]
    end = _value_end(value)
    if end is None:
        return None
    return prefix, value[:end], value[end:]


def _value_end(value: str) -> int | None:
    """Length of a one-line TOML value at the start of `value`, or None if it is not one."""
    if value.startswith(('"""', "'''")):
        return None  # multi-line: tomlkit's job
    if value.startswith('"'):
        n = 1
        while n < len(value):
            if value[n] == "\\":
                n += 2
                continue
            if value[n] == '"':
                return n + 1
            n += 1
        return None
    if value.startswith("'"):
        close = value.find("'", 1)
        return None if close < 0 else close + 1
    if value.startswith("["):
        depth, n, quote = 0, 0, None
        while n < len(value):
            c = value[n]
            if quote:
                if c == "\\" and quote == '"':
                    n += 1
                elif c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return n + 1
            n += 1
        return None
    match = _BARE_VALUE.match(value)
    return match.end() if match else None


def _render(value: Any, old: str) -> str | None:
    """TOML text for `value` in the style of `old` (its current text), or None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if "\n" in value:
            return None
        if old.startswith("'") and "'" not in value and not _has_control(value):
            return f"'{value}'"
        return _basic(value)
    if isinstance(value, list) and all(isinstance(v, str) and "\n" not in v for v in value):
        return "[" + ", ".join(_basic(v) for v in value) + "]"
    return None


def _basic(text: str) -> str:
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def _styled(value: Any, old: Any) -> Any:
    """A tomlkit item for `value`, in the style of the value it replaces."""
    import tomlkit
    from tomlkit.items import String, StringType

    if isinstance(value, str):
        multiline = "\n" in value or (isinstance(old, String) and old.type.is_multiline())
        literal = (isinstance(old, String) and old.type in (StringType.SLL, StringType.MLL)
                   and "'" not in value and not _has_control(value.replace("\n", "")))
        if multiline and literal and "'''" in value:
            literal = False
        new = tomlkit.string(value, literal=literal, multiline=multiline)
        if multiline and isinstance(old, String) and old.type.is_multiline() \
                and old.as_string()[3:4] == "\n" and new.as_string()[3:4] != "\n":
            # Keep the opening quotes on a line of their own: a newline right after them
            # is not part of the text (TOML trims it).
            new._original = "\n" + new._original
        return new
    if isinstance(value, date) and not isinstance(value, datetime):
        return tomlkit.date(value.isoformat())
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        return array
    return tomlkit.item(value)


def _insert_after(container: Any, anchor: str, key: str, item: Any) -> None:
    """Insert `key` right after `anchor` (tomlkit 0.15 has no public way, nor the
    private `_insert_after` it used to have)."""
    body = container.body
    at = next(n for n, (k, _) in enumerate(body) if k is not None and k.key == anchor)
    if at + 1 < len(body):
        container._insert_at(at + 1, key, item)
    else:
        container.append(key, item)


def _append_in_table(table: Any, key: str | int, item: Any) -> None:
    """Add `key` after the table's last value: before the blank lines and comments that
    end it, which lead into whatever follows (tomlkit would append after them)."""
    from tomlkit.items import Table

    if not isinstance(table, Table):
        table.append(key, item)
        return
    body = table.value.body
    tail: list[Any] = []
    while body and body[-1][0] is None:  # unkeyed: whitespace and comments, not indexed
        tail.insert(0, body.pop())
    table.append(key, item)  # type: ignore[arg-type]  # a table's keys are names
    body.extend(tail)


def _strip_trailing_blank(table: Any) -> str:
    """Take the blank lines off the end of a table; return them."""
    from tomlkit.items import Whitespace

    body = table.value.body
    blank = ""
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        blank = body.pop()[1].s + blank
    return blank
