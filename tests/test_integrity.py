"""The audit trail never lies and never loses an edit: writers that wait for each other,
messages computed from the commit, hand edits, crash recovery, caches that cannot go
stale. Every test runs on a real repository in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core.git.repo import GitRepo
from tui.core.plan import Plan
from tui.core.write import journal
from tui.core.write.audit import message_problems
from tui.core.write.lock import lock_paths, plan_lock

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def commit_count(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def audit(repo: Path, since: str) -> list[str]:
    found = GitRepo.find(repo)
    return [p.render() for p in message_problems(found, repo / "plan",
                                                 found.iter_log(revisions=[f"{since}..HEAD"]))]


def afi_process(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A real `afi` process (the concurrency tests need separate processes)."""
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


# -- one writer at a time -------------------------------------------------------------------
def test_concurrent_notes_on_one_item_all_land_once(plan_dir):
    repo = plan_dir.parent
    start = head(repo)
    procs = [subprocess.Popen([sys.executable, "-m", "tui", "note", "PEEL22-01", f"p{p} n{n}"],
                              cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for p in range(4) for n in range(3)]
    codes = [proc.wait() for proc in procs]
    assert codes == [0] * 12
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    for p in range(4):
        for n in range(3):
            assert text.count(f'text = "p{p} n{n}"') == 1
    assert commit_count(repo) == 1 + 12
    assert audit(repo, start) == []
    assert git(repo, "status", "--porcelain") == ""


def test_a_writer_waits_for_the_lock_then_names_the_holder(plan_dir):
    repo = plan_dir.parent
    git_dir = repo / ".git"
    with plan_lock(git_dir, "a long bulk change"):
        done = afi_process(repo, "set", "PEEL22-01", "owner=Waiting",
                           env={"AFI_LOCK_TIMEOUT": "0.3"})
    assert done.returncode == 1
    assert "another afi is writing to this plan" in done.stderr
    assert "a long bulk change" in done.stderr and f"pid {os.getpid()}" in done.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert afi_process(repo, "set", "PEEL22-01", "owner=Waiting").returncode == 0


def test_a_lock_left_by_a_killed_process_is_taken_over(plan_dir):
    repo = plan_dir.parent
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from tui.core.write.lock import plan_lock\n"
        "with plan_lock(Path(sys.argv[1]), 'doomed'):\n"
        "    print('held', flush=True); time.sleep(60)\n"), str(repo / ".git")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    assert lock_paths(repo / ".git")[0].exists()
    done = afi_process(repo, "set", "PEEL22-01", "owner=After", env={"AFI_LOCK_TIMEOUT": "2"})
    assert done.returncode == 0, done.stderr


def test_edits_are_replayed_on_what_the_file_holds_under_the_lock(plan_dir):
    """A writer that read the file before another committed keeps the other's work."""
    plan = Plan(plan_dir)
    change = plan.change("late writer").change
    change.add_update("PEEL22-01", "written second", by="B")  # read now, committed later
    assert subprocess.run([sys.executable, "-m", "tui", "note", "PEEL22-01", "written first"],
                          cwd=plan_dir.parent, capture_output=True).returncode == 0
    assert change.commit() is not None
    text = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert "written first" in text and "written second" in text
    assert git(plan_dir.parent, "show", "--stat", "--format=%s", "HEAD").startswith("late writer")


def test_the_ui_refuses_only_when_both_changed_the_same_field(plan_dir):
    path = plan_dir / "afis" / "PEEL22-01.toml"
    base = path.read_text()
    # Another writer changes the owner; our edit (pinned to what we showed) sets the due.
    assert subprocess.run([sys.executable, "-m", "tui", "set", "PEEL22-01", "owner=Other"],
                          cwd=plan_dir.parent, capture_output=True).returncode == 0
    plan = Plan(plan_dir)
    from tui.core.errors import ConflictError
    from tui.core.write.change import Change

    ours = Change(plan)
    ours.pending["peel22-01"] = _pinned(ours, path, base)
    ours.set("PEEL22-01", "due", "2025-06-30", reason="re-planned")
    assert ours.commit() is not None
    text = path.read_text()
    assert 'owner = "Other"' in text and "due = 2025-06-30" in text
    clash = Change(Plan(plan_dir))
    clash.pending["peel22-01"] = _pinned(clash, path, base)
    clash.set("PEEL22-01", "owner", "Mine")
    with pytest.raises(ConflictError, match="both changed owner"):
        clash.commit()
    assert 'owner = "Other"' in path.read_text()


