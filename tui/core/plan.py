"""`Plan`: the entry point for the command line, the terminal UI and scripts.

    plan = Plan.open("plan")
    for item in plan.query("status:in-progress is:overdue"):
        ...
    with plan.change("Hand over Supt Smith's items") as change:
        change.set("PEEL22-08", "owner", "Supt Jones")
    # one commit on leaving the block; nothing written if it raises
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tui.core.errors import AfiError, NotFound, Problem
from tui.core.model.items import ID_RE, Item, PlanConfig, today
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.safe_text import visible
from tui.core.store.reading import Snapshot, find_plan_dir, load_config, load_plan, read_one_item

TYPE_CHECKING = False  # typing costs 2 ms to import; annotations are never evaluated
if TYPE_CHECKING:
    from types import TracebackType

    from tui.core.git.repo import GitRepo
    from tui.core.model.query import Query
    from tui.core.pack.model import Revision
    from tui.core.write.change import Change


class Plan:
    """A plan folder, read when first needed; `reload()` after changes made elsewhere.

    Commands that name one item (`set ID`, `note`, `log`, `show`) read only that file and
    plan.toml; listing or querying reads everything (through the cache).
    """

    def __init__(self, directory: Path, previous: Snapshot | None = None,
                 report: Callable[[str], None] | None = None):
        """`previous`: an earlier snapshot of the same folder, whose unchanged files the
        first read reuses (the terminal UI reloads this way). `report`: where to say which
        files a query skipped because they fail validation (None: nowhere; the UI shows
        them in its problems panel)."""
        self.dir = directory
        self._previous = previous
        self._snapshot: Snapshot | None = None
        self._config: tuple[PlanConfig, list[Problem], bool] | None = None
        self.report = report
        self._reported: Snapshot | None = None
        self.revision: Revision | None = None  # set on a plan read from history (`at`)
        self.progress: Progress = NO_PROGRESS  # told of long work (tui.core.progress)

    @classmethod
    def open(cls, directory: str | os.PathLike[str] | None = None,
             report: Callable[[str], None] | None = None,
             progress: Progress = NO_PROGRESS) -> Plan:
        """--plan DIR semantics: the folder given, else $AFI_PLAN, ./plan, or a parent.

        A change left half-done by a process that died is finished or undone first, and
        that, like files skipped by queries, is reported on stderr (or to `report`)."""
        plan = cls(find_plan_dir(directory), report=report or _to_stderr)
        plan.progress = progress
        note = recover_interrupted(plan.dir)
        if note and plan.report is not None:
            plan.report(f"afi: {note}")
        return plan

    def at(self, revision: str) -> Plan:
        """The plan as it stood at `revision` (a date, a board tag, last-board or any
        revision git knows), read from git; for reading only."""
        from tui.core.git.as_of import snapshot_at
        from tui.core.git.boards import find_revision

        found = find_revision(self.repo(), revision)
        if found.commit is None:
            raise NotFound(f"no commit on or before {revision}: the plan did not exist yet")
        old = Plan(self.dir, report=self.report)
        old._snapshot = snapshot_at(self, found.commit)
        old.revision = found
        return old

    def reload(self) -> None:
        """Read again, reusing what has not changed since the last read."""
        self._snapshot = load_plan(self.dir, self._snapshot)

    def invalidate(self) -> None:
        """Forget what was read; the next access reads the files again."""
        self._snapshot = None
        self._config = None

    # -- reading ------------------------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = load_plan(self.dir, self._previous, self.progress)
            self._previous = None
        return self._snapshot

    @property
    def loaded(self) -> bool:
        return self._snapshot is not None

    @property
    def config(self) -> PlanConfig:
        if self._snapshot is not None:
            return self._snapshot.config
        if self._config is None:
            self._config = load_config(self.dir)
        return self._config[0]

    def unreadable_config(self) -> list[Problem]:
        """plan.toml's problems when it cannot be read at all, else []. Every edit is
        checked against its rules (inspections, areas, statuses): without them, it is
        plan.toml to fix, not the item."""
        _, problems, readable = load_config(self.dir)
        return [] if readable else [
            Problem(p.path, p.line, f"{p.message} (afi checks every edit against plan.toml: "
                                    "fix it first)") for p in problems]

    @property
    def items(self) -> list[Item]:
        return self.snapshot.items

    @property
    def problems(self) -> list[Problem]:
        return self.snapshot.problems

    def find(self, item_id: str) -> Item | None:
        """The valid item with this id, ignoring case, or None."""
        if not ID_RE.match(item_id):
            return None
        if self._snapshot is None:
            return self._read_one(item_id)[0]
        return self.snapshot.by_id().get(item_id.lower())

    def _read_one(self, item_id: str) -> tuple[Item | None, list[Problem]]:
        self.config  # noqa: B018 - reads plan.toml once
        assert self._config is not None
        config, _, readable = self._config
        return read_one_item(self.dir, item_id, config, readable)

    def get(self, item_id: str) -> Item:
        """The item with this id, or NotFound saying why (unknown, or invalid and where)."""
        if not ID_RE.match(item_id):
            raise NotFound(f"'{item_id}' is not an item id: ids are letters, digits, '.', "
                           "'_' and '-'")
        item = self.find(item_id)
        if item is None:
            if self._snapshot is None:
                skipped = self._read_one(item_id)[1]
            else:
                skipped = [p for p in self.problems
                           if p.path.stem.lower() == item_id.lower()]
            if skipped:
                first = skipped[0]
                raise NotFound(f"{first.path}:{first.line}: item '{item_id}' is invalid "
                               f"({first.message}); fix it first (`afi check`)")
            raise NotFound(f"no item '{item_id}' in {self.dir}: `afi list` shows the ids")
        return item

    def parse_query(self, text: str, on: date | None = None) -> Query:
        from tui.core.model.query import parse_query

        return parse_query(text, self.config.views, on=on, config=self.config,
                           me=self.me)

    def me(self) -> str:
        """Who `owner:me` means: the [people] entry whose git_name (or name) is git's
        user.name, by the name items give as owner; else user.name itself."""
        from tui.core.errors import GitError, QueryError

        try:
            git_name = self.repo().user_name()
        except GitError as err:
            raise QueryError(f"'owner:me' needs your git user.name: {err}", 0) from None
        from tui.core.model.people import person_of

        person = person_of(self.config, git_name)
        return person.name if person else git_name

    def query(self, text: str = "", on: date | None = None) -> list[Item]:
        """Items matching `text` (docs/format.md, "Queries"), in the order its sort terms
        ask for. Files left out because they fail validation are reported (see `open`)."""
        on = on or today()
        found = self.parse_query(text, on).apply(self.items, self.config, on)
        if self.report is not None and self._reported is not self.snapshot:
            self._reported = self.snapshot
            for line in skipped_lines(self.problems):
                self.report(line)
        return found

    def next_id(self, inspection: str) -> str:
        """`<inspection>-NN`: the next free two-digit number after the highest in use."""
        return f"{inspection}-{self.highest_number(inspection) + 1:02d}"

    def highest_number(self, inspection: str) -> int:
        """The highest NN of the `<inspection>-NN` files in the folder (0: none)."""
        pattern = re.compile(rf"^{re.escape(inspection)}-(\d+)$", re.IGNORECASE)
        return max((int(m.group(1)) for p in (self.dir / "afis").glob("*.toml")
                    if (m := pattern.match(p.stem))), default=0)

    # -- writing ------------------------------------------------------------------------------
    def change(self, message: str | None = None, dry_run: bool = False) -> ChangeContext:
        """Edits collected in a `with` block and committed once when it ends.

        With `dry_run`, nothing is written: the change's `diff()` shows what would be."""
        from tui.core.write.change import (
            Change,  # writing only: keep reads free of the writer's imports
        )

        if self.revision is not None:
            raise AfiError(f"this is the plan as of {self.revision.label}: history cannot be "
                           "changed; open the plan itself to change it")
        return ChangeContext(Change(self, message), dry_run)

    def check(self) -> list[Problem]:
        """What `afi check` finds in the folder: load problems and saved views that do not
        parse (check.py)."""
        from tui.core.check import check_plan_folder

        return check_plan_folder(self)

    def repo(self) -> GitRepo:
        from tui.core.git.repo import GitRepo

        repo = GitRepo.find(self.dir)
        repo.plan_dir = self.dir  # whose plan.toml names the boards a tag may be for
        return repo


