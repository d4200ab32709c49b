"""Where a finding of an inspection report belongs: the area of the section it sits in,
else the nearest heading above it that can name one, else none, with a note saying why.
A mixin of the report reader (inspection_findings._Reader), which finds the sections.
"""

from __future__ import annotations

from tui.core.imports.inspection_drafts import _Draft
from tui.core.imports.inspection_patterns import (
    _DIRECTIVE,
    _LIST_HEADING,
    _MARKER,
    _SUBHEADING,
    _Block,
    _heading_like,
    _structural,
)


class _Placing:
    blocks: list[_Block]
    areas: dict[int, str]  # block index of an area heading -> area name
    boundaries: set[int]  # ungraded section headings
    sections: list[tuple[str | None, int | None]]  # per block: area, heading
    drafts: list[_Draft]

    def place(self, draft: _Draft) -> None:
        if draft.area is not None:  # a table's area column named it
            return
        area, heading = self.sections[draft.index]
        if area is not None:
            draft.area = area
            return
        nearest = self._heading_above(draft.index, heading)
        names = {name.casefold(): name for name in self.areas.values()}
        if nearest is not None and self.blocks[nearest].text.casefold() in names:
            draft.area = names[self.blocks[nearest].text.casefold()]
            draft.notes.append(f"area taken from the heading '{draft.area}' above it "
                               f"(line {self.blocks[nearest].line}), outside the graded "
                               "section")
            return
        heading = nearest if nearest is not None else heading
        first_area = min(self.areas, default=None)
        if heading is not None and (heading in self.boundaries or not self.areas) and \
                self._names_area(heading):
            draft.area = self.blocks[heading].text
            draft.notes.append(f"area taken from the heading '{draft.area}' above it (line "
                               f"{self.blocks[heading].line}), which has no grade")
        elif heading is not None:
            draft.notes.append(f"it sits under '{self.blocks[heading].text}' "
                               f"(line {self.blocks[heading].line}), which is not an "
                               "inspection area: no area")
        elif first_area is not None and draft.index < first_area:
            draft.notes.append("it comes before the first inspection area heading "
                               f"('{self.areas[first_area]}', line "
                               f"{self.blocks[first_area].line}): area left empty")
        else:
            draft.notes.append("no inspection area heading found above it: area left empty")

    def _names_area(self, index: int) -> bool:
        """Whether an ungraded heading (a section's, or any when the report grades no area)
        can name an area: a short heading that is not one of a report's fixed parts
        (Summary, Main findings ...) nor a finding's wording."""
        block = self.blocks[index]
        text = block.text
        return (_heading_like(block) and len(text) <= 80 and not _structural(block)
                and not _SUBHEADING.match(text) and not _DIRECTIVE.search(text)
                and not any(d.index == index for d in self.drafts))

    def _heading_above(self, index: int, section_start: int | None) -> int | None:
        """The nearest heading above a finding in its section, skipping other findings: in a
        summary list of recommendations grouped by area it names the area."""
        lowest = section_start if section_start is not None else 0
        for above in range(index - 1, lowest - 1, -1):
            block = self.blocks[above]
            if (_heading_like(block) and not _MARKER.match(block.text)
                    and not _LIST_HEADING.match(block.text)
                    and not any(d.index == above for d in self.drafts)):
                return above
        return section_start
