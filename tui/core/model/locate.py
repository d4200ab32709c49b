"""Find the line a problem is on.

`tomllib` gives values but no positions, so when a file has a problem we scan its
text for the key (only on the error path; valid files never come here).
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_PARSE_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(\s|$)", re.MULTILINE)
_MARKER_RUNS = ("<" * 7, "=" * 7, ">" * 7, "|" * 7)


def _key_re(key: str) -> re.Pattern[str]:
    quoted = re.escape(key)
    return re.compile(rf"^\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*=")


def line_of(text: str, path: tuple[str | int, ...]) -> int:
    """1-based line of a key path like ("status",) or ("actions", 2, "done").

    Falls back to the nearest enclosing line found (the table header, or line 1).
    """
    lines = text.removeprefix("\ufeff").splitlines()  # (a byte-order mark is not a key)
    if not path:
        return 1
    top = str(path[0])
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
    rest = [part for part in path[1:] if isinstance(part, str)]
    sub = rest[0] if rest else None

    table: str | None = None  # current [table] / [[array]] name
    seen = -1  # occurrences of [[top]] so far
    header_line = 0
    key = _key_re(top)
    subkey = _key_re(str(sub)) if sub is not None else None
    for n, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith(("#",)) and "=" not in line.split("]")[0]:
            table = header.group(1).strip("\"' ")
            if table == top:
                seen += 1
                if index is None or seen == index:
                    index = seen
                    header_line = n
                    if subkey is None:
                        return n
            continue
        if table is None and key.match(line):
            return n
        if subkey is not None and table == top and seen == index and subkey.match(line):
            return n
        if index is None and table == top and header_line and subkey is None:
            return header_line
    return header_line or 1


def parse_error_line(message: str) -> int:
    """The line number in a `tomllib.TOMLDecodeError` message, or 1."""
    found = _PARSE_POS.search(message)
    return int(found.group(1)) if found else 1


def conflict_marker_line(text: str) -> int | None:
    """Line of the first merge-conflict marker, if the file has any."""
    if not any(run in text for run in _MARKER_RUNS):  # most files: four fast scans
        return None
    found = CONFLICT_MARKER.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def deep_nesting_line(text: str, depth: int = 100) -> int:
    """The line where arrays or inline tables first open `depth` deep, for a file too deeply
    nested for the parser to say where (brackets inside quoted strings are passed over;
    a rough reading, used only once parsing has failed), or 1."""
    level, quote, escaped = 0, "", False
    line = 1
    for char in text:
        if char == "\n":
            line += 1
            if quote in ('"', "'"):
                quote = ""  # a one-line string that did not close: the parser says so
        elif quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            level += 1
            if level >= depth:
                return line
        elif char in "]}":
            level = max(level - 1, 0)
    return 1
