"""The Textual terminal UI: a thin layer of screens and widgets over `tui.core`."""
