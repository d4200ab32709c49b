"""The item model: what an AFI file holds, and the derived state the tool shows.

Items are kept as the plain dicts `tomllib` returns (unknown keys included), wrapped
in a small read-only class; validation lives in `validate.py`, editing in `tomledit.py`.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

from tui.core.model import schema
from tui.core.model.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from collections.abc import Callable
    from typing import Any

    # Gives a cached item's (search text, pickled data, data), each None if not at hand.
    DetailSource = Callable[[str], tuple[str | None, bytes | None, dict[str, Any] | None]]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DIGITS = re.compile(r"(\d+)")
KINDS = ("afi", "recommendation", "cause-of-concern")
ASSESSMENTS = ("red", "amber", "green")  # an owner's own RAG (`afi assess`)
DEFAULT_STALE_AFTER_DAYS = schema.PLAN_KEYS["stale_after_days"].default
DEFAULT_STATUSES = schema.PLAN_KEYS["statuses"].default
DEFAULT_DONE_STATUSES = schema.PLAN_KEYS["done_statuses"].default
DEFAULT_DUE_SOON_DAYS = schema.PLAN_KEYS["due_soon_days"].default
COLOUR_NAMES = ("red", "green", "yellow", "blue", "magenta", "cyan", "dim", "bold", "default")
GRADE_SCALES = schema.GRADE_SCALES

# Due states, as `list --format json` and the query language name them.
OVERDUE, DUE_SOON, ON_TRACK, NO_DATE = "overdue", "due-soon", "on-track", "no-date"


def today() -> date:
    """Today's date; `AFI_TODAY=YYYY-MM-DD` pins it (tests, demos, reproducible reports)."""
    pinned = os.environ.get("AFI_TODAY")
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        from tui.core.errors import AfiError

        raise AfiError(f"AFI_TODAY={pinned!r} is not a date: use YYYY-MM-DD, or unset it") \
            from None


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


class Inspection(Record):
    id: str
    title: str = ""
    scale: str = ""


class Area(Record):
    inspection: str
    name: str
    grade: str = ""


class Person(Record):
    """One of plan.toml's [people]: an owner's e-mail address, and the name git knows
    them by when it differs (for `owner:me`)."""

    name: str
    email: str
    git_name: str = ""


# plan.toml settings no item rule reads (the rest are in PlanConfig.validation_key()).
_NOT_VALIDATED = frozenset({"title", "due_soon_days", "views", "status_colours",
                            "due_change_needs_reason", "import_statuses", "stale_after_days",
                            "people"})


class PlanConfig(Record):
    """The parsed `plan.toml`; read-only (its dicts are shared defaults: never mutate)."""

    title: str = ""                            # validation gives "(untitled plan)"
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    inspections: tuple[Inspection, ...] = ()
    areas: tuple[Area, ...] = ()
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    done_statuses: frozenset[str] = frozenset(DEFAULT_DONE_STATUSES)
    views: dict[str, str] = {}                  # name -> query
    status_colours: dict[str, str] = {}         # status -> colour name
    boards: tuple[str, ...] = ()                # the boards that sign items off ("" = any)
    closed_status: str | None = schema.PLAN_KEYS["closed_status"].default  # needs a [closure]
    awaiting_signoff_statuses: frozenset[str] = frozenset(  # delivered, not yet closed
        schema.PLAN_KEYS["awaiting_signoff_statuses"].default)
    due_change_needs_reason: bool = schema.PLAN_KEYS["due_change_needs_reason"].default
    import_statuses: dict[str, str] = {}        # tracker word -> status
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS  # no progress update for longer: stale
    people: tuple[Person, ...] = ()             # who gets chase e-mails

    def inspection_ids(self) -> set[str]:
        return {i.id for i in self.inspections}

    def areas_for(self, inspection: str) -> tuple[str, ...]:
        """The areas plan.toml lists for an inspection (empty: any area is allowed)."""
        return tuple(a.name for a in self.areas if a.inspection == inspection)

    def validation_key(self) -> str:
        """Every setting that validating an item reads (all but _NOT_VALIDATED), as text
        that is the same in every process: validation cached under another key is done
        again, so a plan.toml that drops an area or a board is never answered from the
        cache."""
        return repr(tuple((name, sorted(value) if isinstance(value, frozenset) else value)
                          for name, value in zip(self._fields, self, strict=True)
                          if name not in _NOT_VALIDATED))

    def vocabulary(self, name: str, item: dict[str, Any] | None = None) -> tuple[str, ...] | None:
        """The values a field with this vocabulary (schema.py) may take; None: any."""
        if name == "kinds":
            return KINDS
        if name == "statuses":
            return self.statuses
        if name == "inspections":
            return tuple(i.id for i in self.inspections)
        if name == "areas":
            inspection = (item or {}).get("inspection")
            return self.areas_for(inspection) or None if isinstance(inspection, str) else None
        if name == "boards":
            return self.boards or None
        if name == "rags":
            return ASSESSMENTS
        raise KeyError(name)

    def person(self, name: str) -> Person | None:
        """The [people] entry for an owner's name (ignoring case), if any."""
        wanted = name.strip().lower()
        return next((p for p in self.people if p.name.lower() == wanted), None)

    def is_awaiting_signoff(self, status: str) -> bool:
        return status in self.awaiting_signoff_statuses

    def is_done(self, status: str) -> bool:
        return status in self.done_statuses

    def status_role(self, status: str) -> str:
        """What a status means, whatever the plan calls it: 'new' (the first open
        status), 'open', 'done' (the first done status) or 'done-later' (the rest, such
        as closed and superseded). Colours follow the role, so a plan's own vocabulary
        is coloured sensibly without naming colours."""
        if self.is_done(status):
            first_done = next((s for s in self.statuses if self.is_done(s)), None)
            return "done" if status == first_done else "done-later"
        first_open = next((s for s in self.statuses if not self.is_done(s)), None)
        return "new" if status == first_open else "open"


