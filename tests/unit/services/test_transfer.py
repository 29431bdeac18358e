"""The whole workspace to JSON and back (``services/transfer.py``).

An export of the demo imported into an empty database gives the same rows in every
table, every column, audit history included, on SQLite and on PostgreSQL. Every refusal
(a database that holds records, a file from a newer mops or schema, a file cut short, a
row with a missing field or a value of the wrong kind, a link to nothing) writes nothing
at all.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from backends import is_postgres, raw

from mops_tui.services import people, stack, transfer
from mops_tui.services.transfer import NotEmpty, TransferError
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import HEAD
from mops_tui.store.models import Base


def tables_of(target: Any) -> list[str]:
    """The tables of a workspace's database (``alembic_version`` included), by name."""
    conn = raw(target)
    try:
        if is_postgres(target):
            found = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        else:
            found = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        return sorted(r[0] for r in found)
    finally:
        conn.close()


def columns_of(conn: Any, target: Any, table: str) -> list[str]:
    if is_postgres(target):
        found = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in found]
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def content(target: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, every column, with the database's own type of each value
    (``typeof`` on SQLite, ``pg_typeof`` on PostgreSQL)."""
    postgres = is_postgres(target)
    conn = raw(target)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables_of(target):
            columns = columns_of(conn, target, table)
            typed = ", ".join(
                f'"{c}", pg_typeof("{c}")::text' if postgres else f'"{c}", typeof("{c}")'
                for c in columns
            )
            order = ", ".join(str(2 * i + 1) for i in range(len(columns)))
            out[table] = [
                tuple(r)
                for r in conn.execute(f"SELECT {typed} FROM {table} ORDER BY {order}").fetchall()
            ]
        return out
    finally:
        conn.close()


def row_counts(target: Any) -> dict[str, int]:
    return {t: len(rows) for t, rows in content(target).items()}


@pytest.fixture
def new_empty(workspaces: Any) -> Any:
    """Makes new, migrated, empty workspaces on the test's backend."""

    def make(name: str, actor: str) -> Workspace:
        workspace: Workspace = workspaces(name, actor=actor)
        return workspace

    return make


@pytest.fixture
def empty(new_empty: Any) -> Workspace:
    """A new, migrated, empty database: the target of an import."""
    workspace: Workspace = new_empty("target", "mover")
    return workspace


def path_of(ws: Workspace) -> Path:
    assert ws.sqlite_path is not None
    return ws.sqlite_path


def exported(ws: Workspace, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "workspace.json"
    transfer.export_workspace(ws, path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def assert_untouched(target: Workspace, before: dict[str, list[tuple[Any, ...]]]) -> None:
    assert content(target) == before


# ---------------------------------------------------------------------------
# The round trip
# ---------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_identical_content(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    summary = transfer.import_workspace(empty, doc)
    assert summary.written

    source, target = content(demo_ws), content(empty)
    assert list(source) == list(target)  # the same tables, alembic_version included
    for table in source:
        assert target[table] == source[table], f"{table} differs after the round trip"
    # The demo is not trivially small: every area and the audit history came across.
    for table in ("people", "tools", "integrations", "kpis", "kpi_versions", "budget_lines"):
        assert source[table], table
    for table in ("spend_entries", "period_closes", "briefs", "brief_transitions", "audit_log"):
        assert source[table], table
    assert summary.counts["audit_log"] == len(source["audit_log"]) > 500


def test_the_file_lists_every_table_and_column_and_the_schema(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    path, doc = exported(demo_ws, tmp_path)
    assert doc["format"] == transfer.FORMAT
    assert doc["format_version"] == transfer.FORMAT_VERSION
    assert doc["schema_revision"] == HEAD
    assert doc["exported_by"] == "tester"
    on_disk = set(tables_of(demo_ws)) - {"alembic_version"}
    assert set(doc["tables"]) == on_disk == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        for row in doc["tables"][name]:
            assert list(row) == [c.name for c in table.columns]
    # One row per line: a file a person can read, diff and edit.
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") > sum(len(rows) for rows in doc["tables"].values())


def test_the_export_is_readable_by_its_owner_only(demo_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    old = os.umask(0o022)
    try:
        transfer.export_workspace(demo_ws, path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == transfer.FORMAT
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.sqlite_only  # the database as a file the export could be pointed at
def test_the_export_refuses_to_overwrite_the_database(demo_ws: Workspace) -> None:
    db = path_of(demo_ws)
    before = db.read_bytes()
    with pytest.raises(TransferError, match="is the database itself"):
        transfer.export_workspace(demo_ws, db)
    assert db.read_bytes() == before


def test_an_imported_workspace_carries_on_where_it_left_off(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    transfer.import_workspace(empty, doc)
    highest = max(r["id"] for r in doc["tables"]["tools"])
    made = stack.create(empty, {**_tool("Brand New"), "owner": "ana"})
    assert made.id == highest + 1
    assert empty.currency == demo_ws.currency


def test_a_dry_run_checks_everything_and_writes_nothing(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    summary = transfer.import_workspace(empty, doc, dry_run=True)
    assert not summary.written
    assert summary.counts["spend_entries"] == len(doc["tables"]["spend_entries"])
    assert_untouched(empty, before)


def test_an_empty_workspace_round_trips_too(
    empty: Workspace, new_empty: Any, tmp_path: Path
) -> None:
    _path, doc = exported(empty, tmp_path)
    target = new_empty("other", "x")
    transfer.import_workspace(target, doc)
    assert content(target) == content(empty)


def test_a_copy_gives_identical_content_and_checks_its_figures(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    """``mops db copy``: the export and import in one step, then every table's count
    and the money sums compared."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    summary = transfer.copy_workspace(demo_ws, empty, scratch)
    assert content(empty) == content(demo_ws)
    assert summary == transfer.figures(demo_ws)
    assert summary.counts["spend_entries"] > 0 and summary.sums["spend_entries.amount"] != 0
    assert list(scratch.iterdir()) == []  # the export passed through, and is gone


def test_a_copy_into_a_workspace_that_holds_records_is_refused(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    before = content(demo_ws)
    with pytest.raises(NotEmpty, match="already holds"):
        transfer.copy_workspace(empty, demo_ws, tmp_path)
    assert content(demo_ws) == before
    assert list(tmp_path.glob("*.json")) == []


def _tool(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "vendor": "Acme",
        "category": "analytics",
        "purpose": "Trying the import",
        "status": "evaluating",
    }


# ---------------------------------------------------------------------------
# Refusals: nothing is written
# ---------------------------------------------------------------------------


def test_a_database_that_holds_records_is_refused(demo_ws: Workspace, tmp_path: Path) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(demo_ws)
    with pytest.raises(NotEmpty) as caught:
        transfer.import_workspace(demo_ws, doc)
    message = str(caught.value)
    assert "already holds" in message and "8 people" in message
    assert "empty database only" in message and "Nothing was written" in message
    assert caught.value.exit_code == 1
    assert content(demo_ws) == before


def test_one_person_is_enough_to_refuse(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    people.add_person(empty, {"handle": "zoe", "name": "Zoe Park"})
    before = content(empty)
    with pytest.raises(NotEmpty, match="already holds 1 people, 1 audit entries"):
        transfer.import_workspace(empty, doc)
    assert_untouched(empty, before)


def test_a_file_from_a_newer_format_is_refused(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    doc["format_version"] = transfer.FORMAT_VERSION + 1
    with pytest.raises(TransferError, match=r"written by a newer mops \(export format 2"):
        transfer.import_workspace(empty, doc)
    assert_untouched(empty, before)


def test_a_file_from_a_newer_schema_is_refused(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    newer = f"{int(HEAD) + 1:04d}"
    doc["schema_revision"] = newer
    with pytest.raises(TransferError) as caught:
        transfer.import_workspace(empty, doc)
    assert f"newer database schema (revision {newer})" in str(caught.value)
    assert f"knows (revision {HEAD})" in str(caught.value)
    assert caught.value.exit_code == 2
    assert_untouched(empty, before)


def test_a_truncated_file_is_refused(demo_ws: Workspace, empty: Workspace, tmp_path: Path) -> None:
    path, _doc = exported(demo_ws, tmp_path)
    data = path.read_bytes()
    before = content(empty)
    for cut in (len(data) // 2, len(data) - 3, 40):
        with pytest.raises(TransferError, match="not complete JSON: it ends too soon"):
            transfer.read_document(data[:cut], "workspace.json")
    assert_untouched(empty, before)


def test_not_an_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="is empty"):
        transfer.read_document(b"  \n", "x.json")
    with pytest.raises(TransferError, match="not UTF-8"):
        transfer.read_document(b"\xff\xfe{", "x.json")
    with pytest.raises(TransferError, match="holds no JSON object"):
        transfer.read_document(b"[1, 2]", "x.json")
    with pytest.raises(TransferError, match="not a mops workspace export"):
        transfer.check_document({"tables": {}}, "x.json")
    doc = {"format": transfer.FORMAT, "format_version": 1, "schema_revision": HEAD}
    with pytest.raises(TransferError, match="no “tables” object"):
        transfer.check_document(doc, "x.json")


def test_a_row_with_a_missing_field_is_refused_naming_table_row_and_field(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    tool = doc["tables"]["tools"][2]
    del tool["vendor"]
    with pytest.raises(TransferError) as caught:
        transfer.import_workspace(empty, doc, name="edited.json")
    error = caught.value
    assert error.headline.startswith("edited.json cannot be imported; nothing was written.")
    assert error.problems == [f"tools, row 3 (id {tool['id']}): the field “vendor” is missing"]
    assert error.exit_code == 2
    assert_untouched(empty, before)


def test_values_of_the_wrong_kind_are_each_named(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    t = doc["tables"]
    t["spend_entries"][0]["amount"] = 12.5
    t["briefs"][0]["launch_date"] = "2026-13-01"
    t["tools"][0]["auto_renew"] = "yes"
    t["people"][0]["handle"] = None
    t["tools"][1]["colour"] = "blue"
    t["audit_log"][0]["at"] = "yesterday"
    t["people"][1]["handle"] = "x" * 40
    with pytest.raises(TransferError) as caught:
        transfer.import_workspace(empty, doc)
    problems = caught.value.problems
    expected = [
        "people, row 1 (id 1): the field “handle” is empty (null), but every row needs it",
        "people, row 2 (id 2): the field “handle” is 40 characters long; it holds at most 32",
        'tools, row 1 (id 1): the field “auto_renew” "yes" is not true or false',
        "tools, row 2 (id 2): the field “colour” is not a column of tools",
        "spend_entries, row 1 (id 1): the field “amount” 12.5 is not a whole number "
        "(money is in minor units)",
        'briefs, row 1 (id 1): the field “launch_date” "2026-13-01" is not a date such as '
        "2026-11-29",
        'audit_log, row 1 (id 1): the field “at” "yesterday" is not a date and time such as '
        "2026-11-29T09:00:00",
    ]
    for line in expected:
        assert line in problems
    assert caught.value.total == len(expected)
    assert_untouched(empty, before)


def test_duplicate_ids_and_links_to_nothing_are_refused(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    t = doc["tables"]
    t["tools"][1]["owner_id"] = 999
    t["spend_entries"].append(dict(t["spend_entries"][0]))
    n = len(t["spend_entries"])
    t["people"][1]["handle"] = t["people"][0]["handle"]
    with pytest.raises(TransferError) as caught:
        transfer.import_workspace(empty, doc)
    problems = caught.value.problems
    assert (
        "tools, row 2 (id 2): the field “owner_id” points at people id 999, "
        "which is not in the file" in problems
    )
    assert f"spend_entries, row {n} (id 1): id 1 is also in row 1; it must be unique" in problems
    assert any(
        p.startswith("people, row 2 (id 2): handle ") and "must be unique" in p for p in problems
    )
    assert_untouched(empty, before)


def test_a_missing_or_unknown_table_is_refused(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)
    del doc["tables"]["snoozes"]
    doc["tables"]["campaigns"] = []
    with pytest.raises(TransferError) as caught:
        transfer.import_workspace(empty, doc)
    assert "the file has a table mops does not know: “campaigns”" in caught.value.problems
    assert "the file has no “snoozes” table (an export lists every table)" in caught.value.problems
    assert_untouched(empty, before)


def test_a_failure_while_writing_rolls_everything_back(
    demo_ws: Workspace, empty: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: a failure after every table was inserted leaves none of them."""
    _path, doc = exported(demo_ws, tmp_path)
    before = content(empty)

    def boom(_conn: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(transfer, "_reset_sequences", boom)
    with pytest.raises(RuntimeError, match="disk is full"):
        transfer.import_workspace(empty, doc)
    assert_untouched(empty, before)
