"""Signing in with a password, the session token it opens, and /api/me."""

from __future__ import annotations

import datetime as dt

from httpx2 import Response
from sqlalchemy import select, update

from shotline.auth import token_hash
from shotline.models import AuthToken, Person, TokenKind
from tests.refusals import refusal
from tests.shotline.auth.conftest import SETTINGS, World
from tests.shotline.auth.world import ADMIN, ARTIST, EMAILS, P1

PASSWORD = "correct horse battery staple"


def _give_password(world: World) -> None:
    """The admin sets the artist's password (inside ``rolled_back()``)."""
    answer = world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": PASSWORD})
    assert answer.status_code == 200
    assert "password" not in answer.text


def _refused(answer: Response) -> None:
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="shotline"'
    assert answer.json() == refusal("unauthenticated", "invalid email or password")


def test_login_opens_a_session(world: World) -> None:
    with world.rolled_back():
        _give_password(world)
        with world.sessions()() as session:
            stored = session.scalars(select(Person.password_hash).where(Person.id == ARTIST)).one()
        assert stored is not None
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored

        before = dt.datetime.now(dt.UTC)
        answer = world.call(
            None, "POST", "/api/auth/login", {"email": " Artist@Studio.test ", "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"access_token", "token_type", "expires_at"}
        assert body["token_type"] == "bearer"
        expires = dt.datetime.fromisoformat(body["expires_at"])
        assert dt.timedelta(hours=SETTINGS.session_hours - 0.1) < expires - before
        assert expires - before < dt.timedelta(hours=SETTINGS.session_hours + 0.1)

        signed_in = {"Authorization": f"Bearer {body['access_token']}"}
        me = world.call(None, "GET", "/api/me", headers=signed_in)
        assert me.json() == {
            "id": ARTIST,
            "first_name": "Artist",
            "last_name": "Test",
            "email": EMAILS[ARTIST],
            "role": "artist",
            "department_id": me.json()["department_id"],
            "projects": [{"project_id": P1, "role": "artist"}],
            "token_kind": "session",
        }
        with world.sessions()() as session:
            token = session.scalars(
                select(AuthToken).where(AuthToken.token_hash == token_hash(body["access_token"]))
            ).one()
            assert (token.kind, token.person_id) == (TokenKind.SESSION, ARTIST)
            assert token.last_used_at is not None

        # Signing out revokes the token.
        assert world.call(None, "POST", "/api/auth/logout", headers=signed_in).status_code == 204
        after = world.call(None, "GET", "/api/me", headers=signed_in)
        assert after.status_code == 401
        assert 'error="invalid_token"' in after.headers["www-authenticate"]


def test_a_wrong_password_an_unknown_email_and_an_inactive_person_are_alike(
    world: World,
) -> None:
    with world.rolled_back():
        _give_password(world)
        _refused(
            world.call(
                None, "POST", "/api/auth/login", {"email": EMAILS[ARTIST], "password": "nope"}
            )
        )
        _refused(
            world.call(
                None, "POST", "/api/auth/login", {"email": "who@studio.test", "password": PASSWORD}
            )
        )
        # No password set: nobody can sign in as them.
        _refused(
            world.call(
                None, "POST", "/api/auth/login", {"email": EMAILS[ADMIN], "password": "anything"}
            )
        )
        assert world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"active": False}).is_success
        _refused(
            world.call(
                None, "POST", "/api/auth/login", {"email": EMAILS[ARTIST], "password": PASSWORD}
            )
        )


def test_a_deactivated_person_s_tokens_stop_working(world: World) -> None:
    with world.rolled_back():
        assert world.call("artist", "GET", "/api/me").status_code == 200
        assert world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"active": False}).is_success
        assert world.call("artist", "GET", "/api/me").status_code == 401


def test_an_expired_session_is_refused(world: World) -> None:
    with world.rolled_back():
        assert world.call("artist", "GET", "/api/me").status_code == 200
        with world.sessions()() as session:
            session.execute(
                update(AuthToken)
                .where(AuthToken.person_id == ARTIST)
                .values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            )
            session.commit()
        answer = world.call("artist", "GET", "/api/me")
        assert answer.status_code == 401
        assert answer.json() == refusal("unauthenticated", "invalid, expired or revoked token")


def test_the_admin_sets_passwords_write_only(world: World) -> None:
    with world.rolled_back():
        created = world.call(
            "admin",
            "POST",
            "/api/people",
            {
                "first_name": "Nia",
                "last_name": "Cole",
                "email": "nia@studio.test",
                "password": "a long password",
            },
        )
        assert created.status_code == 201
        assert "password" not in created.json()
        signed = world.call(
            None,
            "POST",
            "/api/auth/login",
            {"email": "nia@studio.test", "password": "a long password"},
        )
        assert signed.status_code == 200
        too_short = world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": "short"})
        assert too_short.status_code == 422
