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


# -- the list fits the screen ---------------------------------------------------------------
LONG_OWNER = "Detective Chief Superintendent Alexandra Okonkwo-Smith"  # 54 characters
LONG_AREA = "Responding to the public"


def row_of(app, item_id: str) -> str:
    return next(line for line in screen_text(app).splitlines() if f" {item_id} " in line)


async def test_columns_are_sized_to_their_content_and_the_width(afi, plan_dir):
    assert afi("set", "PEEL22-01", f"owner={LONG_OWNER}", cwd=plan_dir.parent)[0] == 0
    for width in (200, 160, 120, 80):
        app = create_app(plan_dir)
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(app, pilot)
            line = row_of(app, "PEEL22-01")
            layout = {column.key: n for column, n in table(app)._layout()}
            assert len(line.rstrip()) <= width
            assert "2024-12-31 15 d late" in line  # the due column is never cut
            if width == 200:  # owners and areas whole when there is room
                assert LONG_OWNER in line and LONG_AREA in line
                assert layout["title"] < 2 * (layout["owner"] + layout["area"])
            if width == 160:  # the title whole too, so the longest owner gives a little
                assert LONG_AREA in line and "The force should answer 999 calls faster" in line
                assert layout["owner"] >= 40
            if width == 120:  # cut, but not to nothing, and the title keeps a third
                assert layout["title"] >= 35 and layout["owner"] >= 12
            if width == 80:  # the low-priority columns give way to the title
                assert "owner" not in layout and "area" not in layout
                assert layout["title"] >= 24


async def test_an_owners_assessment_does_not_hide_the_due_column_at_80_columns(afi, plan_dir):
    # The mark ("· green ≠") makes the due cell wider than 80 columns allow beside the
    # title's third: the mark is cut, the due dates stay.
    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "due=2021-02-28", "--reason", "as agreed", cwd=repo)[0] == 0
    assert afi("assess", "PEEL22-01", "green", "--reason", "on track", cwd=repo)[0] == 0
    app = create_app(plan_dir)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app, pilot)
        layout = {column.key: n for column, n in table(app)._layout()}
        assert "due" in layout and layout["title"] >= 24
        assert "2024-12-31 15 d late" in row_of(app, "PEEL22-01")
        assert "2021-02-28 3 y 11 mo late" in row_of(app, "PEEL22-02")


def test_column_layout_shares_room_between_title_and_long_columns():
    from tui.app.item_table import column_layout
    from tui.app.screens.list import COLUMNS

    content = {"id": 10, "title": 150, "area": 66, "status": 11, "owner": 28, "due": 25}
    wide = dict((c.key, n) for c, n in column_layout(COLUMNS, content, 239))
    assert wide["area"] == 66 and wide["owner"] == 28 and wide["title"] > 66
    mid = dict((c.key, n) for c, n in column_layout(COLUMNS, content, 159))
    assert mid["owner"] == 28 and 20 <= mid["area"] < 66 and mid["title"] >= (159 - 6) // 3
    assert sum(mid.values()) + len(mid) <= 159
    short = dict((c.key, n) for c, n in column_layout(COLUMNS, {"owner": 3}, 199))
    assert short["owner"] == len("Owner")  # no wider than its label when names are short


