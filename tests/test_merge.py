"""Three-way merge of item files: field by field, on real text, layout of OURS kept."""

from __future__ import annotations

import difflib
import random
import tomllib
from datetime import date

import pytest

from tui.core.store.merge import FieldConflict, merge_item
from tui.core.store.tomledit import ItemDocument

BASE = """\
# PEEL 2021/22, AFI 8. Wording from the report.
id = "PEEL22-08"
kind = "afi"
inspection = "PEEL22"
number = 8
area = "Investigating crime"
title = "The force should improve crime-file quality."
detail = \"\"\"
The explanatory text from the report.
\"\"\"
status = "in-progress"  # agreed at the March board
owner = "Supt A. Example"
due = 2023-03-31
tags = ["fib", "quality"]
links = ["PEEL22-07"]
custom = "kept as is"

[[actions]]
text = "Introduce a crime-file quality review"
done = false

[[actions]]
text = "Train supervisors on file standards"
done = false
due = 2023-02-28

[[actions]]
text = "Audit a sample of files"
done = false

[[updates]]
date = 2023-01-15
by = "Test Lead"
text = "Reviewed at the Force Improvement Board."

[[updates]]
date = 2023-03-01
by = "Test Lead"
text = "Review template agreed."

[[evidence]]
title = "Review template"
location = "SharePoint/IB/template.docx"
date = 2023-03-01

[closure]
approved_by = "DCC"
board = "Force Improvement Board"
"""

UPDATE_APR = """
[[updates]]
date = 2023-04-10
by = "Ours"
text = "Audit started."
"""


def add_update(text: str, block: str = UPDATE_APR) -> str:
    """`block` after the last update (as `afi note` writes it, before [[evidence]])."""
    return edit(text, "\n[[evidence]]", block + "\n[[evidence]]")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def changed(before: str, after: str) -> tuple[set[str], set[str]]:
    """Lines removed and lines added going from `before` to `after`."""
    removed, added = set(), set()
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line[0] == "-" else added).add(line[1:])
    return removed, added


def assert_only_theirs_lines(base: str, ours: str, theirs: str, result: str) -> None:
    """The merge changed OURS only on lines THEIRS changed (relative to BASE)."""
    removed, added = changed(ours, result)
    theirs_removed, theirs_added = changed(base, theirs)
    assert removed <= theirs_removed, removed - theirs_removed
    assert added <= theirs_added, added - theirs_added


def merged(base: str | None, ours: str, theirs: str) -> tuple[str, dict]:
    """A clean merge: its text, read back by tomllib."""
    result = merge_item(base, ours, theirs)
    assert result.conflicts == ()
    return result.text, tomllib.loads(result.text)


# -- top-level fields ---------------------------------------------------------------------
def test_different_fields_of_the_same_item_merge_cleanly():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, 'owner = "Supt A. Example"', 'owner = "Supt B. Other"')
    theirs = edit(theirs, "due = 2023-03-31", "due = 2023-06-30")
    text, data = merged(BASE, ours, theirs)
    assert data == {**tomllib.loads(BASE), "status": "complete", "owner": "Supt B. Other",
                    "due": date(2023, 6, 30)}
    assert changed(ours, text) == ({'owner = "Supt A. Example"', "due = 2023-03-31"},
                                   {'owner = "Supt B. Other"', "due = 2023-06-30"})
    assert 'status = "complete"  # agreed at the March board' in text
    assert text.startswith("# PEEL 2021/22, AFI 8. Wording from the report.\n")


def test_same_field_changed_differently_is_a_conflict_holding_ours():
    ours = edit(BASE, 'owner = "Supt A. Example"', 'owner = "Supt Ours"')
    ours = edit(ours, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, 'owner = "Supt A. Example"', 'owner = "Supt Theirs"')
    theirs = edit(theirs, "due = 2023-03-31", "due = 2023-09-30")
    result = merge_item(BASE, ours, theirs)
    assert result.conflicts == (
        FieldConflict(("owner",), "Supt A. Example", "Supt Ours", "Supt Theirs"),)
    data = tomllib.loads(result.text)
    assert data["owner"] == "Supt Ours"
    assert data["status"] == "complete" and data["due"] == date(2023, 9, 30)


def test_same_change_on_both_sides_is_no_conflict():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, 'status = "in-progress"  # agreed at the March board',
                  'status = "complete"')
    theirs = edit(theirs, 'custom = "kept as is"', 'custom = "changed"')
    text, data = merged(BASE, ours, theirs)
    assert data["status"] == "complete" and data["custom"] == "changed"
    assert 'status = "complete"  # agreed at the March board' in text


def test_removed_on_one_side_and_unchanged_on_the_other_is_removed():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, 'owner = "Supt A. Example"\n', "")
    text, data = merged(BASE, ours, theirs)
    assert "owner" not in data
    assert changed(ours, text) == ({'owner = "Supt A. Example"'}, set())


