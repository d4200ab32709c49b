#!/usr/bin/env python3
"""Try to make afi lie or lose an edit: concurrent writers, kill -9, a signal after commit.

    .venv/bin/python scripts/torture.py                      # 8 writers x 25 edits, 10 kills
    .venv/bin/python scripts/torture.py --writers 3 --edits 6 --kills 2 --bulk 60

Everything happens in a scratch repository in a temporary folder (never in yours):

1. Writers: N processes x M edits at once, mixing `afi note` on one shared item, `afi set
   owner=` spread over three items, and Python `Plan.change` blocks (a note and a lead).
   Every edit carries a unique token, so each can be traced into git.
2. Kills: `afi set --where` over a bulk inspection, killed with SIGKILL at a random
   moment; then `afi list`, which must leave the tree equal to HEAD and no temp files.
3. A signal after commit: a reference-transaction hook interrupts git just after it
   moved HEAD; what afi reports must be what HEAD holds, with the index in step.
4. An editor saves one file (in place, or temp file and rename) during a bulk edit: the
   hand edit is never lost, and no commit's message disagrees with its diff.
5. kill -9 while a slow pre-commit hook runs: the next commands agree with git (no
   "undid" of a change HEAD holds; HEAD, index and tree consistent).
6. Write errors (ENOSPC) injected at each step of a bulk edit: never committed later.
7. `afi sync` killed (SIGKILL, SIGTERM, SIGINT to its process group) at random moments
   with local and remote commits: no rebase left in progress, no local commit lost.

It prints edits attempted / reported saved / present in HEAD / lost / lies, and exits 1
on any lie or loss (a saved edit missing from HEAD, a refused edit committed, a commit
message that disagrees with its diff, a dirty tree, a temp file left behind).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

try:
    from tui.core import Plan
    from tui.core.errors import AfiError
    from tui.core.git.repo import GitRepo
    from tui.core.write.audit import message_problems
except ModuleNotFoundError as missing:  # run with a Python that lacks afi
    sys.exit(f"torture.py: {missing}: run it with the Python afi is installed in, e.g. "
             ".venv/bin/python scripts/torture.py (see README, 'Development')")

ROOT = Path(__file__).resolve().parent.parent
SHARED = "T-01"  # the item every writer notes at once
SPREAD = ("T-01", "T-02", "T-03")  # owners set across these
PLAN = 'title = "Torture"\n\n[[inspections]]\nid = "T"\n\n[[inspections]]\nid = "BULK"\n'
ITEM = 'id = "{id}"\nkind = "afi"\ninspection = "{insp}"\narea = "A"\ntitle = "Item {id}"\n' \
       'status = "in-progress"\nowner = "nobody"\n'


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True).stdout


def afi_command() -> list[str]:
    return [sys.executable, "-m", "tui"]


def make_repo(folder: Path, bulk: int) -> Path:
    repo = folder / "repo"
    (repo / "plan" / "afis").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Torture")
    git(repo, "config", "user.email", "torture@example.org")
    (repo / "plan" / "plan.toml").write_text(PLAN)
    for item_id in SPREAD:
        (repo / "plan" / "afis" / f"{item_id}.toml").write_text(ITEM.format(id=item_id,
                                                                            insp="T"))
    for n in range(1, bulk + 1):
        item_id = f"BULK-{n:03d}"
        (repo / "plan" / "afis" / f"{item_id}.toml").write_text(ITEM.format(id=item_id,
                                                                            insp="BULK"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Torture plan")
    return repo


# -- 1. concurrent writers ----------------------------------------------------------------------
def worker(repo: Path, writer: int, edits: int, seed: int, out: Path) -> None:
    """One writer process: M edits, each recorded with its token and what afi said."""
    rng = random.Random(seed * 1000 + writer)
    env = {**os.environ, "AFI_PLAN": str(repo / "plan"), "AFI_LOCK_TIMEOUT": "60"}
    with open(out, "w", encoding="utf-8") as log:
        for n in range(edits):
            token = f"w{writer}e{n}"
            kind = rng.choice(("note", "set", "api"))
            item = SHARED if kind == "note" else rng.choice(SPREAD)
            if kind == "api":
                try:
                    plan = Plan.open(repo / "plan", report=lambda line: None)
                    with plan.change(f"API edit {token}") as change:
                        change.add_update(item, f"note {token}")
                        change.set(item, "lead", token)
                    ok, detail = True, ""
                except AfiError as err:
                    ok, detail = False, str(err)
            else:
                args = ["note", item, f"note {token}"] if kind == "note" else \
                    ["set", item, f"owner={token}"]
                done = subprocess.run([*afi_command(), *args], cwd=repo, env=env,
                                      capture_output=True, text=True)
                ok, detail = done.returncode == 0, done.stderr.strip()
            log.write(json.dumps({"kind": kind, "item": item, "token": token, "ok": ok,
                                  "detail": detail}) + "\n")


def run_writers(repo: Path, writers: int, edits: int, seed: int) -> list[dict]:
    logs = [repo.parent / f"writer-{w}.jsonl" for w in range(writers)]
    procs = [subprocess.Popen([sys.executable, __file__, "worker", str(repo), str(w),
                               str(edits), str(seed), str(logs[w])], env=_child_env())
             for w in range(writers)]
    for proc in procs:
        proc.wait()
    return [json.loads(line) for log in logs for line in log.read_text().splitlines()]


def committed_tokens(repo: Path, since: str) -> dict[str, int]:
    """Token -> how many commits brought it in (as a note text or an owner/lead value)."""
    found: dict[str, int] = {}
    for sha in git(repo, "rev-list", "--reverse", f"{since}..HEAD").split():
        for path in git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", sha).split():
            before = _file_at(repo, f"{sha}^", path)
            after = _file_at(repo, sha, path)
            for token in _tokens(after) - _tokens(before):
                found[token] = found.get(token, 0) + 1
    return found


def _file_at(repo: Path, rev: str, path: str) -> dict:
    done = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo, capture_output=True)
    return tomllib.loads(done.stdout.decode()) if done.returncode == 0 else {}


def _tokens(data: dict) -> set[str]:
    notes = {u["text"].split(" ", 1)[1] for u in data.get("updates", [])
             if u.get("text", "").startswith("note ")}
    values = {data.get(k) for k in ("owner", "lead") if str(data.get(k, "")).startswith("w")}
    return notes | values


# -- 2. kill -9 during a bulk change -------------------------------------------------------------
def run_kills(repo: Path, kills: int, seed: int) -> list[str]:
    """Kill bulk `set --where` runs at random moments; after the next `afi list` the tree
    must equal HEAD with no temp files. Returns the failures."""
    rng = random.Random(seed)
    failures = []
    start = time.monotonic()
    subprocess.run([*afi_command(), "set", "--where", "inspection:BULK", "status=complete"],
                   cwd=repo, capture_output=True, check=True)
    span = time.monotonic() - start  # how long one bulk change takes here
    outcomes = {"committed": 0, "undone": 0}
    for k in range(kills):
        head = git(repo, "rev-parse", "HEAD")
        proc = subprocess.Popen([*afi_command(), "set", "--where", "inspection:BULK",
                                 f"owner=kill-{k}"], cwd=repo, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, span * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        subprocess.run([*afi_command(), "list"], cwd=repo, capture_output=True)
        dirty = git(repo, "status", "--porcelain", "--", "plan")
        temps = [p.name for p in (repo / "plan").rglob("*.afi-tmp")]
        if dirty.strip() or temps:
            failures.append(f"kill {k}: after `afi list` the tree differs from HEAD "
                            f"({dirty.strip()[:80]!r}) or temp files remain ({temps[:3]})")
        outcomes["committed" if git(repo, "rev-parse", "HEAD") != head else "undone"] += 1
    print(f"kills: {kills} bulk changes of {_bulk_size(repo)} items killed at random "
          f"moments: {outcomes['committed']} committed whole, {outcomes['undone']} undone; "
          f"{len(failures)} left a dirty tree or temp files")
    return failures


def _bulk_size(repo: Path) -> int:
    return len(list((repo / "plan" / "afis").glob("BULK-*.toml")))


# -- 3. a signal after the commit ----------------------------------------------------------------
def run_signal_after_commit(repo: Path) -> list[str]:
    hook = repo / ".git" / "hooks" / "reference-transaction"
    hook.write_text('#!/bin/sh\n[ "$1" = committed ] && kill -INT $PPID\nexit 0\n')
    hook.chmod(0o755)
    head = git(repo, "rev-parse", "HEAD")
    done = subprocess.run([*afi_command(), "set", "T-02", "owner=after-signal"], cwd=repo,
                          capture_output=True, text=True)
    hook.unlink()
    moved = git(repo, "rev-parse", "HEAD") != head
    failures = []
    if (done.returncode == 0) != moved:
        failures.append(f"signal after commit: afi exited {done.returncode} "
                        f"({done.stderr.strip()!r}) but HEAD {'moved' if moved else 'stayed'}")
    if git(repo, "diff", "--cached", "--name-only").strip():
        failures.append("signal after commit: the index stages changes (a later plain "
                        "`git commit` would undo the edit)")
    if git(repo, "status", "--porcelain", "--", "plan").strip():
        failures.append("signal after commit: the tree differs from HEAD")
    print(f"signal after commit: afi exit {done.returncode}, HEAD "
          f"{'moved' if moved else 'unchanged'}, index and tree "
          f"{'clean' if not failures else 'NOT clean'}")
    return failures


# -- 4. an editor saving one file during a bulk edit ---------------------------------------------
def run_editor(repo: Path, trials: int, seed: int) -> list[str]:
    """`afi set --where` over the bulk inspection while an editor saves one of its files
    (in place, or write-temp-and-rename) at a random moment: the hand edit must survive on
    disk or in HEAD, and every commit's message must agree with its diff."""
    rng = random.Random(seed + 4)
    failures, outcomes = [], {"committed": 0, "meanwhile": 0, "refused": 0}
    start = git(repo, "rev-parse", "HEAD").strip()
    began = time.monotonic()
    subprocess.run([*afi_command(), "set", "--where", "inspection:BULK", "lead=warm-up"],
                   cwd=repo, capture_output=True)
    span = time.monotonic() - began
    for t in range(trials):
        target = repo / "plan" / "afis" / f"BULK-{rng.randint(1, _bulk_size(repo)):03d}.toml"
        proc = subprocess.Popen([*afi_command(), "set", "--where", "inspection:BULK",
                                 f"lead=L{t}"], cwd=repo, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0, span))
        text = target.read_text() + f"# hand edit {t}\n"
        if t % 2:
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            scratch = target.with_name(f"{target.name}.swp")
            scratch.write_text(text)
            os.replace(scratch, target)
        said = proc.communicate()[1]
        outcomes["committed" if proc.returncode == 0 else
                 "meanwhile" if "changed by someone else" in said else "refused"] += 1
        mark = f"# hand edit {t}"
        if mark not in target.read_text() and mark not in git(repo, "show", f"HEAD:plan/afis/"
                                                                   f"{target.name}"):
            failures.append(f"editor {t}: the hand edit to {target.name} was lost")
        subprocess.run(["git", "checkout", "-q", "--", "plan"], cwd=repo)  # the user undoes it
    repo_obj = GitRepo.find(repo)
    wrong = message_problems(repo_obj, repo / "plan",
                             repo_obj.iter_log(revisions=[f"{start}..HEAD"]))
    failures += [f"editor: message disagrees with diff: {p.render()}" for p in wrong]
    print(f"editor: {trials} bulk edits of {_bulk_size(repo)} items with a file saved by hand "
          f"meanwhile: {outcomes['committed']} committed, {outcomes['meanwhile']} stopped as "
          f"changed while afi wrote, {outcomes['refused']} refused as an uncommitted edit "
          f"(saved before afi read it); edits lost {sum('lost' in f for f in failures)}, "
          f"messages that disagree with their diff {len(wrong)}")
    return failures


