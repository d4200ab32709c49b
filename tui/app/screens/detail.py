"""One item, every field readable: actions with done marks, progress log, evidence, closure."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.colours import Palette
from tui.app.widgets import Painted
from tui.core.model.items import (
    Item,
    assessment_differs,
    due_hint,
    due_state,
    latest_assessment,
    rag,
    today,
)
from tui.core.plan import Plan
from tui.core.safe_text import visible, visible_lines

SHOWN_KEYS = ("id", "kind", "inspection", "number", "area", "title", "detail", "status",
              "owner", "lead", "due", "group", "decision", "links", "tags", "actions", "updates",
              "evidence", "assessments", "closure")


def _text(value: object) -> str:
    """Multi-line user text with control characters (other than newlines) shown."""
    return visible_lines(value)


def render_item(item: Item, plan: Plan, on: date, palette: Palette) -> Text:
    """The whole item as one `Text` (never markup), for the detail screen."""
    config = plan.config
    d = item.data
    out = Text()
    heading = palette["heading"]
    out.append(f"{_text(item.id)}  ", style="bold")
    out.append(_text(item.title) + "\n\n", style=palette["title"])

    def field(label: str, value: object, style: object = "") -> None:
        out.append(f"{visible(label):>12}  ", style=palette["label"])
        out.append(_text(value) + "\n", style=style)

    awaiting = "  (awaiting sign-off: c signs it off)" \
        if config.is_awaiting_signoff(item.status) else ""
    field("status", item.status + awaiting, palette.status(item.status, config))
    if item.due is not None:
        state = due_state(item, config, on)
        hint = f"  ({due_hint(item.due, on)})" if state is not None else ""
        field("due", f"{item.due.isoformat()}{hint}",
              palette["muted"] if state is None else palette.due(state))
    else:
        field("due", "none", palette["muted"])
    field("RAG", _rag_line(item, config, on), palette.rag(rag(item, config, on)))
    if d.get("decision"):
        field("decision", f"{d['decision']}  (asked of the board)", palette["overdue"])
    grade = next((a.grade for a in config.areas if a.name == d.get("area")
                  and a.inspection == d.get("inspection") and a.grade), "")
    field("area", f"{d.get('area', '')}" + (f"  [graded {grade}]" if grade else ""))
    inspection = next((i for i in config.inspections if i.id == d.get("inspection")), None)
    field("inspection", f"{d.get('inspection', '')}" + (f": {inspection.title}"
                                                         if inspection and inspection.title
                                                         else ""))
    number = f" {d['number']}" if "number" in d else ""
    field("kind", f"{d.get('kind', '')}{number}")
    for key in ("owner", "lead", "group"):
        field(key, d.get(key) or "—", "" if d.get(key) else palette["muted"])
    if item.tags:
        field("tags", ", ".join(item.tags))
    if d.get("links"):
        field("links", ", ".join(d["links"]))
    if d.get("detail"):
        out.append("\nDetail\n", style=heading)
        out.append(_text(d["detail"]).strip() + "\n")
    actions = item.actions
    if actions:
        done = sum(1 for a in actions if a.get("done"))
        out.append(f"\nActions ({done}/{len(actions)} done)\n", style=heading)
        for n, action in enumerate(actions, start=1):
            mark = "[x]" if action.get("done") else "[ ]"
            out.append(f" {mark} ", style=palette["action-done" if action.get("done")
                                                   else "action-open"])
            out.append(f"{n}. {_text(action.get('text', ''))}")
            details = [f"owner {_text(action['owner'])}" if action.get("owner") else "",
                       f"due {action['due']}" if action.get("due") else ""]
            if any(details):
                out.append("  (" + ", ".join(x for x in details if x) + ")",
                           style=palette["muted"])
            out.append("\n")
    if item.updates:
        out.append("\nProgress\n", style=heading)
        for update in item.updates:
            out.append(f" {update.get('date', '')}  ", style=palette["date"])
            out.append(f"{_text(update.get('by', ''))}\n", style=palette["muted"])
            for line in _text(update.get("text", "")).strip().split("\n"):
                out.append(f"   {line}\n")
    if d.get("evidence"):
        out.append("\nEvidence\n", style=heading)
        for evidence in d["evidence"]:
            parts = [evidence.get("title", ""), evidence.get("location", ""),
                     str(evidence.get("date", ""))]
            out.append(" • " + _text("  ".join(p for p in parts if p)) + "\n")
    assessments = [a for a in d.get("assessments", []) if isinstance(a, dict)]
    if assessments:
        out.append("\nOwner's assessments (a assesses)\n", style=heading)
        for entry in assessments:
            out.append(f" {entry.get('date', '')}  ", style=palette["date"])
            out.append(f"{_text(entry.get('rag', ''))}", style=palette.rag(
                str(entry.get("rag", ""))))
            out.append(f"  {_text(entry.get('by', ''))}\n", style=palette["muted"])
            for line in _text(entry.get("reason", "")).strip().split("\n"):
                out.append(f"   {line}\n")
    if d.get("closure"):
        closure = d["closure"]
        out.append("\nClosure\n", style=heading)
        for key in ("approved_by", "board", "date"):
            if key in closure:
                field(key.replace("_", " "), closure[key])
    extra = [k for k in d if k not in SHOWN_KEYS]
    if extra:
        out.append("\nOther fields\n", style=heading)
        for key in extra:
            field(key, d[key])
    return out


def _rag_line(item: Item, config, on: date) -> str:
    """'red (dates) · owner: green ≠' : the dates' RAG and the owner's, side by side."""
    dates = rag(item, config, on)
    assessed = latest_assessment(item)
    if assessed is None:
        return f"{dates} (dates) · owner: not assessed (a assesses)"
    differs = " ≠" if assessment_differs(assessed["rag"], dates) else ""
    return f"{dates} (dates) · owner: {assessed['rag']}{differs} on {assessed.get('date', '?')}"


class DetailScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("h", "history", "History", id="history"),
        Binding("c", "sign_off", "Sign off", id="sign-off"),
        Binding("E", "evidence", "Evidence", id="evidence"),
        Binding("a", "assess", "Assess", id="assess"),
    ]

    def __init__(self, item_id: str):
        super().__init__()
        self.item_id = item_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Painted(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-scroll").focus()
        if self.app.plan is not None:
            self.plan_changed(self.app.plan)

    def plan_changed(self, plan: Plan) -> None:
        item = plan.find(self.item_id)
        body = self.query_one("#detail", Painted)
        if item is None:
            gone = (f"{visible(self.item_id)} is no longer in the plan (deleted, renamed or now "
                    "invalid: see the problems panel).")
            body.paint(lambda palette: Text(gone, style=palette["error"]))
            return
        on = today()
        body.paint(lambda palette: render_item(item, plan, on, palette))

    def action_sign_off(self) -> None:
        from tui.app.screens.sign_off import sign_off

        sign_off(self.app, self.item_id)

    def action_evidence(self) -> None:
        from tui.app.screens.evidence import add_evidence

        add_evidence(self.app, self.item_id)

    def action_assess(self) -> None:
        from tui.app.screens.assess import assess

        assess(self.app, self.item_id)

    def action_edit(self) -> None:
        from tui.app.screens.edit import EditScreen

        self.app.push_screen(EditScreen(self.item_id))

    def action_history(self) -> None:
        from tui.app.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.item_id))
