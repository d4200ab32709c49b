"""Reading a force's tracker (CSV or Excel) as items: tui/core/table_import.py."""

from __future__ import annotations

import csv
import importlib.util
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tui.core.errors import ImportRefused
from tui.core.imports.tracker_dates import DATE_FORMS, parse_date
from tui.core.imports.tracker_import import read_table
from tui.core.model.items import Area, Inspection, PlanConfig
from tui.core.model.validate import check_item
from tui.core.pack.model import Closure, ReportData, ReportItem, Revision, Update
from tui.core.pack.render import render_csv
from tui.core.store.reading import load_config

from .conftest import git

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent

CONFIG = PlanConfig(
    title="Test force",
    inspections=(Inspection("PEEL22", "PEEL 2021/22"), Inspection("HMIC07", "HMIC 2007")),
    areas=(Area("PEEL22", "Responding to the public"), Area("PEEL22", "Investigating crime")),
)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def read(tmp_path: Path, rows: list[list[str]], **kwargs):
    return read_table(write_csv(tmp_path / "tracker.csv", rows), CONFIG, **kwargs)


def by_ref(result) -> dict:
    return {item.ref: item for item in result.items}


def messages(result) -> list[tuple[int, str]]:
    return [(p.row, p.message) for p in result.problems]


# ---------------------------------------------------------------------------- headings


def test_messy_headings_are_recognised_and_the_rest_listed_as_ignored(tmp_path):
    result = read(tmp_path, [
        ["  AFI  no. ", "INSPECTION-AREA", "Area for Improvement (AFI)", "Action(s)",
         "Business Owner:", "SRO", "Anticipated completion date", "RAG status", "Progress",
         "Date of update", "Type", "Finance code", ""],
        ["AFI 1", "Responding to the public", "Answer calls", "Recruit", "Supt A", "ACC B",
         "31/03/2023", "Green", "Started", "01/02/2023", "AFI", "X1", ""],
    ], inspection="PEEL22")
    assert result.headings == {
        "AFI no.": "ref", "INSPECTION-AREA": "area", "Area for Improvement (AFI)": "title",
        "Action(s)": "action", "Business Owner:": "owner", "SRO": "lead",
        "Anticipated completion date": "due", "RAG status": "rag", "Progress": "update",
        "Date of update": "update.date", "Type": "kind"}
    assert result.ignored == ["Finance code"]
    assert result.problems == []
    item = result.items[0]
    assert item.fields == {
        "kind": "afi", "inspection": "PEEL22", "number": 1, "area": "Responding to the public",
        "title": "Answer calls", "status": "in-progress", "owner": "Supt A", "lead": "ACC B",
        "due": date(2023, 3, 31)}
    assert item.updates == [{"date": date(2023, 2, 1), "text": "Started"}]
    assert "row 2: status in-progress from RAG 'Green'" in item.notes


@pytest.mark.parametrize(("heading", "field"), [
    ("AFI", "ref"), ("Ref", "ref"), ("Reference", "ref"), ("No.", "ref"), ("Number", "ref"),
    ("AFI No", "ref"), ("ID", "ref"), ("#", "ref"), ("Area", "area"), ("Theme", "area"),
    ("Finding", "title"), ("Description", "title"), ("AFI description", "title"),
    ("Title", "title"), ("Detail", "detail"), ("Explanation", "detail"), ("Actions", "action"),
    ("Action taken", "action"), ("Activity", "action"), ("Owner", "owner"),
    ("Action owner", "action.owner"), ("Lead", "lead"), ("Chief officer lead", "lead"),
    ("Exec lead", "lead"), ("Due", "due"), ("Target date", "due"), ("Deadline", "due"),
    ("Completion date", "due"), ("Status", "status"), ("RAG", "rag"),
    ("Latest update", "update"), ("Comments", "update"), ("Update date", "update.date"),
    ("Kind", "kind"), ("Inspection", "inspection"), ("Group", "group"), ("Tags", "tags"),
    ("Accountable officer", "lead"), ("Recommendation / AFI", "title"),
    ("AFI / recommendation", "ref"), ("Owner/Lead", "owner"),
])
def test_heading_synonyms(tmp_path, heading, field):
    other = "Owner" if field != "owner" else "Status"
    result = read(tmp_path, [[heading, other, "Title" if field != "title" else "AFI"]])
    assert result.headings[heading] == field


@pytest.mark.parametrize(("heading", "field"), [
    ("HMICFRS Area", "area"), ("HMIC area", "area"), ("Target Completion", "due"),
    ("Target end date", "due"), ("Due by", "due"),
])
def test_headings_a_force_tracker_uses(tmp_path, heading, field):
    """Headings from forces' own trackers, read without a --map."""
    result = read(tmp_path, [[heading, "Owner", "Title"]])
    assert result.headings[heading] == field


def test_a_column_whose_heading_says_rag_in_brackets_is_read_as_the_rag(tmp_path):
    # "Progress (RAG)" holds Red, Amber and Green: never progress updates reading "Amber".
    result = read(tmp_path, [["AFI", "Finding", "Progress (RAG)", "Commentary"],
                             ["1", "Answer calls", "Green", "Started"]], inspection="PEEL22")
    assert result.headings["Progress (RAG)"] == "rag"
    item = result.items[0]
    assert [u["text"] for u in item.updates] == ["Started"]
    assert item.fields["status"] == "in-progress"
    assert read(tmp_path, [["AFI", "Area for improvement (AFI)", "Target date (dd/mm/yy)"]]
                ).headings == {"AFI": "ref", "Area for improvement (AFI)": "title",
                               "Target date (dd/mm/yy)": "due"}  # other asides still dropped


def test_a_second_column_for_the_same_field_is_noted_not_read(tmp_path):
    result = read(tmp_path, [["AFI", "Description", "Finding", "Owner", "Responsible officer"],
                             ["1", "More", "Title", "A", "B"]])
    # Description is the title, else the detail; Finding can only be the title
    assert result.headings["Finding"] == "title"
    assert result.headings["Description"] == "detail"
    assert result.items[0].fields["detail"] == "More"
    assert "Responsible officer" in result.ignored
    assert "column 'Responsible officer' not read: owner already comes from 'Owner'" \
        in result.notes
    result = read(tmp_path, [["AFI", "Finding", "Detail", "Description"], ["1", "T", "D", "X"]])
    assert result.ignored == ["Description"]
    assert ("column 'Description' not read: title and detail already come from 'Finding' and "
            "'Detail'") in result.notes


