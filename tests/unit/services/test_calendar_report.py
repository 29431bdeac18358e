"""The calendar events and the monthly report, on the demo workspace.

The report's figures are checked against the services' own sums: the ledger's
plan-vs-actual by channel, the brief queue's transitions, the stack's flags.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from backends import raw

from mops_tui.domain.errors import ValidationFailed
from mops_tui.domain.report import outcome_verdict
from mops_tui.domain.tools import UNDER_CONTRACT
from mops_tui.formats import ical
from mops_tui.formats import report as fmt
from mops_tui.services import briefs, calendar, kpis, ledger, report, stack
from mops_tui.services.workspace import Workspace

TODAY = date(2026, 11, 29)


# ---------------------------------------------------------------------------
# Calendar events
# ---------------------------------------------------------------------------


def by_uid(events: list[calendar.CalendarEvent]) -> dict[str, calendar.CalendarEvent]:
    return {e.uid: e for e in events}


def test_hubspot_renewal_and_cancel_by_are_events(demo_ws: Workspace) -> None:
    hubspot = stack.get_by_name(demo_ws, "HubSpot Marketing Hub")
    assert hubspot.renewal_date is not None and hubspot.cancel_by is not None
    found = by_uid(calendar.events(demo_ws))
    renewal = found[f"renewal-{hubspot.id}-{hubspot.renewal_date.isoformat()}@mops"]
    cancel = found[f"cancel-by-{hubspot.id}-{hubspot.renewal_date.isoformat()}@mops"]
    assert renewal.on == hubspot.renewal_date and renewal.kind == "renewal"
    assert cancel.on == hubspot.cancel_by and cancel.kind == "cancel_by"
    assert "HubSpot Marketing Hub" in renewal.summary
    assert "£38,400" in renewal.description  # the annual cost
    assert "Ana Costa" in renewal.description or "(ana)" in renewal.description
    assert "Auto-renew: yes" in renewal.description
    assert f"Cancel by: {hubspot.cancel_by.isoformat()}" in cancel.description
    assert renewal.sequence == hubspot.version - 1


def test_only_tools_under_contract_have_renewal_events(demo_ws: Workspace) -> None:
    found = calendar.events(demo_ws)
    tool_ids = {int(e.record.split(":")[1]) for e in found if e.record.startswith("tool:")}
    for tool in stack.list_tools(demo_ws):
        if tool.status not in UNDER_CONTRACT:
            assert tool.id not in tool_ids, tool.name
    retired = [t for t in stack.list_tools(demo_ws) if t.status == "retired"]
    assert any(t.renewal_date and t.renewal_date > TODAY for t in retired)  # would show


def test_every_renewal_in_the_window_is_there(demo_ws: Workspace) -> None:
    found = by_uid(calendar.events(demo_ws, days_ahead=365, days_back=30))
    first, last = TODAY - timedelta(days=30), TODAY + timedelta(days=365)
    expected = {
        f"renewal-{t.id}-{t.renewal_date.isoformat()}@mops"
        for t in stack.list_tools(demo_ws)
        if t.status in UNDER_CONTRACT and t.renewal_date and first <= t.renewal_date <= last
    }
    assert expected and expected <= set(found)
    renewals = {uid for uid, e in found.items() if e.kind == "renewal"}
    assert renewals == expected


def test_launches_of_open_briefs_only(demo_ws: Workspace) -> None:
    found = calendar.events(demo_ws, days_ahead=365, days_back=30)
    launches = {e.uid: e for e in found if e.kind == "launch"}
    first, last = TODAY - timedelta(days=30), TODAY + timedelta(days=365)
    expected = {
        f"launch-brief-{b.id}@mops": b
        for b in briefs.list_briefs(demo_ws, "is:open")
        if b.launch_date and first <= b.launch_date <= last
    }
    assert len(expected) >= 10
    assert set(launches) == set(expected)
    for uid, b in expected.items():
        e = launches[uid]
        assert e.on == b.launch_date
        assert b.title in e.summary
        assert f"Status: {b.status.replace('_', ' ')}" in e.description
        owner = b.owner_name if b.owner else "unassigned"
        assert f"Owner: {owner}" in e.description
    closed = {b.id for b in briefs.list_briefs(demo_ws, "status:done,cancelled")}
    assert not any(e.record == f"brief:{i}" for e in found for i in closed)


def test_period_ends_are_month_ends_with_budget_lines(demo_ws: Workspace) -> None:
    found = [
        e for e in calendar.events(demo_ws, days_ahead=60, days_back=30) if e.kind == "period_end"
    ]
    days = [e.on for e in found]
    assert days == [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]
    december = found[-1]
    assert december.uid == "period-end-2026-12@mops"
    assert "2026-Q4" in december.summary  # December ends the fiscal quarter too
    planned = ledger.report(demo_ws, "2026-12", "channel").planned
    assert f"£{planned / 100:,.2f}".replace(".00", "") in december.description


def test_window_bounds(demo_ws: Workspace) -> None:
    found = calendar.events(demo_ws, days_ahead=10, days_back=0)
    assert found
    assert all(TODAY <= e.on <= TODAY + timedelta(days=10) for e in found)
    assert found == sorted(found, key=lambda e: e.sort_key())


def test_uids_are_unique_and_stable_across_runs(demo_ws: Workspace) -> None:
    first = calendar.events(demo_ws)
    second = calendar.events(demo_ws)
    assert [e.uid for e in first] == [e.uid for e in second]
    assert len({e.uid for e in first}) == len(first)
    stamp = demo_ws.now()
    assert ical.calendar(first, stamp=stamp) == ical.calendar(second, stamp=stamp)


def test_a_moved_launch_keeps_its_uid_with_a_higher_sequence(demo_ws: Workspace) -> None:
    draft = next(
        b for b in briefs.list_briefs(demo_ws, "status:draft") if b.launch_date is not None
    )
    before = by_uid(calendar.events(demo_ws))[f"launch-brief-{draft.id}@mops"]
    new_day = TODAY + timedelta(days=60)
    briefs.update(demo_ws, draft.id, {"launch_date": new_day.isoformat()}, None)
    after = by_uid(calendar.events(demo_ws))[f"launch-brief-{draft.id}@mops"]
    assert after.on == new_day != before.on
    assert after.sequence > before.sequence


def test_the_demo_calendar_parses(demo_ws: Workspace) -> None:
    found = calendar.events(demo_ws)
    text = ical.calendar(found, stamp=demo_ws.now())
    parsed = icalendar.Calendar.from_ical(text)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(found)
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in ev, prop
    for line in text.encode("utf-8").split(b"\r\n"):
        assert len(line) <= 75


# ---------------------------------------------------------------------------
# The monthly report: figures against the services
# ---------------------------------------------------------------------------


@pytest.fixture
def november(demo_ws: Workspace) -> report.MonthlyReport:
    return report.monthly(demo_ws, "2026-11")


def test_spend_equals_the_ledger_by_channel(
    demo_ws: Workspace, november: report.MonthlyReport
) -> None:
    ledger_report = ledger.report(demo_ws, "2026-11", "channel")
    assert november.planned == ledger_report.planned
    assert november.actual == ledger_report.actual
    assert november.planned == sum(r.planned for r in november.channels)
    assert november.actual == sum(r.actual for r in november.channels)
    mine = {r.label: (r.planned, r.actual, r.variance) for r in november.channels}
    theirs = {r.label: (r.planned, r.actual, r.variance) for r in ledger_report.rows}
    assert mine == theirs
    by_line = ledger.report(demo_ws, "2026-11", "line")
    assert november.actual == by_line.actual and november.planned == by_line.planned
    assert november.over_plan and all(r.actual > r.planned for r in november.over_plan)
    assert november.in_progress and november.forecast is not None
    assert november.forecast >= november.actual


def _moved_in(ws: Workspace, to: str, start: date, end: date) -> set[int]:
    ids = set()
    for b in briefs.list_briefs(ws, "status:done,cancelled,draft,submitted,approved,in_flight"):
        for t in briefs.detail(ws, b.id).transitions:
            if t.to_status == to and start <= t.at.date() <= end and b.status == to:
                ids.add(b.id)
    return ids


@pytest.mark.parametrize("month", ["2026-09", "2026-10", "2026-11"])
def test_briefs_delivered_and_cancelled_match_the_transitions(
    demo_ws: Workspace, month: str
) -> None:
    found = report.monthly(demo_ws, month)
    p = found.month
    assert {b.id for b in found.delivered} == _moved_in(demo_ws, "done", p.starts_on, p.ends_on)
    assert {c.id for c in found.cancelled} == _moved_in(
        demo_ws, "cancelled", p.starts_on, p.ends_on
    )
    for outcome in found.delivered:
        b = briefs.get(demo_ws, outcome.id)
        assert outcome.spend == b.spend
        assert outcome.result == b.outcome_result
        assert outcome.target == b.kpi_target
        if not b.outcome_result:
            assert outcome.verdict == "not_measured"
            assert outcome.not_measured == b.outcome_reason


def test_september_outcomes_are_judged_against_their_targets(demo_ws: Workspace) -> None:
    found = report.monthly(demo_ws, "2026-09")
    verdicts = {b.id: b.verdict for b in found.delivered}
    assert verdicts  # the demo closes briefs every month
    for outcome in found.delivered:
        b = briefs.get(demo_ws, outcome.id)
        kpi = kpis.get(demo_ws, b.kpi_id) if b.kpi_id else None
        if b.outcome_result and kpi:
            expected = outcome_verdict(
                kpi.kind, kpi.direction, b.kpi_target, b.outcome_result, demo_ws.currency
            )
            assert outcome.verdict == (expected or "unknown")
    assert sum(found.verdicts.values()) == len(found.delivered)


def test_november_has_the_known_brief_moves(november: report.MonthlyReport) -> None:
    assert [b.id for b in november.delivered] == [17]
    assert november.delivered[0].verdict == "met"  # 46% against a 40% target
    assert [c.id for c in november.cancelled] == [32, 40, 27]
    assert all(c.reason for c in november.cancelled)


def test_renewals_need_a_decision_until_one_is_recorded(demo_ws: Workspace) -> None:
    found = report.monthly(demo_ws, "2026-11")
    until = date(2026, 11, 30) + timedelta(days=90)
    assert found.renewals_until == until
    expected = {
        t.name
        for t in stack.list_tools(demo_ws)
        if t.status in UNDER_CONTRACT
        and t.renewal_date
        and date(2026, 11, 1) <= t.renewal_date <= until
        and t.annual_cost
    }
    assert {r.tool for r in found.renewals} == expected
    zoominfo = next(r for r in found.renewals if r.tool == "ZoomInfo")
    tool = stack.get_by_name(demo_ws, "ZoomInfo")
    assert zoominfo.cancel_by == tool.cancel_by
    assert zoominfo.annual_cost == tool.annual_cost
    assert zoominfo.needs_decision and zoominfo.decision is None
    drift = next(r for r in found.renewals if r.tool == "Drift")
    assert not drift.needs_decision  # decommissioning, ends at renewal

    from mops_tui.store.models import RenewalDecision

    with demo_ws.transaction() as s:
        s.add(
            RenewalDecision(
                tool_id=tool.id,
                renewal_date=tool.renewal_date,
                decision="renegotiate",
                note="Ask for 20 fewer seats.",
                decided_at=datetime(2026, 11, 28, 15, 0),
                decided_by="grace",
            )
        )
    again = report.monthly(demo_ws, "2026-11")
    decided = next(r for r in again.renewals if r.tool == "ZoomInfo")
    assert decided.decision == "renegotiate" and not decided.needs_decision
    assert decided.decided_by == "grace" and decided.decided_on == date(2026, 11, 28)
    assert len(again.renewals_to_decide) == len(found.renewals_to_decide) - 1
    text = fmt.markdown(again)
    assert "renegotiate (grace, 28 November 2026): Ask for 20 fewer seats." in text


def test_compliance_gaps_are_the_stacks_flags(
    demo_ws: Workspace, november: report.MonthlyReport
) -> None:
    flagged = {
        t.name
        for t in stack.list_tools(demo_ws)
        if any(f.code == "compliance" for f in t.flags(TODAY, demo_ws.policy))
    }
    assert {g.tool for g in november.compliance} == flagged == {"6sense", "Airtable"}


def test_kpi_changes(demo_ws: Workspace, november: report.MonthlyReport) -> None:
    assert [(c.key, c.change) for c in november.kpi_changes] == [
        ("lead_to_mql_rate_v1", "deprecated")
    ]
    assert "mql_to_sql_rate" in november.kpi_changes[0].detail
    october = report.monthly(demo_ws, "2026-10")
    changes = {(c.key, c.change) for c in october.kpi_changes}
    assert ("marketing_sourced_pipeline", "new_version") in changes
    version = next(c for c in october.kpi_changes if c.key == "marketing_sourced_pipeline")
    assert version.on == date(2026, 10, 15) and "Version 3" in version.detail


def test_closes(demo_ws: Workspace, november: report.MonthlyReport) -> None:
    assert november.close.state == "in_progress"
    october = report.monthly(demo_ws, "2026-10")
    assert october.close.state == "open"  # last month is left open in the demo
    july = report.monthly(demo_ws, "2026-07")
    assert july.close.state == "closed" and july.close.reopened_times == 1
    reopen = [e for e in november.close_events if e.action == "reopened"]
    assert [e.month for e in reopen] == ["2026-07"]


def test_a_month_with_nothing_in_it(demo_ws: Workspace) -> None:
    empty = report.monthly(demo_ws, "2030-01")
    assert empty.channels == [] and empty.planned == 0 and empty.actual == 0
    assert empty.delivered == [] and empty.cancelled == []
    text = fmt.markdown(empty)
    assert "with no plan for the month" in text
    assert "No budget lines cover January 2030." in text
    assert "<!DOCTYPE html>" in fmt.html(empty)


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-1", "26-11", "2026-Q4", "", "november", "2026-00"]
)
def test_a_malformed_month_is_refused(demo_ws: Workspace, bad: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report.monthly(demo_ws, bad)
    assert "YYYY-MM" in str(exc.value)


def test_last_month(demo_ws: Workspace) -> None:
    assert report.last_month(demo_ws).label == "2026-10"


# ---------------------------------------------------------------------------
# The written report
# ---------------------------------------------------------------------------

SECTIONS = (
    "Decisions needed",
    "Spend against plan by channel",
    "Briefs delivered",
    "Renewals to 28 February 2027",
    "Compliance gaps",
    "KPI changes",
    "Month close",
)


def test_markdown_has_the_headline_and_every_section(november: report.MonthlyReport) -> None:
    text = fmt.markdown(november)
    headline = fmt.headline(november)
    assert headline.startswith(
        "Marketing spent £147,593 of £122,883 planned (120%) in November 2026"
    )
    assert "3 channels over plan: Events (£40,211 over)" in headline
    assert text.startswith("# Marketing operations report: November 2026\n")
    assert f"**{headline}**" in text
    for section in SECTIONS:
        assert f"\n## {section}\n" in text, section
    assert "| **Total** | **£122,883** | **£147,593** | **£24,710 over** | **120%** |" in text
    assert "Partner webinar with Segment" in text and "**met target**" in text
    assert "`mops budget close 2026-11`" in text


def test_html_has_the_headline_and_every_section(november: report.MonthlyReport) -> None:
    page = fmt.html(november)
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page and "@media print" in page
    assert "<script" not in page and "http" not in page  # self-contained
    assert "Marketing spent £147,593 of £122,883 planned (120%) in November 2026" in page
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in page, section
    assert page.count("<table>") == 3
    assert "Agency &amp; freelance" in page


def test_typed_text_is_escaped(demo_ws: Workspace) -> None:
    name = "<script>alert('x')</script> | *CRM* & co"
    stack.create(
        demo_ws,
        {
            "name": name,
            "vendor": "Evil & Sons",
            "category": "CRM",
            "owner": "ana",
            "purpose": "Testing escapes.",
            "status": "evaluating",
            "holds_personal_data": "yes",
        },
    )
    found = report.monthly(demo_ws, "2026-11")
    assert name in {g.tool for g in found.compliance}
    page = fmt.html(found)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; | *CRM* &amp; co" in page
    text = fmt.markdown(found)
    assert "<script>" not in text
    assert "\\<script\\>alert('x')\\</script\\> \\| \\*CRM\\* & co" in text


def test_escape_codes_are_shown_not_sent(demo_ws: Workspace) -> None:
    # The forms refuse escape codes; a row written some other way must still be safe.
    conn = raw(demo_ws)
    with conn:
        conn.execute("UPDATE tools SET name = 'Red \x1b[31mAlert' WHERE name = '6sense'")
    conn.close()
    found = report.monthly(demo_ws, "2026-11")
    for text in (fmt.markdown(found), fmt.html(found)):
        assert "\x1b" not in text
        assert "Red ␛" in text
