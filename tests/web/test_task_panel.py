"""The task panel: a status change with a comment, comments as each role may
read them, assignees, dates and time logs."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.web.conftest import Server, Visit
from tests.web.test_grid import PROJECT, rows_of


def open_task(visit: Visit, role: str, kind: str, entity: str, task_id: int) -> Page:
    """Sign in, open the grid narrowed to ``entity`` and the task's panel."""
    visit.sign_in(role)
    page = visit.open(f"/projects/{PROJECT}/{kind}s")
    page.fill("[data-test=search]", entity)
    page.click(f".grid-cell[data-task='{task_id}']")
    page.wait_for_selector("[data-test=panel-status]")
    return page


def task_of(server: Server, role: str, kind: str, wanted: Any) -> tuple[str, dict[str, Any]]:
    """The first entity and task of the grid (as ``role`` sees it) matching ``wanted``."""
    for row in rows_of(server, role, kind):
        for task in row["task_details"]:
            if wanted(task):
                return row["name"], task
    raise AssertionError("no such task in the demo")


def statuses(server: Server, role: str) -> dict[str, dict[str, Any]]:
    settings = server.get(role, f"/api/projects/{PROJECT}/settings")
    return {s["short_name"]: s for s in settings["task_statuses"]}


def test_an_artist_sets_a_status_with_a_comment_and_it_persists(
    visit: Visit, server: Server
) -> None:
    me = server.get("artist", "/api/me")["id"]
    entity, task = task_of(
        server,
        "artist",
        "shot",
        lambda t: t["task_status"] == "wip" and any(p["id"] == me for p in t["assignees"]),
    )
    page = open_task(visit, "artist", "shot", entity, task["id"])
    known = statuses(server, "artist")
    offered = page.eval_on_selector_all(
        "[data-test=panel-status-select] option", "options => options.map(option => option.label)"
    )
    # The current status and those artists may set, in the project's order.
    assert offered == [
        s["name"] for s in known.values() if s["is_artist_allowed"] or s["short_name"] == "wip"
    ]
    review = known["wfa"]
    page.select_option("[data-test=panel-status-select]", str(review["id"]))
    page.fill("[data-test=comment-text]", "Ready for review: turnaround attached.")
    assert page.locator("[data-test=comment-post]").inner_text() == "Change status and comment"
    visit.shoot("task-panel-artist")
    page.click("[data-test=comment-post]")

    cell = page.locator(f".grid-cell[data-task='{task['id']}'] .status")
    page.wait_for_function(
        "id => document.querySelector(`.grid-cell[data-task='${id}'] .status`).textContent === 'wfa'",
        arg=task["id"],
    )
    assert page.locator("[data-test=panel-status]").inner_text() == "wfa"
    first = page.locator("[data-test=comments] li").first
    first.get_by_text("Ready for review: turnaround attached.").wait_for()
    assert first.locator(".status").inner_text() == "wfa"

    stored = server.get("artist", f"/api/tasks/{task['id']}")
    assert stored["task_status_id"] == review["id"]
    comments = server.get("artist", f"/api/tasks/{task['id']}/comments", order="-id")["items"]
    assert (comments[0]["text"], comments[0]["task_status_id"]) == (
        "Ready for review: turnaround attached.",
        review["id"],
    )
    page.reload()
    page.fill("[data-test=search]", entity)
    assert cell.inner_text() == "wfa"


def test_an_artist_cannot_change_a_task_not_theirs(visit: Visit, server: Server) -> None:
    me = server.get("artist", "/api/me")["id"]
    entity, task = task_of(
        server, "artist", "asset", lambda t: all(p["id"] != me for p in t["assignees"])
    )
    page = open_task(visit, "artist", "asset", entity, task["id"])
    assert page.locator("[data-test=comment-form]").count() == 0
    assert page.locator("[data-test=assign-select]").count() == 0
    assert page.locator("[data-test=due-date]").is_disabled()


def _task_with_internal_comments(server: Server) -> tuple[str, dict[str, Any], list[Any]]:
    for entity, task in (
        (row["name"], task)
        for row in rows_of(server, "admin", "asset")[:40]
        for task in row["task_details"]
    ):
        comments = server.get("admin", f"/api/tasks/{task['id']}/comments")["items"]
        if any(c["internal"] for c in comments) and any(not c["internal"] for c in comments):
            return entity, task, comments
    raise AssertionError("no task with internal and public comments")


def _panel_comments(page: Page) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        "[data-test=comments] li p", "items => items.map(item => item.textContent)"
    )
    return texts