async def test_footer_keeps_views_sync_quit_and_help_at_80_columns(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("/ Filter", "v Views", "y Sync", "q Quit", "? Keys", "^p palette"):
            assert key in footer, footer
        await pilot.resize_terminal(140, 24)
        await settle(app, pilot)
        assert "h History" in screen_text(app).splitlines()[-1]  # room again: all of them


async def test_palette_names_read_as_words(plan_dir):
    from tui.app.palette import AfiCommands

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        helps = [help_text for _, _, help_text in AfiCommands(app.screen)._commands()]
        assert not any("afi:" in h or "_" in h for h in helps)
        assert "key: c" in helps
        system = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "as soon as possible" not in system["Quit"] and "Keys" not in system


async def test_a_saved_views_sort_wins_over_an_earlier_column_sort(plan_dir):
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s", "s")  # by title
        assert app.screen.sort == ("title", False)
        app.screen.set_query("is:open sort:-due")  # a query with its own order
        await pilot.pause()
        assert app.screen.sort is None
        assert [r.id for r in table(app).rows] == ["PEEL22-02", "PEEL22-01"]
        await pilot.press("s")  # and s still sorts by a column afterwards
        assert app.screen.sort == ("id", False)
        assert [r.id for r in table(app).rows] == ["PEEL22-01", "PEEL22-02"]


async def test_new_item_suggests_only_the_chosen_inspections_areas(plan_dir):
    from textual.widgets import Select

    from tui.app.screens.new_item import NewItemScreen

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NewItemScreen)
        screen = app.screen
        area = screen.query_one("#area", Input)
        screen.query_one("#inspection", Select).value = "HMIC07"
        await pilot.pause()
        # (the suggester is asked in lower case, as Input asks it)
        assert await area.suggester.get_suggestion("r") is None  # PEEL22's area
        assert await area.suggester.get_suggestion("p") == "Protective services"
        screen.query_one("#inspection", Select).value = "PEEL22"
        await pilot.pause()
        assert await area.suggester.get_suggestion("r") == LONG_AREA
        assert await area.suggester.get_suggestion("p") is None


def test_text_selection_over_the_item_table_does_not_fail():
    """Textual asks a widget for its content by calling Widget._render() when text is
    selected with the mouse; the table's own row renderer must not take that name."""
    from textual.selection import Selection

    from tui.app.item_table import ItemTable

    assert ItemTable([]).get_selection(Selection(None, None)) is None


async def test_keys_typed_in_one_burst_after_slash_all_reach_the_filter(plan_dir):
    """A fast typist or a paste sends `/sort:due` in one go: the keys after `/` are the
    filter's, never the list's keys (`s` sorts, `u` undoes, `q` quits)."""
    from textual import events

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sort_before = app.screen.sort
        for char in "/sort:due":  # queued together, before the app handles the first
            key = "slash" if char == "/" else "colon" if char == ":" else char
            app.post_message(events.Key(key, char))
        await settle(app, pilot)
        box = app.screen.query_one("#filter", Input)
        assert box.value == "sort:due"
        assert app.screen.focused is box
        assert app.screen.sort == sort_before  # `s` did not cycle the sort
        await pilot.press("/")  # typed in the filter, `/` is a character like any other
        assert box.value == "sort:due/"
        await pilot.press("escape")
        for char in "/owner:[b/c] x/y":  # a slash inside the burst stays where it was typed
            name = {"/": "slash", ":": "colon", " ": "space", "[": "left_square_bracket",
                    "]": "right_square_bracket"}.get(char, char)
            app.post_message(events.Key(name, char))
        await settle(app, pilot)
        assert box.value == "owner:[b/c] x/y"


async def test_keys_typed_in_one_burst_after_a_dialog_key_reach_its_field(plan_dir):
    """`n` and a title (or `c`, `E`, `a` and what follows) typed in one go: the keys after
    the first are the new screen's, typed into its field in order; `q` never quits and
    `s` never sorts the list behind it."""
    from textual import events

    for opener, screen, field in (("n", "NewItemScreen", "title"),
                                  ("c", "SignOffScreen", "approved_by"),
                                  ("E", "EvidenceScreen", "title"),
                                  ("a", "AssessScreen", "reason")):
        app = create_app(plan_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            sort_before = app.screen.sort
            for char in opener + "quit sort":  # queued together, as a fast typist's keys
                app.post_message(events.Key("space" if char == " " else char, char))
            for _ in range(10):
                await settle(app, pilot)
                await pilot.pause(0.02)
            assert app.is_running, opener
            assert type(app.screen).__name__ == screen
            assert app.screen.query_one(f"#{field}", Input).value == "quit sort", opener
            assert app.screen_stack[1].sort == sort_before


async def test_u_then_y_in_one_burst_answers_the_undo_question_not_sync(afi, plan_dir):
    """`u` looks for the change in a worker before asking; a `y` typed straight after it
    is the answer, kept until the question is up, never the list's `y` (sync, which
    would push the very change being taken back)."""
    from textual import events

    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "owner=DCI Brown", cwd=repo)[0] == 0
    before = commits(repo)
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        started = []
        app.sync_now = lambda: started.append("sync")  # type: ignore[method-assign]
        for key in "uy":
            app.post_message(events.Key(key, key))
        for _ in range(50):
            await settle(app, pilot)
            if commits(repo) == before + 1:
                break
            await pilot.pause(0.05)
        assert started == []
        assert isinstance(app.screen, ListScreen)
    assert commits(repo) == before + 1
    assert git(repo, "log", "-1", "--format=%s").startswith('Undo "PEEL22-02')


