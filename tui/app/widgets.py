"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.core.errors import Problem

from .rows import one_line


def plain(text: object) -> Content:
    """User text as Content, never parsed as markup: `[red]` shows as `[red]`."""
    return Content(one_line(text))


def multiline(text: object) -> Content:
    """Like `plain` but keeping line breaks (detail, progress notes)."""
    lines = str(text).replace("\r\n", "\n").split("\n")
    return Content("\n".join(one_line(line) for line in lines))


class ProblemsPanel(VerticalScroll):
    """Files that failed validation: file, line, message. Never fatal."""

    def show_problems(self, problems: list[Problem], plan_dir: Path) -> None:
        self.remove_children()
        if not problems:
            self.add_class("hidden")
            return
        heading = Static(Content.assemble((f"⚠ {len(problems)} problem(s): these files are "
                                           "not listed until fixed (p hides this)", "bold")))
        lines = [Static(Text(one_line(p.render(plan_dir)), style="#f7768e"))
                 for p in problems[:200]]
        self.mount(heading, *lines)
