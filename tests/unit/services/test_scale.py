"""The large-workspace generator (``mops demo --scale large``) at the tiny scale.

Each build migrates a fresh database and loads the demo with ``scale="tiny"`` through
:func:`mops_tui.services.demo.load`, as ``mops demo --scale tiny`` does: the standard
demo, then :func:`scale.load_large` tops it up to :data:`scale.TINY` before the demo
closes its months, on SQLite and on PostgreSQL (a team can build it on its server). The
clock is Sunday 2026-11-29, 09:00. The tests read the database back:
the exact totals, the same workspace from the same seed, every brief's transitions
replayed through the workflow's moves, contiguous KPI versions, tools that meet the
Stack's standards, ``mops check`` clean, and the services listing and finding what was
generated. The demo's own records are written by ``LOADER``; the generated ones by the
demo's people.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from backends import raw
from pgcluster import create_database

from mops_tui.domain import briefs as brief_rules
from mops_tui.domain import tools as tool_rules
from mops_tui.domain.dates import add_working_days
from mops_tui.domain.text import fold, key_of
from mops_tui.services import audit_log, briefs, check, demo, kpis, ledger, scale, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 9, 0)
TINY = scale.TINY
LOADER = "loader"
KNOWN_DEMO_FAILURES = {"personal-flow-no-dpa"}  # Cvent → Airtable, kept on purpose
TABLES = (
    "people",
    "tools",
    "integrations",
    "kpis",
    "kpi_versions",
    "budget_lines",
    "spend_entries",
    "period_closes",
    "briefs",
    "brief_transitions",
    "audit_log",
)


def build(url: str) -> str:
    """The tiny workspace, built into the empty database at ``url``; its URL."""
    ensure_current(url)
    ws = Workspace(url, actor=LOADER, today_fn=lambda: TODAY, now_fn=lambda: NOW)
    try:
        demo.load(ws, scale="tiny")
    finally:
        ws.close()
    return url


def rows(db: str, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """The rows of ``sql`` on the database at ``db``, readable by column name."""
    conn = raw(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(db: str, table: str) -> int:
    return int(rows(db, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def generated(db: str, table: str) -> list[Any]:
    """The rows the generator wrote (the demo's own are written by ``LOADER``)."""
    return rows(db, f"SELECT * FROM {table} WHERE created_by <> ? ORDER BY id", (LOADER,))


def per_record(db: str, entity: str, action: str | None = None) -> dict[int, int]:
    """How many audit entries each record of ``entity`` has (of ``action``)."""
    sql = "SELECT entity_id, COUNT(*) AS n FROM audit_log WHERE entity = ?"
    params: tuple[Any, ...] = (entity,)
    if action:
        sql += " AND action = ?"
        params += (action,)
    return {r["entity_id"]: r["n"] for r in rows(db, sql + " GROUP BY entity_id", params)}


def digest(db: str) -> dict[str, str]:
    """A hash of every row of every table, in primary-key order."""
    out = {}
    for table in TABLES:
        h = hashlib.sha256()
        for row in rows(db, f"SELECT * FROM {table} ORDER BY 1"):
            h.update(json.dumps(list(row), default=str).encode())
        out[table] = h.hexdigest()
    return out


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    return {}


@pytest.fixture
def db(
    backend: str,
    built: dict[str, str],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """The tiny workspace's URL: built once per module and backend, read by every test."""
    if backend not in built:
        if backend == "postgres":
            url = create_database(request.getfixturevalue("pg_server"))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'tiny.db'}"
        built[backend] = build(url)
    return built[backend]


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on the test's backend (no file yet; no schema)."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'again.db'}"


@pytest.fixture
def tiny_ws(db: str) -> Iterator[Workspace]:
    workspace = Workspace(db, actor="tester")
    yield workspace
    workspace.close()


# ---------------------------------------------------------------------------
# Totals and determinism
# ---------------------------------------------------------------------------


def test_the_workspace_is_topped_up_to_the_exact_totals(db: str) -> None:
    assert count(db, "tools") == TINY.tools
    assert count(db, "kpis") == TINY.kpis
    assert count(db, "briefs") == TINY.briefs
    assert count(db, "spend_entries") == TINY.entries  # the demo's late invoice included
    assert count(db, "audit_log") >= TINY.audit
    assert len(generated(db, "tools")) == TINY.tools - len(demo.TOOLS)
    assert len(generated(db, "kpis")) == TINY.kpis - len(demo.KPIS)
    days = rows(db, "SELECT DISTINCT entry_date FROM spend_entries")
    assert {r["entry_date"][:4] for r in days} == {"2024", "2025", "2026"}  # three fiscal years
    # Generated before the demo closed its months, so the closed months hold some too.
    # (The generator numbers its invoices INV-2026-10001 on and its orders PO-200001 on.)
    in_closed = rows(
        db,
        "SELECT e.reference FROM spend_entries e JOIN period_closes c ON c.month = e.month "
        "WHERE e.import_batch IS NULL AND e.reference IS NOT NULL",
    )
    generator_made = re.compile(r"INV-[0-9]{4}-1.{4}|PO-2.{5}", re.DOTALL)
    assert any(generator_made.fullmatch(r["reference"]) for r in in_closed)


def test_the_same_seed_builds_the_same_workspace(db: str, empty_url: str) -> None:
    assert digest(build(empty_url)) == digest(db)


# ---------------------------------------------------------------------------
# Briefs
# ---------------------------------------------------------------------------


def test_every_brief_history_replays_through_the_workflow(db: str) -> None:
    moves = list(brief_rules.MOVES.values())
    kpi_status = {r["id"]: r["status"] for r in rows(db, "SELECT id, status FROM kpis")}
    edits = per_record(db, "brief", "edited")
    logged = per_record(db, "brief")
    seen: set[str] = set()
    made = generated(db, "briefs")
    assert len(made) > TINY.briefs * 0.8
    for b in made:
        history = rows(
            db, "SELECT * FROM brief_transitions WHERE brief_id = ? ORDER BY at, id", (b["id"],)
        )
        first, *later = history
        assert (first["from_status"], first["to_status"], first["comment"]) == (
            None,
            "draft",
            "created",
        )
        status = "draft"
        for t in later:
            assert t["from_status"] == status, b["id"]
            move = [m for m in moves if status in m.sources and m.target == t["to_status"]]
            assert move, f"#{b['id']}: no move from {status} to {t['to_status']}"
            if move[0].asks:  # return, cancel and done say why, or what came of it
                assert t["comment"].strip(), b["id"]
            status = t["to_status"]
        assert status == b["status"]
        assert b["status_since"] == history[-1]["at"]
        assert b["version"] == len(history) + edits.get(b["id"], 0)
        assert logged[b["id"]] == b["version"]  # created, every move and every edit
        seen.add(status)
        if status in ("submitted", "approved", "in_flight", "done"):
            assert b["objective"] and b["audience"] and b["kpi_id"] and b["launch_date"]
        if status in ("approved", "in_flight", "done"):
            assert b["owner_id"] and b["kpi_target"]
            if b["budget_requested"]:
                assert b["budget_line_id"]
        if status in ("approved", "in_flight"):
            assert kpi_status[b["kpi_id"]] == "active"
        if status == "done":
            assert b["outcome_result"] or b["outcome_reason"]
        assert b["search_key"] == fold(f"{b['title']} {b['channels']} {b['objective'][:200]}")
    assert seen == set(brief_rules.STATUSES)


def test_briefs_were_submitted_with_the_lead_time(db: str) -> None:
    submitted = rows(
        db,
        "SELECT t.at, b.launch_date FROM brief_transitions t JOIN briefs b ON b.id = t.brief_id "
        "WHERE t.to_status = 'submitted' AND b.created_by <> ?",
        (LOADER,),
    )
    assert submitted
    for t in submitted:
        on = datetime.fromisoformat(t["at"]).date()
        assert date.fromisoformat(t["launch_date"]) >= add_working_days(on, 10)


# ---------------------------------------------------------------------------
# KPIs and tools
# ---------------------------------------------------------------------------


def test_kpi_versions_are_contiguous_and_deprecations_say_why(db: str) -> None:
    status_of = {r["id"]: r["status"] for r in rows(db, "SELECT id, status FROM kpis")}
    logged = per_record(db, "kpi")
    made = generated(db, "kpis")
    for k in made:
        versions = rows(
            db, "SELECT * FROM kpi_versions WHERE kpi_id = ? ORDER BY number", (k["id"],)
        )
        assert [v["number"] for v in versions] == list(range(1, k["current_version"] + 1))
        dates = [v["effective_on"] for v in versions]
        assert dates == sorted(dates)
        assert (k["current_version"] == 0) == (k["status"] == "draft")
        if k["status"] == "deprecated":
            assert k["deprecated_reason"] or k["successor_id"]
        if k["successor_id"]:
            assert status_of[k["successor_id"]] == "active"
        if k["status"] == "active":
            assert k["decision"].strip() and k["data_gaps"].strip() and k["data_source_id"]
        assert k["search_key"] == fold(f"{k['key']} {k['label']} {k['kind']}")
        assert logged[k["id"]] == k["version"]  # defined, and every move and edit
    assert {k["status"] for k in made} == {"draft", "active", "deprecated"}


def test_tools_meet_the_stack_standards(db: str, tiny_ws: Workspace) -> None:
    logged = per_record(db, "tool")
    made = {r["id"]: r for r in generated(db, "tools")}
    views = [v for v in stack.list_tools(tiny_ws) if v.id in made]
    assert len(views) == len(made)
    for view in views:
        row = made[view.id]
        refusals = [e for e in tool_rules.contract_rules(view, TODAY) if not e.warning]
        assert not refusals, (view.name, refusals)
        assert view.cancel_by == tool_rules.cancel_by(view.renewal_date, view.notice_days)
        assert row["name_key"] == key_of(view.name)
        assert row["search_key"] == fold(f"{view.name} {view.vendor} {view.category}")
        assert (view.status == "retired") == bool(view.retired_on and view.retired_reason)
        assert logged[view.id] == row["version"]  # added, and every edit and move
    assert {r["status"] for r in made.values()} == set(tool_rules.STATUSES)


def test_mops_check_finds_nothing_the_generator_made(tiny_ws: Workspace) -> None:
    failed = {r.code for r in check.run_checks(tiny_ws) if not r.passed}
    assert failed <= KNOWN_DEMO_FAILURES


# ---------------------------------------------------------------------------
# The services list and find the generated records
# ---------------------------------------------------------------------------


def test_the_services_list_and_find_what_was_generated(db: str, tiny_ws: Workspace) -> None:
    tool = generated(db, "tools")[0]
    assert len(stack.list_tools(tiny_ws)) == TINY.tools
    assert [t.id for t in stack.lookup(tiny_ws, tool["name"].upper())] == [tool["id"]]
    assert stack.detail(tiny_ws, tool["id"]).history

    kpi = generated(db, "kpis")[-1]
    assert len(kpis.list_kpis(tiny_ws)) == TINY.kpis
    assert kpi["key"] in [k.key for k in kpis.list_kpis(tiny_ws, kpi["label"].split(" (")[0])]
    detail = kpis.detail(tiny_ws, kpi["id"])
    assert len(detail.versions) == kpi["current_version"] and detail.history

    brief = generated(db, "briefs")[-1]
    assert len(briefs.list_briefs(tiny_ws, "is:all")) == TINY.briefs
    found = briefs.list_briefs(tiny_ws, f"is:all {brief['title'].split(':')[1]}")
    assert brief["id"] in [b.id for b in found]
    assert briefs.detail(tiny_ws, brief["id"]).transitions
    assert briefs.list_briefs(tiny_ws, "status:done")

    entries = audit_log.list_entries(tiny_ws, f"area:brief id:{brief['id']}")
    assert entries and all(e.entity_id == brief["id"] for e in entries)
    assert ledger.list_entries(tiny_ws, "period:2024-03", limit=5)
