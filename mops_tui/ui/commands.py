"""Command-palette providers (ctrl+p): jump to any record, or run a common action."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from mops_tui.ui.app import MopsApp


def _records(app: MopsApp) -> list[tuple[str, str, str, Any]]:
    """``(label, help, mode, record)`` for every tool, KPI, open brief and budget line."""
    from mops_tui.services import briefs, kpis, ledger, stack

    ws = app.ws
    out: list[tuple[str, str, str, Any]] = []
    for name, tool_id in stack.tool_choices(ws, include_retired=True):
        out.append((name, "Tool · Stack", "stack", tool_id))
    for label, key in kpis.kpi_choices(ws):
        out.append((label, "KPI", "kpis", key))
    for b in briefs.list_briefs(ws, "", limit=5000):
        out.append((f"#{b.id} {b.title}", f"Brief · {b.status.replace('_', ' ')}", "briefs", b.id))
    today = ws.today()
    for line in ledger.lines(ws):
        if abs((line.ends_on - today).days) < 400:
            out.append((line.label, "Budget line", "ledger", line.id))
    return out


class RecordsProvider(Provider):
    """Jump to a tool, KPI, brief or budget line by its name or number."""

    async def startup(self) -> None:
        app: MopsApp = self.app  # type: ignore[assignment]
        self._records = await asyncio.to_thread(_records, app)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: MopsApp = self.app  # type: ignore[assignment]
        for label, help_text, mode, record in self._records:
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(app.open_record, mode, record),
                    help=help_text,
                )


def _actions(app: MopsApp) -> list[tuple[str, str, Callable[[], Any]]]:
    return [
        ("New brief", "Start a draft brief", partial(app.run_in_mode, "briefs", "new")),
        (
            "Log spend",
            "Record spend against a budget line",
            partial(app.run_in_mode, "ledger", "new_entry"),
        ),
        (
            "Import spend CSV",
            "A finance or ad-platform export",
            partial(app.run_in_mode, "ledger", "import_csv"),
        ),
        (
            "Close a month",
            "Lock a month's spend",
            partial(app.run_in_mode, "ledger", "close_period"),
        ),
        ("New tool", "Add a tool to the stack", partial(app.run_in_mode, "stack", "new")),
        ("New KPI", "Define a KPI", partial(app.run_in_mode, "kpis", "new")),
        ("Audit log", "Every change, who made it and when", app.action_audit),
        (
            "Personal-data lineage",
            "Where personal data flows",
            partial(app.run_in_mode, "home", "lineage"),
        ),
        ("Switch theme", "dark, light or ansi", app.action_cycle_theme),
        ("Keys", "Every key of this screen", app.action_help),
    ]


class ActionsProvider(Provider):
    """The common actions, by name."""

    async def discover(self) -> Hits:
        app: MopsApp = self.app  # type: ignore[assignment]
        for name, help_text, callback in _actions(app):
            yield DiscoveryHit(Text(name), callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: MopsApp = self.app  # type: ignore[assignment]
        for name, help_text, callback in _actions(app):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
