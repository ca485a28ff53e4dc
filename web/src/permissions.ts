/**
 * What the signed-in person may change on a task, to offer only the
 * controls that will work. The server decides (src/shotline/access.py: its
 * answers are 403 otherwise); this mirrors its rules:
 *
 * - edit the planning and the assignees: an admin, a manager of the project,
 *   or a supervisor of the project whose department the task type is of;
 * - work on it (comments, own time): whoever may edit it, and the artists and
 *   vendors it is assigned to;
 * - set its status (with a comment): whoever may edit it, to any status of
 *   the project; its artists and vendors, to the statuses artists may set;
 *   a client of the project, to the statuses clients may set (a client's
 *   comment always sets one, and is never internal);
 * - a client reads no internal comment and no time log.
 */
import type { Schemas } from "./api/client";
import type { Me, Role } from "./session";
import { roleOn } from "./session";

type TaskStatus = Schemas["TaskStatusOut"];

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
  /** Which statuses the person may set: "any", the artists', the clients', or none. */
  statuses: "any" | "artist" | "client" | "none";
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
  const statuses = edit ? "any" : assigned ? "artist" : role === "client" ? "client" : "none";
  return { role, edit, work: edit || assigned, internal: role !== "client", statuses };
}

/** The statuses someone with these rights may set, in the project's order. */
export function settable(rights: TaskRights["statuses"], statuses: TaskStatus[]): TaskStatus[] {
  switch (rights) {
    case "any":
      return statuses;
    case "artist":
      return statuses.filter((status) => status.is_artist_allowed);
    case "client":
      return statuses.filter((status) => status.is_client_allowed);
    default:
      return [];
  }
}

/**
 * The statuses a role may set on a project's tasks in bulk (a selection
 * mixes tasks: the server refuses the ones the person may not change).
 */
export function bulkStatuses(role: Role | null, statuses: TaskStatus[]): TaskStatus[] {
  if (role === "admin" || role === "manager" || role === "supervisor") return statuses;
  if (role === "artist" || role === "vendor") return settable("artist", statuses);
  if (role === "client") return settable("client", statuses);
  return [];
}
