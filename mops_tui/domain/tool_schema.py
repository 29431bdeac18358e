"""Input schemas for the Stack: a tool, a lifecycle move, an integration.

Forms build themselves from these models; the CLI and the CSV importer validate
through them. The rules themselves live in :mod:`mops_tui.domain.tools`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mops_tui.domain import tools
from mops_tui.domain.errors import FieldError
from mops_tui.domain.schema import (
    Context,
    Count,
    HumanDate,
    Money,
    YesNo,
    choice_field,
    text_field,
    validate_input,
)
from mops_tui.domain.text import has_control

Name = Annotated[str, BeforeValidator(text_field(tools.NAME_MAX, required=True, what="a name"))]
Vendor = Annotated[
    str, BeforeValidator(text_field(tools.VENDOR_MAX, required=True, what="the vendor"))
]
Purpose = Annotated[
    str,
    BeforeValidator(
        text_field(tools.PURPOSE_MAX, required=True, multiline=True, what="why we pay for it")
    ),
]
Notes = Annotated[str, BeforeValidator(text_field(tools.NOTES_MAX, multiline=True))]


def _owner(value: Any) -> str | None:
    """A person's handle or full name; the service resolves it to a known person."""
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    if has_control(text):
        raise ValueError("contains control characters or terminal escape codes; remove them")
    if len(text) > 80:
        raise ValueError("is too long for a person's handle or name")
    return text.lower()


Handle = Annotated[str | None, BeforeValidator(_owner)]
Category = Annotated[
    str, BeforeValidator(choice_field(tools.CATEGORIES, "category", required=True))
]
Status = Annotated[
    str, BeforeValidator(choice_field(tools.STATUSES, "lifecycle status", required=True))
]
Cycle = Annotated[str | None, BeforeValidator(choice_field(tools.BILLING_CYCLES, "billing cycle"))]
Region = Annotated[str | None, BeforeValidator(choice_field(tools.REGIONS, "data region"))]
Website = Annotated[str | None, BeforeValidator(lambda v: _website(v))]


