"""The budget-ledger service against real, migrated databases (SQLite and PostgreSQL).

Every write goes through ``mops_tui.services.ledger`` exactly as the faces call it;
where what was stored matters, the assertions read the database back with a plain
DB-API connection (``backends.raw``). Each rule is tested twice: the refusal, with the
message a person sees, and the case the rule allows.

Every test runs with ``MOPS_TODAY=2026-11-29`` (so ``now`` is 09:00 that day), starts
from an empty ledger and adds the people, tools and lines it needs:

    people  ana (Ana Costa), ben (Ben Okafor)
    tools   HubSpot, Google Ads
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from backends import is_postgres, raw

from mops_tui.domain import ledger as rules
from mops_tui.domain.errors import StaleRecord, ValidationFailed
from mops_tui.services import ledger, people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries.ledger import EntryView, LineView

TODAY = date(2026, 11, 29)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def rows(ws: Workspace, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = raw(ws)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def storage_type(ws: Workspace, column: str) -> str:
    """SQL naming how ``column`` is stored: ``typeof`` on SQLite; on PostgreSQL the
    column's type, with the integer types reported as SQLite names them."""
    if not is_postgres(ws):
        return f"typeof({column})"
    return (
        f"CASE WHEN pg_typeof({column}) IN ('smallint'::regtype, 'integer'::regtype,"
        f" 'bigint'::regtype) THEN 'integer' ELSE pg_typeof({column})::text END"
    )


def count(ws: Workspace, table: str) -> int:
    return int(rows(ws, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def audit(ws: Workspace, entity: str | None = None) -> list[dict[str, Any]]:
    if entity is None:
        return rows(ws, "SELECT * FROM audit_log ORDER BY id")
    return rows(ws, "SELECT * FROM audit_log WHERE entity = ? ORDER BY id", (entity,))


def refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.fields}


def raw_tool(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "vendor": name,
        "category": "Advertising",
        "owner": "ana",
        "purpose": f"{name} for the team.",
        "status": "active",
        "annual_cost": "12000",
        "renewal_date": "2027-06-30",
        "notice_days": "30",
        "holds_personal_data": "no",
    }


def add_team(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa", "team": "Ops"})
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor", "team": "Demand Gen"})
    stack.create(ws, raw_tool("HubSpot"))
    stack.create(ws, raw_tool("Google Ads"))


def add_line(
    ws: Workspace,
    period: str = "2026-11",
    channel: str = "Paid search",
    planned: str = "10000",
    **over: Any,
) -> LineView:
    raw: dict[str, Any] = {
        "period": period,
        "channel": channel,
        "planned": planned,
        "owner": "ben",
    }
    raw.update(over)
    return ledger.create_line(ws, raw)


def spend(
    ws: Workspace,
    line: LineView | str,
    amount: str,
    on: str = "2026-11-03",
    payee: str = "Google Ads",
    **over: Any,
) -> EntryView:
    raw: dict[str, Any] = {
        "entry_date": on,
        "amount": amount,
        "payee": payee,
        "line": f"#{line.id}" if isinstance(line, LineView) else line,
    }
    raw.update(over)
    return ledger.add_entry(ws, raw)


@pytest.fixture
def team(ws: Workspace) -> Workspace:
    add_team(ws)
    return ws


@pytest.fixture
def ana(db_url: str, team: Workspace) -> Iterator[Workspace]:
    """A second person on the same database."""
    other = Workspace(db_url, actor="ana")
    yield other
    other.close()


def at(db_url: str, day: date, **options: Any) -> Workspace:
    """A workspace on the same database whose today is ``day``."""
    return Workspace(db_url, actor="tester", today_fn=lambda: day, **options)


# ---------------------------------------------------------------------------
# Money: integer minor units, never floats
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("1,234.56", 123456),
        ("1234.56", 123456),
        ("£1,234.56", 123456),
        ("£1.2k", 120000),
        ("0.01", 1),
        ("250", 25000),
    ],
)
def test_an_amount_is_stored_as_integer_minor_units(
    team: Workspace, typed: str, minor: int
) -> None:
    line = add_line(team)
    entry = spend(team, line, typed)
    assert entry.amount == minor
    [stored] = rows(
        team, f"SELECT amount, {storage_type(team, 'amount')} AS type FROM spend_entries"
    )
    assert stored == {"amount": minor, "type": "integer"}


def test_amounts_add_up_exactly_with_no_float_drift(team: Workspace) -> None:
    line = add_line(team, planned="0.30")
    for _ in range(3):
        spend(team, line, "0.10")
    assert ledger.get_line(team, line.id).actual == 30
    [row] = ledger.report(team, "2026-11").rows
    assert (row.planned, row.actual, row.variance) == (30, 30, 0)
    assert row.flag() == "near"  # exactly 100% is at plan, not over it


def test_an_amount_with_more_than_two_decimal_places_is_refused(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, str(0.1 + 0.2))  # what a float sum would have typed
    assert "more than 2 decimal places" in refusal(exc)["amount"]
    assert count(team, "spend_entries") == 0


def test_a_planned_amount_is_stored_as_integer_minor_units(team: Workspace) -> None:
    line = add_line(team, planned="25,000.50")
    assert line.planned == 2500050
    [stored] = rows(
        team, f"SELECT planned, {storage_type(team, 'planned')} AS type FROM budget_lines"
    )
    assert stored == {"planned": 2500050, "type": "integer"}


# ---------------------------------------------------------------------------
# Entries: a line whose period holds the date; the sign of the amount
# ---------------------------------------------------------------------------


def test_an_entry_without_a_budget_line_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.add_entry(team, {"entry_date": "2026-11-03", "amount": "100", "payee": "Google"})
    assert refusal(exc) == {"line": "every entry needs a budget line, so no spend is untracked"}
    assert count(team, "spend_entries") == 0


def test_an_entry_dated_outside_its_lines_period_is_refused(team: Workspace) -> None:
    line = add_line(team, period="2026-11")
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "100", on="2026-10-31")
    assert refusal(exc) == {
        "line": "this budget line covers 2026-11 (2026-11-01 to 2026-11-30); "
        "the entry is dated 2026-10-31"
    }
    assert count(team, "spend_entries") == 0


