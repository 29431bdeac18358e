"""The monthly operations report: what a CMO or CFO reads once a month.

Pure standard-library code. :mod:`mops_tui.services.report` fills a
:class:`MonthlyReport` from the store; :mod:`mops_tui.formats.report` writes it as
Markdown or HTML. The figures are the services' own (the ledger's plan-vs-actual by
channel, the brief queue's outcomes), so the report never disagrees with the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from mops_tui.domain.kpis import TargetError, parse_target
from mops_tui.domain.ledger import Period, PlanActual

# A renewal whose deadline is this close is listed among the decisions needed.
URGENT_DAYS = 30

# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefOutcome:
    """A brief marked done in the month, and how it did against its target."""

    id: int
    title: str
    owner: str  # the owner's name, or "unassigned"
    done_on: date
    kpi: str  # the KPI's label (key when it has none), "" when none
    target: str  # as written on the brief
    result: str  # the measured result, "" when not measured
    not_measured: str  # why it could not be measured
    verdict: str  # met | missed | not_measured | unknown
    spend: int  # spend logged against the brief, all time
    budget_requested: int | None
    cost_per_result: str | None = None


@dataclass(frozen=True)
class BriefCancelled:
    id: int
    title: str
    owner: str
    cancelled_on: date
    reason: str
    from_status: str  # the status it was cancelled from ("" when unknown)
    spend: int


@dataclass(frozen=True)
class Renewal:
    """A contract that renews soon, and whether someone has decided about it."""

    tool_id: int
    tool: str
    owner: str
    status: str
    renewal_date: date
    cancel_by: date | None
    annual_cost: int | None
    auto_renew: bool
    decision: str | None = None  # renew | renegotiate | cancel, when recorded
    decided_by: str | None = None
    decided_on: date | None = None
    decision_note: str = ""
    action: str = ""  # what is needed, in words
    needs_decision: bool = True

    @property
    def deadline(self) -> date:
        """The last day to act: the cancel-by date when notice is needed, else renewal."""
        if self.cancel_by is not None and self.cancel_by < self.renewal_date:
            return self.cancel_by
        return self.renewal_date


@dataclass(frozen=True)
class ComplianceGap:
    tool_id: int
    tool: str
    owner: str
    status: str
    reason: str


@dataclass(frozen=True)
class KpiChange:
    key: str
    label: str
    on: date
    change: str  # activated | new_version | deprecated | imported
    detail: str  # in words
    by: str


@dataclass(frozen=True)
class CloseEvent:
    """A close or a reopen of a month, recorded during the report's month."""

    month: str
    action: str  # closed | reopened
    at: datetime
    by: str
    reason: str = ""


@dataclass(frozen=True)
class MonthClose:
    """Whether the report's month is closed in the ledger."""

    state: str  # closed | open | in_progress (the month has not ended)
    closed_by: str | None = None
    closed_on: date | None = None
    reopened_times: int = 0


@dataclass
class MonthlyReport:
    month: Period
    currency: str
    as_of: date  # the day the report was written
    channels: list[PlanActual]  # plan vs actual by channel, the ledger's rows
    planned: int
    actual: int
    forecast: int | None  # run-rate to month end while the month is in progress
    delivered: list[BriefOutcome] = field(default_factory=list)
    cancelled: list[BriefCancelled] = field(default_factory=list)
    renewals: list[Renewal] = field(default_factory=list)
    renewals_until: date | None = None
    compliance: list[ComplianceGap] = field(default_factory=list)
    kpi_changes: list[KpiChange] = field(default_factory=list)
    close: MonthClose = field(default_factory=lambda: MonthClose("open"))
    close_events: list[CloseEvent] = field(default_factory=list)

    @property
    def variance(self) -> int:
        """Plan minus actual: positive is under plan."""
        return self.planned - self.actual

    @property
    def share(self) -> float | None:
        if self.planned <= 0:
            return None
        return self.actual / self.planned

    @property
    def over_plan(self) -> list[PlanActual]:
        """Channels that spent more than planned, the largest overspend first."""
        rows = [r for r in self.channels if r.actual > r.planned]
        return sorted(rows, key=lambda r: (r.variance, r.label))

    @property
    def near_plan(self) -> list[PlanActual]:
        return [r for r in self.channels if r.flag() == "near"]

    @property
    def in_progress(self) -> bool:
        return self.month.starts_on <= self.as_of <= self.month.ends_on

    @property
    def verdicts(self) -> dict[str, int]:
        counts = {"met": 0, "missed": 0, "not_measured": 0, "unknown": 0}
        for b in self.delivered:
            counts[b.verdict] = counts.get(b.verdict, 0) + 1
        return counts

    @property
    def renewals_to_decide(self) -> list[Renewal]:
        return [r for r in self.renewals if r.needs_decision]

    def renewals_urgent(self, days: int = URGENT_DAYS) -> list[Renewal]:
        """Renewals needing a decision whose deadline is within ``days`` of the day the
        report is written, or already past."""
        limit = self.as_of + timedelta(days=days)
        return [r for r in self.renewals_to_decide if r.deadline <= limit]


MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(period: Period) -> str:
    """``November 2026`` (English whatever the locale)."""
    return f"{MONTH_NAMES[period.starts_on.month - 1]} {period.starts_on.year}"


def day_text(day: date, *, year: bool = True) -> str:
    """``4 December 2026`` (English whatever the locale)."""
    text = f"{day.day} {MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if year else text


# ---------------------------------------------------------------------------
# Outcome against target
# ---------------------------------------------------------------------------

_NUMBER = r"[£$€]?\s*-?\d[\d,]*(?:\.\d+)?"
_SUFFIX = {
    "rate": r"\s*(?:%|x\b)?",
    "duration": r"\s*(?:hours?|hrs?|days?|weeks?|wks?|months?|mo|[hdwm])?\b",
}
_DAYS_PER = {
    "hour": Decimal(1) / 24,
    "day": Decimal(1),
    "week": Decimal(7),
    "month": Decimal("30.44"),
}


def _first_number(text: str, kind: str) -> str | None:
    m = re.search(_NUMBER + _SUFFIX.get(kind, ""), text or "", re.IGNORECASE)
    return m.group(0).strip() if m else None


def _comparable(canonical: str, kind: str) -> Decimal:
    if kind == "duration":
        amount, _, unit = canonical.partition(" ")
        return Decimal(amount) * _DAYS_PER.get(unit.rstrip("s"), Decimal(1))
    return Decimal(canonical)


def outcome_verdict(
    kind: str | None,
    direction: str | None,
    target: str,
    result: str,
    currency: str = "GBP",
) -> str | None:
    """``met`` or ``missed`` when the result's first figure can be compared with the
    target in the KPI's kind and direction; ``None`` when it cannot (no target, a
    result in words, or units that do not match)."""
    if not kind or not target.strip() or not result.strip():
        return None
    got = _first_number(result, kind)
    want = _first_number(target, kind)
    if got is None or want is None:
        return None
    if kind == "rate" and ("%" in got) != ("%" in want):
        # "34" against "30%" is ambiguous: 34% or 34x? Do not guess.
        return None
    try:
        got_value = _comparable(parse_target(got, kind, currency) or "", kind)
        want_value = _comparable(parse_target(want, kind, currency) or "", kind)
    except (TargetError, ArithmeticError, ValueError):
        return None
    if direction == "lower_is_better":
        return "met" if got_value <= want_value else "missed"
    return "met" if got_value >= want_value else "missed"
