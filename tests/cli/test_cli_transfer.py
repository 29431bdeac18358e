"""``mops export --all FILE.json`` and ``mops import --all FILE.json``, run in-process
(and once as a real process): the round trip, the 0600 file, exit codes and the
refusals, each with nothing written."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mops_tui.cli import main


def mops(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def test_export_and_import_round_trip(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    file = tmp_path / "workspace.json"
    code, out, err = mops(capsys, demo_db, "export", "--all", str(file))
    assert code == 0, err
    assert out.startswith(f"Exported the workspace to {file} (schema ")
    assert "readable by you only" in out and "8 people" in out and "audit entries" in out
    assert stat.S_IMODE(file.stat().st_mode) == 0o600

    target = tmp_path / "moved" / "new.db"
    target.parent.mkdir()
    code, out, err = mops(capsys, target, "import", "--all", str(file), "--dry-run")
    assert code == 0, err
    assert out.startswith(f"Dry run: {file} can be imported")
    assert "Nothing was written." in out
    code, out, err = mops(capsys, target, "import", "--all", str(file))
    assert code == 0, err
    assert out.startswith(f"Imported {file} (schema ")
    assert dump(target) == dump(demo_db)

    # A second import into the now full database is refused, and changes nothing.
    before = dump(target)
    code, out, err = mops(capsys, target, "import", "--all", str(file))
    assert code == 1
    assert out == ""
    assert "already holds 8 people" in err and "empty database only" in err
    assert dump(target) == before


def test_both_commands_need_all(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, _out, err = mops(capsys, demo_db, "export", "x.json")
    assert code == 2
    assert "mops export --all FILE.json" in err
    code, _out, err = mops(capsys, demo_db, "import", "x.json")
    assert code == 2
    assert "mops import --all FILE.json" in err
    code, _out, err = mops(capsys, demo_db, "export", "--all", "-")
    assert code == 2 and "give a file name" in err


def test_import_refusals_name_the_problem_and_write_nothing(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    file = tmp_path / "workspace.json"
    assert mops(capsys, demo_db, "export", "--all", str(file))[0] == 0
    text = file.read_text(encoding="utf-8")
    target = tmp_path / "new.db"

    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 3], encoding="utf-8")
    code, _out, err = mops(capsys, target, "import", "--all", str(cut))
    assert code == 2
    assert f"mops: {cut} is not complete JSON: it ends too soon" in err

    doc = json.loads(text)
    del doc["tables"]["kpis"][0]["label"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc), encoding="utf-8")
    code, _out, err = mops(capsys, target, "import", "--all", str(edited))
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == f"mops: {edited} cannot be imported; nothing was written. 1 problem:"
    assert lines[1] == "  kpis, row 1 (id 1): the field “label” is missing"

    doc = json.loads(text)
    doc["format_version"] = 99
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(doc), encoding="utf-8")
    code, _out, err = mops(capsys, target, "import", "--all", str(newer))
    assert code == 2 and "written by a newer mops" in err

    code, _out, err = mops(capsys, target, "import", "--all", str(tmp_path / "nothing.json"))
    assert code == 2 and "there is no file" in err

    # The refused imports left the new database empty.
    assert all(
        not rows
        for name, rows in dump(target).items()
        if name not in ("alembic_version", "workspace_settings")
    )


def test_help_lists_both_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "export" in out and "import" in out
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "empty" in capsys.readouterr().out


def test_as_a_real_process(demo_db: Path, tmp_path: Path) -> None:
    file = tmp_path / "w.json"
    env = {**os.environ, "MOPS_TODAY": "2026-11-29"}
    done = subprocess.run(
        [sys.executable, "-m", "mops_tui", "--db", str(demo_db), "export", "--all", str(file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    target = tmp_path / "n.db"
    done = subprocess.run(
        [sys.executable, "-m", "mops_tui", "--db", str(target), "import", "--all", str(file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert dump(target) == dump(demo_db)
