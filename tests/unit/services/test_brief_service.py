"""The brief service against real, migrated databases, on SQLite and on PostgreSQL.

Every write goes through ``mops_tui.services.briefs`` exactly as the TUI and the CLI
call it; where what was stored matters, the assertions read the database back with a
plain connection (``backends.raw``). Each guard is tested twice: the refusal, with its
field and the message a person sees, and the case it allows. A refusal writes nothing:
no transition, no audit entry, no change of status or version.

Every test starts on Sunday 2026-11-29 (``MOPS_TODAY``; ``now`` is 09:00 that day) as
``tester``, from a database built once per module and backend through the real
services:

    people  ana (Ana Costa), ben (Ben Okafor)
    tools   HubSpot (active)
    KPIs    mqls_created (count, active) · mql_to_sql_rate (rate, active) ·
            share_of_voice (rate, draft) · lead_rate_v1 (rate, deprecated, replaced by
            mql_to_sql_rate)
    lines   2026-Q4/events (Oct–Dec 2026) · 2027-Q1/events (Jan–Mar 2027) ·
            2026-12/paid social

Tests that need another day move the clock with ``MOPS_TODAY``.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from backends import raw
from hypothesis import given
from hypothesis import strategies as st
from pgcluster import create_database

from mops_tui.domain.briefs import BriefView
from mops_tui.domain.dates import add_working_days, working_days_between
from mops_tui.domain.errors import StaleRecord, ValidationFailed
from mops_tui.services import briefs, kpis, ledger, people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

TODAY = date(2026, 11, 29)  # a Sunday
NOW = datetime(2026, 11, 29, 9, 0)
LAUNCH = "2027-01-20"  # inside 2027-Q1, well past the lead time


# ---------------------------------------------------------------------------
# The workspace every test starts from
# ---------------------------------------------------------------------------


def _kpi(key: str, kind: str, **over: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "key": key,
        "label": key.replace("_", " ").capitalize(),
        "owner": "ana",
        "kind": kind,
        "definition": f"How {key} is counted.",
        "data_source": "HubSpot",
        "decision": "Where next quarter's budget goes.",
        "data_gaps": "none known",
    }
    if kind == "rate":
        raw.update(numerator="Converted", denominator="Created")
    raw.update(over)
    return raw


def build(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa", "team": "Ops"})
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor", "team": "Demand Gen"})
    stack.create(
        ws,
        {
            "name": "HubSpot",
            "vendor": "HubSpot",
            "category": "Marketing automation",
            "owner": "ana",
            "purpose": "Email, forms and lead scoring.",
            "status": "active",
            "annual_cost": "12000",
            "renewal_date": "2027-06-30",
            "notice_days": "30",
            "holds_personal_data": "no",
        },
    )
    for fields, status in (
        (_kpi("mqls_created", "count"), "active"),
        (_kpi("mql_to_sql_rate", "rate"), "active"),
        (_kpi("share_of_voice", "rate"), "draft"),
        (_kpi("lead_rate_v1", "rate"), "deprecated"),
    ):
        view = kpis.create(ws, fields)
        if status != "draft":
            view = kpis.transition(ws, view.id, {"status": "active"}, view.version)
        if status == "deprecated":
            kpis.transition(
                ws,
                view.id,
                {"status": "deprecated", "successor": "mql_to_sql_rate"},
                view.version,
            )
    for period, channel in (
        ("2026-Q4", "Events"),
        ("2027-Q1", "Events"),
        ("2026-12", "Paid social"),
    ):
        ledger.create_line(
            ws, {"period": period, "channel": channel, "planned": "20000", "owner": "ben"}
        )


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    """The module's database, built once per backend: its URL."""
    return {}


@pytest.fixture
def template(
    backend: str,
    built: dict[str, str],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """The URL of the module's database on the test's backend (on PostgreSQL, the
    template database the copies are made from)."""
    if backend not in built:
        if backend == "postgres":
            url = create_database(request.getfixturevalue("pg_server"))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('briefs') / 'template.db'}"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MOPS_TODAY", TODAY.isoformat())
            mp.delenv("MOPS_NOW", raising=False)
            ensure_current(url)
            ws = Workspace(url, actor="setup")
            try:
                build(ws)
            finally:
                ws.close()
        built[backend] = url
    return built[backend]


@pytest.fixture
def ws(template: str, workspaces: Any) -> Workspace:
    """Overrides the conftest ``ws``: a private copy of the module's database."""
    workspace: Workspace = workspaces("briefs", template=template)
    return workspace


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


def line_id(ws: Workspace, period: str, channel: str = "Events") -> int:
    found = [ln for ln in ledger.lines(ws, period) if ln.channel == channel]
    assert len(found) == 1
    return found[0].id


def full(ws: Workspace, **over: Any) -> dict[str, Any]:
    """A brief that passes every guard once it has an owner."""
    raw: dict[str, Any] = {
        "title": "Q1 webinar series",
        "objective": "Create 300 MQLs from three webinars.",
        "audience": "Heads of marketing operations at B2B SaaS companies.",
        "key_message": "One funnel, one rhythm.",
        "channels": "webinar, email",
        "launch_date": LAUNCH,
        "kpi": "mqls_created",
        "kpi_target": "300",
        "priority": "P2",
        "budget_requested": "6000",
        "budget_line": f"#{line_id(ws, '2027-Q1')}",
    }
    raw.update(over)
    return raw


