"""`afi import` on real repositories: inspection reports (text, HTML, PDF) and trackers
(CSV, XLSX) into a plan, checked before one commit, nothing written on any error."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from tui.core.imports.tracker_matching import WORDING_THRESHOLD, similarity, wording_words

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "data" / "reports"


@pytest.fixture
def fresh(tmp_path, afi):
    """A new plan made by `afi init`, in its own repository."""
    git(tmp_path, "config", "--global", "user.name", "Import Lead")
    git(tmp_path, "config", "--global", "user.email", "import@example.org")
    assert afi("init", "kent", "--title", "Kent", cwd=tmp_path)[0] == 0
    return tmp_path / "kent"


def shipped(plan: Path, prefix: str) -> list[dict]:
    return [tomllib.loads(p.read_text()) for p in sorted((plan / "afis").glob(f"{prefix}-*.toml"))]


def imported(plan: Path, prefix: str) -> list[dict]:
    return [tomllib.loads(p.read_text()) for p in sorted((plan / "afis").glob(f"{prefix}-*.toml"))]


def key(item: dict) -> tuple:
    return item["area"], item["title"], item["kind"]


@pytest.mark.parametrize(("report", "inspection", "numbered"), [
    ("peel2022.txt", "PEEL22", False), ("peel2016.txt", "PEEL16", True),
    ("hmic2007.txt", "HMIC07", True),
])
def test_seed_reports_reproduce_the_shipped_items(fresh, afi, report, inspection, numbered,
                                                   shipped_plan):
    before = int(git(fresh, "rev-list", "--count", "HEAD"))
    code, out, err = afi("import", "report", str(REPORTS / report), "--inspection", inspection,
                         cwd=fresh)
    assert code == 0, err
    assert int(git(fresh, "rev-list", "--count", "HEAD")) == before + 1
    assert git(fresh, "log", "-1", "--format=%s").strip().endswith(f"from {report}")
    ours, theirs = imported(fresh, inspection), shipped(shipped_plan, inspection)
    assert sorted(map(key, ours)) == sorted(map(key, theirs))
    assert all(item["status"] == "not-started" for item in ours)
    if numbered:  # the shipped numbers follow the report's order (or its own numbers)
        assert sorted((i["number"], i["title"]) for i in ours) == \
            sorted((i["number"], i["title"]) for i in theirs)
    plan = tomllib.loads((fresh / "plan.toml").read_text())
    assert [i["id"] for i in plan["inspections"]] == [inspection]
    assert afi("check", cwd=fresh)[0] == 0


def test_the_shipped_peel22_numbers_are_the_forces_not_the_reports(fresh, afi, shipped_plan):
    """The 2021/22 report does not number its AFIs; the shipped plan numbers them as the
    force's improvement plan does. Imported, they are numbered by their place in the
    report, and the dry run says so."""
    code, out, _ = afi("import", "report", str(REPORTS / "peel2022.txt"), "--inspection",
                       "PEEL22", "--dry-run", cwd=fresh)
    assert code == 0
    assert "does not number its areas for improvement: they are numbered by their place" in out
    assert not list((fresh / "afis").glob("*.toml"))  # a dry run writes nothing
    grades = {a["name"]: a.get("grade") for a in
              tomllib.loads((shipped_plan / "plan.toml").read_text())["areas"]
              if a["inspection"] == "PEEL22" and a.get("grade")}
    assert afi("import", "report", str(REPORTS / "peel2022.txt"), "--inspection", "PEEL22",
               cwd=fresh)[0] == 0
    plan = tomllib.loads((fresh / "plan.toml").read_text())
    assert {a["name"]: a["grade"] for a in plan["areas"] if a.get("grade")} == grades


def test_importing_twice_changes_nothing_a_change_is_refused_and_update_fills(fresh, afi):
    report = str(REPORTS / "hmic2007.txt")
    assert afi("import", "report", report, "--inspection", "HMIC07", cwd=fresh)[0] == 0
    head = git(fresh, "rev-parse", "HEAD")
    code, out, err = afi("import", "report", report, "--inspection", "HMIC07", cwd=fresh)
    assert code == 0 and out.startswith("nothing to change"), err
    assert git(fresh, "rev-parse", "HEAD") == head
    path = fresh / "afis" / "HMIC07-03.toml"
    path.write_text(path.read_text().replace("number = 3\n", ""))
    git(fresh, "commit", "-qam", "lost a number")
    head = git(fresh, "rev-parse", "HEAD")
    code, _, err = afi("import", "report", report, "--inspection", "HMIC07", cwd=fresh)
    assert code == 1 and "HMIC07-03 already exists" in err and "--update" in err
    assert "HMIC07-01" not in err  # it holds what the report says: not a refusal
    assert git(fresh, "rev-parse", "HEAD") == head
    code, out, err = afi("import", "report", report, "--inspection", "HMIC07", "--update",
                         cwd=fresh)
    assert code == 0, err
    assert "number = 3" in path.read_text()
    assert git(fresh, "show", "--name-only", "--format=", "HEAD").split() == \
        ["afis/HMIC07-03.toml"]


def test_a_finding_it_cannot_place_is_imported_with_no_area_and_a_warning(fresh, afi,
                                                                          tmp_path):
    text = (REPORTS / "peel2016.txt").read_text()
    first = text.index("Areas for improvement")
    moved = "Areas for improvement\n\n• The force should do something placeless.\n\n"
    report = tmp_path / "odd.txt"
    report.write_text(moved + text[:first] + text[first:])
    code, out, _ = afi("import", "report", str(report), "--inspection", "PEEL16", "--dry-run",
                       cwd=fresh)
    assert code == 0
    assert "warning: 1 finding(s) not placed in an area of the report (lines 3)" in out
    assert not list((fresh / "afis").glob("*.toml"))
    code, _, err = afi("import", "report", str(report), "--inspection", "PEEL16", cwd=fresh)
    assert code == 0, err
    items = imported(fresh, "PEEL16")
    assert len(items) == 4
    placeless = next(i for i in items if "placeless" in i["title"])
    assert placeless["area"] == "No area"
    plan = tomllib.loads((fresh / "plan.toml").read_text())
    assert {"inspection": "PEEL16", "name": "No area"} in plan["areas"]
    assert afi("check", cwd=fresh)[0] == 0


def test_findings_sharing_an_ungraded_area_add_it_to_plan_toml_once(fresh, afi, tmp_path):
    report = tmp_path / "thematic.txt"
    report.write_text("A thematic inspection of fraud\n\nRecommendations\n\n"
                      "Recommendation 1\n\nChief constables should call every victim back.\n\n"
                      "Recommendation 2\n\nChief constables should adopt the care standard.\n")
    code, _, err = afi("import", "report", str(report), "--inspection", "FRAUD", cwd=fresh)
    assert code == 0, err
    assert len(imported(fresh, "FRAUD")) == 2
    areas = [a["name"] for a in tomllib.loads((fresh / "plan.toml").read_text())["areas"]]
    assert len(areas) == len(set(areas)) == 1, areas  # once, though two findings have it


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


def test_a_web_pages_navigation_and_cookie_banner_stay_out_of_the_inspection_title(fresh, afi):
    page = REPORTS / "corpus" / "peel2022-web.html"  # a banner, a menu, then <main>
    code, _, err = afi("import", "report", str(page), "--inspection", "WEB", cwd=fresh)
    assert code == 0, err
    inspection = tomllib.loads((fresh / "plan.toml").read_text())["inspections"][0]
    assert "PEEL 2021/22" in inspection["title"]
    for chrome in ("cookies", "Accept", "Home", "About us"):
        assert chrome not in inspection["title"], inspection["title"]


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
def kent(fresh, shipped_plan):
    """A fresh plan whose plan.toml has the shipped PEEL22 inspection and areas."""
    plan = tomllib.loads((shipped_plan / "plan.toml").read_text())
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
    assert len(items) == 19
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


# -- trackers matched to what a report import made ----------------------------------------------
README_FLOW = [("import", "report", str(REPORTS / "peel2022.txt"), "--inspection", "PEEL22"),
               ("import", "table", str(TRACKER), "--inspection", "PEEL22", "--update")]


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def readme_flow() -> list[str]:
    """The commands of README.md's "Starting a plan", as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Starting a plan"):]
    start = section.index("```sh\n") + 6
    block = section[start:section.index("\n```", start)]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def run_readme_flow(afi, checkout: Path) -> Path:
    """Runs the README's sequence from `checkout` (standing in for this repository's
    checkout, with its tests/data), as a shell would; returns the plan it made."""
    import shlex

    where, variables = checkout, {"PWD": str(checkout)}
    for line in readme_flow():
        for name, value in variables.items():
            line = line.replace(f"${name}", value)
        if "=" in line.split()[0] and not line.startswith("afi"):
            name, _, value = line.partition("=")
            variables[name] = shlex.split(value)[0]
        elif line.startswith("cd "):
            where = (where / line[3:].strip()).resolve()
        else:
            words = shlex.split(line)
            assert words[0] == "afi", line
            code, _, err = afi(*words[1:], cwd=where)
            assert code == 0, (line, err)
    return where


