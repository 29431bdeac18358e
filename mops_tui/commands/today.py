"""``mops today``: the Home inbox as plain text (or JSON), for cron or a login message.

The same ranked items the app's Home shows: briefs waiting for review, launches at
risk, renewals, compliance gaps, reviews due, budget lines near or over plan, KPIs
that need attention and months to close. Snoozed items stay hidden until their date.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mops_tui.domain.triage import InboxItem
    from mops_tui.services.triage import Figures
    from mops_tui.services.workspace import Workspace

NAME = "today"
DEFAULT_LIMIT = 15


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        NAME,
        parents=[common],
        help="what needs a decision today, most urgent first (the Home inbox)",
        description="Print the inbox that the app's Home shows: every item that needs a "
        "decision today, ranked by urgency, with a line of figures on top. The ranking is "
        "set by [triage] in the config file. Snoozed items stay hidden until their date.",
        epilog="Examples:  mops today   ·   mops today --all   ·   mops today --json | jq "
        "'.items[0]'   ·   in ~/.profile: mops today --limit 5",
    )
    p.add_argument("--json", action="store_true", help="print the inbox as JSON")
    p.add_argument(
        "--limit",
        metavar="N",
        help=f"show the N most urgent items (default {DEFAULT_LIMIT}; --all for every one)",
    )
    p.add_argument("--all", action="store_true", help="show every item")
    p.add_argument("--snoozed", action="store_true", help="include snoozed items as well")


def _limit(args: argparse.Namespace) -> int | None:
    from mops_tui.cliutil import EXIT_INVALID, Fail

    if args.all or (args.json and args.limit is None):
        return None
    if args.limit is None:
        return DEFAULT_LIMIT
    text = str(args.limit).strip()
    if not text.isdigit() or int(text) < 1:
        raise Fail(f"--limit takes a number of items, 1 or more, not “{text[:20]}”", EXIT_INVALID)
    return int(text)


def run(args: argparse.Namespace) -> int:
    from mops_tui.cliutil import EXIT_OK, out, settings_of, workspace_of, write_json

    limit = _limit(args)
    ws = workspace_of(settings_of(args))
    from mops_tui.services import triage

    items = triage.inbox(ws, include_snoozed=args.snoozed)
    figures = triage.figures(ws, items)
    shown = items if limit is None else items[:limit]
    if args.json:
        write_json(_json(ws, figures, items, shown))
    else:
        out(_text(ws, figures, items, shown))
    return EXIT_OK


def _json(
    ws: Workspace, f: Figures, items: list[InboxItem], shown: list[InboxItem]
) -> dict[str, Any]:
    from mops_tui.cliutil import money_text

    return {
        "today": ws.today().isoformat(),
        "total": len(items),
        "figures": {
            "briefs_by_state": f.briefs_by_state,
            "period": f.period,
            "planned": money_text(ws, f.planned),
            "spent": money_text(ws, f.actual),
            "renewals_next_90_days": f.renewals_90,
            "renewals_next_90_days_annual_cost": money_text(ws, f.renewals_90_cost),
            "compliance_gaps": f.compliance_gaps,
            "snoozed": f.snoozed,
        },
        "items": [
            {
                "key": i.key,
                "area": i.area,
                "kind": i.kind,
                "item": i.title,
                "why": i.why,
                "due": i.due.isoformat() if i.due else None,
                "waiting_working_days": i.age_days,
                "annual_cost": money_text(ws, i.cost) if i.cost else None,
                "urgency": i.score,
                "record": {"mode": i.target[0], "id": i.target[1]},
            }
            for i in shown
        ],
    }


def _text(ws: Workspace, f: Figures, items: list[InboxItem], shown: list[InboxItem]) -> str:
    from mops_tui import clitext
    from mops_tui.domain.money import format_compact
    from mops_tui.domain.text import cell_width, fit

    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 100)
    today = ws.today()
    cur = ws.currency
    noun = "item needs" if len(items) == 1 else "items need"
    lines = [
        paint(f"{today.strftime('%A')} {today.day} {today.strftime('%B %Y')}", "bold")
        + f" · {len(items)} {noun} a decision"
        + (f" ({f.snoozed} snoozed)" if f.snoozed else ""),
    ]
    states = f.briefs_by_state
    share = f" ({f.actual / f.planned:.0%})" if f.planned else ""
    lines.append(
        f"Briefs: {states['draft']} draft, {states['submitted']} in review, "
        f"{states['approved']} approved, {states['in_flight']} in flight"
    )
    lines.append(
        f"Spend: {format_compact(f.actual, cur)} of {format_compact(f.planned, cur)} in "
        f"{f.period}{share} · Renewals: {f.renewals_90} in 90 days, "
        f"{format_compact(f.renewals_90_cost, cur)} a year"
    )
    lines.append(
        "Compliance gaps: " + paint(str(f.compliance_gaps), "red" if f.compliance_gaps else "green")
    )
    if not items:
        lines.append("")
        lines.append(paint("Nothing needs a decision today.", "green"))
        return "\n".join(lines) + "\n"
    lines.append("")
    area_width = 7
    for i in shown:
        if i.due is not None:
            days = (i.due - today).days
            when = i.due.isoformat()
            when_style: tuple[str, ...] = ("red",) if days < 0 else ()
        elif i.age_days:
            when, when_style = f"{i.age_days}d waiting", ()
        else:
            when, when_style = "", ()
        head = f"{i.score:>3.0f}  {fit(i.area, area_width)} "
        room = total - cell_width(head) - (cell_width(when) + 1 if when else 0)
        title = clitext.safe(i.title)
        line = paint(head, "bold") + fit(title, max(10, room))
        if when:
            line += " " + paint(when, *when_style)
        lines.append(line.rstrip())
        indent = " " * cell_width(head)
        for part in clitext.wrap(clitext.safe(i.why), cell_width(head), total):
            lines.append(indent + paint(part, "dim"))
    hidden = len(items) - len(shown)
    if hidden:
        lines.append("")
        lines.append(
            paint(f"…and {hidden} more. mops today --all lists them; mops opens Home.", "dim")
        )
    return "\n".join(lines) + "\n"
