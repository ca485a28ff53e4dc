"""Changing one's own password: the current one is required, and every
other session and API token of the person is revoked with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from loadplan.testing import count_queries
from shotline.auth import issue_token, verify_password
from shotline.models import AuthToken, Person, TokenKind
from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import ARTIST, EMAILS, VENDOR
from tests.shotline.signin import AUTH

OLD, NEW = "correct horse battery staple", "a brand new passphrase"


def _tokens(world: World) -> dict[str, dict[str, str]]:
    """Two more tokens of the artist (a session and an API token), and one of
    the vendor, issued inside ``rolled_back()``."""
    made = {}
    with world.sessions()() as session:
        for name, person, kind in [
            ("session", ARTIST, TokenKind.SESSION),
            ("script", ARTIST, TokenKind.API),
            ("vendor", VENDOR, TokenKind.SESSION),
        ]:
            _, secret = issue_token(session, person, kind)
            made[name] = {"Authorization": f"Bearer {secret}"}
        session.commit()
    return made


def _state(world: World) -> tuple[str | None, list[tuple[int, bool]]]:
    """The artist's stored hash, and every token's id and whether it is revoked."""
    with world.sessions()() as session:
        stored = session.scalar(select(Person.password_hash).where(Person.id == ARTIST))
        tokens = session.execute(
            select(AuthToken.id, AuthToken.revoked_at.is_not(None)).order_by(AuthToken.id)
        ).all()
    return stored, [(ident, bool(revoked)) for ident, revoked in tokens]


def _change(world: World, body: dict[str, Any]) -> Any:
    return world.call("artist", "POST", "/api/me/password", body)


def test_changing_the_password_signs_out_everywhere_else(world: World) -> None:
    with world.rolled_back() as connection:
        world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": OLD})
        others = _tokens(world)
        with count_queries(connection) as log:
            answer = _change(world, {"current_password": OLD, "new_password": NEW})
        assert (answer.status_code, answer.json()) == (200, {"revoked_tokens": 2})
        # The person, the UPDATE of their other tokens, the UPDATE of the hash
        # (the savepoints are the test's transaction, see conftest.World).
        statements = [sql for sql in log.sql if "SAVEPOINT" not in sql]
        assert len(statements) == AUTH + 3, statements

        stored, _ = _state(world)
        assert verify_password(stored, NEW)
        assert not verify_password(stored, OLD)
        # This request's token still works; the artist's others do not, the vendor's does.
        assert world.call("artist", "GET", "/api/me").status_code == 200
        assert world.call(None, "GET", "/api/me", headers=others["session"]).status_code == 401
        assert world.call(None, "GET", "/api/me", headers=others["script"]).status_code == 401
        assert world.call(None, "GET", "/api/me", headers=others["vendor"]).status_code == 200

        login = {"email": EMAILS[ARTIST]}
        signed = world.call(None, "POST", "/api/auth/login", {**login, "password": NEW})
        assert signed.status_code == 200
        old = world.call(None, "POST", "/api/auth/login", {**login, "password": OLD})
        assert old.status_code == 401


def test_a_wrong_current_password_changes_nothing(world: World) -> None:
    with world.rolled_back():
        world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": OLD})
        _tokens(world)
        before = _state(world)
        answer = _change(world, {"current_password": NEW, "new_password": "another passphrase"})
        assert (answer.status_code, answer.json()) == (
            400,
            refusal("invalid", "is not your current password", ["current_password"]),
        )
        assert _state(world) == before


def test_someone_without_a_password_has_no_current_one(world: World) -> None:
    with world.rolled_back():
        before = _state(world)
        assert before[0] is None
        answer = _change(world, {"current_password": "anything", "new_password": NEW})
        assert answer.status_code == 400
        assert answer.json()["detail"][0]["loc"] == ["current_password"]
        assert _state(world) == before


def test_the_new_password_follows_the_password_rules(world: World) -> None:
    with world.rolled_back():
        world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": OLD})
        before = _state(world)
        for body, problem in [
            (
                {"current_password": OLD, "new_password": "short"},
                ("new_password", "string_too_short"),
            ),
            ({"current_password": OLD}, ("new_password", "missing")),
            (
                {"current_password": OLD, "new_password": NEW, "extra": 1},
                ("extra", "extra_forbidden"),
            ),
        ]:
            answer = _change(world, body)
            assert answer.status_code == 422
            assert [(e["loc"][-1], e["type"]) for e in answer.json()["detail"]] == [problem]
        assert _state(world) == before
