"""``mops undo``: undo your own last change as a new audited change.

The command lives with ``mops audit`` (``commands/audit.py``); this module only gives
it its own ``NAME``, as the command registry expects one command per module.
"""

from __future__ import annotations

import argparse
from typing import Any

NAME = "undo"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from mops_tui.commands.audit import register_undo

    register_undo(sub, common)


def run(args: argparse.Namespace) -> int:
    from mops_tui.commands.audit import run_undo

    return run_undo(args)
