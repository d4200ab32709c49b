"""The history index answers `afi log ID` exactly as `git log -- FILE` would, however the
history moved: afi commits, plain git commits, merges, amends, a torn index file."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tui.core.git import history_index
from tui.core.git.history import item_history
from tui.core.git.history_index import HistoryIndex
from tui.core.git.repo import GitRepo

from .conftest import git

ITEM = "plan/afis/PEEL22-01.toml"


def git_log(repo: Path, path: str = ITEM) -> list[str]:
    return git(repo, "log", "--format=%H", "--", path).split()


def history_shas(repo: Path, path: str = ITEM) -> list[str]:
    return [e.commit.sha for e in item_history(GitRepo.find(repo), repo / path)]


def index_files(repo: Path) -> list[Path]:
    return sorted((repo / ".git" / "afi").glob("history-*/meta.pickle"))


def edit(repo: Path, old: str, new: str, message: str, path: str = ITEM) -> None:
    file = repo / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    git(repo, "commit", "-q", "-am", message)


def test_first_use_builds_the_index_and_agrees_with_git(plan_dir, afi):
    repo = plan_dir.parent
    assert afi("set", "PEEL22-01", "owner=Supt Brown", cwd=repo)[0] == 0
    assert not index_files(repo)
    assert history_shas(repo) == git_log(repo)
    assert len(index_files(repo)) == 1
    index = HistoryIndex(GitRepo.find(repo), plan_dir)
    assert index.commits_for(plan_dir / "afis" / "PEEL22-01.toml") == (git_log(repo), [ITEM])
    assert index.commits_for(plan_dir / "afis" / "NEVER-01.toml") == \
        ([], ["plan/afis/NEVER-01.toml"])


def test_commits_made_outside_afi_are_picked_up(plan_dir):
    repo = plan_dir.parent
    assert len(history_shas(repo)) == 1  # builds the index at the first commit
    edit(repo, "Supt Smith", "Supt Green", "Hand-edited in vim")
    edit(repo, "DCI Jones", "DCI Black", "Other item", path="plan/afis/PEEL22-02.toml")
    shas = history_shas(repo)
    assert shas == git_log(repo) and len(shas) == 2
    assert history_shas(repo, "plan/afis/PEEL22-02.toml") == \
        git_log(repo, "plan/afis/PEEL22-02.toml")


def test_rewritten_history_is_rebuilt_not_trusted(plan_dir):
    repo = plan_dir.parent
    edit(repo, "Supt Smith", "Supt Green", "A mistake")
    mistaken = git(repo, "rev-parse", "HEAD").strip()
    assert mistaken in history_shas(repo)
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    edit(repo, "Supt Smith", "Supt White", "The right owner")
    git(repo, "commit", "-q", "--amend", "-m", "The right owner, reworded")
    shas = history_shas(repo)
    assert mistaken not in shas
    assert shas == git_log(repo)


def test_a_merge_that_resolved_a_conflict_is_listed_with_its_fields(plan_dir):
    repo = plan_dir.parent
    history_shas(repo)  # the index exists before the branches diverge
    git(repo, "switch", "-q", "-c", "other")
    edit(repo, 'status = "in-progress"', 'status = "complete"', "Other side")
    git(repo, "switch", "-q", "main")
    edit(repo, 'status = "in-progress"', 'status = "not-started"', "This side")
    git(repo, "merge", "-q", "other", check=False)  # conflicts: resolved by hand below
    file = repo / ITEM
    text = file.read_text(encoding="utf-8")
    assert "<<<<<<<" in text
    resolved = re.sub(r"<<<<<<<.*?>>>>>>> other\n", 'status = "closed"\n', text, flags=re.S)
    file.write_text(resolved, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Merge other: closed at the board")
    merge = git(repo, "rev-parse", "HEAD").strip()
    entries = item_history(GitRepo.find(repo), file)
    assert [e.commit.sha for e in entries] == git_log(repo)
    assert entries[0].commit.sha == merge
    assert entries[0].changes[0].fields == ("status",)


def test_a_torn_index_file_is_rebuilt(plan_dir):
    repo = plan_dir.parent
    history_shas(repo)
    [stored] = index_files(repo)
    stored.write_bytes(b"\x80\x05 not a pickle")
    edit(repo, "Supt Smith", "Supt Green", "After the tear")
    assert history_shas(repo) == git_log(repo)


def test_without_cache_git_answers_alone(plan_dir, monkeypatch):
    monkeypatch.setenv("AFI_NO_CACHE", "1")
    repo = plan_dir.parent
    assert history_shas(repo) == git_log(repo)
    assert not index_files(repo)


def test_a_slow_rebuild_goes_to_the_background_and_git_answers_meanwhile(plan_dir,
                                                                       monkeypatch):
    monkeypatch.setattr(history_index, "FOREGROUND_COST", 0)
    repo = plan_dir.parent
    edit(repo, "Supt Smith", "Supt Green", "Second")
    assert history_shas(repo) == git_log(repo)  # from git's own walk
    index = HistoryIndex(GitRepo.find(repo), plan_dir)
    deadline = time.monotonic() + 20
    while index.lock.exists() or not index_files(repo):
        if time.monotonic() > deadline:
            pytest.fail("the background build never finished")
        time.sleep(0.05)
    assert index.commits_for(repo / ITEM) == (git_log(repo), [ITEM])


def test_empty_repository_has_no_history(repo):
    path = repo / "plan" / "afis" / "PEEL22-01.toml"
    path.parent.mkdir(parents=True)
    path.write_text('id = "PEEL22-01"\n', encoding="utf-8")
    assert item_history(GitRepo.find(repo), path) == []


def test_a_missing_record_shard_falls_back_to_git_and_rebuilds(plan_dir):
    repo = plan_dir.parent
    edit(repo, "Supt Smith", "Supt Green", "Second")
    assert history_shas(repo) == git_log(repo)  # builds the index
    for shard in (repo / ".git" / "afi").glob("history-*/[0-9a-f][0-9a-f].pickle"):
        shard.unlink()
    assert history_shas(repo) == git_log(repo)  # git answers; the index is dropped
    assert history_shas(repo) == git_log(repo)  # and rebuilt
    assert len(list((repo / ".git" / "afi").glob("history-*/[0-9a-f][0-9a-f].pickle"))) >= 1


def test_the_index_keeps_tracked_values_updates_and_evidence(plan_dir, afi):
    repo = plan_dir.parent
    assert afi("note", "PEEL22-01", "Reviewed at FIB", cwd=repo)[0] == 0
    assert afi("set", "PEEL22-01", "status=complete", "due=2025-03-31", "--reason",
               "new system", cwd=repo)[0] == 0
    index = HistoryIndex(GitRepo.find(repo), plan_dir)
    changes = index.changes_for(repo / ITEM)
    newest = changes[0][1]
    assert ("status", "in-progress", "complete") in newest.values
    assert ("due", __import__("datetime").date(2024, 12, 31),
            __import__("datetime").date(2025, 3, 31)) in newest.values
    assert newest.updates[0][2] == "Due date moved from 2024-12-31 to 2025-03-31: new system"
    assert newest.status == "complete"
    assert changes[1][1].updates[0][1:] == ("Test Lead", "Reviewed at FIB")
    assert changes[-1][1].fields == ("created",)


def test_commits_a_crash_left_in_a_path_shard_are_never_shown(plan_dir):
    """Path shards are written before meta.pickle names the new HEAD: after a crash in
    between, a shard may list commits the index does not hold; they are ignored, and the
    next catch-up lists each commit once."""
    import pickle
    import zlib

    repo = plan_dir.parent
    assert history_shas(repo) == git_log(repo)
    shard = zlib.crc32(ITEM.encode()) % history_index.PATH_SHARDS
    stored_file = index_files(repo)[0].parent / f"paths-{shard:02d}.pickle"
    stored = pickle.loads(stored_file.read_bytes())
    stored["paths"][ITEM] = ["f" * 40, *stored["paths"][ITEM]]
    stored_file.write_bytes(pickle.dumps(stored))
    assert history_shas(repo) == git_log(repo)
    edit(repo, "Supt Smith", "Supt Green", "Hand-edited in vim")
    first = git_log(repo)[0]
    stored = pickle.loads(stored_file.read_bytes())
    stored["paths"][ITEM] = [first, *stored["paths"][ITEM]]  # as if written before a crash
    stored_file.write_bytes(pickle.dumps(stored))
    shas = history_shas(repo)
    assert shas == git_log(repo) and len(shas) == len(set(shas)) == 2
