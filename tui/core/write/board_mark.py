"""`afi board mark NAME`: an annotated tag on the commit the board saw, written under the
write transaction (the board tags themselves are read in tui.core.git.boards)."""

from __future__ import annotations

from datetime import date

from tui.core.errors import InvalidValue, NotFound
from tui.core.git.boards import BoardMark, board_tag, last_commit_by
from tui.core.git.tags import create_tag
from tui.core.model.items import today
from tui.core.write.messages import check_user_message
from tui.core.write.transaction import transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.plan import Plan


def mark_board(plan: Plan, name: str, on: date | None = None,
               note: str | None = None) -> BoardMark:
    """Tag the commit the board saw: HEAD, or the last commit of an earlier day given."""
    name = " ".join(name.split())
    allowed = plan.config.boards
    if not name:
        raise InvalidValue("which board met? give its name")
    if allowed and name not in allowed:
        raise InvalidValue(f"unknown board '{name}': plan.toml names {'; '.join(allowed)}")
    note = check_user_message(note)  # it reaches `git tag -n` as a commit message does
    on = on or today()
    if on > today():
        raise InvalidValue(f"{on} is in the future: mark a board on the day it met or after")
    repo = plan.repo()
    with transaction(repo, "afi board mark", ready=False):
        repo.identity()
        commit = repo.head_sha() if on == today() else last_commit_by(repo, on)
        if commit is None:
            raise NotFound(f"no commit on or before {on}: the plan did not exist yet")
        tag = board_tag(name, on)
        if repo.resolve(f"refs/tags/{tag}") is not None:
            raise InvalidValue(f"{tag} already exists: that board is already marked for {on}")
        message = f"{name} met on {on.isoformat()}\n" + (f"\n{note.strip()}\n" if note else "")
        create_tag(repo, tag, commit, message, hold_lock=True)
    return BoardMark(name, on, tag, commit, (note or "").strip())
