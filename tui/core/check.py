"""`afi check`: every problem in a plan folder, in file and line order."""

from __future__ import annotations

from .errors import Problem, QueryError
from .plan import Plan
from .progress import NO_PROGRESS, Progress
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


def check_commits(plan: Plan, revisions: str, progress: Progress = NO_PROGRESS) -> list[str]:
    """`afi check --commits A..B`, as a server would run it on pushed commits: at every
    commit, the item files it touched (all of them, when it changed plan.toml) are valid
    against plan.toml as it was then, and its message says what its diff did (AFI-Id
    trailers naming exactly the items changed, and afi's field lines). One line per
    problem, `COMMIT: ...`."""
    from .as_of import snapshot_at
    from .audit import message_problems
    from .safe_text import visible

    repo = plan.repo()
    commits = list(repo.iter_log([plan.dir], revisions=[revisions]))
    lines = [f"{p.commit.short}: {visible(p.message)}"
             for p in message_problems(repo, plan.dir, commits)]
    progress.start("Checking commits", len(commits))
    for commit in commits:
        progress.advance()
        touched = {f.path for f in commit.files if f.new_blob is not None}
        if not touched:
            continue
        whole_plan = repo.relative(plan.dir / PLAN_FILE) in touched
        snapshot = snapshot_at(plan, commit.sha)
        for problem in snapshot.problems:
            if whole_plan or repo.relative(problem.path) in touched:
                where = repo.relative(problem.path)
                lines.append(f"{commit.short}: {visible(where)}:{problem.line}: "
                             f"{visible(problem.message)}")
    progress.finish()
    return lines
