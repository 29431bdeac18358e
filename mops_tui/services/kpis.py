"""KPI use cases: list, define, edit (versioning meaning changes), activate, deprecate,
and MetricFlow/CSV interchange.

Cheap to import, like every service module: pydantic and SQLAlchemy load inside writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mops_tui.domain import kpis as rules
from mops_tui.domain.errors import FieldError, NotFound, StaleRecord, ValidationFailed
from mops_tui.domain.kpis import KpiFlag, KpiVersion, KpiView, MetricImport
from mops_tui.domain.text import fold, key_of
from mops_tui.services import audit
from mops_tui.services import people as people_service
from mops_tui.services.audit import HistoryItem
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import kpis as q
from mops_tui.store.queries import stack as stack_q
from mops_tui.store.queries.kpis import parse_filter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mops_tui.domain.kpi_schema import KpiInput
    from mops_tui.store.models import Kpi

INPUT_FIELDS: tuple[str, ...] = (
    "key",
    "label",
    "description",
    "owner",
    "kind",
    "definition",
    "numerator",
    "denominator",
    "conversion",
    "data_source",
    "attribution_model",
    "attribution_window_days",
    "direction",
    "target",
    "decision",
    "data_gaps",
    "measure",
)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


class KpiListing:
    """The query behind the KPIs table."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def count(self, query: str) -> int:
        return q.count_kpis(self.ws.reader, parse_filter(people_service.with_mine(self.ws, query)))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[KpiView]:
        return q.list_kpis(
            self.ws.reader,
            parse_filter(people_service.with_mine(self.ws, query)),
            sort,
            descending,
            offset,
            limit,
        )


def list_kpis(ws: Workspace, query: str = "", sort: str = "key") -> list[KpiView]:
    return q.list_kpis(
        ws.reader, parse_filter(people_service.with_mine(ws, query)), sort, limit=1_000_000
    )


def get(ws: Workspace, kpi_id: int) -> KpiView:
    view = q.kpi_by_id(ws.reader, kpi_id)
    if view is None:
        raise NotFound(f"there is no KPI with id {kpi_id}")
    return view


def get_by_key(ws: Workspace, key: str) -> KpiView:
    view = q.kpi_by_key(ws.reader, key)
    if view is None:
        raise NotFound(f"there is no KPI with the key “{key}”")
    return view


@dataclass
class KpiDetail:
    kpi: KpiView
    flags: list[KpiFlag]
    versions: list[KpiVersion]
    replaces: list[dict[str, Any]]
    history: list[HistoryItem]
    briefs: list[dict[str, Any]] = field(default_factory=list)


def detail(ws: Workspace, kpi_id: int) -> KpiDetail:
    view = get(ws, kpi_id)
    history = [audit._item(r) for r in ws.reader.all(q.KPI_HISTORY, {"id": kpi_id, "limit": 100})]
    return KpiDetail(
        kpi=view,
        flags=view.flags(),
        versions=q.versions(ws.reader, kpi_id),
        replaces=q.predecessors(ws.reader, kpi_id),
        history=history,
        briefs=_briefs_using(ws, kpi_id),
    )


def _briefs_using(ws: Workspace, kpi_id: int) -> list[dict[str, Any]]:
    from mops_tui.services import briefs

    return briefs.for_kpi(ws, kpi_id)


def version_of(ws: Workspace, key: str, number: int) -> KpiVersion:
    view = get_by_key(ws, key)
    for v in q.versions(ws.reader, view.id):
        if v.number == number:
            return v
    have = ", ".join(str(v.number) for v in q.versions(ws.reader, view.id)) or "none yet"
    raise NotFound(f"{key} has no version {number} (versions: {have})")


def active_kpis_fed_by(ws: Workspace, tool_id: int) -> list[dict[str, Any]]:
    return [r for r in stack_q.kpis_of_tool(ws.reader, tool_id) if r["status"] == "active"]


def kpi_choices(ws: Workspace, status: Sequence[str] = ()) -> list[tuple[str, str]]:
    return [(f"{r['key']} · {r['label']}", r["key"]) for r in q.kpi_keys(ws.reader, status)]


