"""The dbt MetricFlow reader and writer (``mops_tui.formats.metricflow``), pure: no database.

The reader is checked against the three real files dbt-labs publishes in
jaffle-sl-template (copied under ``tests/fixtures/metricflow``): every one of their 17
metrics, what mops keeps of it and what it had to guess. Broken input must always end in
``MetricflowError`` or a per-metric error naming the metric and the field, never in a
traceback. The writer must produce the spec dbt 1.6–1.11 reads.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mops_tui.domain import kpis as rules
from mops_tui.domain.kpis import KpiView, MetricImport
from mops_tui.formats.metricflow import (
    METRIC_TYPES,
    MetricflowError,
    MetricflowFile,
    metric_of,
    read_metricflow,
    read_metricflow_files,
    write_metricflow,
)

JAFFLE = Path(__file__).parents[2] / "fixtures" / "metricflow"
FILES = ("jaffle_customers.yml", "jaffle_orders.yml", "jaffle_order_items.yml")
DBT_NAME = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")


def jaffle_text(name: str) -> str:
    return (JAFFLE / name).read_text(encoding="utf-8")


def jaffle_all() -> MetricflowFile:
    return read_metricflow_files([jaffle_text(f) for f in FILES])


def raw_metrics(name: str) -> dict[str, dict[str, Any]]:
    """The metrics of a real file as plain YAML sees them, by name."""
    return {m["name"]: m for m in yaml.safe_load(jaffle_text(name))["metrics"]}


def by_name(result: MetricflowFile) -> dict[str, MetricImport]:
    return {m.name: m for m in result.metrics}


def errors_of(result: MetricflowFile) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in result.errors]


def one(text: str) -> MetricImport:
    result = read_metricflow(text)
    assert result.errors == []
    assert len(result.metrics) == 1
    return result.metrics[0]


GUESS = "kind guessed as {} from {}; check it"
BY_NAME = "its name"
NO_CLUE = "no better clue"
RATIO = "a ratio metric"
DISTINCT = "its measure's count_distinct aggregation"

# Every metric of the three files read together: file, name, type, label, the kind mops
# guesses and why, the direction it guesses, and the measure it maps to.
JAFFLE_METRICS: list[tuple[str, str, str, str, str, str, str, str]] = [
    # file, name, mf_type, label, kind, clue, direction, measure
    (FILES[0], "customers_with_orders", "simple", "Customers w/ Orders", "count", DISTINCT,
     "higher_is_better", "customers_with_orders"),
    (FILES[0], "new_customer", "simple", "New Customers", "count", DISTINCT,
     "higher_is_better", "customers_with_orders"),
    (FILES[1], "order_total", "simple", "Order Total", "currency", BY_NAME,
     "higher_is_better", "order_total"),
    (FILES[1], "large_order", "simple", "Large Orders", "count", NO_CLUE,
     "higher_is_better", "order_count"),
    (FILES[1], "orders", "simple", "Orders", "count", NO_CLUE,
     "higher_is_better", "order_count"),
    (FILES[1], "orders_fill_nulls_with_zero", "simple", "Orders (Fill nulls with 0)", "count",
     NO_CLUE, "higher_is_better", "order_count"),
    (FILES[1], "twice_orders_fill_nulls_with_0", "derived", "Twice Orders", "count", NO_CLUE,
     "higher_is_better", "twice_orders_fill_nulls_with_0"),
    (FILES[1], "food_orders", "simple", "Food Orders", "count", NO_CLUE,
     "higher_is_better", "order_count"),
    (FILES[1], "orders_last_7_days", "cumulative", "orders last 7 days", "count", NO_CLUE,
     "higher_is_better", "order_count"),
    (FILES[2], "revenue", "simple", "Revenue", "currency", BY_NAME,
     "higher_is_better", "revenue"),
    (FILES[2], "order_cost", "simple", "Order Cost", "currency", BY_NAME,
     "lower_is_better", "order_cost"),
    (FILES[2], "median_revenue", "simple", "Median Revenue", "currency", BY_NAME,
     "higher_is_better", "median_revenue"),
    (FILES[2], "food_revenue", "simple", "Food Revenue", "currency", BY_NAME,
     "higher_is_better", "food_revenue"),
    (FILES[2], "food_revenue_pct", "ratio", "Food Revenue %", "rate", RATIO,
     "higher_is_better", "food_revenue_pct"),
    (FILES[2], "revenue_growth_mom", "derived", "Revenue Growth % M/M", "rate", BY_NAME,
     "higher_is_better", "revenue_growth_mom"),
    (FILES[2], "order_gross_profit", "derived", "Order Gross Profit", "currency", BY_NAME,
     "higher_is_better", "order_gross_profit"),
    (FILES[2], "cumulative_revenue", "cumulative", "Cumulative Revenue (All Time)", "currency",
     BY_NAME, "higher_is_better", "revenue"),
]  # fmt: skip

FILTERED = {"new_customer", "large_order", "food_orders"}


# ---------------------------------------------------------------------------
# The real files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("file_name", FILES)
def test_each_real_file_reads_alone_without_errors(file_name: str) -> None:
    result = read_metricflow(jaffle_text(file_name))

    assert result.errors == []
    assert [m.name for m in result.metrics] == list(raw_metrics(file_name))
    expected = [row[1] for row in JAFFLE_METRICS if row[0] == file_name]
    assert [m.name for m in result.metrics] == expected


def test_the_three_files_together_give_17_metrics_in_file_order() -> None:
    result = jaffle_all()

    assert result.errors == []
    assert len(result.metrics) == 17
    assert [m.name for m in result.metrics] == [row[1] for row in JAFFLE_METRICS]
    # Measures from every file describe the metrics of the others.
    assert set(result.measures) == {
        "count_lifetime_orders",
        "lifetime_spend_pretax",
        "lifetime_spend",
        "order_total",
        "order_count",
        "tax_paid",
        "customers_with_orders",
        "locations_with_orders",
        "order_cost",
        "revenue",
        "average_revenue",
        "food_revenue",
        "drink_revenue",
        "median_revenue",
    }
    assert result.measures["customers_with_orders"]["model"] == "orders"


@pytest.mark.parametrize(
    ("file_name", "name", "mf_type", "label", "kind", "clue", "direction", "measure"),
    JAFFLE_METRICS,
    ids=[row[1] for row in JAFFLE_METRICS],
)
def test_each_jaffle_metric(
    file_name: str,
    name: str,
    mf_type: str,
    label: str,
    kind: str,
    clue: str,
    direction: str,
    measure: str,
) -> None:
    metric = by_name(jaffle_all())[name]
    raw = raw_metrics(file_name)[name]

    assert metric.mf_type == mf_type
    assert metric.mf_type in METRIC_TYPES
    assert metric.mf_params == raw["type_params"]  # kept whole for a faithful export
    assert metric.fields["key"] == name
    assert metric.fields["label"] == label
    assert metric.fields["description"] == raw["description"].strip()
    assert metric.fields["kind"] == kind
    assert metric.fields["direction"] == direction
    assert metric.fields["measure"] == measure
    assert metric.notes == [GUESS.format(kind, clue)]
    # Nothing in these files says who owns the metric or where its data comes from.
    assert metric.status == "draft"
    assert metric.fields["owner"] is None
    assert metric.fields["data_source"] is None
    assert metric.fields["decision"] == ""
    assert metric.fields["data_gaps"] == ""
    assert metric.fields["target"] is None
    assert metric.fields["attribution_model"] == "none"
    assert metric.fields["attribution_window_days"] is None
    assert metric.fields["definition"].endswith(".")
    assert metric.successor is None
    assert metric.deprecated_reason is None


@pytest.mark.parametrize("name", sorted(FILTERED))
def test_jinja_filters_are_kept_verbatim_as_text(name: str) -> None:
    file_name = next(row[0] for row in JAFFLE_METRICS if row[1] == name)
    raw_filter = raw_metrics(file_name)[name]["filter"]
    metric = by_name(jaffle_all())[name]

    # The block scalar's closing newline goes; every other character stays, Jinja and all.
    assert metric.mf_filter == raw_filter.rstrip("\n")
    assert metric.mf_filter is not None
    assert metric.mf_filter.startswith("{{ Dimension('")
    assert "}}" in metric.mf_filter
    assert metric.fields["definition"].endswith(f"Filtered where {metric.mf_filter}.")


def test_filter_keeps_its_inner_spacing_exactly() -> None:
    metric = by_name(jaffle_all())["new_customer"]
    assert metric.mf_filter == "{{ Dimension('customer__customer_type') }}  = 'new'"


def test_metrics_without_a_filter_have_none() -> None:
    for metric in jaffle_all().metrics:
        if metric.name not in FILTERED:
            assert metric.mf_filter is None, metric.name


def test_ratio_metric_names_numerator_and_denominator() -> None:
    metric = by_name(jaffle_all())["food_revenue_pct"]

    assert metric.mf_type == "ratio"
    assert metric.fields["kind"] == "rate"
    assert metric.fields["numerator"] == "food_revenue"
    assert metric.fields["denominator"] == "revenue"
    assert metric.mf_params == {"numerator": "food_revenue", "denominator": "revenue"}
    assert metric.fields["definition"] == "food_revenue divided by revenue."


def test_derived_metrics_keep_their_expression_and_inputs() -> None:
    metrics = by_name(jaffle_all())

    growth = metrics["revenue_growth_mom"]
    assert (
        growth.mf_params["expr"] == "(current_revenue - revenue_prev_month)*100/revenue_prev_month"
    )
    assert growth.mf_params["metrics"] == [
        {"name": "revenue", "alias": "current_revenue"},
        {"name": "revenue", "offset_window": "1 month", "alias": "revenue_prev_month"},
    ]
    assert growth.fields["definition"] == (
        "(current_revenue - revenue_prev_month)*100/revenue_prev_month where the metrics are "
        "revenue as current_revenue, revenue offset 1 month as revenue_prev_month."
    )
    # A derived metric has no numerator or denominator to copy, even when named like a rate.
    assert growth.fields["numerator"] == growth.fields["denominator"] == ""

    profit = metrics["order_gross_profit"]
    assert profit.mf_params["expr"] == "revenue - cost"
    assert profit.fields["definition"] == (
        "revenue - cost where the metrics are revenue, order_cost as cost."
    )

    twice = metrics["twice_orders_fill_nulls_with_0"]
    assert twice.mf_params == {
        "expr": "2 * orders_fill_nulls_with_zero",
        "metrics": ["orders_fill_nulls_with_zero"],
    }


def test_cumulative_metrics_keep_their_window() -> None:
    metrics = by_name(jaffle_all())

    week = metrics["orders_last_7_days"]
    assert week.mf_params == {"measure": "order_count", "window": "7 days"}
    assert week.fields["definition"] == "Cumulative sum of measure order_count over 7 days."

    all_time = metrics["cumulative_revenue"]
    assert all_time.mf_params == {"measure": "revenue"}
    assert "window" not in all_time.mf_params
    assert all_time.fields["definition"] == "Cumulative sum of measure revenue (product_price)."


def test_a_measure_given_as_a_mapping_keeps_its_options() -> None:
    metric = by_name(jaffle_all())["orders_fill_nulls_with_zero"]

    assert metric.mf_params["measure"] == {
        "name": "order_count",
        "fill_nulls_with": 0,
        "join_to_timespine": True,
    }
    assert metric.fields["measure"] == "order_count"


def test_definitions_describe_the_measure_behind_simple_metrics() -> None:
    metrics = by_name(jaffle_all())

    assert metrics["customers_with_orders"].fields["definition"] == (
        "Distinct count of measure customers_with_orders (customer_id)."
    )
    assert metrics["median_revenue"].fields["definition"] == (
        "Percentile of measure median_revenue (product_price)."
    )
    # ``expr: 1`` is the measure itself: nothing to add.
    assert metrics["orders"].fields["definition"] == "Sum of measure order_count."


def test_a_metric_read_without_the_file_holding_its_measure_has_less_to_go_on() -> None:
    alone = by_name(read_metricflow(jaffle_text(FILES[0])))["customers_with_orders"]
    together = by_name(jaffle_all())["customers_with_orders"]

    assert alone.notes == [GUESS.format("count", NO_CLUE)]
    assert alone.fields["definition"] == "Measure customers_with_orders."
    assert together.notes == [GUESS.format("count", DISTINCT)]


def test_bytes_with_a_bom_read_like_text() -> None:
    text = jaffle_text(FILES[1])
    from_bytes = read_metricflow(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [m.name for m in from_bytes.metrics] == [m.name for m in read_metricflow(text).metrics]


# ---------------------------------------------------------------------------
# Unknown keys: notes, never exceptions
# ---------------------------------------------------------------------------


UNKNOWN_KEYS = """\
metrics:
  - name: demo_signups
    type: simple
    type_params:
      measure: signups
      unheard_of_param: 3
    colour: red
    tags: [growth]
    config:
      enabled: true
      meta:
        owner: ana
        favourite: yes
        team: Growth
