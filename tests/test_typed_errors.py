"""Errors are told apart by their class and attributes, not their wording: the core's
errors carry the item, field and value; the CLI words them with its flags, Python with
its arguments; the terminal UI never reads an exception's text; the README's Python runs
as written."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from tui.core import Plan
from tui.core.errors import (
    IdTaken,
    ImportRefused,
    InvalidValue,
    ReasonRequired,
    SignOffRequired,
)
from tui.core.imports.tracker_import import read_table

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent


# -- the core's errors carry the facts -------------------------------------------------------
def test_a_moved_due_date_without_a_reason_names_the_python_argument(plan_dir):
    plan = Plan(plan_dir)
    with pytest.raises(ReasonRequired) as caught, plan.change("No reason") as change:
        change.set("PEEL22-01", "due", "2025-06-30")
    err = caught.value
    assert (err.item_id, err.field) == ("PEEL22-01", "due")
    assert "reason=" in str(err) and "--reason" not in str(err)
    assert "--reason TEXT" in err.cli_message() and "reason=" not in err.cli_message()
    assert git(plan_dir.parent, "status", "--porcelain") == ""


def test_the_cli_names_its_flag_for_the_same_refusal(plan_dir, afi):
    code, _, err = afi("set", "PEEL22-01", "due=2025-06-30", cwd=plan_dir.parent)
    assert code == 1 and "give --reason TEXT" in err and "reason=" not in err


def test_closing_with_actions_open_asks_for_a_reason_of_the_closure(plan_dir):
    plan = Plan(plan_dir)
    with plan.change("Add an action") as change:
        change.add_action("PEEL22-02", "Brief the teams")
    with pytest.raises(ReasonRequired) as caught, plan.change("Close") as change:
        change.close("PEEL22-02", by="DCC", board="FIB")
    assert (caught.value.item_id, caught.value.field) == ("PEEL22-02", "closure")


def test_setting_the_closed_status_asks_for_the_sign_off(plan_dir, afi):
    plan = Plan(plan_dir)
    with pytest.raises(SignOffRequired) as caught, plan.change("Close") as change:
        change.set("PEEL22-02", "status", "closed")
    assert (caught.value.field, caught.value.value) == ("status", "closed")
    assert "change.close(" in str(caught.value)
    code, _, err = afi("set", "PEEL22-02", "status=closed", cwd=plan_dir.parent)
    assert code == 1 and "`afi close ID --by NAME --board BOARD`" in err


def test_invalid_values_carry_field_value_and_what_is_allowed(governed):
    plan = Plan(governed)
    with pytest.raises(InvalidValue) as caught, plan.change("x") as change:
        change.set("PEEL22-01", "status", "finished")
    assert (caught.value.field, caught.value.value) == ("status", "finished")
    assert "in-progress" in caught.value.allowed
    with pytest.raises(InvalidValue) as caught, plan.change("x") as change:
        change.close("PEEL22-01", by="DCC", board="Tea Club")
    assert (caught.value.field, caught.value.value) == ("board", "Tea Club")
    assert caught.value.allowed == tuple(plan.config.boards)
    with pytest.raises(InvalidValue) as caught, plan.change("x") as change:
        change.add_evidence("PEEL22-01", "Rota", location="share\x07drive")
    assert caught.value.field == "location"


def test_a_taken_id_is_told_apart_from_a_malformed_one(plan_dir):
    plan = Plan(plan_dir)
    with pytest.raises(IdTaken) as caught, plan.change("x") as change:
        change.create("PEEL22-01", {"title": "Again"})
    assert (caught.value.field, caught.value.item_id) == ("id", "PEEL22-01")
    with pytest.raises(InvalidValue) as caught, plan.change("x") as change:
        change.create("no spaces please", {"title": "Bad"})
    assert caught.value.field == "id" and not isinstance(caught.value, IdTaken)


def test_a_tracker_afi_cannot_read_is_refused_with_afis_own_error(tmp_path, plan_dir):
    path = tmp_path / "tracker.csv"
    path.write_bytes(b"a,b\n\x00\x00\n")
    with pytest.raises(ImportRefused) as caught:
        read_table(path, Plan(plan_dir).config)
    assert caught.value.path == path and "NUL" in str(caught.value)


# -- the UI reads attributes, never text -----------------------------------------------------
def _exception_names(tree: ast.AST) -> set[str]:
    return {handler.name for handler in ast.walk(tree)
            if isinstance(handler, ast.ExceptHandler) and handler.name}


def _text_of_exception(node: ast.AST, names: set[str]) -> bool:
    """`str(err)`, `err.args`, `f"{err}"` or `err.args[0]` for a caught `err`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("str", "repr") and node.args:
        return _text_of_exception(node.args[0], names) or (
            isinstance(node.args[0], ast.Name) and node.args[0].id in names)
    if isinstance(node, ast.Attribute) and node.attr == "args":
        return isinstance(node.value, ast.Name) and node.value.id in names
    if isinstance(node, ast.Subscript):
        return _text_of_exception(node.value, names)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
                   and v.value.id in names for v in node.values)
    return False


