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


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"mops_tui.commands.{name}") for name in NAMES]
