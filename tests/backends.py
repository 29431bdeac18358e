"""What the tests need to run the same assertions on SQLite and PostgreSQL.

``raw(target)`` opens a plain DB-API connection to a workspace's database (a
``Workspace``, a URL or a SQLite path), for the assertions that read what was stored,
or break it on purpose, below the services. On SQLite it is ``sqlite3`` itself. On
PostgreSQL it is psycopg behind a thin shim that takes the same SQL with ``?``
placeholders and gives rows back as SQLite stores them: dates and times as the ISO
text SQLAlchemy writes to SQLite, booleans as they compare (``True == 1``), and
``conn.row_factory = sqlite3.Row`` giving rows readable by name and by position.
So a test states what is stored once, and it holds on both.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

TODAY = "2026-11-29"


def url_of(target: Any) -> str:
    url = getattr(target, "url", target)
    if isinstance(url, Path):
        return f"sqlite:///{url}"
    return str(url)


def is_postgres(target: Any) -> bool:
    return url_of(target).startswith("postgresql")


def raw(target: Any) -> Any:
    """A DB-API connection (``sqlite3.Connection`` or the PostgreSQL shim)."""
    url = url_of(target)
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    return PgRaw(url)


def build_demo(url: str) -> None:
    """The demo workspace, built through the real services as of the suite's today."""
    from mops_tui.services import demo
    from mops_tui.services.workspace import Workspace
    from mops_tui.store.migrate import ensure_current

    old = os.environ.get("MOPS_TODAY")
    os.environ["MOPS_TODAY"] = TODAY
    try:
        ensure_current(url)
        workspace = Workspace(url, actor="demo")
        demo.load(workspace)
        workspace.close()
    finally:
        if old is None:
            os.environ.pop("MOPS_TODAY", None)
        else:
            os.environ["MOPS_TODAY"] = old


# -- PostgreSQL ------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"'[^']*'|\?")


def _to_pg(sql: str) -> str:
    """``?`` placeholders become ``%s`` (not inside string literals); ``%`` is escaped."""

    def swap(m: re.Match[str]) -> str:
        text = m.group(0)
        return "%s" if text == "?" else text.replace("%", "%%")

    out: list[str] = []
    last = 0
    for m in _PLACEHOLDER.finditer(sql):
        out.append(sql[last : m.start()].replace("%", "%%"))
        out.append(swap(m))
        last = m.end()
    out.append(sql[last:].replace("%", "%%"))
    return "".join(out)


def _as_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Row(Sequence[Any]):
    """A row readable by position and by column name, like ``sqlite3.Row``."""

    def __init__(self, names: list[str], values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    def keys(self) -> list[str]:
        return list(self._names)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return self._values[self._names.index(key)]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=True))!r})"


class _Cursor:
    def __init__(self, cursor: Any, named: bool) -> None:
        self._cursor = cursor
        self._named = named
        self.rowcount = cursor.rowcount

    def _row(self, values: tuple[Any, ...]) -> Any:
        values = tuple(_as_sqlite(v) for v in values)
        if not self._named:
            return values
        names = [c.name for c in self._cursor.description]
        return Row(names, values)

    def fetchone(self) -> Any:
        if self._cursor.description is None:
            return None
        found = self._cursor.fetchone()
        return None if found is None else self._row(found)

    def fetchall(self) -> list[Any]:
        if self._cursor.description is None:
            return []
        return [self._row(r) for r in self._cursor.fetchall()]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgRaw:
    """The few ``sqlite3.Connection`` manners the tests use, on psycopg.

    Each statement commits on its own (autocommit), so an assertion's connection never
    holds a transaction open against the code under test."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(
            url.replace("postgresql+psycopg", "postgresql"), autocommit=True
        )
        self.row_factory: Any = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        cursor = self._conn.execute(_to_pg(sql), tuple(params))
        return _Cursor(cursor, self.row_factory is not None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_to_pg(sql), [tuple(r) for r in rows])

    def commit(self) -> None:
        pass

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PgRaw:
        return self

    def __exit__(self, *exc: object) -> None:
        # sqlite3's context manager ends a transaction but leaves the connection open;
        # each statement here has already committed, so there is nothing to end.
        return None
