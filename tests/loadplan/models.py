"""The test model set of loadplan: a small production tracker.

It has every relationship shape the planner must handle: many-to-one chains
(task → entity → project), one-to-many, many-to-many through a ``secondary``
table (task assignees) and through an association object (project
memberships), self-reference (task → parent task), joined-table inheritance
(entity → asset / shot), single-table inheritance (note → client / internal
note), a custom ``primaryjoin`` (a project's active sequences), a relationship
with ``order_by``, a hybrid property and a model property with hints.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, and_, inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

import loadplan


class Base(DeclarativeBase):
    pass


task_assignee = Table(
    "task_assignee",
    Base.metadata,
    Column("task_id", ForeignKey("task.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(120))
    tasks: Mapped[list[Task]] = relationship(
        secondary=task_assignee, back_populates="assignees", order_by="Task.id"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", order_by="Membership.project_id"
    )


class Project(Base):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    entities: Mapped[list[Entity]] = relationship(back_populates="project", order_by="Entity.id")
    sequences: Mapped[list[Sequence]] = relationship(
        back_populates="project", order_by="Sequence.id"
    )
    active_sequences: Mapped[list[Sequence]] = relationship(
        primaryjoin=lambda: and_(Sequence.project_id == Project.id, Sequence.archived.is_(False)),
        viewonly=True,
        order_by=lambda: Sequence.name,
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="project", order_by="Membership.person_id"
    )
    notes: Mapped[list[Note]] = relationship(back_populates="project", order_by="Note.id")


class Membership(Base):
    """Association object: a person's role in a project."""

    __tablename__ = "membership"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    project: Mapped[Project] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class Sequence(Base):
    __tablename__ = "sequence"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(String(80))
    archived: Mapped[bool] = mapped_column(default=False)
    project: Mapped[Project] = relationship(back_populates="sequences")
    shots: Mapped[list[Shot]] = relationship(
        back_populates="sequence", foreign_keys="Shot.sequence_id", order_by="Shot.id"
    )


class TaskType(Base):
    __tablename__ = "task_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    short_name: Mapped[str] = mapped_column(String(10))


class Status(Base):
    __tablename__ = "status"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    short_name: Mapped[str] = mapped_column(String(10))
    is_done: Mapped[bool] = mapped_column(default=False)


class Entity(Base):
    """Joined-table inheritance root: assets and shots."""

    __tablename__ = "entity"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200), default="")
    project: Mapped[Project] = relationship(back_populates="entities")
    tasks: Mapped[list[Task]] = relationship(back_populates="entity", order_by="Task.id")
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "entity"}

    @loadplan.model_property(only=["tasks.name"])
    def task_names(self) -> list[str]:
        """Reads every task, whatever page of them a client asked for."""
        return [task.name for task in self.tasks]


class Asset(Entity):
    __tablename__ = "asset"
    id: Mapped[int] = mapped_column(ForeignKey("entity.id"), primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_identity": "asset"}


class Shot(Entity):
    __tablename__ = "shot"
    id: Mapped[int] = mapped_column(ForeignKey("entity.id"), primary_key=True)
    sequence_id: Mapped[int | None] = mapped_column(ForeignKey("sequence.id"))
    frame_in: Mapped[int] = mapped_column(default=1)
    frame_out: Mapped[int] = mapped_column(default=100)
    sequence: Mapped[Sequence | None] = relationship(
        back_populates="shots", foreign_keys=[sequence_id]
    )
    __mapper_args__ = {"polymorphic_identity": "shot"}

    @hybrid_property
    def duration(self) -> int:
        return self.frame_out - self.frame_in + 1


class Task(Base):
    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    task_type_id: Mapped[int] = mapped_column(ForeignKey("task_type.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("status.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    name: Mapped[str] = mapped_column(String(80))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    entity: Mapped[Entity] = relationship(back_populates="tasks")
    task_type: Mapped[TaskType] = relationship()
    status: Mapped[Status] = relationship()
    parent: Mapped[Task | None] = relationship(remote_side=[id], back_populates="subtasks")
    subtasks: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.id")
    assignees: Mapped[list[Person]] = relationship(
        secondary=task_assignee, back_populates="tasks", order_by="Person.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="task", order_by="Comment.id.desc()"
    )

    @loadplan.model_property(only=["due_date", "status.is_done"])
    def is_late(self) -> bool:
        """Past due and not done (reads ``due_date`` and ``status.is_done``)."""
        return (
            self.due_date is not None
            and self.due_date < dt.date(2026, 1, 1)
            and not self.status.is_done
        )

    @loadplan.cached_model_property(
        only=["name", "task_type.short_name"], select_related=["task_type"]
    )
    def label(self) -> str:
        return f"{self.task_type.short_name}:{self.name}"

    @loadplan.model_property(only=["id"], needs_object=True)
    def in_session(self) -> bool:
        """Reads the object's own state: only a real object can answer."""
        return inspect(self).session is not None


class Comment(Base):
    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(String(200))
    # A required to-one may default to an inner join; a rule on Task must
    # still hide the task only, never the comment.
    task: Mapped[Task] = relationship(back_populates="comments", innerjoin=True)
    author: Mapped[Person] = relationship()


class Note(Base):
    """Single-table inheritance root."""

    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    body: Mapped[str] = mapped_column(String(200))
    client_name: Mapped[str | None] = mapped_column(String(80))
    department: Mapped[str | None] = mapped_column(String(80))
    project: Mapped[Project] = relationship(back_populates="notes")
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "note"}


class ClientNote(Note):
    __mapper_args__ = {"polymorphic_identity": "client"}


class InternalNote(Note):
    __mapper_args__ = {"polymorphic_identity": "internal"}
