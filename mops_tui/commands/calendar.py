"""``mops calendar``: renewals, cancel-by dates, launches and budget period ends.

``mops calendar`` prints the agenda of the next 30 days; ``mops calendar --ics >
mops.ics`` writes a year ahead (and a month back) as an iCalendar file that Google
Calendar and Outlook import. Importing a newer file updates the same events.
"""

from __future__ import annotations

import argparse
from typing import Any

from mops_tui.cliutil import (
    EXIT_INVALID,
    EXIT_OK,
    Fail,
    settings_of,
    workspace_of,
    write_json,
    write_output,
)

NAME = "calendar"
AGENDA_DAYS = 30
ICS_DAYS = 365
ICS_DAYS_BACK = 30


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        NAME,
        parents=[common],
        help="renewals, cancel-by dates, launches and period ends; --ics for a calendar file",
        description="Without --ics, prints the agenda of the next N days (default "
        f"{AGENDA_DAYS}). With --ics, writes an iCalendar file of the next N days (default "
        f"{ICS_DAYS}) and the last {ICS_DAYS_BACK}, for Google Calendar or Outlook: "
        "`mops calendar --ics > mops.ics`. Each event keeps its UID, so importing a newer "
        "file updates the events instead of adding copies.",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--ics", action="store_true", help="write iCalendar (RFC 5545)")
    fmt.add_argument("--json", action="store_true", help="print the events as JSON")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--days", metavar="N", help="how many days ahead")


def _days(text: str | None, default: int) -> int:
    if text is None:
        return default
    value = str(text).strip()
    if not value.isdigit() or not 1 <= int(value) <= 3660:
        raise Fail(
            f"--days takes a number of days from 1 to 3660, not “{value[:20]}”", EXIT_INVALID
        )
    return int(value)


def run(args: argparse.Namespace) -> int:
    days = _days(args.days, ICS_DAYS if args.ics else AGENDA_DAYS)
    cfg = settings_of(args)
    ws = workspace_of(cfg)
    from mops_tui.services import calendar

    back = ICS_DAYS_BACK if args.ics else 0
    found = calendar.events(ws, days_ahead=days, days_back=back)
    if args.ics:
        from mops_tui.formats import ical

        text = ical.calendar(
            found,
            stamp=ws.now(),
            description=f"From mops: {days} days ahead and {back} back, written "
            f"{ws.today().isoformat()}. Import a newer file to update these events.",
        )
        write_output(args.output, text, f"{len(found)} events", exact=True)
        return EXIT_OK
    if args.json:
        write_json([_event_json(e) for e in found], args.output, f"{len(found)} events")
        return EXIT_OK
    text = _agenda(ws, found, days)
    write_output(args.output, text, "the agenda")
    return EXIT_OK


def _event_json(e: Any) -> dict[str, Any]:
    return {
        "date": e.on.isoformat(),
        "kind": e.kind,
        "summary": e.summary,
        "description": e.description,
        "uid": e.uid,
        "record": e.record,
    }


def _agenda(ws: Any, found: list[Any], days: int) -> str:
    from datetime import timedelta

    from mops_tui import clitext
    from mops_tui.domain.text import fit

    today = ws.today()
    last = today + timedelta(days=days)
    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 100)
    lines = [
        paint(f"Next {days} days: {today.isoformat()} to {last.isoformat()}", "bold"),
    ]
    if not found:
        lines.append("Nothing falls due: no renewals, cancel-by dates, launches or period ends.")
        return "\n".join(lines)
    styles = {
        "cancel_by": ("red",),
        "renewal": ("yellow",),
        "launch": ("cyan",),
        "period_end": ("dim",),
    }
    date_w, day_w, kind_w = 10, 3, 11
    room = max(20, total - date_w - day_w - kind_w - 3)
    previous = None
    for e in found:
        when = e.on.isoformat() if e.on != previous else ""
        weekday = _WEEKDAYS[e.on.weekday()] if e.on != previous else ""
        previous = e.on
        note = ""
        if e.on == today:
            note = "today: "
        summary = clitext.safe(note + _short(e))
        lines.append(
            f"{when:<{date_w}} {weekday:<{day_w}} "
            + paint(fit(e.kind_label, kind_w), *styles.get(e.kind, ()))
            + " "
            + _cut(summary, room)
        )
    counts: dict[str, int] = {}
    for e in found:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    words = [
        f"{counts[k]} {_NOUNS[k][0] if counts[k] == 1 else _NOUNS[k][1]}"
        for k in _NOUNS
        if k in counts
    ]
    tail = ", ".join(words) + ". For your calendar app: mops calendar --ics > mops.ics"
    lines.extend(paint(line, "dim") for line in clitext.wrap(tail, 0, total))
    return "\n".join(lines)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NOUNS = {
    "cancel_by": ("cancel-by date", "cancel-by dates"),
    "renewal": ("renewal", "renewals"),
    "launch": ("launch", "launches"),
    "period_end": ("period end", "period ends"),
}


def _cut(text: str, room: int) -> str:
    """``text`` in ``room`` columns; a closing ``(…)`` note is kept, the words before it
    are shortened."""
    import re

    from mops_tui.domain.text import cell_width, fit

    if cell_width(text) <= room:
        return text
    m = re.match(r"^(.*\S)(\s\([^()]*\))$", text)
    if m and cell_width(m.group(2)) <= room // 2:
        return fit(m.group(1), room - cell_width(m.group(2))).rstrip() + m.group(2)
    return fit(text, room).rstrip()


def _short(e: Any) -> str:
    """The summary without its kind prefix (the agenda shows the kind in a column)."""
    text = str(e.summary)
    for prefix in ("Renewal: ", "Cancel-by: ", "Launch: ", "Budget period ends: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text
