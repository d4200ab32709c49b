"""The maintained scripts in scripts/, run as a user would, on real repositories."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import git

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPTS / script), *args], cwd=cwd,
                          capture_output=True, text=True)


def test_reassign_owner_is_one_commit_for_open_items(plan_dir):
    repo = plan_dir.parent
    before = int(git(repo, "rev-list", "--count", "HEAD"))
    done = run("reassign_owner.py", "supt smith", "Supt Jones", "--lead", "ACC Brown", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert int(git(repo, "rev-list", "--count", "HEAD")) == before + 1
    assert git(repo, "log", "-1", "--format=%s").strip() == \
        "Hand over 1 item(s) from supt smith to Supt Jones"
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert 'owner = "Supt Jones"' in text and 'lead = "ACC Brown"' in text


def test_reassign_owner_dry_run_and_nobody(plan_dir):
    repo = plan_dir.parent
    done = run("reassign_owner.py", "DCI Jones", "DCI Black", "--dry-run", cwd=repo)
    assert done.returncode == 0 and '+owner = "DCI Black"' in done.stdout
    assert git(repo, "status", "--porcelain") == ""
    done = run("reassign_owner.py", "Nobody", "X", cwd=repo)
    assert done.returncode == 1 and "no open items" in done.stderr


def test_shift_due_moves_dates_and_notes_why(plan_dir):
    repo = plan_dir.parent
    done = run("shift_due.py", "group:demand", "--weeks", "2", "--reason", "Re-planned at FIB",
               cwd=repo)
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Move 2 due date(s): Re-planned at FIB")
    assert "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02" in message
    text = (plan_dir / "afis" / "PEEL22-02.toml").read_text()
    assert "due = 2025-02-24" in text
    assert ('text = "Due date moved from 2025-02-10 to 2025-02-24: Re-planned at FIB"'
            in text)


def test_shift_due_refuses_bad_query_and_writes_nothing(plan_dir):
    repo = plan_dir.parent
    done = run("shift_due.py", "colour:red", "--days", "2", "--reason", "x", cwd=repo)
    assert done.returncode == 1 and "unknown field 'colour'" in done.stderr
    assert git(repo, "status", "--porcelain") == ""


def test_shift_due_by_months_keeps_month_ends_and_leaves_done_items(plan_dir):
    repo = plan_dir.parent
    done = run("shift_due.py", "", "--months", "2", "--reason", "Slipped", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "HMIC07-R01 is closed: left alone" in done.stderr
    assert "due = 2025-02-28" in (plan_dir / "afis" / "PEEL22-01.toml").read_text()  # 31 Dec
    assert "due = 2025-04-10" in (plan_dir / "afis" / "PEEL22-02.toml").read_text()
    assert "due = 2008-03-31" in (plan_dir / "afis" / "HMIC07-R01.toml").read_text()


def test_shift_due_month_arithmetic():
    sys.path.insert(0, str(SCRIPTS))
    try:
        from shift_due import shifted
    finally:
        sys.path.remove(str(SCRIPTS))
    from datetime import date

    assert shifted(date(2023, 3, 31), months=3) == date(2023, 6, 30)
    assert shifted(date(2023, 1, 30), months=1) == date(2023, 2, 28)
    assert shifted(date(2024, 2, 29), months=12) == date(2025, 2, 28)
    assert shifted(date(2023, 2, 28), months=1) == date(2023, 3, 31)  # a month-end
    assert shifted(date(2023, 5, 15), months=-5) == date(2022, 12, 15)
    assert shifted(date(2023, 5, 15), days=-15) == date(2023, 4, 30)


def test_scripts_name_the_python_to_use_when_afi_is_missing(tmp_path):
    """A Python without afi installed: one line saying which Python to run, no traceback."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    for script in ("reassign_owner.py", "shift_due.py", "torture.py"):
        done = subprocess.run([str(bare / "bin" / "python"), str(SCRIPTS / script), "--help"],
                              capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 1
        assert "No module named 'tui'" in done.stderr and ".venv/bin/python" in done.stderr
        assert "Traceback" not in done.stderr


def test_torture_quick_form_finds_no_lie_and_no_loss(tmp_path):
    """The fast parts of scripts/torture.py: concurrent CLI and Python writers, kills
    during a bulk change, a signal after commit, and a few rounds of each edge: an
    editor saving meanwhile, a slow hook and kill -9, write errors, a killed sync. Exit 0
    means every check held."""
    done = subprocess.run([sys.executable, str(SCRIPTS / "torture.py"), "--writers", "3",
                           "--edits", "5", "--kills", "2", "--bulk", "40", "--editor", "3",
                           "--hook-kills", "1", "--hook-seconds", "1.5", "--sync-kills", "2",
                           "--seed", "7"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "lost 0" in done.stdout and "lies 0" in done.stdout
    assert "edits lost 0, messages that disagree with their diff 0" in done.stdout
    assert "0 false 'undid'" in done.stdout and "0 later commits" in done.stdout
    assert "ok: no lie, no loss" in done.stdout


def test_bench_prints_the_side_by_side_table(tmp_path):
    """scripts/bench.py on a small plan: every row measured, Taskwarrior beside afi when
    it is installed, a note saying it was skipped when it is not."""
    import shutil

    done = run("bench.py", "--sizes", "120", "--runs", "1", "--compare", "taskwarrior",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert table.startswith("| | 120 items, 120 commits |")
    for row in ("`afi list status:in-progress area:X`", "`afi set ID owner=…` with its commit",
                "`afi log ID`", "cold `afi list`", "`afi report --format html`",
                "`afi import table`"):
        assert row in table
    if shutil.which("task"):
        assert "`task project:X +tag list`" in table and "×)" in table
    else:
        assert "Taskwarrior (`task`) is not installed: comparison skipped" in done.stderr
    assert not list(tmp_path.iterdir())  # its folders are in the system's temp, removed


def test_the_readmes_scripting_example_runs_as_written(repo):
    import re
    import shutil

    readme = (SCRIPTS.parent / "README.md").read_text()
    section = readme[readme.index("## Scripting"):]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copytree(SCRIPTS.parent / "plan", repo / "plan")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The shipped plan")
    done = subprocess.run([sys.executable, "-c", block], cwd=repo, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "Re-plan after the May FIB"
    assert "due = 2025-09-30" in (repo / "plan" / "afis" / "PEEL22-08.toml").read_text()
    assert "+owner = \"Supt A. Example\"" in done.stdout  # the dry run's diff, not written
    assert git(repo, "status", "--porcelain") == ""
