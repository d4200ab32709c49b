"""The owner's own assessment in the terminal UI: the dialog, the list, the detail and
board screens."""

from __future__ import annotations

import re

from textual.widgets import Input, Select

from tui.app.run import create_app
from tui.app.screens.assess import AssessScreen
from tui.app.screens.board import BoardScreen
from tui.app.screens.detail import DetailScreen
from tui.app.screens.list import ListScreen

from .conftest import git
from .test_app import commits, screen_text, settle, table


async def test_assess_from_the_list_is_one_commit_shown_beside_the_dates(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "a")  # PEEL22-01, overdue
        assert isinstance(app.screen, AssessScreen)
        assert "The dates say red; not assessed yet." in screen_text(app)
        app.screen.query_one("#reason", Input).focus()
        await pilot.press("ctrl+s")
        assert "Why?" in str(app.screen.query_one("#error-reason").render())
        assert commits(repo) == before
        app.screen.query_one("#rag", Select).value = "green"
        await pilot.press(*"[b]Demo[/b] passed", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
        await settle(app, pilot)
        items = table(app)
        due = items._render_row(items.rows[1])[-1]  # PEEL22-01's Due cell
        assert due.plain == "2024-12-31 15 d late · green ≠"
    assert commits(repo) == before + 1
    assert git(repo, "log", "-1", "--format=%s").strip() == "PEEL22-01: assessed green"
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert 'rag = "green"\nreason = "[b]Demo[/b] passed"' in text


async def test_detail_and_board_screens_show_both_ratings(plan_dir, afi):
    repo = plan_dir.parent
    assert afi("assess", "PEEL22-01", "amber", "--reason", "Rota slipping", cwd=repo)[0] == 0
    assert afi("set", "PEEL22-01", "decision=Extend to June", cwd=repo)[0] == 0
    app = create_app(plan_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DetailScreen)
        await settle(app, pilot)
        text = screen_text(app)
        assert "red (dates) · owner: amber ≠ on 2025-01-15" in text
        assert "Extend to June  (asked of the board)" in text
        assert "Rota slipping" in text
        await pilot.press("a")
        assert isinstance(app.screen, AssessScreen)
        assert app.screen.query_one("#rag", Select).value == "amber"  # the last one
        await pilot.press("escape")
        app.push_screen(BoardScreen())
        await settle(app, pilot)
        body = app.screen.query_one("#board")
        board = "\n".join(strip.text for strip in body.render_lines(body.region.reset_offset))
        assert "1 overdue · 2 stale · 0 unowned · 0 no date · 0 moved twice+ · 0 closed, " \
            "actions open · 1 decisions" in " ".join(board.split())
        assert re.search(r"PEEL22-01 .* 2024-12-31\s+amber ≠\s+15 d", board)


async def test_the_edit_screen_sets_and_clears_the_decision_asked_of_the_board(plan_dir):
    from tui.app.screens.edit import EditScreen

    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-02.toml"
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "e")
        assert isinstance(app.screen, EditScreen)
        app.screen.query_one("#decision", Input).value = "Fund two more analysts"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert 'decision = "Fund two more analysts"' in path.read_text()
        await pilot.press("e")
        assert app.screen.query_one("#decision", Input).value == "Fund two more analysts"
        app.screen.query_one("#decision", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert "decision" not in path.read_text()
    assert git(repo, "log", "-1", "--format=%s").strip() == "PEEL22-02: decision removed"
