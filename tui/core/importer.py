"""Bringing a plan in (`afi import report`, `afi import table`; docs/format.md §11).

Both importers end here. `ImportPlan` says what would be written: the items with their
ids (as `afi new` makes them), the inspection and graded areas to add to plan.toml, and
every doubt the readers had. `dry_run_table` shows it; `apply` checks every item against
the plan.toml that will be committed, then writes plan.toml and the items as one commit
(journalled like every write) whose message names the source file. Nothing is written if
anything is wrong; an id that exists already is refused unless `update` fills it instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import messages
from .errors import AfiError, InvalidItem, Problem
from .model import ID_RE, today
from .schema import FILE_ORDER
from .store import ITEMS_DIR, PLAN_FILE, config_from_text, read_text
from .tomledit import ItemDocument
from .validate import check_item

if TYPE_CHECKING:
    from .gitrepo import Commit
    from .plan import Plan
    from .report_import import ReportFindings
    from .table_import import TableImport


@dataclass
class PlannedItem:
    item_id: str
    fields: dict[str, Any]
    source: str                   # where it came from: "line 120", "rows 4-6"
    actions: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    closure: dict | None = None
    notes: list[str] = field(default_factory=list)
    existing: bool = False        # fills an item the plan has (--update)
    skipped: str = ""             # why it is left out (--skip-bad)


@dataclass
class ImportPlan:
    source: str                   # the file's name, for the commit message
    items: list[PlannedItem]
    inspection: dict | None = None  # {"id", "title", "scale"} to add to plan.toml
    areas: list[tuple[str, str, str]] = field(default_factory=list)  # (inspection, name, grade)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what stops the import


# -- from a report ----------------------------------------------------------------------------
def plan_report(plan: Plan, found: ReportFindings, source: Path, inspection: str,
                title: str | None = None, scale: str | None = None, update: bool = False,
                skip_bad: bool = False) -> ImportPlan:
    """Items for each finding, numbered as the report numbers them or, where it does not,
    by their place in it (each kind counted on its own), and said so."""
    config = plan.config
    result = ImportPlan(source.name, [], warnings=list(found.warnings))
    known = inspection in config.inspection_ids()
    if not known:
        result.inspection = {"id": inspection, "title": title or found.title or inspection,
                             "scale": scale or found.scale or ""}
        result.areas = [(inspection, name, grade) for name, grade in found.grades.items()]
        result.areas += [(inspection, f.area, "") for f in found.findings
                         if f.area and f.area not in found.grades
                         and (inspection, f.area, "") not in result.areas]
    by_kind: dict[str, int] = {}
    unnumbered = set()
    for finding in found.findings:
        by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
        number = finding.number
        if number is None:
            number = by_kind[finding.kind]
            unnumbered.add(finding.kind)
        fields = {"kind": finding.kind, "inspection": inspection, "number": number,
                  "area": finding.area, "title": finding.title,
                  "detail": finding.detail or None, "status": config.statuses[0]}
        item = PlannedItem("", fields, f"line {finding.line}", notes=list(finding.notes))
        if finding.area is None:
            _bad(result, item, f"line {finding.line}: {finding.title[:60]!r} could not be "
                               "placed in an area of the report", skip_bad)
        result.items.append(item)
    for kind in sorted(unnumbered):
        result.warnings.append(f"the report does not number its {_plural(kind)}: they are "
                               "numbered by their place in it")
    _assign_ids(plan, result, inspection, update, match_titles=True)
    return result


# -- from a tracker -----------------------------------------------------------------------------
def plan_table(plan: Plan, table: TableImport, source: Path, inspection: str | None,
               update: bool = False, skip_bad: bool = False) -> ImportPlan:
    result = ImportPlan(source.name, [])
    result.problems = [f"row {p.row}: {p.message}" for p in table.problems]
    bad_rows = {p.row for p in table.problems}
    if skip_bad and result.problems:
        result.warnings += [f"left out {p}" for p in result.problems]
        result.problems = []
    config = plan.config
    for imported in table.items:
        fields = dict(imported.fields)
        fields.setdefault("kind", "afi")
        fields.setdefault("status", config.statuses[0])
        if inspection and not fields.get("inspection"):
            fields["inspection"] = inspection
        rows = imported.rows
        where = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}-{rows[-1]}"
        item = PlannedItem(imported.item_id or "", fields, where, list(imported.actions),
                           list(imported.updates), imported.closure, list(imported.notes))
        if skip_bad and bad_rows.intersection(rows):
            item.skipped = f"{where}: a row of it cannot be read"
        elif not fields.get("inspection"):
            _bad(result, item, f"{where}: no inspection: give --inspection ID", skip_bad)
        if not fields.get("title"):
            _bad(result, item, f"{where}: no finding or title", skip_bad)
        result.items.append(item)
    new = sorted({str(i.fields.get("inspection")) for i in result.items if not i.skipped
                  and i.fields.get("inspection")} - config.inspection_ids())
    if len(new) == 1:
        result.inspection = {"id": new[0], "title": new[0], "scale": ""}
    elif new:
        result.problems.append(f"inspections not in plan.toml: {', '.join(new)}: add them "
                               "to plan.toml first (or import one inspection at a time)")
    for inspection_id in sorted({str(i.fields.get("inspection")) for i in result.items}):
        _assign_ids(plan, result, inspection_id, update, match_titles=False)
    return result


def _bad(result: ImportPlan, item: PlannedItem, message: str, skip_bad: bool) -> None:
    if skip_bad:
        item.skipped = message
        result.warnings.append(f"skipped {message}")
    else:
        result.problems.append(message)


def _assign_ids(plan: Plan, result: ImportPlan, inspection: str, update: bool,
                match_titles: bool) -> None:
    """Ids as `afi new` makes them (INSPECTION-NN, the next free numbers); an item the
    plan has already (same id, or for a report the same wording) is refused, or filled
    with --update."""
    existing = {item.id.lower(): item for item in plan.items}
    by_title = {(i.get("inspection"), _words(i.title)): i for i in plan.items}
    taken = {p.stem.lower() for p in (plan.dir / ITEMS_DIR).glob("*.toml")}
    next_number = plan.highest_number(inspection)
    for item in result.items:
        if not item.skipped and item.item_id and not ID_RE.match(item.item_id):
            # It names a file and goes into TOML: `../x` or `a"b` never gets that far.
            result.problems.append(f"{item.source}: id {item.item_id!r} is not valid: use "
                                   "letters, digits, '.', '_' or '-', at most 64")
            continue
        if item.skipped or item.fields.get("inspection") != inspection:
            continue
        match = existing.get(item.item_id.lower()) if item.item_id else None
        if match is None and match_titles:
            match = by_title.get((inspection, _words(str(item.fields.get("title", "")))))
        if match is not None:
            if update:
                item.item_id, item.existing = match.id, True
            else:
                result.problems.append(
                    f"{item.source}: {match.id} already exists "
                    f"({match.title[:50]!r}): re-run with --update to fill its empty "
                    "fields instead, or remove it from the source")
            continue
        if not item.item_id:
            next_number += 1
            item.item_id = f"{inspection}-{next_number:02d}"
        elif item.item_id.lower() in taken:
            result.problems.append(f"{item.source}: {item.item_id}.toml already exists")
        taken.add(item.item_id.lower())


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _plural(kind: str) -> str:
    return {"afi": "areas for improvement", "recommendation": "recommendations",
            "cause-of-concern": "causes of concern"}.get(kind, kind)


# -- writing ------------------------------------------------------------------------------------
def apply(plan: Plan, planned: ImportPlan, message: str | None = None) -> Commit:
    """Check everything, then write plan.toml (if it gains an inspection) and the items as
    one commit. Raises AfiError (nothing written) on any problem."""
    from .change import _refuse_uncommitted_file
    from .commit import FileWrite, commit_files
    from .write_lock import plan_lock

    message = messages.check_user_message(message)
    if planned.problems:
        raise AfiError("nothing was imported: " + "; ".join(planned.problems[:5])
                       + (f" (and {len(planned.problems) - 5} more)"
                          if len(planned.problems) > 5 else ""))
    wanted = [i for i in planned.items if not i.skipped]
    if not wanted:
        raise AfiError(f"nothing to import from {planned.source}")
    repo = plan.repo()
    with plan_lock(repo.git_dir, f"afi import {planned.source}"):
        repo.check_ready()
        plan_file = plan.dir / PLAN_FILE
        plan_text = read_text(plan_file)
        writes, items, others = [], [], []
        if planned.inspection is not None:
            _refuse_uncommitted_file(repo, plan_file, "plan")
            new_plan = _with_inspection(plan_text, planned)
            config, found, _ = config_from_text(plan_file, new_plan)
            if found:
                raise InvalidItem(found)
            writes.append(FileWrite(plan_file, plan_text, new_plan, in_head=True))
            others.append((PLAN_FILE, messages.file_notes(_data(plan_text), _data(new_plan))))
        else:
            config = plan.config
        problems: list[Problem] = []
        for item in wanted:
            path = plan.dir / ITEMS_DIR / f"{item.item_id}.toml"
            old_text = read_text(path) if item.existing else None
            if item.existing:
                _refuse_uncommitted_file(repo, path, item.item_id)
            text = _item_text(item, old_text)
            data, old_data = _data(text), _data(old_text) if old_text else None
            problems += [Problem(path, 1, f"{item.source}: {message}")
                         for _, message in check_item(data, item.item_id, config,
                                                      before=old_data)]
            notes = messages.item_notes(old_data, data)
            if notes:
                writes.append(FileWrite(path, old_text, text, in_head=item.existing))
                items.append((item.item_id, notes))
        if problems:
            raise InvalidItem(problems)
        if not items:
            raise AfiError(f"nothing to change: the plan already holds what {planned.source} "
                           "says")
        subject = message or f"Import {len(items)} item(s) from {planned.source}"
        return commit_files(repo, writes, messages.compose(items, others, subject))


def _item_text(item: PlannedItem, old_text: str | None) -> str:
    """A new file in the schema's key order, or (--update) the existing one with its
    empty fields filled and the new actions and updates appended."""
    document = ItemDocument(old_text if old_text is not None else "")
    if old_text is None:
        document.set("id", item.item_id)
    data = document.data()
    for key in FILE_ORDER:
        value = item.fields.get(key)
        if value not in (None, "", []) and key != "id" and data.get(key) in (None, "", []):
            document.set(key, value)
    have = {str(a.get("text")) for a in data.get("actions", []) if isinstance(a, dict)}
    for action in item.actions:
        if str(action.get("text")) not in have:
            document.append_table("actions", {k: v for k, v in action.items()
                                              if v not in (None, "")})
    logged = {(u.get("date"), str(u.get("text"))) for u in data.get("updates", [])
              if isinstance(u, dict)}
    for update in item.updates:
        if (update.get("date"), str(update.get("text"))) not in logged:
            document.append_table("updates", {"date": update.get("date") or today(),
                                              "by": update.get("by") or None,
                                              "text": update.get("text")})
    if item.closure and "closure" not in data:
        document.set("closure", {k: v for k, v in item.closure.items() if v is not None})
    return document.text()


def _with_inspection(plan_text: str, planned: ImportPlan) -> str:
    document = ItemDocument(plan_text)
    inspection = {k: v for k, v in planned.inspection.items() if v}
    document.append_table("inspections", inspection)
    for inspection_id, name, grade in planned.areas:
        document.append_table("areas", {"inspection": inspection_id, "name": name,
                                        "grade": grade or None})
    return document.text()


def _data(text: str) -> dict:
    from . import toml_read

    return toml_read.loads(text)


# -- the dry run ------------------------------------------------------------------------------
def dry_run_lines(planned: ImportPlan) -> list[str]:
    """What the import would do, as lines of a table (user text made safe by the caller)."""
    lines = []
    if planned.inspection:
        graded = sum(1 for _, _, grade in planned.areas if grade)
        lines.append(f"would add inspection {planned.inspection['id']} "
                     f"({planned.inspection.get('scale') or 'no scale'}): "
                     f"{planned.inspection['title']}; {len(planned.areas)} areas, {graded} "
                     "graded")
    lines.append(f"{'ID':<12} {'KIND':<16} {'NO.':>4}  {'AREA':<32} TITLE")
    for item in planned.items:
        fields = item.fields
        item_id = ("(skip)" if item.skipped else item.item_id or "?") + \
            ("*" if item.existing else "")
        lines.append(f"{item_id:<12} {fields.get('kind', ''):<16} "
                     f"{fields.get('number') or '':>4}  {str(fields.get('area') or '?')[:32]:<32} "
                     f"{fields.get('title', '')}")
        lines += [f"{'':<12} note: {note}" for note in item.notes]
        if item.actions or item.updates:
            lines.append(f"{'':<12} {len(item.actions)} action(s), {len(item.updates)} "
                         "update(s)")
    lines += [f"warning: {w}" for w in planned.warnings]
    lines += [f"problem: {p}" for p in planned.problems]
    if any(i.existing for i in planned.items):
        lines.append("* fills an item the plan already has (--update)")
    return lines
