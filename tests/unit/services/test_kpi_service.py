"""The KPI service against real, migrated databases, on SQLite and on PostgreSQL.

Every write goes through ``mops_tui.services.kpis`` exactly as the faces call it; the
assertions read the database back with a plain connection (``backends.raw``) where what
was stored matters. The people and tools every test starts from are added once per
module and backend through the real People and Stack services, then copied for each
test (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL):

    people  ana (Ana Costa), ben (Ben Okafor)
    tools   HubSpot active · GA4 active · Segment under review · Hotjar decommissioning ·
            Marketo retired · Mixpanel active, 2 of 10 seats used, £12,000 a year
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from backends import raw
from pgcluster import create_database

from mops_tui.domain import kpis as rules
from mops_tui.domain.errors import NotFound, StaleRecord, ValidationFailed
from mops_tui.domain.kpis import KpiView, MetricImport
from mops_tui.formats.metricflow import (
    metric_of,
    read_metricflow,
    read_metricflow_files,
    write_metricflow,
)
from mops_tui.services import kpis, people, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

TODAY = date(2026, 11, 29)
JAFFLE = Path(__file__).parents[2] / "fixtures" / "metricflow"
JAFFLE_FILES = ("jaffle_customers.yml", "jaffle_orders.yml", "jaffle_order_items.yml")


# ---------------------------------------------------------------------------
# The team every test starts from
# ---------------------------------------------------------------------------


def raw_tool(name: str, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "vendor": name,
        "category": "Analytics",
        "owner": "ana",
        "purpose": f"{name} for the team.",
        "status": "active",
        "annual_cost": "12000",
        "renewal_date": "2027-06-30",
        "notice_days": "30",
        "holds_personal_data": "no",
    }
    base.update(over)
    return base


def build_team(ws: Workspace) -> None:
    people.add_person(ws, {"handle": "ana", "name": "Ana Costa", "team": "Ops"})
    people.add_person(ws, {"handle": "ben", "name": "Ben Okafor", "team": "Demand Gen"})
    stack.create(ws, raw_tool("HubSpot", category="Marketing automation"))
    stack.create(ws, raw_tool("GA4"))
    stack.create(ws, raw_tool("Segment", status="under_review"))
    hotjar = stack.create(ws, raw_tool("Hotjar"))
    stack.transition(ws, hotjar.id, {"status": "decommissioning"}, hotjar.version)
    marketo = stack.create(ws, raw_tool("Marketo"))
    stack.transition(
        ws,
        marketo.id,
        {"status": "retired", "reason": "Replaced by HubSpot", "retired_on": "2026-11-01"},
        marketo.version,
    )
    stack.create(ws, raw_tool("Mixpanel", seats_bought="10", seats_used="2"))


def _fixed_clock(mp: pytest.MonkeyPatch) -> None:
    mp.setenv("MOPS_TODAY", TODAY.isoformat())
    mp.setenv("MOPS_ACTOR", "tester")
    mp.delenv("MOPS_NOW", raising=False)


@pytest.fixture(scope="module")
def built() -> dict[Any, Any]:
    """What the module builds once per backend: the team's database, the imports."""
    return {}


@pytest.fixture
def team_db(
    backend: str,
    built: dict[Any, Any],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """The URL of a database holding the team and its tools and no KPIs, built once per
    module and backend (on PostgreSQL, the template the copies are made from)."""
    if backend not in built:
        if backend == "postgres":
            url = create_database(request.getfixturevalue("pg_server"))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('kpi_team') / 'team.db'}"
        with pytest.MonkeyPatch.context() as mp:
            _fixed_clock(mp)
            ensure_current(url)
            ws = Workspace(url, actor="setup")
            try:
                build_team(ws)
            finally:
                ws.close()
        built[backend] = url
    return str(built[backend])


@pytest.fixture
def open_copy(team_db: str, workspaces: Any) -> Callable[[str], Workspace]:
    """Opens private copies of the team's database (``name`` tells them apart)."""

    def open_one(name: str) -> Workspace:
        workspace: Workspace = workspaces(name, template=team_db)
        return workspace

    return open_one


@pytest.fixture
def team(open_copy: Callable[[str], Workspace]) -> Workspace:
    return open_copy("team.db")


@pytest.fixture
def empty_team(open_copy: Callable[[str], Workspace]) -> Workspace:
    """A second database with the same people and tools and no KPIs."""
    return open_copy("fresh.db")


def test_the_team_is_what_the_tests_assume(team: Workspace) -> None:
    statuses = {t.name: t.status for t in stack.list_tools(team)}
    assert statuses == {
        "GA4": "active",
        "HubSpot": "active",
        "Hotjar": "decommissioning",
        "Marketo": "retired",
        "Mixpanel": "active",
        "Segment": "under_review",
    }
    assert [p["handle"] for p in people.list_people(team)] == ["ana", "ben"]
    assert count(team, "kpis") == 0


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


def counts(ws: Workspace) -> dict[str, int]:
    return {t: count(ws, t) for t in ("kpis", "kpi_versions", "audit_log")}


def kpi_audit(ws: Workspace) -> list[dict[str, Any]]:
    return rows(ws, "SELECT * FROM audit_log WHERE entity = 'kpi' ORDER BY id")


def refusal(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.fields}


def raw_kpi(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key": "mql_to_sql_rate",
        "label": "MQL → SQL rate",
        "owner": "ana",
        "kind": "rate",
        "definition": "SQLs created in the month over MQLs created in the month.",
        "numerator": "SQLs created",
        "denominator": "MQLs created",
        "data_source": "HubSpot",
        "decision": "Where to put next quarter's SDR hours.",
        "data_gaps": "none known",
    }
    base.update(over)
    return base


def activate(ws: Workspace, view: KpiView, **raw: Any) -> KpiView:
    return kpis.transition(ws, view.id, {"status": "active", **raw}, view.version)


def active_kpi(ws: Workspace, **over: Any) -> KpiView:
    return activate(ws, kpis.create(ws, raw_kpi(**over)))


def jaffle_metrics() -> list[MetricImport]:
    texts = [(JAFFLE / name).read_text(encoding="utf-8") for name in JAFFLE_FILES]
    parsed = read_metricflow_files(texts)
    assert parsed.errors == []
    return parsed.metrics


# ---------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------


def test_create_stores_a_draft_and_one_audit_entry(team: Workspace) -> None:
    before = counts(team)
    view = kpis.create(team, raw_kpi(description="Share of MQLs sales accepts."))

    assert view.key == "mql_to_sql_rate"
    assert view.label == "MQL → SQL rate"
    assert view.status == "draft"
    assert view.owner == "ana"
    assert view.owner_name == "Ana Costa"
    assert view.data_source == "HubSpot"
    assert view.data_source_status == "active"
    assert view.measure == "mql_to_sql_rate"  # defaults to the key
    assert view.attribution_model == "none"
    assert view.direction == "higher_is_better"
    assert view.current_version == 0
    assert view.version == 1
    assert view.mf_type is None
    assert view.updated_by == "tester"
    assert counts(team) == {
        "kpis": before["kpis"] + 1,
        "kpi_versions": before["kpi_versions"],
        "audit_log": before["audit_log"] + 1,
    }
    stored = rows(team, "SELECT * FROM kpis")[0]
    assert stored["status"] == "draft"
    assert stored["created_by"] == stored["updated_by"] == "tester"
    [entry] = kpi_audit(team)
    assert (entry["actor"], entry["entity_id"], entry["action"]) == ("tester", view.id, "created")
    assert entry["summary"] == "defined mql_to_sql_rate as a draft"
    assert entry["before_json"] is None
    assert json.loads(entry["after_json"]) == kpis.snapshot_of(view)


