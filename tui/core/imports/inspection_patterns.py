"""What a line of an inspection report says on its own: a grade, a list heading ("Areas for
improvement"), a numbered finding ("Recommendation 3"), a question heading, a structural
heading (Summary, Main findings ...); and the block a line becomes (`_Block`). Used by
inspection_blocks (lines to blocks) and inspection_findings (blocks to findings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.model.schema import GRADE_SCALES

_GRADES = frozenset(grade for scale in GRADE_SCALES.values() for grade in scale)

# --------------------------------------------------------------------------- lines to blocks

_INLINE_TAG = re.compile(
    r"</?(?:u|b|i|em|strong|span|a|sup|sub|small|mark|font)\b[^>]*>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2})(?=\S)([^*\n]+?)(?<=\S)\1(?![\w*])")
_CHAR_FIXES = str.maketrans({
    "\u00a0": " ", "\u00ad": "", "\u200b": "", "\ufeff": "", "\x0c": "",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    # Bullets in a Symbol or Wingdings font come out of a PDF as private-use characters.
    "\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "•", "\uf076": "•", "\uf0fc": "•", "\uf0a8": "•",
})
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)[\s#]*$")
# "o" is the second-level bullet of a Word document saved as PDF.
_BULLET = re.compile(r"^(\s*)(?:[-•▪◦●‣*–■□➢►o]|(\d{1,3})[.)]|\([a-z]\))\s+(\S.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_CONTENTS = re.compile(r"^(?:table of )?contents:?$", re.IGNORECASE)
_PAGE_REF = re.compile(r"(?:\t+|\s*\.{2,}\s*|\s+)(\d{1,3})$")
# Text ends like this, headings (questions included) do not.
_ENDS_AS_TEXT = re.compile(r"[.,;:!][’'\"”)\]]*$")
_ENDS_TERMINAL = re.compile(r"[.!?:;][’'\"”)\]]*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a sentence cannot end on: a block ending on one was cut by a page break.
_FUNCTION_WORDS = _words("""
    a an the of to in on at by for with from into onto upon via per and or nor but as than
    that which who whose whom its their our his her your this these those such is are was were
    be been being has have had will would should could can may might must shall not whether if
""")

# A block is one paragraph, heading, bullet or table row after joining wrapped lines.
_TEXT, _BULLET_ITEM, _ROW = "text", "bullet", "row"


@dataclass
class _Block:
    text: str
    line: int  # 1-based line where it starts
    kind: str = _TEXT
    indent: int = 0
    level: int = 0  # Markdown/HTML heading level; 0 when the text does not say
    number: int | None = None  # a numbered bullet's number
    cells: tuple[str, ...] = ()


# --------------------------------------------------------------------------- what blocks say

_LIST_HEADING = re.compile(
    r"^(?P<kind>areas?(?:\s*\(s\))?\s+for\s+improvement|causes?(?:\s*\(s\))?\s+of\s+concern"
    r"|recommendations?)\s*:?$", re.IGNORECASE)
_MARKER = re.compile(
    r"^(?P<kind>recommendation|area\s+for\s+improvement|afi|cause\s+of\s+concern)\s+"
    r"(?P<num>\d{1,3})(?:\s*[:.)–—-]\s*(?P<rest>.*)|\s+(?P<rest2>[A-Z‘“\"'].*)|\s*)$",
    re.IGNORECASE)
_QUESTION = re.compile(
    r"^how\s+(?:effective|efficient|legitimate|well)\s+(?:is|are|does|do)\s+the\s+force"
    r"(?:['’]s)?\s+(?:at\s+)?(?P<topic>.+?)\s*\?$", re.IGNORECASE)
_STRUCTURAL = re.compile(
    r"^(?:main findings|key findings|findings|summary(?: of findings)?|overall summary|overview"
    r"|introduction|conclusions?|contents|strengths|work in progress|next steps"
    r"|(?:innovative|promising|notable|good|developing|effective) practices?"
    r"|(?:national )?contextual factors|national grade distribution|our judge?ments"
    r"|about (?:this|the) (?:report|data)|data in this report|appendix\b.*|glossary\b.*)$",
    re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"\b(?:should|must|needs?|ensur\w*|improv\w*|review\w*|fail\w*|lack\w*|requir\w*"
    r"|consider\w*|better|isn['’]t|doesn['’]t|not)\b", re.IGNORECASE)
_FINDING_WORDS = re.compile(r"\b(?:should|must|needs? to)\b", re.IGNORECASE)
# A finding asks something of someone, who is its subject: "The force should ...", "By 31
# March 2024, chief constables should ...", "We recommend that, within six months, the
# Home Office should ...".
_ASKING = re.compile(
    r"^(?:we\s+recommend\s+that,?\s+)?"
    r"(?:(?:by|within|in|over|from|before|after|during|no later than|as a priority)\b"
    r"[^,.;:]{0,60},\s*)?"
    r"(?P<subject>[^,.;:]{2,90}?)\s+(?P<verb>should|must|needs? to)\b", re.IGNORECASE)
_NOT_SUBJECTS = _words("""
    this these that those it they such he she we you there which who what where when
    if although though while whilst as because since however but and also
