"""`afi check`: every problem in a plan folder, in file and line order."""

from __future__ import annotations

from tui.core.errors import Problem, QueryError
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.store.reading import ITEMS_DIR, PLAN_FILE, read_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import Commit, GitRepo
    from tui.core.model.items import PlanConfig
    from tui.core.plan import Plan


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
    against plan.toml as it was then; its message says what its diff did (AFI-Id
    trailers naming exactly the items changed, afi's field lines, a subject in afi's
    form true too) and no commit outside the plan claims to change an item; a due date
    moved (or a signed-off item reopened) comes with a progress update saying why; a
    merge holds exactly the field-by-field merge of its parents. One line per problem,
    `COMMIT: ...`."""
    from tui.core.git.as_of import snapshot_at
    from tui.core.safe_text import visible
    from tui.core.write.audit import message_problems
    from tui.core.write.audit_merge import merge_problems

    repo = plan.repo()
    commits = list(repo.iter_log(revisions=[revisions]))  # all: a claim needs no plan file
    known = [item.id for item in plan.items]
    lines = [f"{p.commit.short}: {visible(p.message)}"
             for p in message_problems(repo, plan.dir, commits, known)]
    plan_rel = repo.relative(plan.dir / PLAN_FILE)
    items_rel = repo.relative(plan.dir / ITEMS_DIR)
    progress.start("Checking commits", len(commits))
    for commit in commits:
        progress.advance()
        touched = {f.path for f in commit.files if f.new_blob is not None
                   and (f.path == plan_rel or f.path.startswith(items_rel + "/"))}
        if len(commit.parents) > 1:
            lines += [f"{commit.short}: {visible(text)}"
                      for text in merge_problems(repo, plan.dir, commit)]
        if not touched:
            continue
        whole_plan = plan_rel in touched
        snapshot = snapshot_at(plan, commit.sha)
        for problem in snapshot.problems:
            if whole_plan or repo.relative(problem.path) in touched:
                where = repo.relative(problem.path)
                lines.append(f"{commit.short}: {visible(where)}:{problem.line}: "
                             f"{visible(problem.message)}")
        if len(commit.parents) == 1:
            lines += [f"{commit.short}: {visible(text)}"
                      for text in _reasons(repo, plan, commit, snapshot.config)]
    progress.finish()
    return lines


def _reasons(repo: GitRepo, plan: Plan, commit: Commit, config: PlanConfig) -> list[str]:
    """Due-date moves and reopenings in one commit that do not say why."""
    from tui.core.store import toml_read
    from tui.core.write.audit import _plan_files, _prefix
    from tui.core.write.audit_merge import reason_problems

    files = [f for f in _plan_files(commit, _prefix(repo, plan.dir))
             if f.old_blob and f.new_blob and not f.path.endswith("/" + PLAN_FILE)
             and f.path != PLAN_FILE]
    blobs = repo.read_blobs(b for f in files for b in (f.old_blob, f.new_blob))
    problems = []
    for change in files:
        try:
            old, new = (toml_read.loads(blobs[b].decode("utf-8"))
                        for b in (change.old_blob, change.new_blob))
        except (KeyError, UnicodeDecodeError, toml_read.TOMLDecodeError):
            continue
        problems += reason_problems(old, new, config, change.path.rsplit("/", 1)[-1][:-5])
    return problems