async def test_enter_then_e_in_one_burst_opens_the_detail_then_its_edit_form(plan_dir):
    """`enter e` typed in one go: the detail opens, then `e` edits from it (it used to
    open the edit form from the list and then the detail on top of it)."""
    from textual import events

    from tui.app.screens.detail import DetailScreen
    from tui.app.screens.edit import EditScreen

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key, char in (("enter", "\r"), ("e", "e")):
            app.post_message(events.Key(key, char))
        await wait_for_screen(app, pilot, EditScreen)
        await pilot.pause(0.1)
        assert [type(s) for s in app.screen_stack[1:]] == [ListScreen, DetailScreen,
                                                          EditScreen]


async def test_the_new_item_form_names_an_unreadable_plan_toml(plan_dir):
    """plan.toml broken by a bad edit: the form said "plan.toml lists no inspections: add
    an [[inspections]] table", though it lists them; it names plan.toml's fault."""
    from tui.app.screens.new_item import NewItemScreen

    path = plan_dir / "plan.toml"
    path.write_text(path.read_text() + 'title = "unterminated\n')
    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_for_screen(app, pilot, NewItemScreen)
        shown = str(app.screen.query_one("#edit-banner", Static).render())
        assert "plan.toml:" in shown and "invalid TOML" in shown and "fix it first" in shown
        assert "lists no inspections" not in shown


async def test_n_on_a_new_plan_with_no_inspections_says_so_and_saves_nothing(repo, afi):
    """`afi init`, then `afi` and `n`: the form crashed the app (Textual refuses an
    empty pick list that may not be blank). It opens, says what to add, and refuses to
    create."""
    from tui.app.screens.new_item import NewItemScreen

    assert afi("init", cwd=repo)[0] == 0
    before = commits(repo)
    app = create_app(repo / "plan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_for_screen(app, pilot, NewItemScreen)
        shown = str(app.screen.query_one("#edit-banner", Static).render())
        assert "plan.toml lists no inspections" in shown
        await pilot.press(*"A title", "ctrl+s")
        await settle(app, pilot)
        assert "choose an inspection" in str(
            app.screen.query_one("#error-inspection", Static).render())
        assert app.is_running
    assert commits(repo) == before


async def test_a_paste_straight_after_n_lands_in_the_title(plan_dir):
    """`n` then a paste (a title copied from the report) before the form is up: the paste
    reached the list, which ignores pastes, and was lost."""
    from textual import events

    from tui.app.screens.new_item import NewItemScreen

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.post_message(events.Key("n", "n"))
        app.post_message(events.Paste("Improve the triage of calls"))
        await wait_for_screen(app, pilot, NewItemScreen)
        for _ in range(10):
            await settle(app, pilot)
            await pilot.pause(0.02)
        assert app.screen.query_one("#title", Input).value == "Improve the triage of calls"


async def test_each_form_has_its_field_focused_as_soon_as_it_is_mounted(plan_dir):
    """A paste that arrives just after a form mounted went to the field Textual focuses
    first (the inspection pick list), which ignores pastes, because the form's own focus
    came a moment later: each form focuses its field at once."""
    from tui.app.screens.confirm import ConfirmScreen
    from tui.app.screens.edit import EditScreen
    from tui.app.screens.evidence import EvidenceScreen
    from tui.app.screens.new_item import NewItemScreen
    from tui.app.screens.sign_off import SignOffScreen

    app = create_app(plan_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for screen, field in ((NewItemScreen(), "title"), (EditScreen("PEEL22-01"), "status"),
                              (SignOffScreen("PEEL22-01"), "approved_by"),
                              (EvidenceScreen("PEEL22-01"), "title"),
                              (ConfirmScreen("Sure?"), "no")):
            await app.push_screen(screen)  # returns once mounted, before queued work
            assert app.screen.focused is not None and app.screen.focused.id == field, screen
            app.pop_screen()
            await settle(app, pilot)
