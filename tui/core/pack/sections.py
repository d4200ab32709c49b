"""The board pack's sections, in reading order: tables that Markdown and HTML lay out
alike (report_render.Table), from ReportData."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tui.core.pack.model import Evidence, FieldChange, ReportData, ReportItem
from tui.core.pack.render import (
    RAG_COLUMNS,
    RAG_NAMES,
    Column,
    Section,
    Table,
    cell_text,
    cols,
    due_move_text,
    rag_counts,
    revision_text,
    short,
    worst_rag,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _inspection_section(data: ReportData) -> Section:
    statuses = list(data.statuses)
    for count in data.inspections:  # a status outside the vocabulary still gets a column
        statuses += [s for s in count.statuses if s not in statuses]
    columns = (*cols("Inspection:id", "Title:wide", "RAG:rag"),
               *(Column(status, "num") for status in statuses), Column("Total", "num"),
               *RAG_COLUMNS)
    rows = [(c.inspection, c.title, worst_rag(c.rag),
             *(c.statuses.get(status, 0) for status in statuses), sum(c.statuses.values()),
             *rag_counts(c.rag)) for c in data.inspections]
    return Section("inspections", "By inspection", [Table(columns, rows)], "No inspections.",
                   note="Items by status, and by RAG. RAG is the worst rating of any item.")


def _area_section(data: ReportData) -> Section:
    columns = (*cols("Inspection:id", "Area:wide", "Grade", "RAG:rag"), *RAG_COLUMNS)
    rows = [(a.inspection, a.area, a.grade, worst_rag(a.rag), *rag_counts(a.rag))
            for a in data.areas]
    return Section("areas", "By area", [Table(columns, rows)], "No areas.",
                   note="Each area with the grade the inspection gave it.")


def _latest(item: ReportItem) -> tuple[str, date | None]:
    update = item.latest_update
    return (update.text, update.date) if update else ("", None)


def _actions(item: ReportItem) -> str:
    return f"{item.actions_done} of {item.actions_total}" if item.actions_total else "none"


def assessed_text(item: ReportItem) -> str:
    """The owner's own RAG beside the dates', with a difference flagged."""
    if item.assessment is None:
        return ""
    word = RAG_NAMES[item.assessment.rag]
    return f"{word} ≠ dates" if item.assessment_differs else word


def _names(items: list[ReportItem]) -> str:
    return ", ".join(i.id for i in items) or "none"


def _exceptions_section(data: ReportData) -> Section:
    columns = cols("Exception:wide", "Items:num", "Which:long", "Meaning:wide")
    rows = [(f.title, len(f.items), _names(f.items), f.meaning) for f in data.exceptions]
    differs = [i for i in data.items if i.assessment_differs]
    rows.append(("Owner's assessment differs", len(differs), _names(differs),
                 "the owner's own RAG is not what the dates say"))
    return Section("exceptions", "Exceptions", [Table(columns, rows)], "No exceptions.",
                   note="What the board should ask about first, each named below.")


def _closure_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Owner", "Actions done", "Evidence:long",
                    "Latest update:long", "Updated:date")
    rows = [(i.id, i.title, i.owner, _actions(i),
             "\n".join(_evidence_text(e) for e in i.evidence) or "none recorded",
             *_latest(i)) for i in data.awaiting_signoff]
    return Section("closure", f"Proposed for closure ({len(rows)})", [Table(columns, rows)],
                   "No item is awaiting sign-off.",
                   note="Delivered (complete) and awaiting the board's sign-off, with their "
                        "evidence.")


def _evidence_text(evidence: Evidence) -> str:
    parts = [evidence.title]
    if evidence.date:
        parts.append(f"({cell_text(evidence.date)})")
    if evidence.location:
        parts.append(f"at {evidence.location}")
    return " ".join(parts)


def _decisions_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Owner", "Lead", "Decision asked for:long")
    rows = [(i.id, i.title, i.owner, i.lead, i.decision) for i in data.decisions]
    return Section("decisions", f"Decisions needed ({len(rows)})", [Table(columns, rows)],
                   "No owner has asked the board for a decision.",
                   note="What owners ask the board to decide (afi set ID decision=TEXT, or the "
                        "edit screen).")


def _overdue_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Owner", "Lead", "Due:date", "Days late:num",
                    "Owner's RAG", "Actions done", "Latest update:long", "Updated:date")
    rows = [(i.id, i.title, i.owner, i.lead, i.due, i.days_late, assessed_text(i),
             _actions(i), *_latest(i)) for i in data.overdue]
    return Section("overdue", f"Overdue ({len(rows)})", [Table(columns, rows)],
                   "No item is overdue.", note="Most days late first.", page_break=True)


def _stale_section(data: ReportData) -> Section:
    stale = next((f.items for f in data.exceptions if f.key == "stale"), [])
    columns = cols("ID:id", "Title:wide", "Owner", "Last update:date", "Days since:num")
    rows = [(i.id, i.title, i.owner, _latest(i)[1],
             "never" if i.stale_days == -1 else i.stale_days) for i in stale]
    return Section("stale", f"Stale updates ({len(rows)})", [Table(columns, rows)],
                   "Every open item has a recent progress update.",
                   note=f"Open items with no progress update for more than "
                        f"{data.stale_after_days} days (plan.toml stale_after_days).")


def _assessment_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Owner", "RAG by dates:rag", "Owner's RAG:rag",
                    "Reason:long", "Assessed:date")
    rows = [(i.id, i.title, i.owner, i.rag, i.assessment.rag, i.assessment.reason,
             i.assessment.date) for i in data.items if i.assessment_differs and i.assessment]
    return Section("assessments", f"Owner's assessment differs ({len(rows)})",
                   [Table(columns, rows)], "Every owner's assessment agrees with the dates.",
                   note="Dates say whether an item is late; the owner says whether it is on "
                        "track (afi assess).")


def _revisions_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Original due:date", "Current due:date",
                    "Moves:num", "Each move and its reason:long")
    rows = [(i.id, i.title, i.original_due, i.due, len(i.due_history),
             "\n".join(due_move_text(m) for m in i.due_history))
            for i in data.items if i.due_history]
    return Section("due-dates", f"Due dates revised ({len(rows)})", [Table(columns, rows)],
                   "No due date has been moved.",
                   note="The original date, the current one, and every move with its "
                        "reason.")


def _no_date_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Status", "Owner", "Lead", "Updated:date")
    rows = [(i.id, i.title, i.status, i.owner, i.lead, _latest(i)[1]) for i in data.no_due_date]
    return Section("no-due-date", f"Open with no due date ({len(rows)})", [Table(columns, rows)],
                   "Every open item has a due date.",
                   note="Open items without a closedown timeline (Grey).")


def _actions_section(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Owner", "Added:num", "Done:num",
                    "Actions done:num")
    rows = [(i.id, i.title, i.owner, i.actions_added, i.actions_completed, _actions(i))
            for i in data.items if i.actions_added or i.actions_completed]
    return Section("actions", f"Actions in the period ({len(rows)})",
                   [Table(columns, rows)], "No action was added or done in the period.",
                   note="Actions added and marked done since the period began; the last "
                        "column counts all the item's actions.")


# Kinds of change, in the order a board reads them: (FieldChange.field, caption).
CHANGE_KINDS = (("status", "Status changes"), ("closure", "Closures"),
                ("due", "Due-date revisions"), ("created", "New items"),
                ("update", "Progress updates"), ("evidence", "New evidence"))
CHANGE_TAIL = cols("By", "Date:date")


def _arrow(old: str | None, new: str | None) -> str:
    return f"{old or 'none'} → {new or 'none'}"


def _change_rows(data: ReportData) -> dict[str, Callable[[FieldChange], tuple[Any, ...]]]:
    """How each kind of change becomes a row (the commit's author, date and id follow)."""
    items = {item.id: item for item in data.items}

    def title(change: FieldChange) -> str:
        item = items.get(change.id)
        return item.title if item else ""

    def closure(change: FieldChange) -> tuple[Any, ...]:
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
    "status": cols("ID:id", "Title:wide", "Status"),
    "closure": cols("ID:id", "Title:wide", "Approved by", "Board", "Closed:date"),
    "due": cols("ID:id", "Title:wide", "Due date:date", "Reason:long"),
    "created": cols("ID:id", "Title:wide"),
    "update": cols("ID:id", "Title", "Update:long"),
    "evidence": cols("ID:id", "Title:wide", "Evidence:wide"),
    "": cols("ID:id", "Field", "Change:long"),
}


