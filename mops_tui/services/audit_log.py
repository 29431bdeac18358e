"""The audit log as a list (filter by actor, area, dates and words), one entry field by
field, and undoing your own last change. Kept apart from :mod:`mops_tui.services.audit`
(writing entries, a record's history), which every write imports: a quick lookup
should not pay for the log viewer and undo."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mops_tui.domain.errors import DomainError, NotFound
from mops_tui.domain.money import format_money
from mops_tui.services.audit import _jsonable, record
from mops_tui.store.queries import audit as q
from mops_tui.store.reader import as_datetime

if TYPE_CHECKING:
    from mops_tui.services.workspace import Workspace


# ---------------------------------------------------------------------------
# The audit log as a list: filter by actor, area, dates and words
# ---------------------------------------------------------------------------

# What ``area:`` accepts: an entity name as the log stores it, or a word for several.
AREA_ALIASES: dict[str, tuple[str, ...]] = {
    "tool": ("tool",),
    "tools": ("tool",),
    "stack": ("tool", "integration"),
    "integration": ("integration",),
    "integrations": ("integration",),
    "flow": ("integration",),
    "kpi": ("kpi",),
    "kpis": ("kpi",),
    "spend": ("spend",),
    "entry": ("spend",),
    "budget_line": ("budget_line",),
    "line": ("budget_line",),
    "budget": ("budget_line",),
    "ledger": ("spend", "budget_line", "period", "import", "import_profile"),
    "period": ("period",),
    "close": ("period",),
    "import": ("import", "import_profile"),
    "brief": ("brief",),
    "briefs": ("brief",),
    "person": ("person",),
    "people": ("person",),
    "inbox": ("inbox",),
}
AREA_LABELS: dict[str, str] = {
    "tool": "tool",
    "integration": "integration",
    "kpi": "KPI",
    "spend": "spend",
    "budget_line": "budget line",
    "period": "period",
    "import": "import",
    "import_profile": "import profile",
    "brief": "brief",
    "person": "person",
    "inbox": "inbox",
}
FILTER_HELP = (
    "actor:ana (or actor:me) · area:tool, kpi, spend, budget_line, brief, person, "
    "integration, period, import (or stack, ledger) · from:2026-11-01 to:2026-11-30 · "
    "action:edited · words in the summary"
)


def area_label(entity: str) -> str:
    return AREA_LABELS.get(entity, entity.replace("_", " "))


@dataclass(frozen=True)
class AuditRecord:
    """One audit-log entry with its id, as the audit view lists it."""

    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int
    action: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def area(self) -> str:
        return area_label(self.entity)


def _loads(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def _record(row: dict[str, Any]) -> AuditRecord:
    at = as_datetime(row["at"])
    assert at is not None
    return AuditRecord(
        id=row["id"],
        at=at,
        actor=row["actor"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        summary=row["summary"] or "",
        before=_loads(row["before_json"]),
        after=_loads(row["after_json"]),
    )


def parse_query(ws: Workspace, query: str) -> q.AuditFilter:
    """``actor:ana area:tool from:2026-11-01 to:2026-11-30 renewal`` → a filter.

    ``actor:me`` is the person using mops. ``on:DATE`` is one day. A term whose value
    is not understood is searched as words, so nothing typed is silently dropped."""
    from mops_tui.domain.dates import DateError, parse_date

    actors: list[str] = []
    entities: list[str] = []
    actions: list[str] = []
    words: list[str] = []
    entity_id: int | None = None
    starts: date | None = None
    ends: date | None = None
    for term in query.split():
        key, sep, value = term.partition(":")
        key = key.lower()
        if sep and value:
            values = [v for v in value.split(",") if v]
            if key in ("actor", "by", "who"):
                actors += [ws.actor if v.lower() == "me" else v for v in values]
                continue
            if key in ("area", "entity", "in"):
                for v in values:
                    name = v.lower().replace("-", "_")
                    entities += AREA_ALIASES.get(name, (name,))
                continue
            if key == "action":
                actions += [v.lower() for v in values]
                continue
            if key == "id" and value.lstrip("#").isdigit():
                entity_id = int(value.lstrip("#"))
                continue
            if key in ("from", "since", "to", "until", "on"):
                try:
                    day = parse_date(value, ws.today())
                except DateError:
                    day = None
                if day is not None:
                    if key in ("from", "since", "on"):
                        starts = day
                    if key in ("to", "until", "on"):
                        ends = day
                    continue
        words.append(term)
    return q.AuditFilter(
        actors=tuple(dict.fromkeys(actors)),
        entities=tuple(dict.fromkeys(entities)),
        actions=tuple(dict.fromkeys(actions)),
        entity_id=entity_id,
        starts_on=starts,
        ends_on=ends,
        words=tuple(words),
    )


class AuditListing:
    """The query behind the audit view: newest first unless sorted otherwise."""

    columns_sortable = tuple(q.SORTS)

    def __init__(self, ws: Workspace, base: str = "") -> None:
        self.ws = ws
        self.base = base

    def _filter(self, query: str) -> q.AuditFilter:
        return parse_query(self.ws, f"{self.base} {query}".strip())

    def count(self, query: str) -> int:
        return q.count_entries(self.ws.reader, self._filter(query))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[AuditRecord]:
        rows = q.list_entries(self.ws.reader, self._filter(query), sort, descending, offset, limit)
        return [_record(r) for r in rows]


def list_entries(ws: Workspace, query: str = "", limit: int = 100) -> list[AuditRecord]:
    return AuditListing(ws).page(query, "at", True, 0, limit)


def get_entry(ws: Workspace, entry_id: int) -> AuditRecord:
    row = q.entry_by_id(ws.reader, entry_id)
    if row is None:
        raise NotFound(f"there is no audit entry #{entry_id}")
    return _record(row)


# -- before and after, field by field ---------------------------------------------

MONEY_FIELDS = frozenset({"annual_cost", "planned", "budget_requested", "amount"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    changed: bool


def field_label(name: str) -> str:
    return name.replace("_", " ")


def format_value(name: str, value: Any, currency: str) -> str:
    """A stored value as people read it: money with its symbol, yes/no, dates."""
    if value is None or value == "":
        return "—"
    if name in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, currency)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_changes(entry: AuditRecord, currency: str) -> list[FieldChange]:
    """Every field the entry records, before and after, in the order it wrote them."""
    before = entry.before or {}
    after = entry.after or {}
    names = list(dict.fromkeys([*after, *before]))
    out = []
    for name in names:
        old, new = before.get(name), after.get(name)
        out.append(
            FieldChange(
                name,
                field_label(name),
                format_value(name, old, currency) if name in before else "—",
                format_value(name, new, currency) if name in after else "—",
                _jsonable(old) != _jsonable(new),
            )
        )
    return out


def record_label(ws: Workspace, entity: str, entity_id: int) -> str:
    """How people name the record an entry is about ("" when it cannot be found)."""
    row = q.record_row(ws.reader, entity, entity_id)
    if row is None:
        return ""
    if entity == "brief":
        return f"#{entity_id} {row['label']}"
    if entity == "budget_line":
        text = f"{row['label']} {row['channel']}"
        return text + (f" / {row['campaign']}" if row["campaign"] else "")
    if entity == "spend":
        day = str(row["entry_date"])[:10]
        money = format_money(int(row["amount"]), ws.currency)
        return f"#{entity_id} {money} to {row['label']} on {day}"
    if entity == "integration":
        return f"{row['label']} → {row['target']}: {row['data']}"
    return str(row["label"])


@dataclass(frozen=True)
class EntryDetail:
    entry: AuditRecord
    record: str
    changes: list[FieldChange]


def detail(ws: Workspace, entry_id: int) -> EntryDetail:
    entry = get_entry(ws, entry_id)
    return EntryDetail(
        entry, record_label(ws, entry.entity, entry.entity_id), field_changes(entry, ws.currency)
    )


# ---------------------------------------------------------------------------
# Undo: the current actor's last change, as a new audited change
# ---------------------------------------------------------------------------


class UndoRefused(DomainError):
    """The last change cannot be undone with ``u``; the message says what to do."""

    exit_code = 1


# Fields an undo may set back, per kind of record (the services' own edit fields).
_TOOL_FIELDS = (
    "name",
    "vendor",
    "category",
    "owner",
    "purpose",
    "annual_cost",
    "billing_cycle",
    "renewal_date",
    "auto_renew",
    "notice_days",
    "seats_bought",
    "seats_used",
    "holds_personal_data",
    "dpa_signed_on",
    "data_region",
    "last_reviewed_on",
    "website",
    "notes",
)
_LINE_FIELDS = ("period", "channel", "campaign", "tool", "planned", "owner", "notes")
_PERSON_FIELDS = frozenset({"owner", "requester"})


@dataclass(frozen=True)
class UndoPlan:
    """What undoing ``entry`` will do, shown before it is done."""

    entry: AuditRecord
    record: str  # how people name the record
    kind: str  # restore, reverse, remove
    title: str  # one line: "Undo your edit of HubSpot"
    description: str  # what will happen, in sentences
    # (The undo is always recorded in the audit log as the actor's own change.)
    changes: list[FieldChange] = field(default_factory=list)  # now → after the undo
    target: tuple[str, int] = ("", 0)  # the record the undo writes to
    raw: dict[str, Any] = field(default_factory=dict)  # restore: the values to set
    version: int | None = None  # restore: the version the plan read


def _undo_links(ws: Workspace) -> tuple[set[int], set[int]]:
    """Entries undone already, and entries written by undos (both skipped by undo)."""
    undone: set[int] = set()
    written: set[int] = set()
    for row in q.undo_markers(ws.reader, ws.actor):
        written.add(row["id"])
        link = _loads(row["after_json"]) or {}
        if isinstance(link.get("undoes"), int):
            undone.add(link["undoes"])
        written.update(i for i in link.get("entries", []) if isinstance(i, int))
    return undone, written


def last_change(ws: Workspace) -> AuditRecord | None:
    """The current actor's most recent change that is neither undone nor an undo."""
    undone, written = _undo_links(ws)
    offset = 0
    while True:
        rows = q.entries_of_actor(ws.reader, ws.actor, offset, 200)
        for row in rows:
            if row["id"] in undone or row["id"] in written or row["action"] == "undo":
                continue
            return _record(row)
        if len(rows) < 200:
            return None
        offset += 200


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "an unknown time"


