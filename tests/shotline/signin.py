"""Signing test clients in without a login (which hashes a password: slow on purpose)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shotline.auth import issue_token
from shotline.models import TokenKind


def bearer(engine: Engine, person_id: int) -> dict[str, str]:
    """The ``Authorization`` header of a new session token of the person.

    Issued tokens count as used now, so requests with it authenticate with
    exactly one statement (no ``last_used_at`` update) for the whole run.
    """
    with Session(engine) as session:
        _, secret = issue_token(session, person_id, TokenKind.SESSION)
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def signed_in(client: TestClient, engine: Engine, person_id: int) -> TestClient:
    """``client``, sending the person's token with every request."""
    client.headers.update(bearer(engine, person_id))
    return client


AUTH = 1
"""Statements a request spends on its token: one SELECT of the token, its
person and their memberships."""
