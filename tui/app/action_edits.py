"""An item's actions as the edit screen holds them, and the `Change` calls that make the
file say the same.

The user ticks, edits, adds, removes and reorders freely; saving turns the difference
between the actions as read and as left into calls, in an order where each call's index
refers to the list as the calls before it left it: removals (last first), then edits and
ticks, then additions at the end, then moves into the final order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)  # compared by identity: two actions may say the same
class ActionDraft:
    text: str
    done: bool = False
    owner: str = ""
    due: str = ""                # YYYY-MM-DD, or "" for none
    origin: int | None = None    # its index in the file as read; None: added here
    removed: bool = False

    @classmethod
    def from_file(cls, index: int, action: dict[str, Any]) -> ActionDraft:
        due = action.get("due")
        return cls(text=str(action.get("text", "")), done=bool(action.get("done", False)),
                   owner=str(action.get("owner") or ""),
                   due=due.isoformat() if hasattr(due, "isoformat")  # type: ignore[union-attr]
                   else str(due or ""),
                   origin=index)

    def copy(self) -> ActionDraft:
        return ActionDraft(self.text, self.done, self.owner, self.due, self.origin,
                           self.removed)

    def same_as(self, other: ActionDraft) -> bool:
        return (self.text.strip(), self.done, self.owner.strip(), self.due.strip()) == \
            (other.text.strip(), other.done, other.owner.strip(), other.due.strip())


@dataclass(frozen=True)
class Call:
    """One `Change` method call on the item: `getattr(change, name)(item_id, *args,
    **kwargs)`."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def apply(self, change: Any, item_id: str) -> None:
        getattr(change, self.name)(item_id, *self.args, **self.kwargs)


def action_calls(originals: Sequence[ActionDraft], drafts: Sequence[ActionDraft]) -> list[Call]:
    """The calls that turn `originals` (the file's actions, in order) into `drafts` (the
    edited list: originals by their `origin`, new ones with none; `removed` ones go)."""
    calls: list[Call] = []
    final = [d for d in drafts if not d.removed]
    kept = {d.origin for d in final if d.origin is not None}
    position = list(range(len(originals)))  # the file's actions, by origin, as calls go
    for origin in reversed(range(len(originals))):
        if origin not in kept:
            calls.append(Call("remove_action", (position.index(origin),)))
            position.remove(origin)
    by_origin = {d.origin: d for d in final if d.origin is not None}
    order = [by_origin[origin] for origin in position]
    for n, draft in enumerate(order):
        assert draft.origin is not None  # `order` holds only drafts of existing actions
        before = originals[draft.origin]
        changes: dict[str, Any] = {}
        if draft.text.strip() != before.text.strip():
            changes["text"] = draft.text.strip()
        if draft.owner.strip() != before.owner.strip():
            changes["owner"] = draft.owner.strip()
        if draft.due.strip() != before.due.strip():
            changes["due"] = draft.due.strip()
        if changes:
            calls.append(Call("edit_action", (n,), changes))
        if draft.done != before.done:
            calls.append(Call("set_action_done", (n,), {"done": draft.done}))
    for draft in final:
        if draft.origin is None:
            calls.append(Call("add_action", (draft.text.strip(),),
                              {"due": draft.due.strip() or None,
                               "owner": draft.owner.strip() or None}))
            order.append(draft)
            if draft.done:
                calls.append(Call("set_action_done", (len(order) - 1,), {"done": True}))
    for target, draft in enumerate(final):
        at = next(n for n, d in enumerate(order) if d is draft)
        if at != target:
            calls.append(Call("move_action", (at, target)))
            order.insert(target, order.pop(at))
    return calls


def changed(originals: Sequence[ActionDraft], drafts: Sequence[ActionDraft]) -> bool:
    """Whether saving would change anything."""
    final = [d for d in drafts if not d.removed]
    return len(final) != len(originals) or any(
        d.origin != n or not d.same_as(originals[n]) for n, d in enumerate(final))
