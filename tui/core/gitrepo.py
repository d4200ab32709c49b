"""The git layer: commit only what a change touched; read history and old versions.

Commands that change the repository (add, commit, rm --cached, init) run through
GitPython's command runner, never through `repo.index`: the git command keeps the
user's other staged work staged, runs hooks, uses the user's own identity, honours
`index.lock` and reads every index version (ENGINEERING.md has the measurements).
No GitPython object outlives a call. Read-only queries (log, cat-file, config) run
git directly: `afi log` must answer in 0.2 s, and importing GitPython alone takes 0.09 s.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import GitError
from .store import find_git_dir

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
TRAILER = re.compile(r"^AFI-Id:\s*(\S+)\s*$", re.MULTILINE)
LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the repository root, with /
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    date: datetime
    subject: str
    body: str
    files: tuple[FileChange, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def afi_ids(self) -> list[str]:
        return TRAILER.findall(self.body)


class GitRepo:
    """A working tree and its git directory. Cheap to make; holds no processes."""

    def __init__(self, root: Path, git_dir: Path):
        self.root = root
        self.git_dir = git_dir

    @classmethod
    def find(cls, path: Path) -> GitRepo:
        start = path if path.is_dir() else path.parent
        git_dir = find_git_dir(start.resolve())
        if git_dir is None:
            raise GitError(f"{path} is not inside a git repository: run `afi init` to create "
                           "one (every change is a commit, so afi needs one)")
        root = cls._toplevel(start.resolve())
        return cls(root, git_dir)

    @staticmethod
    def _toplevel(start: Path) -> Path:
        for folder in (start, *start.parents):
            if (folder / ".git").exists():
                return folder
        return start

    # -- running git ------------------------------------------------------------------------
    def read_git(self, *args: str, stdin: bytes | None = None, check: bool = True,
            text: bool = True) -> tuple[int, str | bytes, str]:
        """Run a read-only `git ARGS` in the working tree: (status, stdout, stderr)."""
        done = subprocess.run(["git", *args], cwd=self.root, input=stdin, capture_output=True,
                              env=_c_locale())
        out = done.stdout.decode("utf-8", errors="replace") if text else done.stdout
        err = done.stderr.decode("utf-8", errors="replace")
        if check and done.returncode != 0:
            raise GitError(_first_lines(err) or f"git {args[0]} failed (exit {done.returncode})")
        return done.returncode, out, err

    def write_git(self, *args: str, check: bool = True) -> tuple[int, str, str]:
        """Run a `git ARGS` that changes the repository, through GitPython."""
        from git.cmd import Git  # GitPython: ~90 ms to import, so only when writing

        runner = Git(str(self.root))
        status, out, err = runner.execute(["git", *args], with_extended_output=True,
                                          with_exceptions=False, strip_newline_in_stdout=False)
        if check and status != 0:
            raise GitError(_first_lines(err) or f"git {args[0]} failed (exit {status})")
        return status, out, err

    def out(self, *args: str) -> str:
        return self.read_git(*args)[1]

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
        _, out, _ = self.read_git("config", "--get-regexp", r"^(user|author)\.(name|email)$",
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
               new_paths: Sequence[Path] = ()) -> str:
        """One commit holding only `paths`; the user's other staged changes stay staged."""
        relative = [self.relative(p) for p in paths]
        added = [self.relative(p) for p in new_paths]
        with tempfile.TemporaryDirectory(prefix="afi-") as scratch:
            message_file = Path(scratch) / "message"
            message_file.write_text(message, encoding="utf-8")
            spec_file = Path(scratch) / "paths"
            spec_file.write_bytes(b"\0".join(p.encode() for p in relative))
            try:
                if added:
                    self._with_lock_retry("--literal-pathspecs", "add", "--", *added)
                self._with_lock_retry(
                    "--literal-pathspecs", "commit", "--quiet", "--no-edit",
                    f"--file={message_file}", "--cleanup=strip", "--only",
                    f"--pathspec-from-file={spec_file}", "--pathspec-file-nul")
            except GitError:
                if added:  # leave the index as it was: the caller deletes the files
                    self.write_git("--literal-pathspecs", "rm", "--cached", "--quiet",
                                "--ignore-unmatch", "--", *added, check=False)
                raise
        self.refresh_commit_graph()
        return self.head_sha()

    def head_sha(self) -> str:
        """HEAD's commit id, read from the git directory (no process) when it is simple."""
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8").strip()
            if head.startswith("ref: "):
                sha = (self.git_dir / head[5:]).read_text(encoding="utf-8").strip()
            else:
                sha = head
            if re.fullmatch(r"[0-9a-f]{40,64}", sha):
                return sha
        except OSError:
            pass  # a packed ref, or a worktree: ask git
        return self.out("rev-parse", "HEAD").strip()

    def refresh_commit_graph(self) -> None:
        """Add the new commit to git's commit-graph, with changed-path filters, in the
        background. `git log -- <file>` on a 10,000-commit history takes 0.1 s with
        them and 0.75 s without; git itself writes them only when asked."""
        start_in_background(["git", "commit-graph", "write", "--reachable", "--split",
                             "--changed-paths"], cwd=self.root)

    def _with_lock_retry(self, *args: str) -> None:
        for pause in (*LOCK_WAITS, None):
            status, _, err = self.write_git(*args, check=False)
            if status == 0:
                return
            if "index.lock" in err and pause is not None:
                time.sleep(pause)
                continue
            if "nothing to commit" in err or "no changes added" in err:
                raise GitError("nothing to commit: the files are as in the last commit")
            raise GitError(f"git refused the commit: {_first_lines(err)}")

    def relative(self, path: Path) -> str:
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    # -- history ----------------------------------------------------------------------------
    def log(self, paths: Sequence[Path] | None = None, since: str | None = None,
            commits: Sequence[str] | None = None) -> list[Commit]:
        """Commits touching `paths` (newest first), each with its changed files and blobs.

        With `commits`, only those (in that order) are read instead of walking history.
        Merges appear when they resolved a file differently from every parent (`-c`)."""
        return list(self.iter_log(paths, since, commits))

    def iter_log(self, paths: Sequence[Path] | None = None, since: str | None = None,
                 commits: Sequence[str] | None = None,
                 revisions: Sequence[str] = ()) -> Iterator[Commit]:
        """`log`, one commit at a time as git finds them: a long history starts printing at
        once instead of after git has diffed every commit. `revisions` are passed to git
        as they are (`OLD..NEW`, a commit id); the default is HEAD."""
        if commits is not None and not commits:
            return
        args = ["--literal-pathspecs", "log", "-c", "--raw", "--no-abbrev", "--no-renames",
                "-z", f"--format={LOG_FORMAT}", *revisions]
        if commits is not None:
            args += ["--no-walk=unsorted", "--stdin"]
        if since:
            args += self._since_args(since)
        args.append("--")
        args += [self.relative(p) for p in paths or [self.root]]
        with tempfile.TemporaryFile() as errors, subprocess.Popen(
                ["git", *args], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=errors, env=_c_locale()) as proc:
            # git reads every revision from stdin before it writes anything: no deadlock.
            proc.stdin.write("".join(f"{sha}\n" for sha in commits or ()).encode())
            proc.stdin.close()
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            pending = ""
            while chunk := proc.stdout.read1(1 << 16):
                *complete, pending = (pending + decoder.decode(chunk)).split("\x1e")
                yield from filter(None, map(parse_commit, complete))
            yield from filter(None, map(parse_commit, [pending + decoder.decode(b"", True)]))
            proc.wait()
            errors.seek(0)
            err = errors.read().decode("utf-8", errors="replace")
        if proc.returncode != 0 and not ("does not have any commits" in err
                                         or "bad default revision" in err):
            raise GitError(_first_lines(err) or f"git log failed (exit {proc.returncode})")

    def commits_since(self, since: str) -> set[str]:
        """Ids of the commits after a date (YYYY-MM-DD) or a revision, up to HEAD: a walk
        without diffs, so cheap however long the history."""
        args = self._since_args(since)
        return set(self.out("rev-list", *args, *([] if args[-1].endswith("..HEAD")
                                                 else ["HEAD"])).split())

    def _since_args(self, since: str) -> list[str]:
        try:
            date.fromisoformat(since)
            return [f"--since={since}T00:00:00"]
        except ValueError:
            pass
        status, _, _ = self.read_git("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}",
                                check=False)
        if status != 0:
            raise GitError(f"--since {since!r} is neither a date (YYYY-MM-DD) nor a revision")
        return [f"{since}..HEAD"]

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Many objects in one `git cat-file --batch` process."""
        wanted = list(dict.fromkeys(s for s in shas if s))
        if not wanted:
            return {}
        _, out, _ = self.read_git("cat-file", "--batch", stdin="\n".join(wanted).encode() + b"\n",
                             text=False)
        blobs, pos = {}, 0
        for sha in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            blobs[sha] = out[pos:pos + size]
            pos += size + 1
        return blobs

    def file_at(self, rev: str, path: Path) -> bytes | None:
        status, out, _ = self.read_git("show", f"{rev}:{self.relative(path)}", check=False,
                                  text=False)
        return out if status == 0 else None

    def show_patch(self, sha: str, paths: Sequence[Path] | None = None) -> str:
        args = ["--literal-pathspecs", "show", "--format=", "--patch", "--no-color", sha]
        if paths:
            args += ["--", *[self.relative(p) for p in paths]]
        return self.out(*args)

    def tree_as_of(self, when: str, under: Path) -> dict[str, bytes]:
        """Every file under `under` as it was at the last commit before `when`."""
        sha = self.out("rev-list", "-1", f"--before={when}", "HEAD").strip()
        if not sha:
            return {}
        listing = self.out("ls-tree", "-r", "-z", sha, "--", self.relative(under))
        entries = [line.split("\t", 1) for line in listing.split("\0") if line]
        blobs = self.read_blobs(meta.split()[2] for meta, _ in entries)
        return {path: blobs[meta.split()[2]] for meta, path in entries
                if meta.split()[2] in blobs}


def parse_commit(record: str) -> Commit | None:
    """One LOG_FORMAT record (after its \\x1e) with its -z raw lines; None if incomplete."""
    fields = record.split("\x1f")
    if len(fields) < 6:
        return None
    sha, name, email, when, message = fields[:5]
    raw = fields[5].lstrip("\0\n").split("\0")
    files = []
    for meta, path in zip(raw[0::2], raw[1::2], strict=False):
        # ":mode mode sha sha S", or for a merge "::mode mode mode sha sha sha SS":
        # one colon per parent; the first parent's blob counts as the old one.
        parents = len(meta) - len(meta.lstrip(":"))
        parts = meta.lstrip(":").split()
        if len(parts) >= 2 * parents + 3:
            old, new = parts[parents + 1], parts[2 * parents + 1]
            files.append(FileChange(path, None if set(old) == {"0"} else old,
                                    None if set(new) == {"0"} else new))
    subject, _, body = message.strip().partition("\n")
    return Commit(sha, name, email, datetime.fromisoformat(when), subject, body.strip(),
                  tuple(files))


def start_in_background(command: Sequence[str], cwd: Path,
                        env: dict[str, str] | None = None) -> bool:
    """Run an optional job (a cache or index build) detached and at the lowest CPU priority.

    Through `sh ... &`, so the job is nobody's child (no zombies in a long UI session) and
    never slows what the user does next. False if it could not be started."""
    try:
        subprocess.run(["sh", "-c", 'nice -n 19 "$@" >/dev/null 2>&1 </dev/null &', "sh",
                        *command], cwd=cwd, env=env, check=False)
        return True
    except OSError:
        return False


def _c_locale() -> dict[str, str]:
    """The environment for git whose messages afi reads: untranslated."""
    return {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"}


def init_repo(path: Path) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path, path / ".git")
    repo.write_git("init", "--quiet")
    return repo


def _first_lines(err: str, limit: int = 3) -> str:
    lines = [line.strip() for line in err.strip().splitlines() if line.strip()
             and not line.startswith("hint:")]
    return " ".join(lines[:limit])
