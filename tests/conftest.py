"""Shared fixtures: real git repositories with a small plan, made in tmp_path."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from tui.cli.main import main as afi_main

NEEDED = {"textual": "textual", "tomlkit": "tomlkit", "git": "GitPython",
          "pytest_asyncio": "pytest-asyncio", "pytest_textual_snapshot": "pytest-textual-snapshot"}


def pytest_configure(config: pytest.Config) -> None:
    """In a Python without afi's dependencies every test would fail on an import: say so
    once, with the command that sets them up."""
    missing = [name for module, name in NEEDED.items() if importlib.util.find_spec(module) is None]
    if missing:
        pytest.exit(f"{sys.executable} lacks afi's test dependencies ({', '.join(missing)}). "
                    "Install them and run the tests as the README says: python3 -m venv .venv "
                    "&& .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
                    returncode=4)

TODAY = "2025-01-15"

PLAN_TOML = """\
title = "Test force: improvement plan"
due_soon_days = 45

[[inspections]]
id = "PEEL22"
title = "PEEL 2021/22"
scale = "peel-5"

[[inspections]]
id = "HMIC07"
title = "HMIC 2007"
scale = "hmic-4"

[[areas]]
inspection = "PEEL22"
name = "Responding to the public"
grade = "requires improvement"

[views]
overdue = "is:overdue sort:due"
mine = "owner:smith"
"""

ITEMS = {
    "PEEL22-01": """\
        id = "PEEL22-01"
        kind = "afi"
        inspection = "PEEL22"
        number = 1
        area = "Responding to the public"
        title = "The force should answer 999 calls faster"
        status = "in-progress"  # reviewed at FIB
        owner = "Supt Smith"
        due = 2024-12-31
        group = "demand"

        [[actions]]
        text = "Recruit call handlers"
        done = true

        [[actions]]
        text = "Review shift pattern"
        done = false
        """,
    "PEEL22-02": """\
        id = "PEEL22-02"
        kind = "afi"
        inspection = "PEEL22"
        number = 2
        area = "Responding to the public"
        title = "The force should identify repeat victims"
        status = "not-started"
        owner = "DCI Jones"
        due = 2025-02-10
        group = "demand"
        """,
    "HMIC07-R01": """\
        id = "HMIC07-R01"
        kind = "recommendation"
        inspection = "HMIC07"
        number = 1
        area = "Protective services"
        title = "Improve intelligence sharing"
        status = "closed"
        due = 2008-03-31

        [closure]
        approved_by = "DCC"
        board = "Force Improvement Board"
        date = 2008-05-01
        """,
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in `cwd` and return its stdout (tests' own look at the repository)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped plan as committed (HEAD's plan/), extracted into a temporary folder.
    Never the working tree's plan/: using the app edits that, and the tests must not
    depend on what someone did with it. Read only: a test that writes copies it first."""
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD", "plan"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    into = tmp_path_factory.mktemp("shipped")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "plan"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test sees the developer's git config, plan or clock."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("AFI_TODAY", TODAY)
    # Fixed commit dates make commit ids, and so the history snapshots, reproducible.
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-01-10T09:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-01-10T09:00:00+00:00")
    for var in ("AFI_PLAN", "AFI_NO_CACHE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR",
                "GIT_WORK_TREE", "GIT_INDEX_FILE", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository with an identity configured."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Lead")
    git(root, "config", "user.email", "lead@example.org")
    return root


def write_item(plan_dir: Path, item_id: str, text: str) -> Path:
    path = plan_dir / "afis" / f"{item_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def plan_dir(repo: Path) -> Path:
    """repo/plan with plan.toml and three items, committed."""
    plan = repo / "plan"
    plan.mkdir()
    (plan / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")
    for item_id, text in ITEMS.items():
        write_item(plan, item_id, text)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Initial plan")
    return plan


class Afi:
    """Runs `afi` in-process, as a user would from `cwd`, capturing output."""

    def __init__(self, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            self.monkeypatch.chdir(cwd)
        self.capsys.readouterr()
        code = afi_main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def afi(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Afi:
    return Afi(capsys, monkeypatch)


@pytest.fixture
def team(plan_dir, tmp_path):
    """(alice, bob): two clones of a bare repository holding the test plan."""
    shared = tmp_path / "shared.git"
    git(tmp_path, "clone", "-q", "--bare", str(plan_dir.parent), str(shared))
    clones = []
    for name in ("alice", "bob"):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(shared), str(clone))
        git(clone, "config", "user.name", name.title())
        git(clone, "config", "user.email", f"{name}@example.org")
        clones.append(clone)
    return clones


def install_pre_receive(shared: Path) -> Path:
    """docs/examples/pre-receive as the bare repository's hook, running this afi; returns
    the afi command it runs."""
    import shutil
    import sys

    hook = shared / "hooks" / "pre-receive"
    shutil.copy(Path(__file__).resolve().parent.parent / "docs" / "examples" / "pre-receive",
                hook)
    hook.chmod(0o755)
    afi_script = Path(sys.executable).parent / "afi"
    git(shared, "config", "core.hooksPath", str(shared / "hooks"))
    hook.write_text(hook.read_text().replace("AFI=${AFI:-afi}",
                                             f"export AFI={afi_script}\nAFI=${{AFI:-afi}}"))
    return afi_script


BOARDS = '\nboards = ["Force Improvement Board", "PEEL Oversight Board"]\n'


@pytest.fixture
def governed(plan_dir):
    """The test plan with named boards, committed."""
    plan_file = plan_dir / "plan.toml"
    text = plan_file.read_text()
    plan_file.write_text(text.replace("due_soon_days = 45\n", "due_soon_days = 45" + BOARDS))
    git(plan_dir.parent, "commit", "-qam", "Name the boards")
    return plan_dir


def board_cycle(governed: Path, afi, monkeypatch, *more: list[str]) -> Path:
    """A board meets, then (a day later) a note, a moved due date, a delivered item and
    `more` commands, each of which must succeed."""
    repo = governed.parent
    assert afi("board", "mark", "Force Improvement Board", cwd=repo)[0] == 0
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-01-14T10:00:00+00:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-01-14T10:00:00+00:00")
    for args in (["note", "PEEL22-01", "Recruited 40 of 60 call handlers"],
                 ["set", "PEEL22-02", "due=2025-04-30", "--reason", "new rota"],
                 ["set", "PEEL22-02", "status=complete"],
                 *more):
        code, _, err = afi(*args, cwd=repo)
        assert code == 0, (args, err)
    return governed
