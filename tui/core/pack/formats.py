"""The board pack in one of its formats: the one entry to the four renderers (each
renderer's module is imported only when asked for; they all build on render.py)."""

from __future__ import annotations

from tui.core.pack.render import render_csv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.pack.model import ReportData

FORMATS = ("md", "html", "csv", "json")


def render(data: ReportData, fmt: str) -> str:
    """The pack in one of FORMATS (each format's module is imported only when asked for)."""
    if fmt == "md":
        from tui.core.pack.markdown import render_markdown as renderer
    elif fmt == "html":
        from tui.core.pack.html import render_html as renderer
    elif fmt == "json":
        from tui.core.pack.json_pack import render_json as renderer
    elif fmt == "csv":
        renderer = render_csv
    else:
        raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
    return renderer(data)