def test_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    ours = edit(BASE, "due = 2023-03-31\n", "")
    theirs = edit(BASE, "due = 2023-03-31", "due = 2023-12-31")
    result = merge_item(BASE, ours, theirs)
    assert result.conflicts == (FieldConflict(("due",), date(2023, 3, 31), None,
                                              date(2023, 12, 31)),)
    assert "due" not in tomllib.loads(result.text)


def test_unknown_and_new_keys_merge_like_fields():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, 'custom = "kept as is"', 'custom = "theirs"\npriority = 2')
    theirs = edit(theirs, 'owner = "Supt A. Example"\n',
                  'owner = "Supt A. Example"\nlead = "ACC B. Example"\n')
    text, data = merged(BASE, ours, theirs)
    assert data["custom"] == "theirs" and data["priority"] == 2
    assert data["lead"] == "ACC B. Example"
    lines = text.splitlines()
    assert lines[lines.index('lead = "ACC B. Example"') - 1] == 'owner = "Supt A. Example"'
    assert_only_theirs_lines(BASE, ours, theirs, text)


def test_values_are_compared_with_their_types():
    base = 'id = "X"\nflag = 1\nn = 1\n'
    result = merge_item(base, 'id = "X"\nflag = 1\nn = 2\n', 'id = "X"\nflag = true\nn = 1\n')
    assert tomllib.loads(result.text) == {"id": "X", "flag": True, "n": 2}


# -- whole files ----------------------------------------------------------------------------
def test_identical_sides_give_ours_unchanged():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    assert merge_item(BASE, ours, ours) == merge_item(BASE, ours, ours.replace("  #", " #"))
    assert merge_item(BASE, ours, ours).text == ours


def test_one_side_equal_to_base_gives_the_other_side_byte_for_byte():
    changed_side = edit(BASE, 'status = "in-progress"  # agreed at the March board',
                        "status = 'complete'   # moved   ")
    assert merge_item(BASE, BASE, changed_side) == merge_item(BASE, changed_side, BASE)
    assert merge_item(BASE, BASE, changed_side).text == changed_side
    assert merge_item(BASE, changed_side, BASE).text == changed_side
    assert merge_item(BASE, BASE, BASE).text == BASE


def test_theirs_only_reformatted_keeps_ours():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = BASE.replace('owner = "Supt A. Example"', "owner = 'Supt A. Example'")
    assert merge_item(BASE, ours, theirs).text == ours


def test_both_sides_added_the_file():
    ours = 'id = "X-01"\nstatus = "complete"\ntags = ["a"]\n'
    theirs = 'id = "X-01"\nowner = "B"\nstatus = "complete"\ntags = ["b"]\n'
    for base in (None, ""):
        text, data = merged(base, ours, theirs)
        assert data == {"id": "X-01", "status": "complete", "owner": "B", "tags": ["a", "b"]}
    result = merge_item(None, ours, 'id = "X-01"\nstatus = "closed"\n')
    assert result.conflicts == (FieldConflict(("status",), None, "complete", "closed"),)


@pytest.mark.parametrize("side", ["base", "ours", "theirs"])
def test_invalid_toml_names_the_side(side):
    texts = {"base": BASE, "ours": BASE, "theirs": BASE, side: BASE + "oops = \n"}
    with pytest.raises(ValueError, match=side):
        merge_item(texts["base"], texts["ours"], texts["theirs"])


def test_conflict_markers_are_invalid_input():
    marked = edit(BASE, 'owner = "Supt A. Example"\n',
                  '<<<<<<< ours\nowner = "A"\n=======\nowner = "B"\n>>>>>>> theirs\n')
    with pytest.raises(ValueError, match="theirs: merge-conflict marker at line 12"):
        merge_item(BASE, BASE, marked)


def test_crlf_files_stay_crlf():
    base = BASE.replace("\n", "\r\n")
    ours = add_update(edit(BASE, 'status = "in-progress"', 'status = "complete"'))
    ours = ours.replace("\n", "\r\n")
    theirs = edit(BASE, 'owner = "Supt A. Example"', 'owner = "Supt B"')  # LF on their side
    theirs = edit(theirs, "[[evidence]]", """[[updates]]
date = 2023-02-01
by = "Theirs"
text = "Older than ours' newest."

[[evidence]]""")
    result = merge_item(base, ours, theirs)
    assert result.conflicts == ()
    assert "\n" not in result.text.replace("\r\n", "")
    data = tomllib.loads(result.text)
    assert data["owner"] == "Supt B" and data["status"] == "complete"
    assert [u["date"].month for u in data["updates"]] == [1, 2, 3, 4]