def test_the_readme_flow_gives_one_item_per_finding_and_repeats_change_nothing(tmp_path,
                                                                               afi):
    git(tmp_path, "config", "--global", "user.name", "Import Lead")
    git(tmp_path, "config", "--global", "user.email", "import@example.org")
    checkout = tmp_path / "afi"
    (checkout / "tests").mkdir(parents=True)
    (checkout / "tests" / "data").symlink_to(REPORTS.parent)
    fresh = run_readme_flow(afi, checkout)
    assert fresh == tmp_path / "kent-plan"
    assert readme_flow()[-1] == "afi check"
    items = imported(fresh, "PEEL22")
    assert len(items) == 19  # one per finding: the tracker added none
    by_title = {i["title"]: i for i in items}
    first = by_title["The force needs to improve the capacity and capability of its response "
                     "teams"]
    assert first["owner"] == "Supt Jane Hollis" and first["lead"] == "ACC Tom Reid"
    assert str(first["due"]) == "2023-02-28" and first["status"] == "in-progress"
    assert [a["text"] for a in first["actions"]][:2] == [
        "Recruit 69 officers to Local Policing", "Review tutoring for new officers"]
    assert first["updates"][0]["text"] == "43 officers posted to Local Policing Teams."
    assert first["evidence"] == [{"title": "Evidence", "location": r"\\fileserver\peel\afi1"}]
    assert all(i.get("owner") and i.get("lead") for i in items)
    assert afi("check", cwd=fresh)[0] == 0
    head = commits(fresh)
    code, out, err = afi(*README_FLOW[0], cwd=fresh)  # again: the report changes nothing
    assert code == 0 and out.startswith("nothing to change"), err
    code, out, err = afi(*README_FLOW[1], cwd=fresh)  # ... and nor does the tracker
    assert code == 0 and out.startswith("nothing to change"), err
    code, out, _ = afi(*README_FLOW[0], "--update", cwd=fresh)
    assert code == 0 and out.startswith("nothing to change")
    assert commits(fresh) == head
    assert git(fresh, "status", "--porcelain") == ""


