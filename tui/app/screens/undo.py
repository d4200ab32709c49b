"""`u`: take back your last afi commit (tui.core.write.undo), after saying which one and asking.

Both steps run git, so both run in thread workers; the question and the outcome come
back to the app's thread. A refusal (a later commit changed the same field, nothing to
undo) is a notification that says why; nothing is written then.
"""

from __future__ import annotations

import contextlib

from textual import work
from textual.widget import Widget

from tui.app.saving import save_in_worker
from tui.app.screens.confirm import ConfirmScreen
from tui.app.threads import import_git
from tui.core.errors import AfiError
from tui.core.plan import Plan
from tui.core.safe_text import visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import AfiApp


class UndoFlow(Widget):
    """Invisible: owns the workers of one undo (a worker belongs to a DOM node)."""
    if TYPE_CHECKING:
        app: AfiApp


    DEFAULT_CSS = "UndoFlow { display: none; }"

    def start(self) -> None:
        self.app.notify("Looking for your last change…", timeout=2)
        self.app.hold_keys()  # `u` then `y`: the y answers the question, never syncs
        self.prepare()

    @work(thread=True, exclusive=True, group="undo", exit_on_error=False)
    def prepare(self) -> None:
        import_git()
        from tui.core.write.undo import prepare_undo

        try:
            found = prepare_undo(Plan(self.app.plan_dir))
            self.app.call_from_thread(self.ask, found.target.short, found.target.subject)
        except AfiError as err:
            self.app.call_from_thread(self.app.notify, f"Cannot undo: {visible(err)}",
                                      severity="warning", timeout=12)
        finally:  # whatever happens, the keys typed meanwhile are handled (after the ask)
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(self.app.release_keys)

    def ask(self, short: str, subject: str) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.commit()

        self.app.push_screen(ConfirmScreen(
            f"Undo your last change, [{short}] {subject}? A new commit takes it back; the "
            "history keeps both.", yes="Undo", no="Keep it"), answer)

    def commit(self) -> None:
        def run():  # in the worker: undo runs git
            from tui.core.write.undo import undo

            _, commit, warnings = undo(Plan(self.app.plan_dir))
            return commit, warnings

        save_in_worker(self, run, self.undone, self.not_undone, group="undo")

    def undone(self, commit) -> None:
        self.app.notify(f"[{commit.short}] {visible(commit.subject)}", timeout=6)
        self.app.reload_now()

    def not_undone(self, err: AfiError) -> None:
        self.app.notify(f"Not undone: {visible(err)}", severity="error", timeout=12)
