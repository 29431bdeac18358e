"""A large ledger for trying mops at scale: ``mops demo --scale large``.

:func:`load_large` adds 100,000 spend entries over three fiscal years (the two the demo
plans and the one before), on top of the demo workspace. The budget lines for those
years come from the demo's plan (:func:`mops_tui.services.demo.plan_lines`); any that
are missing are created through :func:`mops_tui.services.ledger.create_line`, so they
are validated and audited like any other line.

The entries themselves take a bulk path: they are generated from lines that exist and
from dates inside those lines' periods, so nothing is validated row by row. They are
written with one multi-row ``INSERT`` per chunk inside a single transaction, with the
same derived columns the ledger service writes (``month``, ``search_key``) and one
audit entry that summarises the load.

Closed months are respected: no entry is dated inside a month that is closed when the
load runs. ``mops demo --scale large`` runs it before the demo closes its months (see
:func:`mops_tui.services.demo.load`), so every month of the three years gets entries;
run on its own over a demo that has already closed its months, it fills only the
months still open.

The generated amounts top each line up towards a share of its plan (so the reports
still show lines under, near and over plan) rather than adding a fixed amount per
entry. With the same ``seed``, today and fiscal-year start the load is identical on
every run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from mops_tui.domain import ledger as rules
from mops_tui.domain.ledger import Period
from mops_tui.domain.money import format_money
from mops_tui.domain.text import fold
from mops_tui.services import audit, ledger
from mops_tui.services.demo import DemoLine, Payee, line_rng, plan_lines, spend_share
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import stack as stack_q
from mops_tui.store.queries.ledger import LineView

CHUNK = 5000
YEARS = 3
MIN_AVERAGE = 100  # minor units: no line's generated invoices average below £1

Progress = Callable[[int, int], object]


def load_large(
    ws: Workspace,
    *,
    seed: int = 2026,
    entries: int = 100_000,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Add ``entries`` generated spend entries over the three fiscal years ending with
    today's, creating the demo's budget lines for those years where they are missing.

    Needs the demo's people (the lines' owners) and tools (the entries' tool links).
    ``progress(done, total)`` is called after each chunk is written. Returns how many
    budget lines were created and how many spend entries were added.
    """
    from sqlalchemy import insert

    from mops_tui.store.models import SpendEntry

    today = ws.today()
    current_fy = rules.fiscal_year_of(today, ws.fy_start)
    years = [current_fy - step for step in range(YEARS - 1, -1, -1)]
    targets, created = _lines(ws, years, current_fy, seed)
    closed = set(ledger.closes(ws))
    tool_ids = _tool_ids(ws, targets)

    plans = []
    for spec, p, line in targets:
        days = _open_days(p, today, closed)
        if spec.fixed is not None or not days:
            continue  # a subscription keeps its one invoice a period
        plans.append((spec, p, line, days, spec.per_period * len(days) / p.days))
    counts = _spread(entries, [weight for *_rest, weight in plans])

    rows: list[dict[str, Any]] = []
    now, actor = ws.now(), ws.actor
    for (spec, p, line, days, _weight), count in zip(plans, counts, strict=True):
        if count:
            rows.extend(_line_rows(spec, p, line, days, count, today, seed, tool_ids))
    _number(rows)
    folded: dict[str, str] = {}
    for row in rows:
        row["search_key"] = " ".join(
            part
            for part in (
                _fold(folded, row["payee"]),
                row["reference"].lower(),
                _fold(folded, row["note"]),
            )
            if part
        )
        row["created_at"], row["created_by"] = now, actor

    total = sum(row["amount"] for row in rows)
    first = rules.quarter_period(years[0], 1, ws.fy_start)
    with ws.transaction() as s:
        # Through the session's connection: a Core executemany of whole rows. (The
        # ORM's bulk path would split the rows into a statement per run of rows that
        # leave the same columns empty, thousands of them.)
        connection = s.connection()
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(SpendEntry), rows[start : start + CHUNK])
            if progress is not None:
                progress(min(start + CHUNK, len(rows)), len(rows))
        audit.record(
            s,
            ws,
            "import",
            0,
            "generated",
            f"generated {len(rows):,} spend entries "
            f"({format_money(total, ws.currency)}) from FY{years[0]} to FY{years[-1]} "
            f"for trying mops at scale" + (f"; created {created} budget lines" if created else ""),
            after={
                "seed": seed,
                "entries": len(rows),
                "from": first.starts_on,
                "to": today,
                "lines created": created,
            },
        )
    return {"budget lines": created, "spend entries": len(rows)}


