"""Initial schema: station archives, plan jobs, API tokens and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=True),
        sa.Column("station_id", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_station_id"), ["station_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_token_id"), ["token_id"], unique=False)

    op.create_table(
        "station",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("scenario_name", sa.String(), nullable=False),
        sa.Column("travel", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("scenario_extra", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "plan_job",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=True),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("ortools_version", sa.String(length=40), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("scenario_sha256", sa.String(length=64), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_job_station_id"), ["station_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_job_status"), ["status"], unique=False)

    op.create_table(
        "resource",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("available", sa.BigInteger(), nullable=False),
        sa.Column("eligible_groups", sa.JSON(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "id"),
    )
    op.create_table(
        "village",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "id"),
    )
    op.create_table(
        "worker",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("base_lat", sa.Float(), nullable=True),
        sa.Column("base_lon", sa.Float(), nullable=True),
        sa.Column("transport", sa.String(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("max_minutes_per_week", sa.BigInteger(), nullable=True),
        sa.Column("max_visits_per_day", sa.BigInteger(), nullable=True),
        sa.Column("max_travel_minutes", sa.BigInteger(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "id"),
    )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_role"), ["role"], unique=False)

    op.create_table(
        "need",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("household", sa.String(length=100), nullable=False),
        sa.Column("village_id", sa.String(length=100), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("window", sa.JSON(), nullable=False),
        sa.Column("staff", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("preferred_workers", sa.JSON(), nullable=False),
        sa.Column("excluded_workers", sa.JSON(), nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["station_id", "village_id"],
            ["village.station_id", "village.id"],
            name="fk_need_village",
        ),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "id"),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(
            "ix_need_station_household", ["station_id", "household"], unique=False
        )


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index("ix_need_station_household")

    op.drop_table("need")
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_role"))

    op.drop_table("worker")
    op.drop_table("village")
    op.drop_table("resource")
    with op.batch_alter_table("plan_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_job_status"))
        batch_op.drop_index(batch_op.f("ix_plan_job_station_id"))

    op.drop_table("plan_job")
    op.drop_table("station")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_token_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_station_id"))

    op.drop_table("audit_entry")
    op.drop_table("api_token")
