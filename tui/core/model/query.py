"""The query language (docs/format.md, section 5), for the command line and the terminal UI alike.

A query is parsed once into predicates (plain closures) and sort keys, then run over
the items; the UI re-runs it on every keystroke, so matching does no parsing and no
allocation beyond what each predicate needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta

from tui.core.errors import QueryError, QuerySyntaxError, did_you_mean
from tui.core.model.items import (
    DUE_SOON,
    NO_DATE,
    ON_TRACK,
    OVERDUE,
    Item,
    PlanConfig,
    due_state,
    today,
)
from tui.core.model.record import Record
from tui.core.model.schema import EQUAL, QUERY_FIELDS, STRINGS, SUBSTRING

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# The `name:value` fields come from the schema (a field with a `match` is queryable).
EXACT_FIELDS = tuple(name for name, f in QUERY_FIELDS.items() if f.match == EQUAL)
SUBSTRING_FIELDS = tuple(name for name, f in QUERY_FIELDS.items() if f.match == SUBSTRING)
FIELDS = (*EXACT_FIELDS, *SUBSTRING_FIELDS, "due", "is", "view", "sort")
SORT_FIELDS = ("id", "title", "status", "due", "owner", "lead", "area", "group", "kind",
               "inspection", "number")
IS_VALUES = ("overdue", "due-soon", "on-track", "no-date", "open", "done", "awaiting-signoff")
ALIASES = {f.key: name for name, f in QUERY_FIELDS.items() if name != f.key}
VOCABULARIES = {name: f.vocabulary for name, f in QUERY_FIELDS.items()
                if f.match == EQUAL and f.vocabulary}

Predicate = Callable[[Item, PlanConfig, date], bool]
# A value is runs of quoted ("...", spaces and commas kept) and unquoted text.
_TERM = re.compile(r'(-?)(?:([A-Za-z_]+)(:|<=|>=|<|>))?((?:"[^"]*"?|[^\s"]+)*)')
_RELATIVE = re.compile(r"^([+-]?\d+)d$")


def _by_id(item: Item) -> tuple[Any, ...]:
    return item.id_key


class Term(Record):
    """One term as typed: `-status:closed` is negated, name status, operator ':'."""

    text: str
    position: int
    negated: bool
    name: str | None  # None for a bare word
    operator: str | None
    value: str  # as typed, without its quotes
    values: tuple[str, ...]  # split at the commas outside quotes: `a,b` means either


def tokenize(text: str) -> list[Term]:
    """Split into terms; `"..."` keeps spaces (as a whole term or as a value)."""
    terms, pos = [], 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TERM.match(text, pos)
        if match is None or match.end() == pos:  # pragma: no cover - the pattern always moves
            raise QuerySyntaxError(f"cannot read the query at '{text[pos:]}'", pos)
        negated, name, operator, raw = match.groups()
        if raw.count('"') % 2:
            raise QuerySyntaxError(f"unclosed quote in '{match.group()}': add the closing \"",
                                   pos)
        terms.append(Term(match.group(), pos, bool(negated), name, operator,
                          raw.replace('"', ""), _split_values(raw)))
        pos = match.end()
    return terms


def _split_values(raw: str) -> tuple[str, ...]:
    """`a,"b, c",d` -> ("a", "b, c", "d"): a comma inside quotes is part of the value."""
    values: list[str] = []
    current: list[str] = []
    quoted = False
    for char in raw:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return tuple(values)


def query_from_words(words: Iterable[str]) -> str:
    """The query text of command-line words. A text field's value the shell unquoted
    (`afi list area:"investigating crime"` arrives as one word, `area:investigating crime`)
    is quoted again, so it stays one value rather than a field and a loose word. A word
    holding a whole query (`afi list "is:overdue sort:due"`) is left as it is."""
    terms = []
    for word in words:
        match = re.fullmatch(r"(-?)([A-Za-z_]+):(.*)", word, re.DOTALL)
        if match and '"' not in word and any(c.isspace() for c in word):
            negated, name, value = match.groups()
            text_field = ALIASES.get(name.lower(), name.lower()) in SUBSTRING_FIELDS
            if text_field and not _TERM_LIKE.search(value):  # each of `a b,c d` quoted
                word = f"{negated}{name}:" + ",".join(f'"{v}"' for v in value.split(","))
        terms.append(word)
    return " ".join(terms)


_TERM_LIKE = re.compile(r"(?:^|\s)-?[A-Za-z_]+(?::|<|>)")


def parse_date_value(value: str, term: Term, on: date) -> date:
    """YYYY-MM-DD, Nd (N days from today, may be negative), or `today`."""
    if value == "today":
        return on
    relative = _RELATIVE.match(value)
    if relative:
        try:
            return on + timedelta(days=int(relative.group(1)))
        except (OverflowError, ValueError):
            raise QueryError(f"'{value}' in '{term.text}' is too far from today: dates run "
                             "from year 1 to 9999", term.position) from None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"bad date '{value}' in '{term.text}': use YYYY-MM-DD or Nd "
                         "(days from today)", term.position) from None


def _either(term: Term) -> list[str]:
    options = [v.strip().lower() for v in term.values if v.strip()]
    if not options:
        raise QuerySyntaxError(f"'{term.text}' needs a value, e.g. {term.name}:something",
                               term.position)
    return options


def _field_predicate(term: Term, on: date, config: PlanConfig | None,
                     me: Callable[[], str] | None = None) -> Predicate:
    name = ALIASES.get(str(term.name).lower(), str(term.name).lower())  # a field's term
    value = term.value
    field = QUERY_FIELDS.get(name)
    if field is not None and field.match == EQUAL:
        exact = set(_either(term))
        if config is not None and name in VOCABULARIES:
            _check_known(term, name, config.vocabulary(VOCABULARIES[name]))
        if name == "id":
            return lambda item, config, today_: item.id.lower() in exact
        if name == "status":
            return lambda item, config, today_: item.status.lower() in exact
        key = field.key
        return lambda item, config, today_: str(item.get(key, "")).lower() in exact
    if name == "owner" and value.strip().lower() == "me":
        if me is None:
            raise QueryError("'owner:me' needs the plan's [people] and your git user.name",
                             term.position)
        mine = me().lower()  # asked only now: a query without `me` never reads git's config
        return lambda item, config, today_: str(item.get("owner", "")).lower() == mine
    if field is not None:  # SUBSTRING
        options = _either(term)
        key = field.key
        if field.type == STRINGS:  # any one of its strings (tag:)
            return lambda item, config, today_: any(
                o in str(t).lower() for t in item.get(key) or () for o in options)
        if len(options) == 1:
            needle = options[0]
            return lambda item, config, today_: needle in str(item.get(key, "")).lower()
        return lambda item, config, today_: any(
            o in str(item.get(key, "")).lower() for o in options)
    if name == "due":
        if term.operator == ":" and value.lower() == "none":
            return lambda item, config, today_: item.due is None
        if not value:
            raise QuerySyntaxError(f"'{term.text}' needs a date, e.g. due<2025-06-30",
                                   term.position)
        when = parse_date_value(value, term, on)
        compare = {":": date.__eq__, "<": date.__lt__, "<=": date.__le__, ">": date.__gt__,
                   ">=": date.__ge__}[str(term.operator)]
        return lambda item, config, today_: item.due is not None and compare(item.due, when)
    if name == "is":
        state = value.lower()
        if state not in IS_VALUES:
            raise QueryError(f"unknown 'is:{value}'{did_you_mean(state, IS_VALUES)}: use one "
                             f"of {', '.join(IS_VALUES)}", term.position)
        if state == "open":
            return lambda item, config, today_: not config.is_done(item.status)
        if state == "done":
            return lambda item, config, today_: config.is_done(item.status)
        if state == "awaiting-signoff":  # delivered, not yet closed at a board
            return lambda item, config, today_: config.is_awaiting_signoff(item.status)
        wanted = {"overdue": OVERDUE, "due-soon": DUE_SOON, "on-track": ON_TRACK,
                  "no-date": NO_DATE}[state]
        return lambda item, config, today_: due_state(item, config, today_) == wanted
    raise QueryError(f"unknown field '{term.name}' in '{term.text}'"
                     f"{did_you_mean(name, (*FIELDS, *ALIASES))}: use one of "
                     f"{', '.join(FIELDS)}", term.position)


def _check_known(term: Term, name: str, known: Sequence[str] | None) -> None:
    """A value the plan's vocabulary does not hold can match nothing: say so, with the
    nearest known value, rather than list nothing."""
    if not known:
        return
    lowered = {k.lower() for k in known}
    for typed in (v.strip() for v in term.values):
        if typed and typed.lower() not in lowered:
            raise QueryError(f"unknown {name} '{typed}' in '{term.text}'"
                             f"{did_you_mean(typed, known)}: this plan's are "
                             f"{', '.join(known)}", term.position)


def _word_predicate(word: str) -> Predicate:
    needle = word.lower()

    def test(item: Item, config: PlanConfig, today_: date) -> bool:
        return needle in item.search_text

    test.needle = needle  # type: ignore[attr-defined] # Query.apply tests it inline
    return test


class Query(Record):
    """A parsed query: `apply` filters and sorts, `matches` tests one item.
    predicates: ((test, negated), ...); sort_keys: ((field, descending), ...); on: the
    day relative dates were read against."""

    text: str
    predicates: tuple[tuple[Predicate, bool], ...]
    sort_keys: tuple[tuple[str, bool], ...]
    on: date

    def matches(self, item: Item, config: PlanConfig, on: date | None = None) -> bool:
        on = on or self.on
        return all(test(item, config, on) != negated for test, negated in self.predicates)

    def apply(self, items: Iterable[Item], config: PlanConfig,
              on: date | None = None, in_id_order: bool = False) -> list[Item]:
        """The items that match, sorted. `in_id_order`: `items` are already in id order
        (Snapshot.in_id_order()), so a query without sort terms sorts nothing."""
        on = on or self.on
        # One pass per term, each over what the last one kept: the first term usually
        # leaves a fraction of the plan for the rest.
        for test, negated in self.predicates:
            needle = getattr(test, "needle", None)
            if needle is not None:  # a word: no call per item (100,000 items per key)
                items = [item for item in items if (needle in item.search_text) != negated]
            else:
                items = [item for item in items if test(item, config, on) != negated]
        return sort_items(items, self.sort_keys, config, in_id_order)


def parse_query(text: str, views: Mapping[str, str] | None = None,
                on: date | None = None, config: PlanConfig | None = None,
                me: Callable[[], str] | None = None) -> Query:
    """Parse `text`; raises QueryError naming the bad term and its position (with
    `config`, also for a status, kind or inspection the plan does not have). `me`: who
    `owner:me` means (called only when a query uses it)."""
    on = on or today()
    predicates: list[tuple[Predicate, bool]] = []
    sort_keys: list[tuple[str, bool]] = []
    _parse_into(text, views or {}, on, predicates, sort_keys, (), config, me)
    return Query(text, tuple(predicates), tuple(sort_keys), on)


def _parse_into(text: str, views: Mapping[str, str], on: date, predicates: list[Any],
                sort_keys: list[Any], expanding: tuple[str, ...],
                config: PlanConfig | None = None, me: Callable[[], str] | None = None
                ) -> None:
    for term in tokenize(text):
        name = term.name.lower() if term.name else None
        if name is None:
            if term.value == "" or term.value == "-":
                continue
            predicates.append((_word_predicate(term.value), term.negated))
        elif term.operator != ":" and name != "due":
            raise QuerySyntaxError(f"'{term.operator}' works only with due (due<2025-06-30), "
                                   f"not '{term.text}'", term.position)
        elif name == "sort":
            key = term.value.lower()
            descending = key.startswith("-")
            key = key.lstrip("-+")
            if key not in SORT_FIELDS:
                raise QueryError(f"cannot sort by '{key}'{did_you_mean(key, SORT_FIELDS)}: use "
                                 f"one of {', '.join(SORT_FIELDS)}", term.position)
            sort_keys.append((key, descending))
        elif name == "view":
            view = term.value
            if view not in views:
                known = ", ".join(views) or "none defined in plan.toml"
                raise QueryError(f"unknown view '{view}'{did_you_mean(view, views)} "
                                 f"(views: {known})", term.position)
            if view in expanding:
                raise QueryError(f"view '{view}' refers to itself "
                                 f"({' -> '.join((*expanding, view))})", term.position)
            if term.negated:
                raise QuerySyntaxError(f"'{term.text}': a view cannot be negated",
                                       term.position)
            _parse_into(views[view], views, on, predicates, sort_keys, (*expanding, view),
                        config, me)
        else:
            predicates.append((_field_predicate(term, on, config, me), term.negated))


def _sort_value(item: Item, key: str, config: PlanConfig) -> Any:
    if key == "id":
        return item.id_key
    if key == "due":
        return item.due
    if key == "status":
        status = item.status
        return config.statuses.index(status) if status in config.statuses else None
    value = item.get(key)
    if value is None or value == "":
        return None
    if key == "number":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return str(value).lower()


def sort_items(items: Iterable[Item], keys: Sequence[tuple[str, bool]],
               config: PlanConfig, in_id_order: bool = False) -> list[Item]:
    """Sort by each (field, descending) in turn; missing values last either way; ties
    broken by id (`in_id_order`: the items are in id order already)."""
    ordered = list(items) if in_id_order else sorted(items, key=_by_id)
    for key, descending in reversed(keys):
        if key == "id":
            if descending:
                ordered.reverse()
            continue
        present = [(v, i) for i in ordered if (v := _sort_value(i, key, config)) is not None]
        missing = [i for i in ordered if _sort_value(i, key, config) is None]
        # sorted() is stable, so equal values keep the previous (secondary) order.
        present.sort(key=lambda pair: pair[0], reverse=descending)
        ordered = [i for _, i in present] + missing
    return ordered
