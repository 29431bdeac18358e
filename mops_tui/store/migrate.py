"""Keep the database at the newest schema, cheaply.

``ensure_current`` reads the stored revision with stdlib ``sqlite3`` and compares it
with ``HEAD``; only when they differ does it import Alembic, back up the SQLite file
and upgrade. ``HEAD`` must name the newest migration in ``db/versions`` (a test checks).

An upgrade is one transaction from the stored revision to ``HEAD``: a crash part way
(power cut, ``kill -9``) leaves the database as it was, and the copy made before it
starts is written under a temporary name and renamed only when complete, so a backup
in the backups folder is always whole.

When SQLite reports a damaged file (``reader.is_damage``), :func:`damaged` turns the
error into a message that names the newest sound backup and the command to restore it;
:func:`integrity_problems` runs SQLite's full check on request.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mops_tui.store.reader import is_busy, is_damage

if TYPE_CHECKING:
    from mops_tui.domain.errors import DatabaseDamaged

HEAD = "0006"


class MigrationError(Exception):
    pass


def latest_backup(db_path: Path, *, sound_only: bool = True, look_at: int = 5) -> Path | None:
    """The newest backup of ``db_path`` in its backups folder, if any.

    With ``sound_only`` (used only once a file is known to be damaged) it skips
    backups that fail SQLite's ``quick_check``, looking at the ``look_at`` newest."""
    folder = backup_dir(db_path)
    try:
        found = [p for p in folder.glob(f"{db_path.stem}-*.db") if p.is_file()]
        found.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    except OSError:
        return None
    if not sound_only:
        return found[0] if found else None
    for candidate in found[:look_at]:
        if _sound(candidate):
            return candidate
    return None


def _sound(path: Path) -> bool:
    """Whether a backup passes ``quick_check``. A backup is a closed file nobody writes,
    so it is opened ``immutable``: no locks, and no -wal or -shm left beside it."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
        return bool(row) and row[0] == "ok"
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def damaged(path: Path | None, exc: BaseException) -> DatabaseDamaged:
    """The refusal for a damaged database file, naming its newest backup."""
    from mops_tui.domain.errors import DatabaseDamaged

    orig = getattr(exc, "orig", None)
    detail = str(orig if isinstance(orig, BaseException) else exc)
    if path is None:
        return DatabaseDamaged(None, detail, None, None)
    backup = latest_backup(path)
    return DatabaseDamaged(
        str(path), detail, str(backup) if backup else None, str(backup_dir(path))
    )


def integrity_problems(path: Path, *, limit: int = 20) -> list[str]:
    """What SQLite's full ``PRAGMA integrity_check`` finds wrong in the file at
    ``path`` (an empty list when it is sound). It reads every page: seconds on a big
    file, so it runs on request (``mops db check``), never on the way in."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    problems = [str(r[0]) for r in rows]
    return [] if problems == ["ok"] else problems


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
            if is_busy(exc):
                from mops_tui.domain.errors import DatabaseBusy

                raise DatabaseBusy(10.0, reading=True) from exc
            if is_damage(exc) and "malformed" in str(exc):
                raise MigrationError(str(damaged(path, exc))) from exc
            message = (
                f"{path} is not a mops database, or it is damaged ({exc}). "
                "Restore a backup with `mops db restore FILE`, or point --db at another file."
            )
            backup = latest_backup(path) if is_damage(exc) else None
            if backup is not None:
                message += f" The latest backup is {backup}."
            raise MigrationError(message) from exc
        finally:
            conn.close()
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import OperationalError

    from mops_tui.store.engine import make_engine
    from mops_tui.store.reader import unreachable

    engine = make_engine(url, writes=False)
    try:
        with engine.connect() as sa_conn:
            if not inspect(sa_conn).has_table("alembic_version"):
                return None
            value = sa_conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return str(value) if value else None
    except OperationalError as exc:
        refusal = unreachable(url, exc)
        if refusal is not None:
            raise refusal from exc
        raise
    finally:
        engine.dispose()


def is_current(url: str) -> bool:
    return stored_revision(url) == HEAD


STALE_PARTIAL_SECONDS = 3600


def _clear_stale_partials(folder: Path) -> None:
    """Remove what backups killed part way left behind (``*.partial`` over an hour
    old: a backup still being written by another process is younger than that)."""
    import time

    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for leftover in folder.glob("*.partial"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: it is never read either way


def backup_sqlite(source: Path, dest: Path) -> Path:
    """A consistent copy of a live SQLite file, through SQLite's online backup API.

    The copy is written as ``dest.partial`` (mode 0600 from the start) and renamed
    when complete, so a crash part way never leaves a broken file under a backup's
    name. A file too damaged for the backup API is copied byte for byte instead."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale_partials(dest.parent)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    try:
        try:
            src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True, timeout=10)
            try:
                out = sqlite3.connect(partial)
                try:
                    src.backup(out)
                finally:
                    out.close()
            finally:
                src.close()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            shutil.copyfile(source, partial)
        partial.chmod(0o600)
        partial.replace(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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

    All the steps run in one transaction (SQLite's DDL is transactional; Alembic on
    its own commits after each step there), so the database is either as it was or at
    ``revision``, never in between. Returns the backup's path, if one was made.
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
        # engine.begin(): Alembic sees a transaction already open and runs every step
        # inside it; it commits once, at the end.
        with engine.begin() as conn:
            command.upgrade(alembic_config(url, conn), revision)
    finally:
        engine.dispose()
    return backup


def ensure_current(url: str) -> Path | None:
    """Upgrade when the stored revision is not ``HEAD``; cheap when it is."""
    current = stored_revision(url)
    if current == HEAD:
        return None
    return upgrade(url)


BUSY_WAIT_SECONDS = 30


def restore_sqlite(backup: Path, dest: Path) -> None:
    """Replace ``dest`` with ``backup`` (after checking that the backup is a mops database)."""
    # immutable: check exactly the file that is copied below (not a -wal beside it),
    # and leave no -wal or -shm next to the backup.
    conn = sqlite3.connect(f"file:{backup.resolve()}?mode=ro&immutable=1", uri=True)
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
    if dest.exists() and _restore_in_place(backup, dest):
        return
    # No sound database to write into (a damaged or foreign file): put the copy in its
    # place. Its old -wal and -shm belong to the file being replaced, so they go too.
    for suffix in ("-wal", "-shm"):
        side = dest.with_name(dest.name + suffix)
        if side.exists():
            side.unlink()
    tmp = dest.with_name(dest.name + ".restoring")
    shutil.copyfile(backup, tmp)
    tmp.chmod(0o600)
    tmp.replace(dest)


def _restore_in_place(backup: Path, dest: Path) -> bool:
    """Copy ``backup`` into the live database through SQLite's backup API: it takes the
    write lock and keeps the WAL consistent, so another mops process that has the file
    open sees the restored data instead of a file swapped under it. False when ``dest``
    cannot be written that way (damaged, or not a database)."""
    try:
        source = sqlite3.connect(f"file:{backup.resolve()}?mode=ro&immutable=1", uri=True)
        try:
            target = sqlite3.connect(dest, timeout=BUSY_WAIT_SECONDS)
            try:
                target.execute("PRAGMA schema_version").fetchone()  # is it a database?
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.DatabaseError:
        return False
    os.chmod(dest, 0o600)
    return True
