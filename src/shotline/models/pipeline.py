"""The global vocabulary of the pipeline, and what each project takes from it.

Task types, task statuses and asset types are shared by the whole studio so
that reports compare like with like across projects; each project enables the
task types and statuses it uses, in an order of its own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base, enum_column_type

if TYPE_CHECKING:
    from shotline.models.people import Department
    from shotline.models.projects import Project


class ForEntity(StrEnum):
    """Which kind of entity a task type applies to."""

    ASSET = "asset"
    SHOT = "shot"


class TaskType(Base):
    __tablename__ = "task_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    color: Mapped[str] = mapped_column(String(7), default="#999999")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    for_entity: Mapped[ForEntity] = mapped_column(enum_column_type(ForEntity, "for_entity"))

    department: Mapped[Department | None] = relationship()


class TaskStatus(Base):
    __tablename__ = "task_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#999999")
    is_done: Mapped[bool] = mapped_column(default=False)
    is_wip: Mapped[bool] = mapped_column(default=False)
    # A retake is feedback asking for more work on something presented for review.
    is_retake: Mapped[bool] = mapped_column(default=False)
    # Workflow rules: who may set a task to this status besides the managers and
    # the supervisors of the task's department (see shotline.access.can_set_status).
    is_artist_allowed: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_client_allowed: Mapped[bool] = mapped_column(default=False, server_default=false())


class ProjectTaskType(Base):
    __tablename__ = "project_task_type"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    task_type_id: Mapped[int] = mapped_column(
        ForeignKey("task_type.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="task_type_links")
    task_type: Mapped[TaskType] = relationship()


class ProjectTaskStatus(Base):
    __tablename__ = "project_task_status"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    task_status_id: Mapped[int] = mapped_column(
        ForeignKey("task_status.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="task_status_links")
    task_status: Mapped[TaskStatus] = relationship()


class AssetType(Base):
    __tablename__ = "asset_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
