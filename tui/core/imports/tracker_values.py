"""A tracker's rows and the values in them: dates, statuses, kinds, numbers, done marks,
dated updates, each read or reported as a problem naming the row and column. See
table_import for the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tui.core.errors import ImportRefused
from tui.core.imports.tracker_columns import (
    _NOT_APPLICABLE,
    KIND_WORDS,
    NO,
    RAG_WORDS,
    STATUS_WORDS,
    YES,
    _cell_text,
    _Column,
    _key,
    _word,
    multi_line,
    one_line,
)
from tui.core.imports.tracker_dates import DATE_FORMS, leading_date, parse_date
from tui.core.imports.tracker_files import Sheet
from tui.core.model.items import KINDS, PlanConfig
from tui.core.safe_text import unescape_cell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Day = date  # `date` is also a method's name below


@dataclass
class RowProblem:
    row: int
    message: str

# ---------------------------------------------------------------------------- rows


@dataclass
class _Cell:
    heading: str
    value: Any


@dataclass
class _Row:
    number: int
    cells: dict[str, list[_Cell]]          # field -> its cells (several for MULTI_COLUMNS)
    filled: list[tuple[str | None, int]]   # (field or None, column index): non-empty cells
    raw: list[str]                         # every cell's text

    def text(self, name: str) -> str:
        cells = self.cells.get(name)
        return _cell_text(cells[0].value) if cells else ""

    def cell(self, name: str) -> _Cell | None:
        cells = self.cells.get(name)
        return cells[0] if cells else None


def _rows(sheet: Sheet, header_index: int, columns: list[_Column]) -> list[_Row]:
    by_index = {column.index: column for column in columns}
    out = []
    for offset, raw in enumerate(sheet.rows[header_index + 1:]):
        number = header_index + 2 + offset
        cells: dict[str, list[_Cell]] = {}
        filled: list[tuple[str | None, int]] = []
        for index, value in enumerate(raw):
            if sheet.exact and isinstance(value, str):
                value = unescape_cell(value)
            text = _cell_text(value)
            if not (text if sheet.exact else text.strip()):  # the board pack keeps " "
                continue
            column = by_index.get(index)
            filled.append((column.field if column else None, index))
            if column:
                cells.setdefault(column.field, []).append(_Cell(column.heading, value))
        if filled:
            out.append(_Row(number, cells, filled, [_cell_text(v) for v in raw]))
    return out


class _Values:
    """Reads the values of rows (the item reader, tracker_items._Reader, builds on it)."""

    def __init__(self, config: PlanConfig, columns: list[_Column], exact: bool,
                 status_words: dict[str, str] | None):
        self.config = config
        self.exact = exact
        self.fields = {column.field for column in columns}
        self.problems: list[RowProblem] = []
        self.table_notes: list[str] = []
        self.unread: list[str] = []
        self.status_table = self._status_table(status_words)
        self.rag_table = {w: s for w, s in RAG_WORDS.items() if s[0] in config.statuses}
        for word, status in (status_words or {}).items():
            self.rag_table[_word(word)] = (status, False)

    def _status_table(self, status_words: dict[str, str] | None) -> dict[str, tuple[str, bool]]:
        statuses = self.config.statuses
        table = {w: s for w, s in STATUS_WORDS.items() if s[0] in statuses}
        table |= {_word(s): (s, False) for s in statuses}
        for word, status in (status_words or {}).items():
            if status not in statuses:
                raise ImportRefused(f"status word '{word}' maps to '{status}', which is not one of "
                                 f"the plan's statuses: {', '.join(statuses)}")
            table[_word(word)] = (status, False)
        return table

    # ------------------------------------------------------------------ values

    def problem(self, row: _Row, message: str) -> None:
        self.problems.append(RowProblem(row.number, message))

    def text(self, row: _Row, name: str, multiline: bool = False) -> str:
        raw = row.text(name)
        if self.exact:
            return raw
        return multi_line(raw) if multiline else one_line(raw)

    def date(self, row: _Row, name: str, notes: list[str]) -> date | None:
        cell = row.cell(name)
        if cell is None:
            return None
        return self._date_of(row, name, cell, notes)

    def _date_of(self, row: _Row, name: str, cell: _Cell, notes: list[str]) -> Day | None:
        try:
            value, note = parse_date(cell.value)
        except ValueError as error:
            why = f" ({error})" if str(error) else ""
            self.problem(row, f"{name} '{_cell_text(cell.value)}'{_in_column(name, cell)} is "
                              f"not a date{why}: use {DATE_FORMS}")
            return None
        if note:
            notes.append(f"row {row.number}: {name} {note}")
        elif value is None and _word(_cell_text(cell.value)) not in _NOT_APPLICABLE:
            self.unread.append(f"row {row.number}: {name} '{one_line(_cell_text(cell.value))}'"
                               f"{_in_column(name, cell)} is not a date: read as no date")
        return value

    def status(self, row: _Row, notes: list[str]) -> str | None:
        """The row's own status: its status cell, else its RAG cell (noted)."""
        cell = row.cell("status")
        rag = row.cell("rag")
        if cell is not None:
            status = self._word_status(row, cell, "status", self.status_table)
            if status and rag is not None and not self.exact:
                rag_status = self._lookup(rag.value, self.rag_table)
                if rag_status and self.config.is_done(rag_status[0]) != \
                        self.config.is_done(status):
                    notes.append(f"row {row.number}: RAG '{_cell_text(rag.value)}' disagrees "
                                 f"with status '{_cell_text(cell.value)}': the status kept")
            if status and self._loose(cell.value, self.status_table):
                notes.append(f"row {row.number}: status '{_cell_text(cell.value).strip()}' "
                             f"mapped to {status}")
            return status
        if rag is None:
            return None
        status = self._word_status(row, rag, "RAG", self.rag_table)
        if status:
            notes.append(f"row {row.number}: status {status} from RAG "
                         f"'{_cell_text(rag.value).strip()}'")
        return status

    def _lookup(self, value: Any, table: dict[str, tuple[str, bool]]) -> tuple[str, bool] | None:
        word = _word(_cell_text(value))
        return table.get(word) or self.status_table.get(word)

    def _loose(self, value: Any, table: dict[str, tuple[str, bool]]) -> bool:
        found = self._lookup(value, table)
        return bool(found and found[1])

    def _word_status(self, row: _Row, cell: _Cell, what: str,
                     table: dict[str, tuple[str, bool]]) -> str | None:
        found = self._lookup(cell.value, table)
        if found is None:
            words = table if table is self.status_table else {**self.status_table, **table}
            self.problem(row, f"{what} '{_cell_text(cell.value).strip()}'"
                              f"{_in_column(what.lower(), cell)} is not a status afi knows; it "
                              f"knows {_known_words(words)} (or add the word to the plan's "
                              "status words)")
            return None
        return found[0]

    def kind(self, row: _Row) -> str | None:
        cell = row.cell("kind")
        if cell is None:
            return None
        text = _cell_text(cell.value).strip()
        kind = KIND_WORDS.get(_word(text))
        if kind is None:
            self.problem(row, f"kind '{text}'{_in_column('kind', cell)} is not a kind: use "
                              f"{', '.join(KINDS)} (or AFI, Rec, CoC)")
        return kind

    def number(self, row: _Row) -> int | None:
        cell = row.cell("number")
        if cell is None:
            return None
        text = _cell_text(cell.value).strip()
        if re.fullmatch(r"\d{1,9}", text):
            return int(text)
        number = _number_from_ref(text)
        if number is None:
            self.problem(row, f"number '{text}'{_in_column('number', cell)} is not a number")
        return number

    def done(self, row: _Row, notes: list[str]) -> bool | None:
        cell = row.cell("action.done")
        if cell is None:
            return None
        word = _word(_cell_text(cell.value))
        if word in YES or _cell_text(cell.value).strip() in YES:
            return True
        if word in NO:
            return False
        found = self._lookup(cell.value, self.rag_table)
        if found is None:
            self.problem(row, f"action done '{_cell_text(cell.value)}'"
                              f"{_in_column('action.done', cell)} is neither yes/no nor a "
                              "status")
            return None
        if found[1]:
            notes.append(f"row {row.number}: action status '{_cell_text(cell.value)}' read "
                         f"as {found[0]}")
        return self.config.is_done(found[0])

    # ------------------------------------------------------------------ updates

    def updates(self, row: _Row, notes: list[str]) -> list[dict[str, Any]]:
        cells = row.cells.get("update", [])
        if not cells:
            return []
        by = self.text(row, "update.by")
        column_date = self.date(row, "update.date", notes)
        out = []
        for cell in cells:
            raw = _cell_text(cell.value)
            if self.exact:
                chunks = [(column_date, raw)]
            else:
                chunks = _dated_chunks(multi_line(raw))
                if len(chunks) > 1:
                    notes.append(f"row {row.number}: {len(chunks)} dated updates read from "
                                 f"one '{cell.heading}' cell")
                chunks = [(d if d is not None else column_date, t) for d, t in chunks]
                if len(chunks) == 1 and column_date and chunks[0][0] != column_date:
                    notes.append(f"row {row.number}: update dated {chunks[0][0]} in its text, "
                                 f"{column_date} in the update date column: the text's date "
                                 "kept")
            for when, text in chunks:
                if not text.strip() and not self.exact:
                    continue
                update: dict[str, Any] = {"date": when}
                if by:
                    update["by"] = by
                update["text"] = text
                out.append(update)
        return out


