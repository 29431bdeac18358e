"""The fast path for plain amounts (``money._parse_plain``) agrees with the full parser.

``parse_money`` tries ``_parse_plain`` first and falls back to the Decimal parser when it
returns ``None``. For every text the fast path answers, the full parser must give the
same minor units; for every text the full parser refuses, the fast path must step aside
(``None``), so the refusal and its message still come from the full parser.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain import money
from mops_tui.domain.money import MoneyError, parse_money

CURRENCIES = ("GBP", "EUR", "USD", "JPY", "KRW", "BHD", "KWD", "gbp", "jpy")


def answer(
    text: str, currency: str, allow_negative: bool, decimal_comma: bool, *, fast: bool = True
) -> int | str | None:
    """What ``parse_money`` says (minor units, ``None`` for a blank, or the refusal's
    message), with the fast path or with the Decimal parser alone."""
    saved = money._parse_plain
    if not fast:
        money._parse_plain = lambda *_args: None
    try:
        result = parse_money(
            text, currency, allow_negative=allow_negative, decimal_comma=decimal_comma
        )
    except MoneyError as exc:
        return f"refused: {exc}"
    finally:
        money._parse_plain = saved
    return result


def agree(text: str, currency: str, allow_negative: bool, decimal_comma: bool) -> None:
    where = f"{text!r} in {currency} (negative {allow_negative}, comma {decimal_comma})"
    slow = answer(text, currency, allow_negative, decimal_comma, fast=False)
    fast = money._parse_plain(text.strip(), currency, allow_negative, decimal_comma)
    if fast is not None:
        assert type(fast) is int, where
        assert fast == slow, f"{where}: fast path gave {fast}, full parser {slow}"
    # Whichever path answers, parse_money says what the full parser says, word for word.
    assert answer(text, currency, allow_negative, decimal_comma) == slow, where


def grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def texts(rng: random.Random) -> Iterator[str]:
    """Amounts as exports write them, and the near misses around them."""
    majors = [
        "0",
        "1",
        "7",
        "12",
        "999",
        "1000",
        "1234",
        "12345",
        "123456",
        "1234567",
        "999999999",
        "1000000000",  # the limit itself
        "1000000001",
        "9999999999",
        "12345678901234567890",
        "007",
        "0001234",
        "000000000000",
    ]
    majors += [str(rng.randrange(10 ** rng.randrange(1, 12))) for _ in range(25)]
    decimals = ["", "0", "5", "00", "05", "50", "99", "000", "500", "505", "0000", "1234"]
    for major in majors:
        for decimal in decimals:
            for sign in ("", "-"):
                for point, comma in ((".", ","), (",", ".")):
                    tail = f"{point}{decimal}" if decimal else ""
                    yield f"{sign}{major}{tail}"
                    if len(major) > 3:
                        yield f"{sign}{grouped(major, comma)}{tail}"
                        yield f"{sign}{grouped(major, point)}{tail}"  # the wrong separator
    yield from (
        "1,23",
        "1,2345",
        "12,34,567",
        "1,234,56",
        "1.234.56",
        "1,234.5.6",
        ",123",
        "123,",
        ".5",
        "5.",
        "-",
        "--5",
        "+5",
        "- 5",
        " 5",
        "5 ",
        "1 234",
        "1\u00a0234,56",
        "1'234.56",
        "£12",
        "12k",
        "(12.00)",
        "12-",
        "\u22125",
        "١٢٣",  # Arabic-Indic digits: the full parser's business
        "１２",  # fullwidth digits
        "0x10",
        "1e3",
        "NaN",
        "",
    )


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("allow_negative", [True, False])
@pytest.mark.parametrize("currency", CURRENCIES)
def test_the_fast_path_agrees_with_the_full_parser(
    currency: str, allow_negative: bool, decimal_comma: bool
) -> None:
    rng = random.Random(f"{currency}{allow_negative}{decimal_comma}")
    answered = 0
    for text in texts(rng):
        agree(text, currency, allow_negative, decimal_comma)
        answered += money._parse_plain(text, currency, allow_negative, decimal_comma) is not None
    assert answered > 100  # the fast path is really taken


@pytest.mark.parametrize(
    ("text", "currency", "decimal_comma", "expected"),
    [
        ("1,234.56", "GBP", False, 123456),
        ("-84.2", "GBP", False, -8420),
        ("1.234,56", "EUR", True, 123456),
        ("12,50", "EUR", True, 1250),
        ("1234", "JPY", False, 1234),
        ("1.234", "BHD", False, 1234),
        ("007.50", "GBP", False, 750),
        ("999,999,999.99", "GBP", False, 99999999999),
    ],
)
def test_plain_amounts_take_the_fast_path(
    text: str, currency: str, decimal_comma: bool, expected: int
) -> None:
    assert money._parse_plain(text, currency, True, decimal_comma) == expected
    assert parse_money(text, currency, allow_negative=True, decimal_comma=decimal_comma) == (
        expected
    )


@pytest.mark.parametrize(
    ("text", "currency", "decimal_comma", "allow_negative"),
    [
        ("12.505", "GBP", False, True),  # too many decimals: the full parser says so
        ("12.500", "GBP", False, True),  # zeros past the pence: Decimal decides (fine)
        ("12.5", "JPY", False, True),  # yen have no minor unit
        ("1,000,000,000.01", "GBP", False, True),  # past the limit
        ("1000000000", "GBP", False, True),  # at the limit: the full parser decides
        ("-5", "GBP", False, False),  # negative where it is not allowed
        ("1,23", "GBP", False, True),  # a decimal comma in a decimal-point file
        ("1.234,56", "GBP", False, True),
        ("١٢٣", "GBP", False, True),
    ],
)
def test_the_fast_path_steps_aside_for_what_needs_a_reason(
    text: str, currency: str, decimal_comma: bool, allow_negative: bool
) -> None:
    assert money._parse_plain(text, currency, allow_negative, decimal_comma) is None


amount_text = st.builds(
    lambda sign, major, decimals, group, comma: (
        sign
        + (grouped(str(major), "." if comma else ",") if group else str(major))
        + ((("," if comma else ".") + decimals) if decimals is not None else "")
    ),
    st.sampled_from(["", "-", "--", "+"]),
    st.one_of(st.integers(0, 10**12), st.integers(0, 999)),
    st.one_of(st.none(), st.text("0123456789", min_size=0, max_size=5)),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(amount_text, st.text("0123456789.,- ", max_size=14)),
    currency=st.sampled_from(CURRENCIES),
    allow_negative=st.booleans(),
    decimal_comma=st.booleans(),
)
def test_the_fast_path_agrees_for_any_text(
    text: str, currency: str, allow_negative: bool, decimal_comma: bool
) -> None:
    agree(text, currency, allow_negative, decimal_comma)
