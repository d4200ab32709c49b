"""The problems panel: conflicts a sync stopped on, each settled by picking a side, and
files that fail validation (file, line, message). Never fatal; `p` shows or hides it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui.app.widgets import Painted, plain
from tui.core.errors import Problem
from tui.core.safe_text import visible

if TYPE_CHECKING:
    from tui.app.app import AfiApp

if TYPE_CHECKING:  # the sync modules load when there is a conflict to show, not at launch
    from tui.core.team.conflicts import Conflict, ConflictRecord


class ConflictRow(Horizontal):
    """One field both sides changed: both values and who set them, and a button each."""
    if TYPE_CHECKING:
        app: AfiApp


    DEFAULT_CSS = """
    ConflictRow { height: auto; }
    ConflictRow > Static { width: 1fr; }
    ConflictRow > Button { margin-right: 1; }
    """

    def __init__(self, record: ConflictRecord, conflict: Conflict):
        from tui.core.team.conflicts import conflict_line

        super().__init__()
        self.item_id = record.item_id
        self.field_name = conflict.field
        self.line = conflict_line(record, conflict)

    def compose(self) -> ComposeResult:
        # The buttons first: notifications appear at the right, and must not cover them.
        yield Button("Keep ours", compact=True, classes="keep-ours")
        yield Button("Keep theirs", compact=True, classes="keep-theirs")
        yield Static(plain(self.line))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        from tui.core.team.conflicts import OURS, THEIRS

        event.stop()
        side = OURS if event.button.has_class("keep-ours") else THEIRS
        for button in self.query(Button):
            button.disabled = True  # one choice; the panel is rebuilt once it is settled
        self.app.settle_conflict(self.item_id, self.field_name, side)


class ProblemsPanel(VerticalScroll, can_focus=False):  # tab goes straight to its buttons
    DEFAULT_CSS = "ProblemsPanel > Vertical { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Vertical(id="conflict-rows")
        yield Vertical(id="problem-lines")

    def show_conflicts(self, records: list[ConflictRecord]) -> bool:
        """True when there is something to show."""
        box = self.query_one("#conflict-rows", Vertical)
        box.remove_children()
        rows = [ConflictRow(record, c) for record in records for c in record.conflicts]
        if rows:
            box.mount(Static(Content.assemble((
                f"⚠ {len(rows)} conflict(s) from the last sync: keep one side of each, then "
                "sync again (y)", "bold"))), *rows)
        return bool(rows)

    def show_problems(self, problems: list[Problem], plan_dir: Path) -> bool:
        box = self.query_one("#problem-lines", Vertical)
        box.remove_children()
        if problems:
            heading = Static(Content.assemble((
                f"⚠ {len(problems)} problem(s): these files are not listed until fixed "
                "(p hides this)", "bold")))
            lines = [visible(p.render(plan_dir)) for p in problems[:200]]
            box.mount(heading, Painted(lambda palette: Text("\n".join(lines),
                                                            style=palette["error"])))
        return bool(problems)
