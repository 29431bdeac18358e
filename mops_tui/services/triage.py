"""The morning inbox across the four areas, snoozes, renewal decisions, the header
figures, and the personal-data lineage.

Cheap to import; each source is one or two queries, so ``mops today`` stays fast on a
large workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mops_tui.domain import triage as rules
from mops_tui.domain.dates import add_months, parse_date, working_days_between
from mops_tui.domain.errors import FieldError, NotFound, ValidationFailed
from mops_tui.domain.money import exponent, format_compact, format_money
from mops_tui.domain.triage import InboxItem, Urgency
from mops_tui.services import audit
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import briefs as brief_q
from mops_tui.store.queries import kpis as kpi_q
from mops_tui.store.queries import stack as stack_q
from mops_tui.store.queries import triage as q


def urgency(ws: Workspace) -> Urgency:
    return ws.urgency


# ---------------------------------------------------------------------------
# The inbox
# ---------------------------------------------------------------------------


def _tool_items(ws: Workspace, today: date) -> list[InboxItem]:
    items: list[InboxItem] = []
    decided = q.decided_renewals(ws.reader)
    for t in stack_q.list_tools(
        ws.reader, stack_q.ToolFilter(include_retired=False), limit=1_000_000
    ):
        flag_codes = {f.code: f for f in t.flags(today, ws.policy, ws.currency)}
        cost = t.annual_cost or 0
        if (
            t.cancel_by
            and t.renewal_date
            and t.status in ("active", "under_review", "decommissioning")
        ):
            days = (t.cancel_by - today).days
            if -30 <= days <= 90 and (t.id, t.renewal_date) not in decided:
                window = 30 if days <= 30 else 60 if days <= 60 else 90
                if days < 0:
                    when = (
                        f"The cancel-by date {t.cancel_by.isoformat()} passed "
                        f"{-days} day{'s' if days != -1 else ''} ago"
                    )
                else:
                    soon = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                    when = f"Cancel by {t.cancel_by.isoformat()} ({soon})"
                how = (
                    "automatically"
                    if t.auto_renew
                    else "only if someone renews it (no auto-renewal)"
                )
                items.append(
                    InboxItem(
                        key=f"renewal:{t.id}:{t.renewal_date.isoformat()}",
                        kind=f"renewal_{window}",
                        title=t.name,
                        why=f"{when}; renews {t.renewal_date.isoformat()} for "
                        f"{format_money(cost, ws.currency)} a year {how}. "
                        "Decide: renew, renegotiate or cancel.",
                        due=t.cancel_by,
                        cost=cost,
                        target=("stack", t.id),
                        extra={"tool_id": t.id, "renewal_date": t.renewal_date.isoformat()},
                    )
                )
        if "compliance" in flag_codes:
            items.append(
                InboxItem(
                    key=f"compliance:{t.id}",
                    kind="compliance",
                    title=t.name,
                    why=flag_codes["compliance"].reason,
                    target=("stack", t.id),
                )
            )
        if "review" in flag_codes:
            items.append(
                InboxItem(
                    key=f"review:{t.id}",
                    kind="review",
                    title=t.name,
                    why=flag_codes["review"].reason,
                    due=add_months(t.last_reviewed_on, ws.policy.review_months)
                    if t.last_reviewed_on
                    else None,
                    target=("stack", t.id),
                )
            )
        if "decommission" in flag_codes:
            items.append(
                InboxItem(
                    key=f"decommission:{t.id}",
                    kind="decommission",
                    title=t.name,
                    why=flag_codes["decommission"].reason,
                    cost=cost,
                    target=("stack", t.id),
                )
            )
    return items


def _brief_items(ws: Workspace, today: date) -> list[InboxItem]:
    from mops_tui.services import briefs

    items: list[InboxItem] = []
    flagged = brief_q.BriefFilter(overdue=True, at_risk=True, waiting=True)
    for b in brief_q.list_briefs(ws.reader, flagged, briefs.cutoffs(ws), limit=10_000):
        for f in b.flags(today, ws.brief_policy):
            kind = {"overdue": "brief_overdue", "risk": "brief_risk", "review": "brief_review"}[
                f.code
            ]
            items.append(
                InboxItem(
                    key=f"brief-{f.code}:{b.id}",
                    kind=kind,
                    title=f"#{b.id} {b.title}",
                    why=f.reason + (f" Owner: {b.owner}." if b.owner else " No owner yet."),
                    due=b.launch_date if f.code != "review" else None,
                    age_days=b.age_in_status(today) if f.code == "review" else None,
                    target=("briefs", b.id),
                )
            )
    return items


def _budget_items(ws: Workspace, today: date) -> list[InboxItem]:
    from mops_tui.domain.ledger import quarter_containing
    from mops_tui.services import ledger

    items: list[InboxItem] = []
    quarter = quarter_containing(today, ws.fy_start)
    for row in ledger.report(ws, quarter.label, "line").rows:
        flag = row.flag()
        if flag is None or row.line_id is None:
            continue
        share = row.share or 0.0
        over = share - 1 if share != float("inf") else 1.0
        kind = "budget_over" if flag == "over" else "budget_near"
        items.append(
            InboxItem(
                key=f"{kind}:{row.line_id}",
                kind=kind,
                title=row.label,
                why=(
                    f"{format_money(row.actual, ws.currency)} spent of "
                    f"{format_money(row.planned, ws.currency)} planned "
                    f"({share:.0%})"
                    if share != float("inf")
                    else f"{format_money(row.actual, ws.currency)} spent with nothing planned"
                )
                + (
                    f"; forecast {format_compact(row.forecast(today), ws.currency)} by period end."
                    if flag != "over"
                    else "."
                ),
                due=row.period.ends_on if row.period else None,
                over_share=max(over, 0.0),
                target=("ledger", row.line_id),
            )
        )
    for month in ledger.ended_open_months(ws):
        from mops_tui.domain.ledger import parse_period

        period = parse_period(month)
        late = working_days_between(period.ends_on, today)
        items.append(
            InboxItem(
                key=f"period:{month}",
                kind="period_open",
                title=f"Close {month}",
                why=f"{month} ended {late} working days ago and is not closed; late invoices can "
                "still change its figures.",
                age_days=late,
                target=("ledger-period", month),
            )
        )
    return items


def _kpi_items(ws: Workspace, today: date) -> list[InboxItem]:
    items: list[InboxItem] = []
    for r in brief_q.open_brief_kpis(ws.reader):
        if r["status"] != "active":
            items.append(
                InboxItem(
                    key=f"kpi-not-active:{r['key']}",
                    kind="kpi_not_active",
                    title=r["key"],
                    why=(
                        f"{r['briefs']} open brief uses this KPI"
                        if r["briefs"] == 1
                        else f"{r['briefs']} open briefs use this KPI"
                    )
                    + f", but it is {r['status']}; a brief cannot be approved on a KPI "
                    "that is not active.",
                    target=("kpis", r["key"]),
                )
            )
    for k in kpi_q.list_kpis(ws.reader, kpi_q.KpiFilter(status=("active",)), limit=100_000):
        if not k.data_source or k.data_source_status == "retired":
            why = (
                "Active with no data source."
                if not k.data_source
                else f"Active, but its data source {k.data_source} is retired."
            )
            items.append(
                InboxItem(
                    key=f"kpi-no-source:{k.key}",
                    kind="kpi_no_source",
                    title=k.key,
                    why=why,
                    target=("kpis", k.key),
                )
            )
    return items


def inbox(ws: Workspace, *, include_snoozed: bool = False) -> list[InboxItem]:
    today = ws.today()
    items = (
        _brief_items(ws, today)
        + _tool_items(ws, today)
        + _budget_items(ws, today)
        + _kpi_items(ws, today)
    )
    if not include_snoozed:
        snoozed = q.active_snoozes(ws.reader, today)
        items = [i for i in items if i.key not in snoozed]
    return rules.rank(items, today, ws.urgency, exponent(ws.currency))


# ---------------------------------------------------------------------------
# Header figures
# ---------------------------------------------------------------------------


@dataclass
class Figures:
    briefs_by_state: dict[str, int]
    period: str
    planned: int
    actual: int
    renewals_90: int
    renewals_90_cost: int
    compliance_gaps: int
    snoozed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def figures(ws: Workspace, items: Sequence[InboxItem] | None = None) -> Figures:
    from mops_tui.domain.ledger import quarter_containing
    from mops_tui.services import ledger

    today = ws.today()
    counts = brief_q.status_counts(ws.reader)
    quarter = quarter_containing(today, ws.fy_start)
    plan = ledger.report(ws, quarter.label, "channel")
    renewals = q.renewals_between(ws.reader, today, today + timedelta(days=90))
    snoozed = q.active_snoozes(ws.reader, today)
    # A snoozed compliance gap is still a gap: count it too.
    if any(k.startswith("compliance:") for k in snoozed):
        gap_source: Sequence[InboxItem] = inbox(ws, include_snoozed=True)
    else:
        gap_source = items if items is not None else inbox(ws)
    return Figures(
        briefs_by_state={
            s: counts.get(s, 0) for s in ("draft", "submitted", "approved", "in_flight")
        },
        period=quarter.label,
        planned=plan.planned,
        actual=plan.actual,
        renewals_90=len(renewals),
        renewals_90_cost=sum(r["annual_cost"] or 0 for r in renewals),
        compliance_gaps=sum(1 for i in gap_source if i.kind == "compliance"),
        snoozed=len(snoozed),
    )


# ---------------------------------------------------------------------------
# Snooze and renewal decisions
# ---------------------------------------------------------------------------


def snooze(ws: Workspace, item_key: str, until: Any, note: str = "") -> date:
    """Hide an inbox item until a date (audited)."""
    from mops_tui.store.models import Snooze

    try:
        when = parse_date(until, ws.today()) if until else None
    except ValueError as exc:
        raise ValidationFailed([FieldError("until", str(exc))]) from exc
    refused = rules.snooze_errors(when, ws.today())
    if refused or when is None:
        raise ValidationFailed(refused)
    title = next((i.title for i in inbox(ws, include_snoozed=True) if i.key == item_key), None)
    if title is None:
        raise NotFound("that item is no longer in the inbox: someone may have dealt with it")
    with ws.transaction() as s:
        row = Snooze(
            item_key=item_key,
            until=when,
            note=note.strip(),
            created_at=ws.now(),
            created_by=ws.actor,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            ws,
            "inbox",
            row.id,
            "snoozed",
            f"snoozed “{title}” until {when.isoformat()}"
            + (f": {note.strip()}" if note.strip() else ""),
            after={"item": item_key, "until": when.isoformat(), "note": note.strip()},
        )
    return when


def decide_renewal(ws: Workspace, tool_id: int, decision: str, note: str = "") -> None:
    """Record renew, renegotiate or cancel for a tool's coming renewal. It shows in the
    tool's history and clears the inbox item until the next renewal."""
    from mops_tui.services import stack
    from mops_tui.store.models import RenewalDecision

    if decision not in rules.RENEWAL_DECISIONS:
        raise ValidationFailed(rules.renewal_decision_errors(decision, note))
    tool = stack.get(ws, tool_id)
    refused = rules.renewal_decision_errors(
        decision, note, tool.renewal_date is not None, tool.name
    )
    if refused or tool.renewal_date is None:
        raise ValidationFailed(refused)
    with ws.transaction() as s:
        s.add(
            RenewalDecision(
                tool_id=tool_id,
                renewal_date=tool.renewal_date,
                decision=decision,
                note=note.strip(),
                decided_at=ws.now(),
                decided_by=ws.actor,
            )
        )
        audit.record(
            s,
            ws,
            "tool",
            tool_id,
            "renewal",
            f"renewal decision for {tool.renewal_date.isoformat()}: {decision}"
            + (f" — {note.strip()}" if note.strip() else ""),
            after={"decision": decision, "renewal_date": tool.renewal_date, "note": note.strip()},
        )


