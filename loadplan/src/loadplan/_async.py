"""Recognise SQLAlchemy's asyncio objects without importing its asyncio extension.

``sqlalchemy.ext.asyncio`` needs greenlet, which only ``loadplan[asyncio]``
brings, so ``import loadplan`` must not import it. An object can only be an
``AsyncSession`` (or engine, or connection) once the extension has been imported
by whoever made it, so looking the class up in ``sys.modules`` answers the
question exactly, without importing anything.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
    from typing_extensions import TypeIs

_EXTENSION = "sqlalchemy.ext.asyncio"


def is_async_session(target: Any) -> TypeIs[AsyncSession]:
    """Whether ``target`` is an ``AsyncSession``."""
    extension = sys.modules.get(_EXTENSION)
    return extension is not None and isinstance(target, extension.AsyncSession)


def is_async_bind(target: Any) -> TypeIs[AsyncEngine | AsyncConnection]:
    """Whether ``target`` is an ``AsyncEngine`` or an ``AsyncConnection``."""
    extension = sys.modules.get(_EXTENSION)
    return extension is not None and isinstance(
        target, extension.AsyncEngine | extension.AsyncConnection
    )
