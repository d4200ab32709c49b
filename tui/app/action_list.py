"""The edit screen's actions: a list to move through, tick, edit in place, add to, remove
from and reorder. Nothing is written until the screen saves; then `calls()` says what to
ask `Change` for (action_edits.py).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.app.action_edits import ActionDraft, Call, action_calls, changed
from tui.app.colours import COLOUR_CLASSES, Palette
from tui.app.widgets import ShownInPlace
from tui.core.safe_text import visible

LIST_ACTIONS = {"cursor", "toggle", "edit", "add", "remove", "move", "details"}


def describe(draft: ActionDraft, number: int | None, original: ActionDraft | None,
             palette: Palette) -> Table:
    """One action: its mark says done or not in text too ([x] / [ ]); the text wraps
    under itself."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    if draft.removed:
        out = Text(visible(draft.text), style=palette["removed-action"])
        out.append("  removed on save (x keeps it)", style=palette["error"])
        grid.add_row(Text(" [-]".ljust(8), style=palette["muted"]), out)
        return grid
    mark = Text()
    mark.append(" [x]" if draft.done else " [ ]",
                style=palette["action-done" if draft.done else "action-open"])
    mark.append(f" {number}.".ljust(4))
    out = Text(visible(draft.text))
    details = [f"owner {draft.owner}" if draft.owner else "",
               f"due {draft.due}" if draft.due else ""]
    if any(details):
        out.append("  · " + " · ".join(visible(d) for d in details if d),
                   style=palette["muted"])
    if original is None:
        out.append("  new", style=palette["new-row"])
    elif (draft.text.strip(), draft.owner, draft.due) != \
            (original.text.strip(), original.owner, original.due):
        out.append("  edited", style=palette["new-row"])
    grid.add_row(mark, out)
    return grid


class ActionRow(Widget):
    """One action; the list it is in says which and whether the cursor is on it."""

    COMPONENT_CLASSES = set(COLOUR_CLASSES)
    DEFAULT_CSS = "ActionRow { height: auto; }"

    def __init__(self, draft: ActionDraft):
        super().__init__()
        self.draft = draft

    def render(self) -> Table:
        owner: ActionList = self.parent  # type: ignore[assignment]
        return describe(self.draft, owner.number_of(self.draft), owner.original_of(self.draft),
                        Palette(self))

    def on_click(self, event: events.Click) -> None:
        owner: ActionList = self.parent  # type: ignore[assignment]
        owner.move_to(self.draft)


