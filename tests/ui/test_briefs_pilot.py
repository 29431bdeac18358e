"""The brief queue's triage keys, end to end: a refused approve shows its rule, then
each move happens from the keyboard."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea
from uihelpers import filter_to, settle, wait_until

from mops_tui.services import briefs, ledger
from mops_tui.services.workspace import Workspace
from mops_tui.ui.screens.modals import FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.form import ModelForm
from mops_tui.ui.widgets.record_table import RecordTable


def table(app) -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#records", RecordTable)


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


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


async def open_briefs(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("3")
    await wait_until(
        pilot, lambda: pilot.app.current_mode == "briefs" and table(pilot.app).is_settled
    )
    await filter_to(pilot, text)


def prepare(db: Path) -> int:
    ws = Workspace(f"sqlite:///{db}", actor="tester")
    line = ledger.create_line(
        ws,
        {
            "period": "2027-Q1",
            "channel": "Webinars",
            "campaign": "Pilot briefs",
            "planned": "20000",
            "owner": "ana",
        },
    )
    made = briefs.create(
        ws,
        {
            "title": "Pilot triage webinar",
            "objective": "Fill the Q1 pipeline",
            "audience": "Marketing ops leads at mid-size SaaS companies",
            "launch_date": "2027-01-20",
            "kpi": "mql_to_sql_rate",
            "priority": "P2",
            "budget_requested": "6k",
            "budget_line": f"#{line.id}",
        },
    )
    return made.id


async def test_triage_keys_from_draft_to_done(app_factory, demo_db: Path) -> None:
    brief_id = prepare(demo_db)
    ws = Workspace(f"sqlite:///{demo_db}")
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_briefs(pilot, "pilot triage")
        assert table(app).current_row.id == brief_id

        # Approve is refused on a draft, and says so.
        await pilot.press("a")
        await pilot.pause()
        assert "is draft; approve works on a brief that is submitted" in notes(app)
        assert briefs.get(ws, brief_id).status == "draft"

        await pilot.press("s")
        await settle(pilot)
        assert briefs.get(ws, brief_id).status == "submitted"

        # Approve refused: no owner and no KPI target; the rules are named.
        await pilot.press("a")
        await pilot.pause()
        text = notes(app)
        assert "assign an owner" in text and "set the target for the KPI" in text
        assert briefs.get(ws, brief_id).status == "submitted"
        detail = app.screen.query_one(DetailPane).plain
        assert "Approve:" in detail and "assign an owner" in detail

        # o assigns an owner; e sets the target; then approve works.
        await pilot.press("o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        picker.dismiss("ana")
        await settle(pilot)
        assert briefs.get(ws, brief_id).owner == "ana"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"kpi_target": "30%"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert briefs.get(ws, brief_id).kpi_target == "30%", notes(app)
        await pilot.press("a")
        await settle(pilot)
        assert briefs.get(ws, brief_id).status == "approved", notes(app)

        await pilot.press("f")
        await settle(pilot)
        assert briefs.get(ws, brief_id).status == "in_flight"

        # Done asks for the outcome and refuses without one.
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        form = app.screen.query_one(ModelForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "give the KPI result" in form.error_for("result")
        await fill(pilot, form, {"result": "31%"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        done = briefs.get(ws, brief_id)
        assert (done.status, done.outcome_result) == ("done", "31%")
        history = briefs.detail(ws, brief_id).transitions
        assert [t.to_status for t in history][:5] == [
            "done",
            "in_flight",
            "approved",
            "submitted",
            "draft",
        ]
        assert all(t.actor == "tester" for t in history)


async def test_return_and_cancel_need_a_reason(app_factory, demo_db: Path) -> None:
    brief_id = prepare(demo_db)
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    briefs.move(ws, brief_id, "submit")
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_briefs(pilot, "pilot triage")
        await pilot.press("r")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "say why the brief goes back" in form.error_for("reason")
        await fill(pilot, form, {"reason": "The audience is too broad."})
        await pilot.press("ctrl+s")
        await settle(pilot)
        back = briefs.get(ws, brief_id)
        assert back.status == "draft"
        assert briefs.detail(ws, brief_id).transitions[0].comment == "The audience is too broad."
        await pilot.press("x")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await fill(pilot, form, {"reason": "Merged into the spring launch."})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert briefs.get(ws, brief_id).status == "cancelled"


async def test_quick_entry_from_the_form_needs_only_a_title(app_factory, demo_db: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_briefs(pilot, "")
        await pilot.press("n")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "enter a title" in form.error_for("title")
        await fill(pilot, form, {"title": "[b]Brand refresh[/b] 🚀"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        made = briefs.list_briefs(Workspace(f"sqlite:///{demo_db}"), "brand refresh")
        assert [b.title for b in made] == ["[b]Brand refresh[/b] 🚀"]
        assert made[0].status == "draft"


async def test_keys_typed_straight_after_slash_fill_the_filter_and_move_nothing(
    app_factory,
) -> None:
    """A burst of keys (a paste, type-ahead over SSH) arrives before the filter opens:
    "s", "a" and "d" must land in the filter, never submit, approve or finish a brief."""
    from textual import events

    app = app_factory(mode="briefs")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = {b.id: b.status for b in briefs.list_briefs(app.ws, "", limit=1000)}
        for key, char in [("slash", "/"), *[(c, c) for c in "status"], ("colon", ":")]:
            app.post_message(events.Key(key, char))
        for c in "done/all":
            app.post_message(events.Key("slash" if c == "/" else c, c))
        app.post_message(events.Key("enter", None))
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "status:done/all"
        after = {b.id: b.status for b in briefs.list_briefs(app.ws, "", limit=1000)}
        assert after == before
        assert "Not moved" not in notes(app)
