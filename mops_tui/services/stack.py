"""Stack use cases: list, look up, add, edit, move through the lifecycle, integrate, import.

Keep this module cheap to import: ``mops stack X`` uses its reads, which need neither
pydantic nor SQLAlchemy. Write functions import those inside their bodies; a test
checks that a lookup loads neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mops_tui.domain import tools as rules
from mops_tui.domain.context import Context
from mops_tui.domain.errors import (
    FieldError,
    NeedsConfirmation,
    NotFound,
    StaleRecord,
    ValidationFailed,
)
from mops_tui.domain.money import format_money
from mops_tui.domain.text import fold, key_of
from mops_tui.domain.tools import Flag, ToolView
from mops_tui.services import audit
from mops_tui.services import people as people_service
from mops_tui.services.audit import HistoryItem
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import stack as q
from mops_tui.store.queries.stack import IntegrationView, parse_filter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mops_tui.domain.tool_schema import ToolInput
    from mops_tui.store.models import Tool

# Fields kept in the audit log's before/after snapshots, in display order.
SNAPSHOT_FIELDS: tuple[str, ...] = (
    "name",
    "vendor",
    "category",
    "owner",
    "purpose",
    "status",
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
    "retired_on",
    "retired_reason",
    "website",
    "notes",
)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


class ToolListing:
    """The query behind the Stack table: filter, sort and page, never the whole table."""

    columns_sortable = tuple(q.SORTS)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def count(self, query: str) -> int:
        return q.count_tools(self.ws.reader, parse_filter(people_service.with_mine(self.ws, query)))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[ToolView]:
        views = q.list_tools(
            self.ws.reader,
            parse_filter(people_service.with_mine(self.ws, query)),
            sort,
            descending,
            offset,
            limit,
        )
        return views


def lookup(ws: Workspace, query: str) -> list[ToolView]:
    return q.lookup(ws.reader, people_service.with_mine(ws, query))


def list_tools(ws: Workspace, query: str = "", sort: str = "name") -> list[ToolView]:
    return q.list_tools(
        ws.reader, parse_filter(people_service.with_mine(ws, query)), sort, limit=1_000_000
    )


def get(ws: Workspace, tool_id: int) -> ToolView:
    view = q.tool_by_id(ws.reader, tool_id)
    if view is None:
        raise NotFound(f"there is no tool with id {tool_id}")
    return view


def get_by_name(ws: Workspace, name: str) -> ToolView:
    view = q.tool_by_name(ws.reader, name)
    if view is None:
        raise NotFound(f"there is no tool called “{name}”")
    return view


@dataclass
class ToolDetail:
    tool: ToolView
    flags: list[Flag]
    integrations: list[IntegrationView]
    history: list[HistoryItem]
    kpis: list[dict[str, Any]] = field(default_factory=list)
    spend: int = 0  # spend linked to the tool in the current fiscal year
    spend_period: str = ""

    @property
    def outgoing(self) -> list[IntegrationView]:
        return [i for i in self.integrations if i.source_id == self.tool.id]

    @property
    def incoming(self) -> list[IntegrationView]:
        return [i for i in self.integrations if i.target_id == self.tool.id]


def detail(ws: Workspace, tool_id: int) -> ToolDetail:
    view = get(ws, tool_id)
    spend, spend_period = spend_this_year(ws, tool_id)
    return ToolDetail(
        tool=view,
        flags=view.flags(ws.today(), ws.policy, ws.currency),
        integrations=q.integrations_of(ws.reader, tool_id),
        kpis=q.kpis_of_tool(ws.reader, tool_id),
        spend=spend,
        spend_period=spend_period,
        history=audit.tool_history(ws, tool_id),
    )


def spend_this_year(ws: Workspace, tool_id: int) -> tuple[int, str]:
    """Spend linked to the tool this fiscal year, and the year's label (read directly:
    a lookup should not import the whole ledger service)."""
    from mops_tui.domain.dates import fiscal_year_bounds

    first, last, fy = fiscal_year_bounds(ws.today(), ws.fy_start)
    return q.tool_spend(ws.reader, tool_id, first, last), f"FY{fy}"


def tool_choices(ws: Workspace, include_retired: bool = False) -> list[tuple[str, int]]:
    return [(r["name"], r["id"]) for r in q.tool_names(ws.reader, include_retired)]


def form_values(view: ToolView, currency: str) -> dict[str, str]:
    """A tool's current values as the text a form shows (and parses back unchanged)."""

    def d(value: date | None) -> str:
        return value.isoformat() if value else ""

    return {
        "name": view.name,
        "vendor": view.vendor,
        "category": view.category,
        "owner": view.owner or "",
        "purpose": view.purpose,
        "status": view.status,
        "annual_cost": format_money(
            view.annual_cost, currency, exact=True, symbol=False, grouping=False, empty=""
        ),
        "billing_cycle": view.billing_cycle or "",
        "renewal_date": d(view.renewal_date),
        "auto_renew": "yes" if view.auto_renew else "no",
        "notice_days": "" if view.notice_days is None else str(view.notice_days),
        "seats_bought": "" if view.seats_bought is None else str(view.seats_bought),
        "seats_used": "" if view.seats_used is None else str(view.seats_used),
        "holds_personal_data": "yes" if view.holds_personal_data else "no",
        "dpa_signed_on": d(view.dpa_signed_on),
        "data_region": view.data_region or "",
        "last_reviewed_on": d(view.last_reviewed_on),
        "website": view.website or "",
        "notes": view.notes,
    }