def _website(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if has_control(text):
        raise ValueError("contains control characters or terminal escape codes; remove them")
    if any(c.isspace() for c in text) or "." not in text or len(text) > 200:
        raise ValueError(f"“{text[:40]}” is not a web address; type it as example.com")
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    return text


def _notice(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    for suffix in ("days", "day", "d"):
        text = text.removesuffix(suffix).strip()
    if not re.fullmatch(r"-?[0-9]+", text):
        raise ValueError(f"“{str(value).strip()[:30]}” is not a number of days")
    days = int(text)
    if days < 0:
        raise ValueError("cannot be negative")
    if days > 365:
        raise ValueError("is more than a year; enter the notice period in days (0 to 365)")
    return days


def _extra(widget: str, **more: Any) -> dict[str, Any]:
    return {"widget": widget, **more}


class ToolInput(BaseModel):
    """What a person types to add or edit a tool."""

    model_config = ConfigDict(validate_assignment=True)

    name: Name = Field(
        "",
        title="Name",
        description="Unique, whatever the case.",
        json_schema_extra=_extra("text", required=True, placeholder="HubSpot Marketing Hub"),
    )
    vendor: Vendor = Field(
        "", title="Vendor", json_schema_extra=_extra("text", required=True, placeholder="HubSpot")
    )
    category: Category = Field(
        "Other", title="Category", json_schema_extra=_extra("select", choices=tools.CATEGORIES)
    )
    owner: Handle = Field(
        None,
        title="Business owner",
        description="A known person (see People); accountable for the cost.",
        json_schema_extra=_extra("person", required=True),
    )
    purpose: Purpose = Field(
        "",
        title="Business purpose",
        description="Why we pay for it, in a sentence or two.",
        json_schema_extra=_extra("textarea", required=True),
    )
    status: Status = Field(
        "evaluating",
        title="Status",
        json_schema_extra=_extra("select", choices=tools.STATUSES),
    )
    annual_cost: Money = Field(
        None,
        title="Annual cost",
        description="12000, 12,000.50 or £12k. 0 if free.",
        json_schema_extra=_extra("money"),
    )
    billing_cycle: Cycle = Field(
        "annual",
        title="Billing cycle",
        json_schema_extra=_extra("select", choices=tools.BILLING_CYCLES),
    )
    renewal_date: HumanDate = Field(
        None,
        title="Renewal date",
        description="2027-03-31, 31 Mar or +3m.",
        json_schema_extra=_extra("date"),
    )
    auto_renew: YesNo = Field(True, title="Auto-renews", json_schema_extra=_extra("bool"))
    notice_days: Annotated[int | None, BeforeValidator(_notice)] = Field(
        30,
        title="Notice period (days)",
        description="Days of notice before renewal.",
        json_schema_extra=_extra("int"),
    )
    seats_bought: Count = Field(None, title="Seats bought", json_schema_extra=_extra("int"))
    seats_used: Count = Field(None, title="Seats used", json_schema_extra=_extra("int"))
    holds_personal_data: YesNo = Field(
        False, title="Holds personal data", json_schema_extra=_extra("bool")
    )
    dpa_signed_on: HumanDate = Field(
        None,
        title="DPA signed on",
        description="Date the data processing agreement was signed.",
        json_schema_extra=_extra("date"),
    )
    data_region: Region = Field(
        None, title="Data region", json_schema_extra=_extra("select", choices=tools.REGIONS)
    )
    last_reviewed_on: HumanDate = Field(
        None,
        title="Last reviewed",
        description="Reviews are due every 12 months.",
        json_schema_extra=_extra("date"),
    )
    website: Website = Field(None, title="Website", json_schema_extra=_extra("text"))
    notes: Notes = Field("", title="Notes", json_schema_extra=_extra("textarea"))


# Fields the edit form shows; status moves go through ``TransitionInput``.
EDIT_FIELDS: tuple[str, ...] = tuple(f for f in ToolInput.model_fields if f != "status")


def tool_rules(tool: ToolInput, ctx: Context) -> list[FieldError]:
    return tools.contract_rules(tool, ctx.today)


def validate_tool(
    raw: Mapping[str, Any],
    ctx: Context,
    *,
    base: ToolInput | None = None,
    row: int | None = None,
    warnings: list[FieldError] | None = None,
) -> ToolInput:
    return validate_input(ToolInput, raw, ctx, tool_rules, base=base, row=row, warnings=warnings)


Reason = Annotated[str, BeforeValidator(text_field(tools.REASON_MAX, multiline=True))]


class TransitionInput(BaseModel):
    """A lifecycle move, with what retiring needs."""

    model_config = ConfigDict(validate_assignment=True)

    status: Status = Field(
        "active", title="New status", json_schema_extra=_extra("select", choices=tools.STATUSES)
    )
    reason: Reason = Field(
        "",
        title="Reason",
        description="Why (required when retiring).",
        json_schema_extra=_extra("textarea"),
    )
    retired_on: HumanDate = Field(
        None,
        title="Retired on",
        description="Required when retiring.",
        json_schema_extra=_extra("date"),
    )


DataText = Annotated[
    str, BeforeValidator(text_field(tools.DATA_MAX, required=True, what="what data moves"))
]


class IntegrationInput(BaseModel):
    """A data flow between two tools in the inventory."""

    model_config = ConfigDict(validate_assignment=True)

    source: Annotated[
        str,
        BeforeValidator(
            text_field(tools.NAME_MAX, required=True, what="the tool the data comes from")
        ),
    ] = Field("", title="From tool", json_schema_extra=_extra("tool", required=True))
    target: Annotated[
        str,
        BeforeValidator(
            text_field(tools.NAME_MAX, required=True, what="the tool the data goes to")
        ),
    ] = Field("", title="To tool", json_schema_extra=_extra("tool", required=True))
    data: DataText = Field(
        "",
        title="What data moves",
        description="For example: contacts and form fills.",
        json_schema_extra=_extra("text", required=True),
    )
    personal: YesNo = Field(False, title="Personal data", json_schema_extra=_extra("bool"))


def integration_rules(item: IntegrationInput, ctx: Context) -> list[FieldError]:
    from mops_tui.domain.text import key_of

    if item.source and item.target and key_of(item.source) == key_of(item.target):
        return [FieldError("target", "a tool cannot integrate with itself; choose another tool")]
    return []


def validate_integration(raw: Mapping[str, Any], ctx: Context) -> IntegrationInput:
    return validate_input(IntegrationInput, raw, ctx, integration_rules)
