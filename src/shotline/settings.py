"""Service settings, read from the environment (``SHOTLINE_*``) or given in code."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import get_args

from loadplan.fastapi import Mode

#: The header in which a request may ask for loadplan's mode (``json``,
#: ``rows`` or ``orm``) and in which every REST and GraphQL answer names the
#: mode that ran.
MODE_HEADER = "X-Loadplan-Mode"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _mode(value: str) -> Mode:
    if value not in get_args(Mode):
        msg = f"SHOTLINE_LOADPLAN_MODE must be one of auto, rows, orm, json, not {value!r}"
        raise ValueError(msg)
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class Settings:
    """``server_timing``: add a ``Server-Timing`` header with the request's SQL
    statement count and time. ``max_page_size``: the largest ``limit`` of a REST
    list and ``first``/``last``/``limit`` of a GraphQL list. ``graphql_max_depth``
    and ``graphql_max_aliases`` bound GraphQL queries, ``graphql_max_query_chars``
    their text and ``graphql_max_cost`` the values an operation may answer,
    estimated from its page sizes (a plain list without ``limit`` counts as
    ``graphql_list_estimate`` rows; see :mod:`shotline.graphql.limits`);
    ``graphql_cache_chars``: how much query text the parsed and validated
    documents kept across requests may hold. ``max_body_bytes``: the largest
    request body (a 413 past it; routes that take more, like uploads, set
    their own: see :mod:`shotline.body_limit`). ``login_max_failures`` per
    account and ``login_max_failures_per_address`` per client address within
    ``login_window_seconds`` throttle logins (:mod:`shotline.throttle`);
    ``password_min_length`` and ``password_min_score`` are the password
    policy (:mod:`shotline.passwords`). ``shutdown_seconds``: how long
    ``shotline serve`` lets requests in flight finish after SIGTERM before it
    exits anyway. ``statement_timeout_seconds``: the longest a database
    statement of ``shotline serve`` may run (PostgreSQL and MariaDB; see
    :func:`shotline.db.make_engine`). ``debug`` enables
    ``?explain=1`` on REST lists. ``session_hours``: how long the token of a
    login is valid. ``token_touch_seconds``: how stale a token's
    ``last_used_at`` may get before a request refreshes it (one UPDATE then;
    every other request authenticates with one SELECT). ``loadplan_mode``:
    how REST and GraphQL answers are built: ``auto`` (the default: a REST
    response the database can build is built there, the JSON mode; else from
    plain rows wherever nothing needs ORM objects), ``rows`` (never the JSON
    mode), ``json`` (the JSON mode for every REST list and GraphQL root list,
    for debugging: one it cannot build is an error) or ``orm`` (always from objects, for
    debugging); a request can ask for any of them with the
    ``X-Loadplan-Mode`` header (one that cannot run falls back). ``workday_hours``: the length of a working
    day, which turns the schedule's estimates (minutes) into days.
    ``preview_dir``: the folder that holds the files attached to comments
    (created when the first one arrives). ``upload_max_bytes``: the largest
    file one upload may send: uploads stream to disk, so this bounds disk
    use, not memory; it replaces ``max_body_bytes`` for the upload route.
    ``ffmpeg``: the ffmpeg program that makes the thumbnail of a video
    (empty: none is made)."""

    server_timing: bool = field(default_factory=lambda: _flag("SHOTLINE_SERVER_TIMING", True))
    max_page_size: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_MAX_PAGE_SIZE", "500"))
    )
    graphql_max_depth: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_MAX_DEPTH", "10"))
    )
    graphql_max_aliases: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_MAX_ALIASES", "30"))
    )
    graphql_max_query_chars: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_MAX_QUERY_CHARS", "32768"))
    )
    graphql_max_cost: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_MAX_COST", "1000000"))
    )
    graphql_list_estimate: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_LIST_ESTIMATE", "10"))
    )
    graphql_cache_chars: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_GRAPHQL_CACHE_CHARS", "262144"))
    )
    max_body_bytes: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_MAX_BODY_BYTES", str(2**20)))
    )
    login_max_failures: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_LOGIN_MAX_FAILURES", "5"))
    )
    login_max_failures_per_address: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
    )
    login_window_seconds: float = field(
        default_factory=lambda: float(os.environ.get("SHOTLINE_LOGIN_WINDOW_SECONDS", "900"))
    )
    password_min_length: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_PASSWORD_MIN_LENGTH", "10"))
    )
    password_min_score: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_PASSWORD_MIN_SCORE", "2"))
    )
    statement_timeout_seconds: float = field(
        default_factory=lambda: float(os.environ.get("SHOTLINE_STATEMENT_TIMEOUT_SECONDS", "30"))
    )
    shutdown_seconds: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_SHUTDOWN_SECONDS", "10"))
    )
    debug: bool = field(default_factory=lambda: _flag("SHOTLINE_DEBUG", False))
    loadplan_mode: Mode = field(
        default_factory=lambda: _mode(os.environ.get("SHOTLINE_LOADPLAN_MODE", "auto"))
    )
    session_hours: float = field(
        default_factory=lambda: float(os.environ.get("SHOTLINE_SESSION_HOURS", "12"))
    )
    token_touch_seconds: float = field(
        default_factory=lambda: float(os.environ.get("SHOTLINE_TOKEN_TOUCH_SECONDS", "600"))
    )
    workday_hours: float = field(
        default_factory=lambda: float(os.environ.get("SHOTLINE_WORKDAY_HOURS", "8"))
    )
    preview_dir: str = field(
        default_factory=lambda: os.environ.get("SHOTLINE_PREVIEW_DIR", "previews")
    )
    upload_max_bytes: int = field(
        default_factory=lambda: int(os.environ.get("SHOTLINE_UPLOAD_MAX_BYTES", str(2 * 1024**3)))
    )
    ffmpeg: str = field(
        default_factory=lambda: os.environ.get("SHOTLINE_FFMPEG", shutil.which("ffmpeg") or "")
    )
