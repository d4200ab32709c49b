"""A server check that cannot be fooled: `afi check --commits` on merges, subjects,
empty commits and due moves; `afi check --tags` on forged board tags; and no user value
ever read by git as an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import git, install_pre_receive

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


# -- afi check --commits ------------------------------------------------------------------------
def commit_by_hand(repo: Path, message: str, *args: str) -> None:
    git(repo, "commit", "-q", "--cleanup=verbatim", "-m", message, *args)


def edit(plan_dir: Path, item_id: str, old: str, new: str) -> None:
    path = plan_dir / "afis" / f"{item_id}.toml"
    path.write_text(path.read_text().replace(old, new))


def check_since(afi, repo: Path, base: str) -> tuple[int, str]:
    code, out, err = afi("check", "--commits", f"{base}..HEAD", cwd=repo)
    return code, out + err


def two_branches(repo: Path, afi) -> str:
    """`side` (PEEL22-02's owner set) and `main` (PEEL22-01's), both from the commit
    returned, with main checked out."""
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "switch", "-q", "-c", "side")
    assert afi("set", "PEEL22-02", "owner=Side Owner", cwd=repo)[0] == 0
    git(repo, "switch", "-q", "main")
    assert afi("set", "PEEL22-01", "owner=Main Owner", cwd=repo)[0] == 0
    return base


def test_a_merge_that_changes_more_than_its_parents_is_reported(plan_dir, afi):
    repo = plan_dir.parent
    base = two_branches(repo, afi)
    git(repo, "merge", "-q", "--no-edit", "side")
    assert check_since(afi, repo, base)[0] == 0  # an honest merge passes
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "merge", "-q", "--no-commit", "side")
    edit(plan_dir, "PEEL22-01", 'status = "in-progress"', 'status = "complete"')
    edit(plan_dir, "PEEL22-01", "due = 2024-12-31", "due = 2026-12-31")
    git(repo, "commit", "-qam", "Merge branch 'side'")
    code, out = check_since(afi, repo, base)
    assert code == 1
    assert "PEEL22-01: status in-progress -> complete: made by the merge itself, not by " \
        "either parent" in out
    assert "PEEL22-01: due 2024-12-31 -> 2026-12-31: made by the merge itself" in out


def test_a_merge_dropping_one_side_is_reported(plan_dir, afi):
    repo = plan_dir.parent
    base = two_branches(repo, afi)
    git(repo, "merge", "-q", "-s", "ours", "--no-edit", "side")  # keeps main's files only
    code, out = check_since(afi, repo, base)
    assert code == 1 and "PEEL22-02: owner Side Owner -> DCI Jones: made by the merge" in out


def test_a_false_subject_fails_though_the_body_is_true(plan_dir, afi):
    repo = plan_dir.parent
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(plan_dir, "PEEL22-01", "Supt Smith", "Supt New")
    edit(plan_dir, "PEEL22-02", "DCI Jones", "DCI New")
    commit_by_hand(repo, "PEEL22-01: status in-progress -> closed\n\n"
                   "PEEL22-01: owner Supt Smith -> Supt New\n"
                   "PEEL22-02: owner DCI Jones -> DCI New\n\n"
                   "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02\n", "-a")
    code, out = check_since(afi, repo, base)
    assert code == 1 and "the subject says 'PEEL22-01: status in-progress -> closed'" in out
    git(repo, "commit", "-q", "--amend", "-m", "owner -> Supt New on 2 items\n\n"
        "PEEL22-01: owner Supt Smith -> Supt New\nPEEL22-02: owner DCI Jones -> DCI New\n\n"
        "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02")
    code, out = check_since(afi, repo, base)
    assert code == 1 and "the subject says 'owner -> Supt New on 2 items'" in out
    git(repo, "commit", "-q", "--amend", "-m", "New owners after the restructure\n\n"
        "PEEL22-01: owner Supt Smith -> Supt New\nPEEL22-02: owner DCI Jones -> DCI New\n\n"
        "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02")
    assert check_since(afi, repo, base)[0] == 0


def test_claims_without_a_change_fail(plan_dir, afi):
    repo = plan_dir.parent
    base = git(repo, "rev-parse", "HEAD").strip()
    commit_by_hand(repo, "Tidy\n\nAFI-Id: PEEL22-01\n", "--allow-empty")
    code, out = check_since(afi, repo, base)
    assert code == 1 and "AFI-Id names items the commit does not change: PEEL22-01" in out
    git(repo, "reset", "-q", "--hard", base)
    (repo / "README").write_text("notes\n")
    git(repo, "add", "README")
    commit_by_hand(repo, "PEEL22-02: status not-started -> complete\n")
    code, out = check_since(afi, repo, base)
    assert code == 1 and "'PEEL22-02: status not-started -> complete', which the diff" in out


def test_a_due_move_without_a_reason_fails(governed, afi):
    repo = governed.parent
    base = git(repo, "rev-parse", "HEAD").strip()
    assert afi("set", "PEEL22-02", "due=2025-04-30", "--reason", "new rota", cwd=repo)[0] == 0
    assert check_since(afi, repo, base)[0] == 0
    edit(governed, "PEEL22-02", "due = 2025-04-30", "due = 2025-09-30")
    commit_by_hand(repo, "PEEL22-02: due 2025-04-30 -> 2025-09-30\n\nAFI-Id: PEEL22-02\n", "-a")
    code, out = check_since(afi, repo, base)
    assert code == 1
    assert "PEEL22-02: moving its due date from 2025-04-30 to 2025-09-30 needs a reason" in out


def test_the_pre_receive_example_refuses_forged_board_tags(team, tmp_path):
    import subprocess

    alice, _ = team
    shared = tmp_path / "shared.git"
    afi_script = install_pre_receive(shared)

    def push(*refs: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "push", "-q", "origin", *refs], cwd=alice,
                              capture_output=True, text=True)

    tag(alice, FORGED)
    done = push(f"refs/tags/{FORGED}")
    assert done.returncode != 0 and f"{FORGED}: dated 2031-01-01, after today" in done.stderr
    git(alice, "switch", "-q", "-c", "private")
    assert subprocess.run([str(afi_script), "set", "PEEL22-01", "owner=Supt Side"],
                          cwd=alice, capture_output=True).returncode == 0
    tag(alice, "board/2025-01-14-side-board", board="Side Board")
    done = push("refs/tags/board/2025-01-14-side-board")
    assert done.returncode != 0 and "on a commit outside the current branch" in done.stderr
    git(alice, "switch", "-q", "main")
    assert subprocess.run([str(afi_script), "board", "mark", "Force Improvement Board"],
                          cwd=alice, capture_output=True).returncode == 0
    done = push("refs/tags/board/2025-01-15-force-improvement-board")
    assert done.returncode == 0, done.stderr
    # A branch push is still checked as before, in the same hook.
    assert subprocess.run([str(afi_script), "set", "PEEL22-02", "owner=Supt Main"],
                          cwd=alice, capture_output=True).returncode == 0
    assert push("HEAD:main").returncode == 0
    assert git(shared, "tag", "--list", "board/*").split() == \
        ["board/2025-01-15-force-improvement-board"]