def _pinned(change, path: Path, text: str):
    from tui.core.store.tomledit import ItemDocument
    from tui.core.write.pending import PendingItem

    return PendingItem(path.stem, path, text, ItemDocument(text), pinned=True)


# -- messages come from the commit ------------------------------------------------------------
def test_message_names_every_field_the_diff_changes(plan_dir, afi):
    repo = plan_dir.parent
    start = head(repo)
    assert afi("set", "PEEL22-01", "PEEL22-02", "status=complete", "tags+=fib", cwd=repo)[0] == 0
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("status -> complete, tag +fib on 2 items\n\n")
    assert "PEEL22-01: status in-progress -> complete, tag +fib\n" in message
    assert "PEEL22-02: status not-started -> complete, tag +fib\n" in message
    assert message.rstrip().endswith("AFI-Id: PEEL22-01\nAFI-Id: PEEL22-02")
    assert audit(repo, start) == []


def test_a_change_that_nets_to_nothing_commits_nothing(plan_dir, afi):
    repo = plan_dir.parent
    before = commit_count(repo)
    code, out, err = afi("set", "PEEL22-01", "status=in-progress", "owner=Supt Smith", cwd=repo)
    assert (code, out) == (0, "") and "nothing to change" in err
    assert commit_count(repo) == before


def test_user_message_is_verbatim_and_cannot_add_trailers(plan_dir, afi):
    repo = plan_dir.parent
    code, _, err = afi("set", "PEEL22-01", "owner=X", "-m", "x\n\nAFI-Id: HMIC07-R01", cwd=repo)
    assert code == 2 and "AFI-Id" in err
    code, out, _ = afi("set", "PEEL22-01", "owner=X", "-m", "# keep this hash line", cwd=repo)
    assert code == 0
    assert git(repo, "log", "-1", "--format=%s") == "# keep this hash line\n"
    assert out.startswith("[") and out.rstrip().endswith("# keep this hash line")


def test_printed_subject_is_what_git_recorded(plan_dir, afi):
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text('#!/bin/sh\nsed -i "1s/^/[FIB] /" "$1"\n')
    hook.chmod(0o755)
    code, out, _ = afi("set", "PEEL22-01", "owner=Hooked", cwd=repo)
    assert code == 0
    assert out.split("] ", 1)[1].strip() == "[FIB] PEEL22-01: owner Supt Smith -> Hooked"


def test_audit_catches_a_message_that_disagrees_with_its_diff(plan_dir):
    repo = plan_dir.parent
    start = head(repo)
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace("Supt Smith", "Supt Evil"))
    git(repo, "commit", "-qam", "PEEL22-02: status not-started -> complete\n\n"
                                "AFI-Id: PEEL22-02")
    problems = audit(repo, start)
    assert any("names items the commit does not change: PEEL22-02" in p for p in problems)
    assert any("owner Supt Smith -> Supt Evil" in p for p in problems)


def test_signal_after_git_committed_reports_the_truth(plan_dir, afi):
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\n[ "$1" = committed ] && kill -INT $PPID\nexit 0\n')
    hook.chmod(0o755)
    before = head(repo)
    code, out, err = afi("set", "PEEL22-01", "owner=Interrupted", cwd=repo)
    assert code == 0, err
    assert head(repo) != before
    assert 'owner = "Interrupted"' in git(repo, "show", "HEAD:plan/afis/PEEL22-01.toml")
    assert git(repo, "diff", "--cached", "--name-only") == ""  # index in step with HEAD
    assert git(repo, "status", "--porcelain") == ""


