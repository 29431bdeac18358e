"""What every CLI command shares: exit codes, refusals, settings, the workspace, and
output that is safe for a terminal. Light to import: the quick commands use it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

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


# What a terminal acts on that JSON may carry raw: DEL, the C1 controls (U+009B is an
# 8-bit CSI, U+009D an OSC) and the bidirectional controls that reorder what is shown.
_TERMINAL_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200E,
        0x200F,
        0x061C,
    )
}


def json_text(value: object, *, terminal: bool = False) -> str:
    """``value`` as indented JSON ending in a newline, non-ASCII text kept as it is.
    C0 controls are always ``\\u`` escapes; for a ``terminal``, so are DEL, the C1
    controls and bidi controls, which then show as text instead of acting on it. Either
    way the JSON value is the same: those characters only occur inside strings, where an
    escape means the character itself."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=2)
    if terminal:
        text = text.translate(_TERMINAL_ESCAPES)
    return text + "\n"


def write_json(value: object, path: str | None = None, what: str = "") -> None:
    """``value`` as JSON: to the file ``path`` exactly (see ``write_output``), or to
    stdout, where a terminal gets every control character it would act on escaped."""
    if path:
        write_output(path, json_text(value), what, exact=True)
    else:
        sys.stdout.write(json_text(value, terminal=sys.stdout.isatty()))


def count(text: str) -> int:
    """An argparse type for ``--limit N``: a whole number, where one larger than any
    workspace holds means as many as there are (kept well inside SQLite's integers, so a
    query may still add to it: ``LIMIT n + 1``)."""
    from mops_tui.domain.text import MAX_RECORD_ID

    return min(int(text), MAX_RECORD_ID // 2)


def record_id(text: str, what: str, example: str = "12 or #12") -> int:
    """The record number the user typed (``12``, ``#12``), refusing any other text and
    a number larger than any record can have (SQLite's largest integer). ``what`` names
    the number in the message: ``a brief number``."""
    from mops_tui.domain.text import MAX_RECORD_ID, record_number

    try:
        number = record_number(text)
    except ValueError:
        raise Fail(
            f"“{safe(text.strip())}” is too large for {what}; the largest is {MAX_RECORD_ID:,}",
            EXIT_INVALID,
        ) from None
    if number is None:
        raise Fail(f"“{safe(text.strip())}” is not {what}, such as {example}", EXIT_INVALID)
    return number


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
        write_private(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise Fail(f"cannot write {path}: {exc.strerror}") from exc
    print(f"Wrote {what} to {path}", file=sys.stderr)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (mode 0600, whatever the
    umask, and also when the file was there before): exports hold contracts, budgets
    and who handles personal data."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)


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
