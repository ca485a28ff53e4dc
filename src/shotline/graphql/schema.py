"""Placeholder: filled in by its own change."""

from __future__ import annotations

from fastapi import APIRouter

from shotline.settings import Settings


def make_router(settings: Settings) -> APIRouter:
    return APIRouter()
