"""CSV that real exports produce, and CSV that spreadsheets open safely.

Reading copes with a UTF-8 BOM, ``,`` ``;`` or tab delimiters, quoted fields, blank
trailing lines and Windows line ends, and numbers every row as a spreadsheet does
(the header is row 1). Writing neutralises formula injection: a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` unless it
is a plain number, and reading strips that prefix again, so an export re-imports
unchanged. (A text that itself starts with quotes before such a character gets one more
quote, so ``'=1`` typed by someone is written ``''=1`` and read back as ``'=1``.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")


class CsvError(ValueError):
    """The file cannot be read as CSV. ``str()`` says why, in plain words."""


@dataclass
class CsvTable:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    delimiter: str = ","


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _quoted_formula(value: str) -> bool:
    """Whether ``value`` is one or more ``'`` then a formula start (``'=1``, ``''@x``):
    the reader takes one quote off such a cell, so the writer adds one."""
    rest = value.lstrip("'")
    return len(rest) < len(value) and rest[:1] in _FORMULA_START


def _unguard(value: str) -> str:
    return value[1:] if _quoted_formula(value) else value


def read_csv(data: bytes | str, *, delimiter: str | None = None) -> CsvTable:
    text = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if "\x00" in text:
        raise CsvError("the file is not text (it contains NUL bytes); export it as CSV")
    if not text.strip():
        raise CsvError("the file is empty")
    delim = delimiter or _sniff(text[:4096])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header: list[str] | None = None
        table = CsvTable(header=[], delimiter=delim)
        number = 0
        for raw in reader:
            number += 1  # spreadsheet row: one per record, the header is row 1
            if header is None:
                if not any(c.strip() for c in raw):
                    number -= 1  # blank lines before the header do not count
                    continue
                header = [c.strip() for c in raw]
                seen: set[str] = set()
                for name in header:
                    key = name.lower()
                    if not key:
                        continue
                    if key in seen:
                        raise CsvError(f"the header names the column “{name}” twice")
                    seen.add(key)
                table.header = header
                named = [(i, h) for i, h in enumerate(header) if h]
                continue
            if not any(c.strip() for c in raw):
                continue  # blank lines, including trailing ones
            if len(raw) > len(header):
                extra = [c for c in raw[len(header) :] if c.strip()]
                if extra:
                    raise CsvError(
                        f"row {number} has {len(raw)} cells but the header has "
                        f"{len(header)} columns; check for an unquoted delimiter"
                    )
            if len(raw) < len(header):
                raw = [*raw, *([""] * (len(header) - len(raw)))]
            values = {h: raw[i].strip() for i, h in named}
            for h, v in values.items():
                if v[:1] == "'":  # rare: only a guarded formula starts with a quote
                    values[h] = _unguard(v)
            table.rows.append((number, values))
    except csv.Error as exc:
        raise CsvError(f"row {number + 1}: {exc}") from exc
    if header is None:
        raise CsvError("the file has no header row")
    return table


def _guard(value: str) -> str:
    # A text that already starts with quotes before a formula start gets one more, so
    # that the reader, which takes one off, gives back exactly what was stored.
    if value and value[0] in _FORMULA_START and not _NUMBER.match(value):
        return "'" + value
    if _quoted_formula(value):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a cell holding "\n" but not one holding a lone "\r", which
    # every reader takes for a line end: a row with one is written fully quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        cells = [_guard("" if row.get(c) is None else str(row.get(c))) for c in columns]
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return out.getvalue()


def iter_rows(table: CsvTable) -> Iterator[tuple[int, dict[str, str]]]:
    yield from table.rows
