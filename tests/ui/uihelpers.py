"""Helpers for driving the TUI with Textual's pilot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mops_tui import settings as settings_mod
from mops_tui.ui.app import MopsApp


def make_app(db: Path, mode: str = "stack", **overrides: Any) -> MopsApp:
    """The app on ``db``, opening on ``mode`` (the real default is Home; most tests
    begin in the mode they drive)."""
    cfg = settings_mod.load(db=str(db), theme=overrides.pop("theme", "dark"))
    if overrides:
        from dataclasses import replace

        cfg = replace(cfg, **overrides)
    return MopsApp(cfg, start_mode=mode)


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages land.

    Waits on ``is_running`` rather than ``wait_for_complete()``: an exclusive worker that
    a newer one replaced is cancelled on purpose, and that is not a failure.
    """
    import time

    app = pilot.app
    for _ in range(rounds):
        deadline = time.monotonic() + 10
        while any(w.is_running for w in app.workers) and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await pilot.pause()


async def wait_until(pilot: Any, predicate: Any, timeout: float = 10.0) -> None:
    """Pump the app until ``predicate()`` holds (fails the test after ``timeout``)."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the app did not reach the expected state in time")
        await pilot.pause(0.05)
    await settle(pilot)


async def filter_to(pilot: Any, text: str) -> None:
    """Type a filter on the current mode and wait until the table shows its result."""
    from mops_tui.ui.widgets.record_table import RecordTable

    await pilot.press("slash", *text, "enter")
    table = pilot.app.screen.query_one("#records", RecordTable)
    await wait_until(pilot, lambda: table.filter_text == text and table.is_settled)
