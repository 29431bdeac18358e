"""KPI definitions and their versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("search_key", sa.String(400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("numerator", sa.String(200), nullable=False),
        sa.Column("denominator", sa.String(200), nullable=False),
        sa.Column("conversion", sa.Text(), nullable=False),
        sa.Column("attribution_model", sa.String(20), nullable=False),
        sa.Column("attribution_window_days", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("target", sa.String(40), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("data_gaps", sa.Text(), nullable=False),
        sa.Column("data_source_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("mf_type", sa.String(20), nullable=True),
        sa.Column("mf_params", sa.Text(), nullable=True),
        sa.Column("mf_filter", sa.Text(), nullable=True),
        sa.Column("deprecated_reason", sa.Text(), nullable=True),
        sa.Column("successor_id", sa.Integer(), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name="fk_kpis_owner_id_people"),
        sa.ForeignKeyConstraint(
            ["data_source_id"], ["tools.id"], name="fk_kpis_data_source_id_tools"
        ),
        sa.ForeignKeyConstraint(["successor_id"], ["kpis.id"], name="fk_kpis_successor_id_kpis"),
        sa.PrimaryKeyConstraint("id", name="pk_kpis"),
        sa.UniqueConstraint("key", name="uq_kpis_key"),
    )
    op.create_index("ix_kpis_owner_id", "kpis", ["owner_id"])
    op.create_index("ix_kpis_data_source_id", "kpis", ["data_source_id"])
    op.create_index("ix_kpis_status", "kpis", ["status"])
    op.create_table(
        "kpi_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"], name="fk_kpi_versions_kpi_id_kpis"),
        sa.PrimaryKeyConstraint("id", name="pk_kpi_versions"),
        sa.UniqueConstraint("kpi_id", "number", name="uq_kpi_versions_kpi_id_number"),
    )
    op.create_index("ix_kpi_versions_kpi_id", "kpi_versions", ["kpi_id"])


def downgrade() -> None:
    op.drop_table("kpi_versions")
    op.drop_table("kpis")
