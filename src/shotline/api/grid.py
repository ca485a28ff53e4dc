"""The production grids (a project's assets or shots with their tasks) and
the asset and shot pages.

Every read is planned by loadplan from the response model, with the access
rules of :mod:`shotline.access`, so a request costs the same few statements
whether it returns 10 rows or a whole project, and whoever makes it (an
admin or a vendor who sees three assets of it):

- a grid: the page of entities (asset type, or sequence and episode,
  joined in, each under its access rule; the status map built
  by a subquery of theirs, see ``TASK_STATUS_BY_TYPE``), the tasks (type
  and status joined in) and their assignees: 3 statements for assets and
  shots alike, plus one with ``total=true``,
  one when the page is empty (is the project unknown, or only empty?), and
  one more per further 30,000 tasks (loadplan's batch size);
- an entity page: the entity with its live task count (a shot's sequence
  and episode joined in; its status map), the tasks and
  their assignees: 3 statements.

Resolving the request's token costs one more statement (see
:mod:`shotline.auth`).

Without ``limit`` a grid returns every entity of the project, like the
grids of the established trackers: the client sorts and filters a whole
project locally, and paging it would only multiply requests. ``limit``
(up to ``max_page_size``), ``offset`` and ``cursor`` page it when wanted.
Without ``order`` rows come by name (then id, which keeps the order total
for keyset cursors).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.fastapi import EndpointSettings, Page, PlannedEndpoint, PlannedRequest
from shotline.access import RULES, Principal, principal_key, visible
from shotline.auth import Me
from shotline.deps import DB, planned_settings, released
from shotline.errors import BadRequest, NotFound
from shotline.inputs import MAX_REPEATS
from shotline.models import Asset, AssetType, Entity, Person, Project, Sequence, Shot, Task
from shotline.schemas.crud import QueryText
from shotline.schemas.grid import AssetOut, AssetRow, ShotOut, ShotRow
from shotline.services.checks import project_seen_if_empty
from shotline.settings import MODE_HEADER

router = APIRouter(tags=["grid"])

DEFAULT_ORDER = "name"

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers on PostgreSQL and MariaDB: a larger number names
nothing, and the drivers fail binding it, so it is refused up front (422)."""
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


# -- Planned endpoints -------------------------------------------------------------


def _grid(model: type[Entity], schema: type[BaseModel]) -> PlannedEndpoint:
    """The planned endpoint of a grid or entity page, built at import: a
    schema field that nothing can load fails at start-up."""
    return PlannedEndpoint(
        model,
        schema,
        rules=RULES,
        context_key=principal_key,
        mode_header=MODE_HEADER,
        settings=planned_settings,
        default_order=DEFAULT_ORDER,
    )


Fields = Annotated[
    str | None,
    Query(description="Comma-separated dotted paths of the fields to return (sparse fieldset)."),
]
Explain = Annotated[bool, Query(description="Debug mode only: return the plan and its SQL.")]


def _planned_one(endpoint: PlannedEndpoint) -> Callable[..., Awaitable[PlannedRequest]]:
    """The dependency of an entity page: only ``fields`` and ``explain``
    apply to one entity."""

    async def planned_one(
        request: Request,
        settings: Annotated[EndpointSettings, Depends(planned_settings)],
        fields: Fields = None,
        explain: Explain = False,
    ) -> PlannedRequest:
        return endpoint.request_for(request, fields=fields, explain=explain, settings=settings)

    return planned_one


AssetGrid = Annotated[PlannedRequest, Depends(_grid(Asset, AssetRow))]
ShotGrid = Annotated[PlannedRequest, Depends(_grid(Shot, ShotRow))]
AssetPage = Annotated[PlannedRequest, Depends(_planned_one(_grid(Asset, AssetOut)))]
ShotPage = Annotated[PlannedRequest, Depends(_planned_one(_grid(Shot, ShotOut)))]

# Filters shared by both grids.
TaskStatusFilter = Annotated[
    list[QueryText] | None,
    Query(
        max_length=MAX_REPEATS,
        description="'<task type>:<task status>', each by id or name (a status by its short "
        "name), repeatable: an entity matches when, for every task type named, its task has "
        "one of the statuses given for that type.",
    ),
]
AssigneeFilter = Annotated[
    int | None,
    Query(ge=1, le=MAX_ID, description="Person id: entities with a task assigned to them."),
]
SearchFilter = Annotated[
    QueryText | None, Query(description="Case-insensitive part of the entity name.")
]
# The shot grid's own.
SequenceFilter = Annotated[
    list[Id] | None,
    Query(max_length=MAX_REPEATS, description="Sequence id, repeatable (any of them)."),
]
EpisodeFilter = Annotated[
    list[Id] | None,
    Query(max_length=MAX_REPEATS, description="Episode id, repeatable (any of them)."),
]