def _someone_else(who: str | None, when: datetime | None, label: str, what: str = "") -> str:
    said = f" (“{what}”)" if what else ""
    return (
        f"{who or 'Someone else'} changed {label} at {_when(when)}, after your change{said}. "
        "Undoing yours now would overwrite theirs; change it by hand instead, or ask them."
    )


def _refusal(entry: AuditRecord, label: str) -> str:
    """Why ``u`` does not undo this kind of change, and what to do instead."""
    name = label or f"{area_label(entry.entity)} {entry.entity_id}"
    entity, action = entry.entity, entry.action
    if action == "created" and entity in ("tool", "kpi", "brief", "budget_line", "person"):
        instead = {
            "tool": "retire it with a reason (t in Stack)",
            "kpi": "deprecate it (t in KPIs) or leave it as a draft",
            "brief": "cancel it with a reason (x in Briefs)",
            "budget_line": "edit its planned amount to 0 (e in Ledger)",
            "person": "leave them; people are kept for the history they appear in",
        }[entity]
        return f"Your last change added {name}. Nothing in mops is deleted: {instead}."
    if action == "imported" or entity == "import":
        rows = (entry.after or {}).get("rows") or (entry.after or {}).get("entries")
        many = f" of {rows} rows" if isinstance(rows, int) else ""
        return (
            f"Your last change was an import{many} ({entry.summary}). u takes back one change "
            "at a time: edit, retire or reverse the records you did not mean, or import a "
            "corrected file."
        )
    if action == "status" or entity == "brief":
        where = {"tool": "t in Stack", "kpi": "t in KPIs", "brief": "the workflow keys in Briefs"}
        return (
            f"Your last change moved {name} ({entry.summary}). Status moves are not undone "
            f"with u: move it again with {where.get(entity, 'its status key')}, with a reason "
            "where one is asked."
        )
    if entity == "spend" and action == "corrected":
        return (
            f"Your last change corrected {name}: it is already a reversal plus a new entry. "
            "To change it again, correct the new entry (c in Ledger)."
        )
    if entity == "spend" and action == "reversed":
        return (
            f"Your last change reversed {name}. A reversal is not reversed: add the entry "
            "again (n in Ledger)."
        )
    if entity == "period":
        month = (entry.after or {}).get("month") or name
        if action == "closed":
            return (
                f"Your last change closed {month}. Reopen it with a reason: "
                f"mops budget reopen {month}."
            )
        return f"Your last change reopened {month}. Close it again: mops budget close {month}."
    if entity == "integration" and action == "removed":
        return f"Your last change removed the integration {name}. Add it again (i in Stack)."
    if entity == "tool" and action == "renewal":
        return (
            f"Your last change recorded a renewal decision for {name}. Decisions stay on "
            "record; record the new decision from the inbox."
        )
    return (
        f"Your last change ({area_label(entity)} {action}: {entry.summary}) is not one u can "
        "undo; change it back by hand."
    )


