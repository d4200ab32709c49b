"""Guardrails on real repositories: closing with actions open needs a reason, dates to
come are refused, evidence is dated, and the help and errors say what they should."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import git


def count(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def item(plan_dir, item_id: str) -> str:
    return (plan_dir / "afis" / f"{item_id}.toml").read_text()


BOARD = ["--by", "DCC", "--board", "Force Improvement Board"]


def test_close_with_open_actions_needs_a_reason(afi, governed):
    repo = governed.parent
    before = count(repo)
    code, out, err = afi("close", "PEEL22-01", *BOARD, cwd=repo)
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert "PEEL22-01 has 1 of 2 actions still open" in err and "--reason" in err
    assert count(repo) == before and git(repo, "status", "--porcelain") == ""
    code, out, err = afi("close", "PEEL22-01", *BOARD, "--reason",
                         "the rota review moves to business as usual", cwd=repo)
    assert code == 0, err
    text = item(governed, "PEEL22-01")
    assert 'status = "closed"' in text
    assert 'by = "Test Lead"\ntext = "Closed with 1 of 2 actions open: the rota review moves ' \
           'to business as usual"' in text
    assert "closure by DCC at Force Improvement Board on 2025-01-15, progress update" in out


def test_close_reason_with_nothing_open_is_refused(afi, governed):
    code, _, err = afi("close", "PEEL22-02", *BOARD, "--reason", "why not", cwd=governed.parent)
    assert code == 2 and "nothing to explain" in err


@pytest.mark.parametrize("args, what", [
    (["close", "PEEL22-02", *BOARD, "--date", "2025-01-16"], "sign-off date 2025-01-16"),
    (["note", "PEEL22-02", "Done", "--date", "2030-01-01"], "update date 2030-01-01"),
    (["evidence", "PEEL22-02", "Audit", "--date", "2025-02-01"], "evidence date 2025-02-01"),
])
def test_dates_to_come_are_refused_for_what_has_happened(afi, governed, args, what):
    repo = governed.parent
    before = count(repo)
    code, out, err = afi(*args, cwd=repo)  # today is pinned to 2025-01-15
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert f"{what} is in the future (today is 2025-01-15)" in err
    assert count(repo) == before and git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("args", [["report", "--since", "2099-01-01"],
                                  ["list", "--as-of", "2025-01-16"],
                                  ["log", "--since", "2099-01-01"]])
def test_revisions_in_the_future_are_refused(afi, plan_dir, args):
    code, out, err = afi(*args, cwd=plan_dir.parent)
    assert code == 1 and out == ""
    assert "is in the future (today is 2025-01-15)" in err
    code, _, err = afi(args[0], args[1], "2025-01-15", cwd=plan_dir.parent)
    assert code == 0, err  # today itself is fine


def test_evidence_is_dated_today_by_default(afi, plan_dir):
    assert afi("evidence", "PEEL22-02", "Rota", cwd=plan_dir.parent)[0] == 0
    assert '[[evidence]]\ntitle = "Rota"\ndate = 2025-01-15\n' in item(plan_dir, "PEEL22-02")


def test_set_closed_says_so_in_one_line(afi, plan_dir):
    code, _, err = afi("set", "PEEL22-01", "status=closed", cwd=plan_dir.parent)
    assert code == 1 and len(err.splitlines()) == 1
    assert "needs its sign-off" in err and err.rstrip().endswith("nothing was written")


def test_help_lists_every_settable_field_and_hides_the_merge_driver(plan_dir):
    from tui.core.model.schema import SETTABLE

    def help_of(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "tui.cli.main", *args, "--help"],
                              capture_output=True, text=True, cwd=plan_dir.parent,
                              env={**os.environ, "COLUMNS": "100"})
        assert done.returncode == 0, done.stderr
        return " ".join(done.stdout.split())

    assert all(name in help_of("set") for name in ("detail", "number", *SETTABLE))
    top = help_of()
    assert "SUPPRESS" not in top and "merge-driver" not in top and "undo" in top
    assert "--dry-run" in help_of("undo")
