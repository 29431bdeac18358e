"""The large workspace for trying mops at scale: ``mops demo --scale large``.

:func:`load_large` tops the demo workspace up to the totals of a :class:`Scale`:
:data:`LARGE` is what issue 7 asks for (1,000 tools, 300 KPIs, 10,000 briefs, 100,000
spend entries over three fiscal years, and at least 5,000 audit entries). Counts are
totals: what the demo already holds counts towards them.

Spend (:func:`load_spend`). The budget lines for the three fiscal years (the two the
demo plans and the one before) come from the demo's plan
(:func:`mops_tui.services.demo.plan_lines`); any that are missing are created through
:func:`mops_tui.services.ledger.create_line`, so they are validated and audited like any
other line. The entries are generated from lines that exist and from dates inside those
lines' periods, with the same derived columns the ledger service writes (``month``,
``search_key``) and one audit entry that summarises the load. Closed months are
respected: no entry is dated inside a month that is closed when the load runs.
``mops demo --scale large`` runs it before the demo closes its months (see
:func:`mops_tui.services.demo.load`), so every month of the three years gets entries.
The generated amounts top each line up towards a share of its plan (so the reports
still show lines under, near and over plan) rather than adding a fixed amount per
entry.

Tools, KPIs and briefs (:func:`load_records`). Each record gets a history over the three
years, told as the steps a person would take in mops: a tool is added (evaluating or
active), adopted, renewed and reviewed, then perhaps put under review, decommissioned or
retired; a KPI is defined, activated, changes meaning (a new version) and may be
deprecated for a successor; a brief is drafted, submitted, perhaps returned and fixed,
assigned an owner, approved, started on its launch day and finished with its result, or
cancelled with a reason at any open stage. The history is replayed through the same
rules the services apply, at the moment of each step: the input schemas
(``validate_tool``, ``validate_kpi``, ``validate_brief``), the lifecycle rules
(``transition_errors``, ``activation_needs``, the brief guards of
:data:`mops_tui.domain.briefs.MOVES`), and the services' own helpers for the derived
columns (``_apply``: search keys, name keys, cancel-by dates) and for the audit log's
snapshots and summaries. A step the rules would refuse stops the load with the
refusal: the generator has a bug.

What the services would write for each step is written: the record as it ends up
(``version`` counts its changes; ``updated_at`` and ``updated_by`` are its last step),
every KPI version, every brief transition, and one audit entry per step, at the moment
and by the person of that step. The rows go in with one multi-row ``INSERT`` per chunk
in a single transaction. Every record has its creation in the audit log (``mops
check``'s audit-gap rule), so the audit log ends up far above 5,000 entries; when it
would still be short of the scale's ``audit`` total (small scales), more tool reviews
(an edit of ``last reviewed``) are added to the generated tools' histories.

With the same ``seed``, today and fiscal-year start the workspace is identical on every
run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from mops_tui.domain import briefs as brief_rules
from mops_tui.domain import kpis as kpi_rules
from mops_tui.domain import ledger as rules
from mops_tui.domain import tools as tool_rules
from mops_tui.domain.briefs import BriefLike, BriefPolicy, MoveContext
from mops_tui.domain.context import Context
from mops_tui.domain.dates import add_working_days, years_ago
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.ledger import Period
from mops_tui.domain.money import exponent, format_money
from mops_tui.domain.text import fold, key_of
from mops_tui.services import audit, briefs, kpis, ledger, stack
from mops_tui.services.demo import DemoLine, Payee, line_rng, plan_lines, spend_share
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import stack as stack_q
from mops_tui.store.queries.ledger import LineView

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table
    from sqlalchemy.orm import Session

CHUNK = 5000
YEARS = 3
MIN_AVERAGE = 100  # minor units: no line's generated invoices average below £1

Progress = Callable[[int, int], object]


@dataclass(frozen=True)
class Scale:
    """The totals a workspace holds once :func:`load_large` has run: it tops up what
    is there. ``audit`` is a floor: every generated record brings its own history."""

    tools: int
    kpis: int
    briefs: int
    entries: int  # spend entries
    audit: int


LARGE = Scale(tools=1_000, kpis=300, briefs=10_000, entries=100_000, audit=5_000)
# A little of everything on top of the demo, for tests and the benchmark's smoke run:
# builds in about a second.
TINY = Scale(tools=60, kpis=35, briefs=400, entries=3_000, audit=4_000)
# By the name ``mops demo --scale`` takes.
SCALES: dict[str, Scale] = {"large": LARGE, "tiny": TINY}


def load_large(
    ws: Workspace,
    scale: Scale = LARGE,
    *,
    seed: int = 2026,
    pending_entries: int = 0,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Top the workspace up to ``scale``: spend entries (and the budget lines of three
    fiscal years), then tools, KPIs and briefs with their histories.

    Needs the demo's people, tools and plan. ``pending_entries`` is how many spend
    entries the caller will still add once this returns (they count towards
    ``scale.entries``). Returns how many of each were added, and the audit log's total.
    """
    present = int(ws.reader.scalar("SELECT COUNT(*) FROM spend_entries") or 0)
    entries = max(0, scale.entries - present - pending_entries)
    counts = load_spend(ws, seed=seed, entries=entries, progress=progress)
    counts.update(load_records(ws, scale, seed=seed))
    return counts


# ---------------------------------------------------------------------------
# Spend
# ---------------------------------------------------------------------------


def load_spend(
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
    if not rows:
        return {"budget lines": created, "spend entries": 0}
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


# ---------------------------------------------------------------------------
# Tools, KPIs and briefs
# ---------------------------------------------------------------------------


def load_records(ws: Workspace, scale: Scale, *, seed: int = 2026) -> dict[str, int]:
    """Top tools, KPIs and briefs up to ``scale``, each with its history, in one
    transaction; then add tool reviews until the audit log holds ``scale.audit``
    entries. Returns how many tools, KPIs, briefs and audit entries were added."""
    from sqlalchemy import bindparam, func, select, update

    from mops_tui.store.models import (
        AuditEntry,
        Brief,
        BriefTransition,
        Kpi,
        KpiVersionRow,
        Tool,
    )

    with ws.transaction() as s:
        conn = s.connection()
        w = _world(s, ws)

        def count(model: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

        tool_plans = _plan_tools(random.Random(f"{seed} tools"), w, scale.tools - count(Tool))
        sources = w.tools + [p.source() for p in tool_plans]
        kpi_plans = _plan_kpis(random.Random(f"{seed} kpis"), w, scale.kpis - count(Kpi), sources)
        refs = w.kpis + [p.ref() for p in kpi_plans]
        brief_plans = _plan_briefs(
            random.Random(f"{seed} briefs"), w, scale.briefs - count(Brief), refs
        )
        steps = sum(1 + len(p.steps) for p in tool_plans)
        steps += sum(1 + len(p.steps) for p in kpi_plans)
        steps += sum(1 + len(p.steps) for p in brief_plans)
        short = scale.audit - count(AuditEntry) - steps
        _add_reviews(random.Random(f"{seed} reviews"), w, tool_plans, short)

        log: list[_Logged] = []
        by_source = {src.name: src for src in sources}

        # Tools, in the order they were added.
        tool_plans.sort(key=lambda p: p.created)
        replayed = [_replay_tool(p, w) for p in tool_plans]
        new_ids = _insert(conn, _table(Tool), [row for row, _entries in replayed])
        tool_ids = dict(w.tool_ids)
        for plan, (_row, entries), new_id in zip(tool_plans, replayed, new_ids, strict=True):
            tool_ids[plan.raw["name"]] = new_id
            log.extend(_Logged(e, "tool", new_id) for e in entries)

        # KPIs, their versions, and the successors of the deprecated ones.
        kpi_plans.sort(key=lambda p: p.created)
        by_key = {ref.key: ref for ref in refs}
        kpi_replayed = [_replay_kpi(p, w, tool_ids, by_source, by_key) for p in kpi_plans]
        new_ids = _insert(conn, _table(Kpi), [r.row for r in kpi_replayed])
        kpi_ids = dict(w.kpi_ids)
        for r, new_id in zip(kpi_replayed, new_ids, strict=True):
            kpi_ids[r.row["key"]] = new_id
            log.extend(_Logged(e, "kpi", new_id) for e in r.entries)
        links = [
            {"kid": kpi_ids[r.row["key"]], "sid": kpi_ids[r.successor]}
            for r in kpi_replayed
            if r.successor
        ]
        if links:
            conn.execute(
                update(_table(Kpi))
                .where(_table(Kpi).c.id == bindparam("kid"))
                .values(successor_id=bindparam("sid")),
                links,
            )
        _insert(
            conn,
            _table(KpiVersionRow),
            [{**v, "kpi_id": kpi_ids[r.row["key"]]} for r in kpi_replayed for v in r.versions],
            returning=False,
        )

        # Briefs and their transitions.
        brief_plans.sort(key=lambda p: p.created)
        brief_replayed = [_replay_brief(p, w, kpi_ids) for p in brief_plans]
        new_ids = _insert(conn, _table(Brief), [r.row for r in brief_replayed])
        transitions: list[dict[str, Any]] = []
        for b, new_id in zip(brief_replayed, new_ids, strict=True):
            transitions.extend({**t, "brief_id": new_id} for t in b.transitions)
            created, *moves = b.entries
            created.summary = f"drafted #{new_id} {b.row['title']}"
            log.extend(_Logged(e, "brief", new_id) for e in (created, *moves))
        _insert(conn, _table(BriefTransition), transitions, returning=False)

        # The audit log, in time order.
        log.sort(key=lambda item: item.entry.at)
        _insert(conn, _table(AuditEntry), [item.row() for item in log], returning=False)
        total = count(AuditEntry)
    return {
        "tools": len(tool_plans),
        "kpis": len(kpi_plans),
        "briefs": len(brief_plans),
        "audit entries": len(log),
        "audit total": total,
    }


def _insert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], *, returning: bool = True
) -> list[int]:
    """Insert ``rows`` in chunks; the new ids, in the order of ``rows``."""
    from sqlalchemy import insert

    ids: list[int] = []
    stmt = insert(table)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning:
            result = conn.execute(stmt.returning(table.c.id, sort_by_parameter_order=True), chunk)
            ids.extend(result.scalars().all())
        else:
            conn.execute(stmt, chunk)
    return ids


def _table(model: Any) -> Table:
    return cast("Table", model.__table__)


def _columns(record: Any, table: Table) -> dict[str, Any]:
    """A transient ORM object's values, as a row for a Core insert (without its id)."""
    return {c.name: getattr(record, c.key) for c in table.columns if c.name != "id"}


# ---------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------


