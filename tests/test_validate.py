"""The file rules of docs/format.md §2-3: every problem named with its file and line; one
bad file never stops the others loading."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tui.core.store.reading import load_plan

from .conftest import write_item

GOOD = """\
id = "{id}"
kind = "afi"
inspection = "PEEL22"
area = "Responding to the public"
title = "A title"
status = "in-progress"
"""


def problems_of(plan_dir: Path, item_id: str, text: str) -> list[tuple[int, str]]:
    write_item(plan_dir, item_id, text)
    snapshot = load_plan(plan_dir)
    assert item_id not in {i.id for i in snapshot.items}, "an invalid item must not be listed"
    return [(p.line, p.message) for p in snapshot.problems if p.path.stem == item_id]


def test_valid_plan_has_no_problems(plan_dir):
    snapshot = load_plan(plan_dir)
    assert snapshot.problems == []
    assert sorted(i.id for i in snapshot.items) == ["HMIC07-R01", "PEEL22-01", "PEEL22-02"]


@pytest.mark.parametrize(("extra", "line", "fragment"), [
    ('due = "2025-03-31"\n', 7, "'due' must be a date"),
    ("due = 2025-03-31T10:00:00\n", 7, "'due' must be a date"),
    ('number = "3"\n', 7, "'number' must be an integer"),
    ("owner = 3\n", 7, "'owner' must be a string"),
    ('tags = "one"\n', 7, "'tags' must be an array of strings"),
    ('links = ["../etc/passwd"]\n', 7, "not a valid item id"),
    ('\n[[actions]]\ndone = true\n', 8, "action 1 is missing required key 'text'"),
    ('\n[[actions]]\ntext = "x"\ndone = "yes"\n', 10, "'done' must be true or false"),
    ('\n[[updates]]\ndate = "today"\ntext = "x"\n', 9, "'date' must be a date"),
    ('\n[closure]\napproved_by = "DCC"\nboard = 7\ndate = 2025-01-01\n', 10,
     "'board' must be a string"),
    ('\n[[evidence]]\nlocation = "x"\n', 8, "missing required key 'title'"),
])
def test_wrong_types_are_named_at_their_line(plan_dir, extra, line, fragment):
    good = GOOD.format(id="PEEL22-09")
    if "[closure]" in extra:  # a sign-off belongs on a closed item
        good = good.replace('status = "in-progress"', 'status = "closed"')
    found = problems_of(plan_dir, "PEEL22-09", good + extra)
    assert len(found) == 1, found
    assert found[0][0] == line
    assert fragment in found[0][1]


@pytest.mark.parametrize(("old", "new", "line", "fragment"), [
    ('status = "in-progress"', 'status = "done-ish"', 6, "unknown status 'done-ish'"),
    ('status = "in-progress"', 'status = "In progres"', 6,
     "unknown status 'In progres' (did you mean in-progress?)"),
    ('kind = "afi"', 'kind = "wish"', 2, "unknown kind 'wish'"),
    ('inspection = "PEEL22"', 'inspection = "PEEL99"', 3, "unknown inspection 'PEEL99'"),
    ('id = "PEEL22-09"', 'id = "PEEL22-10"', 1, "does not match the file name"),
    ('title = "A title"\n', "", 1, "missing required key 'title'"),
    ('title = "A title"', 'title = "  "', 5, "'title' must not be empty"),
])
def test_rule_violations(plan_dir, old, new, line, fragment):
    text = GOOD.format(id="PEEL22-09").replace(old, new)
    found = problems_of(plan_dir, "PEEL22-09", text)
    assert [line] == [n for n, m in found if fragment in m]


def test_path_like_id_is_rejected(plan_dir):
    found = problems_of(plan_dir, "bad", GOOD.format(id="../../etc/bad"))
    assert any("is not valid" in m for _, m in found)


def test_malformed_toml_names_the_line(plan_dir):
    text = GOOD.format(id="PEEL22-09") + 'owner = "unterminated\n'
    found = problems_of(plan_dir, "PEEL22-09", text)
    assert found[0][0] == 7
    assert found[0][1].startswith("invalid TOML")


def test_conflict_markers_are_named(plan_dir):
    text = GOOD.format(id="PEEL22-09") + textwrap.dedent("""\
        <<<<<<< HEAD
        owner = "A"
        =======
        owner = "B"
        >>>>>>> theirs
        """)
    assert problems_of(plan_dir, "PEEL22-09", text) == [
        (7, "unresolved merge conflict marker: `afi resolve` settles conflicts a sync "
            "stopped on; otherwise keep one side by hand, then `git add` the file")]


def test_duplicate_ids_ignoring_case(plan_dir):
    write_item(plan_dir, "peel22-01", GOOD.format(id="peel22-01"))
    snapshot = load_plan(plan_dir)
    dupes = [p for p in snapshot.problems if "duplicate id" in p.message]
    assert len(dupes) == 1 and dupes[0].path.name == "peel22-01.toml"
    assert "PEEL22-01.toml already uses it" in dupes[0].message
    assert [i.id for i in snapshot.items].count("PEEL22-01") == 1


def test_unknown_keys_are_fine(plan_dir):
    write_item(plan_dir, "PEEL22-09", GOOD.format(id="PEEL22-09") + 'board_ref = "FIB-7"\n')
    snapshot = load_plan(plan_dir)
    assert snapshot.problems == []
    assert snapshot.by_id()["peel22-09"].get("board_ref") == "FIB-7"


def test_one_bad_file_does_not_stop_the_rest(plan_dir):
    write_item(plan_dir, "PEEL22-09", "this is = = not toml")
    snapshot = load_plan(plan_dir)
    assert len(snapshot.items) == 3
    assert [p.path.name for p in snapshot.problems] == ["PEEL22-09.toml"]


def test_plan_toml_problems(plan_dir):
    plan_toml = plan_dir / "plan.toml"
    plan_toml.write_text(plan_toml.read_text().replace('grade = "requires improvement"',
                                                       'grade = "superb"'))
    snapshot = load_plan(plan_dir)
    assert [(p.path.name, p.line) for p in snapshot.problems] == [("plan.toml", 17)]
    assert "not on the peel-5 scale" in snapshot.problems[0].message


def test_unreadable_plan_toml_is_reported_once(plan_dir):
    (plan_dir / "plan.toml").write_text('title = "x"\n[[inspections]\n')
    snapshot = load_plan(plan_dir)
    assert [p.path.name for p in snapshot.problems] == ["plan.toml"]
    assert len(snapshot.items) == 3


def test_cache_sees_edits_and_new_files(plan_dir):
    first = load_plan(plan_dir)
    assert first.by_id()["peel22-02"].status == "not-started"
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace('"not-started"', '"in-progress"'))
    write_item(plan_dir, "PEEL22-09", GOOD.format(id="PEEL22-09"))
    second = load_plan(plan_dir)
    assert second.by_id()["peel22-02"].status == "in-progress"
    assert "peel22-09" in second.by_id()
    (plan_dir / "afis" / "PEEL22-09.toml").unlink()
    assert "peel22-09" not in load_plan(plan_dir).by_id()


def test_due_hint_scales_from_days_to_years():
    from datetime import date

    from tui.core.model.items import due_hint

    on = date(2025, 1, 15)
    assert due_hint(date(2025, 1, 15), on) == "today"
    assert due_hint(date(2025, 2, 10), on) == "in 26 d"
    assert due_hint(date(2024, 12, 31), on) == "15 d late"
    assert due_hint(date(2024, 6, 1), on) == "7 mo late"  # 228 days
    assert due_hint(date(2021, 1, 1), on) == "4 y late"  # 1,475 days: 48 months
    assert due_hint(date(2021, 2, 1), on) == "3 y 11 mo late"
    assert due_hint(date(2026, 2, 1), on) == "in 1 y 1 mo"
    assert due_hint(None, on) == ""
