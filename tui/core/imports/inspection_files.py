"""The text of an inspection report file: plain text and Markdown as UTF-8, HTML as saved
from the inspectorate's pages (a real HTML parser: headings kept as Markdown `#` lines,
scripts and styles dropped), PDF through pypdf with the running headers and footers of its
pages removed. A file it cannot read is refused (ImportRefused).
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from tui.core.errors import ImportRefused

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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


def _page_lines(page: Any) -> list[str]:
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
        self.h1: str | None = None  # the page's first <h1>: the report's title

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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
        if text and self.h1 is None and self._prefix == "# ":
            self.h1 = text
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
    text = "\n".join(parser.lines).strip("\n") + "\n"
    # The title first, on its own, so that a cookie banner or a menu above it is not read
    # as part of the report's title.
    return f"{parser.h1}\n\n\n{text}" if parser.h1 else text
