"""Keyboard flows in the Ledger: spend with refused fields, a correction, a period
close, and a CSV import through the dry run."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea
from uihelpers import settle, wait_until

from mops_tui.services import ledger
from mops_tui.services.workspace import Workspace
from mops_tui.ui.screens.modals import ConfirmScreen, FormScreen, PickerScreen
from mops_tui.ui.widgets.form import ModelForm
from mops_tui.ui.widgets.record_table import RecordTable


def table(app, name: str = "records") -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#{name}", RecordTable)


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


def workspace(db: Path) -> Workspace:
    return Workspace(f"sqlite:///{db}", actor="tester")


def setup_lines(db: Path) -> tuple[int, int]:
    ws = workspace(db)
    events = ledger.create_line(
        ws,
        {
            "period": "2026-Q4",
            "channel": "Webinars",
            "campaign": "Pilot series",
            "planned": "£10k",
            "owner": "ana",
        },
    )
    oct_line = ledger.create_line(
        ws,
        {
            "period": "2026-10",
            "channel": "Webinars",
            "campaign": "Pilot october",
            "planned": "2000",
            "owner": "ana",
        },
    )
    return events.id, oct_line.id


async def open_ledger(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("4")
    await wait_until(
        pilot, lambda: pilot.app.current_mode == "ledger" and table(pilot.app).is_settled
    )


async def test_log_spend_with_refusals_then_correct_it(app_factory, demo_db: Path) -> None:
    line_id, _ = setup_lines(demo_db)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"entry_date": "2026-02-30", "amount": "-5", "payee": ""})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "not a real date" in form.error_for("entry_date")
        assert "enter who was paid" in form.error_for("payee")
        await fill(
            pilot, form, {"entry_date": "2026-11-10", "payee": "Webinar Co", "line": f"#{line_id}"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A negative amount of kind "spend" is refused by the ledger's rule.
        assert isinstance(app.screen, FormScreen)
        assert "negative amount is a refund" in form.error_for("amount")
        await fill(pilot, form, {"amount": "1,234.56"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        ws = workspace(demo_db)
        [entry] = ledger.list_entries(ws, "webinar co")
        assert (entry.amount, entry.line_id) == (123456, line_id)

        # Correct it from the Entries view.
        await pilot.press("E")
        await wait_until(pilot, lambda: table(app, "entries").is_settled)
        await pilot.press("slash", *"webinar co", "enter")
        await wait_until(
            pilot,
            lambda: (
                table(app, "entries").filter_text == "webinar co"
                and table(app, "entries").is_settled
            ),
        )
        await pilot.press("c")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"amount": "1,300.00"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        entries = ledger.list_entries(ws, "webinar co")
        assert sorted(e.amount for e in entries) == [-123456, 123456, 130000]
        reversal = next(e for e in entries if e.kind == "reversal")
        corrected = next(e for e in entries if e.amount == 130000)
        assert reversal.reverses_id == entry.id and corrected.corrects_id == entry.id


async def test_close_a_month_then_spend_in_it_is_refused(app_factory, demo_db: Path) -> None:
    _, oct_line = setup_lines(demo_db)
    ws = workspace(demo_db)
    if "2026-10" in ledger.closes(ws):
        ledger.reopen_period(ws, "2026-10", "test setup")
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ledger(pilot)
        await pilot.press("K")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        october = next(c for c in picker.choices if c.value == "2026-10")
        assert "close" in october.detail
        picker.dismiss("2026-10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "2026-10" in ledger.closes(ws)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(
            pilot,
            form,
            {
                "entry_date": "2026-10-15",
                "amount": "100",
                "payee": "Late invoice",
                "line": f"#{oct_line}",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "was closed by tester" in form.error_for("entry_date") or any(
            "was closed by tester" in str(n.message) for n in app._notifications
        )


async def test_import_a_csv_in_the_tui(app_factory, demo_db: Path, tmp_path: Path) -> None:
    line_id, _ = setup_lines(demo_db)
    csv_file = tmp_path / "finance.csv"
    csv_file.write_text(
        "\ufeffPosting Date;Supplier;Net Amount;Invoice\n"
        "03/11/2026;Webinar Co;1.250,00;INV-1\n"
        '04/11/2026;Webinar Co;"2.000,50";INV-2\n'
        "05/11/2026;Webinar Co;-100,00;CN-1\n\n",
        encoding="utf-8",
    )
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ledger(pilot)
        await pilot.press("i")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"path": str(csv_file), "constants": f"line=#{line_id}"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "3 to add" in app.screen.body
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: not any(w.is_running for w in app.workers))
    ws = workspace(demo_db)
    amounts = sorted(e.amount for e in ledger.list_entries(ws, "webinar co"))
    assert amounts == [-10000, 125000, 200050]


async def test_periods_step_and_widen_to_all_time(app_factory, demo_db: Path) -> None:
    ws = workspace(demo_db)
    everything = len(ledger.list_entries(ws))
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ledger(pilot)
        screen = app.screen
        assert screen.period.label == "2026-Q4"
        await pilot.press("shift+left")
        await wait_until(pilot, lambda: table(app).is_settled)
        assert screen.period.label == "2026-Q3"
        await pilot.press("E")
        await wait_until(pilot, lambda: table(app, "entries").is_settled)
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("M", "M")  # quarter → fiscal year → all time
        await wait_until(
            pilot, lambda: screen.period.kind == "all" and table(app, "entries").is_settled
        )
        entries = table(app, "entries")
        assert entries.total == everything
        assert entries.cursor_row == 0  # a new list starts at its top
        assert entries.current_row.entry_date.isoformat() <= "2026-11-29"
