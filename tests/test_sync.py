"""Working as a team on real repositories: a bare remote and two clones with different
identities, `afi sync`, the field-by-field merge driver, `afi resolve`, server checks."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tui.core.git.repo import GitRepo
from tui.core.plan import Plan
from tui.core.team import conflicts
from tui.core.team.sync import sync
from tui.core.write.audit import message_problems

from .conftest import git, install_pre_receive


def head(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def test_setup_registers_the_driver_and_commits_the_attributes(team, afi):
    alice, _ = team
    code, out, err = afi("setup", cwd=alice)
    assert code == 0, err
    assert "afi" in git(alice, "config", "merge.afi.driver") and "merge-driver %O %A %B %P" \
        in git(alice, "config", "merge.afi.driver")
    assert (alice / ".gitattributes").read_text() == \
        "plan/afis/*.toml merge=afi\nplan/plan.toml merge=afi\n"
    assert git(alice, "log", "-2", "--format=%s").splitlines() == [
        "Editor schema for the plan's files (statuses, kinds, areas, boards)",
        "Merge item files field by field (afi's merge driver)"]
    assert afi("setup", cwd=alice)[1].startswith("already set up")


def test_different_fields_of_one_item_merge_cleanly(team, afi):
    alice, bob = team
    assert afi("set", "PEEL22-01", "owner=Supt Alice", cwd=alice)[0] == 0
    code, out, err = afi("sync", cwd=alice)
    assert code == 0 and out.strip().endswith("out"), err
    assert afi("note", "PEEL22-01", "Bob's note", cwd=bob)[0] == 0
    assert afi("set", "PEEL22-01", "lead=ACC Bob", cwd=bob)[0] == 0
    code, out, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert out.strip().startswith("2 in, ") or out.strip().startswith("3 in, ")
    assert afi("sync", cwd=alice)[0] == 0
    assert head(alice) == head(bob)
    text = (alice / "plan" / "afis" / "PEEL22-01.toml").read_text()
    assert 'owner = "Supt Alice"' in text and 'lead = "ACC Bob"' in text
    assert "Bob's note" in text
    assert {"Alice", "Bob"} <= set(git(alice, "log", "--format=%an").split())
    assert afi("check", cwd=alice)[0] == 0


def test_same_field_conflict_stops_names_both_sides_and_pushes_nothing(team, afi):
    alice, bob = team
    afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)
    assert afi("sync", cwd=alice)[0] == 0
    remote_before = head(alice, "origin/main")
    afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)
    code, out, err = afi("sync", cwd=bob)
    assert code == 1
    assert re.search(r"conflict: PEEL22-02 owner: ours 'Supt Bob' \(Bob, [0-9a-f]{8}\), "
                     r"theirs 'Supt Alice' \(Alice, [0-9a-f]{8}\)", err)
    assert "nothing was pushed" in err and "afi resolve" in err
    git(bob, "fetch", "-q")
    assert head(bob, "origin/main") == remote_before
    text = (bob / "plan" / "afis" / "PEEL22-02.toml").read_text()
    assert '<<<<<<< ours\nowner = "Supt Bob"\n=======\nowner = "Supt Alice"\n>>>>>>> theirs' \
        in text
    assert afi("check", cwd=bob)[0] == 1  # the file is not valid until settled
    code, out, _ = afi("resolve", cwd=bob)
    assert re.fullmatch(r"PEEL22-02 owner: ours 'Supt Bob' \(Bob, [0-9a-f]{8}\), theirs "
                        r"'Supt Alice' \(Alice, [0-9a-f]{8}\)", out.strip())
    code, out, _ = afi("resolve", "PEEL22-02", "owner", "theirs", cwd=bob)
    assert code == 0 and "run `afi sync` to finish" in out
    code, out, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert 'owner = "Supt Alice"' in (bob / "plan" / "afis" / "PEEL22-02.toml").read_text()
    assert git(bob, "status", "--porcelain") == ""


def test_a_value_of_your_own_and_messages_recomputed(team, afi):
    alice, bob = team
    afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)
    afi("sync", cwd=alice)
    afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)
    assert afi("sync", cwd=bob)[0] == 1
    assert afi("resolve", "PEEL22-02", "owner", "Supt Alice and Bob", cwd=bob)[0] == 0
    assert afi("sync", cwd=bob)[0] == 0
    # Bob's rebased commit now changes Alice's value: its message says so.
    assert git(bob, "log", "-1", "--format=%s").strip() == \
        "PEEL22-02: owner Supt Alice -> Supt Alice and Bob"
    repo = GitRepo.find(bob)
    assert message_problems(repo, bob / "plan", repo.iter_log(revisions=["HEAD~2..HEAD"])) == []
    assert afi("check", "--commits", "origin/main~2..origin/main", cwd=bob)[0] == 0


def test_sync_refuses_uncommitted_plan_edits_and_foreign_merges(team, afi):
    alice, _ = team
    path = alice / "plan" / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace("Supt Smith", "Hand Edit"))
    before = head(alice)
    code, _, err = afi("sync", cwd=alice)
    assert code == 1 and "uncommitted edits (plan/afis/PEEL22-01.toml)" in err
    assert head(alice) == before
    git(alice, "checkout", "--", ".")
    (alice / ".git" / "MERGE_HEAD").write_text(before + "\n")
    code, _, err = afi("sync", cwd=alice)
    assert code == 1 and "a merge is in progress" in err


def test_plain_git_pull_and_merge_use_the_driver(team, afi):
    alice, bob = team
    for clone in team:
        assert afi("setup", cwd=clone)[0] == 0
    afi("sync", cwd=alice)
    git(bob, "pull", "-q", "--rebase")
    afi("set", "PEEL22-01", "owner=Alice Owner", cwd=alice)
    afi("sync", cwd=alice)
    afi("set", "PEEL22-01", "status=complete", cwd=bob)
    git(bob, "pull", "-q", "--no-rebase", "--no-edit")  # a merge commit, field by field
    text = (bob / "plan" / "afis" / "PEEL22-01.toml").read_text()
    assert 'owner = "Alice Owner"' in text and 'status = "complete"' in text
    assert "<<<<<<<" not in text


def test_merges_when_the_user_configures_pulls_to_merge(team, afi):
    alice, bob = team
    git(bob, "config", "pull.rebase", "false")
    afi("set", "PEEL22-01", "owner=Alice", cwd=alice)
    afi("sync", cwd=alice)
    afi("set", "PEEL22-02", "owner=Bob", cwd=bob)
    assert afi("sync", cwd=bob)[0] == 0
    assert len(git(bob, "log", "-1", "--format=%P").split()) == 2  # a merge commit


def test_a_conflict_outside_the_plan_is_named_and_left_to_git(team, afi):
    alice, bob = team
    for clone, text in ((alice, "alice\n"), (bob, "bob\n")):
        (clone / "NOTES.md").write_text(text)
        git(clone, "add", "NOTES.md")
        git(clone, "commit", "-qm", "notes")
    assert afi("sync", cwd=alice)[0] == 0
    code, _, err = afi("sync", cwd=bob)
    assert code == 1 and "NOTES.md (not an item file" in err
    (bob / "NOTES.md").write_text("alice and bob\n")
    git(bob, "add", "NOTES.md")
    code, out, err = afi("sync", cwd=bob)
    assert code == 0, err


def test_sync_without_a_remote_says_what_to_do(plan_dir, afi):
    code, _, err = afi("sync", cwd=plan_dir.parent)
    assert code == 1 and "git remote add origin" in err


def test_check_commits_flags_what_a_server_should_refuse(plan_dir, afi):
    repo = plan_dir.parent
    start = head(repo)
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace('status = "in-progress"', 'status = "bogus"'))
    git(repo, "commit", "-qam", "PEEL22-02: owner a -> b\n\nAFI-Id: PEEL22-02")
    code, out, err = afi("check", "--commits", f"{start}..HEAD", cwd=repo)
    assert code == 1
    assert "names items the commit does not change: PEEL22-02" in out
    assert "plan/afis/PEEL22-01.toml:7: unknown status 'bogus'" in out
    assert afi("check", "--commits", f"{start}..{start}", cwd=repo)[0] == 0


def test_driver_falls_back_to_line_markers_when_a_side_is_not_toml(tmp_path):
    from tui.core.team.sync import merge_driver

    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text('id = "X"\nowner = "a"\n')
    ours.write_text('id = "X"\nowner = "b"\n')
    theirs.write_text('id = "X"\nowner = "c" = broken\n')
    assert merge_driver(base, ours, theirs, "plan/afis/X.toml") == 1
    text = ours.read_text()
    assert "<<<<<<< ours" in text and ">>>>>>> theirs" in text


# -- two people, many edits, random syncs -------------------------------------------------------
EDITS = 200


@pytest.mark.slow
def test_two_users_random_edits_and_syncs_lose_nothing(team, capsys):
    """Each makes EDITS mixed edits (status, due with reason, owner, notes, actions, new
    items) on overlapping items, syncing every ~10 edits in random order. At the end
    both clones are identical, every note, action and new item is present once, every
    field conflict was stopped on and settled, and every commit says what it did."""
    rng = random.Random(20241204)
    users = {clone.name: clone for clone in team}
    shared_items = ["PEEL22-01", "PEEL22-02"]
    tokens: dict[str, set[str]] = {name: set() for name in users}  # notes, actions, items
    counts = {"edits": 0, "syncs": 0, "conflicts": 0, "settled": 0, "new items": 0}
    pending = {name: 0 for name in users}
    start = head(team[0])
    for step in range(EDITS * 2):
        name = rng.choice([n for n in users if counts["edits"] < 2 * EDITS])
        _random_edit(users[name], name, step, rng, shared_items, tokens[name], counts)
        pending[name] += 1
        if pending[name] >= rng.randint(8, 12):
            _sync_until_done(users[name], rng, counts)
            pending[name] = 0
    for _ in range(2):
        for clone in team:
            _sync_until_done(clone, rng, counts)
    alice, bob = team
    assert head(alice) == head(bob) and git(alice, "status", "--porcelain") == ""
    plan = Plan(alice / "plan")
    assert plan.problems == []
    texts = "\n".join(item.path.read_text() for item in plan.items)
    for name, found in tokens.items():
        for token in found:  # each ends a TOML string: "note alice-19" is not "...-190"
            count = texts.count(f'{token}"')
            assert count == 1, f"{name}'s {token} present {count}x"
    assert {"Alice", "Bob"} <= set(git(alice, "log", "--format=%an").split())
    repo = GitRepo.find(alice)
    made_by_afi = repo.iter_log(revisions=[f"{start}..HEAD"])  # after the fixture's commit
    assert message_problems(repo, alice / "plan", made_by_afi) == []
    with capsys.disabled():
        print(f"\ntwo users: {counts['edits']} edits, {counts['syncs']} syncs, "
              f"{counts['conflicts']} field conflicts stopped on and settled, "
              f"{counts['new items']} new items; clones identical; nothing lost")


def _random_edit(clone: Path, name: str, step: int, rng: random.Random, shared: list[str],
                 tokens: set[str], counts: dict) -> None:
    plan = Plan(clone / "plan")
    ids = [i.id for i in plan.items if i.id.startswith("PEEL22")]
    item_id = rng.choice(shared if rng.random() < 0.6 else ids)
    token = f"{name}-{step}"
    kind = rng.choice(("status", "due", "owner", "note", "action", "tick", "new"))
    with plan.change() as change:
        if kind == "status":
            change.set(item_id, "status", rng.choice(("not-started", "in-progress",
                                                      "complete")))
        elif kind == "due":
            change.set(item_id, "due", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       reason=f"re-planned {token}")
            tokens.add(f"re-planned {token}")
        elif kind == "owner":
            change.set(item_id, "owner", f"Owner {token}")
        elif kind == "note":
            change.add_update(item_id, f"note {token}")
            tokens.add(f"note {token}")
        elif kind == "action":
            change.add_action(item_id, f"action {token}")
            tokens.add(f"action {token}")
        elif kind == "tick" and plan.get(item_id).actions:
            change.set_action_done(item_id, rng.randrange(len(plan.get(item_id).actions)),
                                   rng.random() < 0.5)
        else:
            new_id = f"PEEL22-{name[0].upper()}{step}"
            change.create(new_id, {"kind": "afi", "inspection": "PEEL22",
                                   "area": "Responding to the public",
                                   "title": f"item {token}", "status": "not-started"})
            tokens.add(f"item {token}")
            counts["new items"] += 1
    counts["edits"] += 1


def _sync_until_done(clone: Path, rng: random.Random, counts: dict) -> None:
    """Sync; settle every field conflict by a random choice, as `afi resolve` does."""
    for _ in range(20):
        result = sync(Plan(clone / "plan"))
        counts["syncs"] += 1
        if not result.stopped:
            return
        assert not result.other_files, result.summary
        repo = GitRepo.find(clone)
        for record in result.conflicts:
            for conflict in list(record.conflicts):
                counts["conflicts"] += 1
                left = conflicts.resolve(repo.root, repo.git_dir, record.item_id,
                                         conflict.field, rng.choice((conflicts.OURS,
                                                                     conflicts.THEIRS)))
                counts["settled"] += 1
                if left is None:
                    git(clone, "add", record.path)
    raise AssertionError("sync never finished")


def test_the_pre_receive_example_refuses_a_bad_push(team, tmp_path):
    """docs/examples/pre-receive in a real bare repository: a commit afi would not make
    is refused; an afi commit is accepted."""
    alice, _ = team
    afi_script = install_pre_receive(tmp_path / "shared.git")
    path = alice / "plan" / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace("Supt Smith", "Supt Sneaky"))
    git(alice, "commit", "-qam", "tidy")  # plain git: no AFI-Id, a message hiding the change
    import subprocess

    done = subprocess.run(["git", "push", "-q", "origin", "HEAD:main"], cwd=alice,
                          capture_output=True, text=True)
    assert done.returncode != 0 and "AFI-Id trailers missing for: PEEL22-01" in done.stderr
    git(alice, "reset", "-q", "--hard", "HEAD~1")
    assert subprocess.run([str(afi_script), "set", "PEEL22-01", "owner=Supt Open"], cwd=alice,
                          capture_output=True).returncode == 0
    done = subprocess.run(["git", "push", "-q", "origin", "HEAD:main"], cwd=alice,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("state", ["untracked", "tracked-empty", "edited"])
def test_setup_with_a_gitattributes_of_the_users_own(plan_dir, afi, state):
    """An empty tracked .gitattributes gets afi's line in one commit; one holding the
    user's uncommitted lines is refused, naming it, and nothing is written."""
    repo = plan_dir.parent
    attributes = repo / ".gitattributes"
    if state == "tracked-empty":
        attributes.write_text("")
        git(repo, "add", ".gitattributes")
        git(repo, "commit", "-qm", "empty attributes")
    else:
        attributes.write_text("*.png binary\n")
        if state == "edited":
            git(repo, "add", ".gitattributes")
            git(repo, "commit", "-qm", "attributes")
            attributes.write_text("*.png binary\n*.pdf binary\n")
    before = git(repo, "rev-parse", "HEAD")
    code, out, err = afi("setup", cwd=repo)
    if state == "tracked-empty":
        assert code == 0, err
        # (HEAD: the editor schema's commit; setup's own comes before it)
        assert git(repo, "show", "--format=", "--name-only", "HEAD~1").split() == [
            ".gitattributes"]
        assert "merge=afi" in attributes.read_text() and git(repo, "status", "--porcelain") == ""
    else:
        assert code == 1 and ".gitattributes has changes not yet committed" in err
        assert git(repo, "rev-parse", "HEAD") == before
        assert "merge=afi" not in attributes.read_text()


