"""``mops today``: the Home inbox as text and JSON, in-process on a copy of the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mops_tui.cli import main
from mops_tui.domain.text import cell_width
from mops_tui.services import triage
from mops_tui.services.workspace import Workspace


def mops(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_today_prints_the_ranked_inbox(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "today")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Sunday 29 November 2026 · ")
    assert "Briefs:" in lines[1] and "in review" in lines[1]
    assert "Spend:" in lines[2] and "Renewals:" in lines[2]
    assert lines[3].startswith("Compliance gaps: ")
    assert all(cell_width(line) <= 80 for line in lines), out
    assert "\x1b" not in out
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    items = triage.inbox(ws)
    ws.close()
    assert f"· {len(items)} items need a decision" in lines[0]
    # The 15 most urgent, in rank order, then how many more.
    positions = [out.index(i.title) for i in items[:15] if not i.title.startswith("#")]
    assert positions == sorted(positions)
    assert f"…and {len(items) - 15} more" in out


def test_today_all_and_limit(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    _, everything, _ = mops(capsys, demo_db, "today", "--all")
    assert "more." not in everything
    code, few, _ = mops(capsys, demo_db, "today", "--limit", "3")
    assert code == 0
    body = [line for line in few.splitlines()[5:] if line and not line.startswith(" " * 6)]
    assert len(body) == 4  # three items and the "…and N more" line


@pytest.mark.parametrize("bad", ["0", "-1", "lots", "1.5"])
def test_a_bad_limit_is_refused(
    capsys: pytest.CaptureFixture[str], demo_db: Path, bad: str
) -> None:
    code, out, err = mops(capsys, demo_db, "today", f"--limit={bad}")
    assert code == 2
    assert out == ""
    assert "--limit takes a number of items" in err


def test_today_json_matches_the_service(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "today", "--json")
    assert code == 0, err
    data = json.loads(out)
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    items = triage.inbox(ws)
    figures = triage.figures(ws, items)
    ws.close()
    assert data["today"] == "2026-11-29"
    assert data["total"] == len(items) == len(data["items"])
    assert [i["key"] for i in data["items"]] == [i.key for i in items]
    assert data["figures"]["compliance_gaps"] == figures.compliance_gaps
    assert data["figures"]["briefs_by_state"] == figures.briefs_by_state
    first = data["items"][0]
    assert set(first) == {
        "key",
        "area",
        "kind",
        "item",
        "why",
        "due",
        "waiting_working_days",
        "annual_cost",
        "urgency",
        "record",
    }
    assert first["record"]["mode"] in {"stack", "briefs", "ledger", "ledger-period", "kpis"}


def test_snoozed_items_are_hidden_until_asked_for(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    top = triage.inbox(ws)[0]
    triage.snooze(ws, top.key, "+3d", "waiting on finance")
    ws.close()
    _, out, _ = mops(capsys, demo_db, "today", "--json")
    data = json.loads(out)
    assert top.key not in [i["key"] for i in data["items"]]
    assert data["figures"]["snoozed"] == 1
    _, out, _ = mops(capsys, demo_db, "today", "--json", "--snoozed")
    assert top.key in [i["key"] for i in json.loads(out)["items"]]
    _, text, _ = mops(capsys, demo_db, "today")
    assert "(1 snoozed)" in text.splitlines()[0]


def test_an_empty_workspace_has_nothing_to_decide(
    capsys: pytest.CaptureFixture[str], db_url: str, db_path: Path
) -> None:
    code, out, _ = mops(capsys, db_path, "today")
    assert code == 0
    assert "0 items need a decision" in out
    assert "Nothing needs a decision today." in out


def test_stored_escape_codes_are_shown_not_sent(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    import sqlite3

    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    tool_item = next(i for i in triage.inbox(ws) if i.area == "Stack")
    ws.close()
    with sqlite3.connect(demo_db) as con:
        con.execute(
            "UPDATE tools SET name = ? WHERE id = ?",
            ("Evil\x1b[2J[bold]tool[/]", tool_item.target[1]),
        )
    _, out, _ = mops(capsys, demo_db, "today", "--all")
    assert "\x1b" not in out
    assert "[bold]tool[/]" in out
