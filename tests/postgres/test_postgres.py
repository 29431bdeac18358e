"""mops on a real PostgreSQL server: migrations, the demo, every kind of command, the
TUI, optimistic locking and the whole-workspace round trip from SQLite."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from mops_tui.cli import main
from mops_tui.domain.errors import DatabaseBusy, StaleRecord
from mops_tui.services import ledger, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store import migrate


def mops(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_upgrade_creates_the_schema_on_an_empty_server(
    capsys: pytest.CaptureFixture[str], pg_url: str
) -> None:
    code, out, err = mops(capsys, pg_url, "db", "upgrade")
    assert code == 0, err
    assert f"to {migrate.HEAD}" in out
    assert migrate.stored_revision(pg_url) == migrate.HEAD
    code, out, _ = mops(capsys, pg_url, "db", "upgrade")
    assert "Already at the newest schema" in out


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("stack", "hubspot"), "HubSpot Marketing Hub"),
        (("today",), "items need a decision"),
        (("budget", "report", "--by", "channel", "--period", "all"), "Paid search"),
        (("briefs",), "draft"),
        (("kpi", "list"), "cac_payback_months"),
        (("spend", "list", "--limit", "3"), "entries shown"),
        (("audit", "--limit", "5"), ""),
        (("calendar",), ""),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_commands_run_on_the_server(
    capsys: pytest.CaptureFixture[str], pg_demo: str, args: tuple[str, ...], expect: str
) -> None:
    code, out, err = mops(capsys, pg_demo, *args)
    assert code == 0, err
    assert expect in out


def test_check_runs_every_rule_on_the_server(
    capsys: pytest.CaptureFixture[str], pg_demo: str
) -> None:
    code, out, _ = mops(capsys, pg_demo, "check", "--integrity")
    assert "checks" in out  # the demo keeps one deliberate failure
    assert code in (0, 1)


def test_a_spend_import_is_all_or_nothing_on_the_server(
    capsys: pytest.CaptureFixture[str], pg_demo: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "Date,Amount,Payee,Line\n03/11/2026,120.50,Hall hire,2026-Q4/events\n"
        '04/11/2026,"1,234.56",Stand build,2026-Q4/events\n',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        good.read_text(encoding="utf-8") + "31/02/2026,10,Nobody,2026-Q4/events\n",
        encoding="utf-8",
    )
    code, _, err = mops(capsys, pg_demo, "spend", "import", str(bad))
    assert code != 0 and "row 4" in err
    code, out, err = mops(capsys, pg_demo, "spend", "import", str(good))
    assert code == 0, err
    assert "Imported 2 entries" in out
    code, out, _ = mops(capsys, pg_demo, "spend", "import", str(good))
    assert "Nothing new to import" in out


def test_the_second_of_two_saves_is_refused_on_the_server(pg_demo: str) -> None:
    first = Workspace(pg_demo, actor="ana")
    second = Workspace(pg_demo, actor="ben")
    try:
        tool = stack.get_by_name(first, "HubSpot Marketing Hub")
        stack.update(first, tool.id, {"notes": "renegotiate in Q1"}, tool.version)
        with pytest.raises(StaleRecord) as refused:
            stack.update(second, tool.id, {"notes": "keep as is"}, tool.version)
        assert "ana" in str(refused.value)
        assert stack.get(second, tool.id).notes == "renegotiate in Q1"
    finally:
        first.close()
        second.close()


def test_a_sqlite_workspace_moves_to_the_server_with_its_history(
    capsys: pytest.CaptureFixture[str], demo_db: Path, pg_url: str, tmp_path: Path
) -> None:
    dump = tmp_path / "workspace.json"
    code, _, err = mops(capsys, str(demo_db), "export", "--all", str(dump))
    assert code == 0, err
    assert mops(capsys, pg_url, "db", "upgrade")[0] == 0
    code, _, err = mops(capsys, pg_url, "import", "--all", str(dump))
    assert code == 0, err
    sqlite_ws = Workspace(f"sqlite:///{demo_db}", actor="t")
    pg_ws = Workspace(pg_url, actor="t")
    try:
        for sql in (
            "SELECT COUNT(*) FROM spend_entries",
            "SELECT SUM(amount) FROM spend_entries",
            "SELECT COUNT(*) FROM audit_log",
            "SELECT COUNT(*) FROM brief_transitions",
            "SELECT COUNT(*) FROM tools",
        ):
            assert pg_ws.reader.scalar(sql) == sqlite_ws.reader.scalar(sql), sql
    finally:
        sqlite_ws.close()
        pg_ws.close()
    # New records continue after the imported ids.
    code, _, err = mops(
        capsys,
        pg_url,
        "spend",
        "add",
        "2026-11-03",
        "99",
        "--line",
        "2026-Q4/events",
        "--payee",
        "After the move",
    )
    assert code == 0, err


async def test_the_app_runs_on_the_server(pg_demo: str) -> None:
    from mops_tui import settings as settings_mod
    from mops_tui.ui.app import MopsApp
    from mops_tui.ui.widgets.record_table import RecordTable

    app = MopsApp(settings_mod.load(db=pg_demo, theme="dark"))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            table = app.screen.query_one("#records", RecordTable)
            if table.is_settled:
                break
        assert app.screen.query_one("#records", RecordTable).total > 0
        await pilot.press("2")
        for _ in range(200):
            await pilot.pause(0.05)
            table = app.screen.query_one("#records", RecordTable)
            if table.is_settled and table.total:
                break
        rows = [table.row_at(i) for i in range(min(table.total, 43))]
        names = [row.name for row in rows if row is not None]
        assert "HubSpot Marketing Hub" in names


def test_db_copy_moves_a_sqlite_workspace_to_the_server_and_checks_it(
    capsys: pytest.CaptureFixture[str], demo_db: Path, pg_url: str
) -> None:
    code, out, err = mops(capsys, str(demo_db), "db", "copy", "--to", pg_url)
    assert code == 0, err
    assert "Checked: sum of spend_entries.amount" in out
    assert migrate.stored_revision(pg_url) == migrate.HEAD
    code, out, err = mops(capsys, pg_url, "stack", "hubspot")
    assert code == 0 and "HubSpot Marketing Hub" in out
    # A second copy into the same, no longer empty, database is refused.
    code, _, err = mops(capsys, str(demo_db), "db", "copy", "--to", pg_url)
    assert code != 0 and "empty" in err


def test_db_copy_never_prints_the_password_in_the_url(
    capsys: pytest.CaptureFixture[str], demo_db: Path, pg_url: str
) -> None:
    with_password = pg_url.replace("://mops@", "://mops:s3cret-pw@")
    code, out, err = mops(capsys, str(demo_db), "db", "copy", "--to", with_password)
    assert code == 0, err
    assert "tables to postgresql+psycopg://mops@127.0.0.1:" in out
    assert "s3cret-pw" not in out + err
    # Nor when the server cannot be reached.
    unreachable = "postgresql+psycopg://mops:s3cret-pw@127.0.0.1:1/nowhere"
    code, out, err = mops(capsys, str(demo_db), "db", "copy", "--to", unreachable)
    assert code != 0
    assert "cannot open postgresql+psycopg://mops@127.0.0.1:1/nowhere" in err
    assert "s3cret-pw" not in out + err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------
# Saves queue one at a time, as on SQLite; reads never wait
# ---------------------------------------------------------------------------------


class _SaveInProgress:
    """Another person part way through a save: a mops write transaction held open in
    a thread (it holds the workspace's write lock) until ``release`` or ``seconds``."""

    def __init__(self, url: str, seconds: float) -> None:
        self._ws = Workspace(url, actor="other")
        self._release = threading.Event()
        self._holding = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(seconds,), daemon=True)
        self._thread.start()
        assert self._holding.wait(10), "the other save never started"

    def _run(self, seconds: float) -> None:
        with self._ws.transaction() as session:
            session.execute(text("UPDATE tools SET notes = 'held' WHERE name = 'Canva'"))
            self._holding.set()
            self._release.wait(seconds)

    def release(self) -> None:
        self._release.set()
        self._thread.join(10)
        self._ws.close()


