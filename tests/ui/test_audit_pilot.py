"""The audit log screen, pushed over a mode: filter by actor, a before/after detail,
and ``u`` to undo your own last change after a confirmation."""

from __future__ import annotations

from pathlib import Path

from uihelpers import filter_to, make_app, settle, wait_until

from mops_tui.services import stack
from mops_tui.services.workspace import Workspace
from mops_tui.ui.screens.audit import AuditScreen, open_audit
from mops_tui.ui.screens.modals import ConfirmScreen
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.record_table import RecordTable


def table(app) -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#records", RecordTable)


def detail_text(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(DetailPane).plain


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


def edit(db: Path, actor: str, name: str, values: dict[str, str]) -> None:
    ws = Workspace(f"sqlite:///{db}", actor=actor)
    try:
        tool = stack.get_by_name(ws, name)
        stack.update(ws, tool.id, values, tool.version)
    finally:
        ws.close()


async def opened(pilot) -> AuditScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = open_audit(pilot.app)
    await wait_until(
        pilot,
        lambda: (
            pilot.app.screen is screen
            and bool(screen.query("#records"))
            and table(pilot.app).is_settled
        ),
    )
    return screen


async def test_pushed_over_a_mode_newest_first_and_esc_goes_back(demo_db: Path) -> None:
    edit(demo_db, "tester", "Canva", {"seats_bought": "60"})
    app = make_app(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        under = app.screen
        await opened(pilot)
        first = table(app).current_row
        assert first.actor == "tester" and first.entity == "tool" and first.action == "edited"
        assert table(app).descending is True and table(app).sort_key == "at"
        assert "seats bought" in first.summary
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under


async def test_filter_by_actor_and_open_before_and_after(demo_db: Path) -> None:
    edit(demo_db, "ana", "HubSpot Marketing Hub", {"annual_cost": "99,000"})
    edit(demo_db, "tester", "Canva", {"seats_bought": "60"})
    app = make_app(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(pilot)
        await filter_to(pilot, "actor:ana")
        assert table(app).total == 1
        row = table(app).current_row
        assert row.actor == "ana"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Before and after" in detail_text(app))
        text = detail_text(app)
        assert "tool edited" in text and "by ana" in text
        assert "HubSpot Marketing Hub" in text
        assert "annual cost" in text and "£38,400" in text and "£99,000" in text
        assert "1 field changed" in text
        await pilot.press("escape", "escape")  # close the detail, clear the filter
        await wait_until(pilot, lambda: table(app).filter_text == "")
        await pilot.press("m")  # only my changes
        await wait_until(
            pilot, lambda: table(app).filter_text == "actor:me" and table(app).is_settled
        )
        assert table(app).total == 1 and table(app).current_row.actor == "tester"
        await pilot.press("m")  # everyone's again
        await wait_until(pilot, lambda: table(app).filter_text == "" and table(app).is_settled)
        await filter_to(pilot, "area:kpi")
        kinds = {table(app).row_at(i).entity for i in range(table(app).total)}
        assert kinds == {"kpi"}


async def test_undo_with_u_and_confirm(demo_db: Path) -> None:
    edit(demo_db, "tester", "Canva", {"seats_bought": "60"})
    app = make_app(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(pilot)
        total = table(app).total
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        assert confirm.title_text == "Undo your edit of Canva?"
        assert "seats bought back from 60 to" in confirm.body
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AuditScreen))
        await wait_until(pilot, lambda: table(app).is_settled and table(app).total == total + 2)
        assert "Undone: Set Canva's seats bought back" in notes(app)
        top = table(app).row_at(0)
        assert top.action == "undo" and top.actor == "tester"
        ws = Workspace(f"sqlite:///{demo_db}")
        try:
            assert stack.get_by_name(ws, "Canva").seats_bought != 60
        finally:
            ws.close()


async def test_cancelled_undo_changes_nothing(demo_db: Path) -> None:
    edit(demo_db, "tester", "Canva", {"seats_bought": "60"})
    app = make_app(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(pilot)
        total = table(app).total
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        table(app).reload()
        await wait_until(pilot, lambda: table(app).is_settled)
        assert table(app).total == total


async def test_a_refused_undo_says_what_to_do(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: "no change to undo" in notes(app))
        assert isinstance(app.screen, AuditScreen)


async def test_at_80_columns_the_detail_replaces_the_list(demo_db: Path) -> None:
    edit(demo_db, "tester", "Canva", {"seats_bought": "60", "notes": "[bold]not markup[/]"})
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Before and after" in detail_text(app))
        assert app.screen.has_class("-narrow") and app.screen.has_class("-detail-open")
        assert "[bold]not markup[/]" in detail_text(app)
        await pilot.press("escape")
        assert app.focused is table(app)


async def test_opened_with_a_filter(demo_db: Path) -> None:
    edit(demo_db, "ana", "Canva", {"seats_used": "4"})
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = open_audit(app, "actor:ana area:tool")
        await wait_until(
            pilot,
            lambda: (
                app.screen is screen
                and bool(screen.query("#records"))
                and table(app).filter_text == "actor:ana area:tool"
                and table(app).is_settled
            ),
        )
        assert table(app).total == 1
        assert table(app).current_row.summary.startswith("seats used")
