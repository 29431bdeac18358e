"""``mops check``: run every integrity rule; exit 1 when any record fails one.

Made for a CI job or a cron job as much as for a person: plain text that fits 80
columns (✓ or ✗ per rule, the failing records under it), or ``--json``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mops_tui.domain.checks import CheckResult

NAME = "check"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from mops_tui.cliutil import count

    parser = sub.add_parser(
        NAME,
        parents=[common],
        help="run every integrity rule across the areas; exit 1 when any fails",
        description="Run the integrity rules that a CI or cron job runs: spend on a "
        "retired tool, briefs measured by a deprecated KPI, personal data flowing into "
        "a tool with no DPA, KPIs fed by a retired tool, and more. Prints each rule with "
        "✓ or ✗ and the records that fail it. Exit code 0 when every rule passes, 1 when "
        "any fails, 2 for invalid options.",
        epilog="Examples:  mops check   ·   mops check --json > check.json   ·   "
        "mops check --area ledger   ·   mops check --rule audit-gap   ·   "
        "mops check --integrity",
    )
    parser.add_argument(
        "--integrity",
        action="store_true",
        help="also run the ledger-style integrity checks of the records' own structure: "
        "spend links to records that exist, in the month of its date, in whole minor "
        "units; brief histories replay through the workflow; KPI versions run 1 to n",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="CODE",
        help="run only this rule (repeat for several)",
    )
    parser.add_argument(
        "--area",
        action="append",
        default=[],
        choices=("stack", "kpis", "briefs", "ledger", "audit"),
        help="run only the rules of this area (repeat for several)",
    )
    parser.add_argument(
        "--limit",
        type=count,
        default=20,
        metavar="N",
        help="list at most N failing records per rule (all are counted; default 20)",
    )


def run(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import (
        EXIT_FAIL,
        EXIT_INVALID,
        EXIT_OK,
        Fail,
        out,
        settings_of,
        workspace_of,
        write_json,
    )
    from mops_tui.services import check

    if args.limit < 0:
        raise Fail("--limit must be 0 or more", EXIT_INVALID)
    cfg = settings_of(args)
    ws = workspace_of(cfg)
    results = check.run_checks(
        ws, codes=args.rule, areas=args.area, limit=args.limit, integrity=args.integrity
    )
    failed = any(not r.passed for r in results)
    if args.json:
        write_json(check.as_json(results))
    else:
        out("\n".join(render(results)))
    return EXIT_FAIL if failed else EXIT_OK


def render(results: list[CheckResult], total: int | None = None) -> list[str]:
    """The report as lines that fit ``total`` columns (80 when not a terminal)."""
    from mops_tui import clitext
    from mops_tui.domain.checks import summary

    total = total or min(clitext.width(), 100)
    paint = clitext.Painter(clitext.colour_enabled())
    lines: list[str] = []
    for result in results:
        if result.passed:
            lines.append(paint("✓", "green") + " " + clitext.safe(result.title))
            continue
        count = f" ({result.total} record{'s' if result.total != 1 else ''})"
        head = clitext.wrap(clitext.safe(result.title) + count, 2, total)
        lines.append(paint("✗", "red", "bold") + " " + paint(head[0], "bold"))
        lines.extend("  " + paint(more, "bold") for more in head[1:])
        lines.extend("  " + part for part in clitext.wrap(result.explanation, 2, total))
        for f in result.failures:
            text = f"{clitext.safe(f.name)}: {clitext.safe(f.why)}"
            wrapped = clitext.wrap(text, 6, total)
            lines.append("    • " + wrapped[0])
            lines.extend("      " + more for more in wrapped[1:])
        hidden = result.total - len(result.failures)
        if hidden > 0:
            more = f"    … and {hidden} more (--limit {result.total} lists them all)"
            lines.append(paint(more, "dim"))
        lines.append(paint(f"  rule: {result.code}", "dim"))
    lines.append("")
    lines.append(paint(summary(results), "bold"))
    return lines
