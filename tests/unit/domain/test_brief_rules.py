"""The briefing workflow's rules, pure: the move table, every guard refused (with the
message a person sees) and allowed, the lead time across weekends, the SLA flags at
their thresholds, and the cutoffs the queue's SQL uses for those flags.

Dates used below (November and December 2026):

    Mon 23  Tue 24  Wed 25  Thu 26  Fri 27  Sat 28  Sun 29
    Mon 30  Tue  1  Wed  2  Thu  3  Fri  4  Sat  5  Sun  6
    Mon  7  Tue  8  Wed  9  Thu 10  Fri 11  Sat 12  Sun 13
    Mon 14
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import pytest

from mops_tui.domain.briefs import (
    MOVES,
    OPEN,
    STATUSES,
    BriefPolicy,
    MoveContext,
    flags,
    guard_failures,
    moves_from,
    review_cutoff,
    risk_cutoff,
)
from mops_tui.domain.dates import add_working_days, working_days_between
from mops_tui.domain.errors import FieldError

POLICY = BriefPolicy()
MON = date(2026, 11, 30)  # a Monday: the default "today" of these tests


@dataclass(frozen=True)
class Brief:
    """A brief as the guards read it: by default it passes every guard."""

    status: str = "draft"
    title: str = "Q1 webinar series"
    objective: str = "Create 300 MQLs"
    audience: str = "Heads of marketing operations"
    launch_date: date | None = date(2027, 1, 20)
    kpi: str | None = "mqls_created"
    kpi_status: str | None = "active"
    kpi_target: str = "300"
    owner: str | None = "ana"
    budget_requested: int | None = 900_000
    budget_line_id: int | None = 12
    line_starts_on: date | None = date(2027, 1, 1)
    line_ends_on: date | None = date(2027, 3, 31)
    outcome_result: str = ""
    outcome_reason: str = ""


def ctx(today: date = MON, policy: BriefPolicy = POLICY, **given: str) -> MoveContext:
    return MoveContext(today=today, policy=policy, **given)


def failures(brief: Brief, move: str, **kwargs: object) -> dict[str, str]:
    found = guard_failures(brief, move, ctx(**kwargs))  # type: ignore[arg-type]
    return {e.field: e.message for e in found}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour))


def codes(status: str, launch: date | None, since: datetime | None, today: date) -> list[str]:
    return [f.code for f in flags(status, launch, since, today, POLICY)]


# ---------------------------------------------------------------------------
# The move table
# ---------------------------------------------------------------------------

# Every transition the issue allows, and no other.
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "draft",
    ("approved", "start"): "in_flight",
    ("in_flight", "done"): "done",
    ("draft", "cancel"): "cancelled",
    ("submitted", "cancel"): "cancelled",
    ("approved", "cancel"): "cancelled",
    ("in_flight", "cancel"): "cancelled",
}


def test_the_table_holds_exactly_the_allowed_transitions() -> None:
    table = {(s, m.name): m.target for m in MOVES.values() for s in m.sources}
    assert table == ALLOWED
    assert {"draft", "submitted", "approved", "in_flight"} == OPEN
    assert [m.name for m in moves_from("submitted")] == ["approve", "return", "cancel"]
    assert moves_from("done") == [] and moves_from("cancelled") == []


def test_the_moves_that_ask_for_something_say_so() -> None:
    assert MOVES["return"].asks == ("reason",)
    assert MOVES["cancel"].asks == ("reason",)
    assert MOVES["done"].asks == ("result", "not_measured")
    assert {m.key for m in MOVES.values()} == {"s", "a", "r", "f", "d", "x"}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("move", list(MOVES))
def test_a_move_from_a_wrong_state_is_refused_on_the_status(status: str, move: str) -> None:
    brief = Brief(status=status)
    found = failures(brief, move, comment="why", result="412 MQLs")
    if (status, move) in ALLOWED:
        assert "status" not in found
    else:
        assert list(found) == ["status"]
        assert found["status"].startswith(f"the brief is {status.replace('_', ' ')}; ")


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        ("submitted", "submit", "the brief is submitted; submit works on a brief that is draft"),
        ("draft", "approve", "the brief is draft; approve works on a brief that is submitted"),
        (
            "approved",
            "return",
            "the brief is approved; return to draft works on a brief that is submitted",
        ),
        (
            "submitted",
            "start",
            "the brief is submitted; mark in flight works on a brief that is approved",
        ),
        ("approved", "done", "the brief is approved; mark done works on a brief that is in flight"),
        (
            "done",
            "cancel",
            "the brief is done; cancel works on a brief that is approved, draft, in flight, "
            "submitted",
        ),
        (
            "cancelled",
            "cancel",
            "the brief is cancelled; cancel works on a brief that is approved, draft, "
            "in flight, submitted",
        ),
    ],
)
def test_wrong_state_messages(status: str, move: str, message: str) -> None:
    assert failures(Brief(status=status), move) == {"status": message}


def test_the_status_is_checked_before_the_guard() -> None:
    empty = Brief(status="draft", owner=None, kpi=None, kpi_target="", launch_date=None)
    assert list(failures(empty, "approve")) == ["status"]


def test_an_unknown_move_is_refused() -> None:
    assert failures(Brief(), "launch") == {
        "status": "“launch” is not a move; use one of: submit, approve, return, start, done, cancel"
    }


# ---------------------------------------------------------------------------
# Submit: objective, audience, launch date, primary KPI, lead time
# ---------------------------------------------------------------------------


def test_submit_allowed_with_everything_it_needs() -> None:
    assert failures(Brief(status="draft"), "submit") == {}


def test_submit_needs_only_what_it_names() -> None:
    # No owner, target or budget line yet: those are approval's business.
    bare = Brief(owner=None, kpi_target="", budget_line_id=None, kpi_status="draft")
    assert failures(bare, "submit") == {}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"objective": ""}, "objective", "say what the campaign must achieve"),
        ({"objective": "   \n"}, "objective", "say what the campaign must achieve"),
        ({"audience": ""}, "audience", "say who the campaign is for"),
        ({"audience": "  "}, "audience", "say who the campaign is for"),
        ({"kpi": None}, "kpi", "choose the primary KPI the campaign will be judged on"),
        ({"launch_date": None}, "launch_date", "set a launch date"),
    ],
)
def test_submit_refused_without(change: dict[str, Any], field: str, message: str) -> None:
    assert failures(replace(Brief(), **change), "submit") == {field: message}


def test_submit_names_every_missing_field_at_once() -> None:
    empty = Brief(objective="", audience="", kpi=None, launch_date=None)
    assert list(failures(empty, "submit")) == ["objective", "audience", "kpi", "launch_date"]


# The tenth working day after each "today", and the message for the day before it.
LEAD = [
    # today (weekday)          10th working day     the day before it: days left
    (date(2026, 11, 26), date(2026, 12, 10), 9),  # Thursday
    (date(2026, 11, 27), date(2026, 12, 11), 9),  # Friday
    (date(2026, 11, 28), date(2026, 12, 11), 9),  # Saturday
    (date(2026, 11, 29), date(2026, 12, 11), 9),  # Sunday
    (date(2026, 11, 30), date(2026, 12, 14), 9),  # Monday: the day before is a Sunday
]


@pytest.mark.parametrize(("today", "earliest", "left"), LEAD)
def test_lead_time_allows_the_tenth_working_day(today: date, earliest: date, left: int) -> None:
    assert add_working_days(today, 10) == earliest
    assert failures(Brief(launch_date=earliest), "submit", today=today) == {}


@pytest.mark.parametrize(("today", "earliest", "left"), LEAD)
def test_lead_time_refuses_the_day_before(today: date, earliest: date, left: int) -> None:
    day_before = date.fromordinal(earliest.toordinal() - 1)
    assert failures(Brief(launch_date=day_before), "submit", today=today) == {
        "launch_date": f"the launch leaves {left} working days; a brief needs 10 "
        f"(launch on {earliest.isoformat()} or later)"
    }


def test_lead_time_a_weekend_launch_after_the_tenth_working_day_is_allowed() -> None:
    # Thursday 26th: the tenth working day is Thursday 10 December; Saturday 12th is later.
    assert failures(Brief(launch_date=date(2026, 12, 12)), "submit", today=date(2026, 11, 26)) == {}


def test_lead_time_weekend_days_do_not_count() -> None:
    # From Friday 27th, nine calendar days later is Sunday 6 December: 5 working days.
    assert failures(Brief(launch_date=date(2026, 12, 6)), "submit", today=date(2026, 11, 27)) == {
        "launch_date": "the launch leaves 5 working days; a brief needs 10 "
        "(launch on 2026-12-11 or later)"
    }


@pytest.mark.parametrize(
    ("launch", "message"),
    [
        (date(2026, 12, 1), "the launch leaves 1 working day; a brief needs 10"),
        (MON, "the launch leaves 0 working days; a brief needs 10"),
        (date(2026, 11, 20), "the launch leaves 0 working days; a brief needs 10"),
    ],
)
def test_lead_time_message_for_a_launch_close_or_past(launch: date, message: str) -> None:
    found = failures(Brief(launch_date=launch), "submit")
    assert found == {"launch_date": message + " (launch on 2026-12-14 or later)"}


def test_lead_time_comes_from_the_policy() -> None:
    five = BriefPolicy(lead_time_days=5)
    assert failures(Brief(launch_date=date(2026, 12, 7)), "submit", policy=five) == {}
    assert failures(Brief(launch_date=date(2026, 12, 4)), "submit", policy=five) == {
        "launch_date": "the launch leaves 4 working days; a brief needs 5 "
        "(launch on 2026-12-07 or later)"
    }
    none = BriefPolicy(lead_time_days=0)
    assert failures(Brief(launch_date=MON), "submit", policy=none) == {}


# ---------------------------------------------------------------------------
# Approve: owner, KPI target, an active KPI, a budget line covering the launch
# ---------------------------------------------------------------------------


def submitted(**change: Any) -> Brief:
    return replace(Brief(status="submitted"), **change)


def test_approve_allowed_with_everything_it_needs() -> None:
    assert failures(submitted(), "approve") == {}


def test_approve_allowed_without_budget_and_without_a_line() -> None:
    assert failures(submitted(budget_requested=None, budget_line_id=None), "approve") == {}
    assert failures(submitted(budget_requested=0, budget_line_id=None), "approve") == {}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"owner": None}, "owner", "assign an owner who will run it (o)"),
        ({"kpi_target": ""}, "kpi_target", "set the target for the KPI"),
        ({"kpi_target": "  "}, "kpi_target", "set the target for the KPI"),
        ({"kpi": None, "kpi_status": None}, "kpi", "choose the primary KPI"),
        (
            {"kpi_status": "draft"},
            "kpi",
            "the KPI mqls_created is draft; only an active KPI can measure an approved brief",
        ),
        (
            {"kpi_status": "deprecated"},
            "kpi",
            "the KPI mqls_created is deprecated; only an active KPI can measure an approved brief",
        ),
        (
            {"kpi_status": None},
            "kpi",
            "the KPI mqls_created is missing; only an active KPI can measure an approved brief",
        ),
        (
            {"budget_line_id": None, "line_starts_on": None, "line_ends_on": None},
            "budget_line",
            "budget is requested: choose the budget line it comes out of",
        ),
        (
            {"launch_date": date(2027, 4, 1)},
            "budget_line",
            "the budget line covers 2027-01-01 to 2027-03-31, but the launch is 2027-04-01",
        ),
        (
            {"launch_date": date(2026, 12, 31)},
            "budget_line",
            "the budget line covers 2027-01-01 to 2027-03-31, but the launch is 2026-12-31",
        ),
    ],
)
def test_approve_refused_without(change: dict[str, Any], field: str, message: str) -> None:
    assert failures(submitted(**change), "approve") == {field: message}


@pytest.mark.parametrize("launch", [date(2027, 1, 1), date(2027, 3, 31)])
def test_approve_allows_a_launch_on_the_first_or_last_day_of_the_line(launch: date) -> None:
    assert failures(submitted(launch_date=launch), "approve") == {}


def test_approve_names_every_missing_field_at_once() -> None:
    bare = submitted(owner=None, kpi_target="", kpi_status="draft", budget_line_id=None)
    assert list(failures(bare, "approve")) == ["owner", "kpi_target", "kpi", "budget_line"]


def test_approve_does_not_recheck_the_lead_time() -> None:
    # The lead time is the submitter's standard; a launch close by can still be approved.
    close = submitted(launch_date=date(2027, 1, 4))
    assert failures(close, "approve", today=date(2027, 1, 1)) == {}


# ---------------------------------------------------------------------------
# Return and cancel need a reason; start needs nothing; done needs the outcome
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_return_refused_without_a_reason(reason: str) -> None:
    assert failures(submitted(), "return", comment=reason) == {
        "reason": "say why the brief goes back, so the requester can fix it"
    }


def test_return_allowed_with_a_reason() -> None:
    assert failures(submitted(), "return", comment="Name the audience") == {}
    # It needs nothing else: a brief with gaps can always go back.
    assert failures(submitted(owner=None, kpi=None), "return", comment="Gaps") == {}


@pytest.mark.parametrize("status", sorted(OPEN))
def test_cancel_refused_without_a_reason_from_every_open_state(status: str) -> None:
    assert failures(Brief(status=status), "cancel", comment=" ") == {
        "reason": "say why the brief is cancelled"
    }


@pytest.mark.parametrize("status", sorted(OPEN))
def test_cancel_allowed_with_a_reason_from_every_open_state(status: str) -> None:
    assert failures(Brief(status=status), "cancel", comment="Budget cut") == {}


def test_start_needs_nothing_more() -> None:
    assert failures(Brief(status="approved", owner=None, kpi_target=""), "start") == {}


@pytest.mark.parametrize(("result", "not_measured"), [("", ""), ("  ", " \n")])
def test_done_refused_without_an_outcome(result: str, not_measured: str) -> None:
    found = failures(Brief(status="in_flight"), "done", result=result, not_measured=not_measured)
    assert found == {"result": "give the KPI result, or say why it could not be measured"}


@pytest.mark.parametrize(
    ("result", "not_measured"),
    [("412 MQLs", ""), ("", "The CRM export failed for the campaign month"), ("27%", "x")],
)
def test_done_allowed_with_a_result_or_why_it_was_not_measured(
    result: str, not_measured: str
) -> None:
    found = failures(Brief(status="in_flight"), "done", result=result, not_measured=not_measured)
    assert found == {}


def test_a_reason_does_not_count_as_an_outcome() -> None:
    found = failures(Brief(status="in_flight"), "done", comment="finished")
    assert list(found) == ["result"]


def test_guard_failures_are_field_errors() -> None:
    found = guard_failures(Brief(objective=""), "submit", ctx())  # type: ignore[arg-type]
    assert found == [FieldError("objective", "say what the campaign must achieve")]


# ---------------------------------------------------------------------------
# SLA flags at their thresholds
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_overdue_the_day_after_the_launch_while_not_in_flight(status: str) -> None:
    found = flags(status, date(2026, 12, 1), None, date(2026, 12, 2), POLICY)
    assert [(f.code, f.label, f.reason) for f in found] == [
        (
            "overdue",
            "OVERDUE",
            "The launch date 2026-12-01 has passed (1 working day ago) and it is not in flight.",
        )
    ]


def test_overdue_counts_working_days_since_the_launch() -> None:
    found = flags("draft", date(2026, 11, 27), None, MON, POLICY)
    assert found[0].reason == (
        "The launch date 2026-11-27 has passed (1 working day ago) and it is not in flight."
    )
    found = flags("draft", date(2026, 11, 24), None, MON, POLICY)
    assert "(4 working days ago)" in found[0].reason


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_not_overdue_on_the_launch_day(status: str) -> None:
    assert "overdue" not in codes(status, MON, None, MON)


@pytest.mark.parametrize("status", ["in_flight", "done", "cancelled"])
def test_never_overdue_once_in_flight_done_or_cancelled(status: str) -> None:
    assert codes(status, date(2026, 10, 1), at(date(2026, 9, 1)), MON) == []


def test_no_launch_date_no_overdue_or_risk() -> None:
    assert codes("draft", None, None, MON) == []
    assert codes("approved", None, at(MON), MON) == []


@pytest.mark.parametrize(
    ("launch", "left"),
    [(MON, 0), (date(2026, 12, 1), 1), (date(2026, 12, 4), 4)],
)
def test_at_risk_with_fewer_than_five_working_days_left(launch: date, left: int) -> None:
    found = flags("approved", launch, at(MON), MON, POLICY)
    assert [(f.code, f.label) for f in found] == [("risk", "AT RISK")]
    unit = "working day" if left == 1 else "working days"
    assert found[0].reason == f"Approved but not in flight, with {left} {unit} to launch."


def test_not_at_risk_with_five_working_days_left() -> None:
    assert working_days_between(MON, date(2026, 12, 7)) == 5
    assert codes("approved", date(2026, 12, 7), at(MON), MON) == []


@pytest.mark.parametrize("status", ["draft", "submitted", "in_flight", "done", "cancelled"])
def test_only_an_approved_brief_is_at_risk(status: str) -> None:
    assert "risk" not in codes(status, date(2026, 12, 1), at(MON), MON)


def test_an_approved_brief_past_its_launch_is_overdue_not_at_risk() -> None:
    assert codes("approved", date(2026, 11, 27), at(MON), MON) == ["overdue"]


def test_at_risk_threshold_comes_from_the_policy() -> None:
    two = BriefPolicy(at_risk_days=2)
    assert [f.code for f in flags("approved", date(2026, 12, 1), None, MON, two)] == ["risk"]
    assert flags("approved", date(2026, 12, 2), None, MON, two) == []


def test_waiting_in_review_after_more_than_three_working_days() -> None:
    # Submitted Tuesday 24th, today Monday 30th: Wed, Thu, Fri, Mon = 4 working days.
    found = flags("submitted", None, at(date(2026, 11, 24)), MON, POLICY)
    assert [(f.code, f.label, f.reason) for f in found] == [
        ("review", "WAITING", "Waiting 4 working days for review (the standard is 3).")
    ]


def test_not_waiting_at_exactly_three_working_days() -> None:
    assert codes("submitted", None, at(date(2026, 11, 25), 8), MON) == []
    assert codes("submitted", None, at(date(2026, 11, 25), 23), MON) == []


def test_a_weekend_does_not_add_to_the_wait() -> None:
    # Submitted Tuesday 24th; on Sunday 29th it has waited Wed, Thu, Fri: 3 days.
    assert codes("submitted", None, at(date(2026, 11, 24)), date(2026, 11, 29)) == []
    assert codes("submitted", None, at(date(2026, 11, 23)), date(2026, 11, 29)) == ["review"]


@pytest.mark.parametrize("status", ["draft", "approved", "in_flight", "done", "cancelled"])
def test_only_a_submitted_brief_waits_for_review(status: str) -> None:
    assert "review" not in codes(status, None, at(date(2026, 11, 2)), MON)


def test_review_threshold_comes_from_the_policy() -> None:
    one = BriefPolicy(review_sla_days=1)
    assert [f.code for f in flags("submitted", None, at(date(2026, 11, 26)), MON, one)] == [
        "review"
    ]
    assert flags("submitted", None, at(date(2026, 11, 27)), MON, one) == []


def test_flags_combine() -> None:
    # Submitted a month ago for a launch that has passed: overdue and waiting.
    assert codes("submitted", date(2026, 11, 27), at(date(2026, 11, 2)), MON) == [
        "overdue",
        "review",
    ]


# ---------------------------------------------------------------------------
# The cutoffs the queue's SQL uses for the same flags
# ---------------------------------------------------------------------------


def test_risk_cutoff() -> None:
    # Up to the Sunday before the fifth working day: a weekend launch has 4 working days.
    assert risk_cutoff(MON, POLICY) == date(2026, 12, 6)
    assert risk_cutoff(date(2026, 11, 29), POLICY) == date(2026, 12, 3)  # from a Sunday
    assert risk_cutoff(MON, BriefPolicy(at_risk_days=1)) == MON
    # Never at risk: the cutoff is before today.
    assert risk_cutoff(MON, BriefPolicy(at_risk_days=0)) == date(2026, 11, 29)


def test_review_cutoff() -> None:
    assert review_cutoff(MON, POLICY) == date(2026, 11, 25)  # Wednesday
    assert review_cutoff(date(2026, 12, 2), POLICY) == date(2026, 11, 27)  # Friday
    assert review_cutoff(MON, BriefPolicy(review_sla_days=0)) == MON
    # From a weekend, counted back from the Friday.
    assert review_cutoff(date(2026, 11, 29), POLICY) == date(2026, 11, 24)


def _sql_at_risk(launch: date, today: date, policy: BriefPolicy) -> bool:
    """What ``is:risk`` and the queue order test (store/queries/briefs.py)."""
    return today <= launch <= risk_cutoff(today, policy)


def _sql_waiting(since: datetime, today: date, policy: BriefPolicy) -> bool:
    """What ``is:waiting`` and the queue order test: before the cutoff's midnight."""
    return since < datetime.combine(review_cutoff(today, policy), time())


