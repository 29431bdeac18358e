"""A detail pane: headed sections of label/value lines with hanging indents.

Everything a user typed goes in as plain ``Text`` (control characters made visible,
markup never parsed), so a tool called ``[@click=app.quit]`` shows exactly that.
Label/value rows are Rich grids, so a long value wraps under itself, not under the
label.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from mops_tui.domain.text import visible


class Doc:
    """Builds the pane's content. Styles are Rich style strings (theme-neutral names)."""

    def __init__(self, label_width: int = 15) -> None:
        self.blocks: list[RenderableType] = []
        self.label_width = label_width
        self._grid: Table | None = None

    def _close_grid(self) -> None:
        self._grid = None

    def _rows(self, first_width: int) -> Table:
        grid_ok = self._grid is not None and len(self._grid.columns) == 2
        if not grid_ok or self._grid is None or self._grid.columns[0].width != first_width:
            grid = Table.grid(padding=(0, 0))
            grid.add_column(width=first_width, no_wrap=True)
            grid.add_column(ratio=1)
            self.blocks.append(grid)
            self._grid = grid
        return self._grid

    def _text(self, text: Text) -> None:
        self._close_grid()
        self.blocks.append(text)

    def title(self, text: str, badge: str = "", badge_style: str = "") -> None:
        line = Text(visible(text), style="bold")
        if badge:
            line.append("  ")
            line.append(f" {visible(badge)} ", style=badge_style or "reverse")
        self._text(line)

    def subtitle(self, text: str) -> None:
        self._text(Text(visible(text), style="dim"))

    def section(self, heading: str) -> None:
        self._text(Text("\n" + heading, style="bold underline"))

    def value(self, label: str, value: str, style: str = "") -> None:
        self._rows(self.label_width).add_row(
            Text(label, style="dim"), Text(visible(value), style=style)
        )

    def line(self, text: str, style: str = "") -> None:
        self._text(Text(visible(text), style=style))

    def para(self, text: str, style: str = "") -> None:
        self._text(Text(visible(text, keep_newlines=True), style=style))

    def item(self, marker: str, *pieces: tuple[str, str], marker_style: str = "bold") -> None:
        """A bullet-like line (``→``, ``!``) whose text wraps under itself."""
        body = Text()
        for text, style in pieces:
            body.append(visible(text), style=style)
        self._rows(len(marker) + 1).add_row(Text(marker, style=marker_style), body)

    def history(self, when: str, who: str, what: str) -> None:
        """``2026-11-29 09:00  ana     what changed``, wrapping under the description."""
        if self._grid is None or len(self._grid.columns) != 3:
            grid = Table.grid()
            grid.add_column(width=len(when) + 1, no_wrap=True)
            grid.add_column(width=10, no_wrap=True, overflow="ellipsis")
            grid.add_column(ratio=1)
            self.blocks.append(grid)
            self._grid = grid
        self._grid.add_row(
            Text(when, style="dim"), Text(visible(who), style="bold"), Text(visible(what))
        )

    def render(self) -> RenderableType:
        return Group(*self.blocks)


class DetailPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DetailPane {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        background: $surface;
        border-left: tall $panel;
    }
    DetailPane:focus { border-left: tall $accent; }
    DetailPane > Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a record to see its details.", style="dim"), id="detail-body")

    def show(self, content: RenderableType) -> None:
        self.query_one("#detail-body", Static).update(content)

    def clear(self, message: str) -> None:
        self.show(Text(message, style="dim"))

    @property
    def plain(self) -> str:
        """The pane's text as shown (for tests and the screen reader of a pilot)."""
        from rich.console import Console

        console = Console(width=max(40, self.size.width or 80), record=True, color_system=None)
        console.print(self.query_one("#detail-body", Static).content)
        return console.export_text()
