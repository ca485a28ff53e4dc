"""The permission matrix: every role by every REST endpoint and GraphQL
operation, with the answer each gets, and for reads the rows each sees.

Each case names a request and, per role, the status (writes) or the status
and rows (reads) expected; rows are projected (names, ids) so a case reads
as the access rule it checks. Every request runs in a transaction rolled
back afterwards (see ``conftest.World``). Roles and data: ``world.py``.
``test_every_route_is_in_the_matrix`` proves the matrix leaves no endpoint
out, and ``test_every_graphql_root_field_is_in_the_matrix`` no operation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import update

from shotline.models import ProjectMember, Role
from shotline.schemas.errors import RULES
from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import (
    ADMIN,
    ANCHOR,
    ANCHOR_MOD,
    ANCHOR_RIG,
    ANIM,
    ANIMATION_DEPT,
    ARTIST,
    BELL,
    BELL_MOD,
    C_INTERNAL,
    C_PUBLIC,
    C_VENDOR,
    C_VENDOR_INTERNAL,
    C_ZED,
    CLIENT,
    CRATE,
    CRATE_RIG,
    DONE,
    E01,
    EMAILS,
    INTERNAL_PNG,
    LENA,
    M_DELIVERY,
    MANAGER,
    MOD,
    MODELING_DEPT,
    OUTSIDER,
    P1,
    P2,
    P_INTERNAL,
    P_PUBLIC,
    PROP,
    PUBLIC_PNG,
    RIG,
    ROLES,
    SH0010,
    SH0010_ANIM,
    SH0020,
    SH0020_ANIM,
    SQ010,
    SUPERVISOR,
    T_ARTIST,
    T_VENDOR,
    T_ZED,
    TODO,
    VENDOR,
    WIP,
    ZED,
    ZED_MOD,
)

Project = Callable[[Any], Any]

STAFF = ("admin", "manager", "supervisor", "artist")
"""Roles that read everything of LHK (the client too, less what is internal)."""
MEMBERS = (*STAFF, "vendor", "client")


def roles(default: Any, **by_role: Any) -> dict[str, Any]:
    """An expectation per role: ``default``, except where named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


def managers(allowed: int, *, vendor: int = 403, outsider: int = 404) -> dict[str, Any]:
    """A change only an admin or a manager of the project may make."""
    return roles(403, admin=allowed, manager=allowed, vendor=vendor, outsider=outsider)


def admins(allowed: int) -> dict[str, Any]:
    """A change of studio-wide data: admins only, 403 for everyone else."""
    return roles(403, admin=allowed)


@dataclass(frozen=True)
class Case:
    """A REST request: ``route`` is its path as the app declares it (for the
    coverage check), ``url`` the one sent; ``expect`` maps each role to a
    status, or to ``(status, rows)`` compared with ``rows(body)``."""

    method: str
    route: str
    url: str
    expect: dict[str, Any]
    body: Any = None
    rows: Project | None = None
    headers: dict[str, str] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}"


def items(key: str = "id") -> Project:
    return lambda body: [item[key] for item in body["items"]]


def ids(body: Any) -> list[int]:
    return [item["id"] for item in body]


def field_of(key: str) -> Project:
    return lambda body: body[key]


def grid(body: Any) -> list[tuple[str, list[str], list[int]]]:
    return [
        (row["name"], list(row["task_status"]), [t["id"] for t in row["task_details"]])
        for row in body["items"]
    ]


def shots(body: Any) -> list[tuple[str, str | None, str | None, list[int]]]:
    return [
        (row["name"], row["sequence"], row["episode"], [t["id"] for t in row["task_details"]])
        for row in body["items"]
    ]


def page(body: Any) -> tuple[int, list[int]]:
    return body["task_count"], [t["id"] for t in body["tasks"]]


def stats(body: Any) -> tuple[int, dict[str, int]]:
    return body["total"], {row["task_type"]: row["total"] for row in body["task_types"]}


def emails(body: Any) -> list[str | None]:
    return [item["email"] for item in body["items"]]


LHK_TASKS = [ANCHOR_MOD, ANCHOR_RIG, BELL_MOD, CRATE_RIG, SH0010_ANIM, SH0020_ANIM]
VENDOR_TASKS = [ANCHOR_RIG, BELL_MOD, SH0010_ANIM]
LHK_TEAM = [
    (MANAGER, "manager", EMAILS[MANAGER]),
    (SUPERVISOR, "supervisor", EMAILS[SUPERVISOR]),
    (ARTIST, "artist", EMAILS[ARTIST]),
    (VENDOR, "vendor", EMAILS[VENDOR]),
    (CLIENT, "client", EMAILS[CLIENT]),
    (LENA, "supervisor", EMAILS[LENA]),
]
ALL_EMAILS = [EMAILS[p] for p in sorted(EMAILS)]

