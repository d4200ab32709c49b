"""Find the findings of an inspection report: the parsing core of `afi import report`.

The report is read by its structure, not by any force's or round's names (docs/format.md
§11): an area is a heading followed by a grade of a known scale (or a question heading
whose first sentence states one, or a section heading the contents lists once); a finding
is a heading, bullet or paragraph under an "Area(s) for improvement", "Cause(s) of
concern" or "Recommendations" heading, or a numbered "Recommendation N" / "Area for
improvement N". That covers the layouts that changed over the years:

- PEEL 2021/22 on: each graded area is a heading with its grade on a line of its own, then
  list headings; each finding a one-line heading with explanatory paragraphs under it.
  PEEL 2023-25 numbers them ("Area for improvement 1") and names its areas its own way.
- PEEL 2014-2019: areas are questions or headings, the grade in the first sentence or on
  the line under them; "Areas for improvement" are bullets whose first sentence is the
  finding; a cause of concern is followed by its recommendations.
- HMIC 2007: areas are headings with a grade table (or no grade at all: the heading is
  still the area, noted) and numbered "Recommendation N" paragraphs, repeated in a summary
  list at the end.
- Thematic and national reports: no areas; recommendations addressed to chief constables
  (or, in joint inspections, to several bodies) as "Recommendation N" or plain paragraphs.
- Plain paragraphs under a plural heading are findings when they open "<subject> should"
  (`_asks`; for areas for improvement only when the first one does, else HMIC 2007
  commentary); findings in a table are read by inspection_tables.

The text usually comes out of a PDF, so the parser first rebuilds paragraphs
(inspection_blocks: page furniture and the contents dropped, wrapped lines and page breaks
joined, hyphenation undone) and then reads the structure from those blocks. It never
guesses silently: what it is unsure of goes to `Finding.notes` and
`ReportFindings.warnings`. No UI imports here: the core stays UI-free.
"""

from __future__ import annotations

import re
from collections import Counter

from tui.core.imports.inspection_blocks import (
    _build_blocks,
    _clean_line,
    _drop_page_furniture,
    _find_contents,
    _join_broken_paragraphs,
    _report_title,
    _split_lines,
)
from tui.core.imports.inspection_drafts import (
    ReportFindings,
    _check_numbering,
    _detail_line,
    _Draft,
    _guess_scale,
    _merge_repeats,
    _summarise,
    _with_links,
)
from tui.core.imports.inspection_patterns import (
    _BULLET_ITEM,
    _DIRECTIVE,
    _FINDING_WORDS,
    _GRADE_SENTENCE,
    _LIST_HEADING,
    _MARKER,
    _QUESTION,
    _ROW,
    _SUBHEADING,
    _TEXT,
    _asks,
    _Block,
    _clean_title,
    _first_sentence,
    _grade_of,
    _heading_like,
    _introduces,
    _kind,
    _legend_grades,
    _structural,
)
from tui.core.imports.inspection_placing import _Placing
from tui.core.imports.inspection_tables import read_table, table_ahead, table_grades


