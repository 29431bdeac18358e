"""The shape every mode shares: a top bar, a filter, a record table and a detail pane.

A mode subclasses :class:`RecordScreen` and says what its records are (``source``,
``columns``, ``row_id``), how to load and draw one record's detail, and which keys
it adds. Filtering, layout at every width, focus and the detail worker live here once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from mops_tui.domain.errors import DomainError, FieldError
from mops_tui.ui.widgets.detail import DetailPane
from mops_tui.ui.widgets.keybar import KeyBar
from mops_tui.ui.widgets.record_table import Column, RecordSource, RecordTable

if TYPE_CHECKING:
    from mops_tui.ui.app import MopsApp

R = TypeVar("R")


def common_bindings(prefix: str, reload_key: str = "r") -> list[BindingType]:
    """The keys every mode has, with ids such as ``stack.filter`` for the keymap."""
    return [
        # A priority binding runs as the key arrives, before the keys typed after it
        # are handed on, so "/" then typing straight on (or type-ahead over SSH) fills
        # the filter instead of running the screen's action keys.
        Binding("slash", "filter", "Filter", id=f"{prefix}.filter", priority=True),
        Binding(reload_key, "reload", "Reload", show=False, id=f"{prefix}.reload"),
        Binding("escape", "back", "Back", show=False, id=f"{prefix}.back"),
        Binding("tab", "switch_pane", "Pane", show=False, id=f"{prefix}.pane"),
    ]


class RecordScreen(Screen[None], Generic[R]):
    """A mode showing one kind of record."""

    MODE_LABEL: ClassVar[str] = ""
    NOUN: ClassVar[tuple[str, str]] = ("record", "records")
    FILTER_HINT: ClassVar[str] = "filter"
    EMPTY_FILTERED: ClassVar[str] = "Nothing matches this filter."
    EMPTY: ClassVar[str] = "Nothing here yet."
    DEFAULT_SORT: ClassVar[str | None] = None

    DEFAULT_CSS = """
    RecordScreen #body { height: 1fr; }
    RecordScreen #records { width: 1fr; }
    RecordScreen #detail { width: 56; display: none; }
    RecordScreen.-wide #detail { display: block; width: 2fr; }
    RecordScreen.-wide #records { width: 3fr; }
    RecordScreen.-detail-open #detail { display: block; }
    RecordScreen.-narrow.-detail-open #detail { width: 1fr; }
    RecordScreen.-narrow.-detail-open #records { display: none; }
    RecordScreen #filter { display: none; height: 1; }
    RecordScreen #filter.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._selected: R | None = None

    # -- what a mode provides --------------------------------------------------

    def source(self) -> RecordSource[R]:
        raise NotImplementedError

    def columns(self) -> list[Column[R]]:
        raise NotImplementedError

    def row_id(self, row: R) -> Hashable:
        return getattr(row, "id")  # noqa: B009 - records are dataclasses with an id

    def fetch_detail(self, row_id: Any) -> Any:
        """Runs in a thread: read everything the detail pane shows."""
        raise NotImplementedError

    def render_detail(self, found: Any) -> RenderableType:
        raise NotImplementedError

    def detail_id(self, found: Any) -> Hashable:
        raise NotImplementedError

    def detail_record(self, found: Any) -> R:
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------

    @property
    def mops(self) -> MopsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Input(placeholder=self.FILTER_HINT, id="filter", compact=True)
        with Horizontal(id="body"):
            yield RecordTable(
                self.source(),
                self.columns(),
                key=self.row_id,
                sort=self.DEFAULT_SORT,
                empty_text=self.EMPTY,
                id="records",
            )
            yield DetailPane(id="detail")
        yield KeyBar()

    @property
    def table(self) -> RecordTable[R]:
        """The table the user is working in (a mode may have several views)."""
        return self.query_one(f"#{self.active_table_id}", RecordTable)

    active_table_id = "records"

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    def on_mount(self) -> None:
        self._update_topbar()
        self.table.focus()
        # Read after the first paint: a worker started now would hold the GIL while
        # the screen is being drawn for the first time.
        self.call_after_refresh(self._first_load)

    def _first_load(self) -> None:
        if not self.table.has_started:  # show_record may have asked already
            self.table.reload()

    def on_resize(self) -> None:
        self._fit_layout()

    def on_screen_suspend(self) -> None:
        # Leaving for another mode (not a dialog): other records may change meanwhile.
        top = self.app.screen
        self._stale = top is not self and not top.is_modal

    def on_screen_resume(self) -> None:
        self._fit_layout()
        if getattr(self, "_stale", False) and self.table.is_loaded:
            self._stale = False
            self.table.reload()

    def _fit_layout(self) -> None:
        """Wide: table and detail side by side. Medium: the detail opens beside the
        table on Enter. Narrow (80 columns): the detail replaces the table on Enter."""
        width = self.size.width
        self.set_class(width >= 150, "-wide")
        self.set_class(width < 100, "-narrow")

    def _update_topbar(self, total: int | None = None) -> None:
        app = self.mops
        bar = Text()
        bar.append(" mops ", style="bold reverse")
        bar.append("  ")
        for key, label in app.mode_labels():
            style = "bold underline" if label == self.MODE_LABEL else "dim"
            bar.append(f"{key} {label}", style=style)
            bar.append("  ")
        if total is not None:
            noun = self.NOUN[0] if total == 1 else self.NOUN[1]
            bar.append(
                f"{total} {noun}" + (" match" if self.table.filter_text else ""), style="bold"
            )
        bar.append(f"  ·  {app.settings.short_location} · {app.ws.actor}", style="dim")
        self.query_one("#topbar", Static).update(bar)

    @on(RecordTable.Loaded)
    def _loaded(self, event: RecordTable.Loaded) -> None:
        if event.control is not self.table:
            return
        self._update_topbar(event.total)
        if event.total == 0:
            self._selected = None
            query = self.table.filter_text
            message = self.EMPTY
            if query:
                from mops_tui.services import people

                why = people.mine_unknown(self.mops.ws, query)
                message = f"{self.EMPTY_FILTERED}\n{why}" if why else self.EMPTY_FILTERED
            self.detail.clear(message)
            if self.table.empty_text != message:
                self.table.empty_text = message
                self.table.refresh()

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        if event.control is not self.table:
            return
        self._selected = event.row
        if event.row is not None:
            self.load_detail(self.row_id(event.row))

    @on(RecordTable.Selected)
    def _selected_row(self, event: RecordTable.Selected) -> None:
        if event.control is not self.table:
            return
        self.open_record(event.row)

    def open_record(self, row: R) -> None:
        """Enter on a row: open the detail pane (a mode may drill down instead)."""
        self.add_class("-detail-open")
        self.detail.focus()

    @work(thread=True, exclusive=True, group="detail")
    def load_detail(self, row_id: Any) -> None:
        try:
            found = self.fetch_detail(row_id)
        except DomainError as exc:
            self.app.call_from_thread(self.detail.clear, str(exc))
            return
        self.app.call_from_thread(self._show_detail, found)

    def _show_detail(self, found: Any) -> None:
        if self._selected is None or self.row_id(self._selected) != self.detail_id(found):
            return
        self._selected = self.detail_record(found)
        self.detail.show(self.render_detail(found))

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:  # "/" typed inside the filter is a character: queue it
            box.post_message(events.Key("slash", "/"))  # behind the keys typed before it
            return
        box.add_class("-shown")
        # Focus now, not after a refresh: keys typed straight after / (a paste, or
        # type-ahead over SSH) must reach the filter, never the screen's action keys.
        self.set_focus(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # No debounce: the table answers the first key at once and folds the keys
        # typed while a query runs into one (RecordTable.set_query).
        self.table.set_query(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.table.set_query(event.value)
        if not event.value:
            event.input.remove_class("-shown")
        self.table.focus()

    def set_filter(self, text: str) -> None:
        box = self.query_one("#filter", Input)
        box.value = text
        box.set_class(bool(text), "-shown")
        self.table.set_query(text)

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            self.table.focus()
            if self.mops.came_from_elsewhere():
                self.mops.go_back()
            return
        if box.has_focus or box.value:
            box.value = ""
            box.remove_class("-shown")
            self.table.set_query("")
            self.table.focus()
            return
        if self.detail.has_focus:
            self.table.focus()
            return
        self.mops.go_back()

    # -- other screens and other users ---------------------------------------------

    def show_record(self, record: Any) -> None:
        """Select one record (opened from Home or the command palette)."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            box.remove_class("-shown")
            self.table.filter_text = ""
        self.table.reload(select_key=record)
        self.add_class("-detail-open")
        self.table.focus()

    def refresh_data(self) -> None:
        """Someone changed the database: re-read, keeping the cursor where it is."""
        self.table.reload(keep_cursor=True)
        if self._selected is not None:
            self.load_detail(self.row_id(self._selected))

    def action_switch_pane(self) -> None:
        if self.table.has_focus:
            self.add_class("-detail-open")
            self.detail.focus()
        else:
            self.remove_class("-detail-open")
            self.table.focus()

    def action_reload(self) -> None:
        self.mops.ws.refresh()
        self.table.reload()

    # -- helpers for writes ------------------------------------------------------

    def need_selected(self) -> R | None:
        if self._selected is None:
            self.notify(f"Select a {self.NOUN[0]} first.", severity="warning")
        return self._selected

    def saved_notice(self, message: str, warnings: Sequence[FieldError] = ()) -> None:
        if warnings:
            checks = "; ".join(w.message for w in warnings)
            self.notify(
                f"{message}. Check: {checks}", title="Saved", severity="warning", markup=False
            )
        else:
            self.notify(message, title="Saved", markup=False)

    def after_write(self, row_id: Hashable, message: str) -> None:
        self.notify(message, markup=False)
        self.table.reload(select_key=row_id)
        self.load_detail(row_id)

    def run_write(self, write: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``write`` in a worker; report a refusal, or call ``done`` with its result."""
        self._write_worker(write, done)

    @work(thread=True, group="write")
    def _write_worker(self, write: Callable[[], Any], done: Callable[[Any], None]) -> None:
        try:
            result = write()
        except DomainError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", title="Not changed", markup=False
            )
            return
        self.app.call_from_thread(done, result)
