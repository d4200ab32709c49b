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



def test_the_core_imports_typing_only_for_type_checking():
    """`typing` costs every command 2 ms to import and the core's annotations are never
    evaluated: it is imported under `if TYPE_CHECKING:` only (docs/benchmarks.md)."""
    found = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        def visit(node: ast.AST, path: Path = path) -> None:
            if _type_only(node):
                for child in node.orelse:  # type: ignore[attr-defined]
                    visit(child)
                return
            if isinstance(node, ast.Import) and any(a.name == "typing" for a in node.names) \
                    or isinstance(node, ast.ImportFrom) and node.module == "typing":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            for child in ast.iter_child_nodes(node):
                visit(child)
        visit(ast.parse(path.read_text(encoding="utf-8")))
    assert found == []


def test_names_from_typing_are_used_in_annotations_only():
    """Imported for type checking only, a name of `typing` used in code (`list[Any]()`)
    would fail where it runs, perhaps in a branch no test reaches."""
    found = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.asname or alias.name for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "typing"
                 for alias in node.names} - {"TYPE_CHECKING"}
        typed = set()  # annotations and `if TYPE_CHECKING:` blocks are never evaluated
        for node in ast.walk(tree):
            parts = [getattr(node, "annotation", None), getattr(node, "returns", None)]
            if _type_only(node):
                parts += node.body  # type: ignore[attr-defined]
            typed.update(id(inner) for part in parts if part is not None
                         for inner in ast.walk(part))
        found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.id}"
                  for node in ast.walk(tree) if isinstance(node, ast.Name)
                  and node.id in names and id(node) not in typed]
    assert found == []


def test_a_warm_show_and_log_import_nothing_heavy(plan_dir):
    """Reading one item and its history on a warm cache and history index: no TOML
    parser, no GitPython, no typing, no query language (each measured in milliseconds at
    start)."""
    time.sleep(2.1)  # files written in the last 2 s are always read again (item_cache.py)
    code = ("import sys; from tui.cli.main import main; "
            "main(['--plan', sys.argv[1], 'show', 'PEEL22-01']); "
            "main(['--plan', sys.argv[1], 'log', 'PEEL22-01']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2:] "
            "or m in sys.argv[2:]))")
    heavy = ["tomllib", "tomlkit", "git", "textual", "typing", "dataclasses", "inspect",
             "tui.core.model.query"]
    subprocess.run([sys.executable, "-c", code, str(plan_dir), *heavy], check=True,
                   capture_output=True)  # the first run fills the cache and the index
    done = subprocess.run([sys.executable, "-c", code, str(plan_dir), *heavy],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"

# -- the floors of the core (tui/core/__init__.py LAYERS) ------------------------------------

def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (typing's, or a module's own `TYPE_CHECKING = False`)."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def run_time_imports(name: str, source: str | None = None) -> list[tuple[str, int]]:
    """The afi modules `name` imports when it runs: module level, inside functions, relative
    or absolute; not those under `if TYPE_CHECKING:` (types only). `source`: its text, if
    not the file's."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if _type_only(node):
            for child in node.orelse:  # type: ignore[attr-defined]
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            full = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{full}.{alias.name}"
                found.append((sub if sub in MODULES else full, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source if source is not None else path.read_text(encoding="utf-8")))
    return [(target, line) for target, line in found
            if target in MODULES and target.startswith("tui.")]


def _room(name: str) -> tuple[int, str] | None:
    """(floor, room) of a module: its package under tui.core, or, for the modules directly
    in tui/core, the floor itself. The package `tui.core` re-exports the facade."""
    from tui.core import LAYERS

    if name == "tui.core":
        name = "tui.core.plan"
    for floor, entries in enumerate(LAYERS):
        for entry in entries:
            if name == entry or name.startswith(entry + "."):
                package = MODULES[entry].name == "__init__.py"
                return floor, entry if package else f"floor {floor}"
    return None


# Imports still being taken out of the git layer (it is to import nothing else from afi).
# Each must still exist (see the test below): delete it here when it goes.
NOT_YET_OUT: set[tuple[str, str]] = set()  # the git layer imports nothing above it


def test_imports_not_yet_out_of_the_git_layer_are_still_there():
    stale = {(name, target) for name, target in NOT_YET_OUT
             if target not in {t for t, _ in run_time_imports(name)}}
    assert not stale, f"gone: remove them from NOT_YET_OUT: {sorted(stale)}"


def test_every_module_of_the_core_has_a_floor():
    missing = [name for name in MODULES if name.startswith("tui.core.") and _room(name) is None]
    assert not missing, f"not in LAYERS (tui/core/__init__.py): {missing}"


def test_no_module_imports_from_a_higher_floor_or_a_room_beside_it():
    wrong: set[str] = set()
    for name in MODULES:
        mine = _room(name)
        if mine is None or not name.startswith("tui.core"):
            continue
        for target, line in run_time_imports(name):
            theirs = _room(target)
            if theirs is None or theirs[1] == mine[1] or theirs[0] < mine[0] or \
                    (name, target) in NOT_YET_OUT:
                continue
            wrong.add(f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} imports {target} "
                         f"(floor {theirs[0]}, above or beside floor {mine[0]})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle_between_modules():
    graph = {name: sorted({t for t, _ in run_time_imports(name)
                           if t != name and (name, t) not in NOT_YET_OUT})
             for name in MODULES if name.startswith("tui.core")}
    graph["tui.core"] = []  # Python runs a package's __init__ first: not an edge of ours
    for name in graph:
        graph[name] = [t for t in graph[name] if t != "tui.core"]
    done: set[str] = set()
    cycles = []

    def walk(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append(" -> ".join(path[path.index(name):] + [name]))
            return
        if name in done:
            return
        for target in graph.get(name, []):
            walk(target, path + [name])
        done.add(name)

    for name in graph:
        walk(name, [])
    assert not cycles, "\n".join(cycles)


def test_relative_imports_and_imports_in_functions_count_type_only_ones_do_not():
    source = """
from typing import TYPE_CHECKING
from . import messages
from ..model.items import Item
if TYPE_CHECKING:
    from tui.core.plan import Plan
else:
    from tui.core.store import reading
TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.check import check_plan_folder

def later():
    import tui.core.team.sync
    from ...core.pack import build
"""
    found = {target for target, _ in run_time_imports("tui.core.write.change", source)}
    assert found == {"tui.core.write.messages", "tui.core.model.items", "tui.core.store.reading",
                     "tui.core.team.sync", "tui.core.pack.build"}
    assert _room("tui.core.write.change") == (4, "tui.core.write")
    assert _room("tui.core.errors") == (0, "floor 0")


def test_no_module_is_over_500_lines():
    """A module that says one thing stays readable: split a big one by concept."""
    long = {str(p.relative_to(PACKAGE.parent)): n for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