def _in_column(name: str, cell: _Cell) -> str:
    return "" if cell.heading.strip().lower() == name else f" in column '{cell.heading}'"


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else f"'{value}'"


def _known_words(table: dict[str, tuple[str, bool]]) -> str:
    by_status: dict[str, list[str]] = {}
    for word, (status, _) in table.items():
        by_status.setdefault(status, []).append(word)
    return "; ".join(f"{status}: {', '.join(words)}" for status, words in by_status.items())


def _ref_key(ref: str) -> str:
    return _key(ref) or ref.strip().lower()


def _title_key(title: str) -> str:
    return " ".join(title.lower().split())


def _is_sub_ref(parent: str, ref: str) -> bool:
    """'1.2' under '1', '3a' under '3', 'AFI 4.1' under 'AFI 4'."""
    parent, ref = parent.strip().lower(), ref.strip().lower()
    if not parent or not ref.startswith(parent) or not re.search(r"\d$", parent):
        return False
    return re.fullmatch(r"\s*[./-]\s*\d{1,2}|\s*[./-]?\s*[a-z]", ref[len(parent):]) is not None


def _number_from_ref(ref: str) -> int | None:
    """3 from 'AFI 3', 'R3', 'PEEL22-03', '3'; None from '3.1' or 'AFI 3a'."""
    match = re.fullmatch(r"(.*?)(\d{1,9})", ref.strip())
    if not match:
        return None
    prefix = match[1]
    if prefix and (prefix[-1].isdigit() or
                   (prefix.endswith(".") and any(c.isdigit() for c in prefix))):
        return None
    return int(match[2])


