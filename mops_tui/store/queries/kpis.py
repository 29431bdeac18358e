"""KPI reads: list, count, look up, versions, and the KPIs a tool feeds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mops_tui.domain.kpis import KpiVersion, KpiView
from mops_tui.domain.text import fold
from mops_tui.store.reader import Reader, Row, as_date, as_datetime, in_clause, like_pattern

_SELECT = """
SELECT k.id, k.key, k.label, k.description, k.kind, k.definition, k.numerator,
       k.denominator, k.conversion, k.attribution_model, k.attribution_window_days,
       k.direction, k.target, k.decision, k.data_gaps, k.status, k.measure, k.mf_type,
       k.mf_params, k.mf_filter, k.deprecated_reason, k.current_version, k.version,
       k.updated_at, k.updated_by, k.data_source_id,
       p.handle AS owner, p.name AS owner_name,
       t.name AS data_source, t.status AS data_source_status,
       s.key AS successor
FROM kpis k
LEFT JOIN people p ON p.id = k.owner_id
LEFT JOIN tools t ON t.id = k.data_source_id
LEFT JOIN kpis s ON s.id = k.successor_id
"""

SORTS: dict[str, str] = {
    "key": "k.key",
    "label": "k.label",
    "kind": "k.kind",
    "owner": "p.name_key",
    "data_source": "t.name_key",
    "attribution": "k.attribution_model",
    "status": "CASE k.status WHEN 'active' THEN 1 WHEN 'draft' THEN 2 ELSE 3 END",
    "target": "k.target",
}


@dataclass(frozen=True)
class KpiFilter:
    text: str = ""
    status: tuple[str, ...] = ()
    owner: str | None = None
    source: str | None = None
    kind: str | None = None


def parse_filter(query: str) -> KpiFilter:
    """``roas status:active owner:ana source:hubspot kind:rate``."""
    words: list[str] = []
    status: list[str] = []
    owner = source = kind = None
    for term in query.split():
        key, sep, value = term.partition(":")
        key = key.lower()
        if sep and value:
            if key in ("status", "is", "s"):
                status.extend(v.lower() for v in value.split(","))
                continue
            if key in ("owner", "o"):
                owner = value.lower()
                continue
            if key in ("source", "src", "tool"):
                source = value
                continue
            if key == "kind":
                kind = value.lower()
                continue
        words.append(term)
    return KpiFilter(" ".join(words), tuple(status), owner, source, kind)


def _where(f: KpiFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, word in enumerate(f.text.split()):
        key = f"w{i}"
        clauses.append(
            f"(k.search_key LIKE :{key} ESCAPE '\\' OR p.name_key LIKE :{key} ESCAPE '\\' "
            f"OR t.search_key LIKE :{key} ESCAPE '\\')"
        )
        params[key] = like_pattern(fold(word))
    if f.status:
        sql, extra = in_clause("st", list(f.status))
        clauses.append(f"k.status IN {sql}")
        params.update(extra)
    if f.owner:
        escaped = like_pattern(fold(f.owner))[1:-1]
        clauses.append(
            "(p.handle = :own OR p.name_key LIKE :own_start ESCAPE '\\' "
            "OR p.name_key LIKE :own_word ESCAPE '\\')"
        )
        params.update(own=f.owner, own_start=f"{escaped}%", own_word=f"% {escaped}%")
    if f.source:
        clauses.append("t.search_key LIKE :src ESCAPE '\\'")
        params["src"] = like_pattern(fold(f.source))
    if f.kind:
        clauses.append("k.kind = :kind")
        params["kind"] = f.kind
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


_FROM = (
    "FROM kpis k LEFT JOIN people p ON p.id = k.owner_id "
    "LEFT JOIN tools t ON t.id = k.data_source_id"
)


def count_kpis(reader: Reader, f: KpiFilter) -> int:
    where, params = _where(f)
    return int(reader.scalar(f"SELECT COUNT(*) AS n {_FROM} {where}", params) or 0)


def list_kpis(
    reader: Reader,
    f: KpiFilter,
    sort: str = "key",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[KpiView]:
    where, params = _where(f)
    expr = SORTS.get(sort, SORTS["key"])
    direction = "DESC" if descending else "ASC"
    order = f"ORDER BY ({expr}) IS NULL, {expr} {direction}, k.key ASC"
    params.update(limit=limit, offset=offset)
    rows = reader.all(f"{_SELECT} {where} {order} LIMIT :limit OFFSET :offset", params)
    return [_view(r) for r in rows]


def kpi_by_key(reader: Reader, key: str) -> KpiView | None:
    rows = reader.all(f"{_SELECT} WHERE k.key = :key", {"key": key.strip()})
    return _view(rows[0]) if rows else None


def kpi_by_id(reader: Reader, kpi_id: int) -> KpiView | None:
    rows = reader.all(f"{_SELECT} WHERE k.id = :id", {"id": kpi_id})
    return _view(rows[0]) if rows else None


def kpi_statuses(reader: Reader, keys: Sequence[str]) -> dict[str, str]:
    if not keys:
        return {}
    sql, params = in_clause("k", list(keys))
    return {
        r["key"]: r["status"]
        for r in reader.all(f"SELECT key, status FROM kpis WHERE key IN {sql}", params)
    }


def predecessors(reader: Reader, kpi_id: int) -> list[Row]:
    return reader.all(
        "SELECT key, label FROM kpis WHERE successor_id = :id ORDER BY key", {"id": kpi_id}
    )


def versions(reader: Reader, kpi_id: int) -> list[KpiVersion]:
    rows = reader.all(
        "SELECT number, effective_on, author, summary, snapshot_json, created_at "
        "FROM kpi_versions WHERE kpi_id = :id ORDER BY number DESC",
        {"id": kpi_id},
    )
    out = []
    for r in rows:
        effective = as_date(r["effective_on"])
        assert effective is not None
        out.append(
            KpiVersion(
                number=r["number"],
                effective_on=effective,
                author=r["author"],
                summary=r["summary"],
                snapshot=json.loads(r["snapshot_json"]),
                created_at=as_datetime(r["created_at"]),
            )
        )
    return out


def kpi_keys(reader: Reader, status: Sequence[str] = ()) -> list[Row]:
    if status:
        sql, params = in_clause("st", list(status))
        return reader.all(
            f"SELECT id, key, label, status FROM kpis WHERE status IN {sql} ORDER BY key", params
        )
    return reader.all("SELECT id, key, label, status FROM kpis ORDER BY key")


def _view(r: Row) -> KpiView:
    return KpiView(
        id=r["id"],
        key=r["key"],
        label=r["label"],
        description=r["description"] or "",
        owner=r["owner"],
        owner_name=r["owner_name"],
        kind=r["kind"],
        definition=r["definition"] or "",
        numerator=r["numerator"] or "",
        denominator=r["denominator"] or "",
        conversion=r["conversion"] or "",
        attribution_model=r["attribution_model"],
        attribution_window_days=r["attribution_window_days"],
        direction=r["direction"],
        target=r["target"],
        decision=r["decision"] or "",
        data_gaps=r["data_gaps"] or "",
        data_source=r["data_source"],
        data_source_id=r["data_source_id"],
        data_source_status=r["data_source_status"],
        status=r["status"],
        measure=r["measure"],
        mf_type=r["mf_type"],
        mf_params=json.loads(r["mf_params"]) if r["mf_params"] else {},
        mf_filter=r["mf_filter"],
        deprecated_reason=r["deprecated_reason"],
        successor=r["successor"],
        current_version=r["current_version"],
        version=r["version"],
        updated_at=as_datetime(r["updated_at"]),
        updated_by=r["updated_by"],
    )


KPI_HISTORY = """
SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, a.after_json
FROM audit_log a
WHERE a.entity = 'kpi' AND a.entity_id = :id
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
"""
