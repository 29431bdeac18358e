"""People: the owners and requesters mops knows, and adding one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from mops_tui.domain.errors import FieldError
from mops_tui.domain.people import PersonInput, validate_person
from mops_tui.domain.schema import form_fields
from mops_tui.services import people as people_service
from mops_tui.ui.screens.modals import FormScreen
from mops_tui.ui.widgets.form import FieldSpec
from mops_tui.ui.widgets.keybar import KeyBar
from mops_tui.ui.widgets.record_table import Column, RecordTable

if TYPE_CHECKING:
    from mops_tui.services.workspace import Workspace
    from mops_tui.ui.app import MopsApp

Person = dict[str, Any]


class PeopleSource:
    """People are few; the source filters and sorts them in memory."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _rows(self, query: str, sort: str, descending: bool) -> list[Person]:
        rows = people_service.list_people(self.ws)
        if query:
            q = query.casefold()
            rows = [r for r in rows if q in f"{r['handle']} {r['name']} {r['team']}".casefold()]
        rows.sort(key=lambda r: str(r.get(sort) or "").casefold(), reverse=descending)
        return rows

    def count(self, query: str) -> int:
        return len(self._rows(query, "name", False))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[Person]:
        return self._rows(query, sort, descending)[offset : offset + limit]


class PeopleScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PeopleScreen { align: center middle; }
    PeopleScreen > Vertical {
        width: 90%; max-width: 110; height: 85%;
        border: thick $primary; background: $surface;
    }
    PeopleScreen .people-title { text-style: bold; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Add person", id="people.new"),
        Binding("escape,q", "close", "Close", id="people.close"),
    ]

    @property
    def mops(self) -> MopsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        columns: list[Column[Person]] = [
            Column("handle", "Handle", lambda r: r["handle"], width=12, priority=9),
            Column("name", "Name", lambda r: r["name"], min_width=14, priority=10),
            Column("team", "Team", lambda r: r["team"], width=16, priority=5),
            Column(
                "tools_owned",
                "Tools",
                lambda r: str(r["tools_owned"]),
                width=5,
                align="right",
                sortable=False,
                priority=6,
            ),
            Column("email", "Email", lambda r: r["email"] or "", min_width=10, priority=2),
        ]
        with Vertical():
            yield Static(
                Text("People · owners and requesters · n adds one"), classes="people-title"
            )
            yield RecordTable(
                PeopleSource(self.mops.ws),
                columns,
                key=lambda r: r["handle"],
                sort="name",
                empty_text="Nobody yet. Press n to add a person.",
                id="people",
            )
            yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#people", RecordTable)
        table.focus()
        table.reload()

    def action_new(self) -> None:
        ws = self.mops.ws
        specs = [FieldSpec.from_meta(m) for m in form_fields(PersonInput)]

        def check(values: dict[str, str]) -> list[FieldError]:
            validate_person(values, ws.context())
            return []

        def done(row: Person | None) -> None:
            if row is not None:
                self.notify(f"Added {row['name']}", markup=False)
                self.query_one("#people", RecordTable).reload(select_key=row["handle"])

        self.app.push_screen(
            FormScreen(
                "Add a person",
                specs,
                {},
                save=lambda v: people_service.add_person(ws, v),
                validate=check,
                intro="The handle is their login name: it is how mops records who changed what.",
            ),
            done,
        )

    def action_close(self) -> None:
        self.dismiss(None)
