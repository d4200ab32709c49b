"""The board pack's content (docs/format.md §9), from the plan's files and git history.

The items are the plan as committed at `--as-of` (default HEAD; uncommitted edits are
left out, and said to be); the period is `--since` (default: the last board marked) to
as-of. Everything historical (original due dates and their revisions, the changes in the
period, the month-by-month progress) comes from the history index, built in the
foreground here if need be: a pack is not interactive, and it must be complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tui.core.errors import InvalidValue
from tui.core.git import boards, revs, worktree
from tui.core.git.history_index import CommitInfo, HistoryIndex, PathChange
from tui.core.model.attention import latest_update, stale_days
from tui.core.model.items import (
    Item,
    assessment_differs,
    latest_assessment,
    month_end,
    rag,
    today,
)
from tui.core.pack.model import (
    RAG_ORDER,
    AreaCount,
    Assessment,
    BoardMark,
    Closure,
    DueRevision,
    Evidence,
    FieldChange,
    Flagged,
    InspectionCount,
    ProgressPoint,
    ReportData,
    ReportItem,
    Revision,
    Update,
)
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.write.values import REASON_PREFIXES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import GitRepo
    from tui.core.model.items import PlanConfig
    from tui.core.plan import Plan


@dataclass
class _History:
    """An item's committed history, as the pack needs it."""

    original_due: date | None = None
    due_revisions: int = 0
    due_history: list[DueRevision] = field(default_factory=list)
    first_seen: date | None = None    # its first commit
    done_on: date | None = None       # the commit that last made it done
    actions_added: int = 0            # in the period
    actions_completed: int = 0


def build_report(plan: Plan, query: str = "", since: str | None = None,
                 as_of: str | None = None, warn: Callable[[str], None] = lambda _: None,
                 progress: Progress = NO_PROGRESS, board: str | None = None,
                 meeting: date | None = None) -> ReportData:
    repo = plan.repo()
    if as_of:
        view = plan.at(as_of)
        assert view.revision is not None  # a plan read from history names its commit
        as_of_rev = view.revision
    else:
        as_of_rev = boards.head_revision(repo)
        view = plan
        if worktree.dirty_files(repo, plan.dir) and as_of_rev.commit is not None:
            view = plan.at("HEAD")
            warn("the pack shows the plan as committed: edits not yet committed are left out "
                 "(`afi commit` them first)")
    config = view.config
    if board is not None:
        board = " ".join(board.split())
        if config.boards and board not in config.boards:
            raise InvalidValue(f"unknown board '{board}': plan.toml names "
                               f"{'; '.join(config.boards)}")
    on = as_of_rev.date.date() if as_of and as_of_rev.date else today()
    since_rev = _since(repo, since, as_of_rev)
    items = view.query(query, on=on)
    covered = {item.id.lower() for item in items}
    index = HistoryIndex(repo, plan.dir)
    index.progress = progress  # a long history is indexed here, in the foreground
    index.refresh(background=False)
    reachable = revs.commits_in(repo, as_of_rev.commit) \
        if as_of and as_of_rev.commit else None
    in_period = _commits_between(repo, since_rev, as_of_rev) if since_rev else set()
    # The history the pack reads, oldest first, decoded once for all three uses below.
    history = list(reversed(list(index.newest_first(reachable))))
    histories = _histories(history, covered, in_period, config)
    report_items = [_report_item(item, config, on, histories.get(item.id.lower(), _History()))
                    for item in items]
    overdue = sorted((i for i in report_items if i.rag == "red"),
                     key=lambda i: (-(i.days_late or 0), i.id))
    marks = boards.list_boards(repo)
    board_name, meeting = _meeting(marks, board, meeting, as_of, since_rev, as_of_rev)
    return ReportData(
        plan_title=config.title or "", generated=today(), query=query, as_of=as_of_rev,
        since=since_rev, statuses=config.statuses,
        inspections=_inspection_counts(config, report_items),
        areas=_area_counts(config, report_items), items=report_items, overdue=overdue,
        awaiting_signoff=[i for i in report_items if i.awaiting_signoff],
        no_due_date=[i for i in report_items if i.rag == "grey"],
        changes=_changes(history, in_period, covered),
        progress=_progress(items, histories, config, on),
        boards=_boards_in(marks, in_period, since_rev),
        board=board_name, meeting=meeting,
        exceptions=_exceptions(report_items, overdue, config),
        decisions=[i for i in report_items if i.decision],
        stale_after_days=config.stale_after_days)


