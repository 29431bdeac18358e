"""Budget-ledger use cases: budget lines, spend entries (append-only), corrections,
period close, plan-vs-actual reports, and idempotent CSV import.

Cheap to import, like every service module: pydantic and SQLAlchemy load inside writes.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from mops_tui.domain import ledger as rules
from mops_tui.domain.errors import FieldError, NotFound, StaleRecord, ValidationFailed
from mops_tui.domain.ledger import ClosedPeriod, Period, PlanActual
from mops_tui.domain.money import format_money
from mops_tui.domain.text import fold, quoted, record_number
from mops_tui.services import audit
from mops_tui.services import people as people_service
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import briefs as briefs_q
from mops_tui.store.queries import ledger as q
from mops_tui.store.queries import stack as stack_q
from mops_tui.store.queries.ledger import EntryFilter, EntryView, LineView
from mops_tui.store.reader import as_datetime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mops_tui.domain.ledger_schema import LineInput


# ---------------------------------------------------------------------------
# Periods and closes
# ---------------------------------------------------------------------------


def period(ws: Workspace, text: str | None) -> Period:
    """A period from what a person typed; defaults to the current month."""
    try:
        if not text:
            today = ws.today()
            return rules.month_period(today.year, today.month)
        return rules.parse_period(text, ws.fy_start, today=ws.today())
    except rules.PeriodError as exc:
        raise ValidationFailed([FieldError("period", str(exc))]) from exc


def closes(ws: Workspace) -> dict[str, ClosedPeriod]:
    out = {}
    for r in q.open_closes(ws.reader):
        at = as_datetime(r["closed_at"])
        assert at is not None
        out[r["month"]] = ClosedPeriod(r["month"], at.date(), r["closed_by"])
    return out


def close_period(ws: Workspace, month_text: str) -> ClosedPeriod:
    """Lock a month: from now on, every entry dated inside it is refused."""
    from mops_tui.store.models import PeriodClose

    month = _month(ws, month_text)
    if month.ends_on >= ws.today():
        raise ValidationFailed(
            [
                FieldError(
                    "period", f"{month.label} has not ended yet; close it once its last day is over"
                )
            ]
        )
    existing = q.close_of(ws.reader, month.label)
    if existing is not None:
        raise ValidationFailed(
            [FieldError("period", f"{month.label} is already closed (by {existing['closed_by']})")]
        )
    with ws.transaction() as s:
        row = PeriodClose(month=month.label, closed_at=ws.now(), closed_by=ws.actor)
        s.add(row)
        s.flush()
        total = q.sum_entries(
            ws.reader, EntryFilter(starts_on=month.starts_on, ends_on=month.ends_on)
        )
        audit.record(
            s,
            ws,
            "period",
            row.id,
            "closed",
            f"closed {month.label} with {format_money(total, ws.currency)} of spend",
            after={"month": month.label},
        )
    return ClosedPeriod(month.label, ws.now().date(), ws.actor)


def reopen_period(ws: Workspace, month_text: str, reason: str) -> None:
    from mops_tui.store.models import PeriodClose

    month = _month(ws, month_text)
    if not reason or not reason.strip():
        raise ValidationFailed([FieldError("reason", "say why the period is reopened")])
    existing = q.close_of(ws.reader, month.label)
    if existing is None:
        raise ValidationFailed([FieldError("period", f"{month.label} is not closed")])
    with ws.transaction() as s:
        row = s.get(PeriodClose, existing["id"])
        assert row is not None
        row.reopened_at, row.reopened_by, row.reopen_reason = ws.now(), ws.actor, reason.strip()
        audit.record(
            s,
            ws,
            "period",
            row.id,
            "reopened",
            f"reopened {month.label}: {reason.strip()}",
            before={"closed_by": existing["closed_by"]},
            after={"reason": reason.strip()},
        )


def _month(ws: Workspace, text: str) -> Period:
    found = period(ws, text)
    if found.kind != "month":
        raise ValidationFailed(
            [FieldError("period", "close and reopen work on a month, such as 2026-10")]
        )
    return found


def ended_open_months(ws: Workspace, back: int = 3) -> list[str]:
    """Months that have ended but are not closed (the last ``back`` of them). A month
    with no budget line running in it has nothing to close."""
    today = ws.today()
    current = rules.month_period(today.year, today.month)
    closed = closes(ws)
    months = []
    for step in range(1, back + 1):
        m = current.shift(-step)
        if m.label not in closed and q.lines_overlapping(ws.reader, m.starts_on, m.ends_on, ""):
            months.append(m.label)
    return sorted(months)


# ---------------------------------------------------------------------------
# Budget lines
# ---------------------------------------------------------------------------


def get_line(ws: Workspace, line_id: int) -> LineView:
    found = q.line_by_id(ws.reader, line_id)
    if found is None:
        raise NotFound(f"there is no budget line {line_id}")
    return found


def lines(ws: Workspace, period_text: str | None = None, text: str = "") -> list[LineView]:
    if period_text:
        p = period(ws, period_text)
        return q.lines_overlapping(ws.reader, p.starts_on, p.ends_on, text)
    return q.lines_overlapping(ws.reader, None, None, text)


def resolve_line(
    ws: Workspace, text: str | None, on: date | None = None, row: int | None = None
) -> LineView:
    """The line ``text`` names: an id (``#12``), ``PERIOD/CHANNEL[/CAMPAIGN]``, or a
    channel alone (the line for that channel whose period holds ``on``)."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed(
            [FieldError("line", "choose the budget line this spend comes out of", row)]
        )
    try:
        number = record_number(raw)
    except ValueError as exc:
        raise ValidationFailed([FieldError("line", str(exc), row)]) from exc
    if number is None and raw.lstrip("#").isdigit():  # ² and other non-ASCII digits
        raise ValidationFailed([FieldError("line", f"“{quoted(raw)}” is not a line number", row)])
    if number is not None:
        found = q.line_by_id(ws.reader, number)
        if found is None:
            raise ValidationFailed([FieldError("line", f"there is no budget line {raw}", row)])
        return found
    if "/" in raw:
        try:
            ref = rules.LineRef.parse(raw)
            p = rules.parse_period(ref.period, ws.fy_start, today=ws.today())
        except rules.PeriodError as exc:
            raise ValidationFailed([FieldError("line", str(exc), row)]) from exc
        matches = q.lines_named(ws.reader, p.label, ref.channel, ref.campaign)
        if not ref.campaign:
            exact = [m for m in matches if not m.campaign]
            matches = exact or matches
    else:
        if on is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "line",
                        f"“{raw[:40]}” is not a budget line; type PERIOD/CHANNEL such as "
                        "2026-Q4/events",
                        row,
                    )
                ]
            )
        matches = q.lines_for_date(ws.reader, raw, on)
        months = [m for m in matches if m.period_kind == "month"]
        matches = months or matches
    if not matches:
        raise ValidationFailed(
            [
                FieldError(
                    "line",
                    f"no budget line matches “{raw[:40]}”"
                    + (f" on {on.isoformat()}" if on and "/" not in raw else "")
                    + "; add it to the plan first (mops budget line add)",
                    row,
                )
            ]
        )
    if len(matches) > 1:
        options = ", ".join(m.ref for m in matches[:4])
        raise ValidationFailed(
            [FieldError("line", f"“{raw[:40]}” matches several lines ({options}); name one", row)]
        )
    return matches[0]


