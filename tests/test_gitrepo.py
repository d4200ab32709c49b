"""The git layer on real repositories: only touched paths, refusals, hooks, history."""

from __future__ import annotations

import json

import pytest

from tui.core.errors import GitError, InvalidValue
from tui.core.git.history import changed_fields, item_history, plan_history, since_commit
from tui.core.git.repo import GitRepo
from tui.core.write.commit import FileWrite, commit_files

from .conftest import git


def commit_file(repo, name: str, text: str, message: str = "add") -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo_with_file(repo):
    commit_file(repo, "a.toml", 'id = "a"\n')
    return repo


def test_commit_holds_only_the_given_paths(repo_with_file):
    repo = repo_with_file
    original = (repo / "a.toml").read_text()
    (repo / "staged.txt").write_text("user's own work\n")
    git(repo, "add", "staged.txt")
    commit = commit_files(GitRepo.find(repo), [
        FileWrite(repo / "a.toml", original, 'id = "a"\nstatus = "x"\n'),
        FileWrite(repo / "new.toml", None, 'id = "new"\n')], "msg\n")
    assert commit.sha == git(repo, "rev-parse", "HEAD").strip()
    assert commit.subject == "msg"
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == \
        ["a.toml", "new.toml"]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["staged.txt"]


def test_creating_a_file_deleted_by_hand_but_still_in_head_is_refused(repo_with_file):
    """Written back, the file would be no change, or a change, under a message saying it
    was created (an import once reported failure here, then staged the deletion of every
    file while HEAD held its commit)."""
    from tui.core.errors import AfiError

    repo = repo_with_file
    text = (repo / "a.toml").read_text()
    (repo / "a.toml").unlink()
    before = git(repo, "rev-parse", "HEAD")
    with pytest.raises(AfiError, match="a.toml: deleted from the folder but still in git"):
        commit_files(GitRepo.find(repo), [
            FileWrite(repo / "a.toml", None, text, in_head=False),
            FileWrite(repo / "new.toml", None, 'id = "new"\n', in_head=False)], "msg\n")
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "status", "--porcelain") == " D a.toml\n"
    assert not (repo / "new.toml").exists() and not (repo / "a.toml").exists()


def test_a_commit_is_recognised_by_content_even_for_files_it_did_not_change(
        repo_with_file):
    """committed_since: a written file that already held its content is not in the
    commit's diff; it is checked against the commit before, not taken on trust."""
    from tui.core.git.repo import GitRepo as Repo

    repo = repo_with_file
    head = git(repo, "rev-parse", "HEAD").strip()
    commit_file(repo, "b.toml", "x = 1\n")
    found = Repo.find(repo).committed_since(head, {"b.toml": b"x = 1\n",
                                                   "a.toml": b'id = "changed"\n'})
    assert found is None
    assert Repo.find(repo).committed_since(head, {"b.toml": b"x = 1\n",
                                                  "a.toml": b'id = "a"\n'}) is not None


def test_glob_characters_are_literal(repo):
    commit_file(repo, "it1.toml", "x = 1\n")
    commit_file(repo, "it[1].toml", "x = 1\n")
    (repo / "it1.toml").write_text("x = 2\n")
    (repo / "it[1].toml").write_text("x = 2\n")
    GitRepo.find(repo).commit([repo / "it[1].toml"], "one file\n")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["it[1].toml"]
    assert git(repo, "status", "--porcelain").strip() == "M it1.toml"


def test_hooks_run_and_a_failing_hook_leaves_nothing_staged(repo_with_file):
    repo = repo_with_file
    hooks = repo / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\ntouch hook-ran\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    before = git(repo, "rev-parse", "HEAD")
    with pytest.raises(GitError, match="git did not commit"):
        commit_files(GitRepo.find(repo), [FileWrite(repo / "new.toml", None, "x = 1\n")],
                     "msg\n")
    assert (repo / "hook-ran").exists()
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert not (repo / "new.toml").exists()  # afi wrote it, so afi took it back


def test_no_identity_is_refused(repo_with_file):
    repo = repo_with_file
    git(repo, "config", "--unset", "user.email")
    with pytest.raises(GitError, match='git config --global user.email'):
        GitRepo.find(repo).check_ready()


def test_identity_from_environment(repo_with_file, monkeypatch):
    git(repo_with_file, "config", "--unset", "user.name")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Lead")
    assert GitRepo.find(repo_with_file).user_name() == "Env Lead"


@pytest.mark.parametrize(("marker", "what"), [
    ("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase"), ("CHERRY_PICK_HEAD",
                                                              "a cherry-pick"),
    ("REVERT_HEAD", "a revert"), ("BISECT_LOG", "a bisect"),
])
def test_operations_in_progress_are_refused(repo_with_file, marker, what):
    target = repo_with_file / ".git" / marker
    if marker.startswith("rebase"):
        target.mkdir()
    else:
        target.write_text("0" * 40 + "\n")
    with pytest.raises(GitError, match=f"{what} is in progress"):
        GitRepo.find(repo_with_file).check_ready()


