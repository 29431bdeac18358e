"""``mops export --all FILE.json`` and ``mops import --all FILE.json``: the whole
workspace, audit history included, to one JSON file and back into an empty database.

Two commands in one module: the registry (``commands/__init__.py``) finds them in
:data:`COMMANDS` by name. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mops_tui.services.transfer import TransferError

EXPORT_HELP = (
    "per area instead: mops stack export, mops kpi export, mops spend export, mops briefs --csv"
)


@dataclass(frozen=True)
class Command:
    """One command of this module, shaped as the registry expects a command module."""

    NAME: str
    register: Callable[[Any, argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# ---------------------------------------------------------------------------
# mops export --all
# ---------------------------------------------------------------------------


def register_export(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "export",
        parents=[common],
        help="the whole workspace, audit history included, as one JSON file",
        description="Write every record of the workspace (people, tools, integrations, "
        "KPIs and their versions, budget lines, spend, closes, briefs and their history, "
        "snoozes, renewal decisions, settings and the whole audit log) to one JSON file, "
        "for a move to another database or an archive. `mops import --all FILE.json` "
        "restores it into an empty database. The file is created readable by you only "
        "(mode 0600): it holds people's names and the audit history.",
        epilog="Examples:  mops export --all workspace.json   ·   "
        "mops --db old.db export --all move.json && mops --db new.db import --all move.json",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="export the whole workspace (required; " + EXPORT_HELP + ")",
    )
    parser.add_argument(
        "file", metavar="FILE.json", help="the file to write (replaced if it exists)"
    )


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mops_tui.cliutil import EXIT_INVALID, EXIT_OK, Fail, out, safe, settings_of, workspace_of
    from mops_tui.services import transfer

    if not args.everything:
        raise Fail(
            "mops export writes the whole workspace: mops export --all FILE.json ("
            + EXPORT_HELP
            + ")",
            EXIT_INVALID,
        )
    if args.file == "-":
        raise Fail(
            "mops export --all writes to a file it creates readable by you only; "
            "give a file name, not -",
            EXIT_INVALID,
        )
    cfg = settings_of(args)
    ws = workspace_of(cfg)
    try:
        summary = transfer.export_workspace(ws, Path(args.file))
    except transfer.TransferError as exc:
        return refused(exc)
    out(
        safe(
            f"Exported the workspace to {summary.path} (schema {summary.schema_revision}, "
            f"readable by you only): {transfer.describe_counts(summary.counts)}."
        )
    )
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops import --all
# ---------------------------------------------------------------------------


def register_import(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "import",
        parents=[common],
        help="restore a `mops export --all` file into an empty database",
        description="Restore a workspace that `mops export --all` wrote, into an empty "
        "database (a new --db file is created and set up). Every record keeps its id "
        "and the audit history arrives as it was. The file is checked first: one from a "
        "newer mops, cut short, or edited into something mops cannot store is refused "
        "with the table, row and field, and nothing is written. A database that already "
        "holds records is refused.",
        epilog="Examples:  mops --db new.db import --all workspace.json   ·   "
        "mops --db new.db import --all workspace.json --dry-run",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="import a whole workspace (required)",
    )
    parser.add_argument("file", metavar="FILE.json", help="the export to restore (- for stdin)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file and the database; write nothing"
    )


def run_import(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import (
        EXIT_INVALID,
        EXIT_OK,
        Fail,
        out,
        read_file,
        safe,
        settings_of,
        workspace_of,
    )
    from mops_tui.services import transfer

    if not args.everything:
        raise Fail(
            "mops import restores a whole workspace: mops import --all FILE.json "
            "(per area instead: mops stack import, mops kpi import, mops spend import)",
            EXIT_INVALID,
        )
    name = "standard input" if args.file == "-" else args.file
    try:
        doc = transfer.read_document(read_file(args.file), name)
        cfg = settings_of(args)
        ws = workspace_of(cfg)
        summary = transfer.import_workspace(ws, doc, name=name, dry_run=args.dry_run)
    except transfer.TransferError as exc:
        return refused(exc)
    counts = transfer.describe_counts(summary.counts)
    made = f", exported {summary.exported_at[:16].replace('T', ' ')}" if summary.exported_at else ""
    by = f" by {summary.exported_by}" if summary.exported_by else ""
    if args.dry_run:
        out(safe(f"Dry run: {name} can be imported (schema {summary.schema_revision}{made}{by})."))
        out(safe(f"It would add {counts}. Nothing was written."))
    else:
        where = str(ws.sqlite_path) if ws.sqlite_path is not None else "the database"
        out(
            safe(
                f"Imported {name} (schema {summary.schema_revision}{made}{by}) into "
                f"{where}: {counts}."
            )
        )
    return EXIT_OK


def refused(exc: TransferError) -> int:
    """Print a refusal with one line per problem (on stderr); its exit code."""
    import sys

    from mops_tui.cliutil import safe

    print(f"mops: {safe(exc.headline)}", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {safe(problem)}", file=sys.stderr)
    if exc.total > len(exc.problems):
        print(f"  … and {exc.total - len(exc.problems)} more", file=sys.stderr)
    return exc.exit_code


COMMANDS: dict[str, Command] = {
    "export": Command("export", register_export, run_export),
    "import": Command("import", register_import, run_import),
}