# ---------------------------------------------------------------------------- --map


def test_map_overrides_and_adds_columns(tmp_path):
    rows = [["Ref", "Finding", "Target date", "Revised target", "Workstream lead", "Notes"],
            ["AFI 1", "Answer calls", "31/03/2023", "30/06/2023", "Supt A", "internal"]]
    result = read(tmp_path, rows, mapping={"revised TARGET": "due", "Workstream lead": "owner",
                                           "notes": "ignore", "target date": "action.due"})
    assert result.headings == {"Ref": "ref", "Finding": "title", "Target date": "action.due",
                               "Revised target": "due", "Workstream lead": "owner",
                               "Notes": "ignore"}
    assert result.ignored == ["Notes"]
    item = result.items[0]
    assert item.fields["due"] == date(2023, 6, 30)
    assert item.fields["owner"] == "Supt A"


def test_map_field_names_and_board_pack_spellings(tmp_path):
    rows = [["Ref", "Finding", "Signed", "Where", "When", "Our id"],
            ["1", "T", "DCC", "FIB", "01/06/2023", "PEEL22-01"]]
    result = read(tmp_path, rows, mapping={"Signed": "closure_approved_by",
                                           "Where": "closure.board", "When": "Closure Date",
                                           "Our id": "id"})
    item = result.items[0]
    assert item.closure == {"approved_by": "DCC", "board": "FIB", "date": date(2023, 6, 1)}
    assert item.item_id == "PEEL22-01"


def test_map_to_an_unknown_field_is_an_error_listing_the_fields(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Ref", "Finding"], ["1", "T"]])
    with pytest.raises(ImportRefused) as error:
        read_table(path, CONFIG, mapping={"Finding": "wording"})
    text = str(error.value)
    assert "--map Finding=wording: afi has no field 'wording'" in text
    for name in ("title", "owner", "due", "action.owner", "update.date", "closure.board",
                 "ignore"):
        assert name in text


def test_map_of_a_heading_the_file_lacks_is_an_error(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Ref", "Finding"], ["1", "T"]])
    with pytest.raises(ImportRefused, match=r"has no heading 'Owner name' \(its headings: Ref, "
                                         r"Finding\)"):
        read_table(path, CONFIG, mapping={"Owner name": "owner"})


def test_map_makes_a_header_row_of_unknown_words(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Key", "Text", "Who"], ["K1", "Do it", "Sgt C"]])
    with pytest.raises(ImportRefused, match="no heading row found"):
        read_table(path, CONFIG)
    result = read_table(path, CONFIG, mapping={"Key": "ref", "Text": "title", "Who": "owner"})
    assert result.items[0].fields["owner"] == "Sgt C"


# ---------------------------------------------------------------------------- rows to items


def test_rows_sharing_a_reference_are_one_item_with_an_action_each(tmp_path):
    result = read(tmp_path, [
        ["AFI", "Area", "Finding", "Action", "Owner", "Due", "Status", "Update"],
        ["AFI 3", "Investigating crime", "Improve  investigations", "File review", "Supt A",
         "31/03/2023", "In progress", "12/01/2023: started"],
        ["", "", "", "Supervisor training", "Insp B", "30/06/2023", "Complete",
         "03/03/2023: trained 40"],  # merged cells: belongs to AFI 3
        ["AFI 4", "Investigating crime", "Update victims", "Audit", "DCI C", "31/12/2023",
         "Not started", ""],
        ["afi-3", "", "", "Dip sampling", "Supt A", "31/03/2023", "In progress",
         "12/01/2023: started"],  # the same reference later, spelt differently
    ])
    items = by_ref(result)
    assert list(items) == ["AFI 3", "AFI 4"]
    afi3 = items["AFI 3"]
    assert afi3.rows == [2, 3, 5]
    assert afi3.fields["title"] == "Improve investigations"
    assert afi3.fields["owner"] == "Supt A"
    assert afi3.fields["due"] == date(2023, 3, 31)
    assert afi3.fields["status"] == "in-progress"
    assert afi3.actions == [
        {"text": "File review", "done": False, "owner": "Supt A", "due": date(2023, 3, 31)},
        {"text": "Supervisor training", "done": True, "owner": "Insp B",
         "due": date(2023, 6, 30)},
        {"text": "Dip sampling", "done": False, "owner": "Supt A", "due": date(2023, 3, 31)},
    ]
    assert afi3.updates == [{"date": date(2023, 1, 12), "text": "started"},
                            {"date": date(2023, 3, 3), "text": "trained 40"}]
    assert "an action is due 2023-06-30, after the item's due date 2023-03-31" in afi3.notes


def test_actions_keep_the_item_values_only_when_they_differ(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action", "Owner", "Due"],
        ["1", "Same owner", "A", "Supt A", "31/03/2023"],
        ["1", "", "B", "Supt A", "31/03/2023"],
        ["2", "AFI row then action rows", "", "Supt A", "31/12/2023"],
        ["", "", "C", "Insp B", "30/06/2023"],
        ["", "", "D", "", ""],
    ])
    items = by_ref(result)
    assert items["1"].actions == [{"text": "A", "done": False}, {"text": "B", "done": False}]
    assert items["2"].fields["owner"] == "Supt A"
    assert items["2"].actions == [
        {"text": "C", "done": False, "owner": "Insp B", "due": date(2023, 6, 30)},
        {"text": "D", "done": False}]


def test_action_columns_are_always_per_action(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action", "Action owner", "Action due", "Action status"],
        ["1", "T", "A", "Sgt A", "31/01/2023", "Complete"],
        ["1", "", "B", "Sgt B", "28/02/2023", "No"],
        ["1", "", "C", "Sgt A", "Mar-23", "Y"],
    ])
    item = result.items[0]
    assert item.actions == [
        {"text": "A", "done": True, "owner": "Sgt A", "due": date(2023, 1, 31)},
        {"text": "B", "done": False, "owner": "Sgt B", "due": date(2023, 2, 28)},
        {"text": "C", "done": True, "owner": "Sgt A", "due": date(2023, 3, 31)}]
    # no owner or due column of its own: the first action's owner, the latest action date
    assert item.fields["owner"] == "Sgt A"
    assert item.fields["due"] == date(2023, 3, 31)
    assert item.fields["status"] == "in-progress"
    assert "status in-progress: 2 of 3 actions done" in item.notes
    assert "due 2023-03-31: the latest of its actions' due dates" in item.notes


def test_a_row_without_an_action_that_disagrees_is_noted(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Owner", "Update"],
                             ["1", "T", "Supt A", ""],
                             ["1", "T", "Supt B", "later"]])
    item = result.items[0]
    assert item.fields["owner"] == "Supt A"
    assert ("row 3: owner 'Supt B' differs from row 2's 'Supt A', and the row has no action "
            "to give it to: row 2's kept") in item.notes


