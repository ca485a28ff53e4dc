import { describe, expect, it } from "vitest";
import type { Schemas } from "./api/client";
import { bulkStatuses, settable, taskRights } from "./permissions";
import type { Me } from "./session";

function person(role: Me["role"], projects: Me["projects"] = [], department_id: number | null = 5): Me {
  return { id: 7, first_name: "P", last_name: "Q", email: "p@q.r", role, department_id, projects, token_kind: "session" };
}
const task = { projectId: 1, taskTypeDepartmentId: 5, assigneeIds: [] as number[] };

function status(id: number, artist: boolean, client: boolean): Schemas["TaskStatusOut"] {
  return {
    id,
    name: `S${id}`,
    short_name: `s${id}`,
    color: "#000000",
    is_done: false,
    is_wip: false,
    is_retake: false,
    is_artist_allowed: artist,
    is_client_allowed: client,
  };
}
const statuses = [status(1, true, false), status(2, false, true), status(3, false, false)];
const ids = (list: Schemas["TaskStatusOut"][]) => list.map((s) => s.id);

describe("taskRights", () => {
  it("lets admins and managers do everything", () => {
    expect(taskRights(person("admin"), task)).toEqual({
      role: "admin",
      edit: true,
      work: true,
      internal: true,
      statuses: "any",
    });
    const manager = person("artist", [{ project_id: 1, role: "manager" }]);
    expect(taskRights(manager, task)).toMatchObject({ role: "manager", edit: true, statuses: "any" });
  });
  it("lets supervisors edit the tasks of their department only", () => {
    const supervisor = person("supervisor", [{ project_id: 1, role: "supervisor" }]);
    expect(taskRights(supervisor, task)).toMatchObject({ edit: true, statuses: "any" });
    expect(taskRights(supervisor, { ...task, taskTypeDepartmentId: 6 })).toMatchObject({
      edit: false,
      work: false,
      statuses: "none",
    });
    expect(taskRights(person("supervisor", [{ project_id: 1, role: "supervisor" }], null), task).edit).toBe(false);
  });
  it("lets artists and vendors work on their own tasks, to the artists' statuses", () => {
    for (const role of ["artist", "vendor"] as const) {
      const someone = person(role, [{ project_id: 1, role }]);
      expect(taskRights(someone, task)).toMatchObject({ edit: false, work: false, statuses: "none" });
      expect(taskRights(someone, { ...task, assigneeIds: [7] })).toMatchObject({
        edit: false,
        work: true,
        statuses: "artist",
      });
    }
  });
  it("lets clients set the clients' statuses only, and read no internal notes", () => {
    const client = person("client", [{ project_id: 1, role: "client" }]);
    expect(taskRights(client, { ...task, assigneeIds: [7] })).toEqual({
      role: "client",
      edit: false,
      work: false,
      internal: false,
      statuses: "client",
    });
  });
});

describe("settable and bulkStatuses", () => {
  it("keep the statuses each role may set, in order", () => {
    expect(ids(settable("any", statuses))).toEqual([1, 2, 3]);
    expect(ids(settable("artist", statuses))).toEqual([1]);
    expect(ids(settable("client", statuses))).toEqual([2]);
    expect(ids(settable("none", statuses))).toEqual([]);
    expect(ids(bulkStatuses("supervisor", statuses))).toEqual([1, 2, 3]);
    expect(ids(bulkStatuses("vendor", statuses))).toEqual([1]);
    expect(ids(bulkStatuses("client", statuses))).toEqual([2]);
    expect(ids(bulkStatuses(null, statuses))).toEqual([]);
  });
});
