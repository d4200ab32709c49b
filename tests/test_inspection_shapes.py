"""Report shapes that turn on one rule each: plain paragraphs under a plural "Areas for
improvement" (findings when the first opens "<subject> should", commentary otherwise),
recommendation paragraphs that go on from the one above, and findings set out in a table
(with a row that does not line up named, not guessed)."""

from __future__ import annotations

import pytest

from tui.core.imports.inspection_findings import find_findings

AREA = "Investigating crime\n\nRequires improvement\n\nThe force's investigations vary.\n\n"


def titles(text: str) -> list[tuple[str, int | None, str | None, str]]:
    return [(f.kind, f.number, f.area, f.title) for f in find_findings(text).findings]


def test_areas_for_improvement_paragraphs_that_open_with_the_force_should_are_findings():
    text = AREA + (
        "Areas for improvement\n\n"
        "The force should improve the supervision of investigations. It should audit them.\n\n"
        "In half of the files we examined, no review was recorded.\n\n"
        "Westshire Police should make sure that victims are updated.\n")
    report = find_findings(text)
    assert [(f.title, f.detail) for f in report.findings] == [
        ("The force should improve the supervision of investigations.",
         "It should audit them.\n\nIn half of the files we examined, no review was recorded."),
        ("Westshire Police should make sure that victims are updated.", "")]
    assert not any("narrative paragraphs" in w for w in report.warnings)


def test_commentary_under_areas_for_improvement_is_said_not_imported():
    # HMIC 2007: the first paragraph states a finding or opens "The force needs to
    # consider": the list is commentary, even where a later paragraph says "should".
    for first in ("There is limited evidence of effective supervision.",
                  "The force needs to consider how it will deliver mentoring.",
                  "Although the force has a plan, it should publish it."):
        text = AREA + (f"Areas for improvement\n\n{first}\n\n"
                       "The force should consider whether a corporate approach would help.\n")
        report = find_findings(text)
        assert report.findings == (), first
        [unread] = [w for w in report.warnings if "narrative paragraphs" in w]
        assert "lines 7" in unread


def test_a_recommendation_paragraph_opening_with_a_pronoun_goes_on_from_the_one_above():
    text = ("A thematic inspection\n\nRecommendations\n\n"
            "By 31 March 2024, chief constables should record stalking as stalking.\n\n"
            "This should include reports first recorded as harassment.\n\n"
            "We recommend that, by 30 June 2024, the College of Policing should publish "
            "guidance.\n")
    report = find_findings(text)
    assert [(f.title, f.detail) for f in report.findings] == [
        ("By 31 March 2024, chief constables should record stalking as stalking.",
         "This should include reports first recorded as harassment."),
        ("We recommend that, by 30 June 2024, the College of Policing should publish "
         "guidance.", "")]


def test_a_pipe_table_of_recommendations_with_a_wrapped_cell():
    text = AREA + (
        "Recommendations\n\n"
        "| Ref | Recommendation |\n"
        "|-----|----------------|\n"
        "| R1 | Chief constables should review how they record stalking. |\n"
        "| R2 | The force should publish its |\n"
        "| | action plan. |\n")
    assert titles(text) == [
        ("recommendation", 1, "Investigating crime",
         "Chief constables should review how they record stalking."),
        ("recommendation", 2, "Investigating crime",
         "The force should publish its action plan.")]


def test_a_table_row_that_does_not_line_up_with_its_header_is_named_not_guessed():
    # Tabs between cells collapse, so a row with an empty cell has one cell fewer.
    text = AREA + (
        "Areas for improvement\n\n"
        "No.\tArea\tArea for improvement\n"
        "1\tInvestigating crime\tThe force should improve supervision.\n"
        "2\t\tThe force should update victims.\n"
        "3\tProtecting vulnerable people\tThe force should share information.\n")
    report = find_findings(text)
    assert [(f.number, f.area, f.title) for f in report.findings] == [
        (1, "Investigating crime", "The force should improve supervision."),
        (3, "Protecting vulnerable people", "The force should share information.")]
    assert any("table row at line 11 has 2 cells where its header (line 9) has 3: not read"
               in w for w in report.warnings)


