"""The board screen's body: a board pack (tui.core.pack.build) as Rich tables of `Text`.

Every value from the plan is `Text` (never markup); RAG counts are coloured from the
theme and sit under the RAG word, so the words say what the colours say.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tui.app.colours import Palette
from tui.core.model.items import late_words
from tui.core.pack.model import RAG_ORDER, FieldChange, ReportData, ReportItem, Revision
from tui.core.safe_text import visible

RAG_WORDS = {"red": "red (overdue)", "amber": "amber (due soon)", "green": "green",
             "grey": "grey (no due date)", "done": "done"}
SHORT_EXCEPTIONS = {"overdue": "overdue", "stale": "stale", "unowned": "unowned",
                    "no-due-date": "no date", "moved": "moved twice+",
                    "closed-open-actions": "closed, actions open"}
FIELD_WORDS = {"status": "status", "due": "due", "owner": "owner", "lead": "lead"}


def render_board(data: ReportData, palette: Palette) -> RenderableType:
    parts: list[RenderableType] = [_period(data, palette), _totals(data, palette),
                                   _exceptions(data, palette), Text()]
    parts += [_heading("By area", palette), _areas(data, palette), Text()]
    parts += [_heading(f"Overdue ({len(data.overdue)})", palette),
              _items(data.overdue, palette, late=True), Text()]
    parts += [_heading(f"Awaiting sign-off ({len(data.awaiting_signoff)}): c on the list "
                       "signs one off", palette),
              _items(data.awaiting_signoff, palette), Text()]
    since = data.since.label if data.since else "the last board"
    parts += [_heading(f"Changes since {since} ({len(data.changes)})", palette),
              _changes(data, palette)]
    return Group(*parts)


def _heading(text: str, palette: Palette) -> Text:
    return Text(visible(text), style=palette["heading"])


def _revision(revision: Revision) -> str:
    when = f", {revision.date:%Y-%m-%d}" if revision.date else ""
    commit = f" ({revision.commit[:8]}{when})" if revision.commit else ""
    return f"{revision.label}{commit}"


def _period(data: ReportData, palette: Palette) -> Text:
    out = Text("Board summary: ", style="bold")
    out.append(visible(data.plan_title) + "\n", style="bold")
    out.append(f"As of {visible(_revision(data.as_of))}", style=palette["label"])
    if data.since is None:
        out.append("; no board marked yet (afi board mark NAME starts a period)",
                   style=palette["label"])
    else:
        commit = f" ({data.since.commit[:8]})" if data.since.commit else ""
        out.append(f"; changes since {visible(data.since.label)}{commit}",
                   style=palette["label"])
    return out


def _totals(data: ReportData, palette: Palette) -> Text:
    out = Text("RAG  ", style=palette["label"])
    totals = data.rag_totals
    for n, rag in enumerate(RAG_ORDER):
        if n:
            out.append(" · ", style=palette["label"])
        out.append(f"{totals[rag]} {RAG_WORDS[rag]}", style=palette.rag(rag))
    return out


def _exceptions(data: ReportData, palette: Palette) -> Text:
    """The pack's first page in one line: each exception's count."""
    out = Text("Exceptions  ", style=palette["label"])
    counts = [(len(f.items), SHORT_EXCEPTIONS.get(f.key, f.title)) for f in data.exceptions]
    counts.append((len(data.decisions), "decisions"))
    for n, (count, title) in enumerate(counts):
        if n:
            out.append(" · ", style=palette["label"])
        out.append(f"{count} {title}", style=palette["overdue"] if count else palette["muted"])
    return out


def _assessed(item: ReportItem, palette: Palette) -> Text:
    """The owner's own RAG, beside the dates' ('≠' where they differ)."""
    if item.assessment is None:
        return Text("—", style=palette["muted"])
    mark = " ≠" if item.assessment_differs else ""
    return Text(item.assessment.rag + mark, style=palette.rag(item.assessment.rag))


def _table(palette: Palette) -> Table:
    return Table(box=None, expand=True, pad_edge=False, show_edge=False,
                 header_style=palette["label"], padding=(0, 1))


def _count(count: int, rag: str, palette: Palette) -> Text:
    return Text(str(count), style=palette.rag(rag) if count else palette["muted"])


def _areas(data: ReportData, palette: Palette) -> RenderableType:
    if not data.areas:
        return Text("  No items.", style=palette["muted"])
    table = _table(palette)
    table.expand = False  # as wide as the areas: the grade and counts stay beside them
    table.add_column("Insp.", no_wrap=True, max_width=8, overflow="ellipsis")
    table.add_column("Area", min_width=12)  # wraps when narrow: areas differ at their ends
    table.add_column("Grade", no_wrap=True)  # whole: "requires improvement"
    for rag in RAG_ORDER:
        table.add_column(Text(rag.capitalize(), style=palette.rag(rag)), justify="right",
                         no_wrap=True)
    for area in data.areas:
        table.add_row(Text(visible(area.inspection)), Text(visible(area.area)),
                      Text(visible(area.grade) or "—", style=palette["muted"]),
                      *[_count(area.rag.get(rag, 0), rag, palette) for rag in RAG_ORDER])
    return table


def _items(items: list[ReportItem], palette: Palette, late: bool = False) -> RenderableType:
    if not items:
        return Text("  None.", style=palette["muted"])
    table = _table(palette)
    table.add_column("ID", no_wrap=True)
    table.add_column("Title", ratio=1, no_wrap=True, overflow="ellipsis", min_width=12)
    table.add_column("Owner", no_wrap=True, max_width=30, overflow="ellipsis")
    table.add_column("Due", no_wrap=True)
    table.add_column("Own RAG", no_wrap=True)
    if late:
        table.add_column("Late", no_wrap=True, justify="right")
    for item in items:
        row = [Text(visible(item.id)), Text(visible(item.title)),
               Text(visible(item.owner) or "—", style="" if item.owner else palette["muted"]),
               Text(item.due.isoformat() if item.due else "none"), _assessed(item, palette)]
        if late:
            row.append(Text(late_words(item.days_late or 0), style=palette["overdue"]))
        table.add_row(*row)
    return table


def describe_change(change: FieldChange) -> str:
    """What changed, in words: 'due 2025-02-10 -> 2025-04-30: new rota'."""
    if change.field == "created":
        text = f"new item ({change.new})" if change.new else "new item"
    elif change.field == "closure":
        text = f"signed off by {change.new}"
    elif change.field == "update":
        text = f"progress: {change.new}"
    elif change.field == "evidence":
        text = f"evidence added: {change.new}"
    else:
        text = f"{FIELD_WORDS.get(change.field, change.field)} {change.old or 'none'} -> " \
               f"{change.new or 'none'}"
    return text + (f": {change.reason}" if change.reason else "")


def _changes(data: ReportData, palette: Palette) -> RenderableType:
    if data.since is None:
        return Text("  Mark a board to compare with (afi board mark NAME).",
                    style=palette["muted"])
    if not data.changes:
        return Text("  None.", style=palette["muted"])
    table = _table(palette)
    table.add_column("Date", no_wrap=True)
    table.add_column("By", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("ID", no_wrap=True)
    table.add_column("Change", ratio=1, overflow="fold", min_width=16)
    for change in data.changes:
        table.add_row(Text(f"{change.date:%Y-%m-%d}", style=palette["date"]),
                      Text(visible(change.author)), Text(visible(change.id)),
                      Text(visible(describe_change(change).replace("\n", " "))))
    return table