def state(ws: Workspace, brief_id: int) -> dict[str, Any]:
    """What a refusal must leave untouched."""
    b = rows(ws, "SELECT status, status_since, version FROM briefs WHERE id = ?", (brief_id,))[0]
    b["transitions"] = rows(
        ws, "SELECT COUNT(*) AS n FROM brief_transitions WHERE brief_id = ?", (brief_id,)
    )[0]["n"]
    b["audit"] = rows(ws, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"]
    return b


def refused(ws: Workspace, brief_id: int, move: str, **kwargs: Any) -> dict[str, str]:
    """Try ``move``; expect a refusal that writes nothing; return {field: message}."""
    before = state(ws, brief_id)
    with pytest.raises(ValidationFailed) as exc:
        briefs.move(ws, brief_id, move, **kwargs)
    assert state(ws, brief_id) == before
    return {e.field: e.message for e in exc.value.fields}


def to(ws: Workspace, brief_id: int, *moves: str, **kwargs: Any) -> BriefView:
    view = briefs.get(ws, brief_id)
    for name in moves:
        if name == "assign":
            view = briefs.assign(ws, brief_id, "ana")
        else:
            view = briefs.move(ws, brief_id, name, **kwargs)
    return view


def on_day(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """Move the clock: ``today`` is ``day`` and ``now`` 09:00 that day."""
    monkeypatch.setenv("MOPS_TODAY", day)
    monkeypatch.delenv("MOPS_NOW", raising=False)


def submitted(ws: Workspace, **over: Any) -> BriefView:
    view = briefs.create(ws, full(ws, **over))
    return briefs.move(ws, view.id, "submit")


def approved(ws: Workspace, **over: Any) -> BriefView:
    view = submitted(ws, **over)
    briefs.assign(ws, view.id, "ana")
    return briefs.move(ws, view.id, "approve")


# ---------------------------------------------------------------------------
# Quick entry
# ---------------------------------------------------------------------------


def test_quick_create_needs_only_a_title(ws: Workspace) -> None:
    view = briefs.create(ws, {"title": "Brand refresh"})

    assert (view.title, view.status, view.priority) == ("Brand refresh", "draft", "P3")
    assert view.requester is None  # tester is not a person in the team
    assert view.owner is None and view.kpi is None and view.launch_date is None
    assert view.status_since == NOW and view.created_at == NOW
    assert view.version == 1
    assert rows(ws, "SELECT * FROM brief_transitions") == [
        {
            "id": 1,
            "brief_id": view.id,
            "at": "2026-11-29 09:00:00.000000",
            "actor": "tester",
            "from_status": None,
            "to_status": "draft",
            "comment": "created",
        }
    ]
    audit = rows(
        ws, "SELECT actor, entity, entity_id, action, summary FROM audit_log WHERE entity = 'brief'"
    )
    assert audit == [
        {
            "actor": "tester",
            "entity": "brief",
            "entity_id": view.id,
            "action": "created",
            "summary": f"drafted #{view.id} Brand refresh",
        }
    ]


def test_the_requester_defaults_to_the_person_using_mops(ws: Workspace) -> None:
    ws.people_map = {"tester": "ben"}
    assert briefs.create(ws, {"title": "Partner webinar"}).requester == "ben"
    assert briefs.create(ws, {"title": "Trade show", "requester": "ana"}).requester == "ana"


@pytest.mark.parametrize("title", ["", "   "])
def test_create_refuses_a_brief_without_a_title(ws: Workspace, title: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        briefs.create(ws, {"title": title, "objective": "Something"})
    assert exc.value.for_field("title") == ["enter a title"]
    assert rows(ws, "SELECT COUNT(*) AS n FROM briefs")[0]["n"] == 0


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"kpi": "nope"}, "kpi", "there is no KPI “nope”; see mops kpi list"),
        (
            {"kpi": "lead_rate_v1"},
            "kpi",
            "lead_rate_v1 is deprecated; use mql_to_sql_rate",
        ),
        (
            {"kpi": "mqls_created", "kpi_target": "22%"},
            "kpi_target",
            "“22%” is not a number (a count target for mqls_created)",
        ),
        (
            {"kpi": "mqls_created", "kpi_target": "12.5"},
            "kpi_target",
            "a count target is a whole number (a count target for mqls_created)",
        ),
        (
            {"kpi": "mql_to_sql_rate", "kpi_target": "£180"},
            "kpi_target",
            "“£180” is not a number (a rate target for mql_to_sql_rate)",
        ),
        ({"budget_line": "#999"}, "budget_line", "there is no budget line #999"),
    ],
)
def test_create_refuses_what_cannot_be_resolved(
    ws: Workspace, raw: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        briefs.create(ws, {"title": "Webinar", **raw})
    assert {e.field: e.message for e in exc.value.fields} == {field: message}
    assert rows(ws, "SELECT COUNT(*) AS n FROM briefs")[0]["n"] == 0


def test_create_refuses_a_requester_who_is_not_in_the_team(ws: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        briefs.create(ws, {"title": "Webinar", "requester": "zed"})
    assert exc.value.for_field("requester") == [
        "“zed” is not a known person; add them under People (mops people add) or "
        "choose someone listed"
    ]


def test_a_target_typed_before_the_kpi_is_checked_when_the_kpi_is_chosen(
    ws: Workspace,
) -> None:
    view = briefs.create(ws, {"title": "Webinar", "kpi_target": "22%"})
    with pytest.raises(ValidationFailed) as exc:
        briefs.update(ws, view.id, {"kpi": "mqls_created"}, view.version)
    assert exc.value.for_field("kpi_target") == [
        "“22%” is not a number (a count target for mqls_created)"
    ]
    assert briefs.get(ws, view.id).kpi is None
    fixed = briefs.update(ws, view.id, {"kpi": "mqls_created", "kpi_target": "300"}, 1)
    assert (fixed.kpi, fixed.kpi_target) == ("mqls_created", "300")


# ---------------------------------------------------------------------------
# Submit
# ---------------------------------------------------------------------------


def test_submit_refused_for_a_bare_draft_names_every_gap(ws: Workspace) -> None:
    view = briefs.create(ws, {"title": "Brand refresh"})
    assert refused(ws, view.id, "submit") == {
        "objective": "say what the campaign must achieve",
        "audience": "say who the campaign is for",
        "kpi": "choose the primary KPI the campaign will be judged on",
        "launch_date": "set a launch date",
    }


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("objective", "objective", "say what the campaign must achieve"),
        ("audience", "audience", "say who the campaign is for"),
        ("kpi", "kpi", "choose the primary KPI the campaign will be judged on"),
        ("launch_date", "launch_date", "set a launch date"),
    ],
)
def test_submit_refused_without(ws: Workspace, missing: str, field: str, message: str) -> None:
    raw = full(ws)
    raw.pop(missing)
    if missing == "kpi":
        raw.pop("kpi_target")
    view = briefs.create(ws, raw)
    assert refused(ws, view.id, "submit") == {field: message}


