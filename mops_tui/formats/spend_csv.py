"""Spend exports from finance systems and ad platforms, turned into ledger import rows.

A finance export or an ad platform's cost report is read with
:func:`mops_tui.formats.csv_io.read_csv` (BOM, ``;``, quoting and blank lines are
handled there). This module then maps its columns to ledger fields and hands
``(row_number, {field: text})`` rows to ``services.ledger.import_spend``, which parses
every date and amount with the domain's rules. Values stay as text here: currency
symbols, thousands separators and decimal commas are left for the domain parser. Only
three things are normalised, none of which needs a number to be parsed:

* a trailing minus or ``CR`` (``123.45-``, ``123.45 CR``) or a sign after a currency
  (``£-5``, ``GBP -5``) becomes a leading ``-``, so the importer recognises the row as a
  refund; a ``DR`` suffix is dropped;
* ``debit`` and ``credit`` columns become one ``amount``: the debit as it is, a credit
  with a leading ``-`` (a credit alone is a refund). A debit *and* a credit on one row
  is reported, because working out the difference would mean parsing the numbers;
* a time of day after a numeric date (``2026-11-03 00:00:00``, ``2026-11-03T09:30Z``)
  is dropped; the date itself is left to the domain parser.

Header guesses (:func:`guess_mapping`) are case-, space- and punctuation-insensitive;
a bracketed part and a currency code are ignored, so ``Amount (GBP)``,
``amount_gbp`` and ``AMOUNT`` all read as ``amount``. What common exports map to:

=====================  ========================================================
Export                 Columns and the fields they map to
=====================  ========================================================
Finance / accounting   Date, Transaction Date, Posting Date, Invoice Date →
                       entry_date; Amount, Net Amount, Net, Cost, Spend, Total →
                       amount; Debit / Credit (Money out / Money in) → debit /
                       credit; Payee, Vendor, Supplier, Merchant, Description,
                       Account name → payee; Reference, Ref, Invoice, Invoice No,
                       PO, PO Number → reference; Budget line, Line → line;
                       Channel, Campaign type, Cost centre → channel; Tool →
                       tool; Brief → brief; Notes, Memo, Comment → note.
Google Ads             Day → entry_date; Cost → amount; Campaign → note;
                       Campaign type → channel. No payee column: set
                       ``payee=Google Ads`` (:func:`guess_settings` does).
Meta Ads               Reporting starts → entry_date; Amount spent (GBP) →
                       amount; Campaign name → note. Payee: ``Meta``.
LinkedIn Ads           Start Date (in UTC) → entry_date; Total Spent → amount;
                       Campaign Name → note; Account Name → payee, except that
                       :func:`guess_settings` uses ``LinkedIn`` as the payee.
                       LinkedIn writes dates month first (``11/3/2026``): import
                       it with ``day_first=False`` (:func:`guess_settings` sees it
                       from the values when a day is above 12).
=====================  ========================================================

A campaign name goes to ``note``, not ``reference``: references hold invoice and PO
numbers and are capped at 80 characters, which campaign names often exceed. Columns
such as Impressions, Clicks or Currency are ignored (``MappedRows.ignored_columns``).
A budget line is still required: map a ``line`` or ``channel`` column, or set one for
every row (``--set channel=Paid search``).

:func:`apply` never raises. Problems with the file as a whole (a mapped column that is
missing, a required field left unmapped, dates that contradict ``day_first``) and rows
that cannot be turned into an amount (a debit and a credit on one row) are listed in
``MappedRows.problems``; while there is any problem, ``rows`` is empty, so nothing can
be imported from a half-understood file. Only :func:`parse_map_option`,
:func:`parse_set_option` and :meth:`ImportSettings.from_dict` raise, and only
:class:`SpendCsvError`.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mops_tui.domain.errors import FieldError
from mops_tui.formats.csv_io import CsvTable

FIELDS: tuple[str, ...] = (
    "entry_date",
    "amount",
    "debit",
    "credit",
    "payee",
    "reference",
    "line",
    "channel",
    "tool",
    "brief",
    "note",
    "kind",
)
"""Ledger fields a column can map to. ``debit``/``credit`` become ``amount``;
``channel`` names the budget line by channel and date when there is no ``line``."""

CONSTANT_FIELDS: tuple[str, ...] = tuple(
    f for f in FIELDS if f not in ("amount", "debit", "credit")
)
"""Fields that may be set once for every row (an amount never is)."""

MONEY_FIELDS: tuple[str, ...] = ("amount", "debit", "credit")

# Names a person may type for a field in ``--map`` / ``--set`` besides the field itself.
_FIELD_SYNONYMS = {
    "date": "entry_date",
    "entrydate": "entry_date",
    "budget_line": "line",
    "notes": "note",
}

# Normalised header names per field, best first (see ``header_key``).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "entry_date": (
        "entrydate",
        "date",
        "transactiondate",
        "txndate",
        "postingdate",
        "posteddate",
        "invoicedate",
        "paymentdate",
        "bookingdate",
        "valuedate",
        "day",
        "reportingstarts",
        "startdate",
        "datestart",
    ),
    "amount": (
        "amount",
        "netamount",
        "net",
        "amountspent",
        "totalspent",
        "spend",
        "spent",
        "cost",
        "total",
        "totalamount",
    ),
    "debit": ("debit", "debitamount", "debits", "dr", "moneyout", "paidout", "withdrawal"),
    "credit": ("credit", "creditamount", "credits", "cr", "moneyin", "paidin", "deposit"),
    "payee": (
        "payee",
        "vendor",
        "supplier",
        "merchant",
        "payeename",
        "vendorname",
        "suppliername",
        "merchantname",
        "paidto",
        "counterparty",
        "description",
        "accountname",
    ),
    "reference": (
        "reference",
        "ref",
        "referenceno",
        "referencenumber",
        "refno",
        "invoice",
        "invoiceno",
        "invoicenumber",
        "invoiceid",
        "invoiceref",
        "po",
        "pono",
        "ponumber",
        "purchaseorder",
        "purchaseorderno",
        "purchaseordernumber",
        "documentno",
        "documentnumber",
        "transactionid",
    ),
    "line": ("budgetline", "line", "budgetlineid"),
    "channel": (
        "channel",
        "marketingchannel",
        "campaigntype",
        "costcentre",
        "costcenter",
    ),
    "tool": ("tool", "toolname"),
    "brief": ("brief", "briefno", "briefnumber", "briefid"),
    "note": (
        "note",
        "notes",
        "memo",
        "comment",
        "comments",
        "narrative",
        "details",
        "campaign",
        "campaignname",
        "description",
    ),
    "kind": ("kind", "entrykind", "entrytype"),
}

# The order fields pick their column in: a column goes to the first field that wants it.
_GUESS_ORDER: tuple[str, ...] = (
    "entry_date",
    "amount",
    "payee",
    "reference",
    "line",
    "channel",
    "tool",
    "brief",
    "kind",
    "note",
)

# fmt: off
_CURRENCY_WORDS = frozenset({
    "gbp", "usd", "eur", "jpy", "inr", "aud", "cad", "nzd", "chf", "sek", "nok", "dkk",
    "pln", "sgd", "hkd", "zar", "cny", "mxn", "brl",
})
# fmt: on

# Ad platforms by the columns only their cost reports have together.
_PLATFORMS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("Google Ads", frozenset({"cost"}), frozenset({"campaign", "currencycode", "impr"})),
    (
        "Meta",
        frozenset({"amountspent"}),
        frozenset({"reportingstarts", "campaignname", "adsetname"}),
    ),
    ("LinkedIn", frozenset({"totalspent"}), frozenset({"startdate", "campaigngroupname"})),
)


class SpendCsvError(ValueError):
    """A ``--map`` / ``--set`` option or a saved profile that cannot be used.

    ``str()`` says what is wrong and what to type instead."""


# ---------------------------------------------------------------------------
# Header names
# ---------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A header name reduced to letters and digits: ``Amount (GBP)`` → ``amount``,
    ``Invoice No.`` → ``invoiceno``, ``Start Date (in UTC)`` → ``startdate``."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    words = re.findall(r"[^\W_]+", text)
    if len(words) > 1 and words[0] in _CURRENCY_WORDS:
        words = words[1:]
    if len(words) > 1 and words[-1] in _CURRENCY_WORDS:
        words = words[:-1]
        if len(words) > 1 and words[-1] == "in":
            words = words[:-1]
    return "".join(words)


def _loose(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def guess_mapping(header: list[str]) -> dict[str, str]:
    """``{field: column}`` for the columns whose names say what they hold.

    Each column is given to at most one field, the best name wins (``Date`` over
    ``Invoice Date``), and ties go to the leftmost column. Debit and credit columns are
    used when the file has both, or has one and no amount column; otherwise the
    amount column is."""
    keys = [(col, header_key(col)) for col in header if col and col.strip()]
    used: set[str] = set()

    def best(name: str) -> str | None:
        aliases = HEADER_ALIASES[name]
        found: tuple[int, int, str] | None = None
        for position, (col, key) in enumerate(keys):
            if col in used or key not in aliases:
                continue
            candidate = (aliases.index(key), position, col)
            if found is None or candidate < found:
                found = candidate
        return found[2] if found else None

    mapping: dict[str, str] = {}
    debit, credit = best("debit"), best("credit")
    split_money = bool(debit and credit)
    for name in _GUESS_ORDER:
        if name == "amount":
            if not split_money:
                column = best("amount")
                if column is not None:
                    mapping["amount"] = column
                    used.add(column)
                    continue
            for side, column in (("debit", debit), ("credit", credit)):
                if column is not None and column not in used:
                    mapping[side] = column
                    used.add(column)
            continue
        column = best(name)
        if column is not None:
            mapping[name] = column
            used.add(column)
    return {name: mapping[name] for name in FIELDS if name in mapping}


def detect_platform(header: list[str]) -> str | None:
    """``Google Ads``, ``Meta`` or ``LinkedIn`` when the header is that platform's
    cost report, else ``None``. The name is the payee an import should use."""
    keys = {header_key(col) for col in header if col}
    for name, must, any_of in _PLATFORMS:
        if must <= keys and keys & any_of:
            return name
    return None


# ---------------------------------------------------------------------------
# Options: --map, --set, profiles
# ---------------------------------------------------------------------------


def _field_name(text: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", str(text).strip().casefold())
    key = _FIELD_SYNONYMS.get(key, key)
    return key if key in FIELDS else None


def _fields_hint() -> str:
    return "the fields are " + ", ".join(FIELDS) + " (date= is short for entry_date)"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def _assignments(text: str, separators: str) -> list[str]:
    # Split at a separator only where the next piece looks like ``name=``: a column
    # name such as ``Amount (GBP, net)`` keeps its comma.
    pattern = rf"[{separators}](?=[^{separators}=]*=)"
    pieces = (piece.strip().strip(separators).strip() for piece in re.split(pattern, text))
    return [piece for piece in pieces if piece]


def parse_map_option(text: str) -> dict[str, str]:
    """``{field: column}`` from ``"entry_date=Posting Date,amount=Net Amount"``.

    Pairs are separated by ``,`` or ``;``; ``date=`` means ``entry_date=``; a column
    name may be quoted. Raises :class:`SpendCsvError` for an unknown field, a pair
    without ``=``, a field mapped twice or a column given to two fields."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for piece in _assignments(str(text or ""), ",;"):
        if "=" not in piece:
            raise SpendCsvError(
                f"“{piece[:40]}” is not FIELD=COLUMN; write it as amount=Net Amount"
            )
        name, column = piece.split("=", 1)
        found = _field_name(name)
        if found is None:
            unknown.append(name.strip() or "(blank)")
            continue
        column = _unquote(column)
        if not column:
            raise SpendCsvError(f"give the column for {found}, such as {found}=Amount")
        if found in mapping:
            raise SpendCsvError(f"{found} is mapped twice (to “{mapping[found]}” and “{column}”)")
        mapping[found] = column
    if unknown:
        names = ", ".join(f"“{n}”" for n in unknown)
        verb = "is not a field" if len(unknown) == 1 else "are not fields"
        raise SpendCsvError(f"{names} {verb} mops can import; {_fields_hint()}")
    _refuse_shared_columns(mapping)
    return mapping