def test_the_dry_run_shows_matches_ignored_columns_and_unread_cells(fresh, afi):
    assert afi(*README_FLOW[0], cwd=fresh)[0] == 0
    head = commits(fresh)
    code, out, _ = afi(*README_FLOW[1], "--dry-run", cwd=fresh)
    assert code == 0
    assert "rows 4-6: PEEL22-07 by wording, wording 1.00" in out
    assert "its number 1 is PEEL22-01's, but its wording is PEEL22-07's" in out
    assert "rows 9-10: PEEL22-19 by wording, wording 0.67" in out
    assert "differs: title: the plan has 'The force needs to review how it allocates" in out
    assert "ignored column: Exec sponsor" in out
    assert "not read: row 14: due 'TBC' in column 'Target date' is not a date" in out
    assert commits(fresh) == head and git(fresh, "status", "--porcelain") == ""


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_rows_match_by_number_by_wording_or_not_at_all(fresh, afi, tmp_path):
    assert afi("import", "report", str(REPORTS / "hmic2007.txt"), "--inspection", "HMIC07",
               cwd=fresh)[0] == 0
    items = {i["number"]: i for i in imported(fresh, "HMIC07")}
    tracker = write(tmp_path / "t.csv", [
        ["Ref", "Recommendation", "Owner", "Status", "Area"],
        ["Rec 3", "", "Supt Number", "In progress", ""],
        ["", items[5]["title"].replace("should", "must").upper(), "Supt Wording", "Complete",
         ""],
        ["", "Buy a fleet of police helicopters for every district", "Supt New", "",
         items[1]["area"]]])
    code, out, err = afi("import", "table", str(tracker), "--inspection", "HMIC07", "--dry-run",
                         cwd=fresh)
    assert code == 1 and "already exists" in out  # matches are refused without --update
    # Each refused row is shown under the id of the item it matched, not as '?'.
    rows = [line.split()[0] for line in out.splitlines()[1:] if not line.startswith(" ")]
    assert rows[:2] == [items[3]["id"], items[5]["id"]] and "?" not in rows
    code, out, err = afi("import", "table", str(tracker), "--inspection", "HMIC07",
                         "--update", cwd=fresh)
    assert code == 0, err
    after = {i["id"]: i for i in imported(fresh, "HMIC07")}
    assert after[items[3]["id"]]["owner"] == "Supt Number"
    assert after[items[5]["id"]]["owner"] == "Supt Wording"
    assert after[items[5]["id"]]["status"] == "complete"
    new = [i for i in after.values() if i.get("owner") == "Supt New"]
    assert len(new) == 1 and new[0]["id"] == f"HMIC07-{len(items) + 1:02d}"


