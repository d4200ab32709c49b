"""The report parser against the shipped plan: the three seed reports (copied into
tests/data/reports), the same text as PDF and HTML, edited copies, and reports of other forces
in the same layouts."""

from __future__ import annotations

import html
import tomllib
from pathlib import Path

import pytest
from fpdf import FPDF

from tui.core.errors import ImportRefused
from tui.core.imports.inspection_drafts import Finding, ReportFindings
from tui.core.imports.inspection_files import report_text
from tui.core.imports.inspection_findings import find_findings

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "data" / "reports"


def shipped(plan: Path, inspection: str) -> list[dict]:
    """The shipped items of one inspection, in id order."""
    items = [tomllib.loads(path.read_text(encoding="utf-8"))
             for path in sorted((plan / "afis").glob(f"{inspection}-*.toml"))]
    assert items, inspection
    return items


def shipped_grades(plan: Path, inspection: str) -> dict[str, str]:
    settings = tomllib.loads((plan / "plan.toml").read_text(encoding="utf-8"))
    return {area["name"]: area["grade"] for area in settings["areas"]
            if area["inspection"] == inspection and "grade" in area}


def shipped_scale(plan: Path, inspection: str) -> str:
    settings = tomllib.loads((plan / "plan.toml").read_text(encoding="utf-8"))
    return next(i["scale"] for i in settings["inspections"] if i["id"] == inspection)


