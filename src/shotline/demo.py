"""A realistic, deterministic demo production, generated fast.

The demo is what people first see of Shotline and what benchmarks and API
tests run against, so it must look like a real production (names, pipeline
order, statuses that make sense for where an entity is in the pipeline,
comments that follow the status history, time logged on worked days) and be
the same for a given seed (and week: see :func:`demo_monday`). It must also be quick at benchmark scale (75,000
tasks): rows are built as plain dicts with pre-assigned ids and written with
bulk Core inserts, never object by object through the ORM.

One member of the main production per role can sign in, as
``<role>@shotline.test`` (``admin@shotline.test`` … ``client@shotline.test``)
with the password :data:`DEMO_PASSWORD`: the studio's admin, a production
manager, a supervisor, an artist and a vendor with tasks assigned to them,
and the client who follows the film. Some notes are internal (studio talk
clients do not see).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret
from PIL import Image, ImageColor, ImageDraw
from sqlalchemy import Connection, Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session

from shotline.models import (
    Asset,
    AssetType,
    Base,
    Casting,
    Comment,
    Department,
    Entity,
    Episode,
    Milestone,
    Person,
    Project,
    ProjectMember,
    ProjectTaskStatus,
    ProjectTaskType,
    Role,
    Sequence,
    Shot,
    Task,
    TaskStatus,
    TaskType,
    TimeLog,
    task_assignee,
)
from shotline.models.entities import name_key
from shotline.services import previews as previews_service
from shotline.storage import BlobStore

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(table_name, rows_written, rows_total)`` after each batch."""

BATCH_SIZE = 10_000
TODAY = dt.date(2025, 10, 6)
"""The Monday the demo is laid out around: its "now" before it is moved to
the latest Monday whose day has passed when it is created (see :func:`demo_monday`)."""


ScaleName = Literal["small", "medium", "large"]


@dataclass(frozen=True)
class Scale:
    """Size of the main project and of the crew that makes it.

    ``assets`` and ``shots`` count live entities: about one shot in a hundred
    is generated on top of them and soft-deleted (omitted from the edit).
    """

    assets: int
    shots: int
    episodes: int
    sequences_per_episode: int
    artists_per_department: int
    vendors: int
    managers: int


SCALES: dict[ScaleName, Scale] = {
    "small": Scale(100, 200, 2, 4, 2, 2, 1),
    "medium": Scale(2_000, 4_000, 10, 8, 6, 4, 2),
    "large": Scale(5_000, 10_000, 26, 8, 12, 6, 3),
}
"""The second project (a short film) is the same at every scale."""


class DemoError(RuntimeError):
    """The demo cannot be created (unknown scale, database not empty)."""


# --- The studio's vocabulary -------------------------------------------------

PRODUCTION = "Production"
DEPARTMENTS = {
    "Story": "#E67E22",
    "Concept Art": "#8E44AD",
    "Modeling": "#2980B9",
    "Surfacing": "#16A085",
    "Rigging": "#D35400",
    "Layout": "#7F8C8D",
    "Animation": "#27AE60",
    "FX": "#C0392B",
    "Lighting": "#F1C40F",
    "Compositing": "#34495E",
    PRODUCTION: "#95A5A6",
}


@dataclass(frozen=True)
class Step:
    name: str
    short_name: str
    color: str
    department: str
    for_entity: str
    days: float
    """Typical working days, for estimates and schedules."""


STEPS = [
    Step("Concept", "cpt", "#8E44AD", "Concept Art", "asset", 2),
    Step("Modeling", "mod", "#2980B9", "Modeling", "asset", 4),
    Step("Texturing", "tex", "#1ABC9C", "Surfacing", "asset", 3),
    Step("Rigging", "rig", "#D35400", "Rigging", "asset", 4),
    Step("Shading", "shd", "#16A085", "Surfacing", "asset", 2),
    Step("Storyboard", "stb", "#E67E22", "Story", "shot", 1),
    Step("Layout", "lay", "#7F8C8D", "Layout", "shot", 1),
    Step("Animation", "anim", "#27AE60", "Animation", "shot", 4),
    Step("FX", "fx", "#C0392B", "FX", "shot", 3),
    Step("Lighting", "lgt", "#F1C40F", "Lighting", "shot", 2),
    Step("Compositing", "comp", "#34495E", "Compositing", "shot", 1.5),
]

TODO, READY, WIP, REVIEW, RETAKE, HOLD, DONE = (
    "Todo",
    "Ready",
    "WIP",
    "Pending review",
    "Retake",
    "On hold",
    "Done",
)
STATUSES = [
    # name, short name, color, is_done, is_wip, is_retake
    (TODO, "todo", "#A0A0A0", False, False, False),
    (READY, "ready", "#5DADE2", False, False, False),
    (WIP, "wip", "#3273DC", False, True, False),
    (REVIEW, "wfa", "#AB26FF", False, False, False),
    (RETAKE, "retake", "#FF3860", False, False, True),
    (HOLD, "hold", "#8E8E8E", False, False, False),
    (DONE, "done", "#22D160", True, False, False),
]
ARTIST_STATUSES = {TODO, WIP, REVIEW}
"""The workflow rules: artists start work and ask for review; approving,
asking for a retake, holding or readying work is for supervisors and
production, and clients give their verdict on what they review."""
CLIENT_STATUSES = {RETAKE, DONE}
IN_FLIGHT_WEIGHTS = {READY: 15, WIP: 45, REVIEW: 22, RETAKE: 13, HOLD: 5}
"""How the step an entity is at is distributed among statuses."""

ASSET_TYPES = ["Character", "Prop", "Set", "Environment", "Vehicle", "FX"]


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    code: str
    fps: float
    start: dt.date
    end: dt.date
    steps: list[str]
    statuses: list[str]
    client: int
    """Which of the studio's clients follows the project."""
    promoted_lead: str | None = None
    """A department that an artist leads on this project (a per-project role
    override) instead of the studio supervisor."""


