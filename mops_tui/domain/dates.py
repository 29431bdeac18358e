"""Human date parsing and working-day arithmetic.

``parse_date`` accepts ``2026-12-01``, ``1 Dec``, ``1 Dec 2026``, ``Dec 1, 2026``,
``03/11/2026`` (day first unless told otherwise), ``today``, ``tomorrow``,
``yesterday``, ``+10d``, ``-3d``, ``+2w``, ``+1m``, ``+1y``, ``eom``, ``eoq``, ``eoy``
and weekday names (the next one after today). It never guesses: anything else is
refused with a message, and an impossible date such as ``2026-02-30`` is named as such.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from mops_tui.domain.text import quoted

_MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
_MONTHS["sept"] = 9
_WEEKDAYS = {
    name.lower(): i for i in range(7) for name in (calendar.day_name[i], calendar.day_abbr[i])
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmy])$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")

HINT = "type a date such as 2026-12-01, 1 Dec, today or +2w"

# The years mops accepts in any date or period it is given.
FIRST_YEAR, LAST_YEAR = 1900, 2200
YEARS_ACCEPTED = f"the years mops accepts ({FIRST_YEAR} to {LAST_YEAR})"


class DateError(ValueError):
    """A typed date that is not a date. ``str()`` is the user message."""


def _real(year: int, month: int, day: int, shown: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"“{shown}” is not a real date: there is no month {month}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"“{shown}” is outside {YEARS_ACCEPTED}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateError(
            f"“{shown}” is not a real date: {calendar.month_name[month]} {year} has {last} days"
        )
    return date(year, month, day)


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, clamped to the end of a shorter month."""
    from dateutil.relativedelta import relativedelta

    result: date = d + relativedelta(months=months)
    return result


def fiscal_year_bounds(day: date, fy_start: int = 1) -> tuple[date, date, int]:
    """First day, last day and number of the fiscal year holding ``day``. A fiscal year
    is named by the calendar year it starts in and starts on the 1st of ``fy_start``."""
    fy = day.year if day.month >= fy_start else day.year - 1
    first = date(fy, fy_start, 1)
    after = date(fy + 1, fy_start, 1)
    return first, after - timedelta(days=1), fy


def end_of_month(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def end_of_quarter(d: date) -> date:
    month = ((d.month - 1) // 3 + 1) * 3
    return date(d.year, month, calendar.monthrange(d.year, month)[1])


def parse_date(text: str | date | None, today: date, *, day_first: bool = True) -> date | None:
    """Return the date ``text`` names, ``None`` when it is empty, or raise ``DateError``."""
    if text is None:
        return None
    if isinstance(text, date):
        return text
    s = " ".join(str(text).strip().lower().split())
    if not s:
        return None
    shown = quoted(str(text).strip())

    if s == "today":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s == "yesterday":
        return today - timedelta(days=1)
    if s == "eom":
        return end_of_month(today)
    if s == "eoq":
        return end_of_quarter(today)
    if s == "eoy":
        return date(today.year, 12, 31)
    if s in _WEEKDAYS:
        ahead = (_WEEKDAYS[s] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)

    m = _RELATIVE.match(s)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        n = int(m.group(2)) * sign
        unit = m.group(3)
        try:
            if unit == "d":
                result = today + timedelta(days=n)
            elif unit == "w":
                result = today + timedelta(weeks=n)
            else:
                result = add_months(today, n if unit == "m" else 12 * n)
        except (OverflowError, ValueError) as exc:
            raise DateError(f"“{shown}” is too far away") from exc
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise DateError(f"“{shown}” is too far away")
        return result

    m = _ISO.match(s)
    if m:
        return _real(int(m.group(1)), int(m.group(2)), int(m.group(3)), shown)
    m = _NUMERIC.match(s)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if day_first else (b, a)
        return _real(year, month, day, shown)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        m = pattern.match(s)
        if m:
            month_name = m.group(month_group)
            if month_name not in _MONTHS:
                raise DateError(f"“{shown}”: “{month_name}” is not a month; {HINT}")
            year = int(m.group(3)) if m.group(3) else today.year
            return _real(year, _MONTHS[month_name], int(m.group(day_group)), shown)
    raise DateError(f"“{shown}” is not a date; {HINT}")


def format_date(d: date | None, empty: str = "—") -> str:
    return d.isoformat() if d else empty


def years_ago(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 Feb for 29 Feb in a common year)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5


def add_working_days(d: date, days: int) -> date:
    """``d`` moved by ``days`` working days (Monday to Friday)."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = d
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign == 1 else (end, start)
    total_days = (hi - lo).days
    weeks, extra = divmod(total_days, 7)
    count = weeks * 5
    for i in range(1, extra + 1):
        if is_working_day(lo + timedelta(days=weeks * 7 + i)):
            count += 1
    return sign * count


def parse_month(text: str) -> tuple[int, int]:
    """``2026-10`` to ``(2026, 10)``."""
    m = _PERIOD.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise DateError(f"“{text.strip()}” is not a month; type it as 2026-10")
    return int(m.group(1)), int(m.group(2))