def test_submit_allowed_records_the_transition(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws))
    moved = briefs.move(ws, view.id, "submit")

    assert moved.status == "submitted"
    assert moved.status_since == NOW
    assert moved.version == view.version + 1
    assert moved.updated_by == "tester"
    found = rows(
        ws,
        "SELECT at, actor, from_status, to_status, comment FROM brief_transitions "
        "WHERE brief_id = ? ORDER BY id",
        (view.id,),
    )
    assert found[-1] == {
        "at": "2026-11-29 09:00:00.000000",
        "actor": "tester",
        "from_status": "draft",
        "to_status": "submitted",
        "comment": "",
    }
    audit = rows(ws, "SELECT action, summary FROM audit_log WHERE entity = 'brief' ORDER BY id")
    assert audit[-1] == {"action": "submit", "summary": "draft → submitted"}


# Lead time from MOPS_TODAY: (today, the tenth working day after it).
LEAD_DAYS = [
    ("2026-11-26", "2026-12-10"),  # Thursday
    ("2026-11-27", "2026-12-11"),  # Friday
    ("2026-11-28", "2026-12-11"),  # Saturday
    ("2026-11-29", "2026-12-11"),  # Sunday
    ("2026-11-30", "2026-12-14"),  # Monday: the day before the tenth is a Sunday
]


@pytest.mark.parametrize(("today", "earliest"), LEAD_DAYS)
def test_lead_time_from_mops_today_allows_the_tenth_working_day(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, today: str, earliest: str
) -> None:
    on_day(monkeypatch, today)
    assert ws.today() == date.fromisoformat(today)
    view = briefs.create(
        ws, full(ws, launch_date=earliest, budget_requested=None, budget_line=None)
    )
    assert briefs.move(ws, view.id, "submit").status == "submitted"


@pytest.mark.parametrize(("today", "earliest"), LEAD_DAYS)
def test_lead_time_from_mops_today_refuses_the_day_before(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, today: str, earliest: str
) -> None:
    on_day(monkeypatch, today)
    day_before = date.fromisoformat(earliest) - timedelta(days=1)
    view = briefs.create(
        ws, full(ws, launch_date=day_before.isoformat(), budget_requested=None, budget_line=None)
    )
    assert refused(ws, view.id, "submit") == {
        "launch_date": "the launch leaves 9 working days; a brief needs 10 "
        f"(launch on {earliest} or later)"
    }


def test_lead_time_follows_the_configured_policy(ws: Workspace) -> None:
    from mops_tui.domain.briefs import BriefPolicy

    view = briefs.create(ws, full(ws, launch_date="2026-12-11"))
    ws.brief_policy = BriefPolicy(lead_time_days=15)
    assert refused(ws, view.id, "submit") == {
        "launch_date": "the launch leaves 10 working days; a brief needs 15 "
        "(launch on 2026-12-18 or later)"
    }
    ws.brief_policy = BriefPolicy(lead_time_days=10)
    assert briefs.move(ws, view.id, "submit").status == "submitted"


