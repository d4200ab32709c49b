"""The write transaction at its edges: a file changed by someone else while afi writes,
a git afi started still running when afi is killed, write errors at every step, a sync
killed in the middle, ids taken meanwhile. Every test runs on a real repository."""

from __future__ import annotations

import ast
import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core.errors import ChangedMeanwhile
from tui.core.plan import Plan
from tui.core.write import commit as commit_module
from tui.core.write import journal
from tui.core.write.change import Change
from tui.core.write.lock import plan_lock

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent
ITEM = ('id = "{id}"\nkind = "afi"\ninspection = "HMIC07"\narea = "A"\ntitle = "Bulk {id}"\n'
        'status = "in-progress"\n')


def head(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def bulk(plan_dir: Path, count: int) -> list[Path]:
    paths = []
    for n in range(1, count + 1):
        path = plan_dir / "afis" / f"BULK-{n:03d}.toml"
        path.write_text(ITEM.format(id=f"BULK-{n:03d}"), encoding="utf-8")
        paths.append(path)
    git(plan_dir.parent, "add", ".")
    git(plan_dir.parent, "commit", "-qm", "bulk items")
    return paths


def leftovers(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / "plan").rglob(".*")
                  if p.name.endswith((".afi-tmp", ".afi-old")))


def afi_process(repo: Path, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **options)


# -- one transaction for every writer ----------------------------------------------------
LOW_STEPS = {"commit_files", "plan_lock", "recover", "check_ready"}
ALLOWED = {"transaction.py", "commit.py", "write_lock.py", "gitrepo.py"}


def test_only_the_transaction_calls_the_low_level_write_steps():
    offenders = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        if path.name in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else \
                    getattr(func, "id", None)
                # `repo.commit(...)`: git commit run by hand
                if isinstance(func, ast.Attribute) and func.attr == "commit" and \
                        getattr(func.value, "id", "") == "repo":
                    offenders.append(f"{path.name}:{node.lineno} repo.commit")
            if name in LOW_STEPS:
                offenders.append(f"{path.name}:{node.lineno} {name}")
            if isinstance(node, ast.ImportFrom) and node.module in ("commit", "write_lock") \
                    and any(a.name in LOW_STEPS | {"_write_files"} for a in node.names):
                offenders.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert offenders == []


# -- a file changed by someone else while afi writes ---------------------------------------
def _edit_during(monkeypatch, target: Path, text: str, when: str) -> list[str]:
    """Change `target` as an editor would, at one moment of afi's write."""
    done: list[str] = []
    if when == "before-replace":
        real = commit_module._write_temp

        def write_temp(path, new, sync):
            real(path, new, sync)
            if not done:
                target.write_text(text, encoding="utf-8")  # open(path, 'w') + write
                done.append("edited")
        monkeypatch.setattr(commit_module, "_write_temp", write_temp)
    return done


@pytest.mark.parametrize("how", ["in-place", "rename"])
def test_an_editor_saving_during_a_bulk_edit_keeps_its_edit_and_nothing_is_committed(
        plan_dir, monkeypatch, how):
    repo = plan_dir.parent
    paths = bulk(plan_dir, 40)
    target = paths[17]
    edited = target.read_text().replace('title = "Bulk BULK-018"', 'title = "Hand edit"')
    real = commit_module._write_temp
    calls = []

    def write_temp(path, new, sync):
        real(path, new, sync)
        calls.append(path)
        if len(calls) == 5:  # afi has read every file; the editor saves now
            if how == "in-place":
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(edited)
            else:
                (target.parent / "tmp-save").write_text(edited, encoding="utf-8")
                os.replace(target.parent / "tmp-save", target)
    monkeypatch.setattr(commit_module, "_write_temp", write_temp)
    before = head(repo)
    plan = Plan(plan_dir)
    change = Change(plan)
    for path in paths:
        change.set(path.stem, "lead", "L1")
    with pytest.raises(ChangedMeanwhile) as caught:
        change.commit()
    assert str(target) in str(caught.value) and "running the command again is safe" in \
        str(caught.value)
    assert head(repo) == before
    assert target.read_text() == edited  # the hand edit is kept
    assert git(repo, "status", "--porcelain").strip() == f"M plan/afis/{target.name}"
    assert leftovers(repo) == [] and not journal.exists(repo / ".git")