def test_an_entry_on_the_first_and_last_day_of_its_lines_period_is_allowed(
    team: Workspace,
) -> None:
    line = add_line(team, period="2026-Q4", channel="Events")
    spend(team, line, "100", on="2026-10-01")
    spend(team, line, "100", on="2026-12-31")
    assert ledger.get_line(team, line.id).entries == 2


def test_an_entry_is_recorded_and_audited(team: Workspace) -> None:
    line = add_line(team)
    entry = spend(
        team, line, "1,250.00", payee="Google Ads", reference="INV-2026-0412", tool="Google Ads"
    )
    assert (entry.kind, entry.amount, entry.payee, entry.reference) == (
        "spend",
        125000,
        "Google Ads",
        "INV-2026-0412",
    )
    assert entry.tool == "Google Ads"
    assert entry.line_id == line.id
    [stored] = rows(team, "SELECT month, search_key, created_by FROM spend_entries")
    assert stored == {
        "month": "2026-11",
        "search_key": "google ads inv-2026-0412",
        "created_by": "tester",
    }
    last = audit(team, "spend")[-1]
    assert (last["action"], last["actor"]) == ("created", "tester")
    assert "Google Ads" in last["summary"] and "2026-11/paid-search" in last["summary"]


def test_an_unknown_tool_on_an_entry_is_refused(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "100", tool="Marketo")
    assert refusal(exc) == {"tool": "“Marketo” is not a tool in the stack"}


def test_a_zero_amount_is_refused(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "0.00")
    assert refusal(exc) == {"amount": "an amount of zero records nothing; enter the amount"}


def test_a_negative_spend_is_refused_as_a_refund_in_disguise(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "-250")
    assert refusal(exc)["amount"].startswith("a negative amount is a refund: mark it as a refund")
    assert count(team, "spend_entries") == 0


def test_a_positive_refund_is_refused(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "250", kind="refund")
    assert refusal(exc) == {
        "amount": "a refund is money coming back: enter it as a negative amount, such as -250"
    }


def test_a_negative_refund_is_allowed_and_reduces_the_actual(team: Workspace) -> None:
    line = add_line(team)
    spend(team, line, "1000")
    refund = spend(team, line, "-250", kind="refund", payee="Google Ads")
    assert (refund.kind, refund.amount) == ("refund", -25000)
    assert ledger.get_line(team, line.id).actual == 75000


def test_a_reversal_cannot_be_typed_as_an_entry(team: Workspace) -> None:
    line = add_line(team)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "-250", kind="reversal")
    assert "kind" in refusal(exc)


def test_an_entry_more_than_a_year_ahead_is_refused(team: Workspace) -> None:
    line = add_line(team, period="2028-01")
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "100", on="2028-01-05")
    assert refusal(exc) == {"entry_date": "is more than a year ahead; check the year"}


# ---------------------------------------------------------------------------
# Period close and reopen
# ---------------------------------------------------------------------------


def test_a_closed_month_refuses_entries_naming_who_closed_it_and_when(
    team: Workspace, ana: Workspace
) -> None:
    line = add_line(team, period="2026-Q4", channel="Events")
    closed = ledger.close_period(ana, "2026-10")
    assert (closed.month, closed.closed_by, closed.closed_on) == ("2026-10", "ana", TODAY)
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "500", on="2026-10-15", payee="ExCeL London")
    assert refusal(exc) == {
        "entry_date": "October 2026 was closed by ana on 2026-11-29; an entry dated 2026-10-15 "
        "cannot be added. Reopen the period (mops budget reopen 2026-10) or date the "
        "entry in an open month."
    }
    assert count(team, "spend_entries") == 0
    # The same line still takes entries dated in an open month.
    spend(team, line, "500", on="2026-11-02", payee="ExCeL London")
    assert count(team, "spend_entries") == 1


