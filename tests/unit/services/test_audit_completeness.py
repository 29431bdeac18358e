"""Every change records who made it, when, and the record before and after.

This test walks every public function of every module in ``mops_tui/services`` and
sorts it into one of three lists:

* ``READ_ONLY``: reads or computes, never writes. A static check of the source (the
  function and whatever it calls, across the services, reaching ``ws.transaction()``)
  proves it: a function listed here that can write fails the test.
* ``RECIPES``: a function that writes, with a recipe that calls it on a fresh copy of
  the demo workspace. The recipe's run is compared table by table, row by row, before
  and after; every record it changed must have exactly one new audit entry naming it
  (bulk spend imports: exactly one summary entry, with the number of rows it added),
  by the acting user, at the workspace's time, with ``after`` for a creation,
  ``before`` for a removal, and both for an edit.
* ``EXEMPT``: writes by design without an entry per change, each with the reason.

A public function in none of the lists (a new one) fails the test until it is listed,
so a new writing service cannot arrive without its audit recipe.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from backends import is_postgres, raw

import mops_tui.services
from mops_tui.domain.briefs import MOVES
from mops_tui.services import (
    audit_log,
    briefs,
    demo,
    kpis,
    ledger,
    people,
    scale,
    stack,
    transfer,
    triage,
)
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

ACTOR = "auditor"
NOW = datetime(2026, 11, 29, 15, 45, 7, 123000)

# ---------------------------------------------------------------------------
# The functions that only read
# ---------------------------------------------------------------------------

READ_ONLY: frozenset[str] = frozenset(
    {
        "audit.changes",
        "audit.dumps",
        "audit.recent",
        "audit.tool_history",
        "audit_log.area_label",
        "audit_log.detail",
        "audit_log.field_changes",
        "audit_log.field_label",
        "audit_log.format_value",
        "audit_log.get_entry",
        "audit_log.last_change",
        "audit_log.list_entries",
        "audit_log.parse_query",
        "audit_log.plan_undo",
        "audit_log.record_label",
        "briefs.as_input",
        "briefs.cost_per_result",
        "briefs.counts",
        "briefs.cutoffs",
        "briefs.detail",
        "briefs.export_rows",
        "briefs.for_kpi",
        "briefs.form_values",
        "briefs.get",
        "briefs.list_briefs",
        "briefs.move_failures",
        "briefs.parse_query",
        "briefs.snapshot",
        "calendar.events",
        "check.as_json",
        "check.rules_for",
        "check.run_check",
        "check.run_checks",
        "demo.distance",
        "demo.fiscal_periods",
        "demo.is_empty",
        "demo.line_rng",
        "demo.money_text",
        "demo.payees_on",
        "demo.plan_lines",
        "demo.spend_day",
        "demo.spend_row",
        "demo.spend_share",
        "kpis.active_kpis_fed_by",
        "kpis.as_input",
        "kpis.detail",
        "kpis.export_rows",
        "kpis.form_values",
        "kpis.get",
        "kpis.get_by_key",
        "kpis.key_for",
        "kpis.kpi_choices",
        "kpis.list_kpis",
        "kpis.metricflow_export",
        "kpis.move_needs",
        "kpis.snapshot_of",
        "kpis.version_of",
        "ledger.channels",
        "ledger.closes",
        "ledger.ended_open_months",
        "ledger.export_rows",
        "ledger.get_entry",
        "ledger.get_line",
        "ledger.import_key",
        "ledger.journal_entries",
        "ledger.line_form_values",
        "ledger.line_history",
        "ledger.lines",
        "ledger.list_entries",
        "ledger.load_profile",
        "ledger.monthly_series",
        "ledger.parse_entry_query",
        "ledger.period",
        "ledger.report",
        "ledger.resolve_line",
        "ledger.row_identity",
        "ledger.tool_spend",
        "people.get_person",
        "people.handle_of",
        "people.list_people",
        "people.me",
        "people.mine_unknown",
        "people.resolve",
        "people.with_mine",
        "report.last_month",
        "report.monthly",
        "report.parse_month",
        "stack.active_kpis_fed",
        "stack.allowed_moves",
        "stack.as_input",
        "stack.detail",
        "stack.export_rows",
        "stack.form_values",
        "stack.get",
        "stack.get_by_name",
        "stack.list_tools",
        "stack.lookup",
        "stack.spend_this_year",
        "stack.tool_choices",
        "stack.transition_needs",
        "transfer.check_document",
        "transfer.describe_counts",
        "transfer.figures",
        "transfer.label",
        "transfer.occupied",
        "transfer.read_document",
        "triage.change_marker",
        "triage.figures",
        "triage.inbox",
        "triage.lineage",
        "triage.open_item",
        "triage.urgency",
        "workspace.brief_policy_from",
        "workspace.fiscal_start_from",
        "workspace.open_workspace",
        "workspace.people_map_from",
        "workspace.policy_from",
        "workspace.urgency_from",
        "workspace.warm_up",
    }
)

# Writes without an audit entry per change, by design.
EXEMPT: dict[str, str] = {
    "audit.record": "the audit writer itself: it adds the entry to the caller's transaction",
    "demo.wipe": (
        "`mops demo --force` empties the workspace, audit log included, before loading the "
        "demo again: it leaves no entry because it deletes the log it would write to"
    ),
}


# ---------------------------------------------------------------------------
# Finding the public functions, and which of them can write
# ---------------------------------------------------------------------------


def service_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"mops_tui.services.{m.name}")
        for m in pkgutil.iter_modules(mops_tui.services.__path__)
    ]


def public_functions() -> list[str]:
    found = []
    for module in service_modules():
        short = module.__name__.rsplit(".", 1)[1]
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                found.append(f"{short}.{name}")
    return sorted(found)


def _local_names(node: ast.AST) -> set[str]:
    """Parameters and assigned names inside ``node``: a variable called ``move`` is
    not a call of the function ``move``."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.arg):
            names.add(sub.arg)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
    return names