def test_real_merge_conflict_is_refused(repo_with_file):
    repo = repo_with_file
    git(repo, "checkout", "-q", "-b", "other")
    commit_file(repo, "a.toml", 'id = "other"\n', "other side")
    git(repo, "checkout", "-q", "main")
    commit_file(repo, "a.toml", 'id = "main"\n', "main side")
    git(repo, "merge", "other", check=False)
    with pytest.raises(GitError, match="a merge is in progress"):
        GitRepo.find(repo).check_ready()


def test_locked_index_is_refused_and_lock_kept(repo_with_file):
    lock = repo_with_file / ".git" / "index.lock"
    lock.write_text("")
    with pytest.raises(GitError, match="index.lock exists"):
        GitRepo.find(repo_with_file).check_ready()
    assert lock.exists()


def test_detached_head_warns_but_commits(repo_with_file):
    repo = repo_with_file
    git(repo, "checkout", "-q", "--detach")
    found = GitRepo.find(repo)
    assert any("detached" in w for w in found.check_ready())
    (repo / "a.toml").write_text('id = "b"\n')
    assert found.commit([repo / "a.toml"], "detached\n")


def test_not_a_repository(tmp_path):
    with pytest.raises(GitError, match="afi init"):
        GitRepo.find(tmp_path)


def test_log_trailers_since_and_blobs(repo_with_file):
    repo = repo_with_file
    commit_file(repo, "a.toml", 'id = "a"\nstatus = "done"\n', "a: status\n\nAFI-Id: a")
    found = GitRepo.find(repo)
    commits = found.log([repo / "a.toml"])
    assert [c.subject for c in commits] == ["a: status", "add"]
    assert commits[0].afi_ids == ["a"]
    change = commits[0].files[0]
    blobs = found.read_blobs([change.old_blob, change.new_blob])
    assert blobs[change.new_blob] == b'id = "a"\nstatus = "done"\n'
    assert [c.subject for c in found.log([repo / "a.toml"], after=commits[1].sha)] == \
        ["a: status"]
    assert len(found.log([repo / "a.toml"], after=since_commit(found, "2000-01-01"))) == 2
    with pytest.raises(InvalidValue, match="is not a date .YYYY-MM-DD., a board"):
        since_commit(found, "not-a-rev")


def test_changed_fields():
    assert changed_fields(None, {"a": 1}) == ("created",)
    assert changed_fields({"a": 1}, None) == ("deleted",)
    assert changed_fields({"a": 1, "b": [1], "c": 3}, {"a": 1, "b": [1, 2], "d": 4}) == \
        ("b", "d", "c")


def test_history_of_an_item_and_the_plan(plan_dir, afi):
    repo = plan_dir.parent
    afi("set", "PEEL22-01", "status=complete", cwd=repo)
    afi("note", "PEEL22-02", "Started", cwd=repo)
    found = GitRepo.find(repo)
    history = item_history(found, plan_dir / "afis" / "PEEL22-01.toml")
    assert [e.changes[0].fields for e in history] == [("status",), ("created",)]
    whole = list(plan_history(found, plan_dir))
    assert [[c.item_id for c in e.changes] for e in whole][:2] == [["PEEL22-02"],
                                                                   ["PEEL22-01"]]
    assert {c.item_id for c in whole[-1].changes} == {"plan", "PEEL22-01", "PEEL22-02",
                                                      "HMIC07-R01"}


def test_plan_history_streams_in_batches_and_stops_cleanly(plan_dir, afi, monkeypatch):
    from tui.core.git import history

    monkeypatch.setattr(history, "HISTORY_BATCH", 2)
    repo = plan_dir.parent
    for n in range(5):
        assert afi("set", "PEEL22-01", f"owner=Supt {n}", cwd=repo)[0] == 0
    code, out, err = afi("log", "--format", "json", cwd=repo)
    assert code == 0, err
    assert [e["commit"] for e in json.loads(out)] == git(repo, "log", "--format=%H").split()
    assert [e["items"][0]["fields"] for e in json.loads(out)][:5] == [["owner"]] * 5
    entries = plan_history(GitRepo.find(repo), plan_dir)
    assert next(entries).commit.subject == "PEEL22-01: owner Supt 3 -> Supt 4"
    entries.close()  # a reader that stops early (`afi log | head`) ends git quietly


def test_log_of_a_repository_without_commits(repo):
    found = GitRepo.find(repo)
    assert found.log() == []
    assert list(plan_history(found, repo / "plan")) == []
    with pytest.raises(InvalidValue, match="is not a date .YYYY-MM-DD., a board"):
        since_commit(found, "no-such-rev")


def test_repository_identity_overrides_global(repo_with_file):
    git(repo_with_file, "config", "--global", "user.name", "Global Name")
    git(repo_with_file, "config", "--global", "user.email", "global@example.org")
    assert GitRepo.find(repo_with_file).user_name() == "Test Lead"  # the repo's own
    git(repo_with_file, "config", "author.name", "Author Override")
    assert GitRepo.find(repo_with_file).user_name() == "Author Override"
