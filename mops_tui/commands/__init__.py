"""CLI commands that live in their own modules.

Each module has ``NAME`` (the command), ``register(sub, common)`` (adds its argparse
subparser; ``common`` is the parent parser with ``--db`` and ``--theme``) and
``run(args) -> int``. A module may hold several commands instead: ``HOMES`` names
its module, and the module's ``COMMANDS[name]`` has the same three. Modules import
nothing heavy at import time: ``mops stack X`` builds the whole parser, so
registering must stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

NAMES: tuple[str, ...] = (
    "today",
    "check",
    "audit",
    "undo",
    "calendar",
    "report",
    "export",
    "import",
    "serve",
)

# Commands that share a module with another command: name -> module.
HOMES: dict[str, str] = {"export": "transfer", "import": "transfer"}


class Command(Protocol):
    """What the CLI needs of a command: a module, or an entry of a module's COMMANDS."""

    @property
    def NAME(self) -> str: ...

    @property
    def register(self) -> Callable[[Any, argparse.ArgumentParser], None]: ...

    @property
    def run(self) -> Callable[[argparse.Namespace], int]: ...


def _load(name: str) -> Command:
    home = HOMES.get(name)
    module = importlib.import_module(f"mops_tui.commands.{home or name}")
    if home is None:
        return module
    command: Command = module.COMMANDS[name]
    return command


def modules(names: list[str] | None = None) -> list[Command]:
    """The commands (``names``: only these, when they are among ``NAMES``)."""
    wanted = NAMES if names is None else [n for n in NAMES if n in names]
    return [_load(name) for name in wanted]