# -- 5. kill -9 while a slow pre-commit hook runs ------------------------------------------------
def run_slow_hook_kills(repo: Path, trials: int, seed: int, hook_seconds: float) -> list[str]:
    """Kill afi while git runs a slow pre-commit hook; the next commands must agree with
    git: HEAD, index and tree consistent, and never "undid" a change HEAD holds."""
    rng = random.Random(seed + 5)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nsleep {hook_seconds}\nexit 0\n")
    hook.chmod(0o755)
    failures, false_undo = [], 0
    try:
        for t in range(trials):
            proc = subprocess.Popen([*afi_command(), "set", "T-02", f"owner=hook-{t}"],
                                    cwd=repo, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, hook_seconds))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            said = subprocess.run([*afi_command(), "list"], cwd=repo, capture_output=True,
                                  text=True).stderr
            settled = subprocess.run([*afi_command(), "set", "T-03", f"owner=after-{t}"],
                                     cwd=repo, capture_output=True, text=True)
            said += settled.stderr
            in_head = f"hook-{t}" in git(repo, "show", "HEAD:plan/afis/T-02.toml")
            if "undid" in said and in_head:
                false_undo += 1
                failures.append(f"slow hook {t}: afi said it undid a change HEAD holds")
            if settled.returncode != 0:
                failures.append(f"slow hook {t}: the next set failed: {settled.stderr[:120]}")
            if git(repo, "status", "--porcelain", "--", "plan").strip() or \
                    git(repo, "diff", "--cached", "--name-only").strip():
                failures.append(f"slow hook {t}: index or tree differs from HEAD")
    finally:
        hook.unlink()
    print(f"slow hook: {trials} kills while a {hook_seconds:g} s pre-commit hook ran: "
          f"{len(failures)} inconsistent, {false_undo} false 'undid'")
    return failures