def test_git_refusing_with_an_empty_reason_restores_the_file(plan_dir, afi):
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    original = (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    code, _, err = afi("set", "PEEL22-01", "owner=Nope", cwd=repo)
    assert code == 1 and "git did not commit (exit 1) and said nothing" in err
    assert (plan_dir / "afis" / "PEEL22-01.toml").read_text() == original
    assert git(repo, "status", "--porcelain") == ""


# -- uncommitted hand edits -------------------------------------------------------------------
def test_hand_edit_is_never_folded_into_another_commit(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace("answer 999 calls faster",
                                             "answer 999 calls much faster"))
    before = commit_count(repo)
    code, _, err = afi("set", "PEEL22-01", "owner=Supt Brown", cwd=repo)
    assert code == 1
    assert "plan/afis/PEEL22-01.toml has edits that are not committed (title changed)" in err
    assert "afi commit PEEL22-01" in err
    assert commit_count(repo) == before and "much faster" in path.read_text()
    code, out, err = afi("commit", "PEEL22-01", cwd=repo)
    assert code == 0, err
    assert git(repo, "log", "-1", "--format=%B").startswith(
        "PEEL22-01: title changed\n\nAFI-Id: PEEL22-01")
    assert afi("set", "PEEL22-01", "owner=Supt Brown", cwd=repo)[0] == 0


def test_afi_commit_validates_and_commits_new_and_deleted_files(plan_dir, afi):
    repo = plan_dir.parent
    (plan_dir / "afis" / "PEEL22-02.toml").unlink()
    bad = plan_dir / "afis" / "PEEL22-07.toml"
    bad.write_text('id = "PEEL22-07"\nkind = "afi"\ninspection = "PEEL22"\n'
                   'area = "Responding to the public"\n'
                   'title = "New"\nstatus = "finished"\n')
    code, _, err = afi("commit", cwd=repo)
    assert code == 1 and "PEEL22-07.toml:6: unknown status 'finished'" in err
    assert git(repo, "status", "--porcelain").count("\n") == 2  # nothing committed
    bad.write_text(bad.read_text().replace("finished", "not-started"))
    code, out, err = afi("commit", "-m", "Tidy the plan", cwd=repo)
    assert code == 0, err
    message = git(repo, "log", "-1", "--format=%B")
    assert "PEEL22-02: deleted" in message and "PEEL22-07: new afi" in message
    assert "AFI-Id: PEEL22-02\nAFI-Id: PEEL22-07" in message
    assert git(repo, "status", "--porcelain") == ""
    assert afi("commit", cwd=repo)[2].startswith("nothing to commit")


def test_new_item_needing_an_uncommitted_plan_edit_is_refused(plan_dir, afi):
    repo = plan_dir.parent
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text() + '\n[[inspections]]\nid = "NEW24"\n')
    code, _, err = afi("new", "--inspection", "NEW24", "--area", "A", "--title", "T", cwd=repo)
    assert code == 1 and "commit plan.toml first" in err
    assert not (plan_dir / "afis" / "NEW24-01.toml").exists()
    assert afi("commit", "plan", cwd=repo)[0] == 0
    assert git(repo, "log", "-1", "--format=%s").strip() == "plan.toml: inspections changed"
    assert afi("new", "--inspection", "NEW24", "--area", "A", "--title", "T", cwd=repo)[0] == 0
    # The fresh clone passes afi check.
    clone = repo.parent / "clone"
    git(repo.parent, "clone", "-q", str(repo), str(clone))
    assert afi("check", cwd=clone)[0] == 0


def test_plan_edit_that_breaks_items_is_refused(plan_dir, afi):
    plan_file = plan_dir / "plan.toml"
    plan_file.write_text(plan_file.read_text().replace('id = "HMIC07"', 'id = "HMIC08"'))
    code, _, err = afi("commit", cwd=plan_dir.parent)
    assert code == 1 and "HMIC07-R01.toml" in err and "unknown inspection 'HMIC07'" in err


# -- crash recovery ----------------------------------------------------------------------------
def _crash(repo: Path, writes: dict[str, str], written: list[str], message: str) -> None:
    """The state a writer killed after journalling leaves: the journal, the files it had
    replaced, and a temp file for the one it was writing."""
    entries = []
    for rel, new in writes.items():
        path = repo / rel
        original = path.read_text() if path.exists() else None
        entries.append(journal.JournalFile(rel, original, journal.digest(new.encode())))
    journal.write(repo / ".git", journal.Journal(head(repo), message, tuple(entries), 99999))
    for rel, new in writes.items():
        path = repo / rel
        if rel in written:
            path.write_text(new)
        else:
            journal.temp_name(path).write_text(new[:10])


def test_recovery_undoes_a_half_written_change(plan_dir, afi):
    repo = plan_dir.parent
    one, two = "plan/afis/PEEL22-01.toml", "plan/afis/PEEL22-02.toml"
    new_one = (repo / one).read_text().replace("Supt Smith", "Crash")
    new_two = (repo / two).read_text().replace("DCI Jones", "Crash")
    _crash(repo, {one: new_one, two: new_two}, [one], "owner -> Crash on 2 items\n")
    code, out, err = afi("list", cwd=repo)
    assert code == 0 and "Crash" not in out
    assert "undid an interrupted change (owner -> Crash on 2 items): 1 file(s) put back" in err
    assert git(repo, "status", "--porcelain") == ""
    assert not list(plan_dir.rglob("*.afi-tmp")) and not journal.exists(repo / ".git")


