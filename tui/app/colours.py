"""Colours from the Textual theme, named by what they mean.

Screens never name a colour. They ask a `Palette` for a meaning (`overdue`, `rag-red`,
`status-new`, ...); each meaning is a component class (`colour--overdue`) that afi.tcss
styles with theme variables ($text-error, $text-warning, $text-success, ...), so every
built-in theme stays legible and a theme switch recolours everything. Text always says
what the colour says (the status, "3 d late", the RAG word, "[x]").
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget

from tui.core.model.items import COLOUR_NAMES, DUE_SOON, OVERDUE, PlanConfig
from tui.core.pack.model import RAG_ORDER

PREFIX = "colour--"

# Meanings other than statuses, due states and RAG (afi.tcss says how each looks).
MEANINGS = ("muted", "done-item", "area", "label", "heading", "title", "date", "error",
            "action-done", "action-open", "removed-action", "added", "removed", "hunk",
            "diff-meta", "new-row")

STATUS_ROLES = ("new", "open", "done", "done-later")
DUE_MEANINGS = {OVERDUE: "overdue", DUE_SOON: "due-soon"}

COLOUR_CLASSES = frozenset(
    [PREFIX + m for m in MEANINGS]
    + [f"{PREFIX}status-{role}" for role in STATUS_ROLES]
    + [f"{PREFIX}named-{name}" for name in COLOUR_NAMES]
    + [f"{PREFIX}{meaning}" for meaning in DUE_MEANINGS.values()]
    + [f"{PREFIX}rag-{rag}" for rag in RAG_ORDER])


class Palette:
    """Rich styles for meanings, as the widget's theme draws them. A widget using one
    declares `COMPONENT_CLASSES = COLOUR_CLASSES` (Textual caches the styles per widget
    and drops them when the theme changes)."""

    def __init__(self, widget: Widget):
        self.widget = widget

    def __getitem__(self, meaning: str) -> Style:
        return self.widget.get_component_rich_style(PREFIX + meaning, partial=True)

    def status(self, status: str, config: PlanConfig) -> Style:
        """plan.toml's [status_colours] when it names one, else the status's role."""
        named = config.status_colours.get(status)
        if named in COLOUR_NAMES:
            return self[f"named-{named}"]
        return self[f"status-{config.status_role(status)}"]

    def due(self, state: str | None) -> Style:
        meaning = DUE_MEANINGS.get(state or "")
        return self[meaning] if meaning else Style()

    def rag(self, rag: str) -> Style:
        return self[f"rag-{rag}"]
