"""Promise 3, services: hostile input through the same calls the faces make, on a real
migrated database (a copy of the demo workspace).

Every create, edit and move either succeeds, and records itself in the audit log, or
raises a domain error with its field messages and writes nothing at all: the row counts
of every table and the audit log are the same before and after.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from hostile import (
    GOOD_BRIEF,
    GOOD_ENTRY,
    GOOD_KPI,
    GOOD_LINE,
    GOOD_TOOL,
    assert_domain_refusal,
    hostile_text,
    raw_input_for,
    usable_number,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from mops_tui.domain.brief_schema import BriefInput
from mops_tui.domain.errors import DomainError, ValidationFailed
from mops_tui.domain.kpi_schema import KpiInput, KpiMoveInput
from mops_tui.domain.ledger_schema import EntryInput, LineInput
from mops_tui.domain.tool_schema import IntegrationInput, ToolInput, TransitionInput
from mops_tui.services import briefs, kpis, ledger, people, stack
from mops_tui.services.workspace import Workspace

DB_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TABLES = (
    "tools",
    "integrations",
    "kpis",
    "kpi_versions",
    "briefs",
    "brief_transitions",
    "people",
    "budget_lines",
    "spend_entries",
    "period_closes",
    "audit_log",
)


def counts(ws: Workspace) -> dict[str, int]:
    assert ws.sqlite_path is not None
    conn = sqlite3.connect(ws.sqlite_path)
    try:
        return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        conn.close()


def _event(text: str) -> None:
    """Hypothesis's statistics, when the call runs inside a property."""
    with contextlib.suppress(InvalidArgument):  # a plain test: no statistics to keep
        event(text)


def write_or_refuse(ws: Workspace, call: Callable[[], Any]) -> Any:
    """Run a service call: a refusal must be a domain error that wrote nothing; a
    success must be in the audit log."""
    before = counts(ws)
    try:
        result = call()
    except DomainError as exc:
        assert_domain_refusal(exc)
        assert counts(ws) == before, "a refused change wrote something"
        _event(f"refused: {type(exc).__name__}")
        return None
    after = counts(ws)
    if after != before:
        assert after["audit_log"] > before["audit_log"], "a change left no audit entry"
    _event("written" if after != before else "nothing to change")
    return result


def _fits_64_bits(raw: dict[str, Any]) -> bool:
    return all(usable_number(raw.get(name)) for name in ("brief", "line", "budget_line"))


def _unique(draw: st.DrawFn, raw: dict[str, Any], field: str) -> dict[str, Any]:
    """Most examples get a fresh name, so they are judged on more than duplication."""
    value = raw.get(field)
    if isinstance(value, str) and draw(st.integers(0, 3)):
        raw[field] = f"{value} {draw(st.integers(0, 10**9))}"
    return raw


@st.composite
def new_tools(draw: st.DrawFn) -> dict[str, Any]:
    return _unique(draw, draw(raw_input_for(ToolInput, GOOD_TOOL)), "name")


@st.composite
def new_kpis(draw: st.DrawFn) -> dict[str, Any]:
    raw = draw(raw_input_for(KpiInput, GOOD_KPI))
    if raw.get("key") == GOOD_KPI["key"] and draw(st.integers(0, 3)):
        raw["key"] = f"prop_{draw(st.integers(0, 10**9))}_rate"
    return raw


