"""`a`: the owner's own RAG for an item, with the reason -> one commit (Change.assess)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Select

from tui.app.screens.commit_dialog import CommitDialog, FieldError
from tui.app.widgets import field_row
from tui.core.model.items import ASSESSMENTS, latest_assessment, rag, today
from tui.core.safe_text import visible
from tui.core.write.change import Change

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import LoadedApp


def assess(app, item_id: str) -> None:
    app.push_screen(AssessScreen(item_id))


class AssessScreen(CommitDialog):

    if TYPE_CHECKING:
        app: LoadedApp

    verb = "Assess"
    done = "Assessed"

    def form(self) -> Iterable[Widget]:
        item = self.app.plan.find(self.item_id)
        last = latest_assessment(item) if item is not None else None
        yield field_row("RAG", Select([(word, word) for word in ASSESSMENTS], id="rag",
                                      value=last["rag"] if last else ASSESSMENTS[2],
                                      allow_blank=False, compact=True), "rag")
        yield field_row("Reason", Input(id="reason", compact=True,
                                        placeholder="why: what the board should know"),
                        "reason")

    def note(self) -> Content | None:
        plan = self.app.plan
        item = plan.find(self.item_id)
        if item is None:
            return None
        dates = rag(item, plan.config, today())
        last = latest_assessment(item)
        said = (f"; last assessed {last['rag']} on {last.get('date', '?')}" if last
                else "; not assessed yet")
        return Content(visible(f"The dates say {dates}{said}."))

    def read_form(self) -> None:
        reason = self.value("reason")
        if not reason:
            raise FieldError("reason", "Why? The board reads the reason with the rating.")
        self.form_read = (str(self.value("rag")), reason)

    def fill(self, change: Change) -> None:
        rating, reason = self.form_read
        change.assess(self.item_id, rating, reason)
