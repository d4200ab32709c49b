"""Working as a team through any git remote (docs/format.md §10).

- `setup`: registers afi's merge driver (`merge.afi.driver` in .git/config, which a clone
  does not carry) and the `.gitattributes` line that sends item files to it, committed.
- `merge_driver`: what git runs for `plan/afis/*.toml` (`%O %A %B %P`): a field-by-field
  three-way merge (merge.py); a field both sides changed differently is recorded and left
  with markers (conflicts.py), never decided silently.
- `sync`: fetch, integrate (rebase, unless the user's git config asks for merges), push,
  and say in one line what happened. It refuses, changing nothing, while plan/ has
  uncommitted edits or someone else's merge or rebase is in progress. After a conflict,
  `afi resolve` settles it and `afi sync` carries on. Credentials are git's business.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.errors import AfiError, GitError
from tui.core.git import config as git_config
from tui.core.git import integrate, revs, worktree
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE
from tui.core.team import conflict_items, conflicts
from tui.core.team.conflicts import ConflictRecord, conflict_summary
from tui.core.write.sync_recovery import (
    RUNNING,
    STOPPED,
    clear_conflicts,
    clear_state,
    read_state,
    refresh_messages,
    running_state,
    save_state,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

    from tui.core.git.repo import GitRepo
    from tui.core.plan import Plan
    from tui.core.write.commit import FileWrite

DRIVER = "afi"
PUSH_ATTEMPTS = 3  # someone pushed between our fetch and our push: integrate again
EDITOR = {"GIT_EDITOR": "true", "GIT_SEQUENCE_EDITOR": "true"}  # never open an editor


@dataclass
class SyncResult:
    summary: str                      # the one line
    conflicts: list[ConflictRecord] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # unmerged, not item files
    notes: list[str] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        return bool(self.conflicts or self.other_files)


# -- setup ------------------------------------------------------------------------------------
def driver_command() -> str:
    """How git runs this installation's merge driver (an absolute path: git hooks and
    drivers do not see the virtual environment's PATH)."""
    script = Path(sys.executable).parent / "afi"
    command = shlex.quote(str(script)) if script.exists() else \
        f"{shlex.quote(sys.executable)} -m tui"
    return f"{command} merge-driver %O %A %B %P"


def register_driver(repo: GitRepo) -> bool:
    """Name this installation's driver in .git/config; False if it already was."""
    if git_config.config_get(repo, f"merge.{DRIVER}.driver") == driver_command():
        return False
    git_config.config_set(repo, f"merge.{DRIVER}.name", "afi: item files merged field by field")
    git_config.config_set(repo, f"merge.{DRIVER}.driver", driver_command())
    return True


def attributes_line(repo: GitRepo, plan_dir: Path) -> str:
    """The .gitattributes lines (item files, and plan.toml's settings) for the driver."""
    return (f"{repo.relative(plan_dir / ITEMS_DIR)}/*.toml merge={DRIVER}\n"
            f"{repo.relative(plan_dir / PLAN_FILE)} merge={DRIVER}")


def attributes_write(repo: GitRepo, plan_dir: Path) -> FileWrite | None:
    """The .gitattributes line that makes git merge item files with afi's driver, as a
    FileWrite for the commit that adds it, or None when the line is there already. A
    .gitattributes with edits of the user's own not yet committed is refused: afi's
    commit must hold only its own line."""
    from tui.core.write.commit import FileWrite

    attributes = repo.root / ".gitattributes"
    line = attributes_line(repo, plan_dir)
    old = attributes.read_text(encoding="utf-8") if attributes.exists() else None
    missing = [text for text in line.splitlines() if text not in (old or "").splitlines()]
    if not missing:
        return None
    if old:  # untracked, or tracked and edited: the user's lines are theirs to commit
        committed = repo.file_at("HEAD", attributes) if repo.head_sha() else None
        if committed != old.encode("utf-8"):
            raise AfiError(f"{attributes} has changes not yet committed: commit them "
                           "(or undo them), then run this again; nothing was written")
    new = (old or "") + ("" if not old or old.endswith("\n") else "\n") + \
        "".join(f"{text}\n" for text in missing)
    return FileWrite(attributes, old, new)


def setup(plan: Plan, commit_attributes: bool = True) -> list[str]:
    """Make this clone merge item files field by field; what was done, as lines."""
    repo = plan.repo()
    notes = []
    if register_driver(repo):
        notes.append(f"registered afi's merge driver in {repo.git_dir / 'config'}")
    line = attributes_line(repo, plan.dir)
    if commit_attributes and attributes_write(repo, plan.dir) is not None:
        from tui.core.write.transaction import transaction

        with transaction(repo, "afi setup") as txn:
            write = attributes_write(repo, plan.dir)  # again, under the lock
            if write is not None:
                txn.commit([write], "Merge item files field by field (afi's merge driver)\n")
        notes.append(f"committed .gitattributes: {line.replace(chr(10), '; ')}")
    return notes