def test_comments_and_layout_of_ours_are_kept():
    ours = edit(BASE, "[[actions]]\ntext = \"Audit", "# Added after the audit plan\n"
                "[[actions]]\ntext = \"Audit")
    ours = edit(ours, 'tags = ["fib", "quality"]', "tags = [\n  'fib',\n  'quality',\n]")
    theirs = edit(BASE, 'tags = ["fib", "quality"]', 'tags = ["fib", "quality", "audit"]')
    theirs = edit(theirs, 'board = "Force Improvement Board"', 'board = "FIB"\ndate = 2023-05-01')
    text, data = merged(BASE, ours, theirs)
    assert "# Added after the audit plan\n[[actions]]" in text
    assert "# agreed at the March board" in text
    assert "tags = [\n  'fib',\n  'quality',\n" in text and data["tags"][-1] == "audit"
    assert data["closure"] == {"approved_by": "DCC", "board": "FIB", "date": date(2023, 5, 1)}


def test_multiline_text_from_theirs_keeps_ours_layout():
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, "The explanatory text from the report.\n",
                  "The explanatory text from the report.\nAnd a second paragraph.\n")
    text, data = merged(BASE, ours, theirs)
    assert data["detail"].endswith("report.\nAnd a second paragraph.\n")
    assert changed(ours, text) == (set(), {"And a second paragraph."})
    # A multi-line value added where there was none goes next to its neighbours.
    base = 'id = "X"\ntitle = "T"\nstatus = "s"\n'
    text, data = merged(base, 'id = "X"\ntitle = "T"\nstatus = "o"\n',
                        'id = "X"\ntitle = "T"\ndetail = """\nA\nB\n"""\nstatus = "s"\n')
    assert data["detail"] == "A\nB\n"
    assert text.startswith('id = "X"\ntitle = "T"\ndetail = """')
    assert text.endswith('"""\nstatus = "o"\n')


def test_a_table_theirs_added_keeps_its_text():
    base = 'id = "X"\nstatus = "s"\n'
    text, _ = merged(base, 'id = "X"\nstatus = "o"', base + '\n[extra]\n# why\na = 1\n')
    assert text == 'id = "X"\nstatus = "o"\n\n[extra]\n# why\na = 1\n'


# -- tags and links -----------------------------------------------------------------------
@pytest.mark.parametrize("key", ["tags", "links"])
def test_string_arrays_merge_as_sets(key):
    base = f'id = "X"\n{key} = ["a", "b", "c"]\nstatus = "open"\n'
    ours = f'id = "X"\n{key} = ["c", "a", "o"]\nstatus = "open"\n'  # -b +o, reordered
    theirs = f'id = "X"\n{key} = ["a", "b", "t1", "t2"]\nstatus = "done"\n'  # -c +t1 +t2
    text, data = merged(base, ours, theirs)
    assert data[key] == ["a", "o", "t1", "t2"]
    assert data["status"] == "done"


def test_tags_both_added_the_same_and_one_side_dropped_the_key():
    base = 'id = "X"\ntags = ["a"]\n'
    _, data = merged(base, 'id = "X"\ntags = ["a", "n"]\n', 'id = "X"\ntags = ["a", "n", "m"]\n')
    assert data["tags"] == ["a", "n", "m"]
    _, data = merged(base, 'id = "X"\ntags = ["a"]\nx = 1\n', 'id = "X"\n')
    assert data == {"id": "X", "x": 1}
    _, data = merged(base, 'id = "X"\ntags = ["a", "n"]\n', 'id = "X"\n')
    assert data == {"id": "X", "tags": ["n"]}


# -- logs -----------------------------------------------------------------------------------
def test_update_logs_from_both_sides_are_joined():
    ours = add_update(BASE)
    theirs = add_update(BASE, UPDATE_APR.replace("2023-04-10", "2023-05-02").replace(
        '"Ours"', '"Theirs"').replace("Audit started.", "Audit finished."))
    text, data = merged(BASE, ours, theirs)
    assert [(u["date"], u["by"]) for u in data["updates"]] == [
        (date(2023, 1, 15), "Test Lead"), (date(2023, 3, 1), "Test Lead"),
        (date(2023, 4, 10), "Ours"), (date(2023, 5, 2), "Theirs")]
    assert changed(ours, text)[0] == set()  # appended: no line of ours changed
    assert_only_theirs_lines(BASE, ours, theirs, text)


def test_an_older_update_from_theirs_is_put_in_date_order():
    ours = add_update(BASE)
    theirs = edit(BASE, "[[evidence]]", """[[updates]]
date = 2023-03-20  # a comment of theirs
by = 'Theirs'
text = \"\"\"
Two lines
of text.\"\"\"

[[evidence]]""")
    text, data = merged(BASE, ours, theirs)
    assert [u["date"].day for u in data["updates"]] == [15, 1, 20, 10]
    assert data["updates"][2] == {"date": date(2023, 3, 20), "by": "Theirs",
                                  "text": "Two lines\nof text."}
    assert "date = 2023-03-20  # a comment of theirs\nby = 'Theirs'\n" in text  # its own text
    assert_only_theirs_lines(BASE, ours, theirs, text)
    assert UPDATE_APR + "\n[[evidence]]" in text  # ours' newest entry keeps its text too


