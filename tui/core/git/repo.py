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
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tui.core.errors import GitError
from tui.core.store.reading import find_git_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from typing import IO, Any

LOCK_WAITS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)  # ~1 s in all, then give up
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
LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"
TRAILER_KEY = "AFI-Id"
# Before any revision that came from a user: `--output=FILE` is then a revision git does
# not know, never an option (git 2.24+). Paths always follow `--`.
END_OF_OPTIONS = "--end-of-options"
_TRAILER = re.compile(rf"^{TRAILER_KEY}:[ \t]*(\S+)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_JOBS: list[Any] = []  # detached background git processes, kept referenced (see run_detached)


# Named tuples, not dataclasses: `dataclasses` costs every command that commits 5 ms to import.
class FileChange(namedtuple("FileChange", "path old_blob new_blob old_path",
                            defaults=(None,))):
    """One file of a commit: path relative to the repository root, with /; blob ids
    (None: absent on that side); old_path where it was, when git saw a rename."""

    __slots__ = ()


class Commit(namedtuple("Commit", "sha parents author_name author_email date subject body "
                                  "files", defaults=((),))):
    """A commit as git recorded it: parents a tuple of shas, date a datetime, files a
    tuple of FileChange."""

    __slots__ = ()

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def message(self) -> str:
        return f"{self.subject}\n\n{self.body}".strip() + "\n"

    @property
    def afi_ids(self) -> list[str]:
        """The ids in the `AFI-Id:` trailers (the message's last paragraph only)."""
        return trailer_ids(self.message)


def trailer_ids(message: str) -> list[str]:
    paragraphs = message.strip().split("\n\n")
    return _TRAILER.findall(paragraphs[-1]) if len(paragraphs) > 1 else []


class GitRepo:
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
        inherits the plan's write lock (write_lock.held_descriptors): a git that changes
        the plan keeps it locked until it ends, even if afi is killed meanwhile."""
        extra: dict[str, Any] = {}
        if hold_lock and os.name == "posix":
            from tui.core.write.lock import held_descriptors

            extra["pass_fds"] = held_descriptors()
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
        return self.run(*args)[1]

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

    # -- committing -------------------------------------------------------------------------
    def commit(self, paths: Sequence[Path], message: str,
               new_paths: Sequence[Path] = ()) -> tuple[int, str]:
        """Run `git commit --only` on `paths` with `message` kept verbatim; the user's
        other staged changes stay staged. Returns (status, git's output) and decides
        nothing: the caller asks `committed_since` what actually happened."""
        relative = [self.relative(p) for p in paths]
        added = [self.relative(p) for p in new_paths]
        import tempfile

        with tempfile.TemporaryDirectory(prefix="afi-") as scratch:
            message_file = Path(scratch) / "message"
            message_file.write_text(message, encoding="utf-8")
            spec_file = Path(scratch) / "paths"
            spec_file.write_bytes(b"\0".join(p.encode() for p in relative))
            if added:
                added_file = Path(scratch) / "added"
                added_file.write_bytes(b"\0".join(p.encode() for p in added))
                status, out, err = self._with_lock_retry(
                    "--literal-pathspecs", "add", f"--pathspec-from-file={added_file}",
                    "--pathspec-file-nul")
                if status != 0:
                    return status, out + err
            # No automatic gc from the commit: it would inherit the plan's lock and hold
            # it while it runs detached (maintain() starts it without the lock).
            status, out, err = self._with_lock_retry(
                "-c", "maintenance.auto=false", "-c", "gc.auto=0",
                "--literal-pathspecs", "commit", "--quiet", "--no-edit",
                f"--file={message_file}", "--cleanup=verbatim", "--only",
                f"--pathspec-from-file={spec_file}", "--pathspec-file-nul")
        return status, out + err

    def unstage_new(self, paths: Sequence[Path]) -> None:
        """Take files afi added for a commit that did not happen out of the index again."""
        if paths:
            self.run("--literal-pathspecs", "rm", "--cached", "--quiet", "--ignore-unmatch",
                     *_PATHS_ON_STDIN, input=_nul_joined(self.relative(p) for p in paths),
                     check=False)

    def committed_since(self, old_head: str | None,
                        expected: dict[str, bytes | None]) -> Commit | None:
        """The commit after `old_head` that holds exactly `expected` (path relative to the
        root -> content, None for deleted), or None if git made no such commit."""
        head = self.head_sha()
        if head is None or head == old_head:
            return None
        revisions = [f"{old_head}..{head}"] if old_head else [head]
        ours = {path: (self.blob_id(data) if data is not None else None)
                for path, data in expected.items()}
        for commit in self.iter_log(revisions=revisions, renames=False):
            got = {f.path: f.new_blob for f in commit.files}
            # A file written back as it already was in `old_head` (restored after a
            # deletion, say) is not in the commit's diff: it must hold that content there.
            unlisted = {path: data for path, data in expected.items() if path not in got}
            if unlisted and not self._held_at(old_head, unlisted):
                continue
            listed = {path: data for path, data in expected.items() if path in got}
            if all(got[path] == ours[path] for path in listed):
                return commit
            if self._same_after_filters(got, listed):
                return commit
        return None

    def _held_at(self, rev: str | None, expected: dict[str, bytes | None]) -> bool:
        """Does each path hold this content (None: not there) at `rev`?"""
        held = self.files_at(rev, list(expected)) if rev is not None else {}
        return all(held.get(path) == data for path, data in expected.items())

    def _same_after_filters(self, got: dict[str, str | None],
                            expected: dict[str, bytes | None]) -> bool:
        """Clean filters and autocrlf change the stored bytes: ask git to hash the
        working files as it would store them."""
        present = [p for p, data in expected.items() if data is not None]
        if any(got.get(p) is None for p in present):
            return False
        if present:
            _, out, _ = self.run("hash-object", "--stdin-paths",
                                 input="\n".join(present).encode() + b"\n", check=False)
            if out.split() != [got[p] for p in present]:
                return False
        return all(got.get(p) is None for p, data in expected.items() if data is None)

    def sync_index(self, paths: Sequence[str]) -> None:
        """Make the index hold HEAD's version of `paths` (after git committed but was
        stopped before it wrote the index, which would then stage the commit's reverse)."""
        if paths:
            self.run("--literal-pathspecs", "reset", "--quiet", "HEAD", *_PATHS_ON_STDIN,
                     input=_nul_joined(paths), check=False)

    def blob_id(self, data: bytes) -> str:
        """The id git gives a blob with this content (SHA-1, or SHA-256 repositories)."""
        import hashlib

        digest = hashlib.sha256 if self.object_format() == "sha256" else hashlib.sha1
        return digest(b"blob %d\0" % len(data) + data).hexdigest()

    def object_format(self) -> str:
        head = self.head_sha()
        return "sha256" if head is not None and len(head) == 64 else "sha1"

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

    def _with_lock_retry(self, *args: str) -> tuple[int, str, str]:
        for pause in (*LOCK_WAITS, None):
            status, out, err = self.run(*args, check=False, hold_lock=True)
            if status != 0 and "index.lock" in err and pause is not None:
                time.sleep(pause)
                continue
            return status, out, err
        raise AssertionError("unreachable")

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
    def log(self, paths: Sequence[Path] | None = None, since: str | None = None,
            commits: Sequence[str] | None = None, renames: bool = False,
            follow: bool = False) -> list[Commit]:
        """Commits touching `paths` (newest first), each with its changed files and blobs.

        With `commits`, only those (in that order) are read instead of walking history.
        Merges appear when they resolved a file differently from every parent (`-c`)."""
        return list(self.iter_log(paths, since, commits, renames=renames, follow=follow))

    def iter_log(self, paths: Sequence[Path] | None = None, since: str | None = None,
                 commits: Sequence[str] | None = None, revisions: Sequence[str] = (),
                 renames: bool = False, follow: bool = False) -> Iterator[Commit]:
        """`log`, one commit at a time as git finds them. `revisions` are passed to git as
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
        if since:
            args += self._since_args(since) + ([] if revisions else ["HEAD"])
        args.append("--")
        if paths is not None or revisions == ():
            args += [self.relative(p) for p in paths or [self.root]]
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        with self.stream(*args, input="".join(f"{sha}\n" for sha in commits or ()).encode()) \
                as stdout:
            while chunk := stdout.read1(1 << 16):
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

    def commits_since(self, since: str) -> set[str]:
        """Ids of the commits after `since` (a date, a board, last-board or a revision, as
        boards.find_revision reads it), up to HEAD: a walk without diffs, cheap however long."""
        return set(self.out("rev-list", *self._since_args(since), "HEAD").split())

    def _since_args(self, since: str) -> list[str]:
        from tui.core.git.boards import find_revision

        start = find_revision(self, since, start_of_day=True).commit
        return [f"^{start}"] if start else []

    def read_blobs(self, names: Iterable[str]) -> dict[str, bytes]:
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
        folders = sorted({r.rpartition("/")[0] for r in relative})
        listing = self.out("--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--",
                           *[f"{folder}/" for folder in folders if folder]) \
            if any(folders) else ""
        if "" in folders:  # files at the top of the repository
            listing += self.out("ls-tree", "-z", "--full-tree", rev)
        blob_ids = {}
        for entry in filter(None, listing.split("\0")):
            meta, _, name = entry.partition("\t")
            if meta.split()[1] == "blob":
                blob_ids[name] = meta.split()[2]
        wanted = {r: blob_ids[r] for r in relative if r in blob_ids}
        blobs = self.read_blobs(wanted.values())
        return {r: blobs[sha] for r, sha in wanted.items() if sha in blobs}

    def file_at(self, rev: str, path: Path) -> bytes | None:
        return self.files_at(rev, [path]).get(self.relative(path))

    def show_patch(self, sha: str, paths: Sequence[Path] | None = None) -> str:
        args = ["--literal-pathspecs", "show", "--format=", "--patch", "--no-color", sha]
        if paths:
            args += ["--", *[self.relative(p) for p in paths]]
        return self.out(*args)


def parse_commit(record: str) -> Commit | None:
    """One LOG_FORMAT record (after its \\x1e) with its -z raw lines; None if incomplete."""
    fields = record.split("\x1f")
    if len(fields) < 7:
        return None
    sha, parents, name, email, when, message = fields[:6]
    raw = fields[6].lstrip("\0\n").split("\0")
    files = []
    n = 0
    while n + 1 < len(raw):
        meta = raw[n]
        # ":mode mode sha sha S", or for a merge "::mode mode mode sha sha sha SS":
        # one colon per parent; the first parent's blob counts as the old one. A rename
        # (R100) is followed by two paths: from, to.
        parents_n = len(meta) - len(meta.lstrip(":"))
        parts = meta.lstrip(":").split()
        renamed = parts[-1][:1] in ("R", "C") if parts else False
        old_path = raw[n + 1] if renamed else None
        path = raw[n + 2] if renamed else raw[n + 1]
        n += 3 if renamed else 2
        if len(parts) >= 2 * parents_n + 3:
            old, new = parts[parents_n + 1], parts[2 * parents_n + 1]
            files.append(FileChange(path, None if set(old) == {"0"} else old,
                                    None if set(new) == {"0"} else new,
                                    old_path if renamed and parts[-1][:1] == "R" else None))
    subject, _, body = message.strip().partition("\n")
    return Commit(sha, tuple(parents.split()), name, email, datetime.fromisoformat(when),
                  subject, body.strip(), tuple(files))


def init_repo(path: Path) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path, path / ".git")
    repo.run("init", "--quiet")
    return repo


# Paths go to git on its standard input, never as arguments: 100,000 of them exceed the
# system's limit on a command line ("Argument list too long").
_PATHS_ON_STDIN = ("--pathspec-from-file=-", "--pathspec-file-nul")


def _nul_joined(paths: Iterable[str]) -> bytes:
    return b"\0".join(path.encode() for path in paths)


def first_lines(err: str, limit: int = 3) -> str:
    lines = [line.strip() for line in err.strip().splitlines() if line.strip()
             and not line.startswith("hint:")]
    return " ".join(lines[:limit])


def _git(root: Path):
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
