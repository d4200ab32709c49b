"""The `afi` command line (docs/format.md, section 4): argument parsing, one function per
command.

Each command is a few lines over `tui.core`. Exit status: 0 done, 1 could not do it,
2 bad usage; errors are one stderr line starting `afi: error:`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tui.cli.arguments import (
    build_parser,
    parse_arguments,
    protect_negations,
    restore_negations,
    terminal_columns,
)
from tui.core.errors import AfiError, InvalidItem, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["__complete"]:  # a shell's TAB: answered before anything else loads
        from tui.cli.complete import main as complete

        return complete(argv[1:])
    from tui.cli import commands
    from tui.core.safe_text import visible

    commands.KEEP_ALIVE.clear()
    try:
        if "tui.cli.entry" in sys.modules:  # run as the `afi` command
            sys.modules["tui.cli.entry"].interruptible()
        parser = build_parser(argv)
        args = parse_arguments(parser, protect_negations(parser, argv))
        restore_negations(args)
        handler = getattr(commands, f"cmd_{(args.command or 'tui').replace('-', '_')}")
        try:
            return handler(args)
        finally:
            if "tui.cli.progress" in sys.modules:  # a bar may be on screen: take it away
                sys.modules["tui.cli.progress"].finish_all()
    except InvalidItem as err:
        # One line per problem; the last says that nothing was written.
        lines = [visible(problem.render(Path.cwd())) for problem in err.problems]
        lines[-1] += "; nothing was written"
        for line in lines:
            print(f"afi: error: {line}", file=sys.stderr)
        return EXIT_FAILED
    except UsageError as err:
        print(f"afi: error: {visible(err.cli_message())}", file=sys.stderr)
        return EXIT_USAGE
    except AfiError as err:
        print(f"afi: error: {visible(err.cli_message())}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("afi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `afi list | head`: the reader went away; not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:  # a folder or file afi may not read or write
        where = f"{err.filename}: " if err.filename else ""
        print(f"afi: error: {visible(where)}{visible(err.strerror or err)}", file=sys.stderr)
        return EXIT_FAILED


def run() -> None:
    """The `afi` command, for an install whose script still names this function (the
    entry point is `tui.cli.entry:run`)."""
    from tui.cli.entry import run as entry_run

    entry_run()


def terminal_width() -> int | None:
    if not sys.stdout.isatty():
        return None
    return terminal_columns(default=100)


if __name__ == "__main__":
    from tui.cli.entry import run as entry_run

    entry_run()