"""


def test_unknown_keys_become_notes() -> None:
    metric = one(UNKNOWN_KEYS)

    assert metric.notes == [
        "ignored: colour, tags",
        "ignored in config.meta: favourite, team",
        GUESS.format("count", NO_CLUE),
    ]
    assert metric.fields["owner"] == "ana"
    # Unknown type_params travel with the metric so an export gives them back.
    assert metric.mf_params == {"measure": "signups", "unheard_of_param": 3}


@pytest.mark.parametrize(
    "extra",
    [
        "    7: eight\n",
        "    null: nothing\n",
        "    config:\n      meta:\n        1: 2\n        null: 3\n",
        "    config: 5\n",
        "    config:\n      meta: [1, 2]\n",
        "    meta: just text\n",
        "    time_granularity: day\n",
        "    config:\n      meta:\n        attribution: 5\n        status: 7\n"
        "        target: [1]\n",
        "    config:\n      meta:\n        owner: {handle: ana}\n        data_source: [HubSpot]\n",
        "    label: [a, list]\n    description: {a: mapping}\n",
        "    filter: [1, 2]\n",
    ],
    ids=[
        "int-key",
        "null-key",
        "odd-meta-keys",
        "config-not-mapping",
        "meta-not-mapping",
        "top-level-meta-text",
        "time-granularity",
        "meta-values-of-odd-types",
        "meta-people-as-structures",
        "label-description-structures",
        "filter-list",
    ],
)
def test_odd_keys_and_values_never_raise(extra: str) -> None:
    text = "metrics:\n  - name: demo_signups\n    type: simple\n" + extra
    result = read_metricflow(text)
    assert [m.name for m in result.metrics] == ["demo_signups"]
    assert result.errors == []


def test_an_unhashable_key_is_malformed_yaml_with_its_place() -> None:
    with pytest.raises(MetricflowError) as exc:
        read_metricflow("metrics:\n  - name: demo_signups\n    ? [a, b]\n    : list key\n")
    assert str(exc.value) == ("the YAML is malformed at line 3, column 7: found unhashable key")


def test_meta_at_the_metric_level_is_read_when_config_has_none() -> None:
    # dbt before 1.10 put meta beside the metric's keys rather than under config.
    metric = one(
        "metrics:\n  - name: demo_signups\n    type: simple\n"
        "    type_params: {measure: signups}\n"
        "    meta: {owner: ben, data_source: GA4, kind: count}\n"
    )
    assert metric.fields["owner"] == "ben"
    assert metric.fields["data_source"] == "GA4"
    assert metric.fields["kind"] == "count"
    assert metric.notes == []


FULL_META = """\
metrics:
  - name: mql_to_sql_rate
    label: MQL → SQL rate
    description: Share of MQLs that sales accepts.
    type: ratio
    type_params:
      numerator: sqls
      denominator: mqls
    filter: "{{ Dimension('lead__source') }} != 'partner'"
    config:
      meta:
        owner: ana
        data_source: HubSpot
        kind: rate
        definition: SQLs created in the month over MQLs created in the month.
        numerator: SQLs created
        denominator: MQLs created
        conversion: Sales accepts the lead
        attribution:
          model: last_touch
          window_days: 30
        direction: higher_is_better
        target: 25%
        decision: Where to put next quarter's SDR hours.
        known_gaps: Partner leads are not tracked before 2025.
        measure: mql_sql
        status: active
        deprecated_reason: ''
        successor: ''
        version: 3
