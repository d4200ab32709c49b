"""Commit messages computed from the commit itself (docs/format.md, "Commits").

A message is derived from the field-level difference between the files as HEAD has them
and as they will be committed, never from what a command meant to do: so it cannot
disagree with its diff. The same functions check a commit afterwards (`audit.py`):
recompute the lines from the parent and the commit, and compare.

    PEEL22-08: status in-progress -> complete, progress update

    AFI-Id: PEEL22-08
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from tui.core.git.repo import TRAILER_KEY, trailer_ids
from tui.core.model.schema import LONG_TEXT  # named, not quoted
from tui.core.safe_text import has_controls

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Data = dict[str, Any]

SHOWN_MAX = 40  # longer values are named, not quoted
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TRAILER_LINE = re.compile(rf"^\s*{TRAILER_KEY}\s*:", re.IGNORECASE | re.MULTILINE)


def item_notes(old: Data | None, new: Data | None) -> list[str]:
    """What changed in one item, field by field: ['status a -> b', 'progress update']."""
    if old is None:
        return [f"new {_show(new.get('kind', 'item'))}"] if new is not None else []
    if new is None:
        return ["deleted"]
    notes: list[str] = []
    for key in list(new) + [k for k in old if k not in new]:
        before, after = old.get(key), new.get(key)
        if before != after:
            notes += _field_notes(key, before, after)
    return notes


def file_notes(old: Data | None, new: Data | None) -> list[str]:
    """For a file that is not an item (plan.toml): which top-level keys changed."""
    if old is None or new is None:
        return ["added" if old is None else "deleted"]
    keys = [k for k in list(new) + [k for k in old if k not in new] if old.get(k) != new.get(k)]
    return [f"{', '.join(_key(k) for k in keys)} changed"] if keys else []


def compose(items: list[tuple[str, list[str]]], others: Sequence[tuple[str, list[str]]] = (),
            user_message: str | None = None) -> str:
    """The whole message: subject, a line per changed file, an AFI-Id trailer per item.
    `items` and `others` are (id or file name, notes); entries without notes are left out."""
    items = [(name, notes) for name, notes in items if notes]
    others = [(name, notes) for name, notes in others if notes]
    lines = [f"{name}: {', '.join(notes)}" for name, notes in [*items, *others]]
    if user_message:
        subject, body = user_message, "\n".join(lines)
    elif len(lines) == 1:
        subject, body = lines[0], ""
    else:
        subject, body = bulk_subject(items, others), "\n".join(lines)
    trailers = "\n".join(f"{TRAILER_KEY}: {name}" for name, _ in items)
    return "\n\n".join(part for part in (subject, body, trailers) if part) + "\n"


def bulk_subject(items: list[tuple[str, list[str]]],
                 others: Sequence[tuple[str, list[str]]] = ()) -> str:
    """'status -> complete on 12 items' when every item got the same edit."""
    edits = {tuple(_without_old(note) for note in notes) for _, notes in items}
    count = f"{len(items)} items" if len(items) != 1 else "1 item"
    if not items:
        return f"update {', '.join(name for name, _ in others)}"
    if len(edits) == 1 and not others:
        return f"{', '.join(next(iter(edits)))} on {count}"
    return f"update {count}" + (f" and {', '.join(n for n, _ in others)}" if others else "")


def check_user_message(text: str | None) -> str | None:
    """A message given with -m, kept verbatim; None if blank. It may not carry AFI-Id
    trailers: those say which items a commit touched, and only afi writes them; nor
    control characters other than line breaks and tabs, nor characters that hide what
    it says (safe_text.HIDDEN)."""
    from tui.core.errors import UsageError

    if text is None or not text.strip():
        return None
    if _TRAILER_LINE.search(text):
        raise UsageError(f"the message may not contain '{TRAILER_KEY}:' lines: afi adds one "
                         "for each item the commit changes")
    from tui.core.safe_text import CONTROL_NOT_LINE, hidden_character, not_utf8, visible

    text = text.replace("\r\n", "\n")
    if not_utf8(text):
        raise UsageError("the message is not UTF-8 text (set the terminal to UTF-8, or type "
                         "it again)")
    if (control := CONTROL_NOT_LINE.search(text)) is not None:
        raise UsageError(f"the message may not contain control characters (it holds "
                         f"{visible(control.group())}, U+{ord(control.group()):04X}): they "
                         "would reach every terminal that shows `git log`")
    if (hidden := hidden_character(text)) is not None:
        raise UsageError(f"the message may not contain {hidden}: it hides what the text "
                         "says")
    return text.strip("\n")


def user_text(message: str) -> str | None:
    """The part of a commit message a person wrote (-m), without afi's lines and
    trailers; None when afi wrote all of it."""
    paragraphs = message.strip().split("\n\n")
    if trailer_ids(message):
        paragraphs = paragraphs[:-1]
    if paragraphs and all(_AFI_LINE.match(line) for line in paragraphs[-1].splitlines()):
        paragraphs = paragraphs[:-1]
    if len(paragraphs) == 1 and _looks_generated(paragraphs[0]):
        paragraphs = []
    return "\n\n".join(paragraphs) or None


def user_part(message: str) -> str | None:
    """The text given with -m, verbatim, from a message `compose` made: what is left
    when afi's trailers and its paragraph of per-file lines (one line per trailer id,
    in order, then other files) are taken off the end, unless that is the subject afi
    generates itself. `user_text` guesses from the look of lines; this does not."""
    body = message.rstrip("\n")
    ids = trailer_ids(message)
    if not ids:
        return user_text(message)
    body = body.rpartition("\n\n")[0]
    rest, sep, lines = body.rpartition("\n\n")
    if not sep:
        rest, lines = "", body
    rows = lines.split("\n")
    if len(rows) < len(ids) or any(not row.startswith(f"{name}: ")
                                   for name, row in zip(ids, rows, strict=False)):
        return user_text(message)
    if not rest:
        return None
    items = [(name, row[len(name) + 2:].split(", ")) for name, row in zip(ids, rows,
                                                                          strict=False)]
    others = [(row.partition(": ")[0], row.partition(": ")[2].split(", "))
              for row in rows[len(ids):]]
    return None if rest == bulk_subject(items, others) else rest


_AFI_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}: \S|^plan\.toml: ")


def _looks_generated(subject: str) -> bool:
    """A bulk subject afi wrote itself ('status -> complete on 12 items', 'update 3
    items')."""
    return bool(re.match(r"^(update \d+ items?|.* on \d+ items?)( and .*)?$", subject))


def message_problems(message: str, items: list[tuple[str, list[str]]],
                     others: Sequence[tuple[str, list[str]]] = (),
                     known: Iterable[str] = ()) -> list[str]:
    """Where a commit's message disagrees with what the commit changed (`items`/`others`:
    the notes recomputed from its diff; `known`: other item ids of the plan, which a
    subject may not make claims about either). Empty when they agree."""
    problems = []
    changed = [name for name, notes in items if notes]
    named = trailer_ids(message)
    if sorted(set(named), key=str.lower) != sorted(set(changed), key=str.lower):
        extra = sorted(set(named) - set(changed))
        missing = sorted(set(changed) - set(named))
        if extra:
            problems.append(f"{TRAILER_KEY} names items the commit does not change: "
                            f"{', '.join(extra)}")
        if missing:
            problems.append(f"{TRAILER_KEY} trailers missing for: {', '.join(missing)}")
    expected = {f"{name}: {', '.join(notes)}" for name, notes in [*items, *others] if notes}
    paragraphs = message.strip().split("\n\n")
    body_at = len(paragraphs) - 2 if named and len(paragraphs) > 1 else len(paragraphs) - 1
    body = paragraphs[body_at]
    known = list(known)
    if body_at > 0:  # a subject of its own: it may not copy afi's lines to say something else
        problems += _subject_problems(paragraphs[0].splitlines()[0], items, others, expected,
                                      known)
    lines = {line for line in body.splitlines() if line.strip()}
    if not expected:  # nothing changed: no line may say an item did
        claims = sorted(line for line in lines if subject_claims(line, [*changed, *known]))
        if claims:
            problems.append(f"message says {claims[0]!r}, which the diff does not show")
    elif lines != expected:
        wrong = sorted(lines - expected)
        absent = sorted(expected - lines)
        if wrong:
            problems.append(f"message says {wrong[0]!r}, which the diff does not show")
        if absent:
            problems.append(f"the diff shows {absent[0]!r}, which the message does not say")
    return problems


def _subject_problems(subject: str, items: Sequence[tuple[str, list[str]]],
                      others: Sequence[tuple[str, list[str]]], expected: set[str],
                      known: Iterable[str]) -> list[str]:
    """A subject in afi's form ('ID: notes', or a bulk subject such as 'status ->
    complete on 3 items') must be what afi would write for this diff."""
    found = _SUBJECT_LINE.match(subject)
    names = {name.lower() for name, _ in [*items, *others]} | {k.lower() for k in known}
    if found and found.group(1).lower() in names and subject not in expected:
        return [f"the subject says {subject!r}, which the diff does not show"]
    if not found and _looks_generated(subject) and subject != bulk_subject(
            [(n, notes) for n, notes in items if notes],
            [(n, notes) for n, notes in others if notes]):
        return [f"the subject says {subject!r}, which the diff does not show"]
    return []


def subject_claims(subject: str, known: Iterable[str]) -> bool:
    """Does a subject read as afi's line about one of `known` items?"""
    found = _SUBJECT_LINE.match(subject)
    return found is not None and found.group(1).lower() in {k.lower() for k in known}


_SUBJECT_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,63}): \S")


