"""The Ledger mode: plan vs actual, the spend entries, and a monthly chart.

Keys follow hledger-ui where they can: shift+←/→ steps the period, Enter on a plan row
opens its entries (the register), Esc goes back.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, Input, ProgressBar, Static

from mops_tui.domain import ledger as rules
from mops_tui.domain.errors import DomainError, FieldError, ValidationFailed
from mops_tui.domain.ledger import Period, PlanActual
from mops_tui.domain.money import format_compact, format_money
from mops_tui.services import ledger, stack
from mops_tui.services import people as people_service
from mops_tui.store.queries.ledger import EntryFilter, EntryView
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.screens.modals import Choice, ConfirmScreen, FormScreen, PickerScreen
from mops_tui.ui.widgets.chart import PlanChart
from mops_tui.ui.widgets.detail import DetailPane, Doc
from mops_tui.ui.widgets.form import FieldSpec
from mops_tui.ui.widgets.keybar import KeyBar
from mops_tui.ui.widgets.record_table import Column, RecordTable

GROUPINGS = ("line", "channel", "month", "quarter")
VIEWS = ("plan", "entries", "chart")


class PlanSource:
    """Plan-vs-actual rows for the screen's period and grouping (a few hundred at most,
    computed by one report query and sorted in memory)."""

    def __init__(self, screen: LedgerScreen) -> None:
        self.screen = screen
        self._cache: tuple[tuple[str, str, str], list[PlanActual]] | None = None

    def _rows(self, query: str) -> list[PlanActual]:
        s = self.screen
        key = (s.period.label, s.by, query)
        if self._cache is None or self._cache[0] != key:
            result = ledger.report(s.mops.ws, s.period.label, s.by, text=query)
            self._cache = (key, result.rows)
        return self._cache[1]

    def invalidate(self) -> None:
        self._cache = None

    def count(self, query: str) -> int:
        return len(self._rows(query))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[PlanActual]:
        today = self.screen.mops.ws.today()
        keys = {
            "label": lambda r: r.label.lower(),
            "planned": lambda r: r.planned,
            "actual": lambda r: r.actual,
            "variance": lambda r: r.variance,
            "share": lambda r: r.share if r.share is not None else -1.0,
            "forecast": lambda r: r.forecast(today),
            "owner": lambda r: r.owner or "",
        }
        rows = list(self._rows(query))
        if sort in keys:
            rows.sort(key=keys[sort], reverse=descending)  # type: ignore[arg-type]
        return rows[offset : offset + limit]


class LedgerScreen(RecordScreen[Any]):
    """Mode 4: the budget ledger."""

    MODE_LABEL = "Ledger"
    FILTER_HINT = "filter: channel, campaign, period or owner · Esc clears"
    EMPTY = (
        "No budget lines in this period. Press L to add one, or F to copy the last "
        "period's plan forward."
    )
    EMPTY_FILTERED = "No line matches this filter. Esc clears it."
    DEFAULT_SORT = "label"

    DEFAULT_CSS = """
    LedgerScreen #views { height: 1fr; width: 1fr; }
    LedgerScreen #ledger-bar { height: 1; background: $panel; padding: 0 1; }
    LedgerScreen #import-progress { height: 1; display: none; }
    LedgerScreen #import-progress.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("ledger"),
        Binding("v", "next_view", "View", id="ledger.view"),
        Binding("P", "show_view('plan')", "Plan", show=False, id="ledger.plan"),
        Binding("E", "show_view('entries')", "Entries", show=False, id="ledger.entries"),
        Binding("C", "show_view('chart')", "Chart", show=False, id="ledger.chart"),
        Binding("shift+left", "step(-1)", "◀ Period", id="ledger.prev"),
        Binding("shift+right", "step(1)", "Period ▶", id="ledger.next"),
        Binding("M", "granularity", "Month/quarter/year/all", show=False, id="ledger.granularity"),
        Binding("b", "group", "Group by", id="ledger.group"),
        Binding("n", "new_entry", "Log spend", id="ledger.new"),
        Binding("L", "new_line", "New line", show=False, id="ledger.new_line"),
        Binding("e", "edit_line", "Edit line", show=False, id="ledger.edit_line"),
        Binding("c", "correct", "Correct", show=False, id="ledger.correct"),
        Binding("x", "reverse", "Reverse", show=False, id="ledger.reverse"),
        Binding("K", "close_period", "Close month", show=False, id="ledger.close"),
        Binding("F", "copy_forward", "Copy plan fwd", show=False, id="ledger.copy"),
        Binding("i", "import_csv", "Import CSV", id="ledger.import"),
    ]

    @property  # type: ignore[override]
    def NOUN(self) -> tuple[str, str]:  # the noun follows the view
        if self.view == "entries":
            return ("entry", "entries")
        return ("group", "groups") if self.by != "line" else ("line", "lines")

    def __init__(self) -> None:
        super().__init__()
        self.view = "plan"
        self.by = "line"
        self.period: Period = rules.month_period(2000, 1)
        self.entry_filter = EntryFilter()
        self._plan_source: PlanSource | None = None

    # -- composition -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ws = self.mops.ws
        today = ws.today()
        self.period = rules.quarter_containing(today, ws.fy_start)
        self.entry_filter = EntryFilter(
            starts_on=self.period.starts_on, ends_on=self.period.ends_on
        )
        yield Static(id="topbar")
        yield Static(id="ledger-bar")
        yield Input(placeholder=self.FILTER_HINT, id="filter", compact=True)
        yield ProgressBar(id="import-progress", show_eta=True)
        with Horizontal(id="body"):
            with ContentSwitcher(initial="records", id="views"):
                yield RecordTable(
                    self._plan(),
                    self.columns(),
                    key=lambda r: r.key,
                    sort="label",
                    empty_text=self.EMPTY,
                    id="records",
                )
                yield RecordTable(
                    ledger.EntryListing(ws, self.entry_filter),
                    self._entry_columns(),
                    key=lambda e: e.id,
                    sort="date",
                    descending=True,
                    empty_text="No spend in this period yet. Press n to log some.",
                    id="entries",
                )
                yield PlanChart(id="chart")
            yield DetailPane(id="detail")
        yield KeyBar()

    def _plan(self) -> PlanSource:
        if self._plan_source is None:
            self._plan_source = PlanSource(self)
        return self._plan_source

    def source(self) -> PlanSource:
        return self._plan()

    def columns(self) -> list[Column[PlanActual]]:
        currency = self.mops.ws.currency
        today = self.mops.ws.today()

        def money(value: int) -> str:
            return format_compact(value, currency)

        def share(r: PlanActual) -> str:
            value = r.share
            if value is None:
                return "—"
            return "∞" if value == float("inf") else f"{value:.0%}"

        def flag_style(r: PlanActual) -> str | None:
            return {"over": "error", "near": "warn"}.get(r.flag() or "")

        return [
            Column(
                "label", "Line", lambda r: short_label(r, self.period), min_width=16, priority=10
            ),
            Column("owner", "Owner", lambda r: r.owner or "", width=7, priority=2),
            Column(
                "planned", "Planned", lambda r: money(r.planned), width=8, align="right", priority=9
            ),
            Column(
                "actual", "Actual", lambda r: money(r.actual), width=8, align="right", priority=9
            ),
            Column(
                "variance",
                "Variance",
                lambda r: money(r.variance),
                width=9,
                align="right",
                priority=6,
                style=lambda r: "error" if r.variance < 0 else None,
            ),
            Column("share", "Spent", share, width=5, align="right", priority=8, style=flag_style),
            Column(
                "forecast",
                "Forecast",
                lambda r: money(r.forecast(today)),
                width=8,
                align="right",
                priority=5,
            ),
            Column(
                "flag",
                "",
                lambda r: r.flag_label(),
                width=4,
                sortable=False,
                priority=7,
                style=flag_style,
            ),
        ]

    def _entry_columns(self) -> list[Column[EntryView]]:
        currency = self.mops.ws.currency
        return [
            Column("date", "Date", lambda e: e.entry_date.isoformat(), width=10, priority=9),
            Column(
                "amount",
                "Amount",
                lambda e: format_money(e.amount, currency),
                width=11,
                align="right",
                priority=10,
                style=lambda e: "good" if e.amount < 0 else None,
            ),
            Column(
                "payee",
                "Payee",
                lambda e: e.payee + (" ↺" if e.kind == "reversal" else ""),
                min_width=12,
                priority=8,
                style=lambda e: "dim" if e.kind == "reversal" or e.reversed_by else None,
            ),
            Column("line", "Line", lambda e: e.line_label, min_width=14, priority=6),
            Column("ref", "Ref", lambda e: e.reference, width=12, sortable=False, priority=3),
            Column("id", "#", lambda e: str(e.id), width=6, align="right", priority=2),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self._update_bar()

    # -- which view --------------------------------------------------------------------

    @property
    def entries(self) -> RecordTable[EntryView]:
        return self.query_one("#entries", RecordTable)

    def action_show_view(self, view: str) -> None:
        self.view = view
        switcher = self.query_one("#views", ContentSwitcher)
        if view == "plan":
            switcher.current = "records"
            self.active_table_id = "records"
            self.table.focus()
        elif view == "entries":
            switcher.current = "entries"
            self.active_table_id = "entries"
            if not self.entries.is_loaded:
                self.entries.reload()
            self.entries.focus()
        else:
            switcher.current = "chart"
            self._draw_chart()
        self._update_bar()
        self._update_topbar(self.table.total if self.table.is_loaded else None)

    def action_next_view(self) -> None:
        self.action_show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def _update_bar(self) -> None:
        bar = Text()
        for view, label in (("plan", "Plan vs actual"), ("entries", "Entries"), ("chart", "Chart")):
            bar.append(f" {label} ", style="reverse bold" if view == self.view else "dim")
            bar.append(" ")
        if self.period.kind == "all":
            bar.append("  all periods", style="bold")
        else:
            bar.append(f"  {self.period.label}", style="bold")
            bar.append(
                f" ({self.period.starts_on:%d %b} – {self.period.ends_on:%d %b %Y})",
                style="dim",
            )
        closed = ledger.closes(self.mops.ws)
        locked = (
            []
            if self.period.kind == "all"
            else [m.label for m in self.period.months() if m.label in closed]
        )
        if len(locked) > 3:
            locked = [f"{locked[0]}…{locked[-1]}"]
        if locked:
            bar.append("  🔒 " + ", ".join(locked) + " closed", style="yellow")
        if self.view == "plan":
            bar.append(f"  · by {self.by}", style="dim")
        if self.view == "entries" and self.entry_filter.line_id:
            line = ledger.get_line(self.mops.ws, self.entry_filter.line_id)
            bar.append(f"  · {line.label}", style="dim")
        self.query_one("#ledger-bar", Static).update(bar)

    # -- period and grouping -------------------------------------------------------------

    def _set_period(self, new: Period) -> None:
        self.period = new
        self.entry_filter = EntryFilter(
            starts_on=new.starts_on, ends_on=new.ends_on, line_id=self.entry_filter.line_id
        )
        self._refresh_all()

    def _refresh_all(self) -> None:
        self._plan().invalidate()
        self.entries.source = ledger.EntryListing(self.mops.ws, self.entry_filter)
        self.query_one("#records", RecordTable).reload(keep_cursor=False)
        if self.entries.is_loaded or self.view == "entries":
            self.entries.reload(keep_cursor=False)
        if self.view == "chart":
            self._draw_chart()
        self._update_bar()

    def show_record(self, record: Any) -> None:
        """A budget line id opens the plan on its quarter; ``YYYY-MM`` opens that month."""
        ws = self.mops.ws
        if isinstance(record, str):
            self.by = "line"
            self._set_period(rules.parse_period(record, ws.fy_start))
            self.action_show_view("plan")
            return
        line = ledger.get_line(ws, int(record))
        self.by = "line"
        self.period = rules.quarter_containing(line.starts_on, ws.fy_start)
        self.entry_filter = EntryFilter(
            starts_on=self.period.starts_on, ends_on=self.period.ends_on
        )
        self._plan().invalidate()
        self.action_show_view("plan")
        self.query_one("#records", RecordTable).reload(select_key=str(line.id))
        self._update_bar()

    def refresh_data(self) -> None:
        self._plan().invalidate()
        if self.entries.is_loaded:
            self.entries.reload(keep_cursor=True)
        super().refresh_data()
        if self.view == "chart":
            self._draw_chart()

    def action_step(self, steps: int) -> None:
        self._set_period(self.period.shift(steps, self.mops.ws.fy_start))

    def action_granularity(self) -> None:
        """Month → quarter → fiscal year → all time → month (around today, or the
        period being viewed)."""
        ws = self.mops.ws
        today = ws.today()
        anchor = (
            today
            if self.period.contains(today) or self.period.kind == "all"
            else self.period.starts_on
        )
        following = {"month": "quarter", "quarter": "year", "year": "all", "all": "month"}
        kind = following.get(self.period.kind, "month")
        if kind == "month":
            new = rules.month_period(anchor.year, anchor.month)
        elif kind == "quarter":
            new = rules.quarter_containing(anchor, ws.fy_start)
        elif kind == "year":
            new = rules.year_period(rules.fiscal_year_of(anchor, ws.fy_start), ws.fy_start)
        else:
            new = rules.ALL_TIME
        self._set_period(new)

    def action_group(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self._plan().invalidate()
        self.query_one("#records", RecordTable).reload(keep_cursor=False)
        self._update_bar()

    def action_reload(self) -> None:
        self.mops.ws.refresh()
        self._refresh_all()

    # -- records and detail ----------------------------------------------------------------

    def row_id(self, row: Any) -> Hashable:
        return row.key if isinstance(row, PlanActual) else row.id

    def open_record(self, row: Any) -> None:
        """Enter on a plan row opens its entries (the register); on an entry, its detail."""
        if isinstance(row, PlanActual) and row.line_id is not None:
            self.entry_filter = EntryFilter(
                starts_on=self.period.starts_on, ends_on=self.period.ends_on, line_id=row.line_id
            )
            self.entries.source = ledger.EntryListing(self.mops.ws, self.entry_filter)
            self.entries.reload(keep_cursor=False)
            self.action_show_view("entries")
            return
        super().open_record(row)

    def action_back(self) -> None:
        if (
            self.view == "entries"
            and self.entry_filter.line_id
            and not self.has_class("-detail-open")
        ):
            self.entry_filter = EntryFilter(
                starts_on=self.period.starts_on, ends_on=self.period.ends_on
            )
            self.entries.source = ledger.EntryListing(self.mops.ws, self.entry_filter)
            self.entries.reload(keep_cursor=False)
            self.action_show_view("plan")
            return
        super().action_back()

    def fetch_detail(self, row_id: Any) -> Any:
        ws = self.mops.ws
        if isinstance(row_id, int):
            entry = ledger.get_entry(ws, row_id)
            related = [
                ledger.get_entry(ws, i)
                for i in (entry.reverses_id, entry.corrects_id, entry.reversed_by)
                if i
            ]
            return ("entry", entry, related)
        row = self._selected
        line = (
            ledger.get_line(ws, row.line_id)
            if isinstance(row, PlanActual) and row.line_id
            else None
        )
        series = (
            ledger.monthly_series(
                ws,
                line_id=line.id if line else None,
                channel=row.channel if row and not line else None,
                months_back=6,
            )
            if row
            else []
        )
        history = ledger.line_history(ws, line.id) if line else []
        return ("plan", row, line, series, history)

    def detail_id(self, found: Any) -> Hashable:
        if found[0] == "entry":
            return found[1].id
        return found[1].key if found[1] is not None else None

    def detail_record(self, found: Any) -> Any:
        return found[1]

    def render_detail(self, found: Any) -> RenderableType:
        ws = self.mops.ws
        if found[0] == "entry":
            return render_entry(found[1], found[2], ws.currency)
        return render_plan_row(found[1], found[2], found[3], found[4], ws.currency, ws.today())

    @on(RecordTable.Highlighted, "#records")
    def _plan_row_moved(self, event: RecordTable.Highlighted) -> None:
        if self.view == "chart":
            self._draw_chart()

    def _draw_chart(self) -> None:
        ws = self.mops.ws
        row = self.query_one("#records", RecordTable).current_row
        if isinstance(row, PlanActual) and row.line_id:
            series = ledger.monthly_series(ws, line_id=row.line_id)
            title = f"Monthly actual vs plan · {row.label}"
        elif isinstance(row, PlanActual) and self.by == "channel":
            series = ledger.monthly_series(ws, channel=row.channel)
            title = f"Monthly actual vs plan · {row.channel}"
        else:
            series = ledger.monthly_series(ws)
            title = "Monthly actual vs plan · all lines"
        today = ws.today()
        self.query_one("#chart", PlanChart).show(
            series, title, ws.currency, current=today.isoformat()[:7]
        )

    # -- writing -------------------------------------------------------------------------

    def _line_choices(self, on: date | None = None) -> list[tuple[str, str]]:
        ws = self.mops.ws
        period = self.period if on is None else rules.quarter_containing(on, ws.fy_start)
        found = ledger.lines(ws, period.label)
        return [
            (
                f"{ln.label}  ({format_compact(ln.planned - ln.actual, ws.currency)} left)",
                f"#{ln.id}",
            )
            for ln in found
        ]

    def _entry_specs(self) -> list[FieldSpec]:
        from mops_tui.domain.ledger_schema import EntryInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        meta = {m["name"]: m for m in form_fields(EntryInput)}
        tools = [(name, name) for name, _id in stack.tool_choices(ws)]
        specs = []
        for name in (
            "entry_date",
            "amount",
            "kind",
            "payee",
            "line",
            "reference",
            "tool",
            "brief",
            "note",
        ):
            choices = self._line_choices() if name == "line" else tools if name == "tool" else None
            spec = FieldSpec.from_meta(meta[name], choices)
            if name == "line":
                spec.widget = "select"
            specs.append(spec)
        return specs

    def _entry_check(self) -> Any:
        from mops_tui.domain.ledger_schema import ledger_context, validate_entry

        ws = self.mops.ws

        def check(values: dict[str, str]) -> list[FieldError]:
            validate_entry(values, ledger_context(ws.context(), ws.fy_start))
            return []

        return check

    def action_new_entry(self) -> None:
        ws = self.mops.ws
        today = ws.today()
        defaults = {
            "entry_date": today.isoformat()
            if self.period.contains(today)
            else self.period.starts_on.isoformat(),
            "kind": "spend",
        }
        row = self.query_one("#records", RecordTable).current_row
        if isinstance(row, PlanActual) and row.line_id:
            defaults["line"] = f"#{row.line_id}"

        def done(entry: EntryView | None) -> None:
            if entry is not None:
                self.saved_notice(
                    f"Logged {format_money(entry.amount, ws.currency)} to "
                    f"{entry.payee} ({entry.line_label})"
                )
                self._refresh_all()

        self.app.push_screen(
            FormScreen(
                "Log spend",
                self._entry_specs(),
                defaults,
                save=lambda values: ledger.add_entry(ws, values),
                validate=self._entry_check(),
                intro="Every entry comes out of a budget line whose period holds its "
                "date. A refund is a negative amount marked refund. Entries are never "
                "edited: use Correct (c) in the Entries view.",
            ),
            done,
        )

    def _selected_entry(self) -> EntryView | None:
        if self.view != "entries":
            self.notify("Switch to the Entries view (v) and choose an entry.", severity="warning")
            return None
        entry = self.entries.current_row
        if entry is None:
            self.notify("Choose an entry first.", severity="warning")
        return entry

    def action_correct(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            return
        ws = self.mops.ws
        problems = rules.reversal_errors(entry.kind, entry.reversed_by is not None)
        if problems:
            self.notify(problems[0].message, severity="warning", markup=False)
            return
        specs = self._entry_specs()
        values = {
            "entry_date": entry.entry_date.isoformat(),
            "amount": format_money(
                entry.amount, ws.currency, exact=True, symbol=False, grouping=False
            ),
            "kind": entry.kind,
            "payee": entry.payee,
            "line": f"#{entry.line_id}",
            "reference": entry.reference,
            "tool": entry.tool or "",
            "brief": "" if entry.brief_id is None else str(entry.brief_id),
            "note": entry.note,
        }
        for spec in specs:
            if spec.name == "line":
                choices = list(self._line_choices(entry.entry_date))
                if not any(v == values["line"] for _l, v in choices):
                    choices.insert(0, (entry.line_label, values["line"]))
                spec.choices = choices

        def save(form: dict[str, str]) -> tuple[EntryView, EntryView]:
            return ledger.correct_entry(ws, entry.id, form)

        def done(result: tuple[EntryView, EntryView] | None) -> None:
            if result is not None:
                self.saved_notice(
                    f"Entry {entry.id} reversed ({result[0].id}) and recorded "
                    f"again as {result[1].id}"
                )
                self._refresh_all()

        self.app.push_screen(
            FormScreen(
                f"Correct entry {entry.id}",
                specs,
                values,
                save=save,
                validate=self._entry_check(),
                intro="Saving reverses the original and records these values as a new "
                "entry, in one step. Both stay in the ledger, linked.",
            ),
            done,
        )

    def action_reverse(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            return
        ws = self.mops.ws

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_write(
                    lambda: ledger.reverse_entry(ws, entry.id, "reversed in mops"),
                    lambda rev: (
                        self.notify(f"Reversed with entry {rev.id}", markup=False),
                        self._refresh_all(),
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                f"Reverse entry {entry.id}?",
                f"{format_money(entry.amount, ws.currency)} to {entry.payee} on "
                f"{entry.entry_date.isoformat()} is cancelled by an equal and opposite entry. "
                "Both stay visible.",
                confirm="Reverse",
            ),
            confirmed,
        )

    def _line_specs(self) -> list[FieldSpec]:
        from mops_tui.domain.ledger_schema import LineInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        meta = {m["name"]: m for m in form_fields(LineInput)}
        people = [
            (f"{p['name']} ({p['handle']})", p["handle"]) for p in people_service.list_people(ws)
        ]
        tools = [(name, name) for name, _id in stack.tool_choices(ws)]
        channels = sorted(set(rules.CHANNELS) | set(ledger.channels(ws)))
        specs = []
        for name in ("period", "channel", "campaign", "planned", "owner", "tool", "notes"):
            choices = {"owner": people, "tool": tools, "channel": [(c, c) for c in channels]}.get(
                name
            )
            specs.append(FieldSpec.from_meta(meta[name], choices))
        return specs

    def _line_check(self) -> Any:
        from mops_tui.domain.ledger_schema import ledger_context, validate_line

        ws = self.mops.ws

        def check(values: dict[str, str]) -> list[FieldError]:
            validate_line(values, ledger_context(ws.context(), ws.fy_start))
            return []

        return check

    def action_new_line(self) -> None:
        ws = self.mops.ws

        def done(line: Any) -> None:
            if line is not None:
                self.saved_notice(f"Added {line.label}")
                self._refresh_all()

        self.app.push_screen(
            FormScreen(
                "New budget line",
                self._line_specs(),
                {"period": self.period.label},
                save=lambda values: ledger.create_line(ws, values),
                validate=self._line_check(),
                intro="A line is the plan for one channel (and optionally a campaign "
                "or a tool) in a month or a fiscal quarter.",
            ),
            done,
        )

    def action_edit_line(self) -> None:
        row = self.query_one("#records", RecordTable).current_row
        if self.view != "plan" or not isinstance(row, PlanActual) or row.line_id is None:
            self.notify(
                "Choose a budget line in the plan view (grouped by line) first.", severity="warning"
            )
            return
        ws = self.mops.ws
        line = ledger.get_line(ws, row.line_id)

        def done(saved: Any) -> None:
            if saved is not None:
                self.saved_notice(f"Saved {saved.label}")
                self._refresh_all()

        self.app.push_screen(
            FormScreen(
                f"Edit {line.label}",
                self._line_specs(),
                ledger.line_form_values(line, ws.currency),
                save=lambda values: ledger.update_line(ws, line.id, values, line.version),
                validate=self._line_check(),
            ),
            done,
        )

    def action_copy_forward(self) -> None:
        ws = self.mops.ws
        target = self.period.shift(1, ws.fy_start)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_write(
                    lambda: ledger.copy_forward(ws, self.period.label, target.label),
                    lambda copied: (
                        self.notify(
                            f"Copied {len(copied)} line(s) to {target.label}", markup=False
                        ),
                        self._set_period(target),
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                f"Copy {self.period.label}'s plan to {target.label}?",
                f"Every line of {self.period.label} is added to {target.label} with the same "
                "channel, campaign, tool, owner and planned amount. Lines already there are "
                "left alone.",
                confirm="Copy",
            ),
            confirmed,
        )

    def action_close_period(self) -> None:
        ws = self.mops.ws
        closed = ledger.closes(ws)
        choices = []
        for month in self.period.shift(-1, ws.fy_start).months() + self.period.months():
            state = closed.get(month.label)
            if state:
                detail = f"closed by {state.closed_by} on {state.closed_on.isoformat()} · reopen"
            elif month.ends_on >= ws.today():
                detail = "not over yet"
            else:
                detail = "open · close"
            choices.append(
                Choice(
                    month.label,
                    month.label,
                    detail,
                    disabled=month.ends_on >= ws.today() and not state,
                )
            )

        def picked(month: str | None) -> None:
            if not month:
                return
            if month in closed:
                self._reopen(month)
                return
            self.app.push_screen(
                ConfirmScreen(
                    f"Close {month}?",
                    "After closing, every entry dated in that month is "
                    "refused until someone reopens it (with a reason).",
                    confirm="Close",
                ),
                lambda yes: (
                    yes
                    and self.run_write(
                        lambda: ledger.close_period(ws, month),
                        lambda _c: (
                            self.notify(f"Closed {month}", markup=False),
                            self._update_bar(),
                        ),
                    )
                ),
            )

        self.app.push_screen(PickerScreen("Close or reopen a month", choices), picked)

    def _reopen(self, month: str) -> None:
        from mops_tui.domain.ledger_schema import ReopenInput
        from mops_tui.domain.schema import form_fields

        ws = self.mops.ws
        specs = [FieldSpec.from_meta(m) for m in form_fields(ReopenInput)]

        def done(result: Any) -> None:
            if result is not False:
                self.notify(f"Reopened {month}", markup=False)
                self._update_bar()

        def save(values: dict[str, str]) -> bool:
            ledger.reopen_period(ws, month, values.get("reason", ""))
            return True

        self.app.push_screen(
            FormScreen(
                f"Reopen {month}", specs, {}, save=save, intro="Reopening is audited; say why."
            ),
            done,
        )

    # -- CSV import in a worker with a progress bar ----------------------------------------

    def action_import_csv(self) -> None:
        specs = [
            FieldSpec(
                "path",
                "CSV file",
                "text",
                help="Path to a finance or ad-platform export",
                required=True,
            ),
            FieldSpec("profile", "Saved profile", "text", help="Optional: a saved column mapping"),
            FieldSpec(
                "mapping",
                "Column map",
                "text",
                help='Optional: "entry_date=Posting Date,amount=Net,payee=Supplier"',
            ),
            FieldSpec(
                "constants",
                "Same for every row",
                "text",
                help='Optional: "channel=Paid search,payee=Google Ads"',
            ),
            FieldSpec(
                "day_first", "Dates are day first", "bool", help="03/11/2026 means 3 November"
            ),
        ]

        def preview(values: dict[str, str]) -> Any:
            return self._preview_import(values)

        def done(result: Any) -> None:
            if result is None:
                return
            settings, rows, report, source = result
            self._confirm_import(settings, rows, report, source)

        self.app.push_screen(
            FormScreen(
                "Import spend from CSV",
                specs,
                {"day_first": "yes"},
                save=preview,
                intro="mops reads the file and shows a dry run first: rows to add, "
                "rows already in the ledger, and each bad row. Nothing is written "
                "until you confirm, and then everything or nothing is.",
            ),
            done,
        )

    def _preview_import(self, values: dict[str, str]) -> Any:
        from pathlib import Path

        from mops_tui.formats import spend_csv
        from mops_tui.formats.csv_io import CsvError

        ws = self.mops.ws
        path = Path(values.get("path", "").strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationFailed(
                [FieldError("path", f"cannot read {path}: {exc.strerror or exc}")]
            ) from exc
        name = values.get("profile", "").strip()
        profile = ledger.load_profile(ws, name) if name else None
        try:
            settings, mapped = spend_csv.prepare(
                data,
                profile=profile,
                map_options=[values.get("mapping", "")],
                set_options=[values.get("constants", "").replace(",", ";")],
                day_first=values.get("day_first", "yes") == "yes",
            )
        except spend_csv.SpendCsvError as exc:
            raise ValidationFailed([FieldError("mapping", str(exc))]) from exc
        except CsvError as exc:
            raise ValidationFailed([FieldError("path", str(exc))]) from exc
        if mapped.problems:
            raise ValidationFailed([FieldError("mapping", str(p)) for p in mapped.problems])
        report = ledger.import_spend(
            ws,
            mapped.rows,
            dry_run=True,
            day_first=mapped.day_first,
            decimal_comma=mapped.decimal_comma,
            source=path.name,
        )
        return settings, mapped, report, path.name

    def _confirm_import(self, settings: Any, mapped: Any, report: Any, source: str) -> None:
        ws = self.mops.ws
        lines = [
            f"{report.rows} rows read from {source}",
            f"{report.to_add} to add ({format_money(report.amount_to_add, ws.currency)})",
            f"{report.already} already in the ledger (skipped)",
        ]
        if report.errors:
            lines.append(
                f"{len({e.row for e in report.errors})} rows have problems; nothing "
                "will be written until they are fixed:"
            )
            lines += [
                f"  row {e.row}: {e.field.replace('_', ' ')}: {e.message}"
                for e in report.errors[:15]
            ]
            if len(report.errors) > 15:
                lines.append(f"  … and {len(report.errors) - 15} more")
            self.app.push_screen(ConfirmScreen("Import refused", "\n".join(lines), confirm="OK"))
            return
        if report.to_add == 0:
            self.notify("Nothing new to import: every row is already in the ledger.", markup=False)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run_import(settings, mapped, source)

        self.app.push_screen(
            ConfirmScreen(
                "Import these entries?", "\n".join(lines), confirm=f"Import {report.to_add}"
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, group="import")
    def _run_import(self, settings: Any, mapped: Any, source: str) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        self.app.call_from_thread(bar.add_class, "-shown")
        self.app.call_from_thread(bar.update, total=len(mapped.rows), progress=0)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            report = ledger.import_spend(
                self.mops.ws,
                mapped.rows,
                day_first=settings.day_first,
                decimal_comma=bool(mapped.decimal_comma),
                source=source,
                progress=progress,
            )
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            report = None
        self.app.call_from_thread(bar.remove_class, "-shown")
        if report is None:
            return
        if report.errors:
            message = "; ".join(f"row {e.row}: {e.message}" for e in report.errors[:3])
            self.app.call_from_thread(
                self.notify, f"Nothing imported: {message}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify,
            f"Imported {report.to_add} entries "
            f"({format_money(report.amount_to_add, self.mops.ws.currency)})",
            markup=False,
        )
        self.app.call_from_thread(self._refresh_all)


def short_label(row: PlanActual, viewing: Period | None = None) -> str:
    """A plan row's name, short enough for 80 columns: "Nov Paid search · Spring".

    Inside a quarter the month or quarter alone is enough; over a year or all time
    the row keeps its full period ("2026-11 Paid search")."""
    if row.line_id is None or row.period is None:
        return row.label
    if viewing is not None and viewing.kind in ("year", "all"):
        when = row.period.label
    elif row.period.kind == "month":
        when = row.period.starts_on.strftime("%b")
    else:
        when = row.period.label.split("-")[-1]
    # A tool says more than "Tools & software" does, so it goes first.
    parts = [f"{when} {row.tool}", row.channel] if row.tool else [f"{when} {row.channel}"]
    if row.campaign:
        parts.insert(1, row.campaign)
    return " · ".join(parts)


# ---------------------------------------------------------------------------
# Detail panes
# ---------------------------------------------------------------------------


def render_plan_row(
    row: PlanActual | None,
    line: Any,
    series: list[PlanActual],
    history: list[dict[str, Any]],
    currency: str,
    today: date,
) -> RenderableType:
    doc = Doc(label_width=14)
    if row is None:
        doc.line("Nothing selected.", "dim")
        return doc.render()
    flag = row.flag_label()
    doc.title(row.label, flag, "reverse red" if row.flag() == "over" else "reverse yellow")
    money = lambda v: format_money(v, currency)  # noqa: E731
    doc.value("Planned", money(row.planned))
    doc.value("Actual", money(row.actual))
    doc.value(
        "Variance",
        money(row.variance) + (" over plan" if row.variance < 0 else " left"),
        "red" if row.variance < 0 else "",
    )
    share = row.share
    if share is not None and share != float("inf"):
        doc.value("Spent", f"{share:.0%} of plan")
    doc.value("Forecast", money(row.forecast(today)) + " by the end of the period (run rate)")
    if line is not None:
        doc.section("Line")
        doc.value("Reference", line.ref)
        doc.value("Owner", f"{line.owner_name} ({line.owner})" if line.owner else "—")
        if line.tool:
            doc.value("Tool", line.tool)
        doc.value("Entries", f"{line.entries}  (Enter lists them)")
        if line.notes:
            doc.para(line.notes)
    elif row.lines > 1:
        doc.value("Lines", str(row.lines))
    if series:
        doc.section("Last 6 months")
        for m in series:
            doc.value(
                m.label,
                f"{format_compact(m.actual, currency):>7} of {format_compact(m.planned, currency)}",
                "red" if m.actual > m.planned > 0 else "",
            )
    if history:
        doc.section("History")
        for h in history[:10]:
            at = h["at"]
            when = at.strftime("%Y-%m-%d %H:%M") if hasattr(at, "strftime") else str(at)[:16]
            doc.history(when, h["actor"], h["summary"])
    return doc.render()


def render_entry(entry: EntryView, related: list[EntryView], currency: str) -> RenderableType:
    doc = Doc(label_width=12)
    kind = {"reversal": "reversal", "refund": "refund"}.get(entry.kind, "")
    doc.title(
        f"{format_money(entry.amount, currency)} · {entry.payee}",
        kind,
        "reverse yellow" if kind else "",
    )
    doc.value("Entry", f"#{entry.id}")
    doc.value("Date", entry.entry_date.isoformat())
    doc.value("Budget line", entry.line_label)
    if entry.reference:
        doc.value("Reference", entry.reference)
    if entry.tool:
        doc.value("Tool", entry.tool)
    if entry.brief_id:
        doc.value("Brief", f"#{entry.brief_id}")
    if entry.note:
        doc.value("Note", entry.note)
    doc.value(
        "Recorded",
        f"{entry.created_by}"
        + (f" · {entry.created_at:%Y-%m-%d %H:%M}" if entry.created_at else "")
        + (" · imported" if entry.import_batch else ""),
    )
    if entry.reverses_id or entry.corrects_id or entry.reversed_by:
        doc.section("Linked entries")
        by_id = {r.id: r for r in related}
        if entry.reverses_id and entry.reverses_id in by_id:
            r = by_id[entry.reverses_id]
            doc.item(
                "↺",
                (
                    f"reverses #{r.id}: {format_money(r.amount, currency)} "
                    f"{r.payee} ({r.entry_date.isoformat()})",
                    "",
                ),
            )
        if entry.corrects_id and entry.corrects_id in by_id:
            r = by_id[entry.corrects_id]
            doc.item("✎", (f"corrects #{r.id}: {format_money(r.amount, currency)}", ""))
        if entry.reversed_by and entry.reversed_by in by_id:
            r = by_id[entry.reversed_by]
            doc.item("↺", (f"reversed by #{r.id} on {r.entry_date.isoformat()}", "yellow"))
    doc.section("Append-only")
    doc.line(
        "Entries are never edited or deleted: c corrects (reversal + new entry), x reverses.", "dim"
    )
    return doc.render()
