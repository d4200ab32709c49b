"""The edit screen's action list, turned into Change calls: each call's index refers to
the list as the calls before it left it, so any mix of edits lands as the user left it."""

from __future__ import annotations

import random
from datetime import date

from tui.app.action_edits import ActionDraft, action_calls, changed
from tui.core.plan import Plan

from .conftest import git, write_item

TEXTS = ["Recruit", "Review rota", "Train staff", "Audit files", "Brief FIB"]


def plan_with_actions(plan_dir) -> Plan:
    body = "".join(
        f'\n[[actions]]\ntext = "{text}"\ndone = {"true" if n % 2 else "false"}\n'
        + (f'owner = "Owner {n}"\n' if n == 1 else "")
        + ("due = 2025-03-31\n" if n == 2 else "")
        for n, text in enumerate(TEXTS))
    write_item(plan_dir, "PEEL22-09", 'id = "PEEL22-09"\nkind = "afi"\ninspection = "PEEL22"\n'
               'area = "Responding to the public"\ntitle = "Many actions"\n'
               'status = "in-progress"\n' + body)
    git(plan_dir.parent, "add", ".")
    git(plan_dir.parent, "commit", "-qm", "actions")
    return Plan(plan_dir)


def as_file(drafts: list[ActionDraft]) -> list[dict]:
    """What the file should hold afterwards."""
    out = []
    for d in drafts:
        if d.removed:
            continue
        action = {"text": d.text.strip(), "done": d.done}
        if d.owner:
            action["owner"] = d.owner
        if d.due:
            action["due"] = date.fromisoformat(d.due)
        out.append(action)
    return out


def apply(plan: Plan, drafts: list[ActionDraft], originals: list[ActionDraft]) -> list[dict]:
    change = plan.change().change
    for call in action_calls(originals, drafts):
        call.apply(change, "PEEL22-09")
    entry = change.open("PEEL22-09")
    return [{k: v for k, v in a.items()} for a in entry.document.data().get("actions", [])]


def test_each_kind_of_edit_becomes_calls_in_a_safe_order(plan_dir):
    plan = plan_with_actions(plan_dir)
    actions = plan.get("PEEL22-09").actions
    originals = [ActionDraft.from_file(n, a) for n, a in enumerate(actions)]
    drafts = [a.copy() for a in originals]
    drafts[0].removed = True                    # remove the first
    drafts[1].done = not drafts[1].done         # untick
    drafts[2].text = "Review the rota again"    # edit, then move it last
    drafts[3].owner, drafts[3].due = "Supt Grey", "2025-09-30"
    drafts.append(ActionDraft("Tell the PCC", done=True, owner="DCC"))
    drafts.insert(1, drafts.pop(2))             # reorder
    drafts.append(drafts.pop(2))
    calls = action_calls(originals, drafts)
    assert [c.name for c in calls][:2] == ["remove_action", "set_action_done"]
    assert apply(plan, drafts, originals) == as_file(drafts)
    assert changed(originals, drafts)
    assert not changed(originals, [a.copy() for a in originals])
    assert action_calls(originals, [a.copy() for a in originals]) == []


def test_random_edits_always_land_as_left(plan_dir):
    plan = plan_with_actions(plan_dir)
    actions = plan.get("PEEL22-09").actions
    originals = [ActionDraft.from_file(n, a) for n, a in enumerate(actions)]
    rng = random.Random(7)
    for round_ in range(60):
        drafts = [a.copy() for a in originals]
        for _ in range(rng.randint(1, 8)):
            kind = rng.choice(["tick", "edit", "add", "remove", "move", "owner"])
            n = rng.randrange(len(drafts))
            if kind == "tick":
                drafts[n].done = not drafts[n].done
            elif kind == "edit":
                drafts[n].text = f"Edited {round_}-{n}"
            elif kind == "add":
                drafts.append(ActionDraft(f"New {round_}-{len(drafts)}", done=rng.random() < .3,
                                          due=rng.choice(["", "2026-01-31"])))
            elif kind == "remove":
                drafts[n].removed = not drafts[n].removed
            elif kind == "move":
                drafts.insert(rng.randrange(len(drafts)), drafts.pop(n))
            else:
                drafts[n].owner = rng.choice(["", "DCI Jones"])
        assert apply(plan, drafts, originals) == as_file(drafts), round_