def test_a_file_written_into_while_git_commits_takes_the_commit_back(plan_dir, afi):
    """A pre-commit hook plays the editor: git would commit the hand edit under afi's
    message; afi takes the commit back, keeps the edit, commits nothing."""
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nprintf 'id = \"PEEL22-01\"\\n# hand\\n' >> "
                    "plan/afis/PEEL22-02.toml\nexit 0\n")
    hook.chmod(0o755)
    before = head(repo)
    code, _, err = afi("set", "PEEL22-01", "PEEL22-02", "owner=Supt New", cwd=repo)
    assert code == 1 and "PEEL22-02.toml was changed by someone else" in err
    assert head(repo) == before
    assert "# hand" in (plan_dir / "afis" / "PEEL22-02.toml").read_text()
    assert 'owner = "Supt New"' not in (plan_dir / "afis" / "PEEL22-01.toml").read_text()
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_a_file_committed_as_it_is_must_still_be_as_read(plan_dir, afi, monkeypatch):
    """`afi commit` writes nothing back: the hand edit it checked must be what it commits."""
    repo = plan_dir.parent
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace('status = "in-progress"',
                                             'status = "complete"'))
    real = commit_module.journal.write

    def journal_write(git_dir, entry):
        real(git_dir, entry)
        path.write_text(path.read_text() + "# later\n")
    monkeypatch.setattr(commit_module.journal, "write", journal_write)
    before = head(repo)
    code, _, err = afi("commit", "PEEL22-01", cwd=repo)
    assert code == 1 and "PEEL22-01.toml was changed by someone else" in err
    assert head(repo) == before and path.read_text().endswith("# later\n")


# -- recovery never contradicts git -------------------------------------------------------
def test_kill_9_while_a_slow_hook_commits_is_never_undone(plan_dir):
    repo = plan_dir.parent
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nsleep 3\nexit 0\n")
    hook.chmod(0o755)
    before = head(repo)
    proc = afi_process(repo, "set", "PEEL22-01", "owner=Supt New")
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    listed = afi_process(repo, "list")
    _, err = listed.communicate()
    assert "undid" not in err
    setting = afi_process(repo, "set", "PEEL22-02", "owner=Someone")  # waits for git
    _, err = setting.communicate()
    assert setting.returncode == 0, err
    assert "undid" not in err
    log = git(repo, "log", "--format=%s", f"{before}..HEAD")
    assert "PEEL22-01: owner" in log and "PEEL22-02: owner" in log
    assert git(repo, "status", "--porcelain") == ""
    assert 'owner = "Supt New"' in (plan_dir / "afis" / "PEEL22-01.toml").read_text()


def test_a_journal_is_left_for_later_while_git_holds_the_index(plan_dir):
    repo = plan_dir.parent
    plan = Plan(plan_dir)
    gitrepo = plan.repo()
    path = plan_dir / "afis" / "PEEL22-01.toml"
    old = path.read_text()
    new = old.replace('status = "in-progress"', 'status = "complete"')
    journal.write(gitrepo.git_dir, journal.Journal(head(repo), "PEEL22-01: status\n", (
        journal.JournalFile("plan/afis/PEEL22-01.toml", old, journal.digest(new.encode())),),
        999999))
    path.write_text(new)
    (gitrepo.git_dir / "index.lock").write_text("")
    with plan_lock(gitrepo.git_dir):
        note = commit_module.recover(gitrepo)
    assert "left for the next afi command" in note
    assert path.read_text() == new and journal.exists(gitrepo.git_dir)


# -- a command that reports failure never commits later ------------------------------------
STEPS = ["journal", "temp", "fsync", "link", "replace", "commit"]