@cache
def call_graph() -> tuple[dict[str, set[str]], frozenset[str]]:
    """What each top-level function (or class, its methods together) of the services
    refers to, by ``module.name``; and those that open a transaction themselves."""
    refs: dict[str, set[str]] = {}
    direct: set[str] = set()
    for module in service_modules():
        short = module.__name__.rsplit(".", 1)[1]
        tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "mops_tui.services":
                    for a in node.names:
                        aliases[a.asname or a.name] = a.name
                elif node.module.startswith("mops_tui.services."):
                    home = node.module.rsplit(".", 1)[1]
                    for a in node.names:
                        aliases[a.asname or a.name] = f"{home}.{a.name}"
        defs = {
            n.name: n
            for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        for name, node in defs.items():
            key = f"{short}.{name}"
            found: set[str] = set()
            local = _local_names(node)
            for sub in ast.walk(node):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr == "transaction"
                ):
                    direct.add(key)
                if isinstance(sub, ast.Name) and sub.id not in local:
                    if sub.id in defs and sub.id != name:
                        found.add(f"{short}.{sub.id}")
                    elif "." in aliases.get(sub.id, ""):
                        found.add(aliases[sub.id])
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id in aliases
                    and "." not in aliases[sub.value.id]
                ):
                    found.add(f"{aliases[sub.value.id]}.{sub.attr}")
            refs[key] = found
    return refs, frozenset(direct)


def write_path(name: str) -> list[str] | None:
    """How ``name`` reaches a transaction (the chain of calls), or None if it cannot."""
    refs, direct = call_graph()
    seen: set[str] = set()

    def walk(node: str) -> list[str] | None:
        if node in direct:
            return [node]
        if node in seen:
            return None
        seen.add(node)
        for ref in sorted(refs.get(node, ())):
            found = walk(ref)
            if found is not None:
                return [node, *found]
        return None

    return walk(name)


# ---------------------------------------------------------------------------
# Recipes: how to call each writing function on the demo, and what it must log
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    function: str  # module.name
    variant: str
    prepare: Callable[[Workspace, Path], Callable[[], Any]]  # setup; returns the call
    kind: str | None = None  # create, update, delete or append: else from the rows
    start: str = "demo"  # or "empty": a new migrated database
    check: str = "one-per-record"  # or: bulk, undo, generator, no-change, restore
    xfail: str = ""  # a known gap, reported (strict: passing makes the test fail)

    @property
    def id(self) -> str:
        return f"{self.function}[{self.variant}]" if self.variant else self.function


