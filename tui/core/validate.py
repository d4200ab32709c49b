"""The rules for one item file and for plan.toml (docs/format.md, sections 2 and 3).

Validators return `(key path, message)` pairs; the store turns them into `Problem`s
with line numbers (see `locate.py`) only when there are any.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .model import (
    COLOUR_NAMES,
    DEFAULT_DONE_STATUSES,
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_STATUSES,
    GRADE_SCALES,
    ID_RE,
    KINDS,
    Area,
    Inspection,
    PlanConfig,
)

KeyPath = tuple[str | int, ...]
Found = list[tuple[KeyPath, str]]

MAX_DEPTH = 16  # items nest 3 deep ([[actions]] -> key); the rest is headroom
MAX_DUE_SOON_DAYS = 3650

REQUIRED = ("id", "kind", "inspection", "area", "title", "status")
STRING_KEYS = ("id", "kind", "inspection", "area", "title", "detail", "status", "owner", "lead",
               "group")
# Sub-table schemas: key -> (type check, type name, required)
ACTION_KEYS = {"text": (str, "a string", True), "done": (bool, "true or false", False),
               "due": (date, "a date", False)}
UPDATE_KEYS = {"date": (date, "a date", True), "by": (str, "a string", False),
               "text": (str, "a string", True)}
EVIDENCE_KEYS = {"title": (str, "a string", True), "location": (str, "a string", False),
                 "date": (date, "a date", False)}
CLOSURE_KEYS = {"approved_by": (str, "a string", False), "board": (str, "a string", False),
                "date": (date, "a date", False)}


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, datetime):
        return "a date-time"
    return {str: "a string", int: "an integer", float: "a number", date: "a date",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


def is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _check_type(value: Any, expected: type) -> bool:
    if expected is date:
        return is_date(value)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _check_table(found: Found, where: KeyPath, table: Any, schema: dict, what: str) -> None:
    if not isinstance(table, dict):
        found.append((where, f"{what} must be a table, not {type_name(table)}"))
        return
    for key, (expected, name, required) in schema.items():
        if key not in table:
            if required:
                found.append((where, f"{what} is missing required key '{key}'"))
        elif not _check_type(table[key], expected):
            found.append((where + (key,),
                          f"{what}: '{key}' must be {name}, not {type_name(table[key])}"))


def _check_array_of_tables(found: Found, data: dict, key: str, schema: dict, what: str) -> None:
    if key not in data:
        return
    value = data[key]
    if not isinstance(value, list):
        found.append(((key,), f"'{key}' must be an array of tables ([[{key}]]), "
                               f"not {type_name(value)}"))
        return
    for n, entry in enumerate(value):
        _check_table(found, (key, n), entry, schema, f"{what} {n + 1}")


def check_item(data: dict[str, Any], file_stem: str, config: PlanConfig,
               check_inspection: bool = True) -> Found:
    """Every single-file rule of docs/format.md §3. Cross-file rules (duplicate ids) live
    in the store.

    `check_inspection` is off when plan.toml itself is unreadable, so its own error is
    reported once instead of as an unknown inspection in every item.
    """
    found: Found = []
    for key in REQUIRED:
        if key not in data:
            found.append(((), f"missing required key '{key}'"))
    for key in STRING_KEYS:
        if key in data and not isinstance(data[key], str):
            found.append(((key,), f"'{key}' must be a string, not {type_name(data[key])}"))
        elif key in REQUIRED and key in data and not data[key].strip():
            found.append(((key,), f"'{key}' must not be empty"))

    item_id = data.get("id")
    if isinstance(item_id, str):
        if not ID_RE.match(item_id):
            found.append((("id",), f"id {item_id!r} is not valid: use letters, digits, '.', '_' "
                                   "or '-', starting with a letter or digit, at most 64"))
        elif item_id != file_stem:
            found.append((("id",), f"id '{item_id}' does not match the file name "
                                   f"'{file_stem}.toml': rename the file or fix the id"))

    kind = data.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        found.append((("kind",), f"unknown kind '{kind}' (use one of: {', '.join(KINDS)})"))

    status = data.get("status")
    if isinstance(status, str) and status not in config.statuses:
        found.append((("status",), f"unknown status '{status}' "
                                   f"(use one of: {', '.join(config.statuses)})"))
    inspection = data.get("inspection")
    known = config.inspection_ids()
    if check_inspection and isinstance(inspection, str) and inspection not in known:
        hint = ", ".join(sorted(known)) or "none listed: add [[inspections]] to plan.toml"
        found.append((("inspection",), f"unknown inspection '{inspection}' ({hint})"))

    if "number" in data and not _check_type(data["number"], int):
        found.append((("number",), f"'number' must be an integer, not {type_name(data['number'])}"))
    elif "number" in data and data["number"] < 0:
        found.append((("number",), "'number' must not be negative"))
    if "due" in data and not is_date(data["due"]):
        found.append((("due",), f"'due' must be a date like 2025-03-31 (unquoted), "
                                f"not {type_name(data['due'])}"))
    for key in ("links", "tags"):
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            found.append(((key,), f"'{key}' must be an array of strings"))
        elif key == "links":
            for v in value:
                if not ID_RE.match(v):
                    found.append(((key,), f"link {v!r} is not a valid item id"))

    _check_array_of_tables(found, data, "actions", ACTION_KEYS, "action")
    _check_array_of_tables(found, data, "updates", UPDATE_KEYS, "update")
    _check_array_of_tables(found, data, "evidence", EVIDENCE_KEYS, "evidence")
    if "closure" in data:
        _check_table(found, ("closure",), data["closure"], CLOSURE_KEYS, "closure")
    return found


def _str_list(found: Found, raw: dict, key: str) -> tuple[str, ...] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        found.append(((key,), f"'{key}' must be a non-empty array of strings"))
        return None
    if len(set(value)) != len(value):
        found.append(((key,), f"'{key}' lists a value twice"))
    return tuple(value)


def _tables(found: Found, raw: dict, key: str) -> list[tuple[int, dict]]:
    """The entries of an array of tables ([[key]]), each a (position, table); anything
    else is a problem, never an exception."""
    value = raw.get(key, [])
    if not isinstance(value, list):
        found.append(((key,), f"'{key}' must be an array of tables ([[{key}]]), "
                               f"not {type_name(value)}"))
        return []
    tables = []
    for n, entry in enumerate(value):
        if isinstance(entry, dict):
            tables.append((n, entry))
        else:
            found.append(((key, n), f"{key} {n + 1} must be a table, not {type_name(entry)}"))
    return tables


def _optional_str(found: Found, where: KeyPath, table: dict, key: str, what: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        found.append((where + (key,), f"{what}: '{key}' must be a string, not "
                                      f"{type_name(value)}"))
        return ""
    return value


def check_plan(raw: dict[str, Any]) -> tuple[PlanConfig, Found]:
    """Validate plan.toml's content and build a PlanConfig from what is usable. Every
    value is type-checked before use: a wrong type is a problem, never a crash."""
    found: Found = []
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        found.append(((("title",) if "title" in raw else ()),
                      "plan.toml needs a 'title' string"))
        title = "(untitled plan)"
    due_soon = raw.get("due_soon_days", DEFAULT_DUE_SOON_DAYS)
    if not _check_type(due_soon, int) or not 0 <= due_soon <= MAX_DUE_SOON_DAYS:
        found.append((("due_soon_days",), "'due_soon_days' must be a whole number of days "
                                          f"from 0 to {MAX_DUE_SOON_DAYS}"))
        due_soon = DEFAULT_DUE_SOON_DAYS

    inspections = []
    for n, entry in _tables(found, raw, "inspections"):
        where = ("inspections", n)
        if not isinstance(entry.get("id"), str) or not ID_RE.match(entry["id"]):
            found.append((where, f"inspection {n + 1} needs an 'id': letters, digits, '.', "
                                 "'_' or '-'"))
            continue
        if entry["id"] in {i.id for i in inspections}:
            found.append(((*where, "id"), f"inspection '{entry['id']}' is listed twice"))
        scale = _optional_str(found, where, entry, "scale", f"inspection {entry['id']}")
        if scale and scale not in GRADE_SCALES:
            found.append(((*where, "scale"), f"unknown grade scale '{scale}' "
                                             f"(use one of: {', '.join(GRADE_SCALES)})"))
            scale = ""
        inspection_title = _optional_str(found, where, entry, "title",
                                         f"inspection {entry['id']}")
        inspections.append(Inspection(entry["id"], inspection_title, scale))
    scales = {i.id: i.scale for i in inspections}

    areas = []
    for n, entry in _tables(found, raw, "areas"):
        where = ("areas", n)
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            found.append((where, f"area {n + 1} needs a 'name' string"))
            continue
        inspection = _optional_str(found, where, entry, "inspection", f"area '{entry['name']}'")
        grade = _optional_str(found, where, entry, "grade", f"area '{entry['name']}'")
        if inspection and inspection not in scales:
            found.append(((*where, "inspection"), f"area '{entry['name']}': unknown "
                                                  f"inspection '{inspection}'"))
        elif grade and scales.get(inspection) in GRADE_SCALES and \
                grade not in GRADE_SCALES[scales[inspection]]:
            allowed = ", ".join(GRADE_SCALES[scales[inspection]])
            found.append(((*where, "grade"), f"grade '{grade}' is not on the "
                                             f"{scales[inspection]} scale ({allowed})"))
        areas.append(Area(inspection, entry["name"], grade))

    statuses = _str_list(found, raw, "statuses") or DEFAULT_STATUSES
    done = _str_list(found, raw, "done_statuses") or tuple(
        s for s in DEFAULT_DONE_STATUSES if s in statuses)
    for s in done:
        if s not in statuses:
            found.append((("done_statuses",), f"done status '{s}' is not in 'statuses'"))
    if all(s in done for s in statuses):
        found.append((("done_statuses",), "every status is a done status: an item could "
                                          "never be open"))

    views = raw.get("views", {})
    if not isinstance(views, dict) or not all(isinstance(v, str) for v in views.values()):
        found.append((("views",), "[views] must map names to query strings"))
        views = {}
    colours = raw.get("status_colours", {})
    if not isinstance(colours, dict) or not all(
            isinstance(v, str) and v in COLOUR_NAMES for v in colours.values()):
        found.append((("status_colours",), "[status_colours] must map statuses to colour "
                                           f"names ({', '.join(COLOUR_NAMES)})"))
        colours = {}
    config = PlanConfig(title=title, due_soon_days=due_soon, inspections=tuple(inspections),
                        areas=tuple(areas), statuses=statuses, done_statuses=frozenset(done),
                        views=dict(views), status_colours=dict(colours))
    return config, found


def check_values(data: Any) -> Found:
    """Limits any TOML file must keep, whatever its keys: nesting at most MAX_DEPTH deep
    (deeper data would exhaust the stack of every reader) and integers of 64 bits (the
    TOML rule, which tomllib does not enforce). Walked without recursion."""
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if len(where) > MAX_DEPTH:
            return [(where[:1], f"values nested more than {MAX_DEPTH} deep")]
        if isinstance(value, dict):
            stack += [((*where, key), v) for key, v in value.items()]
        elif isinstance(value, list):
            stack += [((*where, n), v) for n, v in enumerate(value)]
        elif isinstance(value, int) and not isinstance(value, bool) and \
                not -(2**63) <= value < 2**63:
            return [(where, "integer out of range (TOML integers are 64-bit)")]
    return []
