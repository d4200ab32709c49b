"""The board pack as one self-contained HTML page (templates/report.html.j2), escaped by
Jinja2's autoescape with control characters shown (html_text)."""

from __future__ import annotations

from functools import cache
from typing import Any

from markupsafe import Markup, escape

from tui.core.report_chart import chart_svg
from tui.core.report_model import RAG_ORDER, ReportData, month_name
from tui.core.report_render import RAG_MEANINGS, RAG_NAMES, cell_text
from tui.core.report_sections import cover_facts, first_page, pack_title, sections
from tui.core.safe_text import NOT_SHOWN_AS_IS, visible_lines

# ---------------------------------------------------------------------------- HTML

# Controls other than line feed and tab (which pre-wrap cells show as themselves), and
# characters that hide what text says: one definition of what is shown marked.
_HTML_CONTROLS = NOT_SHOWN_AS_IS


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


def _plain_line(value: Any) -> Markup:
    """For <title>, which cannot hold elements: caret notation only, no markup."""
    text = _HTML_CONTROLS.sub(lambda m: visible_lines(m.group()), cell_text(value))
    return escape(" ".join(text.split()))


@cache
def _environment() -> Any:
    import jinja2  # only HTML needs it

    env = jinja2.Environment(loader=jinja2.PackageLoader("tui.core", "templates"),
                             autoescape=True, finalize=html_text,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plain_line"] = _plain_line
    return env


def render_html(data: ReportData) -> str:
    template = _environment().get_template("report.html.j2")
    totals = data.rag_totals
    return template.render(
        data=data, title=pack_title(data), facts=cover_facts(data),
        first_page=first_page(data), sections=sections(data),
        rag_order=RAG_ORDER, rag_names=RAG_NAMES, rag_meanings=RAG_MEANINGS, totals=totals,
        total=len(data.items), chart=Markup(chart_svg(data.progress, 720, 240)),
        progress_rows=[(month_name(p.month), p.open, p.done) for p in data.progress])
