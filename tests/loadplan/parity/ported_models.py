"""Models of a Django project tracker as they map to SQLAlchemy, for the
scenarios of strawberry-django's own optimizer tests.

Django shapes kept here: a nullable foreign key (an issue outside any
milestone), a many-to-many whose Django field has no ``through`` (an
association table, ``secondary=``, read from both sides), a many-to-many
``through`` a model of its own (an association object with its own columns,
read both as the plain many-to-many and as the list of association
objects), and a one-to-one whose reverse side is a to-one of the other
model (Django's reverse ``OneToOneField``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

import loadplan


class Base(DeclarativeBase):
    pass


issue_tag = Table(
    "sj_issue_tag",
    Base.metadata,
    Column("issue_id", ForeignKey("sj_issue.id"), primary_key=True),
    Column("tag_id", ForeignKey("sj_tag.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "sj_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    profile: Mapped[Profile | None] = relationship(back_populates="user")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", order_by="Membership.project_id"
    )
    projects: Mapped[list[Project]] = relationship(
        secondary="sj_membership", viewonly=True, order_by="Project.id"
    )


class Profile(Base):
    """One profile per user at most: the user's side is a reverse one-to-one."""

    __tablename__ = "sj_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("sj_user.id"), unique=True)
    bio: Mapped[str] = mapped_column(String(200))
    user: Mapped[User] = relationship(back_populates="profile")


class Note(Base):
    """Attached to an issue or a project: a generic foreign key."""

    __tablename__ = "sj_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    body: Mapped[str] = mapped_column(String(80))


class Project(Base):
    __tablename__ = "sj_project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[dt.date | None]
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.id"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="project", order_by="Membership.user_id"
    )
    members: Mapped[list[User]] = relationship(
        secondary="sj_membership", viewonly=True, order_by=User.id
    )
    notes: Mapped[list[Note]] = relationship(
        primaryjoin="and_(foreign(Note.target_id) == Project.id, Note.target_type == 'project')",
        viewonly=True,
        order_by=Note.id,
    )

    @loadplan.model_property(only=["due_on"])
    def is_delayed(self) -> bool:
        return self.due_on is not None and self.due_on < dt.date(2025, 1, 1)

    @loadplan.model_property(prefetch_related=["milestones"], only=["milestones.due_on"])
    def next_milestones(self) -> list[Milestone]:
        """Related objects in an order of the property's own (Django's
        ``Prefetch(..., to_attr=...)`` behind a model property)."""
        return sorted(self.milestones, key=lambda milestone: (milestone.due_on, milestone.id))


class Membership(Base):
    """Django's ``through`` model: the association row has columns of its own."""

    __tablename__ = "sj_membership"
    project_id: Mapped[int] = mapped_column(ForeignKey("sj_project.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("sj_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Milestone(Base):
    __tablename__ = "sj_milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("sj_project.id"))
    name: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[dt.date]
    project: Mapped[Project] = relationship(back_populates="milestones")
    issues: Mapped[list[Issue]] = relationship(back_populates="milestone", order_by="Issue.id")


class Tag(Base):
    __tablename__ = "sj_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    issues: Mapped[list[Issue]] = relationship(
        secondary=issue_tag, back_populates="tags", order_by="Issue.id"
    )


class Issue(Base):
    __tablename__ = "sj_issue"
    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("sj_milestone.id"))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int]
    milestone: Mapped[Milestone | None] = relationship(back_populates="issues")
    tags: Mapped[list[Tag]] = relationship(
        secondary=issue_tag, back_populates="issues", order_by=Tag.id
    )
    assignees: Mapped[list[Assignee]] = relationship(back_populates="issue", order_by="Assignee.id")
    users: Mapped[list[User]] = relationship(
        secondary="sj_assignee", viewonly=True, order_by=User.id
    )
    notes: Mapped[list[Note]] = relationship(
        primaryjoin="and_(foreign(Note.target_id) == Issue.id, Note.target_type == 'issue')",
        viewonly=True,
        order_by=Note.id,
    )

    @loadplan.model_property(only=["kind", "name"])
    def name_with_kind(self) -> str:
        return f"{self.kind}: {self.name}"

    @loadplan.cached_model_property(only=["kind", "priority"])
    def name_with_priority(self) -> str:
        return f"{self.kind}: {self.priority}"


class Assignee(Base):
    """A ``through`` model with a key of its own, as Django gives one."""

    __tablename__ = "sj_assignee"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("sj_issue.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("sj_user.id"))
    owner: Mapped[bool] = mapped_column(default=False)
    issue: Mapped[Issue] = relationship(back_populates="assignees")
    user: Mapped[User] = relationship()
