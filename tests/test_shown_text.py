"""Text shown for what it is: spreadsheet formulas neutralised, characters that hide what
text says refused on write and shown marked on read, `-m` kept printable."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tui.core import safe_text
from tui.core.errors import InvalidItem, UsageError
from tui.core.pack import render as report_render
from tui.core.plan import Plan
from tui.core.write.change import Change

from .conftest import git

RLO, PDF = "\u202e", "\u202c"
SPOOF = f"Supt {RLO}senoJ{PDF}"  # reads "Supt Jones" on screen
HIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
          "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060",
          "\ufeff"]


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


# ------------------------------------------------------------------------ CSV formulas


def test_list_csv_neutralises_formula_cells_as_the_board_pack_does(plan_dir, afi):
    repo = plan_dir.parent
    for field, value in (("title", '=HYPERLINK("http://evil.example","Click")'),
                         ("owner", "@SUM(A1:A9)"), ("group", "+1+1"), ("lead", "-2+3")):
        code, _, err = afi("set", "PEEL22-01", f"{field}={value}", cwd=repo)
        assert code == 0, err
    code, out, _ = afi("list", "--format", "csv", "id:PEEL22-01", cwd=repo)
    assert code == 0
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["owner"] == "'@SUM(A1:A9)"
    assert row["group"] == "'+1+1"
    assert row["lead"] == "'-2+3"
    assert row["due"] == "2024-12-31" and row["number"] == "1"  # other cells untouched
    # The same function serves the board pack and the list.
    assert report_render.escape_cell is safe_text.escape_cell
    assert all(safe_text.unescape_cell(row[k]) == v for k, v in
               (("owner", "@SUM(A1:A9)"), ("group", "+1+1")))


def test_list_csv_raw_keeps_cells_exact(plan_dir, afi):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "owner=@SUM(A1:A9)", cwd=repo)[0] == 0
    code, out, _ = afi("list", "--format", "csv", "--raw", "id:PEEL22-01", cwd=repo)
    assert code == 0
    assert next(csv.DictReader(io.StringIO(out)))["owner"] == "@SUM(A1:A9)"


# ------------------------------------------------------------- hidden characters refused


@pytest.mark.parametrize("char", HIDDEN)
def test_set_refuses_each_hidden_character_naming_item_and_field(plan_dir, afi, char):
    repo = plan_dir.parent
    before = head(repo)
    code, _, err = afi("set", "PEEL22-01", f"owner=Supt {char}Jones", cwd=repo)
    assert code == 1
    assert "PEEL22-01.toml" in err and "'owner'" in err and f"U+{ord(char):04X}" in err
    assert char not in err  # the error line shows it by code point only
    assert head(repo) == before and not git(repo, "status", "--porcelain")


@pytest.mark.parametrize("args", [
    ["new", "--title", f"Answer {RLO}calls", "--area", "Responding to the public",
     "--inspection", "PEEL22"],
    ["note", "PEEL22-01", f"done{RLO} by Friday"],
    ["note", "PEEL22-01", "done", "--by", SPOOF],
    ["evidence", "PEEL22-01", "Minutes\u200b of board"],
    ["evidence", "PEEL22-01", "Minutes", "--location", "S:\\\u2066board"],
    ["action", "PEEL22-01", "add", f"Hire {RLO}staff"],
    ["action", "PEEL22-01", "add", "Hire staff", "--owner", SPOOF],
    ["action", "PEEL22-01", "edit", "1", "Recruit\u200d call handlers"],
    ["close", "PEEL22-01", "--by", SPOOF, "--board", "FIB", "--reason", "Agreed at board"],
    ["set", "PEEL22-01", f"title=The force {RLO}should"],
    ["set", "PEEL22-01", f"detail=line one\nline {RLO}two"],
    ["set", "PEEL22-01", f"tags+=x{RLO}"],
])
def test_every_writer_refuses_hidden_characters(plan_dir, afi, args):
    repo = plan_dir.parent
    before = head(repo)
    code, _, err = afi(*args, cwd=repo)
    assert code == 1, err
    assert "hides what the text says" in err and ".toml" in err
    assert head(repo) == before and not git(repo, "status", "--porcelain")


def test_the_python_api_refuses_hidden_characters(plan_dir):
    plan = Plan.open(plan_dir)
    with pytest.raises(InvalidItem) as caught, plan.change() as change:
        change.set("PEEL22-02", "owner", SPOOF)
    problem = caught.value.problems[0]
    assert problem.path.name == "PEEL22-02.toml" and "'owner'" in problem.message
    assert "U+202E" in problem.message


def test_a_value_that_already_held_one_may_stay_while_others_change(plan_dir, afi):
    """A hand edit that afi did not write is shown marked, and does not block other edits."""
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace('owner = "DCI Jones"', f'owner = "{SPOOF}"'))
    git(repo, "commit", "-qam", "hand edit")
    code, _, err = afi("set", "PEEL22-02", "status=in-progress", cwd=repo)
    assert code == 0, err
    assert SPOOF in path.read_text()


def test_afi_commit_refuses_a_hand_edit_that_adds_one(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace('owner = "DCI Jones"', f'owner = "{SPOOF}"'))
    before = head(repo)
    code, _, err = afi("commit", cwd=repo)
    assert code == 1 and "U+202E" in err and "'owner'" in err
    assert head(repo) == before


def test_import_table_refuses_hidden_characters(plan_dir, afi, tmp_path):
    repo = plan_dir.parent
    source = tmp_path / "tracker.csv"
    source.write_text("AFI,Area,Area for improvement,Owner\n"
                      f"PEEL22-07,Responding to the public,Review custody staffing rotas,{SPOOF}\n",
                      encoding="utf-8")
    before = head(repo)
    code, _, err = afi("import", "table", str(source), "--inspection", "PEEL22", cwd=repo)
    assert code == 1 and "U+202E" in err, err
    assert head(repo) == before


# ----------------------------------------------------------------- -m message


@pytest.mark.parametrize("message", ["Agreed \x1b[31mat board", "bell\x07", "C1 \x9b2J",
                                     f"Agreed {RLO}draob ta", "zero\u200bwidth"])
def test_message_refuses_control_and_hidden_characters(plan_dir, afi, message):
    repo = plan_dir.parent
    before = head(repo)
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Brown", "-m", message, cwd=repo)
    assert code == 2 and "message may not contain" in err
    assert "\x1b" not in err and RLO not in err
    assert head(repo) == before and not git(repo, "status", "--porcelain")


def test_message_keeps_line_breaks_and_tabs(plan_dir, afi):
    repo = plan_dir.parent
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Brown", "-m", "Agreed\r\n\tat FIB",
                       cwd=repo)
    assert code == 0, err
    assert git(repo, "log", "-1", "--format=%B").startswith("Agreed\n\tat FIB")


def test_python_api_change_message_is_checked(plan_dir):
    plan = Plan.open(plan_dir)
    with pytest.raises(UsageError, match="control characters"):
        Change(plan, "Agreed \x1b]52;c;aGk=\x07")
    with pytest.raises(UsageError, match="U\\+202E"):
        Change(plan, f"Agreed {RLO}")


def test_board_mark_note_is_checked(governed, afi):
    code, _, err = afi("board", "mark", "Force Improvement Board", "-m", "ok\x1b[2J",
                       cwd=governed.parent)
    assert code == 2 and "control characters" in err
    assert not git(governed.parent, "tag")


# ------------------------------------------------------------ shown marked when read


@pytest.fixture
def spoofed(plan_dir):
    """An item whose owner and title a hand edit (or another tool) gave hidden characters,
    committed by git itself with such a subject."""
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    text = path.read_text().replace('owner = "DCI Jones"', f'owner = "{SPOOF}"')
    path.write_text(text.replace("identify repeat", "identify\u200b repeat"))
    git(repo, "commit", "-qam", f"PEEL22-02: owner -> {SPOOF}\n\nAFI-Id: PEEL22-02")
    return plan_dir


def test_list_table_show_and_log_show_hidden_characters_marked(spoofed, afi):
    repo = spoofed.parent
    shown = "Supt <U+202E>senoJ<U+202C>"
    code, out, _ = afi("list", "id:PEEL22-02", cwd=repo)
    assert code == 0 and shown in out and RLO not in out
    code, out, _ = afi("log", "PEEL22-02", cwd=repo)
    assert code == 0 and f"owner -> {shown}" in out and RLO not in out
    assert "<U+202E>" in safe_text.visible_lines(SPOOF)


def test_json_keeps_hidden_characters_exact_but_escaped(spoofed, afi):
    repo = spoofed.parent
    for args in (["list", "id:PEEL22-02", "--format", "json"],
                 ["show", "PEEL22-02", "--format", "json"],
                 ["log", "PEEL22-02", "--format", "json"]):
        code, out, _ = afi(*args, cwd=repo)
        assert code == 0
        assert RLO not in out and "\u200b" not in out and "\\u202e" in out
        assert SPOOF in json.dumps(json.loads(out), ensure_ascii=False)


def test_error_lines_show_hidden_characters_marked(plan_dir, afi):
    code, _, err = afi("show", f"PEEL22{RLO}-01", cwd=plan_dir.parent)
    assert code == 1 and "<U+202E>" in err and RLO not in err


def test_the_board_pack_marks_hidden_characters(spoofed):
    from tui.core.pack.html import html_text
    from tui.core.pack.markdown import md_text

    assert "&lt;U+202E&gt;" in md_text(SPOOF) and RLO not in md_text(SPOOF)  # as text
    assert "U+202E" in str(html_text(SPOOF)) and RLO not in str(html_text(SPOOF))


def test_csv_to_a_terminal_marks_them_and_to_a_file_keeps_them(spoofed, afi):
    code, out, _ = afi("list", "--format", "csv", "id:PEEL22-02", cwd=spoofed.parent)
    assert code == 0 and SPOOF in out  # captured output is not a terminal: exact data


def test_show_toml_on_a_terminal_marks_them(spoofed, afi, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, _ = afi("show", "PEEL22-02", cwd=spoofed.parent)
    assert code == 0 and "<U+202E>" in out and "<U+200B>" in out and RLO not in out


def test_visible_shows_every_hidden_character_and_nothing_else():
    for char in HIDDEN:
        assert safe_text.visible(f"a{char}b") == f"a<U+{ord(char):04X}>b"
        assert safe_text.json_dumps(char) == f'"\\u{ord(char):04x}"'
    assert safe_text.visible("Ünïcödé → ok, عربي, 日本") == "Ünïcödé → ok, عربي, 日本"


def test_items_with_hidden_characters_are_listed_not_skipped(spoofed):
    plan = Plan.open(spoofed)
    assert plan.get("PEEL22-02").get("owner") == SPOOF and not plan.problems



# ------------------------------------------------------------------ the terminal UI


async def test_the_ui_shows_hidden_characters_marked(spoofed):
    from tui.app.run import create_app
    from tui.app.screens.detail import DetailScreen
    from tui.app.screens.history import HistoryScreen

    from .test_app import screen_text, settle

    app = create_app(spoofed)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "identify<U+200B> repeat" in text and RLO not in text and "\u200b" not in text
        app.push_screen(DetailScreen("PEEL22-02"))
        await settle(app, pilot)
        text = screen_text(app)
        assert "Supt <U+202E>senoJ<U+202C>" in text and RLO not in text
        app.push_screen(HistoryScreen("PEEL22-02"))
        await settle(app, pilot)
        text = screen_text(app)
        assert "owner -> Supt <U+202E>senoJ<U+202C>" in text and RLO not in text


@pytest.mark.parametrize(("field", "value", "said"), [
    ("#owner", SPOOF, "U+202E"),
    ("#message", "Agreed \x1b[2J", "control characters"),
    ("#message", f"Agreed {RLO}", "U+202E"),
])
async def test_the_edit_form_refuses_them_and_saves_nothing(plan_dir, field, value, said):
    from textual.widgets import Input, Static

    from tui.app.run import create_app
    from tui.app.screens.edit import EditScreen

    from .test_app import settle

    repo = plan_dir.parent
    before = head(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("PEEL22-01"))
        await settle(app, pilot)
        app.screen.query_one("#owner", Input).value = "Supt Brown"
        app.screen.query_one(field, Input).value = value
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.pause(0.2)
        shown = str(app.screen.query_one("#edit-banner", Static).render())
        assert said in shown, shown
    assert head(repo) == before and not git(repo, "status", "--porcelain")


def test_init_refuses_a_title_that_hides_what_it_says(repo, afi):
    code, _, err = afi("init", "--title", f"Kent {RLO}ecilop", cwd=repo)
    assert code == 1 and "U+202E" in err
    assert not (repo / "plan" / "plan.toml").exists()


def test_afi_commit_refuses_them_under_keys_afi_does_not_know(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace('group = "demand"\n',
                                             f'group = "demand"\nnote = "ok{RLO}"\n'))
    code, _, err = afi("commit", cwd=repo)
    assert code == 1 and "'note' holds U+202E" in err


def test_has_controls_for_one_line_and_for_text_with_lines():
    assert not safe_text.has_controls("plain text, with é and ü")
    for char in ("\n", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85", "\x9f"):
        assert safe_text.has_controls(f"a{char}b"), repr(char)
    assert not safe_text.has_controls("line one\nline\ttwo", lines=True)
    for char in ("\r", "\x1b", "\x85"):
        assert safe_text.has_controls(f"a{char}b", lines=True), repr(char)


@pytest.mark.parametrize(("args", "said"), [
    (["close", "PEEL22-01", "--by", "DCC\x85Smith", "--board", "FIB", "--reason", "Agreed"],
     "--by must be one line of text"),
    (["evidence", "PEEL22-01", "Minutes\x1b[2J"], "evidence title must be one line of text"),
    (["note", "PEEL22-01", "Progress\x07 made"], "progress update must not contain control"),
])
def test_one_line_and_text_values_refuse_control_characters(plan_dir, afi, args, said):
    repo = plan_dir.parent
    before = head(repo)
    code, _, err = afi(*args, cwd=repo)
    assert code == 1 and said in err, err
    assert head(repo) == before and not git(repo, "status", "--porcelain")
    assert afi("note", "PEEL22-01", "line one\nline\ttwo", cwd=repo)[0] == 0  # lines are fine


def test_init_title_and_people_names_refuse_control_characters(plan_dir, afi, tmp_path):
    git(tmp_path, "config", "--global", "user.name", "Plan Lead")
    git(tmp_path, "config", "--global", "user.email", "lead@example.org")
    code, _, err = afi("init", "kent", "--title", "Kent\x07Police", cwd=tmp_path)
    assert code == 1 and "--title must be one line of text" in err
    assert not (tmp_path / "kent" / "plan.toml").exists()
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace(
        "[views]", '[people]\n"DCC\\u0007Smith" = { email = "d@example.org" }\n\n[views]'))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and "a name must be one line of text" in out


async def test_the_edit_form_shows_control_and_hidden_characters_in_place(spoofed):
    """A hand edit left an ANSI escape in a title and the detail, and a bidi override in
    the owner: the edit form's text boxes show each as one visible character (a raw ESC
    would reach the terminal: `[31m` would colour it), and the values are kept as read."""
    from textual.widgets import Input, TextArea

    from tui.app.run import create_app
    from tui.app.screens.edit import EditScreen

    from .test_app import screen_text, settle

    repo = spoofed.parent
    path = spoofed / "afis" / "PEEL22-02.toml"
    text = path.read_text().replace('title = "', 'title = "\\u001b[31mred\\u001b]0;pwned\\u0007 ')
    path.write_text(text.replace('kind = "afi"', 'kind = "afi"\ndetail = "a \\u001b[2J b"'))
    git(repo, "commit", "-qam", "hand edit")
    app = create_app(spoofed)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("PEEL22-02"))
        await settle(app, pilot)
        await pilot.pause(0.1)
        shown = screen_text(app)
        assert "\u241b[31mred\u241b]0;pwned" in shown
        assert "Supt \ufffdsenoJ\ufffd" in shown and "a \u241b[2J b" in shown
        assert not any(c in shown for c in ("\x1b", "\x07", RLO, PDF))
        assert app.screen.query_one("#owner", Input).value == SPOOF  # the value is kept
        assert app.screen.query_one("#detail", TextArea).text == "a \x1b[2J b"
        assert not app.screen.is_dirty()


def test_suggestions_leave_out_values_with_control_or_hidden_characters(spoofed):
    """A text box shows a suggestion as it is: a hand edit's owner with a bidi override or
    an ESC is never offered (saving it would be refused anyway)."""
    from tui.app import suggestions

    plan = Plan.open(spoofed)
    assert SPOOF not in suggestions.owners(plan)
    assert suggestions.distinct(["DCI \x1b[2JJones", "DCI Brown", f"Supt {RLO}x"]) == \
        ["DCI Brown"]
