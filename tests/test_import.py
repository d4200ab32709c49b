"""`afi import` on real repositories: inspection reports (text, HTML, PDF) and trackers
(CSV, XLSX) into a plan, checked before one commit, nothing written on any error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "data" / "reports"
SHIPPED = ROOT / "plan" / "afis"


@pytest.fixture
def fresh(tmp_path, afi):
    """A new plan made by `afi init`, in its own repository."""
    git(tmp_path, "config", "--global", "user.name", "Import Lead")
    git(tmp_path, "config", "--global", "user.email", "import@example.org")
    assert afi("init", "kent", "--title", "Kent", cwd=tmp_path)[0] == 0
    return tmp_path / "kent"


def shipped(prefix: str) -> list[dict]:
    return [tomllib.loads(p.read_text()) for p in sorted(SHIPPED.glob(f"{prefix}-*.toml"))]


def imported(plan: Path, prefix: str) -> list[dict]:
    return [tomllib.loads(p.read_text()) for p in sorted((plan / "afis").glob(f"{prefix}-*.toml"))]


def key(item: dict) -> tuple:
    return item["area"], item["title"], item["kind"]


@pytest.mark.parametrize(("report", "inspection", "numbered"), [
    ("peel2022.txt", "PEEL22", False), ("peel2016.txt", "PEEL16", True),
    ("hmic2007.txt", "HMIC07", True),
])
def test_seed_reports_reproduce_the_shipped_items(fresh, afi, report, inspection, numbered):
    before = int(git(fresh, "rev-list", "--count", "HEAD"))
    code, out, err = afi("import", "report", str(REPORTS / report), "--inspection", inspection,
                         cwd=fresh)
    assert code == 0, err
    assert int(git(fresh, "rev-list", "--count", "HEAD")) == before + 1
    assert git(fresh, "log", "-1", "--format=%s").strip().endswith(f"from {report}")
    ours, theirs = imported(fresh, inspection), shipped(inspection)
    assert sorted(map(key, ours)) == sorted(map(key, theirs))
    assert all(item["status"] == "not-started" for item in ours)
    if numbered:  # the shipped numbers follow the report's order (or its own numbers)
        assert sorted((i["number"], i["title"]) for i in ours) == \
            sorted((i["number"], i["title"]) for i in theirs)
    plan = tomllib.loads((fresh / "plan.toml").read_text())
    assert [i["id"] for i in plan["inspections"]] == [inspection]
    assert afi("check", cwd=fresh)[0] == 0


def test_the_shipped_peel22_numbers_are_the_forces_not_the_reports(fresh, afi):
    """The 2021/22 report does not number its AFIs; the shipped plan numbers them as the
    force's improvement plan does. Imported, they are numbered by their place in the
    report, and the dry run says so."""
    code, out, _ = afi("import", "report", str(REPORTS / "peel2022.txt"), "--inspection",
                       "PEEL22", "--dry-run", cwd=fresh)
    assert code == 0
    assert "does not number its areas for improvement: they are numbered by their place" in out
    assert not list((fresh / "afis").glob("*.toml"))  # a dry run writes nothing
    grades = {a["name"]: a.get("grade") for a in
              tomllib.loads((ROOT / "plan" / "plan.toml").read_text())["areas"]
              if a["inspection"] == "PEEL22" and a.get("grade")}
    assert afi("import", "report", str(REPORTS / "peel2022.txt"), "--inspection", "PEEL22",
               cwd=fresh)[0] == 0
    plan = tomllib.loads((fresh / "plan.toml").read_text())
    assert {a["name"]: a["grade"] for a in plan["areas"] if a.get("grade")} == grades


def test_importing_twice_is_refused_and_update_fills_instead(fresh, afi):
    report = str(REPORTS / "hmic2007.txt")
    assert afi("import", "report", report, "--inspection", "HMIC07", cwd=fresh)[0] == 0
    head = git(fresh, "rev-parse", "HEAD")
    code, _, err = afi("import", "report", report, "--inspection", "HMIC07", cwd=fresh)
    assert code == 1 and "HMIC07-01 already exists" in err and "--update" in err
    assert git(fresh, "rev-parse", "HEAD") == head
    path = fresh / "afis" / "HMIC07-03.toml"
    path.write_text(path.read_text().replace("number = 3\n", ""))
    git(fresh, "commit", "-qam", "lost a number")
    code, out, err = afi("import", "report", report, "--inspection", "HMIC07", "--update",
                         cwd=fresh)
    assert code == 0, err
    assert "number = 3" in path.read_text()
    assert git(fresh, "show", "--name-only", "--format=", "HEAD").split() == \
        ["afis/HMIC07-03.toml"]


def test_import_refuses_a_finding_it_cannot_place(fresh, afi, tmp_path):
    text = (REPORTS / "peel2016.txt").read_text()
    first = text.index("Areas for improvement")
    moved = "Areas for improvement\n\n• The force should do something placeless.\n\n"
    report = tmp_path / "odd.txt"
    report.write_text(moved + text[:first] + text[first:])
    code, out, _ = afi("import", "report", str(report), "--inspection", "PEEL16", "--dry-run",
                       cwd=fresh)
    assert "could not be placed in an area" in out
    code, _, err = afi("import", "report", str(report), "--inspection", "PEEL16", cwd=fresh)
    assert code == 1 and "could not be placed" in err
    assert not list((fresh / "afis").glob("*.toml"))
    code, _, err = afi("import", "report", str(report), "--inspection", "PEEL16", "--skip-bad",
                       cwd=fresh)
    assert code == 0, err
    assert len(list((fresh / "afis").glob("*.toml"))) == 3


def test_import_report_from_html_and_pdf(fresh, afi, tmp_path):
    from fpdf import FPDF

    text = (REPORTS / "peel2016.txt").read_text()
    html = tmp_path / "peel2016.html"
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    html.write_text(f"<html><body><h1>Report</h1>{paragraphs}</body></html>")
    code, out, _ = afi("import", "report", str(html), "--inspection", "PEEL16", "--dry-run",
                       cwd=fresh)
    assert code == 0 and out.count("PEEL16-0") == 3
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    safe = text.encode("latin-1", "replace").decode("latin-1")
    pdf.multi_cell(0, 5, safe)
    pdf.output(str(tmp_path / "peel2016.pdf"))
    code, out, _ = afi("import", "report", str(tmp_path / "peel2016.pdf"), "--inspection",
                       "PEEL16", cwd=fresh)
    assert code == 0
    assert len(imported(fresh, "PEEL16")) == 3


def test_import_report_errors_are_one_line(fresh, afi, tmp_path):
    odd = tmp_path / "report.docx"
    odd.write_bytes(b"PK\x03\x04")
    code, _, err = afi("import", "report", str(odd), "--inspection", "X", cwd=fresh)
    assert code == 1 and err.count("\n") == 1 and "report.docx" in err
    code, _, err = afi("import", "report", str(tmp_path / "missing.txt"), "--inspection", "X",
                       cwd=fresh)
    assert code == 1 and "missing.txt" in err
