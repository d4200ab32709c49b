"""Pick a saved view (plan.toml [views]) with one key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.safe_text import visible


class ViewPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(self, views: dict[str, str]):
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Saved views (plan.toml [views])", id="question")
            yield OptionList(*[
                Option(Content.assemble((visible(name), "bold"), "  ",
                                        (visible(query), "dim")), id=name)
                for name, query in self.views.items()], id="view-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
