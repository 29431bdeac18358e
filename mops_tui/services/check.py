"""``mops check``: every integrity rule across the areas, as a CI or cron job runs them.

Read-only and cheap: one SQL query per rule (``store/queries/check.py``), no Python
loop over the ledger. The rules' words are in ``domain/checks.py``.

``mops check --integrity`` adds the ledger-style integrity checks of
:data:`INTEGRITY_RULES` (as hledger's ``check`` does for a journal): the records'
own structure rather than the team's standards. Every spend entry links to records
that exist, its month is the month of its date, and money is stored as whole minor
units; every brief's transitions replay through the workflow to its status; every
KPI's versions run 1 to n with the current one last. (Reversals that point at no
entry and entries written into a month after its close are the standard rules
``reversal-broken`` and ``spend-after-close``.) Each is one SQL query too, the
slowest about 0.2 s on the large demo's 45,000 brief transitions; the failing records
they list are explained with a few more small queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mops_tui.domain import checks as rules
from mops_tui.domain.briefs import MOVES, status_label
from mops_tui.domain.checks import CheckFailure, CheckResult, Rule
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.text import single_line
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import check as q
from mops_tui.store.reader import Row

# How many failing records each rule lists by default (all of them are counted).
DEFAULT_LIMIT = 50


def rules_for(
    codes: Sequence[str] = (), areas: Sequence[str] = (), *, integrity: bool = False
) -> list[Rule]:
    """The rules to run: all, or those named by code or by area. The integrity rules
    run with ``integrity``, or when named by code."""
    unknown = [c for c in codes if c not in ALL_RULES]
    unknown_areas = [a for a in areas if a not in rules.AREAS]
    errors: list[FieldError] = []
    if unknown:
        errors.append(
            FieldError(
                "rule",
                f"no check is called {', '.join(unknown)}; the checks are: " + ", ".join(ALL_RULES),
            )
        )
    if unknown_areas:
        errors.append(
            FieldError(
                "area",
                f"no area is called {', '.join(unknown_areas)}; the areas are: "
                + ", ".join(rules.AREAS),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    pool = [*rules.RULES, *INTEGRITY_RULES]
    return [
        r
        for r in pool
        if (r.code in codes if codes else (integrity or r.code not in INTEGRITY))
        and (not areas or r.area in areas)
    ]


def run_check(ws: Workspace, rule: Rule, limit: int = DEFAULT_LIMIT) -> CheckResult:
    if rule.code in INTEGRITY:
        return _run_integrity(ws, rule, max(0, limit))
    query = q.QUERIES[rule.code]
    rows, total = q.run(ws.reader, rule.code, max(0, limit))
    failures = [rules.failure(rule.code, query.entity, row, ws.currency) for row in rows]
    return CheckResult(rule, failures, total)


def run_checks(
    ws: Workspace,
    *,
    codes: Sequence[str] = (),
    areas: Sequence[str] = (),
    limit: int = DEFAULT_LIMIT,
    integrity: bool = False,
) -> list[CheckResult]:
    """Run every integrity rule (or those named) and return one result per rule, in
    the order of :data:`mops_tui.domain.checks.RULES`, then (``integrity``) those of
    :data:`INTEGRITY_RULES`."""
    return [run_check(ws, rule, limit) for rule in rules_for(codes, areas, integrity=integrity)]


def as_json(results: Sequence[CheckResult]) -> dict[str, object]:
    failed = [r for r in results if not r.passed]
    return {
        "ok": not failed,
        "checks": len(results),
        "failed": len(failed),
        "summary": rules.summary(list(results)),
        "results": [r.as_json() for r in results],
    }


# ---------------------------------------------------------------------------
# mops check --integrity: the records' own structure, as hledger checks a journal
# ---------------------------------------------------------------------------

INTEGRITY_RULES: tuple[Rule, ...] = (
    Rule(
        "entry-links",
        "ledger",
        "Every spend entry links to records that exist",
        "An entry's budget line, tool, brief and the entry it corrects must exist: a "
        "link to nothing drops the money from the plan it belongs to, and a correction "
        "whose original was never reversed counts the money twice. Such links are "
        "written around mops (a script, a partial restore). Correct the entry with a "
        "reversal and a new entry on the right records.",
    ),
    Rule(
        "entry-month",
        "ledger",
        "Every spend entry is filed under the month of its date",
        "Reports, month closes and the close check go by an entry's month. An entry "
        "whose month is not the month of its date is counted in the wrong month and "
        "escapes that month's close. It was written around mops; reverse it and enter "
        "it again.",
    ),
    Rule(
        "whole-amounts",
        "ledger",
        "Money is stored as whole minor units",
        "mops keeps money as an integer number of minor units (pence, cents), never as "
        "a fraction or text, so totals are exact. A value stored any other way was "
        "written around mops and makes sums drift. Correct the record with the amount "
        "in minor units.",
    ),
    Rule(
        "brief-history",
        "briefs",
        "Every brief's history replays through the workflow to its status",
        "Each brief starts as a draft, and each transition moves it from where the last "
        "one left it, along a move the workflow allows (submit, approve, return, start, "
        "done, cancel), ending at the status it has now. A history that does not replay "
        "means a status was changed around the workflow, so its rules (lead time, "
        "approval, outcome) may have been skipped. Find out who changed it and why.",
    ),
    Rule(
        "kpi-versions",
        "kpis",
        "KPI versions run 1 to n, and the current version is the last",
        "Each change of an active KPI's meaning adds the next version, and the KPI "
        "names the newest as current; an active KPI has at least version 1. A gap, a "
        "duplicate or a current version that is not the newest means versions were "
        "removed or renumbered around mops, so an earlier meaning can no longer be read "
        "back. Restore the missing versions from a backup.",
    ),
)

INTEGRITY: frozenset[str] = frozenset(r.code for r in INTEGRITY_RULES)
ALL_RULES: dict[str, Rule] = {**rules.RULE_BY_CODE, **{r.code: r for r in INTEGRITY_RULES}}

# The money columns (BigInteger in ``store/models.py``; a test keeps this list whole):
# table, column, what the record is, its label and how a row is named.
MONEY_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("spend_entries", "amount", "spend", "payee"),
    ("budget_lines", "planned", "budget_line", "channel"),
    ("tools", "annual_cost", "tool", "name"),
    ("briefs", "budget_requested", "brief", "title"),
)


def _allowed_moves() -> tuple[str, dict[str, Any]]:
    """The workflow's moves as a SQL table of (from, to), with its parameters."""
    pairs = sorted({(source, m.target) for m in MOVES.values() for source in m.sources})
    params: dict[str, Any] = {}
    parts = []
    for i, (source, target) in enumerate(pairs):
        params[f"f{i}"], params[f"t{i}"] = source, target
        parts.append(
            f"SELECT CAST(:f{i} AS VARCHAR(12)) AS from_s, CAST(:t{i} AS VARCHAR(12)) AS to_s"
        )
    return " UNION ALL ".join(parts), params


