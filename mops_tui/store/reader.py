"""Read-only access that runs the same portable SQL on SQLite and PostgreSQL.

For a SQLite file, ``Reader`` uses the standard library's ``sqlite3`` in read-only
mode and never imports SQLAlchemy, which keeps ``mops stack X`` and the TUI's first
paint fast. For any other URL it runs the same SQL text through SQLAlchemy Core.
The SQL uses ``:name`` parameters, which both drivers accept.

Values come back as the drivers give them; ``as_date``/``as_datetime``/``as_bool``
normalise the differences (SQLite returns ISO text and 0/1).

Two SQLite answers never reach a face as they are. "Database is locked" (a reader
rarely sees it in WAL mode: while another connection recovers the WAL, or on a file
still in rollback-journal mode) is waited out for up to ``READ_WAIT_SECONDS``, then
refused with ``DatabaseBusy``. "Database disk image is malformed" becomes
``DatabaseDamaged``, naming the newest backup, and is reported to whoever called
:func:`watch_damage` (the TUI, which then closes with that message).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mops_tui.domain.text import has_surrogate, without_surrogates

if TYPE_CHECKING:
    from mops_tui.domain.errors import DatabaseDamaged, DatabaseUnreachable

Row = dict[str, Any]

# How long a read waits, in all, for a lock another connection holds.
READ_WAIT_SECONDS = 30.0

# SQLite's primary result codes (the low byte of an extended code).
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGE_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
_DAMAGE_WORDS = ("malformed", "file is not a database", "database corrupt")


def _driver_error(exc: BaseException) -> BaseException:
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper keeps the driver's error
    return orig if isinstance(orig, BaseException) else exc


# PostgreSQL's SQLSTATEs for "someone else holds what this needs": lock_timeout ran
# out, a serialisable transaction lost, a deadlock was broken.
_PG_BUSY_STATES = frozenset({"55P03", "40001", "40P01"})


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (``sqlite3``'s or psycopg's, or SQLAlchemy's wrapper of either)
    says someone else holds a lock: SQLite's "database is locked" or "database is
    busy", PostgreSQL's lock timeout, serialisation failure or deadlock."""
    exc = _driver_error(exc)
    if getattr(exc, "sqlstate", None) in _PG_BUSY_STATES:
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _BUSY_CODES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def unreachable(url: str, exc: BaseException) -> DatabaseUnreachable | None:
    """The refusal for a database server that cannot be reached or refuses the login
    (psycopg's connection failure, as SQLAlchemy wraps it), in words; else ``None``."""
    orig = _driver_error(exc)
    if type(orig).__module__.split(".")[0] != "psycopg":
        return None
    from mops_tui.domain.errors import DatabaseUnreachable
    from mops_tui.domain.text import shown_url

    state = getattr(orig, "sqlstate", None)
    text = str(orig).lower()
    user = url.split("://", 1)[-1].split("@", 1)[0].split(":", 1)[0] if "@" in url else ""
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if state in ("28P01", "28000") or "authentication failed" in text:
        reason = (
            f"the server refused the login{f' for “{user}”' if user else ''}. Check the user "
            "and password in MOPS_DATABASE_URL (or ~/.pgpass)."
        )
    elif state == "3D000" or ("database" in text and "does not exist" in text):
        reason = (
            f"the server has no database “{name}”. Create it once (createdb {name}), "
            "then run: mops db upgrade"
        )
    elif state in ("57P01", "57P02", "57P03"):
        reason = "the server is shutting down or starting up. Try again in a moment."
    elif state is None:  # the driver's own: no answer, an unknown host, a dropped line
        detail = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
        if ": " in detail:
            detail = detail.rsplit(": ", 1)[-1]
        detail = re.sub(r"^\[errno -?\d+\]\s*", "", detail.rstrip(".").lower())
        reason = (
            f"the server did not answer{f' ({detail})' if detail else ''}. "
            "Check that it is running and that the host and port in MOPS_DATABASE_URL "
            "are right."
        )
    else:
        return None
    return DatabaseUnreachable(shown_url(url), reason)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file itself is damaged ("database disk image
    is malformed", "file is not a database"), as opposed to busy or missing."""
    exc = _driver_error(exc)
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _DAMAGE_CODES:
        return True
    text = str(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


_damage_watchers: list[Callable[[DatabaseDamaged], None]] = []


def watch_damage(watcher: Callable[[DatabaseDamaged], None]) -> Callable[[], None]:
    """Call ``watcher`` (from whichever thread) whenever a read or a write finds the
    database damaged. Returns the function that stops watching."""
    _damage_watchers.append(watcher)

    def stop() -> None:
        if watcher in _damage_watchers:
            _damage_watchers.remove(watcher)

    return stop


def damage_found(path: Path | None, exc: BaseException) -> DatabaseDamaged:
    """The ``DatabaseDamaged`` refusal for ``exc``, after telling the watchers."""
    from mops_tui.store.migrate import damaged

    error = damaged(path, exc)
    for watcher in list(_damage_watchers):
        watcher(error)
    return error


def _bindable(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` as a driver can send them. Text holding a lone surrogate (a search word
    from ``sys.argv`` with bytes that are not UTF-8: ``mops stack $'\\xff'``) cannot be
    encoded, and every query path ends here: each surrogate becomes U+FFFD, the character
    that stands for unreadable bytes, so the word is looked for as shown instead of
    raising ``UnicodeEncodeError``. A NUL (pasted into a filter, say) becomes U+FFFD
    too: PostgreSQL refuses NUL in text outright, and no stored text holds one (the
    domain refuses control characters), so either way it matches nothing."""
    bound = dict(params or {})
    for key, value in bound.items():
        if isinstance(value, str):
            if has_surrogate(value):
                value = without_surrogates(value)
            if "\x00" in value:
                value = value.replace("\x00", "\ufffd")
            bound[key] = value
    return bound


class Reader:
    def __init__(self, url: str, read_wait: float = READ_WAIT_SECONDS) -> None:
        self.url = url
        self.read_wait = read_wait  # seconds a read waits for a lock, in all
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
            wait_ms = max(min(int(self.read_wait * 1000), 10_000), 0)
            conn = sqlite3.connect(uri, uri=True, timeout=wait_ms / 1000, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={wait_ms}")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = _bindable(params)
        if self._path is not None:
            return self._sqlite_all(sql, bound)
        from sqlalchemy import text

        if self._engine is None:
            from mops_tui.store.engine import make_engine

            self._engine = make_engine(self.url, writes=False)
        from sqlalchemy.exc import DBAPIError

        for attempt in (1, 2):
            try:
                with self._engine.connect() as conn:
                    result = conn.execute(text(sql), bound)
                    return [dict(r) for r in result.mappings().all()]
            except DBAPIError as exc:
                if exc.connection_invalidated and attempt == 1:
                    continue  # a pooled connection the server dropped: once more, afresh
                refusal = unreachable(self.url, exc)
                if refusal is not None:
                    raise refusal from exc
                raise
        raise AssertionError("unreachable")  # the loop returns or raises

    def _sqlite_all(self, sql: str, params: dict[str, Any]) -> list[Row]:
        started = time.monotonic()
        while True:
            try:
                cur = self._sqlite().execute(sql, params)
                return [dict(r) for r in cur.fetchall()]
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                # SQLite's busy handler waited; try again until the budget is spent.
                now = time.monotonic()
                if now - started >= self.read_wait:
                    from mops_tui.domain.errors import DatabaseBusy

                    raise DatabaseBusy(now - started, reading=True) from exc
                import random  # only here: keep the read path's imports light

                time.sleep(random.uniform(0.005, 0.05))
            except sqlite3.DatabaseError as exc:
                if is_damage(exc):
                    raise damage_found(self._path, exc) from exc
                raise

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
