"""Entity names unique per project, kind and parent among live rows.

``entity.name_key`` holds the kind, the parent (a shot's sequence, a
sequence's episode) and the case-folded name of a live entity, NULL once it
is deleted; a unique index on (project_id, name_key) then refuses a second
live entity of the same name on every dialect (NULLs never collide), with no
partial or expression index, which MariaDB lacks.

Existing live duplicates (possible before this revision) are renamed, the
later ones (by id) getting `` (<id>)`` after their name, so that the index
can be built and nothing is lost; a message lists them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import logging
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_LENGTH = 120
KEY_LENGTH = 400


def name_key(kind: str, parent_id: int | None, name: str) -> str:
    """The key as this revision defines it (a copy: migrations do not import
    application code, which changes after they are written)."""
    folded = unicodedata.normalize("NFC", name.casefold())
    return f"{kind}:{'' if parent_id is None else parent_id}:{folded}"


def upgrade() -> None:
    op.add_column(
        "entity",
        sa.Column(
            "name_key",
            sa.String(length=KEY_LENGTH).with_variant(
                mysql.VARCHAR(KEY_LENGTH, collation="utf8mb4_bin"), "mysql", "mariadb"
            ),
            nullable=True,
            comment="kind:parent:case-folded name; NULL once deleted",
        ),
    )
    entity = sa.table(
        "entity",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("project_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
        sa.column("deleted_at", sa.DateTime),
    )
    shot = sa.table("shot", sa.column("id", sa.Integer), sa.column("sequence_id", sa.Integer))
    sequence = sa.table(
        "sequence", sa.column("id", sa.Integer), sa.column("episode_id", sa.Integer)
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            entity.c.id,
            entity.c.kind,
            entity.c.project_id,
            entity.c.name,
            sa.func.coalesce(shot.c.sequence_id, sequence.c.episode_id),
        )
        .select_from(
            entity.outerjoin(shot, shot.c.id == entity.c.id).outerjoin(
                sequence, sequence.c.id == entity.c.id
            )
        )
        .where(entity.c.deleted_at.is_(None))
        .order_by(entity.c.id)
    ).all()
    taken: set[tuple[int, str]] = set()
    updates = []
    renamed = []
    for ident, kind, project_id, name, parent_id in rows:
        key = name_key(kind, parent_id, name)
        if (project_id, key) in taken:
            suffix = f" ({ident})"
            new_name = name[: NAME_LENGTH - len(suffix)] + suffix
            renamed.append(f"{kind} {ident} {name!r} -> {new_name!r}")
            name, key = new_name, name_key(kind, parent_id, new_name)
        taken.add((project_id, key))
        updates.append({"ident": ident, "new_name": name, "new_key": key})
    if updates:
        connection.execute(
            entity.update()
            .where(entity.c.id == sa.bindparam("ident"))
            .values(name=sa.bindparam("new_name"), name_key=sa.bindparam("new_key")),
            updates,
        )
    if renamed:
        logging.getLogger("alembic.runtime.migration").warning(
            "Entities renamed to make their names unique: %s", "; ".join(renamed)
        )
    op.create_index("uq_entity_project_name_key", "entity", ["project_id", "name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_entity_project_name_key", table_name="entity")
    op.drop_column("entity", "name_key")
