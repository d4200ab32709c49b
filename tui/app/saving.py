"""One way for every screen and dialog to save: the commit (and any git it needs) in a
thread worker, the outcome back on the app's thread, the commit's warnings shown, the
plan read again (screens hear of it from tui.app.messages.PlanReloaded); and the UI's own
wording of the core's typed errors.

`commit_in_worker(screen, build, saved, failed)`: `build()` runs in the worker and
returns the Change to commit (building a change may read git's config, for who wrote a
progress update), so nothing of git runs on the app's thread. `screen.saving` is True
from the call until `saved(sha)` or `failed(err)` runs, on the app's thread.
`save_in_worker` is the same for a write that is not a Change (undo).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tui.app.threads import import_git
from tui.core.errors import AfiError, InvalidItem, ReasonRequired, SignOffRequired
from tui.core.safe_text import visible
from tui.core.write.change import Change

T = TypeVar("T")


def save_in_worker(node: Any, run: Callable[[], tuple[T, list[str]]],
                   saved: Callable[[T], None], failed: Callable[[AfiError], None],
                   group: str = "save") -> None:
    """`run()` (a write: its result and its warnings) in a thread worker of `node`; on the
    app's thread, the warnings shown then `saved(result)`, or `failed(err)`. `node.saving`
    is True until then."""
    node.saving = True

    def finish(result: Any, warnings: list[str], error: AfiError | None) -> None:
        node.saving = False
        if error is not None:
            failed(error)
            return
        for warning in warnings:
            node.app.notify(visible(warning), severity="warning", timeout=6)
        saved(result)

    def work() -> None:
        import_git()
        try:
            result, warnings = run()
        except AfiError as err:
            node.app.call_from_thread(finish, None, [], err)
        else:
            node.app.call_from_thread(finish, result, list(warnings), None)

    node.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False)


def commit_in_worker(node: Any, build: Callable[[], Change],
                     saved: Callable[[str | None], None],
                     failed: Callable[[AfiError], None], group: str = "save") -> None:
    """Build a change and commit it in a thread worker (save_in_worker): `saved(sha)`,
    sha None when the edits changed nothing."""

    def run() -> tuple[str | None, list[str]]:
        change = build()
        sha = change.commit()
        return sha, change.warnings

    save_in_worker(node, run, saved, failed, group)


def describe(err: AfiError) -> str:
    """An error worded for the UI: a reason or a sign-off is asked for in the form's own
    terms; an invalid item lists its problems; anything else as the core says it."""
    if isinstance(err, ReasonRequired):
        return f"{err.situation} needs a reason: say why in this field (kept as a progress " \
               "update)"
    if isinstance(err, SignOffRequired):
        return (f"'{err.closed_status}' needs its sign-off (who, which board, when): save "
                "your other changes, then press c to sign it off")
    if isinstance(err, InvalidItem):
        return "; ".join(p.message for p in err.problems)
    return str(err)
