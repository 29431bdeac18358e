"""``mops check``, ``mops audit`` and ``mops undo``, run in-process (and once as a
real process): exit codes, 80-column output and JSON."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mops_tui.cli import main
from mops_tui.domain.text import cell_width
from mops_tui.services import check, stack
from mops_tui.services.workspace import Workspace


def mops(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def execute(db: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def too_wide(text: str, limit: int = 80) -> list[str]:
    return [line for line in text.splitlines() if cell_width(line) > limit]


def break_hubspot(db: Path) -> None:
    execute(db, "UPDATE tools SET renewal_date = NULL WHERE name = 'HubSpot Marketing Hub'")


# ---------------------------------------------------------------------------
# mops check
# ---------------------------------------------------------------------------


def test_check_passes_on_a_clean_workspace(
    capsys: pytest.CaptureFixture[str], db_path: Path, db_url: str
) -> None:
    code, out, err = mops(capsys, db_path, "check")
    assert code == 0, err
    lines = out.splitlines()
    assert sum(line.startswith("✓ ") for line in lines) == 14
    assert "✗" not in out
    assert lines[-1] == "All 14 checks passed."
    assert not too_wide(out)


def test_check_fails_with_the_record_that_breaks_a_rule(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    break_hubspot(demo_db)
    code, out, err = mops(capsys, demo_db, "check")
    assert code == 1
    assert err == ""
    assert "✗ Tools under contract have an owner, a cost and a renewal date (1 record)" in out
    assert "    • HubSpot Marketing Hub: active with no renewal date" in out
    assert "  rule: tool-incomplete" in out
    assert "✓ Every tool, KPI and brief has its creation in the audit log" in out
    assert "checks failed" in out.splitlines()[-1]
    assert not too_wide(out)


def test_check_exit_code_follows_the_demo(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    ws = Workspace(f"sqlite:///{demo_db}")
    try:
        expected = 1 if any(not r.passed for r in check.run_checks(ws)) else 0
    finally:
        ws.close()
    code, out, _err = mops(capsys, demo_db, "check")
    assert code == expected
    assert not too_wide(out)


def test_check_json_for_ci(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    break_hubspot(demo_db)
    code, out, _err = mops(capsys, demo_db, "check", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["checks"] == 14 and data["failed"] >= 1
    [tool_rule] = [r for r in data["results"] if r["code"] == "tool-incomplete"]
    assert tool_rule["passed"] is False and tool_rule["failing"] == 1
    assert tool_rule["area"] == "stack"
    [record] = tool_rule["records"]
    assert record["entity"] == "tool" and record["name"] == "HubSpot Marketing Hub"
    assert isinstance(record["id"], int) and record["why"]


def test_check_one_rule_or_area(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _err = mops(capsys, demo_db, "check", "--rule", "audit-gap")
    assert code == 0
    assert out.splitlines()[0] == "✓ Every tool, KPI and brief has its creation in the audit log"
    assert out.splitlines()[-1] == "All 1 checks passed."
    code, out, _err = mops(capsys, demo_db, "check", "--area", "briefs", "--json")
    assert code == 0
    assert {r["area"] for r in json.loads(out)["results"]} == {"briefs"}


def test_check_lists_at_most_the_limit(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    execute(demo_db, "UPDATE spend_entries SET entry_date = '2019-01-15'")
    code, out, _err = mops(capsys, demo_db, "check", "--rule", "spend-outside-line", "--limit", "3")
    assert code == 1
    assert out.count("    • #") == 3
    assert "more (--limit" in out
    assert not too_wide(out)


def test_check_refuses_bad_options(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, _out, err = mops(capsys, demo_db, "check", "--rule", "nonsense")
    assert code == 2
    assert "no check is called nonsense" in err
    code, _out, err = mops(capsys, demo_db, "check", "--limit", "-1")
    assert code == 2
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(demo_db), "check", "--area", "crm"])
    assert exited.value.code == 2


@pytest.mark.slow
def test_check_in_a_real_process(demo_db: Path) -> None:
    break_hubspot(demo_db)
    result = subprocess.run(
        [sys.executable, "-m", "mops_tui", "--db", str(demo_db), "check", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["ok"] is False


# ---------------------------------------------------------------------------
# mops audit
# ---------------------------------------------------------------------------


def test_audit_lists_newest_first_in_80_columns(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, out, err = mops(capsys, demo_db, "audit", "--limit", "30")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["When", "Who", "Area", "Action", "Summary"]
    stamps = [line[:16] for line in lines[1:] if line[:4].isdigit()]
    assert len(stamps) == 30
    assert stamps == sorted(stamps, reverse=True)
    assert not too_wide(out)


def test_audit_filters_by_actor_area_and_date(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="ana")
    try:
        tool = stack.get_by_name(ws, "Canva")
        stack.update(ws, tool.id, {"seats_used": "3"}, tool.version)
    finally:
        ws.close()
    code, out, _err = mops(capsys, demo_db, "audit", "--actor", "ana", "--json")
    assert code == 0
    [entry] = json.loads(out)
    assert entry["actor"] == "ana" and entry["area"] == "tool" and entry["action"] == "edited"
    assert entry["after"] == {"seats_used": 3}
    assert entry["record_id"] == tool.id
    code, out, _err = mops(
        capsys,
        demo_db,
        "audit",
        "--area",
        "kpi",
        "--since",
        "2026-11-29",
        "--json",
        "--limit",
        "500",
    )
    entries = json.loads(out)
    assert entries and {e["area"] for e in entries} == {"kpi"}
    assert all(e["at"] >= "2026-11-29" for e in entries)
    code, out, _err = mops(capsys, demo_db, "audit", "--actor", "nobody")
    assert code == 0 and out.strip() == "No changes match."


def test_audit_refuses_a_bad_date(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, _out, err = mops(capsys, demo_db, "audit", "--since", "the thirteenth of never")
    assert code == 2
    assert err.startswith("mops: --since:")


# ---------------------------------------------------------------------------
# mops undo
# ---------------------------------------------------------------------------


def test_undo_with_nothing_to_undo(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "undo")
    assert code == 1
    assert out == ""
    assert err.strip() == "mops: tester has no change to undo in this workspace."


def test_undo_your_last_edit(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        tool = stack.get_by_name(ws, "Canva")
        stack.update(ws, tool.id, {"seats_bought": "99"}, tool.version)
        code, out, _err = mops(capsys, demo_db, "undo", "--dry-run")
        assert code == 0
        assert out.startswith("Would undo your change #")
        assert "seats bought back from 99 to" in out
        assert stack.get(ws, tool.id).seats_bought == 99
        code, out, _err = mops(capsys, demo_db, "undo")
        assert code == 0
        assert out.startswith("Undone: Set Canva's seats bought back from 99 to")
        assert stack.get(ws, tool.id).seats_bought == tool.seats_bought
    finally:
        ws.close()
    code, out, _err = mops(capsys, demo_db, "audit", "--actor", "tester", "--json")
    assert [e["action"] for e in json.loads(out)] == ["undo", "edited", "edited"]


def test_undo_refuses_a_status_move(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        tool = stack.get_by_name(ws, "Canva")
        stack.transition(ws, tool.id, {"status": "under_review"}, tool.version)
    finally:
        ws.close()
    code, _out, err = mops(capsys, demo_db, "undo", "--json")
    assert code == 1
    assert "Status moves are not undone with u" in err
