"""Models shaped as a Django schema maps to SQLAlchemy, for the
strawberry-django parity tests.

Django's multi-table inheritance keeps no discriminator column: the class of
a row is known from which child table has a row with its key. Mapped to
SQLAlchemy that is joined-table inheritance whose ``polymorphic_on`` is an
SQL expression (a ``CASE`` over one ``EXISTS`` per child table).
"""

from __future__ import annotations

from sqlalchemy import Column, Exists, ForeignKey, Integer, String, Table, case, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

import loadplan


class Base(DeclarativeBase):
    pass


base_project_table = Table(
    "pp_base_project",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("pp_company.id"), nullable=True),
    Column("topic", String(80), nullable=False),
)
art_project_table = Table(
    "pp_art_project",
    Base.metadata,
    Column("id", ForeignKey("pp_base_project.id"), primary_key=True),
    Column("artist", String(80), nullable=False),
)
research_project_table = Table(
    "pp_research_project",
    Base.metadata,
    Column("id", ForeignKey("pp_base_project.id"), primary_key=True),
    Column("supervisor", String(80), nullable=False),
)


def _has_row_in(child: Table) -> Exists:
    """Whether the base row has a row in ``child``. It reads an alias of
    ``child``, correlated to the base table only, so that it holds inside a
    statement that also joins ``child`` (loading subclass columns)."""
    own = child.alias(f"{child.name}_kind")
    return (
        select(own.c.id).where(own.c.id == base_project_table.c.id).correlate_except(own).exists()
    )


PROJECT_KIND = case(
    (_has_row_in(art_project_table), "art"),
    (_has_row_in(research_project_table), "research"),
    else_="base",
)


class Company(Base):
    __tablename__ = "pp_company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    projects: Mapped[list[BaseProject]] = relationship(
        back_populates="company", order_by="BaseProject.id"
    )


class BaseProject(Base):
    __table__ = base_project_table
    __mapper_args__ = {"polymorphic_on": PROJECT_KIND, "polymorphic_identity": "base"}
    id: Mapped[int]
    company_id: Mapped[int | None]
    topic: Mapped[str]
    company: Mapped[Company | None] = relationship(back_populates="projects")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.id"
    )

    @loadplan.model_property(only=["topic"])
    def title(self) -> str:
        return self.topic.title()


class ArtProject(BaseProject):
    __table__ = art_project_table
    __mapper_args__ = {"polymorphic_identity": "art"}
    artist: Mapped[str]

    @loadplan.model_property(only=["artist"])
    def signature(self) -> str:
        return f"by {self.artist}"


class ResearchProject(BaseProject):
    __table__ = research_project_table
    __mapper_args__ = {"polymorphic_identity": "research"}
    supervisor: Mapped[str]


class Milestone(Base):
    __tablename__ = "pp_milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pp_base_project.id"))
    name: Mapped[str] = mapped_column(String(80))
    project: Mapped[BaseProject] = relationship(back_populates="milestones")
    issues: Mapped[list[Issue]] = relationship(back_populates="milestone", order_by="Issue.id")

    @loadplan.model_property(prefetch_related=["issues"], only=["issues.priority"])
    def urgent_issues(self) -> list[Issue]:
        """Related objects computed in Python (a property returning a list)."""
        return [issue for issue in self.issues if issue.priority >= 3]


class Issue(Base):
    __tablename__ = "pp_issue"
    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("pp_milestone.id"))
    name: Mapped[str] = mapped_column(String(80))
    priority: Mapped[int] = mapped_column(default=0)
    estimate: Mapped[int | None]
    milestone: Mapped[Milestone] = relationship(back_populates="issues")
    links: Mapped[list[Link]] = relationship(back_populates="issue", order_by="Link.id")


class Link(Base):
    """A table whose GraphQL type exposes no column that a filter or an
    order could use: only a relationship."""

    __tablename__ = "pp_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("pp_issue.id"))
    issue: Mapped[Issue] = relationship(back_populates="links")
