#!/usr/bin/env python3
"""Move the due dates of a group of items by N weeks, with a progress note saying why.

    python scripts/shift_due.py "group:demand is:open" 6 --reason "Re-planned at FIB, May 2025"
    python scripts/shift_due.py "owner:smith due<2025-07-01" -- -2 --reason "Brought forward"

Every matched item that has a due date gets it moved and an [[updates]] entry recording
the old date, the new one and the reason; all in one commit, so the board can see the
whole re-plan in `git log -p`. Items without a due date are listed and left alone.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from tui.core import AfiError, Plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("query", help="which items, in afi's query language")
    parser.add_argument("weeks", type=int, help="weeks to move by (negative: earlier)")
    parser.add_argument("--reason", required=True, help="why: goes into each progress note")
    parser.add_argument("--by", help="name on the progress notes (default: git user.name)")
    parser.add_argument("--plan", help="plan folder (default: as afi finds it)")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, commit nothing")
    args = parser.parse_args()
    if args.weeks == 0:
        parser.error("weeks must not be 0")
    try:
        plan = Plan.open(args.plan)
        items = plan.query(args.query)
        dated = [item for item in items if item.due is not None]
        for item in items:
            if item.due is None:
                print(f"shift_due: {item.id} has no due date: left alone", file=sys.stderr)
        if not dated:
            print("shift_due: no matching item has a due date", file=sys.stderr)
            return 1
        direction = "later" if args.weeks > 0 else "earlier"
        message = (f"Move {len(dated)} due date(s) {abs(args.weeks)} week(s) {direction}: "
                   f"{args.reason}")
        with plan.change(message, dry_run=args.dry_run) as change:
            for item in dated:
                new_due = item.due + timedelta(weeks=args.weeks)
                change.set(item.id, "due", new_due)
                change.add_update(item.id, f"Due date moved from {item.due} to {new_due}: "
                                           f"{args.reason}", by=args.by)
        print(change.diff() if args.dry_run else message)
        return 0
    except AfiError as err:
        print(f"shift_due: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
