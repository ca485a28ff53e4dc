"""Deterministic parity data at any size."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.loadplan.parity.models import (
    ArtProject,
    Base,
    BaseProject,
    Company,
    Issue,
    Link,
    Milestone,
    ResearchProject,
)


def populate(engine: Engine, size: int) -> None:
    """``size`` companies, each with one project of each kind (base, art,
    research), two milestones per project and three issues per milestone
    (priorities 1, 3 and 5; no estimate for priority 3), with no, one and
    two links."""
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        project_id = milestone_id = issue_id = link_id = 0
        for c in range(1, size + 1):
            company = Company(id=c, name=f"company {c}")
            session.add(company)
            for kind in (BaseProject, ArtProject, ResearchProject):
                project_id += 1
                extra = (
                    {"artist": f"artist {project_id}"}
                    if kind is ArtProject
                    else {"supervisor": f"supervisor {project_id}"}
                    if kind is ResearchProject
                    else {}
                )
                project = kind(id=project_id, company=company, topic=f"topic {project_id}", **extra)
                session.add(project)
                for _ in range(2):
                    milestone_id += 1
                    milestone = Milestone(
                        id=milestone_id, project=project, name=f"milestone {milestone_id}"
                    )
                    session.add(milestone)
                    for priority in (1, 3, 5):
                        issue_id += 1
                        issue = Issue(
                            id=issue_id,
                            milestone=milestone,
                            name=f"issue {issue_id}",
                            priority=priority,
                            estimate=None if priority == 3 else issue_id % 4,
                        )
                        session.add(issue)
                        for _ in range(priority // 2):
                            link_id += 1
                            session.add(Link(id=link_id, issue=issue))
        session.commit()