def test_the_same_launch_passes_on_one_day_and_not_on_the_next(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_day(monkeypatch, "2026-11-26")  # Thursday: 10 Dec is the tenth working day
    view = briefs.create(ws, full(ws, launch_date="2026-12-10"))
    on_day(monkeypatch, "2026-11-27")  # Friday: only 9 left
    assert refused(ws, view.id, "submit") == {
        "launch_date": "the launch leaves 9 working days; a brief needs 10 "
        "(launch on 2026-12-11 or later)"
    }


# ---------------------------------------------------------------------------
# Approve
# ---------------------------------------------------------------------------


def test_approve_allowed_with_owner_target_active_kpi_and_a_covering_line(
    ws: Workspace,
) -> None:
    view = submitted(ws)
    briefs.assign(ws, view.id, "ana")
    moved = briefs.move(ws, view.id, "approve")
    assert moved.status == "approved"
    assert moved.owner == "ana"
    assert moved.budget_line == "2027-Q1 · Events"


def test_approve_refused_without_an_owner(ws: Workspace) -> None:
    view = submitted(ws)
    assert refused(ws, view.id, "approve") == {"owner": "assign an owner who will run it (o)"}


def test_approve_refused_without_a_target(ws: Workspace) -> None:
    view = submitted(ws, kpi_target="")
    briefs.assign(ws, view.id, "ana")
    assert refused(ws, view.id, "approve") == {"kpi_target": "set the target for the KPI"}


def test_approve_refused_when_a_wrong_unit_target_was_refused_at_entry(ws: Workspace) -> None:
    view = submitted(ws, kpi_target="")
    briefs.assign(ws, view.id, "ana")
    with pytest.raises(ValidationFailed) as exc:
        briefs.update(ws, view.id, {"kpi_target": "25%"}, None)
    assert exc.value.for_field("kpi_target") == [
        "“25%” is not a number (a count target for mqls_created)"
    ]
    assert refused(ws, view.id, "approve") == {"kpi_target": "set the target for the KPI"}
    briefs.update(ws, view.id, {"kpi_target": "1,200"}, None)
    assert briefs.get(ws, view.id).kpi_target == "1,200"
    assert briefs.move(ws, view.id, "approve").status == "approved"


def test_approve_refused_for_a_draft_kpi(ws: Workspace) -> None:
    view = submitted(ws, kpi="share_of_voice", kpi_target="12%")
    briefs.assign(ws, view.id, "ana")
    assert refused(ws, view.id, "approve") == {
        "kpi": "the KPI share_of_voice is draft; only an active KPI can measure an approved brief"
    }


def test_approve_refused_for_a_kpi_deprecated_after_submission(ws: Workspace) -> None:
    rate = kpis.create(ws, _kpi("lead_rate_v2", "rate"))
    rate = kpis.transition(ws, rate.id, {"status": "active"}, rate.version)
    view = submitted(ws, kpi="lead_rate_v2", kpi_target="25%")
    briefs.assign(ws, view.id, "ana")
    kpis.transition(
        ws, rate.id, {"status": "deprecated", "reason": "Scoring changed"}, rate.version
    )
    assert refused(ws, view.id, "approve") == {
        "kpi": "the KPI lead_rate_v2 is deprecated; only an active KPI can measure an "
        "approved brief"
    }


def test_a_deprecated_kpi_is_refused_at_entry(ws: Workspace) -> None:
    view = briefs.create(ws, {"title": "Webinar"})
    with pytest.raises(ValidationFailed) as exc:
        briefs.update(ws, view.id, {"kpi": "lead_rate_v1"}, view.version)
    assert exc.value.for_field("kpi") == ["lead_rate_v1 is deprecated; use mql_to_sql_rate"]


def test_approve_refused_for_budget_without_a_line(ws: Workspace) -> None:
    view = submitted(ws, budget_line=None)
    briefs.assign(ws, view.id, "ana")
    assert refused(ws, view.id, "approve") == {
        "budget_line": "budget is requested: choose the budget line it comes out of"
    }


def test_approve_refused_for_a_line_whose_period_misses_the_launch(ws: Workspace) -> None:
    view = submitted(ws, budget_line=f"#{line_id(ws, '2026-Q4')}")
    briefs.assign(ws, view.id, "ana")
    assert refused(ws, view.id, "approve") == {
        "budget_line": "the budget line covers 2026-10-01 to 2026-12-31, but the launch is "
        "2027-01-20"
    }
    # Moving the launch into the line's quarter lets it through.
    briefs.update(ws, view.id, {"launch_date": "2026-12-18"}, None)
    assert briefs.move(ws, view.id, "approve").status == "approved"


def test_approve_allowed_without_budget_and_without_a_line(ws: Workspace) -> None:
    view = submitted(ws, budget_requested=None, budget_line=None)
    briefs.assign(ws, view.id, "ana")
    assert briefs.move(ws, view.id, "approve").status == "approved"


def test_a_line_named_by_channel_is_the_one_holding_the_launch(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws, budget_line="events", launch_date="2026-12-18"))
    assert view.budget_line_id == line_id(ws, "2026-Q4")


def test_approve_names_every_gap_at_once(ws: Workspace) -> None:
    view = submitted(ws, kpi="share_of_voice", kpi_target="", budget_line=None)
    assert set(refused(ws, view.id, "approve")) == {"owner", "kpi_target", "kpi", "budget_line"}