def as_input(view: ToolView) -> ToolInput:
    """The stored tool as a validated-input object, the base for partial edits."""
    from mops_tui.domain.tool_schema import ToolInput

    return ToolInput.model_construct(
        **{name: getattr(view, name) for name in ToolInput.model_fields}
    )


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


def _snapshot(tool: Tool, owner_handle: str | None) -> dict[str, Any]:
    snap = {f: getattr(tool, f, None) for f in SNAPSHOT_FIELDS if f != "owner"}
    snap["owner"] = owner_handle
    return snap


def _describe(changes: Mapping[str, tuple[Any, Any]], currency: str) -> str:
    parts: list[str] = []
    for name, (old, new) in changes.items():
        label = name.replace("_", " ")
        if name in ("purpose", "notes", "retired_reason"):
            parts.append(f"{label} changed")
            continue
        if name == "annual_cost":
            old, new = format_money(old, currency), format_money(new, currency)
        elif isinstance(old, bool) or isinstance(new, bool):
            old, new = ("yes" if old else "no"), ("yes" if new else "no")
        old_s = "—" if old in (None, "") else str(old)
        new_s = "—" if new in (None, "") else str(new)
        parts.append(f"{label} {old_s} → {new_s}")
    return "; ".join(parts)


def _apply(tool: Tool, data: ToolInput, owner_id: int | None) -> None:
    tool.name = data.name
    tool.name_key = key_of(data.name)
    tool.search_key = fold(f"{data.name} {data.vendor} {data.category}")
    tool.vendor = data.vendor
    tool.category = data.category
    tool.owner_id = owner_id
    tool.purpose = data.purpose
    tool.status = data.status
    tool.annual_cost = data.annual_cost
    tool.billing_cycle = data.billing_cycle
    tool.renewal_date = data.renewal_date
    tool.notice_days = data.notice_days
    tool.cancel_by = rules.cancel_by(data.renewal_date, data.notice_days)
    tool.auto_renew = data.auto_renew
    tool.seats_bought = data.seats_bought
    tool.seats_used = data.seats_used
    tool.holds_personal_data = data.holds_personal_data
    tool.dpa_signed_on = data.dpa_signed_on
    tool.data_region = data.data_region
    tool.last_reviewed_on = data.last_reviewed_on
    tool.website = data.website
    tool.notes = data.notes


def _name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    from sqlalchemy import select

    from mops_tui.store.models import Tool

    stmt = select(Tool.id).where(Tool.name_key == key_of(name))
    if except_id is not None:
        stmt = stmt.where(Tool.id != except_id)
    return session.scalar(stmt) is not None


