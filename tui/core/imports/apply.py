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

from tui.core.errors import AfiError, InvalidItem, Problem
from tui.core.model.items import ID_RE, today
from tui.core.model.schema import FILE_ORDER
from tui.core.model.validate import check_item
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, config_from_text, read_text
from tui.core.store.tomledit import ItemDocument
from tui.core.write import messages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import Commit
    from tui.core.imports.inspection_drafts import ReportFindings
    from tui.core.imports.tracker_items import TableImport
    from tui.core.imports.tracker_matching import Matcher
    from tui.core.model.items import Item, PlanConfig
    from tui.core.plan import Plan


@dataclass
class PlannedItem:
    item_id: str
    fields: dict[str, Any]
    source: str                   # where it came from: "line 120", "rows 4-6"
    actions: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    closure: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    existing: bool = False        # fills an item the plan has (--update)
    skipped: str = ""             # why it is left out (--skip-bad)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    given: frozenset[str] = frozenset()  # the fields the source states (not assumed)
    match: str = ""               # how it was matched to an item of the plan ("new", ...)
    differences: list[str] = field(default_factory=list)  # fields the plan has otherwise
    replace: set[str] = field(default_factory=set)  # fields written over (--overwrite)
    shown: dict[str, Any] = field(default_factory=dict)  # what the source says, for the dry run


@dataclass
class ImportPlan:
    source: str                   # the file's name, for the commit message
    items: list[PlannedItem]
    inspection: dict[str, Any] | None = None  # {"id", "title", "scale"} to add to plan.toml
    areas: list[tuple[str, str, str]] = field(default_factory=list)  # (inspection, name, grade)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what stops the import
    ignored: list[str] = field(default_factory=list)  # the source's columns not read
    notes: list[str] = field(default_factory=list)    # how the source was read
    unread: list[str] = field(default_factory=list)   # cells read as nothing ("TBC")

    def changes_nothing(self) -> bool:
        """Every item is one the plan has, with nothing to add or change."""
        from tui.core.imports.drafts import changes

        wanted = [i for i in self.items if not i.skipped]
        return (not self.problems and self.inspection is None and bool(wanted)
                and all(i.existing and not changes(i) for i in wanted))


# -- from a report ----------------------------------------------------------------------------
def plan_report(plan: Plan, found: ReportFindings, source: Path, inspection: str,
                title: str | None = None, scale: str | None = None, update: bool = False,
                skip_bad: bool = False, overwrite: bool = False,
                progress: Progress = NO_PROGRESS) -> ImportPlan:
    """Items for each finding, numbered as the report numbers them or, where it does not,
    by their place in it (each kind counted on its own), and said so. A finding the report
    does not place in an area has the area `NO_AREA` (the schema requires one), with a
    warning. Links (a recommendation to its cause of concern) are by number."""
    config = plan.config
    result = ImportPlan(source.name, [], warnings=list(found.warnings))
    known = inspection in config.inspection_ids()
    areas = [f.area or NO_AREA for f in found.findings]
    if not known:
        result.inspection = {"id": inspection, "title": title or found.title or inspection,
                             "scale": scale or found.scale or ""}
        result.areas = [(inspection, name, grade) for name, grade in found.grades.items()]
        result.areas += [(inspection, area, "") for area in dict.fromkeys(areas)
                         if area not in found.grades]
    elif NO_AREA in areas and NO_AREA not in config.areas_for(inspection) and \
            config.areas_for(inspection):
        result.problems.append(f"a finding has no area and plan.toml lists {inspection}'s "
                               f"areas: add an area '{NO_AREA}' to it, or import into a new "
                               "inspection")
    by_kind: dict[str, int] = {}
    unnumbered = set()
    placeless = []
    progress.start("Reading findings", len(found.findings))
    for finding in found.findings:
        progress.advance()
        by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
        number = finding.number
        if number is None:
            number = by_kind[finding.kind]
            unnumbered.add(finding.kind)
        fields = {"kind": finding.kind, "inspection": inspection, "number": number,
                  "area": finding.area or NO_AREA, "title": finding.title,
                  "detail": finding.detail or None, "status": config.statuses[0]}
        given = {"kind", "area", "title", "detail"} | (
            {"number"} if finding.number is not None else set())
        item = PlannedItem("", fields, f"line {finding.line}", notes=list(finding.notes),
                           given=frozenset(given) - ({"area"} if not finding.area else set()))
        if not finding.area:
            placeless.append(str(finding.line))
        result.items.append(item)
    progress.finish()
    if placeless:
        result.warnings.append(f"{len(placeless)} finding(s) not placed in an area of the "
                               f"report (lines {', '.join(placeless)}): their area is "
                               f"'{NO_AREA}'; set it with `afi set ID area=...`")
    for kind in sorted(unnumbered):
        result.warnings.append(f"the report does not number its {_plural(kind)}: they are "
                               "numbered by their place in it")
    progress.start("Matching findings to the plan", len(result.items))
    _assign_ids(plan, result, inspection, update, match_titles=True, overwrite=overwrite,
                progress=progress)
    _link(result, found)
    return result


