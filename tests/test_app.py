"""The terminal UI driven with Pilot on real repositories: every flow a lead uses."""

from __future__ import annotations

import contextlib

import pytest
from textual.widgets import Input, Select, Static, TextArea
from textual.worker import WorkerCancelled

from tui.app.item_table import ItemTable
from tui.app.run import create_app
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.detail import DetailScreen
from tui.app.screens.edit import EditScreen
from tui.app.screens.history import HistoryScreen
from tui.app.screens.list import ListScreen
from tui.app.screens.new_item import NewItemScreen

from .conftest import git, write_item


def commits(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def screen_text(app) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(app, pilot) -> None:
    """Wait until no worker is running (a reload may replace, and cancel, another)."""
    while any(w.is_running for w in app.workers):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
    await pilot.pause()


def table(app) -> ItemTable:
    return app.screen.query_one(ItemTable)


async def test_list_shows_items_counts_and_colours(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Test force: improvement plan" in text
        assert ("3 shown of 3 · 2 open · 1 overdue · 1 due soon · 0 awaiting sign-off · "
                "1 done") in text
        assert "2024-12-31 15 d late" in text and "2025-02-10 in 26 d" in text
        assert table(app).row_count == 3
        overdue = table(app).render_line(2)  # header, HMIC07-R01, then PEEL22-01
        assert "PEEL22-01" in overdue.text
        assert any(seg.style and seg.style.color and seg.style.color.triplet
                   and seg.style.color.triplet.red > 200 for seg in overdue
                   if "late" in seg.text)


async def test_a_new_plan_says_how_to_add_items_not_that_none_match(tmp_path, afi):
    """Straight after `afi init` the list is empty because there is nothing yet: it says
    how to add items, not "No items match" with a filter no one typed."""
    git(tmp_path, "config", "--global", "user.name", "New Lead")
    git(tmp_path, "config", "--global", "user.email", "new@example.org")
    assert afi("init", "fresh", "--title", "New plan", cwd=tmp_path)[0] == 0
    app = create_app(tmp_path / "fresh")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "No items yet. Press n to add one" in text and "No items match" not in text
        await pilot.press("slash", "x", "enter")
        await settle(app, pilot)
        assert "No items yet" in screen_text(app)  # still none: a filter changes nothing


async def test_filter_as_you_type_and_bad_query(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("/", *"status:in-progress")
        assert table(app).row_count == 1 and table(app).cursor_key == "PEEL22-01"
        app.screen.query_one("#filter", Input).value = "status:in-progress colour:red"
        await pilot.pause()
        error = app.screen.query_one("#filter-error", Static)
        assert "unknown field 'colour'" in str(error.render())
        assert table(app).row_count == 1  # left as it was
        await pilot.press("escape")  # leaves the box: back to the list, filter cleared
        assert table(app).row_count == 3


async def test_selection_survives_filtering(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down")
        assert table(app).cursor_key == "PEEL22-02"
        await pilot.press("/", *"group:demand")
        assert table(app).cursor_key == "PEEL22-02"


async def test_open_detail_shows_everything(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "PEEL22-01  The force should answer 999 calls faster" in text
        assert "[x] 1. Recruit call handlers" in text
        assert "[ ] 2. Review shift pattern" in text
        assert "graded requires improvement" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


async def test_edit_status_due_action_and_update_is_one_commit(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        assert isinstance(app.screen, EditScreen)
        screen = app.screen
        screen.query_one("#status", Select).value = "complete"
        screen.query_one("#due", Input).focus()
        await pilot.press(*"2025-04-30")
        screen.query_one("#reason", Input).value = "new case-file system"
        screen.query_one("#new-action", Input).focus()
        await pilot.press(*"Brief the FIB", "enter")
        screen.query_one("#update", TextArea).focus()
        await pilot.press(*"Answered in 10 s: 91%")
        screen.actions.focus()
        await pilot.press("up", "space")  # from the one just added, up to action 2: tick
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen), app.screen.query_one("#edit-banner").render()
    assert commits(repo) == before + 1
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == \
        ["plan/afis/PEEL22-01.toml"]
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("PEEL22-01: status in-progress -> complete, due 2024-12-31 -> "
                              "2025-04-30, action 2 done, action 3 added, 2 progress updates")
    assert "AFI-Id: PEEL22-01" in message
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert 'status = "complete"  # reviewed at FIB' in text
    assert 'text = "Brief the FIB"\ndone = false' in text
    assert 'by = "Test Lead"\ntext = "Answered in 10 s: 91%"' in text


async def test_invalid_due_is_shown_at_the_field_and_nothing_is_written(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#due", Input).focus()
        await pilot.press(*"31/12/2025")
        error = app.screen.query_one("#error-due", Static)
        assert "not a date" in str(error.render()) and error.display
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EditScreen)
    assert commits(repo) == before
    assert git(repo, "status", "--porcelain") == ""


async def test_escape_with_unsaved_changes_asks(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#owner", Input).focus()
        await pilot.press(*"Supt Grey")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, EditScreen)
        await pilot.press("escape", "y")
        assert isinstance(app.screen, ListScreen)
    assert "Supt Smith" in (plan_dir / "afis" / "PEEL22-01.toml").read_text()


async def test_save_refused_when_file_changed_underneath(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    path = plan_dir / "afis" / "PEEL22-01.toml"
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#status", Select).value = "complete"
        theirs = path.read_text().replace("Supt Smith", "Supt Other")
        path.write_text(theirs)  # another terminal edits the same item
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EditScreen)
        banner = str(app.screen.query_one("#edit-banner", Static).render())
        assert "edits that are not committed (owner Supt Smith -> Supt Other)" in banner
        assert "afi commit PEEL22-01" in banner and "ctrl+r" in banner
        assert path.read_text() == theirs  # never overwritten
        await pilot.press("ctrl+r")
        assert app.screen.query_one("#owner", Input).value == "Supt Other"
    assert commits(repo) == before


async def test_save_keeps_another_writers_commit_to_a_different_field(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#status", Select).value = "complete"
        assert afi("set", "PEEL22-01", "owner=Supt Other", cwd=repo)[0] == 0  # a colleague
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
        app.push_screen(EditScreen("PEEL22-01"))
        await settle(app, pilot)
        app.screen.query_one("#owner", Input).value = "Supt Mine"
        assert afi("set", "PEEL22-01", "owner=Supt Third", cwd=repo)[0] == 0
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        banner = str(app.screen.query_one("#edit-banner", Static).render())
        assert "both changed owner" in banner
    text = path.read_text()
    assert 'status = "complete"' in text and 'owner = "Supt Third"' in text


@pytest.mark.parametrize("keys", [["q"], ["ctrl+c"], ["ctrl+q"]])
async def test_quitting_with_unsaved_edits_asks_first(plan_dir, keys):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#owner", Input).value = "Unsaved"
        app.screen.query_one("#status", Select).focus()
        await pilot.press(*keys)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, EditScreen) and app.is_running
        await app.action_quit()  # the command palette's "Quit" runs this action
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert "Unsaved" not in (plan_dir / "afis" / "PEEL22-01.toml").read_text()


async def test_a_palette_action_from_an_unsaved_edit_asks_first(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e")
        app.screen.query_one("#owner", Input).value = "Unsaved"
        await pilot.press("ctrl+p", *"Hide or show done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, EditScreen)
        assert app.screen.query_one("#owner", Input).value == "Unsaved"
        await pilot.press("ctrl+p", *"Hide or show done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen) and app.screen.hide_done


async def test_quitting_with_nothing_unsaved_does_not_ask(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "e", "q")
        await pilot.pause()
        assert not app.is_running


async def test_history_shows_commits_and_diff(plan_dir, afi):
    afi("set", "PEEL22-02", "status=in-progress", cwd=plan_dir.parent)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "h")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await settle(app, pilot)
        text = screen_text(app)
        assert "PEEL22-02: status not-started -> in-progress  [status]" in text
        assert "Initial plan  [created]" in text
        assert '+status = "in-progress"' in text


async def test_new_item_suggests_id_and_commits(plan_dir):
    repo = plan_dir.parent
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NewItemScreen)
        screen = app.screen
        screen.query_one("#inspection", Select).value = "PEEL22"
        await pilot.pause()
        assert screen.query_one("#id", Input).value == "PEEL22-03"
        screen.query_one("#title", Input).value = "Improve [b]call[/b] handling"
        screen.query_one("#area", Input).value = "Responding to the public"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
        await settle(app, pilot)
        assert table(app).row_count == 4
    assert (plan_dir / "afis" / "PEEL22-03.toml").exists()
    assert git(repo, "log", "-1", "--format=%s") == "PEEL22-03: new afi\n"


async def test_markup_in_user_text_is_shown_literally(plan_dir):
    hostile = "[red]x[/] a [/] b [link=https://evil.example]click[/link] [bold"
    write_item(plan_dir, "PEEL22-05", f'id = "PEEL22-05"\nkind = "afi"\ninspection = "HMIC07"\n'
               f'area = "[i]area"\ntitle = "{hostile}"\nstatus = "in-progress"\n'
               'owner = "\\u001b[31mEsc"\n[[actions]]\ntext = "[/]"\n')
    app = create_app(plan_dir)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("/", *"id:PEEL22-05", "enter", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert hostile in text
        assert "\x1b" not in text
        await pilot.press("e")
        await pilot.pause()
        assert hostile in screen_text(app)
        await pilot.press("escape", "h")
        await settle(app, pilot)


async def test_broken_file_goes_to_problems_panel(plan_dir):
    write_item(plan_dir, "PEEL22-06", 'id = "PEEL22-06"\ntitle = "unterminated\n')
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "PEEL22-06.toml:2: invalid TOML" in text
        assert table(app).row_count == 3
        await pilot.press("p")
        assert "PEEL22-06.toml:2" not in screen_text(app)


async def test_header_names_skipped_files_first_even_at_80_columns(plan_dir):
    write_item(plan_dir, "PEEL22-06", 'id = "PEEL22-06"\ntitle = "unterminated\n')
    app = create_app(plan_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "⚠ 1 bad file (p) · 3 shown of 3" in header
        assert header.lstrip().startswith("Test force")  # the title keeps a few letters


async def test_changes_on_disk_appear_and_keep_selection(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down")
        write_item(plan_dir, "PEEL22-00", 'id = "PEEL22-00"\nkind = "afi"\ninspection = '
                   '"PEEL22"\narea = "Responding to the public"\ntitle = "Arrived from git pull"\n'
                   'status = "not-started"\n')
        await pilot.pause(2.2)
        await settle(app, pilot)
        assert table(app).row_count == 4
        assert table(app).cursor_key == "PEEL22-02"
        assert "Arrived from git pull" in screen_text(app)


async def test_saved_view_and_done_toggle(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        assert table(app).row_count == 2
        await pilot.press("d", "v")
        await pilot.press("enter")  # the first view: overdue
        assert table(app).row_count == 1 and table(app).cursor_key == "PEEL22-01"


async def test_help_and_header_sort(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert "Query language" in screen_text(app)
        await pilot.press("escape")
        app.screen.on_item_table_header_clicked(ItemTable.HeaderClicked(table(app), "due"))
        keys = [table(app).rows[n].id for n in range(3)]
        assert keys == ["HMIC07-R01", "PEEL22-01", "PEEL22-02"]
        app.screen.on_item_table_header_clicked(ItemTable.HeaderClicked(table(app), "due"))
        assert [table(app).rows[n].id for n in range(3)] == ["PEEL22-02", "PEEL22-01",
                                                             "HMIC07-R01"]


async def test_sort_from_the_keyboard_and_the_palette(plan_dir):
    from tui.app.palette import AfiCommands

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        ids = lambda: [table(app).rows[n].id for n in range(table(app).row_count)]  # noqa: E731
        await pilot.press("down")  # the selection follows its row through every sort
        assert table(app).cursor_key == "PEEL22-01"
        await pilot.press(*"s" * 6)  # id, title, area, status, owner, due
        assert app.screen.sort == ("due", False)
        assert ids() == ["HMIC07-R01", "PEEL22-01", "PEEL22-02"]
        assert "Due ▲" in screen_text(app)
        await pilot.press("S")
        assert ids() == ["PEEL22-02", "PEEL22-01", "HMIC07-R01"]
        assert table(app).cursor_key == "PEEL22-01"
        await pilot.press("s")  # past the last column: the filter's own order again
        assert app.screen.sort is None and ids() == ["HMIC07-R01", "PEEL22-01", "PEEL22-02"]
        commands = {title: run for title, run, _ in AfiCommands(app.screen)._commands()}
        commands["Sort by owner"]()
        assert app.screen.sort == ("owner", False)
        assert ids() == ["PEEL22-02", "PEEL22-01", "HMIC07-R01"]  # DCI Jones, Supt Smith, none


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshots(plan_dir, snap_compare, monkeypatch, size):
    async def open_screens(pilot):
        await settle(pilot.app, pilot)

    assert snap_compare(create_app(plan_dir), terminal_size=size, run_before=open_screens)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_detail(plan_dir, snap_compare, size):
    async def open_detail(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("down", "enter")
        await pilot.pause()

    assert snap_compare(create_app(plan_dir), terminal_size=size, run_before=open_detail)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_history(plan_dir, snap_compare, size):
    async def open_history(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("down", "h")
        await settle(pilot.app, pilot)
        await pilot.pause()

    assert snap_compare(create_app(plan_dir), terminal_size=size, run_before=open_history)


async def test_every_list_action_is_in_the_command_palette(plan_dir):
    from tui.app.palette import ACTIONS, AfiCommands

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = AfiCommands(app.screen)
        titles = [title for title, _, _ in provider._commands()]
        assert [title for title, _ in ACTIONS] == titles[:len(ACTIONS)]
        assert "View: overdue" in titles and "View: mine" in titles
        bindings = {b.action for b in ListScreen.BINDINGS}
        assert bindings <= {action for _, action in ACTIONS} | {"clear_filter"}
        await pilot.press("ctrl+p")
        await pilot.press(*"New item")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, NewItemScreen)


async def test_control_characters_never_reach_the_screen(plan_dir):
    """Unknown keys and values, and commit subjects, may hold escape sequences."""
    evil = "\\u001b]52;c;cGF5bG9hZA==\\u0007\\u009b31m"
    write_item(plan_dir, "EVIL-01", f'''\
        id = "EVIL-01"
        kind = "afi"
        inspection = "PEEL22"
        area = "Responding to the public"
        title = "Evil {evil}"
        status = "in-progress"
        "{evil}key" = "{evil}value"
        ''')
    git(plan_dir.parent, "add", ".")
    git(plan_dir.parent, "commit", "-q", "-m", "evil \x1b]0;title\x07 subject")
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(DetailScreen("EVIL-01"))
        await settle(app, pilot)
        text = screen_text(app)
        assert "^[]52;c;cGF5bG9hZA==^G<9b>31mkey" in text
        assert not any(c in text for c in "\x1b\x07\x9b")
        app.push_screen(HistoryScreen("EVIL-01"))
        await settle(app, pilot)
        text = screen_text(app)
        assert "evil ^[]0;title^G subject" in text
        assert not any(c in text for c in "\x1b\x07\x9b")


async def test_closed_edit_screens_are_not_kept_alive(plan_dir):
    """Textual keeps watchers of removed widgets (textual#6666); the app prunes them, or
    every edit screen ever opened would stay in memory."""
    import gc

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, EditScreen)
            await pilot.press("escape")
            await pilot.pause()
        app.reload_now()
        await settle(app, pilot)
        gc.collect()
        assert [o for o in gc.get_objects() if isinstance(o, TextArea)] == []


async def test_files_changed_on_disk_show_without_a_key(plan_dir):
    """An edit made in another terminal (same size, mtime put back), a new file and a
    symbolic link all show within a few polls, with no key pressed."""
    import asyncio
    import os

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        path = plan_dir / "afis" / "PEEL22-02.toml"
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("repeat victims", "repeat VICTIMS"), encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        write_item(plan_dir, "PEEL22-03", text.replace("PEEL22-02", "PEEL22-03").replace(
            "The force should identify repeat victims", "Added in another terminal"))
        (plan_dir / "afis" / "LINK-01.toml").symlink_to(path)

        async def shown(wanted: str) -> bool:
            for _ in range(100):
                if wanted in screen_text(app):
                    return True
                await asyncio.sleep(0.05)
            return False

        ok = await shown("identify repeat VI")
        assert ok, screen_text(app)
        assert await shown("Added in another terminal")
        assert await shown("1 bad file (p)")
