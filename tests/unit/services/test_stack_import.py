"""CSV import of the Stack: ``stack.import_rows`` fed by ``formats.csv_io.read_csv``.

All or nothing: a file with one bad row writes nothing and names every problem by row
number (the header is row 1, as in a spreadsheet), field and reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from backends import raw

from mops_tui.domain.tool_schema import ToolInput
from mops_tui.services import demo, people, stack
from mops_tui.services.stack import ImportReport
from mops_tui.services.workspace import Workspace

HEADER = (
    "name,vendor,category,owner,purpose,status,annual_cost,renewal_date,notice_days,"
    "seats_bought,seats_used,holds_personal_data,dpa_signed_on,data_region,notes"
)
GOOD_ROWS = [
    'HubSpot,HubSpot,Marketing automation,ana,Nurture emails,active,"12,000",2027-06-30,60,'
    "10,8,yes,2025-01-10,EU,",
    "Figma,Figma,Design & creative,Ben Okafor,Design files,evaluating,,,,,,no,,,",
    'Semrush,Semrush,SEO,ben,"Keyword research, rankings",active,£4.5k,31 Mar 2027,30,'
    ",,no,,,Renew with care",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def count(ws: Workspace, table: str) -> int:
    conn = raw(ws)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def counts(ws: Workspace) -> tuple[int, int]:
    return count(ws, "tools"), count(ws, "audit_log")


def run_import(ws: Workspace, data: bytes | str, *, dry_run: bool = False) -> ImportReport:
    from mops_tui.formats.csv_io import read_csv

    table = read_csv(data)
    return stack.import_rows(ws, table.header, table.rows, dry_run=dry_run)


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def problems(report: ImportReport) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.field, e.message) for e in report.errors]


def export_text(ws: Workspace, query: str = "") -> str:
    from mops_tui.formats.csv_io import write_csv

    return write_csv(stack.EXPORT_COLUMNS, stack.export_rows(ws, query))


@pytest.fixture
def team(ws: Workspace) -> Workspace:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa"})
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor"})
    return ws


@pytest.fixture
def fresh_demo_team(workspaces: Any) -> Workspace:
    """A second, empty database (on the test's backend) holding only the demo people."""
    ws: Workspace = workspaces("fresh")
    for person in demo.PEOPLE:
        people.add_person(ws, person)
    return ws


def same_fields(a: Any, b: Any) -> list[str]:
    """Names of the tool fields (input fields plus derived ones) where ``a`` and ``b`` differ."""
    fields = [*ToolInput.model_fields, "cancel_by", "owner_name", "retired_on", "retired_reason"]
    return [f for f in fields if getattr(a, f) != getattr(b, f)]


# ---------------------------------------------------------------------------
# Valid files
# ---------------------------------------------------------------------------


def test_a_valid_file_creates_every_tool(team: Workspace) -> None:
    audits = count(team, "audit_log")
    report = run_import(team, csv_text(HEADER, *GOOD_ROWS))

    assert report.errors == []
    assert report.to_create == ["HubSpot", "Figma", "Semrush"]
    assert report.written is True
    assert count(team, "tools") == 3
    assert count(team, "audit_log") == audits + 3

    hub = stack.get_by_name(team, "HubSpot")
    assert (hub.annual_cost, hub.renewal_date, hub.notice_days) == (
        1_200_000,
        date(2027, 6, 30),
        60,
    )
    assert (hub.seats_bought, hub.seats_used, hub.holds_personal_data) == (10, 8, True)
    assert (hub.dpa_signed_on, hub.data_region) == (date(2025, 1, 10), "EU")
    figma = stack.get_by_name(team, "figma")
    assert figma.owner == "ben"  # a full name resolves to the handle
    assert figma.status == "evaluating"
    semrush = stack.get_by_name(team, "Semrush")
    assert semrush.annual_cost == 450_000
    assert semrush.renewal_date == date(2027, 3, 31)
    assert semrush.purpose == "Keyword research, rankings"
    assert semrush.notes == "Renew with care"

    conn = raw(team)
    entries = conn.execute(
        "SELECT actor, action, summary FROM audit_log WHERE entity = 'tool' ORDER BY id"
    ).fetchall()
    conn.close()
    assert entries == [
        ("tester", "imported", "imported HubSpot"),
        ("tester", "imported", "imported Figma"),
        ("tester", "imported", "imported Semrush"),
    ]


def test_dry_run_reports_and_writes_nothing(team: Workspace) -> None:
    before = counts(team)
    report = run_import(team, csv_text(HEADER, *GOOD_ROWS), dry_run=True)
    assert report.errors == []
    assert report.to_create == ["HubSpot", "Figma", "Semrush"]
    assert report.written is False
    assert counts(team) == before

    real = run_import(team, csv_text(HEADER, *GOOD_ROWS))
    assert real.written is True
    assert count(team, "tools") == 3


def test_export_reimported_into_the_same_database_changes_nothing(demo_ws: Workspace) -> None:
    text = export_text(demo_ws)
    before = counts(demo_ws)

    report = run_import(demo_ws, text)

    assert report.errors == []
    assert report.to_create == []
    assert report.to_update == []
    assert len(report.unchanged) == 43
    assert report.written is False
    assert report.ignored_columns == []
    assert counts(demo_ws) == before


def test_export_imported_into_a_fresh_database_recreates_the_tools(
    demo_ws: Workspace, fresh_demo_team: Workspace
) -> None:
    live = "status:evaluating,active,under_review,decommissioning"
    text = export_text(demo_ws, live)

    report = run_import(fresh_demo_team, text)

    assert report.errors == []
    assert len(report.to_create) == 40
    originals = stack.list_tools(demo_ws, live)
    assert len(originals) == 40
    for original in originals:
        copy = stack.get_by_name(fresh_demo_team, original.name)
        assert copy.name == original.name
        assert same_fields(copy, original) == [], original.name
    # A second import of the same file finds everything unchanged.
    again = run_import(fresh_demo_team, text)
    assert (again.to_create, again.to_update, len(again.unchanged)) == ([], [], 40)


def test_a_full_export_moves_to_a_fresh_database_with_its_retired_tools(
    demo_ws: Workspace, fresh_demo_team: Workspace
) -> None:
    """Retired tools import as history, with the date and reason they were retired."""
    report = run_import(fresh_demo_team, export_text(demo_ws))
    assert report.errors == []
    assert len(report.to_create) == 43
    for name in ("Clearbit", "Mailchimp", "Unbounce"):
        old, new = stack.get_by_name(demo_ws, name), stack.get_by_name(fresh_demo_team, name)
        assert new.status == "retired"
        assert (new.retired_on, new.retired_reason) == (old.retired_on, old.retired_reason)


def test_a_new_retired_tool_needs_when_and_why(fresh_demo_team: Workspace) -> None:
    before = counts(fresh_demo_team)
    text = (
        "name,vendor,category,owner,purpose,status\nOld Tool,Acme,Other,ana,Once useful,retired\n"
    )
    report = run_import(fresh_demo_team, text)
    assert {(e.row, e.field) for e in report.errors} == {(2, "reason"), (2, "retired_on")}
    assert counts(fresh_demo_team) == before


def test_formula_injection_guard_round_trips(team: Workspace, fresh_demo_team: Workspace) -> None:
    stack.create(
        team,
        {
            "name": "Sheets",
            "vendor": "@Google",
            "category": "Collaboration",
            "owner": "ana",
            "purpose": "+44 hotline for the team",
            "status": "evaluating",
            "notes": "=SUM(1)",
        },
    )
    text = export_text(team)
    assert "'=SUM(1)" in text
    assert "'@Google" in text
    assert "'+44 hotline" in text
    assert "\n=SUM" not in text and ",=SUM" not in text

    same = run_import(team, text)
    assert (same.unchanged, same.written) == (["Sheets"], False)

    fresh = run_import(fresh_demo_team, text)
    assert fresh.errors == []
    copy = stack.get_by_name(fresh_demo_team, "Sheets")
    assert copy.notes == "=SUM(1)"
    assert copy.vendor == "@Google"
    assert copy.purpose == "+44 hotline for the team"


# ---------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing_and_names_every_problem(
    team: Workspace,
) -> None:
    long_purpose = "x" * 10_000
    lines = [
        "name,vendor,category,owner,purpose,status,annual_cost,renewal_date",
        "Good One,V,CRM,ana,p,active,100,2027-01-31",  # row 2
        "Negative,V,CRM,ana,p,active,-5,2027-01-31",  # row 3
        "Bad Date,V,CRM,ana,p,active,100,2026-02-30",  # row 4
        "Nobody's,V,CRM,zed,p,active,100,2027-01-31",  # row 5
        "GOOD ONE,V,CRM,ana,p,evaluating,,",  # row 6
        ",V,CRM,ana,p,evaluating,,",  # row 7
        f"Wordy,V,CRM,ana,{long_purpose},evaluating,,",  # row 8
        "Red\x1b[31mName,V,CRM,ana,p,evaluating,,",  # row 9
        "Good Two,V,CRM,ben,p,evaluating,,",  # row 10
    ]
    before = counts(team)

    report = run_import(team, csv_text(*lines))

    got = problems(report)
    assert [(row, field) for row, field, _ in got] == [
        (3, "annual_cost"),
        (4, "renewal_date"),
        (5, "owner"),
        (6, "name"),
        (7, "name"),
        (8, "purpose"),
        (9, "name"),
    ]
    messages = {row: message for row, _, message in got}
    assert messages[3] == "cannot be negative"
    assert messages[4] == "“2026-02-30” is not a real date: February 2026 has 28 days"
    assert messages[5].startswith("“zed” is not a known person")
    assert messages[6] == "“GOOD ONE” appears twice in the file (also row 2)"
    assert messages[7] == "enter a name"
    assert messages[8] == "is 10,000 characters long; keep it to 2,000 or fewer"
    assert messages[9] == "contains control characters or terminal escape codes; remove them"
    assert report.written is False
    assert counts(team) == before
    # The good rows were checked too, and would have been created.
    assert report.to_create == ["Good One", "Good Two"]


