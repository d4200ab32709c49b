#!/usr/bin/env python3
"""Benchmark the terminal UI headless on a synthetic plan (used by `bench.py --tui`).

Measures, on a plan built by bench.build_repo:
- launch to the first screen of rows, as a whole process (python start to rows drawn);
- one keystroke in the filter box to the updated list (median over a typed query);
- saving one edit, commit included, and the longest the UI thread stalled meanwhile;
- the app process's peak memory;
- with --saves N: resident memory after the first and the last of N saves in one session.

    python scripts/bench_tui.py PLAN_DIR     # run the measurements on an existing plan
    python scripts/bench_tui.py PLAN_DIR --saves 200   # memory over a long session
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

LAUNCH = """
import sys, time
from pathlib import Path
from tui.app.run import create_app
from tui.app.item_table import ItemTable

app = create_app(Path(sys.argv[1]))

def ready():
    # Called on each refresh until the table has rows; then report and quit.
    table = app.screen.query(ItemTable)
    if table and table.first().row_count:
        print("READY", flush=True)
        app.exit()
    else:
        app.set_timer(0.005, ready)

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        ready()
        while app.is_running:
            await pilot.pause(0.005)

import asyncio
asyncio.run(main())
with open("/proc/self/status") as status:  # VmHWM: this process's own peak, since exec
    print("PEAK_KB", next(l.split()[1] for l in status if l.startswith("VmHWM")), flush=True)
"""


def launch_seconds(plan_dir: Path, runs: int = 3) -> tuple[float, int]:
    """Median seconds from process start to rows on screen, and peak MB."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(plan_dir)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if line.startswith("READY"):
                times.append(time.perf_counter() - start)
            elif line.startswith("PEAK_KB"):
                peak = max(peak, int(line.split()[1]) // 1024)
        if proc.wait() != 0 and not times:
            raise SystemExit(proc.stderr.read())
    return statistics.median(times), peak


async def interactive(plan_dir: Path) -> dict[str, float]:
    from textual.widgets import Select

    from tui.app.item_table import ItemTable
    from tui.app.run import create_app

    app = create_app(plan_dir)
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(ItemTable)
        # Per keystroke the app parses the query, filters and sorts every item, and draws
        # the visible rows; that work is timed here, for each prefix of a typed query.
        # (Pilot's own per-key bookkeeping, ~80 ms, is test-harness time, not the app's.)
        typed = "status:in-progress owner:owner1"
        timings = []
        for end in range(1, len(typed) + 1):
            start = time.perf_counter()
            screen.query_text = typed[:end]
            screen.refilter()
            for y in range(table.size.height):
                table.render_line(y)
            timings.append(time.perf_counter() - start)
        results["keystroke_median_s"] = statistics.median(timings)
        results["keystroke_max_s"] = max(timings)
        results["rows_after_filter"] = table.row_count
        screen.query_text = ""
        screen.refilter()
        await pilot.pause()

        # Save one edit; meanwhile a 10 ms ticker measures how long the UI thread stalls.
        item_id = table.cursor_key
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        status = screen.query_one("#status", Select)
        new_status = "complete" if status.value != "complete" else "in-progress"
        status.value = new_status
        stalls, last = [], [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            stalls.append(now - last[0])
            last[0] = now

        ticker = app.set_interval(0.01, tick)
        start = time.perf_counter()
        # The key goes in as the terminal driver delivers it; Pilot's press() would also
        # wait for the app to go idle, which is harness time, not the user's.
        from textual import events

        key = events.Key("ctrl+s", None)
        key.set_sender(app)
        app._driver.send_message(key)
        while app.screen is screen:
            if time.perf_counter() - start > 30:
                raise SystemExit("save did not finish in 30 s")
            await asyncio.sleep(0.002)
        results["save_s"] = time.perf_counter() - start
        # Then the list reloads the plan in a worker; time until it shows the new status.
        while app.plan is None or app.plan.get(item_id).status != new_status:
            if time.perf_counter() - start > 30:
                raise SystemExit("the list never showed the saved change")
            await asyncio.sleep(0.002)
        results["save_to_list_s"] = time.perf_counter() - start
        ticker.stop()
        results["ui_longest_stall_during_save_s"] = max(stalls, default=0.0)
        await pilot.pause(0.5)
    results["peak_mb"] = own_peak_mb()
    return results


def own_peak_mb() -> float:
    """This process's peak resident memory since it started (VmHWM). Not ru_maxrss: on
    Linux a child inherits its parent's high-water mark, and the benchmark that starts
    this one holds a plan's worth of data."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def rss_mb() -> float:
    """This process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def long_session(plan_dir: Path, saves: int) -> dict[str, float]:
    """One UI session saving `saves` edits in turn (edit, ctrl+s, back to the reloaded
    list); resident memory after the first save and after the last."""
    from textual import events
    from textual.widgets import Input

    from tui.app.item_table import ItemTable
    from tui.app.run import create_app

    app = create_app(plan_dir)
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(ItemTable)
        item_id = table.cursor_key
        start = time.perf_counter()
        for n in range(saves):
            await pilot.press("e")
            await pilot.pause()
            screen = app.screen
            screen.query_one("#owner", Input).value = f"Owner save {n}"
            key = events.Key("ctrl+s", None)
            key.set_sender(app)
            app._driver.send_message(key)
            while app.screen is screen or app.plan is None or \
                    app.plan.get(item_id).get("owner") != f"Owner save {n}":
                await asyncio.sleep(0.005)
            if n == 0:
                await app.workers.wait_for_complete()
                results["rss_after_first_save_mb"] = rss_mb()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        results["rss_after_last_save_mb"] = rss_mb()
        results["saves"] = saves
        results["seconds_per_save"] = (time.perf_counter() - start) / saves
    return results


def bench_tui(plan: Path) -> list[tuple[str, float, int]]:
    """Rows for bench.py's table: (operation, seconds, peak MB)."""
    launch, launch_peak = launch_seconds(plan)
    done = subprocess.run([sys.executable, __file__, str(plan)], capture_output=True,
                          text=True, check=True)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    peak = int(measured["peak_mb"])
    return [
        ("tui: launch to first screen of rows (whole process)", launch, launch_peak),
        ("tui: filter keystroke to updated list (median)", measured["keystroke_median_s"], peak),
        ("tui: filter keystroke (slowest)", measured["keystroke_max_s"], peak),
        ("tui: save one edit incl. commit (ctrl+s to confirmation)", measured["save_s"],
         peak),
        ("tui: ctrl+s to the list showing the change", measured["save_to_list_s"], peak),
        ("tui: longest UI stall during save and reload",
         measured["ui_longest_stall_during_save_s"],
         peak),
    ]


if __name__ == "__main__":
    os.environ.setdefault("AFI_TODAY", "2025-01-15")
    if len(sys.argv) > 3 and sys.argv[2] == "--saves":
        print(json.dumps(asyncio.run(long_session(Path(sys.argv[1]), int(sys.argv[3])))))
    else:
        print(json.dumps(asyncio.run(interactive(Path(sys.argv[1])))))
