"""Command palette (ctrl+p): every action of the list screen, and each saved view."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = (
    ("Filter the list", "filter"),
    ("Open the selected item", "open"),
    ("Edit the selected item", "edit"),
    ("History of the selected item", "history"),
    ("Sign off the selected item…", "sign_off"),
    ("Add evidence to the selected item…", "evidence"),
    ("Assess the selected item: the owner's own RAG…", "assess"),
    ("Board summary: RAG by area, overdue, awaiting sign-off, changes", "board"),
    ("New item", "new"),
    ("Hide or show done items", "toggle_done"),
    ("Saved views…", "views"),
    ("Show or hide the problems panel (conflicts, bad files)", "problems"),
    ("Sync with the shared repository (fetch, rebase, push)", "sync"),
    ("Undo your last change (a new commit takes it back)…", "undo"),
    ("Clear the filter", "clear_filter"),
    ("Sort by the next column", "cycle_sort"),
    ("Reverse the sort", "reverse_sort"),
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.app.app import AfiApp


class AfiCommands(Provider):

    if TYPE_CHECKING:
        app: AfiApp

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from tui.app.screens.list import COLUMNS, ListScreen

        app = self.app
        lists = [s for s in app.screen_stack if isinstance(s, ListScreen)]
        if not lists:
            return []
        screen = lists[0]
        keys = {b.action: b.key_display or b.key  # type: ignore[union-attr]
                for b in ListScreen.BINDINGS}  # (all Binding objects there)
        commands: list[tuple[str, Callable[[], object], str]] = [
            (title, partial(self._run, screen, action),
                     f"key: {keys[action]}" if action in keys else "")
                    for title, action in ACTIONS]
        for column in COLUMNS:
            commands.append((f"Sort by {column.label.lower()}",
                             partial(self._sort, screen, column.key),
                             "s sorts by the next column, S reverses"))
        plan = app.plan
        if plan is not None:
            for name, query in plan.config.views.items():
                commands.append((f"View: {name}", partial(self._view, screen, name), query))
        commands.append(("Keys and query help", app.action_help, "?"))
        return commands

    def _run(self, screen, action: str) -> None:
        self._run_on(screen, getattr(screen, f"action_{action}"))

    def _sort(self, screen, column: str) -> None:
        self._run_on(screen, lambda: screen.sort_by(column))

    def _view(self, screen, name: str) -> None:
        self._run_on(screen, lambda: screen.set_query(f"view:{name}"))

    def _run_on(self, screen, do) -> None:
        """Back to the list screen (from wherever the palette was opened), then act; an
        unsaved edit on the way asks first, as escape does."""
        from tui.app.screens.confirm import ConfirmScreen

        app = self.app
        above = app.screen_stack[app.screen_stack.index(screen) + 1:]

        def go(discard: bool | None = True) -> None:
            if discard:
                while app.screen is not screen and len(app.screen_stack) > 1:
                    app.pop_screen()
                do()

        if any(getattr(s, "is_dirty", lambda: False)() for s in above):
            app.push_screen(ConfirmScreen("Leave the edit and discard your unsaved changes?",
                                          yes="Discard", no="Keep editing"), go)
        else:
            go()

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
