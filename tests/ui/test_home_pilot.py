"""Home, the morning inbox, driven from the keyboard: open an item and come back,
snooze, settle a renewal, the command palette, a keymap remap, and other users'
changes showing up on their own."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Select, Static, TextArea
from uihelpers import make_app, settle, wait_until

from mops_tui import settings as settings_mod
from mops_tui.domain.triage import InboxItem
from mops_tui.services import audit, briefs, stack, triage
from mops_tui.services.workspace import Workspace
from mops_tui.ui.app import MopsApp
from mops_tui.ui.screens.modals import FormScreen, TextScreen
from mops_tui.ui.widgets.form import ModelForm
from mops_tui.ui.widgets.record_table import RecordTable


def table(app) -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#records", RecordTable)


def rows(app) -> list[InboxItem]:  # type: ignore[no-untyped-def]
    t = table(app)
    return [t.row_at(i) for i in range(t.total)]


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


async def home(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(
        pilot, lambda: pilot.app.current_mode == "home" and table(pilot.app).is_settled
    )


async def move_to(pilot, predicate) -> InboxItem:  # type: ignore[no-untyped-def]
    """Put the cursor on the first inbox row matching ``predicate``, with arrow keys."""
    found = [i for i, row in enumerate(rows(pilot.app)) if predicate(row)]
    assert found, "the demo inbox has no such item"
    while table(pilot.app).cursor_row < found[0]:
        await pilot.press("down")
    while table(pilot.app).cursor_row > found[0]:
        await pilot.press("up")
    await settle(pilot)
    return table(pilot.app).current_row


async def fill(pilot, form: ModelForm, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        widget.focus()
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value
        await pilot.pause()


async def test_home_is_the_default_mode(demo_db: Path) -> None:
    app = MopsApp(settings_mod.load(db=str(demo_db)))
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        items = rows(app)
        assert [i.key for i in items] == [i.key for i in triage.inbox(app.ws)]
        scores = [i.score for i in items]
        assert scores == sorted(scores, reverse=True)
        areas = {i.area for i in items}
        assert areas == {"Briefs", "Stack", "Ledger", "KPIs"}
        figures = str(app.screen.query_one("#figures", Static).content)
        assert "in review" in figures and "Renewals" in figures and "Compliance gaps" in figures


async def test_enter_opens_the_record_and_esc_comes_back_to_the_same_row(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        item = await move_to(pilot, lambda r: r.area == "Briefs")
        index = table(app).cursor_row
        assert index > 0
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.current_mode == "briefs" and table(app).current_row is not None
        )
        await wait_until(pilot, lambda: table(app).current_row.id == item.target[1])
        assert app.screen.has_class("-detail-open")
        await pilot.press("escape")
        await home(pilot)
        assert table(app).cursor_row == index
        assert table(app).current_row.key == item.key

        # A tool item opens the tool in the Stack mode.
        item = await move_to(pilot, lambda r: r.area == "Stack")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "stack")
        await wait_until(
            pilot,
            lambda: (
                table(app).current_row is not None and table(app).current_row.id == item.target[1]
            ),
        )
        await pilot.press("escape")
        await home(pilot)
        assert table(app).current_row.key == item.key


async def test_snooze_refuses_a_bad_date_then_hides_the_item(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        item = await move_to(pilot, lambda r: r.area == "Ledger")
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"until": "2026-02-30"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen), "a refused snooze keeps the form open"
        assert "February 2026 has 28 days" in form.error_for("until")
        await fill(pilot, form, {"until": "+2w", "note": "Finance is re-forecasting"})
        await pilot.press("ctrl+s")
        await home(pilot)
        await wait_until(pilot, lambda: item.key not in {r.key for r in rows(app)})
        assert "Snoozed until 2026-12-13" in notes(app)
        entry = audit.recent(app.ws, 1)[0]
        assert entry.action == "snoozed" and item.title in entry.summary
        assert "Finance is re-forecasting" in entry.summary
    # It comes back on its date.
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester", today_fn=lambda: triage_date(13))
    assert item.key in {i.key for i in triage.inbox(ws)}
    ws.close()


def triage_date(day: int):  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2026, 12, day)


async def test_a_renewal_decision_needs_a_note_to_cancel_and_clears_the_item(
    demo_db: Path,
) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        item = await move_to(pilot, lambda r: r.kind.startswith("renewal"))
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"decision": "cancel"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "say what to cancel" in form.error_for("note")
        await fill(pilot, form, {"note": "Ana gives notice by email on Monday"})
        await pilot.press("ctrl+s")
        await home(pilot)
        await wait_until(pilot, lambda: item.key not in {r.key for r in rows(app)})
        tool = stack.get(app.ws, int(item.extra["tool_id"]))
        history = audit.tool_history(app.ws, tool.id)
        assert any("cancel" in h.summary and "Ana gives notice" in h.summary for h in history)


async def test_renewal_decision_key_on_another_item_says_what_to_do(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await move_to(pilot, lambda r: r.area == "Ledger")
        await pilot.press("D")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert "Choose a renewal item first" in notes(app)


async def test_lineage_marks_hops_without_a_dpa(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, TextScreen))
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.body)
        text = console.export_text()
        assert "Where personal data flows" in str(app.screen.title_text)
        assert "→" in text and "✗" in text
        await pilot.press("escape")
        await home(pilot)


async def test_palette_jumps_to_a_tool_by_name(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"HubSpot Marketing")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "stack")
        await wait_until(
            pilot,
            lambda: (
                table(app).current_row is not None
                and table(app).current_row.name == "HubSpot Marketing Hub"
            ),
        )


async def test_palette_jumps_to_a_brief_by_number_and_runs_new_brief(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    target = briefs.list_briefs(app.ws, "", limit=1)[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"#{target.id} {target.title[:12]}")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.current_mode == "briefs"
                and table(app).current_row is not None
                and table(app).current_row.id == target.id
            ),
        )
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new brief")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert "brief" in app.screen.title_text.lower()


async def test_keymap_remaps_home_and_mode_keys(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home", keymap={"home.snooze": "s", "app.mode.stack": "f2"})
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("escape")
        await home(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: app.current_mode == "stack")


async def test_help_groups_the_home_keys(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, TextScreen))
        text = str(app.screen.query_one(".text-screen-body", Static).content)
        for words in ("Snooze", "Renewal decision", "home.snooze", "Filter"):
            assert words in text


async def test_another_users_change_shows_up_without_moving_the_cursor(demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    app.WATCH_SECONDS = 0.2
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        await move_to(pilot, lambda r: r.area == "Ledger")
        before = table(app).current_row.key
        total = table(app).total
        # Someone else snoozes the top item from their own machine.
        other = Workspace(f"sqlite:///{demo_db}", actor="someone-else")
        top = rows(app)[0]
        triage.snooze(other, top.key, "+1w")
        other.close()
        await wait_until(pilot, lambda: table(app).total == total - 1, timeout=10)
        assert table(app).current_row.key == before
        assert top.key not in {r.key for r in rows(app)}
