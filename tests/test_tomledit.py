"""The faithful write path: one value changed, one line changed; layout kept."""

from __future__ import annotations

import difflib
import tomllib
from datetime import date

import pytest

from tui.core.store.tomledit import ItemDocument

SOURCE = """\
# Kept: a comment at the top.
id = "X-01"
kind = 'afi'   # literal quoting kept
title = "A title"
detail = \"\"\"
First line.
Second line.\"\"\"
status = "in-progress"  # trailing comment kept
due = 2025-03-31
custom_key = "unknown keys survive"
tags = ["a", "b"]

[[actions]]
text = "First"
done = false

[[actions]]
text = "Second"
done = true
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("status", "complete", ['-status = "in-progress"  # trailing comment kept',
                            '+status = "complete"  # trailing comment kept']),
    ("kind", "recommendation", ["-kind = 'afi'   # literal quoting kept",
                                "+kind = 'recommendation'   # literal quoting kept"]),
    ("due", date(2025, 6, 30), ["-due = 2025-03-31", "+due = 2025-06-30"]),
    ("due", None, ["-due = 2025-03-31"]),
    ("title", "[red]Markup[/] stays text", ['-title = "A title"',
                                            '+title = "[red]Markup[/] stays text"']),
])
def test_one_value_changes_one_line(key, value, expected):
    doc = ItemDocument(SOURCE)
    doc.set(key, value)
    assert changed_lines(SOURCE, doc.text()) == expected
    data = doc.data()
    assert data.get(key) == value
    assert data["custom_key"] == "unknown keys survive"


def test_new_key_goes_next_to_its_neighbours():
    doc = ItemDocument(SOURCE)
    doc.set("owner", "Supt Smith")
    lines = doc.text().splitlines()
    assert lines[lines.index('owner = "Supt Smith"') - 1].startswith("status = ")
    assert changed_lines(SOURCE, doc.text()) == ['+owner = "Supt Smith"']


def test_multiline_text_stays_multiline():
    doc = ItemDocument(SOURCE)
    doc.set("detail", "New first.\nNew second.")
    text = doc.text()
    assert 'detail = """' in text
    assert "New first.\nNew second." in text
    assert tomllib.loads(text)["detail"] == "New first.\nNew second."


def test_appended_tables_are_tidy_and_parse():
    doc = ItemDocument(SOURCE)
    doc.append_table("actions", {"text": "Third", "done": False, "due": None})
    doc.append_table("updates", {"date": date(2025, 1, 15), "by": "Lead", "text": "Two\nlines"})
    text = doc.text()
    assert text.endswith('text = """Two\nlines"""\n')
    assert "done = true\n\n[[actions]]\ntext = \"Third\"" in text
    assert "\n\n[[updates]]\n" in text
    data = tomllib.loads(text)
    assert [a["text"] for a in data["actions"]] == ["First", "Second", "Third"]
    assert data["updates"] == [{"date": date(2025, 1, 15), "by": "Lead", "text": "Two\nlines"}]
    # Nothing above the new tables moved.
    assert text.startswith(SOURCE)


def test_append_to_file_without_final_newline():
    doc = ItemDocument('id = "X"\nstatus = "closed"')
    doc.append_table("updates", {"date": date(2025, 1, 1), "by": "A", "text": "t"})
    assert tomllib.loads(doc.text())["updates"][0]["text"] == "t"
    assert 'status = "closed"\n' in doc.text()


def test_crlf_line_endings_are_kept():
    source = SOURCE.replace("\n", "\r\n")
    doc = ItemDocument(source)
    doc.set("status", "complete")
    doc.append_table("updates", {"date": date(2025, 1, 1), "by": "A", "text": "t"})
    out = doc.text()
    assert "\n" not in out.replace("\r\n", "")
    assert out.startswith(source.replace('"in-progress"', '"complete"'))
    assert changed_lines(source, out)[:2] == ['-status = "in-progress"  # trailing comment kept',
                                              '+status = "complete"  # trailing comment kept']


def test_nested_value_and_tags():
    doc = ItemDocument(SOURCE)
    doc.set_path(("actions", 0, "done"), True)
    assert changed_lines(SOURCE, doc.text()) == ["-done = false", "+done = true"]
    assert doc.add_to_array("tags", "c") is True
    assert doc.add_to_array("tags", "c") is False
    assert doc.remove_from_array("tags", "a") is True
    assert doc.data()["tags"] == ["b", "c"]


def test_untouched_document_round_trips_byte_for_byte():
    for source in (SOURCE, SOURCE.replace("\n", "\r\n"), 'id = "X"'):
        assert ItemDocument(source).text() == source


TRICKY = '''\
id = "X-02"
title = "Item #c ['a'] \\\\ \\"q\\""  # a comment with # inside
detail = """
status = "this line is text inside the detail, not a key"
[not a table]
"""
"status" = "in-progress"
tags = [
    "multi",
    "line",
]
'''


def test_values_with_hashes_quotes_and_escapes_keep_their_comment():
    doc = ItemDocument(TRICKY)
    doc.set("title", 'New "title" #d \\ done')
    removed, added = changed_lines(TRICKY, doc.text())
    assert removed.startswith("-title = ") and added.startswith("+title = ")
    assert added.endswith('"  # a comment with # inside')
    assert doc.data()["title"] == 'New "title" #d \\ done'


def test_key_text_inside_a_multiline_string_is_left_alone():
    doc = ItemDocument(TRICKY)
    doc.set("status", "complete")  # the real key is quoted: tomlkit handles it
    data = doc.data()
    assert data["status"] == "complete"
    assert data["detail"].startswith('status = "this line is text inside the detail')
    assert len(changed_lines(TRICKY, doc.text())) == 2


def test_multiline_arrays_go_through_tomlkit():
    doc = ItemDocument(TRICKY)
    assert doc.add_to_array("tags", "fib")
    assert doc.remove_from_array("tags", "multi")
    assert doc.data()["tags"] == ["line", "fib"]
    assert doc.data()["detail"] == ItemDocument(TRICKY).data()["detail"]


def test_one_line_array_edit_changes_one_line():
    doc = ItemDocument(SOURCE)
    doc.add_to_array("tags", "fib")
    assert changed_lines(SOURCE, doc.text()) == ['-tags = ["a", "b"]', '+tags = ["a", "b", "fib"]']


@pytest.mark.parametrize("value", ["plain", "it's", "tab\there", "bell\x07", "ünïcödé ✓",
                                   "[red]x[/]", '"', "\\", ""])
def test_any_single_line_string_round_trips(value):
    doc = ItemDocument(SOURCE)
    doc.set("owner", value)
    doc.set("kind", value)
    assert doc.data()["owner"] == value and doc.data()["kind"] == value
