"""The measurement framework's standards: KPI keys, kinds, attribution, lifecycle,
what counts as a change of meaning, and what a KPI needs before it can be active.

Pure standard-library code (the quick CLI path uses it). The pydantic input schema is
:mod:`mops_tui.domain.kpi_schema`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from mops_tui.domain.errors import FieldError
from mops_tui.domain.money import (
    MoneyError,
    exponent,
    format_compact,
    format_money,
    parse_money,
)

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

KINDS: tuple[str, ...] = ("count", "rate", "currency", "duration", "score")
STATUSES: tuple[str, ...] = ("draft", "active", "deprecated")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("active", "deprecated"),
    "active": ("deprecated",),
    "deprecated": (),
}
ATTRIBUTION_MODELS: tuple[str, ...] = (
    "none",
    "last_touch",
    "first_touch",
    "linear",
    "time_decay",
    "position_based",
    "data_driven",
)
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better")
DURATION_UNITS: tuple[str, ...] = ("hours", "days", "weeks", "months")

# dbt's metric-name rule, which mops uses for KPI keys so every KPI can be exported.
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")
KEY_MAX = 64
LABEL_MAX = 80
TEXT_MAX = 2000
NONE_KNOWN = "none known"

# Editing one of these on an active KPI changes what it means: a new version.
MEANING_FIELDS: tuple[str, ...] = (
    "kind",
    "definition",
    "numerator",
    "denominator",
    "conversion",
    "attribution_model",
    "attribution_window_days",
    "data_source",
    "direction",
)
# Wording: editable in place, no new version.
WORDING_FIELDS: tuple[str, ...] = ("label", "description")

# Tool statuses a KPI may draw data from when it becomes (or stays) active.
SOURCE_OK_FOR_ACTIVE = frozenset({"active", "under_review"})


def label_of(value: str) -> str:
    return value.replace("_", " ")


# Names MetricFlow keeps for itself: a metric cannot be called any of these.
RESERVED_KEYS = frozenset(
    {
        "metric_time",
        "mf_internal_uuid",
        "second",
        "minute",
        "hour",
        "day",
        "week",
        "month",
        "quarter",
        "year",
        "millisecond",
        "microsecond",
        "nanosecond",
    }
)


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a valid KPI key, or ``None``."""
    if not key:
        return "enter a key, such as mql_to_sql_rate"
    if key in RESERVED_KEYS:
        return f"“{key}” is a name dbt MetricFlow reserves; choose another"
    if len(key) > KEY_MAX:
        return f"is {len(key)} characters long; keep it to {KEY_MAX} or fewer"
    if "__" in key:
        return "cannot contain a double underscore (dbt reserves __)"
    if not KEY_RE.match(key):
        return (
            "use lower-case letters, digits and single underscores, starting with a "
            "letter and not ending with an underscore (for example mql_to_sql_rate)"
        )
    return None


