"""Productions and who works on them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base, enum_column_type
from shotline.models.people import Role
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.entities import Asset, Entity, Episode, Sequence, Shot
    from shotline.models.events import Event
    from shotline.models.people import Person
    from shotline.models.pipeline import (
        ProjectTaskStatus,
        ProjectTaskType,
        TaskStatus,
        TaskType,
    )
    from shotline.models.schedule import Milestone


class ProjectStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column_type(ProjectStatus, "status"), default=ProjectStatus.OPEN
    )
    # Numeric rather than Float so 23.976 stays 23.976; read back as a float
    # because SQLite has no decimal type (asdecimal would warn there).
    fps: Mapped[float] = mapped_column(Numeric(6, 3, asdecimal=False), default=24)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    # Each project picks global task types and statuses and orders them: the
    # links are written, the ordered lists below are read.
    task_type_links: Mapped[list[ProjectTaskType]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectTaskType.position",
    )
    task_status_links: Mapped[list[ProjectTaskStatus]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectTaskStatus.position",
    )
    task_types: Mapped[list[TaskType]] = relationship(
        secondary="project_task_type", order_by="ProjectTaskType.position", viewonly=True
    )
    task_statuses: Mapped[list[TaskStatus]] = relationship(
        secondary="project_task_status", order_by="ProjectTaskStatus.position", viewonly=True
    )

    entities: Mapped[list[Entity]] = relationship(back_populates="project")
    # Typed views of `entities`, read-only so only Entity.project writes project_id.
    assets: Mapped[list[Asset]] = relationship(order_by="Asset.name", viewonly=True)
    episodes: Mapped[list[Episode]] = relationship(order_by="Episode.name", viewonly=True)
    sequences: Mapped[list[Sequence]] = relationship(order_by="Sequence.name", viewonly=True)
    shots: Mapped[list[Shot]] = relationship(order_by="Shot.name", viewonly=True)
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="(Milestone.date, Milestone.id)",
    )
    # The activity feed, newest first. The log names its project by a plain
    # id (it outlives the rows it tells of), hence the join spelled out.
    events: Mapped[list[Event]] = relationship(
        primaryjoin="foreign(Event.project_id) == Project.id",
        order_by="Event.id.desc()",
        viewonly=True,
    )


class ProjectMember(Base):
    """A person on a project, optionally with a role that overrides their global one."""

    __tablename__ = "project_member"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role | None] = mapped_column(enum_column_type(Role, "role"))

    project: Mapped[Project] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(back_populates="memberships")