class ActionList(Vertical, can_focus=True):
    BINDINGS = [
        Binding("up", "cursor(-1)", "Previous", show=False),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("space", "toggle", "Tick", id="action-tick"),
        Binding("enter,e", "edit", "Edit text", id="action-edit"),
        Binding("a", "add", "Add", id="action-add"),
        Binding("x,delete", "remove", "Remove", id="action-remove"),
        Binding("shift+up", "move(-1)", "Move up", show=False, id="action-up"),
        Binding("shift+down", "move(1)", "Move down", show=False, id="action-down"),
        Binding("o", "details", "Owner, due", id="action-details"),
    ]
    DEFAULT_CSS = """
    ActionList { height: auto; padding-left: 2; }
    ActionList > ActionRow.-cursor { background: $block-cursor-blurred-background; }
    ActionList:focus > ActionRow.-cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    ActionList > #action-empty { color: $text-muted; }
    ActionList > Input { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.originals: list[ActionDraft] = []
        self.drafts: list[ActionDraft] = []
        self.cursor = 0
        self.editor: Input | None = None
        self.editing: ActionDraft | None = None  # the action being edited; None: adding
        self.people: list[str] = []  # owners to suggest
        self._rows: list[ActionRow] = []  # one per draft, in order

    def compose(self) -> ComposeResult:
        yield Static("No actions yet: a adds one.", id="action-empty")

    # -- the data ---------------------------------------------------------------------------
    def load(self, actions: list[dict[str, Any]]) -> None:
        """The actions as the file has them; forgets every edit."""
        if self.editor is not None:
            self.editor.remove()
        for row in self._rows:
            row.remove()
        self.originals = [ActionDraft.from_file(n, a) for n, a in enumerate(actions)]
        self.drafts = [a.copy() for a in self.originals]
        self.cursor = 0
        self.editor = self.editing = None
        self._rows = [ActionRow(d) for d in self.drafts]
        if self._rows:
            self.mount(*self._rows, before=self.query_one("#action-empty"))
        self.show_cursor()

    def calls(self) -> list[Call]:
        self.finish_edit()
        return action_calls(self.originals, self.drafts)

    def is_dirty(self) -> bool:
        return changed(self.originals, self.drafts) or bool(
            self.editor is not None and self.editor.value.strip())

    def number_of(self, draft: ActionDraft) -> int | None:
        """Its number once saved (removed actions have none)."""
        kept = [d for d in self.drafts if not d.removed]
        return next((n for n, d in enumerate(kept, start=1) if d is draft), None)

    def original_of(self, draft: ActionDraft) -> ActionDraft | None:
        return self.originals[draft.origin] if draft.origin is not None else None

    @property
    def current(self) -> ActionDraft | None:
        return self.drafts[self.cursor] if self.drafts else None

    def rows(self) -> list[ActionRow]:
        return self._rows

    def show_cursor(self) -> None:
        self.cursor = max(0, min(self.cursor, len(self.drafts) - 1))
        self.query_one("#action-empty").display = not self.drafts
        for n, row in enumerate(self.rows()):
            row.set_class(n == self.cursor, "-cursor")
            row.refresh(layout=True)
        if self.drafts and self.has_focus:
            self.rows()[self.cursor].scroll_visible(animate=False)

    def move_to(self, draft: ActionDraft) -> None:
        self.finish_edit(focus=False)
        self.cursor = next(n for n, d in enumerate(self.drafts) if d is draft)
        self.focus()
        self.show_cursor()

    def on_focus(self) -> None:
        self.show_cursor()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the editor is open, the keys are its own.
        return not (action in LIST_ACTIONS and self.editor is not None)

    # -- keys -------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.cursor += step
        self.show_cursor()

    # The list's own toggle (space); DOMNode's action_toggle(attribute) is not used here.
    def action_toggle(self) -> None:  # type: ignore[override]
        if (draft := self.current) is not None and not draft.removed:
            draft.done = not draft.done
            self.show_cursor()

    def action_remove(self) -> None:
        """Marks the action to go when the edit is saved; pressed again, keeps it."""
        if (draft := self.current) is not None:
            draft.removed = not draft.removed
            self.show_cursor()

    def action_move(self, step: int) -> None:
        target = self.cursor + step
        if self.current is None or not 0 <= target < len(self.drafts):
            return
        self.drafts[self.cursor], self.drafts[target] = \
            self.drafts[target], self.drafts[self.cursor]
        rows = self.rows()
        rows[self.cursor].draft, rows[target].draft = \
            self.drafts[self.cursor], self.drafts[target]
        self.cursor = target
        self.show_cursor()

    def action_edit(self) -> None:
        if (draft := self.current) is not None and not draft.removed:
            self.open_editor(draft, self.rows()[self.cursor])

    def action_add(self) -> None:
        self.open_editor(None, None)

    def add(self, text: str) -> None:
        """A new action at the end (from the edit screen's "Add an action" field too)."""
        draft = ActionDraft(text=text.strip())
        self.drafts.append(draft)
        self._rows.append(ActionRow(draft))
        self.mount(self._rows[-1], before=self.query_one("#action-empty"))
        self.cursor = len(self.drafts) - 1
        self.show_cursor()

    def action_details(self) -> None:
        from tui.app.screens.action_details import ActionDetailsScreen

        draft = self.current
        if draft is None or draft.removed:
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                draft.owner, draft.due = result
                self.show_cursor()
            self.focus()

        self.app.push_screen(ActionDetailsScreen(draft, self.people), chosen)

    # -- editing in place -------------------------------------------------------------------
    def open_editor(self, draft: ActionDraft | None, row: ActionRow | None) -> None:
        self.finish_edit()
        self.editing = draft
        self.editor = Input(draft.text if draft else "", compact=True, classes="action-editor",
                            placeholder="the action: enter keeps it, escape cancels",
                            select_on_focus=False,  # typing adds to the text, not over it
                            highlighter=ShownInPlace())
        if row is not None:
            self.mount(self.editor, before=row)
            row.display = False
        else:
            self.mount(self.editor, before=self.query_one("#action-empty"))
        self.editor.focus()

    def finish_edit(self, keep: bool = True, focus: bool = True) -> None:
        """Close the editor: `keep` the text typed (an empty one changes nothing); `focus`
        the list again."""
        editor, draft = self.editor, self.editing
        if editor is None:
            return
        self.editor = self.editing = None
        text = editor.value.strip()
        editor.remove()
        for row in self.rows():
            row.display = True
        if keep and text:
            if draft is None:
                self.add(text)
            else:
                draft.text = text
        if focus:
            self.focus()
        self.show_cursor()

    def cancel_edit(self) -> bool:
        """Escape: drop what was typed; False when no editor was open."""
        if self.editor is None:
            return False
        self.finish_edit(keep=False)
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.editor:
            event.stop()
            self.finish_edit()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        focused = self.app.focused
        if event.widget is self.editor and focused is not None and focused is not self \
                and self not in focused.ancestors:
            self.finish_edit(focus=False)  # clicked or tabbed away: keep what was typed
