"""`afi undo`: take back your own last afi commit, as a new commit (docs/format.md §6).

History is never rewritten. The commit undone is the newest commit on the branch whose
author is you (git's `user.email`) and whose message carries `AFI-Id:` trailers, so an
undo undoes your undo in turn. For each plan file it changed:

- if no later commit changed the file, the file goes back to what it held before;
- if later commits changed other fields of it, only the fields it changed go back;
- if a later commit changed one of the same fields, nothing is done and the refusal
  names that commit and field: undoing would throw away someone's later work.

The new files are written and committed like any change (transaction.py: the lock,
the journal, the truth from HEAD), with the message computed from the difference
(messages.py) under the subject `Undo "<subject>"`, and a `Reverts: <sha>` trailer.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from tui.core.errors import AfiError, ConflictError, InvalidItem, NotFound, UncommittedEdits
from tui.core.git import revs
from tui.core.git.repo import TRAILER_KEY, Commit, GitRepo, trailer_ids
from tui.core.model.record import Record
from tui.core.store.reading import PLAN_FILE
from tui.core.write import messages
from tui.core.write.audit_merge import toml_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.plan import Plan
    from tui.core.write.commit import FileWrite

REVERTS = "Reverts"
WHOLE_FILE = "the whole file"  # a file created or deleted: every field changed
_LOOK_BACK = 50  # commits by you mentioning AFI-Id: to look through for the last afi one


class Undo(Record):
    """What `afi undo` would do: the commit it takes back, the file writes, the message,
    and the change as a unified diff."""

    target: Commit
    writes: list[FileWrite]
    message: str
    diff: str


def last_own_commit(repo: GitRepo) -> Commit | None:
    """Your newest afi commit on this branch (author email = git's user.email)."""
    if repo.head_sha() is None:
        return None
    _, email = repo.identity()
    for sha in revs.commits_by(repo, email, f"{TRAILER_KEY}:", _LOOK_BACK):
        commit = repo.log(commits=[sha])[0]
        if trailer_ids(commit.message):
            return commit
    return None


def prepare_undo(plan: Plan) -> Undo:
    """Work out the undo of your last afi commit; refuse (AfiError) when it cannot be."""
    from tui.core.write.audit import _plan_files, _prefix
    from tui.core.write.commit import FileWrite
    from tui.core.write.pending import committed_config, item_problems, refuse_uncommitted_file

    repo = plan.repo()
    target = last_own_commit(repo)
    if target is None:
        name, email = repo.identity()
        raise NotFound(f"nothing to undo: {name} <{email}> has made no afi commit on this "
                       "branch")
    if not target.parents:
        raise AfiError(f"{target.short} ({target.subject}) is the repository's first commit: "
                       "there is nothing before it to go back to")
    files = _plan_files(target, _prefix(repo, plan.dir))
    if not files:
        raise NotFound(f"{target.short} ({target.subject}) changed no file of this plan: "
                       "nothing to undo here")
    paths = [repo.root / f.path for f in files]
    later = list(repo.iter_log(paths=paths, revisions=[f"{target.sha}..HEAD"]))
    later.reverse()  # oldest first: the refusal names the first commit in the way
    blobs = repo.read_blobs([b for c in (target, *later) for f in c.files
                             for b in (f.old_blob, f.new_blob)])
    head = repo.files_at("HEAD", [*paths, plan.dir / PLAN_FILE])
    config = committed_config(plan, head.get(repo.relative(plan.dir / PLAN_FILE)))[0]
    writes, items, others, problems, diff = [], [], [], [], []
    for change, path in zip(files, paths, strict=True):
        name = _name(change.path)
        before, after = blobs.get(change.old_blob), blobs.get(change.new_blob)
        fields = _changed_fields(before, after)
        _refuse_later_changes(target, later, blobs, change.path, name, fields)
        now = head.get(change.path)
        if path.exists():  # afi never folds an edit made by hand into its commit
            refuse_uncommitted_file(repo, path, name)
        elif now is not None:
            raise UncommittedEdits(f"{change.path} was deleted from the folder but not in "
                                   f"git: `git restore {change.path}` puts it back; nothing "
                                   "was written")
        if now == after:  # untouched since: exactly as it was before
            new = None if before is None else before.decode("utf-8")
        else:  # others changed other fields of it since: put back only ours
            # (a file created or deleted is a change of the whole file, refused above)
            assert now is not None and before is not None
            new = _restore_fields(now.decode("utf-8"), before.decode("utf-8"), fields)
        old_text = None if now is None else now.decode("utf-8")
        if PurePosixPath(change.path).name == PLAN_FILE:
            others.append((PLAN_FILE, messages.file_notes(toml_data(old_text), toml_data(new))))
        else:
            if new is not None:
                problems += item_problems(path, new, config)
            items.append((name, messages.item_notes(toml_data(old_text), toml_data(new))))
        writes.append(FileWrite(path, old_text, new, in_head=now is not None))
        diff.append(_diff(change.path, old_text, new))
    if problems:
        raise InvalidItem(problems)
    if not any(notes for _, notes in items + others):
        raise AfiError(f"{target.short} ({target.subject}) is undone already: the files hold "
                       "what they held before it")
    message = messages.compose(items, others, user_message=f'Undo "{target.subject}"')
    message = message.rstrip("\n") + f"\n{REVERTS}: {target.sha}\n"
    return Undo(target, writes, message, "".join(diff))


def undo(plan: Plan) -> tuple[Commit, Commit, list[str]]:
    """Undo your last afi commit as a new commit: (the commit undone, the new commit,
    warnings). Worked out again under the plan's write lock, so what is committed is
    what the files hold then."""
    from tui.core.write.transaction import transaction

    repo = plan.repo()
    with transaction(repo, "afi undo") as txn:
        warnings = txn.warnings
        found = prepare_undo(plan)
        commit = txn.commit(found.writes, found.message)
    plan.invalidate()
    return found.target, commit, warnings


def _refuse_later_changes(target: Commit, later: list[Commit], blobs: dict[str, bytes],
                          path: str, name: str, fields: set[str]) -> None:
    for commit in later:
        for change in commit.files:
            if change.path != path:
                continue
            theirs = _changed_fields(blobs.get(change.old_blob or ""),
                                     blobs.get(change.new_blob or ""))
            clash = sorted(fields & theirs) if WHOLE_FILE not in fields | theirs \
                else sorted(fields | theirs)
            if clash:
                what = WHOLE_FILE if WHOLE_FILE in clash else ", ".join(clash)
                raise ConflictError(
                    f"cannot undo {target.short} ({target.subject}): the later commit "
                    f"{commit.short} ({commit.subject}) changed {name} {what} too; undoing "
                    "would throw that away. Change it back by hand (`afi set`); nothing was "
                    "written")


def _changed_fields(before: bytes | None, after: bytes | None) -> set[str]:
    if before is None or after is None:
        return {WHOLE_FILE}
    old, new = toml_data(before.decode("utf-8")) or {}, toml_data(after.decode("utf-8")) or {}
    return {k for k in {*old, *new} if old.get(k) != new.get(k)}


def _restore_fields(now: str, before: str, fields: set[str]) -> str:
    """`now` with each of `fields` as `before` has it, each edited in place."""
    from tui.core.store.tomledit import ItemDocument

    document, old = ItemDocument(now), ItemDocument(before)
    for key in sorted(fields):
        value = old.data().get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            document.arrange_tables(key, [(old, n) for n in range(len(value))])
        elif isinstance(value, dict):
            document.set(key, None)
            document.add_table_from(key, old)
        else:
            document.set(key, value)
    if any(document.data().get(k) != old.data().get(k) for k in fields):
        raise AfiError("cannot put the fields back in place in this file: change them back "
                       "by hand; nothing was written")
    return document.text()



def _name(path: str) -> str:
    pure = PurePosixPath(path)
    return PLAN_FILE if pure.name == PLAN_FILE else pure.stem


def _diff(path: str, old: str | None, new: str | None) -> str:
    import difflib

    lines = difflib.unified_diff((old or "").splitlines(keepends=True),
                                 (new or "").splitlines(keepends=True),
                                 "/dev/null" if old is None else f"a/{path}",
                                 "/dev/null" if new is None else f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

