"""`o` on an action: its owner and due date (kept in the edit until it is saved)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Static

from tui.app.action_edits import ActionDraft
from tui.app.widgets import field_row, hide_field_errors, plain, show_field_error
from tui.core.errors import AfiError
from tui.core.write.values import parse_date


class ActionDetailsScreen(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="details-cancel"),
        Binding("ctrl+s", "keep", "Keep", priority=True, id="details-keep"),
    ]

    def __init__(self, draft: ActionDraft, people: list[str]):
        super().__init__()
        self.draft, self.people = draft, people

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(Content.assemble(("Action: ", "bold"), plain(self.draft.text)),
                         id="dialog-heading")
            yield field_row("Owner", Input(self.draft.owner, id="owner", compact=True,
                                           placeholder="who does it (empty: nobody named)",
                                           suggester=SuggestFromList(
                                               self.people, case_sensitive=False)), "owner")
            yield field_row("Due", Input(self.draft.due, id="due", compact=True,
                                         placeholder="YYYY-MM-DD (empty: no date)"), "due")
            with Horizontal(id="dialog-buttons"):
                yield Button("Keep (enter)", variant="primary", id="keep")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#owner", Input))  # at once: keys typed ahead

    def is_dirty(self) -> bool:
        """Typed but not kept: quitting asks first, as for the edit form under it."""
        return (self.query_one("#owner", Input).value.strip(),
                self.query_one("#due", Input).value.strip()) != (self.draft.owner,
                                                                 self.draft.due)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "keep":
            self.action_keep()
        else:
            self.dismiss(None)

    def action_keep(self) -> None:
        owner = self.query_one("#owner", Input).value.strip()
        due = self.query_one("#due", Input).value.strip()
        hide_field_errors(self)
        if due:
            try:
                due = parse_date(due, "due").isoformat()
            except AfiError as err:
                show_field_error(self, "due", str(err))
                return
        self.dismiss((owner, due))
