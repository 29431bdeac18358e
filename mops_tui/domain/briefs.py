"""The briefing workflow: one table of moves and their guards, SLA flags, and the
order in which the queue asks for action.

Pure standard-library code. The TUI's triage keys, the CLI's ``mops brief submit``
and the tests all go through :data:`MOVES` and :func:`guard_failures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from mops_tui.domain.dates import add_working_days, is_working_day, working_days_between
from mops_tui.domain.errors import FieldError
from mops_tui.domain.policy import BriefPolicy as BriefPolicy

STATUSES: tuple[str, ...] = ("draft", "submitted", "approved", "in_flight", "done", "cancelled")
OPEN = frozenset({"draft", "submitted", "approved", "in_flight"})
PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")
TITLE_MAX = 120
TEXT_MAX = 4000
BODY_MAX = 20000


def status_label(status: str) -> str:
    return status.replace("_", " ")


class BriefLike:
    """What the guards read (the read model and the input both provide it)."""

    status: str
    title: str
    objective: str
    audience: str
    launch_date: date | None
    kpi: str | None
    kpi_status: str | None
    kpi_target: str
    owner: str | None
    budget_requested: int | None
    budget_line_id: int | None
    line_starts_on: date | None
    line_ends_on: date | None
    outcome_result: str
    outcome_reason: str


@dataclass(frozen=True)
class MoveContext:
    today: date
    policy: BriefPolicy
    comment: str = ""  # the reason or note given with the move
    result: str = ""  # the outcome given with "done"
    not_measured: str = ""  # or why it could not be measured


Guard = Callable[[BriefLike, MoveContext], list[FieldError]]


class SubmitFields(Protocol):
    """The fields a submitted brief must keep (the input schema has them too)."""

    @property
    def objective(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def kpi(self) -> str | None: ...
    @property
    def launch_date(self) -> date | None: ...


def submitted_needs(b: SubmitFields) -> list[FieldError]:
    """What a brief must have from submission on: an edit cannot clear it either."""
    errors: list[FieldError] = []
    if not (b.objective or "").strip():
        errors.append(FieldError("objective", "say what the campaign must achieve"))
    if not (b.audience or "").strip():
        errors.append(FieldError("audience", "say who the campaign is for"))
    if not b.kpi:
        errors.append(FieldError("kpi", "choose the primary KPI the campaign will be judged on"))
    if b.launch_date is None:
        errors.append(FieldError("launch_date", "set a launch date"))
    return errors


def edit_failures(status: str, b: SubmitFields) -> list[FieldError]:
    """An edit to a submitted, approved or in-flight brief keeps what submitting
    required; the message says why the field cannot be emptied now."""
    if status not in ("submitted", "approved", "in_flight"):
        return []
    return [
        FieldError(e.field, f"a {status_label(status)} brief needs it: {e.message}")
        for e in submitted_needs(b)
    ]


def _submit_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    errors = submitted_needs(b)
    if b.launch_date is not None:
        earliest = add_working_days(m.today, m.policy.lead_time_days)
        if b.launch_date < earliest:
            left = working_days_between(m.today, b.launch_date)
            errors.append(
                FieldError(
                    "launch_date",
                    f"the launch leaves {max(left, 0)} working day{'s' if left != 1 else ''}; "
                    f"a brief needs {m.policy.lead_time_days} (launch on "
                    f"{earliest.isoformat()} or later)",
                )
            )
    return errors


def _approve_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    errors: list[FieldError] = []
    if not b.owner:
        errors.append(FieldError("owner", "assign an owner who will run it (o)"))
    if not (b.kpi_target or "").strip():
        errors.append(FieldError("kpi_target", "set the target for the KPI"))
    if not b.kpi:
        errors.append(FieldError("kpi", "choose the primary KPI"))
    elif b.kpi_status != "active":
        errors.append(
            FieldError(
                "kpi",
                f"the KPI {b.kpi} is {b.kpi_status or 'missing'}; only an active KPI "
                "can measure an approved brief",
            )
        )
    if b.budget_requested:
        if b.budget_line_id is None:
            errors.append(
                FieldError(
                    "budget_line", "budget is requested: choose the budget line it comes out of"
                )
            )
        elif (
            b.launch_date is not None
            and b.line_starts_on
            and b.line_ends_on
            and not (b.line_starts_on <= b.launch_date <= b.line_ends_on)
        ):
            errors.append(
                FieldError(
                    "budget_line",
                    f"the budget line covers {b.line_starts_on.isoformat()} to "
                    f"{b.line_ends_on.isoformat()}, but the launch is "
                    f"{b.launch_date.isoformat()}",
                )
            )
    return errors


def _return_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    if not m.comment.strip():
        return [FieldError("reason", "say why the brief goes back, so the requester can fix it")]
    return []


def _start_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    return []


def _done_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    if not (m.result.strip() or m.not_measured.strip()):
        return [FieldError("result", "give the KPI result, or say why it could not be measured")]
    return []


def _cancel_guard(b: BriefLike, m: MoveContext) -> list[FieldError]:
    if not m.comment.strip():
        return [FieldError("reason", "say why the brief is cancelled")]
    return []


@dataclass(frozen=True)
class Move:
    name: str  # submit, approve, …
    key: str  # the triage key in the TUI
    label: str
    sources: frozenset[str]
    target: str
    guard: Guard
    asks: tuple[str, ...] = ()  # what the move asks for: reason, result


MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        Move("submit", "s", "Submit", frozenset({"draft"}), "submitted", _submit_guard),
        Move("approve", "a", "Approve", frozenset({"submitted"}), "approved", _approve_guard),
        Move(
            "return",
            "r",
            "Return to draft",
            frozenset({"submitted"}),
            "draft",
            _return_guard,
            ("reason",),
        ),
        Move("start", "f", "Mark in flight", frozenset({"approved"}), "in_flight", _start_guard),
        Move(
            "done",
            "d",
            "Mark done",
            frozenset({"in_flight"}),
            "done",
            _done_guard,
            ("result", "not_measured"),
        ),
        Move("cancel", "x", "Cancel", OPEN, "cancelled", _cancel_guard, ("reason",)),
    )
}


def guard_failures(brief: BriefLike, move: str, ctx: MoveContext) -> list[FieldError]:
    """Why ``move`` is refused for ``brief`` (empty: allowed). The status comes first."""
    found = MOVES.get(move)
    if found is None:
        return [FieldError("status", f"“{move}” is not a move; use one of: " + ", ".join(MOVES))]
    if brief.status not in found.sources:
        where = ", ".join(status_label(s) for s in sorted(found.sources))
        return [
            FieldError(
                "status",
                f"the brief is {status_label(brief.status)}; "
                f"{found.label.lower()} works on a brief that is {where}",
            )
        ]
    return found.guard(brief, ctx)


def moves_from(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]


# ---------------------------------------------------------------------------
# SLA flags and the order of the queue
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefFlag:
    code: str  # review, risk, overdue
    label: str
    reason: str


def flags(
    status: str,
    launch: date | None,
    status_since: datetime | None,
    today: date,
    policy: BriefPolicy,
) -> list[BriefFlag]:
    out: list[BriefFlag] = []
    if launch is not None and launch < today and status in ("draft", "submitted", "approved"):
        late = working_days_between(launch, today)
        out.append(
            BriefFlag(
                "overdue",
                "OVERDUE",
                f"The launch date {launch.isoformat()} has passed "
                + (f"({late} working day{'s' if late != 1 else ''} ago) " if late else "")
                + "and it is not in flight.",
            )
        )
    if status == "approved" and launch is not None and launch >= today:
        left = working_days_between(today, launch)
        if left < policy.at_risk_days:
            out.append(
                BriefFlag(
                    "risk",
                    "AT RISK",
                    f"Approved but not in flight, with {left} working day"
                    f"{'s' if left != 1 else ''} to launch.",
                )
            )
    if status == "submitted" and status_since is not None:
        waited = working_days_between(status_since.date(), today)
        if waited > policy.review_sla_days:
            out.append(
                BriefFlag(
                    "review",
                    "WAITING",
                    f"Waiting {waited} working days for review (the standard is "
                    f"{policy.review_sla_days}).",
                )
            )
    return out


def risk_cutoff(today: date, policy: BriefPolicy) -> date:
    """Launch on or before this date (and not before today) and an approved brief is at
    risk: the day before the ``at_risk_days``-th working day from today, so a weekend
    launch counts as :func:`flags` counts it. Before today when ``at_risk_days`` is 0."""
    return add_working_days(today, policy.at_risk_days) - timedelta(days=1)


def review_cutoff(today: date, policy: BriefPolicy) -> date:
    """Submitted before this date and a brief has waited too long in review. Counted
    back from the last working day on or before today, as :func:`flags` counts."""
    last_working = today
    while not is_working_day(last_working):
        last_working -= timedelta(days=1)
    return add_working_days(last_working, -policy.review_sla_days)


@dataclass
class BriefView:
    id: int
    title: str
    status: str
    priority: str
    owner: str | None
    owner_name: str | None
    requester: str | None
    requester_name: str | None
    objective: str
    audience: str
    key_message: str
    channels: list[str]
    launch_date: date | None
    kpi: str | None
    kpi_id: int | None
    kpi_status: str | None
    kpi_label: str | None
    kpi_kind: str | None
    kpi_target: str
    budget_requested: int | None
    budget_line_id: int | None
    budget_line: str | None
    line_starts_on: date | None
    line_ends_on: date | None
    body: str
    outcome_result: str
    outcome_reason: str
    status_since: datetime | None
    created_at: datetime | None
    version: int = 1
    updated_by: str | None = None
    updated_at: datetime | None = None
    spend: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    def working_days_to_launch(self, today: date) -> int | None:
        if self.launch_date is None:
            return None
        return working_days_between(today, self.launch_date)

    def age_in_status(self, today: date) -> int | None:
        """Working days since the brief entered its status."""
        if self.status_since is None:
            return None
        return working_days_between(self.status_since.date(), today)

    def flags(self, today: date, policy: BriefPolicy) -> list[BriefFlag]:
        return flags(self.status, self.launch_date, self.status_since, today, policy)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class Transition:
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    comment: str
