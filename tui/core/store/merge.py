"""Three-way merge of one item file, field by field.

The result starts from OURS' text and applies what THEIRS changed since BASE, through
ItemDocument's faithful edits, so OURS' comments, layout and key order survive and the
diff against OURS holds only what THEIRS changed. Values are compared as tomllib reads
them; the merged text is re-read at the end and must give exactly the merged data.

- Fields (any key, at any depth of a table) changed on one side take that side's value;
  changed differently on both they are a FieldConflict and keep OURS' value.
- `tags` and `links` (and plan.toml's `boards`) merge as sets.
- `[[updates]]`, `[[evidence]]` and `[[assessments]]` (and plan.toml's `[[inspections]]`
  and `[[areas]]`) are logs: entries either side added are all kept
  (one copy of an entry both added), in date order; an entry one side removed or
  rewrote is removed, as the other side still has it unchanged. An entry one side
  removed and the other rewrote (same date, similar text) is a FieldConflict.
- `[[actions]]` are matched to BASE's actions (see `_match`) and merged key by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from itertools import pairwise

from tui.core.model.locate import conflict_marker_line
from tui.core.store import toml_read
from tui.core.store.tomledit import ItemDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SET_KEYS = ("tags", "links", "boards")  # boards: plan.toml's
LOG_KEYS = ("updates", "evidence", "assessments",
            "inspections", "areas")  # the last two: plan.toml's
ACTIONS = "actions"
SIMILAR_TEXT = 0.6  # difflib ratio above which an action's text counts as edited, not new

Path = tuple[str | int, ...]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a key absent on one side (None is not a TOML value)


@dataclass(frozen=True)
class FieldConflict:
    """A value both sides changed differently; the merged text holds OURS' value.

    `path` indexes the OURS file: ("owner",), ("closure", "board"), ("actions", 2, "text").
    A whole action OURS removed and THEIRS changed has the index where it would go in OURS.
    Absent values are None."""

    path: Path
    base: Any
    ours: Any
    theirs: Any


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: tuple[FieldConflict, ...]


def merge_item(base: str | None, ours: str, theirs: str) -> MergeResult:
    """Merge THEIRS' changes since BASE into OURS. `base` is None or "" when both sides
    added the file. Raises ValueError naming the side whose text is not valid TOML."""
    base_data = _parse(base, "base") if base else {}
    ours_data = _parse(ours, "ours")
    theirs_data = _parse(theirs, "theirs")
    if ours == theirs or theirs == base or _same(theirs_data, base_data) \
            or _same(ours_data, theirs_data):
        return MergeResult(ours, ())
    if ours == base:
        return MergeResult(theirs, ())
    merger = _Merger(ours, theirs)
    merged = merger.table((), base_data, ours_data, theirs_data)
    text = merger.doc.text()
    if not _same(toml_read.loads(text), merged):
        raise RuntimeError("merge_item: the merged text does not read back as the merged data")
    return MergeResult(text, tuple(merger.conflicts))


def _parse(text: str, side: str) -> dict[str, Any]:
    try:
        return toml_read.loads(text)
    except toml_read.TOMLDecodeError as error:
        # Only now: a marker-like line inside a multi-line string is valid text.
        if (line := conflict_marker_line(text)) is not None:
            raise ValueError(f"{side}: merge-conflict marker at line {line}") from error
        raise ValueError(f"{side}: not valid TOML: {error}") from error


class _Merger:
    """Walks the three parsed files, edits OURS' document, collects conflicts."""

    def __init__(self, ours: str, theirs: str):
        self.doc = ItemDocument(ours)
        self.theirs = ItemDocument(theirs)  # only parsed by tomlkit if tables are taken
        self.conflicts: list[FieldConflict] = []

    # -- dispatch -------------------------------------------------------------------------
    def table(self, path: Path, base: dict[str, Any], ours: dict[str, Any],
              theirs: dict[str, Any]) -> dict[str, Any]:
        merged = dict(ours)
        for key in _keys(ours, theirs, base):
            b, o, t = (side.get(key, MISSING) for side in (base, ours, theirs))
            if _same(o, t) or _same(t, b):
                continue  # OURS already holds the result
            value = self.value((*path, key), b, o, t)
            if value is MISSING:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged

    def value(self, path: Path, b: Any, o: Any, t: Any) -> Any:
        key = path[-1]
        if len(path) == 1 and isinstance(key, str):
            if key in SET_KEYS and _all(_is_strings, b, o, t):
                return self.set_union(key, b, o, t)
            if key in LOG_KEYS and self._table_arrays(key, b, o, t):
                return self.log(key, b, o, t)
            if key == ACTIONS and self._table_arrays(key, b, o, t):
                return self.actions(b, o, t)
        if isinstance(o, dict) and isinstance(t, dict) and (b is MISSING or isinstance(b, dict)):
            return self.table(path, {} if b is MISSING else b, o, t)
        return self.field(path, b, o, t)

    def field(self, path: Path, b: Any, o: Any, t: Any) -> Any:
        if _same(o, b):
            self._take_theirs(path, t)
            return t
        self.conflict(path, b, o, t)
        return o

    def conflict(self, path: Path, b: Any, o: Any, t: Any) -> None:
        self.conflicts.append(FieldConflict(path, *(_plain(v) for v in (b, o, t))))

    def _take_theirs(self, path: Path, value: Any) -> None:
        key = str(path[0])
        if len(path) == 1 and value is not MISSING and self.theirs.is_table_array(key):
            # An array of tables OURS left alone: THEIRS' tables, text and all.
            self.doc.arrange_tables(key, [(self.theirs, i) for i in range(len(value))])
        elif len(path) == 1 and isinstance(value, dict) and key not in self.doc.data():
            self.doc.add_table_from(key, self.theirs)  # a new [table]: THEIRS' text
        else:
            self.doc.set_path(path, None if value is MISSING else value)

    def _table_arrays(self, key: str, *values: Any) -> bool:
        """All sides hold `[[key]]` tables (or nothing): the entry-wise merges apply."""
        return (_all(_is_tables, *values)
                and all(v is MISSING or doc.is_table_array(key)
                        for v, doc in ((values[1], self.doc), (values[2], self.theirs))))

    # -- tags and links -------------------------------------------------------------------
    def set_union(self, key: str, b: Any, o: Any, t: Any) -> Any:
        base, theirs = _list(b), _list(t)
        removed = [v for v in base if v not in theirs]
        added = _unique(v for v in theirs if v not in base)
        merged = [v for v in _list(o) if v not in removed]
        merged += [v for v in added if v not in merged]
        if _same(o, b) and (t is MISSING or merged != theirs):
            return self.field((key,), b, o, t)  # THEIRS' exact value (its order, or no key)
        # Value by value, so a multi-line array keeps its layout.
        for v in removed:
            while self.doc.remove_from_array(key, v):
                pass
        for v in added:
            self.doc.add_to_array(key, v)
        return MISSING if o is MISSING and not merged else merged

    # -- updates and evidence -------------------------------------------------------------
    def log(self, key: str, b: Any, o: Any, t: Any) -> Any:
        base, ours, theirs = _list(b), _list(o), _list(t)
        # OURS left the log alone: THEIRS' log is the result, as for any field.
        unchanged = _same(ours, base)
        order = _theirs_order(ours, theirs) if unchanged else _log_order(base, ours, theirs)
        if not unchanged:
            order = self._removed_and_edited(key, base, ours, theirs, order)
        self._arrange(key, ours, order)
        return [ours[e] if isinstance(e, int) else theirs[e[1]] for e in order] or MISSING

    def _removed_and_edited(self, key: str, base: list[Any], ours: list[Any], theirs: list[Any],
                            order: list[Any]) -> list[Any]:
        """An entry one side removed and the other rewrote is a conflict, not a silent
        return of the rewritten entry: OURS' rewrite stays in the merged text, THEIRS'
        stays out. Returns the order without THEIRS' rewrites; records the conflicts at
        their index in the merged log."""
        in_ours, in_theirs = _counts(ours), _counts(theirs)
        new_ours = [i for i, e in enumerate(ours) if _canon(e) not in _counts(base)
                    and _canon(e) not in in_theirs]
        new_theirs = [k for k, e in enumerate(theirs) if _canon(e) not in _counts(base)
                      and _canon(e) not in in_ours]
        found: list[tuple[Any, Any, Any]] = []  # (order entry, base entry, side)
        for entry in base:
            canon = _canon(entry)
            if canon in in_ours or canon in in_theirs:
                continue  # one side still has it as it was: a plain removal or edit
            ours_edit = [i for i in new_ours if _rewrite_of(entry, ours[i])]
            theirs_edit = [k for k in new_theirs if _rewrite_of(entry, theirs[k])]
            if len(ours_edit) == 1 and not theirs_edit:
                found.append((ours_edit[0], entry, OURS_SIDE))
                new_ours.remove(ours_edit[0])
            elif len(theirs_edit) == 1 and not ours_edit:
                found.append((("theirs", theirs_edit[0]), entry, THEIRS_SIDE))
                new_theirs.remove(theirs_edit[0])
        dropped = {e for e, _, side in found if side == THEIRS_SIDE}
        kept = [e for e in order if e not in dropped]
        for e, entry, side in found:
            if side == OURS_SIDE:
                self.conflict((key, kept.index(e)), entry, ours[e], MISSING)
            else:
                at = sum(1 for x in order[:order.index(e)] if x not in dropped)
                self.conflict((key, at), entry, MISSING, theirs[e[1]])
        return kept

    # -- actions --------------------------------------------------------------------------
    def actions(self, b: Any, o: Any, t: Any) -> Any:
        base, ours, theirs = _list(b), _list(o), _list(t)
        ours_to_base, theirs_to_base = _match(base, ours), _match(base, theirs)
        base_to_ours = {j: i for i, j in ours_to_base.items()}
        base_to_theirs = {j: i for i, j in theirs_to_base.items()}
        merged = dict(enumerate(ours))  # ours index -> merged action; dropped ones deleted
        for j, action in enumerate(base):
            i, k = base_to_ours.get(j), base_to_theirs.get(j)
            if i is not None and k is not None:
                merged[i] = self.table((ACTIONS, i), action, ours[i], theirs[k])
            elif i is not None:  # THEIRS removed it
                if _same(ours[i], action):
                    del merged[i]
                else:
                    self.conflict((ACTIONS, i), action, ours[i], MISSING)
            elif k is not None and not _same(theirs[k], action):  # OURS removed it
                self.conflict((ACTIONS, _insertion_index(j, base_to_ours, len(ours))),
                              action, MISSING, theirs[k])
        # An action both sides added (same text) is one action, merged key by key.
        ours_new = [i for i in range(len(ours)) if i not in ours_to_base]
        theirs_new = [k for k in range(len(theirs)) if k not in theirs_to_base]
        both_added = _match_by_text(ours, ours_new, theirs, theirs_new)
        for i, k in both_added.items():
            merged[i] = self.table((ACTIONS, i), {}, ours[i], theirs[k])
        theirs_only = [k for k in theirs_new if k not in both_added.values()]

        theirs_as_ours = {k: base_to_ours[j] for k, j in theirs_to_base.items()
                          if base_to_ours.get(j) in merged}
        theirs_as_ours |= {k: i for i, k in both_added.items()}
        if not _reordered(ours_to_base) and (not ours_new or _reordered(theirs_to_base)):
            # OURS kept the order (and added nothing, or THEIRS reordered): THEIRS' order
            # stands, with THEIRS' new actions where THEIRS put them.
            order = [theirs_as_ours.get(k, ("theirs", k)) for k in range(len(theirs))
                     if k in theirs_as_ours or k in theirs_only]
            order = _insert_before_successors(order, [i for i in range(len(ours))
                                                      if i in merged])
        else:
            order = [i for i in range(len(ours)) if i in merged]
            order += [("theirs", k) for k in theirs_only]
        self._arrange(ACTIONS, ours, order)
        # No tables is no key: TOML cannot write an empty array of tables.
        return [merged[e] if isinstance(e, int) else theirs[e[1]] for e in order] or MISSING

    def _arrange(self, key: str, ours: list[Any], order: list[Any]) -> None:
        """Lay out `[[key]]` as `order`: ints are OURS' tables, ("theirs", k) THEIRS'."""
        if order != list(range(len(ours))):
            self.doc.arrange_tables(
                key, [e if isinstance(e, int) else (self.theirs, e[1]) for e in order])


