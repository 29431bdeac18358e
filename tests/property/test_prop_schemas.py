"""Promise 3, schemas: whatever is typed, every domain input schema ends in a valid
record or a domain error with field messages, never another exception.

Each schema is driven through the entry point its services call (``validate_tool``,
``validate_kpi``, ``validate_brief``, ``validate_person``, ``validate_line``,
``validate_entry``, ``EntryRowParser``, ``validate_input`` for the move forms), with a
known-good input of which a few fields are replaced by hostile, plausible or odd values.
A valid record holds only clean text: no control character (but newlines where a field
is multi-line), no lone surrogate, trimmed and NFC.
"""

from __future__ import annotations

from typing import Any

import pytest
from hostile import (
    GOOD_BRIEF,
    GOOD_ENTRY,
    GOOD_KPI,
    GOOD_LINE,
    GOOD_PERSON,
    GOOD_TOOL,
    TODAY,
    assert_clean_record,
    assert_clean_text,
    assert_domain_refusal,
    date_text,
    hostile_text,
    odd_value,
    raw_input_for,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain import kpis as kpi_rules
from mops_tui.domain import ledger as ledger_rules
from mops_tui.domain.brief_schema import BriefInput, MoveInput, validate_brief
from mops_tui.domain.context import Context
from mops_tui.domain.errors import ValidationFailed
from mops_tui.domain.kpi_schema import KpiEditExtras, KpiInput, KpiMoveInput, validate_kpi
from mops_tui.domain.ledger_schema import (
    EntryInput,
    EntryRowParser,
    LineInput,
    ReopenInput,
    ledger_context,
    validate_entry,
    validate_line,
)
from mops_tui.domain.people import PersonInput, validate_person
from mops_tui.domain.schema import validate_input
from mops_tui.domain.tool_schema import (
    IntegrationInput,
    ToolInput,
    TransitionInput,
    validate_integration,
    validate_tool,
)

EXAMPLES = settings(max_examples=120, deadline=None)
CURRENCIES = ("GBP", "USD", "EUR", "JPY", "BHD", "CHF")

# Words a refusal shows only when a Python exception leaked into it.
TECHNICAL = (
    "Traceback",
    "Input should be",
    "pydantic",
    "NoneType",
    "object has no attribute",
    "invalid literal for int",
    "out of range",
    "could not convert",
    "unsupported operand",
    "codec can't",
)


def contexts() -> st.SearchStrategy[Context]:
    return st.builds(
        Context,
        today=st.just(TODAY),
        currency=st.sampled_from(CURRENCIES),
        day_first=st.booleans(),
    )


def outcome(call: Any) -> Any:
    """Run ``call``: a valid record is returned; a domain refusal is checked and ``None``
    returned; any other exception fails the test (by propagating)."""
    try:
        return call()
    except ValidationFailed as exc:
        assert_domain_refusal(exc)
        for err in exc.fields:
            assert not any(w in err.message for w in TECHNICAL), (err.field, err.message)
        return None


@EXAMPLES
@given(raw_input_for(ToolInput, GOOD_TOOL), contexts())
def test_tool_input_ends_in_a_record_or_field_errors(raw: dict[str, Any], ctx: Context) -> None:
    tool = outcome(lambda: validate_tool(raw, ctx))
    if tool is not None:
        assert isinstance(tool, ToolInput)
        assert_clean_record(tool)


@EXAMPLES
@given(raw_input_for(ToolInput, GOOD_TOOL), contexts())
def test_tool_edit_over_a_base_ends_in_a_record_or_field_errors(
    raw: dict[str, Any], ctx: Context
) -> None:
    base = validate_tool(GOOD_TOOL, Context(today=TODAY))
    tool = outcome(lambda: validate_tool(raw, ctx, base=base, row=7))
    if tool is not None:
        assert_clean_record(tool)


@EXAMPLES
@given(
    raw_input_for(IntegrationInput, {"source": "HubSpot", "target": "GA4", "data": "contacts"}),
    contexts(),
)
def test_integration_input(raw: dict[str, Any], ctx: Context) -> None:
    found = outcome(lambda: validate_integration(raw, ctx))
    if found is not None:
        assert_clean_record(found)


@EXAMPLES
@given(
    raw_input_for(
        TransitionInput, {"status": "retired", "reason": "Replaced", "retired_on": "today"}
    ),
    contexts(),
)
def test_tool_transition_input(raw: dict[str, Any], ctx: Context) -> None:
    found = outcome(lambda: validate_input(TransitionInput, raw, ctx))
    if found is not None:
        assert_clean_record(found)


@EXAMPLES
@given(raw_input_for(KpiInput, GOOD_KPI), contexts(), st.booleans())
def test_kpi_input(raw: dict[str, Any], ctx: Context, imported: bool) -> None:
    if imported:
        ctx = Context(today=ctx.today, currency=ctx.currency, extra={"imported": True})
    kpi = outcome(lambda: validate_kpi(raw, ctx))
    if kpi is not None:
        assert isinstance(kpi, KpiInput)
        assert_clean_record(kpi)
        assert kpi_rules.key_problem(kpi.key) is None
        # The canonical target reads back as a target of its kind.
        if kpi.target is not None:
            shown = kpi_rules.format_target(kpi.target, kpi.kind, ctx.currency)
            assert kpi_rules.parse_target(shown, kpi.kind, ctx.currency) is not None


@EXAMPLES
@given(
    raw_input_for(KpiMoveInput, {"status": "deprecated", "reason": "Replaced"}),
    raw_input_for(KpiEditExtras, {"effective_on": "2026-12-01", "change_note": "why"}),
    contexts(),
)
def test_kpi_move_and_edit_extras(
    move: dict[str, Any], extras: dict[str, Any], ctx: Context
) -> None:
    for model, raw in ((KpiMoveInput, move), (KpiEditExtras, extras)):
        found = outcome(lambda m=model, r=raw: validate_input(m, r, ctx))
        if found is not None:
            assert_clean_record(found, unchecked=("successor",))


@EXAMPLES
@given(st.one_of(hostile_text, odd_value), st.sampled_from(kpi_rules.KINDS), contexts())
def test_kpi_target_parses_or_says_why(text: Any, kind: str, ctx: Context) -> None:
    try:
        canonical = kpi_rules.parse_target(text, kind, ctx.currency)
    except kpi_rules.TargetError as exc:
        assert str(exc).strip()
    else:
        assert canonical is None or isinstance(canonical, str)


@EXAMPLES
@given(raw_input_for(BriefInput, GOOD_BRIEF), contexts())
def test_brief_input(raw: dict[str, Any], ctx: Context) -> None:
    brief = outcome(lambda: validate_brief(raw, ctx))
    if brief is not None:
        assert isinstance(brief, BriefInput)
        assert_clean_record(brief)


@EXAMPLES
@given(raw_input_for(BriefInput, GOOD_BRIEF), contexts())
def test_brief_edit_over_a_base(raw: dict[str, Any], ctx: Context) -> None:
    base = validate_brief(GOOD_BRIEF, Context(today=TODAY))
    brief = outcome(lambda: validate_brief(raw, ctx, base=base))
    if brief is not None:
        assert_clean_record(brief)


@EXAMPLES
@given(raw_input_for(MoveInput, {"reason": "r", "result": "24%", "not_measured": ""}), contexts())
def test_brief_move_input(raw: dict[str, Any], ctx: Context) -> None:
    found = outcome(lambda: validate_input(MoveInput, raw, ctx))
    if found is not None:
        assert_clean_record(found)


@EXAMPLES
@given(raw_input_for(PersonInput, GOOD_PERSON), contexts())
def test_person_input(raw: dict[str, Any], ctx: Context) -> None:
    person = outcome(lambda: validate_person(raw, ctx, row=3))
    if person is not None:
        assert_clean_record(person)


@EXAMPLES
@given(raw_input_for(LineInput, GOOD_LINE), contexts(), st.sampled_from((1, 4, 7)))
def test_budget_line_input(raw: dict[str, Any], ctx: Context, fy_start: int) -> None:
    line = outcome(lambda: validate_line(raw, ledger_context(ctx, fy_start)))
    if line is not None:
        assert_clean_record(line)
        assert line.planned is not None and line.planned >= 0


@EXAMPLES
@given(raw_input_for(EntryInput, GOOD_ENTRY), contexts(), st.booleans())
def test_spend_entry_input(raw: dict[str, Any], ctx: Context, decimal_comma: bool) -> None:
    lctx = ledger_context(ctx, 1, decimal_comma=decimal_comma)
    entry = outcome(lambda: validate_entry(raw, lctx))
    if entry is not None:
        assert_clean_record(entry)
        assert entry.line


@EXAMPLES
@given(
    st.lists(raw_input_for(EntryInput, GOOD_ENTRY, odd=False), min_size=1, max_size=6),
    contexts(),
    st.booleans(),
)
def test_spend_import_rows_agree_with_the_form(
    rows: list[dict[str, Any]], ctx: Context, decimal_comma: bool
) -> None:
    """The importer's row parser (memoised across rows) refuses exactly what the form
    refuses, and accepts the same values."""
    lctx = ledger_context(ctx, 1, decimal_comma=decimal_comma)
    parse_row = EntryRowParser(lctx)
    for number, raw in enumerate(rows, start=2):
        raw = {k: v for k, v in raw.items() if isinstance(v, str) or v is None}
        values, errors = parse_row(raw, number)
        for err in errors:
            assert err.row == number and err.message.strip()
            assert not any(w in err.message for w in TECHNICAL), (err.field, err.message)
        if not errors:
            for name in ("payee", "reference", "note", "line", "tool"):
                if isinstance(values.get(name), str):
                    assert_clean_text(
                        values[name], name, stored=name in ("payee", "reference", "note")
                    )


@EXAMPLES
@given(raw_input_for(ReopenInput, {"reason": "Late invoice"}), contexts())
def test_reopen_input(raw: dict[str, Any], ctx: Context) -> None:
    found = outcome(lambda: validate_input(ReopenInput, raw, ctx))
    if found is not None:
        assert_clean_record(found)
        assert found.reason


_PERIODISH = st.one_of(
    hostile_text,
    date_text,
    st.from_regex(r"\A(fy ?)?[0-9]{4}([-/ ]?[qQ][0-9]|-[0-9]{1,2})?\Z"),
    st.sampled_from(("this month", "last quarter", "all", "2026-13", "2026-Q5", "fy 2026")),
)


@EXAMPLES
@given(_PERIODISH, st.sampled_from((1, 4, 10)))
def test_periods_parse_or_say_why(text: str, fy_start: int) -> None:
    try:
        period = ledger_rules.parse_period(text, fy_start, today=TODAY)
    except ledger_rules.PeriodError as exc:
        assert str(exc).strip()
    else:
        assert period.starts_on <= period.ends_on


@pytest.mark.parametrize("text", ["0000-01", "FY9999", "0000-Q1", "9999-Q4", "1899-12", "FY2200"])
def test_periods_at_the_ends_of_the_calendar_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(ledger_rules.PeriodError, match="the years mops accepts"):
        ledger_rules.parse_period(text, 4, today=TODAY)


@pytest.mark.parametrize("text", ["1900-01", "FY1900", "2200-12", "2200-Q3"])
def test_periods_inside_the_years_mops_accepts_parse(text: str) -> None:
    period = ledger_rules.parse_period(text, 4, today=TODAY)
    assert period.starts_on.year >= 1900 and period.ends_on.year <= 2200
