"""How an item looks in the list: cells as `rich.text.Text`, coloured by status and due state.

`Text` is never parsed as markup, so `[red]` in a title shows as typed.
"""

from __future__ import annotations

import re
from datetime import date

from rich.text import Text

from tui.core.model import DUE_SOON, OVERDUE, Item, PlanConfig, due_hint, due_state

STATUS_STYLES = {
    "not-started": "bold #7aa2f7",
    "in-progress": "bold #2ac3de",
    "complete": "bold #9ece6a",
    "closed": "#73a35a",
    "superseded": "dim",
}
DUE_STYLES = {OVERDUE: "bold #f7768e", DUE_SOON: "bold #e0af68"}
DONE_STYLE = "dim"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(value: object) -> str:
    """User text made safe for one table cell: control characters become spaces."""
    return _CONTROL.sub(" ", str(value))


def item_cells(item: Item, config: PlanConfig, on: date) -> list[Text]:
    """id, title, area, status, owner, due: the list screen's columns."""
    done = config.is_done(item.status)
    state = due_state(item, config, on)
    base = DONE_STYLE if done else ""
    due = item.due
    if due is None:
        due_text = Text("-", style="dim")
    else:
        hint = "" if done else f" {due_hint(due, on)}"
        due_text = Text(f"{due.isoformat()}{hint}",
                        style=DONE_STYLE if done else DUE_STYLES.get(state or "", ""))
    return [
        Text(one_line(item.id), style=base),
        Text(one_line(item.title), style=base),
        Text(one_line(item.get("area", "")), style=base or "#a9b1d6"),
        Text(one_line(item.status), style=STATUS_STYLES.get(item.status, "bold")),
        Text(one_line(item.get("owner", "")), style=base),
        due_text,
    ]