def _meeting(marks: list[BoardMark], board: str | None, meeting: date | None,
             as_of: str | None, since: Revision | None,
             as_of_rev: Revision) -> tuple[str, date | None]:
    """The board the pack is for and the day it meets: as given; else the board whose tag
    `--as-of` names (the meeting that saw this plan); else the board that opened the
    period, meeting again (its name only)."""
    by_commit_label = {m.tag: m for m in marks}

    def mark_for(revision: Revision | None) -> BoardMark | None:
        if revision is None:
            return None
        label = revision.label.removeprefix(boards.TAG_PREFIX)
        return by_commit_label.get(boards.TAG_PREFIX + label) or (
            marks[0] if revision.label == boards.LAST_BOARD and marks else None)

    seen = mark_for(as_of_rev) if as_of else None
    if seen is not None:
        return board or seen.name, meeting or seen.date
    opened = mark_for(since)
    return board or (opened.name if opened else ""), meeting


# -- revisions ------------------------------------------------------------------------------
def _since(repo: GitRepo, since: str | None, as_of: Revision) -> Revision | None:
    """`--since`, else the last board that saw an ancestor of as-of (if any)."""
    if since:
        return boards.find_revision(repo, since, start_of_day=True)
    for mark in boards.list_boards(repo):
        if as_of.commit and _is_ancestor(repo, mark.commit, as_of.commit):
            return boards.find_revision(repo, mark.tag)
    return None


def _is_ancestor(repo: GitRepo, older: str, newer: str) -> bool:
    return revs.is_ancestor(repo, older, newer)


def _commits_between(repo: GitRepo, since: Revision, as_of: Revision) -> set[str]:
    if as_of.commit is None:
        return set()
    return revs.commits_in(repo, as_of.commit, after=since.commit)


def _boards_in(marks: list[BoardMark], in_period: set[str],
              since: Revision | None) -> list[BoardMark]:
    """Boards that saw the plan during the period (their commit is in it), and the one
    whose meeting opened it, oldest first."""
    opening = since.commit if since is not None else None
    return [m for m in reversed(marks) if m.commit in in_period or m.commit == opening]


# -- items ----------------------------------------------------------------------------------
def _histories(history: list[tuple[CommitInfo, tuple[PathChange, ...]]],
               covered: set[str], in_period: set[str], config: PlanConfig) -> dict[str, _History]:
    """What the pack reads from each covered item's commits, oldest first: its original
    due date and every move (with the reason kept with it), when it first appeared and
    last became done, and the actions added and completed in the period."""
    found: dict[str, _History] = {}
    for info, changes in history:
        when = datetime.fromisoformat(info.date).date()
        for change in changes:
            key = change.item_id.lower()
            if key not in covered:
                continue
            record = found.setdefault(key, _History())
            if record.first_seen is None:
                record.first_seen = when
            for name, old, new in change.values:
                if name == "due":
                    if record.original_due is None and old is None and new is not None \
                            and not record.due_history:
                        record.original_due = new
                    elif old is not None and old != new:
                        record.due_revisions += 1
                    if old is not None or record.due_history:
                        record.due_history.append(DueRevision(when, old, new,
                                                              _reason(change, "Due date")
                                                              or "", info.author))
                elif name == "status" and isinstance(new, str) and isinstance(old, str):
                    if config.is_done(new) and not config.is_done(old):  # not created done
                        record.done_on = when
                elif name == "actions" and info.sha in in_period:
                    before, after = dict(old or ()), new or ()
                    record.actions_added += sum(1 for text, _ in after if text not in before)
                    record.actions_completed += sum(1 for text, done in after
                                                    if done and before.get(text) is not True)
    return found


