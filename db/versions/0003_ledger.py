"""Budget ledger: budget lines, spend entries, period closes, import profiles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(12), nullable=False),
        sa.Column("period_kind", sa.String(8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(60), nullable=False),
        sa.Column("channel_key", sa.String(60), nullable=False),
        sa.Column("campaign", sa.String(80), nullable=True),
        sa.Column("campaign_key", sa.String(80), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tool_id"], ["tools.id"], name="fk_budget_lines_tool_id_tools"),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name="fk_budget_lines_owner_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_budget_lines"),
        sa.UniqueConstraint(
            "period",
            "channel_key",
            "campaign_key",
            name="uq_budget_lines_period_channel_key_campaign_key",
        ),
    )
    op.create_index("ix_budget_lines_period", "budget_lines", ["period"])
    op.create_index("ix_budget_lines_channel_key", "budget_lines", ["channel_key"])
    op.create_index("ix_budget_lines_tool_id", "budget_lines", ["tool_id"])
    op.create_index("ix_budget_lines_starts_on_ends_on", "budget_lines", ["starts_on", "ends_on"])
    op.create_table(
        "spend_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("payee", sa.String(120), nullable=False),
        sa.Column("search_key", sa.String(400), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=True),
        sa.Column("brief_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("import_key", sa.String(64), nullable=True),
        sa.Column("import_batch", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["budget_lines.id"], name="fk_spend_entries_line_id_budget_lines"
        ),
        sa.ForeignKeyConstraint(["tool_id"], ["tools.id"], name="fk_spend_entries_tool_id_tools"),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["spend_entries.id"],
            name="fk_spend_entries_reverses_id_spend_entries",
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["spend_entries.id"],
            name="fk_spend_entries_corrects_id_spend_entries",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_spend_entries"),
        sa.UniqueConstraint("import_key", name="uq_spend_entries_import_key"),
    )
    op.create_index("ix_spend_entries_tool_id", "spend_entries", ["tool_id"])
    op.create_index("ix_spend_entries_brief_id", "spend_entries", ["brief_id"])
    op.create_index("ix_spend_entries_reverses_id", "spend_entries", ["reverses_id"])
    op.create_index("ix_spend_entries_corrects_id", "spend_entries", ["corrects_id"])
    op.create_index(
        "ix_spend_entries_line_id_month_amount", "spend_entries", ["line_id", "month", "amount"]
    )
    op.create_index("ix_spend_entries_entry_date_id", "spend_entries", ["entry_date", "id"])
    op.create_index("ix_spend_entries_month_amount", "spend_entries", ["month", "amount"])
    op.create_table(
        "period_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("reopened_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(64), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_period_closes"),
    )
    op.create_index("ix_period_closes_month", "period_closes", ["month"])
    op.create_table(
        "import_profiles",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("settings_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_import_profiles"),
    )


def downgrade() -> None:
    op.drop_table("import_profiles")
    op.drop_table("period_closes")
    op.drop_table("spend_entries")
    op.drop_table("budget_lines")