""")
_SUBJECT_VERBS = _words("is are was were has have had does do did can will would may might "
                        "could be been being")
# Headings that sit inside an inspection area, so never start a new section.
_SUBHEADING = re.compile(
    r"^(?:areas?(?:\s*\(s\))?\s+for\s+improvement|causes?(?:\s*\(s\))?\s+of\s+concern"
    r"|(?:main|key) findings|(?:innovative|promising|notable|good) practices?|strengths"
    r"|work in progress|(?:national )?contextual factors|national grade distribution"
    r"|summary)$", re.IGNORECASE)
_GRADE_LABEL = re.compile(r"^(?:(?:grade|graded|judge?ment)\s*[:\-–]?\s*)?(.+?)\.?$",
                          re.IGNORECASE)
_GRADE_RUN = re.compile(
    r"^(?:{g})(?:\s+(?:{g}))+$".format(g="|".join(sorted(_GRADES, key=len, reverse=True))),
    re.IGNORECASE)
_ONE_WORD_GRADES = "|".join(sorted((g for g in _GRADES if " " not in g), key=len, reverse=True))
_GRADE_SENTENCE = re.compile(
    rf"\b(?:is|are|was|were)\s+({_ONE_WORD_GRADES})\b"
    r"|\b(requires?\s+improvement)\b", re.IGNORECASE)
_KINDS = {"area": "afi", "afi": "afi", "caus": "cause-of-concern", "reco": "recommendation"}
_ABBREVIATIONS = _words("e.g i.e etc no nos vs mr mrs ms dr st para paras fig approx inc ltd co "
                        "cf al")


def _kind(label: str) -> str:
    return _KINDS[label.casefold()[:4].strip()]  # "Areas for ..." -> "area" -> "afi"


def _asks(text: str, verbs: tuple[str, ...] = ("should", "must", "need to", "needs to")
          ) -> bool:
    """Whether a paragraph opens by asking something of a named subject: "The force should
    ...", "Ashcombe Constabulary should ...", "By 31 March 2024, the College of Policing
    should ...". Not a pronoun ("This should include ...", "It should ...") nor a clause
    ("Although the force has a plan, it should ..."), which go on from the paragraph above;
    and the subject holds no verb of its own ("Officers are visible but should ...")."""
    found = _ASKING.match(text)
    if not found or " ".join(found.group("verb").casefold().split()) not in verbs:
        return False
    words = [word.casefold() for word in found.group("subject").split()]
    return (len(words) <= 12 and words[0] not in _NOT_SUBJECTS
            and not any(word in _SUBJECT_VERBS for word in words))


def _introduces(blocks: list[_Block], index: int, verbs: tuple[str, ...]) -> bool:
    """A short paragraph that introduces the findings under it ("We found two areas for
    improvement.", "We found the following:") and is followed by one that asks."""
    block = blocks[index]
    return (block.kind == _TEXT and len(block.text) <= 200 and index + 1 < len(blocks)
            and bool(re.search(r"(?i)\b(?:areas? for improvement|causes? of concern"
                               r"|the following)\b", block.text))
            and blocks[index + 1].kind == _TEXT and _asks(blocks[index + 1].text, verbs))


def _structural(block: _Block) -> bool:
    """A heading that is one of a report's fixed parts, a list heading or a numbered
    finding: never an area's name."""
    text = block.text
    return bool(_STRUCTURAL.match(text) or _LIST_HEADING.match(text) or _MARKER.match(text))


def _signal(text: str) -> bool:
    """Lines that always start a block of their own."""
    return bool(_LIST_HEADING.match(text) or _MARKER.match(text) or _QUESTION.match(text)
                or _stated_alone(text))


def _stated_alone(text: str) -> str | None:
    """The grade of a line that is only a grade ("Good", "Grade: Fair"). Capitalised, as
    report headings are, so a wrapped line ending a sentence ("good.") is not taken."""
    if len(text) > 40 or not text[:1].isupper():
        return None
    label = _GRADE_LABEL.match(text)  # None for text of more than one line
    return _grade_word(label.group(1)) if label else None


def _grade_word(text: str) -> str | None:
    word = " ".join(text.split()).casefold()
    return word if word in _GRADES else None


def _grade_of(block: _Block) -> str | None:
    """The grade a block states on its own ("Good", "| GRADE | FAIR |"), if it does."""
    if block.kind == _ROW:
        cells = [cell for cell in block.cells if cell]
        if len(cells) == 2 and re.fullmatch(r"(?i)grade[sd]?|judge?ments?", cells[0]):
            return _grade_word(cells[1])
        return _grade_word(cells[0]) if len(cells) == 1 else None
    return _stated_alone(block.text) if block.kind == _TEXT else None


def _legend_grades(block: _Block) -> set[str]:
    """Grades named side by side, as in a key or table header: evidence for the scale."""
    if block.kind == _ROW:
        cells = {_grade_word(cell) for cell in block.cells if cell}
        return {c for c in cells if c is not None} if len(cells) >= 2 and None not in cells \
            else set()
    if _GRADE_RUN.match(block.text):
        text = block.text.casefold()
        return {grade for grade in _GRADES if re.search(rf"\b{grade}\b", text)}
    return set()


def _heading_like(block: _Block) -> bool:
    if block.level:
        return True
    text = block.text
    return (block.kind == _TEXT and len(text) <= 250 and not _ENDS_AS_TEXT.search(text)
            and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "‘“\"'("))


def _first_sentence(text: str) -> tuple[str, str]:
    for end in re.finditer(r"[.!?][’'\"”)\]]*\s+(?=[A-Z‘“\"(])", text):
        last = re.search(r"([\w.]+)$", text[:end.start()])
        word = last.group(1).casefold() if last else ""
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue  # "e.g. The", "A. Smith": not a sentence end
        return text[:end.end()].strip(), text[end.end():].strip()
    return text.strip(), ""


def _clean_title(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"(?:[;,]\s*(?:and|or)?|\s+(?:and|or))$", "", text).strip()


def _same_wording(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", text.casefold().replace("’", "'")).strip()
    return key(a) == key(b)
