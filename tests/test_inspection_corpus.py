"""The corpus of report layouts (tests/data/reports/corpus): each report, imported into a
new plan, gives exactly the items its sidecar (`NAME.expected.json`) lists, with their
kinds, numbers, areas, wording and links, and plan.toml the grades; and trackers (CSV and
XLSX) whose rows match those items by number, by wording and not at all."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from .conftest import git

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "reports" / "corpus"
SIDECARS = sorted(CORPUS.glob("*.expected.json"))


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def new_plan(tmp_path, afi):
    git(tmp_path, "config", "--global", "user.name", "Import Lead")
    git(tmp_path, "config", "--global", "user.email", "import@example.org")
    assert afi("init", "plan", "--title", "Corpus", cwd=tmp_path)[0] == 0
    return tmp_path / "plan"


def source_of(expected: dict, tmp_path: Path) -> Path:
    source = CORPUS / expected["source"]
    if source.suffix == ".pdf":  # made here from its text, with running header and footer
        return load("make_report_pdf").make(source.with_suffix(".txt"), tmp_path / source.name)
    return source


def items_of(plan: Path) -> list[dict]:
    out = []
    for path in sorted((plan / "afis").glob("*.toml")):
        data = tomllib.loads(path.read_text())
        item = {key: data[key] for key in ("id", "kind", "number", "area", "title")}
        if data.get("links"):
            item["links"] = data["links"]
        out.append(item)
    return out


def test_the_corpus_has_a_layout_for_every_family_and_quirk():
    sources = {json.loads(p.read_text())["source"] for p in SIDECARS}
    assert len(sources) >= 8
    assert {Path(s).suffix for s in sources} >= {".txt", ".html", ".pdf"}


@pytest.mark.parametrize("sidecar", SIDECARS, ids=lambda p: p.name.split(".")[0])
def test_each_layout_imports_with_its_findings(new_plan, afi, tmp_path, sidecar):
    expected = json.loads(sidecar.read_text(encoding="utf-8"))
    source = source_of(expected, tmp_path)
    code, out, err = afi("import", "report", str(source), "--inspection",
                         expected["inspection"], "--dry-run", cwd=new_plan)
    assert code == 0, err
    assert not list((new_plan / "afis").glob("*.toml"))  # the dry run wrote nothing
    code, out, err = afi("import", "report", str(source), "--inspection",
                         expected["inspection"], cwd=new_plan)
    assert code == 0, err
    assert items_of(new_plan) == expected["items"]
    plan = tomllib.loads((new_plan / "plan.toml").read_text())
    assert {a["name"]: a["grade"] for a in plan["areas"] if a.get("grade")} == \
        expected["grades"]
    assert afi("check", cwd=new_plan)[0] == 0


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_tracker_matches_by_number_by_wording_and_not_at_all(new_plan, afi, tmp_path,
                                                                 form):
    report = CORPUS / "peel2022-contents.txt"
    assert afi("import", "report", str(report), "--inspection", "H22", cwd=new_plan)[0] == 0
    tracker = CORPUS / "peel2022-contents-tracker.csv"
    if form == "xlsx":
        tracker = load("make_tracker_xlsx").make(tmp_path / "tracker.xlsx", tracker)
    head = git(new_plan, "rev-parse", "HEAD")
    code, out, err = afi("import", "table", str(tracker), "--inspection", "H22", "--update",
                         "--dry-run", cwd=new_plan)
    assert code == 0, err
    assert "row 4: H22-01 by number" in out
    assert "row 5: H22-02 by number, wording 0.67" in out
    assert "row 6: H22-03 by wording, wording 0.75" in out
    assert "row 7: new" in out
    assert "ignored column: Exec sponsor" in out
    assert "not read: row 5: due 'TBC' in column 'Target date' is not a date" in out
    assert git(new_plan, "rev-parse", "HEAD") == head
    code, _, err = afi("import", "table", str(tracker), "--inspection", "H22", "--update",
                       cwd=new_plan)
    assert code == 0, err
    items = {i["id"]: i for i in (tomllib.loads(p.read_text())
                                  for p in (new_plan / "afis").glob("*.toml"))}
    assert len(items) == 5
    assert items["H22-01"]["owner"] == "Supt Ann One"
    assert items["H22-01"]["updates"][0]["text"] == "Dashboard live."
    assert items["H22-02"]["title"].startswith("The force should make sure that investigations")
    assert items["H22-03"]["owner"] == "DI Dan Three"
    assert items["H22-03"]["actions"] == [{"text": "Sergeants' review checklist",
                                           "done": False}]
    assert items["H22-05"]["title"] == "The force should open a second custody suite in " \
                                       "the north"
    head = git(new_plan, "rev-parse", "HEAD")
    code, out, _ = afi("import", "table", str(tracker), "--inspection", "H22", "--update",
                       cwd=new_plan)
    assert code == 0 and out.startswith("nothing to change")
    assert git(new_plan, "rev-parse", "HEAD") == head
