"""What a board pack holds: plain data, filled from the files and their git history
(report.py) and written out as Markdown, HTML, CSV or JSON (report_render.py).

Every string here is user data: renderers escape it for their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tui.core.git.boards import BoardMark as BoardMark  # the pack's names for them
from tui.core.git.boards import Revision as Revision
from tui.core.model.items import (
    RAG_ORDER as RAG_ORDER,  # red overdue, amber due soon, green on track, grey no date, done
)

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def month_name(month: date) -> str:
    """"December 2026"."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def long_date(day: date | None) -> str:
    """A date as people write it: "6 December 2026" (whatever the locale)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Update:
    date: date | None
    by: str
    text: str


@dataclass(frozen=True)
class Closure:
    approved_by: str
    board: str
    date: date | None


@dataclass(frozen=True)
class Assessment:
    """The owner's newest own RAG (`afi assess`)."""

    rag: str                # red | amber | green
    date: date | None
    by: str
    reason: str


Day = date  # `date` is also a field's name below


@dataclass(frozen=True)
class DueRevision:
    """One committed move of an item's due date."""

    date: Day               # the day it was committed
    old: Day | None
    new: Day | None
    reason: str             # "" when none was recorded
    by: str


@dataclass(frozen=True)
class Evidence:
    title: str
    location: str
    date: date | None


@dataclass(frozen=True)
class ReportItem:
    id: str
    title: str
    kind: str
    inspection: str
    area: str
    status: str
    rag: str                      # one of RAG_ORDER
    owner: str                    # "" when none
    lead: str                     # "" when none
    due: date | None
    original_due: date | None     # its first committed value
    due_revisions: int            # how many times a committed due date changed
    days_late: int | None         # overdue items only
    latest_update: Update | None
    closure: Closure | None
    evidence_count: int
    actions_done: int
    actions_total: int
    awaiting_signoff: bool        # delivered (complete) but not yet closed at a board
    decision: str = ""            # what the owner asks the board to decide ("" none)
    assessment: Assessment | None = None  # the owner's newest own RAG
    assessment_differs: bool = False      # it disagrees with `rag`
    stale_days: int | None = None  # open, no update for longer than stale_after_days (-1 never)
    due_history: tuple[DueRevision, ...] = ()  # every committed move, oldest first
    actions_added: int = 0        # in the period
    actions_completed: int = 0    # marked done in the period
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Flagged:
    """One kind of exception on the pack's first page: a count with the items named."""

    key: str                # overdue, stale, unowned, no-due-date, moved, closed-open-actions
    title: str
    meaning: str
    items: list[ReportItem]


@dataclass(frozen=True)
class FieldChange:
    """One change in the period, from one commit."""

    id: str                 # item id
    commit: str
    date: datetime
    author: str
    field: str  # "status", "due", "closure", "created", "update", "evidence", "owner", ...
    old: str | None
    new: str | None         # for "update": the update's text; for "evidence": its title
    reason: str | None = None  # due revisions: the reason recorded with the move


@dataclass(frozen=True)
class AreaCount:
    inspection: str
    area: str
    grade: str              # "" when ungraded
    rag: dict[str, int]     # RAG_ORDER -> count


@dataclass(frozen=True)
class InspectionCount:
    inspection: str
    title: str
    statuses: dict[str, int]  # status -> count, in the plan's status order
    rag: dict[str, int]


@dataclass(frozen=True)
class ProgressPoint:
    month: date             # first day of the month
    open: int               # items open at the end of that month
    done: int


@dataclass
class ReportData:
    plan_title: str
    generated: date               # "today"
    query: str                    # the items the pack covers ("" = all)
    as_of: Revision
    since: Revision | None        # start of the period of "changes since"
    statuses: tuple[str, ...]     # the plan's vocabulary, in order
    inspections: list[InspectionCount]
    areas: list[AreaCount]
    items: list[ReportItem]       # every item covered, by id
    overdue: list[ReportItem]     # most days late first
    awaiting_signoff: list[ReportItem]
    no_due_date: list[ReportItem]  # open items without a closedown date
    changes: list[FieldChange]    # oldest first
    progress: list[ProgressPoint]  # oldest month first
    boards: list[BoardMark] = field(default_factory=list)  # boards in the period
    board: str = ""               # the board the pack is for ("" not known)
    meeting: date | None = None   # the day it meets
    exceptions: list[Flagged] = field(default_factory=list)
    decisions: list[ReportItem] = field(default_factory=list)  # decisions asked for
    stale_after_days: int = 60

    @property
    def rag_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(RAG_ORDER, 0)
        for item in self.items:
            totals[item.rag] += 1
        return totals