def _current(ws: Workspace, entity: str, entity_id: int) -> tuple[dict[str, Any], Any, str]:
    """The record as it is now: its values as the audit log stores them, its view,
    and its name."""
    from mops_tui.services import briefs, kpis, ledger, stack

    if entity == "tool":
        tool = stack.get(ws, entity_id)
        return {f: getattr(tool, f) for f in _TOOL_FIELDS}, tool, tool.name
    if entity == "kpi":
        kpi = kpis.get(ws, entity_id)
        return kpis.snapshot_of(kpi), kpi, kpi.key
    if entity == "brief":
        brief = briefs.get(ws, entity_id)
        values = briefs.snapshot(brief)
        values["budget_line"] = f"#{brief.budget_line_id}" if brief.budget_line_id else None
        return values, brief, f"brief #{brief.id} {brief.title}"
    line = ledger.get_line(ws, entity_id)
    values = {
        "period": line.period,
        "channel": line.channel,
        "campaign": line.campaign or "",
        "tool": line.tool,
        "planned": line.planned,
        "owner": line.owner,
        "notes": line.notes,
    }
    return values, line, f"budget line {line.ref}"


def _same(ws: Workspace, name: str, now: Any, then: Any) -> bool:
    """Whether the stored value ``now`` is the value a change set (``then``), allowing
    for how it was typed (a person's name for their handle, another case)."""
    a, b = _jsonable(now), _jsonable(then)
    if a == b or (a in (None, "") and b in (None, "")):
        return True
    if isinstance(a, str) and isinstance(b, str):
        from mops_tui.domain.text import key_of

        if key_of(a) == key_of(b):
            return True
        if name in _PERSON_FIELDS:
            from mops_tui.services import people

            try:
                person = people.resolve(ws, b)
            except DomainError:
                return False
            return person is not None and person["handle"] == a
    return False


