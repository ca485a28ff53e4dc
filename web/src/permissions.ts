/**
 * What the signed-in person may change on a task, to offer only the
 * controls that will work. The server decides (src/shotline/access.py: its
 * answers are 403 otherwise); this mirrors its rules:
 *
 * - edit the planning and the assignees: an admin, a manager of the project,
 *   or a supervisor of the project whose department the task type is of;
 * - work on it (status, comments, own time): whoever may edit it, and the
 *   artists and vendors it is assigned to;
 * - a client changes nothing, and reads no internal comment or time log.
 */
import type { Me, Role } from "./session";
import { roleOn } from "./session";

export interface TaskFacts {
  projectId: number;
  taskTypeDepartmentId: number | null | undefined;
  assigneeIds: number[];
}

export interface TaskRights {
  role: Role;
  edit: boolean;
  work: boolean;
  /** Sees internal comments and may write them; sees time logs. */
  internal: boolean;
}

export function taskRights(person: Me, task: TaskFacts): TaskRights {
  const role = roleOn(person, task.projectId);
  const manages = role === "admin" || role === "manager";
  const supervises =
    role === "supervisor" &&
    person.department_id !== null &&
    task.taskTypeDepartmentId === person.department_id;
  const edit = manages || supervises;
  const assigned =
    (role === "artist" || role === "vendor") && task.assigneeIds.includes(person.id);
  return { role, edit, work: edit || assigned, internal: role !== "client" };
}