def channels(ws: Workspace) -> list[str]:
    """Channels already used by budget lines (beside the standard list)."""
    return q.channels(ws.reader)


def line_history(ws: Workspace, line_id: int) -> list[dict[str, Any]]:
    return q.line_history(ws.reader, line_id)


def line_form_values(line: LineView, currency: str) -> dict[str, str]:
    return {
        "period": line.period,
        "channel": line.channel,
        "campaign": line.campaign or "",
        "tool": line.tool or "",
        "planned": format_money(line.planned, currency, exact=True, symbol=False, grouping=False),
        "owner": line.owner or "",
        "notes": line.notes,
    }


def _line_context(ws: Workspace) -> Any:
    from mops_tui.domain.ledger_schema import ledger_context

    return ledger_context(ws.context(), ws.fy_start)


def _resolve_line_refs(
    ws: Workspace, data: LineInput, row: int | None = None
) -> tuple[int | None, int | None, list[FieldError]]:
    errors: list[FieldError] = []
    owner_id = tool_id = None
    try:
        person = people_service.resolve(ws, data.owner)
        owner_id = person["id"] if person else None
    except ValidationFailed as exc:
        errors.extend(FieldError(e.field, e.message, row) for e in exc.fields)
    if data.tool:
        tool = stack_q.tool_by_name(ws.reader, data.tool)
        if tool is None:
            errors.append(FieldError("tool", f"“{data.tool}” is not a tool in the stack", row))
        else:
            tool_id = tool.id
    return owner_id, tool_id, errors


def _apply_line(
    line: Any, data: LineInput, owner_id: int | None, tool_id: int | None, fy_start: int
) -> None:
    p = rules.parse_period(data.period, fy_start)
    line.period, line.period_kind = p.label, p.kind
    line.starts_on, line.ends_on = p.starts_on, p.ends_on
    line.channel = data.channel
    line.channel_key = fold(data.channel)
    line.campaign = data.campaign or None
    line.campaign_key = fold(data.campaign or "")
    line.tool_id = tool_id
    line.owner_id = owner_id
    assert data.planned is not None
    line.planned = data.planned
    line.notes = data.notes


def _duplicate_line(
    s: Session, data: LineInput, fy_start: int, except_id: int | None = None
) -> bool:
    from sqlalchemy import select

    from mops_tui.store.models import BudgetLine

    p = rules.parse_period(data.period, fy_start)
    stmt = select(BudgetLine.id).where(
        BudgetLine.period == p.label,
        BudgetLine.channel_key == fold(data.channel),
        BudgetLine.campaign_key == fold(data.campaign or ""),
    )
    if except_id is not None:
        stmt = stmt.where(BudgetLine.id != except_id)
    return s.scalar(stmt) is not None


def _line_dup_error(data: LineInput) -> ValidationFailed:
    what = f"{data.channel}" + (f" / {data.campaign}" if data.campaign else "")
    return ValidationFailed(
        [
            FieldError(
                "channel", f"{data.period} already has a line for {what}; edit that line instead"
            )
        ]
    )


def create_line(ws: Workspace, raw: Mapping[str, Any]) -> LineView:
    from mops_tui.domain.ledger_schema import validate_line
    from mops_tui.store.models import BudgetLine

    data = validate_line(raw, _line_context(ws))
    owner_id, tool_id, errors = _resolve_line_refs(ws, data)
    if errors:
        raise ValidationFailed(errors)
    with ws.transaction() as s:
        if _duplicate_line(s, data, ws.fy_start):
            raise _line_dup_error(data)
        now = ws.now()
        line = BudgetLine(created_at=now, created_by=ws.actor, updated_at=now, updated_by=ws.actor)
        _apply_line(line, data, owner_id, tool_id, ws.fy_start)
        s.add(line)
        s.flush()
        audit.record(
            s,
            ws,
            "budget_line",
            line.id,
            "created",
            f"planned {format_money(data.planned, ws.currency)} for {data.period} "
            f"{data.channel}" + (f" / {data.campaign}" if data.campaign else ""),
            after=data.model_dump(),
        )
        new_id = line.id
    return get_line(ws, new_id)


