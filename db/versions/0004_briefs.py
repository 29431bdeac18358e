"""Brief queue: briefs and their transitions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("search_key", sa.String(400), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("status_since", sa.DateTime(), nullable=False),
        sa.Column("priority", sa.String(2), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("key_message", sa.Text(), nullable=False),
        sa.Column("channels", sa.String(400), nullable=False),
        sa.Column("launch_date", sa.Date(), nullable=True),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("kpi_target", sa.String(40), nullable=False),
        sa.Column("budget_requested", sa.BigInteger(), nullable=True),
        sa.Column("budget_line_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome_result", sa.String(200), nullable=False),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["people.id"], name="fk_briefs_requester_id_people"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name="fk_briefs_owner_id_people"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpis.id"], name="fk_briefs_kpi_id_kpis"),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name="fk_briefs_budget_line_id_budget_lines",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_briefs"),
    )
    op.create_index("ix_briefs_status", "briefs", ["status"])
    op.create_index("ix_briefs_requester_id", "briefs", ["requester_id"])
    op.create_index("ix_briefs_owner_id", "briefs", ["owner_id"])
    op.create_index("ix_briefs_launch_date", "briefs", ["launch_date"])
    op.create_index("ix_briefs_kpi_id", "briefs", ["kpi_id"])
    op.create_table(
        "brief_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=True),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"], ["briefs.id"], name="fk_brief_transitions_brief_id_briefs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_brief_transitions"),
    )
    op.create_index("ix_brief_transitions_brief_id", "brief_transitions", ["brief_id"])


def downgrade() -> None:
    op.drop_table("brief_transitions")
    op.drop_table("briefs")
