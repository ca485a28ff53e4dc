"""The one shape of every error answer of the REST API.

Every 4xx (and 5xx) body is ``{"detail": [problem, ...]}``, the shape
FastAPI gives its own validation errors, so that a client reads every
refusal the same way: each problem says where (``loc``: the field, the
parameter, or nothing for the request as a whole), which rule was broken
(``type``) and what is wrong, for people (``msg``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RULES", "ErrorBody", "Problem"]

RULES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
    500: "internal",
    503: "unavailable",
}
"""The rule a refusal of each status breaks when it names none of its own."""


class Problem(BaseModel):
    """One thing wrong with a request."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(
        description="Where: the source and name of a parameter or field "
        '(["query", "limit"], ["body", "email"]), a field the request names '
        '(["email"]), or empty for the request as a whole.'
    )
    type: str = Field(
        description="The rule broken: `not_found`, `conflict`, `forbidden`, "
        "`unauthenticated`, `too_large`, `throttled`, `unavailable`, "
        "a validation rule (`string_too_long`, `missing`, ...)."
    )
    msg: str = Field(description="What is wrong, for people.")
    input: Any = Field(None, description="The refused value, when short.")
    ctx: dict[str, Any] | None = Field(
        None, description="What the rule needs to be understood (e.g. the valid values)."
    )


class ErrorBody(BaseModel):
    """Every error answer: the problems found, at least one."""

    detail: list[Problem] = Field(min_length=1)
    request_id: str | None = Field(
        None, description="Only on a 500: the id the server's log files it under."
    )
