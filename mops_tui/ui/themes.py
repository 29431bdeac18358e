"""Themes as data: ``themes/*.toml`` become Textual ``Theme`` objects."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.theme import Theme

from mops_tui.resources import themes_dir

THEME_NAMES = {"dark": "mops-dark", "light": "mops-light", "ansi": "mops-ansi"}


def load_theme(path: Path) -> Theme:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    variables = {str(k): str(v) for k, v in data.pop("variables", {}).items()}
    return Theme(variables=variables, **data)


def load_themes() -> list[Theme]:
    return [load_theme(p) for p in sorted(themes_dir().glob("*.toml"))]
