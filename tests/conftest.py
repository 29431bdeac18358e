"""Shared fixtures: a clean environment, a migrated database, and the demo workspace.

Every test runs with ``MOPS_TODAY=2026-11-29`` and ``MOPS_ACTOR=tester``, with no user
config and no colour or theme variables leaking in from the developer's shell.

The service, migration and importer suites (``BOTH_BACKENDS``) run every test that uses
a database twice, as ``[sqlite]`` and ``[postgres]``: ``db_url``, ``ws``, ``demo_url``
and ``demo_ws`` follow the ``backend`` parameter, PostgreSQL on the throwaway server of
``pgcluster``. A test that is about SQLite itself (its files, backups, ``typeof``) says
so with ``@pytest.mark.sqlite_only``. Elsewhere ``backend`` is simply ``"sqlite"``.
Asking for the SQLite file (``db_path``, ``demo_db``) under PostgreSQL is an error in
the test, reported as such.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backends import TODAY, build_demo
from pgcluster import (  # noqa: F401  (fixtures)
    pg_demo,
    pg_demo_template,
    pg_migrated,
    pg_migrated_template,
    pg_server,
    pg_url,
)

from mops_tui.services.workspace import Workspace
from mops_tui.store.migrate import ensure_current

HERE = Path(__file__).parent
BOTH_BACKENDS = ("unit/services", "unit/store")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite itself; runs once, not on PostgreSQL too"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    where = metafunc.definition.path.relative_to(HERE).as_posix()
    if not where.startswith(BOTH_BACKENDS):
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", ["sqlite", "postgres"])


@pytest.fixture
def backend() -> str:
    return "sqlite"


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


def _sqlite_only(backend: str, what: str) -> None:
    if backend != "sqlite":
        pytest.fail(
            f"{what} is a SQLite file, and this test runs on {backend}: read through"
            " the workspace (backends.raw) or mark the test sqlite_only"
        )


@pytest.fixture
def db_path(tmp_path: Path, backend: str) -> Path:
    _sqlite_only(backend, "db_path")
    return tmp_path / "mops.db"


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> str:
    """An empty workspace at the newest schema, made by the real migrations."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_migrated"))
    url = f"sqlite:///{request.getfixturevalue('db_path')}"
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
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(f"sqlite:///{path}")
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, backend: str) -> Path:
    """A private copy of the demo database for one test."""
    _sqlite_only(backend, "demo_db")
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_url(backend: str, request: pytest.FixtureRequest) -> str:
    """A private copy of the demo workspace for one test, on the test's backend."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_demo"))
    return f"sqlite:///{request.getfixturevalue('demo_db')}"


@pytest.fixture
def demo_ws(demo_url: str) -> Iterator[Workspace]:
    workspace = Workspace(demo_url, actor="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def workspaces(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Workspace]]:
    """Opens more workspaces on the test's backend, beside ``ws``/``demo_ws``:
    ``workspaces(name, template=URL, actor=...)`` is a private copy of ``template`` (a
    SQLite file's URL, or a database on the test server), or without one a new empty
    workspace at the newest schema. All are closed, and on PostgreSQL dropped, when the
    test ends."""
    from pgcluster import create_database, drop_database

    opened: list[Workspace] = []
    made: list[tuple[str, str]] = []

    def make(name: str, template: str | None = None, actor: str = "tester") -> Workspace:
        if backend == "postgres":
            server = str(request.getfixturevalue("pg_server"))
            source = template.rsplit("/", 1)[1] if template else None
            url = create_database(
                server, source or str(request.getfixturevalue("pg_migrated_template"))
            )
            made.append((server, url))
        else:
            path = tmp_path / name / "mops.db"
            path.parent.mkdir()
            if template:
                shutil.copyfile(template.removeprefix("sqlite:///"), path)
            url = f"sqlite:///{path}"
            ensure_current(url)
        workspace = Workspace(url, actor=actor)
        opened.append(workspace)
        return workspace

    yield make
    for workspace in opened:
        workspace.close()
    for server, url in made:
        drop_database(server, url)
