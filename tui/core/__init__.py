"""The core: model, validation, TOML store, git layer, query language. No Textual here.

Scripts start from `Plan` (see README, "Scripting"):

    from tui.core import Plan
    plan = Plan.open("plan")
    with plan.change("Move Q3 items to Q4") as change:
        for item in plan.query("group:demand is:open"):
            change.set(item.id, "due", "2025-12-31")
"""

from tui.core.errors import AfiError, ConflictError, GitError, InvalidItem, NotFound, QueryError
from tui.core.model.items import Item, PlanConfig, due_state, today
from tui.core.plan import Plan

__all__ = ["AfiError", "ConflictError", "GitError", "InvalidItem", "Item", "NotFound", "Plan",
           "PlanConfig", "QueryError", "due_state", "today"]
