"""ctrl+c at any moment of a real `afi` process: one line, exit 130, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import git

# Modules imported one after the other while `afi list` starts, then while it works:
# SIGINT is sent as each finishes importing (`python -X importtime` says when).
MOMENTS = ["tui.cli.entry", "tui.core.errors", "argparse", "tui.cli.arguments",
           "tui.cli.main", "tui.core.model.items", "tui.cli.commands", "tui.core.store.reading",
           "tui.core.model.query"]
AFTER_START = [0.0, 0.003, 0.01, 0.03, 0.06, 0.1, 0.2]


def interrupt(repo: Path, args: list[str], moment: str, delay: float = 0.0
              ) -> tuple[int, list[str]]:
    """Run `afi ARGS`, send SIGINT `delay` seconds after `moment` was imported; the exit
    status and the stderr lines that are afi's own."""
    process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "tui", *args],
                               cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    lines, seen = [], False
    for line in process.stderr:
        lines.append(line)
        if line.startswith("import time:") and line.split("|")[-1].strip() == moment:
            seen = True
            break
    assert seen, f"afi never imported {moment}: choose moments it still passes through"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    own = [line for line in "".join(lines + [rest]).splitlines()
           if not line.startswith("import time:")]
    return process.returncode, own


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_while_starting_is_one_line(plan_dir, moment):
    code, own = interrupt(plan_dir.parent, ["list"], moment)
    assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in own), own
    assert code in (130, 0), own
    if code == 130:
        assert own == ["afi: interrupted"]


def test_ctrl_c_at_several_delays_of_a_write(plan_dir):
    """Start-up, reading, writing and committing: the interrupted ones say so in one line,
    and the plan is either changed and committed or untouched."""
    repo = plan_dir.parent
    interrupted = 0
    for n, delay in enumerate(AFTER_START):
        code, own = interrupt(repo, ["set", "PEEL22-01", f"owner=Supt {n}"], "tui.cli.entry",
                              delay)
        assert not any("Traceback" in line for line in own), own
        assert code in (130, 0), own
        if code == 130:
            interrupted += 1
            assert own == ["afi: interrupted"]
        assert not git(repo, "status", "--porcelain", "--untracked-files=all"), (delay, own)
    assert interrupted >= 2  # the first moments are always during start-up
