"""Re-plans: the plan in force a re-plan started from, its request and the changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("plan_job") as batch:
        batch.add_column(sa.Column("base_plan_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("replan_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("changes_json", sa.Text(), nullable=True))


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("plan_job") as batch:
        batch.drop_column("changes_json")
        batch.drop_column("replan_json")
        batch.drop_column("base_plan_id")