# Top-level keys listing, sorting and filtering read (schema.py marks them `indexed`): kept
# apart from the rest of an item's data so that a cached plan can be listed without
# rebuilding every item in full.
INDEX_KEYS = schema.INDEX_KEYS
_INDEX_AT = {key: n for n, key in enumerate(INDEX_KEYS)}
_ID, _TITLE, _STATUS, _DUE, _TAGS = (_INDEX_AT[k] for k in ("id", "title", "status", "due",
                                                             "tags"))
# Values many items share (an area, a status, an owner, a date): one object each in a
# listing record, so pickle stores each once per cache shard and unpickling makes it once
# (100,000 listings: 215 ms to 94, and a third smaller).
_SHARED_AT = frozenset(_INDEX_AT[k] for k in ("kind", "inspection", "area", "status",
                                               "owner", "lead", "due", "group", "tags")
                       if k in _INDEX_AT)
_SHARED: dict[Any, Any] = {}
# What the cache keeps of an item (item_cache.py): a small listing record read by every
# command, and the rest (search text, full data) read only when asked for.
DETAIL_LAYOUT = ("search text", "pickled data")  # Item.detail()


class Listing(Record):
    """The cache's listing record of a valid item (Item.listing()). A `Record`, which
    unpickles in C: 10,000 are read about as fast as plain tuples (docs/benchmarks.md)."""

    values: tuple[Any, ...]     # the index fields' values, in INDEX_KEYS order
    id_key: tuple[Any, ...]     # the id's natural sort key
    lower_id: str               # the id, lower-cased (duplicates differ only in case)


LISTING_LAYOUT = Listing._fields