# -- one field ------------------------------------------------------------------------------
def _field_notes(key: str, before: Any, after: Any) -> list[str]:
    name = _key(key)
    if key in ("tags", "links") and _str_list(before) and _str_list(after):
        singular = key[:-1]
        old, new = before or [], after or []
        notes = [f"{singular} +{_show(v)}" for v in new if v not in old]
        notes += [f"{singular} -{_show(v)}" for v in old if v not in new]
        return notes or [f"{name} reordered"]
    if key == "actions" and _tables(before) and _tables(after):
        return _action_notes(before or [], after or [])
    if key in ("updates", "evidence") and _tables(before) and _tables(after):
        return _log_notes(key, before or [], after or [])
    if key == "assessments" and _tables(before) and _tables(after):
        old, new = before or [], after or []
        if len(new) > len(old) and new[:len(old)] == old:  # the owner's own RAG, appended
            return [f"assessed {_show(entry.get('rag'))}" for entry in new[len(old):]]
        return ["assessments edited"]
    if key == "closure" and isinstance(after, dict) and before is None:
        return [_closure_note(after)]
    if key in LONG_TEXT or isinstance(before, (dict, list)) or isinstance(after, (dict, list)):
        if before is None:
            return [f"{name} added"]
        return [f"{name} removed" if after is None else f"{name} changed"]
    if _too_long(before) or _too_long(after):
        return [f"{name} changed"]
    return [f"{name} {_show(before)} -> {_show(after)}"]