# ---------------------------------------------------------------------------
# Personal-data lineage
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    data: str
    target_has_dpa: bool
    target_holds_personal: bool


def lineage(ws: Workspace) -> list[tuple[str, bool, list[list[Hop]]]]:
    """For each tool holding personal data: its DPA state and every chain of personal
    integrations the data flows through from it (cycles cut)."""
    edges = q.personal_edges(ws.reader)
    by_source: dict[str, list[Hop]] = {}
    for e in edges:
        by_source.setdefault(e["source"], []).append(
            Hop(
                e["source"],
                e["target"],
                e["data"],
                e["target_dpa"] is not None,
                bool(e["target_personal"]),
            )
        )

    def walk(node: str, path: list[Hop], seen: set[str], chains: list[list[Hop]]) -> None:
        nexts = [h for h in by_source.get(node, []) if h.target not in seen]
        if not nexts:
            if path:
                chains.append(path)
            return
        for hop in nexts:
            if len(chains) < 50:
                walk(hop.target, [*path, hop], seen | {hop.target}, chains)

    out = []
    for tool in q.personal_tools(ws.reader):
        found: list[list[Hop]] = []
        walk(tool["name"], [], {tool["name"]}, found)
        out.append((tool["name"], tool["dpa_signed_on"] is not None, found))
    return out


def open_item(ws: Workspace, key: str) -> InboxItem:
    for item in inbox(ws, include_snoozed=True):
        if item.key == key:
            return item
    raise NotFound("that item is no longer in the inbox")


def change_marker(ws: Workspace) -> tuple[int, int]:
    """A value that changes whenever anyone changes the database (the TUI's watch)."""
    return q.change_marker(ws.reader)
