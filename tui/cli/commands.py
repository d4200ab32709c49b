"""One function per `afi` command; each a thin layer over `tui.core`."""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from pathlib import Path

from tui.cli import render
from tui.cli.main import EXIT_FAILED, EXIT_OK, terminal_width
from tui.cli.team_commands import (  # noqa: F401 - dispatched by name
    cmd_merge_driver,
    cmd_resolve,
    cmd_setup,
    cmd_sync,
)
from tui.cli.tool_commands import cmd_completion, cmd_schema  # noqa: F401 - dispatched by name
from tui.core.errors import InvalidItem, InvalidValue, NotFound, UsageError
from tui.core.model.items import ID_RE, today
from tui.core.plan import Plan
from tui.core.safe_text import json_dumps, visible, visible_lines

TYPE_CHECKING = False  # typing costs 2 ms to import; annotations are never evaluated
if TYPE_CHECKING:
    from collections.abc import Iterable

    from tui.core.git.history import HistoryEntry
    from tui.core.write.change import Change

# Commands that write import tui.core.write.change (and so tomlkit) when they run: listing
# should not pay for a TOML writer it never uses.


# Plans stay referenced until the process ends: `run()` exits without freeing them.
KEEP_ALIVE: list[Plan] = []


def _plan(args: Namespace) -> Plan:
    plan = Plan.open(getattr(args, "plan", None), progress=_progress(args))
    KEEP_ALIVE.append(plan)
    return plan


def _progress(args: Namespace):
    """A bar on stderr for long work when that is a terminal (tui.cli.progress), else
    the core's do-nothing default; the module is imported only when one may be drawn."""
    from tui.core.progress import NO_PROGRESS

    if getattr(args, "quiet", False) or not _stderr_is_terminal():
        return NO_PROGRESS
    from tui.cli.progress import TerminalProgress

    return TerminalProgress()


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def _warn(messages: list[str]) -> None:
    for message in messages:
        print(f"afi: warning: {visible(message)}", file=sys.stderr)


def _committed(change: Change, sha: str | None) -> int:
    _warn(change.warnings)
    if sha is None:
        print("nothing to change: the items already have those values", file=sys.stderr)
        return EXIT_OK
    subject = change.recorded.subject if change.recorded is not None else ""
    print(f"[{sha[:8]}] {visible(subject)}")  # as git recorded it
    return EXIT_OK


def cmd_tui(args: Namespace) -> int:
    from tui.app.run import run_app
    from tui.core.model.query import query_from_words
    from tui.core.store.reading import find_plan_dir

    # The app loads the plan itself, in a worker, so its first screen comes up at once.
    return run_app(find_plan_dir(getattr(args, "plan", None)),
                   query_from_words(getattr(args, "query", []) or []))


def cmd_init(args: Namespace) -> int:
    from tui.core.init import init_plan

    plan_dir, sha, warnings = init_plan(Path(args.dir or "plan"), args.title,
                                        repo_here=args.dir is None)
    _warn(warnings)
    print(f"created {plan_dir} [{sha[:8]}]: add inspections to {plan_dir / 'plan.toml'}, "
          "then `afi new`")
    return EXIT_OK


def cmd_list(args: Namespace) -> int:
    plan = _plan(args)
    if args.as_of:
        plan = plan.at(args.as_of)
        KEEP_ALIVE.append(plan)
    from tui.core.model.query import query_from_words  # not on the path of show or log

    items = plan.query(query_from_words(args.query))
    on_terminal = sys.stdout.isatty()
    if args.format == "json":
        out = render.as_json(items, plan.config, plan.dir)
    elif args.format == "csv":
        out = render.as_csv(items, plan.config, plan.dir, raw=args.raw)
        out = visible_lines(out) if on_terminal else out
    else:
        colour = on_terminal and "NO_COLOR" not in os.environ
        out = render.table(items, plan.config, colour, terminal_width())
    sys.stdout.write(out)
    return EXIT_OK


def cmd_show(args: Namespace) -> int:
    plan = _plan(args)
    item = plan.get(args.id)
    if args.format == "json":
        sys.stdout.write(json_dumps(render.item_record(item, plan.config, plan.dir),
                                    indent=2) + "\n")
    elif sys.stdout.isatty():  # exactly as stored, but never a control sequence
        text = item.path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
        sys.stdout.write(visible_lines(text))  # (a byte-order mark is not the file's text)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(item.path.read_bytes())
    return EXIT_OK