def suggest_key(text: str) -> str:
    """A valid key made from a label: "MQL → SQL rate" → "mql_sql_rate"."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    key = "_".join(words)
    if key and (not key[0].isalpha() or len(key) < 2 or key in RESERVED_KEYS):
        key = "kpi_" + key
    return key[:KEY_MAX].strip("_") or "kpi"


# ---------------------------------------------------------------------------
# Targets: a number whose unit depends on the kind
# ---------------------------------------------------------------------------


class TargetError(ValueError):
    pass


_DURATION_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)?$")
_UNIT_ALIASES = {
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mo": "months",
    "month": "months",
    "months": "months",
}


def _decimal(text: str) -> Decimal:
    cleaned = text.replace(",", "").strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
        raise TargetError(f"“{text[:30]}” is not a number")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise TargetError(f"“{text[:30]}” is not a number") from exc


def _plain(value: Decimal) -> str:
    if value == 0:
        value = Decimal(0)  # never "-0"
    return format(value.normalize(), "f")


def parse_target(text: str | None, kind: str, currency: str = "GBP") -> str | None:
    """The canonical text of a target for ``kind``, or ``None`` when blank.

    Parsing a canonical value again returns it unchanged.

    rate: ``25%`` or ``0.25`` → ``0.25``; ``4.2x`` → ``4.2``.
    currency: ``£50``, ``1,200.50`` → major units (``50``, ``1200.5``).
    count: ``1,200`` → ``1200``.  duration: ``14 days``, ``3w``, ``12 months``.
    score: any number.
    """
    if text is None or not str(text).strip():
        return None
    s = str(text).strip().lower()
    if kind == "rate":
        if s.endswith("%"):
            value = _decimal(s[:-1]) / 100
        elif s.endswith("x"):
            value = _decimal(s[:-1])
        else:
            value = _decimal(s)
        if value < 0:
            raise TargetError("cannot be negative")
        return _plain(value)
    if kind == "currency":
        try:
            minor = parse_money(str(text), currency)
        except MoneyError as exc:
            raise TargetError(str(exc)) from exc
        assert minor is not None
        return _plain(Decimal(minor).scaleb(-exponent(currency)))
    if kind == "count":
        value = _decimal(s)
        if value < 0:
            raise TargetError("cannot be negative")
        if value != value.to_integral_value():
            raise TargetError("a count target is a whole number")
        return _plain(value)
    if kind == "duration":
        m = _DURATION_RE.match(s)
        if not m:
            raise TargetError(
                f"“{str(text).strip()[:30]}” is not a duration; type 14 days, 3 weeks or 12 months"
            )
        unit = _UNIT_ALIASES.get(m.group(2) or "days")
        if unit is None:
            raise TargetError(f"“{m.group(2)}” is not a unit; use hours, days, weeks or months")
        amount = Decimal(m.group(1))
        return f"{_plain(amount)} {unit[:-1] if amount == 1 else unit}"
    if kind == "score":
        return _plain(_decimal(s))
    raise TargetError(f"a KPI of kind “{kind}” has no target format")


def format_target(
    value: str | None, kind: str, currency: str = "GBP", empty: str = "—", *, compact: bool = False
) -> str:
    """A target as people read it. ``compact`` shortens money for narrow columns (£2.4m)."""
    if value is None or value == "":
        return empty
    try:
        if kind == "rate":
            number = Decimal(value)
            if number > 1:  # ROAS-like ratios read better as multiples: 4.2x
                return f"{_plain(number)}x"
            return f"{_plain(number * 100)}%"  # every digit: the form parses it back exactly
        if kind == "currency":
            minor = int(Decimal(value).scaleb(exponent(currency)))
            return format_compact(minor, currency) if compact else format_money(minor, currency)
        if kind == "count":
            return f"{int(Decimal(value)):,}"
    except (InvalidOperation, ValueError):
        return value
    return value


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


class KpiLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def definition(self) -> str: ...
    @property
    def numerator(self) -> str: ...
    @property
    def denominator(self) -> str: ...
    @property
    def attribution_model(self) -> str: ...
    @property
    def attribution_window_days(self) -> int | None: ...
    @property
    def decision(self) -> str: ...
    @property
    def data_gaps(self) -> str: ...
    @property
    def data_source(self) -> str | None: ...


def entry_rules(kpi: KpiLike, *, imported: bool = False) -> list[FieldError]:
    """What every KPI needs at entry. Imported drafts may lack an owner."""
    errors: list[FieldError] = []
    if not kpi.owner and not imported:
        errors.append(FieldError("owner", "every KPI needs an owner; choose a person"))
    if not (kpi.definition or "").strip() and not imported:
        errors.append(
            FieldError("definition", "write the definition or formula: how it is calculated")
        )
    if kpi.kind == "rate" and not imported:
        if not (kpi.numerator or "").strip():
            errors.append(FieldError("numerator", "a rate names its numerator (what is counted)"))
        if not (kpi.denominator or "").strip():
            errors.append(
                FieldError("denominator", "a rate names its denominator (what it is out of)")
            )
    if kpi.attribution_model != "none":
        window = kpi.attribution_window_days
        if window is None:
            errors.append(
                FieldError(
                    "attribution_window_days",
                    f"{label_of(kpi.attribution_model)} attribution needs a window in days "
                    "(1 to 365)",
                )
            )
        elif not 1 <= window <= 365:
            errors.append(FieldError("attribution_window_days", "must be from 1 to 365 days"))
    if not imported:
        if not (kpi.decision or "").strip():
            errors.append(
                FieldError(
                    "decision",
                    "say which decision this KPI informs (a KPI that informs no decision "
                    "is a vanity metric)",
                )
            )
        if not (kpi.data_gaps or "").strip():
            errors.append(
                FieldError(
                    "data_gaps",
                    f"say where the data is incomplete, or write “{NONE_KNOWN}”",
                )
            )
    return errors


def activation_needs(kpi: KpiLike, source_status: str | None) -> list[FieldError]:
    """Everything still missing before ``kpi`` may become active (empty: ready)."""
    needs = entry_rules(kpi)
    if not kpi.data_source:
        needs.append(
            FieldError("data_source", "choose the tool in the stack that supplies the data")
        )
    elif source_status is None:
        needs.append(FieldError("data_source", f"“{kpi.data_source}” is not in the stack"))
    elif source_status not in SOURCE_OK_FOR_ACTIVE:
        needs.append(
            FieldError(
                "data_source",
                f"the data source “{kpi.data_source}” is {label_of(source_status)}; an active "
                "KPI needs a source that is active or under review",
            )
        )
    return needs


def transition_errors(
    current: str,
    target: str,
    *,
    reason: str = "",
    successor: str | None = None,
    key: str = "",
    successor_status: str | None = None,
) -> list[FieldError]:
    if target not in STATUSES:
        return [FieldError("status", f"“{target}” is not a KPI status")]
    if target == current:
        return [FieldError("status", f"the KPI is already {target}")]
    if target not in TRANSITIONS[current]:
        allowed = TRANSITIONS[current]
        if not allowed:
            return [FieldError("status", "a deprecated KPI stays deprecated; define a new one")]
        return [
            FieldError(
                "status",
                f"a KPI cannot go from {current} to {target}; it can become: " + ", ".join(allowed),
            )
        ]
    errors: list[FieldError] = []
    if target == "deprecated":
        if not reason.strip() and not successor:
            errors.append(FieldError("reason", "give a reason, or name the KPI that replaces it"))
        if successor:
            if successor == key:
                errors.append(FieldError("successor", "a KPI cannot replace itself"))
            elif successor_status is None:
                errors.append(FieldError("successor", f"there is no KPI “{successor}”"))
            elif successor_status != "active":
                errors.append(
                    FieldError(
                        "successor",
                        f"“{successor}” is {successor_status}; the successor must be an active KPI",
                    )
                )
    return errors


def meaning_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The meaning fields whose value differs."""
    return [f for f in MEANING_FIELDS if (before.get(f) or None) != (after.get(f) or None)]


