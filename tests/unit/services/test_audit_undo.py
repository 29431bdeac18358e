"""The audit log as a list, and ``u``: undo your own last change as a new audited change.

Every undo path (tool, KPI, budget line and brief edits set back; spend reversed; an
integration removed), every refusal (moves, additions, closes, imports of many rows,
someone else's later change), and that the undo is itself in the audit log while no
audit row is ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from backends import raw

from mops_tui.domain.errors import ValidationFailed
from mops_tui.services import audit_log, briefs, kpis, ledger, stack
from mops_tui.services.audit_log import UndoRefused
from mops_tui.services.workspace import Workspace


@pytest.fixture
def ana(demo_url: str) -> Iterator[Workspace]:
    """Someone else working on the same database."""
    workspace = Workspace(demo_url, actor="ana")
    yield workspace
    workspace.close()


def audit_rows(ws: Workspace) -> list[tuple[Any, ...]]:
    conn = raw(ws)
    try:
        return conn.execute(
            "SELECT id, actor, entity, entity_id, action, summary, before_json, after_json "
            "FROM audit_log ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def scalar(ws: Workspace, statement: str) -> Any:
    conn = raw(ws)
    try:
        return conn.execute(statement).fetchone()[0]
    finally:
        conn.close()


def newest(ws: Workspace, n: int = 1) -> list[audit_log.AuditRecord]:
    return audit_log.list_entries(ws, "", limit=n)


def assert_append_only(before: list[tuple[Any, ...]], ws: Workspace) -> list[tuple[Any, ...]]:
    """Every earlier audit row is still there, unchanged; returns the new ones."""
    after = audit_rows(ws)
    assert after[: len(before)] == before
    return after[len(before) :]


# ---------------------------------------------------------------------------
# The audit log as a list
# ---------------------------------------------------------------------------


def test_the_log_lists_newest_first_and_counts(demo_ws: Workspace) -> None:
    listing = audit_log.AuditListing(demo_ws)
    total = listing.count("")
    assert total == len(audit_rows(demo_ws))
    page = listing.page("", "at", True, 0, 50)
    assert len(page) == 50
    keys = [(e.at, e.id) for e in page]
    assert keys == sorted(keys, reverse=True)
    oldest = listing.page("", "at", False, 0, 1)[0]
    assert oldest.id == scalar(demo_ws, "SELECT id FROM audit_log ORDER BY at, id LIMIT 1")


def test_filter_by_actor_area_dates_and_words(demo_ws: Workspace, ana: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    stack.update(ana, tool.id, {"notes": "Checked the seats."}, tool.version)
    listing = audit_log.AuditListing(demo_ws)
    assert listing.count("actor:ana") == 1
    [mine] = listing.page("actor:ana area:tool", "at", True, 0, 10)
    assert mine.actor == "ana" and mine.entity == "tool" and mine.entity_id == tool.id
    assert mine.before is not None and mine.after == {"notes": "Checked the seats."}
    assert listing.count("actor:ana area:kpi") == 0
    assert listing.count("actor:me") == 0  # the workspace's actor is "tester"
    tools = listing.count("area:tool")
    stack_area = listing.count("area:stack")
    assert stack_area == tools + listing.count("area:integration")
    assert listing.count("area:ledger") > listing.count("area:spend")
    today = scalar(demo_ws, "SELECT COUNT(*) FROM audit_log WHERE at >= '2026-11-29'")
    assert listing.count("from:2026-11-29 to:2026-11-29") == today
    assert listing.count("on:today") == today
    assert listing.count("to:2026-11-28") == listing.count("") - today
    october = scalar(
        demo_ws,
        "SELECT COUNT(*) FROM audit_log WHERE at >= '2026-10-01' AND at < '2026-11-01'",
    )
    assert october and listing.count("from:2026-10-01 to:2026-10-31") == october
    assert listing.count("from:2026-11-30") == 0
    words = listing.page("retired", "at", True, 0, 100)
    assert words and all("retired" in e.summary.lower() for e in words)
    assert listing.count("RETIRED") == len(words)


def test_a_filter_term_that_is_not_understood_is_searched_as_words(
    demo_ws: Workspace,
) -> None:
    f = audit_log.parse_query(demo_ws, "from:someday actor:me,ana area:line kpi")
    assert f.words == ("from:someday", "kpi")
    assert f.actors == ("tester", "ana")
    assert f.entities == ("budget_line",)


def test_detail_shows_before_and_after_field_by_field(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "HubSpot Marketing Hub")
    stack.update(demo_ws, tool.id, {"annual_cost": "40,000", "seats_used": "12"}, tool.version)
    entry = newest(demo_ws)[0]
    found = audit_log.detail(demo_ws, entry.id)
    assert found.record == "HubSpot Marketing Hub"
    rows = {c.field: c for c in found.changes}
    assert rows["annual_cost"].before == "£38,400" and rows["annual_cost"].after == "£40,000"
    assert rows["annual_cost"].changed
    assert rows["seats_used"].after == "12"


# ---------------------------------------------------------------------------
# Undo paths
# ---------------------------------------------------------------------------


def test_undo_a_tool_edit_sets_it_back_and_is_itself_audited(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "HubSpot Marketing Hub")
    stack.update(demo_ws, tool.id, {"annual_cost": "99,000", "owner": "ben"}, tool.version)
    rows_before = audit_rows(demo_ws)
    edit_id = rows_before[-1][0]

    plan = audit_log.plan_undo(demo_ws)
    assert plan.entry.id == edit_id and plan.kind == "restore"
    assert "annual cost back from £99,000 to £38,400" in plan.description
    message = audit_log.undo_last(demo_ws, expected_entry=edit_id)
    assert message.startswith("Undone: Set HubSpot Marketing Hub's annual cost back")

    back = stack.get(demo_ws, tool.id)
    assert back.annual_cost == tool.annual_cost and back.owner == tool.owner
    new = assert_append_only(rows_before, demo_ws)
    assert [(r[1], r[2], r[3], r[4]) for r in new] == [
        ("tester", "tool", tool.id, "edited"),
        ("tester", "tool", tool.id, "undo"),
    ]
    marker = audit_log.get_entry(demo_ws, new[1][0])
    assert marker.after == {"undoes": edit_id, "entries": [new[0][0]]}
    assert f"undid change #{edit_id}" in marker.summary
    # The undo shows in the tool's own history too.
    assert any(h.action == "undo" for h in stack.detail(demo_ws, tool.id).history)


def test_each_undo_goes_one_change_further_back(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    first = stack.update(demo_ws, tool.id, {"seats_bought": "30"}, tool.version)
    stack.update(demo_ws, tool.id, {"seats_bought": "40"}, first.version)
    audit_log.undo_last(demo_ws)
    assert stack.get(demo_ws, tool.id).seats_bought == 30
    audit_log.undo_last(demo_ws)
    assert stack.get(demo_ws, tool.id).seats_bought == tool.seats_bought
    with pytest.raises(UndoRefused, match="tester has no change to undo"):
        audit_log.plan_undo(demo_ws)


def test_undo_a_kpi_meaning_edit_makes_a_new_version(demo_ws: Workspace) -> None:
    kpi = kpis.get_by_key(demo_ws, "customer_nps")
    assert kpi.status == "active"
    edited = kpis.update(
        demo_ws, kpi.id, {"definition": "NPS of paying customers only."}, kpi.version
    )
    assert edited.current_version == kpi.current_version + 1
    plan = audit_log.plan_undo(demo_ws)
    assert f"becomes version {edited.current_version + 1}" in plan.description
    audit_log.undo_last(demo_ws)
    back = kpis.get(demo_ws, kpi.id)
    assert back.definition == kpi.definition
    assert back.current_version == kpi.current_version + 2
    numbers = [v.number for v in kpis.detail(demo_ws, kpi.id).versions]
    assert sorted(numbers)[-3:] == [
        kpi.current_version,
        kpi.current_version + 1,
        kpi.current_version + 2,
    ]


def test_undo_a_kpi_wording_edit_adds_no_version(demo_ws: Workspace) -> None:
    kpi = kpis.get_by_key(demo_ws, "customer_nps")
    kpis.update(demo_ws, kpi.id, {"label": "Customer NPS (relationship)"}, kpi.version)
    assert "becomes version" not in audit_log.plan_undo(demo_ws).description
    audit_log.undo_last(demo_ws)
    back = kpis.get(demo_ws, kpi.id)
    assert back.label == kpi.label and back.current_version == kpi.current_version


def test_undo_a_budget_line_edit(demo_ws: Workspace) -> None:
    line = ledger.resolve_line(demo_ws, "2026-Q4/webinars")
    ledger.update_line(
        demo_ws, line.id, {"planned": "9,000", "notes": "Extra series"}, line.version
    )
    plan = audit_log.plan_undo(demo_ws)
    assert plan.entry.entity == "budget_line"
    assert "planned back from £9,000 to" in plan.description
    audit_log.undo_last(demo_ws)
    back = ledger.get_line(demo_ws, line.id)
    assert back.planned == line.planned and back.notes == line.notes


def test_undo_a_brief_edit_then_refuse_its_creation(demo_ws: Workspace) -> None:
    brief = briefs.create(demo_ws, {"title": "Spring webinar", "priority": "P3"})
    briefs.update(demo_ws, brief.id, {"title": "Spring webinar series", "owner": "Ana Costa"}, None)
    plan = audit_log.plan_undo(demo_ws)
    assert plan.entry.entity == "brief" and plan.entry.action == "edited"
    audit_log.undo_last(demo_ws)
    back = briefs.get(demo_ws, brief.id)
    assert back.title == "Spring webinar" and back.owner is None
    with pytest.raises(UndoRefused, match="cancel it with a reason"):
        audit_log.plan_undo(demo_ws)


def test_undo_spend_entry_is_a_reversal(demo_ws: Workspace) -> None:
    entry = ledger.add_entry(
        demo_ws,
        {
            "entry_date": "2026-11-20",
            "amount": "1,200",
            "payee": "Eventbrite",
            "line": "2026-Q4/webinars",
        },
    )
    rows_before = audit_rows(demo_ws)
    plan = audit_log.plan_undo(demo_ws)
    assert plan.kind == "reverse"
    assert "a reversal of -£1,200" in plan.description
    audit_log.undo_last(demo_ws)
    original = ledger.get_entry(demo_ws, entry.id)
    assert original.reversed_by is not None
    reversal = ledger.get_entry(demo_ws, original.reversed_by)
    assert reversal.kind == "reversal" and reversal.amount == -entry.amount
    assert reversal.created_by == "tester"
    new = assert_append_only(rows_before, demo_ws)
    assert [(r[2], r[3], r[4]) for r in new] == [
        ("spend", entry.id, "reversed"),
        ("spend", entry.id, "undo"),
    ]
    # A reversal is not reversed again: the next undo finds the entry's creation undone
    # and has nothing else of tester's.
    with pytest.raises(UndoRefused, match="no change to undo"):
        audit_log.plan_undo(demo_ws)


def test_undo_an_import_of_one_row_reverses_it(demo_ws: Workspace) -> None:
    report = ledger.import_spend(
        demo_ws,
        [
            (
                2,
                {
                    "entry_date": "2026-11-21",
                    "amount": "75",
                    "payee": "Zoom",
                    "line": "2026-Q4/webinars",
                },
            )
        ],
    )
    assert report.written and report.to_add == 1
    plan = audit_log.plan_undo(demo_ws)
    assert plan.kind == "reverse"
    audit_log.undo_last(demo_ws)
    entries = ledger.list_entries(demo_ws, "zoom from:2026-11-21 to:2026-11-21")
    kinds = sorted(e.kind for e in entries)
    assert kinds == ["reversal", "spend"]
    assert sum(e.amount for e in entries) == 0


def test_undo_an_integration_removes_it(demo_ws: Workspace) -> None:
    flow = stack.add_integration(
        demo_ws, {"source": "HubSpot Marketing Hub", "target": "Canva", "data": "brand kit"}
    )
    plan = audit_log.plan_undo(demo_ws)
    assert plan.kind == "remove" and "HubSpot Marketing Hub → Canva" in plan.description
    audit_log.undo_last(demo_ws)
    links = stack.detail(demo_ws, flow.source_id).integrations
    assert flow.id not in {i.id for i in links}
    assert newest(demo_ws, 2)[1].action == "removed"


# ---------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------


def test_nothing_to_undo(demo_ws: Workspace) -> None:
    with pytest.raises(UndoRefused, match="tester has no change to undo") as caught:
        audit_log.undo_last(demo_ws)
    assert caught.value.exit_code == 1


def test_a_status_move_is_refused_with_what_to_do(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    stack.transition(demo_ws, tool.id, {"status": "under_review"}, tool.version)
    rows = audit_rows(demo_ws)
    with pytest.raises(
        UndoRefused, match=r"Status moves are not undone with u: move it again with t in Stack"
    ):
        audit_log.undo_last(demo_ws)
    assert audit_rows(demo_ws) == rows  # a refusal writes nothing


def test_adding_a_tool_is_refused(demo_ws: Workspace) -> None:
    stack.create(
        demo_ws,
        {
            "name": "Loom",
            "vendor": "Atlassian",
            "category": "Collaboration",
            "owner": "ana",
            "purpose": "Async video",
            "status": "evaluating",
        },
    )
    with pytest.raises(UndoRefused, match=r"added Loom\. Nothing in mops is deleted: retire it"):
        audit_log.plan_undo(demo_ws)


def test_a_close_is_refused(demo_ws: Workspace) -> None:
    ledger.close_period(demo_ws, "2026-10")
    with pytest.raises(UndoRefused, match="mops budget reopen 2026-10"):
        audit_log.plan_undo(demo_ws)


def test_a_brief_move_is_refused(demo_ws: Workspace) -> None:
    brief = briefs.create(demo_ws, {"title": "Doomed idea"})
    briefs.move(demo_ws, brief.id, "cancel", reason="no budget")
    with pytest.raises(UndoRefused, match="Status moves are not undone"):
        audit_log.plan_undo(demo_ws)


def test_an_import_of_many_rows_is_refused(demo_ws: Workspace) -> None:
    rows = [
        (
            n,
            {
                "entry_date": "2026-11-2" + str(n),
                "amount": str(10 * n),
                "payee": "Zoom",
                "line": "2026-Q4/webinars",
            },
        )
        for n in (2, 3, 4)
    ]
    assert ledger.import_spend(demo_ws, rows).written
    with pytest.raises(UndoRefused, match="an import of 3 rows"):
        audit_log.plan_undo(demo_ws)


def test_a_correction_and_a_reversal_are_refused(demo_ws: Workspace) -> None:
    entry = ledger.add_entry(
        demo_ws,
        {"entry_date": "2026-11-20", "amount": "300", "payee": "Vimeo", "line": "2026-Q4/webinars"},
    )
    ledger.correct_entry(demo_ws, entry.id, {"amount": "350"})
    with pytest.raises(UndoRefused, match="correct the new entry"):
        audit_log.plan_undo(demo_ws)
    other = ledger.add_entry(
        demo_ws,
        {"entry_date": "2026-11-20", "amount": "90", "payee": "Vimeo", "line": "2026-Q4/webinars"},
    )
    ledger.reverse_entry(demo_ws, other.id, "duplicate")
    with pytest.raises(UndoRefused, match="A reversal is not reversed"):
        audit_log.plan_undo(demo_ws)


def test_someone_else_changed_the_tool_after_you(demo_ws: Workspace, ana: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    mine = stack.update(demo_ws, tool.id, {"seats_bought": "30"}, tool.version)
    stack.update(ana, tool.id, {"notes": "Renewal owner is ana"}, mine.version)
    rows = audit_rows(demo_ws)
    with pytest.raises(
        UndoRefused, match=r"^ana changed Canva at 2026-11-29 09:00, after your change"
    ):
        audit_log.undo_last(demo_ws)
    assert audit_rows(demo_ws) == rows
    assert stack.get(demo_ws, tool.id).seats_bought == 30


def test_someone_else_changed_the_kpi_after_you(demo_ws: Workspace, ana: Workspace) -> None:
    kpi = kpis.get_by_key(demo_ws, "customer_nps")
    mine = kpis.update(demo_ws, kpi.id, {"label": "NPS"}, kpi.version)
    kpis.update(ana, kpi.id, {"description": "Asked twice a year."}, mine.version)
    with pytest.raises(UndoRefused, match=r"^ana changed customer_nps"):
        audit_log.plan_undo(demo_ws)


def test_someone_else_reversed_your_spend(demo_ws: Workspace, ana: Workspace) -> None:
    entry = ledger.add_entry(
        demo_ws,
        {
            "entry_date": "2026-11-20",
            "amount": "60",
            "payee": "Typeform",
            "line": "2026-Q4/webinars",
        },
    )
    ledger.reverse_entry(ana, entry.id, "not ours")
    with pytest.raises(UndoRefused, match=r"^ana changed #\d+ £60 to Typeform"):
        audit_log.plan_undo(demo_ws)


def test_someone_else_removed_your_integration(demo_ws: Workspace, ana: Workspace) -> None:
    flow = stack.add_integration(
        demo_ws, {"source": "HubSpot Marketing Hub", "target": "Canva", "data": "brand kit"}
    )
    stack.remove_integration(ana, flow.id)
    with pytest.raises(UndoRefused, match=r"^ana changed HubSpot Marketing Hub → Canva"):
        audit_log.plan_undo(demo_ws)


def test_a_value_changed_behind_mops_back_is_refused(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    stack.update(demo_ws, tool.id, {"seats_bought": "30"}, tool.version)
    conn = raw(demo_ws)
    conn.execute("UPDATE tools SET seats_bought = 31 WHERE id = ?", (tool.id,))
    conn.commit()
    conn.close()
    with pytest.raises(UndoRefused, match="Canva no longer holds what your change set"):
        audit_log.plan_undo(demo_ws)


def test_others_changes_are_never_yours_to_undo(demo_ws: Workspace, ana: Workspace) -> None:
    canva = stack.get_by_name(demo_ws, "Canva")
    hubspot = stack.get_by_name(demo_ws, "HubSpot Marketing Hub")
    stack.update(demo_ws, canva.id, {"seats_bought": "30"}, canva.version)
    stack.update(ana, hubspot.id, {"seats_used": "20"}, hubspot.version)
    plan = audit_log.plan_undo(demo_ws)
    assert plan.entry.actor == "tester" and plan.entry.entity_id == canva.id
    audit_log.undo_last(demo_ws)
    assert stack.get(demo_ws, hubspot.id).seats_used == 20


def test_the_change_confirmed_must_still_be_the_last(demo_ws: Workspace) -> None:
    tool = stack.get_by_name(demo_ws, "Canva")
    first = stack.update(demo_ws, tool.id, {"seats_bought": "30"}, tool.version)
    shown = audit_log.plan_undo(demo_ws).entry.id
    stack.update(demo_ws, tool.id, {"seats_bought": "35"}, first.version)
    with pytest.raises(UndoRefused, match="no longer the one shown"):
        audit_log.undo_last(demo_ws, expected_entry=shown)
    assert stack.get(demo_ws, tool.id).seats_bought == 35


def test_a_refused_write_leaves_no_undo_entry(demo_ws: Workspace, ana: Workspace) -> None:
    """The reversal of spend in a month closed since is refused by the ledger's rule."""
    entry = ledger.add_entry(
        demo_ws,
        {"entry_date": "2026-10-20", "amount": "45", "payee": "Canva", "line": "2026-Q4/webinars"},
    )
    ledger.close_period(ana, "2026-10")
    rows = audit_rows(demo_ws)
    with pytest.raises(ValidationFailed, match="October 2026 was closed by ana"):
        audit_log.undo_last(demo_ws)
    assert audit_rows(demo_ws) == rows
    assert ledger.get_entry(demo_ws, entry.id).reversed_by is None
