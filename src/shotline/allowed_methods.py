"""``405 Method Not Allowed`` with the methods the path does allow.

Starlette answers 405 with the ``Allow`` header of the first route whose
path matched, and FastAPI registers one route per method: ``DELETE
/api/projects`` was answered ``Allow: GET``, though POST is allowed too.
The methods of a path are read from the OpenAPI document instead, which
lists every operation of every path once.
"""

from __future__ import annotations

import re
from functools import cache

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shotline.errors import error_response

__all__ = ["install"]

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PARAMETER.sub("[^/]+", re.escape(template)) + "$")


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for ``path``, in its order."""
    for template, operations in app.openapi().get("paths", {}).items():
        if _pattern(template).match(path):
            return [method.upper() for method in operations]
    return []


def install(app: FastAPI) -> None:
    @app.exception_handler(405)
    async def method_not_allowed(request: Request, error: HTTPException) -> JSONResponse:
        methods = allowed_methods(app, request.url.path) or [
            m.strip() for m in (error.headers or {}).get("Allow", "").split(",") if m.strip()
        ]
        allowed = ", ".join(methods)
        message = f"{request.method} is not allowed here: use {allowed}"
        return error_response(405, message, {"Allow": allowed})
