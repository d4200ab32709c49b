"""`python -m tui` is `afi`."""

from tui.cli.main import run

run()