def cmd_new(args: Namespace) -> int:
    from tui.core.write.change import Change

    plan = _plan(args)
    if args.inspection not in plan.config.inspection_ids():
        if faults := plan.unreadable_config():
            raise InvalidItem(faults)
        known = ", ".join(sorted(plan.config.inspection_ids())) or "none yet"
        raise InvalidValue(f"unknown inspection '{args.inspection}' (known: {known}): add it to "
                       f"{plan.dir / 'plan.toml'} as [[inspections]] id = \"{args.inspection}\"")
    item_id = args.id or plan.next_id(args.inspection)
    change = Change(plan, args.message)
    change.create(item_id, {"kind": args.kind, "inspection": args.inspection,
                            "area": args.area, "title": args.title,
                            "status": args.status or plan.config.statuses[0],
                            "owner": args.owner, "lead": args.lead, "due": args.due},
                  numbered_in=None if args.id else args.inspection)
    return _committed(change, change.commit())


def parse_assignments(pairs: list[str]) -> list[tuple[str, str, str]]:
    """FIELD=VALUE, tags+=X, tags-=X -> (field, operator, value)."""
    parsed = []
    for pair in pairs:
        for op in ("+=", "-=", "="):
            name, sep, value = pair.partition(op)
            if sep and name and "=" not in name:
                break
        else:
            raise UsageError(f"expected FIELD=VALUE, got '{pair}'")
        name = name.strip()
        if op != "=" and name not in ("tags", "tag"):
            raise UsageError(f"'{op}' works only on tags (tags+=X, tags-=X), not '{name}'")
        parsed.append(("tags" if op != "=" and name == "tag" else name, op, value))
    return parsed


def cmd_set(args: Namespace) -> int:
    from tui.core.write.change import Change

    ids = [a for a in args.args if "=" not in a]
    pairs = [a for a in args.args if "=" in a]
    if not pairs:
        raise UsageError("nothing to set: give FIELD=VALUE (e.g. status=complete)")
    if bool(ids) == bool(args.where):
        raise UsageError("name the items either by id or with --where QUERY, not both"
                         if ids else "which items? give ids or --where QUERY")
    assignments = parse_assignments(pairs)
    plan = _plan(args)
    if args.where:
        targets = [item.id for item in plan.query(args.where)]
        if not targets:
            raise NotFound(f"nothing matched --where {args.where!r}")
    else:
        targets = [plan.get(item_id).id for item_id in ids]
    if args.reason and not any(name in ("due", "status") for name, _, _ in assignments):
        raise UsageError("--reason is kept as a progress update when a due date moves or a "
                         "closed item is reopened: it has nothing to explain here")
    change = Change(plan, args.message)
    targets = list(dict.fromkeys(targets))
    plan.progress.start("Changing items", len(targets))
    for item_id in targets:
        plan.progress.advance()
        for name, op, value in assignments:
            if op == "+=":
                change.add_tag(item_id, value)
            elif op == "-=":
                change.remove_tag(item_id, value)
            else:
                change.set(item_id, name, value, reason=args.reason)
    plan.progress.finish()
    if args.dry_run:
        change.validate()
        diff = change.diff()
        sys.stdout.write(visible_lines(diff) if sys.stdout.isatty() else diff)
        return EXIT_OK
    plan.progress.start(f"Committing {len(targets)} item(s)", None)
    sha = change.commit()
    plan.progress.finish()
    return _committed(change, sha)


def cmd_note(args: Namespace) -> int:
    from tui.core.write.change import Change
    from tui.core.write.values import parse_date

    plan = _plan(args)
    change = Change(plan, args.message)
    on = parse_date(args.date, "--date") if args.date else None
    change.add_update(args.id, args.text, by=args.by, on=on)
    return _committed(change, change.commit())


def cmd_close(args: Namespace) -> int:
    from tui.core.write.change import Change
    from tui.core.write.values import open_actions, parse_date

    plan = _plan(args)
    on = parse_date(args.date, "--date") if args.date else None
    change = Change(plan, args.message)
    for item_id in dict.fromkeys(args.ids):
        change.close(plan.get(item_id).id, by=args.by, board=args.board, on=on,
                     reason=args.reason)
    if args.reason and not any(open_actions(e.base_data or {})[0]
                               for e in change.pending.values()):
        raise UsageError("--reason is kept as a progress update when an item closes with "
                         "actions still open: it has nothing to explain here")
    return _committed(change, change.commit())


def cmd_evidence(args: Namespace) -> int:
    from tui.core.write.change import Change
    from tui.core.write.values import parse_date

    plan = _plan(args)
    change = Change(plan, args.message)
    change.add_evidence(args.id, args.title, location=args.location,
                        on=parse_date(args.date, "--date") if args.date else today())
    return _committed(change, change.commit())


