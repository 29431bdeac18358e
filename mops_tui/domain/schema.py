"""Shared machinery for the pydantic input schemas.

Each input schema is a pydantic model whose fields carry form metadata
(``title``, ``description`` and ``json_schema_extra={"widget": ...}``). The single
form widget in the UI builds itself from that metadata, and every face validates
through :func:`validate_input`, which:

1. parses each field on its own, so one bad field does not hide the others;
2. turns pydantic's technical messages into plain ones;
3. runs the schema's cross-field rules on the fields that parsed;
4. raises :class:`ValidationFailed` carrying one message per field, or returns the model.

Validation context (``today``, ``currency``) is passed explicitly, never read from a
global, so a rule gives the same answer in a test as in the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ValidationError, ValidationInfo

from mops_tui.domain.context import Context
from mops_tui.domain.dates import DateError, parse_date
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.money import MAX_MAJOR, MoneyError, exponent, parse_money
from mops_tui.domain.text import has_control, has_surrogate, normalise, single_line

M = TypeVar("M", bound=BaseModel)

__all__ = ["Context", "validate_input"]


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------
# Field parsers. Each raises ValueError with the user-facing message.
# ---------------------------------------------------------------------------


def money_field(allow_negative: bool = False) -> Callable[[Any, ValidationInfo], int | None]:
    def parse(value: Any, info: ValidationInfo) -> int | None:
        if _blank(value):
            return None
        ctx = _ctx(info)
        if isinstance(value, int) and not isinstance(value, bool):
            # Already minor units (from the store or a service): same limits as typed text.
            if value < 0 and not allow_negative:
                raise ValueError("cannot be negative")
            limit = int(MAX_MAJOR) * 10 ** exponent(ctx.get("currency", "GBP"))
            if abs(value) > limit:
                raise ValueError("is too large; the most mops records is 1,000,000,000")
            return value
        try:
            return parse_money(
                str(value), ctx.get("currency", "GBP"), allow_negative=allow_negative
            )
        except MoneyError as exc:
            raise ValueError(str(exc)) from exc

    return parse


def _date(value: Any, info: ValidationInfo) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    ctx = _ctx(info)
    today = ctx.get("today") or date.today()
    try:
        return parse_date(str(value), today, day_first=ctx.get("day_first", True))
    except DateError as exc:
        raise ValueError(str(exc)) from exc


def text_field(
    max_len: int, *, required: bool = False, multiline: bool = False, what: str = "text"
) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            value = str(value)
        if multiline:
            value = value.replace("\r\n", "\n")
        if has_control(value.strip(), allow_newlines=multiline):
            raise ValueError("contains control characters or terminal escape codes; remove them")
        text = normalise(value) if multiline else single_line(value)
        if required and not text:
            raise ValueError(f"enter {what}")
        if len(text) > max_len:
            raise ValueError(f"is {len(text):,} characters long; keep it to {max_len:,} or fewer")
        return text

    return parse


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    s = str(value).strip().lower()
    if s in ("y", "yes", "true", "1", "on", "x"):
        return True
    if s in ("", "n", "no", "false", "0", "off", "-"):
        return False
    raise ValueError(f"“{str(value)[:30]}” is not yes or no")


def _count(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, int):
        n = value
    else:
        s = str(value).strip().replace(",", "").replace("_", "")
        if re.fullmatch(r"-[0-9]+", s):
            raise ValueError("cannot be negative")
        if not re.fullmatch(r"[0-9]+", s):
            raise ValueError(f"“{str(value).strip()[:30]}” is not a whole number")
        n = int(s)
    if n < 0:
        raise ValueError("cannot be negative")
    if n > 10_000_000:
        raise ValueError("is too large")
    return n


def choice_field(
    choices: tuple[str, ...], what: str, *, required: bool = False
) -> Callable[[Any], str | None]:
    """Accept a choice case-insensitively, by key or by its words (``under review``)."""
    lookup = {c.lower(): c for c in choices}
    lookup.update({c.lower().replace("_", " "): c for c in choices})
    lookup.update({c.lower().replace("_", "-"): c for c in choices})

    article = "an" if what[:1].lower() in "aeiou" else "a"

    def parse(value: Any) -> str | None:
        if _blank(value):
            if required:
                raise ValueError(f"choose {article} {what}: " + ", ".join(choices))
            return None
        key = " ".join(str(value).strip().lower().split())
        if key in lookup:
            return lookup[key]
        shown = str(value).strip()[:30]
        raise ValueError(f"“{shown}” is not {article} {what}; choose one of: " + ", ".join(choices))

    return parse


Money = Annotated[int | None, BeforeValidator(money_field())]
HumanDate = Annotated[date | None, BeforeValidator(_date)]
YesNo = Annotated[bool, BeforeValidator(_bool)]
Count = Annotated[int | None, BeforeValidator(_count)]


# ---------------------------------------------------------------------------
# Friendly messages for pydantic's own error types.
# ---------------------------------------------------------------------------

_FRIENDLY = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "bool_parsing": "must be yes or no",
    "date_parsing": "is not a date; type it as 2026-12-01",
    "date_from_datetime_parsing": "is not a date; type it as 2026-12-01",
    "string_type": "must be text",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
}


def friendly(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    msg = str(error.get("msg", ""))
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error":
        return msg.removeprefix("Assertion failed, ")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of: {expected}"
    if kind == "greater_than_equal":
        return f"must be {error.get('ctx', {}).get('ge')} or more"
    if kind == "less_than_equal":
        return f"must be {error.get('ctx', {}).get('le')} or less"
    return _FRIENDLY.get(kind, msg)


# ---------------------------------------------------------------------------
# The one entry point.
# ---------------------------------------------------------------------------

Rules = Callable[[M, Context], list[FieldError]]

# A lone surrogate is what Python makes of bytes that are not UTF-8 (in a command-line
# argument, for one). No field may hold one, and pydantic-core cannot even quote one in
# a message, so ``validate_input`` refuses it before any parser sees the value.
UNREADABLE = (
    "holds characters that could not be read (bytes that are not UTF-8 text); type it again"
)


def _holds_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return has_surrogate(value)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_surrogate(v) for v in value)
    if isinstance(value, Mapping):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    return False


def validate_input(
    model: type[M],
    raw: Mapping[str, Any],
    ctx: Context,
    rules: Rules[M] | None = None,
    *,
    base: M | None = None,
    row: int | None = None,
    warnings: list[FieldError] | None = None,
) -> M:
    """Parse ``raw`` into ``model``, then apply ``rules``; raise ``ValidationFailed``.

    ``base`` supplies current values for fields missing from ``raw`` (an edit that
    changes only some fields). Warnings from rules do not refuse the input; they are
    appended to ``warnings`` when the caller passes a list.
    """
    inst = base.model_copy() if base is not None else model.model_construct()
    errors: list[FieldError] = []
    errored: set[str] = set()
    context = ctx.as_dict()
    for name, info in model.model_fields.items():
        if name in raw:
            value = raw[name]
        elif base is not None:
            continue
        elif info.is_required():
            errors.append(FieldError(name, "is required", row))
            errored.add(name)
            continue
        else:
            value = info.get_default(call_default_factory=True)
        if _holds_surrogate(value):
            errors.append(FieldError(name, UNREADABLE, row))
            errored.add(name)
            continue
        try:
            model.__pydantic_validator__.validate_assignment(inst, name, value, context=context)
        except ValidationError as exc:
            for detail in exc.errors():
                errors.append(FieldError(name, friendly(detail), row))
            errored.add(name)
    unknown = [k for k in raw if k not in model.model_fields]
    for key in unknown:
        errors.append(FieldError(key, "is not a field mops knows", row))
    if rules is not None:
        for found in rules(inst, ctx):
            if found.field not in errored:
                errors.append(FieldError(found.field, found.message, row, found.warning))
    if any(not e.warning for e in errors):
        raise ValidationFailed(errors)
    if warnings is not None:
        warnings.extend(e for e in errors if e.warning)
    return inst


def form_fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The metadata the form widget builds from: name, label, help, widget, choices."""
    out: list[dict[str, Any]] = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        out.append(
            {
                "name": name,
                "label": info.title or name.replace("_", " ").capitalize(),
                "help": info.description or "",
                "widget": extra.get("widget", "text"),
                "choices": extra.get("choices"),
                "required": bool(extra.get("required", False)),
                "placeholder": extra.get("placeholder", ""),
            }
        )
    return out
