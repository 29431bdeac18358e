"""Snapshots of every mode, on the demo workspace with MOPS_TODAY fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from uihelpers import filter_to, make_app, settle


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    # A focused input's cursor blinks every half second, so a picture taken a little
    # later on a slower machine would lack it: hold every cursor steady (shown).
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_stack_screen(snap_compare, demo_db: Path, width: int, height: int) -> None:
    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=_ready)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_stack_detail_open(snap_compare, demo_db: Path, width: int, height: int) -> None:
    async def open_hubspot(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("slash", *"hubspot marketing", "enter")
        await pilot.pause(0.3)
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=open_hubspot)


def test_stack_wide_side_by_side(snap_compare, demo_db: Path) -> None:
    async def down(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("down", "down")
        await _ready(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(160, 40), run_before=down)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_stack_ansi_theme(snap_compare, demo_db: Path, width: int, height: int) -> None:
    assert snap_compare(
        make_app(demo_db, theme="ansi"), terminal_size=(width, height), run_before=_ready
    )


def test_new_tool_form_with_refusals(snap_compare, demo_db: Path) -> None:
    async def refused(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _ready(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=refused)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_kpis_screen(snap_compare, demo_db: Path, width: int, height: int) -> None:
    async def kpis(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=kpis)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (160, 50)])
def test_kpi_detail_with_versions(snap_compare, demo_db: Path, width: int, height: int) -> None:
    async def pipeline(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await filter_to(pilot, "marketing_sourced_pipeline")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=pipeline)


async def _ledger(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_ledger_plan_vs_actual(snap_compare, demo_db: Path, width: int, height: int) -> None:
    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=_ledger)


def test_ledger_plan_by_channel(snap_compare, demo_db: Path) -> None:
    async def by_channel(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ledger(pilot)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 40), run_before=by_channel)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_ledger_chart(snap_compare, demo_db: Path, width: int, height: int) -> None:
    async def chart(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ledger(pilot)
        await pilot.press("b")  # by channel: the chart shows the first channel
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(width, height), run_before=chart)


def test_ledger_entries(snap_compare, demo_db: Path) -> None:
    async def entries(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ledger(pilot)
        await pilot.press("E")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 40), run_before=entries)


async def _home(pilot) -> None:  # type: ignore[no-untyped-def]
    from uihelpers import wait_until

    from mops_tui.ui.widgets.record_table import RecordTable

    table = pilot.app.screen.query_one("#records", RecordTable)
    await wait_until(pilot, lambda: table.is_settled and pilot.app.screen._figures_of is not None)
    await settle(pilot)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_home_inbox(snap_compare, demo_db: Path, width: int, height: int) -> None:
    assert snap_compare(
        make_app(demo_db, mode="home"), terminal_size=(width, height), run_before=_home
    )


def test_home_inbox_ansi(snap_compare, demo_db: Path) -> None:
    assert snap_compare(
        make_app(demo_db, mode="home", theme="ansi"), terminal_size=(80, 24), run_before=_home
    )


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_briefs_queue(snap_compare, demo_db: Path, width: int, height: int) -> None:
    assert snap_compare(
        make_app(demo_db, mode="briefs"), terminal_size=(width, height), run_before=_ready
    )


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_brief_detail_done_with_outcome(
    snap_compare, demo_db: Path, width: int, height: int
) -> None:
    async def done_brief(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await filter_to(pilot, "status:done spring release")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end")  # the detail's last part: the outcome against spend
        await settle(pilot)

    assert snap_compare(
        make_app(demo_db, mode="briefs"), terminal_size=(width, height), run_before=done_brief
    )


def test_brief_refused_approve_shows_its_rules(snap_compare, demo_db: Path) -> None:
    async def refused(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await filter_to(pilot, "status:submitted is:unassigned")
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(
        make_app(demo_db, mode="briefs"), terminal_size=(120, 40), run_before=refused
    )
