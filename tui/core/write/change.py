"""A change to a plan: edits to one or more items, committed as one commit.

Every writer (command line, terminal UI, scripts) goes through `Change`. Edits are kept
as operations. They are tried at once on the file as read, so a bad value or a missing
action fails before anything is locked; at `commit()` the plan's write lock is taken,
each file is read again and the operations are replayed on what it holds now, so a
writer that waited for another keeps the other's work. The commit message is computed
from the field-level difference between HEAD and the new files (messages.py), and the
commit is made by the write transaction (transaction.py: lock, recovery, journal,
atomic writes, truth from HEAD).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import (
    AfiError,
    ConflictError,
    InvalidItem,
    InvalidValue,
    NotFound,
    Problem,
    UncommittedEdits,
    UsageError,
)
from tui.core.model import locate
from tui.core.model.items import ID_RE, PlanConfig, today
from tui.core.model.schema import CLEARABLE, DATE, FIELDS, INTEGER, SETTABLE
from tui.core.model.validate import READ, check_item
from tui.core.safe_text import has_controls
from tui.core.store import toml_read
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, config_from_text, parse_text, read_text
from tui.core.store.tomledit import ItemDocument
from tui.core.write import messages

if TYPE_CHECKING:
    from tui.core.git.repo import Commit, GitRepo
    from tui.core.plan import Plan



class Operation(namedtuple("Operation", "fields apply commutes", defaults=(False,))):
    """One edit, replayable on any version of the file, and the fields it touches.
    `commutes`: it can be replayed over another writer's change to the same field
    (appending a note, adding a tag)."""

    __slots__ = ()


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


class Change:
    """Collect edits, then `commit()` them as one commit (or `diff()` them for a dry run)."""

    def __init__(self, plan: Plan, message: str | None = None):
        self.plan = plan
        self.message = messages.check_user_message(message)
        self.pending: dict[str, PendingItem] = {}
        self.warnings: list[str] = []
        self.recorded: Commit | None = None  # the commit as git recorded it

    # -- reading the files to change ---------------------------------------------------------
    def open(self, item_id: str, base_text: str | None = None) -> PendingItem:
        """The pending edit of an item, read now. `base_text`: the text the caller showed
        the user (the terminal UI's form). If the file has changed since, the commit keeps
        both changes when they touch different fields, and refuses when they overlap."""
        item = self.plan.get(item_id)
        key = item.id.lower()
        if key not in self.pending:
            text = base_text if base_text is not None else read_text(item.path)
            document = ItemDocument(text)
            self.pending[key] = PendingItem(item.id, item.path, text, document,
                                            pinned=base_text is not None,
                                            base_data=document.data())
        return self.pending[key]

    def _edit(self, item_id: str, fields: tuple[str, ...],
              apply: Callable[[ItemDocument], None], commutes: bool = False) -> PendingItem:
        """Record an operation and apply it to the preview (errors surface now)."""
        entry = self.open(item_id) if item_id.lower() not in self.pending \
            else self.pending[item_id.lower()]
        apply(entry.document)
        entry.operations.append(Operation(fields, apply, commutes))
        return entry

    # -- edits --------------------------------------------------------------------------------
    def set(self, item_id: str, name: str, value: Any, reason: str | None = None) -> bool:
        """Set one field; returns False when it already had that value. Moving a due date
        that is set, or reopening a closed item, needs a `reason`: it is kept as a
        progress update (docs/format.md §7)."""
        entry = self.open(item_id)
        value = self.check_value(name, value, entry.document.data())
        reason = _text(reason, "reason") if reason else None
        before = entry.document.data().get(name)
        closed = self.plan.config.closed_status
        by = self.plan.repo().user_name() if reason else ""

        def apply(document: ItemDocument) -> None:
            old = document.data().get(name)
            if old == value:
                return
            document.set(name, value)
            if name == "status" and old == closed and value != closed:
                document.set("closure", None)  # reopened: the sign-off stays in history
                if reason:
                    _log(document, by, f"Reopened ({old} -> {value}): {reason}")
            elif name == "due" and reason:
                _log(document, by, _due_move(old, value, reason))

        # What the operation may touch: a status change drops a sign-off when it
        # reopens; only a reason adds a progress update.
        fields = (name, *(("closure",) if name == "status" else ()),
                  *(("updates",) if reason else ()))
        self._edit(item_id, fields, apply)
        if reason:
            entry.reasons[name] = reason
        return before != value

    def close(self, item_id: str, by: str, board: str, on: date | None = None,
              reason: str | None = None) -> None:
        """Sign an item off: the plan's closed status and its [closure] (who, which
        board, when), in the same commit. An item with actions still open needs a
        `reason`, kept as a progress update (docs/format.md §4)."""
        status = self.plan.config.closed_status
        if status is None:
            raise InvalidValue("this plan has no closed status: name one in plan.toml "
                               "(closed_status = \"...\")")
        closure = {"approved_by": _one_line(by, "--by"),
                   "board": self._board(board), "date": not_in_future(on, "sign-off date")
                   or today()}
        if not closure["approved_by"]:
            raise InvalidValue("--by cannot be empty: who signed it off?")
        entry = self.open(item_id)
        open_, total = open_actions(entry.document.data())
        if open_ and not reason:
            raise InvalidValue(f"{entry.item_id} has {open_} of {total} actions still open: "
                               "closing it needs a reason (--reason TEXT, kept as a progress "
                               "update); nothing was written")
        reason = _text(reason, "reason") if open_ else None
        logger = self.plan.repo().user_name() if reason else ""

        def apply(document: ItemDocument) -> None:
            if document.data().get("status") != status:
                document.set("status", status)
            if isinstance(document.data().get("closure"), dict):
                for key, value in closure.items():
                    document.set_path(("closure", key), value)
            else:
                document.set("closure", closure)
            if reason:
                left, of = open_actions(document.data())
                _log(document, logger, f"Closed with {left} of {of} actions open: {reason}")

        self._edit(item_id, ("status", "closure", *(("updates",) if reason else ())), apply)

    def add_evidence(self, item_id: str, title: str, location: str | None = None,
                     on: date | None = None) -> None:
        entry = {"title": _one_line(title, "evidence title"),
                 "location": _one_line(location, "--location") if location else None,
                 "date": not_in_future(on, "evidence date")}
        if not entry["title"]:
            raise InvalidValue("the evidence needs a title")
        self._edit(item_id, ("evidence",), lambda d: d.append_table("evidence", entry),
                   commutes=True)

    def add_tag(self, item_id: str, tag: str) -> bool:
        tag = _one_line(tag, "tag")
        entry = self._edit(item_id, ("tags",),
                           lambda d: d.add_to_array("tags", tag) and None, commutes=True)
        return tag not in (entry.base_data or {}).get("tags", [])

    def remove_tag(self, item_id: str, tag: str) -> bool:
        entry = self._edit(item_id, ("tags",),
                           lambda d: d.remove_from_array("tags", tag) and None, commutes=True)
        return tag in (entry.base_data or {}).get("tags", [])

    def add_update(self, item_id: str, text: str, by: str | None = None,
                   on: date | None = None) -> None:
        text = _text(text, "progress update")
        by = self.plan.repo().user_name() if by is None else _one_line(by, "--by")
        entry = {"date": not_in_future(on, "update date") or today(), "by": by, "text": text}
        self._edit(item_id, ("updates",), lambda d: d.append_table("updates", entry),
                   commutes=True)

    def assess(self, item_id: str, rag: str, reason: str, by: str | None = None,
               on: date | None = None) -> None:
        """The owner's own RAG, dated and attributed, appended to [[assessments]]."""
        from tui.core.model.items import ASSESSMENTS

        rag = str(rag).strip().lower()
        if rag not in ASSESSMENTS:
            raise InvalidValue(f"unknown assessment '{rag}': use one of "
                               f"{', '.join(ASSESSMENTS)}")
        entry = {"date": on or today(),
                 "by": self.plan.repo().user_name() if by is None else _one_line(by, "--by"),
                 "rag": rag, "reason": _text(reason, "reason")}
        self._edit(item_id, ("assessments",),
                   lambda d: d.append_table("assessments", entry), commutes=True)

    # -- actions (numbered from 0 here; the command line counts from 1) ------------------
    def add_action(self, item_id: str, text: str, due: date | None = None,
                   owner: str | None = None) -> None:
        action = {"text": _text(text, "action"), "done": False,
                  "owner": _one_line(owner, "owner") or None if owner else None,
                  "due": parse_date(due, "due") if due else None}
        self._edit(item_id, ("actions",), lambda d: d.append_table("actions", action),
                   commutes=True)

    def set_action_done(self, item_id: str, index: int, done: bool = True) -> bool:
        text, before = self._action(item_id, index)

        def apply(document: ItemDocument) -> None:
            n = _find_action(document, index, text, item_id)
            if bool(document.data()["actions"][n].get("done", False)) != done:
                document.set_path(("actions", n, "done"), done)

        self._edit(item_id, ("actions",), apply)
        return bool(before.get("done", False)) != done

    def edit_action(self, item_id: str, index: int, text: str | None = None,
                    owner: str | None = None, due: date | str | None = None) -> None:
        """Change an action's text, owner or due date (an empty owner or due clears it)."""
        old_text, _ = self._action(item_id, index)
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = _text(text, "action")
        if owner is not None:
            changes["owner"] = _one_line(owner, "owner") or None
        if due is not None:
            changes["due"] = parse_date(due, "due") if due not in ("", "none") else None
        if not changes:
            raise UsageError("nothing to change: give new text, --owner or --due")

        def apply(document: ItemDocument) -> None:
            n = _find_action(document, index, old_text, item_id)
            current = document.data()["actions"][n]
            for key, value in changes.items():
                if current.get(key) != value:
                    document.set_path(("actions", n, key), value)

        self._edit(item_id, ("actions",), apply)

    def remove_action(self, item_id: str, index: int) -> None:
        text, _ = self._action(item_id, index)

        def apply(document: ItemDocument) -> None:
            n = _find_action(document, index, text, item_id)
            count = len(document.data()["actions"])
            document.arrange_tables("actions", [k for k in range(count) if k != n])

        self._edit(item_id, ("actions",), apply)

    def move_action(self, item_id: str, index: int, to: int) -> None:
        text, _ = self._action(item_id, index)
        count = len(self.open(item_id).document.data().get("actions", []))
        if not 0 <= to < count:
            raise NotFound(f"{item_id} has no position {to + 1} for an action (it has {count})")

        def apply(document: ItemDocument) -> None:
            n = _find_action(document, index, text, item_id)
            order = [k for k in range(len(document.data()["actions"])) if k != n]
            order.insert(min(to, len(order)), n)
            if order != sorted(order):
                document.arrange_tables("actions", order)

        self._edit(item_id, ("actions",), apply)

    def _action(self, item_id: str, index: int) -> tuple[str, dict]:
        """The action at `index` as the caller sees it: its text identifies it when the
        edit is replayed on a file another writer changed meanwhile."""
        actions = self.open(item_id).document.data().get("actions", [])
        if not isinstance(actions, list) or not 0 <= index < len(actions):
            count = len(actions) if isinstance(actions, list) else 0
            raise NotFound(f"{item_id} has no action {index + 1} (it has {count}; "
                           "`afi show` numbers them)")
        return str(actions[index].get("text", "")), actions[index]

    def _board(self, board: str) -> str:
        board = _one_line(board, "--board")
        allowed = self.plan.config.boards
        if not board:
            raise InvalidValue("--board cannot be empty: which board signed it off?")
        if allowed and board not in allowed:
            raise InvalidValue(f"unknown board '{board}': plan.toml names "
                               f"{'; '.join(allowed)}")
        return board

    def create(self, item_id: str, fields: dict[str, Any],
               numbered_in: str | None = None) -> PendingItem:
        """A new item file; `fields` in file order (id is added first). `numbered_in`:
        the id is the next free `<inspection>-NN` and is taken again under the lock if
        another writer took it meanwhile (two `afi new` at once get different ids)."""
        if not ID_RE.match(item_id):
            raise InvalidValue(f"id {item_id!r} is not valid: use letters, digits, '.', '_' "
                               "or '-', starting with a letter or digit, at most 64 characters")
        if self.plan.find(item_id) is not None or item_id.lower() in self.pending:
            raise AfiError(f"an item with id '{item_id}' already exists: choose another id")
        path = self.plan.dir / ITEMS_DIR / f"{item_id}.toml"
        if _taken(path):
            raise AfiError(f"{path} already exists: choose another id")
        values = {name: (self.check_value(name, value, fields) if name in SETTABLE else value)
                  for name, value in fields.items()}

        def apply(document: ItemDocument) -> None:
            for name, value in values.items():
                if value is not None:
                    document.set(name, value)

        seed = f'id = "{item_id}"\n'
        document = ItemDocument(seed)
        apply(document)
        entry = PendingItem(item_id, path, None, document,
                            operations=[Operation(("id",), apply)], seed=seed)
        entry.numbered_in = numbered_in
        self.pending[item_id.lower()] = entry
        return entry

    def _renumber(self, entry: PendingItem) -> None:
        """Under the lock: the next free number, for a new item whose id was taken."""
        item_id = self.plan.next_id(entry.numbered_in)
        entry.item_id = item_id
        entry.path = self.plan.dir / ITEMS_DIR / f"{item_id}.toml"
        entry.seed = f'id = "{item_id}"\n'
        entry.document = entry.replay(entry.seed)

    # -- values -------------------------------------------------------------------------------
    def check_value(self, name: str, value: Any, item: dict | None = None) -> Any:
        """The value as it will be stored, or InvalidValue saying what is allowed (the
        schema says how a field is checked; `item`: the item's data, for the areas of its
        inspection)."""
        if name not in SETTABLE:
            raise UsageError(f"cannot set '{name}': use one of {', '.join(SETTABLE)}, "
                             "tags+=X or tags-=X")
        field = FIELDS[name]
        if isinstance(value, str) and not field.multiline:
            value = value.strip()
        if value in ("", None) or ((field.type in (DATE, INTEGER) or field.none_clears)
                                   and value == "none"):
            if name in CLEARABLE:
                return None
            raise InvalidValue(f"'{name}' cannot be empty")
        if field.type == DATE:
            return parse_date(value, name)
        if field.type == INTEGER:
            return _whole_number(value, name)
        value = _text(value, name) if field.multiline else _one_line(value, name)
        allowed = self.plan.config.vocabulary(field.vocabulary, item) if field.vocabulary \
            else None
        if allowed is not None and value not in allowed:
            raise InvalidValue(f"unknown {name} '{value}': use one of {', '.join(allowed)}")
        return value

    def discard(self) -> None:
        """Forget every pending edit (nothing has been written yet)."""
        self.pending.clear()

    # -- output -------------------------------------------------------------------------------
    def touched(self) -> list[PendingItem]:
        """Entries whose preview differs from the file as read."""
        return [e for e in self.pending.values()
                if e.original is None or e.new_text != e.original]

    def diff(self) -> str:
        """A unified diff of every pending file, as `git diff` would show it."""
        import difflib  # only a dry run needs it

        root = self.plan.dir.parent
        chunks = []
        for entry in self.touched():
            name = _relative(entry.path, root)
            old = (entry.original or "").splitlines(keepends=True)
            chunks += difflib.unified_diff(
                old, entry.new_text.splitlines(keepends=True),
                "/dev/null" if entry.original is None else f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)

    # -- committing ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Every touched file must parse back and pass the rules; else nothing is written."""
        problems: list[Problem] = []
        for entry in self.touched():
            problems += _document_problems(entry.path, entry.document, self.plan.config,
                                           entry.base_data)
        if problems:
            raise InvalidItem(problems)

    def commit(self) -> str | None:
        """Commit every edit as one commit; returns its id, or None when the edits change
        nothing (then nothing is written). The plan reads its files again when next asked."""
        from tui.core.write.transaction import transaction

        if not self.touched():
            return None
        self.validate()
        repo = self.plan.repo()
        with transaction(repo) as txn:
            self.warnings += txn.warnings
            writes, message = self._prepare(repo)
            if not writes:
                self.pending.clear()
                return None
            # _prepare checked each file against the plan.toml it is committed with.
            self.recorded = txn.commit(writes, message, checked={w.path for w in writes})
        self.pending.clear()
        self.plan.invalidate()
        return self.recorded.sha

    def _prepare(self, repo: GitRepo) -> tuple[list, str]:
        """Under the lock: replay the edits on each file as it is now, against HEAD's
        version; the writes and the message describing exactly them."""
        from tui.core.write.commit import FileWrite

        entries = list(self.pending.values())
        plan_file = self.plan.dir / PLAN_FILE
        head = repo.files_at("HEAD", [e.path for e in entries] + [plan_file]) \
            if repo.head_sha() else {}
        config, plan_dirty = committed_config(self.plan, head.get(repo.relative(plan_file)))
        writes, notes, problems = [], [], []
        for entry in entries:
            committed = head.get(repo.relative(entry.path))
            current = _read_or_none(entry.path)
            if entry.original is None:
                if entry.numbered_in and (current is not None or _taken(entry.path)):
                    self._renumber(entry)
                    current, committed = None, None
                if current is not None or committed is not None or _taken(entry.path):
                    raise AfiError(f"{entry.path} appeared meanwhile (another writer?): "
                                   "choose another id; nothing was written")
            else:
                if current is None:
                    raise NotFound(f"{entry.path} was deleted meanwhile: nothing was written")
                if entry.pinned and current != entry.original:
                    _refuse_overlap(entry, current)
                _refuse_uncommitted(repo, entry, current, committed)
            # The preview already holds the edits on this very text: replay only if the
            # file changed since it was read (another writer went first).
            document = entry.document if current == entry.original and current is not None \
                else entry.replay(current if current is not None else entry.seed)
            found = _document_problems(entry.path, document, config, entry.base_data)
            if found and plan_dirty and not _document_problems(entry.path, document,
                                                               self.plan.config,
                                                               entry.base_data):
                raise AfiError(f"{entry.item_id} needs edits to plan.toml that are not "
                               f"committed ({found[0].message}): commit plan.toml first "
                               "(`afi commit plan`); nothing was written")
            problems += found
            if found:
                continue
            if committed is None:
                old_data = None
            elif committed == (entry.original or "").encode("utf-8"):
                old_data = entry.base_data
            else:
                old_data = _data(committed.decode("utf-8"))
            if old_data is not None:
                _require_reasons(entry.item_id, old_data, document.data(), config,
                                 given=entry.reasons)
            item_notes = messages.item_notes(old_data, document.data())
            if item_notes:
                writes.append(FileWrite(entry.path, current, document.text(),
                                        in_head=committed is not None))
                notes.append((entry.item_id, item_notes))
        if problems:
            raise InvalidItem(problems)
        return writes, messages.compose(notes, user_message=self.message)


