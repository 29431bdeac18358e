"""The Textual app: modes, themes, keymap, and the workspace every screen uses."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from mops_tui import __version__
from mops_tui.resources import themes_dir
from mops_tui.services.workspace import Workspace, open_workspace, warm_up
from mops_tui.settings import Settings
from mops_tui.ui.screens.home import HomeScreen
from mops_tui.ui.themes import THEME_NAMES, load_themes

# Number keys are fixed: 1 Home, 2 Stack, 3 Briefs, 4 Ledger, 5 KPIs.
MODE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("1", "home", "Home"),
    ("2", "stack", "Stack"),
    ("3", "briefs", "Briefs"),
    ("4", "ledger", "Ledger"),
    ("5", "kpis", "KPIs"),
)


def _records_provider() -> Any:
    from mops_tui.ui.commands import RecordsProvider

    return RecordsProvider


def _actions_provider() -> Any:
    from mops_tui.ui.commands import ActionsProvider

    return ActionsProvider


def _screen(module: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(f"mops_tui.ui.screens.{module}"), name)()


class MopsApp(App[int]):
    TITLE = "mops"
    SUB_TITLE = __version__
    CSS_PATH = str(themes_dir() / "mops.tcss")
    ENABLE_COMMAND_PALETTE = True
    # Home is imported with the app; the other modes when first opened, so the first
    # paint does not wait for four screens' modules.
    MODES: ClassVar[dict[str, Any]] = {
        "home": HomeScreen,
        "stack": lambda: _screen("stack", "StackScreen"),
        "briefs": lambda: _screen("briefs", "BriefsScreen"),
        "ledger": lambda: _screen("ledger", "LedgerScreen"),
        "kpis": lambda: _screen("kpis", "KpisScreen"),
    }
    DEFAULT_MODE = "home"
    # The palette's providers (and textual.command) load when the palette first opens.
    COMMANDS = App.COMMANDS | {_records_provider, _actions_provider}
    # How often the visible screen looks for changes made by someone else.
    WATCH_SECONDS = 3.0

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+t", "cycle_theme", "Theme", show=False, id="app.theme"),
        Binding("A", "audit", "Audit log", show=False, id="app.audit"),
        *[
            Binding(key, f"switch_mode('{mode}')", label, show=False, id=f"app.mode.{mode}")
            for key, mode, label in MODE_KEYS
        ],
    ]

    def __init__(
        self, settings: Settings, ws: Workspace | None = None, start_mode: str | None = None
    ) -> None:
        if start_mode is not None:
            self.DEFAULT_MODE = start_mode  # type: ignore[misc]
        super().__init__()
        self.settings = settings
        self.ws = ws or open_workspace(settings.database_url, settings.actor, settings.raw)
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = THEME_NAMES[settings.theme]
        # Where Esc goes back to after Home (or another mode) opened a record.
        self._come_back: str | None = None
        self._marker: tuple[int, int] | None = None

    def mode_labels(self) -> list[tuple[str, str]]:
        return [(key, label) for key, _mode, label in MODE_KEYS]

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        # Warm the write path (SQLAlchemy, pydantic) after first paint, off the loop.
        # Warm the other modes and the write path once Home has had a moment to load:
        # started at once, the imports would compete with Home's own first read.
        self.set_timer(0.6, self._warm)
        self.set_interval(self.WATCH_SECONDS, self._watch, name="watch")

    def _warm(self) -> None:
        def work() -> None:
            import importlib

            for module in ("stack", "briefs", "ledger", "kpis", "modals"):
                importlib.import_module(f"mops_tui.ui.screens.{module}")
            warm_up()

        self.run_worker(work, thread=True, group="warm", exit_on_error=False)

    # -- moving between modes ----------------------------------------------------------

    def open_record(self, mode: str, record: Any, come_back: str | None = None) -> None:
        """Show one record in its own mode; Esc there returns to ``come_back``."""
        self._come_back = come_back
        if mode == "ledger-period":  # a month to close: the ledger on that month
            mode, record = "ledger", str(record)
        self.switch_mode(mode)
        self.call_after_refresh(self._show_record, record)

    def _show_record(self, record: Any) -> None:
        show = getattr(self.screen, "show_record", None)
        if show is None:
            return
        try:
            show(record)
        except Exception as exc:  # the record went away meanwhile
            self.notify(f"Could not open that record: {exc}", severity="warning", markup=False)

    def came_from_elsewhere(self) -> bool:
        """True while showing a record that Home (or another mode) opened."""
        return bool(self._come_back) and self._come_back != self.current_mode

    def go_back(self) -> None:
        """Esc with nothing left to close: return to the mode that opened this record."""
        if self._come_back and self._come_back != self.current_mode:
            target, self._come_back = self._come_back, None
            self.switch_mode(target)

    def action_switch_mode(self, mode: str) -> None:  # type: ignore[override]
        self._come_back = None
        self.switch_mode(mode)

    def run_in_mode(self, mode: str, action: str) -> None:
        """Switch to ``mode`` and run one of its screen's actions (palette commands)."""
        self._come_back = None
        self.switch_mode(mode)

        def run() -> None:
            method = getattr(self.screen, f"action_{action}", None)
            if method is not None:
                method()

        self.call_after_refresh(run)

    def action_cycle_theme(self) -> None:
        names = list(THEME_NAMES.values())
        now = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(now + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    def action_audit(self, query: str = "") -> None:
        """The audit log over whatever is showing (once: a second A does nothing)."""
        from mops_tui.ui.screens.audit import AuditScreen, open_audit

        if self.screen.is_modal or isinstance(self.screen, AuditScreen):
            return
        open_audit(self, query)

    # -- other users' changes --------------------------------------------------------

    def _watch(self) -> None:
        self.run_worker(
            self._read_marker, thread=True, group="watch", exclusive=True, exit_on_error=False
        )

    def _read_marker(self) -> None:
        from mops_tui.services import triage

        marker = triage.change_marker(self.ws)
        if self._marker is not None and marker != self._marker:
            self.call_from_thread(self._changed)
        self._marker = marker

    def _changed(self) -> None:
        """Someone (or another window) changed the database: refresh what is visible."""
        for screen in reversed(self.screen_stack):
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None and not screen.is_modal:
                refresh()
                break

    def action_help(self) -> None:
        from mops_tui.ui.screens.help import help_screen

        if self.screen.is_modal:
            return
        self.push_screen(help_screen(self, self.screen))

    def on_unmount(self) -> None:
        self.ws.close()


def run(settings: Settings) -> int:
    """Open the TUI on ``settings``' database (migrating it first if needed)."""
    import sys

    from mops_tui.store import migrate

    try:
        backup = migrate.ensure_current(settings.database_url)
    except migrate.MigrationError as exc:
        print(f"mops: {exc}", file=sys.stderr)
        return 1
    if backup is not None:
        print(f"mops: upgraded the database; the old one is kept at {backup}", file=sys.stderr)
    from mops_tui.domain.errors import DatabaseDamaged
    from mops_tui.store.reader import watch_damage

    app = MopsApp(settings)
    # A damaged file is found by the first read that touches a damaged page (checking
    # every page at start would cost seconds on a big file). Whichever read or write
    # finds it, in whichever worker, the app closes and the message (which names the
    # newest backup) is printed here, instead of a toast on every screen.
    damage: list[DatabaseDamaged] = []

    def close_on_damage(error: DatabaseDamaged) -> None:
        if not damage:
            damage.append(error)
            app.exit(return_code=error.exit_code)  # thread-safe: posts a message

    stop_watching = watch_damage(close_on_damage)
    try:
        app.run()
    finally:
        stop_watching()
    if damage:
        print(f"mops: {damage[0]}", file=sys.stderr)
        return damage[0].exit_code
    return app.return_code or 0
