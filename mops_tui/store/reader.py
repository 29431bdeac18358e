"""Read-only access that runs the same portable SQL on SQLite and PostgreSQL.

For a SQLite file, ``Reader`` uses the standard library's ``sqlite3`` in read-only
mode and never imports SQLAlchemy, which keeps ``mops stack X`` and the TUI's first
paint fast. For any other URL it runs the same SQL text through SQLAlchemy Core.
The SQL uses ``:name`` parameters, which both drivers accept.

Values come back as the drivers give them; ``as_date``/``as_datetime``/``as_bool``
normalise the differences (SQLite returns ISO text and 0/1).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

Row = dict[str, Any]


class Reader:
    def __init__(self, url: str) -> None:
        self.url = url
        self._path: Path | None = None
        self._memory = False
        if url.startswith("sqlite:///"):
            raw = url.removeprefix("sqlite:///")
            self._path = Path(raw) if raw and raw != ":memory:" else None
        self._local = threading.local()
        self._engine: Any = None

    @property
    def is_sqlite(self) -> bool:
        return self._path is not None

    def _sqlite(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            assert self._path is not None
            uri = f"file:{self._path.resolve()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        if self._path is not None:
            cur = self._sqlite().execute(sql, dict(params or {}))
            return [dict(r) for r in cur.fetchall()]
        from sqlalchemy import text

        if self._engine is None:
            from mops_tui.store.engine import make_engine

            self._engine = make_engine(self.url)
        with self._engine.connect() as conn:
            result = conn.execute(text(sql), dict(params or {}))
            return [dict(r) for r in result.mappings().all()]

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def in_clause(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1)`` and its parameters, for an IN list on either driver."""
    if not values:
        return "(NULL)", {}
    keys = [f"{name}{i}" for i in range(len(values))]
    return "(" + ", ".join(":" + k for k in keys) + ")", dict(zip(keys, values, strict=True))


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere; use with ``ESCAPE '\\'``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def as_bool(value: Any) -> bool:
    return bool(value)


def ids(rows: Iterable[Row], key: str = "id") -> list[Any]:
    return [r[key] for r in rows]
