"""The core: model, validation, TOML store, git layer, query language. No Textual here.

Scripts start from `Plan` (see README, "Scripting"):

    from tui.core import Plan
    plan = Plan.open("plan")
    with plan.change("Move Q3 items to Q4") as change:
        for item in plan.query("group:demand is:open"):
            change.set(item.id, "due", "2025-12-31", reason="re-planned at the board")
"""

from tui.core.errors import (
    AfiError,
    ConflictError,
    GitError,
    InvalidItem,
    InvalidValue,
    NotFound,
    QueryError,
    ReasonRequired,
    SignOffRequired,
    UncommittedEdits,
)
from tui.core.model.items import Item, PlanConfig, due_state, today
from tui.core.plan import Plan

# The floors of the core, lowest first. A module imports only from its own package or a
# lower floor (imports under `if TYPE_CHECKING:` are for types only); modules of one
# package import each other without a cycle. tests/test_architecture.py enforces both.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("tui.core.errors", "tui.core.safe_text", "tui.core.progress"),
    ("tui.core.model",),
    ("tui.core.store",),
    ("tui.core.git",),
    ("tui.core.write",),
    ("tui.core.pack", "tui.core.team", "tui.core.imports"),
    ("tui.core.plan", "tui.core.check", "tui.core.init", "tui.core.scripting"),
    ("tui.cli", "tui.app"),
)

__all__ = ["AfiError", "ConflictError", "GitError", "InvalidItem", "InvalidValue", "Item",
           "NotFound", "Plan", "PlanConfig", "QueryError", "ReasonRequired", "SignOffRequired",
           "UncommittedEdits", "due_state", "today"]
