"""Reading a tracker file into sheets of rows: CSV (UTF-8, UTF-8 with BOM or cp1252, the
delimiter sniffed) or XLSX (openpyxl, read-only, computed values; merged cells filled
into every row they cover).

Within bounds, because a small file can unpack into a huge one (an .xlsx is a zip: 1 MB
can hold 200,000 rows, or a 300 MB string): at most MAX_BYTES of text (a CSV file, or the
parts of a workbook unpacked, judged from the zip's own sizes before anything is parsed),
MAX_ROWS rows and MAX_COLUMNS columns a sheet, MAX_CELL characters a cell (Excel's own
limit). A sheet's recorded size (<dimension>) can lie, and one cell at column XFD would
make every row 16,384 wide: so the sheet's cells are scanned first, in a stream, for the
rows and columns really used, and the rows are read only that wide. A file beyond a limit
is refused with a message naming it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import ImportRefused

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_BYTES = 50_000_000     # text of a CSV, or a workbook's parts unpacked
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL = 32_767          # characters: Excel's own limit for a cell


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
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"{path} is larger than {MAX_BYTES:,} bytes, the most afi reads "
                         "from a tracker: split it, or remove what is not the plan")
    if data.startswith(b"PK\x03\x04"):
        raise ImportRefused(f"{path} is an Excel workbook, not CSV text: name it .xlsx")
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
                raise ImportRefused(f"{path} is neither UTF-8 nor Windows-1252 text: save it "
                                 "from Excel as CSV UTF-8") from None
            notes = ["read as Windows-1252 text (not UTF-8)"]
    if "\0" in text:
        raise ImportRefused(f"{path} is not CSV text (it holds NUL characters)")
    delimiters = [",", ";", "\t"]
    first, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=.", first.rstrip("\r"), re.IGNORECASE):  # Excel's delimiter line
        delimiters, text = [first.rstrip("\r")[4]], rest  # Excel does not show it as a row
    sheets = []
    for delimiter in delimiters:
        try:
            rows = []
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise ImportRefused(_too_many_rows(path, ""))
        except csv.Error as error:
            raise ImportRefused(f"{path} is not readable CSV: {error}") from None
        if max(map(len, rows), default=0) > MAX_COLUMNS:
            _check_width(path, "", rows)
        name = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(delimiter, repr(delimiter))
        sheet_notes = [*notes, f"columns separated by {name}"] if delimiter != "," else notes
        sheets.append(Sheet("", rows, list(sheet_notes)))
    return sheets


def read_xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of afi
        raise ImportRefused(f"reading {path} needs openpyxl: pip install openpyxl") from None
    _check_unpacked_size(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, InvalidFileException, XML errors
        raise ImportRefused(f"{path} is not a readable Excel workbook (.xlsx): "
                         f"{error or type(error).__name__}") from None
    sheets = []
    try:
        for sheet in workbook.worksheets:
            ranges, last_row, last_column = _scan_sheet(path, sheet)
            try:
                rows = [list(row) for row in sheet.iter_rows(
                    max_row=last_row, max_col=last_column, values_only=True)] \
                    if last_row else []
            except Exception as error:
                raise ImportRefused(f"{path}: sheet '{sheet.title}' is not readable: "
                                 f"{error or type(error).__name__}") from None
            _check_cells(path, sheet.title, rows)
            _fill_merged(rows, ranges)
            sheets.append(Sheet(sheet.title, rows, []))
    finally:
        workbook.close()
    return sheets


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_BYTES, from the sizes the
    zip records (openpyxl reads the shared strings whole when it opens a workbook)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (OSError, zipfile.BadZipFile) as error:
        raise ImportRefused(f"{path} is not a readable Excel workbook (.xlsx): "
                         f"{error or type(error).__name__}") from None
    total = sum(member.file_size for member in members)
    if total > MAX_BYTES:
        biggest = max(members, key=lambda member: member.file_size)
        raise ImportRefused(f"{path} unpacks to {total:,} bytes ({biggest.filename}: "
                         f"{biggest.file_size:,}), more than the {MAX_BYTES:,} afi reads from "
                         "a tracker: save only the sheets of the plan, without huge cells")


def _scan_sheet(path: Path, sheet: Any) -> tuple[list[tuple[int, int, int, int]], int, int]:
    """One streamed pass over the sheet's XML: its merged ranges (min_col, min_row,
    max_col, max_row), and the last row and column that hold a value; a value past
    MAX_ROWS or MAX_COLUMNS is refused as soon as the scan meets it. (A read-only sheet
    exposes neither, and its <dimension> can lie.) Without the XML (a change in openpyxl)
    the rows are read at most MAX_ROWS by MAX_COLUMNS, and merged cells as empty, which
    the continuation rule covers."""
    from openpyxl.utils.cell import column_index_from_string, range_boundaries
    from openpyxl.xml.functions import iterparse

    try:
        source = sheet._get_source()
    except Exception:
        return [], MAX_ROWS, MAX_COLUMNS
    ranges: list[tuple[int, int, int, int]] = []
    last_row = last_column = row = column = 0
    rows_parent = None
    try:
        with source:
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "row":
                        number = element.get("r")
                        row, column = (int(number) if number else row + 1), 0
                    elif tag == "sheetData":
                        rows_parent = element
                    continue
                if tag == "c":
                    ref = element.get("r")
                    letters = ref.rstrip("0123456789") if ref else ""
                    column = column_index_from_string(letters) if letters else column + 1
                    if any(element.itertext()):  # <v>, <is><t>, <f>: a value
                        if column > MAX_COLUMNS:
                            raise ImportRefused(
                                f"{path}: {_where(sheet.title)}cell {ref or column} holds a "
                                f"value beyond column {_column_name(MAX_COLUMNS)}: afi reads "
                                f"at most {MAX_COLUMNS} columns")
                        if row > MAX_ROWS:
                            raise ImportRefused(_too_many_rows(path, sheet.title))
                        last_row, last_column = row, max(last_column, column)
                elif tag == "row" and rows_parent is not None:
                    rows_parent.clear()  # the rows read so far: nothing else keeps them
                elif tag == "mergeCell" and element.get("ref"):
                    bounds = range_boundaries(element.get("ref"))
                    if None not in bounds:  # a cell range (a merged cell is never a whole column)
                        ranges.append(bounds)  # type: ignore[arg-type]
    except ImportRefused:
        raise
    except Exception:
        return ranges, MAX_ROWS, MAX_COLUMNS
    return ranges, last_row, last_column


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




def _check_cells(path: Path, title: str, rows: list[list[Any]]) -> None:
    for number, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL:
                raise ImportRefused(f"{path}: {_where(title)}cell {_column_name(index + 1)}"
                                 f"{number} holds {len(value):,} characters: afi reads at "
                                 f"most {MAX_CELL:,} in a cell (Excel's own limit)")


def _check_width(path: Path, title: str, rows: list[list[Any]]) -> None:
    for number, row in enumerate(rows, 1):
        if any(value not in (None, "") for value in row[MAX_COLUMNS:]):
            raise ImportRefused(f"{path}: {_where(title)}row {number} has a value beyond column "
                             f"{_column_name(MAX_COLUMNS)}: afi reads at most {MAX_COLUMNS} "
                             "columns")


def _too_many_rows(path: Path, title: str) -> str:
    return (f"{path}: {_where(title)}more than {MAX_ROWS:,} rows: afi reads at most "
            f"{MAX_ROWS:,} rows a sheet (remove empty or unrelated rows)")


def _where(title: str) -> str:
    return f"sheet '{title}': " if title else ""


def _column_name(number: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(number)