def _changes_section(data: ReportData) -> Section:
    rows = _change_rows(data)
    known = {kind for kind, _ in CHANGE_KINDS}
    tables = []
    for kind, caption in (*CHANGE_KINDS, ("", "Other changes")):
        chosen = [c for c in data.changes if (c.field if c.field in known else "") == kind]
        if chosen:
            body = [(*rows[kind](c), c.author, c.date.date()) for c in chosen]
            tables.append(Table(CHANGE_COLUMNS[kind] + CHANGE_TAIL, body,
                                f"{caption} ({len(chosen)})"))
    title = f"Changes since {period_start(data)}" if data.since else "Changes"
    empty = ("No changes in the period." if data.since
             else "No start of the period was given (--since), so no changes are listed.")
    return Section("changes", title, tables, empty, page_break=True,
                   note="Oldest first; each with who made it and when.")


def _boards_section(data: ReportData) -> Section:
    columns = cols("Date:date", "Board:wide", "Note:long")
    rows = [(b.date, b.name, b.note) for b in data.boards]
    return Section("boards", "Boards in the period", [Table(columns, rows)],
                   "No board met in the period.")


def _appendix_items(data: ReportData) -> Section:
    columns = cols("ID:id", "Title:wide", "Area", "RAG:rag", "Owner's RAG", "Owner", "Lead",
                    "Due:date", "Actions done", "Latest update:date")
    rows = [(i.id, i.title, i.area, i.rag, assessed_text(i), i.owner, i.lead, i.due,
             _actions(i), _latest(i)[1]) for i in data.items]
    return Section("appendix-items", f"Appendix A: every item in the pack ({len(rows)})",
                   [Table(columns, rows)], "No items.", page_break=True)


