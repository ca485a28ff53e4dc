"""Errors answered as JSON with a 4xx status, never a 500, all in one shape
(:class:`shotline.schemas.errors.ErrorBody`): ``{"detail": [problem, ...]}``,
each problem naming where (``loc``), the rule (``type``) and what is wrong
(``msg``). Errors are raised with a message, or a field and a message, and
shaped here, in one place, whoever raised them (FastAPI, Starlette, loadplan
or Shotline)."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from loadplan import PlanError
from shotline.request_id import current_request_id
from shotline.schemas.errors import RULES

logger = logging.getLogger("shotline")


class Conflict(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status_code=409, detail=detail)


class Forbidden(HTTPException):
    """The principal sees the row but may not make this change."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=403, detail=detail)


class NotFound(HTTPException):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(status_code=404, detail=f"{what} {ident} not found")


class BadRequest(HTTPException):
    """400: ``field`` names something the request may not name here."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(status_code=400, detail={"field": field, "message": message})


class UnsupportedType(HTTPException):
    """415: a body of a media type the endpoint does not take."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(status_code=415, detail={"field": field, "message": message})


def _renderable(value: Any) -> Any:
    """A refused input as JSON can carry it.

    FastAPI's 422 repeats the input, and some inputs cannot be rendered as
    JSON, which would turn the refusal into a 500: Python's JSON parser reads
    ``NaN``, ``Infinity`` and ``1e400`` as non-finite floats, and ``"\\ud800"``
    as a lone surrogate UTF-8 cannot encode. They are repeated as the JSON
    tokens the client sent, with U+FFFD in place of lone surrogates.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_renderable(key): _renderable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_renderable(item) for item in value]
    return value


MAX_ECHO = 200
"""Longest refused input a 422 repeats, in characters of its JSON (about)."""

MAX_ERRORS = 20
"""Most problems a 422 lists: a body breaking a rule in every item of a long
list would otherwise be answered with one entry per item."""


def _short(value: Any, budget: int = MAX_ECHO) -> bool:
    """Whether ``value`` renders in about ``budget`` characters (walked
    without recursion, and only as far as the budget)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            budget -= len(item) + 2
        elif isinstance(item, dict):
            budget -= 2 + len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            budget -= 2 + len(item)
            stack.extend(item)
        else:
            budget -= 8
        if budget < 0:
            return False
    return True


def _shown(problem: dict[str, Any]) -> dict[str, Any]:
    """A validation problem as answered: its input only when short (a
    5-million-item list sent as an email was repeated whole)."""
    shown = {key: value for key, value in problem.items() if key != "input"}
    if "input" in problem and _short(problem["input"]):
        shown["input"] = problem["input"]
    return shown


def problems(status: int, detail: Any) -> list[dict[str, Any]]:
    """``detail`` as raised, shaped as the problems of an error body.

    A list is already one (FastAPI's validation errors, loadplan's page
    limits); a mapping names its ``field`` and ``message`` (anything else it
    holds, such as the valid values, goes to ``ctx``); a string is a message
    about the request as a whole. Each problem's ``type`` is the rule of the
    status unless the problem names its own.
    """
    rule = RULES.get(status, "invalid")
    if isinstance(detail, list):
        return [{"loc": [], "type": rule, "msg": "", **item} for item in detail]
    if isinstance(detail, Mapping):
        extra = {k: v for k, v in detail.items() if k not in {"field", "message", "rule"}}
        field = detail.get("field")
        problem: dict[str, Any] = {
            "loc": [field] if field else [],
            "type": detail.get("rule", rule),
            "msg": str(detail.get("message", "")),
        }
        if extra:
            problem["ctx"] = extra
        return [problem]
    return [{"loc": [], "type": rule, "msg": str(detail)}]


def error_body(status: int, detail: Any) -> dict[str, Any]:
    """The JSON body of an error answer of ``status``."""
    return {"detail": jsonable_encoder(_renderable(problems(status, detail)))}


def error_response(
    status: int, detail: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An error answer in the one shape (see :func:`problems`)."""
    return JSONResponse(error_body(status, detail), status_code=status, headers=headers)


TIMEOUTS = {
    "57014",  # PostgreSQL: query canceled (statement_timeout)
    1969,  # MariaDB: query execution was interrupted (max_statement_time)
    1205,  # MariaDB: lock wait timeout (innodb_lock_wait_timeout, set with it)
}
"""Errors of a statement stopped by the statement time limit, by driver code."""

CONTENTION = {
    "40P01",  # PostgreSQL: deadlock detected
    "40001",  # PostgreSQL: serialization failure
    "55P03",  # PostgreSQL: lock not available
    1213,  # MariaDB: deadlock
}
"""Errors of a transaction that lost a race for locks, by driver code."""


def driver_code(error: Exception) -> object:
    """The SQLSTATE (PostgreSQL) or error number (MariaDB) of a database error."""
    original = getattr(error, "orig", None)
    args = getattr(original, "args", ())
    if args and isinstance(args[0], int):  # PyMySQL: (errno, message)
        return args[0]
    return getattr(original, "sqlstate", None)


def timed_out(error: Exception) -> bool:
    """Whether a database error is a statement stopped by the time limit."""
    return isinstance(error, OperationalError) and driver_code(error) in TIMEOUTS


TIMED_OUT = "a database statement of this request ran past the statement time limit"


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return error_response(error.status_code, error.detail, error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        shown = [_shown(problem) for problem in error.errors()[:MAX_ERRORS]]
        return error_response(422, shown)

    @app.exception_handler(OperationalError)
    async def operational_error(request: Request, error: OperationalError) -> JSONResponse:
        if timed_out(error):
            return error_response(503, {"rule": "timeout", "message": TIMED_OUT})
        if driver_code(error) not in CONTENTION:
            return await internal_error(request, error)
        # Writes lock in a fixed order, so this is rare: the transaction was
        # rolled back whole, and trying again is safe.
        busy = "the database was busy with a conflicting change: try again"
        return error_response(503, {"rule": "busy", "message": busy}, {"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None) or current_request_id()
        logger.error("internal error in request %s", request_id, exc_info=error)
        body = {**error_body(500, "internal error"), "request_id": request_id}
        return JSONResponse(status_code=500, content=body)

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, error: IntegrityError) -> JSONResponse:
        # Constraint violations that slipped past the endpoints' own checks.
        return error_response(409, "conflicts with existing data")

    @app.exception_handler(PlanError)
    async def plan_error(_request: Request, error: PlanError) -> JSONResponse:
        return error_response(400, {"field": error.attribute, "message": error.reason})