def cmd_action(args: Namespace) -> int:
    from tui.core.write.change import Change

    plan = _plan(args)
    change = Change(plan, args.message)
    item_id = plan.get(args.id).id
    n = getattr(args, "n", 1) - 1  # the command line counts from 1, as `afi show` does
    if args.verb == "add":
        change.add_action(item_id, args.text, due=args.due, owner=args.owner)
    elif args.verb in ("done", "undone"):
        change.set_action_done(item_id, _action_number(n), done=args.verb == "done")
    elif args.verb == "edit":
        change.edit_action(item_id, _action_number(n), text=args.text, owner=args.owner,
                           due=args.due)
    elif args.verb == "remove":
        change.remove_action(item_id, _action_number(n))
    elif args.verb == "move":
        change.move_action(item_id, _action_number(n), _action_number(args.to - 1))
    return _committed(change, change.commit())


def _action_number(index: int) -> int:
    if index < 0:
        raise InvalidValue("actions are numbered from 1, as `afi show` numbers them")
    return index


def cmd_board(args: Namespace) -> int:
    from tui.core.git.boards import list_boards
    from tui.core.write.board_mark import mark_board
    from tui.core.write.values import parse_date

    plan = _plan(args)
    if args.verb == "list":
        marks = list_boards(plan.repo(), plan.config.boards, warn=lambda text: _warn([text]))
        for mark in marks:
            note = f"  {visible(mark.note.splitlines()[0])}" if mark.note else ""
            print(f"{mark.date}  {visible(mark.name)}  {mark.tag}  {mark.commit[:8]}{note}")
        if not marks:  # said on stderr: a script reading the list still reads no lines
            print("no board has been marked yet: `afi board mark NAME` marks the plan as a "
                  "board saw it", file=sys.stderr)
        return EXIT_OK
    on = parse_date(args.date, "--date") if args.date else None
    mark = mark_board(plan, " ".join(args.name), on=on, note=args.message)
    print(f"marked {visible(mark.name)} on {mark.date}: {mark.tag} -> {mark.commit[:8]}")
    return EXIT_OK


def cmd_report(args: Namespace) -> int:
    from tui.core.pack.build import build_report
    from tui.core.pack.formats import render
    from tui.core.write.values import parse_date

    plan = _plan(args)
    from tui.core.model.query import query_from_words

    data = build_report(plan, query_from_words(args.query), since=args.since, as_of=args.as_of,
                        warn=lambda text: _warn([text]), progress=plan.progress,
                        board=args.board,
                        meeting=parse_date(args.date, "--date") if args.date else None)
    out = render(data, args.format)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8", newline="")
        since = visible(data.since.label) if data.since else "the start"
        print(f"wrote {visible(args.output)}: {len(data.items)} items, "
              f"{len(data.changes)} changes since {since}", file=sys.stderr)
    elif args.format in ("md", "csv") and sys.stdout.isatty():
        sys.stdout.write(visible_lines(out))
    else:
        sys.stdout.write(out)
    return EXIT_OK


def cmd_undo(args: Namespace) -> int:
    from tui.core.write.undo import prepare_undo, undo

    plan = _plan(args)
    if args.dry_run:
        found = prepare_undo(plan)
        print(f"would undo [{found.target.short}] {visible(found.target.subject)}",
              file=sys.stderr)
        sys.stdout.write(visible_lines(found.diff) if sys.stdout.isatty() else found.diff)
        return EXIT_OK
    target, commit, warnings = undo(plan)
    _warn(warnings)
    print(f"[{commit.short}] {visible(commit.subject)}")
    return EXIT_OK


def cmd_assess(args: Namespace) -> int:
    from tui.core.write.change import Change
    from tui.core.write.values import parse_date

    plan = _plan(args)
    change = Change(plan, args.message)
    change.assess(plan.get(args.id).id, args.rag, args.reason, by=args.by,
                  on=parse_date(args.date, "--date") if args.date else None)
    return _committed(change, change.commit())


def cmd_chase(args: Namespace) -> int:
    from tui.cli.chase import write_chase

    plan = _plan(args)
    return write_chase(plan, args.owner, args.within, args.format, args.output, _warn)


def cmd_commit(args: Namespace) -> int:
    from tui.core.write.hand_edits import commit_hand_edits

    plan = _plan(args)
    commit, warnings = commit_hand_edits(plan, args.ids, args.message)
    _warn(warnings)
    if commit is None:
        print("nothing to commit: the plan's files are as in the last commit", file=sys.stderr)
        return EXIT_OK
    print(f"[{commit.short}] {visible(commit.subject)}")
    return EXIT_OK


