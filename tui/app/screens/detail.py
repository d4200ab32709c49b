"""One item, every field readable: actions with done marks, progress log, evidence, closure."""

from __future__ import annotations

from datetime import date

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.colours import Palette
from tui.app.messages import PlanReloaded
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
from tui.core.model.schema import FIELDS, IDS, ITEM_FIELDS, STRING, STRINGS, Field
from tui.core.plan import Plan
from tui.core.safe_text import visible, visible_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.app.app import AfiApp

SHOWN_KEYS = tuple(FIELDS)
# Fields shown in their own way below; every other field of the schema is shown by its
# label, in schema order (a field declared in the schema is shown without a change here).
_SHOWN_APART = frozenset({"id", "title", "status", "due", "decision", "area", "inspection",
                          "kind", "number", "detail", "actions", "updates", "evidence",
                          "assessments", "closure"})
_LABEL_WIDTH = max(len(f.label) for f in ITEM_FIELDS if f.key not in _SHOWN_APART)


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

    def field(label: str, value: object, style: str | Style = "") -> None:
        out.append(f"{visible(label):>{_LABEL_WIDTH}}  ", style=palette["label"])
        out.append(_text(value) + "\n", style=style)

    awaiting = "  (awaiting sign-off: c signs it off)" \
        if config.is_awaiting_signoff(item.status) else ""
    label = {key: f.label for key, f in FIELDS.items()}
    field(label["status"], item.status + awaiting, palette.status(item.status, config))
    if item.due is not None:
        state = due_state(item, config, on)
        hint = f"  ({due_hint(item.due, on)})" if state is not None else ""
        field(label["due"], f"{item.due.isoformat()}{hint}",
              palette["muted"] if state is None else palette.due(state))
    else:
        field(label["due"], "none", palette["muted"])
    field("RAG", _rag_line(item, config, on), palette.rag(rag(item, config, on)))
    if d.get("decision"):
        field(label["decision"], f"{d['decision']}  (asked of the board)", palette["overdue"])
    grade = next((a.grade for a in config.areas if a.name == d.get("area")
                  and a.inspection == d.get("inspection") and a.grade), "")
    field(label["area"], f"{d.get('area', '')}" + (f"  [graded {grade}]" if grade else ""))
    inspection = next((i for i in config.inspections if i.id == d.get("inspection")), None)
    field(label["inspection"], f"{d.get('inspection', '')}" + (f": {inspection.title}"
                                                         if inspection and inspection.title
                                                         else ""))
    number = f" {d['number']}" if "number" in d else ""
    field(label["kind"], f"{d.get('kind', '')}{number}")
    for schema_field in ITEM_FIELDS:
        if schema_field.key not in _SHOWN_APART:
            _plain_field(field, schema_field, d.get(schema_field.key), palette)
    if d.get("detail"):
        out.append(f"\n{label['detail']}\n", style=heading)
        out.append(_text(d["detail"]).strip() + "\n")
    actions = item.actions
    if actions:
        done = sum(1 for a in actions if a.get("done"))
        out.append(f"\n{label['actions']} ({done}/{len(actions)} done)\n", style=heading)
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
        out.append(f"\n{label['updates']}\n", style=heading)
        for update in item.updates:
            out.append(f" {update.get('date', '')}  ", style=palette["date"])
            out.append(f"{_text(update.get('by', ''))}\n", style=palette["muted"])
            for line in _text(update.get("text", "")).strip().split("\n"):
                out.append(f"   {line}\n")
    if d.get("evidence"):
        out.append(f"\n{label['evidence']}\n", style=heading)
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
        out.append(f"\n{label['closure']}\n", style=heading)
        for part in FIELDS["closure"].parts:
            if part.key in closure:
                field(part.label, closure[part.key])
    extra = [k for k in d if k not in SHOWN_KEYS]
    if extra:
        out.append("\nOther fields\n", style=heading)
        for key in extra:
            field(key, d[key])
    return out


def _plain_field(field, schema_field: Field, value: object, palette: Palette) -> None:
    """A field with no way of its own: a string (shown as "—" when absent), an array (shown
    when it holds something), or anything else as written."""
    if schema_field.type == STRING:
        field(schema_field.label, value or "—", "" if value else palette["muted"])
    elif value in (None, "", [], {}):
        return
    elif isinstance(value, list) and schema_field.type in (STRINGS, IDS):
        field(schema_field.label, ", ".join(map(str, value)))
    else:
        field(schema_field.label, value)


def _rag_line(item: Item, config, on: date) -> str:
    """'red (dates) · owner: green ≠' : the dates' RAG and the owner's, side by side."""
    dates = rag(item, config, on)
    assessed = latest_assessment(item)
    if assessed is None:
        return f"{dates} (dates) · owner: not assessed (a assesses)"
    differs = " ≠" if assessment_differs(assessed["rag"], dates) else ""
    return f"{dates} (dates) · owner: {assessed['rag']}{differs} on {assessed.get('date', '?')}"


class DetailScreen(Screen):

    if TYPE_CHECKING:
        app: AfiApp

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

    def on_plan_reloaded(self, message: PlanReloaded) -> None:
        self.plan_changed(message.plan)

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
