"""Login throttling: per account and per client address.

A login costs an Argon2 hash on purpose; without a bound, anyone could try
passwords as fast as the server hashes them (30 in 12 s, then the right one
worked). Failures are counted over a sliding window of
``Settings.login_window_seconds``: past ``login_max_failures`` for one
account, or ``login_max_failures_per_address`` from one client address,
every login of that account or from that address is answered 429 with
``Retry-After`` (the seconds until the oldest counted failure leaves the
window) without hashing anything, the right password included. A successful
login forgets its account's failures.

The failures live in the database (:class:`~shotline.models.LoginFailure`),
shared by every server process; a check costs one statement, a failure one
INSERT and one DELETE of what left the window.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from shotline.models import LoginFailure
from shotline.settings import Settings

__all__ = ["forget_failures", "record_failure", "retry_after"]

logger = logging.getLogger("shotline.auth")


def _window(settings: Settings, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.login_window_seconds)


def _failures(condition: ColumnElement[bool], since: dt.datetime) -> tuple[object, object]:
    recent = (condition, LoginFailure.failed_at > since)
    return (
        select(func.count()).where(*recent).scalar_subquery(),
        select(func.min(LoginFailure.failed_at)).where(*recent).scalar_subquery(),
    )


def retry_after(
    session: Session, account: str, address: str, settings: Settings, now: dt.datetime
) -> int | None:
    """Seconds until ``account`` may try to log in from ``address`` again,
    or ``None`` if it may now (one statement)."""
    since = _window(settings, now)
    by_account = _failures(LoginFailure.account == account, since)
    by_address = _failures(LoginFailure.address == address, since)
    accounts, account_oldest, addresses, address_oldest = session.execute(
        select(*by_account, *by_address)
    ).one()
    waits = [
        oldest
        for count, limit, oldest in (
            (accounts, settings.login_max_failures, account_oldest),
            (addresses, settings.login_max_failures_per_address, address_oldest),
        )
        if count >= limit and oldest is not None
    ]
    if not waits:
        return None
    window = dt.timedelta(seconds=settings.login_window_seconds)
    seconds = (max(waits) + window - now).total_seconds()
    logger.warning("login throttled for %r from %s for %d s", account, address, seconds)
    return max(1, math.ceil(seconds))


def record_failure(
    session: Session, account: str, address: str, settings: Settings, now: dt.datetime
) -> None:
    """Count a failed login (never its password), and drop the failures of
    this account and address that left the window."""
    logger.warning("failed login for %r from %s", account, address)
    since = _window(settings, now)
    session.execute(
        delete(LoginFailure).where(
            or_(LoginFailure.account == account, LoginFailure.address == address),
            LoginFailure.failed_at <= since,
        )
    )
    session.execute(insert(LoginFailure).values(account=account, address=address, failed_at=now))


def forget_failures(session: Session, account: str) -> None:
    """A successful login: the account's earlier failures no longer count."""
    session.execute(delete(LoginFailure).where(LoginFailure.account == account))
