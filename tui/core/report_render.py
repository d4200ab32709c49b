"""A board pack written out: Markdown, HTML, CSV or JSON, from ReportData (report_model.py).

Every string in ReportData is user data, escaped the way its format needs:
- HTML: Jinja2 with autoescape; every `{{ }}` value goes through one `finalize` hook that
  shows control characters in caret notation (safe_text), so no template can forget it.
- Markdown: `md_text` escapes markup, HTML and table pipes; line breaks become `<br>`.
- CSV: text kept exact; a cell that a spreadsheet would run as a formula is prefixed with
  `'` (safe_text.escape_cell, shared with `afi list --format csv`; reversible:
  `unescape_cell`).
- JSON: `safe_text.json_dumps`, which also escapes DEL and C1 characters.

The progress chart is a small hand-written SVG rather than a plotting library: two lines of
monthly counts need about a hundred lines of code, while matplotlib would add tens of
megabytes and a slow import for one picture, and the small SVG libraries still leave the
axes, ticks and print styling to us. Written by hand, the output is deterministic (testable
text), self-contained, and styled to print in black and white (solid vs dashed lines,
round vs square markers).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from functools import cache
from html import escape as xml_escape
from typing import Any

from markupsafe import Markup, escape

from tui.core.report_model import (
    RAG_ORDER,
    Change,
    ProgressPoint,
    ReportData,
    ReportItem,
    Revision,
)
from tui.core.safe_text import NOT_SHOWN_AS_IS, escape_cell, json_dumps, visible_lines
from tui.core.safe_text import unescape_cell as unescape_cell  # for the importer

FORMATS = ("md", "html", "csv", "json")
RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green", "done": "Done"}
RAG_MEANINGS = {"red": "overdue", "amber": "due soon", "green": "on track or no due date",
                "done": "complete, closed or superseded"}
JSON_VERSION = 1


# ---------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    """A value as people read it: dates ISO, datetimes to the minute, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _short(commit: str | None) -> str:
    return (commit or "")[:8]


def _revision_text(revision: Revision | None) -> str:
    if revision is None:
        return ""
    if revision.commit is None:
        return f"{revision.label} (before the first commit)"
    when = f", {_text(revision.date)}" if revision.date else ""
    return f"{revision.label} (commit {_short(revision.commit)}{when})"


def worst_rag(rag: dict[str, int]) -> str:
    """The row's overall rating: its worst RAG with any items ("" when it has none)."""
    return next((key for key in RAG_ORDER if rag.get(key)), "")


def _rag_counts(rag: dict[str, int]) -> list[int]:
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


def _cols(*spec: str) -> tuple[Column, ...]:
    """'Title', 'Due:date', ...: a header and, after a colon, its kind."""
    return tuple(Column(*item.split(":", 1)) for item in spec)


RAG_COLUMNS = tuple(Column(RAG_NAMES[key], "num") for key in RAG_ORDER)


def _inspection_section(data: ReportData) -> Section:
    statuses = list(data.statuses)
    for count in data.inspections:  # a status outside the vocabulary still gets a column
        statuses += [s for s in count.statuses if s not in statuses]
    columns = (*_cols("Inspection:id", "Title:wide", "RAG:rag"),
               *(Column(status, "num") for status in statuses), Column("Total", "num"),
               *RAG_COLUMNS)
    rows = [(c.inspection, c.title, worst_rag(c.rag),
             *(c.statuses.get(status, 0) for status in statuses), sum(c.statuses.values()),
             *_rag_counts(c.rag)) for c in data.inspections]
    return Section("inspections", "By inspection", [Table(columns, rows)], "No inspections.",
                   note="Items by status, and by RAG. RAG is the worst rating of any item.")


def _area_section(data: ReportData) -> Section:
    columns = (*_cols("Inspection:id", "Area:wide", "Grade", "RAG:rag"), *RAG_COLUMNS)
    rows = [(a.inspection, a.area, a.grade, worst_rag(a.rag), *_rag_counts(a.rag))
            for a in data.areas]
    return Section("areas", "By area", [Table(columns, rows)], "No areas.",
                   note="Each area with the grade the inspection gave it.")