# ---------------------------------------------------------------------------
# Read model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFlag:
    code: str  # incomplete, source, no_target
    label: str
    reason: str


@dataclass
class KpiView:
    id: int
    key: str
    label: str
    description: str
    owner: str | None
    owner_name: str | None
    kind: str
    definition: str
    numerator: str
    denominator: str
    conversion: str
    attribution_model: str
    attribution_window_days: int | None
    direction: str
    target: str | None
    decision: str
    data_gaps: str
    data_source: str | None  # the tool's name
    data_source_id: int | None
    data_source_status: str | None
    status: str
    measure: str
    mf_type: str | None = None
    mf_params: dict[str, Any] = field(default_factory=dict)
    mf_filter: str | None = None
    deprecated_reason: str | None = None
    successor: str | None = None  # the successor's key
    current_version: int = 0
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str | None = None
    brief_count: int = 0

    @property
    def attribution(self) -> str:
        if self.attribution_model == "none":
            return "none"
        window = f" {self.attribution_window_days}d" if self.attribution_window_days else ""
        return f"{label_of(self.attribution_model)}{window}"

    def flags(self) -> list[KpiFlag]:
        out: list[KpiFlag] = []
        if self.status == "draft":
            needs = activation_needs(self, self.data_source_status)
            if needs:
                fields = ", ".join(dict.fromkeys(label_of(n.field) for n in needs))
                out.append(
                    KpiFlag(
                        "incomplete",
                        "INCOMPLETE",
                        f"Cannot be activated yet; still needs: {fields}.",
                    )
                )
        if self.status == "active":
            if not self.data_source:
                out.append(KpiFlag("source", "NO SOURCE", "Active with no data source."))
            elif self.data_source_status not in SOURCE_OK_FOR_ACTIVE:
                status = label_of(self.data_source_status or "missing")
                out.append(
                    KpiFlag("source", "SOURCE", f"Its data source {self.data_source} is {status}.")
                )
            if not self.target:
                out.append(
                    KpiFlag(
                        "no_target",
                        "NO TARGET",
                        "Active with no target: nothing to judge results against.",
                    )
                )
        return out


@dataclass(frozen=True)
class KpiVersion:
    number: int
    effective_on: date
    author: str
    summary: str
    snapshot: dict[str, Any]
    created_at: datetime | None = None


@dataclass
class MetricImport:
    """One metric read from a MetricFlow file: KPI fields, MetricFlow details it keeps
    for a faithful export, the status its ``config.meta`` asks for, and notes on what
    could not be mapped."""

    name: str
    fields: dict[str, Any]
    status: str = "draft"
    mf_type: str | None = None
    mf_params: dict[str, Any] = field(default_factory=dict)
    mf_filter: str | None = None
    deprecated_reason: str | None = None
    successor: str | None = None
    notes: list[str] = field(default_factory=list)
