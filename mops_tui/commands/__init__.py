"""CLI commands that live in their own modules.

Each module has ``NAME`` (the command), ``register(sub, common)`` (adds its argparse
subparser; ``common`` is the parent parser with ``--db`` and ``--theme``) and
``run(args) -> int``. Modules import nothing heavy at import time: ``mops stack X``
builds the whole parser, so registering must stay cheap.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES: tuple[str, ...] = ("today", "check", "audit", "undo", "calendar", "report")


def modules(names: list[str] | None = None) -> list[ModuleType]:
    """The command modules (``names``: only these, when they are among ``NAMES``)."""
    wanted = NAMES if names is None else [n for n in NAMES if n in names]
    return [importlib.import_module(f"mops_tui.commands.{name}") for name in wanted]
