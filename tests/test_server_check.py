"""A server check that cannot be fooled: `afi check --commits` on merges, subjects,
empty commits and due moves; `afi check --tags` on forged board tags; and no user value
ever read by git as an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import git

FORGED = "board/2031-01-01-fake"


def tag(repo: Path, name: str, target: str = "HEAD", board: str = "Fake") -> None:
    git(repo, "tag", "-a", "-m", f"{board} met on {name[6:16]}", name, target)


# -- board tags ---------------------------------------------------------------------------------
def test_forged_board_tags_are_refused_by_check_and_ignored_by_list(governed, afi):
    repo = governed.parent
    assert afi("board", "mark", "Force Improvement Board", cwd=repo)[0] == 0
    assert afi("check", "--tags", cwd=repo)[0] == 0
    tag(repo, FORGED)                                   # a future date
    tag(repo, "board/2025-01-14-tea-club")              # a board plan.toml does not name
    git(repo, "switch", "-q", "-c", "elsewhere")
    git(repo, "commit", "-q", "--allow-empty", "-m", "not on main")
    tag(repo, "board/2025-01-13-peel-oversight-board", board="PEEL Oversight Board")
    git(repo, "switch", "-q", "main")

    code, out, err = afi("check", "--tags", cwd=repo)
    assert code == 1
    assert f"{FORGED}: dated 2031-01-01, after today" in out
    assert "board/2025-01-14-tea-club: not a board plan.toml names" in out
    assert "board/2025-01-13-peel-oversight-board: on a commit outside the current branch" \
        in out
    assert "force-improvement-board" not in out and "3 board tag(s)" in err

    code, out, err = afi("board", "list", cwd=repo)
    assert code == 0
    assert out.splitlines() == [line for line in out.splitlines()
                                if "force-improvement-board" in line] and out
    assert f"afi: warning: {FORGED}: dated 2031-01-01, after today: ignored" in err
    # last-board, and so the pack's "since", is the true mark, not the forgery.
    code, out, err = afi("report", "--format", "json", cwd=repo)
    assert code == 0, err
    assert '"board/2025-01-15-force-improvement-board"' in out and FORGED not in out
    code, out, _ = afi("log", "--since", "last-board", cwd=repo)
    assert code == 0


# -- user values never read as options ----------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["check", "--commits=--output={file}"],
    ["check", "--commits", "--output={file}"],
    ["log", "--since=--output={file}"],
    ["log", "PEEL22-01", "--since=--output={file}"],
    ["report", "--since=--output={file}"],
    ["report", "--as-of=--output={file}"],
    ["list", "--as-of=--output={file}"],
])
def test_a_revision_is_never_an_option_to_git(plan_dir, afi, tmp_path, args):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    code, _, err = afi(*[a.format(file=victim) for a in args], cwd=plan_dir.parent)
    assert code == 1 and "afi: error:" in err
    assert victim.read_text() == "precious\n"
    assert not (plan_dir.parent / "--output").exists()


def test_a_board_name_is_never_an_option_to_git(plan_dir, afi, tmp_path):
    repo = plan_dir.parent
    victim = tmp_path / "victim"
    code, out, err = afi("board", "mark", "--", f"--output={victim}", cwd=repo)
    assert code == 0, err
    assert not victim.exists()
    assert git(repo, "tag", "--list", "board/*").strip().startswith("board/2025-01-15-output-")
