"""Browser sessions: an HttpOnly cookie, and a CSRF token on every change made with it."""

from __future__ import annotations

import datetime as dt

from httpx2 import Response
from sqlalchemy import select

from shotline.auth import csrf_token, token_hash
from shotline.models import AuthToken, Comment, TokenKind
from tests.refusals import refusal
from tests.shotline.auth.conftest import SETTINGS, World
from tests.shotline.auth.world import ANCHOR_MOD, ARTIST, EMAILS, P1, WIP

PASSWORD = "correct horse battery staple"


def _open(world: World) -> tuple[Response, str]:
    """The artist signs in with a cookie (inside ``rolled_back()``); the
    answer and the session's secret."""
    given = world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": PASSWORD})
    assert given.status_code == 200
    answer = world.call(
        None, "POST", "/api/auth/session", {"email": EMAILS[ARTIST], "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    secret = answer.cookies["shotline_session"]
    return answer, secret


def _cookies(secret: str) -> dict[str, str]:
    return {"Cookie": f"shotline_session={secret}; shotline_csrf={csrf_token(secret)}"}


def _comments(world: World) -> list[str]:
    with world.sessions()() as session:
        return list(session.scalars(select(Comment.text).where(Comment.task_id == ANCHOR_MOD)))


def test_a_session_sets_an_httponly_cookie_and_a_readable_csrf_cookie(world: World) -> None:
    with world.rolled_back():
        before = dt.datetime.now(dt.UTC)
        answer, secret = _open(world)
        body = answer.json()
        assert set(body) == {"csrf_token", "expires_at"}
        assert body["csrf_token"] == csrf_token(secret)
        assert dt.datetime.fromisoformat(body["expires_at"]) - before < dt.timedelta(
            hours=SETTINGS.session_hours + 0.1
        )
        set_cookies = sorted(answer.headers.get_list("set-cookie"))
        max_age = round(SETTINGS.session_hours * 3600)
        assert set_cookies == [
            f"shotline_csrf={csrf_token(secret)}; Max-Age={max_age}; Path=/; SameSite=lax",
            f"shotline_session={secret}; HttpOnly; Max-Age={max_age}; Path=/; SameSite=lax",
        ]
        # The cookie holds a session token like a login's, stored as its hash.
        with world.sessions()() as session:
            token = session.scalars(
                select(AuthToken).where(AuthToken.token_hash == token_hash(secret))
            ).one()
            assert (token.kind, token.person_id) == (TokenKind.SESSION, ARTIST)


def test_the_cookie_signs_reads_in(world: World) -> None:
    with world.rolled_back():
        _, secret = _open(world)
        me = world.call(None, "GET", "/api/me", headers={"Cookie": f"shotline_session={secret}"})
        assert me.status_code == 200
        assert (me.json()["id"], me.json()["token_kind"]) == (ARTIST, "session")
        graphql = world.call(
            None,
            "GET",
            "/graphql?query=%7Bprojects%7Bid%7D%7D",
            headers={"Cookie": f"shotline_session={secret}"},
        )
        assert graphql.json() == {"data": {"projects": [{"id": str(P1)}]}}


def test_a_change_with_the_cookie_needs_the_csrf_header(world: World) -> None:
    with world.rolled_back():
        _, secret = _open(world)
        comment = {"text": "Forged"}
        url = f"/api/tasks/{ANCHOR_MOD}/comments"
        for headers in (
            {"Cookie": f"shotline_session={secret}"},
            {**_cookies(secret), "X-CSRF-Token": "0" * 64},
            # The token of another session does not do either.
            {**_cookies(secret), "X-CSRF-Token": csrf_token("shl_another")},
        ):
            refused = world.call(None, "POST", url, comment, headers=headers)
            assert refused.status_code == 403
            assert refused.json() == refusal(
                "forbidden", "a change made with the session cookie needs its X-CSRF-Token header"
            )
        assert "Forged" not in _comments(world)

        headers = {**_cookies(secret), "X-CSRF-Token": csrf_token(secret)}
        made = world.call(
            None, "POST", url, {"text": "Real", "task_status_id": WIP}, headers=headers
        )
        assert made.status_code == 201, made.text
        assert "Real" in _comments(world)


def test_graphql_over_the_cookie_needs_the_csrf_header_too(world: World) -> None:
    with world.rolled_back():
        _, secret = _open(world)
        query = {"query": "{ projects { id } }"}
        refused = world.call(None, "POST", "/graphql", query, headers=_cookies(secret))
        assert refused.status_code == 403
        detail = "a change made with the session cookie needs its X-CSRF-Token header"
        assert refused.json() == {
            "data": None,
            "errors": [{"message": detail, "extensions": {"code": "FORBIDDEN"}}],
            **refusal("forbidden", detail),
        }
        headers = {**_cookies(secret), "X-CSRF-Token": csrf_token(secret)}
        answered = world.call(None, "POST", "/graphql", query, headers=headers)
        assert answered.json() == {"data": {"projects": [{"id": str(P1)}]}}


def test_a_bearer_token_needs_no_csrf_token_and_wins_over_the_cookie(world: World) -> None:
    with world.rolled_back():
        _, secret = _open(world)
        headers = {**world.headers["manager"], "Cookie": f"shotline_session={secret}"}
        me = world.call(None, "GET", "/api/me", headers=headers)
        assert me.json()["id"] != ARTIST
        made = world.call(
            None, "POST", f"/api/tasks/{ANCHOR_MOD}/comments", {"text": "Script"}, headers=headers
        )
        assert made.status_code == 201


def test_signing_out_revokes_the_session_and_clears_the_cookies(world: World) -> None:
    with world.rolled_back():
        _, secret = _open(world)
        headers = {**_cookies(secret), "X-CSRF-Token": csrf_token(secret)}
        out = world.call(None, "POST", "/api/auth/logout", headers=headers)
        assert out.status_code == 204
        cleared = sorted(out.headers.get_list("set-cookie"))
        assert [cookie.split("; expires=")[0] for cookie in cleared] == [
            'shotline_csrf=""',
            'shotline_session=""',
        ]
        assert all("Max-Age=0; Path=/" in cookie for cookie in cleared)
        after = world.call(None, "GET", "/api/me", headers=_cookies(secret))
        assert after.status_code == 401
        assert after.json() == refusal("unauthenticated", "invalid, expired or revoked token")


def test_a_failed_session_sign_in_sets_no_cookie(world: World) -> None:
    with world.rolled_back():
        answer = world.call(
            None, "POST", "/api/auth/session", {"email": EMAILS[ARTIST], "password": "wrong"}
        )
        assert answer.status_code == 401
        assert answer.json() == refusal("unauthenticated", "invalid email or password")
        assert "set-cookie" not in answer.headers


def test_a_cross_site_form_cannot_sign_in(world: World) -> None:
    """A form from another site can post ``text/plain`` without a preflight,
    never JSON: the sign-in reads JSON only, so no one is signed in to an
    account of the attacker's choosing."""
    with world.rolled_back():
        given = world.call("admin", "PATCH", f"/api/people/{ARTIST}", {"password": PASSWORD})
        assert given.status_code == 200
        body = f'{{"email": "{EMAILS[ARTIST]}", "password": "{PASSWORD}"}}'
        answer = world.client.post(
            "/api/auth/session", content=body, headers={"Content-Type": "text/plain"}
        )
        assert answer.status_code == 422
        assert "set-cookie" not in answer.headers
