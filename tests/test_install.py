"""afi as an installed tool: a wheel built from this tree, installed into a fresh virtual
environment, works from a folder far from the source (templates, stylesheet and schemas
shipped), as `pipx install .` and `uv tool install .` would install it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".ruff_cache", "plan", "tests", "docs")

FIRST_SCREEN = textwrap.dedent("""\
    import asyncio, sys
    from pathlib import Path

    import tui
    from tui.app.run import create_app


    async def main():
        app = create_app(Path(sys.argv[1]))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            print(tui.__file__)
            print(type(app.screen).__name__, len(app.stylesheet.rules) > 0)

    asyncio.run(main())
    """)


def run(*args, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_built_wheel_installs_and_runs_outside_the_source_tree(tmp_path):
    # Build from a copy: an in-tree build would leave build/ and egg-info in the checkout.
    source = Path(shutil.copytree(ROOT, tmp_path / "source", ignore=IGNORED))
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", wheels, source, cwd=tmp_path)
    wheel = next(wheels.glob("afi-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("tui/app/afi.tcss", "tui/core/schemas/item.json",
                    "tui/core/schemas/plan.json"):
        assert shipped in names
    assert any(n.startswith("tui/core/pack/templates/") for n in names)

    # A fresh environment; afi's dependencies come from this one's (no download).
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    cwd=tmp_path).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "deps-from-the-test-environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=tmp_path)

    afi = venv / "bin" / "afi"
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run("git", "init", "-q", "-b", "main", cwd=work)
    run("git", "config", "user.name", "Test Lead", cwd=work)
    run("git", "config", "user.email", "lead@example.org", cwd=work)
    assert run(afi, "--version", cwd=work).strip() == "afi 0.1.0"  # no checkout to name
    run(afi, "init", cwd=work, env=env)
    plan_toml = work / "plan" / "plan.toml"
    plan_toml.write_text(plan_toml.read_text(encoding="utf-8").replace(
        "[views]", '[[inspections]]\nid = "PEEL22"\ntitle = "PEEL 2021/22"\n\n[views]', 1),
        encoding="utf-8")
    run(afi, "commit", "-m", "Add the PEEL inspection", cwd=work, env=env)
    run(afi, "new", "--inspection", "PEEL22", "--area", "Responding to the public",
        "--title", "Answer 999 calls faster", cwd=work, env=env)
    assert "PEEL22-01" in run(afi, "list", cwd=work, env=env)
    html = run(afi, "report", "--format", "html", cwd=work, env=env)
    assert html.lstrip().lower().startswith("<!doctype html") and "PEEL22-01" in html
    assert '"title": "afi item"' in run(afi, "schema", "item", cwd=work, env=env)
    assert "complete -F _afi_complete afi" in run(afi, "completion", "bash", cwd=work, env=env)

    script = tmp_path / "first_screen.py"
    script.write_text(FIRST_SCREEN, encoding="utf-8")
    where, screen = run(python, script, work / "plan", cwd=work, env=env).splitlines()[-2:]
    assert where.startswith(str(venv))  # the installed copy, not this checkout
    assert screen == "ListScreen True"


def test_version_names_the_commit_in_a_checkout(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # afi as run from this checkout
    out = run(sys.executable, "-m", "tui", "--version", cwd=tmp_path, env=env)
    head = subprocess.run(["git", "rev-parse", "--short=8", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()
    assert out.startswith("afi 0.1.0 (") and head in out
