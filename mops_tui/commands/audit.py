"""``mops audit``: the audit log, newest first, filtered by actor, area and date.

``mops undo`` (module ``undo``) shares this module's code: it undoes your own last
change as a new audited change.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mops_tui.services.audit_log import AuditRecord
    from mops_tui.services.workspace import Workspace

NAME = "audit"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from mops_tui.cliutil import count

    parser = sub.add_parser(
        NAME,
        parents=[common],
        help="the audit log: every change, who made it and when",
        description="List the audit log, newest first. Filter by who made the change, "
        "the area it touched and its date; words match the summary. `mops undo` takes "
        "back your own last change.",
        epilog="Examples:  mops audit --actor ana --since 2026-11-01   ·   "
        "mops audit --area tool hubspot   ·   mops audit --json --limit 1000",
    )
    parser.add_argument("words", nargs="*", help="words to find in the summary")
    parser.add_argument(
        "--actor", action="append", default=[], metavar="WHO", help="only this person's changes"
    )
    parser.add_argument(
        "--area",
        action="append",
        default=[],
        metavar="AREA",
        help="tool, kpi, spend, budget_line, brief, person, integration, period, import "
        "(or stack, ledger)",
    )
    parser.add_argument("--since", metavar="DATE", help="changes on or after this date")
    parser.add_argument("--until", metavar="DATE", help="changes on or before this date")
    parser.add_argument("--json", action="store_true", help="print a JSON array of entries")
    parser.add_argument(
        "--limit", type=count, default=50, metavar="N", help="at most N entries (default 50)"
    )


def run(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import (
        EXIT_INVALID,
        EXIT_OK,
        Fail,
        out,
        settings_of,
        workspace_of,
        write_json,
    )
    from mops_tui.services import audit_log

    if args.limit < 1:
        raise Fail("--limit must be 1 or more", EXIT_INVALID)
    cfg = settings_of(args)
    ws = workspace_of(cfg)
    terms = [*args.words]
    terms += [f"actor:{a}" for a in args.actor]
    terms += [f"area:{a}" for a in args.area]
    for flag, key, value in (("--since", "from", args.since), ("--until", "to", args.until)):
        if value:
            terms.append(f"{key}:{_day(ws, flag, value)}")
    entries = audit_log.list_entries(ws, " ".join(terms), limit=args.limit)
    if args.json:
        write_json([_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        out("No changes match." if terms else "The audit log is empty.")
        return EXIT_OK
    out("\n".join(render(entries)))
    return EXIT_OK


def _day(ws: Workspace, flag: str, value: str) -> str:
    from mops_tui.cliutil import EXIT_INVALID, Fail
    from mops_tui.domain.dates import DateError, parse_date

    try:
        day = parse_date(value, ws.today())
    except DateError as exc:
        raise Fail(f"{flag}: {exc}", EXIT_INVALID) from None
    if day is None:
        raise Fail(f"{flag} needs a date, such as 2026-11-01", EXIT_INVALID)
    return day.isoformat()


def _json(e: AuditRecord) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "area": e.entity,
        "record_id": e.entity_id,
        "action": e.action,
        "summary": e.summary,
        "before": e.before,
        "after": e.after,
    }


def render(entries: list[AuditRecord], total: int | None = None) -> list[str]:
    """``2026-11-29 09:00 ana      tool        edited    summary`` in ``total`` columns;
    a long summary wraps under itself."""
    from mops_tui import clitext
    from mops_tui.domain.text import fit

    total = total or min(clitext.width(), 140)
    paint = clitext.Painter(clitext.colour_enabled())
    widths = (16, 8, 11, 9)
    indent = sum(widths) + len(widths)
    head = " ".join(
        fit(t, w) for t, w in zip(("When", "Who", "Area", "Action"), widths, strict=True)
    )
    lines = [paint(f"{head} Summary", "bold")]
    for e in entries:
        cells = (e.at.strftime("%Y-%m-%d %H:%M"), clitext.safe(e.actor), e.area, e.action)
        first = " ".join(fit(clitext.safe(t), w) for t, w in zip(cells, widths, strict=True))
        summary = clitext.wrap(clitext.safe(e.summary), indent, total)
        lines.append(f"{first} {summary[0]}".rstrip())
        lines.extend(" " * indent + more for more in summary[1:])
    return lines


# ---------------------------------------------------------------------------
# mops undo (registered by the ``undo`` module)
# ---------------------------------------------------------------------------


def register_undo(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "undo",
        parents=[common],
        help="undo your own last change, as a new audited change",
        description="Undo the last change you made: an edit is set back, spend you "
        "entered is reversed (the ledger is append-only), an integration you added is "
        "removed. Status moves, closes, imports of many rows and additions are refused "
        "with what to do instead, and so is a change someone else has changed since. "
        "Nothing is deleted from the audit log: the undo is recorded as your change. "
        "Each undo goes one change further back.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be undone; change nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run_undo(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import EXIT_OK, out, safe, settings_of, workspace_of, write_json
    from mops_tui.services import audit_log

    cfg = settings_of(args)
    ws = workspace_of(cfg)
    plan = audit_log.plan_undo(ws)
    if args.dry_run:
        if args.json:
            write_json({"undone": False, "entry": _json(plan.entry), "plan": plan.description})
        else:
            out(safe(f"Would undo your change #{plan.entry.id} ({plan.entry.summary})."))
            out(safe(plan.description))
            out("The undo would be recorded in the audit log as your change.")
        return EXIT_OK
    message = audit_log.undo_last(ws, expected_entry=plan.entry.id)
    if args.json:
        write_json({"undone": True, "entry": _json(plan.entry), "result": message})
    else:
        out(safe(message))
    return EXIT_OK
