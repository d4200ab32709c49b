"""An inspection report's text as blocks (`_Block`: a paragraph, heading, bullet or table
row): page furniture dropped (page numbers, running lines, the table of contents), wrapped
lines and paragraphs cut by page breaks joined, hyphenation undone.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice

from tui.core.imports.inspection_files import _digitless
from tui.core.imports.inspection_patterns import (
    _BULLET,
    _BULLET_ITEM,
    _CHAR_FIXES,
    _CONTENTS,
    _EMPHASIS,
    _ENDS_AS_TEXT,
    _ENDS_TERMINAL,
    _FUNCTION_WORDS,
    _INLINE_TAG,
    _LIST_HEADING,
    _MARKER,
    _MD_HEADING,
    _PAGE_NUMBER,
    _PAGE_REF,
    _QUESTION,
    _ROW,
    _STRUCTURAL,
    _TABLE_SEPARATOR,
    _TEXT,
    _Block,
    _grade_word,
    _signal,
    _stated_alone,
)


def _clean_line(line: str) -> str:
    """A line without the markup that copies of reports carry: underline tags from web
    glossary links, Markdown emphasis (an unpaired `**`, cut by a page break, goes too)."""
    line = _INLINE_TAG.sub("", line.translate(_CHAR_FIXES)).rstrip()
    if line.count("**") % 2:
        line = line.replace("**", "")
    return _EMPHASIS.sub(r"\2", line)


def _split_lines(text: str) -> list[str]:
    # Split on newlines only, so line numbers match what an editor shows.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _find_contents(lines: list[str]) -> tuple[set[int], list[str]]:
    """The table of contents: its line indexes and its entries (page numbers dropped)."""
    start = next((i for i, line in enumerate(lines) if _CONTENTS.match(line.strip())), None)
    if start is None:
        return set(), []
    span, entries, with_pages = {start}, list[str](), None
    for i in range(start + 1, min(len(lines), start + 400)):
        stripped = lines[i].strip()
        if not stripped:
            span.add(i)
            continue
        page_ref = _PAGE_REF.search(stripped)
        name = " ".join((stripped[:page_ref.start()] if page_ref else stripped).split())
        if with_pages is None:
            with_pages = bool(page_ref)
        # Entries with page numbers end at the first line without one; plain entries end
        # where the body repeats the first of them.
        ended = (with_pages and not page_ref) or (
            not with_pages and name.casefold() in {e.casefold() for e in entries})
        if ended or len(stripped) > 120 or stripped.endswith("."):
            break
        entries.append(name)
        span.add(i)
    if len(entries) < 3:
        return set(), []
    return span, entries


def _report_title(lines: list[str]) -> str | None:
    """The report's title: its opening lines, up to two blank lines, a contents list or the
    first line that starts the report's body: a part every report has ("Summary"), a grade
    or a finding, or a heading that its next line shows to be a section's (a grade or body
    text follows it). A pillar ("Effectiveness") is kept: a pillar report is titled by it."""
    texts = [" ".join(_MD_HEADING.sub(r"\2", line).split()) for line in lines]
    parts: list[str] = []
    blanks = 0
    for i, text in enumerate(texts):
        if not text:
            blanks += 1
            if parts and blanks >= 2:
                break
            continue
        blanks = 0
        stop = (_CONTENTS.match(text) or _QUESTION.match(text) or len(text) > 120
                or _ENDS_AS_TEXT.search(text) or re.match(r"(?i)isbn|©|crown copyright", text)
                or _STRUCTURAL.match(text) or _LIST_HEADING.match(text)
                or _MARKER.match(text) or _stated_alone(text))
        following = next((t for t in islice(texts, i + 1, None) if t), "")
        starts_section = bool(parts) and bool(
            _stated_alone(following) or _grade_row(following)
            or _ENDS_AS_TEXT.search(following) or len(following) > 120)
        if stop or starts_section or len(parts) == 4:
            break
        if text.casefold() not in {p.casefold() for p in parts}:
            parts.append(text)
    return ": ".join(parts) or None


def _grade_row(text: str) -> bool:
    """A table row stating a grade (`| Grade | Adequate |`)."""
    return text.startswith("|") and any(
        _grade_word(cell) for cell in text.strip("|").split("|"))


def _drop_page_furniture(lines: list[str], skip: set[int]) -> list[str | None]:
    """None for lines that are not report text: the table of contents, page numbers, and
    short lines with digits that recur like running headers ("October 2007", "Page 4").
    A Markdown heading is never furniture: running headers come from paginated text (a
    PDF), which has no heading markup, while a Markdown copy or a saved web page heads
    each finding `### Area for improvement N`."""
    def candidate(line: str) -> bool:
        text = line.strip()
        return (0 < len(text) <= 80 and bool(re.search(r"\d", text))
                and not (_MARKER.match(text) or _MD_HEADING.match(line)
                         or _BULLET.match(line) or text.startswith("|") or "\t" in text))

    recurring = Counter(_digitless(line) for line in lines if candidate(line))
    kept: list[str | None] = []
    for i, line in enumerate(lines):
        text = line.strip()
        furniture = _PAGE_NUMBER.match(text) or (
            candidate(line) and recurring[_digitless(line)] >= 3)
        kept.append(None if i in skip or furniture else line)
    return kept


def _wrap_width(lines: list[str | None]) -> int | None:
    """The line width of hard-wrapped text (PDF extraction), None when each line is a whole
    paragraph (as in text copied from a page)."""
    lengths = sorted(len(line.strip()) for line in lines if line and len(line.strip()) >= 20)
    if len(lengths) < 10:
        return None
    width = lengths[int(len(lengths) * 0.95) - 1]
    return width if width <= 140 else None


def _line_block(line: str, number: int) -> _Block | None:
    heading = _MD_HEADING.match(line)
    if heading:
        return _Block(" ".join(heading.group(2).split()), number, level=len(heading.group(1)))
    stripped = line.strip()
    if stripped.startswith("|") or "\t" in stripped:
        if _TABLE_SEPARATOR.match(stripped):
            return None
        cells = tuple(" ".join(c.split()) for c in re.split(r"\t+|\|", stripped.strip("|")))
        if not any(cells):
            return None
        return _Block(" ".join(c for c in cells if c), number, _ROW, cells=cells)
    bullet = _BULLET.match(line)
    indent = len(line) - len(line.lstrip())
    if bullet:
        num = int(bullet.group(2)) if bullet.group(2) else None
        return _Block(" ".join(bullet.group(3).split()), number, _BULLET_ITEM,
                      len(bullet.group(1)), number=num)
    return _Block(" ".join(stripped.split()), number, indent=indent)


def _joined(first: str, second: str) -> str:
    # A word split by an end-of-line hyphen is rejoined: "investi-" + "gation".
    if re.search(r"[A-Za-z]-$", first) and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"


def _continues(block: _Block, previous: str, nxt: _Block, width: int | None) -> bool:
    """Whether a line carries on the block above it (no blank line between them)."""
    if block.kind == _ROW or nxt.kind != _TEXT or block.level or nxt.level:
        return False
    if _QUESTION.match(block.text):  # a question heading ends at its question mark
        return False
    if _signal(nxt.text):
        return False
    if block.kind == _BULLET_ITEM and nxt.indent > block.indent:
        return True
    if width is None:
        return False
    previous = previous.strip()
    if previous.endswith("-"):
        return True
    # A sentence that ends a line ends the paragraph too unless the line is nearly full:
    # without blank lines, that is what keeps a heading off the paragraph above it.
    if not nxt.text[:1].isupper():
        return len(previous) >= 0.75 * width
    return len(previous) >= (0.9 if re.search(r"[.!?][’'\"”)\]]*$", previous) else 0.85) * width


def _build_blocks(lines: list[str | None]) -> list[_Block]:
    width = _wrap_width(lines)
    blocks: list[_Block] = []
    current: _Block | None = None
    previous = ""
    for index, line in enumerate(lines):
        if line is None or not line.strip():
            current = None
            continue
        block = _line_block(line, index + 1)
        if block is None:
            current = None
        elif current is not None and _continues(current, previous, block, width):
            current.text = _joined(current.text, block.text)
        else:
            blocks.append(block)
            current = block
        previous = line
    return blocks


def _last_word(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text[-40:])
    return words[-1].casefold() if words else ""


def _join_broken_paragraphs(blocks: list[_Block]) -> list[_Block]:
    """Join a paragraph cut by a page break: the first part stops mid-sentence (no full stop,
    or on a word like "the") and the second part goes on in lower case or after such a word."""
    joined: list[_Block] = []
    for block in blocks:
        last = joined[-1] if joined else None
        if (last is not None and last.kind in (_TEXT, _BULLET_ITEM) and block.kind == _TEXT
                and not last.level and not block.level and not _signal(block.text)
                and not _ENDS_TERMINAL.search(last.text)
                and (block.text[:1].islower() or _last_word(last.text) in _FUNCTION_WORDS)):
            last.text = _joined(last.text, block.text)
        else:
            joined.append(block)
    return joined
