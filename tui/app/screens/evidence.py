"""`E`: add evidence to an item: what it is, where it is kept, its date -> one commit
(Change.add_evidence)."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input

from tui.app.screens.commit_dialog import CommitDialog, FieldError
from tui.app.suggestions import evidence_locations
from tui.app.widgets import field_row
from tui.core.errors import AfiError
from tui.core.model.items import today
from tui.core.write.change import Change
from tui.core.write.values import not_in_future, parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import LoadedApp


def add_evidence(app, item_id: str) -> None:
    app.push_screen(EvidenceScreen(item_id))


class EvidenceScreen(CommitDialog):

    if TYPE_CHECKING:
        app: LoadedApp

    verb = "Add evidence"
    done = "Added evidence to"

    def form(self) -> Iterable[Widget]:
        yield field_row("Evidence", Input(id="title", compact=True,
                                          placeholder="what it is, e.g. Audit report"), "title")
        yield field_row("Location", Input(id="location", compact=True,
                                          placeholder="optional: where it is kept"), "location")
        yield field_row("Date", Input(today().isoformat(), id="date", compact=True,
                                      placeholder="YYYY-MM-DD, or empty"), "date")

    def on_mount(self) -> None:
        super().on_mount()
        self.gather_locations()

    @work(thread=True, exclusive=True, group="suggestions", exit_on_error=False)
    def gather_locations(self) -> None:
        found = evidence_locations(self.app.plan)
        self.app.call_from_thread(self.suggest, found)

    def suggest(self, locations: list[str]) -> None:
        self.query_one("#location", Input).suggester = SuggestFromList(
            locations, case_sensitive=False)

    def read_form(self) -> None:
        title = self.value("title")
        if not title:
            raise FieldError("title", "The evidence needs a title: what is it?")
        on = None
        if self.value("date"):
            try:
                on = not_in_future(parse_date(self.value("date"), "date"), "the date")
            except AfiError as err:
                raise FieldError("date", str(err)) from None
        self.form_read = (title, self.value("location") or None, on)

    def fill(self, change: Change) -> None:
        title, location, on = self.form_read
        change.add_evidence(self.item_id, title, location, on)