_EDITABLE: dict[str, tuple[str, ...]] = {
    "tool": _TOOL_FIELDS,
    "budget_line": _LINE_FIELDS,
}


def _editable(entity: str) -> tuple[str, ...]:
    from mops_tui.services import briefs, kpis

    if entity == "kpi":
        return kpis.INPUT_FIELDS
    if entity == "brief":
        return briefs.INPUT_FIELDS
    return _EDITABLE[entity]


def _plan_restore(ws: Workspace, entry: AuditRecord) -> UndoPlan:
    """An edit: set the fields it changed back to their values before it."""
    from mops_tui.domain import kpis as kpi_rules

    before = entry.before or {}
    after = entry.after or {}
    fields = [f for f in before if f in _editable(entry.entity)]
    if not fields:
        raise UndoRefused(_refusal(entry, ""))
    try:
        values, view, label = _current(ws, entry.entity, entry.entity_id)
    except NotFound as exc:
        raise UndoRefused(f"The record your last change edited is gone: {exc}") from exc
    if view.updated_by and view.updated_by != ws.actor:
        raise UndoRefused(_someone_else(view.updated_by, view.updated_at, label))
    moved = [f for f in fields if not _same(ws, f, values.get(f), after.get(f))]
    if moved:
        shown = "; ".join(
            f"{field_label(f)} is {format_value(f, values.get(f), ws.currency)}, "
            f"you set {format_value(f, after.get(f), ws.currency)}"
            for f in moved[:3]
        )
        raise UndoRefused(
            f"{label[0].upper() + label[1:]} no longer holds what your change set ({shown}). "
            "Change it by hand instead."
        )
    changes = [
        FieldChange(
            f,
            field_label(f),
            format_value(f, values.get(f), ws.currency),
            format_value(f, before.get(f), ws.currency),
            True,
        )
        for f in fields
    ]
    steps = "; ".join(
        f"{c.label} back from {_short(c.before)} to {_short(c.after)}" for c in changes
    )
    description = f"Set {label}'s {steps}" + ("" if steps.endswith("…") else ".")
    if entry.entity == "kpi" and getattr(view, "status", "") == "active":
        meaning = kpi_rules.meaning_changes(
            {f: values.get(f) for f in fields}, {f: before.get(f) for f in fields}
        )
        if meaning:
            description += (
                f" The KPI is active and this changes its meaning, so it becomes version "
                f"{view.current_version + 1}, in force from today; earlier versions stay readable."
            )
    return UndoPlan(
        entry,
        label,
        "restore",
        f"Undo your edit of {label}?",
        description,
        changes,
        (entry.entity, entry.entity_id),
        {f: before.get(f) for f in fields},
        view.version,
    )


