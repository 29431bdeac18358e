"""The triage service (the Home inbox) against real, migrated databases (SQLite and
PostgreSQL).

Every record is made through the real services (``stack``, ``ledger``, ``briefs``,
``kpis``) on the empty ``ws`` workspace, so each test controls exactly what the inbox
should hold. The clock is ``MOPS_TODAY=2026-11-29`` (a Sunday; ``now`` is 09:00);
records that must look old are made through a workspace on the same database whose
clock is set earlier (:func:`on`).

Where what was stored matters, the assertions read the database back with a plain
DB-API connection (``backends.raw``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from backends import raw

from mops_tui.domain.briefs import BriefView
from mops_tui.domain.dates import working_days_between
from mops_tui.domain.errors import NotFound, ValidationFailed
from mops_tui.domain.ledger import quarter_containing
from mops_tui.domain.tools import ToolView
from mops_tui.domain.triage import InboxItem, Urgency, score
from mops_tui.services import audit, briefs, kpis, ledger, people, stack, triage
from mops_tui.services.workspace import Workspace, WorkspaceError, open_workspace
from mops_tui.store.queries import triage as triage_q
from mops_tui.store.queries.ledger import LineView

TODAY = date(2026, 11, 29)  # a Sunday
NOTICE = 30  # notice days on every tool made here
FAR = "2027-09-30"  # a renewal date far outside every window


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


def execute(ws: Workspace, sql: str, params: tuple[Any, ...] = ()) -> None:
    """A write from outside mops (legacy data, another program)."""
    conn = raw(ws)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def count(ws: Workspace, table: str) -> int:
    return int(rows(ws, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


@contextmanager
def on(ws: Workspace, day: date, **options: Any) -> Iterator[Workspace]:
    """A workspace on the same database whose today is ``day`` (now: 09:00 that day)."""
    other = Workspace(
        ws.url,
        actor="tester",
        today_fn=lambda: day,
        now_fn=lambda: datetime.combine(day, time(9)),
        **options,
    )
    try:
        yield other
    finally:
        other.close()


def by_key(ws: Workspace, **kwargs: Any) -> dict[str, InboxItem]:
    return {i.key: i for i in triage.inbox(ws, **kwargs)}


def of_kind(ws: Workspace, kind: str) -> list[InboxItem]:
    return [i for i in triage.inbox(ws) if i.kind == kind]


def refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.fields}


def add_team(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa", "team": "Ops"})
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor", "team": "Demand Gen"})


def raw_tool(name: str, **over: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": name,
        "vendor": "Vendor",
        "category": "Marketing automation",
        "owner": "ana",
        "purpose": f"{name} for the team.",
        "status": "active",
        "annual_cost": "12000",
        "renewal_date": FAR,
        "notice_days": str(NOTICE),
        "holds_personal_data": "no",
        "last_reviewed_on": "2026-06-01",
    }
    raw.update(over)
    return raw


def tool(ws: Workspace, name: str, **over: Any) -> ToolView:
    return stack.create(ws, raw_tool(name, **over))


def renewing(ws: Workspace, name: str, cancel_in: int, **over: Any) -> ToolView:
    """An active tool whose cancel-by date is ``cancel_in`` days from today."""
    renewal = TODAY + timedelta(days=cancel_in + NOTICE)
    view = tool(ws, name, renewal_date=renewal.isoformat(), **over)
    assert view.cancel_by == TODAY + timedelta(days=cancel_in)
    return view


def personal(ws: Workspace, name: str, *, dpa: bool = True) -> ToolView:
    """A tool holding personal data: active with a DPA, or still evaluating without."""
    if dpa:
        return tool(
            ws, name, holds_personal_data="yes", dpa_signed_on="2026-01-15", data_region="EU"
        )
    return tool(
        ws,
        name,
        status="evaluating",
        holds_personal_data="yes",
        annual_cost="",
        renewal_date="",
        notice_days="",
    )


def flow(
    ws: Workspace, source: str, target: str, data: str = "contacts", *, pii: bool = True
) -> int:
    made = stack.add_integration(
        ws, {"source": source, "target": target, "data": data, "personal": "yes" if pii else "no"}
    )
    return made.id


def line(
    ws: Workspace, period: str = "2026-11", channel: str = "Paid search", planned: str = "1000"
) -> LineView:
    return ledger.create_line(
        ws, {"period": period, "channel": channel, "planned": planned, "owner": "ben"}
    )


def spend(ws: Workspace, ln: LineView, amount: str, on_day: str = "2026-11-03") -> None:
    ledger.add_entry(
        ws, {"entry_date": on_day, "amount": amount, "payee": "Google", "line": f"#{ln.id}"}
    )


def kpi(ws: Workspace, key: str, *, source: str | None = "HubSpot", active: bool = True) -> Any:
    raw: dict[str, Any] = {
        "key": key,
        "label": key.replace("_", " ").capitalize(),
        "owner": "ana",
        "kind": "count",
        "definition": f"How {key} is counted.",
        "decision": "Where next quarter's budget goes.",
        "data_gaps": "none known",
    }
    if source:
        raw["data_source"] = source
    view = kpis.create(ws, raw)
    if active:
        view = kpis.transition(ws, view.id, {"status": "active"}, view.version)
    return view


def brief(ws: Workspace, title: str, **over: Any) -> BriefView:
    raw: dict[str, Any] = {
        "title": title,
        "objective": "Create 300 MQLs.",
        "audience": "Heads of marketing operations.",
        "launch_date": "2027-01-20",
        "kpi": "mqls_created",
        "kpi_target": "300",
    }
    raw.update(over)
    return briefs.create(ws, raw)


@pytest.fixture
def team(ws: Workspace) -> Workspace:
    add_team(ws)
    return ws


@pytest.fixture
def measured(team: Workspace) -> Workspace:
    """The team plus HubSpot (active, nothing pressing) and one active KPI on it."""
    tool(team, "HubSpot")
    kpi(team, "mqls_created")
    assert triage.inbox(team) == []
    return team


# ---------------------------------------------------------------------------
# An empty workspace
# ---------------------------------------------------------------------------


def test_an_empty_workspace_has_an_empty_inbox_and_zero_figures(ws: Workspace) -> None:
    assert triage.inbox(ws) == []
    assert triage.inbox(ws, include_snoozed=True) == []
    fig = triage.figures(ws)
    assert fig.briefs_by_state == {"draft": 0, "submitted": 0, "approved": 0, "in_flight": 0}
    assert fig.period == "2026-Q4"
    assert (fig.planned, fig.actual) == (0, 0)
    assert (fig.renewals_90, fig.renewals_90_cost, fig.compliance_gaps, fig.snoozed) == (
        0,
        0,
        0,
        0,
    )
    assert triage.lineage(ws) == []


def test_urgency_is_the_workspace_coefficients(ws: Workspace) -> None:
    assert triage.urgency(ws) == Urgency()
    ws.urgency = Urgency(compliance=1.5)
    assert triage.urgency(ws).compliance == 1.5


# ---------------------------------------------------------------------------
# Briefs: waiting for review, at risk, overdue
# ---------------------------------------------------------------------------


def test_a_brief_waiting_too_long_for_review_shows_its_age_in_working_days(
    measured: Workspace,
) -> None:
    submitted_on = date(2026, 11, 2)  # a Monday, four weeks back
    with on(measured, submitted_on) as then:
        b = brief(then, "Q1 webinar series")
        briefs.move(then, b.id, "submit")

    [item] = triage.inbox(measured)
    waited = working_days_between(submitted_on, TODAY)
    assert waited == 19
    assert item.key == f"brief-review:{b.id}"
    assert item.kind == "brief_review"
    assert item.area == "Briefs"
    assert item.title == f"#{b.id} Q1 webinar series"
    assert item.why == "Waiting 19 working days for review (the standard is 3). No owner yet."
    assert item.age_days == 19
    assert item.due is None
    assert item.target == ("briefs", b.id)
    assert item.score == 5.0 + 0.5 * 19


def test_a_brief_submitted_within_the_review_standard_is_not_listed(measured: Workspace) -> None:
    with on(measured, date(2026, 11, 25)) as then:  # two working days back
        b = brief(then, "Fresh")
        briefs.move(then, b.id, "submit")
    assert triage.inbox(measured) == []


def test_an_approved_brief_close_to_launch_is_at_risk(measured: Workspace) -> None:
    with on(measured, date(2026, 11, 2)) as then:
        risky = brief(then, "Risky launch", launch_date="2026-12-02")
        safe = brief(then, "Safe launch", launch_date="2027-01-20")
        for b in (risky, safe):
            briefs.move(then, b.id, "submit")
            briefs.assign(then, b.id, "ana")
            briefs.move(then, b.id, "approve")

    [item] = triage.inbox(measured)
    assert item.key == f"brief-risk:{risky.id}"
    assert item.kind == "brief_risk"
    assert item.title == f"#{risky.id} Risky launch"
    assert item.why == "Approved but not in flight, with 3 working days to launch. Owner: ana."
    assert item.due == date(2026, 12, 2)
    assert item.age_days is None
    assert item.target == ("briefs", risky.id)


def test_a_launch_date_passed_before_the_brief_is_in_flight_is_overdue(
    measured: Workspace,
) -> None:
    with on(measured, date(2026, 11, 2)) as then:
        late = brief(then, "Late launch", launch_date="2026-11-20")
        flying = brief(then, "Flying", launch_date="2026-11-16")
        for move in ("submit", "assign", "approve", "start"):
            if move == "assign":
                briefs.assign(then, flying.id, "ana")
            else:
                briefs.move(then, flying.id, move)
        dropped = brief(then, "Dropped", launch_date="2026-11-20")
        briefs.move(then, dropped.id, "cancel", reason="No budget.")

    [item] = triage.inbox(measured)
    assert item.key == f"brief-overdue:{late.id}"
    assert item.kind == "brief_overdue"
    assert item.title == f"#{late.id} Late launch"
    assert item.why == (
        "The launch date 2026-11-20 has passed (5 working days ago) and it is not in flight. "
        "No owner yet."
    )
    assert item.due == date(2026, 11, 20)
    assert item.target == ("briefs", late.id)
    # 10 + 0.4 × (14 + 9 days late)
    assert item.score == 19.2


# ---------------------------------------------------------------------------
# Stack: renewals, compliance, review, decommission
# ---------------------------------------------------------------------------


def test_a_renewal_item_names_the_cancel_by_date_cost_and_the_decision(team: Workspace) -> None:
    t = renewing(team, "HubSpot", 12)
    [item] = triage.inbox(team)
    assert item.key == f"renewal:{t.id}:2027-01-10"
    assert item.kind == "renewal_30"
    assert item.area == "Stack"
    assert item.title == "HubSpot"
    assert item.why == (
        "Cancel by 2026-12-11 (in 12 days); renews 2027-01-10 for £12,000 a year "
        "automatically. Decide: renew, renegotiate or cancel."
    )
    assert item.due == date(2026, 12, 11)
    assert item.cost == 1_200_000
    assert item.target == ("stack", t.id)
    assert item.extra == {"tool_id": t.id, "renewal_date": "2027-01-10"}
    # 6 + 0.4 × (14 − 12) + 0.3 × 10 (capped)
    assert item.score == 9.8


def test_a_renewal_that_does_not_auto_renew_says_so(team: Workspace) -> None:
    renewing(team, "Hotjar", 45, auto_renew="no")
    [item] = triage.inbox(team)
    assert item.why == (
        "Cancel by 2027-01-13 (in 45 days); renews 2027-02-12 for £12,000 a year only if "
        "someone renews it (no auto-renewal). Decide: renew, renegotiate or cancel."
    )


@pytest.mark.parametrize(
    ("cancel_in", "kind"),
    [
        (-30, "renewal_30"),
        (-1, "renewal_30"),
        (0, "renewal_30"),
        (30, "renewal_30"),
        (31, "renewal_60"),
        (60, "renewal_60"),
        (61, "renewal_90"),
        (90, "renewal_90"),
        (91, None),
        (-31, None),
    ],
)
def test_renewals_fall_in_the_30_60_and_90_day_windows_by_cancel_by_date(
    team: Workspace, cancel_in: int, kind: str | None
) -> None:
    t = renewing(team, "Semrush", cancel_in)
    items = [i for i in triage.inbox(team) if i.kind.startswith("renewal")]
    if kind is None:
        assert items == []
        return
    [item] = items
    assert item.kind == kind
    assert item.due == t.cancel_by
    assert t.cancel_by is not None
    if cancel_in < 0:
        days = -cancel_in
        when = f"The cancel-by date {t.cancel_by.isoformat()} passed {days} day"
        assert item.why.startswith(when + ("s ago;" if days != 1 else " ago;"))
    elif cancel_in == 0:
        assert item.why.startswith(f"Cancel by {t.cancel_by.isoformat()} (today);")
    else:
        assert item.why.startswith(f"Cancel by {t.cancel_by.isoformat()} (in {cancel_in} days);")


def test_a_dearer_renewal_ranks_above_a_cheaper_one_with_the_same_dates(team: Workspace) -> None:
    cheap = renewing(team, "Aardvark", 40, annual_cost="1000")
    dear = renewing(team, "Zebra", 40, annual_cost="9000")
    ranked = [i for i in triage.inbox(team) if i.kind == "renewal_60"]
    assert [i.target for i in ranked] == [("stack", dear.id), ("stack", cheap.id)]
    assert ranked[0].score == 6.2  # 3.5 + 0.3 × 9 thousand
    assert ranked[1].score == 3.8  # 3.5 + 0.3 × 1 thousand


def test_tools_not_under_contract_have_no_renewal_item(team: Workspace) -> None:
    renewal = (TODAY + timedelta(days=40)).isoformat()
    tool(team, "Trial", status="evaluating", renewal_date=renewal)
    gone = tool(team, "Gone", renewal_date=renewal)
    stack.transition(
        team,
        gone.id,
        {"status": "retired", "reason": "Replaced.", "retired_on": "2026-11-20"},
        gone.version,
    )
    winding = tool(team, "Winding down", renewal_date=renewal)
    stack.transition(team, winding.id, {"status": "decommissioning"}, winding.version)

    renewals = [i for i in triage.inbox(team) if i.kind.startswith("renewal")]
    assert [i.title for i in renewals] == ["Winding down"]


def test_personal_data_with_no_dpa_is_a_compliance_item(team: Workspace) -> None:
    personal(team, "Signed")  # DPA and region: no gap
    t = personal(team, "Typeform", dpa=False)
    [item] = triage.inbox(team)
    assert item.key == f"compliance:{t.id}"
    assert item.kind == "compliance"
    assert item.title == "Typeform"
    assert item.why == (
        "Compliance gap: holds personal data with no signed DPA; holds personal data with no "
        "data region recorded."
    )
    assert item.due is None
    assert item.target == ("stack", t.id)
    assert item.score == 9.0


def test_a_review_more_than_a_year_old_is_overdue(team: Workspace) -> None:
    tool(team, "Fresh", last_reviewed_on="2026-06-01")
    old = tool(team, "Old", last_reviewed_on="2025-01-01")
    never = tool(team, "Never", last_reviewed_on="")
    items = {i.title: i for i in of_kind(team, "review")}
    assert set(items) == {"Old", "Never"}

    assert items["Old"].key == f"review:{old.id}"
    assert items["Old"].why == (
        "Review overdue: last reviewed 2025-01-01 (reviews are due every 12 months)."
    )
    assert items["Old"].due == date(2026, 1, 1)
    assert items["Old"].target == ("stack", old.id)
    assert items["Never"].why == (
        "Review overdue: never reviewed (reviews are due every 12 months)."
    )
    assert items["Never"].due is None
    assert items["Never"].target == ("stack", never.id)


def test_the_review_due_date_follows_the_configured_review_months(db_url: str) -> None:
    # An overdue review must not show a due date in the future.
    ws = open_workspace(db_url, "tester", {"stack": {"review_months": 6}})
    try:
        add_team(ws)
        tool(ws, "Semrush", last_reviewed_on="2026-04-01")
        tool(ws, "Recent", last_reviewed_on="2026-07-01")
        [item] = of_kind(ws, "review")
        assert item.title == "Semrush"
        assert "reviews are due every 6 months" in item.why
        assert item.due == date(2026, 10, 1)
    finally:
        ws.close()


def test_a_costly_tool_nobody_uses_is_a_decommission_candidate(team: Workspace) -> None:
    idle = tool(team, "Idle", seats_bought="100", seats_used="5", annual_cost="20000")
    busy = tool(team, "Busy", seats_bought="100", seats_used="90", annual_cost="20000")
    linked = tool(team, "Linked", seats_bought="100", seats_used="5", annual_cost="20000")
    flow(team, "Linked", "Busy", "orders", pii=False)
    items = of_kind(team, "decommission")
    # Busy uses its seats; Linked has an integration: neither is a candidate.
    assert [i.target for i in items] == [("stack", idle.id)]
    assert {busy.id, linked.id}.isdisjoint(i.target[1] for i in triage.inbox(team))
    [item] = items
    assert item.key == f"decommission:{idle.id}"
    assert item.title == "Idle"
    assert item.why == (
        "Decommission candidate: 5% of seats used, £20,000 a year, no KPI draws data from it "
        "and nothing integrates with it."
    )
    assert item.cost == 2_000_000
    assert item.score == 6.0  # 3 + 0.3 × 10 (capped)


# ---------------------------------------------------------------------------
# Ledger: budget lines near and over plan, months not closed
# ---------------------------------------------------------------------------


def test_a_budget_line_at_ninety_percent_or_more_is_near_plan(team: Workspace) -> None:
    near = line(team, channel="Paid search")
    spend(team, near, "950")
    at_90 = line(team, channel="Events")
    spend(team, at_90, "900")
    below = line(team, channel="Social")
    spend(team, below, "899.99")

    items = {i.title: i for i in of_kind(team, "budget_near")}
    assert set(items) == {"2026-11 · Paid search", "2026-11 · Events"}
    item = items["2026-11 · Paid search"]
    assert item.key == f"budget_near:{near.id}"
    assert item.area == "Ledger"
    assert item.why == "£950 spent of £1,000 planned (95%); forecast £983 by period end."
    assert item.due == date(2026, 11, 30)
    assert item.over_share == 0.0
    assert item.target == ("ledger", near.id)
    assert of_kind(team, "budget_over") == []


def test_a_budget_line_over_plan_carries_its_share_over(team: Workspace) -> None:
    over = line(team, channel="Events")
    spend(team, over, "1500")
    [item] = triage.inbox(team)
    assert item.key == f"budget_over:{over.id}"
    assert item.kind == "budget_over"
    assert item.title == "2026-11 · Events"
    assert item.why == "£1,500 spent of £1,000 planned (150%)."
    assert item.over_share == pytest.approx(0.5)
    assert item.due == date(2026, 11, 30)
    # 7 + 0.4 × (14 − 1) + 0.5 × 5
    assert item.score == 14.7


def test_spend_on_a_line_with_nothing_planned_is_over_plan(team: Workspace) -> None:
    empty = line(team, channel="Events", planned="0")
    spend(team, empty, "100")
    [item] = triage.inbox(team)
    assert item.kind == "budget_over"
    assert item.why == "£100 spent with nothing planned."
    assert item.over_share == 1.0


def test_a_line_exactly_at_plan_is_near_not_over(team: Workspace) -> None:
    exact = line(team, channel="Events")
    spend(team, exact, "1000")
    [item] = triage.inbox(team)
    assert item.kind == "budget_near"


def test_ended_months_with_lines_that_are_not_closed_are_listed(team: Workspace) -> None:
    line(team, "2026-07", "Events")  # four months back: out of range
    line(team, "2026-08", "Events")
    # No line in 2026-09: nothing to close there.
    line(team, "2026-10", "Events")
    line(team, "2026-11", "Events")  # not ended yet

    items = of_kind(team, "period_open")
    assert [i.key for i in items] == ["period:2026-08", "period:2026-10"]
    oct_item = items[1]
    late = working_days_between(date(2026, 10, 31), TODAY)
    assert late == 20
    assert oct_item.title == "Close 2026-10"
    assert oct_item.why == (
        "2026-10 ended 20 working days ago and is not closed; late invoices can still change "
        "its figures."
    )
    assert oct_item.age_days == late
    assert oct_item.target == ("ledger-period", "2026-10")
    assert oct_item.area == "Ledger"

    ledger.close_period(team, "2026-10")
    assert [i.key for i in of_kind(team, "period_open")] == ["period:2026-08"]


def test_a_month_with_no_budget_line_is_not_listed(team: Workspace) -> None:
    line(team, "2027-01", "Events")
    assert of_kind(team, "period_open") == []


def test_a_quarter_line_makes_its_ended_months_closable(team: Workspace) -> None:
    line(team, "2026-Q4", "Events")
    assert [i.key for i in of_kind(team, "period_open")] == ["period:2026-10"]


# ---------------------------------------------------------------------------
# KPIs: not active but used, active with no source
# ---------------------------------------------------------------------------


def test_a_kpi_used_by_open_briefs_but_not_active_is_listed(measured: Workspace) -> None:
    kpi(measured, "share_of_voice", active=False)
    one = brief(measured, "One", kpi="share_of_voice", kpi_target="")
    [item] = triage.inbox(measured)
    assert item.key == "kpi-not-active:share_of_voice"
    assert item.kind == "kpi_not_active"
    assert item.area == "KPIs"
    assert item.title == "share_of_voice"
    assert item.why == (
        "1 open brief uses this KPI, but it is draft; a brief cannot be approved on a KPI "
        "that is not active."
    )
    assert item.target == ("kpis", "share_of_voice")

    brief(measured, "Two", kpi="share_of_voice", kpi_target="")
    [item] = triage.inbox(measured)
    assert item.why.startswith("2 open briefs use this KPI, but it is draft;")

    briefs.move(measured, one.id, "cancel", reason="Dropped.")
    [item] = triage.inbox(measured)
    assert item.why.startswith("1 open brief uses this KPI")


def test_an_unused_draft_kpi_is_not_listed(measured: Workspace) -> None:
    kpi(measured, "share_of_voice", active=False)
    assert triage.inbox(measured) == []


def test_an_active_kpi_whose_source_is_retired_is_listed(measured: Workspace) -> None:
    sheets = tool(measured, "Sheets")
    kpi(measured, "sheet_leads", source="Sheets")
    stack.transition(
        measured,
        sheets.id,
        {"status": "retired", "reason": "Replaced.", "retired_on": "2026-11-20"},
        sheets.version,
        confirmed_kpis=["sheet_leads"],
    )
    [item] = triage.inbox(measured)
    assert item.key == "kpi-no-source:sheet_leads"
    assert item.kind == "kpi_no_source"
    assert item.title == "sheet_leads"
    assert item.why == "Active, but its data source Sheets is retired."
    assert item.target == ("kpis", "sheet_leads")


def test_an_active_kpi_with_no_data_source_is_listed(measured: Workspace) -> None:
    # The service refuses to activate a KPI with no source, so this is legacy data.
    execute(measured, "UPDATE kpis SET data_source_id = NULL WHERE key = 'mqls_created'")
    [item] = triage.inbox(measured)
    assert item.key == "kpi-no-source:mqls_created"
    assert item.why == "Active with no data source."


# ---------------------------------------------------------------------------
# Ranking across sources, and the [triage] coefficients
# ---------------------------------------------------------------------------


def a_busy_morning(ws: Workspace) -> None:
    """One or more items from every area."""
    add_team(ws)
    tool(ws, "HubSpot")
    kpi(ws, "mqls_created")
    renewing(ws, "Semrush", 12)
    renewing(ws, "Hotjar", 45, annual_cost="3000")
    renewing(ws, "Ahrefs", 45, annual_cost="3000")
    personal(ws, "Typeform", dpa=False)
    personal(ws, "Jotform", dpa=False)
    tool(ws, "Old", last_reviewed_on="2025-01-01")
    over = line(ws, channel="Events")
    spend(ws, over, "1500")
    near = line(ws, channel="Paid search")
    spend(ws, near, "950")
    line(ws, "2026-10", "Events")
    kpi(ws, "share_of_voice", active=False)
    with on(ws, date(2026, 11, 2)) as then:
        brief(then, "Awareness", kpi="share_of_voice", kpi_target="")
        waiting = brief(then, "Waiting")
        briefs.move(then, waiting.id, "submit")
        brief(then, "Late", launch_date="2026-11-20")


def test_the_inbox_is_ranked_by_score_then_due_date_then_title(ws: Workspace) -> None:
    a_busy_morning(ws)
    items = triage.inbox(ws)
    assert {i.area for i in items} == {"Briefs", "Stack", "Ledger", "KPIs"}
    assert len(items) == 12
    keys = [(-i.score, i.due or date.max, i.title.lower()) for i in items]
    assert keys == sorted(keys)
    assert items[0].kind == "brief_overdue"
    # Same kind, score and dates: the title decides.
    renewals_60 = [i.title for i in items if i.kind == "renewal_60"]
    assert renewals_60 == ["Ahrefs", "Hotjar"]
    gaps = [i.title for i in items if i.kind == "compliance"]
    assert gaps == ["Jotform", "Typeform"]
    # Every item scores exactly as the documented formula says.
    assert all(i.score == score(i, TODAY, Urgency()) for i in items)


def test_a_coefficient_set_to_zero_in_the_config_changes_the_order(
    db_url: str, ws: Workspace
) -> None:
    add_team(ws)
    personal(ws, "Typeform", dpa=False)
    renewing(ws, "Semrush", 40)
    assert [i.kind for i in triage.inbox(ws)] == ["compliance", "renewal_60"]

    quiet = open_workspace(db_url, "tester", {"triage": {"compliance": 0}})
    try:
        assert quiet.urgency.compliance == 0.0
        items = triage.inbox(quiet)
        assert [i.kind for i in items] == ["renewal_60", "compliance"]
        assert items[1].score == 0.0
    finally:
        quiet.close()


def test_config_coefficients_can_be_given_as_text(db_url: str) -> None:
    made = open_workspace(db_url, "tester", {"triage": {"renewal_30": "7.5", "due": 1}})
    try:
        assert (made.urgency.renewal_30, made.urgency.due) == (7.5, 1.0)
        assert made.urgency.compliance == Urgency().compliance
    finally:
        made.close()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"compliance": "lots"}, "[triage] compliance must be a number, not 'lots'"),
        ({"due": None}, "[triage] due must be a number, not None"),
    ],
)
def test_a_coefficient_that_is_not_a_number_is_a_clear_config_error(
    db_url: str, table: dict[str, Any], message: str
) -> None:
    with pytest.raises(WorkspaceError) as exc:
        open_workspace(db_url, "tester", {"triage": table})
    assert str(exc.value) == message


def test_an_unknown_coefficient_is_a_clear_config_error(db_url: str) -> None:
    with pytest.raises(WorkspaceError) as exc:
        open_workspace(db_url, "tester", {"triage": {"complience": 1}})
    assert str(exc.value).startswith("[triage] has unknown names: complience; the names are: ")
    assert "compliance" in str(exc.value)


@pytest.mark.parametrize("value", [5, "high", ["compliance"]])
def test_a_triage_setting_that_is_not_a_table_is_a_clear_config_error(
    db_url: str, value: Any
) -> None:
    with pytest.raises(WorkspaceError, match=r"\[triage\] must be a table"):
        open_workspace(db_url, "tester", {"triage": value})


# ---------------------------------------------------------------------------
# Snooze
# ---------------------------------------------------------------------------


@pytest.fixture
def gap(team: Workspace) -> InboxItem:
    """One compliance item in an otherwise empty inbox."""
    personal(team, "Typeform", dpa=False)
    [item] = triage.inbox(team)
    return item


def test_a_snooze_hides_the_item_until_its_date(team: Workspace, gap: InboxItem) -> None:
    until = triage.snooze(team, gap.key, "2026-12-05", "Legal is on it.")
    assert until == date(2026, 12, 5)

    assert triage.inbox(team) == []
    assert [i.key for i in triage.inbox(team, include_snoozed=True)] == [gap.key]
    assert triage.open_item(team, gap.key).title == "Typeform"
    fig = triage.figures(team)
    assert fig.snoozed == 1

    with on(team, date(2026, 12, 4)) as eve:
        assert triage.inbox(eve) == []
    with on(team, date(2026, 12, 5)) as day:
        assert [i.key for i in triage.inbox(day)] == [gap.key]
        assert triage.figures(day).snoozed == 0

    [stored] = rows(team, "SELECT item_key, until, note, created_by FROM snoozes")
    assert stored == {
        "item_key": gap.key,
        "until": "2026-12-05",
        "note": "Legal is on it.",
        "created_by": "tester",
    }


def test_a_snooze_is_audited_with_the_items_title_and_the_note(
    team: Workspace, gap: InboxItem
) -> None:
    before = count(team, "audit_log")
    triage.snooze(team, gap.key, "+1w", "  Zoë chases the DPA — 🗓 Tuesday  ")
    entries = rows(team, "SELECT * FROM audit_log ORDER BY id")
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry["actor"], entry["entity"], entry["action"]) == ("tester", "inbox", "snoozed")
    assert entry["summary"] == (
        "snoozed “Typeform” until 2026-12-06: Zoë chases the DPA — 🗓 Tuesday"
    )
    assert gap.key not in entry["summary"]
    after = json.loads(entry["after_json"])
    assert after["item"] == gap.key
    assert after["until"] == "2026-12-06"
    assert after["note"].strip() == "Zoë chases the DPA — 🗓 Tuesday"
    [stored] = rows(team, "SELECT note FROM snoozes")
    assert stored["note"] == "Zoë chases the DPA — 🗓 Tuesday"


def test_the_snooze_audit_snapshot_keeps_the_note_as_stored(
    team: Workspace, gap: InboxItem
) -> None:
    triage.snooze(team, gap.key, "+1w", "  Legal is on it.  ")
    [entry] = rows(team, "SELECT after_json FROM audit_log WHERE entity = 'inbox'")
    assert json.loads(entry["after_json"])["note"] == "Legal is on it."


def test_a_snooze_without_a_note_says_only_until_when(team: Workspace, gap: InboxItem) -> None:
    triage.snooze(team, gap.key, date(2027, 1, 4))
    [entry] = rows(team, "SELECT summary FROM audit_log WHERE entity = 'inbox'")
    assert entry["summary"] == "snoozed “Typeform” until 2027-01-04"


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("", "say until when: +1w, 2026-12-15, fri"),
        ("   ", "say until when: +1w, 2026-12-15, fri"),
        (None, "say until when: +1w, 2026-12-15, fri"),
        ("today", "snooze until a day after today"),
        ("2026-11-29", "snooze until a day after today"),
        ("yesterday", "snooze until a day after today"),
        ("2025-01-01", "snooze until a day after today"),
        ("+13m", "snooze for at most a year"),
        ("2027-12-01", "snooze for at most a year"),
    ],
)
def test_a_snooze_with_a_bad_date_is_refused_on_until(
    team: Workspace, gap: InboxItem, until: Any, message: str
) -> None:
    audits = count(team, "audit_log")
    with pytest.raises(ValidationFailed) as exc:
        triage.snooze(team, gap.key, until)
    assert refusal(exc) == {"until": message}
    assert count(team, "snoozes") == 0
    assert count(team, "audit_log") == audits
    assert [i.key for i in triage.inbox(team)] == [gap.key]


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-02-30", "“2026-02-30” is not a real date: February 2026 has 28 days"),
        ("2027-02-30", "“2027-02-30” is not a real date: February 2027 has 28 days"),
        ("31/31/2027", "“31/31/2027” is not a real date: there is no month 31"),
        (
            "someday",
            "“someday” is not a date; type a date such as 2026-12-01, 1 Dec, today or +2w",
        ),
        ("+1x", "“+1x” is not a date; type a date such as 2026-12-01, 1 Dec, today or +2w"),
    ],
)
def test_a_snooze_until_a_date_that_cannot_be_read_is_refused_on_until(
    team: Workspace, gap: InboxItem, until: str, message: str
) -> None:
    audits = count(team, "audit_log")
    with pytest.raises(ValidationFailed) as exc:
        triage.snooze(team, gap.key, until)
    assert refusal(exc) == {"until": message}
    assert count(team, "snoozes") == 0
    assert count(team, "audit_log") == audits


def test_a_snooze_up_to_a_year_ahead_is_allowed(team: Workspace, gap: InboxItem) -> None:
    assert triage.snooze(team, gap.key, "+1y") == date(2027, 11, 29)
    assert triage.inbox(team) == []


def test_snoozing_an_item_that_is_not_in_the_inbox_is_not_found(
    team: Workspace, gap: InboxItem
) -> None:
    audits = count(team, "audit_log")
    with pytest.raises(NotFound):
        triage.snooze(team, "compliance:999", "+1w")
    assert count(team, "snoozes") == 0
    assert count(team, "audit_log") == audits


def test_a_snoozed_item_can_be_snoozed_again_for_longer(team: Workspace, gap: InboxItem) -> None:
    triage.snooze(team, gap.key, "2026-12-05")
    triage.snooze(team, gap.key, "2026-12-20", "Still waiting.")
    assert triage.figures(team).snoozed == 1  # one item, however many snoozes
    with on(team, date(2026, 12, 10)) as later:
        assert triage.inbox(later) == []
    with on(team, date(2026, 12, 20)) as end:
        assert [i.key for i in triage.inbox(end)] == [gap.key]


def test_a_snooze_hides_only_its_own_item(team: Workspace) -> None:
    personal(team, "Typeform", dpa=False)
    personal(team, "Jotform", dpa=False)
    [first, second] = triage.inbox(team)
    triage.snooze(team, first.key, "+1w")
    assert [i.key for i in triage.inbox(team)] == [second.key]


def test_open_item_finds_an_item_by_key_or_says_it_is_gone(team: Workspace, gap: InboxItem) -> None:
    assert triage.open_item(team, gap.key) == gap
    with pytest.raises(NotFound):
        triage.open_item(team, "compliance:424242")


# ---------------------------------------------------------------------------
# Renewal decisions
# ---------------------------------------------------------------------------


@pytest.fixture
def due(team: Workspace) -> ToolView:
    """HubSpot: cancel-by in 12 days, renewing 2027-01-10."""
    return renewing(team, "HubSpot", 12)


def renewal_keys(ws: Workspace) -> list[str]:
    return [i.key for i in triage.inbox(ws) if i.kind.startswith("renewal")]


def test_renew_needs_no_note_and_clears_the_item(team: Workspace, due: ToolView) -> None:
    assert renewal_keys(team) == [f"renewal:{due.id}:2027-01-10"]
    triage.decide_renewal(team, due.id, "renew")
    assert renewal_keys(team) == []
    assert triage.inbox(team, include_snoozed=True) == []

    [stored] = rows(
        team, "SELECT tool_id, renewal_date, decision, note, decided_by FROM renewal_decisions"
    )
    assert stored == {
        "tool_id": due.id,
        "renewal_date": "2027-01-10",
        "decision": "renew",
        "note": "",
        "decided_by": "tester",
    }
    assert triage_q.decided_renewals(team.reader) == {(due.id, date(2027, 1, 10))}


def test_the_decision_shows_in_the_tools_history(team: Workspace, due: ToolView) -> None:
    triage.decide_renewal(team, due.id, "cancel", "  Ben gives notice by 2026-12-10 — ✉️  ")
    latest = audit.tool_history(team, due.id)[0]
    assert (latest.entity, latest.entity_id, latest.action, latest.actor) == (
        "tool",
        due.id,
        "renewal",
        "tester",
    )
    assert latest.summary == (
        "renewal decision for 2027-01-10: cancel — Ben gives notice by 2026-12-10 — ✉️"
    )
    assert latest.after == {
        "decision": "cancel",
        "renewal_date": "2027-01-10",
        "note": "Ben gives notice by 2026-12-10 — ✉️",
    }
    [row] = triage_q.decisions_for(team.reader, due.id)
    assert (row["decision"], row["note"]) == ("cancel", "Ben gives notice by 2026-12-10 — ✉️")


@pytest.mark.parametrize("decision", ["renegotiate", "cancel"])
@pytest.mark.parametrize("note", ["", "   "])
def test_renegotiate_and_cancel_need_a_note(
    team: Workspace, due: ToolView, decision: str, note: str
) -> None:
    audits = count(team, "audit_log")
    with pytest.raises(ValidationFailed) as exc:
        triage.decide_renewal(team, due.id, decision, note)
    assert refusal(exc) == {
        "note": f"say what to {decision}: the terms to ask for, or who gives notice and when"
    }
    assert count(team, "renewal_decisions") == 0
    assert count(team, "audit_log") == audits
    assert len(renewal_keys(team)) == 1


@pytest.mark.parametrize("decision", ["", "maybe", "Renew", "delete"])
def test_an_unknown_decision_is_refused(team: Workspace, due: ToolView, decision: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        triage.decide_renewal(team, due.id, decision, "note")
    assert refusal(exc) == {"decision": "choose renew, renegotiate or cancel"}
    assert count(team, "renewal_decisions") == 0


def test_a_tool_with_no_renewal_date_has_no_renewal_to_decide(team: Workspace) -> None:
    trial = tool(team, "Trial", status="evaluating", renewal_date="", annual_cost="")
    with pytest.raises(ValidationFailed) as exc:
        triage.decide_renewal(team, trial.id, "renew")
    assert refusal(exc) == {"decision": "Trial has no renewal date"}
    assert count(team, "renewal_decisions") == 0


def test_a_decision_for_a_tool_that_does_not_exist_is_not_found(team: Workspace) -> None:
    with pytest.raises(NotFound):
        triage.decide_renewal(team, 999, "renew")
    assert count(team, "renewal_decisions") == 0


def test_a_new_renewal_date_brings_the_item_back_until_decided_again(
    team: Workspace, due: ToolView
) -> None:
    other = renewing(team, "Semrush", 20)
    triage.decide_renewal(team, due.id, "renegotiate", "Ask for 15% off.")
    assert renewal_keys(team) == [f"renewal:{other.id}:2027-01-18"]

    # The new term is recorded: a renewal a year on, well outside the windows.
    fresh = stack.get(team, due.id)
    stack.update(team, due.id, {"renewal_date": "2028-01-10"}, fresh.version)
    assert renewal_keys(team) == [f"renewal:{other.id}:2027-01-18"]

    # A year later its cancel-by date is near again: a new item for the new term.
    with on(team, date(2027, 11, 29)) as next_year:
        keys = [i.key for i in triage.inbox(next_year) if i.kind.startswith("renewal")]
        assert f"renewal:{due.id}:2028-01-10" in keys

    # A nearer new term shows at once.
    fresh = stack.get(team, due.id)
    stack.update(team, due.id, {"renewal_date": "2027-02-10"}, fresh.version)
    assert f"renewal:{due.id}:2027-02-10" in renewal_keys(team)
    # The earlier decision stays in the history.
    assert any(h.action == "renewal" for h in audit.tool_history(team, due.id))


# ---------------------------------------------------------------------------
# Header figures
# ---------------------------------------------------------------------------


def test_briefs_by_state_are_the_counts_of_open_briefs(measured: Workspace) -> None:
    with on(measured, date(2026, 11, 2)) as then:
        for title in ("A", "B"):
            brief(then, title)
        s = brief(then, "Submitted")
        briefs.move(then, s.id, "submit")
        a = brief(then, "Approved")
        briefs.move(then, a.id, "submit")
        briefs.assign(then, a.id, "ana")
        briefs.move(then, a.id, "approve")
        f = brief(then, "Flying", launch_date="2026-11-20")
        briefs.move(then, f.id, "submit")
        briefs.assign(then, f.id, "ana")
        briefs.move(then, f.id, "approve")
        briefs.move(then, f.id, "start")
        x = brief(then, "Cancelled")
        briefs.move(then, x.id, "cancel", reason="Dropped.")

    fig = triage.figures(measured)
    expected: dict[str, int] = {}
    for b in briefs.list_briefs(measured):
        expected[b.status] = expected.get(b.status, 0) + 1
    assert fig.briefs_by_state == {
        s: expected.get(s, 0) for s in ("draft", "submitted", "approved", "in_flight")
    }
    assert fig.briefs_by_state == {"draft": 2, "submitted": 1, "approved": 1, "in_flight": 1}
    assert "cancelled" not in fig.briefs_by_state


def test_spend_against_plan_is_this_quarters_channel_report(team: Workspace) -> None:
    oct_events = line(team, "2026-10", "Events", planned="2000")
    nov_events = line(team, "2026-11", "Events", planned="1000")
    q4_search = line(team, "2026-Q4", "Paid search", planned="6000")
    next_q = line(team, "2027-Q1", "Paid search", planned="9000")
    spend(team, oct_events, "1200", "2026-10-15")
    spend(team, nov_events, "300.50")
    spend(team, q4_search, "2500")
    assert next_q.planned == 900_000

    fig = triage.figures(team)
    quarter = quarter_containing(TODAY, team.fy_start)
    assert fig.period == quarter.label == "2026-Q4"
    # Worked by hand: 2,000 + 1,000 + 6,000 planned; 1,200 + 300.50 + 2,500 spent.
    assert fig.planned == 900_000
    assert fig.actual == 400_050
    report = ledger.report(team, "2026-Q4", "channel")
    assert (fig.planned, fig.actual) == (report.planned, report.actual)
    assert fig.planned == sum(r.planned for r in report.rows)


def test_renewals_in_the_next_90_days_and_their_cost(team: Workspace) -> None:
    def renewal_in(days: int) -> str:
        return (TODAY + timedelta(days=days)).isoformat()

    tool(team, "Today", renewal_date=renewal_in(0), annual_cost="1000")
    tool(team, "Soon", renewal_date=renewal_in(40), annual_cost="2500.50")
    tool(team, "Edge", renewal_date=renewal_in(90), annual_cost="4000")
    tool(team, "Beyond", renewal_date=renewal_in(91), annual_cost="8000")
    tool(team, "Trial", status="evaluating", renewal_date=renewal_in(30), annual_cost="16000")
    winding = tool(team, "Winding", renewal_date=renewal_in(10), annual_cost="500")
    stack.transition(team, winding.id, {"status": "decommissioning"}, winding.version)

    # Worked out from the Stack, independently of the triage queries.
    end = TODAY + timedelta(days=90)
    due = [
        t
        for t in stack.list_tools(team)
        if t.status in ("active", "under_review", "decommissioning")
        and t.renewal_date is not None
        and TODAY <= t.renewal_date <= end
    ]
    assert sorted(t.name for t in due) == ["Edge", "Soon", "Today", "Winding"]
    fig = triage.figures(team)
    assert fig.renewals_90 == len(due) == 4
    assert fig.renewals_90_cost == sum(t.annual_cost or 0 for t in due) == 800_050


def test_compliance_gaps_count_the_compliance_items(team: Workspace) -> None:
    personal(team, "Typeform", dpa=False)
    personal(team, "Jotform", dpa=False)
    personal(team, "Signed")
    fig = triage.figures(team)
    assert fig.compliance_gaps == 2
    items = triage.inbox(team)
    assert triage.figures(team, items).compliance_gaps == 2
    assert triage.figures(team, items[:1]).compliance_gaps == 1


def test_a_snoozed_compliance_gap_is_still_counted(team: Workspace) -> None:
    personal(team, "Typeform", dpa=False)
    personal(team, "Jotform", dpa=False)
    first = next(i for i in triage.inbox(team) if i.kind == "compliance")
    triage.snooze(team, first.key, "+1w", "legal is on it")
    items = triage.inbox(team)
    assert first.key not in {i.key for i in items}
    fig = triage.figures(team, items)
    assert (fig.compliance_gaps, fig.snoozed) == (2, 1)


# ---------------------------------------------------------------------------
# Personal-data lineage
# ---------------------------------------------------------------------------


def test_lineage_follows_personal_integrations_and_flags_a_hop_with_no_dpa(
    team: Workspace,
) -> None:
    personal(team, "Alpha")
    personal(team, "Bravo")
    personal(team, "Charlie", dpa=False)
    tool(team, "Delta")  # holds no personal data
    flow(team, "Alpha", "Bravo", "leads")
    flow(team, "Bravo", "Charlie", "contacts")
    flow(team, "Alpha", "Delta", "page views", pii=False)  # not personal: not lineage

    found = {name: (has_dpa, chains) for name, has_dpa, chains in triage.lineage(team)}
    assert list(found) == ["Alpha", "Bravo", "Charlie"]
    assert [has for has, _ in found.values()] == [True, True, False]

    [chain] = found["Alpha"][1]
    assert [(h.source, h.target, h.data) for h in chain] == [
        ("Alpha", "Bravo", "leads"),
        ("Bravo", "Charlie", "contacts"),
    ]
    assert [h.target_has_dpa for h in chain] == [True, False]
    assert all(h.target_holds_personal for h in chain)
    assert [[h.target for h in c] for c in found["Bravo"][1]] == [["Charlie"]]
    assert found["Charlie"][1] == []


def test_lineage_cuts_cycles(team: Workspace) -> None:
    for name in ("Alpha", "Bravo", "Charlie"):
        personal(team, name)
    flow(team, "Alpha", "Bravo")
    flow(team, "Bravo", "Charlie")
    flow(team, "Charlie", "Alpha")
    flow(team, "Bravo", "Alpha", "opt-outs")

    found = {name: chains for name, _, chains in triage.lineage(team)}
    paths = {name: sorted([h.target for h in c] for c in chains) for name, chains in found.items()}
    assert paths == {
        # Bravo → Alpha would return to the start: the chain stops at Charlie instead.
        "Alpha": [["Bravo", "Charlie"]],
        "Bravo": [["Alpha"], ["Charlie", "Alpha"]],
        "Charlie": [["Alpha", "Bravo"]],
    }
    for chains in found.values():
        for chain in chains:
            visited = [chain[0].source] + [h.target for h in chain]
            assert len(visited) == len(set(visited))  # no tool twice in a chain


def test_lineage_shows_a_hop_into_a_tool_not_marked_as_holding_personal_data(
    team: Workspace,
) -> None:
    personal(team, "Alpha")
    tool(team, "Sheets")
    flow(team, "Alpha", "Sheets", "exports")
    [(name, has_dpa, [[hop]])] = triage.lineage(team)
    assert (name, has_dpa) == ("Alpha", True)
    assert (hop.target, hop.target_has_dpa, hop.target_holds_personal) == (
        "Sheets",
        False,
        False,
    )


def test_lineage_ignores_removed_integrations_and_retired_tools(team: Workspace) -> None:
    personal(team, "Alpha")
    personal(team, "Bravo")
    old = personal(team, "Old")
    removed = flow(team, "Alpha", "Bravo")
    flow(team, "Alpha", "Old")
    stack.remove_integration(team, removed)
    stack.transition(
        team,
        old.id,
        {"status": "retired", "reason": "Replaced.", "retired_on": "2026-11-20"},
        old.version,
    )
    found = {name: chains for name, _, chains in triage.lineage(team)}
    assert found == {"Alpha": [], "Bravo": []}


# ---------------------------------------------------------------------------
# The change marker the TUI watches
# ---------------------------------------------------------------------------


def test_the_change_marker_moves_after_every_write_and_not_after_reads(
    team: Workspace,
) -> None:
    t = renewing(team, "HubSpot", 12)
    ln = line(team)
    seen = [triage.change_marker(team)]

    def changed() -> None:
        now = triage.change_marker(team)
        assert now != seen[-1]
        assert now > seen[-1]
        seen.append(now)

    spend(team, ln, "10")
    changed()
    stack.update(team, t.id, {"annual_cost": "13000"}, t.version)
    changed()
    triage.snooze(team, f"renewal:{t.id}:2027-01-10", "+1w")
    changed()
    triage.decide_renewal(team, t.id, "renew")
    changed()

    triage.inbox(team)
    triage.figures(team)
    triage.lineage(team)
    assert triage.change_marker(team) == seen[-1]


def test_the_change_marker_sees_another_users_write(db_url: str, team: Workspace) -> None:
    before = triage.change_marker(team)
    other = Workspace(db_url, actor="ana")
    try:
        tool(other, "Canva")
    finally:
        other.close()
    assert triage.change_marker(team) != before


# ---------------------------------------------------------------------------
# Ugly input comes through unchanged (the faces escape it when they render)
# ---------------------------------------------------------------------------


def test_markup_and_emoji_in_names_come_through_unchanged(measured: Workspace) -> None:
    personal(measured, "[bold]Typeform[/] 🎉", dpa=False)
    personal(measured, "[/]", dpa=False)
    over = line(measured, channel="[red]Events[/red] ✨")
    spend(measured, over, "1500")
    with on(measured, date(2026, 11, 2)) as then:
        b = brief(then, "[link=https://x]Launch[/link] 🚀 [/]", launch_date="2026-11-20")

    titles: dict[str, list[str]] = {}
    for i in triage.inbox(measured):
        titles.setdefault(i.kind, []).append(i.title)
    assert sorted(titles["compliance"]) == ["[/]", "[bold]Typeform[/] 🎉"]
    assert titles["budget_over"] == ["2026-11 · [red]Events[/red] ✨"]
    assert titles["brief_overdue"] == [f"#{b.id} [link=https://x]Launch[/link] 🚀 [/]"]


def test_escape_codes_already_in_the_database_come_through_unchanged(team: Workspace) -> None:
    t = personal(team, "Typeform", dpa=False)
    # The forms refuse escape codes; this is data written by something else.
    execute(team, "UPDATE tools SET name = ? WHERE id = ?", ("Type\x1b[31mform\x07", t.id))
    [item] = triage.inbox(team)
    assert item.title == "Type\x1b[31mform\x07"
    triage.snooze(team, item.key, "+1d", "note")
    [entry] = rows(team, "SELECT summary FROM audit_log WHERE entity = 'inbox'")
    assert entry["summary"] == "snoozed “Type\x1b[31mform\x07” until 2026-11-30: note"


# ---------------------------------------------------------------------------
# The triage queries on their own
# ---------------------------------------------------------------------------


def test_active_snoozes_are_those_ending_after_the_day_asked_about(
    team: Workspace, gap: InboxItem
) -> None:
    triage.snooze(team, gap.key, "2026-12-05")
    assert triage_q.active_snoozes(team.reader, date(2026, 12, 4)) == {gap.key}
    assert triage_q.active_snoozes(team.reader, date(2026, 12, 5)) == set()


def test_renewals_between_lists_tools_under_contract_in_renewal_order(team: Workspace) -> None:
    later = tool(team, "Later", renewal_date="2027-02-01", annual_cost="2000")
    sooner = tool(team, "Sooner", renewal_date="2026-12-15", annual_cost="1000")
    tool(team, "Trial", status="evaluating", renewal_date="2027-01-01", annual_cost="5000")
    tool(team, "Outside", renewal_date="2027-06-01")
    found = triage_q.renewals_between(team.reader, TODAY, date(2027, 2, 1))
    assert [(r["id"], r["name"], r["annual_cost"]) for r in found] == [
        (sooner.id, "Sooner", 100_000),
        (later.id, "Later", 200_000),
    ]
