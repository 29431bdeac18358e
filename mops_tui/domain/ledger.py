"""Budget governance: fiscal periods, budget lines, the append-only spend ledger,
period close, and the plan-vs-actual arithmetic.

Pure standard-library code. Money is integer minor units throughout.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mops_tui.domain.dates import FIRST_YEAR, LAST_YEAR, YEARS_ACCEPTED, fiscal_year_bounds
from mops_tui.domain.errors import FieldError
from mops_tui.domain.text import quoted

# ---------------------------------------------------------------------------
# Fiscal periods
# ---------------------------------------------------------------------------

ENTRY_KINDS: tuple[str, ...] = ("spend", "refund", "reversal")
CHANNELS: tuple[str, ...] = (
    "Paid search",
    "Paid social",
    "Display & programmatic",
    "Events",
    "Webinars",
    "Content",
    "Email",
    "SEO",
    "Partnerships",
    "Brand",
    "Research",
    "Tools & software",
    "Agency & freelance",
)
WARN_SHARE = 0.9  # a line at 90% of plan or more is flagged
PAYEE_MAX = 120
REF_MAX = 80
NOTE_MAX = 1000
CAMPAIGN_MAX = 80

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:fy\s*)?(\d{4})\s*[-/ ]?\s*q([1-4])$", re.IGNORECASE)
_FY = re.compile(r"^fy\s*(\d{4})$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """A month or a fiscal quarter. ``label`` is how people type and read it:
    ``2026-11`` for a month, ``2026-Q4`` for the fourth quarter of fiscal year 2026."""

    starts_on: date
    ends_on: date
    label: str
    kind: str  # month | quarter

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def elapsed_days(self, today: date) -> int:
        if today < self.starts_on:
            return 0
        if today > self.ends_on:
            return self.days
        return (today - self.starts_on).days + 1

    def months(self) -> list[Period]:
        if self.kind == "month":
            return [self]
        out = []
        current = self.starts_on
        while current <= self.ends_on:
            out.append(month_period(current.year, current.month))
            current = _add_months(current, 1)
        return out

    def shift(self, steps: int, fy_start: int = 1) -> Period:
        """The period ``steps`` months, quarters or years later (earlier when negative)."""
        if self.kind == "month":
            moved = _add_months(self.starts_on, steps)
            return month_period(moved.year, moved.month)
        if self.kind == "year":
            return year_period(fiscal_year_of(self.starts_on, fy_start) + steps, fy_start)
        if self.kind == "all":
            return self
        moved = _add_months(self.starts_on, 3 * steps)
        return quarter_containing(moved, fy_start)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{year}-{month:02d}", "month")


def fiscal_year_of(day: date, fy_start: int = 1) -> int:
    """The fiscal year a day falls in, named by the calendar year it starts in."""
    return fiscal_year_bounds(day, fy_start)[2]


def quarter_period(fiscal_year: int, quarter: int, fy_start: int = 1) -> Period:
    first = _add_months(date(fiscal_year, fy_start, 1), 3 * (quarter - 1))
    last_month = _add_months(first, 2)
    last = date(
        last_month.year, last_month.month, calendar.monthrange(last_month.year, last_month.month)[1]
    )
    return Period(first, last, f"{fiscal_year}-Q{quarter}", "quarter")


def fiscal_year_period(day: date, fy_start: int = 1) -> Period:
    """The fiscal year holding ``day``, as a period labelled ``FY2026``."""
    first, last, fy = fiscal_year_bounds(day, fy_start)
    return Period(first, last, f"FY{fy}", "year")


def quarter_containing(day: date, fy_start: int = 1) -> Period:
    fy = fiscal_year_of(day, fy_start)
    months_in = (day.year * 12 + day.month) - (fy * 12 + fy_start)
    return quarter_period(fy, months_in // 3 + 1, fy_start)


def year_period(fiscal_year: int, fy_start: int = 1) -> Period:
    first = date(fiscal_year, fy_start, 1)
    last_month = _add_months(first, 11)
    last = date(
        last_month.year, last_month.month, calendar.monthrange(last_month.year, last_month.month)[1]
    )
    return Period(first, last, f"FY{fiscal_year}", "year")


ALL_TIME = Period(date(1900, 1, 1), date(2200, 12, 31), "all", "all")


def parse_period(text: str | None, fy_start: int = 1, *, today: date | None = None) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` or ``FY2026 Q4`` (a fiscal quarter),
    ``this month``/``this quarter``/``last month``. A period outside the years mops
    accepts in a date (``0000-01``, ``FY9999``) is refused like any other bad text."""
    s = " ".join(str(text or "").strip().lower().split())
    if not s:
        raise PeriodError("enter a period: a month such as 2026-11 or a quarter such as 2026-Q4")
    shown = quoted(str(text).strip())

    def within_years(year: int, build: Callable[[int], Period]) -> Period:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(f"“{shown}” is outside {YEARS_ACCEPTED}")
        period = build(year)
        if period.ends_on.year > LAST_YEAR:
            raise PeriodError(f"“{shown}” ends in {period.ends_on.year}, outside {YEARS_ACCEPTED}")
        return period

    if s in ("all", "all time", "everything"):
        return ALL_TIME
    m = _FY.match(s)
    if m:
        return within_years(int(m.group(1)), lambda y: year_period(y, fy_start))
    if today is not None:
        if s in ("this year", "year"):
            return year_period(fiscal_year_of(today, fy_start), fy_start)
        if s in ("this month", "month"):
            return month_period(today.year, today.month)
        if s == "last month":
            prev = _add_months(date(today.year, today.month, 1), -1)
            return month_period(prev.year, prev.month)
        if s in ("this quarter", "quarter"):
            return quarter_containing(today, fy_start)
        if s == "last quarter":
            return quarter_containing(today, fy_start).shift(-1, fy_start)
    m = _MONTH.match(s)
    if m:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"“{shown}” is not a month: there is no month {month}")
        return within_years(int(m.group(1)), lambda y: month_period(y, month))
    m = _QUARTER.match(s)
    if m:
        quarter = int(m.group(2))
        return within_years(int(m.group(1)), lambda y: quarter_period(y, quarter, fy_start))
    raise PeriodError(
        f"“{quoted(str(text).strip(), 20)}” is not a period; type a month such as "
        "2026-11 or a fiscal quarter such as 2026-Q4"
    )


