"""The Briefs mode: the queue, ordered by what needs action first, with triage keys.

Every triage key goes through the workflow table in ``domain.briefs``: when a brief is
not ready, the key says exactly which rule stops it, and nothing changes.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any, ClassVar

from rich.console import RenderableType
from textual.binding import Binding, BindingType

from mops_tui.domain import briefs as rules
from mops_tui.domain import kpis as kpi_rules
from mops_tui.domain.briefs import BriefView
from mops_tui.domain.errors import DomainError, FieldError
from mops_tui.domain.money import format_compact, format_money
from mops_tui.services import briefs, ledger
from mops_tui.services import kpis as kpi_service
from mops_tui.services import people as people_service
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.screens.modals import Choice, FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import Doc
from mops_tui.ui.widgets.form import FieldSpec
from mops_tui.ui.widgets.record_table import Column

STATUS_STYLE = {
    "draft": "cyan",
    "submitted": "yellow",
    "approved": "green",
    "in_flight": "blue",
    "done": "dim",
    "cancelled": "dim",
}
FILTERS: tuple[tuple[str, str, str], ...] = (
    ("is:open", "Open briefs", "everything not done or cancelled"),
    ("is:mine is:open", "Mine", "briefs I own"),
    ("is:unassigned", "Unassigned", "open briefs nobody owns yet"),
    ("is:overdue", "Overdue", "past launch and not in flight"),
    ("is:risk", "At risk", "approved, launch close, not in flight"),
    ("is:waiting", "Waiting in review", "submitted longer than the standard"),
    ("status:submitted", "In review", "submitted"),
    ("status:draft", "Drafts", ""),
    ("status:approved", "Approved", ""),
    ("status:in_flight", "In flight", ""),
    ("status:done", "Done", "with outcomes"),
    ("status:cancelled", "Cancelled", ""),
    ("", "Everything", "every brief, open or closed"),
)


class BriefsScreen(RecordScreen[BriefView]):
    """Mode 3: the brief queue."""

    MODE_LABEL = "Briefs"
    NOUN = ("brief", "briefs")
    FILTER_HINT = (
        "filter: words · mine unassigned overdue risk waiting · status:submitted "
        "owner:ana kpi:KEY · Esc clears"
    )
    EMPTY = "No briefs here. Press n to start one (a draft needs only a title)."
    EMPTY_FILTERED = "No brief matches this filter. Esc clears it; F picks another view."
    DEFAULT_SORT = "action"

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("briefs", reload_key="ctrl+r"),
        Binding("n", "new", "New brief", id="briefs.new"),
        Binding("e", "edit", "Edit", id="briefs.edit"),
        Binding("s", "move('submit')", "Submit", id="briefs.submit"),
        Binding("a", "move('approve')", "Approve", id="briefs.approve"),
        Binding("r", "move('return')", "Return", id="briefs.return"),
        Binding("f", "move('start')", "In flight", id="briefs.start"),
        Binding("d", "move('done')", "Done", id="briefs.done"),
        Binding("x", "move('cancel')", "Cancel", id="briefs.cancel"),
        Binding("o", "assign", "Owner", id="briefs.assign"),
        Binding("F", "views", "Views", id="briefs.views"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view_query = "is:open"

    def source(self) -> briefs.BriefListing:
        return briefs.BriefListing(self.mops.ws, self.view_query)

    def fetch_detail(self, row_id: Any) -> briefs.BriefDetail:
        return briefs.detail(self.mops.ws, int(row_id))

    def detail_id(self, found: briefs.BriefDetail) -> int:
        return found.brief.id

    def detail_record(self, found: briefs.BriefDetail) -> BriefView:
        return found.brief

    def render_detail(self, found: briefs.BriefDetail) -> RenderableType:
        return render_brief(
            found, self.mops.ws.currency, self.mops.ws.today(), self.mops.ws.brief_policy
        )

    def columns(self) -> list[Column[BriefView]]:
        ws = self.mops.ws
        currency = ws.currency

        def today() -> date:
            return ws.today()

        def wd(b: BriefView) -> str:
            value = b.working_days_to_launch(today())
            return "—" if value is None else str(value)

        def age(b: BriefView) -> str:
            value = b.age_in_status(today())
            return "—" if value is None else f"{value}d"

        def flags(b: BriefView) -> str:
            return " ".join(f.label for f in b.flags(today(), ws.brief_policy))

        def flag_style(b: BriefView) -> str | None:
            codes = {f.code for f in b.flags(today(), ws.brief_policy)}
            if "overdue" in codes:
                return "error"
            return "warn" if codes else None

        return [
            Column("id", "#", lambda b: str(b.id), width=4, align="right", priority=9),
            Column("title", "Title", lambda b: b.title, min_width=16, priority=10),
            Column(
                "status",
                "Status",
                lambda b: rules.status_label(b.status),
                width=9,
                priority=9,
                style=lambda b: "dim" if not b.is_open else None,
            ),
            Column(
                "priority",
                "Pri",
                lambda b: b.priority,
                width=3,
                priority=6,
                style=lambda b: "error" if b.priority == "P1" and b.is_open else None,
            ),
            Column("owner", "Owner", lambda b: b.owner or "—", width=6, priority=7),
            Column("requester", "By", lambda b: b.requester or "—", width=6, priority=2),
            Column(
                "launch",
                "Launch",
                lambda b: b.launch_date.isoformat() if b.launch_date else "—",
                width=10,
                priority=5,
            ),
            Column("wd", "WD", wd, width=4, align="right", sortable=False, priority=6),
            Column("kpi", "KPI", lambda b: b.kpi or "—", width=16, priority=3),
            Column(
                "budget",
                "Budget",
                lambda b: (
                    format_compact(b.budget_requested, currency) if b.budget_requested else "—"
                ),
                width=7,
                align="right",
                priority=2,
            ),
            Column("age", "Age", age, width=4, align="right", priority=4),
            Column("flags", "Flags", flags, width=9, sortable=False, priority=8, style=flag_style),
        ]

    def show_record(self, record: Any) -> None:
        found = briefs.get(self.mops.ws, int(record))
        if not found.is_open and self.view_query == "is:open":
            self.view_query = ""
            self.table.source = self.source()
        super().show_record(found.id)

    # -- views ------------------------------------------------------------------------

    def action_views(self) -> None:
        choices = [Choice(label, query, detail) for query, label, detail in FILTERS]

        def picked(query: str | None) -> None:
            if query is None:
                return
            self.view_query = query
            self.table.source = self.source()
            self.table.reload(keep_cursor=False)

        self.app.push_screen(
            PickerScreen(
                "Show which briefs?", choices, hint="The / filter narrows the view further."
            ),
            picked,
        )

    # -- forms ------------------------------------------------------------------------

    def _specs(self, names: tuple[str, ...] | None = None) -> list[FieldSpec]:
        from mops_tui.domain.brief_schema import BriefInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        meta = {m["name"]: m for m in form_fields(BriefInput)}
        people = [
            (f"{p['name']} ({p['handle']})", p["handle"]) for p in people_service.list_people(ws)
        ]
        kpis = [(label, key) for label, key in kpi_service.kpi_choices(ws, ("active", "draft"))]
        lines = [(ln.label, f"#{ln.id}") for ln in ledger.lines(ws, "this year")]
        specs = []
        for name in names or briefs.INPUT_FIELDS:
            choices = {"owner": people, "requester": people, "kpi": kpis, "budget_line": lines}.get(
                name
            )
            spec = FieldSpec.from_meta(meta[name], choices)
            if name in ("kpi", "budget_line"):
                spec.widget = "select"
            specs.append(spec)
        return specs

    def _check(self) -> Any:
        from mops_tui.domain.brief_schema import validate_brief

        ws = self.mops.ws

        def check(values: dict[str, str]) -> list[FieldError]:
            validate_brief(
                {k: v for k, v in values.items() if k in briefs.INPUT_FIELDS}, ws.context()
            )
            return []

        return check

    def action_new(self) -> None:
        ws = self.mops.ws

        def done(made: BriefView | None) -> None:
            if made is not None:
                self.saved_notice(f"Drafted brief #{made.id}. Complete it, then s submits it")
                self.table.reload(select_key=made.id)

        defaults = {"priority": "P3", "requester": people_service.me(ws) or ""}
        self.app.push_screen(
            FormScreen(
                "New brief",
                self._specs(),
                defaults,
                save=lambda values: briefs.create(ws, values),
                validate=self._check(),
                intro="A draft needs only a title. To submit it needs an objective, "
                "an audience, a launch date with enough lead time and a primary KPI; "
                "to be approved, an owner, a KPI target, an active KPI, and a budget "
                "line if it asks for budget.",
            ),
            done,
        )

    def _fresh(self) -> BriefView | None:
        """The selected brief as it is now in the database (the row may be older)."""
        b = self.need_selected()
        if b is None:
            return None
        try:
            return briefs.get(self.mops.ws, b.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None

    def action_edit(self) -> None:
        b = self._fresh()
        if b is None:
            return
        if not b.is_open:
            self.notify(f"Brief #{b.id} is {b.status}; it is kept as it was.", markup=False)
            return
        ws = self.mops.ws
        state = {"version": b.version}

        def refresh_version() -> None:
            with contextlib.suppress(DomainError):
                state["version"] = briefs.get(ws, b.id).version

        def done(saved: BriefView | None) -> None:
            if saved is not None:
                self.saved_notice(f"Saved brief #{saved.id}")
                self.table.reload(select_key=saved.id)

        self.app.push_screen(
            FormScreen(
                f"Edit brief #{b.id}",
                self._specs(),
                briefs.form_values(b, ws.currency),
                save=lambda values: briefs.update(ws, b.id, values, state["version"]),
                validate=self._check(),
                on_stale=refresh_version,
                intro=f"Status: {rules.status_label(b.status)}. Moves are keys: s a r f d x.",
            ),
            done,
        )

    def action_assign(self) -> None:
        b = self._fresh()
        if b is None:
            return
        ws = self.mops.ws
        choices = [
            Choice(f"{p['name']} ({p['handle']})", p["handle"], p["team"])
            for p in people_service.list_people(ws)
        ]

        def picked(handle: str | None) -> None:
            if handle:
                self.run_write(
                    lambda: briefs.assign(ws, b.id, handle, b.version),
                    lambda saved: self.after_write(
                        saved.id, f"#{saved.id} is owned by {saved.owner_name}"
                    ),
                )

        self.app.push_screen(PickerScreen(f"Who owns brief #{b.id}?", choices), picked)

    # -- the workflow ---------------------------------------------------------------------

    def action_move(self, name: str) -> None:
        b = self._fresh()
        if b is None:
            return
        ws = self.mops.ws
        spec = rules.MOVES[name]
        blocked = briefs.move_failures(ws, b, name, probe=True)
        if blocked:
            lines = "\n".join(f"• {e.field.replace('_', ' ')}: {e.message}" for e in blocked)
            self.notify(
                f"{spec.label} #{b.id} is not possible yet:\n{lines}",
                title="Not moved",
                severity="warning",
                markup=False,
                timeout=12,
            )
            return
        if not spec.asks:
            self.run_write(
                lambda: briefs.move(ws, b.id, name, expected_version=b.version),
                lambda moved: self.after_write(
                    moved.id, f"#{moved.id} is {rules.status_label(moved.status)}"
                ),
            )
            return
        from mops_tui.domain.brief_schema import MoveInput
        from mops_tui.domain.schema import form_fields

        meta = {m["name"]: m for m in form_fields(MoveInput)}
        fields = ("result", "not_measured") if name == "done" else ("reason",)
        specs = [FieldSpec.from_meta(meta[f]) for f in fields]
        if name != "done":
            specs[0].required = True
        hint = ""
        if name == "done" and b.kpi:
            kpi = kpi_service.get_by_key(ws, b.kpi)
            target = kpi_rules.format_target(kpi.target, kpi.kind, ws.currency)
            hint = (
                f"KPI {kpi.key} ({kpi.kind}); the brief's target: "
                f"{b.kpi_target or 'none'}; the KPI's standard target: {target}. "
            )

        def check(values: dict[str, str]) -> list[FieldError]:
            from mops_tui.domain.errors import ValidationFailed

            errors = briefs.move_failures(
                ws,
                b,
                name,
                comment=values.get("reason", ""),
                result=values.get("result", ""),
                not_measured=values.get("not_measured", ""),
            )
            if errors:
                raise ValidationFailed(errors)
            return []

        def save(values: dict[str, str]) -> BriefView:
            return briefs.move(
                ws,
                b.id,
                name,
                reason=values.get("reason", ""),
                result=values.get("result", ""),
                not_measured=values.get("not_measured", ""),
                expected_version=b.version,
            )

        def done(moved: BriefView | None) -> None:
            if moved is not None:
                self.after_write(moved.id, f"#{moved.id} is {rules.status_label(moved.status)}")

        intro = {
            "return": "The brief goes back to draft; the requester sees your reason.",
            "cancel": "A cancelled brief stays in the record with the reason.",
            "done": hint + "Give the measured result, or why it could not be measured.",
        }[name]
        self.app.push_screen(
            FormScreen(
                f"{spec.label}: #{b.id} {b.title}",
                specs,
                {},
                save=save,
                validate=check,
                intro=intro,
            ),
            done,
        )


# ---------------------------------------------------------------------------
# The detail pane
# ---------------------------------------------------------------------------


def render_brief(
    found: briefs.BriefDetail, currency: str, today: date, policy: rules.BriefPolicy
) -> RenderableType:
    b = found.brief
    doc = Doc(label_width=14)
    doc.title(
        f"#{b.id} {b.title}",
        rules.status_label(b.status),
        f"reverse {STATUS_STYLE.get(b.status, '')}".strip(),
    )
    owner = f"{b.owner_name} ({b.owner})" if b.owner else "unassigned"
    doc.subtitle(
        f"{b.priority} · owner {owner} · requested by {b.requester_name or b.requester or '—'}"
    )
    if found.flags:
        doc.section("Flags")
        for f in found.flags:
            style = "bold red" if f.code == "overdue" else "yellow"
            doc.item("!", (f.reason, style), marker_style=style)
    if found.moves:
        doc.section("Workflow")
    for name, errors in found.moves.items():
        move = rules.MOVES[name]
        if errors:
            doc.item(
                move.key,
                (f"{move.label}: ", "bold"),
                ("; ".join(e.message for e in errors), "yellow"),
                marker_style="dim",
            )
        else:
            doc.item(move.key, (f"{move.label}: ", "bold"), ("ready", "green"), marker_style="bold")
    doc.section("Brief")
    if b.launch_date:
        left = b.working_days_to_launch(today)
        doc.value("Launch", f"{b.launch_date.isoformat()} · {left} working days")
    else:
        doc.value("Launch", "not set", "dim")
    doc.value("Objective", b.objective or "—")
    doc.value("Audience", b.audience or "—")
    doc.value("Key message", b.key_message or "—")
    doc.value("Channels", ", ".join(b.channels) or "—")
    if b.body:
        doc.para(b.body)
    doc.section("KPI")
    if found.kpi is not None:
        k = found.kpi
        doc.value(
            "Primary KPI",
            f"{k.key} · {k.label} ({k.status})",
            "" if k.status == "active" else "yellow",
        )
        doc.value("Definition", k.definition)
        doc.value("Brief target", b.kpi_target or "not set", "" if b.kpi_target else "yellow")
        doc.value("KPI target", kpi_rules.format_target(k.target, k.kind, currency))
    else:
        doc.line("no KPI chosen yet", "dim")
    doc.section("Budget")
    requested = format_money(b.budget_requested, currency) if b.budget_requested else "none"
    doc.value("Requested", requested)
    if found.line is not None:
        ln = found.line
        doc.value(
            "Budget line",
            f"{ln.label} · {format_compact(ln.planned - ln.actual, currency)} left on the line",
        )
    doc.value("Spend logged", format_money(b.spend, currency) + " against this brief")
    if b.status == "done":
        doc.section("Outcome against spend")
        if b.outcome_result:
            doc.value("Result", b.outcome_result)
        else:
            doc.value("Not measured", b.outcome_reason, "yellow")
        if b.budget_requested:
            share = f" ({b.spend / b.budget_requested:.0%})" if b.budget_requested else ""
            doc.value(
                "Spent",
                f"{format_money(b.spend, currency)} of "
                f"{format_money(b.budget_requested, currency)} budgeted{share}",
            )
        per = briefs.cost_per_result(b, found.kpi, currency)
        if per:
            doc.value(
                "Cost/result", f"{per} per unit of {found.kpi.label if found.kpi else 'result'}"
            )
    doc.section("History")
    for t in found.transitions:
        moved = (
            f"{rules.status_label(t.from_status)} → " if t.from_status else ""
        ) + rules.status_label(t.to_status)
        doc.history(
            t.at.strftime("%Y-%m-%d %H:%M"),
            t.actor,
            moved + (f": {t.comment}" if t.comment else ""),
        )
    return doc.render()
