"""The schema, as typed SQLAlchemy 2.x declarative models.

Alembic migrations in ``db/versions`` build exactly these tables; a test compares an
autogenerate diff against them. Money columns are integer minor units. Names that must
be unique whatever their case carry a ``*_key`` column (casefolded in Python, so the
rule is the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """Workspace-wide settings shared by every user of the database (currency, …)."""

    __tablename__ = "workspace_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class Tool(Base):
    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    search_key: Mapped[str] = mapped_column(String(400))
    vendor: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    annual_cost: Mapped[int | None] = mapped_column(BigInteger)
    billing_cycle: Mapped[str | None] = mapped_column(String(20))
    renewal_date: Mapped[date | None] = mapped_column(Date)
    cancel_by: Mapped[date | None] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    seats_bought: Mapped[int | None] = mapped_column(Integer)
    seats_used: Mapped[int | None] = mapped_column(Integer)
    holds_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    dpa_signed_on: Mapped[date | None] = mapped_column(Date)
    data_region: Mapped[str | None] = mapped_column(String(20))
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    retired_reason: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Integration(Base):
    """A data flow between two tools. Removing one stamps ``removed_at``; rows stay."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    data: Mapped[str] = mapped_column(String(200))
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by: Mapped[str | None] = mapped_column(String(64))


class Kpi(Base):
    """A KPI definition. Meaning edits of an active KPI add a ``KpiVersion``."""

    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    search_key: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    definition: Mapped[str] = mapped_column(Text, default="")
    numerator: Mapped[str] = mapped_column(String(200), default="")
    denominator: Mapped[str] = mapped_column(String(200), default="")
    conversion: Mapped[str] = mapped_column(Text, default="")
    attribution_model: Mapped[str] = mapped_column(String(20))
    attribution_window_days: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(20))
    target: Mapped[str | None] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(Text, default="")
    data_gaps: Mapped[str] = mapped_column(Text, default="")
    data_source_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    measure: Mapped[str] = mapped_column(String(64))
    mf_type: Mapped[str | None] = mapped_column(String(20))
    mf_params: Mapped[str | None] = mapped_column(Text)
    mf_filter: Mapped[str | None] = mapped_column(Text)
    deprecated_reason: Mapped[str | None] = mapped_column(Text)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class KpiVersionRow(Base):
    """One meaning of a KPI, in force from ``effective_on``. Never changed once written."""

    __tablename__ = "kpi_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    snapshot_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("kpi_id", "number", name="uq_kpi_versions_kpi_id_number"),)


class BudgetLine(Base):
    """The plan: money for one channel (and optionally a campaign or tool) in a period."""

    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(12), index=True)
    period_kind: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(60))
    channel_key: Mapped[str] = mapped_column(String(60), index=True)
    campaign: Mapped[str | None] = mapped_column(String(80))
    campaign_key: Mapped[str] = mapped_column(String(80), default="")
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    planned: Mapped[int] = mapped_column(BigInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint(
            "period",
            "channel_key",
            "campaign_key",
            name="uq_budget_lines_period_channel_key_campaign_key",
        ),
        Index("ix_budget_lines_starts_on_ends_on", "starts_on", "ends_on"),
    )


class SpendEntry(Base):
    """The actuals. Append-only: a correction is a reversal plus a new entry."""

    __tablename__ = "spend_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_date: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))
    payee: Mapped[str] = mapped_column(String(120))
    search_key: Mapped[str] = mapped_column(String(400))
    reference: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    brief_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("spend_entries.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("spend_entries.id"), index=True)
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    import_batch: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        # Covering indexes for the reports (sum by line, by line and month) and the list.
        Index("ix_spend_entries_line_id_month_amount", "line_id", "month", "amount"),
        Index("ix_spend_entries_entry_date_id", "entry_date", "id"),
        Index("ix_spend_entries_entry_date_search_key", "entry_date", "search_key"),
        Index("ix_spend_entries_month_amount", "month", "amount"),
    )


class PeriodClose(Base):
    """A closed month. Reopening stamps ``reopened_at``; the row stays."""

    __tablename__ = "period_closes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    closed_at: Mapped[datetime] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(64))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(64))
    reopen_reason: Mapped[str | None] = mapped_column(Text)


class ImportProfile(Base):
    """A saved column mapping for a finance or ad-platform export."""

    __tablename__ = "import_profiles"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    settings_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class Brief(Base):
    __tablename__ = "briefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    search_key: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(12), index=True)
    status_since: Mapped[datetime] = mapped_column(DateTime)
    priority: Mapped[str] = mapped_column(String(2))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    objective: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    key_message: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[str] = mapped_column(String(400), default="")
    launch_date: Mapped[date | None] = mapped_column(Date, index=True)
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"), index=True)
    kpi_target: Mapped[str] = mapped_column(String(40), default="")
    budget_requested: Mapped[int | None] = mapped_column(BigInteger)
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    outcome_result: Mapped[str] = mapped_column(String(200), default="")
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class BriefTransition(Base):
    """Every move of a brief: who, when, from, to, and with what comment."""

    __tablename__ = "brief_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")


class Snooze(Base):
    """An inbox item hidden until a date. ``item_key`` names the item (``renewal:12``)."""

    __tablename__ = "snoozes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_key: Mapped[str] = mapped_column(String(80), index=True)
    until: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class RenewalDecision(Base):
    """What the team decided about a tool's renewal: renew, renegotiate or cancel."""

    __tablename__ = "renewal_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    renewal_date: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only: one row per change, with the record before and after as JSON text."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_log_at", "at"),
    )
