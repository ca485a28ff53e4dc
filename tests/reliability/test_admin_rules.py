"""The studio always keeps an admin (issue item 5): the last active admin
cannot be demoted or deactivated, nobody deletes themselves, and a refusal
changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shotline.app import create_app
from shotline.models import Person, Role
from tests.refusals import refusal
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock
from tests.shotline.signin import bearer


def _people(stock: Stock) -> list[tuple[int, str, bool]]:
    with Session(stock.engine) as session:
        return list(
            session.execute(select(Person.id, Person.role, Person.active).order_by(Person.id))
        )


@pytest.fixture
def ada(stock: Stock) -> Iterator[TestClient]:
    """The production's only admin; people are put back as they were."""
    before = _people(stock)
    yield TestClient(create_app(stock.engine, LIMITS), headers=stock.token)
    with Session(stock.engine) as session:
        for ident, role, active in before:
            session.get_one(Person, ident).role = role
            session.get_one(Person, ident).active = active
        session.commit()


@pytest.mark.parametrize("change", [{"role": "manager"}, {"active": False}])
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(
    stock: Stock, ada: TestClient, change: dict[str, object]
) -> None:
    me = stock.ids.people["Ada"]
    before = _people(stock)
    answer = ada.patch(f"/api/people/{me}", json=change)
    assert (answer.status_code, answer.json()) == (
        409,
        refusal("conflict", f"person {me} is the last active admin: make another admin first"),
    )
    assert _people(stock) == before


def test_an_admin_steps_down_once_there_is_another(stock: Stock, ada: TestClient) -> None:
    me, leo = stock.ids.people["Ada"], stock.ids.people["Leo"]
    assert ada.patch(f"/api/people/{leo}", json={"role": "admin"}).status_code == 200
    assert ada.patch(f"/api/people/{me}", json={"role": "manager"}).json()["role"] == "manager"
    leo_client = TestClient(create_app(stock.engine, LIMITS), headers=bearer(stock.engine, leo))
    answer = leo_client.patch(f"/api/people/{leo}", json={"active": False})
    assert answer.status_code == 409
    assert leo_client.patch(f"/api/people/{me}", json={"role": "admin"}).status_code == 200


def test_demoting_someone_else_or_an_inactive_admin_is_allowed(
    stock: Stock, ada: TestClient
) -> None:
    mira = stock.ids.people["Mira"]
    assert ada.patch(f"/api/people/{mira}", json={"role": "client"}).json()["role"] == Role.CLIENT


def test_nobody_deletes_themselves(stock: Stock, ada: TestClient) -> None:
    me = stock.ids.people["Ada"]
    before = _people(stock)
    answer = ada.delete(f"/api/people/{me}")
    assert (answer.status_code, answer.json()) == (
        403,
        refusal("forbidden", "you may not delete yourself"),
    )
    assert _people(stock) == before
