"""The work on an entity: tasks, their comments and the time spent on them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base
from shotline.models.entities import LIVE_ROWS
from shotline.softdelete import SoftDeleteMixin
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.entities import Entity
    from shotline.models.people import Person
    from shotline.models.pipeline import ProjectTaskType, TaskStatus, TaskType
    from shotline.models.previews import Preview
    from shotline.models.projects import Project

task_assignee = Table(
    "task_assignee",
    Base.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    # The primary key serves task → assignees; this serves "my tasks".
    Index("ix_task_assignee_person_id", "person_id"),
)


class Task(SoftDeleteMixin, Base):
    __tablename__ = "task"
    __table_args__ = (
        # One task per step and entity; its index also serves the grids'
        # entity → task lookups, so there is no separate (entity_id, task_type_id) index.
        UniqueConstraint("entity_id", "task_type_id"),
        Index(
            "ix_task_project_id",
            "project_id",
            postgresql_where=LIVE_ROWS,
            sqlite_where=LIVE_ROWS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from the entity: whole-project grids and counts filter on it
    # without joining the entity table.
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    task_type_id: Mapped[int] = mapped_column(ForeignKey("task_type.id"))
    task_status_id: Mapped[int] = mapped_column(ForeignKey("task_status.id"))
    priority: Mapped[int] = mapped_column(default=0)
    estimate: Mapped[int | None] = mapped_column(comment="minutes")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    # The latest preview with a thumbnail (its grid cell shows it), and the
    # latest on a comment that is not internal (what clients are shown):
    # kept by shotline.services.previews, so grids read a column, not a
    # subquery per task. No foreign key: previews reference tasks already.
    thumbnail_id: Mapped[int | None]
    public_thumbnail_id: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    entity: Mapped[Entity] = relationship(back_populates="tasks")
    task_type: Mapped[TaskType] = relationship()
    task_status: Mapped[TaskStatus] = relationship()
    # The project's link to the task's type: its column's position on the
    # grids, joined rather than looked up per task; none once the project
    # no longer enables the type.
    task_type_link: Mapped[ProjectTaskType | None] = relationship(
        primaryjoin="and_(foreign(Task.project_id) == ProjectTaskType.project_id, "
        "foreign(Task.task_type_id) == ProjectTaskType.task_type_id)",
        viewonly=True,
    )
    assignees: Mapped[list[Person]] = relationship(
        secondary=task_assignee, back_populates="tasks", order_by="Person.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="task",
        cascade="all, delete-orphan",
        order_by="(Comment.created_at.desc(), Comment.id.desc())",
    )
    time_logs: Mapped[list[TimeLog]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TimeLog.day"
    )


class Comment(Base):
    """A note on a task; one that sets ``task_status_id`` records a status change.

    An ``internal`` comment is studio talk: clients never see it.
    """

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    task_status_id: Mapped[int | None] = mapped_column(ForeignKey("task_status.id"))
    internal: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship(back_populates="comments")
    author: Mapped[Person] = relationship()
    task_status: Mapped[TaskStatus | None] = relationship()
    previews: Mapped[list[Preview]] = relationship(
        back_populates="comment", order_by="Preview.id", passive_deletes=True
    )


class TimeLog(Base):
    """Minutes a person spent on a task on one day (one row per person, task and day)."""

    __tablename__ = "time_log"
    __table_args__ = (UniqueConstraint("person_id", "task_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int]

    person: Mapped[Person] = relationship(back_populates="time_logs")
    task: Mapped[Task] = relationship(back_populates="time_logs")