class Item:
    """One tracked item. `data` is the file's content as `tomllib` parsed it.

    Items read from the cache hold only their index fields and a `source` that fetches
    their search text and pickled data the first time either is asked for (showing one
    item, a word query, JSON output). Listing 10,000 items then never reads or builds
    10,000 nested dicts. A slotted class: there are many of these and they are made often.
    """

    __slots__ = ("_data", "_blob", "_values", "_path", "_search_text", "_id_key", "_listing",
                 "_source")
    _data: dict[str, Any] | None
    _blob: bytes | None
    _values: tuple[Any, ...]
    _path: Path | str
    _search_text: str | None
    _id_key: tuple[Any, ...] | None
    _listing: Listing | None
    _source: DetailSource | None

    def __init__(self, data: dict[str, Any], path: Path | str):
        self._data = data
        self._blob = None
        # The index keys' values in INDEX_KEYS order, None where absent (TOML has no
        # null): a tuple unpickles in half the time of a dict (docs/benchmarks.md). Lists
        # (tags) become tuples, so that the record holds nothing the cyclic garbage
        # collector must track: at 100,000 items, each full collection took 0.7 s.
        self._values = tuple(tuple(value) if isinstance(value, list) else value
                             for value in map(data.get, INDEX_KEYS))
        self._path = path
        self._search_text = None
        self._id_key = None
        self._listing = None
        self._source = None

    @classmethod
    def from_listing(cls, listing: Listing, path: Path | str, source: DetailSource) -> Item:
        """An item from a cached `listing()` record. `source(file name)` gives (search
        text or None, pickled data or None, data or None) when the rest is first needed."""
        item = cls.__new__(cls)
        item._values, item._id_key = listing.values, listing.id_key
        item._listing = listing
        item._path = path
        item._source = source
        item._data = item._blob = item._search_text = None
        return item

    def listing(self) -> Listing:
        """The cache's listing record."""
        if self._listing is None:
            shared = _SHARED.setdefault
            self._values = tuple(shared(value, value) if n in _SHARED_AT and value is not None
                                 else value for n, value in enumerate(self._values))
            self._listing = Listing(self._values,
                                    tuple(shared(part, part) for part in self.id_key),
                                    self.id.lower())
        return self._listing

    def detail(self) -> tuple[str, bytes]:
        """The cache's detail record: (search text, pickled data)."""
        import pickle

        if self._blob is None:
            self._blob = pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL)
        return (self.search_text, self._blob)

    def compact(self) -> None:
        """Drop the parsed data once a pickled copy exists (`detail()`): it is decoded
        again if asked for. A first listing of 10,000 files then holds 10,000 small
        records, not 10,000 nested dicts (half its memory)."""
        if self._blob is not None:
            self._data = None

    def _fetch(self) -> None:
        source, self._source = self._source, None
        assert source is not None
        search_text, blob, data = source(os.path.basename(self._path))
        if self._search_text is None:
            self._search_text = search_text
        if self._data is None:
            self._blob, self._data = blob, data

    def __repr__(self) -> str:
        return f"Item({self.id!r})"

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            if self._blob is None and self._source is not None:
                self._fetch()
            if self._data is None:
                import pickle

                self._data = pickle.loads(self._blob) if self._blob is not None else {
                    k: v for k, v in zip(INDEX_KEYS, self._values, strict=True) if v is not None}
        return self._data

    @property
    def path(self) -> Path:
        """Absolute path of the file."""
        if not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def id(self) -> str:
        return str(self._values[_ID] or Path(self._path).stem)

    def get(self, key: str, default: Any = None) -> Any:
        at = _INDEX_AT.get(key)
        if at is not None:
            value = self._values[at]
            if value is None:
                return default
            return list(value) if type(value) is tuple else value  # as the file has it
        return self.data.get(key, default)

    @property
    def title(self) -> str:
        return str(self._values[_TITLE] or "")

    @property
    def status(self) -> str:
        return str(self._values[_STATUS] or "")

    @property
    def due(self) -> date | None:
        value = self._values[_DUE]
        return value if isinstance(value, date) else None

    @property
    def actions(self) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = self.data.get("actions", [])
        return actions

    @property
    def updates(self) -> list[dict[str, Any]]:
        updates: list[dict[str, Any]] = self.data.get("updates", [])
        return updates

    @property
    def tags(self) -> tuple[str, ...]:
        value = self._values[_TAGS]
        return () if value is None else value

    @property
    def id_key(self) -> tuple[Any, ...]:
        """The id's natural sort key (computed once): PEEL22-9 before PEEL22-10."""
        if self._id_key is None:
            self._id_key = natural_key(self.id)
        return self._id_key

    @property
    def search_text(self) -> str:
        """Lower-cased text a bare query word is looked for in (computed once per item)."""
        if self._search_text is None and self._source is not None:
            self._fetch()
        if self._search_text is None:
            d = self.data
            parts = [self.id]
            parts += [str(d.get(k, "")) for k in ("title", "detail", "area", "owner", "lead")]
            parts += [str(a.get("text", "")) for a in self.actions if isinstance(a, dict)]
            parts += [str(u.get("text", "")) for u in self.updates if isinstance(u, dict)]
            self._search_text = "\n".join(parts).lower()
        return self._search_text


