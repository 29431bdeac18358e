"""Promises 3 and 4 at the CSV layer (``mops_tui.formats.csv_io``), with no database.

- Whatever text a cell holds, ``write_csv`` writes no cell a spreadsheet would run: a
  cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
  with ``'`` unless it is a plain number.
- ``read_csv`` reads back exactly what ``write_csv`` wrote (the guard comes off again),
  so every export re-imports unchanged.
- ``read_csv`` on any bytes returns a table or raises ``CsvError`` with a message.
"""

from __future__ import annotations

import csv
import io
import re

from hostile import NASTY, hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.formats.csv_io import CsvError, read_csv, write_csv

EXAMPLES = settings(max_examples=300, deadline=None)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")

# Stored text is trimmed and holds no NUL (the schemas see to that), which is what an
# export writes; the reader trims cells too.
cell_text = st.one_of(
    hostile_text,
    st.sampled_from(NASTY),
    st.sampled_from(FORMULA_START).flatmap(lambda c: hostile_text.map(lambda s: c + s)),
    st.sampled_from(("'", "''")).flatmap(
        lambda q: st.sampled_from(FORMULA_START).map(lambda c: q + c + "1+1")
    ),
).map(lambda s: s.replace("\x00", "").strip())

COLUMNS = ("name", "notes", "amount")


def raw_cells(text: str) -> list[list[str]]:
    """The cells as a spreadsheet sees them: no guard removed."""
    return list(csv.reader(io.StringIO(text, newline="")))


@EXAMPLES
@given(st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=5))
def test_exported_cells_never_start_a_formula(rows: list[tuple[str, str, str]]) -> None:
    text = write_csv(COLUMNS, [dict(zip(COLUMNS, r, strict=True)) for r in rows])
    for row in raw_cells(text)[1:]:
        for cell in row:
            if cell[:1] in FORMULA_START:
                assert PLAIN_NUMBER.match(cell), f"a spreadsheet would run {cell!r}"


@EXAMPLES
@given(st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=5))
def test_what_is_exported_reads_back_unchanged(rows: list[tuple[str, str, str]]) -> None:
    # A row of empty cells is a blank line to a reader: it carries nothing to import.
    rows = [r for r in rows if any(r)]
    text = write_csv(COLUMNS, [dict(zip(COLUMNS, r, strict=True)) for r in rows])
    table = read_csv(text.encode("utf-8"))
    assert table.header == list(COLUMNS)
    assert [tuple(values[c] for c in COLUMNS) for _n, values in table.rows] == rows


def test_a_quote_typed_before_a_formula_survives_the_round_trip() -> None:
    rows = [{"name": "'=1+1", "notes": "''-2", "amount": "'@x"}]
    table = read_csv(write_csv(COLUMNS, rows))
    assert table.rows[0][1] == rows[0]


@EXAMPLES
@given(st.binary(max_size=300))
def test_any_bytes_are_a_table_or_a_csv_error(data: bytes) -> None:
    try:
        table = read_csv(data)
    except CsvError as exc:
        assert str(exc).strip()
    else:
        for number, values in table.rows:
            assert number >= 2
            assert set(values) <= set(table.header)