# ---------------------------------------------------------------------------
# Return, start, done, cancel
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_refused_without_a_reason(ws: Workspace, reason: str) -> None:
    view = submitted(ws)
    assert refused(ws, view.id, "return", reason=reason) == {
        "reason": "say why the brief goes back, so the requester can fix it"
    }


def test_return_with_a_reason_goes_back_to_draft_and_keeps_the_reason(ws: Workspace) -> None:
    view = submitted(ws)
    moved = briefs.move(ws, view.id, "return", reason="  Name the roles in the audience. ")
    assert moved.status == "draft"
    last = briefs.detail(ws, view.id).transitions[0]
    assert (last.from_status, last.to_status, last.comment) == (
        "submitted",
        "draft",
        "Name the roles in the audience.",
    )
    audit = rows(ws, "SELECT summary, after_json FROM audit_log WHERE action = 'return'")
    assert audit[0]["summary"] == "submitted → draft: Name the roles in the audience."
    # A returned brief is fixed and submitted again.
    briefs.update(ws, view.id, {"audience": "Heads of marketing ops, 200+ staff"}, None)
    assert briefs.move(ws, view.id, "submit").status == "submitted"


def test_start_needs_nothing_more_than_approval(ws: Workspace) -> None:
    view = approved(ws)
    moved = briefs.move(ws, view.id, "start")
    assert moved.status == "in_flight"
    assert briefs.detail(ws, view.id).transitions[0].to_status == "in_flight"


def test_done_refused_without_an_outcome(ws: Workspace) -> None:
    view = to(ws, approved(ws).id, "start")
    assert refused(ws, view.id, "done", result=" ", not_measured="") == {
        "result": "give the KPI result, or say why it could not be measured"
    }
    # A reason is not an outcome.
    assert refused(ws, view.id, "done", reason="finished") == {
        "result": "give the KPI result, or say why it could not be measured"
    }


def test_done_with_a_result_stores_it(ws: Workspace) -> None:
    view = to(ws, approved(ws).id, "start")
    moved = briefs.move(ws, view.id, "done", result=" 412 MQLs ")
    assert (moved.status, moved.outcome_result, moved.outcome_reason) == ("done", "412 MQLs", "")
    assert briefs.detail(ws, view.id).transitions[0].comment == "result: 412 MQLs"
    assert rows(ws, "SELECT outcome_result FROM briefs WHERE id = ?", (view.id,)) == [
        {"outcome_result": "412 MQLs"}
    ]


def test_done_with_why_it_could_not_be_measured_stores_it(ws: Workspace) -> None:
    view = to(ws, approved(ws).id, "start")
    why = "The CRM export for the month failed; re-run in January."
    moved = briefs.move(ws, view.id, "done", not_measured=why)
    assert (moved.status, moved.outcome_result, moved.outcome_reason) == ("done", "", why)
    assert briefs.detail(ws, view.id).transitions[0].comment == f"not measured: {why}"


OPEN_PATHS = {
    "draft": (),
    "submitted": ("submit",),
    "approved": ("submit", "assign", "approve"),
    "in_flight": ("submit", "assign", "approve", "start"),
}


@pytest.mark.parametrize("status", list(OPEN_PATHS))
def test_cancel_refused_without_a_reason(ws: Workspace, status: str) -> None:
    view = to(ws, briefs.create(ws, full(ws)).id, *OPEN_PATHS[status])
    assert view.status == status
    assert refused(ws, view.id, "cancel") == {"reason": "say why the brief is cancelled"}


@pytest.mark.parametrize("status", list(OPEN_PATHS))
def test_cancel_with_a_reason_from_every_open_state(ws: Workspace, status: str) -> None:
    view = to(ws, briefs.create(ws, full(ws)).id, *OPEN_PATHS[status])
    moved = briefs.move(ws, view.id, "cancel", reason="Budget cut")
    assert moved.status == "cancelled"
    last = briefs.detail(ws, view.id).transitions[0]
    assert (last.from_status, last.to_status, last.comment) == (status, "cancelled", "Budget cut")


@pytest.mark.parametrize(
    ("path", "move", "message"),
    [
        ((), "approve", "the brief is draft; approve works on a brief that is submitted"),
        (("submit",), "submit", "the brief is submitted; submit works on a brief that is draft"),
        (
            ("submit",),
            "start",
            "the brief is submitted; mark in flight works on a brief that is approved",
        ),
        (
            ("submit", "assign", "approve"),
            "return",
            "the brief is approved; return to draft works on a brief that is submitted",
        ),
        (
            ("submit", "assign", "approve", "start"),
            "approve",
            "the brief is in flight; approve works on a brief that is submitted",
        ),
    ],
)
def test_a_move_from_the_wrong_state_is_refused(
    ws: Workspace, path: tuple[str, ...], move: str, message: str
) -> None:
    view = to(ws, briefs.create(ws, full(ws)).id, *path)
    assert refused(ws, view.id, move, reason="x", result="1") == {"status": message}


@pytest.mark.parametrize("end", ["done", "cancelled"])
def test_a_closed_brief_moves_no_further_and_is_kept_as_it_was(ws: Workspace, end: str) -> None:
    view = to(ws, approved(ws).id, "start")
    if end == "done":
        briefs.move(ws, view.id, "done", result="412 MQLs")
    else:
        briefs.move(ws, view.id, "cancel", reason="Budget cut")
    assert refused(ws, view.id, "cancel", reason="again") == {
        "status": f"the brief is {end}; cancel works on a brief that is approved, draft, "
        "in flight, submitted"
    }
    with pytest.raises(ValidationFailed) as exc:
        briefs.update(ws, view.id, {"title": "Renamed"}, None)
    assert exc.value.for_field("status") == [f"brief #{view.id} is {end}; it is kept as it was"]


