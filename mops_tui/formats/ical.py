"""iCalendar (RFC 5545) output, written by hand: no dependency at run time.

Google Calendar, Outlook and Apple Calendar import the file, and a later import of a
newer file updates the events they already hold: every event keeps its ``UID``, its
``SEQUENCE`` grows when the record behind it is edited, and ``DTSTAMP`` is the time the
file was written.

What the RFC asks of the text, and this module does:

- lines end in CRLF;
- a content line longer than 75 octets is folded: CRLF and one space, never inside
  a UTF-8 character (nor inside an escape such as ``\\n``, nor between a character
  and the combining marks that follow it, which some importers mishandle);
- TEXT values escape ``\\``, ``;`` and ``,`` and write newlines as ``\\n``; control
  characters, which TEXT may not hold, are shown as visible marks instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from mops_tui.domain.calendar import CalendarEvent
from mops_tui.domain.text import visible

PRODID = "-//mops//mops//EN"
CRLF = "\r\n"
MAX_OCTETS = 75

# Characters that belong with the one before them when a line is folded.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): ``\\`` ``;`` ``,`` escaped, newlines as ``\\n``."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = visible(text, keep_newlines=True)  # no control characters; tabs as spaces
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _units(line: str) -> list[str]:
    """The pieces a fold may fall between: characters with their combining marks and
    joiners, and escape pairs such as ``\\n``."""
    units: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            units.append(line[i : i + 2])
            i += 2
            continue
        if units and (
            unicodedata.combining(ch)
            or ch in _JOINERS
            or (units[-1] and units[-1][-1] == "\u200d")
            or 0x1F3FB <= ord(ch) <= 0x1F3FF  # skin-tone modifiers
        ):
            units[-1] += ch
        else:
            units.append(ch)
        i += 1
    return units


def _split_long(unit: str, room: int) -> list[str]:
    """A unit longer than a whole line (a long run of combining marks): by character."""
    parts: list[str] = []
    current = ""
    for ch in unit:
        if len((current + ch).encode("utf-8")) > room and current:
            parts.append(current)
            current = ""
        current += ch
    if current:
        parts.append(current)
    return parts


def fold(line: str) -> str:
    """``line`` folded to at most 75 octets a line (the CRLF not counted)."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current = ""
    size = 0
    room = MAX_OCTETS  # the first line has 75 octets; the rest 74 after their space
    for unit in _units(line):
        if len(unit.encode("utf-8")) > MAX_OCTETS - 1:
            subunits = _split_long(unit, MAX_OCTETS - 1)
        else:
            subunits = [unit]
        for sub in subunits:
            n = len(sub.encode("utf-8"))
            if size + n > room and current:
                pieces.append(current)
                current, size, room = "", 0, MAX_OCTETS - 1
            current += sub
            size += n
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _stamp(value: datetime) -> str:
    """A UTC DATE-TIME: ``20261129T090000Z``. Naive values are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _event_lines(event: CalendarEvent, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART;VALUE=DATE:{_day(event.on)}",
        f"DTEND;VALUE=DATE:{_day(event.on + timedelta(days=1))}",
        f"SEQUENCE:{max(0, int(event.sequence))}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{_stamp(event.last_modified)}")
    # An all-day reminder, not a meeting: it does not make anyone look busy.
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def calendar(
    events: Iterable[CalendarEvent],
    *,
    stamp: datetime,
    name: str = "mops marketing operations",
    description: str = "",
) -> str:
    """The whole ``VCALENDAR`` as text with CRLF line endings.

    ``stamp`` is the ``DTSTAMP`` of every event: when the file was written (the
    workspace clock, so tests are deterministic).
    """
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if description:
        lines.append(f"X-WR-CALDESC:{escape_text(description)}")
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
