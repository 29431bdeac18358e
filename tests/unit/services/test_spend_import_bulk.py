"""The bulk import path gives what the one-entry path gives.

``import_spend`` parses each distinct text of a field once (``EntryRowParser``),
remembers line lookups and refusals across rows, and writes its rows straight to the
SQLite driver. None of that may show: an imported entry is stored exactly as
``add_entry`` stores it, each bad row still gets its own message with its own row
number and date, and a parser reused across rows answers as a fresh one would.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from backends import is_postgres
from backends import raw as connect

from mops_tui.domain.context import Context
from mops_tui.domain.ledger_schema import EntryRowParser, ledger_context, parse_entry_row
from mops_tui.services import ledger, people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

COLUMNS = (
    "entry_date, month, amount, kind, payee, search_key, reference, note, line_id, "
    "tool_id, brief_id, reverses_id, corrects_id, created_at, created_by"
)


def stored(ws: Workspace, where: str = "1 = 1") -> list[tuple[Any, ...]]:
    """The rows as the database holds them (text as stored, not as SQLAlchemy reads it),
    with how the two dates are stored: ``typeof`` on SQLite, the type on PostgreSQL."""
    if is_postgres(ws):
        types = "pg_typeof(entry_date)::text, pg_typeof(created_at)::text"
    else:
        types = "typeof(entry_date), typeof(created_at)"
    conn = connect(ws)
    try:
        return [
            tuple(r)
            for r in conn.execute(
                f"SELECT {COLUMNS}, {types} FROM spend_entries WHERE {where} ORDER BY id"
            ).fetchall()
        ]
    finally:
        conn.close()


def date_types(ws: Workspace) -> tuple[str, str]:
    """How ``stored`` names the storage of ``entry_date`` and ``created_at``."""
    if is_postgres(ws):
        return ("date", "timestamp without time zone")
    return ("text", "text")


def add_lines(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana"})
    stack.create(
        ws,
        {
            "name": "HubSpot",
            "vendor": "HubSpot",
            "category": "Advertising",
            "owner": "ana",
            "purpose": "HubSpot for the team.",
            "status": "active",
            "annual_cost": "12000",
            "renewal_date": "2027-06-30",
            "notice_days": "30",
            "holds_personal_data": "no",
        },
    )
    ledger.create_line(
        ws, {"period": "2026-Q4", "channel": "Events", "planned": "30000", "owner": "ana"}
    )
    ledger.create_line(
        ws, {"period": "2026-11", "channel": "Paid search", "planned": "8000", "owner": "ana"}
    )


@pytest.fixture
def lws(ws: Workspace) -> Workspace:
    add_lines(ws)
    return ws


def test_an_imported_entry_is_stored_exactly_as_add_entry_stores_it(lws: Workspace) -> None:
    raw = {
        "entry_date": "2026-11-03",
        "amount": "1,250.50",
        "payee": "  Google   Ads ",
        "reference": "INV-1",
        "note": "Brand  search",
        "line": "2026-11/paid-search",
        "tool": "hubspot",
        "brief": "",
    }
    refund = {**raw, "amount": "-20", "reference": "CR-1", "tool": ""}
    ledger.add_entry(lws, raw)
    ledger.add_entry(lws, {**refund, "kind": "refund"})
    by_hand = stored(lws)
    report = ledger.import_spend(lws, [(2, raw), (3, refund)], source="a.csv")
    assert (report.to_add, report.written) == (2, True)
    imported = stored(lws, "import_key IS NOT NULL")
    assert imported == by_hand
    assert imported[0][0] == "2026-11-03"
    assert imported[0][-2:] == date_types(lws)


def test_each_row_with_a_repeated_bad_value_gets_its_own_message(lws: Workspace) -> None:
    rows = [
        (2, {"entry_date": "31/02/2026", "amount": "10", "payee": "A", "channel": "Events"}),
        (3, {"entry_date": "31/02/2026", "amount": "10", "payee": "A", "channel": "Events"}),
        (4, {"entry_date": "2026-11-03", "amount": "ten", "payee": "", "channel": "Events"}),
        (5, {"entry_date": "2026-11-04", "amount": "ten", "payee": "", "channel": "Events"}),
    ]
    report = ledger.import_spend(lws, rows)
    assert report.written is False
    assert [(e.row, e.field) for e in report.errors] == [
        (2, "entry_date"),
        (3, "entry_date"),
        (4, "amount"),
        (4, "payee"),
        (5, "amount"),
        (5, "payee"),
    ]
    assert report.errors[0].message == report.errors[1].message
    assert "February 2026 has 28 days" in report.errors[0].message


def test_a_line_refused_on_many_rows_names_each_row_and_its_date(lws: Workspace) -> None:
    rows = [
        (n, {"entry_date": f"2026-11-0{n}", "amount": "10", "payee": "A", "channel": "SEO"})
        for n in (2, 3, 4)
    ] + [(5, {"entry_date": "2026-11-02", "amount": "10", "payee": "A", "channel": "SEO"})]
    report = ledger.import_spend(lws, rows)
    assert [(e.row, e.field) for e in report.errors] == [(n, "line") for n in (2, 3, 4, 5)]
    assert [e.message for e in report.errors] == [
        f"no budget line matches “SEO” on 2026-11-0{day}; add it to the plan first "
        "(mops budget line add)"
        for day in (2, 3, 4, 2)
    ]


def test_an_unknown_tool_is_refused_on_every_row_that_names_it(lws: Workspace) -> None:
    rows = [
        (
            n,
            {
                "entry_date": "2026-11-03",
                "amount": "10",
                "payee": "A",
                "channel": "Events",
                "tool": "Nope",
            },
        )
        for n in (2, 3)
    ]
    report = ledger.import_spend(lws, rows)
    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (n, "tool", "“Nope” is not a tool in the stack") for n in (2, 3)
    ]


RAWS: list[dict[str, Any]] = [
    {"entry_date": "03/11/2026", "amount": "1,234.56", "payee": "Meta", "line": "Events"},
    {"entry_date": "03/11/2026", "amount": "-84.20", "payee": "Meta", "line": "Events"},
    {"entry_date": "03/11/2026", "amount": "-84.20", "kind": "spend", "payee": "Meta"},
    {"entry_date": "today", "amount": "£1.2k", "payee": "  Meta ", "note": "a\r\nb"},
    {"entry_date": "", "amount": "", "payee": "", "kind": "bogus", "brief": "#x"},
    {"entry_date": "2026-13-01", "amount": "1.005", "payee": "x" * 121, "tool": "\x1b[31m"},
    {"entry_date": None, "amount": None, "payee": None, "line": None, "tool": None},
    {"entry_date": date(2026, 11, 3), "amount": 125, "payee": "Meta", "brief": "#12"},
    {"entry_date": "03/11/2026", "amount": "10", "payee": "Meta", "colour": "red"},
    {"entry_date": "31/11/2026", "amount": "10", "payee": "Meta", "reference": "r" * 81},
    {"entry_date": "2026-11-03", "amount": "(10.00)", "payee": "Meta", "kind": "Refund"},
]


@pytest.mark.parametrize("day_first", [True, False])
@pytest.mark.parametrize("decimal_comma", [False, True])
def test_a_parser_reused_across_rows_answers_as_a_fresh_one(
    day_first: bool, decimal_comma: bool
) -> None:
    ctx = ledger_context(
        Context(today=date(2026, 11, 29)), 4, day_first=day_first, decimal_comma=decimal_comma
    )
    parser = EntryRowParser(ctx)
    for _round in range(2):  # the second round is answered from the parser's memory
        for number, raw in enumerate(RAWS, start=2):
            assert parser(raw, number) == parse_entry_row(raw, ctx, number), raw


def test_the_core_path_for_other_databases_stores_the_same_rows(
    lws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other databases get Core's executemany; the rows are the same as SQLite's own.

    On SQLite the twin is a copy told its driver is another, so it takes Core's path.
    On PostgreSQL ``lws`` takes Core's path itself, and the twin is a SQLite workspace
    set up the same way, taking the driver's: the values match, the storage differs."""
    rows = [
        (
            n,
            {
                "entry_date": f"2026-11-0{n}",
                "amount": f"-{n}0.5",
                "payee": "Meta",
                "reference": f"R{n}",
                "channel": "Events",
                "tool": "HubSpot" if n % 2 else "",
            },
        )
        for n in range(2, 9)
    ]
    twin_path = tmp_path / "twin.db"
    twin_url = f"sqlite:///{twin_path}"
    if is_postgres(lws):
        ensure_current(twin_url)
    else:
        assert lws.sqlite_path is not None
        source, target = sqlite3.connect(lws.sqlite_path), sqlite3.connect(twin_path)
        try:
            source.backup(target)  # the lines may still be in the WAL
        finally:
            target.close()
            source.close()
    twin = Workspace(twin_url, actor=lws.actor)
    try:
        if is_postgres(lws):
            add_lines(twin)
        else:
            monkeypatch.setattr(twin.engine.dialect, "driver", "not-pysqlite")
        for ws in (twin, lws):
            report = ledger.import_spend(ws, rows, source="a.csv")
            assert [str(e) for e in report.errors] == []
            assert (report.to_add, report.written) == (7, True)
        if is_postgres(lws):
            assert [r[:-2] for r in stored(twin)] == [r[:-2] for r in stored(lws)]
            assert {r[-2:] for r in stored(lws)} == {date_types(lws)}
        else:
            assert stored(twin) == stored(lws)
        assert len(stored(lws)) == 7
    finally:
        twin.close()


def test_import_keys_are_the_ones_earlier_imports_stored() -> None:
    """A file imported by an earlier version is still recognised: the keys are pinned."""
    charge = {
        "entry_date": date(2026, 11, 3),
        "amount": -12050,
        "payee": "  Brûlée  Café ",
        "reference": "INV-9",
    }
    assert ledger.row_identity(charge, 12) == "2026-11-03\x1f-12050\x1fbrulee cafe\x1finv-9\x1f12"
    assert ledger.import_key(charge, 12, 2) == "511c46230d6de949558d418a5c04244947493a25"
    plain = {"entry_date": date(2026, 11, 3), "amount": 100, "payee": "Meta"}
    assert ledger.row_identity(plain, 3) == "2026-11-03\x1f100\x1fmeta\x1f\x1f3"
    assert ledger.import_key(plain, 3, 1) == "2c42b697176cf3a9ef44be3cea46c6338567cec6"