def test_an_unknown_move_is_refused(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws))
    assert list(refused(ws, view.id, "launch")) == ["status"]


def test_every_transition_records_who_when_from_to_and_comment(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_day(monkeypatch, "2026-11-02")
    view = briefs.create(ws, full(ws))
    ws.actor = "ben"
    on_day(monkeypatch, "2026-11-03")
    briefs.move(ws, view.id, "submit")
    ws.actor = "ana"
    monkeypatch.setenv("MOPS_NOW", "2026-11-04T14:30:00")
    briefs.move(ws, view.id, "return", reason="Add a target")
    ws.actor = "ben"
    on_day(monkeypatch, "2026-11-05")
    briefs.update(ws, view.id, {"kpi_target": "350"}, None)
    briefs.move(ws, view.id, "submit")
    ws.actor = "ana"
    on_day(monkeypatch, "2026-11-06")
    briefs.assign(ws, view.id, "ana")
    briefs.move(ws, view.id, "approve")
    on_day(monkeypatch, "2027-01-20")
    briefs.move(ws, view.id, "start")
    on_day(monkeypatch, "2027-02-10")
    briefs.move(ws, view.id, "done", result="371 MQLs")

    history = [
        (t.at.isoformat(" "), t.actor, t.from_status, t.to_status, t.comment)
        for t in reversed(briefs.detail(ws, view.id).transitions)
    ]
    assert history == [
        ("2026-11-02 09:00:00", "tester", None, "draft", "created"),
        ("2026-11-03 09:00:00", "ben", "draft", "submitted", ""),
        ("2026-11-04 14:30:00", "ana", "submitted", "draft", "Add a target"),
        ("2026-11-05 09:00:00", "ben", "draft", "submitted", ""),
        ("2026-11-06 09:00:00", "ana", "submitted", "approved", ""),
        ("2027-01-20 09:00:00", "ana", "approved", "in_flight", ""),
        ("2027-02-10 09:00:00", "ana", "in_flight", "done", "result: 371 MQLs"),
    ]
    done = briefs.get(ws, view.id)
    assert done.status_since == datetime(2027, 2, 10, 9, 0)
    assert done.updated_by == "ana"


def test_move_failures_probe_assumes_the_asked_inputs(ws: Workspace) -> None:
    view = submitted(ws)
    probe = {m: briefs.move_failures(ws, view, m, probe=True) for m in ("return", "cancel")}
    assert probe == {"return": [], "cancel": []}
    detail = briefs.detail(ws, view.id)
    assert [e.field for e in detail.moves["approve"]] == ["owner"]
    assert set(detail.moves) == {"approve", "return", "cancel"}


# ---------------------------------------------------------------------------
# Edits: optimistic locking
# ---------------------------------------------------------------------------


def test_an_edit_on_a_stale_version_names_the_other_actor(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws))
    other = Workspace(ws.url, actor="ben")
    try:
        briefs.update(other, view.id, {"objective": "Ben's objective"}, view.version)
    finally:
        other.close()
    audit = rows(ws, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"]

    with pytest.raises(StaleRecord) as exc:
        briefs.update(ws, view.id, {"objective": "Mine"}, view.version)
    assert exc.value.changed_by == "ben"
    assert str(exc.value).startswith(
        f"Brief #{view.id} was changed by ben at 2026-11-29 09:00 after you opened it."
    )
    assert briefs.get(ws, view.id).objective == "Ben's objective"
    assert rows(ws, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"] == audit


def test_assign_and_move_check_the_version_too(ws: Workspace) -> None:
    view = submitted(ws)
    stale = view.version - 1
    with pytest.raises(StaleRecord):
        briefs.assign(ws, view.id, "ana", expected_version=stale)
    assert briefs.get(ws, view.id).owner is None
    with pytest.raises(StaleRecord):
        briefs.move(ws, view.id, "return", reason="x", expected_version=stale)
    assert briefs.get(ws, view.id).status == "submitted"


def test_an_edit_on_the_current_version_is_saved_and_audited(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws))
    saved = briefs.update(ws, view.id, {"priority": "P1", "objective": "More"}, view.version)
    assert (saved.priority, saved.objective, saved.version) == ("P1", "More", view.version + 1)
    last = rows(ws, "SELECT action, summary FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert last == {"action": "edited", "summary": "edited priority, objective"}


def test_an_edit_that_changes_nothing_writes_nothing(ws: Workspace) -> None:
    view = briefs.create(ws, full(ws))
    audit = rows(ws, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"]
    same = briefs.update(ws, view.id, {"title": view.title}, view.version)
    assert same.version == view.version
    assert rows(ws, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"] == audit


def test_what_submit_required_cannot_be_cleared_before_approval(ws: Workspace) -> None:
    view = submitted(ws, budget_requested=None, budget_line=None)
    briefs.assign(ws, view.id, "ana")
    with pytest.raises(ValidationFailed) as refused:
        briefs.update(ws, view.id, {"launch_date": None, "objective": ""}, None)
    fields = {e.field: e.message for e in refused.value.fields}
    assert fields == {
        "launch_date": "a submitted brief needs it: set a launch date",
        "objective": "a submitted brief needs it: say what the campaign must achieve",
    }
    assert briefs.get(ws, view.id).version == view.version + 1  # only the assign


# ---------------------------------------------------------------------------
# Spend linked through the ledger
# ---------------------------------------------------------------------------


def test_spend_linked_to_a_brief_shows_on_it(ws: Workspace) -> None:
    view = to(
        ws,
        approved(ws, launch_date="2026-12-18", budget_line=f"#{line_id(ws, '2026-Q4')}").id,
        "start",
    )
    q4 = f"#{line_id(ws, '2026-Q4')}"
    ledger.add_entry(
        ws,
        {
            "entry_date": "2026-11-10",
            "amount": "1000.00",
            "payee": "Hilton",
            "line": q4,
            "brief": str(view.id),
        },
    )
    ledger.add_entry(
        ws,
        {
            "entry_date": "2026-11-12",
            "amount": "200.50",
            "payee": "Vistaprint",
            "line": q4,
            "brief": f"#{view.id}",
        },
    )
    ledger.add_entry(  # not linked
        ws, {"entry_date": "2026-11-12", "amount": "999.00", "payee": "Other", "line": q4}
    )
    assert briefs.get(ws, view.id).spend == 120050

    ledger.add_entry(
        ws,
        {
            "entry_date": "2026-11-20",
            "amount": "-100.50",
            "kind": "refund",
            "payee": "Hilton",
            "line": q4,
            "brief": str(view.id),
        },
    )
    assert briefs.get(ws, view.id).spend == 110000
    assert [b.spend for b in briefs.list_briefs(ws, f"#{view.id}")] == [110000]

    briefs.move(ws, view.id, "done", result="400 MQLs")
    assert briefs.detail(ws, view.id).cost_per_result == "£2.75"


def test_spend_imported_with_a_brief_number_shows_on_it(ws: Workspace) -> None:
    view = approved(ws)
    q4 = f"#{line_id(ws, '2026-Q4')}"
    report = ledger.import_spend(
        ws,
        [
            (
                2,
                {
                    "entry_date": "2026-11-03",
                    "amount": "500",
                    "payee": "A",
                    "line": q4,
                    "brief": str(view.id),
                },
            ),
            (
                3,
                {
                    "entry_date": "2026-11-04",
                    "amount": "250",
                    "payee": "B",
                    "line": q4,
                    "brief": str(view.id),
                },
            ),
        ],
    )
    assert report.errors == []
    assert briefs.get(ws, view.id).spend == 75000


def test_no_cost_per_result_for_a_rate_kpi(ws: Workspace) -> None:
    view = to(ws, approved(ws, kpi="mql_to_sql_rate", kpi_target="25%").id, "start")
    ledger.add_entry(
        ws,
        {
            "entry_date": "2026-11-10",
            "amount": "1000",
            "payee": "Hilton",
            "line": f"#{line_id(ws, '2026-Q4')}",
            "brief": str(view.id),
        },
    )
    briefs.move(ws, view.id, "done", result="27%")
    assert briefs.detail(ws, view.id).cost_per_result is None


# ---------------------------------------------------------------------------
# The queue: what needs action first, and its filters
# ---------------------------------------------------------------------------


@pytest.fixture
def queue(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """One brief of each kind, made on the days that put them there, seen from Sunday
    2026-11-29."""
    ids: dict[str, int] = {}
    q1 = f"#{line_id(ws, '2027-Q1')}"
    q4 = f"#{line_id(ws, '2026-Q4')}"

    on_day(monkeypatch, "2026-11-02")  # Monday
    ids["at risk"] = briefs.create(
        ws, full(ws, title="Holiday gifting", launch_date="2026-12-02", budget_line=q4)
    ).id
    briefs.move(ws, ids["at risk"], "submit")
    briefs.assign(ws, ids["at risk"], "ana")
    briefs.move(ws, ids["at risk"], "approve")
    ids["overdue"] = briefs.create(
        ws,
        {
            "title": "Partner referral promotion",
            "launch_date": "2026-11-20",
            "owner": "ben",
            "kpi": "mql_to_sql_rate",
        },
    ).id
    ids["in flight"] = briefs.create(
        ws, full(ws, title="SEO refresh", launch_date="2026-11-23", budget_line=q4)
    ).id
    briefs.move(ws, ids["in flight"], "submit")
    briefs.assign(ws, ids["in flight"], "ben")
    briefs.move(ws, ids["in flight"], "approve")
    ids["done"] = briefs.create(
        ws, full(ws, title="Webinar: RevOps", launch_date="2026-11-17", budget_line=q4)
    ).id
    briefs.move(ws, ids["done"], "submit")
    briefs.assign(ws, ids["done"], "ana")
    briefs.move(ws, ids["done"], "approve")
    ids["cancelled"] = briefs.create(ws, {"title": "TikTok test"}).id

    on_day(monkeypatch, "2026-11-16")  # Monday: nine working days before Sunday 29th
    ids["waiting"] = briefs.create(ws, full(ws, title="Sponsored newsletter")).id
    briefs.move(ws, ids["waiting"], "submit")
    briefs.move(ws, ids["cancelled"], "cancel", reason="Our buyers are not there")

    on_day(monkeypatch, "2026-11-17")
    briefs.move(ws, ids["done"], "start")
    on_day(monkeypatch, "2026-11-20")
    ids["approved"] = briefs.create(
        ws, full(ws, title="ABM wave 2", launch_date=LAUNCH, budget_line=q1)
    ).id
    briefs.move(ws, ids["approved"], "submit")
    briefs.assign(ws, ids["approved"], "ben")
    briefs.move(ws, ids["approved"], "approve")
    on_day(monkeypatch, "2026-11-23")
    briefs.move(ws, ids["in flight"], "start")

    on_day(monkeypatch, "2026-11-27")  # Friday
    ids["submitted"] = briefs.create(
        ws, full(ws, title="Integrations directory", kpi="mql_to_sql_rate", kpi_target="25%")
    ).id
    briefs.move(ws, ids["submitted"], "submit")
    briefs.move(ws, ids["done"], "done", result="341 MQLs")

    on_day(monkeypatch, TODAY.isoformat())
    ids["draft"] = briefs.create(ws, {"title": "Podcast sponsorship"}).id
    return ids


def test_the_queue_puts_what_needs_action_first(ws: Workspace, queue: dict[str, int]) -> None:
    order = {v: k for k, v in queue.items()}
    assert [order[b.id] for b in briefs.list_briefs(ws)] == [
        "overdue",
        "at risk",
        "waiting",
        "submitted",
        "approved",
        "draft",
        "in flight",
        "done",
        "cancelled",
    ]


def test_the_queue_flags_match_its_order(ws: Workspace, queue: dict[str, int]) -> None:
    codes = {
        b.id: [f.code for f in b.flags(TODAY, ws.brief_policy)] for b in briefs.list_briefs(ws)
    }
    assert codes[queue["overdue"]] == ["overdue"]
    assert codes[queue["at risk"]] == ["risk"]
    assert codes[queue["waiting"]] == ["review"]
    assert all(codes[queue[k]] == [] for k in ("submitted", "approved", "draft", "in flight"))


def test_the_listing_pages_and_counts_in_the_same_order(
    ws: Workspace, queue: dict[str, int]
) -> None:
    listing = briefs.BriefListing(ws)
    assert listing.count("") == 9
    first = listing.page("", "action", False, 0, 3)
    assert [b.id for b in first] == [queue["overdue"], queue["at risk"], queue["waiting"]]
    assert listing.count("is:open") == 7
    # In the open-only view (the app's default), an explicit status still finds done briefs.
    open_view = briefs.BriefListing(ws, "is:open")
    assert open_view.count("") == 7
    assert [b.id for b in open_view.page("status:done", "id", False, 0, 10)] == [queue["done"]]
    assert open_view.count("is:all") == 7
    by_id = listing.page("", "id", True, 0, 2)
    assert [b.id for b in by_id] == sorted(queue.values(), reverse=True)[:2]


def ids_for(ws: Workspace, query: str, queue: dict[str, int]) -> list[str]:
    order = {v: k for k, v in queue.items()}
    return [order[b.id] for b in briefs.list_briefs(ws, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status:submitted", ["waiting", "submitted"]),
        ("status:in-flight", ["in flight"]),
        ("status:done,cancelled", ["done", "cancelled"]),
        ("is:overdue", ["overdue"]),
        ("overdue", ["overdue"]),
        ("is:risk", ["at risk"]),
        ("is:waiting", ["waiting"]),
        ("is:overdue is:risk", ["overdue", "at risk"]),
        ("is:unassigned", ["waiting", "submitted", "draft"]),
        ("owner:ben", ["overdue", "approved", "in flight"]),
        ("revops", ["done"]),
        ("okafor status:approved", ["approved"]),
        ("abm", ["approved"]),
        ("kpi:mql_to_sql_rate", ["overdue", "submitted"]),
        ("kpi:nope", []),
        ("kpi:mqls_created status:approved", ["at risk", "approved"]),
    ],
)
def test_queue_filters(
    ws: Workspace, queue: dict[str, int], query: str, expected: list[str]
) -> None:
    assert ids_for(ws, query, queue) == expected


def test_is_mine_follows_the_actor_and_the_people_map(ws: Workspace, queue: dict[str, int]) -> None:
    assert ids_for(ws, "is:mine", queue) == []  # "tester" is nobody in the team
    ws.people_map = {"tester": "ana"}
    assert ids_for(ws, "is:mine", queue) == ["at risk", "done"]
    ws.actor = "ben"
    ws.people_map = {}
    assert ids_for(ws, "mine", queue) == ["overdue", "approved", "in flight"]
    assert ids_for(ws, "is:mine status:approved", queue) == ["approved"]


# ---------------------------------------------------------------------------
# Working days
# ---------------------------------------------------------------------------


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)).filter(
        lambda d: d.weekday() < 5
    ),
    n=st.integers(min_value=-400, max_value=400),
)
def test_working_days_between_inverts_add_working_days(start: date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n)) == n