def _plan_reverse(ws: Workspace, entry: AuditRecord, entry_id: int) -> UndoPlan:
    """Spend the actor added: a reversal cancels it (the ledger is append-only)."""
    from mops_tui.services import ledger

    try:
        spend = ledger.get_entry(ws, entry_id)
    except NotFound as exc:
        raise UndoRefused(f"The entry your last change added is gone: {exc}") from exc
    label = record_label(ws, "spend", entry_id)
    if spend.reversed_by is not None:
        reversal = ledger.get_entry(ws, spend.reversed_by)
        raise UndoRefused(
            f"Entry {label} was already reversed by {reversal.created_by} "
            f"(entry #{reversal.id}); there is nothing left to undo."
        )
    money = format_money(spend.amount, ws.currency)
    description = (
        f"Reverse entry {label} ({spend.line_label}): a reversal of "
        f"{format_money(-spend.amount, ws.currency)} is added on the same date and line. "
        f"The ledger is append-only, so both entries stay visible and the {money} no "
        "longer counts."
    )
    return UndoPlan(
        entry,
        label,
        "reverse",
        f"Undo your spend entry {label}?",
        description,
        [FieldChange("amount", "amount", money, format_money(0, ws.currency), True)],
        ("spend", entry_id),
    )


def _plan_remove(ws: Workspace, entry: AuditRecord) -> UndoPlan:
    label = record_label(ws, "integration", entry.entity_id)
    row = q.record_row(ws.reader, "integration", entry.entity_id)
    if row is None:
        raise UndoRefused("The integration your last change added is gone.")
    if row["removed_at"] is not None:
        raise UndoRefused(
            f"The integration {label} was already removed by {row['removed_by']} at "
            f"{_when(as_datetime(row['removed_at']))}; there is nothing left to undo."
        )
    return UndoPlan(
        entry,
        label,
        "remove",
        f"Undo your integration {row['label']} → {row['target']}?",
        f"Remove the integration {label}. It stays in both tools' history.",
        [FieldChange("integration", "integration", "live", "removed", True)],
        ("integration", entry.entity_id),
    )


