"""How an item looks in the list: cells as `rich.text.Text`, coloured from the theme by
status role and due state (colours.py).

`Text` is never parsed as markup, so `[red]` in a title shows as typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.cells import cell_len
from rich.text import Text

from tui.app.colours import Palette
from tui.core.model.items import (
    Item,
    PlanConfig,
    assessment_mark,
    due_hint,
    due_state,
    latest_assessment,
)
from tui.core.safe_text import visible


def item_cells(item: Item, config: PlanConfig, on: date, palette: Palette) -> list[Text]:
    """id, title, area, status, owner, due: the list screen's columns."""
    done = config.is_done(item.status)
    state = due_state(item, config, on)
    base = palette["done-item"] if done else ""
    due = item.due
    if due is None:
        due_cell = Text("-", style=palette["muted"])
    else:
        due_cell = Text(due_text(due, on, done),
                        style=palette["done-item"] if done else palette.due(state))
    mark = assessment_mark(item, config, on)
    if mark:  # the owner's own RAG beside the dates' (≠: they differ)
        assessed = latest_assessment(item) or {}  # a mark means there is one
        due_cell.append(mark, style=palette.rag(assessed["rag"]))
    return [
        Text(visible(item.id), style=base),
        Text(visible(item.title), style=base),
        Text(visible(item.get("area", "")), style=base or palette["area"]),
        Text(visible(item.status), style=palette.status(item.status, config)),
        Text(visible(item.get("owner", "")), style=base),
        due_cell,
    ]


def due_text(due: date, on: date, done: bool = False) -> str:
    """'2023-02-28 3 y 9 mo late'; a done item's date alone."""
    return due.isoformat() if done else f"{due.isoformat()} {due_hint(due, on)}"


def content_widths(items: Iterable[Item], config: PlanConfig, on: date) -> dict[str, int]:
    """The widest cell of each list column. Measured over distinct values (a plan has
    few areas, owners, statuses and due dates), so 10,000 items cost a few milliseconds;
    titles by length only: the title column takes what is left anyway."""
    items = list(items)

    def widest(values: Iterable[object]) -> int:
        return max((cell_len(visible(v)) for v in set(values)), default=0)

    open_dues = {i.due for i in items if i.due is not None and not config.is_done(i.status)}
    return {"id": widest(i.id for i in items),
            "title": max((len(i.title) for i in items), default=0),
            "area": widest(i.get("area", "") for i in items),
            "status": widest(i.status for i in items),
            "owner": widest(i.get("owner", "") for i in items),
            "due": max((len(due_text(d, on)) for d in open_dues), default=10)
            + max((len(assessment_mark(i, config, on)) for i in items if i.get("assessments")),
                  default=0)}
