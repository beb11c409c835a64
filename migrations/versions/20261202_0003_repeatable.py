"""Plan jobs say whether they count solver work (repeatable) or wall seconds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("plan_job") as batch:
        batch.add_column(
            sa.Column("repeatable", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("plan_job") as batch:
        batch.drop_column("repeatable")