# ---------------------------------------------------------------------------
# Lines and days
# ---------------------------------------------------------------------------


def _lines(
    ws: Workspace, years: list[int], current_fy: int, seed: int
) -> tuple[list[tuple[DemoLine, Period, LineView]], int]:
    """The demo's lines for ``years``: those that exist, and the rest created now."""
    existing = {(ln.period, ln.channel_key, fold(ln.campaign or "")): ln for ln in ledger.lines(ws)}
    out = []
    created = 0
    for fy in years:
        for spec, p, values in plan_lines(fy, ws.fy_start, current_fy, seed):
            line = existing.get((p.label, fold(spec.channel), fold(spec.campaign)))
            if line is None:
                line = ledger.create_line(ws, values)
                created += 1
            out.append((spec, p, line))
    return out, created


def _open_days(p: Period, today: date, closed: set[str]) -> list[date]:
    """The days of ``p`` up to today that fall in months still open."""
    days = []
    current = p.starts_on
    last = min(p.ends_on, today)
    while current <= last:
        if current.isoformat()[:7] not in closed:
            days.append(current)
        current += timedelta(days=1)
    return days


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, summing exactly to ``total``."""
    whole = sum(weights)
    if not weights or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _tool_ids(
    ws: Workspace, targets: list[tuple[DemoLine, Period, LineView]]
) -> dict[str, int | None]:
    names = {py.tool for spec, _p, _ln in targets for py in spec.payees if py.tool}
    out: dict[str, int | None] = {}
    for name in sorted(names):
        tool = stack_q.tool_by_name(ws.reader, name)
        out[name] = tool.id if tool else None
    return out


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


def _line_rows(
    spec: DemoLine,
    p: Period,
    line: LineView,
    days: list[date],
    count: int,
    today: date,
    seed: int,
    tool_ids: dict[str, int | None],
) -> list[dict[str, Any]]:
    """``count`` invoices for one line, topping its actual up towards a share of plan
    that is earned by today (at least £1 an invoice on average)."""
    rng = line_rng(seed, "scale", spec, p)
    elapsed = p.elapsed_days(today) / p.days
    target = round(line.planned * spend_share(rng) * elapsed)
    budget = max(target - line.actual, count * MIN_AVERAGE)
    payees = spec.payees
    weights = [py.share for py in payees]
    retired = {py.name: today - timedelta(days=py.until) for py in payees if py.until is not None}
    still_paid = [py for py in payees if py.until is None] or list(payees)
    drafts: list[tuple[date, Payee, float]] = []
    for _ in range(count):
        on = rng.choice(days)
        payee = rng.choices(payees, weights=weights)[0]
        if payee.name in retired and on > retired[payee.name]:
            payee = rng.choice(still_paid)
        drafts.append((on, payee, payee.size * rng.uniform(0.6, 1.4)))
    whole = sum(w for _on, _py, w in drafts)
    rows = []
    for on, payee, weight in drafts:
        minor = budget * weight / whole
        amount = max(100, round(minor / 100) * 100) if payee.whole else max(1, round(minor))
        note = rng.choice(payee.notes) if payee.notes and rng.random() < 0.5 else ""
        rows.append(
            {
                "entry_date": on,
                "month": on.isoformat()[:7],
                "amount": amount,
                "kind": "spend",
                "payee": payee.name,
                "reference": payee.ref,  # the kind for now; numbered in date order
                "note": note,
                "line_id": line.id,
                # As the service does: spend on a tool's line counts against that tool.
                "tool_id": (tool_ids.get(payee.tool) if payee.tool else None) or line.tool_id,
                "brief_id": None,
                "reverses_id": None,
                "corrects_id": None,
                "import_key": None,
                "import_batch": None,
            }
        )
    return rows


def _number(rows: list[dict[str, Any]]) -> None:
    """References in date order, in ranges the demo's own invoices never reach:
    INV-2026-10001 and PO-200001."""
    rows.sort(key=lambda r: (r["entry_date"], r["line_id"]))
    invoices: dict[int, int] = {}
    po = 200_000
    for row in rows:
        kind = row["reference"]
        if kind == "inv":
            year = row["entry_date"].year
            invoices[year] = invoices.get(year, 10_000) + 1
            row["reference"] = f"INV-{year}-{invoices[year]}"
        elif kind == "po":
            po += 1
            row["reference"] = f"PO-{po}"
        else:
            row["reference"] = ""


def _fold(cache: dict[str, str], text: str) -> str:
    found = cache.get(text)
    if found is None:
        found = cache[text] = fold(text)
    return found