def test_a_table_of_judgements_grades_areas_but_a_summary_without_its_header_does_not():
    graded = "Our judgements\n\nArea\tGrade\nInvestigating crime\tAdequate\n"
    assert find_findings(graded).grades == {"Investigating crime": "adequate"}
    summary = "Force summary\n\n| Child abuse | Fair |\n| Missing persons | Good |\n"
    assert find_findings(summary).grades == {}


def test_bullets_as_a_pdf_gives_them_symbol_font_glyphs_and_word_s_second_level_o():
    for bullet in ("\uf0b7", "\uf0a7", "o", "➢"):
        text = AREA + (f"Areas for improvement\n\n{bullet} The force should improve "
                       f"supervision.\n{bullet} The force should update victims.\n")
        assert [f.title for f in find_findings(text).findings] == [
            "The force should improve supervision.", "The force should update victims."], bullet


def test_a_sentence_introducing_the_paragraphs_is_passed_over():
    for intro in ("We found two areas for improvement.", "We found the following:"):
        text = AREA + (f"Areas for improvement\n\n{intro}\n\n"
                       "The force should improve supervision.\n\n"
                       "The force should update victims.\n")
        assert [f.title for f in find_findings(text).findings] == [
            "The force should improve supervision.", "The force should update victims."]


@pytest.mark.parametrize("header", ["| AFI | Description |", "| Ref | AFI |",
                                    "| Recommendation | Recommendation text |",
                                    "| No. | Area for improvement |"])
def test_the_wording_column_is_told_from_a_number_column_both_could_name(header):
    text = AREA + (f"Areas for improvement\n\n{header}\n|---|---|\n"
                   "| 1 | The force should improve supervision. |\n"
                   "| AFI 2 | The force should update victims. |\n")
    assert [(f.number, f.title) for f in find_findings(text).findings] == [
        (1, "The force should improve supervision."), (2, "The force should update victims.")]


def test_a_summary_list_grouped_under_area_headings_takes_its_areas_from_them():
    text = ("PEEL 2017\n\nSummary\n\nAreas for improvement\n\nInvestigating crime\n\n"
            "- The force should improve supervision.\n- The force should update victims.\n\n"
            "Effectiveness\n\n- The force should share information.\n\n"
            "Investigating crime\n\nRequires improvement\n\nToo many plans are missing.\n")
    report = find_findings(text)
    assert [(f.area, f.title) for f in report.findings] == [
        ("Investigating crime", "The force should improve supervision."),
        ("Investigating crime", "The force should update victims."),
        ("Effectiveness", "The force should share information.")]
    assert "it is listed under (line 12)" in report.findings[2].notes[0]
    assert report.warnings == ()


def test_paragraphs_with_no_blank_lines_between_them_are_read_as_far_as_they_can_be():
    # Text pasted from a PDF read without its layout: a wrapped question heading ends at
    # its question mark; a finding run on into the paragraph above is flagged, not lost.
    text = """PEEL: Police effectiveness 2016
How effective is the force at investigating crime and reducing re-offending?
Ashcombe Constabulary requires improvement at investigating crime and reducing
re-offending. Too many investigations are allocated to officers who do not have
the training to carry them out, and supervisors do not review them often enough.
Areas for improvement
The constabulary should improve the supervision of investigations, so that every
investigation has a plan that a supervisor has reviewed.
In the files we examined, supervisors had recorded a review in fewer than half of
the cases, and some of those reviews were a single line of text with no actions.
Ashcombe Constabulary should make sure that wanted and outstanding suspects are
pursued promptly.
How effective is the force at protecting those who are vulnerable from harm, and
supporting victims?
Ashcombe Constabulary is good at protecting those who are vulnerable from harm. It
works well with partners and officers understand the risks that victims face.
"""
    report = find_findings(text)
    assert report.grades == {
        "Investigating crime and reducing re-offending": "requires improvement",
        "Protecting those who are vulnerable from harm, and supporting victims": "good"}
    [finding] = report.findings
    assert finding.area == "Investigating crime and reducing re-offending"
    assert any("reads like a finding of its own ('Ashcombe Constabulary should make sure"
               in note for note in finding.notes)
