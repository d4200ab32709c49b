"""Statements of the contract (docs/format.md) that no other test file holds on its own:
where the plan is found, the UI's entry points, `tags-=`, the audit trail found by its
trailers, the fields of `afi log --format json`, the grade scales and the table's colours."""

from __future__ import annotations

import json

import pytest

from .conftest import git


def ids_listed(afi, cwd, *args: str) -> tuple[str, ...]:
    code, out, err = afi("list", "--format", "csv", *args, cwd=cwd)
    assert code == 0, err
    return tuple(line.split(",")[0] for line in out.splitlines()[1:])


# -- where the plan is found --------------------------------------------------------------


def other_plan(afi, tmp_path):
    """A second plan, empty, in its own repository."""
    code, _, err = afi("init", str(tmp_path / "other" / "plan"), cwd=tmp_path)
    assert code == 0, err
    return tmp_path / "other" / "plan"


def test_plan_is_found_from_option_then_environment_then_dot_plan_then_a_parent(
        afi, plan_dir, tmp_path, monkeypatch):
    git(plan_dir.parent, "config", "--global", "user.name", "Test Lead")
    git(plan_dir.parent, "config", "--global", "user.email", "lead@example.org")
    empty = other_plan(afi, tmp_path)
    three = ("HMIC07-R01", "PEEL22-01", "PEEL22-02")
    # ./plan from the repository's root; the nearest plan.toml above from deeper down
    assert ids_listed(afi, plan_dir.parent) == three
    assert ids_listed(afi, plan_dir / "afis") == three
    # $AFI_PLAN wins over ./plan, and --plan over $AFI_PLAN
    monkeypatch.setenv("AFI_PLAN", str(empty))
    assert ids_listed(afi, plan_dir.parent) == ()
    assert ids_listed(afi, tmp_path, "--plan", str(plan_dir)) == three
    code, _, err = afi("--plan", str(plan_dir), "list", cwd=tmp_path)
    assert code == 0 and err == ""


# -- the terminal UI's entry points ---------------------------------------------------------


@pytest.mark.parametrize("args, query", [
    ((), ""),
    (("tui",), ""),
    (("tui", "is:overdue", "-owner:smith"), "is:overdue -owner:smith"),
    (("tui", "area:responding to"), 'area:"responding to"'),
    (("tui", "-is:done"), "-is:done"),  # a negation, never an option
    (("--plan", "..", "tui", "-status:closed"), "-status:closed"),
])
def test_no_command_or_tui_opens_the_ui_with_the_filter_given(afi, plan_dir, monkeypatch,
                                                              args, query):
    opened = []
    monkeypatch.setattr("tui.app.run.run_app",
                        lambda plan, query="": opened.append((plan, query)) or 0)
    code, _, err = afi(*args, cwd=plan_dir / "afis")
    assert code == 0, err
    assert opened == [(plan_dir, query)]


# -- set tags+= / tags-= ------------------------------------------------------------------


def test_set_tags_add_and_remove_one_tag_each_one_commit(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "tags+=quick-win", "tags+=board", cwd=repo)[0] == 0
    assert afi("set", "PEEL22-01", "tags-=quick-win", cwd=repo)[0] == 0
    assert ids_listed(afi, repo, "tag:board") == ("PEEL22-01",)
    assert ids_listed(afi, repo, "tag:quick-win") == ()
    diff = git(repo, "show", "--format=", "HEAD", "--", "plan/afis/PEEL22-01.toml")
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ['-tags = ["quick-win", "board"]', '+tags = ["board"]']
    assert git(repo, "log", "-1", "--format=%B").startswith("PEEL22-01: tag -quick-win\n")


# -- the audit trail -----------------------------------------------------------------------


