"""Promise 4, the MetricFlow export: whatever text a KPI holds (markup, quotes, YAML's
own syntax, values YAML would read as dates or booleans, line breaks of every kind,
escape codes from legacy data), ``write_metricflow`` writes YAML that
``read_metricflow`` reads back to the same text, so an export re-imports unchanged."""

from __future__ import annotations

from typing import Any

from hostile import NASTY, hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain import kpis
from mops_tui.domain.kpis import KpiView
from mops_tui.formats.metricflow import read_metricflow, write_metricflow

YAML_LOOKALIKES = (
    "yes",
    "No",
    "~",
    "null",
    "2026-02-28",
    "2026-02-30",
    "12:30",
    "1e3",
    "0x1F",
    ".nan",
    "- item",
    "key: value",
    "# comment",
    "&anchor",
    "*alias",
    "!tag",
    "{a: b}",
    "[a, b]",
    "|",
    ">",
    "%YAML",
    "---",
    "...",
    "@at",
    "`tick`",
    "line\x85next",
    "line\u2028next",
    "line\u2029next",
    "carriage\rreturn",
    "two\nlines",
)

# Stored text is trimmed; YAML reading trims too. A KPI label holds at most 80 characters.
text = st.one_of(hostile_text, st.sampled_from(NASTY), st.sampled_from(YAML_LOOKALIKES)).map(
    lambda s: s.replace("\x00", "").strip()
)
some_text = text.filter(bool)


def view(**fields: Any) -> KpiView:
    values: dict[str, Any] = {
        "id": 1,
        "key": "mql_to_sql_rate",
        "label": "MQL to SQL rate",
        "description": "",
        "owner": "ana",
        "owner_name": "Ana Costa",
        "kind": "rate",
        "definition": "SQLs over MQLs.",
        "numerator": "SQLs",
        "denominator": "MQLs",
        "conversion": "",
        "attribution_model": "none",
        "attribution_window_days": None,
        "direction": "higher_is_better",
        "target": "0.25",
        "decision": "d",
        "data_gaps": "none known",
        "data_source": "HubSpot",
        "data_source_id": 1,
        "data_source_status": "active",
        "status": "active",
        "measure": "mql_to_sql_rate",
        "current_version": 1,
    }
    values.update(fields)
    return KpiView(**values)


@settings(max_examples=300, deadline=None)
@given(
    label=some_text.map(lambda s: s[: kpis.LABEL_MAX].strip()).filter(bool),
    description=text,
    definition=some_text,
    numerator=some_text,
    denominator=some_text,
    conversion=text,
    decision=text,
    data_gaps=some_text,
    owner=some_text,
    data_source=some_text,
    deprecated_reason=some_text,
)
def test_every_text_of_a_kpi_survives_export_and_import(**fields: str) -> None:
    written = write_metricflow([view(**fields, status="deprecated")])
    parsed = read_metricflow(written)
    assert not parsed.errors, parsed.errors
    [metric] = parsed.metrics
    got = {
        "label": metric.fields["label"],
        "description": metric.fields["description"],
        "definition": metric.fields["definition"],
        "numerator": metric.fields["numerator"],
        "denominator": metric.fields["denominator"],
        "conversion": metric.fields["conversion"],
        "decision": metric.fields["decision"],
        "data_gaps": metric.fields["data_gaps"],
        "owner": metric.fields["owner"],
        "data_source": metric.fields["data_source"],
        "deprecated_reason": metric.deprecated_reason,
    }
    assert got == fields
    assert metric.status == "deprecated"
