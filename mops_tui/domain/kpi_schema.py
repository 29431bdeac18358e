"""Input schemas for KPI definitions: a KPI, and a lifecycle move.

The form builds itself from ``KpiInput``; the CLI and the MetricFlow importer validate
through ``validate_kpi``. The rules live in :mod:`mops_tui.domain.kpis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from mops_tui.domain import kpis
from mops_tui.domain.context import Context
from mops_tui.domain.errors import FieldError
from mops_tui.domain.schema import (
    HumanDate,
    choice_field,
    text_field,
    validate_input,
)
from mops_tui.domain.text import has_control


def _key(value: Any) -> str:
    text = str(value or "").strip()
    if has_control(text):
        raise ValueError("contains control characters or terminal escape codes; remove them")
    problem = kpis.key_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _person(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    if has_control(text) or len(text) > 80:
        raise ValueError("is not a person's handle or name")
    return text.lower()


def _tool(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    if has_control(text) or len(text) > 80:
        raise ValueError("is not the name of a tool in the stack")
    return text


def _window(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    for suffix in ("days", "day", "d"):
        text = text.removesuffix(suffix).strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"“{str(value).strip()[:20]}” is not a number of days")
    return int(text)


def _target(value: Any, info: ValidationInfo) -> str | None:
    # The kind decides the unit; parsing happens in the rules once the kind is known.
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if has_control(text) or len(text) > 40:
        raise ValueError("is not a target value")
    return text


def _extra(widget: str, **more: Any) -> dict[str, Any]:
    return {"widget": widget, **more}


Key = Annotated[str, BeforeValidator(_key)]
Label = Annotated[str, BeforeValidator(text_field(kpis.LABEL_MAX, required=True, what="a label"))]
LongText = Annotated[str, BeforeValidator(text_field(kpis.TEXT_MAX, multiline=True))]
ShortText = Annotated[str, BeforeValidator(text_field(200))]
Kind = Annotated[str, BeforeValidator(choice_field(kpis.KINDS, "kind", required=True))]
Attribution = Annotated[
    str, BeforeValidator(choice_field(kpis.ATTRIBUTION_MODELS, "attribution model", required=True))
]
Direction = Annotated[
    str, BeforeValidator(choice_field(kpis.DIRECTIONS, "direction", required=True))
]
Measure = Annotated[str, BeforeValidator(text_field(kpis.KEY_MAX))]


class KpiInput(BaseModel):
    """What a person types to define or edit a KPI."""

    model_config = ConfigDict(validate_assignment=True)

    key: Key = Field(
        "",
        title="Key",
        description="snake_case, unique; also its dbt metric name.",
        json_schema_extra=_extra("text", required=True, placeholder="mql_to_sql_rate"),
    )
    label: Label = Field(
        "",
        title="Label",
        json_schema_extra=_extra("text", required=True, placeholder="MQL → SQL conversion rate"),
    )
    description: LongText = Field("", title="Description", json_schema_extra=_extra("textarea"))
    owner: Annotated[str | None, BeforeValidator(_person)] = Field(
        None,
        title="Owner",
        description="Who answers for this number.",
        json_schema_extra=_extra("person", required=True),
    )
    kind: Kind = Field(
        "count", title="Kind", json_schema_extra=_extra("select", choices=kpis.KINDS)
    )
    definition: LongText = Field(
        "",
        title="Definition or formula",
        description="How it is calculated, in words a new analyst can follow.",
        json_schema_extra=_extra("textarea", required=True),
    )
    numerator: ShortText = Field(
        "",
        title="Numerator",
        description="For a rate: what is counted.",
        json_schema_extra=_extra("text"),
    )
    denominator: ShortText = Field(
        "",
        title="Denominator",
        description="For a rate: what it is out of.",
        json_schema_extra=_extra("text"),
    )
    conversion: LongText = Field(
        "",
        title="What counts as a conversion",
        description="Where it applies.",
        json_schema_extra=_extra("textarea"),
    )
    data_source: Annotated[str | None, BeforeValidator(_tool)] = Field(
        None,
        title="Data source",
        description="The tool in the stack the data comes from.",
        json_schema_extra=_extra("tool"),
    )
    attribution_model: Attribution = Field(
        "none",
        title="Attribution model",
        json_schema_extra=_extra("select", choices=kpis.ATTRIBUTION_MODELS),
    )
    attribution_window_days: Annotated[int | None, BeforeValidator(_window)] = Field(
        None,
        title="Attribution window (days)",
        description="1 to 365; needed unless none.",
        json_schema_extra=_extra("int"),
    )
    direction: Direction = Field(
        "higher_is_better",
        title="Better when",
        json_schema_extra=_extra("select", choices=kpis.DIRECTIONS),
    )
    target: Annotated[str | None, BeforeValidator(_target)] = Field(
        None,
        title="Target",
        description="25% for a rate, £50 for currency, 14 days, 1,200.",
        json_schema_extra=_extra("text"),
    )
    decision: LongText = Field(
        "",
        title="Decision it informs",
        description="What someone decides with this number.",
        json_schema_extra=_extra("textarea", required=True),
    )
    data_gaps: LongText = Field(
        "",
        title="Known data gaps",
        description=f"Where the data is incomplete, or “{kpis.NONE_KNOWN}”.",
        json_schema_extra=_extra("textarea", required=True),
    )
    measure: Measure = Field(
        "",
        title="Warehouse measure",
        description="The dbt measure it maps to (defaults to the key).",
        json_schema_extra=_extra("text"),
    )


def kpi_rules(kpi: KpiInput, ctx: Context) -> list[FieldError]:
    errors = kpis.entry_rules(kpi, imported=bool(ctx.extra.get("imported")))
    # The target's unit comes from the kind: when the kind itself was refused, the
    # target cannot be judged yet ("kind" is then missing from the fields set).
    if kpi.target is not None and "kind" in kpi.model_fields_set:
        try:
            kpis.parse_target(kpi.target, kpi.kind, ctx.currency)
        except kpis.TargetError as exc:
            errors.append(FieldError("target", f"{exc} (a {kpi.kind} target)"))
    if kpi.measure and kpis.key_problem(kpi.measure):
        errors.append(
            FieldError(
                "measure",
                "a measure name follows the key's rules: " + str(kpis.key_problem(kpi.measure)),
            )
        )
    return errors


def validate_kpi(
    raw: Mapping[str, Any],
    ctx: Context,
    *,
    base: KpiInput | None = None,
    row: int | None = None,
) -> KpiInput:
    kpi = validate_input(KpiInput, raw, ctx, kpi_rules, base=base, row=row)
    # Store the target in its canonical form for the kind (25% → 0.25, £50 → 5000).
    canonical = kpis.parse_target(kpi.target, kpi.kind, ctx.currency)
    return kpi.model_copy(update={"target": canonical, "measure": kpi.measure or kpi.key})


class KpiMoveInput(BaseModel):
    """A lifecycle move: activating, or deprecating with a reason or a successor."""

    model_config = ConfigDict(validate_assignment=True)

    status: Annotated[
        str, BeforeValidator(choice_field(kpis.STATUSES, "status", required=True))
    ] = Field(
        "active", title="New status", json_schema_extra=_extra("select", choices=kpis.STATUSES)
    )
    reason: LongText = Field(
        "",
        title="Reason",
        description="Why it is deprecated (or name a successor).",
        json_schema_extra=_extra("textarea"),
    )
    successor: Annotated[
        str | None, BeforeValidator(lambda v: str(v).strip() or None if v else None)
    ] = Field(
        None,
        title="Replaced by",
        description="The active KPI to use instead.",
        json_schema_extra=_extra("select"),
    )
    effective_on: HumanDate = Field(
        None,
        title="Effective from",
        description="Defaults to today.",
        json_schema_extra=_extra("date"),
    )


class KpiEditExtras(BaseModel):
    """Fields an edit of an active KPI's meaning asks for."""

    model_config = ConfigDict(validate_assignment=True)

    effective_on: HumanDate = Field(
        None,
        title="New version effective from",
        description="Used when you change what the KPI means (defaults to today).",
        json_schema_extra=_extra("date"),
    )
    change_note: Annotated[str, BeforeValidator(text_field(300))] = Field(
        "",
        title="What changed and why",
        json_schema_extra=_extra("text"),
    )
