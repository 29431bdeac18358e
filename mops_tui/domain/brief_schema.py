"""Input schema for a brief. A draft needs only a title; each later stage has its own
standard, enforced by the moves in :mod:`mops_tui.domain.briefs`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mops_tui.domain import briefs
from mops_tui.domain.context import Context
from mops_tui.domain.errors import FieldError
from mops_tui.domain.schema import HumanDate, Money, choice_field, text_field, validate_input
from mops_tui.domain.text import has_control


def _name(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    if has_control(text) or len(text) > 120:
        raise ValueError("is not a name, handle or reference mops can use")
    return text


def _channels(value: Any) -> str:
    if value is None:
        return ""
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
    cleaned: list[str] = []
    for item in items:
        text = " ".join(str(item).split())
        if not text:
            continue
        if has_control(text) or len(text) > 40:
            raise ValueError(f"“{text[:40]}” is not a channel name")
        if text.lower() not in (c.lower() for c in cleaned):
            cleaned.append(text)
    return ", ".join(cleaned)


def _extra(widget: str, **more: Any) -> dict[str, Any]:
    return {"widget": widget, **more}


Title = Annotated[str, BeforeValidator(text_field(briefs.TITLE_MAX, required=True, what="a title"))]
LongText = Annotated[str, BeforeValidator(text_field(briefs.TEXT_MAX, multiline=True))]
Body = Annotated[str, BeforeValidator(text_field(briefs.BODY_MAX, multiline=True))]
Priority = Annotated[
    str, BeforeValidator(choice_field(briefs.PRIORITIES, "priority", required=True))
]
Ref = Annotated[str | None, BeforeValidator(_name)]


class BriefInput(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    title: Title = Field("", title="Title", json_schema_extra=_extra("text", required=True))
    requester: Ref = Field(None, title="Requested by", json_schema_extra=_extra("person"))
    owner: Ref = Field(
        None,
        title="Owner",
        description="Who runs it (needed to approve).",
        json_schema_extra=_extra("person"),
    )
    priority: Priority = Field(
        "P3", title="Priority", json_schema_extra=_extra("select", choices=briefs.PRIORITIES)
    )
    objective: LongText = Field(
        "",
        title="Objective",
        description="What it must achieve.",
        json_schema_extra=_extra("textarea"),
    )
    audience: LongText = Field(
        "", title="Audience", description="Who it is for.", json_schema_extra=_extra("textarea")
    )
    key_message: LongText = Field("", title="Key message", json_schema_extra=_extra("textarea"))
    channels: Annotated[str, BeforeValidator(_channels)] = Field(
        "",
        title="Channels",
        description="Comma-separated: email, paid social, events.",
        json_schema_extra=_extra("text"),
    )
    launch_date: HumanDate = Field(
        None,
        title="Launch date",
        description="2027-01-15, 15 Jan or +4w.",
        json_schema_extra=_extra("date"),
    )
    kpi: Ref = Field(None, title="Primary KPI", json_schema_extra=_extra("kpi"))
    kpi_target: Annotated[str, BeforeValidator(text_field(40))] = Field(
        "",
        title="KPI target",
        description="In the KPI's unit: 25%, £180, 1,200.",
        json_schema_extra=_extra("text"),
    )
    budget_requested: Money = Field(
        None,
        title="Budget requested",
        description="8000, £8k; leave empty if none.",
        json_schema_extra=_extra("money"),
    )
    budget_line: Ref = Field(
        None,
        title="Budget line",
        description="2027-Q1/events; needed to approve a budget.",
        json_schema_extra=_extra("line"),
    )
    body: Body = Field(
        "", title="Brief", description="The full brief.", json_schema_extra=_extra("longtext")
    )


def brief_rules(brief: BriefInput, ctx: Context) -> list[FieldError]:
    return []


def validate_brief(
    raw: Mapping[str, Any], ctx: Context, *, base: BriefInput | None = None
) -> BriefInput:
    return validate_input(BriefInput, raw, ctx, brief_rules, base=base)


class MoveInput(BaseModel):
    """What a move asks for: a reason (return, cancel), or the outcome (done)."""

    model_config = ConfigDict(validate_assignment=True)

    reason: Annotated[str, BeforeValidator(text_field(1000, multiline=True))] = Field(
        "", title="Reason", json_schema_extra=_extra("textarea")
    )
    result: Annotated[str, BeforeValidator(text_field(200))] = Field(
        "",
        title="KPI result",
        description="The measured result, in the KPI's unit.",
        json_schema_extra=_extra("text"),
    )
    not_measured: Annotated[str, BeforeValidator(text_field(1000, multiline=True))] = Field(
        "", title="Or: why it could not be measured", json_schema_extra=_extra("textarea")
    )
