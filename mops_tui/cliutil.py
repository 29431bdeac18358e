"""What every CLI command shares: exit codes, refusals, settings, the workspace, and
output that is safe for a terminal. Light to import: the quick commands use it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mops_tui.services.workspace import Workspace
    from mops_tui.settings import Settings

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


class Fail(Exception):
    """A refusal the CLI prints as one line and turns into an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAIL) -> None:
        super().__init__(message)
        self.code = code


def settings_of(args: argparse.Namespace) -> Settings:
    from mops_tui import settings

    try:
        return settings.load(db=args.db, theme=getattr(args, "theme", None))
    except settings.ConfigError as exc:
        raise Fail(str(exc), EXIT_INVALID) from exc


def workspace_of(cfg: Settings, *, migrate: bool = True) -> Workspace:
    from mops_tui.services.workspace import open_workspace
    from mops_tui.store import migrate as mig

    if migrate:
        try:
            backup = mig.ensure_current(cfg.database_url)
        except mig.MigrationError as exc:
            raise Fail(str(exc)) from exc
        if backup is not None:
            print(f"mops: upgraded the database; the old one is kept at {backup}", file=sys.stderr)
    return open_workspace(cfg.database_url, cfg.actor, cfg.raw)


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def write_output(path: str | None, text: str, what: str, *, exact: bool = False) -> None:
    """``text`` to the file ``path`` (saying what was written on stderr), or to stdout
    (``exact`` keeps bytes as they are, for .ics; otherwise as ``write_data``, ending
    with a newline)."""
    if not exact and text and not text.endswith("\n"):
        text += "\n"
    if not path:
        if exact:
            sys.stdout.write(text)
        else:
            write_data(text)
        return
    try:
        Path(path).write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise Fail(f"cannot write {path}: {exc.strerror}") from exc
    print(f"Wrote {what} to {path}", file=sys.stderr)


def write_data(text: str) -> None:
    """CSV or other data: exact into a pipe or file, made safe when it is a terminal."""
    if sys.stdout.isatty():
        from mops_tui.domain.text import visible

        text = "\n".join(visible(line) for line in text.split("\n"))
    sys.stdout.write(text)


def read_file(name: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except FileNotFoundError:
        raise Fail(f"there is no file {name}", EXIT_INVALID) from None
    except IsADirectoryError:
        raise Fail(f"{name} is a folder, not a file", EXIT_INVALID) from None
    except OSError as exc:
        raise Fail(f"cannot read {name}: {exc.strerror}", EXIT_INVALID) from None


def safe(text: str) -> str:
    from mops_tui.domain.text import visible

    return visible(text)


def money_text(ws: Workspace, minor: int, exact: bool = True) -> str:
    from mops_tui.domain.money import format_money

    return format_money(minor, ws.currency, exact=exact)
