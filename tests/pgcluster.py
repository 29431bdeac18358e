"""A throwaway PostgreSQL cluster for the tests that run on a real server.

The session starts its own cluster (``initdb`` in a temporary folder, a spare port,
trust authentication on 127.0.0.1 only) the first time a test asks for it, and stops
it at the end. Each test gets a fresh database on it, dropped when the test ends
(the service, migration and importer suites make hundreds). Without PostgreSQL's
server binaries or psycopg the tests skip with the reason, except under
``MOPS_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it), where a server that does not start
fails the run.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRED = bool(os.environ.get("MOPS_REQUIRE_POSTGRES"))


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"MOPS_REQUIRE_POSTGRES is set but {reason}")
    pytest.skip(reason)


def _bin_dir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    return None


def _as_server_user(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as ``postgres`` then."""
    if os.geteuid() != 0:
        return args
    runuser = shutil.which("runuser")
    if runuser is None:
        return ["su", "postgres", "-c", " ".join(args)]
    return [runuser, "-u", "postgres", "--", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The server's base URL (``postgresql+psycopg://mops@127.0.0.1:PORT``)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'mops[postgres]')")
    bindir = _bin_dir()
    if bindir is None:
        _unavailable("PostgreSQL's server binaries (initdb) are not installed")
    assert bindir is not None
    # In memory where there is room: each test copies a database, and a disk makes
    # that a third of a second.
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="mops-pg-", dir=where))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    log = folder / "server.log"
    init = subprocess.run(
        _as_server_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "mops"]),
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode:
        _unavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal"
        " -c max_wal_senders=0 -c checkpoint_timeout=1h -c max_wal_size=4GB"
    )
    start = subprocess.run(
        _as_server_user(
            [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if start.returncode:
        _unavailable(f"the PostgreSQL server did not start: {start.stderr.strip()[-300:]}")
    try:
        yield f"postgresql+psycopg://mops@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


_numbers = itertools.count(1)


def _admin(pg_server: str) -> Any:
    import psycopg

    return psycopg.connect(
        pg_server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    )


def create_database(pg_server: str, template: str | None = None) -> str:
    """A new database on the server (a copy of ``template`` if given); its URL."""
    name = f"mops_test_{os.getpid()}_{next(_numbers)}_{int(time.time() * 1000) % 100000}"
    with _admin(pg_server) as conn:
        if template:
            # A template must have no one connected: close what building it left open.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (template,),
            )
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_server}/{name}"


def drop_database(pg_server: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with _admin(pg_server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server."""
    url = create_database(pg_server)
    yield url
    drop_database(pg_server, url)


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: str) -> str:
    """An empty workspace at the newest schema, made once by the real migrations."""
    from mops_tui.store.migrate import ensure_current

    url = create_database(pg_server)
    ensure_current(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_migrated(pg_server: str, pg_migrated_template: str) -> Iterator[str]:
    """A fresh empty workspace on the server, at the newest schema."""
    url = create_database(pg_server, pg_migrated_template)
    yield url
    drop_database(pg_server, url)


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str) -> str:
    """The demo workspace, built once on the server exactly as on SQLite."""
    from backends import build_demo

    url = create_database(pg_server)
    build_demo(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_demo(pg_server: str, pg_demo_template: str) -> Iterator[str]:
    """A fresh copy of the demo workspace on the server."""
    url = create_database(pg_server, pg_demo_template)
    yield url
    drop_database(pg_server, url)