def _reason(change: PathChange, prefix: str) -> str | None:
    """The reason afi kept, as a progress update in the same commit, for a change."""
    return next((text.split(": ", 1)[1] for _, _, text in change.updates
                 if text.startswith(prefix) and ": " in text), None)


def _report_item(item: Item, config: PlanConfig, on: date, history: _History) -> ReportItem:
    derived = rag(item, config, on)
    data = item.data
    latest = latest_update(item)
    closure = data.get("closure") if isinstance(data.get("closure"), dict) else None
    actions = [a for a in data.get("actions", []) if isinstance(a, dict)]
    evidence = tuple(Evidence(str(e.get("title", "")), str(e.get("location", "") or ""),
                              e.get("date") if isinstance(e.get("date"), date) else None)
                     for e in data.get("evidence", []) or () if isinstance(e, dict))
    assessed = latest_assessment(item)
    assessment = Assessment(assessed["rag"], assessed.get("date"), str(assessed.get("by", "")),
                            str(assessed.get("reason", ""))) if assessed else None
    return ReportItem(
        id=item.id, title=item.title, kind=str(data.get("kind", "")),
        inspection=str(data.get("inspection", "")), area=str(data.get("area", "")),
        status=item.status, rag=derived, owner=str(data.get("owner", "")),
        lead=str(data.get("lead", "")), due=item.due,
        original_due=history.original_due or item.due,
        due_revisions=history.due_revisions,
        days_late=(on - item.due).days if derived == "red" and item.due else None,
        latest_update=Update(latest.get("date"), str(latest.get("by", "")),
                             str(latest.get("text", ""))) if latest else None,
        closure=Closure(str(closure.get("approved_by", "")), str(closure.get("board", "")),
                        closure.get("date")) if closure else None,
        evidence_count=len(evidence),
        actions_done=sum(1 for a in actions if a.get("done")), actions_total=len(actions),
        awaiting_signoff=config.is_awaiting_signoff(item.status),
        decision=str(data.get("decision", "") or ""), assessment=assessment,
        assessment_differs=assessment_differs(assessment.rag if assessment else None, derived),
        stale_days=stale_days(item, config, on), due_history=tuple(history.due_history),
        actions_added=history.actions_added, actions_completed=history.actions_completed,
        evidence=evidence)


EXCEPTIONS = (  # (key, title, meaning): the first page, in this order
    ("overdue", "Overdue", "open past their due date"),
    ("stale", "Stale updates", "no progress update for more than {days} days"),
    ("unowned", "Awaiting allocation", "open with no owner"),
    ("no-due-date", "No due date", "open with no closedown date"),
    ("moved", "Dates moved more than once", "open items whose due date has slipped twice "
                                            "or more"),
    ("closed-open-actions", "Closed with actions still open", "signed off while some of "
                                                              "their actions are not done"),
)


def _exceptions(items: list[ReportItem], overdue: list[ReportItem],
                config: PlanConfig) -> list[Flagged]:
    open_items = [i for i in items if i.rag != "done"]
    chosen = {
        "overdue": overdue,
        "stale": sorted((i for i in open_items if i.stale_days is not None),
                        key=lambda i: (i.stale_days != -1, -(i.stale_days or 0), i.id)),
        "unowned": [i for i in open_items if not i.owner.strip()],
        "no-due-date": [i for i in open_items if i.due is None],
        "moved": [i for i in open_items if i.due_revisions > 1],
        "closed-open-actions": [i for i in items if i.status == config.closed_status
                                and i.actions_done < i.actions_total],
    }
    return [Flagged(key, title, meaning.format(days=config.stale_after_days), chosen[key])
            for key, title, meaning in EXCEPTIONS]


