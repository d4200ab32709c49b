"""Edit one item: a form over the fields, saved as one commit with ctrl+s.

The file's text is read when the form opens; saving hands the edits to `Change`, which
refuses if the file no longer holds that text (changed in another terminal, a script,
a pull) — the user is told and offered a reload, never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Select, Static, TextArea

from tui.app import suggestions
from tui.app.action_list import ActionList
from tui.app.saving import commit_in_worker, describe
from tui.app.screens.confirm import ConfirmScreen
from tui.app.widgets import field_row, hide_field_errors, plain, show_field_error
from tui.core.errors import (
    AfiError,
    ConflictError,
    InvalidItem,
    InvalidValue,
    ReasonRequired,
    UncommittedEdits,
)
from tui.core.model.schema import FIELDS, ITEM_FIELDS, STRING, Field
from tui.core.plan import Plan
from tui.core.safe_text import visible, visible_in_place
from tui.core.store import toml_read
from tui.core.store.reading import read_text
from tui.core.write.change import Change

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.text import Text

    from tui.app.app import LoadedApp


def extra_text_fields(fields: tuple[Field, ...] | None = None) -> tuple[str, ...]:
    """The settable one-line text fields the form has no place of its own for: shown as
    plain inputs after the others, so a field declared in the schema is editable here.
    `kind` is left to the command line (`afi set ID kind=...`)."""
    return tuple(f.key for f in fields or ITEM_FIELDS
                 if f.settable and f.type == STRING and not f.multiline
                 and f.key not in (*_LAID_OUT, "status", "kind"))


_LAID_OUT = ("title", "area", "owner", "lead", "group", "decision")
TEXT_FIELDS = (*_LAID_OUT, *extra_text_fields())
ACTION_KEYS = ("Actions: ↑↓ choose · space tick · enter edit · a add · x remove (again: "
               "keep) · shift+↑↓ move · o owner and due")


def area_widget(plan: Plan, item_id: str):
    """A pick list of the areas plan.toml lists for the item's inspection, else free text."""
    item = plan.find(item_id)
    inspection = item.get("inspection") if item is not None else None
    areas = list(plan.config.areas_for(inspection)) if isinstance(inspection, str) else []
    current = item.get("area") if item is not None else None
    if not areas:
        return Input(id="area", compact=True)
    if isinstance(current, str) and current not in areas:
        areas.append(current)
    return Select([(Content(visible(a)), a) for a in areas], allow_blank=False, compact=True,
                  id="area")