def _owner(ws: Workspace, text: str | None) -> tuple[int | None, str | None, list[FieldError]]:
    """The person an owner field names, as ``(id, handle, errors)``."""
    try:
        person = people_service.resolve(ws, text)
    except ValidationFailed as exc:
        return None, None, exc.fields
    if person is None:
        return None, None, []
    return person["id"], person["handle"], []


def _refuse_duplicate(name: str) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "name",
                f"a tool called “{name}” is already in the stack "
                "(names are unique whatever their case)",
            )
        ]
    )


def _validated(
    ws: Workspace,
    raw: Mapping[str, Any],
    *,
    base: ToolInput | None = None,
    warnings: list[FieldError] | None = None,
) -> tuple[ToolInput, int | None]:
    """Validate through the domain and resolve the owner, reporting every field at once."""
    from mops_tui.domain.tool_schema import validate_tool

    errors: list[FieldError] = []
    data: ToolInput | None = None
    try:
        data = validate_tool(raw, ws.context(), base=base, warnings=warnings)
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    owner_text = raw.get("owner") if "owner" in raw else (base.owner if base else None)
    owner_id, handle, owner_errors = _owner(ws, owner_text)
    if not any(e.field == "owner" for e in errors):
        errors.extend(owner_errors)
    if errors or data is None:
        raise ValidationFailed(errors)
    # Store and audit the person's handle, whatever form of their name was typed.
    return data.model_copy(update={"owner": handle}), owner_id


def create(
    ws: Workspace, raw: Mapping[str, Any], warnings: list[FieldError] | None = None
) -> ToolView:
    from sqlalchemy.exc import IntegrityError

    from mops_tui.store.models import Tool

    data, owner_id = _validated(ws, raw, warnings=warnings)
    if data.status == "retired":
        raise ValidationFailed(
            [FieldError("status", "a new tool cannot start retired; add it, then retire it")]
        )
    try:
        with ws.transaction() as s:
            if _name_taken(s, data.name):
                raise _refuse_duplicate(data.name)
            now = ws.now()
            tool = Tool(created_at=now, created_by=ws.actor, updated_at=now, updated_by=ws.actor)
            _apply(tool, data, owner_id)
            s.add(tool)
            s.flush()
            audit.record(
                s,
                ws,
                "tool",
                tool.id,
                "created",
                f"added {data.name} as {rules.status_label(data.status)}",
                after=_snapshot(tool, data.owner),
            )
            new_id = tool.id
    except IntegrityError as exc:
        raise _refuse_duplicate(data.name) from exc
    return get(ws, new_id)


def _load_for_change(s: Session, ws: Workspace, tool_id: int, expected_version: int | None) -> Tool:
    from mops_tui.store.models import Tool

    tool = s.get(Tool, tool_id)
    if tool is None:
        raise NotFound(f"there is no tool with id {tool_id}")
    if expected_version is not None and tool.version != expected_version:
        raise StaleRecord(f"“{tool.name}”", tool.updated_by, tool.updated_at)
    return tool


def _stale_from(ws: Workspace, tool_id: int) -> StaleRecord:
    view = q.tool_by_id(ws.reader, tool_id)
    name = f"“{view.name}”" if view else "This tool"
    return StaleRecord(name, view.updated_by if view else None, view.updated_at if view else None)