def _appendix_commits(data: ReportData) -> Section:
    commits: dict[str, list[Any]] = {}
    for change in data.changes:
        entry = commits.setdefault(change.commit, [change.date, change.author, []])
        if change.id not in entry[2]:
            entry[2].append(change.id)
    columns = cols("Commit:id", "Date:date", "By", "Items:long")
    rows = [(short(sha), when, author, ", ".join(ids))
            for sha, (when, author, ids) in commits.items()]
    rows += [(short(b.commit), b.date, "", f"board mark {b.tag}") for b in data.boards]
    facts = [("Plan as of", revision_text(data.as_of)),
             ("Period from", revision_text(data.since) or "not given")]
    return Section("appendix-changes", "Appendix B: the changes in git",
                   [Table(cols("What", "Revision:long"), facts), Table(columns, rows)],
                   "No commits in the period.",
                   note="The commits behind the changes listed, for anyone checking them "
                        "with git.")


def sections(data: ReportData) -> list[Section]:
    """The pack after its cover and summary, in reading order."""
    return [_closure_section(data), _decisions_section(data), _overdue_section(data),
            _stale_section(data), _assessment_section(data), _no_date_section(data),
            _revisions_section(data), _actions_section(data), _inspection_section(data),
            _area_section(data), _changes_section(data), _boards_section(data),
            _appendix_items(data), _appendix_commits(data)]


def first_page(data: ReportData) -> Section:
    return _exceptions_section(data)


def pack_title(data: ReportData) -> str:
    """"Board pack", or for a slice of the plan "Deep dive: QUERY"."""
    return f"Deep dive: {data.query}" if data.query else "Board pack"


def period_start(data: ReportData) -> str:
    if data.since is None:
        return "the start"
    day = cell_text(data.since.date.date()) if data.since.date else "the start"
    opened = next((b for b in data.boards if b.commit == data.since.commit), None)
    return f"{cell_text(opened.date)} ({opened.name})" if opened else day


def cover_facts(data: ReportData) -> list[tuple[str, str]]:
    """The cover: plan, board, meeting, period, scope, in words (no commit ids)."""
    end = data.as_of.date.date() if data.as_of.date and data.as_of.label != "HEAD" \
        else data.generated
    return [("Plan", data.plan_title),
            ("Board", data.board or "not given (--board NAME)"),
            ("Meeting", cell_text(data.meeting) if data.meeting
             else "date not given (--date YYYY-MM-DD)"),
            ("Period covered", f"{period_start(data)} to {cell_text(end)}"),
            ("Items covered", data.query or "all items"),
            ("Prepared", cell_text(data.generated))]