def test_recovery_finishes_a_change_whose_files_were_all_written(plan_dir, afi):
    repo = plan_dir.parent
    one = "plan/afis/PEEL22-01.toml"
    new_one = (repo / one).read_text().replace("Supt Smith", "Finished")
    message = "PEEL22-01: owner Supt Smith -> Finished\n\nAFI-Id: PEEL22-01\n"
    _crash(repo, {one: new_one}, [one], message)
    code, out, err = afi("show", "PEEL22-01", cwd=repo)
    assert code == 0 and "finished an interrupted change" in err
    assert git(repo, "log", "-1", "--format=%B") == message + "\n"
    assert git(repo, "status", "--porcelain") == ""


def test_recovery_after_git_committed_only_clears_the_journal(plan_dir, afi):
    repo = plan_dir.parent
    one = "plan/afis/PEEL22-01.toml"
    new_one = (repo / one).read_text().replace("Supt Smith", "Done")
    _crash(repo, {one: new_one}, [one], "x\n")
    git(repo, "commit", "-qam", "committed by the git the dead afi started")
    before = commit_count(repo)
    code, _, err = afi("list", cwd=repo)
    assert code == 0 and "had been committed as" in err
    assert commit_count(repo) == before and not journal.exists(repo / ".git")


def test_recovery_leaves_a_file_someone_changed_since(plan_dir, afi):
    repo = plan_dir.parent
    one = "plan/afis/PEEL22-01.toml"
    _crash(repo, {one: (repo / one).read_text().replace("Supt Smith", "Ours")}, [], "x\n")
    (repo / one).write_text((repo / one).read_text().replace("Supt Smith", "Theirs"))
    code, _, err = afi("list", cwd=repo)
    assert "left as they are (changed since): plan/afis/PEEL22-01.toml" in err
    assert "Theirs" in (repo / one).read_text()


