import { describe, expect, it } from "vitest";
import { taskRights } from "./permissions";
import type { Me } from "./session";

function person(role: Me["role"], projects: Me["projects"] = [], department_id: number | null = 5): Me {
  return { id: 7, first_name: "P", last_name: "Q", email: "p@q.r", role, department_id, projects, token_kind: "session" };
}
const task = { projectId: 1, taskTypeDepartmentId: 5, assigneeIds: [] as number[] };

describe("taskRights", () => {
  it("lets admins and managers do everything", () => {
    expect(taskRights(person("admin"), task)).toEqual({ role: "admin", edit: true, work: true, internal: true });
    const manager = person("artist", [{ project_id: 1, role: "manager" }]);
    expect(taskRights(manager, task)).toEqual({ role: "manager", edit: true, work: true, internal: true });
  });
  it("lets supervisors edit the tasks of their department only", () => {
    const supervisor = person("supervisor", [{ project_id: 1, role: "supervisor" }]);
    expect(taskRights(supervisor, task).edit).toBe(true);
    expect(taskRights(supervisor, { ...task, taskTypeDepartmentId: 6 })).toMatchObject({ edit: false, work: false });
    expect(taskRights(person("supervisor", [{ project_id: 1, role: "supervisor" }], null), task).edit).toBe(false);
  });
  it("lets artists and vendors work on their own tasks", () => {
    for (const role of ["artist", "vendor"] as const) {
      const someone = person(role, [{ project_id: 1, role }]);
      expect(taskRights(someone, task)).toMatchObject({ edit: false, work: false });
      expect(taskRights(someone, { ...task, assigneeIds: [7] })).toMatchObject({ edit: false, work: true });
    }
  });
  it("lets clients change nothing nor read internal notes", () => {
    const client = person("client", [{ project_id: 1, role: "client" }]);
    expect(taskRights(client, { ...task, assigneeIds: [7] })).toEqual({
      role: "client",
      edit: false,
      work: false,
      internal: false,
    });
  });
});