def test_git_log_grep_on_the_trailer_finds_every_commit_that_touched_an_item(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "owner=A", cwd=repo)[0] == 0
    assert afi("set", "PEEL22-01", "PEEL22-02", "lead=B", cwd=repo)[0] == 0
    assert afi("set", "--where", "group:demand", "owner=C", "-m", "Hand demand to C",
               cwd=repo)[0] == 0
    assert afi("note", "PEEL22-02", "called back", cwd=repo)[0] == 0
    touched = git(repo, "log", "--format=%H", "--", "plan/afis/PEEL22-01.toml").split()
    found = git(repo, "log", "--format=%H", "--grep", "AFI-Id: PEEL22-01").split()
    assert found == touched[:-1]  # all but the fixture's first commit, made by hand
    assert len(found) == 3
    bulk = git(repo, "log", "-1", "--skip=1", "--format=%B")
    assert bulk.startswith("Hand demand to C\n")  # -m becomes the subject
    assert [line for line in bulk.splitlines() if line.startswith("AFI-Id:")] == [
        "AFI-Id: PEEL22-01", "AFI-Id: PEEL22-02"]


def test_log_json_gives_commit_date_author_message_and_fields_changed(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "PEEL22-02", "owner=A", "due=2026-01-31",
               "--reason", "staff moved", cwd=repo)[0] == 0
    code, out, err = afi("log", "--format", "json", "--since", "HEAD~1", cwd=repo)
    assert code == 0, err
    (entry,) = json.loads(out)
    assert entry["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert entry["author"] == "Test Lead" and entry["date"].startswith("2025-01-10")
    assert entry["message"] == git(repo, "log", "-1", "--format=%B").strip() + "\n"
    assert entry["message"].startswith(entry["subject"] + "\n\n")
    assert entry["fields"] == ["owner", "due", "updates"]
    assert [i["id"] for i in entry["items"]] == ["PEEL22-01", "PEEL22-02"]


# -- plan.toml: grade scales ------------------------------------------------------------------


SCALES = {
    "peel-5": ["outstanding", "good", "adequate", "requires improvement", "inadequate"],
    "peel-4": ["outstanding", "good", "requires improvement", "inadequate"],
    "hmic-4": ["excellent", "good", "fair", "poor"],
}


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_each_scale_takes_its_own_grades_and_no_other(afi, plan_dir, scale):
    plan_toml = plan_dir / "plan.toml"
    base = plan_toml.read_text().replace('scale = "peel-5"', f'scale = "{scale}"')
    for grade in SCALES[scale]:
        plan_toml.write_text(base.replace('grade = "requires improvement"',
                                          f'grade = "{grade}"'))
        code, out, _ = afi("check", cwd=plan_dir.parent)
        assert code == 0, (grade, out)
    others = sorted({g for grades in SCALES.values() for g in grades} - set(SCALES[scale]))
    for grade in others:
        plan_toml.write_text(base.replace('grade = "requires improvement"',
                                          f'grade = "{grade}"'))
        code, out, _ = afi("check", cwd=plan_dir.parent)
        assert code == 1 and f"plan/plan.toml:17: grade '{grade}' is not on the {scale} " \
                             "scale" in out, (grade, out)


def test_an_unknown_scale_is_a_problem(afi, plan_dir):
    plan_toml = plan_dir / "plan.toml"
    plan_toml.write_text(plan_toml.read_text().replace('scale = "peel-5"',
                                                       'scale = "peel-6"'))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and "plan/plan.toml:7: unknown grade scale 'peel-6'" in out


# -- the table's colours --------------------------------------------------------------------


def test_list_table_colours_status_and_due_state_on_a_terminal(afi, plan_dir, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, _ = afi("list", cwd=plan_dir.parent)
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("PEEL22-01"))
    status, due = row.index("in-progress"), row.index("2024-12-31")
    assert row[status - 5:status].count("\x1b[") == 1  # the status cell opens a colour
    assert row[due - 5:due].count("\x1b[") == 1  # and so does the due cell (overdue)
    assert "\x1b[" not in out.splitlines()[0]  # the header is plain


# -- the query language: what a bare word looks in ------------------------------------------


def test_a_word_looks_in_the_named_texts_and_nowhere_else(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "lead=ACC Rowe", "tags+=quickwin", cwd=repo)[0] == 0
    assert afi("note", "PEEL22-02", "Rota agreed", cwd=repo)[0] == 0
    assert afi("set", "HMIC07-R01", "detail=Forces kept their intelligence apart",
               cwd=repo)[0] == 0
    for _ in range(2):  # read from the files, then from afi's cache of them
        assert ids_listed(afi, repo, "r01") == ("HMIC07-R01",)  # id
        assert ids_listed(afi, repo, "999") == ("PEEL22-01",)  # title
        assert ids_listed(afi, repo, "protective") == ("HMIC07-R01",)  # area
        assert ids_listed(afi, repo, "smith") == ("PEEL22-01",)  # owner
        assert ids_listed(afi, repo, "rowe") == ("PEEL22-01",)  # lead
        assert ids_listed(afi, repo, "HANDLERS") == ("PEEL22-01",)  # action text
        assert ids_listed(afi, repo, "rota") == ("PEEL22-02",)  # update text
        assert ids_listed(afi, repo, "apart") == ("HMIC07-R01",)  # detail
        assert ids_listed(afi, repo, "demand") == ()  # a group is not searched
        assert ids_listed(afi, repo, "quickwin") == ()  # nor a tag
        assert ids_listed(afi, repo, "closed") == ()  # nor the status


# -- one item: required keys and the id rule -------------------------------------------------


@pytest.mark.parametrize("key", ["id", "kind", "inspection", "area", "title", "status"])
def test_each_required_key_is_required(afi, plan_dir, key):
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                            if not line.startswith(f"{key} = ")))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1
    assert out.splitlines() == [f"plan/afis/PEEL22-02.toml:1: missing required key '{key}'"]