def _entry_links_sql(ws: Workspace) -> tuple[str, dict[str, Any]]:
    return (
        """
        SELECT e.id, e.payee, e.line_id, e.tool_id, e.brief_id, e.corrects_id,
               l.id AS line_found, t.id AS tool_found, b.id AS brief_found,
               c.id AS corrected_found,
               (SELECT COUNT(*) FROM spend_entries r WHERE r.reverses_id = e.corrects_id)
                 AS corrected_reversals
        FROM spend_entries e
        LEFT JOIN budget_lines l ON l.id = e.line_id
        LEFT JOIN tools t ON t.id = e.tool_id
        LEFT JOIN briefs b ON b.id = e.brief_id
        LEFT JOIN spend_entries c ON c.id = e.corrects_id
        WHERE l.id IS NULL
           OR (e.tool_id IS NOT NULL AND t.id IS NULL)
           OR (e.brief_id IS NOT NULL AND b.id IS NULL)
           OR (e.corrects_id IS NOT NULL AND (c.id IS NULL OR NOT EXISTS (
                SELECT 1 FROM spend_entries r WHERE r.reverses_id = e.corrects_id)))
        """,
        {},
    )


def _entry_month_sql(ws: Workspace) -> tuple[str, dict[str, Any]]:
    return (
        """
        SELECT e.id, e.payee, e.entry_date, e.month
        FROM spend_entries e
        WHERE e.month IS NULL
           OR e.month <> SUBSTR(CAST(e.entry_date AS VARCHAR(10)), 1, 7)
        """,
        {},
    )


