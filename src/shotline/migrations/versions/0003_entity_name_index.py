"""An index for the grids' order: a project's live entities by name.

Every grid and entity list pages a project's entities ordered by name. Without
an index the database reads and sorts all of the project's entities for each
page (about 6 ms for 6,000 entities on PostgreSQL); with it, a page reads only
its own rows (about 1 ms).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_ROWS = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_entity_project_name",
        "entity",
        ["project_id", "name"],
        postgresql_where=LIVE_ROWS,
        sqlite_where=LIVE_ROWS,
    )


def downgrade() -> None:
    op.drop_index("ix_entity_project_name", table_name="entity")
