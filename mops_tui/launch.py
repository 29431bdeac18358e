"""The ``mops`` command. Plain ``mops`` opens the TUI straight away: it loads neither
argparse nor the CLI's parsers, so the first screen is drawn sooner. Anything with
arguments (``mops stack hubspot``, ``mops --db FILE``, ``mops --help``) goes to
:func:`mops_tui.cli.main`.

Whatever the command, a damaged database file ends it with a message that names the
newest backup, never a traceback: reads and writes already refuse with
``DatabaseDamaged``; this is the net for anything that reaches SQLite another way."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _main(words)
    except Exception as exc:
        message = _damage_message(exc, words)
        if message is None:
            raise
        print(message, file=sys.stderr)
        code = 1
    if argv is None and words and sys.getprofile() is None and sys.gettrace() is None:
        _exit_now(code)  # not under a profiler, coverage or a debugger: they write at exit
    return code


def _exit_now(code: int) -> None:
    """End a finished command without the interpreter's teardown.

    Every change is committed by then (each write is its own transaction) and the output
    is flushed here, so what is skipped is freeing every object one by one: 0.1-0.2 s
    after a 100,000-row import, a few milliseconds after a lookup. SQLite needs no
    goodbye: a committed WAL is read by the next connection."""
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _main(words: list[str]) -> int:
    if words:
        from mops_tui.cli import main as cli_main

        return cli_main(words)
    from mops_tui import settings
    from mops_tui.cliutil import EXIT_INVALID, safe
    from mops_tui.domain.errors import DomainError

    try:
        cfg = settings.load(db=None, theme=None)
        from mops_tui.ui.app import run

        return run(cfg)
    except settings.ConfigError as exc:
        print(f"mops: {safe(str(exc))}", file=sys.stderr)
        return EXIT_INVALID
    except DomainError as exc:
        print(f"mops: {safe(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _damage_message(exc: BaseException, words: list[str]) -> str | None:
    """The message for SQLite's "database disk image is malformed" (or "file is not
    a database") that escaped every other handler, or None for any other error."""
    from mops_tui.store.reader import is_damage

    if not is_damage(exc):
        return None
    from mops_tui.cliutil import safe
    from mops_tui.store.migrate import damaged

    path = None
    try:
        from mops_tui import settings

        db = next((w.split("=", 1)[1] for w in words if w.startswith("--db=")), None)
        if db is None and "--db" in words[:-1]:
            db = words[words.index("--db") + 1]
        path = settings.load(db=db, theme=None).db_path
    except Exception:  # the message can do without the path
        path = None
    return f"mops: {safe(str(damaged(path, exc)))}"