READS = [
    Case("GET", "/api/projects", "/api/projects", rows=items("code"),
         expect=roles((200, ["LHK"]), admin=(200, ["LHK", "PPM"]), outsider=(200, ["PPM"]))),
    Case("GET", "/api/projects/{project_id}", f"/api/projects/{P1}", rows=field_of("code"),
         expect=roles((200, "LHK"), outsider=404)),
    Case("GET", "/api/projects/{project_id}", f"/api/projects/{P2}", rows=field_of("code"),
         expect=roles(404, admin=(200, "PPM"), outsider=(200, "PPM"))),
    Case("GET", "/api/projects/{project_id}/settings", f"/api/projects/{P1}/settings",
         rows=lambda body: [t["id"] for t in body["task_types"]],
         expect=roles((200, [MOD, RIG, ANIM]), outsider=404)),
    Case("GET", "/api/projects/{project_id}/assets", f"/api/projects/{P1}/assets", rows=grid,
         expect=roles(
             (200, [("Anchor", ["Modeling", "Rigging"], [ANCHOR_MOD, ANCHOR_RIG]),
                    ("Bell", ["Modeling"], [BELL_MOD]),
                    ("Crate", ["Rigging"], [CRATE_RIG])]),
             # Only the vendor's tasks, and only the assets that have one.
             vendor=(200, [("Anchor", ["Rigging"], [ANCHOR_RIG]),
                           ("Bell", ["Modeling"], [BELL_MOD])]),
             outsider=404)),
    # A filter on tasks sees only the tasks the principal sees.
    Case("GET", "/api/projects/{project_id}/assets",
         f"/api/projects/{P1}/assets?task_status=Modeling:wip&fields=name",
         rows=items("name"),
         expect=roles((200, ["Anchor", "Bell"]), vendor=(200, ["Bell"]), outsider=404)),
    Case("GET", "/api/projects/{project_id}/shots", f"/api/projects/{P1}/shots", rows=shots,
         expect=roles(
             (200, [("SH0010", "SQ010", "E01", [SH0010_ANIM]),
                    ("SH0020", "SQ010", "E01", [SH0020_ANIM])]),
             # The sequence and episode of a shot of theirs are visible to a vendor.
             vendor=(200, [("SH0010", "SQ010", "E01", [SH0010_ANIM])]),
             outsider=404)),
    Case("GET", "/api/assets/{asset_id}", f"/api/assets/{ANCHOR}", rows=page,
         expect=roles((200, (2, [ANCHOR_MOD, ANCHOR_RIG])), vendor=(200, (1, [ANCHOR_RIG])),
                      outsider=404)),
    Case("GET", "/api/assets/{asset_id}", f"/api/assets/{CRATE}", rows=page,
         expect=roles((200, (1, [CRATE_RIG])), vendor=404, outsider=404)),
    Case("GET", "/api/shots/{shot_id}", f"/api/shots/{SH0010}",
         rows=lambda body: (body["sequence"], body["episode"], page(body)),
         expect=roles((200, ("SQ010", "E01", (1, [SH0010_ANIM]))), outsider=404)),
    Case("GET", "/api/shots/{shot_id}", f"/api/shots/{SH0020}", rows=page,
         expect=roles((200, (1, [SH0020_ANIM])), vendor=404, outsider=404)),
    Case("GET", "/api/projects/{project_id}/stats", f"/api/projects/{P1}/stats", rows=stats,
         expect=roles((200, (6, {"Modeling": 2, "Rigging": 2, "Animation": 2})),
                      vendor=(200, (3, {"Modeling": 1, "Rigging": 1, "Animation": 1})),
                      outsider=404)),
    Case("GET", "/api/projects/{project_id}/episodes", f"/api/projects/{P1}/episodes",
         rows=items(), expect=roles((200, [E01]), outsider=404)),
    Case("GET", "/api/episodes/{episode_id}", f"/api/episodes/{E01}", rows=field_of("name"),
         expect=roles((200, "E01"), outsider=404)),
    Case("GET", "/api/projects/{project_id}/sequences", f"/api/projects/{P1}/sequences",
         rows=items(), expect=roles((200, [SQ010]), outsider=404)),
    Case("GET", "/api/sequences/{sequence_id}", f"/api/sequences/{SQ010}", rows=field_of("name"),
         expect=roles((200, "SQ010"), outsider=404)),
    Case("GET", "/api/projects/{project_id}/tasks", f"/api/projects/{P1}/tasks", rows=items(),
         expect=roles((200, LHK_TASKS), vendor=(200, VENDOR_TASKS), outsider=404)),
    Case("GET", "/api/projects/{project_id}/tasks", f"/api/projects/{P2}/tasks", rows=items(),
         expect=roles(404, admin=(200, [ZED_MOD]), outsider=(200, [ZED_MOD]))),
    Case("GET", "/api/tasks/{task_id}", f"/api/tasks/{ANCHOR_MOD}",
         rows=lambda body: (body["id"], body["entity"]["name"]),
         expect=roles((200, (ANCHOR_MOD, "Anchor")), vendor=404, outsider=404)),
    Case("GET", "/api/tasks/{task_id}/comments", f"/api/tasks/{ANCHOR_MOD}/comments",
         rows=items(), expect=roles((200, [C_PUBLIC, C_INTERNAL]), client=(200, [C_PUBLIC]),
                                    vendor=404, outsider=404)),
    # Vendors see internal comments: only clients do not.
    Case("GET", "/api/tasks/{task_id}/comments", f"/api/tasks/{ANCHOR_RIG}/comments",
         rows=items(), expect=roles((200, [C_VENDOR, C_VENDOR_INTERNAL]),
                                    client=(200, [C_VENDOR]), outsider=404)),
    Case("GET", "/api/comments/{comment_id}", f"/api/comments/{C_INTERNAL}",
         rows=field_of("internal"),
         expect=roles((200, True), client=404, vendor=404, outsider=404)),
    Case("GET", "/api/comments/{comment_id}", f"/api/comments/{C_ZED}", rows=field_of("id"),
         expect=roles(404, admin=(200, C_ZED), outsider=(200, C_ZED))),
    Case("GET", "/api/tasks/{task_id}/time-logs", f"/api/tasks/{ANCHOR_RIG}/time-logs",
         rows=items(), expect=roles((200, [T_VENDOR]), client=(200, []), outsider=404)),
    Case("GET", "/api/time-logs/{time_log_id}", f"/api/time-logs/{T_ARTIST}",
         rows=field_of("minutes"),
         expect=roles((200, 60), client=404, vendor=404, outsider=404)),
    Case("GET", "/api/time-logs/{time_log_id}", f"/api/time-logs/{T_ZED}",
         rows=field_of("id"), expect=roles(404, admin=(200, T_ZED), outsider=(200, T_ZED))),
    # People are studio-wide: everyone reads them, clients without emails.
    Case("GET", "/api/people", "/api/people?order=id", rows=emails,
         expect=roles((200, ALL_EMAILS), client=(200, [None] * len(ALL_EMAILS)))),
    Case("GET", "/api/people/{person_id}", f"/api/people/{ARTIST}", rows=field_of("email"),
         expect=roles((200, EMAILS[ARTIST]), client=(200, None))),
    Case("GET", "/api/departments", "/api/departments", rows=items(),
         expect=roles((200, [MODELING_DEPT, ANIMATION_DEPT]))),
    Case("GET", "/api/departments/{department_id}", f"/api/departments/{MODELING_DEPT}",
         rows=field_of("name"), expect=roles((200, "Modeling"))),
    Case("GET", "/api/task-types", "/api/task-types", rows=items(),
         expect=roles((200, [MOD, RIG, ANIM]))),
    Case("GET", "/api/task-types/{task_type_id}", f"/api/task-types/{RIG}",
         rows=field_of("name"), expect=roles((200, "Rigging"))),
    Case("GET", "/api/task-statuses", "/api/task-statuses", rows=items(),
         expect=roles((200, [TODO, WIP, DONE]))),
    Case("GET", "/api/task-statuses/{task_status_id}", f"/api/task-statuses/{DONE}",
         rows=field_of("short_name"), expect=roles((200, "done"))),
    Case("GET", "/api/asset-types", "/api/asset-types", rows=items(),
         expect=roles((200, [PROP]))),
    Case("GET", "/api/asset-types/{asset_type_id}", f"/api/asset-types/{PROP}",
         rows=field_of("name"), expect=roles((200, "Prop"))),
    # Every member reads the team, a client without emails.
    Case("GET", "/api/projects/{project_id}/members", f"/api/projects/{P1}/members",
         rows=lambda body: [(m["person"]["id"], m["project_role"], m["person"]["email"])
                            for m in body["items"]],
         expect=roles((200, LHK_TEAM), client=(200, [(p, r, None) for p, r, _ in LHK_TEAM]),
                      outsider=404)),
    Case("GET", "/api/me", "/api/me", rows=lambda body: (body["email"], body["projects"]),
         expect={
             "admin": (200, (EMAILS[ADMIN], [])),
             **{role: (200, (EMAILS[person], [{"project_id": P1, "role": role}]))
                for role, person in [("manager", MANAGER), ("supervisor", SUPERVISOR),
                                     ("artist", ARTIST), ("vendor", VENDOR),
                                     ("client", CLIENT)]},
             "outsider": (200, (EMAILS[OUTSIDER], [{"project_id": P2, "role": "manager"}])),
         }),
    Case("GET", "/api/me/tokens", "/api/me/tokens", rows=ids, expect=roles((200, []))),
    # My tasks: the open tasks assigned to me, newest activity first (the
    # same time for all: then by id).
    Case("GET", "/api/me/tasks", "/api/me/tasks?fields=id", rows=items(),
         expect=roles((200, []), artist=(200, [ANCHOR_MOD, CRATE_RIG, SH0020_ANIM]),
                      vendor=(200, [ANCHOR_RIG, BELL_MOD, SH0010_ANIM]),
                      outsider=(200, [ZED_MOD]))),
    # Events: the studio as built has none (its rows were inserted directly);
    # the events tests (tests/shotline/events) check who reads which.
    Case("GET", "/api/projects/{project_id}/events", f"/api/projects/{P1}/events",
         rows=items(), expect=roles((200, []), outsider=404)),
    # The stream never ends: a bad Last-Event-ID answers before it starts.
    Case("GET", "/api/events/stream", "/api/events/stream", headers={"Last-Event-ID": "x"},
         expect=roles(400)),
    Case("GET", "/api/notifications", "/api/notifications",
         rows=lambda body: body["items"], expect=roles((200, []))),
    Case("GET", "/api/notifications/unread-count", "/api/notifications/unread-count",
         rows=lambda body: body["unread"], expect=roles((200, 0))),
    # The schedule: every member reads the milestones; the task list and the
    # workload hold only the tasks the principal sees; clients see no time spent.
    Case("GET", "/api/projects/{project_id}/milestones", f"/api/projects/{P1}/milestones",
         rows=items("name"), expect=roles((200, ["Delivery"]), outsider=404)),
    Case("GET", "/api/milestones/{milestone_id}", f"/api/milestones/{M_DELIVERY}",
         rows=field_of("date"), expect=roles((200, "2025-06-02"), outsider=404)),
    Case("GET", "/api/projects/{project_id}/schedule/tasks",
         f"/api/projects/{P1}/schedule/tasks?fields=id,time_spent",
         rows=lambda body: [(t["id"], t["time_spent"]) for t in body["items"]],
         expect=roles((200, [(ANCHOR_MOD, 60), (ANCHOR_RIG, 60), (BELL_MOD, 0), (CRATE_RIG, 0),
                             (SH0010_ANIM, 0), (SH0020_ANIM, 0)]),
                      vendor=(200, [(ANCHOR_RIG, 60), (BELL_MOD, 0), (SH0010_ANIM, 0)]),
                      client=(200, [(task, None) for task in LHK_TASKS]),
                      outsider=404)),
    Case("GET", "/api/projects/{project_id}/schedule/workload",
         f"/api/projects/{P1}/schedule/workload?start=2025-03-10&weeks=1",
         rows=lambda body: [(p["full_name"], p["minutes"]) for p in body["people"]],
         expect=roles((200, [("Artist Test", [1440]), ("Vendor Test", [1440])]),
                      vendor=(200, [("Vendor Test", [1440])]), outsider=404)),
    # Casting: a link shows when its asset and its entity both do.
    Case("GET", "/api/entities/{entity_id}/casting", f"/api/entities/{SH0010}/casting",
         rows=lambda body: [c["asset"]["name"] for c in body["items"]],
         expect=roles((200, ["Anchor", "Crate"]), vendor=(200, ["Anchor"]), outsider=404)),
    Case("GET", "/api/entities/{entity_id}/casting", f"/api/entities/{SH0020}/casting",
         rows=lambda body: [c["asset"]["name"] for c in body["items"]],
         expect=roles((200, ["Bell"]), vendor=404, outsider=404)),
    Case("GET", "/api/assets/{asset_id}/cast-in", f"/api/assets/{ANCHOR}/cast-in",
         rows=lambda body: [c["entity"]["name"] for c in body["items"]],
         expect=roles((200, ["SQ010", "SH0010"]), outsider=404)),
    Case("GET", "/api/sequences/{sequence_id}/breakdown", f"/api/sequences/{SQ010}/breakdown",
         rows=lambda body: [(row["name"], [c["asset"] for c in row["casting"]])
                            for row in body["items"]],
         expect=roles((200, [("SH0010", ["Anchor", "Crate"]), ("SH0020", ["Bell"])]),
                      vendor=(200, [("SH0010", ["Anchor"])]), outsider=404)),
    # The asset grid as CSV: the assets and tasks each role sees.
    Case("GET", "/api/projects/{project_id}/assets.csv", f"/api/projects/{P1}/assets.csv",
         rows=lambda text: text.splitlines()[1:],
         expect=roles((200, ["Anchor,Prop,,wip,todo", "Bell,Prop,,wip,", "Crate,Prop,,,todo"]),
                      vendor=(200, ["Anchor,Prop,,,todo", "Bell,Prop,,wip,"]),
                      outsider=404)),
    Case("GET", "/api/projects/{project_id}/shots.csv", f"/api/projects/{P1}/shots.csv",
         rows=lambda text: text.splitlines()[1:],
         expect=roles((200, ["E01,SQ010,SH0010,1001,1048,,wip",
                             "E01,SQ010,SH0020,1001,1024,,todo"]),
                      vendor=(200, ["E01,SQ010,SH0010,1001,1048,,wip"]), outsider=404)),
    Case("GET", "/api/projects/{project_id}/tasks.csv", f"/api/projects/{P1}/tasks.csv",
         rows=lambda text: len(text.splitlines()) - 1,
         expect=roles((200, 6), vendor=(200, 3), outsider=404)),
    Case("GET", "/api/projects/{project_id}/casting.csv", f"/api/projects/{P1}/casting.csv",
         rows=lambda text: text.splitlines()[1:],
         expect=roles((200, ["E01,SQ010,,Prop,Anchor,1", "E01,SQ010,SH0010,Prop,Anchor,1",
                             "E01,SQ010,SH0010,Prop,Crate,2", "E01,SQ010,SH0020,Prop,Bell,1"]),
                      vendor=(200, ["E01,SQ010,,Prop,Anchor,1",
                                    "E01,SQ010,SH0010,Prop,Anchor,1"]),
                      outsider=404)),
    # Previews: whoever reads the comment (a client: not of an internal one).
    Case("GET", "/api/comments/{comment_id}/previews", f"/api/comments/{C_INTERNAL}/previews",
         rows=items(), expect=roles((200, [P_INTERNAL]), client=404, vendor=404, outsider=404)),
    Case("GET", "/api/tasks/{task_id}/previews", f"/api/tasks/{ANCHOR_MOD}/previews",
         rows=items(), expect=roles((200, [P_INTERNAL, P_PUBLIC]), client=(200, [P_PUBLIC]),
                                    vendor=404, outsider=404)),
    Case("GET", "/api/previews/{preview_id}", f"/api/previews/{P_INTERNAL}",
         rows=field_of("filename"),
         expect=roles((200, "internal.png"), client=404, vendor=404, outsider=404)),
    Case("GET", "/api/previews/{preview_id}/file", f"/api/previews/{P_PUBLIC}/file",
         rows=bytes, expect=roles((200, PUBLIC_PNG), vendor=404, outsider=404)),
    Case("GET", "/api/previews/{preview_id}/file", f"/api/previews/{P_INTERNAL}/file",
         rows=bytes, expect=roles((200, INTERNAL_PNG), client=404, vendor=404, outsider=404)),
    Case("GET", "/api/previews/{preview_id}/thumbnail", f"/api/previews/{P_INTERNAL}/thumbnail",
         rows=len, expect=roles((200, 9), client=404, vendor=404, outsider=404)),
    # A grid cell's thumbnail: the latest preview the principal may see.
    Case("GET", "/api/assets/{asset_id}", f"/api/assets/{ANCHOR}?fields=tasks.thumbnail_id",
         rows=lambda body: [t["thumbnail_id"] for t in body["tasks"]],
         expect=roles((200, [P_INTERNAL, None]), client=(200, [P_PUBLIC, None]),
                      vendor=(200, [None]), outsider=404)),
]  # fmt: skip

