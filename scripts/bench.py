#!/usr/bin/env python3
"""Benchmark afi on a synthetic plan: N items, M commits, in a temporary folder.

Times whole `afi` processes (what a user waits for) and reports peak memory:

    python scripts/bench.py                   # 1,000 and 10,000 items
    python scripts/bench.py --items 10000 --commits 10000 --runs 5
    python scripts/bench.py --tui             # also drive the terminal UI headless

History is made with `git fast-import`, so 10,000 commits take seconds, then
`git commit-graph write` as a real repository would have after `git gc`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

STATUSES = ("not-started", "in-progress", "in-progress", "complete", "closed")
AREAS = ("Responding to the public", "Investigating crime", "Protecting vulnerable people",
         "Managing offenders", "Building, supporting and protecting the workforce")
PLAN_TOML = """\
title = "Synthetic plan for benchmarking"
due_soon_days = 45

[[inspections]]
id = "SYN"
title = "Synthetic inspection"
scale = "peel-5"

[views]
overdue = "is:overdue sort:due"
"""


def item_text(n: int, status: str | None = None, owner: str | None = None) -> str:
    """A realistic ~40-line item."""
    due = date(2024, 1, 1) + timedelta(days=(n * 37) % 900)
    status = status or STATUSES[n % len(STATUSES)]
    owner = owner or f"Supt Owner{n % 50}"
    closure = ('\n[closure]\napproved_by = "DCC"\nboard = "Force Improvement Board"\n'
               'date = 2024-07-01\n') if status == "closed" else ""
    actions = "".join(
        f'\n[[actions]]\ntext = "Action {k} for item {n}: review and report to the board"\n'
        f"done = {'true' if k < 2 else 'false'}\n" for k in range(3))
    return f'''id = "SYN-{n:05d}"
kind = "afi"
inspection = "SYN"
number = {n}
area = "{AREAS[n % len(AREAS)]}"
title = "The force should improve synthetic process number {n} across all districts"
detail = """
Synthetic explanatory text for item {n}. The inspection found that the process
was not consistently applied, and that supervision did not always identify gaps.
"""
status = "{status}"
owner = "{owner}"
lead = "ACC Lead{n % 7}"
due = {due.isoformat()}
group = "batch-{n % 10}"
tags = ["synthetic", "bench"]
{actions}
[[updates]]
date = 2024-06-01
by = "Bench"
text = "Progress reported to the Force Improvement Board."
{closure}'''


def build_repo(root: Path, items: int, commits: int) -> Path:
    """A git repository at `root` with plan/ holding `items` items and `commits` commits."""
    root.mkdir(parents=True)
    run(["git", "init", "-q", "-b", "main"], root)
    run(["git", "config", "user.name", "Bench Lead"], root)
    run(["git", "config", "user.email", "bench@example.org"], root)
    stream: list[bytes] = []
    stamp = 1_700_000_000

    def blob(path: str, text: str) -> None:
        data = text.encode()
        stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    def commit(message: str) -> None:
        # Successive commits to one branch in a fast-import stream chain on their own.
        nonlocal stamp
        stamp += 60
        msg = message.encode()
        stream.append(f"commit refs/heads/main\ncommitter Bench Lead <bench@example.org> "
                      f"{stamp} +0000\ndata {len(msg)}\n".encode() + msg + b"\n")

    commit("Synthetic plan")
    blob("plan/plan.toml", PLAN_TOML)
    for n in range(items):
        blob(f"plan/afis/SYN-{n:05d}.toml", item_text(n))
    pick = random.Random(20221130)  # fixed seed: the same history every run
    for c in range(1, commits):
        n = pick.randrange(items)
        status = pick.choice(STATUSES)
        commit(f"SYN-{n:05d}: status -> {status}\n\nAFI-Id: SYN-{n:05d}\n")
        blob(f"plan/afis/SYN-{n:05d}.toml", item_text(n, status=status, owner=f"Supt O{c % 40}"))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream),
                   check=True)
    run(["git", "checkout", "-q", "-f", "main"], root)
    run(["git", "commit-graph", "write", "--reachable", "--changed-paths"], root)
    return root / "plan"


def run(cmd: list[str], cwd: Path) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time of one whole process and its peak RSS in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def wait_for_history_index(root: Path, timeout: float = 300) -> float:
    """Seconds until no history-index build is running (0 if none was started)."""
    start = time.perf_counter()
    folder = root / ".git" / "afi"
    while any(folder.glob("history-*.building")):
        if time.perf_counter() - start > timeout:
            raise SystemExit("the history index build did not finish")
        time.sleep(0.1)
    return time.perf_counter() - start


def median_of(runs: int, make_cmd, cwd: Path) -> tuple[float, int]:
    times, peak = [], 0
    for k in range(runs):
        elapsed, rss = timed(make_cmd(k), cwd)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), peak


def bench_size(items: int, commits: int, runs: int, keep: bool,
               tui: bool) -> list[tuple[str, float, int]]:
    """Build one synthetic repository and time the command line (and the UI) on it."""
    workdir = Path(tempfile.mkdtemp(prefix=f"afi-bench-{items}-"))
    try:
        t0 = time.perf_counter()
        plan = build_repo(workdir / "repo", items, commits)
        print(f"# built {items} items, {commits} commits in {time.perf_counter() - t0:.1f} s "
              f"({workdir})", file=sys.stderr)
        # Let the files age past the cache's 2-second "racy" window, as they are in real use
        # (a file changed within it is always re-read), and let git's background
        # commit-graph write finish.
        time.sleep(2.5)
        results = bench_cli(plan, items, runs)
        if tui:
            from bench_tui import bench_tui  # only when asked: it imports Textual

            results += bench_tui(plan)
        return results
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def afi_command() -> list[str]:
    """The `afi` console script users run, from this interpreter's environment."""
    script = Path(sys.executable).parent / "afi"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def bench_cli(plan: Path, items: int, runs: int) -> list[tuple[str, float, int]]:
    afi = afi_command()
    cwd = plan.parent
    results = []
    timed(afi + ["list", "status:in-progress"], cwd)  # warm the cache once
    results.append(("afi list status:in-progress (warm)",
                    *median_of(runs, lambda k: afi + ["list", "status:in-progress"], cwd)))
    results.append(("afi set ID owner=... (edit + commit)",
                    *median_of(runs, lambda k: afi + ["set", f"SYN-{(k * 13) % items:05d}",
                                                      f"owner=Bench {k}"], cwd)))
    results.append((f"afi set --where group:batch-1 ({items // 10} items, one commit)",
                    *timed(afi + ["set", "--where", "group:batch-1", "tags+=reviewed"], cwd)))
    # The first `afi log` on a repository builds the history index: in the foreground when
    # that is quick, else in a background process while git's own walk answers.
    results.append(("afi log ID (first ever: no history index yet)",
                    *timed(afi + ["log", "SYN-00001"], cwd)))
    results.append(("history index: wait for its background build (0: built at once)",
                     wait_for_history_index(plan.parent), 0))
    results.append(("afi log ID",
                    *median_of(runs, lambda k: afi + ["log", f"SYN-{(k * 997) % items:05d}"],
                               cwd)))
    timed(afi + ["set", "SYN-00002", "owner=Someone Else"], cwd)
    results.append(("afi log ID after new commits (index catches up)",
                    *timed(afi + ["log", "SYN-00002"], cwd)))
    results.append(("afi check", *median_of(max(1, runs // 2), lambda k: afi + ["check"],
                                            cwd)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, action="append",
                        help="plan size (repeatable; default 1000 and 10000)")
    parser.add_argument("--commits", type=int, help="history length (default: = items)")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repositories")
    parser.add_argument("--tui", action="store_true", help="also benchmark the terminal UI")
    args = parser.parse_args()
    sizes = args.items or [1000, 10_000]
    print("| items | commits | operation | median s | peak MB |")
    print("|---:|---:|---|---:|---:|")
    for items in sizes:
        commits = args.commits or items
        for name, seconds, mb in bench_size(items, commits, args.runs, args.keep, args.tui):
            print(f"| {items:,} | {commits:,} | {name} | {seconds:.3f} | {mb or '-'} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
