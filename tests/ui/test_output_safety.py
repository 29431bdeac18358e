"""Promise 4 in the TUI: text people typed or imported shows literally, in every area's
list and detail.

Each area gets a record whose text holds Rich/Textual markup (``[b]``, ``[/]``, a
``[link=…]`` and a ``[@click=app.quit]`` action), saved through the real service, and
then, behind mops' back as legacy data or another tool would write it, terminal escape
sequences (CSI colour, an OSC 52 clipboard write, BEL) and a bidi override. The table
row and the detail pane must show all of it as text: the markup unparsed, the escapes as
visible marks (``␛[31m``); and clicking the row and the pane must not run the action
(the app keeps running).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from uihelpers import make_app, settle, wait_until

from mops_tui.domain.text import key_of, visible
from mops_tui.services import briefs, kpis, ledger, people, stack, triage
from mops_tui.services.workspace import Workspace
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.record_table import RecordTable

SIZE = (200, 50)
# Added by SQL around the saved text: a colour code first, so that even a column cut
# down to a few cells shows it, and an OSC 52 clipboard write, BEL and a bidi override.
HEAD = "\x1b[31m"
TAIL = " \x1b[0m\x1b]52;c;aGk=\x07\u202egnp"


def markup(word: str) -> str:
    """Markup that Rich would parse, with a clickable action; ``word`` keeps each
    field's text distinct, so no check passes on another field's text."""
    return f"[@click=app.quit]Zq {word}[/] [b]bold[/b] [link=https://evil.example]l[/link]"


MARKUP = markup("name")


@dataclass
class Hostile:
    """What each area holds: the stored text, keyed by what shows it."""

    tool: str
    purpose: str
    brief: str
    body: str
    kpi_key: str
    kpi_label: str
    definition: str
    payee: str
    note: str
    campaign: str
    person: str
    home_tool: str
    audit: str


def _sql(db: Path, sql: str, params: tuple[Any, ...]) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def hostile(demo_db: Path) -> Hostile:
    """Records with markup saved through the services, then escape codes added."""
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        people.add_person(ws, {"handle": "zq", "name": markup("person")})
        tool = stack.create(
            ws,
            {
                "name": MARKUP,
                "vendor": "[red]Vendor[/red]",
                "category": "Other",
                "owner": "ana",
                "purpose": markup("why"),
            },
        )
        brief = briefs.create(ws, {"title": MARKUP, "body": markup("body")})
        kpi = kpis.create(
            ws,
            {
                "key": "zq_markup_rate",
                "label": MARKUP,
                "kind": "rate",
                "owner": "ana",
                "definition": markup("definition"),
                "numerator": "a",
                "denominator": "b",
                "decision": "d",
                "data_gaps": "none known",
            },
        )
        line = ledger.create_line(
            ws,
            {
                "period": "2026-Q4",
                "channel": "Events",
                "campaign": "[@click=app.quit]Zq[/] [b]c[/b]",  # 80 characters at most
                "planned": "1000",
                "owner": "ana",
            },
        )
        entry = ledger.add_entry(
            ws,
            {
                "entry_date": "2026-11-20",
                "amount": "12.50",
                "payee": MARKUP,
                "line": f"#{line.id}",
                "note": markup("note"),
            },
        )
        inbox_tool = next(i for i in triage.inbox(ws) if i.area == "Stack").target[1]
    finally:
        ws.close()

    def escaped(table: str, column: str, row_id: int) -> str:
        conn = sqlite3.connect(demo_db)
        try:
            (value,) = conn.execute(
                f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)
            ).fetchone()
        finally:
            conn.close()
        value = f"{HEAD}{value}{TAIL}"
        _sql(demo_db, f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, row_id))
        if table == "tools" and column == "name":
            _sql(demo_db, "UPDATE tools SET name_key = ? WHERE id = ?", (key_of(value), row_id))
        return str(value)

    conn = sqlite3.connect(demo_db)
    try:
        person_id = conn.execute("SELECT id FROM people WHERE handle = 'zq'").fetchone()[0]
        audit_id = conn.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
    finally:
        conn.close()
    # The home inbox item: a demo tool already in the inbox, renamed.
    _sql(demo_db, "UPDATE tools SET name = ? WHERE id = ?", (markup("inbox"), inbox_tool))
    _sql(demo_db, "UPDATE audit_log SET summary = ? WHERE id = ?", (markup("audit"), audit_id))
    return Hostile(
        tool=escaped("tools", "name", tool.id),
        purpose=escaped("tools", "purpose", tool.id),
        brief=escaped("briefs", "title", brief.id),
        body=escaped("briefs", "body", brief.id),
        kpi_key=kpi.key,
        kpi_label=escaped("kpis", "label", kpi.id),
        definition=escaped("kpis", "definition", kpi.id),
        payee=escaped("spend_entries", "payee", entry.id),
        note=escaped("spend_entries", "note", entry.id),
        campaign=escaped("budget_lines", "campaign", line.id),
        person=escaped("people", "name", person_id),
        home_tool=escaped("tools", "name", inbox_tool),
        audit=escaped("audit_log", "summary", audit_id),
    )


# ---------------------------------------------------------------------------
# Reading what the screen shows
# ---------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return "".join(text.split())


def row_text(table: RecordTable[Any], index: int) -> str:
    """The row as painted, cell by cell."""
    return table.render_line(1 + index - int(table.scroll_offset.y)).text


def rows_text(table: RecordTable[Any]) -> str:
    return "\n".join(row_text(table, i) for i in range(min(table.total, 40)))


def assert_literal_row(table: RecordTable[Any], stored: str) -> None:
    """The row shows the stored text from its start (a narrow column cuts it with …):
    ``␛[31m[@click=`` is there only if the escape was made visible and the markup was
    not parsed."""
    shown = rows_text(table)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown, repr(shown)
    assert visible(stored)[:13] == "␛[31m[@click="
    assert visible(stored)[:13] in shown, shown


def assert_literal_detail(app: Any, *stored: str) -> None:
    text = app.screen.query_one(DetailPane).plain
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, repr(text)
    for value in stored:
        assert squeeze(visible(value)) in squeeze(text), (visible(value), text)


async def click_everything(pilot: Any, *selectors: str) -> None:
    """Click where the markup is painted; a parsed ``[@click=app.quit]`` would quit."""
    app = pilot.app
    screen = app.screen
    for selector in selectors:
        for x, y in ((2, 0), (4, 0), (8, 0), (1, 1), (3, 1), (8, 1), (3, 2), (8, 2)):
            await pilot.click(selector, offset=(x, y))
            await pilot.pause()
    await settle(pilot)
    assert app.is_running and app.return_code is None, "a click ran an action"
    assert app.screen is screen or app.screen.is_modal


async def open_mode(pilot: Any, key: str, mode: str, table_id: str = "records") -> RecordTable[Any]:
    await settle(pilot)
    await pilot.press(key)
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            app.current_mode == mode
            and app.screen.query_one(f"#{table_id}", RecordTable).is_settled
        ),
    )
    found: RecordTable[Any] = app.screen.query_one(f"#{table_id}", RecordTable)
    return found


async def filter_table(pilot: Any, table: RecordTable[Any], text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await wait_until(pilot, lambda: table.filter_text == text and table.is_settled)
    assert table.total >= 1, f"nothing matches {text!r}"


# ---------------------------------------------------------------------------
# One test per area
# ---------------------------------------------------------------------------


async def test_stack_shows_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_mode(pilot, "2", "stack")
        await filter_table(pilot, table, "zq")
        assert_literal_row(table, hostile.tool)
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.tool, hostile.purpose)
        assert "[red]Vendor[/red]" in app.screen.query_one(DetailPane).plain
        await click_everything(pilot, "#records", "#detail")


async def test_briefs_show_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_mode(pilot, "3", "briefs")
        await filter_table(pilot, table, "zq")
        assert_literal_row(table, hostile.brief)
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.brief, hostile.body)
        await click_everything(pilot, "#records", "#detail")


async def test_kpis_show_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_mode(pilot, "5", "kpis")
        await filter_table(pilot, table, "zq")
        shown = rows_text(table)
        assert hostile.kpi_key in shown and "\x1b" not in shown
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.kpi_label, hostile.definition)
        await click_everything(pilot, "#records", "#detail")


async def test_ledger_shows_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=SIZE) as pilot:
        plan = await open_mode(pilot, "4", "ledger")
        await filter_table(pilot, plan, "zq")
        assert_literal_row(plan, hostile.campaign)
        await click_everything(pilot, "#records")
        await pilot.press("escape")
        await pilot.press("E")
        entries = app.screen.query_one("#entries", RecordTable)
        await wait_until(pilot, lambda: entries.is_settled)
        await filter_table(pilot, entries, "zq")
        assert_literal_row(entries, hostile.payee)
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.payee, hostile.note)
        await click_everything(pilot, "#entries", "#detail")


async def test_home_shows_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    app = make_app(demo_db, mode="home")
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#records", RecordTable)
        await wait_until(pilot, lambda: app.current_mode == "home" and table.is_settled)
        await filter_table(pilot, table, "zq")
        assert_literal_row(table, hostile.home_tool)
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.home_tool)
        await click_everything(pilot, "#records", "#detail")


async def test_audit_log_shows_markup_and_escapes_literally(
    hostile: Hostile, demo_db: Path
) -> None:
    app = make_app(demo_db, mode="stack")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(
            pilot,
            lambda: (
                type(app.screen).__name__ == "AuditScreen"
                and app.screen.query_one("#records", RecordTable).is_settled
            ),
        )
        table = app.screen.query_one("#records", RecordTable)
        await filter_table(pilot, table, "zq")
        assert_literal_row(table, hostile.audit)
        await wait_until(pilot, lambda: "Zq" in app.screen.query_one(DetailPane).plain)
        assert_literal_detail(app, hostile.audit)
        await click_everything(pilot, "#records", "#detail")


async def test_people_show_markup_and_escapes_literally(hostile: Hostile, demo_db: Path) -> None:
    from mops_tui.ui.screens.people import PeopleScreen

    app = make_app(demo_db, mode="stack")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(PeopleScreen())
        table = app.screen.query_one("#people", RecordTable)
        await wait_until(pilot, lambda: table.is_settled)
        assert_literal_row(table, hostile.person)
        await click_everything(pilot, "#people")