def form_values(view: KpiView, currency: str) -> dict[str, str]:
    """The KPI as the text its form shows (and parses back unchanged)."""
    return {
        "key": view.key,
        "label": view.label,
        "description": view.description,
        "owner": view.owner or "",
        "kind": view.kind,
        "definition": view.definition,
        "numerator": view.numerator,
        "denominator": view.denominator,
        "conversion": view.conversion,
        "data_source": view.data_source or "",
        "attribution_model": view.attribution_model,
        "attribution_window_days": ""
        if view.attribution_window_days is None
        else str(view.attribution_window_days),
        "direction": view.direction,
        "target": rules.format_target(view.target, view.kind, currency, empty=""),
        "decision": view.decision,
        "data_gaps": view.data_gaps,
        "measure": view.measure,
    }


def as_input(view: KpiView) -> KpiInput:
    from mops_tui.domain.kpi_schema import KpiInput

    return KpiInput.model_construct(**{f: getattr(view, f) for f in INPUT_FIELDS})


def snapshot_of(data: KpiInput | KpiView) -> dict[str, Any]:
    return {f: getattr(data, f) for f in INPUT_FIELDS}


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


def _resolve(
    ws: Workspace, data: Any, *, row: int | None = None, imported: bool = False
) -> tuple[int | None, str | None, int | None, list[FieldError]]:
    """Owner id and handle, data-source tool id, and errors about them."""
    errors: list[FieldError] = []
    owner_id: int | None = None
    handle: str | None = None
    if data.owner:
        try:
            person = people_service.resolve(ws, data.owner)
        except ValidationFailed as exc:
            errors.extend(FieldError(e.field, e.message, row) for e in exc.fields)
        else:
            if person is not None:
                owner_id, handle = person["id"], person["handle"]
    source_id: int | None = None
    if data.data_source:
        tool = stack_q.tool_by_name(ws.reader, data.data_source)
        if tool is None:
            errors.append(
                FieldError("data_source", f"“{data.data_source}” is not a tool in the stack", row)
            )
        elif tool.status == "retired":
            errors.append(
                FieldError("data_source", f"“{tool.name}” is retired; choose a tool in use", row)
            )
        else:
            source_id = tool.id
    return owner_id, handle, source_id, errors


def _validated(
    ws: Workspace,
    raw: Mapping[str, Any],
    *,
    base: KpiInput | None = None,
    row: int | None = None,
    imported: bool = False,
) -> tuple[KpiInput, int | None, int | None]:
    from mops_tui.domain.context import Context
    from mops_tui.domain.kpi_schema import validate_kpi

    ctx = ws.context()
    if imported:
        ctx = Context(today=ctx.today, currency=ctx.currency, extra={"imported": True})
    errors: list[FieldError] = []
    data: KpiInput | None = None
    try:
        data = validate_kpi(raw, ctx, base=base, row=row)
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    # Check the owner and the data source in the same round, so every problem shows at once.
    probe: Any = data
    if probe is None:
        from types import SimpleNamespace

        def typed(name: str) -> str | None:
            """The name a refused KPI gives for ``name``, as the field would read it (text
            of any value, spaces folded); ``None`` when that field was refused itself."""
            if any(e.field == name for e in errors):
                return None
            value = raw.get(name, getattr(base, name) if base else None)
            if value is None:
                return None
            return " ".join(str(value).split()) or None

        probe = SimpleNamespace(owner=typed("owner"), data_source=typed("data_source"))
    owner_id, handle, source_id, found = _resolve(ws, probe, row=row, imported=imported)
    errors.extend(e for e in found if not any(x.field == e.field for x in errors))
    if errors or data is None:
        raise ValidationFailed(errors)
    # Store the person's handle and the tool's own name, whatever form was typed.
    source_name = None
    if source_id is not None:
        tool = stack_q.tool_by_id(ws.reader, source_id)
        source_name = tool.name if tool else data.data_source
    update = {"owner": handle, "data_source": source_name}
    return data.model_copy(update=update), owner_id, source_id