@DB_EXAMPLES
@given(new_tools())
def test_create_tool(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    view = write_or_refuse(demo_ws, lambda: stack.create(demo_ws, raw))
    if view is not None:
        assert stack.get(demo_ws, view.id).name == view.name


@DB_EXAMPLES
@given(st.integers(1, 43), raw_input_for(ToolInput, {}, unknown=False))
def test_edit_tool(demo_ws: Workspace, tool_id: int, raw: dict[str, Any]) -> None:
    raw.pop("status", None)  # status moves go through transition
    write_or_refuse(demo_ws, lambda: stack.update(demo_ws, tool_id, raw, None))


@DB_EXAMPLES
@given(
    st.integers(1, 43),
    raw_input_for(TransitionInput, {"status": "retired", "reason": "gone", "retired_on": "today"}),
)
def test_move_tool(demo_ws: Workspace, tool_id: int, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: stack.transition(demo_ws, tool_id, raw, None))


@DB_EXAMPLES
@given(
    raw_input_for(
        IntegrationInput,
        {"source": "Segment", "target": "Mailchimp", "data": "[b]contacts[/b]"},
        unknown=False,
    )
)
def test_add_integration(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: stack.add_integration(demo_ws, raw))


@DB_EXAMPLES
@given(new_kpis())
def test_create_kpi(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: kpis.create(demo_ws, raw))


@pytest.mark.parametrize("source", [5, True, 2.5])
def test_a_refused_kpi_with_a_data_source_that_is_not_text(demo_ws: Workspace, source: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(demo_ws, {"key": "x", "data_source": source})
    assert_domain_refusal(exc.value)
    assert f"“{source}” is not a tool in the stack" in exc.value.for_field("data_source")


@DB_EXAMPLES
@given(
    st.integers(1, 19),
    raw_input_for(KpiInput, {}, unknown=False),
    hostile_text,
)
def test_edit_kpi(demo_ws: Workspace, kpi_id: int, raw: dict[str, Any], note: str) -> None:
    write_or_refuse(
        demo_ws,
        lambda: kpis.update(
            demo_ws, kpi_id, raw, None, effective_on="2026-12-01", change_note=note
        ),
    )


@DB_EXAMPLES
@given(st.integers(1, 19), raw_input_for(KpiMoveInput, {"status": "deprecated", "reason": "x"}))
def test_move_kpi(demo_ws: Workspace, kpi_id: int, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: kpis.transition(demo_ws, kpi_id, raw, None))


@DB_EXAMPLES
@given(raw_input_for(BriefInput, GOOD_BRIEF).filter(_fits_64_bits))
def test_create_brief(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: briefs.create(demo_ws, raw))


@DB_EXAMPLES
@given(st.integers(1, 60), raw_input_for(BriefInput, {}, unknown=False).filter(_fits_64_bits))
def test_edit_brief(demo_ws: Workspace, brief_id: int, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: briefs.update(demo_ws, brief_id, raw, None))


@DB_EXAMPLES
@given(
    st.integers(1, 60),
    st.sampled_from(("submit", "approve", "return", "start", "done", "cancel")),
    hostile_text,
    hostile_text,
    hostile_text,
)
def test_move_brief(
    demo_ws: Workspace, brief_id: int, move: str, reason: str, result: str, why: str
) -> None:
    write_or_refuse(
        demo_ws,
        lambda: briefs.move(
            demo_ws, brief_id, move, reason=reason, result=result, not_measured=why
        ),
    )


@DB_EXAMPLES
@given(
    st.fixed_dictionaries(
        {"handle": st.one_of(st.from_regex(r"\A[a-z][a-z0-9._-]{0,40}\Z"), hostile_text)},
        optional={"name": hostile_text, "email": hostile_text, "team": hostile_text},
    )
)
def test_add_person(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: people.add_person(demo_ws, raw))


@DB_EXAMPLES
@given(raw_input_for(LineInput, GOOD_LINE).filter(_fits_64_bits))
def test_create_budget_line(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: ledger.create_line(demo_ws, raw))


@DB_EXAMPLES
@given(st.integers(1, 254), raw_input_for(LineInput, {}, unknown=False))
def test_edit_budget_line(demo_ws: Workspace, line_id: int, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: ledger.update_line(demo_ws, line_id, raw, None))


_SAFE_ENTRY = raw_input_for(EntryInput, {**GOOD_ENTRY, "brief": ""}).filter(_fits_64_bits)


@DB_EXAMPLES
@given(_SAFE_ENTRY)
def test_add_spend(demo_ws: Workspace, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: ledger.add_entry(demo_ws, raw))


@DB_EXAMPLES
@given(st.integers(2_600, 2_647), _SAFE_ENTRY)
def test_correct_spend(demo_ws: Workspace, entry_id: int, raw: dict[str, Any]) -> None:
    write_or_refuse(demo_ws, lambda: ledger.correct_entry(demo_ws, entry_id, raw))


@DB_EXAMPLES
@given(st.integers(2_600, 2_647), hostile_text)
def test_reverse_spend(demo_ws: Workspace, entry_id: int, reason: str) -> None:
    write_or_refuse(demo_ws, lambda: ledger.reverse_entry(demo_ws, entry_id, reason))


@DB_EXAMPLES
@given(hostile_text, hostile_text)
def test_close_and_reopen_periods(demo_ws: Workspace, month: str, reason: str) -> None:
    write_or_refuse(demo_ws, lambda: ledger.close_period(demo_ws, month))
    write_or_refuse(demo_ws, lambda: ledger.reopen_period(demo_ws, month, reason))


@pytest.mark.parametrize("number", ["#99999999999999999999", "99999999999999999999", "²", "#²"])
@pytest.mark.parametrize(
    "call",
    [
        lambda ws, n: ledger.add_entry(ws, {**GOOD_ENTRY, "line": n}),
        lambda ws, n: briefs.create(ws, {"title": "t", "budget_line": n}),
    ],
    ids=["spend", "brief"],
)
def test_a_line_number_mops_cannot_read_is_refused(
    demo_ws: Workspace, call: Any, number: str
) -> None:
    write_or_refuse(demo_ws, lambda: call(demo_ws, number))


def test_a_brief_number_too_big_to_store_is_refused(demo_ws: Workspace) -> None:
    raw = {**GOOD_ENTRY, "brief": "99999999999999999999"}
    write_or_refuse(demo_ws, lambda: ledger.add_entry(demo_ws, raw))


def test_spend_on_a_brief_that_does_not_exist_is_refused(demo_ws: Workspace) -> None:
    raw = {**GOOD_ENTRY, "brief": "#99999"}
    assert write_or_refuse(demo_ws, lambda: ledger.add_entry(demo_ws, raw)) is None
