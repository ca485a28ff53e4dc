"""The breakdown: which assets appear in which shots, sequences and episodes.

A casting link puts an asset into a shot (or into a sequence or an episode
as a whole: a set used throughout) with a number of occurrences (three
villagers in one shot). It drives what a shot needs before it can be
animated, and which assets matter most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base

if TYPE_CHECKING:
    from shotline.models.entities import Asset, Entity


class Casting(Base):
    __tablename__ = "casting"
    __table_args__ = (
        CheckConstraint("occurrences >= 1", name="occurrences"),
        # The primary key serves an entity's casting; this serves an asset's "used in".
        Index("ix_casting_asset_id", "asset_id"),
        Index("ix_casting_project_id", "project_id"),
    )

    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True
    )
    # Denormalised from the entities (both of this project): project-wide
    # reads (the CSV export) and access rules filter on it without a join.
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    occurrences: Mapped[int] = mapped_column(default=1)

    entity: Mapped[Entity] = relationship(foreign_keys=[entity_id], back_populates="casting")
    asset: Mapped[Asset] = relationship(foreign_keys=[asset_id], back_populates="cast_in")
