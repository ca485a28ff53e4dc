"""A small studio with one person per role, for the access tests.

Ids are explicit (and far from 1, so rows the tests create get ids of their
own on every dialect), so that URLs and expected rows read as names.

Project LHK (``P1``): members manager, supervisor and artist (both of the
Modeling department), vendor and client, plus Lena, a global artist who
supervises LHK (a membership's role overrides the global one). The admin is
on no project. Outsider is a global *manager*, of project PPM (``P2``) only.

======== ========= ===================== ======================================
entity   kind      task (type, status)   assigned to / comments / time
======== ========= ===================== ======================================
Anchor   asset     ANCHOR_MOD mod wip    artist; C_PUBLIC (artist),
                                         C_INTERNAL (supervisor, internal);
                                         T_ARTIST
                   ANCHOR_RIG rig todo   vendor; C_VENDOR (vendor),
                                         C_VENDOR_INTERNAL (manager, internal);
                                         T_VENDOR
Bell     asset     BELL_MOD mod wip      vendor
Crate    asset     CRATE_RIG rig todo    artist
E01      episode
SQ010    sequence  (in E01)
SH0010   shot      SH0010_ANIM anim wip  vendor
SH0020   shot      SH0020_ANIM anim todo artist
Zed      asset P2  ZED_MOD mod wip       outsider; C_ZED; T_ZED
======== ========= ===================== ======================================

Every task is estimated at 480 minutes and due on a day of the week of
Monday 2025-03-10 (in the order of the table); LHK has one milestone,
``M_DELIVERY``. Casting: SH0010 has Anchor and Crate (twice), SH0020 Bell,
SQ010 Anchor: the vendor sees Anchor in SH0010 and SQ010, nothing else.
Previews: ``P_PUBLIC`` on C_PUBLIC (by the artist) and ``P_INTERNAL`` on
C_INTERNAL, with their bytes (and a thumbnail each) in the store given to
:func:`build`; ANCHOR_MOD's latest thumbnail is P_INTERNAL, its latest
public one P_PUBLIC.

So the vendor sees Anchor (only its rig task), Bell, SH0010 and, above that
shot, SQ010 and E01; not Crate nor SH0020. Modeling is the supervisor's
department, rigging nobody's, animation Lena's. Statuses todo and wip may be
set by artists (and vendors), done only by clients (and those who plan the
task).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shotline import models as m
from shotline.storage import LocalStore

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)

MODELING_DEPT, ANIMATION_DEPT = 1001, 1002
ADMIN, MANAGER, SUPERVISOR, ARTIST, VENDOR, CLIENT, OUTSIDER, LENA = range(1101, 1109)
MOD, RIG, ANIM = 1201, 1202, 1203
TODO, WIP, DONE = 1301, 1302, 1303
PROP = 1401
P1, P2 = 1501, 1502
ANCHOR, BELL, CRATE = 1601, 1602, 1603
E01, SQ010, SH0010, SH0020 = 1611, 1612, 1613, 1614
ZED = 1621
ANCHOR_MOD, ANCHOR_RIG, BELL_MOD, CRATE_RIG, SH0010_ANIM, SH0020_ANIM, ZED_MOD = range(1701, 1708)
C_PUBLIC, C_INTERNAL, C_VENDOR, C_VENDOR_INTERNAL, C_ZED = range(1801, 1806)
T_ARTIST, T_VENDOR, T_ZED = 1901, 1902, 1903
M_DELIVERY = 1951
P_PUBLIC, P_INTERNAL = 1961, 1962
PUBLIC_PNG = b"\x89PNG\r\n\x1a\n public preview"
INTERNAL_PNG = b"\x89PNG\r\n\x1a\n internal preview"
MISSING = 2_000_000_000

ROLES = ("admin", "manager", "supervisor", "artist", "vendor", "client", "outsider")
PEOPLE = {
    "admin": ADMIN,
    "manager": MANAGER,
    "supervisor": SUPERVISOR,
    "artist": ARTIST,
    "vendor": VENDOR,
    "client": CLIENT,
    "outsider": OUTSIDER,
    "lena": LENA,
}
EMAILS = {person: f"{name}@studio.test" for name, person in PEOPLE.items()}


def _stored(store: LocalStore, data: bytes) -> str:
    incoming = store.receive()
    incoming.write(data)
    incoming.close()
    incoming.keep()
    return incoming.digest()


def build(engine: Engine, store: LocalStore) -> None:
    """Insert the studio (see the module docstring)."""
    with Session(engine) as session:
        session.add_all(
            [
                m.Department(id=MODELING_DEPT, name="Modeling"),
                m.Department(id=ANIMATION_DEPT, name="Animation"),
            ]
        )
        session.flush()
        for name, (role, department) in {
            "admin": (m.Role.ADMIN, None),
            "manager": (m.Role.MANAGER, None),
            "supervisor": (m.Role.SUPERVISOR, MODELING_DEPT),
            "artist": (m.Role.ARTIST, MODELING_DEPT),
            "vendor": (m.Role.VENDOR, None),
            "client": (m.Role.CLIENT, None),
            "outsider": (m.Role.MANAGER, None),
            "lena": (m.Role.ARTIST, ANIMATION_DEPT),
        }.items():
            session.add(
                m.Person(
                    id=PEOPLE[name],
                    first_name=name.capitalize(),
                    last_name="Test",
                    email=EMAILS[PEOPLE[name]],
                    role=role,
                    department_id=department,
                    created_at=T0,
                )
            )
        session.add_all(
            [
                m.TaskType(
                    id=MOD,
                    name="Modeling",
                    short_name="mod",
                    for_entity=m.ForEntity.ASSET,
                    department_id=MODELING_DEPT,
                ),
                m.TaskType(id=RIG, name="Rigging", short_name="rig", for_entity=m.ForEntity.ASSET),
                m.TaskType(
                    id=ANIM,
                    name="Animation",
                    short_name="anim",
                    for_entity=m.ForEntity.SHOT,
                    department_id=ANIMATION_DEPT,
                ),
                m.TaskStatus(id=TODO, name="Todo", short_name="todo"),
                m.TaskStatus(id=WIP, name="WIP", short_name="wip", is_wip=True),
                # Workflow rules: artists and vendors may not set Done, clients may.
                m.TaskStatus(
                    id=DONE,
                    name="Done",
                    short_name="done",
                    is_done=True,
                    is_artist_allowed=False,
                    is_client_allowed=True,
                ),
                m.AssetType(id=PROP, name="Prop"),
            ]
        )
        session.flush()
        projects: list[tuple[int, str, list[int], dict[int, m.Role | None]]] = [
            (
                P1,
                "LHK",
                [MOD, RIG, ANIM],
                {
                    MANAGER: None,
                    SUPERVISOR: None,
                    ARTIST: None,
                    VENDOR: None,
                    CLIENT: None,
                    LENA: m.Role.SUPERVISOR,
                },
            ),
            (P2, "PPM", [MOD], {OUTSIDER: None}),
        ]
        for ident, code, types, members in projects:
            project = m.Project(id=ident, name=code, code=code, created_at=T0)
            project.task_type_links = [
                m.ProjectTaskType(task_type_id=t, position=i) for i, t in enumerate(types)
            ]
            project.task_status_links = [
                m.ProjectTaskStatus(task_status_id=s, position=i)
                for i, s in enumerate([TODO, WIP, DONE])
            ]
            project.members = [
                m.ProjectMember(person_id=person, role=role) for person, role in members.items()
            ]
            session.add(project)
        session.flush()

        def entity(
            model: type[m.Entity], ident: int, name: str, project: int = P1, **more: object
        ) -> None:
            session.add(
                model(id=ident, project_id=project, name=name, created_at=T0, updated_at=T0, **more)
            )
            session.flush()

        entity(m.Asset, ANCHOR, "Anchor", asset_type_id=PROP)
        entity(m.Asset, BELL, "Bell", asset_type_id=PROP)
        entity(m.Asset, CRATE, "Crate", asset_type_id=PROP)
        entity(m.Episode, E01, "E01")
        entity(m.Sequence, SQ010, "SQ010", episode_id=E01)
        entity(m.Shot, SH0010, "SH0010", sequence_id=SQ010, frame_in=1001, frame_out=1048)
        entity(m.Shot, SH0020, "SH0020", sequence_id=SQ010, frame_in=1001, frame_out=1024)
        entity(m.Asset, ZED, "Zed", project=P2, asset_type_id=PROP)

        for number, (ident, entity_id, task_type, status, assignee) in enumerate(
            [
                (ANCHOR_MOD, ANCHOR, MOD, WIP, ARTIST),
                (ANCHOR_RIG, ANCHOR, RIG, TODO, VENDOR),
                (BELL_MOD, BELL, MOD, WIP, VENDOR),
                (CRATE_RIG, CRATE, RIG, TODO, ARTIST),
                (SH0010_ANIM, SH0010, ANIM, WIP, VENDOR),
                (SH0020_ANIM, SH0020, ANIM, TODO, ARTIST),
                (ZED_MOD, ZED, MOD, WIP, OUTSIDER),
            ]
        ):
            task = m.Task(
                id=ident,
                project_id=P2 if entity_id == ZED else P1,
                entity_id=entity_id,
                task_type_id=task_type,
                task_status_id=status,
                estimate=480,
                due_date=dt.date(2025, 3, 10) + dt.timedelta(days=number),
                created_at=T0,
                updated_at=T0,
            )
            task.assignees = [session.get_one(m.Person, assignee)]
            session.add(task)
        session.flush()
        for hour, (ident, task_id, author, internal) in enumerate(
            [
                (C_PUBLIC, ANCHOR_MOD, ARTIST, False),
                (C_INTERNAL, ANCHOR_MOD, SUPERVISOR, True),
                (C_VENDOR, ANCHOR_RIG, VENDOR, False),
                (C_VENDOR_INTERNAL, ANCHOR_RIG, MANAGER, True),
                (C_ZED, ZED_MOD, OUTSIDER, False),
            ]
        ):
            session.add(
                m.Comment(
                    id=ident,
                    task_id=task_id,
                    person_id=author,
                    text=f"comment {ident}",
                    internal=internal,
                    created_at=T0 + dt.timedelta(hours=hour),
                )
            )
        session.add(
            m.Milestone(
                id=M_DELIVERY,
                project_id=P1,
                date=dt.date(2025, 6, 2),
                name="Delivery",
                created_at=T0,
            )
        )
        session.add_all(
            m.Casting(project_id=P1, entity_id=entity, asset_id=asset, occurrences=count)
            for entity, asset, count in [
                (SH0010, ANCHOR, 1),
                (SH0010, CRATE, 2),
                (SH0020, BELL, 1),
                (SQ010, ANCHOR, 1),
            ]
        )
        session.flush()
        for ident, comment, author, name, data in [
            (P_PUBLIC, C_PUBLIC, ARTIST, "public.png", PUBLIC_PNG),
            (P_INTERNAL, C_INTERNAL, SUPERVISOR, "internal.png", INTERNAL_PNG),
        ]:
            session.add(
                m.Preview(
                    id=ident,
                    comment_id=comment,
                    task_id=ANCHOR_MOD,
                    person_id=author,
                    filename=name,
                    content_type="image/png",
                    size=len(data),
                    sha256=_stored(store, data),
                    thumbnail_sha256=_stored(store, data[:8] + b"t"),
                    created_at=T0,
                )
            )
        session.flush()
        anchor_mod = session.get_one(m.Task, ANCHOR_MOD)
        anchor_mod.thumbnail_id, anchor_mod.public_thumbnail_id = P_INTERNAL, P_PUBLIC
        for ident, task_id, person in [
            (T_ARTIST, ANCHOR_MOD, ARTIST),
            (T_VENDOR, ANCHOR_RIG, VENDOR),
            (T_ZED, ZED_MOD, OUTSIDER),
        ]:
            session.add(
                m.TimeLog(id=ident, task_id=task_id, person_id=person, day=T0.date(), minutes=60)
            )
        session.commit()
