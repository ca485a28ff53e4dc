"""Who works on productions: people and their departments."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, validates

from shotline.models.base import Base, enum_column_type
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.projects import ProjectMember
    from shotline.models.tasks import Task, TimeLog


class Role(StrEnum):
    """What a person may see and do; a project membership can override it."""

    ADMIN = "admin"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    ARTIST = "artist"
    VENDOR = "vendor"
    CLIENT = "client"


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#999999")

    people: Mapped[list[Person]] = relationship(
        back_populates="department", order_by="Person.last_name, Person.first_name"
    )


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"), default=Role.ARTIST)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    full_name: Mapped[str] = column_property(first_name + " " + last_name)
    """First and last name, written by the database (``+`` is each dialect's
    concatenation): a column like any other to what reads people, so that a
    page of tasks with their assignees is written by the database whole."""

    department: Mapped[Department | None] = relationship(back_populates="people")
    memberships: Mapped[list[ProjectMember]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        secondary="task_assignee", back_populates="assignees", order_by="Task.id"
    )
    time_logs: Mapped[list[TimeLog]] = relationship(back_populates="person")

    @validates("email")
    def _lowercase_email(self, _key: str, email: str) -> str:
        # MariaDB compares case-insensitively, PostgreSQL and SQLite do not: a
        # lowercase email makes uniqueness (and login lookups) agree on all three.
        return email.strip().lower()
