"""Today and now, overridable so tests and snapshots are deterministic.

``MOPS_TODAY=2026-11-29`` fixes the date; ``MOPS_NOW=2026-11-29T09:30:00`` fixes the
clock (UTC). With only ``MOPS_TODAY`` set, ``now()`` is 09:00 UTC on that day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    fixed = os.environ.get("MOPS_TODAY", "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise SystemExit(f"mops: MOPS_TODAY={fixed!r} is not a date; use 2026-11-29") from None
    return date.today()


def now() -> datetime:
    """The current time in UTC, without tzinfo (as stored)."""
    fixed = os.environ.get("MOPS_NOW", "").strip()
    if fixed:
        try:
            return datetime.fromisoformat(fixed).replace(tzinfo=None)
        except ValueError:
            raise SystemExit(f"mops: MOPS_NOW={fixed!r} is not a time") from None
    if os.environ.get("MOPS_TODAY", "").strip():
        return datetime.combine(today(), datetime.min.time()).replace(hour=9)
    return datetime.now(UTC).replace(tzinfo=None)