def test_the_close_is_checked_again_inside_the_write(
    team: Workspace, ana: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone closes the month after this user's entry was validated: the write,
    not just the validation, refuses it."""
    line = add_line(team, period="2026-10")
    ledger.close_period(ana, "2026-10")
    monkeypatch.setattr(ledger, "closes", lambda ws: {})  # validation saw it open
    with pytest.raises(ValidationFailed) as exc:
        spend(team, line, "500", on="2026-10-15")
    assert refusal(exc)["entry_date"].startswith("October 2026 was closed by ana on 2026-11-29")
    assert count(team, "spend_entries") == 0


def test_a_month_that_has_not_ended_cannot_be_closed(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.close_period(team, "2026-11")
    assert refusal(exc) == {
        "period": "2026-11 has not ended yet; close it once its last day is over"
    }


def test_a_month_cannot_be_closed_twice(team: Workspace, ana: Workspace) -> None:
    ledger.close_period(ana, "2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.close_period(team, "2026-10")
    assert refusal(exc) == {"period": "2026-10 is already closed (by ana)"}


def test_only_a_month_can_be_closed(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.close_period(team, "2026-Q3")
    assert refusal(exc) == {"period": "close and reopen work on a month, such as 2026-10"}


def test_closing_a_month_is_audited_with_its_total(team: Workspace) -> None:
    line = add_line(team, period="2026-10")
    spend(team, line, "1,500.00", on="2026-10-15")
    ledger.close_period(team, "2026-10")
    [entry] = audit(team, "period")
    assert (entry["action"], entry["actor"]) == ("closed", "tester")
    assert entry["summary"] == "closed 2026-10 with £1,500 of spend"
    assert "2026-10" in ledger.closes(team)


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(team: Workspace, reason: str) -> None:
    ledger.close_period(team, "2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.reopen_period(team, "2026-10", reason)
    assert refusal(exc) == {"reason": "say why the period is reopened"}
    assert "2026-10" in ledger.closes(team)


def test_reopening_a_month_that_is_not_closed_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.reopen_period(team, "2026-10", "late invoice")
    assert refusal(exc) == {"period": "2026-10 is not closed"}


def test_reopening_is_audited_and_lets_entries_in_and_the_history_stays(
    team: Workspace, ana: Workspace
) -> None:
    line = add_line(team, period="2026-10")
    ledger.close_period(ana, "2026-10")
    ledger.reopen_period(team, "2026-10", "  Hilton's invoice arrived late  ")
    reopened = audit(team, "period")[-1]
    assert (reopened["action"], reopened["actor"]) == ("reopened", "tester")
    assert reopened["summary"] == "reopened 2026-10: Hilton's invoice arrived late"
    assert "2026-10" not in ledger.closes(team)

    spend(team, line, "500", on="2026-10-20", payee="Hilton")
    ledger.close_period(ana, "2026-10")
    history = rows(
        team,
        "SELECT month, closed_by, reopened_by, reopen_reason FROM period_closes ORDER BY id",
    )
    assert history == [
        {
            "month": "2026-10",
            "closed_by": "ana",
            "reopened_by": "tester",
            "reopen_reason": "Hilton's invoice arrived late",
        },
        {"month": "2026-10", "closed_by": "ana", "reopened_by": None, "reopen_reason": None},
    ]


def test_ended_open_months_lists_the_months_not_yet_closed(team: Workspace) -> None:
    # A month with no budget line running in it has nothing to close.
    assert ledger.ended_open_months(team) == []
    ledger.create_line(
        team,
        {"period": "2026-Q3", "channel": "Events", "planned": "9000", "owner": "ana"},
    )
    assert ledger.ended_open_months(team) == ["2026-08", "2026-09"]
    ledger.create_line(
        team,
        {"period": "2026-10", "channel": "Webinars", "planned": "900", "owner": "ana"},
    )
    assert ledger.ended_open_months(team) == ["2026-08", "2026-09", "2026-10"]
    ledger.close_period(team, "2026-09")
    assert ledger.ended_open_months(team) == ["2026-08", "2026-10"]


# ---------------------------------------------------------------------------
# Reversals and corrections
# ---------------------------------------------------------------------------


def test_a_reversal_cancels_the_entry_and_both_stay_visible(team: Workspace) -> None:
    line = add_line(team)
    original = spend(team, line, "1000", reference="INV-1")
    reversal = ledger.reverse_entry(team, original.id, "duplicate invoice")
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (
        "reversal",
        -100000,
        original.id,
    )
    assert reversal.note == f"Reverses entry {original.id}: duplicate invoice"
    assert ledger.get_entry(team, original.id).reversed_by == reversal.id
    assert {e.id for e in ledger.list_entries(team)} == {original.id, reversal.id}
    assert ledger.get_line(team, line.id).actual == 0
    assert audit(team, "spend")[-1]["action"] == "reversed"


def test_reversing_a_reversal_is_refused(team: Workspace) -> None:
    line = add_line(team)
    original = spend(team, line, "1000")
    reversal = ledger.reverse_entry(team, original.id)
    with pytest.raises(ValidationFailed) as exc:
        ledger.reverse_entry(team, reversal.id)
    assert refusal(exc) == {
        "entry": "this entry is itself a reversal; reversing it again is refused — "
        "correct the original entry instead"
    }
    with pytest.raises(ValidationFailed):
        ledger.correct_entry(team, reversal.id, {"amount": "100"})
    assert count(team, "spend_entries") == 2


def test_reversing_an_entry_twice_is_refused(team: Workspace) -> None:
    line = add_line(team)
    original = spend(team, line, "1000")
    ledger.reverse_entry(team, original.id)
    with pytest.raises(ValidationFailed) as exc:
        ledger.reverse_entry(team, original.id)
    assert refusal(exc) == {"entry": "this entry has already been reversed"}
    with pytest.raises(ValidationFailed) as exc:
        ledger.correct_entry(team, original.id, {"amount": "900"})
    assert refusal(exc) == {"entry": "this entry has already been reversed"}
    assert count(team, "spend_entries") == 2


def test_an_entry_in_a_closed_month_cannot_be_reversed(team: Workspace, ana: Workspace) -> None:
    line = add_line(team, period="2026-10")
    original = spend(team, line, "1000", on="2026-10-05")
    ledger.close_period(ana, "2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.reverse_entry(team, original.id)
    assert refusal(exc)["entry_date"].startswith("October 2026 was closed by ana")
    with pytest.raises(ValidationFailed) as exc:
        ledger.correct_entry(team, original.id, {"amount": "900"})
    assert refusal(exc)["entry_date"].startswith(
        "the original entry's month is closed, so it cannot be reversed: October 2026"
    )
    assert count(team, "spend_entries") == 1


def test_a_correction_is_a_reversal_plus_a_new_entry_both_linked(team: Workspace) -> None:
    line = add_line(team)
    original = spend(team, line, "1,000.00", reference="INV-2026-0412", note="Week 45")
    reversal, new = ledger.correct_entry(team, original.id, {"amount": "900.00"})

    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (
        "reversal",
        -100000,
        original.id,
    )
    assert (new.kind, new.amount, new.corrects_id) == ("spend", 90000, original.id)
    # Everything else carries over from the original.
    assert (new.entry_date, new.payee, new.reference, new.note, new.line_id) == (
        original.entry_date,
        original.payee,
        original.reference,
        original.note,
        original.line_id,
    )
    listed = {e.id: e for e in ledger.list_entries(team)}
    assert set(listed) == {original.id, reversal.id, new.id}
    assert listed[original.id].reversed_by == reversal.id
    assert ledger.get_line(team, line.id).actual == 90000
    corrected = audit(team, "spend")[-1]
    assert (corrected["action"], corrected["entity_id"]) == ("corrected", original.id)
    assert "(£1,000 → £900)" in corrected["summary"]


def test_a_correction_can_move_the_spend_to_another_line(team: Workspace) -> None:
    search = add_line(team, channel="Paid search")
    social = add_line(team, channel="Paid social")
    original = spend(team, search, "400", payee="Meta Platforms Ireland")
    _reversal, new = ledger.correct_entry(team, original.id, {"line": f"#{social.id}"})
    assert new.line_id == social.id
    assert ledger.get_line(team, search.id).actual == 0
    assert ledger.get_line(team, social.id).actual == 40000


def test_a_correction_cannot_move_spend_into_a_closed_month(
    team: Workspace, ana: Workspace
) -> None:
    line = add_line(team, period="2026-Q4", channel="Events")
    original = spend(team, line, "1000", on="2026-11-05")
    ledger.close_period(ana, "2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.correct_entry(team, original.id, {"entry_date": "2026-10-28"})
    assert refusal(exc)["entry_date"].startswith("October 2026 was closed by ana")
    assert count(team, "spend_entries") == 1
    _reversal, new = ledger.correct_entry(team, original.id, {"entry_date": "2026-11-06"})
    assert new.entry_date == date(2026, 11, 6)


def test_a_correction_is_one_transaction(team: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the new entry cannot be written, the reversal is not written either."""
    line = add_line(team)
    original = spend(team, line, "1000")
    audits = count(team, "audit_log")

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "_row_for", broken)
    with pytest.raises(RuntimeError):
        ledger.correct_entry(team, original.id, {"amount": "900"})
    assert count(team, "spend_entries") == 1
    assert count(team, "audit_log") == audits
    assert ledger.get_entry(team, original.id).reversed_by is None