WRITES = [
    # -- New projects: global admins and managers.
    Case("POST", "/api/projects", "/api/projects", body={"name": "New", "code": "NEW"},
         expect=roles(403, admin=201, manager=201, outsider=201)),
    # -- Studio-wide data: admins only.
    Case("POST", "/api/departments", "/api/departments", body={"name": "FX"},
         expect=admins(201)),
    Case("PATCH", "/api/departments/{department_id}", f"/api/departments/{MODELING_DEPT}",
         body={"color": "#123456"}, expect=admins(200)),
    Case("DELETE", "/api/departments/{department_id}", f"/api/departments/{ANIMATION_DEPT}",
         expect=admins(409)),
    Case("POST", "/api/people", "/api/people",
         body={"first_name": "N", "last_name": "P", "email": "np@studio.test",
               "password": "long enough"},
         expect=admins(201)),
    Case("PATCH", "/api/people/{person_id}", f"/api/people/{ARTIST}", body={"active": False},
         expect=admins(200)),
    Case("DELETE", "/api/people/{person_id}", f"/api/people/{LENA}", expect=admins(204)),
    Case("POST", "/api/task-types", "/api/task-types",
         body={"name": "FX", "short_name": "fx", "for_entity": "shot"}, expect=admins(201)),
    Case("PATCH", "/api/task-types/{task_type_id}", f"/api/task-types/{RIG}",
         body={"color": "#123456"}, expect=admins(200)),
    Case("DELETE", "/api/task-types/{task_type_id}", f"/api/task-types/{RIG}",
         expect=admins(409)),
    Case("POST", "/api/task-statuses", "/api/task-statuses",
         body={"name": "Hold", "short_name": "hold"}, expect=admins(201)),
    Case("PATCH", "/api/task-statuses/{task_status_id}", f"/api/task-statuses/{DONE}",
         body={"color": "#123456"}, expect=admins(200)),
    Case("DELETE", "/api/task-statuses/{task_status_id}", f"/api/task-statuses/{DONE}",
         expect=admins(204)),
    Case("POST", "/api/asset-types", "/api/asset-types", body={"name": "Set"},
         expect=admins(201)),
    Case("PATCH", "/api/asset-types/{asset_type_id}", f"/api/asset-types/{PROP}",
         body={"name": "Props"}, expect=admins(200)),
    Case("DELETE", "/api/asset-types/{asset_type_id}", f"/api/asset-types/{PROP}",
         expect=admins(409)),
    # -- A project's own data: its managers (and admins).
    Case("PATCH", "/api/projects/{project_id}", f"/api/projects/{P1}", body={"name": "L"},
         expect=managers(200)),
    Case("PATCH", "/api/projects/{project_id}", f"/api/projects/{P2}", body={"name": "P"},
         expect=roles(404, admin=200, outsider=200)),
    # Allowed, then refused for holding entities: the permission is checked first.
    Case("DELETE", "/api/projects/{project_id}", f"/api/projects/{P1}", expect=managers(409)),
    Case("POST", "/api/projects/{project_id}/members", f"/api/projects/{P1}/members",
         body={"person_id": OUTSIDER, "role": "artist"}, expect=managers(201)),
    Case("PATCH", "/api/projects/{project_id}/members/{person_id}",
         f"/api/projects/{P1}/members/{ARTIST}", body={"role": "supervisor"},
         expect=managers(200)),
    Case("DELETE", "/api/projects/{project_id}/members/{person_id}",
         f"/api/projects/{P1}/members/{CLIENT}", expect=managers(204)),
    Case("PUT", "/api/projects/{project_id}/settings/task-types",
         f"/api/projects/{P1}/settings/task-types",
         body={"task_type_ids": [MOD, RIG, ANIM]}, expect=managers(200)),
    Case("PUT", "/api/projects/{project_id}/settings/task-statuses",
         f"/api/projects/{P1}/settings/task-statuses",
         body={"task_status_ids": [TODO, WIP, DONE]}, expect=managers(200)),
    Case("POST", "/api/projects/{project_id}/assets", f"/api/projects/{P1}/assets",
         body={"name": "Dory", "asset_type_id": PROP}, expect=managers(201)),
    Case("POST", "/api/projects/{project_id}/assets/bulk", f"/api/projects/{P1}/assets/bulk",
         body=[{"name": "Dory", "asset_type_id": PROP}], expect=managers(201)),
    Case("PATCH", "/api/assets/{asset_id}", f"/api/assets/{ANCHOR}", body={"description": "d"},
         expect=managers(200)),
    Case("DELETE", "/api/assets/{asset_id}", f"/api/assets/{CRATE}",
         expect=managers(204, vendor=404)),
    Case("POST", "/api/projects/{project_id}/episodes", f"/api/projects/{P1}/episodes",
         body={"name": "E02"}, expect=managers(201)),
    Case("POST", "/api/projects/{project_id}/episodes/bulk", f"/api/projects/{P1}/episodes/bulk",
         body=[{"name": "E02"}], expect=managers(201)),
    Case("PATCH", "/api/episodes/{episode_id}", f"/api/episodes/{E01}", body={"name": "E1"},
         expect=managers(200)),
    Case("DELETE", "/api/episodes/{episode_id}", f"/api/episodes/{E01}", expect=managers(409)),
    Case("POST", "/api/projects/{project_id}/sequences", f"/api/projects/{P1}/sequences",
         body={"name": "SQ020", "episode_id": E01}, expect=managers(201)),
    Case("POST", "/api/projects/{project_id}/sequences/bulk",
         f"/api/projects/{P1}/sequences/bulk", body=[{"name": "SQ020", "episode_id": E01}],
         expect=managers(201)),
    Case("PATCH", "/api/sequences/{sequence_id}", f"/api/sequences/{SQ010}",
         body={"name": "SQ1"}, expect=managers(200)),
    Case("DELETE", "/api/sequences/{sequence_id}", f"/api/sequences/{SQ010}",
         expect=managers(409)),
    Case("POST", "/api/projects/{project_id}/shots", f"/api/projects/{P1}/shots",
         body={"name": "SH0030", "sequence_id": SQ010, "frame_in": 1, "frame_out": 2},
         expect=managers(201)),
    Case("POST", "/api/projects/{project_id}/shots/bulk", f"/api/projects/{P1}/shots/bulk",
         body=[{"name": "SH0030", "sequence_id": SQ010, "frame_in": 1, "frame_out": 2}],
         expect=managers(201)),
    Case("PATCH", "/api/shots/{shot_id}", f"/api/shots/{SH0010}", body={"frame_out": 1050},
         expect=managers(200)),
    Case("DELETE", "/api/shots/{shot_id}", f"/api/shots/{SH0020}",
         expect=managers(204, vendor=404)),
    Case("POST", "/api/projects/{project_id}/tasks", f"/api/projects/{P1}/tasks",
         body={"task_type_id": MOD, "entity_ids": [CRATE]}, expect=managers(201)),
    Case("DELETE", "/api/tasks/{task_id}", f"/api/tasks/{CRATE_RIG}",
         expect=managers(204, vendor=404)),
    Case("POST", "/api/tasks/{task_id}/restore", f"/api/tasks/{ANCHOR_RIG}/restore",
         expect=managers(200)),
    Case("POST", "/api/assets/{asset_id}/restore", f"/api/assets/{ANCHOR}/restore",
         expect=managers(200)),
    Case("POST", "/api/assets/{asset_id}/restore", f"/api/assets/{CRATE}/restore",
         expect=managers(200, vendor=404)),
    Case("POST", "/api/episodes/{episode_id}/restore", f"/api/episodes/{E01}/restore",
         expect=managers(200)),
    Case("POST", "/api/sequences/{sequence_id}/restore", f"/api/sequences/{SQ010}/restore",
         expect=managers(200)),
    Case("POST", "/api/shots/{shot_id}/restore", f"/api/shots/{SH0010}/restore",
         expect=managers(200)),
    # -- Tasks: planning and assignees for managers and the department's
    # supervisor; status, comments and time also for the assignees.
    Case("PATCH", "/api/tasks/{task_id}", f"/api/tasks/{ANCHOR_MOD}", body={"priority": 2},
         expect=roles(403, admin=200, manager=200, supervisor=200, vendor=404, outsider=404)),
    # Rigging belongs to no department: not the supervisor's; seen but not the vendor's to plan.
    Case("PATCH", "/api/tasks/{task_id}", f"/api/tasks/{ANCHOR_RIG}", body={"priority": 2},
         expect=managers(200)),
    Case("PUT", "/api/tasks/{task_id}/assignees", f"/api/tasks/{ANCHOR_MOD}/assignees",
         body={"person_ids": [ARTIST, SUPERVISOR]},
         expect=roles(403, admin=200, manager=200, supervisor=200, vendor=404, outsider=404)),
    Case("POST", "/api/tasks/{task_id}/assignees", f"/api/tasks/{ANCHOR_MOD}/assignees",
         body={"person_ids": [SUPERVISOR]},
         expect=roles(403, admin=200, manager=200, supervisor=200, vendor=404, outsider=404)),
    Case("DELETE", "/api/tasks/{task_id}/assignees/{person_id}",
         f"/api/tasks/{ANCHOR_MOD}/assignees/{ARTIST}",
         expect=roles(403, admin=204, manager=204, supervisor=204, vendor=404, outsider=404)),
    # Done is not for artists (nor vendors) to set, but clients may.
    Case("POST", "/api/projects/{project_id}/tasks/status", f"/api/projects/{P1}/tasks/status",
         body={"task_ids": [ANCHOR_MOD], "task_status_id": DONE},
         expect=roles(200, artist=403, vendor=404, outsider=404)),
    Case("POST", "/api/projects/{project_id}/tasks/status", f"/api/projects/{P1}/tasks/status",
         body={"task_ids": [ANCHOR_RIG, BELL_MOD], "task_status_id": DONE},
         expect=roles(403, admin=200, manager=200, client=200, outsider=404)),
    Case("POST", "/api/projects/{project_id}/tasks/status", f"/api/projects/{P1}/tasks/status",
         body={"task_ids": [ANCHOR_RIG, BELL_MOD], "task_status_id": WIP},
         expect=roles(403, admin=200, manager=200, vendor=200, outsider=404)),
    Case("POST", "/api/tasks/{task_id}/comments", f"/api/tasks/{ANCHOR_MOD}/comments",
         body={"text": "Looking good"},
         expect=roles(201, vendor=404, client=403, outsider=404)),
    Case("POST", "/api/tasks/{task_id}/comments", f"/api/tasks/{ANCHOR_RIG}/comments",
         body={"text": "On it", "internal": True},
         expect=roles(403, admin=201, manager=201, vendor=201, outsider=404)),
    # Someone else's comment: its author and the managers only.
    Case("PATCH", "/api/comments/{comment_id}", f"/api/comments/{C_PUBLIC}", body={"text": "x"},
         expect=roles(403, admin=200, manager=200, artist=200, vendor=404, outsider=404)),
    Case("DELETE", "/api/comments/{comment_id}", f"/api/comments/{C_PUBLIC}",
         expect=roles(403, admin=204, manager=204, artist=204, vendor=404, outsider=404)),
    Case("POST", "/api/tasks/{task_id}/time-logs", f"/api/tasks/{ANCHOR_MOD}/time-logs",
         body={"day": "2025-03-04", "minutes": 30},
         expect=roles(201, vendor=404, client=403, outsider=404)),
    # A client sees no time log: 404, not 403.
    Case("PUT", "/api/time-logs/{time_log_id}", f"/api/time-logs/{T_ARTIST}",
         body={"day": "2025-03-05", "minutes": 45},
         expect=roles(403, admin=200, manager=200, artist=200, vendor=404, client=404,
                      outsider=404)),
    Case("DELETE", "/api/time-logs/{time_log_id}", f"/api/time-logs/{T_VENDOR}",
         expect=roles(403, admin=204, manager=204, vendor=204, client=404, outsider=404)),
    # -- The schedule: its managers.
    Case("POST", "/api/projects/{project_id}/milestones", f"/api/projects/{P1}/milestones",
         body={"date": "2025-07-01", "name": "Premiere"}, expect=managers(201)),
    Case("PATCH", "/api/milestones/{milestone_id}", f"/api/milestones/{M_DELIVERY}",
         body={"name": "Final delivery"}, expect=managers(200)),
    Case("DELETE", "/api/milestones/{milestone_id}", f"/api/milestones/{M_DELIVERY}",
         expect=managers(204)),
    # -- Casting: the project's managers.
    Case("PUT", "/api/entities/{entity_id}/casting", f"/api/entities/{SH0010}/casting",
         body={"assets": [{"asset_id": BELL}]}, expect=managers(200)),
    Case("POST", "/api/projects/{project_id}/casting", f"/api/projects/{P1}/casting",
         body={"links": [{"entity_id": SH0020, "asset_id": CRATE, "occurrences": 2}]},
         expect=managers(200)),
    Case("POST", "/api/projects/{project_id}/assets.csv",
         f"/api/projects/{P1}/assets.csv?dry_run=true",
         body=b"name,asset_type\nDory,Prop\n", headers={"content-type": "text/csv"},
         expect=managers(200)),
    Case("POST", "/api/projects/{project_id}/shots.csv",
         f"/api/projects/{P1}/shots.csv?dry_run=true",
         body=b"sequence,name,frame_in,frame_out\nSQ010,SH0990,1,2\n",
         headers={"content-type": "text/csv"}, expect=managers(200)),
    Case("POST", "/api/projects/{project_id}/tasks.csv",
         f"/api/projects/{P1}/tasks.csv?dry_run=true",
         body=b"entity_kind,entity,task_type\nasset,Anchor,Modeling\n",
         headers={"content-type": "text/csv"}, expect=managers(200)),
    Case("POST", "/api/people.csv", "/api/people.csv?dry_run=true",
         body=b"first_name,last_name,email\nNew,Hire,new.hire@studio.example\n",
         headers={"content-type": "text/csv"}, expect=admins(200)),
    Case("POST", "/api/projects/{project_id}/casting.csv",
         f"/api/projects/{P1}/casting.csv?dry_run=true",
         body=b"shot,sequence,asset\nSH0010,SQ010,Bell\n", expect=managers(200)),
    # -- Previews: whoever may change the comment.
    Case("POST", "/api/comments/{comment_id}/previews", f"/api/comments/{C_PUBLIC}/previews",
         body=PUBLIC_PNG[:8] + b"not quite", headers={"content-type": "image/png"},
         # Allowed, then refused as an unreadable image: the permission is checked first.
         expect=roles(403, admin=415, manager=415, artist=415, vendor=404, outsider=404)),
    Case("DELETE", "/api/previews/{preview_id}", f"/api/previews/{P_PUBLIC}",
         expect=roles(403, admin=204, manager=204, artist=204, vendor=404, outsider=404)),
    # -- One's own password, session and tokens. Nobody of the studio has a
    # password: the current one is refused for everyone alike.
    Case("POST", "/api/me/password", "/api/me/password",
         body={"current_password": "not this one", "new_password": "a new passphrase"},
         expect=roles(400)),
    Case("POST", "/api/auth/logout", "/api/auth/logout", expect=roles(204)),
    Case("POST", "/api/me/tokens", "/api/me/tokens", body={"name": "render farm"},
         expect=roles(201)),
    Case("DELETE", "/api/me/tokens/{token_id}", f"/api/me/tokens/{2_000_000_000}",
         expect=roles(404)),
    # -- Notifications: one's own; watching a task one sees.
    Case("POST", "/api/notifications/{event_id}/read", f"/api/notifications/{2_000_000_000}/read",
         expect=roles(404)),
    Case("POST", "/api/notifications/read", "/api/notifications/read", expect=roles(204)),
    Case("PUT", "/api/tasks/{task_id}/watch", f"/api/tasks/{ANCHOR_MOD}/watch",
         expect=roles(204, vendor=404, outsider=404)),
    Case("DELETE", "/api/tasks/{task_id}/watch", f"/api/tasks/{ANCHOR_MOD}/watch",
         expect=roles(204, vendor=404, outsider=404)),
]  # fmt: skip