def exception_text_matches(source: str) -> list[int]:
    """Lines where an exception's text is matched: `... in str(err)`, `str(err) == ...`,
    `str(err).startswith(...)` (or endswith, find, index, count, re.search on it)."""
    tree = ast.parse(source)
    names = _exception_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
                _text_of_exception(side, names) for side in (node.left, *node.comparators)):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr in ("startswith", "endswith", "find", "index", "count",
                                        "removeprefix", "replace") and \
                _text_of_exception(node.func.value, names)
            pattern = node.func.attr in ("search", "match", "fullmatch", "findall") and any(
                _text_of_exception(arg, names) for arg in node.args)
            if method or pattern:
                found.append(node.lineno)
    return found


def test_the_check_finds_each_way_of_matching_an_exceptions_text():
    source = ("try:\n    pass\nexcept ValueError as err:\n"
              "    a = 'board' in str(err)\n"
              "    b = str(err).startswith('x')\n"
              "    c = err.args[0] == 'x'\n"
              "    d = re.search('x', str(err))\n"
              "    e = str(err).replace('--reason', 'here')\n"
              "    f = 'x' in f'{err}'\n"
              "    g = show(str(err))\n")
    assert exception_text_matches(source) == [4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("path", sorted((ROOT / "tui" / "app").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ui_code_matches_an_exceptions_text(path):
    lines = exception_text_matches(path.read_text(encoding="utf-8"))
    assert lines == [], f"{path.name} matches an exception's text on line(s) {lines}: " \
                        "give the error a class or attribute in tui/core/errors.py"


# -- the README's Python runs as written ------------------------------------------------------
def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def shipped_plan_repo(shipped_plan: Path, tmp_path: Path) -> Path:
    """A repository of its own holding a copy of the plan as committed here."""
    repo = tmp_path / "checkout"
    shutil.copytree(shipped_plan, repo / "plan")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test User")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The shipped plan")
    return repo


def test_the_readme_python_examples_run_as_written(shipped_plan, tmp_path, monkeypatch,
                                                    capsys):
    blocks = readme_python_blocks()
    assert blocks, "README.md has no ```python block"
    repo = shipped_plan_repo(shipped_plan, tmp_path)
    before = int(git(repo, "rev-list", "--count", "HEAD"))
    monkeypatch.chdir(repo)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert int(git(repo, "rev-list", "--count", "HEAD")) == before + 1
    text = (repo / "plan" / "afis" / "PEEL22-08.toml").read_text(encoding="utf-8")
    assert "Due date moved from 2023-12-31 to 2025-09-30: awaiting the new case-file" in text
    assert "+owner = \"Supt A. Example\"" in capsys.readouterr().out  # the dry run's diff


def test_the_readme_example_without_its_reason_names_reason_not_the_flag(shipped_plan,
                                                                          tmp_path,
                                                                          monkeypatch):
    block = readme_python_blocks()[0]
    without = re.sub(r',\s*#[^\n]*\n\s*reason="[^"]*"\)', ")", block)
    assert without != block
    monkeypatch.chdir(shipped_plan_repo(shipped_plan, tmp_path))
    with pytest.raises(ReasonRequired) as caught:
        exec(compile(without, "README.md", "exec"), {"__name__": "readme"})
    assert "reason=" in str(caught.value) and "--reason" not in str(caught.value)
