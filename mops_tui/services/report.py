"""The monthly operations report: one page a CMO or CFO can act on.

Every figure comes from the services the app uses: spend against plan is
:func:`mops_tui.services.ledger.report` by channel, briefs are the queue's own read
model, renewals and compliance gaps are the stack's derived values and flags. Reads
only; cheap to import.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from mops_tui.domain import ledger as ledger_rules
from mops_tui.domain.briefs import BriefView
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.kpis import KpiView
from mops_tui.domain.ledger import Period
from mops_tui.domain.report import (
    BriefCancelled,
    BriefOutcome,
    CloseEvent,
    ComplianceGap,
    KpiChange,
    MonthClose,
    MonthlyReport,
    Renewal,
    day_text,
    outcome_verdict,
)
from mops_tui.domain.tools import UNDER_CONTRACT, ToolView
from mops_tui.services import briefs as brief_service
from mops_tui.services import kpis as kpi_service
from mops_tui.services import ledger as ledger_service
from mops_tui.services import stack as stack_service
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import report as q
from mops_tui.store.reader import Row, as_date, as_datetime

RENEWAL_HORIZON_DAYS = 90
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> Period:
    """``2026-11`` → that month. Anything else is refused with a clear message."""
    s = str(text or "").strip()
    m = _MONTH.match(s)
    if m is None or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2200:
        raise ValidationFailed(
            [
                FieldError(
                    "month",
                    f"“{s[:20]}” is not a month; type it as YYYY-MM, for example 2026-11",
                )
            ]
        )
    return ledger_rules.month_period(int(m.group(1)), int(m.group(2)))


def last_month(ws: Workspace) -> Period:
    today = ws.today()
    return ledger_rules.month_period(today.year, today.month).shift(-1)


def monthly(ws: Workspace, month: str) -> MonthlyReport:
    """The report for ``month`` (``2026-11``), as the data stands today."""
    period = parse_month(month)
    today = ws.today()
    spend = ledger_service.report(ws, period.label, "channel")
    channels = sorted(spend.rows, key=lambda r: r.label.casefold())
    in_progress = period.starts_on <= today <= period.ends_on
    forecast = None
    if in_progress:
        forecast = sum(r.forecast(today) for r in channels)
    delivered, cancelled = _briefs(ws, period)
    tools = stack_service.list_tools(ws)
    until = period.ends_on + timedelta(days=RENEWAL_HORIZON_DAYS)
    close, close_events = _closes(ws, period)
    return MonthlyReport(
        month=period,
        currency=ws.currency,
        as_of=today,
        channels=channels,
        planned=spend.planned,
        actual=spend.actual,
        forecast=forecast,
        delivered=delivered,
        cancelled=cancelled,
        renewals=_renewals(ws, tools, period, until),
        renewals_until=until,
        compliance=_compliance(ws, tools),
        kpi_changes=_kpi_changes(ws, period),
        close=close,
        close_events=close_events,
    )


# ---------------------------------------------------------------------------
# Briefs
# ---------------------------------------------------------------------------


def _owner(b: BriefView) -> str:
    return b.owner_name or b.owner or "unassigned"


def _briefs(ws: Workspace, period: Period) -> tuple[list[BriefOutcome], list[BriefCancelled]]:
    done_moves = q.brief_moves(ws.reader, "done", period.starts_on, period.ends_on)
    cancel_moves = q.brief_moves(ws.reader, "cancelled", period.starts_on, period.ends_on)
    if not done_moves and not cancel_moves:
        return [], []
    by_id = {b.id: b for b in brief_service.list_briefs(ws, "status:done,cancelled")}
    kpis: dict[int, KpiView] = {}
    delivered: list[BriefOutcome] = []
    for move in done_moves:
        b = by_id.get(int(move["brief_id"]))
        if b is None or b.status != "done":
            continue  # done is final; a brief not done now was never done
        kpi = None
        if b.kpi_id is not None:
            if b.kpi_id not in kpis:
                kpis[b.kpi_id] = kpi_service.get(ws, b.kpi_id)
            kpi = kpis[b.kpi_id]
        at = as_datetime(move["at"])
        assert at is not None
        if b.outcome_result:
            verdict = (
                outcome_verdict(
                    kpi.kind if kpi else None,
                    kpi.direction if kpi else None,
                    b.kpi_target,
                    b.outcome_result,
                    ws.currency,
                )
                or "unknown"
            )
        else:
            verdict = "not_measured"
        delivered.append(
            BriefOutcome(
                id=b.id,
                title=b.title,
                owner=_owner(b),
                done_on=at.date(),
                kpi=(kpi.label if kpi else b.kpi_label or b.kpi) or "",
                target=b.kpi_target,
                result=b.outcome_result,
                not_measured=b.outcome_reason if not b.outcome_result else "",
                verdict=verdict,
                spend=b.spend,
                budget_requested=b.budget_requested,
                cost_per_result=brief_service.cost_per_result(b, kpi, ws.currency),
            )
        )
    cancelled: list[BriefCancelled] = []
    for move in cancel_moves:
        b = by_id.get(int(move["brief_id"]))
        if b is None or b.status != "cancelled":
            continue
        at = as_datetime(move["at"])
        assert at is not None
        cancelled.append(
            BriefCancelled(
                id=b.id,
                title=b.title,
                owner=_owner(b),
                cancelled_on=at.date(),
                reason=str(move["comment"] or ""),
                from_status=str(move["from_status"] or ""),
                spend=b.spend,
            )
        )
    delivered.sort(key=lambda o: (o.done_on, o.id))
    cancelled.sort(key=lambda c: (c.cancelled_on, c.id))
    return delivered, cancelled


# ---------------------------------------------------------------------------
# Renewals and compliance
# ---------------------------------------------------------------------------


def _tool_owner(t: ToolView) -> str:
    return t.owner_name or t.owner or "no owner"


def _renewals(ws: Workspace, tools: list[ToolView], period: Period, until: date) -> list[Renewal]:
    """Paid contracts renewing from the report's month to ``until`` (90 days after its
    end). A renewal inside the month is kept: if its date passed with no new term
    recorded, someone still has to act."""
    today = ws.today()
    decisions: dict[tuple[int, date], Row] = {}
    for r in q.renewal_decisions(ws.reader):
        day = as_date(r["renewal_date"])
        if day is not None:
            decisions[(int(r["tool_id"]), day)] = r  # the latest wins
    out: list[Renewal] = []
    for t in tools:
        if t.status not in UNDER_CONTRACT or t.renewal_date is None:
            continue
        if not (period.starts_on <= t.renewal_date <= until) or not t.annual_cost:
            continue
        found = decisions.get((t.id, t.renewal_date))
        decided_at = as_datetime(found["decided_at"]) if found else None
        decision = str(found["decision"]) if found else None
        action, needed = _renewal_action(t, today, decision)
        out.append(
            Renewal(
                tool_id=t.id,
                tool=t.name,
                owner=_tool_owner(t),
                status=t.status,
                renewal_date=t.renewal_date,
                cancel_by=t.cancel_by,
                annual_cost=t.annual_cost,
                auto_renew=t.auto_renew,
                decision=decision,
                decided_by=str(found["decided_by"]) if found else None,
                decided_on=decided_at.date() if decided_at else None,
                decision_note=str(found["note"] or "") if found else "",
                action=action,
                needs_decision=needed,
            )
        )
    out.sort(key=lambda r: (r.cancel_by or r.renewal_date, r.renewal_date, r.tool.casefold()))
    return out


def _renewal_action(t: ToolView, today: date, decision: str | None) -> tuple[str, bool]:
    """What the renewal needs, in words, and whether a decision is still needed."""
    assert t.renewal_date is not None
    cb = t.cancel_by
    if decision:
        return {
            "renew": "Decided: renew.",
            "renegotiate": "Decided: renegotiate before the renewal.",
            "cancel": "Decided: cancel; make sure notice is given"
            + (f" by {day_text(cb)}." if cb and cb < t.renewal_date else "."),
        }.get(decision, f"Decided: {decision}."), False
    if t.renewal_date < today:
        return (
            f"The renewal date passed on {day_text(t.renewal_date)} and no new term is "
            "recorded: confirm whether it renewed and record the new term."
        ), True
    if t.status == "decommissioning" and not t.auto_renew:
        return "Being decommissioned; the contract ends at renewal. No decision needed.", False
    if t.auto_renew:
        if cb is not None and cb < today:
            return (
                f"The notice date ({day_text(cb)}) has passed: it renews automatically "
                "unless the vendor agrees otherwise."
            ), True
        if cb is not None and cb < t.renewal_date:
            return f"Renew, renegotiate or cancel; notice is due by {day_text(cb)}.", True
        return "Renew, renegotiate or cancel before it renews automatically.", True
    return "Does not renew automatically: decide whether to sign again.", True


def _compliance(ws: Workspace, tools: list[ToolView]) -> list[ComplianceGap]:
    today = ws.today()
    out: list[ComplianceGap] = []
    for t in tools:
        for flag in t.flags(today, ws.policy, ws.currency):
            if flag.code == "compliance":
                out.append(ComplianceGap(t.id, t.name, _tool_owner(t), t.status, flag.reason))
    out.sort(key=lambda g: g.tool.casefold())
    return out


# ---------------------------------------------------------------------------
# KPI changes and closes
# ---------------------------------------------------------------------------


def _kpi_changes(ws: Workspace, period: Period) -> list[KpiChange]:
    out: list[KpiChange] = []
    for r in q.kpi_versions_effective(ws.reader, period.starts_on, period.ends_on):
        on = as_date(r["effective_on"])
        assert on is not None
        label = r["label"] or r["key"]
        summary = str(r["summary"] or "")
        if int(r["number"]) == 1:
            change = "imported" if summary == "imported" else "activated"
            detail = (
                "Imported from dbt MetricFlow; in force"
                if change == "imported"
                else "Activated; its definition is in force"
            ) + f" from {on.isoformat()}."
        else:
            change = "new_version"
            detail = f"Version {r['number']} in force from {on.isoformat()}" + (
                f": {summary}" if summary else "."
            )
        out.append(KpiChange(r["key"], label, on, change, detail, str(r["author"])))
    for r in q.kpi_status_audit(ws.reader, period.starts_on, period.ends_on):
        after = json.loads(r["after_json"]) if r["after_json"] else {}
        summary = str(r["summary"] or "")
        deprecated = (r["action"] == "status" and after.get("status") == "deprecated") or (
            r["action"] == "imported" and summary.endswith("as deprecated")
        )
        if not deprecated:
            continue
        at = as_datetime(r["at"])
        assert at is not None
        reason = str(after.get("reason") or "")
        successor = str(after.get("successor") or "")
        detail = "Deprecated"
        if reason:
            detail += f": {reason.rstrip('.')}"
        if successor:
            detail += f"; replaced by {successor}"
        out.append(
            KpiChange(
                r["key"],
                r["label"] or r["key"],
                at.date(),
                "deprecated",
                detail + ".",
                str(r["actor"]),
            )
        )
    out.sort(key=lambda c: (c.on, c.key))
    return out


def _closes(ws: Workspace, period: Period) -> tuple[MonthClose, list[CloseEvent]]:
    rows = q.period_closes(ws.reader)
    events: list[CloseEvent] = []
    own = [r for r in rows if r["month"] == period.label]
    for r in rows:
        closed_at = as_datetime(r["closed_at"])
        reopened_at = as_datetime(r["reopened_at"])
        if closed_at is not None and period.contains(closed_at.date()):
            events.append(CloseEvent(r["month"], "closed", closed_at, str(r["closed_by"])))
        if reopened_at is not None and period.contains(reopened_at.date()):
            events.append(
                CloseEvent(
                    r["month"],
                    "reopened",
                    reopened_at,
                    str(r["reopened_by"] or ""),
                    str(r["reopen_reason"] or ""),
                )
            )
    events.sort(key=lambda e: e.at)  # stable: a close, its reopen, the next close
    reopened = sum(1 for r in own if r["reopened_at"] is not None)
    current = next((r for r in reversed(own) if r["reopened_at"] is None), None)
    if current is not None:
        at = as_datetime(current["closed_at"])
        close = MonthClose("closed", str(current["closed_by"]), at.date() if at else None, reopened)
    elif period.ends_on >= ws.today():
        close = MonthClose("in_progress", reopened_times=reopened)
    else:
        close = MonthClose("open", reopened_times=reopened)
    return close, events