def test_an_error_names_its_row_as_a_spreadsheet_does_with_blank_lines(team: Workspace) -> None:
    text = csv_text(
        "name,vendor,category,owner,purpose,status",
        "A,V,CRM,ana,p,evaluating",
        "",
        "B,V,CRM,nobody,p,evaluating",
    )
    report = run_import(team, text)
    assert [(e.row, e.field) for e in report.errors] == [(4, "owner")]


def test_row_numbers_survive_multi_line_cells(team: Workspace) -> None:
    text = csv_text(
        "name,vendor,category,owner,purpose,status",
        'A,V,CRM,ana,"line one',
        'line two",evaluating',
        "B,V,CRM,nobody,p,evaluating",
    )
    report = run_import(team, text)
    assert [(e.row, e.field) for e in report.errors] == [(3, "owner")]


def test_a_file_without_a_name_column_is_refused(team: Workspace) -> None:
    report = run_import(team, csv_text("tool,vendor", "HubSpot,HubSpot"))
    assert problems(report) == [(1, "name", "the file has no “name” column")]
    assert report.ignored_columns == ["tool"]
    assert count(team, "tools") == 0


# ---------------------------------------------------------------------------
# What spreadsheets produce
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"\xef\xbb\xbfname;vendor;category;owner;purpose;status\r\n"
            b'HubSpot;HubSpot;CRM;ana;"Emails; forms, and scoring";evaluating\r\n'
            b"\r\n\r\n",
            id="bom-semicolon-crlf-trailing-blanks",
        ),
        pytest.param(
            b'name,vendor,category,owner,purpose,status\n"HubSpot","HubSpot","CRM","ana",'
            b'"Emails; forms, and scoring","evaluating"\n\n',
            id="quoted-commas",
        ),
        pytest.param(
            b"name\tvendor\tcategory\towner\tpurpose\tstatus\r\n"
            b"HubSpot\tHubSpot\tCRM\tana\tEmails; forms, and scoring\tevaluating\r\n",
            id="tabs",
        ),
    ],
)
def test_spreadsheet_dialects(team: Workspace, data: bytes) -> None:
    report = run_import(team, data)
    assert report.errors == []
    assert report.to_create == ["HubSpot"]
    tool = stack.get_by_name(team, "HubSpot")
    assert tool.purpose == "Emails; forms, and scoring"
    assert tool.status == "evaluating"
    assert count(team, "tools") == 1