def committed_config(plan: Plan, committed: bytes | None) -> tuple[PlanConfig, bool]:
    """plan.toml as committed, and whether the one on disk differs. Items are checked
    against the committed one: an item needing an uncommitted edit of plan.toml would
    leave HEAD invalid on a fresh clone."""
    disk_text = _read_or_none_text(plan.dir / PLAN_FILE)
    if committed is None:
        return plan.config, disk_text is not None
    text = committed.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if text == disk_text:
        return plan.config, False
    config, _, readable = config_from_text(plan.dir / PLAN_FILE, text)
    return (config if readable else plan.config), True


def commit_hand_edits(plan: Plan, names: list[str],
                      message: str | None = None) -> tuple[Commit | None, list[str]]:
    """`afi commit [ID...]`: check item files (and plan.toml) edited by hand and commit
    them with field-level messages. Returns the commit (None: nothing to commit) and
    warnings."""
    from tui.core.write.commit import FileWrite
    from tui.core.write.transaction import transaction

    user_message = messages.check_user_message(message)
    repo = plan.repo()
    with transaction(repo, "afi commit") as txn:
        warnings = txn.warnings
        changed = _changed_files(repo, plan.dir, names)
        if not changed:
            return None, warnings
        plan_file = plan.dir / PLAN_FILE
        head = repo.files_at("HEAD", [*changed, plan_file]) if repo.head_sha() else {}
        if plan_file in changed:
            config, problems, _ = config_from_text(plan_file, _read_or_none(plan_file) or "")
            committed = head.get(repo.relative(plan_file))
            problems += _broken_by_plan_edit(plan, changed, committed)
        else:
            config, problems = committed_config(plan, head.get(repo.relative(plan_file)))[0], []
        writes, items, others = [], [], []
        for path in changed:
            text = _read_or_none(path)
            committed = head.get(repo.relative(path))
            old = _data(committed.decode("utf-8")) if committed is not None else None
            if path == plan_file:
                others.append((PLAN_FILE, messages.file_notes(old, _data(text or ""))))
            elif text is None:
                items.append((path.stem, messages.item_notes(old, None)))
            elif found := _item_problems(path, text, config, old):
                problems += found
            else:
                new = _data(text)
                if old is not None:  # a reason by hand is a progress update in the same edit
                    logged = len(new.get("updates", [])) > len(old.get("updates", []))
                    _require_reasons(path.stem, old, new, config,
                                     given={"due": "", "status": ""} if logged else {},
                                     hint="add a [[updates]] entry saying why, in the same "
                                          "edit")
                items.append((path.stem, messages.item_notes(old, new)))
            writes.append(FileWrite(path, text, text, in_head=committed is not None))
        if problems:
            raise InvalidItem(problems)
        if not any(notes for _, notes in items + others):
            raise AfiError("the files differ from the last commit only in comments or layout: "
                           "commit them with git itself, saying why")
        return txn.commit(writes, messages.compose(items, others, user_message),
                          checked={w.path for w in writes}), warnings


