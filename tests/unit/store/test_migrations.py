"""Migrations on real databases, SQLite files and PostgreSQL; backups and restores of
SQLite files.

The migrations run on both backends (``backend``): they build exactly the models, a
fresh database comes out at head, an upgrade keeps the data. Backups, restores, file
modes and files that are not databases are about SQLite files, and run once."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from backends import is_postgres, raw
from sqlalchemy import create_engine

from mops_tui.resources import db_dir
from mops_tui.services import people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store import migrate
from mops_tui.store.migrate import MigrationError
from mops_tui.store.models import Base

TABLES = {"workspace_settings", "people", "tools", "integrations", "audit_log"}


def tables(target: Path | str) -> set[str]:
    """The tables in a SQLite file or a database at a URL."""
    conn = raw(target)
    try:
        if is_postgres(target):
            found = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            ).fetchall()
        else:
            found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {r[0] for r in found}
    finally:
        conn.close()


def scalar(target: Path | str, sql: str) -> object:
    conn = raw(target)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it yet: no file on SQLite, an empty database (no
    schema) on PostgreSQL."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'mops.db'}"


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """The most permissive umask: whatever mops creates must still be private."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def fill(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa"})
    stack.create(
        ws,
        {
            "name": "HubSpot",
            "vendor": "HubSpot",
            "category": "CRM",
            "owner": "ana",
            "purpose": "Emails",
            "status": "evaluating",
        },
    )


# (a) ---------------------------------------------------------------------------


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


# (b) ---------------------------------------------------------------------------


def test_head_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(db_dir()))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [migrate.HEAD]
    assert script.get_current_head() == migrate.HEAD


def test_a_fresh_database_is_at_head(empty_url: str) -> None:
    assert migrate.stored_revision(empty_url) is None

    assert migrate.ensure_current(empty_url) is None  # nothing to back up

    assert migrate.stored_revision(empty_url) == migrate.HEAD
    assert migrate.is_current(empty_url)
    assert tables(empty_url) >= TABLES
    assert scalar(empty_url, "SELECT version_num FROM alembic_version") == migrate.HEAD
    assert scalar(empty_url, "SELECT value FROM workspace_settings WHERE key = 'currency'") == "GBP"


# (c) ---------------------------------------------------------------------------


def test_upgrade_at_head_keeps_the_data_and_makes_no_backup(ws: Workspace, db_url: str) -> None:
    fill(ws)
    ws.close()

    assert migrate.upgrade(db_url) is None
    assert migrate.ensure_current(db_url) is None

    if ws.sqlite_path is not None:
        assert not migrate.backup_dir(ws.sqlite_path).exists()
    assert migrate.stored_revision(db_url) == migrate.HEAD
    assert scalar(db_url, "SELECT COUNT(*) FROM people") == 1
    assert scalar(db_url, "SELECT name FROM tools") == "HubSpot"
    assert scalar(db_url, "SELECT COUNT(*) FROM audit_log") == 2
    reopened = Workspace(db_url, actor="tester")
    try:
        assert stack.get_by_name(reopened, "hubspot").owner == "ana"
    finally:
        reopened.close()


# (d) ---------------------------------------------------------------------------


@pytest.mark.sqlite_only  # the backup is a copy of the SQLite file
def test_ensure_current_backs_up_an_unknown_database_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE foo (x INTEGER)")
    conn.execute("INSERT INTO foo VALUES (42)")
    conn.commit()
    conn.close()
    assert path.stat().st_size > 0
    url = f"sqlite:///{path}"
    assert migrate.stored_revision(url) is None

    backup = migrate.ensure_current(url)

    assert backup is not None
    assert backup.parent == tmp_path / "backups"
    assert list((tmp_path / "backups").iterdir()) == [backup]
    assert backup.name.startswith("old-") and backup.name.endswith("-before-head.db")
    assert mode(backup) == 0o600
    assert tables(backup) == {"foo"}
    assert scalar(backup, "SELECT x FROM foo") == 42
    assert TABLES | {"foo", "alembic_version"} <= tables(path)
    assert migrate.stored_revision(url) == migrate.HEAD
    assert scalar(path, "SELECT x FROM foo") == 42


@pytest.mark.sqlite_only  # a database file that does not exist yet
def test_ensure_current_on_a_missing_file_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert migrate.ensure_current(f"sqlite:///{path}") is None
    assert not (tmp_path / "backups").exists()
    assert tables(path) >= TABLES


# (e) ---------------------------------------------------------------------------


