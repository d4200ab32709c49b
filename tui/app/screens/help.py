"""`?`: the keys, and the query language in brief."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
afi keys

  List                          Detail / history
  /        filter (query)       e        edit
  enter    open the item        h        history
  e        edit                 escape   back
  h        history
  n        new item             Edit
  d        hide/show done       ctrl+s   save (one commit)
  v        saved views          ctrl+r   reload from disk
  s        sort: next column    escape   back (asks if unsaved)
  S        reverse the sort     space    tick an action
  p        problems panel       tab      next field
  escape   clear the filter
  ctrl+p   command palette      q        quit
  ?        this help
  Click a column header to sort by it; click again to reverse.

Query language (all terms must hold)
  word                 text anywhere: id, title, detail, area, owner,
                       actions, updates
  status:in-progress   status, kind, inspection, id: exact; a,b: either
  area:crime           area, owner, lead, group, tag, title: contains
  -status:closed       not
  due<2025-06-30       also <=, >, >=; a date or Nd (days from today):
                       due<=30d
  due:none             no due date
  is:overdue           also is:due-soon, is:open, is:done
  view:overdue         a saved view from plan.toml
  sort:due  sort:-due  order; items without a value sort last
  "two words"          quotes keep spaces

Press escape or ? to close.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP, markup=False)
