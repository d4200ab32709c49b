"""`afi chase`: the chase lists to standard output or a folder, or e-mail drafts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tui.cli.main import EXIT_OK
from tui.core.errors import InvalidValue, NotFound, UsageError
from tui.core.model.items import today
from tui.core.pack.chase import chase_lists, draft_name, email_draft, render_markdown
from tui.core.plan import Plan
from tui.core.safe_text import visible, visible_lines


def write_chase(plan: Plan, owner: str | None, within: int | None, fmt: str,
                output: str | None, warn: Callable[[list[str]], None]) -> int:
    if within is not None and not 0 <= within <= 3650:
        raise InvalidValue(f"--within {within}: give a number of days from 0 to 3650")
    if fmt == "eml" and not output:
        raise UsageError("--format eml writes one draft per owner: give a folder with -o DIR")
    on = today()
    lists = chase_lists(plan, owner=owner, within=within, on=on)
    if owner and not lists:
        known = {str(i.get("owner") or "").lower() for i in plan.items}
        if owner.strip().lower() not in known:
            raise NotFound(f"no item has owner '{owner}' (ignoring case)")
    title = plan.config.title or ""
    if fmt == "md":
        text = render_markdown(lists, title, on)
        if output:
            folder = _folder(output)
            (folder / "chase.md").write_text(text, encoding="utf-8")
            print(f"wrote {visible(str(folder / 'chase.md'))}: {len(lists)} owners",
                  file=sys.stderr)
        else:
            sys.stdout.write(visible_lines(text) if sys.stdout.isatty() else text)
        return EXIT_OK
    sender = _sender(plan)
    folder = _folder(output or ".")
    used: set[str] = set()
    missing = []
    for chase in lists:
        name = draft_name(chase.owner)
        stem, n = name[:-4], 2
        while name in used:
            name, n = f"{stem}-{n}.eml", n + 1
        used.add(name)
        if chase.person is None:
            missing.append(chase.owner)
        (folder / name).write_bytes(email_draft(chase, title, sender, on))
    if missing:
        named = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        warn([f"no e-mail address for {named}: add them to [people] in plan.toml (their "
              "drafts have no To:)"])
    print(f"wrote {len(lists)} draft{'s' if len(lists) != 1 else ''} to {visible(str(folder))}",
          file=sys.stderr)
    return EXIT_OK


def _folder(output: str) -> Path:
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise InvalidValue(f"{output} is a file: -o takes a folder for the chase lists")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sender(plan: Plan) -> tuple[str, str]:
    """The drafts are from the current git user: their [people] address, else git's."""
    from tui.core.model.people import person_of

    name, email = plan.repo().identity()
    person = person_of(plan.config, name)
    return (person.name, person.email) if person else (name, email)
