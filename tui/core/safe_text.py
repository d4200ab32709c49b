"""User text shown for what it is: control characters and hidden text made visible,
spreadsheet formulas neutralised.

Plan data can hold any character (hand edits, imports, other tools). C0 controls, DEL
and C1 controls (U+0080-U+009F) reaching a terminal can move the cursor, retitle the
window or write the clipboard (OSC 52). Bidi controls and zero-width characters make
text read as something else: `Supt <U+202E>senoJ` shows as "Supt Jones". Every command,
error line and screen shows controls in caret notation (ESC as ^[, DEL as ^?, C1 as
<9b>) and hidden characters by their code point (<U+202E>); JSON escapes both (\\u001b,
\\u202e), so it stays exact, valid and safe when printed. Data written to a file or a
pipe stays exact, except that a CSV cell a spreadsheet would run as a formula gets an
apostrophe in front (`escape_cell`).
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class LazyPattern:
    """A regular expression compiled the first time it is used: compiling all eight here
    on import cost every command 1 ms, and most commands use one or two of them."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)


# Characters that hide what text says (Unicode's bidi controls and the zero-width ones):
# refused in values afi writes (validate.py), shown by code point wherever afi shows
# text. U+FEFF is also the byte-order mark: at the very start of a file it is read past.
HIDDEN_CHARACTERS = ("\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff")
HIDDEN = LazyPattern(f"[{HIDDEN_CHARACTERS}]")
_HIDDEN_CODES = [0x061C, *range(0x200B, 0x2010), *range(0x202A, 0x202F), 0x2060,
                 *range(0x2066, 0x206A), 0xFEFF]
HIDDEN_NAMES = {0x061C: "arabic letter mark", 0x200B: "zero-width space",
                0x200C: "zero-width non-joiner", 0x200D: "zero-width joiner",
                0x200E: "left-to-right mark", 0x200F: "right-to-left mark",
                0x202A: "left-to-right embedding", 0x202B: "right-to-left embedding",
                0x202C: "pop directional formatting", 0x202D: "left-to-right override",
                0x202E: "right-to-left override", 0x2060: "word joiner",
                0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
                0x2068: "first strong isolate", 0x2069: "pop directional isolate",
                0xFEFF: "zero-width no-break space"}
_SHOWN_HIDDEN = {code: f"<U+{code:04X}>" for code in _HIDDEN_CODES}

# str.translate does the work in C; the search first, because most text has nothing to do.
_CARET = {**{code: f"^{chr(code + 64)}" for code in range(32)}, 0x7F: "^?",
          **{code: f"<{code:02x}>" for code in range(0x80, 0xA0)}, **_SHOWN_HIDDEN}
_ONE_LINE = {**_CARET, 0x09: " ", 0x0A: " ", 0x0D: " "}
_LINES = {code: text for code, text in _CARET.items() if code not in (0x09, 0x0A)}
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # every listing searches each cell
_CONTROL = LazyPattern(f"[\\x00-\\x1f\\x7f-\\x9f{HIDDEN_CHARACTERS}]")
_ANY_CONTROL = LazyPattern(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_NOT_LINE = LazyPattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # kept: \t, \n
# What visible_lines changes (the HTML pack marks the same characters):
NOT_SHOWN_AS_IS = LazyPattern(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{HIDDEN_CHARACTERS}]")
# One visible character for each (the Unicode symbol for a C0 control, U+FFFD for the rest):
# where the text is edited, each character keeps its place for the cursor.
_IN_PLACE = {**{code: chr(0x2400 + code) for code in range(32)}, 0x7F: "\u2421",
             **{code: "\ufffd" for code in (*range(0x80, 0xA0), *_HIDDEN_CODES)}}
_JSON_UNSAFE = {**{code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)},
                **{code: f"\\u{code:04x}" for code in _HIDDEN_CODES}}
_JSON_UNSAFE_RE = LazyPattern(f"[\\x7f-\\x9f{HIDDEN_CHARACTERS}]")


def visible(text: Any) -> str:
    """One line: control characters in caret notation, hidden characters as <U+202E>,
    tabs and line breaks as spaces. (Most text is ASCII, which CPython knows without
    looking: then only the ASCII controls are searched for, as fast as before hidden
    characters were.)"""
    line = str(text)
    found = _ASCII_CONTROL.search(line) if line.isascii() else _CONTROL.search(line)
    return line.translate(_ONE_LINE) if found else line


def visible_lines(text: Any) -> str:
    """Several lines: line breaks and tabs kept, every other control character and every
    hidden character shown."""
    lines = str(text).replace("\r\n", "\n")
    return lines.translate(_LINES) if NOT_SHOWN_AS_IS.search(lines) else lines


def visible_in_place(text: str) -> str:
    """Each control or hidden character as one visible character (ESC as \u241b, a bidi
    override as \ufffd), so a text box can show a value it edits: the same length, every
    other character where it was."""
    return text.translate(_IN_PLACE) if _CONTROL.search(text) else text


_NOT_UTF8 = LazyPattern("[\ud800-\udfff]")  # how Python keeps bytes that were not UTF-8


def not_utf8(text: str) -> bool:
    """Whether `text` holds bytes that were not UTF-8 (an argument typed in another
    encoding reaches Python as lone surrogates, which no file can hold)."""
    return _NOT_UTF8.search(text) is not None


def has_controls(text: str, lines: bool = False) -> bool:
    """Whether `text` holds a control character (C0, DEL or C1); with `lines`, tabs and
    line breaks (\\n) are allowed."""
    return (CONTROL_NOT_LINE if lines else _ANY_CONTROL).search(text) is not None


def hidden_character(text: str) -> str | None:
    """The first character of `text` that hides what it says, described for an error
    message ('U+202E (right-to-left override)'), or None."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return f"U+{code:04X} ({HIDDEN_NAMES[code]})"


def json_dumps(value: Any, **options: Any) -> str:
    """JSON with every control and hidden character escaped: `json` escapes C0 itself,
    but leaves DEL, C1, bidi controls and zero-width characters raw when `ensure_ascii`
    is off (they can only occur inside strings). The data read back is exact."""
    import json  # only for JSON output

    text = json.dumps(value, ensure_ascii=False, **options)
    return text.translate(_JSON_UNSAFE) if _JSON_UNSAFE_RE.search(text) else text


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection";
# NUL per OWASP ASVS). The apostrophe is here so that the prefix can always be taken off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "'")


def escape_cell(text: str) -> str:
    """A CSV cell no spreadsheet runs: one starting like a formula (or with an
    apostrophe) gets an apostrophe in front. Reversible: `unescape_cell`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape_cell(text: str) -> str:
    """Undo `escape_cell` (for an importer): every cell that starts with an apostrophe had
    one added, so drop exactly one."""
    return text[1:] if text.startswith("'") else text
