"""`h`: an item's commits (date, author, subject, fields changed) and the selected diff."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.colours import Palette
from tui.app.threads import import_git
from tui.app.widgets import Painted
from tui.core.errors import AfiError
from tui.core.safe_text import visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.app.app import LoadedApp


DIFF_MEANINGS = {"+": "added", "-": "removed", "@": "hunk"}


def coloured_diff(patch: str, palette: Palette) -> Text:
    """A patch as Text: additions, removals and hunk headers in the theme's success, error
    and accent colours (the +/- say it too); never markup."""
    out = Text()
    for line in patch.splitlines():
        safe = visible(line)
        if line.startswith(("+++", "---", "diff ", "index ")):
            out.append(safe + "\n", style=palette["diff-meta"])
        elif (meaning := DIFF_MEANINGS.get(line[:1])) is not None:
            out.append(safe + "\n", style=palette[meaning])
        else:
            out.append(safe + "\n")
    return out


class HistoryScreen(Screen):

    if TYPE_CHECKING:
        app: LoadedApp

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    def __init__(self, item_id: str):
        super().__init__()
        self.item_id = item_id
        self.entries: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("History of ", "dim"), (self.item_id, "bold")),
                     id="history-heading")
        yield OptionList(id="commits")
        with VerticalScroll(id="diff-scroll"):
            yield Painted(id="diff")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#commits").focus()
        self.query_one("#diff", Painted).paint(
            lambda palette: Text("Reading history from git…", style=palette["muted"]))
        self.load_history()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load_history(self) -> None:
        import_git()
        from tui.core.git.history import item_history

        plan = self.app.plan
        try:
            item = plan.get(self.item_id)
            entries = item_history(plan.repo(), item.path)
        except AfiError as err:
            self.app.call_from_thread(self.show_error, str(err))
            return
        self.app.call_from_thread(self.show_entries, entries)

    def show_error(self, message: str) -> None:
        self.query_one("#diff", Painted).paint(
            lambda palette: Text(visible(message), style=palette["error"]))

    def show_entries(self, entries: list[Any]) -> None:
        self.entries = entries
        commits = self.query_one("#commits", OptionList)
        commits.clear_options()
        for n, entry in enumerate(entries):
            commit = entry.commit
            fields = ", ".join(f for change in entry.changes for f in change.fields)
            commits.add_option(Option(Content.assemble(
                (commit.sha[:8], "$text-warning"), "  ",
                (f"{commit.date:%Y-%m-%d %H:%M}", "$text-primary"),
                "  ", (visible(commit.author_name), "bold"), "  ", visible(commit.subject),
                ("  [" + visible(fields) + "]" if fields else "", "dim")), id=str(n)))
        if entries:
            commits.highlighted = 0
        else:
            self.show_error("No commits touch this item yet.")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.load_diff(self.entries[int(event.option.id)].commit.sha)

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def load_diff(self, sha: str) -> None:
        import_git()
        plan = self.app.plan
        try:
            patch = plan.repo().show_patch(sha, [plan.get(self.item_id).path])
        except AfiError as err:
            self.app.call_from_thread(self.show_error, str(err))
            return
        self.app.call_from_thread(self.show_diff, patch)

    def show_diff(self, patch: str) -> None:
        self.query_one("#diff", Painted).paint(lambda palette: coloured_diff(patch, palette))