@pytest.mark.parametrize(
    ("today", "launch", "policy"),
    [
        (MON, MON, POLICY),
        (MON, date(2026, 12, 4), POLICY),
        (MON, date(2026, 12, 7), POLICY),
        (date(2026, 11, 29), date(2026, 12, 3), POLICY),
        (date(2026, 11, 29), date(2026, 12, 4), POLICY),
        (date(2026, 11, 28), date(2026, 12, 4), POLICY),
        pytest.param(
            MON,
            date(2026, 12, 5),
            POLICY,
            id="weekend-launch-after-the-cutoff",
        ),
        pytest.param(
            MON,
            MON,
            BriefPolicy(at_risk_days=0),
            id="at-risk-days-zero",
        ),
    ],
)
def test_risk_cutoff_agrees_with_the_flag(today: date, launch: date, policy: BriefPolicy) -> None:
    flagged = any(f.code == "risk" for f in flags("approved", launch, None, today, policy))
    assert _sql_at_risk(launch, today, policy) == flagged


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (MON, at(date(2026, 11, 24))),
        (MON, at(date(2026, 11, 25))),
        (date(2026, 12, 2), at(date(2026, 11, 26))),
        (date(2026, 12, 2), at(date(2026, 11, 27))),
        (date(2026, 11, 29), at(date(2026, 11, 23))),
        (date(2026, 11, 29), at(date(2026, 11, 25))),
        pytest.param(
            date(2026, 11, 29),
            at(date(2026, 11, 24)),
            id="weekend-today",
        ),
    ],
)
def test_review_cutoff_agrees_with_the_flag(today: date, since: datetime) -> None:
    flagged = any(f.code == "review" for f in flags("submitted", None, since, today, POLICY))
    assert _sql_waiting(since, today, POLICY) == flagged
