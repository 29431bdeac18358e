"""Daily triage: snoozed inbox items and renewal decisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(80), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snoozes"),
    )
    op.create_index("ix_snoozes_item_key", "snoozes", ["item_key"])
    op.create_table(
        "renewal_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tool_id"], ["tools.id"], name="fk_renewal_decisions_tool_id_tools"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_renewal_decisions"),
    )
    op.create_index("ix_renewal_decisions_tool_id", "renewal_decisions", ["tool_id"])


def downgrade() -> None:
    op.drop_table("renewal_decisions")
    op.drop_table("snoozes")