def _moment(rng: random.Random, day: date) -> datetime:
    """A moment in working hours on ``day`` (on the next working day at a weekend)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(540))


def _after(rng: random.Random, t: datetime, low: int, high: int) -> datetime:
    """A moment ``low`` to ``high`` working days after ``t``, and later than ``t``."""
    at = _moment(rng, add_working_days(t.date(), rng.randint(low, high)))
    return at if at > t else t + timedelta(minutes=rng.randint(4, 50))


def _between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    """A moment after ``low`` and, when the window allows, no later than ``high``."""
    span = max((high.date() - low.date()).days, 1)
    for _ in range(6):
        at = _moment(rng, low.date() + timedelta(days=rng.randint(1, span)))
        if low < at <= high:
            return at
    return low + timedelta(minutes=rng.randint(5, 60))


def _day_in(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max((high - low).days, 0)))


# ---------------------------------------------------------------------------
# What the workspace holds already
# ---------------------------------------------------------------------------

_OK_FOR_ACTIVE = kpi_rules.SOURCE_OK_FOR_ACTIVE


@dataclass(frozen=True)
class _Source:
    """A tool as a KPI's data source: its status at any moment of its history."""

    name: str
    category: str
    status: str  # as it ends up
    created: datetime
    active_from: datetime | None = None  # in service (active, then perhaps under review)
    until: datetime | None = None  # out of service (decommissioning or retired) from

    def status_at(self, t: datetime) -> str | None:
        if t < self.created:
            return None
        if self.until is not None and t >= self.until:
            return self.status
        if self.active_from is not None and t >= self.active_from:
            return "active"
        return "evaluating"


@dataclass(frozen=True)
class _KpiRef:
    """A KPI a brief may name: its status at any moment of its history."""

    key: str
    kind: str
    label: str
    status: str  # as it ends up
    created: datetime
    active_from: datetime | None
    deprecated_at: datetime | None
    metric: _Metric | None = None

    def status_at(self, t: datetime) -> str | None:
        if t < self.created:
            return None
        if self.deprecated_at is not None and t >= self.deprecated_at:
            return "deprecated"
        if self.active_from is not None and t >= self.active_from:
            return "active"
        return "draft"


@dataclass(frozen=True)
class _Line:
    id: int
    starts_on: date
    ends_on: date
    month: bool


@dataclass
class _World:
    today: date
    start: date  # the first day of the first generated fiscal year
    latest: datetime  # no generated step is later
    currency: str
    people: dict[str, int]  # handle -> id
    handles: list[str]
    ops: str  # who runs marketing operations: the usual actor
    approvers: list[str]
    tool_keys: set[str]
    tool_ids: dict[str, int]
    tools: list[_Source]  # the tools a KPI may draw from
    kpi_keys: set[str]
    kpi_ids: dict[str, int]
    kpis: list[_KpiRef]  # the KPIs a brief may name
    lines: dict[str, list[_Line]]  # campaign-less lines by channel key

    def line_for(self, channel: str, on: date | None) -> _Line | None:
        if on is None:
            return None
        found = [ln for ln in self.lines.get(fold(channel), []) if ln.starts_on <= on <= ln.ends_on]
        found.sort(key=lambda ln: (not ln.month, ln.id))
        return found[0] if found else None

    def context(self, t: datetime) -> Context:
        return Context(today=t.date(), currency=self.currency)

    def owner_for(self, rng: random.Random, category: str) -> str:
        options = [h for h in _OWNERS.get(category, ()) if h in self.people]
        return rng.choice(options or self.handles)


def _world(s: Session, ws: Workspace) -> _World:
    from sqlalchemy import func, select

    from mops_tui.store.models import BudgetLine, Kpi, KpiVersionRow, Person, Tool

    today = ws.today()
    fy = rules.fiscal_year_of(today, ws.fy_start)
    start = rules.quarter_period(fy - (YEARS - 1), 1, ws.fy_start).starts_on
    latest = datetime.combine(add_working_days(today, -1), time(18))
    people = {
        handle: pid
        for pid, handle in s.execute(
            select(Person.id, Person.handle).where(Person.active.is_(True)).order_by(Person.id)
        )
    }
    if not people:
        raise ValidationFailed(
            [FieldError("people", "the large workspace needs the demo's people; load the demo")]
        )
    handles = list(people)
    # Tools the demo added are taken to have been in service all along.
    long_ago = datetime.combine(start - timedelta(days=3 * 365), time(9))
    tools: list[_Source] = []
    tool_ids: dict[str, int] = {}
    for tid, name, category, status in s.execute(
        select(Tool.id, Tool.name, Tool.category, Tool.status).order_by(Tool.id)
    ):
        tool_ids[name] = tid
        if status in ("evaluating", *_OK_FOR_ACTIVE):
            active = long_ago if status in _OK_FOR_ACTIVE else None
            tools.append(_Source(name, category, status, long_ago, active))
    first_version = dict(
        s.execute(
            select(KpiVersionRow.kpi_id, func.min(KpiVersionRow.effective_on)).group_by(
                KpiVersionRow.kpi_id
            )
        ).all()
    )
    refs: list[_KpiRef] = []
    kpi_ids: dict[str, int] = {}
    for kid, key, kind, label, status, created_at, updated_at in s.execute(
        select(
            Kpi.id, Kpi.key, Kpi.kind, Kpi.label, Kpi.status, Kpi.created_at, Kpi.updated_at
        ).order_by(Kpi.id)
    ):
        kpi_ids[key] = kid
        # A demo KPI counts from its first version's date (it was defined before).
        effective = first_version.get(kid)
        active = datetime.combine(effective, time(9)) if effective else None
        gone = updated_at if status == "deprecated" else None
        refs.append(_KpiRef(key, kind, label, status, active or created_at, active, gone))
    lines: dict[str, list[_Line]] = {}
    for lid, channel_key, kind, starts_on, ends_on in s.execute(
        select(
            BudgetLine.id,
            BudgetLine.channel_key,
            BudgetLine.period_kind,
            BudgetLine.starts_on,
            BudgetLine.ends_on,
        )
        .where(BudgetLine.campaign_key == "")
        .order_by(BudgetLine.id)
    ):
        lines.setdefault(channel_key, []).append(_Line(lid, starts_on, ends_on, kind == "month"))
    ops = "ana" if "ana" in people else handles[0]
    return _World(
        today=today,
        start=start,
        latest=latest,
        currency=ws.currency,
        people=people,
        handles=handles,
        ops=ops,
        approvers=[h for h in ("ana", "ben", "grace") if h in people] or handles,
        tool_keys={key_of(name) for name in tool_ids},
        tool_ids=tool_ids,
        tools=tools,
        kpi_keys=set(kpi_ids),
        kpi_ids=kpi_ids,
        kpis=refs,
        lines=lines,
    )


# ---------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------


@dataclass
class _Step:
    """One thing a person did to a record: an edit, or a move with what it asks for."""

    at: datetime
    actor: str
    action: str
    values: dict[str, Any] = field(default_factory=dict)  # as typed into the form
    options: dict[str, Any] = field(default_factory=dict)  # effective date, change note


@dataclass
class _Entry:
    """An audit entry as the service writes it, before the record has its id."""

    at: datetime
    actor: str
    action: str
    summary: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass
class _Logged:
    entry: _Entry
    entity: str
    entity_id: int

    def row(self) -> dict[str, Any]:
        e = self.entry
        return {
            "at": e.at,
            "actor": e.actor,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "action": e.action,
            "summary": e.summary,
            "before_json": audit.dumps(e.before),
            "after_json": audit.dumps(e.after),
        }


def _refused(what: str, t: datetime, errors: Sequence[FieldError]) -> ValidationFailed:
    """A step the rules refuse: the generator planned something mops would not allow."""
    return ValidationFailed(
        [FieldError(e.field, f"{what} on {t:%Y-%m-%d %H:%M}: {e.message}") for e in errors]
    )


# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------

_ROOTS: tuple[str, ...] = (
    "Acorn", "Alder", "Amberly", "Apex", "Arcadia", "Aster", "Atlas", "Aurora", "Beacon",
    "Birch", "Bluebird", "Bramble", "Brightlane", "Cadence", "Calico", "Canopy", "Cedar",
    "Cinder", "Clearview", "Cobalt", "Comet", "Copperleaf", "Corvid", "Crescent", "Dapple",
    "Deltaway", "Ember", "Evergreen", "Fathom", "Fennel", "Fieldstone", "Finch", "Flint",
    "Foxglove", "Gable", "Glimmer", "Granite", "Harbor", "Hazel", "Heron", "Hollow",
    "Indigo", "Iris", "Juniper", "Kestrel", "Keystone", "Lantern", "Larch", "Lumen", "Lynx",
    "Maple", "Meridian", "Mosaic", "Nimbus", "Northbeam", "Oakmoss", "Onyx", "Orbit",
    "Osprey", "Pebble", "Pinnacle", "Prism", "Quartz", "Quill", "Raven", "Redwood",
    "Ripple", "Saffron", "Sable", "Sequoia", "Signalry", "Skylark", "Slate", "Sorrel",
    "Sparrow", "Summit", "Tamarind", "Tandem", "Thistle", "Tidal", "Umber", "Vantage",
    "Verdant", "Vertex", "Wren", "Yarrow", "Zephyr",
)  # fmt: skip
_VENDOR_SUFFIXES = ("", "", " Inc.", " Ltd", " Labs", " Software", " Technologies", " GmbH")
_TLDS = ("com", "com", "com", "io", "io", "co", "app", "co.uk", "de")
_EDITIONS = ("", "", "", "", " Pro", " Cloud", " Enterprise", " Hub", " 360", " Plus", " One")