# -- Project and vocabulary lookups -----------------------------------------------

_PROJECT_WITH_VOCABULARY = Selection.of(
    "id",
    "task_type_links.task_type.name",
    "task_status_links.task_status.short_name",
)


def _project_vocabulary(db: Session, me: Principal, project_id: int) -> Project:
    """The project with its task types and statuses, to resolve a
    ``task_status`` filter against them; a 404 when the principal does not
    see it."""
    plan = loadplan.plan(Project, _PROJECT_WITH_VOCABULARY, context=me, rules=RULES)
    stmt = plan.apply(select(Project).where(Project.id == project_id))
    project = db.scalars(stmt).first()
    if project is None:
        raise NotFound("project", project_id)
    return project


def _task_status_condition(
    model: type[Entity], project: Project, values: list[str], me: Principal
) -> ColumnElement[bool]:
    """``Modeling:wip`` (or ``3:2``, by ids) filters as one EXISTS per task type.

    Several statuses for one task type are alternatives (``Modeling:wip`` and
    ``Modeling:wfa``: either), different task types must all match. Names are
    resolved against the project's own task types and statuses, so a typo is
    a 400 listing the valid names instead of a silently empty grid. Only the
    tasks the principal sees match: a filter must not tell a vendor the
    status of a task they cannot read.
    """
    task_types = {link.task_type.name: link.task_type_id for link in project.task_type_links}
    statuses = {
        link.task_status.short_name: link.task_status_id for link in project.task_status_links
    }
    # Ids name them too (see shotline.vocabulary), the project's own only.
    type_keys = {**task_types, **{str(ident): ident for ident in task_types.values()}}
    status_keys = {**statuses, **{str(ident): ident for ident in statuses.values()}}
    wanted: dict[int, list[int]] = {}
    for value in values:
        type_name, colon, status_name = value.rpartition(":")
        if not colon or not type_name or not status_name:
            raise BadRequest("task_status", f"expected '<task type>:<task status>', got {value!r}")
        if type_name not in type_keys:
            raise BadRequest(
                "task_status",
                f"unknown task type {type_name!r}; this project has {', '.join(task_types)}",
            )
        if status_name not in status_keys:
            raise BadRequest(
                "task_status",
                f"unknown status {status_name!r}; this project has {', '.join(statuses)}",
            )
        wanted.setdefault(type_keys[type_name], []).append(status_keys[status_name])
    return and_(
        *(
            model.tasks.any(
                and_(
                    Task.task_type_id == type_id,
                    Task.task_status_id.in_(status_ids),
                    visible(me, Task),
                )
            )
            for type_id, status_ids in wanted.items()
        )
    )


def asset_type_id(db: Session, value: str) -> int:
    """An asset type given by id or by name, or a 400 naming ``asset_type``."""
    by_id = value.isascii() and value.isdigit() and int(value) <= MAX_ID
    condition = AssetType.id == int(value) if by_id else AssetType.name == value
    stmt = loadplan.plan(AssetType, Selection.of("id")).apply(select(AssetType).where(condition))
    asset_type = db.scalars(stmt).first()
    if asset_type is None:
        raise BadRequest("asset_type", f"unknown asset type {value!r}")
    return asset_type.id


def grid_statement(
    db: Session,
    me: Principal,
    model: type[Asset] | type[Shot],
    project_id: int,
    task_status: list[str] | None,
    assignee: int | None,
    search: str | None,
) -> Select[Any]:
    """The entities of the project matching the filters both grids share (the
    plan adds the access rules; the filters' own task conditions get them here)."""
    conditions: list[ColumnElement[bool]] = [model.project_id == project_id]
    if task_status:
        project = _project_vocabulary(db, me, project_id)
        conditions.append(_task_status_condition(model, project, task_status, me))
    if assignee is not None:
        conditions.append(
            model.tasks.any(and_(Task.assignees.any(Person.id == assignee), visible(me, Task)))
        )
    if search:
        conditions.append(model.name.icontains(search, autoescape=True))
    return select(model).where(*conditions)


