"""Keyboard flows on the Stack screen, end to end against the demo database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea
from uihelpers import filter_to, settle, wait_until

from mops_tui.services import stack
from mops_tui.services.workspace import Workspace
from mops_tui.ui.screens.modals import FormScreen, PickerScreen
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.form import ModelForm
from mops_tui.ui.widgets.record_table import RecordTable


def table(app) -> RecordTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#records", RecordTable)


def detail_text(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(DetailPane).plain


async def test_opens_on_the_stack_with_every_tool(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: table(app).is_settled)
        assert app.current_mode == "stack"
        assert table(app).total == 43
        assert table(app).current_row.name == "6sense"


async def test_filter_as_you_type_and_clear(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"sales")
        await wait_until(pilot, lambda: table(app).filter_text == "sales" and table(app).is_settled)
        names = {table(app).row_at(i).name for i in range(table(app).total)}
        assert "Salesforce Sales Cloud" in names
        assert "Canva" not in names
        await pilot.press("enter")
        assert app.focused is table(app)
        await pilot.press("escape")  # first Esc leaves the filter in place (focus on table)
        await pilot.press("slash", "escape")
        await wait_until(pilot, lambda: table(app).filter_text == "" and table(app).is_settled)
        assert table(app).total == 43


async def test_filter_terms_status_and_owner(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "status:retired")
        names = sorted(table(app).row_at(i).name for i in range(table(app).total))
        assert names == ["Clearbit", "Mailchimp", "Unbounce"]


async def test_open_detail_shows_the_whole_record(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "hubspot marketing")
        await pilot.press("enter")
        await settle(pilot)
        text = detail_text(app)
        assert "HubSpot Marketing Hub" in text
        for heading in ("Contract", "Cancel by", "Usage", "Privacy", "Integrations", "History"):
            assert heading in text
        assert "→ Salesforce Sales Cloud" in text
        await pilot.press("escape")
        assert app.focused is table(app)


async def test_sort_by_column_keys(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("greater_than_sign")  # name -> category
        await settle(pilot)
        assert table(app).sort_key == "category"
        await pilot.press("I")
        await settle(pilot)
        assert table(app).descending is True
        categories = [table(app).row_at(i).category for i in range(table(app).total)]
        assert categories == sorted(categories, reverse=True)


async def _fill(pilot, form: ModelForm, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        widget.focus()
        await pilot.pause()
        if isinstance(widget, Input):
            widget.value = ""
            await pilot.press(*value) if value else None
        elif isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value
        await pilot.pause()


async def test_add_a_tool_with_a_refused_field_then_fix_it(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        form = app.screen.query_one(ModelForm)
        await _fill(
            pilot,
            form,
            {
                "name": "[bold red]Pipeline Radar[/]",
                "vendor": "Radar Inc",
                "owner": "ana",
                "purpose": "Tracks pipeline.",
                "status": "active",
                "annual_cost": "£12k",
            },
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Refused: still on the form, the message under the field, input kept.
        assert isinstance(app.screen, FormScreen)
        assert "needs a renewal date" in form.error_for("renewal_date")
        assert form.values()["name"] == "[bold red]Pipeline Radar[/]"
        await _fill(pilot, form, {"renewal_date": "+3m"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        await settle(pilot)
        row = table(app).current_row
        assert row is not None and row.name == "[bold red]Pipeline Radar[/]"
        assert row.annual_cost == 1_200_000
        assert row.renewal_date.isoformat() == "2027-02-28"
        assert "[bold red]Pipeline Radar[/]" in detail_text(app)


async def test_money_field_refuses_negative_and_words(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await _fill(pilot, form, {"annual_cost": "-5"})
        await pilot.press("tab")
        await pilot.pause()
        assert form.error_for("annual_cost") == "cannot be negative"
        await _fill(pilot, form, {"annual_cost": "abc"})
        await pilot.press("tab")
        await pilot.pause()
        assert "is not an amount" in form.error_for("annual_cost")
        await _fill(pilot, form, {"annual_cost": "12,000.50"})
        await pilot.press("tab")
        await pilot.pause()
        assert form.error_for("annual_cost") == ""


async def test_retire_asks_for_reason_and_date(app_factory, demo_db: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "vwo")
        assert table(app).current_row.name == "VWO"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        picker = app.screen
        index = next(i for i, c in enumerate(picker.choices) if c.value == "retired")
        picker.dismiss(picker.choices[index].value)
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        form = app.screen.query_one(ModelForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "say why" in form.error_for("reason")
        await _fill(pilot, form, {"reason": "Optimizely covers A/B tests now."})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
    ws = Workspace(f"sqlite:///{demo_db}")
    vwo = stack.get_by_name(ws, "VWO")
    assert vwo.status == "retired"
    assert vwo.retired_reason == "Optimizely covers A/B tests now."
    assert vwo.retired_on.isoformat() == "2026-11-29"
    history = stack.detail(ws, vwo.id).history
    assert history[0].summary == "status active → retired: Optimizely covers A/B tests now."
    assert history[0].actor == "tester"


async def test_a_second_users_save_is_refused_and_input_kept(app_factory, demo_db: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "canva")
        await pilot.press("e")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        # Someone else saves Canva meanwhile.
        other = Workspace(f"sqlite:///{demo_db}", actor="ben")
        canva = stack.get_by_name(other, "Canva")
        stack.update(other, canva.id, {"seats_bought": "40"}, canva.version)
        await _fill(pilot, form, {"seats_used": "30"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        banner = str(app.screen.query_one("#form-banner", Static).render())
        assert "changed by ben" in banner
        assert form.values()["seats_used"] == "30"
        await pilot.press("ctrl+s")  # save over theirs, knowingly
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
    canva = stack.get_by_name(Workspace(f"sqlite:///{demo_db}"), "Canva")
    assert canva.seats_used == 30
    assert canva.seats_bought == 25  # the form held the old value and saved it knowingly


async def test_markup_and_actions_in_names_show_literally(app_factory, demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    stack.create(
        ws,
        {
            "name": "[@click=app.quit]",
            "vendor": "[b]V[/b]",
            "owner": "ana",
            "purpose": "[red]why[/red]",
            "category": "Other",
        },
    )
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "click")
        await pilot.press("enter")
        await settle(pilot)
        text = detail_text(app)
        assert "[@click=app.quit]" in text
        assert "[red]why[/red]" in text
        assert app.is_running


async def test_add_and_remove_an_integration(app_factory, demo_db: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "litmus")
        await pilot.press("i")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await _fill(pilot, form, {"target": "Litmus", "data": "test sends"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot integrate with itself" in form.error_for("target")
        await _fill(pilot, form, {"target": "HubSpot Marketing Hub"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert "→ HubSpot Marketing Hub: test sends" in detail_text(app)
        await pilot.press("x")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        picker.dismiss(picker.choices[0].value)
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "test sends" not in detail_text(app).split("History")[0]
        assert "removed integration Litmus → HubSpot Marketing Hub" in detail_text(app)


async def test_people_list_and_add(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        people = app.screen.query_one("#people", RecordTable)
        assert people.total == 8
        await pilot.press("n")
        await pilot.pause()
        form = app.screen.query_one(ModelForm)
        await _fill(pilot, form, {"handle": "Ana", "name": "Another Ana"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already someone's handle" in form.error_for("handle")
        await _fill(pilot, form, {"handle": "zoe", "name": "Zoë Ødegaard 🚀"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        people = app.screen.query_one("#people", RecordTable)
        assert people.total == 9


async def test_keymap_remaps_a_binding_by_id(app_factory) -> None:
    app = app_factory(keymap={"stack.new": "a"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)


async def test_help_lists_the_screen_keys(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one(".text-screen-body", Static).content)
        assert "New tool" in text and "Filter" in text and "stack.new" in text


async def test_owner_me_shows_my_tools_through_the_people_mapping(
    app_factory, monkeypatch, tmp_path: Path
) -> None:
    """A login that is not a handle (``jsmith``), mapped to ``ana`` in ``[people]``."""
    config = tmp_path / "config.toml"
    config.write_text('[people]\njsmith = "ana"\n', encoding="utf-8")
    monkeypatch.setenv("MOPS_CONFIG", str(config))
    monkeypatch.setenv("MOPS_ACTOR", "jsmith")
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "owner:me")
        owners = {table(app).row_at(i).owner for i in range(table(app).total)}
        assert owners == {"ana"}
        assert table(app).total == len(stack.list_tools(app.ws, "owner:ana"))


async def test_owner_me_for_someone_not_in_the_team_says_how_to_fix_it(
    app_factory, monkeypatch
) -> None:
    monkeypatch.setenv("MOPS_ACTOR", "visitor")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "owner:me")
        assert table(app).total == 0
        lines = ["".join(s.text for s in table(app).render_line(y)).strip() for y in range(1, 8)]
        assert lines[0] == "No tool matches this filter. Esc clears it."
        assert all(len(line) <= 80 for line in lines)  # wrapped, not cut off
        shown = " ".join(line for line in lines if line)
        assert "“visitor” is not one of the team's people" in shown
        assert 'mops people add visitor "Your Name"' in shown