def parse_fiscal_year(text: str) -> int:
    s = text.strip()
    m = _FY.match(s) or re.match(r"^(\d{4})$", s)
    if not m:
        raise PeriodError(f"“{s[:20]}” is not a fiscal year; type it as FY2026 or 2026")
    return int(m.group(1))


def period_from(starts_on: date, ends_on: date, fy_start: int = 1) -> Period:
    """Rebuild a stored period from its dates."""
    if starts_on.day == 1 and ends_on == month_period(starts_on.year, starts_on.month).ends_on:
        return month_period(starts_on.year, starts_on.month)
    quarter = quarter_containing(starts_on, fy_start)
    if quarter.starts_on == starts_on and quarter.ends_on == ends_on:
        return quarter
    return Period(starts_on, ends_on, f"{starts_on.isoformat()}..{ends_on.isoformat()}", "range")


# ---------------------------------------------------------------------------
# Rules for entries
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRef:
    """What a person types to name a budget line: ``2026-Q4/events`` or
    ``2026-11/paid-search/spring-launch``."""

    period: str
    channel: str
    campaign: str | None = None

    @classmethod
    def parse(cls, text: str) -> LineRef:
        pieces = text.strip().split("/", 2)  # a campaign may itself hold "/"
        parts = [p.strip() for p in pieces]
        if len(parts) < 2 or not all(parts[:2]):
            raise PeriodError(
                f"“{text.strip()[:40]}” does not name a budget line; type PERIOD/CHANNEL, "
                "for example 2026-Q4/events or 2026-11/paid-search"
            )
        return cls(parts[0], parts[1].replace("-", " "), parts[2] if len(parts) > 2 else None)