@pytest.mark.sqlite_only  # the mode of the SQLite file and its -wal and -shm
def test_a_new_database_file_is_private(tmp_path: Path, umask_zero: None) -> None:
    path = tmp_path / "nested" / "folder" / "mops.db"
    url = f"sqlite:///{path}"
    migrate.ensure_current(url)
    assert path.exists()
    assert mode(path) == 0o600

    ws = Workspace(url, actor="tester")
    try:
        fill(ws)
        for side in (path.with_name("mops.db-wal"), path.with_name("mops.db-shm")):
            if side.exists():
                assert mode(side) == 0o600, side.name
    finally:
        ws.close()


@pytest.mark.sqlite_only  # the mode of a backup of the SQLite file
def test_backups_are_private(ws: Workspace, db_path: Path, umask_zero: None) -> None:
    fill(ws)
    dest = migrate.backup_sqlite(db_path, db_path.parent / "copies" / "b.db")
    assert mode(dest) == 0o600


# (f) ---------------------------------------------------------------------------


@pytest.mark.sqlite_only  # a file that is not a SQLite database
def test_a_garbage_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my meeting notes, not a database.\n" * 50)
    url = f"sqlite:///{path}"

    with pytest.raises(MigrationError) as exc:
        migrate.stored_revision(url)

    message = str(exc.value)
    assert str(path) in message
    assert "is not a mops database, or it is damaged" in message
    assert "mops db restore FILE" in message
    assert "Traceback" not in message
    with pytest.raises(MigrationError):
        migrate.ensure_current(url)
    # Nothing was written over the user's file.
    assert path.read_bytes().startswith(b"These are my meeting notes")


# (g) ---------------------------------------------------------------------------


@pytest.fixture
def live(ws: Workspace, db_path: Path) -> Iterator[sqlite3.Connection]:
    """A database with committed rows still in the WAL and a writer holding a transaction."""
    fill(ws)
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("BEGIN IMMEDIATE")
    for i in range(200):
        conn.execute(
            "INSERT INTO people (handle, name, name_key, team, active, created_at, created_by) "
            "VALUES (?, ?, ?, '', 1, '2026-11-29 09:00:00', 'tester')",
            (f"p{i}", f"Person {i}", f"person {i}"),
        )
    conn.execute("COMMIT")
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    # An open, uncommitted write: the backup must not see it.
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO people (handle, name, name_key, team, active, created_at, created_by) "
        "VALUES ('ghost', 'Ghost', 'ghost', '', 1, '2026-11-29 09:00:00', 'tester')"
    )
    yield conn
    conn.execute("ROLLBACK")
    conn.close()


@pytest.mark.sqlite_only  # SQLite's online backup of a file with a WAL
def test_backup_of_a_live_database_is_consistent(
    live: sqlite3.Connection, db_path: Path, tmp_path: Path
) -> None:
    dest = migrate.backup_sqlite(db_path, tmp_path / "backups" / "live.db")

    assert scalar(dest, "PRAGMA integrity_check") == "ok"
    assert scalar(dest, "SELECT COUNT(*) FROM people") == 201
    assert scalar(dest, "SELECT COUNT(*) FROM people WHERE handle = 'ghost'") == 0
    assert scalar(dest, "SELECT COUNT(*) FROM tools") == 1
    assert scalar(dest, "SELECT COUNT(*) FROM audit_log") == 2
    assert scalar(dest, "SELECT version_num FROM alembic_version") == migrate.HEAD
    assert not dest.with_name(dest.name + "-wal").exists()


@pytest.fixture
def good_backup(ws: Workspace, db_path: Path, tmp_path: Path) -> Path:
    fill(ws)
    backup = migrate.backup_sqlite(db_path, tmp_path / "keep" / "good.db")
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor"})
    ws.close()
    assert scalar(db_path, "SELECT COUNT(*) FROM people") == 2
    return backup


