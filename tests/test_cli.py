"""The `afi` command line (docs/format.md §4) on real repositories: outputs, exit codes,
refusals."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap

import pytest

from .conftest import git, write_item


def head_files(repo) -> list[str]:
    return git(repo, "show", "--name-only", "--format=", "HEAD").split()


def commit_count(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


# -- list --------------------------------------------------------------------------------


def test_list_table_is_plain_when_not_a_terminal(afi, plan_dir):
    code, out, err = afi("list", cwd=plan_dir.parent)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "DUE", "OWNER", "AREA", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == ["HMIC07-R01", "PEEL22-01", "PEEL22-02"]
    assert "\x1b" not in out
    assert "2024-12-31 15 d late" in out  # today is pinned to 2025-01-15
    assert "2025-02-10 in 26 d" in out


def test_list_query_and_sort(afi, plan_dir):
    code, out, _ = afi("list", "group:demand", "sort:-due", cwd=plan_dir.parent)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["PEEL22-02", "PEEL22-01"]


def test_a_quoted_value_stays_one_value(afi, plan_dir):
    """`afi list area:"public responding"`: the shell hands afi one word with a space in
    it, which is one value (the README's `area:"investigating crime"`), not area:public
    and a loose word; a whole query in one word still reads as its terms."""
    def ids(*query: str) -> list[str]:
        code, out, err = afi("list", *query, cwd=plan_dir.parent)
        assert code == 0, err
        return [line.split()[0] for line in out.splitlines()[1:]]

    assert ids("area:public responding") == []
    assert ids("area:responding to the") == ["PEEL22-01", "PEEL22-02"]
    assert ids("-owner:supt smith", "area:responding to") == ["PEEL22-02"]
    assert ids("is:open sort:due") == ids("is:open", "sort:due") != []
    code, out, _ = afi("report", "area:responding to", cwd=plan_dir.parent)
    assert code == 0 and 'area:"responding to"' in out


def test_list_json_has_every_field_file_and_due_state(afi, plan_dir):
    code, out, _ = afi("list", "--format", "json", cwd=plan_dir.parent)
    assert code == 0
    records = {r["id"]: r for r in json.loads(out)}
    first = records["PEEL22-01"]
    assert first["due"] == "2024-12-31"
    assert first["file"] == "afis/PEEL22-01.toml"
    assert first["due_state"] == "overdue"
    assert first["actions"][0] == {"text": "Recruit call handlers", "done": True}
    assert records["PEEL22-02"]["due_state"] == "due-soon"
    assert records["HMIC07-R01"]["due_state"] is None  # closed: done


def test_list_csv(afi, plan_dir):
    code, out, _ = afi("list", "--format", "csv", "status:in-progress", cwd=plan_dir.parent)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(r["id"], r["due_state"], r["actions_done"], r["actions"]) for r in rows] == [
        ("PEEL22-01", "overdue", "1", "2")]


def test_list_skips_bad_files_and_says_so(afi, plan_dir):
    write_item(plan_dir, "PEEL22-07", 'id = "PEEL22-07"\ntitle = "unterminated\n')
    code, out, err = afi("list", cwd=plan_dir.parent)
    assert code == 0
    assert len(out.splitlines()) == 4
    assert "skipped" in err and "PEEL22-07.toml:2: invalid TOML" in err


def test_list_names_each_skipped_file_once(afi, plan_dir):
    write_item(plan_dir, "PEEL22-08", "id = 8\n")  # wrong type and five missing keys
    code, out, err = afi("list", cwd=plan_dir.parent)
    assert code == 0 and len(out.splitlines()) == 4
    assert err.splitlines() == ["afi: skipped plan/afis/PEEL22-08.toml:1: 'id' must be a "
                                "string, not an integer (and 5 more: see `afi check`)"]


def test_list_query_that_cannot_match_is_an_invalid_value(afi, plan_dir):
    """An unknown field, status, kind, inspection or is: state matches nothing: exit 1 with
    the nearest known value, never an empty list with exit 0."""
    for query, hint in (("colour:red", "use one of status"), ("titel:x", "did you mean title"),
                        ("status:inprogress", "in-progress"), ("inspection:PEEL23", "PEEL22"),
                        ("kind:recomendation", "recommendation"),
                        ("is:overdu", "overdue"), ("-status:closd", "closed"),
                        ("status:in-progress,donne", "this plan's are")):
        code, out, err = afi("list", query, cwd=plan_dir.parent)
        assert code == 1 and out == "", query
        assert err.startswith("afi: error:") and hint in err and len(err.splitlines()) == 1
    code, out, _ = afi("list", "status:IN-PROGRESS", cwd=plan_dir.parent)
    assert code == 0 and "PEEL22-01" in out  # known values still match ignoring case


def test_list_query_that_cannot_be_read_is_bad_usage(afi, plan_dir):
    for query in ('title:"unclosed', "owner<x", "status:"):
        code, out, err = afi("list", query, cwd=plan_dir.parent)
        assert code == 2 and out == "" and err.startswith("afi: error:"), query


def test_table_never_prints_control_characters(afi, plan_dir):
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace(
        'title = "The force should identify repeat victims"',
        'title = "Evil \\u001b[2J\\u001b]0;pwned\\u0007 [red]title[/]"'))
    code, out, _ = afi("list", cwd=plan_dir.parent)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "Evil ^[[2J^[]0;pwned^G [red]title[/]" in out


# -- show --------------------------------------------------------------------------------


def test_show_toml_is_the_file_as_stored(plan_dir, capsysbinary, monkeypatch):
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # stored with CRLF
    monkeypatch.chdir(plan_dir.parent)
    from tui.cli.main import main

    assert main(["show", "peel22-01"]) == 0
    assert capsysbinary.readouterr().out == path.read_bytes()


def test_show_json_and_unknown_id(afi, plan_dir):
    code, out, _ = afi("show", "PEEL22-01", "--format", "json", cwd=plan_dir.parent)
    assert code == 0 and json.loads(out)["owner"] == "Supt Smith"
    code, out, err = afi("show", "PEEL22-99", cwd=plan_dir.parent)
    assert code == 1 and out == "" and err.startswith("afi: error: no item 'PEEL22-99'")


# -- set ---------------------------------------------------------------------------------


def test_set_one_field_is_one_commit_with_trailer(afi, plan_dir):
    repo = plan_dir.parent
    before = commit_count(repo)
    code, out, err = afi("set", "PEEL22-01", "status=complete", cwd=repo)
    assert code == 0, err
    assert commit_count(repo) == before + 1
    message = git(repo, "log", "-1", "--format=%B")
    assert message == "PEEL22-01: status in-progress -> complete\n\nAFI-Id: PEEL22-01\n\n"
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Test Lead <lead@example.org>"
    assert head_files(repo) == ["plan/afis/PEEL22-01.toml"]
    diff = git(repo, "show", "--format=", "-U0", "HEAD")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in
               ("+++", "---")]
    assert changed == ['-status = "in-progress"  # reviewed at FIB',
                       '+status = "complete"  # reviewed at FIB']
    assert "[" in out and "PEEL22-01: status in-progress -> complete" in out


def test_set_several_fields_and_clear_due(afi, plan_dir):
    repo = plan_dir.parent
    code, _, err = afi("set", "PEEL22-02", "due=none", "owner=Supt Black", "tags+=fib",
                       "-m", "Re-plan after FIB", cwd=repo)
    assert code == 1 and "moving its due date from 2025-02-10 to none needs a reason" in err
    code, _, err = afi("set", "PEEL22-02", "due=none", "owner=Supt Black", "tags+=fib",
                       "--reason", "no date until the review", "-m", "Re-plan after FIB",
                       cwd=repo)
    assert code == 0, err
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Re-plan after FIB\n\nPEEL22-02: owner DCI Jones -> Supt Black, "
                              "tag +fib, progress update, due 2025-02-10 -> none\n\n"
                              "AFI-Id: PEEL22-02")
    text = (plan_dir / "afis" / "PEEL22-02.toml").read_text()
    assert "due =" not in text and 'owner = "Supt Black"' in text and 'tags = ["fib"]' in text
    assert 'text = "Due date removed (was 2025-02-10): no date until the review"' in text


def test_set_where_is_one_commit_for_all(afi, plan_dir):
    repo = plan_dir.parent
    code, _, err = afi("set", "--where", "group:demand", "status=complete", cwd=repo)
    assert code == 0, err
    message = git(repo, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "status -> complete on 2 items"
    assert "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02" in message
    assert sorted(head_files(repo)) == ["plan/afis/PEEL22-01.toml", "plan/afis/PEEL22-02.toml"]
    assert git(repo, "log", "--format=%h", "--grep", "AFI-Id: PEEL22-02").count("\n") == 1


def test_set_dry_run_prints_diff_and_commits_nothing(afi, plan_dir):
    repo = plan_dir.parent
    before = commit_count(repo)
    code, out, _ = afi("set", "PEEL22-01", "due=2025-06-30", "--dry-run", cwd=repo)
    assert code == 0
    assert "-due = 2024-12-31\n+due = 2025-06-30\n" in out
    assert "--- a/plan/afis/PEEL22-01.toml" in out
    assert commit_count(repo) == before
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(("args", "code", "fragment"), [
    # An invalid value is invalid data (exit 1), and so is a field that cannot be set (as
    # an unknown field in a query is); a request that is not FIELD=VALUE is bad usage.
    (["PEEL22-01", "status=finished"], 1, "unknown status 'finished'"),
    (["PEEL22-01", "status=inprogress"], 1,
     "unknown status 'inprogress' (did you mean in-progress?): use one of"),
    (["PEEL22-01", "area=Responding to the publc"], 1,
     "unknown area 'Responding to the publc' (did you mean Responding to the public?)"),
    (["PEEL22-01", "due=31/12/2025"], 1, "is not a date"),
    (["PEEL22-01", "colour=red"], 1, "cannot set 'colour'"),
    (["PEEL22-01", "ownr=Supt Jones"], 1, "cannot set 'ownr' (did you mean owner?)"),
    (["PEEL22-01", "title="], 1, "'title' cannot be empty"),
    (["PEEL22-99", "status=complete"], 1, "no item 'PEEL22-99'"),
    (["--where", "owner:nobody", "status=complete"], 1, "nothing matched"),
    (["PEEL22-01"], 2, "nothing to set"),
    (["status=complete"], 2, "which items?"),
])
def test_set_refusals_write_nothing(afi, plan_dir, args, code, fragment):
    repo = plan_dir.parent
    before = commit_count(repo)
    got, out, err = afi("set", *args, cwd=repo)
    assert got == code
    assert err.startswith("afi: error:") and fragment in err
    assert commit_count(repo) == before and git(repo, "status", "--porcelain") == ""


def test_set_keeps_other_staged_work_staged(afi, plan_dir):
    repo = plan_dir.parent
    (repo / "notes.txt").write_text("draft\n")
    git(repo, "add", "notes.txt")
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Grey", cwd=repo)
    assert code == 0, err
    assert head_files(repo) == ["plan/afis/PEEL22-01.toml"]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["notes.txt"]


def test_set_refuses_without_identity_and_leaves_file(afi, plan_dir):
    repo = plan_dir.parent
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    path = plan_dir / "afis" / "PEEL22-01.toml"
    before = path.read_bytes()
    code, _, err = afi("set", "PEEL22-01", "status=complete", cwd=repo)
    assert code == 1 and "user.name" in err
    assert path.read_bytes() == before


def test_set_refuses_mid_merge(afi, plan_dir):
    repo = plan_dir.parent
    (repo / ".git" / "MERGE_HEAD").write_text(git(repo, "rev-parse", "HEAD"))
    code, _, err = afi("set", "PEEL22-01", "status=complete", cwd=repo)
    assert code == 1 and "merge" in err
    assert git(repo, "status", "--porcelain") == ""


def test_failing_hook_rolls_back(afi, plan_dir):
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'board sign-off required' >&2\nexit 1\n")
    hook.chmod(0o755)
    path = plan_dir / "afis" / "PEEL22-01.toml"
    before = path.read_bytes()
    code, _, err = afi("set", "PEEL22-01", "status=complete", cwd=repo)
    assert code == 1 and err.startswith("afi: error:")
    assert path.read_bytes() == before
    assert git(repo, "status", "--porcelain") == ""


# -- new, note ---------------------------------------------------------------------------


def test_new_suggests_next_id_and_commits(afi, plan_dir):
    repo = plan_dir.parent
    code, out, err = afi("new", "--title", "Improve [bold]triage[/]", "--area",
                         "Responding to the public", "--inspection", "PEEL22",
                         "--due", "2025-09-30", "--owner", "Supt Smith", cwd=repo)
    assert code == 0, err
    path = plan_dir / "afis" / "PEEL22-03.toml"
    assert path.exists()
    assert head_files(repo) == ["plan/afis/PEEL22-03.toml"]
    assert git(repo, "log", "-1", "--format=%B").endswith("AFI-Id: PEEL22-03\n\n")
    code, out, _ = afi("show", "PEEL22-03", "--format", "json", cwd=repo)
    record = json.loads(out)
    assert record["status"] == "not-started" and record["kind"] == "afi"
    assert record["title"] == "Improve [bold]triage[/]" and record["due"] == "2025-09-30"


@pytest.mark.parametrize(("args", "fragment"), [
    (["--inspection", "NOPE"], "unknown inspection 'NOPE'"),
    (["--inspection", "PEEL22", "--id", "../evil"], "is not valid"),
    (["--inspection", "PEEL22", "--id", "peel22-01"], "already exists"),
    (["--inspection", "PEEL22", "--kind", "wish"], "unknown kind"),
    (["--inspection", "PEEL22", "--area", "Responding to the public", "--status", "finished"],
     "unknown status 'finished'"),
    (["--inspection", "PEEL22", "--area", "Responding to the public", "--due", "2025-02-30"],
     "is not a date"),
])
def test_new_refusals(afi, plan_dir, args, fragment):
    repo = plan_dir.parent
    code, _, err = afi("new", "--title", "T", "--area", "A", *args, cwd=repo)
    assert code == 1 and err.startswith("afi: error: ") and fragment in err
    assert git(repo, "status", "--porcelain") == ""


def test_note_appends_update_by_git_user(afi, plan_dir):
    repo = plan_dir.parent
    code, _, err = afi("note", "PEEL22-01", "Call answering at 91% within 10 s", cwd=repo)
    assert code == 0, err
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert text.endswith(textwrap.dedent("""\
        done = false

        [[updates]]
        date = 2025-01-15
        by = "Test Lead"
        text = "Call answering at 91% within 10 s"
        """))
    code, _, _ = afi("note", "PEEL22-01", "Second", "--by", "FIB", "--date", "2025-01-12",
                     cwd=repo)
    assert code == 0
    assert 'date = 2025-01-12\nby = "FIB"\ntext = "Second"\n' in \
        (plan_dir / "afis" / "PEEL22-01.toml").read_text()


# -- log, check, init --------------------------------------------------------------------


def test_log_shows_fields_changed(afi, plan_dir):
    repo = plan_dir.parent
    afi("set", "PEEL22-01", "status=complete", "due=2025-03-31", "--reason", "late", cwd=repo)
    afi("note", "PEEL22-01", "Done", cwd=repo)
    code, out, _ = afi("log", "PEEL22-01", "--format", "json", cwd=repo)
    assert code == 0
    entries = json.loads(out)
    assert [e["items"][0]["fields"] for e in entries] == [["updates"],
                                                         ["status", "due", "updates"],
                                                         ["created"]]
    assert entries[1]["subject"] == "PEEL22-01: status in-progress -> complete, due " \
                                    "2024-12-31 -> 2025-03-31, progress update"
    code, out, _ = afi("log", "PEEL22-01", cwd=repo)
    assert "PEEL22-01: status, due, updates" in out and "Test Lead" in out


def test_log_of_an_item_since_a_date_or_a_revision(afi, plan_dir, monkeypatch):
    repo = plan_dir.parent
    first = git(repo, "rev-parse", "HEAD").strip()  # committed 2025-01-10
    for day, owner in (("2025-02-03", "Supt A"), ("2025-03-03", "Supt B")):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T09:00:00+00:00")
        assert afi("set", "PEEL22-01", f"owner={owner}", cwd=repo)[0] == 0
        afi("set", "PEEL22-02", f"owner={owner}", cwd=repo)  # others' commits interleave

    def subjects(*args: str) -> list[str]:
        code, out, err = afi("log", "PEEL22-01", "--format", "json", *args, cwd=repo)
        assert code == 0, err
        return [entry["subject"] for entry in json.loads(out)]

    monkeypatch.setenv("AFI_TODAY", "2025-03-03")  # the day of the last commit
    assert subjects("--since", "2025-02-10") == ["PEEL22-01: owner Supt A -> Supt B"]
    assert subjects("--since", first) == ["PEEL22-01: owner Supt A -> Supt B",
                                          "PEEL22-01: owner Supt Smith -> Supt A"]
    assert len(subjects()) == 3
    code, _, err = afi("log", "PEEL22-01", "--since", "last-tuesday", cwd=repo)
    assert code == 1 and "is not a date (YYYY-MM-DD), a board (`afi board list`)" in err


def test_check_reports_every_problem_and_exits_1(afi, plan_dir):
    write_item(plan_dir, "PEEL22-05", 'id = "PEEL22-05"\nkind = "afi"\ninspection = "PEEL22"\n'
               'area = "Responding to the public"\ntitle = "T"\nstatus = "bogus"\n')
    write_item(plan_dir, "PEEL22-06", "not toml at all = = =\n")
    plan_toml = plan_dir / "plan.toml"
    plan_toml.write_text(plan_toml.read_text() + 'broken = "due<not-a-date"\n')
    code, out, err = afi("check", cwd=plan_dir.parent)
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith("plan/afis/PEEL22-05.toml:6: unknown status 'bogus'")
               for line in lines)
    assert any(line.startswith("plan/afis/PEEL22-06.toml:1: invalid TOML") for line in lines)
    assert any(line.startswith("plan/plan.toml:") and "view 'broken'" in line for line in lines)


def test_check_clean_plan(afi, plan_dir):
    code, out, err = afi("check", cwd=plan_dir.parent)
    assert (code, out) == (0, "")
    assert "3 items" in err


def test_init_new_repository(afi, tmp_path):
    folder = tmp_path / "fresh"
    folder.mkdir()
    git(tmp_path, "config", "--global", "user.name", "New Lead")
    git(tmp_path, "config", "--global", "user.email", "new@example.org")
    code, out, err = afi("init", cwd=folder)
    assert code == 0, err
    assert (folder / "plan" / "plan.toml").exists()
    assert git(folder, "log", "--format=%an %s").strip() == "New Lead Start plan: Improvement plan"
    code, out, _ = afi("check", cwd=folder)
    assert code == 0


def test_init_without_identity_leaves_nothing(afi, tmp_path):
    folder = tmp_path / "fresh"
    folder.mkdir()
    code, _, err = afi("init", cwd=folder)
    assert code == 1 and "user.name" in err
    assert list(folder.iterdir()) == []


def test_no_plan_found(afi, tmp_path):
    code, _, err = afi("list", cwd=tmp_path)
    assert code == 1 and "afi init" in err


def test_plan_not_in_git_suggests_init(afi, tmp_path):
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "plan.toml").write_text('title = "Loose"\n[[inspections]]\nid = "X"\n')
    write_item(plan, "X-01", 'id = "X-01"\nkind = "afi"\ninspection = "X"\narea = "A"\n'
               'title = "T"\nstatus = "not-started"\n')
    code, out, _ = afi("list", cwd=tmp_path)
    assert code == 0 and "X-01" in out
    code, _, err = afi("set", "X-01", "status=complete", cwd=tmp_path)
    assert code == 1 and "afi init" in err
    assert 'status = "not-started"' in (plan / "afis" / "X-01.toml").read_text()


def test_usage_errors_exit_2(afi, plan_dir):
    code, _, err = afi("list", "--format", "xml", cwd=plan_dir.parent)
    assert code == 2 and err.startswith("afi: error:") and len(err.splitlines()) == 1


def test_console_script_runs_as_a_process(plan_dir):
    done = subprocess.run([sys.executable, "-m", "tui", "list", "is:overdue"],
                          cwd=plan_dir.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()[1:]] == ["PEEL22-01"]


# -- the command line's smaller points ---------------------------------------------------


def test_a_negated_query_term_is_not_an_option(afi, plan_dir):
    repo = plan_dir.parent
    code, out, err = afi("list", "-status:closed", "-group:demand", cwd=repo)
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()[1:]] == []
    code, out, _ = afi("list", "-status:closed", cwd=repo)
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["PEEL22-01", "PEEL22-02"]
    code, _, err = afi("set", "--where", "-status:closed", "tags+=open", "--dry-run", cwd=repo)
    assert code == 0, err
    code, _, _ = afi("note", "PEEL22-01", "-- a note starting with dashes", cwd=repo)
    assert code == 0
    assert 'text = "-- a note starting with dashes"' in (
        plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert afi("list", "--fromat", "json", cwd=repo)[0] == 2  # a mistyped option stays one
    code, _, err = afi("action", "PEEL22-01", "done", "-x", cwd=repo)
    assert code == 2 and "invalid int value: '-x'" in err  # as typed, not as hidden


def test_init_dir_makes_the_repository_in_dir(afi, tmp_path):
    git(tmp_path, "config", "--global", "user.name", "New Lead")
    git(tmp_path, "config", "--global", "user.email", "new@example.org")
    code, _, err = afi("init", "kent-plan", "--title", "Kent", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "kent-plan" / ".git").is_dir() and not (tmp_path / ".git").exists()
    assert (tmp_path / "kent-plan" / "plan.toml").is_file()
    assert afi("check", cwd=tmp_path / "kent-plan")[0] == 0


def test_custom_status_vocabulary(afi, plan_dir):
    repo = plan_dir.parent
    (plan_dir / "plan.toml").write_text(
        PLAN_WITH_STATUSES := 'title = "x"\nstatuses = ["open", "doing", "done"]\n'
                              'done_statuses = ["done"]\n[[inspections]]\nid = "NEW"\n')
    git(repo, "rm", "-q", "-r", "plan/afis")
    git(repo, "commit", "-qam", "vocabulary")
    code, out, err = afi("new", "--inspection", "NEW", "--area", "A", "--title", "T", cwd=repo)
    assert code == 0, err
    assert 'status = "open"' in (plan_dir / "afis" / "NEW-01.toml").read_text()
    from tui.cli.render import ROLE_COLOURS, status_colour
    from tui.core.plan import Plan

    config = Plan(plan_dir).config
    assert config.statuses == ("open", "doing", "done") and "done" in PLAN_WITH_STATUSES
    assert [status_colour(s, config) for s in config.statuses] == \
        [ROLE_COLOURS["new"], ROLE_COLOURS["open"], ROLE_COLOURS["done"]]


def test_set_where_names_every_file_it_skipped(afi, plan_dir):
    repo = plan_dir.parent
    broken = plan_dir / "afis" / "PEEL22-02.toml"
    broken.write_text(broken.read_text().replace('status = "not-started"', 'status = 7'))
    git(repo, "commit", "-qam", "broken by hand")
    code, _, err = afi("set", "--where", "group:demand", "tags+=fib", cwd=repo)
    assert code == 0
    assert "afi: skipped plan/afis/PEEL22-02.toml:7: 'status' must be a string" in err


def test_plan_query_reports_skipped_files_on_stderr(plan_dir, capsys):
    from tui.core import Plan

    (plan_dir / "afis" / "BAD-01.toml").write_text("id = [")
    plan = Plan.open(plan_dir)
    assert [i.id for i in plan.query("group:demand")] == ["PEEL22-01", "PEEL22-02"]
    plan.query("")  # once per read of the plan, not per query
    assert capsys.readouterr().err.count("afi: skipped") == 1


@pytest.mark.parametrize("no_cache", [False, True], ids=["history index", "git's walk"])
def test_log_follows_a_renamed_item(afi, plan_dir, monkeypatch, no_cache):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "owner=Before Rename", cwd=repo)[0] == 0
    git(repo, "mv", "plan/afis/PEEL22-02.toml", "plan/afis/PEEL22-20.toml")
    path = plan_dir / "afis" / "PEEL22-20.toml"
    path.write_text(path.read_text().replace('id = "PEEL22-02"', 'id = "PEEL22-20"'))
    git(repo, "commit", "-qam", "Renumber PEEL22-02 as PEEL22-20")
    assert afi("set", "PEEL22-20", "owner=After Rename", cwd=repo)[0] == 0
    if no_cache:
        monkeypatch.setenv("AFI_NO_CACHE", "1")
    code, out, err = afi("log", "PEEL22-20", cwd=repo)
    assert code == 0, err
    lines = out.splitlines()
    subjects = [lines[n + 1].strip() for n, line in enumerate(lines) if line.startswith("commit")]
    assert subjects == ["PEEL22-20: owner Before Rename -> After Rename",
                        "Renumber PEEL22-02 as PEEL22-20",
                        "PEEL22-02: owner DCI Jones -> Before Rename", "Initial plan"]
    assert "    PEEL22-20: id\n" in out  # the rename commit changed the id field


def test_options_may_come_between_the_words_of_a_command(afi, plan_dir):
    """As git takes options anywhere: `-m` before the assignments, `--format` inside the
    query. An option afi does not know is still refused."""
    repo = plan_dir.parent
    code, out, err = afi("set", "PEEL22-01", "-m", "Owner moved", "owner=DCI Brown",
                         "lead=ACC Green", cwd=repo)
    assert code == 0, err
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Owner moved\n")
    assert "PEEL22-01: owner Supt Smith -> DCI Brown, lead none -> ACC Green" in message
    code, out, err = afi("list", "status:in-progress", "--format", "csv", "sort:due", cwd=repo)
    assert code == 0, err
    assert out.splitlines()[0].startswith("id,") and len(out.splitlines()) == 2
    code, _, err = afi("list", "status:in-progress", "--bogus", "x", cwd=repo)
    assert code == 2 and "unrecognized arguments: --bogus x" in err
