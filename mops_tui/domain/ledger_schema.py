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
from mops_tui.domain.text import has_control, quoted, record_number


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
    number = record_number(str(value))  # ValueError past any record number
    if number is None:
        raise ValueError(f"“{quoted(str(value).strip(), 20)}” is not a brief number")
    return number


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


class _Refused:
    """A field text a parser refused, remembered with its message."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


_UNSEEN: Any = object()


class EntryRowParser:
    """The same field rules as ``EntryInput``, without building a model per row.

    Imports of 100,000 rows use this: the parsers are the ones the schema's
    validators call, so a row is refused for exactly the reasons a form would be.
    One parser serves one import (one context): every parser it calls is a pure
    function of the text and the context, so each distinct text of a field that
    repeats down a file (dates, payees, memos, lines, tools, kinds) is parsed once,
    and later rows reuse the value, or the message, it gave. The fields that describe
    a supplier's charge (kind, payee, note, line, tool, brief) repeat together, so a
    row whose date and those fields were all accepted before is answered with one
    lookup for them, and only its amount and reference are parsed.
    """

    # The fields answered together (see the class's docstring), in field order.
    _TOGETHER = ("kind", "payee", "note", "line", "tool", "brief")

    def __init__(self, ctx: Context) -> None:
        context = ctx.as_dict()
        # (field, parser, memo): the memo maps a text (or None) to the value or to
        # the refusal it gave; fields whose texts rarely repeat (amounts,
        # references) have none.
        memo = dict[Any, Any]
        self._steps: tuple[tuple[str, Callable[[Any], Any], memo | None], ...] = (
            ("entry_date", lambda v: date_from(v, context), {}),
            ("amount", lambda v: amount_from(v, context), None),
            ("kind", lambda v: _KIND(v or "spend"), {}),
            ("payee", _PAYEE, {}),
            ("reference", _REFERENCE, None),
            ("note", _NOTE, {}),
            ("line", _ref, {}),
            ("tool", _ref, {}),
            ("brief", _brief, {}),
        )
        self._parse: dict[str, Callable[[Any], Any]] = {n: f for n, f, _m in self._steps}
        dates = self._steps[0][2]
        assert dates is not None
        self._dates: memo = dates
        # (kind, payee, note, line, tool, brief) texts -> their values and whether the
        # kind was left blank (a negative amount is then a refund), or None when one
        # of them is refused or is not text.
        self._together: dict[tuple[Any, ...], tuple[dict[str, Any], bool] | None] = {}
        self._known = frozenset(EntryInput.model_fields)

    def __call__(self, raw: Mapping[str, Any], row: int) -> tuple[dict[str, Any], list[FieldError]]:
        get = raw.get
        key = (get("kind"), get("payee"), get("note"), get("line"), get("tool"), get("brief"))
        try:
            together = self._together.get(key, _UNSEEN)
        except TypeError:  # an unhashable value: the field-by-field path says why
            return self._field_by_field(raw, row)
        if together is _UNSEEN:
            together = self._learn(key)
        text = get("entry_date")
        # A date is known once the field-by-field path has parsed it.
        on = self._dates.get(text, _UNSEEN) if type(text) is str else _UNSEEN
        if together is None or type(on) is not date or not self._known.issuperset(raw):
            return self._field_by_field(raw, row)
        parse = self._parse
        try:
            amount: int = parse["amount"](get("amount"))
            reference: str = parse["reference"](get("reference"))
        except ValueError:
            return self._field_by_field(raw, row)
        fields, kind_blank = together
        values: dict[str, Any] = {
            "entry_date": on,
            "amount": amount,
            **fields,
            "reference": reference,
        }
        # In an export, money going back is a negative amount with no kind: a refund.
        if kind_blank and amount < 0:
            values["kind"] = "refund"
        return values, []

    def _learn(self, key: tuple[Any, ...]) -> tuple[dict[str, Any], bool] | None:
        """The values of the fields answered together (remembered), or ``None`` when
        one of them is refused or is not text (remembered only for text)."""
        if not all(text is None or type(text) is str for text in key):
            return None
        together: tuple[dict[str, Any], bool] | None = None
        found: dict[str, Any] = {}
        try:
            for name, text in zip(self._TOGETHER, key, strict=True):
                found[name] = self._parse[name](text)
            together = (found, not str(key[0] or "").strip())
        except ValueError:
            pass
        self._together[key] = together
        return together

    def _field_by_field(
        self, raw: Mapping[str, Any], row: int
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """Every field on its own, so that each refusal is reported, in field order."""
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        get = raw.get
        for name, parse, seen in self._steps:
            value = get(name)
            if seen is not None and (value is None or type(value) is str):
                hit = seen.get(value, _UNSEEN)
                if hit is _UNSEEN:
                    try:
                        hit = parse(value)
                    except ValueError as exc:
                        hit = _Refused(str(exc))
                    seen[value] = hit
                if type(hit) is _Refused:
                    errors.append(FieldError(name, hit.message, row))
                else:
                    values[name] = hit
                continue
            try:
                values[name] = parse(value)
            except ValueError as exc:
                errors.append(FieldError(name, str(exc), row))
        # In an export, money going back is a negative amount with no kind: a refund.
        amount = values.get("amount")
        if isinstance(amount, int) and amount < 0 and not str(get("kind") or "").strip():
            values["kind"] = "refund"
        if not self._known.issuperset(raw):
            known = self._known
            for name in raw:
                if name not in known:
                    errors.append(FieldError(name, "is not a field of a spend entry", row))
        return values, errors


def parse_entry_row(
    raw: Mapping[str, Any], ctx: Context, row: int
) -> tuple[dict[str, Any], list[FieldError]]:
    """One row through :class:`EntryRowParser` (an import makes one parser for all)."""
    return EntryRowParser(ctx)(raw, row)


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
