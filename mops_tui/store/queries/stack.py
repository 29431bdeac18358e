"""Stack reads: list, count, look up and detail of tools, their integrations, people.

Every statement is portable SQL with ``:name`` parameters. Text matching compares
Python-casefolded ``*_key`` columns with a casefolded pattern, so it behaves the same
on SQLite (whose ``LOWER`` knows only ASCII) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mops_tui.domain.text import fold, key_of
from mops_tui.domain.tools import ToolView
from mops_tui.store.reader import (
    Reader,
    Row,
    as_bool,
    as_date,
    as_datetime,
    in_clause,
    like_pattern,
)

_SELECT = """
SELECT t.id, t.name, t.vendor, t.category, t.purpose, t.status, t.annual_cost,
       t.billing_cycle, t.renewal_date, t.auto_renew, t.notice_days, t.seats_bought,
       t.seats_used, t.holds_personal_data, t.dpa_signed_on, t.data_region,
       t.last_reviewed_on, t.retired_on, t.retired_reason, t.website, t.notes, t.version,
       t.created_at, t.updated_at, t.updated_by,
       p.handle AS owner, p.name AS owner_name,
       (SELECT COUNT(*) FROM integrations i
         WHERE i.source_id = t.id AND i.removed_at IS NULL) AS integrations_out,
       (SELECT COUNT(*) FROM integrations i
         WHERE i.target_id = t.id AND i.removed_at IS NULL) AS integrations_in,
       (SELECT COUNT(*) FROM kpis k
         WHERE k.data_source_id = t.id AND k.status <> 'deprecated') AS kpi_count
