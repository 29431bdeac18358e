"""Dated items for a calendar: renewals, cancel-by dates, launches and period ends.

Pure standard-library code. :mod:`mops_tui.services.calendar` builds the events from
the store; :mod:`mops_tui.formats.ical` writes them as iCalendar; the CLI prints them
as an agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# Kinds, in the order an agenda lists the items of one day.
KINDS: tuple[str, ...] = ("cancel_by", "renewal", "launch", "period_end")
KIND_LABELS: dict[str, str] = {
    "cancel_by": "Cancel-by",
    "renewal": "Renewal",
    "launch": "Launch",
    "period_end": "Period end",
}


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day item.

    ``uid`` names the item, not its date: a calendar that imports the file again
    updates the event it already holds. ``sequence`` only ever grows for one ``uid``
    (it follows the record's edit counter), so Outlook and Google treat a re-import as
    a newer revision.
    """

    uid: str
    on: date
    kind: str  # one of KINDS
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()
    sequence: int = 0
    last_modified: datetime | None = None
    record: str = ""  # what to open in mops: "tool:12", "brief:7", "period:2026-11"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def sort_key(self) -> tuple[date, int, str]:
        rank = KINDS.index(self.kind) if self.kind in KINDS else len(KINDS)
        return (self.on, rank, self.summary.casefold())


def renewal_uid(tool_id: int, renewal: date) -> str:
    """One renewal of one contract. A new term (a later renewal date) is a new event."""
    return f"renewal-{tool_id}-{renewal.isoformat()}@mops"


def cancel_by_uid(tool_id: int, renewal: date) -> str:
    """The notice deadline of one renewal: a changed notice period moves the same event."""
    return f"cancel-by-{tool_id}-{renewal.isoformat()}@mops"


def launch_uid(brief_id: int) -> str:
    """A brief launches once: a new launch date moves the same event."""
    return f"launch-brief-{brief_id}@mops"


def period_end_uid(label: str) -> str:
    return f"period-end-{label}@mops"
