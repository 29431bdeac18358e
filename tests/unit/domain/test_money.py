"""Money: parsing what people type, formatting minor units, and their round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain.money import (
    MAX_MAJOR,
    MoneyError,
    exponent,
    format_compact,
    format_money,
    parse_money,
)

EXAMPLE = "type a number such as 12000, 12,000.50 or £12k"


# ---------------------------------------------------------------------------
# parse_money: accepted forms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12000", 1_200_000),
        ("12,000", 1_200_000),
        ("12,000.50", 1_200_050),
        ("1,234.56", 123_456),
        ("1,234,567.89", 123_456_789),
        ("0", 0),
        ("0.5", 50),
        ("0.05", 5),
        ("12.5", 1_250),
        ("£12k", 1_200_000),
        ("12k", 1_200_000),
        ("12K", 1_200_000),
        ("12 k", 1_200_000),
        ("1.5m", 150_000_000),
        ("£1.5M", 150_000_000),
        ("1bn", 100_000_000_000),
        ("£12,000.50", 1_200_050),
        ("£ 12", 1_200),
        ("12£", 1_200),
        ("GBP 12", 1_200),
        ("12 GBP", 1_200),
        ("gbp 12", 1_200),
        ("+12", 1_200),
        ("  12  ", 1_200),
        ("12 000", 1_200_000),
        ("12\u00a0000", 1_200_000),
        ("12\u202f000.50", 1_200_050),
        ("12'000", 1_200_000),
        (12, 1_200),
        ("1,000,000,000", 100_000_000_000),
    ],
)
def test_parse_money_accepts(text: str | int, minor: int) -> None:
    assert parse_money(text) == minor


@pytest.mark.parametrize("text", [None, "", "   ", "\t"])
def test_parse_money_empty_is_none(text: str | None) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("-5", -500),
        ("\u22125", -500),
        ("(1,234.00)", -123_400),
        ("£-5", -500),
        ("-£5", -500),
        ("5-", -500),
        ("-12k", -1_200_000),
        ("-0.01", -1),
    ],
)
def test_parse_money_negative_when_allowed(text: str, minor: int) -> None:
    assert parse_money(text, allow_negative=True) == minor


@pytest.mark.parametrize("text", ["-5", "\u22125", "(1,234.00)", "£-5", "-£5", "5-", "-12k"])
def test_parse_money_negative_refused_by_default(text: str) -> None:
    with pytest.raises(MoneyError) as exc:
        parse_money(text)
    assert str(exc.value) == "cannot be negative"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", f"“abc” is not an amount; {EXAMPLE}"),
        ("12x", f"“12x” is not an amount; {EXAMPLE}"),
        ("twelve", f"“twelve” is not an amount; {EXAMPLE}"),
        ("1.2.3", f"“1.2.3” is not an amount; {EXAMPLE}"),
        ("£", f"“£” is not an amount; {EXAMPLE}"),
        ("k", f"“k” is not an amount; {EXAMPLE}"),
        ("GBP", f"“GBP” is not an amount; {EXAMPLE}"),
        ("1e5", f"“1e5” is not an amount; {EXAMPLE}"),
        ("12.", f"“12.” is not an amount; {EXAMPLE}"),
        ("1,23", "“1,23” has its thousands separators in the wrong place"),
        ("1,2345", "“1,2345” has its thousands separators in the wrong place"),
        ("12,00.50", "“12,00.50” has its thousands separators in the wrong place"),
        ("1.234,56", "“1.234,56” uses a decimal comma; write it as 1,234.56"),
        ("12.345", "“12.345” has more than 2 decimal places"),
        ("0.001", "“0.001” has more than 2 decimal places"),
        ("2bn", "“2bn” is too large; the most mops records is 1,000,000,000"),
        (
            "1,000,000,000.01",
            "“1,000,000,000.01” is too large; the most mops records is 1,000,000,000",
        ),
    ],
)
def test_parse_money_refuses_with_message(text: str, message: str) -> None:
    with pytest.raises(MoneyError) as exc:
        parse_money(text)
    assert str(exc.value) == message


def test_parse_money_long_input_is_shortened_in_the_message() -> None:
    text = "x" * 40
    with pytest.raises(MoneyError) as exc:
        parse_money(text)
    assert str(exc.value) == f"“{'x' * 27}...” is not an amount; {EXAMPLE}"


@pytest.mark.parametrize("value", [True, False])
def test_parse_money_refuses_booleans(value: bool) -> None:
    with pytest.raises(MoneyError) as exc:
        parse_money(value)
    assert str(exc.value) == "is not an amount"


def test_parse_money_is_a_value_error() -> None:
    # Faces and pydantic both rely on MoneyError being a ValueError.
    assert issubclass(MoneyError, ValueError)


def test_parse_money_at_the_limit_is_accepted() -> None:
    assert parse_money(str(MAX_MAJOR)) == int(MAX_MAJOR) * 100


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("¥1,000", "JPY", 1_000),
        ("1000", "JPY", 1_000),
        ("1.234", "BHD", 1_234),
        ("€12,000.50", "EUR", 1_200_050),
        ("$5", "USD", 500),
        ("CHF 10", "CHF", 1_000),
    ],
)
def test_parse_money_other_currencies(text: str, currency: str, minor: int) -> None:
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("100.5", "JPY", "“100.5” has decimals, but JPY has no minor unit"),
        ("1.2345", "BHD", "“1.2345” has more than 3 decimal places"),
    ],
)
def test_parse_money_currency_decimals_refused(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError) as exc:
        parse_money(text, currency)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1.234,56", 123_456),
        ("12,5", 1_250),
        ("12", 1_200),
        ("1.234.567,89", 123_456_789),
        ("1 234,56", 123_456),
        ("€1.234,56", 123_456),
    ],
)
def test_parse_money_decimal_comma(text: str, minor: int) -> None:
    assert parse_money(text, "EUR", decimal_comma=True) == minor


@pytest.mark.parametrize("text", ["1,234.56", "abc", "12,34,56"])
def test_parse_money_decimal_comma_refused(text: str) -> None:
    with pytest.raises(MoneyError) as exc:
        parse_money(text, "EUR", decimal_comma=True)
    assert str(exc.value) == f"“{text}” is not an amount; type a number such as 1.234,56"


@pytest.mark.parametrize("text", ["--5", "(-5)", "-£-5"])
def test_parse_money_refuses_doubled_signs(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text, allow_negative=True)


@pytest.mark.parametrize("text", ["$100", "€100", "USD 100"])
def test_parse_money_refuses_a_different_currency(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text, "GBP")


# ---------------------------------------------------------------------------
# exponent
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "places"),
    [("GBP", 2), ("USD", 2), ("EUR", 2), ("JPY", 0), ("jpy", 0), ("KRW", 0), ("BHD", 3)],
)
def test_exponent(currency: str, places: int) -> None:
    assert exponent(currency) == places


# ---------------------------------------------------------------------------
# format_money
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "kwargs", "text"),
    [
        (1_200_000, {}, "£12,000"),
        (1_200_050, {}, "£12,000.50"),
        (1_200_000, {"exact": True}, "£12,000.00"),
        (5, {}, "£0.05"),
        (0, {}, "£0"),
        (0, {"exact": True}, "£0.00"),
        (-150, {}, "-£1.50"),
        (-150_000, {}, "-£1,500"),
        (1_200_000, {"symbol": False}, "12,000"),
        (-1_200_050, {"symbol": False}, "-12,000.50"),
        (123_456_789, {"grouping": False}, "£1234567.89"),
        (123_456_700, {"grouping": False, "symbol": False}, "1234567"),
        (None, {}, "—"),
        (None, {"empty": "n/a"}, "n/a"),
        (1_200_000, {"currency": "USD"}, "$12,000"),
        (1_200_000, {"currency": "EUR"}, "€12,000"),
        (1_200_000, {"currency": "CHF"}, "CHF 12,000"),
        (1_200_000, {"currency": "chf"}, "CHF 12,000"),
        (1_000, {"currency": "JPY"}, "¥1,000"),
        (1_000, {"currency": "JPY", "exact": True}, "¥1,000"),
        (1_234, {"currency": "BHD"}, "BHD 1.234"),
        (1_000, {"currency": "BHD", "exact": True}, "BHD 1.000"),
    ],
)
def test_format_money(minor: int | None, kwargs: dict[str, object], text: str) -> None:
    assert format_money(minor, **kwargs) == text  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# format_compact
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "GBP", "£0"),
        (95_000, "GBP", "£950"),
        (100_000, "GBP", "£1k"),
        (120_000, "GBP", "£1.2k"),
        (1_260_000, "GBP", "£13k"),
        (100_000_000, "GBP", "£1m"),
        (150_000_000, "GBP", "£1.5m"),
        (-120_000, "GBP", "-£1.2k"),
        (120_000, "CHF", "CHF 1.2k"),
        (1_200, "JPY", "¥1.2k"),
    ],
)
def test_format_compact(minor: int, currency: str, text: str) -> None:
    assert format_compact(minor, currency) == text


def test_format_compact_empty() -> None:
    assert format_compact(None) == "—"
    assert format_compact(None, empty="") == ""


@pytest.mark.parametrize(("minor", "text"), [(99_999_950, "£1m"), (99_960, "£1k")])
def test_format_compact_boundaries(minor: int, text: str) -> None:
    assert format_compact(minor) == text


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

LIMIT = 10**11  # £1,000,000,000.00 in pence, the largest amount mops records


@settings(deadline=None)
@given(st.integers(min_value=-LIMIT, max_value=LIMIT))
def test_round_trip_exact(minor: int) -> None:
    assert parse_money(format_money(minor, exact=True), allow_negative=True) == minor


@settings(deadline=None)
@given(st.integers(min_value=-LIMIT, max_value=LIMIT))
def test_round_trip_short_form(minor: int) -> None:
    assert parse_money(format_money(minor), allow_negative=True) == minor


@settings(deadline=None)
@given(st.integers(min_value=-LIMIT, max_value=LIMIT))
def test_round_trip_without_grouping_or_symbol(minor: int) -> None:
    text = format_money(minor, exact=True, grouping=False, symbol=False)
    assert parse_money(text, allow_negative=True) == minor


@settings(deadline=None)
@given(
    st.sampled_from([("JPY", 10**9), ("BHD", 10**12), ("EUR", 10**11), ("CHF", 10**11)]),
    st.data(),
)
def test_round_trip_other_currencies(spec: tuple[str, int], data: st.DataObject) -> None:
    currency, limit = spec
    minor = data.draw(st.integers(min_value=-limit, max_value=limit))
    text = format_money(minor, currency, exact=True)
    assert parse_money(text, currency, allow_negative=True) == minor


_MONEYISH = st.text(alphabet="0123456789,.£$€-+()kKmMbn GBPUSD\u00a0'\u2212", max_size=25)


@settings(deadline=None)
@given(st.one_of(st.text(max_size=60), _MONEYISH), st.booleans(), st.booleans())
def test_parse_money_never_raises_anything_else(
    text: str, allow_negative: bool, decimal_comma: bool
) -> None:
    try:
        result = parse_money(text, allow_negative=allow_negative, decimal_comma=decimal_comma)
    except MoneyError as exc:
        assert str(exc)
    else:
        assert result is None or isinstance(result, int)
        if result is not None:
            assert abs(result) <= LIMIT
            if not allow_negative:
                assert result >= 0
