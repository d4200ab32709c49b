"""`c`: sign an item off: who approved it, at which board, when -> the closed status and
its [closure], one commit (Change.close)."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Select

from tui.app.screens.commit_dialog import CommitDialog, FieldError
from tui.app.suggestions import closure_names
from tui.app.widgets import field_row
from tui.core.errors import AfiError
from tui.core.model.items import today
from tui.core.safe_text import visible
from tui.core.write.change import Change
from tui.core.write.values import not_in_future, open_actions, parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import LoadedApp


def sign_off(app, item_id: str) -> None:
    app.push_screen(SignOffScreen(item_id))


class SignOffScreen(CommitDialog):

    if TYPE_CHECKING:
        app: LoadedApp

    verb = "Sign off"
    done = "Signed off"

    def form(self) -> Iterable[Widget]:
        boards = self.app.plan.config.boards
        yield field_row("Approved by", Input(id="approved_by", compact=True,
                                             placeholder="who signed it off, e.g. DCC"),
                        "approved_by")
        board: Select[str] | Input
        if boards:
            board = Select([(Content(visible(b)), b) for b in boards], id="board",
                           allow_blank=False, compact=True)
        else:
            board = Input(id="board", compact=True, placeholder="the board that signed it off")
        yield field_row("Board", board, "board")
        yield field_row("Date", Input(today().isoformat(), id="date", compact=True,
                                      placeholder="YYYY-MM-DD"), "date")
        left, total = self.open_actions()
        if left:  # closing with work still open is allowed, but not without a word
            yield field_row("Reason", Input(id="reason", compact=True, placeholder=(
                f"needed: why close with {left} of {total} actions open (a progress update)")),
                "reason")

    def open_actions(self) -> tuple[int, int]:
        item = self.app.plan.find(self.item_id)
        return open_actions(item.data) if item is not None else (0, 0)

    def note(self) -> Content | None:
        plan = self.app.plan
        item = plan.find(self.item_id)
        closed = plan.config.closed_status
        if item is None or closed is None:
            return None
        if item.status == closed and isinstance(closure := item.get("closure"), dict):
            return Content(visible(
                f"Already signed off by {closure.get('approved_by', '?')} at "
                f"{closure.get('board', '?')} on {closure.get('date', '?')}: signing again "
                "replaces that."))
        return Content(visible(f"Status {item.status} -> {closed}, with who, which board "
                               "and when."))

    def on_mount(self) -> None:
        super().on_mount()
        self.gather_names()

    @work(thread=True, exclusive=True, group="suggestions", exit_on_error=False)
    def gather_names(self) -> None:
        approvers, boards = closure_names(self.app.plan)
        self.app.call_from_thread(self.suggest, approvers, boards)

    def suggest(self, approvers: list[str], boards: list[str]) -> None:
        self.query_one("#approved_by", Input).suggester = SuggestFromList(
            approvers, case_sensitive=False)
        board = self.query_one("#board")
        if isinstance(board, Input):
            board.suggester = SuggestFromList(boards, case_sensitive=False)

    def read_form(self) -> None:
        by, board = self.value("approved_by"), self.value("board")
        if not by:
            raise FieldError("approved_by", "Who signed it off? (a name or a role, e.g. DCC)")
        if not board:
            raise FieldError("board", "Which board signed it off?")
        try:
            on = not_in_future(parse_date(self.value("date"), "date"), "the date")
        except AfiError as err:
            raise FieldError("date", str(err)) from None
        reason = self.value("reason") if self.query("#reason") else None
        left, total = self.open_actions()
        if left and not reason:
            raise FieldError("reason", f"{left} of {total} actions are still open: say why it "
                             "closes anyway")
        self.form_read = (by, board, on, reason)

    def fill(self, change: Change) -> None:
        by, board, on, reason = self.form_read
        change.close(self.item_id, by, board, on, reason=reason)
