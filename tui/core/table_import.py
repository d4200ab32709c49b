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

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from tui.core.errors import ImportRefused
from tui.core.model import KINDS, PlanConfig
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.report_render import CSV_COLUMNS, unescape_cell
from tui.core.table_dates import DATE_FORMS, leading_date, parse_date
from tui.core.table_files import Sheet, read_csv, read_xlsx

# ---------------------------------------------------------------------------- results


@dataclass
class ImportedItem:
    ref: str                     # the tracker's reference ("AFI 3", "R2"), else the title
    fields: dict[str, Any]       # item keys (schema.py) -> values
    actions: list[dict]          # {"text", "done", "owner"?, "due"?}
    updates: list[dict]          # {"date" (date or None), "by"?, "text"}
    closure: dict | None         # {"approved_by", "board", "date"} when sign-off is recorded
    item_id: str | None          # an afi id when the tracker gives one (board pack `id`)
    rows: list[int]              # source row numbers, as a spreadsheet user sees them
    notes: list[str]             # doubts to show in the dry run
    evidence: list[dict] = field(default_factory=list)  # {"title", "location"?}
    given: frozenset[str] = frozenset()  # fields the tracker states (the rest are assumed)


@dataclass
class RowProblem:
    row: int
    message: str


@dataclass
class TableImport:
    items: list[ImportedItem]
    problems: list[RowProblem]   # values it cannot read (the rest of the row is read)
    headings: dict[str, str]     # source heading -> field it was read as
    ignored: list[str]           # headings it did not use
    notes: list[str] = field(default_factory=list)  # about the whole table (sheet, encoding)
    unread: list[str] = field(default_factory=list)  # cells read as nothing ("TBC" as a date)


# ---------------------------------------------------------------------------- fields

# What a column can be read as (`--map HEADING=FIELD`).
ITEM_COLUMNS = ("ref", "id", "kind", "inspection", "number", "area", "title", "detail",
                "status", "rag", "owner", "lead", "due", "group", "tags")
ACTION_COLUMNS = ("action", "action.owner", "action.due", "action.done")
UPDATE_COLUMNS = ("update", "update.date", "update.by")
CLOSURE_COLUMNS = ("closure.approved_by", "closure.board", "closure.date")
EVIDENCE_COLUMNS = ("evidence", "evidence.location")
IGNORE = "ignore"
MAP_FIELDS = (*ITEM_COLUMNS, *ACTION_COLUMNS, *UPDATE_COLUMNS, *CLOSURE_COLUMNS,
              *EVIDENCE_COLUMNS, IGNORE)
MULTI_COLUMNS = frozenset({"action", "update", "tags"})  # every such column is read
DATE_COLUMNS = frozenset({"due", "action.due", "update.date", "closure.date"})


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_FIELD_KEYS = {_key(f): f for f in MAP_FIELDS} | {
    "actions": "action", "updates": "update", "latestupdate": "update",
    "latestupdatedate": "update.date", "latestupdateby": "update.by", "tag": "tags",
    "skip": IGNORE, "none": IGNORE, "": IGNORE, "itemid": "id", "reference": "ref"}