def shot_grid_statement(
    db: Session,
    me: Principal,
    project_id: int,
    sequence: list[int] | None,
    episode: list[int] | None,
    task_status: list[str] | None,
    assignee: int | None,
    search: str | None,
) -> Select[Any]:
    """The shots of the project matching the shot grid's filters."""
    stmt = grid_statement(db, me, Shot, project_id, task_status, assignee, search)
    if sequence:
        stmt = stmt.where(Shot.sequence_id.in_(sequence))
    if episode:
        sequences = select(Sequence.id).where(Sequence.episode_id.in_(episode))
        stmt = stmt.where(Shot.sequence_id.in_(sequences))
    return stmt


def _project_check(
    db: Session, me: Principal, project_id: int, task_status: list[str] | None
) -> Callable[[], None] | None:
    """The project check a grid still owes if it comes back empty. An entity
    the principal sees belongs to a project they see, so rows prove the
    project; a ``task_status`` filter has looked it up already."""
    return None if task_status else project_seen_if_empty(db, me, project_id)


def _grid_key(looked_up: tuple[object, ...], *values: Hashable) -> Hashable | None:
    """What decides a grid's statement, for loadplan to keep it per key (with
    the principal, the grid's context key): the request's ``values``, when
    they are all there is. A filter the database resolves (an asset type or
    task status named, ``looked_up``) is looked up on each request instead,
    so that a statement kept for a name never outlives a rename, and an
    unknown name is a 400 every time."""
    return None if any(looked_up) else values


def _grid_page(
    planned: PlannedRequest,
    db: Session,
    statement: Callable[[], Select[Any]],
    key: Hashable | None,
    if_empty: Callable[[], None] | None,
) -> Response:
    """A grid's page: built from ``statement`` only when no statement is
    kept for ``key``; without a key, built first, its lookups before the page."""
    with released(db):
        if key is None:
            return planned.page(db, statement(), if_empty)
        return planned.page(db, statement, if_empty, key=key)


# -- Endpoints ----------------------------------------------------------------------


@router.get("/projects/{project_id}/assets", response_model=Page[AssetRow])
def asset_grid(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: AssetGrid,
    asset_type: Annotated[QueryText | None, Query(description="Asset type id or name.")] = None,
    task_status: TaskStatusFilter = None,
    assignee: AssigneeFilter = None,
    search: SearchFilter = None,
) -> Response:
    """The asset grid: the project's live assets with their task statuses.

    Without ``limit``, every matching asset (the whole-project grid), by name
    unless ``order`` says otherwise. 3 statements whatever the page size.
    """

    def statement() -> Select[Any]:
        stmt = grid_statement(db, me, Asset, project_id, task_status, assignee, search)
        if asset_type:
            stmt = stmt.where(Asset.asset_type_id == asset_type_id(db, asset_type))
        return stmt

    key = _grid_key((asset_type, task_status), "assets", project_id, assignee, search)
    return _grid_page(planned, db, statement, key, _project_check(db, me, project_id, task_status))


@router.get("/projects/{project_id}/shots", response_model=Page[ShotRow])
def shot_grid(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: ShotGrid,
    sequence: SequenceFilter = None,
    episode: EpisodeFilter = None,
    task_status: TaskStatusFilter = None,
    assignee: AssigneeFilter = None,
    search: SearchFilter = None,
) -> Response:
    """The shot grid: the project's live shots with their task statuses.

    Without ``limit``, every matching shot (the whole-project grid), by name
    unless ``order`` says otherwise. 3 statements whatever the page size.
    """

    def statement() -> Select[Any]:
        return shot_grid_statement(
            db, me, project_id, sequence, episode, task_status, assignee, search
        )

    sequences, episodes = tuple(sequence or ()), tuple(episode or ())
    key = _grid_key((task_status,), "shots", project_id, assignee, search, sequences, episodes)
    return _grid_page(planned, db, statement, key, _project_check(db, me, project_id, task_status))


def _one(
    planned: PlannedRequest, db: Session, stmt: Select[Any], what: str, ident: int
) -> Response:
    # PlannedRequest.one answers a bare "not found"; say what was not found,
    # like every other 404 of the API.
    try:
        with released(db):
            return planned.one(db, stmt)
    except HTTPException as error:
        if error.status_code == 404:
            raise NotFound(what, ident) from None
        raise


@router.get("/assets/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: IdPath, db: DB, planned: AssetPage) -> Response:
    """An asset with its tasks and live task count."""
    return _one(planned, db, select(Asset).where(Asset.id == asset_id), "asset", asset_id)


@router.get("/shots/{shot_id}", response_model=ShotOut)
def get_shot(shot_id: IdPath, db: DB, planned: ShotPage) -> Response:
    """A shot with its tasks and live task count."""
    return _one(planned, db, select(Shot).where(Shot.id == shot_id), "shot", shot_id)
