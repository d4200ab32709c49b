"""The shipped plan (plan/) holds to the contract: checks clean, round-trips, complete."""

from __future__ import annotations

import calendar
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tui.core.store.reading import load_plan
from tui.core.store.tomledit import ItemDocument

from .conftest import git

EXPECTED_IDS = ([f"PEEL22-{n:02d}" for n in range(1, 20)] + [f"PEEL16-{n:02d}" for n in (1, 2, 3)]
                + [f"HMIC07-R{n:02d}" for n in range(1, 11)])


@pytest.fixture
def shipped_copy(shipped_plan: Path, tmp_path: Path) -> Path:
    """A copy of the committed plan of this test's own."""
    return Path(shutil.copytree(shipped_plan, tmp_path / "plan"))


def test_afi_check_is_clean(afi, shipped_copy):
    code, out, err = afi("check", "--plan", shipped_copy)
    assert (code, out) == (0, ""), out
    assert "32 items" in err


def test_every_expected_item_is_there(shipped_copy):
    snapshot = load_plan(shipped_copy)
    assert snapshot.problems == []
    assert sorted(i.id for i in snapshot.items) == sorted(EXPECTED_IDS)


def test_round_trips_byte_for_byte(shipped_plan):
    paths = sorted(shipped_plan.rglob("*.toml"))
    assert len(paths) == len(EXPECTED_IDS) + 1
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        assert ItemDocument(text).text() == text, path.name


def test_areas_are_in_plan_toml_and_dates_are_month_ends(shipped_copy):
    snapshot = load_plan(shipped_copy)
    areas = {(a.inspection, a.name) for a in snapshot.config.areas}
    for item in snapshot.items:
        assert (item.get("inspection"), item.get("area")) in areas, item.id
        if item.id.startswith("PEEL22"):
            due = item.due
            assert due.day == calendar.monthrange(due.year, due.month)[1], item.id
            assert item.get("number") == int(item.id[-2:])


def test_groups_and_kinds(shipped_copy):
    items = {i.id: i for i in load_plan(shipped_copy).items}
    assert {i for i, item in items.items() if item.get("group") == "capacity-and-demand"} == \
        {"PEEL22-01", "PEEL22-02", "PEEL22-03"}
    assert {i for i, item in items.items() if item.get("group") == "investigative-quality"} == \
        {"PEEL22-10", "PEEL22-11", "PEEL22-12"}
    assert {item.get("kind") for i, item in items.items() if i.startswith("HMIC07")} == \
        {"recommendation"}
    dated = {a["text"][:20]: a["due"].isoformat() for a in items["PEEL16-01"].actions
             if "due" in a}
    assert sorted(dated.values()) == ["2017-05-01", "2017-06-01"]


def test_saved_views_parse(shipped_copy, afi):
    views = tomllib.loads((shipped_copy / "plan.toml").read_text())["views"]
    for name in views:
        code, _, err = afi("list", f"view:{name}", "--plan", shipped_copy)
        assert code == 0, err


def test_the_fixture_is_the_committed_plan(shipped_plan):
    """Tests read the plan as HEAD holds it, whatever the working tree's plan/ holds now
    (the app edits that one)."""
    root = Path(__file__).resolve().parent.parent
    names = git(root, "ls-tree", "-r", "--name-only", "HEAD", "--", "plan").split()
    assert sorted(p.relative_to(shipped_plan.parent).as_posix()
                  for p in shipped_plan.rglob("*") if p.is_file()) == sorted(names)
    for name in names:
        committed = subprocess.run(["git", "show", f"HEAD:{name}"], cwd=root,
                                   capture_output=True, check=True).stdout
        assert (shipped_plan.parent / name).read_bytes() == committed, name
