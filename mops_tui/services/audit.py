"""The audit log: every change, who made it, when, and the record before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mops_tui.store.queries import audit as q
from mops_tui.store.reader import as_datetime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mops_tui.services.workspace import Workspace


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def dumps(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    ws: Workspace,
    entity: str,
    entity_id: int,
    action: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    from mops_tui.store.models import AuditEntry

    session.add(
        AuditEntry(
            at=ws.now(),
            actor=ws.actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            summary=summary,
            before_json=dumps(before),
            after_json=dumps(after),
        )
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs, as ``{field: (old, new)}``."""
    return {
        k: (before.get(k), after.get(k))
        for k in after
        if _jsonable(before.get(k)) != _jsonable(after.get(k))
    }


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    actor: str
    entity: str
    entity_id: int
    action: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _item(row: dict[str, Any]) -> HistoryItem:
    at = as_datetime(row["at"])
    assert at is not None
    return HistoryItem(
        at=at,
        actor=row["actor"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        summary=row["summary"],
        before=json.loads(row["before_json"]) if row["before_json"] else None,
        after=json.loads(row["after_json"]) if row["after_json"] else None,
    )


def tool_history(ws: Workspace, tool_id: int, limit: int = 200) -> list[HistoryItem]:
    return [_item(r) for r in ws.reader.all(q.TOOL_HISTORY, {"id": tool_id, "limit": limit})]


def recent(ws: Workspace, limit: int = 100) -> list[HistoryItem]:
    return [_item(r) for r in ws.reader.all(q.RECENT, {"limit": limit})]