def test_a_conflict_settled_by_hand_with_git_add_lets_sync_finish(team, afi):
    """git's index is the authority: a file settled in an editor and `git add`ed is no
    longer an open conflict, for afi sync, afi resolve and the UI's count alike."""
    from tui.core.plan import Plan
    from tui.core.team.sync import team_status

    alice, bob = team
    afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)
    assert afi("sync", cwd=alice)[0] == 0
    afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)
    assert afi("sync", cwd=bob)[0] == 1
    path = bob / "plan" / "afis" / "PEEL22-02.toml"
    text = path.read_text()
    settled = re.sub(r"<<<<<<< ours\n.*?=======\n(.*?)>>>>>>> theirs\n", r"\1", text,
                     flags=re.S)
    path.write_text(settled)
    git(bob, "add", "plan/afis/PEEL22-02.toml")
    assert team_status(Plan.open(bob / "plan")).conflicts == []
    code, out, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert afi("resolve", cwd=bob)[2].strip() == "no conflict is open"
    assert head(bob) == head(bob, "origin/main")
    assert 'owner = "Supt Alice"' in path.read_text()


def test_a_push_the_server_refuses_says_why_and_is_not_retried(team, afi, tmp_path):
    """A server hook (the pre-receive example, a branch protection) that refuses the push
    is git's refusal, named with the hook's own words: not "origin kept moving" after
    three fetches and pushes that could never succeed."""
    alice, _ = team
    shared = tmp_path / "shared.git"
    runs = tmp_path / "hook-runs"
    hook = shared / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho run >> '{runs}'\n"
                    "echo 'policy: the plan is frozen until the board meets' >&2\nexit 1\n")
    hook.chmod(0o755)
    git(shared, "config", "core.hooksPath", str(shared / "hooks"))
    assert afi("set", "PEEL22-01", "owner=Supt Alice", cwd=alice)[0] == 0
    mine = head(alice)
    code, out, err = afi("sync", cwd=alice)
    assert code == 1, out
    assert err.startswith("afi: error: origin refused the push") and "kept moving" not in err
    assert "policy: the plan is frozen until the board meets" in err
    assert "pre-receive hook declined" in err
    assert len(err.strip().splitlines()) == 1
    assert runs.read_text().count("run") == 1  # one push: a refusal is not a race
    assert mine in git(alice, "rev-list", "HEAD")  # kept here (under sync's setup commits)
    assert mine not in git(shared, "rev-list", "main")  # and not pushed
