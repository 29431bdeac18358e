"""Keep the database at the newest schema, cheaply.

``ensure_current`` reads the stored revision with stdlib ``sqlite3`` and compares it
with ``HEAD``; only when they differ does it import Alembic, back up the SQLite file
and upgrade. ``HEAD`` must name the newest migration in ``db/versions`` (a test checks).
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEAD = "0005"


class MigrationError(Exception):
    pass


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    raw = url.removeprefix("sqlite:///")
    return Path(raw) if raw and raw != ":memory:" else None


def stored_revision(url: str) -> str | None:
    """The revision recorded in the database, or ``None`` for an empty database."""
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists() or path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=10)
        try:
            row = conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if row is None:
                return None
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(rev[0]) if rev else None
        except sqlite3.DatabaseError as exc:
            raise MigrationError(
                f"{path} is not a mops database, or it is damaged ({exc}). "
                "Restore a backup with `mops db restore FILE`, or point --db at another file."
            ) from exc
        finally:
            conn.close()
    from sqlalchemy import inspect, text

    from mops_tui.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as sa_conn:
            if not inspect(sa_conn).has_table("alembic_version"):
                return None
            value = sa_conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return str(value) if value else None
    finally:
        engine.dispose()


def is_current(url: str) -> bool:
    return stored_revision(url) == HEAD


def backup_sqlite(source: Path, dest: Path) -> Path:
    """A consistent copy of a live SQLite file, through SQLite's online backup API."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True, timeout=10)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    dest.chmod(0o600)
    return dest


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_name(db_path: Path, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return backup_dir(db_path) / f"{db_path.stem}-{stamp}-{label}.db"


def alembic_config(url: str, connection: Any = None) -> Any:
    from alembic.config import Config

    from mops_tui.resources import db_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(db_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> Path | None:
    """Upgrade to ``revision``, backing up a non-empty SQLite file first.

    Returns the backup's path, if one was made.
    """
    from alembic import command

    from mops_tui.store.engine import make_engine

    path = _sqlite_path(url)
    backup: Path | None = None
    current = stored_revision(url)
    if path is not None and path.exists() and path.stat().st_size > 0 and current != HEAD:
        backup = backup_sqlite(path, backup_name(path, f"before-{revision}"))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            command.upgrade(alembic_config(url, conn), revision)
            conn.commit()
    finally:
        engine.dispose()
    return backup


def ensure_current(url: str) -> Path | None:
    """Upgrade when the stored revision is not ``HEAD``; cheap when it is."""
    current = stored_revision(url)
    if current == HEAD:
        return None
    return upgrade(url)


def restore_sqlite(backup: Path, dest: Path) -> None:
    """Replace ``dest`` with ``backup`` (after checking that the backup is a mops database)."""
    conn = sqlite3.connect(f"file:{backup.resolve()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()
        if not ok or ok[0] != "ok":
            raise MigrationError(f"{backup} fails SQLite's integrity check; choose another backup")
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has:
            raise MigrationError(f"{backup} is not a mops database")
    except sqlite3.DatabaseError as exc:
        raise MigrationError(f"{backup} is not a SQLite database ({exc})") from exc
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        side = dest.with_name(dest.name + suffix)
        if side.exists():
            side.unlink()
    tmp = dest.with_name(dest.name + ".restoring")
    shutil.copyfile(backup, tmp)
    tmp.chmod(0o600)
    tmp.replace(dest)
