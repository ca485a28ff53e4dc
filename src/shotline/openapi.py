"""The OpenAPI document, true to what the service answers.

FastAPI documents the answers an endpoint declares, and 422 for those with
parameters; the application answers more than that, the same way for whole
families of operations. This module adds them, once, from what an operation
is, so that no endpoint has to remember them:

- 400 for the lists' ``fields``, ``order`` and ``cursor`` (a field that is
  not there, or may not be ordered by; a cursor that is not one), and for
  every operation with a body (one that is not text in its encoding);
- 401 for every operation behind a token (declared by the application), and
  403 for every change behind one (a change made with the session cookie
  needs its CSRF header, see :mod:`shotline.auth`);
- 404 for every operation with a path parameter (a row not there, or not
  visible to the principal);
- 413 for every operation with a body (:mod:`shotline.body_limit`), 422 for
  every operation with a parameter or a body;
- 503 for every operation that reads the database (the statement time limit,
  or a transaction that lost a race for locks).

Every error answer then has the one body :class:`ErrorBody`, and the limits
the settings set are written as schema constraints (``limit``'s maximum is
``max_page_size``).

``/graphql`` is described as GraphQL over HTTP: its parameters (GET) and
body (POST), the GraphiQL page a GET without ``query`` answers, and its
refusals (a body that is not a GraphQL request is a 400, in the one error
body; a refused operation is a 200 whose ``errors`` say why).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shotline.schemas.errors import ErrorBody
from shotline.settings import Settings

__all__ = ["ERROR_DESCRIPTIONS", "install"]

ERROR_DESCRIPTIONS = {
    400: "A field or value the request names is not allowed here (on /graphql: a body "
    "that is not a GraphQL request).",
    401: "No bearer token, or an invalid, expired or revoked one.",
    403: "The principal may not make this change (or a change made with the session "
    "cookie lacks its CSRF header).",
    404: "Something the request names does not exist (or is not visible to the principal).",
    405: "The path does not take this method: the Allow header lists those it takes.",
    409: "The request conflicts with existing data.",
    413: "The request body is larger than the limit.",
    415: "A body of a media type this operation does not take.",
    422: "A parameter or the body breaks a rule of its schema.",
    429: "Too many requests: see the Retry-After header.",
    500: "A fault of the server, logged under the request id the body carries.",
    503: "A database statement ran past the statement time limit, or the database was "
    "busy with a conflicting change: nothing was changed, and trying again is safe.",
}
"""What each error status means, when the operation says nothing more precise."""

_ERROR_REF = {"$ref": f"#/components/schemas/{ErrorBody.__name__}"}
_LIST_PARAMETERS = {"fields", "order", "cursor"}
_CHANGES = {"post", "put", "patch", "delete"}
_REPLACED_SCHEMAS = {"HTTPValidationError", "ValidationError"}


def implied_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses ``operation`` answers by being what it is."""
    statuses: set[int] = set()
    parameters = operation.get("parameters", [])
    names = {p["name"] for p in parameters if p["in"] == "query"}
    if names & _LIST_PARAMETERS:
        statuses.add(400)
    if operation.get("security") and method in _CHANGES:
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if parameters:
        statuses.add(422)
    if path.startswith("/api/"):
        statuses.add(503)
    return statuses


def _error_answer(code: int, answer: dict[str, Any] | None) -> dict[str, Any]:
    described = (answer or {}).get("description") or ERROR_DESCRIPTIONS[code]
    if code == 422 and described == "Validation Error":
        described = ERROR_DESCRIPTIONS[422]
    shaped: dict[str, Any] = {
        "description": described,
        "content": {"application/json": {"schema": dict(_ERROR_REF)}},
    }
    if answer and "headers" in answer:
        shaped["headers"] = answer["headers"]
    return shaped


def _bound_limits(operation: dict[str, Any], settings: Settings) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] == "limit":
            for variant in parameter["schema"].get("anyOf", [parameter["schema"]]):
                if variant.get("type") == "integer":
                    # A list bounded tighter by its own declaration keeps its bound.
                    variant["maximum"] = min(
                        variant.get("maximum", settings.max_page_size), settings.max_page_size
                    )


def _graphql_request(settings: Settings) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string", "maxLength": settings.graphql_max_query_chars},
            "operationName": {"type": ["string", "null"]},
            "variables": {"type": ["object", "null"]},
        },
    }


_GRAPHQL_RESULT = {
    "type": "object",
    "description": "A GraphQL result: `data`, and `errors` when a field or the "
    "operation was refused.",
    "properties": {
        "data": {"type": ["object", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def _graphql(item: dict[str, Any], settings: Settings) -> None:
    """Describe ``/graphql``'s two operations as what they serve."""
    request = _graphql_request(settings)
    result = {"application/json": {"schema": _GRAPHQL_RESULT}}
    get, post = item["get"], item["post"]
    get.update(
        summary="A GraphQL query, or the GraphiQL page without one",
        tags=["graphql"],
        parameters=[
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": request["properties"][name],
            }
            for name in ("query", "operationName")
        ]
        + [
            {
                "name": "variables",
                "in": "query",
                "required": False,
                "description": "The variables, as a JSON object.",
                "schema": {"type": "string"},
            }
        ],
    )
    get["responses"] = {
        "200": {
            "description": "The query's result, or the GraphiQL page.",
            "content": {**result, "text/html": {"schema": {"type": "string"}}},
        },
        **{str(code): _error_answer(code, None) for code in (400, 401, 405, 413, 503)},
    }
    get["responses"]["405"]["description"] = "A mutation sent with GET."
    post.update(
        summary="A GraphQL operation",
        tags=["graphql"],
        security=[{"bearer": []}],
        requestBody={"required": True, "content": {"application/json": {"schema": request}}},
    )
    post["responses"] = {
        "200": {"description": "The operation's result.", "content": result},
        **{str(code): _error_answer(code, None) for code in (400, 401, 403, 413, 415, 503)},
    }


def truthful(document: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``document`` (FastAPI's) with every error answer of every REST
    operation documented, in the one error body, and the settings' limits
    written into the parameters' schemas."""
    for path, item in document.get("paths", {}).items():
        if path == "/graphql":
            _graphql(item, settings)
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            responses = operation["responses"]
            codes = {int(code) for code in responses if code[0] in "45"}
            codes |= implied_statuses(path, method, operation)
            for code in sorted(codes):
                responses[str(code)] = _error_answer(code, responses.get(str(code)))
            _bound_limits(operation, settings)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _REPLACED_SCHEMAS:
        schemas.pop(name, None)
    shapes = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(shapes.pop("$defs", {}))
    schemas[ErrorBody.__name__] = shapes
    return document


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the truthful document as the application's OpenAPI document."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(FastAPI.openapi(app), settings)
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
