"""Changes made elsewhere reach an open grid without a reload, through the
server's event stream (``GET /api/events/stream``)."""

from __future__ import annotations

from tests.web.conftest import Server, Visit
from tests.web.test_grid import PROJECT, open_grid
from tests.web.test_task_panel import statuses


def test_a_status_changed_by_someone_else_appears_in_the_open_grid(
    visit: Visit, server: Server
) -> None:
    page = open_grid(visit, "supervisor", "asset")
    cell = page.locator(".grid-row").first.locator(".grid-cell[data-task]").first
    task = int(cell.get_attribute("data-task") or 0)
    before = cell.locator(".status").inner_text()
    target = next(s for s in statuses(server, "manager").values() if s["short_name"] != before)
    with server.api("manager") as manager:
        changed = manager.post(
            f"/api/tasks/{task}/comments",
            json={"text": "Changed from another desk.", "task_status_id": target["id"]},
        )
        assert changed.status_code == 201, changed.text
    page.wait_for_function(
        "([id, status]) => document.querySelector(`.grid-cell[data-task='${id}'] .status`)"
        ".textContent === status",
        arg=[task, target["short_name"]],
        timeout=10_000,
    )
    assert page.url.endswith(f"/projects/{PROJECT}/assets")
