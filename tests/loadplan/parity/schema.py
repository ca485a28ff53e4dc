"""The GraphQL schema of the parity tests, written with loadplan's
documented API only, as a user coming from strawberry-django would."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, select
from strawberry import auto, relay

import loadplan
import loadplan.strawberry as lp
from tests.loadplan.parity import models as m

T = TypeVar("T")


@strawberry.type
class LegacyConnection(Generic[T]):
    """An existing API's connection: graphql-relay's cursors, a nullable total."""

    edges: list[lp.Edge[T]]
    page_info: lp.PageInfo
    total_count: int | None


@strawberry.interface
class Named:
    """A plain Strawberry interface, bound to no model."""

    name: str


@lp.interface(m.BaseProject)
class ProjectInterface:
    id: auto
    topic: auto
    title: str
    company: auto
    milestones: auto


@lp.type(m.BaseProject)
class PlainProjectType(ProjectInterface):
    pass


@lp.type(m.ArtProject)
class ArtProjectType(ProjectInterface):
    artist: auto
    signature: str

    @lp.field(only=["artist"])
    def shouted_artist(self, root: strawberry.Parent[m.ArtProject]) -> str:
        return root.artist.upper()


@lp.type(m.ResearchProject)
class ResearchProjectType(ProjectInterface, Named):
    supervisor: auto
    name: str = lp.field(field_name="supervisor")


@lp.type(m.Company)
class CompanyType(Named):
    id: auto
    name: auto
    projects: list[ProjectInterface] = lp.field()

    @lp.field(prefetch_related=["projects"])
    def newest_project(self, root: strawberry.Parent[m.Company]) -> ProjectInterface | None:
        """A polymorphic object picked by a resolver from a hinted relationship."""
        return max(root.projects, key=lambda project: project.id, default=None)  # type: ignore[return-value]


@lp.type(m.Milestone)
class MilestoneType(Named):
    id: auto
    name: auto
    project: auto
    issues: auto
    issue_connection: lp.Connection[IssueType] = lp.connection(field_name="issues")
    issue_page: lp.OffsetPage[IssueType] = lp.offset_page(field_name="issues")
    urgent_issues: list[IssueType]
    plain_issues: list[IssueType] = lp.field(field_name="issues", arguments=False)
    renamed_issues: list[IssueType] = lp.field(
        field_name="issues", arguments={"filter": "where", "order": "orderBy", "offset": None}
    )
    legacy_issues: LegacyConnection[IssueType] = lp.connection(
        field_name="issues", cursor_prefix="arrayconnection:"
    )
    renamed_connection: lp.Connection[IssueType] = lp.connection(
        field_name="issues", arguments={"first": "take", "after": "from", "last": None}
    )
    keyset_issues: lp.Connection[IssueType] = lp.connection(field_name="issues", keyset=True)
    urgent: list[IssueType] = lp.field(
        field_name="issues", filters=[loadplan.Filter("priority", loadplan.Operator.GE, 3)]
    )

    @lp.field(prefetch_related=["issues"])
    def first_issues(self, root: strawberry.Parent[m.Milestone]) -> lp.OffsetPage[IssueType]:
        """A page built by a resolver from a hinted relationship."""
        return lp.OffsetPage(results=root.issues[:2], total_count=len(root.issues))  # type: ignore[arg-type]

    @lp.field(prefetch_related=["issues"], only=["issues.priority"])
    def top_issues(self, root: strawberry.Parent[m.Milestone]) -> list[IssueType]:
        """The two issues of highest priority, picked by a resolver."""
        ranked = sorted(root.issues, key=lambda issue: (-issue.priority, issue.id))
        return ranked[:2]  # type: ignore[return-value]

    @lp.field(field_name="issues")
    def ranked_issues(
        self, min_priority: int = 1, first: int | None = None, skip: int = 0
    ) -> list[IssueType]:
        """A statement built from the field's arguments, for one parent's list."""
        return (
            select(m.Issue)  # type: ignore[return-value]
            .where(m.Issue.priority >= min_priority)
            .order_by(m.Issue.priority.desc(), m.Issue.id)
            .limit(first)
            .offset(skip)
        )

    @lp.connection(field_name="issues")
    def ranked_connection(self, min_priority: int = 1) -> lp.Connection[IssueType]:
        """A connection per parent over a resolver's statement."""
        return (
            select(m.Issue)  # type: ignore[return-value]
            .where(m.Issue.priority >= min_priority)
            .order_by(m.Issue.priority.desc())
        )

    @lp.offset_page(field_name="issues")
    def ranked_page(self, min_priority: int = 1) -> lp.OffsetPage[IssueType]:
        """An offset page per parent over a resolver's statement."""
        return select(m.Issue).where(m.Issue.priority >= min_priority)  # type: ignore[return-value]

    @lp.offset_page(field_name="issues")
    def limited_page(self) -> lp.OffsetPage[IssueType]:
        """A page whose statement pages itself: refused."""
        return select(m.Issue).limit(1)  # type: ignore[return-value]

    @lp.field(field_name="issues")
    def joined_issues(self) -> list[IssueType]:
        """A statement reading another table: not one parent's list."""
        return select(m.Issue).join(m.Issue.milestone).where(m.Milestone.name != "")  # type: ignore[return-value]

    @lp.field(select_related=["project"], needs_object=True)
    def project_object(self, root: strawberry.Parent[m.Milestone]) -> ProjectInterface:
        """A resolver that declares it needs the real ORM object."""
        assert isinstance(root, m.Milestone)
        return root.project  # type: ignore[return-value]


