"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.highlighter import Highlighter
from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from tui.app.colours import COLOUR_CLASSES, Palette
from tui.core.safe_text import visible, visible_in_place, visible_lines

Painter = Callable[[Palette], RenderableType]


def plain(text: object) -> Content:
    """User text as Content, never parsed as markup: `[red]` shows as `[red]`."""
    return Content(visible(text))


def multiline(text: object) -> Content:
    """Like `plain` but keeping line breaks (detail, progress notes)."""
    return Content(visible_lines(text))


class ShownInPlace(Highlighter):
    """A text box's value as the terminal may show it: a control character (a raw ESC
    would reach the terminal) or one that hides what text says (a bidi override) shows as
    one visible character, so the cursor stays where it is; the value keeps them (saving
    refuses them, naming the field)."""

    def __call__(self, text: str | Text) -> Text:
        shown = Text(text) if isinstance(text, str) else text.copy()
        shown.plain = visible_in_place(shown.plain)
        return shown

    def highlight(self, text: Text) -> None:  # __call__ does the work
        pass


def shown_in_place(widget: Widget) -> Widget:
    """Give a text box (Input) the ShownInPlace highlighter; other widgets unchanged."""
    from textual.widgets import Input

    if isinstance(widget, Input) and widget.highlighter is None:
        widget.highlighter = ShownInPlace()
    return widget


def field_row(label: str, widget: Widget, name: str) -> Vertical:
    """One line of a form: the label, then the widget (a text box shows each control
    character as a symbol); below it a line for the field's error (`#error-NAME`, hidden
    until there is one)."""
    shown_in_place(widget)
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

    COMPONENT_CLASSES = set(COLOUR_CLASSES)
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


class FittedFooter(Footer):
    """A footer that never cuts keys off at its right edge: when they do not all fit, the
    keys whose actions come first in `drop_order` are left out first (they stay bound,
    and `?` and the palette list them), so the ones that matter most stay in sight."""

    def __init__(self, drop_order: tuple[str, ...] = ()):
        super().__init__()
        self.drop_order = drop_order

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        from rich.cells import cell_len
        from textual.widgets._footer import FooterKey

        keys = list(self.query(FooterKey))
        room = self.size.width
        widths = {}
        for key in keys:
            key.display = True
            # As FooterKey draws itself: " k " then "Description ", and the palette's
            # key its border too.
            widths[key] = cell_len(key.key_display) + 2 + (cell_len(key.description) + 1
                                                            if key.description else 0)
            if key.has_class("-command-palette"):
                widths[key] += 2
        total = sum(widths.values())
        for action in self.drop_order:
            for key in keys:
                if total <= room:
                    return
                if key.action == action and key.display:
                    key.display = False
                    total -= widths[key]