def _apply(kpi: Kpi, data: KpiInput, owner_id: int | None, source_id: int | None) -> None:
    kpi.key = data.key
    kpi.label = data.label
    kpi.search_key = fold(f"{data.key} {data.label} {data.kind}")
    kpi.description = data.description
    kpi.owner_id = owner_id
    kpi.kind = data.kind
    kpi.definition = data.definition
    kpi.numerator = data.numerator
    kpi.denominator = data.denominator
    kpi.conversion = data.conversion
    kpi.attribution_model = data.attribution_model
    kpi.attribution_window_days = (
        data.attribution_window_days if data.attribution_model != "none" else None
    )
    kpi.direction = data.direction
    kpi.target = data.target
    kpi.decision = data.decision
    kpi.data_gaps = data.data_gaps
    kpi.data_source_id = source_id
    kpi.measure = data.measure or data.key


def _key_taken(session: Session, key: str, except_id: int | None = None) -> bool:
    from sqlalchemy import select

    from mops_tui.store.models import Kpi

    stmt = select(Kpi.id).where(Kpi.key == key)
    if except_id is not None:
        stmt = stmt.where(Kpi.id != except_id)
    return session.scalar(stmt) is not None


def _duplicate(key: str, row: int | None = None) -> ValidationFailed:
    return ValidationFailed([FieldError("key", f"a KPI with the key “{key}” already exists", row)])


def _describe(changes: Mapping[str, tuple[Any, Any]]) -> str:
    parts = []
    for name, (old, new) in changes.items():
        label = rules.label_of(name)
        if name in ("definition", "description", "conversion", "decision", "data_gaps"):
            parts.append(f"{label} changed")
        else:
            parts.append(
                f"{label} {old if old not in (None, '') else '—'} → "
                f"{new if new not in (None, '') else '—'}"
            )
    return "; ".join(parts)


def create(ws: Workspace, raw: Mapping[str, Any]) -> KpiView:
    """Define a KPI as a draft."""
    from sqlalchemy.exc import IntegrityError

    from mops_tui.store.models import Kpi

    data, owner_id, source_id = _validated(ws, raw)
    try:
        with ws.transaction() as s:
            if _key_taken(s, data.key):
                raise _duplicate(data.key)
            now = ws.now()
            kpi = Kpi(
                status="draft",
                current_version=0,
                created_at=now,
                created_by=ws.actor,
                updated_at=now,
                updated_by=ws.actor,
            )
            _apply(kpi, data, owner_id, source_id)
            s.add(kpi)
            s.flush()
            audit.record(
                s,
                ws,
                "kpi",
                kpi.id,
                "created",
                f"defined {data.key} as a draft",
                after=snapshot_of(data),
            )
            new_id = kpi.id
    except IntegrityError as exc:
        raise _duplicate(data.key) from exc
    return get(ws, new_id)


def _load(s: Session, kpi_id: int, expected_version: int | None) -> Kpi:
    from mops_tui.store.models import Kpi

    kpi = s.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"there is no KPI with id {kpi_id}")
    if expected_version is not None and kpi.version != expected_version:
        raise StaleRecord(f"The KPI {kpi.key}", kpi.updated_by, kpi.updated_at)
    return kpi


def _add_version(
    s: Session,
    ws: Workspace,
    kpi: Kpi,
    data: KpiInput | KpiView,
    effective_on: date,
    summary: str,
) -> int:
    from mops_tui.store.models import KpiVersionRow

    number = kpi.current_version + 1
    s.add(
        KpiVersionRow(
            kpi_id=kpi.id,
            number=number,
            effective_on=effective_on,
            author=ws.actor,
            summary=summary,
            snapshot_json=json.dumps(snapshot_of(data), ensure_ascii=False),
            created_at=ws.now(),
        )
    )
    kpi.current_version = number
    return number


def _effective(ws: Workspace, value: Any, kpi_id: int | None) -> date:
    from mops_tui.domain.dates import DateError, parse_date

    try:
        when = parse_date(value, ws.today()) if value not in (None, "") else None
    except DateError as exc:
        raise ValidationFailed([FieldError("effective_on", str(exc))]) from exc
    when = when or ws.today()
    if kpi_id is not None:
        existing = q.versions(ws.reader, kpi_id)
        if existing and when < existing[0].effective_on:
            raise ValidationFailed(
                [
                    FieldError(
                        "effective_on",
                        f"cannot be before version {existing[0].number}'s effective date "
                        f"({existing[0].effective_on.isoformat()})",
                    )
                ]
            )
    return when


