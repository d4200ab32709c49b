"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.core.errors import Problem
from tui.core.safe_text import visible, visible_lines


def plain(text: object) -> Content:
    """User text as Content, never parsed as markup: `[red]` shows as `[red]`."""
    return Content(visible(text))


def multiline(text: object) -> Content:
    """Like `plain` but keeping line breaks (detail, progress notes)."""
    return Content(visible_lines(text))


class ProblemsPanel(VerticalScroll):
    """Files that failed validation: file, line, message. Never fatal."""

    def show_problems(self, problems: list[Problem], plan_dir: Path) -> None:
        self.remove_children()
        if not problems:
            self.add_class("hidden")
            return
        heading = Static(Content.assemble((f"⚠ {len(problems)} problem(s): these files are "
                                           "not listed until fixed (p hides this)", "bold")))
        lines = [Static(Text(visible(p.render(plan_dir)), style="#f7768e"))
                 for p in problems[:200]]
        self.mount(heading, *lines)
