"""The Stack's process standards: lifecycle, contract rules, derived values, flags.

Pure standard-library code: the quick ``mops stack`` path computes derived values and
flags with it without importing pydantic or SQLAlchemy. The input schema that applies
these rules at entry time is :mod:`mops_tui.domain.tool_schema`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from mops_tui.domain.dates import years_ago
from mops_tui.domain.errors import FieldError
from mops_tui.domain.money import format_money

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

STATUSES: tuple[str, ...] = (
    "evaluating",
    "active",
    "under_review",
    "decommissioning",
    "retired",
)
# Allowed lifecycle moves. Retiring is allowed from any live state. A retired tool
# can only be taken back into evaluation (re-adoption); its history stays.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "evaluating": ("active", "retired"),
    "active": ("under_review", "decommissioning", "retired"),
    "under_review": ("active", "decommissioning", "retired"),
    "decommissioning": ("active", "retired"),
    "retired": ("evaluating",),
}
# States in which the team is paying under a contract.
UNDER_CONTRACT = frozenset({"active", "under_review", "decommissioning"})
# States in which the tool is in use and should be reviewed.
IN_SERVICE = frozenset({"active", "under_review"})

CATEGORIES: tuple[str, ...] = (
    "CRM",
    "Marketing automation",
    "Email",
    "Analytics",
    "Advertising",
    "SEO",
    "Social",
    "Content & CMS",
    "Data & CDP",
    "Experimentation & CRO",
    "Events & webinars",
    "Sales enablement",
    "Research & reviews",
    "Design & creative",
    "Collaboration",
    "Other",
)
BILLING_CYCLES: tuple[str, ...] = ("monthly", "quarterly", "annual", "multi_year")
REGIONS: tuple[str, ...] = ("UK", "EU", "EEA", "US", "Canada", "Australia", "APAC", "Global")

NAME_MAX = 80
VENDOR_MAX = 80
PURPOSE_MAX = 2000
NOTES_MAX = 4000
REASON_MAX = 500
DATA_MAX = 200


def status_label(status: str) -> str:
    return status.replace("_", " ")


# ---------------------------------------------------------------------------
# Policy (thresholds a team can tune in its config file)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StackPolicy:
    decommission_utilisation: float = 0.5  # below this share of seats used
    decommission_min_cost: int = 500_000  # minor units: £5,000 a year or more
    review_months: int = 12
    notice_warning_days: int = 30


# ---------------------------------------------------------------------------
# Rules at entry time
# ---------------------------------------------------------------------------


class ToolLike(Protocol):
    """What the rules read. Both the input schema and the read model satisfy it."""

    @property
    def status(self) -> str: ...
    @property
    def annual_cost(self) -> int | None: ...
    @property
    def renewal_date(self) -> date | None: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def holds_personal_data(self) -> bool: ...
    @property
    def dpa_signed_on(self) -> date | None: ...
    @property
    def data_region(self) -> str | None: ...
    @property
    def seats_bought(self) -> int | None: ...
    @property
    def seats_used(self) -> int | None: ...
    @property
    def last_reviewed_on(self) -> date | None: ...


def contract_rules(tool: ToolLike, today: date) -> list[FieldError]:
    """The standards a tool's facts must meet in its current status."""
    errors: list[FieldError] = []
    status = tool.status
    label = status_label(status)
    if not tool.owner:
        errors.append(FieldError("owner", "every tool needs a business owner; choose a person"))
    if status in UNDER_CONTRACT:
        if tool.annual_cost is None:
            message = f"a tool that is {label} needs its annual cost (0 if free)"
            errors.append(FieldError("annual_cost", message))
        if tool.renewal_date is None:
            message = f"a tool that is {label} needs a renewal date"
            errors.append(FieldError("renewal_date", message))
    if status == "active" and tool.holds_personal_data:
        if tool.dpa_signed_on is None:
            errors.append(
                FieldError(
                    "dpa_signed_on",
                    "this tool holds personal data, so it cannot be active without a "
                    "signed DPA; enter the date the DPA was signed",
                )
            )
        if not tool.data_region:
            errors.append(
                FieldError(
                    "data_region",
                    "this tool holds personal data, so it cannot be active without the "
                    "region where the data is stored",
                )
            )
    if tool.dpa_signed_on is not None and tool.dpa_signed_on > today:
        errors.append(FieldError("dpa_signed_on", "cannot be in the future"))
    if tool.last_reviewed_on is not None and tool.last_reviewed_on > today:
        errors.append(FieldError("last_reviewed_on", "cannot be in the future"))
    bought, used = tool.seats_bought, tool.seats_used
    if bought is not None and used is not None and used > bought:
        errors.append(
            FieldError(
                "seats_used",
                f"{used:,} seats used but only {bought:,} bought; check the licence count",
                warning=True,
            )
        )
    return errors