def test_rows_without_a_reference_go_by_title_or_the_row_above(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action"],
        ["", "Improve call handling", "Recruit"],
        ["", "Improve call handling", "Train"],   # the same title: the same item
        ["", "", "Audit"],                       # nothing: the item above
        ["", "Reduce  demand", "Model it"],       # a new title: a new item, ref = title
        ["", "Improve call handling", "Review"],  # back to the first, by title
    ])
    items = by_ref(result)
    assert list(items) == ["Improve call handling", "Reduce demand"]
    assert [a["text"] for a in items["Improve call handling"].actions] == \
        ["Recruit", "Train", "Audit", "Review"]
    assert "number" not in items["Reduce demand"].fields


def test_a_first_row_with_nothing_to_continue_is_a_problem(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Action", "Owner"], ["", "", "Orphan", "A"]])
    assert result.items == []
    assert messages(result) == [(2, "no reference or title, and no item above it to add to")]


def test_sub_references_are_actions_of_the_item_above(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action", "Owner"],
        ["AFI 1", "Improve response", "", "Supt A"],
        ["AFI 1.1", "Recruit officers", "", "Insp B"],
        ["AFI 1.2", "", "Train tutors", "Insp C"],
        ["AFI 10", "A different AFI", "", ""],
    ])
    items = by_ref(result)
    assert list(items) == ["AFI 1", "AFI 10"]
    afi1 = items["AFI 1"]
    assert afi1.fields["title"] == "Improve response"
    assert afi1.actions == [{"text": "Recruit officers", "done": False, "owner": "Insp B"},
                            {"text": "Train tutors", "done": False, "owner": "Insp C"}]
    assert "row 3: 'AFI 1.1' read as an action of 'AFI 1' (its title cell is the action)" \
        in afi1.notes
    assert items["AFI 10"].fields["number"] == 10


def test_section_heading_rows_give_the_area_when_there_is_no_area_column(tmp_path):
    result = read(tmp_path, [
        ["AFI", "Finding", "Owner"],
        ["Responding to the public", "", ""],
        ["1", "Answer calls", "A"],
        ["Investigating crime", "", ""],
        ["2", "Better files", "B"],
    ])
    items = by_ref(result)
    assert items["1"].fields["area"] == "Responding to the public"
    assert items["2"].fields["area"] == "Investigating crime"
    assert "area 'Responding to the public' from the heading row 2" in items["1"].notes


def test_section_heading_rows_are_skipped_when_there_is_an_area_column(tmp_path):
    result = read(tmp_path, [["AFI", "Area", "Finding"],
                             ["Theme 1", "", ""],
                             ["1", "Responding to the public", "Answer calls"]])
    assert [i.ref for i in result.items] == ["1"]
    assert "row 2 skipped: 'Theme 1' (a heading: one cell filled)" in result.notes


def test_a_cell_listing_actions_is_several_actions(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Actions"],
                             ["1", "T", "1. Review files\n2. Train   staff\n3) Audit"],
                             ["2", "U", "Review files\nand then train staff"]])
    items = by_ref(result)
    assert [a["text"] for a in items["1"].actions] == ["Review files", "Train staff", "Audit"]
    assert "row 2: 3 actions read from one cell (a list)" in items["1"].notes
    assert [a["text"] for a in items["2"].actions] == ["Review files\nand then train staff"]


def test_the_reference_column_holding_sentences_is_the_title(tmp_path):
    result = read(tmp_path, [["AFI", "Owner"],
                             ["The force should improve its call handling times", "A"],
                             ["The force should make sure victims are kept updated", "B"]])
    assert result.headings["AFI"] == "title"
    assert result.items[0].fields["title"] == "The force should improve its call handling times"
    assert result.items[0].ref == result.items[0].fields["title"]


def test_kind_number_and_inspection(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Type", "Inspection"],
        ["Rec 2", "A recommendation", "", "peel 2021/22"],
        ["R3", "Another", "", "HMIC07"],
        ["CoC 1", "A cause of concern", "", ""],
        ["PEEL22-07", "An AFI", "Area for improvement", "PEEL22"],
        ["4", "Typed", "Recommendation", "Unknown inspection"],
        ["5", "Bad kind", "Observation", ""],
    ], inspection="peel22")
    items = by_ref(result)
    assert items["Rec 2"].fields["kind"] == "recommendation"
    assert items["Rec 2"].fields["number"] == 2
    assert items["Rec 2"].fields["inspection"] == "PEEL22"  # by its title
    assert items["R3"].fields["kind"] == "recommendation"
    assert "kind recommendation from the reference 'R3'" in items["R3"].notes
    assert items["R3"].fields["inspection"] == "HMIC07"
    assert items["CoC 1"].fields["kind"] == "cause-of-concern"
    assert items["CoC 1"].fields["inspection"] == "PEEL22"  # --inspection, canonical case
    assert items["PEEL22-07"].fields["number"] == 7
    assert items["PEEL22-07"].item_id is None
    assert items["4"].fields["kind"] == "recommendation"
    assert "inspection 'Unknown inspection' is not in plan.toml" in items["4"].notes
    assert messages(result) == [(7, "kind 'Observation' in column 'Type' is not a kind: use "
                                    "afi, recommendation, cause-of-concern (or AFI, Rec, CoC)")]