def test_windows_1252_file(team: Workspace) -> None:
    data = "name,vendor,category,owner,purpose,status\nCafé,Crème,CRM,ana,p,evaluating\n"
    report = run_import(team, data.encode("cp1252"))
    assert report.to_create == ["Café"]
    assert stack.get_by_name(team, "café").vendor == "Crème"


def test_header_case_and_spacing_variants(team: Workspace) -> None:
    text = csv_text(
        " Name ,VENDOR,Category,Owner,Purpose,Status,Annual Cost,Renewal-Date,notice days,"
        "Holds Personal Data,DPA Signed On,Data  Region",
        "HubSpot,HubSpot,CRM,ana,p,active,£1k,2027-01-31,14,yes,2026-01-01,UK",
    )
    report = run_import(team, text)
    assert report.errors == []
    assert report.ignored_columns == []
    tool = stack.get_by_name(team, "HubSpot")
    assert (tool.annual_cost, tool.renewal_date, tool.notice_days) == (
        100_000,
        date(2027, 1, 31),
        14,
    )
    assert (tool.holds_personal_data, tool.dpa_signed_on, tool.data_region) == (
        True,
        date(2026, 1, 1),
        "UK",
    )


def test_unknown_columns_are_reported_and_derived_ones_are_skipped(team: Workspace) -> None:
    text = csv_text(
        "name,vendor,category,owner,purpose,status,Department,cancel_by,Flags,utilisation,"
        "Cost Centre,id",
        "HubSpot,HubSpot,CRM,ana,p,evaluating,Marketing,2020-01-01,DPA,0.5,CC-12,7",
    )
    report = run_import(team, text)
    assert report.errors == []
    assert report.ignored_columns == ["Department", "Cost Centre"]
    tool = stack.get_by_name(team, "HubSpot")
    assert tool.cancel_by is None  # derived, never read from the file
    assert tool.id == 1


