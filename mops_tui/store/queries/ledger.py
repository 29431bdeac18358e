"""Ledger reads: budget lines with their actuals, spend entries, closes, profiles.

Every statement is portable SQL. Entries carry a ``month`` column (``2026-11``) written
at insert, so monthly sums need no date function that differs between databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mops_tui.domain.text import fold
from mops_tui.store.queries.stack import tool_spend as tool_spend
from mops_tui.store.reader import Reader, Row, as_date, as_datetime, like_pattern

_LINE_SELECT = """
SELECT l.id, l.period, l.period_kind, l.starts_on, l.ends_on, l.channel, l.channel_key,
       l.campaign, l.planned, l.notes, l.version, l.updated_at, l.updated_by,
       p.handle AS owner, p.name AS owner_name, t.name AS tool, l.tool_id,
       COALESCE((SELECT SUM(e.amount) FROM spend_entries e WHERE e.line_id = l.id), 0)
         AS actual,
       (SELECT COUNT(*) FROM spend_entries e WHERE e.line_id = l.id) AS entries
FROM budget_lines l
LEFT JOIN people p ON p.id = l.owner_id
LEFT JOIN tools t ON t.id = l.tool_id
"""


@dataclass
class LineView:
    id: int
    period: str
    period_kind: str
    starts_on: date
    ends_on: date
    channel: str
    channel_key: str
    campaign: str | None
    planned: int
    actual: int
    entries: int
    owner: str | None
    owner_name: str | None
    tool: str | None
    tool_id: int | None
    notes: str
    version: int
    updated_at: datetime | None
    updated_by: str | None

    @property
    def ref(self) -> str:
        """How people name the line: ``2026-Q4/events`` or ``2026-11/paid search/spring``."""
        parts = [self.period, self.channel.lower().replace(" ", "-")]
        if self.campaign:
            parts.append(self.campaign)
        return "/".join(parts)

    @property
    def label(self) -> str:
        text = f"{self.period} · {self.channel}"
        if self.campaign:
            text += f" · {self.campaign}"
        if self.tool:
            text += f" · {self.tool}"
        return text


def _line(r: Row) -> LineView:
    starts = as_date(r["starts_on"])
    ends = as_date(r["ends_on"])
    assert starts is not None and ends is not None
    return LineView(
        id=r["id"],
        period=r["period"],
        period_kind=r["period_kind"],
        starts_on=starts,
        ends_on=ends,
        channel=r["channel"],
        channel_key=r["channel_key"],
        campaign=r["campaign"],
        planned=int(r["planned"]),
        actual=int(r["actual"] or 0),
        entries=int(r["entries"] or 0),
        owner=r["owner"],
        owner_name=r["owner_name"],
        tool=r["tool"],
        tool_id=r["tool_id"],
        notes=r["notes"] or "",
        version=r["version"],
        updated_at=as_datetime(r["updated_at"]),
        updated_by=r["updated_by"],
    )


def lines_overlapping(
    reader: Reader, starts_on: date | None, ends_on: date | None, text: str = ""
) -> list[LineView]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if starts_on is not None and ends_on is not None:
        clauses.append("l.starts_on <= :end AND l.ends_on >= :start")
        params.update(start=starts_on.isoformat(), end=ends_on.isoformat())
    for i, word in enumerate(text.split()):
        clauses.append(
            f"(l.channel_key LIKE :w{i} ESCAPE '\\' OR l.campaign_key LIKE :w{i} ESCAPE '\\' "
            f"OR l.period LIKE :w{i} ESCAPE '\\' OR p.handle LIKE :w{i} ESCAPE '\\')"
        )
        params[f"w{i}"] = like_pattern(fold(word))
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = reader.all(
        f"{_LINE_SELECT} {where} ORDER BY l.starts_on, l.channel_key, l.campaign_key", params
    )
    return [_line(r) for r in rows]


def line_by_id(reader: Reader, line_id: int) -> LineView | None:
    rows = reader.all(f"{_LINE_SELECT} WHERE l.id = :id", {"id": line_id})
    return _line(rows[0]) if rows else None


def lines_named(
    reader: Reader, period: str | None, channel: str | None, campaign: str | None = None
) -> list[LineView]:
    clauses, params = [], {}
    if period:
        clauses.append("l.period = :period")
        params["period"] = period
    if channel:
        clauses.append("(l.channel_key = :ch OR l.channel_key LIKE :chp ESCAPE '\\')")
        params.update(ch=fold(channel), chp=like_pattern(fold(channel))[1:])
    if campaign:
        clauses.append("l.campaign_key = :camp")
        params["camp"] = fold(campaign)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return [_line(r) for r in reader.all(f"{_LINE_SELECT} {where} ORDER BY l.starts_on", params)]


def lines_for_date(reader: Reader, channel: str, on: date) -> list[LineView]:
    return [
        _line(r)
        for r in reader.all(
            f"{_LINE_SELECT} WHERE (l.channel_key = :ch OR l.channel_key LIKE :chp "
            "ESCAPE '\\') AND l.starts_on <= :on AND l.ends_on >= :on "
            "ORDER BY l.period_kind, l.campaign_key",
            {"ch": fold(channel), "chp": like_pattern(fold(channel))[1:], "on": on.isoformat()},
        )
    ]


def monthly_actuals(
    reader: Reader, first_month: str, last_month: str, line_ids: list[int] | None = None
) -> dict[tuple[int, str], int]:
    """``{(line_id, month): actual}`` for months in the range."""
    rows = reader.all(
        "SELECT e.line_id, e.month, SUM(e.amount) AS actual FROM spend_entries e "
        "WHERE e.month >= :a AND e.month <= :b GROUP BY e.line_id, e.month",
        {"a": first_month, "b": last_month},
    )
    wanted = set(line_ids) if line_ids is not None else None
    return {
        (r["line_id"], r["month"]): int(r["actual"])
        for r in rows
        if wanted is None or r["line_id"] in wanted
    }


# -- entries --------------------------------------------------------------------

_ENTRY_SELECT = """
SELECT e.id, e.entry_date, e.amount, e.kind, e.payee, e.reference, e.note, e.line_id,
       e.tool_id, e.brief_id, e.reverses_id, e.corrects_id, e.created_at, e.created_by,
       e.import_batch,
       l.period AS line_period, l.channel AS line_channel, l.campaign AS line_campaign,
       t.name AS tool,
       (SELECT r.id FROM spend_entries r WHERE r.reverses_id = e.id) AS reversed_by
