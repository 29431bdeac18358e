"""``mops report``: the monthly operations report for a CMO or CFO.

``mops report --month 2026-11`` prints Markdown; ``--format html`` writes one
self-contained page (print it, or attach it to an email). The default month is last
month.
"""

from __future__ import annotations

import argparse
from typing import Any

from mops_tui.cliutil import EXIT_INVALID, EXIT_OK, Fail, settings_of, workspace_of, write_output

NAME = "report"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        NAME,
        parents=[common],
        help="the monthly operations report in Markdown or HTML",
        description="One page a CMO or CFO can act on: spend against plan by channel, "
        "briefs delivered and their outcomes, renewals that need a decision, compliance "
        "gaps, KPI changes and the month's close. Examples: `mops report --month 2026-11`, "
        "`mops report --format html -o report.html`.",
    )
    p.add_argument("--month", metavar="YYYY-MM", help="the month to report (default: last month)")
    p.add_argument("--format", choices=("md", "html"), default="md", help="md (default) or html")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    from mops_tui.domain.errors import ValidationFailed

    cfg = settings_of(args)
    if args.month is not None:
        # Refuse a bad month before opening (or migrating) the database.
        from mops_tui.services.report import parse_month

        try:
            parse_month(args.month)
        except ValidationFailed as exc:
            raise Fail(exc.fields[0].message, EXIT_INVALID) from exc
    ws = workspace_of(cfg)
    from mops_tui.formats import report as fmt
    from mops_tui.services import report

    month = args.month or report.last_month(ws).label
    found = report.monthly(ws, month)
    text = fmt.html(found) if args.format == "html" else fmt.markdown(found)
    write_output(args.output, text, f"the {found.month.label} report")
    return EXIT_OK
