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

from collections.abc import Callable
from datetime import date

from tui.core.errors import (
    AfiError,
    IdTaken,
    InvalidItem,
    InvalidValue,
    NotFound,
    Problem,
    ReasonRequired,
    SignOffRequired,
    UsageError,
    did_you_mean,
)
from tui.core.model.items import ID_RE, today
from tui.core.model.schema import CLEARABLE, DATE, FIELDS, INTEGER, SETTABLE
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, read_text
from tui.core.store.tomledit import ItemDocument
from tui.core.write import messages
from tui.core.write.pending import (
    Operation,
    PendingItem,
    committed_config,
    document_problems,
    name_taken,
    read_or_none,
    refuse_overlap,
    refuse_uncommitted,
    relative_name,
    require_reasons,
    toml_data,
)
from tui.core.write.values import (
    REOPENED,
    checked_text,
    due_move,
    find_action,
    log_update,
    not_in_future,
    one_line,
    open_actions,
    parse_date,
    whole_number,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.git.repo import Commit, GitRepo
    from tui.core.plan import Plan


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
              apply: Callable[[ItemDocument], object], commutes: bool = False) -> PendingItem:
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
        reason = checked_text(reason, "reason") if reason else None
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
                    log_update(document, by, f"{REOPENED}{old} -> {value}): {reason}")
            elif name == "due" and reason:
                log_update(document, by, due_move(old, value, reason))

        # What the operation may touch: a status change drops a sign-off when it
        # reopens; only a reason adds a progress update.
        fields = (name, *(("closure",) if name == "status" else ()),
                  *(("updates",) if reason else ()))
        self._edit(item_id, fields, apply)
        if reason:
            entry.reasons[name] = reason
        return bool(before != value)

    def close(self, item_id: str, by: str, board: str, on: date | None = None,
              reason: str | None = None) -> None:
        """Sign an item off: the plan's closed status and its [closure] (who, which
        board, when), in the same commit. An item with actions still open needs a
        `reason`, kept as a progress update (docs/format.md §4)."""
        status = self.plan.config.closed_status
        if status is None:
            raise InvalidValue("this plan has no closed status: name one in plan.toml "
                               "(closed_status = \"...\")")
        closure = {"approved_by": one_line(by, "by", field="approved_by"),
                   "board": self._board(board), "date": not_in_future(on, "sign-off date")
                   or today()}
        if not closure["approved_by"]:
            raise InvalidValue("by= cannot be empty: who signed it off?", field="approved_by",
                               value=by, cli_message="--by cannot be empty: who signed it off?")
        entry = self.open(item_id)
        open_, total = open_actions(entry.document.data())
        if open_ and not reason:
            raise ReasonRequired(entry.item_id, "closure", f"{entry.item_id} has {open_} of "
                                 f"{total} actions still open: closing it")
        reason = checked_text(reason, "reason") if open_ else None
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
                log_update(document, logger, f"Closed with {left} of {of} actions open: {reason}")

        self._edit(item_id, ("status", "closure", *(("updates",) if reason else ())), apply)

    def add_evidence(self, item_id: str, title: str, location: str | None = None,
                     on: date | None = None) -> None:
        entry = {"title": one_line(title, "evidence title"),
                 "location": one_line(location, "location") if location else None,
                 "date": not_in_future(on, "evidence date")}
        if not entry["title"]:
            raise InvalidValue("the evidence needs a title", field="title", value=title)
        self._edit(item_id, ("evidence",), lambda d: d.append_table("evidence", entry),
                   commutes=True)

    def add_tag(self, item_id: str, tag: str) -> bool:
        tag = one_line(tag, "tag")
        entry = self._edit(item_id, ("tags",),
                           lambda d: d.add_to_array("tags", tag) and None, commutes=True)
        return tag not in (entry.base_data or {}).get("tags", [])

    def remove_tag(self, item_id: str, tag: str) -> bool:
        entry = self._edit(item_id, ("tags",),
                           lambda d: d.remove_from_array("tags", tag) and None, commutes=True)
        return tag in (entry.base_data or {}).get("tags", [])

    def add_update(self, item_id: str, text: str, by: str | None = None,
                   on: date | None = None) -> None:
        text = checked_text(text, "progress update")
        by = self.plan.repo().user_name() if by is None else one_line(by, "--by")
        entry = {"date": not_in_future(on, "update date") or today(), "by": by, "text": text}
        self._edit(item_id, ("updates",), lambda d: d.append_table("updates", entry),
                   commutes=True)

    def assess(self, item_id: str, rag: str, reason: str, by: str | None = None,
               on: date | None = None) -> None:
        """The owner's own RAG, dated and attributed, appended to [[assessments]]."""
        from tui.core.model.items import ASSESSMENTS

        rag = str(rag).strip().lower()
        if rag not in ASSESSMENTS:
            raise InvalidValue(f"unknown assessment '{rag}'{did_you_mean(rag, ASSESSMENTS)}: "
                               f"use one of {', '.join(ASSESSMENTS)}", field="rag", value=rag,
                               allowed=ASSESSMENTS)
        entry = {"date": on or today(),
                 "by": self.plan.repo().user_name() if by is None else one_line(by, "--by"),
                 "rag": rag, "reason": checked_text(reason, "reason")}
        self._edit(item_id, ("assessments",),
                   lambda d: d.append_table("assessments", entry), commutes=True)

    # -- actions (numbered from 0 here; the command line counts from 1) ------------------
    def add_action(self, item_id: str, text: str, due: date | None = None,
                   owner: str | None = None) -> None:
        action = {"text": checked_text(text, "action"), "done": False,
                  "owner": one_line(owner, "owner") or None if owner else None,
                  "due": parse_date(due, "due") if due else None}
        self._edit(item_id, ("actions",), lambda d: d.append_table("actions", action),
                   commutes=True)

    def set_action_done(self, item_id: str, index: int, done: bool = True) -> bool:
        text, before = self._action(item_id, index)

        def apply(document: ItemDocument) -> None:
            n = find_action(document, index, text, item_id)
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
            changes["text"] = checked_text(text, "action")
        if owner is not None:
            changes["owner"] = one_line(owner, "owner") or None
        if due is not None:
            changes["due"] = parse_date(due, "due") if due not in ("", "none") else None
        if not changes:
            raise UsageError("nothing to change: give new text, owner= or due=",
                             cli_message="nothing to change: give new text, --owner or --due")

        def apply(document: ItemDocument) -> None:
            n = find_action(document, index, old_text, item_id)
            current = document.data()["actions"][n]
            for key, value in changes.items():
                if current.get(key) != value:
                    document.set_path(("actions", n, key), value)

        self._edit(item_id, ("actions",), apply)

    def remove_action(self, item_id: str, index: int) -> None:
        text, _ = self._action(item_id, index)

        def apply(document: ItemDocument) -> None:
            n = find_action(document, index, text, item_id)
            count = len(document.data()["actions"])
            document.arrange_tables("actions", [k for k in range(count) if k != n])

        self._edit(item_id, ("actions",), apply)

    def move_action(self, item_id: str, index: int, to: int) -> None:
        text, _ = self._action(item_id, index)
        count = len(self.open(item_id).document.data().get("actions", []))
        if not 0 <= to < count:
            raise NotFound(f"{item_id} has no position {to + 1} for an action (it has {count})")

        def apply(document: ItemDocument) -> None:
            n = find_action(document, index, text, item_id)
            order = [k for k in range(len(document.data()["actions"])) if k != n]
            order.insert(min(to, len(order)), n)
            if order != sorted(order):
                document.arrange_tables("actions", order)

        self._edit(item_id, ("actions",), apply)

    def _action(self, item_id: str, index: int) -> tuple[str, dict[str, Any]]:
        """The action at `index` as the caller sees it: its text identifies it when the
        edit is replayed on a file another writer changed meanwhile."""
        actions = self.open(item_id).document.data().get("actions", [])
        if not isinstance(actions, list) or not 0 <= index < len(actions):
            count = len(actions) if isinstance(actions, list) else 0
            raise NotFound(f"{item_id} has no action {index + 1} (it has {count}; "
                           "`afi show` numbers them)")
        return str(actions[index].get("text", "")), actions[index]

    def _board(self, board: str) -> str:
        board = one_line(board, "board")
        allowed = self.plan.config.boards
        if not board:
            raise InvalidValue("board= cannot be empty: which board signed it off?",
                               field="board", value=board,
                               cli_message="--board cannot be empty: which board signed it off?")
        if allowed and board not in allowed:
            raise InvalidValue(f"unknown board '{board}': plan.toml names "
                               f"{'; '.join(allowed)}", field="board", value=board,
                               allowed=allowed)
        return board

    def create(self, item_id: str, fields: dict[str, Any],
               numbered_in: str | None = None) -> PendingItem:
        """A new item file; `fields` in file order (id is added first). `numbered_in`:
        the id is the next free `<inspection>-NN` and is taken again under the lock if
        another writer took it meanwhile (two `afi new` at once get different ids)."""
        if not ID_RE.match(item_id):
            raise InvalidValue(f"id {item_id!r} is not valid: use letters, digits, '.', '_' "
                               "or '-', starting with a letter or digit, at most 64 characters",
                               field="id", value=item_id)
        if self.plan.find(item_id) is not None or item_id.lower() in self.pending:
            raise IdTaken(f"an item with id '{item_id}' already exists: choose another id",
                          item_id)
        path = self.plan.dir / ITEMS_DIR / f"{item_id}.toml"
        if name_taken(path):
            raise IdTaken(f"{path} already exists: choose another id", item_id)
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
        assert entry.numbered_in is not None  # only new items are renumbered
        item_id = self.plan.next_id(entry.numbered_in)
        entry.item_id = item_id
        entry.path = self.plan.dir / ITEMS_DIR / f"{item_id}.toml"
        entry.seed = f'id = "{item_id}"\n'
        entry.document = entry.replay(entry.seed)

    # -- values -------------------------------------------------------------------------------
    def check_value(self, name: str, value: Any, item: dict[str, Any] | None = None) -> Any:
        """The value as it will be stored, or InvalidValue saying what is allowed (the
        schema says how a field is checked; `item`: the item's data, for the areas of its
        inspection)."""
        if name not in SETTABLE:
            # A field that does not exist is an invalid value given, as a query's
            # unknown field is (exit 1); FIELD=VALUE itself was well formed.
            raise InvalidValue(f"cannot set '{name}'{did_you_mean(name, SETTABLE)}: use one "
                               f"of {', '.join(SETTABLE)}, tags+=X or tags-=X", field=name,
                               allowed=tuple(SETTABLE))
        field = FIELDS[name]
        if isinstance(value, str) and not field.multiline:
            value = value.strip()
        if value in ("", None) or ((field.type in (DATE, INTEGER) or field.none_clears)
                                   and value == "none"):
            if name in CLEARABLE:
                return None
            raise InvalidValue(f"'{name}' cannot be empty", field=name, value=value)
        if field.type == DATE:
            return parse_date(value, name)
        if field.type == INTEGER:
            return whole_number(value, name)
        value = checked_text(value, name) if field.multiline else one_line(value, name)
        allowed = self.plan.config.vocabulary(field.vocabulary, item) if field.vocabulary \
            else None
        if allowed is not None and value not in allowed:
            raise InvalidValue(f"unknown {name} '{value}'{did_you_mean(value, allowed)}: use "
                               f"one of {', '.join(allowed)}", field=name, value=value,
                               allowed=allowed)
        if name == "status" and item is not None and value == self.plan.config.closed_status \
                and item.get("status") != value and not isinstance(item.get("closure"), dict):
            raise SignOffRequired(item.get("id"), value)
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
        chunks: list[str] = []
        for entry in self.touched():
            name = relative_name(entry.path, root)
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
            problems += document_problems(entry.path, entry.document, self.plan.config,
                                           entry.base_data)
        if problems:
            raise InvalidItem(self.plan.unreadable_config() or problems)

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

    def _prepare(self, repo: GitRepo) -> tuple[list[Any], str]:
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
            current = read_or_none(entry.path)
            if entry.original is None:
                if entry.numbered_in and (current is not None or name_taken(entry.path)):
                    self._renumber(entry)
                    current, committed = None, None
                if current is not None or committed is not None or name_taken(entry.path):
                    raise AfiError(f"{entry.path} appeared meanwhile (another writer?): "
                                   "choose another id; nothing was written")
            else:
                if current is None:
                    raise NotFound(f"{entry.path} was deleted meanwhile: nothing was written")
                if entry.pinned and current != entry.original:
                    refuse_overlap(entry, current)
                refuse_uncommitted(repo, entry, current, committed)
            # The preview already holds the edits on this very text: replay only if the
            # file changed since it was read (another writer went first).
            document = entry.document if current == entry.original and current is not None \
                else entry.replay(current if current is not None else entry.seed)
            found = document_problems(entry.path, document, config, entry.base_data)
            if found and plan_dirty and not document_problems(entry.path, document,
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
                old_data = toml_data(committed.decode("utf-8"))
            if old_data is not None:
                require_reasons(entry.item_id, old_data, document.data(), config,
                                 given=entry.reasons)
            item_notes = messages.item_notes(old_data, document.data())
            if item_notes:
                writes.append(FileWrite(entry.path, current, document.text(),
                                        in_head=committed is not None))
                notes.append((entry.item_id, item_notes))
        if problems:
            raise InvalidItem(problems)
        return writes, messages.compose(notes, user_message=self.message)

