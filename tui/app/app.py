"""The afi terminal app: a small App holding the plan; the screens do the showing.

All reading and committing is done by `tui.core` in thread workers; results come back
as messages and widgets are only touched on the app's thread.
"""

from __future__ import annotations

import contextlib
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from tui.app.messages import PlanReloaded, TeamReloaded
from tui.app.palette import AfiCommands
from tui.core.errors import AfiError
from tui.core.plan import Plan
from tui.core.safe_text import visible
from tui.core.store.reading import files_state

if TYPE_CHECKING:
    from typing import Any

    from tui.core.team.sync import TeamStatus
from tui.app.reading import EarlyRead, outside_signature, read_plan
from tui.app.screens.list import ListScreen
from tui.app.threads import import_git

POLL_SECONDS = 1.0  # files changed on disk show within 2 s (one poll plus a reload)


@dataclass
class PlanLoaded(Message):
    """A fresh read of the plan (at start, after a save, or after a change on disk)."""

    plan: Plan


@dataclass
class TeamChanged(Message):
    """Ahead/behind the shared repository (as of the last fetch) and open conflicts."""

    status: TeamStatus


class AfiApp(App):
    """afi: list, filter, edit and review the history of an improvement plan."""

    TITLE = "afi"
    CSS_PATH = "afi.tcss"
    COMMANDS = App.COMMANDS | {AfiCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        # ctrl+c quits too (asking first if an edit is unsaved); in a text field it copies.
        Binding("ctrl+c", "quit", "Quit", show=False, id="quit-ctrl-c"),
        Binding("question_mark", "help", "Keys", key_display="?", id="help"),
    ]

    def __init__(self, plan_dir: Path, initial_query: str = "",
                 early: EarlyRead | None = None):
        super().__init__()
        self.plan_dir = plan_dir
        self._early = early  # the first read, started before Textual was imported
        self.initial_query = initial_query
        self.plan: Plan | None = None
        self.team: TeamStatus | None = None
        self._signature: tuple[Any, ...] | None = None
        self._held: list[events.Event] = []  # keys typed while their screen was opening
        self._holding = False  # hold_keys: a question is being prepared
        self._replaying = False  # handing held keys on
        self._typed_at: weakref.WeakKeyDictionary[events.Event, Any] = \
            weakref.WeakKeyDictionary()  # the screen each key in flight was typed at

    async def on_event(self, event: events.Event) -> None:
        """Keys typed in one burst belong, in order, to the screen they were typed at.

        Textual checks a key's bindings against the screen on top when the key comes back
        unused, not the screen it was typed at: `n` and a title typed in one go opened the
        new-item form, then `q` quit. A key that comes back after its screen gave way is
        typed again at the new one; keys (and pastes) that arrive while a screen is still
        being built (mounted, its focus not yet given), or while a question is prepared
        (hold_keys), are held, then handled in order once it has focused its field."""
        if isinstance(event, (events.Key, events.Paste)):
            if not event.is_forwarded:
                if self._held or self._holding or not self.screen.is_mounted or (
                        self.focused is None and not self._replaying):  # focus on its way
                    self._hold(event)
                    return
                self._typed_at[event] = self.screen
            elif self._holding or self._typed_at.get(event, self.screen) is not self.screen:
                again = (events.Key(event.key, event.character)
                         if isinstance(event, events.Key) else events.Paste(event.text))
                again.time = event.time
                self._hold(again)
                return
        await super().on_event(event)

    def _hold(self, event: events.Event) -> None:
        self._held.append(event)
        self._held.sort(key=lambda held: held.time)
        if len(self._held) == 1:
            self._release_when_mounted()

    def hold_keys(self) -> None:
        """Keys typed from now on wait, in order, until `release_keys`: for a question a
        worker prepares (undo's), so that the answer typed ahead reaches it."""
        self._holding = True

    def release_keys(self) -> None:
        """After the question is pushed (or was not asked): the held keys go to it."""
        self._holding = False
        if self._held:
            self._release_when_mounted()

    def _release_when_mounted(self) -> None:
        # The screen's queue runs its callbacks after its mount (whose focus() is queued on
        # the app first), so the held keys come after the focus.
        self.screen.call_later(self.call_later, self._release_held)

    async def _release_held(self) -> None:
        if self._holding:  # release_keys starts this again
            return
        if not self.screen.is_mounted:  # another screen was pushed meanwhile
            self._release_when_mounted()
            return
        held, self._held = self._held, []
        self._replaying = True  # a screen with nothing to focus gets its keys all the same
        try:
            for event in held:  # a key that opens another screen holds those after it again
                await self.on_event(event)
        finally:
            self._replaying = False

    def on_mount(self) -> None:
        self.push_screen(ListScreen(self.initial_query))
        self.load_plan()
        self.set_timer(POLL_SECONDS, self.poll_files)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up_writer(self) -> None:
        """Import what saving needs (GitPython, tomlkit: ~0.1 s) while the user reads,
        so the first ctrl+s does not pay for it. Started once the rows are shown: run
        beside the first read it would delay the rows by as much."""
        import_git()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_plan(self) -> None:
        early, self._early = self._early, None
        if early is not None and self.plan is None:
            plan, note, signature = early.take()
        else:
            plan, note, signature = read_plan(self.plan_dir, self.plan)
        if note:
            self.call_from_thread(self.notify, visible(note), severity="warning", timeout=10)
        if not get_current_worker().is_cancelled:
            self._signature = signature
            self.post_message(PlanLoaded(plan))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll_files(self) -> None:
        """Reload when a file changed on disk. The next poll waits at least ten times as
        long as this one took (100,000 files take 0.3 s to stat), so polling never costs
        more than a tenth of the time the UI has."""
        started = time.monotonic()
        try:
            plan = self.plan
            if self._signature is not None and plan is not None and plan.loaded:
                # plan.toml first, then git's FETCH_HEAD (outside_signature's order): a
                # fetch from another terminal changes only the ahead/behind count.
                now = outside_signature(self.plan_dir)
                if now[0] != self._signature[0] or \
                        files_state(self.plan_dir) != plan.snapshot.files_state():
                    self.call_from_thread(self.load_plan)
                elif now != self._signature:
                    self._signature = now
                    self.call_from_thread(self.refresh_team)
        finally:
            wait = max(POLL_SECONDS, 10 * (time.monotonic() - started))
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.call_from_thread(self.set_timer, wait, self.poll_files)

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        if self.plan is None:
            self.warm_up_writer()
        self.plan = message.plan
        self.forget_removed_watchers()
        for screen in self.screen_stack:
            screen.post_message(PlanReloaded(message.plan))
        self.refresh_team()

    @work(thread=True, exclusive=True, group="team", exit_on_error=False)
    def refresh_team(self) -> None:
        """After the rows are shown: a git process or two, never a fetch."""
        import_git()
        from tui.core.team.sync import team_status

        if self.plan is None:
            return
        try:
            status = team_status(self.plan)
        except AfiError:
            return  # not a git repository yet: nothing to show
        if not get_current_worker().is_cancelled:
            self.post_message(TeamChanged(status))

    def on_team_changed(self, message: TeamChanged) -> None:
        self.team = message.status
        for screen in self.screen_stack:
            screen.post_message(TeamReloaded(message.status))

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def sync_now(self) -> None:
        """Fetch, integrate, push (tui.core.team.sync); git's network time stays off the UI."""
        import_git()
        from tui.core.team.sync import sync

        if self.plan is None:
            return
        self.call_from_thread(self.notify, "Syncing with the shared repository…", timeout=3)
        try:
            result = sync(self.plan)
        except AfiError as err:
            self.call_from_thread(self.notify, f"Sync: {visible(err)}", severity="error",
                                  timeout=12)
        else:
            if result.stopped:
                self.call_from_thread(
                    self.notify, f"Sync stopped, {visible(result.summary)}. Pick a side for "
                    "each in the problems panel, then sync again (y).", severity="warning",
                    timeout=8)
            else:
                self.call_from_thread(self.notify, f"Synced: {visible(result.summary)}",
                                      timeout=5)
            for note in result.notes:
                self.call_from_thread(self.notify, visible(note), timeout=8)
        self.call_from_thread(self.load_plan)

    @work(thread=True, group="settle", exit_on_error=False)
    def settle_conflict(self, item_id: str, field_name: str, side: str) -> None:
        import_git()
        from tui.core.team.conflicts import load_all
        from tui.core.team.sync import settle

        if self.plan is None:
            return
        try:
            settle(self.plan, item_id, field_name, side)
            still_open = load_all(self.plan.repo().git_dir)
        except AfiError as err:
            self.call_from_thread(self.notify, visible(err), severity="error", timeout=10)
        else:
            then = "" if still_open else ": all settled, sync again (y) to finish"
            self.call_from_thread(self.notify, f"{visible(item_id)} {visible(field_name)}: "
                                  f"kept {side}{then}", timeout=8)
        self.call_from_thread(self.load_plan)

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry user text (ids, values, git's words): never markup, whatever
        the caller asks (Widget.notify passes markup=True by default)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def forget_removed_watchers(self) -> None:
        """Drop watchers that belong to widgets no longer on screen.

        Textual keeps the callbacks of `widget.watch(other, ...)` and `data_bind` on the
        watched object until the watched value next changes (Textualize/textual#6666,
        open): every TextArea watches the app's theme, and each Footer's keys watch the
        Footer, so every edit screen ever opened stayed in memory, about 0.5 MB a save.
        Pruned here, after each reload, on the app's thread."""
        for node in (self, *(n for screen in self.screen_stack
                             for n in screen.walk_children(with_self=True))):
            watchers = getattr(node, "__watchers", None)
            for entries in (watchers or {}).values():
                entries[:] = [(owner, callback) for owner, callback in entries
                              if owner is node or (owner.is_attached and not owner._closing)]

    def reload_now(self) -> None:
        """After our own commit: read the plan again without waiting for the poll."""
        self.load_plan()

    async def action_quit(self) -> None:
        """Quit, by any route (q, ctrl+c, ctrl+q, the palette); an unsaved edit asks first,
        as escape does."""
        from tui.app.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        if not any(getattr(screen, "is_dirty", lambda: False)() for screen in self.screen_stack):
            self.exit()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(ConfirmScreen("Quit and discard your unsaved changes?",
                                       yes="Discard and quit", no="Keep editing"), answer)

    def get_system_commands(self, screen):
        """Textual's own palette entries, in afi's words; its key panel is left out (`?`
        and "Keys and query help" show afi's)."""
        from textual.app import SystemCommand

        yield SystemCommand("Theme", "Change the colours; every theme keeps afi legible",
                            self.action_change_theme)
        yield SystemCommand("Quit", "Leave afi (q); asks first if an edit is unsaved",
                            self.action_quit)
        for command in super().get_system_commands(screen):
            if command.title not in ("Theme", "Quit", "Keys"):
                yield command

    def action_help(self) -> None:
        from tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


if TYPE_CHECKING:
    class LoadedApp(AfiApp):
        """AfiApp as a screen opened from the list sees it: the plan has been read (an
        item's screens open on a listed item; the list opens the others only once the
        plan is read)."""

        plan: Plan
