"""The one record table every list in mops uses.

It is backed by a *source* (count and page queries with a filter and a sort), not by a
list of rows: it asks for the page under the viewport, keeps a small LRU of pages, and
paints each line on demand (a virtual ``ScrollView``). A 100,000-row ledger costs the
same memory as a 40-row stack.

Database calls run in thread workers; results come back as messages, and the widget
is only touched on the event loop. Rows not yet fetched paint as a dim placeholder.

Keys: ↑/↓, PgUp/PgDn, Home/End move; Enter selects; ``<``/``>`` choose the sort
column and ``I`` inverts it (as in htop); clicking a header sorts by it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mops_tui.domain.text import cell_width, fit, visible

R = TypeVar("R")


class RecordSource(Protocol[R]):
    """What the table needs from a query. Implementations live in ``services``."""

    def count(self, query: str) -> int: ...

    def page(self, query: str, sort: str, descending: bool, offset: int, limit: int) -> list[R]: ...


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    label: str
    value: Callable[[R], str]
    width: int = 0  # 0: flexible, shares the spare room
    min_width: int = 6
    align: str = "left"
    sortable: bool = True
    style: Callable[[R], str | None] | None = None  # a component-class suffix, e.g. "warn"
    priority: int = 1  # lower numbers are dropped first when the table is narrow


class RecordTable(ScrollView, Generic[R], can_focus=True):
    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    RecordTable > .record-table--header {
        text-style: bold;
        color: $text-muted;
        background: $panel;
    }
    RecordTable > .record-table--sorted { color: $accent; text-style: bold; }
    RecordTable > .record-table--cursor {
        background: $block-cursor-blurred-background;
    }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RecordTable > .record-table--placeholder { color: $text-disabled; }
    RecordTable > .record-table--dim { color: $text-muted; }
    RecordTable > .record-table--warn { color: $warning; }
    RecordTable > .record-table--error { color: $error; text-style: bold; }
    RecordTable > .record-table--good { color: $success; }
    RecordTable > .record-table--empty { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--sorted",
        "record-table--cursor",
        "record-table--placeholder",
        "record-table--dim",
        "record-table--warn",
        "record-table--error",
        "record-table--good",
        "record-table--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
        Binding("less_than_sign", "sort_column(-1)", "Sort ←", show=False, id="table.sort_prev"),
        Binding("greater_than_sign", "sort_column(1)", "Sort →", show=False, id="table.sort_next"),
        Binding("I", "invert_sort", "Invert sort", show=False, id="table.invert"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: RecordTable[Any], row: Any | None, index: int) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.index = index

        @property
        def control(self) -> RecordTable[Any]:
            return self.table

    class Selected(Message):
        def __init__(self, table: RecordTable[Any], row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> RecordTable[Any]:
            return self.table

    class Loaded(Message):
        """The count for the current filter arrived."""

        def __init__(self, table: RecordTable[Any], total: int) -> None:
            super().__init__()
            self.table = table
            self.total = total

        @property
        def control(self) -> RecordTable[Any]:
            return self.table

    class _Count(Message):
        def __init__(
            self, generation: int, total: int, pages: dict[int, list[Any]], cursor: int | None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.total = total
            self.pages = pages
            self.cursor = cursor

    class _Page(Message):
        def __init__(self, generation: int, number: int, rows: list[Any]) -> None:
            super().__init__()
            self.generation = generation
            self.number = number
            self.rows = rows

    class _Failed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        source: RecordSource[R],
        columns: Sequence[Column[R]],
        *,
        key: Callable[[R], Hashable],
        sort: str | None = None,
        descending: bool = False,
        page_size: int = 100,
        max_pages: int = 12,
        empty_text: str = "Nothing here yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.all_columns = list(columns)
        self.row_key = key
        self.sort_key = sort or next((c.key for c in columns if c.sortable), columns[0].key)
        self.descending = descending
        self.filter_text = ""
        self.total = 0
        self.page_size = page_size
        self.max_pages = max_pages
        self.empty_text = empty_text
        self._pages: OrderedDict[int, list[R]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._loaded = False
        self._loading = False
        self._query_waiting = False
        self._want_key: Hashable | None = None
        self._layout: list[tuple[Column[R], int]] = []
        self._layout_width = -1
        self._last_highlight: tuple[int, Hashable | None] | None = None

    # ------------------------------------------------------------------ data

    def reload(self, *, keep_cursor: bool = True, select_key: Hashable | None = None) -> None:
        """Re-run the count and the visible pages (after a change or a new filter)."""
        self._generation += 1
        self._loading = True
        self._query_waiting = False
        if select_key is not None:
            self._want_key = select_key
        elif keep_cursor:
            current = self.current_row
            self._want_key = self.row_key(current) if current is not None else None
        else:
            # A different list (another period, say): start again at its top.
            self._want_key = None
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False)
        self._load_count(
            self._generation,
            self.filter_text,
            self.sort_key,
            self.descending,
            self.cursor_row,
            self._want_key,
        )

    def set_query(self, query: str) -> None:
        """Filter to ``query`` now, or, while a load is on its way, as soon as it lands:
        the first keystroke answers at once and a burst of typing costs one query per
        answer, never a queue of stale ones."""
        if query == self.filter_text:
            return
        self.filter_text = query
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False)
        if self._loading and self.has_started:
            self._query_waiting = True
            return
        self.reload(keep_cursor=False)

    def set_sort(self, key: str, descending: bool | None = None) -> None:
        column = next((c for c in self.all_columns if c.key == key), None)
        if column is None or not column.sortable:
            return
        if descending is None:
            descending = (not self.descending) if key == self.sort_key else False
        self.sort_key, self.descending = key, descending
        self.reload(keep_cursor=True)

    @work(thread=True, group="record-table-count", exclusive=True)
    def _load_count(
        self,
        generation: int,
        query: str,
        sort: str,
        descending: bool,
        cursor: int,
        want: Hashable | None,
    ) -> None:
        try:
            total = self.source.count(query)
            first = max(0, min(cursor, max(total - 1, 0)) // self.page_size)
            pages: dict[int, list[Any]] = {}
            numbers = [first] + ([first - 1] if first else []) + [first + 1]
            for number in numbers:
                if number * self.page_size < total:
                    pages[number] = self.source.page(
                        query, sort, descending, number * self.page_size, self.page_size
                    )
            found: int | None = None
            if want is not None:
                for number, rows in pages.items():
                    for i, row in enumerate(rows):
                        if self.row_key(row) == want:
                            found = number * self.page_size + i
                if found is None and total <= 5_000:
                    # Small lists: find the record wherever the new sort put it.
                    offset = 0
                    while offset < total and found is None:
                        rows = self.source.page(query, sort, descending, offset, 500)
                        for i, row in enumerate(rows):
                            if self.row_key(row) == want:
                                found = offset + i
                                break
                        offset += 500
                        if not rows:
                            break
                    if found is not None:
                        number = found // self.page_size
                        pages[number] = self.source.page(
                            query, sort, descending, number * self.page_size, self.page_size
                        )
        except Exception as exc:  # reported on the screen, never a crash
            self.post_message(self._Failed(exc))
            return
        self.post_message(self._Count(generation, total, pages, found))

    @work(thread=True, group="record-table-page")
    def _load_page(
        self, generation: int, number: int, query: str, sort: str, descending: bool
    ) -> None:
        try:
            rows = self.source.page(
                query, sort, descending, number * self.page_size, self.page_size
            )
        except Exception as exc:
            self.post_message(self._Failed(exc))
            return
        self.post_message(self._Page(generation, number, rows))

    def on_record_table__count(self, message: RecordTable._Count) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        if self._query_waiting:  # typed on while this loaded: show the newest filter
            self.reload(keep_cursor=False)
            return
        self.total = message.total
        self._pages.clear()
        self._pending.clear()
        for number, rows in message.pages.items():
            self._store(number, rows)
        self._loaded = True
        self._loading = False
        self.virtual_size = Size(0, self.total + 1)
        if message.cursor is not None:
            self.cursor_row = message.cursor
        else:
            self.cursor_row = min(self.cursor_row, max(self.total - 1, 0))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Loaded(self, self.total))
        self._emit_highlight(force=True)

    def on_record_table__page(self, message: RecordTable._Page) -> None:
        message.stop()
        self._pending.discard(message.number)
        if message.generation != self._generation:
            return
        self._store(message.number, message.rows)
        self.refresh()
        self._emit_highlight()

    def on_record_table__failed(self, message: RecordTable._Failed) -> None:
        message.stop()
        self._loading = False
        self.notify(f"Could not read the list: {message.error}", severity="error")

    def _store(self, number: int, rows: list[R]) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def row_at(self, index: int) -> R | None:
        if not 0 <= index < self.total:
            return None
        number, offset = divmod(index, self.page_size)
        rows = self._pages.get(number)
        if rows is None:
            if number not in self._pending:
                self._pending.add(number)
                self._load_page(
                    self._generation, number, self.filter_text, self.sort_key, self.descending
                )
            return None
        self._pages.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    @property
    def current_row(self) -> R | None:
        return self.row_at(self.cursor_row)

    @property
    def has_started(self) -> bool:
        """A load has been asked for (it may still be on its way)."""
        return self._generation > 0

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    @property
    def is_settled(self) -> bool:
        """Loaded, and no reload on its way (tests and watchers wait on this)."""
        return self._loaded and not self._loading

    # --------------------------------------------------------------- layout

    def _columns_for(self, width: int) -> list[tuple[Column[R], int]]:
        if width == self._layout_width and self._layout:
            return self._layout
        columns = list(self.all_columns)
        # Drop the least important columns until the minimum widths fit.
        while len(columns) > 1:
            need = sum(c.width or c.min_width for c in columns) + len(columns) - 1
            if need <= width:
                break
            lowest = min(columns, key=lambda c: c.priority)
            columns.remove(lowest)
        gaps = len(columns) - 1
        fixed = sum(c.width for c in columns if c.width)
        flexible = [c for c in columns if not c.width]
        spare = max(0, width - fixed - gaps)
        layout: list[tuple[Column[R], int]] = []
        share = spare // len(flexible) if flexible else 0
        extra = spare - share * len(flexible) if flexible else 0
        for c in columns:
            if c.width:
                layout.append((c, c.width))
            else:
                w = max(c.min_width, share + (1 if extra > 0 else 0))
                extra -= 1
                layout.append((c, w))
        self._layout, self._layout_width = layout, width
        return layout

    def on_resize(self, event: events.Resize) -> None:
        self._layout_width = -1
        self.virtual_size = Size(0, self.total + 1)

    # -------------------------------------------------------------- painting

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"record-table--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if y == 0:
            return self._render_header(width)
        index = self.scroll_offset.y + y - 1
        if not self._loaded:
            if y == 1:
                return Strip([Segment(fit("Loading…", width), self._style("placeholder"))])
            return Strip.blank(width, base)
        if self.total == 0:
            lines = _wrapped(visible(self.empty_text, keep_newlines=True), max(width - 1, 10))
            if 1 <= y <= len(lines):
                return Strip([Segment(fit(" " + lines[y - 1], width), self._style("empty"))])
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        cursor = index == self.cursor_row
        if row is None:
            style = self._style("placeholder")
            if cursor:
                style = style + self._style("cursor")
            return Strip([Segment(fit(" …", width), style)])
        segments: list[Segment] = []
        row_style = self._style("cursor") if cursor else Style()
        for i, (column, w) in enumerate(self._columns_for(width)):
            if i:
                segments.append(Segment(" ", base + row_style))
            text = visible(column.value(row))
            cell = fit(text, w)
            if column.align == "right":
                stripped = cell.rstrip(" ")
                cell = " " * (w - cell_width(stripped)) + stripped
            style = base
            if column.style is not None:
                name = column.style(row)
                if name:
                    style = style + self._style(name)
            segments.append(Segment(cell, style + row_style))
        return Strip(segments).adjust_cell_length(width, base + row_style)

    def _render_header(self, width: int) -> Strip:
        header = self._style("header")
        sorted_style = header + self._style("sorted")
        segments: list[Segment] = []
        for i, (column, w) in enumerate(self._columns_for(width)):
            if i:
                segments.append(Segment(" ", header))
            label = column.label
            style = header
            if column.key == self.sort_key:
                label += " ▼" if self.descending else " ▲"
                style = sorted_style
            cell = fit(label, w)
            if column.align == "right":
                stripped = cell.rstrip(" ")
                cell = " " * (w - cell_width(stripped)) + stripped
            segments.append(Segment(cell, style))
        return Strip(segments).adjust_cell_length(width, header)

    # ------------------------------------------------------------ movement

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._emit_highlight()

    def _emit_highlight(self, force: bool = False) -> None:
        row = self.current_row
        key = self.row_key(row) if row is not None else None
        marker = (self.cursor_row, key)
        if not force and marker == self._last_highlight:
            return
        if row is None and self.total:
            return  # its page is loading; highlight when it arrives
        self._last_highlight = marker
        self.post_message(self.Highlighted(self, row, self.cursor_row))

    def _scroll_cursor_into_view(self) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor_row = max(0, min(self.total - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        self.action_cursor(direction * body)

    def action_first(self) -> None:
        if self.total:
            self.cursor_row = 0

    def action_last(self) -> None:
        if self.total:
            self.cursor_row = self.total - 1

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def action_sort_column(self, step: int) -> None:
        keys = [
            c.key
            for c, _w in self._columns_for(self._layout_width or self.size.width)
            if c.sortable
        ]
        if not keys:
            return
        index = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.set_sort(keys[(index + step) % len(keys)], descending=False)

    def action_invert_sort(self) -> None:
        self.set_sort(self.sort_key, descending=not self.descending)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            for column, w in self._columns_for(self._layout_width or self.size.width):
                if x <= offset.x < x + w + 1:
                    self.set_sort(column.key)
                    return
                x += w + 1
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < self.total:
            if index == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = index

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._after_scroll()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._after_scroll()

    def _after_scroll(self) -> None:
        self.refresh()


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken between words ("\n" kept)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and cell_width(candidate) > width:
                out.append(line)
                line = word
            else:
                line = candidate
        out.append(line)
    return out