MAIN = ProjectSpec(
    "The Lighthouse Keepers",
    "LHK",
    24,
    dt.date(2025, 1, 6),
    dt.date(2026, 6, 26),
    [
        *("Concept", "Modeling", "Texturing", "Rigging", "Shading"),
        *("Layout", "Animation", "FX", "Lighting", "Compositing"),
    ],
    [TODO, READY, WIP, REVIEW, RETAKE, HOLD, DONE],
    client=0,
)
SHORT = ProjectSpec(
    "Paper Moon",
    "PPM",
    25,
    dt.date(2025, 4, 7),
    dt.date(2025, 12, 19),
    ["Modeling", "Shading", "Storyboard", "Animation", "Lighting", "Compositing"],
    [TODO, WIP, REVIEW, RETAKE, DONE],
    client=1,
    promoted_lead="Animation",
)
SHORT_ASSETS, SHORT_SEQUENCES, SHORT_SHOTS = 24, 3, 36

MILESTONES = [
    # share of the project's span, name, task type (or None: the whole project)
    (0.0, "Kick-off", None),
    (0.2, "Character designs approved", "Concept"),
    (0.35, "Asset lock", "Modeling"),
    (0.5, "Animatic lock", "Layout"),
    (0.5, "Client review", None),
    (0.75, "Animation lock", "Animation"),
    (0.9, "Final lighting", "Lighting"),
    (1.0, "Delivery", None),
]
"""The schedule of each project: milestones spread over its dates (those about
a task type the project does not use are left out)."""

EPISODE_TITLES = [
    "The Crossing",
    "Lamp Oil",
    "The Fog Bell",
    "Salt and Iron",
    "A Gull Named Moss",
    "Storm Warning",
    "The Drowned Bell",
    "Low Tide",
    "Keeper's Log",
    "The Wreck of the Marigold",
    "Lantern Festival",
    "Beacon",
    "The Silent Horn",
    "Northern Lights",
    "The Lost Chart",
    "Driftwood",
    "The Inspector",
    "High Water",
    "The Long Night",
    "Signal Flags",
    "The Stowaway",
    "Midwinter",
    "Ghost Light",
    "The Last Ferry",
    "Homecoming",
    "Tomorrow's Tide",
]

FIRST_NAMES = [
    "Amélie",
    "Jonas",
    "Priya",
    "Mateo",
    "Sofia",
    "Kenji",
    "Léa",
    "Oluwaseun",
    "Marta",
    "Tomasz",
    "Chloé",
    "Arjun",
    "Ingrid",
    "Rafael",
    "Yuki",
    "Nadia",
    "Elias",
    "Camille",
    "Dmitri",
    "Aisha",
    "Lucas",
    "Hannah",
    "Mei",
    "Baptiste",
    "Zainab",
    "Felix",
    "Clara",
    "Santiago",
    "Noor",
    "Hugo",
    "Emma",
    "Tariq",
    "Julia",
    "Mathis",
    "Freya",
    "Diego",
    "Anaïs",
    "Kwame",
    "Lena",
    "Bruno",
    "Inès",
    "Pavel",
    "Sara",
    "Matteo",
    "Zoé",
    "Omar",
    "Elif",
    "Théo",
    "Greta",
    "Ravi",
    "Manon",
    "Ahmed",
    "Astrid",
    "Nicolás",
    "Louise",
    "Jakub",
    "Rosa",
    "Samuel",
    "Maya",
    "Adrien",
    "Lucía",
    "Viktor",
    "Alice",
    "Kofi",
    "Juliette",
    "Emil",
    "Chiara",
    "Hamza",
    "Iris",
]
LAST_NAMES = [
    "Martin",
    "Okafor",
    "Sharma",
    "García",
    "Rossi",
    "Tanaka",
    "Dubois",
    "Kowalski",
    "Nguyen",
    "Müller",
    "Silva",
    "Haddad",
    "Andersen",
    "Moreau",
    "Fernández",
    "Kim",
    "Lefèvre",
    "Novak",
    "Bianchi",
    "Mensah",
    "Laurent",
    "Costa",
    "Yilmaz",
    "Schmidt",
    "Petit",
    "Ivanova",
    "Johansson",
    "Rahman",
    "Girard",
    "Romano",
    "Adeyemi",
    "Fontaine",
    "Horvat",
    "Lindqvist",
    "Suzuki",
    "Castillo",
    "Bernard",
    "Mercier",
    "Nakamura",
    "Ferrari",
    "Ortiz",
    "Chevalier",
    "Popescu",
    "Wójcik",
    "Duarte",
    "Roux",
    "Bakker",
    "Dimitrov",
    "Olsen",
    "Leroy",
    "Tran",
    "Benali",
    "Carvalho",
    "Weber",
    "Jansen",
    "Gauthier",
    "Kaur",
    "Moretti",
]