# -- 6. kill at random moments of afi sync -------------------------------------------------------
def run_sync_kills(folder: Path, trials: int, seed: int) -> list[str]:
    """Two clones; each trial makes a remote commit and two local ones, then kills `afi
    sync` (its process group) at a random moment. The next command must leave no rebase
    in progress, no leftovers, and every local commit on the branch."""
    rng = random.Random(seed + 6)
    shared, alice, bob = folder / "shared.git", folder / "alice", folder / "bob"
    subprocess.run(["git", "clone", "-q", "--bare", str(folder / "repo"), str(shared)],
                   check=True)
    for clone in (alice, bob):
        subprocess.run(["git", "clone", "-q", str(shared), str(clone)], check=True)
        git(clone, "config", "user.name", clone.name)
        git(clone, "config", "user.email", f"{clone.name}@example.org")
        subprocess.run([*afi_command(), "setup"], cwd=clone, capture_output=True)
    subprocess.run([*afi_command(), "sync"], cwd=alice, capture_output=True)
    subprocess.run([*afi_command(), "sync"], cwd=bob, capture_output=True)
    began = time.monotonic()
    subprocess.run([*afi_command(), "sync"], cwd=bob, capture_output=True)
    span = max(0.5, (time.monotonic() - began) * 3)
    failures, outcomes = [], {"before": 0, "after": 0}
    for t in range(trials):
        subprocess.run([*afi_command(), "set", "T-01", f"owner=alice-{t}"], cwd=alice,
                       capture_output=True)
        subprocess.run([*afi_command(), "sync"], cwd=alice, capture_output=True)
        for n in range(2):
            subprocess.run([*afi_command(), "note", "T-02", f"bob {t}.{n}"], cwd=bob,
                           capture_output=True)
        local = set(git(bob, "log", "--format=%s", "@{upstream}..HEAD").splitlines())
        proc = subprocess.Popen([*afi_command(), "sync"], cwd=bob, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0, span))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGINT]))
        proc.wait()
        subprocess.run([*afi_command(), "list"], cwd=bob, capture_output=True)
        if any((bob / ".git" / d).exists() for d in ("rebase-merge", "rebase-apply",
                                                      "MERGE_HEAD")):
            failures.append(f"sync {t}: a rebase or merge is still in progress")
        leftover = [p.name for p in bob.glob(".merge_file_*")]
        if leftover or (bob / ".git" / "index.lock").exists():
            failures.append(f"sync {t}: leftovers {leftover} or index.lock")
        subjects = set(git(bob, "log", "--format=%s", "-12").splitlines())
        missing = local - subjects
        if missing:
            failures.append(f"sync {t}: local commits lost: {sorted(missing)[:2]}")
        if git(bob, "status", "--porcelain", "--", "plan").strip():
            failures.append(f"sync {t}: the tree differs from HEAD")
        done = subprocess.run([*afi_command(), "sync"], cwd=bob, capture_output=True,
                              text=True)
        if done.returncode != 0:
            failures.append(f"sync {t}: the next sync failed: {done.stderr[:120]}")
        outcomes["after" if not local - set(git(bob, "log", "--format=%s", "-12")
                                            .splitlines()) else "before"] += 1
    print(f"sync kills: {trials} syncs (1 remote, 2 local commits each) killed at random "
          f"moments: {len(failures)} failures (rebase left in progress, local commit lost, "
          "leftovers)")
    return failures