NO_AREA = "No area"  # the area of a finding a report does not place (area is required)


def _link(result: ImportPlan, found: ReportFindings) -> None:
    """A finding's `links` to the items of the findings it belongs to (a recommendation to
    its cause of concern), once every item has its id."""
    for planned, finding in zip(result.items, found.findings, strict=True):
        links = [result.items[n].item_id for n in finding.links
                 if not result.items[n].skipped and result.items[n].item_id]
        if links and not planned.skipped:
            if planned.existing:
                if "links" not in planned.fields:
                    planned.shown["links"] = links
            else:
                planned.fields["links"] = links


# -- from a tracker -----------------------------------------------------------------------------
def plan_table(plan: Plan, table: TableImport, source: Path, inspection: str | None,
               update: bool = False, skip_bad: bool = False, overwrite: bool = False,
               progress: Progress = NO_PROGRESS) -> ImportPlan:
    """Items for each of the tracker's items, each matched to the plan's
    (tracker_matching): a match is refused, or with --update merged into its item."""
    from tui.core.imports.tracker_matching import Matcher

    result = ImportPlan(source.name, [], ignored=list(table.ignored),
                        unread=list(table.unread), notes=list(table.notes))
    result.problems = [f"row {p.row}: {p.message}" for p in table.problems]
    bad_rows = {p.row for p in table.problems}
    if skip_bad and result.problems:
        result.warnings += [f"left out {p}" for p in result.problems]
        result.problems = []
    config = plan.config
    for imported in table.items:
        fields = dict(imported.fields)
        given = set(imported.given)
        fields.setdefault("kind", "afi")
        fields.setdefault("status", config.statuses[0])
        if inspection and not fields.get("inspection"):
            fields["inspection"] = inspection
        rows = imported.rows
        where = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}-{rows[-1]}"
        item = PlannedItem(imported.item_id or "", fields, where, list(imported.actions),
                           list(imported.updates), imported.closure, list(imported.notes),
                           evidence=list(imported.evidence), given=frozenset(given))
        if skip_bad and bad_rows.intersection(rows):
            item.skipped = f"{where}: a row of it cannot be read"
        elif not fields.get("inspection"):
            _bad(result, item, f"{where}: no inspection: give --inspection ID", skip_bad)
        result.items.append(item)
    new = sorted({str(i.fields.get("inspection")) for i in result.items if not i.skipped
                  and i.fields.get("inspection")} - config.inspection_ids())
    if len(new) == 1:
        result.inspection = {"id": new[0], "title": new[0], "scale": ""}
    elif new:
        result.problems.append(f"inspections not in plan.toml: {', '.join(new)}: add them "
                               "to plan.toml first (or import one inspection at a time)")
    matcher = Matcher(plan.items)
    progress.start("Matching rows to the plan", len(result.items))
    for inspection_id in sorted({str(i.fields.get("inspection")) for i in result.items}):
        _assign_ids(plan, result, inspection_id, update, match_titles=False,
                    overwrite=overwrite, matcher=matcher)
        progress.advance(sum(1 for i in result.items
                             if str(i.fields.get("inspection")) == inspection_id))
    progress.finish()
    for item in result.items:  # a row that fills an item needs no wording; a new one does
        if not item.existing and not item.skipped and not item.fields.get("title"):
            _bad(result, item, f"{item.source}: no finding or title", skip_bad)
    return result


def _bad(result: ImportPlan, item: PlannedItem, message: str, skip_bad: bool) -> None:
    if skip_bad:
        item.skipped = message
        result.warnings.append(f"skipped {message}")
    else:
        result.problems.append(message)