CASES = READS + WRITES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rest(world: World, case: Case) -> None:
    answers: dict[str, Any] = {}
    for role in ROLES:
        response = world.call(role, case.method, case.url, case.body, case.headers)
        status = response.status_code
        if isinstance(case.expect[role], tuple):
            assert case.rows is not None
            kind = response.headers["content-type"]
            body = (
                response.json() if kind == "application/json"
                else response.text if kind.startswith("text/")
                else response.content
            )  # fmt: skip
            answers[role] = (status, case.rows(body) if status == 200 else None)
        else:
            answers[role] = status
        if status in {403, 404}:
            assert [p["type"] for p in response.json()["detail"]] == [RULES[status]], response.text
    assert answers == case.expect


def route_table(app: Any) -> set[tuple[str, str]]:
    """``(method, path)`` of every API route of the app, prefixes included
    (FastAPI keeps included routers' routes inside ``_IncludedRouter``)."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            candidates = [(route, getattr(route, "path", ""))]
        else:
            candidates = [(c.original_route, c.path) for c in contexts()]
        for candidate, path in candidates:
            if isinstance(candidate, APIRoute):
                found |= {(method, path) for method in candidate.methods or ()}
    return found


def test_every_route_is_in_the_matrix(world: World) -> None:
    public = {("POST", "/api/auth/login"), ("POST", "/api/auth/session"), ("GET", "/healthz")}
    graphql = {("GET", "/graphql"), ("POST", "/graphql")}
    routes = route_table(world.app) - public - graphql
    assert len(routes) > 70
    covered = {(case.method, case.route) for case in CASES}
    assert routes - covered == set()
    assert covered - routes == set()


# -- GraphQL -----------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A GraphQL operation: ``expect`` maps each role to the projected
    ``data``, or to an error code."""

    name: str
    query: str
    expect: dict[str, Any]
    variables: dict[str, Any] = field(default_factory=dict)
    rows: Project = lambda data: data


