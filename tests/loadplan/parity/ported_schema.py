"""The schema of the strawberry-django scenarios, over the ported models,
written with loadplan's documented API only."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import Select, func, select
from strawberry import auto

import loadplan
import loadplan.strawberry as lp
from tests.loadplan.parity import ported_models as m


@lp.type(m.Note)
class NoteType:
    id: auto
    body: auto


@lp.type(m.User)
class UserType:
    id: auto
    name: auto
    profile: auto
    public_profile: PublicProfileType | None = lp.field(field_name="profile")
    memberships: auto
    projects: auto


@lp.type(m.Profile)
class ProfileType:
    id: auto
    bio: auto
    user: auto
    shouted_bio: str = lp.field(annotate=func.upper(m.Profile.bio))


@lp.type(m.Profile)
class PublicProfileType:
    """A second type of the model whose rows a rule restricts, reached as a to-one."""

    id: auto
    bio: auto

    @classmethod
    def get_queryset(cls, stmt: Select[Any], info: strawberry.Info) -> Select[Any]:
        return stmt.where(m.Profile.user_id > 1)


@lp.type(m.Membership)
class MembershipType:
    role: auto
    project: auto
    user: auto


@lp.type(m.Project)
class ProjectType:
    id: auto
    name: auto
    due_on: auto
    is_delayed: bool
    next_milestones: list[MilestoneType]
    milestones: auto
    memberships: auto
    members: auto
    notes: auto
    note_connection: lp.Connection[NoteType] = lp.connection(field_name="notes")
    milestone_connection: lp.Connection[MilestoneType] = lp.connection(field_name="milestones")
    milestone_count: int = lp.field(annotate=loadplan.count("milestones"))
    owners: list[UserType] = lp.field(
        field_name="members",
        filters=[loadplan.Filter("name", loadplan.Operator.NE, "")],
    )

    @lp.field(annotate={"name_length": func.length(m.Project.name)})
    def name_length(self, root: strawberry.Parent[m.Project]) -> int:
        return root.name_length  # type: ignore[attr-defined, no-any-return]

    @lp.field(prefetch_related=["milestones"])
    def milestones_again(self, root: strawberry.Parent[m.Project]) -> list[MilestoneType]:
        """A second field over the same hinted relationship."""
        return root.milestones  # type: ignore[return-value]

    @lp.field(
        annotate={"milestone_total": loadplan.count("milestones")}, prefetch_related=["milestones"]
    )
    def mixed(self, root: strawberry.Parent[m.Project]) -> str:
        """An annotation and a hinted relationship in one resolver."""
        return f"{root.milestone_total} of {len(root.milestones)}"  # type: ignore[attr-defined]


@lp.type(m.Milestone)
class MilestoneType:
    id: auto
    name: auto
    due_on: auto
    project: auto
    issues: auto
    issue_connection: lp.Connection[IssueType] = lp.connection(field_name="issues")
    issue_page: lp.OffsetPage[IssueType] = lp.offset_page(field_name="issues")
    issue_count: int = lp.field(annotate=loadplan.count("issues"))
    bug_count: int = lp.field(annotate=loadplan.count("issues", m.Issue.kind == "bug"))
    first_issue: IssueType | None = lp.field(field_name="issues", single=True, order_by=["id"])
    only_issue: IssueType = lp.field(field_name="issues", single=True)
    bugs: list[IssueType] = lp.field(
        field_name="issues", filters=[loadplan.Filter("kind", loadplan.Operator.EQ, "bug")]
    )

    @lp.field(field_name="issues")
    def searched_issues(self, search: str, first: int | None = None) -> list[IssueType]:
        """A nested resolver whose arguments become its statement."""
        return (
            select(m.Issue)  # type: ignore[return-value]
            .where(m.Issue.name.contains(search))
            .order_by(m.Issue.id)
            .limit(first)
        )

    @lp.field(select_related=["project"], only=["project.name"])
    def project_name(self, root: strawberry.Parent[m.Milestone]) -> str:
        return root.project.name

    @lp.field
    def graphql_path(self, info: strawberry.Info) -> str:
        """The path a nested resolver is given."""
        return ",".join(str(part) for part in info.path.as_list())


@lp.type(m.Tag)
class TagType:
    id: auto
    name: auto
    issues: auto
    issue_connection: lp.Connection[IssueType] = lp.connection(field_name="issues")


@lp.type(m.Issue)
class IssueType:
    id: auto
    name: auto
    kind: auto
    priority: auto
    milestone: auto
    tags: auto
    assignees: auto
    users: auto
    notes: auto
    note_count: int = lp.field(annotate=loadplan.count("notes"))
    name_with_kind: str
    name_with_priority: str
    tag_connection: lp.Connection[TagType] = lp.connection(field_name="tags")
    owners: list[OwnerType] = lp.field(field_name="assignees")
    milestone_name: str | None = lp.field(field_name="milestone.name")
    project_name: str | None = lp.field(field_name="milestone.project.name")

    @lp.field(prefetch_related=["users"], only=["users.name"])
    def user_names(self, root: strawberry.Parent[m.Issue]) -> list[str]:
        return [user.name for user in root.users]


@lp.type(m.Assignee)
class AssigneeType:
    id: auto
    owner: auto
    user: auto
    issue: auto


@lp.type(m.Assignee)
class OwnerType:
    """A second type of the model, restricting its rows wherever it is listed."""

    id: auto
    user: UserType

    @classmethod
    def get_queryset(cls, stmt: Select[Any], info: strawberry.Info) -> Select[Any]:
        return stmt.where(m.Assignee.owner.is_(True))


@lp.type(m.Milestone)
class FooMilestoneType:
    """A list field named as its relationship but restricted, as a Django
    resolver over a ``Prefetch(..., to_attr=...)`` of its own name."""

    id: auto
    issues: list[IssueType] = lp.field(
        filters=[loadplan.Filter("name", loadplan.Operator.STARTSWITH, "Foo")]
    )


@strawberry.type
class Query:
    users: list[UserType] = lp.field()
    profiles: list[ProfileType] = lp.field()
    projects: list[ProjectType] = lp.field()
    memberships: list[MembershipType] = lp.field()
    milestones: list[MilestoneType] = lp.field()
    tags: list[TagType] = lp.field()
    issues: list[IssueType] = lp.field()
    assignees: list[AssigneeType] = lp.field()
    issue_connection: lp.Connection[IssueType] = lp.connection()
    tag_connection: lp.Connection[TagType] = lp.connection()
    issue_page: lp.OffsetPage[IssueType] = lp.offset_page()
    foo_milestones: list[FooMilestoneType] = lp.field()

    @strawberry.field
    def project(self, id: strawberry.ID) -> ProjectType | None:
        return select(m.Project).where(m.Project.id == int(id))  # type: ignore[return-value]

    @strawberry.field
    def milestone(self, id: strawberry.ID) -> MilestoneType | None:
        return select(m.Milestone).where(m.Milestone.id == int(id))  # type: ignore[return-value]

    @strawberry.field
    def issue(self, id: strawberry.ID) -> IssueType | None:
        return select(m.Issue).where(m.Issue.id == int(id))  # type: ignore[return-value]

    @lp.connection()
    def searched_projects(self, search: str) -> lp.Connection[ProjectType]:
        """A root connection over a resolver's statement."""
        stmt: Select[Any] = select(m.Project).where(m.Project.name.contains(search))
        return stmt  # type: ignore[return-value]


def make_schema(**options: Any) -> strawberry.Schema:
    """The schema; ``rows=True`` answers from rows where it can."""
    return strawberry.Schema(
        query=Query,
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )
