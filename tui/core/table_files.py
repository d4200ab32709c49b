"""Reading a tracker file into sheets of rows: CSV (UTF-8, UTF-8 with BOM or cp1252, the
delimiter sniffed) or XLSX (openpyxl, read-only, computed values; merged cells filled
into every row they cover)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Sheet:
    name: str                    # "" for a CSV
    rows: list[list[Any]]        # rows[0] is row 1
    notes: list[str]
    exact: bool = False          # the board pack's CSV: unescape cells, keep text exact


def read_csv(path: Path) -> list[Sheet]:
    """The CSV split with each delimiter that could be its own; the caller keeps the one
    that finds the headings."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    if data.startswith(b"PK\x03\x04"):
        raise ValueError(f"{path} is an Excel workbook, not CSV text: name it .xlsx")
    notes = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, notes = data.decode("utf-16", errors="replace"), ["read as UTF-16 text"]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ValueError(f"{path} is neither UTF-8 nor Windows-1252 text: save it "
                                 "from Excel as CSV UTF-8") from None
            notes = ["read as Windows-1252 text (not UTF-8)"]
    if "\0" in text:
        raise ValueError(f"{path} is not CSV text (it holds NUL characters)")
    delimiters = [",", ";", "\t"]
    first, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=.", first.rstrip("\r"), re.IGNORECASE):  # Excel's delimiter line
        delimiters, text = [first.rstrip("\r")[4]], rest  # Excel does not show it as a row
    sheets = []
    for delimiter in delimiters:
        try:
            rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""),
                                                      delimiter=delimiter)]
        except csv.Error as error:
            raise ValueError(f"{path} is not readable CSV: {error}") from None
        name = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(delimiter, repr(delimiter))
        sheet_notes = [*notes, f"columns separated by {name}"] if delimiter != "," else notes
        sheets.append(Sheet("", rows, list(sheet_notes)))
    return sheets


def read_xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of afi
        raise ValueError(f"reading {path} needs openpyxl: pip install openpyxl") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, InvalidFileException, XML errors
        raise ValueError(f"{path} is not a readable Excel workbook (.xlsx): "
                         f"{error or type(error).__name__}") from None
    sheets = []
    try:
        for sheet in workbook.worksheets:
            try:
                sheet.reset_dimensions()  # some writers record a wrong size
                rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            except Exception as error:
                raise ValueError(f"{path}: sheet '{sheet.title}' is not readable: "
                                 f"{error or type(error).__name__}") from None
            _fill_merged(rows, _merged_ranges(sheet))
            sheets.append(Sheet(sheet.title, rows, []))
    finally:
        workbook.close()
    return sheets


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges (min_col, min_row, max_col, max_row). A read-only sheet
    does not expose them, so they are read from its XML; without them (a change in
    openpyxl) merged cells are read as empty, which the continuation rule covers."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    try:
        source = sheet._get_source()
    except Exception:
        return []
    ranges = []
    try:
        with source:
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and element.get("ref"):
                    ranges.append(range_boundaries(element.get("ref")))
                elif element.tag.endswith("}row"):
                    element.clear()
    except Exception:
        return []
    return ranges


def _fill_merged(rows: list[list[Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """A vertically merged cell's value in every row it covers (its first column only: a
    row-wide band stays one cell, a section heading)."""
    for min_col, min_row, _max_col, max_row in ranges:
        if max_row <= min_row or min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for number in range(min_row + 1, min(max_row, len(rows)) + 1):
            row = rows[number - 1]
            if len(row) < min_col:
                row.extend([None] * (min_col - len(row)))
            if row[min_col - 1] in (None, ""):
                row[min_col - 1] = value


