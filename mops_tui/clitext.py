"""Plain terminal output for the CLI: 16 colours at most, 80 columns, no markup.

Colour is used only when stdout is a terminal, ``NO_COLOR`` is unset and ``TERM``
is not ``dumb``. Every piece of stored text passes through ``visible()`` first, so a
tool name holding escape codes prints them as harmless ``␛[…`` marks.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from mops_tui.domain.text import cell_width, fit, visible

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


def colour_enabled(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") is not None:
        return False
    if os.environ.get("TERM", "") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def width(stream: TextIO | None = None) -> int:
    stream = stream or sys.stdout
    if not getattr(stream, "isatty", lambda: False)():
        return 80
    return max(40, shutil.get_terminal_size((80, 24)).columns)


@dataclass
class Painter:
    enabled: bool

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles or not text:
            return text
        codes = ";".join(_CODES[s] for s in styles if s in _CODES)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def safe(text: object) -> str:
    """Stored text made safe for a terminal (control characters shown, never sent)."""
    return visible("" if text is None else str(text))


def wrap(text: str, indent: int, total: int) -> list[str]:
    """Wrap ``text`` to ``total`` columns, continuation lines indented by ``indent``."""
    room = max(20, total - indent)
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, room) or [""])
    return lines


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0 = take the remaining room
    align: str = "left"
    min_width: int = 4


def table(
    columns: Sequence[Column],
    rows: Sequence[dict[str, str]],
    total: int,
    paint: Painter,
    style_of: Callable[[dict[str, str], str], Sequence[str]] | None = None,
) -> list[str]:
    """Fixed-width columns that together fit ``total`` columns of terminal."""
    gaps = len(columns) - 1
    fixed = sum(c.width for c in columns if c.width)
    flexible = [c for c in columns if not c.width]
    spare = max(0, total - fixed - gaps)
    widths: dict[str, int] = {}
    for c in columns:
        if c.width:
            widths[c.key] = c.width
        else:
            widths[c.key] = max(c.min_width, spare // max(1, len(flexible)))
    # The flexible column need not be wider than its longest value.
    for c in flexible:
        longest = max([cell_width(c.title)] + [cell_width(r.get(c.key, "")) for r in rows])
        widths[c.key] = max(c.min_width, min(widths[c.key], longest))

    def cell(c: Column, text: str) -> str:
        w = widths[c.key]
        fitted = fit(text, w)
        if c.align == "right":
            stripped = fitted.rstrip(" ")
            fitted = " " * (w - cell_width(stripped)) + stripped
        return fitted

    out = [paint(" ".join(cell(c, c.title) for c in columns).rstrip(), "bold")]
    for r in rows:
        parts = []
        for c in columns:
            text = cell(c, r.get(c.key, ""))
            style = style_of(r, c.key) if style_of else ()
            parts.append(paint(text, *style) if style else text)
        out.append(" ".join(parts).rstrip())
    return out
