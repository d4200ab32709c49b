"""Errors the core raises. Each carries what a user needs: the file, the line, what to do."""

from __future__ import annotations

import contextlib
from collections import namedtuple
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class Problem(namedtuple("Problem", "path line message")):
    """One validation problem, printed by `afi check` as `FILE:LINE: message`; ordered by
    file, then line. (Records on the path of every command are named tuples, not
    dataclasses: importing dataclasses costs 7 ms, a seventh of `afi list` on a small
    plan; docs/benchmarks.md.)"""

    __slots__ = ()
    path: Path
    line: int
    message: str

    def render(self, relative_to: Path | None = None) -> str:
        shown = self.path
        if relative_to is not None:
            with contextlib.suppress(ValueError):
                shown = self.path.relative_to(relative_to)
        return f"{shown}:{self.line}: {self.message}"


class AfiError(Exception):
    """Something the user asked for could not be done (CLI exit status 1). `str(err)` is
    worded for the Python API (it names Python arguments, `reason=`); `cli_message()` for
    the command line (`--reason TEXT`). Front ends that mark fields read the attributes of
    the subclasses, never the text. `cli_message=`: the CLI's wording, where it differs."""

    def __init__(self, *args: object, cli_message: str | None = None):
        super().__init__(*args)
        self._cli = cli_message

    def cli_message(self) -> str:
        return getattr(self, "_cli", None) or str(self)


class UsageError(AfiError):
    """The request itself was malformed (CLI exit status 2)."""


class InvalidValue(AfiError):
    """A value given for a field is not allowed (unknown status, bad date): exit 1.
    `field` names the field or argument at fault (None when the value is not one field's),
    `value` the value refused, `allowed` the values it could have been (empty if any
    value of the right shape), `item_id` the item, when one is concerned."""

    def __init__(self, message: str, field: str | None = None, value: object = None,
                 allowed: tuple[str, ...] | list[str] = (), item_id: str | None = None,
                 cli_message: str | None = None):
        super().__init__(message, cli_message=cli_message)
        self.field = field
        self.value = value
        self.allowed = tuple(allowed)
        self.item_id = item_id


class ReasonRequired(InvalidValue):
    """A change that must say why did not: a moved due date (`field` "due"), a reopened
    item ("status"), or closing with actions open ("closure"). `situation` is what was
    asked ("moving its due date from 2025-03-31 to 2025-06-30"); `hint` replaces the
    front end's own advice (how to give a reason) where there is no argument to give, as
    in a hand edit. The reason is kept as a progress update."""

    def __init__(self, item_id: str, field: str, situation: str, hint: str | None = None):
        self.situation = situation
        self.hint = hint
        super().__init__(self._worded("give reason=\"...\""), field=field, item_id=item_id)

    def _worded(self, advice: str) -> str:
        return (f"{self.situation} needs a reason ({self.hint or advice}; it is kept as a "
                "progress update); nothing was written")

    def cli_message(self) -> str:
        return self._worded("give --reason TEXT")


class SignOffRequired(InvalidValue):
    """An item was set to the plan's closed status without its sign-off (who, which
    board, when): closing goes through `close` (`afi close`, `c` in the UI)."""

    def __init__(self, item_id: str | None, closed_status: str):
        self.closed_status = closed_status
        super().__init__(self._worded("change.close(ID, by=..., board=...)"), field="status",
                         value=closed_status, item_id=item_id)

    def _worded(self, how: str) -> str:
        return (f"'{self.closed_status}' needs its sign-off (who, which board, when): sign "
                f"it off with {how}; nothing was written")

    def cli_message(self) -> str:
        return self._worded("`afi close ID --by NAME --board BOARD`")


class IdTaken(InvalidValue):
    """A new item's id is already an item's (or a file's) in the plan."""

    def __init__(self, message: str, item_id: str):
        super().__init__(message, field="id", value=item_id, item_id=item_id)


class QueryError(InvalidValue):
    """A query with a value that cannot match: an unknown field, status, kind, inspection,
    `is:` state, view or sort key, or a bad date (exit 1, as any invalid value)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


class QuerySyntaxError(QueryError, UsageError):
    """A query that cannot be read at all: an unclosed quote, a comparison on a field
    that has none, a term without its value (exit 2, bad usage)."""


class InvalidItem(AfiError):
    """A change would leave an item (or the plan) invalid; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.render() for p in problems))


class ImportRefused(AfiError):
    """A source `afi import` cannot read (not a file it reads, no heading row, an unknown
    --map field): nothing was written. `path` and `line` (a row of a tracker, a line of a
    report) say where, when it is known."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


class NotFound(AfiError):
    """No item with that id, or nothing matched."""


class ConflictError(AfiError):
    """The file changed on disk since it was read; writing would lose that change."""


class ChangedMeanwhile(ConflictError):
    """A file afi was writing was changed by someone else meanwhile: nothing committed."""


class GitError(AfiError):
    """git refused, or the repository is not in a state to commit."""


class UncommittedEdits(AfiError):
    """A file afi would change holds edits that are not committed (made in an editor):
    afi will not fold them into a commit that does not name them."""


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """' (did you mean in-progress?)' for the nearest of `known` (ignoring case), or '':
    the hint every "unknown status/field/area" error gives."""
    import difflib  # only a mistyped value pays for it

    by_lower = {str(k).lower(): str(k) for k in known}
    close = difflib.get_close_matches(str(value).lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]}?)" if close else ""
