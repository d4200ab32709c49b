"""Find the findings of an inspection report: the parsing core of `afi import report`.

HMIC and HMICFRS reports come in a few layouts that changed over the years:

- PEEL 2021/22 on: each graded area is a heading with its grade on a line of its own
  ("Requires improvement"), then "Area(s) for improvement" or "Cause(s) of concern" headings;
  each finding is a one-line heading with explanatory paragraphs under it, then "Main findings".
- PEEL 2014-2017: areas are questions ("How effective is the force at ...?"), the grade is in
  the first sentence under them ("<Force> is good at ..."), and "Areas for improvement" are
  bullets whose first sentence is the finding.
- HMIC 2007: areas are headings with a grade table and the findings are numbered
  "Recommendation N" paragraphs, repeated in a summary list at the end.

The text usually comes out of a PDF, so the parser first rebuilds paragraphs (page furniture
dropped, wrapped lines and page breaks joined, hyphenation undone) and then reads the structure
from those blocks. It never guesses silently: what it is unsure of goes to `Finding.notes` and
`ReportFindings.warnings`. No UI imports here: the core stays UI-free.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import ImportRefused

GRADE_SCALES: dict[str, tuple[str, ...]] = {
    "peel-5": ("outstanding", "good", "adequate", "requires improvement", "inadequate"),
    "peel-4": ("outstanding", "good", "requires improvement", "inadequate"),
    "hmic-4": ("excellent", "good", "fair", "poor"),
}
_GRADES = frozenset(grade for scale in GRADE_SCALES.values() for grade in scale)


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


# --------------------------------------------------------------------------- reading files

_TEXT_SUFFIXES = (".txt", ".text", ".md")
_HTML_SUFFIXES = (".html", ".htm")


def report_text(path: Path) -> str:
    """The text of a report file: plain text and Markdown as UTF-8, HTML through a real HTML
    parser (headings kept as Markdown `#` lines), PDF through pypdf."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return _decode(_read_bytes(path), path)
    if suffix in _HTML_SUFFIXES:
        return html_text(_decode(_read_bytes(path), path))
    if suffix == ".pdf":
        return _pdf_text(path)
    known = ", ".join((*_TEXT_SUFFIXES, *_HTML_SUFFIXES, ".pdf"))
    raise ImportRefused(f"{path}: cannot read '{suffix or 'no extension'}' files (use {known})")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"{path}: cannot read the file ({error.strerror or error})") from error


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path}: not UTF-8 text (byte {error.start}); "
                         "save it as UTF-8 first") from error


def _pdf_text(path: Path) -> str:
    # Imported here: only PDF imports pay for pypdf.
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [_page_lines(page) for page in reader.pages]
    except OSError as error:
        raise ImportRefused(f"{path}: cannot read the file ({error.strerror or error})") from error
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise ImportRefused(f"{path}: not a readable PDF ({error})") from error
    pages = _drop_running_lines(pages)
    text = "\n".join("\n".join(lines) for lines in pages)
    if not text.strip():
        raise ImportRefused(f"{path}: the PDF has no text to extract (a scanned image?)")
    return text


