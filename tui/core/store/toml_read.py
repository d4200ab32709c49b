"""Reading TOML, for every part of afi that parses a file or a blob.

tomli is the parser the standard library's `tomllib` was taken from; its wheels are
compiled with mypyc and parse item files 2.6 times as fast, to the same values and the
same error messages (docs/benchmarks.md). Where no compiled wheel exists, pip installs
the pure-Python tomli, and without tomli the standard library's copy is used.

A file that starts with a UTF-8 byte-order mark (Windows Notepad saves one) is read as
the same file without it; writers keep the mark (tomledit.py).
"""

from __future__ import annotations

try:
    from tomli import TOMLDecodeError
    from tomli import loads as _loads
except ImportError:  # pragma: no cover - tomli is a dependency; this keeps afi running
    from tomllib import TOMLDecodeError  # type: ignore[assignment]
    from tomllib import loads as _loads

__all__ = ["BOM", "TOMLDecodeError", "loads"]

BOM = "\ufeff"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def loads(text: str) -> dict[str, Any]:
    """The TOML document `text`, read past a byte-order mark at its very start."""
    return _loads(text[1:] if text[:1] == BOM else text)