@pytest.mark.parametrize("item_id, valid", [
    ("A" * 64, True), ("A" * 65, False), ("9.x_y-Z", True), ("x", True),
    ("_x", False), (".x", False), ("-x", False), ("a b", False), ("a/b", False),
    ("é1", False),
])
def test_the_id_pattern(afi, plan_dir, item_id, valid):
    code, _, err = afi("new", "--title", "T", "--area", "Responding to the public",
                       "--inspection", "PEEL22", "--id", item_id, cwd=plan_dir.parent)
    assert (code, (plan_dir / "afis" / f"{item_id}.toml").exists()) == \
        ((0, True) if valid else (1, False)), err
    if valid:
        assert afi("check", cwd=plan_dir.parent)[0] == 0
    else:
        assert err.startswith("afi: error: id ") and "is not valid" in err


# -- afi init -----------------------------------------------------------------------------------


def test_init_inside_a_repository_adds_a_plan_in_one_commit_and_no_second_repository(
        afi, repo):
    (repo / "notes.txt").write_text("staged, not afi's\n")
    git(repo, "add", "notes.txt")
    (repo / "docs").mkdir()
    code, out, err = afi("init", cwd=repo / "docs")
    assert code == 0, err
    assert (repo / "docs" / "plan" / "plan.toml").is_file()
    assert not (repo / "docs" / ".git").exists() and not (repo / "docs" / "plan" / ".git").exists()
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "docs/plan/plan.toml" in committed and "notes.txt" not in committed
    assert git(repo, "status", "--short").splitlines() == ["A  notes.txt"]
    assert afi("check", cwd=repo / "docs")[0] == 0
    code, _, err = afi("init", cwd=repo / "docs")  # a second time: refused, nothing written
    assert code == 1 and err.startswith("afi: error: ") and "already exists" in err
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


# -- plan.toml: every key optional but the title -------------------------------------------------


def test_plan_toml_needs_only_a_title(afi, repo):
    plan = repo / "plan"
    plan.mkdir()
    (plan / "plan.toml").write_text('title = "Only a title"\n')
    assert afi("check", cwd=repo)[:2] == (0, "")
    code, out, err = afi("list", "is:open", "sort:due", cwd=repo)
    assert code == 0 and err == "" and out.split() == ["ID", "STATUS", "DUE", "OWNER", "AREA",
                                                        "TITLE"]
    (plan / "plan.toml").write_text('due_soon_days = 30\n')
    code, out, _ = afi("check", cwd=repo)
    assert code == 1 and out == "plan/plan.toml:1: plan.toml needs a 'title' string\n"


