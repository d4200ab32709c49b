"""Working as a team in the terminal UI, on a bare remote and two clones: the header's
ahead/behind count, sync on a key, and a conflict settled from the problems panel."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Button

from tui.app.problems import ConflictRow
from tui.app.run import create_app

from .conftest import git
from .test_app import screen_text, settle, table


def shown(app) -> str:
    """The screen and the notifications raised so far (toasts stack over the list)."""
    return "\n".join([screen_text(app), *(n.message for n in app._notifications)])


async def until(app, pilot, predicate, timeout: float = 10.0) -> None:
    """Wait for the screen to show what a person would wait for."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate(shown(app)):
        assert loop.time() < deadline, shown(app)
        await pilot.pause(0.05)
    await settle(app, pilot)


def head(clone, rev: str = "HEAD") -> str:
    return git(clone, "rev-parse", rev).strip()


async def test_header_counts_commits_to_send_and_y_sends_them(team, afi):
    alice, bob = team
    assert afi("set", "PEEL22-01", "owner=Supt Bob", cwd=bob)[0] == 0
    app = create_app(bob / "plan")
    async with app.run_test(size=(140, 40)) as pilot:
        await until(app, pilot, lambda text: "↑1 ↓0 (y sync)" in text)
        await pilot.press("y")
        # The first sync also commits .gitattributes, which sends item files to afi's
        # merge driver, and says so.
        await until(app, pilot, lambda text: "Synced: 0 in, 2 out" in text)
        assert "committed .gitattributes" in shown(app)
        await until(app, pilot, lambda text: "↑0 ↓0 (y sync)" in text)
        assert head(bob) == head(bob, "origin/main")

        # Alice pushes; a fetch in another terminal shows up in the header by itself.
        assert afi("note", "PEEL22-02", "Alice's note", cwd=alice)[0] == 0
        assert afi("sync", cwd=alice)[0] == 0
        git(bob, "fetch", "-q")
        behind = git(bob, "rev-list", "--count", "HEAD..origin/main").strip()
        assert behind != "0"
        await until(app, pilot, lambda text: f"↑0 ↓{behind} (y sync)" in text)
        await pilot.press("y")
        await until(app, pilot, lambda text: f"Synced: {behind} in, 0 out" in text)
        assert head(bob) == head(alice)


async def test_a_conflict_is_shown_with_both_sides_and_settled_by_picking_one(team, afi):
    alice, bob = team
    afi("set", "PEEL22-02", "owner=[b]Supt Alice[/b]", cwd=alice)
    assert afi("sync", cwd=alice)[0] == 0
    afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)
    app = create_app(bob / "plan")
    async with app.run_test(size=(80, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await until(app, pilot, lambda text: "⚠ 1 conflict (p)" in text)
        text = shown(app)
        # Both values and who set them, markup shown as typed; nothing pushed.
        assert re.search(r"PEEL22-02 owner: ours 'Supt Bob' \(Bob, [0-9a-f]{8}\), theirs "
                         r"'\[b\]Supt Alice\[/b\]' \(Alice, [0-9a-f]{8}\)", text)
        assert "Sync stopped" in text
        assert head(bob, "origin/main") == head(alice)
        # The item stays listed (as merged, one side's value) and is not a "bad file";
        # the notification saying so does not cover the buttons that settle it.
        assert "PEEL22-02" in [item.id for item in table(app).rows]
        assert "bad file" not in screen_text(app)
        toasts = [toast.region for toast in app.screen.query("Toast")]
        buttons = [b.region for b in app.screen.query(".keep-ours, .keep-theirs")]
        assert toasts and len(buttons) == 2
        assert not any(b.overlaps(t) for b in buttons for t in toasts)

        # From the list, tab reaches the panel's buttons: keep ours, then keep theirs.
        assert app.screen.query_one(ConflictRow)
        await pilot.press("tab")
        assert isinstance(app.focused, Button) and app.focused.has_class("keep-ours")
        await pilot.press("tab", "enter")
        await until(app, pilot, lambda text: "all settled, sync again (y)" in text)
        assert not app.screen.query(ConflictRow)
        assert "conflict (p)" not in screen_text(app) and "bad file" not in screen_text(app)

        await pilot.press("y")
        await until(app, pilot, lambda text: "Synced:" in text)
        await until(app, pilot, lambda text: "↑0 ↓0" in text)
    assert head(bob) == head(bob, "origin/main")
    assert 'owner = "[b]Supt Alice[/b]"' in (bob / "plan/afis/PEEL22-02.toml").read_text()
    assert git(bob, "status", "--porcelain") == ""


async def test_sync_refusal_is_shown_and_changes_nothing(team):
    _, bob = team
    path = bob / "plan/afis/PEEL22-01.toml"
    path.write_text(path.read_text() + "# hand edit\n")
    before = head(bob)
    app = create_app(bob / "plan")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await until(app, pilot, lambda text: "uncommitted edits" in text)
    assert head(bob) == before and path.read_text().endswith("# hand edit\n")


async def test_sync_is_in_the_command_palette(team, afi):
    _, bob = team
    assert afi("note", "PEEL22-01", "from the palette", cwd=bob)[0] == 0
    app = create_app(bob / "plan")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"Sync with the shared")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(app, pilot, lambda text: "Synced: 0 in, 2 out" in text)
    assert head(bob) == head(bob, "origin/main")