def test_inspection_argument_and_the_plans_only_inspection(tmp_path):
    rows = [["Ref", "Finding"], ["1", "T"]]
    assert read(tmp_path, rows).items[0].fields.get("inspection") is None
    assert read(tmp_path, rows, inspection="HMIC07").items[0].fields["inspection"] == "HMIC07"
    single = PlanConfig(title="t", inspections=(Inspection("PEEL22"),))
    result = read_table(write_csv(tmp_path / "one.csv", rows), single)
    assert result.items[0].fields["inspection"] == "PEEL22"
    assert "no inspection column: items are PEEL22, the plan's only inspection" in result.notes


def test_areas_take_the_plans_spelling(tmp_path):
    result = read(tmp_path, [["Ref", "Area", "Finding"],
                             ["1", "responding TO the  public", "T"],
                             ["2", "Neighbourhoods", "U"]], inspection="PEEL22")
    items = by_ref(result)
    assert items["1"].fields["area"] == "Responding to the public"
    assert items["2"].fields["area"] == "Neighbourhoods"
    assert "area 'Neighbourhoods' is not one of the areas plan.toml lists for PEEL22" \
        in items["2"].notes


def test_text_is_tidied_but_line_breaks_kept_in_actions_updates_and_detail(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Detail", "Action", "Update", "Owner", "Tags"],
        [" 1 ", "  The force\nshould   improve\u00a0this ", "Para one.\r\n\r\n\r\nPara  two.",
         "Step  one\r\n  step two  ", "Said   this\nand that", " Supt   A ", "fib; quick, fib"],
    ])
    item = result.items[0]
    assert item.ref == "1"
    assert item.fields["title"] == "The force should improve this"
    assert item.fields["detail"] == "Para one.\n\nPara two."
    assert item.fields["owner"] == "Supt A"
    assert item.fields["tags"] == ["fib", "quick"]
    assert item.actions == [{"text": "Step one\nstep two", "done": False}]
    assert item.updates == [{"date": None, "text": "Said this\nand that"}]
    assert "1 update without a date" in item.notes


# ---------------------------------------------------------------------------- updates


def test_updates_with_dates_in_the_text_or_a_column_in_date_order_each_once(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action", "Latest update", "Update date", "Updated by"],
        ["1", "T", "A", "[12 May 2023] Second", "", "Insp A"],
        ["1", "", "B", "First", "3/4/23", ""],
        ["1", "", "C", "05/06/2023 - Third\nstill third\n2023-07-01: Fourth", "", ""],
        ["1", "", "D", "First", "03/04/2023", ""],        # the same update again: once
        ["1", "", "E", "12/05/2023: Second", "", ""],      # again, from another column form
        ["1", "", "F", "No date here", "", ""],
        ["1", "", "G", "01/01/2023: Zeroth", "02/01/2023", ""],
    ])
    item = result.items[0]
    assert item.updates == [
        {"date": date(2023, 1, 1), "text": "Zeroth"},
        {"date": date(2023, 4, 3), "text": "First"},
        {"date": date(2023, 5, 12), "by": "Insp A", "text": "Second"},
        {"date": date(2023, 6, 5), "text": "Third\nstill third"},
        {"date": date(2023, 7, 1), "text": "Fourth"},
        {"date": None, "text": "No date here"},
    ]
    assert "row 4: 2 dated updates read from one 'Latest update' cell" in item.notes
    assert ("row 8: update dated 2023-01-01 in its text, 2023-01-02 in the update date "
            "column: the text's date kept") in item.notes


def test_several_update_columns_are_all_read(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Update (Q1)", "Update (Q2)"],
                             ["1", "T", "31/03/2023: Q1 news", "30/06/2023: Q2 news"]])
    assert result.headings == {"Ref": "ref", "Finding": "title", "Update (Q1)": "update",
                               "Update (Q2)": "update"}
    assert [u["text"] for u in result.items[0].updates] == ["Q1 news", "Q2 news"]


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("text", "expected"), [
    ("31/03/2023", date(2023, 3, 31)),
    ("31/3/23", date(2023, 3, 31)),
    ("1/4/2023", date(2023, 4, 1)),
    ("31.03.2023", date(2023, 3, 31)),
    ("31-03-2023", date(2023, 3, 31)),
    ("31-Mar-23", date(2023, 3, 31)),
    ("31 March 2023", date(2023, 3, 31)),
    ("31st March 2023", date(2023, 3, 31)),
    ("1 Sept 2023", date(2023, 9, 1)),
    ("March 2023", date(2023, 3, 31)),
    ("Feb 2024", date(2024, 2, 29)),
    ("Mar-23", date(2023, 3, 31)),
    ("End of June 2023", date(2023, 6, 30)),
    ("Q1 2023", date(2023, 3, 31)),
    ("Q2 2023", date(2023, 6, 30)),
    ("q4 23", date(2023, 12, 31)),
    ("2023 Q3", date(2023, 9, 30)),
    ("2023-Q2", date(2023, 6, 30)),
    ("2023-03-31", date(2023, 3, 31)),
    ("2023-03-31 00:00:00", date(2023, 3, 31)),
    ("31/03/2023 00:00", date(2023, 3, 31)),
    ("  31/03/2023  ", date(2023, 3, 31)),
])
def test_date_forms(text, expected):
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize("text", ["", "TBC", "tba", "N/A", "n/a", "-", "\u2013", "None"])
def test_no_date(text):
    assert parse_date(text) == (None, None)


def test_loose_dates_are_noted():
    assert parse_date("45016") == (date(2023, 3, 31),
                                   "'45016' read as an Excel date number: 2023-03-31")
    assert parse_date(45016) == (date(2023, 3, 31), "Excel date number 45016 read as 2023-03-31")
    assert parse_date("Ongoing") == (None, "'Ongoing' read as no date")
    assert parse_date(datetime(2023, 3, 31, 0, 0)) == (date(2023, 3, 31), None)
    assert parse_date(date(2023, 3, 31)) == (date(2023, 3, 31), None)


