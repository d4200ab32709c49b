"""`afi init`: a new plan folder with a starter plan.toml, committed."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.core.errors import AfiError
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, config_from_text, find_git_dir

TEMPLATE = '''# The improvement plan. Items live in afis/<id>.toml, one file per item.
title = {title}
due_soon_days = 45  # items due within this many days show as "due soon"

# Each inspection whose findings this plan tracks; an item names one in `inspection`.
# Uncomment and fill in, then `afi new --inspection PEEL22 --area ... --title ...`.
# [[inspections]]
# id = "PEEL22"
# title = "PEEL 2021/22: An inspection of ..."
# scale = "peel-5"  # peel-5 | peel-4 | hmic-4
#
# [[areas]]
# inspection = "PEEL22"
# name = "Responding to the public"
# grade = "requires improvement"

[views]  # saved queries: `afi list view:overdue`, or one key in the terminal UI
overdue = "is:overdue sort:due"
due-soon = "is:due-soon sort:due"
open = "is:open sort:due"
'''


def init_plan(directory: Path, title: str,
              repo_here: bool = False) -> tuple[Path, str, list[str]]:
    """Create the plan and commit it; when the folder is not inside a repository, `git
    init` the folder itself, or the current folder when `repo_here` (`afi init` with no
    DIR: a repository holding ./plan, as this project's own layout). All or nothing."""
    import tomlkit

    from tui.core.git.repo import GitRepo, init_repo
    from tui.core.team.sync import attributes_write, register_driver
    from tui.core.write.commit import FileWrite
    from tui.core.write.editor_config import editor_writes
    from tui.core.write.transaction import transaction

    plan_dir = directory.resolve()
    if (plan_dir / PLAN_FILE).exists():
        raise AfiError(f"{plan_dir / PLAN_FILE} already exists: this is a plan already")
    existing = next((p for p in (plan_dir, *plan_dir.parents) if p.exists()), Path("/"))
    created_repo: Path | None = None
    if find_git_dir(existing) is None:
        cwd = Path.cwd().resolve()
        root = cwd if repo_here and plan_dir.is_relative_to(cwd) and plan_dir != cwd \
            else plan_dir
        root.mkdir(parents=True, exist_ok=True)
        init_repo(root)
        created_repo = root / ".git"
    made_dirs = [p for p in (plan_dir, plan_dir / ITEMS_DIR) if not p.exists()]
    try:
        repo = GitRepo.find(next(p for p in (plan_dir, *plan_dir.parents) if p.exists()))
        with transaction(repo, "afi init") as txn:
            warnings = txn.warnings
            (plan_dir / ITEMS_DIR).mkdir(parents=True, exist_ok=True)
            text = TEMPLATE.format(title=tomlkit.string(_one_line(title)).as_string())
            writes = [FileWrite(plan_dir / PLAN_FILE, None, text)]
            # The editor schema: item files and plan.toml checked as they are typed.
            config = config_from_text(plan_dir / PLAN_FILE, text)[0]
            writes += editor_writes(repo, plan_dir, config)
            # Item files merge field by field (afi sync, and plain git pull and merge).
            if (attributes := attributes_write(repo, plan_dir)) is not None:
                writes.append(attributes)
            commit = txn.commit(writes, f"Start plan: {_one_line(title)}\n")
            register_driver(repo)
    except BaseException:
        (plan_dir / PLAN_FILE).unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            shutil.rmtree(folder, ignore_errors=True)
        if created_repo is not None:
            shutil.rmtree(created_repo, ignore_errors=True)
        raise
    return plan_dir, commit.sha, warnings


def _one_line(text: str) -> str:
    """A title is one line of text: control characters would corrupt the commit subject,
    and bidi or zero-width characters would make it say something else."""
    from tui.core.errors import InvalidValue
    from tui.core.safe_text import has_controls, hidden_character, not_utf8

    cleaned = " ".join(str(text).split())
    if not_utf8(cleaned):
        raise InvalidValue("--title is not UTF-8 text (set the terminal to UTF-8, or type it "
                           "again)")
    if not cleaned or has_controls(cleaned):
        raise InvalidValue("--title must be one line of text without control characters")
    if (hidden := hidden_character(cleaned)) is not None:
        raise InvalidValue(f"--title holds {hidden}, which hides what the text says: type "
                           "it without")
    return cleaned