def test_owner_typed_as_a_full_name_is_stored_as_the_handle(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(owner="Ben Okafor"))
    assert view.owner == "ben"
    assert json.loads(kpi_audit(team)[-1]["after_json"])["owner"] == "ben"


def test_data_source_is_matched_whatever_its_case(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(data_source="hubspot"))
    assert view.data_source == "HubSpot"


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("rate", "25%", "0.25"),
        ("rate", "0.25", "0.25"),
        ("rate", "4.2x", "4.2"),
        ("currency", "£1,200.50", "1200.5"),
        ("count", "1,200", "1200"),
        ("duration", "3w", "3 weeks"),
        ("duration", "14", "14 days"),
        ("score", "45", "45"),
    ],
)
def test_targets_are_stored_in_their_canonical_form(
    team: Workspace, kind: str, typed: str, stored: str
) -> None:
    view = kpis.create(team, raw_kpi(kind=kind, target=typed))
    assert view.target == stored


def test_the_measure_can_be_named_apart_from_the_key(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(measure="mql_sql_conversions"))
    assert view.measure == "mql_sql_conversions"


NOT_A_PERSON = (
    "“zed” is not a known person; add them under People (mops people add) or choose someone listed"
)
KEY_RULE = (
    "use lower-case letters, digits and single underscores, starting with a letter and not "
    "ending with an underscore (for example mql_to_sql_rate)"
)

REFUSALS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown-owner", {"owner": "zed"}, "owner", NOT_A_PERSON),
    ("no-owner", {"owner": ""}, "owner", "every KPI needs an owner; choose a person"),
    ("owner-none", {"owner": None}, "owner", "every KPI needs an owner; choose a person"),
    (
        "retired-source",
        {"data_source": "Marketo"},
        "data_source",
        "“Marketo” is retired; choose a tool in use",
    ),
    (
        "tool-not-in-stack",
        {"data_source": "Salesforce"},
        "data_source",
        "“Salesforce” is not a tool in the stack",
    ),
    (
        "rate-without-numerator",
        {"numerator": ""},
        "numerator",
        "a rate names its numerator (what is counted)",
    ),
    (
        "rate-without-denominator",
        {"denominator": "  "},
        "denominator",
        "a rate names its denominator (what it is out of)",
    ),
    (
        "no-definition",
        {"definition": ""},
        "definition",
        "write the definition or formula: how it is calculated",
    ),
    (
        "no-decision",
        {"decision": ""},
        "decision",
        "say which decision this KPI informs (a KPI that informs no decision is a vanity metric)",
    ),
    (
        "no-known-gaps",
        {"data_gaps": ""},
        "data_gaps",
        "say where the data is incomplete, or write “none known”",
    ),
    (
        "attribution-without-window",
        {"attribution_model": "last_touch"},
        "attribution_window_days",
        "last touch attribution needs a window in days (1 to 365)",
    ),
    (
        "attribution-window-too-long",
        {"attribution_model": "linear", "attribution_window_days": "400"},
        "attribution_window_days",
        "must be from 1 to 365 days",
    ),
    (
        "attribution-window-zero",
        {"attribution_model": "linear", "attribution_window_days": "0"},
        "attribution_window_days",
        "must be from 1 to 365 days",
    ),
    (
        "attribution-window-text",
        {"attribution_model": "linear", "attribution_window_days": "a month"},
        "attribution_window_days",
        "“a month” is not a number of days",
    ),
    ("key-not-snake-case", {"key": "MQL Rate"}, "key", KEY_RULE),
    ("key-trailing-underscore", {"key": "mql_rate_"}, "key", KEY_RULE),
    ("key-starts-with-digit", {"key": "1st_touch"}, "key", KEY_RULE),
    (
        "key-double-underscore",
        {"key": "mql__rate"},
        "key",
        "cannot contain a double underscore (dbt reserves __)",
    ),
    ("no-key", {"key": ""}, "key", "enter a key, such as mql_to_sql_rate"),
    ("no-label", {"label": ""}, "label", "enter a label"),
    ("bad-target", {"target": "lots"}, "target", "“lots” is not a number (a rate target)"),
    (
        "negative-count-target",
        {"kind": "count", "target": "-5"},
        "target",
        "cannot be negative (a count target)",
    ),
    (
        "bad-measure",
        {"measure": "Bad Measure"},
        "measure",
        f"a measure name follows the key's rules: {KEY_RULE}",
    ),
    (
        "bad-kind",
        {"kind": "ratio"},
        "kind",
        "“ratio” is not a kind; choose one of: count, rate, currency, duration, score",
    ),
    (
        "bad-direction",
        {"direction": "sideways"},
        "direction",
        "“sideways” is not a direction; choose one of: higher_is_better, lower_is_better",
    ),
]


