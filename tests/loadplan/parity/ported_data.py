"""Deterministic data of the ported models at any size."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from tests.loadplan.parity.ported_models import (
    Assignee,
    Base,
    Issue,
    Membership,
    Milestone,
    Note,
    Profile,
    Project,
    Tag,
    User,
    issue_tag,
)

ROLES = ("owner", "developer")


def populate(engine: Engine, size: int) -> None:
    """``size`` blocks, each of four users (the odd ones with a profile),
    three tags (the third on no issue), and two projects (the first with a
    due date, the second without); each project has two members and two
    milestones, the second project's second milestone without issues; a
    milestone with issues has three ("Foo", "Bar", "Foo Bar", priorities 3,
    1 and 2, the first a bug), and each block has one issue outside any
    milestone. Issues have zero to two tags and zero to two assignees; each
    project and each issue of an odd key has notes (the note keys and the
    keys they are attached to overlap, as a generic relation's do)."""
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        milestone_id = issue_id = assignee_id = 0
        links: list[dict[str, int]] = []
        for block in range(size):
            users = [User(id=4 * block + n, name=f"user {4 * block + n}") for n in (1, 2, 3, 4)]
            session.add_all(users)
            session.add_all(
                Profile(id=user.id, user_id=user.id, bio=f"bio of {user.name}")
                for user in users[::2]
            )
            tags = [Tag(id=3 * block + n, name=f"tag {3 * block + n}") for n in (1, 2, 3)]
            session.add_all(tags)
            for n in (1, 2):
                project_id = 2 * block + n
                session.add(
                    Project(
                        id=project_id,
                        name=f"project {project_id}",
                        due_on=dt.date(2024, 6, project_id % 28 + 1) if n == 1 else None,
                    )
                )
                session.add_all(
                    Membership(project_id=project_id, user_id=users[n - 1 + k].id, role=role)
                    for k, role in enumerate(ROLES)
                )
                for m in (1, 2):
                    milestone_id += 1
                    session.add(
                        Milestone(
                            id=milestone_id,
                            project_id=project_id,
                            name=f"milestone {milestone_id}",
                            due_on=dt.date(2025, 3 - m, milestone_id % 28 + 1),
                        )
                    )
                    if n == 2 and m == 2:
                        continue
                    for name, kind, priority in (
                        ("Foo", "bug", 3),
                        ("Bar", "feature", 1),
                        ("Foo Bar", "feature", 2),
                    ):
                        issue_id += 1
                        session.add(
                            Issue(
                                id=issue_id,
                                milestone_id=milestone_id,
                                name=f"{name} {issue_id}",
                                kind=kind,
                                priority=priority,
                            )
                        )
                        links.extend(
                            {"issue_id": issue_id, "tag_id": tag.id} for tag in tags[: issue_id % 3]
                        )
                        for user in users[: (issue_id + 1) % 3]:
                            assignee_id += 1
                            session.add(
                                Assignee(
                                    id=assignee_id,
                                    issue_id=issue_id,
                                    user_id=user.id,
                                    owner=user is users[0],
                                )
                            )
            issue_id += 1
            session.add(
                Issue(
                    id=issue_id, milestone_id=None, name=f"Loose {issue_id}", kind="bug", priority=5
                )
            )
        note_id = 0
        for target_type, count in (("project", 2 * size), ("issue", issue_id)):
            for target_id in range(1, count + 1, 1 if target_type == "project" else 2):
                for n in range(1 + target_id % 2):
                    note_id += 1
                    session.add(
                        Note(
                            id=note_id,
                            target_type=target_type,
                            target_id=target_id,
                            body=f"note {n + 1} on {target_type} {target_id}",
                        )
                    )
        session.flush()
        session.execute(insert(issue_tag), links)
        session.commit()