def _overdue_section(data: ReportData) -> Section:
    columns = _cols("ID:id", "Title:wide", "Owner", "Lead", "Due:date", "Days late:num",
                    "Latest update:long", "Updated:date")
    rows = [(i.id, i.title, i.owner, i.lead, i.due, i.days_late, *_latest(i))
            for i in data.overdue]
    return Section("overdue", f"Overdue ({len(rows)})", [Table(columns, rows)],
                   "No item is overdue.", note="Most days late first.", page_break=True)


def _latest(item: ReportItem) -> tuple[str, date | None]:
    update = item.latest_update
    return (update.text, update.date) if update else ("", None)


def _signoff_section(data: ReportData) -> Section:
    columns = _cols("ID:id", "Title:wide", "Owner", "Lead", "Due:date", "Actions done:num",
                    "Evidence:num", "Latest update:long", "Updated:date")
    rows = [(i.id, i.title, i.owner, i.lead, i.due, f"{i.actions_done} of {i.actions_total}",
             i.evidence_count, *_latest(i)) for i in data.awaiting_signoff]
    return Section("signoff", f"Awaiting sign-off ({len(rows)})", [Table(columns, rows)],
                   "No item is awaiting sign-off.",
                   note="Delivered (complete) but not yet closed at a board.")


def _no_date_section(data: ReportData) -> Section:
    columns = _cols("ID:id", "Title:wide", "Status", "Owner", "Lead", "Updated:date")
    rows = [(i.id, i.title, i.status, i.owner, i.lead, _latest(i)[1]) for i in data.no_due_date]
    return Section("no-due-date", f"Open with no due date ({len(rows)})", [Table(columns, rows)],
                   "Every open item has a due date.",
                   note="Open items without a closedown timeline.")


# Kinds of change, in the order a board reads them: (Change.field, caption).
CHANGE_KINDS = (("status", "Status changes"), ("closure", "Closures"),
                ("due", "Due-date revisions"), ("created", "New items"),
                ("update", "Progress updates"), ("evidence", "New evidence"))
CHANGE_TAIL = _cols("By", "Date:date", "Commit:id")


def _arrow(old: str | None, new: str | None) -> str:
    return f"{old or 'none'} → {new or 'none'}"


def _change_rows(data: ReportData) -> dict[str, Callable[[Change], tuple[Any, ...]]]:
    """How each kind of change becomes a row (the commit's author, date and id follow)."""
    items = {item.id: item for item in data.items}

    def title(change: Change) -> str:
        item = items.get(change.id)
        return item.title if item else ""

    def closure(change: Change) -> tuple[Any, ...]:
        item = items.get(change.id)
        if item is None or item.closure is None:  # the item's closure is the fuller record
            return change.id, title(change), change.new or "", "", None
        c = item.closure
        return change.id, title(change), c.approved_by, c.board, c.date

    return {
        "status": lambda c: (c.id, title(c), _arrow(c.old, c.new)),
        "closure": closure,
        "due": lambda c: (c.id, title(c), _arrow(c.old, c.new), c.reason or ""),
        "created": lambda c: (c.id, title(c) or c.new or ""),
        "update": lambda c: (c.id, title(c), c.new or ""),
        "evidence": lambda c: (c.id, title(c), c.new or ""),
        "": lambda c: (c.id, c.field, _arrow(c.old, c.new)),
    }


CHANGE_COLUMNS = {
    "status": _cols("ID:id", "Title:wide", "Status"),
    "closure": _cols("ID:id", "Title:wide", "Approved by", "Board", "Closed:date"),
    "due": _cols("ID:id", "Title:wide", "Due date:date", "Reason:long"),
    "created": _cols("ID:id", "Title:wide"),
    "update": _cols("ID:id", "Title", "Update:long"),
    "evidence": _cols("ID:id", "Title:wide", "Evidence:wide"),
    "": _cols("ID:id", "Field", "Change:long"),
}


