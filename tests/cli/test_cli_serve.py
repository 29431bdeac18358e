"""``mops serve``: loopback by default, anything else only when asked for, with a
warning; and a real server that answers with the app's page."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mops_tui.cli import main
from mops_tui.commands import serve


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.com"])
def test_another_address_is_refused_without_allow_remote(
    capsys: pytest.CaptureFixture[str], demo_db: Path, host: str
) -> None:
    code = main(["--db", str(demo_db), "serve", "--host", host])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--host {host} is not the loopback interface" in err
    assert "--allow-remote" in err


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1", "８０"])
def test_a_port_that_is_not_one_is_refused(
    capsys: pytest.CaptureFixture[str], demo_db: Path, port: str
) -> None:
    code = main(["--db", str(demo_db), "serve", "--port", port])
    assert code == 2
    assert "is not a port" in capsys.readouterr().err


def test_each_tab_runs_mops_on_the_same_database() -> None:
    command = serve.app_command("sqlite:////srv/team data/mops.db", "ansi")
    assert command.endswith("-m mops_tui --db 'sqlite:////srv/team data/mops.db' --theme ansi")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(demo_db: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    env = {**os.environ, "MOPS_TODAY": "2026-11-29"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mops_tui",
            "--db",
            str(demo_db),
            "serve",
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    return proc, port


def _page(port: int, host: str = "127.0.0.1") -> str:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=2) as response:
                assert response.status == 200
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate()
    return err


@pytest.mark.slow
def test_the_server_answers_on_loopback_with_the_app_page(demo_db: Path) -> None:
    proc, port = _serve(demo_db)
    try:
        page = _page(port)
    finally:
        err = _stop(proc)
    assert "<div>mops</div>" in page  # the application's name on the start button
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert f"Serving mops on http://127.0.0.1:{port}" in err
    assert "warning" not in err


@pytest.mark.slow
def test_allow_remote_binds_elsewhere_and_says_what_it_means(demo_db: Path) -> None:
    proc, port = _serve(demo_db, "--host", "0.0.0.0", "--allow-remote")
    try:
        page = _page(port)
    finally:
        err = _stop(proc)
    assert "<div>mops</div>" in page
    assert "warning: serving on 0.0.0.0" in err
    assert "reverse proxy" in " ".join(err.split())
