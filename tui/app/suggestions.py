"""Values already used in the plan, offered as suggestions while typing (SuggestFromList).

Owners and leads are index fields (cheap to gather on the app's thread); names inside
closures and evidence need every item's full data, so gather those in a thread worker.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.core.plan import Plan
from tui.core.safe_text import has_controls, hidden_character


def distinct(values: Iterable[object]) -> list[str]:
    """Non-empty strings, once each, sorted ignoring case. A value holding a control or
    hidden character (a hand edit's) is left out: a text box shows a suggestion as it is,
    and saving would refuse it."""
    found = {v.strip() for v in values if isinstance(v, str) and v.strip()
             and not has_controls(v) and not hidden_character(v)}
    return sorted(found, key=str.casefold)


def owners(plan: Plan) -> list[str]:
    return distinct(item.get("owner") for item in plan.items)


def leads(plan: Plan) -> list[str]:
    return distinct(item.get("lead") for item in plan.items)


def people(plan: Plan) -> list[str]:
    """Anyone named as an owner or a lead: who an action may belong to."""
    return distinct([*owners(plan), *leads(plan)])


def closure_names(plan: Plan) -> tuple[list[str], list[str]]:
    """(who has signed items off, at which boards): reads every item (use a worker)."""
    closures = [c for item in plan.items
                if isinstance(c := item.data.get("closure"), dict)]
    return (distinct(c.get("approved_by") for c in closures),
            distinct(c.get("board") for c in closures))


def evidence_locations(plan: Plan) -> list[str]:
    """Where evidence is kept: reads every item (use a worker)."""
    return distinct(e.get("location") for item in plan.items
                    for e in item.data.get("evidence", []) if isinstance(e, dict))
