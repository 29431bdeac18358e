"""A detail pane: headed sections of label/value lines, built as plain ``Text``.

Everything a user typed goes in through :meth:`Doc.value` or :meth:`Doc.line`, which
escape control characters and never parse markup, so a tool called
``[@click=app.quit]`` shows exactly that.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from mops_tui.domain.text import visible


class Doc:
    """Builds the pane's text. Styles are Rich style strings (theme-neutral names)."""

    def __init__(self, label_width: int = 15) -> None:
        self.text = Text()
        self.label_width = label_width

    def title(self, text: str, badge: str = "", badge_style: str = "") -> None:
        self.text.append(visible(text), style="bold")
        if badge:
            self.text.append("  ")
            self.text.append(f" {visible(badge)} ", style=badge_style or "reverse")
        self.text.append("\n")

    def subtitle(self, text: str) -> None:
        self.text.append(visible(text) + "\n", style="dim")

    def section(self, heading: str) -> None:
        self.text.append("\n" + heading + "\n", style="bold underline")

    def value(self, label: str, value: str, style: str = "") -> None:
        self.text.append(label.ljust(self.label_width), style="dim")
        self.text.append(visible(value), style=style)
        self.text.append("\n")

    def line(self, text: str, style: str = "", indent: int = 0) -> None:
        self.text.append(" " * indent + visible(text) + "\n", style=style)

    def para(self, text: str, style: str = "") -> None:
        self.text.append(visible(text, keep_newlines=True) + "\n", style=style)

    def parts(self, *pieces: tuple[str, str], indent: int = 0) -> None:
        """One line assembled from ``(text, style)`` pieces."""
        if indent:
            self.text.append(" " * indent)
        for text, style in pieces:
            self.text.append(visible(text), style=style)
        self.text.append("\n")


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

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Select a record to see its details.", style="dim"), id="detail-body")

    def show(self, text: Text) -> None:
        self.query_one("#detail-body", Static).update(text)

    def clear(self, message: str) -> None:
        self.show(Text(message, style="dim"))
