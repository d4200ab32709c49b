#!/usr/bin/env python3
"""Move the due dates of a group of items, with a progress note on each saying why.

    .venv/bin/python scripts/shift_due.py "group:demand" --weeks 6 --reason "Re-planned at FIB"
    .venv/bin/python scripts/shift_due.py "owner:smith" --months -1 --reason "Brought forward"

Every matched open item that has a due date gets it moved and an [[updates]] entry
recording the old date, the new one and the reason; all in one commit, so the board can
see the whole re-plan in `git log -p`. Months keep month-ends (31 March + 3 months is
30 June, not 1 July); other days are kept, or the month's last day if it is shorter.
Done items keep their dates (they record when work was due), unless --include-done;
items without a due date are listed and left alone.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from datetime import date, timedelta

try:
    from tui.core import Plan, scripting
except ModuleNotFoundError as missing:  # a Python without afi installed
    sys.exit(f"shift_due.py: {missing}: run it with the Python afi is installed in, e.g. "
             ".venv/bin/python scripts/shift_due.py (README, 'Scripting')")


def shifted(day: date, days: int = 0, months: int = 0) -> date:
    """`day` moved by whole months (month-ends stay month-ends), then by days."""
    if months:
        month_index = day.year * 12 + day.month - 1 + months
        year, month = divmod(month_index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
        day = date(year, month + 1, last if at_month_end else min(day.day, last))
    return day + timedelta(days=days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("query", help="which items, in afi's query language")
    by = parser.add_mutually_exclusive_group(required=True)
    by.add_argument("--days", type=int, help="days to move by (negative: earlier)")
    by.add_argument("--weeks", type=int, help="weeks to move by")
    by.add_argument("--months", type=int, help="months to move by (keeps month-ends)")
    parser.add_argument("--reason", required=True, help="why: goes into each progress note")
    parser.add_argument("--include-done", action="store_true", help="move done items too")
    parser.add_argument("--plan", help="plan folder (default: as afi finds it)")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, commit nothing")
    args = parser.parse_args()
    days = (args.days or 0) + 7 * (args.weeks or 0)
    if not days and not args.months:
        parser.error("the shift must not be 0")
    plan = Plan.open(args.plan)
    items = plan.query(args.query)
    moving = []
    for item in items:
        if item.due is None:
            print(f"shift_due: {item.id} has no due date: left alone", file=sys.stderr)
        elif plan.config.is_done(item.status) and not args.include_done:
            print(f"shift_due: {item.id} is {item.status}: left alone", file=sys.stderr)
        else:
            moving.append(item)
    if not moving:
        print("shift_due: no matching open item has a due date", file=sys.stderr)
        return 1
    message = f"Move {len(moving)} due date(s): {args.reason}"
    with plan.change(message, dry_run=args.dry_run) as change:
        for item in moving:
            # The reason goes into a progress update: "Due date moved from A to B: why".
            change.set(item.id, "due", shifted(item.due, days, args.months or 0),
                       reason=args.reason)
    print(change.diff() if args.dry_run else message)
    return 0


if __name__ == "__main__":
    scripting.run(main, "shift_due")
