"""The schema, defined once (docs/format.md §2 and §3): item keys and plan.toml settings.

Every key of an item file: its TOML type, whether it is required, whether `afi set` and
the edit form may change it, whether an empty value clears it, whether a plan vocabulary
constrains it, whether and how the query language matches it, whether the history index
follows it, how it is labelled and what it means; every plan.toml setting with its
default; and the grade scales. Validation and PlanConfig's defaults (validate.py,
items.py), `set` (write/change.py), the cache's index fields, new keys' position in a file
(tomledit.py), commit messages, the query language's fields (query.py), the history
index's followed fields, `afi list`'s CSV columns, the detail, edit and new-item screens'
labels, the editor schemas (json_schema.py) and docs/format.md's tables (schema_docs.py)
derive from it, so adding a field touches this file.
"""

from __future__ import annotations

from tui.core.model.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# TOML types a key may hold.
STRING, DATE, INTEGER, BOOLEAN, STRINGS, IDS, TABLES, TABLE, MAP = (
    "string", "date", "integer", "boolean", "strings", "ids", "tables", "table", "map")
# A MAP is a table of names the user chooses, each holding a value of the kind its one
# part declares ([views]: name -> query).
# A field's `vocabulary` names the list its values come from (PlanConfig.vocabulary):
# "kinds", "statuses", "inspections", "areas", "boards" or "rags" (an owner's assessment);
# in plan.toml also "scales" and "colours" (fixed lists, model.py).

# The grade scales an inspection may use (plan.toml's [[inspections]] scale), best first:
# validation, the inspection-report importer and docs/format.md read this one table.
GRADE_SCALES: dict[str, tuple[str, ...]] = {
    "peel-5": ("outstanding", "good", "adequate", "requires improvement", "inadequate"),
    "peel-4": ("outstanding", "good", "requires improvement", "inadequate"),
    "hmic-4": ("excellent", "good", "fair", "poor"),
}

# How a query field matches (query.py): the whole value, or a part of it (of any one
# string of an array of strings).
EQUAL, SUBSTRING = "equal", "substring"


class Field(Record):
    """One key of an item file or of plan.toml, and what afi does with it."""

    key: str
    type: str               # one of the TOML types above
    label: str
    meaning: str
    required: bool = False
    settable: bool = False      # `afi set KEY=VALUE`, the edit form, Change.set
    clearable: bool = False     # an empty value (or `none`) removes the key
    multiline: bool = False     # may hold line breaks
    long: bool = False          # named, not quoted, in commit messages
    indexed: bool = False       # kept in the cache's index: listed, sorted and queried fast
    vocabulary: str | None = None
    parts: tuple[Field, ...] = ()  # the keys of each table (TABLES, TABLE)
    none_clears: bool = False   # `none` clears it as an empty value does (dates, numbers...)
    match: str | None = None    # a query field (`key:value`): EQUAL or SUBSTRING, ignoring case
    query_name: str | None = None  # its name in a query, when not its key (tags -> tag:)
    followed: bool = False      # boards follow it: the history index keeps its old and new values
    default: Any = None         # a plan.toml setting's value when plan.toml leaves it out

    @property
    def is_table(self) -> bool:
        return self.type in (TABLES, TABLE)

    def part(self, key: str) -> Field | None:
        return next((p for p in self.parts if p.key == key), None)


