"""Issue 8, promise 2: a crash never leaves half a change, and a damaged file is named.

``kill -9`` lands in the middle of real ``mops`` processes (an import, a migration) at
points chosen by watching the process (its output, its WAL file, its backups folder)
and at random moments; afterwards the database must be exactly as before, or (for a
migration) at the new schema with the same data, and the backup must restore.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from relhelpers import (
    ROOT,
    damage_table,
    env,
    file_size,
    fingerprint,
    integrity,
    kill_when,
    mops,
    run,
    run_in_terminal,
    scalar,
)

from mops_tui.domain.errors import DatabaseDamaged
from mops_tui.services import ledger, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store import migrate

IMPORT_ROWS = 100_000


class Lines:
    """Collects a process's stdout lines, with the moment each arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.seen.append((time.monotonic(), line.rstrip("\n")))

    def first(self, needle: str) -> float | None:
        return next((t for t, line in self.seen if needle in line), None)

    def text(self) -> str:
        self._thread.join(timeout=10)
        return "\n".join(line for _t, line in self.seen)


# ---------------------------------------------------------------------------------
# kill -9 in the middle of a 100,000-row import
# ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_during_a_100k_row_import_leaves_the_ledger_as_it_was(
    demo_db: Path, tmp_path: Path
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from spend_csv import write_csv

    csv_path = write_csv(demo_db, tmp_path / "spend.csv", IMPORT_ROWS, today=date(2026, 11, 29))
    before = fingerprint(demo_db)
    wal = demo_db.with_name(demo_db.name + "-wal")
    rng = random.Random(8)
    report = []

    # Where to kill: while SQLite writes the transaction to the WAL (the WAL grows
    # past 2 MB), while it builds and inserts the rows (after its summary line, which
    # it prints once every row is validated), and while it reads and validates the
    # file (at 50 to 90% of the time the summary took to come in the first two runs).
    to_summary: list[float] = []
    for phase in ("committing", "inserting", "validating"):
        started = time.monotonic()
        proc = subprocess.Popen(
            mops("--db", str(demo_db), "spend", "import", str(csv_path)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        lines = Lines(proc)
        wal_start = file_size(wal)
        delay = rng.uniform(0.5, 0.9) * min(to_summary) if to_summary else 0.0

        def ready(
            phase: str = phase,
            delay: float = delay,
            wal_start: int = wal_start,
            lines: Lines = lines,
            started: float = started,
        ) -> bool:
            summary = lines.first(" rows · ")
            if phase == "validating":
                return summary is None and time.monotonic() - started > delay
            if phase == "inserting":
                return summary is not None and time.monotonic() - summary > 0.2
            return file_size(wal) > max(wal_start, 0) + 2_000_000

        killed = kill_when(proc, ready, timeout=120)
        at = time.monotonic()
        out = lines.text()
        err = proc.stderr.read() if proc.stderr else ""
        assert killed, f"the import ended before the kill ({phase}): {out}\n{err}"
        assert "Imported" not in out
        summary_at = lines.first(" rows · ")
        if summary_at is not None:
            to_summary.append(summary_at - started)
            where = f"{at - summary_at:.2f} s after the summary: all {IMPORT_ROWS:,} validated"
        else:
            assert phase == "validating", "the kill meant for validation came after it"
            share = (at - started) / min(to_summary)
            where = f"at {share:.0%} of the time to the summary: not all rows validated"
        report.append(
            f"{phase}: killed {at - started:.2f} s after start, {where}; "
            f"WAL at the kill {file_size(wal):,} bytes"
        )

        assert fingerprint(demo_db) == before, f"the ledger changed after a kill ({phase})"
        assert integrity(demo_db) == ["ok"]

    # The ledger still takes new entries, from a new process, after three crashes.
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    line = scalar(demo_db, "SELECT id FROM budget_lines WHERE period = '2026-11'")
    ledger.add_entry(
        ws, {"entry_date": "2026-11-20", "amount": "10", "payee": "After", "line": f"#{line}"}
    )
    ws.close()
    count_before = before["spend_entries"][0]  # type: ignore[index]
    assert scalar(demo_db, "SELECT COUNT(*) FROM spend_entries") == count_before + 1
    print("\n[figures] " + "\n[figures] ".join(report))


# ---------------------------------------------------------------------------------
# kill -9 in the middle of a migration
# ---------------------------------------------------------------------------------

OLD = "0003"
MIGRATION_ROWS = 60_000


def _old_database(path: Path) -> tuple[int, int]:
    """A database at revision 0003 holding MIGRATION_ROWS spend entries (the last
    migration indexes them, so the upgrade has real work to be killed in)."""
    import sqlite3

    path.parent.mkdir(parents=True)
    migrate.upgrade(f"sqlite:///{path}", OLD)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO budget_lines (id, period, period_kind, starts_on, ends_on, channel,"
            " channel_key, campaign, campaign_key, tool_id, owner_id, planned, notes,"
            " created_at, created_by, updated_at, updated_by, version) VALUES (1, '2026-11',"
            " 'month', '2026-11-01', '2026-11-30', 'Paid search', 'paid search', NULL, '',"
            " NULL, NULL, 100000000, '', '2026-11-01 09:00:00', 'seed',"
            " '2026-11-01 09:00:00', 'seed', 1)"
        )
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO spend_entries (entry_date, month, amount, kind, payee, search_key,"
            " reference, note, line_id, import_key, created_at, created_by) "
            "SELECT printf('2026-11-%02d', 1 + i % 30), '2026-11', 100 + i, 'spend',"
            " 'Payee ' || (i % 500), 'payee ' || (i % 500) || ' inv-' || i, 'INV-' || i, '',"
            " 1, 'k' || i, '2026-11-01 09:00:00', 'seed' FROM n",
            (MIGRATION_ROWS,),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count, total = conn.execute("SELECT COUNT(*), SUM(amount) FROM spend_entries").fetchone()
    finally:
        conn.close()
    return count, total


@pytest.mark.slow
def test_kill_9_during_a_migration_leaves_the_old_or_the_new_database(tmp_path: Path) -> None:
    template = tmp_path / "template" / "mops.db"
    count, total = _old_database(template)

    def fresh(name: str) -> Path:
        target = tmp_path / name / "mops.db"
        target.parent.mkdir()
        shutil.copyfile(template, target)
        return target

    # One undisturbed upgrade, to know how long one takes on this machine.
    timed = fresh("timed")
    started = time.monotonic()
    done = run(mops("--db", str(timed), "db", "upgrade"))
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert migrate.stored_revision(f"sqlite:///{timed}") == migrate.HEAD

    rng = random.Random(8)
    trials: list[tuple[str, float | None]] = [("backing up", None), ("migrating", None)]
    trials += [(f"random {f:.0%}", f * duration) for f in (0.3, 0.6, 0.85)]
    outcomes = []
    for n, (label, delay) in enumerate(trials):
        db = fresh(f"trial{n}")
        url = f"sqlite:///{db}"
        backups = migrate.backup_dir(db)
        wal = db.with_name(db.name + "-wal")
        started = time.monotonic()
        proc = subprocess.Popen(
            mops("--db", str(db), "db", "upgrade"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )

        def ready(
            label: str = label,
            delay: float | None = delay,
            wal: Path = wal,
            backups: Path = backups,
            started: float = started,
        ) -> bool:
            if label == "backing up":
                return backups.exists() and any(backups.glob("*.partial"))
            if label == "migrating":
                return file_size(wal) > 200_000  # the new index spills into the WAL
            assert delay is not None
            return time.monotonic() - started > delay + rng.uniform(-0.05, 0.05)

        killed = kill_when(proc, ready, timeout=60)
        ended = time.monotonic() - started
        proc.communicate(timeout=30)
        if label in ("backing up", "migrating"):
            assert killed, f"the upgrade ended before the kill ({label})"
        else:
            assert killed or proc.returncode == 0

        # The database opens, at the old or the new revision, with every row.
        revision = migrate.stored_revision(url)
        assert revision in (OLD, migrate.HEAD), revision
        assert integrity(db) == ["ok"]
        assert scalar(db, "SELECT COUNT(*), SUM(amount) FROM spend_entries") == count
        assert scalar(db, "SELECT SUM(amount) FROM spend_entries") == total
        # Any backup under a backup's name is whole (a half-written copy keeps its
        # .partial name, which nothing restores from).
        whole = sorted(backups.glob("*.db")) if backups.exists() else []
        for backup in whole:
            assert scalar(backup, "PRAGMA integrity_check") == "ok"
            assert scalar(backup, "SELECT version_num FROM alembic_version") == OLD
            assert scalar(backup, "SELECT COUNT(*) FROM spend_entries") == count
        outcomes.append(
            f"{label}: {'killed' if killed else 'finished'} at "
            f"{ended:.2f} s -> revision {revision}, "
            f"{'a whole backup' if whole else 'no backup yet'}"
        )

        # The pre-migration backup restores (it is whole in every trial; restoring it
        # once is enough), and the upgrade then completes.
        if label == "migrating":
            assert whole
            restored = run(mops("--db", str(db), "db", "restore", str(whole[0]), "--yes"))
            assert restored.returncode == 0, restored.stderr
            assert migrate.stored_revision(url) == OLD
            assert scalar(db, "SELECT SUM(amount) FROM spend_entries") == total
            again = run(mops("--db", str(db), "db", "upgrade"))
            assert again.returncode == 0, again.stderr
            assert migrate.stored_revision(url) == migrate.HEAD
            assert scalar(db, "SELECT SUM(amount) FROM spend_entries") == total

    print(f"\n[figures] an undisturbed upgrade took {duration:.2f} s")
    print("[figures] " + "\n[figures] ".join(outcomes))


# ---------------------------------------------------------------------------------
# A damaged file: a clear message that names the latest backup, never a traceback
# ---------------------------------------------------------------------------------


@pytest.fixture
def damaged(demo_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The team's database with the Stack's table damaged, and its latest backup."""
    db = tmp_path / "team" / "mops.db"
    db.parent.mkdir()
    shutil.copyfile(demo_db, db)
    older = migrate.backup_sqlite(db, migrate.backup_name(db, "manual"))
    time.sleep(0.01)
    latest = migrate.backup_sqlite(db, migrate.backup_name(db, "manual"))
    assert older != latest
    damage_table(db, "tools", db.with_name("damaged.db"))
    db.with_name("damaged.db").replace(db)
    return db, latest


def _says_damaged(text: str, db: Path, backup: Path) -> None:
    assert f"mops: The database file {db} is damaged" in text
    assert "database disk image is malformed" in text
    assert f"The latest backup is {backup}; restore it with: mops db restore {backup}" in text
    assert "Traceback" not in text


def test_cli_commands_on_a_damaged_file_say_so_and_name_the_latest_backup(
    damaged: tuple[Path, Path],
) -> None:
    db, backup = damaged
    for args in (("stack",), ("stack", "Canva"), ("today",)):
        result = run(mops("--db", str(db), *args))
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        _says_damaged(result.stderr, db, backup)
    # Commands that never touch the damaged pages still work.
    briefs = run(mops("--db", str(db), "briefs"))
    assert briefs.returncode == 0, briefs.stderr

    # `mops db check` runs SQLite's full check on request and names the backup.
    checked = run(mops("--db", str(db), "db", "check"))
    assert checked.returncode == 1, checked.stdout
    assert "fails SQLite's integrity check" in checked.stderr
    assert f"mops db restore {backup}" in checked.stderr
    assert "Traceback" not in checked.stderr

    # The command in the message puts things right.
    restored = run(mops("--db", str(db), "db", "restore", str(backup), "--yes"))
    assert restored.returncode == 0, restored.stderr
    again = run(mops("--db", str(db), "stack"))
    assert again.returncode == 0, again.stderr
    assert "43 tools" in again.stdout
    assert run(mops("--db", str(db), "db", "check")).returncode == 0


def test_the_tui_on_a_damaged_file_closes_with_the_message(damaged: tuple[Path, Path]) -> None:
    db, backup = damaged
    # Plain `mops` (the launch path), on a terminal, with the file from MOPS_DB.
    code, screen = run_in_terminal(mops(), {"MOPS_DB": str(db)}, seconds=30, keys=b"q")
    assert code == 1, screen[-2000:]
    _says_damaged(" ".join(screen.split()), db, backup)


def test_a_save_into_a_damaged_table_is_refused_with_the_message(
    damaged: tuple[Path, Path],
) -> None:
    db, backup = damaged
    ws = Workspace(f"sqlite:///{db}", actor="tester")
    with pytest.raises(DatabaseDamaged) as refused:
        stack.create(
            ws,
            {
                "name": "New tool",
                "vendor": "V",
                "category": "Other",
                "owner": "ana",
                "purpose": "p",
            },
        )
    ws.close()
    assert refused.value.exit_code == 1
    assert f"mops db restore {backup}" in str(refused.value)


def test_the_full_check_finds_the_damage_on_request(damaged: tuple[Path, Path]) -> None:
    db, backup = damaged
    problems = migrate.integrity_problems(db)
    assert problems and all(isinstance(p, str) for p in problems)
    assert migrate.integrity_problems(backup) == []
    # A damaged backup is never the one the message names.
    damage_table(backup, "tools", backup.with_name("x.db"))
    backup.with_name("x.db").replace(backup)
    assert migrate.latest_backup(db) != backup


def test_an_interrupted_backup_never_leaves_a_file_under_a_backups_name(
    demo_db: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backups" / "mops-manual.db"
    # A backup that copies the first pages, then stalls until it is killed.
    script = (
        "import sqlite3, sys, time\n"
        "from pathlib import Path\n"
        "from mops_tui.store import migrate\n"
        "class Stalls(sqlite3.Connection):\n"
        "    def backup(self, target, **kw):\n"
        "        super().backup(target, pages=5, progress=lambda *a: stall())\n"
        "def stall():\n"
        "    print('copying', flush=True)\n"
        "    time.sleep(60)\n"
        "connect = sqlite3.connect\n"
        "sqlite3.connect = lambda *a, **k: connect(*a, factory=Stalls, **k)\n"
        "migrate.backup_sqlite(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(demo_db), str(dest)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "copying"
    assert dest.with_name(dest.name + ".partial").exists()  # the copy under way
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not dest.exists()
    assert migrate.latest_backup(tmp_path / "mops.db") is None
    assert migrate.latest_backup(tmp_path / "mops.db", sound_only=False) is None


def test_a_damaged_file_error_that_escapes_everything_else_still_gets_the_message(
    damaged: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from mops_tui import cli, launch

    db, backup = damaged

    def broken(words: list[str]) -> int:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(cli, "main", broken)
    assert launch.main(["--db", str(db), "stack"]) == 1
    _says_damaged(capsys.readouterr().err, db, backup)

    def other(words: list[str]) -> int:
        raise sqlite3.OperationalError("no such table: tools")

    monkeypatch.setattr(cli, "main", other)
    with pytest.raises(sqlite3.OperationalError):  # any other error is not hidden
        launch.main(["--db", str(db), "stack"])
