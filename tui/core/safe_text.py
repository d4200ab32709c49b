"""User text on a terminal: control characters shown, never obeyed.

Plan data can hold any character (hand edits, imports, other tools). C0 controls, DEL
and C1 controls (U+0080-U+009F) reaching a terminal can move the cursor, retitle the
window or write the clipboard (OSC 52). Every command, error line and screen shows them
in caret notation instead (ESC as ^[, DEL as ^?, C1 as <9b>); JSON escapes them so it
stays valid and safe when printed. Data written to a file or a pipe stays exact.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# str.translate does the work in C; the search first, because most text has nothing to do.
_CARET = {**{code: f"^{chr(code + 64)}" for code in range(32)}, 0x7F: "^?",
          **{code: f"<{code:02x}>" for code in range(0x80, 0xA0)}}
_ONE_LINE = {**_CARET, 0x09: " ", 0x0A: " ", 0x0D: " "}
_LINES = {code: text for code, text in _CARET.items() if code not in (0x09, 0x0A)}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_NOT_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # kept: \t, \n
_JSON_UNSAFE = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
_JSON_UNSAFE_RE = re.compile(r"[\x7f-\x9f]")


def visible(text: Any) -> str:
    """One line: control characters in caret notation, tabs and line breaks as spaces."""
    text = str(text)
    return text.translate(_ONE_LINE) if _CONTROL.search(text) else text


def visible_lines(text: Any) -> str:
    """Several lines: line breaks and tabs kept, every other control character shown."""
    text = str(text).replace("\r\n", "\n")
    return text.translate(_LINES) if CONTROL_NOT_LINE.search(text) else text


def has_controls(text: str) -> bool:
    return CONTROL_NOT_LINE.search(text) is not None


def json_dumps(value: Any, **options: Any) -> str:
    """JSON with every control character escaped: `json` escapes C0 itself, but leaves
    DEL and C1 raw when `ensure_ascii` is off (they can only occur inside strings)."""
    import json  # only for JSON output

    text = json.dumps(value, ensure_ascii=False, **options)
    return text.translate(_JSON_UNSAFE) if _JSON_UNSAFE_RE.search(text) else text
