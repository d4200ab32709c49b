"""Governance on real repositories: sign-off and evidence, actions, due dates that move
with a reason, pick lists, boards as git tags, the plan as of a date, the board pack."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tui.core.plan import Plan

from .conftest import board_cycle, git, write_item


def head_message(repo) -> str:
    return git(repo, "log", "-1", "--format=%B")


def commits(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


# -- sign-off and evidence ---------------------------------------------------------------------
def test_close_signs_off_in_one_commit(governed, afi):
    repo = governed.parent
    before = commits(repo)
    code, out, err = afi("close", "PEEL22-01", "PEEL22-02", "--by", "DCC", "--board",
                         "Force Improvement Board", "--date", "2025-01-14", "--reason",
                         "the shift review moves to business as usual", cwd=repo)
    assert code == 0, err
    assert commits(repo) == before + 1
    text = (governed / "afis" / "PEEL22-01.toml").read_text()
    assert 'status = "closed"' in text
    assert '[closure]\napproved_by = "DCC"\nboard = "Force Improvement Board"\n' \
           'date = 2025-01-14' in text
    message = head_message(repo)
    assert "PEEL22-01: status in-progress -> closed, closure by DCC at Force Improvement " \
           "Board on 2025-01-14" in message
    assert afi("check", cwd=repo)[0] == 0


def test_close_refuses_a_board_the_plan_does_not_name(governed, afi):
    repo = governed.parent
    code, _, err = afi("close", "PEEL22-01", "--by", "DCC", "--board", "Tea Club", cwd=repo)
    assert code == 1 and "unknown board 'Tea Club'" in err and "Force Improvement Board" in err
    assert git(repo, "status", "--porcelain") == ""
    code, _, err = afi("close", "PEEL22-01", "--by", " ", "--board",
                       "Force Improvement Board", cwd=repo)
    assert code == 1 and "--by cannot be empty" in err


def test_set_closed_without_sign_off_is_refused(governed, afi):
    code, _, err = afi("set", "PEEL22-01", "status=closed", cwd=governed.parent)
    assert code == 1 and "needs its sign-off" in err and "afi close" in err


def test_check_reports_sign_off_problems(governed, afi):
    write_item(governed, "PEEL22-05", 'id = "PEEL22-05"\nkind = "afi"\ninspection = "PEEL22"\n'
               'area = "Responding to the public"\ntitle = "T"\nstatus = "closed"\n')
    write_item(governed, "PEEL22-06", 'id = "PEEL22-06"\nkind = "afi"\ninspection = "PEEL22"\n'
               'area = "Responding to the public"\ntitle = "T"\nstatus = "in-progress"\n\n'
               '[closure]\napproved_by = "DCC"\nboard = "Force Improvement Board"\n'
               'date = 2025-01-01\n')
    write_item(governed, "PEEL22-07", 'id = "PEEL22-07"\nkind = "afi"\ninspection = "PEEL22"\n'
               'area = "Responding to the public"\ntitle = "T"\nstatus = "closed"\n\n'
               '[closure]\napproved_by = "DCC"\nboard = "Cake Committee"\n')
    code, out, _ = afi("check", cwd=governed.parent)
    assert code == 1
    assert "PEEL22-05.toml:6: 'closed' needs its sign-off" in out
    assert "PEEL22-06.toml:8: a [closure] on an item that is 'in-progress' (not done)" in out
    assert "PEEL22-07.toml:8: the [closure] of a closed item needs date" in out
    assert "PEEL22-07.toml:10: unknown board 'Cake Committee'" in out


def test_reopening_a_closed_item_needs_a_reason(governed, afi):
    repo = governed.parent
    assert afi("close", "PEEL22-02", "--by", "DCC", "--board", "Force Improvement Board",
               cwd=repo)[0] == 0
    code, _, err = afi("set", "PEEL22-02", "status=in-progress", cwd=repo)
    assert code == 1 and "reopening it needs a reason" in err
    code, _, err = afi("set", "PEEL22-02", "status=in-progress", "--reason",
                       "audit found gaps", cwd=repo)
    assert code == 0, err
    text = (governed / "afis" / "PEEL22-02.toml").read_text()
    assert "[closure]" not in text
    assert 'text = "Reopened (closed -> in-progress): audit found gaps"' in text
    assert afi("check", cwd=repo)[0] == 0
    assert "closure removed" in head_message(repo)


def test_evidence_is_appended(governed, afi):
    repo = governed.parent
    code, _, err = afi("evidence", "PEEL22-01", "Call-handling audit", "--location",
                       "SharePoint/FCIR", "--date", "2025-01-10", cwd=repo)
    assert code == 0, err
    text = (governed / "afis" / "PEEL22-01.toml").read_text()
    assert '[[evidence]]\ntitle = "Call-handling audit"\nlocation = "SharePoint/FCIR"\n' \
           'date = 2025-01-10' in text
    assert head_message(repo).startswith("PEEL22-01: evidence added")


def test_complete_items_are_awaiting_sign_off(governed, afi):
    repo = governed.parent
    assert afi("set", "PEEL22-02", "status=complete", cwd=repo)[0] == 0
    code, out, _ = afi("list", "is:awaiting-signoff", cwd=repo)
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["PEEL22-02"]


# -- actions -----------------------------------------------------------------------------------
def test_actions_from_the_command_line(governed, afi):
    repo = governed.parent
    path = governed / "afis" / "PEEL22-01.toml"
    assert afi("action", "PEEL22-01", "add", "Brief the FIB", "--owner", "Ch Insp Grey",
               "--due", "2025-03-31", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 3 added")
    assert 'text = "Brief the FIB"\ndone = false\nowner = "Ch Insp Grey"\ndue = 2025-03-31' \
        in path.read_text()
    assert afi("action", "PEEL22-01", "done", "2", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 2 done")
    assert afi("action", "PEEL22-01", "undone", "1", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 1 reopened")
    assert afi("action", "PEEL22-01", "edit", "3", "Brief the FIB and the PCC", "--owner",
               "", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 3 edited, action 3 owner "
                                         "Ch Insp Grey -> none")
    assert afi("action", "PEEL22-01", "move", "3", "1", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 3 moved to 1")
    assert afi("action", "PEEL22-01", "remove", "2", cwd=repo)[0] == 0
    assert head_message(repo).startswith("PEEL22-01: action 2 removed")
    actions = Plan(governed).get("PEEL22-01").actions
    assert [(a["text"], a["done"]) for a in actions] == [
        ("Brief the FIB and the PCC", False), ("Review shift pattern", True)]
    assert "owner" not in actions[0] and actions[0]["due"] == date(2025, 3, 31)
    assert afi("check", cwd=repo)[0] == 0


@pytest.mark.parametrize(("args", "fragment"), [
    (["done", "9"], "has no action 9 (it has 2"),
    (["done", "0"], "numbered from 1"),
    (["done", "-1"], "numbered from 1"),  # not "invalid int value: '\ue0001'"
    (["move", "1", "-2"], "numbered from 1"),
    (["move", "1", "5"], "no position 5"),
    (["edit", "1"], "nothing to change"),
    (["add", "x", "--due", "soon"], "is not a date"),
])
def test_action_refusals_write_nothing(governed, afi, args, fragment):
    code, _, err = afi("action", "PEEL22-01", *args, cwd=governed.parent)
    assert code in (1, 2) and fragment in err
    assert git(governed.parent, "status", "--porcelain") == ""


def test_an_action_removed_meanwhile_is_a_conflict_not_a_wrong_tick(governed, afi):
    """Edits are replayed on the file as it is under the lock; an action is found by its
    text, so ticking 'action 2' never ticks whichever action is second now."""
    plan = Plan(governed)
    change = plan.change().change
    change.set_action_done("PEEL22-01", 1)  # "Review shift pattern", as read now
    assert afi("action", "PEEL22-01", "remove", "2", cwd=governed.parent)[0] == 0
    from tui.core.errors import ConflictError

    with pytest.raises(ConflictError, match="action 2 .'Review shift pattern'. changed"):
        change.commit()
    plan = Plan(governed)
    change = plan.change().change
    change.set_action_done("PEEL22-01", 0, done=False)  # "Recruit call handlers"
    assert afi("action", "PEEL22-01", "add", "New first?", cwd=governed.parent)[0] == 0
    assert afi("action", "PEEL22-01", "move", "2", "1", cwd=governed.parent)[0] == 0
    assert change.commit() is not None  # found by its text, now second
    actions = Plan(governed).get("PEEL22-01").actions
    assert [(a["text"], a["done"]) for a in actions] == [("New first?", False),
                                                          ("Recruit call handlers", False)]


# -- due dates move with a reason ----------------------------------------------------------------
def test_due_date_moves_need_a_reason(governed, afi):
    repo = governed.parent
    before = commits(repo)
    code, _, err = afi("set", "PEEL22-01", "due=2025-06-30", cwd=repo)
    assert code == 1 and "from 2024-12-31 to 2025-06-30 needs a reason" in err
    assert commits(repo) == before
    code, _, err = afi("set", "PEEL22-01", "due=2025-06-30", "--reason",
                       "awaiting the new case-file system", cwd=repo)
    assert code == 0, err
    text = (governed / "afis" / "PEEL22-01.toml").read_text()
    assert 'text = "Due date moved from 2024-12-31 to 2025-06-30: awaiting the new ' \
           'case-file system"' in text


def test_setting_a_first_due_date_needs_no_reason(governed, afi):
    write_item(governed, "HMIC07-R02", 'id = "HMIC07-R02"\nkind = "recommendation"\n'
               'inspection = "HMIC07"\narea = "A"\ntitle = "T"\nstatus = "in-progress"\n')
    git(governed.parent, "add", ".")
    git(governed.parent, "commit", "-qm", "R02")
    assert afi("set", "HMIC07-R02", "due=2025-05-31", cwd=governed.parent)[0] == 0


def test_plan_can_turn_the_reason_rule_off(governed, afi):
    plan_file = governed / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace(
        "due_soon_days = 45\n", "due_soon_days = 45\ndue_change_needs_reason = false\n"))
    git(governed.parent, "commit", "-qam", "no reasons")
    assert afi("set", "PEEL22-01", "due=2025-06-30", cwd=governed.parent)[0] == 0


def test_scripts_give_the_reason_to_plan_change(governed):
    plan = Plan(governed)
    with plan.change("Re-plan") as change:
        change.set("PEEL22-02", "due", "2025-04-30", reason="new rota")
    assert "Due date moved from 2025-02-10 to 2025-04-30: new rota" in \
        (governed / "afis" / "PEEL22-02.toml").read_text()
    from tui.core.errors import InvalidValue

    with pytest.raises(InvalidValue, match="needs a reason"), plan.change("No reason") as change:
        change.set("PEEL22-02", "due", "2025-05-31")


def test_a_hand_edited_due_move_needs_an_update_in_the_same_edit(governed, afi):
    repo = governed.parent
    path = governed / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace("due = 2025-02-10", "due = 2025-03-10"))
    code, _, err = afi("commit", cwd=repo)
    assert code == 1 and "add a [[updates]] entry saying why" in err
    path.write_text(path.read_text() + '\n[[updates]]\ndate = 2025-01-15\nby = "Lead"\n'
                                       'text = "Moved: staff shortage"\n')
    assert afi("commit", cwd=repo)[0] == 0


# -- pick lists --------------------------------------------------------------------------------
def test_area_must_be_one_the_plan_lists(governed, afi):
    repo = governed.parent
    code, _, err = afi("set", "PEEL22-01", "area=Responding to the pubic", cwd=repo)
    assert code == 1 and "unknown area 'Responding to the pubic'" in err
    code, _, err = afi("new", "--inspection", "PEEL22", "--area", "Somewhere", "--title", "T",
                       cwd=repo)
    assert code == 1 and "unknown area 'Somewhere'" in err
    # An inspection whose areas plan.toml does not list takes any area.
    assert afi("new", "--inspection", "HMIC07", "--area", "Somewhere", "--title", "T",
               cwd=repo)[0] == 0


# -- boards ------------------------------------------------------------------------------------
def test_board_mark_and_list(governed, afi, monkeypatch):
    repo = governed.parent
    code, out, err = afi("board", "list", cwd=repo)  # none yet: said, not a blank
    assert code == 0 and out == "" and "no board has been marked yet" in err
    code, out, err = afi("board", "mark", "Force", "Improvement", "Board", "-m",
                         "All AFIs reviewed", cwd=repo)
    assert code == 0, err
    tag = "board/2025-01-15-force-improvement-board"
    assert git(repo, "cat-file", "-t", tag).strip() == "tag"  # annotated
    assert git(repo, "rev-parse", f"{tag}^{{commit}}") == git(repo, "rev-parse", "HEAD")
    assert "Force Improvement Board met on 2025-01-15" in git(repo, "tag", "-n9", tag)
    code, _, err = afi("board", "mark", "Force Improvement Board", cwd=repo)
    assert code == 1 and "already exists" in err
    code, _, err = afi("board", "mark", "Tea Club", cwd=repo)
    assert code == 1 and "unknown board" in err
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-01-12T10:00:00+00:00")
    assert afi("note", "PEEL22-01", "late entry", cwd=repo)[0] == 0
    assert afi("board", "mark", "PEEL Oversight Board", "--date", "2025-01-11",
               cwd=repo)[0] == 0
    code, out, _ = afi("board", "list", cwd=repo)
    lines = out.splitlines()
    assert lines[0].startswith("2025-01-15  Force Improvement Board  " + tag)
    assert lines[0].endswith("All AFIs reviewed")
    assert lines[1].startswith("2025-01-11  PEEL Oversight Board")
    # The board of the 11th saw the plan as it stood that day: before the note of the 12th.
    assert git(repo, "rev-parse", "board/2025-01-11-peel-oversight-board^{commit}") == \
        git(repo, "rev-parse", "HEAD~1")


def test_revisions_accept_dates_boards_and_last_board(governed, afi, monkeypatch):
    repo = governed.parent
    assert afi("board", "mark", "Force Improvement Board", cwd=repo)[0] == 0
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-02-01T10:00:00+00:00")
    monkeypatch.setenv("AFI_TODAY", "2025-02-01")
    assert afi("set", "PEEL22-01", "owner=After The Board", cwd=repo)[0] == 0
    for since in ("last-board", "board/2025-01-15-force-improvement-board",
                  "2025-01-15-force-improvement-board", "2025-01-20"):
        code, out, err = afi("log", "--since", since, cwd=repo)
        assert code == 0, err
        assert "After The Board" in out and "Name the boards" not in out, since
    code, out, _ = afi("list", "--as-of", "last-board", "id:PEEL22-01", cwd=repo)
    assert "Supt Smith" in out
    code, out, _ = afi("list", "--as-of", "2025-01-31", "id:PEEL22-01", cwd=repo)
    assert "Supt Smith" in out
    code, out, _ = afi("list", "--as-of", "HEAD", "id:PEEL22-01", cwd=repo)
    assert "After The Board" in out
    code, _, err = afi("list", "--as-of", "1999-01-01", cwd=repo)
    assert code == 1 and "no commit on or before" in err
    code, _, err = afi("log", "--since", "no-such-board", cwd=repo)
    assert code == 1 and "`afi board list`" in err


def test_plan_as_of_reads_the_old_plan_toml_too(governed, afi, monkeypatch):
    repo = governed.parent
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-02-01T10:00:00+00:00")
    monkeypatch.setenv("AFI_TODAY", "2025-02-01")
    plan_file = governed / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace('"HMIC07"', '"HMIC08"'))
    (governed / "afis" / "HMIC07-R01.toml").unlink()
    git(repo, "commit", "-qam", "Drop HMIC07")
    code, out, err = afi("list", "--as-of", "2025-01-20", cwd=repo)
    assert code == 0 and "HMIC07-R01" in out and err == ""
    old = Plan(governed).at("2025-01-20")
    from tui.core.errors import AfiError

    with pytest.raises(AfiError, match="history cannot be changed"):
        old.change("no")


# -- the board pack -----------------------------------------------------------------------------
@pytest.fixture
def cycle(governed, afi, monkeypatch):
    """A board cycle: a board meets, then updates, a moved date, a sign-off, evidence."""
    return board_cycle(governed, afi, monkeypatch,
                       ["close", "PEEL22-01", "--by", "DCC", "--board", "Force Improvement Board",
                        "--reason", "the shift review moves to business as usual"],
                       ["evidence", "PEEL22-01", "Call-handling audit <b>2025</b>"])


def test_report_markdown_shows_the_cycle(cycle, afi):
    code, out, err = afi("report", cwd=cycle.parent)
    assert code == 0, err
    assert "# Test force: improvement plan" in out
    assert "board/2025-01-15-force-improvement-board" in out  # the period: since last board
    assert "| PEEL22-02 |" in out and "new rota" in out
    assert "Recruited 40 of 60 call handlers" in out
    assert "in-progress → closed" in out and "DCC" in out
    assert "Call-handling audit &lt;b&gt;2025&lt;/b&gt;" in out


def test_report_json_items_and_changes(cycle, afi):
    code, out, _ = afi("report", "--format", "json", cwd=cycle.parent)
    data = json.loads(out)
    items = {i["id"]: i for i in data["items"]}
    assert items["PEEL22-02"]["original_due"] == "2025-02-10"
    assert items["PEEL22-02"]["due"] == "2025-04-30" and items["PEEL22-02"]["due_revisions"] == 1
    assert items["PEEL22-02"]["rag"] == "done" and data["awaiting_signoff"] == ["PEEL22-02"]
    assert items["PEEL22-01"]["closure"] == {"approved_by": "DCC",
                                             "board": "Force Improvement Board",
                                             "date": "2025-01-15"}
    fields = [(c["id"], c["field"], c["old"], c["new"]) for c in data["changes"]]
    assert ("PEEL22-01", "update", None, "Recruited 40 of 60 call handlers") in fields
    assert ("PEEL22-02", "due", "2025-02-10", "2025-04-30") in fields
    assert ("PEEL22-02", "status", "not-started", "complete") in fields
    assert ("PEEL22-01", "status", "in-progress", "closed") in fields
    assert ("PEEL22-01", "evidence", None, "Call-handling audit <b>2025</b>") in fields
    due = next(c for c in data["changes"] if c["field"] == "due")
    assert due["reason"] == "new rota" and due["author"] == "Test Lead"
    assert data["since"]["label"] == "board/2025-01-15-force-improvement-board"
    assert data["counts"]["rag"] == {"red": 0, "amber": 0, "green": 0, "grey": 0, "done": 3}


def test_report_csv_and_html_files(cycle, afi, tmp_path):
    repo = cycle.parent
    out_csv = tmp_path / "pack.csv"
    code, _, err = afi("report", "--format", "csv", "-o", str(out_csv), cwd=repo)
    assert code == 0 and "wrote" in err
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert {r["id"] for r in rows} == {"PEEL22-01", "PEEL22-02", "HMIC07-R01"}
    peel2 = next(r for r in rows if r["id"] == "PEEL22-02")
    assert (peel2["original_due"], peel2["due"], peel2["due_revisions"]) == \
        ("2025-02-10", "2025-04-30", "1")
    html_file = tmp_path / "pack.html"
    assert afi("report", "--format", "html", "-o", str(html_file), cwd=repo)[0] == 0
    html = html_file.read_text()
    assert "<svg" in html and "@page" in html and "http" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "Call-handling audit &lt;b&gt;2025&lt;/b&gt;" in html


def test_report_as_of_an_earlier_date(cycle, afi):
    code, out, _ = afi("report", "--as-of", "board/2025-01-15-force-improvement-board",
                       "--since", "2025-01-01", "--format", "json", cwd=cycle.parent)
    data = json.loads(out)
    items = {i["id"]: i for i in data["items"]}
    assert items["PEEL22-01"]["status"] == "in-progress" and items["PEEL22-01"]["closure"] \
        is None
    assert all(c["field"] != "evidence" for c in data["changes"])


def test_report_leaves_uncommitted_edits_out_and_says_so(cycle, afi):
    path = cycle / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace("DCI Jones", "Uncommitted Owner"))
    code, out, err = afi("report", "--format", "json", cwd=cycle.parent)
    assert code == 0 and "edits not yet committed are left out" in err
    assert "Uncommitted Owner" not in out


def test_a_reason_with_nothing_to_explain_is_refused(plan_dir, afi):
    repo = plan_dir.parent
    before = git(repo, "rev-parse", "HEAD")
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Green", "--reason", "handover",
                       cwd=repo)
    assert code == 2 and "--reason" in err and "nothing to explain" in err
    assert git(repo, "rev-parse", "HEAD") == before


def test_a_status_change_made_on_an_old_copy_keeps_a_note_added_since(plan_dir, afi):
    """A status change without a reason touches the status (and a sign-off), not the
    progress updates: another writer's note added meanwhile is no conflict."""
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    shown = path.read_text()  # what the edit screen showed the user
    assert afi("note", "PEEL22-01", "Another writer's note", cwd=repo)[0] == 0
    plan = Plan.open(plan_dir)
    with plan.change("Delivered") as change:
        change.open("PEEL22-01", base_text=shown)
        change.set("PEEL22-01", "status", "complete")
    text = path.read_text()
    assert 'status = "complete"' in text and "Another writer's note" in text
