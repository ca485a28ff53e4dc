"""The schedule of a project: its milestones.

Task dates and estimates live on the task itself (:class:`~shotline.models.Task`);
a milestone is a dated event of the whole project (a client review, a
delivery), optionally about one task type ("Animation lock").
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.pipeline import TaskType
    from shotline.models.projects import Project


class Milestone(Base):
    __tablename__ = "milestone"
    # A project's milestones are read in date order.
    __table_args__ = (Index("ix_milestone_project_date", "project_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(120))
    # A deleted task type leaves its milestones about the whole project.
    task_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("task_type.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones")
    task_type: Mapped[TaskType | None] = relationship()
