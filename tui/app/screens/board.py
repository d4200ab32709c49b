"""`b`: what the next board needs: RAG by area, the overdue items, the items awaiting
sign-off and the changes since the last board (the board pack, tui.core.pack.build, built in
a thread worker)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.app.board_view import render_board
from tui.app.messages import PlanReloaded
from tui.app.threads import import_git
from tui.app.widgets import Painted, plain
from tui.core.errors import AfiError
from tui.core.pack.build import build_report
from tui.core.pack.model import ReportData
from tui.core.plan import Plan
from tui.core.safe_text import visible
from tui.core.store.reading import Snapshot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import AfiApp


class BoardScreen(Screen):

    if TYPE_CHECKING:
        app: AfiApp

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("r", "rebuild", "Refresh", id="rebuild"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="board-warnings", classes="hidden")
        with VerticalScroll(id="board-scroll"):
            yield Painted(id="board")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#board-scroll").focus()
        self.action_rebuild()

    def on_plan_reloaded(self, message: PlanReloaded) -> None:
        self.plan_changed(message.plan)

    def plan_changed(self, plan: Plan) -> None:
        self.action_rebuild()

    def action_rebuild(self) -> None:
        plan = self.app.plan
        if plan is None:
            return
        self.query_one("#board", Painted).paint(
            lambda palette: Text("Reading the plan and its history from git…",
                                 style=palette["muted"]))
        self.build(plan.snapshot if plan.loaded else None)

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def build(self, previous: Snapshot | None) -> None:
        import_git()
        warnings: list[str] = []
        try:
            data = build_report(Plan(self.app.plan_dir, previous), warn=warnings.append)
        except AfiError as err:
            self.app.call_from_thread(self.show_error, str(err))
            return
        self.app.call_from_thread(self.show, data, warnings)

    def show(self, data: ReportData, warnings: list[str]) -> None:
        line = self.query_one("#board-warnings", Static)
        line.update(plain(" ".join(f"⚠ {w}" for w in warnings)))
        line.set_class(not warnings, "hidden")
        self.query_one("#board", Painted).paint(lambda palette: render_board(data, palette))

    def show_error(self, message: str) -> None:
        self.query_one("#board", Painted).paint(
            lambda palette: Text(f"Could not build the board summary: {visible(message)}",
                                 style=palette["error"]))