def test_a_client_reads_no_internal_comment_nor_time_and_sets_only_clients_statuses(
    visit: Visit, server: Server
) -> None:
    entity, task, everything = _task_with_internal_comments(server)
    page = open_task(visit, "client", "asset", entity, task["id"])
    page.locator("[data-test=comments] li").first.wait_for()
    given = server.get("client", f"/api/tasks/{task['id']}/comments", order="-created_at,-id")
    shown = _panel_comments(page)
    assert shown == [c["text"] for c in given["items"]]
    assert sorted(shown) == sorted(c["text"] for c in everything if not c["internal"])
    assert page.locator("[data-test=comments] .tag").count() == 0
    assert page.locator("[data-test=time-logs]").count() == 0
    assert page.locator("[data-test=comment-internal]").count() == 0
    assert page.locator("[data-test=assign-select]").count() == 0
    known = statuses(server, "client")
    offered = page.eval_on_selector_all(
        "[data-test=panel-status-select] option", "options => options.map(option => option.label)"
    )
    assert offered == [
        s["name"]
        for s in known.values()
        if s["is_client_allowed"] or s["short_name"] == task["task_status"]
    ]
    visit.shoot("task-panel-client")


def test_a_client_asks_for_a_retake_with_a_comment(visit: Visit, server: Server) -> None:
    entity, task = task_of(server, "client", "shot", lambda t: t["task_status"] == "wfa")
    page = open_task(visit, "client", "shot", entity, task["id"])
    page.fill("[data-test=comment-text]", "The lighthouse beam is too warm.")
    # A client's comment sets a status: the current one is not enough.
    assert page.locator("[data-test=comment-post]").is_disabled()
    retake = statuses(server, "client")["retake"]
    page.select_option("[data-test=panel-status-select]", str(retake["id"]))
    page.click("[data-test=comment-post]")
    page.wait_for_function(
        "id => document.querySelector(`.grid-cell[data-task='${id}'] .status`)"
        ".textContent === 'retake'",
        arg=task["id"],
    )
    assert server.get("manager", f"/api/tasks/{task['id']}")["task_status_id"] == retake["id"]
    latest = server.get("manager", f"/api/tasks/{task['id']}/comments", order="-id")["items"][0]
    assert (latest["text"], latest["internal"]) == ("The lighthouse beam is too warm.", False)


def test_a_supervisor_sees_internal_comments(visit: Visit, server: Server) -> None:
    entity, task, everything = _task_with_internal_comments(server)
    page = open_task(visit, "supervisor", "asset", entity, task["id"])
    page.locator("[data-test=comments] li").first.wait_for()
    assert sorted(_panel_comments(page)) == sorted(c["text"] for c in everything)
    assert page.locator("[data-test=comments] .tag").count() == sum(
        c["internal"] for c in everything
    )


def test_a_supervisor_assigns_unassigns_and_dates_a_task_of_their_department(
    visit: Visit, server: Server
) -> None:
    department = server.get("supervisor", "/api/me")["department_id"]
    settings = server.get("supervisor", f"/api/projects/{PROJECT}/settings")
    theirs = {t["name"] for t in settings["task_types"] if t["department_id"] == department}
    entity, task = task_of(server, "supervisor", "asset", lambda t: t["task_type"] in theirs)
    page = open_task(visit, "supervisor", "asset", entity, task["id"])

    choice = page.locator("[data-test=assign-select] option:not([disabled])").first
    label = choice.inner_text()
    person = int(choice.get_attribute("value") or 0)
    page.select_option("[data-test=assign-select]", str(person))
    page.click("[data-test=assign-add]")
    name = label.rsplit(" (", 1)[0]
    page.locator("[data-test=assignees]").get_by_text(name).wait_for()
    assigned = [p["id"] for p in server.get("supervisor", f"/api/tasks/{task['id']}")["assignees"]]
    assert person in assigned
    page.get_by_role("button", name=f"Unassign {name}").click()
    page.locator("[data-test=assignees]").get_by_text(name).wait_for(state="detached")
    assigned = [p["id"] for p in server.get("supervisor", f"/api/tasks/{task['id']}")["assignees"]]
    assert person not in assigned

    with page.expect_response(f"**/api/tasks/{task['id']}") as patched:
        page.fill("[data-test=due-date]", "2026-03-31")
    assert (patched.value.request.method, patched.value.status) == ("PATCH", 200)
    assert server.get("supervisor", f"/api/tasks/{task['id']}")["due_date"] == "2026-03-31"


def test_an_artist_logs_time_on_their_task(visit: Visit, server: Server) -> None:
    me = server.get("artist", "/api/me")["id"]
    entity, task = task_of(
        server,
        "artist",
        "shot",
        lambda t: any(p["id"] == me for p in t["assignees"]),
    )
    page = open_task(visit, "artist", "shot", entity, task["id"])
    before = server.get("artist", f"/api/tasks/{task['id']}/time-logs")["items"]
    section = page.locator("[data-test=time-logs]")
    section.locator("input[type=date]").fill("2026-01-15")
    section.locator("input[type=number]").fill("95")
    section.get_by_role("button", name="Log time").click()
    section.get_by_text("2026-01-15 · 1 h 35 min").wait_for()
    after = server.get("artist", f"/api/tasks/{task['id']}/time-logs")["items"]
    assert len(after) == len(before) + 1
    assert {(log["day"], log["minutes"], log["person_id"]) for log in after} - {
        (log["day"], log["minutes"], log["person_id"]) for log in before
    } == {("2026-01-15", 95, me)}
