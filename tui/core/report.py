"""The board pack's content (docs/format.md §9), from the plan's files and git history.

The items are the plan as committed at `--as-of` (default HEAD; uncommitted edits are
left out, and said to be); the period is `--since` (default: the last board marked) to
as-of. Everything historical (original due dates and their revisions, the changes in the
period, the month-by-month progress) comes from the history index, built in the
foreground here if need be: a pack is not interactive, and it must be complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import boards
from .history_index import CommitInfo, HistoryIndex, PathChange
from .model import DUE_SOON, OVERDUE, Item, due_state, today
from .progress import NO_PROGRESS, Progress
from .report_model import (
    RAG_ORDER,
    AreaCount,
    Change,
    Closure,
    InspectionCount,
    ProgressPoint,
    ReportData,
    ReportItem,
    Revision,
    Update,
)

if TYPE_CHECKING:
    from .plan import Plan

# Progress updates afi writes itself to record a reason: shown with the change they explain.
REASON_PREFIXES = ("Due date moved from ", "Due date set to ", "Due date removed ", "Reopened (")


@dataclass
class _History:
    """An item's committed history, as the pack needs it."""

    original_due: date | None = None
    due_revisions: int = 0


def build_report(plan: Plan, query: str = "", since: str | None = None,
                 as_of: str | None = None, warn: Callable[[str], None] = lambda _: None,
                 progress: Progress = NO_PROGRESS) -> ReportData:
    repo = plan.repo()
    if as_of:
        view = plan.at(as_of)
        as_of_rev = view.revision
    else:
        as_of_rev = boards.head_revision(repo)
        view = plan
        dirty = repo.out("status", "--porcelain", "--", repo.relative(plan.dir)).strip()
        if dirty and as_of_rev.commit is not None:
            view = plan.at("HEAD")
            warn("the pack shows the plan as committed: edits not yet committed are left out "
                 "(`afi commit` them first)")
    on = as_of_rev.date.date() if as_of and as_of_rev.date else today()
    since_rev = _since(repo, since, as_of_rev)
    items = view.query(query, on=on)
    covered = {item.id.lower() for item in items}
    index = HistoryIndex(repo, plan.dir)
    index.progress = progress  # a long history is indexed here, in the foreground
    index.refresh(background=False)
    reachable = set(repo.out("rev-list", as_of_rev.commit).split()) \
        if as_of and as_of_rev.commit else None
    in_period = _commits_between(repo, since_rev, as_of_rev) if since_rev else set()
    # The history the pack reads, oldest first, decoded once for all three uses below.
    history = list(reversed(list(index.newest_first(reachable))))
    histories = _histories(history, covered)
    config = view.config
    report_items = [_report_item(item, config, on, histories.get(item.id.lower(), _History()))
                    for item in items]
    overdue = sorted((i for i in report_items if i.rag == "red"),
                     key=lambda i: (-(i.days_late or 0), i.id))
    return ReportData(
        plan_title=config.title, generated=today(), query=query, as_of=as_of_rev,
        since=since_rev, statuses=config.statuses,
        inspections=_inspection_counts(config, report_items),
        areas=_area_counts(config, report_items), items=report_items, overdue=overdue,
        awaiting_signoff=[i for i in report_items if i.awaiting_signoff],
        no_due_date=[i for i in report_items if i.due is None and i.rag != "done"],
        changes=_changes(history, in_period, covered),
        progress=_progress(history, covered, config, on),
        boards=_boards_in(repo, in_period))


# -- revisions ------------------------------------------------------------------------------
def _since(repo, since: str | None, as_of: Revision) -> Revision | None:
    """`--since`, else the last board that saw an ancestor of as-of (if any)."""
    if since:
        return boards.resolve(repo, since, start_of_day=True)
    for mark in boards.list_boards(repo):
        if as_of.commit and _is_ancestor(repo, mark.commit, as_of.commit):
            return boards.resolve(repo, mark.tag)
    return None


def _is_ancestor(repo, older: str, newer: str) -> bool:
    return repo.run("merge-base", "--is-ancestor", older, newer, check=False)[0] == 0


def _commits_between(repo, since: Revision, as_of: Revision) -> set[str]:
    if as_of.commit is None:
        return set()
    exclude = [f"^{since.commit}"] if since.commit else []
    return set(repo.out("rev-list", as_of.commit, *exclude).split())


def _boards_in(repo, in_period: set[str]):
    """Boards that saw the plan during the period (their commit is in it), oldest first."""
    return [m for m in reversed(boards.list_boards(repo)) if m.commit in in_period]


# -- items ----------------------------------------------------------------------------------
def _histories(history: list[tuple[CommitInfo, tuple[PathChange, ...]]],
               covered: set[str]) -> dict[str, _History]:
    """Original due date and number of revisions of each covered item, oldest first."""
    found: dict[str, _History] = {}
    for _, changes in history:
        for change in changes:
            key = change.item_id.lower()
            if key not in covered:
                continue
            history = found.setdefault(key, _History())
            for name, old, new in change.values:
                if name != "due":
                    continue
                if history.original_due is None and old is None and new is not None:
                    history.original_due = new
                elif old is not None and old != new:
                    history.due_revisions += 1
    return found


