"""`python -m tui` is `afi`."""

from tui.cli.entry import run

run()
