"""The triage rules: the urgency coefficients, the score, the ranking, and the two
refusals the inbox makes (settling a renewal, snoozing an item).

Pure functions: no database. Every case builds an ``InboxItem`` by hand and scores it
on a fixed day, so each term of the documented formula is checked on its own and at
its caps.
"""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import pytest

from mops_tui.domain.errors import FieldError
from mops_tui.domain.triage import (
    KINDS,
    RENEWAL_DECISIONS,
    InboxItem,
    Urgency,
    rank,
    renewal_decision_errors,
    score,
    snooze_errors,
)

TODAY = date(2026, 11, 29)
GBP_THOUSAND = 100_000  # minor units in £1,000


def item(kind: str = "compliance", title: str = "HubSpot", **over: Any) -> InboxItem:
    return InboxItem(key=f"{kind}:{title}", kind=kind, title=title, why="Because.", **over)


def only(**coefficients: float) -> Urgency:
    """Coefficients that are all zero except the ones named: one term at a time."""
    zero = {f.name: 0.0 for f in fields(Urgency)}
    zero.update(coefficients)
    return Urgency(**zero)


# ---------------------------------------------------------------------------
# Kinds and coefficients
# ---------------------------------------------------------------------------


def test_every_kind_has_a_coefficient_and_one_of_the_four_areas() -> None:
    names = {f.name for f in fields(Urgency)}
    assert set(KINDS) <= names
    assert set(KINDS.values()) == {"Briefs", "Stack", "Ledger", "KPIs"}
    # The terms that are not kinds are exactly the four documented modifiers.
    assert names - set(KINDS) == {"due", "age", "cost", "over"}


@pytest.mark.parametrize(
    ("kind", "area"),
    [
        ("brief_overdue", "Briefs"),
        ("brief_risk", "Briefs"),
        ("brief_review", "Briefs"),
        ("renewal_30", "Stack"),
        ("renewal_60", "Stack"),
        ("renewal_90", "Stack"),
        ("compliance", "Stack"),
        ("review", "Stack"),
        ("decommission", "Stack"),
        ("budget_near", "Ledger"),
        ("budget_over", "Ledger"),
        ("period_open", "Ledger"),
        ("kpi_not_active", "KPIs"),
        ("kpi_no_source", "KPIs"),
    ],
)
def test_an_item_knows_its_area_from_its_kind(kind: str, area: str) -> None:
    assert item(kind).area == area


def test_an_unknown_kind_has_no_area() -> None:
    assert item("mystery").area == ""


def test_the_default_coefficients_are_the_documented_ones() -> None:
    u = Urgency()
    # The module docstring's example values.
    assert u.compliance == 9.0
    assert u.brief_overdue == 10.0
    # The nearer a renewal's cancel-by date, the heavier its kind.
    assert u.renewal_30 > u.renewal_60 > u.renewal_90 > 0
    # Over plan weighs more than near plan; overdue more than at risk more than waiting.
    assert u.budget_over > u.budget_near
    assert u.brief_overdue > u.brief_risk > u.brief_review


def test_a_new_item_starts_with_no_target_score_or_extras() -> None:
    a, b = item(), item()
    assert a.target == ("", None)
    assert a.score == 0.0
    assert a.extra == {}
    a.extra["x"] = 1
    assert b.extra == {}  # not a shared default


# ---------------------------------------------------------------------------
# Urgency.from_config: the [triage] table
# ---------------------------------------------------------------------------


def test_an_empty_config_gives_the_defaults() -> None:
    assert Urgency.from_config({}) == Urgency()


def test_config_values_override_only_the_names_given() -> None:
    u = Urgency.from_config({"compliance": 2, "due": "0.75", "brief_overdue": 12.5})
    assert (u.compliance, u.due, u.brief_overdue) == (2.0, 0.75, 12.5)
    assert isinstance(u.compliance, float)
    assert u.renewal_30 == Urgency().renewal_30
    assert u.age == Urgency().age


