"""The rules for one item file and for plan.toml (docs/format.md, sections 2 and 3).

Validators return `(key path, message)` pairs; the store turns them into `Problem`s
with line numbers (see `locate.py`) only when there are any.
"""

from __future__ import annotations

from datetime import date, datetime

from tui.core.errors import did_you_mean
from tui.core.model.items import (
    COLOUR_NAMES,
    DEFAULT_DONE_STATUSES,
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_STALE_AFTER_DAYS,
    DEFAULT_STATUSES,
    GRADE_SCALES,
    ID_RE,
    Area,
    Inspection,
    PlanConfig,
)
from tui.core.model.people import check_people
from tui.core.model.schema import (
    BOOLEAN,
    DATE,
    FIELDS,
    IDS,
    INTEGER,
    ITEM_FIELDS,
    PLAN_KEYS,
    STRING,
    STRINGS,
    TABLE,
    TABLES,
    Field,
)

KeyPath = tuple[str | int, ...]
Found = list[tuple[KeyPath, str]]

MAX_DEPTH = 16  # items nest 3 deep ([[actions]] -> key); the rest is headroom
MAX_DUE_SOON_DAYS = 3650
# An address a mail client takes: one @, no spaces, quotes, brackets or separators.

TYPE_NAMES = {STRING: "a string", DATE: "a date", INTEGER: "an integer",
              BOOLEAN: "true or false", STRINGS: "an array of strings", IDS: "an array of ids",
              TABLES: "an array of tables", TABLE: "a table"}


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


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    STRING: lambda value: isinstance(value, str),
    DATE: is_date,
    INTEGER: lambda value: isinstance(value, int) and not isinstance(value, bool),
    BOOLEAN: lambda value: isinstance(value, bool),
    STRINGS: _strings,
    IDS: _strings,
    TABLES: lambda value: isinstance(value, list),
    TABLE: lambda value: isinstance(value, dict),
}


_ABSENT = object()


def _is(value: Any, kind: str) -> bool:
    """Does `value` have the schema type `kind`?"""
    return _TYPE_CHECKS[kind](value)


def _check_field(found: Found, where: KeyPath, field: Field, value: Any) -> None:
    """Type, emptiness and table keys of one value (vocabularies are checked after).
    Messages are made only for problems: this runs for every field of every file read."""
    kind = field.type
    if not _TYPE_CHECKS[kind](value):
        article = f"an array of tables ([[{field.key}]])" if kind == TABLES \
            else TYPE_NAMES[kind]
        if kind == DATE:
            article = "a date like 2025-03-31 (unquoted)" if not where[1:] else "a date"
        found.append((where, f"'{field.key}' must be {article}, not {type_name(value)}"))
        return
    if kind == STRING:
        if field.required and not value.strip():
            found.append((where, f"'{field.key}' must not be empty"))
    elif kind == IDS:
        found += [(where, f"link {v!r} is not a valid item id") for v in value
                  if not ID_RE.match(v)]
    elif kind == TABLES:
        for n, entry in enumerate(value):
            _check_table(found, where + (n,), entry, field, n)
    elif kind == TABLE:
        _check_table(found, where, value, field, None)


def _singular(key: str) -> str:
    return {"actions": "action", "updates": "update", "evidence": "evidence"}.get(key, key)


def _check_table(found: Found, where: KeyPath, table: Any, field: Field,
                 n: int | None) -> None:
    """One table of a table field (`n`: its position in an array of tables)."""
    def what() -> str:
        return field.key if n is None else f"{_singular(field.key)} {n + 1}"

    if not isinstance(table, dict):
        found.append((where, f"{what()} must be a table, not {type_name(table)}"))
        return
    for part in field.parts:
        value = table.get(part.key, _ABSENT)
        if value is _ABSENT:
            if part.required:
                found.append((where, f"{what()} is missing required key '{part.key}'"))
        elif not _TYPE_CHECKS[part.type](value):
            found.append((where + (part.key,),
                          f"{what()}: '{part.key}' must be {TYPE_NAMES[part.type]}, "
                          f"not {type_name(value)}"))


READ = object()  # check_item's `before` for a file read, not written


def check_item(data: dict[str, Any], file_stem: str, config: PlanConfig,
               check_inspection: bool = True, before: Any = READ) -> Found:
    """Every single-file rule of docs/format.md §3, from the schema (schema.py), then the
    plan's vocabularies and the sign-off rules. Cross-file rules (duplicate ids) live in
    the store. `check_inspection` is off when plan.toml itself is unreadable, so its own
    error is reported once instead of as an unknown inspection in every item.

    Every writer passes `before`, the item's data before the write (None: a new file),
    and then the rules for written values apply too (`hidden_text`)."""
    found: Found = [] if before is READ else hidden_text(data, before)
    for field in ITEM_FIELDS:
        if field.key not in data:
            if field.required:
                found.append(((), f"missing required key '{field.key}'"))
        else:
            _check_field(found, (field.key,), field, data[field.key])
    item_id = data.get("id")
    if isinstance(item_id, str) and item_id.strip():
        if not ID_RE.match(item_id):
            found.append((("id",), f"id {item_id!r} is not valid: use letters, digits, '.', '_' "
                                   "or '-', starting with a letter or digit, at most 64"))
        elif item_id != file_stem:
            found.append((("id",), f"id '{item_id}' does not match the file name "
                                   f"'{file_stem}.toml': rename the file or fix the id"))
    if _is(data.get("number"), INTEGER) and data["number"] < 0:
        found.append((("number",), "'number' must not be negative"))
    if check_inspection:
        found += _vocabulary_problems(data, config)
    found += _signoff_problems(data, config)
    return found


