"""Previews: images and videos attached to comments, the way work is shown
for review.

The bytes live in a content-addressed store (:mod:`shotline.storage`); a
row records who attached what to which comment. ``task_id`` is denormalised
from the comment so that a task's previews (and its latest one, the
thumbnail of its grid cell) are found without a join.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.people import Person
    from shotline.models.tasks import Comment


class Preview(Base):
    __tablename__ = "preview"
    __table_args__ = (
        # A task's previews, newest (highest id) first.
        Index("ix_preview_task_id", "task_id", "id"),
        Index("ix_preview_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger, comment="bytes")
    sha256: Mapped[str] = mapped_column(String(64), comment="key of the file in the store")
    width: Mapped[int | None]
    height: Mapped[int | None]
    thumbnail_sha256: Mapped[str | None] = mapped_column(
        String(64), comment="key of the JPEG thumbnail; null: none could be made"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="previews")
    author: Mapped[Person] = relationship()
