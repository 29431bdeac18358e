"""The dates a marketing-operations team plans around, as calendar events.

Renewals and cancel-by dates of the tools under contract, launches of the open
briefs, and the ends of the budget months and fiscal quarters. ``mops calendar --ics``
writes them with :mod:`mops_tui.formats.ical`; without ``--ics`` it prints an agenda.

Cheap to import, like every service module: reads only.
"""

from __future__ import annotations

from datetime import date, timedelta

from mops_tui.domain import calendar as cal
from mops_tui.domain import ledger as ledger_rules
from mops_tui.domain.briefs import BriefView, status_label
from mops_tui.domain.calendar import CalendarEvent
from mops_tui.domain.ledger import Period
from mops_tui.domain.money import format_money
from mops_tui.domain.report import month_name
from mops_tui.domain.tools import UNDER_CONTRACT, ToolView
from mops_tui.domain.tools import status_label as tool_status_label
from mops_tui.services import briefs as brief_service
from mops_tui.services import ledger as ledger_service
from mops_tui.services import stack as stack_service
from mops_tui.services.workspace import Workspace


def events(ws: Workspace, *, days_ahead: int = 365, days_back: int = 30) -> list[CalendarEvent]:
    """Every event from ``days_back`` days ago to ``days_ahead`` days ahead, in date order."""
    today = ws.today()
    first = today - timedelta(days=max(0, days_back))
    last = today + timedelta(days=max(0, days_ahead))
    found: list[CalendarEvent] = []
    found += _tool_events(ws, first, last)
    found += _launch_events(ws, first, last)
    found += _period_end_events(ws, first, last)
    found.sort(key=CalendarEvent.sort_key)
    return found


# ---------------------------------------------------------------------------
# Renewals and cancel-by dates
# ---------------------------------------------------------------------------


def _who(name: str | None, handle: str | None) -> str:
    if name and handle:
        return f"{name} ({handle})"
    return name or handle or "nobody"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _tool_events(ws: Workspace, first: date, last: date) -> list[CalendarEvent]:
    out: list[CalendarEvent] = []
    for t in stack_service.list_tools(ws):
        if t.status not in UNDER_CONTRACT or t.renewal_date is None:
            continue
        sequence = max(0, t.version - 1)
        if first <= t.renewal_date <= last:
            out.append(
                CalendarEvent(
                    uid=cal.renewal_uid(t.id, t.renewal_date),
                    on=t.renewal_date,
                    kind="renewal",
                    summary=_renewal_summary(ws, t),
                    description=_tool_description(ws, t, "renewal"),
                    categories=("mops", "Renewal"),
                    sequence=sequence,
                    last_modified=t.updated_at,
                    record=f"tool:{t.id}",
                )
            )
        cb = t.cancel_by
        if cb is not None and cb < t.renewal_date and first <= cb <= last:
            out.append(
                CalendarEvent(
                    uid=cal.cancel_by_uid(t.id, t.renewal_date),
                    on=cb,
                    kind="cancel_by",
                    summary=_cancel_summary(t),
                    description=_tool_description(ws, t, "cancel_by"),
                    categories=("mops", "Cancel-by"),
                    sequence=sequence,
                    last_modified=t.updated_at,
                    record=f"tool:{t.id}",
                )
            )
    return out


def _renewal_summary(ws: Workspace, t: ToolView) -> str:
    cost = format_money(t.annual_cost, ws.currency) if t.annual_cost else "no cost"
    if t.status == "decommissioning" and not t.auto_renew:
        how = "contract ends"
    elif t.auto_renew:
        how = "renews automatically"
    else:
        how = "renews only if signed"
    return f"Renewal: {t.name} ({cost} a year, {how})"


def _cancel_summary(t: ToolView) -> str:
    if t.auto_renew:
        return f"Cancel-by: {t.name}: last day to give notice"
    return f"Cancel-by: {t.name}: notice date (no auto-renew)"


def _tool_description(ws: Workspace, t: ToolView, kind: str) -> str:
    assert t.renewal_date is not None
    renewal = t.renewal_date.isoformat()
    cost = (
        format_money(t.annual_cost, ws.currency) + " a year"
        if t.annual_cost is not None
        else "not recorded"
    )
    if t.billing_cycle:
        cost += ", " + _BILLING.get(t.billing_cycle, f"billed {t.billing_cycle}")
    notice = _days(t.notice_days) if t.notice_days else "none"
    lines: list[str] = []
    if kind == "cancel_by":
        if t.auto_renew:
            lines.append(
                f"Give notice today at the latest, or {t.name} renews automatically "
                f"on {renewal} for another term."
            )
        else:
            lines.append(
                f"{t.name}'s contract ends on {renewal} and does not renew by itself; "
                "this is the last day of its notice period."
            )
    else:
        if t.status == "decommissioning" and not t.auto_renew:
            lines.append(f"{t.name} is being decommissioned; its contract ends today.")
        elif t.auto_renew:
            lines.append(f"{t.name} renews automatically today.")
        else:
            lines.append(f"{t.name}'s contract is up today; it renews only if it is signed again.")
    lines += [
        f"Vendor: {t.vendor}",
        f"Owner: {_who(t.owner_name, t.owner)}",
        f"Annual cost: {cost}",
        f"Renewal date: {renewal}",
        f"Auto-renew: {'yes' if t.auto_renew else 'no'}",
        f"Notice period: {notice}",
    ]
    if t.cancel_by is not None and t.cancel_by < t.renewal_date:
        lines.append(f"Cancel by: {t.cancel_by.isoformat()}")
    lines.append(f"Status: {tool_status_label(t.status)}")
    if t.utilisation is not None and t.seats_bought:
        lines.append(
            f"Seats: {t.seats_used or 0:,} of {t.seats_bought:,} in use ({t.utilisation:.0%})"
        )
    lines.append(f"In mops: mops stack {_stack_query(t.name)}")
    return "\n".join(lines)