FROM tools t
LEFT JOIN people p ON p.id = t.owner_id
"""

# Sortable columns: the table's column key -> an ORDER BY expression.
SORTS: dict[str, str] = {
    "name": "t.name_key",
    "vendor": "t.vendor",
    "category": "t.category",
    "owner": "p.name_key",
    "status": (
        "CASE t.status WHEN 'evaluating' THEN 1 WHEN 'active' THEN 2 "
        "WHEN 'under_review' THEN 3 WHEN 'decommissioning' THEN 4 ELSE 5 END"
    ),
    "annual_cost": "t.annual_cost",
    "renewal_date": "t.renewal_date",
    "cancel_by": "t.cancel_by",
    "utilisation": ("CASE WHEN t.seats_bought > 0 THEN (t.seats_used * 1.0) / t.seats_bought END"),
    "seats": "t.seats_bought",
}


@dataclass(frozen=True)
class ToolFilter:
    """Free text (name, vendor, category, owner) plus optional ``key:value`` terms."""

    text: str = ""
    status: tuple[str, ...] = ()
    category: str | None = None
    owner: str | None = None
    include_retired: bool = True


def parse_filter(query: str) -> ToolFilter:
    """``hub status:active owner:ana cat:crm`` → a ToolFilter.

    Unknown ``key:value`` terms are searched as plain text, so a name containing a
    colon still matches.
    """
    words: list[str] = []
    status: list[str] = []
    category: str | None = None
    owner: str | None = None
    for term in query.split():
        key, sep, value = term.partition(":")
        key = key.lower()
        if sep and value:
            if key in ("status", "is", "s"):
                status.extend(v.strip().lower().replace("-", "_") for v in value.split(","))
                continue
            if key in ("cat", "category"):
                category = value
                continue
            if key in ("owner", "o"):
                owner = value.lower()
                continue
        words.append(term)
    return ToolFilter(text=" ".join(words), status=tuple(status), category=category, owner=owner)


def _where(f: ToolFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, word in enumerate(f.text.split()):
        key = f"w{i}"
        clauses.append(
            f"(t.search_key LIKE :{key} ESCAPE '\\' OR p.name_key LIKE :{key} ESCAPE '\\' "
            f"OR p.handle LIKE :{key} ESCAPE '\\')"
        )
        params[key] = like_pattern(fold(word))
    if f.status:
        sql, extra = in_clause("st", list(f.status))
        clauses.append(f"t.status IN {sql}")
        params.update(extra)
    if f.category:
        # Categories are a fixed ASCII vocabulary, so LOWER() agrees on both databases.
        clauses.append("LOWER(t.category) LIKE :cat ESCAPE '\\'")
        params["cat"] = like_pattern(f.category.lower())
    if f.owner:
        # A handle exactly, or a word of the owner's name from its start: owner:ana
        # finds Ana Costa, not Hiro Tanaka.
        clauses.append(
            "(p.handle = :own OR p.name_key LIKE :own_start ESCAPE '\\' "
            "OR p.name_key LIKE :own_word ESCAPE '\\')"
        )
        folded = fold(f.owner)
        escaped = like_pattern(folded)[1:-1]
        params.update(
            own=f.owner.strip().lower(), own_start=f"{escaped}%", own_word=f"% {escaped}%"
        )
    if not f.include_retired:
        clauses.append("t.status <> 'retired'")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_tools(reader: Reader, f: ToolFilter) -> int:
    where, params = _where(f)
    sql = f"SELECT COUNT(*) AS n FROM tools t LEFT JOIN people p ON p.id = t.owner_id {where}"
    return int(reader.scalar(sql, params) or 0)


def list_tools(
    reader: Reader,
    f: ToolFilter,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[ToolView]:
    where, params = _where(f)
    expr = SORTS.get(sort, SORTS["name"])
    direction = "DESC" if descending else "ASC"
    # NULLs last either way, the same on SQLite and PostgreSQL.
    order = f"ORDER BY ({expr}) IS NULL, {expr} {direction}, t.name_key ASC"
    sql = f"{_SELECT} {where} {order} LIMIT :limit OFFSET :offset"
    params.update(limit=limit, offset=offset)
    return _views(reader, reader.all(sql, params))


def tool_by_id(reader: Reader, tool_id: int) -> ToolView | None:
    views = _views(reader, reader.all(f"{_SELECT} WHERE t.id = :id", {"id": tool_id}))
    return views[0] if views else None


def tool_by_name(reader: Reader, name: str) -> ToolView | None:
    views = _views(reader, reader.all(f"{_SELECT} WHERE t.name_key = :k", {"k": key_of(name)}))
    return views[0] if views else None


def lookup(reader: Reader, query: str) -> list[ToolView]:
    """Tools matching ``query``: an exact name wins outright; otherwise every match."""
    exact = tool_by_name(reader, query) if query.strip() else None
    if exact is not None:
        return [exact]
    return list_tools(reader, parse_filter(query), limit=100_000)


def _views(reader: Reader, rows: Sequence[Row]) -> list[ToolView]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    personal: dict[int, list[str]] = {}
    sql, params = in_clause("id", ids)
    for r in reader.all(
        "SELECT i.target_id, s.name FROM integrations i JOIN tools s ON s.id = i.source_id "
        f"WHERE i.personal = :yes AND i.removed_at IS NULL AND i.target_id IN {sql} "
        "ORDER BY s.name_key",
        {"yes": True, **params},
    ):
        personal.setdefault(r["target_id"], []).append(r["name"])
    return [_view(r, personal.get(r["id"], [])) for r in rows]


def _view(r: Row, personal_in_from: list[str]) -> ToolView:
    return ToolView(
        id=r["id"],
        name=r["name"],
        vendor=r["vendor"],
        category=r["category"],
        owner=r["owner"],
        owner_name=r["owner_name"],
        purpose=r["purpose"],
        status=r["status"],
        annual_cost=r["annual_cost"],
        billing_cycle=r["billing_cycle"],
        renewal_date=as_date(r["renewal_date"]),
        auto_renew=as_bool(r["auto_renew"]),
        notice_days=r["notice_days"],
        seats_bought=r["seats_bought"],
        seats_used=r["seats_used"],
        holds_personal_data=as_bool(r["holds_personal_data"]),
        dpa_signed_on=as_date(r["dpa_signed_on"]),
        data_region=r["data_region"],
        last_reviewed_on=as_date(r["last_reviewed_on"]),
        retired_on=as_date(r["retired_on"]),
        retired_reason=r["retired_reason"],
        website=r["website"],
        notes=r["notes"] or "",
        version=r["version"],
        created_at=as_datetime(r["created_at"]),
        updated_at=as_datetime(r["updated_at"]),
        updated_by=r["updated_by"],
        integrations_out=int(r["integrations_out"] or 0),
        integrations_in=int(r["integrations_in"] or 0),
        personal_in_from=personal_in_from,
        kpi_count=int(r["kpi_count"] or 0),
    )


@dataclass(frozen=True)
class IntegrationView:
    id: int
    source_id: int
    source: str
    target_id: int
    target: str
    data: str
    personal: bool
    target_has_dpa: bool
    target_holds_personal: bool


INTEGRATIONS = """
SELECT i.id, i.source_id, s.name AS source, i.target_id, d.name AS target, i.data, i.personal,
       d.dpa_signed_on AS target_dpa, d.holds_personal_data AS target_personal
