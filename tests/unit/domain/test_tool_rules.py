"""The Stack's standards: contract rules, lifecycle moves, derived values and flags."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest

from mops_tui.domain import tools
from mops_tui.domain.errors import FieldError
from mops_tui.domain.tools import (
    FLAG_CODES,
    STATUSES,
    TRANSITIONS,
    StackPolicy,
    ToolView,
    cancel_by,
    contract_rules,
    cost_per_used_seat,
    flags,
    review_overdue,
    transition_errors,
    utilisation,
)

TODAY = date(2026, 11, 29)
POLICY = StackPolicy()

DPA_MESSAGE = (
    "this tool holds personal data, so it cannot be active without a signed DPA; "
    "enter the date the DPA was signed"
)
REGION_MESSAGE = (
    "this tool holds personal data, so it cannot be active without the region where "
    "the data is stored"
)


@dataclass(frozen=True)
class FakeTool:
    """Just what ``contract_rules`` reads (the ``ToolLike`` protocol)."""

    status: str = "active"
    annual_cost: int | None = 1_200_000
    renewal_date: date | None = date(2027, 3, 31)
    owner: str | None = "ana"
    holds_personal_data: bool = False
    dpa_signed_on: date | None = None
    data_region: str | None = None
    seats_bought: int | None = None
    seats_used: int | None = None
    last_reviewed_on: date | None = None


def by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.field, []).append(e.message)
    return out


# ---------------------------------------------------------------------------
# contract_rules
# ---------------------------------------------------------------------------


def test_a_complete_active_tool_passes() -> None:
    assert contract_rules(FakeTool(), TODAY) == []


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("owner", [None, ""])
def test_every_tool_needs_an_owner(status: str, owner: str | None) -> None:
    errors = contract_rules(FakeTool(status=status, owner=owner), TODAY)
    assert by_field(errors)["owner"] == ["every tool needs a business owner; choose a person"]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("active", "active"),
        ("under_review", "under review"),
        ("decommissioning", "decommissioning"),
    ],
)
def test_under_contract_needs_cost_and_renewal(status: str, label: str) -> None:
    errors = by_field(
        contract_rules(FakeTool(status=status, annual_cost=None, renewal_date=None), TODAY)
    )
    assert errors == {
        "annual_cost": [f"a tool that is {label} needs its annual cost (0 if free)"],
        "renewal_date": [f"a tool that is {label} needs a renewal date"],
    }


@pytest.mark.parametrize("status", ["evaluating", "retired"])
def test_not_under_contract_needs_no_cost_or_renewal(status: str) -> None:
    tool = FakeTool(status=status, annual_cost=None, renewal_date=None)
    assert contract_rules(tool, TODAY) == []


def test_free_tool_has_a_cost_of_zero() -> None:
    assert contract_rules(FakeTool(annual_cost=0), TODAY) == []


def test_active_personal_data_needs_dpa_and_region() -> None:
    errors = by_field(contract_rules(FakeTool(holds_personal_data=True), TODAY))
    assert errors == {"dpa_signed_on": [DPA_MESSAGE], "data_region": [REGION_MESSAGE]}


def test_active_personal_data_with_dpa_and_region_passes() -> None:
    tool = FakeTool(holds_personal_data=True, dpa_signed_on=date(2026, 1, 5), data_region="UK")
    assert contract_rules(tool, TODAY) == []


@pytest.mark.parametrize("status", ["evaluating", "under_review", "decommissioning", "retired"])
def test_personal_data_needs_dpa_only_when_active(status: str) -> None:
    tool = FakeTool(status=status, holds_personal_data=True)
    fields = by_field(contract_rules(tool, TODAY))
    assert "dpa_signed_on" not in fields
    assert "data_region" not in fields


@pytest.mark.parametrize("field", ["dpa_signed_on", "last_reviewed_on"])
def test_dates_cannot_be_in_the_future(field: str) -> None:
    future = contract_rules(replace(FakeTool(), **{field: TODAY + timedelta(days=1)}), TODAY)
    assert by_field(future) == {field: ["cannot be in the future"]}
    assert contract_rules(replace(FakeTool(), **{field: TODAY}), TODAY) == []


def test_seats_used_above_bought_is_a_warning() -> None:
    errors = contract_rules(FakeTool(seats_bought=1_000, seats_used=1_200), TODAY)
    assert errors == [
        FieldError(
            "seats_used",
            "1,200 seats used but only 1,000 bought; check the licence count",
            warning=True,
        )
    ]


@pytest.mark.parametrize(("bought", "used"), [(10, 10), (10, 0), (None, 12), (10, None)])
def test_seats_within_licence_pass(bought: int | None, used: int | None) -> None:
    assert contract_rules(FakeTool(seats_bought=bought, seats_used=used), TODAY) == []


# ---------------------------------------------------------------------------
# transition_errors
# ---------------------------------------------------------------------------

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets if b != "retired"]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if a != b and b not in TRANSITIONS[a]]


def test_transition_table_names_only_statuses() -> None:
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(t in STATUSES for targets in TRANSITIONS.values() for t in targets)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_moves(current: str, target: str) -> None:
    assert transition_errors(current, target) == []


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_moves(current: str, target: str) -> None:
    options = ", ".join(s.replace("_", " ") for s in TRANSITIONS[current])
    cur, tgt = current.replace("_", " "), target.replace("_", " ")
    assert transition_errors(current, target) == [
        FieldError(
            "status",
            f"a tool cannot go from {cur} to {tgt}; from {cur} it can become: {options}",
        )
    ]


def test_evaluating_cannot_jump_to_decommissioning() -> None:
    assert transition_errors("evaluating", "decommissioning")[0].message == (
        "a tool cannot go from evaluating to decommissioning; "
        "from evaluating it can become: active, retired"
    )


def test_retired_can_only_go_back_to_evaluation() -> None:
    # Re-adoption starts a fresh evaluation; nothing else leaves retired.
    assert transition_errors("retired", "evaluating") == []
    assert transition_errors("retired", "active") == [
        FieldError(
            "status",
            "a tool cannot go from retired to active; from retired it can become: evaluating",
        )
    ]


@pytest.mark.parametrize(
    ("current", "targets"),
    [
        ("evaluating", {"active", "retired"}),
        ("active", {"under_review", "decommissioning", "retired"}),
        ("under_review", {"active", "decommissioning", "retired"}),
        ("decommissioning", {"active", "retired"}),
        ("retired", {"evaluating"}),
    ],
)
def test_lifecycle_moves(current: str, targets: set[str]) -> None:
    # The lifecycle of PRODUCT.md §1; retiring is allowed from every live state.
    assert set(TRANSITIONS[current]) == targets


@pytest.mark.parametrize("status", STATUSES)
def test_same_status_is_refused(status: str) -> None:
    assert transition_errors(status, status) == [
        FieldError("status", f"the tool is already {status.replace('_', ' ')}")
    ]


@pytest.mark.parametrize("target", ["bogus", "Active", "under review", ""])
def test_unknown_target_is_refused(target: str) -> None:
    assert transition_errors("active", target) == [
        FieldError("status", f"“{target}” is not a lifecycle status")
    ]


@pytest.mark.parametrize("current", ["evaluating", "active", "under_review", "decommissioning"])
def test_retiring_with_reason_and_date_is_allowed(current: str) -> None:
    assert transition_errors(current, "retired", "Replaced by Braze", TODAY, TODAY) == []
    assert transition_errors(current, "retired", "Replaced", date(2026, 1, 1), TODAY) == []


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_retiring_needs_a_reason(reason: str | None) -> None:
    assert by_field(transition_errors("active", "retired", reason, TODAY, TODAY)) == {
        "reason": ["say why the tool is being retired"]
    }


def test_retiring_needs_a_date() -> None:
    assert by_field(transition_errors("active", "retired", "Unused", None, TODAY)) == {
        "retired_on": ["enter the date the tool was retired"]
    }


def test_retiring_needs_both() -> None:
    assert by_field(transition_errors("active", "retired")) == {
        "reason": ["say why the tool is being retired"],
        "retired_on": ["enter the date the tool was retired"],
    }


def test_retiring_in_the_future_is_refused() -> None:
    errors = transition_errors("active", "retired", "Unused", TODAY + timedelta(days=1), TODAY)
    assert by_field(errors) == {
        "retired_on": ["cannot be in the future; keep the tool decommissioning until then"]
    }


def test_retiring_in_the_future_without_today_is_not_checked() -> None:
    assert transition_errors("active", "retired", "Unused", date(2099, 1, 1)) == []


# ---------------------------------------------------------------------------
# Derived values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("renewal", "notice", "expected"),
    [
        (date(2027, 3, 31), 30, date(2027, 3, 1)),
        (date(2027, 3, 31), 90, date(2026, 12, 31)),
        (date(2027, 3, 31), 0, date(2027, 3, 31)),
        (date(2027, 3, 31), None, date(2027, 3, 31)),
        (date(2028, 3, 1), 1, date(2028, 2, 29)),
        (None, 30, None),
        (None, None, None),
    ],
)
def test_cancel_by(renewal: date | None, notice: int | None, expected: date | None) -> None:
    assert cancel_by(renewal, notice) == expected


@pytest.mark.parametrize(
    ("used", "bought", "expected"),
    [
        (5, 10, 0.5),
        (0, 10, 0.0),
        (10, 10, 1.0),
        (12, 10, 1.2),
        (None, 10, None),
        (5, None, None),
        (5, 0, None),
        (0, 0, None),
    ],
)
def test_utilisation(used: int | None, bought: int | None, expected: float | None) -> None:
    assert utilisation(used, bought) == expected


@pytest.mark.parametrize(
    ("cost", "used", "expected"),
    [
        (1_200_000, 10, 120_000),
        (100_000, 3, 33_333),
        (200_000, 3, 66_667),
        (0, 5, 0),
        (None, 5, None),
        (1_200_000, 0, None),
        (1_200_000, None, None),
    ],
)
def test_cost_per_used_seat(cost: int | None, used: int | None, expected: int | None) -> None:
    assert cost_per_used_seat(cost, used) == expected


@pytest.mark.parametrize(
    ("status", "last", "overdue"),
    [
        ("active", None, True),
        ("under_review", None, True),
        ("active", date(2025, 11, 29), False),  # exactly twelve months: due, not overdue
        ("active", date(2025, 11, 28), True),
        ("active", date(2026, 6, 1), False),
        ("under_review", date(2024, 1, 1), True),
        ("evaluating", None, False),
        ("decommissioning", date(2020, 1, 1), False),
        ("retired", None, False),
    ],
)
def test_review_overdue(status: str, last: date | None, overdue: bool) -> None:
    assert review_overdue(status, last, TODAY) is overdue


def test_review_overdue_on_a_leap_day() -> None:
    leap = date(2028, 2, 29)
    assert review_overdue("active", date(2027, 2, 28), leap) is False
    assert review_overdue("active", date(2027, 2, 27), leap) is True


@pytest.mark.parametrize(
    ("months", "last", "overdue"),
    [(6, date(2026, 6, 1), False), (6, date(2026, 5, 1), True), (24, date(2025, 1, 1), False)],
)
def test_review_overdue_other_periods(months: int, last: date, overdue: bool) -> None:
    assert review_overdue("active", last, TODAY, months) is overdue


# ---------------------------------------------------------------------------
# flags()
# ---------------------------------------------------------------------------


def view(**changes: Any) -> ToolView:
    """A healthy active tool that trips no flag; each test changes what it needs."""
    base: dict[str, Any] = {
        "id": 1,
        "name": "HubSpot",
        "vendor": "HubSpot",
        "category": "CRM",
        "owner": "ana",
        "owner_name": "Ana",
        "purpose": "CRM",
        "status": "active",
        "annual_cost": 1_200_000,
        "billing_cycle": "annual",
        "renewal_date": date(2027, 6, 30),
        "auto_renew": True,
        "notice_days": 30,
        "seats_bought": 10,
        "seats_used": 8,
        "holds_personal_data": True,
        "dpa_signed_on": date(2025, 1, 1),
        "data_region": "UK",
        "last_reviewed_on": date(2026, 6, 1),
    }
    base.update(changes)
    return ToolView(**base)


def codes(tool: ToolView, policy: StackPolicy = POLICY) -> list[str]:
    return [f.code for f in flags(tool, TODAY, policy)]


def only(tool: ToolView, code: str) -> tools.Flag:
    found = flags(tool, TODAY, POLICY)
    assert [f.code for f in found] == [code]
    return found[0]


def test_healthy_tool_has_no_flags() -> None:
    assert flags(view(), TODAY, POLICY) == []


def test_flag_codes_are_stable() -> None:
    assert FLAG_CODES == ("compliance", "renewal", "notice", "decommission", "review", "seats")


def test_toolview_flags_uses_default_policy() -> None:
    tool = view(last_reviewed_on=None)
    assert tool.flags(TODAY) == flags(tool, TODAY, StackPolicy())


def test_retired_tool_has_no_flags() -> None:
    tool = view(
        status="retired",
        holds_personal_data=True,
        dpa_signed_on=None,
        renewal_date=date(2020, 1, 1),
        seats_used=20,
        last_reviewed_on=None,
    )
    assert flags(tool, TODAY, POLICY) == []


# compliance


def test_compliance_no_dpa() -> None:
    flag = only(view(dpa_signed_on=None), "compliance")
    assert flag.label == "DPA"
    assert flag.reason == "Compliance gap: holds personal data with no signed DPA."


def test_compliance_no_region() -> None:
    flag = only(view(data_region=None), "compliance")
    assert flag.reason == "Compliance gap: holds personal data with no data region recorded."


def test_compliance_both_gaps_in_one_flag() -> None:
    flag = only(view(dpa_signed_on=None, data_region=None), "compliance")
    assert flag.reason == (
        "Compliance gap: holds personal data with no signed DPA; "
        "holds personal data with no data region recorded."
    )


def test_compliance_personal_data_flowing_in() -> None:
    tool = view(
        holds_personal_data=False,
        dpa_signed_on=None,
        data_region=None,
        personal_in_from=["Typeform", "Hotjar", "Segment", "Zapier"],
    )
    flag = only(tool, "compliance")
    assert flag.reason == (
        "Compliance gap: receives personal data from Typeform, Hotjar, Segment "
        "but is not marked as holding any."
    )


@pytest.mark.parametrize("status", ["evaluating", "under_review", "decommissioning"])
def test_compliance_applies_in_every_live_status(status: str) -> None:
    assert "compliance" in codes(view(status=status, dpa_signed_on=None))


def test_compliance_not_tripped() -> None:
    assert "compliance" not in codes(view())
    assert "compliance" not in codes(view(holds_personal_data=False, dpa_signed_on=None))
    holder = view(personal_in_from=["Typeform"])  # holds personal data, has DPA and region
    assert "compliance" not in codes(holder)


# renewal


def test_renewal_passed() -> None:
    flag = only(view(renewal_date=date(2026, 11, 28)), "renewal")
    assert flag.label == "RENEWAL"
    assert flag.reason == ("The renewal date 2026-11-28 has passed; record the new contract term.")


@pytest.mark.parametrize("status", ["under_review", "decommissioning"])
def test_renewal_passed_under_contract(status: str) -> None:
    assert "renewal" in codes(view(status=status, renewal_date=date(2026, 1, 1)))


def test_renewal_not_tripped() -> None:
    assert "renewal" not in codes(view(renewal_date=TODAY, auto_renew=False))
    assert "renewal" not in codes(view(status="evaluating", renewal_date=date(2026, 1, 1)))
    assert "renewal" not in codes(view(renewal_date=None))


# notice


def test_notice_passed() -> None:
    # Renews in 10 days with 30 days' notice: the cancel-by date was 20 days ago.
    flag = only(view(renewal_date=date(2026, 12, 9)), "notice")
    assert flag.label == "NOTICE"
    assert flag.reason == (
        "The cancel-by date 2026-11-09 has passed; it renews automatically on 2026-12-09."
    )


@pytest.mark.parametrize(
    ("renewal", "cancel", "when"),
    [
        (date(2026, 12, 29), "2026-11-29", "today"),
        (date(2026, 12, 30), "2026-11-30", "in 1 day"),
        (date(2027, 1, 8), "2026-12-09", "in 10 days"),
        (date(2027, 1, 28), "2026-12-29", "in 30 days"),
    ],
)
def test_notice_due_soon(renewal: date, cancel: str, when: str) -> None:
    flag = only(view(renewal_date=renewal), "notice")
    assert flag.reason == (
        f"Give notice by {cancel} ({when}) or it renews on {renewal.isoformat()}."
    )


def test_notice_respects_the_policy_window() -> None:
    renewal = date(2027, 1, 8)  # cancel-by in 10 days
    assert "notice" not in codes(view(renewal_date=renewal), StackPolicy(notice_warning_days=9))
    assert "notice" in codes(view(renewal_date=renewal), StackPolicy(notice_warning_days=10))


def test_notice_with_no_notice_period_uses_the_renewal_date() -> None:
    flag = only(view(renewal_date=date(2026, 12, 1), notice_days=None), "notice")
    assert flag.reason == "Give notice by 2026-12-01 (in 2 days) or it renews on 2026-12-01."


def test_notice_not_tripped() -> None:
    assert "notice" not in codes(view(renewal_date=date(2027, 1, 29)))  # 31 days away
    assert "notice" not in codes(view(renewal_date=date(2026, 12, 9), auto_renew=False))
    assert "notice" not in codes(view(status="evaluating", renewal_date=date(2026, 12, 9)))
    # A free tool costs nothing to let renew.
    assert "notice" not in codes(view(renewal_date=date(2026, 12, 9), annual_cost=0))
    assert "notice" not in codes(view(renewal_date=date(2026, 12, 9), annual_cost=None))
    # Once the renewal itself has passed, only the renewal flag shows.
    assert codes(view(renewal_date=date(2026, 11, 1))) == ["renewal"]


# decommission


def decom(**changes: Any) -> ToolView:
    base: dict[str, Any] = {
        "seats_bought": 10,
        "seats_used": 4,
        "annual_cost": 500_000,
        "kpi_count": 0,
        "integrations_in": 0,
        "integrations_out": 0,
    }
    base.update(changes)
    return view(**base)


def test_decommission_candidate() -> None:
    flag = only(decom(), "decommission")
    assert flag.label == "DECOM?"
    assert flag.reason == (
        "Decommission candidate: 40% of seats used, £5,000 a year, no KPI draws data "
        "from it and nothing integrates with it."
    )


def test_decommission_reason_uses_the_currency() -> None:
    found = flags(decom(), TODAY, POLICY, "USD")
    assert "$5,000 a year" in found[0].reason


@pytest.mark.parametrize(
    "changes",
    [
        {"seats_used": 5},  # exactly half: not below the threshold
        {"seats_used": None},
        {"seats_bought": None},
        {"seats_bought": 0},
        {"annual_cost": 499_999},
        {"annual_cost": None},
        {"kpi_count": 1},
        {"integrations_in": 1},
        {"integrations_out": 1},
        {"status": "evaluating", "renewal_date": None},
        {"status": "decommissioning"},
    ],
)
def test_decommission_not_tripped(changes: dict[str, Any]) -> None:
    assert "decommission" not in codes(decom(**changes))


def test_decommission_under_review() -> None:
    assert "decommission" in codes(decom(status="under_review"))


def test_decommission_respects_policy() -> None:
    policy = StackPolicy(decommission_utilisation=0.3, decommission_min_cost=100)
    assert "decommission" not in codes(decom(), policy)
    assert "decommission" in codes(decom(seats_used=2, annual_cost=100), policy)


# review


def test_review_never_reviewed() -> None:
    flag = only(view(last_reviewed_on=None), "review")
    assert flag.label == "REVIEW"
    assert flag.reason == "Review overdue: never reviewed (reviews are due every 12 months)."


def test_review_last_reviewed_long_ago() -> None:
    flag = only(view(last_reviewed_on=date(2025, 11, 28)), "review")
    assert flag.reason == (
        "Review overdue: last reviewed 2025-11-28 (reviews are due every 12 months)."
    )


def test_review_uses_policy_months() -> None:
    policy = StackPolicy(review_months=6)
    found = flags(view(last_reviewed_on=date(2026, 5, 1)), TODAY, policy)
    assert [f.code for f in found] == ["review"]
    assert found[0].reason.endswith("(reviews are due every 6 months).")


def test_review_not_tripped() -> None:
    assert "review" not in codes(view(last_reviewed_on=date(2025, 11, 29)))
    assert "review" not in codes(view(status="evaluating", last_reviewed_on=None))
    assert "review" not in codes(view(status="decommissioning", last_reviewed_on=None))


# seats


def test_seats_over_licence() -> None:
    flag = only(view(seats_bought=1_000, seats_used=1_200), "seats")
    assert flag.label == "SEATS"
    assert flag.reason == "1,200 seats in use but 1,000 bought."


@pytest.mark.parametrize(("bought", "used"), [(10, 10), (None, 5), (5, None), (10, 0)])
def test_seats_not_tripped(bought: int | None, used: int | None) -> None:
    assert "seats" not in codes(view(seats_bought=bought, seats_used=used))


# order


def test_flags_come_most_pressing_first() -> None:
    tool = view(
        dpa_signed_on=None,
        renewal_date=date(2026, 12, 9),
        seats_bought=10,
        seats_used=12,
        last_reviewed_on=None,
    )
    assert codes(tool) == ["compliance", "notice", "review", "seats"]
    tool = decom(dpa_signed_on=None, renewal_date=date(2026, 1, 1), last_reviewed_on=None)
    assert codes(tool) == ["compliance", "renewal", "decommission", "review"]


# ToolView derived properties


def test_toolview_derived_values() -> None:
    tool = view(renewal_date=date(2027, 3, 31), notice_days=90, seats_used=8, seats_bought=10)
    assert tool.cancel_by == date(2026, 12, 31)
    assert tool.utilisation == 0.8
    assert tool.cost_per_used_seat == 150_000
    assert tool.days_to_renewal(TODAY) == 122
    assert view(renewal_date=None).days_to_renewal(TODAY) is None
    assert view(last_reviewed_on=None).review_overdue(TODAY) is True
    assert view().review_overdue(TODAY) is False
