"""Spend exports to import rows: header guesses, options, profiles, and ``apply``.

``apply`` only maps and tidies text; the amounts and dates it hands on are parsed by
the domain in ``services.ledger.import_spend`` (see
``tests/unit/services/test_spend_import_messy.py`` for the whole path).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mops_tui.domain.errors import FieldError
from mops_tui.formats.csv_io import CsvTable, read_csv
from mops_tui.formats.spend_csv import (
    CONSTANT_FIELDS,
    FIELDS,
    ImportSettings,
    MappedRows,
    SpendCsvError,
    apply,
    detect_decimal_comma,
    detect_platform,
    guess_mapping,
    guess_settings,
    header_key,
    normalise_amount,
    normalise_date,
    parse_map_option,
    parse_set_option,
)

GOOGLE_ADS = ["Day", "Campaign", "Campaign type", "Cost", "Impr.", "Clicks", "Currency code"]
META = [
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Ad set name",
    "Amount spent (GBP)",
    "Impressions",
    "Results",
    "Cost per result",
]
LINKEDIN = [
    "Start Date (in UTC)",
    "End Date (in UTC)",
    "Account Name",
    "Campaign Group Name",
    "Campaign Name",
    "Total Spent",
    "Currency",
    "Impressions",
    "Clicks",
]

BASIC = ImportSettings(
    mapping={"entry_date": "Date", "amount": "Amount", "payee": "Payee", "channel": "Channel"}
)


def table(text: str | bytes, **kwargs: Any) -> CsvTable:
    return read_csv(text, **kwargs)


def ok_rows(t: CsvTable, settings: ImportSettings) -> list[tuple[int, dict[str, str]]]:
    mapped = apply(t, settings)
    assert mapped.problems == []
    assert mapped.ok
    return mapped.rows


# ---------------------------------------------------------------------------
# FIELDS and header names
# ---------------------------------------------------------------------------


def test_fields_are_the_ledger_fields_plus_debit_and_credit() -> None:
    assert set(FIELDS) == {
        "entry_date",
        "amount",
        "payee",
        "reference",
        "line",
        "channel",
        "tool",
        "brief",
        "note",
        "kind",
        "debit",
        "credit",
    }
    assert len(FIELDS) == len(set(FIELDS))
    assert not {"amount", "debit", "credit"} & set(CONSTANT_FIELDS)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Amount (GBP)", "amount"),
        ("amount_gbp", "amount"),
        ("  AMOUNT  ", "amount"),
        ("Amount in EUR", "amount"),
        ("GBP Amount", "amount"),
        ("Invoice No.", "invoiceno"),
        ("Invoice #", "invoice"),
        ("P.O. Number", "ponumber"),
        ("Start Date (in UTC)", "startdate"),
        ("Impr.", "impr"),
        ("Débit", "debit"),
        ("GBP", "gbp"),
    ],
)
def test_header_key_ignores_case_space_punctuation_brackets_and_currency(
    name: str, key: str
) -> None:
    assert header_key(name) == key


# ---------------------------------------------------------------------------
# guess_mapping
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("Date", "entry_date"),
        ("Posting Date", "entry_date"),
        ("Transaction Date", "entry_date"),
        ("Invoice Date", "entry_date"),
        ("Day", "entry_date"),
        ("Amount", "amount"),
        ("Net", "amount"),
        ("Net Amount", "amount"),
        ("Cost", "amount"),
        ("Spend", "amount"),
        ("Total", "amount"),
        ("Amount (GBP)", "amount"),
        ("Payee", "payee"),
        ("Vendor", "payee"),
        ("Supplier", "payee"),
        ("Merchant", "payee"),
        ("Description", "payee"),
        ("Account name", "payee"),
        ("Reference", "reference"),
        ("Ref", "reference"),
        ("Invoice", "reference"),
        ("Invoice No", "reference"),
        ("PO", "reference"),
        ("PO Number", "reference"),
        ("Budget line", "line"),
        ("Line", "line"),
        ("Channel", "channel"),
        ("Campaign type", "channel"),
        ("Cost centre", "channel"),
        ("Tool", "tool"),
        ("Brief", "brief"),
        ("Notes", "note"),
        ("Memo", "note"),
        ("Comment", "note"),
        ("Kind", "kind"),
    ],
)
def test_guess_mapping_knows_common_header_names(column: str, field: str) -> None:
    assert guess_mapping([column, "Something else"]) == {field: column}


@pytest.mark.parametrize(
    "column", ["posting_date", "POSTING DATE", " Posting-Date ", "posting.date", "PostingDate"]
)
def test_guess_mapping_is_case_space_and_punctuation_insensitive(column: str) -> None:
    assert guess_mapping([column]) == {"entry_date": column}


def test_guess_mapping_of_a_finance_export() -> None:
    header = [
        "Posting Date",
        "Invoice Date",
        "Vendor",
        "Description",
        "Invoice No.",
        "Net Amount",
        "VAT",
        "Total",
        "Cost Centre",
        "Memo",
    ]
    assert guess_mapping(header) == {
        "entry_date": "Posting Date",
        "amount": "Net Amount",
        "payee": "Vendor",
        "reference": "Invoice No.",
        "channel": "Cost Centre",
        "note": "Memo",
    }


def test_the_best_name_wins_whatever_the_column_order() -> None:
    assert guess_mapping(["Invoice Date", "Date"])["entry_date"] == "Date"
    assert guess_mapping(["Total", "Amount"])["amount"] == "Amount"
    assert guess_mapping(["Description", "Supplier"])["payee"] == "Supplier"


def test_description_is_the_payee_only_when_nothing_better_is() -> None:
    assert guess_mapping(["Date", "Description"]) == {
        "entry_date": "Date",
        "payee": "Description",
    }
    # With a vendor column, the description is kept as the note.
    assert guess_mapping(["Vendor", "Description"]) == {"payee": "Vendor", "note": "Description"}


def test_debit_and_credit_columns_replace_the_amount() -> None:
    assert guess_mapping(["Date", "Description", "Debit", "Credit", "Balance"]) == {
        "entry_date": "Date",
        "debit": "Debit",
        "credit": "Credit",
        "payee": "Description",
    }
    assert guess_mapping(["Money out", "Money in"]) == {"debit": "Money out", "credit": "Money in"}
    # One of them and an amount: the amount.
    assert guess_mapping(["Amount", "Debit"]) == {"amount": "Amount"}
    # One of them alone is still the money.
    assert guess_mapping(["Debit"]) == {"debit": "Debit"}


def test_google_ads_headers() -> None:
    assert guess_mapping(GOOGLE_ADS) == {
        "entry_date": "Day",
        "amount": "Cost",
        "channel": "Campaign type",
        "note": "Campaign",
    }
    assert detect_platform(GOOGLE_ADS) == "Google Ads"


def test_meta_headers() -> None:
    assert guess_mapping(META) == {
        "entry_date": "Reporting starts",
        "amount": "Amount spent (GBP)",
        "note": "Campaign name",
    }
    assert detect_platform(META) == "Meta"


def test_linkedin_headers() -> None:
    assert guess_mapping(LINKEDIN) == {
        "entry_date": "Start Date (in UTC)",
        "amount": "Total Spent",
        "payee": "Account Name",
        "note": "Campaign Name",
    }
    assert detect_platform(LINKEDIN) == "LinkedIn"


def test_a_finance_export_is_no_ad_platform() -> None:
    assert detect_platform(["Date", "Vendor", "Amount", "Reference"]) is None
    assert detect_platform([]) is None


@pytest.mark.parametrize(
    "header",
    [
        GOOGLE_ADS,
        META,
        LINKEDIN,
        ["Date", "Date ", "DATE", "Amount", "Cost", "Total"],
        ["Description", "Description (2)", "Vendor", "Notes", "Memo"],
        ["Debit", "Credit", "Amount", "Net", "Dr", "Cr"],
        ["Campaign", "Campaign name", "Campaign type", "Channel"],
        [],
        ["", "Unknown", "Impressions"],
    ],
)
def test_guess_mapping_never_maps_two_fields_to_one_column(header: list[str]) -> None:
    mapping = guess_mapping(header)
    assert len(set(mapping.values())) == len(mapping)
    assert set(mapping) <= set(FIELDS)
    assert set(mapping.values()) <= set(header)


def test_unknown_columns_are_not_guessed() -> None:
    assert guess_mapping(["Impressions", "Clicks", "CTR", "Budget", "Gross"]) == {}


# ---------------------------------------------------------------------------
# parse_map_option and parse_set_option
# ---------------------------------------------------------------------------


def test_parse_map_option() -> None:
    assert parse_map_option("entry_date=Posting Date,amount=Net Amount") == {
        "entry_date": "Posting Date",
        "amount": "Net Amount",
    }


def test_parse_map_option_accepts_date_semicolons_spaces_and_quotes() -> None:
    assert parse_map_option(" date = Posting Date ; Amount=\"Net Amount\";payee='Vendor' ") == {
        "entry_date": "Posting Date",
        "amount": "Net Amount",
        "payee": "Vendor",
    }


def test_a_column_name_with_a_comma_stays_whole() -> None:
    assert parse_map_option("amount=Amount (GBP, net),payee=Vendor") == {
        "amount": "Amount (GBP, net)",
        "payee": "Vendor",
    }


def test_a_column_name_with_an_equals_sign_stays_whole() -> None:
    assert parse_map_option("note=a=b") == {"note": "a=b"}


def test_an_empty_map_option_maps_nothing() -> None:
    assert parse_map_option("") == {}
    assert parse_map_option(" , ; ") == {}


def test_unknown_fields_are_named_with_the_list_of_fields() -> None:
    with pytest.raises(SpendCsvError) as caught:
        parse_map_option("dat=Date,amount=Amount,cost=Cost")
    message = str(caught.value)
    assert "“dat”" in message and "“cost”" in message
    for name in FIELDS:
        assert name in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("amount", "FIELD=COLUMN"),
        ("amount=", "give the column"),
        ("amount=Net,amount=Total", "mapped twice"),
        ("date=Day,entry_date=Date", "mapped twice"),
        ("payee=Vendor,note=vendor", "mapped to both"),
    ],
)
def test_bad_map_options_raise_spend_csv_error(text: str, words: str) -> None:
    with pytest.raises(SpendCsvError, match=words):
        parse_map_option(text)


def test_parse_set_option() -> None:
    assert parse_set_option(["channel=Paid search", "payee=Google Ads"]) == {
        "channel": "Paid search",
        "payee": "Google Ads",
    }
    assert parse_set_option("channel=Paid search;payee=Google, Inc.") == {
        "channel": "Paid search",
        "payee": "Google, Inc.",
    }
    assert parse_set_option("date=2026-11-30") == {"entry_date": "2026-11-30"}


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ("amount=100", "cannot be set"),
        ("debit=1", "cannot be set"),
        ("chanel=Events", "not a field"),
        ("channel=", "give the value"),
        ("Events", "FIELD=VALUE"),
    ],
)
def test_bad_set_options_raise_spend_csv_error(texts: str, words: str) -> None:
    with pytest.raises(SpendCsvError, match=words):
        parse_set_option(texts)


# ---------------------------------------------------------------------------
# ImportSettings as a profile
# ---------------------------------------------------------------------------


def test_settings_round_trip_through_json() -> None:
    settings = ImportSettings(
        mapping={"entry_date": "Day", "amount": "Cost", "note": "Campaign"},
        day_first=False,
        decimal_comma=True,
        delimiter="\t",
        constants={"channel": "Paid search", "payee": "Google Ads"},
    )
    saved = json.loads(json.dumps(settings.to_dict()))
    assert ImportSettings.from_dict(saved) == settings
    assert ImportSettings.from_dict(saved).to_dict() == settings.to_dict()


def test_default_settings_round_trip() -> None:
    settings = ImportSettings()
    assert settings.day_first is True
    assert settings.decimal_comma is None
    assert settings.delimiter is None
    assert ImportSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings
    assert ImportSettings.from_dict({}) == settings


def test_from_dict_accepts_field_synonyms_and_ignores_unknown_keys() -> None:
    loaded = ImportSettings.from_dict({"mapping": {"date": "Day"}, "version": 3})
    assert loaded.mapping == {"entry_date": "Day"}


@pytest.mark.parametrize(
    "data",
    [
        {"mapping": {"when": "Day"}},
        {"mapping": ["Day"]},
        {"mapping": {"amount": 3}},
        {"mapping": {"payee": "Vendor", "note": "Vendor"}},
        {"constants": {"amount": "100"}},
        {"day_first": "yes"},
        {"decimal_comma": "auto"},
        {"delimiter": ";;"},
        {"delimiter": 44},
        "not a dict",
    ],
)
def test_a_bad_profile_raises_spend_csv_error(data: Any) -> None:
    with pytest.raises(SpendCsvError):
        ImportSettings.from_dict(data)


# ---------------------------------------------------------------------------
# detect_decimal_comma, normalise_amount, normalise_date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56", "12,50", "7"], True),
        (["12,50"], True),
        (["€1.234,56", "(12,50)", "-3,1"], True),
        (["1.234.567"], True),
        (["1 234,56"], True),
        (["1.234", "5.000"], True),
        (["1,234.56", "12.50"], False),
        (["£1,234.56", "(123.45)", "-0.5"], False),
        (["1,234"], False),  # one comma, three digits: a thousands separator
        (["1,234", "5,000"], False),
        (["1,234,567"], False),
        (["12.5"], False),
        (["100", "250", ""], False),
        ([], False),
        (["abc", "n/a"], False),
        (["1,234", "12,50", "3,25"], True),  # the majority decides
        (["1,234", "12,50"], False),  # a tie means a decimal point
    ],
)
def test_detect_decimal_comma(values: list[str], expected: bool) -> None:
    assert detect_decimal_comma(values) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123.45-", "-123.45"),
        ("123.45 -", "-123.45"),
        ("£1,234.56-", "-£1,234.56"),
        ("123.45 CR", "-123.45"),
        ("123.45cr", "-123.45"),
        ("£5.00 Cr.", "-£5.00"),
        ("123.45 DR", "123.45"),
        ("£-5", "-£5"),
        ("£ -5.00", "-£5.00"),
        ("GBP -5.00", "-GBP 5.00"),
        ("gbp−5", "-GBP 5"),
        ("ABC - x", "ABC - x"),
        ("1.234,56-", "-1.234,56"),
        ("-123.45", "-123.45"),
        ("(123.45)", "(123.45)"),
        ("£1,234.56", "£1,234.56"),
        ("  12  ", "12"),
        ("-", "-"),
        ("CR", "CR"),
        ("", ""),
        ("abc", "abc"),
    ],
)
def test_normalise_amount_moves_only_the_sign(text: str, expected: str) -> None:
    assert normalise_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03 00:00:00", "2026-11-03"),
        ("2026-11-03T09:30:00Z", "2026-11-03"),
        ("2026-11-03T09:30:00.123+01:00", "2026-11-03"),
        ("03/11/2026 10:00 PM", "03/11/2026"),
        ("2026-11-03", "2026-11-03"),
        ("Nov 3, 2026", "Nov 3, 2026"),
        ("  3  Nov  2026 ", "3 Nov 2026"),
        ("2026-11-03 later", "2026-11-03 later"),
    ],
)
def test_normalise_date_drops_only_a_time_of_day(text: str, expected: str) -> None:
    assert normalise_date(text) == expected


# ---------------------------------------------------------------------------
# apply
# ---------------------------------------------------------------------------


def test_apply_maps_columns_and_keeps_spreadsheet_row_numbers() -> None:
    t = table(
        "Date,Amount,Payee,Channel,Clicks\n"
        "2026-11-03,100,Acme,Events,4\n"
        "\n"
        "2026-11-04,200,Beta,Events,5\n"
    )
    mapped = apply(t, BASIC)
    assert isinstance(mapped, MappedRows)
    assert mapped.rows == [
        (2, {"entry_date": "2026-11-03", "amount": "100", "payee": "Acme", "channel": "Events"}),
        (4, {"entry_date": "2026-11-04", "amount": "200", "payee": "Beta", "channel": "Events"}),
    ]
    assert mapped.ignored_columns == ["Clicks"]
    assert mapped.mapping == BASIC.mapping
    assert mapped.decimal_comma is False
    assert mapped.day_first is True


def test_apply_leaves_currency_separators_and_quotes_to_the_domain() -> None:
    t = table(
        b"\xef\xbb\xbfDate,Amount,Payee,Channel\n"
        b'03/11/2026,"\xc2\xa31,234.56","Acme, Inc.",Events\r\n'
        b'"Nov 3, 2026",(123.45),"Say ""hi"" Ltd",Events\r\n'
        b"\r\n\r\n"
    )
    rows = ok_rows(t, BASIC)
    assert rows == [
        (
            2,
            {
                "entry_date": "03/11/2026",
                "amount": "£1,234.56",
                "payee": "Acme, Inc.",
                "channel": "Events",
            },
        ),
        (
            3,
            {
                "entry_date": "Nov 3, 2026",
                "amount": "(123.45)",
                "payee": 'Say "hi" Ltd',
                "channel": "Events",
            },
        ),
    ]


def test_apply_detects_a_decimal_comma_in_a_semicolon_file() -> None:
    t = table("Date;Amount;Payee;Channel\n03.11.2026;1.234,56;Acme;Events\n")
    mapped = apply(t, BASIC)
    assert t.delimiter == ";"
    assert mapped.decimal_comma is True
    assert mapped.rows[0][1]["amount"] == "1.234,56"


def test_a_semicolon_file_breaks_a_tie_towards_the_decimal_comma() -> None:
    rows = "Date;Amount;Payee;Channel\n1/11/2026;1,234;A;E\n2/11/2026;12,50;A;E\n"
    assert apply(table(rows), BASIC).decimal_comma is True
    assert apply(table(rows.replace(";", "\t")), BASIC).decimal_comma is False


def test_a_given_decimal_comma_wins_over_detection() -> None:
    t = table("Date,Amount,Payee,Channel\n2026-11-03,12.50,Acme,Events\n")
    settings = ImportSettings(mapping=BASIC.mapping, decimal_comma=True)
    assert apply(t, settings).decimal_comma is True
    t = table("Date;Amount;Payee;Channel\n2026-11-03;12,50;Acme;Events\n")
    settings = ImportSettings(mapping=BASIC.mapping, decimal_comma=False)
    assert apply(t, settings).decimal_comma is False


def test_apply_normalises_trailing_minus_and_cr() -> None:
    t = table(
        "Date,Amount,Payee,Channel\n"
        "2026-11-03,123.45-,Acme,Events\n"
        "2026-11-03,50.00 CR,Acme,Events\n"
        "2026-11-03 00:00:00,50.00 DR,Acme,Events\n"
    )
    rows = ok_rows(t, BASIC)
    assert [r["amount"] for _n, r in rows] == ["-123.45", "-50.00", "50.00"]
    assert rows[2][1]["entry_date"] == "2026-11-03"


@pytest.mark.parametrize(
    ("debit", "credit", "amount"),
    [
        ("120.00", "", "120.00"),
        ("", "20.00", "-20.00"),
        ("120.00", "0.00", "120.00"),
        ("0.00", "20.00", "-20.00"),
        ("£1,234.56", "-", "£1,234.56"),
        ("—", "£5", "-£5"),
        ("", "-20.00", "-20.00"),
        ("", "(20.00)", "(20.00)"),
        ("", "20.00 CR", "-20.00"),
        ("0.00", "0.00", "0.00"),
        ("", "", ""),
    ],
)
def test_debit_and_credit_become_one_amount(debit: str, credit: str, amount: str) -> None:
    t = table(f'Date,Debit,Credit,Payee,Channel\n2026-11-03,"{debit}","{credit}",Acme,Events\n')
    settings = ImportSettings(
        mapping={
            "entry_date": "Date",
            "debit": "Debit",
            "credit": "Credit",
            "payee": "Payee",
            "channel": "Channel",
        }
    )
    rows = ok_rows(t, settings)
    assert rows[0][1]["amount"] == amount
    assert "debit" not in rows[0][1] and "credit" not in rows[0][1]


def test_a_debit_and_a_credit_on_one_row_is_a_problem_with_its_row() -> None:
    t = table(
        "Date,Debit,Credit,Payee,Channel\n"
        "2026-11-03,10,,A,Events\n"
        "2026-11-04,120.00,20.00,A,Events\n"
    )
    settings = ImportSettings(
        mapping={
            "entry_date": "Date",
            "debit": "Debit",
            "credit": "Credit",
            "payee": "Payee",
            "channel": "Channel",
        }
    )
    mapped = apply(t, settings)
    assert [(p.field, p.row) for p in mapped.problems] == [("amount", 3)]
    assert "debit" in mapped.problems[0].message and "credit" in mapped.problems[0].message
    assert mapped.rows == []


def test_a_mapped_column_the_file_lacks_is_a_problem() -> None:
    t = table("Date,Amount,Payee,Channel\n2026-11-03,1,A,E\n")
    settings = ImportSettings(mapping={**BASIC.mapping, "reference": "Invoice No"})
    mapped = apply(t, settings)
    assert len(mapped.problems) == 1
    problem = mapped.problems[0]
    assert problem.field == "reference"
    assert problem.message.startswith("the file has no column “Invoice No”")
    assert "“Payee”" in problem.message  # the columns it does have
    assert problem.row is None
    assert mapped.rows == []


def test_mapped_columns_match_case_and_space_insensitively() -> None:
    t = table("Posting  Date,Net Amount,Vendor,Channel\n2026-11-03,1,A,E\n")
    settings = ImportSettings(
        mapping={
            "entry_date": "posting date",
            "amount": "NET AMOUNT",
            "payee": "vendor",
            "channel": "Channel",
        }
    )
    mapped = apply(t, settings)
    assert mapped.problems == []
    assert mapped.mapping["entry_date"] == "Posting  Date"
    assert mapped.rows[0][1]["amount"] == "1"


@pytest.mark.parametrize(
    ("mapping", "constants", "missing"),
    [
        ({"amount": "Amount", "payee": "Payee", "channel": "Channel"}, {}, ["entry_date"]),
        ({"entry_date": "Date", "payee": "Payee", "channel": "Channel"}, {}, ["amount"]),
        ({"entry_date": "Date", "amount": "Amount", "channel": "Channel"}, {}, ["payee"]),
        ({"entry_date": "Date", "amount": "Amount", "payee": "Payee"}, {}, ["line"]),
        ({}, {}, ["entry_date", "amount", "payee", "line"]),
        ({"amount": "Amount"}, {"payee": "Acme", "line": "#1", "entry_date": "2026-11-03"}, []),
        ({"entry_date": "Date", "debit": "Amount"}, {"payee": "A", "channel": "Events"}, []),
    ],
)
def test_required_fields_must_be_mapped_or_set(
    mapping: dict[str, str], constants: dict[str, str], missing: list[str]
) -> None:
    t = table("Date,Amount,Payee,Channel\n2026-11-03,1,A,E\n")
    mapped = apply(t, ImportSettings(mapping=mapping, constants=constants))
    assert [p.field for p in mapped.problems] == missing
    for problem in mapped.problems:
        assert "no column is mapped" in problem.message
        assert "“Date”, “Amount”, “Payee”, “Channel”" in problem.message
    assert bool(mapped.rows) is not bool(missing)


def test_an_amount_and_debit_credit_together_is_a_problem() -> None:
    t = table("Date,Amount,Debit,Credit,Payee,Channel\n2026-11-03,1,1,,A,E\n")
    settings = ImportSettings(mapping={**BASIC.mapping, "debit": "Debit", "credit": "Credit"})
    assert [p.field for p in apply(t, settings).problems] == ["amount"]


def test_two_fields_on_one_column_is_a_problem() -> None:
    t = table("Date,Amount,Payee,Channel\n2026-11-03,1,A,E\n")
    settings = ImportSettings(mapping={**BASIC.mapping, "note": "payee"})
    problems = apply(t, settings).problems
    assert [p.field for p in problems] == ["note"]
    assert "already mapped to payee" in problems[0].message


def test_constants_fill_missing_and_blank_columns_only() -> None:
    t = table(
        "Day,Cost,Campaign type,Campaign\n"
        "2026-11-03,10.00,,Brand\n"
        "2026-11-04,12.00,Paid social,Retarget\n"
    )
    settings = ImportSettings(
        mapping={
            "entry_date": "Day",
            "amount": "Cost",
            "channel": "Campaign type",
            "note": "Campaign",
        },
        constants={"channel": "Paid search", "payee": "Google Ads"},
    )
    rows = ok_rows(t, settings)
    assert rows == [
        (
            2,
            {
                "entry_date": "2026-11-03",
                "amount": "10.00",
                "channel": "Paid search",
                "note": "Brand",
                "payee": "Google Ads",
            },
        ),
        (
            3,
            {
                "entry_date": "2026-11-04",
                "amount": "12.00",
                "channel": "Paid social",
                "note": "Retarget",
                "payee": "Google Ads",
            },
        ),
    ]


def test_month_first_dates_read_day_first_are_a_problem() -> None:
    t = table("Date,Amount,Payee,Channel\n11/03/2026,1,A,E\n11/23/2026,1,A,E\n")
    mapped = apply(t, BASIC)
    assert [p.field for p in mapped.problems] == ["entry_date"]
    assert "11/23/2026" in mapped.problems[0].message
    assert "month first" in mapped.problems[0].message
    assert apply(t, ImportSettings(mapping=BASIC.mapping, day_first=False)).ok


def test_day_first_dates_read_month_first_are_a_problem() -> None:
    t = table("Date,Amount,Payee,Channel\n23/11/2026,1,A,E\n")
    mapped = apply(t, ImportSettings(mapping=BASIC.mapping, day_first=False))
    assert [p.field for p in mapped.problems] == ["entry_date"]
    assert mapped.day_first is False
    assert apply(t, BASIC).ok


def test_dates_that_cannot_tell_are_left_to_the_setting() -> None:
    t = table("Date,Amount,Payee,Channel\n03/11/2026,1,A,E\n")
    assert apply(t, BASIC).ok
    assert apply(t, ImportSettings(mapping=BASIC.mapping, day_first=False)).ok


def test_apply_never_raises_on_a_broken_settings_object() -> None:
    t = table("Date,Amount,Payee,Channel\n2026-11-03,1,A,E\n")
    broken = ImportSettings(
        mapping={"when": "Date", "amount": None, 3: "Payee"},  # type: ignore[dict-item]
        constants={"amount": "100", "bogus": "x", "payee": None},  # type: ignore[dict-item]
    )
    mapped = apply(t, broken)
    assert mapped.rows == []
    assert all(isinstance(p, FieldError) for p in mapped.problems)
    fields = [p.field for p in mapped.problems]
    assert "when" in fields and "amount" in fields and "bogus" in fields
    weird = ImportSettings()
    weird.mapping = "not a dict"  # type: ignore[assignment]
    weird.constants = None  # type: ignore[assignment]
    assert [p.field for p in apply(t, weird).problems] == ["entry_date", "amount", "payee", "line"]


def test_apply_on_a_header_only_file() -> None:
    mapped = apply(table("Date,Amount,Payee,Channel\n"), BASIC)
    assert mapped.ok
    assert mapped.rows == []


# ---------------------------------------------------------------------------
# guess_settings
# ---------------------------------------------------------------------------


def test_guess_settings_for_google_ads_uses_the_platform_as_payee() -> None:
    t = table(
        "Day,Campaign,Campaign type,Cost,Impr.,Currency code\n2026-11-03,Brand,Search,1,9,GBP\n"
    )
    settings = guess_settings(t, constants={"channel": "Paid search"})
    assert settings.mapping == {"entry_date": "Day", "amount": "Cost", "note": "Campaign"}
    assert settings.constants == {"channel": "Paid search", "payee": "Google Ads"}
    assert settings.delimiter == ","
    assert apply(t, settings).rows[0][1] == {
        "entry_date": "2026-11-03",
        "amount": "1",
        "note": "Brand",
        "channel": "Paid search",
        "payee": "Google Ads",
    }


def test_guess_settings_for_linkedin_sees_month_first_dates() -> None:
    t = table(
        "Start Date (in UTC),End Date (in UTC),Account Name,Campaign Name,Total Spent,Currency\n"
        "11/3/2026,11/3/2026,Acme Ltd,Launch,20.00,GBP\n"
        "11/14/2026,11/14/2026,Acme Ltd,Launch,21.00,GBP\n"
    )
    settings = guess_settings(t, constants={"channel": "Paid social"})
    assert settings.day_first is False
    assert settings.constants["payee"] == "LinkedIn"
    assert "payee" not in settings.mapping
    assert apply(t, settings).ok


def test_guess_settings_keeps_what_is_given() -> None:
    t = table("Date,Total,Amount,Vendor,Ref\n2026-11-03,1,2,A,R\n")
    settings = guess_settings(
        t, mapping={"amount": "Total", "line": "Ref"}, day_first=True, decimal_comma=False
    )
    assert settings.mapping == {
        "entry_date": "Date",
        "amount": "Total",
        "payee": "Vendor",
        "line": "Ref",
    }
    assert settings.decimal_comma is False
    # A column the caller mapped is not guessed for another field; a constant field
    # is not guessed at all.
    settings = guess_settings(t, mapping={"note": "Vendor"}, constants={"payee": "Acme"})
    assert settings.mapping["note"] == "Vendor"
    assert "payee" not in settings.mapping


def test_guess_settings_prefers_given_debit_credit_to_a_guessed_amount() -> None:
    t = table("Date,Amount,Out,In\n2026-11-03,1,2,\n")
    settings = guess_settings(t, mapping={"debit": "Out", "credit": "In"})
    assert "amount" not in settings.mapping
