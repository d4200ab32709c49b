#!/usr/bin/env python3
"""Benchmark afi on synthetic plans, side by side with Taskwarrior.

Times whole processes (what a user waits for) and reports peak memory:

    python scripts/bench.py                                  # 1,000 and 10,000 items
    python scripts/bench.py --sizes 1000,10000,100000 --compare taskwarrior --tui
    python scripts/bench.py --sizes 10000 --runs 9 --keep    # one size, more runs

For each size it builds a plan repository with history in a temporary folder (made with
`git fast-import`, then `git commit-graph write` as a real repository has after `git gc`;
up to 10,000 commits, see --commits), and with --compare taskwarrior imports the same
items (as `afi list --format json` gives them) into a private Taskwarrior data folder.
Runs of the two tools are interleaved, so that machine noise hits both; the table gives
medians, and afi's time as a multiple of Taskwarrior's. Without Taskwarrior installed
the comparison is skipped with a note. Before timing, afi's modules are compiled to
bytecode (a checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile them on
every call). docs/benchmarks.md explains the figures.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

STATUSES = ("not-started", "in-progress", "in-progress", "complete", "closed")
AREAS = ("Responding to the public", "Investigating crime", "Protecting vulnerable people",
         "Managing offenders", "Building, supporting and protecting the workforce")
FIRST_COMMIT = 1_700_000_000  # 2023-11-14; one commit an hour after it
BOARD_BACK = 200  # the last board saw the plan this many commits ago
AS_OF_BACK = 5000  # `list --as-of` a date this many commits back
IMPORT_UP_TO = 10_000  # items; importing 100,000 rows takes minutes, and no one does
MEMORY = ("afi list", "task list")  # commands whose peak is reported
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
title = "{item_title(n)}"
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


def write_tracker(path: Path, rows: int) -> Path:
    """A tracker of `rows` rows for the synthetic plan: even rows name their AFI by
    number, odd rows give only the finding, reworded (matched by wording)."""
    lines = ["AFI,Finding,Owner,Status,Target date,Latest update"]
    for n in range(rows):
        if n % 2:
            ref, finding = "", f"Improve synthetic process number {n} in every district"
        else:
            ref, finding = f"AFI {n}", item_title(n)
        lines.append(f'{ref},{finding},Supt Tracker{n % 40},In progress,31/03/2025,'
                     f'"01/02/2025: Tracker update {n}."')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


REPORT_AREAS = ("Responding to the public", "Investigating crime",
                "Protecting vulnerable people", "Managing offenders and suspects",
                "Preventing crime", "Treatment of the public", "Developing the workforce",
                "Good use of resources")
REPORT_TOPICS = ("call handling", "crime recording", "case files", "victim contact",
                 "missing children", "domestic abuse", "stop and search", "custody",
                 "intelligence", "wanted persons", "bail", "sex offender management",
                 "neighbourhood teams", "problem solving", "use of force", "complaints",
                 "vetting", "wellbeing", "training", "supervision")


def write_report(path: Path, per_area: int = 5) -> Path:
    """An inspection report of 8 graded areas with `per_area` findings each (their wording
    has no digits: a short line with digits that recurs is read as a page's furniture)."""
    grades = ("Good", "Adequate", "Requires improvement", "Inadequate")
    parts = ["PEEL 2023-25", "An inspection of Benchshire Police"]
    for a, area in enumerate(REPORT_AREAS):
        parts += [area, grades[a % len(grades)], "Areas for improvement"]
        for k in range(per_area):
            n = a * per_area + k
            topic = REPORT_TOPICS[n % len(REPORT_TOPICS)]
            place = ("in every district", "across the force", "for every shift")[n // 20]
            parts += [f"The force should improve its {topic} {place} within {area.lower()}",
                      "We found that the process was not applied consistently, and that "
                      "supervisors did not always notice the gaps."]
        parts += ["Main findings", "The force has made progress in this area."]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def item_title(n: int) -> str:
    return f"The force should improve synthetic process number {n} across all districts"


def build_repo(root: Path, items: int, commits: int) -> Path:
    """A git repository at `root` with plan/ holding `items` items and `commits` commits."""
    root.mkdir(parents=True)
    run(["git", "init", "-q", "-b", "main"], root)
    run(["git", "config", "user.name", "Bench Lead"], root)
    run(["git", "config", "user.email", "bench@example.org"], root)
    stream: list[bytes] = []
    stamp = FIRST_COMMIT

    def blob(path: str, text: str) -> None:
        data = text.encode()
        stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    def commit(message: str) -> None:
        # Successive commits to one branch in a fast-import stream chain on their own.
        nonlocal stamp
        stamp += 3600
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
    if commits > 1:  # a board met, as `afi board mark` records it
        seen = f"HEAD~{min(BOARD_BACK, commits // 2)}"
        day = datetime.fromtimestamp(int(run(["git", "log", "-1", "--format=%ct", seen], root)),
                                     UTC).date()
        run(["git", "tag", "-a", f"board/{day}-force-improvement-board", "-m",
             "Force Improvement Board", seen], root)
    return root / "plan"


def run(cmd: list[str], cwd: Path) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    """Wall time of one whole process."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:  # a refused command would time its error message
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()}")
    return elapsed


GNU_TIME = Path("/usr/bin/time")


def peak_mb(cmd: list[str], cwd: Path, env: dict | None = None) -> int:
    """The process's peak resident memory in MB, by GNU time (0 without it). Not from
    this script's own wait4: on Linux a child inherits its parent's high-water mark at
    fork, and this script holds the items it gave Taskwarrior."""
    if not GNU_TIME.exists():
        return 0
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        subprocess.run([str(GNU_TIME), "-f", "%M", "-o", out.name, *cmd], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return int(out.read().split()[-1]) // 1024


def wait_for_history_index(root: Path, timeout: float = 600) -> float:
    """Seconds until no history-index build is running (0 if none was started)."""
    start = time.perf_counter()
    folder = root / ".git" / "afi"
    while any(folder.glob("history-*.building")):
        if time.perf_counter() - start > timeout:
            raise SystemExit("the history index build did not finish")
        time.sleep(0.1)
    return time.perf_counter() - start


class Timings:
    """Runs of several commands, interleaved run by run; medians and peaks by name."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.times: dict[str, list[float]] = {}
        self.peaks: dict[str, int] = {}

    def interleave(self, runs: int, commands: dict[str, object],
                   env: dict[str, dict] | None = None, cwd: Path | None = None) -> None:
        """commands: name -> a command, or a function of the run number giving one."""
        for k in range(runs):
            for name, command in commands.items():
                cmd = command(k) if callable(command) else command
                elapsed = timed(cmd, cwd or self.cwd, (env or {}).get(name))
                self.times.setdefault(name, []).append(elapsed)
        for name, command in commands.items():  # one more run, untimed, for memory
            if name in MEMORY:
                cmd = command(runs) if callable(command) else command
                self.peaks[name] = peak_mb(cmd, cwd or self.cwd, (env or {}).get(name))

    def once(self, name: str, cmd: list[str], env: dict | None = None,
             cwd: Path | None = None) -> None:
        self.interleave(1, {name: cmd}, {name: env} if env else None, cwd)

    def median(self, name: str) -> float | None:
        found = self.times.get(name)
        return statistics.median(found) if found else None


class Taskwarrior:
    """A private Taskwarrior data folder holding the plan's items as tasks."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.rc = folder / "taskrc"
        self.env = {**os.environ, "TASKRC": str(self.rc), "TASKDATA": str(folder / "data")}

    @staticmethod
    def available() -> bool:
        return shutil.which("task") is not None

    def load(self, items: list[dict]) -> float:
        """Import the items (as `afi list --format json` gives them); seconds taken."""
        (self.folder / "data").mkdir(parents=True)
        self.rc.write_text(f"data.location={self.folder / 'data'}\nconfirmation=off\n"
                           "hooks=off\njson.array=on\nnews.version=9.9.9\n")
        tasks = []
        for item in items:
            number = int(item["id"].split("-")[-1])
            task = {"uuid": task_uuid(number), "status": "pending",
                    "description": item["title"], "entry": "20231114T000000Z",
                    "project": project_of(item["area"]),
                    "tags": [*item.get("tags", []), tag_of(item["status"])]}
            if item.get("due"):
                task["due"] = item["due"].replace("-", "") + "T000000Z"
            tasks.append(task)
        source = self.folder / "tasks.json"
        source.write_text(json.dumps(tasks))
        start = time.perf_counter()
        subprocess.run(["task", "import", str(source)], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    def command(self, *args: str) -> list[str]:
        return ["task", *args]


def project_of(area: str) -> str:
    """A Taskwarrior project for an area: its last word ('Investigating crime': crime)."""
    return area.split()[-1].lower()


def tag_of(status: str) -> str:
    return status.replace("-", "")


def task_uuid(item_number: int) -> str:
    return str(uuid.UUID(int=item_number + 1))


def afi_command() -> list[str]:
    """The `afi` console script users run, from this interpreter's environment."""
    script = Path(sys.executable).parent / "afi"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def compile_afi() -> None:
    """Bytecode for afi's modules, as an installed package has (see the module doc)."""
    import tui

    compileall.compile_dir(Path(tui.__file__).parent, quiet=1)


def measure(plan: Path, items: int, commits: int, runs: int, tw: Taskwarrior | None,
            tui: bool) -> tuple[dict[str, tuple[float | None, int]], list[str]]:
    """The side-by-side figures (name -> (median seconds, peak MB)) and notes."""
    afi = afi_command()
    repo = plan.parent
    timings = Timings(repo)
    notes = []
    area = "crime"
    wanted = ["list", "status:in-progress", f"area:{area}"]
    timed(afi + wanted, repo)  # warm the cache once
    # The first `afi log` builds the history index (in the background when that takes
    # more than a moment): let it finish before timing.
    timed(afi + ["log", "SYN-00001"], repo)
    wait_for_history_index(repo)
    phases = [  # afi's command and Taskwarrior's nearest, interleaved phase by phase
        ("afi list", afi + wanted,
         "task list", lambda tw: tw.command(f"project:{area}", "+inprogress", "list")),
        ("afi set", lambda k: afi + ["set", f"SYN-{(k * 13) % items:05d}",
                                     f"owner=Bench Owner {k}"],
         "task modify", lambda tw: lambda k: tw.command(task_uuid((k * 13) % items), "modify",
                                                        f"priority:{'HL'[k % 2]}")),
        ("afi log ID", lambda k: afi + ["log", f"SYN-{(k * 997) % items:05d}"],
         "task info", lambda tw: lambda k: tw.command(task_uuid((k * 997) % items), "info")),
    ]
    if tw is not None:
        loaded = tw.load(json.loads(run(afi + ["list", "--format", "json"], repo)))
        notes.append(f"Taskwarrior: {items:,} tasks imported in {loaded:.1f} s")
    for name, command, tw_name, tw_command in phases:
        if name == "afi log ID":
            timed(afi + ["log", "SYN-00002"], repo)  # the index takes in the sets' commits
        commands = {name: command}
        if tw is not None:
            commands[tw_name] = tw_command(tw)
        timings.interleave(runs, commands, {tw_name: tw.env} if tw is not None else None)
    timings.interleave(max(1, runs // 2), {"afi log": afi + ["log"], "afi check": afi + ["check"]})
    # A shell's TAB (afi completion): an id, and a field's values from the item cache.
    timings.interleave(runs, {
        "afi TAB id": afi + ["__complete", "bash", "afi show SYN-0012"],
        "afi TAB owner=": afi + ["__complete", "bash", "afi set SYN-00012 owner=Supt"],
    })
    # A bulk change: a tenth of the plan (group batch-1) in one commit.
    timings.once("afi set --where", afi + ["set", "--where", "group:batch-1", "tags+=reviewed"])
    timings.interleave(max(1, runs // 2), {
        "afi report html": afi + ["report", "--format", "html", "-o", os.devnull],
        "afi report --since last-board": afi + ["report", "--since", "last-board",
                                                "-o", os.devnull],
        "afi chase": afi + ["chase", "-o", str(repo.parent / "chase")],
    })
    if commits > AS_OF_BACK:
        back = datetime.fromtimestamp(FIRST_COMMIT + 3600 * (commits - AS_OF_BACK),
                                      UTC).date()
        timings.interleave(max(1, runs // 2),
                           {"afi list --as-of": afi + ["list", "--as-of", back.isoformat()]})
    if items <= IMPORT_UP_TO:  # the board pack's CSV into a new, empty plan, one commit
        pack = repo.parent / "pack.csv"
        run(afi + ["report", "--format", "csv", "-o", str(pack)], repo)
        empty = repo.parent / "imported"
        empty.mkdir()
        for step in (["git", "init", "-q"], ["git", "config", "user.name", "Bench Lead"],
                     ["git", "config", "user.email", "bench@example.org"],
                     afi + ["init", "plan"]):
            run(step, empty)
        timings.once("afi import table", afi + ["import", "table", str(pack)], cwd=empty)
        wait_for_history_index(empty)
        # A force's tracker of (up to) 1,000 rows matched against the plan: half by number,
        # half by reworded wording alone; the dry run reads, matches and drafts everything.
        tracker = write_tracker(repo.parent / "tracker.csv", min(items, 1000))
        timings.interleave(max(1, runs // 2), {"afi import table --update (match)": afi + [
            "import", "table", str(tracker), "--inspection", "SYN", "--update", "--dry-run"]})
        # A report of 40 findings (8 graded areas of 5) into a new plan, with its commit.
        report = write_report(repo.parent / "report40.txt")
        for k in range(max(1, runs // 2)):
            fresh = repo.parent / f"reportplan{k}"
            fresh.mkdir()
            for step in (["git", "init", "-q"], ["git", "config", "user.name", "Bench Lead"],
                         ["git", "config", "user.email", "bench@example.org"],
                         afi + ["init", "plan"]):
                run(step, fresh)
            timings.once("afi import report (40)", afi + [
                "import", "report", str(report), "--inspection", "R40"], cwd=fresh)
    for k in range(max(1, runs // 2) + 1):  # no cache, as on a fresh clone
        for cache in (repo / ".git" / "afi").glob("items-*"):
            shutil.rmtree(cache)
        if k < max(1, runs // 2):
            timings.once("afi list (cold)", afi + wanted)
        else:
            timings.peaks["afi list (cold)"] = peak_mb(afi + wanted, repo)
    time.sleep(2.5)  # let the files written above age past the cache's racy window
    timed(afi + wanted, repo)
    wait_for_history_index(repo)  # no background work left to compete with the UI
    figures = {name: (timings.median(name), timings.peaks.get(name, 0))
               for name in timings.times}
    if tui:
        from bench_tui import bench_tui  # only when asked: it imports Textual

        for name, seconds, mb in bench_tui(plan):
            figures[name] = (seconds, mb)
    return figures, notes


ROWS = (  # (label, figure, "s" or "MB", the Taskwarrior figure to compare with)
    ("`task project:X +tag list`", "task list", "s", None),
    ("`afi list status:in-progress area:X`", "afi list", "s", "task list"),
    ("`task UUID modify …` (no history kept)", "task modify", "s", None),
    ("`afi set ID owner=…` with its commit", "afi set", "s", "task modify"),
    ("`task UUID info`", "task info", "s", None),
    ("`afi log ID`", "afi log ID", "s", "task info"),
    ("`afi log` (whole plan, every commit)", "afi log", "s", None),
    ("`afi set --where group:batch-1 tags+=reviewed` (a tenth of the plan, one commit)",
     "afi set --where", "s", None),
    ("`afi check` (every file)", "afi check", "s", None),
    ("TAB after `afi show SYN-0012` (ids)", "afi TAB id", "s", None),
    ("TAB after `afi set ID owner=Supt` (owners in the plan)", "afi TAB owner=", "s", None),
    ("`task project:X +tag list` peak memory", "task list", "MB", None),
    ("`afi list` peak memory", "afi list", "MB", "task list"),
    ("cold `afi list` (no cache, as on a fresh clone)", "afi list (cold)", "s", None),
    ("cold `afi list` peak memory", "afi list (cold)", "MB", None),
    ("`afi report --format html`", "afi report html", "s", None),
    (f"`afi report --since last-board` ({BOARD_BACK} commits back)",
     "afi report --since last-board",
     "s", None),
    ("`afi chase` (every owner's list)", "afi chase", "s", None),
    (f"`afi list --as-of DATE` ({AS_OF_BACK:,} commits back)", "afi list --as-of", "s", None),
    ("`afi import table` (the board pack's CSV into an empty plan)", "afi import table", "s",
     None),
    ("`afi import table --update --dry-run` (a 1,000-row tracker matched to the plan)",
     "afi import table --update (match)", "s", None),
    ("`afi import report` (40 findings into a new plan, with its commit)",
     "afi import report (40)", "s", None),
    ("UI: launch to the first screen of rows", "tui: launch to first screen of rows "
                                               "(whole process)", "s", None),
    ("UI: filter keystroke (median)", "tui: filter keystroke to updated list (median)", "s",
     None),
    ("UI: save one edit with its commit", "tui: save one edit incl. commit (ctrl+s to "
                                          "confirmation)", "s", None),
    ("UI: peak memory", "tui: filter keystroke to updated list (median)", "MB", None),
)


def cell(figures: dict, name: str, unit: str, against: str | None) -> str:
    seconds, mb = figures.get(name, (None, 0))
    if unit == "MB":
        if not mb:
            return "–"
        theirs = figures.get(against, (None, 0))[1] if against else 0
        return f"{mb} MB ({mb / theirs:.2f}×)" if theirs else f"{mb} MB"
    if seconds is None:
        return "–"
    text = f"{seconds:.3f} s"
    if against and figures.get(against, (None,))[0]:
        text += f" ({seconds / figures[against][0]:.2f}×)"
    return text


def side_by_side(sizes: list[tuple[int, int]], by_size: list[dict]) -> str:
    head = "| | " + " | ".join(f"{n:,} items, {c:,} commits" for n, c in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]
    for label, name, unit, against in ROWS:
        cells = [cell(f, name, unit, against) for f in by_size]
        if any(c != "–" for c in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="plan sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--commits", type=int,
                        help="history length (default: as many as items, at most 10,000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--compare", choices=["taskwarrior"],
                        help="time Taskwarrior on the same items, interleaved")
    parser.add_argument("--tui", action="store_true", help="also benchmark the terminal UI")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    try:
        sizes = [int(n.replace("_", "")) for n in args.sizes.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {args.sizes!r}")
    compare = args.compare == "taskwarrior"
    if compare and not Taskwarrior.available():
        print("# Taskwarrior (`task`) is not installed: comparison skipped "
              "(apt-get install taskwarrior)", file=sys.stderr)
        compare = False
    compile_afi()
    plans, results, failures = [], [], 0
    for items in sizes:
        commits = args.commits or min(items, 10_000)
        workdir = Path(tempfile.mkdtemp(prefix=f"afi-bench-{items}-"))
        try:
            t0 = time.perf_counter()
            plan = build_repo(workdir / "repo", items, commits)
            print(f"# built {items:,} items, {commits:,} commits in "
                  f"{time.perf_counter() - t0:.1f} s ({workdir})", file=sys.stderr)
            # Let the files age past the cache's 2-second "racy" window, as they are in
            # real use (a file changed within it is always re-read).
            time.sleep(2.5)
            tw = Taskwarrior(workdir / "taskwarrior") if compare else None
            figures, notes = measure(plan, items, commits, args.runs, tw, args.tui)
        except SystemExit as failed:  # one command failed: say so, keep the other sizes
            print(f"# {items:,} items: stopped: {failed}", file=sys.stderr, flush=True)
            failures += 1
            continue
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        for note in notes:
            print(f"# {note}", file=sys.stderr)
        plans.append((items, commits))
        results.append(figures)
        print(f"# {items:,} items done: " + ", ".join(
            f"{name} {s:.3f} s" for name, (s, _) in figures.items() if s is not None),
              file=sys.stderr, flush=True)
    if results:
        print(side_by_side(plans, results))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