def plan_undo(ws: Workspace) -> UndoPlan:
    """What ``u`` would do now: undo the current actor's most recent change.

    Raises :class:`UndoRefused` (saying what to do instead) when that change is not
    one ``u`` undoes, or when someone else changed the record after it."""
    entry = last_change(ws)
    if entry is None:
        raise UndoRefused(f"{ws.actor} has no change to undo in this workspace.")
    kind = (entry.entity, entry.action)
    if kind in (("tool", "edited"), ("kpi", "edited"), ("budget_line", "edited")):
        return _plan_restore(ws, entry)
    if kind == ("brief", "edited"):
        return _plan_restore(ws, entry)
    if kind in (("spend", "created"), ("spend", "imported")):
        _refuse_if_others(ws, entry)
        return _plan_reverse(ws, entry, entry.entity_id)
    if kind == ("import", "spend") and (entry.after or {}).get("rows") == 1:
        batch = str((entry.after or {}).get("batch") or "")
        found = q.spend_of_batch(ws.reader, batch) if batch else []
        if len(found) == 1:
            plan = _plan_reverse(ws, entry, found[0]["id"])
            _refuse_if_others(ws, entry, ("spend", found[0]["id"]))
            return plan
    if kind == ("integration", "created"):
        _refuse_if_others(ws, entry)
        return _plan_remove(ws, entry)
    raise UndoRefused(_refusal(entry, record_label(ws, entry.entity, entry.entity_id)))


def _refuse_if_others(
    ws: Workspace, entry: AuditRecord, target: tuple[str, int] | None = None
) -> None:
    entity, entity_id = target or (entry.entity, entry.entity_id)
    later = q.later_by_others(ws.reader, entity, entity_id, entry.id, ws.actor)
    if later is not None:
        other = _record(later)
        label = record_label(ws, entity, entity_id) or f"{area_label(entity)} {entity_id}"
        raise UndoRefused(_someone_else(other.actor, other.at, label, other.summary))


def undo_last(ws: Workspace, expected_entry: int | None = None) -> str:
    """Undo the current actor's most recent change as a new, audited change; return
    what was done. ``expected_entry`` (the entry a confirmation showed) makes sure the
    change undone is the one the user agreed to.

    Audit rows are never deleted: the service that makes the undo writes its own entry,
    and an ``undo`` entry links it to the change it undid (so the next ``u`` goes one
    change further back)."""
    from mops_tui.services import briefs, kpis, ledger, stack

    plan = plan_undo(ws)
    entry = plan.entry
    if expected_entry is not None and entry.id != expected_entry:
        raise UndoRefused(
            "Your last change is no longer the one shown (another change of yours was "
            "saved meanwhile). Press u again to see it."
        )
    mark = q.last_id(ws.reader)
    entity, entity_id = plan.target
    if plan.kind == "restore":
        if entity == "tool":
            stack.update(ws, entity_id, plan.raw, plan.version)
        elif entity == "kpi":
            kpis.update(
                ws, entity_id, plan.raw, plan.version, change_note=f"undo of change #{entry.id}"
            )
        elif entity == "budget_line":
            ledger.update_line(ws, entity_id, plan.raw, plan.version)
        else:
            briefs.update(ws, entity_id, plan.raw, plan.version)
    elif plan.kind == "reverse":
        ledger.reverse_entry(ws, entity_id, reason=f"undo of change #{entry.id}")
    else:
        stack.remove_integration(ws, entity_id)
    written = q.written_since(ws.reader, mark, ws.actor, entity, entity_id)
    summary = entry.summary if len(entry.summary) <= 120 else entry.summary[:119] + "…"
    with ws.transaction() as s:
        record(
            s,
            ws,
            entry.entity,
            entry.entity_id,
            "undo",
            f"undid change #{entry.id}: {summary}",
            after={"undoes": entry.id, "entries": written},
        )
    return f"Undone: {plan.description}"