# -- the merge driver -------------------------------------------------------------------------
def merge_driver(base: Path, ours: Path, theirs: Path, name: str) -> int:
    """git's `%O %A %B %P`: write the merge into `ours`; 0 clean, 1 conflicts."""
    from tui.core.git.repo import GitRepo
    from tui.core.store.merge import merge_item

    repo = GitRepo.find(Path.cwd())
    git_dir = repo.git_dir
    rebasing = integrate.in_rebase(repo)
    try:
        result = merge_item(_read(base) or None, _read(ours), _read(theirs))
    except (ValueError, RuntimeError):
        # Not TOML on one side (markers, a hand edit gone wrong): git's own line merge.
        status, out = worktree.merge_file(repo, ours, base, theirs)
        ours.write_bytes(out)
        return 1 if status != 0 else 0
    if not result.conflicts:
        ours.write_text(result.text, encoding="utf-8", newline="")
        return 0
    # During a rebase git's "ours" is the upstream and "theirs" the commit being
    # replayed: the person merging owns the latter.
    if not _read(base) and conflict_items.both_added(git_dir, name, _read(ours),
                                                     _read(theirs), rebasing, ours):
        return 1  # the same new id made on both sides for two different items
    found = [conflicts.Conflict(conflicts.field_name(c.path), c.path, c.base,
                                c.theirs if rebasing else c.ours,
                                c.ours if rebasing else c.theirs) for c in result.conflicts]
    record = ConflictRecord(name, result.text, conflicts.THEIRS if rebasing else conflicts.OURS,
                            found)
    if git_dir is not None:
        conflicts.save(git_dir, record)
    ours.write_text(conflicts.with_markers(record), encoding="utf-8", newline="")
    return 1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


# -- afi sync ---------------------------------------------------------------------------------
def sync(plan: Plan, progress_to: IO[str] | None = None) -> SyncResult:
    """Under the plan's lock from the first look to the end: another writer waits for
    the sync instead of seeing a rebase half-done (or being taken for an uncommitted
    edit); a sync killed in the middle is finished or undone by the next command.
    `progress_to`: a terminal that shows git's own progress of fetch and push."""
    from tui.core.write.transaction import transaction

    repo = plan.repo()
    repo.progress_to = progress_to
    with transaction(repo, "afi sync", ready=False) as txn:
        notes = list(txn.warnings)
        fresh = _state(repo) is None
        if fresh:
            _refuse_unless_clean(repo, plan)  # before anything is changed, setup included
        notes += setup(plan, commit_attributes=fresh)
        remote, branch = _upstream(repo)
        state = _state(repo)
        if state is not None:
            result = _carry_on(repo, plan, state, remote, branch)
        else:
            _refuse_unless_clean(repo, plan)
            result = _sync(repo, plan, remote, branch)
        result.notes = notes + result.notes
        return result


def _sync(repo: GitRepo, plan: Plan, remote: str, branch: str,
          incoming: int = 0) -> SyncResult:
    for _ in range(PUSH_ATTEMPTS):
        _fetch(repo, remote)
        upstream = f"refs/remotes/{remote}/{branch}"
        exists = repo.resolve(upstream) is not None
        ahead, behind = revs.divergence(repo, "HEAD", upstream) if exists else \
            (revs.count_commits(repo, "HEAD"), 0)
        if behind:
            incoming += behind
            stopped = _integrate(repo, plan, upstream, incoming)
            if stopped is not None:
                return stopped
            ahead = revs.divergence(repo, "HEAD", upstream)[0]
        if not ahead:
            return SyncResult("up to date" if not incoming else f"{incoming} in, 0 out")
        refuse_invalid(plan)
        status, out, err = integrate.push(repo, remote, branch, set_upstream=not exists)
        if status == 0:
            return SyncResult(f"{incoming} in, {ahead} out")
        refusal = _refusal(err)
        if refusal:  # the server said no (a hook, a protected branch): no retry will do
            raise GitError(f"{remote} refused the push: {refusal}; nothing was pushed, your "
                           "commits are safe here")
        if "rejected" not in err and "fetch first" not in err:
            raise GitError(f"git push {remote} failed: {_first(err or out)}; your commits are "
                           "safe here: run `afi sync` again when the remote is reachable")
    raise GitError(f"{remote} kept moving while syncing ({PUSH_ATTEMPTS} tries): run `afi "
                   "sync` again")