def test_an_update_written_after_the_closure_by_hand_is_merged_too():
    # A split array of tables: tomlkit writes it back joined (tomlkit#601), data intact.
    ours = BASE + UPDATE_APR
    theirs = add_update(BASE, UPDATE_APR.replace("2023-04-10", "2023-03-05"))
    _, data = merged(BASE, ours, theirs)
    assert [u["date"] for u in data["updates"]] == [
        date(2023, 1, 15), date(2023, 3, 1), date(2023, 3, 5), date(2023, 4, 10)]
    assert data["closure"] == tomllib.loads(BASE)["closure"]


def test_an_update_on_both_sides_appears_once_and_same_dates_put_ours_first():
    same = UPDATE_APR.replace('"Ours"', '"Both"')
    ours = add_update(BASE, same + UPDATE_APR.replace("Audit started.", "Ours, same day."))
    theirs = add_update(BASE, UPDATE_APR.replace("Audit started.", "Theirs, same day.") + same)
    _, data = merged(BASE, ours, theirs)
    assert [u["text"] for u in data["updates"][2:]] == [
        "Audit started.", "Ours, same day.", "Theirs, same day."]
    assert [u["by"] for u in data["updates"][2:]] == ["Both", "Ours", "Ours"]


def test_undated_entries_stay_after_the_dated_ones_before_them():
    base = 'id = "X"\n'
    ours = base + '\n[[evidence]]\ntitle = "O1"\ndate = 2023-01-01\n\n[[evidence]]\n' \
        'title = "O2"\n\n[[evidence]]\ntitle = "O3"\ndate = 2023-06-01\n'
    theirs = base + '\n[[evidence]]\ntitle = "T1"\ndate = 2023-02-01\n\n[[evidence]]\n' \
        'title = "T2"\n'
    _, data = merged(base, ours, theirs)
    assert [e["title"] for e in data["evidence"]] == ["O1", "O2", "T1", "T2", "O3"]


def test_a_log_entry_one_side_corrected_is_replaced():
    ours = add_update(BASE)
    theirs = edit(BASE, "Review template agreed.", "Review template agreed by the DCC.")
    _, data = merged(BASE, ours, theirs)
    assert [u["text"] for u in data["updates"]] == [
        "Reviewed at the Force Improvement Board.", "Review template agreed by the DCC.",
        "Audit started."]


def test_a_log_entry_removed_on_one_side_and_rewritten_on_the_other_is_a_conflict():
    entry = ('[[updates]]\ndate = 2023-03-01\nby = "Test Lead"\n'
             'text = "Review template agreed."\n\n')
    removed = edit(BASE, entry, "")
    rewritten = edit(BASE, "Review template agreed.", "Review template agreed by the DCC.")
    base_entry = {"date": date(2023, 3, 1), "by": "Test Lead",
                  "text": "Review template agreed."}
    new_entry = {**base_entry, "text": "Review template agreed by the DCC."}

    result = merge_item(BASE, removed, rewritten)  # ours removed it: it stays out
    assert result.conflicts == (FieldConflict(("updates", 1), base_entry, None, new_entry),)
    assert len(tomllib.loads(result.text)["updates"]) == 1

    result = merge_item(BASE, rewritten, removed)  # ours rewrote it: it stays in
    assert result.conflicts == (FieldConflict(("updates", 1), base_entry, new_entry, None),)
    assert tomllib.loads(result.text)["updates"][1] == new_entry


def test_evidence_from_both_sides_is_joined():
    new = '\n[[evidence]]\ntitle = "{t}"\nlocation = "IB/{t}"\ndate = {d}\n'
    ours = edit(BASE, "\n[closure]", new.format(t="Audit report", d="2023-06-01") + "\n[closure]")
    theirs = edit(BASE, "\n[closure]", new.format(t="Training log", d="2023-04-01")
                  + "\n[closure]")
    text, data = merged(BASE, ours, theirs)
    assert [e["title"] for e in data["evidence"]] == [
        "Review template", "Training log", "Audit report"]
    assert_only_theirs_lines(BASE, ours, theirs, text)


# -- actions -------------------------------------------------------------------------------
def test_an_action_ticked_on_one_side_and_edited_on_the_other_keeps_both():
    ours = edit(BASE, 'quality review"\ndone = false', 'quality review"\ndone = true')
    theirs = edit(BASE, "Introduce a crime-file quality review",
                  "Introduce a monthly crime-file quality review")
    text, data = merged(BASE, ours, theirs)
    assert data["actions"][0] == {"text": "Introduce a monthly crime-file quality review",
                                  "done": True}
    assert changed(ours, text) == ({'text = "Introduce a crime-file quality review"'},
                                   {'text = "Introduce a monthly crime-file quality review"'})


