"""What a board asks about an open item beyond its dates: is its progress update stale,
has its owner said how it is going. One set of rules for the pack and the chase lists.

- stale: an open item whose newest progress update is older than plan.toml's
  `stale_after_days` (default 60), or that has none;
- unassessed: an open item whose owner has not assessed it (`afi assess`) within the
  same number of days.
"""

from __future__ import annotations

from datetime import date, timedelta

from tui.core.model.items import Item, PlanConfig, latest_assessment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def latest_update(item: Item) -> dict[str, Any] | None:
    """The newest progress update (the latest date; of one day's, the last written)."""
    entries = [(u.get("date") if isinstance(u.get("date"), date) else date.min, n, u)
               for n, u in enumerate(item.get("updates") or ()) if isinstance(u, dict)]
    return max(entries, key=lambda e: e[:2])[2] if entries else None


def _dated(entry: dict[str, Any] | None) -> date | None:
    value = entry.get("date") if entry else None
    return value if isinstance(value, date) else None


def stale_days(item: Item, config: PlanConfig, on: date) -> int | None:
    """For a stale open item, the days since its last update (-1: never updated); None
    when it is not stale."""
    if config.is_done(item.status):
        return None
    last = _dated(latest_update(item))
    if last is None:
        return -1
    days = (on - last).days
    return days if days > config.stale_after_days else None


def is_unassessed(item: Item, config: PlanConfig, on: date) -> bool:
    if config.is_done(item.status):
        return False
    last = _dated(latest_assessment(item))
    return last is None or last < on - timedelta(days=config.stale_after_days)


def stale_text(days: int) -> str:
    return "never updated" if days < 0 else f"no update for {days} days"
