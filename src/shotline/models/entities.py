"""What a production makes: assets, and shots grouped in sequences and episodes.

All kinds share one ``entity`` table (joined-table inheritance): tasks,
comments and grids point at any of them with one foreign key, while each kind
keeps its own columns in a table of its own.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, event, text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base
from shotline.softdelete import SoftDeleteMixin
from shotline.sqltypes import JSONData, UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.casting import Casting
    from shotline.models.pipeline import AssetType
    from shotline.models.projects import Project
    from shotline.models.tasks import Task

LIVE_ROWS = text("deleted_at IS NULL")
"""Predicate of partial indexes: queries always filter deleted rows out (see
:mod:`shotline.softdelete`), so indexing only live rows keeps indexes small.
MariaDB has no partial indexes and indexes every row."""

NAME_KEY_LENGTH = 400
"""Room for a kind, a parent id and a case-folded name (folding can make a
name longer: ``ß`` folds to ``ss``); 1,600 bytes in utf8mb4, within MariaDB's
3,072 for an index."""


def name_key(kind: str, parent_id: int | None, name: str) -> str:
    """What makes an entity's name unique in its project: its kind, its parent
    (a shot's sequence, a sequence's episode) and its name, case-folded (Unicode
    case folding, then NFC), so ``Brass Lantern`` and ``BRASS LANTERN`` are one
    name on every dialect, whatever the database's collation."""
    folded = unicodedata.normalize("NFC", name.casefold())
    return f"{kind}:{'' if parent_id is None else parent_id}:{folded}"


class Entity(SoftDeleteMixin, Base):
    __tablename__ = "entity"
    __table_args__ = (
        Index(
            "ix_entity_project_kind",
            "project_id",
            "kind",
            postgresql_where=LIVE_ROWS,
            sqlite_where=LIVE_ROWS,
        ),
        # Grids page a project's entities by name.
        Index(
            "ix_entity_project_name",
            "project_id",
            "name",
            postgresql_where=LIVE_ROWS,
            sqlite_where=LIVE_ROWS,
        ),
        # Names are unique per project, kind and parent among live rows: a
        # deleted row's key is NULL, and NULLs never collide on any dialect.
        Index("uq_entity_project_name_key", "project_id", "name_key", unique=True),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}
    name_parent: ClassVar[str | None] = None
    """The attribute holding the parent the kind's names are unique under."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONData, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Kept by the ORM on every insert and update (see _keep_name_key); a
    # statement that soft-deletes entities without the ORM must set it to NULL.
    name_key: Mapped[str | None] = mapped_column(
        String(NAME_KEY_LENGTH).with_variant(
            mysql.VARCHAR(NAME_KEY_LENGTH, collation="utf8mb4_bin"), "mysql", "mariadb"
        ),
        comment="kind:parent:case-folded name; NULL once deleted",
    )

    project: Mapped[Project] = relationship(back_populates="entities")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="Task.id"
    )
    # The assets cast into this shot, sequence or episode.
    casting: Mapped[list[Casting]] = relationship(
        back_populates="entity",
        foreign_keys="Casting.entity_id",
        order_by="Casting.asset_id",
        passive_deletes=True,
    )

    def live_name_key(self) -> str | None:
        """:func:`name_key` of this entity, or ``None`` once it is deleted."""
        if self.deleted_at is not None:
            return None
        parent = getattr(self, self.name_parent) if self.name_parent else None
        return name_key(self.kind, parent, self.name)


@event.listens_for(Entity, "before_insert", propagate=True)
@event.listens_for(Entity, "before_update", propagate=True)
def _keep_name_key(_mapper: Any, _connection: Any, entity: Entity) -> None:
    entity.name_key = entity.live_name_key()


# Subclass columns load only where a plan selects them (loadplan joins the
# kinds' tables into that one statement); nothing loads them behind its back.


class Asset(Entity):
    __tablename__ = "asset"
    __mapper_args__ = {"polymorphic_identity": "asset"}

    id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    asset_type_id: Mapped[int] = mapped_column(ForeignKey("asset_type.id"))

    asset_type: Mapped[AssetType] = relationship()
    # Where the asset is used: the shots, sequences and episodes it is cast into.
    cast_in: Mapped[list[Casting]] = relationship(
        back_populates="asset",
        foreign_keys="Casting.asset_id",
        order_by="Casting.entity_id",
        passive_deletes=True,
    )


class Episode(Entity):
    __tablename__ = "episode"
    __mapper_args__ = {"polymorphic_identity": "episode"}

    id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)

    sequences: Mapped[list[Sequence]] = relationship(
        back_populates="episode", foreign_keys="Sequence.episode_id", order_by="Sequence.name"
    )


class Sequence(Entity):
    __tablename__ = "sequence"
    __mapper_args__ = {"polymorphic_identity": "sequence"}
    name_parent = "episode_id"

    id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    # Films have sequences straight under the project; series group them in episodes.
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))

    episode: Mapped[Episode | None] = relationship(
        back_populates="sequences", foreign_keys=[episode_id]
    )
    shots: Mapped[list[Shot]] = relationship(
        back_populates="sequence", foreign_keys="Shot.sequence_id", order_by="Shot.name"
    )


class Shot(Entity):
    __tablename__ = "shot"
    __mapper_args__ = {"polymorphic_identity": "shot"}
    name_parent = "sequence_id"

    id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequence.id"))
    frame_in: Mapped[int]
    frame_out: Mapped[int]
    # None: the project's frame rate.
    fps: Mapped[float | None] = mapped_column(Numeric(6, 3, asdecimal=False))

    sequence: Mapped[Sequence] = relationship(back_populates="shots", foreign_keys=[sequence_id])
