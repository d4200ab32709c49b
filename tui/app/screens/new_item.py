"""`n`: a new item. The id is suggested from the inspection and the next free number."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Select, Static

from tui.app.saving import commit_in_worker, describe
from tui.app.screens.confirm import ConfirmScreen
from tui.app.suggestions import distinct
from tui.app.widgets import field_row, plain
from tui.core.errors import AfiError
from tui.core.model.items import KINDS
from tui.core.model.schema import FIELDS as SCHEMA
from tui.core.plan import Plan
from tui.core.write.change import Change

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import LoadedApp
    pass


FIELDS = ("title", "area", "status", "kind", "due", "owner", "lead")


class NewItemScreen(Screen):

    if TYPE_CHECKING:
        app: LoadedApp

    BINDINGS = [
        Binding("ctrl+s", "save", "Create", priority=True, id="save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="cancel"),
    ]

    def __init__(self):
        super().__init__()
        self.suggested_id = ""
        self.saving = False

    def compose(self) -> ComposeResult:
        plan: Plan = self.app.plan
        config = plan.config
        inspections = [(Content(f"{i.id}  {i.title}"), i.id) for i in config.inspections]
        yield Static(Content.assemble(("New item", "bold")), id="edit-heading")
        yield Static(id="edit-banner", classes="hidden")
        with VerticalScroll(id="edit-form"):
            yield field_row(SCHEMA["inspection"].label,
                            # None listed (a new plan, or plan.toml unreadable): a blank
                            # pick, and the banner says why; Textual refuses an empty list
                            # that may not be blank.
                            Select(inspections, allow_blank=not inspections, compact=True,
                                   id="inspection"), "inspection")
            yield field_row(SCHEMA["id"].label, Input(id="id", compact=True), "id")
            yield field_row(SCHEMA["title"].label,
                            Input(id="title", compact=True,
                                  placeholder="the finding's published wording"), "title")
            yield field_row(SCHEMA["area"].label, Input(id="area", compact=True), "area")
            yield field_row(SCHEMA["status"].label,
                            Select([(Content(s), s) for s in config.statuses],
                                   allow_blank=False, compact=True, id="status"),
                            "status")
            yield field_row(SCHEMA["kind"].label,
                            Select([(Content(k), k) for k in KINDS], compact=True,
                                   allow_blank=False, id="kind"), "kind")
            yield field_row(SCHEMA["due"].label,
                            Input(id="due", compact=True, placeholder="YYYY-MM-DD"),
                            "due")
            yield field_row(SCHEMA["owner"].label, Input(id="owner", compact=True), "owner")
            yield field_row(SCHEMA["lead"].label, Input(id="lead", compact=True), "lead")
        yield Footer()

    def on_mount(self) -> None:
        if faults := self.app.plan.unreadable_config():  # not "lists no inspections"
            self.show_banner("; ".join(p.render(self.app.plan_dir) for p in faults))
        elif not self.app.plan.config.inspections:
            self.show_banner("plan.toml lists no inspections: add an [[inspections]] table "
                             "first.")
        self.suggest_id()
        self.suggest_areas()
        self.set_focus(self.query_one("#title"))  # at once: keys and pastes typed ahead

    def is_dirty(self) -> bool:
        """Anything typed that would be lost (the suggested id does not count)."""
        typed = any(self.query_one(f"#{name}", Input).value.strip()
                    for name in ("title", "area", "due", "owner", "lead"))
        return typed or self.query_one("#id", Input).value not in ("", self.suggested_id)

    def action_cancel(self) -> None:
        if self.saving:
            return
        if not self.is_dirty():
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen("Discard this new item?", yes="Discard",
                                           no="Keep editing"), answer)

    def suggest_id(self) -> None:
        inspection = self.query_one("#inspection", Select).value
        id_input = self.query_one("#id", Input)
        if not isinstance(inspection, str):
            return
        if id_input.value in ("", self.suggested_id):
            self.suggested_id = self.app.plan.next_id(inspection)
            id_input.value = self.suggested_id

    def suggest_areas(self) -> None:
        """The chosen inspection's areas (plan.toml's, else those its items use): an
        area of another inspection would be refused on saving."""
        inspection = self.query_one("#inspection", Select).value
        plan = self.app.plan
        if not isinstance(inspection, str):
            return
        areas = list(plan.config.areas_for(inspection)) or distinct(
            item.get("area") for item in plan.items if item.get("inspection") == inspection)
        self.query_one("#area", Input).suggester = SuggestFromList(areas, case_sensitive=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "inspection":
            self.suggest_id()
            self.suggest_areas()

    def action_save(self) -> None:
        if self.saving:
            return
        change = Change(Plan(self.app.plan_dir))  # its own reads; the list keeps its plan
        values = {name: self.query_one(f"#{name}").value  # type: ignore[attr-defined]
                  for name in FIELDS}
        inspection = self.query_one("#inspection", Select).value
        item_id = self.query_one("#id", Input).value.strip()
        for widget in self.query(".field-error"):
            widget.add_class("hidden")
        errors = {}
        for name, value in values.items():
            try:
                change.check_value(name, value)
            except AfiError as err:
                errors[name] = describe(err)
        if not isinstance(inspection, str):
            errors["inspection"] = "choose an inspection"
        if errors:
            self.mark(errors)
            return
        fields = {"kind": values["kind"], "inspection": inspection, "area": values["area"],
                  "title": values["title"], "status": values["status"],
                  "owner": values["owner"], "lead": values["lead"], "due": values["due"]}

        def build() -> Change:  # in the save worker: it reads the plan's files
            change.create(item_id, fields)
            return change

        commit_in_worker(self, build, lambda sha: self.created(item_id, sha), self.not_saved)

    def mark(self, errors: dict[str, str]) -> None:
        for name, text in errors.items():
            label = self.query_one(f"#error-{name}", Static)
            label.update(plain(text))
            label.remove_class("hidden")
        self.show_banner("Fix the fields marked in red; nothing was saved.")

    def not_saved(self, err: AfiError) -> None:
        field = getattr(err, "field", None)
        if field and self.query(f"#error-{field}"):
            self.mark({field: describe(err)})
        else:
            self.show_banner(f"Not saved: {describe(err)}")

    def created(self, item_id: str, sha: str | None) -> None:
        self.notify(f"Created {item_id} as commit {(sha or '')[:8]}", timeout=4)
        self.app.pop_screen()
        self.app.call_after_refresh(self.app.reload_now)

    def show_banner(self, text: str) -> None:
        banner = self.query_one("#edit-banner", Static)
        banner.update(plain(text))
        banner.set_classes("banner-error")