def _entry(ws: Workspace) -> dict[str, str]:
    line = ws.reader.scalar("SELECT MIN(id) FROM budget_lines WHERE period = '2026-11'")
    return {
        "entry_date": "2026-11-20",
        "amount": "120.00",
        "payee": "Waiting Ltd",
        "line": f"#{line}",
    }


def test_on_the_server_a_save_that_waits_too_long_is_refused_clearly(pg_demo: str) -> None:
    ws = Workspace(pg_demo, actor="tester", write_wait=0.5)
    before = ws.reader.scalar("SELECT COUNT(*) FROM spend_entries")
    other = _SaveInProgress(pg_demo, seconds=30)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as refused:
            ledger.add_entry(ws, _entry(ws))
        waited = time.monotonic() - started
    finally:
        other.release()
    assert str(refused.value) == (
        "The database is busy: another person has been saving for 0.5 seconds. "
        "Nothing was saved; try again."
    )
    assert waited < 5
    assert ws.reader.scalar("SELECT COUNT(*) FROM spend_entries") == before
    # Once the other save is over, the same save goes through.
    assert ledger.add_entry(ws, _entry(ws)).payee == "Waiting Ltd"
    assert ws.reader.scalar("SELECT COUNT(*) FROM spend_entries") == before + 1
    ws.close()


def test_on_the_server_a_save_waits_for_another_persons_save_and_reads_do_not(
    pg_demo: str,
) -> None:
    ws = Workspace(pg_demo, actor="tester", write_wait=20)
    canva = stack.get_by_name(ws, "Canva")
    other = _SaveInProgress(pg_demo, seconds=0.8)
    try:
        # A read during the other save answers at once, with what was committed.
        started = time.monotonic()
        assert stack.get_by_name(ws, "Canva").notes != "held"
        assert time.monotonic() - started < 0.5
        with pytest.raises(StaleRecord):
            # The other save changed Canva: once it commits, this edit is stale.
            stack.update(ws, canva.id, {"notes": "Saved after a wait."}, canva.version - 1)
    finally:
        other.release()
    assert 0.3 < ws.last_wait < 10
    fresh = stack.get_by_name(ws, "Canva")
    saved = stack.update(ws, fresh.id, {"notes": "Saved after a wait."}, fresh.version)
    assert saved.notes == "Saved after a wait."
    ws.close()