def _refuse_shared_columns(mapping: Mapping[str, str]) -> None:
    seen: dict[str, str] = {}
    for name, column in mapping.items():
        key = _loose(column)
        if key in seen:
            raise SpendCsvError(
                f"the column “{column}” is mapped to both {seen[key]} and {name}; "
                "map each column to one field"
            )
        seen[key] = name


def parse_set_option(texts: str | Iterable[str]) -> dict[str, str]:
    """``{field: value}`` from ``--set channel=Paid search`` (repeatable; ``;`` also
    separates). The value is used for every row whose column is missing or blank.
    An amount cannot be set; raises :class:`SpendCsvError`."""
    items = [texts] if isinstance(texts, str) else list(texts)
    constants: dict[str, str] = {}
    for text in items:
        for piece in _assignments(str(text or ""), ";"):
            if "=" not in piece:
                raise SpendCsvError(
                    f"“{piece[:40]}” is not FIELD=VALUE; write it as channel=Paid search"
                )
            name, value = piece.split("=", 1)
            found = _field_name(name)
            if found is None:
                raise SpendCsvError(
                    f"“{name.strip() or '(blank)'}” is not a field mops can import; "
                    f"{_fields_hint()}"
                )
            if found not in CONSTANT_FIELDS:
                raise SpendCsvError(
                    f"{found} cannot be set for every row; map it to a column instead"
                )
            value = _unquote(value)
            if not value:
                raise SpendCsvError(f"give the value for {found}, such as {found}=Paid search")
            constants[found] = value
    return constants


