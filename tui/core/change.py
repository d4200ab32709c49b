"""A change to a plan: edits to one or more items, written and committed as one commit.

This is the only place the core writes. The command line, the scripts and the terminal
UI all go through `Change`, so every edit gets the same checks (valid values, file not
changed underneath, repository ready), the same commit format (SPEC §4) and the same
all-or-nothing behaviour: if any step fails, every file is put back as it was.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import locate
from .errors import AfiError, ConflictError, InvalidItem, NotFound, Problem, UsageError
from .model import ID_RE, KINDS, today
from .store import ITEMS_DIR, parse_text, read_text
from .tomledit import ItemDocument
from .validate import check_item

if TYPE_CHECKING:
    from .plan import Plan

# Fields `set` may change, and how a value for each is checked.
SETTABLE = ("status", "due", "owner", "lead", "area", "title", "group", "kind", "detail",
            "number")
OPTIONAL = {"owner", "lead", "group", "due", "detail", "number"}  # empty value removes them
LONG_TEXT = {"title", "detail"}  # too long to quote in a commit subject


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class PendingItem:
    """One file the change touches: its text when read, and the edits so far."""

    item_id: str
    path: Path
    original: str | None  # None: a new file
    document: ItemDocument
    notes: list[str] = field(default_factory=list)  # for the commit message

    @property
    def new_text(self) -> str:
        return self.document.text()


class Change:
    """Collect edits, then `commit()` them as one commit (or `diff()` them for a dry run)."""

    def __init__(self, plan: Plan, message: str | None = None):
        self.plan = plan
        self.message = message.strip() if message and message.strip() else None
        self.pending: dict[str, PendingItem] = {}
        self.warnings: list[str] = []
        self.committed_message = ""

    # -- reading the files to change ---------------------------------------------------------
    def open(self, item_id: str, base_text: str | None = None) -> PendingItem:
        """The pending edit of an item, read now. `base_text`: the text the caller showed
        the user; if the file no longer holds it, refuse rather than overwrite."""
        item = self.plan.get(item_id)
        key = item.id.lower()
        if key not in self.pending:
            text = read_text(item.path)
            if base_text is not None and text != base_text:
                raise ConflictError(_changed_underneath(item.path))
            self.pending[key] = PendingItem(item.id, item.path, text, ItemDocument(text))
        return self.pending[key]

    # -- edits --------------------------------------------------------------------------------
    def set(self, item_id: str, name: str, value: Any) -> bool:
        """Set one field; returns False when it already had that value."""
        value = self.check_value(name, value)
        entry = self.open(item_id)
        old = entry.document.data().get(name)
        if old == value or (value is None and old is None):
            return False
        entry.document.set(name, value)
        if name in LONG_TEXT:
            entry.notes.append(f"{name} changed")
        else:
            entry.notes.append(f"{name} {_show(old)} -> {_show(value)}")
        return True

    def add_tag(self, item_id: str, tag: str) -> bool:
        tag = _one_line(tag, "tag")
        entry = self.open(item_id)
        if entry.document.add_to_array("tags", tag):
            entry.notes.append(f"tag +{tag}")
            return True
        return False

    def remove_tag(self, item_id: str, tag: str) -> bool:
        entry = self.open(item_id)
        if entry.document.remove_from_array("tags", tag):
            entry.notes.append(f"tag -{tag}")
            return True
        return False

    def add_action(self, item_id: str, text: str, due: date | None = None) -> None:
        text = _text(text, "action")
        entry = self.open(item_id)
        entry.document.append_table("actions", {"text": text, "done": False, "due": due})
        entry.notes.append("action added")

    def set_action_done(self, item_id: str, index: int, done: bool = True) -> bool:
        entry = self.open(item_id)
        actions = entry.document.data().get("actions", [])
        if not 0 <= index < len(actions):
            raise NotFound(f"{entry.item_id} has no action {index + 1} "
                           f"(it has {len(actions)})")
        if bool(actions[index].get("done", False)) == done:
            return False
        entry.document.set_in_table("actions", index, "done", done)
        entry.notes.append(f"action {index + 1} {'done' if done else 'reopened'}")
        return True

    def add_update(self, item_id: str, text: str, by: str | None = None,
                   on: date | None = None) -> None:
        text = _text(text, "progress update")
        entry = self.open(item_id)
        if by is None:
            by = self.plan.repo().user_name()
        entry.document.append_table("updates", {"date": on or today(), "by": by, "text": text})
        entry.notes.append("progress update")

    def create(self, item_id: str, fields: dict[str, Any]) -> PendingItem:
        """A new item file; `fields` in SPEC order (id is added first)."""
        if not ID_RE.match(item_id):
            raise UsageError(f"id {item_id!r} is not valid: use letters, digits, '.', '_' or "
                             "'-', starting with a letter or digit, at most 64 characters")
        if self.plan.find(item_id) is not None or item_id.lower() in self.pending:
            raise AfiError(f"an item with id '{item_id}' already exists: choose another id")
        path = self.plan.dir / ITEMS_DIR / f"{item_id}.toml"
        if path.exists() or any(p.stem.lower() == item_id.lower()
                                for p in path.parent.glob("*.toml")):
            raise AfiError(f"{path} already exists: choose another id")
        document = ItemDocument(f'id = "{item_id}"\n')
        for name, value in fields.items():
            value = self.check_value(name, value) if name in SETTABLE else value
            if value is not None:
                document.set(name, value)
        entry = PendingItem(item_id, path, None, document, [f"new {fields.get('kind', 'item')}"])
        self.pending[item_id.lower()] = entry
        return entry

    # -- values -------------------------------------------------------------------------------
    def check_value(self, name: str, value: Any) -> Any:
        """The value as it will be stored, or UsageError saying what is allowed."""
        config = self.plan.config
        if name not in SETTABLE:
            raise UsageError(f"cannot set '{name}': use one of {', '.join(SETTABLE)}, "
                             "tags+=X or tags-=X")
        if isinstance(value, str):
            value = value.strip() if name != "detail" else value
        if value in ("", None) or (name in ("due", "number") and value == "none"):
            if name in OPTIONAL:
                return None
            raise UsageError(f"'{name}' cannot be empty")
        if name == "status" and value not in config.statuses:
            raise UsageError(f"unknown status '{value}': use one of {', '.join(config.statuses)}")
        if name == "kind" and value not in KINDS:
            raise UsageError(f"unknown kind '{value}': use one of {', '.join(KINDS)}")
        if name == "due":
            return parse_date(value, "due")
        if name == "number":
            try:
                return int(value)
            except (TypeError, ValueError):
                raise UsageError(f"number must be a whole number, not {value!r}") from None
        if name == "detail":
            return _text(value, name)
        return _one_line(value, name)

    def discard(self) -> None:
        """Forget every pending edit (nothing has been written yet)."""
        self.pending.clear()

    # -- output -------------------------------------------------------------------------------
    def touched(self) -> list[PendingItem]:
        return [e for e in self.pending.values() if e.original is None or e.notes]

    def diff(self) -> str:
        """A unified diff of every pending file, as `git diff` would show it."""
        root = self.plan.dir.parent
        chunks = []
        for entry in self.touched():
            name = entry.path.relative_to(root).as_posix()
            old = (entry.original or "").splitlines(keepends=True)
            chunks += difflib.unified_diff(
                old, entry.new_text.splitlines(keepends=True),
                "/dev/null" if entry.original is None else f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)

    def commit_message(self) -> str:
        entries = self.touched()
        lines = [f"{e.item_id}: {', '.join(e.notes)}" for e in entries]
        if len(entries) == 1:
            subject, body = (self.message, lines[0]) if self.message else (lines[0], "")
        else:
            subject = self.message or _bulk_subject(entries)
            body = "\n".join(lines)
        trailers = "\n".join(f"AFI-Id: {e.item_id}" for e in entries)
        return "\n\n".join(part for part in (subject, body, trailers) if part) + "\n"

    # -- committing ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Every touched file must parse back and pass SPEC §1; else nothing is written."""
        problems: list[Problem] = []
        for entry in self.touched():
            text = entry.new_text
            data, found = parse_text(entry.path, text)
            if data is not None:
                found = [Problem(entry.path, locate.line_of(text, key), message)
                         for key, message in check_item(data, entry.path.stem, self.plan.config)]
            problems += found
        if problems:
            raise InvalidItem(problems)

    def commit(self) -> str | None:
        """Write every touched file and make one commit; returns its sha (None: no change).

        Afterwards the plan reads its files again when next asked (not before: a command
        that exits, or a UI that reloads in its own worker, would pay for nothing)."""
        entries = self.touched()
        if not entries:
            return None
        self.validate()
        repo = self.plan.repo()
        self.warnings += repo.check_ready()
        for entry in entries:  # refuse before writing anything
            if entry.original is None:
                if entry.path.exists():
                    raise ConflictError(f"{entry.path} appeared on disk meanwhile: reload")
            elif read_text(entry.path) != entry.original:
                raise ConflictError(_changed_underneath(entry.path))
        written: list[PendingItem] = []
        try:
            write_files([(e.path, e.new_text) for e in entries], written_to=written,
                        entries=entries)
            message = self.commit_message()
            sha = repo.commit([e.path for e in entries], message,
                              new_paths=[e.path for e in entries if e.original is None])
        except BaseException:
            for entry in written:  # put every file back as it was
                if entry.original is None:
                    entry.path.unlink(missing_ok=True)
                else:
                    write_atomic(entry.path, entry.original)
            raise
        self.committed_message = message
        self.pending.clear()
        self.plan.invalidate()
        return sha


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then rename over the target."""
    os.replace(_write_temp(path, text, sync=True), path)


def write_files(files: list[tuple[Path, str]], written_to: list, entries: list) -> None:
    """Write several files atomically. One `os.sync()` for all instead of an fsync each
    (a 1,000-item change would spend a second in fsync); `written_to` collects the
    entries actually replaced, for rollback."""
    if len(files) == 1:
        write_atomic(*files[0])
        written_to.append(entries[0])
        return
    temps: list[str] = []
    try:
        for path, text in files:
            temps.append(_write_temp(path, text, sync=False))
        os.sync()
        for (path, _), temp, entry in zip(files, temps, entries, strict=True):
            os.replace(temp, path)
            written_to.append(entry)
    finally:
        for temp in temps:
            Path(temp).unlink(missing_ok=True)


def _write_temp(path: Path, text: str, sync: bool) -> str:
    """A temp file beside `path` holding `text`, with `path`'s permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644 & ~_umask()
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def parse_date(value: Any, what: str = "date") -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: '{text}' is not a date: use YYYY-MM-DD, e.g. 2025-03-31") \
            from None


def _changed_underneath(path: Path) -> str:
    return (f"{path} changed on disk since it was read (another terminal, a script or a "
            "git command?): nothing was written; reload and make the change again")


def _one_line(value: Any, what: str) -> str:
    text = str(value).strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise UsageError(f"{what} must be one line of text without control characters")
    return text


def _text(value: Any, what: str) -> str:
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        raise UsageError(f"{what} text cannot be empty")
    if any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in text):
        raise UsageError(f"{what} must not contain control characters")
    return text


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _bulk_subject(entries: list[PendingItem]) -> str:
    """'status -> complete on 12 items' when every item got the same edit."""
    edits = {tuple(_without_old(note) for note in e.notes) for e in entries}
    count = f"{len(entries)} items"
    if len(edits) == 1:
        return f"{', '.join(next(iter(edits)))} on {count}"
    return f"update {count}"


def _without_old(note: str) -> str:
    """'status in-progress -> complete' -> 'status -> complete'."""
    if " -> " not in note:
        return note
    before, after = note.split(" -> ", 1)
    return f"{before.split(' ', 1)[0]} -> {after}"