def transition_errors(
    current: str,
    target: str,
    reason: str | None = None,
    on: date | None = None,
    today: date | None = None,
) -> list[FieldError]:
    """Whether ``current → target`` is an allowed move, and what retiring needs."""
    if target not in STATUSES:
        return [FieldError("status", f"“{target}” is not a lifecycle status")]
    if target == current:
        return [FieldError("status", f"the tool is already {status_label(current)}")]
    allowed = TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(status_label(s) for s in allowed)
        return [
            FieldError(
                "status",
                f"a tool cannot go from {status_label(current)} to {status_label(target)}; "
                f"from {status_label(current)} it can become: {options}",
            )
        ]
    errors: list[FieldError] = []
    if target == "retired":
        if not reason or not reason.strip():
            errors.append(FieldError("reason", "say why the tool is being retired"))
        if on is None:
            errors.append(FieldError("retired_on", "enter the date the tool was retired"))
        elif today is not None and on > today:
            errors.append(
                FieldError(
                    "retired_on",
                    "cannot be in the future; keep the tool decommissioning until then",
                )
            )
    return errors


# ---------------------------------------------------------------------------
# Derived values
# ---------------------------------------------------------------------------


def cancel_by(renewal: date | None, notice_days: int | None) -> date | None:
    """The last day to give notice before the contract renews."""
    if renewal is None:
        return None
    return renewal - timedelta(days=notice_days or 0)


def utilisation(seats_used: int | None, seats_bought: int | None) -> float | None:
    if seats_used is None or not seats_bought:
        return None
    return seats_used / seats_bought


def cost_per_used_seat(annual_cost: int | None, seats_used: int | None) -> int | None:
    if annual_cost is None or not seats_used:
        return None
    return round(annual_cost / seats_used)


def review_overdue(
    status: str, last_reviewed_on: date | None, today: date, months: int = 12
) -> bool:
    if status not in IN_SERVICE:
        return False
    if last_reviewed_on is None:
        return True
    limit = years_ago(today, 1) if months == 12 else today - timedelta(days=round(months * 30.44))
    return last_reviewed_on < limit


@dataclass(frozen=True)
class Flag:
    code: str  # stable id: decommission, compliance, review, notice, renewal, seats
    label: str  # short table label
    reason: str  # one sentence for the detail pane and the CLI


@dataclass
class ToolView:
    """A tool as read back from the store, with what the rules derive from it."""

    id: int
    name: str
    vendor: str
    category: str
    owner: str | None  # the owner's handle
    owner_name: str | None
    purpose: str
    status: str
    annual_cost: int | None
    billing_cycle: str | None
    renewal_date: date | None
    auto_renew: bool
    notice_days: int | None
    seats_bought: int | None
    seats_used: int | None
    holds_personal_data: bool
    dpa_signed_on: date | None
    data_region: str | None
    last_reviewed_on: date | None
    retired_on: date | None = None
    retired_reason: str | None = None
    website: str | None = None
    notes: str = ""
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    integrations_out: int = 0
    integrations_in: int = 0
    personal_in_from: list[str] = field(default_factory=list)
    kpi_count: int = 0

    @property
    def cancel_by(self) -> date | None:
        return cancel_by(self.renewal_date, self.notice_days)

    @property
    def utilisation(self) -> float | None:
        return utilisation(self.seats_used, self.seats_bought)

    @property
    def cost_per_used_seat(self) -> int | None:
        return cost_per_used_seat(self.annual_cost, self.seats_used)

    def days_to_renewal(self, today: date) -> int | None:
        return (self.renewal_date - today).days if self.renewal_date else None

    def review_overdue(self, today: date, policy: StackPolicy | None = None) -> bool:
        months = (policy or StackPolicy()).review_months
        return review_overdue(self.status, self.last_reviewed_on, today, months)

    def flags(
        self, today: date, policy: StackPolicy | None = None, currency: str = "GBP"
    ) -> list[Flag]:
        return flags(self, today, policy or StackPolicy(), currency)


