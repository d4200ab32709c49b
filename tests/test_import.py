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


# -- trackers ---------------------------------------------------------------------------------
TRACKER = Path(__file__).resolve().parent / "data" / "tracker.csv"


@pytest.fixture
def kent(fresh):
    """A fresh plan whose plan.toml has the shipped PEEL22 inspection and areas."""
    plan = tomllib.loads((ROOT / "plan" / "plan.toml").read_text())
    lines = ['title = "Kent"', "", "[[inspections]]", 'id = "PEEL22"', 'scale = "peel-5"']
    for area in plan["areas"]:
        if area["inspection"] == "PEEL22":
            lines += ["", "[[areas]]", 'inspection = "PEEL22"', f'name = "{area["name"]}"']
    (fresh / "plan.toml").write_text("\n".join(lines) + "\n")
    git(fresh, "commit", "-qam", "PEEL22 and its areas")
    return fresh


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_tracker_imports_in_one_commit(kent, afi, tmp_path, form):
    source = TRACKER
    if form == "xlsx":
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "make_tracker_xlsx", TRACKER.parent / "make_tracker_xlsx.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        source = tmp_path / "tracker.xlsx"
        module.make(source)
    code, out, err = afi("import", "table", str(source), "--inspection", "PEEL22",
                         "--dry-run", cwd=kent)
    assert code == 0, err
    assert "status 'On hold' mapped to in-progress" in out
    assert "closed without a recorded sign-off: imported as complete" in out
    assert not list((kent / "afis").glob("*.toml"))
    before = int(git(kent, "rev-list", "--count", "HEAD"))
    code, out, err = afi("import", "table", str(source), "--inspection", "PEEL22", cwd=kent)
    assert code == 0, err
    assert int(git(kent, "rev-list", "--count", "HEAD")) == before + 1
    assert f"from tracker.{form}" in git(kent, "log", "-1", "--format=%s")
    items = imported(kent, "PEEL22")
    assert len(items) == 18
    first = next(i for i in items if i["number"] == 1)
    assert first["owner"] == "Supt Jane Hollis" and first["lead"] == "ACC Tom Reid"
    assert [a["text"] for a in first["actions"]][:2] == [
        "Recruit 69 officers to Local Policing", "Review tutoring for new officers"]
    assert first["updates"][0]["text"] == "43 officers posted to Local Policing Teams."
    assert afi("check", cwd=kent)[0] == 0


def test_unreadable_rows_are_listed_and_nothing_is_written(kent, afi, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("AFI,Area,Finding,Status,Target date\n"
                   "1,Responding to the public,Answer calls,In progress,31/02/2023\n"
                   "2,Responding to the public,Visit victims,Sleeping,31/03/2023\n"
                   "3,Responding to the public,Train staff,Complete,Q1 2023\n")
    code, out, _ = afi("import", "table", str(bad), "--inspection", "PEEL22", "--dry-run",
                       cwd=kent)
    assert code == 1
    assert "problem: row 2: due '31/02/2023' in column 'Target date' is not a date" in out
    assert "problem: row 3: " in out and "Sleeping" in out
    code, _, err = afi("import", "table", str(bad), "--inspection", "PEEL22", cwd=kent)
    assert code == 1 and "row 2" in err and not list((kent / "afis").glob("*.toml"))
    code, _, err = afi("import", "table", str(bad), "--inspection", "PEEL22", "--skip-bad",
                       cwd=kent)
    assert code == 0, err
    titles = sorted(i["title"] for i in imported(kent, "PEEL22"))
    assert "Train staff" in titles and "Visit victims" not in titles


def test_the_board_pack_csv_imports_back_intact(plan_dir, afi, tmp_path):
    """`afi report --format csv` of a plan, imported into an empty plan with the same
    plan.toml, gives back every item with its fields."""
    repo = plan_dir.parent
    hostile = plan_dir / "afis" / "PEEL22-02.toml"
    hostile.write_text(hostile.read_text().replace('owner = "DCI Jones"',
                                                   'owner = "=cmd|\' /C calc\'!A0"'))
    git(repo, "commit", "-qam", "an owner a spreadsheet would run")
    assert afi("note", "PEEL22-01", "Reviewed at FIB, \"quotes\" and\na new line",
               cwd=repo)[0] == 0
    pack = tmp_path / "pack.csv"
    assert afi("report", "--format", "csv", "-o", str(pack), cwd=repo)[0] == 0
    empty = tmp_path / "empty"
    git(tmp_path, "config", "--global", "user.name", "Import Lead")
    git(tmp_path, "config", "--global", "user.email", "import@example.org")
    assert afi("init", str(empty), "--title", "Empty", cwd=tmp_path)[0] == 0
    (empty / "plan.toml").write_text((plan_dir / "plan.toml").read_text())
    git(empty, "commit", "-qam", "the same inspections")
    code, out, err = afi("import", "table", str(pack), cwd=empty)
    assert code == 0, err
    for source in (plan_dir / "afis").glob("*.toml"):
        before = tomllib.loads(source.read_text())
        after = tomllib.loads((empty / "afis" / source.name).read_text())
        for key in ("id", "title", "kind", "inspection", "area", "status", "owner", "lead",
                    "due", "closure"):
            assert after.get(key) == before.get(key), (source.name, key)
        if before.get("updates"):
            assert after["updates"][-1] == before["updates"][-1]
    assert afi("check", cwd=empty)[0] == 0