@pytest.mark.parametrize("text", ["31/02/2023", "30/13/2023", "2023", "soon", "Q5 2023",
                                  "12345", "32-Mar-23", "Marchember 2023", "31/03/2023 revised",
                                  "Q2 2023/24", "31/03/0023", "1/1/1900"])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_bad_dates_are_problems_naming_row_column_and_value(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Action", "Target date", "Action due", "Latest update",
         "Update date", "Due"],
        ["1", "T", "A", "31/02/2023", "", "", "", ""],
        ["2", "U", "B", "", "soon", "text", "yesterday", "Q2 2023/24"],
        ["3", "V", "C", "31/03/2023", "", "", "", ""],
    ])
    forms = f"use {DATE_FORMS}"
    assert forms == "use 31/03/2023, 31-Mar-23, March 2023, Q1 2023 or 2023-03-31"
    assert messages(result) == [
        (2, f"due '31/02/2023' in column 'Target date' is not a date (no such date): {forms}"),
        (3, f"action.due 'soon' in column 'Action due' is not a date: {forms}"),
        (3, f"update.date 'yesterday' in column 'Update date' is not a date: {forms}"),
    ]
    # "Due" is a second due column: not read, so its bad value is no problem
    assert "Due" in result.ignored
    items = by_ref(result)
    assert "due" not in items["1"].fields  # the bad value is left out, the row still read
    assert items["1"].fields["title"] == "T"
    assert items["3"].fields["due"] == date(2023, 3, 31)


def test_financial_year_quarters_ask_for_a_date(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Due"], ["1", "T", "Q2 2023/24"]])
    assert messages(result) == [
        (2, "due 'Q2 2023/24' is not a date (quarters are read as calendar quarters (Q1 = "
            "January to March): give Q3 2023 or a date): use 31/03/2023, 31-Mar-23, March 2023, "
            "Q1 2023 or 2023-03-31")]


# ---------------------------------------------------------------------------- statuses


def test_status_words(tmp_path):
    rows = [["Ref", "Finding", "Status"]]
    words = ["Not started", "Not yet started", "In Progress", "in-progress", "Ongoing",
             "On track", "On hold", "Amber", "Complete", "Completed", "Delivered", "Blue",
             "Superseded", "Withdrawn", "Complete - awaiting sign off"]
    rows += [[str(n), f"T{n}", word] for n, word in enumerate(words, 1)]
    result = read(tmp_path, rows)
    assert result.problems == []
    statuses = [item.fields["status"] for item in result.items]
    assert statuses == ["not-started", "not-started", "in-progress", "in-progress",
                        "in-progress", "in-progress", "in-progress", "in-progress", "complete",
                        "complete", "complete", "complete", "superseded", "superseded",
                        "complete"]
    notes = {item.ref: item.notes for item in result.items}
    assert notes["7"] == ["row 8: status 'On hold' mapped to in-progress"]
    assert notes["8"] == ["row 9: status 'Amber' mapped to in-progress"]
    assert notes["12"] == ["row 13: status 'Blue' mapped to complete"]
    assert notes["14"] == ["row 15: status 'Withdrawn' mapped to superseded"]
    assert notes["3"] == notes["5"] == notes["9"] == []


def test_unknown_status_and_rag_words_are_problems_listing_the_words_known(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Current status", "RAG"],
                             ["1", "T", "Parked", ""],
                             ["2", "U", "", "Purple"]])
    (row1, status), (row2, rag) = messages(result)
    assert (row1, row2) == (2, 3)
    assert status.startswith("status 'Parked' in column 'Current status' is not a status afi "
                             "knows; it knows not-started: not started, not yet started")
    assert "in-progress: in progress, ongoing" in status
    assert "closed: closed, signed off" in status
    assert status.endswith("(or add the word to the plan's status words)")
    assert rag.startswith("RAG 'Purple' is not a status afi knows; it knows ")
    assert "amber" in rag and "blue" in rag
    assert result.items[0].fields["status"] == "not-started"  # the first status: noted
    assert "no status given: not-started" in result.items[0].notes


def test_status_word_table_overrides_the_defaults(tmp_path):
    rows = [["Ref", "Finding", "Status", "RAG"],
            ["1", "T", "Parked", ""],
            ["2", "U", "Green", ""],
            ["3", "V", "", "G"]]
    result = read(tmp_path, rows, status_words={"parked": "in-progress", "GREEN": "complete",
                                                "g": "complete"})
    assert result.problems == []
    assert [i.fields["status"] for i in result.items] == ["in-progress", "complete", "complete"]
    assert result.items[0].notes == []  # the plan's own words are not loose
    with pytest.raises(ImportRefused, match="status word 'parked' maps to 'paused', which is not "
                                         "one of the plan's statuses"):
        read(tmp_path, rows, status_words={"parked": "paused"})


def test_a_plans_own_vocabulary(tmp_path):
    config = PlanConfig(title="t", statuses=("open", "doing", "done"),
                        done_statuses=frozenset({"done"}), closed_status=None,
                        awaiting_signoff_statuses=frozenset())
    rows = [["Ref", "Finding", "Status"], ["1", "T", "Doing"], ["2", "U", "DONE"],
            ["3", "V", "In progress"]]
    path = write_csv(tmp_path / "own.csv", rows)
    result = read_table(path, config)
    assert [i.fields["status"] for i in result.items] == ["doing", "done", "open"]
    assert result.problems[0].row == 4
    assert result.problems[0].message.startswith(
        "status 'In progress' is not a status afi knows; it knows open: open; doing: doing; "
        "done: done")
    result = read_table(path, config, status_words={"in progress": "doing"})
    assert [i.fields["status"] for i in result.items] == ["doing", "done", "doing"]


def test_rag_without_a_status_column_sets_the_status(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "RAG"],
                             ["1", "T", "Red"], ["2", "U", "A"], ["3", "V", "Green"],
                             ["4", "W", "Blue"], ["5", "X", "Complete"], ["6", "Y", "Closed"]])
    statuses = [i.fields["status"] for i in result.items]
    assert statuses == ["in-progress"] * 3 + ["complete"] * 3
    assert result.items[0].notes == ["row 2: status in-progress from RAG 'Red'"]
    assert result.items[3].notes == ["row 5: status complete from RAG 'Blue'"]
    assert "row 7: status closed from RAG 'Closed'" in result.items[5].notes


