"""Named git operations on configuration and remotes."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.git.repo import GitRepo


def config_get(repo: GitRepo, key: str) -> str:
    """The value git's configuration gives `key` ("" when unset)."""
    value: str = repo.run("config", "--get", key, check=False)[1]
    return value.strip()


def config_set(repo: GitRepo, key: str, value: str) -> None:
    """Set `key` in the repository's own configuration (.git/config)."""
    repo.run("config", key, value)


def remotes(repo: GitRepo) -> list[str]:
    return repo.out("remote").split()
