"""``mops check --integrity``: the records' own structure, as hledger checks a journal.

The clean demo passes every rule. Each test then breaks records by hand in a copy of
the demo (raw SQL, as a script or a partial restore would) and sees the rule fail for
exactly those records, with a message that names them and says what is wrong:
reversals and corrections that point at nothing, entries written into a month after
its close or filed under the wrong month, money that is not whole minor units, brief
histories that do not replay through the workflow, KPI versions that are not 1 to n.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from backends import is_postgres, raw
from sqlalchemy import BigInteger

from mops_tui.cli import main
from mops_tui.domain import checks as rules
from mops_tui.domain.text import cell_width
from mops_tui.services import check
from mops_tui.services.workspace import Workspace
from mops_tui.store.models import Base

# The demo keeps one standard failure on purpose (see test_check.py).
KNOWN_DEMO_FAILURES = {"personal-flow-no-dpa"}


def _unchecked(target: Any) -> Any:
    """A raw connection with foreign keys off, as a script would have them: a plain
    sqlite3 connection does not enforce them; on PostgreSQL the session turns its
    triggers (and so the foreign keys) off, as a restore or a superuser's script can."""
    conn = raw(target)
    if is_postgres(target):
        conn.execute("SET session_replication_role = replica")
    return conn


def sql(target: Any, statement: str, params: tuple[Any, ...] = ()) -> None:
    conn = _unchecked(target)
    try:
        conn.execute(statement, params)
        conn.commit()
    finally:
        conn.close()


def insert(target: Any, statement: str, params: tuple[Any, ...] = ()) -> int:
    """Run an INSERT the same way and return the new row's id."""
    conn = _unchecked(target)
    try:
        row = conn.execute(f"{statement} RETURNING id", params).fetchone()
        conn.commit()
    finally:
        conn.close()
    return int(row[0])


def one(target: Any, statement: str, params: tuple[Any, ...] = ()) -> Any:
    conn = raw(target)
    try:
        row = conn.execute(statement, params).fetchone()
    finally:
        conn.close()
    assert row is not None, statement
    return row[0] if len(row) == 1 else row


