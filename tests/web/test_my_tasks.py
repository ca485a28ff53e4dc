"""My tasks: an artist's to-do across their projects, newest activity first;
a status changed from it moves the task to the top."""

from __future__ import annotations

from tests.web.conftest import Server, Visit


def shown_tasks(page: object) -> list[int]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined, no-any-return]
        "[data-test=my-tasks] tbody tr", "rows => rows.map(row => Number(row.dataset.task))"
    )


def test_an_artist_works_from_their_tasks(visit: Visit, server: Server) -> None:
    mine = server.get("artist", "/api/me/tasks", limit=200, total="true")
    assert mine["total"] > 0
    page = visit.sign_in("artist")
    page.click("[data-test=nav-my-tasks]")
    page.wait_for_selector("[data-test=my-tasks] tbody tr")
    assert page.locator("[data-test=my-tasks-count]").inner_text() == f"{mine['total']} open"
    assert shown_tasks(page) == [task["id"] for task in mine["items"]]
    first = mine["items"][0]
    row = page.locator(f"[data-test=my-tasks] tr[data-task='{first['id']}'] td")
    assert row.all_inner_texts()[:4] == [
        first["project"]["code"],
        first["entity"]["name"],
        first["task_type"]["name"],
        first["task_status"]["short_name"],
    ]
    visit.shoot("my-tasks")

    # The oldest work in progress asks for review, and comes first.
    task = next(t for t in reversed(mine["items"]) if t["task_status"]["short_name"] == "wip")
    page.click(f"[data-test=my-tasks] tr[data-task='{task['id']}']")
    page.wait_for_selector("[data-test=panel-status]")
    assert page.locator("[data-test=task-panel] h2").inner_text() == task["task_type"]["name"]
    settings = server.get("artist", f"/api/projects/{task['project']['id']}/settings")
    review = next(s for s in settings["task_statuses"] if s["short_name"] == "wfa")
    page.select_option("[data-test=panel-status-select]", str(review["id"]))
    page.fill("[data-test=comment-text]", "Ready for review from my list.")
    page.click("[data-test=comment-post]")
    page.wait_for_function(
        """id => {
            const row = document.querySelector('[data-test=my-tasks] tbody tr');
            return row && Number(row.dataset.task) === id
                && row.querySelector('.status').textContent === 'wfa';
        }""",
        arg=task["id"],
    )
    assert server.get("artist", f"/api/tasks/{task['id']}")["task_status_id"] == review["id"]
    assert shown_tasks(page) == [
        t["id"] for t in server.get("artist", "/api/me/tasks", limit=200)["items"]
    ]


def test_a_client_has_nothing_to_do(visit: Visit, server: Server) -> None:
    assert server.get("client", "/api/me/tasks")["items"] == []
    page = visit.sign_in("client")
    page.click("[data-test=nav-my-tasks]")
    page.wait_for_selector("[data-test=my-tasks-empty]")
    assert page.locator("[data-test=my-tasks-count]").inner_text() == "0 open"