def _nodes(connection: Any) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


PROJECT_GRID = """query($id: ID!) { project(id: $id) {
    assets { name tasks { id } } shots { name sequence { name episode { name } } tasks { id } }
    assetCount shotCount progress { taskTypeShortName total } } }"""

FULL_GRID = {
    "assets": [
        {"name": "Anchor", "tasks": [{"id": str(ANCHOR_MOD)}, {"id": str(ANCHOR_RIG)}]},
        {"name": "Bell", "tasks": [{"id": str(BELL_MOD)}]},
        {"name": "Crate", "tasks": [{"id": str(CRATE_RIG)}]},
    ],
    "shots": [
        {"name": "SH0010", "sequence": {"name": "SQ010", "episode": {"name": "E01"}},
         "tasks": [{"id": str(SH0010_ANIM)}]},
        {"name": "SH0020", "sequence": {"name": "SQ010", "episode": {"name": "E01"}},
         "tasks": [{"id": str(SH0020_ANIM)}]},
    ],
    "assetCount": 3,
    "shotCount": 2,
    "progress": [{"taskTypeShortName": "mod", "total": 2},
                 {"taskTypeShortName": "rig", "total": 2},
                 {"taskTypeShortName": "anim", "total": 2}],
}  # fmt: skip
VENDOR_GRID = {
    "assets": [
        {"name": "Anchor", "tasks": [{"id": str(ANCHOR_RIG)}]},
        {"name": "Bell", "tasks": [{"id": str(BELL_MOD)}]},
    ],
    "shots": [
        {"name": "SH0010", "sequence": {"name": "SQ010", "episode": {"name": "E01"}},
         "tasks": [{"id": str(SH0010_ANIM)}]},
    ],
    "assetCount": 2,
    "shotCount": 1,
    "progress": [{"taskTypeShortName": "mod", "total": 1},
                 {"taskTypeShortName": "rig", "total": 1},
                 {"taskTypeShortName": "anim", "total": 1}],
}  # fmt: skip
TASK_DETAIL = """query($id: ID!) { task(id: $id) { id commentCount latestComment { id }
    comments { id internal } timeLogs { id } entity { name } project { code } } }"""