@pytest.mark.parametrize("step", STEPS)
def test_a_write_error_at_any_step_undoes_and_is_never_committed_later(plan_dir, afi,
                                                                        monkeypatch, step):
    repo = plan_dir.parent
    paths = bulk(plan_dir, 6)
    before = head(repo)
    texts = {p: p.read_text() for p in paths}
    calls = {"n": 0}

    def failing(real, after=2):
        def wrapped(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)
        return wrapped

    if step == "journal":
        monkeypatch.setattr(journal.os, "fsync", failing(os.fsync, 0))
    elif step == "temp":
        monkeypatch.setattr(commit_module, "_write_temp", failing(commit_module._write_temp))
    elif step == "fsync":
        monkeypatch.setattr(commit_module.os, "sync", failing(os.sync, 0))
    elif step == "link":
        monkeypatch.setattr(commit_module.os, "link", failing(os.link))
    elif step == "replace":
        monkeypatch.setattr(commit_module.os, "replace", failing(os.replace, 3))
    else:
        hook = repo / ".git" / "hooks" / "pre-commit"
        hook.write_text("#!/bin/sh\necho 'fatal: No space left on device' >&2\nexit 1\n")
        hook.chmod(0o755)
    code, _, err = afi("set", "--where", "inspection:HMIC07", "lead=L1", cwd=repo)
    monkeypatch.undo()
    assert code == 1, err
    if step in ("temp", "link"):  # the error names the file it was writing
        assert re.search(r"cannot write \S*/plan/afis/BULK-\d+\.toml", err), err
    assert head(repo) == before
    assert {p: p.read_text() for p in paths} == texts
    assert leftovers(repo) == [] and not journal.exists(repo / ".git")
    assert not (repo / ".git" / "afi" / "journal.tmp").exists()
    (repo / ".git" / "hooks" / "pre-commit").unlink(missing_ok=True)
    assert afi("list", cwd=repo)[0] == 0  # the next command: nothing to finish
    assert head(repo) == before and git(repo, "status", "--porcelain") == ""


def test_an_abandoned_journal_is_undone_never_committed(plan_dir):
    repo = plan_dir.parent
    gitrepo = Plan(plan_dir).repo()
    path = plan_dir / "afis" / "PEEL22-01.toml"
    old = path.read_text()
    new = old.replace('status = "in-progress"', 'status = "complete"')
    journal.write(gitrepo.git_dir, journal.Journal(head(repo), "PEEL22-01: status\n", (
        journal.JournalFile("plan/afis/PEEL22-01.toml", old, journal.digest(new.encode())),),
        999999))
    journal.abandon(gitrepo.git_dir)
    path.write_text(new)  # the undo itself failed (say, the disk was full)
    before = head(repo)
    Plan.open(plan_dir)
    assert head(repo) == before and path.read_text() == old
    assert not journal.exists(gitrepo.git_dir)


def _small_filesystem(tmp_path: Path) -> Path | None:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        return None
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    return mount if done.returncode == 0 else None


def test_a_full_disk_undoes_the_change_and_never_commits_it(tmp_path, afi):
    mount = _small_filesystem(tmp_path)
    if mount is None:
        pytest.skip("mounting a small tmpfs needs root and mount rights, which this machine "
                    "does not give; the injected-error tests above cover each step")
    try:
        repo = mount / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.name", "Test Lead")
        git(repo, "config", "user.email", "lead@example.org")
        (repo / "plan" / "afis").mkdir(parents=True)
        (repo / "plan" / "plan.toml").write_text('title = "Small"\n\n[[inspections]]\n'
                                                 'id = "HMIC07"\n')
        paths = bulk(repo / "plan", 60)
        before = head(repo)
        filler = mount / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # leave no room
            with pytest.raises(OSError):
                while True:
                    os.write(fd, b"x" * 4096)
        finally:
            os.close(fd)
        code, _, err = afi("set", "--where", "inspection:HMIC07",
                           f"title={'long title ' * 30}", cwd=repo)
        assert code == 1, err
        filler.unlink()
        assert head(repo) == before
        assert all('title = "Bulk' in p.read_text() for p in paths)
        assert afi("list", cwd=repo)[0] == 0
        assert head(repo) == before and git(repo, "status", "--porcelain") == ""
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# -- ids and the journal's temp file ------------------------------------------------------
def test_two_new_items_at_once_get_different_ids(plan_dir):
    first, second = Change(Plan(plan_dir)), Change(Plan(plan_dir))
    fields = {"kind": "afi", "inspection": "PEEL22", "area": "Responding to the public",
              "title": "New", "status": "not-started"}
    next_id = Plan(plan_dir).next_id("PEEL22")
    first.create(next_id, fields, numbered_in="PEEL22")
    second.create(next_id, fields, numbered_in="PEEL22")
    first.commit()
    second.commit()
    names = sorted(p.stem for p in (plan_dir / "afis").glob("PEEL22-*.toml"))
    assert names[-2:] == [next_id, f"PEEL22-{int(next_id[-2:]) + 1:02d}"]
    assert git(plan_dir.parent, "status", "--porcelain") == ""


def test_concurrent_afi_new_commands_both_succeed(plan_dir):
    repo = plan_dir.parent
    procs = [afi_process(repo, "new", "--inspection", "PEEL22", "--area",
                         "Responding to the public", "--title", f"Racer {n}")
             for n in range(3)]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], results
    titles = [p.read_text() for p in (plan_dir / "afis").glob("*.toml")]
    assert sum("Racer" in t for t in titles) == 3


