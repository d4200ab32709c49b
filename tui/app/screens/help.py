"""`?`: the keys, and the query language in brief."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
afi keys

  List                          Detail
  /        filter (query)       e        edit
  enter    open the item        h        history
  e        edit                 c        sign off
  h        history              E        add evidence
  c        sign off: approved   escape   back
           by, board, date      a        assess: own RAG
  E        add evidence         Edit
  b        board summary        ctrl+s   save (one commit)
  n        new item             ctrl+r   reload from disk
  d        hide/show done       escape   back (asks if unsaved)
  v        saved views          tab      next field
  s        sort: next column
  S        reverse the sort     Edit: the actions list
  p        problems panel:      up/down  choose an action
           conflicts, bad files space    tick / untick
  y        sync: fetch, rebase, enter/e  edit its text in place:
           push; the header              enter keeps, escape cancels
           counts ↑ to send,    a        add an action
           ↓ to receive         x/delete remove; again: keep it
  escape   clear the filter     shift+up/down  move it
  u        undo my last change  o        its owner and due date
  ctrl+p   palette, themes
  ?        this help            Board summary
  q        quit                 r        refresh
  a        assess: own RAG      escape   back
  Problems panel
  tab      to its buttons       Dialogs: ctrl+s or enter saves,
  enter    keep ours / theirs            escape cancels
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
  is:overdue           also is:due-soon, is:on-track, is:no-date,
                       is:open, is:done
  is:awaiting-signoff  complete, not yet signed off at a board
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
