"""A tracker's rows joined into items (`ImportedItem`): rows of one reference are one item,
sub-references and continuation rows are its actions, item fields from the first row that
gives them, statuses and sign-offs settled. See table_import for the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tui.core.imports.tracker_columns import (
    _cell_text,
    _key,
    _split_list,
    _word,
    multi_line,
    one_line,
)
from tui.core.imports.tracker_values import (
    RowProblem,
    _add_update,
    _is_sub_ref,
    _kind_from_ref,
    _number_from_ref,
    _ordered_updates,
    _ref_key,
    _Row,
    _show,
    _title_key,
    _Values,
)
from tui.core.progress import NO_PROGRESS, Progress

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass
class ImportedItem:
    ref: str                     # the tracker's reference ("AFI 3", "R2"), else the title
    fields: dict[str, Any]       # item keys (schema.py) -> values
    actions: list[dict[str, Any]]          # {"text", "done", "owner"?, "due"?}
    updates: list[dict[str, Any]]          # {"date" (date or None), "by"?, "text"}
    # {"approved_by", "board", "date"} when sign-off is recorded
    closure: dict[str, Any] | None
    item_id: str | None          # an afi id when the tracker gives one (board pack `id`)
    rows: list[int]              # source row numbers, as a spreadsheet user sees them
    notes: list[str]             # doubts to show in the dry run
    evidence: list[dict[str, Any]] = field(default_factory=list)  # {"title", "location"?}
    given: frozenset[str] = frozenset()  # fields the tracker states (the rest are assumed)

@dataclass
class TableImport:
    items: list[ImportedItem]
    problems: list[RowProblem]   # values it cannot read (the rest of the row is read)
    headings: dict[str, str]     # source heading -> field it was read as
    ignored: list[str]           # headings it did not use
    notes: list[str] = field(default_factory=list)  # about the whole table (sheet, encoding)
    unread: list[str] = field(default_factory=list)  # cells read as nothing ("TBC" as a date)

# ---------------------------------------------------------------------------- reading


@dataclass
class _Action:
    text: str
    row: _Row
    owner: str | None = None          # the row's own (item or action column)
    due: date | None = None
    status: str | None = None         # the row's own status, if it gave one
    done: bool | None = None          # an action done column


@dataclass
class _Draft:
    ref: str
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)  # field -> (value, row)
    tags: list[str] = field(default_factory=list)
    actions: list[_Action] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    closure: dict[str, tuple[Any, int]] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action_owners: list[str] = field(default_factory=list)
    action_dues: list[date] = field(default_factory=list)
    area_from_heading: tuple[str, int] | None = None

class _Reader(_Values):
    """Reads rows into items."""

    # ------------------------------------------------------------------ items

    def read(self, rows: list[_Row], inspection: str | None,
             progress: Progress = NO_PROGRESS) -> list[ImportedItem]:
        drafts: dict[tuple[str, str], _Draft] = {}
        current: _Draft | None = None
        self.heading_area: tuple[str, int] | None = None
        for row in rows:
            progress.advance()
            ref = self.text(row, "ref")
            if "ref" not in self.fields:  # an afi id column is the reference
                ref = row.text("id").strip()
            title = self.text(row, "title")
            if not row.cells:  # only columns it does not read
                if self._is_heading(row):
                    current = None
                    self._heading(row)
                continue
            if self._is_heading(row):
                current = None
                self._heading(row)
                continue
            as_action = None
            if ref:
                key = ("ref", ref if self.exact else _ref_key(ref))
                if current is not None and not self.exact and key not in drafts and \
                        _is_sub_ref(current.ref, ref):
                    draft, as_action = current, ref
                else:
                    draft = drafts.get(key) or drafts.setdefault(key, _Draft(ref))
            elif title:
                if current is not None and \
                        _title_key(current.values.get("title", ("",))[0]) == _title_key(title):
                    draft = current
                else:
                    key = ("title", _title_key(title))
                    draft = drafts.get(key) or drafts.setdefault(key, _Draft(title))
            elif current is not None:
                draft = current
            else:
                self.problem(row, "no reference or title, and no item above it to add to")
                continue
            if not draft.rows and self.heading_area is not None:
                draft.area_from_heading = self.heading_area
            self._add_row(draft, row, as_action)
            current = draft
        return [self._finish(draft, inspection) for draft in drafts.values()]

    def _is_heading(self, row: _Row) -> bool:
        """One cell filled, in column A or the reference, area, group, inspection or kind
        column: a section heading (a band across the sheet)."""
        if len(row.filled) != 1 or self.exact:
            return False
        name, index = row.filled[0]
        return index == 0 or name in ("ref", "area", "group", "inspection", "kind")

    def _heading(self, row: _Row) -> None:
        text = one_line(row.raw[row.filled[0][1]])
        if "area" not in self.fields:
            self.heading_area = (text, row.number)
        else:
            self.table_notes.append(f"row {row.number} skipped: '{text}' (a heading: one cell "
                                    "filled)")

    def _set(self, draft: _Draft, name: str, value: Any, row: _Row, what: str = "") -> None:
        if value is None or value == "" or value == []:
            return
        if name not in draft.values:
            draft.values[name] = (value, row.number)
        elif draft.values[name][0] != value and name not in ("owner", "due", "status"):
            kept, where = draft.values[name]
            draft.notes.append(f"row {row.number}: {what or name} {_show(value)} differs from "
                               f"row {where}'s {_show(kept)}: row {where}'s kept")

    def _add_row(self, draft: _Draft, row: _Row, as_action: str | None) -> None:
        notes = draft.notes
        draft.rows.append(row.number)
        title = self.text(row, "title")
        action_texts = [self._clean_multi(cell.value) for cell in row.cells.get("action", [])]
        if as_action is not None:
            if not any(action_texts) and title:
                action_texts = [title]
                notes.append(f"row {row.number}: '{as_action}' read as an action of "
                             f"'{draft.ref}' (its title cell is the action)")
            else:
                notes.append(f"row {row.number}: '{as_action}' read as an action of "
                             f"'{draft.ref}'")
            title = ""
        self._set(draft, "title", title, row)
        self._set(draft, "detail", self.text(row, "detail", multiline=True), row)
        self._set(draft, "area", self.text(row, "area"), row)
        self._set(draft, "inspection", self.text(row, "inspection"), row)
        self._set(draft, "lead", self.text(row, "lead"), row)
        self._set(draft, "group", self.text(row, "group"), row)
        self._set(draft, "kind", self.kind(row), row)
        self._set(draft, "number", self.number(row), row)
        self._set(draft, "id", row.text("id").strip(), row)
        for cell in row.cells.get("tags", []):
            for tag in re.split(r"[,;\n]", _cell_text(cell.value)):
                if one_line(tag) and one_line(tag) not in draft.tags:
                    draft.tags.append(one_line(tag))
        owner = self.text(row, "owner") or None
        due = self.date(row, "due", notes)
        status = self.status(row, notes)
        self._set(draft, "owner", owner, row)
        self._set(draft, "due", due, row)
        self._set(draft, "status", status, row)
        action_owner = self.text(row, "action.owner") or None
        action_due = self.date(row, "action.due", notes)
        done = self.done(row, notes)
        texts = [t for cell_text in action_texts if cell_text for t in self._listed(cell_text,
                                                                                   row, notes)]
        for text in texts:
            if any(a.text == text for a in draft.actions):
                continue
            draft.actions.append(_Action(text, row, owner=action_owner or owner,
                                         due=action_due or due, status=status, done=done))
        if action_owner:
            draft.action_owners.append(action_owner)
        if action_due:
            draft.action_dues.append(action_due)
        for name, value, kept in (("owner", owner, draft.values.get("owner")),
                                  ("due", due, draft.values.get("due")),
                                  ("status", status, draft.values.get("status"))):
            if value is not None and kept and kept[0] != value and not texts:
                notes.append(f"row {row.number}: {name} {_show(value)} differs from row "
                             f"{kept[1]}'s {_show(kept[0])}, and the row has no action to "
                             f"give it to: row {kept[1]}'s kept")
        for update in self.updates(row, notes):
            _add_update(draft.updates, update)
        evidence = {"title": self.text(row, "evidence"),
                    "location": self.text(row, "evidence.location")}
        if any(evidence.values()):
            evidence = {"title": evidence["title"] or "Evidence",
                        **({"location": evidence["location"]} if evidence["location"] else {})}
            if evidence not in draft.evidence:
                draft.evidence.append(evidence)
        for part in ("approved_by", "board", "date"):
            name = f"closure.{part}"
            value = self.date(row, name, notes) if part == "date" else self.text(row, name)
            if value:
                if part not in draft.closure:
                    draft.closure[part] = (value, row.number)
                elif draft.closure[part][0] != value:
                    notes.append(f"row {row.number}: closure {part.replace('_', ' ')} "
                                 f"{_show(value)} differs from row {draft.closure[part][1]}'s: "
                                 "the first kept")

    def _clean_multi(self, value: Any) -> str:
        return _cell_text(value) if self.exact else multi_line(_cell_text(value))

    def _listed(self, text: str, row: _Row, notes: list[str]) -> list[str]:
        if self.exact:
            return [text]
        parts = _split_list(text)
        if len(parts) > 1:
            notes.append(f"row {row.number}: {len(parts)} actions read from one cell (a list)")
        return parts

    def _finish(self, draft: _Draft, inspection: str | None) -> ImportedItem:
        config, notes, names = self.config, draft.notes, self.fields
        values = {name: value for name, (value, _) in draft.values.items()}
        fields_: dict[str, Any] = {}
        # kind: its column, else the reference's prefix ("R2", "Rec 2"), else afi
        kind = values.get("kind")
        if kind is None and not self.exact and "ref" in names:
            kind, note = _kind_from_ref(draft.ref)
            notes += [note] if note else []
        if kind is None and "kind" in names:
            notes.append("no kind given: afi")
        fields_["kind"] = kind or "afi"
        # inspection: its column, else the argument, else the plan's only one
        found = values.get("inspection") or inspection
        if found is None and len(config.inspections) == 1:
            found = config.inspections[0].id
            if "inspection" in names:
                notes.append(f"no inspection given: {found}, the plan's only inspection")
        if found is not None:
            fields_["inspection"] = self._inspection(found, notes)
        number = values.get("number")
        if number is None and not self.exact and "ref" in names:
            number = _number_from_ref(draft.ref)
        if number is not None:
            fields_["number"] = number
        area = values.get("area")
        if area is None and draft.area_from_heading:
            area, where = draft.area_from_heading
            notes.append(f"area '{area}' from the heading row {where}")
        if area is not None:
            fields_["area"] = self._area(area, fields_.get("inspection"), notes)
        elif "area" in names or self.heading_area:
            notes.append("no area")
        if "title" in values:
            fields_["title"] = values["title"]
        else:
            notes.append("no title")
        if "detail" in values:
            fields_["detail"] = values["detail"]
        status = values.get("status")
        if status is None and any(a.done is not None for a in draft.actions):
            status = self._status_from_actions(draft.actions, notes)
        status_given = status is not None
        if status is None:
            status = config.statuses[0]
            notes.append(f"no status given: {status}")
        owner = values.get("owner") or next(iter(draft.action_owners), None)
        if owner:
            fields_["owner"] = owner
        if values.get("lead"):
            fields_["lead"] = values["lead"]
        due = values.get("due")
        if due is None and draft.action_dues:
            due = max(draft.action_dues)
            notes.append(f"due {due}: the latest of its actions' due dates")
        if due is not None:
            fields_["due"] = due
        if values.get("group"):
            fields_["group"] = values["group"]
        if draft.tags:
            fields_["tags"] = list(draft.tags)
        actions = self._actions(draft, status, owner, due)
        latest = max((a["due"] for a in actions if a.get("due")), default=None)
        if due and latest and latest > due:
            notes.append(f"an action is due {latest}, after the item's due date {due}")
        closure = {part: value for part, (value, _) in draft.closure.items()} or None
        fields_["status"] = self._signoff(status, closure, notes)
        if closure and len(closure) < 3:
            missing = [p for p in ("approved_by", "board", "date") if p not in closure]
            notes.append(f"the sign-off lacks {', '.join(m.replace('_', ' ') for m in missing)}")
        if closure and not config.is_done(fields_["status"]):
            notes.append(f"a sign-off is recorded but the status is {fields_['status']}")
        updates = _ordered_updates(draft.updates)
        undated = sum(1 for u in updates if u["date"] is None)
        if undated:
            notes.append(f"{undated} update{'s' if undated > 1 else ''} without a date")
        order = [k for k in ("kind", "inspection", "number", "area", "title", "detail", "status",
                             "owner", "lead", "due", "group", "tags") if k in fields_]
        given = set(order) - {"kind", "status"}
        if kind is not None:
            given.add("kind")
        if status_given:
            given.add("status")
        return ImportedItem(ref=draft.ref, fields={k: fields_[k] for k in order},
                            actions=actions, updates=updates, closure=closure,
                            item_id=values.get("id") or None, rows=draft.rows, notes=notes,
                            evidence=list(draft.evidence), given=frozenset(given))

    def _status_from_actions(self, actions: list[_Action], notes: list[str]) -> str | None:
        done = [a.done for a in actions if a.done is not None]
        config = self.config
        first_done = next((s for s in config.statuses if config.is_awaiting_signoff(s)),
                          next((s for s in config.statuses if config.is_done(s)
                                and s != config.closed_status), None))
        opens = [s for s in config.statuses if not config.is_done(s)]
        if all(done):
            status = first_done
        elif any(done):
            status = opens[1] if len(opens) > 1 else opens[0]
        else:
            status = opens[0]
        if status:
            notes.append(f"status {status}: {sum(done)} of {len(done)} actions done")
        return status

    def _actions(self, draft: _Draft, status: str, owner: str | None,
                 due: date | None) -> list[dict[str, Any]]:
        """Each action with done from its row's status; with its row's owner and due date
        when the column is an action's, or when some action's differ from the item's."""
        per_owner = "action.owner" in self.fields or \
            any(a.owner and a.owner != owner for a in draft.actions)
        per_due = "action.due" in self.fields or \
            any(a.due and a.due != due for a in draft.actions)
        out = []
        for action in draft.actions:
            row_status = action.status or status
            done = action.done if action.done is not None else \
                self.config.is_done(row_status) and row_status != "superseded"
            entry: dict[str, Any] = {"text": action.text, "done": done}
            if per_owner and action.owner:
                entry["owner"] = action.owner
            if per_due and action.due:
                entry["due"] = action.due
            out.append(entry)
        return out

    def _signoff(self, status: str, closure: dict[str, Any] | None, notes: list[str]) -> str:
        """A closed status with no sign-off recorded: the first awaiting-sign-off status."""
        config = self.config
        if status != config.closed_status or closure:
            return status
        awaiting = next((s for s in config.statuses if config.is_awaiting_signoff(s)), None) \
            or next((s for s in config.statuses if config.is_done(s) and s != status), None)
        if awaiting is None:
            notes.append(f"status {status} needs a sign-off (approved by, board, date), which "
                         "the tracker does not record")
            return status
        notes.append(f"status {status} without a recorded sign-off: imported as {awaiting} "
                     "(awaiting sign-off; `afi close` records it)")
        return awaiting

    def _inspection(self, value: str, notes: list[str]) -> str:
        """An inspection of plan.toml named by its id or title (ignoring case and spaces;
        exactly in the board pack's CSV), else the value as given (noted)."""
        for known in self.config.inspections:
            if value == known.id or not self.exact and _key(value) and \
                    _key(value) in (_key(known.id), _key(known.title)):
                return known.id
        if self.config.inspections:
            notes.append(f"inspection '{value}' is not in plan.toml")
        return value

    def _area(self, area: str, inspection: str | None, notes: list[str]) -> str:
        names = self.config.areas_for(inspection) if inspection else ()
        for name in names:
            if area == name or not self.exact and _word(name) == _word(area):
                return name
        if names:
            notes.append(f"area '{area}' is not one of the areas plan.toml lists for "
                         f"{inspection}")
        return area
