"""The Stack service against a real, migrated database (SQLite and PostgreSQL).

Every write goes through ``mops_tui.services.stack`` exactly as the faces call it; the
assertions read the database back with a plain DB-API connection (``backends.raw``) so
they see what was stored, not what the service believes it stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from backends import raw

from mops_tui.domain.errors import NotFound, StaleRecord, ValidationFailed
from mops_tui.domain.text import key_of
from mops_tui.domain.tools import STATUSES, TRANSITIONS, ToolView, status_label
from mops_tui.services import people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries.stack import SORTS

TODAY = date(2026, 11, 29)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def rows(ws: Workspace, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = raw(ws)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def count(ws: Workspace, table: str) -> int:
    return int(rows(ws, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def snapshot_counts(ws: Workspace) -> tuple[int, int, int]:
    return count(ws, "tools"), count(ws, "audit_log"), count(ws, "integrations")


def audit(ws: Workspace) -> list[dict[str, Any]]:
    return rows(ws, "SELECT * FROM audit_log ORDER BY id")


def last_audit(ws: Workspace) -> dict[str, Any]:
    return audit(ws)[-1]


def add_team(ws: Workspace) -> None:
    people.add_person(
        ws,
        {"handle": "ana", "name": "Ana Costa", "email": "ana@example.com", "team": "Ops"},
    )
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor", "team": "Demand Gen"})


def raw_tool(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "HubSpot",
        "vendor": "HubSpot",
        "category": "Marketing automation",
        "owner": "ana",
        "purpose": "Nurture emails and lead scoring.",
        "status": "active",
        "annual_cost": "12000",
        "renewal_date": "2027-06-30",
        "notice_days": "30",
        "holds_personal_data": "no",
    }
    base.update(over)
    return base


@pytest.fixture
def team(ws: Workspace) -> Workspace:
    add_team(ws)
    return ws


def refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.fields}


# ---------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------


def test_create_stores_the_tool_and_one_audit_entry(team: Workspace) -> None:
    before = count(team, "audit_log")
    view = stack.create(team, raw_tool(seats_bought="10", seats_used="8"))

    assert view.name == "HubSpot"
    assert view.owner == "ana"
    assert view.owner_name == "Ana Costa"
    assert view.status == "active"
    assert view.annual_cost == 1_200_000
    assert view.renewal_date == date(2027, 6, 30)
    assert view.cancel_by == date(2027, 5, 31)
    assert view.version == 1
    stored = rows(team, "SELECT * FROM tools")
    assert len(stored) == 1
    assert stored[0]["name_key"] == "hubspot"
    assert stored[0]["cancel_by"] == "2027-05-31"
    assert stored[0]["created_by"] == stored[0]["updated_by"] == "tester"

    entries = audit(team)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry["actor"], entry["entity"], entry["entity_id"], entry["action"]) == (
        "tester",
        "tool",
        view.id,
        "created",
    )
    assert entry["summary"] == "added HubSpot as active"
    assert entry["before_json"] is None
    after = json.loads(entry["after_json"])
    assert after["name"] == "HubSpot"
    assert after["owner"] == "ana"
    assert after["annual_cost"] == 1_200_000
    assert after["renewal_date"] == "2027-06-30"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("HubSpot", "HUBSPOT"),
        ("HubSpot", "hubspot"),
        ("HubSpot", "  HubSpot  "),
        ("Straße", "STRASSE"),
    ],
)
def test_duplicate_name_is_refused_whatever_its_case(
    team: Workspace, first: str, second: str
) -> None:
    stack.create(team, raw_tool(name=first))
    counts = snapshot_counts(team)

    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(name=second))

    shown = second.strip()
    assert refusal(exc) == {
        "name": f"a tool called “{shown}” is already in the stack "
        "(names are unique whatever their case)"
    }
    assert snapshot_counts(team) == counts


def test_unknown_owner_is_refused_on_the_owner_field(team: Workspace) -> None:
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(owner="Zed"))
    fields = refusal(exc)
    assert list(fields) == ["owner"]
    assert "“Zed” is not a known person" in fields["owner"]
    assert "mops people add" in fields["owner"]
    assert snapshot_counts(team) == counts


def test_ambiguous_owner_asks_for_a_handle(team: Workspace) -> None:
    people.add_person(team, {"handle": "anabel", "name": "Anabel Diaz"})
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(owner="an"))
    message = refusal(exc)["owner"]
    assert "matches several people" in message
    assert "ana" in message and "anabel" in message
    assert message.endswith("use a handle")
    assert snapshot_counts(team) == counts


def test_owner_given_as_full_name_is_stored_and_audited_as_the_handle(team: Workspace) -> None:
    view = stack.create(team, raw_tool(owner="Ben Okafor"))
    assert view.owner == "ben"
    owner_id = rows(team, "SELECT owner_id FROM tools WHERE id = ?", (view.id,))[0]["owner_id"]
    assert rows(team, "SELECT handle FROM people WHERE id = ?", (owner_id,))[0]["handle"] == "ben"
    assert json.loads(last_audit(team)["after_json"])["owner"] == "ben"


def test_active_tool_without_renewal_date_is_refused(team: Workspace) -> None:
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(renewal_date=""))
    assert refusal(exc) == {"renewal_date": "a tool that is active needs a renewal date"}
    assert snapshot_counts(team) == counts


def test_active_tool_without_cost_is_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(annual_cost=None))
    assert refusal(exc) == {
        "annual_cost": "a tool that is active needs its annual cost (0 if free)"
    }
    assert count(team, "tools") == 0


def test_active_tool_with_personal_data_needs_a_dpa_and_region(team: Workspace) -> None:
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(holds_personal_data="yes", data_region="EU"))
    assert refusal(exc) == {
        "dpa_signed_on": "this tool holds personal data, so it cannot be active without a "
        "signed DPA; enter the date the DPA was signed"
    }
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(holds_personal_data="yes"))
    assert set(refusal(exc)) == {"dpa_signed_on", "data_region"}
    assert snapshot_counts(team) == counts

    # An evaluating tool may hold personal data before the DPA is signed.
    view = stack.create(team, raw_tool(status="evaluating", holds_personal_data="yes"))
    assert view.holds_personal_data is True
    assert [f.code for f in view.flags(TODAY)] == ["compliance"]


def test_a_new_tool_cannot_start_retired(team: Workspace) -> None:
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(status="retired"))
    assert refusal(exc) == {"status": "a new tool cannot start retired; add it, then retire it"}
    assert snapshot_counts(team) == counts


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(team: Workspace) -> None:
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.create(
            team,
            raw_tool(name="", owner="nobody", annual_cost="-5", renewal_date="2026-02-30"),
        )
    fields = refusal(exc)
    assert set(fields) == {"name", "owner", "annual_cost", "renewal_date"}
    assert fields["name"] == "enter a name"
    assert fields["annual_cost"] == "cannot be negative"
    assert "not a real date" in fields["renewal_date"]
    assert "February 2026 has 28 days" in fields["renewal_date"]
    assert snapshot_counts(team) == counts


def test_control_characters_in_a_name_are_refused(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        stack.create(team, raw_tool(name="Hub\x1b[31mSpot"))
    assert refusal(exc) == {
        "name": "contains control characters or terminal escape codes; remove them"
    }
    assert count(team, "tools") == 0


# ---------------------------------------------------------------------------
# Update and optimistic locking
# ---------------------------------------------------------------------------


def test_update_changes_only_the_given_fields(team: Workspace) -> None:
    original = stack.create(team, raw_tool(seats_bought="10", seats_used="8", notes="Keep."))
    audits = count(team, "audit_log")

    updated = stack.update(team, original.id, {"annual_cost": "15,000.50"}, original.version)

    assert updated.annual_cost == 1_500_050
    assert updated.version == original.version + 1
    for name in ("name", "vendor", "owner", "purpose", "renewal_date", "seats_bought", "notes"):
        assert getattr(updated, name) == getattr(original, name), name
    entries = audit(team)
    assert len(entries) == audits + 1
    entry = entries[-1]
    assert entry["action"] == "edited"
    assert entry["actor"] == "tester"
    assert entry["summary"] == "annual cost £12,000 → £15,000.50"
    assert json.loads(entry["before_json"]) == {"annual_cost": 1_200_000}
    assert json.loads(entry["after_json"]) == {"annual_cost": 1_500_050}


def test_update_owner_by_full_name_stores_the_handle(team: Workspace) -> None:
    view = stack.create(team, raw_tool())
    updated = stack.update(team, view.id, {"owner": "Ben Okafor"}, view.version)
    assert updated.owner == "ben"
    entry = last_audit(team)
    assert entry["summary"] == "owner ana → ben"
    assert json.loads(entry["after_json"]) == {"owner": "ben"}


def test_update_that_changes_nothing_writes_nothing(team: Workspace) -> None:
    view = stack.create(team, raw_tool())
    audits = count(team, "audit_log")
    same = stack.update(team, view.id, {"annual_cost": "12,000", "vendor": " HubSpot "}, 1)
    assert same.version == view.version
    assert count(team, "audit_log") == audits


def test_update_refuses_a_status_change(team: Workspace) -> None:
    view = stack.create(team, raw_tool())
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.update(team, view.id, {"status": "retired"}, view.version)
    assert refusal(exc) == {"status": "change the status with a lifecycle move (t), not an edit"}
    assert snapshot_counts(team) == counts
    assert stack.get(team, view.id).status == "active"


def test_update_refuses_a_rename_onto_another_tool(team: Workspace) -> None:
    stack.create(team, raw_tool(name="Salesforce"))
    view = stack.create(team, raw_tool())
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.update(team, view.id, {"name": "SALESFORCE"}, view.version)
    assert "already in the stack" in refusal(exc)["name"]
    assert snapshot_counts(team) == counts
    assert stack.get(team, view.id).name == "HubSpot"

    # Changing only the case of its own name is not a duplicate.
    renamed = stack.update(team, view.id, {"name": "Hubspot"}, view.version)
    assert renamed.name == "Hubspot"


def test_update_of_a_missing_tool_is_not_found(team: Workspace) -> None:
    with pytest.raises(NotFound, match="there is no tool with id 999"):
        stack.update(team, 999, {"notes": "x"}, None)


@pytest.fixture
def two_users(db_url: str) -> Iterator[tuple[Workspace, Workspace]]:
    a = Workspace(db_url, actor="alice")
    b = Workspace(db_url, actor="bob")
    yield a, b
    a.close()
    b.close()


def test_a_stale_edit_is_refused_and_names_who_changed_it_and_when(
    two_users: tuple[Workspace, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_users
    add_team(a)
    tool = stack.create(a, raw_tool())
    seen_by_a = stack.get(a, tool.id)
    seen_by_b = stack.get(b, tool.id)
    assert seen_by_a.version == seen_by_b.version == 1

    monkeypatch.setenv("MOPS_NOW", "2026-11-29T10:15:00")
    stack.update(a, tool.id, {"annual_cost": "13000"}, seen_by_a.version)
    audits = count(b, "audit_log")

    monkeypatch.setenv("MOPS_NOW", "2026-11-29T10:20:00")
    with pytest.raises(StaleRecord) as exc:
        stack.update(b, tool.id, {"annual_cost": "99000", "notes": "bob"}, seen_by_b.version)

    message = str(exc.value)
    assert message.startswith("“HubSpot” was changed by alice at 2026-11-29 10:15")
    assert "Nothing was saved" in message
    assert exc.value.changed_by == "alice"
    now = stack.get(b, tool.id)
    assert now.annual_cost == 1_300_000
    assert now.notes == ""
    assert now.updated_by == "alice"
    assert count(b, "audit_log") == audits


def test_a_stale_lifecycle_move_is_refused(two_users: tuple[Workspace, Workspace]) -> None:
    a, b = two_users
    add_team(a)
    tool = stack.create(a, raw_tool())
    stack.update(a, tool.id, {"notes": "renegotiating"}, tool.version)
    with pytest.raises(StaleRecord, match="changed by alice"):
        stack.transition(b, tool.id, {"status": "under_review"}, tool.version)
    assert stack.get(b, tool.id).status == "active"


# ---------------------------------------------------------------------------
# Lifecycle moves
# ---------------------------------------------------------------------------

RETIRE = {"reason": "Replaced by something cheaper.", "retired_on": "2026-11-01"}
ALLOWED = [(src, dst) for src, targets in TRANSITIONS.items() for dst in targets]
REFUSED = [
    (src, dst) for src in STATUSES for dst in STATUSES if dst != src and dst not in TRANSITIONS[src]
]


def tool_in(ws: Workspace, status: str, **over: Any) -> ToolView:
    if status == "retired":
        view = stack.create(ws, raw_tool(status="active", **over))
        return stack.transition(ws, view.id, {"status": "retired", **RETIRE}, view.version)
    return stack.create(ws, raw_tool(status=status, **over))


@pytest.mark.parametrize(("src", "dst"), ALLOWED)
def test_each_allowed_move(team: Workspace, src: str, dst: str) -> None:
    view = tool_in(team, src)
    audits = count(team, "audit_log")
    move: dict[str, Any] = {"status": dst}
    if dst == "retired":
        move.update(RETIRE)

    moved = stack.transition(team, view.id, move, view.version)

    assert moved.status == dst
    assert moved.version == view.version + 1
    entries = audit(team)
    assert len(entries) == audits + 1
    entry = entries[-1]
    assert entry["action"] == "status"
    assert entry["actor"] == "tester"
    assert entry["summary"].startswith(f"status {status_label(src)} → {status_label(dst)}")
    assert json.loads(entry["before_json"])["status"] == src
    assert json.loads(entry["after_json"])["status"] == dst


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_each_refused_move_says_where_the_tool_can_go(team: Workspace, src: str, dst: str) -> None:
    view = tool_in(team, src)
    counts = snapshot_counts(team)
    move: dict[str, Any] = {"status": dst, **(RETIRE if dst == "retired" else {})}

    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, move, view.version)

    options = ", ".join(status_label(s) for s in TRANSITIONS[src])
    assert refusal(exc) == {
        "status": f"a tool cannot go from {status_label(src)} to {status_label(dst)}; "
        f"from {status_label(src)} it can become: {options}"
    }
    assert snapshot_counts(team) == counts
    assert stack.get(team, view.id).status == src


def test_moving_to_the_same_status_is_refused(team: Workspace) -> None:
    view = tool_in(team, "active")
    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, {"status": "active"}, view.version)
    assert refusal(exc) == {"status": "the tool is already active"}


def test_an_unknown_status_is_refused_with_the_choices(team: Workspace) -> None:
    view = tool_in(team, "active")
    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, {"status": "paused"}, view.version)
    message = refusal(exc)["status"]
    assert message.startswith("“paused” is not a lifecycle status; choose one of:")
    assert "under_review" in message


def test_retiring_needs_a_reason_and_a_date_and_stores_them(team: Workspace) -> None:
    view = tool_in(team, "active")
    counts = snapshot_counts(team)
    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, {"status": "retired"}, view.version)
    assert refusal(exc) == {
        "reason": "say why the tool is being retired",
        "retired_on": "enter the date the tool was retired",
    }
    with pytest.raises(ValidationFailed) as exc:
        stack.transition(
            team,
            view.id,
            {"status": "retired", "reason": "r", "retired_on": "2026-12-05"},
            view.version,
        )
    assert refusal(exc) == {
        "retired_on": "cannot be in the future; keep the tool decommissioning until then"
    }
    assert snapshot_counts(team) == counts

    retired = stack.transition(team, view.id, {"status": "retired", **RETIRE}, view.version)
    assert retired.retired_on == date(2026, 11, 1)
    assert retired.retired_reason == "Replaced by something cheaper."
    stored = rows(team, "SELECT retired_on, retired_reason FROM tools WHERE id = ?", (view.id,))
    assert stored == [{"retired_on": "2026-11-01", "retired_reason": RETIRE["reason"]}]
    entry = last_audit(team)
    assert entry["summary"] == "status active → retired: Replaced by something cheaper."
    assert json.loads(entry["after_json"]) == {
        "status": "retired",
        "retired_on": "2026-11-01",
        "retired_reason": RETIRE["reason"],
    }
    assert retired.flags(TODAY) == []


def test_taking_a_retired_tool_back_into_evaluation_clears_the_retirement(
    team: Workspace,
) -> None:
    view = tool_in(team, "retired")
    back = stack.transition(team, view.id, {"status": "evaluating"}, view.version)
    assert back.status == "evaluating"
    assert back.retired_on is None
    assert back.retired_reason is None
    stored = rows(team, "SELECT retired_on, retired_reason FROM tools WHERE id = ?", (view.id,))
    assert stored == [{"retired_on": None, "retired_reason": None}]
    # History stays: the retirement is still in the audit log.
    actions = [h.summary for h in stack.detail(team, view.id).history]
    assert any(s.startswith("status active → retired") for s in actions)


def test_a_move_that_needs_facts_is_refused_until_they_are_given(team: Workspace) -> None:
    view = stack.create(team, raw_tool(status="evaluating", annual_cost=None, renewal_date=None))
    needs = stack.transition_needs(team, view, "active")
    assert {e.field for e in needs} == {"annual_cost", "renewal_date"}
    counts = snapshot_counts(team)

    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, {"status": "active"}, view.version)
    assert refusal(exc) == {
        "annual_cost": "a tool that is active needs its annual cost (0 if free)",
        "renewal_date": "a tool that is active needs a renewal date",
    }
    assert snapshot_counts(team) == counts

    active = stack.transition(
        team,
        view.id,
        {"status": "active", "annual_cost": "£2.5k", "renewal_date": "2027-03-31"},
        view.version,
    )
    assert active.status == "active"
    assert active.annual_cost == 250_000
    assert active.cancel_by == date(2027, 3, 1)
    summary = last_audit(team)["summary"]
    assert summary.startswith("status evaluating → active (also ")
    assert "annual cost — → £2,500" in summary
    assert "renewal date — → 2027-03-31" in summary


def test_a_personal_data_tool_needs_its_dpa_to_become_active(team: Workspace) -> None:
    view = stack.create(team, raw_tool(status="evaluating", holds_personal_data="yes"))
    with pytest.raises(ValidationFailed) as exc:
        stack.transition(team, view.id, {"status": "active"}, view.version)
    assert set(refusal(exc)) == {"dpa_signed_on", "data_region"}
    active = stack.transition(
        team,
        view.id,
        {"status": "active", "dpa_signed_on": "2026-10-01", "data_region": "eu"},
        view.version,
    )
    assert (active.dpa_signed_on, active.data_region) == (date(2026, 10, 1), "EU")


def test_retire_needs_are_listed_for_the_move_form(team: Workspace) -> None:
    view = tool_in(team, "active")
    assert {e.field for e in stack.transition_needs(team, view, "retired")} == {
        "reason",
        "retired_on",
    }
    refused = stack.transition_needs(team, view, "evaluating")
    assert [e.field for e in refused] == ["status"]


# ---------------------------------------------------------------------------
# Integrations
# ---------------------------------------------------------------------------


@pytest.fixture
def pair(team: Workspace) -> Workspace:
    stack.create(team, raw_tool())
    stack.create(team, raw_tool(name="Salesforce", vendor="Salesforce", category="CRM"))
    return team


def test_add_integration_with_personal_data(pair: Workspace) -> None:
    audits = count(pair, "audit_log")
    made = stack.add_integration(
        pair, {"source": "hubspot", "target": "SALESFORCE", "data": "contacts", "personal": "yes"}
    )
    assert (made.source, made.target, made.data, made.personal) == (
        "HubSpot",
        "Salesforce",
        "contacts",
        True,
    )
    target = stack.get_by_name(pair, "Salesforce")
    assert target.personal_in_from == ["HubSpot"]
    assert target.integrations_in == 1
    # Salesforce does not say it holds personal data, so the flow opens a compliance gap.
    codes = [f.code for f in target.flags(TODAY)]
    assert "compliance" in codes
    entries = audit(pair)
    assert len(entries) == audits + 1
    assert entries[-1]["entity"] == "integration"
    assert entries[-1]["summary"] == "integration HubSpot → Salesforce: contacts (personal data)"
    assert json.loads(entries[-1]["after_json"]) == {
        "source": "HubSpot",
        "target": "Salesforce",
        "data": "contacts",
        "personal": True,
    }


def test_duplicate_integration_is_refused(pair: Workspace) -> None:
    stack.add_integration(pair, {"source": "HubSpot", "target": "Salesforce", "data": "contacts"})
    counts = snapshot_counts(pair)
    with pytest.raises(ValidationFailed) as exc:
        stack.add_integration(
            pair, {"source": "HubSpot", "target": "Salesforce", "data": "CONTACTS"}
        )
    assert refusal(exc) == {"data": "HubSpot already sends “CONTACTS” to Salesforce"}
    assert snapshot_counts(pair) == counts
    # The reverse direction and other data are separate flows.
    stack.add_integration(pair, {"source": "Salesforce", "target": "HubSpot", "data": "contacts"})
    stack.add_integration(pair, {"source": "HubSpot", "target": "Salesforce", "data": "events"})
    assert count(pair, "integrations") == counts[2] + 2


def test_integration_with_itself_is_refused(pair: Workspace) -> None:
    counts = snapshot_counts(pair)
    with pytest.raises(ValidationFailed) as exc:
        stack.add_integration(pair, {"source": "HubSpot", "target": "hubspot", "data": "x"})
    assert refusal(exc) == {"target": "a tool cannot integrate with itself; choose another tool"}
    assert snapshot_counts(pair) == counts


def test_integration_with_an_unknown_tool_is_refused(pair: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        stack.add_integration(pair, {"source": "Nope", "target": "HubSpot", "data": "x"})
    assert refusal(exc) == {"source": "there is no tool called “Nope”"}


def test_integration_with_a_retired_tool_is_refused(pair: Workspace) -> None:
    sf = stack.get_by_name(pair, "Salesforce")
    stack.transition(pair, sf.id, {"status": "retired", **RETIRE}, sf.version)
    counts = snapshot_counts(pair)
    with pytest.raises(ValidationFailed) as exc:
        stack.add_integration(pair, {"source": "HubSpot", "target": "Salesforce", "data": "x"})
    assert refusal(exc) == {"target": "“Salesforce” is retired; it takes no new integrations"}
    assert snapshot_counts(pair) == counts


def test_removing_an_integration_keeps_the_row_and_the_history(pair: Workspace) -> None:
    made = stack.add_integration(
        pair, {"source": "HubSpot", "target": "Salesforce", "data": "contacts", "personal": True}
    )
    hub = stack.get_by_name(pair, "HubSpot")
    sf = stack.get_by_name(pair, "Salesforce")
    assert [i.id for i in stack.detail(pair, hub.id).integrations] == [made.id]
    audits = count(pair, "audit_log")

    stack.remove_integration(pair, made.id)

    stored = rows(pair, "SELECT * FROM integrations WHERE id = ?", (made.id,))
    assert len(stored) == 1
    assert stored[0]["removed_at"] is not None
    assert stored[0]["removed_by"] == "tester"
    assert count(pair, "audit_log") == audits + 1
    for tool in (hub, sf):
        d = stack.detail(pair, tool.id)
        assert d.integrations == []
        assert d.tool.integrations_in == d.tool.integrations_out == 0
        summaries = [h.summary for h in d.history]
        assert summaries[0] == "removed integration HubSpot → Salesforce: contacts"
        assert "integration HubSpot → Salesforce: contacts (personal data)" in summaries
    assert stack.get(pair, sf.id).personal_in_from == []
    with pytest.raises(NotFound, match="already been removed"):
        stack.remove_integration(pair, made.id)
    assert count(pair, "audit_log") == audits + 1
    # Once removed, the same flow may be added again.
    again = stack.add_integration(
        pair, {"source": "HubSpot", "target": "Salesforce", "data": "contacts"}
    )
    assert again.id != made.id


def test_detail_splits_outgoing_and_incoming(pair: Workspace) -> None:
    stack.add_integration(pair, {"source": "HubSpot", "target": "Salesforce", "data": "leads"})
    stack.add_integration(pair, {"source": "Salesforce", "target": "HubSpot", "data": "revenue"})
    hub = stack.get_by_name(pair, "HubSpot")
    d = stack.detail(pair, hub.id)
    assert [i.data for i in d.outgoing] == ["leads"]
    assert [i.data for i in d.incoming] == ["revenue"]


# ---------------------------------------------------------------------------
# The audit log
# ---------------------------------------------------------------------------


def test_every_write_appends_exactly_one_readable_entry(ws: Workspace) -> None:
    steps: list[tuple[str, Any, str, str]] = [
        (
            "person",
            lambda: people.add_person(ws, {"handle": "ana", "name": "Ana Costa"}),
            "created",
            "added Ana Costa (ana)",
        ),
        ("tool", lambda: stack.create(ws, raw_tool()), "created", "added HubSpot as active"),
        (
            "tool",
            lambda: stack.create(ws, raw_tool(name="Salesforce", status="evaluating")),
            "created",
            "added Salesforce as evaluating",
        ),
        (
            "tool",
            lambda: stack.update(ws, 1, {"seats_bought": "20", "auto_renew": "no"}, 1),
            "edited",
            "auto renew yes → no; seats bought — → 20",
        ),
        (
            "tool",
            lambda: stack.update(ws, 1, {"purpose": "Email only now."}, 2),
            "edited",
            "purpose changed",
        ),
        (
            "tool",
            lambda: stack.transition(ws, 1, {"status": "under review", "reason": "Costly"}, 3),
            "status",
            "status active → under review: Costly",
        ),
        (
            "integration",
            lambda: stack.add_integration(
                ws, {"source": "HubSpot", "target": "Salesforce", "data": "leads"}
            ),
            "created",
            "integration HubSpot → Salesforce: leads",
        ),
        (
            "integration",
            lambda: stack.remove_integration(ws, 1),
            "removed",
            "removed integration HubSpot → Salesforce: leads",
        ),
    ]
    for entity, step, action, summary in steps:
        before = audit(ws)
        step()
        after = audit(ws)
        assert len(after) == len(before) + 1, summary
        entry = after[-1]
        assert entry["actor"] == "tester"
        assert entry["entity"] == entity
        assert entry["action"] == action
        assert entry["summary"] == summary
        assert entry["at"].startswith("2026-11-29")
        assert entry["before_json"] or entry["after_json"]
        for key in ("before_json", "after_json"):
            if entry[key] is not None:
                assert isinstance(json.loads(entry[key]), dict)
    edit = next(e for e in audit(ws) if e["summary"].startswith("auto renew"))
    assert json.loads(edit["before_json"]) == {"auto_renew": True, "seats_bought": None}
    assert json.loads(edit["after_json"]) == {"auto_renew": False, "seats_bought": 20}


def test_history_is_newest_first(team: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOPS_NOW", "2026-11-29T09:00:00")
    view = stack.create(team, raw_tool())
    stack.create(team, raw_tool(name="Salesforce"))
    monkeypatch.setenv("MOPS_NOW", "2026-11-29T10:00:00")
    stack.update(team, view.id, {"notes": "n"}, 1)
    monkeypatch.setenv("MOPS_NOW", "2026-11-29T11:00:00")
    stack.add_integration(team, {"source": "HubSpot", "target": "Salesforce", "data": "leads"})
    monkeypatch.setenv("MOPS_NOW", "2026-11-29T12:00:00")
    stack.transition(team, view.id, {"status": "under_review"}, 2)
    # Same timestamp as the move: the later entry still comes first.
    stack.update(team, view.id, {"seats_bought": "5"}, 3)

    history = stack.detail(team, view.id).history
    assert [(h.entity, h.action) for h in history] == [
        ("tool", "edited"),
        ("tool", "status"),
        ("integration", "created"),
        ("tool", "edited"),
        ("tool", "created"),
    ]
    assert [h.at.hour for h in history] == [12, 12, 11, 10, 9]
    assert all(h.actor == "tester" for h in history)
    # The other tool's history holds its own creation and the shared integration only.
    other = stack.get_by_name(team, "Salesforce")
    assert [h.summary for h in stack.detail(team, other.id).history] == [
        "integration HubSpot → Salesforce: leads",
        "added Salesforce as active",
    ]


# ---------------------------------------------------------------------------
# ToolListing: filter, sort and page
# ---------------------------------------------------------------------------

LISTING = [
    # name, vendor, category, owner, status, cost, seats bought/used
    ("Salesforce", "Salesforce", "CRM", "ben", "active", "90000", 100, 90),
    ("HubSpot", "HubSpot", "Marketing automation", "ana", "active", "12000", 10, 4),
    ("50% Off Finder", "Deals Inc", "Other", "ana", "evaluating", None, None, None),
    ("A_B Tester", "Optimizely", "Experimentation & CRO", "ben", "evaluating", None, None, None),
    ("AxB Tester", "VWO", "Experimentation & CRO", "hiro", "evaluating", None, None, None),
    ("Café Ünïcode", "Crème Brûlée SAS", "Other", "hiro", "under_review", "500", 4, 4),
    ("Rocket 🚀 Analytics", "Launch", "Analytics", "ana", "evaluating", None, None, None),
    ("Straße Maps", "Kartograf", "Other", "ben", "decommissioning", "800", None, None),
    ("CRM Bridge", "Zapier", "Data & CDP", "hiro", "evaluating", None, None, None),
]


@pytest.fixture
def listing(team: Workspace) -> stack.ToolListing:
    people.add_person(team, {"handle": "hiro", "name": "Hiro Tanaka", "team": "Events"})
    for name, vendor, category, owner, status, cost, bought, used in LISTING:
        stack.create(
            team,
            raw_tool(
                name=name,
                vendor=vendor,
                category=category,
                owner=owner,
                status=status,
                annual_cost=cost,
                renewal_date="2027-06-30" if cost else None,
                seats_bought=bought,
                seats_used=used,
            ),
        )
    old = stack.create(team, raw_tool(name="Old Mailer", vendor="Mailchimp", category="Email"))
    stack.transition(team, old.id, {"status": "retired", **RETIRE}, old.version)
    return stack.ToolListing(team)


def names(listing: stack.ToolListing, query: str) -> list[str]:
    found = [t.name for t in listing.page(query, "name", False, 0, 100)]
    assert listing.count(query) == len(found), query
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", sorted([t[0] for t in LISTING] + ["Old Mailer"], key=key_of)),
        ("status:active", ["HubSpot", "Salesforce"]),
        ("status:retired", ["Old Mailer"]),
        ("is:under-review", ["Café Ünïcode"]),
        ("status:active,decommissioning", ["HubSpot", "Salesforce", "Straße Maps"]),
        ("owner:ben", ["A_B Tester", "Salesforce", "Straße Maps"]),
        ("owner:costa", ["50% Off Finder", "HubSpot", "Old Mailer", "Rocket 🚀 Analytics"]),
        ("cat:marketing", ["HubSpot"]),
        ("category:experimentation", ["A_B Tester", "AxB Tester"]),
        ("optimizely", ["A_B Tester"]),
        ("mailchimp", ["Old Mailer"]),
        ("CRÈME", ["Café Ünïcode"]),
        ("cafe\u0301", ["Café Ünïcode"]),
        ("STRASSE", ["Straße Maps"]),
        ("🚀", ["Rocket 🚀 Analytics"]),
        ("%", ["50% Off Finder"]),
        ("50%", ["50% Off Finder"]),
        ("_", ["A_B Tester"]),
        ("a_b", ["A_B Tester"]),
        ("tester status:evaluating owner:ben", ["A_B Tester"]),
        ("nothing-like-this", []),
    ],
)
def test_listing_filters(listing: stack.ToolListing, query: str, expected: list[str]) -> None:
    assert names(listing, query) == expected


def test_category_filter_matches_only_the_category(listing: stack.ToolListing) -> None:
    assert names(listing, "cat:crm") == ["Salesforce"]


def test_owner_filter_matches_only_that_owner(listing: stack.ToolListing) -> None:
    assert names(listing, "owner:ana") == [
        "50% Off Finder",
        "HubSpot",
        "Old Mailer",
        "Rocket 🚀 Analytics",
    ]


def _sort_value(view: ToolView, key: str) -> Any:
    return {
        "name": lambda: key_of(view.name),
        "vendor": lambda: view.vendor,
        "category": lambda: view.category,
        "owner": lambda: key_of(view.owner_name) if view.owner_name else None,
        "status": lambda: STATUSES.index(view.status),
        "annual_cost": lambda: view.annual_cost,
        "renewal_date": lambda: view.renewal_date,
        "cancel_by": lambda: view.cancel_by,
        "utilisation": lambda: view.utilisation,
        "seats": lambda: view.seats_bought,
    }[key]()


@pytest.fixture
def sortable(demo_ws: Workspace) -> stack.ToolListing:
    """The demo stack plus tools with no cost, renewal or seats, and one with no owner."""
    for name in ("Zeta Trial", "Alpha Trial", "Orphan Tool"):
        stack.create(
            demo_ws,
            raw_tool(name=name, status="evaluating", annual_cost=None, renewal_date=None),
        )
    # Legacy data: an owner that was never recorded (the service refuses this today).
    conn = raw(demo_ws)
    conn.execute("UPDATE tools SET owner_id = NULL WHERE name = 'Orphan Tool'")
    conn.commit()
    conn.close()
    return stack.ToolListing(demo_ws)


SORTABLE_TOTAL = 43 + 3


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("key", list(SORTS))
def test_sorting_on_every_key_puts_nulls_last(
    sortable: stack.ToolListing, key: str, descending: bool
) -> None:
    got = sortable.page("", key, descending, 0, 1000)
    assert len(got) == sortable.count("") == SORTABLE_TOTAL

    present = [v for v in got if _sort_value(v, key) is not None]
    missing = [v for v in got if _sort_value(v, key) is None]
    # Ties are broken by name, A to Z, in both directions.
    expected_present = sorted(present, key=lambda v: key_of(v.name))
    expected_present.sort(key=lambda v: _sort_value(v, key), reverse=descending)
    expected = expected_present + sorted(missing, key=lambda v: key_of(v.name))
    assert [v.name for v in got] == [v.name for v in expected]
    if key not in ("name", "vendor", "category", "status"):
        assert missing, f"the data set has no tool without {key}"
        assert got[-len(missing) :] == sorted(missing, key=lambda v: key_of(v.name))


def test_an_unknown_sort_key_falls_back_to_name(sortable: stack.ToolListing) -> None:
    by_name = [v.name for v in sortable.page("", "name", False, 0, 1000)]
    assert [v.name for v in sortable.page("", "no-such-column", False, 0, 1000)] == by_name


def test_paging_with_offset_and_limit(sortable: stack.ToolListing) -> None:
    everything = [v.name for v in sortable.page("", "annual_cost", True, 0, 1000)]
    pages: list[str] = []
    for offset in range(0, 50, 10):
        page = sortable.page("", "annual_cost", True, offset, 10)
        assert len(page) == min(10, max(0, SORTABLE_TOTAL - offset))
        pages.extend(v.name for v in page)
    assert pages == everything
    assert [v.name for v in sortable.page("", "annual_cost", True, 7, 3)] == everything[7:10]
    assert sortable.page("", "name", False, SORTABLE_TOTAL, 10) == []
    active = sortable.count("status:active")
    assert 0 < active < SORTABLE_TOTAL
    assert len(sortable.page("status:active", "name", False, 0, 1000)) == active
    assert [v.name for v in sortable.page("status:active", "name", False, 2, 2)] == [
        v.name for v in sortable.page("status:active", "name", False, 0, 1000)
    ][2:4]


def test_listing_reads_what_another_workspace_just_wrote(db_url: str) -> None:
    writer = Workspace(db_url, actor="alice")
    reader = Workspace(db_url, actor="bob")
    try:
        add_team(writer)
        listing = stack.ToolListing(reader)
        assert listing.count("") == 0
        stack.create(writer, raw_tool())
        assert listing.count("") == 1
        assert [v.updated_by for v in listing.page("", "name", False, 0, 10)] == ["alice"]
    finally:
        writer.close()
        reader.close()


def test_renewal_dates_are_stored_as_dates(team: Workspace) -> None:
    view = stack.create(team, raw_tool(renewal_date="+3m", notice_days="10 days"))
    assert view.renewal_date == date(2027, 2, 28)
    assert view.cancel_by == date(2027, 2, 28) - timedelta(days=10)