def entry_errors(
    *,
    amount: int,
    kind: str,
    on: date,
    line_period: Period | None,
    closed: ClosedPeriod | None,
    today: date,
) -> list[FieldError]:
    """The standards a spend entry meets before it enters the ledger."""
    errors: list[FieldError] = []
    if kind not in ENTRY_KINDS:
        errors.append(FieldError("kind", f"“{kind}” is not spend, refund or reversal"))
    if amount == 0:
        errors.append(FieldError("amount", "an amount of zero records nothing; enter the amount"))
    elif amount < 0 and kind == "spend":
        errors.append(
            FieldError(
                "amount",
                "a negative amount is a refund: mark it as a refund (or use Correct "
                "on the entry to reverse it)",
            )
        )
    elif amount > 0 and kind == "refund":
        errors.append(
            FieldError(
                "amount",
                "a refund is money coming back: enter it as a negative amount, such as -250",
            )
        )
    if line_period is not None and not line_period.contains(on):
        errors.append(
            FieldError(
                "line",
                f"this budget line covers {line_period.label} "
                f"({line_period.starts_on.isoformat()} to {line_period.ends_on.isoformat()}); "
                f"the entry is dated {on.isoformat()}",
            )
        )
    if closed is not None:
        errors.append(FieldError("entry_date", closed.refusal(on)))
    if on > today + timedelta(days=366):
        errors.append(FieldError("entry_date", "is more than a year ahead; check the year"))
    return errors


def reversal_errors(kind: str, already_reversed: bool) -> list[FieldError]:
    if kind == "reversal":
        return [
            FieldError(
                "entry",
                "this entry is itself a reversal; reversing it again "
                "is refused — correct the original entry instead",
            )
        ]
    if already_reversed:
        return [FieldError("entry", "this entry has already been reversed")]
    return []


@dataclass(frozen=True)
class ClosedPeriod:
    month: str  # 2026-10
    closed_on: date
    closed_by: str

    def refusal(self, on: date) -> str:
        year, month = (int(x) for x in self.month.split("-"))
        name = f"{calendar.month_name[month]} {year}"
        return (
            f"{name} was closed by {self.closed_by} on {self.closed_on.isoformat()}; "
            f"an entry dated {on.isoformat()} cannot be added. Reopen the period "
            f"(mops budget reopen {self.month}) or date the entry in an open month."
        )


# ---------------------------------------------------------------------------
# Plan vs actual
# ---------------------------------------------------------------------------


@dataclass
class PlanActual:
    """One row of a plan-vs-actual report: a line, or a group of lines."""

    key: str
    label: str
    planned: int
    actual: int
    period: Period | None = None
    channel: str = ""
    owner: str | None = None
    campaign: str | None = None
    tool: str | None = None
    line_id: int | None = None
    lines: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def variance(self) -> int:
        """Plan minus actual: positive is under plan, negative is over."""
        return self.planned - self.actual

    @property
    def share(self) -> float | None:
        if self.planned <= 0:
            return float("inf") if self.actual > 0 else None
        return self.actual / self.planned

    def forecast(self, today: date) -> int:
        """Run-rate to the end of the period: actual so far scaled to the whole period."""
        if self.period is None:
            return self.actual
        elapsed = self.period.elapsed_days(today)
        if elapsed == 0:
            return self.actual
        if elapsed >= self.period.days:
            return self.actual
        return round(self.actual * self.period.days / elapsed)

    def flag(self) -> str | None:
        share = self.share
        if share is None:
            return None
        if share > 1:
            return "over"
        if share >= WARN_SHARE:
            return "near"
        return None

    def flag_label(self) -> str:
        return {"over": "OVER", "near": "≥90%"}.get(self.flag() or "", "")


def group_key(by: str, row: PlanActual, fy_start: int = 1) -> tuple[str, str]:
    """``(key, label)`` of the group a line belongs to when grouping ``by``."""
    if by == "channel":
        return row.channel.lower(), row.channel
    if by == "month":
        label = (
            row.period.label
            if row.period and row.period.kind == "month"
            else (row.period.starts_on.strftime("%Y-%m") if row.period else "")
        )
        return label, label
    if by == "quarter":
        if row.period is None:
            return "", ""
        q = quarter_containing(row.period.starts_on, fy_start)
        return q.label, q.label
    return row.key, row.label


def now_label(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M")
