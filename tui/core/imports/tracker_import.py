"""A force's own tracker (CSV or Excel) read as items: the reading half of
`afi import table FILE [--inspection ID] [--map HEADING=FIELD ...]`.

`read_table` parses; it writes nothing, allocates no ids and commits nothing. It never
guesses silently: every loose reading is a note on its item (`ImportedItem.notes`) or on
the table (`TableImport.notes`), every value it cannot read is a `RowProblem`, and every
heading it did not use is listed in `TableImport.ignored`.

Files
    `.csv`: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 (what
    Excel's "CSV" writes); columns separated by `,`, `;` or tab, whichever finds the
    headings (an Excel `sep=;` first line is obeyed). `.xlsx`: the first sheet that has
    a heading row; a vertically merged cell counts in every row it covers (as the user
    sees it). The heading row is the first row (of the first 50) with at least two
    recognised headings, so title rows above it are skipped. Row numbers are the
    spreadsheet's own (CSV: the record number, 1 = the first line).

Headings
    Matched ignoring case, spaces, punctuation and a bracketed aside ("Target date
    (dd/mm/yy)" is "Target date"), with common synonyms (`HEADINGS`). `mapping`
    (`--map HEADING=FIELD`) names or overrides a column; FIELD is one of `MAP_FIELDS`
    (`ignore` drops a column). A field read from two columns takes the first, except
    `action`, `update` and `tags`, which read every such column.

Rows to items
    - Rows with the same reference (ignoring case, spaces and punctuation: "AFI 3",
      "AFI-3") are one item, wherever they are; each row's Action cell is one action.
    - A row with no reference but a title is the item with that title (the previous one,
      or an earlier row with the same title, else a new item whose `ref` is the title).
    - A row with neither is part of the item above it (a merged cell in Excel).
    - A row whose reference extends the reference above it by a sub-number or letter
      ("1.1", "1.2", "3a" under "1" / "3") is an action of that item; its Action cell
      is the action, else its title cell (noted).
    - A row with a single filled cell, in column A or the reference, area, group, kind or
      inspection column, is a section heading (a band across the sheet): when the table
      has no area column its text is the area of the items below it (noted); otherwise
      it is skipped (noted on the table). A row filled only in unread columns is skipped.
    - Item fields come from the first row that gives them; a later row that disagrees
      is noted. Owner, due and status are also per action: when an item's rows give
      different owners (or due dates), each action keeps its own row's; a column headed
      as an action's ("Action owner", "Action due", "Action status") always is. An
      action is done when its row's status (its own, else the item's) is a done status
      other than superseded. With no owner / due column, the item takes its first
      action's owner / its latest action due date; with no status or RAG column but an
      action-done column, a status from how many actions are done (noted).
    - An item with no status is the plan's first status; with no kind, an AFI unless the
      reference says otherwise ("R2", "Rec 2": recommendation; "CoC 1"); with no
      inspection, `inspection` (the argument), else the plan's only inspection. Its
      `number` is the reference's number ("AFI 3", "PEEL22-03": 3; not "3.1").
    - A cell listing several actions, every line a bullet or number ("1. ...", "- ..."),
      is that many actions (noted).

Dates (day first, as in the UK)
    31/03/2023, 31/3/23, 31.03.2023, 31-Mar-23, 31 March 2023, 31st March 2023, ISO
    2023-03-31 (a time of day after any of them is dropped), Excel date cells, and Excel
    serial numbers (44651) in a CSV (noted). Two-digit years are 20YY. "March 2023",
    "Mar-23", "End of March 2023": the last day of that month. "Q2 2023", "2023 Q2":
    the last day of that CALENDAR quarter (Q1 = January to March, so Q2 2023 is
    2023-06-30); a financial-year quarter ("Q2 2023/24") is a problem asking for a date.
    Empty, TBC, TBA, TBD, N/A, "-", None: no date. "Ongoing", "BAU": no date (noted).
    Anything else is a problem naming the row, the column and the value. A value that
    is a problem is left out; the rest of its row is still read, so a dry run shows
    everything (the command should not import while problems remain).

Statuses
    Words map to the plan's statuses: a word that is a status (ignoring case and
    hyphens) passes; else `status_words` (plan.toml's own table), else `STATUS_WORDS`,
    limited to `config.statuses`. Loose words (On hold, Delayed, RAG colours, Withdrawn)
    are noted. A RAG column sets the status only where the status is empty or there is
    no status column (Red/Amber/Green: in-progress; Blue/Complete: complete; noted). An
    unknown word is a problem listing the words known.
    A status that maps to the plan's closed status with no sign-off recorded for the item
    (no closure columns, or they are empty) is imported as the first awaiting-sign-off
    status (`complete`), else the first other done status, and noted: afi only closes
    an item with its [closure] (approved_by, board, date).

Updates
    Each Update cell is a progress update, dated by a leading date in its text
    ("12/05/2023: text", "12 May 2023 - text", "[12/05/23] text", or a date alone on the
    first line; the date is then taken off the text), else by the Update date column;
    undated updates are kept with date None (noted). A date followed by a plain space is
    left in the text ("3 May 2023 to 5 May, ..."). A cell whose lines start with dates
    holds one update per dated line. An item's updates are kept once each (same text,
    same or no date), dated ones in date order, then undated ones in row order.

Text
    Stripped; runs of spaces collapsed; titles and other one-line fields on one line;
    actions, updates and detail keep their line breaks.

The board pack's CSV (docs/format.md §9), recognised by its `id` and `awaiting_signoff`
columns, is read exactly instead: its own columns, one leading `'` removed from each
cell (`report_render.unescape_cell`), text kept byte for byte; `id` becomes `item_id`,
the latest update one update, the closure columns the closure; its computed columns
(rag, days_late, counts...) are ignored.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import ImportRefused
from tui.core.imports.tracker_columns import (
    _cell_text,
    _check_mapped_headings,
    _check_mapping,
    _Column,
    _columns,
    _find_header,
    _is_board_pack,
)
from tui.core.imports.tracker_files import Sheet, read_csv, read_xlsx
from tui.core.imports.tracker_items import TableImport, _Reader
from tui.core.imports.tracker_values import _rows
from tui.core.model.items import PlanConfig
from tui.core.progress import NO_PROGRESS, Progress

# ---------------------------------------------------------------------------- entry point


def read_table(path: Path, config: PlanConfig, inspection: str | None = None,
               mapping: dict[str, str] | None = None,
               status_words: dict[str, str] | None = None,
               progress: Progress = NO_PROGRESS) -> TableImport:
    """Read a tracker (.csv or .xlsx) as items; see the module docstring for the rules.
    ImportRefused: not a file it can read, no heading row, an unknown --map field or heading,
    or a status word mapped to a status the plan does not have."""
    path = Path(path)
    mapped = _check_mapping(mapping)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        try:
            sheets = read_csv(path) if suffix == ".csv" else read_xlsx(path)
        except ImportRefused as error:  # the reader's refusal, said of this file
            error.path = error.path or path
            raise
    else:
        raise ImportRefused(f"{path}: afi reads trackers saved as .csv or .xlsx, not "
                         f"'{path.suffix or 'no extension'}' (save it from Excel as one of "
                         "those)")
    chosen = _choose_sheet(path, sheets, mapped, csv_file=suffix == ".csv")
    sheet, header_index = chosen
    header = sheet.rows[header_index]
    sheet.exact = suffix == ".csv" and _is_board_pack(header)
    notes = list(sheet.notes)
    if suffix == ".xlsx" and (len(sheets) > 1 or sheet is not sheets[0]):
        notes.append(f"read sheet '{sheet.name}'")
    if header_index:
        notes.append(f"headings on row {header_index + 1}")
    if sheet.exact:
        notes.append("the board pack's CSV: read exactly")
    columns, headings, ignored = _columns(header, mapped, sheet.exact, notes)
    _check_mapped_headings(path, header, mapping)
    names = {column.field for column in columns}
    if "title" not in names and "ref" in names and not sheet.exact:
        _ref_as_title(sheet, header_index, columns, headings, notes)
        names = {column.field for column in columns}
    if "title" not in names and "ref" not in names:
        raise ImportRefused(f"{path}: no column holds the finding's wording or a reference "
                         "(headed Finding, Description, Area for improvement, Title, AFI or "
                         "Ref): name one with --map HEADING=title")
    reader = _Reader(config, columns, sheet.exact, status_words)
    rows = _rows(sheet, header_index, columns)
    progress.start("Reading rows", len(rows))
    try:
        items = reader.read(rows, _canonical_inspection(config, inspection), progress)
    finally:
        progress.finish()
    notes += reader.table_notes
    if "area" not in names and reader.heading_area is None:
        notes.append("no area column: items have no area")
    if "kind" not in names and not sheet.exact:
        notes.append("no kind column: items are AFIs unless the reference says otherwise")
    if "status" not in names and "rag" not in names and "action.done" not in names:
        notes.append(f"no status column: items are {config.statuses[0]}")
    if "inspection" not in names and inspection is None:
        if len(config.inspections) == 1:
            notes.append(f"no inspection column: items are {config.inspections[0].id}, "
                         "the plan's only inspection")
        else:
            notes.append("no inspection column and no --inspection: items have no inspection")
    return TableImport(items=items, problems=sorted(reader.problems, key=lambda p: p.row),
                       headings=headings, ignored=ignored, notes=notes, unread=reader.unread)


def _choose_sheet(path: Path, sheets: list[Sheet], mapped: dict[str, str],
                  csv_file: bool) -> tuple[Sheet, int]:
    best: tuple[tuple[int, int], Sheet, int] | None = None
    for sheet in sheets:
        found = _find_header(sheet, mapped)
        if found is None:
            continue
        index, count = found
        if not csv_file:  # a workbook: the first sheet with headings
            return sheet, index
        score = (count, len(sheet.rows[index]))
        if best is None or score > best[0]:
            best = (score, sheet, index)
    if best is None:
        where = "any sheet of " if not csv_file else ""
        raise ImportRefused(f"no heading row found in {where}{path}: expected at least two "
                         "headings such as AFI, Finding, Action, Owner, Due, Status or Update "
                         "in one row (name columns with --map HEADING=FIELD)")
    return best[1], best[2]


def _ref_as_title(sheet: Sheet, header_index: int, columns: list[_Column],
                  headings: dict[str, str], notes: list[str]) -> None:
    """No title column, and the reference column holds sentences ("AFI" headed over the
    finding's text): read it as the title."""
    column = next(c for c in columns if c.field == "ref")
    values = [_cell_text(row[column.index]) for row in sheet.rows[header_index + 1:]
              if column.index < len(row) and _cell_text(row[column.index]).strip()]
    if values and sum(len(v.split()) >= 5 for v in values) * 2 > len(values):
        column.field = "title"
        headings[column.heading] = "title"
        notes.append(f"column '{column.heading}' holds sentences, not references: read as "
                     "the title")


def _canonical_inspection(config: PlanConfig, inspection: str | None) -> str | None:
    if inspection is None:
        return None
    return next((i.id for i in config.inspections if i.id.lower() == inspection.lower()),
                inspection)
