"""The ``mops`` command, run in-process on a copy of the demo database.

``main()`` returns the exit code; argparse's own exits (``--version``, bad commands)
raise ``SystemExit``. stdout is not a terminal under capsys, so the output must be
plain text that fits 80 columns.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mops_tui import __version__
from mops_tui.cli import main
from mops_tui.domain.text import cell_width
from mops_tui.services import demo, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store import migrate

TODAY = date(2026, 11, 29)
KNOWN_TOOLS = 43


def mops(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def execute(db: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def too_wide(text: str, limit: int = 80) -> list[tuple[int, str]]:
    return [(cell_width(line), line) for line in text.splitlines() if cell_width(line) > limit]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# ---------------------------------------------------------------------------
# mops stack NAME: one record
# ---------------------------------------------------------------------------


def test_lookup_prints_the_whole_record(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "stack", "hubspot")

    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("HubSpot Marketing Hub  active")
    assert "Vendor       HubSpot · Marketing automation" in lines
    assert "Owner        Ana Costa (ana)" in lines
    assert "Cost         £38,400 a year, billed annually · £1,600 per used seat" in lines
    assert f"Renewal      {day(140)} (in 140 days) · auto-renews · 60 days' notice" in lines
    assert f"Cancel by    {day(80)} (in 80 days)" in lines
    assert "Seats        24 used of 30 bought (80%)" in lines
    assert f"Privacy      holds personal data · DPA signed {day(-400)} · region EU" in lines
    assert f"Reviewed     {day(-70)}" in lines
    assert "Integrations" in lines
    assert "  → Salesforce Sales Cloud: contacts and lifecycle stage (personal data)" in lines
    assert "  ← Salesforce Sales Cloud: opportunity stage and revenue" in lines
    assert sum(1 for line in lines if line.startswith(("  → ", "  ← "))) == 10
    # Clearbit's vendor is HubSpot: it is mentioned, not printed as a second card.
    assert lines[-1] == "Also matching “hubspot” by vendor, category or owner: Clearbit"


def test_lookup_prints_the_flags_and_why(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "6sense")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["6sense", "evaluating", "DPA"]
    assert "Privacy      holds personal data · NO DPA · region US" in lines
    assert "Renewal      no renewal date" in lines
    assert "Reviewed     never" in lines
    assert lines[-2:] == ["Flags", "  ! Compliance gap: holds personal data with no signed DPA."]


def test_lookup_of_a_retired_tool_shows_why_it_was_retired(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "mailchimp")
    assert code == 0
    assert out.splitlines()[0] == "Mailchimp  retired"
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Retired"))
    assert lines[at].startswith(f"Retired      {day(-45)}: The newsletter moved to HubSpot;")
    # The reason wraps under its label, not under the margin.
    assert lines[at + 1].startswith(" " * 13)
    assert lines[at + 1].strip().endswith("account closed.")


# ---------------------------------------------------------------------------
# mops stack [QUERY]: tables
# ---------------------------------------------------------------------------


def test_stack_alone_lists_every_tool(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "stack")
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == [
        "Tool",
        "Owner",
        "Status",
        "Cost/yr",
        "Cancel",
        "by",
        "Use",
        "Flags",
    ]
    assert len(lines) == 1 + KNOWN_TOOLS + 1
    assert lines[-1] == f"{KNOWN_TOOLS} tools"
    names = [t.name for t in demo.TOOLS]
    for name in names:
        shown = name if len(name) <= 18 else name[:17]
        assert any(line.startswith(shown) for line in lines[1:-1]), name


def test_several_matches_print_a_table_and_a_count(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "status:retired")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Tool")
    assert [line.split()[0] for line in lines[1:-1]] == ["Clearbit", "Mailchimp", "Unbounce"]
    assert all("retired" in line for line in lines[1:-1])
    assert lines[-1] == "3 tools match “status:retired”"


def test_an_empty_stack_says_how_to_fill_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _ = mops(capsys, db_path, "stack")
    assert code == 0
    assert out.startswith("The stack is empty.")
    assert "mops demo" in out


def test_no_match_exits_1_and_suggests(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "stack", "hubspt")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "mops: no tool matches “hubspt”",
        "Did you mean: HubSpot Marketing Hub?",
    ]


def test_no_match_without_anything_close(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "stack", "qqqqzzzz")
    assert code == 1
    assert out == ""
    assert err == "mops: no tool matches “qqqqzzzz”\n"


# ---------------------------------------------------------------------------
# --json and --csv
# ---------------------------------------------------------------------------


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_json_is_an_array_with_snake_case_keys(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "--json")
    assert code == 0
    data = json.loads(out)
    assert isinstance(data, list)
    assert len(data) == KNOWN_TOOLS
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in _keys(data))
    required = {
        "name",
        "vendor",
        "category",
        "owner",
        "owner_name",
        "status",
        "annual_cost",
        "annual_cost_minor",
        "renewal_date",
        "cancel_by",
        "seats_bought",
        "seats_used",
        "holds_personal_data",
        "dpa_signed_on",
        "integrations",
        "flags",
    }
    assert all(required <= set(item) for item in data)

    hub = next(item for item in data if item["name"] == "HubSpot Marketing Hub")
    assert hub["owner"] == "ana"
    assert hub["annual_cost"] == "38400.00"
    assert hub["annual_cost_minor"] == 3_840_000
    assert hub["currency"] == "GBP"
    assert hub["renewal_date"] == day(140)
    assert hub["cancel_by"] == day(80)
    assert hub["days_to_renewal"] == 140
    assert len(hub["integrations"]) == 10
    assert {
        "direction": "out",
        "tool": "Salesforce Sales Cloud",
        "data": "contacts and lifecycle stage",
        "personal": True,
    } in hub["integrations"]
    sixsense = next(item for item in data if item["name"] == "6sense")
    assert [f["code"] for f in sixsense["flags"]] == ["compliance"]
    assert sixsense["flags"][0]["reason"].startswith("Compliance gap")


def test_json_lookup_and_no_match(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "hubspot marketing hub", "--json")
    assert code == 0
    assert [item["name"] for item in json.loads(out)] == ["HubSpot Marketing Hub"]
    code, out, _ = mops(capsys, demo_db, "stack", "nothing-at-all", "--json")
    assert code == 1
    assert json.loads(out) == []


def test_csv_output(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", "--csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == KNOWN_TOOLS
    assert list(table[0]) == list(stack.EXPORT_COLUMNS)
    hub = next(r for r in table if r["name"] == "HubSpot Marketing Hub")
    assert (hub["owner"], hub["annual_cost"], hub["cancel_by"]) == ("ana", "38400.00", day(80))

    code, out, _ = mops(capsys, demo_db, "stack", "cat:crm", "--csv")
    assert code == 0
    assert [r["name"] for r in csv.DictReader(io.StringIO(out))] == ["Salesforce Sales Cloud"]


# ---------------------------------------------------------------------------
# Plain output: 80 columns, no escape codes, stored escapes made visible
# ---------------------------------------------------------------------------

_TOO_WIDE = {"Fivetran", "Intercom"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            t.name,
        )
        if t.name in _TOO_WIDE
        else t.name
        for t in demo.TOOLS
    ],
)
def test_every_card_fits_80_columns(
    capsys: pytest.CaptureFixture[str], demo_db: Path, name: str
) -> None:
    code, out, _ = mops(capsys, demo_db, "stack", name)
    assert code == 0
    assert out.splitlines()[0].startswith(name)
    assert too_wide(out) == []


@pytest.mark.parametrize(
    "args",
    [
        ("stack",),
        ("stack", "hub"),
        ("stack", "owner:ana"),
        ("people",),
        ("stack", "status:retired"),
    ],
)
def test_tables_fit_80_columns_and_carry_no_escape_codes(
    capsys: pytest.CaptureFixture[str], demo_db: Path, args: tuple[str, ...]
) -> None:
    code, out, err = mops(capsys, demo_db, *args)
    assert code == 0
    assert too_wide(out) == []
    assert "\x1b" not in out
    assert "\x1b" not in err


def _on_terminal(
    monkeypatch: pytest.MonkeyPatch, db: Path, *args: str, no_color: bool, term: str = "xterm"
) -> str:
    screen = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("TERM", term)
    monkeypatch.setenv("COLUMNS", "80")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["--db", str(db), *args]) == 0
    return screen.getvalue()


@pytest.mark.parametrize("args", [("stack",), ("stack", "6sense"), ("people",)])
def test_no_color_means_no_escape_codes_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, args: tuple[str, ...]
) -> None:
    coloured = _on_terminal(monkeypatch, demo_db, *args, no_color=False)
    assert "\x1b[" in coloured  # on a terminal, colour is used
    assert "\x1b" not in _on_terminal(monkeypatch, demo_db, *args, no_color=True)
    assert "\x1b" not in _on_terminal(monkeypatch, demo_db, *args, no_color=False, term="dumb")


def test_colour_on_a_terminal_uses_only_16_colour_codes(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    out = _on_terminal(monkeypatch, demo_db, "stack", no_color=False)
    codes = set(re.findall(r"\x1b\[([0-9;]*)m", out))
    assert codes
    for code in codes:
        assert all(int(part) < 50 for part in code.split(";") if part), code
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert too_wide(plain) == []


@pytest.fixture
def escaped_db(demo_db: Path) -> Path:
    """Legacy data written behind mops' back, holding terminal escape codes."""
    execute(
        demo_db,
        "UPDATE tools SET purpose = 'Nurture \x1b[31memails\x1b[0m and scoring' "
        "WHERE name = 'HubSpot Marketing Hub'",
    )
    execute(
        demo_db,
        "UPDATE tools SET name = 'Canva\x1b[31m', name_key = 'canva\x1b[31m' WHERE name = 'Canva'",
    )
    return demo_db