def _assign_ids(plan: Plan, result: ImportPlan, inspection: str, update: bool,
                match_titles: bool, overwrite: bool = False,
                matcher: Matcher | None = None, progress: Progress = NO_PROGRESS) -> None:
    """Ids as `afi new` makes them (INSPECTION-NN, the next free numbers); an item the
    plan has already is refused, or with --update filled (import_drafts.merge_into). A
    report's finding is the item with the same id or wording; a tracker's row is matched
    by id, number or wording (tracker_matching)."""
    from tui.core.imports.drafts import merge_into

    existing = {item.id.lower(): item for item in plan.items}
    by_title = {(i.get("inspection"), _words(i.title)): i for i in plan.items}
    taken = {p.stem.lower() for p in (plan.dir / ITEMS_DIR).glob("*.toml")}
    next_number = plan.highest_number(inspection)
    claimed: dict[str, str] = {}
    for item in result.items:
        progress.advance()
        if not item.skipped and item.item_id and not ID_RE.match(item.item_id):
            # It names a file and goes into TOML: `../x` or `a"b` never gets that far.
            result.problems.append(f"{item.source}: id {item.item_id!r} is not valid: use "
                                   "letters, digits, '.', '_' or '-', at most 64")
            continue
        if item.skipped or item.fields.get("inspection") != inspection:
            continue
        item.shown = dict(item.fields)
        if matcher is None:
            match = existing.get(item.item_id.lower()) if item.item_id else None
            if match is None and match_titles:
                match = by_title.get((inspection, _words(str(item.fields.get("title", "")))))
            item.match = f"{match.id} by {'id' if item.item_id else 'wording'}" if match \
                else "new"
        else:
            found = matcher.match(item.item_id, inspection, item.fields.get("kind"),
                                  item.fields.get("number"), item.fields.get("title"))
            if found.problem:
                result.problems.append(f"{item.source}: {found.problem}")
                continue
            match, item.match = found.item, found.describe()
            if found.note:
                item.notes.append(found.note)
        if match is not None and match.id in claimed:
            result.problems.append(f"{item.source}: {match.id} is matched by {claimed[match.id]} "
                                   "too: give each row its item's id or number")
            continue
        if match is not None:
            claimed[match.id] = item.source
            if update:
                item.item_id, item.existing = match.id, True
                merge_into(item, match, plan.config, overwrite)
            elif _already_holds(item, match, plan.config):
                # The same source again: the item already holds what it says (nothing to
                # fill or add, no difference), so it changes nothing rather than refusing.
                item.item_id, item.existing = match.id, True
                merge_into(item, match, plan.config, overwrite)
            else:
                item.item_id = match.id  # named in the dry run; the problem stops the import
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
    progress.finish()


def _already_holds(planned: PlannedItem, item: Item, config: PlanConfig) -> bool:
    """Whether `item` holds everything `planned` says: what --update would fill, add or
    find different is nothing."""
    import copy

    from tui.core.imports.drafts import changes, merge_into

    trial = copy.deepcopy(planned)
    merge_into(trial, item, config, overwrite=False)
    return not changes(trial) and not trial.differences


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _plural(kind: str) -> str:
    return {"afi": "areas for improvement", "recommendation": "recommendations",
            "cause-of-concern": "causes of concern"}.get(kind, kind)


# -- writing ------------------------------------------------------------------------------------
def apply(plan: Plan, planned: ImportPlan, message: str | None = None,
          progress: Progress = NO_PROGRESS, warnings: list[str] | None = None) -> Commit:
    """Check everything, then write plan.toml (if it gains an inspection) and the items as
    one commit. Raises AfiError (nothing written) on any problem. `progress` hears of
    each item prepared; `warnings` receives the transaction's (a detached HEAD, an
    interrupted change recovered)."""
    from tui.core.write.commit import FileWrite
    from tui.core.write.pending import refuse_uncommitted_file
    from tui.core.write.transaction import transaction

    message = messages.check_user_message(message)
    if planned.problems:
        raise AfiError("nothing was imported: " + "; ".join(planned.problems[:5])
                       + (f" (and {len(planned.problems) - 5} more)"
                          if len(planned.problems) > 5 else ""))
    wanted = [i for i in planned.items if not i.skipped]
    if not wanted:
        raise AfiError(f"nothing to import from {planned.source}")
    repo = plan.repo()
    with transaction(repo, f"afi import {planned.source}") as txn:
        if warnings is not None:
            warnings += txn.warnings
        plan_file = plan.dir / PLAN_FILE
        plan_text = read_text(plan_file)
        writes, items, others = [], [], []
        if planned.inspection is not None:
            refuse_uncommitted_file(repo, plan_file, "plan")
            new_plan = _with_inspection(plan_text, planned)
            config, found, _ = config_from_text(plan_file, new_plan)
            if found:
                raise InvalidItem(found)
            writes.append(FileWrite(plan_file, plan_text, new_plan, in_head=True))
            others.append((PLAN_FILE, messages.file_notes(_data(plan_text), _data(new_plan))))
        else:
            config = plan.config
        problems: list[Problem] = []
        progress.start("Preparing items", len(wanted))
        for item in wanted:
            progress.advance()
            path = plan.dir / ITEMS_DIR / f"{item.item_id}.toml"
            old_text = read_text(path) if item.existing else None
            if item.existing:
                refuse_uncommitted_file(repo, path, item.item_id)
            text = _item_text(item, old_text)
            data, old_data = _data(text), _data(old_text) if old_text else None
            problems += [Problem(path, 1, f"{item.source}: {message}")
                         for _, message in check_item(data, item.item_id, config,
                                                      before=old_data)]
            notes = messages.item_notes(old_data, data)
            if notes:
                writes.append(FileWrite(path, old_text, text, in_head=item.existing))
                items.append((item.item_id, notes))
        progress.finish()
        if problems:
            raise InvalidItem(problems)
        if not items:
            raise AfiError(f"nothing to change: the plan already holds what {planned.source} "
                           "says")
        subject = message or f"Import {len(items)} item(s) from {planned.source}"
        return txn.commit(writes, messages.compose(items, others, subject),
                          checked={w.path for w in writes})