def _kind_from_ref(ref: str) -> tuple[str | None, str | None]:
    match = re.match(r"\s*([A-Za-z][A-Za-z .]*?)[\s.#:_-]*\d", ref)
    if not match:
        return None, None
    word = _word(match[1])
    if word == "r":
        return "recommendation", f"kind recommendation from the reference '{ref}'"
    return KIND_WORDS.get(word), None


def _dated_chunks(text: str) -> list[tuple[date | None, str]]:
    """A cell's text as (date, text) updates: one per line that starts with a date (lines
    after it belong to it); text before the first dated line is an undated update."""
    chunks: list[tuple[date | None, list[str]]] = []
    for line in text.split("\n"):
        dated = leading_date(line)
        if dated is not None:
            chunks.append((dated[0], [dated[1].strip()] if dated[1].strip() else []))
        elif chunks:
            chunks[-1][1].append(line)
        else:
            chunks.append((None, [line]))
    return [(when, "\n".join(lines).strip("\n")) for when, lines in chunks] or [(None, text)]


def _add_update(updates: list[dict[str, Any]], update: dict[str, Any]) -> None:
    """Once each: the same text with the same date (or no date on one side) is one update."""
    for kept in updates:
        if kept["text"] == update["text"] and (
                kept["date"] == update["date"] or None in (kept["date"], update["date"])):
            if kept["date"] is None:
                kept["date"] = update["date"]
            if "by" in update and "by" not in kept:
                kept["by"] = update["by"]
            return
    updates.append(update)


def _ordered_updates(updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    dated = sorted((u for u in updates if u["date"] is not None), key=lambda u: u["date"])
    return dated + [u for u in updates if u["date"] is None]
