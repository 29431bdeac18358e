"""``mops db copy --to URL``: the whole workspace into an empty database, checked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mops_tui.cli import main

TABLES = ("tools", "spend_entries", "audit_log", "briefs", "brief_transitions", "kpi_versions")


def _figures(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        found: dict[str, object] = {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES
        }
        found["spent"] = conn.execute("SELECT SUM(amount) FROM spend_entries").fetchone()[0]
        return found
    finally:
        conn.close()


def test_copy_to_an_empty_database_keeps_everything(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    code = main(["--db", str(demo_db), "db", "copy", "--to", f"sqlite:///{target}"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("Copied ")
    assert "Checked: sum of spend_entries.amount" in out
    assert _figures(target) == _figures(demo_db)


def test_copy_refuses_a_database_that_holds_records(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(demo_db.read_bytes())
    before = _figures(other)
    code = main(["--db", str(demo_db), "db", "copy", "--to", f"sqlite:///{other}"])
    err = capsys.readouterr().err
    assert code != 0
    assert "empty" in err
    assert _figures(other) == before


@pytest.mark.parametrize("to", [None, "same"])
def test_copy_needs_another_database(
    capsys: pytest.CaptureFixture[str], demo_db: Path, to: str | None
) -> None:
    args = ["--db", str(demo_db), "db", "copy"]
    if to:
        args += ["--to", f"sqlite:///{demo_db}"]
    assert main(args) == 2
    assert "--to" in capsys.readouterr().err
