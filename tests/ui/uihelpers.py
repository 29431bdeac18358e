"""Helpers for driving the TUI with Textual's pilot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mops_tui import settings as settings_mod
from mops_tui.ui.app import MopsApp


def make_app(db: Path, **overrides: Any) -> MopsApp:
    cfg = settings_mod.load(db=str(db), theme=overrides.pop("theme", "dark"))
    if overrides:
        from dataclasses import replace

        cfg = replace(cfg, **overrides)
    return MopsApp(cfg)


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages land."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