def update(
    ws: Workspace,
    kpi_id: int,
    raw: Mapping[str, Any],
    expected_version: int | None,
    *,
    effective_on: Any = None,
    change_note: str = "",
) -> KpiView:
    """Edit a KPI. On an active KPI, a change of meaning adds a version in force from
    ``effective_on`` (default today); a change of wording does not."""
    from sqlalchemy.orm.exc import StaleDataError

    current = get(ws, kpi_id)
    if "status" in raw and str(raw["status"]).strip() not in ("", current.status):
        raise ValidationFailed(
            [FieldError("status", "change the status with t (activate or deprecate), not an edit")]
        )
    changes_raw = {k: v for k, v in raw.items() if k in INPUT_FIELDS}
    new_kind = str(changes_raw.get("kind") or current.kind).strip().lower()
    if new_kind != current.kind and current.target and "target" not in changes_raw:
        raise ValidationFailed(
            [
                FieldError(
                    "target",
                    f"the target was set as a {current.kind}; give it again as a {new_kind}",
                )
            ]
        )
    # A draft that arrived incomplete (an import) can be completed a field at a time;
    # a draft typed complete keeps the form's full standard.
    lenient = current.status == "draft" and bool(rules.entry_rules(current))
    data, owner_id, source_id = _validated(
        ws, changes_raw, base=as_input(current), imported=lenient
    )
    before = snapshot_of(current)
    after = snapshot_of(data)
    diff = audit.changes(before, after)
    if not diff:
        return current
    meaning = rules.meaning_changes(before, after)
    if current.status == "deprecated" and meaning:
        fields = ", ".join(rules.label_of(m) for m in meaning)
        raise ValidationFailed(
            [
                FieldError(
                    meaning[0], f"a deprecated KPI's meaning is frozen ({fields}); define a new KPI"
                )
            ]
        )
    new_version = current.status == "active" and bool(meaning)
    when = _effective(ws, effective_on, kpi_id) if new_version else None
    if current.status == "active":
        needs = rules.activation_needs(data, _source_status(ws, data.data_source))
        if needs:
            raise ValidationFailed(needs)
    try:
        with ws.transaction() as s:
            kpi = _load(s, kpi_id, expected_version)
            if data.key != kpi.key:
                if current.status != "draft":
                    raise ValidationFailed(
                        [
                            FieldError(
                                "key", "only a draft's key can change: dashboards and dbt use it"
                            )
                        ]
                    )
                if _key_taken(s, data.key, kpi_id):
                    raise _duplicate(data.key)
            _apply(kpi, data, owner_id, source_id)
            kpi.updated_at, kpi.updated_by = ws.now(), ws.actor
            summary = _describe(diff)
            if new_version and when is not None:
                note = change_note.strip() or _describe({k: diff[k] for k in meaning})
                number = _add_version(s, ws, kpi, data, when, note)
                summary = f"version {number} from {when.isoformat()}: {summary}"
            s.flush()
            audit.record(
                s,
                ws,
                "kpi",
                kpi.id,
                "edited",
                summary,
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
    except StaleDataError as exc:
        fresh = q.kpi_by_id(ws.reader, kpi_id)
        raise StaleRecord(
            f"The KPI {current.key}",
            fresh.updated_by if fresh else None,
            fresh.updated_at if fresh else None,
        ) from exc
    return get(ws, kpi_id)


def _source_status(ws: Workspace, name: str | None) -> str | None:
    if not name:
        return None
    tool = stack_q.tool_by_name(ws.reader, name)
    return tool.status if tool else None


def move_needs(ws: Workspace, view: KpiView, target: str) -> list[FieldError]:
    """Why ``view`` cannot simply move to ``target`` (empty: it can)."""
    refused = [
        e for e in rules.transition_errors(view.status, target, reason="x") if e.field == "status"
    ]
    if refused:
        return refused
    if target == "active":
        return rules.activation_needs(view, view.data_source_status)
    return []


def transition(
    ws: Workspace, kpi_id: int, raw: Mapping[str, Any], expected_version: int | None
) -> KpiView:
    """Activate a draft (everything complete) or deprecate (a reason or a successor)."""
    from sqlalchemy.orm.exc import StaleDataError

    from mops_tui.domain.kpi_schema import KpiMoveInput
    from mops_tui.domain.schema import validate_input
    from mops_tui.store.models import Kpi

    current = get(ws, kpi_id)
    move = validate_input(
        KpiMoveInput, {k: v for k, v in raw.items() if k in KpiMoveInput.model_fields}, ws.context()
    )
    successor: KpiView | None = None
    if move.successor:
        successor = q.kpi_by_key(ws.reader, move.successor)
    errors = rules.transition_errors(
        current.status,
        move.status,
        reason=move.reason,
        successor=move.successor,
        key=current.key,
        successor_status=successor.status if successor else None,
    )
    if not errors and move.status == "active":
        errors = rules.activation_needs(current, current.data_source_status)
    if errors:
        raise ValidationFailed(errors)
    when = _effective(ws, move.effective_on, kpi_id) if move.status == "active" else None
    try:
        with ws.transaction() as s:
            kpi = _load(s, kpi_id, expected_version)
            kpi.status = move.status
            kpi.updated_at, kpi.updated_by = ws.now(), ws.actor
            if move.status == "active" and when is not None:
                number = _add_version(s, ws, kpi, current, when, "activated")
                summary = f"activated (version {number} from {when.isoformat()})"
            else:
                kpi.deprecated_reason = move.reason or None
                kpi.successor_id = successor.id if successor else None
                summary = f"deprecated: {move.reason}" if move.reason else "deprecated"
                if successor:
                    summary += f" (replaced by {successor.key})"
            s.flush()
            audit.record(
                s,
                ws,
                "kpi",
                kpi.id,
                "status",
                summary,
                before={"status": current.status},
                after={"status": move.status, "reason": move.reason, "successor": move.successor},
            )
            assert isinstance(kpi, Kpi)
    except StaleDataError as exc:
        fresh = q.kpi_by_id(ws.reader, kpi_id)
        raise StaleRecord(
            f"The KPI {current.key}",
            fresh.updated_by if fresh else None,
            fresh.updated_at if fresh else None,
        ) from exc
    return get(ws, kpi_id)


# ---------------------------------------------------------------------------
# CSV and MetricFlow
# ---------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[str, ...] = (
    "key",
    "label",
    "status",
    "kind",
    "owner",
    "data_source",
    "definition",
    "numerator",
    "denominator",
    "conversion",
    "attribution_model",
    "attribution_window_days",
    "direction",
    "target",
    "decision",
    "data_gaps",
    "measure",
    "description",
    "current_version",
    "successor",
    "deprecated_reason",
    "flags",
)


