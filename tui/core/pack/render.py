"""A board pack written out (docs/format.md §9): what every format shares, and the CSV.

The pack is ReportData (report_model.py); its sections (report_sections.py) are tables that
Markdown (report_markdown.py) and HTML (report_html.py, with report_chart.py's SVG) lay out;
JSON is report_json.py. Every string in ReportData is user data, escaped the way its
format needs:
- HTML: Jinja2 with autoescape; every `{{ }}` value goes through one `finalize` hook that
  shows control characters in caret notation (safe_text), so no template can forget it.
- Markdown: `md_text` escapes markup, HTML and table pipes; line breaks become `<br>`.
- CSV: text kept exact; a cell that a spreadsheet would run as a formula is prefixed with
  `'` (safe_text.escape_cell, shared with `afi list --format csv`; reversible:
  `unescape_cell`).
- JSON: `safe_text.json_dumps`, which also escapes DEL and C1 characters.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import date, datetime

from tui.core.pack.model import (
    RAG_ORDER,
    DueRevision,
    ReportData,
    ReportItem,
    Revision,
    long_date,
)
from tui.core.safe_text import escape_cell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Grey", "done": "Done"}
RAG_MEANINGS = {"red": "overdue", "amber": "due soon", "green": "on track",
                "grey": "open, no due date", "done": "complete, closed or superseded"}


# ---------------------------------------------------------------------------- values


def cell_text(value: Any) -> str:
    """A value as people read it: dates as people write them ("6 December 2026"),
    datetimes to the minute, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{long_date(value)} {value:%H:%M}"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def short(commit: str | None) -> str:
    return (commit or "")[:8]


def revision_text(revision: Revision | None) -> str:
    if revision is None:
        return ""
    if revision.commit is None:
        return f"{revision.label} (before the first commit)"
    when = f", {cell_text(revision.date)}" if revision.date else ""
    return f"{revision.label} (commit {short(revision.commit)}{when})"


def worst_rag(rag: dict[str, int]) -> str:
    """The row's overall rating: its worst RAG with any items ("" when it has none)."""
    return next((key for key in RAG_ORDER if rag.get(key)), "")


def rag_counts(rag: dict[str, int]) -> list[int]:
    return [rag.get(key, 0) for key in RAG_ORDER]


# ---------------------------------------------------------------------------- tables
# Markdown and HTML show the same tables; this is what they share.


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | wide | long | id | num | date | rag: how HTML lays it out


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    caption: str = ""  # a sub-heading (the kinds of change)


@dataclass(frozen=True)
class Section:
    key: str  # the HTML anchor: fixed words only, never user text
    title: str
    tables: list[Table]
    empty: str  # said instead of the tables when they have no rows
    note: str = ""
    page_break: bool = False  # when printed, start a new page (if there is a table)

    @property
    def has_rows(self) -> bool:
        return any(table.rows for table in self.tables)


def cols(*spec: str) -> tuple[Column, ...]:
    """'Title', 'Due:date', ...: a header and, after a colon, its kind."""
    return tuple(Column(*item.split(":", 1)) for item in spec)


RAG_COLUMNS = tuple(Column(RAG_NAMES[key], "num") for key in RAG_ORDER)


# ---------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("id", "title", "kind", "inspection", "area", "status", "rag", "owner", "lead",
               "due", "original_due", "due_revisions", "days_late", "latest_update_date",
               "latest_update_by", "latest_update", "closure_approved_by", "closure_board",
               "closure_date", "evidence_count", "actions_done", "actions_total",
               "awaiting_signoff", "assessment", "assessment_date", "assessment_by",
               "assessment_reason", "assessment_differs", "decision", "stale_days",
               "due_history", "actions_added", "actions_completed")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):  # report dates are days; a datetime would keep its time
        return value.isoformat()
    return str(value)


def due_move_text(move: DueRevision, iso: bool = False) -> str:
    """"14 January 2025: 10 February 2025 → 30 April 2025 (new rota)"."""
    day: Callable[[date | None], str] = (lambda d: d.isoformat() if d else "none") if iso \
        else (lambda d: long_date(d) if d else "none")
    reason = f" ({move.reason})" if move.reason else ""
    return f"{day(move.date)}: {day(move.old)} → {day(move.new)}{reason}"


def csv_row(item: ReportItem) -> list[str]:
    update, closure, assessed = item.latest_update, item.closure, item.assessment
    values = {field.name: getattr(item, field.name) for field in fields(item)}
    values |= {"latest_update_date": update and update.date,
               "latest_update_by": update and update.by,
               "latest_update": update and update.text,
               "closure_approved_by": closure and closure.approved_by,
               "closure_board": closure and closure.board,
               "closure_date": closure and closure.date,
               "assessment": assessed and assessed.rag,
               "assessment_date": assessed and assessed.date,
               "assessment_by": assessed and assessed.by,
               "assessment_reason": assessed and assessed.reason,
               "due_history": "; ".join(due_move_text(r, iso=True) for r in item.due_history)}
    return [escape_cell(_csv_value(values[column])) for column in CSV_COLUMNS]


def render_csv(data: ReportData) -> str:
    """One row per item, RFC 4180 (CRLF between rows, so a lone CR in a cell is quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(item) for item in data.items)
    return buffer.getvalue()
