"""The principal's key: what loadplan keeps a JSON statement per (the access
rules read nothing of a request but the principal)."""

from __future__ import annotations

import dataclasses
from typing import Any

from shotline.access import Principal, principal_key
from shotline.models import Role

BASE = Principal(
    person_id=1,
    role=Role.ARTIST,
    department_id=2,
    projects={3: Role.ARTIST, 4: Role.VENDOR},
    token_id=5,
    token_kind="api",
    first_name="Ada",
    last_name="Byron",
    email="ada@example.com",
)

OTHER_VALUES: dict[str, Any] = {
    "person_id": 9,
    "role": Role.ADMIN,
    "department_id": None,
    "projects": {3: Role.SUPERVISOR, 4: Role.VENDOR},
    "token_id": 6,
    "token_kind": "session",
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "grace@example.com",
}


def test_the_key_changes_with_every_field_of_the_principal() -> None:
    # A field added later must be added to the key (and to this table).
    assert set(OTHER_VALUES) == {f.name for f in dataclasses.fields(Principal)}
    for name, value in OTHER_VALUES.items():
        assert dataclasses.replace(BASE, **{name: value}).key != BASE.key, name


def test_equal_principals_have_equal_hashable_keys_whatever_the_order_of_projects() -> None:
    same = dataclasses.replace(BASE, projects={4: Role.VENDOR, 3: Role.ARTIST})
    assert same.key == BASE.key
    assert hash(same.key) == hash(BASE.key)


def test_the_key_of_a_context_is_its_principals() -> None:
    assert principal_key(BASE) == BASE.key
