"""`afi resolve` for every kind of conflict, on a bare remote and two clones: a whole
action removed on one side and edited on the other, an item deleted on one side and
edited on the other, resolutions that would leave an item invalid, and who set each
side's value."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from .conftest import git


def item(clone: Path, item_id: str = "PEEL22-01") -> dict:
    return tomllib.loads((clone / "plan" / "afis" / f"{item_id}.toml").read_text())


def authors(clone: Path, rev: str = "HEAD") -> list[str]:
    return git(clone, "log", "--format=%an %s", rev).splitlines()


def removed_and_edited(team, afi) -> tuple[Path, Path]:
    """Alice edits action 2 and pushes; Bob removes it and syncs: a conflict."""
    alice, bob = team
    assert afi("action", "PEEL22-01", "edit", "2", "Review shift pattern by March",
               cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("action", "PEEL22-01", "remove", "2", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1 and "PEEL22-01 actions.2:" in err, err
    return alice, bob


def test_keeping_the_removal_of_an_action_edited_meanwhile(team, afi):
    alice, bob = removed_and_edited(team, afi)
    code, out, err = afi("resolve", "PEEL22-01", "actions.2", "ours", cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert [a["text"] for a in item(bob)["actions"]] == ["Recruit call handlers"]
    log = authors(bob)
    assert log[0] == "Bob PEEL22-01: action 2 removed"  # Bob's commit is kept, and says so
    assert any(line.startswith("Alice PEEL22-01: action 2 edited") for line in log)
    assert afi("sync", cwd=alice)[0] == 0
    assert item(alice)["actions"] == item(bob)["actions"]
    assert afi("check", "--commits", "HEAD~2..HEAD", cwd=alice)[0] == 0


def test_taking_their_edit_of_an_action_removed_here(team, afi):
    alice, bob = removed_and_edited(team, afi)
    code, out, err = afi("resolve", "PEEL22-01", "actions.2", "theirs", cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert [a["text"] for a in item(bob)["actions"]] == [
        "Recruit call handlers", "Review shift pattern by March"]
    assert git(bob, "status", "--porcelain") == ""
    assert afi("check", cwd=bob)[0] == 0


def test_an_action_removed_here_and_edited_there_in_a_merge(team, afi):
    """With merges instead of rebases the sides do not swap: ours is still Bob's."""
    alice, bob = team
    git(bob, "config", "pull.rebase", "false")
    assert afi("action", "PEEL22-01", "done", "2", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("action", "PEEL22-01", "remove", "2", cwd=bob)[0] == 0
    assert afi("sync", cwd=bob)[0] == 1
    assert afi("resolve", "PEEL22-01", "actions.2", "theirs", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert item(bob)["actions"][1] == {"text": "Review shift pattern", "done": True}


def test_each_side_names_who_set_that_field(team, afi, monkeypatch):
    alice, bob = team
    assert afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)[0] == 0
    git(alice, "config", "user.name", "Carol")  # a later commit by someone else, same file
    assert afi("set", "PEEL22-02", "lead=ACC Carol", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    owner_commit = git(alice, "log", "-1", "--format=%H", "--grep=-> Supt Alice"
                       ).strip()[:8]
    assert afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)[0] == 0
    bob_commit = git(bob, "rev-parse", "--short=8", "HEAD").strip()
    code, _, err = afi("sync", cwd=bob)
    assert code == 1, err
    assert (f"PEEL22-02 owner: ours 'Supt Bob' (Bob, {bob_commit}), theirs 'Supt Alice' "
            f"(Alice, {owner_commit})") in err
    code, out, _ = afi("resolve", cwd=bob)
    assert "(Alice, " in out and "Carol" not in out


def status_conflict(team, afi, theirs: str = "complete") -> tuple[Path, Path]:
    alice, bob = team
    assert afi("set", "PEEL22-02", f"status={theirs}", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("set", "PEEL22-02", "status=in-progress", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1 and "PEEL22-02 status:" in err
    return alice, bob


def test_a_settlement_leaving_the_item_invalid_is_refused(team, afi):
    alice, bob = status_conflict(team, afi)
    path = bob / "plan" / "afis" / "PEEL22-02.toml"
    before = path.read_text()
    code, _, err = afi("resolve", "PEEL22-02", "status", "closed", cwd=bob)
    assert code == 1
    assert "PEEL22-02: status = \"closed\" would leave the item invalid" in err and "closure" in err
    assert "nothing was settled" in err
    assert path.read_text() == before
    assert afi("resolve", cwd=bob)[1].startswith("PEEL22-02 status:")  # still open
    assert afi("resolve", "PEEL22-02", "status", "theirs", cwd=bob)[0] == 0
    assert afi("sync", cwd=bob)[0] == 0
    assert afi("check", cwd=bob)[0] == 0


def test_a_board_removed_on_one_side_cannot_be_kept_by_a_settlement(governed, team, afi):
    alice, bob = team
    plan_file = alice / "plan" / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace(', "PEEL Oversight Board"', ""))
    assert afi("set", "PEEL22-02", "status=complete", cwd=alice)[0] == 0
    assert afi("commit", "-m", "The PEEL board is wound up", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    code, _, err = afi("close", "PEEL22-02", "--by", "DCC", "--board",
                       "PEEL Oversight Board", cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 1 and "PEEL22-02 status:" in err, err
    code, _, err = afi("resolve", "PEEL22-02", "status", "ours", cwd=bob)
    assert code == 1 and "PEEL Oversight Board" in err and "nothing was settled" in err
    assert afi("resolve", "PEEL22-02", "status", "theirs", cwd=bob)[0] == 1  # closure stays


def deleted_and_edited(team, afi) -> tuple[Path, Path]:
    """Alice deletes PEEL22-02 and pushes; Bob edits it and syncs."""
    alice, bob = team
    (alice / "plan" / "afis" / "PEEL22-02.toml").unlink()
    assert afi("commit", "-m", "Duplicate of PEEL22-01", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1
    assert "PEEL22-02 item: ours changed (Bob, " in err and "theirs deleted (Alice, " in err
    assert "not an item file" not in err
    return alice, bob


@pytest.mark.parametrize("choice", ["ours", "theirs"])
def test_an_item_deleted_there_and_edited_here(team, afi, choice):
    alice, bob = deleted_and_edited(team, afi)
    code, out, err = afi("resolve", cwd=bob)
    assert out.startswith("PEEL22-02 item: ours changed")
    code, out, err = afi("resolve", "PEEL22-02", "item", choice, cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    path = bob / "plan" / "afis" / "PEEL22-02.toml"
    if choice == "ours":
        assert item(bob, "PEEL22-02")["owner"] == "Supt Bob"
        assert git(bob, "log", "-1", "--format=%an %s").startswith("Bob PEEL22-02: ")
    else:
        assert not path.exists()
    assert git(bob, "status", "--porcelain") == ""
    assert afi("sync", cwd=alice)[0] == 0
    assert path.exists() == (alice / "plan" / "afis" / "PEEL22-02.toml").exists()
    assert afi("check", cwd=bob)[0] == 0


def test_an_item_deleted_here_and_edited_there(team, afi):
    alice, bob = team
    assert afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    (bob / "plan" / "afis" / "PEEL22-02.toml").unlink()
    assert afi("commit", "-m", "Not ours to track", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1 and "PEEL22-02 item: ours deleted (Bob, " in err, err
    code, _, err = afi("resolve", "PEEL22-02", "item", "Some value", cwd=bob)
    assert code == 1 and "ours or theirs" in err
    assert afi("resolve", "PEEL22-02", "item", "ours", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert not (bob / "plan" / "afis" / "PEEL22-02.toml").exists()
    assert git(bob, "log", "-1", "--format=%an %s").startswith("Bob Not ours to track")


def same_new_id(team, afi) -> tuple[Path, Path]:
    alice, bob = team
    for clone, title in ((alice, "Alice's finding"), (bob, "Bob's finding")):
        code, out, err = afi("new", "--inspection", "PEEL22", "--title", title, "--area",
                             "Responding to the public", cwd=clone)
        assert code == 0 and "PEEL22-03" in out + err, err
    assert afi("sync", cwd=alice)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1
    assert ("PEEL22-03 item: ours added 'Bob's finding' (Bob, " in err
            and "theirs added 'Alice's finding' (Alice, " in err), err
    return alice, bob


def test_the_same_new_id_on_both_sides_keeps_both_items(team, afi):
    alice, bob = same_new_id(team, afi)
    code, _, err = afi("resolve", "PEEL22-03", "item", "nonsense", cwd=bob)
    assert code == 1 and "ours, theirs or both" in err
    code, out, err = afi("resolve", "PEEL22-03", "item", "both", cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert item(bob, "PEEL22-03")["title"] == "Alice's finding"
    moved = item(bob, "PEEL22-04")
    assert (moved["id"], moved["title"]) == ("PEEL22-04", "Bob's finding")
    assert git(bob, "log", "-1", "--format=%an %s").strip() == "Bob PEEL22-04: new afi"
    assert afi("check", cwd=bob)[0] == 0
    assert afi("check", "--commits", "HEAD~1..HEAD", cwd=bob)[0] == 0


@pytest.mark.parametrize("choice, title", [("ours", "Bob's finding"),
                                           ("theirs", "Alice's finding")])
def test_the_same_new_id_on_both_sides_keeping_one(team, afi, choice, title):
    alice, bob = same_new_id(team, afi)
    assert afi("resolve", "PEEL22-03", "item", choice, cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert item(bob, "PEEL22-03")["title"] == title
    assert not (bob / "plan" / "afis" / "PEEL22-04.toml").exists()
    assert afi("check", cwd=bob)[0] == 0


def note_removed_and_edited(team, afi) -> tuple[Path, Path]:
    """Alice rewrites a progress update and pushes; Bob removes it and syncs."""
    alice, bob = team
    assert afi("note", "PEEL22-01", "Recruited 40 of 60 call handlers", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("sync", cwd=bob)[0] == 0
    path = alice / "plan" / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace("40 of 60", "45 of 60"))
    assert afi("commit", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    path = bob / "plan" / "afis" / "PEEL22-01.toml"
    text = path.read_text()
    path.write_text(text[:text.index("[[updates]]")].rstrip("\n") + "\n")
    assert afi("commit", "-m", "That note was about another item", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1
    assert "PEEL22-01 updates.1: ours none (Bob, " in err
    assert "theirs entry 'Recruited 45 of 60 call handlers' (Alice, " in err
    return alice, bob


@pytest.mark.parametrize("choice", ["ours", "theirs"])
def test_a_note_removed_here_and_rewritten_there(team, afi, choice):
    alice, bob = note_removed_and_edited(team, afi)
    code, _, err = afi("resolve", "PEEL22-01", "updates.1", choice, cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    updates = [u["text"] for u in item(bob).get("updates", [])]
    if choice == "ours":
        assert updates == []
        assert git(bob, "log", "-1", "--format=%an %s").strip() == \
            "Bob That note was about another item"
    else:
        assert updates == ["Recruited 45 of 60 call handlers"]
    assert afi("check", cwd=bob)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert item(alice).get("updates") == item(bob).get("updates")


def edit_plan(clone: Path, old: str, new: str, afi) -> None:
    plan_file = clone / "plan" / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace(old, new))
    code, _, err = afi("commit", cwd=clone)
    assert code == 0, err


def test_plan_settings_merge_field_by_field_and_resolve(team, afi):
    alice, bob = team
    assert afi("setup", cwd=alice)[0] == 0
    assert afi("sync", cwd=alice)[0] == 0
    assert afi("sync", cwd=bob)[0] == 0
    assert "plan/plan.toml merge=afi" in (bob / ".gitattributes").read_text()
    edit_plan(alice, "due_soon_days = 45", "due_soon_days = 30", afi)
    edit_plan(alice, '[views]', '[[inspections]]\nid = "CRIME24"\ntitle = "Crime data"\n'
              'scale = "peel-5"\n\n[views]', afi)
    assert afi("sync", cwd=alice)[0] == 0
    edit_plan(bob, "due_soon_days = 45", "due_soon_days = 60", afi)
    edit_plan(bob, '[views]', '[[inspections]]\nid = "VAWG24"\ntitle = "VAWG"\n'
              'scale = "peel-5"\n\n[views]', afi)
    code, _, err = afi("sync", cwd=bob)
    assert code == 1
    assert "plan due_soon_days: ours 60 (Bob, " in err and "theirs 30 (Alice, " in err, err
    assert "inspections" not in err  # both new inspections are kept
    code, _, err = afi("resolve", "plan", "due_soon_days", "soon", cwd=bob)
    assert code == 1 and "nothing was settled" in err
    code, _, err = afi("resolve", "plan", "due_soon_days", "40", cwd=bob)
    assert code == 0, err
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    config = tomllib.loads((bob / "plan" / "plan.toml").read_text())
    assert config["due_soon_days"] == 40
    assert [i["id"] for i in config["inspections"]] == ["PEEL22", "HMIC07", "CRIME24",
                                                        "VAWG24"]
    assert afi("check", cwd=bob)[0] == 0


def test_both_items_kept_in_a_merge_pass_the_server_check(team, afi):
    alice, bob = team
    git(bob, "config", "pull.rebase", "false")
    same_new_id(team, afi)
    assert afi("resolve", "PEEL22-03", "item", "both", cwd=bob)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert len(git(bob, "log", "-1", "--format=%P").split()) == 2  # a merge commit
    assert item(bob, "PEEL22-04")["title"] == "Bob's finding"
    code, out, err = afi("check", "--commits", "HEAD~2..HEAD", cwd=bob)
    assert code == 0, out + err
