"""The SQL behind ``mops check``: one portable query per integrity rule.

Each query selects the failing records only, so a clean workspace costs a handful of
indexed lookups and a few scans, even with 100,000 spend entries. ``run`` wraps a
query to list the first records in a stable order, and counts them all only when
there are more than it lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mops_tui.store.reader import Reader, Row


@dataclass(frozen=True)
class RuleQuery:
    entity: str  # what the failing records are (a query may say per row, as ``entity``)
    sql: str  # a SELECT of the failing records, without ORDER BY or LIMIT
    order: str  # columns of that SELECT to list them by


QUERIES: dict[str, RuleQuery] = {
    "tool-incomplete": RuleQuery(
        "tool",
        """
        SELECT t.id, t.name, t.name_key, t.status, t.owner_id, t.annual_cost, t.renewal_date
        FROM tools t
        WHERE t.status IN ('active', 'under_review', 'decommissioning')
          AND (t.owner_id IS NULL OR t.annual_cost IS NULL OR t.renewal_date IS NULL)
        """,
        "name_key, id",
    ),
    "personal-data-no-dpa": RuleQuery(
        "tool",
        """
        SELECT t.id, t.name, t.name_key, t.dpa_signed_on, t.data_region
        FROM tools t
        WHERE t.status = 'active' AND t.holds_personal_data = :yes
          AND (t.dpa_signed_on IS NULL OR t.data_region IS NULL OR t.data_region = '')
        """,
        "name_key, id",
    ),
    "personal-flow-no-dpa": RuleQuery(
        "integration",
        """
        SELECT i.id, s.name AS source, d.name AS target, d.name_key AS target_key, i.data
        FROM integrations i
        JOIN tools s ON s.id = i.source_id
        JOIN tools d ON d.id = i.target_id
        WHERE i.removed_at IS NULL AND i.personal = :yes AND d.dpa_signed_on IS NULL
        """,
        "target_key, id",
    ),
    "spend-on-retired-tool": RuleQuery(
        "spend",
        """
        SELECT e.id, e.payee, e.amount, e.entry_date, t.name AS tool, t.retired_on
        FROM tools t
        JOIN spend_entries e ON e.tool_id = t.id
        WHERE t.status = 'retired' AND e.kind = 'spend'
          AND (t.retired_on IS NULL OR e.entry_date > t.retired_on)
          AND NOT EXISTS (SELECT 1 FROM spend_entries r WHERE r.reverses_id = e.id)
        """,
        "entry_date, id",
    ),
    "kpi-source-retired": RuleQuery(
        "kpi",
        """
        SELECT k.id, k.key, t.name AS tool, t.retired_on
        FROM kpis k
        JOIN tools t ON t.id = k.data_source_id
        WHERE k.status = 'active' AND t.status = 'retired'
        """,
        "key",
    ),
    "kpi-undecided": RuleQuery(
        "kpi",
        """
        SELECT k.id, k.key, k.decision, k.data_gaps
        FROM kpis k
        WHERE k.status = 'active'
          AND (k.decision IS NULL OR TRIM(k.decision) = ''
               OR k.data_gaps IS NULL OR TRIM(k.data_gaps) = '')
        """,
        "key",
    ),
    "brief-kpi-deprecated": RuleQuery(
        "brief",
        """
        SELECT b.id, b.title, k.key AS kpi, s.key AS successor
        FROM briefs b
        JOIN kpis k ON k.id = b.kpi_id
        LEFT JOIN kpis s ON s.id = k.successor_id
        WHERE b.status = 'in_flight' AND k.status = 'deprecated'
        """,
        "id",
    ),
    "brief-approved-kpi-inactive": RuleQuery(
        "brief",
        """
        SELECT b.id, b.title, k.key AS kpi, k.status AS kpi_status
        FROM briefs b
        LEFT JOIN kpis k ON k.id = b.kpi_id
        WHERE b.status = 'approved' AND (k.id IS NULL OR k.status <> 'active')
        """,
        "id",
    ),
    "brief-done-no-outcome": RuleQuery(
        "brief",
        """
        SELECT b.id, b.title, b.status_since
        FROM briefs b
        WHERE b.status = 'done'
          AND (b.outcome_result IS NULL OR TRIM(b.outcome_result) = '')
          AND (b.outcome_reason IS NULL OR TRIM(b.outcome_reason) = '')
        """,
        "id",
    ),
    "spend-outside-line": RuleQuery(
        "spend",
        """
        SELECT e.id, e.payee, e.entry_date, l.period, l.channel, l.starts_on, l.ends_on
        FROM spend_entries e
        JOIN budget_lines l ON l.id = e.line_id
        WHERE e.entry_date < l.starts_on OR e.entry_date > l.ends_on
        """,
        "entry_date, id",
    ),
    # Written after a close of its month, and not while that close was lifted. (A month
    # closed again after a reopen has a second row, which this checks on its own.)
    "spend-after-close": RuleQuery(
        "spend",
        """
        SELECT e.id, e.payee, e.entry_date, e.month, e.created_at, e.created_by,
               c.closed_at, c.closed_by
        FROM period_closes c
        JOIN spend_entries e ON e.month = c.month
        WHERE e.created_at > c.closed_at
          AND (c.reopened_at IS NULL OR e.created_at < c.reopened_at)
        """,
        "entry_date, id",
    ),
    "reversal-broken": RuleQuery(
        "spend",
        """
        SELECT r.id, r.payee, r.amount, r.reverses_id, o.kind AS original_kind,
               o.amount AS original_amount,
               (SELECT COUNT(*) FROM spend_entries x WHERE x.reverses_id = r.reverses_id)
                 AS reversals
        FROM spend_entries r
        LEFT JOIN spend_entries o ON o.id = r.reverses_id
        WHERE (r.kind = 'reversal' OR r.reverses_id IS NOT NULL)
          AND (r.reverses_id IS NULL OR o.id IS NULL OR o.kind = 'reversal'
               OR r.amount <> -o.amount
               OR (SELECT COUNT(*) FROM spend_entries x WHERE x.reverses_id = r.reverses_id) > 1)
        """,
        "id",
    ),
    "line-negative-plan": RuleQuery(
        "budget_line",
        """
        SELECT l.id, l.period, l.channel, l.campaign, l.planned, l.starts_on
        FROM budget_lines l
        WHERE l.planned < 0
        """,
        "starts_on, id",
    ),
    "audit-gap": RuleQuery(
        "tool",
        """
        SELECT 'tool' AS entity, t.id, t.name, t.created_at, t.created_by
        FROM tools t
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'tool'
                          AND a.entity_id = t.id AND a.action IN ('created', 'imported'))
        UNION ALL
        SELECT 'kpi' AS entity, k.id, k.key AS name, k.created_at, k.created_by
        FROM kpis k
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'kpi'
                          AND a.entity_id = k.id AND a.action IN ('created', 'imported'))
        UNION ALL
        SELECT 'brief' AS entity, b.id, b.title AS name, b.created_at, b.created_by
        FROM briefs b
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'brief'
                          AND a.entity_id = b.id AND a.action IN ('created', 'imported'))
        """,
        "entity, id",
    ),
}

PARAMS: dict[str, Any] = {"yes": True}


def run(reader: Reader, code: str, limit: int) -> tuple[list[Row], int]:
    """The first ``limit`` failing records of rule ``code``, and how many fail in all."""
    query = QUERIES[code]
    rows = reader.all(
        f"SELECT * FROM ({query.sql}) f ORDER BY {query.order} LIMIT :limit",
        {**PARAMS, "limit": limit + 1},
    )
    if len(rows) <= limit:
        return rows, len(rows)
    total = reader.scalar(f"SELECT COUNT(*) AS n FROM ({query.sql}) f", PARAMS)
    return rows[:limit], int(total or 0)