def test_rag_fills_an_empty_status_and_a_disagreement_is_noted(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Status", "RAG"],
                             ["1", "T", "", "Amber"], ["2", "U", "In progress", "Blue"]])
    assert result.items[0].fields["status"] == "in-progress"
    assert result.items[0].notes == ["row 2: status in-progress from RAG 'Amber'"]
    assert result.items[1].fields["status"] == "in-progress"
    assert result.items[1].notes == ["row 3: RAG 'Blue' disagrees with status 'In progress': "
                                     "the status kept"]


def test_closed_without_a_sign_off_is_awaiting_sign_off(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Status"], ["1", "T", "Closed"],
                             ["2", "U", "Signed off"]])
    for item in result.items:
        assert item.fields["status"] == "complete"
        assert item.closure is None
        assert ("status closed without a recorded sign-off: imported as complete (awaiting "
                "sign-off; `afi close` records it)") in item.notes


def test_closed_with_its_sign_off_stays_closed(tmp_path):
    result = read(tmp_path, [
        ["Ref", "Finding", "Status", "Signed off by", "Closure board", "Date closed"],
        ["1", "T", "Closed", "DCC Ford", "Force Improvement Board", "01/06/2023"],
        ["2", "U", "Closed", "", "", ""],
        ["3", "V", "Closed", "DCC Ford", "", ""],
        ["4", "W", "In progress", "DCC Ford", "FIB", "1 June 2023"],
    ])
    items = by_ref(result)
    assert items["1"].fields["status"] == "closed"
    assert items["1"].closure == {"approved_by": "DCC Ford", "board": "Force Improvement Board",
                                  "date": date(2023, 6, 1)}
    assert items["1"].notes == []
    assert items["2"].fields["status"] == "complete"
    assert items["3"].fields["status"] == "closed"
    assert "the sign-off lacks board, date" in items["3"].notes
    assert "a sign-off is recorded but the status is in-progress" in items["4"].notes


def test_closed_in_a_plan_without_an_awaiting_status(tmp_path):
    config = PlanConfig(title="t", statuses=("open", "finished", "closed"),
                        done_statuses=frozenset({"finished", "closed"}),
                        awaiting_signoff_statuses=frozenset())
    path = write_csv(tmp_path / "t.csv", [["Ref", "Finding", "Status"], ["1", "T", "Closed"]])
    item = read_table(path, config).items[0]
    assert item.fields["status"] == "finished"


def test_superseded_items_do_not_mark_their_actions_done(tmp_path):
    result = read(tmp_path, [["Ref", "Finding", "Action", "Status"],
                             ["1", "T", "A", "Superseded"], ["2", "U", "B", "Complete"]])
    assert result.items[0].actions == [{"text": "A", "done": False}]
    assert result.items[1].actions == [{"text": "B", "done": True}]


# ---------------------------------------------------------------------------- files


def test_cp1252_csv(tmp_path):
    rows = [["AFI", "Finding", "Owner", "Update"],
            ["1", "Improve \u201cvictim\u201d care \u2013 now", "Supt O\u2019Neill",
             "12/05/2023: \u00a31,000 spent"]]
    path = write_csv(tmp_path / "excel.csv", rows, encoding="cp1252")
    result = read_table(path, CONFIG)
    item = result.items[0]
    assert item.fields["title"] == "Improve \u201cvictim\u201d care \u2013 now"
    assert item.fields["owner"] == "Supt O\u2019Neill"
    assert item.updates == [{"date": date(2023, 5, 12), "text": "\u00a31,000 spent"}]
    assert "read as Windows-1252 text (not UTF-8)" in result.notes


