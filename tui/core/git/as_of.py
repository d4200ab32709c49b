"""The plan as it stood at a commit (`afi list --as-of`, `afi report --as-of`).

The item files and plan.toml are read from git at that commit (one `ls-tree` of the
plan's folders and one `cat-file --batch`) and validated against plan.toml as it was
then. An item whose blob is the one the working tree holds today (unchanged since) is not
parsed again: its current Item is reused, which at 10,000 items makes a plan 5,000 commits
old cost what changed since, not the whole plan.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from tui.core.errors import Problem
from tui.core.git import worktree
from tui.core.model.items import Item
from tui.core.store.reading import (
    ITEMS_DIR,
    PLAN_FILE,
    Snapshot,
    config_from_text,
    item_problems,
    parse_text,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo
    from tui.core.model.items import PlanConfig
    from tui.core.plan import Plan

BLOB_BATCH = 2_000  # blobs read per `git cat-file --batch`


def snapshot_at(plan: Plan, commit: str) -> Snapshot:
    """Config, valid items and problems of the plan folder as committed at `commit`."""
    repo = plan.repo()
    items_dir = plan.dir / ITEMS_DIR
    tree = _tree(repo, commit, [plan.dir, items_dir])
    plan_rel = repo.relative(plan.dir / PLAN_FILE)
    texts = repo.read_blobs([tree[plan_rel]]) if plan_rel in tree else {}
    if plan_rel in tree and tree[plan_rel] in texts:
        config, problems, readable = config_from_text(
            plan.dir / PLAN_FILE, texts[tree[plan_rel]].decode("utf-8", errors="replace"))
    else:
        config, problems, readable = config_from_text(plan.dir / PLAN_FILE, 'title = ""\n')
        problems = [Problem(plan.dir / PLAN_FILE, 1, f"no plan.toml at {commit[:8]}")]
    items_rel = repo.relative(items_dir)
    wanted = {rel: blob for rel, blob in tree.items()
              if rel.startswith(items_rel + "/") and rel.endswith(".toml")}
    reusable = _unchanged_items(plan, repo, items_rel) if _same_config(plan, config) else {}
    items: list[Item] = []
    to_parse = [(rel, blob) for rel, blob in sorted(wanted.items()) if blob not in reusable]
    for start in range(0, len(to_parse), BLOB_BATCH):
        batch = to_parse[start:start + BLOB_BATCH]
        blobs = repo.read_blobs(blob for _, blob in batch)
        for rel, blob in batch:
            path = repo.root / rel
            text = blobs.get(blob, b"").decode("utf-8", errors="replace")
            data, found = parse_text(path, text)
            found += item_problems(path, text, data, config, check_inspection=readable)
            if found:
                problems += found
            elif data is not None:
                items.append(Item(data, path))
    items += [reusable[blob] for rel, blob in wanted.items() if blob in reusable]
    items.sort(key=lambda item: PurePosixPath(str(item.path)).name)
    from tui.core.store.reading import _drop_duplicate_ids

    items, duplicates = _drop_duplicate_ids(items, read=False)
    return Snapshot(plan.dir, config, items, problems + duplicates)


def _tree(repo: GitRepo, commit: str, folders: list[Path]) -> dict[str, str]:
    """Relative path -> blob id of the files directly in `folders` at `commit`."""
    return repo.blobs_in(commit, [repo.relative(f) for f in folders])


def _unchanged_items(plan: Plan, repo: GitRepo, items_rel: str) -> dict[str, Item]:
    """Blob id -> today's Item, for item files the working tree holds exactly as git's
    index does (git's own stat check says which differ)."""
    staged = worktree.staged_blobs(repo, items_rel)
    differ = worktree.differ_from_index(repo, items_rel)
    by_name = {os.path.basename(str(item.path)): item for item in plan.items}
    reusable = {}
    for rel, blob in staged.items():
        item = by_name.get(rel.rpartition("/")[2])
        if item is not None and rel not in differ:
            reusable[blob] = item
    return reusable


def _same_config(plan: Plan, config: PlanConfig) -> bool:
    """Items validated against today's plan.toml may stand for those of an older commit
    only if the plan.toml of then says the same (statuses, inspections, areas...)."""
    return plan.config.validation_key() == config.validation_key()
