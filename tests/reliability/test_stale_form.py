"""Issue 8, promise 1, in the TUI: a save that another person's process got in before,
or that waits too long for theirs, is refused on the form, which stays open with the
typed values. (tests/ui/test_stack_pilot.py covers the in-process case and saving over
theirs; here the other person is a real process.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from relhelpers import HERE, ROOT, env, hold_lock, scalar

sys.path.insert(0, str(ROOT / "tests" / "ui"))

from textual.widgets import Input, Static, TextArea
from uihelpers import filter_to, make_app, settle

from mops_tui.ui.screens.modals import FormScreen
from mops_tui.ui.widgets.form import ModelForm


async def _fill(pilot, form: ModelForm, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        widget.focus()
        await pilot.pause()
        if isinstance(widget, Input):
            widget.value = ""
            await pilot.press(*value)
        elif isinstance(widget, TextArea):
            widget.text = value
        await pilot.pause()


def _banner(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#form-banner", Static).render())


async def _open_canva_form(pilot) -> ModelForm:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await filter_to(pilot, "canva")
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FormScreen)
    return pilot.app.screen.query_one(ModelForm)


async def test_a_save_another_process_got_in_before_is_refused_naming_who_and_when(
    demo_db: Path,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_canva_form(pilot)
        # Ben saves Canva from his own mops, a separate process, at 10:15.
        ben = subprocess.run(
            [sys.executable, str(HERE / "editor_process.py"), str(demo_db), "ben"],
            input="load Canva\nsave seats_bought 40\nquit\n",
            capture_output=True,
            text=True,
            env=env(MOPS_NOW="2026-11-29T10:15:00"),
            timeout=60,
        )
        assert "saved" in ben.stdout, ben.stderr
        await _fill(pilot, form, {"seats_used": "30", "notes": "Typed before Ben saved."})
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, FormScreen)  # the form stays open
        banner = _banner(app)
        assert "“Canva” was changed by ben at 2026-11-29 10:15 after you opened it" in banner
        assert "Nothing was saved" in banner
        values = form.values()
        assert (values["seats_used"], values["notes"]) == ("30", "Typed before Ben saved.")
    # Ben's change stands; nothing of the refused save was written.
    assert scalar(demo_db, "SELECT seats_bought FROM tools WHERE name = 'Canva'") == 40
    assert scalar(demo_db, "SELECT seats_used FROM tools WHERE name = 'Canva'") != 30
    assert scalar(demo_db, "SELECT COUNT(*) FROM audit_log WHERE actor = 'tester'") == 0


async def test_a_save_that_waits_too_long_stays_on_the_form_and_can_be_retried(
    demo_db: Path,
) -> None:
    app = make_app(demo_db)
    app.ws.write_wait = 0.5
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_canva_form(pilot)
        await _fill(pilot, form, {"notes": "Saved once the database is free."})
        holder = hold_lock(demo_db, seconds=60)
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, FormScreen)
            assert _banner(app) == (
                "The database is busy: another person has been saving for 0.5 seconds. "
                "Nothing was saved; try again."
            )
            assert form.values()["notes"] == "Saved once the database is free."
        finally:
            holder.kill()
            holder.wait()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
    assert (
        scalar(demo_db, "SELECT notes FROM tools WHERE name = 'Canva'")
        == "Saved once the database is free."
    )