def export_rows(ws: Workspace, query: str = "") -> list[dict[str, str]]:
    out = []
    for v in list_kpis(ws, query):
        values = form_values(v, ws.currency)
        values.update(
            status=v.status,
            current_version=str(v.current_version),
            successor=v.successor or "",
            deprecated_reason=v.deprecated_reason or "",
            flags=" ".join(f.code for f in v.flags()),
        )
        out.append({c: values.get(c, "") for c in EXPORT_COLUMNS})
    return out


@dataclass
class ImportResult:
    name: str
    status: str
    needs: list[str]
    notes: list[str]


@dataclass
class KpiImportReport:
    results: list[ImportResult] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    written: bool = False


def import_metrics(
    ws: Workspace, metrics: Sequence[MetricImport], *, dry_run: bool = False
) -> KpiImportReport:
    """Create KPIs from parsed MetricFlow metrics: all of them, or none.

    A metric keeps the status its ``config.meta`` gives when it meets that status's
    rules here; otherwise it arrives as a draft, with what it still needs reported.
    """
    report = KpiImportReport()
    seen: dict[str, int] = {}
    plans: list[tuple[MetricImport, KpiInput, int | None, int | None, str, list[str]]] = []
    for index, metric in enumerate(metrics, start=1):
        where = f"metric {metric.name}"
        if metric.name in seen:
            report.errors.append(FieldError("key", f"{where}: the name appears twice in the file"))
            continue
        seen[metric.name] = index
        if q.kpi_by_key(ws.reader, metric.name) is not None:
            report.errors.append(FieldError("key", f"{where}: a KPI with this key already exists"))
            continue
        fields_ = dict(metric.fields)
        notes = list(metric.notes)
        # Unknown people or tools do not block an import: the draft says what to fix.
        owner_text = fields_.get("owner")
        if owner_text:
            try:
                people_service.resolve(ws, owner_text)
            except ValidationFailed:
                notes.append(f"owner “{owner_text}” is not a known person; left empty")
                fields_["owner"] = None
        source_text = fields_.get("data_source")
        if source_text:
            tool = stack_q.tool_by_name(ws.reader, source_text)
            if tool is None or tool.status == "retired":
                why = "is not in the stack" if tool is None else "is retired"
                notes.append(f"data source “{source_text}” {why}; left empty")
                fields_["data_source"] = None
        try:
            data, owner_id, source_id = _validated(ws, fields_, imported=True)
        except ValidationFailed as exc:
            report.errors.extend(FieldError(e.field, f"{where}: {e.message}") for e in exc.fields)
            continue
        status = metric.status if metric.status in rules.STATUSES else "draft"
        needs = [e for e in rules.activation_needs(data, _source_status(ws, data.data_source))]
        if status == "active" and needs:
            notes.append("arrives as a draft: it is not complete enough to be active")
            status = "draft"
        if status == "deprecated" and not (metric.deprecated_reason or metric.successor):
            notes.append("arrives as a draft: deprecated needs a reason or a successor")
            status = "draft"
        need_names = list(dict.fromkeys(rules.label_of(e.field) for e in needs))
        plans.append((metric, data, owner_id, source_id, status, notes))
        report.results.append(ImportResult(metric.name, status, need_names, notes))
    # A successor must be an active KPI: in the file, or already in mops.
    status_in_file = {p[0].name: p[4] for p in plans}
    for metric, *_rest in plans:
        if not metric.successor:
            continue
        if metric.successor == metric.name:
            report.errors.append(
                FieldError("successor", f"metric {metric.name}: a KPI cannot replace itself")
            )
            continue
        existing = q.kpi_by_key(ws.reader, metric.successor)
        found = status_in_file.get(metric.successor) or (existing.status if existing else None)
        if found is None:
            report.errors.append(
                FieldError(
                    "successor",
                    f"metric {metric.name}: its successor “{metric.successor}” "
                    "is neither in the file nor in mops",
                )
            )
        elif found != "active":
            report.errors.append(
                FieldError(
                    "successor",
                    f"metric {metric.name}: its successor “{metric.successor}” is "
                    f"{found}; a successor must be active",
                )
            )
    if report.errors or dry_run or not plans:
        return report
    _write_import(ws, plans)
    report.written = True
    return report


