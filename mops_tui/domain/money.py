"""Money as integer minor units, never a float.

``parse_money`` accepts what people type or what finance exports hold (``12000``,
``12,000.50``, ``£12k``, ``1.5m``, ``(1,234.00)``, ``1.234,56`` with a decimal comma)
and refuses anything ambiguous with a message that says what to type instead.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from mops_tui.domain.text import quoted

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹"}
_SYMBOL_CHARS = "£$€¥₹"
# ISO 4217 minor-unit exponents that differ from 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3}
_MULTIPLIERS = {"k": Decimal(1_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
# A billion in major units is beyond any marketing budget line and keeps every
# value well inside a 64-bit integer column.
MAX_MAJOR = Decimal(1_000_000_000)

_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_PLAIN_COMMA = re.compile(r"^\d+(?:,\d+)?$")
_SPACED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?$")
# What exports hold most of the time, parsed without Decimal: an optional leading minus,
# digits (grouped in threes or not) and decimals. ASCII digits only: ``\d`` would also
# take other scripts' digits, which the full parser reads through ``Decimal``.
_FAST_POINT = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_FAST_COMMA = re.compile(r"(-?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?")
_MAX_MAJOR_INT = 1_000_000_000


class MoneyError(ValueError):
    """A typed amount that is not a valid amount. ``str()`` is the user message."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def parse_money(
    text: str | int | None,
    currency: str = "GBP",
    *,
    allow_negative: bool = False,
    decimal_comma: bool = False,
) -> int | None:
    """Return minor units, or ``None`` for an empty value.

    Raises ``MoneyError`` with a plain-language reason for anything else.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise MoneyError("is not an amount")
    s = str(text).strip()
    if not s:
        return None
    fast = _parse_plain(s, currency, allow_negative, decimal_comma)
    if fast is not None:
        return fast
    shown = quoted(s)
    example = "type a number such as 12000, 12,000.50 or £12k"

    signs = 0
    if s.startswith("(") and s.endswith(")"):
        signs, s = 1, s[1:-1].strip()
    markers: list[str] = []
    for _ in range(2):  # a sign and a currency marker, in either order
        if s.startswith(("-", "\u2212")):
            signs, s = signs + 1, s[1:].strip()
        elif s.startswith("+"):
            s = s[1:].strip()
        s, found = _strip_currency(s)
        markers += found
    if s.endswith("-"):
        signs, s = signs + 1, s[:-1].strip()
    if signs > 1:
        raise MoneyError(f"“{shown}” has more than one minus sign")
    negative = signs == 1
    for marker in markers:
        if currency.upper() not in _CURRENCY_OF.get(marker, (marker,)):
            code = currency.upper()
            raise MoneyError(
                f"“{shown}” is in {_NAMES.get(marker, marker)}, but this workspace keeps "
                f"amounts in {code}; enter it in {code}"
            )

    multiplier = Decimal(1)
    low = s.lower()
    for suffix in ("bn", "k", "m"):
        if low.endswith(suffix) and low[: -len(suffix)].strip():
            multiplier = _MULTIPLIERS[suffix]
            s = s[: -len(suffix)].strip()
            break

    if decimal_comma:
        if _GROUPED_COMMA.match(s) or _PLAIN_COMMA.match(s):
            number = s.replace(".", "").replace(",", ".")
        elif _SPACED.match(s):
            number = re.sub(r"[ \u00a0\u202f']", "", s).replace(",", ".")
        else:
            raise MoneyError(f"“{shown}” is not an amount; type a number such as 1.234,56")
    elif _GROUPED.match(s) or _PLAIN.match(s):
        number = s.replace(",", "")
    elif _SPACED.match(s):
        number = re.sub(r"[ \u00a0\u202f']", "", s)
    elif re.match(r"^[\d,]+(\.\d+)?$", s) and "," in s:
        raise MoneyError(f"“{shown}” has its thousands separators in the wrong place")
    elif re.match(r"^\d{1,3}(\.\d{3})+,\d+$", s):
        raise MoneyError(f"“{shown}” uses a decimal comma; write it as {_swap(s)}")
    else:
        raise MoneyError(f"“{shown}” is not an amount; {example}")

    try:
        value = Decimal(number) * multiplier
    except InvalidOperation as exc:
        raise MoneyError(f"“{shown}” is not an amount; {example}") from exc
    if value > MAX_MAJOR:
        raise MoneyError(f"“{shown}” is too large; the most mops records is 1,000,000,000")
    places = exponent(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        if places == 0:
            raise MoneyError(f"“{shown}” has decimals, but {currency} has no minor unit")
        raise MoneyError(f"“{shown}” has more than {places} decimal places")
    minor = int(scaled)
    if negative:
        if not allow_negative:
            raise MoneyError("cannot be negative")
        minor = -minor
    return minor


def _parse_plain(s: str, currency: str, allow_negative: bool, decimal_comma: bool) -> int | None:
    """Minor units for a plain number (``1,234.56``, ``-84.2``, ``1.234,56`` with a
    decimal comma), the same as the full parser gives; ``None`` for anything else,
    including every value the full parser refuses, so it says why."""
    m = (_FAST_COMMA if decimal_comma else _FAST_POINT).fullmatch(s)
    if m is None:
        return None
    sign, whole, decimals = m.groups()
    if sign and not allow_negative:
        return None
    places: int = _EXPONENTS.get(currency.upper(), 2)
    if decimals is None:
        decimals = ""
    elif len(decimals) > places:
        return None  # 12.500 is fine, 12.505 is not: let Decimal decide
    if len(whole) > 3:
        whole = whole.replace("." if decimal_comma else ",", "")
        if len(whole) > 9 and int(whole) >= _MAX_MAJOR_INT:
            return None  # at or past the limit: the full parser's checks apply
    # The digits of the major units and of the minor units padded to the exponent, read
    # as one integer, are major * 10**places + minor.
    minor = int(whole + decimals.ljust(places, "0"))
    return -minor if sign else minor


_CURRENCY_OF: dict[str, tuple[str, ...]] = {
    "£": ("GBP",),
    "$": ("USD", "AUD", "CAD", "NZD", "SGD", "HKD", "MXN"),
    "€": ("EUR",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
}
_NAMES = {"£": "pounds", "$": "dollars", "€": "euros", "¥": "yen", "₹": "rupees"}
_LEADING_CODE = re.compile(r"^([A-Za-z]{3})\s*(?=[\d.,(+\-\u2212£$€¥₹])")
_TRAILING_CODE = re.compile(r"(?<=[\d.)\s])\s*([A-Za-z]{3})$")


def _strip_currency(s: str) -> tuple[str, list[str]]:
    """Remove a currency symbol or ISO code from either end; return what was found."""
    found: list[str] = []
    if s and s[0] in _SYMBOL_CHARS:
        found.append(s[0])
        s = s[1:].strip()
    if s and s[-1] in _SYMBOL_CHARS:
        found.append(s[-1])
        s = s[:-1].strip()
    m = _LEADING_CODE.match(s)
    if m and m.group(1).lower() not in ("bn",):
        found.append(m.group(1).upper())
        s = s[m.end() :].strip()
    m = _TRAILING_CODE.search(s)
    if m and m.group(1).lower() not in ("bn",):
        found.append(m.group(1).upper())
        s = s[: m.start()].strip()
    return s, found


def _swap(s: str) -> str:
    return s.replace(".", "\0").replace(",", ".").replace("\0", ",")


def format_money(
    minor: int | None,
    currency: str = "GBP",
    *,
    exact: bool = False,
    symbol: bool = True,
    grouping: bool = True,
    empty: str = "—",
) -> str:
    """Format minor units. ``exact`` always shows the minor digits.

    Without ``exact`` the minor digits are shown only when they are not zero, which
    keeps tables short (``£12,000``) without hiding pence (``£12,000.50``).
    ``parse_money(format_money(x, exact=True))`` returns ``x``.
    """
    if minor is None:
        return empty
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    major, rest = divmod(abs(minor), 10**places) if places else (abs(minor), 0)
    body = f"{major:,}" if grouping else str(major)
    if places and (exact or rest):
        body += "." + str(rest).rjust(places, "0")
    if not symbol:
        return sign + body
    sym = SYMBOLS.get(currency.upper())
    if sym:
        return f"{sign}{sym}{body}"
    return f"{sign}{currency.upper()} {body}"


def format_compact(minor: int | None, currency: str = "GBP", empty: str = "—") -> str:
    """A short form for narrow columns: £950, £1.2k, £12k, £1.5m."""
    if minor is None:
        return empty
    places = exponent(currency)
    major = Decimal(abs(minor)).scaleb(-places)
    sign = "-" if minor < 0 else ""
    sym = SYMBOLS.get(currency.upper(), currency.upper() + " ")

    def short(value: Decimal, digits: int) -> str:
        text = f"{value:.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    # Round first, then choose the unit, so £999,999.50 reads £1m, not £1000k.
    if round(major) >= 999_950 or major >= 1_000_000:
        text = short(major / 1_000_000, 1) + "m"
    elif round(major / 1_000) >= 10 or major >= 9_999.5:
        text = short(major / 1_000, 0) + "k"
    elif round(major) >= 1_000:
        text = short(major / 1_000, 1) + "k"
    else:
        text = short(major, 0)
    return f"{sign}{sym}{text}"