MAX_SKIPPED_LINES = 10  # then one line saying how many more


def skipped_lines(problems: list[Problem]) -> list[str]:
    """One line per file left out: its first problem, and how many more `afi check` shows."""
    by_file: dict[Path, list[Problem]] = {}
    for problem in sorted(set(problems)):
        by_file.setdefault(problem.path, []).append(problem)
    lines = []
    for found in list(by_file.values())[:MAX_SKIPPED_LINES]:
        more = len(found) - 1
        hint = f" (and {more} more: see `afi check`)" if more else ""
        lines.append(f"afi: skipped {visible(found[0].render(Path.cwd()))}{hint}")
    if len(by_file) > MAX_SKIPPED_LINES:
        lines.append(f"afi: skipped {len(by_file) - MAX_SKIPPED_LINES} more files that fail "
                     "validation: `afi check` lists them all")
    return lines


def recover_interrupted(plan_dir: Path) -> str | None:
    """Finish or undo a change (journal.py) or a sync (sync_recovery.py) whose process
    died; a line saying what was done, or None. Costs three stats when there is nothing
    to do."""
    from tui.core.store.reading import find_git_dir, journal_path

    git_dir = find_git_dir(plan_dir)
    if git_dir is None:
        return None
    journal = journal_path(git_dir)
    if not any(path.exists() for path in (journal, journal.with_name("journal.abandoned.json"),
                                          journal.with_name("sync.json"))):
        return None  # a few stats, no import: the usual case of every command
    from tui.core.write import transaction

    return transaction.recover_interrupted(plan_dir)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


class ChangeContext:
    """`with plan.change(msg) as change:` commits on success, discards on an exception;
    a dry run validates and keeps the pending diff instead of committing."""

    def __init__(self, change: Change, dry_run: bool = False):
        self.change = change
        self.dry_run = dry_run
        self.sha: str | None = None

    def __enter__(self) -> Change:
        return self.change

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is not None:
            return
        if self.dry_run:
            self.change.validate()
        else:
            self.sha = self.change.commit()