RIG_FULL = {
    "id": str(ANCHOR_RIG),
    "commentCount": 2,
    "latestComment": {"id": str(C_VENDOR_INTERNAL)},
    "comments": [
        {"id": str(C_VENDOR_INTERNAL), "internal": True},
        {"id": str(C_VENDOR), "internal": False},
    ],
    "timeLogs": [{"id": str(T_VENDOR)}],
    "entity": {"name": "Anchor"},
    "project": {"code": "LHK"},
}
RIG_CLIENT = {
    **RIG_FULL,
    "commentCount": 1,
    "latestComment": {"id": str(C_VENDOR)},
    "comments": [{"id": str(C_VENDOR), "internal": False}],
    "timeLogs": [],
}
ANY_EMAIL = [EMAILS[person] for person in sorted(EMAILS)]

OPERATIONS = [
    Operation("projects", "{ projects { code } }", rows=lambda d: [p["code"] for p in d["projects"]],
              expect=roles(["LHK"], admin=["LHK", "PPM"], outsider=["PPM"])),
    Operation("projectConnection", "{ projectConnection { totalCount edges { node { code } } } }",
              rows=lambda d: (d["projectConnection"]["totalCount"],
                              [n["code"] for n in _nodes(d["projectConnection"])]),
              expect=roles((1, ["LHK"]), admin=(2, ["LHK", "PPM"]), outsider=(1, ["PPM"]))),
    Operation("project grid", PROJECT_GRID, variables={"id": str(P1)},
              rows=lambda d: d["project"],
              expect=roles(FULL_GRID, vendor=VENDOR_GRID, outsider=None)),
    Operation("entityConnection",
              "{ entityConnection(order: [{id: ASC}]) { totalCount edges { node { name } } } }",
              rows=lambda d: [n["name"] for n in _nodes(d["entityConnection"])],
              expect=roles(["Anchor", "Bell", "Crate", "E01", "SQ010", "SH0010", "SH0020"],
                           admin=["Anchor", "Bell", "Crate", "E01", "SQ010", "SH0010", "SH0020",
                                  "Zed"],
                           vendor=["Anchor", "Bell", "E01", "SQ010", "SH0010"],
                           outsider=["Zed"])),
    Operation("entity", "query($id: ID!) { entity(id: $id) { name } }",
              variables={"id": str(CRATE)}, rows=lambda d: d["entity"],
              expect=roles({"name": "Crate"}, vendor=None, outsider=None)),
    Operation("taskConnection",
              "{ taskConnection(order: [{id: ASC}]) { totalCount edges { node { id } } } }",
              rows=lambda d: (d["taskConnection"]["totalCount"],
                              [int(n["id"]) for n in _nodes(d["taskConnection"])]),
              expect=roles((6, LHK_TASKS), admin=(7, [*LHK_TASKS, ZED_MOD]),
                           vendor=(3, VENDOR_TASKS), outsider=(1, [ZED_MOD]))),
    Operation("myTasks", "{ myTasks { id project { code } } }",
              rows=lambda d: [(int(t["id"]), t["project"]["code"]) for t in d["myTasks"]],
              expect=roles([], artist=[(ANCHOR_MOD, "LHK"), (CRATE_RIG, "LHK"),
                                       (SH0020_ANIM, "LHK")],
                           vendor=[(ANCHOR_RIG, "LHK"), (BELL_MOD, "LHK"), (SH0010_ANIM, "LHK")],
                           outsider=[(ZED_MOD, "PPM")])),
    Operation("task", TASK_DETAIL, variables={"id": str(ANCHOR_RIG)}, rows=lambda d: d["task"],
              expect=roles(RIG_FULL, client=RIG_CLIENT, outsider=None)),
    Operation("people", "{ people(order: [{id: ASC}]) { email } }",
              rows=lambda d: [p["email"] for p in d["people"]],
              expect=roles(ANY_EMAIL, client=[None] * len(ANY_EMAIL))),
    Operation("personConnection", "{ personConnection { totalCount } }",
              rows=lambda d: d["personConnection"]["totalCount"], expect=roles(8)),
    # A person's tasks: only those the principal sees.
    Operation("person", "query($id: ID!) { person(id: $id) { email tasks { id } } }",
              variables={"id": str(VENDOR)}, rows=lambda d: d["person"],
              expect=roles({"email": EMAILS[VENDOR],
                            "tasks": [{"id": str(t)} for t in VENDOR_TASKS]},
                           client={"email": None,
                                   "tasks": [{"id": str(t)} for t in VENDOR_TASKS]},
                           outsider={"email": EMAILS[VENDOR], "tasks": []})),
    Operation("vocabulary", "{ departments { name } taskTypes { id } taskStatuses { id } assetTypes { id } }",
              rows=lambda d: (len(d["departments"]), len(d["taskTypes"]), len(d["taskStatuses"]),
                              len(d["assetTypes"])),
              expect=roles((2, 3, 3, 1))),
    Operation("task time spent", "query($id: ID!) { task(id: $id) { timeSpent } }",
              variables={"id": str(ANCHOR_MOD)}, rows=lambda d: d["task"],
              expect=roles({"timeSpent": 60}, client={"timeSpent": None}, vendor=None,
                           outsider=None)),
    Operation("entity casting",
              "query($id: ID!) { entity(id: $id) { casting { asset { name } occurrences } } }",
              variables={"id": str(SH0010)}, rows=lambda d: d["entity"],
              expect=roles({"casting": [{"asset": {"name": "Anchor"}, "occurrences": 1},
                                        {"asset": {"name": "Crate"}, "occurrences": 2}]},
                           vendor={"casting": [{"asset": {"name": "Anchor"}, "occurrences": 1}]},
                           outsider=None)),
    Operation("task previews",
              """query($id: ID!) { task(id: $id) { thumbnailId
                  comments { previews { filename size } } } }""",
              variables={"id": str(ANCHOR_MOD)}, rows=lambda d: d["task"],
              expect=roles({"thumbnailId": str(P_INTERNAL),
                            "comments": [{"previews": [{"filename": "internal.png",
                                                        "size": len(INTERNAL_PNG)}]},
                                         {"previews": [{"filename": "public.png",
                                                        "size": len(PUBLIC_PNG)}]}]},
                           client={"thumbnailId": str(P_PUBLIC),
                                   "comments": [{"previews": [{"filename": "public.png",
                                                               "size": len(PUBLIC_PNG)}]}]},
                           vendor=None, outsider=None)),
    Operation("setTaskStatus",
              """mutation($task: ID!, $status: ID!) {
                  setTaskStatus(taskId: $task, statusId: $status, comment: {text: "done"}) {
                      id taskStatus { shortName } } }""",
              variables={"task": str(ANCHOR_MOD), "status": str(DONE)},
              rows=lambda d: d["setTaskStatus"]["taskStatus"]["shortName"],
              expect=roles("done", artist="FORBIDDEN", vendor="NOT_FOUND",
                           outsider="NOT_FOUND")),
    Operation("assignTask",
              """mutation($task: ID!, $who: ID!) {
                  assignTask(taskId: $task, add: [$who]) { assignees { id } } }""",
              variables={"task": str(ANCHOR_MOD), "who": str(SUPERVISOR)},
              rows=lambda d: [int(p["id"]) for p in d["assignTask"]["assignees"]],
              expect=roles("FORBIDDEN", admin=[SUPERVISOR, ARTIST],
                           manager=[SUPERVISOR, ARTIST], supervisor=[SUPERVISOR, ARTIST],
                           vendor="NOT_FOUND", outsider="NOT_FOUND")),
    Operation("project team", """query($id: ID!) { project(id: $id) {
                  members { person { id } projectRole } } }""",
              variables={"id": str(P1)},
              rows=lambda d: d["project"] and [(int(m["person"]["id"]), m["projectRole"])
                                               for m in d["project"]["members"]],
              expect=roles([(p, r.upper()) for p, r, _ in LHK_TEAM], outsider=None)),
    Operation("addProjectMember",
              """mutation($project: ID!, $who: ID!) {
                  addProjectMember(projectId: $project, personId: $who, role: ARTIST) {
                      members { person { id } } } }""",
              variables={"project": str(P1), "who": str(OUTSIDER)},
              rows=lambda d: len(d["addProjectMember"]["members"]),
              expect=roles("FORBIDDEN", admin=7, manager=7, outsider="NOT_FOUND")),
    Operation("setProjectMemberRole",
              """mutation($project: ID!, $who: ID!) {
                  setProjectMemberRole(projectId: $project, personId: $who, role: null) {
                      members { projectRole } } }""",
              variables={"project": str(P1), "who": str(LENA)},
              rows=lambda d: d["setProjectMemberRole"]["members"][-1]["projectRole"],
              expect=roles("FORBIDDEN", admin="ARTIST", manager="ARTIST", outsider="NOT_FOUND")),
    Operation("removeProjectMember",
              """mutation($project: ID!, $who: ID!) {
                  removeProjectMember(projectId: $project, personId: $who) {
                      members { person { id } } } }""",
              variables={"project": str(P1), "who": str(CLIENT)},
              rows=lambda d: len(d["removeProjectMember"]["members"]),
              expect=roles("FORBIDDEN", admin=5, manager=5, outsider="NOT_FOUND")),
    Operation("addComment",
              """mutation($task: ID!) {
                  addComment(taskId: $task, comment: {text: "ok", internal: true}) {
                      commentCount } }""",
              variables={"task": str(ANCHOR_RIG)},
              rows=lambda d: d["addComment"]["commentCount"],
              expect=roles("FORBIDDEN", admin=3, manager=3, vendor=3, outsider="NOT_FOUND")),
    # Notifications: one's own (the studio as built has none); watching a
    # task one sees.
    Operation("notifications", "{ notifications { read event { kind } } }",
              rows=lambda d: d["notifications"], expect=roles([])),
    Operation("unreadNotificationCount", "{ unreadNotificationCount }",
              rows=lambda d: d["unreadNotificationCount"], expect=roles(0)),
    Operation("markNotificationsRead", "mutation { markNotificationsRead }",
              rows=lambda d: d["markNotificationsRead"], expect=roles(0)),
    Operation("watchTask", "mutation($task: ID!) { watchTask(taskId: $task) }",
              variables={"task": str(ANCHOR_MOD)}, rows=lambda d: d["watchTask"],
              expect=roles(True, vendor="NOT_FOUND", outsider="NOT_FOUND")),
]  # fmt: skip


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.name for o in OPERATIONS])
def test_graphql(world: World, operation: Operation) -> None:
    answers = {}
    for role in ROLES:
        body = world.graphql(role, operation.query, operation.variables)
        if "errors" in body:
            [error] = body["errors"]
            answers[role] = error["extensions"]["code"]
        else:
            answers[role] = operation.rows(body["data"])
    assert answers == operation.expect