def test_a_long_differing_field_is_shown_where_it_differs(fresh, afi, tmp_path):
    assert afi("import", "report", str(REPORTS / "hmic2007.txt"), "--inspection", "HMIC07",
               cwd=fresh)[0] == 0
    title = imported(fresh, "HMIC07")[0]["title"]
    assert len(title) > 80
    changed = title[:-1] + ("!" if not title.endswith("!") else "?")
    tracker = write(tmp_path / "t.csv", [["Ref", "Recommendation"], ["Rec 1", changed]])
    code, out, _ = afi("import", "table", str(tracker), "--inspection", "HMIC07", "--update",
                       "--dry-run", cwd=fresh)
    line = next(x for x in out.splitlines() if "differs: title:" in x)
    shown = line.split("the plan has ", 1)[1].split(", the source ")
    assert shown[0] != shown[1].split(": kept")[0], line  # not two identical beginnings
    assert changed[-1] in shown[1]


def test_a_differing_field_is_kept_unless_overwrite(fresh, afi, tmp_path):
    assert afi("import", "report", str(REPORTS / "hmic2007.txt"), "--inspection", "HMIC07",
               cwd=fresh)[0] == 0
    first = imported(fresh, "HMIC07")[0]
    tracker = write(tmp_path / "t.csv", [["Ref", "Recommendation", "Area", "Owner"],
                                         ["Rec 1", "", "Somewhere else", "Supt A"]])
    code, out, _ = afi("import", "table", str(tracker), "--inspection", "HMIC07", "--update",
                       "--dry-run", cwd=fresh)
    assert code == 0 and "differs: area:" in out and "kept (--overwrite replaces it)" in out
    assert afi("import", "table", str(tracker), "--inspection", "HMIC07", "--update",
               cwd=fresh)[0] == 0
    assert imported(fresh, "HMIC07")[0]["area"] == first["area"]
    plan = fresh / "plan.toml"
    plan.write_text(plan.read_text() + '\n[[areas]]\ninspection = "HMIC07"\n'
                                       'name = "Somewhere else"\n')
    git(fresh, "commit", "-qam", "another area")
    code, _, err = afi("import", "table", str(tracker), "--inspection", "HMIC07", "--update",
                       "--overwrite", cwd=fresh)
    assert code == 0, err
    assert imported(fresh, "HMIC07")[0]["area"] == "Somewhere else"
    assert afi("import", "table", str(tracker), "--inspection", "HMIC07", "--overwrite",
               cwd=fresh)[0] == 2


