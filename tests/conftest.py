"""Shared fixtures: a clean environment, a migrated database, and the demo workspace.

Every test runs with ``MOPS_TODAY=2026-11-29`` and ``MOPS_ACTOR=tester``, with no user
config and no colour or theme variables leaking in from the developer's shell.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

TODAY = "2026-11-29"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    for var in (
        "NO_COLOR",
        "TEXTUAL_THEME",
        "MOPS_DB",
        "MOPS_DATABASE_URL",
        "MOPS_THEME",
        "MOPS_NOW",
        "COLUMNS",
        "LINES",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MOPS_TODAY", TODAY)
    monkeypatch.setenv("MOPS_ACTOR", "tester")
    monkeypatch.setenv("MOPS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "mops.db"


@pytest.fixture
def db_url(db_path: Path) -> str:
    url = f"sqlite:///{db_path}"
    ensure_current(url)
    return url


@pytest.fixture
def ws(db_url: str) -> Iterator[Workspace]:
    workspace = Workspace(db_url, actor="tester")
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per session through the real services."""
    import os

    from mops_tui.services import demo

    old = os.environ.get("MOPS_TODAY")
    os.environ["MOPS_TODAY"] = TODAY
    try:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        url = f"sqlite:///{path}"
        ensure_current(url)
        workspace = Workspace(url, actor="demo")
        demo.load(workspace)
        workspace.close()
    finally:
        if old is None:
            os.environ.pop("MOPS_TODAY", None)
        else:
            os.environ["MOPS_TODAY"] = old
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database for one test."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_ws(demo_db: Path) -> Iterator[Workspace]:
    workspace = Workspace(f"sqlite:///{demo_db}", actor="tester")
    yield workspace
    workspace.close()
