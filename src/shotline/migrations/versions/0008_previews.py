"""Previews: files attached to comments; each task's latest thumbnails.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp() -> sa.DateTime:
    """UTC timestamps; MariaDB needs fsp=6 to keep microseconds."""
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "preview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False, comment="bytes"),
        sa.Column(
            "sha256", sa.String(length=64), nullable=False, comment="key of the file in the store"
        ),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column(
            "thumbnail_sha256",
            sa.String(length=64),
            nullable=True,
            comment="key of the JPEG thumbnail; null: none could be made",
        ),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_preview_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_preview_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_preview_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview")),
    )
    op.create_index(op.f("ix_preview_comment_id"), "preview", ["comment_id"])
    op.create_index("ix_preview_task_id", "preview", ["task_id", "id"])
    op.create_index("ix_preview_sha256", "preview", ["sha256"])
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("thumbnail_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("public_thumbnail_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("public_thumbnail_id")
        batch.drop_column("thumbnail_id")
    op.drop_table("preview")
