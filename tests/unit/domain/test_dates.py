"""Dates: human parsing, refusals, and working-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain.dates import (
    HINT,
    DateError,
    add_months,
    add_working_days,
    end_of_month,
    end_of_quarter,
    format_date,
    is_working_day,
    parse_date,
    parse_month,
    working_days_between,
    years_ago,
)

TODAY = date(2026, 11, 29)  # a Sunday


def test_today_is_a_sunday() -> None:
    # Several expectations below (weekday names, working days) depend on this.
    assert TODAY.weekday() == 6


# ---------------------------------------------------------------------------
# parse_date: accepted forms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-1-5", date(2026, 1, 5)),
        ("2026/12/01", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("  2026-12-01  ", date(2026, 12, 1)),
        ("today", TODAY),
        ("TODAY", TODAY),
        (" Today ", TODAY),
        ("tomorrow", date(2026, 11, 30)),
        ("yesterday", date(2026, 11, 28)),
        ("+10d", date(2026, 12, 9)),
        ("-3d", date(2026, 11, 26)),
        ("+ 3 d", date(2026, 12, 2)),
        ("+0d", TODAY),
        ("+2w", date(2026, 12, 13)),
        ("-1w", date(2026, 11, 22)),
        ("+1m", date(2026, 12, 29)),
        ("+3m", date(2027, 2, 28)),  # clamped to the end of February
        ("-11m", date(2025, 12, 29)),
        ("+1y", date(2027, 11, 29)),
        ("-1y", date(2025, 11, 29)),
        ("eom", date(2026, 11, 30)),
        ("eoq", date(2026, 12, 31)),
        ("eoy", date(2026, 12, 31)),
        ("monday", date(2026, 11, 30)),
        ("Mon", date(2026, 11, 30)),
        ("friday", date(2026, 12, 4)),
        ("saturday", date(2026, 12, 5)),
        # today is a Sunday: "sunday" means the next one, not today.
        ("sunday", date(2026, 12, 6)),
        ("sun", date(2026, 12, 6)),
        ("1 Dec", date(2026, 12, 1)),
        ("1 dec.", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("1st December 2026", date(2026, 12, 1)),
        ("2nd Jan 2027", date(2027, 1, 2)),
        ("23rd march", date(2026, 3, 23)),
        ("4th July, 2027", date(2027, 7, 4)),
        ("Dec 1, 2026", date(2026, 12, 1)),
        ("Dec 1 2026", date(2026, 12, 1)),
        ("December 1st", date(2026, 12, 1)),
        ("sept 3", date(2026, 9, 3)),
        ("Sep 3", date(2026, 9, 3)),
        ("29 Feb 2028", date(2028, 2, 29)),
        ("03/11/2026", date(2026, 11, 3)),  # day first
        ("3.11.2026", date(2026, 11, 3)),
        ("03-11-2026", date(2026, 11, 3)),
        ("31/12/2026", date(2026, 12, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("03/11/2026", date(2026, 3, 11)), ("12/31/2026", date(2026, 12, 31))],
)
def test_parse_date_month_first(text: str, expected: date) -> None:
    assert parse_date(text, TODAY, day_first=False) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_parse_date_empty_is_none(text: str | None) -> None:
    assert parse_date(text, TODAY) is None


def test_parse_date_passes_a_date_through() -> None:
    d = date(2020, 2, 29)
    assert parse_date(d, TODAY) is d


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "“2026-02-30” is not a real date: February 2026 has 28 days"),
        ("2027-02-29", "“2027-02-29” is not a real date: February 2027 has 28 days"),
        ("2026-04-31", "“2026-04-31” is not a real date: April 2026 has 30 days"),
        ("2026-12-00", "“2026-12-00” is not a real date: December 2026 has 31 days"),
        ("2026-13-01", "“2026-13-01” is not a real date: there is no month 13"),
        ("2026-00-10", "“2026-00-10” is not a real date: there is no month 0"),
        ("31 Feb", "“31 Feb” is not a real date: February 2026 has 28 days"),
        ("12/31/2026", "“12/31/2026” is not a real date: there is no month 31"),
        ("1899-12-31", "“1899-12-31” is outside the years mops accepts (1900 to 2200)"),
        ("2201-01-01", "“2201-01-01” is outside the years mops accepts (1900 to 2200)"),
        ("1 Foo", f"“1 Foo”: “foo” is not a month; {HINT}"),
        ("Smarch 3", f"“Smarch 3”: “smarch” is not a month; {HINT}"),
        ("blah", f"“blah” is not a date; {HINT}"),
        ("next week", f"“next week” is not a date; {HINT}"),
        ("2026-12", f"“2026-12” is not a date; {HINT}"),
        ("1/12/26", f"“1/12/26” is not a date; {HINT}"),
        ("+10", f"“+10” is not a date; {HINT}"),
        ("+1q", f"“+1q” is not a date; {HINT}"),
        ("+9999y", "“+9999y” is too far away"),
        ("-9999y", "“-9999y” is too far away"),
        ("+9999m", "“+9999m” is too far away"),
        ("-9999w", "“-9999w” is too far away"),
    ],
)
def test_parse_date_refuses_with_message(text: str, message: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == message


def test_parse_date_long_input_is_shortened_in_the_message() -> None:
    text = "z" * 50
    with pytest.raises(DateError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == f"“{'z' * 27}...” is not a date; {HINT}"


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 29), 2, date(2027, 1, 29)),
        (date(2026, 5, 15), 0, date(2026, 5, 15)),
        (date(2026, 5, 15), 12, date(2027, 5, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("d", "eom", "eoq"),
    [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 31)),
        (date(2026, 2, 10), date(2026, 2, 28), date(2026, 3, 31)),
        (date(2028, 2, 10), date(2028, 2, 29), date(2028, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 30), date(2026, 6, 30)),
        (date(2026, 9, 30), date(2026, 9, 30), date(2026, 9, 30)),
        (date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 31)),
    ],
)
def test_end_of_month_and_quarter(d: date, eom: date, eoq: date) -> None:
    assert end_of_month(d) == eom
    assert end_of_quarter(d) == eoq


@pytest.mark.parametrize(
    ("d", "years", "expected"),
    [
        (date(2026, 11, 29), 1, date(2025, 11, 29)),
        (date(2028, 2, 29), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 4, date(2024, 2, 29)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
    ],
)
def test_years_ago(d: date, years: int, expected: date) -> None:
    assert years_ago(d, years) == expected


@pytest.mark.parametrize(("d", "text"), [(date(2026, 1, 2), "2026-01-02"), (None, "—")])
def test_format_date(d: date | None, text: str) -> None:
    assert format_date(d) == text


def test_format_date_custom_empty() -> None:
    assert format_date(None, empty="") == ""


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 11, 30), True),  # Monday
    ],
)
def test_is_working_day(d: date, working: bool) -> None:
    assert is_working_day(d) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Fri + 1 = Mon
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Sat + 1 = Mon
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # Sun + 5 = Fri
        (date(2026, 11, 30), 5, date(2026, 12, 7)),  # Mon + 5 = next Mon
        (date(2026, 11, 30), -1, date(2026, 11, 27)),  # Mon - 1 = Fri
        (date(2026, 11, 30), 0, date(2026, 11, 30)),
        (date(2026, 11, 29), 0, date(2026, 11, 29)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Fri -> Mon
        (date(2026, 11, 30), date(2026, 11, 27), -1),
        (date(2026, 11, 28), date(2026, 11, 29), 0),  # Sat -> Sun
        (date(2026, 11, 30), date(2026, 12, 7), 5),
        (date(2026, 11, 30), date(2026, 11, 30), 0),
        (date(2026, 1, 1), date(2026, 12, 31), 260),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10", (2026, 10)), (" 2026-01 ", (2026, 1)), ("2026-12", (2026, 12))],
)
def test_parse_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "Oct 2026", "", "2026/10"])
def test_parse_month_refused(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_month(text)
    assert str(exc.value) == f"“{text.strip()}” is not a month; type it as 2026-10"


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@settings(deadline=None)
@given(_DATES)
def test_iso_dates_parse_to_themselves(d: date) -> None:
    assert parse_date(d.isoformat(), TODAY) == d


@settings(deadline=None)
@given(_DATES)
def test_day_first_numeric_dates_parse_to_themselves(d: date) -> None:
    assert parse_date(f"{d.day}/{d.month}/{d.year}", TODAY) == d
    assert parse_date(f"{d.month}/{d.day}/{d.year}", TODAY, day_first=False) == d


_DATEISH = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A[+-] ?\d{1,4} ?[dwmy]\Z"),
    st.from_regex(r"\A\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\Z"),
    st.from_regex(r"\A\d{1,2}(st|nd|rd|th)? [a-z]{2,9}\.?(,? \d{4})?\Z"),
    st.from_regex(r"\A[a-z]{2,9}\.? \d{1,2}(,? \d{4})?\Z"),
)


@settings(deadline=None)
@given(_DATEISH, st.booleans(), _DATES)
def test_parse_date_never_raises_anything_else(text: str, day_first: bool, today: date) -> None:
    try:
        result = parse_date(text, today, day_first=day_first)
    except DateError as exc:
        assert str(exc)
    else:
        assert result is None or isinstance(result, date)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 400))
def test_add_working_days_lands_on_a_working_day_and_counts_back(start: date, n: int) -> None:
    end = add_working_days(start, n)
    if n:
        assert is_working_day(end)
    assert working_days_between(start, end) == n


@settings(deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(-100, 100),
)
def test_working_days_between_matches_counting_day_by_day(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    lo, hi = sorted((start, end))
    count = sum(is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    expected = count if end >= start else -count
    assert working_days_between(start, end) == expected
