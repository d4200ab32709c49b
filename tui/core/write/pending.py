"""The files a change touches: each one's pending edits as replayable operations, and the
checks made before it is written (the rules, reasons for due-date moves and reopenings,
edits made outside afi, another writer's overlapping change)."""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import ConflictError, Problem, ReasonRequired, UncommittedEdits
from tui.core.model import locate
from tui.core.model.items import PlanConfig
from tui.core.model.record import Record
from tui.core.model.validate import READ, check_item
from tui.core.store import toml_read
from tui.core.store.reading import PLAN_FILE, config_from_text, parse_text, read_text
from tui.core.store.tomledit import ItemDocument
from tui.core.write import messages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from tui.core.git.repo import GitRepo
    from tui.core.plan import Plan
    from tui.core.store.tomledit import ItemDocument


class Operation(Record):
    """One edit, replayable on any version of the file, and the fields it touches.
    `commutes`: it can be replayed over another writer's change to the same field
    (appending a note, adding a tag)."""

    fields: tuple[str, ...]
    apply: Callable[[ItemDocument], object]  # its result is not used
    commutes: bool = False


class PendingItem:
    """One file the change touches: its text when first read, and the edits.
    (A plain class: `dataclasses` costs every command that commits 5 ms to import.)"""

    __slots__ = ("item_id", "path", "original", "document", "pinned", "operations", "seed",
                 "base_data", "reasons", "numbered_in")

    def __init__(self, item_id: str, path: Path, original: str | None,
                 document: ItemDocument, pinned: bool = False,
                 operations: list[Operation] | None = None, seed: str = "",
                 base_data: dict[str, Any] | None = None):
        self.item_id = item_id
        self.path = path
        self.original = original  # None: a new file
        self.document = document  # the edits applied to `original`: the preview
        self.pinned = pinned  # the caller showed the user `original`: refuse to overwrite
        self.operations = operations if operations is not None else []
        self.seed = seed  # what a new file starts from, before the operations
        self.base_data = base_data  # `original` parsed (once)
        self.reasons: dict[str, str] = {}  # field -> why it changed
        self.numbered_in: str | None = None  # a new item numbered `<inspection>-NN`

    @property
    def new_text(self) -> str:
        return self.document.text()

    def replay(self, text: str) -> ItemDocument:
        document = ItemDocument(text)
        for operation in self.operations:
            operation.apply(document)
        return document


def committed_config(plan: Plan, committed: bytes | None) -> tuple[PlanConfig, bool]:
    """plan.toml as committed, and whether the one on disk differs. Items are checked
    against the committed one: an item needing an uncommitted edit of plan.toml would
    leave HEAD invalid on a fresh clone."""
    disk_text = read_or_none_text(plan.dir / PLAN_FILE)
    if committed is None:
        return plan.config, disk_text is not None
    text = committed.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if text == disk_text:
        return plan.config, False
    config, _, readable = config_from_text(plan.dir / PLAN_FILE, text)
    return (config if readable else plan.config), True


def require_reasons(item_id: str, old: dict[str, Any], new: dict[str, Any],
                    config: PlanConfig, given: dict[str, str],
                    hint: str | None = None) -> None:
    """A due date that moves, or a closed item reopened, must say why (docs/format.md §7):
    boards ask for the old date, the new one and the reason."""
    was, now = old.get("due"), new.get("due")
    if config.due_change_needs_reason and was is not None and now != was and "due" not in given:
        raise ReasonRequired(item_id, "due", f"{item_id}: moving its due date from {was} to "
                             f"{now or 'none'}", hint)
    closed = config.closed_status
    if old.get("status") == closed and new.get("status") != closed and "status" not in given:
        raise ReasonRequired(item_id, "status", f"{item_id} is {closed} (signed off): "
                             "reopening it", hint)


def refuse_uncommitted(repo: GitRepo, entry: PendingItem, current: str,
                        committed: bytes | None) -> None:
    """afi never folds an edit made outside it into a commit that does not name it."""
    name = repo.relative(entry.path)
    if committed is None:
        raise UncommittedEdits(f"{name} is not committed yet: commit it first with "
                               f"`afi commit {entry.item_id}`; nothing was written")
    before = committed.decode("utf-8", errors="replace")
    if current.replace("\r\n", "\n") == before.replace("\r\n", "\n"):
        return
    try:
        fields = ", ".join(messages.item_notes(toml_data(before), toml_data(current))) or \
            "comments or layout"
    except toml_read.TOMLDecodeError:
        fields = "it does not parse"
    raise UncommittedEdits(f"{name} has edits that are not committed ({fields}): afi will not "
                           f"fold them into this commit. Commit them first with `afi commit "
                           f"{entry.item_id}` (or undo them with `git restore {name}`), then "
                           "try again; nothing was written")


def refuse_uncommitted_file(repo: GitRepo, path: Path, name: str) -> None:
    """The same refusal for a file read outside a Change (plan.toml, an imported item)."""
    committed = repo.file_at("HEAD", path) if repo.head_sha() else None
    entry = PendingItem(name, path, None, ItemDocument(""))
    refuse_uncommitted(repo, entry, read_text(path), committed)


def refuse_overlap(entry: PendingItem, current: str) -> None:
    """The user edited `entry.original`; someone else has changed the file since. Their
    change and ours may both stand unless they touch the same field."""
    theirs = set(_changed_keys(toml_data(entry.original or ""), toml_data(current)))
    ours = {name for op in entry.operations if not op.commutes for name in op.fields}
    clash = sorted(theirs & ours)
    if clash:
        raise ConflictError(f"{_changed_underneath(entry.path)} (both changed "
                            f"{', '.join(clash)})")


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [k for k in list(new) + [k for k in old if k not in new] if old.get(k) != new.get(k)]


def _changed_underneath(path: Path) -> str:
    return (f"{path} changed on disk since it was read (another terminal, a script or a "
            "git command?): nothing was written; reload and make the change again")


def document_problems(path: Path, document: ItemDocument, config: PlanConfig,
                       before: dict[str, Any] | None) -> list[Problem]:
    """The rules for an edited file (`before`: its data as read, None for a new one),
    from the data its edits already parsed; the text is scanned for line numbers only
    when there is a problem."""
    found = check_item(document.data(), path.stem, config, before=before)
    if not found:
        return []
    text = document.text()
    return [Problem(path, locate.line_of(text, key), message) for key, message in found]


def item_problems(path: Path, text: str, config: PlanConfig,
                   before: Any = READ) -> list[Problem]:
    """The rules for a file (`before`: as committed, when afi commits it)."""
    data, found = parse_text(path, text)
    if data is None:
        return found
    return [Problem(path, locate.line_of(text, key), message)
            for key, message in check_item(data, path.stem, config, before=before)]


def toml_data(text: str) -> dict[str, Any]:
    return toml_read.loads(text)


def read_or_none(path: Path) -> str | None:
    try:
        return read_text(path)
    except FileNotFoundError:
        return None


def read_or_none_text(path: Path) -> str | None:
    text = read_or_none(path)
    return None if text is None else text.replace("\r\n", "\n")


def name_taken(path: Path) -> bool:
    """A file with this name, ignoring case, exists (ids are unique ignoring case)."""
    if path.exists() or path.is_symlink():
        return True
    wanted = path.name.lower()
    try:
        return any(p.name.lower() == wanted for p in path.parent.iterdir())
    except FileNotFoundError:
        return False


def relative_name(path: Path, root: Path) -> str:
    """`path` as git names it below `root` (as given when it is not below it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
