"""`afi sync` as a transaction: its state on disk, and recovery after it was killed.

Before sync rebases or merges it records what it is doing in `.git/afi/sync.json`
(durably): the mode, the upstream, HEAD before, the time. While the rebase or merge runs
the state says "running"; when it stops on a conflict it says "stopped" and waits for
`afi resolve` and `afi sync`; when it ends the file is removed. A state still "running"
when the plan's lock is free means afi was killed (Ctrl-C, SIGTERM, kill -9) in the
middle: the next afi command, under the lock, finishes it (a rebase git completed: its
messages are recomputed) or aborts it (a rebase or merge still in progress: back to HEAD
before the sync, every local commit in place), and removes the `.merge_file_*` and
`index.lock` files a killed git of afi's left behind.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from tui.core.git import integrate, revs, worktree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import Commit, GitRepo

RUNNING = "running"
STOPPED = "stopped"  # on a conflict: waits for `afi resolve` and `afi sync`


def state_file(git_dir: Path) -> Path:
    return git_dir / "afi" / "sync.json"


def read_state(git_dir: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(state_file(git_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def save_state(git_dir: Path, state: dict[str, Any]) -> None:
    """Durably: a state lost to a power cut would leave afi's rebase unrecognised."""
    from tui.core.write.journal import write_durably

    write_durably(state_file(git_dir), json.dumps(state))


def clear_state(git_dir: Path) -> None:
    state_file(git_dir).unlink(missing_ok=True)


def records_folder(git_dir: Path) -> Path:
    return git_dir / "afi" / "conflicts"


def clear_conflicts(git_dir: Path) -> None:
    folder = records_folder(git_dir)
    for file in folder.glob("*.json") if folder.is_dir() else ():
        file.unlink(missing_ok=True)


# -- markers ----------------------------------------------------------------------------------


def sync_running(git_dir: Path) -> bool:
    """A sync of afi's is at work, or was killed at work (a stat when there is none)."""
    if not state_file(git_dir).exists():
        return False
    state = read_state(git_dir)
    return state is not None and state.get("phase") == RUNNING


def recover_sync(repo: GitRepo) -> str | None:
    """Put a sync that was killed into the state before it or after it; a line saying
    which, or None when there was none. The caller holds the plan lock (so no git afi
    started is still running: they hold the lock too)."""
    state = read_state(repo.git_dir)
    if state is None or state.get("phase") != RUNNING:
        return None
    started = float(state.get("started", 0))
    _remove_leftovers(repo, started)
    before = state.get("head")
    rebasing = integrate.in_rebase(repo)
    if rebasing or integrate.in_merge(repo):
        integrate.abort(repo, rebasing)
        clear_conflicts(repo.git_dir)
        clear_state(repo.git_dir)
        return (f"an interrupted `afi sync` was undone: the plan is as before it (HEAD "
                f"{str(before)[:7]}); `afi sync` starts afresh")
    plan_dir = repo.root / state.get("plan", "plan")
    if before and repo.head_sha() == before:
        _restore_tree(repo, plan_dir)
        clear_state(repo.git_dir)
        return "an interrupted `afi sync` had changed nothing yet; `afi sync` starts afresh"
    if state.get("mode") == "rebase" and state.get("upstream"):
        with contextlib.suppress(Exception):  # a message left stale is reported by check
            refresh_messages(repo, plan_dir, state["upstream"])
    clear_state(repo.git_dir)
    # Said the same way whichever command recovers it: under `afi sync` itself, the line
    # after this one says what it pushed ("run `afi sync` to push" was a step it had done).
    return ("an interrupted `afi sync` had integrated the other side, not yet pushed: "
            "`afi sync` pushes it")


def _remove_leftovers(repo: GitRepo, started: float) -> None:
    """git's temporary merge files and its index lock, if a killed git of afi's left them
    (made after the sync began; no git of afi's runs now: the lock is ours)."""
    candidates = list(repo.root.glob(".merge_file_*"))
    candidates.append(repo.git_dir / "index.lock")
    for path in candidates:
        with contextlib.suppress(OSError):
            if path.stat().st_mtime >= started - 1:
                path.unlink()


def _restore_tree(repo: GitRepo, plan_dir: Path) -> None:
    """Sync starts only with plan/ clean: any difference from HEAD now is a killed
    checkout's."""
    worktree.restore_from_head(repo, repo.relative(plan_dir))


def running_state(repo: GitRepo, plan_dir: Path, **fields: Any) -> dict[str, Any]:
    """The state saved before a rebase or merge starts."""
    return {"phase": RUNNING, "head": repo.head_sha(), "started": time.time(),
            "plan": repo.relative(plan_dir), **fields}


def refresh_messages(repo: GitRepo, plan_dir: Path, upstream: str) -> int:
    """After a rebase, a replayed afi commit may change different things than when it
    was made (a colleague's edit to the same item came first): rewrite the message of
    each local commit whose message no longer matches its diff, keeping any text given
    with -m. They are unpushed and were just rewritten by the rebase anyway. Returns how
    many were reworded."""
    from tui.core.write.audit import expected_notes, message_problems
    from tui.core.write.messages import compose, user_part

    local = list(repo.iter_log(revisions=[f"{upstream}..HEAD"]))
    if not local or any(len(c.parents) != 1 for c in local):
        return 0
    wrong = {p.commit.sha for p in message_problems(repo, plan_dir, local)}
    if not wrong:
        return 0
    parent = local[-1].parents[0]
    reworded = 0
    for commit in reversed(local):  # oldest first, each on the new parent
        message = commit.message
        if commit.sha in wrong:
            items, others = expected_notes(repo, plan_dir, commit)
            message = compose(items, others, user_part(commit.message))
            reworded += 1
        parent = _recommit(repo, commit, parent, message)
    revs.update_ref(repo, "HEAD", parent, local[0].sha,
                    "afi sync: messages recomputed after rebase")
    return reworded


def _recommit(repo: GitRepo, commit: Commit, parent: str, message: str) -> str:
    """The same tree and author on a new parent, with `message`."""
    env = {"GIT_AUTHOR_NAME": commit.author_name, "GIT_AUTHOR_EMAIL": commit.author_email,
           "GIT_AUTHOR_DATE": commit.date.isoformat()}
    return revs.recommit(repo, commit.sha, parent, message, author=env)
