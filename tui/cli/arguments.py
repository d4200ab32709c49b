"""The `afi` command line's arguments (docs/format.md, section 4).

Each command declares its arguments in one function, listed in COMMANDS. A run builds
only the parser of the command it was given: argparse costs about 0.3 ms a subcommand
(most of it gettext looking for translations), 13 ms for all of them, which is a fifth
of `afi list` on a small plan. Help, a misspelt command and no command build them all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from tui.core.errors import UsageError
from tui.core.model.schema import GRADE_SCALES

Adder = Callable[["Parser", "Parser"], None]


def terminal_columns(default: int = 80) -> int:
    """$COLUMNS, else the terminal's width, else `default`: what shutil.get_terminal_size
    answers, without importing shutil (2 ms) on every run."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or default  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return default


class Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, **options) -> None:
        options.setdefault("width", terminal_columns() - 2)  # as argparse's own default
        super().__init__(prog, **options)


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as the one `afi: error:` line of docs/format.md §4."""

    def __init__(self, *args, **options) -> None:
        options.setdefault("formatter_class", Formatter)
        super().__init__(*args, **options)

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes a value with repr(), which spells the hiding character out.
        shown = message.replace(_DASH, "-").replace(repr(_DASH)[1:-1], "-")
        raise UsageError(f"{shown} (see `{self.prog} --help`)")


def build_parser(argv: list[str] | None = None) -> Parser:
    """The parser for `argv` (its command's arguments only), or for every command."""
    common = Parser(add_help=False)
    common.add_argument("--plan", metavar="DIR", default=argparse.SUPPRESS,
                        help="the plan folder (default: $AFI_PLAN, ./plan, or a parent with "
                             "plan.toml)")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bar on long work")
    parser = Parser(prog="afi", parents=[common],
                    description="Track HMICFRS areas for improvement in a git repository of "
                                "TOML files. With no command, opens the terminal UI.")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show afi's version (and commit, in a checkout) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    wanted = command_named(argv) if argv is not None else None
    for name, (help_text, add_arguments) in COMMANDS.items():
        if wanted is None or name == wanted:
            p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
            if add_arguments is not None:
                add_arguments(p, common)
    if wanted in (None, "merge-driver"):
        # No help: a subcommand given help=SUPPRESS is still listed, as "==SUPPRESS==".
        p = sub.add_parser("merge-driver", parents=[common])
        for name in ("base", "ours", "theirs", "path"):
            p.add_argument(name)
    return parser


def command_named(argv: list[str]) -> str | None:
    """The command `argv` names ("tui" when none), or None when it holds anything else
    first (help, --version, a misspelt command)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--plan":
            skip = True
        elif token in ("-q", "--quiet"):
            continue
        elif token in COMMANDS or token == "merge-driver":
            return token
        elif not token.startswith("--plan="):
            return None  # -h, --version, a misspelt command: the full parser says what
    return "tui"  # no command: the terminal UI


class _Version(argparse.Action):
    """--version, worked out only when asked for (in a checkout it runs git)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(version())
        parser.exit()


def version() -> str:
    """`afi 0.1.0`, and in a git checkout of afi the commit it runs from
    (`afi 0.1.0 (a1b2c3d4-dirty)`); an installed wheel has no checkout to name."""
    from pathlib import Path

    import tui

    text = f"afi {tui.__version__}"
    root = Path(tui.__file__).resolve().parent.parent
    if (root / ".git").exists() and (root / "pyproject.toml").is_file():
        from tui.core.errors import AfiError
        from tui.core.git.repo import GitRepo
        from tui.core.git.revs import describe

        try:
            described = describe(GitRepo.find(root))
        except AfiError:
            return text
        if described:
            text += f" ({described})"
    return text


def _tui(p: Parser, common: Parser) -> None:
    p.add_argument("query", nargs="*", help="a query (docs/format.md, section 5)")


def _init(p: Parser, common: Parser) -> None:
    p.add_argument("dir", nargs="?", help="folder for the plan (default ./plan, in a new "
                                          "repository here when not inside one)")
    p.add_argument("--title", default="Improvement plan", help="the plan's title")


def _list(p: Parser, common: Parser) -> None:
    p.add_argument("query", nargs="*", help="a query, e.g. status:in-progress is:overdue")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--as-of", metavar="DATE|REV", help="the plan as it stood then (a date, a "
                                                       "board, last-board or a revision)")
    p.add_argument("--raw", action="store_true",
                   help="CSV cells exactly as stored: no ' before a cell a spreadsheet would "
                        "run as a formula (=, +, -, @)")


def _show(p: Parser, common: Parser) -> None:
    p.add_argument("id")
    p.add_argument("--format", choices=("toml", "json"), default="toml")


def _new(p: Parser, common: Parser) -> None:
    p.add_argument("--title", required=True)
    p.add_argument("--area", required=True)
    p.add_argument("--inspection", required=True)
    p.add_argument("--id", help="default: INSPECTION-NN, the next free number")
    p.add_argument("--kind", default="afi", help="afi | recommendation | cause-of-concern")
    p.add_argument("--status", help="default: the plan's first status (not-started)")
    p.add_argument("--due", help="YYYY-MM-DD")
    p.add_argument("--owner")
    p.add_argument("--lead")
    p.add_argument("-m", "--message", help="commit subject")


def _set(p: Parser, common: Parser) -> None:
    from tui.core.model.schema import SETTABLE

    p.add_argument("args", nargs="*", metavar="ID|FIELD=VALUE",
                   help=f"item ids, then FIELD=VALUE ({', '.join(SETTABLE)}; an empty value or "
                        "due=none clears; tags+=X, tags-=X)")
    p.add_argument("--where", metavar="QUERY", help="change every item matching QUERY")
    p.add_argument("--reason", help="why: needed to move a due date or reopen a closed item; "
                                    "kept as a progress update")
    p.add_argument("-m", "--message", help="commit subject")
    p.add_argument("--dry-run", action="store_true", help="print the diff, commit nothing")


def _note(p: Parser, common: Parser) -> None:
    p.add_argument("id")
    p.add_argument("text")
    p.add_argument("--by", help="default: your git user.name")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("-m", "--message", help="commit subject")


def _close(p: Parser, common: Parser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--by", required=True, help="who approved it (e.g. DCC)")
    p.add_argument("--board", required=True, help="the board that closed it")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("--reason", help="why it closes with actions still open (needed then); kept "
                                    "as a progress update")
    p.add_argument("-m", "--message", help="commit subject")


def _evidence(p: Parser, common: Parser) -> None:
    p.add_argument("id")
    p.add_argument("title", help="what the evidence is")
    p.add_argument("--location", help="where it is kept")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("-m", "--message", help="commit subject")


def _action(p: Parser, common: Parser) -> None:
    p.add_argument("id")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser, required=True)
    v = verbs.add_parser("add", help="add an action", parents=[common])
    v.add_argument("text")
    v.add_argument("--owner")
    v.add_argument("--due", help="YYYY-MM-DD")
    for verb, text in (("done", "mark action N done"), ("undone", "mark action N not done"),
                       ("remove", "remove action N")):
        verbs.add_parser(verb, help=text, parents=[common]).add_argument(
            "n", type=int, help="action number, as `afi show` counts them (from 1)")
    v = verbs.add_parser("edit", help="change action N's text, owner or due date",
                         parents=[common])
    v.add_argument("n", type=int)
    v.add_argument("text", nargs="?")
    v.add_argument("--owner", help="empty clears it")
    v.add_argument("--due", help="YYYY-MM-DD, or none")
    v = verbs.add_parser("move", help="move action N to position TO", parents=[common])
    v.add_argument("n", type=int)
    v.add_argument("to", type=int)
    p.add_argument("-m", "--message", help="commit subject")


def _board(p: Parser, common: Parser) -> None:
    board_verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser,
                                   required=True)
    v = board_verbs.add_parser("mark", help="a board met and saw the plan as it is: tag it",
                               parents=[common])
    v.add_argument("name", nargs="+", help="the board's name (one of plan.toml's boards)")
    v.add_argument("--date", help="the day it met, YYYY-MM-DD (default today)")
    v.add_argument("-m", "--message", help="a note kept with the mark")
    board_verbs.add_parser("list", help="boards marked, newest first", parents=[common])


