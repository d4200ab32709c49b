"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Static

from tui.core.safe_text import visible, visible_lines

from .colours import COLOUR_CLASSES, Palette

Painter = Callable[[Palette], RenderableType]


def plain(text: object) -> Content:
    """User text as Content, never parsed as markup: `[red]` shows as `[red]`."""
    return Content(visible(text))


def multiline(text: object) -> Content:
    """Like `plain` but keeping line breaks (detail, progress notes)."""
    return Content(visible_lines(text))


def field_row(label: str, widget: Widget, name: str) -> Vertical:
    """One line of a form: the label, then the widget; below it a line for the field's
    error (`#error-NAME`, hidden until there is one)."""
    return Vertical(Horizontal(Label(label, classes="field-label"), widget,
                               classes="field-line"),
                    Static("", id=f"error-{name}", classes="field-error hidden"),
                    classes="field")


def show_field_error(screen: Widget, name: str, message: str) -> None:
    label = screen.query_one(f"#error-{name}", Static)
    label.update(plain(message))
    label.remove_class("hidden")


def hide_field_errors(screen: Widget) -> None:
    for widget in screen.query(".field-error"):
        widget.add_class("hidden")


class Painted(Widget):
    """Text (or any Rich renderable, built from `rich.text.Text`, never markup) drawn
    by a painter from the theme's colours. The painter runs whenever the widget is drawn,
    so switching the theme recolours it."""

    COMPONENT_CLASSES = COLOUR_CLASSES
    DEFAULT_CSS = "Painted { height: auto; }"

    def __init__(self, painter: Painter | None = None, *, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.painter = painter

    def paint(self, painter: Painter) -> None:
        self.painter = painter
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        if self.painter is None:
            return ""
        return self.painter(Palette(self))
