"""A table that draws only the rows on screen, so 10,000 items filter in milliseconds.

Textual's DataTable builds every row up front (about 1.1 s for 10,000 rows, on every
rebuild). This widget keeps a list of row objects and renders a row's cells only when
that row scrolls into view (the line API, as toolong does for huge logs). `set_rows` is
O(1) beyond storing the list; the cursor stays on the same key across refreshes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.colours import COLOUR_CLASSES, Palette


@dataclass(frozen=True)
class Column:
    """`width`: the column's width when its content's width is not known, and the
    narrowest a `shrinkable` column is cut to before columns are hidden."""

    key: str
    label: str
    width: int = 10
    min_width: int = 8
    flexible: bool = False  # takes the width the fixed columns leave
    priority: int = 0  # when too narrow, the highest numbers are hidden first
    shrinkable: bool = False  # cut (with …) below its content's width when room is short


FLEXIBLE_SHARE = 3  # a flexible column keeps a third of the room (if it needs it) before
# shrinkable columns are cut, so a wide terminal shows owners and areas whole and a
# narrower one does not give every column to the title


class ItemTable(ScrollView, can_focus=True):
    """Rows of `rich.text.Text` cells under a pinned header, with a row cursor."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        # No `enter`: the screen's own enter binding opens the row at once. Posted as a
        # message, the opening came after a key typed straight after enter (`enter e`
        # opened the edit form, then the detail on top of it).
    ]
    COMPONENT_CLASSES = {"item-table--header", "item-table--cursor",
                         "item-table--empty"} | COLOUR_CLASSES
    DEFAULT_CSS = """
    ItemTable {
        background: $surface;
        overflow-x: hidden;
    }
    ItemTable > .item-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    ItemTable > .item-table--cursor {
        background: $block-cursor-blurred-background;
    }
    ItemTable:focus > .item-table--cursor {
        background: $block-cursor-background;
    }
    ItemTable > .item-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, table: ItemTable, key: str | None):
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> ItemTable:
            return self.table

    class Selected(Message):
        def __init__(self, table: ItemTable, key: str):
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> ItemTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: ItemTable, column_key: str):
            super().__init__()
            self.table, self.column_key = table, column_key

        @property
        def control(self) -> ItemTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.rows: Sequence[Any] = []
        self._key: Callable[[Any], str] = str
        # (not `_render`: Textual's Widget._render() gives the widget's content, and is
        # called when text is selected with the mouse)
        self._render_row: Callable[[Any], Sequence[Text]] = lambda row: [Text(str(row))]
        self._cells: dict[str, tuple[Any, list[Text]]] = {}
        self._cells_theme: str | None = None  # the theme the cached cells were coloured in
        self._keys: list[str] | None = None
        self._wanted: str | None = None  # the row the user chose; kept while filtered out
        self._wanted_row: Any = None  # and its object, found by identity (no key scan)
        self.sort_column: str | None = None
        self.sort_descending = False
        self.empty_message = "Nothing to show."
        self.content_widths: dict[str, int] = {}  # column key -> its widest cell
        self._columns_fitted: tuple[tuple[Any, ...], list[tuple[Column, int]]] | None = None

    # -- data ---------------------------------------------------------------------------
    @property
    def palette(self) -> Palette:
        """The theme's colours for the cells (colours.py)."""
        return Palette(self)

    def set_rows(self, rows: Sequence[Any], key: Callable[[Any], str],
                 render: Callable[[Any], Sequence[Text]]) -> None:
        """Show `rows`; cells come from `render(row)` only when a row is drawn (coloured
        from `self.palette`, and drawn again when the theme changes).

        The cursor goes back to the row the user last chose whenever that row is shown,
        so typing a filter letter by letter does not lose the selection."""
        previous = self._wanted or self.cursor_key
        previous_row = self._wanted_row if self._wanted else \
            self.rows[self._clamp(self.cursor_row)] if self.rows else None
        self.rows, self._key, self._render_row = rows, key, render
        self._keys = None
        row = self._find(previous_row, previous) if previous is not None else None
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.set_reactive(ItemTable.cursor_row, self._clamp(row if row is not None else
                                                            self.cursor_row))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor_key))

    def set_content_widths(self, widths: dict[str, int]) -> None:
        """The widest cell of each column (ListScreen measures them once per plan read):
        columns are sized to their content when there is room."""
        if widths != self.content_widths:
            self.content_widths = dict(widths)
            self.refresh()

    def invalidate(self) -> None:
        """Forget rendered cells (after the items themselves changed)."""
        self._cells.clear()
        self.refresh()

    def set_sort(self, column_key: str | None, descending: bool = False) -> None:
        self.sort_column, self.sort_descending = column_key, descending
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        if not self.rows:
            return None
        return self._key(self.rows[self._clamp(self.cursor_row)])

    def row_of(self, key: str) -> int | None:
        if self._keys is None:
            self._keys = [self._key(row) for row in self.rows]
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def _find(self, wanted_row: Any, key: str) -> int | None:
        """The row of `key`: by the identity of the object last shown for it when that
        is still shown (a C-speed scan: typing a filter over 100,000 rows must not make
        100,000 keys), else by key."""
        if wanted_row is not None:
            try:
                return self.rows.index(wanted_row)
            except ValueError:
                pass
        return self.row_of(key)

    def _choose(self, row: int) -> None:
        """A cursor move the user made: remember the row's key as their selection."""
        self.cursor_row = self._clamp(row)
        self._wanted = self.cursor_key
        self._wanted_row = self.rows[self._clamp(self.cursor_row)] if self.rows else None

    def _clamp(self, row: int) -> int:
        return max(0, min(row, len(self.rows) - 1))

    # -- cursor -------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        clamped = self._clamp(new)
        if clamped != new:
            self.set_reactive(ItemTable.cursor_row, clamped)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor_key))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self._choose(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self._choose(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        self._choose(row if row >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if (key := self.cursor_key) is not None:
            self.post_message(self.Selected(self, key))

    # -- mouse --------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.HeaderClicked(self, column.key))
            return
        row = round(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self.rows):
            self._choose(row)
            if event.chain >= 2:
                self.action_select()

    def _column_at(self, x: int) -> Column | None:
        start = 1
        for column, width in self._layout():
            if start <= x < start + width + 1:
                return column
            start += width + 1
        return None

    # -- drawing ------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self._scroll_cursor_into_view()

    def _layout(self) -> list[tuple[Column, int]]:
        """(column, width) pairs that fit (worked out once per width and content)."""
        # The content width less the scrollbar, so the last column is never clipped.
        available = self.scrollable_content_region.width - 1
        key = (available, tuple(self.columns), tuple(sorted(self.content_widths.items())))
        if self._columns_fitted is None or self._columns_fitted[0] != key:
            self._columns_fitted = (key, column_layout(self.columns, self.content_widths,
                                                     available))
        return self._columns_fitted[1]

    def _row_cells(self, index: int) -> list[Text]:
        if self._cells_theme != self.app.theme:
            self._cells.clear()
            self._cells_theme = self.app.theme
        row = self.rows[index]
        key = self._key(row)
        cached = self._cells.get(key)
        if cached is None or cached[0] is not row:
            cached = (row, list(self._render_row(row)))
            self._cells[key] = cached
        return cached[1]

    def _line(self, texts: list[Text], layout: list[tuple[Column, int]]) -> Text:
        """One row: each shown column's cell (cells come in `self.columns` order)."""
        line = Text(" ", end="", no_wrap=True)
        positions = {column.key: n for n, column in enumerate(self.columns)}
        for column, width in layout:
            n = positions[column.key]
            cell = texts[n].copy() if n < len(texts) else Text("")
            cell.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        layout = self._layout()
        if y == 0:
            labels = []
            for column in self.columns:
                mark = ""
                if column.key == self.sort_column:
                    mark = " ▼" if self.sort_descending else " ▲"
                labels.append(Text(column.label + mark))
            header = self.get_component_rich_style("item-table--header")
            return self._strip(self._line(labels, layout), width, base + header)
        index = round(self.scroll_y) + y - 1
        if not self.rows:
            if y == 1:
                empty = self.get_component_rich_style("item-table--empty")
                return self._strip(Text(" " + self.empty_message, end=""), width, base + empty)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        line = self._line(self._row_cells(index), layout)
        if index == self.cursor_row:
            cursor = self.get_component_rich_style("item-table--cursor")
            return self._strip(line, width, base, post=Style(bgcolor=cursor.bgcolor))
        return self._strip(line, width, base)

    def _strip(self, text: Text, width: int, style: Style, post: Style | None = None) -> Strip:
        segments = list(text.render(self.app.console))
        segments = list(Segment.apply_style(segments, style, post))
        return Strip(segments).adjust_cell_length(width, style)


def column_layout(columns: Sequence[Column], content: dict[str, int],
                  available: int) -> list[tuple[Column, int]]:
    """Widths for `columns` in `available` cells (one cell between columns).

    Each fixed column is as wide as its content (or its `width` when that is unknown); a
    flexible column keeps at least its `min_width`, and a third of the room if its
    content needs it; the rest of the room is the flexible columns'. When that does not
    fit, the shrinkable columns are cut, the widest first, down to their `width`; then
    the flexible column gives up its third; then low-priority columns are hidden."""
    shown = list(columns)
    while True:
        widths = _fit(shown, content, available)
        if widths is not None or len(shown) <= 1:
            break
        droppable = [c for c in shown if c.priority > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda c: (c.priority, shown.index(c))))
    if widths is None:  # nothing more to hide: the old rule, the flexible ones at minimum
        fixed = sum(c.width for c in shown if not c.flexible) + len(shown)
        flex = [c for c in shown if c.flexible]
        each = max(0, available - fixed) // max(1, len(flex)) if flex else 0
        return [(c, max(c.min_width, each) if c.flexible else c.width) for c in shown]
    return list(zip(shown, widths, strict=True))


def _fit(shown: list[Column], content: dict[str, int], available: int) -> list[int] | None:
    room = available - len(shown)
    want = {c.key: max(len(c.label), content[c.key]) if c.key in content else
            (10**6 if c.flexible else c.width) for c in shown}
    fixed = {c.key: want[c.key] for c in shown if not c.flexible}
    flex = [c for c in shown if c.flexible]
    for share in (FLEXIBLE_SHARE, None):
        floor = sum(max(c.min_width, min(want[c.key], room // share)) if share else
                    c.min_width for c in flex)
        over = sum(fixed.values()) + floor - room
        cuttable = [c for c in shown if c.shrinkable and not c.flexible]
        while over > 0:
            longest = max(cuttable, key=lambda c: fixed[c.key] - c.width, default=None)
            if longest is None or fixed[longest.key] <= longest.width:
                break
            others = [fixed[c.key] for c in cuttable if c is not longest]
            # Down to the next-widest (so the widest are cut evenly), a cell at least.
            step = min(over, fixed[longest.key] - longest.width,
                       max(1, fixed[longest.key] - max([longest.width, *others])))
            fixed[longest.key] -= step
            over -= step
        if over <= 0:
            break
    else:
        return None
    spare = room - sum(fixed.values())
    each = spare // max(1, len(flex))
    return [max(c.min_width, each) if c.flexible else fixed[c.key] for c in shown]