def _changes_section(data: ReportData) -> Section:
    rows = _change_rows(data)
    known = {kind for kind, _ in CHANGE_KINDS}
    tables = []
    for kind, caption in (*CHANGE_KINDS, ("", "Other changes")):
        chosen = [c for c in data.changes if (c.field if c.field in known else "") == kind]
        if chosen:
            body = [(*rows[kind](c), c.author, c.date, _short(c.commit)) for c in chosen]
            tables.append(Table(CHANGE_COLUMNS[kind] + CHANGE_TAIL, body,
                                f"{caption} ({len(chosen)})"))
    title = f"Changes since {data.since.label}" if data.since else "Changes"
    empty = ("No changes in the period." if data.since
             else "No start of the period was given (--since), so no changes are listed.")
    return Section("changes", title, tables, empty, page_break=True,
                   note="Oldest first; each with the commit's author and date.")


def _boards_section(data: ReportData) -> Section:
    columns = _cols("Date:date", "Board:wide", "Tag", "Note:long", "Commit:id")
    rows = [(b.date, b.name, b.tag, b.note, _short(b.commit)) for b in data.boards]
    return Section("boards", "Boards in the period", [Table(columns, rows)],
                   "No board met in the period.")


def sections(data: ReportData) -> list[Section]:
    """The pack's tables after its summary, in reading order."""
    return [_inspection_section(data), _area_section(data), _overdue_section(data),
            _signoff_section(data), _no_date_section(data), _changes_section(data),
            _boards_section(data)]


def _header_facts(data: ReportData) -> list[tuple[str, str]]:
    return [("Plan as of", _revision_text(data.as_of)),
            ("Changes since", _revision_text(data.since) or "not given"),
            ("Items covered", data.query or "all items"),
            ("Generated", _text(data.generated))]


# ---------------------------------------------------------------------------- Markdown

# Escaped with a backslash wherever they occur: inline markup and table pipes.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~#])")
# At the start of the text they would open a block (list, heading rule, ordered list).
_MD_LEADING = re.compile(r"^(\s*)([-+=])|^(\s*\d+)([.)])")


def _escape_leading(match: re.Match[str]) -> str:
    space, marker, number, dot = match.groups()
    return f"{space}\\{marker}" if marker else f"{number}\\{dot}"


