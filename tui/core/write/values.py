"""Values given to a change, checked (dates, whole numbers, one-line and multi-line
text), and the small edits of an item's document the change's operations share."""

from __future__ import annotations

from datetime import date

from tui.core.errors import ConflictError, InvalidValue
from tui.core.model.items import today
from tui.core.safe_text import has_controls, not_utf8
from tui.core.store.tomledit import ItemDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def parse_date(value: Any, what: str = "date") -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"{what}: '{text}' is not a date: use YYYY-MM-DD, e.g. 2025-03-31",
                           field=what, value=text) from None


def open_actions(data: dict[str, Any]) -> tuple[int, int]:
    """(actions not done, all actions) of an item's data."""
    actions = data.get("actions")
    actions = actions if isinstance(actions, list) else []
    return sum(1 for a in actions if isinstance(a, dict) and not a.get("done")), len(actions)


def not_in_future(day: date | None, what: str) -> date | None:
    """A sign-off, progress update or evidence records what has happened: a day after
    today (`AFI_TODAY` pins it) is refused."""
    if day is not None and day > today():
        raise InvalidValue(f"{what} {day} is in the future (today is {today()}): record it "
                           "on the day it happens or after")
    return day


def whole_number(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{what} must be a whole number, not {value!r}") from None
    if not 0 <= number < 2**63:
        raise InvalidValue(f"{what} {number} is out of range")
    return number


def one_line(value: Any, what: str, field: str | None = None) -> str:
    """`what`: the field, or the argument ("by") that Python names `by=` and the command
    line `--by`; `field`: the field it fills, when that has another name."""
    text = str(value).strip()
    refuse_not_utf8(text, what, field or what, value)
    if has_controls(text):
        said = "must be one line of text without control characters"
        if what in _ARGUMENTS:
            raise InvalidValue(f"{what}= {said}", field=field or what, value=value,
                               cli_message=f"--{what} {said}")
        raise InvalidValue(f"{what} {said}", field=field or what, value=value)
    return text


def refuse_not_utf8(text: str, what: str, field: str, value: Any) -> None:
    if not_utf8(text):
        said = ("is not UTF-8 text (set the terminal to UTF-8, or type it again)")
        raise InvalidValue(f"{what} {said}", field=field, value=value,
                           cli_message=f"--{what} {said}" if what in _ARGUMENTS else None)


_ARGUMENTS = ("by",)  # named for what they hold elsewhere: by= in Python, --by in the CLI


def checked_text(value: Any, what: str) -> str:
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        raise InvalidValue(f"{what} text cannot be empty", field=what, value=value)
    refuse_not_utf8(text, what, what, value)
    if has_controls(text, lines=True):
        raise InvalidValue(f"{what} must not contain control characters", field=what,
                           value=value)
    return text


# How the progress updates afi writes to record a reason begin: the board pack reads them
# back by these (tui.core.pack.build), to show each with the change it explains.
DUE_SET, DUE_REMOVED, DUE_MOVED, REOPENED = ("Due date set to ", "Due date removed ",
                                             "Due date moved from ", "Reopened (")
REASON_PREFIXES = (DUE_MOVED, DUE_SET, DUE_REMOVED, REOPENED)


def due_move(old: date | None, new: date | None, reason: str) -> str:
    if old is None:
        return f"{DUE_SET}{new}: {reason}"
    if new is None:
        return f"{DUE_REMOVED}(was {old}): {reason}"
    return f"{DUE_MOVED}{old} to {new}: {reason}"


def log_update(document: ItemDocument, by: str, text: str) -> None:
    """A progress update recording why something changed."""
    document.append_table("updates", {"date": today(), "by": by, "text": text})


def find_action(document: ItemDocument, index: int, text: str, item_id: str) -> int:
    """Where the action the caller meant is now: at `index` if it still has its text,
    else the one action with that text; if it is gone or ambiguous, refuse."""
    actions = document.data().get("actions", [])
    if index < len(actions) and actions[index].get("text") == text:
        return index
    matches = [n for n, a in enumerate(actions) if a.get("text") == text]
    if len(matches) == 1:
        return matches[0]
    raise ConflictError(f"{item_id}: action {index + 1} ({text[:40]!r}) changed meanwhile "
                        "(another writer?): nothing was written; look at the item again")