@lp.type(m.Issue)
class IssueType(Named):
    id: auto
    name: auto
    priority: auto
    estimate: auto
    milestone: auto
    links: auto
    link: LinkType | None = lp.field(field_name="links", single=True)
    required_link: LinkType = lp.field(field_name="links", single=True)
    first_link: LinkType | None = lp.field(field_name="links", single=True, order_by=["id"])

    @lp.field(select_related=["milestone.project"])
    def where(self, root: strawberry.Parent[m.Issue]) -> str:
        """Reads columns of the joined objects that no hint names."""
        return f"{root.milestone.name} of {root.milestone.project.topic}"

    @lp.field(select_related=["milestone", "milestone.project"])
    def milestone_of(self, root: strawberry.Parent[m.Issue]) -> MilestoneType:
        return root.milestone  # type: ignore[return-value]


@lp.type(m.Link)
class LinkType:
    """No field a filter or an order could use: only a resolver."""

    @lp.field(only=["issue_id"])
    def label(self, root: strawberry.Parent[m.Link]) -> str:
        return f"link to issue {root.issue_id}"


@strawberry.type
class Query:
    companies: list[CompanyType] = lp.field()
    projects: list[ProjectInterface] = lp.field()
    milestones: list[MilestoneType] = lp.field()
    issues: list[IssueType] = lp.field()
    links: list[LinkType] = lp.field()
    issue_page: lp.OffsetPage[IssueType] = lp.offset_page()
    issue_connection: lp.Connection[IssueType] = lp.connection()
    legacy_issues: LegacyConnection[IssueType] = lp.connection(cursor_prefix="arrayconnection:")
    keyset_issues: lp.Connection[IssueType] = lp.connection(keyset=True)
    issue_list: lp.OffsetPage[IssueType] = lp.offset_page(
        arguments={"filter": "where", "limit": "size", "offset": "skip", "order": None}
    )

    @lp.connection()
    def priority_issues(self, min_priority: int) -> lp.Connection[IssueType]:
        """A connection over a resolver's own statement."""
        return (
            select(m.Issue)  # type: ignore[return-value]
            .where(m.Issue.priority >= min_priority)
            .order_by(m.Issue.priority.desc())
        )

    @lp.offset_page()
    def priority_page(self, min_priority: int) -> lp.OffsetPage[IssueType]:
        """An offset page over a resolver's own statement."""
        return select(m.Issue).where(m.Issue.priority >= min_priority)  # type: ignore[return-value]

    @lp.connection()
    def limited_issues(self) -> lp.Connection[IssueType]:
        """A connection whose statement pages itself: refused."""
        return select(m.Issue).offset(1)  # type: ignore[return-value]

    @strawberry.field
    def milestone(self, id: strawberry.ID) -> MilestoneType | None:
        return select(m.Milestone).where(m.Milestone.id == int(id))  # type: ignore[return-value]


def make_schema(**options: Any) -> strawberry.Schema:
    """The parity schema; ``rows=True`` answers from rows where it can."""
    return strawberry.Schema(
        query=Query,
        types=[PlainProjectType, ArtProjectType, ResearchProjectType],
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )


@lp.type(m.Milestone)
class MilestoneNode(relay.Node):
    """Relay nodes of models that already have a type above (the first
    type of a model stays its default)."""

    name: auto
    issues: list[IssueNode]


@lp.type(m.Issue)
class IssueNode(relay.Node):
    name: auto
    priority: auto
    milestone: MilestoneNode

    @classmethod
    def get_queryset(cls, stmt: Select[Any], info: strawberry.Info) -> Select[Any]:
        """Issues of priority 5 are hidden, as a row rule would hide them."""
        return stmt.where(m.Issue.priority < 5)


@strawberry.type
class NodeQuery:
    node: relay.Node | None = lp.node()
    nodes: list[relay.Node | None] = lp.nodes()
    milestones: list[MilestoneNode] = lp.field()


def make_node_schema(**options: Any) -> strawberry.Schema:
    """The Relay node schema; ``rows=True`` answers from rows where it can."""
    return strawberry.Schema(
        query=NodeQuery,
        types=[MilestoneNode, IssueNode, LinkType],
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )
