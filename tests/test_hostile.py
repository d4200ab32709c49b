"""Hostile input never crashes, hangs or reaches the terminal raw: deep nesting, wrong
types, out-of-range numbers, FIFOs and links, read-only folders, a bad AFI_TODAY, closed
pipes, and control characters in every output. Terminal output is read through a real
pseudo-terminal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from .conftest import git, write_item

ROOT = Path(__file__).resolve().parent.parent
# OSC 52 (write the clipboard), a window title, CSI, a C1 CSI and DEL.
EVIL = "\x1b]52;c;cGF5bG9hZA==\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f"
RAW = ("\x1b", "\x07", "\x9b", "\x7f")


def run_on_terminal(cwd: Path, *args: str, columns: int = 100,
                    env: dict | None = None) -> tuple[int, str]:
    """Run `afi ARGS` with stdout and stderr on a pseudo-terminal of this width."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=cwd, stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "COLUMNS": str(columns), **(env or {})})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 20)
        if not ready:
            proc.kill()
            raise AssertionError("afi did not finish within 20 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def no_raw_controls(text: str, colours_allowed: bool = False) -> bool:
    if colours_allowed:  # afi's own colour codes are ESC [ ... m; nothing else may be raw
        import re

        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return not any(c in text for c in RAW)


@pytest.fixture
def evil_plan(plan_dir: Path) -> Path:
    """An item whose title, owner, status, an unknown key and its file name carry
    control characters, committed as a hand edit would be."""
    write_item(plan_dir, "EVIL-01", f'''\
        id = "EVIL-01"
        kind = "afi"
        inspection = "PEEL22"
        area = "Responding to the public"
        title = "{_toml(EVIL)} title"
        status = "in-progress"
        owner = "{_toml(EVIL)} owner"
        "{_toml(EVIL)}" = "{_toml(EVIL)} unknown"

        [[updates]]
        date = 2025-01-02
        by = "{_toml(EVIL)}"
        text = "{_toml(EVIL)} update"
        ''')
    git(plan_dir.parent, "add", ".")
    git(plan_dir.parent, "commit", "-q", "-m", f"evil {EVIL}")
    return plan_dir


def _toml(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 32 or 127 <= ord(c) < 160 else c
                   for c in text)


# -- control characters -----------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["list"], ["list", "--format", "csv"], ["list", "--format", "json"],
    ["show", "EVIL-01"], ["show", "EVIL-01", "--format", "json"], ["log"], ["log", "EVIL-01"],
    ["log", "--format", "json"],
])
def test_no_command_writes_raw_controls_to_a_terminal(evil_plan, args):
    code, out = run_on_terminal(evil_plan.parent, *args)
    assert code == 0, out
    assert no_raw_controls(out, colours_allowed=args == ["list"]), repr(out[:400])
    assert "^[]52;c;" in out or "\\u001b]52" in out  # shown, not dropped


def test_errors_and_check_lines_show_controls(evil_plan):
    repo = evil_plan.parent
    code, out = run_on_terminal(repo, "set", "EVIL-01\x1b]0;pwned\x07\x9b", "owner=x")
    assert code == 1 and out.startswith("afi: error: ") and "EVIL-01^[]0;pwned^G<9b>" in out
    assert no_raw_controls(out)
    (evil_plan / "afis" / "EVIL-01.toml").write_text(
        (evil_plan / "afis" / "EVIL-01.toml").read_text().replace(
            'status = "in-progress"', f'status = "{_toml(EVIL)}"'))
    code, out = run_on_terminal(repo, "check")
    assert code == 1 and "EVIL-01.toml:6: unknown status '^[]52;c;" in out
    assert no_raw_controls(out)


def test_a_file_name_with_controls_is_shown_safely(plan_dir):
    (plan_dir / "afis" / f"X{EVIL[:6]}.toml").write_text("broken [")
    code, out = run_on_terminal(plan_dir.parent, "list")
    assert code == 0 and "afi: skipped" in out and no_raw_controls(out, colours_allowed=True)


def test_json_escapes_every_control_character(evil_plan, afi):
    code, out, _ = afi("list", "--format", "json", cwd=evil_plan.parent)
    assert code == 0 and not any(c in out for c in RAW)
    import json

    record = next(r for r in json.loads(out) if r["id"] == "EVIL-01")
    assert record["title"] == f"{EVIL} title"  # exact once decoded


def test_piped_csv_and_toml_keep_the_data_exact(evil_plan, afi):
    code, out, _ = afi("list", "--format", "csv", "id:EVIL-01", cwd=evil_plan.parent)
    assert f"{EVIL} title" in out
    code, out, _ = afi("show", "EVIL-01", cwd=evil_plan.parent)
    assert out == (evil_plan / "afis" / "EVIL-01.toml").read_text()


# -- malformed files -------------------------------------------------------------------------
def test_deep_nesting_is_a_problem_not_a_crash(plan_dir, afi):
    (plan_dir / "afis" / "DEEP-01.toml").write_text(
        'id = "DEEP-01"\ntitle = "' + "[" * 150 + '"\n\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    (plan_dir / "afis" / "DEEP-02.toml").write_text(
        'id = "DEEP-02"\ny = ' + "[" * 40 + "1" + "]" * 40 + "\n")
    code, out, err = afi("list", cwd=plan_dir.parent)
    assert code == 0 and "PEEL22-01" in out
    # The line the nesting is on, not the title's brackets, which are text in a string.
    assert "DEEP-01.toml:4: values nested too deeply to read" in err
    assert "DEEP-02.toml:2: values nested more than 16 deep" in err
    code, _, err = afi("show", "DEEP-02", cwd=plan_dir.parent)
    assert code == 1 and err.count("\n") == 1 and "nested more than 16 deep" in err


@pytest.mark.parametrize(("line", "message"), [
    ("inspections = 7", "'inspections' must be an array of tables"),
    ("areas = 3", "'areas' must be an array of tables"),
    ("statuses = 5", "'statuses' must be a non-empty array of strings"),
    ("views = 1", "[views] must map names to query strings"),
    ("due_soon_days = 99999999999", "'due_soon_days' must be a whole number of days"),
    ("status_colours = 2", "[status_colours] must map statuses"),
    ('done_statuses = ["x"]', "done status 'x' is not in 'statuses'"),
])
def test_wrong_types_in_plan_toml_are_problems(plan_dir, afi, line, message):
    (plan_dir / "plan.toml").write_text(f'title = "x"\n{line}\n')
    for command in ("list", "check", "new"):
        args = [command] if command != "new" else \
            ["new", "--inspection", "PEEL22", "--area", "Responding to the public",
             "--title", "T"]
        code, out, err = afi(*args, cwd=plan_dir.parent)
        assert "Traceback" not in err and code in (0, 1)
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1 and f"plan.toml:2: {message}" in out


def test_wrong_types_inside_plan_tables(plan_dir, afi):
    (plan_dir / "plan.toml").write_text(
        'title = "x"\n[[inspections]]\nid = "PEEL22"\ntitle = 5\nscale = 7\n[[areas]]\n'
        'name = 3\n[[areas]]\nname = "B"\ninspection = 9\ngrade = []\n')
    code, out, _ = afi("check", cwd=plan_dir.parent)
    assert code == 1
    for expected in ("plan.toml:4: inspection PEEL22: 'title' must be a string",
                     "plan.toml:6: area 1 needs a 'name' string",
                     "plan.toml:11: area 'B': 'grade' must be a string, not an array"):
        assert expected in out


def test_out_of_range_integers(plan_dir, afi):
    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.write_text(path.read_text().replace("number = 2", "number = 99999999999999999999"))
    code, out, err = afi("list", cwd=plan_dir.parent)
    assert code == 0 and "PEEL22-02.toml:4: integer out of range" in err
    assert afi("check", cwd=plan_dir.parent)[0] == 1
    code, _, err = afi("set", "PEEL22-01", "number=99999999999999999999", cwd=plan_dir.parent)
    assert code == 1 and "out of range" in err
    code, _, err = afi("list", "due<=9999999999999d", cwd=plan_dir.parent)
    assert code == 1 and "too far from today" in err and "Traceback" not in err


def test_fifo_and_symlink_in_afis(plan_dir, afi):
    os.mkfifo(plan_dir / "afis" / "FIFO-01.toml")
    link = plan_dir / "afis" / "LINK-01.toml"
    link.symlink_to("PEEL22-01.toml")
    code, out, err = afi("list", cwd=plan_dir.parent)  # would hang on opening the FIFO
    assert code == 0
    assert "FIFO-01.toml:1: not a regular file" in err and "LINK-01.toml:1: a symbolic link" in err
    code, _, err = afi("set", "LINK-01", "owner=X", cwd=plan_dir.parent)
    assert code == 1 and link.is_symlink()


def test_an_item_file_replaced_by_a_folder_is_a_problem_not_a_silent_gap(plan_dir, afi):
    """`afi show` said the item was invalid and to run `afi check`, which said "ok": a
    folder where an item file was is reported by check, list and the UI's poll alike."""
    from tui.core.store.reading import files_state, load_plan

    path = plan_dir / "afis" / "PEEL22-02.toml"
    path.unlink()
    path.mkdir()
    code, out, err = afi("check", cwd=plan_dir.parent)
    assert code == 1
    assert "afis/PEEL22-02.toml:1: a folder: afi reads only plain files here" in out + err
    code, _, err = afi("list", cwd=plan_dir.parent)
    assert code == 0 and "PEEL22-02.toml:1: a folder" in err
    code, _, err = afi("show", "PEEL22-02", cwd=plan_dir.parent)
    assert code == 1 and "PEEL22-02.toml" in err
    # What the UI polls for matches what a read saw: no reload on every poll.
    assert files_state(plan_dir) == load_plan(plan_dir).files_state()


def test_symlinked_plan_file_is_refused_not_replaced(plan_dir, afi):
    target = plan_dir.parent / "elsewhere.toml"
    path = plan_dir / "afis" / "PEEL22-02.toml"
    shutil.move(path, target)
    path.symlink_to(target)
    code, _, err = afi("set", "PEEL22-02", "owner=X", cwd=plan_dir.parent)
    assert code == 1 and "symbolic link" in err
    assert path.is_symlink()


@contextlib.contextmanager
def read_only(folder: Path):
    """A folder nobody can add files to, not even root (the immutable attribute)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)


def test_read_only_items_folder_is_one_error_line(plan_dir, afi):
    repo = plan_dir.parent
    with read_only(plan_dir / "afis"):
        code, _, err = afi("set", "PEEL22-01", "owner=X", cwd=repo)
        assert code == 1 and err.startswith("afi: error: cannot write")
        assert err.count("\n") == 1
        code, _, err = afi("new", "--inspection", "HMIC07", "--area", "A", "--title", "T",
                           cwd=repo)
        assert code == 1 and err.count("\n") == 1
    assert git(repo, "status", "--porcelain") == ""


def test_bad_afi_today(plan_dir, afi, monkeypatch):
    monkeypatch.setenv("AFI_TODAY", "15-01-2023")
    code, _, err = afi("list", cwd=plan_dir.parent)
    assert code == 1 and err == ("afi: error: AFI_TODAY='15-01-2023' is not a date: use "
                                 "YYYY-MM-DD, or unset it\n")


@pytest.mark.parametrize("script", ["reassign_owner.py", "shift_due.py", "torture.py"])
def test_scripts_survive_a_closed_pipe(plan_dir, script):
    args = {"reassign_owner.py": ["Supt Smith", "Supt Jones", "--dry-run"],
            "shift_due.py": ["is:open", "--weeks", "2", "--reason", "r", "--dry-run"],
            "torture.py": ["--help"]}[script]
    done = subprocess.run(f"{sys.executable} {ROOT / 'scripts' / script} "
                          + " ".join(f"'{a}'" for a in args) + " | head -c 1",
                          shell=True, cwd=plan_dir.parent, capture_output=True, text=True)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_list_fits_the_terminal_width(plan_dir):
    path = plan_dir / "afis" / "PEEL22-01.toml"
    path.write_text(path.read_text().replace(
        'owner = "Supt Smith"', 'owner = "Detective Chief Superintendent Smith-Jones"'))
    for columns in (80, 100, 60):
        code, out = run_on_terminal(plan_dir.parent, "list", columns=columns,
                                    env={"NO_COLOR": "1"})
        lines = out.rstrip("\n").split("\n")
        assert code == 0 and len(lines) == 4
        assert max(len(line) for line in lines) <= columns, out
        assert "…" in out  # the title (then area, owner) gave way


@pytest.mark.parametrize("args", [
    [b"set", b"PEEL22-01", b"owner=DCI \xe9vans"],
    [b"note", b"PEEL22-01", b"latin-1 \xe9t\xe9"],
    [b"set", b"PEEL22-01", b"owner=DCI Brown", b"-m", b"r\xe9sum\xe9"],
    [b"new", b"--inspection", b"PEEL22", b"--area", b"Responding to the public", b"--title",
     b"caf\xe9"],
    [b"close", b"PEEL22-01", b"--by", b"DC\xc3", b"--board", b"Board"],
    [b"action", b"PEEL22-01", b"add", b"\xff"],
])
def test_arguments_that_are_not_utf8_are_refused_in_one_line(plan_dir, args):
    """A terminal set to Latin-1 sends bytes that are not UTF-8; Python keeps them as lone
    surrogates, which no file can hold: each ended in a traceback (naming the lock's
    holder, then writing the file). Now one line naming the field, exit 1, nothing
    written."""
    repo = plan_dir.parent
    before = git(repo, "rev-parse", "HEAD")
    done = subprocess.run([sys.executable, "-m", "tui", *args], cwd=repo,
                          capture_output=True, text=True, errors="replace")
    assert done.returncode in (1, 2), done.stderr
    assert done.stderr.startswith("afi: error: ") and "not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert git(repo, "rev-parse", "HEAD") == before
    assert not git(repo, "status", "--porcelain")


def test_init_refuses_a_title_that_is_not_utf8(repo):
    done = subprocess.run([sys.executable, "-m", "tui", "init", "--title", b"caf\xe9"],
                          cwd=repo, capture_output=True, text=True, errors="replace")
    assert done.returncode == 1 and "--title is not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr and not (repo / "plan").exists()


def test_the_write_layer_refuses_text_no_file_can_hold(plan_dir):
    """Below every check of values: a write of text that is not UTF-8 is refused, naming
    the file, before anything is written."""
    from tui.core.errors import InvalidValue
    from tui.core.git.repo import GitRepo
    from tui.core.write.commit import FileWrite, commit_files

    repo = GitRepo.find(plan_dir.parent)
    path = plan_dir / "afis" / "PEEL22-01.toml"
    text = path.read_text()
    with pytest.raises(InvalidValue, match="PEEL22-01.toml: a value is not UTF-8 text"):
        commit_files(repo, [FileWrite(path, text, text + 'x = "\udce9"\n', True)], "m\n")
    assert path.read_text() == text