def _changed_files(repo: GitRepo, plan_dir: Path, names: list[str]) -> list[Path]:
    """Item files and plan.toml that differ from HEAD (modified, new or deleted)."""
    _, out, _ = repo.run("--literal-pathspecs", "status", "--porcelain=v1", "-z",
                         "--untracked-files=all", "--no-renames", "--",
                         repo.relative(plan_dir / PLAN_FILE),
                         repo.relative(plan_dir / ITEMS_DIR))
    found = []
    for record in out.split("\0"):
        if len(record) > 3:
            path = repo.root / record[3:]
            if path == plan_dir / PLAN_FILE or (path.parent == plan_dir / ITEMS_DIR
                                                and path.suffix == ".toml"):
                found.append(path)
    if not names:
        return found
    wanted = {n.lower().removesuffix(".toml") for n in names}
    chosen = [p for p in found if p.stem.lower() in wanted or
              (p.name == PLAN_FILE and "plan" in wanted)]
    missing = wanted - {p.stem.lower() for p in chosen}
    if missing:
        raise NotFound(f"no uncommitted edits to {', '.join(sorted(missing))}: "
                       "`git status` shows what has changed")
    return chosen


def _require_reasons(item_id: str, old: dict, new: dict, config: PlanConfig,
                     given: dict[str, str], hint: str = "give --reason TEXT") -> None:
    """A due date that moves, or a closed item reopened, must say why (docs/format.md §7):
    boards ask for the old date, the new one and the reason."""
    was, now = old.get("due"), new.get("due")
    if config.due_change_needs_reason and was is not None and now != was and "due" not in given:
        raise InvalidValue(f"{item_id}: moving its due date from {was} to {now or 'none'} "
                           f"needs a reason ({hint}; it is kept as a progress update); "
                           "nothing was written")
    closed = config.closed_status
    if old.get("status") == closed and new.get("status") != closed and "status" not in given:
        raise InvalidValue(f"{item_id} is {closed} (signed off): reopening it needs a reason "
                           f"({hint}; it is kept as a progress update); nothing was written")


