"""Errors the core raises. Each carries what a user needs: the file, the line, what to do."""

from __future__ import annotations

import contextlib
from collections import namedtuple
from pathlib import Path


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
    """Something the user asked for could not be done (CLI exit status 1)."""


class UsageError(AfiError):
    """The request itself was malformed (CLI exit status 2)."""


class InvalidValue(AfiError):
    """A value given for a field is not allowed (unknown status, bad date): exit 1."""


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
