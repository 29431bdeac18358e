"""Brief-queue use cases: the queue, quick entry, edits, and the guarded workflow.

Cheap to import, like every service module: pydantic and SQLAlchemy load inside writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from mops_tui.domain import briefs as rules
from mops_tui.domain import kpis as kpi_rules
from mops_tui.domain.briefs import BriefView, MoveContext, Transition
from mops_tui.domain.errors import FieldError, NotFound, StaleRecord, ValidationFailed
from mops_tui.domain.kpis import KpiView
from mops_tui.domain.money import format_money
from mops_tui.domain.text import fold
from mops_tui.services import audit
from mops_tui.services import people as people_service
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import briefs as q
from mops_tui.store.queries import kpis as kpi_q
from mops_tui.store.queries.briefs import BriefFilter, Cutoffs

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mops_tui.domain.brief_schema import BriefInput
    from mops_tui.store.models import Brief

INPUT_FIELDS: tuple[str, ...] = (
    "title",
    "requester",
    "owner",
    "priority",
    "objective",
    "audience",
    "key_message",
    "channels",
    "launch_date",
    "kpi",
    "kpi_target",
    "budget_requested",
    "budget_line",
    "body",
)


def cutoffs(ws: Workspace) -> Cutoffs:
    today = ws.today()
    return Cutoffs(
        today,
        rules.risk_cutoff(today, ws.brief_policy),
        rules.review_cutoff(today, ws.brief_policy),
    )


def parse_query(ws: Workspace, query: str) -> BriefFilter:
    """``webinar is:mine is:overdue status:submitted owner:ana kpi:mql_to_sql_rate``."""
    words: list[str] = []
    f: dict[str, Any] = {}
    statuses: list[str] = []
    for term in query.split():
        key, sep, value = term.lower().partition(":")
        if not sep and key in ("mine", "unassigned", "overdue", "risk", "waiting", "open"):
            key, value, sep = "is", key, ":"
        if sep and value:
            if key in ("status", "s"):
                statuses += [
                    v.replace("-", "_").replace("inflight", "in_flight") for v in value.split(",")
                ]
                continue
            if key == "is":
                if value == "mine":
                    f["owner"] = people_service.me(ws) or people_service.NOBODY
                elif value == "unassigned":
                    f["owner"] = "-"
                elif value == "overdue":
                    f["overdue"] = True
                elif value in ("risk", "at-risk", "atrisk"):
                    f["at_risk"] = True
                elif value == "waiting":
                    f["waiting"] = True
                elif value == "open":
                    f["open_only"] = True
                elif value == "all":
                    pass
                else:
                    words.append(term)
                continue
            if key in ("owner", "o"):
                f["owner"] = value
                continue
            if key in ("requester", "by"):
                f["requester"] = value
                continue
            if key == "kpi":
                kpi = kpi_q.kpi_by_key(ws.reader, value)
                f["kpi_id"] = kpi.id if kpi else -1
                continue
        words.append(term)
    if statuses:  # an explicit status wins over the open-only view
        f.pop("open_only", None)
    return BriefFilter(text=" ".join(words), status=tuple(statuses), **f)


class BriefListing:
    """The queue: filter, sort (default: what needs action first) and page."""

    def __init__(self, ws: Workspace, base: str = "") -> None:
        self.ws = ws
        self.base = base

    def _filter(self, query: str) -> BriefFilter:
        return parse_query(self.ws, f"{self.base} {query}".strip())

    def count(self, query: str) -> int:
        return q.count_briefs(self.ws.reader, self._filter(query), cutoffs(self.ws))

    def page(
        self, query: str, sort: str, descending: bool, offset: int, limit: int
    ) -> list[BriefView]:
        return q.list_briefs(
            self.ws.reader, self._filter(query), cutoffs(self.ws), sort, descending, offset, limit
        )


def list_briefs(ws: Workspace, query: str = "", limit: int = 100_000) -> list[BriefView]:
    return q.list_briefs(ws.reader, parse_query(ws, query), cutoffs(ws), limit=limit)


def get(ws: Workspace, brief_id: int) -> BriefView:
    found = q.brief_by_id(ws.reader, brief_id)
    if found is None:
        raise NotFound(f"there is no brief #{brief_id}")
    return found


@dataclass
class BriefDetail:
    brief: BriefView
    flags: list[rules.BriefFlag]
    transitions: list[Transition]
    kpi: KpiView | None
    line: Any
    moves: dict[str, list[FieldError]] = field(default_factory=dict)

    @property
    def cost_per_result(self) -> str | None:
        return cost_per_result(self.brief, self.kpi, None)


def detail(ws: Workspace, brief_id: int) -> BriefDetail:
    from mops_tui.services import ledger

    b = get(ws, brief_id)
    kpi = kpi_q.kpi_by_id(ws.reader, b.kpi_id) if b.kpi_id else None
    line = ledger.get_line(ws, b.budget_line_id) if b.budget_line_id else None
    moves = {m.name: move_failures(ws, b, m.name, probe=True) for m in rules.moves_from(b.status)}
    return BriefDetail(
        b,
        b.flags(ws.today(), ws.brief_policy),
        q.transitions(ws.reader, brief_id),
        kpi,
        line,
        moves,
    )


def cost_per_result(b: BriefView, kpi: KpiView | None, currency: str | None) -> str | None:
    """Spend per unit of result, where the KPI counts something (leads, sign-ups…)."""
    if not b.spend or not b.outcome_result or kpi is None or kpi.kind != "count":
        return None
    try:
        result = Decimal(b.outcome_result.replace(",", "").split()[0])
    except (InvalidOperation, IndexError):
        return None
    if result <= 0:
        return None
    per = round(Decimal(b.spend) / result)
    return format_money(int(per), currency or "GBP")


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


def _resolve(ws: Workspace, data: BriefInput) -> tuple[dict[str, Any], list[FieldError]]:
    """People, KPI and budget line ids for the names typed, and what could not be found."""
    from mops_tui.services import ledger

    ids: dict[str, Any] = {
        "requester_id": None,
        "owner_id": None,
        "kpi_id": None,
        "budget_line_id": None,
    }
    errors: list[FieldError] = []
    for fld in ("requester", "owner"):
        text = getattr(data, fld)
        if text:
            try:
                person = people_service.resolve(ws, text)
                ids[f"{fld}_id"] = person["id"] if person else None
            except ValidationFailed as exc:
                errors.extend(FieldError(fld, e.message) for e in exc.fields)
    if data.kpi:
        kpi = kpi_q.kpi_by_key(ws.reader, data.kpi)
        if kpi is None:
            errors.append(FieldError("kpi", f"there is no KPI “{data.kpi}”; see mops kpi list"))
        elif kpi.status == "deprecated":
            hint = f"; use {kpi.successor}" if kpi.successor else ""
            errors.append(FieldError("kpi", f"{kpi.key} is deprecated{hint}"))
        else:
            ids["kpi_id"] = kpi.id
            if data.kpi_target:
                try:
                    kpi_rules.parse_target(data.kpi_target, kpi.kind, ws.currency)
                except kpi_rules.TargetError as exc:
                    errors.append(
                        FieldError("kpi_target", f"{exc} (a {kpi.kind} target for {kpi.key})")
                    )
    if data.budget_line:
        try:
            line = ledger.resolve_line(ws, data.budget_line, data.launch_date)
            ids["budget_line_id"] = line.id
        except ValidationFailed as exc:
            errors.extend(FieldError("budget_line", e.message) for e in exc.fields)
    return ids, errors


def _validated(
    ws: Workspace, raw: Mapping[str, Any], base: BriefInput | None = None
) -> tuple[BriefInput, dict[str, Any]]:
    from mops_tui.domain.brief_schema import validate_brief

    errors: list[FieldError] = []
    data: BriefInput | None = None
    try:
        data = validate_brief(raw, ws.context(), base=base)
    except ValidationFailed as exc:
        errors.extend(exc.fields)
    if data is None:
        raise ValidationFailed(errors)
    ids, found = _resolve(ws, data)
    errors += found
    if errors:
        raise ValidationFailed(errors)
    return data, ids


def _apply(brief: Brief, data: BriefInput, ids: Mapping[str, Any]) -> None:
    brief.title = data.title
    brief.search_key = fold(f"{data.title} {data.channels} {data.objective[:200]}")
    brief.priority = data.priority
    brief.requester_id = ids["requester_id"]
    brief.owner_id = ids["owner_id"]
    brief.objective = data.objective
    brief.audience = data.audience
    brief.key_message = data.key_message
    brief.channels = data.channels
    brief.launch_date = data.launch_date
    brief.kpi_id = ids["kpi_id"]
    brief.kpi_target = data.kpi_target
    brief.budget_requested = data.budget_requested
    brief.budget_line_id = ids["budget_line_id"]
    brief.body = data.body


def snapshot(data: BriefInput | BriefView) -> dict[str, Any]:
    out = {}
    for name in INPUT_FIELDS:
        value = getattr(data, name, None)
        if name == "channels" and isinstance(value, list):
            value = ", ".join(value)
        out[name] = value
    return out


def form_values(b: BriefView, currency: str) -> dict[str, str]:
    return {
        "title": b.title,
        "requester": b.requester or "",
        "owner": b.owner or "",
        "priority": b.priority,
        "objective": b.objective,
        "audience": b.audience,
        "key_message": b.key_message,
        "channels": ", ".join(b.channels),
        "launch_date": b.launch_date.isoformat() if b.launch_date else "",
        "kpi": b.kpi or "",
        "kpi_target": b.kpi_target,
        "budget_requested": format_money(
            b.budget_requested, currency, exact=True, symbol=False, grouping=False, empty=""
        ),
        "budget_line": f"#{b.budget_line_id}" if b.budget_line_id else "",
        "body": b.body,
    }


def as_input(b: BriefView) -> BriefInput:
    from mops_tui.domain.brief_schema import BriefInput

    values = snapshot(b)
    values["budget_line"] = f"#{b.budget_line_id}" if b.budget_line_id else None
    return BriefInput.model_construct(**values)


def create(ws: Workspace, raw: Mapping[str, Any]) -> BriefView:
    """A new draft. A draft needs only a title; the requester defaults to the user."""
    from mops_tui.store.models import Brief, BriefTransition

    raw = dict(raw)
    if not raw.get("requester"):
        raw["requester"] = people_service.me(ws)
    data, ids = _validated(ws, raw)
    with ws.transaction() as s:
        now = ws.now()
        brief = Brief(
            status="draft",
            status_since=now,
            created_at=now,
            created_by=ws.actor,
            updated_at=now,
            updated_by=ws.actor,
            outcome_result="",
            outcome_reason="",
        )
        _apply(brief, data, ids)
        s.add(brief)
        s.flush()
        s.add(
            BriefTransition(
                brief_id=brief.id,
                at=now,
                actor=ws.actor,
                from_status=None,
                to_status="draft",
                comment="created",
            )
        )
        audit.record(
            s,
            ws,
            "brief",
            brief.id,
            "created",
            f"drafted #{brief.id} {data.title}",
            after=snapshot(data),
        )
        new_id = brief.id
    return get(ws, new_id)


def _load(s: Session, ws: Workspace, brief_id: int, expected_version: int | None) -> Brief:
    from mops_tui.store.models import Brief

    brief = s.get(Brief, brief_id)
    if brief is None:
        raise NotFound(f"there is no brief #{brief_id}")
    if expected_version is not None and brief.version != expected_version:
        raise StaleRecord(f"Brief #{brief_id}", brief.updated_by, brief.updated_at)
    return brief


def update(
    ws: Workspace, brief_id: int, raw: Mapping[str, Any], expected_version: int | None
) -> BriefView:
    from sqlalchemy.orm.exc import StaleDataError

    current = get(ws, brief_id)
    if current.status in ("done", "cancelled"):
        raise ValidationFailed(
            [FieldError("status", f"brief #{brief_id} is {current.status}; it is kept as it was")]
        )
    changes = {k: v for k, v in raw.items() if k in INPUT_FIELDS}
    data, ids = _validated(ws, changes, base=as_input(current))
    kept = rules.edit_failures(current.status, data)
    if kept:
        raise ValidationFailed(kept)
    before, after = snapshot(current), snapshot(data)
    before["budget_line"] = f"#{current.budget_line_id}" if current.budget_line_id else None
    if after.get("budget_line") and ids["budget_line_id"]:
        after["budget_line"] = f"#{ids['budget_line_id']}"
    diff = audit.changes(before, after)
    if not diff:
        return current
    try:
        with ws.transaction() as s:
            brief = _load(s, ws, brief_id, expected_version)
            _apply(brief, data, ids)
            brief.updated_at, brief.updated_by = ws.now(), ws.actor
            s.flush()
            names = ", ".join(k.replace("_", " ") for k in diff)
            audit.record(
                s,
                ws,
                "brief",
                brief.id,
                "edited",
                f"edited {names}",
                before={k: before[k] for k in diff},
                after={k: after[k] for k in diff},
            )
    except StaleDataError as exc:
        fresh = q.brief_by_id(ws.reader, brief_id)
        raise StaleRecord(
            f"Brief #{brief_id}",
            fresh.updated_by if fresh else None,
            fresh.updated_at if fresh else None,
        ) from exc
    return get(ws, brief_id)


def assign(
    ws: Workspace, brief_id: int, owner: str, expected_version: int | None = None
) -> BriefView:
    person = people_service.resolve(ws, owner)
    if person is None:
        raise ValidationFailed([FieldError("owner", "choose who will own the brief")])
    return update(ws, brief_id, {"owner": person["handle"]}, expected_version)


def move_failures(
    ws: Workspace,
    b: BriefView,
    move: str,
    *,
    probe: bool = False,
    comment: str = "",
    result: str = "",
    not_measured: str = "",
) -> list[FieldError]:
    """The rules that stop ``move`` now. With ``probe`` the inputs a move asks for when
    it happens (a reason, an outcome) are assumed given: the check is then about the
    brief itself."""
    found = rules.MOVES.get(move)
    asks = found.asks if found else ()
    ctx = MoveContext(
        today=ws.today(),
        policy=ws.brief_policy,
        comment=comment or ("given" if probe and "reason" in asks else ""),
        result=result or ("given" if probe and "result" in asks else ""),
        not_measured=not_measured,
    )
    return rules.guard_failures(b, move, ctx)  # type: ignore[arg-type]


def move(
    ws: Workspace,
    brief_id: int,
    name: str,
    *,
    reason: str = "",
    result: str = "",
    not_measured: str = "",
    expected_version: int | None = None,
) -> BriefView:
    """Move a brief through its workflow, through the same guards as every face."""
    from sqlalchemy.orm.exc import StaleDataError

    from mops_tui.store.models import BriefTransition

    b = get(ws, brief_id)
    failures = move_failures(ws, b, name, comment=reason, result=result, not_measured=not_measured)
    if failures:
        raise ValidationFailed(failures)
    spec = rules.MOVES[name]
    comment = (
        reason.strip()
        or (f"result: {result.strip()}" if result.strip() else "")
        or (f"not measured: {not_measured.strip()}" if not_measured.strip() else "")
    )
    try:
        with ws.transaction() as s:
            brief = _load(s, ws, brief_id, expected_version)
            if brief.status != b.status:
                raise StaleRecord(f"Brief #{brief_id}", brief.updated_by, brief.updated_at)
            now = ws.now()
            brief.status = spec.target
            brief.status_since = now
            if name == "done":
                brief.outcome_result = result.strip()
                brief.outcome_reason = not_measured.strip()
            brief.updated_at, brief.updated_by = now, ws.actor
            s.add(
                BriefTransition(
                    brief_id=brief.id,
                    at=now,
                    actor=ws.actor,
                    from_status=b.status,
                    to_status=spec.target,
                    comment=comment,
                )
            )
            s.flush()
            audit.record(
                s,
                ws,
                "brief",
                brief.id,
                name,
                f"{rules.status_label(b.status)} → {rules.status_label(spec.target)}"
                + (f": {comment}" if comment else ""),
                before={"status": b.status},
                after={"status": spec.target, "comment": comment},
            )
    except StaleDataError as exc:
        fresh = q.brief_by_id(ws.reader, brief_id)
        raise StaleRecord(
            f"Brief #{brief_id}",
            fresh.updated_by if fresh else None,
            fresh.updated_at if fresh else None,
        ) from exc
    return get(ws, brief_id)


def counts(ws: Workspace) -> dict[str, int]:
    return q.status_counts(ws.reader)


def for_kpi(ws: Workspace, kpi_id: int) -> list[dict[str, Any]]:
    return q.briefs_for_kpi(ws.reader, kpi_id)


EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "status",
    "priority",
    "owner",
    "requester",
    "launch_date",
    "working_days_to_launch",
    "kpi",
    "kpi_target",
    "budget_requested",
    "budget_line",
    "spend",
    "age_in_status",
    "flags",
    "objective",
    "audience",
    "channels",
    "outcome_result",
    "outcome_reason",
)


def export_rows(ws: Workspace, query: str = "") -> list[dict[str, str]]:
    today = ws.today()
    out = []
    for b in list_briefs(ws, query):
        out.append(
            {
                "id": str(b.id),
                "title": b.title,
                "status": b.status,
                "priority": b.priority,
                "owner": b.owner or "",
                "requester": b.requester or "",
                "launch_date": b.launch_date.isoformat() if b.launch_date else "",
                "working_days_to_launch": ""
                if b.launch_date is None
                else str(b.working_days_to_launch(today)),
                "kpi": b.kpi or "",
                "kpi_target": b.kpi_target,
                "budget_requested": format_money(
                    b.budget_requested,
                    ws.currency,
                    exact=True,
                    symbol=False,
                    grouping=False,
                    empty="",
                ),
                "budget_line": b.budget_line or "",
                "spend": format_money(
                    b.spend, ws.currency, exact=True, symbol=False, grouping=False
                ),
                "age_in_status": "" if b.status_since is None else str(b.age_in_status(today)),
                "flags": " ".join(f.code for f in b.flags(today, ws.brief_policy)),
                "objective": b.objective,
                "audience": b.audience,
                "channels": ", ".join(b.channels),
                "outcome_result": b.outcome_result,
                "outcome_reason": b.outcome_reason,
            }
        )
    return out
