"""Every operation of the OpenAPI document, called by schemathesis with
inputs generated from its schema (valid ones, then invalid ones, with a
fixed seed),
as a signed-in admin: no answer is a 5xx, every status is one the document
lists for the operation, and every body matches its documented schema.

Hypothesis runs derandomized and without its example database, so every
run sends the same requests; :data:`EXAMPLES` per operation and way of
generating keeps the whole walk within :data:`BUDGET_SECONDS`."""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from shotline.app import create_app
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

EXAMPLES = 6
"""Generated cases per operation and way of generating (valid, invalid)."""

BUDGET_SECONDS = 600
"""The most the walk may take on one dialect."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

SKIPPED = {
    # Signing out revokes the token every other call uses.
    ("POST", "/api/auth/logout"),
    # Revokes tokens by id, the walk's own among them.
    ("DELETE", "/api/me/tokens/{token_id}"),
}


def test_no_operation_answers_a_5xx_or_breaks_its_schema(stock: Stock) -> None:
    app = create_app(stock.engine, LIMITS)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    started = time.monotonic()
    walked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        cases = st.one_of(*(operation.as_strategy(mode) for mode in schemathesis.GenerationMode))

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES * len(schemathesis.GenerationMode),
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.call_and_validate(headers=stock.token, checks=CHECKS)

        call()
        walked += 1
    assert walked >= 100
    assert time.monotonic() - started < BUDGET_SECONDS


@pytest.fixture(autouse=True)
def _only_sqlite(dialect: str) -> None:
    """One dialect is enough for the schema's checks, and the walk is long."""
    if dialect != "sqlite":
        pytest.skip("walked on SQLite")
