"""Visit records (done, missed, partly done) and the visits a plan carried over from last week.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "visit_record",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("need_id", sa.String(length=100), nullable=False),
        sa.Column("visit", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("day", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("missed_reason", sa.String(length=24), nullable=True),
        sa.Column("actual_start", sa.String(length=5), nullable=True),
        sa.Column("actual_minutes", sa.Integer(), nullable=True),
        sa.Column("resources_given", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("note_expires_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan_job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "need_id", "visit"),
    )
    op.create_index("ix_visit_record_station_week", "visit_record", ["station_id", "week_start"])
    with op.batch_alter_table("plan_job") as batch:
        batch.add_column(sa.Column("carried_json", sa.Text(), nullable=True))
    with op.batch_alter_table("need") as batch:
        batch.add_column(sa.Column("assessed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("resource") as batch:
        batch.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("resource") as batch:
        batch.drop_column("updated_at")
    with op.batch_alter_table("need") as batch:
        batch.drop_column("assessed_on")
    with op.batch_alter_table("plan_job") as batch:
        batch.drop_column("carried_json")
    op.drop_index("ix_visit_record_station_week", table_name="visit_record")
    op.drop_table("visit_record")
