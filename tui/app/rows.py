"""How an item looks in the list: cells as `rich.text.Text`, coloured by status and due state.

`Text` is never parsed as markup, so `[red]` in a title shows as typed.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from tui.core.model import DUE_SOON, OVERDUE, Item, PlanConfig, due_hint, due_state
from tui.core.safe_text import visible

# Status colours follow the status's role (PlanConfig.status_role), so a plan's own
# vocabulary is coloured sensibly; plan.toml's [status_colours] names one instead.
ROLE_STYLES = {"new": "bold #7aa2f7", "open": "bold #2ac3de", "done": "bold #9ece6a",
               "done-later": "#73a35a"}
NAMED_STYLES = {"default": "", "dim": "dim", "bold": "bold"}
DUE_STYLES = {OVERDUE: "bold #f7768e", DUE_SOON: "bold #e0af68"}
DONE_STYLE = "dim"


def status_style(status: str, config: PlanConfig) -> str:
    named = config.status_colours.get(status)
    if named is not None:
        return NAMED_STYLES.get(named, f"bold {named}")
    return ROLE_STYLES[config.status_role(status)]


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
        Text(visible(item.id), style=base),
        Text(visible(item.title), style=base),
        Text(visible(item.get("area", "")), style=base or "#a9b1d6"),
        Text(visible(item.status), style=status_style(item.status, config)),
        Text(visible(item.get("owner", "")), style=base),
        due_text,
    ]
