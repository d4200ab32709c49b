"""Entry points shared by the command line and the tests (one app factory for both)."""

from __future__ import annotations

from pathlib import Path


def create_app(plan_dir: Path, query: str = ""):
    """The app over a plan folder, not yet running (tests drive it with `run_test`).
    The plan is being read, in a thread, while Textual is imported."""
    from tui.app.reading import EarlyRead

    early = EarlyRead(plan_dir)
    from tui.app.app import AfiApp

    return AfiApp(plan_dir, initial_query=query, early=early)


def run_app(plan_dir: Path, query: str = "") -> int:
    import gc

    gc.enable()  # the `afi` command turns it off for short commands; the UI runs for hours
    app = create_app(plan_dir, query)
    app.run()
    return app.return_code or 0