def test_every_graphql_root_field_is_in_the_matrix(world: World) -> None:
    schema = world.graphql(
        "admin",
        "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
    )["data"]["__schema"]
    fields = {f["name"] for kind in ("queryType", "mutationType") for f in schema[kind]["fields"]}
    used = " ".join(operation.query for operation in OPERATIONS)
    assert {name for name in fields if f"{name}(" not in used and f"{name} " not in used} == set()


def test_a_comment_for_someone_else_needs_a_manager(world: World) -> None:
    for who, expected in [("artist", 403), ("manager", 201)]:
        response = world.call(
            who,
            "POST",
            f"/api/tasks/{ANCHOR_MOD}/comments",
            {"text": "for you", "person_id": SUPERVISOR},
        )
        assert response.status_code == expected, response.text
    query = """mutation($task: ID!, $who: ID!) {
        addComment(taskId: $task, comment: {text: "x", authorId: $who}) { id } }"""
    body = world.graphql("artist", query, {"task": str(ANCHOR_MOD), "who": str(SUPERVISOR)})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    logged = world.call(
        "artist",
        "POST",
        f"/api/tasks/{ANCHOR_MOD}/time-logs",
        {"day": "2025-03-06", "minutes": 30, "person_id": SUPERVISOR},
    )
    assert (logged.status_code, logged.json()) == (
        403,
        refusal("forbidden", "you may not log time for someone else"),
    )