def test_kill_9_during_a_bulk_change_leaves_nothing_half_done(plan_dir, afi):
    repo = plan_dir.parent
    for n in range(10, 70):
        (plan_dir / "afis" / f"PEEL22-{n}.toml").write_text(
            f'id = "PEEL22-{n}"\nkind = "afi"\ninspection = "PEEL22"\n'
            f'area = "Responding to the public"\n'
            f'title = "Item {n}"\nstatus = "not-started"\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "more items")
    for delay in (0.15, 0.3, 0.45):
        proc = subprocess.Popen([sys.executable, "-m", "tui", "set", "--where", "PEEL22",
                                 f"owner=killed {delay}"], cwd=repo,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        afi("list", cwd=repo)
        assert git(repo, "status", "--porcelain") == ""
        assert not list(plan_dir.rglob("*.afi-tmp"))


# -- caches ----------------------------------------------------------------------------------
def age_past_the_racy_window() -> None:
    """Files changed in the last two seconds are never cached (item_cache.RACY_NS): a
    test of what the cache may trust needs files older than that, ctime included."""
    time.sleep(2.1)


def test_an_edit_that_restores_size_and_mtime_is_still_seen(plan_dir, afi):
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    old = time.time_ns() - 10_000_000_000
    os.utime(path, ns=(old, old))
    age_past_the_racy_window()
    assert "Supt Smith" in afi("list", cwd=repo)[1]  # cached now
    assert list((repo / ".git" / "afi").glob("items-*/*.pickle"))
    text = path.read_text().replace("Supt Smith", "Supt Smyth")  # same size
    path.write_text(text)
    os.utime(path, ns=(old, old))
    assert "Supt Smyth" in afi("list", cwd=repo)[1]


def test_cache_version_follows_the_cached_fields():
    from tui.core.model.items import INDEX_KEYS
    from tui.core.store import item_cache

    assert item_cache.cache_version(("id", "title")) != \
        item_cache.cache_version(("id", "title", "x"))
    assert item_cache.cache_version(INDEX_KEYS) == item_cache.VERSION


def test_cache_version_follows_edits_to_the_modules_that_decide_the_cache(tmp_path):
    """Every module named as deciding what is cached exists, so its stamp is in VERSION:
    an afi whose validation or item model changed never trusts an older afi's cache."""
    from pathlib import Path

    from tui.core.store import item_cache

    core = Path(item_cache.__file__).parent.parent
    missing = [name for name in item_cache._DECIDING_MODULES if not (core / name).is_file()]
    assert missing == []
    assert "None, None" not in item_cache.VERSION


def test_the_cache_keeps_each_items_listing_as_a_named_record(plan_dir, afi):
    """A cached item is an entry (its file's stamp, its listing, its problems) whose
    Listing names the index values, the id's sort key and the lower-cased id."""
    import pickle

    from tui.core.model.items import INDEX_KEYS, Listing
    from tui.core.store.item_cache import stamp_of

    repo = plan_dir.parent
    age_past_the_racy_window()
    assert afi("list", cwd=repo)[0] == 0
    entries = {}
    for shard in (repo / ".git" / "afi").glob("items-*/[0-9][0-9].pickle"):
        entries.update(pickle.loads(shard.read_bytes())["entries"])
    stamp, listing, problems = entries["PEEL22-01.toml"]
    assert isinstance(listing, Listing)
    assert stamp == stamp_of(os.stat(plan_dir / "afis" / "PEEL22-01.toml"))
    assert problems == ()
    assert listing.lower_id == "peel22-01"
    assert listing.values[INDEX_KEYS.index("id")] == "PEEL22-01"


def test_a_cache_from_another_version_is_ignored(plan_dir, afi):
    import pickle

    from tui.core.model.items import INDEX_KEYS

    repo = plan_dir.parent
    assert afi("list", cwd=repo)[0] == 0
    shards = list((repo / ".git" / "afi").glob("items-*/[0-9][0-9].pickle"))
    assert shards
    title_at = INDEX_KEYS.index("title")
    for shard in shards:
        stored = pickle.loads(shard.read_bytes())
        stored["version"] = "older"
        for name, entry in stored["entries"].items():
            if entry[1]:
                values = list(entry[1][0])
                values[title_at] = "STALE"
                entry = (entry[0], (tuple(values), *entry[1][1:]), entry[2])
            stored["entries"][name] = entry
        shard.write_bytes(pickle.dumps(stored))
    assert "STALE" not in afi("list", cwd=repo)[1]


def test_an_item_whose_cached_detail_is_lost_or_stale_is_read_from_its_file(plan_dir, afi):
    """The listing and the detail of a shard are separate files: a detail that is missing,
    or was written for another version of the file, is never used."""
    import json
    import pickle

    repo = plan_dir.parent
    assert afi("list", cwd=repo)[0] == 0
    details = list((repo / ".git" / "afi").glob("items-*/*.detail.pickle"))
    assert details
    for shard in details:
        stored = pickle.loads(shard.read_bytes())
        for name, (stamp, _, blob) in list(stored["details"].items()):
            wrong = pickle.loads(blob)
            wrong["detail"] = "STALE DETAIL"
            stored["details"][name] = (stamp[:1] + (stamp[1] + 1,) + stamp[2:], "stale words",
                                       pickle.dumps(wrong))
        shard.write_bytes(pickle.dumps(stored))
    code, out, _ = afi("list", "--format", "json", cwd=repo)
    assert code == 0 and "STALE" not in out
    assert "PEEL22" not in afi("list", "stale", cwd=repo)[1]
    assert "PEEL22-01" in afi("list", "shift", cwd=repo)[1]
    shown = afi("show", "PEEL22-01", cwd=repo)[1]
    assert "STALE" not in shown and "Review shift pattern" in shown
    for shard in details:
        shard.unlink()
    code, out, _ = afi("list", "--format", "json", cwd=repo)
    assert code == 0 and json.loads(out) and "STALE" not in out
    assert "PEEL22-01" in afi("list", "shift", cwd=repo)[1]
    assert "Review shift pattern" in afi("show", "PEEL22-01", cwd=repo)[1]


def test_plan_toml_dropping_an_area_or_a_board_is_not_answered_from_the_cache(plan_dir, afi):
    """Validation reads plan.toml's areas and boards, not only its statuses and
    inspections: entries cached under the old settings are validated again."""
    repo = plan_dir.parent
    age_past_the_racy_window()
    assert afi("check", cwd=repo)[0] == 0  # cached: PEEL22-01's area is listed
    plan_file = plan_dir / "plan.toml"
    text = plan_file.read_text()
    plan_file.write_text(text.replace('name = "Responding to the public"',
                                      'name = "Investigating crime"'))
    code, out, _ = afi("check", cwd=repo)
    assert code == 1 and "area 'Responding to the public' is not one of the areas" in out
    assert "PEEL22-01" not in afi("list", cwd=repo)[1]
