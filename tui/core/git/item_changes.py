"""What one commit changed in one item file, field by field: the records the history
index keeps (CommitInfo, PathChange) and how they are made from the two versions of a
file."""

from __future__ import annotations

from datetime import date

from tui.core.model.record import Record
from tui.core.model.schema import ITEM_FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from typing import Any

    from tui.core.git.commits import FileChange

TRACKED = tuple(f.key for f in ITEM_FIELDS if f.followed)  # kept per change (schema.py)
UNPARSEABLE = "unparseable"

# Records of the index (Record: collections' named tuples at run time, so `typing` is not
# imported to read it).
class CommitInfo(Record):
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # ISO 8601, as git gives it
    subject: str
    body: str


class PathChange(Record):
    """One item file's change in one commit. path: relative to the repository root;
    old_path: where it was, when git saw a rename; fields: the changed top-level keys, or
    ("created",) / ("deleted",); values: (key, old, new) for TRACKED keys that changed;
    updates: progress updates added, as (date, by, text); evidence: titles of evidence
    added; status: the status after the commit (None: deleted or unreadable)."""

    path: str
    old_path: str | None
    fields: tuple[str, ...]
    values: tuple[tuple[str, Any, Any], ...]
    updates: tuple[tuple[Any, str, str], ...]
    evidence: tuple[str, ...]
    status: str | None

    @property
    def item_id(self) -> str:
        return self.path.rpartition("/")[2].removesuffix(".toml")


def parse_blob(raw: bytes | None) -> Any:
    """A file's data as git holds it; UNPARSEABLE when it is missing or not TOML."""
    from tui.core.store import toml_read

    if raw is None:
        return UNPARSEABLE
    try:
        return toml_read.loads(raw.decode("utf-8"))
    except (toml_read.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return UNPARSEABLE


def path_change(file: FileChange, old: Any, new: Any) -> PathChange:
    if UNPARSEABLE in (old, new):
        return PathChange(file.path, file.old_path, (UNPARSEABLE,), (), (), (),
                          new.get("status") if isinstance(new, dict) else None)
    fields = changed_fields(old, new)
    before, after = old or {}, new or {}
    values = tuple((key, _fact(before.get(key)), _fact(after.get(key))) for key in TRACKED
                   if new is not None and before.get(key) != after.get(key))
    status = after.get("status") if new is not None else None
    return PathChange(file.path, file.old_path, fields, values,
                      tuple(_update(u) for u in _added(before, after, "updates")),
                      tuple(str(e.get("title", "")) for e in _added(before, after, "evidence")),
                      status if isinstance(status, str) else None)


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[str, ...]:
    """Top-level keys whose value differs, in the new file's order then removed ones."""
    if old is None and new is None:
        return ()
    if old is None:
        return ("created",)
    if new is None:
        return ("deleted",)
    keys = list(new) + [k for k in old if k not in new]
    return tuple(k for k in keys if old.get(k) != new.get(k))


def _added(old: dict[str, Any], new: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Entries of an append-only log in `new` but not in `old`."""
    was, now = old.get(key), new.get(key)
    before = was if isinstance(was, list) else []
    after = now if isinstance(now, list) else []
    return [e for e in after if isinstance(e, dict) and e not in before]


def _update(entry: dict[str, Any]) -> tuple[date | None, str, str]:
    when = entry.get("date")
    return (when if isinstance(when, date) else None, str(entry.get("by", "")),
            str(entry.get("text", "")))


def _fact(value: Any) -> Any:
    """As the index keeps it: a closure (approved_by, board, date), actions ((text, done),)."""
    if isinstance(value, dict):
        return (value.get("approved_by"), value.get("board"), value.get("date"))
    return tuple((str(a.get("text", "")), a.get("done") is True) for a in value
                 if isinstance(a, dict)) if isinstance(value, list) else value