def test_a_membership_role_overrides_the_global_one(world: World) -> None:
    """Lena is an artist, and the animation supervisor of LHK: she plans the
    animation tasks there, not the others."""
    assert (
        world.call("lena", "PATCH", f"/api/tasks/{SH0020_ANIM}", {"priority": 1}).status_code == 200
    )
    assert (
        world.call("lena", "PATCH", f"/api/tasks/{ANCHOR_MOD}", {"priority": 1}).status_code == 403
    )
    me = world.call("lena", "GET", "/api/me").json()
    assert (me["id"], me["role"], me["projects"]) == (
        LENA,
        "artist",
        [{"project_id": P1, "role": "supervisor"}],
    )


def test_a_global_manager_manages_only_their_projects(world: World) -> None:
    """The outsider is a manager, of PPM: in charge there, a stranger to LHK."""
    assert (
        world.call("outsider", "PATCH", f"/api/assets/{ZED}", {"name": "Zeta"}).status_code == 200
    )
    assert (
        world.call("outsider", "PATCH", f"/api/assets/{ANCHOR}", {"name": "A"}).status_code == 404
    )


def test_a_manager_who_starts_a_project_is_its_manager(world: World) -> None:
    """The outsider, a global manager, starts a project: they see it at once
    (their memberships changed within the request), and they are its team."""
    with world.rolled_back():
        created = world.call("outsider", "POST", "/api/projects", {"name": "Tide", "code": "TDE"})
        assert created.status_code == 201, created.text
        new = created.json()["id"]
        me = world.call("outsider", "GET", "/api/me").json()
        assert {p["project_id"]: p["role"] for p in me["projects"]} == {
            P2: "manager",
            new: "manager",
        }
        assert world.call("outsider", "GET", f"/api/projects/{new}").status_code == 200
        assert world.call("manager", "GET", f"/api/projects/{new}").status_code == 404
        # An admin sees every project without joining it.
        by_admin = world.call("admin", "POST", "/api/projects", {"name": "Dune", "code": "DUN"})
        assert by_admin.status_code == 201
        assert world.call("admin", "GET", "/api/me").json()["projects"] == []


def test_a_project_role_does_not_make_a_studio_manager(world: World) -> None:
    """Lena supervises LHK; a manager role on one project would not let her
    start projects either: the global role decides."""
    with world.rolled_back():
        world.call("admin", "PATCH", f"/api/people/{LENA}", {"role": "artist"})
        with world.sessions()() as session:
            session.execute(
                update(ProjectMember)
                .where(ProjectMember.person_id == LENA)
                .values(role=Role.MANAGER)
            )
            session.commit()
        refused = world.call("lena", "POST", "/api/projects", {"name": "Mine", "code": "MNE"})
        assert (refused.status_code, refused.json()) == (
            403,
            refusal("forbidden", "only admins and managers can create projects"),
        )