def test_a_key_theirs_added_to_an_action_goes_after_its_values():
    ours = edit(BASE, "[[actions]]\ntext = \"Train", "# Training\n[[actions]]\ntext = \"Train")
    theirs = edit(BASE, 'quality review"\ndone = false', 'quality review"\ndone = false\n'
                  'owner = "Insp C"')
    text, data = merged(BASE, ours, theirs)
    assert data["actions"][0]["owner"] == "Insp C"
    assert 'done = false\nowner = "Insp C"\n\n# Training\n[[actions]]' in text


def test_action_fields_changed_differently_conflict_with_the_ours_index():
    ours = edit(BASE, "due = 2023-02-28", "due = 2023-04-30")
    theirs = edit(BASE, "due = 2023-02-28", "due = 2023-05-31")
    theirs = edit(theirs, "Audit a sample", "Audit a random sample")
    result = merge_item(BASE, ours, theirs)
    assert result.conflicts == (FieldConflict(("actions", 1, "due"), date(2023, 2, 28),
                                              date(2023, 4, 30), date(2023, 5, 31)),)
    data = tomllib.loads(result.text)
    assert data["actions"][1]["due"] == date(2023, 4, 30)
    assert data["actions"][2]["text"] == "Audit a random sample of files"


def test_actions_added_on_both_sides_are_kept():
    ours = edit(BASE, "[[updates]]\ndate = 2023-01-15", '[[actions]]\ntext = "Ours new"\n'
                "done = false\n\n[[updates]]\ndate = 2023-01-15")
    theirs = edit(BASE, "[[updates]]\ndate = 2023-01-15", '[[actions]]\ntext = "Theirs new"\n'
                  "\n[[updates]]\ndate = 2023-01-15")
    theirs = edit(theirs, 'text = "Train supervisors on file standards"\ndone = false',
                  'text = "Train supervisors on file standards"\ndone = true')
    text, data = merged(BASE, ours, theirs)
    assert [(a["text"], a.get("done")) for a in data["actions"]] == [
        ("Introduce a crime-file quality review", False),
        ("Train supervisors on file standards", True), ("Audit a sample of files", False),
        ("Ours new", False), ("Theirs new", None)]
    assert_only_theirs_lines(BASE, ours, theirs, text)


def test_an_action_both_sides_added_is_one_action():
    new = '[[actions]]\ntext = "Same"\n{}\n[[updates]]\ndate = 2023-01-15'
    ours = edit(edit(BASE, "[[updates]]\ndate = 2023-01-15", new.format("")), "number = 8",
                "number = 8\nx = 1")
    theirs = edit(BASE, "[[updates]]\ndate = 2023-01-15", new.format('owner = "T"\n'))
    _, data = merged(BASE, ours, theirs)
    assert [a["text"] for a in data["actions"]].count("Same") == 1
    assert data["actions"][-1] == {"text": "Same", "owner": "T"}
    assert data["x"] == 1


def test_action_removed_on_one_side_and_unchanged_on_the_other_is_removed():
    block = '[[actions]]\ntext = "Audit a sample of files"\ndone = false\n\n'
    ours = edit(BASE, 'status = "in-progress"', 'status = "complete"')
    theirs = edit(BASE, block, "")
    text, data = merged(BASE, ours, theirs)
    assert [a["text"] for a in data["actions"]] == [
        "Introduce a crime-file quality review", "Train supervisors on file standards"]
    assert text == edit(ours, block, "")
    # And the other way round: ours removed it, theirs ticked another one.
    theirs = edit(BASE, 'quality review"\ndone = false', 'quality review"\ndone = true')
    _, data = merged(BASE, edit(BASE, block, ""), theirs)
    assert [a.get("done") for a in data["actions"]] == [True, False]


def test_action_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    block = '[[actions]]\ntext = "Train supervisors on file standards"\ndone = false\n'
    ticked = edit(BASE, block, block.replace("false", "true"))
    removed = edit(BASE, block + "due = 2023-02-28\n\n", "")
    base_action = {"text": "Train supervisors on file standards", "done": False,
                   "due": date(2023, 2, 28)}
    ticked_action = {**base_action, "done": True}

    result = merge_item(BASE, ticked, removed)  # ours changed, theirs removed: kept
    assert result.conflicts == (FieldConflict(("actions", 1), base_action, ticked_action, None),)
    assert tomllib.loads(result.text)["actions"][1] == ticked_action

    result = merge_item(BASE, removed, ticked)  # ours removed, theirs changed: stays out
    assert result.conflicts == (FieldConflict(("actions", 1), base_action, None, ticked_action),)
    assert len(tomllib.loads(result.text)["actions"]) == 2