ITEM_FIELDS: tuple[Field, ...] = (
    Field("id", STRING, "Id", "`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, equal to the "
          "file name without `.toml`; unique ignoring case",
          required=True, indexed=True, match=EQUAL),
    Field("kind", STRING, "Kind", "`afi`, `recommendation` or `cause-of-concern`", required=True,
          settable=True, indexed=True, vocabulary="kinds", match=EQUAL),
    Field("inspection", STRING, "Inspection", "an inspection id from plan.toml", required=True,
          indexed=True, vocabulary="inspections", match=EQUAL),
    Field("number", INTEGER, "Number", "its number in the plan or report, 0 or more", settable=True,
          clearable=True, indexed=True),
    Field("area", STRING, "Area", "the inspection area it sits under (one of the plan's areas "
          "for its inspection, when plan.toml lists them)", required=True, settable=True,
          indexed=True, vocabulary="areas", match=SUBSTRING, followed=True),
    Field("title", STRING, "Title", "the finding's wording, as published", required=True,
          settable=True, long=True, indexed=True, match=SUBSTRING),
    Field("detail", STRING, "Detail", "the explanatory text under it in the report",
          settable=True, clearable=True, multiline=True, long=True),
    Field("status", STRING, "Status", "one of the plan's statuses", required=True,
          settable=True, indexed=True, vocabulary="statuses", match=EQUAL,
          followed=True),
    Field("owner", STRING, "Business owner", "the business owner, who delivers it",
          settable=True, clearable=True, indexed=True, match=SUBSTRING, followed=True),
    Field("lead", STRING, "Chief officer lead", "the chief officer lead, accountable for it",
          settable=True, clearable=True, indexed=True, match=SUBSTRING, followed=True),
    Field("due", DATE, "Due", "current anticipated completion (TOML local date, "
          "unquoted); moving it needs a reason",
          settable=True, clearable=True, indexed=True, followed=True),
    Field("group", STRING, "Group", "items handled together share a group", settable=True,
          clearable=True, indexed=True, match=SUBSTRING),
    Field("decision", STRING, "Decision needed", "a decision the owner asks the board for "
          "(`afi set ID decision=TEXT`; `decision=none` clears it): listed under \"Decisions "
          "needed\" in the pack", settable=True, clearable=True, long=True,
          indexed=True, none_clears=True),
    Field("links", IDS, "Links", "related items"),
    Field("tags", STRINGS, "Tags", "free labels", indexed=True, match=SUBSTRING,
          query_name="tag"),
    Field("actions", TABLES, "Actions", "what is being done", followed=True, parts=(
        Field("text", STRING, "Action", "what will be done", required=True, multiline=True),
        Field("done", BOOLEAN, "Done", "true once delivered"),
        Field("owner", STRING, "Owner", "who does it"),
        Field("due", DATE, "Due", "when it is due"),
    )),
    Field("updates", TABLES, "Progress", "append-only progress log", parts=(
        Field("date", DATE, "Date", "when", required=True),
        Field("by", STRING, "By", "who reported it"),
        Field("text", STRING, "Update", "what happened", required=True, multiline=True),
    )),
    Field("evidence", TABLES, "Evidence", "what shows it is done", parts=(
        Field("title", STRING, "Evidence", "what it is", required=True),
        Field("location", STRING, "Location", "where it is kept"),
        Field("date", DATE, "Date", "its date"),
    )),
    Field("assessments", TABLES, "Assessments", "the owner's own RAG, a dated history (`afi "
          "assess`); the newest (latest date, then last written) is the current one",
          indexed=True, parts=(
        Field("date", DATE, "Date", "when", required=True),
        Field("by", STRING, "By", "who assessed it"),
        Field("rag", STRING, "RAG", "`red`, `amber` or `green`", required=True, vocabulary="rags"),
        Field("reason", STRING, "Reason", "why", required=True, multiline=True),
    )),
    Field("closure", TABLE, "Closure", "the sign-off, required on a closed item",
          followed=True, parts=(
        Field("approved_by", STRING, "Approved by", "who signed it off", required=True),
        Field("board", STRING, "Board", "the board that closed it (one of the plan's boards, "
              "when plan.toml lists them)", required=True, vocabulary="boards"),
        Field("date", DATE, "Date", "when", required=True),
    )),
)

