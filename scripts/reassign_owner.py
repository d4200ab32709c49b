#!/usr/bin/env python3
"""Hand every open item of one business owner to another, in one commit.

    .venv/bin/python scripts/reassign_owner.py "Supt Smith" "Supt Jones"
    .venv/bin/python scripts/reassign_owner.py "Supt Smith" "Supt Jones" --lead "ACC Brown" \
        --dry-run

Owners are matched exactly (ignoring case and surrounding spaces), so "Smith" does not
hand over "Smithson"'s items. Done items keep their owner: they record who delivered.
"""

from __future__ import annotations

import argparse
import sys

try:
    from tui.core import Plan, scripting
except ModuleNotFoundError as missing:  # a Python without afi installed
    sys.exit(f"reassign_owner.py: {missing}: run it with the Python afi is installed in, "
             "e.g. .venv/bin/python scripts/reassign_owner.py (README, 'Scripting')")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="current owner, as written in the items")
    parser.add_argument("new", help="new owner")
    parser.add_argument("--lead", help="also set the chief officer lead")
    parser.add_argument("--include-done", action="store_true", help="hand over done items too")
    parser.add_argument("--plan", help="plan folder (default: as afi finds it)")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, commit nothing")
    args = parser.parse_args()
    plan = Plan.open(args.plan)
    wanted = args.old.strip().lower()
    items = [item for item in plan.query()
             if str(item.get("owner", "")).strip().lower() == wanted
             and (args.include_done or not plan.config.is_done(item.status))]
    if not items:
        print(f"reassign: no open items owned by {args.old!r}", file=sys.stderr)
        return 1
    message = f"Hand over {len(items)} item(s) from {args.old} to {args.new}"
    with plan.change(message, dry_run=args.dry_run) as change:
        for item in items:
            change.set(item.id, "owner", args.new)
            if args.lead:
                change.set(item.id, "lead", args.lead)
    print(change.diff() if args.dry_run else f"{message}: {', '.join(i.id for i in items)}")
    return 0


if __name__ == "__main__":
    scripting.run(main, "reassign")