def _item_text(item: PlannedItem, old_text: str | None) -> str:
    """A new file in the schema's key order, or (--update) the existing one with its
    empty fields filled (and those in `item.replace` replaced) and the new actions,
    updates and evidence appended (import_drafts says which are new)."""
    from tui.core.imports.drafts import logged

    document = ItemDocument(old_text if old_text is not None else "")
    if old_text is None:
        document.set("id", item.item_id)
    data = document.data()
    for key in FILE_ORDER:
        value = item.fields.get(key)
        if value not in (None, "", []) and key != "id" and (
                data.get(key) in (None, "", []) or key in item.replace):
            document.set(key, value)
    have = {str(a.get("text")) for a in data.get("actions", []) if isinstance(a, dict)}
    for action in item.actions:
        if str(action.get("text")) not in have:
            document.append_table("actions", {k: v for k, v in action.items()
                                              if v not in (None, "")})
    for update in item.updates:
        if not logged(data.get("updates", []), update.get("date"), update.get("text")):
            document.append_table("updates", {"date": update.get("date") or today(),
                                              "by": update.get("by") or None,
                                              "text": update.get("text")})
    for entry in item.evidence:
        if not logged(data.get("evidence", []), entry.get("date"), entry.get("title"),
                      "title"):
            document.append_table("evidence", {k: v for k, v in entry.items()
                                               if v not in (None, "")})
    if item.closure and "closure" not in data:
        document.set("closure", {k: v for k, v in item.closure.items() if v is not None})
    return document.text()


def _with_inspection(plan_text: str, planned: ImportPlan) -> str:
    document = ItemDocument(plan_text)
    assert planned.inspection is not None
    inspection = {k: v for k, v in planned.inspection.items() if v}
    document.append_table("inspections", inspection)
    for inspection_id, name, grade in planned.areas:
        document.append_table("areas", {"inspection": inspection_id, "name": name,
                                        "grade": grade or None})
    return document.text()


def _data(text: str) -> dict[str, Any]:
    from tui.core.store import toml_read

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
        fields = item.shown or item.fields
        item_id = ("(skip)" if item.skipped else item.item_id or "?") + \
            ("*" if item.existing else "")
        lines.append(f"{item_id:<12} {fields.get('kind', ''):<16} "
                     f"{fields.get('number') or '':>4}  {str(fields.get('area') or '?')[:32]:<32} "
                     f"{fields.get('title', '')}")
        if item.match:
            lines.append(f"{'':<12} {item.source}: {item.match}")
        lines += [f"{'':<12} note: {note}" for note in item.notes]
        lines += [f"{'':<12} differs: {d}" for d in item.differences]
        if item.existing:
            from tui.core.imports.drafts import changes

            filled = ", ".join(sorted(set(item.fields) - item.replace))
            replaced = ", ".join(sorted(item.replace))
            lines.append(f"{'':<12} " + ("; ".join(filter(None, [
                f"fills {filled}" if filled else "",
                f"replaces {replaced}" if replaced else "",
                f"adds {len(item.actions)} action(s), {len(item.updates)} update(s)"
                + (f", {len(item.evidence)} evidence" if item.evidence else "")
                if item.actions or item.updates or item.evidence else ""]))
                if changes(item) else "nothing to change"))
        elif item.actions or item.updates or item.evidence:
            lines.append(f"{'':<12} {len(item.actions)} action(s), {len(item.updates)} "
                         "update(s)" + (f", {len(item.evidence)} evidence"
                                        if item.evidence else ""))
    lines += [f"note: {n}" for n in planned.notes]
    lines += [f"ignored column: {c}" for c in planned.ignored]
    lines += [f"not read: {u}" for u in planned.unread]
    lines += [f"warning: {w}" for w in planned.warnings]
    lines += [f"problem: {p}" for p in planned.problems]
    if any(i.existing for i in planned.items):
        lines.append("* fills an item the plan already has (--update)")
    if planned.changes_nothing():
        lines.append(f"nothing to change: the plan already holds what {planned.source} says")
    return lines