def test_a_zero_coefficient_is_allowed() -> None:
    assert Urgency.from_config({"compliance": 0}).compliance == 0.0


def test_unknown_names_are_refused_and_the_known_ones_listed() -> None:
    with pytest.raises(ValueError) as exc:
        Urgency.from_config({"complience": 1, "zzz": 2})
    message = str(exc.value)
    assert message.startswith("[triage] has unknown names: complience, zzz;")
    for name in ("compliance", "renewal_30", "due", "age", "cost", "over"):
        assert name in message


@pytest.mark.parametrize("value", ["high", None, [1], {"a": 1}, ""])
def test_a_coefficient_that_is_not_a_number_is_refused(value: Any) -> None:
    with pytest.raises(ValueError) as exc:
        Urgency.from_config({"due": value})
    assert str(exc.value) == f"[triage] due must be a number, not {value!r}"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "-inf", "1e400", True])
def test_a_coefficient_that_is_not_a_finite_number_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match=r"\[triage\] due must be"):
        Urgency.from_config({"due": value})


# ---------------------------------------------------------------------------
# score: one term at a time
# ---------------------------------------------------------------------------


def test_the_score_of_a_bare_item_is_its_kind_coefficient() -> None:
    u = Urgency()
    for kind in KINDS:
        assert score(item(kind), TODAY, u) == getattr(u, kind)


def test_an_unknown_kind_scores_only_its_terms() -> None:
    assert score(item("mystery"), TODAY, Urgency()) == 0.0
    assert score(item("mystery", age_days=4), TODAY, only(age=1)) == 4.0


@pytest.mark.parametrize(
    ("days_until_due", "closeness"),
    [
        (40, 0),
        (14, 0),  # two weeks away: not yet pressing
        (13, 1),
        (7, 7),
        (1, 13),
        (0, 14),  # due today
        (-1, 15),  # a day late
        (-10, 24),
        (-16, 30),
        (-17, 30),  # the cap
        (-400, 30),
    ],
)
def test_the_due_term_grows_as_the_date_nears_and_caps_when_late(
    days_until_due: int, closeness: int
) -> None:
    due = TODAY + timedelta(days=days_until_due)
    assert score(item("mystery", due=due), TODAY, only(due=1)) == closeness
    assert score(item("mystery", due=due), TODAY, only(due=0.4)) == round(0.4 * closeness, 1)


@pytest.mark.parametrize(
    ("age", "expected"), [(None, 0.0), (0, 0.0), (1, 0.5), (7, 3.5), (20, 10.0), (90, 10.0)]
)
def test_the_age_term_counts_working_days_waited_up_to_twenty(
    age: int | None, expected: float
) -> None:
    assert score(item("mystery", age_days=age), TODAY, only(age=0.5)) == expected


@pytest.mark.parametrize(
    ("cost", "thousands"),
    [
        (0, 0.0),
        (50_000, 0.5),  # £500
        (100_000, 1.0),  # £1,000
        (750_000, 7.5),  # £7,500
        (1_000_000, 10.0),  # £10,000: the cap
        (1_200_000, 10.0),  # £12,000
        (50_000_000, 10.0),  # £500,000
    ],
)
def test_the_cost_term_counts_thousands_of_annual_cost_up_to_ten(
    cost: int, thousands: float
) -> None:
    assert score(item("mystery", cost=cost), TODAY, only(cost=1), GBP_THOUSAND) == thousands


def test_the_cost_term_follows_the_currency_exponent_when_ranking() -> None:
    # ¥5,000 (yen have no minor unit) is 5 thousands.
    yen = item("mystery", cost=5_000)
    [ranked] = rank([yen], TODAY, only(cost=1), exponent=0)
    assert ranked.score == 5.0
    pence = item("mystery", cost=50_000)
    [ranked] = rank([pence], TODAY, only(cost=1), exponent=2)
    assert ranked.score == 0.5  # £500 is half a thousand