_BILLING = {
    "monthly": "billed monthly",
    "quarterly": "billed quarterly",
    "annual": "billed annually",
    "multi_year": "on a multi-year term",
}


def _stack_query(name: str) -> str:
    return f'"{name}"' if " " in name else name


# ---------------------------------------------------------------------------
# Launches
# ---------------------------------------------------------------------------


def _launch_events(ws: Workspace, first: date, last: date) -> list[CalendarEvent]:
    out: list[CalendarEvent] = []
    today = ws.today()
    for b in brief_service.list_briefs(ws, "is:open"):
        if b.launch_date is None or not first <= b.launch_date <= last:
            continue
        out.append(
            CalendarEvent(
                uid=cal.launch_uid(b.id),
                on=b.launch_date,
                kind="launch",
                summary=f"Launch: {b.title} (#{b.id}, {status_label(b.status)})",
                description=_launch_description(ws, b, today),
                categories=("mops", "Launch"),
                sequence=max(0, b.version - 1),
                last_modified=b.updated_at,
                record=f"brief:{b.id}",
            )
        )
    return out


def _launch_description(ws: Workspace, b: BriefView, today: date) -> str:
    lines = [
        f"Brief #{b.id}: {b.title}",
        f"Status: {status_label(b.status)}",
        f"Owner: {_who(b.owner_name, b.owner) if b.owner else 'unassigned'}",
        f"Priority: {b.priority}",
    ]
    if b.channels:
        lines.append(f"Channels: {', '.join(b.channels)}")
    if b.kpi:
        kpi = b.kpi + (f", target {b.kpi_target}" if b.kpi_target else "")
        lines.append(f"KPI: {kpi}")
    if b.budget_requested:
        budget = format_money(b.budget_requested, ws.currency)
        if b.budget_line:
            budget += f" from {b.budget_line}"
        lines.append(f"Budget: {budget}")
    lines.extend(f.reason for f in b.flags(today, ws.brief_policy))
    lines.append(f"In mops: mops brief show {b.id}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Budget period ends
# ---------------------------------------------------------------------------


def _period_end_events(ws: Workspace, first: date, last: date) -> list[CalendarEvent]:
    """One event on the last day of each month that budget lines cover; when that day
    also ends a fiscal quarter, the same event says so (one UID per day)."""
    lines = ledger_service.lines(ws)
    if not lines:
        return []
    start = ledger_rules.month_period(first.year, first.month)
    months: list[Period] = []
    current = start
    while current.starts_on <= last:
        if first <= current.ends_on <= last:
            months.append(current)
        current = current.shift(1)
    out: list[CalendarEvent] = []
    for month in months:
        month_lines = [
            ln for ln in lines if ln.starts_on <= month.ends_on and ln.ends_on >= month.starts_on
        ]
        if not month_lines:
            continue
        quarter = ledger_rules.quarter_containing(month.ends_on, ws.fy_start)
        quarter_ends = quarter.ends_on == month.ends_on
        name = month_name(month)
        summary = f"Budget period ends: {name}" + (
            f" and fiscal quarter {quarter.label}" if quarter_ends else ""
        )
        planned = ledger_service.report(ws, month.label, "channel").planned
        text = [
            f"The last day of {name} in the budget ledger.",
            f"Planned for the month: {format_money(planned, ws.currency)}"
            f" across {len(month_lines)} budget line{'s' if len(month_lines) != 1 else ''}.",
        ]
        if quarter_ends:
            q_planned = ledger_service.report(ws, quarter.label, "channel").planned
            text.append(
                f"It also ends fiscal quarter {quarter.label} "
                f"(planned {format_money(q_planned, ws.currency)})."
            )
        text.append(
            "Once the last invoices are in, close the month so nothing more is dated "
            f"inside it: mops budget close {month.label}"
        )
        out.append(
            CalendarEvent(
                uid=cal.period_end_uid(month.label),
                on=month.ends_on,
                kind="period_end",
                summary=summary,
                description="\n".join(text),
                categories=("mops", "Budget"),
                record=f"period:{month.label}",
            )
        )
    return out