FROM integrations i
JOIN tools s ON s.id = i.source_id
JOIN tools d ON d.id = i.target_id
WHERE i.removed_at IS NULL AND (i.source_id = :id OR i.target_id = :id)
ORDER BY s.name_key, d.name_key
"""


def integrations_of(reader: Reader, tool_id: int) -> list[IntegrationView]:
    return [
        IntegrationView(
            id=r["id"],
            source_id=r["source_id"],
            source=r["source"],
            target_id=r["target_id"],
            target=r["target"],
            data=r["data"],
            personal=as_bool(r["personal"]),
            target_has_dpa=r["target_dpa"] is not None,
            target_holds_personal=as_bool(r["target_personal"]),
        )
        for r in reader.all(INTEGRATIONS, {"id": tool_id})
    ]


def all_integrations(reader: Reader) -> list[Row]:
    return reader.all(
        "SELECT i.id, s.name AS source, d.name AS target, i.data, i.personal "
        "FROM integrations i JOIN tools s ON s.id = i.source_id "
        "JOIN tools d ON d.id = i.target_id WHERE i.removed_at IS NULL "
        "ORDER BY s.name_key, d.name_key"
    )


def kpis_of_tool(reader: Reader, tool_id: int) -> list[Row]:
    """The KPIs that draw data from a tool (not deprecated ones)."""
    return reader.all(
        "SELECT k.id, k.key, k.label, k.status FROM kpis k "
        "WHERE k.data_source_id = :id AND k.status <> 'deprecated' ORDER BY k.key",
        {"id": tool_id},
    )


def tool_names(reader: Reader, include_retired: bool = False) -> list[Row]:
    where = "" if include_retired else "WHERE status <> 'retired'"
    return reader.all(f"SELECT id, name, status FROM tools {where} ORDER BY name_key")


# -- people -------------------------------------------------------------------

PEOPLE = """
SELECT p.id, p.handle, p.name, p.email, p.team, p.active,
       (SELECT COUNT(*) FROM tools t WHERE t.owner_id = p.id AND t.status <> 'retired')
         AS tools_owned
FROM people p
ORDER BY p.name_key
"""


def people(reader: Reader) -> list[Row]:
    return [dict(r, active=as_bool(r["active"])) for r in reader.all(PEOPLE)]


def person_by_handle(reader: Reader, handle: str) -> Row | None:
    return reader.one(
        "SELECT id, handle, name, email, team, active FROM people WHERE handle = :h",
        {"h": handle.strip().lower()},
    )


def find_person(reader: Reader, text: str) -> list[Row]:
    """People whose handle or name matches ``text`` (exact handle first)."""
    exact = person_by_handle(reader, text)
    if exact:
        return [exact]
    return reader.all(
        "SELECT id, handle, name, email, team, active FROM people "
        "WHERE name_key = :k OR name_key LIKE :p ESCAPE '\\' OR handle LIKE :p ESCAPE '\\' "
        "ORDER BY name_key",
        {"k": fold(text), "p": like_pattern(fold(text))},
    )


def tool_spend(reader: Reader, tool_id: int, starts_on: date, ends_on: date) -> int:
    """Spend linked to a tool between two dates (both included)."""
    return int(
        reader.scalar(
            "SELECT COALESCE(SUM(e.amount), 0) FROM spend_entries e WHERE e.tool_id = :t "
            "AND e.entry_date >= :a AND e.entry_date <= :b",
            {"t": tool_id, "a": starts_on.isoformat(), "b": ends_on.isoformat()},
        )
        or 0
    )