def _page_lines(page) -> list[str]:
    # Layout mode keeps vertical gaps as blank lines, which is what separates paragraphs.
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts; plain mode still gives the words
        text = page.extract_text()
    lines = [line.rstrip() for line in (text or "").split("\n")]
    margin = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return [line[margin:] for line in lines]


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page headers and footers: the first or last lines that recur on most pages
    (digits ignored, so "Page 3" and "Page 4" count as one)."""
    if len(pages) < 2:
        return pages
    edges = [_edge_indexes(lines) for lines in pages]
    seen: Counter[str] = Counter()
    for lines, indexes in zip(pages, edges, strict=True):
        seen.update({_digitless(lines[i]) for i in indexes})
    running = {key for key, n in seen.items() if n >= max(2, len(pages) / 2)}
    return [[line for i, line in enumerate(lines)
             if not (i in edges[p] and _digitless(line) in running)]
            for p, lines in enumerate(pages)]


def _edge_indexes(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:2] + filled[-2:])


def _digitless(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


class _HtmlText(HTMLParser):
    """HTML to text: block elements become lines with blank lines between, headings become
    Markdown `#` lines, list items `- ` lines, table cells tab-separated; scripts dropped."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
    _BLOCKS = frozenset({
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "table",
        "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "form", "hr", "address",
        "details", "summary", "caption", "title", "body",
    })
    _HEADINGS = {f"h{n}": n for n in range(1, 7)}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._prefix = ""
        self._skipping = 0
        self._lists: list[list[int]] = []  # per open list: [ordered, next number]

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif self._skipping:
            return
        elif tag == "br":
            self._flush(blank=False)
        elif tag in ("td", "th"):
            self._parts.append("\t")
        elif tag in self._HEADINGS:
            self._flush()
            self._prefix = "#" * self._HEADINGS[tag] + " "
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag == "ol", 1])
        elif tag == "li":
            self._flush(blank=False)
            self._prefix = self._bullet()
        elif tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif self._skipping:
            return
        elif tag == "tr" or tag == "li":
            self._flush(blank=False)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in self._HEADINGS or tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _bullet(self) -> str:
        if not self._lists:
            return "- "
        depth = "  " * (len(self._lists) - 1)
        ordered, number = self._lists[-1]
        if not ordered:
            return depth + "- "
        self._lists[-1][1] += 1
        return f"{depth}{number}. "

    def _flush(self, blank: bool = True) -> None:
        cells = [" ".join(cell.split()) for cell in "".join(self._parts).split("\t")]
        self._parts = []
        text = "\t".join(cell for cell in cells if cell) if len(cells) > 1 else cells[0]
        if text:
            self.lines.append(self._prefix + text)
            self._prefix = ""
        if blank and self.lines and self.lines[-1]:
            self.lines.append("")


