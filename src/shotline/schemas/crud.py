"""Request and response bodies of the CRUD API (``shotline.api.crud``).

Request bodies refuse unknown fields and check every bound a column has (id
and integer ranges, string lengths, NUL characters, finite numbers), so a bad
body is a 422 naming the field instead of a database error on one dialect and
silent truncation on another. Updates (``...Update``) use pydantic's
``MISSING``: an absent field is left alone, ``null`` clears a nullable column
and is refused for the others.

Responses are read by loadplan plans derived from these models (every field
maps to a model attribute). Entity and task responses are named ``...Record``:
the grid API (``shotline.schemas.grid``) owns ``AssetOut``/``ShotOut``/
``TaskOut`` for its pages, and OpenAPI component names must stay unique.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import (
    MISSING,
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
)
from sqlalchemy import ColumnElement, String, null

import loadplan
from shotline.access import PROJECT_ROLE, principal_of
from shotline.inputs import MAX_IDS, MAX_TEXT, storable
from shotline.models import ForEntity, ProjectStatus, Role

MAX_INT = 2**31 - 1
"""The largest value of an INTEGER column on every supported dialect."""


# -- Field types ---------------------------------------------------------------------


def _unique_ids(ids: list[int]) -> list[int]:
    counts = Counter(ids)
    duplicates = [str(i) for i, n in counts.items() if n > 1]
    if duplicates:
        raise ValueError(f"duplicate ids: {', '.join(duplicates)}")
    return ids


def _portable_json(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse what one of the databases cannot store as JSON: text that is
    not storable (see :func:`shotline.inputs.storable`) and NaN or infinities (not JSON at all)."""

    def check(item: Any) -> None:
        if isinstance(item, str):
            storable(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("numbers must be finite")
        elif isinstance(item, dict):
            check_all(item.keys())
            check_all(item.values())
        elif isinstance(item, list):
            check_all(item)

    def check_all(items: Iterable[Any]) -> None:
        for item in items:
            check(item)

    check(value)
    return value


Storable = AfterValidator(storable)
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Ids = Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS), AfterValidator(_unique_ids)]
OrderedIds = Annotated[list[Id], Field(max_length=MAX_IDS), AfterValidator(_unique_ids)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), Storable
]
LongName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), Storable
]
ShortName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20), Storable
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT), Storable
]
QueryText = Annotated[str, StringConstraints(max_length=200), Storable]
"""A text query parameter compared in SQL (a search, a name): the text rules
of bodies apply (a NUL reached PostgreSQL: a 500)."""
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
    Storable,
]
Fps = Annotated[
    float,
    Field(gt=0, le=999.999, allow_inf_nan=False),
    # NUMERIC(6, 3) rounds on PostgreSQL and MariaDB, SQLite would keep every
    # digit: round here so every dialect stores (and answers) the same value.
    AfterValidator(lambda fps: round(fps, 3)),
]
Frame = Annotated[int, Field(ge=0, le=MAX_INT)]
Priority = Annotated[int, Field(ge=0, le=MAX_INT)]
Minutes = Annotated[int, Field(ge=0, le=MAX_INT, description="minutes")]
DayMinutes = Annotated[int, Field(ge=1, le=24 * 60, description="minutes spent that day")]
Password = Annotated[
    str,
    StringConstraints(min_length=8, max_length=1024),
    Storable,
    Field(description="Write-only: stored as an Argon2 hash."),
]
Data = Annotated[dict[str, JsonValue], AfterValidator(_portable_json)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- People -------------------------------------------------------------------------


class DepartmentCreate(In):
    name: Name
    color: Color = "#999999"


class DepartmentUpdate(In):
    name: Name | MISSING = MISSING
    color: Color | MISSING = MISSING


class DepartmentOut(Out):
    id: int
    name: str
    color: str


class PersonCreate(In):
    first_name: Name
    last_name: Name
    email: Email
    role: Role = Role.ARTIST
    active: bool = True
    department_id: Id | None = None
    password: Password | None = None


class PersonUpdate(In):
    first_name: Name | MISSING = MISSING
    last_name: Name | MISSING = MISSING
    email: Email | MISSING = MISSING
    role: Role | MISSING = MISSING
    active: bool | MISSING = MISSING
    department_id: Id | MISSING | None = MISSING
    password: Password | MISSING | None = MISSING


def _shown_email(person: Any, context: Any) -> ColumnElement[str | None]:
    # A field, not a row rule: the person is visible, their email is not.
    if principal_of(context).sees_emails:
        email: ColumnElement[str | None] = person.email
        return email
    return null().cast(String)


SHOWN_EMAIL = loadplan.Computed(_shown_email, label="email, unless a client reads it")


class PersonOut(Out):
    id: int
    first_name: str
    last_name: str
    email: Annotated[
        str | None,
        loadplan.hint(annotate=SHOWN_EMAIL),
        Field(validation_alias="shown_email", description="null when a client reads it."),
    ]
    role: Role
    active: bool
    department_id: int | None
    created_at: dt.datetime


class PersonBrief(Out):
    id: int
    first_name: str
    last_name: str


# -- Pipeline vocabulary -----------------------------------------------------------


class TaskTypeCreate(In):
    name: Name
    short_name: ShortName
    for_entity: ForEntity
    color: Color = "#999999"
    department_id: Id | None = None


class TaskTypeUpdate(In):
    name: Name | MISSING = MISSING
    short_name: ShortName | MISSING = MISSING
    for_entity: ForEntity | MISSING = MISSING
    color: Color | MISSING = MISSING
    department_id: Id | MISSING | None = MISSING


class TaskTypeOut(Out):
    id: int
    name: str
    short_name: str
    for_entity: ForEntity
    color: str
    department_id: int | None


class TaskStatusCreate(In):
    name: Name
    short_name: ShortName
    color: Color = "#999999"
    is_done: bool = False
    is_wip: bool = False
    is_retake: bool = False
    is_artist_allowed: bool = Field(
        True, description="Artists and vendors may set it on the tasks assigned to them."
    )
    is_client_allowed: bool = Field(
        False, description="Clients may set it on the tasks of their project."
    )


class TaskStatusUpdate(In):
    name: Name | MISSING = MISSING
    short_name: ShortName | MISSING = MISSING
    color: Color | MISSING = MISSING
    is_done: bool | MISSING = MISSING
    is_wip: bool | MISSING = MISSING
    is_retake: bool | MISSING = MISSING
    is_artist_allowed: bool | MISSING = MISSING
    is_client_allowed: bool | MISSING = MISSING


class TaskStatusOut(Out):
    id: int
    name: str
    short_name: str
    color: str
    is_done: bool
    is_wip: bool
    is_retake: bool
    is_artist_allowed: bool
    is_client_allowed: bool


class AssetTypeCreate(In):
    name: Name


class AssetTypeUpdate(In):
    name: Name | MISSING = MISSING


class AssetTypeOut(Out):
    id: int
    name: str


# -- Projects -----------------------------------------------------------------------


class ProjectCreate(In):
    name: LongName
    code: ShortName
    status: ProjectStatus = ProjectStatus.OPEN
    fps: Fps = 24
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class ProjectUpdate(In):
    name: LongName | MISSING = MISSING
    code: ShortName | MISSING = MISSING
    status: ProjectStatus | MISSING = MISSING
    fps: Fps | MISSING = MISSING
    start_date: dt.date | MISSING | None = MISSING
    end_date: dt.date | MISSING | None = MISSING


class ProjectOut(Out):
    id: int
    name: str
    code: str
    status: ProjectStatus
    fps: float
    start_date: dt.date | None
    end_date: dt.date | None
    created_at: dt.datetime


class ProjectTaskTypesIn(In):
    task_type_ids: OrderedIds = Field(description="Every task type of the project, in order.")


class ProjectTaskStatusesIn(In):
    task_status_ids: OrderedIds = Field(
        description="Every task status of the project, in order; the first is the default "
        "status of new tasks."
    )


class ProjectSettingsOut(Out):
    task_types: list[TaskTypeOut]
    task_statuses: list[TaskStatusOut]


# -- Teams --------------------------------------------------------------------------


class MemberCreate(In):
    person_id: Id
    role: Role | None = Field(
        None,
        description="Their role on this project (any but admin); none: their studio role.",
    )


class MemberUpdate(In):
    role: Role | None = Field(description="Any role but admin; null: their studio role.")


class MemberOut(Out):
    project_id: int
    person: PersonOut
    role: Role | None = Field(description="The role the membership sets; null: their studio role.")
    project_role: Annotated[
        Role,
        loadplan.hint(annotate=PROJECT_ROLE),
        Field(description="The role they act with on this project."),
    ]


# -- Entities -----------------------------------------------------------------------


class EntityCreate(In):
    name: LongName
    description: Text | None = None
    data: Data = Field(default_factory=dict)


class EntityUpdate(In):
    name: LongName | MISSING = MISSING
    description: Text | MISSING | None = MISSING
    data: Data | MISSING = MISSING


class EntityRecord(Out):
    id: int
    project_id: int
    name: str
    description: str | None
    data: dict[str, JsonValue]
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetCreate(EntityCreate):
    asset_type_id: Id


class AssetUpdate(EntityUpdate):
    asset_type_id: Id | MISSING = MISSING


class AssetRecord(EntityRecord):
    asset_type_id: int


class EpisodeCreate(EntityCreate):
    """An episode has only the common entity fields."""


class EpisodeUpdate(EntityUpdate):
    """An episode has only the common entity fields."""


class EpisodeRecord(EntityRecord):
    """An episode has only the common entity fields."""


class SequenceCreate(EntityCreate):
    episode_id: Id | None = None


class SequenceUpdate(EntityUpdate):
    episode_id: Id | MISSING | None = MISSING


class SequenceRecord(EntityRecord):
    episode_id: int | None


class ShotCreate(EntityCreate):
    sequence_id: Id
    frame_in: Frame
    frame_out: Frame
    fps: Fps | None = Field(None, description="None: the project's frame rate.")


class ShotUpdate(EntityUpdate):
    sequence_id: Id | MISSING = MISSING
    frame_in: Frame | MISSING = MISSING
    frame_out: Frame | MISSING = MISSING
    fps: Fps | MISSING | None = MISSING


class ShotRecord(EntityRecord):
    sequence_id: int
    frame_in: int
    frame_out: int
    fps: float | None


class EntityBrief(Out):
    id: int
    kind: str
    name: str


# -- Tasks --------------------------------------------------------------------------


class TasksCreate(In):
    task_type_id: Id
    entity_ids: Ids = Field(description="Entities that should have a task of this type.")
    task_status_id: Id | None = Field(
        None, description="Status of the new tasks; none: the project's first status."
    )


class TaskUpdate(In):
    priority: Priority | MISSING = MISSING
    estimate: Minutes | MISSING | None = MISSING
    start_date: dt.date | MISSING | None = MISSING
    due_date: dt.date | MISSING | None = MISSING


class TaskRecord(Out):
    id: int
    project_id: int
    entity: EntityBrief
    task_type_id: int
    task_status_id: int
    priority: int
    estimate: int | None = Field(description="minutes")
    start_date: dt.date | None
    due_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    assignees: list[PersonBrief]


class AssigneesIn(In):
    person_ids: OrderedIds


class TaskStatusChange(In):
    task_ids: Ids
    task_status_id: Id


# -- Comments and time logs -------------------------------------------------------


class CommentCreate(In):
    person_id: Id | None = Field(
        None,
        description="The author: the signed-in person unless given (another author needs "
        "a manager of the project).",
    )
    text: Text
    task_status_id: Id | None = Field(None, description="Also set the task to this status.")
    internal: bool = Field(False, description="Studio talk: clients never see it.")


class CommentUpdate(In):
    text: Text


class PreviewOut(Out):
    """A file attached to a comment (``GET /api/previews/{id}/file``)."""

    id: int
    comment_id: int
    task_id: int
    filename: str
    content_type: str
    size: int = Field(description="bytes")
    sha256: str
    width: int | None
    height: int | None
    thumbnail_sha256: str | None = Field(
        description="The key of its thumbnail (GET /api/previews/{id}/thumbnail); null: none "
        "could be made."
    )
    created_at: dt.datetime
    author: PersonBrief


class CommentOut(Out):
    id: int
    task_id: int
    text: str
    task_status_id: int | None
    internal: bool
    created_at: dt.datetime
    author: PersonBrief
    previews: list[PreviewOut] = Field(description="The files attached, in attaching order.")


class TimeLogCreate(In):
    person_id: Id | None = Field(
        None,
        description="Whose time: the signed-in person unless given (another person needs "
        "a manager of the project).",
    )
    day: dt.date
    minutes: DayMinutes


class TimeLogUpdate(In):
    day: dt.date
    minutes: DayMinutes


class TimeLogOut(Out):
    id: int
    task_id: int
    person_id: int
    day: dt.date
    minutes: int
