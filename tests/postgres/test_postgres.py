"""mops on a real PostgreSQL server: migrations, the demo, every kind of command, the
TUI, optimistic locking and the whole-workspace round trip from SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from mops_tui.cli import main
from mops_tui.domain.errors import StaleRecord
from mops_tui.services import stack
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