def test_utf8_with_bom_csv(tmp_path):
    path = write_csv(tmp_path / "bom.csv", [["AFI", "Finding"], ["1", "Caf\u00e9 \u2013 ok"]],
                     encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = read_table(path, CONFIG)
    assert result.headings == {"AFI": "ref", "Finding": "title"}  # not "\ufeffAFI"
    assert result.items[0].fields["title"] == "Caf\u00e9 \u2013 ok"


def test_utf16_csv(tmp_path):
    path = write_csv(tmp_path / "u16.csv", [["AFI", "Finding"], ["1", "T\u00e9"]],
                     encoding="utf-16", delimiter="\t")
    assert read_table(path, CONFIG).items[0].fields["title"] == "T\u00e9"


def test_semicolon_csv(tmp_path):
    rows = [["AFI", "Finding", "Owner", "Update"],
            ["1", "Answer calls, quickly", "Supt A", "Done; mostly"]]
    path = write_csv(tmp_path / "semi.csv", rows, delimiter=";")
    result = read_table(path, CONFIG)
    assert result.items[0].fields["title"] == "Answer calls, quickly"
    assert result.items[0].updates == [{"date": None, "text": "Done; mostly"}]
    assert "columns separated by semicolon" in result.notes


def test_tab_csv_and_excels_sep_line(tmp_path):
    tab = write_csv(tmp_path / "tab.csv", [["AFI", "Finding"], ["1", "T"]], delimiter="\t")
    assert read_table(tab, CONFIG).items[0].fields["title"] == "T"
    sep = tmp_path / "sep.csv"
    sep.write_text("sep=;\r\nAFI;Finding;Owner\r\n1;T;A,B\r\n", encoding="utf-8")
    result = read_table(sep, CONFIG)
    assert result.items[0].fields["owner"] == "A,B"
    assert result.items[0].rows == [2]


def test_files_it_cannot_read_are_errors_naming_the_file(tmp_path):
    (tmp_path / "t.txt").write_text("AFI,Finding\n1,T\n")
    with pytest.raises(ImportRefused, match=r"t\.txt: afi reads trackers saved as \.csv or \.xlsx"):
        read_table(tmp_path / "t.txt", CONFIG)
    with pytest.raises(ImportRefused, match=r"cannot read .*missing\.csv"):
        read_table(tmp_path / "missing.csv", CONFIG)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ImportRefused, match=r"bad\.xlsx is not a readable Excel workbook"):
        read_table(tmp_path / "bad.xlsx", CONFIG)
    book = Workbook()
    book.save(tmp_path / "real.xlsx")
    (tmp_path / "renamed.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(ImportRefused, match=r"renamed\.csv is an Excel workbook, not CSV text"):
        read_table(tmp_path / "renamed.csv", CONFIG)
    with pytest.raises(ImportRefused, match=r"no heading row found in any sheet of .*real\.xlsx"):
        read_table(tmp_path / "real.xlsx", CONFIG)
    (tmp_path / "bin.csv").write_bytes(b"AFI,Finding\x00\n")
    with pytest.raises(ImportRefused, match=r"bin\.csv is not CSV text"):
        read_table(tmp_path / "bin.csv", CONFIG)
    write_csv(tmp_path / "notitle.csv", [["Owner", "Due"], ["A", "31/03/2023"]])
    with pytest.raises(ImportRefused, match="no column holds the finding's wording"):
        read_table(tmp_path / "notitle.csv", CONFIG)


# ---------------------------------------------------------------------------- Excel


def make_workbook(path: Path) -> Path:
    """A tracker as forces keep them: a cover sheet without headings, then the tracker
    with a title row, date cells, vertically merged cells and a heading band."""
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Improvement tracker"
    cover["A2"] = "Owner: Strategic Planning"
    sheet = book.create_sheet("AFIs")
    sheet.append(["PEEL 2021/22 tracker, as at 1 March 2024"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["Ref", "Area", "Finding", "Action", "Action owner", "Target date", "RAG",
                  "Latest update"])
    sheet.append(["AFI 1", "Responding to the public", "Answer calls", "Recruit", "Insp A",
                  datetime(2023, 3, 31), "Amber", "12/05/2023: ten recruited"])
    sheet.append([None, None, None, "Train", "Insp B", datetime(2023, 6, 30), "Green",
                  "Training\nbooked"])
    sheet.append([None, None, None, "Audit", "Insp A", "Q3 2023", "Blue", None])
    sheet.merge_cells("A4:A6")
    sheet.merge_cells("B4:B6")
    sheet.merge_cells("C4:C6")
    sheet.append(["AFI 2", "Investigating crime", "Better files", "Review", "DS C", 45199, "R",
                  None])  # a serial number in a cell not formatted as a date
    sheet.append(["AFI 3", "Investigating crime", "Victims", "Call back", "DS D", "31/02/2023",
                  "Red", None])
    sheet["F5"].number_format = "dd/mm/yyyy"
    book.create_sheet("Lists").append(["Status", "Meaning"])
    book.save(path)
    return path


def test_xlsx_with_a_cover_sheet_title_row_date_cells_and_merged_cells(tmp_path):
    result = read_table(make_workbook(tmp_path / "tracker.xlsx"), CONFIG, inspection="PEEL22")
    assert "read sheet 'AFIs'" in result.notes and "headings on row 3" in result.notes
    items = by_ref(result)
    assert list(items) == ["AFI 1", "AFI 2", "AFI 3"]
    afi1 = items["AFI 1"]
    assert afi1.rows == [4, 5, 6]
    assert afi1.fields == {"kind": "afi", "inspection": "PEEL22", "number": 1,
                           "area": "Responding to the public", "title": "Answer calls",
                           "status": "in-progress", "owner": "Insp A",
                           "due": date(2023, 3, 31)}
    assert afi1.actions == [
        {"text": "Recruit", "done": False, "owner": "Insp A", "due": date(2023, 3, 31)},
        {"text": "Train", "done": False, "owner": "Insp B", "due": date(2023, 6, 30)},
        {"text": "Audit", "done": True, "owner": "Insp A", "due": date(2023, 9, 30)}]
    assert afi1.updates == [{"date": date(2023, 5, 12), "text": "ten recruited"},
                            {"date": None, "text": "Training\nbooked"}]
    assert items["AFI 2"].fields["due"] == date(2023, 9, 30)
    assert "row 7: due Excel date number 45199 read as 2023-09-30" in items["AFI 2"].notes
    assert messages(result) == [
        (8, f"due '31/02/2023' in column 'Target date' is not a date (no such date): "
            f"use {DATE_FORMS}")]


def test_xlsx_header_on_the_first_sheet_is_used(tmp_path):
    book = Workbook()
    book.active.append(["AFI", "Finding"])
    book.active.append([1, "First sheet"])
    book.create_sheet("Other").append(["AFI", "Finding"])
    book.save(tmp_path / "first.xlsx")
    result = read_table(tmp_path / "first.xlsx", CONFIG)
    assert result.items[0].ref == "1"
    assert result.items[0].fields["title"] == "First sheet"
    assert "read sheet 'Sheet'" in result.notes


# ---------------------------------------------------------------------------- board pack


def report_item(**values) -> ReportItem:
    base = dict(id="X-1", title="t", kind="afi", inspection="PEEL22", area="a",
                status="in-progress", rag="green", owner="", lead="", due=None,
                original_due=None, due_revisions=0, days_late=None, latest_update=None,
                closure=None, evidence_count=0, actions_done=0, actions_total=0,
                awaiting_signoff=False)
    return ReportItem(**(base | values))


def test_the_board_pack_csv_reads_back_exactly(tmp_path):
    items = [
        report_item(id="PEEL22-01", title='=HYPERLINK("http://evil","click")',
                    area='-Responding, "to" the public', owner="@Supt A", lead="+ACC B",
                    due=date(2023, 3, 31), rag="red", days_late=10,
                    latest_update=Update(date(2023, 5, 12), "'O'Brien",
                                         'line 1\r\nline 2\n\n  "quoted", indented\t')),
        report_item(id="PEEL22-02", title="  spaced   title \n second line", kind="recommendation",
                    status="closed", rag="done", owner="-", lead="=1+2",
                    closure=Closure("=DCC", "@Force Improvement Board", date(2023, 6, 1)),
                    latest_update=Update(date(2023, 6, 1), "", "\nstarts with a newline"),
                    evidence_count=2, actions_done=1, actions_total=3),
        report_item(id="HMIC07-R3", title="'quoted' and \"double\"", kind="cause-of-concern",
                    inspection="HMIC07", area="\tTabbed area", status="complete", rag="done",
                    owner="\rCR owner", lead="''two quotes", due=date(2024, 2, 29),
                    awaiting_signoff=True),
    ]
    data = ReportData(plan_title="Plan", generated=date(2024, 3, 1), query="",
                      as_of=Revision("HEAD", None, None), since=None,
                      statuses=CONFIG.statuses, inspections=[], areas=[], items=items,
                      overdue=[], awaiting_signoff=[], no_due_date=[], changes=[], progress=[])
    path = tmp_path / "pack.csv"
    path.write_bytes(render_csv(data).encode("utf-8"))
    result = read_table(path, CONFIG)
    assert result.problems == []
    assert "the board pack's CSV: read exactly" in result.notes
    assert result.ignored == ["rag", "original_due", "due_revisions", "days_late",
                              "evidence_count", "actions_done", "actions_total",
                              "awaiting_signoff", "assessment", "assessment_date",
                              "assessment_by", "assessment_reason", "assessment_differs",
                              "decision", "stale_days", "due_history", "actions_added",
                              "actions_completed"]
    assert len(result.items) == 3
    for source, item in zip(items, result.items, strict=True):
        assert item.item_id == source.id
        assert item.ref == source.id
        for key in ("title", "kind", "inspection", "area", "status", "due"):
            assert item.fields.get(key) == getattr(source, key), key
        for key in ("owner", "lead"):
            assert item.fields.get(key, "") == getattr(source, key), key
        update = source.latest_update
        expected = [] if update is None else [
            {"date": update.date, **({"by": update.by} if update.by else {}),
             "text": update.text}]
        assert item.updates == expected
        closure = source.closure
        assert item.closure == (None if closure is None else {
            "approved_by": closure.approved_by, "board": closure.board, "date": closure.date})
        assert item.actions == []


def test_the_board_pack_from_the_cli_reads_back(tmp_path):
    """`unescape_cell` is for the board pack only: a tracker cell starting with ' keeps it."""
    result = read(tmp_path, [["Ref", "Finding", "Owner"], ["1", "'Quoted' finding", "'A"]])
    assert result.items[0].fields["title"] == "'Quoted' finding"
    assert result.items[0].fields["owner"] == "'A"


# ---------------------------------------------------------------------------- the fixture


def load_maker():
    spec = importlib.util.spec_from_file_location("make_tracker_xlsx",
                                                  DATA / "make_tracker_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tracker_fixture_reads_cleanly():
    config, problems, _ = load_config(REPO / "plan")
    assert problems == []
    result = read_table(DATA / "tracker.csv", config, inspection="PEEL22")
    assert result.problems == []
    assert len(result.items) == 19
    assert sum(len(item.rows) for item in result.items) == 31
    assert result.ignored == ["Exec sponsor"]
    assert result.unread == ["row 14: due 'TBC' in column 'Target date' is not a date: read "
                             "as no date", "row 34: due 'TBC' in column 'Target date' is not "
                             "a date: read as no date"]  # not N/A or "-": they say "none"
    items = by_ref(result)
    assert items["AFI 1"].rows == [4, 5, 6]
    assert len(items["AFI 1"].actions) == 3
    assert items["AFI 3"].actions[1]["text"] == "Supervisor training on investigation plans"
    assert items["AFI 5"].fields["due"] == date(2023, 6, 30)  # an Excel serial in the CSV
    assert items["AFI 7"].fields["status"] == "complete"  # Closed, with no sign-off
    assert items["AFI 1"].evidence == [{"title": "Evidence", "location": r"\\fileserver\peel\afi1"}]
    assert items["AFI 1"].given == {"kind", "inspection", "number", "area", "title", "status",
                                    "owner", "lead", "due"}
    assert "status" not in items["AFI 4"].given or items["AFI 4"].fields["status"]
    assert items["AFI 2"].updates == [
        {"date": date(2023, 2, 3), "text": "Switchboard procurement approved."},
        {"date": date(2023, 3, 10), "text": "Go-live set for April."}]
    # every item is a valid item file once given an id
    for n, item in enumerate(result.items, 1):
        data = {"id": f"PEEL22-{n:02d}", **item.fields, "actions": item.actions,
                "updates": item.updates}
        assert check_item(data, data["id"], config) == [], item.ref


def test_the_tracker_fixture_as_xlsx_reads_the_same(tmp_path):
    path = load_maker().make(tmp_path / "tracker.xlsx")
    config, _, _ = load_config(REPO / "plan")
    from_csv = read_table(DATA / "tracker.csv", config, inspection="PEEL22")
    from_xlsx = read_table(path, config, inspection="PEEL22")
    assert from_xlsx.problems == []
    assert "read sheet 'Tracker'" in from_xlsx.notes
    assert from_xlsx.headings == from_csv.headings
    assert len(from_xlsx.items) == len(from_csv.items)
    for a, b in zip(from_csv.items, from_xlsx.items, strict=True):
        assert (a.ref, a.fields, a.actions, a.updates, a.closure, a.rows) == \
            (b.ref, b.fields, b.actions, b.updates, b.closure, b.rows)


@pytest.mark.parametrize("bad_id", ["../../outside", 'X"\ntitle = "pwn', "a/b"])
def test_an_id_that_is_not_an_id_is_refused_and_nothing_written(plan_dir, afi, bad_id):
    """A tracker's id names a file and goes into TOML: a path or a quote never does."""
    repo = plan_dir.parent
    source = write_csv(repo / "pack.csv", [
        ["id", "title", "kind", "inspection", "area", "status"],
        [bad_id, "Hostile row", "afi", "PEEL22", "Responding to the public", "not-started"],
        ["PEEL22-30", "Good row", "afi", "PEEL22", "Responding to the public", "not-started"]])
    before = git(repo, "rev-parse", "HEAD")
    code, _, err = afi("import", "table", str(source), "--map", "id=id", cwd=repo)
    assert code == 1 and "is not valid" in err and "nothing was imported" in err
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "status", "--porcelain", "--untracked-files=all").split() == ["??",
                                                                                   "pack.csv"]
    assert not (repo.parent / "outside.toml").exists()