def test_wording_score_is_the_jaccard_of_content_words():
    assert wording_words("The force should improve its investigations") == {"improve",
                                                                              "investigation"}
    assert similarity("The force needs to improve investigations",
                      "Improve the investigation") == 1.0
    assert similarity("Improve call handling", "Improve response times") == 0.2
    assert 0 < WORDING_THRESHOLD < 1


def test_matching_a_thousand_rows_is_indexed():
    """The matcher looks only at items sharing a word with the row."""
    from tui.core.imports.tracker_matching import Matcher

    class Item:
        def __init__(self, n):
            self.id, self.title = f"X-{n:04d}", f"alpha{n} beta{n} gamma{n} shared"
            self.data = {"inspection": "X", "number": n, "kind": "afi"}

        def get(self, key, default=None):
            return self.data.get(key, default)

    matcher = Matcher([Item(n) for n in range(1000)])
    found = matcher.match(None, "X", "afi", None, "alpha7 beta7 gamma7 shared")
    assert found.item.id == "X-0007" and found.how == "wording"
    assert matcher.match(None, "X", "afi", 12, None).item.id == "X-0012"
    assert matcher.match(None, "X", "afi", None, "nothing alike").item is None


class Recorder:
    """A Progress that keeps what it was told."""

    def __init__(self):
        self.calls: list[tuple] = []

    def start(self, what, total):
        self.calls.append(("start", what, total))

    def advance(self, steps=1):
        self.calls.append(("advance", steps))

    def finish(self):
        self.calls.append(("finish",))

    def stages(self) -> dict[str, int]:
        """Each stage's total and the steps advanced in it (checked to agree)."""
        out, current, done = {}, None, 0
        for call in self.calls:
            if call[0] == "start":
                current, done = call[1:], 0
            elif call[0] == "advance":
                done += call[1]
            elif current is not None:
                assert current[1] in (None, done), (current, done)
                out[current[0]] = done
                current = None
        return out


def test_imports_report_their_progress(fresh):
    from tui.core.imports import apply as importer
    from tui.core.imports.inspection_files import report_text
    from tui.core.imports.inspection_findings import find_findings
    from tui.core.imports.tracker_import import read_table
    from tui.core.plan import Plan

    plan = Plan(fresh)
    source = REPORTS / "peel2022.txt"
    recorder = Recorder()
    importer.plan_report(plan, find_findings(report_text(source)), source, "PEEL22",
                         progress=recorder)
    assert recorder.stages() == {"Reading findings": 19, "Matching findings to the plan": 19}
    recorder = Recorder()
    table = read_table(TRACKER, plan.config, "PEEL22", progress=recorder)
    importer.plan_table(plan, table, TRACKER, "PEEL22", progress=recorder)
    assert recorder.stages() == {"Reading rows": 31, "Matching rows to the plan": 19}


def test_two_rows_matching_one_item_or_a_tie_are_refused(fresh, afi, tmp_path):
    assert afi("import", "report", str(REPORTS / "hmic2007.txt"), "--inspection", "HMIC07",
               cwd=fresh)[0] == 0
    first = imported(fresh, "HMIC07")[0]
    head = commits(fresh)
    twice = write(tmp_path / "twice.csv", [["Ref", "Recommendation", "Owner"],
                                           ["Rec 1", "", "Supt A"],
                                           ["", first["title"], "Supt B"]])
    code, _, err = afi("import", "table", str(twice), "--inspection", "HMIC07", "--update",
                       cwd=fresh)
    assert code == 1 and f"{first['id']} is matched by row 2 too" in err
    assert commits(fresh) == head and git(fresh, "status", "--porcelain") == ""


def test_a_wording_tie_names_both_items():
    from tui.core.imports.tracker_matching import Matcher

    class Item:
        def __init__(self, item_id, title):
            self.id, self.title, self.data = item_id, title, {"inspection": "X", "kind": "afi"}

        def get(self, key, default=None):
            return self.data.get(key, default)

    matcher = Matcher([Item("X-01", "Improve call handling at night"),
                       Item("X-02", "Improve call handling at weekends")])
    found = matcher.match(None, "X", "afi", None, "Improve call handling")
    assert found.item is None and "X-01 and X-02" in found.problem
    assert "give the id or number" in found.problem