def test_a_correction_that_breaks_a_rule_writes_nothing(team: Workspace) -> None:
    line = add_line(team)
    original = spend(team, line, "1000")
    with pytest.raises(ValidationFailed) as exc:
        ledger.correct_entry(team, original.id, {"amount": "0"})
    assert "amount" in refusal(exc)
    assert count(team, "spend_entries") == 1


# ---------------------------------------------------------------------------
# Budget lines
# ---------------------------------------------------------------------------


def test_a_line_is_created_and_audited(team: Workspace) -> None:
    line = add_line(
        team,
        period="2026-11",
        channel="Tools & software",
        campaign="HubSpot subscription",
        tool="HubSpot",
        planned="3,600",
        owner="Ana Costa",
        notes="Seat add-ons included.",
    )
    assert (line.period, line.period_kind, line.starts_on, line.ends_on) == (
        "2026-11",
        "month",
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert (line.channel, line.campaign, line.tool, line.owner, line.planned) == (
        "Tools & software",
        "HubSpot subscription",
        "HubSpot",
        "ana",
        360000,
    )
    assert line.ref == "2026-11/tools-&-software/HubSpot subscription"
    [created] = audit(team, "budget_line")
    assert created["summary"] == (
        "planned £3,600 for 2026-11 Tools & software / HubSpot subscription"
    )


def test_a_negative_planned_amount_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, planned="-100")
    assert refusal(exc) == {"planned": "cannot be negative"}
    assert count(team, "budget_lines") == 0


def test_a_planned_amount_of_zero_is_allowed_but_a_blank_one_is_not(team: Workspace) -> None:
    assert add_line(team, planned="0").planned == 0
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, channel="Email", planned="")
    assert refusal(exc) == {"planned": "enter the planned amount (0 is allowed)"}


def test_a_line_needs_a_known_owner(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, owner="")
    assert refusal(exc) == {"owner": "every budget line needs an owner"}
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, owner="zed")
    assert refusal(exc)["owner"].startswith("“zed” is not a known person")


def test_a_line_with_an_unknown_tool_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, tool="Marketo")
    assert refusal(exc) == {"tool": "“Marketo” is not a tool in the stack"}


def test_a_line_with_a_bad_period_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, period="2026-13")
    assert "there is no month 13" in refusal(exc)["period"]


@pytest.mark.parametrize(
    ("channel", "campaign"),
    [("Paid search", ""), ("paid SEARCH", ""), ("Paid search", "spring LAUNCH")],
)
def test_a_duplicate_line_is_refused_whatever_its_case(
    team: Workspace, channel: str, campaign: str
) -> None:
    add_line(team, channel="Paid search")
    add_line(team, channel="Paid search", campaign="Spring launch")
    with pytest.raises(ValidationFailed) as exc:
        add_line(team, channel=channel, campaign=campaign)
    what = channel + (f" / {campaign}" if campaign else "")
    assert refusal(exc) == {
        "channel": f"2026-11 already has a line for {what}; edit that line instead"
    }
    assert count(team, "budget_lines") == 2


def test_the_same_channel_in_another_period_or_campaign_is_allowed(team: Workspace) -> None:
    add_line(team, period="2026-11")
    add_line(team, period="2026-12")
    add_line(team, period="2026-11", campaign="Spring launch")
    assert count(team, "budget_lines") == 3


def test_an_edit_onto_another_line_is_refused(team: Workspace) -> None:
    add_line(team, channel="Paid search")
    social = add_line(team, channel="Paid social")
    with pytest.raises(ValidationFailed) as exc:
        ledger.update_line(team, social.id, {"channel": "Paid search"}, social.version)
    assert refusal(exc) == {
        "channel": "2026-11 already has a line for Paid search; edit that line instead"
    }


def test_an_edit_is_audited_with_what_changed(team: Workspace) -> None:
    line = add_line(team)
    edited = ledger.update_line(team, line.id, {"planned": "12,500"}, line.version)
    assert (edited.planned, edited.version) == (1250000, line.version + 1)
    last = audit(team, "budget_line")[-1]
    assert (last["action"], last["summary"]) == ("edited", "planned £10,000 → £12,500")


def test_a_lines_period_cannot_shrink_below_its_entries(team: Workspace) -> None:
    line = add_line(team, period="2026-Q4", channel="Events")
    spend(team, line, "100", on="2026-11-05")
    with pytest.raises(ValidationFailed) as exc:
        ledger.update_line(team, line.id, {"period": "2026-11"}, line.version)
    assert refusal(exc) == {
        "period": "this line already has 1 entries; its period can only grow, or the "
        "entries would fall outside it"
    }
    assert ledger.get_line(team, line.id).period == "2026-Q4"