def flags(tool: ToolView, today: date, policy: StackPolicy, currency: str = "GBP") -> list[Flag]:
    """Every flag the tool trips today, most pressing first."""
    out: list[Flag] = []
    if tool.status == "retired":
        return out
    # Compliance gap: personal data without a DPA or region, or personal data flowing
    # in from another tool while this one says it holds none.
    gaps: list[str] = []
    if tool.holds_personal_data and tool.dpa_signed_on is None:
        gaps.append("holds personal data with no signed DPA")
    if tool.holds_personal_data and not tool.data_region:
        gaps.append("holds personal data with no data region recorded")
    if not tool.holds_personal_data and tool.personal_in_from:
        sources = ", ".join(tool.personal_in_from[:3])
        gaps.append(f"receives personal data from {sources} but is not marked as holding any")
    if gaps:
        out.append(Flag("compliance", "DPA", "Compliance gap: " + "; ".join(gaps) + "."))

    cb = tool.cancel_by
    if tool.status in UNDER_CONTRACT and tool.renewal_date is not None:
        days_to_renewal = (tool.renewal_date - today).days
        if days_to_renewal < 0:
            out.append(
                Flag(
                    "renewal",
                    "RENEWAL",
                    f"The renewal date {tool.renewal_date.isoformat()} has passed; "
                    "record the new contract term.",
                )
            )
        elif cb is not None and tool.auto_renew and (tool.annual_cost or 0) > 0:
            days = (cb - today).days
            if days < 0:
                out.append(
                    Flag(
                        "notice",
                        "NOTICE",
                        f"The cancel-by date {cb.isoformat()} has passed; it renews "
                        f"automatically on {tool.renewal_date.isoformat()}.",
                    )
                )
            elif days <= policy.notice_warning_days:
                when = "today" if days == 0 else f"in {days} day" + ("s" if days != 1 else "")
                out.append(
                    Flag(
                        "notice",
                        "NOTICE",
                        f"Give notice by {cb.isoformat()} ({when}) or it renews "
                        f"on {tool.renewal_date.isoformat()}.",
                    )
                )

    util = tool.utilisation
    if (
        tool.status in IN_SERVICE
        and util is not None
        and util < policy.decommission_utilisation
        and (tool.annual_cost or 0) >= policy.decommission_min_cost
        and tool.kpi_count == 0
        and tool.integrations_in + tool.integrations_out == 0
    ):
        out.append(
            Flag(
                "decommission",
                "DECOM?",
                f"Decommission candidate: {util:.0%} of seats used, "
                f"{format_money(tool.annual_cost, currency)} a year, no KPI draws data "
                "from it and nothing integrates with it.",
            )
        )

    if tool.review_overdue(today, policy):
        when = (
            f"last reviewed {tool.last_reviewed_on.isoformat()}"
            if tool.last_reviewed_on
            else "never reviewed"
        )
        out.append(
            Flag(
                "review",
                "REVIEW",
                f"Review overdue: {when} (reviews are due every {policy.review_months} months).",
            )
        )
    if (
        tool.seats_bought is not None
        and tool.seats_used is not None
        and tool.seats_used > tool.seats_bought
    ):
        out.append(
            Flag(
                "seats",
                "SEATS",
                f"{tool.seats_used:,} seats in use but {tool.seats_bought:,} bought.",
            )
        )
    return out


FLAG_CODES: tuple[str, ...] = ("compliance", "renewal", "notice", "decommission", "review", "seats")
