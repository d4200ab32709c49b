"""The git layer: one way of running git, commits judged by what HEAD holds, history.

Every git command runs through GitPython's command layer (`git.cmd.Git.execute`), never
through `repo.index` (which commits whatever is staged, skips hooks and invents an
identity: see docs/architecture.md). No GitPython object outlives a call. GitPython is
imported on first use, so commands that never run git (`afi list`) do not pay for it.

Whether a commit happened is decided from git's state afterwards (`committed_since`),
never from its exit status or the wording of its messages: "nothing to commit" is on
stdout, and a signal after the ref update makes git fail although HEAD moved.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tui.core.errors import GitError
from tui.core.git.commits import (  # noqa: F401 - re-exported: the layer's records
    LOG_FORMAT as LOG_FORMAT,
)
from tui.core.git.commits import (
    TRAILER_KEY as TRAILER_KEY,
)
from tui.core.git.commits import (
    Commit as Commit,
)
from tui.core.git.commits import (
    FileChange as FileChange,
)
from tui.core.git.commits import (
    parse_commit as parse_commit,
)
from tui.core.git.commits import (
    trailer_ids as trailer_ids,
)
from tui.core.git.committing import LOCK_WAITS, Committing
from tui.core.store.reading import find_git_dir  # a walk up the filesystem, floor 2

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from typing import IO, Any

IN_PROGRESS = (
    ("MERGE_HEAD", "a merge", "git merge --continue` or `git merge --abort"),
    ("rebase-merge", "a rebase", "git rebase --continue` or `git rebase --abort"),
    ("rebase-apply", "a rebase or am", "git rebase --continue` or `git rebase --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue` or "
                                          "`git cherry-pick --abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue` or `git revert --abort"),
    ("BISECT_LOG", "a bisect", "git bisect reset"),
)
FEW_PATHS = 20  # up to this many files are read by name; more by listing their folders
# Before any revision that came from a user: `--output=FILE` is then a revision git does
# not know, never an option (git 2.24+). Paths always follow `--`.
END_OF_OPTIONS = "--end-of-options"
_JOBS: list[Any] = []  # detached background git processes, kept referenced (see run_detached)
_LOCK_HOLDERS: list[Callable[[], tuple[int, ...]]] = []  # see inherit_lock


def inherit_lock(descriptors: Callable[[], tuple[int, ...]]) -> None:
    """Name where the descriptors of a lock this process holds are found: git run with
    `hold_lock` inherits them. The write lock (a floor above) registers itself when it is
    first taken, so the layer that runs git knows nothing of it."""
    if descriptors not in _LOCK_HOLDERS:
        _LOCK_HOLDERS.append(descriptors)


def _held_descriptors() -> tuple[int, ...]:
    return tuple(fd for held in _LOCK_HOLDERS for fd in held())


class GitRepo(Committing):
    """A working tree and its git directory. Cheap to make; holds no processes."""

    def __init__(self, root: Path, git_dir: Path):
        self.root = root
        self.git_dir = git_dir
        self.progress_to: IO[str] | None = None  # where fetch and push show git's progress
        self._root_resolved: Path | None = None
        self.plan_dir: Path | None = None  # the plan it was opened for (Plan.repo)

    @classmethod
    def find(cls, path: Path) -> GitRepo:
        start = path if path.is_dir() else path.parent
        git_dir = find_git_dir(start.resolve())
        if git_dir is None:
            raise GitError(f"{path} is not inside a git repository: run `afi init` to create "
                           "one (every change is a commit, so afi needs one)")
        return cls(cls._toplevel(start.resolve()), git_dir)

    @staticmethod
    def _toplevel(start: Path) -> Path:
        for folder in (start, *start.parents):
            if (folder / ".git").exists():
                return folder
        return start

    # -- running git: the one way -----------------------------------------------------------
    def run(self, *args: str, input: bytes | None = None, check: bool = True,
            text: bool = True, env: dict[str, str] | None = None,
            hold_lock: bool = False) -> tuple[int, Any, str]:
        """`git ARGS` in the working tree: (status, stdout, stderr). With `check`, a
        non-zero status raises GitError with git's own first lines. With `hold_lock`, git
        inherits the plan's write lock (see `inherit_lock`): a git that changes
        the plan keeps it locked until it ends, even if afi is killed meanwhile."""
        extra: dict[str, Any] = {}
        if hold_lock and os.name == "posix":
            extra["pass_fds"] = _held_descriptors()
            # An afi that git's hooks or merge driver run is inside this writer: it must
            # not wait for the lock its parent holds.
            env = {**(env or {}), "AFI_INSIDE_WRITER": str(os.getpid())}
        with _stdin(input) as stdin:
            status, out, err = _git(self.root).execute(
                ["git", *args], istream=stdin, with_extended_output=True,
                with_exceptions=False, stdout_as_string=False, strip_newline_in_stdout=False,
                env=env, **extra)
        err_text = _decode(err) if isinstance(err, bytes) else str(err or "")
        if check and status != 0:
            raise GitError(first_lines(err_text) or f"git {args[0]} failed (exit {status})")
        return status, (_decode(out) if text else out), err_text

    def out(self, *args: str) -> str:
        text: str = self.run(*args)[1]
        return text

    def run_showing_progress(self, command: str, *args: str,
                             progress_to: IO[str] | None = None) -> tuple[int, str, str]:
        """`git COMMAND ARGS` for a network command (fetch, push), unchecked. Given a
        terminal in `progress_to`, git's own progress (`--progress`) is copied to it as git
        writes it, and its stderr still kept for the caller; otherwise git runs quietly."""
        if progress_to is None:
            return self.run(command, "--quiet", *args, check=False)
        import subprocess

        proc = _git(self.root).execute(["git", command, "--progress", *args],
                                       istream=subprocess.DEVNULL, as_process=True)
        kept = []
        try:
            # stderr first, as it comes (fetch and push write next to nothing on stdout).
            while chunk := os.read(proc.stderr.fileno(), 4096):
                kept.append(chunk)
                progress_to.write(chunk.decode("utf-8", "replace"))
                progress_to.flush()
            out = proc.stdout.read()
            status = proc.proc.wait()
        finally:
            proc._terminate()  # noqa: SLF001 - the process is done; release its pipes
        return status, _decode(out), _decode(b"".join(kept))

    @contextmanager
    def stream(self, *args: str, input: bytes = b"") -> Iterator[IO[bytes]]:
        """`git ARGS` with its stdout read as it comes (a long log starts printing at
        once). Leaving the block early stops git; a failure raises GitError."""
        import subprocess

        proc = _git(self.root).execute(["git", *args], istream=subprocess.PIPE,
                                       as_process=True)
        try:
            proc.stdin.write(input)  # git reads all of stdin before it writes (log --stdin)
            proc.stdin.close()
            yield proc.stdout
            proc.stdout.read()  # drain what the caller did not want, so git can exit
            err = _decode(proc.stderr.read())
            status = proc.proc.wait()
        finally:
            proc._terminate()  # noqa: SLF001 - ends git at once if the reader stopped early
        if status != 0 and not ("does not have any commits" in err
                                or "bad default revision" in err):
            raise GitError(first_lines(err) or f"git {args[0]} failed (exit {status})")

    def run_detached(self, *args: str) -> None:
        """An optional `git ARGS` (a cache) at the lowest priority, outliving afi: the
        command does not wait for it and its failure costs only speed."""
        global _JOBS
        _JOBS = [job for job in _JOBS if job.proc is not None and job.proc.poll() is None]
        try:
            # GitPython ends a process when its handle is collected: keep the handle.
            _JOBS.append(_git(self.root).execute(["nice", "-n", "19", "git", *args],
                                                 as_process=True, with_stdout=False,
                                                 start_new_session=True))
        except Exception:  # noqa: BLE001 - an optional speed-up must never fail a command
            return

    # -- before writing ---------------------------------------------------------------------
    def check_ready(self) -> list[str]:
        """Refuse (GitError) unless a commit can be made now; return warnings."""
        for marker, what, fix in IN_PROGRESS:
            if (self.git_dir / marker).exists():
                raise GitError(f"{what} is in progress in {self.root}: finish it or abort it "
                               f"(`{fix}`), then try again; nothing was written")
        self.identity()
        self.wait_for_index_lock()
        warnings = []
        if self.head_is_detached():
            warnings.append("HEAD is detached: the commit will not be on any branch "
                            "(`git switch -c NAME` keeps it)")
        return warnings

    def identity(self) -> tuple[str, str]:
        """The author (name, email) git will use; GitError if not configured."""
        _, out, _ = self.run("config", "--get-regexp", r"^(user|author)\.(name|email)$",
                             check=False)
        # Listed from system to repository config: later values override earlier ones,
        # and author.* overrides user.*, as git itself resolves them.
        config: dict[str, str] = {}
        for line in out.splitlines():
            key, _, value = line.partition(" ")
            config[key] = value.strip()
        name = os.environ.get("GIT_AUTHOR_NAME") or config.get("author.name") or \
            config.get("user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or config.get("author.email") or \
            config.get("user.email") or os.environ.get("EMAIL")
        if not name or not email:
            raise GitError("no git identity: every change is signed with yours. Set it with "
                           '`git config --global user.name "Your Name"` and '
                           '`git config --global user.email "you@example.org"`')
        return name, email

    def user_name(self) -> str:
        return self.identity()[0]

    def wait_for_index_lock(self) -> None:
        lock = self.git_dir / "index.lock"
        for pause in LOCK_WAITS:
            if not lock.exists():
                return
            time.sleep(pause)
        if lock.exists():
            raise GitError(f"{lock} exists: another git command is running (or one crashed). "
                           "Wait for it, or remove the lock if no git process is running")

    def head_is_detached(self) -> bool:
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8")
        except OSError:
            return False
        return not head.startswith("ref:")

    def head_sha(self) -> str | None:
        """HEAD's commit id (None before the first commit), read from the git directory
        without a process when the ref is a plain file."""
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8").strip()
            sha = (self.git_dir / head[5:]).read_text(encoding="utf-8").strip() \
                if head.startswith("ref: ") else head
            if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
                return sha
        except OSError:
            pass  # a packed ref, an unborn branch, or a worktree: ask git
        status, out, _ = self.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return out.strip() if status == 0 and out.strip() else None

    def refresh_commit_graph(self) -> None:
        """Add new commits to git's commit-graph, with changed-path filters, in the
        background: `git log -- <file>` on 10,000 commits takes 0.1 s with them and
        0.75 s without, and git writes them only when asked."""
        self.run_detached("commit-graph", "write", "--reachable", "--split",
                          "--changed-paths", "--no-progress")
        self.maintain()

    def maintain(self) -> None:
        """git's own automatic housekeeping, which afi's commits skip (see `commit`), in
        the background when git's own sample says it is due: more than gc.auto/256 (27)
        loose objects in objects/17."""
        try:
            due = len(os.listdir(self.git_dir / "objects" / "17")) > 27
        except OSError:
            due = False
        if due:
            self.run_detached("maintenance", "run", "--auto", "--quiet")

    def relative(self, path: Path | str) -> str:
        """A path relative to the repository root, with '/' (git's own form)."""
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        try:  # the plan's own paths are built from the resolved root: no system calls
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.resolve().relative_to(self._resolved_root()).as_posix()

    def _resolved_root(self) -> Path:
        if self._root_resolved is None:
            self._root_resolved = self.root.resolve()
        return self._root_resolved

    # -- revisions ----------------------------------------------------------------------------
    def resolve(self, revision: str) -> str | None:
        """A commit id for a revision (sha, branch, tag), or None."""
        status, out, _ = self.run("rev-parse", "--verify", "--quiet", END_OF_OPTIONS,
                                  f"{revision}^{{commit}}", check=False)
        return out.strip() if status == 0 and out.strip() else None

    # -- history ----------------------------------------------------------------------------
    def log(self, paths: Sequence[Path] | None = None, after: str | None = None,
            commits: Sequence[str] | None = None, renames: bool = False,
            follow: bool = False) -> list[Commit]:
        """Commits touching `paths` (newest first), each with its changed files and blobs.

        With `commits`, only those (in that order) are read instead of walking history.
        Merges appear when they resolved a file differently from every parent (`-c`)."""
        return list(self.iter_log(paths, after, commits, renames=renames, follow=follow))

    def iter_log(self, paths: Sequence[Path] | None = None, after: str | None = None,
                 commits: Sequence[str] | None = None, revisions: Sequence[str] = (),
                 renames: bool = False, follow: bool = False) -> Iterator[Commit]:
        """`log`, one commit at a time as git finds them; with `after` (a commit id), only
        commits after it. `revisions` are passed to git as
        they are (`OLD..NEW`, a commit id); the default is HEAD. With `renames`, a moved
        file shows as one change with its `old_path`; `follow` (one path) goes on past
        its renames, as `git log --follow` does."""
        if commits is not None and not commits:
            return
        args = ["--literal-pathspecs", "log", "-c", "--raw", "--no-abbrev",
                "-M" if renames or follow else "--no-renames", "-z", f"--format={LOG_FORMAT}",
                *(["--follow"] if follow else [])]
        if commits is not None:
            args += ["--no-walk=unsorted", "--stdin"]
        args += [END_OF_OPTIONS, *revisions]  # a revision is never read as an option
        if after:
            args += [f"^{after}"] + ([] if revisions else ["HEAD"])
        args.append("--")
        if paths is not None or revisions == ():
            args += [self.relative(p) for p in paths or [self.root]]
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        with self.stream(*args, input="".join(f"{sha}\n" for sha in commits or ()).encode()) \
                as stdout:
            while chunk := stdout.read1(1 << 16):  # type: ignore[attr-defined]
                *complete, pending = (pending + decoder.decode(chunk)).split("\x1e")
                yield from filter(None, map(parse_commit, complete))
            yield from filter(None, map(parse_commit, [pending + decoder.decode(b"", True)]))

    def renames_in(self, sha: str, folder: str) -> dict[str, str]:
        """Files renamed by one commit under `folder`: new path -> old path."""
        status, out, _ = self.run("--literal-pathspecs", "diff-tree", "-M", "-r", "--raw", "-z",
                                  "--no-commit-id", "--root", sha, "--", folder, check=False)
        fields = out.split("\0")
        renames = {}
        n = 0
        while n < len(fields) - 1:
            if fields[n].startswith(":") and fields[n].split()[-1].startswith("R"):
                renames[fields[n + 2]] = fields[n + 1]
                n += 3
            else:
                n += 2
        return renames if status == 0 else {}

    def commits_after(self, start: str | None) -> set[str]:
        """Ids of the commits after commit `start` (every commit if None), up to HEAD: a
        walk without diffs, cheap however long."""
        return set(self.out("rev-list", *([f"^{start}"] if start else []), "HEAD").split())

    def read_blobs(self, names: Iterable[str | None]) -> dict[str, bytes]:
        """Many objects (ids, or `REV:path`) in one `git cat-file --batch` process."""
        wanted = list(dict.fromkeys(s for s in names if s))
        if not wanted:
            return {}
        _, out, _ = self.run("cat-file", "--batch", input="\n".join(wanted).encode() + b"\n",
                             text=False)
        blobs, pos = {}, 0
        for name in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end]
            pos = end + 1
            if header.endswith((b" missing", b" ambiguous")):
                continue  # "<name> missing": the name itself may hold spaces
            _, kind, size = header.rsplit(b" ", 2)
            if kind == b"blob":
                blobs[name] = out[pos:pos + int(size)]
            pos += int(size) + 1
        return blobs

    def files_at(self, rev: str, paths: Iterable[Path | str]) -> dict[str, bytes]:
        """Relative path -> content at `rev` for those of `paths` that exist there."""
        relative = [self.relative(p) for p in paths]
        if len(relative) <= FEW_PATHS:
            found = self.read_blobs(f"{rev}:{r}" for r in relative)
            return {r: found[f"{rev}:{r}"] for r in relative if f"{rev}:{r}" in found}
        # `REV:path` makes git search the folder's tree once per name (1 s for 1,000 names
        # in a 10,000-item folder): list each folder once instead, then read by blob id.
        blob_ids = self.blobs_in(rev, sorted({r.rpartition("/")[0] for r in relative}))
        wanted = {r: blob_ids[r] for r in relative if r in blob_ids}
        blobs = self.read_blobs(wanted.values())
        return {r: blobs[sha] for r, sha in wanted.items() if sha in blobs}

    def blobs_in(self, rev: str, folders: Sequence[str]) -> dict[str, str]:
        """Path -> blob id of the files directly in `folders` (relative to the root; ""
        or "." the root itself) at `rev`: one `git ls-tree` for them all."""
        below = [f"{folder}/" for folder in folders if folder not in ("", ".")]
        listing = self.out("--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--",
                           *below) if below else ""
        if any(folder in ("", ".") for folder in folders):  # files at the top
            listing += self.out("ls-tree", "-z", "--full-tree", rev)
        blob_ids = {}
        for entry in filter(None, listing.split("\0")):
            meta, _, name = entry.partition("\t")
            if meta.split()[1] == "blob":
                blob_ids[name] = meta.split()[2]
        return blob_ids

    def file_at(self, rev: str, path: Path) -> bytes | None:
        return self.files_at(rev, [path]).get(self.relative(path))

    def show_patch(self, sha: str, paths: Sequence[Path] | None = None) -> str:
        args = ["--literal-pathspecs", "show", "--format=", "--patch", "--no-color", sha]
        if paths:
            args += ["--", *[self.relative(p) for p in paths]]
        return self.out(*args)


def init_repo(path: Path) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path, path / ".git")
    repo.run("init", "--quiet")
    return repo


def first_lines(err: str, limit: int = 3) -> str:
    lines = [line.strip() for line in err.strip().splitlines() if line.strip()
             and not line.startswith("hint:")]
    return " ".join(lines[:limit])


def preload() -> None:
    """Import GitPython now (a UI does it on a worker thread: its first save need not)."""
    import git  # noqa: F401


def _git(root: Path) -> Any:  # GitPython's Git; its execute() is typed loosely
    from git.cmd import Git  # GitPython: imported when git is first needed

    return Git(str(root))


@contextmanager
def _stdin(data: bytes | None) -> Iterator[IO[bytes] | None]:
    """GitPython takes stdin as a file: a temporary one holds the input (a pipe written
    while git writes its output could fill both ways and deadlock)."""
    if data is None:
        yield None
        return
    import tempfile

    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        yield handle


def _decode(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")