def update_line(
    ws: Workspace, line_id: int, raw: Mapping[str, Any], expected_version: int | None
) -> LineView:
    from sqlalchemy.orm.exc import StaleDataError

    from mops_tui.domain.ledger_schema import LineInput, validate_line
    from mops_tui.store.models import BudgetLine

    current = get_line(ws, line_id)
    base = LineInput.model_construct(
        period=current.period,
        channel=current.channel,
        campaign=current.campaign or "",
        tool=current.tool,
        planned=current.planned,
        owner=current.owner,
        notes=current.notes,
    )
    data = validate_line(raw, _line_context(ws), base=base)
    owner_id, tool_id, errors = _resolve_line_refs(ws, data)
    if errors:
        raise ValidationFailed(errors)
    new_period = rules.parse_period(data.period, ws.fy_start)
    if current.entries and (
        new_period.starts_on > current.starts_on or new_period.ends_on < current.ends_on
    ):
        raise ValidationFailed(
            [
                FieldError(
                    "period",
                    f"this line already has {current.entries} entries; its period can only "
                    "grow, or the entries would fall outside it",
                )
            ]
        )
    try:
        with ws.transaction() as s:
            line = s.get(BudgetLine, line_id)
            assert line is not None
            if expected_version is not None and line.version != expected_version:
                raise StaleRecord(
                    f"The budget line {current.ref}", line.updated_by, line.updated_at
                )
            if _duplicate_line(s, data, ws.fy_start, line_id):
                raise _line_dup_error(data)
            before = base.model_dump()
            _apply_line(line, data, owner_id, tool_id, ws.fy_start)
            after = data.model_dump()
            diff = audit.changes(before, after)
            if not diff:
                return current
            line.updated_at, line.updated_by = ws.now(), ws.actor
            s.flush()
            parts = []
            for k, (old, new) in diff.items():
                if k == "planned":
                    old, new = format_money(old, ws.currency), format_money(new, ws.currency)
                parts.append(f"{k} {old or '—'} → {new or '—'}")
            audit.record(
                s,
                ws,
                "budget_line",
                line.id,
                "edited",
                "; ".join(parts),
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
    except StaleDataError as exc:
        fresh = q.line_by_id(ws.reader, line_id)
        raise StaleRecord(
            f"The budget line {current.ref}",
            fresh.updated_by if fresh else None,
            fresh.updated_at if fresh else None,
        ) from exc
    return get_line(ws, line_id)


def copy_forward(
    ws: Workspace, from_text: str, to_text: str, *, dry_run: bool = False
) -> list[LineView]:
    """Copy one period's lines into the next as a new plan (same channel, campaign,
    tool, owner and planned amount). Lines that already exist there are skipped."""
    from sqlalchemy import select

    from mops_tui.store.models import BudgetLine

    source = period(ws, from_text)
    target = period(ws, to_text)
    if source.kind != target.kind:
        raise ValidationFailed(
            [
                FieldError(
                    "period",
                    f"copy a {source.kind} to a {source.kind}: {source.label} → {target.label}",
                )
            ]
        )
    if target.starts_on <= source.starts_on:
        raise ValidationFailed(
            [FieldError("period", f"{target.label} is not after {source.label}")]
        )
    originals = [ln for ln in q.lines_named(ws.reader, source.label, None)]
    if not originals:
        raise ValidationFailed(
            [FieldError("period", f"{source.label} has no budget lines to copy")]
        )
    copied: list[int] = []
    would_copy: set[int] = set()
    with ws.transaction() as s:
        for old in originals:
            exists = s.scalar(
                select(BudgetLine.id).where(
                    BudgetLine.period == target.label,
                    BudgetLine.channel_key == old.channel_key,
                    BudgetLine.campaign_key == fold(old.campaign or ""),
                )
            )
            if exists is not None:
                continue
            would_copy.add(old.id)
            row = s.get(BudgetLine, old.id)
            assert row is not None
            now = ws.now()
            line = BudgetLine(
                period=target.label,
                period_kind=target.kind,
                starts_on=target.starts_on,
                ends_on=target.ends_on,
                channel=old.channel,
                channel_key=old.channel_key,
                campaign=old.campaign,
                campaign_key=fold(old.campaign or ""),
                tool_id=row.tool_id,
                owner_id=row.owner_id,
                planned=old.planned,
                notes=f"Copied from {source.label}.",
                created_at=now,
                created_by=ws.actor,
                updated_at=now,
                updated_by=ws.actor,
            )
            s.add(line)
            s.flush()
            audit.record(
                s,
                ws,
                "budget_line",
                line.id,
                "created",
                f"copied {old.ref} forward to {target.label}",
                after={"from": old.id, "planned": old.planned},
            )
            copied.append(line.id)
        if dry_run:
            s.rollback()
            return [ln for ln in originals if ln.id in would_copy]
    return [get_line(ws, i) for i in copied]


# ---------------------------------------------------------------------------
# Spend entries
# ---------------------------------------------------------------------------


def get_entry(ws: Workspace, entry_id: int) -> EntryView:
    found = q.entry_by_id(ws.reader, entry_id)
    if found is None:
        raise NotFound(f"there is no spend entry {entry_id}")
    return found


@dataclass(slots=True)
class PreparedEntry:
    values: dict[str, Any]
    line: LineView
    tool_id: int | None


def _prepare(
    ws: Workspace,
    values: Mapping[str, Any],
    row: int | None,
    closed: Mapping[str, ClosedPeriod],
    line_cache: dict[tuple[Any, ...], Any],
    today: date | None = None,
) -> tuple[PreparedEntry | None, list[FieldError]]:
    """Resolve the line and tool of parsed entry values and apply the ledger rules.

    ``line_cache`` remembers lookups across the rows of one import (a line and its
    period by the line's text and the month, a refusal by the text and the date, since
    its message names the date); ``today`` saves asking the clock once per row."""
    errors: list[FieldError] = []
    on: date = values["entry_date"]
    month = on.isoformat()[:7]
    line: LineView | None = None
    line_period: Period | None = None
    named = values.get("line")
    text = named if type(named) is str else str(named or "")
    key = (text, month)
    found = line_cache.get(key)  # (line, period): only found lines are kept here
    if found is not None:
        line, line_period = found
    else:
        refused_key = ("refused", text, on)
        refused = line_cache.get(refused_key)
        if refused is not None:
            errors.extend(FieldError(e.field, e.message, row) for e in refused)
        else:
            try:
                line = resolve_line(ws, values.get("line"), on, row)
            except ValidationFailed as exc:
                errors.extend(exc.fields)
                line_cache[refused_key] = exc.fields
            else:
                period_key = ("period", line.id)
                line_period = line_cache.get(period_key)
                if line_period is None:
                    line_period = line_cache[period_key] = rules.period_from(
                        line.starts_on, line.ends_on, ws.fy_start
                    )
                line_cache[key] = (line, line_period)
    tool_id = None
    if values.get("tool"):
        tool_key = ("tool", str(values["tool"]).lower())
        if tool_key not in line_cache:
            line_cache[tool_key] = stack_q.tool_by_name(ws.reader, values["tool"])
        tool = line_cache[tool_key]
        if tool is None:
            errors.append(FieldError("tool", f"“{values['tool']}” is not a tool in the stack", row))
        else:
            tool_id = tool.id
    if values.get("brief") is not None:
        brief_key = ("brief", values["brief"])
        if brief_key not in line_cache:
            line_cache[brief_key] = briefs_q.brief_exists(ws.reader, values["brief"])
        if not line_cache[brief_key]:
            errors.append(FieldError("brief", f"there is no brief #{values['brief']}", row))
    broken = rules.entry_errors(
        amount=values["amount"],
        kind=values["kind"],
        on=on,
        line_period=line_period,
        closed=closed.get(month),
        today=ws.today() if today is None else today,
    )
    if broken:
        errors.extend(FieldError(e.field, e.message, row) for e in broken)
    if errors or line is None:
        return None, errors
    # Spend on a line that pays for a tool counts against that tool unless it says else.
    # The values are the caller's fresh parse (a plain dict is kept as it is).
    kept = values if type(values) is dict else dict(values)
    return PreparedEntry(kept, line, tool_id or line.tool_id), []


# The columns of a spend entry that come from the entry itself, in table order.
_ENTRY_COLUMNS: tuple[str, ...] = (
    "entry_date",
    "month",
    "amount",
    "kind",
    "payee",
    "search_key",
    "reference",
    "note",
    "line_id",
    "tool_id",
    "brief_id",
)


def _entry_values(p: PreparedEntry) -> tuple[Any, ...]:
    """The ``_ENTRY_COLUMNS`` of the ``spend_entries`` row for ``p``."""
    v = p.values
    on: date = v["entry_date"]
    reference = v.get("reference") or ""
    note = v.get("note") or ""
    return (
        on,
        on.isoformat()[:7],
        v["amount"],
        v["kind"],
        v["payee"],
        fold(f"{v['payee']} {reference} {note}"),
        reference,
        note,
        p.line.id,
        p.tool_id,
        v.get("brief"),
    )


def _row_for(p: PreparedEntry, ws: Workspace, **extra: Any) -> dict[str, Any]:
    return {
        **dict(zip(_ENTRY_COLUMNS, _entry_values(p), strict=True)),
        "created_at": ws.now(),
        "created_by": ws.actor,
        **extra,
    }


def add_entry(ws: Workspace, raw: Mapping[str, Any]) -> EntryView:
    """Record spend (or a refund) against a budget line."""
    from mops_tui.domain.ledger_schema import ledger_context, validate_entry
    from mops_tui.store.models import SpendEntry

    ctx = ledger_context(ws.context(), ws.fy_start)
    data = validate_entry(raw, ctx)
    prepared, errors = _prepare(ws, data.model_dump(), None, closes(ws), {})
    if errors or prepared is None:
        raise ValidationFailed(errors)
    with ws.transaction() as s:
        _recheck_close(s, prepared.values["entry_date"])
        entry = SpendEntry(**_row_for(prepared, ws))
        s.add(entry)
        s.flush()
        audit.record(
            s,
            ws,
            "spend",
            entry.id,
            "created",
            f"{format_money(entry.amount, ws.currency)} to {entry.payee} on "
            f"{entry.entry_date.isoformat()} ({prepared.line.ref})",
            after={"amount": entry.amount, "line": prepared.line.ref},
        )
        new_id = entry.id
    return get_entry(ws, new_id)


def _recheck_close(s: Session, on: date) -> None:
    """A close made by someone else after validation still wins, inside the write."""
    from sqlalchemy import select

    from mops_tui.store.models import PeriodClose

    month = on.isoformat()[:7]
    row = s.scalar(
        select(PeriodClose).where(PeriodClose.month == month, PeriodClose.reopened_at.is_(None))
    )
    if row is not None:
        closed = ClosedPeriod(month, row.closed_at.date(), row.closed_by)
        raise ValidationFailed([FieldError("entry_date", closed.refusal(on))])


def correct_entry(
    ws: Workspace, entry_id: int, raw: Mapping[str, Any]
) -> tuple[EntryView, EntryView]:
    """Reverse an entry and record its corrected version, in one transaction.

    Both stay visible: the reversal points at the original, the new entry says which
    entry it corrects."""
    from mops_tui.domain.ledger_schema import ledger_context, validate_entry
    from mops_tui.store.models import SpendEntry

    original = get_entry(ws, entry_id)
    refused = rules.reversal_errors(original.kind, original.reversed_by is not None)
    if refused:
        raise ValidationFailed(refused)
    merged = {
        "entry_date": original.entry_date,
        "amount": original.amount,
        "kind": original.kind,
        "payee": original.payee,
        "line": f"#{original.line_id}",
        "reference": original.reference,
        "tool": original.tool,
        "brief": original.brief_id,
        "note": original.note,
        **{k: v for k, v in raw.items() if v is not None},
    }
    ctx = ledger_context(ws.context(), ws.fy_start)
    data = validate_entry(merged, ctx)
    closed = closes(ws)
    prepared, errors = _prepare(ws, data.model_dump(), None, closed, {})
    reversal_close = closed.get(original.entry_date.isoformat()[:7])
    if reversal_close is not None:
        errors.append(
            FieldError(
                "entry_date",
                "the original entry's month is closed, so it cannot "
                "be reversed: " + reversal_close.refusal(original.entry_date),
            )
        )
    if errors or prepared is None:
        raise ValidationFailed(errors)
    with ws.transaction() as s:
        _recheck_close(s, original.entry_date)
        _recheck_close(s, prepared.values["entry_date"])
        reversal = SpendEntry(
            entry_date=original.entry_date,
            month=original.entry_date.isoformat()[:7],
            amount=-original.amount,
            kind="reversal",
            payee=original.payee,
            search_key=fold(f"{original.payee} {original.reference} reversal"),
            reference=original.reference,
            note=f"Reverses entry {original.id} (corrected)",
            line_id=original.line_id,
            tool_id=original.tool_id,
            brief_id=original.brief_id,
            reverses_id=original.id,
            created_at=ws.now(),
            created_by=ws.actor,
        )
        s.add(reversal)
        s.flush()
        new = SpendEntry(**_row_for(prepared, ws, corrects_id=original.id))
        s.add(new)
        s.flush()
        audit.record(
            s,
            ws,
            "spend",
            original.id,
            "corrected",
            f"corrected entry {original.id}: reversed as {reversal.id}, "
            f"re-entered as {new.id} "
            f"({format_money(original.amount, ws.currency)} → "
            f"{format_money(new.amount, ws.currency)})",
            before={"amount": original.amount, "line_id": original.line_id},
            after={"amount": new.amount, "line_id": new.line_id},
        )
        ids = (reversal.id, new.id)
    return get_entry(ws, ids[0]), get_entry(ws, ids[1])


def reverse_entry(ws: Workspace, entry_id: int, reason: str = "") -> EntryView:
    """Cancel an entry with an equal and opposite one (it stays visible, linked)."""
    from mops_tui.store.models import SpendEntry

    original = get_entry(ws, entry_id)
    refused = rules.reversal_errors(original.kind, original.reversed_by is not None)
    closed = closes(ws).get(original.entry_date.isoformat()[:7])
    if closed is not None:
        refused.append(FieldError("entry_date", closed.refusal(original.entry_date)))
    if refused:
        raise ValidationFailed(refused)
    with ws.transaction() as s:
        _recheck_close(s, original.entry_date)
        reversal = SpendEntry(
            entry_date=original.entry_date,
            month=original.entry_date.isoformat()[:7],
            amount=-original.amount,
            kind="reversal",
            payee=original.payee,
            search_key=fold(f"{original.payee} {original.reference} reversal"),
            reference=original.reference,
            note=f"Reverses entry {original.id}" + (f": {reason}" if reason else ""),
            line_id=original.line_id,
            tool_id=original.tool_id,
            brief_id=original.brief_id,
            reverses_id=original.id,
            created_at=ws.now(),
            created_by=ws.actor,
        )
        s.add(reversal)
        s.flush()
        audit.record(
            s,
            ws,
            "spend",
            original.id,
            "reversed",
            f"reversed entry {original.id}" + (f": {reason}" if reason else ""),
            after={"reversal": reversal.id},
        )
        new_id = reversal.id
    return get_entry(ws, new_id)


def parse_entry_query(ws: Workspace, query: str) -> EntryFilter:
    """``aws period:2026-11 line:12 tool:hubspot channel:events from:2026-10-01``."""
    from mops_tui.domain.dates import DateError, parse_date

    words: list[str] = []
    f: dict[str, Any] = {}
    for term in query.split():
        key, sep, value = term.partition(":")
        key = key.lower()
        if sep and value:
            try:
                if key in ("period", "p"):
                    p = rules.parse_period(value, ws.fy_start, today=ws.today())
                    f.update(starts_on=p.starts_on, ends_on=p.ends_on)
                    continue
                if key == "from":
                    f["starts_on"] = parse_date(value, ws.today())
                    continue
                if key == "to":
                    f["ends_on"] = parse_date(value, ws.today())
                    continue
            except (rules.PeriodError, DateError):
                pass
            if key == "line" and value.lstrip("#").isdigit():
                f["line_id"] = int(value.lstrip("#"))
                continue
            if key == "brief" and value.lstrip("#").isdigit():
                f["brief_id"] = int(value.lstrip("#"))
                continue
            if key == "tool":
                tool = stack_q.tool_by_name(ws.reader, value.replace("-", " "))
                f["tool_id"] = tool.id if tool else -1
                continue
            if key in ("channel", "ch"):
                f["channel"] = value.replace("-", " ")
                continue
        words.append(term)
    return EntryFilter(text=" ".join(words), **f)


class EntryListing:
    """The query behind the Entries view: filter, sort and page over the whole ledger."""

    def __init__(self, ws: Workspace, base: EntryFilter | None = None) -> None:
        self.ws = ws
        self.base = base or EntryFilter()

    def _filter(self, query: str) -> EntryFilter:
        parsed = parse_entry_query(self.ws, query)
        return EntryFilter(
            text=parsed.text,
            starts_on=parsed.starts_on or self.base.starts_on,
            ends_on=parsed.ends_on or self.base.ends_on,
            line_id=parsed.line_id or self.base.line_id,
            tool_id=parsed.tool_id or self.base.tool_id,
            brief_id=parsed.brief_id or self.base.brief_id,
            channel=parsed.channel or self.base.channel,
        )

    def count(self, query: str) -> int:
        return q.count_entries(self.ws.reader, self._filter(query))

    def total(self, query: str) -> int:
        return q.sum_entries(self.ws.reader, self._filter(query))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[EntryView]:
        return q.list_entries(self.ws.reader, self._filter(query), sort, descending, offset, limit)


def list_entries(ws: Workspace, query: str = "", limit: int = 1_000_000) -> list[EntryView]:
    return q.list_entries(ws.reader, parse_entry_query(ws, query), "date", True, 0, limit)


# ---------------------------------------------------------------------------
# Plan vs actual
# ---------------------------------------------------------------------------


@dataclass
class Report:
    period: Period | None
    by: str
    rows: list[PlanActual]
    planned: int
    actual: int

    @property
    def variance(self) -> int:
        return self.planned - self.actual


def report(
    ws: Workspace, period_text: str | None = None, by: str = "line", text: str = ""
) -> Report:
    """Plan vs actual for the lines that overlap the period, one row per line or
    grouped ``by`` channel, month or quarter."""
    if by not in ("line", "channel", "month", "quarter"):
        raise ValidationFailed([FieldError("by", "group by line, channel, month or quarter")])
    p = period(ws, period_text) if period_text else None
    line_rows = (
        q.lines_overlapping(ws.reader, p.starts_on, p.ends_on, text)
        if p
        else q.lines_overlapping(ws.reader, None, None, text)
    )
    fy = ws.fy_start
    rows: list[PlanActual] = []
    if by in ("line", "channel"):
        partial = _partial_lines(ws, line_rows, p) if p is not None else {}
        for ln in line_rows:
            planned, actual = partial.get(ln.id, (ln.planned, ln.actual))
            rows.append(
                PlanActual(
                    key=str(ln.id),
                    label=ln.label,
                    planned=planned,
                    actual=actual,
                    period=rules.period_from(ln.starts_on, ln.ends_on, fy),
                    channel=ln.channel,
                    owner=ln.owner,
                    campaign=ln.campaign,
                    tool=ln.tool,
                    line_id=ln.id,
                )
            )
        if by == "channel":
            rows = _group(rows, "channel", fy, p)
    else:
        rows = _by_month(ws, line_rows, p, by)
    rows.sort(
        key=lambda r: (
            r.period.starts_on if r.period and by != "channel" else date.min,
            r.label.lower(),
        )
    )
    return Report(p, by, rows, sum(r.planned for r in rows), sum(r.actual for r in rows))


def _partial_lines(
    ws: Workspace, line_rows: Sequence[LineView], p: Period
) -> dict[int, tuple[int, int]]:
    """For lines that reach beyond ``p`` (a quarter line in a month's report): the plan
    share of the months inside ``p`` (by days) and the spend dated inside ``p``."""
    wider = [ln for ln in line_rows if ln.starts_on < p.starts_on or ln.ends_on > p.ends_on]
    if not wider:
        return {}
    actuals = q.monthly_actuals(
        ws.reader, p.starts_on.isoformat()[:7], p.ends_on.isoformat()[:7], [ln.id for ln in wider]
    )
    out: dict[int, tuple[int, int]] = {}
    for ln in wider:
        lp = rules.period_from(ln.starts_on, ln.ends_on, ws.fy_start)
        inside = [m for m in lp.months() if p.starts_on <= m.starts_on <= p.ends_on]
        planned = round(ln.planned * sum(m.days for m in inside) / lp.days)
        actual = sum(actuals.get((ln.id, m.label), 0) for m in inside)
        out[ln.id] = (planned, actual)
    return out


def _group(rows: list[PlanActual], by: str, fy: int, p: Period | None) -> list[PlanActual]:
    groups: dict[str, PlanActual] = {}
    for r in rows:
        key, label = rules.group_key(by, r, fy)
        g = groups.get(key)
        if g is None:
            groups[key] = PlanActual(
                key=key,
                label=label,
                planned=r.planned,
                actual=r.actual,
                period=p or r.period,
                channel=r.channel,
                lines=1,
            )
        else:
            g.planned += r.planned
            g.actual += r.actual
            g.lines += 1
            if p is None and g.period and r.period and r.period != g.period:
                g.period = None
    return list(groups.values())


def _by_month(
    ws: Workspace, line_rows: Sequence[LineView], p: Period | None, by: str
) -> list[PlanActual]:
    """Spread each line's plan over its months (evenly by days) and sum actuals by month."""
    if not line_rows:
        return []
    first = min(ln.starts_on for ln in line_rows)
    last = max(ln.ends_on for ln in line_rows)
    if p is not None:
        first, last = max(first, p.starts_on), min(last, p.ends_on)
    actuals = q.monthly_actuals(
        ws.reader, first.isoformat()[:7], last.isoformat()[:7], [ln.id for ln in line_rows]
    )
    months: dict[str, PlanActual] = {}
    for ln in line_rows:
        lp = rules.period_from(ln.starts_on, ln.ends_on, ws.fy_start)
        month_list = lp.months()
        remaining = ln.planned
        for i, m in enumerate(month_list):
            share = remaining if i == len(month_list) - 1 else round(ln.planned * m.days / lp.days)
            remaining -= share if i < len(month_list) - 1 else 0
            if p is not None and not (p.starts_on <= m.starts_on <= p.ends_on):
                continue
            row = months.setdefault(
                m.label,
                PlanActual(key=m.label, label=m.label, planned=0, actual=0, period=m, lines=0),
            )
            row.planned += share
            row.actual += actuals.get((ln.id, m.label), 0)
            row.lines += 1
    rows = list(months.values())
    if by == "quarter":
        quarters: dict[str, PlanActual] = {}
        for r in rows:
            assert r.period is not None
            qp = rules.quarter_containing(r.period.starts_on, ws.fy_start)
            g = quarters.setdefault(
                qp.label,
                PlanActual(key=qp.label, label=qp.label, planned=0, actual=0, period=qp, lines=0),
            )
            g.planned += r.planned
            g.actual += r.actual
            g.lines += r.lines
        rows = list(quarters.values())
    return rows


def monthly_series(
    ws: Workspace, line_id: int | None = None, channel: str | None = None, months_back: int = 12
) -> list[PlanActual]:
    """Plan and actual per month for one line, one channel, or everything (the chart)."""
    today = ws.today()
    end = rules.month_period(today.year, today.month)
    start = end.shift(-(months_back - 1))
    line_rows = q.lines_overlapping(ws.reader, start.starts_on, end.ends_on)
    if line_id is not None:
        line_rows = [ln for ln in line_rows if ln.id == line_id]
    elif channel:
        line_rows = [ln for ln in line_rows if ln.channel_key == fold(channel)]
    span = Period(start.starts_on, end.ends_on, f"{start.label}..{end.label}", "range")
    rows = {r.label: r for r in _by_month(ws, line_rows, span, "month")}
    out = []
    current = start
    for _ in range(months_back):
        out.append(
            rows.get(current.label)
            or PlanActual(current.label, current.label, 0, 0, period=current, lines=0)
        )
        current = current.shift(1)
    return out


def tool_spend(ws: Workspace, tool_id: int) -> tuple[int, Period]:
    """Spend linked to a tool in the current fiscal year, and that year."""
    today = ws.today()
    fy = rules.fiscal_year_of(today, ws.fy_start)
    year = Period(
        rules.quarter_period(fy, 1, ws.fy_start).starts_on,
        rules.quarter_period(fy, 4, ws.fy_start).ends_on,
        f"FY{fy}",
        "year",
    )
    return q.tool_spend(ws.reader, tool_id, year.starts_on, year.ends_on), year


# ---------------------------------------------------------------------------
# CSV import: dry run first, then all or nothing; idempotent
# ---------------------------------------------------------------------------


@dataclass
class SpendImportReport:
    rows: int = 0
    to_add: int = 0
    already: int = 0
    amount_to_add: int = 0
    errors: list[FieldError] = field(default_factory=list)
    written: bool = False
    batch: str = ""
    source: str = ""
    # The checked rows a dry run found new, kept so committing need not check again.
    pending: list[tuple[str, PreparedEntry]] = field(default_factory=list, repr=False)


def row_identity(values: Mapping[str, Any], line_id: int) -> str:
    """What makes two imported rows the same row: date, amount, payee, reference, line
    (joined by ``\\x1f``)."""
    reference = values.get("reference")
    return (
        f"{values['entry_date'].isoformat()}\x1f{values['amount']!s}\x1f"
        f"{fold(values['payee'])}\x1f{fold(reference) if reference else ''}\x1f{line_id!s}"
    )


def import_key(
    values: Mapping[str, Any], line_id: int, occurrence: int, identity: str | None = None
) -> str:
    """A stable identity for an imported row: the same row in a later export gets the
    same key, so importing twice (or an overlapping file) adds it once. ``occurrence``
    counts identical rows within one file, so two genuine £50 charges both stay."""
    base = identity if identity is not None else row_identity(values, line_id)
    return hashlib.sha256(f"{base}\x1f{occurrence}".encode()).hexdigest()[:40]


def import_spend(
    ws: Workspace,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    dry_run: bool = False,
    day_first: bool = True,
    decimal_comma: bool = False,
    source: str = "",
    progress: Any = None,
) -> SpendImportReport:
    """Validate every row through the ledger's rules; write all new rows or none.

    ``rows`` are ``(row_number, {field: text})`` with the mapping already applied
    (fields: entry_date, amount, payee, reference, line or channel, tool, brief, note,
    kind). ``progress(done, total)`` is called as rows are checked."""
    with _gc_paused():
        report = _check_import(
            ws,
            rows,
            day_first=day_first,
            decimal_comma=decimal_comma,
            source=source,
            progress=progress,
        )
    if dry_run or not report.pending:
        return report
    return commit_import(ws, report)


def _check_import(
    ws: Workspace,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    day_first: bool,
    decimal_comma: bool,
    source: str,
    progress: Any,
) -> SpendImportReport:
    """The dry run of :func:`import_spend`: every row checked, the new ones keyed and
    kept in ``pending`` when no row has a problem."""
    from mops_tui.domain.ledger_schema import EntryRowParser, ledger_context

    ctx = ledger_context(
        ws.context(), ws.fy_start, day_first=day_first, decimal_comma=decimal_comma
    )
    parse_row = EntryRowParser(ctx)  # one parser: each distinct text is parsed once
    today = ctx.today
    report = SpendImportReport()
    closed = closes(ws)
    line_cache: dict[tuple[Any, ...], Any] = {}
    # Each checked row's import key: ``occurrence`` counts identical rows within the file.
    occurrences: dict[str, int] = {}
    keyed: list[tuple[str, PreparedEntry]] = []
    materialised = list(rows)
    total = report.rows = len(materialised)
    for index, (number, raw) in enumerate(materialised, start=1):
        if "channel" in raw:  # a channel names the line when no line is given
            raw = dict(raw)
            channel = raw.pop("channel")
            if not raw.get("line") and channel:
                raw["line"] = channel
        values, errors = parse_row(raw, number)
        if errors:
            report.errors.extend(errors)
            continue
        entry, errors = _prepare(ws, values, number, closed, line_cache, today)
        if errors or entry is None:
            report.errors.extend(errors)
            continue
        line_id = entry.line.id
        identity = row_identity(values, line_id)
        occurrence = occurrences[identity] = occurrences.get(identity, 0) + 1
        keyed.append((import_key(values, line_id, occurrence, identity), entry))
        if progress is not None and index % 2000 == 0:
            progress(index, total)
    if progress is not None:
        progress(total, total)
    existing = q.existing_import_keys(ws.reader, [k for k, _e in keyed])
    new = [(k, e) for k, e in keyed if k not in existing]
    report.already = len(keyed) - len(new)
    report.to_add = len(new)
    report.amount_to_add = sum(e.values["amount"] for _k, e in new)
    report.source = source
    if report.errors or not new:
        return report
    report.pending = new
    return report


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import builds its rows.

    An import makes a few objects per row and keeps them all until it ends, so none is
    garbage, yet each collection walks every one of them: at 100,000 rows that is a
    quarter of the import's time. Reference counting still frees memory as usual.
    Afterwards the survivors go straight to the oldest generation (``freeze`` then
    ``unfreeze``), as repeated collections would have moved them, instead of being
    walked by the first young collection; cyclic garbage is still found by the next
    full collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@contextmanager
def _large_page_cache(connection: Any) -> Iterator[None]:
    """A bigger SQLite page cache while a batch is inserted, restored afterwards.

    Every row adds to each of the ledger's indexes at scattered places; with SQLite's
    default 2 MB cache the pages of a large batch spill to the WAL before the commit
    and are read back. Other databases (and drivers) are left alone."""
    if connection.dialect.driver != "pysqlite":
        yield
        return
    raw = connection.connection.driver_connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute("PRAGMA cache_size=-65536")  # up to 64 MiB, used only as pages are
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(before)}")