def _rag(items: list[ReportItem]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for item in items:
        counts[item.rag] += 1
    return counts


def _inspection_counts(config: PlanConfig, items: list[ReportItem]) -> list[InspectionCount]:
    rows = []
    for inspection in config.inspections:
        mine = [i for i in items if i.inspection == inspection.id]
        if mine:
            statuses = {s: sum(1 for i in mine if i.status == s) for s in config.statuses}
            rows.append(InspectionCount(inspection.id, inspection.title, statuses, _rag(mine)))
    return rows


def _area_counts(config: PlanConfig, items: list[ReportItem]) -> list[AreaCount]:
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
             covered: set[str]) -> list[FieldChange]:
    """What boards ask about, change by change, oldest first."""
    found: list[FieldChange] = []
    if not commits:
        return found
    for info, changes in history:
        if info.sha not in commits:
            continue
        for change in changes:
            if change.item_id.lower() in covered:
                found += _item_changes(info, change)
    return found


def _item_changes(info: CommitInfo, change: PathChange) -> list[FieldChange]:
    when = datetime.fromisoformat(info.date)

    def make(field: str, old: Any, new: Any, reason: str | None = None) -> FieldChange:
        return FieldChange(change.item_id, info.sha, when, info.author, field, _text(old),
                           _text(new), reason)

    out = []
    if change.fields == ("created",):
        status = dict((k, n) for k, _, n in change.values).get("status")
        out.append(make("created", None, status))
    for name, old, new in change.values:
        if change.fields == ("created",) and name != "closure":
            continue
        if name == "closure":
            if new is not None:
                approved_by, board, on = new
                out.append(make("closure", None, f"{approved_by} at {board} on {on}"))
        elif name == "due":
            out.append(make("due", old, new, _reason(change, "Due date")))
        elif name == "status" and old is not None:
            out.append(make("status", old, new, _reason(change, "Reopened")))
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


def _progress(items: list[Item], histories: dict[str, _History], config: PlanConfig,
              on: date) -> list[ProgressPoint]:
    """Open and done items at the end of each month, from every dated fact the files
    hold as well as their commits: an item counts from its earliest (first commit,
    progress updates, evidence, assessments, due dates, closure) and as done from its
    closure date, else the commit that made it done, else its latest dated fact. A plan
    brought in today so shows its history since its inspection."""
    spans: list[tuple[date, date | None]] = []
    for item in items:
        history = histories.get(item.id.lower(), _History())
        facts = _dated_facts(item)
        facts += [r.new for r in history.due_history if r.new is not None]
        if history.original_due is not None:
            facts.append(history.original_due)
        facts = [d for d in facts if d <= on]
        # The first commit counts for the start only: an item brought in already done
        # (an imported tracker's completed rows) was not done on the day it was imported.
        seen = [history.first_seen] if history.first_seen is not None else []
        start = min(facts + seen, default=on)
        done_on = None
        if config.is_done(item.status):
            closure = item.data.get("closure")
            closed = closure.get("date") if isinstance(closure, dict) else None
            done_on = closed if isinstance(closed, date) else history.done_on or \
                max(facts or seen, default=on)
            done_on = max(start, min(done_on, on))
        spans.append((start, done_on))
    if not spans:
        return []
    points = []
    month = min(start for start, _ in spans).replace(day=1)
    while month <= on.replace(day=1):
        end = min(month_end(month.year, month.month), on)
        started = [done for start, done in spans if start <= end]
        done = sum(1 for d in started if d is not None and d <= end)
        points.append(ProgressPoint(month, len(started) - done, done))
        month = _next_month(month)
    return points


def _dated_facts(item: Item) -> list[date]:
    data = item.data
    found = [value for key in ("updates", "evidence", "assessments")
             for entry in data.get(key, []) or () if isinstance(entry, dict)
             for value in [entry.get("date")] if isinstance(value, date)]
    closure = data.get("closure")
    if isinstance(closure, dict) and isinstance(closure.get("date"), date):
        found.append(closure["date"])
    if item.due is not None:
        found.append(item.due)
    return found


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
