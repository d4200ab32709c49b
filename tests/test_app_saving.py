"""Every screen and dialog saves the same way, driven with Pilot on real repositories: the
core's typed errors mark the field they name, the commit's warnings are shown, and the
saving state ends on the app's thread."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from tui.app.run import create_app
from tui.app.screens.edit import EditScreen
from tui.app.screens.evidence import EvidenceScreen
from tui.app.screens.list import ListScreen
from tui.app.screens.new_item import NewItemScreen
from tui.app.screens.sign_off import SignOffScreen

from .conftest import BOARDS, git
from .test_app import commits, settle


def shown(screen, name: str) -> str:
    """The error under field `name`, or "" when none is shown."""
    label = screen.query_one(f"#error-{name}", Static)
    return "" if label.has_class("hidden") else str(label.render())


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_board_the_plan_names_meanwhile_marks_the_board_field(plan_dir):
    repo = plan_dir.parent
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(SignOffScreen("PEEL22-02"))
        await settle(app, pilot)
        assert isinstance(app.screen.query_one("#board"), Input)  # no boards named yet
        app.screen.query_one("#approved_by", Input).value = "DCC"
        app.screen.query_one("#board", Input).value = "Tea Club"
        plan_file = plan_dir / "plan.toml"  # another terminal names the boards
        plan_file.write_text(plan_file.read_text().replace(
            "due_soon_days = 45\n", "due_soon_days = 45" + BOARDS))
        git(repo, "commit", "-qam", "Name the boards")
        before = commits(repo)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SignOffScreen) and not app.screen.saving
        assert "unknown board 'Tea Club'" in shown(app.screen, "board")
        assert shown(app.screen, "approved_by") == ""
    assert commits(repo) == before


async def test_a_location_the_core_refuses_marks_the_location_not_the_title(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EvidenceScreen("PEEL22-02"))
        await settle(app, pilot)
        app.screen.query_one("#title", Input).value = "Rota"
        app.screen.query_one("#location", Input).value = "share\x07drive"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceScreen) and not app.screen.saving
        assert "one line of text" in shown(app.screen, "location")
        assert shown(app.screen, "title") == ""
    assert commits(repo) == before


async def new_item(app, pilot, item_id: str, due: str = "") -> NewItemScreen:
    await pilot.press("n")
    screen = app.screen
    assert isinstance(screen, NewItemScreen)
    screen.query_one("#inspection", Select).value = "PEEL22"
    await pilot.pause()
    screen.query_one("#id", Input).value = item_id
    screen.query_one("#title", Input).value = "Improve call handling"
    screen.query_one("#area", Input).value = "Responding to the public"
    screen.query_one("#due", Input).value = due
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    return screen


async def test_new_item_marks_the_id_only_when_the_id_is_at_fault(plan_dir):
    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await new_item(app, pilot, "PEEL22-01")  # taken
        assert app.screen is screen and not screen.saving
        assert "already exists" in shown(screen, "id")
        assert shown(screen, "title") == shown(screen, "due") == ""
        screen.query_one("#id", Input).value = "PEEL22-03"
        screen.query_one("#due", Input).value = "2025-13-45"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "not a date" in shown(screen, "due") and shown(screen, "id") == ""
    assert commits(repo) == before


async def test_the_commits_warnings_are_shown_after_saving(plan_dir):
    repo = plan_dir.parent
    git(repo, "checkout", "-q", "--detach")
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("PEEL22-02"))
        await settle(app, pilot)
        app.screen.query_one("#owner", Input).value = "DCI Smith"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
        assert any("HEAD is detached" in text for text in notices(app))
        assert any(text.startswith("Saved PEEL22-02") for text in notices(app))
        app._notifications.clear()
        app.push_screen(EvidenceScreen("PEEL22-02"))
        await settle(app, pilot)
        app.screen.query_one("#title", Input).value = "Rota"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ListScreen)
        assert any("HEAD is detached" in text for text in notices(app))
        app._notifications.clear()
        await new_item(app, pilot, "PEEL22-03")
        assert isinstance(app.screen, ListScreen)
        assert any(text.startswith("Created PEEL22-03") for text in notices(app))
        assert any("HEAD is detached" in text for text in notices(app))


async def test_reopening_in_the_form_asks_for_the_reason_at_its_field(governed):
    app = create_app(governed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("HMIC07-R01"))  # closed
        await settle(app, pilot)
        app.screen.query_one("#status", Select).value = "in-progress"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EditScreen) and not app.screen.saving
        error = shown(app.screen, "reason")
        assert "reopening it needs a reason" in error and "reason=" not in error
        assert "--reason" not in error


def test_no_screen_is_told_of_a_reload_by_a_method_name():
    """Reloads are messages (PlanReloaded, TeamReloaded), not methods the app looks for."""
    app = (Path(__file__).resolve().parent.parent / "tui" / "app" / "app.py").read_text()
    assert '"plan_changed"' not in app and '"team_changed"' not in app


async def test_an_action_typed_but_not_entered_is_saved_by_ctrl_s_and_guarded(plan_dir):
    """Text in "Add an action" without enter: ctrl+s said "Nothing to save" (or saved the
    other fields without it) and escape left without asking. It counts as an edit, and
    ctrl+s adds it, as enter would."""
    from tui.app.screens.confirm import ConfirmScreen
    from tui.core.plan import Plan

    repo = plan_dir.parent
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("PEEL22-02"))
        await settle(app, pilot)
        app.screen.query_one("#new-action", Input).value = "Brief the FIB"
        assert app.screen.is_dirty()
        await pilot.press("escape")  # asks before dropping it
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        for _ in range(50):
            await settle(app, pilot)
            if isinstance(app.screen, ListScreen):
                break
            await pilot.pause(0.05)
        assert any(text.startswith("Saved PEEL22-02") for text in notices(app))
    assert commits(repo) == before + 1
    assert [a["text"] for a in Plan(plan_dir).get("PEEL22-02").actions][-1] == "Brief the FIB"


async def test_quitting_asks_when_only_an_actions_owner_was_typed(plan_dir):
    """`o` on an action, an owner typed, then ctrl+q: it quit without asking (the edit
    form under it had nothing unsaved yet)."""
    from tui.app.action_edits import ActionDraft
    from tui.app.screens.action_details import ActionDetailsScreen
    from tui.app.screens.confirm import ConfirmScreen

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(EditScreen("PEEL22-02"))
        await settle(app, pilot)
        app.push_screen(ActionDetailsScreen(ActionDraft("Brief the FIB"), []))
        await settle(app, pilot)
        app.screen.query_one("#owner", Input).value = "DCI Brown"
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
