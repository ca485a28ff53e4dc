"""The schedule through GraphQL: a project's milestones and workload, a
task's time spent, in a fixed number of statements."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update

from shotline import models as m
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")

SCHEDULE = """query($id: ID!, $start: Date!) { project(id: $id) {
    milestones { name date taskType { name } }
    workload(start: $start, weeks: 2) { weeks people { fullName minutes unscheduled } } } }"""


def test_milestones_workload_and_time_spent(writable: Api) -> None:
    ids = writable.ids
    with writable.engine.begin() as connection:
        connection.execute(
            insert(m.Milestone),
            [
                {"project_id": ids.projects["LHK"], "date": dt.date(2025, 5, 2), "name": "Delivery",
                 "task_type_id": None, "created_at": dt.datetime(2025, 3, 3, tzinfo=dt.UTC)},
                {"project_id": ids.projects["LHK"], "date": dt.date(2025, 4, 4),
                 "name": "Rig lock", "task_type_id": ids.task_types["rig"],
                 "created_at": dt.datetime(2025, 3, 3, tzinfo=dt.UTC)},
            ],
        )  # fmt: skip
        # Due 2025-04-02, assigned to Tomás and Ines, 90 minutes logged by each.
        connection.execute(
            update(m.Task).where(m.Task.id == ids.tasks["Keeper/rig"]).values(estimate=480)
        )
    data, log = writable.data(SCHEDULE, {"id": str(ids.projects["LHK"]), "start": "2025-04-02"})
    assert data == {
        "project": {
            "milestones": [
                {"name": "Rig lock", "date": "2025-04-04", "taskType": {"name": "Rigging"}},
                {"name": "Delivery", "date": "2025-05-02", "taskType": None},
            ],
            "workload": {
                "weeks": ["2025-03-31", "2025-04-07"],
                "people": [
                    {"fullName": "Ines Abara", "minutes": [240, 0], "unscheduled": 0},
                    {"fullName": "Tomás Reyes", "minutes": [240, 0], "unscheduled": 0},
                ],
            },
        }
    }
    # the project, its milestones (task type joined), the grouped workload
    assert log.count == AUTH + 3

    task, log = writable.data(
        "query($id: ID!) { task(id: $id) { estimate dueDate timeSpent } }",
        {"id": str(ids.tasks["Keeper/rig"])},
    )
    assert task == {"task": {"estimate": 480, "dueDate": "2025-04-02", "timeSpent": 180}}
    assert log.count == AUTH + 1

    too_long, _ = writable.post(
        'query($id: ID!) { project(id: $id) { workload(start: "2025-04-02", weeks: 60) '
        "{ weeks } } }",
        {"id": str(ids.projects["LHK"])},
    )
    assert too_long["errors"][0]["message"] == "weeks must be between 1 and 53"
    assert too_long["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
