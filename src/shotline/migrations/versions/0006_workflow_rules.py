"""Workflow rules: which task statuses artists (and vendors) and clients may set.

Existing statuses keep what was allowed before: artists may set any status,
clients none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, which SQLite supports with a constant default: batch
    # mode would copy the table, which SQLite cannot drop while tasks refer to it.
    op.add_column(
        "task_status",
        sa.Column("is_artist_allowed", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column(
        "task_status",
        sa.Column("is_client_allowed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("task_status", "is_client_allowed")
    op.drop_column("task_status", "is_artist_allowed")
