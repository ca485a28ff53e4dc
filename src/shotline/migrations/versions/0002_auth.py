"""Authentication: bearer tokens, and internal comments.

``auth_token`` holds both the sessions a login opens and personal API tokens
(``kind``), each as the SHA-256 of its secret. ``comment.internal`` marks the
comments clients must not see; existing comments are not internal (the server
default fills them in on every dialect).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp() -> sa.DateTime:
    """UTC timestamps; MariaDB needs fsp=6 to keep microseconds."""
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "auth_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="sha256 hex"),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=True),
        sa.Column("revoked_at", timestamp(), nullable=True),
        sa.Column("last_used_at", timestamp(), nullable=True),
        sa.CheckConstraint("kind IN ('session', 'api')", name=op.f("ck_auth_token_kind")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_auth_token_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_token_token_hash")),
    )
    op.create_index(op.f("ix_auth_token_person_id"), "auth_token", ["person_id"])
    with op.batch_alter_table("comment") as batch:
        batch.add_column(
            sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch:
        batch.drop_column("internal")
    op.drop_table("auth_token")
