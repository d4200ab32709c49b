"""The query language (docs/format.md §5): every term, quoting, negation, dates, views, sorting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.core.errors import QueryError
from tui.core.model.items import Item, PlanConfig
from tui.core.model.query import parse_query, sort_items

ON = date(2025, 1, 15)
CONFIG = PlanConfig(title="t", due_soon_days=30,
                    views={"late": "is:overdue sort:due", "mine": "view:late owner:smith",
                           "loop": "view:loop2", "loop2": "view:loop"})


def item(item_id: str, **data) -> Item:
    data.setdefault("status", "in-progress")
    return Item({"id": item_id, **data}, Path(f"/plan/afis/{item_id}.toml"))


ITEMS = [
    item("PEEL22-10", title="Answer 999 calls faster", area="Responding to the public",
         owner="Supt Smith", due=date(2025, 1, 1), group="demand", tags=["fib", "calls"],
         inspection="PEEL22", kind="afi", number=10),
    item("PEEL22-9", title="Identify repeat victims", area="Protecting vulnerable people",
         owner="DCI Jones", due=date(2025, 2, 1), status="not-started", group="demand",
         inspection="PEEL22", kind="afi", number=9,
         actions=[{"text": "Train the control room staff"}]),
    item("PEEL22-11", title="Supervise investigations", area="Investigating crime",
         status="complete", due=date(2024, 6, 1), inspection="PEEL22", kind="afi",
         updates=[{"text": "Audit shows 94% compliance"}]),
    item("HMIC07-R2", title="Share intelligence", area="Protective services",
         status="closed", inspection="HMIC07", kind="recommendation", lead="ACC Brown"),
    item("HMIC07-R10", title="Review [red]markup[/] titles", area="Protective services",
         due=date(2025, 9, 1), inspection="HMIC07", kind="recommendation", owner="Smithson"),
]


def ids(text: str) -> list[str]:
    return [i.id for i in parse_query(text, CONFIG.views, on=ON).apply(ITEMS, CONFIG, ON)]


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["HMIC07-R2", "HMIC07-R10", "PEEL22-9", "PEEL22-10", "PEEL22-11"]),
    ("999", ["PEEL22-10"]),
    ("CONTROL room", ["PEEL22-9"]),  # action text, any case
    ("94%", ["PEEL22-11"]),  # update text
    ('"repeat victims"', ["PEEL22-9"]),
    ('"victims repeat"', []),
    ("status:complete", ["PEEL22-11"]),
    ("STATUS:Complete,closed", ["HMIC07-R2", "PEEL22-11"]),
    ("status:complet", []),  # exact, not substring
    ("kind:recommendation", ["HMIC07-R2", "HMIC07-R10"]),
    ("inspection:peel22 -status:complete", ["PEEL22-9", "PEEL22-10"]),
    ("id:peel22-9", ["PEEL22-9"]),
    ("area:crime", ["PEEL22-11"]),
    ('area:"vulnerable people"', ["PEEL22-9"]),
    ("owner:smith", ["HMIC07-R10", "PEEL22-10"]),  # substring: Smithson too
    ("lead:brown", ["HMIC07-R2"]),
    ('owner:"supt smith","dci jones"', ["PEEL22-9", "PEEL22-10"]),  # quoted, either
    ('area:"vulnerable people",crime', ["PEEL22-9", "PEEL22-11"]),
    ('-area:"vulnerable people","protective services"', ["PEEL22-10", "PEEL22-11"]),
    ('status:"complete","closed"', ["HMIC07-R2", "PEEL22-11"]),
    ("title:answer,999", ["PEEL22-10"]),
    ('title:"answer, 999"', []),  # a comma inside quotes is part of the value
    ("group:demand", ["PEEL22-9", "PEEL22-10"]),
    ("tag:fib", ["PEEL22-10"]),
    ("tags:call", ["PEEL22-10"]),
    ("title:[red]", ["HMIC07-R10"]),
    ("-group:demand", ["HMIC07-R2", "HMIC07-R10", "PEEL22-11"]),
    ('-"repeat victims" inspection:PEEL22', ["PEEL22-10", "PEEL22-11"]),
    ("due<2025-02-01", ["PEEL22-10", "PEEL22-11"]),
    ("due<=2025-02-01", ["PEEL22-9", "PEEL22-10", "PEEL22-11"]),
    ("due>2025-02-01", ["HMIC07-R10"]),
    ("due>=2025-02-01", ["HMIC07-R10", "PEEL22-9"]),
    ("due:2025-02-01", ["PEEL22-9"]),
    ("due<=17d", ["PEEL22-9", "PEEL22-10", "PEEL22-11"]),  # 2025-02-01 is 17 days on
    ("due<=16d", ["PEEL22-10", "PEEL22-11"]),
    ("due<-14d", ["PEEL22-11"]),
    ("due>today", ["HMIC07-R10", "PEEL22-9"]),
    ("due:none", ["HMIC07-R2"]),
    ("-due:none", ["HMIC07-R10", "PEEL22-9", "PEEL22-10", "PEEL22-11"]),
    ("is:overdue", ["PEEL22-10"]),  # PEEL22-11 is overdue by date but complete: done
    ("is:due-soon", ["PEEL22-9"]),
    ("is:on-track", ["HMIC07-R10"]),
    ("is:no-date", []),  # HMIC07-R2 has no date but is closed
    ("is:open", ["HMIC07-R10", "PEEL22-9", "PEEL22-10"]),
    ("is:done", ["HMIC07-R2", "PEEL22-11"]),
    ("-is:done", ["HMIC07-R10", "PEEL22-9", "PEEL22-10"]),
    ("view:late", ["PEEL22-10"]),
    ("view:mine", ["PEEL22-10"]),
])
def test_terms(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("sort:due", ["PEEL22-11", "PEEL22-10", "PEEL22-9", "HMIC07-R10", "HMIC07-R2"]),
    ("sort:-due", ["HMIC07-R10", "PEEL22-9", "PEEL22-10", "PEEL22-11", "HMIC07-R2"]),
    ("sort:owner", ["PEEL22-9", "HMIC07-R10", "PEEL22-10", "HMIC07-R2", "PEEL22-11"]),
    ("sort:-owner", ["PEEL22-10", "HMIC07-R10", "PEEL22-9", "HMIC07-R2", "PEEL22-11"]),
    ("sort:status", ["PEEL22-9", "HMIC07-R10", "PEEL22-10", "PEEL22-11", "HMIC07-R2"]),
    ("sort:-id", ["PEEL22-11", "PEEL22-10", "PEEL22-9", "HMIC07-R10", "HMIC07-R2"]),
    ("sort:number", ["PEEL22-9", "PEEL22-10", "HMIC07-R2", "HMIC07-R10", "PEEL22-11"]),
    ("sort:kind sort:-due", ["PEEL22-9", "PEEL22-10", "PEEL22-11", "HMIC07-R10",
                             "HMIC07-R2"]),
])
def test_sort_missing_values_last_either_way(text, expected):
    assert ids(text) == expected


def test_view_sort_applies():
    query = parse_query("view:late", CONFIG.views, on=ON)
    assert query.sort_keys == (("due", False),)


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("colour:red", 0, "unknown field 'colour'"),
    ("status:complete due<2024-13-01", 16, "bad date '2024-13-01'"),
    ("due>soon", 0, "bad date 'soon'"),
    ("is:late", 0, "unknown 'is:late'"),
    ('title:"unclosed', 0, "unclosed quote"),
    ("owner: x", 0, "needs a value"),
    ("sort:colour", 0, "cannot sort by 'colour'"),
    ("view:nope", 0, "unknown view 'nope'"),
    ("view:loop", 0, "refers to itself"),
    ("owner<x", 0, "works only with due"),
])
def test_errors_name_the_term_and_position(text, position, fragment):
    with pytest.raises(QueryError) as caught:
        parse_query(text, CONFIG.views, on=ON)
    assert fragment in str(caught.value)
    assert caught.value.position == position


def test_unknown_field_lists_the_known_ones():
    with pytest.raises(QueryError, match="status, kind, inspection, id, area"):
        parse_query("colour:red")


def test_natural_id_sort_and_ties_by_id():
    items = [item(i) for i in ("A-10", "A-9", "a-1", "B-2")]
    assert [i.id for i in sort_items(items, [], CONFIG)] == ["a-1", "A-9", "A-10", "B-2"]
    assert [i.id for i in sort_items(items, [("status", True)], CONFIG)] == \
        ["a-1", "A-9", "A-10", "B-2"]


def test_ten_thousand_items():
    many = [item(f"X-{n:05d}", status=("complete" if n % 4 == 0 else "in-progress"),
                 owner=f"Owner {n % 10}", due=date(2025, 1, 1 + n % 28)) for n in range(10_000)]
    query = parse_query("status:in-progress owner:7 sort:-due", on=ON)
    found = query.apply(many, CONFIG, ON)
    assert len(found) == sum(1 for n in range(10_000) if n % 4 and n % 10 == 7)
    assert all(a.due >= b.due for a, b in zip(found, found[1:], strict=False))


def test_state_counts_agree_with_each_items_due_state():
    """The header's one-pass totals say what due_state says of each item, at every
    boundary (due today, on the last due-soon day, the day after)."""
    from datetime import timedelta

    from tui.core.model.items import due_state, state_counts

    statuses = ["not-started", "in-progress", "complete", "closed", "superseded"]
    offsets = [None, -400, -1, 0, 1, 29, 30, 31, 365]
    items = [item(f"X-{n}", status=statuses[n % 5],
                  **({} if offsets[n % 9] is None else {"due": ON + timedelta(offsets[n % 9])}))
             for n in range(90)]
    counts = state_counts(items, CONFIG, ON)
    for state in ("overdue", "due-soon", "on-track", "no-date", None):
        assert counts[state] == sum(1 for i in items if due_state(i, CONFIG, ON) == state)
    assert counts["awaiting-signoff"] == sum(
        1 for i in items if CONFIG.is_awaiting_signoff(i.status)) > 0
    assert counts["due-soon"] > 0 and counts["on-track"] > 0 and counts["overdue"] > 0


def test_a_saved_view_that_does_not_parse_is_a_problem_of_the_plan(plan_dir):
    from tui.core.plan import Plan

    assert Plan(plan_dir).check() == []
    plan_file = plan_dir / "plan.toml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("[views]\n", '[views]\nodd = "colour:red"\n')
                         if "[views]" in text else text + '\n[views]\nodd = "colour:red"\n',
                         encoding="utf-8")
    problems = Plan(plan_dir).check()
    assert [p.message.split(":")[0] for p in problems] == ["view 'odd'"]
    assert problems[0].path == plan_file and problems[0].line == plan_file.read_text(
        encoding="utf-8").splitlines().index('odd = "colour:red"') + 1
