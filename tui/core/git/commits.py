"""Commits as git records them: the records the git layer hands out, and the parser of
`git log` output in afi's own format (LOG_FORMAT) into them."""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import datetime

LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"
TRAILER_KEY = "AFI-Id"
_TRAILER = re.compile(rf"^{TRAILER_KEY}:[ \t]*(\S+)[ \t]*$", re.MULTILINE | re.IGNORECASE)


# Named tuples, not dataclasses: `dataclasses` costs every command that commits 5 ms to import.
# Typed for mypy by the NamedTuple twins below; at run time, collections' named tuples (this
# module runs git, so it imports nothing of afi's model, where Record is).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple

    class _FileChange(NamedTuple):
        path: str
        old_blob: str | None
        new_blob: str | None
        old_path: str | None = None

    class _Commit(NamedTuple):
        sha: str
        parents: tuple[str, ...]
        author_name: str
        author_email: str
        date: datetime
        subject: str
        body: str
        files: tuple[FileChange, ...] = ()
else:
    _FileChange = namedtuple("FileChange", "path old_blob new_blob old_path", defaults=(None,))
    _Commit = namedtuple("Commit", "sha parents author_name author_email date subject body "
                                   "files", defaults=((),))


class FileChange(_FileChange):
    """One file of a commit: path relative to the repository root, with /; blob ids
    (None: absent on that side); old_path where it was, when git saw a rename."""

    __slots__ = ()


class Commit(_Commit):
    """A commit as git recorded it: parents a tuple of shas, date a datetime, files a
    tuple of FileChange."""

    __slots__ = ()

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def message(self) -> str:
        return f"{self.subject}\n\n{self.body}".strip() + "\n"

    @property
    def afi_ids(self) -> list[str]:
        """The ids in the `AFI-Id:` trailers (the message's last paragraph only)."""
        return trailer_ids(self.message)


def trailer_ids(message: str) -> list[str]:
    paragraphs = message.strip().split("\n\n")
    return _TRAILER.findall(paragraphs[-1]) if len(paragraphs) > 1 else []



def parse_commit(record: str) -> Commit | None:
    """One LOG_FORMAT record (after its \\x1e) with its -z raw lines; None if incomplete."""
    fields = record.split("\x1f")
    if len(fields) < 7:
        return None
    sha, parents, name, email, when, message = fields[:6]
    raw = fields[6].lstrip("\0\n").split("\0")
    files = []
    n = 0
    while n + 1 < len(raw):
        meta = raw[n]
        # ":mode mode sha sha S", or for a merge "::mode mode mode sha sha sha SS":
        # one colon per parent; the first parent's blob counts as the old one. A rename
        # (R100) is followed by two paths: from, to.
        parents_n = len(meta) - len(meta.lstrip(":"))
        parts = meta.lstrip(":").split()
        renamed = parts[-1][:1] in ("R", "C") if parts else False
        old_path = raw[n + 1] if renamed else None
        path = raw[n + 2] if renamed else raw[n + 1]
        n += 3 if renamed else 2
        if len(parts) >= 2 * parents_n + 3:
            old, new = parts[parents_n + 1], parts[2 * parents_n + 1]
            files.append(FileChange(path, None if set(old) == {"0"} else old,
                                    None if set(new) == {"0"} else new,
                                    old_path if renamed and parts[-1][:1] == "R" else None))
    subject, _, body = message.strip().partition("\n")
    return Commit(sha, tuple(parents.split()), name, email, datetime.fromisoformat(when),
                  subject, body.strip(), tuple(files))
