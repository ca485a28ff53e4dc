"""Errors answered as JSON with a 4xx status, never a 500."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from loadplan.errors import PlanError


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
    def __init__(self, field: str, message: str) -> None:
        super().__init__(status_code=400, detail={"field": field, "message": message})


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


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422, content={"detail": jsonable_encoder(_renderable(error.errors()))}
        )

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, error: IntegrityError) -> JSONResponse:
        # Constraint violations that slipped past the endpoints' own checks.
        return JSONResponse(status_code=409, content={"detail": "conflicts with existing data"})

    @app.exception_handler(PlanError)
    async def plan_error(_request: Request, error: PlanError) -> JSONResponse:
        return JSONResponse(
            status_code=400,
            content={"detail": {"field": error.attribute, "message": error.reason}},
        )