@pytest.mark.parametrize(
    ("share", "expected"),
    [(-0.2, 0.0), (0.0, 0.0), (0.05, 0.5), (0.5, 5.0), (1.0, 10.0), (3.0, 10.0)],
)
def test_the_over_term_counts_tenths_over_plan_up_to_ten(share: float, expected: float) -> None:
    assert score(item("mystery", over_share=share), TODAY, only(over=1)) == expected


def test_the_terms_add_up_and_round_to_one_place() -> None:
    u = Urgency()
    it = item(
        "renewal_30",
        due=TODAY + timedelta(days=4),  # closeness 10
        age_days=3,
        cost=250_000,  # £2,500
        over_share=0.25,
    )
    # 6 + 0.4 × 10 + 0.5 × 3 + 0.3 × 2.5 + 0.5 × 2.5
    assert score(it, TODAY, u) == 13.5


def test_a_zero_coefficient_removes_its_term() -> None:
    it = item("brief_overdue", due=TODAY - timedelta(days=3), age_days=5)
    full = score(it, TODAY, Urgency())
    assert full == 19.3  # 10 + 0.4 × 17 + 0.5 × 5
    assert score(it, TODAY, Urgency(due=0.0)) == 12.5
    assert score(it, TODAY, Urgency(brief_overdue=0.0, due=0.0, age=0.0)) == 0.0


# ---------------------------------------------------------------------------
# rank
# ---------------------------------------------------------------------------


def test_rank_orders_by_score_descending_and_records_each_score() -> None:
    low = item("review", "Low")
    high = item("compliance", "High")
    mid = item("decommission", "Mid", cost=2_000_000)  # 3 + 0.3 × 10 = 6
    ranked = rank([low, mid, high], TODAY, Urgency())
    assert [i.title for i in ranked] == ["High", "Mid", "Low"]
    assert [i.score for i in ranked] == [9.0, 6.0, 2.0]


def test_rank_breaks_a_tie_by_the_earlier_due_date_and_puts_no_date_last() -> None:
    later = item("renewal_60", "Alpha", due=TODAY + timedelta(days=40))
    sooner = item("renewal_60", "Zeta", due=TODAY + timedelta(days=20))
    undated = item("renewal_60", "Aardvark")
    ranked = rank([later, undated, sooner], TODAY, Urgency())
    assert {i.score for i in ranked} == {3.5}
    assert [i.title for i in ranked] == ["Zeta", "Alpha", "Aardvark"]


def test_rank_breaks_a_remaining_tie_by_title_ignoring_case() -> None:
    names = ["delta", "Bravo", "alpha", "Charlie"]
    ranked = rank([item("compliance", n) for n in names], TODAY, Urgency())
    assert [i.title for i in ranked] == ["alpha", "Bravo", "Charlie", "delta"]


def test_rank_keeps_every_item_and_leaves_the_input_order_alone() -> None:
    items = [item("review", "B"), item("compliance", "A")]
    ranked = rank(items, TODAY, Urgency())
    assert [i.title for i in items] == ["B", "A"]
    assert sorted(i.key for i in ranked) == sorted(i.key for i in items)


def test_rank_of_nothing_is_nothing() -> None:
    assert rank([], TODAY, Urgency()) == []


def test_changing_one_coefficient_changes_the_order() -> None:
    compliance = item("compliance", "Gap")
    renewal = item("renewal_30", "Renewal", due=TODAY + timedelta(days=20))
    assert [i.title for i in rank([renewal, compliance], TODAY, Urgency())] == [
        "Gap",
        "Renewal",
    ]
    quieter = Urgency(compliance=0.0)
    assert [i.title for i in rank([renewal, compliance], TODAY, quieter)] == ["Renewal", "Gap"]


def test_titles_with_markup_and_emoji_are_ranked_as_plain_text() -> None:
    titles = ["[bold]Zed[/]", "[/]", "🎉 Party", "\x1b[31mred"]
    ranked = rank([item("compliance", t) for t in titles], TODAY, Urgency())
    assert sorted(i.title for i in ranked) == sorted(titles)
    assert [i.title for i in ranked] == sorted(titles, key=str.lower)