def _insert_rows(
    connection: Any, table: Any, columns: Sequence[str], rows: Iterable[list[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) into ``table``.

    Core's executemany, one statement per chunk (the ORM's bulk path splits rows by
    which optional columns they fill). On SQLite the rows go to the driver's
    executemany one by one as they are made, with the statement SQLAlchemy compiles
    and each value converted by the column type's own bind processor (once per
    distinct date): the same values in the same columns, without Core's per-row
    parameter handling, which at 100,000 rows costs half as much again as SQLite's
    own work. The rows (lists) are converted in place: they are the caller's scratch."""
    from sqlalchemy import insert

    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    order = list(compiled.positiontup or ())
    if (
        dialect.driver != "pysqlite"
        or dialect.paramstyle != "qmark"
        or len(order) < 2
        or sorted(order) != sorted(columns)
    ):
        pending = iter(rows)
        while chunk := [dict(zip(columns, row, strict=True)) for row in islice(pending, 5000)]:
            connection.execute(insert(table), chunk)
        return
    convert: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
    for index, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            convert.append((index, process, {}))
    reorder = (
        None if order == list(columns) else itemgetter(*(list(columns).index(n) for n in order))
    )

    def converted() -> Iterator[Sequence[Any]]:
        for row in rows:
            for index, process, done in convert:
                value = row[index]
                if value is not None:
                    text = done.get(value)
                    if text is None:
                        text = done[value] = process(value)
                    row[index] = text
            yield row if reorder is None else reorder(row)

    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(str(compiled), converted())
    finally:
        cursor.close()


