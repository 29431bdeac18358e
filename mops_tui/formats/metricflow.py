"""dbt MetricFlow metric YAML, read and written (the spec dbt 1.6–1.11 reads).

Reading turns each entry of ``metrics:`` into a :class:`MetricImport`: the KPI fields
mops can fill, the MetricFlow details it keeps for a faithful export (``type``,
``type_params``, the Jinja ``filter`` as text), the status ``config.meta`` asks for,
and plain notes on what it had to guess or could not map. It never writes anything.

Writing produces a ``metrics:`` document. Fields with no MetricFlow home go under
``config.meta``: owner, data source, kind, definition, attribution, direction, target,
decision, known gaps, status.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from mops_tui.domain import kpis
from mops_tui.domain.errors import FieldError
from mops_tui.domain.kpis import KpiView, MetricImport

METRIC_TYPES: tuple[str, ...] = ("simple", "ratio", "derived", "cumulative", "conversion")
_KNOWN_KEYS = frozenset(
    {
        "name",
        "label",
        "description",
        "type",
        "type_params",
        "filter",
        "config",
        "meta",
        "time_granularity",
    }
)
_META_KEYS = frozenset(
    {
        "owner",
        "data_source",
        "kind",
        "definition",
        "numerator",
        "denominator",
        "conversion",
        "attribution",
        "direction",
        "target",
        "decision",
        "known_gaps",
        "status",
        "deprecated_reason",
        "successor",
        "version",
        "measure",
        "generated_type",
    }
)


class MetricflowError(ValueError):
    """The file cannot be read as MetricFlow YAML. ``str()`` says where and why."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML would keep
    the last one silently, losing a label or a whole list of metrics)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    name = next(
        (
            v.value
            for k, v in node.value
            if isinstance(k, yaml.ScalarNode)
            and k.value == "name"
            and isinstance(v, yaml.ScalarNode)
        ),
        None,
    )
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        try:
            hash(key)
        except TypeError:
            continue
        if key in seen:
            line = key_node.start_mark.line + 1
            where = f"metric {name}: " if name else ""
            raise MetricflowError(
                f"{where}the key “{key}” appears twice (lines {seen[key]} and {line}); "
                "YAML would keep only the last one, so remove the other"
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _scalar(tag: str, what: str) -> None:
    """Make the loader refuse, with its line, a scalar that looks like ``what`` but is
    not one (``label: 2026-02-30``, ``!!int x``), where PyYAML raises a bare ValueError."""
    construct = yaml.SafeLoader.yaml_constructors[tag]

    def guarded(loader: _StrictLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"“{str(node.value)[:40]}” is not a real {what}; put it in quotes if it is text",
                node.start_mark,
            ) from exc

    _StrictLoader.add_constructor(tag, guarded)


for _tag, _what in (
    ("timestamp", "date"),
    ("int", "whole number"),
    ("float", "number"),
    ("binary", "base64 value"),
):
    _scalar(f"tag:yaml.org,2002:{_tag}", _what)


@dataclass
class MetricflowFile:
    metrics: list[MetricImport] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _measure_name(params: dict[str, Any], key: str = "measure") -> str | None:
    value = params.get(key)
    if isinstance(value, dict):
        name = value.get("name")
        return str(name) if name else None
    return str(value) if value else None


def _metric_names(values: Any) -> list[str]:
    if not isinstance(values, list):
        raise TypeError("`metrics` under type_params must be a list")
    names: list[str] = []
    for item in values:
        if isinstance(item, dict):
            name = item.get("name")
            alias = item.get("alias")
            offset = item.get("offset_window")
            label = str(name)
            if offset:
                label += f" offset {offset}"
            if alias:
                label += f" as {alias}"
            names.append(label)
        elif item is not None:
            names.append(str(item))
    return names


_KIND_WORDS = (
    ("rate", re.compile(r"pct|percent|rate|ratio|share|ctr|cvr|roas|growth")),
    ("duration", re.compile(r"duration|payback|cycle_time|time_to|days_to|latency")),
    ("currency", re.compile(r"revenue|cost|spend|profit|price|value|amount|total|cac|cpa|cpl")),
    ("score", re.compile(r"score|nps|csat|rating")),
)


def _guess_kind(name: str, mf_type: str, measure: dict[str, Any] | None) -> tuple[str, str]:
    if mf_type == "ratio":
        return "rate", "a ratio metric"
    text = name.lower()
    for kind, pattern in _KIND_WORDS:
        if pattern.search(text):
            return kind, "its name"
    if measure and measure.get("agg") in ("count", "count_distinct"):
        return "count", f"its measure's {measure.get('agg')} aggregation"
    return "count", "no better clue"


def _definition(
    mf_type: str,
    params: dict[str, Any],
    measures: dict[str, dict[str, Any]],
    description: str,
    filter_text: str | None,
) -> str:
    parts: list[str] = []
    if mf_type in ("simple", "cumulative"):
        name = _measure_name(params) or "?"
        measure = measures.get(name, {})
        agg = measure.get("agg")
        expr = measure.get("expr")
        agg_words = {
            "sum": "sum",
            "count": "count",
            "count_distinct": "distinct count",
            "average": "average",
            "percentile": "percentile",
            "min": "minimum",
            "max": "maximum",
            "median": "median",
            "sum_boolean": "count of true",
        }
        how = f"{agg_words.get(agg, agg)} of measure {name}" if agg else f"measure {name}"
        if expr not in (None, "", name, 1):
            how += f" ({expr})"
        if mf_type == "cumulative":
            window = params.get("window")
            grain = params.get("grain_to_date")
            how = "cumulative " + how + (f" over {window}" if window else "")
            if grain:
                how += f", {grain} to date"
        parts.append(how.capitalize())
    elif mf_type == "ratio":
        parts.append(f"{params.get('numerator')} divided by {params.get('denominator')}")
    elif mf_type == "derived":
        expr = params.get("expr", "")
        names = _metric_names(params.get("metrics"))
        parts.append(f"{expr}" + (f" where the metrics are {', '.join(names)}" if names else ""))
    elif mf_type == "conversion":
        conv = params.get("conversion_type_params") or {}
        if not isinstance(conv, dict):
            raise TypeError("conversion_type_params must be a mapping")
        parts.append(
            f"Conversions from {conv.get('base_measure', '?')} to "
            f"{conv.get('conversion_measure', '?')} within {conv.get('window', '?')}"
        )
    if filter_text:
        parts.append(f"Filtered where {filter_text}")
    if description and not parts:
        parts.append(description)
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def _phrase(problem: str) -> str:
    """Key problems read after "the name": "use lower-case…" becomes "must use…"."""
    return f"must {problem}" if problem.startswith("use ") else problem


def _problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"the YAML is malformed at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"the YAML is malformed: {problem}"


# The most values a file may expand to once its aliases are followed: a metrics file
# holds hundreds; a few nested aliases can make billions (the "billion laughs").
MAX_VALUES = 200_000
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text_of(value: str) -> str:
    """``value`` with escaped surrogate pairs (``"\\ud83d\\ude00"``) joined into the
    character they name; a lone surrogate is refused, since no database can store it."""
    if not _SURROGATE.search(value):
        return value
    try:
        return value.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        bad = _SURROGATE.search(value)
        assert bad is not None
        raise MetricflowError(
            f"the file holds the escape \\u{ord(bad.group()):04x}, which is half of a "
            "character, not a character; write the character itself"
        ) from None


def _checked(doc: Any) -> Any:
    """``doc`` with its text made storable, refusing a document that contains itself
    (an alias inside its own anchor) or that its aliases blow up past ``MAX_VALUES``."""
    sizes: dict[int, int] = {}  # id of a container already checked -> values under it
    path: set[int] = set()  # containers being checked, outermost first

    def walk(node: Any) -> tuple[Any, int]:
        if isinstance(node, str):
            return _text_of(node), 1
        if not isinstance(node, dict | list):
            return node, 1
        key = id(node)
        if key in path:
            raise MetricflowError(
                "the file contains itself (a YAML alias used inside its own anchor)"
            )
        if key in sizes:
            return node, sizes[key]
        path.add(key)
        total = 1
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for k, v in items:
                new_key, k_size = walk(k)
                new_value, v_size = walk(v)
                node[new_key] = new_value
                total += k_size + v_size
        else:
            for i, v in enumerate(node):
                node[i], size = walk(v)
                total += size
        if total > MAX_VALUES:
            raise MetricflowError(
                f"the file expands to more than {MAX_VALUES:,} values once its YAML "
                "aliases are followed; it is not a file of metric definitions"
            )
        path.discard(key)
        sizes[key] = total
        return node, total

    return walk(doc)[0]


def _load(text: str | bytes) -> dict[str, Any]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MetricflowError("the file is not UTF-8 text") from exc
    try:
        doc = _checked(yaml.load(text, Loader=_StrictLoader))
    except yaml.YAMLError as exc:
        raise MetricflowError(_problem(exc)) from exc
    except RecursionError as exc:
        raise MetricflowError("the file nests its values too deeply to be metrics") from exc
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise MetricflowError(f"the YAML holds a value mops cannot read: {exc}") from exc
    if not isinstance(doc, dict):
        raise MetricflowError("the file holds no YAML mapping; expected a `metrics:` list")
    return doc


def _measures(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for model in doc.get("semantic_models") or []:
        if isinstance(model, dict):
            for measure in model.get("measures") or []:
                if isinstance(measure, dict) and measure.get("name"):
                    found[str(measure["name"])] = {**measure, "model": model.get("name")}
    return found


def read_metricflow_files(texts: Sequence[str | bytes]) -> MetricflowFile:
    """Several files read as one project: measures defined in one file describe the
    metrics of another, and a metric name may appear only once across them."""
    docs = [_load(t) for t in texts]
    if not any(doc.get("metrics") is not None for doc in docs):
        raise MetricflowError("no file has a `metrics:` section")
    measures: dict[str, dict[str, Any]] = {}
    for doc in docs:
        measures.update(_measures(doc))
    result = MetricflowFile(measures=measures)
    seen: set[str] = set()
    for doc in docs:
        if doc.get("metrics") is not None:
            part = _read_doc(doc, measures, seen)
            result.metrics.extend(part.metrics)
            result.errors.extend(part.errors)
    return result


def read_metricflow(text: str | bytes) -> MetricflowFile:
    """Parse a MetricFlow YAML document. Raises ``MetricflowError`` for a file that is
    not YAML or has no ``metrics:``; per-metric problems are in ``errors``."""
    doc = _load(text)
    if doc.get("metrics") is None:
        raise MetricflowError("the file has no `metrics:` section")
    return _read_doc(doc, _measures(doc), set())


def _read_doc(
    doc: dict[str, Any], measures: dict[str, dict[str, Any]], seen: set[str]
) -> MetricflowFile:
    raw_metrics = doc.get("metrics")
    if not isinstance(raw_metrics, list):
        raise MetricflowError("`metrics:` must be a list of metrics")
    result = MetricflowFile(measures=measures)
    for index, raw in enumerate(raw_metrics, start=1):
        if not isinstance(raw, dict):
            result.errors.append(FieldError("metric", f"metric {index}: is not a mapping"))
            continue
        name = _text(raw.get("name"))
        where = f"metric {name or index}"
        if not name:
            result.errors.append(FieldError("name", f"metric {index}: has no name"))
            continue
        problem = kpis.key_problem(name)
        if problem:
            result.errors.append(FieldError("name", f"{where}: the name {_phrase(problem)}"))
            continue
        if name in seen:
            result.errors.append(FieldError("name", f"{where}: the name appears twice"))
            continue
        seen.add(name)
        mf_type = _text(raw.get("type")).lower()
        if mf_type not in METRIC_TYPES:
            result.errors.append(
                FieldError(
                    "type",
                    f"{where}: type “{mf_type or '(none)'}” is not one of "
                    + ", ".join(METRIC_TYPES),
                )
            )
            continue
        params = raw.get("type_params") or {}
        if not isinstance(params, dict):
            result.errors.append(
                FieldError("type_params", f"{where}: type_params must be a mapping")
            )
            continue
        try:
            result.metrics.append(_metric(raw, name, mf_type, params, result.measures))
        except (TypeError, AttributeError, ValueError) as exc:
            result.errors.append(
                FieldError("type_params", f"{where}: type_params has the wrong shape ({exc})")
            )
    return result


def _metric(
    raw: dict[str, Any],
    name: str,
    mf_type: str,
    params: dict[str, Any],
    measures: dict[str, dict[str, Any]],
) -> MetricImport:
    notes: list[str] = []
    config = raw.get("config") if isinstance(raw.get("config"), dict) else {}
    meta = config.get("meta") if isinstance(config.get("meta"), dict) else None
    if meta is None and isinstance(raw.get("meta"), dict):
        meta = raw["meta"]
    meta = meta or {}
    unknown = sorted(str(k) for k in raw if k not in _KNOWN_KEYS)
    if unknown:
        notes.append("ignored: " + ", ".join(unknown))
    unknown_meta = sorted(str(k) for k in meta if k not in _META_KEYS)
    if unknown_meta:
        notes.append("ignored in config.meta: " + ", ".join(unknown_meta))
    description = _text(raw.get("description"))
    label = _text(raw.get("label")) or name.replace("_", " ").capitalize()
    filter_text = _text(raw.get("filter")) or None
    measure = _measure_name(params)
    kind = _text(meta.get("kind")).lower()
    if kind not in kpis.KINDS:
        kind, clue = _guess_kind(name, mf_type, measures.get(measure or ""))
        notes.append(f"kind guessed as {kind} from {clue}; check it")
    numerator = _text(meta.get("numerator")) or (
        _text(params.get("numerator")) if mf_type == "ratio" else ""
    )
    denominator = _text(meta.get("denominator")) or (
        _text(params.get("denominator")) if mf_type == "ratio" else ""
    )
    if isinstance(params.get("numerator"), dict):
        numerator = numerator if meta.get("numerator") else _text(params["numerator"].get("name"))
    if isinstance(params.get("denominator"), dict):
        denominator = (
            denominator if meta.get("denominator") else _text(params["denominator"].get("name"))
        )
    conversion = _text(meta.get("conversion"))
    if not conversion and mf_type == "conversion":
        conv = params.get("conversion_type_params") or {}
        if not isinstance(conv, dict):
            raise TypeError("conversion_type_params must be a mapping")
        conversion = f"{conv.get('conversion_measure', '?')} after {conv.get('base_measure', '?')}"
    attribution = meta.get("attribution") if isinstance(meta.get("attribution"), dict) else {}
    direction = _text(meta.get("direction"))
    if direction not in kpis.DIRECTIONS:
        direction = (
            "lower_is_better"
            if re.search(r"cost|cac|cpa|cpl|churn|bounce", name)
            else "higher_is_better"
        )
    definition = _text(meta.get("definition")) or _definition(
        mf_type, params, measures, description, filter_text
    )
    fields: dict[str, Any] = {
        "key": name,
        "label": label[: kpis.LABEL_MAX],
        "description": description,
        "owner": _text(meta.get("owner")) or None,
        "kind": kind,
        "definition": definition,
        "numerator": numerator,
        "denominator": denominator,
        "conversion": conversion,
        "data_source": _text(meta.get("data_source")) or None,
        "attribution_model": _text(attribution.get("model")) or "none",
        "attribution_window_days": attribution.get("window_days"),
        "direction": direction,
        "target": _text(meta.get("target")) or None,
        "decision": _text(meta.get("decision")),
        "data_gaps": _text(meta.get("known_gaps")),
        "measure": _text(meta.get("measure")) or measure or name,
    }
    if mf_type == "ratio" and not (numerator and denominator):
        notes.append("a ratio needs numerator and denominator metrics")
    generated = meta.get("generated_type") is True  # mops chose the type on export
    return MetricImport(
        name=name,
        fields=fields,
        status=_text(meta.get("status")).lower() or "draft",
        mf_type=None if generated else mf_type,
        mf_params={} if generated else params,
        mf_filter=filter_text,
        deprecated_reason=_text(meta.get("deprecated_reason")) or None,
        successor=_text(meta.get("successor")) or None,
        notes=notes,
    )


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


# Characters YAML reads as line breaks: only a double-quoted scalar keeps them as they are.
_YAML_BREAKS = frozenset("\r\x85\u2028\u2029")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if not _YAML_BREAKS.isdisjoint(value):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _type_and_params(kpi: KpiView) -> tuple[str, dict[str, Any]]:
    if kpi.mf_type in METRIC_TYPES and kpi.mf_params:
        params = dict(kpi.mf_params)
        if kpi.mf_type in ("simple", "cumulative") and kpi.measure:
            current = params.get("measure")
            if isinstance(current, dict):
                params["measure"] = {**current, "name": kpi.measure}
            else:
                params["measure"] = kpi.measure
        return kpi.mf_type, params
    if kpi.kind == "rate" and kpi.numerator and kpi.denominator:
        return "ratio", {
            "numerator": kpis.suggest_key(kpi.numerator),
            "denominator": kpis.suggest_key(kpi.denominator),
        }
    return "simple", {"measure": kpi.measure or kpi.key}


def metric_of(kpi: KpiView, currency: str = "GBP") -> dict[str, Any]:
    mf_type, params = _type_and_params(kpi)
    meta: dict[str, Any] = {
        "owner": kpi.owner,
        "data_source": kpi.data_source,
        "kind": kpi.kind,
        "definition": kpi.definition,
    }
    if kpi.numerator or kpi.denominator:
        meta["numerator"] = kpi.numerator
        meta["denominator"] = kpi.denominator
    if kpi.conversion:
        meta["conversion"] = kpi.conversion
    meta["attribution"] = {"model": kpi.attribution_model}
    if kpi.attribution_window_days is not None:
        meta["attribution"]["window_days"] = kpi.attribution_window_days
    meta["direction"] = kpi.direction
    meta["target"] = (
        kpis.format_target(kpi.target, kpi.kind, currency) if kpi.target is not None else None
    )
    meta["decision"] = kpi.decision
    meta["known_gaps"] = kpi.data_gaps
    meta["measure"] = kpi.measure
    meta["status"] = kpi.status
    if kpi.deprecated_reason:
        meta["deprecated_reason"] = kpi.deprecated_reason
    if kpi.successor:
        meta["successor"] = kpi.successor
    if kpi.current_version:
        meta["version"] = kpi.current_version
    if not (kpi.mf_type in METRIC_TYPES and kpi.mf_params):
        meta["generated_type"] = True  # mops chose the type from the kind
    metric: dict[str, Any] = {"name": kpi.key, "label": kpi.label}
    if kpi.description:
        metric["description"] = kpi.description
    metric["type"] = mf_type
    metric["type_params"] = params
    if kpi.mf_filter:
        metric["filter"] = kpi.mf_filter
    always = {"owner", "data_source", "target"}  # present even when empty: a to-do list
    metric["config"] = {"meta": {k: v for k, v in meta.items() if v is not None or k in always}}
    return metric


def write_metricflow(kpi_views: Sequence[KpiView], currency: str = "GBP") -> str:
    doc = {"metrics": [metric_of(k, currency) for k in kpi_views]}
    header = "# KPI definitions exported by mops (dbt MetricFlow metrics spec)\n"
    return header + yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