def seed(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def read(name: str) -> ReportFindings:
    return find_findings(report_text(REPORTS / name))


def area_titles(findings) -> list[tuple[str | None, str]]:
    return [(f.area, f.title) for f in findings]


# --------------------------------------------------------------------------- the seeds


def test_peel_2021_22_gives_the_19_shipped_afis(shipped_plan):
    report = read("peel2022.txt")
    items = shipped(shipped_plan, "PEEL22")
    assert len(report.findings) == 19
    assert {f.kind for f in report.findings} == {"afi"}
    # The report does not number its AFIs; PEEL22-NN follows the force's improvement plan,
    # whose order differs from the report's, so the two are matched by area and wording.
    assert all(f.number is None for f in report.findings)
    assert sorted(area_titles(report.findings), key=str) == sorted(
        ((i["area"], i["title"]) for i in items), key=str)
    details = {i["title"]: i["detail"].strip() for i in items}
    for finding in report.findings:
        assert finding.detail == details[finding.title]
        assert finding.notes == ()
    assert report.warnings == ()


def test_peel_2021_22_grades_and_scale_match_the_plan(shipped_plan):
    report = read("peel2022.txt")
    assert report.grades == shipped_grades(shipped_plan, "PEEL22")
    assert report.scale == shipped_scale(shipped_plan, "PEEL22") == "peel-5"
    assert report.title is not None and "PEEL 2021/22" in report.title
    assert "Kent Police" in report.title


def test_finding_lines_point_at_the_wording():
    text = seed("peel2022.txt")
    lines = text.split("\n")
    for finding in find_findings(text).findings:
        assert lines[finding.line - 1].strip() == finding.title


def test_peel_2016_gives_the_three_shipped_afis(shipped_plan):
    report = read("peel2016.txt")
    expected = [(i["area"], i["title"]) for i in shipped(shipped_plan, "PEEL16")]
    assert area_titles(report.findings) == expected
    assert [f.kind for f in report.findings] == ["afi"] * 3
    assert [f.line for f in report.findings] == [14, 29, 30]
    first = report.findings[0]
    # The lead-in, its sub-bullets and the paragraph after them explain the first AFI.
    assert "by 1 May 2017" in first.detail
    assert "\n- review the extent" in first.detail
    assert first.detail.endswith("pursuing justice on behalf of victims.")
    assert report.findings[2].detail.startswith("This approach should include")


def test_peel_2016_grades_and_scale_match_the_plan(shipped_plan):
    report = read("peel2016.txt")
    assert report.grades == shipped_grades(shipped_plan, "PEEL16")
    assert report.scale == shipped_scale(shipped_plan, "PEEL16") == "peel-4"
    assert report.title == "Kent PEEL 2016: Effectiveness"


def test_hmic_2007_gives_recommendations_1_to_10(shipped_plan):
    report = read("hmic2007.txt")
    expected = [("recommendation", i["number"], i["area"], i["title"])
                for i in shipped(shipped_plan, "HMIC07")]
    got = [(f.kind, f.number, f.area, f.title) for f in report.findings]
    # Each recommendation is made in its area's section and repeated in the summary list at
    # the end: one finding each, placed by its section.
    assert got == expected
    assert all(f.notes == () for f in report.findings)
    lines = seed("hmic2007.txt").split("\n")
    assert [lines[f.line - 1] for f in report.findings] == [
        f"RECOMMENDATION {n}" for n in range(1, 11)]


def test_hmic_2007_grades_scale_and_unread_lists(shipped_plan):
    report = read("hmic2007.txt")
    assert report.grades == shipped_grades(shipped_plan, "HMIC07")
    assert report.scale == shipped_scale(shipped_plan, "HMIC07") == "hmic-4"
    # Its "Areas for improvement" are commentary paragraphs, not findings: said, not imported.
    [unread] = [w for w in report.warnings if "narrative paragraphs" in w]
    assert "560" in unread and "1444" in unread


# --------------------------------------------------------------------------- edited copies


def test_a_removed_afi_is_simply_missing():
    text = seed("peel2022.txt")
    title = "The force needs to better manage its response to incidents"
    start = text.index(title)
    end = text.index("The force needs to improve the capacity and capability")
    report = find_findings(text[:start] + text[end:])
    assert len(report.findings) == 18
    assert title not in {f.title for f in report.findings}
    assert report.warnings == ()


def test_a_removed_recommendation_leaves_a_numbering_gap():
    text = seed("hmic2007.txt")
    for marker in ("RECOMMENDATION 3\n\n", "Recommendation 3\n\n"):
        start = text.index(marker)
        end = text.index("\n\n", start + len(marker)) + 2
        text = text[:start] + text[end:]
    report = find_findings(text)
    assert [f.number for f in report.findings] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert any("gap" in w and "recommendation 3" in w for w in report.warnings)
    four = report.findings[2]
    assert any("no recommendation 3" in note for note in four.notes)


def test_a_number_reused_with_other_wording_is_flagged():
    text = seed("hmic2007.txt")
    summary = text.index("Recommendation 5\n")
    wording = "That the force develops a standardised model for the investigation of child"
    start = text.index(wording, summary)
    text = text[:start] + "That the force reviews its child abuse training." + text[
        text.index("\n", start):]
    report = find_findings(text)
    fives = [f for f in report.findings if f.number == 5]
    assert len(fives) == 2
    assert all(any("other wording" in note for note in f.notes) for f in fives)
    assert any("recommendation 5 appears twice" in w for w in report.warnings)


def test_an_afi_above_the_first_area_has_no_area_and_says_why():
    text = seed("peel2022.txt")
    title = "The force should improve the way it assesses public satisfaction"
    start = text.index("Area for improvement\n\n" + title)
    end = text.index("Innovative practice", start)
    moved = text[start:end]
    text = text[:start] + text[end:]
    anchor = text.index("Data in this report")  # in the overall summary, before any area
    text = text[:anchor] + moved + text[anchor:]
    report = find_findings(text)
    assert len(report.findings) == 19
    [placeless] = [f for f in report.findings if f.area is None]
    assert placeless.title.startswith(title)
    assert placeless.notes and "not an inspection area" in placeless.notes[0]
    assert any("no area" in w for w in report.warnings)
    others = [f for f in report.findings if f is not placeless]
    assert all(f.area is not None and f.notes == () for f in others)


def test_page_furniture_and_a_page_break_inside_an_afi():
    text = seed("peel2022.txt")
    cut = "Failure to identify repeat or vulnerable callers means that the risk to the victim"
    text = text.replace(cut, cut + "\n\nPEEL 2021/22 | Kent Police 16\n\n17\n\n", 1)
    for page in range(3):  # the running header recurs, so it reads as furniture
        text += f"\n\nPEEL 2021/22 | Kent Police {page}\n"
    report = find_findings(text)
    assert len(report.findings) == 19
    [repeat] = [f for f in report.findings if f.title.startswith("The force needs to make sure "
                                                                  "that repeat callers")]
    assert cut + " isn't always accurately assessed" in repeat.detail
    assert "Kent Police 16" not in repeat.detail


# --------------------------------------------------------------------------- PDF and HTML

LATIN_1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                         "…": "...", "¹": "1"})


class _Pages(FPDF):
    """A report-like PDF: a running header and a page number on every page."""

    def header(self) -> None:
        self.set_font("helvetica", size=8)
        self.cell(0, 5, "PEEL 2021/22 Kent Police", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 5, str(self.page_no()), align="C")


