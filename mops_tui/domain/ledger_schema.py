"""Input schemas for the budget ledger: a budget line, a spend entry, a reopen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from mops_tui.domain import ledger
from mops_tui.domain.context import Context
from mops_tui.domain.errors import FieldError
from mops_tui.domain.money import MoneyError, parse_money
from mops_tui.domain.schema import (
    Money,
    choice_field,
    text_field,
    validate_input,
)
from mops_tui.domain.text import has_control


def _period(value: Any, info: ValidationInfo) -> str:
    ctx = info.context or {}
    try:
        period = ledger.parse_period(
            str(value or ""), int(ctx.get("fy_start", 1)), today=ctx.get("today")
        )
    except ledger.PeriodError as exc:
        raise ValueError(str(exc)) from exc
    return period.label


def _signed_money(value: Any, info: ValidationInfo) -> int:
    return amount_from(value, info.context or {})


def amount_from(value: Any, ctx: Mapping[str, Any]) -> int:
    """A signed amount in minor units (the rule the form, CLI and importer share)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("enter the amount, such as 1,250.00 (a refund is negative: -250)")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        minor = parse_money(
            str(value),
            ctx.get("currency", "GBP"),
            allow_negative=True,
            decimal_comma=bool(ctx.get("decimal_comma")),
        )
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
    assert minor is not None
    return minor


def _required_date(value: Any, info: ValidationInfo) -> date:
    return date_from(value, info.context or {})


def date_from(value: Any, ctx: Mapping[str, Any]) -> date:
    """An entry date (the rule the form, CLI and importer share)."""
    from mops_tui.domain.dates import DateError, parse_date

    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("enter the date, such as 2026-11-03, today or -3d")
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(
            str(value), ctx.get("today") or date.today(), day_first=ctx.get("day_first", True)
        )
    except DateError as exc:
        raise ValueError(str(exc)) from exc
    assert parsed is not None
    return parsed


def _ref(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    if has_control(text) or len(text) > 120:
        raise ValueError("is not a name or reference mops can use")
    return text


def _brief(value: Any) -> int | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().lstrip("#")
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"“{str(value).strip()[:20]}” is not a brief number")
    return int(text)


def _extra(widget: str, **more: Any) -> dict[str, Any]:
    return {"widget": widget, **more}


Channel = Annotated[str, BeforeValidator(text_field(60, required=True, what="a channel"))]
Campaign = Annotated[str, BeforeValidator(text_field(ledger.CAMPAIGN_MAX))]
Payee = Annotated[
    str, BeforeValidator(text_field(ledger.PAYEE_MAX, required=True, what="who was paid"))
]
Reference = Annotated[str, BeforeValidator(text_field(ledger.REF_MAX))]
Note = Annotated[str, BeforeValidator(text_field(ledger.NOTE_MAX, multiline=True))]
Kind = Annotated[
    str, BeforeValidator(choice_field(ledger.ENTRY_KINDS[:2], "kind of entry", required=True))
]


class LineInput(BaseModel):
    """A budget line: the plan for one channel in one period."""

    model_config = ConfigDict(validate_assignment=True)

    period: Annotated[str, BeforeValidator(_period)] = Field(
        "",
        title="Period",
        description="A month (2026-11) or a fiscal quarter (2026-Q4).",
        json_schema_extra=_extra("text", required=True, placeholder="2026-Q4"),
    )
    channel: Channel = Field(
        "",
        title="Channel",
        json_schema_extra=_extra("select", required=True, choices=ledger.CHANNELS),
    )
    campaign: Campaign = Field(
        "",
        title="Campaign",
        description="Optional: a campaign within the channel.",
        json_schema_extra=_extra("text"),
    )
    tool: Annotated[str | None, BeforeValidator(_ref)] = Field(
        None,
        title="Tool",
        description="Optional: when the line pays for a tool.",
        json_schema_extra=_extra("tool"),
    )
    planned: Money = Field(
        None,
        title="Planned",
        description="Zero or more: 25000, 25,000.00 or £25k.",
        json_schema_extra=_extra("money", required=True),
    )
    owner: Annotated[str | None, BeforeValidator(_ref)] = Field(
        None,
        title="Owner",
        json_schema_extra=_extra("person", required=True),
    )
    notes: Note = Field("", title="Notes", json_schema_extra=_extra("textarea"))


def line_rules(line: LineInput, ctx: Context) -> list[FieldError]:
    errors: list[FieldError] = []
    if line.planned is None:
        errors.append(FieldError("planned", "enter the planned amount (0 is allowed)"))
    if not line.owner:
        errors.append(FieldError("owner", "every budget line needs an owner"))
    return errors