def _broken_by_plan_edit(plan: Plan, changed: list[Path],
                         committed_plan: bytes | None) -> list[Problem]:
    """Problems of items the edited plan.toml would break (say, an inspection they name
    removed): items valid under the committed plan.toml that fail under the new one."""
    fresh = type(plan)(plan.dir)  # read with the plan.toml now on disk
    before, _, readable = config_from_text(plan.dir / PLAN_FILE, (committed_plan or b"")
                                           .decode("utf-8", errors="replace"))
    broken = []
    for problem in fresh.problems:
        if problem.path in changed or problem.path.name == PLAN_FILE:
            continue
        text = _read_or_none(problem.path)
        if text is not None and readable and not _item_problems(problem.path, text, before):
            broken.append(problem)
    return broken


def _refuse_uncommitted(repo: GitRepo, entry: PendingItem, current: str,
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
        fields = ", ".join(messages.item_notes(_data(before), _data(current))) or \
            "comments or layout"
    except toml_read.TOMLDecodeError:
        fields = "it does not parse"
    raise UncommittedEdits(f"{name} has edits that are not committed ({fields}): afi will not "
                           f"fold them into this commit. Commit them first with `afi commit "
                           f"{entry.item_id}` (or undo them with `git restore {name}`), then "
                           "try again; nothing was written")


def _refuse_uncommitted_file(repo: GitRepo, path: Path, name: str) -> None:
    """The same refusal for a file read outside a Change (plan.toml, an imported item)."""
    committed = repo.file_at("HEAD", path) if repo.head_sha() else None
    entry = PendingItem(name, path, None, ItemDocument(""))
    _refuse_uncommitted(repo, entry, read_text(path), committed)


def _refuse_overlap(entry: PendingItem, current: str) -> None:
    """The user edited `entry.original`; someone else has changed the file since. Their
    change and ours may both stand unless they touch the same field."""
    theirs = set(_changed_keys(_data(entry.original or ""), _data(current)))
    ours = {name for op in entry.operations if not op.commutes for name in op.fields}
    clash = sorted(theirs & ours)
    if clash:
        raise ConflictError(f"{_changed_underneath(entry.path)} (both changed "
                            f"{', '.join(clash)})")


def _changed_keys(old: dict, new: dict) -> list[str]:
    return [k for k in list(new) + [k for k in old if k not in new] if old.get(k) != new.get(k)]


def _document_problems(path: Path, document: ItemDocument, config: PlanConfig,
                       before: dict | None) -> list[Problem]:
    """The rules for an edited file (`before`: its data as read, None for a new one),
    from the data its edits already parsed; the text is scanned for line numbers only
    when there is a problem."""
    found = check_item(document.data(), path.stem, config, before=before)
    if not found:
        return []
    text = document.text()
    return [Problem(path, locate.line_of(text, key), message) for key, message in found]


def _item_problems(path: Path, text: str, config: PlanConfig,
                   before: Any = READ) -> list[Problem]:
    """The rules for a file (`before`: as committed, when afi commits it)."""
    data, found = parse_text(path, text)
    if data is None:
        return found
    return [Problem(path, locate.line_of(text, key), message)
            for key, message in check_item(data, path.stem, config, before=before)]


def _data(text: str) -> dict[str, Any]:
    return toml_read.loads(text)


def _read_or_none(path: Path) -> str | None:
    try:
        return read_text(path)
    except FileNotFoundError:
        return None


def _read_or_none_text(path: Path) -> str | None:
    text = _read_or_none(path)
    return None if text is None else text.replace("\r\n", "\n")


def _taken(path: Path) -> bool:
    """A file with this name, ignoring case, exists (ids are unique ignoring case)."""
    if path.exists() or path.is_symlink():
        return True
    wanted = path.name.lower()
    try:
        return any(p.name.lower() == wanted for p in path.parent.iterdir())
    except FileNotFoundError:
        return False


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def parse_date(value: Any, what: str = "date") -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"{what}: '{text}' is not a date: use YYYY-MM-DD, e.g. 2025-03-31") \
            from None


