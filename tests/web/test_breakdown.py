"""The schedule page, a shot's casting and previews in the task panel, and
the grid cells' thumbnails."""

from __future__ import annotations

import io

from PIL import Image

from shotline.demo import demo_monday
from tests.web.conftest import Server, Visit
from tests.web.test_grid import PROJECT, rows_of
from tests.web.test_task_panel import open_task, task_of


def test_a_manager_reads_the_schedule(visit: Visit, server: Server) -> None:
    milestones = server.get("manager", f"/api/projects/{PROJECT}/milestones")["items"]
    page = visit.sign_in("manager")
    page.goto(f"{server.url}/projects/{PROJECT}")
    page.click("[data-test=open-schedule]")
    page.locator("[data-test=milestones] li", has_text=milestones[-1]["name"]).wait_for()
    shown = page.locator("[data-test=milestones] li").all_inner_texts()
    assert shown == [f"{m['date']} {m['name']}" for m in milestones]
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    workload = server.get(
        "manager", f"/api/projects/{PROJECT}/schedule/workload", start=today, weeks=8
    )
    rows = page.locator("[data-test=workload] tbody tr")
    assert rows.count() == max(1, len(workload["people"]))
    if workload["people"]:
        assert rows.first.locator("td").first.inner_text() == workload["people"][0]["full_name"]
    # Another start: the weeks of the demo's busiest time, the week it was made.
    busiest = demo_monday().isoformat()
    page.fill("[data-test=workload-start]", busiest)
    page.dispatch_event("[data-test=workload-start]", "change")
    page.locator("[data-test=workload] th", has_text=busiest).wait_for()
    busy = server.get(
        "manager", f"/api/projects/{PROJECT}/schedule/workload", start=busiest, weeks=8
    )
    first_row = page.locator("[data-test=workload] tbody tr").first.locator("td")
    assert first_row.all_inner_texts()[:3] == [
        busy["people"][0]["full_name"],
        *(str(days).removesuffix(".0") if days else "" for days in busy["people"][0]["days"][:2]),
    ]
    visit.shoot("schedule")


def test_a_shot_s_task_panel_shows_its_casting(visit: Visit, server: Server) -> None:
    entity, task = task_of(server, "manager", "shot", lambda t: True)
    shot = next(row for row in rows_of(server, "manager", "shot") if row["name"] == entity)
    casting = server.get("manager", f"/api/entities/{shot['id']}/casting")["items"]
    assert casting, "the demo casts every shot"
    page = open_task(visit, "manager", "shot", entity, task["id"])
    page.locator("[data-test=casting] li", has_text=casting[-1]["asset"]["name"]).wait_for()
    names = page.locator("[data-test=casting] li").all_inner_texts()
    assert [name.split(" ")[0] for name in names] == [
        c["asset"]["name"].split(" ")[0] for c in casting
    ]


def test_previews_show_in_the_grid_and_the_panel_and_files_attach_to_comments(
    visit: Visit, server: Server
) -> None:
    entity, task = task_of(server, "manager", "shot", lambda t: t["thumbnail_id"] is not None)
    page = open_task(visit, "manager", "shot", entity, task["id"])
    thumb = page.locator(f".grid-cell[data-task='{task['id']}'] img.thumb")
    assert thumb.get_attribute("src") == f"/api/previews/{task['thumbnail_id']}/thumbnail"
    page.wait_for_function(
        "id => { const img = document.querySelector(`.grid-cell[data-task='${id}'] img.thumb`);"
        " return img && img.complete && img.naturalWidth > 0; }",
        arg=task["id"],
    )
    previews = page.locator("[data-test=comment-previews] img")
    previews.first.wait_for()
    assert previews.count() >= 1

    picture = io.BytesIO()
    Image.new("RGB", (320, 180), (30, 120, 200)).save(picture, "PNG")
    page.fill("[data-test=comment-text]", "v002 attached")
    page.set_input_files(
        "[data-test=comment-files]",
        files=[{"name": "v002.png", "mimeType": "image/png", "buffer": picture.getvalue()}],
    )
    page.click("[data-test=comment-post]")
    first = page.locator("[data-test=comments] li").first
    first.get_by_text("v002 attached").wait_for()
    first.locator("[data-test=comment-previews] img").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-test=comment-previews] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    visit.shoot("previews")
    comments = server.get("manager", f"/api/tasks/{task['id']}/comments", order="-id")["items"]
    assert [(p["filename"], p["width"]) for p in comments[0]["previews"]] == [("v002.png", 320)]
