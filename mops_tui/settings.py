"""Settings: command-line flags over ``MOPS_*`` environment variables over the config file.

The config file is TOML, at ``$MOPS_CONFIG`` or ``<user config dir>/mops/config.toml``::

    database = "~/work/mops.db"          # or a full URL in database_url
    theme = "ansi"                       # dark, light or ansi
    actor = "ana"                        # default: the login name

    [stack]
    decommission_utilisation = 0.5       # below this share of seats used
    decommission_min_cost = 5000         # in the workspace currency, a year
    review_months = 12
    notice_warning_days = 30

    [keymap]
    "stack.new" = "a"                    # remap a binding by its id

This module uses only the standard library (``tomllib``) so that quick CLI commands
start fast; pydantic-settings alone would cost more than the whole lookup.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THEMES = ("dark", "light", "ansi")


class ConfigError(Exception):
    """The config file or an environment variable holds something mops cannot use."""


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    if value:
        return Path(value)
    return Path.home() / fallback


def data_dir() -> Path:
    if sys.platform.startswith("linux") or os.environ.get("XDG_DATA_HOME"):
        return _xdg("XDG_DATA_HOME", ".local/share") / "mops"
    import platformdirs

    return Path(platformdirs.user_data_dir("mops", appauthor=False))


def config_dir() -> Path:
    if sys.platform.startswith("linux") or os.environ.get("XDG_CONFIG_HOME"):
        return _xdg("XDG_CONFIG_HOME", ".config") / "mops"
    import platformdirs

    return Path(platformdirs.user_config_dir("mops", appauthor=False))


def config_path() -> Path:
    explicit = os.environ.get("MOPS_CONFIG")
    return Path(explicit).expanduser() if explicit else config_dir() / "config.toml"


def default_actor() -> str:
    for var in ("MOPS_ACTOR",):
        if os.environ.get(var):
            return os.environ[var].strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class Settings:
    database_url: str
    theme: str = "dark"
    actor: str = "unknown"
    config_file: Path | None = None
    stack: dict[str, Any] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None

    @property
    def short_location(self) -> str:
        """The database file's name, or the server's host: enough for a status bar."""
        path = self.db_path
        if path is not None:
            return path.name
        return self.display_location.split("@")[-1]

    @property
    def display_location(self) -> str:
        path = self.db_path
        if path is not None:
            return str(path)
        from mops_tui.domain.text import shown_url

        return shown_url(self.database_url)


def _load_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from exc


def _url_for(path_text: str) -> str:
    path = Path(path_text).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    return f"sqlite:///{path}"


def load(
    *, db: str | None = None, theme: str | None = None, config_file: Path | None = None
) -> Settings:
    """Resolve settings: flags, then environment, then config file, then defaults."""
    cfg_path = config_file or config_path()
    raw = _load_toml(cfg_path)
    env = os.environ

    if db:
        url = db if "://" in db else _url_for(db)
    elif env.get("MOPS_DATABASE_URL"):
        url = env["MOPS_DATABASE_URL"]
    elif env.get("MOPS_DB"):
        url = _url_for(env["MOPS_DB"])
    elif raw.get("database_url"):
        url = str(raw["database_url"])
    elif raw.get("database"):
        url = _url_for(str(raw["database"]))
    else:
        url = _url_for(str(data_dir() / "mops.db"))

    chosen = theme or env.get("MOPS_THEME") or str(raw.get("theme", "dark"))
    chosen = chosen.strip().lower()
    if chosen not in THEMES:
        source = "--theme" if theme else ("MOPS_THEME" if env.get("MOPS_THEME") else str(cfg_path))
        choices = ", ".join(THEMES)
        raise ConfigError(f"{source}: theme {chosen!r} is unknown; choose one of {choices}")

    actor = (
        env.get("MOPS_ACTOR", "").strip() or str(raw.get("actor", "")).strip() or default_actor()
    )

    stack = raw.get("stack", {})
    keymap = raw.get("keymap", {})
    if not isinstance(stack, dict):
        raise ConfigError(f"{cfg_path}: [stack] must be a table")
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(
            f'{cfg_path}: [keymap] must map binding ids to keys, e.g. "stack.new" = "a"'
        )
    return Settings(
        database_url=url,
        theme=chosen,
        actor=actor,
        config_file=cfg_path,
        stack=dict(stack),
        keymap={str(k): str(v) for k, v in keymap.items()},
        raw=raw,
    )
