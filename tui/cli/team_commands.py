"""Commands of working as a team: setup, sync, resolve and the merge driver git runs."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from tui.cli.main import EXIT_FAILED, EXIT_OK
from tui.core.errors import InvalidValue, UsageError
from tui.core.safe_text import visible

TYPE_CHECKING = False  # typing costs 2 ms to import; annotations are never evaluated
if TYPE_CHECKING:
    from tui.core.plan import Plan


def _plan(args: Namespace) -> Plan:
    from tui.cli.commands import _plan as plan_of  # the one place a command opens its plan

    return plan_of(args)


def _warn(messages: list[str]) -> None:
    from tui.cli.commands import _warn as warn

    warn(messages)


def cmd_setup(args: Namespace) -> int:
    from tui.core.team.sync import setup
    from tui.core.write.editor_config import commit_editor_config

    plan = _plan(args)
    notes = setup(plan)
    notes += commit_editor_config(plan)  # the editor schema, in a commit of its own
    for note in notes or ["already set up: item files merge field by field"]:
        print(visible(note))
    return EXIT_OK


def cmd_sync(args: Namespace) -> int:
    from tui.core.progress import NO_PROGRESS
    from tui.core.team.sync import sync

    plan = _plan(args)
    result = sync(plan, progress_to=sys.stderr if plan.progress is not NO_PROGRESS else None)
    _warn(result.notes)
    if result.stopped:
        print(f"afi: {visible(result.summary)}", file=sys.stderr)
        print("afi: settle each with `afi resolve ID FIELD ours|theirs|VALUE`, then run "
              "`afi sync` again", file=sys.stderr)
        return EXIT_FAILED
    print(visible(result.summary))
    return EXIT_OK


def cmd_resolve(args: Namespace) -> int:
    from tui.core.team import conflicts
    from tui.core.team.conflicts import conflict_line
    from tui.core.team.sync import settle

    plan = _plan(args)
    repo = plan.repo()
    if not args.id:
        records = conflicts.load_all(repo.git_dir)
        for open_record in records:
            for c in open_record.conflicts:
                print(visible(conflict_line(open_record, c)))
        if not records:
            print("no conflict is open", file=sys.stderr)
        return EXIT_OK
    if not args.field or not args.choice:
        raise UsageError("give ID FIELD ours|theirs|VALUE (`afi resolve` lists what is open)")
    choice, value = args.choice, None
    if choice not in (conflicts.OURS, conflicts.THEIRS) and args.id.lower() == "plan":
        value, choice = _toml_value(args.choice), "value"  # a plan.toml setting
    elif choice not in (conflicts.OURS, conflicts.THEIRS):
        value, choice = _resolution_value(plan, args.field, args.choice), "value"
    record = settle(plan, args.id, args.field, choice, value)
    if record is not None:
        print(f"{visible(args.id)} {visible(args.field)} settled; still open: "
              + "; ".join(visible(conflict_line(record, c)) for c in record.conflicts))
        return EXIT_OK
    left = conflicts.load_all(repo.git_dir)
    print(f"{visible(args.id)} settled" + ("" if left else ": run `afi sync` to finish"))
    return EXIT_OK


def _toml_value(text: str):
    """A value typed as TOML writes it (30, true, ["a", "b"]), else the text itself."""
    from tui.core.store import toml_read

    try:
        return toml_read.loads(f"v = {text}")["v"]
    except toml_read.TOMLDecodeError:
        return text


def _resolution_value(plan: Plan, field: str, text: str):
    """A value typed for a field, as that field stores it (schema.py)."""
    from tui.core.model.schema import BOOLEAN, DATE, FIELDS, SETTABLE
    from tui.core.team.conflicts import field_path
    from tui.core.write.change import Change
    from tui.core.write.values import parse_date

    path = field_path(field)
    top = FIELDS.get(str(path[0]))
    part = top.part(str(path[-1])) if top is not None and len(path) > 1 else top
    if len(path) == 1 and path[0] in SETTABLE:
        return Change(plan).check_value(str(path[0]), text)
    if part is not None and part.type == DATE:
        return parse_date(text, field)
    if part is not None and part.type == BOOLEAN:
        if text.lower() not in ("true", "false"):
            raise InvalidValue(f"{field} is true or false, not {text!r}")
        return text.lower() == "true"
    return text


def cmd_merge_driver(args: Namespace) -> int:
    from tui.core.team.sync import merge_driver

    return merge_driver(Path(args.base), Path(args.ours), Path(args.theirs), args.path)