def _report_item(item: Item, config, on: date, history: _History) -> ReportItem:
    state = due_state(item, config, on)
    rag = "done" if state is None else "red" if state == OVERDUE else \
        "amber" if state == DUE_SOON else "green"
    data = item.data
    updates = [u for u in data.get("updates", []) if isinstance(u, dict)]
    latest = max(updates, key=lambda u: (u.get("date") or date.min), default=None)
    closure = data.get("closure") if isinstance(data.get("closure"), dict) else None
    actions = [a for a in data.get("actions", []) if isinstance(a, dict)]
    return ReportItem(
        id=item.id, title=item.title, kind=str(data.get("kind", "")),
        inspection=str(data.get("inspection", "")), area=str(data.get("area", "")),
        status=item.status, rag=rag, owner=str(data.get("owner", "")),
        lead=str(data.get("lead", "")), due=item.due,
        original_due=history.original_due or item.due,
        due_revisions=history.due_revisions,
        days_late=(on - item.due).days if rag == "red" and item.due else None,
        latest_update=Update(latest.get("date"), str(latest.get("by", "")),
                             str(latest.get("text", ""))) if latest else None,
        closure=Closure(str(closure.get("approved_by", "")), str(closure.get("board", "")),
                        closure.get("date")) if closure else None,
        evidence_count=len(data.get("evidence", []) or []),
        actions_done=sum(1 for a in actions if a.get("done")), actions_total=len(actions),
        awaiting_signoff=config.is_awaiting_signoff(item.status))


def _rag(items: list[ReportItem]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for item in items:
        counts[item.rag] += 1
    return counts


def _inspection_counts(config, items: list[ReportItem]) -> list[InspectionCount]:
    rows = []
    for inspection in config.inspections:
        mine = [i for i in items if i.inspection == inspection.id]
        if mine:
            statuses = {s: sum(1 for i in mine if i.status == s) for s in config.statuses}
            rows.append(InspectionCount(inspection.id, inspection.title, statuses, _rag(mine)))
    return rows


def _area_counts(config, items: list[ReportItem]) -> list[AreaCount]:
    rows, seen = [], set()
    for area in config.areas:
        mine = [i for i in items if i.inspection == area.inspection and i.area == area.name]
        seen.add((area.inspection, area.name))
        if mine:
            rows.append(AreaCount(area.inspection, area.name, area.grade, _rag(mine)))
    for item in items:  # areas plan.toml does not list (allowed when it lists none)
        key = (item.inspection, item.area)
        if key not in seen:
            seen.add(key)
            mine = [i for i in items if (i.inspection, i.area) == key]
            rows.append(AreaCount(item.inspection, item.area, "", _rag(mine)))
    return rows


# -- the period -----------------------------------------------------------------------------
def _changes(history: list[tuple[CommitInfo, tuple[PathChange, ...]]], commits: set[str],
             covered: set[str]) -> list[Change]:
    """What boards ask about, change by change, oldest first."""
    found: list[Change] = []
    if not commits:
        return found
    for info, changes in history:
        if info.sha not in commits:
            continue
        for change in changes:
            if change.item_id.lower() in covered:
                found += _item_changes(info, change)
    return found


def _item_changes(info: CommitInfo, change: PathChange) -> list[Change]:
    when = datetime.fromisoformat(info.date)

    def make(field: str, old: Any, new: Any, reason: str | None = None) -> Change:
        return Change(change.item_id, info.sha, when, info.author, field, _text(old),
                      _text(new), reason)

    out = []
    if change.fields == ("created",):
        status = dict((k, n) for k, _, n in change.values).get("status")
        out.append(make("created", None, status))
    reasons = [text for _, _, text in change.updates if text.startswith(REASON_PREFIXES)]
    for name, old, new in change.values:
        if change.fields == ("created",) and name != "closure":
            continue
        if name == "closure":
            if new is not None:
                approved_by, board, on = new
                out.append(make("closure", None, f"{approved_by} at {board} on {on}"))
        elif name == "due":
            reason = next((r.split(": ", 1)[1] for r in reasons
                           if r.startswith("Due date") and ": " in r), None)
            out.append(make("due", old, new, reason))
        elif name == "status" and old is not None:
            reason = next((r.split(": ", 1)[1] for r in reasons
                           if r.startswith("Reopened") and ": " in r), None)
            out.append(make("status", old, new, reason))
        elif name in ("owner", "lead"):
            out.append(make(name, old, new))
    out += [make("update", None, text) for _, _, text in change.updates
            if not text.startswith(REASON_PREFIXES)]
    out += [make("evidence", None, title) for title in change.evidence]
    return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _progress(history: list[tuple[CommitInfo, tuple[PathChange, ...]]], covered: set[str],
              config, on: date) -> list[ProgressPoint]:
    """Open and done items at the end of each month, replaying statuses from history."""
    status: dict[str, str | None] = {}
    points: list[ProgressPoint] = []
    month: date | None = None
    for info, changes in history:
        when = datetime.fromisoformat(info.date).date()
        if month is None:
            month = when.replace(day=1)
        while _month_end(month) < when:
            points.append(_point(month, status, config))
            month = _next_month(month)
        for change in changes:
            key = change.item_id.lower()
            if change.old_path is not None:
                status.pop(change.old_path.rsplit("/", 1)[-1][:-5].lower(), None)
            if key in covered:
                status[key] = None if change.fields == ("deleted",) else change.status
    while month is not None and month <= on.replace(day=1):
        points.append(_point(month, status, config))
        month = _next_month(month)
    return points


def _point(month: date, status: dict[str, str | None], config) -> ProgressPoint:
    present = [s for s in status.values() if s is not None]
    done = sum(1 for s in present if config.is_done(s))
    return ProgressPoint(month, len(present) - done, done)


def _month_end(month: date) -> date:
    return _next_month(month) - timedelta(days=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
