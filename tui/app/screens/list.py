"""The list screen: every item, one row each, filtered as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.app.item_table import Column, ItemTable
from tui.app.messages import PlanReloaded, TeamReloaded
from tui.app.problems import ProblemsPanel
from tui.app.rows import content_widths, item_cells
from tui.app.screens.undo import UndoFlow
from tui.app.widgets import FittedFooter, ShownInPlace, plain
from tui.core.errors import QueryError
from tui.core.model.items import DUE_SOON, OVERDUE, Item, state_counts, today
from tui.core.plan import Plan

if TYPE_CHECKING:
    from tui.app.app import AfiApp
    from tui.core.team.sync import TeamStatus

# Sized to their content when there is room (ItemTable.set_content_widths); `width` is
# what a column has before the plan is read, and how far area and owner may be cut.
COLUMNS = [
    Column("id", "ID", width=11, priority=0),
    Column("title", "Title", min_width=24, flexible=True, priority=0),
    Column("area", "Area", width=16, priority=3, shrinkable=True),
    Column("status", "Status", width=11, priority=0),
    Column("owner", "Owner", width=12, priority=2, shrinkable=True),
    Column("due", "Due", width=26, priority=1, shrinkable=True),  # only the owner's mark is cut
]


# When the footer cannot show every key, these go first (in this order); filter, views,
# sync, quit and help stay in sight at 80 columns.
FOOTER_DROP_ORDER = ("history", "edit", "toggle_done", "new", "board", "sign_off", "open")

TITLE_ROOM = 24  # the plan title keeps this much before the counts go to a second line


def plan_counts(plan: Plan, on) -> str:
    """'30 open · 12 overdue · 3 due soon · 1 awaiting sign-off · 2 done'."""
    counts = state_counts(plan.items, plan.config, on)
    done = counts[None]
    return (f"{len(plan.items) - done} open · {counts[OVERDUE]} overdue · "
            f"{counts[DUE_SOON]} due soon · {counts['awaiting-signoff']} awaiting sign-off · "
            f"{done} done")


class ListScreen(Screen):
    """Header with counts, a filter box, the table, and a problems panel when needed."""
    if TYPE_CHECKING:
        app: AfiApp


    BINDINGS = [
        # A priority key: the app runs it as it reads it, so that keys typed in the same
        # burst ("/sort:due", a paste) reach the filter, not the list's own keys.
        Binding("slash", "filter", "Filter", key_display="/", id="filter", priority=True),
        Binding("enter", "open", "Open", show=False, id="open"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("h", "history", "History", id="history"),
        Binding("c", "sign_off", "Sign off", id="sign-off"),
        Binding("E", "evidence", "Evidence", show=False, id="evidence"),
        Binding("a", "assess", "Assess", show=False, id="assess"),
        Binding("b", "board", "Board", id="board"),
        Binding("n", "new", "New", id="new"),
        Binding("d", "toggle_done", "Done items", id="toggle-done"),
        Binding("v", "views", "Views", id="views"),
        Binding("s", "cycle_sort", "Sort", show=False, id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="reverse-sort"),
        Binding("p", "problems", "Problems", show=False, id="problems"),
        Binding("y", "sync", "Sync", id="sync"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
    ]

    def __init__(self, query: str = ""):
        super().__init__()
        self.query_text = query
        self.hide_done = False
        self.sort: tuple[str, bool] | None = None  # from a header click: (column, descending)
        self.sorted_with = ""  # the filter when that column sort was chosen
        self.shown: list[Item] = []
        self.counts = ""  # the plan's totals, worked out once per load, not per keystroke
        self.team: TeamStatus | None = None
        self.conflicted: list[Item] = []  # items a stopped sync left with markers

    def compose(self) -> ComposeResult:
        with Vertical(id="list-top"):
            with Horizontal(id="summary"):
                yield Static(id="plan-title")
                yield Static(id="plan-counts")
                yield Static(id="plan-totals", classes="inline-totals")
            yield Static(id="plan-totals-below", classes="stacked-totals")
            yield Input(value=self.query_text, placeholder="/ to filter: status:in-progress "
                        "is:overdue area:crime owner:smith sort:due", id="filter",
                        compact=True, highlighter=ShownInPlace())
            yield Static(id="filter-error", classes="hidden")
        table = ItemTable(COLUMNS, id="items")
        table.empty_message = "Loading the plan…"
        yield table
        yield ProblemsPanel(id="problems", classes="hidden")
        yield UndoFlow()
        yield FittedFooter(drop_order=FOOTER_DROP_ORDER)

    @property
    def plan(self) -> Plan | None:
        return self.app.plan

    def on_mount(self) -> None:
        self.query_one(ItemTable).focus()
        if self.plan is not None:
            self.plan_changed(self.plan)
        if self.app.team is not None:
            self.team_changed(self.app.team)

    # -- data -----------------------------------------------------------------------------
    def on_plan_reloaded(self, message: PlanReloaded) -> None:
        self.plan_changed(message.plan)

    def plan_changed(self, plan: Plan) -> None:
        self.counts = plan_counts(plan, today())
        table = self.query_one(ItemTable)
        table.empty_message = (
            "No items match. Press / to change the filter, esc to clear it."
            if plan.items or plan.problems else
            "No items yet. Press n to add one, or bring in an inspection report or a tracker "
            "with `afi import`.")
        table.set_content_widths(content_widths(plan.items, plan.config, today()))
        table.invalidate()
        panel = self.query_one(ProblemsPanel)
        if panel.show_problems(plan.problems, plan.dir):
            panel.remove_class("hidden")
        elif not (self.team and self.team.conflicts):  # the last bad file was fixed
            panel.add_class("hidden")
        self.refilter()

    def on_team_reloaded(self, message: TeamReloaded) -> None:
        self.team_changed(message.status)

    def team_changed(self, team: TeamStatus) -> None:
        had_conflicts = bool(self.team and self.team.conflicts)
        self.team = team
        panel = self.query_one(ProblemsPanel)
        if panel.show_conflicts(team.conflicts) and not had_conflicts:
            panel.remove_class("hidden")
        elif not team.conflicts and not (self.plan and self.plan.problems):
            panel.add_class("hidden")
        if self.plan is not None and self.plan.loaded:
            self.refilter()

    def conflicted_items(self, plan: Plan) -> list[Item]:
        """Items whose file a stopped sync left with conflict markers (so it fails to
        read) are listed as the merge holds them, one side's value at each conflict, so
        they do not vanish while the conflict is settled."""
        if self.team is None or not self.team.conflicts:
            return []
        from tui.core.model.validate import check_item
        from tui.core.store import toml_read

        known = plan.snapshot.by_id()
        found = []
        for record in self.team.conflicts:
            if record.item_id.lower() in known:
                continue
            try:
                data = toml_read.loads(record.merged)
            except toml_read.TOMLDecodeError:
                continue
            if not check_item(data, record.item_id, plan.config):
                found.append(Item(data, plan.dir / "afis" / f"{record.item_id}.toml"))
        return found

    def refilter(self) -> None:
        """Apply the filter box to the plan; a bad query leaves the list as it was."""
        plan = self.plan
        if plan is None:
            return
        error = self.query_one("#filter-error", Static)
        on = today()
        try:
            query = plan.parse_query(self.query_text, on)
        except QueryError as err:
            error.update(plain(f"⚠ {err}"))
            error.remove_class("hidden")
            return
        error.add_class("hidden")
        if self.sort is not None and query.sort_keys and self.query_text != self.sorted_with:
            # A new filter with its own sort (a saved view's sort:due, a typed sort:) wins
            # over the column chosen with s or a header click for the filter before.
            self.sort = None
            self.query_one(ItemTable).set_sort(None)
        self.conflicted = self.conflicted_items(plan)
        items = query.apply(plan.snapshot.in_id_order() + self.conflicted, plan.config, on,
                            in_id_order=not self.conflicted)
        if self.hide_done:
            items = [i for i in items if not plan.config.is_done(i.status)]
        if self.sort is not None:
            from tui.core.model.query import sort_items

            items = sort_items(items, [self.sort], plan.config)
        self.shown = items
        config = plan.config
        table = self.query_one(ItemTable)
        palette = table.palette
        table.set_rows(items, key=lambda i: i.id,
                       render=lambda i: item_cells(i, config, on, palette))
        self.update_summary(plan)

    def update_summary(self, plan: Plan) -> None:
        """Title, what is shown, then the plan's totals: on the same line when they fit,
        else the totals on a line of their own."""
        shown = f"{len(self.shown)} shown of {len(plan.items)}"
        if (team := self.team) is not None and team.ahead_behind is not None:
            ahead, behind = team.ahead_behind
            shown = f"↑{ahead} ↓{behind} (y sync) · {shown}"
        conflicted = {i.id.lower() for i in self.conflicted}  # counted as conflicts instead
        if bad := len({p.path for p in plan.problems if p.path.stem.lower() not in conflicted}):
            # First, so a narrow terminal cuts the counts, never the news of skipped files.
            shown = f"⚠ {bad} bad file{'s' if bad > 1 else ''} (p) · {shown}"
        if team is not None and (open_ := sum(len(r.conflicts) for r in team.conflicts)):
            shown = f"⚠ {open_} conflict{'s' if open_ > 1 else ''} (p) · {shown}"
        if self.hide_done:
            shown += " · done hidden (d)"
        title = plan.config.title
        room = self.size.width - 4 - min(cell_len(title), TITLE_ROOM)
        stacked = cell_len(f"{shown} · {self.counts}") > room
        self.query_one("#list-top").set_class(stacked, "-stacked")
        self.query_one("#plan-title", Static).update(Content.styled(title, "bold"))
        self.query_one("#plan-counts", Static).update(
            Content.styled(shown if stacked else f"{shown} · ", "dim"))
        totals = Content.styled(self.counts, "dim")
        self.query_one("#plan-totals", Static).update(totals)
        self.query_one("#plan-totals-below", Static).update(totals)

    def on_resize(self, event: events.Resize) -> None:
        if self.plan is not None and self.plan.loaded:
            self.update_summary(self.plan)

    # -- events ---------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_text = event.value
            self.refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(ItemTable).focus()

    def on_item_table_selected(self, event: ItemTable.Selected) -> None:
        self.open_item(event.key)

    def on_item_table_header_clicked(self, event: ItemTable.HeaderClicked) -> None:
        column = event.column_key
        self.sort_by(column, descending=self.sort == (column, False))

    def sort_by(self, column: str | None, descending: bool = False) -> None:
        """Order the list by a column (None: the query's own order)."""
        self.sort = None if column is None else (column, descending)
        self.sorted_with = self.query_text
        self.query_one(ItemTable).set_sort(column, descending)
        self.refilter()

    # -- actions --------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        return self.query_one(ItemTable).cursor_key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the filter, / is a character like any other: the binding stands aside and the
        # key reaches the box in its place among the keys typed with it.
        focused = self.focused
        return not (action == "filter" and isinstance(focused, Input) and focused.id == "filter")

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))  # at once: the next keys are its

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""  # fires Changed -> refilter
        self.query_one(ItemTable).focus()

    def set_query(self, text: str) -> None:
        box = self.query_one("#filter", Input)
        box.value = text
        self.query_text = text
        self.refilter()

    def action_open(self) -> None:
        if (item_id := self.selected_id()) is not None:
            self.open_item(item_id)

    def open_item(self, item_id: str) -> None:
        from tui.app.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(item_id))

    def action_edit(self) -> None:
        from tui.app.screens.edit import EditScreen

        if (item_id := self.selected_id()) is not None:
            self.app.push_screen(EditScreen(item_id))

    def action_history(self) -> None:
        from tui.app.screens.history import HistoryScreen

        if (item_id := self.selected_id()) is not None:
            self.app.push_screen(HistoryScreen(item_id))

    def action_sign_off(self) -> None:
        from tui.app.screens.sign_off import sign_off

        if (item_id := self.selected_id()) is not None:
            sign_off(self.app, item_id)

    def action_evidence(self) -> None:
        from tui.app.screens.evidence import add_evidence

        if (item_id := self.selected_id()) is not None:
            add_evidence(self.app, item_id)

    def action_assess(self) -> None:
        from tui.app.screens.assess import assess

        if (item_id := self.selected_id()) is not None:
            assess(self.app, item_id)

    def action_board(self) -> None:
        from tui.app.screens.board import BoardScreen

        if self.plan is not None:
            self.app.push_screen(BoardScreen())

    def action_new(self) -> None:
        from tui.app.screens.new_item import NewItemScreen

        if self.plan is not None:
            self.app.push_screen(NewItemScreen())

    def action_toggle_done(self) -> None:
        self.hide_done = not self.hide_done
        self.refilter()
        self.notify("Done items hidden" if self.hide_done else "Done items shown", timeout=2)

    def action_cycle_sort(self) -> None:
        """`s`: sort by the next column; after the last, back to the query's order."""
        keys = [column.key for column in COLUMNS]
        current = keys.index(self.sort[0]) if self.sort else -1
        column = keys[current + 1] if current + 1 < len(keys) else None
        self.sort_by(column)
        label = next((c.label for c in COLUMNS if c.key == column), None)
        self.notify(f"Sorted by {label.lower()}" if label else "Sorted as the filter says",
                    timeout=2)

    def action_reverse_sort(self) -> None:
        """`S`: reverse the column sort (sorting by id first if there is none)."""
        if self.sort is None:
            self.sort_by("id", descending=True)
        else:
            self.sort_by(self.sort[0], descending=not self.sort[1])

    def action_views(self) -> None:
        from tui.app.screens.views import ViewPicker

        if self.plan is None:
            return
        views = self.plan.config.views
        if not views:
            self.notify("No saved views: add a [views] table to plan.toml", severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.set_query(f"view:{name}")

        self.app.push_screen(ViewPicker(views), chosen)

    def action_problems(self) -> None:
        self.query_one(ProblemsPanel).toggle_class("hidden")

    def action_sync(self) -> None:
        self.app.sync_now()

    def action_undo(self) -> None:
        """`u`: take back your last afi commit, after asking (screens/undo.py)."""
        self.query_one(UndoFlow).start()
