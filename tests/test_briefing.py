"""The board pack as a briefing, owners' own assessments and chase lists, on real
repositories (the test plan: today is 2025-01-15, PEEL22-01 is overdue)."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from .conftest import board_cycle, git, write_item


def pack(afi, repo: Path, *args: str, fmt: str = "json"):
    code, out, err = afi("report", "--format", fmt, *args, cwd=repo)
    assert code == 0, err
    return json.loads(out) if fmt == "json" else out


@pytest.fixture
def cycle(governed, afi, monkeypatch):
    """After the board: a second due move, a closure with an action open, a new item with
    no due date or owner, evidence and a decision asked for."""
    return board_cycle(governed, afi, monkeypatch,
                       ["set", "PEEL22-02", "due=2025-06-30", "--reason", "vendor late"],
                       ["evidence", "PEEL22-02", "Rota <b>signed</b>", "--date", "2025-01-12"],
                       ["action", "PEEL22-01", "add", "Publish the new rota"],
                       ["action", "PEEL22-01", "done", "3"],
                       ["new", "--inspection", "PEEL22", "--area", "Responding to the public",
                        "--title", "Nobody owns this yet"],
                       ["set", "PEEL22-01", "decision=Accept | the <i>revised</i> scope"])


def test_cover_names_the_board_and_meeting_in_words_and_keeps_commits_to_the_appendix(
        cycle, afi):
    out = pack(afi, cycle.parent, "--board", "Force Improvement Board", "--date", "2025-01-20",
               fmt="md")
    cover, _, rest = out.partition("## Exceptions")
    assert "- Board: Force Improvement Board" in cover
    assert "- Meeting: 20 January 2025" in cover
    assert "- Period covered: 15 January 2025 (Force Improvement Board) to 15 January 2025" \
        in cover
    head = git(cycle.parent, "rev-parse", "HEAD").strip()
    body, _, appendix = rest.partition("## Appendix B")
    assert head[:8] not in cover + body and head[:8] in appendix
    assert "2025-01-14" not in cover + body  # dates as people write them
    code, _, err = afi("report", "--board", "Nonesuch Board", cwd=cycle.parent)
    assert code == 1 and "unknown board 'Nonesuch Board'" in err


def close_by_hand(plan_dir: Path, afi, item_id: str) -> None:
    """Signed off with its actions as they are (a hand edit, as an import would)."""
    path = plan_dir / "afis" / f"{item_id}.toml"
    text = path.read_text().replace('status = "in-progress"', 'status = "closed"')
    path.write_text(text + '\n[closure]\napproved_by = "DCC"\nboard = "Force Improvement '
                           'Board"\ndate = 2025-01-15\n')
    assert afi("commit", item_id, cwd=plan_dir.parent)[0] == 0


def test_exceptions_on_the_first_page_count_and_name_the_items(cycle, afi):
    close_by_hand(cycle, afi, "PEEL22-01")
    data = pack(afi, cycle.parent)
    new_id = next(i["id"] for i in data["items"] if i["title"] == "Nobody owns this yet")
    assert data["exceptions"] == {
        "overdue": [],  # PEEL22-01 was closed; nothing else is late
        "stale": [new_id],  # never updated
        "unowned": [new_id],
        "no-due-date": [new_id],
        "moved": [],  # PEEL22-02 moved twice but is complete
        "closed-open-actions": ["PEEL22-01"],
    }
    out = pack(afi, cycle.parent, fmt="md")
    first = out.split("## Exceptions", 1)[1].split("## Summary", 1)[0]
    assert f"| Awaiting allocation | 1 | {new_id} |" in first
    assert "| Closed with actions still open | 1 | PEEL22-01 |" in first
    assert out.index("## Exceptions") < out.index("## Summary") < out.index("## Overdue")


def test_an_open_item_with_no_due_date_is_grey_not_green(cycle, afi):
    data = pack(afi, cycle.parent)
    new = next(i for i in data["items"] if i["title"] == "Nobody owns this yet")
    assert new["rag"] == "grey" and data["counts"]["rag"]["grey"] == 1
    assert data["counts"]["rag"]["green"] == 0 and data["no_due_date"] == [new["id"]]


def test_overdue_stale_and_moved_twice_while_open(governed, afi, monkeypatch):
    repo = governed.parent
    for args in (["set", "PEEL22-02", "due=2025-03-01", "--reason", "first slip"],
                 ["set", "PEEL22-02", "due=2025-04-01", "--reason", "second slip"]):
        assert afi(*args, cwd=repo)[0] == 0
    data = pack(afi, repo)
    assert data["exceptions"]["overdue"] == ["PEEL22-01"]
    assert data["exceptions"]["moved"] == ["PEEL22-02"]
    moves = {i["id"]: i for i in data["items"]}["PEEL22-02"]["due_history"]
    assert [(m["old"], m["new"], m["reason"]) for m in moves] == [
        ("2025-02-10", "2025-03-01", "first slip"), ("2025-03-01", "2025-04-01", "second slip")]
    # stale: the setting in plan.toml decides
    plan_file = governed / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace("due_soon_days = 45",
                                                       "due_soon_days = 45\nstale_after_days = 1"))
    git(repo, "commit", "-qam", "Stale after a day")
    write_item(governed, "PEEL22-01", (governed / "afis" / "PEEL22-01.toml").read_text()
               + '\n[[updates]]\ndate = 2025-01-10\ntext = "Recruiting"\n')
    assert afi("commit", cwd=repo)[0] == 0
    data = pack(afi, repo)
    assert {i["id"]: i["stale_days"] for i in data["items"]}["PEEL22-01"] == 5


def test_every_due_date_move_and_its_reason_in_markdown_and_html(cycle, afi, tmp_path):
    out = pack(afi, cycle.parent, fmt="md")
    revised = out.split("## Due dates revised", 1)[1].split("\n## ", 1)[0]
    assert "| PEEL22-02 |" in revised and "10 February 2025 | 30 June 2025 | 2 |" in revised
    assert "10 February 2025 → 30 April 2025 (new rota)" in revised
    assert "30 April 2025 → 30 June 2025 (vendor late)" in revised
    html = pack(afi, cycle.parent, fmt="html")
    assert "30 April 2025 → 30 June 2025 (vendor late)" in html


def test_actions_in_the_period_and_x_of_y(cycle, afi):
    items = {i["id"]: i for i in pack(afi, cycle.parent)["items"]}
    assert (items["PEEL22-01"]["actions_added"], items["PEEL22-01"]["actions_completed"]) == \
        (1, 1)
    out = pack(afi, cycle.parent, fmt="md")
    actions = out.split("## Actions in the period (1)\n", 1)[1].split("\n## ", 1)[0]
    assert "| 1 | 1 | 2 of 3 |" in actions


def test_proposed_for_closure_with_evidence_and_decisions_needed(cycle, afi):
    out = pack(afi, cycle.parent, fmt="md")
    closure = out.split("## Proposed for closure (1)", 1)[1].split("\n## ", 1)[0]
    assert "PEEL22-02" in closure and "Rota &lt;b&gt;signed&lt;/b&gt; (12 January 2025)" in closure
    decisions = out.split("## Decisions needed (1)", 1)[1].split("\n## ", 1)[0]
    assert r"Accept \| the &lt;i&gt;revised&lt;/i&gt; scope" in decisions
    html = pack(afi, cycle.parent, fmt="html")
    assert "Accept | the &lt;i&gt;revised&lt;/i&gt; scope" in html and "<i>revised" not in html
    assert afi("set", "PEEL22-01", "decision=none", cwd=cycle.parent)[0] == 0
    assert "decision" not in (cycle / "afis" / "PEEL22-01.toml").read_text()
    assert pack(afi, cycle.parent)["decisions"] == []


def test_the_chart_reads_the_files_dated_facts_not_only_commits(plan_dir, afi):
    write_item(plan_dir, "PEEL22-03", """\
        id = "PEEL22-03"
        kind = "afi"
        inspection = "PEEL22"
        area = "Responding to the public"
        title = "Brought in today with a history"
        status = "closed"

        [[updates]]
        date = 2022-04-01
        text = "Started"

        [closure]
        approved_by = "DCC"
        board = "FIB"
        date = 2023-02-01
        """)
    assert afi("commit", cwd=plan_dir.parent)[0] == 0
    progress = {p["month"]: (p["open"], p["done"])
                for p in pack(afi, plan_dir.parent, "is:done")["progress"]}
    # HMIC07-R01: due 2008-03-31, closed 2008-05-01; PEEL22-03: updated 2022-04-01,
    # closed 2023-02-01; both committed only on 2025-01-10.
    assert min(progress) == "2008-03-01" and progress["2008-03-01"] == (1, 0)
    assert progress["2008-05-01"] == (0, 1)
    assert progress["2022-03-01"] == (0, 1) and progress["2022-04-01"] == (1, 1)
    assert progress["2023-01-01"] == (1, 1) and progress["2023-02-01"] == (0, 2)



def test_an_item_brought_in_done_without_a_closure_date_is_done_at_its_latest_fact(
        plan_dir, afi):
    """A tracker imported today often has completed rows with no date of completion: such an item
    is done from its latest dated fact, not from the commit that brought it in (which
    would draw every one of them as closed this month)."""
    write_item(plan_dir, "PEEL22-03", """\
        id = "PEEL22-03"
        kind = "afi"
        inspection = "PEEL22"
        area = "Responding to the public"
        title = "Completed before the plan came into afi"
        status = "complete"

        [[updates]]
        date = 2022-04-01
        text = "Started"

        [[updates]]
        date = 2022-09-15
        text = "Finished; awaiting the board"
        """)
    assert afi("commit", cwd=plan_dir.parent)[0] == 0
    progress = {p["month"]: (p["open"], p["done"])
                for p in pack(afi, plan_dir.parent, "id:PEEL22-03")["progress"]}
    assert progress["2022-08-01"] == (1, 0)
    assert progress["2022-09-01"] == (0, 1)
    assert set(progress.values()) <= {(1, 0), (0, 1)}

def test_boards_in_the_period_name_the_board_that_opened_it(governed, afi):
    assert afi("board", "mark", "Force Improvement Board", cwd=governed.parent)[0] == 0
    out = pack(afi, governed.parent, fmt="md")
    boards = out.split("## Boards in the period", 1)[1].split("\n## ", 1)[0]
    assert "No board met in the period" not in boards
    assert "| 15 January 2025 | Force Improvement Board |" in boards


def test_a_deep_dive_is_the_same_pack_for_a_slice_titled_for_it(cycle, afi):
    out = pack(afi, cycle.parent, 'area:"Responding to the public"', "status:complete",
               fmt="md")
    assert out.splitlines()[2] == 'Deep dive: area:"Responding to the public" status:complete'
    appendix = out.split("## Appendix A", 1)[1].split("\n## ", 1)[0]
    assert "| PEEL22-02 |" in appendix and "PEEL22-01" not in appendix


# -- owners' own assessment ---------------------------------------------------------------------
def test_assess_keeps_a_dated_attributed_history_in_the_file(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    before = path.read_text()
    code, out, err = afi("assess", "PEEL22-01", "green", "--reason", "Demo period passed",
                         cwd=repo)
    assert code == 0, err
    assert out.endswith("PEEL22-01: assessed green\n")
    text = path.read_text()
    assert text.startswith(before)  # the layout (comments, order) is kept
    assert text[len(before):] == ('\n[[assessments]]\ndate = 2025-01-15\nby = "Test Lead"\n'
                                  'rag = "green"\nreason = "Demo period passed"\n')
    assert afi("assess", "PEEL22-01", "amber", "--reason", "Slipping", "--date", "2025-01-14",
               cwd=repo)[0] == 0
    items = {i["id"]: i for i in pack(afi, repo)["items"]}
    assessed = items["PEEL22-01"]["assessment"]
    assert (assessed["rag"], assessed["reason"]) == ("green", "Demo period passed")
    assert items["PEEL22-01"]["rag"] == "red" and items["PEEL22-01"]["assessment_differs"]
    commits = git(repo, "rev-list", "--count", "HEAD")
    code, _, err = afi("assess", "PEEL22-01", "purple", "--reason", "x", cwd=repo)
    assert code == 1 and "unknown assessment 'purple'" in err
    assert git(repo, "rev-list", "--count", "HEAD") == commits


def test_a_hand_written_assessment_is_validated(plan_dir, afi):
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text() + '\n[[assessments]]\ndate = 2025-01-01\nrag = "blue"\n')
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1
    assert "PEEL22-02.toml" in out and "missing required key 'reason'" in out
    assert "unknown rag 'blue'" in out


def test_the_list_shows_the_owners_assessment_beside_the_dates(plan_dir, afi):
    assert afi("assess", "PEEL22-01", "green", "--reason", "on track", cwd=plan_dir.parent)[0] \
        == 0
    code, out, _ = afi("list", cwd=plan_dir.parent)
    row = next(line for line in out.splitlines() if line.startswith("PEEL22-01"))
    assert "green≠" in row.replace(" ", "") or "green ≠" in row
    assert "·" not in next(line for line in out.splitlines() if line.startswith("PEEL22-02"))


# -- [people], owner:me and chase lists ---------------------------------------------------------
PEOPLE = """
[people]
"Supt Smith" = { email = "smith@example.org", git_name = "Test Lead" }
"DCI Jones" = { email = "jones@example.org" }
"""


@pytest.fixture
def people(plan_dir):
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace("[views]", PEOPLE + "\n[views]"))
    git(plan_dir.parent, "commit", "-qam", "People")
    return plan_dir


@pytest.mark.parametrize("entry, fragment", [
    ('"X" = { email = "not an address" }', "needs an e-mail address"),
    ('"X" = { git_name = "x" }', "person 'X' needs an 'email'"),
    ('"X" = { email = "x@example.org", phone = "1" }', "unknown key 'phone'"),
    ('"X" = "x@example.org"', "person 'X' must be a table"),
])
def test_people_are_validated(plan_dir, afi, entry, fragment):
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace("[views]", f"[people]\n{entry}\n\n"
                                                                  "[views]"))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and "plan.toml" in out and fragment in out


def test_owner_me_is_the_git_user_through_people(people, afi):
    code, out, _ = afi("list", "owner:me", cwd=people.parent)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["PEEL22-01"]


def test_chase_markdown_lists_what_each_owner_is_asked_for(people, afi):
    code, out, err = afi("chase", cwd=people.parent)
    assert code == 0, err
    assert "## DCI Jones" in out and "## Supt Smith" in out
    smith = out.split("## Supt Smith", 1)[1]
    assert "overdue by 15 days (due 31 December 2024)" in smith and "never updated" in smith
    assert "The board expects: delivery, or a new due date" in smith
    assert "HMIC07-R01" not in out  # done
    code, out, _ = afi("chase", "--owner", "dci jones", "--within", "10", cwd=people.parent)
    assert "Supt Smith" not in out and "due 10 February 2025" not in out  # not within 10 days
    code, _, err = afi("chase", "--owner", "Nobody", cwd=people.parent)
    assert code == 1 and "no item has owner 'Nobody'" in err


def test_chase_eml_drafts_parse_back_addressed_from_people(people, afi, tmp_path):
    out_dir = tmp_path / "drafts"
    code, _, err = afi("chase", "--format", "eml", "-o", str(out_dir), cwd=people.parent)
    assert code == 0, err
    drafts = sorted(p.name for p in out_dir.iterdir())
    assert drafts == ["dci-jones.eml", "supt-smith.eml"]
    raw = (out_dir / "supt-smith.eml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "smith@example.org"
    assert message["From"].addresses[0].addr_spec == "smith@example.org"  # git user = Smith
    assert message["X-Unsent"] == "1" and "for the next board" in message["Subject"]
    body = message.get_content()
    assert "PEEL22-01" in body and "The board expects" in body
    code, _, err = afi("chase", "--format", "eml", cwd=people.parent)
    assert code == 2 and "-o DIR" in err


def test_assessments_from_two_writers_merge_as_a_log():
    from tui.core.store.merge import merge_item

    base = 'id = "X"\nstatus = "in-progress"\n'

    def assessed(rag: str, day: str) -> str:
        return (base + f'\n[[assessments]]\ndate = {day}\nby = "{rag.title()}"\nrag = "{rag}"\n'
                f'reason = "{rag} because"\n')

    result = merge_item(base, assessed("amber", "2025-01-14"), assessed("green", "2025-01-12"))
    assert not result.conflicts
    assert "amber because" in result.text and "green because" in result.text
    assert result.text.index("green because") < result.text.index("amber because")  # by date


@pytest.mark.parametrize("value", ["0", '"sixty"', "99999"])
def test_stale_after_days_is_validated(plan_dir, afi, value):
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace(
        "due_soon_days = 45", f"due_soon_days = 45\nstale_after_days = {value}"))
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and "plan.toml:3:" in out and "'stale_after_days' must be a whole number" \
        in out


def test_the_csv_neutralises_formulas_in_the_new_columns(plan_dir, afi):
    import csv
    import io

    repo = plan_dir.parent
    assert afi("assess", "PEEL22-01", "amber", "--reason", '=HYPERLINK("http://x","y")',
               cwd=repo)[0] == 0
    assert afi("set", "PEEL22-01", "decision=@SUM(A1:A9)", cwd=repo)[0] == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(pack(afi, repo, fmt="csv")))}
    row = rows["PEEL22-01"]
    assert row["assessment_reason"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert row["decision"] == "'@SUM(A1:A9)"
    assert (row["assessment"], row["assessment_differs"], row["stale_days"]) == \
        ("amber", "true", "'-1")  # never updated; '-' opens a formula, so prefixed


def test_the_chase_draft_for_items_with_no_owner_asks_for_one(people, afi, tmp_path):
    assert afi("set", "PEEL22-02", "owner=", cwd=people.parent)[0] == 0
    out_dir = tmp_path / "drafts"
    code, _, err = afi("chase", "--format", "eml", "-o", str(out_dir), cwd=people.parent)
    assert code == 0, err
    unowned = [p for p in out_dir.iterdir() if b"PEEL22-02" in p.read_bytes()]
    assert len(unowned) == 1
    message = email.message_from_bytes(unowned[0].read_bytes(), policy=email.policy.default)
    body = message.get_content()
    assert body.startswith("Hello,") and "(no owner)" not in body
    assert "have no owner and need one" in body
    assert message["To"] is None  # a draft for whoever allocates the work to address
