"""`afi check`: every problem in a plan folder, in file and line order."""

from __future__ import annotations

from .errors import Problem, QueryError
from .plan import Plan
from .store import PLAN_FILE, read_text


def check_plan_folder(plan: Plan) -> list[Problem]:
    """Load problems (parse errors, the rules of docs/format.md §2-3, duplicate ids) plus
    saved views that do not parse, so a broken view is caught before someone opens it."""
    problems = list(plan.problems)
    plan_file = plan.dir / PLAN_FILE
    views = plan.config.views
    if views:
        text = read_text(plan_file)
        for name, query in views.items():
            try:
                plan.parse_query(query)
            except QueryError as err:
                problems.append(Problem(plan_file, _view_line(text, name),
                                        f"view '{name}': {err}"))
    return sorted(set(problems))


def _view_line(text: str, name: str) -> int:
    """The line of `name = ...` inside [views] (or a dotted `views.name = ...`)."""
    in_views = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_views = stripped.split("#")[0].strip() == "[views]"
            continue
        key = stripped.split("=", 1)[0].strip().strip("\"'")
        if (in_views and key == name) or key in (f"views.{name}", f'views."{name}"'):
            return number
    return 1
