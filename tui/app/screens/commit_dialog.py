"""A small form in a modal whose edit to one item is one commit (sign-off, evidence).

The commit runs in a thread worker. If it fails, the dialog stays open with everything
typed and says why (at the field when the fault is one field's); on success it says
which commit was made and the plan is read again.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from tui.app.saving import commit_in_worker, describe
from tui.app.screens.confirm import ConfirmScreen
from tui.app.widgets import hide_field_errors, plain, show_field_error
from tui.core.errors import AfiError, ReasonRequired
from tui.core.plan import Plan
from tui.core.write.change import Change

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import AfiApp


class FieldError(Exception):
    """What is wrong with one field of the form."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


class CommitDialog(ModalScreen[None]):

    if TYPE_CHECKING:
        app: AfiApp

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel"),
        Binding("ctrl+s", "submit", "Save", priority=True, id="dialog-save"),
    ]
    verb = "Save"     # the dialog's button and heading
    done = "Saved"    # the notice after the commit

    def __init__(self, item_id: str):
        super().__init__()
        self.item_id = item_id
        self.saving = False
        self.initial: dict[str, object] = {}
        self.form_read: tuple = ()  # what read_form read, for fill

    # -- for subclasses -------------------------------------------------------------------
    def form(self) -> Iterable[Widget]:
        """The field rows (widgets.field_row)."""
        raise NotImplementedError

    def note(self) -> Content | None:
        """A line under the heading (the item's state), or None."""
        return None

    def fill(self, change: Change) -> None:
        """The edit, on `change`; FieldError or AfiError when the form is not right. Runs
        in the save worker: read the form in `read_form`, not here."""
        raise NotImplementedError

    def read_form(self) -> None:
        """Read (and check) what the form holds, on the app's thread, for `fill`;
        FieldError when a field is not right."""

    def field_of(self, err: AfiError) -> str | None:
        """The form's field an error of the core is about (from its attributes), if any."""
        field = getattr(err, "field", None)
        if isinstance(err, ReasonRequired):
            field = "reason"
        return field if field and self.query(f"#error-{field}") else None

    # -- the dialog -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        item = self.app.plan.find(self.item_id) if self.app.plan is not None else None
        title = plain(item.title) if item is not None else Content("")
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(Content.assemble((f"{self.verb}: ", "bold"), (self.item_id, "bold"),
                                          "  ", title), id="dialog-heading")
            if (note := self.note()) is not None:
                yield Static(note, id="dialog-note")
            yield from self.form()
            yield Static(id="dialog-error", classes="hidden")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{self.verb} (ctrl+s)", variant="primary", id="submit")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.initial = self.values()
        self.set_focus(self.query(Input).first())  # at once: keys typed ahead are its

    def values(self) -> dict[str, object]:
        return {w.id: w.value for w in self.query("Input, Select")  # type: ignore[attr-defined]
                if w.id}

    def value(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        value = widget.value if isinstance(widget, (Input, Select)) else ""
        return value.strip() if isinstance(value, str) else ""

    def is_dirty(self) -> bool:
        return self.values() != self.initial

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.query_one(f"#error-{event.input.id}").add_class("hidden")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        if self.saving:
            return
        hide_field_errors(self)
        try:
            self.read_form()
        except FieldError as err:
            show_field_error(self, err.name, str(err))
            self.show_error("Fix the field marked in red; nothing was saved.")
            return
        plan_dir = self.app.plan_dir

        def build() -> Change:
            change = Change(Plan(plan_dir))  # its own reads; the list keeps its plan
            self.fill(change)
            return change

        self.show_error("Saving…", kind="info")
        commit_in_worker(self, build, self.saved, self.failed, group="dialog-save")

    def failed(self, err: AfiError) -> None:
        field = self.field_of(err)
        if field is not None:
            show_field_error(self, field, describe(err))
            self.show_error("Fix the field marked in red; nothing was saved.")
        else:
            self.show_error(f"Not saved: {describe(err)}")

    def saved(self, sha: str | None) -> None:
        self.notify(f"{self.done} {self.item_id} as commit {sha[:8]}" if sha
                    else "Nothing changed: it already said that", timeout=4)
        self.dismiss(None)
        self.app.call_after_refresh(self.app.reload_now)

    def show_error(self, text: str, kind: str = "error") -> None:
        line = self.query_one("#dialog-error", Static)
        line.update(plain(text))
        line.set_classes(f"banner-{kind}")

    def action_cancel(self) -> None:
        if self.saving:
            return
        if not self.is_dirty():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you typed?", yes="Discard",
                                           no="Keep editing"), answer)
