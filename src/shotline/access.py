"""Who may see and change what, as SQL.

A request is made by a :class:`Principal`: the person behind its bearer token,
with their global role and the effective role on each project they belong to
(the membership's role, else the global one). Visibility is a set of row
rules (:data:`RULES`), SQL conditions that loadplan applies wherever a class
is loaded: root statements, nested lists and pages, their totals, to-ones,
counts and computed fields. Rows the principal may not see are simply not
there, so a project a person is not on answers 404, like one that does not
exist, and a permission check never costs a query per row: a rule is one
more condition in statements the request runs anyway.

What each role sees, per project (``:me`` is the principal's person id; the
project id lists are bound parameters, from the memberships):

======================= ==================================================
project                 ``project.id IN (:member_of)``
entity                  ``entity.project_id IN (:reads_all)``, or on a
                        vendor's project: the entity has a live task
                        assigned to them, or is the sequence or episode of
                        such a shot
task                    ``task.project_id IN (:reads_all)``, or on a
                        vendor's project: ``EXISTS (task_assignee of :me)``
comment                 its task is visible, and on a client's project it
                        is not ``internal``
time log                its task is visible and the project is not a
                        client's
milestone               ``milestone.project_id IN (:member_of)``: every
                        member reads the project's schedule
team member             ``project_member.project_id IN (:member_of)``:
                        every member reads the project's team
casting                 its asset and the entity it is cast into are live
                        and both visible (as entities, above)
preview                 its comment is visible (so a client sees no preview
                        of an internal comment)
event                   what it is about is visible (see
                        :mod:`shotline.events.rules`: evaluated from the
                        database, so that it also decides who receives it)
======================= ==================================================

``:reads_all`` are the projects where the role is admin, manager,
supervisor, artist or client. A global admin sees every row (the rules are
``true``), whatever their memberships. People and the studio's vocabulary
(departments, task types and statuses, asset types) are visible to everyone
signed in; a client reads people without their email (see the response
schemas), which is a field, not a row, so it is not a rule.

What each role may change is a condition too (:func:`can_manage`,
:func:`can_edit_task`, :func:`can_work_on_task`), checked by the write's
own precondition statement (:mod:`shotline.services.checks`): a row the
principal cannot see is a 404 first, then a forbidden change is a 403.

=========== ================================================================
admin       everything; studio-wide data (people and their passwords,
            departments, task types and statuses, asset types) is theirs
            alone
manager     everything of their projects: the project and its settings,
            its team, entities, tasks, assignees, anyone's comments and
            time logs; and, for a global manager, new projects (they join
            the new project's team as its manager)
supervisor  the planning and assignees of the tasks whose task type is of
            their department, and what an assignee may do on them
artist      on the tasks assigned to them: status (the statuses artists
            may set), comments, their own time
vendor      the same as an artist
client      the status of their project's tasks, to the statuses clients may
            set, with a comment recording it (never an internal one)
=========== ================================================================

Workflow rules (:func:`can_set_status`): each task status says whether
artists (and vendors) may set it (``is_artist_allowed``) and whether clients
may (``is_client_allowed``); managers and the supervisors of a task's
department set any status the project uses. A refused status is a 403 naming
it, on every path that sets one (a comment with a status, the bulk change,
GraphQL's ``setTaskStatus``).

A comment or a time log is changed by its author while they may still work
on its task, or by a manager of the project; naming another author needs a
manager.

The rules are the same mapping for every principal (an admin's conditions
are ``true``), so a request is planned the same way, with the same
statements, whoever makes it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    inspect,
    not_,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

import loadplan
from loadplan.rules import conditions
from shotline.events.rules import readable_by
from shotline.models import (
    Casting,
    Comment,
    Entity,
    Episode,
    Event,
    Milestone,
    Person,
    Preview,
    Project,
    ProjectMember,
    Role,
    Sequence,
    Shot,
    Task,
    TaskStatus,
    TaskType,
    TimeLog,
    task_assignee,
)

__all__ = [
    "ASSIGNEES",
    "MANAGERS",
    "PROJECT_CREATORS",
    "PROJECT_ROLE",
    "READS_ALL",
    "RULES",
    "Principal",
    "can_change_comment",
    "can_create_projects",
    "can_edit_task",
    "can_manage",
    "can_set_status",
    "can_work_on_task",
    "casting_rule",
    "comment_rule",
    "entity_rule",
    "event_rule",
    "is_client_on",
    "member_rule",
    "milestone_rule",
    "preview_rule",
    "principal_of",
    "project_rule",
    "task_condition",
    "task_rule",
    "time_log_rule",
    "visible",
]

READS_ALL = frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.ARTIST, Role.CLIENT})
"""Roles that see every task and entity of the project."""
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
"""Roles in full control of the project."""
ASSIGNEES = frozenset({Role.ARTIST, Role.VENDOR})
"""Roles that work on the tasks assigned to them (status, comments, time)."""
PROJECT_CREATORS = frozenset({Role.ADMIN, Role.MANAGER})
"""Global roles that may start a project (a role on some project does not count)."""

Column = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True)
class Principal:
    """The person a request acts for, as its token resolved them.

    ``projects``: the effective role on each project the person is a member
    of. A global admin is an admin everywhere, whatever the memberships say.
    """

    person_id: int
    role: Role
    department_id: int | None = None
    projects: Mapping[int, Role] = field(default_factory=dict)
    token_id: int | None = None
    token_kind: str | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def key(self) -> Hashable:
        """Every field, hashable: what the access rules can read of the
        principal, so equal keys get equal rules (see :func:`principal_key`)."""
        return (
            self.person_id,
            self.role,
            self.department_id,
            tuple(sorted(self.projects.items())),
            self.token_id,
            self.token_kind,
            self.first_name,
            self.last_name,
            self.email,
        )

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_emails(self) -> bool:
        """Clients read people without their email."""
        return self.role is not Role.CLIENT

    def role_in(self, project_id: int) -> Role | None:
        """The effective role on the project; ``None`` for a non-member."""
        return Role.ADMIN if self.is_admin else self.projects.get(project_id)

    def project_ids(self, roles: frozenset[Role] | set[Role]) -> list[int]:
        """The member projects where the effective role is one of ``roles``."""
        return sorted(project for project, role in self.projects.items() if role in roles)


def _project_role(member: Any, _context: Any) -> ColumnElement[Role]:
    person = aliased(Person)
    studio_role = select(person.role).where(person.id == member.person_id).scalar_subquery()
    role = case(
        (studio_role == Role.ADMIN, Role.ADMIN.value),
        else_=func.coalesce(member.role, studio_role),
    )
    return type_coerce(role, ProjectMember.__table__.c.role.type)


PROJECT_ROLE = loadplan.Computed(_project_role, label="the member's role on the project")
"""A team member's role on the project, in SQL: the rule of
:meth:`Principal.role_in` (a studio admin is an admin on every project;
anyone else has the membership's role, else their studio role)."""


def principal_key(context: Any) -> Hashable:
    """The key of the context's principal: the rules read nothing else of a
    request (nor the clock), so loadplan keeps a JSON statement per key."""
    return principal_of(context).key


def principal_of(context: Any) -> Principal:
    """The principal of a rule's context: a :class:`Principal` itself, a
    FastAPI ``Request`` (``request.state.principal``) or GraphQL ``info``
    (``info.context["principal"]``). Anything else is a bug, refused loudly
    rather than read as someone."""
    if isinstance(context, Principal):
        return context
    state = getattr(context, "state", None)
    found = getattr(state, "principal", None) if state is not None else None
    if found is None:
        graphql_context = getattr(context, "context", None)
        if isinstance(graphql_context, Mapping):
            found = graphql_context.get("principal")
    if not isinstance(found, Principal):
        raise LookupError(f"no principal in {type(context).__name__}: cannot apply access rules")
    return found


def _within(column: Column, ids: list[int]) -> ColumnElement[bool]:
    return column.in_(ids) if ids else false()


def _assigned(task_id: Column, person_id: int) -> ColumnElement[bool]:
    """The task is assigned to the person."""
    link = task_assignee.alias()
    return exists().where(link.c.task_id == task_id, link.c.person_id == person_id)


def _any(parts: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*parts) if parts else false()


def task_condition(
    principal: Principal, task_id: Column, project_id: Column
) -> ColumnElement[bool]:
    """Whether the principal sees the task with these columns."""
    if principal.is_admin:
        return true()
    parts: list[ColumnElement[bool]] = []
    reads_all = principal.project_ids(READS_ALL)
    if reads_all:
        parts.append(project_id.in_(reads_all))
    vendor = principal.project_ids({Role.VENDOR})
    if vendor:
        parts.append(and_(project_id.in_(vendor), _assigned(task_id, principal.person_id)))
    return _any(parts)


def _vendor_entities(
    principal: Principal, projects: list[int]
) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """Ids of the live entities with a live task assigned to the vendor, and
    of the sequences and episodes above those shots (a grid names them)."""
    task = Task.__table__.alias()
    link = task_assignee.alias()
    entity = Entity.__table__.alias()
    # An explicit join: the ORM resolves ``Select.join`` against the
    # statement this subquery ends up in, which may offer several left sides.
    joined = task.join(link, link.c.task_id == task.c.id).join(
        entity, entity.c.id == task.c.entity_id
    )
    mine = (
        select(task.c.entity_id)
        .select_from(joined)
        .where(
            link.c.person_id == principal.person_id,
            task.c.project_id.in_(projects),
            task.c.deleted_at.is_(None),
            entity.c.deleted_at.is_(None),
        )
    )
    shot = Shot.__table__.alias()
    sequence = Sequence.__table__.alias()
    sequences = select(shot.c.sequence_id).where(shot.c.id.in_(mine))
    episodes = select(sequence.c.episode_id).where(sequence.c.id.in_(sequences))
    return mine, sequences, episodes


def entity_rule(entity: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Entity` (and its kinds)."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    parts: list[ColumnElement[bool]] = []
    reads_all = principal.project_ids(READS_ALL)
    if reads_all:
        parts.append(entity.project_id.in_(reads_all))
    vendor = principal.project_ids({Role.VENDOR})
    if vendor:
        mine, sequences, episodes = _vendor_entities(principal, vendor)
        # Only the kinds that can be loaded as ``entity`` need their subquery.
        kind = inspect(entity).mapper.class_
        ids = [entity.id.in_(mine)]
        if issubclass(Sequence, kind):
            ids.append(entity.id.in_(sequences))
        if issubclass(Episode, kind):
            ids.append(entity.id.in_(episodes))
        parts.append(and_(entity.project_id.in_(vendor), or_(*ids)))
    return _any(parts)


def project_rule(project: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Project`: its members (and admins)."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    return _within(project.id, sorted(principal.projects))


def task_rule(task: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Task`."""
    return task_condition(principal_of(context), task.id, task.project_id)


def comment_rule(comment: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Comment`: its task is visible,
    and it is not internal on a project where the principal is a client."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    task = Task.__table__.alias()
    where = [
        task.c.id == comment.task_id,
        task_condition(principal, task.c.id, task.c.project_id),
    ]
    clients = principal.project_ids({Role.CLIENT})
    if clients:
        where.append(or_(not_(comment.internal), task.c.project_id.not_in(clients)))
    return exists().where(*where)


def preview_rule(preview: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Preview`: its comment is visible
    (:func:`comment_rule`)."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    comment = aliased(Comment)
    return exists().where(comment.id == preview.comment_id, comment_rule(comment, principal))


def time_log_rule(log: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.TimeLog`: its task is visible, on
    a project where the principal is not a client."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    task = Task.__table__.alias()
    where = [task.c.id == log.task_id, task_condition(principal, task.c.id, task.c.project_id)]
    clients = principal.project_ids({Role.CLIENT})
    if clients:
        where.append(task.c.project_id.not_in(clients))
    return exists().where(*where)


def casting_rule(link: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Casting`: its asset and the shot,
    sequence or episode it is cast into are live, and the principal sees
    both (a vendor: an asset with a task of theirs, in a shot of theirs or
    above one)."""
    principal = principal_of(context)
    entity = Entity.__table__.alias()
    asset = Entity.__table__.alias()
    where = [
        entity.c.id == link.entity_id,
        entity.c.deleted_at.is_(None),
        asset.c.id == link.asset_id,
        asset.c.deleted_at.is_(None),
    ]
    if not principal.is_admin:
        parts: list[ColumnElement[bool]] = []
        reads_all = principal.project_ids(READS_ALL)
        if reads_all:
            parts.append(link.project_id.in_(reads_all))
        vendor = principal.project_ids({Role.VENDOR})
        if vendor:
            mine, sequences, episodes = _vendor_entities(principal, vendor)
            parts.append(
                and_(
                    link.project_id.in_(vendor),
                    asset.c.id.in_(mine),
                    or_(
                        entity.c.id.in_(mine), entity.c.id.in_(sequences), entity.c.id.in_(episodes)
                    ),
                )
            )
        where.append(_any(parts))
    return exists().where(*where)


def milestone_rule(milestone: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Milestone`: the members of its
    project (and admins), vendors and clients included: dates of the
    production concern everyone who works on it or follows it."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    return _within(milestone.project_id, sorted(principal.projects))


def member_rule(member: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.ProjectMember`: a project's team
    is read by its members (and admins), vendors and clients included, as
    everyone signed in reads people."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    return _within(member.project_id, sorted(principal.projects))


def event_rule(event: Any, context: Any) -> ColumnElement[bool]:
    """Row rule of :class:`~shotline.models.Event`: the rules of reads,
    applied to what the event is about (:mod:`shotline.events.rules`)."""
    principal = principal_of(context)
    if principal.is_admin:
        return true()
    return readable_by(principal.person_id, event)


RULES: loadplan.Rules = {
    Project: project_rule,
    ProjectMember: member_rule,
    Milestone: milestone_rule,
    Casting: casting_rule,
    Preview: preview_rule,
    Entity: entity_rule,
    Task: task_rule,
    Comment: comment_rule,
    TimeLog: time_log_rule,
    Event: event_rule,
}
"""The row rules of every request, REST and GraphQL alike; each receives the
request's context (see :func:`principal_of`)."""


def visible(principal: Principal, model: type[Any], entity: Any = None) -> ColumnElement[bool]:
    """The row rule of ``model`` (on ``entity``, an alias, when given) for the
    principal: ``true`` for a class without rules."""
    found = conditions(RULES, model, model if entity is None else entity, principal)
    return and_(*found) if found else true()


# -- Changes -----------------------------------------------------------------------


def can_create_projects(principal: Principal) -> bool:
    """Start a new project: global admins and managers. A person who manages
    some project through a membership role is not a studio manager: that role
    is about that project only."""
    return principal.role in PROJECT_CREATORS


def can_manage(principal: Principal, project_id: Column | int) -> ColumnElement[bool]:
    """Full control of the project: an admin, or its manager."""
    if principal.is_admin:
        return true()
    if isinstance(project_id, int):
        return true() if principal.role_in(project_id) in MANAGERS else false()
    return _within(project_id, principal.project_ids(MANAGERS))


def _department_task(principal: Principal, task: Any) -> ColumnElement[bool]:
    """A supervisor's project, and a task type of their department."""
    supervised = principal.project_ids({Role.SUPERVISOR})
    if not supervised or principal.department_id is None:
        return false()
    task_type = TaskType.__table__.alias()
    types = select(task_type.c.id).where(task_type.c.department_id == principal.department_id)
    return and_(task.project_id.in_(supervised), task.task_type_id.in_(types))


def can_edit_task(principal: Principal, task: Any = Task) -> ColumnElement[bool]:
    """Change the task's planning and assignees: a manager of its project, or
    a supervisor of its project whose department its task type belongs to."""
    if principal.is_admin:
        return true()
    return or_(can_manage(principal, task.project_id), _department_task(principal, task))


def _assignee(principal: Principal, task: Any) -> ColumnElement[bool]:
    """An artist or vendor of the task's project, assigned to it."""
    return and_(
        _within(task.project_id, principal.project_ids(ASSIGNEES)),
        _assigned(task.id, principal.person_id),
    )


def can_work_on_task(principal: Principal, task: Any = Task) -> ColumnElement[bool]:
    """Change the task's status, comment on it, log time on it: whoever may
    edit it, and the artists and vendors it is assigned to."""
    if principal.is_admin:
        return true()
    return or_(can_edit_task(principal, task), _assignee(principal, task))


def is_client_on(principal: Principal, project_id: Column) -> ColumnElement[bool]:
    """The principal is a client on the project."""
    return _within(project_id, principal.project_ids({Role.CLIENT}))


def can_set_status(
    principal: Principal, task_status_id: int, task: Any = Task
) -> ColumnElement[bool]:
    """Set the task to the status: whoever may edit the task sets any status
    (the project must use it, a separate check); the artists and vendors it is
    assigned to, a status that says artists may set it (``is_artist_allowed``);
    a client of its project, one that says clients may (``is_client_allowed``).
    """
    if principal.is_admin:
        return true()
    status = TaskStatus.__table__.alias()

    def allowed(flag: str) -> ColumnElement[bool]:
        return exists().where(status.c.id == task_status_id, status.c[flag].is_(True))

    return or_(
        can_edit_task(principal, task),
        and_(_assignee(principal, task), allowed("is_artist_allowed")),
        and_(is_client_on(principal, task.project_id), allowed("is_client_allowed")),
    )


def can_change_comment(principal: Principal) -> ColumnElement[bool]:
    """Change a comment (its text, its previews) or delete it: its author
    while they may still work on its task, or a manager of the project."""
    if principal.is_admin:
        return true()
    return or_(
        Comment.task.has(can_manage(principal, Task.project_id)),
        and_(
            Comment.person_id == principal.person_id,
            Comment.task.has(can_work_on_task(principal)),
        ),
    )