# -- logs -------------------------------------------------------------------------------
def _log_order(base: list[dict[str, Any]], ours: list[dict[str, Any]],
               theirs: list[dict[str, Any]]) -> list[Any]:
    """OURS' entries less those THEIRS removed, THEIRS' new entries placed by date."""
    want = _merged_counts(base, ours, theirs)
    seen: dict[Any, int] = {}
    order: list[Any] = []
    keys: list[str] = []
    for i, (entry, key) in enumerate(zip(ours, _date_keys(ours), strict=True)):
        canon = _canon(entry)
        seen[canon] = seen.get(canon, 0) + 1
        if seen[canon] <= want.get(canon, 0):
            order.append(i)
            keys.append(key)
    for k, (entry, key) in enumerate(zip(theirs, _date_keys(theirs), strict=True)):
        canon = _canon(entry)
        if seen.get(canon, 0) < want.get(canon, 0):
            seen[canon] = seen.get(canon, 0) + 1
            # After the last entry not later than it: stays in date order, and ours
            # comes first on the same date.
            at = next((n + 1 for n in range(len(keys) - 1, -1, -1) if keys[n] <= key), 0)
            order.insert(at, ("theirs", k))
            keys.insert(at, key)
    return order


def _merged_counts(base: list[Any], ours: list[Any], theirs: list[Any]) -> dict[Any, int]:
    """How many copies of each entry the result holds: additions of both sides (an entry
    both added once), removals of either side."""
    counts = [_counts(side) for side in (base, ours, theirs)]
    want = {}
    for canon in set().union(*counts):
        b, o, t = (c.get(canon, 0) for c in counts)
        d_o, d_t = o - b, t - b
        if d_o * d_t > 0:  # both added, or both removed: the larger change, once
            want[canon] = b + (d_o if abs(d_o) >= abs(d_t) else d_t)
        else:
            want[canon] = b + d_o + d_t
    return want


