"""Brief reads: the queue (filtered, ordered by what needs action first), one brief,
its transitions, and the briefs that use a KPI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mops_tui.domain.briefs import BriefView, Transition
from mops_tui.domain.text import fold
from mops_tui.store.reader import Reader, Row, as_date, as_datetime, in_clause, like_pattern

_SELECT = """
SELECT b.id, b.title, b.status, b.status_since, b.priority, b.objective, b.audience,
       b.key_message, b.channels, b.launch_date, b.kpi_target, b.budget_requested,
       b.budget_line_id, b.body, b.outcome_result, b.outcome_reason, b.created_at,
       b.version, b.updated_by, b.updated_at, b.kpi_id,
       o.handle AS owner, o.name AS owner_name, r.handle AS requester, r.name AS requester_name,
       k.key AS kpi, k.status AS kpi_status, k.label AS kpi_label, k.kind AS kpi_kind,
       l.period AS line_period, l.channel AS line_channel, l.campaign AS line_campaign,
       l.starts_on AS line_starts_on, l.ends_on AS line_ends_on,
       COALESCE((SELECT SUM(e.amount) FROM spend_entries e WHERE e.brief_id = b.id), 0)
         AS spend
FROM briefs b
LEFT JOIN people o ON o.id = b.owner_id
LEFT JOIN people r ON r.id = b.requester_id
LEFT JOIN kpis k ON k.id = b.kpi_id
LEFT JOIN budget_lines l ON l.id = b.budget_line_id
"""

# "What needs action first": overdue, at risk, waiting too long in review, in review,
# approved, drafts, in flight, then the closed ones.
_ACTION_RANK = """
CASE
  WHEN b.status IN ('draft', 'submitted', 'approved') AND b.launch_date < :today THEN 0
  WHEN b.status = 'approved' AND b.launch_date <= :risk THEN 1
  WHEN b.status = 'submitted' AND b.status_since < :review THEN 2
  WHEN b.status = 'submitted' THEN 3
  WHEN b.status = 'approved' THEN 4
  WHEN b.status = 'draft' THEN 5
  WHEN b.status = 'in_flight' THEN 6
  WHEN b.status = 'done' THEN 7
  ELSE 8
