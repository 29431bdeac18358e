"""Audit-log reads: a record's history, the whole log as a filtered list, and what
undo needs to find the user's last change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mops_tui.store.reader import Reader, Row, in_clause, like_pattern

TOOL_HISTORY = """
SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json
FROM audit_log a
WHERE (a.entity = 'tool' AND a.entity_id = :id)
   OR (a.entity = 'integration' AND a.entity_id IN (
        SELECT i.id FROM integrations i WHERE i.source_id = :id OR i.target_id = :id))
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
"""

RECENT = """
SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json
FROM audit_log a
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
"""


# ---------------------------------------------------------------------------
# The audit log as a list: filter, sort, page (newest first by default)
# ---------------------------------------------------------------------------

_COLUMNS = (
    "a.id, a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json"
)

# Sortable columns: the table's column key -> ORDER BY expressions. Ties go newest first.
SORTS: dict[str, str] = {
    "at": "a.at {dir}, a.id {dir}",
    "actor": "a.actor {dir}, a.at DESC, a.id DESC",
    "area": "a.entity {dir}, a.at DESC, a.id DESC",
    "action": "a.action {dir}, a.at DESC, a.id DESC",
    "summary": "a.summary {dir}, a.at DESC, a.id DESC",
    "id": "a.id {dir}",
}


@dataclass(frozen=True)
class AuditFilter:
    """Who, which areas (entity names), which days, and words in the summary."""

    actors: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    entity_id: int | None = None
    starts_on: date | None = None  # inclusive
    ends_on: date | None = None  # inclusive
    words: tuple[str, ...] = ()


def _where(f: AuditFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for name, column, values in (
        ("act", "a.actor", f.actors),
        ("ent", "a.entity", f.entities),
        ("acn", "a.action", f.actions),
    ):
        if values:
            sql, p = in_clause(name, list(values))
            clauses.append(f"{column} IN {sql}")
            params.update(p)
    if f.entity_id is not None:
        clauses.append("a.entity_id = :entity_id")
        params["entity_id"] = f.entity_id
    if f.starts_on is not None:
        clauses.append("a.at >= :starts")
        params["starts"] = datetime.combine(f.starts_on, time.min)
    if f.ends_on is not None:
        clauses.append("a.at < :ends")
        params["ends"] = datetime.combine(f.ends_on + timedelta(days=1), time.min)
    for i, word in enumerate(f.words):
        # Both databases lower-case ASCII alike; the pattern is lower-cased to match.
        clauses.append(f"LOWER(a.summary) LIKE :w{i} ESCAPE '\\'")
        params[f"w{i}"] = like_pattern(word.lower())
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _param_time(value: datetime) -> str:
    return value.isoformat(sep=" ")


def count_entries(reader: Reader, f: AuditFilter) -> int:
    where, params = _where(f)
    params = _times(reader, params)
    return int(reader.scalar(f"SELECT COUNT(*) AS n FROM audit_log a {where}", params) or 0)


def list_entries(
    reader: Reader,
    f: AuditFilter,
    sort: str = "at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[Row]:
    where, params = _where(f)
    params = _times(reader, params)
    order = SORTS.get(sort, SORTS["at"]).format(dir="DESC" if descending else "ASC")
    params.update(limit=limit, offset=offset)
    return reader.all(
        f"SELECT {_COLUMNS} FROM audit_log a {where} ORDER BY {order} LIMIT :limit OFFSET :offset",
        params,
    )


def _times(reader: Reader, params: dict[str, Any]) -> dict[str, Any]:
    """SQLite stores times as ISO text (``2026-11-29 09:00:00.000000``): compare text
    with text there; PostgreSQL compares real timestamps."""
    if not reader.is_sqlite:
        return params
    return {k: _param_time(v) if isinstance(v, datetime) else v for k, v in params.items()}


def entry_by_id(reader: Reader, entry_id: int) -> Row | None:
    return reader.one(f"SELECT {_COLUMNS} FROM audit_log a WHERE a.id = :id", {"id": entry_id})


def actors(reader: Reader) -> list[str]:
    return [r["actor"] for r in reader.all("SELECT DISTINCT actor FROM audit_log ORDER BY actor")]


# -- for undo --------------------------------------------------------------------


def entries_of_actor(reader: Reader, actor: str, offset: int, limit: int) -> list[Row]:
    """The actor's entries, the last written first (ids follow the order of writing)."""
    return reader.all(
        f"SELECT {_COLUMNS} FROM audit_log a WHERE a.actor = :actor "
        "ORDER BY a.id DESC LIMIT :limit OFFSET :offset",
        {"actor": actor, "limit": limit, "offset": offset},
    )


def undo_markers(reader: Reader, actor: str) -> list[Row]:
    return reader.all(
        "SELECT a.id, a.after_json FROM audit_log a WHERE a.actor = :actor AND a.action = 'undo'",
        {"actor": actor},
    )


def later_by_others(
    reader: Reader, entity: str, entity_id: int, after_id: int, actor: str
) -> Row | None:
    """The latest change to the record made by someone else after entry ``after_id``."""
    return reader.one(
        f"SELECT {_COLUMNS} FROM audit_log a WHERE a.entity = :entity AND a.entity_id = :eid "
        "AND a.id > :after AND a.actor <> :actor ORDER BY a.id DESC LIMIT 1",
        {"entity": entity, "eid": entity_id, "after": after_id, "actor": actor},
    )


def last_id(reader: Reader) -> int:
    return int(reader.scalar("SELECT MAX(id) AS n FROM audit_log") or 0)


def written_since(
    reader: Reader, after_id: int, actor: str, entity: str, entity_id: int
) -> list[int]:
    rows = reader.all(
        "SELECT a.id FROM audit_log a WHERE a.id > :after AND a.actor = :actor "
        "AND a.entity = :entity AND a.entity_id = :eid ORDER BY a.id",
        {"after": after_id, "actor": actor, "entity": entity, "eid": entity_id},
    )
    return [r["id"] for r in rows]


# -- how people name the record an entry is about ---------------------------------

RECORD_LABELS: dict[str, str] = {
    "tool": "SELECT name AS label FROM tools WHERE id = :id",
    "kpi": "SELECT key AS label FROM kpis WHERE id = :id",
    "brief": "SELECT title AS label FROM briefs WHERE id = :id",
    "person": "SELECT name AS label FROM people WHERE id = :id",
    "period": "SELECT month AS label FROM period_closes WHERE id = :id",
    "budget_line": ("SELECT period AS label, channel, campaign FROM budget_lines WHERE id = :id"),
    "spend": ("SELECT payee AS label, amount, entry_date, kind FROM spend_entries WHERE id = :id"),
    "integration": (
        "SELECT s.name AS label, d.name AS target, i.data, i.removed_at, i.removed_by "
        "FROM integrations i JOIN tools s ON s.id = i.source_id "
        "JOIN tools d ON d.id = i.target_id WHERE i.id = :id"
    ),
}


def record_row(reader: Reader, entity: str, entity_id: int) -> Row | None:
    sql = RECORD_LABELS.get(entity)
    if sql is None:
        return None
    return reader.one(sql, {"id": entity_id})


def spend_of_batch(reader: Reader, batch: str) -> list[Row]:
    return reader.all(
        "SELECT e.id FROM spend_entries e WHERE e.import_batch = :batch ORDER BY e.id",
        {"batch": batch},
    )
