"""How an item looks in the list: cells as `rich.text.Text`, coloured from the theme by
status role and due state (colours.py).

`Text` is never parsed as markup, so `[red]` in a title shows as typed.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from tui.core.model import Item, PlanConfig, due_hint, due_state
from tui.core.safe_text import visible

from .colours import Palette


def item_cells(item: Item, config: PlanConfig, on: date, palette: Palette) -> list[Text]:
    """id, title, area, status, owner, due: the list screen's columns."""
    done = config.is_done(item.status)
    state = due_state(item, config, on)
    base = palette["done-item"] if done else ""
    due = item.due
    if due is None:
        due_text = Text("-", style=palette["muted"])
    else:
        hint = "" if done else f" {due_hint(due, on)}"
        due_text = Text(f"{due.isoformat()}{hint}",
                        style=palette["done-item"] if done else palette.due(state))
    return [
        Text(visible(item.id), style=base),
        Text(visible(item.title), style=base),
        Text(visible(item.get("area", "")), style=base or palette["area"]),
        Text(visible(item.status), style=palette.status(item.status, config)),
        Text(visible(item.get("owner", "")), style=base),
        due_text,
    ]
