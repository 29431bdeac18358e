"""Where the migrations and themes live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"mops cannot find its {name}/ folder next to {_PACKAGE}")


def db_dir() -> Path:
    return _find("db")


def themes_dir() -> Path:
    return _find("themes")
