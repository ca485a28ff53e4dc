"""A project's late tasks: due before today and not done."""

from __future__ import annotations

from tests.web.conftest import Server, Visit
from tests.web.test_grid import PROJECT


def test_a_manager_lists_the_late_tasks_and_opens_one(visit: Visit, server: Server) -> None:
    late = server.get(
        "manager", f"/api/projects/{PROJECT}/schedule/tasks", late="true", total="true", limit=200
    )
    assert late["total"] > 0
    page = visit.sign_in("manager")
    page.goto(f"{server.url}/projects/{PROJECT}")
    page.click("[data-test=open-late]")
    page.wait_for_selector("[data-test=late-tasks] tbody tr")
    assert page.locator("[data-test=late-count]").inner_text() == f"{late['total']} late"
    shown = page.eval_on_selector_all(
        "[data-test=late-tasks] tbody tr", "rows => rows.map(row => Number(row.dataset.task))"
    )
    assert shown == [task["id"] for task in late["items"]]
    visit.shoot("late-tasks")
    page.click(f"[data-test=late-tasks] tr[data-task='{shown[0]}']")
    page.wait_for_selector("[data-test=panel-status]")
    assert page.locator("[data-test=task-panel] h2").inner_text() == late["items"][0]["task_type"]