class _Reader(_Placing):
    """Reads the blocks in two passes: where the areas and their grades are, then the
    findings, each placed in the area whose section it sits in."""

    def __init__(self, blocks: list[_Block], contents: list[str]) -> None:
        self.blocks = blocks
        self.contents = Counter(entry.casefold() for entry in contents)
        self.areas: dict[int, str] = {}  # block index of an area heading -> area name
        self.grades: dict[str, str] = {}
        self.boundaries: set[int] = set()  # ungraded section headings
        self.sections: list[tuple[str | None, int | None]] = []  # per block: area, heading
        self.drafts: list[_Draft] = []
        self.warnings: list[str] = []
        self.unread_lists: list[int] = []

    # ---- areas and grades

    def find_areas(self) -> None:
        for index, block in enumerate(self.blocks):
            question = _QUESTION.match(block.text) if _heading_like(block) else None
            if question:
                topic = question.group("topic")
                self._add_area(index, topic[:1].upper() + topic[1:], self._stated_grade(index))
            elif self._graded_heading(index):
                self._add_area(index, block.text, _grade_of(self.blocks[index + 1]))
        for name, grade, line in table_grades(self.blocks):
            self._add_grade(name, grade, line)
        levels = [self.blocks[i].level for i in self.areas if self.blocks[i].level]
        area_level = min(levels) if levels else 0
        for index, block in enumerate(self.blocks):
            if index not in self.areas and self._is_boundary(block, area_level):
                self.boundaries.add(index)
        current: tuple[str | None, int | None] = (None, None)
        for index in range(len(self.blocks)):
            if index in self.areas:
                current = (self.areas[index], index)
            elif index in self.boundaries:
                current = (None, index)
            self.sections.append(current)

    def _add_area(self, index: int, name: str, grade: str | None) -> None:
        self.areas[index] = name
        if grade is not None:
            self._add_grade(name, grade, self.blocks[index].line)

    def _add_grade(self, name: str, grade: str, line: int) -> None:
        if self.grades.get(name, grade) != grade:
            self.warnings.append(f"'{name}' is graded both {self.grades[name]} and {grade} "
                                 f"(line {line}); kept the first")
            return
        self.grades.setdefault(name, grade)

    def _graded_heading(self, index: int) -> bool:
        block = self.blocks[index]
        return (index + 1 < len(self.blocks) and _heading_like(block) and len(block.text) <= 150
                and not _structural(block) and _grade_of(block) is None
                and _grade_of(self.blocks[index + 1]) is not None)

    def _stated_grade(self, index: int) -> str | None:
        """The grade in the first sentence under a question heading: "X is good at ..."."""
        if index + 1 >= len(self.blocks) or self.blocks[index + 1].kind != _TEXT:
            return None
        if _heading_like(self.blocks[index + 1]):
            return None
        sentence, _ = _first_sentence(self.blocks[index + 1].text)
        found = _GRADE_SENTENCE.search(sentence)
        if not found:
            return None
        return " ".join((found.group(1) or "requires improvement").casefold().split())

    def _is_boundary(self, block: _Block, area_level: int) -> bool:
        """A heading that starts a new section without being a graded area: one listed once
        in the contents (entries listed under every area, like "Main findings", are
        subheadings), or one at the heading level of the areas."""
        if (not _heading_like(block) or _SUBHEADING.match(block.text)
                or _FINDING_WORDS.search(block.text)):
            return False
        listed = self.contents[block.text.casefold()] == 1
        return listed or bool(area_level and block.level and block.level <= area_level)

    # ---- findings

    def scan(self) -> None:
        index = 0
        self.cause: _Draft | None = None  # the cause of concern whose recommendations follow
        self.answered = False  # whether a recommendation has answered it yet
        self.cause_list: int | None = None  # an open "Causes of concern" list heading
        while index < len(self.blocks):
            block, before_index = self.blocks[index], index
            marker = _MARKER.match(block.text) if block.kind == _TEXT else None
            listing = _LIST_HEADING.match(block.text) if _heading_like(block) else None
            before = len(self.drafts)
            if marker:
                index = self._read_marker(index, marker)
            elif listing:
                if self.answered:  # a second list of recommendations is the report's own
                    self.cause = None
                kind = _kind(listing.group("kind"))
                index = self._read_list(index, kind)
                if kind == "cause-of-concern":
                    plural = re.match(r"(?i)causes\b|.*\(s\)", block.text)
                    self.cause_list = before_index if plural else None
                elif kind == "recommendation" and self.cause_list is not None:
                    index = self._more_causes(index)
                else:
                    self.cause_list = None
            else:
                index += 1
            for draft in self.drafts[before:]:
                self._relate(draft)

    def _more_causes(self, index: int) -> int:
        """Under "Causes of concern", each cause is followed by its own recommendations: a
        heading after them, in the same section, is the next cause."""
        assert self.cause_list is not None
        heading = self.blocks[self.cause_list]
        if (index < len(self.blocks) and self.sections[index] == self.sections[self.cause_list]
                and self._title_candidate(index, heading.level)):
            return self._read_headed(index, "cause-of-concern", False, heading)
        self.cause_list = None
        return index

    def _relate(self, draft: _Draft) -> None:
        """A recommendation that follows a cause of concern, in its section, before any
        other kind of finding (or another list of recommendations), answers it."""
        if draft.kind == "cause-of-concern":
            self.cause, self.answered = draft, False
        elif draft.kind == "recommendation" and self.cause is not None and \
                self.sections[draft.index] == self.sections[self.cause.index]:
            draft.cause, self.answered = self.cause, True
        else:
            self.cause = None

    def _stops(self, index: int, floor: int = 0) -> bool:
        """Whether a block ends the list or finding being read."""
        block = self.blocks[index]
        if index in self.areas or index in self.boundaries or _structural(block):
            return True
        if block.level and floor and block.level <= floor:
            return True
        return _heading_like(block) and len(block.text.split()) < 4

    def _title_candidate(self, index: int, floor: int = 0) -> bool:
        block = self.blocks[index]
        return (_heading_like(block) and not self._stops(index, floor)
                and _grade_of(block) is None)

    def _read_marker(self, index: int, marker: re.Match[str]) -> int:
        block = self.blocks[index]
        kind, number = _kind(marker.group("kind")), int(marker.group("num"))
        wording = marker.group("rest") or marker.group("rest2") or ""
        following = index + 1
        if not wording:
            if (following >= len(self.blocks) or self.blocks[following].kind == _ROW
                    or self._stops(following)):
                self.warnings.append(f"'{block.text}' (line {block.line}) has no wording "
                                     "after it; not read")
                return following
            wording = self.blocks[following].text
            following += 1
        title, rest = _first_sentence(wording)
        draft = _Draft(kind, number, _clean_title(title), block.line, index,
                       [rest] if rest else [])
        following = self._read_detail(following, draft)
        self.drafts.append(draft)
        return self._read_answers(following, draft)

    def _read_detail(self, index: int, draft: _Draft, floor: int = 0) -> int:
        while index < len(self.blocks) and not self._stops(index, floor):
            block = self.blocks[index]
            if _heading_like(block) or self._answers_lead(index, draft):
                break
            draft.detail.append(_detail_line(block))
            index += 1
        return index

    def _answers_lead(self, index: int, draft: _Draft) -> bool:
        """A cause of concern's paragraph that introduces its recommendations as bullets: "To
        address this cause of concern, we recommend that the force should immediately:"."""
        block = self.blocks[index]
        return (draft.kind == "cause-of-concern" and block.kind == _TEXT
                and block.text.endswith(":") and bool(re.search(r"(?i)\brecommend", block.text))
                and index + 1 < len(self.blocks) and self.blocks[index + 1].kind == _BULLET_ITEM)

    def _read_answers(self, index: int, draft: _Draft, floor: int = 0) -> int:
        if index < len(self.blocks) and self._answers_lead(index, draft):
            return self._read_bullets(index + 1, "recommendation", self.blocks[index].text,
                                      floor)
        return index

    def _read_list(self, index: int, kind: str) -> int:
        heading = self.blocks[index]
        singular = not re.search(r"(?i)^(?:areas|causes|recommendations)\b|\(s\)", heading.text)
        following = index + 1
        lead = None
        if (following < len(self.blocks) and self.blocks[following].kind == _TEXT
                and self.blocks[following].text.endswith(":")
                and not _heading_like(self.blocks[following])):
            lead = self.blocks[following].text  # "By March 2023, the force should:"
            following += 1
        if following >= len(self.blocks):
            return following
        table = table_ahead(self.blocks, following)
        if table is not None:
            found, following = read_table(self.blocks, table, kind, self.warnings)
            self.drafts.extend(found)
            return following
        first = self.blocks[following]
        if first.kind == _BULLET_ITEM:
            return self._read_bullets(following, kind, lead, heading.level)
        if self._title_candidate(following, heading.level):
            return self._read_headed(following, kind, singular, heading)
        if first.kind == _TEXT and not _heading_like(first) and not _MARKER.match(first.text):
            return self._read_paragraphs(following, kind, singular, heading)
        if self._group_heading(following):
            return self._read_groups(following, kind, heading.level)
        if not self._marker_ahead(following):
            self.warnings.append(f"'{heading.text}' at line {heading.line} has no findings "
                                 "under it that the parser could read")
        return following

    def _group_heading(self, index: int) -> bool:
        """A short heading over bullets inside a list: a summary of findings grouped by area
        ("Areas for improvement / Investigating crime / - The force should ...")."""
        block = self.blocks[index]
        return (index + 1 < len(self.blocks) and self.blocks[index + 1].kind == _BULLET_ITEM
                and _heading_like(block) and len(block.text) <= 80 and index not in self.areas
                and index not in self.boundaries and not _structural(block)
                and _grade_of(block) is None)

    def _read_groups(self, index: int, kind: str, floor: int) -> int:
        names = {name.casefold(): name for name in self.areas.values()}
        while index < len(self.blocks) and self._group_heading(index):
            group = self.blocks[index]
            before = len(self.drafts)
            index = self._read_bullets(index + 1, kind, None, floor)
            for draft in self.drafts[before:]:
                draft.area = names.get(group.text.casefold(), group.text)
                draft.notes.append(f"area taken from the heading '{group.text}' it is listed "
                                   f"under (line {group.line})")
        return index

    def _marker_ahead(self, index: int) -> bool:
        """Whether numbered findings follow before the section ends ("Recommendations" over a
        list of "Recommendation N")."""
        for ahead in range(index, len(self.blocks)):
            if _MARKER.match(self.blocks[ahead].text):
                return True
            if ahead > index and (ahead in self.areas or ahead in self.boundaries):
                return False
        return False

    def _read_headed(self, index: int, kind: str, singular: bool, heading: _Block) -> int:
        """Findings as headings, each followed by its explanatory paragraphs (PEEL 2021/22)."""
        found: list[_Draft] = []
        while index < len(self.blocks) and not self._stops(index, heading.level):
            block = self.blocks[index]
            if self._title_candidate(index, heading.level):
                draft = _Draft(kind, None, _clean_title(block.text), block.line, index)
                if not _DIRECTIVE.search(block.text):
                    draft.notes.append("the wording does not read like a finding (no "
                                       "'should', 'needs to', 'must' ...): it may be a "
                                       "caption or subheading")
                found.append(draft)
            elif found:
                found[-1].detail.append(_detail_line(block))
            index += 1
        if singular and len(found) > 1:
            for draft in found[1:]:
                draft.notes.append(f"'{heading.text}' (line {heading.line}) announces one "
                                   f"finding but {len(found)} headings follow it")
        self.drafts.extend(found)
        return index

    def _read_bullets(self, index: int, kind: str, lead: str | None, floor: int) -> int:
        """Findings as bullets: the first sentence is the finding (PEEL 2014-2017); bullets
        in lower case under one are its sub-points."""
        first = self.blocks[index]
        lower_items = first.text[:1].islower()  # "the force should: - ensure ...; - review"
        found: list[_Draft] = []
        while index < len(self.blocks) and not self._stops(index, floor):
            block = self.blocks[index]
            if block.kind == _BULLET_ITEM and block.indent <= first.indent and (
                    lower_items or not block.text[:1].islower()):
                title, rest = _first_sentence(block.text)
                detail = ([lead] if lead else []) + ([rest] if rest else [])
                found.append(_Draft(kind, block.number, _clean_title(title), block.line,
                                    index, detail))
            elif _heading_like(block) or _MARKER.match(block.text):
                break
            elif found:
                found[-1].detail.append(_detail_line(block))
            index += 1
        self.drafts.extend(found)
        return index

    def _read_paragraphs(self, index: int, kind: str, singular: bool, heading: _Block) -> int:
        """A list with neither headings nor bullets. Under a singular heading the paragraph is
        the finding; under a plural one, each paragraph that asks something of a named
        subject (`_asks`), see `_read_asking_paragraphs`."""
        if not singular:
            return self._read_asking_paragraphs(index, kind, heading)
        block = self.blocks[index]
        title, rest = _first_sentence(block.text)
        draft = _Draft(kind, None, _clean_title(title), block.line, index,
                       [rest] if rest else [])
        draft.notes.append("the finding is a paragraph, not a heading: its first sentence "
                           "was taken as the wording")
        index = self._read_detail(index + 1, draft, heading.level)
        self.drafts.append(draft)
        return self._read_answers(index, draft, heading.level)

    def _read_asking_paragraphs(self, index: int, kind: str, heading: _Block) -> int:
        """A plural list over plain paragraphs: each paragraph that opens by asking something
        of a named subject is a finding (its first sentence the wording), the others its
        detail. Recommendations ask with "should", "must" or "needs to" ("Within three
        months, the force should ...", "By 31 March 2024, chief constables should ...").
        Areas for improvement and causes of concern are read only when the FIRST paragraph
        opens "<subject> should" ("The force should ...", "Ashcombe Constabulary should
        ..."): HMIC 2007 puts its commentary under the same heading, paragraphs that state a
        finding ("There is limited evidence ...") or open "The force needs to consider ..."."""
        verbs = ("should",) if kind != "recommendation" else ("should", "must", "need to",
                                                              "needs to")
        found: list[_Draft] = []
        first = index
        while index < len(self.blocks) and not self._stops(index, heading.level) and not \
                _heading_like(self.blocks[index]):
            block = self.blocks[index]
            if kind != "recommendation" and index == first and not _asks(block.text, verbs):
                if not _introduces(self.blocks, index, verbs):
                    break
                first = index = index + 1  # "We found two areas for improvement."
                continue
            if block.kind == _TEXT and _asks(block.text, verbs):
                title, rest = _first_sentence(block.text)
                found.append(_Draft(kind, None, _clean_title(title), block.line,
                                    index, [rest] if rest else []))
            elif found:
                found[-1].detail.append(_detail_line(block))
            index += 1
        if not found:
            self.unread_lists.append(heading.line)
        for draft in found:  # text with no blank lines between paragraphs runs them on
            asking = [s for part in draft.detail for s in re.split(r"(?<=[.!?])\s+", part)
                      if _asks(s, verbs)]
            if asking:
                draft.notes.append(f"its detail has a sentence that reads like a finding of "
                                   f"its own ('{asking[0][:60]}'): check it in the report")
        self.drafts.extend(found)
        return index


def find_findings(text: str) -> ReportFindings:
    """The title, grades and findings of an inspection report's text."""
    lines = [_clean_line(line) for line in _split_lines(text)]
    contents_lines, contents = _find_contents(lines)
    blocks = _join_broken_paragraphs(_build_blocks(_drop_page_furniture(lines, contents_lines)))
    reader = _Reader(blocks, contents)
    reader.find_areas()
    reader.scan()
    warnings = reader.warnings
    for draft in reader.drafts:
        reader.place(draft)
    drafts = _merge_repeats(reader.drafts, warnings)
    _check_numbering(drafts, warnings)
    findings = _with_links(drafts)
    _summarise(findings, reader.unread_lists, warnings)
    evidence = set(reader.grades.values())
    for block in blocks:
        grade = _grade_of(block)
        evidence |= _legend_grades(block) | ({grade} if grade is not None else set())
    scale = _guess_scale(evidence, text, warnings)
    return ReportFindings(_report_title(lines), scale, dict(reader.grades), findings,
                          tuple(warnings))
