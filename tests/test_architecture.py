"""The core stays free of the UI, and the fast paths stay free of slow imports."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import tui

PACKAGE = Path(tui.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_textual_or_the_ui():
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in ("textual", "rich"), f"{path.name} imports {name}"
            assert not name.startswith(("tui.app", "tui.cli")), f"{path.name} imports {name}"


def test_cli_does_not_import_textual_at_module_level():
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: the `tui` command imports it lazily
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                assert not any(n.startswith(("textual", "tui.app")) for n in names), path


def test_listing_loads_neither_textual_tomlkit_nor_gitpython():
    code = ("import sys; from tui.cli.main import main; from tui.cli import commands; "
            "from tui.core.plan import Plan; from tui.core.model import query; "
            "print(sorted(m for m in ('textual', 'tomlkit', 'git') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_warm_list_imports_only_what_listing_needs(plan_dir):
    """`afi list` on unchanged files reads the cache: no TOML parser, no validation, and
    none of the modules measured to cost milliseconds at start (docs/benchmarks.md)."""
    time.sleep(2.1)  # files written in the last 2 s are always read again (item_cache.py)
    code = ("import sys; from tui.cli.main import main; main(['--plan', sys.argv[1], 'list']); "
            "main(['--plan', sys.argv[1], 'list', 'status:in-progress', '--format', 'csv']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2:] "
            "or m in sys.argv[2:]))")
    heavy = ["tomllib", "tomlkit", "git", "textual", "dataclasses", "inspect", "typing",
             "hashlib", "tempfile", "shutil", "json", "tui.core.model.validate",
             "tui.core.write.journal"]
    subprocess.run([sys.executable, "-c", code, str(plan_dir), *heavy], check=True,
                   capture_output=True)  # the first run fills the cache
    done = subprocess.run([sys.executable, "-c", code, str(plan_dir), *heavy],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