def test_a_deleted_and_an_added_action_are_not_taken_for_an_edit():
    block = '[[actions]]\ntext = "Introduce a crime-file quality review"\ndone = false\n\n'
    ours = edit(BASE, block, "") + '\n[[actions]]\ntext = "Publish the results"\n'
    theirs = edit(BASE, "Audit a sample of files", "Audit a sample of files (50)")
    _, data = merged(BASE, ours, theirs)
    assert [a["text"] for a in data["actions"]] == [
        "Train supervisors on file standards", "Audit a sample of files (50)",
        "Publish the results"]


def test_an_edited_action_moved_elsewhere_is_matched_by_similar_text():
    first = '[[actions]]\ntext = "Introduce a crime-file quality review"\ndone = false\n\n'
    ours = edit(BASE, first, "").replace(
        '[[updates]]\ndate = 2023-01-15',
        '[[actions]]\ntext = "Introduce a crime-file quality review panel"\ndone = false\n\n'
        '[[updates]]\ndate = 2023-01-15', 1)
    theirs = edit(BASE, 'quality review"\ndone = false', 'quality review"\ndone = true')
    _, data = merged(BASE, ours, theirs)
    assert data["actions"][-1] == {"text": "Introduce a crime-file quality review panel",
                                   "done": True}
    assert len(data["actions"]) == 3


def _reordered(text: str) -> str:
    """The three actions in the order 3, 1, 2."""
    first = '[[actions]]\ntext = "Introduce'
    third = '[[actions]]\ntext = "Audit a sample of files"\ndone = false\n\n'
    return edit(edit(text, third, ""), first, third + first)


def test_reordering_on_one_side_only_keeps_that_order():
    order = ["Audit a sample of files", "Introduce a crime-file quality review",
             "Train supervisors on file standards"]
    ticked = edit(BASE, 'quality review"\ndone = false', 'quality review"\ndone = true')
    ticked += '\n[[actions]]\ntext = "New"\n'
    for ours, theirs in ((_reordered(BASE), ticked), (ticked, _reordered(BASE))):
        _, data = merged(BASE, ours, theirs)
        assert [a["text"] for a in data["actions"]] == [*order, "New"]
        assert data["actions"][1]["done"] is True


def test_theirs_order_stands_when_ours_only_edited_actions():
    ours = edit(BASE, "due = 2023-02-28", "due = 2023-03-31")
    theirs = edit(BASE, '[[actions]]\ntext = "Audit', '[[actions]]\ntext = "Mid"\n\n'
                  '[[actions]]\ntext = "Audit')
    _, data = merged(BASE, ours, theirs)
    assert [a["text"] for a in data["actions"]][1:3] == [
        "Train supervisors on file standards", "Mid"]
    assert data["actions"][1]["due"] == date(2023, 3, 31)


# -- sub-tables --------------------------------------------------------------------------
def test_closure_merges_key_by_key():
    ours = edit(BASE, 'approved_by = "DCC"', 'approved_by = "Deputy Chief Constable"')
    theirs = edit(BASE, 'board = "Force Improvement Board"', 'board = "FIB"\ndate = 2023-05-01')
    text, data = merged(BASE, ours, theirs)
    assert data["closure"] == {"approved_by": "Deputy Chief Constable", "board": "FIB",
                               "date": date(2023, 5, 1)}
    assert_only_theirs_lines(BASE, ours, theirs, text)
    theirs = edit(BASE, 'approved_by = "DCC"', 'approved_by = "ACC"')
    result = merge_item(BASE, ours, theirs)
    assert result.conflicts == (FieldConflict(("closure", "approved_by"), "DCC",
                                              "Deputy Chief Constable", "ACC"),)


def test_closure_added_or_removed_on_one_side():
    base = edit(BASE, '\n[closure]\napproved_by = "DCC"\nboard = "Force Improvement Board"\n', "")
    ours = edit(base, 'status = "in-progress"', 'status = "complete"')
    _, data = merged(base, ours, BASE)
    assert data["closure"] == {"approved_by": "DCC", "board": "Force Improvement Board"}
    assert data["status"] == "complete"
    _, data = merged(BASE, edit(BASE, 'status = "in-progress"', 'status = "x"'), base)
    assert "closure" not in data and data["status"] == "x"
    result = merge_item(BASE, edit(BASE, '"DCC"', '"CC"'), base)
    assert [c.path for c in result.conflicts] == [("closure",)]