RECIPES: list[Recipe] = []


def recipe(
    function: str, variant: str = "", **options: Any
) -> Callable[[Callable[[Workspace, Path], Callable[[], Any]]], Any]:
    def add(prepare: Callable[[Workspace, Path], Callable[[], Any]]) -> Any:
        RECIPES.append(Recipe(function, variant, prepare, **options))
        return prepare

    return add


def tool_id(ws: Workspace, name: str) -> int:
    return stack.get_by_name(ws, name).id


def first_brief(ws: Workspace, status: str) -> briefs.BriefView:
    return next(b for b in briefs.list_briefs(ws, "") if b.status == status)


def entry_in_open_month(ws: Workspace) -> ledger.EntryView:
    return next(
        e
        for e in ledger.list_entries(ws, "from:2026-11-01 to:2026-11-28")
        if e.kind == "spend" and e.reversed_by is None
    )


# -- people -------------------------------------------------------------------


@recipe("people.add_person")
def _add_person(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: people.add_person(ws, {"handle": "ines", "name": "Inês Duarte"})


# -- stack --------------------------------------------------------------------


@recipe("stack.create")
def _tool_create(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    raw = {
        "name": "Plausible",
        "vendor": "Plausible Insights",
        "category": "Analytics",
        "purpose": "Session recordings for the website team",
        "status": "evaluating",
        "owner": "ana",
    }
    return lambda: stack.create(ws, raw)


@recipe("stack.update")
def _tool_update(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    tool = stack.get_by_name(ws, "Canva")
    return lambda: stack.update(ws, tool.id, {"notes": "Renegotiate seats."}, tool.version)


@recipe("stack.transition")
def _tool_transition(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    tool = stack.get_by_name(ws, "Litmus")
    return lambda: stack.transition(ws, tool.id, {"status": "under_review"}, tool.version)


@recipe("stack.transition", "retire", kind="update")
def _tool_retire(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    tool = next(t for t in stack.list_tools(ws, "") if t.status == "decommissioning")
    move = {"status": "retired", "reason": "Contract ended", "retired_on": "2026-11-20"}
    return lambda: stack.transition(
        ws, tool.id, move, tool.version, confirmed_kpis=stack.active_kpis_fed(ws, tool.id)
    )


@recipe("stack.add_integration")
def _integration_add(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    flow = {"source": "HubSpot Marketing Hub", "target": "Canva", "data": "brand kit"}
    return lambda: stack.add_integration(ws, flow)


@recipe("stack.remove_integration", kind="delete")
def _integration_remove(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    flow = int(_one(ws, "SELECT MIN(id) FROM integrations WHERE removed_at IS NULL"))
    return lambda: stack.remove_integration(ws, flow)


@recipe("stack.import_rows")
def _tool_import(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    from mops_tui.formats.csv_io import read_csv

    table = read_csv(
        "name,vendor,category,purpose,status,owner,notes\n"
        "Plausible,Plausible Insights,Analytics,Privacy-first analytics,evaluating,ana,\n"
        "Mixpanel,Mixpanel,Analytics,Product analytics,evaluating,ben,\n"
        "Canva,Canva,Design & creative,Design for everyone,active,ana,Imported note\n"
    )

    def call() -> Any:
        report = stack.import_rows(ws, table.header, table.rows)
        assert report.written and not report.errors, report.errors
        assert len(report.to_create) == 2

    return call


# -- KPIs ---------------------------------------------------------------------


@recipe("kpis.create")
def _kpi_create(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    raw = {
        "key": "demo_requests",
        "label": "Demo requests",
        "owner": "ana",
        "kind": "count",
        "definition": "Demo request forms submitted in the month.",
        "data_source": "HubSpot Marketing Hub",
        "decision": "How much to spend on demand generation.",
        "data_gaps": "none known",
    }
    return lambda: kpis.create(ws, raw)


@recipe("kpis.update", "wording")
def _kpi_wording(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    kpi = kpis.get_by_key(ws, "win_rate")
    return lambda: kpis.update(ws, kpi.id, {"label": "Win rate (closed deals)"}, kpi.version)


@recipe("kpis.update", "meaning")
def _kpi_meaning(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    kpi = kpis.get_by_key(ws, "organic_sessions")

    def call() -> Any:
        after = kpis.update(
            ws, kpi.id, {"definition": "Sessions from organic search, bots excluded."}, kpi.version
        )
        assert after.current_version == kpi.current_version + 1  # a new version too

    return call


@recipe("kpis.transition")
def _kpi_deprecate(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    kpi = kpis.get_by_key(ws, "customer_nps")
    move = {"status": "deprecated", "reason": "Replaced by the quarterly survey."}
    return lambda: kpis.transition(ws, kpi.id, move, kpi.version)


@recipe("kpis.transition", "activate")
def _kpi_activate(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    kpi = kpis.create(
        ws,
        {
            "key": "demo_requests",
            "label": "Demo requests",
            "owner": "ana",
            "kind": "count",
            "definition": "Demo request forms submitted in the month.",
            "data_source": "HubSpot Marketing Hub",
            "decision": "How much to spend on demand generation.",
            "data_gaps": "none known",
        },
    )
    return lambda: kpis.transition(ws, kpi.id, {"status": "active"}, kpi.version)


@recipe("kpis.import_metrics")
def _kpi_import(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    from mops_tui.domain.kpis import MetricImport

    metrics = [
        MetricImport(
            name="trial_starts",
            fields={"key": "trial_starts", "label": "Trial starts", "kind": "count"},
        ),
        MetricImport(
            name="paid_conversions",
            fields={"key": "paid_conversions", "label": "Paid conversions", "kind": "count"},
        ),
    ]

    def call() -> Any:
        report = kpis.import_metrics(ws, metrics)
        assert report.written and not report.errors, report.errors

    return call


# -- briefs -------------------------------------------------------------------


@recipe("briefs.create")
def _brief_create(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: briefs.create(ws, {"title": "Spring webinar series", "owner": "ben"})


@recipe("briefs.update")
def _brief_update(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    brief = first_brief(ws, "draft")
    return lambda: briefs.update(
        ws, brief.id, {"audience": "Ops leaders in fintech"}, brief.version
    )


@recipe("briefs.assign")
def _brief_assign(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    brief = next(b for b in briefs.list_briefs(ws, "") if b.status == "draft" and b.owner != "dev")
    return lambda: briefs.assign(ws, brief.id, "dev", brief.version)


@recipe("briefs.move")
def _brief_cancel(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    brief = first_brief(ws, "submitted")
    return lambda: briefs.move(ws, brief.id, "cancel", reason="Budget moved to Q1")


@recipe("briefs.move", "return")
def _brief_return(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    brief = first_brief(ws, "submitted")
    return lambda: briefs.move(ws, brief.id, "return", reason="Needs a KPI target")


# -- ledger -------------------------------------------------------------------


@recipe("ledger.create_line")
def _line_create(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    raw = {"period": "2026-12", "channel": "Podcasts", "planned": "2,500", "owner": "ana"}
    return lambda: ledger.create_line(ws, raw)


@recipe("ledger.update_line")
def _line_update(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    line = ledger.lines(ws, "2026-12")[0]
    return lambda: ledger.update_line(
        ws, line.id, {"planned": str(line.planned // 100 + 500)}, line.version
    )


@recipe("ledger.copy_forward")
def _line_copy(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    def call() -> Any:
        copied = ledger.copy_forward(ws, "2026-12", "2027-01")
        assert len(copied) >= 2

    return call


@recipe("ledger.add_entry")
def _entry_add(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    raw = {
        "entry_date": "2026-11-20",
        "amount": "1,200",
        "payee": "Eventbrite",
        "line": "2026-Q4/webinars",
    }
    return lambda: ledger.add_entry(ws, raw)


@recipe("ledger.correct_entry", kind="update")
def _entry_correct(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    entry = entry_in_open_month(ws)
    return lambda: ledger.correct_entry(ws, entry.id, {"amount": str(entry.amount // 100 + 7)})


@recipe("ledger.reverse_entry")
def _entry_reverse(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    entry = entry_in_open_month(ws)
    return lambda: ledger.reverse_entry(ws, entry.id, reason="Charged twice")


SPEND_ROWS = [
    (
        n,
        {
            "entry_date": f"2026-11-2{n}",
            "amount": str(10 * n),
            "payee": "Zoom",
            "line": "2026-Q4/webinars",
        },
    )
    for n in (2, 3, 4)
]


@recipe("ledger.import_spend", check="bulk")
def _spend_import(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    def call() -> Any:
        assert ledger.import_spend(ws, SPEND_ROWS, source="zoom.csv").written

    return call


@recipe("ledger.commit_import", check="bulk")
def _spend_commit(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    report = ledger.import_spend(ws, SPEND_ROWS, dry_run=True, source="zoom.csv")
    assert report.to_add == 3 and not report.written
    return lambda: ledger.commit_import(ws, report)


@recipe("ledger.close_period")
def _close(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: ledger.close_period(ws, ledger.ended_open_months(ws)[-1])


@recipe("ledger.reopen_period")
def _reopen(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    month = max(ledger.closes(ws))
    return lambda: ledger.reopen_period(ws, month, "A late invoice from the agency")


@recipe("ledger.save_profile")
def _profile_new(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: ledger.save_profile(ws, "Finance export", {"day_first": True, "amount": "Net"})


@recipe(
    "ledger.save_profile",
    "replace",
    kind="update",
)
def _profile_replace(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    ledger.save_profile(ws, "Finance export", {"day_first": True, "amount": "Net"})
    return lambda: ledger.save_profile(
        ws, "Finance export", {"day_first": False, "amount": "Gross"}
    )


# -- triage -------------------------------------------------------------------


@recipe("triage.snooze")
def _snooze(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    item = triage.inbox(ws)[0]
    return lambda: triage.snooze(ws, item.key, "2026-12-07", "Waiting for legal")


@recipe("triage.decide_renewal", kind="append")
def _renewal(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    tool = tool_id(ws, "HubSpot Marketing Hub")
    return lambda: triage.decide_renewal(ws, tool, "renegotiate", "Ask for fewer seats")


# -- undo ---------------------------------------------------------------------


@recipe("audit_log.undo_last", check="undo")
def _undo(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    tool = stack.get_by_name(ws, "Canva")
    stack.update(ws, tool.id, {"notes": "To be undone."}, tool.version)
    return lambda: audit_log.undo_last(ws)


@recipe("audit_log.undo_last", "spend", check="undo", kind="append")
def _undo_spend(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    _entry_add(ws, tmp)()
    return lambda: audit_log.undo_last(ws)


# -- whole workspaces ---------------------------------------------------------


@recipe("transfer.export_workspace", check="no-change")
def _export(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: transfer.export_workspace(ws, tmp / "export.json")


@recipe("transfer.import_workspace", check="restore", start="empty")
def _import(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    source = Workspace(source_url(tmp), actor="someone")
    try:
        transfer.export_workspace(source, tmp / "export.json")
    finally:
        source.close()
    doc = transfer.read_document((tmp / "export.json").read_bytes())
    return lambda: transfer.import_workspace(ws, doc)


@recipe("transfer.copy_workspace", check="restore", start="empty")
def _copy(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    scratch = tmp / "scratch"
    scratch.mkdir()

    def copy() -> Any:
        source = Workspace(source_url(tmp), actor="someone")
        try:
            return transfer.copy_workspace(source, ws, scratch)
        finally:
            source.close()

    return copy


@recipe("demo.load", check="generator", start="empty")
def _demo(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: demo.load(ws)


SMALL = scale.Scale(tools=50, kpis=24, briefs=70, entries=0, audit=0)


@recipe("scale.load_records", check="generator")
def _scale_records(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: scale.load_records(ws, SMALL)


@recipe("scale.load_spend", check="generator")
def _scale_spend(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    return lambda: scale.load_spend(ws, entries=40)


@recipe("scale.load_large", check="generator")
def _scale_large(ws: Workspace, tmp: Path) -> Callable[[], Any]:
    size = scale.Scale(tools=48, kpis=22, briefs=65, entries=2_700, audit=0)
    return lambda: scale.load_large(ws, size)


# ---------------------------------------------------------------------------
# Watching a recipe run: every table before and after, and the new audit entries
# ---------------------------------------------------------------------------

Snapshot = dict[str, dict[Any, dict[str, Any]]]


def source_url(tmp: Path) -> str:
    """The demo workspace a recipe that starts empty copies from: its URL, which
    ``workspace_for`` leaves in ``tmp``."""
    return (tmp / "source.url").read_text(encoding="utf-8")


def _one(ws: Workspace, sql: str) -> Any:
    conn = raw(ws)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _tables_and_keys(conn: Any, target: Any) -> dict[str, list[str]]:
    """Every table but ``alembic_version``, with the columns of its primary key."""
    if is_postgres(target):
        found = conn.execute(
            "SELECT t.table_name, k.column_name FROM information_schema.tables t "
            "JOIN information_schema.table_constraints c ON c.table_schema = t.table_schema "
            "AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY' "
            "JOIN information_schema.key_column_usage k ON k.table_schema = c.table_schema "
            "AND k.constraint_name = c.constraint_name "
            "WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
            "AND t.table_name <> 'alembic_version' ORDER BY t.table_name, k.ordinal_position"
        ).fetchall()
        keys: dict[str, list[str]] = {}
        for table, column in found:
            keys.setdefault(table, []).append(column)
        return keys
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'"
        )
    ]
    return {
        table: [r["name"] for r in conn.execute(f"PRAGMA table_info({table})") if r["pk"]]
        for table in tables
    }


def snapshot(target: Any) -> Snapshot:
    """Every row of every table (``alembic_version`` aside), by primary key."""
    conn = raw(target)
    conn.row_factory = sqlite3.Row
    try:
        out: Snapshot = {}
        for table, pk in _tables_and_keys(conn, target).items():
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            out[table] = {tuple(r[c] for c in pk): dict(r) for r in rows}
        return out
    finally:
        conn.close()


# Which record a row belongs to, as the audit log names it: (entity, id), and whether
# the table is that record's own (its main row) or a part of its history.
def record_of(table: str, row: dict[str, Any]) -> tuple[tuple[str, Any], bool]:
    if table == "spend_entries":
        if row["import_batch"]:
            return ("import", 0), False
        if row["reverses_id"] is not None:
            return ("spend", row["reverses_id"]), False
        if row["corrects_id"] is not None:
            return ("spend", row["corrects_id"]), False
        return ("spend", row["id"]), True
    main = {
        "people": "person",
        "tools": "tool",
        "integrations": "integration",
        "kpis": "kpi",
        "budget_lines": "budget_line",
        "period_closes": "period",
        "briefs": "brief",
        "snoozes": "inbox",
        "workspace_settings": "setting",
    }
    if table in main:
        key = row.get("id", row.get("key"))
        return (main[table], key), True
    part_of = {
        "kpi_versions": ("kpi", "kpi_id"),
        "brief_transitions": ("brief", "brief_id"),
        "renewal_decisions": ("tool", "tool_id"),
    }
    if table in part_of:
        entity, column = part_of[table]
        return (entity, row[column]), False
    if table == "import_profiles":
        return ("import_profile", 0), True
    raise AssertionError(f"the test does not know which record a row of {table} belongs to")


@dataclass
class Changes:
    kinds: dict[tuple[str, Any], str]  # record -> create, update, delete or append
    inserted: dict[str, list[dict[str, Any]]]
    entries: list[dict[str, Any]]  # the new audit entries


def changes(before: Snapshot, after: Snapshot) -> Changes:
    kinds: dict[tuple[str, Any], str] = {}
    inserted: dict[str, list[dict[str, Any]]] = {}
    rank = {"append": 0, "update": 1, "delete": 2, "create": 3}
    for table in after:
        if table == "audit_log":
            continue
        old, new = before.get(table, {}), after[table]
        ops = [("create", new[k]) for k in new.keys() - old.keys()]
        ops += [("delete", old[k]) for k in old.keys() - new.keys()]
        ops += [("update", new[k]) for k in new.keys() & old.keys() if new[k] != old[k]]
        inserted[table] = [row for op, row in ops if op == "create"]
        for op, row in ops:
            record, main = record_of(table, row)
            kind = op if main else "append"
            if rank[kind] > rank.get(kinds.get(record, "append"), -1) or record not in kinds:
                kinds[record] = kind
    fresh = after["audit_log"].keys() - before["audit_log"].keys()
    entries = sorted((after["audit_log"][k] for k in fresh), key=lambda r: r["id"])
    return Changes(kinds, inserted, entries)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def assert_who_and_when(entries: list[dict[str, Any]], actor: str = ACTOR) -> None:
    for e in entries:
        assert e["actor"] == actor, e
        assert datetime.fromisoformat(e["at"]) == NOW, e
        assert e["summary"].strip(), e


def assert_before_after(entry: dict[str, Any], kind: str) -> None:
    before, after = loads(entry["before_json"]), loads(entry["after_json"])
    what = f"{entry['entity']} {entry['entity_id']} {entry['action']}"
    if kind == "create":
        assert after and before is None, f"{what}: a creation records after only"
    elif kind == "delete":
        assert before, f"{what}: a removal records the record before"
    elif kind == "update":
        assert before and after, f"{what}: an edit records before and after"
        assert set(before) <= set(after) | set(before), what
    else:  # append: something added to the record's history
        assert after, f"{what}: an addition records what was added"


def check_one_per_record(found: Changes, recipe: Recipe) -> None:
    assert found.kinds, "the recipe changed nothing"
    named = Counter((e["entity"], e["entity_id"]) for e in found.entries)
    assert named == Counter(list(found.kinds)), (
        "each changed record needs exactly one audit entry naming it: "
        f"changed {sorted(found.kinds)}, logged {sorted(named.elements())}"
    )
    for e in found.entries:
        record = (e["entity"], e["entity_id"])
        assert_before_after(e, recipe.kind or found.kinds[record])


def check_bulk(found: Changes, recipe: Recipe) -> None:
    rows = found.inserted["spend_entries"]
    assert rows and all(r["import_batch"] for r in rows)
    assert set(found.kinds) == {("import", 0)}
    [entry] = found.entries
    assert (entry["entity"], entry["entity_id"], entry["action"]) == ("import", 0, "spend")
    after = loads(entry["after_json"])
    assert after["rows"] == len(rows)
    assert {after["batch"]} == {r["import_batch"] for r in rows}
    assert entry["before_json"] is None


def check_undo(found: Changes, recipe: Recipe, undone: dict[str, Any]) -> None:
    marker = [e for e in found.entries if e["action"] == "undo"]
    work = [e for e in found.entries if e["action"] != "undo"]
    assert len(marker) == 1, "an undo links the change it undid with one `undo` entry"
    check_one_per_record(Changes(found.kinds, found.inserted, work), recipe)
    link = loads(marker[0]["after_json"])
    assert link == {"undoes": undone["id"], "entries": [e["id"] for e in work]}
    assert (marker[0]["entity"], marker[0]["entity_id"]) == (undone["entity"], undone["entity_id"])


def check_generator(found: Changes, recipe: Recipe) -> None:
    """Generators replay made-up histories through (or like) the services: every
    record they create has its creation in the log, every entry names a record they
    changed, and every generated spend entry is counted by one summary entry."""
    logged = {(e["entity"], e["entity_id"]) for e in found.entries}
    created_actions = {"created", "imported", "closed"}
    born = {(e["entity"], e["entity_id"]) for e in found.entries if e["action"] in created_actions}
    for record, kind in found.kinds.items():
        if record[0] in ("import", "setting"):
            continue
        if kind == "create" and record[0] != "spend":
            assert record in born, f"{record} was created with no creation entry"
        else:
            assert record in logged or record[0] == "spend", f"{record} changed with no entry"
    for e in found.entries:
        record = (e["entity"], e["entity_id"])
        assert record in found.kinds or record == ("import", 0), f"{e} names nothing changed"
    # Every step of a new brief's history after its creation has its one entry.
    steps = Counter(t["brief_id"] for t in found.inserted.get("brief_transitions", []))
    moves = Counter(
        e["entity_id"] for e in found.entries if e["entity"] == "brief" and e["action"] in MOVES
    )
    for brief in found.inserted.get("briefs", []):
        assert moves[brief["id"]] == steps[brief["id"]] - 1, f"brief {brief['id']}"
    spend = [r for r in found.inserted.get("spend_entries", []) if r["kind"] != "reversal"]
    summaries = [e for e in found.entries if e["entity"] == "import"]
    counted = sum(
        int(loads(e["after_json"]).get("rows") or loads(e["after_json"]).get("entries") or 0)
        for e in summaries
    )
    single = [
        r
        for r in spend
        if not r["import_batch"] and ("spend", r["id"]) in logged and r["corrects_id"] is None
    ]
    corrected = [r for r in spend if r["corrects_id"] is not None]
    assert counted + len(single) + len(corrected) == len(spend), (
        f"{len(spend)} spend entries, {counted} counted by summaries, {len(single)} logged "
        f"one by one, {len(corrected)} corrections"
    )


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def test_every_public_service_function_is_classified() -> None:
    recipes = {r.function for r in RECIPES}
    public = set(public_functions())
    unlisted = sorted(public - READ_ONLY - recipes - set(EXEMPT))
    assert not unlisted, (
        "new public service functions: list each in READ_ONLY, or (if it writes) give it "
        f"a recipe in RECIPES: {unlisted}"
    )
    twice = sorted((READ_ONLY & recipes) | (READ_ONLY & set(EXEMPT)) | (recipes & set(EXEMPT)))
    assert not twice, f"listed twice: {twice}"
    gone = sorted((READ_ONLY | recipes | set(EXEMPT)) - public)
    assert not gone, f"listed but no longer public service functions: {gone}"


def test_the_read_only_functions_cannot_write() -> None:
    writing = {f: write_path(f) for f in READ_ONLY}
    assert not {f: p for f, p in writing.items() if p}, (
        "listed as read-only, but reach a transaction (function → … → transaction)"
    )


def test_every_function_that_can_write_has_a_recipe_or_a_reason() -> None:
    recipes = {r.function for r in RECIPES}
    for function in public_functions():
        if write_path(function) is not None:
            assert function in recipes or function in EXEMPT, function
    # The static check finds the writers it must (a sanity check of the walk itself).
    for function in ("stack.update", "ledger.import_spend", "audit_log.undo_last", "demo.load"):
        assert write_path(function) is not None, function


@pytest.fixture
def workspace_for(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[Recipe], Workspace]]:
    """Opens the workspace a recipe starts from, on the test's backend: a private copy of
    the demo, or a new migrated database (with the demo beside it, at ``source_url``)."""
    opened: list[Workspace] = []

    def make(r: Recipe) -> Workspace:
        demo_url = str(request.getfixturevalue("demo_url"))
        if r.start == "demo":
            url = demo_url
        else:
            if backend == "postgres":
                url = str(request.getfixturevalue("pg_migrated"))
            else:
                url = f"sqlite:///{tmp_path / 'audited.db'}"
                ensure_current(url)
            (tmp_path / "source.url").write_text(demo_url, encoding="utf-8")
        ws = Workspace(url, actor=ACTOR, now_fn=lambda: NOW)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.mark.parametrize(
    "r",
    [
        pytest.param(
            r, id=r.id, marks=[pytest.mark.xfail(strict=True, reason=r.xfail)] if r.xfail else []
        )
        for r in RECIPES
    ],
)
def test_each_change_is_audited_once_with_who_when_before_and_after(
    r: Recipe, workspace_for: Callable[[Recipe], Workspace], tmp_path: Path
) -> None:
    ws = workspace_for(r)
    call = r.prepare(ws, tmp_path)
    before = snapshot(ws)
    undone = None
    if r.check == "undo":
        mine = [e for e in before["audit_log"].values() if e["actor"] == ACTOR]
        undone = max(mine, key=lambda e: e["id"])
    call()
    after = snapshot(ws)
    found = changes(before, after)

    if r.check == "no-change":
        assert not found.kinds and not found.entries
        return
    if r.check == "restore":
        # The audit log arrives exactly as exported, with no entry of the import's own.
        source = snapshot(source_url(tmp_path))
        assert after == source
        return
    if r.check == "generator":
        # A made-up history is by the demo's people, at the times the story needs.
        for e in found.entries:
            assert e["actor"] and datetime.fromisoformat(e["at"]), e
    else:
        assert_who_and_when(found.entries)
    if r.check == "bulk":
        check_bulk(found, r)
    elif r.check == "undo":
        assert undone is not None
        check_undo(found, r, undone)
    elif r.check == "generator":
        check_generator(found, r)
    else:
        check_one_per_record(found, r)