def cmd_log(args: Namespace) -> int:
    from tui.core.git.history import commits_since, item_history, plan_history

    plan = _plan(args)
    repo = plan.repo()
    entries: Iterable[HistoryEntry]
    if args.id:
        entries = item_history(repo, _item_path(plan, args.id))
        if not entries:
            raise NotFound(f"no history for '{args.id}': no commit touched "
                           f"{_item_path(plan, args.id).relative_to(plan.dir)}")
        if args.since:
            since = commits_since(repo, args.since)
            entries = [e for e in entries if e.commit.sha in since]
    else:
        entries = plan_history(repo, plan.dir, since=args.since)
    render.write_history(entries, args.format, sys.stdout)
    return EXIT_OK


def _item_path(plan: Plan, item_id: str) -> Path:
    """An item's file even if it is invalid or deleted now: its history still exists."""
    if not ID_RE.match(item_id):
        raise NotFound(f"'{item_id}' is not an item id")
    exact = plan.dir / "afis" / f"{item_id}.toml"
    if exact.exists():
        return exact
    wanted = exact.name.lower()
    with os.scandir(exact.parent) as entries:
        return next((Path(e.path) for e in entries if e.name.lower() == wanted), exact)


def cmd_check(args: Namespace) -> int:
    from tui.core.check import check_commits, check_plan_folder

    plan = _plan(args)
    if args.tags:
        from tui.core.git.boards import tag_problems

        lines = tag_problems(plan.repo(), plan.config.boards)
        for line in lines:
            print(visible(line))
        if lines:
            print(f"afi: {len(lines)} board tag(s) are not true marks", file=sys.stderr)
            return EXIT_FAILED
        print("ok: every board tag is dated, named in plan.toml and on this branch",
              file=sys.stderr)
        if not args.commits:
            return EXIT_OK
    if args.commits:
        lines = check_commits(plan, args.commits, plan.progress)
        for line in lines:
            print(line)
        if lines:
            print(f"afi: {len(lines)} problem(s) in {args.commits}", file=sys.stderr)
            return EXIT_FAILED
        print(f"ok: the commits in {visible(args.commits)} are valid and say what they did",
              file=sys.stderr)
        return EXIT_OK
    problems = check_plan_folder(plan)
    for problem in problems:
        print(visible(problem.render(Path.cwd())))
    if problems:
        files = len({p.path for p in problems})
        print(f"afi: {len(problems)} problem(s) in {files} file(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"ok: {len(plan.items)} items, no problems", file=sys.stderr)
    return EXIT_OK



def cmd_import(args: Namespace) -> int:
    from tui.core.imports import apply as importer

    plan = _plan(args)
    source = Path(args.file)
    progress = plan.progress  # a bar on stderr when that is a terminal (tui.cli.progress)
    if args.overwrite and not args.update:
        raise UsageError("--overwrite replaces fields of items the plan has: give --update too")
    if args.source == "report":
        from tui.core.imports.inspection_files import report_text
        from tui.core.imports.inspection_findings import find_findings

        found = find_findings(report_text(source))
        planned = importer.plan_report(plan, found, source, args.inspection, args.title,
                                       args.scale, update=args.update, skip_bad=args.skip_bad,
                                       overwrite=args.overwrite, progress=progress)
    else:
        from tui.core.imports.tracker_import import read_table

        mapping = dict(_mapping(pair) for pair in args.map)
        table = read_table(source, plan.config, args.inspection, mapping,
                           plan.config.import_statuses, progress=progress)
        planned = importer.plan_table(plan, table, source, args.inspection,
                                      update=args.update, skip_bad=args.skip_bad,
                                      overwrite=args.overwrite, progress=progress)
    if args.dry_run:
        for line in importer.dry_run_lines(planned):
            print(visible(line))
        return EXIT_FAILED if planned.problems else EXIT_OK
    if planned.changes_nothing():
        print(f"nothing to change: the plan already holds what {visible(planned.source)} says")
        return EXIT_OK
    warnings: list[str] = []
    commit = importer.apply(plan, planned, args.message, progress=progress, warnings=warnings)
    _warn(warnings)
    print(f"[{commit.short}] {visible(commit.subject)}")
    return EXIT_OK


def _mapping(pair: str) -> tuple[str, str]:
    heading, sep, field = pair.partition("=")
    if not sep or not heading.strip() or not field.strip():
        raise UsageError(f"--map takes HEADING=FIELD, not {pair!r}")
    return heading.strip(), field.strip()