@pytest.mark.sqlite_only  # restoring a backup file into the SQLite file
def test_restore_refuses_a_database_that_is_not_mops(
    good_backup: Path, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (email TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()

    with pytest.raises(MigrationError, match="is not a mops database"):
        migrate.restore_sqlite(other, db_path)

    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only  # restoring a backup file into the SQLite file
def test_restore_refuses_a_file_that_is_not_sqlite(
    good_backup: Path, db_path: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 1000)
    before = db_path.read_bytes()
    with pytest.raises(MigrationError, match="is not a SQLite database"):
        migrate.restore_sqlite(junk, db_path)
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only  # restoring a backup file into the SQLite file
def test_restore_refuses_a_damaged_backup(good_backup: Path, db_path: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    data = bytearray(good_backup.read_bytes())
    page = scalar(good_backup, "PRAGMA page_size")
    assert isinstance(page, int)
    # Scribble over the start of every page after the schema page: the file header and
    # the schema stay readable, the tables do not.
    for offset in range(page, len(data), page):
        data[offset : offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    before = db_path.read_bytes()

    with pytest.raises(MigrationError) as exc:
        migrate.restore_sqlite(damaged, db_path)

    assert str(damaged) in str(exc.value)
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only  # restoring a backup file into the SQLite file
def test_restore_puts_a_good_backup_in_place(good_backup: Path, db_path: Path) -> None:
    migrate.restore_sqlite(good_backup, db_path)

    assert scalar(db_path, "SELECT COUNT(*) FROM people") == 1
    assert scalar(db_path, "PRAGMA integrity_check") == "ok"
    assert mode(db_path) == 0o600
    assert not db_path.with_name(db_path.name + ".restoring").exists()
    assert migrate.is_current(f"sqlite:///{db_path}")
    ws = Workspace(f"sqlite:///{db_path}", actor="tester")
    try:
        assert [p["handle"] for p in people.list_people(ws)] == ["ana"]
        assert stack.get_by_name(ws, "HubSpot").owner == "ana"
    finally:
        ws.close()


def test_0006_keeps_the_ledger_and_adds_the_entry_search_index(empty_url: str) -> None:
    """Upgrade with data in the database: from 0005, with a line and an entry, to 0006."""
    url = empty_url
    migrate.upgrade(url, "0005")
    ws = Workspace(url, actor="tester")
    try:
        from mops_tui.services import ledger

        assert migrate.stored_revision(url) == "0005"
        people.add_person(ws, {"handle": "ana", "name": "Ana Costa"})
        line = ledger.create_line(
            ws, {"period": "2026-11", "channel": "Events", "planned": "1000", "owner": "ana"}
        )
        ledger.add_entry(
            ws,
            {"entry_date": "2026-11-03", "amount": "120.50", "line": str(line.id), "payee": "Hall"},
        )
    finally:
        ws.close()
    assert "ix_spend_entries_entry_date_search_key" not in indexes(url)
    migrate.upgrade(url)
    assert migrate.stored_revision(url) == "0006"
    assert scalar(url, "SELECT COUNT(*) FROM spend_entries") == 1
    assert scalar(url, "SELECT amount FROM spend_entries") == 12050
    assert scalar(url, "SELECT payee FROM spend_entries") == "Hall"
    assert scalar(url, "SELECT COUNT(*) FROM budget_lines") == 1
    assert indexes(url)["ix_spend_entries_entry_date_search_key"] == ["entry_date", "search_key"]
    if is_postgres(url):
        return
    conn = raw(url)
    try:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM spend_entries"
            " WHERE entry_date >= '2026-11-01' AND search_key LIKE '%hall%'"
        ).fetchall()
    finally:
        conn.close()
    assert "ix_spend_entries_entry_date_search_key" in " ".join(str(r) for r in plan)


def indexes(url: str) -> dict[str, list[str]]:
    """The indexes on ``spend_entries``, each with its columns in order (SQLite's
    ``PRAGMA index_list``/``index_info``; PostgreSQL's ``pg_indexes``)."""
    conn = raw(url)
    try:
        if is_postgres(url):
            found = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE schemaname = current_schema() AND tablename = 'spend_entries'"
            ).fetchall()
            return {
                name: [c.strip().strip('"') for c in ddl.split("(", 1)[1].rstrip(")").split(",")]
                for name, ddl in found
            }
        names = [r[1] for r in conn.execute("PRAGMA index_list(spend_entries)").fetchall()]
        return {
            name: [r[2] for r in conn.execute(f"PRAGMA index_info({name})").fetchall()]
            for name in names
        }
    finally:
        conn.close()


@pytest.mark.sqlite_only  # the backups folder beside the SQLite file
def test_a_backup_clears_what_killed_backups_left_but_not_a_fresh_one(
    ws: Workspace, db_path: Path
) -> None:
    fill(ws)
    folder = migrate.backup_dir(db_path)
    folder.mkdir(parents=True)
    old = folder / "mops-manual-1.db.partial"
    fresh = folder / "mops-manual-2.db.partial"
    old.write_bytes(b"half a copy")
    fresh.write_bytes(b"being written")
    two_hours_ago = os.stat(old).st_mtime - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    made = migrate.backup_sqlite(db_path, migrate.backup_name(db_path, "manual"))
    assert made.exists() and not old.exists() and fresh.exists()


@pytest.mark.sqlite_only  # restoring into a SQLite file another process has open
def test_restore_while_another_process_has_the_file_open(ws: Workspace, db_path: Path) -> None:
    """The backup goes into the live file through SQLite, so a connection that was open
    all along reads the restored data (no file swapped under it, no stale WAL)."""
    fill(ws)
    backup = migrate.backup_sqlite(db_path, migrate.backup_name(db_path, "manual"))
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor"})
    ws.close()
    other = sqlite3.connect(db_path)  # another mops, reading
    try:
        assert other.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 2
        migrate.restore_sqlite(backup, db_path)
        assert other.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1
        assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        other.close()
    assert mode(db_path) == 0o600
