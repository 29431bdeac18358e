"""validate_kpi and the KPI move/edit schemas, through domain.schema.validate_input.

Every field: its allowed case and each refused case with the exact message a user sees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain import kpis
from mops_tui.domain.context import Context
from mops_tui.domain.errors import ValidationFailed
from mops_tui.domain.kpi_schema import KpiEditExtras, KpiInput, KpiMoveInput, validate_kpi
from mops_tui.domain.schema import form_fields, validate_input

CTX = Context(today=date(2026, 11, 29))
IMPORTED = Context(today=date(2026, 11, 29), extra={"imported": True})

# A complete rate KPI, as typed into the form.
VALID: dict[str, Any] = {
    "key": "mql_to_sql_rate",
    "label": "MQL → SQL conversion rate",
    "owner": "farid",
    "kind": "rate",
    "definition": "MQLs accepted as SQLs within 30 days divided by MQLs created.",
    "numerator": "MQLs accepted as SQLs within 30 days",
    "denominator": "MQLs created in the month",
    "decision": "Whether the lead-scoring threshold changes next quarter.",
    "data_gaps": "none known",
}

CONTROL = "contains control characters or terminal escape codes; remove them"
KEY_PATTERN = (
    "use lower-case letters, digits and single underscores, starting with a "
    "letter and not ending with an underscore (for example mql_to_sql_rate)"
)
KINDS_LIST = "count, rate, currency, duration, score"
MODELS_LIST = "none, last_touch, first_touch, linear, time_decay, position_based, data_driven"


def accept(ctx: Context = CTX, **changes: Any) -> KpiInput:
    return validate_kpi({**VALID, **changes}, ctx)


def refuse(field: str, ctx: Context = CTX, **changes: Any) -> list[str]:
    """The messages for ``field``; also checks that no other field was refused."""
    with pytest.raises(ValidationFailed) as exc:
        validate_kpi({**VALID, **changes}, ctx)
    assert [e.field for e in exc.value.fields] == [field] * len(exc.value.fields)
    messages = exc.value.for_field(field)
    assert messages
    return messages


# ---------------------------------------------------------------------------
# The whole record
# ---------------------------------------------------------------------------


def test_a_complete_kpi_is_accepted_with_defaults() -> None:
    kpi = accept()
    assert kpi.key == "mql_to_sql_rate"
    assert kpi.label == "MQL → SQL conversion rate"
    assert kpi.description == ""
    assert kpi.owner == "farid"
    assert kpi.kind == "rate"
    assert kpi.conversion == ""
    assert kpi.data_source is None
    assert kpi.attribution_model == "none"
    assert kpi.attribution_window_days is None
    assert kpi.direction == "higher_is_better"
    assert kpi.target is None
    assert kpi.data_gaps == "none known"
    assert kpi.measure == "mql_to_sql_rate"  # defaults to the key


def test_a_fully_specified_kpi_is_accepted_and_normalised() -> None:
    kpi = accept(
        key="  marketing_sourced_pipeline ",
        label="Marketing-sourced pipeline",
        description="The pipeline marketing starts.\nReported quarterly.",
        owner="  Ben ",
        kind="Currency",
        numerator="",
        denominator="",
        conversion="An opportunity created with an Amount set.",
        data_source="  Salesforce   Sales Cloud ",
        attribution_model="First touch",
        attribution_window_days="60 days",
        direction="higher is better",
        target="£2,400,000",
        measure="pipeline_amount",
    )
    assert kpi.key == "marketing_sourced_pipeline"
    assert kpi.description == "The pipeline marketing starts.\nReported quarterly."
    assert kpi.owner == "ben"
    assert kpi.kind == "currency"
    assert kpi.data_source == "Salesforce Sales Cloud"
    assert kpi.attribution_model == "first_touch"
    assert kpi.attribution_window_days == 60
    assert kpi.target == "2400000"
    assert kpi.measure == "pipeline_amount"


def test_every_missing_fact_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_kpi(
            {
                **VALID,
                "owner": None,
                "definition": "",
                "numerator": "",
                "denominator": " ",
                "attribution_model": "linear",
                "decision": "",
                "data_gaps": "",
            },
            CTX,
        )
    assert [(e.field, e.message) for e in exc.value.fields] == [
        ("owner", "every KPI needs an owner; choose a person"),
        ("definition", "write the definition or formula: how it is calculated"),
        ("numerator", "a rate names its numerator (what is counted)"),
        ("denominator", "a rate names its denominator (what it is out of)"),
        ("attribution_window_days", "linear attribution needs a window in days (1 to 365)"),
        (
            "decision",
            "say which decision this KPI informs (a KPI that informs no decision is a "
            "vanity metric)",
        ),
        ("data_gaps", "say where the data is incomplete, or write “none known”"),
    ]


def test_an_unknown_field_is_refused() -> None:
    assert refuse("colour", colour="blue") == ["is not a field mops knows"]


def test_the_form_metadata() -> None:
    fields = {f["name"]: f for f in form_fields(KpiInput)}
    assert list(fields) == [
        "key",
        "label",
        "description",
        "owner",
        "kind",
        "definition",
        "numerator",
        "denominator",
        "conversion",
        "data_source",
        "attribution_model",
        "attribution_window_days",
        "direction",
        "target",
        "decision",
        "data_gaps",
        "measure",
    ]
    required = {name for name, f in fields.items() if f["required"]}
    assert required == {"key", "label", "owner", "definition", "decision", "data_gaps"}
    assert fields["kind"]["choices"] == kpis.KINDS
    assert fields["attribution_model"]["choices"] == kpis.ATTRIBUTION_MODELS
    assert fields["owner"]["widget"] == "person"
    assert fields["data_source"]["widget"] == "tool"


# ---------------------------------------------------------------------------
# Key and measure
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["win_rate", " win_rate ", "cac_payback_months", "nps_2026"])
def test_valid_keys(key: str) -> None:
    assert accept(key=key).key == key.strip()


@pytest.mark.parametrize("key", ["", "   ", None])
def test_a_key_is_required(key: str | None) -> None:
    assert refuse("key", key=key) == ["enter a key, such as mql_to_sql_rate"]


@pytest.mark.parametrize(
    "key", ["MQL_rate", "mql-rate", "1st_touch", "mql_rate_", "_mql_rate", "mql rate"]
)
def test_keys_outside_the_pattern(key: str) -> None:
    assert refuse("key", key=key) == [KEY_PATTERN]


def test_a_key_with_a_double_underscore() -> None:
    assert refuse("key", key="mql__rate") == [
        "cannot contain a double underscore (dbt reserves __)"
    ]


def test_a_key_that_is_too_long() -> None:
    assert refuse("key", key="k" * 65) == ["is 65 characters long; keep it to 64 or fewer"]


@pytest.mark.parametrize("key", ["mql\x1b[31m_rate", "mql\x00rate", "mql\x7frate"])
def test_a_key_with_control_characters(key: str) -> None:
    assert refuse("key", key=key) == [CONTROL]


def test_the_measure_defaults_to_the_key() -> None:
    assert accept(key="win_rate", measure="").measure == "win_rate"


def test_a_measure_follows_the_key_rules() -> None:
    assert refuse("measure", measure="opps__won") == [
        "a measure name follows the key's rules: cannot contain a double underscore "
        "(dbt reserves __)"
    ]
    assert refuse("measure", measure="Opps") == [
        "a measure name follows the key's rules: " + KEY_PATTERN
    ]


# ---------------------------------------------------------------------------
# Label and free text
# ---------------------------------------------------------------------------


def test_a_label_is_required() -> None:
    assert refuse("label", label="  ") == ["enter a label"]


def test_a_label_has_a_length_limit() -> None:
    assert accept(label="L" * 80).label == "L" * 80
    assert refuse("label", label="L" * 81) == ["is 81 characters long; keep it to 80 or fewer"]


@pytest.mark.parametrize("field", ["description", "definition", "conversion", "decision"])
def test_long_text_keeps_its_lines(field: str) -> None:
    text = "First line.\nSecond line."
    assert getattr(accept(**{field: text}), field) == text


@pytest.mark.parametrize(
    "field", ["description", "definition", "conversion", "decision", "data_gaps"]
)
def test_long_text_has_a_length_limit(field: str) -> None:
    assert refuse(field, **{field: "x" * 2001}) == [
        "is 2,001 characters long; keep it to 2,000 or fewer"
    ]


@pytest.mark.parametrize("field", ["numerator", "denominator"])
def test_the_parts_of_a_rate_have_a_length_limit(field: str) -> None:
    assert refuse(field, **{field: "x" * 201}) == [
        "is 201 characters long; keep it to 200 or fewer"
    ]


@pytest.mark.parametrize("field", ["label", "definition", "numerator", "decision"])
def test_free_text_refuses_control_characters(field: str) -> None:
    assert refuse(field, **{field: "Win\x1b[2J rate"}) == [CONTROL]


# ---------------------------------------------------------------------------
# Owner
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("farid", "farid"), ("Farid", "farid"), (" Ana   Costa ", "ana costa")]
)
def test_an_owner_is_a_handle_or_name(typed: str, stored: str) -> None:
    assert accept(owner=typed).owner == stored


@pytest.mark.parametrize("owner", [None, "", "   "])
def test_an_owner_is_required(owner: str | None) -> None:
    assert refuse("owner", owner=owner) == ["every KPI needs an owner; choose a person"]


@pytest.mark.parametrize("owner", ["x" * 81, "ana\x07", "ana\x1b[1m"])
def test_an_owner_that_is_not_a_person(owner: str) -> None:
    assert refuse("owner", owner=owner) == ["is not a person's handle or name"]


def test_an_imported_draft_may_arrive_with_no_owner_definition_decision_or_gaps() -> None:
    kpi = validate_kpi(
        {"key": "mql_rate", "label": "MQL rate", "kind": "rate", "target": "25%"}, IMPORTED
    )
    assert kpi.owner is None
    assert kpi.definition == ""
    assert kpi.decision == ""
    assert kpi.data_gaps == ""
    assert kpi.target == "0.25"


def test_an_imported_draft_still_keeps_the_key_and_window_rules() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_kpi(
            {
                "key": "MQL Rate",
                "label": "MQL rate",
                "attribution_model": "last_touch",
                "attribution_window_days": "400",
            },
            IMPORTED,
        )
    assert [(e.field, e.message) for e in exc.value.fields] == [
        ("key", KEY_PATTERN),
        ("attribution_window_days", "must be from 1 to 365 days"),
    ]


# ---------------------------------------------------------------------------
# Kind, direction, rate parts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind"), [("count", "count"), ("Rate", "rate"), ("SCORE", "score")]
)
def test_a_kind_is_chosen_case_insensitively(typed: str, kind: str) -> None:
    assert accept(kind=typed, numerator="n", denominator="d").kind == kind


def test_an_unknown_kind_is_refused() -> None:
    assert refuse("kind", kind="ratio") == [f"“ratio” is not a kind; choose one of: {KINDS_LIST}"]


def test_a_blank_kind_is_refused() -> None:
    assert refuse("kind", kind=" ") == [f"choose a kind: {KINDS_LIST}"]


def test_an_unknown_kind_does_not_also_blame_the_target() -> None:
    assert refuse("kind", kind="ratio", target="22%") == [
        f"“ratio” is not a kind; choose one of: {KINDS_LIST}"
    ]


@pytest.mark.parametrize(
    ("typed", "direction"),
    [("higher_is_better", "higher_is_better"), ("Lower is better", "lower_is_better")],
)
def test_a_direction_is_chosen(typed: str, direction: str) -> None:
    assert accept(direction=typed).direction == direction


def test_an_unknown_direction_is_refused() -> None:
    assert refuse("direction", direction="down") == [
        "“down” is not a direction; choose one of: higher_is_better, lower_is_better"
    ]


@pytest.mark.parametrize("field", ["numerator", "denominator"])
def test_a_rate_needs_both_parts(field: str) -> None:
    message = {
        "numerator": "a rate names its numerator (what is counted)",
        "denominator": "a rate names its denominator (what it is out of)",
    }[field]
    assert refuse(field, **{field: ""}) == [message]


@pytest.mark.parametrize("kind", ["count", "currency", "duration", "score"])
def test_other_kinds_need_no_parts(kind: str) -> None:
    assert accept(kind=kind, numerator="", denominator="").kind == kind


# ---------------------------------------------------------------------------
# Attribution
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "typed_window", "window"),
    [
        ("last touch", "30", 30),
        ("last-touch", "30d", 30),
        ("Time decay", " 7 Days ", 7),
        ("position_based", 90, 90),
        ("data driven", "1 day", 1),
        ("linear", "365", 365),
    ],
)
def test_an_attribution_model_with_its_window(model: str, typed_window: Any, window: int) -> None:
    kpi = accept(attribution_model=model, attribution_window_days=typed_window)
    assert kpi.attribution_model == model.lower().replace(" ", "_").replace("-", "_")
    assert kpi.attribution_window_days == window


def test_no_attribution_needs_no_window() -> None:
    assert accept(attribution_model="none", attribution_window_days="").attribution_model == "none"


@pytest.mark.parametrize("model", [m for m in kpis.ATTRIBUTION_MODELS if m != "none"])
def test_an_attribution_model_needs_a_window(model: str) -> None:
    assert refuse("attribution_window_days", attribution_model=model) == [
        f"{model.replace('_', ' ')} attribution needs a window in days (1 to 365)"
    ]


@pytest.mark.parametrize("window", ["0", "366", "1000 days"])
def test_a_window_outside_1_to_365_days(window: str) -> None:
    assert refuse(
        "attribution_window_days", attribution_model="first_touch", attribution_window_days=window
    ) == ["must be from 1 to 365 days"]


@pytest.mark.parametrize("window", ["thirty", "-3", "1.5", "30 days ago", "٣٠"])
def test_a_window_that_is_not_a_number_of_days(window: str) -> None:
    assert refuse(
        "attribution_window_days", attribution_model="first_touch", attribution_window_days=window
    ) == [f"“{window}” is not a number of days"]


@pytest.mark.parametrize("model", ["u-shaped", "w_shaped"])
def test_an_unknown_attribution_model(model: str) -> None:
    messages = refuse("attribution_model", attribution_model=model)
    assert messages[0].startswith(f"“{model}” is not a")
    assert messages[0].endswith(f"attribution model; choose one of: {MODELS_LIST}")


def test_attribution_model_refusals_read_as_english() -> None:
    assert refuse("attribution_model", attribution_model="u-shaped") == [
        f"“u-shaped” is not an attribution model; choose one of: {MODELS_LIST}"
    ]


# ---------------------------------------------------------------------------
# Data source
# ---------------------------------------------------------------------------


def test_a_data_source_is_optional_at_entry() -> None:
    assert accept(data_source="").data_source is None


def test_a_data_source_is_stored_with_single_spaces() -> None:
    assert accept(data_source=" Google   Analytics 4 ").data_source == "Google Analytics 4"


@pytest.mark.parametrize("source", ["G" * 81, "Hub\x1bSpot", "Hub\x00Spot"])
def test_a_data_source_that_cannot_be_a_tool_name(source: str) -> None:
    assert refuse("data_source", data_source=source) == ["is not the name of a tool in the stack"]


# ---------------------------------------------------------------------------
# Targets: stored in the canonical form for the kind
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("rate", "22%", "0.22"),
        ("rate", "4.5x", "4.5"),
        ("rate", "0.035", "0.035"),
        ("currency", "£180", "180"),
        ("currency", "£2.4m", "2400000"),
        ("count", "1,200", "1200"),
        ("duration", "14 months", "14 months"),
        ("duration", "3w", "3 weeks"),
        ("score", "45", "45"),
        ("score", "-10", "-10"),
    ],
)
def test_a_target_is_stored_canonically(kind: str, typed: str, stored: str) -> None:
    assert accept(kind=kind, target=typed).target == stored


def test_no_target_is_allowed() -> None:
    assert accept(target="  ").target is None


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("rate", "abc", "“abc” is not a number (a rate target)"),
        ("rate", "-5%", "cannot be negative (a rate target)"),
        ("rate", "£50", "“£50” is not a number (a rate target)"),
        ("count", "12.5", "a count target is a whole number (a count target)"),
        (
            "currency",
            "$50",
            "“$50” is in dollars, but this workspace keeps amounts in GBP; enter it in GBP "
            "(a currency target)",
        ),
        (
            "duration",
            "two weeks",
            "“two weeks” is not a duration; type 14 days, 3 weeks or 12 months (a duration target)",
        ),
        ("score", "high", "“high” is not a number (a score target)"),
    ],
)
def test_a_target_in_the_wrong_unit_for_its_kind(kind: str, typed: str, message: str) -> None:
    assert refuse("target", kind=kind, target=typed) == [message]


@pytest.mark.parametrize("typed", ["9" * 41, "22%\x1b[0m"])
def test_a_target_that_is_not_a_target_value(typed: str) -> None:
    assert refuse("target", target=typed) == ["is not a target value"]


def test_a_target_follows_the_workspace_currency() -> None:
    usd = Context(today=date(2026, 11, 29), currency="USD")
    assert validate_kpi({**VALID, "kind": "currency", "target": "$50"}, usd).target == "50"


@pytest.mark.parametrize(
    ("kind", "strategy"),
    [
        ("rate", st.decimals(min_value=0, max_value=500, places=2).map(lambda d: f"{d}%")),
        ("currency", st.decimals(min_value=0, max_value=10**6, places=2).map(lambda d: f"£{d:,}")),
        ("count", st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}")),
        ("duration", st.integers(min_value=0, max_value=999).map(lambda n: f"{n} weeks")),
        ("score", st.integers(min_value=-100, max_value=100).map(str)),
    ],
)
@settings(deadline=None, max_examples=50)
@given(data=st.data())
def test_an_edit_revalidates_the_stored_target_unchanged(
    kind: str, strategy: st.SearchStrategy[str], data: st.DataObject
) -> None:
    """An edit re-validates the stored (canonical) target: it must come back the same."""
    typed = data.draw(strategy)
    first = accept(kind=kind, target=typed)
    edited = validate_kpi({"label": "Renamed"}, CTX, base=first)
    assert edited.label == "Renamed"
    assert edited.target == first.target


# ---------------------------------------------------------------------------
# Edits on a base
# ---------------------------------------------------------------------------


def test_an_edit_keeps_the_fields_it_does_not_name() -> None:
    base = accept(attribution_model="last_touch", attribution_window_days="30", target="22%")
    edited = validate_kpi({"attribution_window_days": "60"}, CTX, base=base)
    assert edited.attribution_window_days == 60
    assert edited.attribution_model == "last_touch"
    assert edited.target == "0.22"
    assert edited.key == base.key


def test_an_edit_that_clears_a_required_field_is_refused() -> None:
    base = accept()
    with pytest.raises(ValidationFailed) as exc:
        validate_kpi({"decision": ""}, CTX, base=base)
    assert exc.value.for_field("decision") == [
        "say which decision this KPI informs (a KPI that informs no decision is a vanity metric)"
    ]


# ---------------------------------------------------------------------------
# Lifecycle moves and meaning edits
# ---------------------------------------------------------------------------


def move(raw: dict[str, Any]) -> KpiMoveInput:
    return validate_input(KpiMoveInput, raw, CTX)


def refuse_move(raw: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as exc:
        move(raw)
    return [(e.field, e.message) for e in exc.value.fields]


def test_a_move_defaults_to_activating_today() -> None:
    m = move({})
    assert (m.status, m.reason, m.successor, m.effective_on) == ("active", "", None, None)


@pytest.mark.parametrize(
    ("typed", "effective"),
    [("2026-03-04", date(2026, 3, 4)), ("1 Mar", date(2026, 3, 1)), ("today", date(2026, 11, 29))],
)
def test_an_activation_with_an_effective_date(typed: str, effective: date) -> None:
    assert move({"status": "active", "effective_on": typed}).effective_on == effective


def test_a_deprecation_with_a_reason_and_a_successor() -> None:
    m = move(
        {
            "status": "Deprecated",
            "reason": "Old scoring model.",
            "successor": "  mql_to_sql_rate ",
        }
    )
    assert (m.status, m.reason, m.successor) == (
        "deprecated",
        "Old scoring model.",
        "mql_to_sql_rate",
    )


@pytest.mark.parametrize("successor", ["", "   ", None])
def test_a_blank_successor_is_none(successor: str | None) -> None:
    assert move({"status": "deprecated", "successor": successor}).successor is None


def test_an_unknown_status_is_refused() -> None:
    assert refuse_move({"status": "paused"}) == [
        ("status", "“paused” is not a status; choose one of: draft, active, deprecated")
    ]


def test_a_blank_status_is_refused() -> None:
    assert refuse_move({"status": ""}) == [("status", "choose a status: draft, active, deprecated")]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("soon", "“soon” is not a date; type a date such as 2026-12-01, 1 Dec, today or +2w"),
        ("31/02/2026", "“31/02/2026” is not a real date: February 2026 has 28 days"),
    ],
)
def test_an_effective_date_that_is_not_a_date(typed: str, message: str) -> None:
    assert refuse_move({"status": "active", "effective_on": typed}) == [("effective_on", message)]


def test_a_meaning_edit_takes_a_date_and_a_note() -> None:
    extras = validate_input(
        KpiEditExtras,
        {"effective_on": "2026-07-02", "change_note": "  Window 30 → 60 days  "},
        CTX,
    )
    assert extras.effective_on == date(2026, 7, 2)
    assert extras.change_note == "Window 30 → 60 days"


def test_a_change_note_has_a_length_limit() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_input(KpiEditExtras, {"change_note": "n" * 301}, CTX)
    assert exc.value.for_field("change_note") == ["is 301 characters long; keep it to 300 or fewer"]
