"""`afi resolve` for every kind of conflict, on a bare remote and two clones: a whole
action removed on one side and edited on the other, an item deleted on one side and
edited on the other, resolutions that would leave an item invalid, and who set each
side's value."""

from __future__ import annotations

import tomllib
from pathlib import Path

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