CHARACTERS = [
    "Mira",
    "Grandpa Tobias",
    "Captain Ada",
    "Finn",
    "Old Marguerite",
    "Moss the Gull",
    "Inspector Crane",
    "Nell",
    "Brother Ansel",
    "Mayor Pike",
    "Widow Harrow",
    "Jonah",
    "Pip",
    "Doctor Vane",
    "The Ferryman",
    "Lottie",
    "Silas",
    "Aunt Berta",
    "Rook",
    "Hester",
]
CHARACTER_VARIANTS = ["", "Young", "Storm Gear", "Winter Coat", "Night Clothes", "Wet"]
EXTRAS = ["Villager", "Fisherman", "Sailor", "Market Vendor", "Child", "Dock Worker"]
PROP_ADJECTIVES = [
    "Brass",
    "Rusty",
    "Wooden",
    "Broken",
    "Old",
    "Glass",
    "Iron",
    "Painted",
    "Copper",
    "Silver",
    "Small",
    "Large",
]
PROP_NOUNS = [
    "Lantern",
    "Compass",
    "Telescope",
    "Bucket",
    "Rope Coil",
    "Anchor",
    "Oar",
    "Barrel",
    "Crate",
    "Chair",
    "Table",
    "Oil Lamp",
    "Kettle",
    "Sea Chart",
    "Logbook",
    "Bell",
    "Fishing Net",
    "Hook",
    "Key",
    "Clock",
    "Spyglass",
    "Mug",
    "Bottle",
    "Candle",
    "Mirror",
    "Trunk",
    "Ladder",
    "Sign",
    "Flag",
    "Basket",
]
SETS = [
    "Lighthouse Interior",
    "Lamp Room",
    "Lighthouse Gallery",
    "Keeper's Cottage",
    "Harbor Market",
    "Fish Cannery",
    "Town Square",
    "Chapel",
    "Tavern",
    "Boathouse",
    "School Room",
    "Post Office",
    "Pier",
    "Customs House",
    "Shipwright's Yard",
    "Cellar",
]
ENVIRONMENTS = [
    "Coastal Cliffs",
    "Open Sea",
    "Pine Forest",
    "Tidal Flats",
    "Rocky Cove",
    "Sand Dunes",
    "Harbor Bay",
    "Island Meadow",
    "Sea Caves",
    "Salt Marsh",
    "Fjord",
    "Reef",
]
SET_VARIANTS = ["", "Night", "Storm", "Winter", "Dawn", "Fog"]
VEHICLES = [
    "Fishing Boat",
    "Rowboat",
    "Steam Ferry",
    "Bicycle",
    "Horse Cart",
    "Seaplane",
    "Delivery Van",
    "Tugboat",
    "Sailboat",
    "Lifeboat",
    "Mail Boat",
    "Steam Train",
]
VEHICLE_VARIANTS = ["", "Wrecked", "Damaged", "Night Lights"]
EFFECTS = [
    "Ocean Spray",
    "Heavy Rain",
    "Drizzle",
    "Fog Bank",
    "Lightning",
    "Campfire",
    "Chimney Smoke",
    "Sea Foam",
    "Splash",
    "Snowfall",
    "Dust Motes",
    "Sparks",
    "Fireflies",
    "Waterfall",
    "Lamp Beam",
    "Waves",
]
EFFECT_VARIANTS = ["", "Loop", "Large", "Small", "Night"]
ASSET_MIX = {
    "Character": 0.18,
    "Prop": 0.40,
    "Set": 0.14,
    "Environment": 0.10,
    "Vehicle": 0.08,
    "FX": 0.10,
}

COMMENTS = {
    WIP: [
        "Starting on this.",
        "Picking this up now.",
        "First pass in progress, will post a WIP by tomorrow.",
        "On it. Using the latest references from the wiki.",
        "Blocking started.",
    ],
    REVIEW: [
        "Ready for review, v{version:03d} published.",
        "v{version:03d} is up for review.",
        "Addressed the notes, please have a look at v{version:03d}.",
        "Submitted v{version:03d} for dailies.",
    ],
    RETAKE: [
        "The silhouette does not read in the wide shot, please push it further.",
        "Timing feels rushed in the middle, give it a few more frames.",
        "Close, but the scale is off compared with the set. See the paint-over.",
        "Too much contrast on the left side, match the key shot.",
        "Edges are too clean, it needs more wear and weathering.",
        "Notes from dailies attached, mostly small fixes.",
    ],
    HOLD: [
        "Holding this until the edit is locked.",
        "On hold: waiting for the client's feedback on the design.",
        "Paused, priorities changed for this week.",
    ],
    DONE: [
        "Approved, nice work!",
        "Looks great, approved.",
        "Approved in dailies.",
        "Final. Thanks!",
    ],
}
NOTES = [
    "References updated on the wiki.",
    "Check the latest animatic before going further.",
    "Reminder: the deadline for this one moved to Friday.",
    "Publishing a turntable for the team.",
    "Cache exported to the shared drive.",
    "Reused the setup from the previous episode.",
]
INTERNAL_NOTES = {
    "Reminder: the deadline for this one moved to Friday.",
    "Cache exported to the shared drive.",
    "Reused the setup from the previous episode.",
}
"""Studio talk: these notes (never a status change, which is the task's
history) are internal comments, which clients do not see."""

DEMO_PASSWORD = "shotline-demo"
"""The password of the demo's sign-in accounts (see the module docstring)."""
DEMO_DOMAIN = "shotline.test"
DEMO_ROLES = [Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.ARTIST, Role.VENDOR, Role.CLIENT]


def demo_email(role: Role) -> str:
    """The email a demo account of ``role`` signs in with."""
    return f"{role.value}@{DEMO_DOMAIN}"


@cache
def demo_password_hash() -> str:
    """The Argon2id hash of :data:`DEMO_PASSWORD`, computed once.

    Its salt is fixed so that a seed always gives the same rows (the
    password is public anyway); the parameters are argon2-cffi's defaults,
    so signing in verifies it like any other hash.
    """
    defaults = PasswordHasher()
    encoded = hash_secret(
        DEMO_PASSWORD.encode(),
        b"shotline-demo-salt",
        time_cost=defaults.time_cost,
        memory_cost=defaults.memory_cost,
        parallelism=defaults.parallelism,
        hash_len=defaults.hash_len,
        type=Type.ID,
    )
    return encoded.decode()


# --- Generation -----------------------------------------------------------------


@dataclass
class _Member:
    person_id: int
    department: str | None
    role: Role