def _counts(entries: list[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for entry in entries:
        canon = _canon(entry)
        counts[canon] = counts.get(canon, 0) + 1
    return counts


def _date_keys(entries: list[dict[str, Any]]) -> list[str]:
    """Each entry's sort key: its date, or the date of the nearest dated entry before it."""
    keys, current = [], ""
    for entry in entries:
        when = entry.get("date")
        if isinstance(when, date):
            current = when.isoformat()
        keys.append(current)
    return keys


def _theirs_order(ours: list[Any], theirs: list[Any]) -> list[Any]:
    """THEIRS' entries in THEIRS' order, reusing OURS' equal tables (and their text)."""
    free: dict[Any, list[int]] = {}
    for i, entry in enumerate(ours):
        free.setdefault(_canon(entry), []).append(i)
    order: list[Any] = []
    for k, entry in enumerate(theirs):
        same = free.get(_canon(entry))
        order.append(same.pop(0) if same else ("theirs", k))
    return order


# -- actions ----------------------------------------------------------------------------
def _match(base: list[dict[str, Any]], side: list[dict[str, Any]]) -> dict[int, int]:
    """Side index -> base index of the same action.

    1. Same text, in order: survives reordering and ticking.
    2. Similar text (difflib ratio >= 0.6), best pairs first: an edited action, even if
       it also moved.
    3. Between two matched neighbours, a run of unmatched actions as long as the run of
       unmatched base actions there pairs up by position: rewritten in place. Runs of
       different lengths mean actions were added or removed there, so position says
       nothing and they stay unmatched (removed, and new)."""
    pairs = _match_by_text(side, range(len(side)), base, range(len(base)))
    similar = [(score, i, j) for i in range(len(side)) if i not in pairs
               for j in range(len(base)) if j not in pairs.values()
               if (score := _similarity(side[i], base[j])) >= SIMILAR_TEXT]
    for _, i, j in sorted(similar, key=lambda s: (-s[0], s[1], s[2])):
        if i not in pairs and j not in pairs.values():
            pairs[i] = j
    anchors = [(-1, -1), *sorted(pairs.items()), (len(side), len(base))]
    for (i0, j0), (i1, j1) in pairwise(anchors):
        run, gap = list(range(i0 + 1, i1)), [j for j in range(j0 + 1, j1)
                                              if j not in pairs.values()]
        if run and len(run) == len(gap):
            pairs.update(zip(run, gap, strict=True))
    return pairs


def _match_by_text(left: list[dict[str, Any]], left_ids: Any, right: list[dict[str, Any]],
                   right_ids: Any
                   ) -> dict[int, int]:
    pairs: dict[int, int] = {}
    free = list(right_ids)
    for i in left_ids:
        text = left[i].get("text")
        j = next((j for j in free if text is not None and right[j].get("text") == text), None)
        if j is not None:
            pairs[i] = j
            free.remove(j)
    return pairs


OURS_SIDE, THEIRS_SIDE = "ours", "theirs"


def _rewrite_of(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Is log entry `new` a rewrite of `old`: same date, similar text (or title)?"""
    if old.get("date") != new.get("date"):
        return False
    key = "text" if "text" in old else "title"
    return _similarity(old, new, key) >= SIMILAR_TEXT


def _similarity(a: dict[str, Any], b: dict[str, Any], key: str = "text") -> float:
    ta, tb = a.get(key), b.get(key)
    if not isinstance(ta, str) or not isinstance(tb, str):
        return 0.0
    return SequenceMatcher(None, ta, tb).ratio()


def _reordered(to_base: dict[int, int]) -> bool:
    """The side's matched actions are not in BASE's order."""
    seq = [to_base[i] for i in sorted(to_base)]
    return seq != sorted(seq)


def _insert_before_successors(order: list[Any], ours_kept: list[int]) -> list[Any]:
    """Put OURS' actions missing from `order` right before the action after them in OURS
    (at the end if none is)."""
    result = list(order)
    for n in range(len(ours_kept) - 1, -1, -1):
        i = ours_kept[n]
        if i in result:
            continue
        after = next((s for s in ours_kept[n + 1:] if s in result), None)
        result.insert(len(result) if after is None else result.index(after), i)
    return result


def _insertion_index(j: int, base_to_ours: dict[int, int], ours_length: int) -> int:
    """Where base action j would sit in OURS: before the next base action OURS kept."""
    later = [i for jj, i in base_to_ours.items() if jj > j]
    return min(later, default=ours_length)


# -- values -----------------------------------------------------------------------------
def _keys(*tables: dict[str, Any]) -> list[str]:
    """Every key, in OURS' order, then THEIRS' new keys, then BASE's."""
    return list(dict.fromkeys(k for table in tables for k in table))


def _canon(value: Any) -> Any:
    """A hashable form that tells types apart (True != 1, 1 != 1.0) and ignores the
    order of a table's keys."""
    if isinstance(value, dict):
        return ("table", frozenset((k, _canon(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canon(v) for v in value))
    if isinstance(value, float):
        return ("float", repr(value))  # nan == nan
    return (type(value).__name__, value)


def _same(a: Any, b: Any) -> bool:
    return a is b or _canon(a) == _canon(b)


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def _list(value: Any) -> list[Any]:
    return [] if value is MISSING else list(value)


def _unique(values: Any) -> list[Any]:
    return list(dict.fromkeys(values))


def _all(test: Any, *values: Any) -> bool:
    return all(v is MISSING or test(v) for v in values)


def _is_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)
