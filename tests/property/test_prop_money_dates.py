"""Promise 3, money and dates.

Money: every amount ``format_money`` writes, in every currency (JPY with no minor unit,
BHD and KWD with three), with or without symbol, grouping and minor digits, negative or
not, and rewritten the ways finance exports write it (decimal comma, accounting
brackets, trailing minus, ISO code before or after), parses back to the same minor units.

Dates: ``parse_date`` never returns a date it was not asked for. Every well-formed date
in each accepted absolute form parses to exactly that date, whatever today is; every
impossible one (2026-02-30, month 13, day 0) is refused; and for any text at all, a date
it returns names the day, month and year the text holds (relative words aside).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import pytest
from hostile import hostile_text
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mops_tui.domain.dates import DateError, format_date, parse_date
from mops_tui.domain.money import MAX_MAJOR, MoneyError, exponent, format_money, parse_money

EXAMPLES = settings(max_examples=300, deadline=None)
CURRENCIES = ("GBP", "USD", "EUR", "JPY", "INR", "BHD", "KWD", "CHF", "KRW", "OMR")


@st.composite
def amounts(draw: st.DrawFn) -> tuple[int, str]:
    currency = draw(st.sampled_from(CURRENCIES))
    limit = int(MAX_MAJOR) * 10 ** exponent(currency)
    minor = draw(
        st.one_of(
            st.integers(min_value=-limit, max_value=limit),
            st.integers(min_value=-1_000, max_value=1_000),
            st.sampled_from((0, 1, -1, limit, -limit, 10 ** exponent(currency), 999_999)),
        )
    )
    return minor, currency


@EXAMPLES
@given(amounts(), st.booleans(), st.booleans(), st.booleans())
def test_every_formatted_amount_parses_back(
    amount: tuple[int, str], exact: bool, grouping: bool, symbol: bool
) -> None:
    minor, currency = amount
    text = format_money(minor, currency, exact=exact, grouping=grouping, symbol=symbol)
    assert parse_money(text, currency, allow_negative=True) == minor, text
    if minor < 0:
        with pytest.raises(MoneyError):
            parse_money(text, currency)
    else:
        assert parse_money(text, currency) == minor


def _swap(text: str) -> str:
    return text.replace(".", "\0").replace(",", ".").replace("\0", ",")


@EXAMPLES
@given(amounts(), st.booleans(), st.booleans())
def test_amounts_as_exports_write_them_parse_back(
    amount: tuple[int, str], grouping: bool, exact: bool
) -> None:
    minor, currency = amount
    body = format_money(abs(minor), currency, exact=exact, grouping=grouping, symbol=False)
    code = currency
    forms = {
        "decimal comma": (_swap(body), True),
        "code before": (f"{code} {body}", False),
        "code after": (f"{body} {code.lower()}", False),
    }
    if minor < 0:
        forms.update(
            {
                "brackets": (f"({body})", False),
                "trailing minus": (f"{body}-", False),
                "unicode minus": (f"\u2212{body}", False),
                "minus after code": (f"{code} -{body}", False),
            }
        )
    for name, (text, comma) in forms.items():
        if minor < 0 and name in ("decimal comma", "code before", "code after"):
            text = "-" + text
        got = parse_money(text, currency, allow_negative=True, decimal_comma=comma)
        assert got == minor, f"{name}: {text!r} in {currency} gave {got}"


@EXAMPLES
@given(amounts())
def test_one_past_the_limit_is_refused(amount: tuple[int, str]) -> None:
    _minor, currency = amount
    limit = int(MAX_MAJOR) * 10 ** exponent(currency)
    for minor in (limit + 1, limit + 10 ** exponent(currency)):
        text = format_money(minor, currency, exact=True)
        with pytest.raises(MoneyError, match="too large"):
            parse_money(text, currency, allow_negative=True)


@EXAMPLES
@given(
    st.sampled_from(("JPY", "KRW")),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=9),
)
def test_decimals_in_a_currency_without_minor_units_are_refused(
    currency: str, major: int, decimal: int
) -> None:
    with pytest.raises(MoneyError, match="no minor unit"):
        parse_money(f"{major}.{decimal}", currency)


@EXAMPLES
@given(st.sampled_from(("GBP", "BHD", "KWD")), st.integers(min_value=0, max_value=10**6))
def test_one_decimal_too_many_is_refused(currency: str, major: int) -> None:
    places = exponent(currency)
    with pytest.raises(MoneyError, match="decimal places"):
        parse_money(f"{major}.{'1' * (places + 1)}", currency)


@EXAMPLES
@given(hostile_text, st.sampled_from(CURRENCIES), st.booleans(), st.booleans())
def test_any_text_is_an_amount_or_a_message(
    text: str, currency: str, negative: bool, comma: bool
) -> None:
    try:
        minor = parse_money(text, currency, allow_negative=negative, decimal_comma=comma)
    except MoneyError as exc:
        assert str(exc).strip()
        str(exc).encode("utf-8")
    else:
        if minor is not None:
            assert abs(minor) <= int(MAX_MAJOR) * 10 ** exponent(currency)
            assert negative or minor >= 0
            # What it read is what it would write: the amount survives a round trip.
            again = format_money(minor, currency, exact=True)
            assert parse_money(again, currency, allow_negative=True) == minor


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
TODAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _month_words(month: int) -> list[str]:
    words = [calendar.month_name[month], calendar.month_abbr[month]]
    if month == 9:
        words.append("Sept")
    return words


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[date, str, bool]:
    """A date, a way of writing it mops accepts, and the day_first it needs."""
    d = draw(DATES)
    y, m, dd = d.year, d.month, d.day
    sep = draw(st.sampled_from("-/."))
    pad = draw(st.booleans())
    mm, ddd = (f"{m:02d}", f"{dd:02d}") if pad else (str(m), str(dd))
    word = draw(st.sampled_from(_month_words(m)))
    word = draw(st.sampled_from((word, word.lower(), word.upper())))
    dot = "." if draw(st.booleans()) and len(word) <= 4 else ""
    th = SUFFIX.get(dd, "th") if draw(st.booleans()) else ""
    comma = "," if draw(st.booleans()) else ""
    forms = [
        (f"{y}{sep}{mm}{sep}{ddd}", None),
        (f"{ddd}{sep}{mm}{sep}{y}", True),
        (f"{mm}{sep}{ddd}{sep}{y}", False),
        (f"{dd}{th} {word}{dot}{comma} {y}", None),
        (f"{word}{dot} {dd}{th}{comma} {y}", None),
    ]
    text, day_first = draw(st.sampled_from(forms))
    if day_first is None:
        day_first = draw(st.booleans())
    spaced = draw(st.sampled_from((text, f"  {text} ", text.replace(" ", "   "))))
    return d, spaced, day_first


@EXAMPLES
@given(written_dates(), TODAYS)
def test_a_written_date_parses_to_exactly_that_date(
    written: tuple[date, str, bool], today: date
) -> None:
    d, text, day_first = written
    assert parse_date(text, today, day_first=day_first) == d, text


@EXAMPLES
@given(DATES, TODAYS)
def test_format_date_parses_back(d: date, today: date) -> None:
    assert parse_date(format_date(d), today) == d


@EXAMPLES
@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
    st.sampled_from(("%d %b", "%b %d", "%d %B", "%B %d")),
    TODAYS,
)
def test_a_date_without_a_year_is_in_this_year(
    month: int, day: int, form: str, today: date
) -> None:
    last = calendar.monthrange(today.year, month)[1]
    text = (
        form.replace("%d", str(day))
        .replace("%b", calendar.month_abbr[month])
        .replace("%B", calendar.month_name[month])
    )
    if day <= last:
        assert parse_date(text, today) == date(today.year, month, day)
    else:
        with pytest.raises(DateError, match="is not a real date"):
            parse_date(text, today)


@st.composite
def impossible_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(min_value=1900, max_value=2200))
    month = draw(st.integers(min_value=1, max_value=12))
    last = calendar.monthrange(year, month)[1]
    kind = draw(st.sampled_from(("day", "zero", "month")))
    if kind == "day":
        day, mm = draw(st.integers(min_value=last + 1, max_value=99)), month
    elif kind == "zero":
        day, mm = 0, month
    else:
        day, mm = draw(st.integers(min_value=1, max_value=28)), draw(st.integers(13, 99))
    word = calendar.month_abbr[month]
    forms = [f"{year}-{mm:02d}-{day:02d}", f"{year}/{mm}/{day}"]
    if kind != "month":
        forms += [f"{day} {word} {year}", f"{word} {day}, {year}"]
    if day <= 99 and mm <= 99:
        forms += [f"{day:02d}/{mm:02d}/{year}"]
    return draw(st.sampled_from(forms))


@EXAMPLES
@given(impossible_dates(), TODAYS)
def test_an_impossible_date_is_refused(text: str, today: date) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text, today)
    assert text in str(exc.value)


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2027-02-29", "31/04/2026", "30 Feb 2026", "Feb 29, 2100", "0/1/2026"]
)
def test_impossible_dates_are_named_as_such(text: str) -> None:
    with pytest.raises(DateError, match="is not a real date"):
        parse_date(text, date(2026, 11, 29))


_RELATIVE = re.compile(
    r"today|tomorrow|yesterday|eo[mqy]|^\s*[+-]|"
    + "|".join(n.lower() for n in (*calendar.day_name, *calendar.day_abbr)),
    re.IGNORECASE,
)
_DATEISH = st.one_of(
    hostile_text,
    st.from_regex(r"\A\s*\d{1,4}[-/. ]{1,2}\d{1,2}[-/. ]{1,2}\d{1,4}\s*\Z"),
    st.from_regex(r"\A\d{1,2}(st|nd|rd|th)? [A-Za-z]{3,9}\.?(,? \d{1,5})?\Z"),
    st.from_regex(r"\A[A-Za-z]{3,9}\.? \d{1,3}(st|nd|rd|th)?(,? \d{1,5})?\Z"),
    written_dates().map(lambda w: w[1]),
)


@settings(max_examples=500, deadline=None)
@given(_DATEISH, TODAYS, st.booleans())
def test_a_parsed_date_is_the_one_the_text_names(text: str, today: date, day_first: bool) -> None:
    assume(not _RELATIVE.search(text))
    try:
        d = parse_date(text, today, day_first=day_first)
    except DateError as exc:
        assert str(exc).strip()
        return
    if d is None:
        assert not text.strip()
        return
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    months = {i for i in range(1, 13) for w in _month_words(i) if w.lower() in text.lower()}
    assert d.day in numbers, (text, d)
    assert d.month in numbers or d.month in months, (text, d)
    if any(n >= 1000 for n in numbers) or len(numbers) == 3:
        assert d.year in numbers, (text, d)
        # With the year written, today does not change the answer.
        other = date(today.year + 7, 1, 1)
        assert parse_date(text, other, day_first=day_first) == d
    else:
        assert d.year == today.year, (text, d)
