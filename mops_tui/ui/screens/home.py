"""Home: one inbox of what needs a decision today, across the four areas.

Enter opens the item's record in its own mode; Esc there comes back here with the
cursor where it was. z snoozes an item (audited), D records a renewal decision, l
shows where personal data flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from mops_tui.domain import triage as rules
from mops_tui.domain.errors import FieldError
from mops_tui.domain.money import format_compact
from mops_tui.domain.triage import InboxItem
from mops_tui.ui.screens.base import RecordScreen, common_bindings
from mops_tui.ui.widgets.detail import DetailPane, Doc
from mops_tui.ui.widgets.keybar import KeyBar
from mops_tui.ui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from mops_tui.services import triage

AREA_STYLE = {"Briefs": "cyan", "Stack": "magenta", "Ledger": "yellow", "KPIs": "green"}


class InboxSource:
    """The ranked inbox, computed once per reload (a few dozen items)."""

    def __init__(self, screen: HomeScreen) -> None:
        self.screen = screen
        self.items: list[InboxItem] | None = None

    def invalidate(self) -> None:
        self.items = None

    def _all(self, query: str) -> list[InboxItem]:
        if self.items is None:
            from mops_tui.services import triage  # in the worker, after first paint

            ws = self.screen.mops.ws
            self.items = triage.inbox(ws)
            # The header figures come from the same read, drawn with the first rows.
            self.screen.app.call_from_thread(
                self.screen.show_figures, triage.figures(ws, self.items)
            )
        if not query:
            return self.items
        words = query.lower().split()
        return [
            i
            for i in self.items
            if all(w in f"{i.area} {i.title} {i.why} {i.kind}".lower() for w in words)
        ]

    def count(self, query: str) -> int:
        return len(self._all(query))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[InboxItem]:
        rows = list(self._all(query))
        keys = {
            "area": lambda i: i.area,
            "title": lambda i: i.title.lower(),
            "due": lambda i: i.due.isoformat() if i.due else "9999",
        }
        if sort in keys:
            rows.sort(key=keys[sort], reverse=descending)
        elif descending:
            rows.reverse()
        return rows[offset : offset + limit]


class HomeScreen(RecordScreen[InboxItem]):
    """Mode 1: the morning inbox."""

    MODE_LABEL = "Home"
    NOUN = ("item", "items")
    FILTER_HINT = "filter: words in the area, record or reason · Esc clears"
    EMPTY = "Nothing needs a decision today. Snoozed items come back on their date."
    EMPTY_FILTERED = "No item matches this filter. Esc clears it."
    DEFAULT_SORT = "score"

    DEFAULT_CSS = """
    HomeScreen #figures { height: auto; background: $boost; padding: 0 1; }
    HomeScreen #why {
        height: auto; max-height: 4; padding: 0 1; border-top: solid $primary 50%;
    }
    HomeScreen.-wide #why { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *common_bindings("home"),
        Binding("enter", "open_item", "Open", id="home.open", priority=False),
        Binding("z", "snooze", "Snooze", id="home.snooze"),
        Binding("D", "decide", "Renewal decision", id="home.decide"),
        Binding("l", "lineage", "Data lineage", id="home.lineage"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._inbox: InboxSource | None = None
        self._figures_of: triage.Figures | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(Text("Reading today's inbox…", style="dim"), id="figures")
        yield Input(placeholder=self.FILTER_HINT, id="filter", compact=True)
        with Horizontal(id="body"):
            yield RecordTable(
                self.source(),
                self.columns(),
                key=self.row_id,
                sort="score",
                empty_text=self.EMPTY,
                id="records",
            )
            yield DetailPane(id="detail")
        yield Static("", id="why")
        yield KeyBar()

    def source(self) -> InboxSource:
        if self._inbox is None:
            self._inbox = InboxSource(self)
        return self._inbox

    def row_id(self, row: InboxItem) -> str:
        return row.key

    def columns(self) -> list[Column[InboxItem]]:
        def due(i: InboxItem) -> str:
            if i.due is not None:
                return i.due.isoformat()
            return f"{i.age_days}d waiting" if i.age_days else ""

        return [
            Column("score", "Urg", lambda i: f"{i.score:.0f}", width=5, align="right", priority=6),
            Column("area", "Area", lambda i: i.area, width=7, priority=8, style=lambda i: "dim"),
            Column("title", "Item", lambda i: i.title, min_width=16, priority=10),
            Column("why", "Why", lambda i: i.why, min_width=20, sortable=False, priority=9),
            Column(
                "due",
                "Due / age",
                due,
                width=11,
                priority=7,
                style=lambda i: "error" if i.due and i.due < self.mops.ws.today() else None,
            ),
        ]

    def fetch_detail(self, row_id: Any) -> Any:
        return row_id

    def detail_id(self, found: Any) -> Any:
        return found

    def detail_record(self, found: Any) -> Any:
        return self._selected

    def render_detail(self, found: Any) -> RenderableType:
        item = self._selected
        doc = Doc(label_width=10)
        if item is None:
            doc.line("Nothing selected.", "dim")
            return doc.render()
        doc.title(item.title, item.area, f"reverse {AREA_STYLE.get(item.area, '')}".strip())
        doc.para(item.why)
        doc.section("Why it ranks here")
        doc.value("Score", f"{item.score:.1f}  ({item.kind.replace('_', ' ')})")
        if item.due:
            days = (item.due - self.mops.ws.today()).days
            when = f"in {days} days" if days >= 0 else f"{-days} days ago"
            doc.value("Due", f"{item.due.isoformat()} ({when})")
        if item.age_days:
            doc.value("Waiting", f"{item.age_days} working days")
        if item.cost:
            doc.value("Cost", format_compact(item.cost, self.mops.ws.currency) + " a year")
        doc.section("Keys")
        doc.line("Enter opens the record · z snoozes it · Esc there comes back here", "dim")
        if item.kind.startswith("renewal"):
            doc.line("D records the decision: renew, renegotiate or cancel", "dim")
        return doc.render()

    def _show_detail(self, found: Any) -> None:
        super()._show_detail(found)
        item = self._selected
        why = Text()
        if item is not None:
            why.append(f"{item.area}: ", style="bold")
            why.append(item.title, style="bold")
            why.append(" · " + item.why)
        self.query_one("#why", Static).update(why)

    def on_resize(self) -> None:
        if self._figures_of is not None:
            self.query_one("#figures", Static).update(self._figures_text(self._figures_of))

    def show_figures(self, figures: triage.Figures) -> None:
        self._figures_of = figures
        self.query_one("#figures", Static).update(self._figures_text(figures))

    def _figures_text(self, f: triage.Figures) -> Text:
        """Two lines of figures; shorter words when the terminal is narrow."""
        narrow = self.size.width < 110
        currency = self.mops.ws.currency
        states = f.briefs_by_state
        share = f" ({f.actual / f.planned:.0%})" if f.planned else ""
        spent = format_compact(f.actual, currency)
        planned = format_compact(f.planned, currency)
        yearly = format_compact(f.renewals_90_cost, currency)
        text = Text()
        text.append("Briefs ", style="bold")
        text.append(
            f"{states['draft']} draft · {states['submitted']} in review · "
            f"{states['approved']} approved · {states['in_flight']} in flight"
        )
        if narrow:
            if f.snoozed:
                text.append(f" · {f.snoozed} snoozed", style="dim")
            text.append("\nSpend ", style="bold")
            text.append(f"{spent} of {planned} {f.period}{share}")
            text.append(" · Renewals ", style="bold")
            text.append(f"{f.renewals_90} in 90d, {yearly}/yr")
            text.append(" · Gaps ", style="bold")
        else:
            text.append("   Spend ", style="bold")
            text.append(f"{spent} of {planned} in {f.period}{share}")
            text.append("\nRenewals ", style="bold")
            text.append(f"{f.renewals_90} in 90 days · {yearly} a year")
            text.append("   Compliance gaps ", style="bold")
        text.append(str(f.compliance_gaps), style="bold red" if f.compliance_gaps else "green")
        if f.snoozed and not narrow:
            text.append(f"   {f.snoozed} snoozed", style="dim")
        return text

    def refresh_data(self) -> None:
        self.source().invalidate()
        super().refresh_data()

    def action_reload(self) -> None:
        self.source().invalidate()
        super().action_reload()

    # -- actions --------------------------------------------------------------------

    def open_record(self, row: InboxItem) -> None:
        self.action_open_item()

    def action_open_item(self) -> None:
        item = self.table.current_row
        if item is None:
            return
        mode, record = item.target
        self.mops.open_record(mode, record, come_back="home")

    def action_snooze(self) -> None:
        from mops_tui.ui.screens.modals import FormScreen
        from mops_tui.ui.widgets.form import FieldSpec

        item = self.need_selected()
        if item is None:
            return
        ws = self.mops.ws
        specs = [
            FieldSpec("until", "Hide until", "date", help="+1w, 2026-12-15, fri", required=True),
            FieldSpec("note", "Note", "text", help="Optional: why it can wait"),
        ]

        from mops_tui.services import triage

        def save(values: dict[str, str]) -> Any:
            return triage.snooze(ws, item.key, values.get("until"), values.get("note", ""))

        def done(until: Any) -> None:
            if until is not None:
                self.notify(f"Snoozed until {until.isoformat()}", markup=False)
                self.action_reload()

        self.app.push_screen(
            FormScreen(f"Snooze: {item.title}", specs, {"until": "+1w"}, save=save, intro=item.why),
            done,
        )

    def action_decide(self) -> None:
        from mops_tui.ui.screens.modals import FormScreen
        from mops_tui.ui.widgets.form import FieldSpec

        item = self.need_selected()
        if item is None or not item.kind.startswith("renewal"):
            self.notify("Choose a renewal item first.", severity="warning")
            return
        ws = self.mops.ws
        specs = [
            FieldSpec(
                "decision",
                "Decision",
                "select",
                required=True,
                allow_blank=False,
                choices=[(d, d) for d in rules.RENEWAL_DECISIONS],
            ),
            FieldSpec(
                "note", "Note", "textarea", help="What to renegotiate, or who gives notice and when"
            ),
        ]

        def check(values: dict[str, str]) -> list[FieldError]:
            return rules.renewal_decision_errors(values.get("decision", ""), values.get("note", ""))

        from mops_tui.services import triage

        def save(values: dict[str, str]) -> bool:
            triage.decide_renewal(
                ws, int(item.extra["tool_id"]), values.get("decision", ""), values.get("note", "")
            )
            return True

        def done(result: Any) -> None:
            if result:
                self.notify(f"Recorded the renewal decision for {item.title}", markup=False)
                self.action_reload()

        self.app.push_screen(
            FormScreen(
                f"Renewal: {item.title}",
                specs,
                {"decision": "renew"},
                save=save,
                validate=check,
                intro=item.why + " The decision goes into the tool's "
                "history and clears this item until the next renewal.",
            ),
            done,
        )

    def action_lineage(self) -> None:
        from mops_tui.services import triage
        from mops_tui.ui.screens.modals import TextScreen

        self.app.push_screen(
            TextScreen("Where personal data flows", render_lineage(triage.lineage(self.mops.ws)))
        )


def render_lineage(found: list[tuple[str, bool, list[list[triage.Hop]]]]) -> RenderableType:
    """Tools with a gap first (no DPA themselves, or a hop into a tool without one),
    then the ones whose data flows only into covered tools; quiet tools on one line."""

    def gaps(entry: tuple[str, bool, list[list[triage.Hop]]]) -> int:
        _name, has_dpa, chains = entry
        hops = {(h.source, h.target) for c in chains for h in c if not h.target_has_dpa}
        return len(hops) + (0 if has_dpa else 1)

    doc = Doc()
    bad_hops = sorted(
        {
            f"{h.source} → {h.target}"
            for _n, _d, chains in found
            for c in chains
            for h in c
            if not h.target_has_dpa
        }
    )
    doc.line(
        f"{len(found)} tools hold personal data. Each chain of integrations below carries it "
        "onwards; a hop into a tool with no DPA is marked ✗.",
        "dim",
    )
    if bad_hops:
        doc.line(f"Hops without a DPA: {', '.join(bad_hops)}", "bold red")
    flowing = [e for e in found if e[2] or not e[1]]
    flowing.sort(key=lambda e: (-gaps(e), e[0].lower()))
    quiet = [name for name, has_dpa, chains in found if has_dpa and not chains]
    for name, has_dpa, chains in flowing:
        doc.section(name + ("" if has_dpa else "  ✗ no DPA"))
        if not chains:
            doc.line("no personal data flows out", "dim")
        for chain in chains:
            pieces: list[tuple[str, str]] = [(chain[0].source, "bold")]
            for hop in chain:
                ok = hop.target_has_dpa
                pieces.append((f" → ({hop.data}) → ", "dim"))
                pieces.append((hop.target + ("" if ok else " ✗"), "" if ok else "bold red"))
            doc.item("•", *pieces)
    if quiet:
        doc.section("Covered by a DPA, with no personal data flowing out")
        doc.para(", ".join(quiet), "dim")
    return doc.render()