# ---------------------------------------------------------------------------
# Settling a renewal
# ---------------------------------------------------------------------------


def test_the_renewal_decisions_are_renew_renegotiate_and_cancel() -> None:
    assert RENEWAL_DECISIONS == ("renew", "renegotiate", "cancel")


@pytest.mark.parametrize("note", ["", "  ", "Renewing as is."])
def test_renew_needs_no_note(note: str) -> None:
    assert renewal_decision_errors("renew", note) == []


@pytest.mark.parametrize("decision", ["renegotiate", "cancel"])
@pytest.mark.parametrize("note", ["", "   \n\t"])
def test_renegotiate_and_cancel_need_a_note(decision: str, note: str) -> None:
    assert renewal_decision_errors(decision, note) == [
        FieldError(
            "note", f"say what to {decision}: the terms to ask for, or who gives notice and when"
        )
    ]


@pytest.mark.parametrize("decision", ["renegotiate", "cancel"])
def test_renegotiate_and_cancel_with_a_note_pass(decision: str) -> None:
    assert renewal_decision_errors(decision, "Ask for 20% off — Zoë gives notice 🗓") == []


@pytest.mark.parametrize("decision", ["", "Renew", "RENEW", "pause", " renew"])
def test_an_unknown_decision_is_refused(decision: str) -> None:
    assert renewal_decision_errors(decision, "a note") == [
        FieldError("decision", "choose renew, renegotiate or cancel")
    ]


def test_a_tool_with_no_renewal_date_has_nothing_to_settle() -> None:
    assert renewal_decision_errors("renew", "", has_renewal=False, tool_name="Canva") == [
        FieldError("decision", "Canva has no renewal date")
    ]
    # The unknown decision is named first: it is what the user typed wrong.
    assert renewal_decision_errors("maybe", "", has_renewal=False) == [
        FieldError("decision", "choose renew, renegotiate or cancel")
    ]


# ---------------------------------------------------------------------------
# Snoozing
# ---------------------------------------------------------------------------


def test_a_snooze_needs_a_date() -> None:
    assert snooze_errors(None, TODAY) == [
        FieldError("until", "say until when: +1w, 2026-12-15, fri")
    ]


@pytest.mark.parametrize("days", [0, -1, -365])
def test_a_snooze_must_end_after_today(days: int) -> None:
    assert snooze_errors(TODAY + timedelta(days=days), TODAY) == [
        FieldError("until", "snooze until a day after today")
    ]


@pytest.mark.parametrize("days", [1, 7, 365, 366])
def test_a_snooze_from_tomorrow_to_a_year_ahead_is_allowed(days: int) -> None:
    assert snooze_errors(TODAY + timedelta(days=days), TODAY) == []


@pytest.mark.parametrize("days", [367, 1000])
def test_a_snooze_longer_than_a_year_is_refused(days: int) -> None:
    assert snooze_errors(TODAY + timedelta(days=days), TODAY) == [
        FieldError("until", "snooze for at most a year")
    ]


def test_a_year_ahead_is_allowed_across_a_leap_day() -> None:
    feb = date(2027, 3, 1)
    assert snooze_errors(date(2028, 3, 1), feb) == []  # 366 days, through 2028-02-29
    assert snooze_errors(date(2028, 3, 2), feb)[0].message == "snooze for at most a year"


def test_scores_are_finite_for_every_default_kind() -> None:
    u = Urgency()
    for kind in KINDS:
        it = item(kind, due=TODAY, age_days=100, cost=10**12, over_share=float("inf"))
        value = score(it, TODAY, u)
        assert math.isfinite(value)
        assert value == round(
            getattr(u, kind) + u.due * 14 + u.age * 20 + u.cost * 10 + u.over * 10, 1
        )
