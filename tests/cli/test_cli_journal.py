"""``mops spend export --format journal``: the ledger as plain-text accounting.

The journal is read back two ways: by a small parser here (which fails on any line that
is not a transaction header, a comment or one of the two postings), and by hledger
itself when it is installed. Both must give the same totals by channel as mops's own
plan-vs-actual report over all time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from mops_tui.cli import main
from mops_tui.domain.money import parse_money
from mops_tui.formats.journal import write_journal
from mops_tui.services import ledger
from mops_tui.services.workspace import Workspace

HEADER = re.compile(r"^(\d{4}-\d{2}-\d{2}) (.+?)  ; id:(\d+)(?:, .*)?$")
POSTING = re.compile(r"^    (expenses:[^:]+:[^:]+)  (-?\d+\.\d{2}) GBP$")


def parse(text: str) -> dict[str, int]:
    """Minor units by channel; fails on any line out of place."""
    by_channel: dict[str, int] = defaultdict(int)
    lines = text.splitlines()
    assert lines[0].startswith("; ") and lines[1] == "commodity 1000.00 GBP"
    i = 3
    while i < len(lines):
        assert HEADER.match(lines[i]), lines[i]
        i += 1
        if lines[i].startswith("    ; "):
            i += 1
        posting = POSTING.match(lines[i])
        assert posting, lines[i]
        channel = posting.group(1).split(":")[1]
        amount = parse_money(posting.group(2), "GBP", allow_negative=True)
        assert amount is not None
        by_channel[channel] += amount
        assert lines[i + 1] == "    liabilities:payable"
        assert i + 2 == len(lines) or lines[i + 2] == ""
        i += 3
    return dict(by_channel)


def mops_totals(ws: Workspace) -> dict[str, int]:
    report = ledger.report(ws, "all", by="channel")
    return {row.label: row.actual for row in report.rows if row.actual}


def test_the_journal_holds_every_entry_and_the_report_totals(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "ledger.journal"
    code = main(
        ["--db", str(demo_db), "spend", "export", "--format", "journal", "-o", str(out_file)]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        expected = mops_totals(ws)
        count = len(ledger.list_entries(ws))
    finally:
        ws.close()
    assert text.count("\n    liabilities:payable\n") == count
    assert parse(text) == expected
    dates = re.findall(r"^(\d{4}-\d{2}-\d{2}) ", text, re.M)
    assert dates == sorted(dates)  # oldest first, as journals are written


@pytest.mark.skipif(shutil.which("hledger") is None, reason="hledger is not installed")
def test_hledger_reads_the_journal_and_agrees(demo_db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "ledger.journal"
    assert (
        main(["--db", str(demo_db), "spend", "export", "--format", "journal", "-o", str(out_file)])
        == 0
    )
    result = subprocess.run(
        ["hledger", "-f", str(out_file), "balance", "--depth", "2", "expenses", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    hledger_totals = {}
    for row in result.stdout.splitlines()[1:]:
        account, amount = (cell.strip('"') for cell in row.split('","'))
        if account.startswith("expenses:"):
            value = parse_money(amount.replace(" GBP", ""), "GBP", allow_negative=True)
            assert value is not None
            hledger_totals[account.split(":", 1)[1]] = value
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        assert hledger_totals == mops_totals(ws)
    finally:
        ws.close()


def test_typed_text_cannot_break_the_journal() -> None:
    hostile = {
        "id": 7,
        "date": __import__("datetime").date(2026, 11, 3),
        "amount": -8420,
        "payee": "Evil | Co\n    expenses:stolen  1000000.00 GBP",
        "note": "line one\r\nline two \x1b[31mred\x1b[0m",
        "reference": "INV-1, tag:x",
        "channel": "Paid: social",
        "line": "2026-11  spring  sale",
        "reverses": 3,
        "corrects": None,
    }
    text = write_journal([hostile], "GBP")
    lines = text.splitlines()
    body = lines[3:]
    assert body[0] == (
        "2026-11-03 Evil / Co expenses:stolen 1000000.00 GBP  ; id:7, ref:INV-1  tag:x, reverses:3"
    )
    assert body[1] == "    ; line one line two [31mred [0m"
    assert body[2] == "    expenses:Paid- social:2026-11 spring sale  -84.20 GBP"
    assert body[3] == "    liabilities:payable"
    assert "\x1b" not in text and "\r" not in text


def test_plain_mops_spend_lists_the_newest_entries(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code = main(["--db", str(demo_db), "spend"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[-1].startswith("50 of ")


@pytest.mark.parametrize(
    "args",
    [
        ("spend", "export"),
        ("spend", "export", "--format", "journal"),
        ("stack", "export"),
        ("kpi", "export"),
        ("calendar", "--ics"),
    ],
    ids=lambda a: " ".join(a),
)
def test_files_written_with_o_are_private(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    import os
    import stat

    out_file = tmp_path / "out.file"
    out_file.write_text("old")
    out_file.chmod(0o644)  # there before, readable by all: it must not stay so
    old = os.umask(0)
    try:
        code = main(["--db", str(demo_db), *args, "-o", str(out_file)])
    finally:
        os.umask(old)
    assert code == 0, capsys.readouterr().err
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert out_file.read_text(encoding="utf-8") != "old"
