"""Plan files as other tools leave them: a byte-order mark (Windows Notepad), symbolic
links out of the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.plan import Plan

from .conftest import git

BOM = b"\xef\xbb\xbf"


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


# ------------------------------------------------------------------------ byte-order mark


def notepad_save(path: Path, crlf: bool = True) -> bytes:
    """Save `path` as Windows Notepad does: a byte-order mark, CRLF line endings."""
    text = path.read_text(encoding="utf-8")
    data = BOM + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("crlf", [True, False])
def test_a_file_with_a_byte_order_mark_is_read_and_kept_on_write(plan_dir, afi, crlf):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    notepad_save(path, crlf)
    git(repo, "commit", "-qam", "saved in Notepad")
    code, out, err = afi("list", "id:PEEL22-01", cwd=repo)
    assert code == 0 and "PEEL22-01" in out and not err
    assert afi("check", cwd=repo)[0] == 0
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Brown", cwd=repo)
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(BOM) and data.count(BOM) == 1
    assert (b"\r\n" in data) == crlf
    diff = git(repo, "diff", "HEAD~1", "HEAD", "--numstat").split()
    assert diff[:2] == ["1", "1"]  # one line changed, the mark kept
    assert Plan.open(plan_dir).get("PEEL22-01").get("owner") == "Supt Brown"


def test_a_byte_order_mark_survives_appended_tables_and_the_log(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    notepad_save(path)
    git(repo, "commit", "-qam", "saved in Notepad")
    assert afi("note", "PEEL22-02", "Rota agreed", cwd=repo)[0] == 0
    assert afi("action", "PEEL22-02", "add", "Train staff", cwd=repo)[0] == 0
    assert path.read_bytes().startswith(BOM)
    code, out, _ = afi("log", "PEEL22-02", cwd=repo)
    assert code == 0 and "progress update" in out and "actions" in out


def test_plan_toml_with_a_byte_order_mark(plan_dir, afi):
    repo = plan_dir.parent
    notepad_save(plan_dir / "plan.toml")
    git(repo, "commit", "-qam", "saved in Notepad")
    code, out, err = afi("list", cwd=repo)
    assert code == 0 and "PEEL22-01" in out and not err
    assert afi("check", cwd=repo)[0] == 0


def test_a_problem_in_a_file_with_a_mark_is_on_its_line(plan_dir, afi):
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_bytes(BOM + path.read_bytes().replace(b'status = "not-started"',
                                                     b'status = "nonsense"'))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and "PEEL22-02.toml:7: unknown status 'nonsense'" in out


def test_afi_commit_takes_a_hand_edit_saved_with_a_mark(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    notepad_save(path)
    path.write_bytes(path.read_bytes().replace(b"DCI Jones", b"DCI Khan"))
    code, out, err = afi("commit", cwd=repo)
    assert code == 0, err
    assert "owner DCI Jones -> DCI Khan" in git(repo, "log", "-1", "--format=%s")


# ------------------------------------------------------------------------ links


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def link_items_folder(plan_dir: Path, outside: Path) -> None:
    items = plan_dir / "afis"
    for path in items.iterdir():
        path.rename(outside / path.name)
    items.rmdir()
    items.symlink_to(outside, target_is_directory=True)


def test_a_linked_items_folder_is_not_read_through(plan_dir, afi, outside):
    repo = plan_dir.parent
    link_items_folder(plan_dir, outside)
    code, out, err = afi("list", cwd=repo)
    assert "PEEL22-01" not in out
    assert "afis is a symbolic link to" in err and str(outside) in err
    assert "outside the repository" in err
    code, out, _ = afi("check", cwd=repo)
    assert code == 1 and "symbolic link" in out
    code, _, err = afi("show", "PEEL22-01", cwd=repo)
    assert code == 1 and "symbolic link" in err


def test_a_linked_items_folder_is_not_written_through(plan_dir, afi, outside):
    repo = plan_dir.parent
    link_items_folder(plan_dir, outside)
    before = head(repo)
    names = sorted(p.name for p in outside.iterdir())
    code, _, err = afi("new", "--title", "Answer calls", "--area", "Responding to the public",
                       "--inspection", "PEEL22", "--id", "PEEL22-09", cwd=repo)
    assert code == 1
    assert "afis is a symbolic link" in err and "nothing was written" in err
    assert sorted(p.name for p in outside.iterdir()) == names
    assert head(repo) == before


def test_a_linked_item_file_or_plan_toml_is_refused_naming_it(plan_dir, afi, outside):
    repo = plan_dir.parent
    item = plan_dir / "afis" / "PEEL22-02.toml"
    (outside / "PEEL22-02.toml").write_bytes(item.read_bytes())
    item.unlink()
    item.symlink_to(outside / "PEEL22-02.toml")
    code, out, err = afi("list", cwd=repo)
    assert "PEEL22-02.toml" in err and "symbolic link" in err and "PEEL22-02" not in out
    code, _, err = afi("set", "PEEL22-02", "owner=X", cwd=repo)
    assert code == 1 and "PEEL22-02" in err
    assert (outside / "PEEL22-02.toml").read_bytes() == item.read_bytes()
    plan_file = plan_dir / "plan.toml"
    (outside / "plan.toml").write_bytes(plan_file.read_bytes())
    plan_file.unlink()
    plan_file.symlink_to(outside / "plan.toml")
    code, out, _ = afi("check", cwd=repo)
    assert code == 1 and "plan.toml" in out and "symbolic link" in out


def test_link_message_names_the_link_and_where_it_points(plan_dir, outside):
    from tui.core.store.reading import link_message

    repo = plan_dir.parent
    assert link_message(repo, plan_dir / "afis" / "PEEL22-01.toml") is None
    inside = plan_dir / "inside"
    inside.symlink_to(plan_dir / "afis")
    assert "(inside the repository)" in link_message(repo, inside / "X.toml")
    assert "outside the repository" in link_message(repo, outside / "X.toml")
    assert os.path.islink(inside)


# ------------------------------------------------------------------ an unreadable plan.toml


@pytest.mark.parametrize("args", [
    ["set", "PEEL22-01", "owner=Supt Brown"],
    ["note", "PEEL22-01", "Briefed the FIB"],
    ["new", "--inspection", "PEEL22", "--area", "Responding to the public", "--title", "T"],
])
def test_an_edit_with_plan_toml_unreadable_names_plan_toml_not_the_item(plan_dir, afi, args):
    """plan.toml broken by a bad edit: every write was refused as "unknown inspection
    'PEEL22' (none listed: add [[inspections]] to plan.toml)" though plan.toml lists it;
    the fault named is plan.toml's own, at its line."""
    repo = plan_dir.parent
    path = plan_dir / "plan.toml"
    path.write_text(path.read_text() + 'title = "unterminated\n')
    before = head(repo)
    code, _, err = afi(*args, cwd=repo)
    assert code == 1
    assert "plan.toml:" in err and "invalid TOML" in err and "fix it first" in err, err
    assert "unknown inspection" not in err and "[[inspections]]" not in err
    assert head(repo) == before
    assert git(repo, "status", "--porcelain").split() == ["M", "plan/plan.toml"]