@pytest.mark.parametrize(
    ("over", "field", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_create_refuses_the_field_with_its_message_and_writes_nothing(
    team: Workspace, over: dict[str, Any], field: str, message: str
) -> None:
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(team, raw_kpi(**over))
    assert refusal(exc) == {field: message}
    assert str(exc.value) == f"{field.replace('_', ' ')}: {message}"
    assert counts(team) == before


def test_an_unknown_attribution_model_lists_the_models(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(team, raw_kpi(attribution_model="u_shaped"))
    message = refusal(exc)["attribution_model"]
    assert message.startswith("“u_shaped” is not a")
    assert message.endswith(", ".join(rules.ATTRIBUTION_MODELS))


def test_every_rule_problem_is_reported_at_once(team: Workspace) -> None:
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(team, raw_kpi(owner="", numerator="", decision="", data_gaps=""))
    assert set(refusal(exc)) == {"owner", "numerator", "decision", "data_gaps"}
    assert str(exc.value).startswith("4 problems: ")
    assert counts(team) == before


def test_a_bad_data_source_is_reported_with_the_other_problems(team: Workspace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(team, raw_kpi(decision="", data_source="Marketo"))
    assert set(refusal(exc)) == {"decision", "data_source"}


def test_a_duplicate_key_is_refused_and_nothing_is_written(team: Workspace) -> None:
    kpis.create(team, raw_kpi())
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.create(team, raw_kpi(label="Another label", owner="ben"))
    assert refusal(exc) == {"key": "a KPI with the key “mql_to_sql_rate” already exists"}
    assert counts(team) == before


def test_a_draft_may_have_no_data_source_yet(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(data_source=""))
    assert view.data_source is None
    assert [f.code for f in view.flags()] == ["incomplete"]
    assert view.flags()[0].reason == "Cannot be activated yet; still needs: data source."


@pytest.mark.parametrize("source", ["Hotjar", "Segment", "GA4"])
def test_a_tool_in_the_stack_and_not_retired_may_feed_a_draft(team: Workspace, source: str) -> None:
    assert kpis.create(team, raw_kpi(data_source=source)).data_source == source


# ---------------------------------------------------------------------------
# Edit: wording and meaning
# ---------------------------------------------------------------------------


def test_editing_a_draft_never_adds_a_version(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    edited = kpis.update(
        team,
        view.id,
        {"label": "MQL to SQL", "denominator": "All MQLs", "data_source": "GA4"},
        view.version,
    )
    assert (edited.label, edited.denominator, edited.data_source) == (
        "MQL to SQL",
        "All MQLs",
        "GA4",
    )
    assert edited.current_version == 0
    assert edited.version == view.version + 1
    assert count(team, "kpi_versions") == 0
    entry = kpi_audit(team)[-1]
    assert entry["action"] == "edited"
    assert entry["summary"] == (
        "label MQL → SQL rate → MQL to SQL; denominator MQLs created → All MQLs; "
        "data source HubSpot → GA4"
    )
    assert json.loads(entry["before_json"]) == {
        "label": "MQL → SQL rate",
        "denominator": "MQLs created",
        "data_source": "HubSpot",
    }


def test_a_draft_key_can_change(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    assert kpis.update(team, view.id, {"key": "mql_sql_rate"}, view.version).key == "mql_sql_rate"


def test_an_edit_that_changes_nothing_writes_nothing(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    before = counts(team)
    same = kpis.update(team, view.id, {"label": "MQL → SQL rate"}, view.version)
    assert same.version == view.version
    assert counts(team) == before


def test_wording_edits_on_an_active_kpi_add_no_version(team: Workspace) -> None:
    view = active_kpi(team)
    assert view.current_version == 1
    edited = kpis.update(
        team, view.id, {"label": "MQL → SQL", "description": "Monthly."}, view.version
    )
    assert (edited.label, edited.description) == ("MQL → SQL", "Monthly.")
    assert edited.current_version == 1
    assert count(team, "kpi_versions") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"owner": "ben"},
        {"target": "30%"},
        {"decision": "Whether to hire another SDR."},
        {"data_gaps": "Partner leads before 2025."},
        {"measure": "mql_sql"},
    ],
    ids=["owner", "target", "decision", "known-gaps", "measure"],
)
def test_other_non_meaning_edits_on_an_active_kpi_add_no_version(
    team: Workspace, change: dict[str, str]
) -> None:
    view = active_kpi(team)
    edited = kpis.update(team, view.id, change, view.version)
    assert edited.current_version == 1
    assert count(team, "kpi_versions") == 1


MEANING_EDITS: list[tuple[str, dict[str, Any], str, Any, Any]] = [
    # id, change, field, old, new
    ("kind", {"kind": "score"}, "kind", "rate", "score"),
    ("definition", {"definition": "SQLs over all MQLs."}, "definition", None, None),
    ("numerator", {"numerator": "SALs created"}, "numerator", "SQLs created", "SALs created"),
    ("denominator", {"denominator": "All MQLs"}, "denominator", "MQLs created", "All MQLs"),
    ("conversion", {"conversion": "Sales books a call"}, "conversion", "", "Sales books a call"),
    (
        "attribution-model",
        {"attribution_model": "first_touch"},
        "attribution_model",
        "last_touch",
        "first_touch",
    ),
    (
        "attribution-window",
        {"attribution_window_days": "7"},
        "attribution_window_days",
        30,
        7,
    ),
    ("data-source", {"data_source": "Segment"}, "data_source", "HubSpot", "Segment"),
    ("direction", {"direction": "lower_is_better"}, "direction", "higher_is_better", None),
]


@pytest.mark.parametrize(
    ("change", "field", "old", "new"),
    [m[1:] for m in MEANING_EDITS],
    ids=[m[0] for m in MEANING_EDITS],
)
def test_a_meaning_edit_on_an_active_kpi_adds_a_version_and_keeps_the_old_one(
    team: Workspace, change: dict[str, Any], field: str, old: Any, new: Any
) -> None:
    view = active_kpi(team, attribution_model="last_touch", attribution_window_days="30")
    old = getattr(view, field) if old is None else old
    edited = kpis.update(team, view.id, change, view.version)
    new = getattr(edited, field) if new is None else new

    assert field in rules.MEANING_FIELDS
    assert getattr(edited, field) == new != old
    assert edited.current_version == 2
    first = kpis.version_of(team, view.key, 1)
    second = kpis.version_of(team, view.key, 2)
    assert first.snapshot[field] == old
    assert second.snapshot[field] == new
    assert first.effective_on == second.effective_on == TODAY
    assert second.author == "tester"
    assert [v.number for v in kpis.detail(team, view.id).versions] == [2, 1]
    assert kpis.detail(team, view.id).versions[0].summary.startswith(rules.label_of(field))


def test_a_meaning_edit_takes_effect_from_the_date_given(team: Workspace) -> None:
    view = active_kpi(team)
    edited = kpis.update(
        team,
        view.id,
        {"denominator": "All MQLs", "label": "MQL → SQL"},
        view.version,
        effective_on="2027-01-01",
        change_note="Count recycled MQLs too",
    )
    assert edited.current_version == 2
    newest = kpis.detail(team, view.id).versions[0]
    assert (newest.number, newest.effective_on, newest.summary) == (
        2,
        date(2027, 1, 1),
        "Count recycled MQLs too",
    )
    assert newest.snapshot["label"] == "MQL → SQL"
    assert kpis.version_of(team, view.key, 1).snapshot["denominator"] == "MQLs created"
    entry = kpi_audit(team)[-1]
    assert entry["summary"] == (
        "version 2 from 2027-01-01: label MQL → SQL rate → MQL → SQL; "
        "denominator MQLs created → All MQLs"
    )


def test_without_a_note_the_version_summary_lists_the_meaning_changes(team: Workspace) -> None:
    view = active_kpi(team)
    kpis.update(team, view.id, {"denominator": "All MQLs", "description": "Monthly."}, view.version)
    assert kpis.version_of(team, view.key, 2).summary == "denominator MQLs created → All MQLs"


def test_effective_date_before_the_current_versions_is_refused(team: Workspace) -> None:
    view = active_kpi(team)
    view = kpis.update(
        team, view.id, {"denominator": "All MQLs"}, view.version, effective_on="2027-01-01"
    )
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.update(team, view.id, {"numerator": "SALs"}, view.version, effective_on="2026-12-15")
    assert refusal(exc) == {
        "effective_on": "cannot be before version 2's effective date (2027-01-01)"
    }
    assert counts(team) == before
    assert kpis.get(team, view.id).numerator == "SQLs created"


def test_an_effective_date_that_is_not_a_date_is_refused(team: Workspace) -> None:
    view = active_kpi(team)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.update(team, view.id, {"numerator": "SALs"}, view.version, effective_on="someday")
    assert list(refusal(exc)) == ["effective_on"]
    assert counts(team) == before


def test_versions_stay_readable_and_unknown_ones_say_which_exist(team: Workspace) -> None:
    view = active_kpi(team)
    view = kpis.update(team, view.id, {"denominator": "All MQLs"}, view.version)
    kpis.transition(team, view.id, {"status": "deprecated", "reason": "Merged"}, view.version)

    assert kpis.version_of(team, view.key, 1).snapshot["denominator"] == "MQLs created"
    assert kpis.version_of(team, view.key, 2).snapshot["denominator"] == "All MQLs"
    with pytest.raises(NotFound) as exc:
        kpis.version_of(team, view.key, 9)
    assert str(exc.value) == "mql_to_sql_rate has no version 9 (versions: 2, 1)"
    with pytest.raises(NotFound):
        kpis.version_of(team, "no_such_kpi", 1)


def test_the_key_of_an_active_kpi_cannot_change(team: Workspace) -> None:
    view = active_kpi(team)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.update(team, view.id, {"key": "mql_sql_rate"}, view.version)
    assert refusal(exc) == {"key": "only a draft's key can change: dashboards and dbt use it"}
    assert counts(team) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"owner": ""}, "owner", "every KPI needs an owner; choose a person"),
        (
            {"data_source": "Hotjar"},
            "data_source",
            "the data source “Hotjar” is decommissioning; an active KPI needs a source that is "
            "active or under review",
        ),
        ({"data_source": "Marketo"}, "data_source", "“Marketo” is retired; choose a tool in use"),
    ],
    ids=["drop-owner", "decommissioning-source", "retired-source"],
)
def test_an_active_kpi_cannot_be_edited_out_of_completeness(
    team: Workspace, change: dict[str, str], field: str, message: str
) -> None:
    view = active_kpi(team)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.update(team, view.id, change, view.version)
    assert refusal(exc) == {field: message}
    assert counts(team) == before