def update(
    ws: Workspace,
    tool_id: int,
    raw: Mapping[str, Any],
    expected_version: int | None,
    warnings: list[FieldError] | None = None,
) -> ToolView:
    """Edit a tool's facts. Status moves go through :func:`transition`."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    current = get(ws, tool_id)
    typed_status = str(raw.get("status") or "").strip().lower().replace(" ", "_").replace("-", "_")
    if typed_status and typed_status != current.status:
        raise ValidationFailed(
            [FieldError("status", "change the status with a lifecycle move (t), not an edit")]
        )
    changes_raw = {k: v for k, v in raw.items() if k != "status"}
    data, owner_id = _validated(ws, changes_raw, base=as_input(current), warnings=warnings)
    try:
        with ws.transaction() as s:
            tool = _load_for_change(s, ws, tool_id, expected_version)
            if data.name != tool.name and _name_taken(s, data.name, except_id=tool_id):
                raise _refuse_duplicate(data.name)
            before = _snapshot(tool, current.owner)
            _apply(tool, data, owner_id)
            after = _snapshot(tool, data.owner)
            diff = audit.changes(before, after)
            if not diff:
                return current
            tool.updated_at = ws.now()
            tool.updated_by = ws.actor
            s.flush()
            audit.record(
                s,
                ws,
                "tool",
                tool.id,
                "edited",
                _describe(diff, ws.currency),
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
    except StaleDataError as exc:
        raise _stale_from(ws, tool_id) from exc
    except IntegrityError as exc:
        raise _refuse_duplicate(data.name) from exc
    return get(ws, tool_id)


def allowed_moves(view: ToolView) -> tuple[str, ...]:
    return rules.TRANSITIONS[view.status]


def transition_needs(ws: Workspace, view: ToolView, target: str) -> list[FieldError]:
    """Why ``view`` cannot simply move to ``target``: a refused move (field ``status``),
    or the facts the new status requires, which the move's form then asks for."""
    refused = [e for e in rules.transition_errors(view.status, target) if e.field == "status"]
    if refused:
        return refused
    needs: list[FieldError] = []
    if target == "retired":
        needs += [
            FieldError("reason", "say why the tool is being retired"),
            FieldError("retired_on", "enter the date the tool was retired"),
        ]
    probe = as_input(view).model_copy(update={"status": target})
    needs += [e for e in rules.contract_rules(probe, ws.today()) if not e.warning]
    return needs


def active_kpis_fed(ws: Workspace, tool_id: int) -> list[str]:
    """Keys of the active KPIs that draw data from the tool."""
    return [r["key"] for r in q.kpis_of_tool(ws.reader, tool_id) if r["status"] == "active"]


