"""Chase lists (`afi chase`): each owner's items the board will ask about, with the last
update and what the board expects, as one Markdown list or one e-mail draft per owner.

An item is listed for its owner when it is open and overdue, due soon (within `within`
days, default plan.toml's due_soon_days), stale (attention.py) or unassessed. Drafts are
RFC 5322 messages (`X-Unsent: 1`, so a mail client opens them as drafts to send),
addressed from plan.toml's [people]; nothing is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from tui.core.model.attention import is_unassessed, latest_update, stale_days, stale_text
from tui.core.model.items import Item, Person, PlanConfig, latest_assessment, today
from tui.core.pack.model import long_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.core.plan import Plan

NO_OWNER = "(no owner)"


@dataclass
class ChaseItem:
    id: str
    title: str
    due: date | None
    reasons: list[str]            # why it is listed, as the owner reads it
    expects: list[str]            # what the board expects of the owner
    last_update: str              # "12 March 2025 (Supt Smith): text" or "none"
    assessed: str                 # "amber on 3 March 2025" or "never"


@dataclass
class OwnerChase:
    owner: str
    person: Person | None
    items: list[ChaseItem] = field(default_factory=list)


def chase_lists(plan: Plan, owner: str | None = None, within: int | None = None,
                on: date | None = None) -> list[OwnerChase]:
    """Every owner with something to chase (or just `owner`), by name; unowned items
    last, under NO_OWNER."""
    on = on or today()
    config = plan.config
    soon = on + timedelta(days=config.due_soon_days if within is None else within)
    wanted = owner.strip().lower() if owner else None
    found: dict[str, OwnerChase] = {}
    for item in plan.items:
        if config.is_done(item.status):
            continue
        name = str(item.get("owner") or "").strip()
        if wanted is not None and name.lower() != wanted:
            continue
        entry = _chase_item(item, config, on, soon)
        if entry is not None:
            key = name.lower() or "\uffff"
            chase = found.setdefault(key, OwnerChase(name or NO_OWNER, config.person(name)
                                                     if name else None))
            chase.items.append(entry)
    for chase in found.values():
        chase.items.sort(key=lambda i: (i.due is None, i.due or date.max, i.id))
    return [found[key] for key in sorted(found)]


def _chase_item(item: Item, config: PlanConfig, on: date, soon: date) -> ChaseItem | None:
    reasons, expects = [], []
    due = item.due
    if due is not None and due < on:
        reasons.append(f"overdue by {(on - due).days} days (due {long_date(due)})")
        expects.append("delivery, or a new due date with the reason it moved")
    elif due is not None and due <= soon:
        reasons.append(f"due {long_date(due)}, in {(due - on).days} days")
        expects.append(f"delivery by {long_date(due)}, or a revised date with its reason "
                       "before the board")
    stale = stale_days(item, config, on)
    if stale is not None:
        reasons.append(stale_text(stale))
        expects.append("a progress update")
    if is_unassessed(item, config, on):
        reasons.append("not assessed in the last "
                       f"{config.stale_after_days} days")
        expects.append(f"your assessment: afi assess {item.id} red|amber|green --reason ...")
    if not reasons:
        return None
    update = latest_update(item)
    last = "none" if update is None else (
        f"{_day(update.get('date'))} ({update.get('by') or 'unknown'}): "
        f"{' '.join(str(update.get('text', '')).split())}")
    assessment = latest_assessment(item)
    assessed = "never" if assessment is None else \
        f"{assessment['rag']} on {_day(assessment.get('date'))}"
    return ChaseItem(item.id, item.title, due, reasons, expects, last, assessed)


def _day(value: object) -> str:
    return long_date(value) if isinstance(value, date) else "undated"


# ---------------------------------------------------------------------------- output

def owner_markdown(chase: OwnerChase, plan_title: str, on: date) -> list[str]:
    from tui.core.pack.markdown import md_text as _md  # user text: markup and pipes escaped

    lines = [f"## {_md(chase.owner)}", ""]
    if chase.person is not None:
        lines += [f"E-mail: {_md(chase.person.email)}", ""]
    lines += [f"{len(chase.items)} item{'s' if len(chase.items) != 1 else ''} the board "
              f"will ask about, as of {long_date(on)}:", ""]
    for item in chase.items:
        lines += [f"### {_md(item.id)}: {_md(item.title)}", "",
                  f"- Why: {_md('; '.join(item.reasons))}",
                  f"- Last update: {_md(item.last_update)}",
                  f"- Last assessment: {_md(item.assessed)}",
                  f"- The board expects: {_md('; '.join(item.expects))}", ""]
    return lines


def render_markdown(lists: list[OwnerChase], plan_title: str, on: date) -> str:
    from tui.core.pack.markdown import md_text as _md

    lines = [f"# Chase list: {_md(plan_title)}", "", f"As of {long_date(on)}.", ""]
    if not lists:
        lines += ["Nothing to chase: no open item is overdue, due soon, stale or "
                  "unassessed.", ""]
    for chase in lists:
        lines += owner_markdown(chase, plan_title, on)
    return "\n".join(lines).rstrip("\n") + "\n"


def _plain(chase: OwnerChase, plan_title: str, on: date) -> str:
    """The e-mail's text: plain, one line per fact (mail clients show it as written)."""
    if chase.owner == NO_OWNER:  # a draft for whoever allocates the work: no one to greet
        out = ["Hello,", "", f"Before the next board, these items of {plan_title} have no "
               f"owner and need one (as of {long_date(on)}):", ""]
    else:
        out = [f"Dear {chase.owner},", "",
               f"Before the next board, these items of {plan_title} need your attention "
               f"(as of {long_date(on)}):", ""]
    for item in chase.items:
        out += [f"{item.id}: {' '.join(item.title.split())}",
                f"  Why: {'; '.join(item.reasons)}",
                f"  Last update: {item.last_update}",
                f"  Last assessment: {item.assessed}",
                f"  The board expects: {'; '.join(item.expects)}", ""]
    out += ["Thank you."]
    return "\n".join(out) + "\n"


def email_draft(chase: OwnerChase, plan_title: str, sender: tuple[str, str],
                on: date) -> bytes:
    """One RFC 5322 draft (CRLF line ends, headers encoded as needed)."""
    from datetime import datetime
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime, make_msgid

    message = EmailMessage(policy=SMTP)
    message["From"] = Address(display_name=_one_line(sender[0]), addr_spec=sender[1])
    if chase.person is not None:
        message["To"] = Address(display_name=chase.person.name, addr_spec=chase.person.email)
    count = len(chase.items)
    message["Subject"] = _one_line(f"{plan_title}: {count} item{'s' if count != 1 else ''} "
                                   "for the next board")
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender[1].rpartition("@")[2] or None)
    message["X-Unsent"] = "1"
    message.set_content(_plain(_visible(chase), plan_title, on))
    return message.as_bytes(policy=SMTP)


def _one_line(text: str) -> str:
    return " ".join(_CONTROLS.sub(" ", text).split())


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _visible(chase: OwnerChase) -> OwnerChase:
    """User text in a draft: control characters (other than line breaks) dropped."""
    from tui.core.safe_text import visible_lines

    items = [ChaseItem(i.id, visible_lines(i.title), i.due, i.reasons, i.expects,
                       visible_lines(i.last_update), i.assessed) for i in chase.items]
    return OwnerChase(chase.owner, chase.person, items)


def draft_name(owner: str) -> str:
    """A file name for an owner's draft: letters, digits and '-' only."""
    return (re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "no-owner") + ".eml"
