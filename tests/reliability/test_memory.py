"""Memory levels off under a steady load of identical requests (issue item
10): after a warm-up, what the server keeps (traced by tracemalloc, the
client's allocations included) grows by less than 256 KiB over 120 more
rounds of a GraphQL grid, a REST grid and a comment."""

from __future__ import annotations

import gc
import tracemalloc

from fastapi.testclient import TestClient

from shotline.app import create_app
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

GRID = """query Grid($id: ID!) { project(id: $id) { id name assets(limit: 20) { id name
  tasks { id taskStatus { shortName } assignees { id firstName } } } } }"""


def test_identical_requests_keep_no_memory(stock: Stock) -> None:
    client = TestClient(create_app(stock.engine, LIMITS), headers=stock.token)
    project = stock.ids.projects["LHK"]
    task = stock.ids.tasks["SQ010/SH0010/anim"]

    def rounds(count: int) -> None:
        for _ in range(count):
            answer = client.post("/graphql", json={"query": GRID, "variables": {"id": project}})
            assert answer.status_code == 200
            assert client.get(f"/api/projects/{project}/assets?limit=20").status_code == 200
            assert client.post(f"/api/tasks/{task}/comments", json={"text": "x"}).status_code == 201

    rounds(60)
    gc.collect()
    tracemalloc.start()
    try:
        rounds(60)
        gc.collect()
        warm, _ = tracemalloc.get_traced_memory()
        rounds(120)
        gc.collect()
        steady, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert steady - warm < 256 * 1024