FIELDS = {f.key: f for f in ITEM_FIELDS}
SETTABLE = tuple(f.key for f in ITEM_FIELDS if f.settable)
CLEARABLE = frozenset(f.key for f in ITEM_FIELDS if f.clearable)
INDEX_KEYS = tuple(f.key for f in ITEM_FIELDS if f.indexed)
LONG_TEXT = frozenset(f.key for f in ITEM_FIELDS if f.long)
# Where a key not yet in a file goes: after the nearest of these before it.
FILE_ORDER = tuple(f.key for f in ITEM_FIELDS if not f.is_table)
# The query language's `name:value` fields, by their query name, in the order help and
# errors list them (docs/format.md §5); a field declared later is listed after these.
_QUERY_ORDER = ("status", "kind", "inspection", "id", "area", "owner", "lead", "group", "tag",
                "title")
QUERY_FIELDS = dict(sorted(
    ((f.query_name or f.key, f) for f in ITEM_FIELDS if f.match),
    key=lambda pair: (_QUERY_ORDER + (pair[0],)).index(pair[0])))


# plan.toml's settings (docs/format.md §2), read by validate.check_plan into a PlanConfig.
# Declared here so that the editor schema (json_schema.py) follows the same declarations
# as the item files.
PLAN_FIELDS: tuple[Field, ...] = (
    Field("title", STRING, "Title", "the plan's title", required=True),
    Field("due_soon_days", INTEGER, "Due soon", "items due within this many days show as "
          "due soon (0 to 3650)", default=45),
    Field("stale_after_days", INTEGER, "Stale after", "an open item with no progress update "
          "for longer than this many days is stale (1 to 3650)", default=60),
    Field("inspections", TABLES, "Inspections", "each inspection whose findings the plan "
          "tracks", parts=(
        Field("id", STRING, "Id", "the prefix of its items' ids", required=True),
        Field("title", STRING, "Title", "the inspection's title"),
        Field("scale", STRING, "Scale", "its grade scale", vocabulary="scales"),
    )),
    Field("areas", TABLES, "Areas", "the inspection areas items sit under", parts=(
        Field("inspection", STRING, "Inspection", "the inspection it belongs to",
              vocabulary="inspections"),
        Field("name", STRING, "Name", "the area's name", required=True),
        Field("grade", STRING, "Grade", "the grade the inspection gave it"),
    )),
    Field("statuses", STRINGS, "Statuses", "the status vocabulary, in order (the first is "
          "what `afi new` uses)", default=("not-started", "in-progress", "complete", "closed",
                                         "superseded")),
    Field("done_statuses", STRINGS, "Done statuses", "statuses that count as done (those of "
          "the default listed in statuses)", vocabulary="statuses",
          default=("complete", "closed", "superseded")),
    Field("closed_status", STRING, "Closed status", "the done status that needs a sign-off "
          "(the default when statuses lists it)", vocabulary="statuses", default="closed"),
    Field("awaiting_signoff_statuses", STRINGS, "Awaiting sign-off", "done statuses "
          "delivered but not yet signed off (the default when statuses lists it)",
          vocabulary="statuses", default=("complete",)),
    Field("boards", STRINGS, "Boards", "the boards that sign items off"),
    Field("due_change_needs_reason", BOOLEAN, "Due change needs a reason", "moving a due "
          "date needs a reason", default=True),
    Field("views", MAP, "Views", "saved queries by name",
          parts=(Field("*", STRING, "Query", "a query"),)),
    Field("status_colours", MAP, "Status colours", "a colour for each status",
          parts=(Field("*", STRING, "Colour", "a colour name", vocabulary="colours"),)),
    Field("import_statuses", MAP, "Import statuses", "a tracker's status words -> statuses",
          parts=(Field("*", STRING, "Status", "one of the statuses", vocabulary="statuses"),)),
    Field("people", MAP, "People", "owners by name: their e-mail address for chase lists, "
          "and the name they commit under (owner:me)", parts=(
        Field("*", TABLE, "Person", "one owner", parts=(
            Field("email", STRING, "E-mail", "their address", required=True),
            Field("git_name", STRING, "Git name", "git's user.name, when it differs"),
        )),)),
)
PLAN_KEYS = {f.key: f for f in PLAN_FIELDS}
