"""Personal API tokens: created (the secret shown once), listed, used, revoked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from shotline.auth import token_hash
from shotline.models import AuthToken, TokenKind
from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import VENDOR


def test_token_lifecycle(world: World) -> None:
    with world.rolled_back():
        created = world.call("vendor", "POST", "/api/me/tokens", {"name": " sync script "})
        assert created.status_code == 201
        body = created.json()
        secret = body.pop("token")
        assert secret.startswith("shl_")
        assert len(secret) > 40
        assert body == {
            "id": body["id"],
            "name": "sync script",
            "created_at": body["created_at"],
            "expires_at": None,
            "last_used_at": None,
        }
        with world.sessions()() as session:
            stored = session.get_one(AuthToken, body["id"])
            assert (stored.kind, stored.person_id) == (TokenKind.API, VENDOR)
            assert stored.token_hash == token_hash(secret)

        # Listed without its secret; never used yet.
        listed = world.call("vendor", "GET", "/api/me/tokens").json()
        assert listed == [body]
        assert secret not in world.call("vendor", "GET", "/api/me/tokens").text

        # A script uses it like any token.
        script = {"Authorization": f"Bearer {secret}"}
        me = world.call(None, "GET", "/api/me", headers=script)
        assert (me.status_code, me.json()["id"], me.json()["token_kind"]) == (200, VENDOR, "api")
        assert world.call(None, "GET", "/api/projects", headers=script).status_code == 200
        [used] = world.call("vendor", "GET", "/api/me/tokens").json()
        assert used["last_used_at"] is not None

        # Someone else cannot see or revoke it.
        assert world.call("artist", "GET", "/api/me/tokens").json() == []
        other = world.call("admin", "DELETE", f"/api/me/tokens/{body['id']}")
        assert (other.status_code, other.json()) == (
            404,
            refusal("not_found", f"token {body['id']} not found"),
        )

        revoked = world.call("vendor", "DELETE", f"/api/me/tokens/{body['id']}")
        assert revoked.status_code == 204
        refused = world.call(None, "GET", "/api/me", headers=script)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == (
            'Bearer realm="shotline", error="invalid_token", '
            'error_description="invalid, expired or revoked token"'
        )
        assert refused.json() == refusal("unauthenticated", "invalid, expired or revoked token")
        assert world.call("vendor", "GET", "/api/me/tokens").json() == []
        again = world.call("vendor", "DELETE", f"/api/me/tokens/{body['id']}")
        assert again.status_code == 404
        with world.sessions()() as session:
            assert session.get_one(AuthToken, body["id"]).revoked_at is not None


def test_a_token_can_expire(world: World) -> None:
    with world.rolled_back():
        created = world.call(
            "artist", "POST", "/api/me/tokens", {"name": "ci", "expires_in_days": 7}
        )
        expires = dt.datetime.fromisoformat(created.json()["expires_at"])
        created_at = dt.datetime.fromisoformat(created.json()["created_at"])
        assert expires - created_at == dt.timedelta(days=7)
        invalid = world.call(
            "artist", "POST", "/api/me/tokens", {"name": "x", "expires_in_days": 0}
        )
        assert invalid.status_code == 422


def test_session_tokens_are_not_listed(world: World) -> None:
    with world.rolled_back():
        with world.sessions()() as session:
            kinds = set(session.scalars(select(AuthToken.kind)))
        assert kinds == {TokenKind.SESSION}
        assert world.call("admin", "GET", "/api/me/tokens").json() == []
