"""`afi commit [ID...]`: item files and plan.toml edited by hand, checked and committed
with field-level messages, through the write transaction like every other write."""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import AfiError, InvalidItem, NotFound, Problem
from tui.core.git import worktree
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, config_from_text
from tui.core.write import messages
from tui.core.write.pending import (
    committed_config,
    item_problems,
    read_or_none,
    require_reasons,
    toml_data,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import Commit, GitRepo
    from tui.core.model.items import PlanConfig
    from tui.core.plan import Plan


def commit_hand_edits(plan: Plan, names: list[str],
                      message: str | None = None) -> tuple[Commit | None, list[str]]:
    """`afi commit [ID...]`: check item files (and plan.toml) edited by hand and commit
    them with field-level messages. Returns the commit (None: nothing to commit) and
    warnings."""
    from tui.core.write.commit import FileWrite
    from tui.core.write.transaction import transaction

    user_message = messages.check_user_message(message)
    repo = plan.repo()
    with transaction(repo, "afi commit") as txn:
        warnings = txn.warnings
        changed = _changed_files(repo, plan.dir, names)
        if not changed:
            return None, warnings
        plan_file = plan.dir / PLAN_FILE
        head = repo.files_at("HEAD", [*changed, plan_file]) if repo.head_sha() else {}
        if plan_file in changed:
            config, problems, _ = config_from_text(plan_file, read_or_none(plan_file) or "")
            committed = head.get(repo.relative(plan_file))
            problems += _broken_by_plan_edit(plan, changed, committed)
        else:
            config, problems = committed_config(plan, head.get(repo.relative(plan_file)))[0], []
        writes, items, others = [], [], []
        for path in changed:
            text = read_or_none(path)
            committed = head.get(repo.relative(path))
            old = toml_data(committed.decode("utf-8")) if committed is not None else None
            if path == plan_file:
                others.append((PLAN_FILE, messages.file_notes(old, toml_data(text or ""))))
            elif text is None:
                items.append((path.stem, messages.item_notes(old, None)))
            elif found := item_problems(path, text, config, old):
                problems += found
            else:
                new = toml_data(text)
                if old is not None:  # a reason by hand is a progress update in the same edit
                    logged = len(new.get("updates", [])) > len(old.get("updates", []))
                    require_reasons(path.stem, old, new, config,
                                     given={"due": "", "status": ""} if logged else {},
                                     hint="add a [[updates]] entry saying why, in the same "
                                          "edit")
                items.append((path.stem, messages.item_notes(old, new)))
            writes.append(FileWrite(path, text, text, in_head=committed is not None))
        if problems:
            raise InvalidItem(problems)
        if not any(notes for _, notes in items + others):
            raise AfiError("the files differ from the last commit only in comments or layout: "
                           "commit them with git itself, saying why")
        commit = txn.commit(writes, messages.compose(items, others, user_message),
                            checked={w.path for w in writes})
    if plan_file in changed and (stale := _stale_editor_schema(repo, plan.dir, config)):
        warnings.append(stale)
    return commit, warnings


def _stale_editor_schema(repo: GitRepo, plan_dir: Path, config: PlanConfig) -> str | None:
    """A plan.toml edit can add statuses, areas or boards that the editor schema (if the
    plan has one) does not offer yet: say so, rather than let editors flag valid values."""
    from tui.core.write.editor_config import SCHEMA_DIR, editor_writes

    if not (plan_dir / SCHEMA_DIR).is_dir() or not editor_writes(repo, plan_dir, config):
        return None
    return (f"the editor schema ({repo.relative(plan_dir / SCHEMA_DIR)}) no longer matches "
            "plan.toml: `afi setup` brings it up to date")


def _changed_files(repo: GitRepo, plan_dir: Path, names: list[str]) -> list[Path]:
    """Item files and plan.toml that differ from HEAD (modified, new or deleted)."""
    found = []
    for name in worktree.dirty_files(repo, plan_dir / PLAN_FILE, plan_dir / ITEMS_DIR):
        path = repo.root / name
        if path == plan_dir / PLAN_FILE or (path.parent == plan_dir / ITEMS_DIR
                                            and path.suffix == ".toml"):
            found.append(path)
    if not names:
        return found
    wanted = {n.lower().removesuffix(".toml") for n in names}
    chosen = [p for p in found if p.stem.lower() in wanted or
              (p.name == PLAN_FILE and "plan" in wanted)]
    missing = wanted - {p.stem.lower() for p in chosen}
    if missing:
        raise NotFound(f"no uncommitted edits to {', '.join(sorted(missing))}: "
                       "`git status` shows what has changed")
    return chosen


def _broken_by_plan_edit(plan: Plan, changed: list[Path],
                         committed_plan: bytes | None) -> list[Problem]:
    """Problems of items the edited plan.toml would break (say, an inspection they name
    removed): items valid under the committed plan.toml that fail under the new one."""
    fresh = type(plan)(plan.dir)  # read with the plan.toml now on disk
    before, _, readable = config_from_text(plan.dir / PLAN_FILE, (committed_plan or b"")
                                           .decode("utf-8", errors="replace"))
    broken = []
    for problem in fresh.problems:
        if problem.path in changed or problem.path.name == PLAN_FILE:
            continue
        text = read_or_none(problem.path)
        if text is not None and readable and not item_problems(problem.path, text, before):
            broken.append(problem)
    return broken