@dataclass
class ImportSettings:
    """How to read one kind of export; saved as a named profile via ``to_dict``.

    ``mapping`` is ``{field: column}``; ``constants`` is ``{field: value}`` for every
    row whose column is missing or blank; ``decimal_comma`` ``None`` means detect it
    from the amounts; ``delimiter`` ``None`` means let ``read_csv`` sniff it."""

    mapping: dict[str, str] = field(default_factory=dict)
    day_first: bool = True
    decimal_comma: bool | None = None
    delimiter: str | None = None
    constants: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mapping": {str(k): str(v) for k, v in self.mapping.items()},
            "day_first": bool(self.day_first),
            "decimal_comma": None if self.decimal_comma is None else bool(self.decimal_comma),
            "delimiter": self.delimiter,
            "constants": {str(k): str(v) for k, v in self.constants.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportSettings:
        """Settings from a saved profile; unknown keys are ignored, bad values raise
        :class:`SpendCsvError`."""
        if not isinstance(data, Mapping):
            raise SpendCsvError("the import profile is not a set of settings")
        mapping = _str_dict(data.get("mapping"), "mapping")
        fixed: dict[str, str] = {}
        for name, column in mapping.items():
            found = _field_name(name)
            if found is None:
                raise SpendCsvError(
                    f"the profile maps “{name}”, which is not a field; {_fields_hint()}"
                )
            fixed[found] = column
        _refuse_shared_columns(fixed)
        constants = parse_set_option(
            f"{k}={v}" for k, v in _str_dict(data.get("constants"), "constants").items()
        )
        day_first = data.get("day_first", True)
        if not isinstance(day_first, bool):
            raise SpendCsvError("the profile's day_first must be true or false")
        decimal_comma = data.get("decimal_comma")
        if decimal_comma is not None and not isinstance(decimal_comma, bool):
            raise SpendCsvError("the profile's decimal_comma must be true, false or empty")
        delimiter = data.get("delimiter")
        if delimiter is not None and (
            not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'
        ):
            raise SpendCsvError("the profile's delimiter must be one character, such as ; or ,")
        return cls(fixed, day_first, decimal_comma, delimiter, constants)


def _str_dict(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SpendCsvError(f"the profile's {what} must map names to text")
    return dict(value)


def guess_settings(
    table: CsvTable,
    *,
    mapping: Mapping[str, str] | None = None,
    constants: Mapping[str, str] | None = None,
    day_first: bool | None = None,
    decimal_comma: bool | None = None,
) -> ImportSettings:
    """Settings for ``table``: what is given, with the rest guessed.

    The guessed mapping leaves out fields that ``constants`` set and columns that
    ``mapping`` uses; an ad-platform report gets the platform as its payee; with no
    ``day_first`` given, numeric dates decide it (a first number above 12 is a day, a
    second number above 12 means month first; day first when nothing tells)."""
    given = dict(mapping or {})
    fixed = dict(constants or {})
    platform = detect_platform(table.header)
    if platform and "payee" not in given:
        fixed.setdefault("payee", platform)
    taken = {_loose(c) for c in given.values()}
    guessed = {
        name: column
        for name, column in guess_mapping(table.header).items()
        if name not in fixed and name not in given and _loose(column) not in taken
    }
    if given.keys() & set(MONEY_FIELDS):
        guessed = {k: v for k, v in guessed.items() if k not in MONEY_FIELDS}
    if "line" in fixed:
        guessed.pop("channel", None)  # the line is known: a channel column adds nothing
    merged = {**guessed, **given}
    if day_first is None:
        column = _resolve(table.header, merged.get("entry_date", ""))
        values = [cells.get(column, "") for _n, cells in table.rows] if column else []
        first, second = _date_order_evidence(values)
        day_first = not (second and not first)
    return ImportSettings(
        mapping={name: merged[name] for name in FIELDS if name in merged},
        day_first=day_first,
        decimal_comma=decimal_comma,
        delimiter=table.delimiter,
        constants=fixed,
    )


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

_NUMBER_RUN = re.compile(r"\d(?:[\d.,'\u00a0\u202f ]*\d)?")
_SUFFIX = re.compile(r"^(?P<body>.*?\S)\s*(?P<mark>-|\u2212|cr|dr)\.?$", re.IGNORECASE)
_SYMBOL_THEN_SIGN = re.compile(r"^([£$€¥₹]|[A-Za-z]{3}(?=\s*[-\u2212]\s*\d))\s*[-\u2212]\s*(.+)$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_TIME = re.compile(
    r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})"
    r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?\s*"
    r"(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)$",
    re.IGNORECASE,
)
_BLANK_MONEY = frozenset({"", "-", "–", "—"})  # the dashes accountants write for nil
_ASCII_DIGITS = frozenset("0123456789")
_PLAIN_START = frozenset("0123456789-(.,")


