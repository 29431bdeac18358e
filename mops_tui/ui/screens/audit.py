"""The audit log as a screen: every change, filterable, with before and after values
side by side, and ``u`` to undo your own last change.

It is a full screen that any mode can push (``open_audit(app)``); Esc with nothing
left to close returns to the screen underneath.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Input

from mops_tui.domain.text import visible
from mops_tui.services import audit_log
from mops_tui.services.audit_log import AuditRecord, EntryDetail, UndoPlan
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.screens.modals import ConfirmScreen
from mops_tui.ui.widgets.detail import Doc
from mops_tui.ui.widgets.record_table import Column

if TYPE_CHECKING:
    from textual.app import App

ACTION_STYLE = {"undo": "dim", "status": "warn", "reversed": "warn", "removed": "warn"}


class AuditScreen(RecordScreen[AuditRecord]):
    """The audit log, newest first."""

    MODE_LABEL = "Audit"
    NOUN = ("change", "changes")
    FILTER_HINT = (
        "filter: actor:ana (or actor:me) area:tool from:2026-11-01 to:2026-11-30 "
        "action:edited words · Enter keeps it, Esc clears"
    )
    EMPTY = "The audit log is empty: no change has been made yet."
    EMPTY_FILTERED = "No change matches this filter. Esc clears it."
    DEFAULT_SORT = "at"

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("audit"),
        Binding("u", "undo", "Undo my last", id="audit.undo"),
        Binding("m", "mine", "Mine", id="audit.mine"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query

    def source(self) -> audit_log.AuditListing:
        return audit_log.AuditListing(self.mops.ws)

    def columns(self) -> list[Column[AuditRecord]]:
        def action_style(r: AuditRecord) -> str | None:
            return ACTION_STYLE.get(r.action)

        return [
            Column("at", "When", lambda r: r.at.strftime("%Y-%m-%d %H:%M"), width=16, priority=9),
            Column("actor", "Who", lambda r: r.actor, width=10, priority=7),
            Column("area", "Area", lambda r: r.area, width=12, priority=6),
            Column("action", "Action", lambda r: r.action, width=9, priority=5, style=action_style),
            Column("summary", "Summary", lambda r: r.summary, min_width=20, priority=10),
        ]

    def on_mount(self) -> None:
        # Newest first; a filter given by whoever opened the screen applies at once.
        self.table.descending = True
        super().on_mount()
        if self.initial_query:
            self.set_filter(self.initial_query)

    # -- detail ---------------------------------------------------------------------

    def fetch_detail(self, row_id: Any) -> EntryDetail:
        return audit_log.detail(self.mops.ws, int(row_id))

    def detail_id(self, found: EntryDetail) -> int:
        return found.entry.id

    def detail_record(self, found: EntryDetail) -> AuditRecord:
        return found.entry

    def render_detail(self, found: EntryDetail) -> RenderableType:
        return render_entry(found, self.mops.ws.actor)

    # -- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        busy = (
            self.has_class("-detail-open")
            or box.has_focus
            or bool(box.value)
            or self.detail.has_focus
        )
        if not busy and self.is_pushed:
            self.app.pop_screen()
            return
        super().action_back()

    @property
    def is_pushed(self) -> bool:
        """Pushed over another screen (not the base screen of a mode)."""
        stack = self.app.screen_stack
        return len(stack) > 1 and stack[-1] is self

    def action_mine(self) -> None:
        """Show only my changes (or everyone's again)."""
        current = self.query_one("#filter", Input).value.split()
        mine = "actor:me"
        terms = [t for t in current if t != mine] if mine in current else [*current, mine]
        self.set_filter(" ".join(terms))

    def action_undo(self) -> None:
        ws = self.mops.ws
        self.run_write(lambda: audit_log.plan_undo(ws), self._confirm_undo)

    def _confirm_undo(self, plan: UndoPlan) -> None:
        entry = plan.entry
        lines = [
            f"Your change #{entry.id} at {entry.at.strftime('%Y-%m-%d %H:%M')}: {entry.summary}",
            "",
            plan.description,
        ]
        if plan.changes:
            lines.append("")
            lines += [f"  {c.label}: {c.before} → {c.after}" for c in plan.changes]
        lines += ["", "The undo is recorded in the audit log as your change; nothing is deleted."]

        def answered(yes: bool | None) -> None:
            if yes:
                self._undo(plan)

        self.app.push_screen(
            ConfirmScreen(plan.title, "\n".join(lines), confirm="Undo"),
            answered,
        )

    def _undo(self, plan: UndoPlan) -> None:
        ws = self.mops.ws

        def done(message: str) -> None:
            self.notify(message, title="Undone", markup=False)
            self.table.reload(keep_cursor=False)

        self.run_write(lambda: audit_log.undo_last(ws, plan.entry.id), done)


def open_audit(app: App[Any], query: str = "") -> AuditScreen:
    """Push the audit log over whatever is showing (``query`` pre-fills its filter,
    e.g. ``actor:me`` or ``area:tool``). Returns the screen."""
    screen = AuditScreen(query)
    app.push_screen(screen)
    return screen


# ---------------------------------------------------------------------------
# The detail pane: one entry, before and after field by field
# ---------------------------------------------------------------------------


def render_entry(found: EntryDetail, me: str) -> RenderableType:
    e = found.entry
    doc = Doc()
    doc.title(f"{e.area} {e.action}", f"#{e.id}", "reverse")
    doc.subtitle(f"by {e.actor} · {e.at.strftime('%Y-%m-%d %H:%M')} UTC")
    if found.record:
        doc.value("Record", found.record)
    elif e.entity_id:
        doc.value("Record", f"{e.area} {e.entity_id} (no longer found)", "dim")
    doc.para(e.summary)
    blocks: list[RenderableType] = [doc.render()]
    changes = found.changes
    if e.action == "undo":
        link = e.after or {}
        note = Text("\nThis entry undid change ", style="dim")
        note.append(f"#{link.get('undoes', '?')}", style="bold")
        written = link.get("entries") or []
        if written:
            note.append(
                "; the change it made is " + ", ".join(f"#{i}" for i in written) + ".", style="dim"
            )
        blocks.append(note)
        return Group(*blocks)
    heading = Text("\nBefore and after", style="bold underline")
    blocks.append(heading)
    if not changes:
        blocks.append(Text("No values were recorded with this change.", style="dim"))
    else:
        grid = Table(box=None, expand=True, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
        grid.add_column("", width=1, no_wrap=True)
        grid.add_column("Field", style="dim", ratio=1, no_wrap=False)
        grid.add_column("Before", ratio=2)
        grid.add_column("After", ratio=2)
        for c in changes:
            mark = Text("●", style="bold yellow") if c.changed else Text(" ")
            style = "bold" if c.changed else "dim"
            before = Text(
                visible(c.before), style="red" if c.changed and c.before != "—" else style
            )
            after = Text(visible(c.after), style="bold green" if c.changed else style)
            grid.add_row(mark, Text(c.label, style=style), before, after)
        blocks.append(grid)
        changed = sum(1 for c in changes if c.changed)
        blocks.append(Text(f"● {changed} field{'s' if changed != 1 else ''} changed", style="dim"))
    if e.actor == me:
        blocks.append(Text("\nu undoes your last change (it need not be this one).", style="dim"))
    return Group(*blocks)