def md_text(value: Any) -> str:
    """User text as Markdown that shows exactly that text, on one source line: controls in
    caret notation, HTML characters as entities, line breaks as `<br>`, tabs as spaces."""
    text = visible_lines(_text(value)).replace("\t", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LEADING.sub(_escape_leading, text)
    return "<br>".join(text.split("\n"))


def _md_table(table: Table) -> list[str]:
    def row(cells: Any) -> str:
        return "| " + " | ".join(md_text(cell) or " " for cell in cells) + " |"

    align = ["---:" if column.kind == "num" else "---" for column in table.columns]
    lines = [f"### {md_text(table.caption)}", ""] if table.caption else []
    lines += [row(c.header for c in table.columns), "| " + " | ".join(align) + " |"]
    lines += [row(RAG_NAMES.get(r, r) if c.kind == "rag" else r
                  for c, r in zip(table.columns, cells, strict=True))
              for cells in table.rows]
    return [*lines, ""]


def _md_section(section: Section) -> list[str]:
    lines = [f"## {md_text(section.title)}", ""]
    if section.note:
        lines += [md_text(section.note), ""]
    if not section.has_rows:
        return [*lines, md_text(section.empty), ""]
    for table in section.tables:
        lines += _md_table(table)
    return lines


def render_markdown(data: ReportData) -> str:
    lines = [f"# {md_text(data.plan_title)}", "", "Improvement plan board pack", ""]
    lines += [f"- {name}: {md_text(value)}" for name, value in _header_facts(data)] + [""]
    totals = data.rag_totals
    lines += ["## Summary", ""]
    lines += _md_table(Table(_cols("RAG", "Meaning", "Items:num"),
                             [(RAG_NAMES[k], RAG_MEANINGS[k], totals[k]) for k in RAG_ORDER]
                             + [("Total", "", len(data.items))]))
    for section in sections(data):
        lines += _md_section(section)
    lines += ["## Progress over time", ""]
    if data.progress:
        lines += _md_table(Table(_cols("Month", "Open at month end:num", "Done:num"),
                                 [(p.month.strftime("%Y-%m"), p.open, p.done)
                                  for p in data.progress]))
    else:
        lines += ["No progress data.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------- HTML

# Controls other than line feed and tab (which pre-wrap cells show as themselves), and
# characters that hide what text says: one definition of what is shown marked.
_HTML_CONTROLS = NOT_SHOWN_AS_IS


def html_text(value: Any) -> Markup:
    """Any value for the page: escaped, with control characters shown in caret notation
    and hidden characters as <U+202E>, marked (the span's attributes are unquoted words,
    so it is inert in any context)."""
    if isinstance(value, Markup):
        return value
    text = _text(value).replace("\r\n", "\n")
    if not _HTML_CONTROLS.search(text):
        return escape(text)
    parts, pos = [], 0
    for match in _HTML_CONTROLS.finditer(text):
        char = match.group()
        parts += [escape(text[pos:match.start()]),
                  Markup("<span class=ctl title=U+{:04X}>{}</span>").format(
                      ord(char), visible_lines(char))]
        pos = match.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def _plain_line(value: Any) -> Markup:
    """For <title>, which cannot hold elements: caret notation only, no markup."""
    text = _HTML_CONTROLS.sub(lambda m: visible_lines(m.group()), _text(value))
    return escape(" ".join(text.split()))


@cache
def _environment() -> Any:
    import jinja2  # only HTML needs it

    env = jinja2.Environment(loader=jinja2.PackageLoader("tui.core", "templates"),
                             autoescape=True, finalize=html_text,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plain_line"] = _plain_line
    return env


def render_html(data: ReportData) -> str:
    template = _environment().get_template("report.html.j2")
    totals = data.rag_totals
    return template.render(
        data=data, facts=_header_facts(data), sections=sections(data),
        rag_order=RAG_ORDER, rag_names=RAG_NAMES, rag_meanings=RAG_MEANINGS, totals=totals,
        total=len(data.items), chart=Markup(_svg(data.progress, 720, 240, standalone=False)),
        progress_rows=[(p.month.strftime("%Y-%m"), p.open, p.done) for p in data.progress])


# ---------------------------------------------------------------------------- chart

SERIES = (  # (field, legend, colour, dash, marker): blue and orange tell apart in any sight
    ("open", "Open items", "#c2410c", "", "circle"),
    ("done", "Done items", "#1d4ed8", "6 4", "square"),
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _nice_ticks(top: int, most: int = 5) -> list[int]:
    """0, step, 2*step, ... covering `top` with a step of 1, 2 or 5 times a power of ten."""
    top = max(top, 1)
    raw = top / (most - 1)
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, step * math.ceil(top / step) + 1, step))


def progress_svg(points: list[ProgressPoint], width: int = 640, height: int = 220) -> str:
    """Open and done items at each month end, as a standalone SVG document."""
    return _svg(points, width, height, standalone=True)


def _svg(points: list[ProgressPoint], width: int, height: int, standalone: bool) -> str:
    left, right, top, bottom = 48, 16, 36, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _nice_ticks(max((max(p.open, p.done) for p in points), default=0))

    def x(index: int) -> float:  # the centre of the month's band: one point sits mid-chart
        return left + plot_w * (index + 0.5) / max(len(points), 1)

    def y(value: int) -> float:
        return top + plot_h * (1 - value / ticks[-1])

    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [f'<svg{namespace} class="progress-chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" '
           'aria-labelledby="progress-title progress-desc" '
           'font-family="system-ui, sans-serif" font-size="11" fill="#1f2933">',
           '<title id="progress-title">Open and done items at each month end</title>',
           f'<desc id="progress-desc">{_esc(_chart_summary(points))}</desc>']
    out += _y_axis(ticks, y, left, plot_w, top, plot_h)
    out += _x_axis(points, x, top + plot_h, plot_w)
    out += _legend(width - right - 120 * len(SERIES))
    if points:
        for field, name, colour, dash, marker in SERIES:
            coords = [(x(i), y(getattr(p, field))) for i, p in enumerate(points)]
            out += _series(coords, colour, dash, marker, name)
    else:
        out.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
                   'text-anchor="middle" fill="#52606d">No progress data for this period</text>')
    out.append("</svg>")
    return "\n".join(out)


def _esc(text: Any) -> str:
    """Nothing in the chart is user text, but every label is escaped all the same."""
    return xml_escape(str(text), quote=True)


def _chart_summary(points: list[ProgressPoint]) -> str:
    if not points:
        return "No progress data."
    first, last = points[0], points[-1]
    return (f"{len(points)} months from {first.month:%Y-%m} to {last.month:%Y-%m}. "
            f"At the start {first.open} open and {first.done} done; "
            f"at the end {last.open} open and {last.done} done.")


def _y_axis(ticks: list[int], y: Callable[[int], float], left: int, plot_w: int, top: int,
            plot_h: int) -> list[str]:
    out = [f'<text x="{left - 36}" y="{top - 10}" fill="#52606d">Items</text>']
    for tick in ticks:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" '
                   f'y2="{y(tick):.1f}" stroke="#d9dee4" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end">{_esc(tick)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
               'stroke="#52606d" stroke-width="1"/>')
    return out