# -- 7. write errors at every step ---------------------------------------------------------------
FAULTS = ("_write_temp", "link", "sync", "replace", "journal")


def run_write_errors(repo: Path, rounds: int) -> list[str]:
    """An OSError injected at each step of a bulk change (in a child process, so the
    fault stays there); afi must exit 1 with every file as it was, and no later command
    may commit the change."""
    failures, later = [], 0
    for r in range(rounds):
        for fault in FAULTS:
            for nth in (1, 2, 5):
                head = git(repo, "rev-parse", "HEAD")
                done = subprocess.run([sys.executable, __file__, "faulty", str(repo), fault,
                                       str(nth), f"fault-{r}-{fault}-{nth}"],
                                      capture_output=True, text=True, env=_child_env())
                if done.returncode == 0:
                    continue  # the fault was not reached: a good change
                subprocess.run([*afi_command(), "list"], cwd=repo, capture_output=True)
                subprocess.run([*afi_command(), "set", "T-01", f"owner=next-{r}-{nth}"],
                               cwd=repo, capture_output=True)
                committed = f"fault-{r}-{fault}-{nth}" in git(repo, "log", "-3", "-p",
                                                             f"{head.strip()}..HEAD")
                if committed:
                    later += 1
                    failures.append(f"write error at {fault} #{nth}: committed later")
                if git(repo, "status", "--porcelain", "--", "plan").strip():
                    failures.append(f"write error at {fault} #{nth}: tree differs from HEAD")
    print(f"write errors: injected at {len(FAULTS)} steps x 3 moments x {rounds}: "
          f"{later} later commits of a failed command, {len(failures) - later} other failures")
    return failures


