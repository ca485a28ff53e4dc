"""A project's team through GraphQL: ``Project.members`` and the mutations
that change it, with the same rules and messages as REST (the same service)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shotline import models as m
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")

TEAM = "members { person { firstName } role projectRole }"
ADD = f"""mutation($project: ID!, $person: ID!, $role: Role) {{
    addProjectMember(projectId: $project, personId: $person, role: $role) {{ code {TEAM} }} }}"""
SET = f"""mutation($project: ID!, $person: ID!, $role: Role) {{
    setProjectMemberRole(projectId: $project, personId: $person, role: $role) {{ {TEAM} }} }}"""
REMOVE = f"""mutation($project: ID!, $person: ID!) {{
    removeProjectMember(projectId: $project, personId: $person) {{ {TEAM} }} }}"""


def team(api: Api) -> list[tuple[str, str | None]]:
    with Session(api.engine) as session:
        rows = session.execute(
            select(m.Person.first_name, m.ProjectMember.role)
            .join(m.ProjectMember.person)
            .where(m.ProjectMember.project_id == api.ids.projects["LHK"])
            .order_by(m.Person.id)
        ).all()
    return [(name, role and role.value) for name, role in rows]


def member(name: str, role: str | None, acts: str) -> dict[str, Any]:
    return {"person": {"firstName": name}, "role": role, "projectRole": acts}


def ids(api: Api, person: str, role: str | None = None) -> dict[str, Any]:
    return {
        "project": str(api.ids.projects["LHK"]),
        "person": str(api.ids.people[person]),
        "role": role,
    }


def test_the_team_changes_through_mutations(writable: Api) -> None:
    added, log = writable.data(ADD, ids(writable, "Mira"))
    assert added == {
        "addProjectMember": {"code": "LHK", "members": [member("Mira", None, "ARTIST")]}
    }
    # checks, INSERT, INSERT the event and its addressee, the project, then
    # its reload: the project, its members
    assert log.count == AUTH + 7
    writable.data(ADD, ids(writable, "Leo", "SUPERVISOR"))
    assert team(writable) == [("Mira", None), ("Leo", "supervisor")]

    changed, log = writable.data(SET, ids(writable, "Mira", "SUPERVISOR"))
    assert changed["setProjectMemberRole"]["members"] == [
        member("Mira", "SUPERVISOR", "SUPERVISOR"),
        member("Leo", "SUPERVISOR", "SUPERVISOR"),
    ]
    assert team(writable) == [("Mira", "supervisor"), ("Leo", "supervisor")]

    removed, log = writable.data(REMOVE, ids(writable, "Leo"))
    assert removed["removeProjectMember"]["members"] == [member("Mira", "SUPERVISOR", "SUPERVISOR")]
    assert team(writable) == [("Mira", "supervisor")]

    read, log = writable.data(
        f"query($id: ID!) {{ project(id: $id) {{ {TEAM} }} }}",
        {"id": ids(writable, "Mira")["project"]},
    )
    assert read == {"project": {"members": [member("Mira", "SUPERVISOR", "SUPERVISOR")]}}
    # the project, its members (with their people joined in)
    assert log.count == AUTH + 2

    writable.data(ADD, ids(writable, "Ines"))
    ordered, log = writable.data(
        """query($id: ID!) { project(id: $id) {
            members(order: [{personLastName: ASC}]) { personLastName }
            supervisors: members(filter: {personFirstName: {startswith: "I"}}) { projectRole } } }""",
        {"id": ids(writable, "Mira")["project"]},
    )
    assert ordered == {
        "project": {
            "members": [{"personLastName": "Abara"}, {"personLastName": "Okafor"}],
            "supervisors": [{"projectRole": "SUPERVISOR"}],
        }
    }
    assert log.count == AUTH + 3


@pytest.mark.parametrize(
    ("query", "person", "role", "message", "code", "field"),
    [
        (ADD, "Mira", None, "person {Mira} is already on the team of project {LHK}", "CONFLICT", None),
        (ADD, "Tomás", "ADMIN", "role: admin is a studio role, not a project role",
         "BAD_USER_INPUT", "role"),
        (SET, "Tomás", "ARTIST", "team member {Tomás} not found", "NOT_FOUND", None),
        (REMOVE, "Tomás", None, "team member {Tomás} not found", "NOT_FOUND", None),
    ],
)  # fmt: skip
def test_refusals_change_nothing(
    writable: Api,
    query: str,
    person: str,
    role: str | None,
    message: str,
    code: str,
    field: str | None,
) -> None:
    if ("Mira", None) not in team(writable) and ("Mira", "supervisor") not in team(writable):
        writable.data(ADD, ids(writable, "Mira"))
    before = team(writable)
    variables = ids(writable, person, role)
    if query is REMOVE:
        del variables["role"]
    body, _ = writable.post(query, variables)
    names = {**writable.ids.people, **writable.ids.projects}
    extensions: dict[str, Any] = {"code": code}
    if field:
        extensions["field"] = field
    assert body["data"] is None
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message.format(**names), extensions)
    ]
    assert team(writable) == before


def test_an_unknown_project_is_not_found(writable: Api) -> None:
    body, _ = writable.post(ADD, {"project": "2000000000", "person": "1", "role": None})
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("project 2000000000 not found", "NOT_FOUND")
    ]