def every(target: Any, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    conn = raw(target)
    try:
        return list(conn.execute(statement, params).fetchall())
    finally:
        conn.close()


def result(ws: Workspace, code: str) -> rules.CheckResult:
    [found] = check.run_checks(ws, codes=[code], limit=10_000)
    assert found.total == len(found.failures)
    return found


def failures(ws: Workspace, code: str) -> dict[tuple[str, int], rules.CheckFailure]:
    return {(f.entity, f.id): f for f in result(ws, code).failures}


def only(ws: Workspace, code: str) -> rules.CheckFailure:
    [failure] = result(ws, code).failures
    return failure


# ---------------------------------------------------------------------------
# The clean demo, and when the rules run
# ---------------------------------------------------------------------------


def test_the_clean_demo_passes_every_integrity_rule(demo_ws: Workspace) -> None:
    results = check.run_checks(demo_ws, integrity=True)
    assert [r.code for r in results] == [r.code for r in (*rules.RULES, *check.INTEGRITY_RULES)]
    failed = {r.code for r in results if not r.passed}
    assert failed <= KNOWN_DEMO_FAILURES
    for r in results[len(rules.RULES) :]:
        assert r.passed, (r.code, r.failures[:3])
        assert r.title and r.explanation and r.rule.area in rules.AREAS


def test_an_empty_workspace_passes_too(ws: Workspace) -> None:
    results = check.run_checks(ws, integrity=True)
    assert all(r.passed for r in results)
    assert (
        rules.summary(results)
        == f"All {len(rules.RULES) + len(check.INTEGRITY_RULES)} checks passed."
    )


def test_integrity_rules_run_when_asked_or_named(demo_ws: Workspace) -> None:
    assert [r.code for r in check.run_checks(demo_ws)] == [r.code for r in rules.RULES]
    assert [r.code for r in check.run_checks(demo_ws, codes=["kpi-versions"])] == ["kpi-versions"]
    ledger = check.run_checks(demo_ws, areas=["ledger"], integrity=True)
    codes = [r.code for r in ledger]
    assert {"entry-links", "entry-month", "whole-amounts", "reversal-broken"} <= set(codes)
    assert "brief-history" not in codes
    assert "brief-history" in str(check.ALL_RULES)


def test_the_money_columns_are_every_big_integer_column() -> None:
    """A money column a migration adds must join ``whole-amounts``."""
    big = {
        (t.name, c.name)
        for t in Base.metadata.tables.values()
        for c in t.columns
        if isinstance(c.type, BigInteger)
    }
    assert {(table, column) for table, column, *_ in check.MONEY_COLUMNS} == big


def test_the_integrity_rules_are_cheap(demo_ws: Workspace) -> None:
    started = time.perf_counter()
    check.run_checks(demo_ws, codes=sorted(check.INTEGRITY))
    assert time.perf_counter() - started < 0.5


# ---------------------------------------------------------------------------
# Reversals and corrections point at real entries
# ---------------------------------------------------------------------------


def test_a_reversal_that_points_at_nothing(demo_ws: Workspace) -> None:
    reversal = one(
        demo_ws, "SELECT id FROM spend_entries WHERE kind = 'reversal' ORDER BY id LIMIT 1"
    )
    sql(demo_ws, "UPDATE spend_entries SET reverses_id = 99999 WHERE id = ?", (reversal,))
    failure = only(demo_ws, "reversal-broken")
    assert failure.id == reversal
    assert failure.why == "reverses entry #99999, which does not exist"


def test_links_to_records_that_do_not_exist(demo_ws: Workspace) -> None:
    a, b, c = every(
        demo_ws, "SELECT id FROM spend_entries WHERE kind = 'spend' ORDER BY id LIMIT 3"
    )
    sql(demo_ws, "UPDATE spend_entries SET line_id = 88888 WHERE id = ?", a)
    sql(demo_ws, "UPDATE spend_entries SET tool_id = 77777, brief_id = 66666 WHERE id = ?", b)
    sql(demo_ws, "UPDATE spend_entries SET corrects_id = 55555 WHERE id = ?", c)
    found = failures(demo_ws, "entry-links")
    assert set(found) == {("spend", a[0]), ("spend", b[0]), ("spend", c[0])}
    assert found[("spend", a[0])].why == "its budget line #88888 does not exist"
    assert found[("spend", b[0])].why == (
        "its tool #77777 does not exist; its brief #66666 does not exist"
    )
    assert found[("spend", c[0])].why == "it corrects entry #55555, which does not exist"
    assert found[("spend", a[0])].name.startswith(f"#{a[0]} ")


def test_a_correction_whose_original_was_never_reversed(demo_ws: Workspace) -> None:
    fresh = one(
        demo_ws,
        "SELECT e.id FROM spend_entries e WHERE e.kind = 'spend' AND NOT EXISTS "
        "(SELECT 1 FROM spend_entries r WHERE r.reverses_id = e.id) ORDER BY e.id LIMIT 1",
    )
    later = one(demo_ws, "SELECT MAX(id) FROM spend_entries WHERE kind = 'spend'")
    sql(demo_ws, "UPDATE spend_entries SET corrects_id = ? WHERE id = ?", (fresh, later))
    failure = only(demo_ws, "entry-links")
    assert failure.id == later
    assert failure.why == f"it corrects entry #{fresh}, which was never reversed, so both count"


# ---------------------------------------------------------------------------
# No entry written into a closed month after its close; entries in their own month
# ---------------------------------------------------------------------------


def test_an_entry_written_into_a_closed_month_after_the_close(demo_ws: Workspace) -> None:
    month, closed_at, closed_by = one(
        demo_ws,
        "SELECT month, closed_at, closed_by FROM period_closes WHERE reopened_at IS NULL "
        "ORDER BY month DESC LIMIT 1",
    )
    line = one(
        demo_ws, "SELECT line_id FROM spend_entries WHERE month = ? ORDER BY id LIMIT 1", (month,)
    )
    new = insert(
        demo_ws,
        "INSERT INTO spend_entries (entry_date, month, amount, kind, payee, search_key, "
        "reference, note, line_id, created_at, created_by) VALUES "
        "(?, ?, 12345, 'spend', 'Sneaky Ltd', 'sneaky ltd', '', '', ?, "
        "'2026-11-29 17:30:00.000000', 'script')",
        (f"{month}-15", month, line),
    )
    failure = only(demo_ws, "spend-after-close")
    assert failure.id == new
    assert failure.name == f"#{new} Sneaky Ltd"
    assert failure.why == (
        f"dated {month}-15, written 2026-11-29 17:30 by script; {month} was closed "
        f"{closed_at[:16]} by {closed_by}"
    )
    assert result(demo_ws, "entry-links").passed


def test_an_entry_filed_under_another_month(demo_ws: Workspace) -> None:
    """Moving an entry's date into a closed month but not its month column hides it
    from the close check; the month rule finds it."""
    entry, on = one(
        demo_ws,
        "SELECT id, entry_date FROM spend_entries WHERE kind = 'spend' ORDER BY id DESC LIMIT 1",
    )
    sql(demo_ws, "UPDATE spend_entries SET entry_date = '2026-08-14' WHERE id = ?", (entry,))
    failure = only(demo_ws, "entry-month")
    assert failure.id == entry
    assert failure.why == f"dated 2026-08-14 but filed under month {on[:7]}"


# ---------------------------------------------------------------------------
# Money is whole minor units
# ---------------------------------------------------------------------------


# SQLite's column types do not hold a value to its type, so ``whole-amounts`` asks
# ``typeof``. PostgreSQL's bigint columns refuse '12k' and round 1250.5 themselves: the
# break is impossible there, and the rule is skipped there by design.
@pytest.mark.sqlite_only
def test_money_that_is_not_whole_minor_units(demo_ws: Workspace) -> None:
    entry = one(demo_ws, "SELECT MIN(id) FROM spend_entries")
    line = one(demo_ws, "SELECT MIN(id) FROM budget_lines")
    tool, tool_name = one(
        demo_ws, "SELECT id, name FROM tools WHERE annual_cost IS NOT NULL ORDER BY id LIMIT 1"
    )
    brief = one(demo_ws, "SELECT MIN(id) FROM briefs")
    sql(demo_ws, "UPDATE spend_entries SET amount = 1250.5 WHERE id = ?", (entry,))
    sql(demo_ws, "UPDATE budget_lines SET planned = '12k' WHERE id = ?", (line,))
    sql(demo_ws, "UPDATE tools SET annual_cost = 99.99 WHERE id = ?", (tool,))
    sql(demo_ws, "UPDATE briefs SET budget_requested = 10.25 WHERE id = ?", (brief,))
    # A whole number written as 1200.0 is stored as the integer 1200: not a failure.
    sql(demo_ws, "UPDATE spend_entries SET amount = 1200.0 WHERE id = ?", (entry + 1,))
    found = failures(demo_ws, "whole-amounts")
    assert set(found) == {("spend", entry), ("budget_line", line), ("tool", tool), ("brief", brief)}
    assert found[("spend", entry)].why == (
        "its amount is stored as real 1250.5, not as a whole number of minor units"
    )
    assert found[("budget_line", line)].why == (
        "its planned is stored as text '12k', not as a whole number of minor units"
    )
    assert found[("tool", tool)].name == tool_name
    assert "annual cost is stored as real 99.99" in found[("tool", tool)].why
    assert "budget requested is stored as real 10.25" in found[("brief", brief)].why
    assert (
        one(demo_ws, "SELECT typeof(amount) FROM spend_entries WHERE id = ?", (entry + 1,))
        == "integer"
    )


# ---------------------------------------------------------------------------
# Brief histories replay through the workflow
# ---------------------------------------------------------------------------


def _brief(target: Workspace | str, status: str) -> tuple[int, str]:
    found: tuple[int, str] = one(
        target, "SELECT id, title FROM briefs WHERE status = ? ORDER BY id LIMIT 1", (status,)
    )
    return found


def test_a_status_changed_around_the_workflow(demo_ws: Workspace) -> None:
    brief, title = _brief(demo_ws, "draft")
    sql(demo_ws, "UPDATE briefs SET status = 'approved' WHERE id = ?", (brief,))
    failure = only(demo_ws, "brief-history")
    assert (failure.entity, failure.id) == ("brief", brief)
    assert failure.name == f"#{brief} {title}"
    assert failure.why == "its history ends at draft, but the brief is approved"


def test_a_brief_with_no_history(demo_ws: Workspace) -> None:
    brief, _title = _brief(demo_ws, "submitted")
    sql(demo_ws, "DELETE FROM brief_transitions WHERE brief_id = ?", (brief,))
    assert only(demo_ws, "brief-history").why == (
        "has no history: no transition records how it became submitted"
    )


def test_a_move_the_workflow_does_not_allow(demo_ws: Workspace) -> None:
    brief, _title = _brief(demo_ws, "draft")
    steps = one(demo_ws, "SELECT COUNT(*) FROM brief_transitions WHERE brief_id = ?", (brief,))
    new = insert(
        demo_ws,
        "INSERT INTO brief_transitions (brief_id, at, actor, from_status, to_status, comment) "
        "VALUES (?, '2026-11-29 18:00:00.000000', 'script', 'draft', 'done', '')",
        (brief,),
    )
    sql(demo_ws, "UPDATE briefs SET status = 'done' WHERE id = ?", (brief,))
    assert only(demo_ws, "brief-history").why == (
        f"step {steps + 1} (transition #{new}): draft → done is not a move the workflow allows"
    )


def test_a_step_that_does_not_follow_the_last(demo_ws: Workspace) -> None:
    brief, _title = _brief(demo_ws, "in_flight")
    ids = [
        r[0]
        for r in every(
            demo_ws, "SELECT id FROM brief_transitions WHERE brief_id = ? ORDER BY at, id", (brief,)
        )
    ]
    assert len(ids) >= 4  # created, submitted, approved, in flight
    sql(demo_ws, "UPDATE brief_transitions SET from_status = 'draft' WHERE id = ?", (ids[2],))
    assert only(demo_ws, "brief-history").why == (
        f"step 3 (transition #{ids[2]}) moves it from draft, but step 2 left it submitted"
    )


def test_a_history_that_does_not_start_as_a_draft(demo_ws: Workspace) -> None:
    brief, _title = _brief(demo_ws, "draft")
    first = one(demo_ws, "SELECT MIN(id) FROM brief_transitions WHERE brief_id = ?", (brief,))
    sql(demo_ws, "UPDATE brief_transitions SET from_status = 'submitted' WHERE id = ?", (first,))
    assert only(demo_ws, "brief-history").why == (
        "its history starts with submitted → draft; a brief starts as a draft"
    )


# ---------------------------------------------------------------------------
# KPI versions are 1..n, the current one the newest
# ---------------------------------------------------------------------------


def _kpi_with_versions(ws: Workspace) -> tuple[int, str, int]:
    found: tuple[int, str, int] = one(
        ws,
        "SELECT k.id, k.key, k.current_version FROM kpis k WHERE k.current_version >= 2 "
        "ORDER BY k.id LIMIT 1",
    )
    return found


def test_a_missing_kpi_version(demo_ws: Workspace) -> None:
    kpi, key, current = _kpi_with_versions(demo_ws)
    sql(demo_ws, "DELETE FROM kpi_versions WHERE kpi_id = ? AND number = 1", (kpi,))
    failure = only(demo_ws, "kpi-versions")
    assert (failure.entity, failure.id, failure.name) == ("kpi", kpi, key)
    rest = ", ".join(str(n) for n in range(2, current + 1))
    assert failure.why == f"its versions are {rest}, not 1 to {current - 1}"


def test_a_current_version_that_is_not_the_newest(demo_ws: Workspace) -> None:
    kpi, _key, current = _kpi_with_versions(demo_ws)
    sql(demo_ws, "UPDATE kpis SET current_version = ? WHERE id = ?", (current + 2, kpi))
    assert only(demo_ws, "kpi-versions").why == (
        f"its current version is {current + 2}, but the newest is {current}"
    )


def test_an_active_kpi_with_no_version(demo_ws: Workspace) -> None:
    kpi, key = one(
        demo_ws,
        "SELECT id, key FROM kpis WHERE status = 'active' AND current_version = 1 "
        "ORDER BY id LIMIT 1",
    )
    sql(demo_ws, "DELETE FROM kpi_versions WHERE kpi_id = ?", (kpi,))
    sql(demo_ws, "UPDATE kpis SET current_version = 0 WHERE id = ?", (kpi,))
    failure = only(demo_ws, "kpi-versions")
    assert failure.name == key
    assert failure.why == "it is active with no version"


def test_many_failures_are_counted_but_only_the_limit_listed(demo_ws: Workspace) -> None:
    sql(demo_ws, "UPDATE spend_entries SET month = '1999-01'")
    entries = one(demo_ws, "SELECT COUNT(*) FROM spend_entries")
    [found] = check.run_checks(demo_ws, codes=["entry-month"], limit=3)
    assert found.total == entries and len(found.failures) == 3


# ---------------------------------------------------------------------------
# mops check --integrity
# ---------------------------------------------------------------------------


def test_the_cli_runs_the_integrity_rules_only_when_asked(
    capsys: pytest.CaptureFixture[str], demo_url: str
) -> None:
    brief, _title = _brief(demo_url, "draft")
    sql(demo_url, "UPDATE briefs SET status = 'in_flight' WHERE id = ?", (brief,))
    assert main(["--db", demo_url, "check", "--area", "briefs"]) == 0
    out = capsys.readouterr().out
    assert "replays" not in out

    code = main(["--db", demo_url, "check", "--integrity", "--area", "briefs"])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ Every brief's history replays through the workflow to its status (1 record)" in out
    assert "its history ends at draft, but the brief is in flight" in " ".join(out.split())
    assert "  rule: brief-history" in out
    assert all(cell_width(line) <= 80 for line in out.splitlines())

    code = main(["--db", demo_url, "check", "--rule", "brief-history", "--json"])
    assert code == 1
    assert '"code": "brief-history"' in capsys.readouterr().out
