"""The asset and shot grids: what each role sees, filters, sort, columns."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.conftest import ROLES, Server, Visit, row_count

PROJECT = 1  # The Lighthouse Keepers


def open_grid(visit: Visit, role: str, kind: str) -> Page:
    visit.sign_in(role)
    page = visit.open(f"/projects/{PROJECT}/{kind}s")
    page.wait_for_selector("[data-test=grid] .grid-row")
    return page


def cell_tasks(page: Page) -> set[int]:
    """The tasks of the cells in the DOM (the rows and columns in view)."""
    ids: list[int] = page.eval_on_selector_all(
        ".grid-cell[data-task]", "cells => cells.map(cell => Number(cell.dataset.task))"
    )
    return set(ids)


def every_task(page: Page) -> set[int]:
    """The tasks of every cell, scrolling the grid from top to bottom."""
    grid = page.locator("[data-test=grid]")
    grid.evaluate("grid => { grid.scrollTop = 0 }")
    found: set[int] = set()
    while True:
        page.wait_for_timeout(50)
        found |= cell_tasks(page)
        done = grid.evaluate(
            "grid => { const end = grid.scrollTop + grid.clientHeight >= grid.scrollHeight;"
            " grid.scrollTop += grid.clientHeight / 2; return end }"
        )
        if done:
            return found


def rows_of(server: Server, role: str, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = server.get(role, f"/api/projects/{PROJECT}/{kind}s")["items"]
    return items


def header_names(page: Page) -> list[str]:
    names: list[str] = page.eval_on_selector_all(
        ".grid-head-cell", "cells => cells.map(cell => cell.dataset.column)"
    )
    return names


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_the_asset_grid_from_the_projects_page(
    visit: Visit, server: Server, role: str
) -> None:
    page = visit.sign_in(role)
    card = page.locator("[data-test=project-card]", has_text="The Lighthouse Keepers")
    card.locator("[data-test=progress]").wait_for()
    if role == "admin":
        visit.shoot("projects")
    card.get_by_role("link", name="The Lighthouse Keepers").click()
    page.wait_for_selector("[data-test=open-assets]")
    page.wait_for_selector("[data-test=progress]")
    if role == "manager":
        visit.shoot("project-home")
    page.click("[data-test=open-assets]")
    page.wait_for_selector("[data-test=grid] .grid-row")
    assets = rows_of(server, role, "asset")
    assert row_count(page) == f"{len(assets)} of {len(assets)} assets"
    if role == "manager":
        visit.shoot("asset-grid")
    settings = server.get(role, f"/api/projects/{PROJECT}/settings")
    columns = [t["name"] for t in settings["task_types"] if t["for_entity"] == "asset"]
    assert header_names(page) == columns


@pytest.mark.parametrize("role", ["vendor", "client", "artist"])
def test_a_grid_holds_exactly_the_tasks_the_api_gives_the_role(
    visit: Visit, server: Server, role: str
) -> None:
    page = open_grid(visit, role, "asset")
    assets = rows_of(server, role, "asset")
    expected = {task["id"] for asset in assets for task in asset["task_details"]}
    if role == "vendor":
        # A vendor's grid: only the tasks assigned to them, on their entities.
        me = server.get(role, "/api/me")["id"]
        assert all(
            any(person["id"] == me for person in task["assignees"])
            for asset in assets
            for task in asset["task_details"]
        )
        visit.shoot("vendor-grid")
    assert every_task(page) == expected


def test_filters_by_sequence_status_assignee_and_name(visit: Visit, server: Server) -> None:
    page = open_grid(visit, "manager", "shot")
    shots = rows_of(server, "manager", "shot")
    total = len(shots)
    assert row_count(page) == f"{total} of {total} shots"
    visit.shoot("shot-grid")

    where = {" / ".join(filter(None, [s["episode"], s["sequence"]])) for s in shots}
    place = sorted(where)[1]
    page.select_option("[data-test=group]", place)
    in_place = [
        s for s in shots if " / ".join(filter(None, [s["episode"], s["sequence"]])) == place
    ]
    assert row_count(page) == f"{len(in_place)} of {total} shots"
    page.select_option("[data-test=group]", "")

    task_type, status = "Animation", "wip"
    page.select_option(f"[data-test='filter-{task_type}']", status)
    matching = [s for s in shots if s["task_status"].get(task_type) == status]
    assert 0 < len(matching) < total
    assert row_count(page) == f"{len(matching)} of {total} shots"
    page.select_option(f"[data-test='filter-{task_type}']", "")

    person = shots[0]["task_details"][0]["assignees"][0]
    page.select_option("[data-test=assignee]", label=person["full_name"])
    assigned = [
        s
        for s in shots
        if any(p["id"] == person["id"] for t in s["task_details"] for p in t["assignees"])
    ]
    assert row_count(page) == f"{len(assigned)} of {total} shots"
    page.select_option("[data-test=assignee]", label="Anyone")

    part = shots[3]["name"][:5].lower()
    page.fill("[data-test=search]", part)
    named = [s for s in shots if part in s["name"].lower()]
    assert row_count(page) == f"{len(named)} of {total} shots"
    page.fill("[data-test=search]", "no such shot")
    assert row_count(page) == f"0 of {total} shots"


def test_sort_by_name_and_by_status_and_hide_columns(visit: Visit, server: Server) -> None:
    page = open_grid(visit, "supervisor", "asset")
    assets = rows_of(server, "supervisor", "asset")
    first = page.locator(".grid-row .grid-first .name").first
    names = sorted((a["name"] for a in assets), key=str.casefold)
    assert first.inner_text() == names[0]
    page.click("[data-test=sort-name]")
    page.wait_for_function(
        "name => document.querySelector('.grid-row .grid-first .name').textContent === name",
        arg=names[-1],
    )

    settings = server.get("supervisor", f"/api/projects/{PROJECT}/settings")
    order = [s["short_name"] for s in settings["task_statuses"]]
    present = {a["task_status"].get("Rigging") for a in assets} - {None}
    page.click("[data-test=sort-Rigging]")
    lowest = min(present, key=order.index)
    top = page.locator(".grid-row").first.locator(".grid-cell[data-column=Rigging] .status")
    assert top.inner_text() == lowest

    page.click("[data-test=columns]")
    page.uncheck("[data-test='column-Texturing']")
    page.click("[data-test=columns]")
    assert header_names(page) == ["Concept", "Modeling", "Rigging", "Shading"]


ROWS = """() => [...document.querySelectorAll('[data-test=grid] .grid-row')]
    .map(row => [row.dataset.id, row.querySelector('.name').textContent])"""


def test_scrolling_patches_the_row_elements_in_place(visit: Visit, server: Server) -> None:
    """Rows are drawn by slot: a row scrolled into view takes the element of
    one scrolled out (its text and place patched), no element is added,
    removed or moved, and every element shows the row of its id."""
    page = open_grid(visit, "manager", "shot")
    names = {shot["id"]: shot["name"] for shot in rows_of(server, "manager", "shot")}
    grid = page.locator("[data-test=grid]")
    # From the top, the rows above the view (overscan) join in: scroll past them first.
    grid.evaluate("grid => { grid.scrollTop = 10 * 34 }")
    page.wait_for_timeout(100)
    before: list[list[str]] = page.evaluate(ROWS)
    page.evaluate("window.elementsBefore = [...document.querySelectorAll('.grid-row')]")
    grid.evaluate("grid => { grid.scrollTop += 10 * 34 }")
    page.wait_for_function(
        """shown => [...document.querySelectorAll('.grid-row')]
            .map(row => row.dataset.id).join() !== shown""",
        arg=",".join(row_id for row_id, _ in before),
    )
    after: list[list[str]] = page.evaluate(ROWS)
    same = page.evaluate(
        """() => { const now = [...document.querySelectorAll('.grid-row')];
            return now.length === window.elementsBefore.length
                && now.every((row, i) => row === window.elementsBefore[i]); }"""
    )
    assert same
    entered = {row_id for row_id, _ in after} - {row_id for row_id, _ in before}
    assert len(entered) == 10
    assert all(names[int(row_id)] == name for row_id, name in after)