def _action_notes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """Actions have no ids: align them by position, allowing for one removal, and name
    what changed in each ('action 2 done', 'action 3 added', 'action 1 removed')."""
    if len(new) == len(old) and old != new and sorted(map(repr, new)) == sorted(map(repr, old)):
        moved = _single_move(old, new)
        return [f"action {moved[0]} moved to {moved[1]}"] if moved else ["actions reordered"]
    if len(new) >= len(old):
        notes = _pairwise_notes(list(enumerate(old, 1)), new[:len(old)])
        return notes + [f"action {n} added" for n in range(len(old) + 1, len(new) + 1)]
    if len(new) == len(old) - 1:
        candidates = []
        for gone in range(len(old)):
            kept = [(n, a) for n, a in enumerate(old, 1) if n != gone + 1]
            notes = _pairwise_notes(kept, new)
            candidates.append((len(notes), notes + [f"action {gone + 1} removed"]))
        return min(candidates, key=lambda c: c[0])[1]
    return ["actions changed"]


def _pairwise_notes(old: list[tuple[int, dict[str, Any]]], new: list[dict[str, Any]]) -> list[str]:
    """Notes for actions compared one to one; each named by its number before."""
    notes = []
    for (n, a), b in zip(old, new, strict=True):
        if a == b:
            continue
        if not isinstance(a, dict) or not isinstance(b, dict):
            notes.append(f"action {n} changed")
            continue
        for key in list(b) + [k for k in a if k not in b]:
            x, y = a.get(key), b.get(key)
            if x == y:
                continue
            if key == "done" and isinstance(y, bool | None):
                notes.append(f"action {n} {'done' if y else 'reopened'}")
            elif key == "text":
                notes.append(f"action {n} edited")
            elif _too_long(x) or _too_long(y) or isinstance(x, (dict, list)) or \
                    isinstance(y, (dict, list)):
                notes.append(f"action {n} {_key(key)} changed")
            else:
                notes.append(f"action {n} {_key(key)} {_show(x)} -> {_show(y)}")
    return notes


def _single_move(old: list[Any], new: list[Any]) -> tuple[int, int] | None:
    for source in range(len(old)):
        rest = old[:source] + old[source + 1:]
        for target in range(len(old)):
            if rest[:target] + [old[source]] + rest[target:] == new and source != target:
                return source + 1, target + 1
    return None


def _log_notes(key: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    what = "progress update" if key == "updates" else "evidence"
    if len(new) > len(old) and new[:len(old)] == old:
        added = len(new) - len(old)
        if key == "updates":
            return [what if added == 1 else f"{added} progress updates"]
        return [f"{what} added" if added == 1 else f"{added} evidence entries added"]
    return ["progress log edited" if key == "updates" else "evidence edited"]


def _closure_note(closure: dict[str, Any]) -> str:
    parts = ["closure"]
    if isinstance(closure.get("approved_by"), str):
        parts.append(f"by {_show(closure['approved_by'])}")
    if isinstance(closure.get("board"), str):
        parts.append(f"at {_show(closure['board'])}")
    if isinstance(closure.get("date"), date):
        parts.append(f"on {closure['date'].isoformat()}")
    return " ".join(parts)


_CHANGE_NOTE = re.compile(r'^((?:action \d+ )?(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*")) .* -> (.*)$')


def _without_old(note: str) -> str:
    """'status in-progress -> complete' -> 'status -> complete'."""
    found = _CHANGE_NOTE.match(note)
    return f"{found.group(1)} -> {found.group(2)}" if found else note


def _str_list(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _tables(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


def _too_long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > SHOWN_MAX or "\n" in value)


def _key(key: str) -> str:
    return key if _SAFE_KEY.match(key) else json.dumps(key)


def _show(value: Any) -> str:
    """A value as one line of a commit message: control characters escaped."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if has_controls(text):
        return json.dumps(text)[1:-1]
    return text