def commit_import(ws: Workspace, report: SpendImportReport) -> SpendImportReport:
    """Write what a dry run of :func:`import_spend` found new, all or nothing.

    Inside the write it checks again that no month was closed and skips rows that
    someone else imported in the meantime (so a second import never duplicates)."""
    if report.errors:
        raise ValidationFailed(report.errors)
    if not report.pending:
        return report
    report.batch = hashlib.sha256(
        f"{ws.now().isoformat()}{report.source}{len(report.pending)}".encode()
    ).hexdigest()[:12]
    with _gc_paused():
        _write_import(ws, report.pending, report, report.source)
    report.written = True
    report.pending = []
    return report


def _write_import(
    ws: Workspace, new: list[tuple[str, PreparedEntry]], report: SpendImportReport, source: str
) -> None:
    from sqlalchemy import func, select

    from mops_tui.store.models import SpendEntry

    months = sorted({e.values["entry_date"].isoformat()[:7] for _k, e in new})
    import_key_column = SpendEntry.__table__.c.import_key
    with ws.transaction() as s:
        for month in months:
            _recheck_close(s, date.fromisoformat(month + "-01"))
        connection = s.connection()
        keys = [k for k, _e in new]
        taken: set[str] = set()
        stored = connection.scalar(select(func.count(import_key_column))) or 0
        if stored <= 4 * len(keys):  # one pass over the ledger's keys is cheaper
            wanted = set(keys)
            taken.update(
                k
                for k in connection.scalars(
                    select(import_key_column).where(import_key_column.is_not(None))
                )
                if k in wanted
            )
        else:
            for start in range(0, len(keys), 500):
                taken.update(
                    connection.scalars(
                        select(import_key_column).where(
                            import_key_column.in_(keys[start : start + 500])
                        )
                    )
                )
        if taken:
            new = [(k, e) for k, e in new if k not in taken]
            report.already += len(taken)
            report.to_add = len(new)
            report.amount_to_add = sum(e.values["amount"] for _k, e in new)
        # The import's rows as _row_for makes them, as lists made while they are written
        # (a dict per row is a third of the write's Python time); the rows of one
        # import share one moment.
        # Written in date order (stable, so a file's order holds within a day): the
        # date-led indexes then grow at their ends instead of splitting pages all over.
        new = sorted(new, key=lambda ke: ke[1].values["entry_date"])
        columns = (*_ENTRY_COLUMNS, "import_key", "import_batch", "created_at", "created_by")
        batch, created_at, actor = report.batch, ws.now(), ws.actor
        rows = ([*_entry_values(e), k, batch, created_at, actor] for k, e in new)
        with _large_page_cache(connection):
            _insert_rows(connection, SpendEntry.__table__, columns, rows)
        audit.record(
            s,
            ws,
            "import",
            0,
            "spend",
            f"imported {len(new)} spend entries "
            f"({format_money(report.amount_to_add, ws.currency)})"
            + (f" from {source}" if source else "")
            + (f"; {report.already} already in the ledger" if report.already else ""),
            after={"batch": report.batch, "rows": len(new), "source": source},
        )


