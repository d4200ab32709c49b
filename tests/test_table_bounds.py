"""Spreadsheets read within bounds: a small file that unpacks into a huge one is refused
quickly, in little memory, with a message naming the limit (tui/core/table_files.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tui.core.errors import ImportRefused
from tui.core.imports import tracker_files as table_files
from tui.core.imports.tracker_files import (
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    read_csv,
    read_xlsx,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
        '"Tracker" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>'),
}
HEADINGS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t></is></c><c r="B1" t="inlineStr">'
            '<is><t>Finding</t></is></c></row>')


def workbook(path: Path, rows, shared: list[str] | None = None, shared_chunks=None) -> Path:
    """An .xlsx written by hand, part by part: `rows` yields <row> XML (streamed into the
    zip), its <dimension> says A1:B2 whatever the rows hold (a lie, as some writers do)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
                        '<dimension ref="A1:B2"/><sheetData>'.encode())
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for text in shared or []:
                strings.write(f"<si><t>{text}</t></si>".encode())
            if shared_chunks is not None:
                strings.write(b"<si><t>")
                for chunk in shared_chunks:
                    strings.write(chunk)
                strings.write(b"</t></si>")
            strings.write(b"</sst>")
    return path


def run_reader(path: Path) -> tuple[str, float, int]:
    """Read `path` the way `afi import table` does, in a process of its own: what it said,
    the seconds it took and its peak memory in MB (the kernel's count for that child)."""
    code = ("import sys\nfrom pathlib import Path\n"
            "from tui.core.errors import ImportRefused\n"
            "from tui.core.imports.tracker_files import read_xlsx\n"
            "try:\n    sheets = read_xlsx(Path(sys.argv[1]))\n"
            "    print('read', sum(len(s.rows) for s in sheets))\n"
            "except ImportRefused as error:\n    print(error)\n")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                               text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, out
    return out.strip(), time.monotonic() - started, usage.ru_maxrss // 1024


def test_a_bomb_of_200000_rows_with_a_cell_at_column_xfd_is_refused(tmp_path):
    bomb = workbook(tmp_path / "bomb.xlsx", (f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>'
                                             for n in range(1, 200_001)))
    assert bomb.stat().st_size < 1_500_000
    said, seconds, megabytes = run_reader(bomb)
    assert f"at most {MAX_COLUMNS} columns" in said and "XFD1" in said, said
    assert seconds < 5 and megabytes < 200, (seconds, megabytes)


def test_a_bomb_of_200000_rows_is_refused_at_the_row_limit(tmp_path):
    bomb = workbook(tmp_path / "rows.xlsx", (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'
                                             for n in range(1, 200_001)))
    said, seconds, megabytes = run_reader(bomb)
    assert f"at most {MAX_ROWS:,} rows" in said, said
    assert seconds < 5 and megabytes < 200, (seconds, megabytes)


def test_a_300_mb_shared_string_is_refused_before_it_is_read(tmp_path):
    chunk = b"A" * (1 << 20)
    bomb = workbook(tmp_path / "string.xlsx", [HEADINGS], shared_chunks=(chunk for _ in range(300)))
    assert bomb.stat().st_size < 2_000_000
    said, seconds, megabytes = run_reader(bomb)
    assert f"more than the {MAX_BYTES:,}" in said and "sharedStrings.xml" in said, said
    assert seconds < 5 and megabytes < 200, (seconds, megabytes)


def test_the_import_command_names_the_limit(tmp_path, plan_dir, afi):
    bomb = workbook(tmp_path / "bomb.xlsx", (f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>'
                                             for n in range(1, 1_001)))
    code, _, err = afi("import", "table", str(bomb), "--dry-run", "--inspection", "PEEL22",
                       cwd=plan_dir.parent)
    assert code == 1 and f"at most {MAX_COLUMNS} columns" in err


def test_empty_styled_cells_far_right_do_not_widen_the_rows(tmp_path):
    """Formatting to column XFD (no values) is read past, and the rows stay as wide as the
    values are."""
    path = workbook(tmp_path / "styled.xlsx", [HEADINGS] + [
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>AFI {n}</t></is></c>'
        f'<c r="XFD{n}" s="0"/></row>' for n in range(2, 2_002)])
    sheet = read_xlsx(path)[0]
    assert len(sheet.rows) == 2_001 and {len(row) for row in sheet.rows} == {2}
    assert sheet.rows[1] == ["AFI 2", None]


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path):
    path = workbook(tmp_path / "long.xlsx", [HEADINGS, '<row r="2"><c r="A2" t="inlineStr">'
                                             '<is><t>AFI 1</t></is></c><c r="B2" t="s"><v>0</v>'
                                             '</c></row>'], shared=["x" * (MAX_CELL + 1)])
    with pytest.raises(ImportRefused, match=f"cell B2 holds {MAX_CELL + 1:,} characters"):
        read_xlsx(path)


def test_a_value_beyond_the_column_limit_is_refused_naming_its_cell(tmp_path):
    book = Workbook()
    book.active.append(["Ref", "Finding"])
    book.active.cell(row=3, column=MAX_COLUMNS + 1, value="stray")
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(ImportRefused, match="cell GS3 holds a value beyond column GR"):
        read_xlsx(tmp_path / "wide.xlsx")


def test_csv_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(table_files, "MAX_ROWS", 100)
    rows = tmp_path / "rows.csv"
    rows.write_text("Ref,Finding\n" + "".join(f"AFI {n},x\n" for n in range(200)))
    with pytest.raises(ImportRefused, match="at most 100 rows"):
        read_csv(rows)
    wide = tmp_path / "wide.csv"
    wide.write_text("Ref,Finding\n" + "a," * MAX_COLUMNS + "far\n")
    with pytest.raises(ImportRefused, match=f"at most {MAX_COLUMNS} columns"):
        read_csv(wide)
    monkeypatch.setattr(table_files, "MAX_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text("Ref,Finding\n" + "AFI 1,x\n" * 200)
    with pytest.raises(ImportRefused, match="larger than 1,000 bytes"):
        read_csv(big)
