"""The board pack as one self-contained HTML page (templates/report.html.j2), escaped by
Jinja2's autoescape with control characters shown (html_text)."""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

from tui.core.pack.chart import chart_svg
from tui.core.pack.model import RAG_ORDER, ReportData, month_name
from tui.core.pack.render import RAG_MEANINGS, RAG_NAMES, Table, cell_text
from tui.core.pack.sections import cover_facts, first_page, pack_title, sections
from tui.core.safe_text import NOT_SHOWN_AS_IS, visible_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------------------- HTML

# Controls other than line feed and tab (which pre-wrap cells show as themselves), and
# characters that hide what text says: one definition of what is shown marked.
_HTML_CONTROLS = NOT_SHOWN_AS_IS.compiled  # the pack marks many cells: compiled once


def html_text(value: Any) -> Markup:
    """Any value for the page: escaped, with control characters shown in caret notation
    and hidden characters as <U+202E>, marked (the span's attributes are unquoted words,
    so it is inert in any context)."""
    if isinstance(value, Markup):
        return value
    text = cell_text(value).replace("\r\n", "\n")
    if not _HTML_CONTROLS.search(text):
        return escape(text)
    parts, pos = [], 0
    for match in _HTML_CONTROLS.finditer(text):
        char = match.group()
        parts += [escape(text[pos:match.start()]),
                  Markup("<span class=ctl title=U+{:04X}>{}</span>").format(
                      ord(char), visible_lines(char))]
        pos = match.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def table_html(table: Table) -> Markup:
    """A table as HTML, every cell through `html_text`. Built here rather than in a
    template macro: a pack of 10,000 items has some 400,000 cells, and Jinja2's loop
    over them took 5 s where joining strings takes a tenth of that."""
    columns = table.columns
    head = "".join(f'<th class="k-{c.kind}" scope="col">{html_text(c.header)}</th>'
                   for c in columns)
    keep = ' class="keep"' if len(table.rows) <= 12 else ""
    out = [f"<h3>{html_text(table.caption)}</h3>\n" if table.caption else "",
           f"<table{keep}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"]
    kinds = [(c.kind, f'<td class="k-{c.kind}">', f'<td class="k-{c.kind} zero">')
             for c in columns]
    for row in table.rows:
        cells = []
        for (kind, opening, zero), cell in zip(kinds, row, strict=True):
            if kind == "rag":
                cells.append(f"{opening}{_rag_badge(cell)}</td>")
            elif kind == "num" and cell == 0:
                cells.append(f"{zero}0</td>")
            else:
                cells.append(f"{opening}{html_text(cell)}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>\n")
    out.append("</tbody>\n</table>\n")
    return Markup("".join(out))


def _rag_badge(value: Any) -> str:
    """A RAG word as a badge (only RAG_NAMES' fixed words; anything else is left out)."""
    if value not in RAG_NAMES:
        return ""
    return f'<span class="rag rag-{value}">{RAG_NAMES[value]}</span>'


def _plain_line(value: Any) -> Markup:
    """For <title>, which cannot hold elements: caret notation only, no markup."""
    text = _HTML_CONTROLS.sub(lambda m: visible_lines(m.group()), cell_text(value))
    return escape(" ".join(text.split()))


@cache
def _environment() -> Any:
    import jinja2  # only HTML needs it

    env = jinja2.Environment(loader=jinja2.PackageLoader("tui.core.pack", "templates"),
                             autoescape=True, finalize=html_text,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plain_line"] = _plain_line
    env.globals["table"] = table_html
    return env


def render_html(data: ReportData) -> str:
    template = _environment().get_template("report.html.j2")
    totals = data.rag_totals
    rendered: str = template.render(
        data=data, title=pack_title(data), facts=cover_facts(data),
        first_page=first_page(data), sections=sections(data),
        rag_order=RAG_ORDER, rag_names=RAG_NAMES, rag_meanings=RAG_MEANINGS, totals=totals,
        total=len(data.items), chart=Markup(chart_svg(data.progress, 720, 240)),
        progress_rows=[(month_name(p.month), p.open, p.done) for p in data.progress])
    return rendered
