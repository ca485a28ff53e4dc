"""Shotline's data model (SQLAlchemy 2 declarative, one module per area).

Importing it also installs the soft-delete filter of :mod:`shotline.softdelete`.
"""

from shotline.models.auth import AuthToken, LoginFailure, TokenKind
from shotline.models.base import Base
from shotline.models.casting import Casting
from shotline.models.entities import Asset, Entity, Episode, Sequence, Shot
from shotline.models.events import (
    Event,
    EventRecipient,
    NotificationRead,
    NotificationState,
    TaskWatch,
)
from shotline.models.people import Department, Person, Role
from shotline.models.pipeline import (
    AssetType,
    ForEntity,
    ProjectTaskStatus,
    ProjectTaskType,
    TaskStatus,
    TaskType,
)
from shotline.models.previews import Preview
from shotline.models.projects import Project, ProjectMember, ProjectStatus
from shotline.models.schedule import Milestone
from shotline.models.tasks import Comment, Task, TimeLog, task_assignee
from shotline.softdelete import INCLUDE_DELETED, SoftDeleteMixin

__all__ = [
    "INCLUDE_DELETED",
    "Asset",
    "AssetType",
    "AuthToken",
    "Base",
    "Casting",
    "Comment",
    "Department",
    "Entity",
    "Episode",
    "Event",
    "EventRecipient",
    "ForEntity",
    "LoginFailure",
    "Milestone",
    "NotificationRead",
    "NotificationState",
    "Person",
    "Preview",
    "Project",
    "ProjectMember",
    "ProjectStatus",
    "ProjectTaskStatus",
    "ProjectTaskType",
    "Role",
    "Sequence",
    "Shot",
    "SoftDeleteMixin",
    "Task",
    "TaskStatus",
    "TaskType",
    "TaskWatch",
    "TimeLog",
    "TokenKind",
    "task_assignee",
]