class ShownTextArea(TextArea):
    """A text area whose lines show control and hidden characters as the form's text
    boxes do (widgets.ShownInPlace): one visible character each, the text unchanged."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = visible_in_place(line.plain)
        return line


class EditScreen(Screen):

    if TYPE_CHECKING:
        app: LoadedApp

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="save"),
        Binding("escape", "cancel", "Back", priority=True, id="cancel"),
        Binding("ctrl+r", "reload", "Reload from disk", show=False, id="reload"),
    ]

    def __init__(self, item_id: str):
        super().__init__()
        self.item_id = item_id
        self.base_text = ""
        self.original: dict[str, Any] = {}
        self.saving = False

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        plan: Plan = self.app.plan
        statuses = [(Content(s), s) for s in plan.config.statuses]
        yield Static(id="edit-heading")
        yield Static(id="edit-banner", classes="hidden")
        with VerticalScroll(id="edit-form"):
            yield field_row(FIELDS["status"].label,
                            Select(statuses, allow_blank=False, compact=True, id="status"),
                            "status")
            yield field_row(FIELDS["due"].label,
                            Input(id="due", placeholder="YYYY-MM-DD (empty: no date)",
                                  compact=True), "due")
            yield field_row("Why it moves", Input(
                id="reason", compact=True, placeholder="needed to move a due date or reopen "
                                                       "a closed item: kept as a progress update"),
                "reason")
            yield field_row(FIELDS["title"].label, Input(id="title", compact=True), "title")
            yield field_row(FIELDS["owner"].label, Input(id="owner", compact=True, suggester=(
                SuggestFromList(suggestions.owners(plan), case_sensitive=False))), "owner")
            yield field_row(FIELDS["lead"].label, Input(id="lead", compact=True, suggester=(
                SuggestFromList(suggestions.leads(plan), case_sensitive=False))), "lead")
            yield field_row(FIELDS["area"].label, area_widget(plan, self.item_id), "area")
            yield field_row(FIELDS["group"].label, Input(id="group", compact=True), "group")
            yield field_row(FIELDS["decision"].label, Input(
                id="decision", compact=True, placeholder="what the owner asks the board to "
                                                         "decide (empty: none)"), "decision")
            for name in TEXT_FIELDS[len(_LAID_OUT):]:  # extra_text_fields()
                yield field_row(FIELDS[name].label, Input(id=name, compact=True), name)
            yield field_row(FIELDS["tags"].label,
                            Input(id="tags", placeholder="comma separated", compact=True), "tags")
            yield field_row(FIELDS["detail"].label,
                            ShownTextArea(id="detail", soft_wrap=True, compact=True), "detail")
            yield Static(ACTION_KEYS, classes="section-label", markup=False)
            yield ActionList(id="actions")
            yield field_row("Add an action", Input(id="new-action", compact=True,
                            placeholder="type it, then enter (or a in the list)"),
                            "new-action")
            yield field_row("Progress update", ShownTextArea(id="update", compact=True,
                            placeholder="added with today's date and your git name"),
                            "update")
            yield field_row("Commit message", Input(id="message", compact=True,
                            placeholder="optional: default is a summary of the changes"),
                            "message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ActionList).people = suggestions.people(self.app.plan)
        self.load_from_disk()
        self.set_focus(self.query_one("#status"))  # at once: keys typed ahead are its

    @property
    def actions(self) -> ActionList:
        return self.query_one(ActionList)

    def load_from_disk(self) -> None:
        """Read the file now; the form shows exactly this text's values."""
        plan: Plan = self.app.plan
        item = plan.find(self.item_id)
        if item is None:
            self.show_banner(f"{self.item_id} is no longer a valid item in the plan.", "error")
            return
        self.base_text = read_text(item.path)
        self.original = toml_read.loads(self.base_text)
        d = self.original
        self.query_one("#edit-heading", Static).update(
            Content.assemble(("Editing ", "dim"), (self.item_id, "bold"), "  ",
                             plain(d.get("title", ""))))
        status = self.query_one("#status", Select)
        if d.get("status") in plan.config.statuses:
            status.value = d["status"]
        self.query_one("#due", Input).value = d["due"].isoformat() if d.get("due") else ""
        for name in TEXT_FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Select):
                if d.get(name) is not None:
                    widget.value = d[name]
            elif isinstance(widget, Input):
                widget.value = str(d.get(name, ""))
                widget.cursor_position = 0  # show a long title from its start
        self.query_one("#tags", Input).value = ", ".join(d.get("tags", []))
        self.query_one("#detail", TextArea).text = str(d.get("detail", ""))
        self.query_one("#update", TextArea).text = ""
        self.actions.load(d.get("actions", []))
        hide_field_errors(self)
        self.hide_banner()

    # -- reading the form -----------------------------------------------------------------
    def form_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"status": self.query_one("#status", Select).value,
                                  "due": self.query_one("#due", Input).value.strip(),
                                  "detail": self.query_one("#detail", TextArea).text}
        for name in TEXT_FIELDS:
            values[name] = self.query_one(f"#{name}").value  # type: ignore[attr-defined]
        return values

    def tag_list(self) -> list[str]:
        raw = self.query_one("#tags", Input).value
        return list(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip()))

    def is_dirty(self) -> bool:
        d = self.original
        if not d:
            return False
        current = self.form_values()
        before = {"status": d.get("status"), "due": d["due"].isoformat() if d.get("due") else "",
                  "detail": str(d.get("detail", ""))}
        before.update({n: str(d.get(n, "")) for n in TEXT_FIELDS})
        return (current != before or self.tag_list() != list(d.get("tags", []))
                or self.actions.is_dirty()
                or bool(self.query_one("#update", TextArea).text.strip())
                or bool(self.query_one("#new-action", Input).value.strip()))

    def build_change(self) -> Callable[[], Change] | None:
        """The edits, read from the form: a function that makes them a Change (run in the
        save worker: a reason's progress update reads git's config for its author). Marks
        the fields the core refuses and returns None if any."""
        plan: Plan = self.app.plan
        message = self.query_one("#message", Input).value
        checker = Change(plan)
        values = self.form_values()
        errors: dict[str, str] = {}
        checked: dict[str, Any] = {}
        for name, value in values.items():
            try:
                checked[name] = checker.check_value(name, value, self.original)
            except AfiError as err:
                errors[getattr(err, "field", None) or name] = describe(err)
        hide_field_errors(self)
        if errors:
            for name, text in errors.items():
                show_field_error(self, name, text)
            self.show_banner("Fix the fields marked in red; nothing was saved.", "error")
            return None
        item_id, base_text, d = self.item_id, self.base_text, self.original
        reason = self.query_one("#reason", Input).value.strip() or None
        tags, calls = self.tag_list(), self.actions.calls()
        update = self.query_one("#update", TextArea).text.strip()

        def build() -> Change:
            change = Change(Plan(plan.dir), message)  # its own reads; the list keeps its plan
            change.open(item_id, base_text=base_text)
            for name, value in checked.items():
                old = d.get(name)
                if name == "detail" and (old or "").strip() == (value or "").strip():
                    continue
                if value != old:
                    change.set(item_id, name, value,
                               reason=reason if name in ("due", "status") else None)
            old_tags = list(d.get("tags", []))
            for tag in tags:
                if tag not in old_tags:
                    change.add_tag(item_id, tag)
            for tag in old_tags:
                if tag not in tags:
                    change.remove_tag(item_id, tag)
            for call in calls:
                call.apply(change, item_id)
            if update:
                change.add_update(item_id, update)
            return change

        return build

    # -- events and actions ---------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "due":
            label = self.query_one("#error-due", Static)
            try:
                Change(self.app.plan).check_value("due", event.value)
                label.add_class("hidden")
            except AfiError as err:
                label.update(plain(describe(err)))
                label.remove_class("hidden")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "new-action" and event.value.strip():
            self.actions.add(event.value)
            event.input.value = ""

    def action_save(self) -> None:
        if self.saving or not self.original:
            return
        pending = self.query_one("#new-action", Input)
        if pending.value.strip():  # typed but not entered: ctrl+s means it, as enter does
            self.actions.add(pending.value)
            pending.value = ""
        if not self.is_dirty():
            self.notify("Nothing to save: no field changed", timeout=3)
            return
        build = self.build_change()
        if build is None:
            return
        self.show_banner("Saving…", "info")
        commit_in_worker(self, build, self.saved, self.not_saved)

    def saved(self, sha: str | None) -> None:
        if sha is None:
            self.hide_banner()
            self.notify("Nothing to save: no field changed", timeout=3)
            return
        self.notify(f"Saved {self.item_id} as commit {sha[:8]}", timeout=4)
        # Back to the list first, then read the plan again (in a worker, after the frame).
        self.app.pop_screen()
        self.app.call_after_refresh(self.app.reload_now)

    def not_saved(self, err: AfiError) -> None:
        if isinstance(err, (ConflictError, UncommittedEdits)):
            self.show_conflict(str(err))
        elif isinstance(err, ReasonRequired):
            self.needs_reason(err)
        elif isinstance(err, InvalidItem):
            self.show_banner(describe(err), "error")
        elif isinstance(err, InvalidValue) and err.field in self.form_values():
            show_field_error(self, err.field, describe(err))
            self.show_banner("Fix the field marked in red; nothing was saved.", "error")
        else:
            self.show_banner(f"Not saved: {describe(err)}", "error")

    def needs_reason(self, err: ReasonRequired) -> None:
        """The core refuses a moved due date or a reopened item without a reason."""
        show_field_error(self, "reason", describe(err))
        self.show_banner("Say why in \"Why it moves\"; nothing was saved.", "error")
        self.query_one("#reason", Input).focus()

    def show_conflict(self, message: str) -> None:
        self.show_banner(f"{message}. Press ctrl+r to reload the file (your edits here are "
                         "dropped), or esc to go back.", "error")

    def show_banner(self, text: str, kind: str) -> None:
        banner = self.query_one("#edit-banner", Static)
        banner.update(plain(text))
        banner.set_classes(f"banner-{kind}")

    def hide_banner(self) -> None:
        self.query_one("#edit-banner", Static).set_classes("hidden")

    def action_reload(self) -> None:
        self.app.plan.reload()
        self.load_from_disk()
        self.notify("Reloaded from disk", timeout=3)

    def action_cancel(self) -> None:
        if self.saving or self.actions.cancel_edit():
            return
        if not self.is_dirty():
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen("Discard your unsaved changes?",
                                           yes="Discard", no="Keep editing"), answer)