def transition(
    ws: Workspace,
    tool_id: int,
    raw: Mapping[str, Any],
    expected_version: int | None,
    *,
    confirmed_kpis: Sequence[str] | None = None,
) -> ToolView:
    """Move a tool through its lifecycle; ``raw`` holds the new status, a reason and
    date when retiring, and any facts the new status requires (cost, DPA, …).

    Retiring or decommissioning a tool that feeds active KPIs raises
    ``NeedsConfirmation`` naming them, unless ``confirmed_kpis`` names exactly those."""
    from sqlalchemy.orm.exc import StaleDataError

    current = get(ws, tool_id)
    ctx = ws.context()
    move_fields = {k: raw[k] for k in ("status", "reason", "retired_on") if k in raw}
    errors: list[FieldError] = []
    from mops_tui.domain.schema import validate_input
    from mops_tui.domain.tool_schema import ToolInput, TransitionInput

    move: TransitionInput | None = None
    try:
        move = validate_input(TransitionInput, move_fields, ctx)
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    fact_fields = {k: v for k, v in raw.items() if k in ToolInput.model_fields and k != "status"}
    data: ToolInput | None = None
    owner_id: int | None = None
    if move is not None:
        errors.extend(
            rules.transition_errors(
                current.status, move.status, move.reason, move.retired_on, ws.today()
            )
        )
        if not errors:
            try:
                data, owner_id = _validated(
                    ws, {**fact_fields, "status": move.status}, base=as_input(current)
                )
            except ValidationFailed as exc:
                errors.extend(exc.fields)
    if errors or move is None or data is None:
        raise ValidationFailed(errors)
    if move.status in ("retired", "decommissioning"):
        fed = active_kpis_fed(ws, tool_id)
        if fed and sorted(set(confirmed_kpis or ())) != sorted(fed):
            raise NeedsConfirmation(
                f"{current.name} supplies data to active KPIs: {', '.join(fed)}. "
                f"{'Retiring' if move.status == 'retired' else 'Decommissioning'} it leaves "
                "them without a working source; confirm that you mean it.",
                fed,
            )
    try:
        with ws.transaction() as s:
            tool = _load_for_change(s, ws, tool_id, expected_version)
            before = _snapshot(tool, current.owner)
            _apply(tool, data, owner_id)
            if move.status == "retired":
                tool.retired_on = move.retired_on
                tool.retired_reason = move.reason
            elif current.status == "retired":
                tool.retired_on = None
                tool.retired_reason = None
            tool.updated_at = ws.now()
            tool.updated_by = ws.actor
            after = _snapshot(tool, data.owner)
            diff = audit.changes(before, after)
            s.flush()
            summary = (
                f"status {rules.status_label(current.status)} → {rules.status_label(move.status)}"
            )
            if move.reason:
                summary += f": {move.reason}"
            if confirmed_kpis:
                summary += f" (confirmed although it feeds {', '.join(sorted(confirmed_kpis))})"
            other = {
                k: v for k, v in diff.items() if k not in ("status", "retired_reason", "retired_on")
            }
            if other:
                summary += f" (also {_describe(other, ws.currency)})"
            audit.record(
                s,
                ws,
                "tool",
                tool.id,
                "status",
                summary,
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
    except StaleDataError as exc:
        raise _stale_from(ws, tool_id) from exc
    return get(ws, tool_id)


# ---------------------------------------------------------------------------
# Integrations
# ---------------------------------------------------------------------------


def add_integration(ws: Workspace, raw: Mapping[str, Any]) -> IntegrationView:
    from sqlalchemy import select

    from mops_tui.domain.tool_schema import validate_integration
    from mops_tui.store.models import Integration

    item = validate_integration(raw, ws.context())
    errors: list[FieldError] = []
    source = q.tool_by_name(ws.reader, item.source)
    target = q.tool_by_name(ws.reader, item.target)
    if source is None:
        errors.append(FieldError("source", f"there is no tool called “{item.source}”"))
    if target is None:
        errors.append(FieldError("target", f"there is no tool called “{item.target}”"))
    for fld, view in (("source", source), ("target", target)):
        if view is not None and view.status == "retired":
            message = f"“{view.name}” is retired; it takes no new integrations"
            errors.append(FieldError(fld, message))
    if errors or source is None or target is None:
        raise ValidationFailed(errors)
    with ws.transaction() as s:
        live = s.scalars(
            select(Integration).where(
                Integration.source_id == source.id,
                Integration.target_id == target.id,
                Integration.removed_at.is_(None),
            )
        ).all()
        if any(key_of(i.data) == key_of(item.data) for i in live):
            raise ValidationFailed(
                [FieldError("data", f"{source.name} already sends “{item.data}” to {target.name}")]
            )
        row = Integration(
            source_id=source.id,
            target_id=target.id,
            data=item.data,
            personal=item.personal,
            created_at=ws.now(),
            created_by=ws.actor,
        )
        s.add(row)
        s.flush()
        personal = " (personal data)" if item.personal else ""
        audit.record(
            s,
            ws,
            "integration",
            row.id,
            "created",
            f"integration {source.name} → {target.name}: {item.data}{personal}",
            after={
                "source": source.name,
                "target": target.name,
                "data": item.data,
                "personal": item.personal,
            },
        )
        new_id = row.id
    for made in q.integrations_of(ws.reader, source.id):
        if made.id == new_id:
            return made
    raise NotFound("the new integration could not be read back")  # pragma: no cover


def remove_integration(ws: Workspace, integration_id: int) -> None:
    from mops_tui.store.models import Integration, Tool

    with ws.transaction() as s:
        row = s.get(Integration, integration_id)
        if row is None or row.removed_at is not None:
            raise NotFound("that integration has already been removed")
        source = s.get(Tool, row.source_id)
        target = s.get(Tool, row.target_id)
        row.removed_at = ws.now()
        row.removed_by = ws.actor
        names = f"{source.name if source else '?'} → {target.name if target else '?'}"
        audit.record(
            s,
            ws,
            "integration",
            row.id,
            "removed",
            f"removed integration {names}: {row.data}",
            before={
                "source": source.name if source else None,
                "target": target.name if target else None,
                "data": row.data,
                "personal": row.personal,
            },
        )


# ---------------------------------------------------------------------------
# CSV in and out
# ---------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[str, ...] = (
    "name",
    "vendor",
    "category",
    "owner",
    "status",
    "purpose",
    "annual_cost",
    "billing_cycle",
    "renewal_date",
    "auto_renew",
    "notice_days",
    "cancel_by",
    "seats_bought",
    "seats_used",
    "utilisation",
    "holds_personal_data",
    "dpa_signed_on",
    "data_region",
    "last_reviewed_on",
    "retired_on",
    "retired_reason",
    "website",
    "notes",
    "flags",
)
# Derived columns an export carries; an import of that export skips them.
DERIVED_COLUMNS = frozenset({"cancel_by", "utilisation", "flags", "owner_name", "id"})


