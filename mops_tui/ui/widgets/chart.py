"""A plan-vs-actual bar chart drawn with block characters.

One row per month: the actual as a solid bar, the plan as a marker, and the figures at
the end. It needs no graphics protocol and no colour to read, so it works over SSH, in
16 colours, with NO_COLOR, and at 80x24.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from mops_tui.domain.ledger import PlanActual
from mops_tui.domain.money import format_compact

_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(value: float, width: int) -> str:
    """``value`` cells of full blocks, with eighths for the remainder."""
    value = max(0.0, min(float(width), value))
    full = int(value)
    rest = round((value - full) * 8)
    if rest == 8:
        full, rest = full + 1, 0
    text = "█" * full + (_EIGHTHS[rest] if rest and full < width else "")
    return text


def render_chart(
    rows: Sequence[PlanActual], title: str, currency: str, width: int, *, current: str = ""
) -> RenderableType:
    out = Text()
    out.append(title + "\n", style="bold")
    if not rows or all(r.planned == 0 and r.actual == 0 for r in rows):
        out.append("No plan or spend in these months.\n", style="dim")
        return out
    label_w = 8
    figures_w = 17
    bar_w = max(10, width - label_w - figures_w - 3)
    top = max(max(r.planned, r.actual) for r in rows) or 1
    scale = bar_w / top
    out.append(" " * (label_w + 1) + "█ actual   │ plan   ", style="dim")
    out.append("red", style="red")
    out.append(" = over plan\n", style="dim")
    for r in rows:
        actual_cells = r.actual * scale
        plan_cell = min(bar_w - 1, round(r.planned * scale))
        body = bar(actual_cells, bar_w).ljust(bar_w)
        if r.planned > 0:
            marker = "│" if body[plan_cell] == " " else "┃"
            body = body[:plan_cell] + marker + body[plan_cell + 1 :]
        over = r.actual > r.planned > 0
        style = "bold" if r.label == current else ""
        out.append(f"{r.label:<{label_w}} ", style=style or "dim")
        out.append(body, style="red" if over else "cyan")
        figures = f"{format_compact(r.actual, currency)} / {format_compact(r.planned, currency)}"
        out.append(f" {figures:>{figures_w}}\n", style="red" if over else "")
    total_plan = sum(r.planned for r in rows)
    total_actual = sum(r.actual for r in rows)
    out.append(
        f"\n{len(rows)} months: {format_compact(total_actual, currency)} spent of "
        f"{format_compact(total_plan, currency)} planned",
        style="dim",
    )
    return out


class PlanChart(Static):
    """Holds the chart; the screen feeds it rows and it redraws on resize."""

    DEFAULT_CSS = """
    PlanChart { height: 1fr; padding: 0 1; background: $surface; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[PlanActual] = []
        self._title = ""
        self._currency = "GBP"
        self._current = ""

    def show(
        self, rows: Sequence[PlanActual], title: str, currency: str, current: str = ""
    ) -> None:
        self._rows, self._title, self._currency, self._current = (
            list(rows),
            title,
            currency,
            current,
        )
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width = max(40, (self.size.width or 80) - 2)
        self.update(
            render_chart(self._rows, self._title, self._currency, width, current=self._current)
        )
