"""The git layer (tui/core/git) is the bottom of the repository side: every git command
runs there, as a named operation, and it imports nothing from the layers built on it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tui
from tui.core.errors import GitError
from tui.core.git import revs, worktree
from tui.core.git.history_index import HistoryIndex
from tui.core.git.repo import GitRepo, _held_descriptors
from tui.core.write.lock import held_descriptors, plan_lock

from .conftest import git

PACKAGE = Path(tui.__file__).parent
GIT_LAYER = PACKAGE / "core" / "git"
ABOVE_GIT = ("tui.core.write", "tui.core.team", "tui.core.pack", "tui.core.imports",
             "tui.core.plan", "tui.core.check", "tui.core.init", "tui.core.scripting",
             "tui.cli", "tui.app")
# The layer's own modules that run git: they need nothing of afi but its errors (and the
# walk up the filesystem that finds a repository's .git, in store).
RUNNERS = ("repo", "commits", "committing", "revs", "tags", "config", "worktree",
           "integrate")
RUNNER_MAY_IMPORT = ("tui.core.errors", "tui.core.git", "tui.core.store.reading")
GIT_CALLS = ("run", "out", "stream", "run_showing_progress", "run_detached")


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module imported, at any depth (functions too), except under TYPE_CHECKING."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import at line {node.lineno}"
            found.append((node.lineno, node.module or ""))
    return found


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_git_layer_imports_nothing_above_it():
    for path in _modules(GIT_LAYER):
        for line, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            assert not name.startswith(ABOVE_GIT), f"{path.name}:{line} imports {name}"


def test_the_modules_that_run_git_import_only_errors():
    for module in RUNNERS:
        path = GIT_LAYER / f"{module}.py"
        for line, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith("tui"):
                assert name.startswith(RUNNER_MAY_IMPORT), f"{path.name}:{line} imports {name}"


def test_no_module_outside_the_git_layer_runs_git():
    for path in _modules(PACKAGE):
        if GIT_LAYER in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent)
        for line, name in _imports(tree):
            top = name.split(".")[0]
            assert top not in ("git", "subprocess"), f"{where}:{line} imports {name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in GIT_CALLS and node.args \
                    and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                raise AssertionError(f"{where}:{node.lineno} runs git arguments itself "
                                     f"(.{node.func.attr}(...)): name the operation in "
                                     "tui/core/git")


def _commit(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")
    git(root, "add", name)
    git(root, "commit", "-q", "-m", f"{name}: {text}")


def test_divergence_counts_each_side(repo):
    _commit(repo, "a.txt", "base")
    git(repo, "branch", "other")
    _commit(repo, "a.txt", "here 1")
    _commit(repo, "a.txt", "here 2")
    git(repo, "switch", "-q", "other")
    _commit(repo, "b.txt", "there")
    git(repo, "switch", "-q", "main")
    found = GitRepo.find(repo)
    assert revs.divergence(found, "HEAD", "other") == (2, 1)
    assert revs.divergence(found, "other", "HEAD") == (1, 2)
    assert revs.divergence(found, "other~1", "HEAD") == (0, 2)  # an ancestor
    with pytest.raises(GitError):
        revs.divergence(found, "HEAD", "no-such-branch")


def test_the_history_index_reads_a_rewritten_head_as_diverged(repo):
    """The index's own use of divergence: an old head git no longer has counts as
    diverged (rebuild), not as an error."""
    _commit(repo, "a.txt", "base")
    index = HistoryIndex(GitRepo.find(repo), repo / "plan")
    head = GitRepo.find(repo).head_sha()
    assert index._divergence(head, head) == (0, 0)
    assert index._divergence("0" * 40, head) == (1, 0)


def test_dirty_files_is_the_one_uncommitted_edits_check(plan_dir):
    repo = plan_dir.parent
    found = GitRepo.find(repo)
    assert worktree.dirty_files(found, plan_dir) == []
    (plan_dir / "afis" / "PEEL22-01.toml").write_text("changed\n", encoding="utf-8")
    (plan_dir / "afis" / "new item.toml").write_text("new\n", encoding="utf-8")
    (repo / "outside.txt").write_text("not the plan's\n", encoding="utf-8")
    (plan_dir / "plan.toml").unlink()
    assert sorted(worktree.dirty_files(found, plan_dir)) == [
        "plan/afis/PEEL22-01.toml", "plan/afis/new item.toml", "plan/plan.toml"]
    assert worktree.dirty_files(found, plan_dir / "plan.toml") == ["plan/plan.toml"]


def test_git_run_under_the_write_lock_inherits_it(repo):
    found = GitRepo.find(repo)
    with plan_lock(found.git_dir, "test"):
        held = held_descriptors()
        assert held and set(held) <= set(_held_descriptors())
    assert _held_descriptors() == ()