def _separator_vote(text: str) -> int:
    """+1 when ``text`` uses a decimal comma, -1 a decimal point, 0 when it cannot tell."""
    m = _NUMBER_RUN.search(text)
    if m is None:
        return 0
    run = m.group()
    seps = [(i, c) for i, c in enumerate(run) if c in ".,"]
    if not seps:
        return 0
    index, last = seps[-1]
    after = len(run) - index - 1
    comma_is_last = 1 if last == "," else -1
    if len({c for _i, c in seps}) == 2:
        return comma_is_last  # both kinds: the last one is the decimal separator
    if len(seps) > 1 or after == 3:
        return -comma_is_last  # repeated, or 1,234: a thousands separator
    return comma_is_last


# Every ASCII digit as 0: a value's vote depends only on where its digits and
# separators are, so ``2,075.01`` and ``1,234.56`` share the shape ``0,000.00``.
_DIGIT_SHAPE = str.maketrans("123456789", "000000000")


def _decimal_votes(values: Iterable[str]) -> tuple[int, int]:
    comma = dot = 0
    votes: dict[str, int] = {}  # by shape: a long export has a handful of them
    for value in values:
        shape = str(value or "").translate(_DIGIT_SHAPE)
        vote = votes.get(shape)
        if vote is None:
            vote = votes[shape] = _separator_vote(shape)
        if vote > 0:
            comma += 1
        elif vote < 0:
            dot += 1
    return comma, dot


