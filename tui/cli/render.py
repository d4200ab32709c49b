"""Output of `afi list` and friends: table, JSON and CSV.

User text never reaches a terminal as control characters: they are shown in caret
notation (ESC as ^[, tui/core/safe_text.py), so a title cannot move the cursor, retitle
the window or write the clipboard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from tui.core.model.items import (
    DUE_SOON,
    NO_DATE,
    OVERDUE,
    Item,
    PlanConfig,
    assessment_mark,
    due_hint,
    due_state,
    today,
)
from tui.core.model.schema import ITEM_FIELDS
from tui.core.safe_text import escape_cell, json_dumps, visible

TYPE_CHECKING = False  # typing costs 2 ms to import; annotations are never evaluated
if TYPE_CHECKING:
    from typing import Any, TextIO

RESET = "\x1b[0m"
DIM = "\x1b[2m"
# Colours by a status's role (docs/format.md, "Statuses"): plan.toml's own vocabulary
# gets the colour of its role, unless its `status_colours` table names one.
ROLE_COLOURS = {"new": "\x1b[34m", "open": "\x1b[36m", "done": "\x1b[32m",
                "done-later": "\x1b[2;32m"}
NAMED_COLOURS = {"red": "\x1b[31m", "green": "\x1b[32m", "yellow": "\x1b[33m",
                 "blue": "\x1b[34m", "magenta": "\x1b[35m", "cyan": "\x1b[36m",
                 "dim": "\x1b[2m", "bold": "\x1b[1m", "default": ""}
DUE_COLOURS = {OVERDUE: "\x1b[31m", DUE_SOON: "\x1b[33m"}
HEADERS = ("ID", "STATUS", "DUE", "OWNER", "AREA", "TITLE")
# How the table gives way on a narrow terminal: (column, narrowest it may become), in turn.
SHRINK_STEPS = ((5, 24), (4, 14), (3, 12), (5, 16), (4, 8), (3, 8), (2, 10), (5, 10), (0, 10),
                (1, 8))


def status_colour(status: str, config: PlanConfig) -> str:
    named = config.status_colours.get(status)
    if named is not None:
        return NAMED_COLOURS.get(named, "")
    return ROLE_COLOURS[config.status_role(status)]


def table(items: list[Item], config: PlanConfig, colour: bool, width: int | None) -> str:
    """Aligned columns. On a terminal every row fits its width: the title, then the
    area and owner, give way first, each cut with '…'."""
    on = today()
    rows = []
    for item in items:
        due = item.due
        state = due_state(item, config, on)
        if due is None:
            due_text = "-"
        elif state is None:
            due_text = due.isoformat()
        else:
            due_text = f"{due.isoformat()} {due_hint(due, on)}"
        due_text += assessment_mark(item, config, on)
        rows.append((item, state, (visible(item.id), visible(item.status), due_text,
                                   visible(item.get("owner") or "-"),
                                   visible(item.get("area", "")), visible(item.title))))
    widths = [max([len(HEADERS[i])] + [len(r[2][i]) for r in rows]) for i in range(6)]
    widths[4] = min(widths[4], 28)  # areas are long; the title matters more
    if width is not None:
        widths = _fit_widths(widths, width)
    out = ["  ".join(_fit(h, w) for h, w in zip(HEADERS, widths, strict=True)).rstrip()]
    for item, state, cells in rows:
        parts = [_fit(cells[i], widths[i]) for i in range(6)]
        if colour:
            done = state is None and config.is_done(item.status)
            status_code = status_colour(item.status, config)
            parts[1] = f"{status_code}{parts[1]}{RESET}" if status_code else parts[1]
            due_colour = DIM if done else DUE_COLOURS.get(state or NO_DATE, "")
            parts[2] = f"{due_colour}{parts[2]}{RESET}" if due_colour else parts[2]
            if done:
                parts[5] = f"{DIM}{parts[5]}{RESET}"
        out.append("  ".join(parts).rstrip())
    return "\n".join(out) + "\n"


def _fit_widths(widths: list[int], width: int) -> list[int]:
    """Column widths whose row (with two spaces between columns) fits `width`."""
    widths = list(widths)
    for column, floor in SHRINK_STEPS:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        if excess <= 0:
            break
        widths[column] = max(min(widths[column], floor), widths[column] - excess)
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    if excess > 0:  # a very narrow terminal: the title takes what is left, down to 1
        widths[5] = max(1, widths[5] - excess)
    return widths


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return f"{text:<{width}}"


def plain(value: Any) -> Any:
    """JSON-ready: dates as YYYY-MM-DD, recursively."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def item_record(item: Item, config: PlanConfig, plan_dir: Path) -> dict[str, Any]:
    record = plain(item.data)
    record["file"] = item.path.relative_to(plan_dir).as_posix()
    record["due_state"] = due_state(item, config)
    return record


def as_json(items: list[Item], config: PlanConfig, plan_dir: Path) -> str:
    records = [item_record(item, config, plan_dir) for item in items]
    return json_dumps(records, indent=2) + "\n"


def _csv_columns() -> tuple[str, ...]:
    """The fields the schema lists (indexed, not tables), in schema order, `due_state`
    after `due`; then the action counts and the file."""
    columns: list[str] = []
    for field in ITEM_FIELDS:
        if field.indexed and not field.is_table:
            columns += [field.key, "due_state"] if field.key == "due" else [field.key]
    return (*columns, "actions_done", "actions", "file")


CSV_COLUMNS = _csv_columns()


def as_csv(items: list[Item], config: PlanConfig, plan_dir: Path, raw: bool = False) -> str:
    """One row per item. A cell a spreadsheet would run as a formula gets a ' in front,
    as in the board pack's CSV (safe_text.escape_cell), unless `raw`."""
    escape = str if raw else escape_cell
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        record = item_record(item, config, plan_dir)
        record["tags"] = ";".join(item.tags)
        record["actions"] = len(item.actions)
        record["actions_done"] = sum(1 for a in item.actions if a.get("done"))
        writer.writerow(["" if record.get(c) is None else escape(str(record[c]))
                         for c in CSV_COLUMNS])
    return buffer.getvalue()


def history_record(entry: Any) -> dict[str, Any]:
    commit = entry.commit
    fields = list(dict.fromkeys(f for c in entry.changes for f in c.fields))
    return {"commit": commit.sha, "date": commit.date.isoformat(), "author": commit.author_name,
            "email": commit.author_email, "message": commit.message,
            "subject": commit.subject, "body": commit.body, "fields": fields,
            "items": [{"id": c.item_id, "file": c.path, "fields": list(c.fields)}
                      for c in entry.changes]}


def write_history(entries: Iterable[Any], fmt: str, out: TextIO) -> None:
    """History as text or a JSON array, written entry by entry as they come."""
    if fmt != "json":
        for entry in entries:
            out.write(history_text([entry]))
        return
    count = 0
    for count, entry in enumerate(entries, 1):
        record = json_dumps(history_record(entry), indent=2)
        indented = "\n".join("  " + line for line in record.split("\n"))
        out.write(("[" if count == 1 else ",") + "\n" + indented)
    out.write("\n]\n" if count else "[]\n")


def history_text(entries: list[Any]) -> str:
    out = []
    for entry in entries:
        commit = entry.commit
        out.append(f"commit {commit.sha[:12]}  {commit.date:%Y-%m-%d %H:%M}  "
                   f"{visible(commit.author_name)}")
        out.append(f"    {visible(commit.subject)}")
        for change in entry.changes:
            out.append(f"    {visible(change.item_id)}: {visible(', '.join(change.fields))}")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")
