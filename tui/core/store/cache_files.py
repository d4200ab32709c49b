"""Pickled caches in `.git/afi/`: read leniently, written atomically, never required.

A cache that cannot be read is rebuilt and one that cannot be written only costs speed,
so neither raises: git and the TOML files stay the authority.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def load_pickle(path: Path) -> Any | None:
    """The object stored at `path`, or None if it is missing, torn or unreadable."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # any damage means "no cache": the caller rebuilds it
        return None


def load_part(path: Path | None, version: Any, key: str) -> dict[str, Any]:
    """`stored[key]` of a {"version": ..., key: {...}} pickle written by this version of
    afi, else an empty dict (missing, torn, older: the caller rebuilds or re-reads)."""
    stored = load_pickle(path) if path is not None else None
    if isinstance(stored, dict) and stored.get("version") == version \
            and isinstance(stored.get(key), dict):
        part: dict[str, Any] = stored[key]
        return part
    return {}


def save_pickle(path: Path, value: Any) -> None:
    """Replace `path` with `value` in one rename, so readers see the old or the new file."""
    import tempfile  # only when writing: a warm read never needs it

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