def make_pdf(text: str, path: Path) -> Path:
    """Each paragraph of the text as wrapped PDF text, headings in bold: what a report looks
    like to pypdf. The core fonts are Latin-1, so curly quotes and dashes are made plain."""
    pdf = _Pages()
    pdf.add_page()
    for paragraph in text.translate(LATIN_1).split("\n"):
        paragraph = paragraph.replace("<u>", "").replace("</u>", "").strip()
        if not paragraph:
            continue
        pdf.set_font("helvetica", "" if paragraph.endswith(".") else "B", 11)
        pdf.multi_cell(0, 5, paragraph.encode("latin-1", "replace").decode("latin-1"),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


def test_pdf_of_a_report_gives_the_same_findings(tmp_path, shipped_plan):
    text = seed("peel2022.txt")
    part = text[text.index("Crime data integrity\n\nOutstanding"):]
    pdf_text = report_text(make_pdf(part, tmp_path / "peel.pdf"))
    assert "PEEL 2021/22 Kent Police" not in pdf_text  # running header dropped
    report = find_findings(pdf_text)
    from_text = find_findings(part)
    assert area_titles(report.findings) == area_titles(from_text.findings)
    assert len(report.findings) == 19
    assert sorted(area_titles(report.findings), key=str) == sorted(
        ((i["area"], i["title"]) for i in shipped(shipped_plan, "PEEL22")), key=str)
    # Wrapped lines and page breaks are joined back into the report's paragraphs.
    assert [f.detail for f in report.findings] == [
        f.detail.translate(LATIN_1) for f in from_text.findings]
    assert report.grades == shipped_grades(shipped_plan, "PEEL22")


def test_html_page_gives_the_same_findings(tmp_path, shipped_plan):
    text = seed("peel2022.txt")
    areas = set(shipped_grades(shipped_plan, "PEEL22"))
    titles = {i["title"] for i in shipped(shipped_plan, "PEEL22")}
    body = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        escaped = html.escape(paragraph.replace("<u>", "").replace("</u>", ""))
        if paragraph in areas:
            body.append(f"<h2>{escaped}</h2>")
        elif paragraph in ("Area for improvement", "Areas for improvement", "Main findings",
                           "Innovative practice"):
            body.append(f"<h3>{escaped}</h3>")
        elif paragraph in titles:
            body.append(f"<p><strong>{escaped}</strong></p>")
        else:
            body.append(f"<p>\n  {escaped}\n</p>")
    page = ("<!doctype html><html><head><title>PEEL 2021/22: Kent Police</title>"
            "<style>h2 { color: red }</style><script>var x = '<h3>Areas for improvement"
            "</h3>';</script></head><body><nav><ul><li>Home</li><li>Publications</li></ul>"
            "</nav><main>" + "\n".join(body) + "</main></body></html>")
    path = tmp_path / "peel.html"
    path.write_text(page, encoding="utf-8")
    page_text = report_text(path)
    assert "var x" not in page_text and "color: red" not in page_text
    assert "## Responding to the public" in page_text
    report = find_findings(page_text)
    assert area_titles(report.findings) == area_titles(find_findings(text).findings)
    assert report.grades == shipped_grades(shipped_plan, "PEEL22")


def test_html_list_items_are_read_as_bullets(tmp_path, shipped_plan):
    body = []
    in_list = False
    for line in seed("peel2016.txt").split("\n"):
        if line.startswith("- ") != in_list:
            body.append("<ul>" if not in_list else "</ul>")
            in_list = not in_list
        if line.startswith("How effective"):
            body.append(f"<h2>{html.escape(line)}</h2>")
        elif line == "Areas for improvement":
            body.append(f"<h3>{line}</h3>")
        elif in_list:
            body.append(f"<li>{html.escape(line[2:])}</li>")
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    path = tmp_path / "peel2016.htm"
    path.write_text("<html><body>" + "".join(body) + "</body></html>", encoding="utf-8")
    report = find_findings(report_text(path))
    assert area_titles(report.findings) == [(i["area"], i["title"])
                                            for i in shipped(shipped_plan, "PEEL16")]


def test_numbered_finding_headings_are_not_taken_for_running_headers(tmp_path):
    """Three or more `Area for improvement N` headings (a saved web page's <h3>s, a
    Markdown copy's `###`s) are findings, not a PDF's recurring page header."""
    findings = "".join(
        f"<h3>Area for improvement {n}</h3><p>The force should improve {topic}</p>"
        for n, topic in enumerate(("call handling", "supervision", "vetting"), start=1))
    path = tmp_path / "report.html"
    path.write_text("<html><body><h1>PEEL 2023-25: An inspection of Westshire Police</h1>"
                    "<h2>Responding to the public</h2><p>Adequate</p>" + findings +
                    "</body></html>", encoding="utf-8")
    report = find_findings(report_text(path))
    assert [(f.number, f.area, f.title) for f in report.findings] == [
        (1, "Responding to the public", "The force should improve call handling"),
        (2, "Responding to the public", "The force should improve supervision"),
        (3, "Responding to the public", "The force should improve vetting")]


@pytest.mark.parametrize(("source", "title"), [
    ("corpus/pdf-running-headers.txt", "PEEL 2023–25: An inspection of Millbrook Police"),
    ("corpus/peel2022-cause-paragraphs.txt",
     "PEEL 2021/22: An inspection of Fenbridge Constabulary"),
    ("corpus/peel2024-areas.txt", "PEEL 2023–25: Police effectiveness, efficiency and "
     "legitimacy: An inspection of Ridgeford Police"),
    ("corpus/peel2024-markdown.md", "PEEL 2023–25: Police effectiveness, efficiency and "
     "legitimacy: An inspection of Wessex Constabulary"),
    ("corpus/peel2018-integrated.txt", "PEEL: Police effectiveness, efficiency and "
     "legitimacy 2018/19: An inspection of Southmere Police: Effectiveness"),
    ("corpus/peel2015-pillar.txt",
     "PEEL: Police effectiveness 2015: An inspection of Northvale Police"),
    ("corpus/thematic-national.txt", "An inspection of how well the police tackle fraud "
     "against older people: A national thematic inspection"),
    ("corpus/ungraded-headings.txt",
     "Inspection of Eastmoor Police: Custody and Criminal Justice: November 2008"),
    ("corpus/hmic2007-baseline.txt",
     "HMIC Baseline Assessment: Westshire Constabulary: October 2007"),
    ("peel2022.txt", "PEEL 2021/22: Police effectiveness, efficiency and legitimacy: "
     "An inspection of Kent Police"),
])
def test_the_report_title_stops_where_the_body_starts(source, title):
    """The title (an imported inspection's default title in plan.toml) is the report's
    opening lines, never its first section: not "Summary", an area heading with its grade
    or a finding's heading."""
    assert read(source).title == title


def test_report_text_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(ImportRefused, match="cannot read '.docx'"):
        report_text(tmp_path / "report.docx")
    with pytest.raises(ImportRefused, match="cannot read the file"):
        report_text(tmp_path / "missing.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9".encode("latin-1"))
    with pytest.raises(ImportRefused, match="not UTF-8"):
        report_text(latin)
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not a readable PDF"):
        report_text(fake)
    markdown = tmp_path / "r.md"
    markdown.write_text("# Title\n", encoding="utf-8")
    assert report_text(markdown) == "# Title\n"


# --------------------------------------------------------------------------- other forces

NORTHSHIRE_2022 = """\
PEEL 2021/22
Police effectiveness, efficiency and legitimacy
An inspection of Northshire Constabulary

Contents
Overall summary ........ 1
Treatment of the public ........ 4
Responding to the public ........ 6
Disrupting serious organised crime ........ 9
Good use of resources ........ 10

Overall summary

Outstanding Good Adequate Requires improvement Inadequate

Treatment of the public

Adequate

Northshire Constabulary is adequate at treating the public fairly.

Area for improvement

The force should improve how it records the ethnicity of people it stops and
searches

Records of stop and search were incomplete in a third of the cases we re-
viewed.

Page 4

Main findings

The force engages well with young people

Responding to the public

Inadequate

Northshire Constabulary is inadequate at responding to the public.

Cause of concern

The force isn't answering emergency calls quickly enough

Too many 999 calls wait longer than ten seconds.

Recommendations

By 31 March 2023, the force should:
- make sure it has enough call handlers at peak times; and
- review how it monitors call answering times.

Areas for improvement

The force needs to improve how it identifies repeat victims

Call handlers do not always check for previous calls.

The force needs to make sure that it attends incidents within its target times

Attendance at priority incidents was slow.

Main findings

Disrupting serious organised crime

We now inspect serious organised crime on a regional basis.

Area for improvement

The force should improve its intelligence picture of county lines

Good use of resources

Good

Northshire Constabulary is good at using its resources.
"""


def test_another_forces_2021_22_report():
    report = find_findings(NORTHSHIRE_2022)
    assert report.title == ("PEEL 2021/22: Police effectiveness, efficiency and legitimacy: "
                            "An inspection of Northshire Constabulary")
    assert report.scale == "peel-5"
    assert report.grades == {"Treatment of the public": "adequate",
                             "Responding to the public": "inadequate",
                             "Good use of resources": "good"}
    got = [(f.kind, f.area, f.title) for f in report.findings]
    assert got == [
        ("afi", "Treatment of the public", "The force should improve how it records the "
         "ethnicity of people it stops and searches"),
        ("cause-of-concern", "Responding to the public",
         "The force isn't answering emergency calls quickly enough"),
        ("recommendation", "Responding to the public",
         "make sure it has enough call handlers at peak times"),
        ("recommendation", "Responding to the public",
         "review how it monitors call answering times."),
        ("afi", "Responding to the public",
         "The force needs to improve how it identifies repeat victims"),
        ("afi", "Responding to the public",
         "The force needs to make sure that it attends incidents within its target times"),
        ("afi", "Disrupting serious organised crime",
         "The force should improve its intelligence picture of county lines"),
    ]
    first = report.findings[0]
    assert first.detail == ("Records of stop and search were incomplete in a third of the "
                            "cases we reviewed.")  # hyphenation undone, page number dropped
    assert report.findings[2].detail == "By 31 March 2023, the force should:"
    last = report.findings[-1]  # an area the report does not grade is still its area
    assert last.notes == ("area taken from the heading 'Disrupting serious organised crime' "
                          "above it (line 66), which has no grade",)
    assert report.warnings == ()


SOUTHSHIRE_2016 = """\
Southshire PEEL 2016
Efficiency
How efficient is the force at keeping people safe and reducing crime?
How well does the force understand demand?
Southshire Police requires improvement in how it understands demand. It has not analysed the
demand hidden in its partners' data.
Areas for improvement
• The force should analyse demand from partner organisations. It should do this by the end of
the year.
• The force should improve its understanding of hidden demand, including modern slavery.
How efficient is the force at using its resources?
Southshire Police is inadequate at using its resources.
Areas for improvement
• The force should set out how its workforce will change.
"""


def test_another_forces_2016_report():
    report = find_findings(SOUTHSHIRE_2016)
    assert report.scale == "peel-4"
    assert report.grades == {"Understand demand": "requires improvement",
                             "Using its resources": "inadequate"}
    assert [(f.area, f.title) for f in report.findings] == [
        ("Understand demand", "The force should analyse demand from partner organisations."),
        ("Understand demand", "The force should improve its understanding of hidden demand, "
                              "including modern slavery."),
        ("Using its resources", "The force should set out how its workforce will change."),
    ]
    assert report.findings[0].detail == "It should do this by the end of the year."


WESTSHIRE_2007 = """\
HMIC Inspection Report
Westshire Police

Neighbourhood Policing

| GRADE | GOOD |

Strengths

The force has a clear plan.

Recommendation 1: That the force publishes its neighbourhood
profiles.

Recommendation 2 - That the force trains its PCSOs in problem solving.

Protecting Vulnerable People - Child Abuse

| GRADE | POOR |

Recommendation 4

That the force reviews the supervision of child abuse investigations. It should report to
the police authority within six months.

September 2007

Recommendation 4

That the force sets staffing levels for child abuse units.

September 2007

Recommendations

Recommendation 1

That the force publishes its neighbourhood profiles.

September 2007
"""


def test_another_forces_2007_report():
    report = find_findings(WESTSHIRE_2007)
    assert report.scale == "hmic-4"
    assert report.grades == {"Neighbourhood Policing": "good",
                             "Protecting Vulnerable People - Child Abuse": "poor"}
    got = [(f.number, f.area, f.title) for f in report.findings]
    assert got == [
        (1, "Neighbourhood Policing", "That the force publishes its neighbourhood profiles."),
        (2, "Neighbourhood Policing",
         "That the force trains its PCSOs in problem solving."),
        (4, "Protecting Vulnerable People - Child Abuse",
         "That the force reviews the supervision of child abuse investigations."),
        (4, "Protecting Vulnerable People - Child Abuse",
         "That the force sets staffing levels for child abuse units."),
    ]
    assert report.findings[2].detail == ("It should report to the police authority within "
                                         "six months.")
    assert any("no recommendation 3" in w for w in report.warnings)
    assert any("recommendation 4 appears twice" in w for w in report.warnings)


def test_text_with_no_findings_says_so():
    report = find_findings("Just a letter.\n\nNothing to see here.\n")
    assert report.findings == ()
    assert report.scale is None
    assert any("no findings found" in w for w in report.warnings)


def test_findings_are_frozen():
    finding = read("peel2016.txt").findings[0]
    assert isinstance(finding, Finding)
    with pytest.raises(AttributeError):
        finding.title = "x"  # type: ignore[misc]
