import { describe, expect, it } from "vitest";
import { tasksOfEvent } from "./stream";

describe("tasksOfEvent", () => {
  it("takes the tasks an event of the project is about", () => {
    expect(tasksOfEvent({ project_id: 1, task_id: 5 }, 1)).toEqual([5]);
    expect(tasksOfEvent({ project_id: 1, task_ids: [5, 6, "x"] }, 1)).toEqual([5, 6]);
    expect(tasksOfEvent({ project_id: 1, subject: { type: "task", id: 9 }, task_id: 9 }, 1)).toEqual([9]);
  });
  it("ignores other projects and events about no task", () => {
    expect(tasksOfEvent({ project_id: 2, task_id: 5 }, 1)).toEqual([]);
    expect(tasksOfEvent({ project_id: 1, subject: { type: "asset", id: 9 } }, 1)).toEqual([]);
    expect(tasksOfEvent("task", 1)).toEqual([]);
    expect(tasksOfEvent(null, 1)).toEqual([]);
  });
});
