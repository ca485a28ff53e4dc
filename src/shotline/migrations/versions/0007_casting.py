"""Casting: assets cast into shots, sequences and episodes, with occurrences.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casting",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.CheckConstraint("occurrences >= 1", name=op.f("ck_casting_occurrences")),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], name=op.f("fk_casting_asset_id_asset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
            name=op.f("fk_casting_entity_id_entity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_casting_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entity_id", "asset_id", name=op.f("pk_casting")),
    )
    op.create_index("ix_casting_asset_id", "casting", ["asset_id"])
    op.create_index("ix_casting_project_id", "casting", ["project_id"])


def downgrade() -> None:
    op.drop_table("casting")
