"""Casting through GraphQL: a sequence's shots with their casting, an
asset's uses, in one statement per level whatever the number of rows."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from shotline import models as m
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")

BREAKDOWN = """query($id: ID!) { entity(id: $id) { name ... on Sequence {
    casting { asset { name } occurrences }
    shots { name casting { occurrences asset { name assetType { name } } } } } } }"""
USES = """query($id: ID!) { entity(id: $id) { ... on Asset {
    castIn { occurrences entity { __typename name } } } } }"""


def test_a_sequence_s_breakdown_and_an_asset_s_uses(writable: Api) -> None:
    ids = writable.ids
    lhk = ids.projects["LHK"]
    with writable.engine.begin() as connection:
        connection.execute(
            insert(m.Casting),
            [
                {"project_id": lhk, "entity_id": ids.shots["SQ020/SH0010"],
                 "asset_id": ids.assets["Keeper"], "occurrences": 1},
                {"project_id": lhk, "entity_id": ids.shots["SQ020/SH0010"],
                 "asset_id": ids.assets["Lantern"], "occurrences": 3},
                {"project_id": lhk, "entity_id": ids.shots["SQ020/SH0020"],
                 "asset_id": ids.assets["Keeper"], "occurrences": 2},
                {"project_id": lhk, "entity_id": ids.sequences["SQ020"],
                 "asset_id": ids.assets["Lantern"], "occurrences": 1},
            ],
        )  # fmt: skip
    data, log = writable.data(BREAKDOWN, {"id": str(ids.sequences["SQ020"])})
    keeper = {"name": "Keeper", "assetType": {"name": "Character"}}
    lantern = {"name": "Lantern", "assetType": {"name": "Prop"}}
    assert data == {
        "entity": {
            "name": "SQ020",
            "casting": [{"asset": {"name": "Lantern"}, "occurrences": 1}],
            "shots": [
                {"name": "SH0010", "casting": [{"occurrences": 1, "asset": keeper},
                                               {"occurrences": 3, "asset": lantern}]},
                {"name": "SH0020", "casting": [{"occurrences": 2, "asset": keeper}]},
            ],
        }
    }  # fmt: skip
    # the sequence, its casting, its shots, their casting (assets and types joined)
    assert log.count == AUTH + 4

    data, log = writable.data(USES, {"id": str(ids.assets["Keeper"])})
    assert data == {
        "entity": {
            "castIn": [
                {"occurrences": 1, "entity": {"__typename": "Shot", "name": "SH0010"}},
                {"occurrences": 2, "entity": {"__typename": "Shot", "name": "SH0020"}},
            ]
        }
    }
    assert log.count == AUTH + 2
