"""Reads for the monthly operations report: what moved in a month.

Portable SQL with ``:name`` parameters; times and dates are compared as ISO text
(``2026-11-01 00:00:00``), as the other queries do.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mops_tui.store.reader import Reader, Row


def _span(start: date, end: date) -> dict[str, Any]:
    """``[start 00:00, end + 1 day 00:00)`` as text both databases compare."""
    return {
        "start": f"{start.isoformat()} 00:00:00",
        "end": f"{(end + timedelta(days=1)).isoformat()} 00:00:00",
    }


def brief_moves(reader: Reader, to_status: str, start: date, end: date) -> list[Row]:
    """Briefs that moved to ``to_status`` between ``start`` and ``end`` (inclusive), with
    the move's time, actor, origin and comment; the latest such move of each brief."""
    params = _span(start, end) | {"to": to_status}
    rows = reader.all(
        "SELECT t.brief_id, t.at, t.actor, t.from_status, t.comment FROM brief_transitions t "
        "WHERE t.to_status = :to AND t.at >= :start AND t.at < :end "
        "ORDER BY t.at, t.id",
        params,
    )
    latest: dict[int, Row] = {}
    for r in rows:
        latest[int(r["brief_id"])] = r
    return list(latest.values())


def renewal_decisions(reader: Reader) -> list[Row]:
    """Every recorded renewal decision, oldest first (a later one supersedes)."""
    return reader.all(
        "SELECT d.tool_id, d.renewal_date, d.decision, d.note, d.decided_at, d.decided_by "
        "FROM renewal_decisions d ORDER BY d.decided_at, d.id"
    )


def kpi_versions_effective(reader: Reader, start: date, end: date) -> list[Row]:
    """KPI versions (version 1 is the activation) in force from a day in the span."""
    return reader.all(
        "SELECT k.id AS kpi_id, k.key, k.label, k.status, v.number, v.effective_on, "
        "v.author, v.summary FROM kpi_versions v JOIN kpis k ON k.id = v.kpi_id "
        "WHERE v.effective_on >= :start AND v.effective_on <= :end "
        "ORDER BY v.effective_on, k.key, v.number",
        {"start": start.isoformat(), "end": end.isoformat()},
    )


def kpi_status_audit(reader: Reader, start: date, end: date) -> list[Row]:
    """Audit entries of KPI status changes and imports in the span."""
    return reader.all(
        "SELECT a.at, a.actor, a.entity_id AS kpi_id, a.action, a.summary, a.after_json, "
        "k.key, k.label, k.status FROM audit_log a JOIN kpis k ON k.id = a.entity_id "
        "WHERE a.entity = 'kpi' AND a.action IN ('status', 'imported') "
        "AND a.at >= :start AND a.at < :end ORDER BY a.at, a.id",
        _span(start, end),
    )


def period_closes(reader: Reader) -> list[Row]:
    """Every close, including reopened ones (rows are never deleted)."""
    return reader.all(
        "SELECT id, month, closed_at, closed_by, reopened_at, reopened_by, reopen_reason "
        "FROM period_closes ORDER BY closed_at, id"
    )
