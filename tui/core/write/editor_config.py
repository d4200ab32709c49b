"""The editor configuration `afi init` and `afi setup` commit: the plan's own JSON Schemas
(json_schema.py, with its statuses, kinds, inspections, areas and boards as enumerations)
in `<plan>/.schema/`, and a `.taplo.toml` at the top of the repository that points the
taplo language server (VS Code's Even Better TOML, and any editor using taplo) at them.

A `.taplo.toml` of the user's own (one without afi's first line) is left alone.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.model import json_schema
from tui.core.model.items import PlanConfig
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo
    from tui.core.plan import Plan
    from tui.core.write.commit import FileWrite

SCHEMA_DIR = ".schema"
TAPLO_FILE = ".taplo.toml"
MARK = "# Written by afi (`afi setup` brings it up to date)"


def taplo_text(repo: GitRepo, plan_dir: Path) -> str:
    where = repo.relative(plan_dir)
    prefix = "" if where in ("", ".") else f"{where}/"
    rules = []
    for glob, name in ((f"{prefix}{ITEMS_DIR}/*.toml", "item"), (f"{prefix}{PLAN_FILE}", "plan")):
        rules.append(f'[[rule]]\ninclude = ["{glob}"]\n\n[rule.schema]\n'
                     f'path = "./{prefix}{SCHEMA_DIR}/{name}.json"\n')
    return (f"{MARK}: the taplo language server\n# (VS Code's Even Better TOML) checks the plan's "
            "files against these schemas as you\n# type: keys, statuses, kinds, areas and "
            "boards. Delete this file to turn it off.\n\n" + "\n".join(rules))


def editor_writes(repo: GitRepo, plan_dir: Path, config: PlanConfig) -> list[FileWrite]:
    """The files to write (as FileWrites for the commit that holds them), only those
    whose content would change; empty when all are up to date."""
    from tui.core.write.commit import FileWrite

    wanted = {plan_dir / SCHEMA_DIR / "item.json": json_schema.dumps(
                  json_schema.item_schema(config)),
              plan_dir / SCHEMA_DIR / "plan.json": json_schema.dumps(
                  json_schema.plan_schema(config))}
    taplo = repo.root / TAPLO_FILE
    old_taplo = _text(taplo)
    if old_taplo is None or old_taplo.startswith(MARK):
        wanted[taplo] = taplo_text(repo, plan_dir)
    writes = []
    for path, new in wanted.items():
        old = old_taplo if path == taplo else _text(path)
        if old != new:
            writes.append(FileWrite(path, old, new))
    return writes


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def commit_editor_config(plan: Plan) -> list[str]:
    """Bring the editor configuration up to date in one commit (`afi setup`); what was
    done, as lines (none when it was up to date)."""
    from tui.core.write.transaction import transaction

    repo = plan.repo()
    if not editor_writes(repo, plan.dir, plan.config):
        return []
    with transaction(repo, "afi setup") as txn:
        writes = editor_writes(repo, plan.dir, plan.config)  # again, under the lock
        if not writes:
            return []
        txn.commit(writes, "Editor schema for the plan's files (statuses, kinds, areas, "
                           "boards)\n")
    return ["committed " + ", ".join(repo.relative(w.path) for w in writes)
            + ": editors using taplo (VS Code's Even Better TOML) check the plan's files"]