# -- saved import profiles ---------------------------------------------------------


def save_profile(ws: Workspace, name: str, settings: Mapping[str, Any]) -> None:
    from mops_tui.store.models import ImportProfile

    clean = " ".join(name.split())
    if not clean or len(clean) > 60:
        raise ValidationFailed([FieldError("profile", "give the profile a short name")])
    with ws.transaction() as s:
        row = s.get(ImportProfile, clean)
        payload = json.dumps(dict(settings), ensure_ascii=False, sort_keys=True)
        before = None if row is None else json.loads(row.settings_json)
        if row is None:
            s.add(
                ImportProfile(
                    name=clean, settings_json=payload, updated_at=ws.now(), updated_by=ws.actor
                )
            )
        else:
            row.settings_json, row.updated_at, row.updated_by = payload, ws.now(), ws.actor
        audit.record(
            s,
            ws,
            "import_profile",
            0,
            "saved",
            f"saved import profile {clean}" + (" (replacing its settings)" if before else ""),
            before=before,
            after=dict(settings),
        )


def load_profile(ws: Workspace, name: str) -> dict[str, Any]:
    row = q.profile(ws.reader, name)
    if row is None:
        names = ", ".join(r["name"] for r in q.profiles(ws.reader)) or "none saved yet"
        raise ValidationFailed(
            [FieldError("profile", f"there is no import profile “{name}” (profiles: {names})")]
        )
    loaded: dict[str, Any] = json.loads(row["settings_json"])
    return loaded