def _label_step(count: int, room: int) -> int:
    """Months between labels: 1, 2, 3, 6 or whole years, so labels sit on quarters and
    years rather than every fifth month."""
    need = math.ceil(count / max(1, room))
    return next((step for step in (1, 2, 3, 6, 12) if step >= need), 12 * math.ceil(need / 12))


def _x_axis(points: list[ProgressPoint], x: Callable[[int], float], base: float,
            plot_w: int) -> list[str]:
    """Month names under the axis, thinned to fit; the year under the first label and
    under each January."""
    band = plot_w / max(len(points), 1)
    out = [f'<line x1="{x(0) - band / 2:.1f}" x2="{x(0) - band / 2 + plot_w:.1f}" '
           f'y1="{base:.1f}" y2="{base:.1f}" stroke="#52606d" stroke-width="1"/>']
    step = _label_step(len(points), plot_w // 44)
    last_year = None
    for index, point in enumerate(points):
        months = point.month.year * 12 + point.month.month - 1
        if months % step:
            continue
        month, year = MONTHS[point.month.month - 1], point.month.year
        out.append(f'<line x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{base:.1f}" '
                   f'y2="{base + 4:.1f}" stroke="#52606d"/>')
        out.append(f'<text x="{x(index):.1f}" y="{base + 16:.1f}" '
                   f'text-anchor="middle">{_esc(month)}</text>')
        if year != last_year:
            out.append(f'<text x="{x(index):.1f}" y="{base + 30:.1f}" text-anchor="middle" '
                       f'fill="#52606d">{_esc(year)}</text>')
            last_year = year
    return out


def _marker(cx: float, cy: float, shape: str, colour: str, size: float = 3.2) -> str:
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{size:.1f}" fill="{colour}"/>'
    return (f'<rect x="{cx - size:.1f}" y="{cy - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}"/>')


def _series(coords: list[tuple[float, float]], colour: str, dash: str, marker: str,
            name: str) -> list[str]:
    path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g aria-label="{_esc(name)}">',
           f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
           f'{dashes} stroke-linejoin="round"/>']
    # Markers shrink as months crowd in, so that five years stay legible.
    gap = coords[1][0] - coords[0][0] if len(coords) > 1 else 10.0
    size = max(1.6, min(3.2, gap / 3))
    out += [_marker(cx, cy, marker, colour, size) for cx, cy in coords]
    return [*out, "</g>"]