"""


def test_every_meta_field_lands_on_its_kpi_field() -> None:
    metric = one(FULL_META)

    assert metric.notes == []
    assert metric.fields == {
        "key": "mql_to_sql_rate",
        "label": "MQL → SQL rate",
        "description": "Share of MQLs that sales accepts.",
        "owner": "ana",
        "kind": "rate",
        "definition": "SQLs created in the month over MQLs created in the month.",
        "numerator": "SQLs created",
        "denominator": "MQLs created",
        "conversion": "Sales accepts the lead",
        "data_source": "HubSpot",
        "attribution_model": "last_touch",
        "attribution_window_days": 30,
        "direction": "higher_is_better",
        "target": "25%",
        "decision": "Where to put next quarter's SDR hours.",
        "data_gaps": "Partner leads are not tracked before 2025.",
        "measure": "mql_sql",
    }
    assert metric.status == "active"
    assert metric.mf_type == "ratio"
    assert metric.mf_params == {"numerator": "sqls", "denominator": "mqls"}
    assert metric.mf_filter == "{{ Dimension('lead__source') }} != 'partner'"
    assert metric.deprecated_reason is None
    assert metric.successor is None


def test_conversion_metric_says_what_counts_as_a_conversion() -> None:
    metric = one(
        "metrics:\n  - name: visit_to_buy\n    type: conversion\n    type_params:\n"
        "      conversion_type_params:\n        base_measure: visits\n"
        "        conversion_measure: buys\n        window: 7 days\n        entity: user\n"
    )
    assert metric.mf_type == "conversion"
    assert metric.fields["conversion"] == "buys after visits"
    assert metric.fields["definition"] == "Conversions from visits to buys within 7 days."


def test_a_ratio_without_its_parts_is_noted() -> None:
    metric = one("metrics:\n  - name: odd_ratio\n    type: ratio\n    type_params: {}\n")
    assert "a ratio needs numerator and denominator metrics" in metric.notes


def test_ratio_parts_given_as_mappings_use_their_names() -> None:
    metric = one(
        "metrics:\n  - name: paid_share\n    type: ratio\n    type_params:\n"
        "      numerator: {name: paid_orders, filter: x}\n"
        "      denominator: {name: orders, alias: all_orders}\n"
    )
    assert metric.fields["numerator"] == "paid_orders"
    assert metric.fields["denominator"] == "orders"


# ---------------------------------------------------------------------------
# Refusals: MetricflowError for the file, FieldError naming metric and field
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "metrics:\n  - name: a_b\n    type: simple\n    type_params:\n      measure: x\n"
            "   bad: [\n",
            "line 6, column 4",
        ),
        ("metrics: [\n", "line 2, column 1"),
        ("metrics:\n  - name: a_b\n    type: 'unterminated\n", "line 4, column 1"),
        ("metrics:\n\t- name: a_b\n", "line 2, column 1"),
        ("metrics:\n  - name: a_b\n  type: simple\n", "line 3, column 3"),
    ],
    ids=["bad-indent", "open-flow", "open-quote", "tab", "mapping-in-list"],
)
def test_malformed_yaml_names_line_and_column(text: str, where: str) -> None:
    with pytest.raises(MetricflowError) as exc:
        read_metricflow(text)
    message = str(exc.value)
    assert message.startswith(f"the YAML is malformed at {where}: ")
    with pytest.raises(MetricflowError, match=re.escape(where)):
        read_metricflow_files([jaffle_text(FILES[0]), text])


@pytest.mark.parametrize("name", ["Revenue", "rev__total", "1rev", "rev_", "rev-total", "r"])
def test_a_name_dbt_refuses_is_an_error_naming_the_metric_and_field_name(name: str) -> None:
    text = (
        f"metrics:\n  - name: '{name}'\n    type: simple\n    type_params: {{measure: xy}}\n"
        "  - name: fine_one\n    type: simple\n    type_params: {measure: xy}\n"
    )
    result = read_metricflow(text)

    problem = rules.key_problem(name)
    assert problem is not None
    assert [e.field for e in result.errors] == ["name"]
    assert result.errors[0].message.startswith(f"metric {name}: the name ")
    assert problem.removeprefix("use ") in result.errors[0].message
    # The other metrics are still read; the caller decides to write nothing.
    assert [m.name for m in result.metrics] == ["fine_one"]


def test_double_underscore_is_refused_because_dbt_reserves_it() -> None:
    result = read_metricflow("metrics:\n  - name: rev__total\n    type: simple\n")
    assert errors_of(result) == [
        ("name", "metric rev__total: the name cannot contain a double underscore (dbt reserves __)")
    ]


def test_an_overlong_name_is_refused() -> None:
    name = "a" * 65
    result = read_metricflow(f"metrics:\n  - name: {name}\n    type: simple\n")
    assert errors_of(result) == [
        ("name", f"metric {name}: the name is 65 characters long; keep it to 64 or fewer")
    ]


def test_a_duplicate_metric_name_in_one_file_is_an_error_naming_it() -> None:
    result = read_metricflow(
        "metrics:\n  - name: orders\n    type: simple\n    type_params: {measure: order_count}\n"
        "  - name: orders\n    type: ratio\n"
    )
    assert errors_of(result) == [("name", "metric orders: the name appears twice")]
    assert [(m.name, m.mf_type) for m in result.metrics] == [("orders", "simple")]


def test_a_metric_name_may_appear_only_once_across_files() -> None:
    other = "metrics:\n  - name: revenue\n    type: simple\n    type_params: {measure: revenue}\n"
    result = read_metricflow_files([jaffle_text(FILES[2]), other])
    assert errors_of(result) == [("name", "metric revenue: the name appears twice")]
    assert len(result.metrics) == 8


def test_a_key_repeated_inside_a_metric_is_an_error_naming_metric_and_field() -> None:
    text = (
        "metrics:\n  - name: orders\n    label: Orders\n    label: All orders\n"
        "    type: simple\n    type_params: {measure: order_count}\n"
    )
    try:
        result = read_metricflow(text)
    except MetricflowError as exc:
        message = str(exc)
    else:
        message = " ".join(e.message for e in result.errors if e.field == "label")
    assert "orders" in message
    assert "label" in message


def test_a_repeated_metrics_section_is_not_silently_dropped() -> None:
    text = (
        "metrics:\n  - {name: first_one, type: simple}\n"
        "metrics:\n  - {name: second_one, type: simple}\n"
    )
    try:
        result = read_metricflow(text)
    except MetricflowError as exc:
        assert "metrics" in str(exc)
    else:
        names = [m.name for m in result.metrics]
        assert names == ["first_one", "second_one"] or result.errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("semantic_models: []\n", "the file has no `metrics:` section"),
        ("foo: 1\n", "the file has no `metrics:` section"),
        ("metrics:\n", "the file has no `metrics:` section"),
        ("", "the file holds no YAML mapping; expected a `metrics:` list"),
        ("- 1\n- 2\n", "the file holds no YAML mapping; expected a `metrics:` list"),
        ("just words\n", "the file holds no YAML mapping; expected a `metrics:` list"),
        ("metrics: 5\n", "`metrics:` must be a list of metrics"),
        ("metrics: {a: 1}\n", "`metrics:` must be a list of metrics"),
    ],
    ids=["no-metrics", "other-key", "empty-metrics", "empty", "list", "scalar", "int", "map"],
)
def test_a_file_without_a_metrics_list_is_refused(text: str, message: str) -> None:
    with pytest.raises(MetricflowError) as exc:
        read_metricflow(text)
    assert str(exc.value) == message


def test_several_files_need_a_metrics_section_somewhere() -> None:
    with pytest.raises(MetricflowError) as exc:
        read_metricflow_files(["semantic_models: []\n", "foo: 1\n"])
    assert str(exc.value) == "no file has a `metrics:` section"
    # A file of semantic models alone is fine beside one with metrics.
    result = read_metricflow_files(["semantic_models: []\n", jaffle_text(FILES[0])])
    assert len(result.metrics) == 2


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(MetricflowError) as exc:
        read_metricflow(b"metrics:\n  - name: caf\xe9\n")
    assert str(exc.value) == "the file is not UTF-8 text"


@pytest.mark.parametrize(
    ("type_line", "shown"),
    [
        ("    type: gauge\n", "gauge"),
        ("", "(none)"),
        ("    type: 5\n", "5"),
        ("    type: ''\n", "(none)"),
    ],
)
def test_a_wrong_type_is_an_error_naming_metric_and_field(type_line: str, shown: str) -> None:
    result = read_metricflow("metrics:\n  - name: signups\n" + type_line)
    assert errors_of(result) == [
        (
            "type",
            f"metric signups: type “{shown}” is not one of "
            "simple, ratio, derived, cumulative, conversion",
        )
    ]
    assert result.metrics == []


def test_entries_that_are_not_metrics_are_errors_by_position() -> None:
    result = read_metricflow(
        "metrics:\n  - 5\n  - name:\n    type: simple\n  - [1]\n"
        "  - name: signups\n    type: simple\n    type_params: [1]\n"
    )
    assert errors_of(result) == [
        ("metric", "metric 1: is not a mapping"),
        ("name", "metric 2: has no name"),
        ("metric", "metric 3: is not a mapping"),
        ("type_params", "metric signups: type_params must be a mapping"),
    ]
    assert result.metrics == []


@pytest.mark.parametrize(
    "text",
    [
        "metrics:\n  - name: twice_x\n    type: derived\n"
        "    type_params: {expr: 2 * x, metrics: 5}\n",
        "metrics:\n  - name: visit_to_buy\n    type: conversion\n"
        "    type_params: {conversion_type_params: 5}\n",
        "metrics:\n  - name: visit_to_buy\n    type: conversion\n"
        "    type_params: {conversion_type_params: [visits, buys]}\n",
    ],
    ids=["derived-metrics-not-a-list", "conversion-params-int", "conversion-params-list"],
)
def test_type_params_of_the_wrong_shape_are_errors_not_crashes(text: str) -> None:
    try:
        result = read_metricflow(text)
    except MetricflowError:
        return
    assert result.metrics == [] or result.errors


# ---------------------------------------------------------------------------
# Hypothesis: anything YAML-ish parses or raises MetricflowError
# ---------------------------------------------------------------------------

FRAGMENTS = [
    "metrics:",
    "semantic_models:",
    "\n",
    "  ",
    "- ",
    "name: ",
    "type: ",
    "type_params:",
    "measure: ",
    "filter: ",
    "config:",
    "meta:",
    "owner: ",
    "{{ Dimension('a__b') }}",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "'",
    '"',
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!!python/object ",
    "|",
    ">",
    "#",
    "? ",
    "simple",
    "ratio",
    "derived",
    "cumulative",
    "conversion",
    "a_b",
    "Revenue",
    "rev__x",
    "1",
    "null",
    "~",
    "---\n",
    "...",
    "%YAML 1.1\n",
    "\t",
    "\x00",
    "\ufeff",
    "é",
]

yamlish_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=30
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish_text)
def test_arbitrary_yamlish_text_parses_or_raises_metricflow_error(text: str) -> None:
    try:
        result = read_metricflow(text)
    except MetricflowError as exc:
        assert str(exc)
        return
    assert isinstance(result, MetricflowFile)
    for metric in result.metrics:
        assert rules.key_problem(metric.name) is None
        assert metric.mf_type in METRIC_TYPES
    for error in result.errors:
        assert error.field and error.message.startswith("metric ")


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=6),
    st.sampled_from(["a_b", "7 days", "month", "revenue"]),
)
_param_keys = st.sampled_from(
    [
        "measure",
        "metrics",
        "expr",
        "window",
        "grain_to_date",
        "numerator",
        "denominator",
        "conversion_type_params",
        "base_measure",
        "conversion_measure",
        "name",
        "alias",
        "offset_window",
    ]
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_param_keys, inner, max_size=3)
    ),
    max_leaves=4,
)
_meta = st.dictionaries(
    st.sampled_from(
        ["owner", "data_source", "kind", "attribution", "direction", "target", "status", "zz"]
    ),
    _values,
    max_size=4,
)
_metric = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["a_b", "c_d", "e_f", "x__y"]),
        "type": st.sampled_from(["derived", "conversion", *METRIC_TYPES, "gauge"]),
        # Every key a type reads, each holding anything: the shape dbt expects or not.
        "type_params": st.fixed_dictionaries(
            {},
            optional={
                "measure": _values,
                "metrics": st.one_of(_scalars, _values),
                "expr": _values,
                "window": _values,
                "numerator": _values,
                "denominator": _values,
                "conversion_type_params": st.one_of(_scalars, _values),
            },
        ),
    },
    optional={
        "config": st.fixed_dictionaries({"meta": _meta}),
        "filter": _values,
        "label": _values,
        "description": _values,
    },
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_metric, min_size=1, max_size=3))
def test_structured_metrics_of_any_shape_parse_or_raise_metricflow_error(
    metrics: list[dict[str, Any]],
) -> None:
    text = yaml.safe_dump({"metrics": metrics}, allow_unicode=True)
    with contextlib.suppress(MetricflowError):
        read_metricflow(text)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

META_REQUIRED = {"owner", "data_source", "attribution", "known_gaps", "decision", "target"}
META_REQUIRED |= {"status"}


def kpi_view(**over: Any) -> KpiView:
    values: dict[str, Any] = {
        "id": 1,
        "key": "mql_to_sql_rate",
        "label": "MQL → SQL rate",
        "description": "",
        "owner": "ana",
        "owner_name": "Ana Costa",
        "kind": "rate",
        "definition": "SQLs created in the month over MQLs created in the month.",
        "numerator": "SQLs created",
        "denominator": "MQLs created",
        "conversion": "Sales accepts the lead",
        "attribution_model": "last_touch",
        "attribution_window_days": 30,
        "direction": "higher_is_better",
        "target": "0.25",
        "decision": "Where to put next quarter's SDR hours.",
        "data_gaps": "none known",
        "data_source": "HubSpot",
        "data_source_id": 1,
        "data_source_status": "active",
        "status": "active",
        "measure": "mql_to_sql_rate",
        "current_version": 2,
    }
    values.update(over)
    return KpiView(**values)


def sample_views() -> list[KpiView]:
    jaffle = by_name(jaffle_all())
    growth, orders = jaffle["revenue_growth_mom"], jaffle["food_orders"]
    return [
        kpi_view(),
        kpi_view(
            id=2,
            key="pipeline_value",
            label="Pipeline value",
            description="Open pipeline.\nTwo lines, £ and → kept.",
            kind="currency",
            definition="Sum of open opportunity amounts.",
            numerator="",
            denominator="",
            conversion="",
            attribution_model="none",
            attribution_window_days=None,
            target="250000",
            measure="opp_amount",
            status="draft",
            current_version=0,
        ),
        kpi_view(
            id=3,
            key="revenue_growth_mom",
            label="Revenue growth",
            kind="rate",
            numerator="",
            denominator="",
            conversion="",
            attribution_model="none",
            attribution_window_days=None,
            owner=None,
            owner_name=None,
            data_source=None,
            data_source_id=None,
            data_source_status=None,
            target=None,
            decision="",
            data_gaps="",
            status="draft",
            measure="revenue_growth_mom",
            mf_type=growth.mf_type,
            mf_params=growth.mf_params,
            current_version=0,
        ),
        kpi_view(
            id=4,
            key="food_orders",
            label="Food orders",
            kind="count",
            numerator="",
            denominator="",
            conversion="",
            attribution_model="none",
            attribution_window_days=None,
            target="1200",
            status="deprecated",
            deprecated_reason="Counted drinks too",
            successor="mql_to_sql_rate",
            measure="order_count",
            mf_type=orders.mf_type,
            mf_params=orders.mf_params,
            mf_filter=orders.mf_filter,
        ),
    ]


def written(views: list[KpiView], currency: str = "GBP") -> list[dict[str, Any]]:
    text = write_metricflow(views, currency)
    doc = yaml.safe_load(text)
    assert list(doc) == ["metrics"]
    return list(doc["metrics"])


def test_export_is_valid_yaml_in_the_dbt_metrics_shape() -> None:
    views = sample_views()
    text = write_metricflow(views, "GBP")

    assert text.startswith("# KPI definitions exported by mops (dbt MetricFlow metrics spec)\n")
    metrics = written(views)
    assert [m["name"] for m in metrics] == [v.key for v in views]
    for metric, view in zip(metrics, views, strict=True):
        keys = {"name", "label", "description", "type", "type_params", "config"}
        keys = keys if "description" in metric else keys - {"description"}
        if view.mf_filter:
            keys.add("filter")
        assert set(metric) == keys, view.key
        assert DBT_NAME.match(metric["name"]) and "__" not in metric["name"]
        assert metric["type"] in METRIC_TYPES
        assert isinstance(metric["type_params"], dict) and metric["type_params"]
        assert list(metric["config"]) == ["meta"]
        meta = metric["config"]["meta"]
        assert set(meta) >= META_REQUIRED, view.key
        assert meta["status"] == view.status
        assert isinstance(meta["attribution"], dict)
        assert meta["attribution"]["model"] == view.attribution_model


def test_export_reads_back_without_notes_or_errors() -> None:
    result = read_metricflow(write_metricflow(sample_views()))
    assert result.errors == []
    assert {m.name: m.notes for m in result.metrics} == {v.key: [] for v in sample_views()}


def test_the_written_meta_of_a_complete_kpi() -> None:
    [metric] = written([kpi_view()])

    assert metric["type"] == "ratio"
    assert metric["type_params"] == {"numerator": "sqls_created", "denominator": "mqls_created"}
    # A KPI without a description exports none: the definition lives in config.meta.
    assert metric.get("description", "") == kpi_view().description
    assert metric["config"]["meta"] == {
        "owner": "ana",
        "data_source": "HubSpot",
        "kind": "rate",
        "definition": "SQLs created in the month over MQLs created in the month.",
        "numerator": "SQLs created",
        "denominator": "MQLs created",
        "conversion": "Sales accepts the lead",
        "attribution": {"model": "last_touch", "window_days": 30},
        "direction": "higher_is_better",
        "target": "25%",
        "decision": "Where to put next quarter's SDR hours.",
        "known_gaps": "none known",
        "measure": "mql_to_sql_rate",
        "status": "active",
        "version": 2,
        "generated_type": True,
    }


def test_an_incomplete_draft_still_writes_its_to_do_fields_as_null() -> None:
    metric = written(sample_views())[2]
    meta = metric["config"]["meta"]

    assert meta["owner"] is None
    assert meta["data_source"] is None
    assert meta["target"] is None
    assert meta["decision"] == ""
    assert meta["known_gaps"] == ""
    assert meta["status"] == "draft"
    assert "version" not in meta


def test_imported_metricflow_details_are_written_back_unchanged() -> None:
    jaffle = by_name(jaffle_all())
    growth, orders = written(sample_views())[2:]

    assert growth["type"] == "derived"
    assert growth["type_params"] == jaffle["revenue_growth_mom"].mf_params
    assert orders["type"] == "simple"
    assert orders["filter"] == jaffle["food_orders"].mf_filter
    assert orders["type_params"] == {"measure": "order_count"}
    meta = orders["config"]["meta"]
    assert meta["deprecated_reason"] == "Counted drinks too"
    assert meta["successor"] == "mql_to_sql_rate"
    assert meta["target"] == "1,200"


@pytest.mark.parametrize(
    ("mf_type", "params", "expected"),
    [
        (None, {}, {"measure": "orders_v2"}),
        ("simple", {"measure": "order_count"}, {"measure": "orders_v2"}),
        (
            "simple",
            {"measure": {"name": "order_count", "fill_nulls_with": 0, "join_to_timespine": True}},
            {"measure": {"name": "orders_v2", "fill_nulls_with": 0, "join_to_timespine": True}},
        ),
        (
            "cumulative",
            {"measure": "order_count", "window": "7 days"},
            {"measure": "orders_v2", "window": "7 days"},
        ),
    ],
    ids=["mops-defined", "simple", "simple-measure-mapping", "cumulative"],
)
def test_the_user_editable_measure_name_is_the_exported_measure(
    mf_type: str | None, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    view = kpi_view(
        kind="count",
        numerator="",
        denominator="",
        measure="orders_v2",
        mf_type=mf_type,
        mf_params=params,
    )
    assert metric_of(view)["type_params"] == expected
    assert metric_of(view)["config"]["meta"]["measure"] == "orders_v2"


def test_a_rate_without_both_parts_is_written_as_a_simple_metric() -> None:
    view = kpi_view(numerator="", denominator="", measure="sql_rate")
    metric = metric_of(view)
    assert metric["type"] == "simple"
    assert metric["type_params"] == {"measure": "sql_rate"}


def test_multiline_and_unicode_text_is_written_readably() -> None:
    text = write_metricflow(sample_views())
    assert "description: |-\n    Open pipeline.\n    Two lines, £ and → kept.\n" in text
    assert "label: MQL → SQL rate" in text
    assert "\\u" not in text


@pytest.mark.parametrize(
    ("kind", "target", "currency", "shown"),
    [
        ("rate", "0.25", "GBP", "25%"),
        ("rate", "4.2", "GBP", "4.2x"),
        ("currency", "250000", "GBP", "£250,000"),
        ("currency", "49.5", "EUR", "€49.50"),
        ("count", "1200", "GBP", "1,200"),
        ("duration", "3 weeks", "GBP", "3 weeks"),
        ("score", "45", "GBP", "45"),
    ],
)
def test_targets_are_written_for_people_and_parse_back_to_the_same_value(
    kind: str, target: str, currency: str, shown: str
) -> None:
    view = kpi_view(kind=kind, target=target, numerator="", denominator="")
    meta = metric_of(view, currency)["config"]["meta"]
    assert meta["target"] == shown
    read = one(write_metricflow([view], currency))
    assert read.fields["target"] == shown
    assert rules.parse_target(read.fields["target"], kind, currency) == target


def test_write_then_read_gives_back_every_field_of_a_described_kpi() -> None:
    for view in sample_views():
        if not view.description:
            continue
        read = one(write_metricflow([view]))
        for name, value in read.fields.items():
            expected = getattr(view, name)
            if name == "target":
                expected = (
                    None if view.target is None else rules.format_target(view.target, view.kind)
                )
            assert value == expected, (view.key, name)
        assert read.status == view.status
        assert read.mf_filter == view.mf_filter


def test_an_empty_export_is_an_empty_metrics_list() -> None:
    assert yaml.safe_load(write_metricflow([])) == {"metrics": []}