END
"""

SORTS: dict[str, str] = {
    "action": _ACTION_RANK,
    "id": "b.id",
    "title": "b.search_key",
    "status": (
        "CASE b.status WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'approved' THEN 3 "
        "WHEN 'in_flight' THEN 4 WHEN 'done' THEN 5 ELSE 6 END"
    ),
    "priority": "b.priority",
    "owner": "o.name_key",
    "requester": "r.name_key",
    "launch": "b.launch_date",
    "kpi": "k.key",
    "budget": "b.budget_requested",
    "age": "b.status_since",
}


@dataclass(frozen=True)
class BriefFilter:
    text: str = ""
    status: tuple[str, ...] = ()
    owner: str | None = None  # a handle; "-" for unassigned
    requester: str | None = None
    overdue: bool = False
    at_risk: bool = False
    waiting: bool = False
    open_only: bool = False
    kpi_id: int | None = None


@dataclass(frozen=True)
class Cutoffs:
    """The dates the flags turn on, computed from today and the policy."""

    today: date
    risk: date
    review: date

    def params(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "risk": self.risk.isoformat(),
            "review": self.review.isoformat() + " 00:00:00",
        }


def _where(f: BriefFilter, cut: Cutoffs) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, word in enumerate(f.text.split()):
        key = f"w{i}"
        if word.lstrip("#").isdigit():
            clauses.append(f"(b.id = :{key}n OR b.search_key LIKE :{key} ESCAPE '\\')")
            params[f"{key}n"] = int(word.lstrip("#"))
        else:
            clauses.append(
                f"(b.search_key LIKE :{key} ESCAPE '\\' OR o.name_key LIKE :{key} ESCAPE '\\'"
                f" OR r.name_key LIKE :{key} ESCAPE '\\' OR k.key LIKE :{key} ESCAPE '\\')"
            )
        params[key] = like_pattern(fold(word))
    if f.status:
        sql, extra = in_clause("st", list(f.status))
        clauses.append(f"b.status IN {sql}")
        params.update(extra)
    if f.open_only:
        clauses.append("b.status IN ('draft', 'submitted', 'approved', 'in_flight')")
    if f.owner == "-":
        clauses.append("b.owner_id IS NULL AND b.status IN ('draft', 'submitted', 'approved')")
    elif f.owner:
        clauses.append("o.handle = :own")
        params["own"] = f.owner
    if f.requester:
        clauses.append("r.handle = :req")
        params["req"] = f.requester
    if f.kpi_id is not None:
        clauses.append("b.kpi_id = :kpi")
        params["kpi"] = f.kpi_id
    flag_clauses = []
    if f.overdue:
        flag_clauses.append(
            "(b.status IN ('draft', 'submitted', 'approved') AND b.launch_date < :today)"
        )
    if f.at_risk:
        flag_clauses.append(
            "(b.status = 'approved' AND b.launch_date >= :today AND b.launch_date <= :risk)"
        )
    if f.waiting:
        flag_clauses.append("(b.status = 'submitted' AND b.status_since < :review)")
    if flag_clauses:
        clauses.append("(" + " OR ".join(flag_clauses) + ")")
    params.update(cut.params())
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


_FROM = """
FROM briefs b
LEFT JOIN people o ON o.id = b.owner_id
LEFT JOIN people r ON r.id = b.requester_id
LEFT JOIN kpis k ON k.id = b.kpi_id
"""


def count_briefs(reader: Reader, f: BriefFilter, cut: Cutoffs) -> int:
    where, params = _where(f, cut)
    return int(reader.scalar(f"SELECT COUNT(*) {_FROM} {where}", params) or 0)


def list_briefs(
    reader: Reader,
    f: BriefFilter,
    cut: Cutoffs,
    sort: str = "action",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[BriefView]:
    where, params = _where(f, cut)
    expr = SORTS.get(sort, SORTS["action"])
    direction = "DESC" if descending else "ASC"
    order = (
        f"ORDER BY ({expr}) IS NULL, {expr} {direction}, "
        "(b.launch_date IS NULL), b.launch_date ASC, b.priority ASC, b.id ASC"
    )
    params.update(limit=limit, offset=offset)
    rows = reader.all(f"{_SELECT} {where} {order} LIMIT :limit OFFSET :offset", params)
    return [_view(r) for r in rows]


def brief_exists(reader: Reader, brief_id: int) -> bool:
    return bool(reader.all("SELECT 1 AS x FROM briefs WHERE id = :id", {"id": brief_id}))


def brief_by_id(reader: Reader, brief_id: int) -> BriefView | None:
    rows = reader.all(f"{_SELECT} WHERE b.id = :id", {"id": brief_id})
    return _view(rows[0]) if rows else None


def transitions(reader: Reader, brief_id: int) -> list[Transition]:
    out = []
    for r in reader.all(
        "SELECT at, actor, from_status, to_status, comment FROM "
        "brief_transitions WHERE brief_id = :id ORDER BY at DESC, id DESC",
        {"id": brief_id},
    ):
        at = as_datetime(r["at"])
        assert at is not None
        out.append(Transition(at, r["actor"], r["from_status"], r["to_status"], r["comment"] or ""))
    return out


def briefs_for_kpi(reader: Reader, kpi_id: int) -> list[Row]:
    return reader.all(
        "SELECT id, title, status, launch_date FROM briefs WHERE kpi_id = :k "
        "ORDER BY launch_date DESC, id DESC",
        {"k": kpi_id},
    )


def open_brief_kpis(reader: Reader) -> list[Row]:
    """KPIs used by open briefs, with how many briefs use them (for the triage inbox)."""
    return reader.all(
        "SELECT k.key, k.status, COUNT(*) AS briefs FROM briefs b JOIN kpis k "
        "ON k.id = b.kpi_id WHERE b.status IN ('draft', 'submitted', 'approved', "
        "'in_flight') GROUP BY k.key, k.status ORDER BY k.key"
    )


def status_counts(reader: Reader) -> dict[str, int]:
    return {
        r["status"]: int(r["n"])
        for r in reader.all("SELECT status, COUNT(*) AS n FROM briefs GROUP BY status")
    }


def _view(r: Row) -> BriefView:
    line = None
    if r["line_period"]:
        line = f"{r['line_period']} · {r['line_channel']}"
        if r["line_campaign"]:
            line += f" · {r['line_campaign']}"
    return BriefView(
        id=r["id"],
        title=r["title"],
        status=r["status"],
        priority=r["priority"],
        owner=r["owner"],
        owner_name=r["owner_name"],
        requester=r["requester"],
        requester_name=r["requester_name"],
        objective=r["objective"] or "",
        audience=r["audience"] or "",
        key_message=r["key_message"] or "",
        channels=[c.strip() for c in (r["channels"] or "").split(",") if c.strip()],
        launch_date=as_date(r["launch_date"]),
        kpi=r["kpi"],
        kpi_id=r["kpi_id"],
        kpi_status=r["kpi_status"],
        kpi_label=r["kpi_label"],
        kpi_kind=r["kpi_kind"],
        kpi_target=r["kpi_target"] or "",
        budget_requested=r["budget_requested"],
        budget_line_id=r["budget_line_id"],
        budget_line=line,
        line_starts_on=as_date(r["line_starts_on"]),
        line_ends_on=as_date(r["line_ends_on"]),
        body=r["body"] or "",
        outcome_result=r["outcome_result"] or "",
        outcome_reason=r["outcome_reason"] or "",
        status_since=as_datetime(r["status_since"]),
        created_at=as_datetime(r["created_at"]),
        version=r["version"],
        updated_by=r["updated_by"],
        updated_at=as_datetime(r["updated_at"]),
        spend=int(r["spend"] or 0),
    )