def faulty(repo: Path, fault: str, nth: int, value: str) -> int:
    """A bulk change whose `fault` step raises ENOSPC on its `nth` call."""
    import errno

    from tui.cli.main import main as afi_main
    from tui.core.write import commit as commit_module
    from tui.core.write import journal

    calls = {"n": 0}
    owner = journal.os if fault == "journal" else commit_module.os
    name = "fsync" if fault == "journal" else fault
    target = commit_module if fault == "_write_temp" else owner
    real = getattr(target, name)

    def broken(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)
    setattr(target, name, broken)
    os.chdir(repo)
    return afi_main(["set", "--where", "inspection:BULK", f"lead={value}"])


# -- the whole run -------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--edits", type=int, default=25, help="edits per writer")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--bulk", type=int, default=300, help="items in each killed change")
    parser.add_argument("--editor", type=int, default=100, help="bulk edits with a hand save")
    parser.add_argument("--hook-kills", type=int, default=20)
    parser.add_argument("--hook-seconds", type=float, default=3.0)
    parser.add_argument("--sync-kills", type=int, default=50)
    parser.add_argument("--fault-rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", action="store_true", help="keep the scratch repository")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="afi-torture-"))
    try:
        return torture(folder, args)
    except BrokenPipeError:
        return 1
    finally:
        if args.keep:
            print(f"scratch repository kept: {folder / 'repo'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def torture(folder: Path, args: argparse.Namespace) -> int:
    print(f"seed {args.seed}; scratch repository in {folder}")
    repo = make_repo(folder, args.bulk)
    start = git(repo, "rev-parse", "HEAD").strip()
    began = time.monotonic()
    attempts = run_writers(repo, args.writers, args.edits, args.seed)
    elapsed = time.monotonic() - began
    committed = committed_tokens(repo, start)
    saved = [a for a in attempts if a["ok"]]
    present = [a for a in saved if committed.get(a["token"], 0) >= 1]
    lost = [a for a in saved if committed.get(a["token"], 0) == 0]
    false_failures = [a for a in attempts if not a["ok"] and a["token"] in committed]
    doubled = [t for t, n in committed.items() if n > 1]
    commits = int(git(repo, "rev-list", "--count", f"{start}..HEAD"))
    lies = [f"saved but not in HEAD: {a['token']} ({a['kind']} {a['item']})" for a in lost]
    lies += [f"reported failed but committed: {a['token']} ({a['detail'][:80]})"
             for a in false_failures]
    lies += [f"committed more than once: {t}" for t in doubled]
    if commits != len(saved):
        lies.append(f"{commits} commits for {len(saved)} saved edits (one each expected)")
    repo_obj = GitRepo.find(repo)
    lies += [f"message disagrees with diff: {p.render()}" for p in message_problems(
        repo_obj, repo / "plan", repo_obj.iter_log(revisions=[f"{start}..HEAD"]))]
    notes_in_file = [u["text"] for u in tomllib.loads(
        (repo / "plan" / "afis" / f"{SHARED}.toml").read_text()).get("updates", [])]
    for a in saved:
        if a["kind"] in ("note", "api") and a["item"] == SHARED and \
                notes_in_file.count(f"note {a['token']}") != 1:
            lies.append(f"note {a['token']} is in the file {notes_in_file.count(a['token'])} "
                        "times (once expected)")
    if git(repo, "status", "--porcelain", "--", "plan").strip():
        lies.append("the working tree differs from HEAD after the writers")
    refused = [a for a in attempts if not a["ok"]]
    print(f"writers: {args.writers} processes x {args.edits} edits in {elapsed:.1f} s "
          f"(CLI note on one item, CLI set over {len(SPREAD)} items, Python API)")
    print(f"  attempted {len(attempts)}  reported saved {len(saved)} "
          f"({100 * len(saved) / max(1, len(attempts)):.1f} %)  present in HEAD {len(present)}"
          f"  lost {len(lost)}  refused {len(refused)}  lies {len(lies) - len(lost)}")
    for a in refused[:5]:
        print(f"  refused: {a['token']}: {a['detail'][:120]}")
    lies += run_kills(repo, args.kills, args.seed)
    lies += run_signal_after_commit(repo)
    lies += run_editor(repo, args.editor, args.seed)
    lies += run_slow_hook_kills(repo, args.hook_kills, args.seed, args.hook_seconds)
    lies += run_write_errors(repo, args.fault_rounds)
    lies += run_sync_kills(folder, args.sync_kills, args.seed)
    for lie in lies:
        print(f"FAIL {lie}")
    print("ok: no lie, no loss" if not lies else f"{len(lies)} failure(s)")
    return 1 if lies else 0


def _child_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "faulty":
        sys.exit(faulty(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]))
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
               Path(sys.argv[6]))
        sys.exit(0)
    sys.exit(main())