@dataclass
class _ProjectState:
    """What generating a project's entities needs to know about the project.

    Members are all added before any task, so who works in (and who reviews
    for) a department is worked out once per department, not once per task.
    """

    spec: ProjectSpec
    id: int
    steps: dict[str, list[Step]]
    status_ids: dict[str, int]
    members: list[_Member] = field(default_factory=list)
    _pools: dict[str, list[int]] = field(default_factory=dict)
    _reviewers: dict[str, list[int]] = field(default_factory=dict)

    def pool(self, department: str) -> list[int]:
        """Who can be assigned the department's tasks on this project."""
        if department not in self._pools:
            self._pools[department] = [
                m.person_id
                for m in self.members
                if m.department == department and m.role in {Role.ARTIST, Role.VENDOR}
            ]
        return self._pools[department]

    def reviewers(self, department: str) -> list[int]:
        """Who approves the department's work (production when nobody leads it)."""
        if department not in self._reviewers:
            self._reviewers[department] = [
                m.person_id
                for m in self.members
                if m.department == department and m.role == Role.SUPERVISOR
            ] or [m.person_id for m in self.members if m.role == Role.MANAGER]
        return self._reviewers[department]


def _at(day: dt.date, minutes: int) -> dt.datetime:
    """A UTC timestamp ``minutes`` after 09:00 on ``day``."""
    return dt.datetime.combine(day, dt.time(9), dt.UTC) + dt.timedelta(minutes=minutes)


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` spread over ``parts`` uneven, non-empty groups."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    sizes = [max(1, int(total * w / sum(weights))) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


def _names(bases: list[str], variants: list[str]) -> Iterator[str]:
    """Base names, then their variants, then numbered copies: never a repeat."""
    for variant in variants:
        for base in bases:
            yield f"{base} {variant}".strip()
    number = 2
    while True:
        for variant in variants:
            for base in bases:
                yield f"{base} {variant} {number:02d}".replace("  ", " ")
        number += 1


class _Generator:
    """Builds every row in memory, ids included, in foreign-key order."""

    def __init__(self, scale: Scale, rng: random.Random) -> None:
        self.scale = scale
        self.rng = rng
        self.rows: dict[Table, list[dict[str, Any]]] = {
            table: [] for table in Base.metadata.sorted_tables
        }
        self.ids: dict[Table, int] = {}
        self.departments: dict[str, int] = {}
        self.steps: dict[str, tuple[int, Step]] = {}
        self.statuses: dict[str, int] = {}
        self.asset_types: dict[str, int] = {}
        self.people_by_role: dict[Role, list[tuple[int, str | None]]] = {r: [] for r in Role}

    def add(self, model: type[Base] | Table, **row: Any) -> dict[str, Any]:
        """Queue a row, giving it the table's next id if it has an id column."""
        table = model if isinstance(model, Table) else model.__table__
        assert isinstance(table, Table)
        if "id" in table.c and "id" not in row:
            row["id"] = self.ids[table] = self.ids.get(table, 0) + 1
        self.rows[table].append(row)
        return row

    def add_entity(self, model: type[Entity], common: dict[str, Any], **own: Any) -> int:
        """One row in ``entity`` and one in the kind's table, sharing the id,
        with the name's key the ORM would have given it (see ``name_key``)."""
        kind = model.__mapper__.polymorphic_identity
        parent = own.get(model.name_parent) if model.name_parent else None
        key = None if common["deleted_at"] else name_key(kind, parent, common["name"])
        entity_id: int = self.add(Entity, kind=kind, name_key=key, **common)["id"]
        self.add(model, id=entity_id, **own)
        return entity_id

    def build(self) -> dict[Table, list[dict[str, Any]]]:
        self.vocabulary()
        self.people()
        main = self.project(MAIN, self.scale.artists_per_department)
        short = self.project(SHORT, 2)
        self.main_production(main)
        self.short_production(short)
        self.accounts(main)
        for project in (main, short):
            self.milestones(project)
            # Last, so that the random draws of every other row stay as they were.
            self.breakdown(project)
        return {table: rows for table, rows in self.rows.items() if rows}

    def accounts(self, project: _ProjectState) -> None:
        """Let the first member of the main production in each role sign in
        (the artist and vendor picked have tasks assigned to them). Their
        generated emails give way to ``<role>@shotline.test``; choosing them
        after generation keeps every other row as the seed made it."""
        assigned = {row["person_id"] for row in self.rows[task_assignee]}
        people = {row["id"]: row for row in self.rows[Base.metadata.tables["person"]]}
        for role in DEMO_ROLES:
            person_id = next(
                member.person_id
                for member in project.members
                if member.role == role
                and people[member.person_id]["role"] == role.value
                and (role not in {Role.ARTIST, Role.VENDOR} or member.person_id in assigned)
            )
            people[person_id]["email"] = demo_email(role)
            people[person_id]["password_hash"] = demo_password_hash()

    def breakdown(self, project: _ProjectState) -> None:
        """Cast the project's assets: a set or environment into each sequence,
        and into each shot a few characters (the main cast most often), props,
        now and then a vehicle or an effect, and crowds of extras."""
        rng = self.rng
        entities = self.rows[Base.metadata.tables["entity"]]
        live = {
            row["id"]: row
            for row in entities
            if row["project_id"] == project.id and row["deleted_at"] is None
        }
        type_names = {type_id: name for name, type_id in self.asset_types.items()}
        by_type: dict[str, list[int]] = {name: [] for name in ASSET_TYPES}
        extras: list[int] = []
        for row in self.rows[Base.metadata.tables["asset"]]:
            if row["id"] in live:
                kind = type_names[row["asset_type_id"]]
                extra = kind == "Character" and live[row["id"]]["name"].startswith(tuple(EXTRAS))
                (extras if extra else by_type[kind]).append(row["id"])
        shots: dict[int, list[int]] = {}
        for row in self.rows[Base.metadata.tables["shot"]]:
            if row["id"] in live:
                shots.setdefault(row["sequence_id"], []).append(row["id"])

        def cast(entity_id: int, asset_id: int, occurrences: int = 1) -> None:
            self.add(
                Casting,
                project_id=project.id,
                entity_id=entity_id,
                asset_id=asset_id,
                occurrences=occurrences,
            )

        places = by_type["Set"] + by_type["Environment"]
        characters = by_type["Character"]
        lead = characters[: max(1, len(characters) // 5)]
        for sequence_id, shot_ids in shots.items():
            if places:
                cast(sequence_id, rng.choice(places))
            for shot_id in shot_ids:
                chosen = set()
                for _ in range(rng.choice([1, 1, 2, 2, 3])):
                    pool = lead if lead and rng.random() < 0.7 else characters
                    if pool:
                        chosen.add(rng.choice(pool))
                for kind, count in (
                    ("Prop", rng.randint(0, 3)),
                    ("Vehicle", rng.random() < 0.15),
                    ("FX", rng.random() < 0.25),
                ):
                    if by_type[kind]:
                        chosen.update(
                            rng.sample(by_type[kind], min(int(count), len(by_type[kind])))
                        )
                for asset_id in sorted(chosen):
                    cast(shot_id, asset_id)
                if extras and rng.random() < 0.3:
                    cast(shot_id, rng.choice(extras), rng.randint(2, 12))

    def milestones(self, project: _ProjectState) -> None:
        spec = project.spec
        span = (spec.end - spec.start).days
        for share, name, step in MILESTONES:
            if step is not None and step not in spec.steps:
                continue
            day = spec.start + dt.timedelta(days=round(span * share))
            self.add(
                Milestone,
                project_id=project.id,
                date=day,
                name=name,
                task_type_id=self.steps[step][0] if step else None,
                created_at=_at(spec.start - dt.timedelta(days=14), 60),
            )

    def vocabulary(self) -> None:
        for name, color in DEPARTMENTS.items():
            self.departments[name] = self.add(Department, name=name, color=color)["id"]
        for step in STEPS:
            step_id = self.add(
                TaskType,
                name=step.name,
                short_name=step.short_name,
                color=step.color,
                department_id=self.departments[step.department],
                for_entity=step.for_entity,
            )["id"]
            self.steps[step.name] = (step_id, step)
        for name, short_name, color, is_done, is_wip, is_retake in STATUSES:
            self.statuses[name] = self.add(
                TaskStatus,
                name=name,
                short_name=short_name,
                color=color,
                is_done=is_done,
                is_wip=is_wip,
                is_retake=is_retake,
                is_artist_allowed=name in ARTIST_STATUSES,
                is_client_allowed=name in CLIENT_STATUSES,
            )["id"]
        for name in ASSET_TYPES:
            self.asset_types[name] = self.add(AssetType, name=name)["id"]

    def people(self) -> None:
        scale = self.scale
        names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(names)
        emails: set[str] = set()
        hired = dt.datetime(2024, 11, 4, 9, tzinfo=dt.UTC)
        crafts = [name for name in DEPARTMENTS if name != PRODUCTION]
        staff: list[tuple[Role, str | None]] = [(Role.ADMIN, PRODUCTION)]
        staff += [(Role.MANAGER, PRODUCTION)] * scale.managers
        staff += [(Role.SUPERVISOR, department) for department in crafts]
        staff += [
            (Role.ARTIST, department)
            for department in crafts
            for _ in range(scale.artists_per_department)
        ]
        staff += [(Role.VENDOR, ("Modeling", "Surfacing")[i % 2]) for i in range(scale.vendors)]
        staff += [(Role.CLIENT, None)] * 2
        domains = {Role.VENDOR: "northlight-vfx.example", Role.CLIENT: "moonrise-pictures.example"}
        for (role, department), (first, last) in zip(staff, names, strict=False):
            local = f"{_ascii(first)}.{_ascii(last)}"
            domain = domains.get(role, "shotline-studio.example")
            email, number = f"{local}@{domain}", 2
            while email in emails:
                email, number = f"{local}{number}@{domain}", number + 1
            emails.add(email)
            person_id = self.add(
                Person,
                first_name=first,
                last_name=last,
                email=email,
                active=True,
                role=role.value,
                department_id=self.departments[department] if department else None,
                password_hash=None,
                created_at=hired + dt.timedelta(hours=self.rng.randint(0, 24 * 60)),
            )["id"]
            self.people_by_role[role].append((person_id, department))

    def project(self, spec: ProjectSpec, artists_per_department: int) -> _ProjectState:
        project_id = self.add(
            Project,
            name=spec.name,
            code=spec.code,
            status="open",
            fps=spec.fps,
            start_date=spec.start,
            end_date=spec.end,
            created_at=_at(spec.start - dt.timedelta(days=21), 30),
        )["id"]
        steps: dict[str, list[Step]] = {"asset": [], "shot": []}
        for position, name in enumerate(spec.steps):
            step_id, step = self.steps[name]
            steps[step.for_entity].append(step)
            self.add(
                ProjectTaskType, project_id=project_id, task_type_id=step_id, position=position
            )
        for position, name in enumerate(spec.statuses):
            self.add(
                ProjectTaskStatus,
                project_id=project_id,
                task_status_id=self.statuses[name],
                position=position,
            )
        state = _ProjectState(
            spec,
            project_id,
            steps,
            {name: self.statuses[name] for name in spec.statuses},
        )
        departments = {step.department for kind in steps.values() for step in kind}
        chosen: list[tuple[int, str | None, Role, Role | None]] = []
        for role in (Role.ADMIN, Role.MANAGER):
            chosen += [(pid, dep, role, None) for pid, dep in self.people_by_role[role]]
        for pid, dep in self.people_by_role[Role.SUPERVISOR]:
            if dep in departments and dep != spec.promoted_lead:
                chosen.append((pid, dep, Role.SUPERVISOR, None))
        for craft in sorted(departments):
            artists = [pid for pid, dep in self.people_by_role[Role.ARTIST] if dep == craft]
            for index, pid in enumerate(artists[:artists_per_department]):
                lead = craft == spec.promoted_lead and index == 0
                chosen.append((pid, craft, Role.ARTIST, Role.SUPERVISOR if lead else None))
        for pid, dep in self.people_by_role[Role.VENDOR]:
            if dep in departments:
                chosen.append((pid, dep, Role.VENDOR, None))
        pid, dep = self.people_by_role[Role.CLIENT][spec.client]
        chosen.append((pid, dep, Role.CLIENT, None))
        for person_id, department, role, override in chosen:
            self.add(
                ProjectMember,
                project_id=project_id,
                person_id=person_id,
                role=override.value if override else None,
            )
            state.members.append(_Member(person_id, department, override or role))
        return state

    def main_production(self, project: _ProjectState) -> None:
        scale, rng = self.scale, self.rng
        omitted = max(1, scale.shots // 100)
        sequences = scale.episodes * scale.sequences_per_episode
        sizes = iter(_split(scale.shots + omitted, sequences, rng))
        dropped = set(rng.sample(range(scale.shots + omitted), omitted))
        shot_index = 0
        for number in range(scale.episodes):
            kickoff = project.spec.start + dt.timedelta(days=7 * number)
            title = EPISODE_TITLES[number % len(EPISODE_TITLES)]
            episode_id = self.add_entity(
                Episode, self.common(project, f"E{number + 1:02d} \N{EN DASH} {title}", kickoff)
            )
            # Episodes are made in order: the first ones are nearly finished.
            progress = 1.15 - 1.2 * (number + 0.5) / scale.episodes
            for sequence_number in range(scale.sequences_per_episode):
                sequence_id = self.add_entity(
                    Sequence,
                    self.common(project, f"SQ{(sequence_number + 1) * 10:03d}", kickoff),
                    episode_id=episode_id,
                )
                for shot_number in range(next(sizes)):
                    self.shot(
                        project,
                        sequence_id,
                        f"SH{(shot_number + 1) * 10:04d}",
                        kickoff,
                        progress,
                        deleted=shot_index in dropped,
                    )
                    shot_index += 1
        self.assets(project, scale.assets)

    def short_production(self, project: _ProjectState) -> None:
        sizes = _split(SHORT_SHOTS, SHORT_SEQUENCES, self.rng)
        for number, size in enumerate(sizes):
            kickoff = project.spec.start + dt.timedelta(days=14 * number)
            sequence_id = self.add_entity(
                Sequence,
                self.common(project, f"SQ{(number + 1) * 10:03d}", kickoff),
                episode_id=None,
            )
            progress = 1.15 - 1.2 * (number + 0.5) / SHORT_SEQUENCES
            for shot_number in range(size):
                self.shot(
                    project, sequence_id, f"SH{(shot_number + 1) * 10:04d}", kickoff, progress
                )
        self.assets(project, SHORT_ASSETS)

    def common(
        self,
        project: _ProjectState,
        name: str,
        day: dt.date,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        created = _at(day, self.rng.randint(0, 480))
        return {
            "project_id": project.id,
            "name": name,
            "description": None,
            "data": data or {},
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
        }

    def shot(
        self,
        project: _ProjectState,
        sequence_id: int,
        name: str,
        kickoff: dt.date,
        progress: float,
        deleted: bool = False,
    ) -> None:
        rng = self.rng
        length = min(480, max(12, int(rng.lognormvariate(4.4, 0.5))))
        common = self.common(project, name, kickoff, {"handles": 8})
        if deleted:
            common["deleted_at"] = _at(TODAY - dt.timedelta(days=rng.randint(5, 60)), 300)
        shot_id = self.add_entity(
            Shot,
            common,
            sequence_id=sequence_id,
            frame_in=1001,
            frame_out=1000 + length,
            fps=None,
        )
        stage = min(1.0, max(0.0, progress + rng.uniform(-0.2, 0.2)))
        self.tasks(project, shot_id, common, project.steps["shot"], stage)

    def assets(self, project: _ProjectState, count: int) -> None:
        rng = self.rng

        def shuffled(names: list[str]) -> list[str]:
            return rng.sample(names, len(names))

        props = [f"{adjective} {noun}" for noun in PROP_NOUNS for adjective in PROP_ADJECTIVES]
        generators = {
            # The main cast first, in order; the rest in a seed-dependent order.
            "Character": _names(CHARACTERS, CHARACTER_VARIANTS),
            "Prop": _names(shuffled(props), [""]),
            "Set": _names(shuffled(SETS), SET_VARIANTS),
            "Environment": _names(shuffled(ENVIRONMENTS), SET_VARIANTS),
            "Vehicle": _names(shuffled(VEHICLES), VEHICLE_VARIANTS),
            "FX": _names(shuffled(EFFECTS), EFFECT_VARIANTS),
        }
        extras = _names(EXTRAS, [""])
        counts = {kind: int(count * share) for kind, share in ASSET_MIX.items()}
        counts["Prop"] += count - sum(counts.values())
        for kind, number in counts.items():
            cast = len(CHARACTERS) * len(CHARACTER_VARIANTS)
            for index in range(number):
                name = next(extras if kind == "Character" and index >= cast else generators[kind])
                day = project.spec.start + dt.timedelta(days=rng.randint(0, 30))
                common = self.common(project, name, day)
                asset_id = self.add_entity(Asset, common, asset_type_id=self.asset_types[kind])
                # Skewed towards finished, with about one asset in five fully done.
                stage = min(1.0, rng.betavariate(2.0, 1.3) * 1.15)
                self.tasks(project, asset_id, common, project.steps["asset"], stage)

    def tasks(
        self,
        project: _ProjectState,
        entity_id: int,
        entity: dict[str, Any],
        steps: list[Step],
        stage: float,
    ) -> None:
        """One task per step, earlier steps further along than later ones.

        ``stage`` (0 to 1) is how far through its pipeline the entity is: steps
        before it are done, the one it falls in is in flight, later ones wait.
        Schedules are laid out backwards from today for finished work and
        forwards for work to come.
        """
        rng = self.rng
        position = stage * len(steps)
        statuses: list[str] = []
        for index in range(len(steps)):
            if position >= index + 1:
                statuses.append(DONE)
            elif position > index:
                enabled = [s for s in IN_FLIGHT_WEIGHTS if s in project.status_ids]
                weights = [IN_FLIGHT_WEIGHTS[s] for s in enabled]
                statuses.append(rng.choices(enabled, weights)[0])
            else:
                statuses.append(TODO)

        # (start, due, end) per step, laid out backwards from the step in flight.
        windows: list[tuple[dt.date | None, dt.date | None, dt.date | None]] = []
        if statuses[-1] == DONE:
            cursor = TODAY - dt.timedelta(days=rng.randint(1, 90))
        else:
            cursor = TODAY - dt.timedelta(days=rng.randint(0, 14))
        for step, status in zip(reversed(steps), reversed(statuses), strict=True):
            days = max(1, round(step.days * rng.uniform(0.6, 1.6)))
            if status == DONE:
                finish = cursor - dt.timedelta(days=rng.randint(0, 3))
                begin = finish - dt.timedelta(days=days)
                due = begin + dt.timedelta(days=days + rng.randint(-1, 2))
                windows.append((begin, due, finish))
                cursor = begin
            elif status in {TODO, READY}:
                windows.append((None, None, None))
            else:
                due = cursor + dt.timedelta(days=days + rng.randint(0, 5))
                windows.append((cursor, due, None))
        windows.reverse()
        ahead = TODAY + dt.timedelta(days=rng.randint(3, 30))
        for step, status, (start, due_date, end) in zip(steps, statuses, windows, strict=True):
            if status in {TODO, READY}:
                ahead += dt.timedelta(days=max(1, round(step.days * 1.5)))
                due_date = ahead if rng.random() < 0.6 else None
            self.task(project, entity_id, entity, step, status, start, due_date, end)

    def task(
        self,
        project: _ProjectState,
        entity_id: int,
        entity: dict[str, Any],
        step: Step,
        status: str,
        start: dt.date | None,
        due: dt.date | None,
        end: dt.date | None,
    ) -> None:
        rng = self.rng
        pool = project.pool(step.department)
        assignees: list[int] = []
        share_assigned = {TODO: 0.25, READY: 0.7}.get(status, 1.0)
        if pool and rng.random() < share_assigned:
            assignees = rng.sample(pool, 2 if len(pool) > 1 and rng.random() < 0.1 else 1)
        estimate = None
        if rng.random() < 0.85:
            estimate = max(60, round(step.days * 480 * rng.uniform(0.6, 1.5) / 30) * 30)
        created = entity["created_at"] + dt.timedelta(minutes=rng.randint(1, 90))
        task = self.add(
            Task,
            project_id=project.id,
            entity_id=entity_id,
            task_type_id=self.steps[step.name][0],
            task_status_id=project.status_ids[status],
            priority=rng.choices([0, 1, 2, 3], [85, 10, 4, 1])[0],
            estimate=estimate,
            start_date=start,
            due_date=due,
            created_at=created,
            updated_at=created,
            deleted_at=entity["deleted_at"],
        )
        for person_id in assignees:
            self.add(task_assignee, task_id=task["id"], person_id=person_id)
        if start is not None and assignees:
            last_comment = self.history(project, task["id"], step, status, start, end, assignees)
            task["updated_at"] = max(created, last_comment)
            self.time_logs(task["id"], start, end or TODAY, assignees)

    def history(
        self,
        project: _ProjectState,
        task_id: int,
        step: Step,
        status: str,
        start: dt.date,
        end: dt.date | None,
        assignees: list[int],
    ) -> dt.datetime:
        """Comments that walk the task to its status; returns the last one's time."""
        rng = self.rng
        flow = [WIP]
        if status in {REVIEW, RETAKE, DONE}:
            flow.append(REVIEW)
        if status == RETAKE:
            flow.append(RETAKE)
        if status == DONE:
            flow += [RETAKE, REVIEW] * rng.choices([0, 1, 2], [60, 30, 10])[0] + [DONE]
        if status == HOLD:
            flow.append(HOLD)
        entries: list[str | None] = list(flow)
        for _ in range(rng.choices([0, 1, 2], [60, 30, 10])[0]):
            entries.insert(rng.randint(1, len(entries)), None)  # a note, no status change
        days = ((end or TODAY) - start).days
        moments = sorted(rng.randint(0, days) * 24 * 60 + rng.randint(0, 600) for _ in entries)
        reviewers = project.reviewers(step.department)
        version = 0
        stamp = _at(start, 0)
        for moment, entry in zip(moments, entries, strict=True):
            stamp = _at(start, moment)
            if entry is None:
                author, note = rng.choice(assignees + reviewers), rng.choice(NOTES)
            else:
                version += entry == REVIEW
                author = rng.choice(assignees if entry in {WIP, REVIEW} else reviewers)
                note = rng.choice(COMMENTS[entry]).format(version=version)
            self.add(
                Comment,
                task_id=task_id,
                person_id=author,
                text=note,
                task_status_id=project.status_ids[entry] if entry else None,
                internal=entry is None and note in INTERNAL_NOTES,
                created_at=stamp,
            )
        return stamp

    def time_logs(self, task_id: int, start: dt.date, end: dt.date, assignees: list[int]) -> None:
        rng = self.rng
        days = [
            start + dt.timedelta(days=offset)
            for offset in range((end - start).days + 1)
            if (start + dt.timedelta(days=offset)).weekday() < 5
        ]
        for person_id in assignees:
            for day in sorted(rng.sample(days, min(len(days), rng.randint(1, 5)))):
                minutes = rng.choice(range(60, 481, 30))
                self.add(TimeLog, person_id=person_id, task_id=task_id, day=day, minutes=minutes)


# --- Loading ------------------------------------------------------------------


def create_demo(
    target: Session | Engine,
    scale: ScaleName = "small",
    seed: int = 42,
    progress: ProgressCallback | None = None,
    replace: bool = False,
    previews: BlobStore | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Write a demo production into an empty database; return rows per table.
    Its dates are around the Monday of ``today``'s week (default: this week).

    The demo assigns its own ids, so it needs empty tables: ``replace`` deletes
    every existing row first (in the same transaction), otherwise a database
    holding data is refused. With an engine the demo is committed; with a
    session it joins the session's transaction and committing is left to the
    caller. With a ``previews`` store, review comments get pictures (see
    :func:`add_previews`).
    """
    if isinstance(target, Engine):
        with Session(target) as session, session.begin():
            return create_demo(session, scale, seed, progress, replace, previews, today)
    connection = target.connection()
    if replace:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    elif not is_empty(connection):
        raise DemoError("the database already holds data: the demo needs an empty one")
    rows = demo_rows(scale, seed, today)
    if previews is not None:
        add_previews(rows, previews)
    total = sum(len(batch) for batch in rows.values())
    written = 0
    for table, table_rows in rows.items():
        for start in range(0, len(table_rows), BATCH_SIZE):
            batch = table_rows[start : start + BATCH_SIZE]
            target.execute(insert(table), batch)
            written += len(batch)
            if progress is not None:
                progress(table.name, written, total)
    _sync_id_sequences(connection)
    return {table.name: len(table_rows) for table, table_rows in rows.items()}


DEMO_PREVIEWS = 48
"""How many review comments get a picture: enough for grids to show
thumbnails and task panels to show previews, quick to draw."""


def _picture(title: str, subtitle: str, color: str) -> bytes:
    """A 640 x 360 PNG: a colour field with the shot or asset it shows."""
    image = Image.new("RGB", (640, 360), ImageColor.getrgb(color))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 250, 616, 336), fill=(20, 20, 24))
    draw.text((40, 262), title, fill=(255, 255, 255), font_size=32)
    draw.text((40, 304), subtitle, fill=(200, 200, 200), font_size=18)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def add_previews(rows: dict[Table, list[dict[str, Any]]], store: BlobStore) -> None:
    """Attach a picture to the first :data:`DEMO_PREVIEWS` review comments
    ("v003 is up for review"), with its thumbnail, and point their tasks'
    grid cells at them. The pictures depend only on the rows, so a seed
    always stores the same files."""
    tables = Base.metadata.tables
    review = next(row["id"] for row in rows[tables["task_status"]] if row["name"] == REVIEW)
    tasks = {row["id"]: row for row in rows[tables["task"]]}
    entities = {row["id"]: row for row in rows[tables["entity"]]}
    task_types = {row["id"]: row for row in rows[tables["task_type"]]}
    preview_rows: list[dict[str, Any]] = []
    for comment in rows[tables["comment"]]:
        if len(preview_rows) == DEMO_PREVIEWS:
            break
        task = tasks[comment["task_id"]]
        if comment["task_status_id"] != review or task["deleted_at"] is not None:
            continue
        task_type = task_types[task["task_type_id"]]
        title = f"{entities[task['entity_id']]['name']} — {task_type['name']}"
        picture = _picture(title, comment["text"], task_type["color"])
        thumbnail = previews_service.image_thumbnail_bytes(picture)
        preview_rows.append(
            {
                "id": len(preview_rows) + 1,
                "comment_id": comment["id"],
                "task_id": task["id"],
                "person_id": comment["person_id"],
                "filename": f"{task_type['short_name']}_v{len(preview_rows) + 1:03d}.png",
                "content_type": "image/png",
                "size": len(picture),
                "sha256": _keep(store, picture),
                "width": 640,
                "height": 360,
                "thumbnail_sha256": _keep(store, thumbnail),
                "created_at": comment["created_at"],
            }
        )
    for task in tasks.values():
        task["thumbnail_id"] = task["public_thumbnail_id"] = None
    for preview in preview_rows:
        task = tasks[preview["task_id"]]
        task["thumbnail_id"] = task["public_thumbnail_id"] = preview["id"]
    rows[tables["preview"]] = preview_rows


def _keep(store: BlobStore, data: bytes) -> str:
    incoming = store.receive()
    incoming.write(data)
    incoming.close()
    incoming.keep()
    return incoming.digest()


def demo_monday(today: dt.date | None = None) -> dt.date:
    """The demo's "now": the latest Monday before ``today`` (default: the
    current day, UTC) whose whole day has passed, so that none of its times is
    in the future (a task someone changes now is the latest changed): the
    demo's own Monday has activity until the evening, so on a Monday it is
    the Monday before.

    The demo is laid out around :data:`TODAY`, then every date and time in it
    is moved by the whole weeks from there to this Monday: its projects are
    under way, its open tasks due around now (the late ones a few), whenever
    it is created. Whole weeks keep every weekday where it was, so a seed
    gives the same rows (time is logged on the same weekdays), only dated
    otherwise from one week to the next.
    """
    day = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


def _moved(rows: dict[Table, list[dict[str, Any]]], by: dt.timedelta) -> None:
    """Move every date and time of ``rows`` by ``by``, in place."""
    for table_rows in rows.values():
        for row in table_rows:
            for key, value in row.items():
                if isinstance(value, dt.date):  # datetimes too
                    row[key] = value + by


def demo_rows(
    scale: ScaleName = "small", seed: int = 42, today: dt.date | None = None
) -> dict[Table, list[dict[str, Any]]]:
    """Every row of the demo, ids included, by table in foreign-key order,
    dated around the latest Monday before ``today`` (see :func:`demo_monday`)."""
    if scale not in SCALES:
        raise DemoError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    rows = _Generator(SCALES[scale], random.Random(seed)).build()
    _moved(rows, demo_monday(today) - TODAY)
    return rows


def is_empty(connection: Connection) -> bool:
    """Whether no Shotline table holds a row (the tables must exist)."""
    return not any(
        connection.execute(select(func.count()).select_from(table)).scalar()
        for table in Base.metadata.sorted_tables
    )


def _sync_id_sequences(connection: Connection) -> None:
    """Move PostgreSQL id sequences past the ids the demo assigned itself.

    Explicit ids do not advance a SERIAL's sequence, so the next row the
    application inserts would collide. SQLite and MariaDB use max(id) + 1.
    """
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if table.autoincrement_column is None:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"
            )
        )
