"""validate_tool / validate_integration through domain.schema.validate_input.

Every field: its allowed case and each refused case with the exact message a user sees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mops_tui.domain import tools
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.schema import Context, form_fields, validate_input
from mops_tui.domain.text import visible
from mops_tui.domain.tool_schema import (
    EDIT_FIELDS,
    IntegrationInput,
    ToolInput,
    TransitionInput,
    validate_integration,
    validate_tool,
)

CTX = Context(today=date(2026, 11, 29))

# The least a tool needs: it is being evaluated, so it has no contract yet.
VALID: dict[str, Any] = {
    "name": "HubSpot Marketing Hub",
    "vendor": "HubSpot",
    "owner": "ana",
    "purpose": "Email nurture and lead scoring.",
}
ACTIVE: dict[str, Any] = {
    **VALID,
    "status": "active",
    "annual_cost": "12,000",
    "renewal_date": "2027-03-31",
}

CONTROL = "contains control characters or terminal escape codes; remove them"
MONEY_EXAMPLE = "type a number such as 12000, 12,000.50 or £12k"
DATE_HINT = "type a date such as 2026-12-01, 1 Dec, today or +2w"
DPA_MESSAGE = (
    "this tool holds personal data, so it cannot be active without a signed DPA; "
    "enter the date the DPA was signed"
)
REGION_MESSAGE = (
    "this tool holds personal data, so it cannot be active without the region where "
    "the data is stored"
)

# Control characters and terminal escape sequences nobody should be able to store in a
# single-line field.
NASTY = [
    "Hub\x1b[31mSpot",
    "\x1b]8;;http://evil.example\x07Click\x1b]8;;\x07",
    "\x1b[2J\x1b[H",
    "Hub\x00Spot",
    "Hub\x07Spot",
    "Hub\x7fSpot",
    "Hub\x9b31mSpot",
    "Hub\x85Spot",
    "Hub\nSpot",
    "Hub\rSpot",
    "Hub\tSpot",
]


def accept(**changes: Any) -> ToolInput:
    return validate_tool({**VALID, **changes}, CTX)


def accept_active(**changes: Any) -> ToolInput:
    return validate_tool({**ACTIVE, **changes}, CTX)


def refuse(field: str, base: dict[str, Any] | None = None, **changes: Any) -> list[str]:
    """The messages for ``field``; also checks that no other field was refused."""
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**(VALID if base is None else base), **changes}, CTX)
    assert [e.field for e in exc.value.fields] == [field] * len(exc.value.fields)
    messages = exc.value.for_field(field)
    assert messages
    return messages


# ---------------------------------------------------------------------------
# The whole record
# ---------------------------------------------------------------------------


def test_minimal_tool_is_accepted_with_defaults() -> None:
    tool = accept()
    assert tool.name == "HubSpot Marketing Hub"
    assert tool.vendor == "HubSpot"
    assert tool.owner == "ana"
    assert tool.purpose == "Email nurture and lead scoring."
    assert tool.category == "Other"
    assert tool.status == "evaluating"
    assert tool.annual_cost is None
    assert tool.billing_cycle == "annual"
    assert tool.renewal_date is None
    assert tool.auto_renew is True
    assert tool.notice_days == 30
    assert tool.seats_bought is None
    assert tool.seats_used is None
    assert tool.holds_personal_data is False
    assert tool.dpa_signed_on is None
    assert tool.data_region is None
    assert tool.last_reviewed_on is None
    assert tool.website is None
    assert tool.notes == ""


def test_complete_active_tool_is_accepted() -> None:
    tool = accept_active(
        category="crm",
        billing_cycle="Annual",
        auto_renew="no",
        notice_days="60 days",
        seats_bought="25",
        seats_used="20",
        holds_personal_data="yes",
        dpa_signed_on="2025-01-15",
        data_region="uk",
        last_reviewed_on="1 Jun 2026",
        website="hubspot.com",
        notes="Renewal negotiated by procurement.\nSee ticket OPS-12.",
    )
    assert tool.status == "active"
    assert tool.category == "CRM"
    assert tool.annual_cost == 1_200_000
    assert tool.renewal_date == date(2027, 3, 31)
    assert tool.auto_renew is False
    assert tool.notice_days == 60
    assert (tool.seats_bought, tool.seats_used) == (25, 20)
    assert tool.holds_personal_data is True
    assert tool.dpa_signed_on == date(2025, 1, 15)
    assert tool.data_region == "UK"
    assert tool.last_reviewed_on == date(2026, 6, 1)
    assert tool.website == "https://hubspot.com"


def test_empty_record_reports_every_missing_field_at_once() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({}, CTX)
    assert {e.field: e.message for e in exc.value.fields} == {
        "name": "enter a name",
        "vendor": "enter the vendor",
        "purpose": "enter why we pay for it",
        "owner": "every tool needs a business owner; choose a person",
    }
    assert str(exc.value) == (
        "4 problems: name: enter a name; vendor: enter the vendor; "
        "purpose: enter why we pay for it; "
        "owner: every tool needs a business owner; choose a person"
    )


def test_one_problem_message_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**VALID, "annual_cost": "abc"}, CTX)
    assert str(exc.value) == f"annual cost: “abc” is not an amount; {MONEY_EXAMPLE}"


def test_more_than_five_problems_are_summarised() -> None:
    raw = {
        "name": "",
        "vendor": "",
        "purpose": "",
        "annual_cost": "abc",
        "seats_bought": "x",
        "seats_used": "y",
        "website": "nope",
    }
    with pytest.raises(ValidationFailed) as exc:
        validate_tool(raw, CTX)
    assert len(exc.value.fields) == 8  # seven bad fields and no owner
    assert str(exc.value).startswith("8 problems: name: enter a name; ")
    assert str(exc.value).endswith("; and 3 more")


def test_row_number_is_carried_for_imports() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**VALID, "name": ""}, CTX, row=7)
    assert exc.value.fields == [FieldError("name", "enter a name", 7)]
    assert str(exc.value) == "row 7: name: enter a name"


def test_unknown_field_is_refused() -> None:
    assert refuse("colour", colour="red") == ["is not a field mops knows"]


def test_edit_with_base_keeps_other_fields() -> None:
    current = accept_active()
    edited = validate_tool({"annual_cost": "£15k"}, CTX, base=current)
    assert edited.annual_cost == 1_500_000
    assert edited.name == current.name
    assert edited.renewal_date == current.renewal_date
    assert current.annual_cost == 1_200_000  # the base itself is not changed


def test_edit_with_base_reapplies_the_rules() -> None:
    current = accept_active()
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({"renewal_date": ""}, CTX, base=current)
    assert exc.value.for_field("renewal_date") == ["a tool that is active needs a renewal date"]


def test_edit_fields_leave_out_status() -> None:
    assert "status" not in EDIT_FIELDS
    assert set(EDIT_FIELDS) == set(ToolInput.model_fields) - {"status"}


def test_form_fields_carry_the_metadata() -> None:
    meta = {f["name"]: f for f in form_fields(ToolInput)}
    assert list(meta) == list(ToolInput.model_fields)
    assert meta["name"]["label"] == "Name"
    assert meta["name"]["required"] is True
    assert meta["owner"]["widget"] == "person"
    assert meta["purpose"]["widget"] == "textarea"
    assert meta["annual_cost"]["widget"] == "money"
    assert meta["renewal_date"]["widget"] == "date"
    assert meta["category"]["choices"] == tools.CATEGORIES
    assert meta["notes"]["required"] is False


# ---------------------------------------------------------------------------
# name (and the ugly inputs a name field meets)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HubSpot", "HubSpot"),
        ("  HubSpot  ", "HubSpot"),
        ("HubSpot\n", "HubSpot"),
        ("Cafe\u0301 Analytics", "Café Analytics"),  # stored NFC
        ("🚀 Launch Tracker", "🚀 Launch Tracker"),
        ("👩‍💻 Dev Portal", "👩‍💻 Dev Portal"),
        ("مرحبا", "مرحبا"),
        ("أداة التسويق", "أداة التسويق"),
        ("שלום", "שלום"),
        ("כלי שיווק 2", "כלי שיווק 2"),
        ("数据平台", "数据平台"),
        ("[bold red]x[/]", "[bold red]x[/]"),
        ("[@click=app.quit]", "[@click=app.quit]"),
        ("[link=https://evil.example]HubSpot[/link]", "[link=https://evil.example]HubSpot[/link]"),
        ("Robert'); DROP TABLE tools;--", "Robert'); DROP TABLE tools;--"),
        ("{name}", "{name}"),
        ("%s%s%n", "%s%s%n"),
        ("x" * tools.NAME_MAX, "x" * tools.NAME_MAX),
        (12345, "12345"),
    ],
)
def test_name_accepted(typed: Any, stored: str) -> None:
    assert accept(name=typed).name == stored


def test_name_with_a_bidi_override_is_stored_and_shown_safely() -> None:
    tool = accept(name="abc\u202edef")
    assert tool.name == "abc\u202edef"
    assert visible(tool.name) == "abc<U+202E>def"


@pytest.mark.parametrize("typed", ["", "   ", "\t", "\n\n", None, "\u3000"])
def test_name_empty_refused(typed: Any) -> None:
    assert refuse("name", name=typed) == ["enter a name"]


def test_name_too_long_refused() -> None:
    assert refuse("name", name="x" * (tools.NAME_MAX + 1)) == [
        "is 81 characters long; keep it to 80 or fewer"
    ]


def test_name_ten_thousand_characters_refused() -> None:
    assert refuse("name", name="n" * 10_000) == [
        "is 10,000 characters long; keep it to 80 or fewer"
    ]


@pytest.mark.parametrize("typed", NASTY)
def test_name_control_characters_refused(typed: str) -> None:
    assert refuse("name", name=typed) == [CONTROL]


# ---------------------------------------------------------------------------
# vendor
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("HubSpot", "HubSpot"), ("  Meta ", "Meta")])
def test_vendor_accepted(typed: str, stored: str) -> None:
    assert accept(vendor=typed).vendor == stored


@pytest.mark.parametrize("typed", ["", "  ", None])
def test_vendor_empty_refused(typed: Any) -> None:
    assert refuse("vendor", vendor=typed) == ["enter the vendor"]


def test_vendor_too_long_refused() -> None:
    assert refuse("vendor", vendor="v" * 81) == ["is 81 characters long; keep it to 80 or fewer"]


@pytest.mark.parametrize("typed", NASTY)
def test_vendor_control_characters_refused(typed: str) -> None:
    assert refuse("vendor", vendor=typed) == [CONTROL]


# ---------------------------------------------------------------------------
# category
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("CRM", "CRM"),
        ("crm", "CRM"),
        ("  Analytics ", "Analytics"),
        ("content & cms", "Content & CMS"),
        ("EXPERIMENTATION & CRO", "Experimentation & CRO"),
        ("marketing  automation", "Marketing automation"),
    ],
)
def test_category_accepted(typed: str, stored: str) -> None:
    assert accept(category=typed).category == stored


@pytest.mark.parametrize("category", tools.CATEGORIES)
def test_every_category_is_accepted(category: str) -> None:
    assert accept(category=category).category == category


@pytest.mark.parametrize("typed", ["Widgets", "CRMs", "1"])
def test_category_unknown_refused(typed: str) -> None:
    assert refuse("category", category=typed) == [
        f"“{typed}” is not a category; choose one of: " + ", ".join(tools.CATEGORIES)
    ]


@pytest.mark.parametrize(("field", "what"), [("category", "category"), ("status", "status")])
@pytest.mark.parametrize("typed", ["", None])
def test_blank_choice_gets_a_plain_message(field: str, what: str, typed: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**VALID, field: typed}, CTX)
    (message,) = exc.value.for_field(field)
    assert message != "must be text"
    assert "choose" in message


# ---------------------------------------------------------------------------
# owner
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("ana", "ana"), (" Ana ", "ana"), ("J.Smith", "j.smith")]
)
def test_owner_accepted(typed: str, stored: str) -> None:
    assert accept(owner=typed).owner == stored


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_owner_missing_refused(typed: Any) -> None:
    assert refuse("owner", owner=typed) == ["every tool needs a business owner; choose a person"]


def test_owner_left_out_refused() -> None:
    raw = {k: v for k, v in VALID.items() if k != "owner"}
    with pytest.raises(ValidationFailed) as exc:
        validate_tool(raw, CTX)
    assert exc.value.for_field("owner") == ["every tool needs a business owner; choose a person"]


@pytest.mark.parametrize("typed", ["ana\x1b[2J", "ana\x00", "ana\x9b31m"])
def test_owner_control_characters_refused(typed: str) -> None:
    refuse("owner", owner=typed)


# ---------------------------------------------------------------------------
# purpose (multi-line)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Lead scoring.", "Lead scoring."),
        ("  Lead scoring.\n", "Lead scoring."),
        ("Line one\nLine two", "Line one\nLine two"),
        ("Col A\tCol B", "Col A\tCol B"),
        ("نحن ندفع مقابل التحليلات", "نحن ندفع مقابل التحليلات"),
        ("[bold red]x[/] [@click=app.quit]", "[bold red]x[/] [@click=app.quit]"),
        ("p" * tools.PURPOSE_MAX, "p" * tools.PURPOSE_MAX),
    ],
)
def test_purpose_accepted(typed: str, stored: str) -> None:
    assert accept(purpose=typed).purpose == stored


@pytest.mark.parametrize("typed", ["", "   ", "\n \n", None])
def test_purpose_empty_refused(typed: Any) -> None:
    assert refuse("purpose", purpose=typed) == ["enter why we pay for it"]


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (2_001, "is 2,001 characters long; keep it to 2,000 or fewer"),
        (10_000, "is 10,000 characters long; keep it to 2,000 or fewer"),
    ],
)
def test_purpose_too_long_refused(length: int, message: str) -> None:
    assert refuse("purpose", purpose="p" * length) == [message]


@pytest.mark.parametrize(
    "typed", ["Why\x1b[31m", "Why\x00", "a\x1b]8;;x\x07b", "a\x7fb", "a\x9bb", "a\rb"]
)
def test_purpose_control_characters_refused(typed: str) -> None:
    assert refuse("purpose", purpose=typed) == [CONTROL]


def test_purpose_windows_line_endings_accepted() -> None:
    assert accept(purpose="Line one\r\nLine two").purpose in (
        "Line one\nLine two",
        "Line one\r\nLine two",
    )


# ---------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("evaluating", "evaluating"),
        ("active", "active"),
        ("ACTIVE", "active"),
        ("under_review", "under_review"),
        ("under review", "under_review"),
        ("Under-Review", "under_review"),
        ("decommissioning", "decommissioning"),
        ("retired", "retired"),
    ],
)
def test_status_accepted(typed: str, stored: str) -> None:
    assert accept_active(status=typed).status == stored


@pytest.mark.parametrize("typed", ["bogus", "live", "deleted"])
def test_status_unknown_refused(typed: str) -> None:
    assert refuse("status", status=typed) == [
        f"“{typed}” is not a lifecycle status; choose one of: "
        "evaluating, active, under_review, decommissioning, retired"
    ]


# ---------------------------------------------------------------------------
# annual_cost
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,234.56", 123_456),
        ("£12k", 1_200_000),
        ("12,000.50", 1_200_050),
        ("12000", 1_200_000),
        ("0", 0),
        ("£0", 0),
        ("1.5m", 150_000_000),
        ("", None),
        ("   ", None),
        (None, None),
        (1_200_000, 1_200_000),  # an int is already minor units (store and services)
    ],
)
def test_annual_cost_accepted(typed: Any, stored: int | None) -> None:
    assert accept(annual_cost=typed).annual_cost == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        ("(1,234.00)", "cannot be negative"),
        ("£-5", "cannot be negative"),
        ("abc", f"“abc” is not an amount; {MONEY_EXAMPLE}"),
        ("£12x", f"“£12x” is not an amount; {MONEY_EXAMPLE}"),
        ("twelve thousand", f"“twelve thousand” is not an amount; {MONEY_EXAMPLE}"),
        ("1,23", "“1,23” has its thousands separators in the wrong place"),
        ("1.234,56", "“1.234,56” uses a decimal comma; write it as 1,234.56"),
        ("12.345", "“12.345” has more than 2 decimal places"),
        ("5bn", "“5bn” is too large; the most mops records is 1,000,000,000"),
        (True, f"“True” is not an amount; {MONEY_EXAMPLE}"),
    ],
)
def test_annual_cost_refused(typed: Any, message: str) -> None:
    assert refuse("annual_cost", annual_cost=typed) == [message]


@pytest.mark.parametrize("typed", [-500, 10**20])
def test_annual_cost_int_is_checked_too(typed: int) -> None:
    refuse("annual_cost", annual_cost=typed)


def test_annual_cost_uses_the_context_currency() -> None:
    tool = validate_tool({**VALID, "annual_cost": "¥1,000"}, Context(CTX.today, currency="JPY"))
    assert tool.annual_cost == 1_000
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**VALID, "annual_cost": "100.5"}, Context(CTX.today, currency="JPY"))
    assert exc.value.for_field("annual_cost") == ["“100.5” has decimals, but JPY has no minor unit"]


# ---------------------------------------------------------------------------
# billing_cycle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("monthly", "monthly"),
        ("Quarterly", "quarterly"),
        ("annual", "annual"),
        ("multi_year", "multi_year"),
        ("multi year", "multi_year"),
        ("Multi-Year", "multi_year"),
        ("", None),
        (None, None),
    ],
)
def test_billing_cycle_accepted(typed: Any, stored: str | None) -> None:
    assert accept(billing_cycle=typed).billing_cycle == stored


@pytest.mark.parametrize("typed", ["weekly", "yearly"])
def test_billing_cycle_refused(typed: str) -> None:
    assert refuse("billing_cycle", billing_cycle=typed) == [
        f"“{typed}” is not a billing cycle; choose one of: monthly, quarterly, annual, multi_year"
    ]


# ---------------------------------------------------------------------------
# renewal_date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2027-03-31", date(2027, 3, 31)),
        ("31 Mar 2027", date(2027, 3, 31)),
        ("31/03/2027", date(2027, 3, 31)),
        ("+3m", date(2027, 2, 28)),
        ("eoy", date(2026, 12, 31)),
        ("2020-01-01", date(2020, 1, 1)),  # a past renewal is a fact, flagged later
        (date(2027, 1, 1), date(2027, 1, 1)),
        ("", None),
        (None, None),
    ],
)
def test_renewal_date_accepted(typed: Any, stored: date | None) -> None:
    assert accept(renewal_date=typed).renewal_date == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "“2026-02-30” is not a real date: February 2026 has 28 days"),
        ("2026-13-01", "“2026-13-01” is not a real date: there is no month 13"),
        ("soon", f"“soon” is not a date; {DATE_HINT}"),
        ("3000-01-01", "“3000-01-01” is outside the years mops accepts (1900 to 2200)"),
    ],
)
def test_renewal_date_refused(typed: str, message: str) -> None:
    assert refuse("renewal_date", renewal_date=typed) == [message]


def test_renewal_date_month_first_from_context() -> None:
    ctx = Context(CTX.today, day_first=False)
    tool = validate_tool({**VALID, "renewal_date": "03/11/2027"}, ctx)
    assert tool.renewal_date == date(2027, 3, 11)


# ---------------------------------------------------------------------------
# Yes/no fields
# ---------------------------------------------------------------------------

YES = ["yes", "Y", "true", "1", "on", "x", " YES ", True]
NO = ["no", "N", "false", "0", "off", "-", "", False]


@pytest.mark.parametrize("field", ["auto_renew", "holds_personal_data"])
@pytest.mark.parametrize(("typed", "stored"), [(v, True) for v in YES] + [(v, False) for v in NO])
def test_yes_no_accepted(field: str, typed: Any, stored: bool) -> None:
    assert getattr(accept(**{field: typed}), field) is stored


@pytest.mark.parametrize("field", ["auto_renew", "holds_personal_data"])
@pytest.mark.parametrize("typed", ["maybe", "2", "yess"])
def test_yes_no_refused(field: str, typed: str) -> None:
    assert refuse(field, **{field: typed}) == [f"“{typed}” is not yes or no"]


# ---------------------------------------------------------------------------
# notice_days
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("30", 30),
        ("30 days", 30),
        ("30d", 30),
        ("30 d", 30),
        ("1 day", 1),
        ("90 Days", 90),
        ("0", 0),
        ("365", 365),
        (45, 45),
        ("", None),
        (None, None),
    ],
)
def test_notice_days_accepted(typed: Any, stored: int | None) -> None:
    assert accept(notice_days=typed).notice_days == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        (-5, "cannot be negative"),
        ("366", "is more than a year; enter the notice period in days (0 to 365)"),
        ("abc", "“abc” is not a number of days"),
        ("30.5", "“30.5” is not a number of days"),
        ("thirty", "“thirty” is not a number of days"),
        ("3 months", "“3 months” is not a number of days"),
    ],
)
def test_notice_days_refused(typed: Any, message: str) -> None:
    assert refuse("notice_days", notice_days=typed) == [message]


# ---------------------------------------------------------------------------
# seats
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["seats_bought", "seats_used"])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("10", 10), ("1,000", 1_000), ("1_000", 1_000), ("0", 0), (25, 25), ("", None), (None, None)],
)
def test_seats_accepted(field: str, typed: Any, stored: int | None) -> None:
    assert getattr(accept(**{field: typed}), field) == stored


@pytest.mark.parametrize("field", ["seats_bought", "seats_used"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "cannot be negative"),
        (-3, "cannot be negative"),
        ("abc", "“abc” is not a whole number"),
        ("2.5", "“2.5” is not a whole number"),
        ("10 seats", "“10 seats” is not a whole number"),
        ("10000001", "is too large"),
        (True, "must be a whole number"),
    ],
)
def test_seats_refused(field: str, typed: Any, message: str) -> None:
    assert refuse(field, **{field: typed}) == [message]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("seats_bought", "“²” is not a whole number"),
        ("seats_used", "“²” is not a whole number"),
        ("notice_days", "“²” is not a number of days"),
    ],
)
def test_superscript_digits_get_a_plain_message(field: str, message: str) -> None:
    assert refuse(field, **{field: "²"}) == [message]


def test_seats_used_above_bought_is_a_warning_not_a_refusal() -> None:
    warnings: list[FieldError] = []
    tool = validate_tool(
        {**VALID, "seats_bought": "10", "seats_used": "12"}, CTX, warnings=warnings
    )
    assert (tool.seats_bought, tool.seats_used) == (10, 12)
    assert warnings == [
        FieldError(
            "seats_used", "12 seats used but only 10 bought; check the licence count", None, True
        )
    ]
    assert str(warnings[0]) == (
        "seats used: 12 seats used but only 10 bought; check the licence count"
    )


def test_seats_warning_without_a_list_is_not_raised() -> None:
    tool = validate_tool({**VALID, "seats_bought": "10", "seats_used": "12"}, CTX)
    assert tool.seats_used == 12


def test_seats_within_licence_gives_no_warning() -> None:
    warnings: list[FieldError] = []
    validate_tool({**VALID, "seats_bought": "10", "seats_used": "10"}, CTX, warnings=warnings)
    assert warnings == []


def test_seats_warning_is_kept_apart_when_something_else_is_refused() -> None:
    warnings: list[FieldError] = []
    with pytest.raises(ValidationFailed) as exc:
        validate_tool(
            {**VALID, "name": "", "seats_bought": "10", "seats_used": "12"},
            CTX,
            warnings=warnings,
        )
    assert [e.field for e in exc.value.fields] == ["name"]
    assert [e.field for e in exc.value.warnings] == ["seats_used"]
    assert str(exc.value) == "name: enter a name"
    assert warnings == []


# ---------------------------------------------------------------------------
# Contract and privacy rules, through the schema
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["active", "under_review", "decommissioning"])
def test_under_contract_without_cost_refused(status: str) -> None:
    label = status.replace("_", " ")
    assert refuse("annual_cost", ACTIVE, status=status, annual_cost="") == [
        f"a tool that is {label} needs its annual cost (0 if free)"
    ]


def test_active_free_tool_accepted() -> None:
    assert accept_active(annual_cost="0").annual_cost == 0


def test_active_with_no_renewal_date_refused() -> None:
    assert refuse("renewal_date", ACTIVE, renewal_date="") == [
        "a tool that is active needs a renewal date"
    ]


def test_active_with_no_cost_and_no_renewal_reports_both() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**VALID, "status": "active"}, CTX)
    assert exc.value.for_field("annual_cost") == [
        "a tool that is active needs its annual cost (0 if free)"
    ]
    assert exc.value.for_field("renewal_date") == ["a tool that is active needs a renewal date"]


def test_unparseable_cost_shows_only_its_own_message() -> None:
    # The "needs its annual cost" rule must not pile on top of the typing error.
    assert refuse("annual_cost", ACTIVE, annual_cost="abc") == [
        f"“abc” is not an amount; {MONEY_EXAMPLE}"
    ]


def test_impossible_renewal_date_shows_only_its_own_message() -> None:
    assert refuse("renewal_date", ACTIVE, renewal_date="2026-02-30") == [
        "“2026-02-30” is not a real date: February 2026 has 28 days"
    ]


def test_evaluating_needs_no_contract() -> None:
    tool = accept(status="evaluating")
    assert tool.annual_cost is None
    assert tool.renewal_date is None


def test_active_personal_data_with_no_dpa_refused() -> None:
    assert refuse("dpa_signed_on", ACTIVE, holds_personal_data="yes", data_region="EU") == [
        DPA_MESSAGE
    ]


def test_active_personal_data_with_no_region_refused() -> None:
    assert refuse("data_region", ACTIVE, holds_personal_data="yes", dpa_signed_on="2025-01-01") == [
        REGION_MESSAGE
    ]


def test_active_personal_data_with_neither_reports_both() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_tool({**ACTIVE, "holds_personal_data": "yes"}, CTX)
    assert exc.value.for_field("dpa_signed_on") == [DPA_MESSAGE]
    assert exc.value.for_field("data_region") == [REGION_MESSAGE]


def test_active_personal_data_with_dpa_and_region_accepted() -> None:
    tool = accept_active(holds_personal_data="yes", dpa_signed_on="2025-01-01", data_region="EU")
    assert tool.holds_personal_data is True


@pytest.mark.parametrize("status", ["evaluating", "under_review", "decommissioning"])
def test_personal_data_needs_dpa_only_to_be_active(status: str) -> None:
    tool = accept_active(status=status, holds_personal_data="yes")
    assert tool.dpa_signed_on is None


# ---------------------------------------------------------------------------
# dpa_signed_on, data_region, last_reviewed_on
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["dpa_signed_on", "last_reviewed_on"])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2025-01-15", date(2025, 1, 15)),
        ("today", date(2026, 11, 29)),
        ("yesterday", date(2026, 11, 28)),
        ("", None),
    ],
)
def test_past_dates_accepted(field: str, typed: str, stored: date | None) -> None:
    assert getattr(accept(**{field: typed}), field) == stored


@pytest.mark.parametrize("field", ["dpa_signed_on", "last_reviewed_on"])
@pytest.mark.parametrize("typed", ["tomorrow", "+1d", "2027-01-01"])
def test_future_dates_refused(field: str, typed: str) -> None:
    assert refuse(field, **{field: typed}) == ["cannot be in the future"]


@pytest.mark.parametrize("field", ["dpa_signed_on", "last_reviewed_on"])
def test_impossible_dates_refused(field: str) -> None:
    assert refuse(field, **{field: "2026-02-30"}) == [
        "“2026-02-30” is not a real date: February 2026 has 28 days"
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("UK", "UK"), ("uk", "UK"), ("eu", "EU"), ("global", "Global"), ("apac", "APAC"), ("", None)],
)
def test_data_region_accepted(typed: str, stored: str | None) -> None:
    assert accept(data_region=typed).data_region == stored


@pytest.mark.parametrize("typed", ["Mars", "Europe"])
def test_data_region_refused(typed: str) -> None:
    assert refuse("data_region", data_region=typed) == [
        f"“{typed}” is not a data region; choose one of: "
        "UK, EU, EEA, US, Canada, Australia, APAC, Global"
    ]


# ---------------------------------------------------------------------------
# website
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.com", "https://example.com"),
        ("  example.com ", "https://example.com"),
        ("http://example.com", "http://example.com"),
        ("HTTPS://Example.com/pricing", "HTTPS://Example.com/pricing"),
        ("", None),
        (None, None),
    ],
)
def test_website_accepted(typed: Any, stored: str | None) -> None:
    assert accept(website=typed).website == stored


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("not a url", "not a url"),
        ("localhost", "localhost"),
        ("exa mple.com", "exa mple.com"),
        ("w" * 200 + ".com", "w" * 40),
    ],
)
def test_website_refused(typed: str, shown: str) -> None:
    assert refuse("website", website=typed) == [
        f"“{shown}” is not a web address; type it as example.com"
    ]


@pytest.mark.parametrize(
    "typed", ["example.com\x1b[31m", "\x1b]8;;http://evil\x07example.com", "exa\x00mple.com"]
)
def test_website_control_characters_refused(typed: str) -> None:
    (message,) = refuse("website", website=typed)
    assert message in (CONTROL, f"“{typed[:40]}” is not a web address; type it as example.com")


# ---------------------------------------------------------------------------
# notes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("", ""), (None, ""), ("a\nb", "a\nb"), ("n" * tools.NOTES_MAX, "n" * tools.NOTES_MAX)],
)
def test_notes_accepted(typed: Any, stored: str) -> None:
    assert accept(notes=typed).notes == stored


def test_notes_too_long_refused() -> None:
    assert refuse("notes", notes="n" * 4_001) == [
        "is 4,001 characters long; keep it to 4,000 or fewer"
    ]


@pytest.mark.parametrize("typed", ["a\x1b[31mb", "a\x00b"])
def test_notes_control_characters_refused(typed: str) -> None:
    assert refuse("notes", notes=typed) == [CONTROL]


# ---------------------------------------------------------------------------
# TransitionInput
# ---------------------------------------------------------------------------


def test_transition_input_parses() -> None:
    move = validate_input(
        TransitionInput,
        {"status": "Retired", "reason": "Replaced by Braze.", "retired_on": "today"},
        CTX,
    )
    assert (move.status, move.reason, move.retired_on) == (
        "retired",
        "Replaced by Braze.",
        date(2026, 11, 29),
    )


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (
            {"status": "gone"},
            "status",
            "“gone” is not a lifecycle status; choose one of: "
            "evaluating, active, under_review, decommissioning, retired",
        ),
        ({"reason": "r" * 501}, "reason", "is 501 characters long; keep it to 500 or fewer"),
        ({"reason": "why\x1b[2J"}, "reason", CONTROL),
        (
            {"retired_on": "2026-02-30"},
            "retired_on",
            "“2026-02-30” is not a real date: February 2026 has 28 days",
        ),
    ],
)
def test_transition_input_refused(raw: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_input(TransitionInput, raw, CTX)
    assert exc.value.for_field(field) == [message]


# ---------------------------------------------------------------------------
# Integrations
# ---------------------------------------------------------------------------

FLOW: dict[str, Any] = {"source": "Typeform", "target": "HubSpot", "data": "form fills"}


def test_integration_accepted() -> None:
    item = validate_integration({**FLOW, "personal": "yes"}, CTX)
    assert isinstance(item, IntegrationInput)
    assert (item.source, item.target, item.data, item.personal) == (
        "Typeform",
        "HubSpot",
        "form fills",
        True,
    )
    assert validate_integration(FLOW, CTX).personal is False


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("HubSpot", "HubSpot"),
        ("HubSpot", " hubspot "),
        ("HUBSPOT", "hubspot"),
        ("Hub  Spot", "hub spot"),
        ("Café", "Cafe\u0301"),
    ],
)
def test_integration_to_itself_refused(source: str, target: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_integration({**FLOW, "source": source, "target": target}, CTX)
    assert exc.value.fields == [
        FieldError("target", "a tool cannot integrate with itself; choose another tool")
    ]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("source", "enter the tool the data comes from"),
        ("target", "enter the tool the data goes to"),
        ("data", "enter what data moves"),
    ],
)
@pytest.mark.parametrize("typed", ["", "  ", None])
def test_integration_missing_refused(field: str, message: str, typed: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_integration({**FLOW, field: typed}, CTX)
    assert exc.value.fields == [FieldError(field, message)]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("data", "d" * 201, "is 201 characters long; keep it to 200 or fewer"),
        ("source", "s" * 81, "is 81 characters long; keep it to 80 or fewer"),
        ("source", "Type\x1b[31mform", CONTROL),
        ("target", "Hub\nSpot", CONTROL),
        ("data", "contacts\x00", CONTROL),
        ("personal", "perhaps", "“perhaps” is not yes or no"),
    ],
)
def test_integration_field_refused(field: str, typed: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_integration({**FLOW, field: typed}, CTX)
    assert exc.value.fields == [FieldError(field, message)]


def test_integration_data_at_the_limit_accepted() -> None:
    assert validate_integration({**FLOW, "data": "d" * 200}, CTX).data == "d" * 200