def _heading_table(spec: dict[str, str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for fields_, words in spec.items():
        for word in words.split(","):
            table[_key(word)] = tuple(fields_.split("|"))
    return table


# Recognised headings -> the fields they are read as (the first one free, in order).
HEADINGS = _heading_table({
    "ref": "AFI, AFI no, AFI number, AFI ref, AFI reference, AFI id, Ref, Ref no, "
           "Ref number, Reference, Reference no, Reference number, No, Number, Num, ID, "
           "Item, Item no, Item ref, Rec no, Rec number, Rec ref, Recommendation no, "
           "Recommendation number, Recommendation ref, Finding ref, Finding no, "
           "Finding number",
    "kind": "Kind, Type, Finding type, Item type, AFI type",
    "inspection": "Inspection, Inspection id, Inspection name, Inspection report, Report, "
                  "Report name",
    "area": "Area, Inspection area, Theme, Pillar, Section, PEEL area, PEEL question, "
            "Core question, Question, AFI area, Area of policing",
    "title": "Finding, Findings, AFI description, Area for improvement, "
             "Areas for improvement, AFI text, Title, Recommendation, Recommendation text, "
             "Issue, Cause of concern",
    "title|detail": "Description",
    "detail": "Detail, Details, Explanation, Context, Background, Further detail, "
              "Supporting detail",
    "action": "Action, Actions, Action taken, Actions taken, Activity, Activities, "
              "Planned action, Planned actions, Action plan, Proposed action, "
              "Proposed actions, Action required, Actions required",
    "owner": "Owner, Owners, Business owner, Responsible officer, Responsible, Responsibility",
    "action.owner": "Action owner, Action owners, Action lead",
    "lead": "Lead, Chief officer lead, Chief officer, Exec lead, Executive lead, SRO, "
            "Senior responsible officer, COT lead, ACPO lead, Portfolio lead, "
            "Strategic lead, Lead chief officer",
    "due": "Due, Due date, Date due, Target date, Target, Deadline, Anticipated completion, "
           "Anticipated completion date, Completion date, Target completion date, "
           "Expected completion, Expected completion date, Timescale, Timescales, "
           "Delivery date, Revised target date, Revised due date",
    "action.due": "Action due, Action due date, Action target date, Action target, "
                  "Action deadline, Action completion date",
    "action.done": "Action done, Action complete, Action completed, Action status, "
                   "Action RAG, Done",
    "status": "Status, Current status, Overall status, Progress status, AFI status, State",
    "rag": "RAG, RAG status, RAG rating, BRAG, BRAG status, RAGB",
    "update": "Update, Updates, Latest update, Progress, Progress update, Progress updates, "
              "Comments, Comment, Commentary, Latest position, Current position, "
              "Progress to date, Position, Status update, Latest progress",
    "update.date": "Update date, Date of update, Date updated, Last updated, Updated, "
                   "Latest update date, Progress date",
    "update.by": "Updated by, Update by, Latest update by, Update author, Author, Reported by",
    "group": "Group, Workstream",
    "tags": "Tags, Tag, Labels, Label, Keywords",
    "evidence": "Evidence, Evidence title, Evidence of completion, Supporting evidence",
    "evidence.location": "Evidence location, Evidence link, Evidence reference, "
                         "Location of evidence, Evidence held at",
    "closure.approved_by": "Closure approved by, Approved by, Signed off by, Sign off by, "
                           "Closed by",
    "closure.board": "Closure board, Board, Approving board, Sign off board, Closed at, "
                     "Signed off at",
    "closure.date": "Closure date, Date closed, Closed date, Closed on, Sign off date, "
                    "Date signed off, Signed off date, Date of closure",
})

# The board pack's CSV (report_render.CSV_COLUMNS): the columns read back, exactly.
BOARD_PACK_COLUMNS = {"id": "id", "title": "title", "kind": "kind", "inspection": "inspection",
                      "area": "area", "status": "status", "owner": "owner", "lead": "lead",
                      "due": "due", "latest_update_date": "update.date",
                      "latest_update_by": "update.by", "latest_update": "update",
                      "closure_approved_by": "closure.approved_by",
                      "closure_board": "closure.board", "closure_date": "closure.date"}
assert set(BOARD_PACK_COLUMNS) <= set(CSV_COLUMNS)

# ---------------------------------------------------------------------------- vocabularies


def _word(text: str) -> str:
    """A status, RAG or kind word for comparison: lower case, punctuation as spaces, a
    bracketed aside dropped ("In progress (Amber)" is "in progress")."""
    lowered = text.lower()
    bare = re.sub(r"\(.*?\)|\[.*?\]", " ", lowered)
    if not re.search(r"[a-z0-9]", bare):
        bare = lowered
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def _words(spec: dict[tuple[str, bool], str]) -> dict[str, tuple[str, bool]]:
    return {_word(w): key for key, words in spec.items() for w in words.split(",")}


# Default status words -> (status, loose). Loose readings are noted on the item.
STATUS_WORDS = _words({
    ("not-started", False): "not started, not yet started, yet to start, not commenced, "
                            "not yet commenced, to do, todo, new",
    ("not-started", True): "planned, pending, scheduled",
    ("in-progress", False): "in progress, ongoing, on going, on track, started, underway, "
                            "under way, in hand, progressing, work in progress, wip",
    ("in-progress", True): "open, on hold, paused, delayed, at risk, behind, behind schedule, "
                           "off track, slipped, overdue, red, amber, green, amber green, "
                           "green amber, red amber, amber red, partially complete, "
                           "partly complete, partially met, partially achieved",
    ("complete", False): "complete, completed, delivered, done, finished, implemented, "
                         "achieved, awaiting sign off, awaiting signoff, awaiting closure, "
                         "complete awaiting sign off, completed awaiting sign off, "
                         "ready for closure, ready for sign off, proposed for closure, "
                         "recommended for closure, submitted for closure, pending closure, "
                         "pending sign off",
    ("complete", True): "blue, met",
    ("closed", False): "closed, signed off, complete and closed, completed and closed, "
                       "closed signed off",
    ("closed", True): "discharged",
    ("superseded", False): "superseded",
    ("superseded", True): "withdrawn, no longer required, no longer applicable, "
                          "not applicable, cancelled, canceled, replaced",
})
# A RAG column's words; anything else there is read as a status word.
RAG_WORDS = _words({
    ("in-progress", True): "red, r, amber, a, green, g, amber green, green amber, red amber, "
                           "amber red, ag, ga, ra, ar",
    ("complete", True): "blue, b, complete, completed, done",
})
KIND_WORDS = {_word(w): kind for kind, words in {
    "afi": "afi, afis, area for improvement, areas for improvement",
    "recommendation": "recommendation, recommendations, rec, recs",
    "cause-of-concern": "cause of concern, causes of concern, coc, cause-of-concern",
}.items() for w in words.split(",")}
# Cells that say there is no value (not listed as unread, unlike "TBC").
_NOT_APPLICABLE = frozenset({"", "n a", "na", "none", "not applicable", "nil"})
YES = frozenset({"yes", "y", "true", "1", "x", "done", "complete", "completed", "\u2713",
                 "\u2714"})
NO = frozenset({"no", "n", "false", "0", "not done", "open"})

# ---------------------------------------------------------------------------- text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def one_line(text: str) -> str:
    """Stripped, every run of white space (line breaks included) one space."""
    return " ".join(text.replace("\xa0", " ").split())


def multi_line(text: str) -> str:
    """Stripped, runs of spaces collapsed in each line, line breaks kept (CRLF as LF, at
    most one blank line in a row)."""
    lines = [one_line(line) for line in
             text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


_LIST_ITEM = re.compile(r"(?:[-*\u2022\u25aa\u25cf\u2023\u2013]|\d{1,2}[.)]|[a-z][.)]|"
                        r"\(\d{1,2}\)|\([a-z]\))\s+")


def _split_list(text: str) -> list[str]:
    """A cell of several bulleted or numbered lines as its items (else the cell)."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2 or not all(_LIST_ITEM.match(line) for line in lines):
        return [text]
    return [_LIST_ITEM.sub("", line, count=1).strip() for line in lines]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------- headings


def _full_key(text: str) -> str:
    return _key(text.lower().replace("&", " and ").replace("#", " no "))


def _heading_keys(text: str) -> list[str]:
    """The keys a heading is looked up by: whole, then without a bracketed aside ("Target
    date (dd/mm/yy)"), then each without a plural s."""
    whole = _full_key(text)
    keys = [whole, _full_key(re.sub(r"\(.*?\)|\[.*?\]", " ", text))]
    keys += [k[:-1] for k in keys if k.endswith("s")]
    return [k for k in dict.fromkeys(keys) if k]


def _mapped_field(text: str, mapped: dict[str, str]) -> str | None:
    """The --map field a heading names (matched whole first, then loosely), or None."""
    return next((mapped[k] for k in _heading_keys(text) if k in mapped), None)


def _recognised(text: str, mapped: dict[str, str]) -> tuple[str, ...] | None:
    found = _mapped_field(text, mapped)
    if found is not None:
        return (found,)
    return next((HEADINGS[k] for k in _heading_keys(text) if k in HEADINGS), None)


@dataclass
class _Column:
    index: int
    heading: str
    field: str


def _find_header(sheet: Sheet, mapped: dict[str, str]) -> tuple[int, int] | None:
    """(row index, recognised headings) of the first row with two recognised headings."""
    for index, row in enumerate(sheet.rows[:50]):
        count = sum(1 for cell in row if _recognised(_cell_text(cell), mapped))
        if count >= 2:
            return index, count
    return None


def _is_board_pack(header: list[Any]) -> bool:
    cells = {_cell_text(cell).strip() for cell in header}
    return {"id", "awaiting_signoff"} <= cells


def _columns(header: list[Any], mapped: dict[str, str], exact: bool,
             notes: list[str]) -> tuple[list[_Column], dict[str, str], list[str]]:
    """Which column is read as which field: --map ones first, then recognised ones in
    column order, a single-value field going to the first column that claims it."""
    texts = [one_line(_cell_text(cell)) for cell in header]
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    labels = [f"{t} [{_column_letter(i)}]" if counts[t] > 1 else t for i, t in enumerate(texts)]
    chosen: dict[int, str] = {}
    for index, text in enumerate(texts):  # --map first: it overrides
        wanted = _mapped_field(text, mapped) if text else None
        if wanted is not None and (wanted in MULTI_COLUMNS or wanted == IGNORE or
                                   wanted not in chosen.values()):
            chosen[index] = wanted
    found: dict[int, tuple[str, ...]] = {}
    for index, text in enumerate(texts):
        if index in chosen or not text:
            continue
        if exact:
            found[index] = tuple(filter(None, [BOARD_PACK_COLUMNS.get(text)]))
        else:
            found[index] = _recognised(text, {}) or ()
    # headings that can mean only one field first: "Finding" is the title even when a
    # "Description" (title, else detail) comes before it
    for index, candidates in sorted(found.items(), key=lambda f: (len(f[1]) > 1, f[0])):
        for candidate in candidates:
            if candidate in MULTI_COLUMNS or candidate not in chosen.values():
                chosen[index] = candidate
                break
        else:
            if candidates and not exact:
                givers = [f"'{labels[i]}'" for c in candidates
                          for i, f in sorted(chosen.items()) if f == c][:len(candidates)]
                notes.append(f"column '{labels[index]}' not read: {' and '.join(candidates)} "
                             f"already {'come' if len(candidates) > 1 else 'comes'} from "
                             f"{' and '.join(givers)}")
    columns = [_Column(i, labels[i], f) for i, f in sorted(chosen.items()) if f != IGNORE]
    headings = {labels[i]: f for i, f in sorted(chosen.items())}
    ignored = [labels[i] for i, text in enumerate(texts)
               if text and (i not in chosen or chosen[i] == IGNORE)]
    return columns, headings, ignored


def _check_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """--map HEADING=FIELD as {heading key: field}; an unknown FIELD is refused."""
    mapped = {}
    for heading, name in (mapping or {}).items():
        wanted = _FIELD_KEYS.get(_key(name))
        if wanted is None:
            raise ImportRefused(f"--map {heading}={name}: afi has no field '{name}'; use one of: "
                             f"{', '.join(MAP_FIELDS)}")
        if not _full_key(heading):
            raise ImportRefused(f"--map {heading}={name}: name a heading before '='")
        mapped[_full_key(heading)] = wanted
    return mapped


def _check_mapped_headings(path: Path, header: list[Any], mapping: dict[str, str] | None
                           ) -> None:
    present = {key for cell in header for key in _heading_keys(_cell_text(cell))}
    for heading, name in (mapping or {}).items():
        if _full_key(heading) not in present:
            shown = ", ".join(one_line(_cell_text(c)) for c in header if _cell_text(c).strip())
            raise ImportRefused(f"--map {heading}={name}: {path} has no heading '{heading}' "
                             f"(its headings: {shown})")


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


# ---------------------------------------------------------------------------- reading


@dataclass
class _Action:
    text: str
    row: _Row
    owner: str | None = None          # the row's own (item or action column)
    due: date | None = None
    status: str | None = None         # the row's own status, if it gave one
    done: bool | None = None          # an action done column


@dataclass
class _Draft:
    ref: str
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)  # field -> (value, row)
    tags: list[str] = field(default_factory=list)
    actions: list[_Action] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    closure: dict[str, tuple[Any, int]] = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action_owners: list[str] = field(default_factory=list)
    action_dues: list[date] = field(default_factory=list)
    area_from_heading: tuple[str, int] | None = None


class _Reader:
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

    def _date_of(self, row: _Row, name: str, cell: _Cell, notes: list[str]) -> date | None:
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

    def updates(self, row: _Row, notes: list[str]) -> list[dict]:
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

    # ------------------------------------------------------------------ items

    def read(self, rows: list[_Row], inspection: str | None,
             progress: Progress = NO_PROGRESS) -> list[ImportedItem]:
        drafts: dict[tuple[str, str], _Draft] = {}
        current: _Draft | None = None
        self.heading_area: tuple[str, int] | None = None
        for row in rows:
            progress.advance()
            ref = self.text(row, "ref")
            if "ref" not in self.fields:  # an afi id column is the reference
                ref = row.text("id").strip()
            title = self.text(row, "title")
            if not row.cells:  # only columns it does not read
                if self._is_heading(row):
                    current = None
                    self._heading(row)
                continue
            if self._is_heading(row):
                current = None
                self._heading(row)
                continue
            as_action = None
            if ref:
                key = ("ref", ref if self.exact else _ref_key(ref))
                if current is not None and not self.exact and key not in drafts and \
                        _is_sub_ref(current.ref, ref):
                    draft, as_action = current, ref
                else:
                    draft = drafts.get(key) or drafts.setdefault(key, _Draft(ref))
            elif title:
                if current is not None and \
                        _title_key(current.values.get("title", ("",))[0]) == _title_key(title):
                    draft = current
                else:
                    key = ("title", _title_key(title))
                    draft = drafts.get(key) or drafts.setdefault(key, _Draft(title))
            elif current is not None:
                draft = current
            else:
                self.problem(row, "no reference or title, and no item above it to add to")
                continue
            if not draft.rows and self.heading_area is not None:
                draft.area_from_heading = self.heading_area
            self._add_row(draft, row, as_action)
            current = draft
        return [self._finish(draft, inspection) for draft in drafts.values()]

    def _is_heading(self, row: _Row) -> bool:
        """One cell filled, in column A or the reference, area, group, inspection or kind
        column: a section heading (a band across the sheet)."""
        if len(row.filled) != 1 or self.exact:
            return False
        name, index = row.filled[0]
        return index == 0 or name in ("ref", "area", "group", "inspection", "kind")

    def _heading(self, row: _Row) -> None:
        text = one_line(row.raw[row.filled[0][1]])
        if "area" not in self.fields:
            self.heading_area = (text, row.number)
        else:
            self.table_notes.append(f"row {row.number} skipped: '{text}' (a heading: one cell "
                                    "filled)")

    def _set(self, draft: _Draft, name: str, value: Any, row: _Row, what: str = "") -> None:
        if value is None or value == "" or value == []:
            return
        if name not in draft.values:
            draft.values[name] = (value, row.number)
        elif draft.values[name][0] != value and name not in ("owner", "due", "status"):
            kept, where = draft.values[name]
            draft.notes.append(f"row {row.number}: {what or name} {_show(value)} differs from "
                               f"row {where}'s {_show(kept)}: row {where}'s kept")

    def _add_row(self, draft: _Draft, row: _Row, as_action: str | None) -> None:
        notes = draft.notes
        draft.rows.append(row.number)
        title = self.text(row, "title")
        action_texts = [self._clean_multi(cell.value) for cell in row.cells.get("action", [])]
        if as_action is not None:
            if not any(action_texts) and title:
                action_texts = [title]
                notes.append(f"row {row.number}: '{as_action}' read as an action of "
                             f"'{draft.ref}' (its title cell is the action)")
            else:
                notes.append(f"row {row.number}: '{as_action}' read as an action of "
                             f"'{draft.ref}'")
            title = ""
        self._set(draft, "title", title, row)
        self._set(draft, "detail", self.text(row, "detail", multiline=True), row)
        self._set(draft, "area", self.text(row, "area"), row)
        self._set(draft, "inspection", self.text(row, "inspection"), row)
        self._set(draft, "lead", self.text(row, "lead"), row)
        self._set(draft, "group", self.text(row, "group"), row)
        self._set(draft, "kind", self.kind(row), row)
        self._set(draft, "number", self.number(row), row)
        self._set(draft, "id", row.text("id").strip(), row)
        for cell in row.cells.get("tags", []):
            for tag in re.split(r"[,;\n]", _cell_text(cell.value)):
                if one_line(tag) and one_line(tag) not in draft.tags:
                    draft.tags.append(one_line(tag))
        owner = self.text(row, "owner") or None
        due = self.date(row, "due", notes)
        status = self.status(row, notes)
        self._set(draft, "owner", owner, row)
        self._set(draft, "due", due, row)
        self._set(draft, "status", status, row)
        action_owner = self.text(row, "action.owner") or None
        action_due = self.date(row, "action.due", notes)
        done = self.done(row, notes)
        texts = [t for cell_text in action_texts if cell_text for t in self._listed(cell_text,
                                                                                   row, notes)]
        for text in texts:
            if any(a.text == text for a in draft.actions):
                continue
            draft.actions.append(_Action(text, row, owner=action_owner or owner,
                                         due=action_due or due, status=status, done=done))
        if action_owner:
            draft.action_owners.append(action_owner)
        if action_due:
            draft.action_dues.append(action_due)
        for name, value, kept in (("owner", owner, draft.values.get("owner")),
                                  ("due", due, draft.values.get("due")),
                                  ("status", status, draft.values.get("status"))):
            if value is not None and kept and kept[0] != value and not texts:
                notes.append(f"row {row.number}: {name} {_show(value)} differs from row "
                             f"{kept[1]}'s {_show(kept[0])}, and the row has no action to "
                             f"give it to: row {kept[1]}'s kept")
        for update in self.updates(row, notes):
            _add_update(draft.updates, update)
        evidence = {"title": self.text(row, "evidence"),
                    "location": self.text(row, "evidence.location")}
        if any(evidence.values()):
            evidence = {"title": evidence["title"] or "Evidence",
                        **({"location": evidence["location"]} if evidence["location"] else {})}
            if evidence not in draft.evidence:
                draft.evidence.append(evidence)
        for part in ("approved_by", "board", "date"):
            name = f"closure.{part}"
            value = self.date(row, name, notes) if part == "date" else self.text(row, name)
            if value:
                if part not in draft.closure:
                    draft.closure[part] = (value, row.number)
                elif draft.closure[part][0] != value:
                    notes.append(f"row {row.number}: closure {part.replace('_', ' ')} "
                                 f"{_show(value)} differs from row {draft.closure[part][1]}'s: "
                                 "the first kept")

    def _clean_multi(self, value: Any) -> str:
        return _cell_text(value) if self.exact else multi_line(_cell_text(value))

    def _listed(self, text: str, row: _Row, notes: list[str]) -> list[str]:
        if self.exact:
            return [text]
        parts = _split_list(text)
        if len(parts) > 1:
            notes.append(f"row {row.number}: {len(parts)} actions read from one cell (a list)")
        return parts

    def _finish(self, draft: _Draft, inspection: str | None) -> ImportedItem:
        config, notes, names = self.config, draft.notes, self.fields
        values = {name: value for name, (value, _) in draft.values.items()}
        fields_: dict[str, Any] = {}
        # kind: its column, else the reference's prefix ("R2", "Rec 2"), else afi
        kind = values.get("kind")
        if kind is None and not self.exact and "ref" in names:
            kind, note = _kind_from_ref(draft.ref)
            notes += [note] if note else []
        if kind is None and "kind" in names:
            notes.append("no kind given: afi")
        fields_["kind"] = kind or "afi"
        # inspection: its column, else the argument, else the plan's only one
        found = values.get("inspection") or inspection
        if found is None and len(config.inspections) == 1:
            found = config.inspections[0].id
            if "inspection" in names:
                notes.append(f"no inspection given: {found}, the plan's only inspection")
        if found is not None:
            fields_["inspection"] = self._inspection(found, notes)
        number = values.get("number")
        if number is None and not self.exact and "ref" in names:
            number = _number_from_ref(draft.ref)
        if number is not None:
            fields_["number"] = number
        area = values.get("area")
        if area is None and draft.area_from_heading:
            area, where = draft.area_from_heading
            notes.append(f"area '{area}' from the heading row {where}")
        if area is not None:
            fields_["area"] = self._area(area, fields_.get("inspection"), notes)
        elif "area" in names or self.heading_area:
            notes.append("no area")
        if "title" in values:
            fields_["title"] = values["title"]
        else:
            notes.append("no title")
        if "detail" in values:
            fields_["detail"] = values["detail"]
        status = values.get("status")
        if status is None and any(a.done is not None for a in draft.actions):
            status = self._status_from_actions(draft.actions, notes)
        status_given = status is not None
        if status is None:
            status = config.statuses[0]
            notes.append(f"no status given: {status}")
        owner = values.get("owner") or next(iter(draft.action_owners), None)
        if owner:
            fields_["owner"] = owner
        if values.get("lead"):
            fields_["lead"] = values["lead"]
        due = values.get("due")
        if due is None and draft.action_dues:
            due = max(draft.action_dues)
            notes.append(f"due {due}: the latest of its actions' due dates")
        if due is not None:
            fields_["due"] = due
        if values.get("group"):
            fields_["group"] = values["group"]
        if draft.tags:
            fields_["tags"] = list(draft.tags)
        actions = self._actions(draft, status, owner, due)
        latest = max((a["due"] for a in actions if a.get("due")), default=None)
        if due and latest and latest > due:
            notes.append(f"an action is due {latest}, after the item's due date {due}")
        closure = {part: value for part, (value, _) in draft.closure.items()} or None
        fields_["status"] = self._signoff(status, closure, notes)
        if closure and len(closure) < 3:
            missing = [p for p in ("approved_by", "board", "date") if p not in closure]
            notes.append(f"the sign-off lacks {', '.join(m.replace('_', ' ') for m in missing)}")
        if closure and not config.is_done(fields_["status"]):
            notes.append(f"a sign-off is recorded but the status is {fields_['status']}")
        updates = _ordered_updates(draft.updates)
        undated = sum(1 for u in updates if u["date"] is None)
        if undated:
            notes.append(f"{undated} update{'s' if undated > 1 else ''} without a date")
        order = [k for k in ("kind", "inspection", "number", "area", "title", "detail", "status",
                             "owner", "lead", "due", "group", "tags") if k in fields_]
        given = set(order) - {"kind", "status"}
        if kind is not None:
            given.add("kind")
        if status_given:
            given.add("status")
        return ImportedItem(ref=draft.ref, fields={k: fields_[k] for k in order},
                            actions=actions, updates=updates, closure=closure,
                            item_id=values.get("id") or None, rows=draft.rows, notes=notes,
                            evidence=list(draft.evidence), given=frozenset(given))

    def _status_from_actions(self, actions: list[_Action], notes: list[str]) -> str | None:
        done = [a.done for a in actions if a.done is not None]
        config = self.config
        first_done = next((s for s in config.statuses if config.is_awaiting_signoff(s)),
                          next((s for s in config.statuses if config.is_done(s)
                                and s != config.closed_status), None))
        opens = [s for s in config.statuses if not config.is_done(s)]
        if all(done):
            status = first_done
        elif any(done):
            status = opens[1] if len(opens) > 1 else opens[0]
        else:
            status = opens[0]
        if status:
            notes.append(f"status {status}: {sum(done)} of {len(done)} actions done")
        return status

    def _actions(self, draft: _Draft, status: str, owner: str | None,
                 due: date | None) -> list[dict]:
        """Each action with done from its row's status; with its row's owner and due date
        when the column is an action's, or when some action's differ from the item's."""
        per_owner = "action.owner" in self.fields or \
            any(a.owner and a.owner != owner for a in draft.actions)
        per_due = "action.due" in self.fields or \
            any(a.due and a.due != due for a in draft.actions)
        out = []
        for action in draft.actions:
            row_status = action.status or status
            done = action.done if action.done is not None else \
                self.config.is_done(row_status) and row_status != "superseded"
            entry: dict[str, Any] = {"text": action.text, "done": done}
            if per_owner and action.owner:
                entry["owner"] = action.owner
            if per_due and action.due:
                entry["due"] = action.due
            out.append(entry)
        return out

    def _signoff(self, status: str, closure: dict | None, notes: list[str]) -> str:
        """A closed status with no sign-off recorded: the first awaiting-sign-off status."""
        config = self.config
        if status != config.closed_status or closure:
            return status
        awaiting = next((s for s in config.statuses if config.is_awaiting_signoff(s)), None) \
            or next((s for s in config.statuses if config.is_done(s) and s != status), None)
        if awaiting is None:
            notes.append(f"status {status} needs a sign-off (approved by, board, date), which "
                         "the tracker does not record")
            return status
        notes.append(f"status {status} without a recorded sign-off: imported as {awaiting} "
                     "(awaiting sign-off; `afi close` records it)")
        return awaiting

    def _inspection(self, value: str, notes: list[str]) -> str:
        """An inspection of plan.toml named by its id or title (ignoring case and spaces;
        exactly in the board pack's CSV), else the value as given (noted)."""
        for known in self.config.inspections:
            if value == known.id or not self.exact and _key(value) and \
                    _key(value) in (_key(known.id), _key(known.title)):
                return known.id
        if self.config.inspections:
            notes.append(f"inspection '{value}' is not in plan.toml")
        return value

    def _area(self, area: str, inspection: str | None, notes: list[str]) -> str:
        names = self.config.areas_for(inspection) if inspection else ()
        for name in names:
            if area == name or not self.exact and _word(name) == _word(area):
                return name
        if names:
            notes.append(f"area '{area}' is not one of the areas plan.toml lists for "
                         f"{inspection}")
        return area


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


def _add_update(updates: list[dict], update: dict) -> None:
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


def _ordered_updates(updates: list[dict]) -> list[dict]:
    dated = sorted((u for u in updates if u["date"] is not None), key=lambda u: u["date"])
    return dated + [u for u in updates if u["date"] is None]


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
        except ValueError as error:  # table_files' word for a file it cannot read
            raise ImportRefused(str(error), path) from None
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