def test_a_lines_period_can_grow_or_move_while_it_has_no_entries(team: Workspace) -> None:
    month = add_line(team, period="2026-11", channel="Events")
    spend(team, month, "100", on="2026-11-05")
    grown = ledger.update_line(team, month.id, {"period": "2026-Q4"}, month.version)
    assert (grown.period, grown.starts_on, grown.ends_on) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    empty = add_line(team, period="2026-11", channel="Email")
    moved = ledger.update_line(team, empty.id, {"period": "2026-12"}, empty.version)
    assert moved.period == "2026-12"


def test_a_stale_line_edit_is_refused_and_names_the_other_actor(
    team: Workspace, ana: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = add_line(team)
    seen = ledger.get_line(team, line.id)
    monkeypatch.setenv("MOPS_NOW", "2026-11-29T10:15:00")
    ledger.update_line(ana, line.id, {"planned": "11000"}, seen.version)
    with pytest.raises(StaleRecord) as exc:
        ledger.update_line(team, line.id, {"planned": "9000"}, seen.version)
    assert exc.value.changed_by == "ana"
    assert str(exc.value).startswith(
        "The budget line 2026-11/paid-search was changed by ana at 2026-11-29 10:15 "
        "after you opened it."
    )
    assert ledger.get_line(team, line.id).planned == 1100000


def test_an_edit_without_a_version_skips_the_check(team: Workspace, ana: Workspace) -> None:
    line = add_line(team)
    ledger.update_line(ana, line.id, {"planned": "11000"}, line.version)
    assert ledger.update_line(team, line.id, {"planned": "9000"}, None).planned == 900000


# ---------------------------------------------------------------------------
# Copy forward
# ---------------------------------------------------------------------------


def test_copy_forward_copies_the_plan_and_skips_lines_that_exist(team: Workspace) -> None:
    add_line(team, period="2026-10", channel="Paid search", planned="9000")
    add_line(
        team,
        period="2026-10",
        channel="Tools & software",
        campaign="HubSpot",
        tool="HubSpot",
        planned="3200",
        owner="ana",
    )
    existing = add_line(team, period="2026-11", channel="Paid search", planned="12000")

    copied = ledger.copy_forward(team, "2026-10", "2026-11")

    assert [(c.period, c.channel, c.campaign, c.tool, c.owner, c.planned) for c in copied] == [
        ("2026-11", "Tools & software", "HubSpot", "HubSpot", "ana", 320000)
    ]
    assert copied[0].notes == "Copied from 2026-10."
    assert ledger.get_line(team, existing.id).planned == 1200000  # left as it was
    assert count(team, "budget_lines") == 4
    assert audit(team, "budget_line")[-1]["summary"] == (
        "copied 2026-10/tools-&-software/HubSpot forward to 2026-11"
    )
    # Copying again adds nothing.
    assert ledger.copy_forward(team, "2026-10", "2026-11") == []
    assert count(team, "budget_lines") == 4


def test_copy_forward_works_quarter_to_quarter(team: Workspace) -> None:
    add_line(team, period="2026-Q4", channel="Events", planned="30000")
    [copied] = ledger.copy_forward(team, "2026-Q4", "2027-Q1")
    assert (copied.period, copied.starts_on, copied.planned) == (
        "2027-Q1",
        date(2027, 1, 1),
        3000000,
    )


def test_copy_forward_refuses_copying_backwards(team: Workspace) -> None:
    add_line(team, period="2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.copy_forward(team, "2026-10", "2026-09")
    assert refusal(exc) == {"period": "2026-09 is not after 2026-10"}
    with pytest.raises(ValidationFailed):
        ledger.copy_forward(team, "2026-10", "2026-10")
    assert count(team, "budget_lines") == 1


def test_copy_forward_refuses_a_month_to_a_quarter(team: Workspace) -> None:
    add_line(team, period="2026-10")
    with pytest.raises(ValidationFailed) as exc:
        ledger.copy_forward(team, "2026-10", "2027-Q1")
    assert refusal(exc) == {"period": "copy a month to a month: 2026-10 → 2027-Q1"}


def test_copy_forward_from_an_empty_period_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.copy_forward(team, "2026-10", "2026-11")
    assert refusal(exc) == {"period": "2026-10 has no budget lines to copy"}


def test_copy_forward_dry_run_writes_nothing(team: Workspace) -> None:
    add_line(team, period="2026-10", channel="Paid search")
    add_line(team, period="2026-10", channel="Email")
    audits = count(team, "audit_log")
    preview = ledger.copy_forward(team, "2026-10", "2026-11", dry_run=True)
    assert len(preview) == 2
    assert count(team, "budget_lines") == 2
    assert count(team, "audit_log") == audits


def test_copy_forward_dry_run_lists_only_the_lines_it_would_copy(team: Workspace) -> None:
    add_line(team, period="2026-10", channel="Paid search")
    add_line(team, period="2026-10", channel="Email")
    add_line(team, period="2026-11", channel="Paid search")
    preview = ledger.copy_forward(team, "2026-10", "2026-11", dry_run=True)
    assert [line.channel for line in preview] == ["Email"]


# ---------------------------------------------------------------------------
# Plan vs actual
# ---------------------------------------------------------------------------


@pytest.fixture
def november(team: Workspace) -> dict[str, LineView]:
    """Four November lines at 95%, 110%, 25% and exactly 90% of plan, and a Q4 line."""
    made = {
        "search": add_line(team, channel="Paid search", planned="10000"),
        "social": add_line(team, channel="Paid social", planned="5000"),
        "email": add_line(team, channel="Email", planned="2000"),
        "spring": add_line(team, channel="Paid search", campaign="Spring", planned="1000"),
        "events": add_line(team, period="2026-Q4", channel="Events", planned="30000"),
    }
    spend(team, made["search"], "9500")
    spend(team, made["social"], "5,500")
    spend(team, made["email"], "500")
    spend(team, made["spring"], "900")
    spend(team, made["events"], "4000", on="2026-10-10", payee="ExCeL London")
    spend(team, made["events"], "8000", on="2026-11-10", payee="ExCeL London")
    return made


def test_report_by_line_gives_variance_share_and_flags(
    team: Workspace, november: dict[str, LineView]
) -> None:
    report = ledger.report(team, "2026-11", "line")
    got = {r.line_id: (r.planned, r.actual, r.variance, r.share, r.flag()) for r in report.rows}
    assert got == {
        november["search"].id: (1000000, 950000, 50000, 0.95, "near"),
        november["social"].id: (500000, 550000, -50000, 1.1, "over"),
        november["email"].id: (200000, 50000, 150000, 0.25, None),
        november["spring"].id: (100000, 90000, 10000, 0.9, "near"),
        # The Q4 line reaches beyond November: November's share of its plan (30 of 92
        # days of £30,000) against November's spend only.
        november["events"].id: (978261, 800000, 178261, 800000 / 978261, None),
    }
    assert (report.planned, report.actual) == (2778261, 2440000)
    assert report.variance == 338261
    whole = {r.line_id: (r.planned, r.actual) for r in ledger.report(team, "2026-Q4").rows}
    assert whole[november["events"].id] == (3000000, 1200000)


@pytest.mark.parametrize(
    ("actual", "flag", "label"),
    [
        ("899.99", None, ""),
        ("900.00", "near", "≥90%"),
        ("1000.00", "near", "≥90%"),
        ("1000.01", "over", "OVER"),
    ],
)
def test_flags_start_at_90_percent_and_over_is_above_100(
    team: Workspace, actual: str, flag: str | None, label: str
) -> None:
    line = add_line(team, planned="1000")
    spend(team, line, actual)
    [row] = ledger.report(team, "2026-11").rows
    assert (row.flag(), row.flag_label()) == (flag, label)


def test_spend_on_a_zero_plan_is_over(team: Workspace) -> None:
    line = add_line(team, planned="0")
    [row] = ledger.report(team, "2026-11").rows
    assert (row.share, row.flag()) == (None, None)
    spend(team, line, "10")
    [row] = ledger.report(team, "2026-11").rows
    assert (row.share, row.flag()) == (float("inf"), "over")


def test_a_refund_on_a_zero_plan_is_not_over_plan(team: Workspace) -> None:
    line = add_line(team, planned="0")
    spend(team, line, "-40", kind="refund", payee="Canva", note="Credit for seats removed")
    [row] = ledger.report(team, "2026-11").rows
    assert row.actual == -4000
    assert row.flag() != "over"


def test_report_by_channel_sums_the_lines_of_a_channel(
    team: Workspace, november: dict[str, LineView]
) -> None:
    report = ledger.report(team, "2026-11", "channel")
    got = {r.label: (r.planned, r.actual, r.lines, r.flag()) for r in report.rows}
    assert got == {
        "Email": (200000, 50000, 1, None),
        "Events": (978261, 800000, 1, None),  # November's share of the Q4 line
        "Paid search": (1100000, 1040000, 2, "near"),
        "Paid social": (500000, 550000, 1, "over"),
    }
    assert [r.label for r in report.rows] == sorted(got)


def test_report_by_month_spreads_a_quarter_line_by_days(
    team: Workspace, november: dict[str, LineView]
) -> None:
    report = ledger.report(team, "2026-Q4", "month")
    got = {r.label: (r.planned, r.actual) for r in report.rows}
    # £30,000 over Q4's 92 days: October 31, November 30, December the remainder.
    october, november_share = round(3000000 * 31 / 92), round(3000000 * 30 / 92)
    december = 3000000 - october - november_share
    assert got == {
        "2026-10": (october, 400000),
        "2026-11": (november_share + 1000000 + 500000 + 200000 + 100000, 2440000),
        "2026-12": (december, 0),
    }
    assert sum(r.planned for r in report.rows) == 4800000


def test_report_by_quarter_sums_its_months(team: Workspace, november: dict[str, LineView]) -> None:
    add_line(team, period="2027-01", channel="Email", planned="700")
    report = ledger.report(team, None, "quarter")
    got = {r.label: (r.planned, r.actual) for r in report.rows}
    assert got == {"2026-Q4": (4800000, 2840000), "2027-Q1": (70000, 0)}


def test_report_refuses_an_unknown_grouping(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.report(team, "2026-11", "owner")
    assert refusal(exc) == {"by": "group by line, channel, month or quarter"}


def test_run_rate_forecast_half_way_through_a_period(db_url: str, team: Workspace) -> None:
    month = add_line(team, period="2026-11", channel="Paid search", planned="10000")
    quarter = add_line(team, period="2026-Q4", channel="Events", planned="30000")
    spend(team, month, "3,000.00", on="2026-11-10")
    spend(team, quarter, "9,000.00", on="2026-10-20")
    # 15 November: day 15 of November's 30, day 46 of the quarter's 92.
    mid = at(db_url, date(2026, 11, 15))
    try:
        rows_ = {r.line_id: r for r in ledger.report(mid, "2026-Q4", "line").rows}
        november = rows_[month.id].period
        assert november is not None
        assert (november.elapsed_days(mid.today()), november.days) == (15, 30)
        assert rows_[month.id].forecast(mid.today()) == 600000
        assert rows_[quarter.id].forecast(mid.today()) == 1800000
        # A third of the way through November: actual scaled by 30/10.
        assert rows_[month.id].forecast(date(2026, 11, 10)) == 900000
        # A finished period forecasts its actual; one not started forecasts nothing more.
        assert rows_[month.id].forecast(date(2026, 12, 5)) == 300000
        assert rows_[month.id].forecast(date(2026, 10, 5)) == 300000
    finally:
        mid.close()


def test_plan_vs_actual_counts_refunds_and_reversals(team: Workspace) -> None:
    line = add_line(team, planned="1000")
    first = spend(team, line, "800")
    spend(team, line, "-100", kind="refund")
    ledger.correct_entry(team, first.id, {"amount": "850"})
    [row] = ledger.report(team, "2026-11").rows
    assert row.actual == 85000 - 10000


def test_monthly_series_gives_twelve_months_ending_this_month(
    team: Workspace, november: dict[str, LineView]
) -> None:
    series = ledger.monthly_series(team, channel="Paid search")
    assert len(series) == 12
    assert (series[0].label, series[-1].label) == ("2025-12", "2026-11")
    assert (series[-1].planned, series[-1].actual) == (1100000, 1040000)


# ---------------------------------------------------------------------------
# Fiscal year start
# ---------------------------------------------------------------------------


@pytest.fixture
def april(db_url: str, team: Workspace) -> Iterator[Workspace]:
    """The same database with a fiscal year that starts in April."""
    ws = Workspace(db_url, actor="tester", fy_start=4)
    yield ws
    ws.close()


def test_a_fiscal_year_starting_in_april_moves_the_quarters(april: Workspace) -> None:
    q1 = ledger.period(april, "2026-Q1")
    assert (q1.starts_on, q1.ends_on) == (date(2026, 4, 1), date(2026, 6, 30))
    q4 = ledger.period(april, "FY2026 Q4")
    assert (q4.starts_on, q4.ends_on) == (date(2027, 1, 1), date(2027, 3, 31))
    this = ledger.period(april, "this quarter")
    assert (this.label, this.starts_on) == ("2026-Q3", date(2026, 10, 1))


def test_a_line_in_an_april_fiscal_year_holds_april_to_june(april: Workspace) -> None:
    line = add_line(april, period="2026-Q1", channel="Events")
    assert (line.starts_on, line.ends_on) == (date(2026, 4, 1), date(2026, 6, 30))
    with pytest.raises(ValidationFailed) as exc:
        spend(april, line, "100", on="2026-03-31")
    assert refusal(exc) == {
        "line": "this budget line covers 2026-Q1 (2026-04-01 to 2026-06-30); "
        "the entry is dated 2026-03-31"
    }
    spend(april, line, "100", on="2026-04-01")
    spend(april, line, "100", on="2026-06-30")
    assert ledger.get_line(april, line.id).actual == 20000


def test_an_april_fiscal_year_groups_months_into_its_quarters(april: Workspace) -> None:
    add_line(april, period="2026-03", channel="Email", planned="100")
    add_line(april, period="2026-05", channel="Email", planned="200")
    report = ledger.report(april, None, "quarter")
    assert {r.label: r.planned for r in report.rows} == {"2025-Q4": 10000, "2026-Q1": 20000}


def test_resolve_line_reads_quarters_in_the_workspaces_fiscal_year(april: Workspace) -> None:
    line = add_line(april, period="2026-Q1", channel="Events")
    assert ledger.resolve_line(april, "2026-Q1/events").id == line.id
    assert ledger.resolve_line(april, "events", date(2026, 5, 20)).id == line.id


# ---------------------------------------------------------------------------
# Naming a line
# ---------------------------------------------------------------------------


@pytest.fixture
def named(team: Workspace) -> dict[str, LineView]:
    return {
        "events": add_line(team, period="2026-Q4", channel="Events"),
        "search": add_line(team, channel="Paid search"),
        "spring": add_line(team, channel="Paid search", campaign="Spring launch"),
        "social_a": add_line(team, channel="Paid social", campaign="Always on"),
        "social_b": add_line(team, channel="Paid social", campaign="Retargeting"),
    }


def test_resolve_line_by_id(team: Workspace, named: dict[str, LineView]) -> None:
    assert ledger.resolve_line(team, f"#{named['events'].id}").id == named["events"].id
    assert ledger.resolve_line(team, str(named["search"].id)).id == named["search"].id
    with pytest.raises(ValidationFailed) as exc:
        ledger.resolve_line(team, "#999")
    assert refusal(exc) == {"line": "there is no budget line #999"}


def test_resolve_line_by_period_and_channel(team: Workspace, named: dict[str, LineView]) -> None:
    assert ledger.resolve_line(team, "2026-Q4/events").id == named["events"].id
    assert ledger.resolve_line(team, "2026-q4/Events").id == named["events"].id
    # Without a campaign the line with none wins over the campaign lines.
    assert ledger.resolve_line(team, "2026-11/paid-search").id == named["search"].id
    spring = ledger.resolve_line(team, "2026-11/paid-search/spring launch")
    assert spring.id == named["spring"].id


def test_resolve_line_by_channel_and_date(team: Workspace, named: dict[str, LineView]) -> None:
    assert ledger.resolve_line(team, "events", date(2026, 11, 3)).id == named["events"].id
    with pytest.raises(ValidationFailed) as exc:
        ledger.resolve_line(team, "events")
    assert refusal(exc) == {
        "line": "“events” is not a budget line; type PERIOD/CHANNEL such as 2026-Q4/events"
    }
    with pytest.raises(ValidationFailed) as exc:
        ledger.resolve_line(team, "events", date(2027, 1, 3))
    assert refusal(exc) == {
        "line": "no budget line matches “events” on 2027-01-03; add it to the plan first "
        "(mops budget line add)"
    }


def test_resolve_line_lists_the_campaigns_when_several_match(
    team: Workspace, named: dict[str, LineView]
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ledger.resolve_line(team, "2026-11/paid-social")
    assert refusal(exc) == {
        "line": "“2026-11/paid-social” matches several lines (2026-11/paid-social/Always on, "
        "2026-11/paid-social/Retargeting); name one"
    }
    with pytest.raises(ValidationFailed) as exc:
        ledger.resolve_line(team, "paid search", date(2026, 11, 3))
    assert "2026-11/paid-search/Spring launch" in refusal(exc)["line"]


def test_resolve_line_refuses_blank_unknown_and_malformed_names(
    team: Workspace, named: dict[str, LineView]
) -> None:
    for text, message in [
        ("", "choose the budget line this spend comes out of"),
        (
            "2026-12/events",
            "no budget line matches “2026-12/events”; add it to the plan "
            "first (mops budget line add)",
        ),
        ("2026-13/events", "“2026-13” is not a month: there is no month 13"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            ledger.resolve_line(team, text)
        assert refusal(exc) == {"line": message}


def test_an_entry_can_name_its_line_by_channel(team: Workspace, named: dict[str, LineView]) -> None:
    entry = spend(team, "events", "100", on="2026-12-01")
    assert entry.line_id == named["events"].id


# ---------------------------------------------------------------------------
# Import: all or nothing, and idempotent
# ---------------------------------------------------------------------------


def import_rows(line: str = "2026-11/paid-search") -> list[tuple[int, dict[str, str]]]:
    return [
        (
            2,
            {
                "entry_date": "2026-11-03",
                "amount": "1,250.00",
                "payee": "Google Ads",
                "line": line,
                "reference": "INV-2026-0412",
            },
        ),
        (
            3,
            {
                "entry_date": "2026-11-10",
                "amount": "980.40",
                "payee": "Google Ads",
                "line": line,
                "reference": "INV-2026-0413",
                "tool": "Google Ads",
            },
        ),
        (
            4,
            {
                "entry_date": "2026-11-12",
                "amount": "-120.00",
                "payee": "Google Ads",
                "line": line,
                "note": "Invalid click credit",
            },
        ),
    ]


def test_import_writes_every_row_and_one_audit_entry(team: Workspace) -> None:
    add_line(team)
    result = ledger.import_spend(team, import_rows(), source="google.csv")
    assert (result.rows, result.to_add, result.already, result.written) == (3, 3, 0, True)
    assert result.amount_to_add == 125000 + 98040 - 12000
    assert result.errors == []
    kinds = rows(
        team, "SELECT kind, amount, import_key IS NOT NULL AS keyed FROM spend_entries ORDER BY id"
    )
    assert kinds == [
        {"kind": "spend", "amount": 125000, "keyed": 1},
        {"kind": "spend", "amount": 98040, "keyed": 1},
        {"kind": "refund", "amount": -12000, "keyed": 1},
    ]
    [entry] = audit(team, "import")
    assert entry["summary"] == "imported 3 spend entries (£2,110.40) from google.csv"


def test_importing_the_same_rows_twice_adds_nothing_the_second_time(team: Workspace) -> None:
    add_line(team)
    ledger.import_spend(team, import_rows())
    again = ledger.import_spend(team, import_rows())
    assert (again.to_add, again.already, again.written) == (0, 3, False)
    assert count(team, "spend_entries") == 3
    assert len(audit(team, "import")) == 1


def test_an_overlapping_file_adds_only_its_new_rows(team: Workspace) -> None:
    add_line(team)
    ledger.import_spend(team, import_rows()[:2])
    later = ledger.import_spend(team, import_rows())
    assert (later.to_add, later.already, later.written) == (1, 2, True)
    assert count(team, "spend_entries") == 3


def test_two_identical_rows_in_one_file_are_two_entries(team: Workspace) -> None:
    add_line(team)
    row = import_rows()[0][1]
    first = ledger.import_spend(team, [(2, row), (3, dict(row))])
    assert first.to_add == 2
    again = ledger.import_spend(team, [(2, row), (3, dict(row))])
    assert (again.to_add, again.already) == (0, 2)
    assert count(team, "spend_entries") == 2


def test_a_dry_run_reports_and_writes_nothing(team: Workspace) -> None:
    add_line(team)
    result = ledger.import_spend(team, import_rows(), dry_run=True)
    assert (result.to_add, result.written) == (3, False)
    assert count(team, "spend_entries") == 0


def test_one_bad_row_stops_the_whole_import_with_its_row_number(
    team: Workspace, ana: Workspace
) -> None:
    add_line(team)
    add_line(team, period="2026-10")
    ledger.close_period(ana, "2026-10")
    bad = [
        *import_rows(),
        (
            5,
            {
                "entry_date": "2026-11-14",
                "amount": "0",
                "payee": "Google Ads",
                "line": "2026-11/paid-search",
            },
        ),
        (
            6,
            {
                "entry_date": "2026-10-14",
                "amount": "10",
                "payee": "Google Ads",
                "line": "2026-10/paid-search",
            },
        ),
        (
            7,
            {
                "entry_date": "2026-11-14",
                "amount": "10",
                "payee": "Google Ads",
                "line": "2026-11/events",
            },
        ),
    ]
    result = ledger.import_spend(team, bad)
    assert result.written is False
    assert [(e.row, e.field) for e in result.errors] == [
        (5, "amount"),
        (6, "entry_date"),
        (7, "line"),
    ]
    assert result.errors[1].message.startswith("October 2026 was closed by ana")
    assert count(team, "spend_entries") == 0


def test_an_import_rechecks_closes_inside_the_write(
    team: Workspace, ana: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_line(team, period="2026-10")
    ledger.close_period(ana, "2026-10")
    monkeypatch.setattr(ledger, "closes", lambda ws: {})
    with pytest.raises(ValidationFailed) as exc:
        ledger.import_spend(
            team,
            [
                (
                    2,
                    {
                        "entry_date": "2026-10-03",
                        "amount": "10",
                        "payee": "Google Ads",
                        "line": "2026-10/paid-search",
                    },
                )
            ],
        )
    assert refusal(exc)["entry_date"].startswith("October 2026 was closed by ana")
    assert count(team, "spend_entries") == 0


# ---------------------------------------------------------------------------
# The period rules on their own
# ---------------------------------------------------------------------------


def test_period_defaults_to_this_month_and_reads_last_month(team: Workspace) -> None:
    assert ledger.period(team, None).label == "2026-11"
    assert ledger.period(team, "last month").label == "2026-10"
    with pytest.raises(ValidationFailed) as exc:
        ledger.period(team, "autumn")
    assert "is not a period" in refusal(exc)["period"]


def test_shift_moves_quarters_across_the_fiscal_year() -> None:
    q4 = rules.quarter_period(2026, 4, 4)  # January to March 2027
    assert q4.shift(1, 4).label == "2027-Q1"
    assert q4.shift(1, 4).starts_on == date(2027, 4, 1)