def _import_columns() -> frozenset[str]:
    from mops_tui.domain.tool_schema import ToolInput

    return frozenset(ToolInput.model_fields) | {"retired_on", "retired_reason"}


def export_rows(ws: Workspace, query: str = "") -> list[dict[str, str]]:
    today = ws.today()
    out: list[dict[str, str]] = []
    for v in list_tools(ws, query):
        values = form_values(v, ws.currency)
        util = v.utilisation
        values.update(
            status=v.status,
            cancel_by=v.cancel_by.isoformat() if v.cancel_by else "",
            utilisation="" if util is None else f"{util:.2f}",
            retired_on=v.retired_on.isoformat() if v.retired_on else "",
            retired_reason=v.retired_reason or "",
            flags=" ".join(f.code for f in v.flags(today, ws.policy, ws.currency)),
        )
        out.append({c: values.get(c, "") for c in EXPORT_COLUMNS})
    return out


@dataclass
class ImportReport:
    to_create: list[str] = field(default_factory=list)
    to_update: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def import_rows(
    ws: Workspace,
    header: Sequence[str],
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row through the Stack's rules; write all of them or none.

    ``rows`` are ``(row_number, {column: text})`` as the CSV reader numbers them. A row
    whose name matches an existing tool updates it; its status may only change along
    an allowed lifecycle move. Raises nothing for bad rows: they are in ``errors``.
    """
    from mops_tui.domain.tool_schema import validate_tool

    import_columns = _import_columns()
    report = ImportReport()
    mapping = {h: _header_key(h) for h in header}
    report.ignored_columns = [
        h for h, k in mapping.items() if k not in import_columns and k not in DERIVED_COLUMNS
    ]
    if "name" not in mapping.values():
        report.errors.append(FieldError("name", "the file has no “name” column", 1))
        return report
    ctx: Context = ws.context()
    seen: dict[str, int] = {}
    plans: list[_Plan] = []
    people_cache: dict[str, tuple[int | None, str | None, list[FieldError]]] = {}
    for number, raw_row in rows:
        row = {mapping[k]: (v or "") for k, v in raw_row.items() if k in mapping}
        row = {k: v for k, v in row.items() if k in import_columns}
        name = row.get("name", "").strip()
        key = key_of(name)
        if key and key in seen:
            report.errors.append(
                FieldError(
                    "name", f"“{name}” appears twice in the file (also row {seen[key]})", number
                )
            )
            continue
        if key:
            seen[key] = number
        existing = q.tool_by_name(ws.reader, name) if name else None
        extra: dict[str, Any] = {
            k: row.pop(k) for k in ("retired_on", "retired_reason") if k in row
        }
        if existing is not None:
            facts = {k: v for k, v in row.items() if k != "status"}
            target = (row.get("status") or existing.status).strip()
            row_warnings: list[FieldError] = []
            try:
                data = validate_tool(
                    {**facts, "status": target},
                    ctx,
                    base=as_input(existing),
                    row=number,
                    warnings=row_warnings,
                )
            except ValidationFailed as exc:
                report.errors.extend(exc.fields)
                continue
            if data.status != existing.status:
                move_errors = rules.transition_errors(
                    existing.status,
                    data.status,
                    extra.get("retired_reason"),
                    _date_or_none(extra.get("retired_on"), ctx),
                    ctx.today,
                )
                if move_errors:
                    report.errors.extend(
                        FieldError(e.field, e.message, number) for e in move_errors
                    )
                    continue
        else:
            row_warnings = []
            try:
                data = validate_tool(row, ctx, row=number, warnings=row_warnings)
            except ValidationFailed as exc:
                report.errors.extend(exc.fields)
                continue
            if data.status == "retired":
                # A retired tool may be imported as history, with when and why.
                retire_errors = rules.transition_errors(
                    "active",
                    "retired",
                    extra.get("retired_reason"),
                    _date_or_none(extra.get("retired_on"), ctx),
                    ctx.today,
                )
                if retire_errors:
                    report.errors.extend(
                        FieldError(e.field, e.message, number) for e in retire_errors
                    )
                    continue
        report.warnings.extend(row_warnings)
        owner = data.owner or ""
        if owner not in people_cache:
            people_cache[owner] = _owner(ws, owner)
        owner_id, handle, owner_errors = people_cache[owner]
        if owner_errors:
            report.errors.extend(FieldError(e.field, e.message, number) for e in owner_errors)
            continue
        data = data.model_copy(update={"owner": handle})
        if existing is None:
            report.to_create.append(data.name)
        else:
            if _same(existing, data):
                report.unchanged.append(data.name)
                continue
            report.to_update.append(data.name)
        plans.append(_Plan(data.name, existing, data, owner_id, extra))
    if report.errors or dry_run or not plans:
        return report
    _write_import(ws, plans)
    report.written = True
    return report


def _date_or_none(text: str | None, ctx: Context) -> date | None:
    from mops_tui.domain.dates import DateError, parse_date

    try:
        return parse_date(text, ctx.today)
    except DateError:
        return None


def _same(view: ToolView, data: ToolInput) -> bool:
    return all(getattr(view, f) == getattr(data, f) for f in type(data).model_fields)


@dataclass
class _Plan:
    name: str
    existing: ToolView | None
    data: ToolInput
    owner_id: int | None
    extra: dict[str, Any]


def _write_import(ws: Workspace, plans: list[_Plan]) -> None:
    from mops_tui.store.models import Tool

    with ws.transaction() as s:
        now = ws.now()
        for plan in plans:
            name, data, owner_id, extra = plan.name, plan.data, plan.owner_id, plan.extra
            if plan.existing is None:
                if _name_taken(s, name):
                    raise _refuse_duplicate(name)
                tool = Tool(
                    created_at=now, created_by=ws.actor, updated_at=now, updated_by=ws.actor
                )
                _apply(tool, data, owner_id)
                if data.status == "retired":
                    tool.retired_on = _date_or_none(extra.get("retired_on"), ws.context())
                    tool.retired_reason = extra.get("retired_reason") or None
                s.add(tool)
                s.flush()
                audit.record(
                    s,
                    ws,
                    "tool",
                    tool.id,
                    "imported",
                    f"imported {name}",
                    after=_snapshot(tool, data.owner),
                )
                continue
            found = s.get(Tool, plan.existing.id)
            assert found is not None
            tool = found
            before = _snapshot(tool, plan.existing.owner)
            _apply(tool, data, owner_id)
            if data.status == "retired":
                # Keep a recorded retirement unless the file gives new values.
                if "retired_on" in extra:
                    tool.retired_on = _date_or_none(extra["retired_on"], ws.context())
                if "retired_reason" in extra:
                    tool.retired_reason = extra["retired_reason"] or None
            elif plan.existing.status == "retired":
                tool.retired_on = None
                tool.retired_reason = None
            tool.updated_at = now
            tool.updated_by = ws.actor
            after = _snapshot(tool, data.owner)
            diff = audit.changes(before, after)
            s.flush()
            audit.record(
                s,
                ws,
                "tool",
                tool.id,
                "imported",
                "import: " + _describe(diff, ws.currency),
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
