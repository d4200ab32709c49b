"""How a tracker's columns are read: the fields a column can be (`MAP_FIELDS`), the
headings afi recognises (`HEADINGS`) and the board pack's own, the status, RAG and kind
words, cell text, and which column is read as which field. See table_import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from tui.core.errors import ImportRefused
from tui.core.imports.tracker_files import Sheet

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
            "Core question, Question, AFI area, Area of policing, HMICFRS area, HMIC area, "
            "Inspection theme",
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
            "Strategic lead, Lead chief officer, Accountable officer, Accountable lead, "
            "Accountable chief officer, Responsible chief officer",
    "due": "Due, Due date, Date due, Target date, Target, Deadline, Anticipated completion, "
           "Anticipated completion date, Completion date, Target completion date, "
           "Expected completion, Expected completion date, Timescale, Timescales, "
           "Delivery date, Revised target date, Revised due date, Target completion, "
           "Target end date, Completion target, Due by",
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

# The board pack's CSV (pack/render.py CSV_COLUMNS): the columns read back, exactly.
BOARD_PACK_COLUMNS = {"id": "id", "title": "title", "kind": "kind", "inspection": "inspection",
                      "area": "area", "status": "status", "owner": "owner", "lead": "lead",
                      "due": "due", "latest_update_date": "update.date",
                      "latest_update_by": "update.by", "latest_update": "update",
                      "closure_approved_by": "closure.approved_by",
                      "closure_board": "closure.board", "closure_date": "closure.date"}

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
    """The keys a heading is looked up by: whole, then an aside that names a RAG column
    ("Progress (RAG)" holds RAG words, not updates), then without the bracketed aside
    ("Target date (dd/mm/yy)"), then each part of a heading that offers two names
    ("Recommendation / AFI": the first it knows), then each without a plural s."""
    whole = _full_key(text)
    asides = [_full_key(a) for pair in re.findall(r"\((.*?)\)|\[(.*?)\]", text) for a in pair if a]
    bare = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    keys = [whole, *(a for a in asides if HEADINGS.get(a) == ("rag",)), _full_key(bare),
            *(_full_key(part) for part in bare.split("/") if "/" in bare)]
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
