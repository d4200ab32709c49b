"""Progress on long work: a bar on standard error when that is a terminal (run under a
pseudo-terminal here), never on a pipe or in captured output, never with --quiet, never
for work that ends quickly; git's own progress passed through for sync's push."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tui.core.progress import Progress
from tui.core.store.reading import load_plan

from .conftest import git, write_item

AFI = str(Path(sys.executable).parent / "afi")


class Recorder(Progress):
    __slots__ = ("events",)

    def __init__(self):
        self.events = []

    def start(self, what, total):
        self.events.append(("start", what, total))

    def advance(self, steps=1):
        self.events.append(("advance", steps))

    def finish(self):
        self.events.append(("finish",))


def many_items(plan_dir: Path, count: int) -> None:
    for n in range(count):
        write_item(plan_dir, f"BULK-{n:04d}", f"""\
            id = "BULK-{n:04d}"
            kind = "afi"
            inspection = "PEEL22"
            area = "Responding to the public"
            title = "Bulk item {n}"
            status = "not-started"
            """)
    git(plan_dir.parent, "add", ".")
    git(plan_dir.parent, "commit", "-qm", f"{count} items")


def on_a_terminal(args: list[str], cwd: Path, tmp_path: Path, **env: str) -> tuple[int, str, str]:
    """Run the real `afi` with stderr on a pseudo-terminal and stdout on a file:
    (exit status, stdout, what the terminal received)."""
    master, slave = os.openpty()
    out_file = tmp_path / "stdout.txt"
    with open(out_file, "wb") as out:
        proc = subprocess.Popen([AFI, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=slave, env={**os.environ, "TERM": "xterm-256color",
                                                   "COLUMNS": "100", **env})
    os.close(slave)
    seen = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer to the terminal has gone
            break
        if not chunk:
            break
        seen.append(chunk)
    os.close(master)
    code = proc.wait()
    return code, out_file.read_text(encoding="utf-8"), b"".join(seen).decode("utf-8", "replace")


def test_a_cold_read_reports_its_files_and_a_warm_one_nothing(plan_dir):
    many_items(plan_dir, 20)
    cold = Recorder()
    snapshot = load_plan(plan_dir, progress=cold)
    assert len(snapshot.items) == 23
    assert cold.events[0] == ("start", "Reading items", 23)
    assert cold.events.count(("advance", 1)) == 23 and cold.events[-1] == ("finish",)
    warm = Recorder()
    time.sleep(2.1)  # files are re-read for two seconds after the cache write (racy git)
    load_plan(plan_dir)  # refills the cache past that window
    load_plan(plan_dir, progress=warm)
    assert warm.events == []


def test_the_bar_shows_on_a_terminal_for_long_work(plan_dir, tmp_path):
    many_items(plan_dir, 400)
    code, out, terminal = on_a_terminal(["list", "--format", "csv"], plan_dir.parent,
                                        tmp_path, AFI_PROGRESS_DELAY="0", AFI_NO_CACHE="1")
    assert code == 0
    assert "Reading items" in terminal
    assert "BULK-0399" in out and "Reading items" not in out  # stdout is data only


def test_no_bar_with_quiet_on_a_pipe_or_for_quick_work(plan_dir, tmp_path):
    many_items(plan_dir, 400)
    code, _, terminal = on_a_terminal(["--quiet", "list"], plan_dir.parent, tmp_path,
                                      AFI_PROGRESS_DELAY="0", AFI_NO_CACHE="1")
    assert code == 0 and terminal == ""
    code, _, terminal = on_a_terminal(["list", "-q"], plan_dir.parent, tmp_path,
                                      AFI_PROGRESS_DELAY="0", AFI_NO_CACHE="1")
    assert code == 0 and terminal == ""
    # The default: a bar only after a second of work; this takes less.
    code, _, terminal = on_a_terminal(["list", "PEEL22-01"], plan_dir.parent, tmp_path)
    assert code == 0 and terminal == ""
    # stderr a pipe: nothing but what afi always says.
    done = subprocess.run([AFI, "list"], cwd=plan_dir.parent, capture_output=True, text=True,
                          env={**os.environ, "AFI_PROGRESS_DELAY": "0", "AFI_NO_CACHE": "1"})
    assert done.returncode == 0 and done.stderr == ""


def test_set_where_and_check_commits_report_progress(plan_dir, tmp_path):
    many_items(plan_dir, 300)
    repo = plan_dir.parent
    code, out, terminal = on_a_terminal(
        ["set", "--where", "inspection:PEEL22 -id:PEEL22-01 -id:PEEL22-02",
         "status=in-progress"], repo, tmp_path, AFI_PROGRESS_DELAY="0")
    assert code == 0, terminal
    assert "Changing items" in terminal
    assert "300" in out, terminal
    code, out, terminal = on_a_terminal(["check", "--commits", "HEAD~1..HEAD"], repo, tmp_path,
                                        AFI_PROGRESS_DELAY="0")
    assert code == 0, terminal
    assert "Checking commits" in terminal


def test_sync_passes_gits_own_progress_through(team, tmp_path, afi):
    alice, _ = team
    assert afi("set", "PEEL22-01", "owner=Supt Alice", cwd=alice)[0] == 0
    code, out, terminal = on_a_terminal(["sync"], alice, tmp_path)
    assert code == 0, terminal
    assert "Writing objects" in terminal  # git push --progress, as git drew it
    assert out.strip().endswith("1 out") or " out" in out
    # Captured (not a terminal): git runs quietly, as before.
    assert afi("set", "PEEL22-01", "owner=Supt Alice II", cwd=alice)[0] == 0
    code, out, err = afi("sync", cwd=alice)
    assert code == 0 and "Writing objects" not in err and "Writing objects" not in out


def test_the_board_pack_and_an_import_report_progress(plan_dir, tmp_path):
    repo = plan_dir.parent
    code, out, terminal = on_a_terminal(["report", "--format", "md"], repo, tmp_path,
                                        AFI_PROGRESS_DELAY="0")
    assert code == 0, terminal
    assert "Indexing history" in terminal and "Indexing history" not in out
    rows = "\n".join(f"PEEL22-{n},Responding to the public,Finding number {n},Not started"
                     for n in range(10, 60))
    table = tmp_path / "tracker.csv"
    table.write_text("AFI,Area,Finding,Status\n" + rows + "\n", encoding="utf-8")
    code, out, terminal = on_a_terminal(["import", "table", str(table), "--inspection",
                                         "PEEL22"], repo, tmp_path, AFI_PROGRESS_DELAY="0")
    assert code == 0, terminal
    assert "Preparing items" in terminal and "50 item(s)" in out
