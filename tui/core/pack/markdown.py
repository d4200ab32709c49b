"""The board pack as Markdown (any viewer; pipes, markup and HTML in plan text escaped)."""

from __future__ import annotations

import re

from tui.core.pack.model import RAG_ORDER, ReportData, month_name
from tui.core.pack.render import RAG_MEANINGS, RAG_NAMES, Section, Table, cell_text, cols
from tui.core.pack.sections import cover_facts, first_page, pack_title, sections
from tui.core.safe_text import visible_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------------------- Markdown

# Escaped with a backslash wherever they occur: inline markup and table pipes.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~#])")
# At the start of the text they would open a block (list, heading rule, ordered list).
_MD_LEADING = re.compile(r"^(\s*)([-+=])|^(\s*\d+)([.)])")


def _escape_leading(match: re.Match[str]) -> str:
    space, marker, number, dot = match.groups()
    return f"{space}\\{marker}" if marker else f"{number}\\{dot}"


def md_text(value: Any) -> str:
    """User text as Markdown that shows exactly that text, on one source line: controls in
    caret notation, HTML characters as entities, line breaks as `<br>`, tabs as spaces."""
    text = visible_lines(cell_text(value)).replace("\t", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LEADING.sub(_escape_leading, text)
    return "<br>".join(text.split("\n"))


def _md_table(table: Table) -> list[str]:
    def row(cells: Any) -> str:
        return "| " + " | ".join(md_text(cell) or " " for cell in cells) + " |"

    align = ["---:" if column.kind == "num" else "---" for column in table.columns]
    lines = [f"### {md_text(table.caption)}", ""] if table.caption else []
    lines += [row(c.header for c in table.columns), "| " + " | ".join(align) + " |"]
    lines += [row(RAG_NAMES.get(r, r) if c.kind == "rag" else r
                  for c, r in zip(table.columns, cells, strict=True))
              for cells in table.rows]
    return [*lines, ""]


def _md_section(section: Section) -> list[str]:
    lines = [f"## {md_text(section.title)}", ""]
    if section.note:
        lines += [md_text(section.note), ""]
    if not section.has_rows:
        return [*lines, md_text(section.empty), ""]
    for table in section.tables:
        lines += _md_table(table)
    return lines


def render_markdown(data: ReportData) -> str:
    lines = [f"# {md_text(data.plan_title)}", "", md_text(pack_title(data)), ""]
    lines += [f"- {name}: {md_text(value)}" for name, value in cover_facts(data)] + [""]
    lines += _md_section(first_page(data))
    totals = data.rag_totals
    lines += ["## Summary", ""]
    lines += _md_table(Table(cols("RAG", "Meaning", "Items:num"),
                             [(RAG_NAMES[k], RAG_MEANINGS[k], totals[k]) for k in RAG_ORDER]
                             + [("Total", "", len(data.items))]))
    lines += ["## Progress over time", ""]
    if data.progress:
        lines += _md_table(Table(cols("Month", "Open at month end:num", "Done:num"),
                                 [(month_name(p.month), p.open, p.done)
                                  for p in data.progress]))
    else:
        lines += ["No progress data.", ""]
    for section in sections(data):
        lines += _md_section(section)
    return "\n".join(lines).rstrip("\n") + "\n"
