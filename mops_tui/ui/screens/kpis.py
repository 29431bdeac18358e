"""The KPIs mode: the measurement framework, versioned and linked to the stack."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from rich.console import RenderableType
from textual.binding import Binding, BindingType

from mops_tui.domain import kpis as rules
from mops_tui.domain.errors import DomainError, FieldError, ValidationFailed
from mops_tui.domain.kpis import KpiView
from mops_tui.services import kpis, stack
from mops_tui.services import people as people_service
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.screens.modals import Choice, FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import Doc
from mops_tui.ui.widgets.form import FieldSpec
from mops_tui.ui.widgets.record_table import Column

STATUS_STYLE = {"draft": "cyan", "active": "green", "deprecated": "dim"}


class KpisScreen(RecordScreen[KpiView]):
    """Mode 5: KPI definitions."""

    MODE_LABEL = "KPIs"
    NOUN = ("KPI", "KPIs")
    FILTER_HINT = (
        "filter: key, label, owner or source · status:active kind:rate owner:ana "
        "owner:me source:hubspot · Esc clears"
    )
    EMPTY = "No KPIs yet. Press n to define one, or import dbt metrics: mops kpi import FILE.yml"
    EMPTY_FILTERED = "No KPI matches this filter. Esc clears it."
    DEFAULT_SORT = "key"

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("kpis"),
        Binding("n", "new", "New KPI", id="kpis.new"),
        Binding("e", "edit", "Edit", id="kpis.edit"),
        Binding("t", "move", "Activate/deprecate", id="kpis.move"),
        Binding("v", "versions", "Versions", id="kpis.versions"),
        Binding("s", "successor", "Go to successor", show=False, id="kpis.successor"),
    ]

    # -- records -----------------------------------------------------------------

    def source(self) -> kpis.KpiListing:
        return kpis.KpiListing(self.mops.ws)

    def fetch_detail(self, row_id: Any) -> kpis.KpiDetail:
        return kpis.detail(self.mops.ws, int(row_id))

    def detail_id(self, found: kpis.KpiDetail) -> int:
        return found.kpi.id

    def detail_record(self, found: kpis.KpiDetail) -> KpiView:
        return found.kpi

    def render_detail(self, found: kpis.KpiDetail) -> RenderableType:
        return render_kpi(found, self.mops.ws.currency)

    def columns(self) -> list[Column[KpiView]]:
        currency = self.mops.ws.currency

        def flags(v: KpiView) -> str:
            return " ".join(f.label for f in v.flags())

        def flag_style(v: KpiView) -> str | None:
            codes = {f.code for f in v.flags()}
            if "source" in codes:
                return "error"
            return "warn" if codes else None

        def status(v: KpiView) -> str:
            return v.status + (f" v{v.current_version}" if v.current_version > 1 else "")

        return [
            Column("key", "Key", lambda v: v.key, min_width=24, priority=10),
            Column("label", "Label", lambda v: v.label, min_width=12, priority=3),
            Column("kind", "Kind", lambda v: v.kind, width=8, priority=6),
            Column("owner", "Owner", lambda v: v.owner or "—", width=8, priority=5),
            Column(
                "data_source", "Data source", lambda v: v.data_source or "—", width=16, priority=4
            ),
            Column(
                "attribution",
                "Attribution",
                lambda v: rules.label_of(v.attribution),
                width=16,
                priority=2,
            ),
            Column(
                "status",
                "Status",
                status,
                width=13,
                priority=8,
                style=lambda v: "dim" if v.status == "deprecated" else None,
            ),
            Column(
                "target",
                "Target",
                lambda v: rules.format_target(v.target, v.kind, currency, compact=True),
                width=9,
                align="right",
                priority=7,
            ),
            Column("flags", "Flags", flags, width=12, sortable=False, priority=9, style=flag_style),
        ]

    # -- forms ---------------------------------------------------------------------

    def _specs(self, names: tuple[str, ...]) -> list[FieldSpec]:
        from mops_tui.domain.kpi_schema import KpiInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        meta = {m["name"]: m for m in form_fields(KpiInput)}
        people = [
            (f"{p['name']} ({p['handle']})", p["handle"]) for p in people_service.list_people(ws)
        ]
        tools = [(name, name) for name, _id in stack.tool_choices(ws)]
        specs = []
        for name in names:
            choices = people if name == "owner" else tools if name == "data_source" else None
            specs.append(FieldSpec.from_meta(meta[name], choices))
        return specs

    def _check(self, base: dict[str, str] | None = None) -> Any:
        from mops_tui.domain.kpi_schema import validate_kpi

        ws = self.mops.ws

        def check(values: dict[str, str]) -> list[FieldError]:
            raw = {k: v for k, v in {**(base or {}), **values}.items() if k in kpis.INPUT_FIELDS}
            validate_kpi(raw, ws.context())
            return []

        return check

    def action_new(self) -> None:
        ws = self.mops.ws
        specs = self._specs(kpis.INPUT_FIELDS)
        defaults = {"kind": "rate", "attribution_model": "none", "direction": "higher_is_better"}

        def done(view: KpiView | None) -> None:
            if view is not None:
                self.saved_notice(f"Defined {view.key} as a draft; press t to activate it")
                self.table.reload(select_key=view.id)

        self.app.push_screen(
            FormScreen(
                "New KPI",
                specs,
                defaults,
                save=lambda values: kpis.create(ws, values),
                validate=self._check(),
                intro="A KPI starts as a draft. Say how it is calculated, which decision it "
                "informs and where its data is incomplete (“none known” is an answer). "
                "A rate names its numerator and denominator. ctrl+s saves, Esc cancels.",
            ),
            done,
        )

    def action_edit(self) -> None:
        view = self.need_selected()
        if view is None:
            return
        from mops_tui.domain.kpi_schema import KpiEditExtras
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        specs = self._specs(kpis.INPUT_FIELDS)
        values = kpis.form_values(view, ws.currency)
        if view.status == "active":
            extra_meta = {m["name"]: m for m in form_fields(KpiEditExtras)}
            specs += [
                FieldSpec.from_meta(extra_meta["effective_on"]),
                FieldSpec.from_meta(extra_meta["change_note"]),
            ]
        state = {"version": view.version}

        def save(form: dict[str, str]) -> KpiView:
            fields = {k: v for k, v in form.items() if k in kpis.INPUT_FIELDS}
            return kpis.update(
                ws,
                view.id,
                fields,
                state["version"],
                effective_on=form.get("effective_on") or None,
                change_note=form.get("change_note", ""),
            )

        def refresh_version() -> None:
            with contextlib.suppress(DomainError):
                state["version"] = kpis.get(ws, view.id).version

        def done(saved: KpiView | None) -> None:
            if saved is None:
                return
            if saved.current_version > view.current_version:
                self.saved_notice(
                    f"Saved {saved.key}: its meaning changed, so this is "
                    f"version {saved.current_version}"
                )
            else:
                self.saved_notice(f"Saved {saved.key}")
            self.table.reload(select_key=saved.id)

        intro = f"Status: {view.status}. "
        if view.status == "active":
            intro += (
                "Changing what it means (definition, numerator, denominator, "
                "conversion, attribution, data source, kind, direction) makes a new "
                "version from the date below; wording changes do not."
            )
        self.app.push_screen(
            FormScreen(
                f"Edit {view.key}",
                specs,
                values,
                save=save,
                validate=self._check(),
                intro=intro + " ctrl+s saves, Esc cancels.",
                on_stale=refresh_version,
            ),
            done,
        )

    def action_move(self) -> None:
        view = self.need_selected()
        if view is None:
            return
        ws = self.mops.ws
        moves = rules.TRANSITIONS[view.status]
        if not moves:
            self.notify(f"{view.key} is deprecated; define a new KPI instead.", markup=False)
            return
        choices = []
        for target in moves:
            needs = kpis.move_needs(ws, view, target)
            detail = (
                ("needs: " + ", ".join(dict.fromkeys(rules.label_of(n.field) for n in needs)))
                if needs
                else "ready"
            )
            label = "activate" if target == "active" else "deprecate"
            choices.append(Choice(label, target, detail))

        def picked(target: str | None) -> None:
            if target == "active":
                self._activate(view)
            elif target == "deprecated":
                self._deprecate(view)

        self.app.push_screen(
            PickerScreen(f"{view.key} is {view.status}. Move it to…", choices), picked
        )

    def _activate(self, view: KpiView) -> None:
        ws = self.mops.ws
        needs = kpis.move_needs(ws, view, "active")
        if needs:
            lines = "\n".join(f"  • {rules.label_of(n.field)}: {n.message}" for n in needs)
            self.notify(
                f"{view.key} cannot be active yet:\n{lines}\nPress e to complete it.",
                severity="warning",
                title="Not activated",
                markup=False,
                timeout=10,
            )
            return
        from mops_tui.domain.kpi_schema import KpiMoveInput
        from mops_tui.domain.schema import form_fields

        meta = {m["name"]: m for m in form_fields(KpiMoveInput)}
        specs = [FieldSpec.from_meta(meta["effective_on"])]

        def save(values: dict[str, str]) -> KpiView:
            return kpis.transition(ws, view.id, {"status": "active", **values}, view.version)

        def done(saved: KpiView | None) -> None:
            if saved is not None:
                self.after_write(
                    saved.id, f"{saved.key} is active (version {saved.current_version})"
                )

        self.app.push_screen(
            FormScreen(
                f"Activate {view.key}",
                specs,
                {"effective_on": ws.today().isoformat()},
                save=save,
                intro="From this date the definition is version 1; later changes of "
                "meaning add versions.",
            ),
            done,
        )

    def _deprecate(self, view: KpiView) -> None:
        from mops_tui.domain.kpi_schema import KpiMoveInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        meta = {m["name"]: m for m in form_fields(KpiMoveInput)}
        actives = [
            (label, key) for label, key in kpis.kpi_choices(ws, ("active",)) if key != view.key
        ]
        specs = [
            FieldSpec.from_meta(meta["reason"]),
            FieldSpec.from_meta(meta["successor"], actives),
        ]

        def check(values: dict[str, str]) -> list[FieldError]:
            successor = values.get("successor") or None
            status = None
            if successor:
                found = next((k for _label, k in actives if k == successor), None)
                status = "active" if found else None
            errors = rules.transition_errors(
                view.status,
                "deprecated",
                reason=values.get("reason", ""),
                successor=successor,
                key=view.key,
                successor_status=status,
            )
            if errors:
                raise ValidationFailed(errors)
            return []

        def save(values: dict[str, str]) -> KpiView:
            return kpis.transition(ws, view.id, {"status": "deprecated", **values}, view.version)

        def done(saved: KpiView | None) -> None:
            if saved is not None:
                self.after_write(saved.id, f"{saved.key} is deprecated")

        self.app.push_screen(
            FormScreen(
                f"Deprecate {view.key}",
                specs,
                {},
                save=save,
                validate=check,
                intro="A deprecated KPI stays readable with its versions. Give a "
                "reason, or the active KPI that replaces it (or both).",
            ),
            done,
        )

    def action_versions(self) -> None:
        view = self.need_selected()
        if view is None:
            return
        versions = kpis.detail(self.mops.ws, view.id).versions
        if not versions:
            self.notify(
                f"{view.key} has no versions yet: it gets version 1 when it is activated.",
                markup=False,
            )
            return
        choices = [
            Choice(
                f"version {v.number}",
                v.number,
                f"from {v.effective_on.isoformat()} · {v.author} · {v.summary}",
            )
            for v in versions
        ]

        def picked(number: int | None) -> None:
            if number is None:
                return
            from mops_tui.ui.screens.modals import TextScreen

            version = next(v for v in versions if v.number == number)
            self.app.push_screen(
                TextScreen(
                    f"{view.key} · version {number}",
                    render_version(view, version, self.mops.ws.currency),
                )
            )

        self.app.push_screen(PickerScreen(f"Versions of {view.key}", choices), picked)

    def action_successor(self) -> None:
        view = self.need_selected()
        if view is None or not view.successor:
            self.notify("This KPI has no successor.", markup=False)
            return
        self.set_filter(view.successor)

    def show_record(self, record: Any) -> None:
        """``record`` is a KPI key (from Home or the palette) or an id."""
        if isinstance(record, str):
            try:
                record = kpis.get_by_key(self.mops.ws, record).id
            except DomainError:
                self.notify(f"There is no KPI {record}", severity="warning", markup=False)
                return
        super().show_record(record)


# ---------------------------------------------------------------------------
# The detail pane
# ---------------------------------------------------------------------------


def render_kpi(found: kpis.KpiDetail, currency: str) -> RenderableType:
    k = found.kpi
    doc = Doc(label_width=16)
    badge = k.status + (f" v{k.current_version}" if k.current_version else "")
    doc.title(k.key, badge, f"reverse {STATUS_STYLE.get(k.status, '')}".strip())
    owner = f"{k.owner_name} ({k.owner})" if k.owner else "no owner"
    doc.subtitle(f"{k.label} · {k.kind} · owner {owner}")
    if k.description:
        doc.para(k.description)
    if found.flags:
        doc.section("Flags")
        for f in found.flags:
            style = "bold red" if f.code == "source" else "yellow"
            doc.item("!", (f.reason, style), marker_style=style)
    if k.status == "deprecated":
        doc.section("Deprecated")
        if k.deprecated_reason:
            doc.value("Because", k.deprecated_reason)
        if k.successor:
            doc.value("Use instead", f"{k.successor}  (s goes there)", "bold")
    doc.section("Definition")
    doc.para(k.definition or "—")
    if k.kind == "rate" or k.numerator or k.denominator:
        doc.value("Numerator", k.numerator or "—")
        doc.value("Denominator", k.denominator or "—")
    if k.conversion:
        doc.value("Conversion", k.conversion)
    doc.value("Attribution", rules.label_of(k.attribution))
    source = k.data_source or "—"
    style = ""
    if k.data_source and k.data_source_status not in rules.SOURCE_OK_FOR_ACTIVE:
        source += f" ({rules.label_of(k.data_source_status or '')})"
        style = "bold red"
    doc.value("Data source", source, style)
    doc.value("Better when", rules.label_of(k.direction))
    doc.value("Target", rules.format_target(k.target, k.kind, currency))
    doc.value("Measure", k.measure)
    if k.mf_filter:
        doc.value("dbt filter", k.mf_filter)
    doc.section("Decision it informs")
    doc.para(k.decision or "—")
    doc.section("Known data gaps")
    doc.para(k.data_gaps or "—")
    if found.replaces:
        doc.section("Replaces")
        for r in found.replaces:
            doc.item("◇", (r["key"], "bold"), (f"  {r['label']}", ""))
    doc.section(f"Briefs using it ({len(found.briefs)})")
    if not found.briefs:
        doc.line("none", "dim")
    for b in found.briefs[:12]:
        launch = f"  launch {b['launch_date']}" if b["launch_date"] else ""
        doc.item(
            "▪",
            (f"#{b['id']} {b['title']}", ""),
            (f"  {b['status'].replace('_', ' ')}{launch}", "dim"),
        )
    if len(found.briefs) > 12:
        doc.line(f"… and {len(found.briefs) - 12} more (mops briefs kpi:{k.key})", "dim")
    doc.section(f"Versions ({len(found.versions)})  v opens one")
    if not found.versions:
        doc.line("none yet: version 1 is recorded when it is activated", "dim")
    for v in found.versions:
        doc.history(f"v{v.number} {v.effective_on.isoformat()}", v.author, v.summary)
    doc.section("History")
    for item in found.history[:20]:
        doc.history(item.at.strftime("%Y-%m-%d %H:%M"), item.actor, item.summary)
    return doc.render()


def render_version(view: KpiView, version: Any, currency: str) -> Any:
    doc = Doc(label_width=16)
    snap = version.snapshot
    doc.title(f"{view.key} · version {version.number}")
    doc.subtitle(f"in force from {version.effective_on.isoformat()} · by {version.author}")
    doc.value("What changed", version.summary)
    for name in (
        "label",
        "kind",
        "definition",
        "numerator",
        "denominator",
        "conversion",
        "data_source",
        "attribution_model",
        "attribution_window_days",
        "direction",
        "target",
        "decision",
        "data_gaps",
        "measure",
    ):
        value = snap.get(name)
        if name == "target":
            value = rules.format_target(value, snap.get("kind", view.kind), currency)
        doc.value(rules.label_of(name).capitalize(), "—" if value in (None, "") else str(value))
    return doc.render()
