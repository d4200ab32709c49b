"""Committing, as GitRepo does it: `git commit --only` of the paths afi wrote, and whether
a commit happened judged from what HEAD holds afterwards (`committed_since`), never from
git's exit status or wording. A part of GitRepo (its base class), kept apart by concept."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from tui.core.git.commits import Commit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

LOCK_WAITS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)  # ~1 s in all, then give up
# Paths go to git on its standard input, never as arguments: 100,000 of them exceed the
# system's limit on a command line ("Argument list too long").
_PATHS_ON_STDIN = ("--pathspec-from-file=-", "--pathspec-file-nul")


def _nul_joined(paths: Iterable[str]) -> bytes:
    return b"\0".join(path.encode() for path in paths)


class Committing:
    """GitRepo's commit operations (they run git through GitRepo.run)."""

    # Provided by GitRepo.
    run: Any
    relative: Any
    head_sha: Any
    iter_log: Callable[..., Iterator[Commit]]
    files_at: Any

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

    def _with_lock_retry(self, *args: str) -> tuple[int, str, str]:
        for pause in (*LOCK_WAITS, None):
            status, out, err = self.run(*args, check=False, hold_lock=True)
            if status != 0 and "index.lock" in err and pause is not None:
                time.sleep(pause)
                continue
            return status, out, err
        raise AssertionError("unreachable")