def test_a_journal_write_that_dies_leaves_no_temp_file(plan_dir, monkeypatch):
    git_dir = plan_dir.parent / ".git"

    def no_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(journal.os, "fsync", no_fsync)
    with pytest.raises(OSError):
        journal.write(git_dir, journal.Journal("0" * 40, "m\n", ()))
    assert not (git_dir / "afi" / "journal.tmp").exists()
    assert not journal.exists(git_dir)


def test_failing_change_reports_one_line(plan_dir, afi, monkeypatch):
    real = os.replace

    def replace(source, target):
        if "afi-tmp" in str(source):
            raise OSError(errno.EROFS, "Read-only file system", str(target))
        return real(source, target)
    monkeypatch.setattr(commit_module.os, "replace", replace)
    code, _, err = afi("set", "PEEL22-01", "owner=X", cwd=plan_dir.parent)
    assert code == 1 and "Read-only file system" in err and "committed nothing" in err
    assert len(err.strip().splitlines()) == 1
    assert git(plan_dir.parent, "status", "--porcelain") == ""


# -- sync is a transaction too ------------------------------------------------------------
def _diverge(alice: Path, bob: Path, afi) -> None:
    """A commit on the remote (Alice's) and two local ones (Bob's), on other items."""
    afi("set", "PEEL22-01", "owner=Supt Alice", cwd=alice)
    assert afi("sync", cwd=alice)[0] == 0
    afi("set", "PEEL22-02", "owner=Supt Bob", cwd=bob)
    afi("note", "PEEL22-02", "Bob's note", cwd=bob)


def test_a_sync_killed_in_its_rebase_is_undone_by_the_next_command(team, afi):
    alice, bob = team
    afi("setup", cwd=bob)
    _diverge(alice, bob, afi)
    local = git(bob, "log", "--format=%s", "-2")
    before = head(bob)
    # git's reference-transaction hook kills afi's whole process group in the middle
    # of the rebase (the second ref update), as kill -9 of a terminal's job would.
    hook = bob / ".git" / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\n[ "$1" = committed ] || exit 0\nn=$(cat .git/n 2>/dev/null '
                    '|| echo 0); n=$((n+1)); echo $n > .git/n\n[ $n -ge 2 ] && kill -KILL 0\n'
                    'exit 0\n')
    hook.chmod(0o755)
    proc = afi_process(bob, "sync", start_new_session=True)
    proc.wait(timeout=60)
    hook.unlink()
    assert proc.returncode == -signal.SIGKILL
    assert (bob / ".git" / "rebase-merge").exists()  # afi's own rebase, half-done
    code, _, err = afi("list", cwd=bob)
    assert code == 0 and "interrupted `afi sync` was undone" in err
    assert not (bob / ".git" / "rebase-merge").exists()
    assert head(bob) == before and git(bob, "log", "--format=%s", "-2") == local
    assert git(bob, "status", "--porcelain") == ""
    assert not list(bob.glob(".merge_file_*")) and not (bob / ".git" / "index.lock").exists()
    code, _, err = afi("sync", cwd=bob)  # and the sync runs again
    assert code == 0, err
    assert git(bob, "log", "--format=%s", "-2") == local


def test_a_sync_killed_after_integrating_is_pushed_by_the_next_sync_which_says_so(team, afi):
    """Killed after its rebase, before its push: the next `afi sync` recovers it and
    pushes. Its first line used to tell the user to run `afi sync` to push, the very
    step the second line reported done; now the lines agree with each other and git."""
    from tui.core.write.sync_recovery import save_state

    alice, bob = team
    afi("setup", cwd=bob)
    _diverge(alice, bob, afi)
    before = head(bob)
    git(bob, "pull", "-q", "--rebase")  # what the killed sync had done
    save_state(bob / ".git", {"phase": "running", "head": before, "started": time.time(),
                              "plan": "plan", "mode": "rebase", "upstream": "origin/main"})
    ahead = git(bob, "rev-list", "--count", "origin/main..HEAD").strip()
    code, out, err = afi("sync", cwd=bob)
    assert code == 0, err
    assert "had integrated the other side, not yet pushed: `afi sync` pushes it" in err
    assert "run `afi sync`" not in err
    assert out.strip() == f"0 in, {ahead} out"
    git(bob, "fetch", "-q")
    assert head(bob, "origin/main") == head(bob)


