"""What every CRUD endpoint shares: id parameters, planned reads, and the
documentation of error bodies.

Writes follow one pattern: check everything the write depends on (a bad
request then changes nothing), write, read the response through the loadplan
plan of its schema *inside* the transaction, then commit. The client receives
exactly what was committed, in a fixed number of statements, and a failure
at any step commits nothing.

Every read applies the access rules of :mod:`shotline.access` (reads of a
write's answer too), and every write first checks, in its precondition
statement, that the principal sees what it changes (else 404) and may change
it (else 403).
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Path
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, inspect, select
from sqlalchemy.orm import Session

import loadplan
from loadplan.fastapi import PlannedEndpoint
from loadplan.pydantic import selection_from_model
from shotline.access import RULES, Principal, principal_key
from shotline.deps import paged_planned_settings, planned_settings
from shotline.errors import NotFound
from shotline.schemas.crud import MAX_INT
from shotline.schemas.errors import ErrorBody
from shotline.settings import MODE_HEADER

OutT = TypeVar("OutT", bound=BaseModel)

IdPath = Annotated[int, Path(ge=1, le=MAX_INT)]
"""An id in a path: out-of-range values are a 422, not a database error."""


def crud_router(*tags: str) -> APIRouter:
    """The router of one area of the CRUD API (``tags``: of all its endpoints)."""
    return APIRouter(tags=list(tags))


class Reader(Generic[OutT]):
    """Reads responses of ``schema`` for ``model`` rows through the loadplan
    plan derived from the schema: fixed statements, no lazy loads. Conditions
    given as ``always`` hold for every read (tasks: their entity is live).

    Reads use ``populate_existing``: objects this request already holds (the
    ones it just wrote) are refreshed from the database, so the response
    shows stored values (rounded numbers, defaults), not what was assigned.
    """

    def __init__(
        self,
        model: type[Any],
        schema: type[OutT],
        what: str,
        *always: ColumnElement[bool],
    ) -> None:
        self.model = model
        self.schema = schema
        self.what = what
        self.always = always
        self.selection = selection_from_model(model, schema)
        loadplan.plan(model, self.selection)  # refuse an unloadable schema at import

    def statement(self, me: Principal, *criteria: ColumnElement[bool]) -> Select[Any]:
        """The planned SELECT of the rows matching ``criteria`` that ``me``
        sees, by primary key."""
        plan = loadplan.plan(self.model, self.selection, context=me, rules=RULES)
        stmt = (
            select(self.model)
            .where(*self.always, *criteria)
            .order_by(*inspect(self.model).primary_key)
        )
        return plan.apply(stmt).execution_options(populate_existing=True)

    def one(self, session: Session, me: Principal, ident: int) -> OutT:
        """The row ``ident`` as ``schema``; a 404 naming it when there is none
        (or ``me`` may not see it)."""
        found = session.scalars(self.statement(me, self.model.id == ident)).unique().one_or_none()
        if found is None:
            raise NotFound(self.what, ident)
        return self.schema.model_validate(found)

    def all(self, session: Session, me: Principal, *criteria: ColumnElement[bool]) -> list[OutT]:
        """The rows matching ``criteria`` that ``me`` sees, by id."""
        rows = session.scalars(self.statement(me, *criteria)).unique().all()
        return [self.schema.model_validate(row) for row in rows]

    def committed(self, session: Session, me: Principal, ident: int) -> OutT:
        """The response of a write: read in its transaction, then committed."""
        response = self.one(session, me, ident)
        session.commit()
        return response

    def committed_all(
        self, session: Session, me: Principal, *criteria: ColumnElement[bool]
    ) -> list[OutT]:
        """The response of a write of many rows: read in its transaction, then committed."""
        response = self.all(session, me, *criteria)
        session.commit()
        return response


def listing(
    model: type[Any],
    schema: type[BaseModel],
    *,
    paged: bool = False,
    default_order: str | None = None,
) -> PlannedEndpoint:
    """The dependency of a list endpoint: sparse fieldsets (``fields``),
    ordering (``order``), pages (``limit``, ``offset``, ``cursor``), ``total``
    and, in debug mode, ``explain``, planned from ``schema`` (built at import:
    an unloadable schema fails at start-up); its response model is
    ``page_model``. Without ``limit``, a ``paged`` list returns one page of
    the largest size, any other list all of its rows; without ``order``,
    rows come in ``default_order`` (then by id)."""
    return PlannedEndpoint(
        model,
        schema,
        rules=RULES,
        context_key=principal_key,
        mode_header=MODE_HEADER,
        settings=paged_planned_settings if paged else planned_settings,
        default_order=default_order,
    )


_ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A field names something not allowed here."},
    403: {"model": ErrorBody, "description": "The principal may not make this change."},
    404: {
        "model": ErrorBody,
        "description": "Something the request names does not exist (or is not visible to the principal).",
    },
    409: {"model": ErrorBody, "description": "The request conflicts with existing data."},
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers of an endpoint (422, the
    body validation error, is documented by FastAPI itself, and 401 by the
    application for every endpoint that needs a token)."""
    return {code: _ERRORS[code] for code in codes}


def assign(target: object, values: dict[str, Any]) -> None:
    """Copy an update's given fields onto the row (``model_dump`` of an
    ``...Update`` body holds only the fields the client sent)."""
    for key, value in values.items():
        setattr(target, key, value)