def natural_key(text: str) -> tuple[Any, ...]:
    """Case-insensitive, with digit runs compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text.lower()))


def state_counts(items: list[Item], config: PlanConfig, on: date) -> dict[str | None, int]:
    """How many items are in each due state (None: done), and "awaiting-signoff": the
    header's totals, in one pass with the dates worked out once (0.12 s to 0.04 s at
    100,000 items)."""
    counts: dict[str | None, int] = dict.fromkeys((OVERDUE, DUE_SOON, ON_TRACK, NO_DATE,
                                                   None, "awaiting-signoff"), 0)
    soon = on + timedelta(days=config.due_soon_days)
    done, awaiting = config.done_statuses, config.awaiting_signoff_statuses
    for item in items:
        status = item.status
        if status in awaiting:
            counts["awaiting-signoff"] += 1
        if status in done:
            counts[None] += 1
            continue
        due = item.due
        counts[NO_DATE if due is None else OVERDUE if due < on else
               DUE_SOON if due <= soon else ON_TRACK] += 1
    return counts


def due_state(item: Item, config: PlanConfig, on: date | None = None) -> str | None:
    """overdue / due-soon / on-track / no-date for an open item; None when it is done."""
    if config.is_done(item.status):
        return None
    due = item.due
    if due is None:
        return NO_DATE
    on = on or today()
    if due < on:
        return OVERDUE
    if due <= on + timedelta(days=config.due_soon_days):
        return DUE_SOON
    return ON_TRACK


# RAG from the dates: red overdue, amber due soon, green on track, grey open with no due
# date (no closedown timeline: not on track, not late), done a done status.
RAG_ORDER = ("red", "amber", "green", "grey", "done")
_RAG_OF_STATE = {OVERDUE: "red", DUE_SOON: "amber", ON_TRACK: "green", NO_DATE: "grey",
                 None: "done"}


def rag(item: Item, config: PlanConfig, on: date | None = None) -> str:
    """The date-derived RAG (RAG_ORDER) of an item."""
    return _RAG_OF_STATE[due_state(item, config, on)]


def latest_assessment(item: Item) -> dict[str, Any] | None:
    """The owner's newest assessment ([[assessments]]: date, by, rag, reason), if any: the
    latest date, and of one day's the last written."""
    entries = [(a.get("date") if isinstance(a.get("date"), date) else date.min, n, a)
               for n, a in enumerate(item.get("assessments") or ())
               if isinstance(a, dict) and a.get("rag") in ASSESSMENTS]
    return max(entries, key=lambda e: e[:2])[2] if entries else None


def assessment_differs(assessed: str | None, derived: str) -> bool:
    """An owner's RAG that disagrees with the dates' (an open item's only)."""
    return bool(assessed) and derived in ASSESSMENTS + ("grey",) and assessed != derived


def assessment_mark(item: Item, config: PlanConfig, on: date) -> str:
    """The owner's own RAG after an open item's due date: ' · green', or ' · green ≠'
    where it differs from the dates' ("" when not assessed, or done)."""
    assessed = latest_assessment(item)
    if assessed is None or config.is_done(item.status):
        return ""
    differs = " ≠" if assessment_differs(assessed["rag"], rag(item, config, on)) else ""
    return f" · {assessed['rag']}{differs}"


def due_hint(due: date | None, on: date) -> str:
    """How far off a due date is, for people: 'in 12 d', 'today', '3 d late', '7 mo
    late', '3 y 11 mo late'. The list, the detail and the board screens all say it so."""
    if due is None:
        return ""
    days = (due - on).days
    if days == 0:
        return "today"
    return f"in {span_words(days)}" if days > 0 else late_words(-days)


def late_words(days: int) -> str:
    """'3 d late', '7 mo late', '3 y 11 mo late' for a number of days late."""
    return f"{span_words(days)} late"


def span_words(days: int) -> str:
    """A number of days as people say it: days up to 99, then months, then years and
    months ('3 y 11 mo')."""
    span = abs(days)
    if span < 100:
        return f"{span} d"
    years, months = divmod(round(span / 30.4375), 12)
    if not years:
        return f"{months} mo"
    return f"{years} y {months} mo" if months else f"{years} y"