def open_actions(data: dict[str, Any]) -> tuple[int, int]:
    """(actions not done, all actions) of an item's data."""
    actions = data.get("actions")
    actions = actions if isinstance(actions, list) else []
    return sum(1 for a in actions if isinstance(a, dict) and not a.get("done")), len(actions)


def not_in_future(day: date | None, what: str) -> date | None:
    """A sign-off, progress update or evidence records what has happened: a day after
    today (`AFI_TODAY` pins it) is refused."""
    if day is not None and day > today():
        raise InvalidValue(f"{what} {day} is in the future (today is {today()}): record it "
                           "on the day it happens or after")
    return day


def _changed_underneath(path: Path) -> str:
    return (f"{path} changed on disk since it was read (another terminal, a script or a "
            "git command?): nothing was written; reload and make the change again")


def _log(document: ItemDocument, by: str, text: str) -> None:
    """A progress update recording why something changed."""
    document.append_table("updates", {"date": today(), "by": by, "text": text})


def _due_move(old: date | None, new: date | None, reason: str) -> str:
    if old is None:
        return f"Due date set to {new}: {reason}"
    if new is None:
        return f"Due date removed (was {old}): {reason}"
    return f"Due date moved from {old} to {new}: {reason}"


def _find_action(document: ItemDocument, index: int, text: str, item_id: str) -> int:
    """Where the action the caller meant is now: at `index` if it still has its text,
    else the one action with that text; if it is gone or ambiguous, refuse."""
    actions = document.data().get("actions", [])
    if index < len(actions) and actions[index].get("text") == text:
        return index
    matches = [n for n, a in enumerate(actions) if a.get("text") == text]
    if len(matches) == 1:
        return matches[0]
    raise ConflictError(f"{item_id}: action {index + 1} ({text[:40]!r}) changed meanwhile "
                        "(another writer?): nothing was written; look at the item again")


def _whole_number(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{what} must be a whole number, not {value!r}") from None
    if not 0 <= number < 2**63:
        raise InvalidValue(f"{what} {number} is out of range")
    return number


def _one_line(value: Any, what: str) -> str:
    text = str(value).strip()
    if has_controls(text):
        raise InvalidValue(f"{what} must be one line of text without control characters")
    return text


def _text(value: Any, what: str) -> str:
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        raise InvalidValue(f"{what} text cannot be empty")
    if has_controls(text, lines=True):
        raise InvalidValue(f"{what} must not contain control characters")
    return text