def _report(p: Parser, common: Parser) -> None:
    p.add_argument("query", nargs="*", help="which items (default: all)")
    p.add_argument("--since", metavar="DATE|REV", help="start of the period (default: the "
                                                       "last board marked)")
    p.add_argument("--as-of", metavar="DATE|REV", help="the plan as it stood then")
    p.add_argument("--format", choices=("md", "html", "csv", "json"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    p.add_argument("--board", metavar="NAME", help="the board the pack is for (default: "
                                                   "from the board tag of --since or --as-of)")
    p.add_argument("--date", metavar="DATE", help="the day it meets, YYYY-MM-DD")


def _assess(p: Parser, common: Parser) -> None:
    p.add_argument("id")
    p.add_argument("rag", metavar="red|amber|green", help="the owner's own rating")
    p.add_argument("--reason", required=True, help="why: kept with the rating")
    p.add_argument("--by", help="default: your git user.name")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("-m", "--message", help="commit subject")


def _chase(p: Parser, common: Parser) -> None:
    p.add_argument("--owner", metavar="NAME", help="only this owner (as the items name "
                                                   "them, ignoring case)")
    p.add_argument("--within", metavar="DAYS", type=int, help="due soon means within DAYS "
                   "(default: plan.toml due_soon_days)")
    p.add_argument("--format", choices=("md", "eml"), default="md",
                   help="md: one list for every owner; eml: one e-mail draft per owner")
    p.add_argument("-o", "--output", metavar="DIR", help="write the files to DIR (eml needs "
                                                         "it; md default stdout)")


def _import(p: Parser, common: Parser) -> None:
    kinds = p.add_subparsers(dest="source", metavar="report|table", parser_class=Parser,
                             required=True)
    v = kinds.add_parser("report", parents=[common], help="an inspection report: text, HTML or "
                                                          "PDF")
    v.add_argument("file")
    v.add_argument("--inspection", required=True, help="the inspection id (prefix of the ids)")
    v.add_argument("--title", help="the inspection's title, when it is new")
    v.add_argument("--scale", choices=tuple(GRADE_SCALES),
                   help="its grade scale, when it is new (default: guessed from the report)")
    v = kinds.add_parser("table", parents=[common], help="a tracker: .csv or .xlsx")
    v.add_argument("file")
    v.add_argument("--inspection", help="for rows that do not name one")
    v.add_argument("--map", action="append", default=[], metavar="HEADING=FIELD",
                   help="read a column as a field (repeatable)")
    for v in kinds.choices.values():
        v.add_argument("--dry-run", action="store_true", help="show what it found, write "
                                                              "nothing")
        v.add_argument("--update", action="store_true", help="fill the empty fields of items "
                                                             "the plan already has")
        v.add_argument("--overwrite", action="store_true",
                       help="with --update: replace fields the plan has otherwise")
        v.add_argument("--skip-bad", action="store_true", help="leave out what cannot be read "
                                                               "instead of refusing")
        v.add_argument("-m", "--message", help="commit subject (default: names the file)")


def _commit(p: Parser, common: Parser) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", help="only these items ('plan' for "
                                                        "plan.toml); default: every edited file")
    p.add_argument("-m", "--message", help="commit subject")


def _undo(p: Parser, common: Parser) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would change, commit "
                                                          "nothing")


def _log(p: Parser, common: Parser) -> None:
    p.add_argument("id", nargs="?")
    p.add_argument("--since", metavar="DATE|REV")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _check(p: Parser, common: Parser) -> None:
    p.add_argument("--commits", metavar="A..B", help="check the commits in a range instead: "
                   "files valid at each, messages and AFI-Id trailers true to each diff, "
                   "merges the field-by-field merge of their parents")
    p.add_argument("--tags", action="store_true", help="check the board tags instead: each "
                   "dated today or earlier, for a board plan.toml names, on this branch")


def _resolve(p: Parser, common: Parser) -> None:
    p.add_argument("id", nargs="?", help="the item, or 'plan' for plan.toml's settings")
    p.add_argument("field", nargs="?", help="as listed: owner, closure.board, actions.3.text, "
                   "item (a whole item deleted or added on both sides)")
    p.add_argument("choice", nargs="?", metavar="ours|theirs|VALUE",
                   help="your side, the other side, or a value of your own ('both' for an "
                        "id added on both sides: yours takes the next free id)")


COMMANDS: dict[str, tuple[str, Adder | None]] = {
    "tui": ("open the terminal UI, optionally starting with a filter", _tui),
    "init": ("create a new plan (git init when not inside a repository)", _init),
    "list": ("list items matching a query", _list),
    "show": ("print one item", _show),
    "new": ("add an item (one commit)", _new),
    "set": ("change fields of items (one commit)", _set),
    "note": ("add a progress update to an item (one commit)", _note),
    "close": ("sign items off: the closed status and who, which board, when (one commit)",
              _close),
    "evidence": ("record evidence for an item (one commit)", _evidence),
    "action": ("add, tick, edit, remove or move an item's actions (one commit)", _action),
    "board": ("record that a board met, or list the boards that met", _board),
    "report": ("the board pack: exceptions, closures and decisions asked for, RAG, "
               "changes since", _report),
    "assess": ("the owner's own RAG for an item, with a reason (one commit)", _assess),
    "chase": ("each owner's overdue, due-soon, stale and unassessed items, as a list or "
              "e-mail drafts", _chase),
    "import": ("bring findings from an inspection report, or a tracker spreadsheet, into "
               "the plan (one commit)", _import),
    "commit": ("check item files (and plan.toml) edited by hand and commit them with "
               "field-level messages", _commit),
    "undo": ("take back your last afi commit with a new commit (history is kept); refused "
             "when a later commit changed the same fields", _undo),
    "log": ("history of an item or of the whole plan, from git", _log),
    "check": ("validate every file; one line per problem; exit 1 if any", _check),
    "setup": ("make this clone merge item files field by field (after a clone)", None),
    "sync": ("fetch others' commits, rebase yours on them, push: one line says what happened",
             None),
    "resolve": ("settle a field both sides changed (listed by `afi sync`); with no "
                "arguments, list what is open", _resolve),
}


# -- around the command line: shell completion and the editor schema ---------------------
def _completion(p: Parser, common: Parser) -> None:
    p.add_argument("shell", choices=("bash", "zsh", "fish"))


def _schema(p: Parser, common: Parser) -> None:
    p.add_argument("file", choices=("item", "plan"), help="an item file, or plan.toml")
    p.add_argument("--plan-specific", action="store_true",
                   help="with this plan's statuses, inspections, areas and boards as "
                        "enumerations (as `afi setup` writes them)")


COMMANDS.update({
    "completion": ("print the shell completion script (bash, zsh or fish)", _completion),
    "schema": ("print the JSON Schema of an item file or of plan.toml, for editors", _schema),
})


# A query term may start with '-' (a negation, docs/format.md "Queries"); argparse would
# take it for an option. Such a token that is not one of the command's own options is
# hidden behind this private-use character while parsing, and restored afterwards.
_DASH = "\ue000"


def protect_negations(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    sub = _subparsers(parser)
    command = next((t for t in argv if sub is not None and t in sub.choices), None)
    if command is None or sub is None:
        return argv
    parser_now = sub.choices[command]
    known = parser_now._option_string_actions
    out, after_command, takes_value = [], False, False
    for token in argv:
        nested = _subparsers(parser_now) if after_command and not takes_value else None
        if token == command and not after_command:
            after_command = True
        elif nested is not None and token in nested.choices:  # `board mark`, `action ID add`
            parser_now = nested.choices[token]
            known = {**known, **parser_now._option_string_actions}
        elif after_command and takes_value and token.startswith("-") and token != "--":
            token = _DASH + token[1:]  # the value of an option, like --where -status:closed
        elif after_command and token.startswith("-") and not token.startswith("--") and \
                len(token) > 1 and token.split("=")[0] not in known and token != "--" and \
                not token[1:].isdigit():  # argparse reads -1 as a value: its checks say why
            token = _DASH + token[1:]
        action = known.get(token.split("=")[0]) if after_command else None
        takes_value = action is not None and action.nargs is None and action.const is None \
            and "=" not in token and not isinstance(action, argparse._StoreConstAction)
        out.append(token)
    return out


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, except that words after an option join the command's list of words, as
    git takes options anywhere: `afi set ID -m MSG owner=X`, `afi list is:open
    --format csv sort:due` (argparse ends a list at the first option and refuses the rest).
    An unknown option is still refused."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        dest = _word_list(parser, args)
        if dest is None or any(word.startswith("-") for word in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        setattr(args, dest, [*(getattr(args, dest) or []), *extra])
    return args


def _word_list(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The destination of the command's one list of words (a last positional taking any
    number), or None: a command with its own verbs (`board mark`) or with none."""
    sub = _subparsers(parser)
    command = sub.choices.get(args.command) if sub is not None and args.command else None
    if command is None or _subparsers(command) is not None:
        return None
    positionals = [a for a in command._actions if not a.option_strings]
    if positionals and positionals[-1].nargs in ("*", "+"):
        return positionals[-1].dest
    return None


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def restore_negations(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        if isinstance(value, str) and value.startswith(_DASH):
            setattr(args, name, "-" + value[1:])
        elif isinstance(value, list):
            setattr(args, name, ["-" + v[1:] if isinstance(v, str) and v.startswith(_DASH)
                                 else v for v in value])
