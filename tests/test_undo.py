"""`afi undo` on real repositories: your last afi commit taken back by a new commit."""

from __future__ import annotations

from .conftest import git


def log(repo, n: int = 1, fmt: str = "%B") -> str:
    return git(repo, "log", f"-{n}", f"--format={fmt}")


def item(plan_dir, item_id: str) -> str:
    return (plan_dir / "afis" / f"{item_id}.toml").read_text()


def count(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def as_someone_else(monkeypatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Other Lead")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "other@example.org")


def test_undo_a_set_is_a_new_commit_restoring_the_file(afi, plan_dir):
    repo = plan_dir.parent
    before = item(plan_dir, "PEEL22-01")
    assert afi("set", "PEEL22-01", "owner=Supt Jones", "status=complete", cwd=repo)[0] == 0
    done = git(repo, "rev-parse", "HEAD").strip()
    code, out, err = afi("undo", cwd=repo)
    assert code == 0, err
    assert out.split("] ", 1)[1].strip() == \
        'Undo "PEEL22-01: status in-progress -> complete, owner Supt Smith -> Supt Jones"'
    assert item(plan_dir, "PEEL22-01") == before  # byte for byte, comments included
    assert log(repo) == (
        'Undo "PEEL22-01: status in-progress -> complete, owner Supt Smith -> Supt Jones"\n\n'
        "PEEL22-01: status complete -> in-progress, owner Supt Jones -> Supt Smith\n\n"
        f"AFI-Id: PEEL22-01\nReverts: {done}\n\n")
    assert git(repo, "rev-parse", "HEAD~1").strip() == done  # history kept, not rewritten
    assert git(repo, "status", "--porcelain") == ""
    code, _, err = afi("check", "--commits", "HEAD~2..HEAD", cwd=repo)
    assert code == 0, err  # the undo's message says what its diff does


def test_undo_of_an_undo_puts_the_change_back(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "owner=DCI Brown", cwd=repo)[0] == 0
    changed = item(plan_dir, "PEEL22-02")
    assert afi("undo", cwd=repo)[0] == 0
    assert 'owner = "DCI Jones"' in item(plan_dir, "PEEL22-02")
    code, out, err = afi("undo", cwd=repo)
    assert code == 0, err
    assert 'Undo "Undo "PEEL22-02: owner DCI Jones -> DCI Brown""' in out
    assert item(plan_dir, "PEEL22-02") == changed


def test_undo_a_bulk_set_is_one_commit_for_every_item(afi, plan_dir):
    repo = plan_dir.parent
    originals = {i: item(plan_dir, i) for i in ("PEEL22-01", "PEEL22-02")}
    assert afi("set", "--where", "inspection:PEEL22", "tags+=fib", cwd=repo)[0] == 0
    before = count(repo)
    assert afi("undo", cwd=repo)[0] == 0
    assert count(repo) == before + 1
    assert {i: item(plan_dir, i) for i in originals} == originals
    message = log(repo)
    assert message.startswith('Undo "tag +fib on 2 items"\n')
    assert "AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02\nReverts: " in message


def test_undo_keeps_later_changes_to_other_fields(afi, plan_dir, monkeypatch):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "owner=Supt Jones", cwd=repo)[0] == 0
    as_someone_else(monkeypatch)
    assert afi("note", "PEEL22-01", "Forty call handlers recruited", cwd=repo)[0] == 0
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    code, out, err = afi("undo", cwd=repo)  # undoes the owner, not the other's note
    assert code == 0, err
    text = item(plan_dir, "PEEL22-01")
    assert 'owner = "Supt Smith"' in text and "Forty call handlers recruited" in text
    assert "PEEL22-01: owner Supt Jones -> Supt Smith\n" in log(repo)


def test_undo_refuses_when_a_later_commit_changed_the_same_field(afi, plan_dir, monkeypatch):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "status=complete", cwd=repo)[0] == 0
    as_someone_else(monkeypatch)
    assert afi("set", "PEEL22-01", "status=in-progress", cwd=repo)[0] == 0
    later = git(repo, "rev-parse", "--short=8", "HEAD").strip()
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    before = count(repo)
    code, out, err = afi("undo", cwd=repo)
    assert code == 1 and out == ""
    assert err.startswith("afi: error: cannot undo ") and len(err.splitlines()) == 1
    assert f"later commit {later}" in err and "changed PEEL22-01 status too" in err
    assert count(repo) == before and git(repo, "status", "--porcelain") == ""


def test_undo_takes_back_only_your_own_commits(afi, plan_dir, monkeypatch):
    repo = plan_dir.parent
    as_someone_else(monkeypatch)
    assert afi("set", "PEEL22-02", "owner=DCI Brown", cwd=repo)[0] == 0
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    code, _, err = afi("undo", cwd=repo)  # the other's commit is theirs to undo
    assert code == 1 and "nothing to undo: Test Lead <lead@example.org> has made no afi " \
                         "commit" in err
    assert 'owner = "DCI Brown"' in item(plan_dir, "PEEL22-02")


def test_undo_dry_run_shows_the_diff_and_commits_nothing(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-02", "due=2025-03-31", "--reason", "new rota", cwd=repo)[0] == 0
    before = count(repo)
    code, out, err = afi("undo", "--dry-run", cwd=repo)
    assert code == 0 and count(repo) == before
    assert "would undo [" in err and "PEEL22-02: due 2025-02-10 -> 2025-03-31" in err
    assert "-due = 2025-03-31\n+due = 2025-02-10\n" in out
    assert "-text = \"Due date moved from 2025-02-10 to 2025-03-31: new rota\"" in out


def test_undo_a_new_item_deletes_its_file(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("new", "--title", "T", "--area", "Responding to the public", "--inspection",
               "PEEL22", cwd=repo)[0] == 0
    assert (plan_dir / "afis" / "PEEL22-03.toml").exists()
    code, out, err = afi("undo", cwd=repo)
    assert code == 0, err
    assert not (plan_dir / "afis" / "PEEL22-03.toml").exists()
    assert "PEEL22-03: deleted" in log(repo)
    assert git(repo, "status", "--porcelain") == ""


def test_undo_refuses_over_a_hand_edit(afi, plan_dir):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "owner=Supt Jones", cwd=repo)[0] == 0
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace('group = "demand"', 'group = "calls"'))
    code, _, err = afi("undo", cwd=repo)
    assert code == 1 and "afi commit PEEL22-01" in err
    assert 'group = "calls"' in path.read_text()


def test_nothing_to_undo_in_a_fresh_plan(afi, plan_dir):
    code, out, err = afi("undo", cwd=plan_dir.parent)  # the first commit is git's, not afi's
    assert code == 1 and out == "" and "nothing to undo" in err
