"""``mops serve``: the TUI in a web browser, through textual-serve.

Each browser tab runs its own ``mops`` process on the same database (the one
``--db``/``MOPS_DB``/the config names), so everything the terminal app does works
there, with the same rules. The server binds to the loopback interface unless told
otherwise: a mops served on a network address lets anyone who reaches the port work
as the user who started it, so ``--allow-remote`` must say so explicitly, and a
warning says what it means.

textual-serve is an optional extra: ``pip install 'mops[serve]'``.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from typing import Any

NAME = "serve"
LOOPBACK_NAMES = ("localhost", "ip6-localhost")

WARNING = (
    "mops: warning: serving on {host}:{port}, not the loopback interface. Anyone who can "
    "reach this port can read and change this workspace as {actor}; put it behind a "
    "reverse proxy with sign-in (and TLS) before sharing it."
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        NAME,
        parents=[common],
        help="serve the app in a web browser (loopback only unless --allow-remote)",
        description="Serve mops in a web browser through textual-serve. Every browser tab "
        "runs its own mops on the same database. Binds to 127.0.0.1 by default; any other "
        "address needs --allow-remote.",
        epilog="Examples:  mops serve   ·   mops serve --port 8080   ·   "
        "mops serve --host 0.0.0.0 --allow-remote",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", default="8000", help="port to listen on (default 8000)")
    p.add_argument(
        "--public-url",
        help="the address browsers use, when it differs (behind a proxy: https://mops.example)",
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow an address other than loopback (read the warning it prints)",
    )


def is_loopback(host: str) -> bool:
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def port_of(text: str) -> int:
    from mops_tui.cliutil import EXIT_INVALID, Fail

    value = str(text).strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 65535:
        raise Fail(f"--port: “{value[:20]}” is not a port (a number from 1 to 65535)", EXIT_INVALID)
    return int(value)


def app_command(database_url: str, theme: str | None) -> str:
    """The command textual-serve runs for each browser tab."""
    words = [sys.executable, "-m", "mops_tui", "--db", database_url]
    if theme:
        words += ["--theme", theme]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import EXIT_INVALID, Fail, settings_of, workspace_of

    port = port_of(args.port)
    host = str(args.host).strip()
    if not host:
        raise Fail("--host: give an address to bind, such as 127.0.0.1", EXIT_INVALID)
    remote = not is_loopback(host)
    if remote and not args.allow_remote:
        raise Fail(
            f"--host {host} is not the loopback interface: anyone who can reach it could use "
            "mops as you. Add --allow-remote if that is what you want.",
            EXIT_INVALID,
        )
    try:
        from textual_serve.server import Server
    except ImportError:
        raise Fail("mops serve needs textual-serve: pip install 'mops[serve]'") from None
    cfg = settings_of(args)
    ws = workspace_of(cfg)  # migrate (and back up) once here, not in every tab
    actor = ws.actor
    ws.close()
    if remote:
        print(WARNING.format(host=host, port=port, actor=actor), file=sys.stderr)
    print(f"Serving mops on http://{host}:{port} (Ctrl+C stops it)", file=sys.stderr)
    server = Server(
        app_command(cfg.database_url, getattr(args, "theme", None)),
        host=host,
        port=port,
        title="mops",
        public_url=args.public_url or None,
    )
    server.serve()
    return 0
