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

It prints edits attempted / reported saved / present in HEAD / lost / lies, and exits 1
on any lie or loss (a saved edit missing from HEAD, a refused edit committed, a commit
message that disagrees with its diff, a dirty tree, a temp file left behind).
"""

from __future__ import annotations

import argparse
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
    from tui.core.audit import message_problems
    from tui.core.errors import AfiError
    from tui.core.gitrepo import GitRepo
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


# -- the whole run -------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--edits", type=int, default=25, help="edits per writer")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--bulk", type=int, default=300, help="items in each killed change")
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
    for lie in lies:
        print(f"FAIL {lie}")
    print("ok: no lie, no loss" if not lies else f"{len(lies)} failure(s)")
    return 1 if lies else 0


def _child_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
               Path(sys.argv[6]))
        sys.exit(0)
    sys.exit(main())
