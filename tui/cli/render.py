"""Output of `afi list` and friends: table, JSON and CSV.

User text never reaches a terminal as control characters: the table shows them in
caret notation (ESC as ^[), so a title cannot move the cursor or change colours.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from tui.core.model import (
    DUE_SOON,
    NO_DATE,
    OVERDUE,
    Item,
    PlanConfig,
    due_hint,
    due_state,
    today,
)

# Control characters in caret notation (ESC as ^[), C1 controls as <9b>; tabs and line
# breaks become spaces so a value stays on its line. str.translate does this in C.
_VISIBLE = {**{code: f"^{chr(code + 64)}" for code in range(32)}, 127: "^?",
            **{code: f"<{code:02x}>" for code in range(0x80, 0xA0)}, 9: " ", 10: " ", 13: " "}
RESET = "\x1b[0m"
STATUS_COLOURS = {"not-started": "\x1b[34m", "in-progress": "\x1b[36m",
                  "complete": "\x1b[32m", "closed": "\x1b[2;32m", "superseded": "\x1b[2m"}
DUE_COLOURS = {OVERDUE: "\x1b[31m", DUE_SOON: "\x1b[33m"}
DIM = "\x1b[2m"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: Any) -> str:
    """One line of text with every control character made visible (^[, ^?, <9b>)."""
    text = str(text)
    # translate() looks up every character; most text has nothing to translate.
    return text.translate(_VISIBLE) if _CONTROL.search(text) else text


def table(items: list[Item], config: PlanConfig, colour: bool, width: int | None) -> str:
    """Aligned columns; the title last, cut to the terminal's width when there is one."""
    on = today()
    headers = ("ID", "STATUS", "DUE", "OWNER", "AREA", "TITLE")
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
        rows.append((item, state, (printable(item.id), printable(item.status), due_text,
                                   printable(item.get("owner") or "-"),
                                   printable(item.get("area", "")), printable(item.title))))
    widths = [max([len(headers[i])] + [len(r[2][i]) for r in rows]) for i in range(5)]
    widths[4] = min(widths[4], 28)  # areas are long; the title matters more
    title_width = max(20, width - sum(widths) - 10) if width else None
    out = ["  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=False)) + "  TITLE"]
    for item, state, cells in rows:
        parts = [_fit(cells[i], widths[i]) for i in range(5)]
        parts.append(_fit(cells[5], title_width) if title_width else cells[5])
        if colour:
            done = state is None and config.is_done(item.status)
            status_colour = STATUS_COLOURS.get(item.status, "")
            parts[1] = f"{status_colour}{parts[1]}{RESET}" if status_colour else parts[1]
            due_colour = DIM if done else DUE_COLOURS.get(state or NO_DATE, "")
            parts[2] = f"{due_colour}{parts[2]}{RESET}" if due_colour else parts[2]
            if done:
                parts[5] = f"{DIM}{parts[5]}{RESET}"
        out.append("  ".join(parts).rstrip())
    return "\n".join(out) + "\n"


def _fit(text: str, width: int | None) -> str:
    if width is None:
        return text
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
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("id", "kind", "inspection", "number", "area", "title", "status", "owner", "lead",
               "due", "due_state", "group", "tags", "actions_done", "actions", "file")


def as_csv(items: list[Item], config: PlanConfig, plan_dir: Path) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        record = item_record(item, config, plan_dir)
        record["tags"] = ";".join(item.tags)
        record["actions"] = len(item.actions)
        record["actions_done"] = sum(1 for a in item.actions if a.get("done"))
        writer.writerow(["" if record.get(c) is None else record.get(c) for c in CSV_COLUMNS])
    return buffer.getvalue()


def printable_diff(diff: str) -> str:
    return "".join(printable(line) + "\n" for line in diff.splitlines())


def history_record(entry: Any) -> dict[str, Any]:
    commit = entry.commit
    return {"commit": commit.sha, "date": commit.date.isoformat(), "author": commit.author_name,
            "email": commit.author_email, "subject": commit.subject, "body": commit.body,
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
        record = json.dumps(history_record(entry), indent=2, ensure_ascii=False)
        out.write(("[" if count == 1 else ",") + "\n" + textwrap.indent(record, "  "))
    out.write("\n]\n" if count else "[]\n")


def history_text(entries: list[Any]) -> str:
    out = []
    for entry in entries:
        commit = entry.commit
        out.append(f"commit {commit.sha[:12]}  {commit.date:%Y-%m-%d %H:%M}  "
                   f"{printable(commit.author_name)}")
        out.append(f"    {printable(commit.subject)}")
        for change in entry.changes:
            out.append(f"    {printable(change.item_id)}: {', '.join(change.fields)}")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")
