"""Findings and grades that a report sets out in a table (text columns separated by tabs or
pipes, or an HTML table): a header row naming the finding's column ("Area for improvement",
"Recommendation" ...) and, if it has them, a number and an area column; a two-column row of
a name and a grade ("Investigating crime | Adequate") grades that area.
"""

from __future__ import annotations

import re

from tui.core.imports.inspection_drafts import _Draft
from tui.core.imports.inspection_patterns import (
    _ROW,
    _TEXT,
    _Block,
    _clean_title,
    _first_sentence,
    _grade_word,
    _heading_like,
)

# The wording column, by its heading. "AFI" or "Recommendation" beside one of these
# ("| AFI | Description |") heads the number column instead.
_WORDING = re.compile(r"(?i)^(?:areas?\s+for\s+improvement|causes?\s+of\s+concern|findings?"
                      r"|description|wording|details?|.*\btext)$")
_SHORT_WORDING = re.compile(r"(?i)^(?:afis?|recommendations?|recs?)$")
_NUMBER = re.compile(r"(?i)^(?:no\.?|nos?\.|number|ref(?:erence)?\.?|#|(?:afi|rec)\s*(?:no\.?"
                     r"|number|ref\.?))$")
_AREA = re.compile(r"(?i)^(?:areas?|inspection\s+areas?|question|theme|pillar|section"
                   r"|report\s+section|part\s+of\s+(?:the\s+)?report)$")
_GRADE_HEADER = re.compile(r"(?i)^(?:grade[sd]?|judge?ments?)$")


def _columns(block: _Block) -> dict[str, int] | None:
    """The wording, number and area columns a header row names; None if it names no
    wording column."""
    columns: dict[str, int] = {}
    strong = any(_WORDING.match(cell) for cell in block.cells)
    for place, cell in enumerate(block.cells):
        names = (("wording", _WORDING), ("number", _SHORT_WORDING if strong else _NUMBER),
                 ("number", _NUMBER), ("wording", _SHORT_WORDING), ("area", _AREA))
        for name, pattern in names:
            if pattern.match(cell) and name not in columns:
                columns[name] = place
                break
    return columns if "wording" in columns else None


def table_ahead(blocks: list[_Block], index: int) -> int | None:
    """The header row of a table of findings that starts the list at `index`, after at most
    two paragraphs introducing it ("They are listed in the table below.")."""
    for ahead in range(index, min(index + 3, len(blocks))):
        block = blocks[ahead]
        if block.kind == _ROW:
            return ahead if _columns(block) is not None else None
        if block.kind != _TEXT or _heading_like(block):
            return None
    return None


def read_table(blocks: list[_Block], header: int, kind: str,
               warnings: list[str]) -> tuple[list[_Draft], int]:
    """The findings of the table whose header row is at `header`, one a row, and the index
    after the table. A row with only one filled cell carries on the wording above it (a
    cell wrapped over two lines); a row whose cells do not line up with the header's is not
    read, with a warning naming its line."""
    columns = _columns(blocks[header])
    assert columns is not None
    width = len(blocks[header].cells)
    found: list[_Draft] = []
    index = header + 1
    while index < len(blocks) and blocks[index].kind == _ROW:
        block = blocks[index]
        filled = [cell for cell in block.cells if cell]
        index += 1
        wrapped = len(block.cells) != width or block.cells[columns["wording"]] == filled[0]
        if len(filled) == 1 and found and wrapped:
            found[-1].title = _clean_title(f"{found[-1].title} {filled[0]}")
            continue
        if len(block.cells) != width:
            warnings.append(f"the table row at line {block.line} has {len(block.cells)} "
                            f"cells where its header (line {blocks[header].line}) has "
                            f"{width}: not read; check it by hand")
            continue
        wording = block.cells[columns["wording"]]
        if not wording:
            continue
        title, rest = _first_sentence(wording)
        number = None
        if "number" in columns:
            digits = re.search(r"\d{1,3}", block.cells[columns["number"]])
            number = int(digits.group()) if digits else None
        draft = _Draft(kind, number, _clean_title(title), block.line, index - 1,
                       [rest] if rest else [])
        area = block.cells[columns["area"]] if "area" in columns else ""
        if area:
            draft.area = area
            draft.notes.append(f"area taken from the table's "
                               f"'{blocks[header].cells[columns['area']]}' column")
        found.append(draft)
    return found, index


def table_grades(blocks: list[_Block]) -> list[tuple[str, str, int]]:
    """The areas, grades and lines of a table of judgements: a header row naming an area
    column and a grade column ("Area | Grade"), then rows of a name and a grade word. Only
    under such a header: a summary table that grades parts of the report under names its
    sections do not use (HMIC 2007's "Child abuse | Fair") names no area."""
    graded: list[tuple[str, str, int]] = []
    header = False
    for block in blocks:
        filled = [cell for cell in block.cells if cell] if block.kind == _ROW else []
        if len(filled) == 2 and _AREA.match(filled[0]) and _GRADE_HEADER.match(filled[1]):
            header = True
            continue
        grade = _grade_word(filled[1]) if header and len(filled) == 2 else None
        if grade is not None and not _grade_word(filled[0]) and len(filled[0]) <= 150:
            graded.append((filled[0], grade, block.line))
        else:
            header = False
    return graded