_PRODUCTS: dict[str, tuple[str, ...]] = {
    "CRM": ("CRM", "Pipeline", "Accounts", "Deals"),
    "Marketing automation": ("Nurture", "Journeys", "Automate", "Flows"),
    "Email": ("Mail", "Send", "Inbox", "Newsletters"),
    "Analytics": ("Analytics", "Insights", "Metrics", "Dashboards"),
    "Advertising": ("Ads", "Bidder", "Media", "Reach"),
    "SEO": ("SEO", "Rank", "Crawl", "Keywords"),
    "Social": ("Social", "Listen", "Buzz", "Posts"),
    "Content & CMS": ("CMS", "Pages", "Publish", "Content"),
    "Data & CDP": ("CDP", "Data", "Sync", "Identity"),
    "Experimentation & CRO": ("Experiments", "Optimize", "Split", "Heatmaps"),
    "Events & webinars": ("Events", "Webinars", "Live", "Stage"),
    "Sales enablement": ("Enable", "Decks", "Sequences", "Coach"),
    "Research & reviews": ("Reviews", "Surveys", "Panel", "Voice"),
    "Design & creative": ("Design", "Studio", "Assets", "Canvas"),
    "Collaboration": ("Boards", "Docs", "Chat", "Tasks"),
    "Other": ("Forms", "Scheduler", "Links", "Translate"),
}
_CATEGORY_WEIGHTS: dict[str, int] = {
    "CRM": 3,
    "Marketing automation": 4,
    "Email": 5,
    "Analytics": 10,
    "Advertising": 8,
    "SEO": 6,
    "Social": 6,
    "Content & CMS": 8,
    "Data & CDP": 6,
    "Experimentation & CRO": 5,
    "Events & webinars": 6,
    "Sales enablement": 5,
    "Research & reviews": 5,
    "Design & creative": 6,
    "Collaboration": 8,
    "Other": 9,
}
_OWNERS: dict[str, tuple[str, ...]] = {
    "CRM": ("farid", "ana"),
    "Marketing automation": ("ana", "ben"),
    "Email": ("ben", "ana"),
    "Analytics": ("elif", "ana"),
    "Advertising": ("ben",),
    "SEO": ("dev", "chloe"),
    "Social": ("grace", "chloe", "ben"),
    "Content & CMS": ("chloe", "dev"),
    "Data & CDP": ("elif", "ana"),
    "Experimentation & CRO": ("dev", "elif"),
    "Events & webinars": ("hiro", "ben"),
    "Sales enablement": ("farid",),
    "Research & reviews": ("elif", "grace"),
    "Design & creative": ("grace", "chloe"),
    "Collaboration": ("ana", "dev", "hiro"),
    "Other": ("ana", "dev", "hiro", "grace"),
}
# The share of each category's tools that hold personal data.
_PERSONAL: dict[str, float] = {
    "CRM": 0.95,
    "Marketing automation": 0.9,
    "Email": 0.9,
    "Data & CDP": 0.85,
    "Events & webinars": 0.8,
    "Sales enablement": 0.6,
    "Research & reviews": 0.5,
}
# Annual cost in pounds: the range a tool of each category costs.
_COSTS: dict[str, tuple[int, int]] = {
    "CRM": (20_000, 150_000),
    "Marketing automation": (8_000, 80_000),
    "Email": (1_000, 30_000),
    "Analytics": (0, 60_000),
    "Advertising": (0, 25_000),
    "SEO": (1_000, 20_000),
    "Social": (1_000, 25_000),
    "Content & CMS": (2_000, 60_000),
    "Data & CDP": (10_000, 120_000),
    "Experimentation & CRO": (3_000, 50_000),
    "Events & webinars": (2_000, 40_000),
    "Sales enablement": (5_000, 60_000),
    "Research & reviews": (2_000, 40_000),
    "Design & creative": (500, 15_000),
    "Collaboration": (500, 30_000),
    "Other": (0, 10_000),
}
_SEGMENTS = (
    "EMEA",
    "North America",
    "APAC",
    "the UK",
    "DACH",
    "the Nordics",
    "enterprise",
    "mid-market",
    "SMB",
    "partner",
)
_TEAMS = ("Marketing Ops", "Demand Gen", "Content", "Web", "Analytics", "Sales Ops", "Brand")
_PURPOSES: dict[str, tuple[str, ...]] = {
    "CRM": (
        "Keeps the {segment} accounts and opportunities that pipeline is reported from.",
        "The partner team's deal registrations and their follow-up.",
    ),
    "Marketing automation": (
        "Runs nurture programmes and lead scoring for {segment} inbound leads.",
        "Trial onboarding journeys and the hand-off to sales development.",
    ),
    "Email": (
        "Sends the monthly newsletter and product announcements to {segment} customers.",
        "Transactional and event emails the {team} team sends outside the main platform.",
    ),
    "Analytics": (
        "Dashboards the {team} team uses for the weekly funnel review.",
        "Product usage analytics behind the trial and onboarding KPIs.",
        "Attribution reporting across paid channels for {segment}.",
    ),
    "Advertising": (
        "Buys and reports paid media for {segment} campaigns.",
        "Manages bids and budgets across search and social ad accounts.",
    ),
    "SEO": (
        "Keyword research and rank tracking for the website and the blog.",
        "Technical site audits the {team} team fixes from each sprint.",
    ),
    "Social": (
        "Schedules and reports the company's social channels in {segment}.",
        "Social listening for brand mentions and competitor launches.",
    ),
    "Content & CMS": (
        "Hosts the {segment} landing pages and the resource library.",
        "Editorial workflow for guides, case studies and the blog.",
    ),
    "Data & CDP": (
        "Unifies web, product and CRM data into one profile per contact.",
        "Syncs warehouse audiences to the ad platforms and the CRM.",
    ),
    "Experimentation & CRO": (
        "A/B tests on the pricing and sign-up pages.",
        "Heatmaps and session recordings for the {team} team's page reviews.",
    ),
    "Events & webinars": (
        "Registration and badges for {segment} field events.",
        "Hosts the webinar programme and sends attendance to the CRM.",
    ),
    "Sales enablement": (
        "Keeps the sales decks and one-pagers reps send to {segment} prospects.",
        "Outbound sequences for the sales development team.",
    ),
    "Research & reviews": (
        "Customer surveys and the quarterly NPS programme.",
        "Review-site profiles and the leads they send us.",
    ),
    "Design & creative": (
        "Templates and brand assets for the {team} team.",
        "Ad creative and social graphics produced in-house.",
    ),
    "Collaboration": (
        "Campaign plans, briefs and approvals for the {team} team.",
        "Shared docs and the marketing wiki.",
    ),
    "Other": (
        "Forms and scheduling links on the {segment} pages.",
        "Translation of web pages and emails for local markets.",
    ),
}
_NOTES = (
    "",
    "",
    "",
    "Invoices come through the vendor portal; finance has the login.",
    "Admin login is in the team vault.",
    "Priced per contact above 10,000.",
    "SSO through the company identity provider.",
    "Two-year term negotiated at 15% off list.",
)
_REVIEW_REASONS = (
    "Usage has dropped since the team moved to {other}.",
    "The renewal quote is up 20%; checking alternatives.",
    "Overlaps with what {other} already does.",
    "Only a handful of seats log in each month.",
)
_DECOMMISSION_REASONS = (
    "Replaced by {other}; the contract runs out at renewal.",
    "Consolidating onto {other}.",
    "No owner left after the team changed; not renewing.",
)
_RETIRE_REASONS = (
    "Contract ended; data exported and accounts closed.",
    "Replaced by {other}.",
    "Merged into {other} after the vendor consolidation.",
)
_TRIAL_REASONS = (
    "Trial ended; not adopted.",
    "Security review failed: no single sign-on on the tier we could afford.",
    "Too close to what {other} already does.",
)


@dataclass
class _ToolPlan:
    raw: dict[str, Any]  # as typed into the add-tool form
    created: datetime
    actor: str
    category: str
    active_from: datetime | None = None
    until: datetime | None = None
    steps: list[_Step] = field(default_factory=list)
    reviews: set[date] = field(default_factory=set)  # dates a step set as last reviewed

    @property
    def status(self) -> str:
        moves = [s.values["status"] for s in self.steps if s.action == "move"]
        return moves[-1] if moves else str(self.raw["status"])

    def source(self) -> _Source:
        return _Source(
            self.raw["name"],
            self.category,
            self.status,
            self.created,
            self.active_from,
            self.until,
        )


def _price(pounds: float) -> int:
    if pounds < 1_000:
        return int(round(pounds / 10) * 10)
    if pounds < 10_000:
        return int(round(pounds / 100) * 100)
    return int(round(pounds / 500) * 500)


def _cost(rng: random.Random, category: str) -> int:
    low, high = _COSTS[category]
    if low == 0 and rng.random() < 0.15:
        return 0  # free tier
    return _price(max(low, 300) * (high / max(low, 300)) ** rng.random())


def _plan_tools(rng: random.Random, w: _World, count: int) -> list[_ToolPlan]:
    vendors = {root: root + rng.choice(_VENDOR_SUFFIXES) for root in _ROOTS}
    categories = list(_CATEGORY_WEIGHTS)
    weights = list(_CATEGORY_WEIGHTS.values())
    names = [src.name for src in w.tools]
    plans: list[_ToolPlan] = []
    tries = 0
    while len(plans) < count:
        tries += 1
        if tries > 50 * count:
            raise ValueError(f"ran out of tool names after {len(plans)}")
        category = rng.choices(categories, weights)[0]
        root = rng.choice(_ROOTS)
        word = rng.choice(_PRODUCTS[category])
        joined = rng.random() < 0.3 and word.isalpha()
        name = (f"{root}{word.lower()}" if joined else f"{root} {word}") + rng.choice(_EDITIONS)
        if key_of(name) in w.tool_keys:
            continue
        w.tool_keys.add(key_of(name))
        site = f"{root}{word if joined or rng.random() < 0.5 else ''}".lower()
        website = f"{site}.{rng.choice(_TLDS)}"
        plans.append(_plan_tool(rng, w, name, vendors[root], category, website, names))
        names.append(name)
    return plans


