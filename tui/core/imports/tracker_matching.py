"""Which item of the plan a tracker's row is (`afi import table`; docs/format.md §11).

A row (an item the tracker reader joined from one or more rows) is matched, in order:

1. by id, when the tracker gives one (the board pack's CSV);
2. by its number within the inspection and kind ("AFI 1", "1", "AFI-01" are AFI 1 of the
   inspection), when its wording agrees with the numbered item's, or it gives none, or no
   other item's wording matches it (then its title is listed as a difference);
3. by wording: the item of the inspection whose title is most alike, scoring at least
   `WORDING_THRESHOLD`, and better than any other; a force's tracker often numbers its AFIs
   in its own order, so a row whose number names one item but whose wording is another's
   matches the other (noted).

Wording is compared as sets of words (`wording_words`): lower case, letters and digits
only, a plural `s` dropped, and the words every finding uses ("the force should ...")
left out. The score is the Jaccard index of the two sets: the words they share over the
words either has, 0 (nothing shared) to 1 (the same words). 0.5 means half the words
are common to both.

Matching uses an index of the plan's items (by id, by number, and from each word to the
items using it), so a thousand rows against a thousand items takes a fraction of a second.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.model.items import Item

WORDING_THRESHOLD = 0.5

# Words that say nothing about which finding it is: every AFI "should make sure that ...".
_STOP = ("a an and are as at be by for from has have in into is it its of on or that the "
         "their this to was were which with force forces should must need needs make makes "
         "sure ensure ensures do does")
STOP_WORDS = frozenset(_STOP.split())


def wording_words(text: str) -> frozenset[str]:
    """The words of a finding's wording that tell it apart (see the module docstring)."""
    words = set()
    for word in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", "")):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def similarity(a: str, b: str) -> float:
    """The Jaccard index of two wordings' words (0 to 1)."""
    first, second = wording_words(a), wording_words(b)
    if not first or not second:
        return 1.0 if first == second and _squash(a) == _squash(b) else 0.0
    return len(first & second) / len(first | second)


def _squash(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass
class Match:
    item: Item | None          # None: a new item
    how: str = ""              # "id", "number", "wording" ("" when new)
    score: float | None = None  # the wording score, when wording was compared
    note: str = ""             # how the choice was made, when there was one
    problem: str = ""          # why it cannot be matched safely

    def describe(self) -> str:
        if self.item is None:
            return "new" + (f" (closest wording {self.score:.2f})" if self.score else "")
        score = f", wording {self.score:.2f}" if self.score is not None else ""
        return f"{self.item.id} by {self.how}{score}"


class Matcher:
    """The plan's items indexed for matching; `match` finds a row's item."""

    def __init__(self, items: list[Item]):
        self.by_id = {item.id.lower(): item for item in items}
        self.by_number: dict[tuple[Any, ...], list[Item]] = {}
        self.postings: dict[tuple[str, str], list[int]] = {}  # (inspection, word) -> items
        self.items = list(items)
        self.sizes: list[int] = []
        for index, item in enumerate(self.items):
            inspection = str(item.get("inspection") or "").lower()
            number = item.get("number")
            if isinstance(number, int):
                key = (inspection, item.get("kind") or "afi", number)
                self.by_number.setdefault(key, []).append(item)
            words = wording_words(item.title or "")
            self.sizes.append(len(words))
            for word in words:
                self.postings.setdefault((inspection, word), []).append(index)

    def match(self, item_id: str | None, inspection: str | None, kind: str | None,
              number: int | None, title: str | None) -> Match:
        if item_id:
            found = self.by_id.get(item_id.lower())
            return Match(found, "id") if found is not None else Match(None)
        inspection_key = (inspection or "").lower()
        numbered = self.by_number.get((inspection_key, kind or "afi", number)) \
            if number is not None else None
        if numbered and len(numbered) > 1:
            return Match(None, problem=f"{len(numbered)} items of {inspection} are {kind} "
                                       f"{number} ({', '.join(i.id for i in numbered)}): give "
                                       "the id")
        best = self.by_wording(inspection_key, title) if title else None
        if numbered:
            item = numbered[0]
            if not title:
                return Match(item, "number")
            score = similarity(title, item.title or "")
            if score >= WORDING_THRESHOLD:
                return Match(item, "number", score)
            if best is not None and best[0] is not None and best[0] is not item:
                return Match(best[0], "wording", best[1],
                             note=f"its number {number} is {item.id}'s, but its wording is "
                                  f"{best[0].id}'s ({best[1]:.2f}; {item.id}'s {score:.2f})")
            return Match(item, "number", score,
                         note=f"its wording differs from {item.id}'s ({score:.2f})")
        if best is None:
            return Match(None)
        found, score, rival = best
        if found is None:
            if rival is not None:
                return Match(None, score=score, problem=f"its wording matches {rival} "
                                                        f"equally well ({score:.2f}): give "
                                                        "the id or number")
            return Match(None, score=score or None)
        return Match(found, "wording", score)

    def by_wording(self, inspection_key: str, title: str
                   ) -> tuple[Item | None, float, str | None]:
        """(the best item or None, its score, the ids tied with it when two score alike)."""
        words = wording_words(title)
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(self.postings.get((inspection_key, word), ()))
        scored = sorted(((count / (len(words) + self.sizes[index] - count), index)
                         for index, count in shared.items()), reverse=True)
        if not scored:
            return None, 0.0, None
        score, index = scored[0]
        if score < WORDING_THRESHOLD:
            return None, score, None
        if len(scored) > 1 and scored[1][0] == score:
            tied = " and ".join(sorted(self.items[i].id for s, i in scored if s == score))
            return None, score, tied
        return self.items[index], score, None
