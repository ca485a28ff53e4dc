import { describe, expect, it } from "vitest";
import { tasksOfEvent } from "./stream";

const event = {
  id: 42,
  kind: "task.status_changed",
  subject: "task",
  subject_id: 5,
  project_id: 1,
  entity_id: 9,
  task_id: 5,
  payload: { changes: { task_status_id: [1301, 1302] } },
};

describe("tasksOfEvent", () => {
  it("takes the task of a task event of the project", () => {
    expect(tasksOfEvent(event, 1)).toEqual([5]);
    expect(tasksOfEvent({ ...event, kind: "task.assigned" }, 1)).toEqual([5]);
  });
  it("ignores other projects, other subjects and malformed events", () => {
    expect(tasksOfEvent(event, 2)).toEqual([]);
    expect(tasksOfEvent({ ...event, kind: "comment.created", subject: "comment" }, 1)).toEqual([]);
    expect(tasksOfEvent({ ...event, task_id: "5" }, 1)).toEqual([]);
    expect(tasksOfEvent("task", 1)).toEqual([]);
    expect(tasksOfEvent(null, 1)).toEqual([]);
  });
});