def html_text(html: str) -> str:
    """The readable text of an HTML page, one block per line (see `_HtmlText`)."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines).strip("\n") + "\n"


# --------------------------------------------------------------------------- lines to blocks

_INLINE_TAG = re.compile(
    r"</?(?:u|b|i|em|strong|span|a|sup|sub|small|mark|font)\b[^>]*>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2})(?=\S)([^*\n]+?)(?<=\S)\1(?![\w*])")
_CHAR_FIXES = str.maketrans({
    "\u00a0": " ", "\u00ad": "", "\u200b": "", "\ufeff": "", "\x0c": "",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
})
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)[\s#]*$")
_BULLET = re.compile(r"^(\s*)(?:[-•▪◦●‣*–]|(\d{1,3})[.)]|\([a-z]\))\s+(\S.*)$")
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
    span, entries, with_pages = {start}, [], None
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
    parts: list[str] = []
    blanks = 0
    for line in lines:
        text = " ".join(_MD_HEADING.sub(r"\2", line).split())
        if not text:
            blanks += 1
            if parts and blanks >= 2:
                break
            continue
        blanks = 0
        stop = (_CONTENTS.match(text) or _QUESTION.match(text) or len(text) > 120
                or _ENDS_AS_TEXT.search(text) or re.match(r"(?i)isbn|©|crown copyright", text))
        if stop or len(parts) == 4:
            break
        if text.casefold() not in {p.casefold() for p in parts}:
            parts.append(text)
    return ": ".join(parts) or None


def _drop_page_furniture(lines: list[str], skip: set[int]) -> list[str | None]:
    """None for lines that are not report text: the table of contents, page numbers, and
    short lines with digits that recur like running headers ("October 2007", "Page 4")."""
    def candidate(line: str) -> bool:
        text = line.strip()
        return (0 < len(text) <= 80 and bool(re.search(r"\d", text))
                and not (_MARKER.match(text) or _BULLET.match(line) or text.startswith("|")
                         or "\t" in text))

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
_GRADE_SENTENCE = re.compile(
    r"\b(?:is|are|was|were)\s+(outstanding|good|adequate|inadequate|excellent|fair|poor)\b"
    r"|\b(requires?\s+improvement)\b", re.IGNORECASE)
_KINDS = {"area": "afi", "afi": "afi", "caus": "cause-of-concern", "reco": "recommendation"}
_ABBREVIATIONS = _words("e.g i.e etc no nos vs mr mrs ms dr st para paras fig approx inc ltd co "
                        "cf al")


def _kind(label: str) -> str:
    return _KINDS[label.casefold()[:4].strip()]  # "Areas for ..." -> "area" -> "afi"


def _signal(text: str) -> bool:
    """Lines that always start a block of their own."""
    return bool(_LIST_HEADING.match(text) or _MARKER.match(text) or _QUESTION.match(text)
                or _stated_alone(text))


def _stated_alone(text: str) -> str | None:
    """The grade of a line that is only a grade ("Good", "Grade: Fair"). Capitalised, as
    report headings are, so a wrapped line ending a sentence ("good.") is not taken."""
    if len(text) > 40 or not text[:1].isupper():
        return None
    return _grade_word(_GRADE_LABEL.match(text).group(1))


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
        return cells - {None} if len(cells) >= 2 and None not in cells else set()
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
        word = re.search(r"([\w.]+)$", text[:end.start()])
        word = word.group(1).casefold() if word else ""
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


# --------------------------------------------------------------------------- reading structure

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


class _Reader:
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
        if grade is None:
            return
        if self.grades.get(name, grade) != grade:
            self.warnings.append(f"'{name}' is graded both {self.grades[name]} and {grade} "
                                 f"(line {self.blocks[index].line}); kept the first")
            return
        self.grades.setdefault(name, grade)

    def _graded_heading(self, index: int) -> bool:
        block = self.blocks[index]
        return (index + 1 < len(self.blocks) and _heading_like(block) and len(block.text) <= 150
                and not self._structural(block) and _grade_of(block) is None
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

    @staticmethod
    def _structural(block: _Block) -> bool:
        text = block.text
        return bool(_STRUCTURAL.match(text) or _LIST_HEADING.match(text) or _MARKER.match(text))

    # ---- findings

    def scan(self) -> None:
        index = 0
        self.cause: _Draft | None = None  # the cause of concern whose recommendations follow
        self.answered = False  # whether a recommendation has answered it yet
        while index < len(self.blocks):
            block = self.blocks[index]
            marker = _MARKER.match(block.text) if block.kind == _TEXT else None
            listing = _LIST_HEADING.match(block.text) if _heading_like(block) else None
            before = len(self.drafts)
            if marker:
                index = self._read_marker(index, marker)
            elif listing:
                if self.answered:  # a second list of recommendations is the report's own
                    self.cause = None
                index = self._read_list(index, _kind(listing.group("kind")))
            else:
                index += 1
            for draft in self.drafts[before:]:
                self._relate(draft)

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
        if index in self.areas or index in self.boundaries or self._structural(block):
            return True
        if block.level and floor and block.level <= floor:
            return True
        return _heading_like(block) and len(block.text.split()) < 4

    def _title_candidate(self, index: int, floor: int = 0) -> bool:
        block = self.blocks[index]
        return (_heading_like(block) and not self._stops(index, floor)
                and _grade_of(block) is None)

    def _read_marker(self, index: int, marker: re.Match) -> int:
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
        return following

    def _read_detail(self, index: int, draft: _Draft, floor: int = 0) -> int:
        while index < len(self.blocks) and not self._stops(index, floor):
            block = self.blocks[index]
            if _heading_like(block):
                break
            draft.detail.append(_detail_line(block))
            index += 1
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
        first = self.blocks[following]
        if first.kind == _BULLET_ITEM:
            return self._read_bullets(following, kind, lead, heading.level)
        if self._title_candidate(following, heading.level):
            return self._read_headed(following, kind, singular, heading)
        if first.kind == _TEXT and not _heading_like(first) and not _MARKER.match(first.text):
            return self._read_paragraphs(following, kind, singular, heading)
        if not self._marker_ahead(following):
            self.warnings.append(f"'{heading.text}' at line {heading.line} has no findings "
                                 "under it that the parser could read")
        return following

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
        the finding; under a plural one (HMIC 2007 style) the paragraphs are commentary."""
        if not singular and kind == "recommendation":
            return self._read_recommendation_paragraphs(index, heading)
        if not singular:
            self.unread_lists.append(heading.line)
            while index < len(self.blocks) and not self._stops(index) and not _heading_like(
                    self.blocks[index]):
                index += 1
            return index
        block = self.blocks[index]
        title, rest = _first_sentence(block.text)
        draft = _Draft(kind, None, _clean_title(title), block.line, index,
                       [rest] if rest else [])
        draft.notes.append("the finding is a paragraph, not a heading: its first sentence "
                           "was taken as the wording")
        index = self._read_detail(index + 1, draft, heading.level)
        self.drafts.append(draft)
        return index

    def _read_recommendation_paragraphs(self, index: int, heading: _Block) -> int:
        """'Recommendations' over plain paragraphs ("Within three months, the force should
        ..."): each paragraph that asks for something is one; others are its detail."""
        found: list[_Draft] = []
        while index < len(self.blocks) and not self._stops(index, heading.level) and not \
                _heading_like(self.blocks[index]):
            block = self.blocks[index]
            if block.kind == _TEXT and _FINDING_WORDS.search(_first_sentence(block.text)[0]):
                title, rest = _first_sentence(block.text)
                found.append(_Draft("recommendation", None, _clean_title(title), block.line,
                                    index, [rest] if rest else []))
            elif found:
                found[-1].detail.append(_detail_line(block))
            index += 1
        if not found:
            self.unread_lists.append(heading.line)
        self.drafts.extend(found)
        return index

    # ---- areas of findings, numbering, duplicates

    def place(self, draft: _Draft) -> None:
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
        return (_heading_like(block) and len(text) <= 80 and not self._structural(block)
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
        numbered = sorted((d for d in drafts if d.kind == kind and d.number is not None),
                          key=lambda d: d.number)
        if not numbered:
            continue
        present = {d.number for d in numbered}
        missing = [n for n in range(1, max(present) + 1) if n not in present]
        if missing:
            listed = ", ".join(map(str, missing))
            warnings.append(f"{kind} numbering has a gap: no {kind} {listed} "
                            f"(found {len(present)}, numbered up to {max(present)})")
        for draft in numbered:
            if draft.number - 1 in missing:
                draft.notes.append(f"the report has no {kind} {draft.number - 1} before this "
                                   "one")
        unnumbered = [d.line for d in drafts if d.kind == kind and d.number is None]
        if unnumbered:
            warnings.append(f"some {kind} findings are numbered and some are not (unnumbered "
                            f"at lines {', '.join(map(str, unnumbered))})")


def _guess_scale(evidence: set[str], text: str, warnings: list[str]) -> str | None:
    hmic, peel5, peel = {"excellent", "fair", "poor"}, {"adequate"}, {
        "outstanding", "requires improvement", "inadequate"}
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
        evidence |= _legend_grades(block) | {_grade_of(block)} - {None}
    scale = _guess_scale(evidence, text, warnings)
    return ReportFindings(_report_title(lines), scale, dict(reader.grades), findings,
                          tuple(warnings))


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
        if cause is not None:
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
                        "or bullets) were not read as findings: lines "
                        + ", ".join(map(str, unread)))