def validate_line(
    raw: Mapping[str, Any], ctx: Context, *, base: LineInput | None = None, row: int | None = None
) -> LineInput:
    return validate_input(LineInput, raw, ctx, line_rules, base=base, row=row)


class EntryInput(BaseModel):
    """A spend entry as typed, imported or given on the command line."""

    model_config = ConfigDict(validate_assignment=True)

    entry_date: Annotated[date, BeforeValidator(_required_date)] = Field(
        title="Date",
        description="2026-11-03, 3 Nov, today or -3d.",
        json_schema_extra=_extra("date", required=True),
    )
    amount: Annotated[int, BeforeValidator(_signed_money)] = Field(
        0,
        title="Amount",
        description="1,250.00 or £1.2k; a refund is negative (-250).",
        json_schema_extra=_extra("money", required=True),
    )
    kind: Kind = Field(
        "spend",
        title="Kind",
        json_schema_extra=_extra("select", choices=("spend", "refund")),
    )
    payee: Payee = Field("", title="Payee", json_schema_extra=_extra("text", required=True))
    line: Annotated[str | None, BeforeValidator(_ref)] = Field(
        None,
        title="Budget line",
        description="Search by period, channel or campaign.",
        json_schema_extra=_extra("line", required=True),
    )
    reference: Reference = Field(
        "",
        title="Invoice or PO",
        json_schema_extra=_extra("text"),
    )
    tool: Annotated[str | None, BeforeValidator(_ref)] = Field(
        None,
        title="Tool",
        json_schema_extra=_extra("tool"),
    )
    brief: Annotated[int | None, BeforeValidator(_brief)] = Field(
        None,
        title="Brief",
        json_schema_extra=_extra("text"),
    )
    note: Note = Field("", title="Note", json_schema_extra=_extra("textarea"))


def entry_rules(entry: EntryInput, ctx: Context) -> list[FieldError]:
    if not entry.line:
        return [FieldError("line", "every entry needs a budget line, so no spend is untracked")]
    return []


def validate_entry(raw: Mapping[str, Any], ctx: Context, *, row: int | None = None) -> EntryInput:
    return validate_input(EntryInput, raw, ctx, entry_rules, row=row)


_PAYEE = text_field(ledger.PAYEE_MAX, required=True, what="who was paid")
_REFERENCE = text_field(ledger.REF_MAX)
_NOTE = text_field(ledger.NOTE_MAX, multiline=True)
_KIND = choice_field(ledger.ENTRY_KINDS[:2], "kind of entry", required=True)


def parse_entry_row(
    raw: Mapping[str, Any], ctx: Context, row: int
) -> tuple[dict[str, Any], list[FieldError]]:
    """The same field rules as ``EntryInput``, without building a model per row.

    Imports of 100,000 rows use this: the parsers are the ones the schema's
    validators call, so a row is refused for exactly the reasons a form would be.
    """
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    context = ctx.as_dict()
    steps: list[tuple[str, Callable[[Any], Any]]] = [
        ("entry_date", lambda v: date_from(v, context)),
        ("amount", lambda v: amount_from(v, context)),
        ("kind", lambda v: _KIND(v or "spend")),
        ("payee", _PAYEE),
        ("reference", _REFERENCE),
        ("note", _NOTE),
        ("line", _ref),
        ("tool", _ref),
        ("brief", _brief),
    ]
    for name, parse in steps:
        try:
            values[name] = parse(raw.get(name))
        except ValueError as exc:
            errors.append(FieldError(name, str(exc), row))
    # In an export, money going back is a negative amount with no kind: a refund.
    if (
        not str(raw.get("kind") or "").strip()
        and isinstance(values.get("amount"), int)
        and values["amount"] < 0
    ):
        values["kind"] = "refund"
    for name in raw:
        if name not in EntryInput.model_fields:
            errors.append(FieldError(name, "is not a field of a spend entry", row))
    return values, errors


class ReopenInput(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    reason: Annotated[
        str,
        BeforeValidator(
            text_field(500, required=True, multiline=True, what="why the period is reopened")
        ),
    ] = Field("", title="Reason", json_schema_extra=_extra("textarea", required=True))


def ledger_context(ctx: Context, fy_start: int, **extra: Any) -> Context:
    """The validation context with the fiscal-year start (and import options)."""
    return Context(
        today=ctx.today,
        currency=ctx.currency,
        day_first=extra.pop("day_first", ctx.day_first),
        extra={**ctx.extra, "fy_start": fy_start, **extra},
    )