def test_sync_refuses_to_push_a_plan_that_fails_check(team, afi):
    alice, _ = team
    path = alice / "plan" / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace('status = "in-progress"', 'status = "closed"'))
    git(alice, "commit", "-qam", "close without sign-off, by hand")
    remote = head(alice, "origin/main")
    code, _, err = afi("sync", cwd=alice)
    assert code == 1 and "not pushed: the plan fails `afi check`" in err
    assert "PEEL22-01.toml" in err
    git(alice, "fetch", "-q")
    assert head(alice, "origin/main") == remote


def test_sync_takes_the_lock_before_looking_for_uncommitted_edits(team):
    alice, _ = team
    git_dir = alice / ".git"
    temp = alice / "plan" / "afis" / ".PEEL22-01.toml.afi-tmp"
    with plan_lock(git_dir, "another writer"):
        temp.write_text("half written")  # another writer at work
        proc = afi_process(alice, "sync")
        time.sleep(1.0)
        temp.unlink()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "uncommitted" not in err


def test_m_text_survives_a_replay(team, afi):
    alice, bob = team
    afi("set", "PEEL22-02", "owner=Supt Alice", cwd=alice)
    afi("sync", cwd=alice)
    text = "Agreed at the board on 2 items"
    afi("set", "PEEL22-02", "owner=Supt Bob", "-m", text, cwd=bob)
    assert afi("sync", cwd=bob)[0] == 1
    assert afi("resolve", "PEEL22-02", "owner", "Supt Alice and Bob", cwd=bob)[0] == 0
    assert afi("sync", cwd=bob)[0] == 0
    message = git(bob, "log", "-1", "--format=%B")
    assert message.startswith(text + "\n\n")
    assert "PEEL22-02: owner Supt Alice -> Supt Alice and Bob" in message


def test_a_command_during_a_sync_waits_for_it(team):
    alice, _ = team
    git_dir = alice / ".git"
    from tui.core.write.sync_recovery import clear_state, running_state, save_state

    repo = Plan(alice / "plan").repo()
    with plan_lock(git_dir, "afi sync"):
        save_state(git_dir, running_state(repo, alice / "plan", mode="rebase",
                                          upstream="refs/remotes/origin/main"))
        (alice / "plan" / "afis" / "PEEL22-02.toml").rename(alice / "PEEL22-02.moved")
        proc = afi_process(alice, "set", "PEEL22-02", "owner=Waited")
        time.sleep(1.0)
        assert proc.poll() is None  # waiting, not failing with "no item"
        (alice / "PEEL22-02.moved").rename(alice / "plan" / "afis" / "PEEL22-02.toml")
        clear_state(git_dir)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert 'owner = "Waited"' in (alice / "plan" / "afis" / "PEEL22-02.toml").read_text()


def test_an_afi_run_by_a_hook_during_a_sync_does_not_wait_for_it(team, afi):
    alice, bob = team
    _diverge(alice, bob, afi)
    git(bob, "config", "pull.rebase", "false")
    hook = bob / ".git" / "hooks" / "pre-merge-commit"
    hook.write_text(f"#!/bin/sh\n{sys.executable} -m tui list > /dev/null || exit 1\n"
                    "exit 0\n")
    hook.chmod(0o755)
    done = subprocess.run([sys.executable, "-m", "tui", "sync"], cwd=bob,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (bob / ".git" / "MERGE_HEAD").exists() is False


def test_the_transaction_checks_the_whole_plan_when_plan_toml_changes(governed):
    """A board removed from plan.toml while an item is signed off at it: refused, with
    the item named, whoever the writer is."""
    from tui.core.errors import InvalidItem
    from tui.core.write.commit import FileWrite
    from tui.core.write.transaction import transaction

    repo = governed.parent
    plan_file = governed / "plan.toml"
    old = plan_file.read_text()
    new = old.replace('"Force Improvement Board", ', "")
    assert new != old
    before = head(repo)
    with pytest.raises(InvalidItem) as caught, transaction(Plan(governed).repo()) as txn:
        txn.commit([FileWrite(plan_file, old, new, in_head=True)], "plan.toml: boards\n")
    assert "HMIC07-R01.toml" in str(caught.value)
    assert "with the new plan.toml" in str(caught.value)
    assert head(repo) == before and plan_file.read_text() == old
