"""What an import would change in an item the plan already has (`--update`).

`merge_into` compares what the source says with the item as the plan holds it and keeps,
on the planned item, only what would change it:

- a field the item leaves empty is filled;
- a field both give, differently, is listed as a difference and left alone, unless
  `overwrite` (`--overwrite`) replaces it; only fields the source gives count (a status or
  kind the reader assumed is not the source's word);
- the status the plan gives every new item (its first status, `not-started`) counts as not
  yet set: the source's status replaces it;
- actions are added unless the item has one with the same text; progress updates and
  evidence unless it has one with the same text and date (an undated one is the same as a
  dated one with the same text).

So importing the same source twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.imports.apply import PlannedItem
    from tui.core.model.items import Item, PlanConfig

EMPTY: tuple[Any, ...] = (None, "", [])
NEVER_REPLACED = frozenset({"id", "inspection"})


def merge_into(planned: PlannedItem, item: Item, config: PlanConfig, overwrite: bool) -> None:
    """Reduce `planned` (matched to `item`) to what would change `item`; see above."""
    data = item.data
    fields: dict[str, Any] = {}
    for key, new in planned.fields.items():
        if key in NEVER_REPLACED or new in EMPTY or key not in planned.given:
            continue
        old = data.get(key)
        if old in EMPTY:
            fields[key] = new
        elif _same(old, new):
            continue
        elif key == "status" and old == config.statuses[0]:
            fields[key] = new
            planned.replace.add(key)
            planned.notes.append(f"status {old} (the plan's starting status) becomes {new}")
        else:
            shown_old, shown_new = _show_pair(old, new)
            planned.differences.append(f"{key}: the plan has {shown_old}, the source "
                                       f"{shown_new}" + (": replaced" if overwrite else
                                                          ": kept (--overwrite replaces it)"))
            if overwrite:
                fields[key] = new
                planned.replace.add(key)
    planned.fields = fields
    texts = {str(a.get("text")) for a in data.get("actions", []) if isinstance(a, dict)}
    planned.actions = [a for a in planned.actions if str(a.get("text")) not in texts]
    planned.updates = [u for u in planned.updates
                       if not logged(data.get("updates", []), u.get("date"), u.get("text"))]
    planned.evidence = [e for e in planned.evidence
                        if not logged(data.get("evidence", []), e.get("date"), e.get("title"),
                                      "title")]
    if planned.closure and data.get("closure"):
        planned.closure = None


def logged(entries: list[Any], when: date | None, text: Any, key: str = "text") -> bool:
    """Whether `entries` hold one with this text and date (no date on either side: the
    text alone)."""
    for entry in entries:
        if isinstance(entry, dict) and str(entry.get(key)) == str(text) and (
                entry.get("date") == when or None in (entry.get("date"), when)):
            return True
    return False


def changes(planned: PlannedItem) -> bool:
    """Whether the planned item would change its item."""
    return bool(planned.fields or planned.actions or planned.updates or planned.evidence
                or planned.closure)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return " ".join(old.split()) == " ".join(new.split())
    if isinstance(old, list | tuple) and isinstance(new, list | tuple):
        return list(old) == list(new)
    return bool(old == new)


def _show_pair(old: Any, new: Any) -> tuple[str, str]:
    """Two values as `_show` gives them, but long texts that begin alike are shown from a
    little before where they part, so the difference is visible."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > 60:
        start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                     min(len(old), len(new)))
        if start > 40:
            return (repr("..." + old[start - 20:start + 37]),
                    repr("..." + new[start - 20:start + 37]))
    return _show(old), _show(new)


def _show(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")
