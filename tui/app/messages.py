"""Messages the app sends its screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.core.plan import Plan
    from tui.core.team.sync import TeamStatus


class PlanReloaded(Message, bubble=False):
    """The plan was read again (at start, after a save, after a change on disk): a screen
    that shows it handles this (`on_plan_reloaded`) and redraws from `plan`."""

    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan


class TeamReloaded(Message, bubble=False):
    """Ahead/behind the shared repository and open conflicts, counted again: a screen
    that shows them handles this (`on_team_reloaded`). Posted after the PlanReloaded of
    the same read, so a screen sees the plan first."""

    def __init__(self, status: TeamStatus):
        super().__init__()
        self.status = status
