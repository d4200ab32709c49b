"""Build tracker.xlsx, the Excel form of tracker.csv, as a force would keep it.

    .venv/bin/python tests/data/make_tracker_xlsx.py [OUT]   (default: tests/data/tracker.xlsx)

The workbook is generated, never committed (tests/data/.gitignore). Tests call `make(path)`.
It holds what the CSV holds, the way Excel stores it:

- a "Read me" sheet first, with no headings, then the "Tracker" sheet;
- a title row above the headings (merged across the columns) and a blank row, so the
  headings are on row 3, as in the CSV;
- dates written in full (31/03/2023, 2023-09-30) and the Excel serial number of the CSV
  (45107) as real date cells; the other forms (31-Mar-23, Q2 2023, Mar-24, TBC) as text;
- the reference, area and finding of an AFI merged down over its continuation rows (the
  rows the CSV leaves blank);
- a "Key" sheet last.

tracker.csv: 30 rows of PEEL 2021/22 AFIs (and one recommendation, R1) with the areas of
the shipped plan, several rows per AFI, every date form and several status words. It has no
inspection column: import it with --inspection.
"""

from __future__ import annotations

import csv
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
DATE_HEADINGS = ("Target date", "Date of update")
MERGED_HEADINGS = ("AFI No.", "Inspection area", "Area for improvement")


def _cell(value: str, heading: str):
    """A date column's full dates and serial numbers as datetimes; the rest as text."""
    if heading not in DATE_HEADINGS:
        return value or None
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", value):
        return datetime.strptime(value, "%d/%m/%Y")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.strptime(value, "%Y-%m-%d")
    if re.fullmatch(r"\d{5}", value):
        return datetime(1899, 12, 30) + timedelta(days=int(value))
    return value or None


def make(path: Path, source: Path = HERE / "tracker.csv") -> Path:
    from openpyxl import Workbook

    with source.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    title, header, rows = lines[0][0], lines[2], lines[3:]
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    readme["A1"] = "Kent Police PEEL 2021/22 improvement tracker"
    readme["A3"] = "Updated monthly for the Force Improvement Board. Tracker on the next sheet."
    sheet = book.create_sheet("Tracker")
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append([])
    sheet.append(header)
    for values in rows:
        sheet.append([_cell(v, h) for v, h in zip(values, header, strict=True)])
    for heading in DATE_HEADINGS:
        column = header.index(heading) + 1
        for number in range(4, 4 + len(rows)):
            if isinstance(sheet.cell(number, column).value, datetime):
                sheet.cell(number, column).number_format = "dd/mm/yyyy"
    _merge_continuations(sheet, header, rows)
    key = book.create_sheet("Key")
    key.append(["Status", "Meaning"])
    key.append(["Blue", "Complete, awaiting sign-off"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _merge_continuations(sheet, header: list[str], rows: list[list[str]]) -> None:
    """Merge each AFI's reference, area and finding down over the rows below it whose
    reference and finding are blank (rows 4.. of the sheet)."""
    ref = header.index("AFI No.")
    title = header.index("Area for improvement")
    start = None
    for offset in range(len(rows) + 1):
        blank = offset < len(rows) and not rows[offset][ref] and not rows[offset][title]
        if blank:
            continue
        if start is not None and offset - 1 > start:
            for heading in MERGED_HEADINGS:
                column = header.index(heading) + 1
                sheet.merge_cells(start_row=4 + start, start_column=column,
                                  end_row=4 + offset - 1, end_column=column)
        start = offset


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "tracker.xlsx"
    print(make(out))