def _whole_amounts_sql(ws: Workspace) -> tuple[str, dict[str, Any]]:
    parts = [
        f"SELECT '{entity}' AS entity, x.id, x.{named} AS name, '{column}' AS field, "
        f"typeof(x.{column}) AS stored, x.{column} AS value "
        f"FROM {table} x WHERE typeof(x.{column}) NOT IN ('integer', 'null')"
        for table, column, entity, named in MONEY_COLUMNS
    ]
    return " UNION ALL ".join(parts), {}


def _brief_history_sql(ws: Workspace) -> tuple[str, dict[str, Any]]:
    allowed, params = _allowed_moves()
    sql = f"""
        WITH allowed AS ({allowed}),
        steps AS (
          SELECT t.brief_id, t.from_status, t.to_status,
                 LAG(t.to_status) OVER (PARTITION BY t.brief_id ORDER BY t.at, t.id)
                   AS prev_to,
                 ROW_NUMBER() OVER (PARTITION BY t.brief_id ORDER BY t.at, t.id) AS step,
                 ROW_NUMBER() OVER (PARTITION BY t.brief_id ORDER BY t.at DESC, t.id DESC)
                   AS back
          FROM brief_transitions t
        ),
        bad AS (
          SELECT s.brief_id FROM steps s
          WHERE (s.step = 1 AND (s.from_status IS NOT NULL OR s.to_status <> 'draft'))
             OR (s.step > 1 AND (s.from_status IS NULL OR s.from_status <> s.prev_to
                 OR NOT EXISTS (SELECT 1 FROM allowed a
                                WHERE a.from_s = s.from_status AND a.to_s = s.to_status)))
        )
        SELECT b.id, b.title, b.status, l.to_status AS last_status
        FROM briefs b
        LEFT JOIN steps l ON l.brief_id = b.id AND l.back = 1
        WHERE l.brief_id IS NULL OR l.to_status <> b.status
           OR b.id IN (SELECT brief_id FROM bad)
        """
    return sql, params


def _kpi_versions_sql(ws: Workspace) -> tuple[str, dict[str, Any]]:
    return (
        """
        SELECT k.id, k.key, k.status, k.current_version, COALESCE(v.n, 0) AS versions,
               v.lo, v.hi
        FROM kpis k
        LEFT JOIN (SELECT kpi_id, COUNT(*) AS n, MIN(number) AS lo, MAX(number) AS hi
                   FROM kpi_versions GROUP BY kpi_id) v ON v.kpi_id = k.id
        WHERE k.current_version <> COALESCE(v.hi, 0)
           OR COALESCE(v.lo, 1) <> 1
           OR COALESCE(v.n, 0) <> COALESCE(v.hi, 0)
           OR (k.status = 'active' AND COALESCE(v.n, 0) = 0)
        """,
        {},
    )


def _text(value: Any, limit: int = 60) -> str:
    text = single_line(str(value or ""))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(value: Any) -> str:
    return "no date" if value in (None, "") else str(value)[:10]


def _entry_name(r: Mapping[str, Any]) -> str:
    return f"#{r['id']} {_text(r.get('payee'), 40)}"


def _describe_links(ws: Workspace, r: Row) -> tuple[str, str]:
    why = []
    if r["line_found"] is None:
        why.append(f"its budget line #{r['line_id']} does not exist")
    if r["tool_id"] is not None and r["tool_found"] is None:
        why.append(f"its tool #{r['tool_id']} does not exist")
    if r["brief_id"] is not None and r["brief_found"] is None:
        why.append(f"its brief #{r['brief_id']} does not exist")
    if r["corrects_id"] is not None:
        if r["corrected_found"] is None:
            why.append(f"it corrects entry #{r['corrects_id']}, which does not exist")
        elif not r["corrected_reversals"]:
            why.append(
                f"it corrects entry #{r['corrects_id']}, which was never reversed, so both count"
            )
    return _entry_name(r), "; ".join(why)


def _describe_month(ws: Workspace, r: Row) -> tuple[str, str]:
    return _entry_name(r), (
        f"dated {_day(r['entry_date'])} but filed under month {r['month'] or 'none'}"
    )


def _describe_amount(ws: Workspace, r: Row) -> tuple[str, str]:
    entity = r["entity"]
    if entity == "spend":
        name = _entry_name({"id": r["id"], "payee": r["name"]})
    elif entity in ("brief", "budget_line"):
        name = f"#{r['id']} {_text(r['name'], 50)}"
    else:
        name = _text(r["name"], 60)
    value = repr(r["value"]) if isinstance(r["value"], str) else str(r["value"])
    field = str(r["field"]).replace("_", " ")
    return name, (
        f"its {field} is stored as {r['stored']} {value}, not as a whole number of minor units"
    )


