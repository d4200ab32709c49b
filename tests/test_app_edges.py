"""The terminal UI's rough edges, driven with Pilot on real repositories: undo, a filter
value that cannot match, the list's columns at every width, the footer at 80 columns,
the palette's names."""

from __future__ import annotations

from textual.widgets import Input, Static

from tui.app.run import create_app
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.list import ListScreen

from .conftest import git
from .test_app import commits, screen_text, settle, table


async def wait_for_screen(app, pilot, kind, tries: int = 50) -> None:
    for _ in range(tries):
        await settle(app, pilot)
        if isinstance(app.screen, kind):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} did not open; the screen is {app.screen}")


async def test_undo_from_the_list_asks_then_commits(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "owner=DCI Brown", cwd=repo)[0] == 0
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        await wait_for_screen(app, pilot, ConfirmScreen)
        question = str(app.screen.query_one("#question", Static).render())
        assert "PEEL22-02: owner DCI Jones -> DCI Brown" in question
        await pilot.press("n")  # keep it: nothing happens
        await settle(app, pilot)
        assert commits(repo) == before
        await pilot.press("u")
        await wait_for_screen(app, pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(app, pilot, ListScreen)
        for _ in range(50):
            await settle(app, pilot)
            if commits(repo) == before + 1 and "DCI Jones" in screen_text(app):
                break
            await pilot.pause(0.05)
        assert "DCI Jones" in screen_text(app)
    assert commits(repo) == before + 1
    assert git(repo, "log", "-1", "--format=%s").strip() == \
        'Undo "PEEL22-02: owner DCI Jones -> DCI Brown"'


async def test_undo_with_nothing_to_undo_says_so(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        for _ in range(50):
            await settle(app, pilot)
            if any("nothing to undo" in n.message for n in app._notifications):
                break
            await pilot.pause(0.05)
        assert any("nothing to undo" in n.message for n in app._notifications)
        assert isinstance(app.screen, ListScreen)


async def test_undo_is_in_the_palette(plan_dir):
    from tui.app.palette import ACTIONS

    assert ("undo" in [action for _, action in ACTIONS])


async def test_a_filter_value_that_cannot_match_is_shown_in_the_filter_bar(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#filter", Input).value = "status:inprogress"
        await pilot.pause()
        error = app.screen.query_one("#filter-error", Static)
        assert not error.has_class("hidden")
        assert "did you mean in-progress?" in str(error.render())
        assert table(app).row_count == 3  # not an empty list
        app.screen.query_one("#filter", Input).value = "status:in-progress"
        await pilot.pause()
        assert error.has_class("hidden") and table(app).row_count == 1