def export_rows(ws: Workspace, query: str = "") -> list[dict[str, str]]:
    """The entries as CSV rows. ``line`` is the line's reference (``2026-Q4/events``),
    which ``mops spend import`` reads back."""
    refs = {ln.id: ln.ref for ln in lines(ws)}
    out = []
    for e in list_entries(ws, query):
        out.append(
            {
                "id": str(e.id),
                "date": e.entry_date.isoformat(),
                "amount": format_money(
                    e.amount, ws.currency, exact=True, symbol=False, grouping=False
                ),
                "kind": e.kind,
                "payee": e.payee,
                "line": refs.get(e.line_id, e.line_label),
                "line_id": str(e.line_id),
                "reference": e.reference,
                "tool": e.tool or "",
                "brief": "" if e.brief_id is None else str(e.brief_id),
                "reverses": "" if e.reverses_id is None else str(e.reverses_id),
                "corrects": "" if e.corrects_id is None else str(e.corrects_id),
                "note": e.note,
                "created_by": e.created_by,
            }
        )
    return out


def journal_entries(ws: Workspace, query: str = "") -> list[dict[str, Any]]:
    """The entries ``query`` matches, oldest first, with the channel and line name a
    plain-text accounting journal files them under (``mops spend export --format
    journal``; :mod:`mops_tui.formats.journal` writes them)."""
    by_line = {ln.id: ln for ln in lines(ws)}
    out = []
    for e in reversed(list_entries(ws, query)):
        ln = by_line.get(e.line_id)
        name = e.line_label
        if ln is not None:
            name = f"{ln.period} {ln.campaign}" if ln.campaign else ln.period
        out.append(
            {
                "id": e.id,
                "date": e.entry_date,
                "amount": e.amount,
                "payee": e.payee,
                "note": e.note,
                "reference": e.reference,
                "channel": ln.channel if ln is not None else "unplanned",
                "line": name,
                "reverses": e.reverses_id,
                "corrects": e.corrects_id,
            }
        )
    return out


EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "amount",
    "kind",
    "payee",
    "line",
    "line_id",
    "reference",
    "tool",
    "brief",
    "reverses",
    "corrects",
    "note",
    "created_by",
)
