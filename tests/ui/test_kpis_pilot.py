"""Keyboard flows on the KPIs screen: define with refusals, activate, a meaning edit
that creates version 2, and deprecation with a successor."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea
from uihelpers import filter_to, settle, wait_until

from mops_tui.services import kpis
from mops_tui.services.workspace import Workspace
from mops_tui.ui.screens.modals import FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.form import ModelForm
from mops_tui.ui.widgets.record_table import RecordTable


def table(app) -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#records", RecordTable)


def detail_text(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(DetailPane).plain


async def fill(pilot, form: ModelForm, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        widget.focus()
        await pilot.pause()
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value
        await pilot.pause()


async def pick(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    picker = pilot.app.screen
    assert isinstance(picker, PickerScreen)
    picker.dismiss(next(c.value for c in picker.choices if c.value == value))
    await settle(pilot)


async def open_kpis(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("5")
    await wait_until(
        pilot, lambda: pilot.app.current_mode == "kpis" and table(pilot.app).is_settled
    )


COMPLETE = {
    "key": "demo_request_rate",
    "label": "Demo request rate",
    "owner": "ana",
    "kind": "rate",
    "definition": "Demo requests divided by unique visitors to pricing pages.",
    "numerator": "demo requests",
    "denominator": "unique pricing-page visitors",
    "data_source": "Google Analytics 4",
    "attribution_model": "none",
    "target": "4%",
    "decision": "Whether to keep the pricing-page test running.",
    "data_gaps": "none known",
}


async def test_define_refused_then_activate_then_version_then_deprecate(
    app_factory, demo_db: Path
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kpis(pilot)
        assert app.current_mode == "kpis"
        before = table(app).total

        # Define, with refused fields first.
        await pilot.press("n")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(
            pilot,
            form,
            {
                "key": "Demo Rate",
                "label": "Demo request rate",
                "kind": "rate",
                "attribution_model": "last_touch",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "lower-case letters" in form.error_for("key")
        assert "needs an owner" in form.error_for("owner")
        assert "names its numerator" in form.error_for("numerator")
        assert "needs a window in days" in form.error_for("attribution_window_days")
        assert "vanity metric" in form.error_for("decision")
        assert "none known" in form.error_for("data_gaps")
        await fill(pilot, form, COMPLETE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert table(app).total == before + 1
        assert table(app).current_row.key == "demo_request_rate"

        # Activate.
        await pilot.press("t")
        await pilot.pause()
        await pick(pilot, "active")
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        ws = Workspace(f"sqlite:///{demo_db}")
        kpi = kpis.get_by_key(ws, "demo_request_rate")
        assert (kpi.status, kpi.current_version) == ("active", 1)

        # A wording edit: no new version.
        await pilot.press("e")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"label": "Demo request rate (pricing)"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert kpis.get_by_key(ws, "demo_request_rate").current_version == 1

        # A meaning edit: version 2 from the chosen date.
        await pilot.press("e")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(
            pilot,
            form,
            {
                "denominator": "unique visitors to pricing and demo pages",
                "effective_on": "2026-12-01",
                "change_note": "Demo page visitors now count",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        kpi = kpis.get_by_key(ws, "demo_request_rate")
        assert kpi.current_version == 2
        v1 = kpis.version_of(ws, "demo_request_rate", 1)
        assert v1.snapshot["denominator"] == "unique pricing-page visitors"
        assert "v2 2026-12-01" in detail_text(app)

        # Deprecate with a successor.
        await pilot.press("t")
        await pilot.pause()
        await pick(pilot, "deprecated")
        form = app.screen.query_one(ModelForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "give a reason" in form.error_for("reason")
        await fill(pilot, form, {"successor": "mql_to_sql_rate"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        kpi = kpis.get_by_key(ws, "demo_request_rate")
        assert (kpi.status, kpi.successor) == ("deprecated", "mql_to_sql_rate")
        text = detail_text(app)
        assert "Use instead" in text and "mql_to_sql_rate" in text
        # s follows the link to the successor.
        await pilot.press("s")
        await wait_until(
            pilot, lambda: table(app).filter_text == "mql_to_sql_rate" and table(app).is_settled
        )
        assert table(app).current_row.key == "mql_to_sql_rate"


async def test_activation_is_refused_with_what_is_missing(app_factory, demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    draft = {**COMPLETE, "key": "draft_no_source", "data_source": ""}
    kpis.create(ws, draft)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kpis(pilot)
        await filter_to(pilot, "draft_no_source")
        await pilot.press("t")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        activate = next(c for c in picker.choices if c.value == "active")
        assert "data source" in activate.detail
        await pick(pilot, "active")
        assert not isinstance(app.screen, FormScreen)
        assert kpis.get_by_key(ws, "draft_no_source").status == "draft"
        assert any("cannot be active yet" in str(n.message) for n in app._notifications)


async def test_retiring_a_tool_that_feeds_kpis_names_them(app_factory, demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    kpi = kpis.create(ws, {**COMPLETE, "key": "hotjar_feedback_rate", "data_source": "Hotjar"})
    kpis.transition(ws, kpi.id, {"status": "active"}, None)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "hotjar")
        await pilot.press("t")
        await pilot.pause()
        await pick(pilot, "decommissioning")
        from mops_tui.ui.screens.modals import ConfirmScreen

        assert isinstance(app.screen, ConfirmScreen)
        assert "hotjar_feedback_rate" in app.screen.body
        await pilot.press("y")
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):  # the plain "move?" confirmation
            await pilot.press("y")
            await settle(pilot)
    from mops_tui.services import stack

    assert stack.get_by_name(ws, "Hotjar").status == "decommissioning"
    assert kpis.get_by_key(ws, "hotjar_feedback_rate").flags()[0].code == "source"
