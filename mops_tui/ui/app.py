"""The Textual app: modes, themes, keymap, and the workspace every screen uses."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from mops_tui import __version__
from mops_tui.resources import themes_dir
from mops_tui.services.workspace import Workspace, open_workspace, warm_up
from mops_tui.settings import Settings
from mops_tui.ui.screens.briefs import BriefsScreen
from mops_tui.ui.screens.kpis import KpisScreen
from mops_tui.ui.screens.ledger import LedgerScreen
from mops_tui.ui.screens.stack import StackScreen
from mops_tui.ui.themes import THEME_NAMES, load_themes

# Number keys are fixed: 1 Home, 2 Stack, 3 Briefs, 4 Ledger, 5 KPIs. A mode is listed
# here once its screen exists.
MODE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("2", "stack", "Stack"),
    ("3", "briefs", "Briefs"),
    ("4", "ledger", "Ledger"),
    ("5", "kpis", "KPIs"),
)


class MopsApp(App[int]):
    TITLE = "mops"
    SUB_TITLE = __version__
    CSS_PATH = str(themes_dir() / "mops.tcss")
    ENABLE_COMMAND_PALETTE = True
    MODES: ClassVar[dict[str, Any]] = {
        "stack": StackScreen,
        "briefs": BriefsScreen,
        "ledger": LedgerScreen,
        "kpis": KpisScreen,
    }
    DEFAULT_MODE = "stack"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        *[
            Binding(key, f"switch_mode('{mode}')", label, show=False, id=f"app.mode.{mode}")
            for key, mode, label in MODE_KEYS
        ],
    ]

    def __init__(self, settings: Settings, ws: Workspace | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.ws = ws or open_workspace(settings.database_url, settings.actor, settings.raw)
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = THEME_NAMES[settings.theme]

    def mode_labels(self) -> list[tuple[str, str]]:
        return [(key, label) for key, _mode, label in MODE_KEYS]

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        # Warm the write path (SQLAlchemy, pydantic) after first paint, off the loop.
        self.run_worker(warm_up, thread=True, group="warm", exit_on_error=False)

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
    app = MopsApp(settings)
    app.run()
    return app.return_code or 0
