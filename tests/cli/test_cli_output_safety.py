"""Promise 4 on the command line: what mops prints never drives the terminal, and what
it exports never runs in a spreadsheet.

Records hold terminal escape sequences (CSI colour and erase-screen, an OSC 52 clipboard
write, OSC 8 hyperlinks, 8-bit C1 CSI/OSC/ST), BEL, backspace, NUL, DEL and a bidi
override. Services refuse such text, so the fixture writes it behind mops' back, as
legacy data or another tool sharing the database would.

What each kind of output does, on a terminal and into a pipe or file (the contract these
tests pin down):

- Text (tables, cards, messages on stdout and stderr): always made visible with
  ``text.visible`` (``␛[31m``, ``␇``, ``<U+202E>``), terminal or not. Colour (SGR only)
  is added only on a terminal without ``NO_COLOR``.
- JSON: valid JSON that gives back the stored text exactly; C0 controls are ``\\u``
  escapes. On a terminal, so are DEL, C1 controls and bidi controls.
- Data (CSV, MetricFlow YAML, journal, iCalendar) into a pipe or a file: the stored
  text exactly, so an export re-imports unchanged. On a terminal: made visible line by
  line (iCalendar keeps its CRLF line ends).
- CSV never starts a cell with ``=``, ``+``, ``-``, ``@``, tab or CR unless the cell
  is a plain number: such a cell is prefixed with ``'``, which the importer removes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from mops_tui.cli import main
from mops_tui.domain.text import key_of, visible
from mops_tui.services import briefs, kpis, ledger, people, stack
from mops_tui.services.workspace import Workspace

EVIL = (
    "EVIL\x1b[31mred\x1b[0m\x1b[2J\x1b]52;c;aGk=\x07\x1b]8;;https://evil.example\x1b\\link"
    "\x1b]8;;\x1b\\\x9b31m\x9d0;t\x9c\x07\x08\x00\x7f\u202e[bold]b[/][@click=app.quit]"
)
# What may reach a terminal: newlines, and SGR colour codes mops adds itself.
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _sql(db: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(sql, params).fetchone()
        conn.commit()
        return found
    finally:
        conn.close()


@pytest.fixture
def evil_db(demo_db: Path) -> Path:
    """The demo workspace with EVIL text in one record of every kind."""
    tool_id = _sql(demo_db, "SELECT id FROM tools WHERE name = 'Canva'")[0]
    name = f"Canva {EVIL}"
    _sql(
        demo_db,
        "UPDATE tools SET name = ?, name_key = ?, purpose = ?, notes = ? WHERE id = ?",
        (name, key_of(name), f"P {EVIL}", f"N {EVIL}", tool_id),
    )
    _sql(demo_db, "UPDATE people SET name = ? WHERE handle = 'ana'", (f"Ana {EVIL}",))
    _sql(
        demo_db,
        "UPDATE kpis SET label = ?, definition = ?, data_gaps = ? WHERE key = 'mql_to_sql_rate'",
        (f"L {EVIL}", f"D {EVIL}", f"G {EVIL}"),
    )
    _sql(
        demo_db,
        "UPDATE briefs SET title = ?, body = ?, objective = ? WHERE id = 1",
        (f"T {EVIL}", f"B {EVIL}", f"O {EVIL}"),
    )
    entry = _sql(demo_db, "SELECT id FROM spend_entries ORDER BY entry_date DESC, id DESC")[0]
    _sql(
        demo_db,
        "UPDATE spend_entries SET payee = ?, note = ?, reference = ? WHERE id = ?",
        (f"Pay {EVIL}", f"Note {EVIL}", f"R{EVIL}", entry),
    )
    _sql(
        demo_db,
        "UPDATE budget_lines SET campaign = ? WHERE id = "
        "(SELECT id FROM budget_lines WHERE starts_on >= '2026-10-01' ORDER BY id LIMIT 1)",
        (f"C {EVIL}",),
    )
    _sql(
        demo_db,
        "UPDATE audit_log SET summary = ? WHERE id = (SELECT MAX(id) FROM audit_log)",
        (f"S {EVIL}",),
    )
    return demo_db


def run(
    monkeypatch: pytest.MonkeyPatch, db: Path, *args: str, terminal: bool, colour: bool = False
) -> tuple[int, str, str]:
    out, err = (FakeTerminal() if terminal else io.StringIO()), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "100")
    if colour:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    code = main(["--db", str(db), *args])
    return code, out.getvalue(), err.getvalue()


def assert_safe(text: str, *, colour: bool = False) -> None:
    if colour:
        text = SGR.sub("", text)
    bad = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not bad, f"raw control characters reach the terminal: {bad}"


# Human-readable output, one per command family, each showing an EVIL record.
TEXT_COMMANDS = [
    ("stack",),
    ("stack", "canva"),
    ("people",),
    ("kpi", "show", "mql_to_sql_rate"),
    ("briefs", "--all"),
    ("brief", "show", "1"),
    ("spend", "list"),
    ("budget", "lines", "--period", "2026-Q4"),
    ("today", "--all"),
    ("audit",),
]
# The commands that print a record whole (tables cut long text to fit 80 columns).
FULL_TEXT = {("stack", "canva"), ("kpi", "show", "mql_to_sql_rate"), ("brief", "show", "1")}
JSON_COMMANDS = [
    ("stack", "--json"),
    ("people", "--json"),
    ("kpi", "list", "--json"),
    ("kpi", "show", "mql_to_sql_rate", "--json"),
    ("briefs", "--all", "--json"),
    ("brief", "show", "1", "--json"),
    ("spend", "list", "--json"),
    ("budget", "lines", "--period", "2026-Q4", "--json"),
    ("budget", "report", "--period", "2026-Q4", "--json"),
    ("today", "--all", "--json"),
    ("audit", "--json"),
    ("calendar", "--json"),
]
DATA_COMMANDS = [
    ("stack", "--csv"),
    ("stack", "export"),
    ("people", "--csv"),
    ("kpi", "list", "--csv"),
    ("kpi", "export"),
    ("kpi", "export", "--format", "csv"),
    ("briefs", "--all", "--csv"),
    ("spend", "list", "--csv"),
    ("spend", "export"),
    ("spend", "export", "--format", "journal"),
    ("budget", "lines", "--period", "2026-Q4", "--csv"),
    ("budget", "report", "--period", "2026-Q4", "--csv"),
]


def squeeze(text: str) -> str:
    return "".join(text.split())


def _id(args: tuple[str, ...]) -> str:
    return " ".join(args)


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=_id)
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_text_output_shows_stored_escapes_visibly(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...], terminal: bool
) -> None:
    code, out, err = run(monkeypatch, evil_db, *args, terminal=terminal, colour=terminal)
    assert code == 0, err
    assert "EVIL␛[31m" in out, "the EVIL record is not in this output, or not visibly"
    assert_safe(out, colour=terminal)
    assert_safe(err)
    if args in FULL_TEXT:  # a card or a whole brief: the text uncut, markup as typed
        assert squeeze(visible(EVIL)) in squeeze(SGR.sub("", out))


@pytest.mark.parametrize(
    "args",
    [("stack", "EVIL\x1b[2J\x9b31mzz"), ("kpi", "show", "no\x1b]52;c;aGk=\x07pe")],
    ids=["stack", "kpi"],
)
def test_an_echoed_query_is_made_visible_on_stderr(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...]
) -> None:
    code, out, err = run(monkeypatch, evil_db, *args, terminal=True)
    assert code != 0
    assert err.strip()
    assert_safe(out)
    assert_safe(err)


def _stored(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _stored(v)]
    if isinstance(value, list):
        return [s for v in value for s in _stored(v)]
    return []


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=_id)
def test_json_into_a_pipe_keeps_the_stored_text_exactly(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = run(monkeypatch, evil_db, *args, terminal=False)
    assert code == 0
    assert "\x1b" not in out and "\x00" not in out  # C0 controls are \u escapes
    strings = _stored(json.loads(out))
    if args[0] != "calendar":  # the agenda has no field with EVIL text
        assert any(EVIL in s for s in strings), "the stored text did not survive"


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=_id)
def test_json_on_a_terminal_escapes_every_control(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = run(monkeypatch, evil_db, *args, terminal=True)
    assert code == 0
    assert_safe(out)
    strings = _stored(json.loads(out))
    if args[0] != "calendar":  # escaped, the JSON still holds the stored text exactly
        assert any(EVIL in s for s in strings), "the stored text did not survive"


def test_json_for_a_terminal_is_the_same_json_value() -> None:
    from mops_tui.cliutil import json_text

    controls = "".join(map(chr, range(0x7F, 0xA0))) + "\u202a\u202e\u2066\u2069\u200e\u200f\u061c"
    value = {"text": f"a\\{controls}\\b\x1b[31m é ✓", controls: [controls, 1]}
    shown = json_text(value, terminal=True)
    assert_safe(shown)
    assert "\\u009b" in shown and "\\u202e" in shown
    assert json.loads(shown) == value == json.loads(json_text(value))
    assert "é ✓" in shown  # other non-ASCII text stays as it is


@pytest.mark.parametrize("args", DATA_COMMANDS, ids=_id)
def test_data_on_a_terminal_is_made_visible(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...]
) -> None:
    code, out, err = run(monkeypatch, evil_db, *args, terminal=True)
    assert code == 0, err
    assert "EVIL" in out
    assert_safe(out)


@pytest.mark.parametrize(
    "args",
    [a for a in DATA_COMMANDS if "journal" not in a and a[:2] != ("kpi", "export")],
    ids=_id,
)
def test_csv_into_a_pipe_keeps_the_stored_text_exactly(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = run(monkeypatch, evil_db, *args, terminal=False)
    assert code == 0
    cells = [c for row in csv.reader(io.StringIO(out, newline="")) for c in row]
    assert any(EVIL in c for c in cells), "the stored text was changed on its way to a file"


def test_metricflow_yaml_into_a_pipe_keeps_the_stored_text_exactly(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path
) -> None:
    import yaml

    code, out, _ = run(monkeypatch, evil_db, "kpi", "export", terminal=False)
    assert code == 0
    assert "\x1b" not in out  # YAML escapes them itself
    doc = yaml.safe_load(out)
    labels = [m["label"] for m in doc["metrics"]]
    assert f"L {EVIL}" in labels


def test_icalendar_on_a_terminal_has_only_its_crlf_line_ends(
    monkeypatch: pytest.MonkeyPatch, evil_db: Path
) -> None:
    code, out, _ = run(monkeypatch, evil_db, "calendar", "--ics", terminal=True)
    assert code == 0
    assert_safe(out.replace("\r\n", "\n"))


# ---------------------------------------------------------------------------
# Spreadsheet formulas in every CSV export
# ---------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","x")'
CMD = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
QUOTED = "'=1+1"  # someone typed the quote themselves
PLAIN_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")
RUNS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_db(demo_db: Path) -> Path:
    """Records whose text starts like a formula, saved through the real services:
    those are valid text, and a spreadsheet must still not run them."""
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester")
    try:
        people.add_person(ws, {"handle": "eve", "name": FORMULA, "team": AT})
        stack.create(
            ws,
            {
                "name": FORMULA,
                "vendor": CMD,
                "category": "Other",
                "owner": "eve",
                "purpose": MINUS,
                "notes": QUOTED,
                "website": "evil.example",
            },
        )
        kpis.create(
            ws,
            {
                "key": "formula_rate",
                "label": FORMULA,
                "kind": "rate",
                "owner": "eve",
                "definition": AT,
                "numerator": CMD,
                "denominator": MINUS,
                "decision": QUOTED,
                "data_gaps": "none known",
            },
        )
        briefs.create(ws, {"title": FORMULA, "objective": AT, "body": MINUS, "owner": "eve"})
        line = ledger.create_line(
            ws,
            {
                "period": "2026-Q4",
                "channel": "Events",
                "campaign": CMD,
                "planned": "1000",
                "owner": "eve",
            },
        )
        ledger.add_entry(
            ws,
            {
                "entry_date": "2026-11-20",
                "amount": "-12.50",
                "kind": "refund",
                "payee": FORMULA,
                "reference": AT,
                "line": f"#{line.id}",
                "note": MINUS,
            },
        )
    finally:
        ws.close()
    return demo_db


CSV_EXPORTS = [
    ("stack", "export"),
    ("stack", "--csv"),
    ("people", "--csv"),
    ("kpi", "export", "--format", "csv"),
    ("kpi", "list", "--csv"),
    ("briefs", "--all", "--csv"),
    ("spend", "export"),
    ("spend", "list", "--csv"),
    ("budget", "lines", "--period", "2026-Q4", "--csv"),
    ("budget", "report", "--period", "2026-Q4", "--by", "line", "--csv"),
]


@pytest.mark.parametrize("args", CSV_EXPORTS, ids=_id)
def test_csv_exports_neutralise_formulas(
    monkeypatch: pytest.MonkeyPatch, formula_db: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = run(monkeypatch, formula_db, *args, terminal=False)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    cells = [c for row in rows[1:] for c in row]
    runnable = [c for c in cells if c[:1] in RUNS and not PLAIN_NUMBER.match(c)]
    assert not runnable, f"a spreadsheet would run: {runnable[:3]}"
    guarded = [c for c in cells if c.startswith("'") and c[1:2] in RUNS]
    assert guarded, "the formula-like record is not in this export"


@pytest.mark.parametrize("args", CSV_EXPORTS[:2], ids=_id)
def test_a_stack_export_re_imports_unchanged(
    monkeypatch: pytest.MonkeyPatch, formula_db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    code, out, _ = run(monkeypatch, formula_db, *args, terminal=False)
    assert code == 0
    path = tmp_path / "stack.csv"
    path.write_text(out, encoding="utf-8")
    code, out, err = run(monkeypatch, formula_db, "stack", "import", str(path), terminal=False)
    assert code == 0, err
    assert "Added 0 tool(s), updated 0," in out

    # Into a workspace without the formula tool, the file recreates it exactly.
    ws = Workspace(f"sqlite:///{formula_db}", actor="tester")
    try:
        before = {t.name: stack.form_values(t, ws.currency) for t in stack.list_tools(ws)}
    finally:
        ws.close()
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(formula_db, fresh)
    _sql(fresh, "DELETE FROM tools WHERE name = ?", (FORMULA,))
    code, out, err = run(monkeypatch, fresh, "stack", "import", str(path), terminal=False)
    assert code == 0, err
    assert "Added 1 tool(s), updated 0," in out
    ws = Workspace(f"sqlite:///{fresh}", actor="tester")
    try:
        after = {t.name: stack.form_values(t, ws.currency) for t in stack.list_tools(ws)}
    finally:
        ws.close()
    assert after == before
    assert after[FORMULA]["notes"] == QUOTED


def test_a_spend_export_re_imports_into_an_empty_ledger(
    monkeypatch: pytest.MonkeyPatch, formula_db: Path, tmp_path: Path
) -> None:
    code, out, _ = run(monkeypatch, formula_db, "spend", "export", FORMULA[:5], terminal=False)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows and all(r["kind"] in ("spend", "refund") for r in rows)
    path = tmp_path / "spend.csv"
    path.write_text(out, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(formula_db, fresh)
    _sql(fresh, "DELETE FROM spend_entries WHERE payee = ?", (FORMULA,))
    code, out, err = run(monkeypatch, fresh, "spend", "import", str(path), terminal=False)
    assert code == 0, err
    got = _sql(
        fresh,
        "SELECT payee, reference, note, amount FROM spend_entries WHERE payee = ?",
        (FORMULA,),
    )
    assert got == (FORMULA, AT, MINUS, -1250)


def test_a_metricflow_export_re_imports_unchanged(
    monkeypatch: pytest.MonkeyPatch, formula_db: Path, tmp_path: Path
) -> None:
    code, out, _ = run(monkeypatch, formula_db, "kpi", "export", "formula", terminal=False)
    assert code == 0
    path = tmp_path / "kpis.yml"
    path.write_text(out, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(formula_db, fresh)
    _sql(fresh, "DELETE FROM kpis WHERE key = 'formula_rate'")
    code, out, err = run(monkeypatch, fresh, "kpi", "import", str(path), terminal=False)
    assert code == 0, err
    got = _sql(
        fresh,
        "SELECT label, definition, numerator, denominator, decision FROM kpis "
        "WHERE key = 'formula_rate'",
    )
    assert got == (FORMULA, AT, CMD, MINUS, QUOTED)


# ---------------------------------------------------------------------------
# Record numbers mops cannot read
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("brief", "show", "99999999999999999999"),
        ("brief", "show", "#²"),
        ("spend", "list", "--line", "#99999999999999999999"),
        ("spend", "list", "--line", "99999999999999999999"),
        ("spend", "list", "--line", "²"),
        ("spend", "reverse", "99999999999999999999"),
        ("spend", "correct", "99999999999999999999", "--amount", "5"),
        ("spend", "add", "2026-11-03", "10", "--line", "#99999999999999999999", "--payee", "x"),
        (
            "spend",
            "add",
            "2026-11-03",
            "10",
            "--line",
            "2026-Q4/events",
            "--payee",
            "x",
            "--brief",
            "99999999999999999999",
        ),
        ("brief", "add", "t", "--line", "#99999999999999999999"),
    ],
    ids=_id,
)
def test_a_record_number_mops_cannot_read_ends_in_a_message(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, args: tuple[str, ...]
) -> None:
    before = _sql(demo_db, "SELECT COUNT(*) FROM audit_log")
    code, _, err = run(monkeypatch, demo_db, *args, terminal=False)
    assert code == 2
    assert err.startswith("mops: “") and "number" in err
    assert _sql(demo_db, "SELECT COUNT(*) FROM audit_log") == before


@pytest.mark.parametrize("args", [("spend", "list"), ("audit",), ("check",)], ids=_id)
def test_a_limit_past_any_count_lists_everything(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, args: tuple[str, ...]
) -> None:
    code, _, err = run(
        monkeypatch, demo_db, *args, "--limit", "99999999999999999999", terminal=False
    )
    assert code in (0, 1), err  # `mops check` exits 1 when a rule fails
    assert "Traceback" not in err