def _legend(start: int) -> list[str]:
    """Top right, clear of the y axis's title."""
    out = []
    for index, (_, name, colour, dash, marker) in enumerate(SERIES):
        x0 = start + index * 120
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x0}" x2="{x0 + 26}" y1="12" y2="12" stroke="{colour}" '
                   f'stroke-width="2"{dashes}/>')
        out.append(_marker(x0 + 13, 12, marker, colour))
        out.append(f'<text x="{x0 + 32}" y="16">{_esc(name)}</text>')
    return out


# ---------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("id", "title", "kind", "inspection", "area", "status", "rag", "owner", "lead",
               "due", "original_due", "due_revisions", "days_late", "latest_update_date",
               "latest_update_by", "latest_update", "closure_approved_by", "closure_board",
               "closure_date", "evidence_count", "actions_done", "actions_total",
               "awaiting_signoff")
def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):  # report dates are days; a datetime would keep its time
        return value.isoformat()
    return str(value)


def csv_row(item: ReportItem) -> list[str]:
    update, closure = item.latest_update, item.closure
    values = {field.name: getattr(item, field.name) for field in fields(item)}
    values |= {"latest_update_date": update and update.date,
               "latest_update_by": update and update.by,
               "latest_update": update and update.text,
               "closure_approved_by": closure and closure.approved_by,
               "closure_board": closure and closure.board,
               "closure_date": closure and closure.date}
    return [escape_cell(_csv_value(values[column])) for column in CSV_COLUMNS]


def render_csv(data: ReportData) -> str:
    """One row per item, RFC 4180 (CRLF between rows, so a lone CR in a cell is quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(item) for item in data.items)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- JSON


def _jsonable(value: Any) -> Any:
    """What `json` cannot write itself, as it should appear: a record (dataclass) as an
    object of its fields, a date as YYYY-MM-DD, a date-time as ISO 8601. Given as
    `default=`, so the C encoder walks everything else (10,000 items in 0.1 s, not 0.6)."""
    if isinstance(value, date):  # datetime included: isoformat keeps its time and zone
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return vars(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _rag_object(rag: dict[str, int]) -> dict[str, int]:
    return {key: rag.get(key, 0) for key in RAG_ORDER}


def report_record(data: ReportData) -> dict[str, Any]:
    """The pack as one JSON object (docs/report-json.md)."""
    return {
        "version": JSON_VERSION,
        "plan": data.plan_title,
        "generated": data.generated,
        "query": data.query,
        "as_of": data.as_of,
        "since": data.since,
        "statuses": list(data.statuses),
        "counts": {
            "by_inspection": [{"inspection": c.inspection, "title": c.title,
                               "statuses": dict(c.statuses), "rag": _rag_object(c.rag)}
                              for c in data.inspections],
            "by_area": [{"inspection": a.inspection, "area": a.area, "grade": a.grade,
                         "rag": _rag_object(a.rag)} for a in data.areas],
            "rag": data.rag_totals,
        },
        "items": data.items,
        "overdue": [item.id for item in data.overdue],
        "awaiting_signoff": [item.id for item in data.awaiting_signoff],
        "no_due_date": [item.id for item in data.no_due_date],
        "changes": data.changes,
        "progress": data.progress,
        "boards": data.boards,
    }


def render_json(data: ReportData) -> str:
    """One object, one line per top-level key (a pretty-printed pack of 10,000 items would
    go through Python's slow encoder)."""
    record = report_record(data)
    lines = [f"  {json_dumps(key)}: {json_dumps(value, default=_jsonable)}"
             for key, value in record.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


# ---------------------------------------------------------------------------- dispatch

RENDERERS: dict[str, Callable[[ReportData], str]] = {
    "md": render_markdown, "html": render_html, "csv": render_csv, "json": render_json}


def render(data: ReportData, fmt: str) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}: use one of "
                         f"{', '.join(FORMATS)}") from None
    return renderer(data)