# -- the document operations the merge relies on -------------------------------------------
def test_arrange_tables_keeps_each_table_and_its_spacing():
    doc = ItemDocument(BASE)
    other = ItemDocument(BASE + '\n[[updates]]\ndate = 2023-02-02  # note\nby = "T"\ntext = "x"\n')
    doc.arrange_tables("updates", [0, (other, 2), 1])
    assert "by = \"Test Lead\"\ntext = \"Reviewed at the Force Improvement Board.\"\n\n" \
           "[[updates]]\ndate = 2023-02-02  # note\nby = \"T\"\ntext = \"x\"\n\n[[updates]]\n" \
           "date = 2023-03-01" in doc.text()
    assert 'text = "Review template agreed."\n\n[[evidence]]' in doc.text()
    doc.arrange_tables("updates", [])
    assert "updates" not in doc.data()


def test_set_path_edits_a_nested_key_in_place():
    doc = ItemDocument(BASE)
    doc.set_path(("closure", "board"), "FIB")
    doc.set_path(("actions", 1, "due"), None)
    removed, added = changed(BASE, doc.text())
    assert removed == {'board = "Force Improvement Board"', "due = 2023-02-28"}
    assert added == {'board = "FIB"'}


# -- randomized: two sides edit a generated item ---------------------------------------------
WORDS = ("review", "train", "audit", "files", "victims", "supervisors", "publish", "panel",
         "quality", "crime", "board", "report", "sample", "standards", "plan", "data")
FIELDS = {"status": ("not-started", "in-progress", "complete", "closed"),
          "owner": ("Supt A", "Supt B", "Ch Insp C", None),
          "due": (date(2023, 3, 31), date(2023, 6, 30), date(2024, 1, 31), None),
          "custom": ("x", "y", 3, None)}
TAGS = ("fib", "quality", "victims", "data", "training")


def _generate(rng: random.Random) -> str:
    doc = ItemDocument('# generated\nid = "G-01"\nkind = "afi"\ntitle = "Generated"\n')
    for key, choices in FIELDS.items():
        doc.set(key, rng.choice([c for c in choices if c is not None]))
    doc.set("tags", rng.sample(TAGS, rng.randint(0, 3)))
    for n in range(rng.randint(0, 4)):
        doc.append_table("actions", {"text": _sentence(rng), "done": False, "ref": f"b{n}"})
    for day in sorted(rng.sample(range(1, 28), rng.randint(0, 3))):
        doc.append_table("updates", {"date": date(2022, 12, day), "by": "Base",
                                     "text": _sentence(rng)})
    if rng.random() < 0.5:
        doc.append_table("evidence", {"title": _sentence(rng), "date": date(2022, 11, 1)})
    if rng.random() < 0.5:
        doc.set("closure", {"board": "FIB", "approved_by": "DCC"})
    return doc.text()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 4)).capitalize() + f" {rng.randint(0, 10**6)}"


def _edit_side(rng: random.Random, text: str, side: str) -> str:
    doc = ItemDocument(text)
    for _ in range(rng.randint(1, 5)):
        data = doc.data()
        op = rng.choice(["field", "field", "tag", "tick", "retext", "add", "remove", "update",
                         "evidence", "closure"])
        actions = data.get("actions", [])
        if op == "field":
            key = rng.choice(list(FIELDS))
            doc.set(key, rng.choice(FIELDS[key]))
        elif op == "tag":
            tag = rng.choice(TAGS)
            if tag in data.get("tags", []):
                doc.remove_from_array("tags", tag)
            else:
                doc.add_to_array("tags", tag)
        elif op in ("tick", "retext", "remove") and actions:
            n = rng.randrange(len(actions))
            if op == "tick":
                doc.set_path(("actions", n, "done"), not actions[n].get("done", False))
            elif op == "retext":
                doc.set_path(("actions", n, "text"), f"{actions[n]['text']} ({side})")
            else:
                doc.arrange_tables("actions", [i for i in range(len(actions)) if i != n])
        elif op == "add":
            doc.append_table("actions", {"text": _sentence(rng), "ref": f"{side}{rng.random()}"})
        elif op == "update":
            _insert_by_date(doc, "updates", {"date": date(2023, rng.randint(1, 12), 1),
                                             "by": side, "text": _sentence(rng)})
        elif op == "evidence":
            _insert_by_date(doc, "evidence", {"title": _sentence(rng),
                                              "date": date(2023, rng.randint(1, 12), 2)})
        elif op == "closure" and "closure" in data:
            doc.set_path(("closure", rng.choice(["board", "date"])),
                         rng.choice(["FIB", "Board", date(2023, 7, 1)]))
    return doc.text()


def _insert_by_date(doc: ItemDocument, key: str, entry: dict) -> None:
    """A side's own log stays in date order, as afi writes it."""
    entries = doc.data().get(key, [])
    doc.append_table(key, entry)
    order = sorted(range(len(entries) + 1),
                   key=lambda i: entries[i]["date"] if i < len(entries) else entry["date"])
    if order != list(range(len(entries) + 1)):
        doc.arrange_tables(key, order)


def _by_ref(data: dict) -> dict[str, dict]:
    return {a["ref"]: a for a in data.get("actions", [])}


def _check_fields(base: dict, ours: dict, theirs: dict, out: dict, conflicts: set) -> None:
    paths = [(key,) for key in FIELDS] + [("closure", k) for k in ("board", "date")]
    for path in paths:
        b, o, t, r = (_get(d, path) for d in (base, ours, theirs, out))
        if path in conflicts:
            assert r == o and b != o != t != b, path
        elif o == b:
            assert r == t, path
        elif t == b:
            assert r == o, path
        else:
            assert o == t == r, path


def _get(data: dict, path: tuple) -> object:
    for key in path:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data


def _check_actions(base: dict, ours: dict, theirs: dict, out: dict) -> None:
    b, o, t, r = (_by_ref(d) for d in (base, ours, theirs, out))
    for ref in set(o) | set(t):
        if ref not in b:
            assert ref in r, "an added action was lost"
    for ref, action in b.items():
        if ref in o and ref in t:
            for key in ("done", "text"):
                if o[ref].get(key) == action.get(key):
                    assert r[ref].get(key) == t[ref].get(key), (ref, key)
                else:
                    assert r[ref].get(key) == o[ref].get(key), (ref, key)
        else:  # removed on a side, and unchanged on the other (no conflict)
            assert ref not in r, ref


def _check_logs(ours: dict, theirs: dict, out: dict) -> None:
    for key in ("updates", "evidence"):
        result = out.get(key, [])
        for entry in ours.get(key, []) + theirs.get(key, []):
            assert entry in result, f"{key} entry lost"
        assert [e["date"] for e in result] == sorted(e["date"] for e in result)


def _ambiguous(base: dict, side: dict) -> bool:
    """The side removed BASE's last action and added some: by position that is an edit."""
    refs = [a["ref"] for a in base.get("actions", [])]
    side_refs = [a["ref"] for a in side.get("actions", [])]
    return bool(refs) and refs[-1] not in side_refs and len(side_refs) > len(
        [r for r in side_refs if r in refs])


@pytest.mark.parametrize("seed", range(200))
def test_random_edits_on_both_sides_merge_soundly(seed):
    rng = random.Random(seed)
    base = _generate(rng)
    ours, theirs = _edit_side(rng, base, "ours"), _edit_side(rng, base, "theirs")
    crlf = seed % 4 == 0
    if crlf:
        base, ours, theirs = (t.replace("\n", "\r\n") for t in (base, ours, theirs))
    result = merge_item(base, ours, theirs)
    assert ("\n" in result.text.replace("\r\n", "")) is not crlf
    out = tomllib.loads(result.text)
    data = [tomllib.loads(t) for t in (base, ours, theirs)]
    conflicts = {c.path for c in result.conflicts}
    _check_fields(*data, out, conflicts)
    _check_logs(data[1], data[2], out)
    tags = set(data[0].get("tags", []))
    removed = tags - set(data[1].get("tags", [])) | tags - set(data[2].get("tags", []))
    added = set(data[1].get("tags", [])) | set(data[2].get("tags", []))
    assert set(out.get("tags", [])) == (tags | added) - removed
    actions_conflict = any(path[0] == "actions" for path in conflicts)
    if not actions_conflict and not any(_ambiguous(data[0], side) for side in data[1:]):
        _check_actions(*data, out)


@pytest.mark.parametrize("merged", [
    'id = "X-01"\nclosure = {approved_by = "DCC", board = "FIB", date = 2025-01-01}\n',
    'id = "X-01"\n\n[closure]\napproved_by = "DCC"\nboard = "FIB"\ndate = 2025-01-01\n'])
def test_two_conflicts_on_the_same_lines_make_one_well_formed_block(merged):
    """Two keys of one inline table (or on touching lines): one block, each side with
    all of its values, markers balanced, and each side a valid file."""
    import tomllib
    from datetime import date

    from tui.core.team.conflicts import Conflict, ConflictRecord, with_markers

    record = ConflictRecord("plan/afis/X-01.toml", merged, "ours", [
        Conflict("closure.board", ("closure", "board"), "FIB", "FIB", "PEEL board"),
        Conflict("closure.date", ("closure", "date"), date(2025, 1, 1), date(2025, 1, 1),
                 date(2025, 2, 1))])
    text = with_markers(record)
    assert text.count("<<<<<<< ours\n") == text.count("=======\n") == \
        text.count(">>>>>>> theirs\n") == 1
    before, rest = text.split("<<<<<<< ours\n")
    ours, rest = rest.split("=======\n")
    theirs, after = rest.split(">>>>>>> theirs\n")
    assert tomllib.loads(before + ours + after)["closure"] == \
        {"approved_by": "DCC", "board": "FIB", "date": date(2025, 1, 1)}
    assert tomllib.loads(before + theirs + after)["closure"] == \
        {"approved_by": "DCC", "board": "PEEL board", "date": date(2025, 2, 1)}
