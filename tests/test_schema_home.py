"""The schema (tui/core/model/schema.py) is the one home of the fields: the format
reference, the query language, the screens, the CSV and plan.toml's defaults follow it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from textual.widgets import Input

from tui.app.run import create_app
from tui.app.screens import detail, edit
from tui.app.screens.detail import DetailScreen
from tui.app.screens.edit import EditScreen
from tui.cli.render import CSV_COLUMNS
from tui.core.model import schema, schema_docs
from tui.core.model.items import Item, PlanConfig
from tui.core.model.query import FIELDS as QUERY_NAMES
from tui.core.model.query import parse_query
from tui.core.model.validate import check_plan

from .conftest import git
from .test_app import screen_text, settle

FORMAT = Path(__file__).resolve().parent.parent / "docs" / "format.md"
_ROW = re.compile(r"^\| `\[{0,2}([\w*]+)\]{0,2}` \| ([^|]+) \| ([^|]*) \| (.*) \|$")


def _rows(block: str) -> dict[str, tuple[str, str, str]]:
    """A documented table: key -> (type, required/default, meaning)."""
    rows = {}
    for line in block.splitlines()[2:]:
        match = _ROW.match(line)
        assert match, f"not a table row: {line!r}"
        key, kind, third, meaning = match.groups()
        assert key not in rows, f"{key} is documented twice"
        rows[key] = (kind.strip(), third.strip(), meaning)
    return rows


def test_the_format_reference_documents_every_declared_key_and_no_other():
    blocks = schema_docs.documented(FORMAT.read_text(encoding="utf-8"))
    assert set(blocks) == {"item-fields", "plan-settings", "grade-scales"}
    for name, fields in (("item-fields", schema.ITEM_FIELDS),
                         ("plan-settings", schema.PLAN_FIELDS)):
        rows = _rows(blocks[name])
        assert list(rows) == [f.key for f in fields], f"docs/format.md's {name} table"
        for field in fields:
            kind, third, meaning = rows[field.key]
            assert kind == schema_docs.TYPE_WORDS[field.type], field.key
            assert meaning.startswith(field.meaning), field.key
            for part in field.parts:  # a table's keys, each with its meaning
                if part.key != "*":
                    assert f"`{part.key}`" in meaning and part.meaning in meaning, \
                        (field.key, part.key)
            if name == "item-fields":
                assert third == ("yes" if field.required else "no"), field.key
    for scale, grades in schema.GRADE_SCALES.items():
        assert f"| `{scale}` | {', '.join(grades)} |" in blocks["grade-scales"]
    # Word for word what the schema writes: `python -m tui.core.model.schema_docs
    # docs/format.md` brings the page back in step.
    assert schema_docs.rewrite(FORMAT.read_text(encoding="utf-8")) == \
        FORMAT.read_text(encoding="utf-8")


def test_a_table_written_from_a_field_declared_later_lists_it():
    extra = schema.Field("sponsor", schema.STRING, "Exec sponsor", "the executive sponsor")
    text = "<!-- schema:item-fields -->\n<!-- /schema -->\n"
    original = schema.ITEM_FIELDS
    try:
        schema_docs.ITEM_FIELDS = (*original, extra)
        rows = _rows(schema_docs.documented(schema_docs.rewrite(text))["item-fields"])
    finally:
        schema_docs.ITEM_FIELDS = original
    assert rows["sponsor"] == ("string", "no", "the executive sponsor")


def test_plan_settings_default_to_what_the_schema_declares():
    config, found = check_plan({"title": "A plan"})
    assert found == []
    keys = schema.PLAN_KEYS
    assert config.due_soon_days == keys["due_soon_days"].default == PlanConfig(
        "t").due_soon_days
    assert config.stale_after_days == keys["stale_after_days"].default
    assert config.statuses == keys["statuses"].default
    assert config.done_statuses == frozenset(keys["done_statuses"].default)
    assert config.closed_status == keys["closed_status"].default
    assert config.awaiting_signoff_statuses == frozenset(
        keys["awaiting_signoff_statuses"].default) == PlanConfig("t").awaiting_signoff_statuses
    assert config.due_change_needs_reason is keys["due_change_needs_reason"].default
    # the plan.toml key and the setting read in code have one name
    config, _ = check_plan({"title": "A plan", "awaiting_signoff_statuses": ["closed", "complete"],
                            "closed_status": "superseded"})
    assert config.awaiting_signoff_statuses == {"closed", "complete"}


def _item(**data) -> Item:
    base = {"id": "X-01", "kind": "afi", "inspection": "X", "area": "An area",
            "title": "A title", "status": "in-progress"}
    return Item({**base, **data}, Path("plan/afis/X-01.toml"))


def test_every_queryable_field_of_the_schema_is_a_query_field():
    config = PlanConfig("t")
    on = date(2025, 1, 1)
    queryable = [f for f in schema.ITEM_FIELDS if f.match]
    assert {f.key for f in queryable} >= {"status", "kind", "inspection", "id", "area", "owner",
                                          "lead", "group", "tags", "title"}
    for field in queryable:
        name = field.query_name or field.key
        assert name in QUERY_NAMES
        word = "in-progress" if field.key == "status" else "afi" if field.key == "kind" \
            else "Supt Smith-Jones"
        value = [word] if field.type == schema.STRINGS else word
        item = _item(**{field.key: value})
        other = _item(**{field.key: ["other"] if field.type == schema.STRINGS else "other"})
        whole = parse_query(f'{name}:"{word.upper()}"', on=on)
        assert whole.matches(item, config) and not whole.matches(other, config), name
        part = parse_query(f"{name}:{word[1:4]}", on=on)
        assert part.matches(item, config) is (field.match == schema.SUBSTRING), name


def test_the_list_csv_has_a_column_for_every_listed_field(plan_dir, afi):
    listed = [f.key for f in schema.ITEM_FIELDS if f.indexed and not f.is_table]
    assert [c for c in CSV_COLUMNS[:-3] if c != "due_state"] == listed  # then counts, file
    assert afi("set", "PEEL22-01", "decision=Fund two more call handlers",
               cwd=plan_dir.parent)[0] == 0
    code, out, _ = afi("list", "--format", "csv", "id:PEEL22-01", cwd=plan_dir.parent)
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["decision"] == "Fund two more call handlers"
    assert row["owner"] == "Supt Smith" and row["due_state"] == "overdue"


def test_the_edit_form_offers_every_settable_line_of_text_it_has_no_place_for():
    extra = schema.Field("sponsor", schema.STRING, "Exec sponsor", "the executive sponsor",
                         settable=True)
    notes = schema.Field("notes", schema.STRING, "Notes", "notes", settable=True, multiline=True)
    assert edit.extra_text_fields((*schema.ITEM_FIELDS, extra, notes)) == ("sponsor",)
    assert edit.extra_text_fields() == ()  # every settable line of text has its place today


async def test_a_declared_field_is_shown_and_edited_under_its_label(plan_dir, monkeypatch):
    """A field added to the schema appears, under its label, on the detail screen and the
    edit form, without a change to either screen."""
    extra = schema.Field("sponsor", schema.STRING, "Exec sponsor", "the executive sponsor",
                         settable=True)
    fields = (*schema.ITEM_FIELDS, extra)
    monkeypatch.setattr(detail, "ITEM_FIELDS", fields)
    monkeypatch.setattr(detail, "FIELDS", {f.key: f for f in fields})
    monkeypatch.setattr(detail, "SHOWN_KEYS", tuple(f.key for f in fields))
    monkeypatch.setattr(edit, "FIELDS", {f.key: f for f in fields})
    monkeypatch.setattr(edit, "ITEM_FIELDS", fields)
    monkeypatch.setattr(edit, "TEXT_FIELDS", (*edit.TEXT_FIELDS, *edit.extra_text_fields()))
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'sponsor = "ACC Brown"\n',
                    encoding="utf-8")
    git(plan_dir.parent, "commit", "-qam", "A sponsor")
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "Exec sponsor  ACC Brown" in text
        for key in ("owner", "lead", "group", "status", "due", "area", "kind"):
            assert f"{schema.FIELDS[key].label}  " in text, key
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        assert app.screen.query_one("#sponsor", Input).value == "ACC Brown"
        text = screen_text(app)
        for key in ("status", "due", "title", "owner", "lead", "area", "group", "decision",
                    "tags", "sponsor"):
            label = extra.label if key == "sponsor" else schema.FIELDS[key].label
            assert label in text, key