# -- the terminal UI: a typed message is the subject ----------------------------------------------


async def test_a_message_typed_in_the_ui_becomes_the_commit_subject(plan_dir):
    from tui.app.run import create_app
    from tui.app.screens.edit import EditScreen
    from tui.app.screens.list import ListScreen

    from .test_app import settle

    repo = plan_dir.parent
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")  # PEEL22-01
        assert isinstance(app.screen, EditScreen)
        app.screen.query_one("#owner").focus()
        await pilot.press("ctrl+a", "ctrl+k", *"Supt Green")
        app.screen.query_one("#message").focus()
        await pilot.press(*"Hand demand work to Supt Green")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Hand demand work to Supt Green\n\n")
    assert message.rstrip().endswith("AFI-Id: PEEL22-01")
    assert 'owner = "Supt Green"' in (plan_dir / "afis" / "PEEL22-01.toml").read_text()


async def test_escape_goes_back_from_every_screen_the_keys_open(plan_dir):
    from tui.app.run import create_app
    from tui.app.screens.list import ListScreen

    from .test_app import settle

    repo = plan_dir.parent
    head = git(repo, "rev-parse", "HEAD")
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        for key in ("enter", "e", "h", "n", "question_mark"):
            await pilot.press(key)
            await settle(app, pilot)
            assert not isinstance(app.screen, ListScreen), key
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, ListScreen), key
        await pilot.press("q")
        await settle(app, pilot)
    assert app.return_code == 0
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--short") == ""


# -- list --format json: every stored field ----------------------------------------------------


def test_list_json_is_every_stored_field_with_iso_dates_file_and_due_state(afi, plan_dir):
    import datetime
    import tomllib

    from .conftest import write_item

    write_item(plan_dir, "PEEL22-05", """\
        id = "PEEL22-05"
        kind = "cause-of-concern"
        inspection = "PEEL22"
        number = 5
        area = "Responding to the public"
        title = "Every field"
        detail = "Two\\nlines"
        status = "complete"
        owner = "Supt Smith"
        lead = "ACC Brown"
        due = 2025-01-20
        group = "demand"
        links = ["PEEL22-01"]
        tags = ["fib", "quick win"]
        colour_of_folder = "green"  # a key afi does not know

        [[actions]]
        text = "Brief"
        done = true
        due = 2025-01-05

        [[updates]]
        date = 2025-01-06
        by = "DCI Jones"
        text = "Briefed"

        [[evidence]]
        title = "Minutes"
        location = "SharePoint"
        date = 2025-01-07
        """)

    def iso(value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, list):
            return [iso(v) for v in value]
        if isinstance(value, dict):
            return {k: iso(v) for k, v in value.items()}
        return value

    code, out, err = afi("list", "id:PEEL22-05,PEEL22-02", "--format", "json",
                         cwd=plan_dir.parent)
    assert code == 0, err
    records = {record["id"]: record for record in json.loads(out)}
    done, soon = records["PEEL22-05"], records["PEEL22-02"]
    stored = tomllib.loads((plan_dir / "afis" / "PEEL22-05.toml").read_text())
    assert done == {**iso(stored), "file": "afis/PEEL22-05.toml", "due_state": None}
    assert soon["due_state"] == "due-soon" and soon["file"] == "afis/PEEL22-02.toml"


def test_quoted_values_in_an_either_list_from_the_command_line(afi, plan_dir):
    repo = plan_dir.parent
    both = ("PEEL22-01", "PEEL22-02")
    assert ids_listed(afi, repo, 'owner:"Supt Smith","DCI Jones"') == both
    assert ids_listed(afi, repo, "owner:Supt Smith,DCI Jones") == both  # as the shell hands it
    assert ids_listed(afi, repo, '-owner:"Supt Smith","DCI Jones"') == ("HMIC07-R01",)
    assert ids_listed(afi, repo, 'title:"999 calls, faster"') == ()  # one value, comma and all
    code, _, err = afi("list", 'owner:"Supt Smith,DCI Jones', cwd=repo)
    assert code == 2 and "unclosed quote" in err
