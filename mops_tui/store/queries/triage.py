"""Triage reads: snoozes, renewal decisions, renewals due, personal-data flows."""

from __future__ import annotations

from datetime import date

from mops_tui.store.reader import Reader, Row, as_date


def active_snoozes(reader: Reader, today: date) -> set[str]:
    return {
        r["item_key"]
        for r in reader.all(
            "SELECT item_key FROM snoozes WHERE until > :today", {"today": today.isoformat()}
        )
    }


def decided_renewals(reader: Reader) -> set[tuple[int, date]]:
    out = set()
    for r in reader.all("SELECT tool_id, renewal_date FROM renewal_decisions"):
        day = as_date(r["renewal_date"])
        if day is not None:
            out.add((int(r["tool_id"]), day))
    return out


def renewals_between(reader: Reader, start: date, end: date) -> list[Row]:
    return reader.all(
        "SELECT id, name, renewal_date, cancel_by, annual_cost FROM tools "
        "WHERE status IN ('active', 'under_review', 'decommissioning') "
        "AND renewal_date >= :a AND renewal_date <= :b ORDER BY renewal_date",
        {"a": start.isoformat(), "b": end.isoformat()},
    )


def decisions_for(reader: Reader, tool_id: int) -> list[Row]:
    return reader.all(
        "SELECT renewal_date, decision, note, decided_at, decided_by FROM renewal_decisions "
        "WHERE tool_id = :t ORDER BY decided_at DESC",
        {"t": tool_id},
    )


def personal_edges(reader: Reader) -> list[Row]:
    return reader.all(
        "SELECT s.name AS source, d.name AS target, i.data, d.dpa_signed_on AS target_dpa, "
        "d.holds_personal_data AS target_personal FROM integrations i "
        "JOIN tools s ON s.id = i.source_id JOIN tools d ON d.id = i.target_id "
        "WHERE i.personal = :yes AND i.removed_at IS NULL "
        "AND s.status <> 'retired' AND d.status <> 'retired' ORDER BY s.name_key, d.name_key",
        {"yes": True},
    )


def personal_tools(reader: Reader) -> list[Row]:
    return reader.all(
        "SELECT name, dpa_signed_on FROM tools WHERE holds_personal_data = :yes "
        "AND status <> 'retired' ORDER BY name_key",
        {"yes": True},
    )


def change_marker(reader: Reader) -> tuple[int, int]:
    """Changes anywhere bump this: the newest audit entry and the newest spend entry."""
    row = reader.one(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log) AS a, "
        "(SELECT COALESCE(MAX(id), 0) FROM spend_entries) AS s"
    )
    return (int(row["a"]), int(row["s"])) if row else (0, 0)
