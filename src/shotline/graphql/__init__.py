"""The GraphQL API, built on loadplan.strawberry."""

from __future__ import annotations

from fastapi import APIRouter

from shotline.settings import Settings


def graphql_router(settings: Settings) -> APIRouter:
    from shotline.graphql.schema import make_router

    return make_router(settings)
