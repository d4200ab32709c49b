"""Commands around the command line itself: shell completion and the editor schema."""

from __future__ import annotations

import sys
from argparse import Namespace

from tui.cli.main import EXIT_OK


def cmd_completion(args: Namespace) -> int:
    from tui.cli.complete import script

    sys.stdout.write(script(args.shell))
    return EXIT_OK


def cmd_schema(args: Namespace) -> int:
    from tui.core.model import json_schema

    config = None
    if args.plan_specific:
        from tui.cli.commands import _plan

        config = _plan(args).config
    build = json_schema.item_schema if args.file == "item" else json_schema.plan_schema
    sys.stdout.write(json_schema.dumps(build(config)))
    return EXIT_OK
