"""The Stack mode: the tool inventory as a filterable table with a detail pane."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from textual.binding import Binding, BindingType

from mops_tui.domain import tools as rules
from mops_tui.domain.errors import DomainError, FieldError
from mops_tui.domain.money import format_compact, format_money
from mops_tui.domain.tools import ToolView
from mops_tui.services import people as people_service
from mops_tui.services import stack
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.screens.modals import Choice, ConfirmScreen, FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import Doc
from mops_tui.ui.widgets.form import FieldSpec
from mops_tui.ui.widgets.record_table import Column

if TYPE_CHECKING:
    from mops_tui.ui.app import MopsApp

STATUS_STYLE = {
    "evaluating": "cyan",
    "active": "green",
    "under_review": "yellow",
    "decommissioning": "yellow",
    "retired": "dim",
}
SHORT_STATUS = {"under_review": "in review", "decommissioning": "decommission"}
NEW_TOOL_STATUSES = ("evaluating", "active")


def _flag_style(view: ToolView, today: date, app: MopsApp) -> str | None:
    codes = {f.code for f in view.flags(today, app.ws.policy, app.ws.currency)}
    if "compliance" in codes:
        return "error"
    return "warn" if codes else None


class StackScreen(RecordScreen[ToolView]):
    """Mode 2: the MarTech tool inventory."""

    MODE_LABEL = "Stack"
    NOUN = ("tool", "tools")
    FILTER_HINT = (
        "filter: name, vendor, category or owner · status:active owner:ana owner:me "
        "cat:crm · Enter keeps it, Esc clears"
    )
    EMPTY = "The stack is empty. Press n to add the first tool."
    EMPTY_FILTERED = "No tool matches this filter. Esc clears it."
    DEFAULT_SORT = "name"

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("stack"),
        Binding("n", "new", "New tool", id="stack.new"),
        Binding("e", "edit", "Edit", id="stack.edit"),
        Binding("t", "move", "Status", id="stack.move"),
        Binding("i", "integrate", "Integrate", id="stack.integrate"),
        Binding("x", "unintegrate", "Unlink", show=False, id="stack.unintegrate"),
        Binding("p", "people", "People", id="stack.people"),
    ]

    def source(self) -> stack.ToolListing:
        return stack.ToolListing(self.mops.ws)

    def fetch_detail(self, row_id: Any) -> stack.ToolDetail:
        return stack.detail(self.mops.ws, int(row_id))

    def detail_id(self, found: stack.ToolDetail) -> int:
        return found.tool.id

    def detail_record(self, found: stack.ToolDetail) -> ToolView:
        return found.tool

    def render_detail(self, found: stack.ToolDetail) -> RenderableType:
        return render_tool(found, self.mops.ws.today(), self.mops.ws.currency)

    def columns(self) -> list[Column[ToolView]]:
        app = self.mops
        currency = app.ws.currency

        def today() -> date:
            return app.ws.today()

        def flags(v: ToolView) -> str:
            return " ".join(f.label for f in v.flags(today(), app.ws.policy, currency))

        def util(v: ToolView) -> str:
            u = v.utilisation
            return "—" if u is None else f"{min(u, 9.99):.0%}"

        def status_style(v: ToolView) -> str | None:
            return {"retired": "dim", "evaluating": "dim"}.get(v.status)

        return [
            Column("name", "Tool", lambda v: v.name, min_width=14, priority=10),
            Column("category", "Category", lambda v: v.category, width=16, priority=2),
            Column("owner", "Owner", lambda v: v.owner or "—", width=8, priority=5),
            Column(
                "status",
                "Status",
                lambda v: SHORT_STATUS.get(v.status, v.status),
                width=12,
                priority=8,
                style=status_style,
            ),
            Column(
                "annual_cost",
                "Cost/yr",
                lambda v: format_compact(v.annual_cost, currency),
                width=8,
                align="right",
                priority=7,
            ),
            Column(
                "renewal_date",
                "Renewal",
                lambda v: v.renewal_date.isoformat() if v.renewal_date else "—",
                width=10,
                priority=3,
            ),
            Column(
                "cancel_by",
                "Cancel by",
                lambda v: v.cancel_by.isoformat() if v.cancel_by else "—",
                width=10,
                priority=6,
            ),
            Column("utilisation", "Use", util, width=4, align="right", priority=4),
            Column(
                "flags",
                "Flags",
                flags,
                width=14,
                sortable=False,
                priority=9,
                style=lambda v: _flag_style(v, today(), app),
            ),
        ]

    # ------------------------------------------------------------ forms

    def _owner_choices(self) -> list[tuple[str, str]]:
        return [
            (f"{p['name']} ({p['handle']})", p["handle"])
            for p in people_service.list_people(self.mops.ws)
        ]

    def _tool_specs(
        self, names: tuple[str, ...], *, statuses: tuple[str, ...] | None = None
    ) -> list[FieldSpec]:
        from mops_tui.ui.screens import schemas as ts

        meta = {m["name"]: m for m in ts.form_fields(ts.ToolInput)}
        specs = []
        for name in names:
            choices: list[tuple[str, str]] | None = None
            if name == "owner":
                choices = self._owner_choices()
            elif name == "status" and statuses:
                choices = [(s.replace("_", " "), s) for s in statuses]
            specs.append(FieldSpec.from_meta(meta[name], choices))
        return specs

    def action_new(self) -> None:
        from mops_tui.ui.screens import schemas as ts

        app = self.mops
        names = (
            "name",
            "vendor",
            "category",
            "owner",
            "purpose",
            "status",
            *[
                f
                for f in ts.EDIT_FIELDS
                if f not in ("name", "vendor", "category", "owner", "purpose")
            ],
        )
        specs = self._tool_specs(names, statuses=NEW_TOOL_STATUSES)
        defaults = {
            "status": "evaluating",
            "category": "Other",
            "billing_cycle": "annual",
            "auto_renew": "yes",
            "notice_days": "30",
            "holds_personal_data": "no",
        }

        def check(values: dict[str, str]) -> list[FieldError]:
            warnings: list[FieldError] = []
            ts.validate_tool(values, app.ws.context(), warnings=warnings)
            return warnings

        warnings: list[FieldError] = []

        def save(values: dict[str, str]) -> ToolView:
            warnings.clear()
            return stack.create(app.ws, values, warnings)

        def done(view: ToolView | None) -> None:
            if view is not None:
                self.saved_notice(f"Added {view.name}", warnings)
                self.table.reload(select_key=view.id)

        self.app.push_screen(
            FormScreen(
                "New tool",
                specs,
                defaults,
                save=save,
                validate=check,
                intro="Fields marked * are required. An active tool also needs its "
                "cost and renewal date; one holding personal data needs a signed DPA "
                "and a data region. ctrl+s saves, Esc cancels.",
            ),
            done,
        )

    def action_edit(self) -> None:
        from mops_tui.ui.screens import schemas as ts

        view = self.need_selected()
        if view is None:
            return
        app = self.mops
        specs = self._tool_specs(ts.EDIT_FIELDS)
        state = {"version": view.version}

        def check(values: dict[str, str]) -> list[FieldError]:
            warnings: list[FieldError] = []
            ts.validate_tool({**values, "status": view.status}, app.ws.context(), warnings=warnings)
            return warnings

        warnings: list[FieldError] = []

        def save(values: dict[str, str]) -> ToolView:
            warnings.clear()
            return stack.update(app.ws, view.id, values, state["version"], warnings)

        def refresh_version() -> None:
            with contextlib.suppress(DomainError):
                state["version"] = stack.get(app.ws, view.id).version

        def done(saved: ToolView | None) -> None:
            if saved is not None:
                self.saved_notice(f"Saved {saved.name}", warnings)
                self.table.reload(select_key=saved.id)

        self.app.push_screen(
            FormScreen(
                f"Edit {view.name}",
                specs,
                stack.form_values(view, app.ws.currency),
                save=save,
                validate=check,
                on_stale=refresh_version,
                intro=f"Status: {rules.status_label(view.status)} (change it with t). "
                "ctrl+s saves, Esc cancels.",
            ),
            done,
        )

    def action_move(self) -> None:
        view = self.need_selected()
        if view is None:
            return
        app = self.mops
        moves = stack.allowed_moves(view)
        choices = []
        for target in moves:
            needs = stack.transition_needs(app.ws, view, target)
            detail = (
                "needs: " + ", ".join(sorted({e.field.replace("_", " ") for e in needs}))
                if needs
                else "ready"
            )
            choices.append(Choice(rules.status_label(target), target, detail))

        def picked(target: str | None) -> None:
            if not target:
                return
            fed = stack.active_kpis_fed(app.ws, view.id)
            if target in ("retired", "decommissioning") and fed:
                verb = "Retire" if target == "retired" else "Decommission"

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self._move_to(view, target, confirmed_kpis=fed)

                self.app.push_screen(
                    ConfirmScreen(
                        f"{verb} {view.name}? It feeds active KPIs",
                        f"{view.name} supplies data to these active KPIs:\n"
                        + "\n".join(f"  • {key}" for key in fed)
                        + "\nThey will be flagged as having no working data source.",
                        confirm=f"{verb} anyway",
                    ),
                    confirmed,
                )
                return
            self._move_to(view, target)

        self.app.push_screen(
            PickerScreen(f"Move {view.name} from {rules.status_label(view.status)} to…", choices),
            picked,
        )

    def _move_to(
        self, view: ToolView, target: str, confirmed_kpis: list[str] | None = None
    ) -> None:
        from mops_tui.ui.screens import schemas as ts

        app = self.mops
        needs = stack.transition_needs(app.ws, view, target)
        fact_fields = tuple(
            dict.fromkeys(e.field for e in needs if e.field in ts.ToolInput.model_fields)
        )
        specs: list[FieldSpec] = []
        values = stack.form_values(view, app.ws.currency)
        prefill = dict(values)
        if target == "retired":
            meta = {m["name"]: m for m in ts.form_fields(ts.TransitionInput)}
            reason = FieldSpec.from_meta(meta["reason"])
            reason.required = True
            when = FieldSpec.from_meta(meta["retired_on"])
            when.required = True
            specs += [reason, when]
            prefill["retired_on"] = app.ws.today().isoformat()
        specs += self._tool_specs(fact_fields)

        def save(form_values: dict[str, str]) -> ToolView:
            return stack.transition(
                app.ws,
                view.id,
                {**form_values, "status": target},
                view.version,
                confirmed_kpis=confirmed_kpis,
            )

        def done(saved: ToolView | None) -> None:
            if saved is not None:
                self.notify(
                    f"{saved.name} is now {rules.status_label(saved.status)}",
                    title="Status changed",
                    markup=False,
                )
                self.table.reload(select_key=saved.id)

        label = f"{rules.status_label(view.status)} → {rules.status_label(target)}"
        if not specs:

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._transition_now(view, target, confirmed_kpis)

            self.app.push_screen(
                ConfirmScreen(f"Move {view.name}?", f"{view.name}: {label}.", confirm="Move"),
                confirmed,
            )
            return

        def check(form_values: dict[str, str]) -> list[FieldError]:
            errors: list[FieldError] = []
            raw = {k: v for k, v in form_values.items() if k in ("reason", "retired_on")}
            try:
                move = ts.validate_input(
                    ts.TransitionInput, {**raw, "status": target}, app.ws.context()
                )
                errors += rules.transition_errors(
                    view.status, target, move.reason, move.retired_on, app.ws.today()
                )
            except DomainError as exc:
                errors += getattr(exc, "fields", [])
            facts = {k: v for k, v in form_values.items() if k in ts.ToolInput.model_fields}
            try:
                ts.validate_tool({**values, **facts, "status": target}, app.ws.context())
            except DomainError as exc:
                errors += getattr(exc, "fields", [])
            from mops_tui.domain.errors import ValidationFailed

            if any(not e.warning for e in errors):
                raise ValidationFailed(errors)
            return errors

        intro = f"{view.name}: {label}. " + (
            "Retiring keeps the tool and its history; say why and when."
            if target == "retired"
            else "This status needs the facts below."
        )
        self.app.push_screen(
            FormScreen(f"Move {view.name}", specs, prefill, save=save, validate=check, intro=intro),
            done,
        )

    def _transition_now(
        self, view: ToolView, target: str, confirmed_kpis: list[str] | None = None
    ) -> None:
        def write() -> ToolView:
            return stack.transition(
                self.mops.ws,
                view.id,
                {"status": target},
                view.version,
                confirmed_kpis=confirmed_kpis,
            )

        self.run_write(
            write,
            lambda saved: self.after_write(
                saved.id, f"{saved.name} is now {rules.status_label(saved.status)}"
            ),
        )

    def action_integrate(self) -> None:
        from mops_tui.ui.screens import schemas as ts

        view = self.need_selected()
        if view is None:
            return
        app = self.mops
        tools = [(name, name) for name, _id in stack.tool_choices(app.ws)]
        meta = {m["name"]: m for m in ts.form_fields(ts.IntegrationInput)}
        specs = [
            FieldSpec.from_meta(meta["source"], tools),
            FieldSpec.from_meta(meta["target"], tools),
            FieldSpec.from_meta(meta["data"]),
            FieldSpec.from_meta(meta["personal"]),
        ]

        def check(values: dict[str, str]) -> list[FieldError]:
            ts.validate_integration(values, app.ws.context())
            return []

        def save(values: dict[str, str]) -> Any:
            return stack.add_integration(app.ws, values)

        def done(result: Any) -> None:
            if result is not None:
                self.after_write(view.id, f"Linked {result.source} → {result.target}")

        self.app.push_screen(
            FormScreen(
                f"New integration for {view.name}",
                specs,
                {"source": view.name, "personal": "no"},
                save=save,
                validate=check,
                intro="A data flow between two tools in the stack. Mark it personal "
                "when it carries personal data: the target then needs a DPA.",
            ),
            done,
        )

    def action_unintegrate(self) -> None:
        view = self.need_selected()
        if view is None:
            return
        app = self.mops
        links = stack.detail(app.ws, view.id).integrations
        if not links:
            self.notify(f"{view.name} has no integrations.", markup=False)
            return
        choices = [
            Choice(
                f"{i.source} → {i.target}",
                i.id,
                i.data + (" (personal data)" if i.personal else ""),
            )
            for i in links
        ]

        def picked(link_id: int | None) -> None:
            if link_id is None:
                return
            link = next(i for i in links if i.id == link_id)

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._remove_link(view.id, link_id)

            self.app.push_screen(
                ConfirmScreen(
                    "Remove this integration?",
                    f"{link.source} → {link.target}: {link.data}\nIt stays in both tools' history.",
                    confirm="Remove",
                ),
                confirmed,
            )

        self.app.push_screen(PickerScreen(f"Remove an integration of {view.name}", choices), picked)

    def _remove_link(self, tool_id: int, link_id: int) -> None:
        self.run_write(
            lambda: stack.remove_integration(self.mops.ws, link_id),
            lambda _result: self.after_write(tool_id, "Integration removed"),
        )

    def action_people(self) -> None:
        from mops_tui.ui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen(), lambda _r: self.table.reload())


# ---------------------------------------------------------------------------
# The detail pane's text
# ---------------------------------------------------------------------------


def _days(n: int) -> str:
    if n == 0:
        return "today"
    if n > 0:
        return f"in {n} day{'s' if n != 1 else ''}"
    return f"{-n} day{'s' if n != -1 else ''} ago"


def render_tool(found: stack.ToolDetail, today: date, currency: str) -> RenderableType:
    t = found.tool
    doc = Doc()
    doc.title(
        t.name, rules.status_label(t.status), f"reverse {STATUS_STYLE.get(t.status, '')}".strip()
    )
    owner = f"{t.owner_name} ({t.owner})" if t.owner else "no owner"
    doc.subtitle(f"{t.vendor} · {t.category} · owner {owner}")
    if t.website:
        doc.subtitle(t.website)
    doc.para(t.purpose)

    if found.flags:
        doc.section("Flags")
        for f in found.flags:
            style = "bold red" if f.code == "compliance" else "yellow"
            doc.item("!", (f.reason, style), marker_style=style)

    doc.section("Contract")
    if t.annual_cost is not None:
        cycle = {
            "annual": "billed annually",
            "monthly": "billed monthly",
            "quarterly": "billed quarterly",
            "multi_year": "multi-year term",
        }.get(t.billing_cycle or "", "")
        doc.value(
            "Annual cost", format_money(t.annual_cost, currency) + (f" · {cycle}" if cycle else "")
        )
    else:
        doc.value("Annual cost", "not recorded", "dim")
    if t.renewal_date:
        days = t.days_to_renewal(today) or 0
        doc.value(
            "Renewal",
            f"{t.renewal_date.isoformat()} · {_days(days)} · "
            + ("auto-renews" if t.auto_renew else "does not auto-renew"),
        )
        cb = t.cancel_by
        if cb is not None:
            left = (cb - today).days
            style = "red" if left < 0 and days >= 0 else ("yellow" if left <= 30 else "")
            doc.value(
                "Cancel by",
                f"{cb.isoformat()} · {_days(left)} ({t.notice_days or 0} days' notice)",
                style,
            )
    else:
        doc.value("Renewal", "no renewal date", "dim")

    if found.spend or t.annual_cost:
        spent = format_money(found.spend, currency)
        line = f"{spent} in {found.spend_period}"
        style = ""
        if t.annual_cost:
            line += f" against {format_money(t.annual_cost, currency)} a year"
            if found.spend > t.annual_cost:
                line += " (more than the contract)"
                style = "yellow"
        doc.value("Spend logged", line, style)

    doc.section("Usage")
    if t.seats_bought is not None or t.seats_used is not None:
        util = t.utilisation
        seats = (
            f"{t.seats_used if t.seats_used is not None else '?'} used of "
            f"{t.seats_bought if t.seats_bought is not None else '?'}"
        )
        if util is not None:
            seats += f" ({util:.0%})"
        doc.value("Seats", seats, "yellow" if util is not None and util < 0.5 else "")
        if t.cost_per_used_seat is not None:
            doc.value("Per used seat", format_money(t.cost_per_used_seat, currency) + " a year")
    else:
        doc.value("Seats", "not tracked (not a per-seat tool)", "dim")

    doc.section("Privacy")
    if t.holds_personal_data:
        doc.value("Personal data", "yes")
        doc.value(
            "DPA signed",
            t.dpa_signed_on.isoformat() if t.dpa_signed_on else "NO DPA",
            "" if t.dpa_signed_on else "bold red",
        )
        doc.value(
            "Data region", t.data_region or "not recorded", "" if t.data_region else "bold red"
        )
    else:
        doc.value("Personal data", "none held")

    doc.section("Review")
    if t.last_reviewed_on:
        overdue = t.review_overdue(today)
        doc.value(
            "Last reviewed",
            t.last_reviewed_on.isoformat() + (" · OVERDUE" if overdue else ""),
            "yellow" if overdue else "",
        )
    else:
        doc.value("Last reviewed", "never", "yellow" if t.status in rules.IN_SERVICE else "dim")
    if t.status == "retired":
        doc.value("Retired", f"{t.retired_on.isoformat() if t.retired_on else '?'}")
        doc.value("Because", t.retired_reason or "")

    doc.section(f"Integrations ({len(found.integrations)})  i add · x remove")
    if not found.integrations:
        doc.line("none", "dim")
    for link in found.outgoing:
        style = ""
        note = ""
        if link.personal and not link.target_has_dpa:
            style, note = "bold red", "  no DPA at the target"
        doc.item(
            "→",
            (link.target, "bold"),
            (f": {link.data}", ""),
            (" · personal" if link.personal else "", "magenta"),
            (note, style),
        )
    for link in found.incoming:
        doc.item(
            "←",
            (link.source, "bold"),
            (f": {link.data}", ""),
            (" · personal" if link.personal else "", "magenta"),
        )

    doc.section(f"KPIs drawing data from it ({len(found.kpis)})")
    if not found.kpis:
        doc.line("none", "dim")
    for k in found.kpis:
        doc.item("◆", (k["key"], "bold"), (f"  {k['label']}", ""), (f"  {k['status']}", "dim"))

    doc.section("History")
    if not found.history:
        doc.line("no changes recorded", "dim")
    for item in found.history[:30]:
        doc.history(item.at.strftime("%Y-%m-%d %H:%M"), item.actor, item.summary)
    if len(found.history) > 30:
        doc.line(f"… and {len(found.history) - 30} earlier changes", "dim")
    return doc.render()
