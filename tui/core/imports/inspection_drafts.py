"""Findings as read from a report (`_Draft`) and as handed to the importer (`Finding`,
`ReportFindings`): repeats merged, numbering checked, the grade scale guessed, a cause of
concern linked to its recommendations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.core.imports.inspection_patterns import _BULLET_ITEM, _Block, _same_wording
from tui.core.model.schema import GRADE_SCALES


@dataclass(frozen=True)
class Finding:
    kind: str  # "afi" | "recommendation" | "cause-of-concern"
    number: int | None  # as the report numbers it, else None
    area: str | None  # the report section (inspection area) it sits under; None if unsure
    title: str  # the finding's wording, one line, whitespace normalised
    detail: str  # explanatory text under it ("" if none)
    line: int  # 1-based line in the text where the finding starts
    notes: tuple[str, ...] = ()  # what the parser is unsure about, in plain words
    links: tuple[int, ...] = ()  # indexes (in ReportFindings.findings) of related findings


@dataclass(frozen=True)
class ReportFindings:
    title: str | None  # the report's title if found
    scale: str | None  # "peel-5" | "peel-4" | "hmic-4" guessed from the grades used
    grades: dict[str, str]  # area name -> grade as the report states it, lower case
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]  # document-level doubts: numbering gaps, findings with no area



@dataclass
class _Draft:
    """A finding as read, before numbering and duplicates are checked."""

    kind: str
    number: int | None
    title: str
    line: int
    index: int  # block index, for the area
    detail: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    area: str | None = None
    cause: _Draft | None = None  # the cause of concern a recommendation answers


def _detail_line(block: _Block) -> str:
    if block.kind == _BULLET_ITEM:
        return f"{block.number}. {block.text}" if block.number else f"- {block.text}"
    return block.text


def _detail(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text:
            bullets = part.startswith("- ") and text.rsplit("\n", 1)[-1].startswith("- ")
            text += "\n" if bullets else "\n\n"
        text += part
    return text


def _merge_repeats(drafts: list[_Draft], warnings: list[str]) -> list[_Draft]:
    """One finding per number (or per wording, when unnumbered). A repeat with the same
    wording (a summary list) is dropped; the same number with other wording is kept, noted."""
    kept: list[_Draft] = []
    for draft in drafts:
        same = [k for k in kept if k.kind == draft.kind and (
            (draft.number is not None and k.number == draft.number)
            or (draft.number is None and k.number is None
                and _same_wording(k.title, draft.title)))]
        twin = next((k for k in same if _same_wording(k.title, draft.title)), None)
        if twin is not None:
            if twin.area is None and draft.area is not None:
                twin.area = draft.area
                twin.notes.append(f"area taken from the repeat at line {draft.line}")
            continue
        for other in same:
            label = f"{draft.kind} {draft.number}"
            warnings.append(f"{label} appears twice with different wording "
                            f"(lines {other.line} and {draft.line})")
            other.notes.append(f"{label} appears again at line {draft.line} with other wording")
            draft.notes.append(f"{label} already appears at line {other.line} with other "
                               "wording")
        kept.append(draft)
    return kept


def _check_numbering(drafts: list[_Draft], warnings: list[str]) -> None:
    for kind in ("afi", "recommendation", "cause-of-concern"):
        numbers = {id(d): d.number for d in drafts if d.kind == kind and d.number is not None}
        numbered = sorted((d for d in drafts if id(d) in numbers), key=lambda d: numbers[id(d)])
        if not numbered:
            continue
        present = set(numbers.values())
        missing = [n for n in range(1, max(present) + 1) if n not in present]
        if missing:
            listed = ", ".join(map(str, missing))
            warnings.append(f"{kind} numbering has a gap: no {kind} {listed} "
                            f"(found {len(present)}, numbered up to {max(present)})")
        for draft in numbered:
            number = numbers[id(draft)]
            if number - 1 in missing:
                draft.notes.append(f"the report has no {kind} {number - 1} before this "
                                   "one")
        unnumbered = [d.line for d in drafts if d.kind == kind and d.number is None]
        if unnumbered:
            warnings.append(f"some {kind} findings are numbered and some are not (unnumbered "
                            f"at lines {', '.join(map(str, unnumbered))})")


def _guess_scale(evidence: set[str], text: str, warnings: list[str]) -> str | None:
    hmic = set(GRADE_SCALES["hmic-4"]) - set(GRADE_SCALES["peel-5"])  # excellent, fair...
    peel = set(GRADE_SCALES["peel-4"]) - set(GRADE_SCALES["hmic-4"])  # outstanding...
    peel5 = set(GRADE_SCALES["peel-5"]) - peel - set(GRADE_SCALES["hmic-4"])  # adequate
    if evidence & hmic and evidence & (peel5 | peel):
        warnings.append("grades from more than one scale: " + ", ".join(sorted(evidence)))
    if evidence & hmic and not evidence & (peel5 | peel):
        return "hmic-4"
    if evidence & peel5:
        return "peel-5"
    if evidence & peel:
        return "peel-4"
    if evidence == {"good"}:
        if re.search(r"\bPEEL\b", text):
            warnings.append("grade scale guessed as peel-4: the report only uses 'good'")
            return "peel-4"
        warnings.append("grade scale unknown: the report only uses 'good'")
    return None


def _finding(draft: _Draft, links: tuple[int, ...] = ()) -> Finding:
    return Finding(draft.kind, draft.number, draft.area, draft.title, _detail(draft.detail),
                   draft.line, tuple(dict.fromkeys(draft.notes)), links)


def _with_links(drafts: list[_Draft]) -> tuple[Finding, ...]:
    """The findings, a cause of concern linked to its recommendations and each of them to
    it."""
    place = {id(draft): n for n, draft in enumerate(drafts)}
    links: dict[int, list[int]] = {}
    for n, draft in enumerate(drafts):
        cause = place.get(id(draft.cause)) if draft.cause is not None else None
        if cause is not None and draft.cause is not None:
            links.setdefault(n, []).append(cause)
            links.setdefault(cause, []).append(n)
            draft.notes.append(f"answers the cause of concern at line {draft.cause.line}")
    return tuple(_finding(d, tuple(links.get(n, ()))) for n, d in enumerate(drafts))


def _summarise(findings: tuple[Finding, ...], unread: list[int], warnings: list[str]) -> None:
    if not findings:
        warnings.append("no findings found: no 'Area(s) for improvement', 'Cause(s) of "
                        "concern' or 'Recommendation N' the parser could read")
    placeless = [str(f.line) for f in findings if f.area is None]
    if placeless:
        warnings.append(f"{len(placeless)} finding(s) with no area (lines "
                        f"{', '.join(placeless)}): see their notes")
    if unread:
        warnings.append("'Areas for improvement' with only narrative paragraphs (no headings "
                        "or bullets, and the first paragraph does not open 'The force should "
                        "...') were not read as findings: lines "
                        + ", ".join(map(str, unread)))
