"""Selecting several cells or rows and changing their status in one request."""

from __future__ import annotations

from playwright.sync_api import Request

from tests.web.conftest import Server, Visit
from tests.web.test_grid import PROJECT, open_grid, rows_of
from tests.web.test_task_panel import statuses


def _status_requests(visit: Visit) -> list[Request]:
    sent: list[Request] = []
    visit.page.on(
        "request",
        lambda request: sent.append(request) if request.url.endswith("/tasks/status") else None,
    )
    return sent


def test_a_manager_sets_the_status_of_a_range_of_rows_in_one_request(
    visit: Visit, server: Server
) -> None:
    page = open_grid(visit, "manager", "shot")
    shots = rows_of(server, "manager", "shot")
    page.fill("[data-test=search]", shots[0]["name"][:-1])
    ids: list[int] = page.eval_on_selector_all(
        ".grid-row", "rows => rows.map(row => Number(row.dataset.id))"
    )
    chosen = ids[:3]
    by_id = {s["id"]: s for s in shots}
    tasks = sorted(t["id"] for shot in chosen for t in by_id[shot]["task_details"])
    assert len(tasks) > 3

    sent = _status_requests(visit)
    page.click(f".grid-row[data-id='{chosen[0]}'] .grid-first")
    page.click(f".grid-row[data-id='{chosen[2]}'] .grid-first", modifiers=["Shift"])
    bulk = page.locator("[data-test=bulk]")
    assert bulk.locator("strong").inner_text() == f"{len(tasks)} tasks selected"
    hold = statuses(server, "manager")["hold"]
    bulk.locator("[data-test=bulk-status]").select_option(str(hold["id"]))
    visit.shoot("bulk")
    with page.expect_response("**/tasks/status") as answered:
        bulk.locator("[data-test=bulk-apply]").click()
    assert answered.value.status == 200
    for task in tasks:
        page.wait_for_function(
            "id => document.querySelector(`.grid-cell[data-task='${id}'] .status`)"
            ".textContent === 'hold'",
            arg=task,
        )
    assert len(sent) == 1
    assert sorted(sent[0].post_data_json["task_ids"]) == tasks

    changed = server.get("manager", f"/api/projects/{PROJECT}/tasks", limit=500)["items"]
    assert {t["id"]: t["task_status_id"] for t in changed if t["id"] in tasks} == dict.fromkeys(
        tasks, hold["id"]
    )


def test_ctrl_click_picks_cells_and_a_refusal_changes_nothing(visit: Visit, server: Server) -> None:
    me = server.get("artist", "/api/me")["id"]
    assets = rows_of(server, "artist", "shot")
    mine = next(
        (a["name"], t["id"])
        for a in assets
        for t in a["task_details"]
        if any(p["id"] == me for p in t["assignees"])
    )
    other = next(
        (a["name"], t["id"])
        for a in assets
        for t in a["task_details"]
        if all(p["id"] != me for p in t["assignees"]) and a["name"] != mine[0]
    )
    before = {
        task: server.get("artist", f"/api/tasks/{task}")["task_status_id"]
        for task in (mine[1], other[1])
    }
    page = open_grid(visit, "artist", "shot")
    page.fill("[data-test=search]", mine[0])
    page.click(f".grid-cell[data-task='{mine[1]}']", modifiers=["Control"])
    page.fill("[data-test=search]", other[0])
    page.click(f".grid-cell[data-task='{other[1]}']", modifiers=["Control"])
    bulk = page.locator("[data-test=bulk]")
    assert bulk.locator("strong").inner_text() == "2 tasks selected"
    review = statuses(server, "artist")["wfa"]
    bulk.locator("[data-test=bulk-status]").select_option(str(review["id"]))
    bulk.locator("[data-test=bulk-apply]").click()
    refusal = bulk.locator("[role=alert]").inner_text()
    assert refusal.startswith("you may not")
    assert f"task {other[1]}" in refusal
    after = {task: server.get("artist", f"/api/tasks/{task}")["task_status_id"] for task in before}
    assert after == before
