"""Boards in git, and the revisions afi accepts (docs/format.md §4).

`afi board mark NAME` records that a board met and saw the plan as it was: an annotated
tag `board/<date>-<slug of name>` on the commit the board saw. Wherever afi takes a
revision (`--since`, `--as-of`, `log --since`) it also takes a date (YYYY-MM-DD), a board
tag (`board/2023-06-01-force-improvement-board`, or without `board/`) or `last-board`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from tui.core.errors import InvalidValue, NotFound
from tui.core.git import revs, tags
from tui.core.model.items import today

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tui.core.git.repo import GitRepo

TAG_PREFIX = "board/"
LAST_BOARD = "last-board"
_SLUG = re.compile(r"[^a-z0-9]+")
_FIELDS = ("%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(contents)%00"
           "%(creatordate:iso-strict)")


@dataclass(frozen=True)
class Revision:
    """A point in the plan's history: what `--as-of` or `--since` resolved to."""

    label: str              # what the user asked for: "2023-06-01", "board/2023-06-01-fib", "HEAD"
    commit: str | None      # the commit id (None: no commit yet / before the first commit)
    date: datetime | None   # that commit's date


@dataclass(frozen=True)
class BoardMark:
    """A board that met (a `board/...` tag)."""

    name: str
    date: date
    tag: str
    commit: str
    note: str = ""


def slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:60] or "board"


def board_tag(name: str, on: date) -> str:
    return f"{TAG_PREFIX}{on.isoformat()}-{slug(name)}"


def list_boards(repo: GitRepo, names: Sequence[str] | None = None,
                warn: Callable[[str], None] | None = None) -> list[BoardMark]:
    """Every board mark, newest first (by the date it met, then when it was marked).

    A tag that cannot be a true board mark is left out (and `warn` told why): one dated
    after today, one for a board plan.toml does not name (`names`, else the boards of
    the plan whose repository this is), or one on a commit outside the current branch.
    A pushed tag is anyone's word; these make the "last board" a forgery's."""
    marks, problems = _read_marks(repo, names)
    for problem in problems:
        if warn is not None:
            warn(f"{problem}: ignored")
    return marks


def tag_problems(repo: GitRepo, names: Sequence[str] | None = None) -> list[str]:
    """`afi check --tags`: one line per board tag that is not a true mark, naming the tag
    and why."""
    return _read_marks(repo, names)[1]


def _read_marks(repo: GitRepo, names: Sequence[str] | None) -> tuple[list[BoardMark],
                                                                      list[str]]:
    pattern = f"refs/tags/{TAG_PREFIX}"
    out = tags.list_tags(repo, pattern, _FIELDS + "%01")
    on_branch = set()
    if repo.head_sha() is not None:
        on_branch = set(tags.tags_on_head(repo, pattern))
    allowed = {slug(n): n for n in (_plan_boards(repo) if names is None else names)}
    marks, problems = [], []
    for record in out.split("\x01"):
        fields = record.strip("\n").split("\x00")
        if len(fields) < 5 or not fields[0].startswith(TAG_PREFIX):
            continue
        tag, obj, peeled, contents, created = fields[:5]
        met = _date_of(tag)
        if met is None:
            continue
        first, _, rest = contents.strip().partition("\n")
        name = first.rsplit(" met on ", 1)[0] if " met on " in first else tag[len(TAG_PREFIX):]
        why = _forged(tag, met, allowed, tag in on_branch)
        if why:
            problems.append(f"{tag}: {why}")
            continue
        marks.append((met, created, BoardMark(name, met, tag, peeled or obj, rest.strip())))
    marks.sort(key=lambda m: (m[0], m[1]), reverse=True)
    return [mark for _, _, mark in marks], problems


def _forged(tag: str, met: date, allowed: dict[str, str], on_branch: bool) -> str:
    """Why a board tag cannot be a true mark ("" when it can)."""
    if met > today():
        return f"dated {met}, after today"
    board_slug = tag[len(TAG_PREFIX) + 11:]
    if allowed and board_slug not in allowed:
        return f"not a board plan.toml names ({'; '.join(allowed.values())})"
    if not on_branch:
        return "on a commit outside the current branch"
    return ""


def _plan_boards(repo: GitRepo) -> list[str]:
    """The boards named by the plan.toml of the plan this repository was opened for."""
    from tui.core.store.reading import load_config

    if repo.plan_dir is None:
        return []
    try:
        return list(load_config(repo.plan_dir)[0].boards)
    except Exception:  # noqa: BLE001 - an unreadable plan.toml is `afi check`'s to report
        return []


def find_revision(repo: GitRepo, text: str, *, start_of_day: bool = False) -> Revision:
    """A commit for what the user typed: `last-board`, a board tag, a date, or any git
    revision. A date means the last commit before that day ends, or with
    `start_of_day` (a `--since`) before it begins, so the period includes that day."""
    text = text.strip()
    if text == LAST_BOARD:
        boards = list_boards(repo)
        if not boards:
            raise NotFound("no board has been marked yet (`afi board mark NAME`): give a date "
                           "or a revision instead of last-board")
        return _revision(repo, boards[0].tag, boards[0].commit)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        if day > today():  # the plan of a day to come is not known: never "HEAD, silently"
            raise InvalidValue(f"{text} is in the future (today is {today()}): give a date "
                               "up to today, a board or a revision")
        return _revision(repo, text, last_commit_by(repo, day, start_of_day))
    for candidate in (f"refs/tags/{TAG_PREFIX}{text}", f"refs/tags/{text}", text):
        commit = repo.resolve(candidate)
        if commit is not None:
            return _revision(repo, text, commit)
    raise InvalidValue(f"{text!r} is not a date (YYYY-MM-DD), a board (`afi board list`), "
                       "last-board, or a revision git knows")


def head_revision(repo: GitRepo) -> Revision:
    return _revision(repo, "HEAD", repo.head_sha())


def _revision(repo: GitRepo, label: str, commit: str | None) -> Revision:
    if commit is None:
        return Revision(label, None, None)
    when = revs.commit_date(repo, commit)
    return Revision(label, commit, when)


def last_commit_by(repo: GitRepo, day: date, start_of_day: bool = False) -> str | None:
    """The last commit on HEAD's line made before `day` ends (or begins)."""
    if repo.head_sha() is None:
        return None
    when = f"{day.isoformat()} 00:00:00" if start_of_day else f"{day.isoformat()} 23:59:59"
    return revs.last_commit_before(repo, when)


def _date_of(tag: str) -> date | None:
    try:
        return date.fromisoformat(tag[len(TAG_PREFIX):len(TAG_PREFIX) + 10])
    except ValueError:
        return None
