"""The morning inbox: what needs a decision today, ranked by an urgency score.

Like taskwarrior's urgency, the score is a sum of documented terms, each with a
coefficient a team can change in ``[triage]`` of its config file::

    [triage]
    compliance = 9.0        # a tool holds personal data with no DPA
    brief_overdue = 10.0

An item's score = its kind's coefficient
                + ``due`` × (14 − days until it is due, when that is under 14; overdue
                  days count as 14 + days late, capped at 30)
                + ``age`` × working days it has waited (capped at 20)
                + ``cost`` × annual cost in thousands (renewals, decommission; capped at 10)
                + ``over`` × the share over plan, in tenths (budget lines; capped at 10)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mops_tui.domain.errors import FieldError
from mops_tui.domain.policy import Urgency as Urgency

KINDS: dict[str, str] = {
    "brief_overdue": "Briefs",
    "brief_risk": "Briefs",
    "brief_review": "Briefs",
    "renewal_30": "Stack",
    "renewal_60": "Stack",
    "renewal_90": "Stack",
    "compliance": "Stack",
    "review": "Stack",
    "decommission": "Stack",
    "budget_near": "Ledger",
    "budget_over": "Ledger",
    "kpi_not_active": "KPIs",
    "kpi_no_source": "KPIs",
    "period_open": "Ledger",
}


@dataclass
class InboxItem:
    key: str  # stable: "renewal:12:2027-02-17", "brief:40", "period:2026-10"
    kind: str
    title: str  # the record: a tool, a brief, a budget line…
    why: str  # one sentence
    due: date | None = None
    age_days: int | None = None  # working days waiting
    cost: int = 0  # minor units, for the cost term
    over_share: float = 0.0  # actual / plan − 1, for the over term
    target: tuple[str, Any] = ("", None)  # (mode, record id) that Enter opens
    score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def area(self) -> str:
        return KINDS.get(self.kind, "")


def score(item: InboxItem, today: date, u: Urgency, minor_per_thousand: int = 100_000) -> float:
    total = float(getattr(u, item.kind, 0.0))
    if item.due is not None:
        days = (item.due - today).days
        if days < 14:
            closeness = 14 - days if days >= 0 else 14 + min(-days, 16)
            total += u.due * min(closeness, 30)
    if item.age_days:
        total += u.age * min(item.age_days, 20)
    if item.cost:
        total += u.cost * min(item.cost / minor_per_thousand, 10)
    if item.over_share > 0:
        total += u.over * min(item.over_share * 10, 10)
    return round(total, 1)


def rank(items: list[InboxItem], today: date, u: Urgency, exponent: int = 2) -> list[InboxItem]:
    per_thousand = 1000 * 10**exponent
    for item in items:
        item.score = score(item, today, u, per_thousand)
    return sorted(items, key=lambda i: (-i.score, i.due or date.max, i.title.lower()))


RENEWAL_DECISIONS: tuple[str, ...] = ("renew", "renegotiate", "cancel")


def renewal_decision_errors(
    decision: str, note: str, has_renewal: bool = True, tool_name: str = "This tool"
) -> list[FieldError]:
    """The rule for settling a renewal: a known decision, a renewal date to settle, and
    a note saying what happens next unless the decision is simply to renew."""
    if decision not in RENEWAL_DECISIONS:
        return [FieldError("decision", "choose renew, renegotiate or cancel")]
    if not has_renewal:
        return [FieldError("decision", f"{tool_name} has no renewal date")]
    if decision != "renew" and not note.strip():
        return [
            FieldError(
                "note",
                f"say what to {decision}: the terms to ask for, or who gives notice and when",
            )
        ]
    return []


def snooze_errors(until: date | None, today: date) -> list[FieldError]:
    """The rule for hiding an inbox item: until a day after today, and at most a year."""
    if until is None:
        return [FieldError("until", "say until when: +1w, 2026-12-15, fri")]
    if until <= today:
        return [FieldError("until", "snooze until a day after today")]
    if until > today + timedelta(days=366):
        return [FieldError("until", "snooze for at most a year")]
    return []
