"""Bodies of the casting API (``shotline.api.crud.casting``)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from pydantic import AfterValidator, AliasPath, BaseModel, Field

from shotline.inputs import MAX_IDS
from shotline.schemas.crud import EntityBrief, Id, In, Out

MAX_OCCURRENCES = 10_000
"""More of one asset in one shot than any crowd a tracker should count by hand."""

Occurrences = Annotated[int, Field(ge=1, le=MAX_OCCURRENCES)]


class AssetBrief(Out):
    id: int
    name: str
    asset_type: str = Field(validation_alias=AliasPath("asset_type", "name"))


class CastingOut(Out):
    """An asset cast into the entity, and how many times it appears."""

    asset: AssetBrief
    occurrences: int


class CastInOut(Out):
    """A shot, sequence or episode the asset is cast into."""

    entity: EntityBrief
    occurrences: int


class CastingCell(Out):
    """One cell of the breakdown: an asset of the shot."""

    asset_id: int
    asset: str = Field(validation_alias=AliasPath("asset", "name"))
    asset_type: str = Field(validation_alias=AliasPath("asset", "asset_type", "name"))
    occurrences: int


class BreakdownRow(Out):
    """A shot of the sequence with its casting (by asset id)."""

    id: int
    name: str
    frame_in: int
    frame_out: int
    casting: list[CastingCell]


class CastingLinkOut(Out):
    entity_id: int
    asset_id: int
    occurrences: int


def _unique_assets(items: list[CastAsset]) -> list[CastAsset]:
    repeated = [str(i) for i, n in Counter(item.asset_id for item in items).items() if n > 1]
    if repeated:
        raise ValueError(f"assets given twice: {', '.join(repeated)}")
    return items


class CastAsset(In):
    asset_id: Id
    occurrences: Occurrences = 1


class CastingIn(In):
    assets: Annotated[
        list[CastAsset], Field(max_length=MAX_IDS), AfterValidator(_unique_assets)
    ] = Field(description="The entity's whole casting: assets not listed are taken out.")


def _unique_links(links: list[CastingLinkIn]) -> list[CastingLinkIn]:
    counts = Counter((link.entity_id, link.asset_id) for link in links)
    repeated = [f"{entity}/{asset}" for (entity, asset), n in counts.items() if n > 1]
    if repeated:
        raise ValueError(f"links given twice (entity/asset): {', '.join(repeated)}")
    return links


class CastingLinkIn(In):
    entity_id: Id = Field(description="The shot, sequence or episode.")
    asset_id: Id
    occurrences: Annotated[int, Field(ge=0, le=MAX_OCCURRENCES)] = Field(
        description="0 takes the asset out of the entity."
    )


class CastingChanges(In):
    links: Annotated[
        list[CastingLinkIn],
        Field(min_length=1, max_length=MAX_IDS),
        AfterValidator(_unique_links),
    ]


class CastingImport(BaseModel):
    """What a casting CSV changes (or would change, in a dry run)."""

    dry_run: bool
    rows: int = Field(description="Rows read, the header left out.")
    created: int = Field(description="Links added.")
    updated: int = Field(description="Links whose occurrences change.")
    removed: int = Field(description="Links taken out (occurrences 0).")
    unchanged: int