def test_stored_escape_codes_print_visibly_in_a_card(
    capsys: pytest.CaptureFixture[str], escaped_db: Path
) -> None:
    code, out, _ = mops(capsys, escaped_db, "stack", "hubspot")
    assert code == 0
    assert "\x1b" not in out
    assert "Purpose      Nurture ␛[31memails␛[0m and scoring" in out.splitlines()


def test_stored_escape_codes_print_visibly_in_a_table(
    capsys: pytest.CaptureFixture[str], escaped_db: Path
) -> None:
    code, out, _ = mops(capsys, escaped_db, "stack")
    assert code == 0
    assert "\x1b" not in out
    assert any(line.startswith("Canva␛[31m") for line in out.splitlines())


def test_stored_escape_codes_are_escaped_in_json(
    capsys: pytest.CaptureFixture[str], escaped_db: Path
) -> None:
    code, out, _ = mops(capsys, escaped_db, "stack", "hubspot", "--json")
    assert code == 0
    assert "\x1b" not in out
    hub = next(t for t in json.loads(out) if t["name"] == "HubSpot Marketing Hub")
    assert hub["purpose"] == "Nurture \x1b[31memails\x1b[0m and scoring"


def test_stored_escape_codes_never_reach_the_terminal_as_csv(
    capsys: pytest.CaptureFixture[str], escaped_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = mops(capsys, escaped_db, "stack", "hubspot", "--csv")
    assert code == 0
    assert "\x1b" not in out
    assert "Nurture ␛[31memails␛[0m and scoring" in out


def test_csv_into_a_pipe_keeps_the_stored_text_exactly(
    capsys: pytest.CaptureFixture[str], escaped_db: Path
) -> None:
    code, out, _ = mops(capsys, escaped_db, "stack", "hubspot", "--csv")
    assert code == 0
    assert "Nurture \x1b[31memails\x1b[0m and scoring" in out


# ---------------------------------------------------------------------------
# Export and import
# ---------------------------------------------------------------------------


def test_export_then_dry_run_import_changes_nothing(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "stack.csv"
    code, out, err = mops(capsys, demo_db, "stack", "export", "-o", str(target))
    assert code == 0
    assert out == ""
    assert err == f"Wrote {KNOWN_TOOLS} tools to {target}\n"
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(stack.EXPORT_COLUMNS)
    audits = count(demo_db, "SELECT COUNT(*) FROM audit_log")

    code, out, err = mops(capsys, demo_db, "stack", "import", str(target), "--dry-run")

    assert code == 0
    assert out == (
        f"Would add 0 tool(s), would update 0, {KNOWN_TOOLS} unchanged. "
        "Dry run: nothing was written.\n"
    )
    # Canva's seat overrun is a warning, not a refusal.
    assert err.startswith("warning: row ")
    assert count(demo_db, "SELECT COUNT(*) FROM audit_log") == audits

    code, out, _ = mops(capsys, demo_db, "stack", "import", str(target))
    assert code == 0
    assert out == f"Added 0 tool(s), updated 0, {KNOWN_TOOLS} unchanged.\n"
    assert count(demo_db, "SELECT COUNT(*) FROM audit_log") == audits


def test_export_counts_tools_not_lines(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        hub = stack.get_by_name(ws, "HubSpot Marketing Hub")
        stack.update(ws, hub.id, {"notes": "first line\nsecond line"}, hub.version)
    finally:
        ws.close()
    target = tmp_path / "stack.csv"
    code, _, err = mops(capsys, demo_db, "stack", "export", "-o", str(target))
    assert code == 0
    assert err == f"Wrote {KNOWN_TOOLS} tools to {target}\n"


def test_import_with_bad_rows_exits_2_and_lists_each_problem(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,vendor,category,owner,purpose,status,annual_cost,renewal_date,Budget Code\n"
        "New Tool,V,CRM,ana,p,active,100,2027-01-31,X1\n"
        "Neg,V,CRM,ana,p,active,-5,2027-01-31,X2\n"
        "Later,V,CRM,zed,p,active,100,2026-02-30,X3\n"
        "Slack,Slack,Collaboration,ana,p,evaluating,,,X4\n",
        encoding="utf-8",
    )
    tools = count(demo_db, "SELECT COUNT(*) FROM tools")

    code, out, err = mops(capsys, demo_db, "stack", "import", str(bad))

    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "note: column “Budget Code” is not a tool field; ignored"
    problems = [line for line in lines if line.startswith("row ")]
    assert problems == [
        "row 3: annual_cost: cannot be negative",
        "row 4: renewal_date: “2026-02-30” is not a real date: February 2026 has 28 days",
        "row 5: status: a tool cannot go from active to evaluating; from active it can "
        "become: under review, decommissioning, retired",
    ]
    assert lines[-1] == (
        "mops: 3 row(s) have problems; nothing was imported. Fix them and run the import again."
    )
    assert count(demo_db, "SELECT COUNT(*) FROM tools") == tools


def test_import_of_a_missing_or_unreadable_file(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    code, _, err = mops(capsys, demo_db, "stack", "import", str(tmp_path / "nope.csv"))
    assert code == 2
    assert err == f"mops: there is no file {tmp_path / 'nope.csv'}\n"
    binary = tmp_path / "sheet.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    code, _, err = mops(capsys, demo_db, "stack", "import", str(binary))
    assert code == 2
    assert "is not text" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------
# mops people
# ---------------------------------------------------------------------------


def test_people_lists_the_team(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "people")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Handle", "Name", "Team"]
    assert lines[-1] == "8 people"
    ana = next(line for line in lines if line.startswith("ana "))
    assert "Ana Costa" in ana and "Marketing Ops" in ana


def test_people_add_and_refusals(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(
        capsys, demo_db, "people", "add", "zoe", "Zoë Quinn", "--team", "Brand", "--email", "z@x.io"
    )
    assert code == 0
    assert out == "Added Zoë Quinn (zoe).\n"
    code, out, _ = mops(capsys, demo_db, "people", "--json")
    zoe = next(p for p in json.loads(out) if p["handle"] == "zoe")
    assert (zoe["name"], zoe["team"], zoe["email"], zoe["tools_owned"]) == (
        "Zoë Quinn",
        "Brand",
        "z@x.io",
        0,
    )

    code, out, err = mops(capsys, demo_db, "people", "add", "Bad Handle", "Someone")
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "mops: nothing was saved:",
        "  handle: use 1 to 32 lower-case letters, digits, dots, dashes or underscores, "
        "starting with a letter (for example ana or j.smith)",
    ]
    code, _, err = mops(capsys, demo_db, "people", "add", "ana", "Another Ana")
    assert code == 2
    assert "  handle: “ana” is already someone's handle" in err.splitlines()
    code, _, err = mops(capsys, demo_db, "people", "add", "solo")
    assert code == 2
    assert err.startswith("mops: usage: mops people add HANDLE")
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 9


# ---------------------------------------------------------------------------
# mops demo
# ---------------------------------------------------------------------------


def test_demo_refuses_a_database_with_data_unless_forced(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    execute(
        demo_db,
        "INSERT INTO people (handle, name, name_key, team, active, created_at, created_by) "
        "VALUES ('extra', 'Extra Person', 'extra person', '', 1, '2026-11-29 09:00:00', 'x')",
    )
    code, out, err = mops(capsys, demo_db, "demo")
    assert code == 1
    assert out == ""
    assert "already holds data" in err
    assert "mops demo --force" in err
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 9

    code, out, _ = mops(capsys, demo_db, "demo", "--force")
    assert code == 0
    assert out.splitlines()[0] == (
        f"Demo workspace ready in {demo_db}: 8 people, 43 tools, 29 integrations, 19 KPIs, "
        "254 budget lines, 2647 spend entries, 60 briefs."
    )
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 8
    assert count(demo_db, "SELECT COUNT(*) FROM tools") == KNOWN_TOOLS
    assert count(demo_db, "SELECT COUNT(*) FROM audit_log WHERE actor <> 'tester'") == 0


def test_demo_into_an_empty_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "new" / "mops.db"
    code, out, _ = mops(capsys, db, "demo")
    assert code == 0
    assert "43 tools" in out
    assert out.splitlines()[-1] == "Open it with: mops"


# ---------------------------------------------------------------------------
# mops db
# ---------------------------------------------------------------------------


def test_db_path(capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path) -> None:
    code, out, err = mops(capsys, demo_db, "db", "path")
    assert (code, out, err) == (0, f"{demo_db}\n", "")
    missing = tmp_path / "later.db"
    code, out, err = mops(capsys, missing, "db", "path")
    assert (code, out) == (0, f"{missing}\n")
    assert "not created yet" in err
    assert not missing.exists()


def test_db_upgrade(capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "db", "upgrade")
    assert (code, out) == (0, f"Already at the newest schema ({migrate.HEAD}).\n")
    assert not (demo_db.parent / "backups").exists()
    code, out, _ = mops(capsys, tmp_path / "empty.db", "db", "upgrade")
    assert (code, out) == (0, f"Upgraded from an empty database to {migrate.HEAD}.\n")


def test_db_backup_and_restore(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = tmp_path / "saved" / "copy.db"
    code, out, _ = mops(capsys, demo_db, "db", "backup", str(backup))
    assert (code, out) == (0, f"Backed up {demo_db} to {backup}\n")
    assert count(backup, "SELECT COUNT(*) FROM tools") == KNOWN_TOOLS
    code, _, err = mops(capsys, demo_db, "db", "backup", str(backup))
    assert code == 2
    assert "already exists" in err

    mops(capsys, demo_db, "people", "add", "zoe", "Zoe Quinn")
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 9

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = mops(capsys, demo_db, "db", "restore", str(backup))
    assert code == 2
    assert "add --yes to confirm" in err
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 9

    code, out, _ = mops(capsys, demo_db, "db", "restore", str(backup), "--yes")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Restored {demo_db} from {backup}."
    assert lines[1].startswith("The database as it was is kept at ")
    kept = Path(lines[1].removeprefix("The database as it was is kept at "))
    assert count(kept, "SELECT COUNT(*) FROM people") == 9
    assert count(demo_db, "SELECT COUNT(*) FROM people") == 8
    code, out, _ = mops(capsys, demo_db, "people")
    assert "zoe" not in out


def test_db_restore_refuses_a_file_that_is_not_a_mops_database(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    execute(other, "CREATE TABLE contacts (email TEXT)")
    code, out, err = mops(capsys, demo_db, "db", "restore", str(other), "--yes")
    assert code == 1
    assert out == ""
    assert err == f"mops: {other} is not a mops database\n"
    assert count(demo_db, "SELECT COUNT(*) FROM tools") == KNOWN_TOOLS


def test_a_garbage_database_is_refused_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all\n" * 100)
    code, out, err = mops(capsys, garbage, "stack", "hubspot")
    assert code == 1
    assert out == ""
    assert err.startswith(f"mops: {garbage} is not a mops database, or it is damaged")
    assert "Traceback" not in err


# ---------------------------------------------------------------------------
# argparse
# ---------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mops {__version__}\n"


def test_unknown_subcommand_exits_2(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(demo_db), "frobnicate"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: mops")
    assert "mops: argument COMMAND: invalid choice: 'frobnicate'" in err


def test_conflicting_formats_exit_2(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(demo_db), "stack", "--json", "--csv"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# A real process
# ---------------------------------------------------------------------------

HEAVY = ("textual", "sqlalchemy", "pydantic", "alembic", "rich")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


@pytest.mark.slow
def test_quick_lookup_in_a_real_process(demo_db: Path) -> None:
    result = _run("-m", "mops_tui", "--db", str(demo_db), "stack", "hubspot")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HubSpot Marketing Hub  active")
    assert "\x1b" not in result.stdout
    assert too_wide(result.stdout) == []


@pytest.mark.slow
def test_quick_lookup_loads_no_heavy_library(demo_db: Path) -> None:
    code = (
        "import sys\n"
        "from mops_tui.cli import main\n"
        f"rc = main(['--db', {str(demo_db)!r}, 'stack', 'hubspot'])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('RC', rc)\n"
        "print('HEAVY', heavy)\n"
    )
    result = _run("-c", code)
    assert result.returncode == 0, result.stderr
    tail = result.stdout.splitlines()[-2:]
    assert tail == ["RC 0", "HEAVY []"]


@pytest.mark.slow
def test_db_option_after_the_subcommand(demo_db: Path) -> None:
    result = _run("-m", "mops_tui", "stack", "hubspot", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HubSpot Marketing Hub")