def _plan_tool(
    rng: random.Random,
    w: _World,
    name: str,
    vendor: str,
    category: str,
    website: str,
    others: list[str],
) -> _ToolPlan:
    """One tool's story: added, perhaps adopted later, renewed and reviewed each year,
    and perhaps put under review, decommissioned or retired."""
    status = rng.choices(
        ("active", "under_review", "decommissioning", "evaluating", "retired"), (58, 7, 5, 10, 20)
    )[0]
    owner = w.owner_for(rng, category)
    actor = owner if rng.random() < 0.6 else w.ops
    cost = _cost(rng, category)
    personal = rng.random() < _PERSONAL.get(category, 0.2)
    region = rng.choices(("EU", "UK", "US", "EEA", "Global"), (40, 25, 20, 8, 7))[0]
    bought = (
        rng.choice((3, 5, 5, 10, 10, 15, 20, 25, 40, 50, 75, 100, 150))
        if rng.random() < 0.6
        else None
    )
    used = max(1, round(bought * rng.uniform(0.35, 1.0))) if bought else None
    segment, team = rng.choice(_SEGMENTS), rng.choice(_TEAMS)
    raw: dict[str, Any] = {
        "name": name,
        "vendor": vendor,
        "category": category,
        "owner": owner,
        "purpose": rng.choice(_PURPOSES[category]).format(segment=segment, team=team),
        "status": "evaluating",
        "annual_cost": None,
        "billing_cycle": rng.choices(
            ("monthly", "quarterly", "annual", "multi_year"), (25, 8, 60, 7)
        )[0],
        "renewal_date": None,
        "auto_renew": rng.random() < 0.85,
        "notice_days": rng.choice((30, 30, 30, 60, 60, 90, 14, 0)),
        "seats_bought": None,
        "seats_used": None,
        "holds_personal_data": personal,
        "dpa_signed_on": None,
        "data_region": None,
        "last_reviewed_on": None,
        "website": website,
        "notes": rng.choice(_NOTES),
    }

    def other() -> str:
        return rng.choice(others) if others else "the main platform"

    if status == "evaluating":
        created = _moment(rng, _day_in(rng, w.today - timedelta(days=150), w.latest.date()))
        if created > w.latest:
            created = w.latest - timedelta(hours=rng.randint(2, 8))
        if rng.random() < 0.6:
            raw["annual_cost"] = str(cost)  # the vendor's quote
        if personal and rng.random() < 0.5:
            raw["dpa_signed_on"] = created.date().isoformat()
            raw["data_region"] = region
        return _ToolPlan(raw, created, actor, category)

    created = _moment(
        rng, _day_in(rng, w.start - timedelta(days=240), w.today - timedelta(days=200))
    )
    plan = _ToolPlan(raw, created, actor, category)
    if status == "retired" and rng.random() < 0.25:  # tried, never adopted
        if rng.random() < 0.5:
            raw["annual_cost"] = str(cost)
        at = _after(rng, created, 10, 80)
        reason = rng.choice(_TRIAL_REASONS).format(other=other())
        plan.steps.append(
            _Step(
                at,
                owner,
                "move",
                {"status": "retired", "reason": reason, "retired_on": at.date().isoformat()},
            )
        )
        plan.until = at
        return plan

    def facts(at: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {
            "annual_cost": str(cost),
            "renewal_date": (at.date() + timedelta(days=rng.randint(30, 365))).isoformat(),
            "seats_bought": bought,
            "seats_used": used,
        }
        if personal:
            values["dpa_signed_on"] = (at.date() - timedelta(days=rng.randint(0, 30))).isoformat()
            values["data_region"] = region
        return values

    if rng.random() < 0.65:  # bought outright
        adopt = created
        raw.update(status="active", **facts(created))
    else:  # evaluated first
        adopt = _after(rng, created, 10, 60)
        if rng.random() < 0.6:
            raw["annual_cost"] = str(_price(cost * rng.uniform(1.0, 1.2)))  # before the haggling
        plan.steps.append(_Step(adopt, owner, "move", {"status": "active", **facts(adopt)}))
    plan.active_from = adopt

    # How its service ends, if it does.
    ending: list[_Step] = []
    if status in ("under_review", "decommissioning"):
        lo = max(
            adopt + timedelta(days=30), datetime.combine(w.today - timedelta(days=200), time())
        )
        at = _between(rng, lo, w.latest)
        pool = _REVIEW_REASONS if status == "under_review" else _DECOMMISSION_REASONS
        moved: dict[str, Any] = {"status": status, "reason": rng.choice(pool).format(other=other())}
        if status == "decommissioning" and raw["auto_renew"] and rng.random() < 0.6:
            moved["auto_renew"] = False
        ending.append(_Step(at, owner, "move", moved))
        if status == "decommissioning":
            plan.until = at
    elif status == "retired":
        retire = _between(rng, adopt + timedelta(days=60), w.latest)
        if rng.random() < 0.4:
            lo = max(adopt + timedelta(days=30), retire - timedelta(days=120))
            at = _between(rng, lo, retire - timedelta(days=7))
            reason = rng.choice(_DECOMMISSION_REASONS).format(other=other())
            ending.append(_Step(at, owner, "move", {"status": "decommissioning", "reason": reason}))
            retire = max(retire, at + timedelta(days=1))
        reason = rng.choice(_RETIRE_REASONS).format(other=other())
        moved = {"status": "retired", "reason": reason, "retired_on": retire.date().isoformat()}
        ending.append(_Step(retire, owner, "move", moved))
        plan.until = ending[0].at
    # (A tool under review is still in service: its contract renews as usual.)
    leaving = [step for step in ending if step.values["status"] != "under_review"]
    stop = leaving[0].at if leaving else w.latest

    # A renewal each term while in service: the new renewal date, and perhaps a price
    # rise, a change of seats and the annual review.
    renewal = date.fromisoformat(
        raw["renewal_date"] if raw["renewal_date"] else plan.steps[-1].values["renewal_date"]
    )
    term = rng.choice((2, 3)) if raw["billing_cycle"] == "multi_year" else 1
    last = adopt
    now_cost, now_bought, now_used = cost, bought, used
    while True:
        at = _moment(rng, renewal - timedelta(days=rng.randint(0, 25)))
        if at <= last:
            at = last + timedelta(minutes=rng.randint(5, 90))
        if at >= stop or at > w.latest:
            break
        following = years_ago(renewal, -term)
        values: dict[str, Any] = {"renewal_date": following.isoformat()}
        if now_cost and rng.random() < 0.4:
            now_cost = _price(now_cost * rng.uniform(1.03, 1.12))
            values["annual_cost"] = str(now_cost)
        if now_bought and now_used and rng.random() < 0.3:
            now_bought = max(1, now_bought + rng.choice((-5, -2, 2, 5, 10)))
            now_used = min(now_bought, max(1, round(now_bought * rng.uniform(0.4, 1.0))))
            values.update(seats_bought=now_bought, seats_used=now_used)
        if rng.random() < 0.55 and at.date() not in plan.reviews:
            values["last_reviewed_on"] = at.date().isoformat()
            plan.reviews.add(at.date())
        plan.steps.append(_Step(at, rng.choice((owner, w.ops)), "edit", values))
        renewal, last = following, at
    plan.steps.extend(step for step in ending if step.at <= w.latest)
    plan.steps.sort(key=lambda step: step.at)
    return plan


def _add_reviews(rng: random.Random, w: _World, plans: list[_ToolPlan], count: int) -> None:
    """Add ``count`` reviews (an edit of ``last reviewed``) to tools while in service."""
    candidates = [p for p in plans if p.active_from is not None]
    tries = 0
    added = 0
    while added < count and candidates and tries < 20 * count:
        tries += 1
        plan = rng.choice(candidates)
        assert plan.active_from is not None
        end = min(plan.until or w.latest, w.latest)
        at = _between(rng, plan.active_from, end)
        if at >= end or at.date() in plan.reviews or any(s.at == at for s in plan.steps):
            continue
        plan.reviews.add(at.date())
        edit = {"last_reviewed_on": at.date().isoformat()}
        plan.steps.append(_Step(at, plan.raw["owner"], "edit", edit))
        added += 1
    for plan in candidates:
        plan.steps.sort(key=lambda step: step.at)


def _replay_tool(plan: _ToolPlan, w: _World) -> tuple[dict[str, Any], list[_Entry]]:
    """The tool's row and audit entries, through the Stack's rules and the service's
    own helpers, step by step."""
    from mops_tui.domain.schema import validate_input
    from mops_tui.domain.tool_schema import ToolInput, TransitionInput, validate_tool
    from mops_tui.store.models import Tool

    data = validate_tool(plan.raw, w.context(plan.created))
    if data.status == "retired":
        refusal = FieldError("status", "a new tool cannot start retired")
        raise _refused(f"adding {data.name}", plan.created, [refusal])
    tool = Tool()
    stack._apply(tool, data, w.people[str(data.owner)])
    entries = [
        _Entry(
            plan.created,
            plan.actor,
            "created",
            f"added {data.name} as {tool_rules.status_label(data.status)}",
            after=stack._snapshot(tool, data.owner),
        )
    ]
    updated = (plan.created, plan.actor)
    for step in plan.steps:
        before = stack._snapshot(tool, data.owner)
        facts = {k: v for k, v in step.values.items() if k in ToolInput.model_fields}
        if step.action == "move":
            facts.pop("status")
            move_fields = {
                k: v for k, v in step.values.items() if k in TransitionInput.model_fields
            }
            move = validate_input(TransitionInput, move_fields, w.context(step.at))
            target, reason, on = move.status, move.reason, move.retired_on
            errors = tool_rules.transition_errors(data.status, target, reason, on, step.at.date())
            if errors:
                raise _refused(f"moving {data.name}", step.at, errors)
            new = validate_tool({**facts, "status": target}, w.context(step.at), base=data)
            stack._apply(tool, new, w.people[str(new.owner)])
            if target == "retired":
                tool.retired_on, tool.retired_reason = on, reason
            elif data.status == "retired":
                tool.retired_on, tool.retired_reason = None, None
            after = stack._snapshot(tool, new.owner)
            diff = audit.changes(before, after)
            summary = (
                f"status {tool_rules.status_label(data.status)} → {tool_rules.status_label(target)}"
            )
            if reason:
                summary += f": {reason}"
            other = {
                k: v for k, v in diff.items() if k not in ("status", "retired_reason", "retired_on")
            }
            if other:
                summary += f" (also {stack._describe(other, w.currency)})"
            action = "status"
        else:
            new = validate_tool(facts, w.context(step.at), base=data)
            stack._apply(tool, new, w.people[str(new.owner)])
            after = stack._snapshot(tool, new.owner)
            diff = audit.changes(before, after)
            if not diff:
                raise _refused(f"editing {data.name}", step.at, [FieldError("edit", "no change")])
            summary = stack._describe(diff, w.currency)
            action = "edited"
        entries.append(
            _Entry(
                step.at,
                step.actor,
                action,
                summary,
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
        )
        data = new
        updated = (step.at, step.actor)
    tool.created_at, tool.created_by = plan.created, plan.actor
    tool.updated_at, tool.updated_by = updated
    tool.version = 1 + len(plan.steps)
    return _columns(tool, _table(Tool)), entries


# ---------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Metric:
    """A measure a KPI can take, with the range its target falls in."""

    label: str
    kind: str
    definition: str
    sources: tuple[str, ...]  # tool categories the data comes from
    target: tuple[int, int]  # percent, count, pounds, duration or score
    numerator: str = ""
    denominator: str = ""
    lower_is_better: bool = False
    unit: str = "days"  # of a duration
    conversion: str = ""


_AN, _CRM, _MA = "Analytics", "CRM", "Marketing automation"
_METRICS: tuple[_Metric, ...] = (
    _Metric("Email click-through rate", "rate", "Unique clicks on tracked links in campaign emails divided by emails delivered.", ("Email", _MA), (2, 6), "Unique clicks on tracked links", "Emails delivered"),  # noqa: E501
    _Metric("Email open rate", "rate", "Unique opens divided by emails delivered, machine opens removed.", ("Email", _MA), (20, 45), "Unique opens (machine opens removed)", "Emails delivered"),  # noqa: E501
    _Metric("Unsubscribe rate", "rate", "Contacts who unsubscribed from a send divided by emails delivered.", ("Email", _MA), (1, 2), "Unsubscribes", "Emails delivered", lower_is_better=True),  # noqa: E501
    _Metric("Landing page conversion rate", "rate", "Form submissions on campaign landing pages divided by their unique visitors.", (_AN, "Experimentation & CRO"), (8, 25), "Form submissions", "Unique visitors", conversion="A completed form with a business email address."),  # noqa: E501
    _Metric("MQL to SQL conversion rate", "rate", "MQLs accepted by sales as SQLs within 30 days divided by MQLs created.", (_CRM,), (15, 35), "MQLs accepted as SQLs within 30 days", "MQLs created"),  # noqa: E501
    _Metric("SQL to opportunity rate", "rate", "SQLs that became an opportunity within 60 days divided by SQLs.", (_CRM,), (30, 60), "SQLs with an opportunity within 60 days", "SQLs created"),  # noqa: E501
    _Metric("Opportunity win rate", "rate", "Opportunities closed won divided by opportunities closed.", (_CRM,), (15, 35), "Opportunities closed won", "Opportunities closed"),  # noqa: E501
    _Metric("Webinar attendance rate", "rate", "Live attendees divided by registrants.", ("Events & webinars",), (30, 55), "Live attendees", "Registrants"),  # noqa: E501
    _Metric("Event attendance rate", "rate", "Badges scanned at the door divided by registrations.", ("Events & webinars",), (50, 80), "Badges scanned", "Registrations"),  # noqa: E501
    _Metric("Trial to paid conversion rate", "rate", "Trials that became a paid plan within 30 days divided by trials started.", (_AN, "Data & CDP"), (8, 25), "Trials converted within 30 days", "Trials started"),  # noqa: E501
    _Metric("Paid social click-through rate", "rate", "Link clicks divided by impressions on paid social ads.", ("Advertising", "Social"), (1, 3), "Link clicks", "Impressions"),  # noqa: E501
    _Metric("Paid search conversion rate", "rate", "Conversions from paid search divided by paid clicks.", ("Advertising", _AN), (3, 12), "Paid search conversions", "Paid clicks", conversion="A demo request or trial sign-up."),  # noqa: E501
    _Metric("Organic share of sessions", "rate", "Sessions from organic search divided by all website sessions.", (_AN, "SEO"), (30, 60), "Organic search sessions", "All sessions"),  # noqa: E501
    _Metric("Social engagement rate", "rate", "Reactions, comments and shares divided by impressions.", ("Social",), (2, 8), "Engagements", "Impressions"),  # noqa: E501
    _Metric("Form completion rate", "rate", "Forms submitted divided by forms started.", ("Experimentation & CRO", _AN), (20, 60), "Forms submitted", "Forms started"),  # noqa: E501
    _Metric("Bounce rate", "rate", "Single-page sessions divided by all sessions on campaign pages.", (_AN,), (30, 55), "Single-page sessions", "Sessions", lower_is_better=True),  # noqa: E501
    _Metric("Customer retention rate", "rate", "Customers at the end of the year who were customers at its start, divided by customers at its start.", (_CRM, "Data & CDP"), (85, 97), "Customers retained", "Customers at the start"),  # noqa: E501
    _Metric("Lead to MQL rate", "rate", "Leads that reached MQL within 90 days divided by new leads.", (_MA,), (10, 30), "Leads reaching MQL within 90 days", "New leads"),  # noqa: E501
    _Metric("MQLs created", "count", "Contacts whose lifecycle stage first became MQL in the month.", (_MA, _CRM), (200, 3000)),  # noqa: E501
    _Metric("Webinar registrations", "count", "Unique registrants across the month's webinars.", ("Events & webinars",), (150, 1500)),  # noqa: E501
    _Metric("Demo requests", "count", "Demo request forms submitted by new and existing contacts.", (_MA, _CRM), (40, 400), conversion="A demo request form with a business email address."),  # noqa: E501
    _Metric("Trial sign-ups", "count", "New trials started, one per company.", (_AN, "Data & CDP"), (100, 2000)),  # noqa: E501
    _Metric("Newsletter subscribers", "count", "Contacts subscribed to the newsletter at month end.", ("Email",), (2000, 40000)),  # noqa: E501
    _Metric("Organic sessions", "count", "Website sessions from organic search in the month.", (_AN, "SEO"), (20000, 300000)),  # noqa: E501
    _Metric("New referring domains", "count", "Domains linking to the website for the first time in the month.", ("SEO",), (20, 300)),  # noqa: E501
    _Metric("Content downloads", "count", "Gated assets downloaded, one per contact and asset.", (_MA, "Content & CMS"), (100, 3000)),  # noqa: E501
    _Metric("Sales meetings booked", "count", "First meetings booked by sales development from marketing leads.", ("Sales enablement", _CRM), (30, 400)),  # noqa: E501
    _Metric("Event leads captured", "count", "Badge scans and form fills at events, deduplicated.", ("Events & webinars",), (100, 1500)),  # noqa: E501
    _Metric("Cost per lead", "currency", "Paid media spend divided by new leads from paid channels.", ("Advertising", _CRM), (40, 250), lower_is_better=True),  # noqa: E501
    _Metric("Cost per MQL", "currency", "Programme spend divided by MQLs created.", (_MA, _CRM), (80, 400), lower_is_better=True),  # noqa: E501
    _Metric("Marketing-sourced pipeline", "currency", "Amount of opportunities whose first touch was a marketing programme.", (_CRM,), (250000, 3000000), conversion="An opportunity with an amount set at stage 2."),  # noqa: E501
    _Metric("Customer acquisition cost", "currency", "Sales and marketing cost divided by new customers.", (_CRM, "Data & CDP"), (1500, 12000), lower_is_better=True),  # noqa: E501
    _Metric("Average deal size", "currency", "Amount of deals closed won divided by their number.", (_CRM,), (8000, 60000)),  # noqa: E501
    _Metric("Lead response time", "duration", "Median time from a demo request to the first sales touch.", (_CRM, "Sales enablement"), (2, 24), lower_is_better=True, unit="hours"),  # noqa: E501
    _Metric("Sales cycle length", "duration", "Median days from opportunity created to closed won.", (_CRM,), (30, 120), lower_is_better=True),  # noqa: E501
    _Metric("Time from MQL to SQL", "duration", "Median days from becoming an MQL to sales acceptance.", (_CRM, _MA), (2, 14), lower_is_better=True),  # noqa: E501
    _Metric("Brief cycle time", "duration", "Median working days from a brief's submission to its launch.", ("Collaboration",), (10, 30), lower_is_better=True),  # noqa: E501
    _Metric("CAC payback period", "duration", "Months of gross margin needed to recover the cost of acquiring a customer.", (_CRM, "Data & CDP"), (6, 18), lower_is_better=True, unit="months"),  # noqa: E501
    _Metric("Net promoter score", "score", "Promoters minus detractors, as a share of survey responses, times 100.", ("Research & reviews",), (20, 60)),  # noqa: E501
    _Metric("Content quality score", "score", "The editorial panel's average score for published assets, out of 100.", ("Content & CMS", "Research & reviews"), (60, 90)),  # noqa: E501
    _Metric("Brand sentiment score", "score", "Positive minus negative mentions as a share of all mentions, scaled to 100.", ("Social", "Research & reviews"), (50, 80)),  # noqa: E501
    _Metric("Lead score at handover", "score", "Median lead score of contacts handed to sales.", (_MA,), (50, 90)),  # noqa: E501
)  # fmt: skip
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("EMEA", "accounts in EMEA"),
    ("North America", "accounts in North America"),
    ("APAC", "accounts in APAC"),
    ("UK & Ireland", "accounts in the UK and Ireland"),
    ("DACH", "accounts in Germany, Austria and Switzerland"),
    ("enterprise", "accounts of 1,000 employees or more"),
    ("mid-market", "accounts of 100 to 999 employees"),
    ("SMB", "accounts of fewer than 100 employees"),
    ("partners", "deals registered by partners"),
    ("self-serve", "sign-ups that never spoke to sales"),
    ("customers", "existing customers only"),
    ("new logos", "companies that are not yet customers"),
)
_DECISIONS = (
    "How much of next quarter's paid budget goes to each channel.",
    "Whether the nurture programme keeps its current cadence.",
    "Which events we attend again next year.",
    "Whether the lead-scoring threshold changes next quarter.",
    "Where the content team spends its next sprint.",
    "Whether the region gets a second field marketer.",
    "Which segments get sales development capacity.",
    "Whether we renew the tool that supplies the data.",
    "Which landing-page tests the web team runs first.",
)
_GAPS = (
    kpi_rules.NONE_KNOWN,
    kpi_rules.NONE_KNOWN,
    "Records from the legacy import before 2024 have no source.",
    "About 5% of contacts have no region, so regional splits are understated.",
    "Ad-blockers hide roughly a tenth of sessions.",
    "Offline event leads arrive up to two weeks late.",
    "Records merged in the CRM keep only the older record's dates.",
    "Contacts who opt out of tracking drop out of the denominator.",
)
_CLARIFICATIONS = (
    " Internal and test records are excluded.",
    " Bots and known crawlers are filtered out before counting.",
    " Duplicates merged in the CRM count once, at the earliest date.",
    " Counted in fiscal months rather than calendar months.",
)
_CHANGE_NOTES = (
    "Agreed with Sales Ops at the quarterly pipeline review.",
    "The old rule double-counted merged records.",
    "Aligns the window with the sales cycle we now see.",
    "The data moved after the tool consolidation.",
    "",
)
_DEPRECATE_REASONS = (
    "Nobody has made a decision with it for a year.",
    "Measured the old funnel stage that the new lifecycle model removed.",
    "Split into regional KPIs with their own targets.",
    "The data source no longer records it reliably.",
)
_WINDOWS = (7, 14, 30, 30, 60, 90, 180)
_ATTRIBUTION = ("last_touch", "first_touch", "linear", "time_decay", "position_based")
_KIND_TARGETS: dict[str, tuple[int, int]] = {
    "rate": (10, 40),
    "count": (100, 2000),
    "currency": (50, 500),
    "duration": (5, 30),
    "score": (40, 80),
}


def _typed_target(rng: random.Random, kind: str, metric: _Metric | None) -> str:
    """A target as a person types it for a KPI of ``kind``: 25%, 1,200, 180, 14 days."""
    low, high = metric.target if metric else _KIND_TARGETS.get(kind, (1, 100))
    n = rng.randint(low, high)
    if kind == "rate":
        return f"{n}%"
    if kind == "count":
        step = 50 if n >= 1_000 else 10 if n >= 100 else 1
        return f"{max(step, round(n / step) * step):,}"
    if kind == "currency":
        return str(_price(n))
    if kind == "duration":
        return f"{n} {metric.unit if metric else 'days'}"
    return str(n)


def _new_target(rng: random.Random, metric: _Metric, current: str | None) -> str:
    """Another target than ``current``, as typed."""
    for _ in range(20):
        typed = _typed_target(rng, metric.kind, metric)
        if typed != current:
            return typed
    return _typed_target(rng, metric.kind, None) + ("0" if metric.kind == "score" else "")


@dataclass
class _KpiPlan:
    raw: dict[str, Any]  # as typed into the define-KPI form
    created: datetime
    actor: str
    metric: _Metric
    active_from: datetime | None = None
    deprecated_at: datetime | None = None
    steps: list[_Step] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.deprecated_at is not None:
            return "deprecated"
        return "active" if self.active_from is not None else "draft"

    def ref(self) -> _KpiRef:
        return _KpiRef(
            self.raw["key"],
            self.metric.kind,
            self.raw["label"],
            self.status,
            self.created,
            self.active_from,
            self.deprecated_at,
            self.metric,
        )


def _pick_source(
    rng: random.Random,
    sources: list[_Source],
    categories: Sequence[str],
    named: datetime,
    active: datetime | None = None,
) -> _Source | None:
    """A tool to draw data from: in the stack (and not retired) when it is ``named``,
    and in service from ``active`` on (for good, so the KPI stays valid); from the
    metric's categories when one fits."""

    def fits(src: _Source) -> bool:
        if src.status not in ("evaluating", *_OK_FOR_ACTIVE) or src.status_at(named) is None:
            return False
        return active is None or (
            src.status in _OK_FOR_ACTIVE and src.status_at(active) in _OK_FOR_ACTIVE
        )

    preferred = [src for src in sources if src.category in categories and fits(src)]
    if preferred and rng.random() < 0.85:
        return rng.choice(preferred)
    anything = [src for src in sources if fits(src)]
    return rng.choice(anything) if anything else None


def _plan_kpis(rng: random.Random, w: _World, count: int, sources: list[_Source]) -> list[_KpiPlan]:
    combos = [(m, q) for m in _METRICS for q in (None, *_QUALIFIERS)]
    rng.shuffle(combos)
    plans: list[_KpiPlan] = []
    for metric, qualifier in combos:
        if len(plans) >= count:
            break
        label = f"{metric.label} ({qualifier[0]})" if qualifier else metric.label
        key = kpis.key_for(label)
        if key in w.kpi_keys or kpi_rules.key_problem(key):
            continue
        plan = _plan_kpi(rng, w, metric, qualifier, label, key, sources)
        if plan is not None:
            w.kpi_keys.add(key)
            plans.append(plan)
    if len(plans) < count:
        raise ValueError(f"ran out of KPI names after {len(plans)}")
    _plan_deprecations(rng, w, plans)
    return plans


def _plan_kpi(
    rng: random.Random,
    w: _World,
    metric: _Metric,
    qualifier: tuple[str, str] | None,
    label: str,
    key: str,
    sources: list[_Source],
) -> _KpiPlan | None:
    """One KPI's story: defined, activated, changes of meaning (new versions) and of
    target, perhaps deprecated (the successor is chosen once every KPI is planned)."""
    status = rng.choices(("active", "draft", "deprecated"), (72, 14, 14))[0]
    owner = w.owner_for(rng, metric.sources[0])
    actor = owner if rng.random() < 0.5 else w.ops
    if status == "draft":
        created = _moment(rng, _day_in(rng, w.today - timedelta(days=300), w.latest.date()))
        if created > w.latest:
            created = w.latest - timedelta(hours=rng.randint(2, 8))
        source = None
        if rng.random() < 0.55:
            source = _pick_source(rng, sources, metric.sources, created)
    else:
        early = rng.random() < 0.55
        low = w.start - timedelta(days=420) if early else w.start
        high = w.start - timedelta(days=30) if early else w.today - timedelta(days=200)
        created = _moment(rng, _day_in(rng, low, high))
        activated = _after(rng, created, 1, 25)
        source = _pick_source(rng, sources, metric.sources, created, activated)
        if source is None:
            return None
    scope = f" Counted for {qualifier[1]}." if qualifier else ""
    description = f"{metric.label} for {qualifier[1] if qualifier else 'the whole business'}."
    attribution = "none"
    window = None
    if metric.kind in ("count", "currency") and rng.random() < 0.45:
        attribution, window = rng.choice(_ATTRIBUTION), rng.choice(_WINDOWS)
    raw: dict[str, Any] = {
        "key": key,
        "label": label,
        "description": "" if rng.random() < 0.5 else description,
        "owner": owner,
        "kind": metric.kind,
        "definition": metric.definition + scope,
        "numerator": metric.numerator,
        "denominator": metric.denominator,
        "conversion": metric.conversion,
        "data_source": source.name if source else None,
        "attribution_model": attribution,
        "attribution_window_days": window,
        "direction": "lower_is_better" if metric.lower_is_better else "higher_is_better",
        "target": _typed_target(rng, metric.kind, metric) if rng.random() < 0.85 else None,
        "decision": rng.choice(_DECISIONS),
        "data_gaps": rng.choice(_GAPS),
    }
    plan = _KpiPlan(raw, created, actor, metric)
    if status == "draft":
        if rng.random() < 0.3:
            at = _between(rng, created, w.latest)
            if at <= w.latest:
                target = {"target": _new_target(rng, metric, raw["target"])}
                plan.steps.append(_Step(at, owner, "edit", target))
        return plan

    plan.active_from = activated
    effective = {"effective_on": activated.date()}
    plan.steps.append(_Step(activated, actor, "activate", options=effective))
    end = w.latest
    if status == "deprecated":
        end = _between(rng, activated + timedelta(days=90), w.latest)
        if end <= w.latest:
            plan.deprecated_at = end
        else:
            end = w.latest
    # Changes of meaning (each a new version), then perhaps a new target.
    times = sorted(
        _between(rng, activated, end - timedelta(days=1))
        for _ in range(rng.choices((0, 1, 2), (62, 28, 10))[0])
    )
    current_window, current_source = window, source
    definition = str(raw["definition"])
    for at in times:
        if not activated < at < end:
            continue
        choice = rng.random()
        values: dict[str, Any]
        if current_window is not None and choice < 0.4:
            current_window = rng.choice([d for d in _WINDOWS if d != current_window])
            values = {"attribution_window_days": current_window}
        elif choice < 0.8 or current_source is None:
            clarification = rng.choice([c for c in _CLARIFICATIONS if c not in definition])
            definition += clarification
            values = {"definition": definition}
        else:
            moved = _pick_source(rng, sources, metric.sources, at, at)
            if moved is None or moved.name == current_source.name:
                continue
            current_source = moved
            values = {"data_source": moved.name}
        note = rng.choice(_CHANGE_NOTES)
        options = {"effective_on": at.date(), "change_note": note}
        plan.steps.append(_Step(at, rng.choice((owner, w.ops)), "edit", values, options))
    if rng.random() < 0.25:
        at = _between(rng, activated, end - timedelta(days=1))
        if activated < at < end:
            target = {"target": _new_target(rng, metric, raw["target"])}
            plan.steps.append(_Step(at, owner, "edit", target))
    plan.steps.sort(key=lambda step: step.at)
    if plan.deprecated_at is not None:
        plan.steps.append(_Step(plan.deprecated_at, w.ops, "deprecate"))
    return plan


def _plan_deprecations(rng: random.Random, w: _World, plans: list[_KpiPlan]) -> None:
    """Why each deprecated KPI was deprecated: a reason, a successor (an active KPI of
    the same kind, active by then), or both."""
    active = [ref for ref in (*w.kpis, *(p.ref() for p in plans)) if ref.status == "active"]
    for plan in plans:
        if plan.deprecated_at is None:
            continue
        at = plan.deprecated_at
        successors = [
            ref
            for ref in active
            if ref.kind == plan.metric.kind
            and ref.key != plan.raw["key"]
            and ref.status_at(at) == "active"
        ]
        successor = rng.choice(successors).key if successors and rng.random() < 0.6 else None
        reason = rng.choice(_DEPRECATE_REASONS) if not successor or rng.random() < 0.5 else ""
        plan.steps[-1].values = {"status": "deprecated", "reason": reason, "successor": successor}


@dataclass
class _KpiReplay:
    row: dict[str, Any]
    versions: list[dict[str, Any]]
    entries: list[_Entry]
    successor: str | None


def _replay_kpi(
    plan: _KpiPlan,
    w: _World,
    tool_ids: dict[str, int],
    sources: dict[str, _Source],
    refs: dict[str, _KpiRef],
) -> _KpiReplay:
    """The KPI's row, versions and audit entries, through the KPI rules and the
    service's own helpers, step by step."""
    from mops_tui.domain.kpi_schema import validate_kpi
    from mops_tui.store.models import Kpi

    def source_status(name: str | None, at: datetime) -> str | None:
        return sources[name].status_at(at) if name else None

    data = validate_kpi(plan.raw, w.context(plan.created))
    kpi = Kpi()
    owner_id = w.people[str(data.owner)]
    kpis._apply(kpi, data, owner_id, tool_ids[data.data_source] if data.data_source else None)
    entries = [
        _Entry(
            plan.created,
            plan.actor,
            "created",
            f"defined {data.key} as a draft",
            after=kpis.snapshot_of(data),
        )
    ]
    versions: list[dict[str, Any]] = []

    def add_version(at: datetime, actor: str, effective: date, summary: str) -> int:
        versions.append(
            {
                "number": len(versions) + 1,
                "effective_on": effective,
                "author": actor,
                "summary": summary,
                "snapshot_json": json.dumps(kpis.snapshot_of(data), ensure_ascii=False),
                "created_at": at,
            }
        )
        return len(versions)

    status = "draft"
    reason: str | None = None
    successor: str | None = None
    updated = (plan.created, plan.actor)
    for step in plan.steps:
        ctx = w.context(step.at)
        if step.action == "activate":
            errors = kpi_rules.transition_errors(status, "active")
            errors += kpi_rules.activation_needs(data, source_status(data.data_source, step.at))
            if errors:
                raise _refused(f"activating {data.key}", step.at, errors)
            effective = step.options["effective_on"]
            number = add_version(step.at, step.actor, effective, "activated")
            entries.append(
                _Entry(
                    step.at,
                    step.actor,
                    "status",
                    f"activated (version {number} from {effective.isoformat()})",
                    before={"status": status},
                    after={"status": "active", "reason": "", "successor": None},
                )
            )
            status = "active"
        elif step.action == "edit":
            new = validate_kpi(step.values, ctx, base=data)
            before, after = kpis.snapshot_of(data), kpis.snapshot_of(new)
            diff = audit.changes(before, after)
            meaning = kpi_rules.meaning_changes(before, after)
            errors = [] if diff else [FieldError("edit", "no change")]
            if status == "deprecated" and meaning:
                errors.append(FieldError(meaning[0], "a deprecated KPI's meaning is frozen"))
            if status == "active":
                errors += kpi_rules.activation_needs(new, source_status(new.data_source, step.at))
            if errors:
                raise _refused(f"editing {data.key}", step.at, errors)
            data = new
            source_id = tool_ids[data.data_source] if data.data_source else None
            kpis._apply(kpi, data, owner_id, source_id)
            summary = kpis._describe(diff)
            if status == "active" and meaning:
                effective = step.options["effective_on"]
                note = str(step.options.get("change_note") or "").strip()
                note = note or kpis._describe({k: diff[k] for k in meaning})
                number = add_version(step.at, step.actor, effective, note)
                summary = f"version {number} from {effective.isoformat()}: {summary}"
            entries.append(
                _Entry(
                    step.at,
                    step.actor,
                    "edited",
                    summary,
                    before={k: before[k] for k in diff},
                    after={k: after[k] for k in diff},
                )
            )
        else:
            reason = str(step.values.get("reason") or "")
            successor = step.values.get("successor")
            errors = kpi_rules.transition_errors(
                status,
                "deprecated",
                reason=reason,
                successor=successor,
                key=data.key,
                successor_status=refs[successor].status_at(step.at) if successor else None,
            )
            if errors:
                raise _refused(f"deprecating {data.key}", step.at, errors)
            summary = f"deprecated: {reason}" if reason else "deprecated"
            if successor:
                summary += f" (replaced by {successor})"
            entries.append(
                _Entry(
                    step.at,
                    step.actor,
                    "status",
                    summary,
                    before={"status": status},
                    after={"status": "deprecated", "reason": reason, "successor": successor},
                )
            )
            status = "deprecated"
        updated = (step.at, step.actor)
    kpi.status = status
    kpi.current_version = len(versions)
    kpi.deprecated_reason = reason or None
    kpi.created_at, kpi.created_by = plan.created, plan.actor
    kpi.updated_at, kpi.updated_by = updated
    kpi.version = 1 + len(plan.steps)
    return _KpiReplay(_columns(kpi, _table(Kpi)), versions, entries, successor)


# ---------------------------------------------------------------------------
# Briefs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _BriefKind:
    title: str
    channels: str
    line: str  # the budget line's channel ("" when it asks for no budget)
    kinds: tuple[str, ...]  # the KPI kinds it is judged by


_BRIEF_KINDS: tuple[_BriefKind, ...] = (
    _BriefKind("Webinar", "webinar, email", "Webinars", ("count", "rate")),
    _BriefKind("Webinar series", "webinar, email, LinkedIn", "Webinars", ("count", "rate")),
    _BriefKind("Paid social campaign", "LinkedIn, Meta", "Paid social", ("count", "currency")),
    _BriefKind(
        "Paid search push", "Google Ads, Microsoft Ads", "Paid search", ("currency", "rate")
    ),
    _BriefKind("Retargeting", "display, LinkedIn", "Display & programmatic", ("rate", "currency")),
    _BriefKind("Email nurture", "email", "Email", ("rate", "count")),
    _BriefKind("Newsletter feature", "email", "Email", ("rate",)),
    _BriefKind("Field event", "events, email", "Events", ("count", "currency")),
    _BriefKind("Roadshow", "events, LinkedIn, email", "Events", ("count", "currency")),
    _BriefKind("Guide", "content, SEO, email", "Content", ("count",)),
    _BriefKind("Customer story", "content, sales enablement", "Content", ("count", "score")),
    _BriefKind("Research report", "content, PR, email", "Research", ("count", "score")),
    _BriefKind("Brand campaign", "video, paid social, out of home", "Brand", ("score", "count")),
    _BriefKind(
        "Product launch", "email, paid social, website", "Paid social", ("count", "currency")
    ),
    _BriefKind("Website update", "website, SEO", "Agency & freelance", ("rate", "duration")),
    _BriefKind("Partner campaign", "partners, email", "", ("count", "currency")),
)
_TOPICS = (
    "Attribution that finance trusts",
    "Planning next year's budget in an afternoon",
    "The state of marketing operations",
    "Onboarding for new admins",
    "Renewal season for customers",
    "From MQL to pipeline",
    "Reporting without spreadsheets",
    "Launch of the planning module",
    "Benchmarks for B2B funnels",
    "Consent and tracking after the cookie changes",
    "Board-ready marketing reports",
    "The integrations marketplace",
    "Customer advisory board highlights",
    "Account-based plays for the top 100",
    "Migrating off legacy automation",
    "The spring release",
    "The autumn release",
    "Mobile app for field teams",
    "Pricing page refresh",
    "Year in review",
    "Security and compliance for buyers",
    "Partner certification",
    "Customer awards",
    "Data quality clinic",
    "Campaign ROI masterclass",
)
_PLACES = (
    "",
    "",
    "",
    " (UK)",
    " (DACH)",
    " (Nordics)",
    " (North America)",
    " (EMEA)",
    " (APAC)",
    " (France)",
    " (Benelux)",
)
_AUDIENCES = (
    "Marketing leaders at mid-market SaaS companies.",
    "Operations managers at target accounts.",
    "Trial users who have not invited a teammate.",
    "Customers up for renewal in the next two quarters.",
    "Finance and RevOps leaders at enterprise accounts.",
    "Webinar registrants from the last six months who did not attend.",
    "Admins at existing customers.",
    "Prospects who downloaded a guide this year.",
    "Agencies and consultancies in the partner programme.",
    "Open opportunities in stage 2 or later.",
    "Attendees of last year's conference.",
)
_MESSAGES = (
    "Plan next quarter's marketing in an afternoon, not a fortnight.",
    "Every pound of spend, tied to an outcome.",
    "Your stack, your KPIs and your budget in one place.",
    "Stop rebuilding the same report every Monday.",
    "Teams like yours cut reporting time in half.",
    "Launch on time because the brief was right the first time.",
    "Know what a campaign cost before the month closes.",
)
_BODY = (
    "Creative comes from the in-house design team; landing pages are built on the usual template.",
    "The first wave goes to the warmest segment; the second follows a week later with a reminder.",
    "Sales development follows up every engaged contact within two working days.",
    "We reuse the assets from last quarter's campaign where the message still fits.",
    "Results are reviewed weekly in the demand-gen stand-up and budget moves between channels.",
    "A customer speaker is confirmed; the recording becomes gated content afterwards.",
    "Legal reviews the claims and quotes before anything goes live.",
    "The regional team localises copy and picks the send times.",
)
_RETURN_REASONS = (
    "The audience is too broad; name the segment and the list it comes from.",
    "The target has no baseline; add last quarter's figure so we can judge it.",
    "The launch clashes with the product release; confirm the date with product marketing.",
    "Budget is requested without a breakdown by channel.",
    "The objective describes activity, not an outcome; say what it must achieve.",
)
_FIXES = (
    ("audience", " Taken from the CRM list of engaged accounts."),
    ("objective", " Last quarter's baseline is in the body."),
    ("body", "\n\nBudget by channel: half paid social, a third events, the rest content."),
    ("objective", " Success is judged on the KPI, not on the number of sends."),
)
_CANCEL_REASONS = (
    "Merged into a larger campaign for the same audience.",
    "The product release it supported slipped to next year.",
    "Budget moved to the conference after the quarterly review.",
    "The partner pulled out.",
    "A duplicate of another brief in the queue.",
    "The owner left and nobody can run it this quarter.",
    "Legal could not clear the customer quotes in time.",
)
_STALE_REASONS = (
    "Stale draft: never submitted; closed to keep the queue clean.",
    "Parked after planning; it can be drafted again next year.",
)
_NOT_MEASURED = (
    "The tracking parameter was missing from the links for the first two weeks.",
    "The data source changed mid-campaign; before and after are not comparable.",
    "The attendance export from the webinar platform failed.",
    "Results are mixed with the brand campaign running at the same time.",
)
_BUDGETS = (1500, 2500, 4000, 5000, 6000, 8000, 10000, 12000, 15000, 20000, 25000, 40000)


@dataclass
class _BriefPlan:
    raw: dict[str, Any]  # as typed into the new-brief form
    created: datetime
    actor: str
    kpi: _KpiRef | None
    line: _Line | None
    steps: list[_Step] = field(default_factory=list)


def _plan_briefs(
    rng: random.Random, w: _World, count: int, refs: list[_KpiRef]
) -> list[_BriefPlan]:
    return [_plan_brief(rng, w, refs) for _ in range(max(0, count))]


def _plan_brief(rng: random.Random, w: _World, refs: list[_KpiRef]) -> _BriefPlan:
    """One brief's story, cut off at today: drafted, submitted (perhaps returned, fixed
    and submitted again), assigned, approved, started on its launch day and finished,
    or cancelled with a reason at any open stage; or a draft that was never sent."""
    span = (w.latest.date() - w.start).days
    recent = rng.random() < 0.2
    day = w.latest.date() - timedelta(days=rng.randint(0, 100 if recent else span))
    created = _moment(rng, day)
    if created > w.latest:
        created = w.latest - timedelta(hours=rng.randint(2, 8))
    requester = rng.choice(w.handles)
    approver = rng.choice(w.approvers)
    owner = rng.choice([h for h in w.handles if h != requester] or w.handles)
    kind = rng.choice(_BRIEF_KINDS)
    steps: list[_Step] = []
    launch: date | None = None
    story = rng.random()
    stale = story < 0.06
    if stale:  # drafted, never submitted, closed in a later clean-up of the queue
        if rng.random() < 0.5:
            launch = add_working_days(created.date(), rng.randint(15, 60))
        reason = {"reason": rng.choice(_STALE_REASONS)}
        steps.append(_Step(_after(rng, created, 20, 120), w.ops, "cancel", reason))
    elif story < 0.08:  # dropped before it was submitted
        launch = add_working_days(created.date(), rng.randint(15, 50))
        reason = {"reason": rng.choice(_CANCEL_REASONS)}
        steps.append(_Step(_after(rng, created, 1, 10), requester, "cancel", reason))
    else:
        t = _after(rng, created, 0, 8)
        steps.append(_Step(t, requester, "submit"))
        if rng.random() < 0.12:
            t = _after(rng, t, 1, 4)
            steps.append(_Step(t, approver, "return", {"reason": rng.choice(_RETURN_REASONS)}))
            t = _after(rng, t, 1, 5)
            steps.append(_Step(t, requester, "edit", {"_fix": rng.choice(_FIXES)}))
            t += timedelta(minutes=rng.randint(5, 90))
            steps.append(_Step(t, requester, "submit"))
        review = rng.randint(1, 5) if rng.random() < 0.8 else rng.randint(5, 15)  # days
        launch = add_working_days(t.date(), max(rng.randint(11, 55), review + 5))
        fate = rng.random()
        if fate < 0.03:
            reason = {"reason": rng.choice(_CANCEL_REASONS)}
            steps.append(_Step(_after(rng, t, 1, 6), approver, "cancel", reason))
        else:
            approved = _after(rng, t, review, review)
            if rng.random() < 0.7:  # the owner is found at approval
                assigned = approved - timedelta(minutes=rng.randint(3, 40))
                steps.append(_Step(assigned, approver, "edit", {"owner": owner}))
            steps.append(_Step(approved, approver, "approve"))
            launch_at = _moment(rng, launch)
            if fate < 0.06:
                reason = {"reason": rng.choice(_CANCEL_REASONS)}
                steps.append(_Step(_between(rng, approved, launch_at), approver, "cancel", reason))
            else:
                start = launch_at if rng.random() < 0.96 else _after(rng, launch_at, 1, 12)
                steps.append(_Step(start, owner, "start"))
                if fate < 0.08:
                    reason = {"reason": rng.choice(_CANCEL_REASONS)}
                    steps.append(_Step(_after(rng, start, 3, 20), owner, "cancel", reason))
                else:
                    steps.append(_Step(_after(rng, start, 8, 45), owner, "done"))
    # Only what has happened by now.
    kept: list[_Step] = []
    for step in steps:
        if step.at > w.latest:
            break
        kept.append(step)
    steps = kept
    kpi = _pick_kpi(rng, refs, created, steps, kind)
    if kpi is None or (stale and rng.random() < 0.3):
        kpi = None
        steps = [s for s in steps if s.action == "cancel"][:1]  # a draft without a KPI
    # The owner is named in the draft, or assigned just before approval.
    has_owner_edit = any(s.action == "edit" and "owner" in s.values for s in steps)
    was_approved = any(s.action == "approve" for s in steps)
    owner_at_start = not has_owner_edit and (was_approved or rng.random() < 0.3)
    approve_at = next((s.at for s in steps if s.action == "approve"), None)
    budget: int | None = None
    line = None
    if kind.line and rng.random() < 0.5:
        budget = rng.choice(_BUDGETS)
        line = w.line_for(kind.line, launch)
        if line is None and (approve_at is not None or rng.random() < 0.5):
            budget = None  # an approved brief asks for money only from a line
    target = _typed_target(rng, kpi.kind, kpi.metric) if kpi else ""
    if stale and rng.random() < 0.4:
        target = ""
    for step in steps:
        if step.action == "done":
            if rng.random() < 0.9 and kpi is not None:
                step.values = {"result": _result(rng, kpi, target, w.currency)}
            else:
                step.values = {"not_measured": rng.choice(_NOT_MEASURED)}
    title = f"{kind.title}: {rng.choice(_TOPICS)}{rng.choice(_PLACES)}"
    objective = _objective(rng, kpi, target, kind)
    audience = rng.choice(_AUDIENCES)
    if stale and rng.random() < 0.3:
        audience = ""
    raw: dict[str, Any] = {
        "title": title,
        "requester": requester,
        "owner": owner if owner_at_start else None,
        "priority": rng.choices(brief_rules.PRIORITIES, (10, 30, 45, 15))[0],
        "objective": objective,
        "audience": audience,
        "key_message": rng.choice(_MESSAGES),
        "channels": kind.channels,
        "launch_date": launch.isoformat() if launch else None,
        "kpi": kpi.key if kpi else None,
        "kpi_target": target,
        "budget_requested": str(budget) if budget else None,
        "budget_line": f"#{line.id}" if budget and line else None,
        "body": "\n\n".join(rng.sample(_BODY, 2)),
    }
    for step in steps:
        fix = step.values.pop("_fix", None)
        if fix is not None:
            name, more = fix
            step.values[name] = str(raw[name]) + more
    return _BriefPlan(raw, created, requester, kpi, line if budget else None, steps)


def _final_status(steps: list[_Step]) -> str:
    status = "draft"
    for step in steps:
        if step.action in brief_rules.MOVES:
            status = brief_rules.MOVES[step.action].target
    return status


def _pick_kpi(
    rng: random.Random, refs: list[_KpiRef], created: datetime, steps: list[_Step], kind: _BriefKind
) -> _KpiRef | None:
    """A KPI the brief can name at every step: existing when it is drafted, never
    deprecated while it is edited, active when it is approved, and still active if the
    brief is approved or in flight now; open briefs keep off deprecated KPIs."""
    final = _final_status(steps)
    approve_at = next((s.at for s in steps if s.action == "approve"), None)
    typed = [created, *(s.at for s in steps if s.action == "edit")]

    def fits(ref: _KpiRef) -> bool:
        if ref.created > created:
            return False
        if any(ref.status_at(t) == "deprecated" for t in typed):
            return False
        if approve_at is not None and ref.status_at(approve_at) != "active":
            return False
        if final in ("approved", "in_flight") and ref.status != "active":
            return False
        return not (final in brief_rules.OPEN and ref.status == "deprecated")

    preferred = [ref for ref in refs if ref.kind in kind.kinds]
    for pool in (preferred, refs):
        for _ in range(30):
            ref = rng.choice(pool) if pool else None
            if ref is not None and fits(ref):
                return ref
    found = [ref for ref in refs if fits(ref)]
    return rng.choice(found) if found else None


def _objective(rng: random.Random, kpi: _KpiRef | None, target: str, kind: _BriefKind) -> str:
    what = kind.title.lower()
    if kpi is None:
        return f"A {what} for the segment we keep missing; the measure is still to be agreed."
    goal = f"{target} on {kpi.label}" if target else kpi.label
    verb = rng.choice(("Reach", "Deliver", "Hit", "Achieve"))
    return f"{verb} {goal} with a {what} aimed at the accounts sales asked for."


def _result(rng: random.Random, kpi: _KpiRef, target: str, currency: str) -> str:
    """The KPI result a finished brief records, in the KPI's unit."""
    low, high = kpi.metric.target if kpi.metric else _KIND_TARGETS.get(kpi.kind, (1, 100))
    n = max(1, round(rng.randint(low, high) * rng.uniform(0.7, 1.25)))
    if kpi.kind == "rate":
        text = f"{n}%"
    elif kpi.kind == "count":
        text = f"{n:,}"
    elif kpi.kind == "currency":
        text = format_money(_price(n) * 10 ** exponent(currency), currency)
    elif kpi.kind == "duration":
        text = f"{n} {kpi.metric.unit if kpi.metric else 'days'}"
    else:
        text = str(n)
    return f"{text} against a target of {target}" if target else text


@dataclass
class _Probe(BriefLike):
    """The brief as the workflow's guards read it at one step."""

    status: str
    title: str
    objective: str
    audience: str
    launch_date: date | None
    kpi: str | None
    kpi_status: str | None
    kpi_target: str
    owner: str | None
    budget_requested: int | None
    budget_line_id: int | None
    line_starts_on: date | None
    line_ends_on: date | None
    outcome_result: str = ""
    outcome_reason: str = ""


@dataclass
class _BriefReplay:
    row: dict[str, Any]
    transitions: list[dict[str, Any]]
    entries: list[_Entry]  # the first is the creation; its summary names the new id


def _replay_brief(plan: _BriefPlan, w: _World, kpi_ids: dict[str, int]) -> _BriefReplay:
    """The brief's row, transitions and audit entries, through the brief rules and the
    service's own helpers, step by step, with the workflow's guards as of each step."""
    from mops_tui.domain.brief_schema import BriefInput, validate_brief
    from mops_tui.store.models import Brief

    policy = BriefPolicy()  # the demo's stories hold for the default thresholds
    line = plan.line

    def ids(data: BriefInput, at: datetime) -> dict[str, Any]:
        errors = []
        if data.kpi:
            assert plan.kpi is not None and plan.kpi.key == data.kpi
            if plan.kpi.status_at(at) in (None, "deprecated"):
                errors.append(FieldError("kpi", f"{data.kpi} is {plan.kpi.status_at(at)}"))
            if data.kpi_target:
                try:
                    kpi_rules.parse_target(data.kpi_target, plan.kpi.kind, w.currency)
                except kpi_rules.TargetError as exc:
                    errors.append(FieldError("kpi_target", str(exc)))
        if errors:
            raise _refused(f"brief “{data.title}”", at, errors)
        return {
            "requester_id": w.people[data.requester] if data.requester else None,
            "owner_id": w.people[data.owner] if data.owner else None,
            "kpi_id": kpi_ids[data.kpi] if data.kpi else None,
            "budget_line_id": line.id if data.budget_line and line else None,
        }

    data = validate_brief(plan.raw, w.context(plan.created))
    brief = Brief()
    briefs._apply(brief, data, ids(data, plan.created))
    status = "draft"
    transitions = [
        {
            "at": plan.created,
            "actor": plan.actor,
            "from_status": None,
            "to_status": "draft",
            "comment": "created",
        }
    ]
    entries = [_Entry(plan.created, plan.actor, "created", "", after=briefs.snapshot(data))]
    since = plan.created
    outcome = ("", "")
    updated = (plan.created, plan.actor)
    for step in plan.steps:
        if step.action == "edit":
            new = validate_brief(step.values, w.context(step.at), base=data)
            before, after = briefs.snapshot(data), briefs.snapshot(new)
            diff = audit.changes(before, after)
            errors = brief_rules.edit_failures(status, new)
            if not diff:
                errors.append(FieldError("edit", "no change"))
            if errors:
                raise _refused(f"editing “{data.title}”", step.at, errors)
            briefs._apply(brief, new, ids(new, step.at))
            names = ", ".join(k.replace("_", " ") for k in diff)
            entries.append(
                _Entry(
                    step.at,
                    step.actor,
                    "edited",
                    f"edited {names}",
                    before={k: before[k] for k in diff},
                    after={k: after[k] for k in diff},
                )
            )
            data = new
        else:
            reason = str(step.values.get("reason") or "")
            result = str(step.values.get("result") or "")
            not_measured = str(step.values.get("not_measured") or "")
            probe = _Probe(
                status=status,
                title=data.title,
                objective=data.objective,
                audience=data.audience,
                launch_date=data.launch_date,
                kpi=data.kpi,
                kpi_status=plan.kpi.status_at(step.at) if plan.kpi and data.kpi else None,
                kpi_target=data.kpi_target,
                owner=data.owner,
                budget_requested=data.budget_requested,
                budget_line_id=line.id if data.budget_line and line else None,
                line_starts_on=line.starts_on if data.budget_line and line else None,
                line_ends_on=line.ends_on if data.budget_line and line else None,
            )
            ctx = MoveContext(step.at.date(), policy, reason, result, not_measured)
            failures = brief_rules.guard_failures(probe, step.action, ctx)
            if failures:
                raise _refused(f"{step.action} “{data.title}”", step.at, failures)
            target = brief_rules.MOVES[step.action].target
            comment = (
                reason.strip()
                or (f"result: {result.strip()}" if result.strip() else "")
                or (f"not measured: {not_measured.strip()}" if not_measured.strip() else "")
            )
            if step.action == "done":
                outcome = (result.strip(), not_measured.strip())
            transitions.append(
                {
                    "at": step.at,
                    "actor": step.actor,
                    "from_status": status,
                    "to_status": target,
                    "comment": comment,
                }
            )
            entries.append(
                _Entry(
                    step.at,
                    step.actor,
                    step.action,
                    f"{brief_rules.status_label(status)} → {brief_rules.status_label(target)}"
                    + (f": {comment}" if comment else ""),
                    before={"status": status},
                    after={"status": target, "comment": comment},
                )
            )
            status, since = target, step.at
        updated = (step.at, step.actor)
    brief.status, brief.status_since = status, since
    brief.outcome_result, brief.outcome_reason = outcome
    brief.created_at, brief.created_by = plan.created, plan.actor
    brief.updated_at, brief.updated_by = updated
    brief.version = 1 + len(plan.steps)
    return _BriefReplay(_columns(brief, _table(Brief)), transitions, entries)