def test_status_is_not_changed_by_an_edit(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    with pytest.raises(ValidationFailed) as exc:
        kpis.update(team, view.id, {"status": "active"}, view.version)
    assert refusal(exc) == {
        "status": "change the status with t (activate or deprecate), not an edit"
    }


# ---------------------------------------------------------------------------
# Lifecycle: activate and deprecate
# ---------------------------------------------------------------------------


def test_activation_adds_version_1_in_force_today(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    active = activate(team, view)

    assert active.status == "active"
    assert active.current_version == 1
    [version] = kpis.detail(team, view.id).versions
    assert (version.number, version.effective_on, version.summary) == (1, TODAY, "activated")
    assert version.snapshot == kpis.snapshot_of(view)
    entry = kpi_audit(team)[-1]
    assert (entry["action"], entry["summary"]) == (
        "status",
        "activated (version 1 from 2026-11-29)",
    )


def test_activation_can_take_effect_later(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    activate(team, view, effective_on="2027-01-01")
    assert kpis.version_of(team, view.key, 1).effective_on == date(2027, 1, 1)


def test_activation_is_refused_with_what_is_missing_then_accepted(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(data_source=""))
    assert kpis.move_needs(team, view, "active") == [rules.activation_needs(view, None)[0]]
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        activate(team, view)
    assert refusal(exc) == {"data_source": "choose the tool in the stack that supplies the data"}
    assert counts(team) == before

    view = kpis.update(team, view.id, {"data_source": "HubSpot"}, view.version)
    assert view.flags() == []
    assert kpis.move_needs(team, view, "active") == []
    assert activate(team, view).status == "active"


def test_activation_needs_a_source_that_is_active_or_under_review(team: Workspace) -> None:
    hotjar = kpis.create(team, raw_kpi(key="hotjar_rate", data_source="Hotjar"))
    segment = kpis.create(team, raw_kpi(key="segment_rate", data_source="Segment"))

    with pytest.raises(ValidationFailed) as exc:
        activate(team, hotjar)
    assert refusal(exc) == {
        "data_source": "the data source “Hotjar” is decommissioning; an active KPI needs a "
        "source that is active or under review"
    }
    assert kpis.get(team, hotjar.id).status == "draft"
    assert activate(team, segment).status == "active"


def test_a_source_retired_after_the_draft_was_defined_blocks_activation(
    team: Workspace,
) -> None:
    view = kpis.create(team, raw_kpi(data_source="GA4"))
    ga4 = stack.get_by_name(team, "GA4")
    stack.transition(
        team,
        ga4.id,
        {"status": "retired", "reason": "Moved to Mixpanel", "retired_on": "2026-11-20"},
        ga4.version,
    )
    with pytest.raises(ValidationFailed) as exc:
        activate(team, kpis.get(team, view.id))
    assert refusal(exc) == {
        "data_source": "the data source “GA4” is retired; an active KPI needs a source that is "
        "active or under review"
    }


def test_deprecating_needs_a_reason_or_a_successor(team: Workspace) -> None:
    view = active_kpi(team)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.transition(team, view.id, {"status": "deprecated"}, view.version)
    assert refusal(exc) == {"reason": "give a reason, or name the KPI that replaces it"}
    assert counts(team) == before

    done = kpis.transition(
        team, view.id, {"status": "deprecated", "reason": "Sales stopped using SQLs"}, view.version
    )
    assert done.status == "deprecated"
    assert done.deprecated_reason == "Sales stopped using SQLs"
    assert done.successor is None
    assert done.current_version == 1  # deprecating is not a change of meaning
    assert kpi_audit(team)[-1]["summary"] == "deprecated: Sales stopped using SQLs"


def test_deprecating_with_an_active_successor(team: Workspace) -> None:
    old = active_kpi(team)
    new = active_kpi(team, key="mql_to_sal_rate", label="MQL → SAL rate")
    done = kpis.transition(
        team, old.id, {"status": "deprecated", "successor": "mql_to_sal_rate"}, old.version
    )
    assert (done.status, done.successor, done.deprecated_reason) == (
        "deprecated",
        "mql_to_sal_rate",
        None,
    )
    assert kpis.detail(team, new.id).replaces == [
        {"key": "mql_to_sql_rate", "label": "MQL → SQL rate"}
    ]
    assert kpi_audit(team)[-1]["summary"] == "deprecated (replaced by mql_to_sal_rate)"


def test_a_draft_can_be_deprecated_without_ever_being_active(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    done = kpis.transition(
        team, view.id, {"status": "deprecated", "reason": "Duplicate"}, view.version
    )
    assert done.status == "deprecated"
    assert done.current_version == 0


@pytest.mark.parametrize(
    ("successor", "message"),
    [
        ("mql_to_sql_rate", "a KPI cannot replace itself"),
        ("draft_rate", "“draft_rate” is draft; the successor must be an active KPI"),
        ("gone_rate", "“gone_rate” is deprecated; the successor must be an active KPI"),
        ("no_such_kpi", "there is no KPI “no_such_kpi”"),
    ],
    ids=["itself", "draft", "deprecated", "unknown"],
)
def test_the_successor_must_be_another_active_kpi(
    team: Workspace, successor: str, message: str
) -> None:
    kpis.create(team, raw_kpi(key="draft_rate"))
    gone = kpis.create(team, raw_kpi(key="gone_rate"))
    kpis.transition(team, gone.id, {"status": "deprecated", "reason": "Old"}, gone.version)
    view = active_kpi(team)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.transition(
            team,
            view.id,
            {"status": "deprecated", "successor": successor, "reason": "Replaced"},
            view.version,
        )
    assert refusal(exc) == {"successor": message}
    assert counts(team) == before
    assert kpis.get(team, view.id).status == "active"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("active", "a deprecated KPI stays deprecated; define a new one"),
        ("draft", "a deprecated KPI stays deprecated; define a new one"),
        ("deprecated", "the KPI is already deprecated"),
    ],
)
def test_deprecated_is_terminal(team: Workspace, target: str, message: str) -> None:
    view = active_kpi(team)
    view = kpis.transition(team, view.id, {"status": "deprecated", "reason": "Old"}, view.version)
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.transition(team, view.id, {"status": target, "reason": "again"}, view.version)
    assert refusal(exc) == {"status": message}
    assert counts(team) == before
    assert kpis.move_needs(team, view, target)[0].message == message


def test_an_active_kpi_does_not_go_back_to_draft(team: Workspace) -> None:
    view = active_kpi(team)
    with pytest.raises(ValidationFailed) as exc:
        kpis.transition(team, view.id, {"status": "draft"}, view.version)
    assert refusal(exc) == {
        "status": "a KPI cannot go from active to draft; it can become: deprecated"
    }
    with pytest.raises(ValidationFailed) as exc:
        activate(team, view)
    assert refusal(exc) == {"status": "the KPI is already active"}


def test_an_unknown_status_is_refused(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi())
    with pytest.raises(ValidationFailed) as exc:
        kpis.transition(team, view.id, {"status": "paused"}, view.version)
    assert list(refusal(exc)) == ["status"]


# ---------------------------------------------------------------------------
# Optimistic locking
# ---------------------------------------------------------------------------


@pytest.fixture
def other(team: Workspace) -> Iterator[Workspace]:
    """A second person working on the same file."""
    ws = Workspace(team.url, actor="ben")
    yield ws
    ws.close()


STALE = (
    "The KPI mql_to_sql_rate was changed by ben at 2026-11-29 09:00 after you opened it. "
    "Nothing was saved; your values are kept so you can reload and apply them again."
)


def test_an_edit_on_a_stale_copy_names_who_changed_it(team: Workspace, other: Workspace) -> None:
    mine = kpis.create(team, raw_kpi())
    kpis.update(other, mine.id, {"label": "Ben's label"}, mine.version)
    before = counts(team)

    with pytest.raises(StaleRecord) as exc:
        kpis.update(team, mine.id, {"label": "My label"}, mine.version)
    assert exc.value.changed_by == "ben"
    assert str(exc.value) == STALE
    assert counts(team) == before
    assert kpis.get(team, mine.id).label == "Ben's label"


def test_a_move_on_a_stale_copy_names_who_changed_it(team: Workspace, other: Workspace) -> None:
    mine = kpis.create(team, raw_kpi())
    kpis.update(other, mine.id, {"description": "Ben was here"}, mine.version)
    with pytest.raises(StaleRecord) as exc:
        activate(team, mine)
    assert exc.value.changed_by == "ben"
    assert kpis.get(team, mine.id).status == "draft"
    assert count(team, "kpi_versions") == 0


def test_a_stale_meaning_edit_adds_no_version(team: Workspace, other: Workspace) -> None:
    mine = active_kpi(team)
    kpis.update(other, mine.id, {"label": "Ben's label"}, mine.version)
    with pytest.raises(StaleRecord):
        kpis.update(team, mine.id, {"denominator": "All MQLs"}, mine.version)
    assert count(team, "kpi_versions") == 1


# ---------------------------------------------------------------------------
# MetricFlow import: the real jaffle files
# ---------------------------------------------------------------------------

CORE_NEEDS = ["owner", "decision", "data gaps", "data source"]
RATE_NEEDS = ["owner", "numerator", "denominator", "decision", "data gaps", "data source"]

# What each real metric still needs before it can be activated, after an import into a
# workspace that has people and tools but no KPIs.
JAFFLE_NEEDS: list[tuple[str, str, str, list[str]]] = [
    ("customers_with_orders", "simple", "count", CORE_NEEDS),
    ("new_customer", "simple", "count", CORE_NEEDS),
    ("order_total", "simple", "currency", CORE_NEEDS),
    ("large_order", "simple", "count", CORE_NEEDS),
    ("orders", "simple", "count", CORE_NEEDS),
    ("orders_fill_nulls_with_zero", "simple", "count", CORE_NEEDS),
    ("twice_orders_fill_nulls_with_0", "derived", "count", CORE_NEEDS),
    ("food_orders", "simple", "count", CORE_NEEDS),
    ("orders_last_7_days", "cumulative", "count", CORE_NEEDS),
    ("revenue", "simple", "currency", CORE_NEEDS),
    ("order_cost", "simple", "currency", CORE_NEEDS),
    ("median_revenue", "simple", "currency", CORE_NEEDS),
    ("food_revenue", "simple", "currency", CORE_NEEDS),
    ("food_revenue_pct", "ratio", "rate", CORE_NEEDS),
    ("revenue_growth_mom", "derived", "rate", RATE_NEEDS),
    ("order_gross_profit", "derived", "currency", CORE_NEEDS),
    ("cumulative_revenue", "cumulative", "currency", CORE_NEEDS),
]


@dataclass
class JaffleImport:
    report: kpis.KpiImportReport
    views: dict[str, KpiView]
    counts: dict[str, int]


@pytest.fixture
def jaffle_import(
    backend: str, built: dict[Any, Any], open_copy: Callable[[str], Workspace]
) -> JaffleImport:
    """The three real files imported once per backend into a copy of the team's
    database."""
    if ("jaffle", backend) not in built:
        ws = open_copy("jaffle.db")
        report = kpis.import_metrics(ws, jaffle_metrics())
        views = {v.key: v for v in kpis.list_kpis(ws)}
        built["jaffle", backend] = JaffleImport(report, views, counts(ws))
    found: JaffleImport = built["jaffle", backend]
    return found


def test_jaffle_import_writes_all_17_metrics_as_drafts(
    jaffle_import: JaffleImport, team: Workspace
) -> None:
    report = jaffle_import.report
    assert report.errors == []
    assert report.written is True
    assert len(report.results) == 17
    assert {r.status for r in report.results} == {"draft"}
    assert set(jaffle_import.views) == {row[0] for row in JAFFLE_NEEDS}
    empty = counts(team)
    assert jaffle_import.counts == {
        "kpis": 17,
        "kpi_versions": 0,
        "audit_log": empty["audit_log"] + 17,
    }
    for view in jaffle_import.views.values():
        assert view.status == "draft"
        assert view.owner is None
        assert view.data_source is None
        assert view.current_version == 0
        assert [f.code for f in view.flags()] == ["incomplete"]


@pytest.mark.parametrize(
    ("name", "mf_type", "kind", "needs"), JAFFLE_NEEDS, ids=[row[0] for row in JAFFLE_NEEDS]
)
def test_each_jaffle_metric_and_what_it_still_needs(
    jaffle_import: JaffleImport, name: str, mf_type: str, kind: str, needs: list[str]
) -> None:
    result = next(r for r in jaffle_import.report.results if r.name == name)
    view = jaffle_import.views[name]
    print(f"{name:32} {mf_type:10} {kind:8} still needs: {', '.join(result.needs)}")

    assert result.status == "draft"
    assert result.needs == needs
    assert {"owner", "data source", "decision", "data gaps"} <= set(result.needs)
    assert result.notes and result.notes[0].startswith(f"kind guessed as {kind} from ")
    assert view.mf_type == mf_type
    assert view.kind == kind
    flag = view.flags()[0]
    assert flag.reason == f"Cannot be activated yet; still needs: {', '.join(needs)}."


def test_jaffle_filters_and_type_params_are_stored(jaffle_import: JaffleImport) -> None:
    views = jaffle_import.views
    assert views["new_customer"].mf_filter == (
        "{{ Dimension('customer__customer_type') }}  = 'new'"
    )
    assert views["food_orders"].mf_filter == "{{ Dimension('order_id__is_food_order') }} = true"
    assert views["orders"].mf_filter is None
    assert views["orders_last_7_days"].mf_params == {"measure": "order_count", "window": "7 days"}
    assert views["order_gross_profit"].mf_params["expr"] == "revenue - cost"
    assert views["food_revenue_pct"].numerator == "food_revenue"
    assert views["food_revenue_pct"].denominator == "revenue"
    assert views["orders_fill_nulls_with_zero"].measure == "order_count"


def test_an_imported_draft_is_refused_activation_with_its_list_of_needs(
    team: Workspace,
) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    view = kpis.get_by_key(team, "revenue_growth_mom")
    before = counts(team)
    with pytest.raises(ValidationFailed) as exc:
        activate(team, view)
    assert list(refusal(exc)) == [
        "owner",
        "numerator",
        "denominator",
        "decision",
        "data_gaps",
        "data_source",
    ]
    assert counts(team) == before


def test_an_imported_draft_completed_in_one_edit_can_be_activated(team: Workspace) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    view = kpis.get_by_key(team, "order_gross_profit")
    view = kpis.update(
        team,
        view.id,
        {
            "owner": "ana",
            "data_source": "GA4",
            "decision": "Which menu items to promote.",
            "data_gaps": "none known",
        },
        view.version,
    )
    assert view.flags() == []
    active = activate(team, view)
    assert active.status == "active"
    assert active.mf_type == "derived"  # completing it keeps what MetricFlow said
    assert active.mf_params["expr"] == "revenue - cost"


def test_an_incomplete_imported_draft_can_still_have_its_label_fixed(team: Workspace) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    view = kpis.get_by_key(team, "orders")
    edited = kpis.update(team, view.id, {"label": "All orders"}, view.version)
    assert edited.label == "All orders"
    assert [f.code for f in edited.flags()] == ["incomplete"]


def test_the_measure_of_an_imported_kpi_is_user_editable_and_exported(team: Workspace) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    view = kpis.get_by_key(team, "orders_fill_nulls_with_zero")
    view = kpis.update(
        team,
        view.id,
        {
            "owner": "ben",
            "data_source": "HubSpot",
            "decision": "Staffing per shift.",
            "data_gaps": "none known",
            "measure": "order_count_v2",
        },
        view.version,
    )
    assert view.measure == "order_count_v2"
    assert metric_of(view)["type_params"] == {
        "measure": {"name": "order_count_v2", "fill_nulls_with": 0, "join_to_timespine": True}
    }


def test_a_dry_run_reports_the_same_and_writes_nothing(
    team: Workspace, jaffle_import: JaffleImport
) -> None:
    before = counts(team)
    report = kpis.import_metrics(team, jaffle_metrics(), dry_run=True)
    assert report.written is False
    assert report.errors == []
    assert report.results == jaffle_import.report.results
    assert counts(team) == before


def test_importing_the_same_files_twice_refuses_every_metric_and_writes_nothing(
    team: Workspace,
) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    before = counts(team)
    report = kpis.import_metrics(team, jaffle_metrics())

    assert report.written is False
    assert report.results == []
    assert [(e.field, e.message) for e in report.errors] == [
        ("key", f"metric {name}: a KPI with this key already exists") for name, *_ in JAFFLE_NEEDS
    ]
    assert counts(team) == before


def test_one_clash_is_enough_to_write_nothing(team: Workspace) -> None:
    kpis.create(team, raw_kpi(key="revenue", kind="currency", numerator="", denominator=""))
    before = counts(team)
    report = kpis.import_metrics(team, jaffle_metrics())
    assert [e.message for e in report.errors] == [
        "metric revenue: a KPI with this key already exists"
    ]
    assert report.written is False
    assert counts(team) == before


def test_a_name_twice_in_the_metrics_given_is_refused(team: Workspace) -> None:
    metrics = jaffle_metrics()
    report = kpis.import_metrics(team, [*metrics, metrics[0]])
    assert [(e.field, e.message) for e in report.errors] == [
        ("key", "metric customers_with_orders: the name appears twice in the file")
    ]
    assert count(team, "kpis") == 0


# ---------------------------------------------------------------------------
# MetricFlow import: people, tools and statuses named in config.meta
# ---------------------------------------------------------------------------


def metric_yaml(name: str, **meta: Any) -> str:
    lines = [
        f"  - name: {name}",
        "    type: simple",
        "    type_params: {measure: leads}",
        "    config:",
        "      meta:",
    ]
    lines += [f"        {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
    return "\n".join(lines) + "\n"


COMPLETE = {
    "owner": "ana",
    "data_source": "HubSpot",
    "kind": "count",
    "definition": "New leads created.",
    "decision": "Budget split between channels.",
    "known_gaps": "none known",
}


def parse(*metrics: str) -> list[MetricImport]:
    parsed = read_metricflow("metrics:\n" + "".join(metrics))
    assert parsed.errors == []
    return parsed.metrics


@pytest.mark.parametrize(
    ("meta", "field", "note"),
    [
        ({"owner": "zed"}, "owner", "owner “zed” is not a known person; left empty"),
        (
            {"data_source": "Salesforce"},
            "data_source",
            "data source “Salesforce” is not in the stack; left empty",
        ),
        (
            {"data_source": "Marketo"},
            "data_source",
            "data source “Marketo” is retired; left empty",
        ),
    ],
    ids=["unknown-owner", "unknown-source", "retired-source"],
)
def test_unknown_people_and_unusable_tools_import_empty_with_a_note(
    team: Workspace, meta: dict[str, str], field: str, note: str
) -> None:
    report = kpis.import_metrics(team, parse(metric_yaml("new_leads", **{**COMPLETE, **meta})))

    assert report.errors == []
    assert report.written is True
    [result] = report.results
    assert note in result.notes
    assert result.status == "draft"
    assert result.needs == [rules.label_of(field)]
    view = kpis.get_by_key(team, "new_leads")
    assert getattr(view, field) is None


def test_people_and_tools_named_in_meta_are_resolved(team: Workspace) -> None:
    kpis.import_metrics(
        team,
        parse(
            metric_yaml("new_leads", **{**COMPLETE, "owner": "Ben Okafor", "data_source": "ga4"})
        ),
    )
    view = kpis.get_by_key(team, "new_leads")
    assert (view.owner, view.data_source) == ("ben", "GA4")


def test_a_complete_active_metric_arrives_active_with_version_1(team: Workspace) -> None:
    report = kpis.import_metrics(
        team, parse(metric_yaml("new_leads", **COMPLETE, status="active", target="1,200"))
    )
    assert [(r.status, r.needs, r.notes) for r in report.results] == [("active", [], [])]
    view = kpis.get_by_key(team, "new_leads")
    assert (view.status, view.current_version, view.target) == ("active", 1, "1200")
    [version] = kpis.detail(team, view.id).versions
    assert (version.effective_on, version.summary) == (TODAY, "imported")


@pytest.mark.parametrize(
    ("meta", "needs"),
    [
        ({"owner": ""}, ["owner"]),
        ({"data_source": "Hotjar"}, ["data source"]),
        ({"decision": ""}, ["decision"]),
    ],
    ids=["no-owner", "decommissioning-source", "no-decision"],
)
def test_an_incomplete_active_metric_arrives_as_a_draft_and_says_so(
    team: Workspace, meta: dict[str, str], needs: list[str]
) -> None:
    report = kpis.import_metrics(
        team, parse(metric_yaml("new_leads", **{**COMPLETE, **meta, "status": "active"}))
    )
    [result] = report.results
    assert result.status == "draft"
    assert result.needs == needs
    assert "arrives as a draft: it is not complete enough to be active" in result.notes
    assert kpis.get_by_key(team, "new_leads").status == "draft"
    assert count(team, "kpi_versions") == 0


def test_a_deprecated_metric_keeps_its_active_successor_from_the_same_file(
    team: Workspace,
) -> None:
    report = kpis.import_metrics(
        team,
        parse(
            metric_yaml("old_leads", **COMPLETE, status="deprecated", successor="new_leads"),
            metric_yaml("new_leads", **COMPLETE, status="active"),
        ),
    )
    assert [(r.name, r.status) for r in report.results] == [
        ("old_leads", "deprecated"),
        ("new_leads", "active"),
    ]
    assert kpis.get_by_key(team, "old_leads").successor == "new_leads"


def test_a_successor_neither_in_the_file_nor_in_mops_is_refused(team: Workspace) -> None:
    report = kpis.import_metrics(
        team, parse(metric_yaml("old_leads", **COMPLETE, status="deprecated", successor="ghost"))
    )
    assert [(e.field, e.message) for e in report.errors] == [
        ("successor", "metric old_leads: its successor “ghost” is neither in the file nor in mops")
    ]
    assert count(team, "kpis") == 0


@pytest.mark.parametrize(
    ("successor", "extra"),
    [("new_leads", {"status": "draft"}), ("old_leads", None)],
    ids=["successor-is-a-draft", "successor-is-itself"],
)
def test_an_imported_successor_follows_the_same_rules_as_deprecating(
    team: Workspace, successor: str, extra: dict[str, str] | None
) -> None:
    metrics = [metric_yaml("old_leads", **COMPLETE, status="deprecated", successor=successor)]
    if extra is not None:
        metrics.append(metric_yaml("new_leads", **COMPLETE, **extra))
    report = kpis.import_metrics(team, parse(*metrics))
    assert any(e.field == "successor" and "old_leads" in e.message for e in report.errors)
    assert count(team, "kpis") == 0


def test_a_deprecated_metric_without_a_reason_says_why_it_arrives_as_a_draft(
    team: Workspace,
) -> None:
    report = kpis.import_metrics(
        team, parse(metric_yaml("old_leads", **COMPLETE, status="deprecated"))
    )
    [result] = report.results
    assert result.status == "draft"
    assert any("draft" in note for note in result.notes)


@pytest.mark.parametrize(
    ("meta", "field", "message"),
    [
        (
            {"attribution": {"model": "linear", "window_days": "a month"}},
            "attribution_window_days",
            "metric new_leads: “a month” is not a number of days",
        ),
        (
            {"attribution": {"model": "linear"}},
            "attribution_window_days",
            "metric new_leads: linear attribution needs a window in days (1 to 365)",
        ),
        (
            {"attribution": {"model": "w_shaped", "window_days": 7}},
            "attribution_model",
            None,
        ),
        ({"target": "lots"}, "target", "metric new_leads: “lots” is not a number (a count target)"),
        (
            {"measure": "Leads Measure"},
            "measure",
            f"metric new_leads: a measure name follows the key's rules: {KEY_RULE}",
        ),
    ],
    ids=["window-text", "window-missing", "unknown-model", "bad-target", "bad-measure"],
)
def test_a_value_that_breaks_a_rule_names_the_metric_and_field_and_nothing_is_written(
    team: Workspace, meta: dict[str, Any], field: str, message: str | None
) -> None:
    before = counts(team)
    report = kpis.import_metrics(
        team,
        parse(
            metric_yaml("fine_leads", **COMPLETE),
            metric_yaml("new_leads", **{**COMPLETE, **meta}),
        ),
    )
    assert [e.field for e in report.errors] == [field]
    assert report.errors[0].message.startswith("metric new_leads: ")
    if message is not None:
        assert report.errors[0].message == message
    assert report.written is False
    assert counts(team) == before


# ---------------------------------------------------------------------------
# Round trip: export, then import into an empty database with the same team
# ---------------------------------------------------------------------------

ROUND_TRIP_KPIS: list[dict[str, Any]] = [
    {
        "key": "pipeline_value",
        "label": "Pipeline value",
        "description": "Open pipeline.\nCounted at month end.",
        "kind": "currency",
        "definition": "Sum of open opportunity amounts.",
        "target": "£250,000",
        "measure": "opp_amount",
    },
    {
        "key": "mql_to_sql_rate",
        "label": "MQL → SQL rate",
        "owner": "ben",
        "kind": "rate",
        "numerator": "SQLs created",
        "denominator": "MQLs created",
        "conversion": "Sales accepts the lead",
        "attribution_model": "last_touch",
        "attribution_window_days": "30",
        "target": "25%",
    },
    {
        "key": "roas",
        "label": "ROAS",
        "description": "Return on ad spend.",
        "kind": "rate",
        "numerator": "Attributed revenue",
        "denominator": "Ad spend",
        "attribution_model": "time_decay",
        "attribution_window_days": "7",
        "target": "4.2x",
        "data_source": "GA4",
    },
    {
        "key": "sales_cycle_days",
        "label": "Sales cycle",
        "kind": "duration",
        "definition": "Median days from SQL to closed-won.",
        "direction": "lower_is_better",
        "target": "3 weeks",
        "data_source": "Segment",
    },
    {
        "key": "nps",
        "label": "NPS",
        "kind": "score",
        "definition": "Promoters minus detractors.",
        "data_gaps": "Only customers who answer the survey.",
        "data_source": "",
    },
    {
        "key": "leads_created",
        "label": "Leads created",
        "kind": "count",
        "definition": "New leads created.",
        "target": "1,200",
    },
    {
        "key": "old_leads",
        "label": "Old leads",
        "kind": "count",
        "definition": "Leads, counted before dedupe.",
    },
]

ROUND_TRIP_FIELDS: tuple[str, ...] = (*kpis.INPUT_FIELDS, "status", "successor", "mf_type")


def round_trip_defaults(spec: dict[str, Any]) -> dict[str, Any]:
    base = raw_kpi(numerator="", denominator="")
    base.update(spec)
    return base


@dataclass
class RoundTrip:
    before: dict[str, KpiView]
    after: dict[str, KpiView]
    text: str
    report: kpis.KpiImportReport


@pytest.fixture
def round_trip(
    backend: str, built: dict[Any, Any], open_copy: Callable[[str], Workspace]
) -> RoundTrip:
    """Seven KPIs of every kind and status exported from one database and imported into
    another that has the same people and tools and no KPIs (once per backend)."""
    if ("round_trip", backend) in built:
        found: RoundTrip = built["round_trip", backend]
        return found
    source = open_copy("source.db")
    target = open_copy("target.db")
    views = {s["key"]: kpis.create(source, round_trip_defaults(s)) for s in ROUND_TRIP_KPIS}
    for key in ("pipeline_value", "mql_to_sql_rate", "leads_created"):
        activate(source, views[key])
    old = views["old_leads"]
    kpis.transition(
        source,
        old.id,
        {"status": "deprecated", "successor": "leads_created", "reason": "Double counted"},
        old.version,
    )
    text = write_metricflow(kpis.list_kpis(source), source.currency)
    parsed = read_metricflow(text)
    assert parsed.errors == []
    report = kpis.import_metrics(target, parsed.metrics)
    before = {v.key: v for v in kpis.list_kpis(source)}
    after = {v.key: v for v in kpis.list_kpis(target)}
    made = RoundTrip(before, after, text, report)
    built["round_trip", backend] = made
    return made


def test_round_trip_imports_every_kpi_with_its_status(round_trip: RoundTrip) -> None:
    assert round_trip.report.errors == []
    assert round_trip.report.written is True
    assert [(r.name, r.status, r.needs, r.notes) for r in round_trip.report.results] == [
        (v.key, v.status, ["data source"] if v.key == "nps" else [], [])
        for v in round_trip.before.values()
    ]
    assert set(round_trip.after) == set(round_trip.before)
    statuses = {k: v.status for k, v in round_trip.before.items()}
    assert statuses == {
        "leads_created": "active",
        "mql_to_sql_rate": "active",
        "nps": "draft",
        "old_leads": "deprecated",
        "pipeline_value": "active",
        "roas": "draft",
        "sales_cycle_days": "draft",
    }


def test_round_trip_covers_every_kind_and_the_awkward_cases(round_trip: RoundTrip) -> None:
    before = round_trip.before
    assert {v.kind for v in before.values()} == set(rules.KINDS)
    assert before["mql_to_sql_rate"].attribution == "last touch 30d"
    assert before["pipeline_value"].target == "250000"
    assert before["old_leads"].successor == "leads_created"
    assert before["nps"].data_source is None
    assert any(not v.description for v in before.values())


ROUND_TRIP_BUGS: dict[str, str] = {}


def _round_trip_param(field: str) -> Any:
    if field in ROUND_TRIP_BUGS:
        return pytest.param(
            field, marks=pytest.mark.xfail(reason=ROUND_TRIP_BUGS[field], strict=True)
        )
    return field


@pytest.mark.parametrize("field", [_round_trip_param(f) for f in ROUND_TRIP_FIELDS])
def test_round_trip_keeps_the_field(round_trip: RoundTrip, field: str) -> None:
    differ = {
        key: (getattr(view, field), getattr(round_trip.after[key], field))
        for key, view in round_trip.before.items()
        if getattr(view, field) != getattr(round_trip.after[key], field)
    }
    assert differ == {}


def test_round_trip_exports_the_same_metrics_again(round_trip: RoundTrip) -> None:
    def shape(view: KpiView) -> dict[str, Any]:
        metric = metric_of(view)
        metric["config"]["meta"].pop("version", None)  # the import starts its own history
        return metric

    for key, view in round_trip.before.items():
        assert shape(round_trip.after[key]) == shape(view), key


def test_round_trip_of_the_jaffle_drafts_is_exact(team: Workspace, empty_team: Workspace) -> None:
    kpis.import_metrics(team, jaffle_metrics())
    text = write_metricflow(kpis.list_kpis(team), team.currency)
    report = kpis.import_metrics(empty_team, read_metricflow(text).metrics)

    assert report.errors == []
    assert [r.notes for r in report.results] == [[]] * 17
    fields = (*ROUND_TRIP_FIELDS, "mf_params", "mf_filter", "description")
    for view in kpis.list_kpis(team):
        again = kpis.get_by_key(empty_team, view.key)
        for name in fields:
            assert getattr(again, name) == getattr(view, name), (view.key, name)
    assert write_metricflow(kpis.list_kpis(empty_team), empty_team.currency) == text


# ---------------------------------------------------------------------------
# The Stack side: a tool that feeds a KPI is not a decommission candidate
# ---------------------------------------------------------------------------


def flag_codes(ws: Workspace, name: str) -> list[str]:
    tool = stack.get_by_name(ws, name)
    return [f.code for f in tool.flags(ws.today(), ws.policy, ws.currency)]


def test_a_tool_that_feeds_a_kpi_is_no_longer_a_decommission_candidate(
    team: Workspace,
) -> None:
    assert "decommission" in flag_codes(team, "Mixpanel")
    assert stack.get_by_name(team, "Mixpanel").kpi_count == 0

    view = kpis.create(team, raw_kpi(data_source="Mixpanel"))
    assert stack.get_by_name(team, "Mixpanel").kpi_count == 1
    assert "decommission" not in flag_codes(team, "Mixpanel")
    mixpanel = stack.get_by_name(team, "Mixpanel")
    assert [k["key"] for k in stack.detail(team, mixpanel.id).kpis] == ["mql_to_sql_rate"]
    assert kpis.active_kpis_fed_by(team, mixpanel.id) == []

    view = activate(team, view)
    assert [k["key"] for k in kpis.active_kpis_fed_by(team, mixpanel.id)] == ["mql_to_sql_rate"]
    assert "decommission" not in flag_codes(team, "Mixpanel")

    kpis.transition(team, view.id, {"status": "deprecated", "reason": "Unused"}, view.version)
    assert stack.get_by_name(team, "Mixpanel").kpi_count == 0
    assert "decommission" in flag_codes(team, "Mixpanel")


def test_moving_a_kpi_to_another_source_moves_the_count(team: Workspace) -> None:
    view = kpis.create(team, raw_kpi(data_source="Mixpanel"))
    kpis.update(team, view.id, {"data_source": "GA4"}, view.version)
    assert stack.get_by_name(team, "Mixpanel").kpi_count == 0
    assert stack.get_by_name(team, "GA4").kpi_count == 1
    assert "decommission" in flag_codes(team, "Mixpanel")