FROM spend_entries e
JOIN budget_lines l ON l.id = e.line_id
LEFT JOIN tools t ON t.id = e.tool_id
"""

ENTRY_SORTS: dict[str, str] = {
    "date": "e.entry_date",
    "amount": "e.amount",
    "payee": "e.search_key",
    "line": "l.period",
    "id": "e.id",
}


@dataclass
class EntryView:
    id: int
    entry_date: date
    amount: int
    kind: str
    payee: str
    reference: str
    note: str
    line_id: int
    line_label: str
    tool: str | None
    tool_id: int | None
    brief_id: int | None
    reverses_id: int | None
    corrects_id: int | None
    reversed_by: int | None
    created_at: datetime | None
    created_by: str
    import_batch: str | None


@dataclass(frozen=True)
class EntryFilter:
    text: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    line_id: int | None = None
    tool_id: int | None = None
    brief_id: int | None = None
    channel: str | None = None


def _entry_where(f: EntryFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, word in enumerate(f.text.split()):
        clauses.append(f"e.search_key LIKE :w{i} ESCAPE '\\'")
        params[f"w{i}"] = like_pattern(fold(word))
    if f.starts_on is not None:
        clauses.append("e.entry_date >= :start")
        params["start"] = f.starts_on.isoformat()
    if f.ends_on is not None:
        clauses.append("e.entry_date <= :end")
        params["end"] = f.ends_on.isoformat()
    if f.line_id is not None:
        clauses.append("e.line_id = :line")
        params["line"] = f.line_id
    if f.tool_id is not None:
        clauses.append("e.tool_id = :tool")
        params["tool"] = f.tool_id
    if f.brief_id is not None:
        clauses.append("e.brief_id = :brief")
        params["brief"] = f.brief_id
    if f.channel:
        clauses.append("l.channel_key = :channel")
        params["channel"] = fold(f.channel)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_entries(reader: Reader, f: EntryFilter) -> int:
    where, params = _entry_where(f)
    join = "JOIN budget_lines l ON l.id = e.line_id" if f.channel else ""
    return int(reader.scalar(f"SELECT COUNT(*) FROM spend_entries e {join} {where}", params) or 0)


def sum_entries(reader: Reader, f: EntryFilter) -> int:
    where, params = _entry_where(f)
    join = "JOIN budget_lines l ON l.id = e.line_id" if f.channel else ""
    return int(
        reader.scalar(
            f"SELECT COALESCE(SUM(e.amount), 0) FROM spend_entries e {join} {where}", params
        )
        or 0
    )


def list_entries(
    reader: Reader,
    f: EntryFilter,
    sort: str = "date",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[EntryView]:
    where, params = _entry_where(f)
    expr = ENTRY_SORTS.get(sort, ENTRY_SORTS["date"])
    direction = "DESC" if descending else "ASC"
    params.update(limit=limit, offset=offset)
    rows = reader.all(
        f"{_ENTRY_SELECT} {where} ORDER BY {expr} {direction}, e.id {direction} "
        "LIMIT :limit OFFSET :offset",
        params,
    )
    return [_entry(r) for r in rows]


def entry_by_id(reader: Reader, entry_id: int) -> EntryView | None:
    rows = reader.all(f"{_ENTRY_SELECT} WHERE e.id = :id", {"id": entry_id})
    return _entry(rows[0]) if rows else None


def _entry(r: Row) -> EntryView:
    on = as_date(r["entry_date"])
    assert on is not None
    label = f"{r['line_period']} · {r['line_channel']}"
    if r["line_campaign"]:
        label += f" · {r['line_campaign']}"
    return EntryView(
        id=r["id"],
        entry_date=on,
        amount=int(r["amount"]),
        kind=r["kind"],
        payee=r["payee"],
        reference=r["reference"] or "",
        note=r["note"] or "",
        line_id=r["line_id"],
        line_label=label,
        tool=r["tool"],
        tool_id=r["tool_id"],
        brief_id=r["brief_id"],
        reverses_id=r["reverses_id"],
        corrects_id=r["corrects_id"],
        reversed_by=r["reversed_by"],
        created_at=as_datetime(r["created_at"]),
        created_by=r["created_by"],
        import_batch=r["import_batch"],
    )


def existing_import_keys(reader: Reader, keys: list[str]) -> set[str]:
    """Which of ``keys`` are already in the ledger.

    When the ledger holds not many more imported rows than there are keys, one pass
    over its keys is cheaper than looking each key up; otherwise they are looked up
    in chunks. Either way the answer is the same."""
    if not keys:
        return set()
    stored = int(reader.scalar("SELECT COUNT(import_key) AS n FROM spend_entries") or 0)
    if stored <= 4 * len(keys):
        wanted = set(keys)
        return {
            r["import_key"]
            for r in reader.all("SELECT import_key FROM spend_entries WHERE import_key IS NOT NULL")
            if r["import_key"] in wanted
        }
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join(f":k{i}" for i in range(len(chunk)))
        rows = reader.all(
            f"SELECT import_key FROM spend_entries WHERE import_key IN ({marks})",
            {f"k{i}": k for i, k in enumerate(chunk)},
        )
        found.update(r["import_key"] for r in rows)
    return found


# -- closes and profiles --------------------------------------------------------


def open_closes(reader: Reader) -> list[Row]:
    return reader.all(
        "SELECT id, month, closed_at, closed_by FROM period_closes "
        "WHERE reopened_at IS NULL ORDER BY month"
    )


def close_of(reader: Reader, month: str) -> Row | None:
    return reader.one(
        "SELECT id, month, closed_at, closed_by FROM period_closes "
        "WHERE month = :m AND reopened_at IS NULL",
        {"m": month},
    )


def profiles(reader: Reader) -> list[Row]:
    return reader.all(
        "SELECT name, settings_json, updated_at, updated_by FROM import_profiles ORDER BY name"
    )


def profile(reader: Reader, name: str) -> Row | None:
    return reader.one(
        "SELECT name, settings_json FROM import_profiles WHERE name = :n", {"n": name}
    )


def brief_spend(reader: Reader, brief_id: int) -> int:
    return int(
        reader.scalar(
            "SELECT COALESCE(SUM(amount), 0) FROM spend_entries WHERE brief_id = :b",
            {"b": brief_id},
        )
        or 0
    )


def channels(reader: Reader) -> list[str]:
    return [
        r["channel"]
        for r in reader.all(
            "SELECT MIN(channel) AS channel FROM budget_lines GROUP BY channel_key "
            "ORDER BY MIN(channel)"
        )
    ]


def line_history(reader: Reader, line_id: int, limit: int = 50) -> list[Row]:
    return reader.all(
        "SELECT a.at, a.actor, a.entity, a.entity_id, a.action, a.summary, a.before_json, "
        "a.after_json FROM audit_log a WHERE a.entity = 'budget_line' AND a.entity_id = :id "
        "ORDER BY a.at DESC, a.id DESC LIMIT :limit",
        {"id": line_id, "limit": limit},
    )
