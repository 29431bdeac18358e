"""The engine factory: one place that knows SQLite's connection settings.

Writers on a SQLite file queue for its single write lock. Every write transaction
starts with ``BEGIN IMMEDIATE``, so the lock is taken up front, where waiting is safe
(nothing is read yet that could go stale), rather than on the first write, where SQLite
would answer "database is locked" at once. The wait is bounded: ``write_wait`` seconds
in all (:data:`WRITE_WAIT_SECONDS` unless the workspace says otherwise), after which
the save is refused with :class:`~mops_tui.domain.errors.DatabaseBusy`, saying how long
it waited and that nothing was saved.

On PostgreSQL the same promise is kept the same way: every write transaction first
takes one transaction-scoped advisory lock (:data:`PG_WRITE_LOCK`, per database), with
``lock_timeout`` set to what is left of ``write_wait``. Saves therefore queue one at a
time, as on SQLite, and every rule a service checks before it writes (a closed period,
a version, a name already taken) is still true when it writes; PostgreSQL's default
READ COMMITTED isolation alone would let two saves check, then both write. Readers
never take the lock (MVCC): reads do not wait for saves.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from mops_tui.store.reader import is_busy

# How long one statement waits on a lock (SQLite's own busy handler).
BUSY_TIMEOUT_MS = 10_000
# How long a save waits, in all, for other people's saves to finish.
WRITE_WAIT_SECONDS = 30.0


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or ``None`` for any other database."""
    if not url.startswith("sqlite:///"):
        return None
    raw = url.removeprefix("sqlite:///")
    if not raw or raw == ":memory:":
        return None
    return Path(raw)


def ensure_sqlite_file(path: Path) -> None:
    """Create the database file with mode 0600 (and its folder) if it is missing."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def begin_immediate(dbapi_conn: sqlite3.Connection, write_wait: float) -> float:
    """``BEGIN IMMEDIATE`` on ``dbapi_conn``, waiting up to ``write_wait`` seconds in
    all for the write lock; returns the seconds waited.

    SQLite's busy handler does the waiting, with its timeout cut to what is left of the
    budget; a busy answer that comes back without waiting (SQLite does that when
    waiting could deadlock) is retried after a short random pause, until the budget is
    spent. Then :class:`DatabaseBusy`: nothing was written, the caller may try again."""
    start = time.monotonic()
    deadline = start + max(write_wait, 0.0)
    try:
        while True:
            left_ms = max(int((deadline - time.monotonic()) * 1000), 0)
            dbapi_conn.execute(f"PRAGMA busy_timeout={min(left_ms, BUSY_TIMEOUT_MS)}")
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return time.monotonic() - start
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    from mops_tui.domain.errors import DatabaseBusy

                    raise DatabaseBusy(time.monotonic() - start) from exc
                time.sleep(min(random.uniform(0.002, 0.05), max(deadline - time.monotonic(), 0)))
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def make_engine(
    url: str,
    *,
    write_wait: float | Callable[[], float] = WRITE_WAIT_SECONDS,
    writes: bool = True,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url``. Each transaction first takes the workspace's write lock,
    waiting up to ``write_wait`` seconds (a number, or a function asked at each
    transaction); with ``writes=False`` (for reading only) it takes no lock."""
    path = sqlite_path(url)
    wait_for = write_wait if callable(write_wait) else lambda: write_wait
    if url.startswith("sqlite"):
        if path is not None:
            ensure_sqlite_file(path)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        if not writes:
            return engine

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Take the write lock up front so two writers queue (for a bounded time)
            # instead of failing with "database is locked" on lock upgrade.
            raw = conn.connection.driver_connection
            conn.info["lock_wait"] = begin_immediate(raw, wait_for())

        return engine
    # A save checks its pooled connection first (a round trip) rather than fail on one
    # the server dropped; a reader skips that and retries once instead (Reader.all),
    # which keeps each read to one round trip to a distant server.
    engine = create_engine(url, pool_pre_ping=writes, **kwargs)
    if writes and url.startswith("postgresql"):

        @event.listens_for(engine, "begin")
        def _on_pg_begin(conn: Any) -> None:
            raw = conn.connection.driver_connection
            conn.info["lock_wait"] = take_pg_write_lock(raw, wait_for())

    return engine


# The advisory lock every mops save on a PostgreSQL database takes first ("mops").
PG_WRITE_LOCK = 0x6D6F7073


def take_pg_write_lock(dbapi_conn: Any, write_wait: float) -> float:
    """Take :data:`PG_WRITE_LOCK` for the transaction ``dbapi_conn`` (psycopg) is
    starting, waiting up to ``write_wait`` seconds; returns the seconds waited. Past
    the wait, :class:`DatabaseBusy`: nothing was written, the caller may try again."""
    start = time.monotonic()
    with dbapi_conn.cursor() as cur:
        wait_ms = max(int(write_wait * 1000), 1)
        cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{wait_ms}ms",))
        try:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK,))
        except Exception as exc:
            if not is_busy(exc):
                raise
            from mops_tui.domain.errors import DatabaseBusy

            raise DatabaseBusy(time.monotonic() - start) from exc
        # Past the queue, a statement still waits a bounded time for any other lock.
        cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{BUSY_TIMEOUT_MS}ms",))
    return time.monotonic() - start