def _refusal(err: str) -> str | None:
    """What the server gave as its reason, when git says `[remote rejected]` (a
    pre-receive hook, a protected or checked-out branch) rather than `[rejected]` (someone
    pushed first: fetch and integrate again); None otherwise."""
    import re

    from tui.core.safe_text import visible

    rejected = re.search(r"\[remote rejected\][^\n]*?(?:\(([^\n]*)\))?\s*$", err, re.MULTILINE)
    if rejected is None:
        return None
    said = [" ".join(line[len("remote:"):].replace("\x1b[K", "").split())
            for line in err.splitlines() if line.startswith("remote:")]
    words = "; ".join(line for line in said if line)[:300]
    reason = rejected.group(1) or "no reason given"
    return visible(f"{words} ({reason})" if words else reason)


def _carry_on(repo: GitRepo, plan: Plan, state: dict[str, Any], remote: str,
              branch: str) -> SyncResult:
    """The second half of a sync that stopped on a conflict, now settled."""
    if not integrate.in_rebase(repo) and not integrate.in_merge(repo):
        _clear_state(repo)  # finished or aborted by hand: start afresh
        _refuse_unless_clean(repo, plan)
        return _sync(repo, plan, remote, branch)
    stopped = _stopped(repo, plan)
    if stopped is not None:
        return stopped
    save_state(repo.git_dir, {**state, "phase": RUNNING})
    status, out, err = integrate.carry_on(repo, env=EDITOR)
    stopped = _stopped(repo, plan)  # a later commit of the rebase may conflict in turn
    if stopped is not None:
        save_state(repo.git_dir, {**state, "phase": STOPPED})
        return stopped
    if status != 0:
        save_state(repo.git_dir, {**state, "phase": STOPPED})
        raise GitError(f"git could not go on: {_first(err or out)}")
    if state.get("mode") == "rebase":
        refresh_messages(repo, plan.dir, state["upstream"])
    _clear_state(repo)
    return _sync(repo, plan, remote, branch, incoming=int(state.get("incoming", 0)))


def _integrate(repo: GitRepo, plan: Plan, upstream: str, incoming: int) -> SyncResult | None:
    """Rebase on (or merge) the upstream; a SyncResult when it stopped on a conflict."""
    rebase = _wants_rebase(repo)
    clear_conflicts(repo.git_dir)
    state = running_state(repo, plan.dir, mode="rebase" if rebase else "merge",
                          upstream=upstream, incoming=incoming)
    save_state(repo.git_dir, state)
    status, out, err = integrate.start(repo, upstream, rebase, env=EDITOR)
    if status == 0:
        if rebase:
            refresh_messages(repo, plan.dir, upstream)
        _clear_state(repo)
        return None
    stopped = _stopped(repo, plan)
    if stopped is None:
        integrate.abort(repo, rebase)
        _clear_state(repo)
        raise GitError(f"git {'rebase' if rebase else 'merge'} failed: {_first(err or out)}; "
                       "nothing was changed")
    save_state(repo.git_dir, {**state, "phase": STOPPED})
    return stopped




def open_conflicts(repo: GitRepo, unmerged: list[str] | None = None) -> list[ConflictRecord]:
    """The conflict records git agrees are open: a record whose file is no longer
    unmerged was settled by hand (`git add`) or its merge given up, and is dropped."""
    records = conflicts.load_all(repo.git_dir)
    if not records:
        return []
    unmerged = worktree.unmerged_paths(repo) if unmerged is None else unmerged
    for record in records:
        if record.path not in unmerged:
            conflicts.drop(repo.git_dir, record.item_id)
    return [record for record in records if record.path in unmerged]


def _stopped(repo: GitRepo, plan: Plan) -> SyncResult | None:
    """What is still unmerged, as the result to show; None when nothing is."""
    unmerged = worktree.unmerged_paths(repo)
    records = open_conflicts(repo, unmerged)
    if not unmerged and not records:
        return None
    recorded = {r.path for r in records}
    records += conflict_items.deleted_and_changed(
        repo, repo.relative(plan.dir / ITEMS_DIR), [p for p in unmerged if p not in recorded],
        rebasing=integrate.in_rebase(repo))
    recorded = {r.path for r in records}
    for record in records:
        conflicts.name_authors(repo, record, rebasing=integrate.in_rebase(repo))
        conflicts.save(repo.git_dir, record)
    others = [p for p in unmerged if p not in recorded]
    return SyncResult(conflict_summary(records, others), records, others)


def _refuse_unless_clean(repo: GitRepo, plan: Plan) -> None:
    from tui.core.write.transaction import repository_ready

    repository_ready(repo)  # a merge, rebase, cherry-pick, revert or bisect of someone else's
    dirty = worktree.dirty_files(repo, plan.dir)
    if dirty:
        names = ", ".join(dirty[:3])
        raise AfiError(f"plan files have uncommitted edits ({names}): commit them (`afi "
                       "commit`) or undo them (`git restore`), then `afi sync`; nothing was "
                       "changed")