def _history_problem(steps: list[Row], status: str) -> str:
    """The first way a brief's history fails to replay to ``status``."""
    if not steps:
        return f"has no history: no transition records how it became {status_label(status)}"
    allowed = {(source, m.target) for m in MOVES.values() for source in m.sources}
    previous: str | None = None
    for number, step in enumerate(steps, start=1):
        source, target = step["from_status"], step["to_status"]
        where = f"step {number} (transition #{step['id']})"
        shown = f"{status_label(source) if source else 'nothing'} → {status_label(target)}"
        if number == 1:
            if source is not None or target != "draft":
                return f"its history starts with {shown}; a brief starts as a draft"
        elif source != previous:
            return (
                f"{where} moves it from {status_label(source) if source else 'nothing'}, "
                f"but step {number - 1} left it {status_label(previous or '')}"
            )
        elif (source, target) not in allowed:
            return f"{where}: {shown} is not a move the workflow allows"
        previous = target
    if previous != status:
        return (
            f"its history ends at {status_label(previous or '')}, but the brief is "
            f"{status_label(status)}"
        )
    return "its history does not replay"  # pragma: no cover (the query found a fault)


def _describe_history(ws: Workspace, r: Row) -> tuple[str, str]:
    steps = ws.reader.all(
        "SELECT id, from_status, to_status FROM brief_transitions WHERE brief_id = :id "
        "ORDER BY at, id",
        {"id": r["id"]},
    )
    return f"#{r['id']} {_text(r['title'], 50)}", _history_problem(steps, r["status"])


def _describe_versions(ws: Workspace, r: Row) -> tuple[str, str]:
    numbers = [
        int(n["number"])
        for n in ws.reader.all(
            "SELECT number FROM kpi_versions WHERE kpi_id = :id ORDER BY number", {"id": r["id"]}
        )
    ]
    current = int(r["current_version"] or 0)
    listed = ", ".join(str(n) for n in numbers) if numbers else "none"
    why = []
    if numbers != list(range(1, len(numbers) + 1)):
        why.append(f"its versions are {listed}, not 1 to {len(numbers)}")
    if current != (max(numbers) if numbers else 0):
        newest = f"the newest is {max(numbers)}" if numbers else "it has none"
        why.append(f"its current version is {current}, but {newest}")
    if r["status"] == "active" and not numbers:
        why.append("it is active with no version")
    return str(r["key"]), "; ".join(why)


@dataclass(frozen=True)
class _IntegrityQuery:
    entity: str  # what the failing records are (a query may say per row, as ``entity``)
    sql: Callable[[Workspace], tuple[str, dict[str, Any]]]
    order: str
    describe: Callable[[Workspace, Row], tuple[str, str]]
    sqlite_only: bool = False  # elsewhere the column types alone enforce the rule


_INTEGRITY_QUERIES: dict[str, _IntegrityQuery] = {
    "entry-links": _IntegrityQuery("spend", _entry_links_sql, "id", _describe_links),
    "entry-month": _IntegrityQuery("spend", _entry_month_sql, "id", _describe_month),
    "whole-amounts": _IntegrityQuery(
        "spend", _whole_amounts_sql, "entity, id", _describe_amount, sqlite_only=True
    ),
    "brief-history": _IntegrityQuery("brief", _brief_history_sql, "id", _describe_history),
    "kpi-versions": _IntegrityQuery("kpi", _kpi_versions_sql, "key", _describe_versions),
}


def _run_integrity(ws: Workspace, rule: Rule, limit: int) -> CheckResult:
    query = _INTEGRITY_QUERIES[rule.code]
    if query.sqlite_only and not ws.reader.is_sqlite:
        return CheckResult(rule, [], 0)
    sql, params = query.sql(ws)
    rows = ws.reader.all(
        f"SELECT * FROM ({sql}) f ORDER BY {query.order} LIMIT :limit",
        {**params, "limit": limit + 1},
    )
    total = len(rows)
    if total > limit:
        rows = rows[:limit]
        total = int(ws.reader.scalar(f"SELECT COUNT(*) AS n FROM ({sql}) f", params) or 0)
    failures = []
    for row in rows:
        name, why = query.describe(ws, row)
        failures.append(
            CheckFailure(str(row.get("entity") or query.entity), int(row["id"]), name, why)
        )
    return CheckResult(rule, failures, total)