def _text_values(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """Every string the schema holds, with its key path: string fields, arrays of strings
    and the string keys of tables; and every string under keys the schema does not know
    (kept untouched by afi, but a hand edit committed with `afi commit` may add them)."""
    found: list[tuple[KeyPath, str]] = []
    stack: list[tuple[KeyPath, Any]] = [((key,), value) for key, value in data.items()
                                        if key not in FIELDS]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            found.append((where, value))
        elif isinstance(value, dict):
            stack += [((*where, key), child) for key, child in value.items()]
        elif isinstance(value, list):
            stack += [((*where, n), child) for n, child in enumerate(value)]
    for field in ITEM_FIELDS:
        value = data.get(field.key)
        if value is None:
            continue
        if field.type == STRING and isinstance(value, str):
            found.append(((field.key,), value))
        elif field.type in (STRINGS, IDS) and isinstance(value, list):
            found += [((field.key, n), v) for n, v in enumerate(value) if isinstance(v, str)]
        elif field.is_table:
            tables = [(n, t) for n, t in enumerate(value)] if field.type == TABLES and \
                isinstance(value, list) else [(None, value)]
            for n, table in tables:
                if isinstance(table, dict):
                    where = (field.key,) if n is None else (field.key, n)
                    found += [((*where, part.key), table[part.key]) for part in field.parts
                              if part.type == STRING and isinstance(table.get(part.key), str)]
    return found


def hidden_text(data: dict[str, Any], before: dict[str, Any] | None) -> Found:
    """A value afi writes may not hold a character that hides what the text says (a bidi
    control or a zero-width character, safe_text.HIDDEN): `Supt <U+202E>senoJ` shows as
    "Supt Jones" while saying something else. A value that already held one before the
    write (a hand edit, shown marked wherever afi shows it) is left as it is."""
    from tui.core.safe_text import HIDDEN, hidden_character

    found: Found = []
    suspects = [(where, text) for where, text in _text_values(data) if HIDDEN.search(text)]
    if not suspects:
        return found
    kept = {text for _, text in _text_values(before or {}) if HIDDEN.search(text)}
    for where, text in suspects:
        if text not in kept:
            name = _field_name(where)
            found.append((where, f"'{name}' holds {hidden_character(text)}, which hides what "
                                 "the text says: type the value without it"))
    return found


def _field_name(where: KeyPath) -> str:
    """('owner',) -> owner; ('actions', 1, 'text') -> action 2 text; ('tags', 0) -> tags."""
    key = str(where[0])
    if len(where) > 1 and isinstance(where[1], int):
        return key if len(where) == 2 else f"{_singular(key)} {where[1] + 1} {where[2]}"
    return " ".join(map(str, where))


# The fields, and the keys of table fields, whose values come from a vocabulary.
_WORD_FIELDS = tuple(field for field in ITEM_FIELDS if field.vocabulary)
_WORD_PARTS = tuple((field, part) for field in ITEM_FIELDS for part in field.parts
                    if part.vocabulary)


def _vocabulary_problems(data: dict[str, Any], config: PlanConfig) -> Found:
    """Values that must come from the plan's lists (kinds, statuses, inspections, the
    areas and boards plan.toml names)."""
    found: Found = []
    for field in _WORD_FIELDS:
        value = data.get(field.key)
        if isinstance(value, str):
            found += _not_in(config, field, (field.key,), value, data)
    for field, part in _WORD_PARTS:
        value = data.get(field.key)
        if value is not None:
            tables = value if field.type == TABLES and isinstance(value, list) else \
                [value] if isinstance(value, dict) else []
            for n, table in enumerate(tables):
                if isinstance(table, dict) and isinstance(table.get(part.key), str):
                    where = (field.key, n, part.key) if field.type == TABLES \
                        else (field.key, part.key)
                    found += _not_in(config, part, where, table[part.key], data)
    return found


def _not_in(config: PlanConfig, field: Field, where: KeyPath, value: str,
            data: dict[str, Any]) -> Found:
    if field.vocabulary is None:
        return []
    allowed = config.vocabulary(field.vocabulary, data)
    if allowed is None or value in allowed:
        return []
    name = field.key if field.key != "kind" else "kind"
    if field.vocabulary == "inspections":
        hint = ", ".join(sorted(allowed)) or "none listed: add [[inspections]] to plan.toml"
        return [(where, f"unknown inspection '{value}' ({hint})")]
    if field.vocabulary == "areas":
        return [(where, f"area '{value}' is not one of the areas plan.toml lists for "
                        f"{data.get('inspection')}: {', '.join(allowed)}")]
    return [(where, f"unknown {name} '{value}'{did_you_mean(value, allowed)} (use one of: "
                    f"{', '.join(allowed)})")]


def _signoff_problems(data: dict[str, Any], config: PlanConfig) -> Found:
    """A closed item carries its sign-off ([closure] complete); an item that is not done
    carries none (a reopened item drops it: its history keeps it)."""
    status = data.get("status")
    closure = data.get("closure")
    if not isinstance(status, str):
        return []
    if status == config.closed_status:
        if closure is None:
            return [(("status",), f"'{status}' needs its sign-off: a [closure] with "
                                  "approved_by, board and date (`afi close`)")]
        if isinstance(closure, dict):
            missing = [k for k in ("approved_by", "board", "date") if k not in closure]
            if missing:
                return [(("closure",), f"the [closure] of a {status} item needs "
                                       f"{', '.join(missing)}")]
    elif closure is not None and not config.is_done(status):
        return [(("closure",), f"a [closure] on an item that is '{status}' (not done): "
                               "remove it, or close the item (`afi close`)")]
    return []


def _str_list(found: Found, raw: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        found.append(((key,), f"'{key}' must be a non-empty array of strings"))
        return None
    if len(set(value)) != len(value):
        found.append(((key,), f"'{key}' lists a value twice"))
    return tuple(value)


def _tables(found: Found, raw: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
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


def _optional_str(found: Found, where: KeyPath, table: dict[str, Any], key: str, what: str) -> str:
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

    inspections: list[Inspection] = []
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
    boards = _str_list(found, raw, "boards") or ()
    default_closed = PLAN_KEYS["closed_status"].default
    closed = raw.get("closed_status", default_closed if default_closed in statuses else None)
    if closed is not None and (not isinstance(closed, str) or closed not in done):
        found.append((("closed_status",), "'closed_status' must be one of the done statuses"))
        closed = None
    awaiting = _str_list(found, raw, "awaiting_signoff_statuses") or tuple(
        s for s in PLAN_KEYS["awaiting_signoff_statuses"].default if s in statuses)
    for s in awaiting:
        if s not in done or s == closed:
            found.append((("awaiting_signoff_statuses",), f"'{s}' must be a done status other "
                                                          "than the closed one"))
    needs_reason = raw.get("due_change_needs_reason", PLAN_KEYS["due_change_needs_reason"].default)
    if not isinstance(needs_reason, bool):
        found.append((("due_change_needs_reason",), "'due_change_needs_reason' must be true "
                                                    "or false"))
        needs_reason = PLAN_KEYS["due_change_needs_reason"].default
    stale = raw.get("stale_after_days", DEFAULT_STALE_AFTER_DAYS)
    if not _check_type(stale, int) or not 1 <= stale <= MAX_DUE_SOON_DAYS:
        found.append((("stale_after_days",), "'stale_after_days' must be a whole number of "
                                             f"days from 1 to {MAX_DUE_SOON_DAYS}"))
        stale = DEFAULT_STALE_AFTER_DAYS
    people = check_people(found, raw)
    words = raw.get("import_statuses", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) and v in statuses
                                              for v in words.values()):
        found.append((("import_statuses",), "[import_statuses] must map tracker words to "
                                            f"statuses ({', '.join(statuses)})"))
        words = {}
    config = PlanConfig(title=title, due_soon_days=due_soon, inspections=tuple(inspections),
                        areas=tuple(areas), statuses=statuses, done_statuses=frozenset(done),
                        views=dict(views), status_colours=dict(colours), boards=tuple(boards),
                        closed_status=closed,
                        awaiting_signoff_statuses=frozenset(awaiting),
                        due_change_needs_reason=needs_reason,
                        import_statuses={str(k): v for k, v in words.items()},
                        stale_after_days=stale, people=people)
    return config, found


def check_values(data: Any) -> Found:
    """Limits any TOML file must keep, whatever its keys: nesting at most MAX_DEPTH deep
    (deeper data would exhaust the stack of every reader) and integers of 64 bits (the
    TOML rule, which tomllib does not enforce). Walked without recursion, containers
    only: a file within the limits (every file, nearly) costs one pass and no key paths;
    one that breaks them is walked again to say where."""
    stack: list[tuple[int, Any]] = [(0, data)]
    while stack:
        depth, value = stack.pop()
        if depth >= MAX_DEPTH and value:
            return _where_values_break_limits(data)
        for child in (value.values() if isinstance(value, dict) else value):
            if type(child) is int:  # (not bool: TOML gives exact types)
                if not -(2**63) <= child < 2**63:
                    return _where_values_break_limits(data)
            elif isinstance(child, (dict, list)):
                stack.append((depth + 1, child))
    return []


def _where_values_break_limits(data: Any) -> Found:
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
