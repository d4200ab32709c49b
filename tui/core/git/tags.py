"""Named git operations on tags: list them, the ones HEAD holds, create one."""

from __future__ import annotations

from tui.core.git.repo import END_OF_OPTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo


def list_tags(repo: GitRepo, pattern: str, fields: str) -> str:
    """`git for-each-ref` of the tags under `pattern` in the format `fields` ("" when
    git cannot list them)."""
    listed: str = repo.run("for-each-ref", f"--format={fields}", pattern, check=False)[1]
    return listed


def tags_on_head(repo: GitRepo, pattern: str) -> list[str]:
    """Names (without refs/tags/) of the tags under `pattern` that HEAD's line holds."""
    out: str = repo.run("for-each-ref", "--format=%(refname:strip=2)", "--merged", "HEAD",
                        pattern, check=False)[1]
    return out.split("\n")


def create_tag(repo: GitRepo, tag: str, commit: str, message: str,
               hold_lock: bool = False) -> None:
    """An annotated tag `tag` on `commit`, its message kept verbatim."""
    repo.run("tag", "-a", "--cleanup=verbatim", "-F", "-", END_OF_OPTIONS, tag, commit,
             input=message.encode("utf-8"), hold_lock=hold_lock)
