"""Progress of long work, reported by the core and drawn by whoever called it.

The core never draws anything: a long loop takes a `Progress` and calls `start`, `advance`
and `finish`. The default, `NO_PROGRESS`, does nothing and costs one method call per step,
so the fast path pays nothing worth measuring. The command line hands in a bar on standard
error when that is a terminal (`tui.cli.progress`); the UI and scripts may hand in their
own.
"""

from __future__ import annotations


class Progress:
    """Does nothing: the base of every progress reporter and the default."""

    __slots__ = ()

    def start(self, what: str, total: int | None) -> None:
        """A stage begins: `what` says what is being done ("Reading items"), `total` how
        many steps it has, or None when that is not known."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current stage are done."""

    def finish(self) -> None:
        """The current stage is over (finished, failed or abandoned)."""


NO_PROGRESS = Progress()
