"""The key bar: the screen's keys on one line, kept current, and clickable."""

from __future__ import annotations

from uihelpers import settle

from mops_tui.ui.screens.modals import FormScreen
from mops_tui.ui.widgets.keybar import KeyBar


async def test_the_bar_shows_the_screens_keys_and_follows_the_mode(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert bar.keys_shown[:3] == ["Filter", "New tool", "Edit"]
        line = bar.render().plain
        assert line.startswith(" / Filter  n New tool  e Edit  ")
        assert line.rstrip().endswith("^p palette")
        assert len(line) <= 120
        await pilot.press("4")
        await settle(pilot)
        assert "Log spend" in app.screen.query_one(KeyBar).keys_shown


async def test_a_click_on_a_key_presses_it(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        line = bar.render().plain
        x = line.index("New tool")
        await pilot.click(KeyBar, offset=(x, 0))
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)


async def test_a_narrow_terminal_drops_the_palette_hint_not_the_keys(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(KeyBar).render().plain
        assert line.startswith(" / Filter  n New tool  ")
        assert "palette" not in line