def detect_decimal_comma(values: list[str]) -> bool:
    """True when the amounts are written ``1.234,56`` / ``12,50`` rather than
    ``1,234.56``. Each value votes by its last separator and the digits after it; a
    single separator followed by exactly three digits (``1,234``) is a thousands
    separator. The majority wins; a tie or no evidence means a decimal point."""
    comma, dot = _decimal_votes(values)
    return comma > dot


def normalise_amount(text: str) -> str:
    """``text`` with a trailing minus or ``CR`` moved to the front (``123.45-`` →
    ``-123.45``, ``£5.00 CR`` → ``-£5.00``), a ``DR`` suffix dropped, and a sign after
    a leading currency symbol or code moved before it (``£-5`` → ``-£5``,
    ``GBP -5`` → ``-GBP 5``). Nothing is parsed."""
    s = str(text or "").strip()
    if s[-1:] in _ASCII_DIGITS and s[0] in _PLAIN_START:
        return s  # ends in a digit, starts with no symbol or code: nothing to move
    m = _SUFFIX.match(s)
    if m and (m.group("body")[-1].isdigit() or m.group("body")[-1] in ")£$€¥₹"):
        mark = m.group("mark").casefold()
        s = m.group("body").strip()
        if mark != "dr":
            s = "-" + s
    m = _SYMBOL_THEN_SIGN.match(s)
    if m:
        marker = m.group(1).upper() + " " if m.group(1).isalpha() else m.group(1)
        s = f"-{marker}{m.group(2).strip()}"
    return s