def _upstream(repo: GitRepo) -> tuple[str, str]:
    """(remote, branch) this branch syncs with: its upstream, else origin (or the only
    remote) and the same branch name."""
    branch = _branch(repo)
    if not branch:
        raise AfiError("HEAD is detached: switch to a branch (`git switch main`) to sync")
    remote = git_config.config_get(repo, f"branch.{branch}.remote")
    merge_ref = git_config.config_get(repo, f"branch.{branch}.merge")
    if remote and remote != ".":
        return remote, merge_ref.removeprefix("refs/heads/") or branch
    remotes = git_config.remotes(repo)
    if not remotes:
        raise AfiError("this repository has no remote to sync with: add the shared one with "
                       "`git remote add origin URL` (any git server, or a bare repository "
                       "path)")
    return ("origin" if "origin" in remotes else remotes[0]), branch


def _branch(repo: GitRepo) -> str:
    """The current branch; during a rebase (HEAD detached) the one being rebased."""
    for folder in ("rebase-merge", "rebase-apply"):
        head_name = repo.git_dir / folder / "head-name"
        if head_name.exists():
            return head_name.read_text(encoding="utf-8").strip().removeprefix("refs/heads/")
    return revs.current_branch(repo)


def _fetch(repo: GitRepo, remote: str) -> None:
    status, out, err = integrate.fetch(repo, remote)
    if status != 0:
        raise GitError(f"git fetch {remote} failed: {_first(err or out)}; nothing was changed")


def ahead_behind(repo: GitRepo) -> tuple[int, int] | None:
    """As of the last fetch, without fetching: None when there is no upstream."""
    try:
        return revs.divergence(repo, "HEAD", "@{upstream}")
    except GitError:
        return None


@dataclass
class TeamStatus:
    """What the UI's header and problems panel show about working with others."""
    ahead_behind: tuple[int, int] | None  # None: no upstream
    conflicts: list[ConflictRecord]


def team_status(plan: Plan) -> TeamStatus:
    """As of the last fetch: nothing is fetched, so this is quick and works offline."""
    repo = plan.repo()
    return TeamStatus(ahead_behind(repo), open_conflicts(repo))


def settle(plan: Plan, item_id: str, field_name: str, choice: str,
           value: Any = None) -> ConflictRecord | None:
    """`afi resolve` and the UI: settle one conflicting field; when it was the item's last,
    the file is staged for `afi sync` to carry on. Returns what is still open for the
    item, or None."""
    from tui.core.write.transaction import transaction

    repo = plan.repo()
    added: list[Path] = []  # an item given a new id (two items added as one id)
    with transaction(repo, "afi resolve", ready=False):
        open_records = {r.item_id.lower(): r for r in conflicts.load_all(repo.git_dir)}
        plan_file = item_id.lower() in open_records and \
            open_records[item_id.lower()].path.endswith(PLAN_FILE)
        record = conflicts.resolve(
            repo.root, repo.git_dir, item_id, field_name, choice, value,
            check=lambda text: conflict_items.item_problems(plan, text, plan_file),
            renumber=lambda text: conflict_items.renumbered(plan, text, added))
        if record is None:
            path = open_records[item_id.lower()].path
            worktree.stage(repo, [path, *map(repo.relative, added)], hold_lock=True)
        return record


def _wants_rebase(repo: GitRepo) -> bool:
    """Rebase unless the user's git configuration asks pulls to merge."""
    for key in (f"branch.{_branch(repo)}.rebase", "pull.rebase"):
        value = git_config.config_get(repo, key)
        if value:
            return value.lower() not in ("false", "no", "off", "0")
    return True


def _state(repo: GitRepo) -> dict[str, Any] | None:
    return read_state(repo.git_dir)


def _clear_state(repo: GitRepo) -> None:
    clear_state(repo.git_dir)


def _first(text: str) -> str:
    from tui.core.git.repo import first_lines

    return first_lines(text) or "no reason given"


def refuse_invalid(plan: Plan) -> None:
    """Never push a plan that fails `afi check`: a fresh clone would start broken."""
    from tui.core.safe_text import visible

    problems = type(plan)(plan.dir).check()  # read afresh: the plan as it would be pushed
    if problems:
        first = visible(problems[0].render(Path.cwd()))
        more = f" (and {len(problems) - 1} more: `afi check` lists them)" \
            if len(problems) > 1 else ""
        raise AfiError(f"not pushed: the plan fails `afi check`: {first}{more}; fix it "
                       "(`afi set`, `afi close`, or edit and `afi commit`), then `afi sync` "
                       "again; your commits are safe here")