def test_on_the_server_a_month_closed_while_spend_is_logged_into_it_refuses_the_spend(
    pg_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "No spend in a closed month" across two people on the server. The close is part
    way through its transaction when the spend is saved: the spend queues behind it,
    then re-checks the month and is refused. (Under PostgreSQL's READ COMMITTED alone,
    the spend's re-check would not see the uncommitted close, and both would commit.)"""
    from mops_tui.domain.errors import ValidationFailed
    from mops_tui.services import audit

    closer = Workspace(pg_demo, actor="closer")
    logger = Workspace(pg_demo, actor="logger", write_wait=20)
    entry = _entry(logger)
    october = logger.reader.scalar("SELECT MIN(id) FROM budget_lines WHERE period = '2026-10'")
    entry.update(entry_date="2026-10-20", line=f"#{october}")
    before = logger.reader.scalar("SELECT COUNT(*) FROM spend_entries")

    closing, go_on = threading.Event(), threading.Event()
    record = audit.record

    def paused_record(s: object, ws: Workspace, *args: object, **kw: object) -> object:
        if ws.actor == "closer":
            closing.set()
            go_on.wait(20)
        return record(s, ws, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", paused_record)
    results: dict[str, object] = {}

    def log() -> None:
        try:
            results["saved"] = ledger.add_entry(logger, entry)
        except ValidationFailed as exc:
            results["refused"] = exc

    closing_thread = threading.Thread(target=lambda: ledger.close_period(closer, "2026-10"))
    closing_thread.start()
    assert closing.wait(20)  # the close holds its transaction open
    logging_thread = threading.Thread(target=log)
    logging_thread.start()
    time.sleep(0.5)
    assert "saved" not in results  # queued behind the close, not written past it
    go_on.set()
    closing_thread.join(20)
    logging_thread.join(20)
    assert "refused" in results, results
    assert "2026-10" in str(results["refused"]) or "October" in str(results["refused"])
    assert logger.reader.scalar("SELECT COUNT(*) FROM spend_entries") == before
    assert logger.last_wait > 0.4
    closer.close()
    logger.close()


# ---------------------------------------------------------------------------------
# A server that cannot be reached is said in words, never with a traceback
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expect"),
    [
        ("postgresql+psycopg://mops:pw@127.0.0.1:1/mops", "the server did not answer"),
        ("postgresql+psycopg://mops:pw@host.invalid/mops", "the server did not answer"),
    ],
    ids=["refused", "unknown host"],
)
def test_a_server_that_does_not_answer_is_said_in_words(
    capsys: pytest.CaptureFixture[str], where: str, expect: str
) -> None:
    from mops_tui.domain.errors import DatabaseUnreachable
    from mops_tui.store.reader import Reader

    code, _, err = mops(capsys, where, "stack", "hubspot")
    assert code == 1
    shown = where.replace(":pw@", "@")
    assert err.startswith(f"mops: Could not open the database {shown}: {expect}")
    assert "MOPS_DATABASE_URL" in err and "pw@" not in err
    # Reads and saves in a session whose server went away refuse the same way.
    with pytest.raises(DatabaseUnreachable):
        Reader(where).all("SELECT 1")
    ws = Workspace(where, actor="tester")
    with pytest.raises(DatabaseUnreachable), ws.transaction():
        pass
    ws.close()


def test_a_database_missing_on_the_server_says_how_to_create_it(
    capsys: pytest.CaptureFixture[str], pg_server: str
) -> None:
    code, _, err = mops(capsys, f"{pg_server}/no_such_db", "today")
    assert code == 1
    assert "the server has no database “no_such_db”" in err
    assert "createdb no_such_db" in err and "mops db upgrade" in err


def test_the_app_on_a_server_that_does_not_answer_closes_with_the_message() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "MOPS_DATABASE_URL": "postgresql+psycopg://mops@127.0.0.1:1/mops"}
    done = subprocess.run(
        [sys.executable, "-m", "mops_tui"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Could not open the database postgresql+psycopg://mops@127.0.0.1:1/mops" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_read_after_the_server_dropped_its_connection_just_works(pg_demo: str) -> None:
    """A server restart or an idle timeout closes pooled connections: the next read
    opens a fresh one and answers, with no error (and no ping before every read)."""
    import psycopg

    from mops_tui.store.reader import Reader

    reader = Reader(pg_demo)
    assert reader.scalar("SELECT COUNT(*) FROM tools") == 43
    plain = pg_demo.replace("postgresql+psycopg", "postgresql")
    name = pg_demo.rsplit("/", 1)[1]
    with psycopg.connect(plain, autocommit=True) as admin:
        dropped = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    assert dropped  # the reader's pooled connection was there, and is gone
    assert reader.scalar("SELECT COUNT(*) FROM tools") == 43
    reader.close()