def _is_zero(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return bool(digits) and not digits.strip("0")


def _combine(debit: str, credit: str) -> tuple[str, bool]:
    """The ``amount`` text for a debit/credit pair, and whether both held money."""
    d = "" if debit.strip() in _BLANK_MONEY else normalise_amount(debit)
    c = "" if credit.strip() in _BLANK_MONEY else normalise_amount(credit)
    d_zero, c_zero = _is_zero(d), _is_zero(c)
    if d and c and not d_zero and not c_zero:
        return "", True
    if d and not d_zero:
        return d, False
    if c and not c_zero:
        if c.startswith(("-", "\u2212", "(")):
            return c, False  # already written as money coming back
        return "-" + c, False
    return d or c, False


def normalise_date(text: str) -> str:
    """``text`` without a time of day after a numeric date (``2026-11-03 00:00:00`` →
    ``2026-11-03``); anything else unchanged."""
    s = " ".join(str(text or "").split())
    m = _DATE_TIME.match(s)
    return m.group(1) if m else s


def _date_order_evidence(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Numeric dates whose first number is above 12 (so day first) and those whose
    second number is (so month first)."""
    first: list[str] = []
    second: list[str] = []
    seen: dict[str, tuple[str | None, str | None]] = {}  # a file repeats its dates
    for value in values:
        found = seen.get(value)
        if found is None:
            m = _NUMERIC_DATE.match(normalise_date(value))
            found = seen[value] = (
                (
                    m.group() if int(m.group(1)) > 12 else None,
                    m.group() if int(m.group(2)) > 12 else None,
                )
                if m
                else (None, None)
            )
        if found[0] is not None:
            first.append(found[0])
        if found[1] is not None:
            second.append(found[1])
    return first, second


# ---------------------------------------------------------------------------
# Applying a mapping
# ---------------------------------------------------------------------------


@dataclass
class MappedRows:
    """Import rows for ``services.ledger.import_spend`` and what stood in the way.

    ``rows`` keep the spreadsheet row numbers of the CSV (the header is row 1) and are
    empty while ``problems`` holds anything. Pass ``decimal_comma`` and ``day_first``
    on to ``import_spend``."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[FieldError] = field(default_factory=list)
    decimal_comma: bool = False
    day_first: bool = True
    ignored_columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _resolve(header: list[str], column: str) -> str | None:
    if not column:
        return None
    if column in header:
        return column
    wanted = _loose(column)
    matches = [h for h in header if h and _loose(h) == wanted]
    return matches[0] if len(matches) == 1 else None


def _columns_hint(header: list[str]) -> str:
    names = [h for h in header if h]
    shown = ", ".join(f"“{h}”" for h in names[:20])
    if len(names) > 20:
        shown += f" and {len(names) - 20} more"
    return f"the file's columns are {shown}" if names else "the file has no named columns"


def apply(table: CsvTable, settings: ImportSettings) -> MappedRows:
    """Map ``table``'s columns to ledger fields as ``settings`` say. Never raises."""
    result = MappedRows(day_first=bool(getattr(settings, "day_first", True)))
    problems = result.problems
    header = list(table.header)

    mapping: dict[str, str] = {}
    raw_mapping = getattr(settings, "mapping", None)
    raw_mapping = raw_mapping if isinstance(raw_mapping, Mapping) else {}
    owner_of: dict[str, str] = {}
    for name, column in raw_mapping.items():
        found = _field_name(str(name))
        if found is None:
            problems.append(
                FieldError(str(name), f"is not a field mops can import; {_fields_hint()}")
            )
            continue
        resolved = _resolve(header, str(column or "").strip())
        if resolved is None:
            problems.append(
                FieldError(
                    found,
                    f"the file has no column “{str(column or '').strip()}”; "
                    + _columns_hint(header),
                )
            )
            continue
        if resolved in owner_of:
            problems.append(
                FieldError(
                    found,
                    f"the column “{resolved}” is already mapped to {owner_of[resolved]}; "
                    "map each column to one field",
                )
            )
            continue
        owner_of[resolved] = found
        mapping[found] = resolved
    result.mapping = {name: mapping[name] for name in FIELDS if name in mapping}

    constants: dict[str, str] = {}
    raw_constants = getattr(settings, "constants", None)
    raw_constants = raw_constants if isinstance(raw_constants, Mapping) else {}
    for name, value in raw_constants.items():
        found = _field_name(str(name))
        if found is None or found not in CONSTANT_FIELDS:
            why = (
                "cannot be set for every row; map it to a column instead"
                if found
                else f"is not a field mops can import; {_fields_hint()}"
            )
            problems.append(FieldError(found or str(name), why))
            continue
        text = "" if value is None else str(value).strip()
        if text:
            constants[found] = text

    split_money = "debit" in mapping or "credit" in mapping
    if "amount" in mapping and split_money:
        problems.append(
            FieldError(
                "amount", "map either an amount column or debit and credit columns, not both"
            )
        )
    hint = _columns_hint(header)
    for name, present, what in (
        ("entry_date", "entry_date" in mapping or "entry_date" in constants, "the date"),
        ("amount", "amount" in mapping or split_money, "the amount (or debit and credit)"),
        ("payee", "payee" in mapping or "payee" in constants, "who was paid"),
        (
            "line",
            bool({"line", "channel"} & (mapping.keys() | constants.keys())),
            "the budget line or channel (or set one for every row, such as channel=Events)",
        ),
    ):
        if not present:
            problems.append(FieldError(name, f"no column is mapped to {what}; {hint}"))

    result.ignored_columns = [h for h in header if h and h not in owner_of]

    money_values = [
        cells.get(mapping[name], "")
        for _n, cells in table.rows
        for name in MONEY_FIELDS
        if name in mapping
    ]
    given_comma = getattr(settings, "decimal_comma", None)
    if isinstance(given_comma, bool):
        result.decimal_comma = given_comma
    else:
        comma, dot = _decimal_votes(money_values)
        result.decimal_comma = comma > dot or (comma == dot > 0 and table.delimiter == ";")

    if "entry_date" in mapping:
        dates = [cells.get(mapping["entry_date"], "") for _n, cells in table.rows]
        first, second = _date_order_evidence(dates)
        if result.day_first and second and not first:
            problems.append(
                FieldError(
                    "entry_date",
                    f"dates such as “{second[0]}” put the month first; import the file with "
                    "month-first dates (day_first off)",
                )
            )
        elif not result.day_first and first and not second:
            problems.append(
                FieldError(
                    "entry_date",
                    f"dates such as “{first[0]}” put the day first; import the file with "
                    "day-first dates (day_first on)",
                )
            )

    rows: list[tuple[int, dict[str, str]]] = []
    text_columns = [(n, c) for n, c in mapping.items() if n not in MONEY_FIELDS]
    amount_column = mapping.get("amount")
    date_column = mapping.get("entry_date")
    dates: dict[str, str] = {}  # normalise_date by text: a file repeats its dates
    constant_items = list(constants.items())
    for number, cells in table.rows:
        out = {name: str(cells.get(column) or "").strip() for name, column in text_columns}
        if date_column is not None:
            value = out["entry_date"]
            text = dates.get(value)
            if text is None:
                text = dates[value] = normalise_date(value)
            out["entry_date"] = text
        if amount_column is not None:
            out["amount"] = normalise_amount(cells.get(amount_column) or "")
        elif split_money:
            debit = str(cells.get(mapping.get("debit", ""), "") or "")
            credit = str(cells.get(mapping.get("credit", ""), "") or "")
            amount, both = _combine(debit, credit)
            if both:
                problems.append(
                    FieldError(
                        "amount",
                        f"has both a debit (“{debit.strip()[:20]}”) and a credit "
                        f"(“{credit.strip()[:20]}”); keep one of them",
                        number,
                    )
                )
            out["amount"] = amount
        for name, value in constant_items:
            if not out.get(name):
                out[name] = value
        rows.append((number, out))
    if not problems:
        result.rows = rows
    return result


def prepare(
    data: bytes | str,
    *,
    profile: Mapping[str, Any] | None = None,
    map_options: Iterable[str] = (),
    set_options: Iterable[str] = (),
    day_first: bool | None = None,
    decimal_comma: bool | None = None,
) -> tuple[ImportSettings, MappedRows]:
    """Everything between the bytes of an export and the rows the ledger imports.

    The CLI and the TUI both call this: a saved ``profile`` (as stored), then ``--map``
    and ``--set`` options, then the flags, with whatever is still missing guessed from
    the file. Raises :class:`SpendCsvError` for a bad option or profile and
    ``CsvError`` for a file that is not CSV; problems with the file's columns are in
    the returned rows' ``problems``."""
    from mops_tui.formats.csv_io import read_csv

    base = ImportSettings.from_dict(profile) if profile is not None else ImportSettings()
    mapping = dict(base.mapping)
    for option in map_options:
        if str(option).strip():
            mapping.update(parse_map_option(option))
    constants = {**base.constants, **parse_set_option(list(set_options))}
    if day_first is None and profile is not None:
        day_first = base.day_first
    if decimal_comma is None:
        decimal_comma = base.decimal_comma
    # A long file is read into a few objects per cell that all live until the import
    # ends: cyclic garbage collection would walk them again and again for nothing.
    # Afterwards the survivors go straight to the oldest generation (freeze, then
    # unfreeze) rather than being walked by the next young collection.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        table = read_csv(data, delimiter=base.delimiter)
        settings = guess_settings(
            table,
            mapping=mapping,
            constants=constants,
            day_first=day_first,
            decimal_comma=decimal_comma,
        )
        return settings, apply(table, settings)
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