# ---------------------------------------------------------------------------
# Status changes through an import
# ---------------------------------------------------------------------------


@pytest.fixture
def hub(team: Workspace) -> Workspace:
    report = run_import(
        team,
        csv_text(
            "name,vendor,category,owner,purpose,status,annual_cost,renewal_date",
            "HubSpot,HubSpot,CRM,ana,p,active,1000,2027-01-31",
        ),
    )
    assert report.written
    return team


def test_import_refuses_a_lifecycle_move_that_is_not_allowed(hub: Workspace) -> None:
    before = counts(hub)
    report = run_import(hub, csv_text("name,status", "hubspot,evaluating"))
    assert problems(report) == [
        (
            2,
            "status",
            "a tool cannot go from active to evaluating; from active it can become: "
            "under review, decommissioning, retired",
        )
    ]
    assert counts(hub) == before
    assert stack.get_by_name(hub, "HubSpot").status == "active"


def test_import_applies_an_allowed_move_and_audits_it(hub: Workspace) -> None:
    audits = count(hub, "audit_log")
    report = run_import(hub, csv_text("name,status,notes", "HubSpot,under review,Too dear"))
    assert report.errors == []
    assert report.to_update == ["HubSpot"]
    tool = stack.get_by_name(hub, "HubSpot")
    assert (tool.status, tool.notes, tool.annual_cost) == ("under_review", "Too dear", 100_000)
    assert count(hub, "audit_log") == audits + 1
    conn = raw(hub)
    summary = conn.execute("SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert summary == "import: status active → under_review; notes changed"


def test_import_retiring_needs_a_reason_and_a_date(hub: Workspace) -> None:
    before = counts(hub)
    report = run_import(hub, csv_text("name,status", "HubSpot,retired"))
    assert problems(report) == [
        (2, "reason", "say why the tool is being retired"),
        (2, "retired_on", "enter the date the tool was retired"),
    ]
    assert counts(hub) == before

    report = run_import(
        hub,
        csv_text("name,status,retired_on,retired_reason", "HubSpot,retired,2026-11-20,Unused"),
    )
    assert report.errors == []
    tool = stack.get_by_name(hub, "HubSpot")
    assert (tool.status, tool.retired_on, tool.retired_reason) == (
        "retired",
        date(2026, 11, 20),
        "Unused",
    )


def test_import_cannot_change_facts_that_break_the_new_status(hub: Workspace) -> None:
    report = run_import(hub, csv_text("name,annual_cost", "HubSpot,"))
    assert problems(report) == [
        (2, "annual_cost", "a tool that is active needs its annual cost (0 if free)")
    ]


def test_editing_a_retired_tool_by_import_keeps_its_retirement(demo_ws: Workspace) -> None:
    before = stack.get_by_name(demo_ws, "Mailchimp")
    assert before.status == "retired" and before.retired_on is not None
    report = run_import(demo_ws, csv_text("name,notes", "Mailchimp,Account closed"))
    assert report.errors == []
    after = stack.get_by_name(demo_ws, "Mailchimp")
    assert after.notes == "Account closed"
    assert (after.retired_on, after.retired_reason) == (before.retired_on, before.retired_reason)


def test_reviving_a_retired_tool_by_import_clears_its_retirement(demo_ws: Workspace) -> None:
    report = run_import(demo_ws, csv_text("name,status", "Unbounce,evaluating"))
    assert report.errors == []
    after = stack.get_by_name(demo_ws, "Unbounce")
    assert after.status == "evaluating"
    assert (after.retired_on, after.retired_reason) == (None, None)
