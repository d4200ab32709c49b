"""plan.toml's [people]: owners' e-mail addresses and the names they commit under, for
`afi chase --format eml` and `owner:me` (docs/format.md §2)."""

from __future__ import annotations

import re

from tui.core.model.items import Person
from tui.core.safe_text import has_controls

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core.model.items import PlanConfig

# An address a mail client takes: one @, no spaces, quotes, brackets or separators.
_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\.]+")


def person_of(config: PlanConfig, git_name: str) -> Person | None:
    """The [people] entry of someone git knows as `git_name`: by git_name, else by name."""
    wanted = git_name.strip().lower()
    return next((p for p in config.people if p.git_name.lower() == wanted), None) \
        or config.person(git_name)


def check_people(found: list[Any], raw: dict[str, Any]) -> tuple[Person, ...]:
    """[people]: name = { email = "...", git_name = "..." } (git_name optional)."""
    value = raw.get("people", {})
    if not isinstance(value, dict):
        found.append((("people",), "[people] must be a table: "
                                   'name = { email = "...", git_name = "..." }'))
        return ()
    people: list[Person] = []
    for name, entry in value.items():
        where = ("people", name)
        if not name.strip() or has_controls(name):
            found.append((where, f"person {name!r}: a name must be one line of text"))
            continue
        if not isinstance(entry, dict):
            found.append((where, f"person '{name}' must be a table: "
                                 '{ email = "...", git_name = "..." }'))
            continue
        unknown = sorted(set(entry) - {"email", "git_name"})
        if unknown:
            found.append((where, f"person '{name}': unknown key '{unknown[0]}' "
                                 "(use email, git_name)"))
        email = entry.get("email")
        if not isinstance(email, str) or not _EMAIL.fullmatch(email.strip()):
            found.append(((*where, "email") if "email" in entry else where,
                          f"person '{name}' needs an e-mail address like "
                          f"name@example.org, not {email!r}" if "email" in entry
                          else f"person '{name}' needs an 'email'"))
            continue
        git_name = entry.get("git_name", "")
        if not isinstance(git_name, str):
            found.append(((*where, "git_name"), f"person '{name}': 'git_name' must be a string"))
            git_name = ""
        git_name = git_name.strip()
        if any(p.name.lower() == name.strip().lower() for p in people):
            found.append((where, f"person '{name}' is listed twice"))
            continue
        if git_name and any(p.git_name.lower() == git_name.lower() for p in people):
            found.append(((*where, "git_name"), f"git name '{git_name}' is given to two "
                                                "people"))
            continue
        people.append(Person(name.strip(), email.strip(), git_name))
    return tuple(people)