def _write_import(
    ws: Workspace,
    plans: list[tuple[MetricImport, KpiInput, int | None, int | None, str, list[str]]],
) -> None:
    from sqlalchemy import select

    from mops_tui.store.models import Kpi

    with ws.transaction() as s:
        now = ws.now()
        created: dict[str, Kpi] = {}
        for metric, data, owner_id, source_id, status, _notes in plans:
            if _key_taken(s, data.key):
                raise _duplicate(data.key)
            kpi = Kpi(
                status=status,
                current_version=0,
                created_at=now,
                created_by=ws.actor,
                updated_at=now,
                updated_by=ws.actor,
            )
            _apply(kpi, data, owner_id, source_id)
            kpi.mf_type = metric.mf_type
            kpi.mf_params = (
                json.dumps(metric.mf_params, ensure_ascii=False) if metric.mf_params else None
            )
            kpi.mf_filter = metric.mf_filter
            kpi.deprecated_reason = metric.deprecated_reason
            s.add(kpi)
            s.flush()
            if status in ("active", "deprecated"):
                _add_version(s, ws, kpi, data, ws.today(), "imported")
            audit.record(
                s,
                ws,
                "kpi",
                kpi.id,
                "imported",
                f"imported {data.key} from MetricFlow as {status}",
                after=snapshot_of(data),
            )
            created[data.key] = kpi
        for metric, *_rest in plans:
            if metric.successor:
                successor = created.get(metric.successor) or s.scalar(
                    select(Kpi).where(Kpi.key == metric.successor)
                )
                if successor is not None:
                    created[metric.name].successor_id = successor.id


def metricflow_export(ws: Workspace, query: str = "") -> list[KpiView]:
    return list_kpis(ws, query)


def key_for(text: str) -> str:
    return rules.suggest_key(key_of(text))
