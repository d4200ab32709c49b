"""Reading TOML, for every part of afi that parses a file or a blob.

tomli is the parser the standard library's `tomllib` was taken from; its wheels are
compiled with mypyc and parse item files 2.6 times as fast, to the same values and the
same error messages (docs/benchmarks.md). Where no compiled wheel exists, pip installs
the pure-Python tomli, and without tomli the standard library's copy is used.
"""

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; this keeps afi running
    from tomllib import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
