"""Errors answered as JSON with a 4xx status, never a 500."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from loadplan.errors import PlanError


class Conflict(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status_code=409, detail=detail)


class NotFound(HTTPException):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(status_code=404, detail=f"{what} {ident} not found")


class BadRequest(HTTPException):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(status_code=400, detail={"field": field, "message": message})


def install(app: FastAPI) -> None:
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
